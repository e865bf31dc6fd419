"""One run's lake parts into the warehouse, recorded in `runs`, then tested (no Prefect).

Everything happens in one transaction: the rows, the incremental models, the search index and
the run's `runs` row commit together or not at all, so a load killed at any point (SIGKILL
included) leaves the warehouse as it was, and running it again gives what an uninterrupted load
gives. The column tests run after the commit, on the run's rows. flows.load wraps this in a
Prefect task; the crash-safety test and the benchmark call it directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from warehouse import db, lake, storage
from warehouse.rows import to_table
from warehouse.schemas import SCHEMAS

# DuckDB's memory cap during a load (it spills to <db>.tmp beyond): the box this runs on has
# other work to do, and a million-article load must stay under 4 GiB.
LOAD_MEMORY_LIMIT = "2GB"


@dataclass(frozen=True)
class RunFacts:
    """What the flows know about a run before it is loaded."""

    run_id: str
    started_at: datetime
    kind: str = "pipeline"                            # pipeline / load / reprocess
    scope: str | None = None                          # reprocess: all, or since..until
    counts: Mapping[str, int | None] = field(default_factory=dict)  # feeds, feed_items, ...
    code_version: str | None = None
    data_version: str | None = None


@dataclass(frozen=True)
class RunLoad:
    result: db.LoadResult
    problems: list[str]         # column tests that failed on the run's rows
    totals: dict[str, int]      # rows per table after the load
    seconds: dict[str, float]   # merge, models, search, checks
    already_loaded: bool = False  # the run was recorded as completed before: nothing done


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def run_row(facts: RunFacts, result: db.LoadResult, finished_at: datetime) -> dict:
    """The `runs` row: counts per stage, versions and the load's step timings."""
    rows, counts = result.rows, facts.counts
    return {
        "run_id": facts.run_id, "started_at": facts.started_at, "finished_at": finished_at,
        "status": "completed", "code_version": facts.code_version,
        "data_version": facts.data_version,
        **{k: counts.get(k) for k in ("feeds", "feed_items", "pages_fetched", "pages_processed")},
        **{k: rows.get(k, 0) for k in ("articles", "mentions", "entities", "events")},
        "quarantined": rows.get("quarantine", 0),
        "kind": facts.kind, "scope": facts.scope,
        "quarantined_by_stage": sorted(result.quarantined_by_stage.items()),
        "loaded_rows": sorted(rows.items()),
        "replaced_articles": result.replaced_articles,
        "step_seconds": sorted(result.seconds.items()),
    }


def load_run(db_path: Path, lake_dir: lake.LakeDir, facts: RunFacts, *, replace: db.Replace | None = None,
             lock_wait_s: float = 0.0, now: Callable[[], datetime] = _utcnow,
             reload: bool = False, memory_limit: str | None = LOAD_MEMORY_LIMIT) -> RunLoad:
    """Load every lake part of `facts.run_id`, record the run, test the run's rows.

    A run already recorded as completed is not loaded again (its rows are in, and its `runs`
    row says what that load did) unless `reload`. A lake on S3 (an s3:// Location) is read
    through DuckDB's httpfs; the database file stays local.
    """
    parts = {t: lake.list_parts(lake_dir, t, run_id=facts.run_id) for t in SCHEMAS if t != "runs"}
    con = db.connect(db_path, wait_s=lock_wait_s, memory_limit=memory_limit)
    try:
        if storage.is_remote(lake_dir):
            db.enable_s3(con, storage.location(lake_dir).s3 or storage.S3Options())
        db.migrate(con)
        if not reload and db.run_completed(con, facts.run_id):
            return RunLoad(result=db.LoadResult(), problems=db.check_tables(con, run_id=facts.run_id),
                           totals=db.table_counts(con), seconds={}, already_loaded=True)
        with db.transaction(con):
            result = db.load_parts_in(con, parts, replace=replace)
            db.merge_table(con, "runs", to_table("runs", [run_row(facts, result, now())]))
        checked = time.perf_counter()
        problems = db.check_tables(con, run_id=facts.run_id)
        totals = db.table_counts(con)
        seconds = {**result.seconds, "checks": round(time.perf_counter() - checked, 3)}
    finally:
        con.close()
    return RunLoad(result=result, problems=problems, totals=totals, seconds=seconds)
