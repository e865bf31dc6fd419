"""Load: a run's lake parts -> the DuckDB warehouse in one transaction (rows, incremental
models, search index and the run's record together), then the column tests on the run's rows.
The work is warehouse.loader.load_run; this adds the code and data versions and Prefect."""


import functools
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.config import DataPaths, Settings
from flows.runs import read_jsonl, utcnow
from warehouse import db, loader

CODE_VERSION = "newsetl-0.1.0"
# How long a load waits for the database while someone else has it open (a reader holds the
# lock too: DuckDB lets one process write or several read), before failing with a clear message.
LOCK_WAIT_S = 120.0


@dataclass(frozen=True, slots=True)
class LoadSummary:
    run_id: str
    loaded: dict[str, int]       # rows merged per table in this run
    totals: dict[str, int]       # rows per table in the warehouse after the load
    problems: list[str]          # column tests that failed (on this run's rows)
    seconds: dict[str, float] = field(default_factory=dict)  # merge, models, search, checks
    replaced_articles: int = 0   # reprocessing: articles dropped and made again
    already_loaded: bool = False  # the run was recorded as completed before: nothing done


@functools.cache
def data_version() -> str:
    """A short hash of transforms/data (gazetteers, CAMEO tables, verb patterns): when it
    changes, the archive is worth reprocessing."""
    digest = hashlib.sha256()
    root = resources.files("transforms") / "data"
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_file():
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()[:12]


def load_into_warehouse(run_id: str, paths: DataPaths, started_at: datetime,
                        counts: dict[str, int], *, kind: str = "pipeline",
                        replace: db.Replace | None = None, scope: str | None = None,
                        lock_wait_s: float = LOCK_WAIT_S, reload: bool = False) -> LoadSummary:
    """The load itself, without Prefect: one transaction for all of the run's parts. A run
    already recorded as completed is left alone unless `reload`."""
    paths.root.mkdir(parents=True, exist_ok=True)
    facts = loader.RunFacts(run_id=run_id, started_at=started_at, kind=kind, scope=scope,
                            counts=counts, code_version=CODE_VERSION, data_version=data_version())
    done = loader.load_run(paths.db, paths.lake, facts, replace=replace,
                           lock_wait_s=lock_wait_s, now=utcnow, reload=reload)
    return LoadSummary(run_id=run_id, loaded=done.result.rows, totals=done.totals,
                       problems=done.problems, seconds=done.seconds,
                       replaced_articles=done.result.replaced_articles,
                       already_loaded=done.already_loaded)


def replaced_pages(pages_file: str | None) -> db.Replace | None:
    """The Replace of a reprocessing run: the URLs of the pages in its work file."""
    if pages_file is None:
        return None
    return db.Replace(urls=tuple(job["url"] for job in read_jsonl(Path(pages_file))))


@task(cache_policy=NO_CACHE)
def load_run(run_id: str, settings: Settings, started_at: datetime, counts: dict[str, int],
             kind: str = "pipeline", replace_pages_file: str | None = None,
             scope: str | None = None) -> LoadSummary:
    """Merge the run's parts, rebuild models and the search index, record the run."""
    summary = load_into_warehouse(run_id, DataPaths.of(settings), started_at, counts,
                                  kind=kind, replace=replaced_pages(replace_pages_file),
                                  scope=scope)
    logger = get_run_logger()
    for problem in summary.problems:
        logger.warning("column test failed: %s", problem)
    return summary


@flow(name="load")
def load(run_id: str, settings: Settings, started_at: datetime | None = None,
         counts: dict[str, int] | None = None, kind: str = "pipeline",
         replace_pages_file: str | None = None, scope: str | None = None) -> LoadSummary:
    """Load one run into the warehouse (idempotent: MERGE on deterministic keys)."""
    return load_run(run_id, settings, started_at or utcnow(), counts or {}, kind,
                    replace_pages_file, scope)
