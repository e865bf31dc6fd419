"""Progress of long runs: stages call `advance(...)`; who shows it is the caller's choice.

The default reporter does nothing, so flows run by a deployment or `newsetl serve` (and tests)
stay silent. The CLI installs a rich progress display with `use(...)` for the length of a run
(and nothing under --quiet). Prefect runs tasks in threads, so the reporter is a module-level
object (a context variable would not reach those threads) and must be thread-safe.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Reporter(Protocol):
    def advance(self, stage: str, n: int = 1, total: int | None = None) -> None:
        """`n` more units of `stage` done; `total`, when given, is how many there are."""


class NoProgress:
    """The default: flows report progress to nobody."""

    def advance(self, stage: str, n: int = 1, total: int | None = None) -> None:
        return None


_lock = threading.Lock()
_reporter: Reporter = NoProgress()


def advance(stage: str, n: int = 1, total: int | None = None) -> None:
    """Report that `n` units of `stage` ("feeds fetched", "pages fetched", ...) are done."""
    _reporter.advance(stage, n, total)


@contextmanager
def use(reporter: Reporter) -> Iterator[Reporter]:
    """Send progress to `reporter` inside the block (the previous reporter after it)."""
    global _reporter
    with _lock:
        previous, _reporter = _reporter, reporter
    try:
        yield reporter
    finally:
        with _lock:
            _reporter = previous


class RichProgress:
    """One rich progress bar per stage, created when the stage first reports.

    Completed counts are capped at the total (a batch-sized step may overshoot the last batch).
    """

    def __init__(self, console, status: str | None = None) -> None:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn,
                                   TextColumn, TimeElapsedColumn)
        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                  MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                                  transient=False)
        self._tasks: dict[str, int] = {}
        self._lock = threading.Lock()
        self._status = self._progress.add_task(status, total=None) if status else None

    def __enter__(self) -> "RichProgress":
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._status is not None:
            self._progress.update(self._status, visible=False)
        self._progress.stop()

    def advance(self, stage: str, n: int = 1, total: int | None = None) -> None:
        with self._lock:
            task_id = self._tasks.get(stage)
            if task_id is None:
                task_id = self._tasks[stage] = self._progress.add_task(stage, total=total)
            elif total is not None:
                self._progress.update(task_id, total=total)
            task = self._task(task_id)
            done = task.completed + n
            if task.total is not None:
                done = min(done, task.total)
            self._progress.update(task_id, completed=done)

    def completed(self) -> dict[str, tuple[float, float | None]]:
        """stage -> (completed, total): what the display shows (for tests)."""
        with self._lock:
            return {stage: (self._task(i).completed, self._task(i).total)
                    for stage, i in self._tasks.items()}

    def _task(self, task_id):
        return next(t for t in self._progress.tasks if t.id == task_id)
