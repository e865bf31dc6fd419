"""The `newsetl` commands that need no Prefect: extract, annotate, sql, search; and the docs."""

from __future__ import annotations

import gzip
import json

import pyarrow as pa
from typer.testing import CliRunner

from flows.cli import app
from flows.demo import sample_dir
from tests.conftest import REPO
from warehouse import db
from warehouse.rows import to_table

runner = CliRunner()
SEED_HTML = next((sample_dir() / "seed").glob("*.html"))


def test_every_command_is_in_the_readme():
    readme = (REPO / "README.md").read_text("utf-8")
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert names and all(f"newsetl {n}" in readme for n in names), names


def test_extract_seed_page_and_gz(tmp_path):
    gz = tmp_path / "seed.html.gz"
    gz.write_bytes(gzip.compress(SEED_HTML.read_bytes()))
    missing = tmp_path / "missing.html"
    result = runner.invoke(app, ["extract", str(SEED_HTML), str(missing), str(gz)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["path"] for x in lines] == [str(SEED_HTML), str(missing), str(gz)]
    first = lines[0]
    assert first["text"].startswith("North Korea formally recognized")
    assert "File Photo" not in first["text"]
    assert first["dateline"]["place"] == "SEOUL" and first["dateline"]["agency"] == "UPI"
    assert first["published_at"].startswith("2022-07-14")
    assert first["language"] == "en"
    assert "error" in lines[1]
    assert lines[2]["text"] == first["text"]


def test_annotate_jsonl_echoes_ids():
    payload = "\n".join(json.dumps(x) for x in [
        {"id": "a", "text": "North Korea recognized the Donetsk People's Republic on Wednesday.",
         "published": "2022-07-14"},
        {"id": "b", "text": "Nothing happened here."}])
    result = runner.invoke(app, ["annotate", "-", "--jsonl"], input=payload)
    assert result.exit_code == 0, result.output
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b"]
    assert any(m["entity_id"] == "country:PRK" for m in out[0]["mentions"])
    assert out[1]["events"] == []


def _warehouse(tmp_path):
    path = tmp_path / "news.duckdb"
    con = db.connect(path)
    db.migrate(con)
    db.load_table(con, "sources", to_table("sources", [
        {"source_id": "s1", "name": "One", "url": "https://one.org/rss", "kind": "rss"}],
        run_id="r1"))
    con.close()
    return path


def test_sql_formats(tmp_path):
    _warehouse(tmp_path)
    q = "select source_id, name from sources"
    as_json = runner.invoke(app, ["sql", q, "--data-dir", str(tmp_path), "--format", "json"])
    assert json.loads(as_json.stdout) == [{"source_id": "s1", "name": "One"}]
    as_csv = runner.invoke(app, ["sql", q, "--data-dir", str(tmp_path), "--format", "csv"])
    assert as_csv.stdout.splitlines() == ["source_id,name", "s1,One"]
    as_table = runner.invoke(app, ["sql", q, "--data-dir", str(tmp_path)])
    assert "s1" in as_table.stdout and as_table.exit_code == 0


def test_sql_is_read_only_and_errors_are_clear(tmp_path):
    _warehouse(tmp_path)
    result = runner.invoke(app, ["sql", "delete from sources", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and "read-only" in result.output.lower()
    result = runner.invoke(app, ["sql", "select nope", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and "the query failed" in result.output


def test_sql_without_a_warehouse_says_what_to_do(tmp_path):
    result = runner.invoke(app, ["sql", "select 1", "--data-dir", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert "newsetl demo" in result.output and "Traceback" not in result.output


def _flat(text: str) -> str:
    """Output as one line (rich wraps long messages to the terminal width)."""
    return " ".join(text.split())


def test_sql_refuses_files_and_fits_long_values(tmp_path):
    _warehouse(tmp_path)
    target = tmp_path / "out.csv"
    (tmp_path / "in.csv").write_text("a,b\n1,2\n")
    for query in [f"copy sources to '{target}'", f"attach '{tmp_path / 'other.duckdb'}' as other",
                  f"select * from read_csv('{tmp_path / 'in.csv'}')"]:
        result = runner.invoke(app, ["sql", query, "--data-dir", str(tmp_path)])
        assert result.exit_code == 1 and "reads the warehouse only" in _flat(result.output), result.output
    assert not target.exists() and not (tmp_path / "other.duckdb").exists()
    long = runner.invoke(app, ["sql", "select repeat('word ', 2000) as text from range(150)",
                               "--data-dir", str(tmp_path)])
    assert long.exit_code == 0
    assert "\u2026" in long.stdout and len(long.stdout) < 150 * 1000
    assert "more rows not shown" in _flat(long.output)
    as_csv = runner.invoke(app, ["sql", "select 1 as n from range(150)", "--data-dir", str(tmp_path),
                                 "--format", "csv"])
    assert len(as_csv.stdout.splitlines()) == 151


def test_reprocess_says_what_it_needs(tmp_path):
    for args, message in [
        ([], "--all, or --since"),
        (["--all", "--since", "2022-07-14"], "do not go together"),
        (["--since", "14/07/2022"], "not a date"),
        (["--since", "2022-07-15", "--until", "2022-07-14"], "is after"),
        (["--all"], "nothing to reprocess"),
    ]:
        result = runner.invoke(app, ["reprocess", *args, "--data-dir", str(tmp_path)])
        assert result.exit_code == 1, (args, result.output)
        assert message in _flat(result.output) and "Traceback" not in result.output, (args, result.output)


def test_a_second_writer_gets_a_clear_message_not_a_traceback(tmp_path):
    import subprocess
    import sys
    path = _warehouse(tmp_path)
    (tmp_path / "work").mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.read()",
         str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = runner.invoke(app, ["reprocess", "--all", "--data-dir", str(tmp_path)])
        assert result.exit_code == 1
        assert "being written by another newsetl process" in _flat(result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        reader = runner.invoke(app, ["sql", "select 1", "--data-dir", str(tmp_path), "--wait", "0.5"])
        assert reader.exit_code == 1 and "wait for it to finish" in _flat(reader.output)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_search_command(tmp_path):
    import datetime as dt
    path = tmp_path / "news.duckdb"
    con = db.connect(path)
    db.migrate(con)
    db.load_table(con, "articles", to_table("articles", [{
        "article_id": "a1", "url": "u", "canonical_url": "u", "source_id": "s", "title": "Kyiv talks",
        "text": "Delegations met in Geneva.", "word_count": 4, "content_sha256": "c",
        "extractor": "x", "extractor_version": "1", "raw_sha256": "r",
        "fetched_at": dt.datetime(2022, 7, 14, tzinfo=dt.UTC)}], run_id="r1"))
    db.rebuild_fts(con)
    con.close()
    result = runner.invoke(app, ["search", "geneva delegation", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0 and "a1" in result.stdout and "Kyiv talks" in result.stdout


def test_load_command_loads_a_run_once(tmp_path):
    from tests.integration.test_db import write_fixture
    missing = runner.invoke(app, ["load", "20220714T060000Z-abc123", "--data-dir", str(tmp_path)])
    assert missing.exit_code == 1 and "no lake parts" in _flat(missing.output)
    write_fixture(tmp_path / "lake", "20220714T060000Z-abc123")
    first = runner.invoke(app, ["load", "20220714T060000Z-abc123", "--data-dir", str(tmp_path)])
    assert first.exit_code == 0, first.output
    assert "articles" in first.stdout and "column test failed" not in first.output
    assert "stories:" in first.stdout  # clustered after the load, as a pipeline run is
    con = db.connect(tmp_path / "news.duckdb", read_only=True)
    try:  # every loaded article belongs to a story
        assert con.execute("select count(*) from articles where story_id is null").fetchone()[0] == 0
        assert con.execute("select count(*) from stories").fetchone()[0] > 0
    finally:
        con.close()
    again = runner.invoke(app, ["load", "20220714T060000Z-abc123", "--data-dir", str(tmp_path)])
    assert again.exit_code == 0 and "already loaded" in again.stdout
    forced = runner.invoke(app, ["load", "20220714T060000Z-abc123", "--data-dir", str(tmp_path), "--reload"])
    assert forced.exit_code == 0 and "rows merged" in _flat(forced.stdout)
