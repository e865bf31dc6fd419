"""Load: this run's lake parts -> the DuckDB warehouse, in one transaction, then models and FTS."""


from dataclasses import dataclass
from datetime import datetime

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.config import DataPaths, Settings
from flows.runs import utcnow
from warehouse import db, lake
from warehouse.rows import to_table
from warehouse.schemas import SCHEMAS

CODE_VERSION = "newsetl-0.1.0"


@dataclass(frozen=True, slots=True)
class LoadSummary:
    run_id: str
    loaded: dict[str, int]       # rows merged per table in this run
    totals: dict[str, int]       # rows per table in the warehouse after the load
    problems: list[str]          # column tests that failed


@task(cache_policy=NO_CACHE)
def load_run(run_id: str, settings: Settings, started_at: datetime,
             counts: dict[str, int]) -> LoadSummary:
    """Merge the run's parts, record the run, rebuild models and the full-text index."""
    summary = load_into_warehouse(run_id, DataPaths(settings.data_dir), started_at, counts)
    logger = get_run_logger()
    for problem in summary.problems:
        logger.warning("column test failed: %s", problem)
    return summary


def load_into_warehouse(run_id: str, paths: DataPaths, started_at: datetime,
                        counts: dict[str, int]) -> LoadSummary:
    """The load itself, without Prefect: one transaction for all of the run's parts."""
    paths.root.mkdir(parents=True, exist_ok=True)
    parts = {t: lake.list_parts(paths.lake, t, run_id=run_id) for t in SCHEMAS if t != "runs"}
    con = db.connect(paths.db)
    try:
        db.migrate(con)
        loaded = db.load_parts(con, parts)
        run_row = {"run_id": run_id, "started_at": started_at, "finished_at": utcnow(),
                   "status": "completed", "code_version": CODE_VERSION, "data_version": None,
                   **{k: counts.get(k) for k in ("feeds", "feed_items", "pages_fetched")},
                   **{k: loaded.get(k, 0) for k in ("articles", "mentions", "entities",
                                                    "events", "quarantine")}}
        run_row["quarantined"] = run_row.pop("quarantine")
        db.load_table(con, "runs", to_table("runs", [run_row]))
        db.build_models(con)
        db.rebuild_fts(con)
        problems = db.check_tables(con)
        totals = db.table_counts(con)
    finally:
        con.close()
    return LoadSummary(run_id=run_id, loaded=loaded, totals=totals, problems=problems)


@flow(name="load")
def load(run_id: str, settings: Settings, started_at: datetime | None = None,
         counts: dict[str, int] | None = None) -> LoadSummary:
    """Load one run into the warehouse (idempotent: MERGE on deterministic keys)."""
    return load_run(run_id, settings, started_at or utcnow(), counts or {})
