"""Scheduled runs. Schedules never fire on Prefect's ephemeral API ("Cannot schedule flows on an
ephemeral server"), so `newsetl serve` needs a standing server: the one at PREFECT_API_URL, or
a local `prefect server start` on 127.0.0.1 that it starts (and stops on exit) itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
from rich.console import Console

console = Console(stderr=True)
DEPLOYMENT = "newsetl-scheduled"


def wait_for_server(api_url: str, timeout_s: float = 180.0) -> None:
    """Poll <api>/health until the server answers (a cold start took 10-30 s here)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{api_url}/health", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"the Prefect server at {api_url} did not answer within {timeout_s:.0f} s")


def start_local_server(port: int) -> tuple[subprocess.Popen, str]:
    """`prefect server start` on 127.0.0.1:<port>; returns the process and its API URL."""
    prefect = shutil.which("prefect", path=str(Path(sys.executable).parent)) or shutil.which("prefect")
    if prefect is None:
        raise FileNotFoundError("the `prefect` command is not installed beside newsetl")
    env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_ENABLED": os.environ.get("PREFECT_UI_ENABLED", "true")}
    proc = subprocess.Popen([prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}/api"


def serve_pipeline(*, sources: Path, data_dir: Path, cron: str, interval: int | None,
                   server_port: int) -> None:
    """Serve the pipeline deployment with its schedule until interrupted (Ctrl-C)."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    server = None
    api_url = os.environ.get("PREFECT_API_URL")
    if not api_url:
        server, api_url = start_local_server(server_port)
        console.print(f"Started a local Prefect server: UI at http://127.0.0.1:{server_port} "
                      f"(set PREFECT_API_URL to use your own)")
        # Prefect reads its settings on import: re-exec ourselves with the API URL set.
        os.environ["PREFECT_API_URL"] = api_url
    try:
        wait_for_server(api_url)
        os.environ["NEWSETL_DATA_DIR"] = str(data_dir)
        code = (
            "from flows.serve import _serve; import sys; "
            "_serve(sys.argv[1], sys.argv[2], sys.argv[3] or None, int(sys.argv[4]) or None)")
        cmd = [sys.executable, "-c", code, str(sources), str(data_dir), cron if not interval else "",
               str(interval or 0)]
        console.print(f"Serving deployment pipeline/{DEPLOYMENT} "
                      f"({f'every {interval} s' if interval else f'cron {cron!r}'}); "
                      f"trigger now with: prefect deployment run pipeline/{DEPLOYMENT}")
        subprocess.run(cmd, check=False)
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def _serve(sources: str, data_dir: str, cron: str | None, interval: int | None) -> None:
    """Runs in a fresh interpreter whose environment already holds PREFECT_API_URL."""
    from flows.pipeline import pipeline
    os.environ["NEWSETL_DATA_DIR"] = data_dir
    pipeline.serve(name=DEPLOYMENT, cron=cron, interval=interval,
                   parameters={"sources_file": sources},
                   description="newsetl: fetch, process and load on a schedule")
