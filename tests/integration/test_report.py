"""`newsetl report` on a temp warehouse with a few hand-made rows: the numbers in the HTML equal
independent SQL over the warehouse, every number links to SQL shown in the page, the stories
section works with and without a `stories` table, and an empty warehouse makes a valid report."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from types import SimpleNamespace

import duckdb
import lxml.html
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.report import QUERIES, write_report
from tests.integration.test_db import (  # noqa: F401 - fixtures
    FETCHED,
    _event,
    db_path,
    migrated_template,
    write_fixture,
)
from warehouse import db
from warehouse.rows import to_table
from warehouse.sql import load_sql

RUN = {"run_id": "r1", "started_at": FETCHED, "finished_at": FETCHED + dt.timedelta(seconds=42),
       "status": "completed", "feeds": 1, "feed_items": 2, "pages_fetched": 2, "articles": 2,
       "mentions": 4, "entities": 3, "events": 4, "quarantined": 1, "code_version": "t",
       "data_version": "t"}


def _page(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_text("utf-8"))


def _keys(page) -> dict[str, str]:
    return {a.get("data-key"): a.get("data-value") for a in page.xpath("//a[@data-key]")}


def _scalar(db_path: Path, sql: str, params=None):
    return _scalars(db_path, [(sql, params)])[0]


def _scalars(db_path: Path, queries: list[tuple[str, list | None]]) -> list:
    reader = duckdb.connect(str(db_path), read_only=True)  # plain DuckDB: independent of newsetl
    try:
        return [reader.execute(sql, params).fetchone()[0] for sql, params in queries]
    finally:
        reader.close()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, migrated_template) -> Path:
    """The test_db fixture rows, a run, and one event with coordinates (material conflict).
    Shared by the tests of this module: copy it before changing it."""
    root = tmp_path_factory.mktemp("report")
    path = root / "data" / "news.duckdb"
    path.parent.mkdir()
    shutil.copy(migrated_template, path)
    con = db.connect(path)
    db.load_parts(con, write_fixture(root / "lake", "r1"))
    located = {**_event("e4", "a1", "RUS", "UKR", "19", -10.0), "quad_class": 4,
               "lat": 50.45, "lon": 30.52, "location_entity_id": "place:geonames:703448"}
    db.merge_table(con, "runs", to_table("runs", [RUN]))
    db.merge_table(con, "events", to_table("events", [located], run_id="r1"))
    con.close()
    return path


@pytest.fixture(scope="module")
def report(warehouse) -> tuple[Path, lxml.html.HtmlElement]:
    out = warehouse.parent / "report.html"
    write_report(warehouse, out)
    return out, _page(out)


def test_numbers_equal_the_warehouse(warehouse, report):
    keys = _keys(report[1])
    expected = {
        "articles": "select count(*) from articles",
        "events": "select count(*) from events",
        "entities_mentioned": "select count(distinct entity_id) from mentions",
        "sources_with_articles": "select count(distinct source_id) from articles",
        "runs": "select count(*) from runs",
        "quarantined": "select count(*) from quarantine",
        "source-articles:upi": "select count(*) from articles where source_id = 'upi'",
        "source-quarantined:upi": "select count(*) from quarantine where source_id = 'upi'",
        "quad:1": "select count(*) from events where quad_class = 1",
        "quad:4": "select count(*) from events where quad_class = 4",
        "pair:PRK-UKR": "select count(*) from events where actor1_country = 'PRK' "
                        "and actor2_country = 'UKR'",
        "entity-mentions:country:PRK": "select count(*) from mentions "
                                       "where entity_id = 'country:PRK'",
        "located-events": "select count(*) from events where lat is not null",
    }
    values = _scalars(warehouse, [(sql, None) for sql in expected.values()])
    assert {key: int(keys[key]) for key in expected} == dict(zip(expected, values))
    assert int(keys["articles"]) == 2 and int(keys["events"]) == 4


def test_every_number_links_to_the_sql_shown(report):
    page = report[1]
    numbers = page.xpath("//a[@class='num']")
    assert len(numbers) > 30
    ids = set(page.xpath("//@id"))
    for a in numbers:
        assert a.get("href").startswith("#sql-") and a.get("href")[1:] in ids
    for name in QUERIES:
        assert page.xpath(f"string(//*[@id='sql-{name}']/pre)") == load_sql(name)
    # self-contained: nothing to fetch when the file is opened
    assert not page.xpath("//script[@src] | //link[@href] | //img[@src] | //iframe")
    assert int(page.xpath("count(//figure[@class='chart']/*[local-name()='svg'])")) == 5


def test_since_filters_by_publication_day(warehouse, tmp_path):
    out = tmp_path / "report.html"
    data = write_report(warehouse, out, since=dt.date(2022, 7, 15))
    page = _page(out)
    assert int(_keys(page)["articles"]) == 0 and data.empty
    assert page.xpath("//*[@id='warehouse-empty']")
    assert "2022-07-15" in page.xpath("string(//title)")


def test_stories_section_with_and_without_a_stories_table(report, warehouse, tmp_path):
    # The fixture's warehouse has the (empty) stories table of migration 007.
    assert "No stories yet" in report[1].xpath("string(//*[@data-empty='report_top_stories'])")
    out = tmp_path / "report.html"
    missing = Path(shutil.copy(warehouse, tmp_path / "missing.duckdb"))
    con = db.connect(missing)
    con.execute("drop table stories")  # a warehouse from before migration 007
    con.close()
    write_report(missing, out)
    assert _page(out).xpath("//*[@data-empty='report_top_stories']")  # missing table: same note
    warehouse = Path(shutil.copy(warehouse, tmp_path / "news.duckdb"))

    con = db.connect(warehouse)
    con.execute("""insert into stories (story_id, headline, first_seen_at, last_seen_at,
        num_articles, num_sources, top_entities) values
        ('s1', 'North Korea recognises Donetsk and Luhansk', '2022-07-14 03:00:00+00',
         '2022-07-15 09:00:00+00', 7, 4, ['country:PRK', 'country:UKR']),
        ('s2', 'Kyiv cuts ties <with> Pyongyang', '2022-07-14 05:00:00+00',
         '2022-07-14 06:00:00+00', 2, 2, ['country:UKR'])""")
    con.close()
    write_report(warehouse, out)
    page = _page(out)
    assert not page.xpath("//*[@data-empty='report_top_stories']")
    rows = page.xpath("//table[@id='stories-table']//tr[td]")
    assert [r.xpath("string(td[1])") for r in rows] == [
        "North Korea recognises Donetsk and Luhansk", "Kyiv cuts ties <with> Pyongyang"]
    keys = _keys(page)
    for story in ("s1", "s2"):
        assert int(keys[f"story-articles:{story}"]) == _scalar(
            warehouse, "select num_articles from stories where story_id = ?", [story])
        assert int(keys[f"story-sources:{story}"]) == _scalar(
            warehouse, "select num_sources from stories where story_id = ?", [story])
    assert "country:PRK, country:UKR" in rows[0].xpath("string(td[6])")


def test_migrated_but_never_loaded_warehouse(db_path, tmp_path):
    out = tmp_path / "report.html"
    data = write_report(db_path, out)
    page = _page(out)
    assert data.empty and page.xpath("//*[@id='warehouse-empty']")
    assert not page.xpath("//figure[@class='chart']")
    # the views come with the first load: their sections say what is missing
    assert "stg_articles" in page.xpath("string(//*[@data-empty='report_totals'])")


def test_a_database_without_any_table(tmp_path):
    path = tmp_path / "news.duckdb"
    duckdb.connect(str(path)).close()
    out = tmp_path / "report.html"
    assert write_report(path, out).empty
    assert _page(out).xpath("//*[@id='warehouse-empty']")


def test_cli_report(warehouse, tmp_path):
    runner = CliRunner()
    out = tmp_path / "out" / "r.html"
    result = runner.invoke(app, ["report", "--data-dir", str(warehouse.parent), "--out", str(out),
                                 "--since", "2030-01-01"])
    assert result.exit_code == 0, result.output
    assert out.is_file() and str(out) in result.stdout.replace("\n", "")
    assert "nothing since 2030-01-01" in result.stdout
    missing = runner.invoke(app, ["report", "--data-dir", str(tmp_path / "nowhere"),
                                  "--out", str(tmp_path / "x.html")])
    assert missing.exit_code == 1 and "does not exist yet" in " ".join(missing.output.split())
    assert not (tmp_path / "x.html").exists()
    bad = runner.invoke(app, ["report", "--data-dir", str(warehouse.parent), "--since", "July"])
    assert bad.exit_code == 1 and "not a date" in bad.output


def test_run_artifacts_counts_and_summary(warehouse):
    from flows.artifacts import run_source_counts, summary_markdown

    rows = run_source_counts(warehouse, "r1")
    assert [r["source_id"] for r in rows] == ["upi"]
    upi = rows[0]
    assert upi["page_fetches"] == _scalar(warehouse, "select count(*) from fetch_log "
                                                     "where kind = 'page' and run_id = 'r1'")
    assert upi["pages_ok"] == 2 and upi["articles"] == 2 and upi["quarantined"] == 1
    assert run_source_counts(warehouse, "no-such-run") == []

    # the fields of flows.ingest.IngestSummary, ProcessSummary and flows.load.LoadSummary it
    # reads (those modules import spaCy and more: seconds of start-up for three records)
    ingest = SimpleNamespace(feeds=1, feeds_ok=1, feed_items=2, pages=4, pages_ok=2,
                             quarantined=1)
    process = SimpleNamespace(articles=2, mentions=4, entities=3, events=4, quarantined=0)
    load = SimpleNamespace(totals={"articles": 2, "events": 4},
                           problems=["articles.title: 1 null"])
    md = summary_markdown("r1", ingest, process, load, rows)
    assert "| articles | 2 | 2 |" in md and "| pages fetched | 2 of 4 |  |" in md
    assert "- articles.title: 1 null" in md and "1 source(s)" in md


def test_quiet_runs_show_no_progress():
    from flows import cli, progress
    with cli._progress("running", quiet=True):
        assert isinstance(progress._reporter, progress.NoProgress)
    with cli._progress("running", quiet=False):
        assert isinstance(progress._reporter, progress.RichProgress)
    assert isinstance(progress._reporter, progress.NoProgress)
