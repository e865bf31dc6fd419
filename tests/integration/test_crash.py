"""Crash safety: a load killed with SIGKILL at any point, then run again, leaves the warehouse
equal to an uninterrupted load: same rows, same checksum in every table (contract tables,
incremental models, search index, runs), wall-clock columns of `runs` aside.

The load runs in a subprocess (warehouse.loader.load_run, what flows.load runs); a step hook
makes it stop at a named point, where the test kills it; other kills land after a delay,
wherever the load is by then.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO
from tests.integration.test_db import _article, _event, _mention, write_fixture
from warehouse import db, loader
from warehouse.lake import write_part
from warehouse.rows import to_table

RUN_A = "20220714T060000Z-aaaaaa"
RUN_B = "20220715T060000Z-bbbbbb"
STARTED = dt.datetime(2022, 7, 15, 6, tzinfo=dt.UTC)
REPLACED_URL = "https://example.org/a-007"  # a run-A page that run B reprocesses
COUNTRIES = ["PRK", "UKR", "RUS", "CHN", "USA", "SYR"]

CHILD = r"""
import json, sys, time
from datetime import datetime
from pathlib import Path
from warehouse import db, loader

db_path, lake_dir, run_id, started, urls, pause_at = sys.argv[1:7]

def hook(name):
    if name == pause_at:
        print("paused", flush=True)
        time.sleep(600)

db.STEP_HOOK = hook
print("started", flush=True)
loader.load_run(Path(db_path), Path(lake_dir),
                loader.RunFacts(run_id=run_id, started_at=datetime.fromisoformat(started),
                                counts={"pages_processed": 100}),
                replace=db.Replace(urls=tuple(json.loads(urls))))
print("done", flush=True)
"""


def _batch(run_id: str, numbers: range, text_tag: str) -> dict[str, list[dict]]:
    articles, mentions, events = [], [], []
    for n in numbers:
        aid = f"a-{n:03d}"
        text = (f"Report {n} {text_tag}. " + " ".join(
            f"{COUNTRIES[(n + k) % 6]} talks with {COUNTRIES[(n + k + 1) % 6]} on day {k}." for k in range(6)))
        articles.append({**_article(aid, text, published_hour=n % 24), "url": f"https://example.org/{aid}",
                         "published_at": dt.datetime(2022, 7, 10 + n % 5, n % 24, tzinfo=dt.UTC)})
        for k in range(5):
            mentions.append(_mention(f"m-{aid}-{k}-{text_tag}", aid, f"country:{COUNTRIES[(n + k) % 6]}")
                            | {"sentence_idx": k // 2})
        events.append(_event(f"e-{aid}-{text_tag}", aid, COUNTRIES[n % 6], COUNTRIES[(n + 1) % 6], "04", 1.0))
    return {"articles": articles, "mentions": mentions, "events": events, "entities": [
        {"entity_id": f"country:{c}", "kind": "country", "canonical_name": c, "country_code": c}
        for c in COUNTRIES]}


@pytest.fixture(scope="module")
def lake_and_base(tmp_path_factory) -> tuple[Path, Path]:
    """A lake with runs A (loaded: the base warehouse) and B (the load under test: two process
    batches sharing an article, re-loading and reprocessing run-A articles, plus ingest rows)."""
    root = tmp_path_factory.mktemp("crash")
    lake_dir = root / "lake"
    for name, rows in [("process-0000000", _batch(RUN_A, range(0, 40), "v1"))]:
        for table, table_rows in rows.items():
            write_part(lake_dir, table, to_table(table, table_rows, run_id=RUN_A), date="2022-07-14",
                       part=f"{RUN_A}-{name}")
    base = root / "base.duckdb"
    loader.load_run(base, lake_dir, loader.RunFacts(run_id=RUN_A, started_at=STARTED - dt.timedelta(days=1)))
    write_fixture(lake_dir, f"{RUN_B}-ingest", {
        "sources": [{"source_id": "upi", "name": "UPI", "kind": "rss"}],
        "fetch_log": [{"fetch_id": "f-b", "url": "https://upi.com/x", "kind": "page", "source_id": "upi",
                       "status": 200, "reason": "ok", "bytes": 1, "elapsed_ms": 5,
                       "fetched_at": STARTED}]})
    for name, numbers in [("process-0000000", range(30, 70)), ("process-0000040", range(60, 100))]:
        for table, table_rows in _batch(RUN_B, numbers, "v2").items():
            write_part(lake_dir, table, to_table(table, table_rows, run_id=RUN_B), date="2022-07-15",
                       part=f"{RUN_B}-{name}")
    return lake_dir, base


def _state(db_path: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "select table_name from duckdb_tables() where not temporary "
            "and table_name <> 'schema_migrations' order by 1").fetchall()]
        state = {}
        for t in tables:
            rows = f'(select * exclude (finished_at, step_seconds) from "{t}")' if t == "runs" else f'"{t}"'
            state[t] = con.execute(f"select count(*), sum(hash(x)) from {rows} x").fetchone()
        return state
    finally:
        con.close()


def _fresh_copy(base: Path, tmp_path: Path) -> Path:
    path = tmp_path / "news.duckdb"
    shutil.copy(base, path)
    return path


def _load_b(db_path: Path, lake_dir: Path) -> None:
    loader.load_run(db_path, lake_dir, loader.RunFacts(run_id=RUN_B, started_at=STARTED,
                                                       counts={"pages_processed": 100}),
                    replace=db.Replace(urls=(REPLACED_URL,)))


@pytest.fixture(scope="module")
def expected(lake_and_base, tmp_path_factory) -> dict[str, tuple]:
    lake_dir, base = lake_and_base
    path = _fresh_copy(base, tmp_path_factory.mktemp("uninterrupted"))
    _load_b(path, lake_dir)
    state = _state(path)
    # a-000..a-099, less a-007: run B reprocessed its page and made nothing of it.
    assert state["articles"][0] == 99 and state["runs"][0] == 2
    assert state["search_docs"][0] == 99 and state["fct_entity_cooccurrence"][0] > 0
    return state


def _start(db_path: Path, lake_dir: Path, pause_at: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path), str(lake_dir), RUN_B, STARTED.isoformat(),
         json.dumps([REPLACED_URL]), pause_at],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)


POINTS = ["begin", "replaced", f"group:{RUN_B}-process-0000000.parquet", "entities", "models",
          "search", "commit", "committed"]


@pytest.mark.parametrize("point", POINTS)
def test_killed_at_a_step_then_rerun_equals_an_uninterrupted_load(point, lake_and_base, expected, tmp_path):
    lake_dir, base = lake_and_base
    before = _state(base)
    path = _fresh_copy(base, tmp_path)
    proc = _start(path, lake_dir, point)
    try:
        assert proc.stdout.readline().strip() == "started"
        line = proc.stdout.readline().strip()
        assert line == "paused", (line, proc.stderr.read() if proc.poll() is not None else "")
    finally:
        _kill(proc)
    assert proc.returncode == -signal.SIGKILL
    after_kill = _state(path)  # opens cleanly: DuckDB replays or drops its write-ahead log
    assert after_kill == (expected if point == "committed" else before)
    _load_b(path, lake_dir)
    assert _state(path) == expected


@pytest.fixture(scope="module")
def load_seconds(lake_and_base, tmp_path_factory) -> float:
    """How long the subprocess's load takes here, from "started" to "done"."""
    lake_dir, base = lake_and_base
    proc = _start(_fresh_copy(base, tmp_path_factory.mktemp("timed")), lake_dir, "never")
    assert proc.stdout.readline().strip() == "started"
    started = time.perf_counter()
    assert proc.stdout.readline().strip() == "done", proc.stderr.read()
    elapsed = time.perf_counter() - started
    proc.wait(timeout=60)
    return elapsed


@pytest.mark.parametrize("fraction", [0.15, 0.35, 0.55, 0.75, 0.95])
def test_killed_after_a_delay_then_rerun_equals_an_uninterrupted_load(
        fraction, lake_and_base, expected, load_seconds, tmp_path):
    lake_dir, base = lake_and_base
    before = _state(base)
    path = _fresh_copy(base, tmp_path)
    proc = _start(path, lake_dir, "never")
    try:
        assert proc.stdout.readline().strip() == "started"
        time.sleep(fraction * load_seconds)
    finally:
        _kill(proc)
    killed = _state(path)
    print(f"killed at {fraction:.0%} of {load_seconds:.2f} s:",
          "as before" if killed == before else "loaded" if killed == expected else "??")
    assert killed in (before, expected)  # all or nothing
    _load_b(path, lake_dir)
    assert _state(path) == expected
