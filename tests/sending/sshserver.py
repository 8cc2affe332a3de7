"""A real OpenSSH server on a loopback port for the sending tests: Debian's sshd, with a host key and an
authorized key made for the test, serving SFTP (internal-sftp), and a folder that stands for the bureau's.

`drop_box` logs in as nobody, with the files it writes made 0200, as a bureau's drop box that does
not let what is sent be read back; `full_disk` puts a small tmpfs over the bureau's folder, in a
mount namespace of the server's own (unshare), so that the server's disk is full after a few hundred
kilobytes; what it holds is read through /proc/<pid>/root. `kill` stops the server and every process
it started (the connection's own sshd runs in a session of its own), as a crash or a pulled cable
would.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

SSHD = "/usr/sbin/sshd"
FULL_DISK = "256k"  # the size of the full disk's tmpfs: smaller than a test package


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_key(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", str(path)], check=True)
    return path


@dataclass
class SshServer:
    """An sshd of the test's own; the test logs in as the user running it."""

    top: Path
    full_disk: bool = False
    drop_box: bool = False  # the login is nobody's, whose files are written 0200: they cannot be read back
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def __post_init__(self) -> None:
        self.top.mkdir(parents=True, exist_ok=True)
        self.incoming = self.top / "incoming"
        self.incoming.mkdir(exist_ok=True)
        self.user = "nobody" if self.drop_box else getpass.getuser()
        if self.drop_box:  # nobody must reach its folder and its authorized_keys (top: outside pytest's 0700 ones)
            self.top.chmod(0o755)
            shutil.chown(self.incoming, "nobody")
        self.host_key = make_key(self.top / "host_key")
        self.identity = make_key(self.top / "client_key")
        (self.top / "authorized_keys").write_bytes(self.identity.with_suffix(".pub").read_bytes())
        self.known_hosts = self.top / "known_hosts"
        self.known_hosts.write_text(f"[127.0.0.1]:{self.port} {self.host_key.with_suffix('.pub').read_text()}")
        self.config = self.top / "sshd_config"
        self.config.write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {self.host_key}",
                    f"PidFile {self.top / 'sshd.pid'}",
                    f"AuthorizedKeysFile {self.top / 'authorized_keys'}",
                    f"AllowUsers {self.user}",
                    "StrictModes no",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PubkeyAuthentication yes",
                    "UsePAM no",
                    "PermitRootLogin prohibit-password",
                    "Subsystem sftp internal-sftp" + (" -u 0577" if self.drop_box else ""),
                    "LogLevel ERROR",
                    "",
                ]
            )
        )

    @property
    def address(self) -> str:
        return f"sftp://{self.user}@127.0.0.1:{self.port}{self.incoming}"

    @property
    def bureau(self) -> Path:
        """The bureau's folder as the server sees it (through its own mounts, for a full disk)."""
        return (
            Path(f"/proc/{self.process.pid}/root{self.incoming}") if self.full_disk and self.process else self.incoming
        )

    def start(self) -> SshServer:
        if os.geteuid() == 0:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation folder
        subprocess.run([SSHD, "-t", "-f", str(self.config)], check=True)
        command = [SSHD, "-D", "-e", "-f", str(self.config)]
        if self.full_disk:  # the bureau's folder on a small disk of the server's own
            script = f'mount -t tmpfs -o size={FULL_DISK} tmpfs "$1" && shift && exec "$@"'
            command = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", str(self.incoming)]
            command += [SSHD, "-D", "-e", "-f", str(self.config)]
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sshd ended at once: {self.process.stderr.read().decode()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    if probe.recv(4).startswith(b"SSH-"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("sshd did not answer within 10 s")

    def kill(self) -> None:
        """Stop the server and everything it started, at once (SIGKILL)."""
        if self.process is None:
            return
        for pid in [*descendants(self.process.pid), self.process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(10)
        self.process.stderr.close()
        self.process = None


def descendants(pid: int) -> list[int]:
    """The processes started by `pid`, and by them, however they detached themselves (setsid)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found
