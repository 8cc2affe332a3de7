"""An SFTP server as the bureau's destination (paramiko): `sftp://user@host:port/folder`.

The server must prove it is the one its key in the known_hosts file says (OpenSSH's format:
`ssh-keyscan -p PORT host`, checked by hand with the bureau); a server not there, or with another
key, is refused before anything is sent. The login is by key only: no password, no agent, no
keys of this machine's user looked for, so that an unattended run uses the one key it was given.

A file is uploaded under a temporary name (`.<name>.<random>.part`, created exclusively), flushed to
the server's disk where it offers OpenSSH's `fsync@openssh.com`, read back for its size and SHA-256
(only its size, where the server lets files be seen but not read: the bureau then checks the SHA-256
with the checksum file), and only then renamed into place: with SFTP's own rename, which OpenSSH
makes by a hard link and so never over a file of that name, or, when replacing, with `posix-
rename@openssh.com`. The bureau's hot folder never sees half a file.

A connection that breaks off (the server gone, the network down, a timeout) may mend and is
tried again; a refused key, an unknown host key, or an error the server answers (a full disk: SFTP
says only "Failure"; a folder that may not be written) will not, and is said at once.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import socket
from pathlib import PurePosixPath
from typing import Any, BinaryIO, cast

import paramiko
from paramiko.sftp import CMD_EXTENDED

from .destinations import DeliverySettings, Destination, Dropped, NotSent, Watch, copy_watched

CHUNK = 1 << 18  # bytes written, and read back, at a time
FSYNC = "fsync@openssh.com"  # OpenSSH's extension: the file flushed to the server's disk


class SftpPlace:
    """A folder on an SFTP server, connected and logged in."""

    def __init__(self, destination: Destination, settings: DeliverySettings) -> None:
        self.destination = destination
        key = _load_key(settings)
        known_hosts = settings.known_hosts
        if known_hosts is None or not known_hosts.is_file():
            raise NotSent(
                f"{destination}: no known_hosts file ({known_hosts or 'none named'}) holds the server's key, so the"
                " server cannot be told from another: write it with `ssh-keyscan -p PORT HOST > FILE`, compare its"
                " fingerprint (`ssh-keygen -lf FILE`) with the one the bureau gives, and name it with --known-hosts"
                " or known-hosts in [tool.bulletin.delivery]"
            )
        self.client = paramiko.SSHClient()
        try:
            self.client.load_host_keys(str(known_hosts))
        except (OSError, paramiko.SSHException) as err:
            raise NotSent(f"{destination}: cannot read the known_hosts file {known_hosts}: {err}") from err
        self.client.set_missing_host_key_policy(paramiko.RejectPolicy())
        timeout = settings.timeout
        try:
            self.client.connect(
                destination.host,
                destination.port,
                username=destination.user,
                pkey=key,
                look_for_keys=False,
                allow_agent=False,
                timeout=timeout,
                banner_timeout=timeout,
                auth_timeout=timeout,
                channel_timeout=timeout,
            )
            self.sftp = self.client.open_sftp()
            channel = self.sftp.get_channel()
            if channel is not None:
                channel.settimeout(timeout)
        except paramiko.BadHostKeyException as err:
            self.client.close()
            raise NotSent(
                f"{destination}: refused: the server's host key is not the one in {known_hosts}"
                f" (it offered {err.key.get_name()} {err.key.fingerprint}). Either the bureau changed its key, and"
                " the new one must be checked with them and written there, or this is not the bureau's server"
            ) from err
        except paramiko.AuthenticationException as err:
            self.client.close()
            raise NotSent(
                f"{destination}: the server refused the login of {destination.user} with the key {settings.identity}:"
                " its public key must be in that user's authorized_keys at the bureau"
            ) from err
        except paramiko.SSHException as err:
            self.client.close()
            if "not found in known_hosts" in str(err):
                raise NotSent(
                    f"{destination}: refused: {known_hosts} holds no key for this server; add it only after checking"
                    " its fingerprint with the bureau"
                ) from err
            raise Dropped(f"{destination}: the connection failed: {err}") from err
        except (OSError, EOFError) as err:
            self.client.close()
            raise Dropped(f"{destination}: cannot connect: {_reason(err)}") from err
        self.folder = PurePosixPath(destination.path)

    def names(self) -> list[str]:
        return sorted(self._call(f"cannot list the folder {self.folder}", self.sftp.listdir, str(self.folder)))

    def digest(self, name: str) -> tuple[int, str | None] | None:
        def read() -> tuple[int, str | None] | None:
            try:
                file = self.sftp.open(self._path(name), "rb")
            except FileNotFoundError:
                return None
            except PermissionError:  # a drop box: what is written there may not be read back
                return self.sftp.stat(self._path(name)).st_size or 0, None
            with file:
                file.prefetch()
                summary, size = hashlib.sha256(), 0
                while chunk := file.read(CHUNK):
                    summary.update(chunk)
                    size += len(chunk)
            return size, summary.hexdigest()

        return self._call(f"cannot read {name} back", read)

    def upload(self, source: BinaryIO, temporary: str, size: int, watch: Watch | None) -> None:
        def write() -> None:
            with self.sftp.open(self._path(temporary), "wx") as file:
                file.set_pipelined(True)
                copy_watched(source, file.write, size, watch, CHUNK)
                file.flush()
                # paramiko reads the server's answers to pipelined writes only now and then, and its close drops
                # them unread: a write the server refused (a full disk) would pass unsaid. Each is read here, as
                # paramiko itself does when not pipelining, and the first refusal raised.
                inside: Any = file  # paramiko's own members, which its types do not show
                while inside._reqs:
                    cast(Any, self.sftp)._read_response(inside._reqs.popleft())
                self._fsync(file)

        self._call(f"cannot write {temporary}", write)

    def rename(self, temporary: str, name: str, replace: bool) -> None:
        move = self.sftp.posix_rename if replace else self.sftp.rename
        hint = "" if replace else " (is there a file of that name already?)"
        self._call(f"cannot name {name}", move, self._path(temporary), self._path(name), hint=hint)

    def remove(self, name: str) -> None:
        def remove() -> None:
            with contextlib.suppress(FileNotFoundError):
                self.sftp.remove(self._path(name))

        self._call(f"cannot remove {name}", remove)

    def close(self) -> None:
        self.client.close()

    def _path(self, name: str) -> str:
        return str(self.folder / name)

    def _fsync(self, file: paramiko.SFTPFile) -> None:
        """Ask the server to flush the file to its disk: OpenSSH's extension, which paramiko sends but has no
        method for. A server without it keeps the file as its own close does."""
        try:
            cast(Any, self.sftp)._request(CMD_EXTENDED, FSYNC, file.handle)
        except OSError as err:
            if "unsupported" not in str(err).lower():
                raise

    def _call(self, what, action, *arguments, hint: str = ""):
        """Run an SFTP request; its failure told as one that may pass (the connection) or not (the server's
        answer, with `hint` of what may be wrong there)."""
        try:
            return action(*arguments)
        except (NotSent, Dropped):
            raise
        except (OSError, EOFError, paramiko.SSHException) as err:
            transport = self.client.get_transport()
            if transport is None or not transport.is_active() or isinstance(err, socket.timeout | EOFError):
                raise Dropped(f"{self.destination}: the connection broke off: {what}: {_reason(err)}") from err
            raise NotSent(f"{self.destination}: {what}: {_answer(err)}{hint}") from err


def _load_key(settings: DeliverySettings) -> paramiko.PKey:
    """The private key of the login, from its file; a clear NotSent when it cannot be used."""
    identity = settings.identity
    if identity is None:
        raise NotSent("no key to log in with: name its file with --identity, or identity in [tool.bulletin.delivery]")
    try:
        content = identity.read_bytes()
    except OSError as err:
        raise NotSent(f"{identity}: cannot read the key (--identity, identity): {err.strerror or err}") from err
    if content.startswith((b"ssh-", b"ecdsa-", b"sk-")):
        raise NotSent(f"{identity}: is a public key (a .pub file): give the private half, the file beside it")
    passphrase = None
    if variable := settings.passphrase_env:
        if variable not in os.environ:
            raise NotSent(f"{identity}: its passphrase should be in the environment variable {variable}, not set")
        passphrase = os.environ[variable].encode()
    try:
        return paramiko.PKey.from_path(identity, cast(Any, passphrase))  # bytes, whatever paramiko's types say
    except (TypeError, ValueError, paramiko.SSHException) as err:
        if passphrase is None and "password" in str(err).lower():
            raise NotSent(
                f"{identity}: the key is protected by a passphrase: name the environment variable that holds it with"
                " passphrase-env in [tool.bulletin.delivery], or make the service a key of its own without one"
            ) from err
        if passphrase is not None and content.startswith(b"-----BEGIN"):
            raise NotSent(f"{identity}: the passphrase in {variable} does not open the key") from err
        raise NotSent(f"{identity}: not a private key in a form OpenSSH writes (ssh-keygen)") from err


def _reason(err: BaseException) -> str:
    if isinstance(err, socket.timeout):
        return "no answer in time"
    if isinstance(err, EOFError):
        return "the server closed the connection"
    if isinstance(err, paramiko.ssh_exception.NoValidConnectionsError):
        return "connection refused: nothing answers at that address and port (is it right, and the server up?)"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err) or "the connection ended"


def _answer(err: BaseException) -> str:
    """The server's answer in plain words: SFTP has a word for a missing file and a refusal, not for a full disk."""
    if isinstance(err, OSError) and err.errno == errno.EACCES:
        return "permission denied: this user must be allowed to list the folder, write into it and rename what it wrote"
    if isinstance(err, OSError) and err.errno == errno.ENOENT:
        return "no such file or folder at the bureau"
    if str(err) == "Failure":
        return "the server answered only “Failure”: most often its disk is full or its quota used up"
    return _reason(err)
