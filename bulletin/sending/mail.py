"""The editors' mail settings, and a message sent to them by SMTP with STARTTLS and authentication.

The settings are in pyproject.toml under [tool.bulletin.notice]: the server (smtp), the sender
(from), the editors (to), the login (user) and, for a server whose certificate comes from a
private CA, that CA's certificate (ca-file). The password is never there: the settings name the
environment variable (password-env) or the file (password-file) it is read from, when the
settings are loaded, so that a mistake shows when they are read, not when a notice is due.

A message goes only over a connection that has started TLS (STARTTLS) with a server whose
certificate and host name were verified: a server that does not offer STARTTLS, or whose
certificate is not trusted, gets neither the password nor the message. Every failure is one
`NoticeFailed` (exit status 6) naming the server and what to check, never the password.

This module neither says what a notice holds (`notices`) nor decides when one is sent (the
scheduled run and the notify command do).
"""

from __future__ import annotations

import base64
import email.errors
import logging
import os
import smtplib
import socket
import ssl
import stat
import tomllib
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from ..util.errors import BulletinError, UsageError
from ..util.files import read_file

LOG = logging.getLogger("bulletin")
TABLE = "[tool.bulletin.notice]"
SUBMISSION = 587  # the mail submission port, where a server offers STARTTLS
SMTPS = 465  # TLS from the first byte (implicit TLS): not what this module speaks
MAX_PASSWORD = 4096  # bytes: a password file larger than this is not a password file
KEYS = ("smtp", "from", "to", "user", "password-env", "password-file", "ca-file", "timeout")
EXAMPLES = {
    "smtp": 'give the server and its submission port, such as smtp = "mail.example.org:587"',
    "from": 'give the address the notices come from, such as from = "bulletin@example.org"',
    "to": 'give the editors\' addresses, such as to = ["editors@example.org"]',
}


class NoticeFailed(BulletinError):
    """A notice could not be mailed to the editors: the server, TLS, the login or a recipient."""

    category = "notice not sent"
    exit_status = 6


@dataclass(frozen=True)
class MailSettings:
    """Where and how the notices are mailed; read from [tool.bulletin.notice] by `load_mail_settings`."""

    host: str  # the SMTP server's host name (or address), as its certificate names it
    sender: str  # the From address, such as bulletin@example.org
    recipients: tuple[str, ...]  # the editors' addresses: at least one
    port: int = SUBMISSION  # the server's submission port, where it offers STARTTLS
    user: str | None = None  # the login; None: the server takes mail without one
    password: str | None = field(default=None, repr=False)  # read from password-env or password-file; never shown
    password_source: str = ""  # where the password was read from, for messages: a variable's or a file's name
    ca_file: Path | None = None  # the CA certificate(s) of a private CA; None: the system's trust store
    timeout: float = 60.0  # seconds to wait for the server at each step

    @property
    def server(self) -> str:
        """The server as the settings name it, host:port, for messages."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def load_mail_settings(pyproject: Path, environ: Mapping[str, str] = os.environ) -> MailSettings | None:
    """Read [tool.bulletin.notice] from `pyproject`, and the password it names; None when there is no such table."""
    if not pyproject.is_file():
        return None
    try:
        document = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise UsageError(f"{pyproject.name}: {err}") from err
    except OSError as err:
        raise UsageError(f"{pyproject.name}: cannot read it: {err.strerror or err}") from err
    section = document.get("tool", {}).get("bulletin", {}).get("notice")
    if section is None:
        return None
    where = f"{pyproject.name} {TABLE}"
    if not isinstance(section, dict):
        raise UsageError(f"{where}: expected a table of settings, found {section!r}")
    for key in section:
        if key not in KEYS:
            raise UsageError(f"{where}: unknown setting {key!r}; known: {', '.join(KEYS)}")
    for key in ("smtp", "from", "to"):
        if key not in section:
            raise UsageError(f"{where}: {key} is missing; {EXAMPLES[key]}")
    host, port = parse_server(_text(section, "smtp", where), where)
    sender = check_address(_text(section, "from", where), f"{where}: from")
    recipients = section["to"]
    if isinstance(recipients, str):
        recipients = [recipients]
    if not isinstance(recipients, list) or not recipients or not all(isinstance(item, str) for item in recipients):
        raise UsageError(f"{where}: to must be a list of addresses, not {section['to']!r}; {EXAMPLES['to']}")
    addresses = tuple(check_address(item, f"{where}: to") for item in recipients)
    user = _text(section, "user", where) if "user" in section else None
    password, source = read_password(section, user, pyproject.parent, environ, where)
    ca_file = check_ca_file(pyproject.parent, section["ca-file"], where) if "ca-file" in section else None
    timeout = section.get("timeout", MailSettings.timeout)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 600:
        raise UsageError(f"{where}: timeout must be a number of seconds above 0 and at most 600, not {timeout!r}")
    return MailSettings(host, sender, addresses, port, user, password, source, ca_file, float(timeout))


def _text(section: dict, key: str, where: str) -> str:
    """The value of `key`, which must be a text that is not empty."""
    value = section[key]
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{where}: {key} must be a text, not {value!r}; {EXAMPLES.get(key, 'or leave it out')}")
    return value.strip()


def parse_server(value: str, where: str) -> tuple[str, int]:
    """Return the host and port of `smtp = "host:port"` (the port 587 when left out; [address]:port for IPv6)."""
    host, colon, port = value.rpartition(":") if not value.endswith("]") else (value, "", "")
    if not colon:
        host, port = value, str(SUBMISSION)
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise UsageError(f"{where}: smtp {value!r}: write an IPv6 address in brackets, such as [2001:db8::25]:587")
    if not host or any(character in host for character in "/@ \t") or "://" in value:
        raise UsageError(f"{where}: smtp {value!r} is not a server; {EXAMPLES['smtp']}")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"{where}: smtp {value!r}: {port!r} is not a port; {EXAMPLES['smtp']}")
    if int(port) == SMTPS:
        raise UsageError(
            f"{where}: smtp {value!r}: port {SMTPS} speaks TLS from the first byte, and notices are sent with"
            f" STARTTLS: give the server's submission port, usually {SUBMISSION}"
        )
    return host, int(port)


def check_address(value: str, where: str) -> str:
    """Return `value` when it is one mail address (such as editors@example.org), or stop naming the setting."""
    try:
        address = Address(addr_spec=value.strip())
    except (ValueError, IndexError, email.errors.MessageError) as err:
        raise UsageError(
            f"{where}: {value!r} is not a mail address ({err}); give the address alone, such as editors@example.org"
        ) from err
    if not address.username or not address.domain:
        raise UsageError(f"{where}: {value!r} is not a mail address; give one such as editors@example.org")
    return address.addr_spec


def read_password(
    section: dict, user: str | None, folder: Path, environ: Mapping[str, str], where: str
) -> tuple[str | None, str]:
    """Return the login's password and where it was read from: the environment variable or the file named."""
    given = [key for key in ("password-env", "password-file") if key in section]
    if user is None:
        if given:
            raise UsageError(f"{where}: {given[0]} is given without user: name the login the password is for")
        return None, ""
    if len(given) != 1:
        raise UsageError(
            f"{where}: user is given with {' and '.join(given) if given else 'no password'}: name where its password"
            ' is read from with one of password-env (such as password-env = "BULLETIN_SMTP_PASSWORD") or'
            ' password-file (such as password-file = "/etc/since-the-victory/smtp-password")'
        )
    if "password-env" in section:
        name = _text(section, "password-env", where)
        if name not in environ:
            raise UsageError(f"{where}: password-env: the environment variable {name} is not set")
        password, source = environ[name], f"the environment variable {name}"
    else:
        path = folder / _text(section, "password-file", where)
        source = f"the file {path}"
        try:
            data = read_file(path, MAX_PASSWORD)
            password = data.decode("utf-8").rstrip("\r\n")
            mode = os.stat(path).st_mode
        except (OSError, UnicodeDecodeError) as err:
            reason = getattr(err, "strerror", None) or str(err)
            raise UsageError(f"{where}: password-file: cannot read {path}: {reason}") from err
        if len(data) > MAX_PASSWORD:
            raise UsageError(f"{where}: password-file: {path} is over {MAX_PASSWORD} bytes: not a password file")
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            LOG.warning("%s: password-file %s can be read by others than its owner: chmod 600 it", where, path)
    if not password or "\n" in password:
        raise UsageError(f"{where}: {given[0]}: the password in {source} is empty or more than one line")
    return password, source


def check_ca_file(folder: Path, value: object, where: str) -> Path:
    """Return the path of the CA certificate(s) named by ca-file, once they are read as certificates."""
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{where}: ca-file must be the path of a file of PEM certificates, not {value!r}")
    path = folder / value.strip()
    try:
        ssl.create_default_context(cafile=path)
    except (OSError, ssl.SSLError) as err:
        reason = getattr(err, "strerror", None) or getattr(err, "reason", None) or str(err)
        raise UsageError(f"{where}: ca-file: cannot read certificates from {path}: {reason}") from err
    return path


def compose_message(settings: MailSettings, subject: str, body: str) -> EmailMessage:
    """Return the notice as a plain-text UTF-8 message from the sender to the editors."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = make_msgid("notice", domain=settings.sender.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a machine
    message.set_content(body, charset="utf-8", cte="quoted-printable")  # 7-bit safe through any relay
    return message


def mail_notice(settings: MailSettings, subject: str, body: str) -> None:
    """Mail a plain-text notice to the editors over STARTTLS, logged in; NoticeFailed when it is not sent."""
    message = compose_message(settings, subject, body)
    try:
        context = ssl.create_default_context(cafile=settings.ca_file)
    except (OSError, ssl.SSLError) as err:  # read when the settings were; gone or changed since
        reason = getattr(err, "strerror", None) or getattr(err, "reason", None) or str(err)
        raise NoticeFailed(f"cannot read the CA certificates of ca-file, {settings.ca_file}: {reason}") from err
    try:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        try:
            start_tls(connection, context, settings)
            if settings.user is not None:
                log_in(connection, settings)
            refused = connection.send_message(message)
            with suppress(smtplib.SMTPException, OSError):  # the notice is taken: a goodbye that fails changes nothing
                connection.quit()
        finally:
            connection.close()  # not a QUIT after a failure: over a failed TLS handshake it would only fail again
    except (smtplib.SMTPException, ssl.SSLError, OSError) as err:
        raise NoticeFailed(hidden(explain(err, settings), settings)) from err
    if refused:
        raise NoticeFailed(
            hidden(
                f"the mail server {settings.server} took the notice for some editors but refused"
                f" {'; '.join(f'{address} ({answer(*reply)})' for address, reply in refused.items())}:"
                f" check to in {TABLE}",
                settings,
            )
        )
    LOG.info("notice mailed to %s through %s", ", ".join(settings.recipients), settings.server)


def start_tls(connection: smtplib.SMTP, context: ssl.SSLContext, settings: MailSettings) -> None:
    """Greet the server and start TLS, verifying its certificate and name; refuse a server that offers no STARTTLS."""
    connection.ehlo()
    if not connection.has_extn("starttls"):
        raise NoticeFailed(
            f"the mail server {settings.server} does not offer STARTTLS: neither the notice nor the password was sent"
            f" over a connection that is not encrypted; check smtp in {TABLE} (the submission port, usually"
            f" {SUBMISSION}) and that the server has TLS turned on"
        )
    connection.starttls(context=context)
    connection.ehlo()


def log_in(connection: smtplib.SMTP, settings: MailSettings) -> None:
    """Log in as the settings' user; a login or password that is not ASCII is sent as UTF-8 by AUTH PLAIN
    (RFC 4616), which smtplib's login cannot do."""
    user, password = settings.user or "", settings.password or ""
    if (user + password).isascii():
        connection.login(user, password)
        return
    if "PLAIN" not in connection.esmtp_features.get("auth", "").upper().split():
        raise smtplib.SMTPNotSupportedError(
            "the login or the password is not ASCII, which only AUTH PLAIN carries, and the server does not offer it"
        )
    credentials = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, text = connection.docmd("AUTH", f"PLAIN {credentials}")
    if code != 235:  # 235: authentication succeeded
        raise smtplib.SMTPAuthenticationError(code, text)


def explain(err: BaseException, settings: MailSettings) -> str:
    """Say, in the operator's words, why the notice was not sent, and what to check."""
    server, nothing = f"the mail server {settings.server}", "the notice was not sent"
    if isinstance(err, ssl.SSLCertVerificationError):
        trust = f"the CA certificate in {settings.ca_file}" if settings.ca_file else "the system's trusted CAs"
        return (
            f"{server}'s certificate is not trusted ({err.verify_message}) by {trust}: {nothing}, and the password"
            f" was not; check that its certificate is for {settings.host} and not expired, and, for a private CA,"
            f" name its certificate with ca-file in {TABLE}"
        )
    if isinstance(err, ssl.SSLError):
        return f"TLS with {server} failed ({err.reason or err}): {nothing}, and the password was not"
    if isinstance(err, smtplib.SMTPAuthenticationError):
        return (
            f"{server} refused the login of {settings.user!r} ({answer(err.smtp_code, err.smtp_error)}): {nothing};"
            f" check user in {TABLE} and the password in {settings.password_source}"
        )
    if isinstance(err, smtplib.SMTPNotSupportedError) or "authentication method" in str(err):
        return f"{server} offers no login over TLS that this program can use ({err}): {nothing}; check user in {TABLE}"
    if isinstance(err, smtplib.SMTPSenderRefused):
        return (
            f"{server} refused the sender {settings.sender} ({answer(err.smtp_code, err.smtp_error)}): {nothing};"
            f" check from in {TABLE} (many servers take only the login's own address)"
        )
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(f"{address} ({answer(*reply)})" for address, reply in err.recipients.items())
        return f"{server} refused every editor: {refused}: {nothing}; check to in {TABLE}"
    if isinstance(err, TimeoutError) or isinstance(err.__context__, TimeoutError):  # smtplib's words for it vary
        return (
            f"{server} did not answer within {settings.timeout:g} seconds: {nothing}; check smtp in {TABLE} and"
            " that a firewall lets this machine reach the server"
        )
    if isinstance(err, smtplib.SMTPServerDisconnected):
        return f"{server} closed the connection ({err or 'without a word'}): {nothing}; check the server's log"
    if isinstance(err, smtplib.SMTPResponseException):
        return f"{server} answered {answer(err.smtp_code, err.smtp_error)}: {nothing}"
    if isinstance(err, socket.gaierror):
        return f"cannot find {server}'s host ({err.strerror or err}): {nothing}; check smtp in {TABLE} and the DNS"
    if isinstance(err, ConnectionRefusedError):
        return (
            f"{server} refused the connection: {nothing}; check smtp in {TABLE} (the host and the submission port,"
            f" usually {SUBMISSION}) and that the server is running"
        )
    if isinstance(err, OSError):
        return f"cannot talk to {server} ({err.strerror or err}): {nothing}; check smtp in {TABLE} and the network"
    return f"{server}: {err}: {nothing}"


def answer(code: int, text: bytes | str) -> str:
    """A server's reply as one line: its code and its words."""
    words = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}"


def hidden(message: str, settings: MailSettings) -> str:
    """The message with the password, should a server have echoed it, blotted out."""
    return message.replace(settings.password, "********") if settings.password else message
