"""Reprocess: process + load again from the raw zone, without fetching anything.

After a new extractor, gazetteer or event dictionary, the archive (or some days of it) is made
again from the raw bytes every run kept: the pages a run fetched are listed in its work file
`work/<run_id>/pages.jsonl` (URL, raw hash, fetch time, feed facts), the bytes are in the raw
zone. The newest fetch of each page URL whose fetch day (UTC) is in range is processed again
under a new run id, and the load drops the rows derived from those pages (articles, their
mentions and events, process-stage quarantine rows; entities no longer named by anything) in
the same transaction as it loads the new ones, so the warehouse ends as a fresh run over the
same pages would leave it. Pages whose raw bytes are gone are left alone (their rows are kept).
"""


from dataclasses import dataclass
from datetime import date, datetime, timezone

from prefect import flow, get_run_logger

from flows.config import DataPaths, Settings
from flows.load import LoadSummary, load, load_into_warehouse, replaced_pages
from flows.process import ProcessSummary, process_to_lake, run_process
from flows.runs import new_run_id, read_jsonl, utcnow, write_jsonl
from flows.stories import assign_stories, assign_stories_in_warehouse
from warehouse.raw import RawStore

WORK_FILE = "reprocess_pages.jsonl"  # not pages.jsonl: a reprocess run is not a fetch


@dataclass(frozen=True, slots=True)
class PageSelection:
    jobs: list[dict]        # newest fetch per URL in range, in fetch order
    missing_raw: list[str]  # URLs in range whose raw bytes are gone (left as they are)
    scope: str              # "all" or "YYYY-MM-DD..YYYY-MM-DD" (either end may be open)


@dataclass(frozen=True, slots=True)
class ReprocessSummary:
    run_id: str
    scope: str
    pages: int
    missing_raw: int
    process: ProcessSummary
    load: LoadSummary


def scope_label(since: date | None, until: date | None) -> str:
    if since is None and until is None:
        return "all"
    return f"{since.isoformat() if since else ''}..{until.isoformat() if until else ''}"


def _fetch_day(job: dict) -> date | None:
    stamp = job.get("fetched_at")
    if not stamp:
        return None
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).date()


def select_pages(paths: DataPaths, since: date | None = None,
                 until: date | None = None) -> PageSelection:
    """The pages to process again: for each page URL the newest fetch in any run's work file,
    kept when its fetch day is within [since, until] (both optional, inclusive)."""
    latest: dict[str, tuple[int, int, dict]] = {}
    files = sorted((paths.root / "work").glob("*/pages.jsonl"))  # run ids sort by start time
    for run_index, pages_file in enumerate(files):
        for line, job in enumerate(read_jsonl(pages_file)):
            latest[job["url"]] = (run_index, line, job)
    store = RawStore(paths.raw)
    jobs, missing = [], []
    for _, _, job in sorted(latest.values(), key=lambda entry: entry[:2]):
        day = _fetch_day(job)
        if (since and (day is None or day < since)) or (until and (day is None or day > until)):
            continue
        if not job.get("raw_sha256") or not store.exists(job["raw_sha256"]):
            missing.append(job["url"])
            continue
        jobs.append(job)
    return PageSelection(jobs=jobs, missing_raw=missing, scope=scope_label(since, until))


def _counts(selection: PageSelection) -> dict[str, int]:
    return {"pages_processed": len(selection.jobs)}


def reprocess_pages(settings: Settings, since: date | None = None, until: date | None = None,
                    run_id: str | None = None) -> ReprocessSummary:
    """The whole reprocess without Prefect (tests, benchmarks): what the flow below does."""
    paths = DataPaths.of(settings)
    run_id = run_id or new_run_id()
    started = utcnow()
    selection = select_pages(paths, since, until)
    pages_file = write_jsonl(paths.work(run_id) / WORK_FILE, selection.jobs)
    size = max(1, settings.batch_size)
    totals: dict[str, int] = {}
    for start in range(0, len(selection.jobs), size):
        counts = process_to_lake(run_id, selection.jobs[start:start + size], paths,
                                 f"process-{start:07d}")
        for name, n in counts.items():
            totals[name] = totals.get(name, 0) + n
    summary = load_into_warehouse(run_id, paths, started, _counts(selection), kind="reprocess",
                                  replace=replaced_pages(str(pages_file)), scope=selection.scope)
    assign_stories_in_warehouse(run_id, paths.db)  # as a pipeline run does after its load
    proc = ProcessSummary(run_id=run_id, articles=totals.get("articles", 0),
                          mentions=totals.get("mentions", 0), entities=totals.get("entities", 0),
                          events=totals.get("events", 0), quarantined=totals.get("quarantine", 0))
    return ReprocessSummary(run_id=run_id, scope=selection.scope, pages=len(selection.jobs),
                            missing_raw=len(selection.missing_raw), process=proc, load=summary)


@flow(name="reprocess")
def reprocess(settings: Settings, since: date | None = None, until: date | None = None,
              run_id: str | None = None) -> ReprocessSummary:
    """Process again, from the raw zone, the pages fetched between `since` and `until` (UTC
    days, inclusive; both None: everything), replacing the rows derived from them."""
    logger = get_run_logger()
    paths = DataPaths.of(settings)
    run_id = run_id or new_run_id()
    started = utcnow()
    selection = select_pages(paths, since, until)
    if selection.missing_raw:
        logger.warning("%d page(s) in range have no raw bytes any more; their rows are kept",
                       len(selection.missing_raw))
    pages_file = str(write_jsonl(paths.work(run_id) / WORK_FILE, selection.jobs))
    logger.info("reprocessing %d page(s) (%s) as run %s", len(selection.jobs), selection.scope,
                run_id)
    proc = run_process(run_id, pages_file, settings)
    ld = load(run_id, settings, started, _counts(selection), kind="reprocess",
              replace_pages_file=pages_file, scope=selection.scope)
    assign_stories(run_id, settings)  # as a pipeline run does after its load
    return ReprocessSummary(run_id=run_id, scope=selection.scope, pages=len(selection.jobs),
                            missing_raw=len(selection.missing_raw), process=proc, load=ld)
