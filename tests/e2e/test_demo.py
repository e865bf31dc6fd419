"""`newsetl demo` as a user runs it: bundled sample, local server, real pipeline, twice."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from flows.cli import app
from warehouse import db

pytestmark = pytest.mark.e2e
TABLES = ("articles", "mentions", "entities", "events", "quarantine")


def _counts(data_dir):
    con = db.connect(data_dir / "news.duckdb", read_only=True)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def test_demo_twice_same_counts(prefect_harness, tmp_path):
    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--data-dir", str(tmp_path)])
    assert first.exit_code == 0, first.output
    assert "Who did what to whom" in first.stdout and "quarantined" in first.stdout
    counts = _counts(tmp_path)
    assert all(counts[t] > 0 for t in ("articles", "mentions", "entities", "events")), counts
    second = runner.invoke(app, ["demo", "--data-dir", str(tmp_path)])
    assert second.exit_code == 0, second.output
    assert _counts(tmp_path) == counts
