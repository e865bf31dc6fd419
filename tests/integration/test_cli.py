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
