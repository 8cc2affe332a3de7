"""Printing conditions: registered names, and profiles made from Debian's characterization data, byte for byte."""

from __future__ import annotations

import hashlib

import pytest
from PIL import Image, ImageCms

from bulletin.printing.conditions import CONDITIONS, DATA, find_condition, profile_as_checked


@pytest.mark.parametrize(
    "given, identifier",
    [("FOGRA39", "FOGRA39"), ("fogra-29", "FOGRA29"), ("cgats tr006", "CGATS TR 006"), ("FOGRA51", None)],
)
def test_a_condition_is_found_by_its_name_whatever_its_case_spaces_and_dashes(given, identifier):
    found = find_condition(given)
    assert (found.identifier if found else None) == identifier


def test_each_condition_has_its_data_in_icc_profiles_free_and_its_profile_made_at_set_up():
    """Set-up made the profiles on this machine; on a clean clone (as CI runs) it made them afresh, and they are
    byte for byte the ones this project was checked with: colprof's clock is not in them."""
    for condition in CONDITIONS.values():
        assert (DATA / condition.data).is_file(), condition.data
        made = condition.profile.read_bytes()
        assert hashlib.sha256(made).hexdigest() == condition.digest, condition.identifier
        assert made[16:20] == b"CMYK" and made[12:16] == b"prtr"  # an output profile of a CMYK press
        year, month, day = condition.created
        assert made[24:36] == b"".join(value.to_bytes(2, "big") for value in (year, month, day, 0, 0, 0))


@pytest.mark.parametrize("identifier", CONDITIONS)
def test_no_colour_separated_through_a_profile_passes_its_ink_limit(identifier):
    """The darkest and most saturated colours a photograph holds, separated as photographs are (perceptual)."""
    condition = CONDITIONS[identifier]
    profile = ImageCms.getOpenProfile(str(condition.profile))
    corners = [(red, green, blue) for red in (0, 128, 255) for green in (0, 128, 255) for blue in (0, 128, 255)]
    strip = Image.frombytes("RGB", (len(corners), 1), bytes(value for corner in corners for value in corner))
    for intent in (ImageCms.Intent.PERCEPTUAL, ImageCms.Intent.RELATIVE_COLORIMETRIC):
        transform = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), profile, "RGB", "CMYK", intent)
        inks = ImageCms.applyTransform(strip, transform)
        assert inks is not None
        data = inks.tobytes()
        heaviest = max(sum(data[index : index + 4]) for index in range(0, len(data), 4)) * 100 / 255
        assert heaviest <= condition.ink_limit + 1, (identifier, intent, heaviest)


def test_a_profile_notprofile_as_checked_is_made_again_at_set_up(tmp_path):
    """A damaged profile, or one an older recipe made, does not count as made: set-up makes it again."""
    condition = CONDITIONS["FOGRA39"]
    assert profile_as_checked(condition.profile, condition)
    damaged = tmp_path / condition.profile.name
    damaged.write_bytes(condition.profile.read_bytes()[:1000])
    assert not profile_as_checked(damaged, condition) and not profile_as_checked(tmp_path / "missing.icc", condition)


def test_the_uncoated_conditions_profile_says_its_paper_is_matte():
    attributes = {name: int.from_bytes(CONDITIONS[name].profile.read_bytes()[56:64], "big") for name in CONDITIONS}
    assert attributes["FOGRA29"] & 2 and not attributes["FOGRA39"] & 2  # ICC: bit 1 of the device attributes
