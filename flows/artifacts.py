"""Prefect artifacts at the end of a run: a table of per-source counts and a markdown summary,
shown on the flow run's page (and under their keys on the Artifacts page) of the Prefect UI."""

import logging
from pathlib import Path

import duckdb
from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.config import DataPaths, Settings
from warehouse import db
from warehouse.sql import load_sql, run_script

SOURCES_KEY = "newsetl-source-counts"
SUMMARY_KEY = "newsetl-run-summary"
READ_WAIT_S = 10.0  # how long to wait for the warehouse when another process writes it


def run_source_counts(db_path: Path, run_id: str, wait_s: float = READ_WAIT_S) -> list[dict]:
    """Per source, what run `run_id` fetched, made into articles and quarantined (read-only)."""
    con = db.connect(db_path, read_only=True, wait_s=wait_s)
    try:
        cur = run_script(con, load_sql("report_run_sources"), {"run_id": run_id})
        columns = [d[0] for d in cur.description]
        return [dict(zip(columns, row)) for row in cur.fetchall()]
    finally:
        con.close()


def summary_markdown(run_id: str, ingest, process, load, sources: list[dict] | None) -> str:
    """The run in a few lines of markdown (the stage summaries of flows.pipeline)."""
    totals = load.totals
    rows = [
        ("feeds fetched ok", f"{ingest.feeds_ok} of {ingest.feeds}", totals.get("sources")),
        ("feed items (new or changed)", ingest.feed_items, totals.get("feed_items")),
        ("pages fetched", f"{ingest.pages_ok} of {ingest.pages}", None),
        ("articles", process.articles, totals.get("articles")),
        ("mentions", process.mentions, totals.get("mentions")),
        ("entities", process.entities, totals.get("entities")),
        ("events", process.events, totals.get("events")),
        ("quarantined", ingest.quarantined + process.quarantined, totals.get("quarantine")),
    ]
    lines = [f"# newsetl run `{run_id}`", "", "| what | this run | warehouse |",
             "|---|---:|---:|"]
    lines += [f"| {what} | {now} | {'' if total is None else total} |"
              for what, now, total in rows]
    if sources is not None:
        failing = [s["source_id"] for s in sources if s["page_fetches"] and not s["pages_ok"]]
        lines += ["", f"{len(sources)} source(s) in this run"
                  + (f"; no page fetched from: {', '.join(failing)}" if failing else "") + "."]
    if load.problems:
        lines += ["", "## Column tests that failed", ""] + [f"- {p}" for p in load.problems]
    lines += ["", "Details: `newsetl report --out report.html` (run and source health, events, "
                  "country pairs, entities, stories, map)."]
    return "\n".join(lines) + "\n"


def publish(run_id: str, settings: Settings, ingest, process, load,
            log: logging.Logger) -> dict:
    """Create both artifacts (inside a flow or task run). A warehouse another process is
    writing leaves the per-source table out (with a warning), never fails the run."""
    sources = None
    try:
        sources = run_source_counts(DataPaths(settings.data_dir).db, run_id)
    except (db.WarehouseLocked, db.WarehouseMissing, duckdb.Error) as exc:
        log.warning("per-source counts artifact skipped: %s", exc)
    if sources is not None:
        create_table_artifact(sources, key=SOURCES_KEY,
                              description=f"Per-source counts of run {run_id}")
    markdown = summary_markdown(run_id, ingest, process, load, sources)
    create_markdown_artifact(markdown, key=SUMMARY_KEY, description=f"newsetl run {run_id}")
    return {"sources": sources, "markdown": markdown}


@task(cache_policy=NO_CACHE)
def publish_run_artifacts(run_id: str, settings: Settings, ingest, process, load) -> None:
    """A table of per-source counts and a markdown summary of the run, as Prefect artifacts."""
    publish(run_id, settings, ingest, process, load, get_run_logger())
