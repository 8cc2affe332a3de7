"""Shared fixtures: the sample issue built once, small issues copied and edited per test.

The tests read the sample issue from its frozen copy, tests/sample/2022-H2, never from issues/,
which editors change (and where `new` adds the next issue); they write only into their own
temporary folders, never into the project's output/ (`project_output_untouched` fails a test that
does, where a real build or scheduled run may be at work).
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageDraw

from bulletin.language.catalogs import catalog_path
from bulletin.project import OUTPUT
from bulletin.util.steps import STEPS
from bulletin.workflow.cli import main  # also the tests' way in, imported from here

from shared_build import (
    PROJECT,
    SAMPLE,  # noqa: F401 (the frozen sample, imported from here)
    made_once,
    shared_folder,
    start_build,
    wait_for_build,
)

CASES = Path(__file__).resolve().parent / "cases"
MINIMAL = CASES / "minimal" / "2023-H1"
LANGUAGES = ("az", "ru", "en", "es")
VARIANTS = ("print", "screen")


@dataclass(frozen=True)
class Build:
    """A delivery made by a test build."""

    folder: Path  # output/<issue>/

    def pdf(self, language: str, variant: str = "print") -> Path:
        """Return the PDF of one edition and variant."""
        return self.folder / f"since-the-victory-{self.folder.name}-{language}-{variant}.pdf"

    def pdfs(self) -> dict[tuple[str, str], Path]:
        """Return every PDF of the delivery by (language, variant)."""
        return {
            (language, variant): self.pdf(language, variant)
            for language in LANGUAGES
            for variant in VARIANTS
            if self.pdf(language, variant).exists()
        }


@pytest.fixture(scope="session", autouse=True)
def sample_build_started(request, tmp_path_factory) -> Iterator[None]:
    """Start the sample's build in the background as the session starts, if a test will read it (`shared_build`)."""
    builder = None
    if any("sample_build" in getattr(item, "fixturenames", ()) for item in request.session.items):
        builder = start_build(shared_folder(tmp_path_factory))
    yield
    if builder is not None:
        builder.wait()  # even when this session has ended early, another worker's may still be reading it


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Build:
    """The full sample issue, built once per session: four languages, both variants, and the bureau's package. The
    tests only read it."""
    return Build(wait_for_build(shared_folder(tmp_path_factory)))


@pytest.hookimpl(trylast=True)  # once the tests to run are chosen
def pytest_configure(config: pytest.Config) -> None:
    """Give each pytest-xdist worker a core of its own. Its tests then run side by side with the other worker's,
    and the builds they start as commands see one core and make their PDFs in their own process, as a build
    does under `taskset` (`workers.available_cores`): a fork server would load the engine for every such build,
    most of which stop at validation, and cost the two cores more than half a minute of the suite. The sample's
    build (`shared_build`) keeps every core and its worker processes, and the tests of workers ask for them."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw"):
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cores[int(worker[2:]) % len(cores)]})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the slow tests first: with pytest-xdist each long one then starts while there are quick ones left to run
    beside it, and both workers finish together."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def _entries(folder: Path) -> dict[str, int]:
    """Every path under `folder`, with the time it was last changed."""
    return {path.relative_to(folder).as_posix(): path.lstat().st_mtime_ns for path in folder.rglob("*")}


@pytest.fixture(autouse=True)
def project_output_untouched() -> Iterator[None]:
    """Fail a test that wrote into the project's own output/ (give it a folder of its own with --output)."""
    before = _entries(OUTPUT)
    yield
    after = _entries(OUTPUT)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert not changed, f"the test wrote into the project's output/: {', '.join(changed)}"


@pytest.fixture
def minimal_issue(tmp_path) -> Path:
    """A fresh copy of the minimal test issue, to be edited by the test."""
    target = tmp_path / "issues" / "2023-H1"
    shutil.copytree(MINIMAL, target)
    return target


@pytest.fixture(scope="session")
def minimal_delivery(tmp_path_factory) -> Path:
    """An output folder holding the minimal issue's delivery (every edition, no package), built once per session:
    read it, or copy it with `delivered_output`."""

    def build(top: Path) -> None:
        shutil.copytree(MINIMAL, top / "issues" / MINIMAL.name)
        assert main([str(top / "issues" / MINIMAL.name), "--output", str(top / "output"), "-q"]) == 0

    return made_once(tmp_path_factory, "minimal-delivery", build) / "output"


@pytest.fixture
def delivered_output(minimal_issue, minimal_delivery, tmp_path) -> Path:
    """tmp_path/output holding a delivery of `minimal_issue` as it is now, for a test to build on: a copy of the
    session's (the inputs are known by their contents, not their place, so the copy is current)."""
    output = tmp_path / "output"
    shutil.copytree(minimal_delivery, output, symlinks=True)
    return output


def copy_project(top: Path, *issues: Path) -> Path:
    """Copy to `top` what the commands read of the project (the code, templates, catalogs, settings, ./run and its
    lists of packages), with each folder of `issues` under top/issues; return `top`. build.py and ./run run there
    import the copy's code and take the copy for the project, so a test may break it, and nothing is written into
    the project's own folders."""
    for name in ("bulletin", "templates", "translations", "scripts"):
        shutil.copytree(PROJECT / name, top / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    for name in ("build.py", "babel.cfg", "pyproject.toml", "constraints.txt", "run"):
        shutil.copy2(PROJECT / name, top / name)
    for issue in issues:
        shutil.copytree(issue, top / "issues" / issue.name)
    return top


def apply_edits(folder: Path, edits: list[dict]) -> None:
    """Apply a case's edits to an issue folder, each naming its `file` (relative to the folder), or the
    `catalog` of a language (in a copy of the project's translations/ made beside the folder on the first
    such edit; `read_catalogs_beside` makes the build and validate read it), and one of:

    - `replace: OLD` and `with: NEW`: replace the first OLD in the file's text by NEW, or by NEW `repeat` times
      when `repeat: N` is given;
    - `write: TEXT`: write the file with TEXT, or with TEXT `repeat` times when `repeat: N` is given, between
      `before: TEXT` and `after: TEXT` when they are given;
    - `write_hex: HEX`: write the file with these bytes (whitespace in HEX is ignored);
    - `picture: {mode: MODE, size: [W, H]}`: write a picture made with Pillow (`make_picture`, whose other
      arguments may be given too: `tones`, `frames`, `default_image`), in the format its suffix names;
    - `copy: PATH`: copy a file of the project (PATH relative to its top folder), only its first `bytes: N`
      bytes when that is given;
    - `symlink: TARGET`: make the file a symbolic link to TARGET;
    - `fifo: true`, `folder: true`, `socket: true`: put a named pipe, an empty folder or a Unix socket in the
      file's place;
    - `delete: true`: delete the file.

    `replace` and `write` write UTF-8 unless the edit gives another `encoding`.
    """
    for edit in edits:
        path = folder / edit["file"] if "file" in edit else catalog_path(_catalogs_beside(folder), edit["catalog"])
        encoding = edit.get("encoding", "utf-8")
        if edit.get("delete"):
            path.unlink()
        elif "write" in edit:
            path.write_text(
                edit.get("before", "") + edit["write"] * edit.get("repeat", 1) + edit.get("after", ""),
                encoding=encoding,
            )
        elif "picture" in edit:
            make_picture(path, **edit["picture"])
        elif "write_hex" in edit:
            path.write_bytes(bytes.fromhex("".join(edit["write_hex"].split())))
        elif "copy" in edit:
            path.write_bytes((PROJECT / edit["copy"]).read_bytes()[: edit.get("bytes")])
        elif "symlink" in edit:
            path.symlink_to(edit["symlink"])
        elif edit.get("fifo") or edit.get("folder") or edit.get("socket"):
            path.unlink(missing_ok=True)
            if edit.get("fifo"):
                os.mkfifo(path)
            elif edit.get("folder"):
                path.mkdir()
            else:
                make_socket(path)
        else:
            text = path.read_text(encoding="utf-8")
            assert edit["replace"] in text, f"case edit does not apply to {edit['file']}: {edit['replace']!r}"
            path.write_text(text.replace(edit["replace"], edit["with"] * edit.get("repeat", 1), 1), encoding=encoding)


def _catalogs_beside(folder: Path) -> Path:
    """The copy of the project's catalogs that the edits of the issue in `folder` change, made if absent."""
    copy = folder.parent / "translations"  # below the folder where tests run the build: paths print as in the project
    if not copy.exists():
        shutil.copytree(PROJECT / "translations", copy)
    return copy


def read_catalogs_beside(folder: Path, monkeypatch) -> None:
    """Make the build and validate read the catalogs that edits changed beside the issue in `folder`, if any."""
    copy = folder.parent / "translations"
    if copy.is_dir():
        for module in ("bulletin.workflow.building", "bulletin.workflow.status", "bulletin.content.examination"):
            monkeypatch.setattr(f"{module}.TRANSLATIONS", copy)


def make_socket(path: Path) -> None:
    """Leave a Unix socket at `path` (bound from its folder: a socket's address is short, a test's path is long)."""
    here = os.getcwd()
    os.chdir(path.parent)
    try:
        with socket.socket(socket.AF_UNIX) as bound:
            bound.bind(path.name)
    finally:
        os.chdir(here)


def make_picture(
    path: Path,
    mode: str = "RGB",
    size: tuple[int, int] = (64, 48),
    colour: tuple | int | None = None,
    tones: int = 65_536,
    frames: int = 1,
    **options,
) -> Path:
    """Write a picture in `mode` and the format the suffix of `path` names: a shaded one (a gradient across, a
    dark disc in the middle), or all one `colour`; 16-bit grey in its first `tones` levels; a PNG of `frames` > 1 is
    animated, the disc moving from frame to frame. `options` are Pillow's for saving (comment=, exif=,
    default_image=, …)."""
    width, height = size
    if colour is not None:
        image = Image.new(mode, (width, height), tuple(colour) if isinstance(colour, list) else colour)
    else:
        image = _in_mode(_shaded(size), mode, tones)
    if frames > 1:
        options |= dict(
            save_all=True, append_images=[_in_mode(_shaded(size, frame), mode, tones) for frame in range(1, frames)]
        )
    image.save(path, format={".jpg": "JPEG", ".jpeg": "JPEG"}.get(path.suffix.lower(), "PNG"), **options)
    return path


def _shaded(size: tuple[int, int], shift: int = 0) -> Image.Image:
    """A gradient across, and a dark disc in the middle (`shift` pixels to the right)."""
    width, height = size
    across, down = Image.linear_gradient("L").rotate(90).resize(size), Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (across, down, across.point(lambda value: 255 - value)))
    ImageDraw.Draw(image).ellipse(
        (width * 0.3 + shift, height * 0.3, width * 0.7 + shift, height * 0.7), fill=(20, 20, 20)
    )
    return image


def _in_mode(image: Image.Image, mode: str, tones: int = 65_536) -> Image.Image:
    """`image` (RGB) in `mode`; 16-bit grey with its tones spread over its first `tones` levels, transparency half
    through."""
    if mode == "I;16":
        return image.convert("L").convert("I").point(lambda value: value * (tones - 1) / 255).convert("I;16")
    if mode in ("RGBA", "LA"):
        converted = image.convert(mode[:-1])
        converted.putalpha(Image.linear_gradient("L").resize(image.size).point(lambda value: 128 + value // 2))
        return converted
    if mode == "P":
        return image.quantize(64)
    return image.convert(mode)


def every_file(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path, with its bytes: what a delivery holds, to compare."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()
    }


def wrote_nothing(output: Path) -> bool:
    """Tell whether a build left the output folder as it found it: absent, or holding only the lock's file and
    the cache of its inputs' digests (no delivery, no PDF, no picture)."""
    if not output.exists():
        return True
    cached = {path.relative_to(output / ".cache").as_posix() for path in (output / ".cache").rglob("*")}
    return {path.name for path in output.iterdir()} <= {".lock", ".cache"} and cached <= {"digests.json"}


@pytest.fixture(autouse=True)
def in_process(monkeypatch):
    """Make a test's builds lay out their PDFs in the test's own process, where the test's changes to the code
    reach (worker processes start from a clean copy of it), and where the engine, once loaded and warm, serves
    every build of the session: the tests run side by side on pytest-xdist's workers instead. The worker
    processes of a build are tested where they are asked for (`PrintSettings(workers=2)`, `--workers 2`), and by
    the sample's build and every build run as a command of its own."""
    monkeypatch.setattr("bulletin.util.workers.available_cores", lambda: 1)  # the fork server's
    monkeypatch.setattr("bulletin.workflow.building.available_cores", lambda: 1)  # the build's pool


def load_case(name: str) -> dict:
    """Read tests/cases/<name>/case.yaml."""
    return yaml.safe_load((CASES / name / "case.yaml").read_text(encoding="utf-8"))


def page_texts(pdf: Path, layout: bool = True) -> list[str]:
    """Return the text of each page of a PDF, as pdftotext extracts it: laid out as the page shows it, or (not
    `layout`) in reading order, a column's lines one after the other."""
    text = subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return text.split("\f")[:-1]


def pdf_fonts(pdf: Path) -> list[dict[str, str]]:
    """Return pdffonts' table: name, type, embedded and subset flags of every font."""
    lines = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()
    fonts = []
    for line in lines[2:]:
        parts = line.split()
        # name, type words..., encoding, emb, sub, uni, object, id
        fonts.append({"name": parts[0], "embedded": parts[-5], "subset": parts[-4]})
    return fonts


def killed_at(step: str, target: str = "*") -> str:
    """Python source that makes the process running it kill itself with SIGKILL, as the out-of-memory killer or a
    power cut would, when it reaches `step` (a key of `bulletin.util.steps.STEPS`) for a target whose path matches
    the pattern `target`; put before a child process's own code."""
    assert step in STEPS, step
    return (
        "import fnmatch, os, signal\nfrom bulletin.util import steps\n"
        f"steps.reached = lambda step, target: step == {step!r} and fnmatch.fnmatch(str(target), {target!r})"
        " and os.kill(os.getpid(), signal.SIGKILL)\n"
    )


def run_in_terminal(script: str, timeout: float = 20) -> str:
    """Run a Python script with a pseudo-terminal as its stdin, stdout and stderr; return what it wrote."""
    controller, terminal = os.openpty()
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")
    }
    environment.update(TERM="xterm-256color", COLUMNS="100", PYTHONPATH=str(PROJECT))
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdin=terminal, stdout=terminal, stderr=terminal, cwd=PROJECT, env=environment
    )
    os.close(terminal)
    output, deadline = b"", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], deadline - time.monotonic())
            chunk = os.read(controller, 4096) if ready else b""
            if not chunk:  # Linux raises EIO instead once the script has closed the terminal
                break
            output += chunk
    except OSError:
        pass
    finally:
        os.close(controller)
        process.kill()
        process.wait()
    return output.decode()


DRAWING = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 300 200'>\n{}</svg>"  # 300 × 200, what a case holds


def drawing_problem_of(folder: Path, inside: str, seconds: int = 3) -> str | None:
    """Return what validation finds wrong with a drawing of 300 × 200 made of `inside` (from its second line), found
    within `seconds`."""
    from bulletin.content.drawings.checks import drawing_problem

    path = folder / "drawing.svg"
    path.write_text(DRAWING.format(inside), encoding="utf-8")
    with within(seconds):
        return drawing_problem(path)


@contextmanager
def within(seconds: int) -> Iterator[None]:
    """Stop the block with TimeoutError after `seconds`: a hang, where nothing should take more than a few.
    SIGALRM interrupts even a blocking open or read."""

    class Expired(Exception):
        pass

    def expire(_signal, _frame):
        raise Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    except Expired:
        # Raised afresh: the frame the alarm interrupts (inside a regular expression) may have no line number,
        # which pytest cannot show.
        raise TimeoutError(f"took more than {seconds} s") from None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
