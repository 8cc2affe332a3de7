"""The preflight's command-line tools (qpdf, poppler's), run with a time limit, and what they say made fit for the
report: no folder of this machine in it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

TIMEOUT = 60  # seconds an external tool may take on one PDF


def run_tool(*command: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run a tool with a time limit; a missing tool or (with `check`) a failure raises a readable error."""
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=TIMEOUT, check=False
        )
    except FileNotFoundError as err:
        package = "qpdf" if command[0] == "qpdf" else "poppler-utils"
        raise RuntimeError(f"{command[0]} is not installed (Debian package {package})") from err
    if check and result.returncode != 0:
        reason = result.stderr.strip().splitlines()[-1:] or [f"exit status {result.returncode}"]
        raise RuntimeError(f"{command[0]} failed: {reason[0]}")
    return result


def scrub(text: str, path: Path) -> str:
    """Replace the PDF's path by its name, so that no folder of this machine reaches the report, and a number of
    hundreds of digits by its first ones and its length."""
    text = text.replace(str(path.resolve()), path.name).replace(str(path), path.name).strip()
    return re.sub(r"\d{21,}", lambda match: f"{match[0][:6]}…({len(match[0])} digits)", text)
