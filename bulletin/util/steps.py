"""The named steps of writing a file and of swapping a delivery in, where the fault tests stop a build.

A build must survive being killed at any moment (the out-of-memory killer, a power cut): the
previous delivery, or the previous file, stays whole and no partial file is left. The moments where
that is hardest are named in `STEPS`, and the code calls `reached` at each. `reached` does nothing.
The fault tests replace it, in a process of their own, with a function that kills that process with
SIGKILL at the step and on the target they name, then look at what is left: each moment is tried
for certain, not by the luck of a delay. An empty call costs a build nothing it could measure, and
no path of the code depends on it.
"""

from __future__ import annotations

from pathlib import Path

STEPS = {
    "file written": "atomic_file: the writer's data is in the file, not yet flushed to disk nor under its name",
    "file on disk": "atomic_file: the file is on disk under a temporary name, not yet renamed over its target",
    "delivery staged": "Staging.commit: the build's files are all in the staging folder, not yet flushed for the swap",
    "delivery aside": "Staging.commit without renameat2: the previous delivery is renamed aside,"
    " the new one not yet in",
    "delivery swapped": "Staging.commit: the new delivery is in its place, the previous one not yet removed",
}


def reached(step: str, target: Path) -> None:
    """Mark that this process has come to `step` (a key of STEPS) for the file or delivery `target`; nothing happens."""
