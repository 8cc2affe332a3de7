"""The set-up of ./run and the translators' extraction command, run for real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from conftest import PROJECT


def fake_command(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(0o755)


def test_run_lists_missing_debian_packages_when_not_root(tmp_path):
    """Without root, ./run names the missing packages and how to install them, and stops."""
    fake_command(tmp_path, "dpkg-query", 'shift 2; for package; do case "$package" in'
                                         ' fonts-noto-core|qpdf) echo "$package unknown ok not-installed";;'
                                         ' *) echo "$package install ok installed";; esac; done')
    fake_command(tmp_path, "id", "echo 1000")
    environment = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    result = subprocess.run(["bash", "run", "setup"], cwd=PROJECT, env=environment,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "These Debian packages are missing: fonts-noto-core qpdf" in result.stderr
    assert "apt-get install fonts-noto-core qpdf" in result.stderr


def test_every_debian_package_of_the_setup_is_installed_here():
    listed = [line.split("#")[0].strip() for line in (PROJECT / "scripts/debian-packages.txt").read_text().splitlines()]
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


def test_run_passes_the_editors_commands_to_build_py():
    result = subprocess.run(["bash", "run", "validate", "2022-H2"], cwd=PROJECT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "issues/2022-H2: valid" in result.stderr
