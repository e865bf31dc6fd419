"""`newsetl reprocess`: process + load again from the raw zone equals a fresh run.

A run is made with "old code" (texts over 500 characters were not annotated: stored, but
quarantined as text_too_long, no entities or events). `newsetl reprocess --all` with today's
code must leave the derived tables exactly as a fresh run over the same pages does, without a
single HTTP request; a reprocess of days with no fetches changes nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.config import Settings
from warehouse import db

pytestmark = pytest.mark.e2e

# Columns left out of the comparison: when and by which run, not what.
SKIP = {"run_id", "fetched_at", "at"}
DERIVED = ("articles", "mentions", "events", "entities", "quarantine")
KEYS = {"articles": "article_id", "mentions": "mention_id", "events": "event_id",
        "entities": "entity_id", "quarantine": "quarantine_id"}


def _rows(data_dir, table: str) -> list[tuple]:
    con = db.connect(data_dir / "news.duckdb", read_only=True)
    try:
        cols = [c[0] for c in con.execute(f"describe {table}").fetchall() if c[0] not in SKIP]
        select = ", ".join(f'"{c}"' for c in cols)
        return con.execute(f"select {select} from {table} order by {KEYS[table]}").fetchall()
    finally:
        con.close()


def _query(data_dir, sql: str) -> list[tuple]:
    con = db.connect(data_dir / "news.duckdb", read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _settings(data_dir, server) -> Settings:
    return Settings(data_dir=data_dir, rewrite_base=server.base_url, backoff_s=0.01, retries=1)


@pytest.fixture(scope="module")
def fresh(prefect_harness, newsroom_server, e2e_sources, tmp_path_factory):
    from flows.pipeline import pipeline
    data_dir = tmp_path_factory.mktemp("fresh")
    pipeline(str(e2e_sources), _settings(data_dir, newsroom_server))
    return data_dir


@pytest.fixture(scope="module")
def old(prefect_harness, newsroom_server, e2e_sources, tmp_path_factory):
    import flows.process
    from flows.pipeline import pipeline
    data_dir = tmp_path_factory.mktemp("old")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(flows.process, "MAX_ANNOTATED_CHARS", 500)
        pipeline(str(e2e_sources), _settings(data_dir, newsroom_server))
    return data_dir


def test_old_code_left_articles_unannotated(old, fresh):
    assert _rows(old, "articles") == _rows(fresh, "articles")
    assert len(_rows(old, "mentions")) < len(_rows(fresh, "mentions"))
    assert ("text_too_long",) in _query(old, "select distinct reason from quarantine")


def test_reprocessing_days_without_fetches_changes_nothing(old):
    before = {t: _rows(old, t) for t in DERIVED}
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).date().isoformat()
    result = CliRunner().invoke(app, ["reprocess", "--since", tomorrow, "--data-dir", str(old)])
    assert result.exit_code == 0, result.output
    assert {t: _rows(old, t) for t in DERIVED} == before
    assert _query(old, "select kind, scope, pages_processed, articles from runs where kind = 'reprocess'") == [
        ("reprocess", f"{tomorrow}..", 0, 0)]


def test_reprocess_all_equals_a_fresh_run(old, fresh, newsroom_server):
    fetches = _query(old, "select count(*) from fetch_log")
    served = len(newsroom_server.requests)
    result = CliRunner().invoke(app, ["reprocess", "--all", "--data-dir", str(old)])
    assert result.exit_code == 0, result.output
    assert "pages processed again" in result.stdout
    for table in DERIVED:
        assert _rows(old, table) == _rows(fresh, table), table
    assert _query(old, "select count(*) from fetch_log") == fetches  # nothing fetched
    assert len(newsroom_server.requests) == served  # not one HTTP request
    marts = "select count(*), sum(num_mentions) from fct_entity_mentions_daily"
    assert _query(old, marts) == _query(fresh, marts)
    assert _query(old, "select count(*) from search_docs") == _query(fresh, "select count(*) from search_docs")
    hits = "select count(*) from (select 1 from articles where text ilike '%North Korea%')"
    assert _query(old, hits)[0][0] >= 1
    (run,) = _query(old, "select scope, pages_processed, replaced_articles, status from runs "
                         "where kind = 'reprocess' and scope = 'all'")
    assert run[0] == "all" and run[1] >= 7 and run[2] >= 7 and run[3] == "completed"


def test_reprocess_of_a_day_range_again_is_idempotent(old, fresh):
    from flows.reprocess import reprocess_pages
    (first, last), = _query(old, "select min(fetched_at)::date, max(fetched_at)::date from articles")
    summary = reprocess_pages(Settings(data_dir=old), since=first, until=last)
    assert summary.pages >= 7 and summary.load.problems == []
    for table in DERIVED:
        assert _rows(old, table) == _rows(fresh, table), table
