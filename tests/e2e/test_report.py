"""The report of the demo warehouse, opened in headless Chromium (Debian's, driven by its own
flags: no browser download, no network), and the Prefect artifacts of the demo run."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import lxml.html
import pytest
from typer.testing import CliRunner

from flows.cli import app

pytestmark = pytest.mark.e2e

# Headless, offline and quiet: the closed network refuses Chromium's own background traffic, so
# everything that would reach out (updates, sync, QUIC probes, first-run pages) is turned off.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-extensions",
                  "--disable-default-apps", "--enable-logging=stderr", "--v=0"]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed (apt-get install chromium); under CI=1 this fails")
    return path


def open_in_chromium(page: Path, profile: Path) -> tuple[str, list[str]]:
    """The DOM after the page loaded (scripts run) and the console messages Chromium logged."""
    done = subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom",
         page.resolve().as_uri()], capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return done.stdout, console


@pytest.fixture(scope="module")
def demo(prefect_harness, tmp_path_factory):
    """One `newsetl demo` (the real pipeline on the bundled sample) for this module."""
    data_dir = tmp_path_factory.mktemp("demo-report")
    result = CliRunner().invoke(app, ["demo", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    return data_dir, result


@pytest.fixture(scope="module")
def demo_dir(demo) -> Path:
    return demo[0]


def _warehouse(data_dir: Path):
    return duckdb.connect(str(data_dir / "news.duckdb"), read_only=True)


def test_demo_showed_progress_of_every_stage(demo):
    """Without --quiet, the last frame of the progress display (a terminal sees it live)."""
    data_dir, result = demo
    con = _warehouse(data_dir)
    try:
        feeds, pages = con.execute("select count(distinct url) filter (where kind = 'feed'), "
                                   "count(distinct url) filter (where kind = 'page') "
                                   "from fetch_log").fetchone()
        processed = con.execute("select pages_fetched from runs").fetchone()[0]
    finally:
        con.close()
    shown = dict((stage, (int(done), int(total))) for stage, done, total in re.findall(
        r"(feeds fetched|pages fetched|pages processed|load)\W+(\d+)/(\d+)", result.stderr))
    assert shown == {"feeds fetched": (feeds, feeds), "pages fetched": (pages, pages),
                     "pages processed": (processed, processed), "load": (1, 1)}, result.stderr


def test_demo_report_renders_in_chromium_with_the_warehouse_numbers(demo_dir, tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", "--data-dir", str(demo_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output

    dom, console = open_in_chromium(out, tmp_path / "profile")
    assert console == [], console  # no errors (nor any other console message)
    page = lxml.html.fromstring(dom)

    figures = page.xpath("//figure[@class='chart']")
    ids = {f.get("id") for f in figures}
    assert {"chart-source-health", "chart-events-over-time", "chart-country-matrix",
            "chart-top-entities"} <= ids
    assert page.getroottree().getroot().get("data-charts-rendered") == str(len(figures))
    for fig in figures:  # laid out by Chromium: "WxH:drawn-elements:content-WxH"
        size, drawn, content = fig.get("data-rendered").split(":")
        width, height = (int(v) for v in size.split("x"))
        content_w, content_h = (int(v) for v in content.split("x"))
        assert width > 200 and height > 100 and int(drawn) > 10, fig.get("id")
        assert content_w > 100 and content_h > 50, fig.get("id")

    keys = {a.get("data-key"): a.get("data-value") for a in page.xpath("//a[@data-key]")}
    con = _warehouse(demo_dir)
    try:
        def one(sql: str):
            return con.execute(sql).fetchone()[0]
        assert int(keys["articles"]) == one("select count(*) from articles") > 0
        assert int(keys["events"]) == one("select count(*) from events") > 0
        assert int(keys["entities_mentioned"]) == one(
            "select count(distinct entity_id) from mentions")
        assert int(keys["runs"]) == one("select count(*) from runs") == 1
        assert int(keys["quarantined"]) == one("select count(*) from quarantine")
        for source_id, n in con.execute(
                "select source_id, count(*) from articles group by 1").fetchall():
            assert int(keys[f"source-articles:{source_id}"]) == n
        for quad, n in con.execute(  # the report dates an event by its own date, else its article's
                "select e.quad_class, count(*) from events e left join articles a using (article_id) "
                "where e.quad_class is not null "
                "and (e.event_date is not null or a.published_at is not null) group by 1").fetchall():
            assert int(keys[f"quad:{quad}"]) == n
        top = con.execute("select entity_id, count(*) as n from mentions group by 1 "
                          "order by n desc, entity_id limit 1").fetchone()
        assert int(keys[f"entity-mentions:{top[0]}"]) == top[1]
        # the pipeline clustered the demo's articles into stories after its load
        assert one("select count(*) from stories") > 0
        assert not page.xpath("//*[@data-empty='report_top_stories']")
        shown = [k.split(":", 1)[1] for k in keys if k.startswith("story-articles:")]
        assert shown
        for story_id in shown:
            assert int(keys[f"story-articles:{story_id}"]) == one(
                f"select num_articles from stories where story_id = '{story_id}'")
            assert int(keys[f"story-sources:{story_id}"]) == one(
                f"select num_sources from stories where story_id = '{story_id}'")
    finally:
        con.close()


def test_demo_run_published_prefect_artifacts(demo_dir):
    from prefect.artifacts import Artifact

    from flows.artifacts import SOURCES_KEY, SUMMARY_KEY
    con = _warehouse(demo_dir)
    try:
        run_id = con.execute("select run_id from runs").fetchone()[0]
        articles = dict(con.execute("select source_id, count(*) from articles "
                                    "group by 1").fetchall())
        sources = {s for (s,) in con.execute(
            "select distinct source_id from fetch_log").fetchall()}
    finally:
        con.close()
    summary = Artifact.get(SUMMARY_KEY)
    assert summary is not None and summary.type == "markdown"
    assert run_id in summary.data and f"| articles | {sum(articles.values())} |" in summary.data
    table = Artifact.get(SOURCES_KEY)
    assert table is not None and table.type == "table"
    rows = json.loads(table.data) if isinstance(table.data, str) else table.data
    assert {r["source_id"] for r in rows} == sources
    assert {r["source_id"]: r["articles"] for r in rows if r["articles"]} == articles
    assert table.flow_run_id == summary.flow_run_id is not None
