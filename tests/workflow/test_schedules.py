"""The shipped schedules of ./run scheduled: the systemd timer and service, the cron.d file and the
GitHub workflow fire on 1 January and 1 July, on no other day, at the same time of day."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

import pytest
import yaml
from croniter import croniter_range

from conftest import PROJECT

SERVICE = PROJECT / "deploy" / "systemd" / "since-the-victory.service"
NOTIFY = PROJECT / "deploy" / "systemd" / "since-the-victory-notify@.service"  # OnFailure= of the service
TIMER = PROJECT / "deploy" / "systemd" / "since-the-victory.timer"
CRON = PROJECT / "deploy" / "cron" / "since-the-victory"
WORKFLOW = PROJECT / ".github" / "workflows" / "scheduled-build.yml"
YEARS = (2024, 2025)  # a leap year and a common year
ELAPSE = re.compile(r"^\s*(?:Next elapse|Iter\. #\d+): \w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC$")
TRUE = ("1", "yes", "true", "on")


def unit_settings(path: Path) -> dict[str, dict[str, list[str]]]:
    """Read a systemd unit file: section -> key -> values, as systemd does (an empty value resets the list)."""
    sections: dict[str, dict[str, list[str]]] = {}
    section = None
    logical = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not logical and (not line or line[0] in "#;"):
            continue
        if line.endswith("\\"):
            logical += line[:-1] + " "
            continue
        line, logical = logical + line, ""
        if line.startswith("[") and line.endswith("]"):
            section = sections.setdefault(line[1:-1], {})
            continue
        assert section is not None and "=" in line, f"{path.name}: not a setting: {line!r}"
        key, value = (part.strip() for part in line.split("=", 1))
        section[key] = section.get(key, []) + [value] if value else []
    return sections


def only(settings: dict[str, list[str]], key: str) -> str:
    """The single value of a setting."""
    assert len(settings.get(key, [])) == 1, f"expected one {key}=, found {settings.get(key)}"
    return settings[key][0]


def timer_elapses(expression: str, start: datetime, iterations: int) -> list[datetime]:
    """The next elapses of a calendar expression after `start`, as systemd computes them, in UTC."""
    result = subprocess.run(
        [
            "systemd-analyze",
            "calendar",
            f"--iterations={iterations}",
            f"--base-time=@{int(start.timestamp())}",
            expression,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "UTC"},
    )
    assert result.returncode == 0, result.stderr
    elapses = [
        datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S")
        for match in map(ELAPSE.match, result.stdout.splitlines())
        if match
    ]
    assert len(elapses) == iterations, result.stdout
    return elapses


def cron_firings(expressions: list[str], years: tuple[int, ...]) -> list[datetime]:
    """Every time any of the cron expressions fires in the given years, in order."""
    start, end = datetime(min(years), 1, 1), datetime(max(years), 12, 31, 23, 59)
    return sorted({moment for expression in expressions for moment in croniter_range(start, end, expression)})


def due_dates(years: tuple[int, ...]) -> list[date]:
    """1 January and 1 July of each year."""
    return [date(year, month, 1) for year in years for month in (1, 7)]


def cron_lines() -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """The cron.d file's timed lines as (schedule, user, command) and its @reboot lines as (user, command)."""
    timed, reboot = [], []
    for line in CRON.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or re.match(r"^[A-Za-z_][A-Za-z0-9_]*\s*=", line):
            continue
        if line.startswith("@"):
            nickname, user, command = line.split(None, 2)
            if nickname == "@reboot":
                reboot.append((user, command))
            else:
                timed.append((nickname, user, command))
        else:
            fields = line.split(None, 6)
            timed.append((" ".join(fields[:5]), fields[5], fields[6]))
    return timed, reboot


def workflow() -> dict:
    """The workflow file; YAML 1.1 reads its `on:` key as true."""
    document = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    document["on"] = document.pop(True, document.get("on"))
    return document


def workflow_crons() -> list[str]:
    """The cron expressions of the workflow's schedule."""
    return [entry["cron"] for entry in workflow()["on"]["schedule"]]


def workflow_steps() -> list[dict]:
    """Every step of every job of the workflow."""
    return [step for job in workflow()["jobs"].values() for step in job["steps"]]


def step_running(text: str) -> dict:
    """The one workflow step whose script contains `text`."""
    steps = [step for step in workflow_steps() if text in step.get("run", "")]
    assert len(steps) == 1, f"expected one step running {text!r}, found {len(steps)}"
    return steps[0]


def run_step(step: dict, cwd: Path, fakes: Path, inputs: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a workflow step's script as GitHub does, with the dispatch inputs given and fake commands first on PATH."""

    def expand(text: str) -> str:
        return re.sub(
            r"\$\{\{\s*(?:github\.event\.)?inputs\.(\w+)\s*\}\}", lambda match: inputs.get(match[1], ""), text
        )

    environment = {**os.environ, "PATH": f"{fakes}{os.pathsep}{os.environ['PATH']}"}
    environment.update({name: expand(str(value)) for name, value in step.get("env", {}).items()})
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step["run"])],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
    )


def fake_command(folder: Path, name: str, script: str) -> None:
    """Write an executable shell script."""
    path = folder / name
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(0o755)


def under(path: str, folders: list[str]) -> bool:
    """Whether a path is one of the folders or inside one."""
    return any(PurePosixPath(path).is_relative_to(folder.lstrip("-+")) for folder in folders)


# systemd


@pytest.mark.parametrize("year", YEARS)
def test_the_timer_fires_on_1_january_and_1_july_and_on_no_day_between(year):
    """Six consecutive elapses from the start of the year are 1 January and 1 July, once each, for three years."""
    timer = unit_settings(TIMER)["Timer"]
    elapses = timer_elapses(only(timer, "OnCalendar"), datetime(year, 1, 1, tzinfo=UTC), 6)
    assert [elapse.date() for elapse in elapses] == due_dates((year, year + 1, year + 2))
    assert len({elapse.time() for elapse in elapses}) == 1


def test_the_timer_has_no_other_trigger_catches_up_and_starts_the_shipped_service():
    """OnCalendar= alone starts it; Persistent=true makes good a missed date; it starts the service and is enabled."""
    units = unit_settings(TIMER)
    assert [key for key in units["Timer"] if key.startswith("On")] == ["OnCalendar"]
    assert only(units["Timer"], "Persistent").lower() in TRUE
    assert only(units["Timer"], "Unit") == SERVICE.name
    assert "timers.target" in " ".join(units["Install"]["WantedBy"]).split()


def test_the_service_runs_run_scheduled_once_in_the_checkout_as_its_own_user():
    """A oneshot running ./run scheduled in its working directory, not as root, never restarted, with a time limit."""
    service = unit_settings(SERVICE)["Service"]
    assert only(service, "Type") == "oneshot"
    checkout = only(service, "WorkingDirectory")
    assert PurePosixPath(checkout).is_absolute()
    command = shlex.split(only(service, "ExecStart").lstrip("@-:+!"))
    if PurePosixPath(command[0]).name == "env":
        command = command[1:]
    assert PurePosixPath(checkout, command[0]) == PurePosixPath(checkout, "run")
    assert command[1:] == ["scheduled"]
    assert only(service, "User") not in ("root", "0")
    assert service.get("Restart", ["no"]) == ["no"]
    assert only(service, "TimeoutStartSec") not in ("infinity", "0")


def test_a_failed_run_starts_the_notify_unit_which_mails_as_the_service_user_in_the_same_checkout():
    """OnFailure= names the shipped template with the failed unit's name; it runs ./run notify --unit for that
    unit, where and as whom the service runs, and starts nothing itself when it fails."""
    service, notify = unit_settings(SERVICE), unit_settings(NOTIFY)
    template, _, instance = only(service["Unit"], "OnFailure").partition("@")
    assert f"{template}@.service" == NOTIFY.name
    assert instance == "%n.service"  # the failed unit's own name (%n), which %i gives notify --unit
    assert only(notify["Service"], "Type") == "oneshot"
    for key in ("User", "WorkingDirectory"):
        assert only(notify["Service"], key) == only(service["Service"], key)
    command = shlex.split(only(notify["Service"], "ExecStart"))
    assert command == ["/usr/bin/env", "./run", "notify", "--unit", "%i"]
    assert "OnFailure" not in notify["Unit"]
    assert only(notify["Service"], "TimeoutStartSec") not in ("infinity", "0")


@pytest.mark.parametrize("unit", [SERVICE, NOTIFY], ids=lambda path: path.name)
def test_the_service_hardening_leaves_the_checkout_writable(unit):
    """Neither ProtectSystem=, ProtectHome= nor a path setting makes output/ and .venv/ read-only."""
    service = unit_settings(unit)["Service"]
    checkout = only(service, "WorkingDirectory")
    writable = [folder for value in service.get("ReadWritePaths", []) for folder in value.split()]
    protect_system = service.get("ProtectSystem", ["no"])[-1]
    assert protect_system != "strict" or under(checkout, writable)
    if protect_system in ("yes", "true", "full"):
        assert not under(checkout, ["/usr", "/boot", "/efi", "/etc"])
    if service.get("ProtectHome", ["no"])[-1] not in ("no", "false", "0", "tmpfs"):
        assert not under(checkout, ["/home", "/root", "/run/user"])
    blocked = [
        folder
        for key in ("ReadOnlyPaths", "InaccessiblePaths")
        for value in service.get(key, [])
        for folder in value.split()
    ]
    assert not under(checkout, blocked)
    assert any(value.lower() in TRUE for value in service.get("NoNewPrivileges", []))
    assert any(value.lower() in TRUE for value in service.get("PrivateTmp", []))


def test_systemd_analyze_verify_finds_nothing_wrong_with_the_units():
    """systemd's own check: no unknown key, no value it cannot parse, an executable it can find."""
    result = subprocess.run(
        ["systemd-analyze", "verify", str(TIMER), str(SERVICE), str(NOTIFY)], capture_output=True, text=True
    )
    problems = [line for line in result.stderr.splitlines() if "since-the-victory" in line]
    assert result.returncode == 0 and not problems, result.stderr


# cron.d


def test_the_cron_file_fires_on_1_january_and_1_july_and_on_no_other_day():
    """Every firing of every timed line across a leap year and a common year: 1 January and 1 July, once each."""
    timed, _ = cron_lines()
    firings = cron_firings([schedule for schedule, _, _ in timed], YEARS)
    assert [firing.date() for firing in firings] == due_dates(YEARS)
    assert len({firing.time() for firing in firings}) == 1


def test_the_cron_file_builds_as_the_service_user_in_the_same_checkout_and_again_at_boot():
    """Each line runs ./run scheduled from the service's checkout as its user, logging; @reboot catches up."""
    service = unit_settings(SERVICE)["Service"]
    timed, reboot = cron_lines()
    assert timed and reboot
    for user, command in [(user, command) for _, user, command in timed] + reboot:
        assert user == only(service, "User")
        assert f"cd {only(service, 'WorkingDirectory')} && " in command
        assert re.search(r"\./run scheduled\s*>>\s*\S+\s+2>&1$", command), command
    assert CRON.read_text(encoding="utf-8").endswith("\n")  # cron ignores a last line without one
    assert "." not in CRON.name  # run-parts names: cron skips a file in /etc/cron.d with a dot


# GitHub workflow


def test_the_workflow_fires_on_1_january_and_1_july_and_on_no_other_day():
    """Every firing of the workflow's schedule across a leap year and a common year: 1 January and 1 July."""
    crons = workflow_crons()
    assert all(len(expression.split()) == 5 for expression in crons)
    firings = cron_firings(crons, YEARS)
    assert [firing.date() for firing in firings] == due_dates(YEARS)
    assert len({firing.time() for firing in firings}) == 1


def test_the_three_schedules_fire_at_the_same_time_of_day():
    """The timer, the cron.d file and the workflow agree on the hour and minute."""
    calendar = only(unit_settings(TIMER)["Timer"], "OnCalendar")
    timer = timer_elapses(calendar, datetime(2024, 1, 1, tzinfo=UTC), 1)
    cron = cron_firings([schedule for schedule, _, _ in cron_lines()[0]], (2024,))
    github = cron_firings(workflow_crons(), (2024,))
    assert {moment.time() for moment in timer + cron + github} == {timer[0].time()}


def test_the_workflow_installs_every_debian_package_of_the_list(tmp_path):
    """The install step, run with apt-get faked, installs each package of scripts/debian-packages.txt."""
    record = tmp_path / "apt-get.log"
    fake_command(tmp_path, "sudo", 'exec env "$@"')
    fake_command(tmp_path, "apt-get", f'echo "$*" >> {shlex.quote(str(record))}')
    result = run_step(step_running("apt-get install"), PROJECT, tmp_path, {})
    assert result.returncode == 0, result.stderr
    installs = [line.split() for line in record.read_text().splitlines() if " install " in f" {line} "]
    listed = {line.split("#")[0].strip() for line in (PROJECT / "scripts/debian-packages.txt").read_text().splitlines()}
    assert len(installs) == 1
    assert listed - {""} <= set(installs[0])
    assert not [word for word in installs[0] if "#" in word]


@pytest.mark.parametrize("given, arguments", [("", "scheduled"), ("2023-01-02", "scheduled --date 2023-01-02")])
def test_the_workflow_builds_the_issue_due_on_the_date_given_by_hand(tmp_path, given, arguments):
    """workflow_dispatch takes an optional date, passed to ./run scheduled as --date; without one, today."""
    date_input = workflow()["on"]["workflow_dispatch"]["inputs"]["date"]
    assert not date_input.get("required", False)
    fake_command(tmp_path, "run", f'echo "$*" > {shlex.quote(str(tmp_path / "arguments"))}')
    result = run_step(step_running("./run scheduled"), tmp_path, tmp_path, {"date": given})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "arguments").read_text().strip() == arguments


def test_the_workflow_uploads_output_even_when_the_build_fails():
    """The checkout comes first, the build runs on Ubuntu, and output/ is uploaded with if: always()."""
    jobs = workflow()["jobs"]
    assert all(str(job["runs-on"]).startswith("ubuntu") for job in jobs.values())
    steps = workflow_steps()
    assert steps[0]["uses"].startswith("actions/checkout@")
    uploads = [step for step in steps if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert len(uploads) == 1
    assert uploads[0]["if"].replace(" ", "") == "always()"
    assert uploads[0]["with"]["path"].rstrip("/") == "output"
    assert steps.index(uploads[0]) > steps.index(step_running("./run scheduled"))
