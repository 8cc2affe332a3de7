"""Sending the bureau its package, by hand (`build.py send`) or after a scheduled run, and telling the editors.

    build.py send ISSUE [--output DIR] [--to URL] [--identity FILE] [--known-hosts FILE] [--replace]

sends the delivered package of an issue (the zip and its checksum) to the bureau: to the address
given, or to `to` in [tool.bulletin.delivery] (`sending.destinations`). Sending what already
reached the same place does nothing and says so. Exit status 0 sent or already there; 2 bad usage
(no package, no address, a bad setting); 5 not sent.

After a scheduled run (`after_run`): when the run delivered, or found its delivery current, and the
settings name a destination, the package is sent; then, when the run did something or could not,
the editors are mailed a notice ([tool.bulletin.notice]). A run that found everything current and
already sent stays silent. Not sent is exit status 5; a notice that could not be mailed, 6, when
nothing worse happened.
"""

from __future__ import annotations

import argparse
import logging
import socket
from dataclasses import replace
from pathlib import Path

from ..delivery.records import delivered_files
from ..model import issue_name_problem
from ..project import OUTPUT, PYPROJECT
from ..sending.destinations import DeliverySettings, NotSent, load_delivery_settings, read_destination
from ..sending.mail import MailSettings, NoticeFailed, mail_notice
from ..sending.notices import compose_notice, needs_notice
from ..util.errors import BulletinError, UsageError, display_path

LOG = logging.getLogger("bulletin")


def describe_send(parser: argparse.ArgumentParser) -> None:
    """The arguments of `send`."""
    parser.description = (
        "Send an issue's package for the printing bureau (the zip a build with --package delivered, and its"
        " .sha256) to the bureau: to an SFTP server, or to a local or mounted folder. The files are written"
        " under a temporary name, checked there and then renamed, so that the bureau never sees half a file."
        " What was sent is recorded in output/<issue>/sent.json; sending the same package again does nothing,"
        " and a changed one goes as the next revision (-r2, -r3…) unless --replace. Exit status 5 when it"
        " was not sent."
    )
    parser.add_argument("issue", help="the issue, such as 2022-H2 (its folder under issues/ will do)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the output folder (default: output/)")
    parser.add_argument(
        "--to",
        metavar="URL",
        help="sftp://user@host:port/folder or file:///folder (default: to in [tool.bulletin.delivery])",
    )
    parser.add_argument(
        "--identity", type=Path, metavar="FILE", help="the private key of the SFTP login (default: identity)"
    )
    parser.add_argument(
        "--known-hosts",
        type=Path,
        metavar="FILE",
        help="the server's host key, as in OpenSSH's known_hosts (default: known-hosts)",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace the file the bureau has from the last send, instead of sending the next revision",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")


def run_send(arguments: argparse.Namespace) -> int:
    """Send the package; print where it went."""
    issue = Path(arguments.issue).name
    if problem := issue_name_problem(issue):
        raise UsageError(f"{arguments.issue}: {problem}")
    from ..sending.transfer import send_package  # paramiko, loaded only to send

    settings = load_delivery_settings(PYPROJECT)
    destination = read_destination(arguments.to) if arguments.to else settings.to
    if destination is None:
        raise UsageError("send where? Give --to sftp://user@host:port/folder, or set to in [tool.bulletin.delivery]")
    settings = replace(
        settings,
        identity=arguments.identity or settings.identity,
        known_hosts=arguments.known_hosts or settings.known_hosts,
    )
    record = send_package(arguments.output, issue, destination, settings, arguments.replace)
    print(describe_send_record(record))
    return 0


def describe_send_record(record: dict) -> str:
    """One line on what a send did."""
    where = f"{record['destination']} as {record['sent_as']}"
    if record["result"] == "already there":
        return f"{record['file']}: already at {where}; nothing sent"
    return f"{record['file']}: sent to {where} ({record['size']} bytes, SHA-256 {record['sha256']}, checked there)"


def after_run(
    root: Path,
    issue: str,
    status: int,
    report: dict | None,
    delivery: DeliverySettings,
    mail: MailSettings | None,
) -> int:
    """Send the package of a run that left the delivery complete, then tell the editors what the run did;
    return the run's exit status, made NotSent's or NoticeFailed's when that went wrong."""
    from ..sending.transfer import send_package  # paramiko, loaded only to send

    sends: list[dict] = []
    if status == 0 and delivery.to is not None:
        if report is None:  # the delivery was current: the run built nothing
            report = current_report(root, issue)
        try:
            sends.append(send_package(root, issue, delivery.to, delivery))
            print(describe_send_record(sends[-1]))
        except BulletinError as err:  # NotSent, and what else keeps the package from the bureau
            LOG.error("%s: %s", err.category, err)
            print(f"{err.category}: {err}")
            sends.append({"destination": str(delivery.to), "result": "failed", "error": str(err)})
            status = NotSent.exit_status
    if mail is None or report is None or not needs_notice(report, sends):
        return status
    subject, body = compose_notice(report | {"exit_status": status}, sends, socket.gethostname())
    try:
        mail_notice(mail, subject, body)
    except NoticeFailed as err:
        LOG.error("%s: %s", err.category, err)
        print(f"{err.category}: {err}")
        return status or err.exit_status
    LOG.info("notice mailed to %s: %s", ", ".join(mail.recipients), subject)
    return status


def current_report(root: Path, issue: str) -> dict:
    """What a run that found the delivery complete and current reports, for the notice of what it sent."""
    return {
        "issue": issue,
        "result": "current",
        "exit_status": 0,
        "message": f"the delivery of {issue} in {display_path(root / issue)} was complete and current",
        "built": delivered_files(root, issue),
        "problems": [],
        "warnings": [],
    }
