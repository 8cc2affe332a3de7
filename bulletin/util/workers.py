"""Worker processes: independent jobs run side by side, as many at once as there are cores.

WeasyPrint lays out in pure Python, so threads would take turns on one core; each job runs
in a process of its own instead. The processes start from a fork server that has already
loaded the modules in `PRELOAD` (the rendering engine), so a worker is ready at once and
never inherits the threads of the build (progress bars, log handlers). A worker sends back
its job's result, the log messages the job made (told again by the build, in order, so
that a scheduled run's log keeps them), how long the job took, and the worker's peak
memory. With one worker, or one job, the jobs run in the build's own process.

The first job to fail stops the others and its error is raised in the build; a worker
that dies (killed, out of memory) is a BuildError naming the job it was doing.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import resource
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from .errors import BuildError

# Loaded once by the fork server, so that every worker starts with them: the rendering engine, and what
# prepares the pictures, with the readers of the formats of photographs and LittleCMS.
PRELOAD = [
    "bulletin.printing.editions",
    "bulletin.printing.placing",
    "PIL.JpegImagePlugin",
    "PIL.PngImagePlugin",
    "PIL.ImageCms",
]
LOGGERS = ("", "bulletin", "weasyprint", "fontTools", "pikepdf")  # whose levels a worker takes from the build


@dataclass(frozen=True)
class Outcome:
    """What one job gave, and what it cost."""

    value: Any  # what the job's function returned
    seconds: float  # how long the job took
    peak_mb: float  # the peak resident memory of the process that ran it, so far
    worker: int  # that process's id
    records: tuple[tuple[str, int, str], ...] = ()  # (logger, level, message) made by the job in a worker


def available_cores() -> int:
    """The cores this process may run on (fewer than the machine's under a CPU affinity or a container's set)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def start_fork_server(count: int) -> None:
    """Start the fork server now (when more than one worker will be wanted), so that it loads the rendering
    engine while the build validates the issue; it takes a second or so, and then each worker starts at once."""
    if count > 1:
        _fork_server()
        multiprocessing.forkserver.ensure_running()


def _fork_server() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


class Workers:
    """A pool of `count` worker processes for the jobs of one build (none with a count of 1: the jobs then
    run in the build's own process). As a context manager it ends the workers on leaving the block; on an
    error or an interruption at once, without waiting for the jobs they are doing."""

    def __init__(self, count: int):
        self.count = count
        self.pool: ProcessPoolExecutor | None = None
        if count > 1:
            context = _fork_server()
            levels = {name: logging.getLogger(name).getEffectiveLevel() for name in LOGGERS}
            self.pool = ProcessPoolExecutor(
                count, mp_context=context, initializer=_start_worker, initargs=(levels, os.getpid())
            )

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if self.pool is None:
            return
        if exc_type is not None:
            _stop(self.pool)
        self.pool.shutdown(wait=True, cancel_futures=True)

    def run(
        self,
        function: Callable[[Any], Any],
        jobs: Sequence[Any],
        done: Callable[[Any, Outcome], None] = lambda job, outcome: None,
        describe: Callable[[Any], str] = str,
    ) -> list[Outcome]:
        """Run `function` on every job; call `done` as each finishes; return the outcomes in the jobs' order.
        `describe` names a job in the message when its worker dies."""
        if self.pool is None:
            outcomes = []
            for job in jobs:
                outcomes.append(_timed(function, job))
                done(job, outcomes[-1])
            return outcomes
        futures: dict[Future, Any] = {self.pool.submit(_in_worker, function, job): job for job in jobs}
        finished_outcomes: dict[Future, Outcome] = {}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=list(futures).index):  # in the jobs' order, for a steady log
                outcome = _result(future, describe(futures[future]))
                _tell(outcome.records)
                finished_outcomes[future] = outcome
                done(futures[future], outcome)
        return [finished_outcomes[future] for future in futures]


class _Failed(Exception):
    """A job's error, sent back from its worker with the log messages the job made before it."""

    def __init__(self, error: BaseException, records: tuple[tuple[str, int, str], ...]):
        super().__init__(error, records)


def _result(future: Future, job: str) -> Outcome:
    try:
        return future.result()
    except _Failed as failed:
        error, records = failed.args
        _tell(records)
        raise error from None
    except BrokenProcessPool as err:
        raise BuildError(
            f"{job}: a worker process ended without finishing it (killed, or out of memory?); nothing was delivered"
        ) from err


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the workers at once: a failed or interrupted build has no use for the jobs still running."""
    # The executor keeps no public handle on its processes; without this, shutting it down waits
    # for every running job to finish. They ignore SIGTERM (see _start_worker): SIGKILL.
    for process in list(getattr(pool, "_processes", {}).values()):
        process.kill()


def _timed(function: Callable[[Any], Any], job: Any) -> Outcome:
    started = time.perf_counter()
    value = function(job)
    return Outcome(value, time.perf_counter() - started, _peak_mb(), os.getpid())


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


class _Collect(logging.Handler):
    """Keeps the log messages a worker's job makes, to be told by the build."""

    def __init__(self):
        super().__init__()
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, self.format(record)))


_collected = _Collect()


def _start_worker(levels: dict[str, int], build: int) -> None:
    """Set up a new worker: its loggers at the build's levels, every message kept for the build.

    Ctrl-C and a service's stop (SIGTERM, sent by systemd to every process of the service) are the
    build's to handle: it ends as interrupted and ends its workers; a worker that took them itself
    would look like one that died.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_end_with_the_build, args=(build,), daemon=True).start()
    root = logging.getLogger()
    root.handlers[:] = [_collected]
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    # What the fork server loaded lives as long as the worker: out of the collector's sight, the collection
    # after each job takes microseconds instead of a hundredth of a second, and leaves those pages shared.
    gc.freeze()


def _end_with_the_build(build: int) -> None:
    """End this worker when the build that uses it is gone (killed outright, out of memory): left alone, it
    would wait for jobs forever, or lay out pages for no one."""
    while True:
        time.sleep(1)
        try:
            os.kill(build, 0)
        except (ProcessLookupError, PermissionError):  # gone (its number may now be another user's process)
            os._exit(1)


def _in_worker(function: Callable[[Any], Any], job: Any) -> Outcome:
    _collected.records = []
    try:
        outcome = _timed(function, job)
    except Exception as err:  # noqa: BLE001 - whatever the job raised goes back, with the log
        raise _Failed(err, tuple(_collected.records)) from None
    finally:
        gc.collect()  # a laid-out document is full of cycles: freed now, the next job starts from a clean heap
    return Outcome(outcome.value, outcome.seconds, outcome.peak_mb, outcome.worker, tuple(_collected.records))


def _tell(records: tuple[tuple[str, int, str], ...]) -> None:
    """Log in the build what a worker's job logged, through the build's own handlers and levels."""
    for name, level, message in records:
        logger = logging.getLogger(name)
        if logger.isEnabledFor(level):
            logger.log(level, "%s", message)
