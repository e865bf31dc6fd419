"""The pipeline on a local Dask cluster (2 worker processes) and on threads, over the same
input: the warehouses must hold the same rows (tests/warehouse_checksums.py says which run-
specific columns are left out of the comparison, and why)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from flows.config import Settings
from flows.demo import DEMO_HOST, demo_server
from tests.warehouse_checksums import table_checksums

pytestmark = pytest.mark.e2e

RUN_ID = "20221128T000000Z-runners"  # one run id for both: run_id is then no difference


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    path = tmp_path_factory.mktemp("runners") / "sources.toml"
    path.write_text(f"""
[[sources]]
id = "seed"
name = "Seed article (synthetic feed)"
url = "{DEMO_HOST}/feeds/seed.xml"

[[sources]]
id = "pages"
name = "Captured pages (synthetic feed)"
url = "{DEMO_HOST}/feeds/sample-pages.xml"
max_items = 7

[[sources]]
id = "malformed"
name = "A malformed feed"
url = "{DEMO_HOST}/feeds/dylanharris-malformed.xml"
""")
    return path


@pytest.fixture(scope="module")
def server():
    with demo_server() as running:
        yield running


def _run(runner: str, sources, server, data_dir):
    from flows.pipeline import pipeline
    settings = Settings(data_dir=data_dir, rewrite_base=server.base_url, backoff_s=0.01,
                        retries=1, per_host_delay_s=0.0, batch_size=3, task_runner=runner,
                        workers=2)
    return pipeline(str(sources), settings, run_id=RUN_ID)


def test_processes_and_threads_build_the_same_warehouse(prefect_harness, sources, server,
                                                        tmp_path):
    on_threads = _run("threads", sources, server, tmp_path / "threads")
    started = datetime.now(timezone.utc)
    on_processes = _run("processes", sources, server, tmp_path / "processes")
    # The Dask workers ran the batches as Prefect task runs, reported to the flow's API.
    states = _batch_states_since(started)
    assert len(states) == -(-on_processes.ingest.pages_ok // 3) and set(states) == {"COMPLETED"}
    assert on_processes.process == on_threads.process
    assert on_threads.process.articles >= 6 and on_threads.load.problems == []
    threads_sums = table_checksums(tmp_path / "threads" / "news.duckdb")
    assert threads_sums["events"][0] > 0 and threads_sums["mentions"][0] > 0
    assert table_checksums(tmp_path / "processes" / "news.duckdb") == threads_sums


def _batch_states_since(started: datetime) -> list[str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (TaskRunFilter, TaskRunFilterName,
                                                TaskRunFilterStartTime)
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(task_run_filter=TaskRunFilter(
            name=TaskRunFilterName(like_="process_batch"),
            start_time=TaskRunFilterStartTime(after_=started)))
    return [run.state.type.value for run in runs]
