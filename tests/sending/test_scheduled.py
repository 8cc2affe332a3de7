"""The scheduled run sends the bureau its package over SFTP and mails the editors a notice: against a real OpenSSH
server and a real SMTP server, with the settings read from a pyproject.toml as the operator writes them."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from bulletin.util.errors import BuildError
from bulletin.workflow import cli, publishing
from bulletin.workflow.cli import main
from sending.mailserver import MailServer
from sending.sshserver import SshServer, make_key

from conftest import PROJECT

ISSUE = "2023-H1"
ZIP = f"since-the-victory-{ISSUE}-print.zip"


@pytest.fixture
def bureau(tmp_path):
    server = SshServer(tmp_path / "bureau").start()
    yield server
    server.kill()


def configure(tmp_path: Path, monkeypatch, bureau: SshServer, mail: MailServer, **delivery: object) -> Path:
    """The project's pyproject.toml with the bureau's destination and the editors' mail server, read by the
    commands in place of the project's own."""
    folder = tmp_path / "settings"
    folder.mkdir(parents=True)
    notice = mail.pyproject(folder).read_text(encoding="utf-8")
    table = {
        "attempts": 2,
        "backoff-seconds": 0.1,
        "timeout-seconds": 5,
        "to": bureau.address,
        "identity": str(bureau.identity),
        "known-hosts": str(bureau.known_hosts),
        **delivery,
    }
    lines = ["[tool.bulletin.delivery]", *(f"{key} = {json.dumps(value)}" for key, value in table.items())]
    lines += [
        line
        for line in ("attempts = 2", "backoff-seconds = 0.1", "timeout-seconds = 5")
        if line.split(" = ")[0] not in table
    ]
    path = folder / "pyproject.toml"
    project = (PROJECT / "pyproject.toml").read_text(encoding="utf-8")
    path.write_text(project + "\n" + "\n".join(lines) + "\n\n" + notice, encoding="utf-8")
    monkeypatch.setattr(cli, "PYPROJECT", path)
    return path


def scheduled(output: Path, issues: Path, day: str = "2023-07-01") -> list[str]:
    return ["scheduled", "--date", day, "--issues", str(issues), "--output", str(output), "-q"]


def notice_of(mail: MailServer, index: int = -1) -> tuple[str, str]:
    """The subject and text of a notice the server received, parsed as a mail reader would."""
    received = mail.messages[index]
    assert received.tls and sorted(received.recipients) == sorted(mail.settings().recipients)
    message = message_from_bytes(received.data, policy=policy.default)
    return str(message["Subject"]), message.get_content()


def sent(output: Path) -> list[dict]:
    return json.loads((output / ISSUE / "sent.json").read_text(encoding="utf-8"))["sends"]


@pytest.mark.slow
def test_a_scheduled_run_delivers_sends_and_tells_and_the_next_sends_nothing(
    minimal_issue, delivered_output, bureau, mail_server, tmp_path, monkeypatch, capsys
):
    configure(tmp_path, monkeypatch, bureau, mail_server)
    monkeypatch.setenv("INVOCATION_ID", "6f1c0a2d9e8b4c7a")  # as systemd starts the service
    output, issues = delivered_output, minimal_issue.parent
    assert main(scheduled(output, issues)) == 0  # the delivery had no package: it is made, then sent
    log = (output / "scheduled.log").read_text(encoding="utf-8")  # -q: the line notify looks for is there all the same
    assert "notice mailed to editors@example.org, chief.editor@example.org (invocation 6f1c0a2d9e8b4c7a):" in log
    package = (output / ISSUE / ZIP).read_bytes()
    digest = hashlib.sha256(package).hexdigest()
    assert {path.name: path.read_bytes() for path in bureau.incoming.iterdir()} == {
        ZIP: package,
        ZIP + ".sha256": f"{digest}  {ZIP}\n".encode(),
    }
    checked = subprocess.run(["sha256sum", "-c", ZIP + ".sha256"], cwd=bureau.incoming, capture_output=True)
    assert checked.returncode == 0
    [record] = sent(output)
    assert record["result"] == "sent" and record["sha256"] == digest and record["destination"] == bureau.address
    [_] = mail_server.messages
    subject, text = notice_of(mail_server)
    assert subject == f"{ISSUE}: hazırlandı və mətbəəyə göndərildi / delivered and sent"
    assert ZIP in text and digest in text and bureau.address in text
    capsys.readouterr()

    # Everything current and at the bureau: nothing sent, nothing mailed, nothing touched.
    before = {path.name: path.stat().st_mtime_ns for path in bureau.incoming.iterdir()}
    assert main(scheduled(output, issues, "2023-09-14")) == 0
    assert len(mail_server.messages) == 1 and len(sent(output)) == 1
    assert {path.name: path.stat().st_mtime_ns for path in bureau.incoming.iterdir()} == before

    # An edited text: built again, and the changed package goes as revision 2 beside the first.
    az = minimal_issue / "az.yaml"
    az.write_text(az.read_text(encoding="utf-8").replace('"Birinci hadisə."', '"İlk hadisə."'), encoding="utf-8")
    assert main(scheduled(output, issues, "2023-10-01")) == 0
    revision = ZIP.replace(".zip", "-r2.zip")
    assert (bureau.incoming / ZIP).read_bytes() == package
    assert (bureau.incoming / revision).read_bytes() == (output / ISSUE / ZIP).read_bytes() != package
    assert [entry["sent_as"] for entry in sent(output)] == [ZIP, revision]  # the record outlived the rebuild
    subject, text = notice_of(mail_server)
    assert len(mail_server.messages) == 2 and revision in text


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["server down", "changed host key", "refused login", "full disk"])
def test_a_send_that_fails_is_told_and_the_next_run_sends(
    minimal_issue, delivered_output, bureau, mail_server, tmp_path, monkeypatch, capsys, fault
):
    other = make_key(tmp_path / "other_key")
    changes: dict[str, str] = {}
    if fault == "changed host key":
        wrong = tmp_path / "known_hosts"
        wrong.write_text(f"[127.0.0.1]:{bureau.port} {other.with_suffix('.pub').read_text()}")
        changes["known-hosts"] = str(wrong)
    elif fault == "refused login":
        changes["identity"] = str(other)
    elif fault == "full disk":
        if os.geteuid() != 0:
            pytest.skip("a small disk of the server's own is mounted as root")
        bureau.kill()
        bureau.full_disk = True  # the package is larger than its disk
        bureau.start()
    else:
        bureau.kill()
    configure(tmp_path, monkeypatch, bureau, mail_server, **changes)
    output, issues = delivered_output, minimal_issue.parent
    assert main(scheduled(output, issues)) == 5
    said = capsys.readouterr().out
    assert f"not sent: {bureau.address}" in said
    assert list(bureau.bureau.iterdir()) == [] and sent(output)[-1]["result"] == "failed"
    assert (output / ISSUE / ZIP).is_file()  # the delivery itself is complete
    subject, text = notice_of(mail_server)
    assert subject == f"{ISSUE}: hazırlandı, mətbəəyə göndərilmədi / delivered, not sent"
    assert f"\n  {bureau.address}\n" in text.replace("\r\n", "\n")
    error = sent(output)[-1]["error"]
    assert " ".join(error.split()) in " ".join(text.split())  # wrapped for a phone, but whole

    # Mended: the next run has nothing to build, sends, and tells.
    if fault in ("server down", "full disk"):
        bureau.kill()
        bureau.full_disk = False
        bureau.start()
    else:
        configure(tmp_path / "mended", monkeypatch, bureau, mail_server)
    assert main(scheduled(output, issues, "2023-07-02")) == 0
    assert (bureau.incoming / ZIP).read_bytes() == (output / ISSUE / ZIP).read_bytes()
    assert [entry["result"] for entry in sent(output)] == ["failed", "sent"]
    assert len(mail_server.messages) == 2


@pytest.mark.slow
def test_an_issue_not_ready_sends_nothing_and_the_notice_lists_its_problems(
    minimal_issue, bureau, mail_server, tmp_path, monkeypatch
):
    configure(tmp_path, monkeypatch, bureau, mail_server)
    en = minimal_issue / "en.yaml"
    en.write_text(en.read_text(encoding="utf-8").replace('  first-event: !source-b93ac7d9 "First event."\n', ""))
    assert main(scheduled(tmp_path / "output", minimal_issue.parent)) == 3
    assert list(bureau.incoming.iterdir()) == []
    subject, text = notice_of(mail_server)
    assert subject.startswith(ISSUE) and "not ready" in subject
    assert "en.yaml:" in text and "first-event" in text


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["failed", "interrupted"])
def test_a_build_that_fails_or_is_stopped_sends_nothing_and_the_notice_says_what_was_left(
    minimal_issue, delivered_output, bureau, mail_server, tmp_path, monkeypatch, fault
):
    configure(tmp_path, monkeypatch, bureau, mail_server)

    def stopped(*_arguments, **_options):
        if fault == "failed":
            raise BuildError("the preflight found 1 error in since-the-victory-2023-H1-az-print.pdf")
        raise KeyboardInterrupt

    monkeypatch.setattr(publishing, "publish_issue", stopped)
    if fault == "failed":
        assert main(scheduled(delivered_output, minimal_issue.parent)) == 1
    else:
        assert main(scheduled(delivered_output, minimal_issue.parent)) == 130
    assert list(bureau.incoming.iterdir()) == [] and not (delivered_output / ISSUE / "sent.json").exists()
    subject, text = notice_of(mail_server)
    flat = " ".join(text.split())
    if fault == "failed":
        assert subject == f"{ISSUE}: hazırlana bilmədi / build failed"
        assert "the preflight found 1 error in since-the-victory-2023-H1-az-print.pdf" in flat
    else:
        assert subject == f"{ISSUE}: yarımçıq dayandırıldı / interrupted"
        assert "the previous delivery, if any, is unchanged" in flat


@pytest.mark.slow
def test_a_mistake_in_the_delivery_settings_fails_the_send_not_the_build(
    minimal_issue, delivered_output, bureau, mail_server, tmp_path, monkeypatch, capsys
):
    configure(tmp_path, monkeypatch, bureau, mail_server, attempts=0)
    assert main(scheduled(delivered_output, minimal_issue.parent)) == 5
    assert (delivered_output / ISSUE / ZIP).is_file() and list(bureau.incoming.iterdir()) == []
    said = "[tool.bulletin.delivery] attempts: 0 is not a whole number from 1 to 10"
    assert said in capsys.readouterr().out
    subject, text = notice_of(mail_server)
    assert subject == f"{ISSUE}: hazırlandı, mətbəəyə göndərilmədi / delivered, not sent"
    assert said in " ".join(text.split())
