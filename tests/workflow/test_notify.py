"""build.py notify: the editors told, by a real SMTP server, that the scheduled service failed outside the program."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from sending.mailserver import EDITORS, MailServer, running_mail_server

from bulletin.workflow.cli import main

UNIT = "since-the-victory.service"
LOG = [f"2023-01-01T06:00:{second:02d}+00:00 INFO step {second} of the scheduled run" for second in range(40)]


@pytest.fixture
def mail_server(tmp_path) -> Iterator[MailServer]:
    with running_mail_server(tmp_path / "mail-server") as server:
        yield server


@pytest.fixture
def output(tmp_path) -> Path:
    """An output folder whose scheduled.log holds 40 lines."""
    folder = tmp_path / "output"
    folder.mkdir()
    (folder / "scheduled.log").write_text("\n".join(LOG) + "\n", encoding="utf-8")
    return folder


def journalctl(folder: Path, script: str) -> Path:
    """A folder holding a `journalctl` that runs `script` (sh), to put first on PATH."""
    folder.mkdir(exist_ok=True)
    program = folder / "journalctl"
    program.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    program.chmod(0o755)
    return folder


def notified(mail_server: MailServer) -> tuple[str, str]:
    """The subject and body of the one mail the server received."""
    [received] = mail_server.messages
    assert received.tls and received.recipients == list(EDITORS)
    message = BytesParser(policy=policy.default).parsebytes(received.data)
    return message["Subject"], message.get_content().replace("\r\n", "\n")


def flat(text: str) -> str:
    return " ".join(text.split())


def test_notify_mails_the_end_of_the_log_and_of_the_journal_and_how_systemd_says_it_ended(
    mail_server, output, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr("bulletin.workflow.dispatch.PYPROJECT", mail_server.pyproject(tmp_path))
    # The journal's lines, and the arguments journalctl was given, as it prints them.
    fake = journalctl(tmp_path / "bin", 'echo "2023-01-01T08:00:00+0000 host systemd[1]: args: $*"')
    monkeypatch.setenv("PATH", f"{fake}:/usr/bin:/bin")
    monkeypatch.setenv("MONITOR_SERVICE_RESULT", "timeout")
    monkeypatch.setenv("MONITOR_EXIT_CODE", "killed")
    monkeypatch.setenv("MONITOR_EXIT_STATUS", "TERM")

    assert main(["notify", "--unit", UNIT, "--output", str(output)]) == 0

    subject, body = notified(mail_server)
    assert subject == f"{UNIT}: uğursuz oldu / failed ({socket.gethostname()})"
    assert "planlaşdırılmış xidmət" in body and "The scheduled service on" in body
    assert "How it ended: it ran past its time limit and was stopped (timeout: killed, TERM)" in flat(body)
    quoted = [line for line in body.splitlines() if "INFO step" in line]
    assert quoted == LOG[-30:]  # the last thirty lines, and only those
    assert (
        f"journalctl -u {UNIT}: 2023-01-01T08:00:00+0000 host systemd[1]: args: --unit {UNIT} --lines 30"
        " --no-pager --output short-iso" in flat(body)
    )
    assert f"mailed {', '.join(EDITORS)} that {UNIT} failed" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("script", "said"),
    [
        (None, "the journal could not be read: journalctl is not installed"),
        ("echo 'Failed to open journal' >&2; exit 1", "journalctl ended with status 1: Failed to open journal"),
        (
            "echo '-- No entries --'; echo 'Hint: You are currently not seeing messages from other users' >&2",
            f"it shows no entry of {UNIT} (the user may need the group systemd-journal to read it)",
        ),
        ("sleep 5", "the journal could not be read: journalctl did not answer within 0.5 seconds"),
    ],
)
def test_a_journal_that_cannot_be_read_is_said_and_the_mail_still_goes(
    mail_server, output, tmp_path, monkeypatch, script, said
):
    monkeypatch.setattr("bulletin.workflow.dispatch.PYPROJECT", mail_server.pyproject(tmp_path))
    monkeypatch.setattr("bulletin.workflow.dispatch.JOURNAL_WAIT", 0.5)
    folder = journalctl(tmp_path / "bin", script) if script else tmp_path / "empty"
    folder.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(folder) + ("" if script is None else ":/usr/bin:/bin"))
    monkeypatch.delenv("MONITOR_SERVICE_RESULT", raising=False)

    assert main(["notify", "--unit", UNIT, "--output", str(output)]) == 0

    _, body = notified(mail_server)
    assert said in flat(body)
    assert "How it ended" not in body  # not started by systemd's OnFailure=: it does not say
    assert LOG[-1] in body


def test_a_missing_log_is_said_in_the_mail(mail_server, tmp_path, monkeypatch):
    monkeypatch.setattr("bulletin.workflow.dispatch.PYPROJECT", mail_server.pyproject(tmp_path))
    monkeypatch.setenv("PATH", str(journalctl(tmp_path / "bin", "echo 'a journal line'")) + ":/usr/bin:/bin")

    assert main(["notify", "--unit", UNIT, "--output", str(tmp_path / "nothing-here")]) == 0

    _, body = notified(mail_server)
    assert "scheduled.log:\n(cannot read it: No such file or directory)" in body


def test_without_mail_settings_notify_says_so_and_exits_2(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text("[tool.bulletin.print]\ntrim = 'A4'\n", encoding="utf-8")
    monkeypatch.setattr("bulletin.workflow.dispatch.PYPROJECT", tmp_path / "pyproject.toml")

    assert main(["notify", "--unit", UNIT]) == 2
    assert (
        f"usage: pyproject.toml has no [tool.bulletin.notice]: there is nobody to mail that {UNIT} failed"
        in capsys.readouterr().err
    )


def test_a_mail_that_cannot_be_sent_exits_6_naming_the_server(mail_server, output, tmp_path, monkeypatch, capsys):
    mail_server.password = "not-the-servers-password"
    pyproject = mail_server.pyproject(tmp_path)
    mail_server.password = "the-servers-password"  # the server takes this one; the settings give the other
    monkeypatch.setattr("bulletin.workflow.dispatch.PYPROJECT", pyproject)
    monkeypatch.setenv("PATH", str(journalctl(tmp_path / "bin", "true")) + ":/usr/bin:/bin")

    assert main(["notify", "--unit", UNIT, "--output", str(output)]) == 6

    said = capsys.readouterr().err
    assert said.startswith(f"notice not sent: the mail server 127.0.0.1:{mail_server.port} refused the login")
    assert "not-the-servers-password" not in said
    assert mail_server.messages == []


@pytest.mark.parametrize(
    ("mailed", "mails"),
    [
        ("by this run", 0),  # not ready, not sent, interrupted: this start of the service told the editors itself
        ("by an earlier run", 1),  # this one stopped before it could: ./run's set-up, a lock never released
        ("by nobody", 1),  # the notice failed (exit 6)
    ],
)
def test_a_run_that_mailed_its_own_notice_is_not_told_twice(mail_server, output, tmp_path, monkeypatch, capsys,
                                                            mailed, mails):  # fmt: skip
    monkeypatch.setattr("bulletin.workflow.dispatch.PYPROJECT", mail_server.pyproject(tmp_path))
    monkeypatch.setenv("PATH", f"{journalctl(tmp_path / 'bin', 'true')}:/usr/bin:/bin")
    monkeypatch.setenv("MONITOR_SERVICE_RESULT", "exit-code")
    monkeypatch.setenv("MONITOR_INVOCATION_ID", "6f1c0a2d9e8b4c7a")
    earlier = "2023-01-01T06:00:02+00:00 INFO notice mailed to editors@example.org (invocation 0b3e): 2022-H2: ..."
    run = [
        "2023-07-01T06:00:00+00:00 INFO scheduled run for 2023-07-01: issue 2023-H1 (January–June 2023) is due",
        *(f"2023-07-01T06:00:01+00:00 INFO az print: {page} pages ..." for page in range(200)),  # a long build
        "2023-07-01T06:00:01+00:00 ERROR not sent: sftp://prepress@bureau.example.org:22/in: ... (exit status 5)",
    ]
    if mailed == "by this run":
        tag = "(invocation 6f1c0a2d9e8b4c7a)"
        run.append(f"2023-07-01T06:00:02+00:00 WARNING notice mailed to editors@example.org {tag}: 2023-H1: ...")
    log = [*LOG, earlier, *run] if mailed != "by an earlier run" else [*LOG, earlier]
    (output / "scheduled.log").write_text("\n".join(log) + "\n", encoding="utf-8")
    assert main(["notify", "--unit", UNIT, "--output", str(output)]) == 0
    assert len(mail_server.messages) == mails
    if not mails:
        assert "mailed the editors itself; nothing to add" in capsys.readouterr().out
