"""`newsetl serve` serves a deployment that really runs when triggered."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import SYNTH
from warehouse import db

pytestmark = pytest.mark.e2e


def _newsetl() -> list[str]:
    exe = Path(sys.executable).with_name("newsetl")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "flows.cli"]


def test_served_deployment_runs_when_triggered(prefect_harness, newsroom_server, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound

    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[sources]]\nid = "e2e-pages"\nname = "pages"\n'
                       f'url = "{SYNTH}/feeds/pages.xml"\nmax_items = 2\n')
    data_dir = tmp_path / "data"
    env = {**os.environ, "PREFECT_API_URL": prefect_harness, "DO_NOT_TRACK": "1",
           "NEWSETL_REWRITE_BASE": newsroom_server.base_url, "NEWSETL_BACKOFF_S": "0.01"}
    proc = subprocess.Popen(_newsetl() + ["serve", "--sources", str(sources), "--data-dir",
                                          str(data_dir), "--interval", "86400"],
                            env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 180
        found = False
        while time.monotonic() < deadline and not found:
            assert proc.poll() is None, proc.stdout.read()
            with get_client(sync_client=True) as client:
                try:
                    client.read_deployment_by_name("pipeline/newsetl-scheduled")
                    found = True
                except ObjectNotFound:  # until serve has registered it
                    time.sleep(1)
        assert found, "newsetl serve did not register its deployment within 180 s"
        flow_run = run_deployment("pipeline/newsetl-scheduled", timeout=600)
        assert flow_run.state.is_completed(), flow_run.state
        con = db.connect(data_dir / "news.duckdb", read_only=True)
        try:
            assert con.execute("select count(*) from articles").fetchone()[0] >= 1
        finally:
            con.close()
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
