"""The set-up of ./run and the translators' extraction command, run for real: ./run on a copy of the project,
never on the project's own checkout, where it could install again."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import PROJECT, SAMPLE, copy_project


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A copy of the project with the sample issue, whose .venv stands for this one's and is up to date: ./run there
    installs nothing, and runs this environment's Python on the copy's code."""
    top = copy_project(tmp_path / "project", SAMPLE)
    venv = Path(sys.prefix)
    (top / ".venv" / "bin").mkdir(parents=True)
    shutil.copy(venv / "pyvenv.cfg", top / ".venv" / "pyvenv.cfg")
    (top / ".venv" / "lib").symlink_to(venv / "lib")
    (top / ".venv" / "bin" / "python").symlink_to(Path(sys.executable))
    (top / ".venv" / ".installed").write_text(venv_stamp(top) + "\n")
    shutil.copytree(PROJECT / ".profiles", top / ".profiles")  # made at this checkout's set-up, in a minute
    return top


def venv_stamp(top: Path) -> str:
    """The stamp ./run writes into .venv/.installed: the digest of pyproject.toml's tables that pip reads, and of
    constraints.txt."""
    kept, keep = [], False
    for line in (top / "pyproject.toml").read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("["):
            keep = re.match(r"\[(build-system|project|tool\.setuptools)[].]", line) is not None
        kept.append(line if keep else "")
    return hashlib.sha256("".join(kept).encode() + (top / "constraints.txt").read_bytes()).hexdigest()


def test_a_setting_changed_in_pyproject_does_not_set_the_environment_up_again(checkout):
    pyproject = checkout / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.bulletin.delivery]\nto = "file:///srv/bureau"\n')
    assert venv_stamp(checkout) == (checkout / ".venv" / ".installed").read_text().strip()
    done = subprocess.run(["bash", "-c", "source <(sed -n '/^venv_stamp()/,/^}/p' run); venv_stamp"], cwd=checkout,
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert done.stdout.strip() == venv_stamp(checkout)
    pyproject.write_text(pyproject.read_text().replace('"polib==1.2.0"', '"polib==1.2.1"'))
    assert venv_stamp(checkout) != (checkout / ".venv" / ".installed").read_text().strip()


def fake_command(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(0o755)


def without_packages(folder: Path, missing: str) -> dict[str, str]:
    """An environment for ./run, not root, in which dpkg says the packages `missing` (a|b) are not installed."""
    fake_command(
        folder,
        "dpkg-query",
        'shift 2; for package; do case "$package" in'
        f' {missing}) echo "$package unknown ok not-installed";;'
        ' *) echo "$package install ok installed";; esac; done',
    )
    fake_command(folder, "id", "echo 1000")
    return {**os.environ, "PATH": f"{folder}:{os.environ['PATH']}"}


def test_run_lists_missing_debian_packages_when_not_root(tmp_path, checkout):
    """Without root, ./run names the missing packages and how to install them, and stops."""
    environment = without_packages(tmp_path, "fonts-noto-core|qpdf")
    result = subprocess.run(["bash", "run", "setup"], cwd=checkout, env=environment, capture_output=True, text=True)
    assert result.returncode == 1
    assert "These Debian packages are missing: fonts-noto-core qpdf" in result.stderr
    assert "apt-get install fonts-noto-core qpdf" in result.stderr


def test_packages_only_the_tests_need_are_asked_for_by_the_tests_only(tmp_path, checkout):
    """A server that only builds (one without systemd, say) is not asked for systemd-analyze."""
    environment = without_packages(tmp_path, "systemd")
    setup = subprocess.run(["bash", "run", "setup"], cwd=checkout, env=environment, capture_output=True, text=True)
    assert setup.returncode == 0 and setup.stderr == "", setup.stderr  # nothing to install
    test = subprocess.run(
        ["bash", "run", "test", "--collect-only", "-q"], cwd=checkout, env=environment, capture_output=True, text=True
    )
    assert test.returncode == 1 and "These Debian packages are missing: systemd" in test.stderr


def test_every_debian_package_of_the_setup_is_installed_here():
    listed = [
        line.split("#")[0].strip()
        for name in ("debian-packages.txt", "debian-packages-test.txt")
        for line in (PROJECT / "scripts" / name).read_text().splitlines()
    ]
    for package in filter(None, listed):
        status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
        assert status.stdout == "install ok installed", package


def test_pybabel_extract_with_babel_cfg_gives_the_committed_template(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "-q", "extract", "-F", "babel.cfg", "-o", str(pot), "."], cwd=PROJECT, check=True)

    def msgids(path: Path) -> set:
        with path.open("rb") as file:
            return {message.id for message in read_po(file) if message.id}

    assert msgids(pot) == msgids(PROJECT / "translations" / "messages.pot")


@pytest.mark.slow
def test_run_passes_the_editors_commands_to_build_py(checkout):
    result = subprocess.run(["bash", "run", "validate", "2022-H2"], cwd=checkout, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "issues/2022-H2: valid\n"  # the copy's issue: its path is relative to the copy
