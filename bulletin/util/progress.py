"""Progress of a long build: bars on an interactive terminal, one log line per finished step elsewhere.

A build is a few stages (a *task* each: "print" with eight PDFs, "preflight" with eight checks),
and every finished step has a message, such as `ru print: 36 pages (4.1 s)`. The message is always
an INFO record of the "bulletin" logger, so logging's configuration decides how it looks and -q
(which raises the level to WARNING) hides it. Where the stream is an interactive terminal, rich
also draws a bar per stage; while the bars are shown, the log handlers that write to that terminal
write through the display, so that the messages and the warnings of "bulletin", "weasyprint" or any
other logger appear above the bars instead of tearing them. Anywhere else (CI, a systemd timer, a
pipe) only the log lines are written, as before there were bars.

The stages of a build are also timed (`Progress.step`), and kept as `Step`s for the build
report of a scheduled run. This module does not configure logging (the command line does).
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TextIO

import rich.progress
from rich.console import Console
from rich.file_proxy import FileProxy

LOG = logging.getLogger("bulletin")
DRAWN_LOGGERS = ("", "bulletin", "weasyprint")  # the loggers whose handlers may write to the terminal


@dataclass(frozen=True)
class Step:
    """One timed step of a build, such as "validate" or "print az print"."""

    name: str  # what was done
    started: datetime  # when it began, in UTC
    seconds: float  # how long it took
    outcome: str  # "done", or "failed" when it ended in an error

    def as_json(self) -> dict:
        """The step as the build report records it."""
        return {
            "name": self.name,
            "started": self.started.isoformat(timespec="milliseconds"),
            "seconds": round(self.seconds, 3),
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class Task:
    """One stage of a build, of a known number of steps."""

    move_bar: Callable[[], None]  # moves the stage's bar one step on; does nothing where no bar is drawn
    timed: Callable[[str], AbstractContextManager[None]]  # times one of its steps (its message says the time)

    def advance(self, message: str) -> None:
        """Report one finished step: move the bar and log `message`."""
        self.move_bar()
        LOG.info("%s", message)


class Progress:
    """Where a build reports its stages and steps, whether they are drawn as bars or not."""

    def __init__(self, bars: rich.progress.Progress | None = None):
        self.bars = bars  # the rich display, or None to write log lines only
        self.steps: list[Step] = []  # every timed step so far, in the order they ended

    def task(self, description: str, total: int) -> Task:
        """Start a stage of `total` steps, such as ("print", 8)."""
        timed = partial(self.step, logged=False)
        if self.bars is None:
            return Task(move_bar=lambda: None, timed=timed)
        return Task(move_bar=partial(self.bars.advance, self.bars.add_task(description, total=total)), timed=timed)

    def record(self, name: str, seconds: float) -> None:
        """Keep a step timed elsewhere (in a worker process) that ended just now."""
        self.steps.append(Step(name, datetime.now(UTC) - timedelta(seconds=seconds), seconds, "done"))

    @contextmanager
    def step(self, name: str, logged: bool = True) -> Iterator[None]:
        """Time the step `name` run in the block; keep it in `steps`, and (when `logged`) log its end."""
        started, clock = datetime.now(UTC), time.monotonic()
        outcome = "failed"
        try:
            yield
            outcome = "done"
        finally:
            self.steps.append(Step(name, started, time.monotonic() - clock, outcome))
            if logged and outcome == "done":
                LOG.info("%s: done (%.1f s)", name, self.steps[-1].seconds)


@contextmanager
def make_progress(stream: TextIO | None = None, quiet: bool = False, bars: bool | None = None) -> Iterator[Progress]:
    """Show a build's progress on `stream`: bars on an interactive terminal unless `quiet`, log lines only elsewhere.

    `stream` is sys.stderr as it is at the call (tests replace it); `bars` forces the choice, which is
    otherwise `stream.isatty()`.
    """
    stream = sys.stderr if stream is None else stream
    if quiet or not (stream.isatty() if bars is None else bars):
        yield Progress()
        return
    # rich asks the stream itself unless told; forcing bars must also force the terminal's escape codes.
    console = Console(file=stream, force_terminal=True if bars else None)
    with draw_bars(console) as display, logging_through(console, stream):
        yield Progress(display)


def draw_bars(console: Console) -> rich.progress.Progress:
    """Return a display of one bar per stage on `console`, to be entered while the stages run."""
    return rich.progress.Progress(
        rich.progress.TextColumn("{task.description}", markup=False),
        rich.progress.BarColumn(),
        rich.progress.MofNCompleteColumn(),
        rich.progress.TimeElapsedColumn(),
        console=console,
        # Results go to stdout; they must not be moved to the terminal of the progress.
        redirect_stdout=False,
        # A stray print to stderr, or a Python warning, passes through the display when it is stderr.
        redirect_stderr=console.file is sys.stderr,
    )


@contextmanager
def logging_through(console: Console, stream: TextIO) -> Iterator[None]:
    """Let the log handlers that write to `stream` write through `console` while it draws."""
    handlers = [
        handler
        for name in DRAWN_LOGGERS
        for handler in logging.getLogger(name).handlers
        if isinstance(handler, logging.StreamHandler) and handler.stream is stream
    ]
    proxy = FileProxy(console, stream)
    for handler in handlers:
        handler.setStream(proxy)
    try:
        yield
    finally:
        for handler in handlers:
            handler.setStream(stream)
