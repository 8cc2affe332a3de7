"""The notice mailed to a real SMTP server (aiosmtpd, STARTTLS required), and the mail settings read."""

from __future__ import annotations

import socket
import threading
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

import pytest

from bulletin.sending.mail import NoticeFailed, load_mail_settings, mail_notice
from bulletin.util.errors import UsageError
from sending.mailserver import EDITORS, HOST, PASSWORD, REFUSED, SENDER, free_port, make_ca

SUBJECT = "2022-H2: hazırlandı və mətbəəyə göndərildi / delivered and sent"
BODY = (
    "«Zəfərdən sonra» bülleteninin 2022-H2 buraxılışı hazırlandı.\n"
    "Şəkillər, ğ, ı, ö, ü, ç, ə: hamısı yerindədir.\n"
    "\n"
    "Since the Victory, issue 2022-H2, delivered.\n"
)


def parsed(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


def test_a_notice_arrives_whole_from_the_sender_to_the_editors_after_starttls(mail_server):
    mail_notice(mail_server.settings(), SUBJECT, BODY)

    [received] = mail_server.messages
    assert received.tls  # the session had started TLS before MAIL FROM
    assert mail_server.logins == [(mail_server.user, True)]  # logged in, with a password that is not ASCII
    assert (received.sender, received.recipients) == (SENDER, list(EDITORS))
    message = parsed(received.data)
    assert message["Subject"] == SUBJECT
    assert message["From"] == SENDER
    assert [address.addr_spec for address in message["To"].addresses] == list(EDITORS)
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    assert message.get_content().replace("\r\n", "\n") == BODY
    assert parsedate_to_datetime(message["Date"]).tzinfo is not None
    assert message["Message-ID"].endswith("@example.org>")
    assert message["Auto-Submitted"] == "auto-generated"
    assert max(len(line) for line in received.data.split(b"\r\n")) <= 78  # a 7-bit transfer encoding, as SMTP wants
    assert received.data.isascii()


def test_an_ascii_password_logs_in_through_smtplib_as_well(mail_server):
    mail_server.password = "plain-ascii-password"
    mail_notice(mail_server.settings(), "2022-H2", "ok\n")
    assert mail_server.logins == [(mail_server.user, True)] and len(mail_server.messages) == 1


@pytest.mark.parametrize("wrong", ["wrong-password", "yanlış-şifrə"])
def test_a_refused_login_sends_nothing_and_says_what_to_check(mail_server, wrong):
    with pytest.raises(NoticeFailed) as failed:
        mail_notice(mail_server.settings(password=wrong), SUBJECT, BODY)

    message = str(failed.value)
    assert f"the mail server {HOST}:{mail_server.port} refused the login of 'bulletin' (535" in message
    assert "check user in [tool.bulletin.notice] and the password in the test's password" in message
    assert wrong not in message and PASSWORD not in message
    assert failed.value.exit_status == 6 and failed.value.category == "notice not sent"
    assert mail_server.logins and all(not taken for _, taken in mail_server.logins)  # smtplib tries PLAIN and LOGIN
    assert mail_server.messages == []


@pytest.mark.parametrize("trusted", ["another CA", "the system's trust store"])
def test_a_certificate_from_another_ca_is_refused_before_the_password_is_sent(mail_server, tmp_path, trusted):
    other = make_ca(tmp_path, "Another CA")[0] if trusted == "another CA" else None

    with pytest.raises(NoticeFailed) as failed:
        mail_notice(mail_server.settings(ca_file=other), SUBJECT, BODY)

    message = str(failed.value)
    assert f"the mail server {HOST}:{mail_server.port}'s certificate is not trusted" in message
    assert (f"the CA certificate in {other}" if other else "the system's trusted CAs") in message
    assert "the notice was not sent, and the password was not" in message
    assert "ca-file" in message
    assert mail_server.logins == [] and mail_server.messages == []


def test_a_server_without_starttls_is_refused_before_the_login(plain_mail_server):
    with pytest.raises(NoticeFailed) as failed:
        mail_notice(plain_mail_server.settings(), SUBJECT, BODY)

    assert f"the mail server {HOST}:{plain_mail_server.port} does not offer STARTTLS" in str(failed.value)
    assert "neither the notice nor the password was sent" in str(failed.value)
    assert plain_mail_server.logins == [] and plain_mail_server.messages == []  # it would have taken both


def test_a_server_that_is_not_listening_is_named_with_what_to_check(mail_server):
    port = free_port()
    with pytest.raises(NoticeFailed) as failed:
        mail_notice(mail_server.settings(port=port), SUBJECT, BODY)
    assert str(failed.value) == (
        f"the mail server {HOST}:{port} refused the connection: the notice was not sent; check smtp in"
        " [tool.bulletin.notice] (the host and the submission port, usually 587) and that the server is running"
    )


def test_a_server_that_never_answers_is_given_up_after_the_timeout(mail_server):
    with socket.socket() as silent:  # takes the connection (the kernel does) and never says a word
        silent.bind((HOST, 0))
        silent.listen()
        port = silent.getsockname()[1]
        with pytest.raises(NoticeFailed) as failed:
            mail_notice(mail_server.settings(port=port, timeout=0.5), SUBJECT, BODY)
    assert f"the mail server {HOST}:{port} did not answer within 0.5 seconds" in str(failed.value)


def test_a_server_that_hangs_up_is_named(mail_server):
    with socket.socket() as rude:
        rude.bind((HOST, 0))
        rude.listen()
        port = rude.getsockname()[1]

        def hang_up() -> None:
            connection, _ = rude.accept()
            connection.close()

        thread = threading.Thread(target=hang_up)
        thread.start()
        with pytest.raises(NoticeFailed) as failed:
            mail_notice(mail_server.settings(port=port), SUBJECT, BODY)
        thread.join()
    assert f"the mail server {HOST}:{port} closed the connection" in str(failed.value)


def test_an_editor_refused_is_named_and_the_others_get_the_notice(mail_server):
    nobody = "nobody" + REFUSED
    with pytest.raises(NoticeFailed) as failed:
        mail_notice(mail_server.settings(recipients=(EDITORS[0], nobody)), SUBJECT, BODY)

    assert f"refused {nobody} (550 5.1.1 no such mailbox here): check to in" in str(failed.value)
    [received] = mail_server.messages
    assert received.recipients == [EDITORS[0]]


def test_every_editor_refused_sends_nothing(mail_server):
    with pytest.raises(NoticeFailed) as failed:
        mail_notice(mail_server.settings(recipients=("nobody" + REFUSED,)), SUBJECT, BODY)
    assert "refused every editor: nobody@refused.example.org (550" in str(failed.value)
    assert mail_server.messages == []


# Settings

SETTINGS = """\
[tool.bulletin.notice]
smtp = "mail.example.org:2525"
from = "bulletin@example.org"
to = ["editors@example.org", "chief.editor@example.org"]
user = "bulletin"
"""


def write(folder, text):
    path = folder / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_settings_take_the_password_from_the_environment_variable_they_name(tmp_path):
    path = write(tmp_path, SETTINGS + 'password-env = "NOTICE_PASSWORD"\n')

    settings = load_mail_settings(path, {"NOTICE_PASSWORD": "s3cret şifrə"})

    assert settings is not None
    assert (settings.host, settings.port, settings.sender) == ("mail.example.org", 2525, "bulletin@example.org")
    assert settings.recipients == ("editors@example.org", "chief.editor@example.org")
    assert (settings.user, settings.password) == ("bulletin", "s3cret şifrə")
    assert settings.password_source == "the environment variable NOTICE_PASSWORD"
    assert settings.ca_file is None
    assert "s3cret" not in repr(settings)


def test_the_settings_take_the_password_from_the_file_they_name_beside_pyproject(tmp_path):
    (tmp_path / "secret").write_text("from-a-file\n", encoding="utf-8")
    (tmp_path / "secret").chmod(0o600)
    settings = load_mail_settings(write(tmp_path, SETTINGS + 'password-file = "secret"\n'), {})
    assert settings is not None and settings.password == "from-a-file"
    assert settings.password_source == f"the file {tmp_path / 'secret'}"


def test_the_port_is_587_unless_given_and_no_table_is_no_settings(tmp_path):
    text = '[tool.bulletin.notice]\nsmtp = "mail.example.org"\nfrom = "a@example.org"\nto = "b@example.org"\n'
    settings = load_mail_settings(write(tmp_path, text), {})
    assert settings is not None and settings.port == 587 and settings.user is None and settings.password is None
    assert load_mail_settings(write(tmp_path, "[tool.bulletin.print]\ntrim = 'A4'\n"), {}) is None
    assert load_mail_settings(tmp_path / "absent.toml", {}) is None


WHERE = "pyproject.toml [tool.bulletin.notice]: "
MISTAKES = {
    "unknown key": (SETTINGS + 'smpt = "x"\n', "unknown setting 'smpt'; known: smtp, from, to, user"),
    "not a table": ('[tool.bulletin]\nnotice = "editors@example.org"\n', "expected a table of settings"),
    "smtp missing": (SETTINGS.replace('smtp = "mail.example.org:2525"\n', ""), "smtp is missing; give the server"),
    "smtp a number": (SETTINGS.replace('"mail.example.org:2525"', "587"), "smtp must be a text, not 587"),
    "smtp a URL": (SETTINGS.replace('"mail.example.org:2525"', '"smtp://mail.example.org"'), "is not a server"),
    "smtp's port": (SETTINGS.replace(":2525", ":smtp"), "smtp 'mail.example.org:smtp': 'smtp' is not a port"),
    "smtps": (SETTINGS.replace(":2525", ":465"), "port 465 speaks TLS from the first byte"),
    "from": (SETTINGS.replace('from = "bulletin@example.org"', 'from = "bulletin"'), "from: 'bulletin' is not a mail"),
    "to with a name": (SETTINGS.replace('"editors@example.org", ', '"Editors <e@example.org>", '), "to: 'Editors <e"),
    "to empty": (SETTINGS.replace('"editors@example.org", "chief.editor@example.org"', ""), "to must be a list"),
    "to numbers": (SETTINGS.replace('"editors@example.org", "chief.editor@example.org"', "1"), "to must be a list"),
    "no password": (SETTINGS, "user is given with no password: name where its password is read from"),
    "both passwords": (
        SETTINGS + 'password-env = "P"\npassword-file = "p"\n',
        "user is given with password-env and password-file",
    ),
    "password without user": (
        SETTINGS.replace('user = "bulletin"\n', "") + 'password-env = "NOTICE_PASSWORD"\n',
        "password-env is given without user",
    ),
    "variable not set": (SETTINGS + 'password-env = "UNSET"\n', "password-env: the environment variable UNSET is not"),
    "variable empty": (SETTINGS + 'password-env = "EMPTY"\n', "password-env: the password in the environment var"),
    "file missing": (SETTINGS + 'password-file = "absent"\n', "password-file: cannot read "),
    "ca-file not certificates": (
        SETTINGS + 'password-env = "NOTICE_PASSWORD"\nca-file = "pyproject.toml"\n',
        "ca-file: cannot read certificates from ",
    ),
    "timeout": (SETTINGS + 'password-env = "NOTICE_PASSWORD"\ntimeout = "ten"\n', "timeout must be a number of"),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_mistake_in_the_settings_names_the_file_the_table_and_the_key(tmp_path, mistake):
    text, expected = MISTAKES[mistake]
    with pytest.raises(UsageError) as refused:
        load_mail_settings(write(tmp_path, text), {"NOTICE_PASSWORD": "x", "EMPTY": ""})
    assert str(refused.value).startswith(WHERE)
    assert expected in str(refused.value)


def test_a_ca_file_gone_since_the_settings_were_read_is_named(mail_server, tmp_path):
    gone = tmp_path / "gone.pem"
    with pytest.raises(NoticeFailed) as failed:
        mail_notice(mail_server.settings(ca_file=gone), SUBJECT, BODY)
    assert str(failed.value) == f"cannot read the CA certificates of ca-file, {gone}: No such file or directory"
    assert mail_server.messages == []
