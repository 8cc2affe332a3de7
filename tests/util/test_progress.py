"""Progress of a build: log lines off a terminal, rich's bars on one, the messages kept in both."""

from __future__ import annotations

import io
import logging
import re
import textwrap

import pytest

from bulletin.util.progress import make_progress

from conftest import run_in_terminal

BAR = "━"  # the character rich draws its bars with
ESCAPE = "\x1b"
CONTROL_SEQUENCE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # colours, cursor moves, line clearing
MESSAGES = ["en print: 12 pages (0.1 s)", "ru print: 16 pages (0.1 s)", "es print: 12 pages (0.1 s)"]
WARNING = "Ignored `hyphens: auto` at 4:3, unknown property."


@pytest.fixture
def handler():
    """A log handler writing to a stream that is not a terminal, set up as the command line sets up its own."""
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger()
    # Earlier tests may have run the command line, which sets these loggers' levels (-q, -v).
    loggers = [root] + [logging.getLogger(name) for name in ("bulletin", "weasyprint")]
    old_levels = [logger.level for logger in loggers]
    for logger in loggers[1:]:
        logger.setLevel(logging.NOTSET)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    for logger, level in zip(loggers, old_levels):
        logger.setLevel(level)


def run_steps(progress) -> None:
    """Print three editions, WeasyPrint warning about a CSS rule after the first."""
    task = progress.task("print", total=len(MESSAGES))
    for number, message in enumerate(MESSAGES):
        task.advance(message)
        if number == 0:
            logging.getLogger("weasyprint").warning(WARNING)


def visible_lines(output: str) -> list[str]:
    """Return the lines a terminal would have shown at some moment, without escape codes."""
    return [line for line in re.split(r"\r\n|\r|\n", CONTROL_SEQUENCE.sub("", output)) if line.strip()]


def test_a_stream_that_is_not_a_terminal_gets_one_plain_line_per_step(handler):
    stream = handler.stream
    with make_progress(stream) as progress:
        run_steps(progress)
    assert stream.getvalue().splitlines() == [MESSAGES[0], WARNING, MESSAGES[1], MESSAGES[2]]
    assert ESCAPE not in stream.getvalue() and BAR not in stream.getvalue()


def test_quiet_draws_no_bars_and_leaves_only_the_warnings(handler):
    stream = handler.stream
    logging.getLogger().setLevel(logging.WARNING)  # what -q sets
    with make_progress(stream, quiet=True, bars=True) as progress:
        run_steps(progress)
    assert stream.getvalue().splitlines() == [WARNING]


def test_while_bars_are_drawn_the_log_writes_through_them(handler):
    stream = handler.stream
    with make_progress(stream, bars=True) as progress:
        assert handler.stream is not stream
        run_steps(progress)
    assert handler.stream is stream
    output = stream.getvalue()
    assert BAR in output and "3/3" in visible_lines(output)[-1]
    # each message on a line of its own, not mixed into a bar
    assert [line for line in visible_lines(output) if BAR not in line] == [
        MESSAGES[0],
        WARNING,
        MESSAGES[1],
        MESSAGES[2],
    ]


SCRIPT = textwrap.dedent(f"""
    import logging, sys, time
    from bulletin.util.progress import make_progress
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    with make_progress() as progress:
        task = progress.task("print", total={len(MESSAGES)})
        for number, message in enumerate({MESSAGES!r}):
            time.sleep(0.15)  # long enough for the display to redraw between steps
            task.advance(message)
            if number == 0:
                logging.getLogger("weasyprint").warning({WARNING!r})
    print("finished", file=sys.stderr)
""")


@pytest.mark.slow
def test_a_terminal_gets_bars_with_the_messages_and_warnings_above_them():
    output = run_in_terminal(SCRIPT)
    lines = visible_lines(output)
    assert lines[-1] == "finished", output
    assert ESCAPE in output and BAR in output
    bars = [line for line in lines if BAR in line]
    assert bars[0].startswith("print ") and "0/3" in bars[0] and "3/3" in bars[-1]
    assert [line for line in lines if BAR not in line] == [MESSAGES[0], WARNING, MESSAGES[1], MESSAGES[2], "finished"]
