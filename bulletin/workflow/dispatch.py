"""Sending the bureau its package, by hand (`build.py send`) or after a scheduled run, and telling the editors.

    build.py send ISSUE [--output DIR] [--to URL] [--identity FILE] [--known-hosts FILE] [--replace]

sends the delivered package of an issue (the zip and its checksum) to the bureau: to the address
given, or to `to` in [tool.bulletin.delivery] (`sending.destinations`). Sending what already
reached the same place does nothing and says so. Exit status 0 sent or already there; 2 bad usage
(no package, no address, a bad setting); 4 a build holds the output folder; 5 not sent.

After a scheduled run (`after_run`): when the run delivered, or found its delivery current, and the
settings name a destination, the package is sent; then, when the run did something or could not,
the editors are mailed a notice ([tool.bulletin.notice]). A run that found everything current and
already sent stays silent. Not sent is exit status 5; a notice that could not be mailed, 6, when
nothing worse happened.

    build.py notify --unit UNIT [--output DIR]

is what systemd runs (since-the-victory-notify@.service, OnFailure=) when the scheduled service
failed: it mails the editors the end of output/scheduled.log and of the unit's journal, unless the
run ended by itself having mailed its own notice.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from ..delivery.ownership import SCHEDULE_LOG
from ..model import issue_name_problem, package_name
from ..project import OUTPUT, PYPROJECT
from ..sending.destinations import (
    MAX_ATTEMPTS,
    DeliverySettings,
    NotSent,
    load_delivery_settings,
    read_destination,
)
from ..sending.mail import MailSettings, NoticeFailed, load_mail_settings, mail_notice
from ..sending.notices import compose_notice, compose_unit_failure, needs_notice
from ..util.errors import BulletinError, UsageError, display_path
from ..util.files import open_file

LOG = logging.getLogger("bulletin")
NOTICE_MAILED = "notice mailed to"  # the log's words, which tell `notify` that the run told the editors itself


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
        "--identity",
        type=Path,
        metavar="FILE",
        help="the private key of the SFTP login (default: identity in [tool.bulletin.delivery]; a passphrase comes"
        " from the environment variable that passphrase-env names there)",
    )
    parser.add_argument(
        "--known-hosts",
        type=Path,
        metavar="FILE",
        help="the server's host key, as in OpenSSH's known_hosts (default: known-hosts in [tool.bulletin.delivery])",
    )
    parser.add_argument(
        "--attempts",
        type=attempts,
        metavar="N",
        help="how many times a transfer that breaks off is tried, the wait doubling from backoff-seconds"
        " (default: attempts in [tool.bulletin.delivery], else 4)",
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
        attempts=arguments.attempts or settings.attempts,
    )
    record = send_package(arguments.output, issue, destination, settings, arguments.replace)
    print(describe_send_record(record))
    return 0


def attempts(value: str) -> int:
    """Read a number of attempts: 1 to MAX_ATTEMPTS."""
    if not value.isdigit() or not 1 <= int(value) <= MAX_ATTEMPTS:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of attempts (1 to {MAX_ATTEMPTS})")
    return int(value)


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
    delivery: DeliverySettings | UsageError,
    mail: MailSettings | UsageError | None,
    wait: float = 0,
) -> int:
    """Send the package of a run that left the delivery complete (waiting up to `wait` seconds for a build that
    took the output folder meanwhile), then tell the editors what the run did; return the run's exit status,
    made NotSent's or NoticeFailed's when that went wrong. Settings that could not be read (a UsageError in place
    of them) fail the send or the notice, not the run before it."""
    sends = send_after_run(root, issue, delivery, wait) if status == 0 else []
    if any(send["result"] == "failed" for send in sends):
        status = NotSent.exit_status
    if isinstance(mail, UsageError):
        LOG.error("notice not mailed: %s", mail)
        print(f"notice not mailed: {mail}")
        return status or NoticeFailed.exit_status
    if mail is None or report is None or not needs_notice(report, sends):
        return status
    subject, body = compose_notice(report | {"exit_status": status}, sends, socket.gethostname())
    try:
        mail_notice(mail, subject, body)
    except NoticeFailed as err:
        LOG.error("%s: %s", err.category, err)
        print(f"{err.category}: {err}")
        return status or err.exit_status
    # Logged whatever -q says, and with systemd's name of this start of the service: notify, started by OnFailure=,
    # knows by it that this run told the editors itself.
    invocation = os.environ.get("INVOCATION_ID")
    tag = f" (invocation {invocation})" if invocation else ""
    LOG.log(max(logging.INFO, LOG.getEffectiveLevel()), "%s %s%s: %s", NOTICE_MAILED, ", ".join(mail.recipients),
            tag, subject)  # fmt: skip
    return status


def send_after_run(root: Path, issue: str, delivery: DeliverySettings | UsageError, wait: float) -> list[dict]:
    """Send the package where the settings say; return the record of the send (none without a destination),
    a failed one when it did not reach the bureau or the settings could not be read. Raises nothing it can tell."""
    from ..sending.transfer import send_package  # paramiko, loaded only to send

    failure: BaseException
    if isinstance(delivery, UsageError):
        failure, where = delivery, "[tool.bulletin.delivery]"
    elif delivery.to is None:
        return []
    else:
        where = str(delivery.to)
        try:
            record = send_package(root, issue, delivery.to, delivery, lock_wait=wait)
            print(describe_send_record(record))
            return [record]
        except BulletinError as err:  # NotSent, and what else keeps the package from the bureau
            failure = err
        except Exception as err:  # a bug: its traceback goes to the log, and the editors are still told
            LOG.exception("the send stopped on an unexpected error")
            failure = err
    said = f"{getattr(failure, 'category', 'not sent')}: {failure}"
    LOG.error("%s", said)
    print(said)
    return [{"destination": where, "file": package_name(issue), "result": "failed", "error": str(failure)}]


LOG_LINES = 30  # lines of the log and of the journal a notify mail quotes
RUN_LINES = 5000  # lines of the log read for the last run's own notice: a build of many editions logs hundreds
JOURNAL_WAIT = 10.0  # seconds journalctl may take before the mail goes without the journal
# systemd's words for how a service ended ($MONITOR_SERVICE_RESULT of an OnFailure= unit), in the operator's.
SERVICE_RESULTS = {
    "exit-code": "it ended with an exit status that is not 0",
    "signal": "it was killed by a signal",
    "timeout": "it ran past its time limit and was stopped",
    "core-dump": "it crashed",
    "oom-kill": "it was killed for want of memory",
    "watchdog": "its watchdog expired",
    "start-limit-hit": "it was started too often",
    "resources": "systemd could not start it",
}


def describe_notify(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Mail the editors that the scheduled service failed outside the program (killed, past its time limit, or"
        " stopped by ./run's set-up), with the last lines of output/scheduled.log and of the unit's journal."
        " since-the-victory-notify@.service runs it when since-the-victory.service fails (OnFailure=). The mail"
        " settings are those of [tool.bulletin.notice] in pyproject.toml. Exit status 0 when the mail was sent,"
        " 2 when there are no mail settings, 6 when the mail could not be sent."
    )
    parser.add_argument("--unit", required=True, help="the systemd unit that failed, such as since-the-victory.service")
    parser.add_argument(
        "--output", type=Path, default=OUTPUT, help="the output folder whose scheduled.log to quote (default: output/)"
    )


def run_notify(arguments: argparse.Namespace) -> int:
    settings = load_mail_settings(PYPROJECT)
    log = arguments.output / SCHEDULE_LOG
    if told_by_the_run(os.environ, last_lines(log, RUN_LINES)):
        print(f"{arguments.unit} ended with the status of a run that mailed the editors itself; nothing to add")
        return 0
    if settings is None:
        raise UsageError(
            f"{PYPROJECT.name} has no [tool.bulletin.notice]: there is nobody to mail that {arguments.unit} failed"
            " (see Notices to the editors in docs/operators.md)"
        )
    tail = [f"{display_path(log)}:", *last_lines(log, LOG_LINES), "", f"journalctl -u {arguments.unit}:"]
    tail += journal_lines(arguments.unit, LOG_LINES)
    subject, body = compose_unit_failure(arguments.unit, socket.gethostname(), tail, how_it_ended(os.environ))
    mail_notice(settings, subject, body)
    print(f"mailed {', '.join(settings.recipients)} that {arguments.unit} failed", file=sys.stderr)
    return 0


def last_lines(path: Path, count: int) -> list[str]:
    """The last `count` lines of a log file, read from its end; a line saying why, when it cannot be read."""
    try:
        with open_file(path) as file:
            size = file.seek(0, os.SEEK_END)
            file.seek(max(0, size - count * 1000))  # a log line takes well under a thousand bytes
            lines = file.read().decode("utf-8", errors="replace").splitlines()
    except OSError as err:
        return [f"(cannot read it: {err.strerror or err})"]
    return lines[-count:] if lines else ["(empty)"]


def journal_lines(unit: str, count: int) -> list[str]:
    """The last `count` lines of the unit's journal; a line saying why, when the journal cannot be read."""
    command = ["journalctl", "--unit", unit, "--lines", str(count), "--no-pager", "--output", "short-iso"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=JOURNAL_WAIT)
    except FileNotFoundError:
        return ["the journal could not be read: journalctl is not installed"]
    except subprocess.TimeoutExpired:
        return [f"the journal could not be read: journalctl did not answer within {JOURNAL_WAIT:g} seconds"]
    except OSError as err:
        return [f"the journal could not be read: {err.strerror or err}"]
    entries = [line for line in done.stdout.splitlines() if line and not line.startswith("-- ")]
    if done.returncode == 0 and entries:
        return entries[-count:]
    said = " ".join(done.stderr.split())[:300]
    if done.returncode != 0:
        return [f"the journal could not be read: journalctl ended with status {done.returncode}: {said or '-'}"]
    hint = " (the user may need the group systemd-journal to read it)" if "not seeing" in said else ""
    return [f"the journal could not be read: it shows no entry of {unit}{hint}"]


def how_it_ended(environ: Mapping[str, str]) -> str:
    """How systemd says the failed service ended, from what it gives an OnFailure= unit; empty elsewhere."""
    result = environ.get("MONITOR_SERVICE_RESULT", "")
    if not result:
        return ""
    details = ", ".join(filter(None, (environ.get("MONITOR_EXIT_CODE"), environ.get("MONITOR_EXIT_STATUS"))))
    return f"{SERVICE_RESULTS.get(result, result)} ({result}{': ' + details if details else ''})"


def told_by_the_run(environ: Mapping[str, str], log: list[str]) -> bool:
    """Whether the failed start of the service (systemd's $MONITOR_INVOCATION_ID, which OnFailure= gives) mailed
    the editors its own notice, as its log says; False when it did not, or when not started by OnFailure=."""
    invocation = environ.get("MONITOR_INVOCATION_ID")
    if not invocation:
        return False
    return any(NOTICE_MAILED in line and f"(invocation {invocation})" in line for line in log)
