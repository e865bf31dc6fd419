"""Where the process stage's batches run: Prefect task runners chosen by one setting.

`threads` (default) runs batches on Prefect's thread pool in the flow's process: no start-up
cost, but the GIL keeps extraction and NLP on about one core. `processes` starts a local Dask
cluster (one single-threaded worker process per core) through prefect-dask's DaskTaskRunner;
`dask://host:port` connects to a Dask scheduler that already runs, with workers on any number
of machines (docs/SCALE.md). No distribution code of our own: Prefect + prefect-dask + Dask.

A Dask worker runs each batch as a Prefect task run and reports it to the flow's Prefect API.
prefect-dask sends the flow's settings context along with each task, so the workers use the
flow's PREFECT_API_URL; when none is set (Prefect's ephemeral mode, e.g. `newsetl run` with no
server) the flow's local API server is started here and its URL made explicit for the run, so
that workers do not each start an API server and database of their own.
"""


import contextlib
import os
from collections.abc import Iterator

from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows.config import Settings

# Dask settings for the workers of the local cluster. Measured here (one 60-page batch, CPU
# seconds in the worker): 7.1-8.0 in a plain process, 10.3-11.9 in a default Dask worker, 9.4
# with the statistical profiler off and the worker's housekeeping ticks slowed down: the
# profiler samples the busy thread's (deep, spaCy) stack every 10 ms, and every wake-up of the
# worker's event loop takes the GIL from the batch. Our tasks are seconds long: nothing to lose.
WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.tick.limit": "30s",
    "distributed.admin.system-monitor.interval": "5s",
}


def scheduler_address(task_runner: str) -> str | None:
    """The tcp:// address of a `dask://host:port` (or `tcp://host:port`) runner, else None."""
    for scheme in ("dask://", "tcp://"):
        if task_runner.startswith(scheme):
            return "tcp://" + task_runner[len(scheme):]
    return None


def worker_count(settings: Settings) -> int:
    """Worker processes of the `processes` runner: the setting, else one per core."""
    return settings.workers or os.cpu_count() or 1


def task_runner(settings: Settings) -> TaskRunner:
    """A fresh, not yet started task runner for the `process` flow."""
    if settings.task_runner == "threads":
        return ThreadPoolTaskRunner()  # Prefect's default, as before this setting existed
    from prefect_dask import DaskTaskRunner  # imports dask.distributed: only when asked for

    address = scheduler_address(settings.task_runner)
    if address is not None:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": worker_count(settings),
            "threads_per_worker": 1,          # one batch at a time per process: no GIL contention
            "processes": True,
            "dashboard_address": None,        # no web dashboard, no port beyond the scheduler's
            "host": "127.0.0.1",
            "memory_limit": 0,                # spaCy's model plus a batch; let the OS decide
            "config": WORKER_CONFIG,          # handed by each nanny to its worker process
        })


@contextlib.contextmanager
def api_for_workers(settings: Settings) -> Iterator[None]:
    """For Dask runners: make the flow's Prefect API URL explicit while the process flow runs,
    so that worker processes report to it (see the module docstring)."""
    if settings.task_runner == "threads" or PREFECT_API_URL.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the instance Prefect's own ephemeral client uses
    server.start()
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield
