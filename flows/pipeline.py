"""The top-level flow: ingest -> process -> load, one run id throughout."""


from dataclasses import dataclass
from pathlib import Path

from prefect import flow

from flows import progress
from flows.artifacts import publish_run_artifacts
from flows.config import Settings, load_sources
from flows.ingest import IngestSummary, ingest
from flows.load import LoadSummary, load
from flows.process import ProcessSummary, run_process
from flows.runs import new_run_id, utcnow
from flows.stories import assign_stories


@dataclass(frozen=True, slots=True)
class PipelineSummary:
    run_id: str
    ingest: IngestSummary
    process: ProcessSummary
    load: LoadSummary


@flow(name="pipeline")
def pipeline(sources_file: str, settings: Settings | None = None,
             run_id: str | None = None) -> PipelineSummary:
    """Fetch the feeds of `sources_file`, process what they link to, load the warehouse."""
    settings = settings or Settings()
    sources = load_sources(Path(sources_file))
    run_id = run_id or new_run_id()
    started = utcnow()
    ing = ingest(run_id, sources, settings)
    proc = run_process(run_id, ing.pages_file, settings)  # on settings.task_runner
    counts = {"feeds": ing.feeds, "feed_items": ing.feed_items, "pages_fetched": ing.pages_ok}
    progress.advance("load", 0, total=1)
    ld = load(run_id, settings, started, counts)
    progress.advance("load")
    assign_stories(run_id, settings)  # duplicates and stories across runs (issue 8)
    publish_run_artifacts(run_id, settings, ing, proc, ld)
    return PipelineSummary(run_id=run_id, ingest=ing, process=proc, load=ld)
