"""Where the bureau's package goes, and how: an address read, the delivery settings, told without secrets.

An address is one of two kinds:

- `sftp://user@host:port/path`: an SFTP server. The path is absolute on the server
  (`sftp://prepress@bureau.example:22/incoming`); `/~/incoming` is `incoming` in the login folder.
  The user logs in with a key (`--identity`, or `identity` in the settings), never a password, and
  the server must be the one its key in `known-hosts` says it is.
- `file:///mnt/bureau/incoming`: a folder of this machine, or a share mounted on it (a hot folder).

The settings are read from pyproject.toml, `[tool.bulletin.delivery]`: `to` (the address),
`identity` (the private key's file), `passphrase-env` (the environment variable holding the key's
passphrase, when it has one), `known-hosts` (the file of the server's host key), `attempts` (how
many times a transfer is tried, at most), `backoff-seconds` (the wait before the second try;
doubled before each next one) and `timeout-seconds` (for the connection and each reply). Secrets are
never there: a key is a file, a passphrase comes from the environment. A wrong value is reported with
the file and the key, and nothing is sent.

An address opened for sending is a `Place` (`folder`, `sftp`): the files of its folder, written under
a temporary name and renamed into place. What goes wrong there is `Dropped` when a next try may mend
it (the connection broke off) and `NotSent` when it will not (a refused key, a full disk).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol
from urllib.parse import unquote, urlsplit

from ..util.errors import BulletinError, UsageError

SFTP_PORT = 22
TABLE = "[tool.bulletin.delivery]"
DEFAULT_ATTEMPTS = 4  # one transfer and three more tries
DEFAULT_BACKOFF = 15.0  # seconds before the second try: then 30, then 60
DEFAULT_TIMEOUT = 30.0  # seconds: connecting, and each reply of the server
MAX_ATTEMPTS = 10
MAX_BACKOFF = 300.0  # seconds before the second try; the waits double, up to transfer.MAX_WAIT


@dataclass(frozen=True)
class Destination:
    """A place a package is sent to: a folder on an SFTP server, or a local or mounted folder."""

    scheme: str  # "sftp" or "file"
    path: str  # the folder: absolute, or (sftp only) relative to the login folder
    user: str = ""
    host: str = ""
    port: int = SFTP_PORT

    def __str__(self) -> str:
        """The address as the ledger and the messages give it: it never holds a secret."""
        if self.scheme == "file":
            return Path(self.path).as_uri()
        folder = self.path if self.path.startswith("/") else f"/~/{self.path}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"sftp://{self.user}@{host}:{self.port}{folder}"


@dataclass(frozen=True)
class DeliverySettings:
    """Where the scheduled run sends the package, and how a send is made."""

    to: Destination | None = None  # None: the scheduled run sends nothing
    identity: Path | None = None  # the private key of the SFTP login
    passphrase_env: str = ""  # the environment variable holding the key's passphrase, read when the key is
    known_hosts: Path | None = None  # the server's host key, as OpenSSH writes known_hosts
    attempts: int = DEFAULT_ATTEMPTS
    backoff: float = DEFAULT_BACKOFF
    timeout: float = DEFAULT_TIMEOUT


def read_destination(address: str, where: str = "--to") -> Destination:
    """Read an sftp:// or file:// address; a UsageError, naming `where` it was given, when it is none."""
    parts = urlsplit(address.strip())
    if parts.password is not None:  # said without it: messages go to logs and to the editors
        shown = address.replace(f":{parts.password}@", ":***@", 1)
        raise UsageError(
            f"{where}: {shown!r} holds a password: an address is recorded and shown, so it holds none; the login is"
            " by key (--identity)"
        )
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise UsageError(f"{where}: {address!r}: a folder of this machine is written file:///absolute/path")
        return Destination("file", unquote(parts.path))
    if parts.scheme != "sftp":
        raise UsageError(
            f"{where}: {address!r}: send to sftp://user@host:port/folder, or to a folder: file:///mnt/bureau/incoming"
        )
    try:
        port = SFTP_PORT if parts.port is None else parts.port
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        brackets = parts.netloc.count(":") > 1  # an IPv6 address without its brackets
        hint = "; an IPv6 address is written in brackets: sftp://user@[::1]:22/folder" if brackets else ""
        raise UsageError(f"{where}: {address!r}: the port is not a number from 1 to 65535{hint}")
    if not parts.username or not parts.hostname:
        raise UsageError(f"{where}: {address!r}: name the user and the server: sftp://user@host:port/folder")
    if not parts.path:
        raise UsageError(
            f"{where}: {address!r}: name the folder: sftp://user@host:port/incoming for /incoming on the server,"
            " sftp://user@host:port/~/incoming for incoming in the login's home folder"
        )
    path = unquote(parts.path)
    folder = path.removeprefix("/~").lstrip("/") if path == "/~" or path.startswith("/~/") else path
    if parts.query or parts.fragment or ".." in PurePosixPath(folder).parts:
        raise UsageError(f"{where}: {address!r}: the folder is a plain path, without '..', '?' or '#'")
    return Destination("sftp", folder or ".", unquote(parts.username), parts.hostname, port)


def load_delivery_settings(pyproject: Path) -> DeliverySettings:
    """Read [tool.bulletin.delivery] from pyproject.toml; the defaults (send nothing) when there is none."""
    try:
        with pyproject.open("rb") as file:
            table = tomllib.load(file).get("tool", {}).get("bulletin", {}).get("delivery", {})
    except FileNotFoundError:
        return DeliverySettings()
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise UsageError(f"{pyproject}: cannot read the settings: {err}") from err
    place = f"{pyproject} {TABLE}"
    known = {"to", "identity", "passphrase-env", "known-hosts", "attempts", "backoff-seconds", "timeout-seconds"}
    if unknown := sorted(set(table) - known):
        raise UsageError(f"{place}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    text = {key: _text(table, key, place) for key in ("to", "identity", "passphrase-env", "known-hosts")}
    settings = DeliverySettings(
        to=read_destination(text["to"], f"{place} to") if text["to"] else None,
        identity=_file(pyproject, text["identity"]),
        known_hosts=_file(pyproject, text["known-hosts"]),
        attempts=int(_number(table, "attempts", place, DEFAULT_ATTEMPTS, 1, MAX_ATTEMPTS, whole=True)),
        backoff=_number(table, "backoff-seconds", place, DEFAULT_BACKOFF, 0, MAX_BACKOFF),
        timeout=_number(table, "timeout-seconds", place, DEFAULT_TIMEOUT, 1, 3600),
    )
    return replace(settings, passphrase_env=text["passphrase-env"])


def _text(table: dict, key: str, place: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise UsageError(f"{place} {key}: {value!r} is not a string")
    return value


def _file(pyproject: Path, value: str) -> Path | None:
    """A file named in the settings: relative to the folder of pyproject.toml, where it is relative."""
    return pyproject.parent / Path(value).expanduser() if value else None


def _number(table: dict, key: str, place: str, default: float, low: float, high: float, whole: bool = False) -> float:
    value = table.get(key, default)
    kind = int if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or not low <= value <= high or math.isnan(value):
        what = "a whole number" if whole else "a number"
        raise UsageError(f"{place} {key}: {value!r} is not {what} from {low:g} to {high:g}")
    return float(value)


class NotSent(BulletinError):
    """The package did not reach the bureau, for a reason that trying again now will not mend, or after the
    last try; nothing partial was left under the package's name."""

    category = "not sent"
    exit_status = 5


class Dropped(Exception):
    """A transfer broke off in a way that may mend (the connection dropped, the server went away): worth a
    next try after a wait."""


Watch = Callable[[int, int], None]  # told the bytes sent so far and the size, as a file goes


def copy_watched(
    source: BinaryIO, write: Callable[[bytes], object], size: int, watch: Watch | None, chunk: int
) -> None:
    """Copy `source` (of `size` bytes) to `write` a chunk at a time, telling `watch` how far it got."""
    done = 0
    while data := source.read(chunk):
        write(data)
        done += len(data)
        if watch:
            watch(done, size)


class Place(Protocol):
    """A destination opened for sending: its folder's files, by name. Every method raises Dropped for what
    may mend, NotSent for what will not."""

    def names(self) -> list[str]:
        """The names of the files in the folder."""
        ...

    def digest(self, name: str) -> tuple[int, str | None] | None:
        """The size and SHA-256 of a file there, read back; None when there is no such file, and no SHA-256 when
        the server lets its files be seen but not read (a drop box)."""
        ...

    def upload(self, source: BinaryIO, temporary: str, size: int, watch: Watch | None) -> None:
        """Write `source` (of `size` bytes) whole into a new file `temporary` (which must not exist), flushed to its
        disk, telling `watch` how far it got."""
        ...

    def rename(self, temporary: str, name: str, replace: bool) -> None:
        """Give the file its name in one step; over a file of that name only when `replace`."""
        ...

    def remove(self, name: str) -> None:
        """Remove a file, when it is there."""
        ...

    def close(self) -> None:
        """End the connection, if any."""
        ...
