"""The sample issue built once per test session, in the background from the session's start.

With pytest-xdist each worker process has a session of its own; the build is shared through the
session's temporary folder, above each worker's own. The first process whose tests will read it
starts the build in a process of its own and passes it a lock on the folder, which that process
holds until the build has ended: the tests go on meanwhile, and one that reads the build waits for
the lock, then finds the build's exit status beside it. Should no build have been started, or the
one started have died, the waiting test builds the sample itself, still under the lock.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bulletin.workflow.cli import main

PROJECT = Path(__file__).resolve().parent.parent
EVERY_CORE = os.sched_getaffinity(0)  # read on import, before conftest gives each xdist worker one core
SAMPLE = Path(__file__).resolve().parent / "sample" / "2022-H2"  # a copy of issues/2022-H2 as it was, for the tests
# The build in a process of its own, on every core (given as its third argument) with its worker processes: its
# exit status written beside it once it has ended.
BUILDER = """
import os
import sys
from pathlib import Path
from bulletin.workflow.cli import main

os.sched_setaffinity(0, {int(core) for core in sys.argv[3].split(",")})
folder = Path(sys.argv[2])
status = main([sys.argv[1], "--output", str(folder / "output"), "--package", "-q"])
(folder / "status").write_text(str(status))
"""


def shared_folder(factory: pytest.TempPathFactory, name: str = "sample-build") -> Path:
    """Return a folder of the session, the same for every worker process: by default, that of the sample's build."""
    base = factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name
    folder.mkdir(exist_ok=True)
    return folder


def made_once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """Return a folder that `make` filled once in the session (a delivery that several tests build on), whichever
    worker process asked first; the others wait for it under a lock. Should `make` fail, the next to ask tries
    again. The tests only read it, or copy it."""
    folder = shared_folder(factory, name)
    made = folder / "made"
    with open(folder / "lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "done").exists():
            shutil.rmtree(made, ignore_errors=True)
            made.mkdir()
            make(made)
            (folder / "done").touch()
    return made


def start_build(folder: Path) -> subprocess.Popen | None:
    """Start building the sample into `folder` in a process of its own, unless it was started already; return the
    process started."""
    with open(folder / "lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # building, in another process of the session
            return None
        if (folder / "started").exists():
            return None
        (folder / "started").touch()
        with open(folder / "log", "w") as log:
            # The lock is passed on with the file: held by both until this process closes its own.
            return subprocess.Popen(
                [sys.executable, "-c", BUILDER, str(SAMPLE), str(folder), ",".join(map(str, sorted(EVERY_CORE)))],
                cwd=PROJECT,
                pass_fds=(lock.fileno(),),
                stdout=log,
                stderr=subprocess.STDOUT,
            )


def wait_for_build(folder: Path) -> Path:
    """Wait for the sample's build in `folder` to end, making it here if no other process did; return the
    delivery."""
    with open(folder / "lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "status").exists():  # never started, or its process died
            (folder / "status").write_text(
                str(main([str(SAMPLE), "--output", str(folder / "output"), "--package", "-q"]))
            )
    log = (folder / "log").read_text(encoding="utf-8") if (folder / "log").exists() else ""
    assert (folder / "status").read_text() == "0", f"the sample's build failed:\n{log}"
    return folder / "output" / SAMPLE.name
