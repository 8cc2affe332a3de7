"""The record of scheduled runs: a timestamped log, and a build report per issue.

Every line a scheduled run logs carries its time, on stderr (which the systemd journal or
cron's mail keeps) and appended to output/scheduled.log, so that the person who runs the
server can read afterwards what each run did. A run that builds, or finds the issue not
ready, writes output/<issue>/build-report.json: the result and exit status, why it built,
the inputs it built from (each file's SHA-256), the tools, each step with its start and
duration, the files delivered, and what the editors must fix. The report sits beside the
delivery, not in it: neither the manifest nor the printing bureau's package lists it, and a
not-ready run that writes it leaves the delivered files as they were.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from ..util.atomic import write_atomically
from ..util.errors import BuildError, display_path
from ..util.files import read_file
from ..util.fingerprints import Inputs, file_entry, tool_versions
from ..util.progress import Step
from .manifest import MANIFEST, read_manifest
from .ownership import REPORT, SCHEDULE_LOG, delivered
from .package import CHECKSUM


class Timestamped(logging.Formatter):
    """Log lines that start with their local time in ISO 8601, as the build report writes times."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 (logging's name)
        return datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="seconds")


TIMESTAMPED = Timestamped("%(asctime)s %(levelname)s %(message)s")
LOGGERS = ("bulletin", "weasyprint")  # whose messages go to the log file


@dataclass
class Record:
    """What a scheduled run has found and done so far, for its report."""

    issue: str  # the due issue, such as "2022-H2"
    day: date  # the date the run is for
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    clock: float = field(default_factory=time.monotonic)  # for the run's duration
    reasons: list[str] = field(default_factory=list)  # why the delivery had to be made again
    inputs: Inputs | None = None  # what it was (or would have been) built from
    outcome: dict | None = None  # the report of how the run ended, once it has

    def report(
        self,
        result: str,
        status: int,
        message: str,
        steps: list[Step],
        built: Sequence[dict] = (),
        problems: Sequence[str] = (),
        warnings: Sequence[str] = (),
    ) -> dict:
        """Return the build report of the run, ended with `result` and exit `status`."""
        inputs = self.inputs
        return {
            "issue": self.issue,
            "date": self.day.isoformat(),
            "started": self.started.isoformat(timespec="seconds"),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(time.monotonic() - self.clock, 3),
            "result": result,
            "exit_status": status,
            "message": message,
            "reasons": self.reasons,
            "inputs": {"sha256": inputs.digest, "issue": inputs.issue, "project": inputs.project} if inputs else {},
            "tools": tool_versions(),
            "steps": [step.as_json() for step in steps],
            "built": list(built),
            "problems": list(problems),
            "warnings": list(warnings),
        }


def delivered_files(root: Path, issue: str) -> list[dict]:
    """Describe the files of the delivery as its manifest does, the manifest itself and the package added."""
    folder = delivered(root, issue)
    kept = ("file", "language", "variant", "pages", "size", "sha256", "purpose")
    manifest = read_manifest(folder)
    assert manifest is not None, "a delivery is made with its manifest"
    files = [{key: entry[key] for key in kept if key in entry} for entry in manifest["files"]]
    files.append(file_entry(folder / MANIFEST) | {"purpose": "manifest"})
    for package in sorted(folder.glob("*.zip")):
        files.append(file_entry(package) | {"purpose": "package for the printing bureau"})
        checksum = package.with_name(package.name + CHECKSUM)
        if checksum.is_file():
            files.append(file_entry(checksum) | {"purpose": "the package's SHA-256"})
    return sorted(files, key=lambda entry: entry["file"])


def write_build_report(root: Path, report: dict) -> Path:
    """Write the report into output/<issue>/ in one step (making the folder if need be); return its path."""
    target = delivered(root, report["issue"]) / REPORT
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    try:
        write_atomically(target, text.encode("utf-8"))
    except OSError as err:
        raise BuildError(f"cannot write the build report {display_path(target)}: {err.strerror or err}") from err
    return target


def read_report(folder: Path) -> dict:
    """Return the last build report in a delivery folder, or {} when there is none that can be read."""
    try:
        report = json.loads(read_file(folder / REPORT).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return report if isinstance(report, dict) else {}


@contextmanager
def logging_to(root: Path) -> Iterator[Path]:
    """While the block runs, timestamp every log line and append it to the output folder's log too."""
    path = root / SCHEDULE_LOG
    try:
        root.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as err:
        raise BuildError(f"cannot write the log {display_path(path)}: {err.strerror or err}") from err
    handler.setFormatter(TIMESTAMPED)
    handler.setLevel(logging.getLogger("bulletin").getEffectiveLevel())
    streams = [handler for handler in logging.getLogger().handlers if isinstance(handler, logging.StreamHandler)]
    formats = [stream.formatter for stream in streams]
    for stream in streams:
        stream.setFormatter(TIMESTAMPED)
    for name in LOGGERS:
        logging.getLogger(name).addHandler(handler)
    try:
        yield path
    finally:
        for name in LOGGERS:
            logging.getLogger(name).removeHandler(handler)
        handler.close()
        for stream, format_ in zip(streams, formats):
            stream.setFormatter(format_)
