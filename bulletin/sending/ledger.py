"""sent.json: what was sent where, under which name, when, and how it went.

output/<issue>/sent.json holds one record per send, in the order they were made:

    {"destination": "sftp://prepress@bureau.example:22/incoming",   never a secret
     "file": "since-the-victory-2022-H2-print.zip",                 the package in the delivery
     "sent_as": "since-the-victory-2022-H2-print-r2.zip",           its name at the bureau
     "revision": 2, "size": 18734112, "sha256": "…", "checksum": "…-r2.zip.sha256",
     "time": "2027-01-01T06:04:12+00:00", "attempts": 1,
     "result": "sent" | "already there" | "failed", "error": "…" (when failed)}

The first package of an issue is sent under its own name; a changed package is revision 2, 3…
(`-r2` before `.zip`), so that the bureau can tell them apart and never finds its file replaced,
unless a send was asked to replace it. The ledger is kept across builds (the delivery stage carries
it into each new delivery), and written whole or not at all. A ledger that cannot be read stops a
send rather than be written over: it is the only record of what the bureau has.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..delivery.ownership import SENT
from ..model import FILE_PREFIX, package_name
from ..util.atomic import write_atomically
from ..util.errors import BulletinError, display_path
from ..util.files import read_file

DELIVERED = ("sent", "already there")  # the results that leave the package at the bureau
MAX_LEDGER = 16_000_000  # bytes: thousands of sends take far less


class LedgerUnreadable(BulletinError):
    """sent.json is there but is no ledger: what the bureau has is not known, so nothing is sent."""

    category = "not sent"
    exit_status = 5


def read_ledger(folder: Path) -> list[dict]:
    """The records of sent.json in a delivery folder; none when there is no such file."""
    path = folder / SENT
    try:
        data = json.loads(read_file(path, MAX_LEDGER).decode("utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as err:
        raise LedgerUnreadable(_unreadable(path, str(err))) from err
    sends = data.get("sends") if isinstance(data, dict) else None
    if not isinstance(sends, list) or not all(isinstance(entry, dict) for entry in sends):
        raise LedgerUnreadable(_unreadable(path, "it holds no list of sends"))
    for number, entry in enumerate(sends, 1):
        if wrong := _wrong_fields(entry):
            raise LedgerUnreadable(_unreadable(path, f"send {number} of {len(sends)}: {wrong}"))
    return sends


def _wrong_fields(entry: dict) -> str:
    """Say which field of a record is not what a send writes there; empty when none."""
    for key in ("destination", "result"):
        if not isinstance(entry.get(key), str):
            return f"its {key} is not a text"
    if entry["result"] in DELIVERED:
        revision = entry.get("revision")
        if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
            return f"its revision {revision!r} is not a number from 1"
        if not isinstance(entry.get("sent_as"), str) or not isinstance(entry.get("sha256"), str):
            return "it names no file at the bureau, or no SHA-256"
    return ""


def _unreadable(path: Path, why: str) -> str:
    return (
        f"{display_path(path)}: cannot be read ({why}); it records what the bureau has, so nothing is sent until it"
        " is mended or moved away (the next send then starts a new record, and does not overwrite any file the"
        " bureau has)"
    )


def write_ledger(folder: Path, issue: str, sends: list[dict]) -> Path:
    """Write the records to sent.json in one step; return its path."""
    path = folder / SENT
    write_atomically(path, (json.dumps({"issue": issue, "sends": sends}, indent=2, ensure_ascii=False) + "\n").encode())
    return path


def last_delivered(sends: list[dict], destination: str) -> dict | None:
    """The record of the last package that reached this destination, whichever it was."""
    for entry in reversed(sends):
        if entry.get("destination") == destination and entry.get("result") in DELIVERED:
            return entry
    return None


def revision_name(issue: str, revision: int) -> str:
    """The package's name at the bureau: its own for the first, then with -r2, -r3… before .zip."""
    name = package_name(issue)
    return name if revision == 1 else name.removesuffix(".zip") + f"-r{revision}.zip"


def temporary_prefix(issue: str) -> str:
    """How the names of this issue's packages and checksums begin, to find what a broken send left."""
    return f".{FILE_PREFIX}-{issue}-print"
