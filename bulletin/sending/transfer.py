"""A delivered package sent to the bureau: once per destination, whole or not at all, retried, recorded.

`send_package` sends the zip of output/<issue>/ and its checksum file, under the output folder's
lock (a build does not swap the delivery while it is read):

1. The package must be the one its `.sha256` names. When sent.json says this package already
   reached this destination, nothing is done, and it says so.
2. The name at the bureau is the package's own for the first package of an issue there, and the
   next revision (`-r2`) for a changed one, unless asked to replace the bureau's file. A file of
   that name already at the bureau, with other contents, is never replaced unasked: the next
   revision is taken. One with the same contents is recorded as already there.
3. What a broken send left there (a `.…part` file of this issue) is removed. The checksum file
   (written for the name at the bureau, so that `sha256sum -c` reads it there) and the zip are
   each written under a temporary name and read back (where the server does not let a file be
   read, only its size is checked, and the bureau checks the rest with the checksum file). Then
   the checksum file is renamed into place, and the zip after it.
4. A transfer that breaks off is tried again after a wait, doubled each time, up to the settings'
   number of attempts; one that will not mend (a refused key, a full disk) stops at once. Either
   way the bureau is left without a partial file, and sent.json records the outcome.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from ..delivery.ownership import delivered
from ..delivery.package import CHECKSUM
from ..model import package_name
from ..util.errors import UsageError, display_path
from ..util.files import read_file
from ..util.fingerprints import file_entry
from ..util.locking import hold_lock
from .destinations import DeliverySettings, Destination, Dropped, NotSent, Place, Watch
from .folder import FolderPlace
from .ledger import last_delivered, read_ledger, revision_name, temporary_prefix, write_ledger
from .sftp import SftpPlace

LOG = logging.getLogger("bulletin")
MAX_REVISIONS = 999  # a bureau's folder with more revisions of one issue than this is no bureau's
MAX_WAIT = 300.0  # seconds: the longest wait between two attempts, however many there are
LARGE = 8_000_000  # bytes: a file at least this large has its progress logged


@dataclass(frozen=True)
class Package:
    """The bureau's package of a delivery: its zip, size and SHA-256, as its checksum file names them."""

    issue: str
    path: Path
    size: int
    sha256: str


def find_package(root: Path, issue: str) -> Package:
    """The delivered package of `issue`: a UsageError when there is none, NotSent when it is not the one its checksum
    names."""
    folder = delivered(root, issue)
    path = folder / package_name(issue)
    if not path.is_file():
        raise UsageError(
            f"{display_path(folder)} holds no package for the bureau ({path.name}): build the issue with --package"
            " first (the scheduled run always makes it)"
        )
    entry = file_entry(path)
    checksum = path.with_name(path.name + CHECKSUM)
    try:
        recorded = read_file(checksum).decode("utf-8").split()
    except (OSError, UnicodeDecodeError) as err:
        raise NotSent(
            f"{display_path(checksum)}: the package's checksum file cannot be read ({err}); build the issue again"
            " with --package"
        ) from err
    if recorded != [entry["sha256"], path.name]:
        raise NotSent(
            f"{display_path(path)} is not the package its checksum {path.name}{CHECKSUM} names: it was changed or"
            " damaged since the build; build the issue again with --package"
        )
    return Package(issue, path, entry["size"], entry["sha256"])


def send_package(
    root: Path,
    issue: str,
    destination: Destination,
    settings: DeliverySettings,
    replace: bool = False,
    watch: Watch | None = None,
    wait: Callable[[float], None] = time.sleep,
    lock_wait: float = 0,
) -> dict:
    """Send the delivered package of `issue` to `destination`; return the record of the send (its result "sent",
    or "already there" when nothing had to be sent). NotSent when it did not reach the bureau. `lock_wait`: how
    long to wait for a build that holds the output folder."""
    if not root.is_dir():
        raise UsageError(f"{display_path(root)}: no such output folder (--output)")
    with hold_lock(root, f"sending {issue} to {destination}", lock_wait, again=True):
        package = find_package(root, issue)
        folder = delivered(root, issue)
        sends = read_ledger(folder)
        address = str(destination)
        last = last_delivered(sends, address)
        if not replace and last is not None and last["sha256"] == package.sha256:
            LOG.info("%s already reached %s as %s on %s: nothing to send", package.path.name, address,
                     last["sent_as"], last["time"])  # fmt: skip
            return last | {"result": "already there"}
        record = {"destination": address, "file": package.path.name, "size": package.size, "sha256": package.sha256}
        watch = watch or _told_every_quarter(package.path.name, address)
        chosen: dict = {}  # the name at the bureau, once chosen: for the record, should the send fail
        for attempt in range(1, settings.attempts + 1):
            try:
                outcome = _send_once(_open(destination, settings), package, sends, address, replace, watch, chosen)
                break
            except Dropped as err:
                if attempt == settings.attempts:
                    tries = "once" if attempt == 1 else f"{attempt} times"
                    message = f"{err}. Tried {tries}; the next send tries again"
                    _record_failure(folder, issue, sends, record | chosen, attempt, message)
                    raise NotSent(message) from err
                pause = min(settings.backoff * 2 ** (attempt - 1), MAX_WAIT)
                LOG.warning("%s; trying again in %g s (attempt %d of %d)", err, pause, attempt + 1, settings.attempts)
                wait(pause)
            except NotSent as err:
                _record_failure(folder, issue, sends, record | chosen, attempt, str(err))
                raise
        if outcome["result"] == "already there" and outcome["sent_as"] == chosen.get("sent_as"):
            outcome["result"] = "sent"  # by an attempt whose last answer was lost: it arrived all the same
        record |= outcome | {"time": _now(), "attempts": attempt}
        write_ledger(folder, issue, [*sends, record])
        return record


def _open(destination: Destination, settings: DeliverySettings) -> Place:
    return FolderPlace(destination) if destination.scheme == "file" else SftpPlace(destination, settings)


def _send_once(
    place: Place, package: Package, sends: list[dict], address: str, replace: bool, watch: Watch, chosen: dict
) -> dict:
    """One attempt: clear and mend what a broken send left, choose the name, send the checksum, then the zip.
    `chosen` is given the name at the bureau as soon as it is chosen."""
    try:
        names = set(place.names())
        leftover = re.compile(rf"{re.escape(temporary_prefix(package.issue))}.*\.part")
        for name in sorted(filter(leftover.fullmatch, names)):
            LOG.info("%s: removing %s, left by a send that broke off", address, name)
            place.remove(name)
        unfinished = _mend_unfinished(place, names, sends, address)
        revision, name = _choose_name(package, sends, address, replace)
        while True:
            if name in names and place.digest(name) == (package.size, package.sha256):
                LOG.info("%s: %s is already there, the same file", address, name)
                _ensure_checksum(place, name, package.sha256)
                result = "sent" if name == unfinished else "already there"  # the last send's, whose end went unheard
                return {"sent_as": name, "revision": revision, "checksum": name + CHECKSUM,
                        "checked": "size and SHA-256", "result": result}  # fmt: skip
            taken = name in names or name + CHECKSUM in names  # neither file of the bureau's is replaced unasked
            if not taken or replace or (name == unfinished and name not in names):  # only its checksum came
                break
            revision += 1
            if revision > MAX_REVISIONS:
                raise NotSent(f"{address}: holds {MAX_REVISIONS} revisions of {package.path.name}; no name is left")
            name = revision_name(package.issue, revision)
        checksum = name + CHECKSUM
        chosen |= {"sent_as": name, "revision": revision, "checksum": checksum}
        unnamed: list[str] = []
        try:
            unnamed.append(_upload(place, io.BytesIO(_checksum_line(package.sha256, name)), checksum, None)[0])
            with package.path.open("rb") as source:
                temporary, checked = _upload(place, source, name, watch, (package.size, package.sha256))
                unnamed.append(temporary)
            # The checksum first, so that a hot folder taking the zip as it appears finds its checksum beside it.
            # Should the zip not follow, the next send finds the checksum named in the record of this one, and
            # completes it with its zip, or mends it to the zip that is there.
            place.rename(unnamed.pop(0), checksum, True)
            place.rename(unnamed[0], name, replace)
        except BaseException:
            for temporary in unnamed:
                _quietly(place.remove, temporary)
            raise
        LOG.info("%s: sent %s as %s (%d bytes, %s checked there)", address, package.path.name, name, package.size,
                 checked)  # fmt: skip
        return {"sent_as": name, "revision": revision, "checksum": checksum, "result": "sent", "checked": checked}
    finally:
        place.close()


def _mend_unfinished(place: Place, names: set[str], sends: list[dict], address: str) -> str | None:
    """When the last send to this destination failed after choosing its name, make the checksum there match the
    zip there (read back), should the two renames have parted them; return that name, which its next send may
    complete, or None."""
    last = next((entry for entry in reversed(sends) if entry.get("destination") == address), None)
    if last is None or last["result"] != "failed" or not isinstance(name := last.get("sent_as"), str):
        return None
    found = place.digest(name) if name in names else None
    if found is not None and found[1] is not None and _ensure_checksum(place, name, found[1]):
        LOG.warning("%s: %s did not match %s, after a send that broke off; mended", address, name + CHECKSUM, name)
    return name


def _choose_name(package: Package, sends: list[dict], address: str, replace: bool) -> tuple[int, str]:
    """The revision and name to send under: the last one's own when replacing it, else the next."""
    last = last_delivered(sends, address)
    if last is None:
        return 1, revision_name(package.issue, 1)
    revision = last["revision"]
    if not replace:
        revision += 1
    return revision, revision_name(package.issue, revision)


def _checksum_line(sha256: str, name: str) -> bytes:
    """The checksum file of a file at the bureau, as sha256sum writes it."""
    return f"{sha256}  {name}\n".encode()


def _ensure_checksum(place: Place, name: str, sha256: str) -> bool:
    """Make the checksum file beside `name` at the bureau say `sha256`; tell whether it had to be written."""
    content = _checksum_line(sha256, name)
    if place.digest(name + CHECKSUM) == (len(content), hashlib.sha256(content).hexdigest()):
        return False
    place.rename(_upload(place, io.BytesIO(content), name + CHECKSUM, None)[0], name + CHECKSUM, True)
    return True


def _upload(
    place: Place, source: BinaryIO, name: str, watch: Watch | None, expected: tuple[int, str] | None = None
) -> tuple[str, str]:
    """Write `source` under a temporary name for `name`, and check its size and SHA-256 there; return the
    temporary name, and what was checked (only the size, where the server does not let it be read back).
    Removed again when it is not as sent."""
    temporary = f".{name}.{secrets.token_hex(4)}.part"
    if expected is None:
        data = source.read()
        expected = (len(data), hashlib.sha256(data).hexdigest())
        source = io.BytesIO(data)
    try:
        place.upload(source, temporary, expected[0], watch)
        found = place.digest(temporary)
        if found is None or found[0] != expected[0] or found[1] not in (None, expected[1]):
            raise Dropped(
                f"{name}: what arrived is not what was sent ({found[0] if found else 'no'} bytes of {expected[0]},"
                " or another SHA-256)"
            )
        if found[1] is None:
            LOG.info("%s: may not be read back there: its size is checked, the checksum file lets the bureau"
                     " check its SHA-256", name)  # fmt: skip
    except BaseException:
        _quietly(place.remove, temporary)
        raise
    return temporary, "size and SHA-256" if found[1] else "size"


def _told_every_quarter(name: str, address: str) -> Watch:
    """Log how far a large file has gone, at each quarter: a package crosses a slow line in minutes."""
    told = [0]

    def watch(done: int, size: int) -> None:
        quarter = 4 * done // size if size >= LARGE else 0
        if 0 < quarter < 4 and quarter > told[0]:
            told[0] = quarter
            LOG.info("%s: %d%% sent to %s (%.1f of %.1f MB)", name, 25 * quarter, address, done / 1e6, size / 1e6)

    return watch


def _quietly(action: Callable[[str], None], name: str) -> None:
    """Tidy up after a failure: what fails here is said by the failure itself, or mended by the next send."""
    with contextlib.suppress(Dropped, NotSent):
        action(name)


def _record_failure(folder: Path, issue: str, sends: list[dict], record: dict, attempts: int, error: str) -> None:
    write_ledger(
        folder, issue, [*sends, record | {"time": _now(), "attempts": attempts, "result": "failed", "error": error}]
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
