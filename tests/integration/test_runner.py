"""flows.runner: which Prefect task runner each NEWSETL_TASK_RUNNER value makes (nothing is
started here; the e2e test runs the pipeline on a real local Dask cluster)."""

from __future__ import annotations

from prefect.task_runners import ThreadPoolTaskRunner
from prefect_dask import DaskTaskRunner

from flows import runner
from flows.config import Settings


def test_threads_is_prefects_thread_pool():
    assert type(runner.task_runner(Settings())) is ThreadPoolTaskRunner


def test_processes_is_a_local_cluster_of_single_threaded_workers():
    made = runner.task_runner(Settings(task_runner="processes", workers=3))
    assert isinstance(made, DaskTaskRunner) and made.address is None
    kwargs = made.cluster_kwargs
    assert (kwargs["n_workers"], kwargs["threads_per_worker"], kwargs["processes"]) == (3, 1, True)
    assert kwargs["dashboard_address"] is None and kwargs["host"] == "127.0.0.1"
    assert kwargs["config"]["distributed.worker.profile.enabled"] is False


def test_default_worker_count_is_one_per_core(monkeypatch):
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 7)
    assert runner.worker_count(Settings(task_runner="processes")) == 7


def test_a_scheduler_address_connects_to_it():
    made = runner.task_runner(Settings(task_runner="dask://10.1.2.3:8786"))
    assert isinstance(made, DaskTaskRunner) and made.address == "tcp://10.1.2.3:8786"
    assert runner.scheduler_address("tcp://h:1") == "tcp://h:1"
    assert runner.scheduler_address("processes") is None


def test_cli_refuses_a_bad_task_runner_with_a_message(tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app
    sources = tmp_path / "sources.toml"
    sources.write_text('[[sources]]\nid = "a"\nname = "A"\nurl = "https://example.invalid/f"\n')
    result = CliRunner().invoke(app, ["run", "--sources", str(sources), "--data-dir",
                                      str(tmp_path), "--task-runner", "ray://x:1"])
    assert result.exit_code == 1
    assert "task_runner" in result.output and "dask://host:port" in result.output
    assert not (tmp_path / "news.duckdb").exists()
