"""Printing conditions: the registered output conditions a print file is made for, and their profiles.

A printing condition is a paper and a press standard, registered with the ICC under an
identifier (FOGRA39: offset on coated paper; FOGRA29: offset on uncoated paper; CGATS TR 006:
GRACoL on grade 1 coated paper). A print PDF names its condition in the output intent, with the
registry, and carries the ICC profile its colours were separated for; the condition's total ink
limit is the most ink any area of a page may carry (the preflight measures it).

Debian packages no such profile, but `icc-profiles-free` ships the conditions' characterization
data (measured colour patches), and ArgyllCMS's `colprof` makes a profile of each, with the
condition's ink limits built into its separation. `./run setup` makes them once into
`.profiles/` (`python -m bulletin.printing.conditions`); the creation date in the profile's
header is set to the data's date, so the bytes depend on the data and colprof only, and each
is compared with the digest this project was checked with.

A bureau's own profile (`icc-profile`) replaces the built one; the condition it was made for is
then named beside it (`output-condition`, and `ink-limit` when the condition is not one of these).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..project import PROJECT
from ..util.atomic import atomic_file

REGISTRY = "http://www.color.org"  # the ICC's registry of characterization data
DATA = Path("/usr/share/color/icc")  # where Debian's icc-profiles-free puts the characterization data
SOURCE_RGB = DATA / "sRGB.icc"  # the space photographs come in, for colprof's perceptual gamut mapping
PROFILES = PROJECT / ".profiles"  # the profiles made at set-up, not kept in git
BLACK_LIMIT = 97  # % of black ink at most: a solid 100 % black is left to text and rules


@dataclass(frozen=True)
class Condition:
    """A registered printing condition and how its profile is made."""

    identifier: str  # OutputConditionIdentifier, as the ICC registry names it
    condition: str  # OutputCondition: the paper and process, in the registry's words
    data: str  # the characterization data file in icc-profiles-free
    ink_limit: int  # total area coverage at most, in % (the sum of the four inks)
    created: tuple[int, int, int]  # the data's date, written as the profile's creation date
    digest: str  # SHA-256 of the profile colprof makes from the data on Debian 12
    matte: bool = False  # the paper is uncoated: the profile says so in its header (a coated one is glossy)

    @property
    def profile(self) -> Path:
        """Return where set-up puts this condition's profile."""
        return PROFILES / f"{self.identifier.replace(' ', '-')}.icc"

    @property
    def description(self) -> str:
        """Return the profile's name, as a RIP or a viewer shows it."""
        return f"{self.identifier} ({self.ink_limit} %), ArgyllCMS from {self.data}"


CONDITIONS = {
    condition.identifier: condition
    for condition in (
        Condition(
            "FOGRA39",
            "Offset printing, ISO 12647-2:2004/Amd 1, paper type 1 or 2 (coated art), 115 g/m2",
            "FOGRA39L.ti3",
            300,
            (2006, 12, 1),
            "118abef484d990fae8b411955533859eb2331e0c9a1a29ca51e6c1b6bb54b1b2",
        ),
        Condition(
            "FOGRA29",
            "Offset printing, ISO 12647-2:2004, paper type 4 (white uncoated), 120 g/m2, 60 lines/cm",
            "FOGRA29L.ti3",
            260,
            (2003, 9, 1),
            "9a9287c1b9af09e1687d25098847aa3cdb0ff6d3ace11ac05b32bbe953c1c7bc",
            matte=True,
        ),
        Condition(
            "CGATS TR 006",
            "Commercial offset (GRACoL), grade 1 coated paper, ISO 12647-2 paper type 1",
            "TR006.ti3",
            320,
            (2006, 8, 28),
            "007d79e2790554e883dbf46291593cb552883314d48bb4c16872408b253dfa0f",
        ),
    )
}
DEFAULT = "FOGRA39"


def find_condition(name: str) -> Condition | None:
    """Return the registered condition `name` stands for (case, spaces and dashes aside), or None."""
    wanted = _squeezed(name)
    return next((condition for key, condition in CONDITIONS.items() if _squeezed(key) == wanted), None)


def _squeezed(name: str) -> str:
    return "".join(character for character in name.upper() if character.isalnum())


def make_profile(condition: Condition, target: Path) -> str:
    """Make the profile of `condition` with colprof into `target`; return its SHA-256."""
    data = DATA / condition.data
    if not data.is_file():
        raise FileNotFoundError(f"{data} is missing: install the Debian package icc-profiles-free")
    if shutil.which("colprof") is None:
        raise FileNotFoundError("colprof is missing: install the Debian package argyll")
    with tempfile.TemporaryDirectory(prefix="bulletin-profile-") as folder:
        shutil.copyfile(data, Path(folder, "data.ti3"))
        command = [
            "colprof",
            "-ql",  # a 17-point grid: within the data's own accuracy, and made in seconds
            "-kr",  # black generation: a ramp from none in the highlights to all in the shadows
            *(["-Zm"] if condition.matte else []),  # the paper's finish, as the header tells it
            f"-l{condition.ink_limit}",
            f"-L{BLACK_LIMIT}",
            "-S",
            str(SOURCE_RGB),  # perceptual tables that map sRGB's gamut into the press's
            "-cmt",  # photographs are judged on a monitor
            "-dpp",  # and the print in a practical reflective viewing condition
            "-D",
            condition.description,
            "-C",
            f"Made from {condition.data} (icc-profiles-free); no further rights claimed",
            "-O",
            "profile.icc",
            "data",
        ]
        result = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
        if result.returncode:
            said = (result.stderr or result.stdout).strip().splitlines()
            raise RuntimeError(f"colprof failed for {condition.identifier}: {said[-1] if said else result.returncode}")
        profile = bytearray(Path(folder, "profile.icc").read_bytes())
    year, month, day = condition.created
    profile[24:36] = b"".join(value.to_bytes(2, "big") for value in (year, month, day, 0, 0, 0))
    with atomic_file(target) as output:
        output.write(profile)
    return hashlib.sha256(profile).hexdigest()


def make_missing_profiles(folder: Path = PROFILES) -> list[str]:
    """Make the profile of every condition that `folder` lacks, or holds other than this project was checked with
    (damaged, or made by an older recipe), two at a time; return what to tell."""
    folder.mkdir(exist_ok=True)
    missing = [
        condition
        for condition in CONDITIONS.values()
        if not profile_as_checked(folder / condition.profile.name, condition)
    ]

    def make(condition: Condition) -> str:
        digest = make_profile(condition, folder / condition.profile.name)
        if condition.digest and digest != condition.digest:
            return (
                f"{condition.profile.name}: made, but not byte for byte the profile this project was checked with"
                " (another version of ArgyllCMS or of the data?); print files will differ in their colour data"
            )
        return f"{condition.profile.name}: made from {condition.data}"

    with ThreadPoolExecutor(2) as pool:  # colprof uses one core
        return list(pool.map(make, missing))


def profile_as_checked(path: Path, condition: Condition) -> bool:
    """Return whether the profile at `path` is there, and the one this project was checked with."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == condition.digest
    except OSError:
        return False


if __name__ == "__main__":  # ./run's set-up
    try:
        for line in make_missing_profiles():
            print(line, file=sys.stderr)
    except (OSError, RuntimeError) as err:
        print(f"The printing conditions' profiles could not be made: {err}", file=sys.stderr)
        raise SystemExit(1) from err
