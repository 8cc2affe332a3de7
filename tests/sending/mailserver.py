"""A real SMTP server for the tests of the notices: aiosmtpd on a loopback port, with STARTTLS required.

The server's certificate is made at test time by a CA made for the test (nothing of it is kept
in the repository); it takes one login, only over TLS, and keeps every message as it arrived: its
raw bytes, the envelope's sender and recipients, and whether the session had started TLS. It
also keeps every login tried, so that a test can tell the password was never sent.

The fixtures `mail_server` and `plain_mail_server` are found by the tests of tests/sending through
its conftest.py; elsewhere, `running_mail_server` starts one for the length of a `with` block.
"""

from __future__ import annotations

import json
import logging
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from bulletin.sending.mail import MailSettings

HOST = "127.0.0.1"
USER = "bulletin"
PASSWORD = "ş-Zəfər-2020-secret"  # not ASCII: the login must carry it as UTF-8
SENDER = "bulletin@example.org"
EDITORS = ("editors@example.org", "chief.editor@example.org")
REFUSED = "@refused.example.org"  # the server refuses every address of this domain


@dataclass(frozen=True)
class Received:
    """One message as the server received it."""

    sender: str  # the envelope's sender (MAIL FROM)
    recipients: list[str]  # the envelope's recipients (RCPT TO)
    data: bytes  # the message, byte for byte as it came
    tls: bool  # whether the session had started TLS before the message was sent


@dataclass
class MailServer:
    """A running test SMTP server and what it has received."""

    port: int  # on HOST
    ca_file: Path  # the certificate of the CA that signed the server's certificate
    host: str = HOST
    user: str = USER
    password: str = PASSWORD
    messages: list[Received] = field(default_factory=list)  # every message received, in order
    logins: list[tuple[str, bool]] = field(default_factory=list)  # every login tried: the user, and if it was taken

    def settings(self, **changes) -> MailSettings:
        """Return mail settings for this server (the editors, the login, its CA), with `changes`."""
        settings = MailSettings(
            self.host,
            SENDER,
            EDITORS,
            self.port,
            self.user,
            self.password,
            "the test's password",
            self.ca_file,
            timeout=10,
        )
        return replace(settings, **changes)

    def pyproject(self, folder: Path) -> Path:
        """Write a pyproject.toml naming this server in [tool.bulletin.notice], its password in a file beside it."""
        secret = folder / "smtp-password"
        secret.write_text(self.password + "\n", encoding="utf-8")
        secret.chmod(0o600)
        path = folder / "pyproject.toml"
        lines = [
            "[tool.bulletin.notice]",
            f'smtp = "{self.host}:{self.port}"',
            f'from = "{SENDER}"',
            f"to = {json.dumps(list(EDITORS))}",  # a JSON string is a TOML string
            f'user = "{self.user}"',
            f'password-file = "{secret.name}"',
            f"ca-file = {json.dumps(str(self.ca_file))}",
            "timeout = 10",
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


class Keeper:
    """aiosmtpd's handler: keeps every message, and takes the one login."""

    def __init__(self, server: MailServer):
        self.server = server

    async def handle_DATA(self, _smtp, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.server.messages.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content, session.ssl is not None)
        )
        return "250 2.0.0 kept"

    async def handle_RCPT(self, _smtp, _session, envelope, address, _options) -> str:  # noqa: N802 (aiosmtpd's name)
        if address.endswith(REFUSED):
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 recipient taken"

    def authenticate(self, _smtp, _session, _envelope, _mechanism, data) -> AuthResult:
        taken = isinstance(data, LoginPassword) and (data.login, data.password) == (
            self.server.user.encode(),
            self.server.password.encode(),
        )
        self.server.logins.append((data.login.decode() if isinstance(data, LoginPassword) else "", taken))
        return AuthResult(success=taken, handled=False)  # not handled: the server answers 535 itself


def make_ca(folder: Path, name: str) -> tuple[Path, x509.Certificate, ec.EllipticCurvePrivateKey]:
    """Make a CA for the test: its certificate's file, the certificate and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # certificates and CRLs signed
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    path = folder / f"{name.replace(' ', '-')}.pem"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path, certificate, key


def server_context(folder: Path, ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey) -> ssl.SSLContext:
    """Make the server's certificate for 127.0.0.1 and localhost, signed by the CA; return its TLS context."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(IPv4Address(HOST))]), critical=False
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    chain, secret = folder / "server.pem", folder / "server.key"
    chain.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    secret.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain, secret)
    return context


def free_port() -> int:
    """A port on the loopback address that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def running_mail_server(folder: Path, tls: bool = True) -> Iterator[MailServer]:
    """Run an SMTP server on a free loopback port: with STARTTLS required and a login over TLS only, or, with
    `tls` False, one that offers no STARTTLS and takes the login in the clear (the server a notice must refuse)."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_file, ca, ca_key = make_ca(folder, "Test CA of the bulletin")
    server = MailServer(free_port(), ca_file)
    keeper = Keeper(server)
    options: dict = {
        "server_hostname": "localhost",  # not the machine's name, which may take a DNS query
        "authenticator": keeper.authenticate,
        "auth_require_tls": tls,
    }
    if tls:
        options |= {"tls_context": server_context(folder, ca, ca_key), "require_starttls": True}
    # aiosmtpd logs every connection at INFO, and at WARNING its own use of a name it has deprecated
    # (Session.login_data, at every login): its errors only, then.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    controller = Controller(keeper, hostname=HOST, port=server.port, **options)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def mail_server(tmp_path) -> Iterator[MailServer]:
    """A real SMTP server requiring STARTTLS and a login, whose CA is in `ca_file`."""
    with running_mail_server(tmp_path / "mail-server") as server:
        yield server


@pytest.fixture
def plain_mail_server(tmp_path) -> Iterator[MailServer]:
    """A real SMTP server that offers no STARTTLS, and would take the login in the clear."""
    with running_mail_server(tmp_path / "plain-mail-server", tls=False) as server:
        yield server
