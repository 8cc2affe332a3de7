"""Settings: the defaults, each variant's page rules, and [tool.bulletin.print] in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin.printing.settings import DEFAULT_PROFILE, MM_TO_PT, VARIANTS, PrintSettings, load_settings, parse_trim
from bulletin.util.errors import UsageError

WHERE = "pyproject.toml [tool.bulletin.print]: "


def write_pyproject(folder: Path, table: str) -> Path:
    """Write a pyproject.toml whose [tool.bulletin.print] holds `table`, beside another tool's table."""
    path = folder / "pyproject.toml"
    path.write_text(
        '[project]\nname = "since-the-victory"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n\n'
        f"[tool.bulletin.print]\n{table}\n",
        encoding="utf-8",
    )
    return path


def test_the_defaults_suit_an_a4_saddle_stitched_bulletin():
    settings = PrintSettings()
    assert settings.trim_mm == (210, 297)
    assert settings.trim_pt == pytest.approx((595.276, 841.89), abs=0.001)
    assert settings.bleed_mm == 3 and settings.page_multiple == 4
    assert (settings.warn_ppi, settings.min_ppi, settings.screen_ppi) == (300, 150, 150)
    assert settings.output_condition == "FOGRA39" and settings.icc_profile is None and settings.crop_marks is False
    condition = settings.condition
    assert (condition.identifier, condition.registry, condition.ink_limit) == ("FOGRA39", "http://www.color.org", 300)
    assert settings.profile == DEFAULT_PROFILE == condition.profile and DEFAULT_PROFILE.is_file()


@pytest.mark.parametrize(
    "name, identifier, limit",
    [("FOGRA29", "FOGRA29", 260), ("fogra 39", "FOGRA39", 300), ("CGATS TR 006", "CGATS TR 006", 320)],
)
def test_a_registered_condition_brings_its_profile_and_its_ink_limit(tmp_path, name, identifier, limit):
    settings = load_settings(write_pyproject(tmp_path, f'output-condition = "{name}"'))
    assert (settings.condition.identifier, settings.condition.ink_limit) == (identifier, limit)
    assert settings.profile.is_file() and settings.profile.parent == DEFAULT_PROFILE.parent


def test_a_bureaus_profile_names_its_condition_and_an_unknown_one_its_ink_limit(tmp_path):
    with pytest.raises(UsageError, match="--icc-profile is given without --output-condition"):
        load_settings(tmp_path / "pyproject.toml", icc_profile=tmp_path / "bureau.icc")
    (tmp_path / "alone").mkdir()
    with pytest.raises(UsageError, match="icc-profile is given without output-condition"):
        load_settings(write_pyproject(tmp_path / "alone", 'icc-profile = "bureau.icc"'))
    registered = load_settings(
        tmp_path / "pyproject.toml", icc_profile=tmp_path / "bureau.icc", output_condition="FOGRA39"
    )
    assert registered.profile == tmp_path / "bureau.icc"
    assert (registered.condition.identifier, registered.condition.ink_limit) == ("FOGRA39", 300)
    with pytest.raises(UsageError, match="FOGRA51.*not a registered condition.*ink-limit"):
        load_settings(tmp_path / "pyproject.toml", icc_profile=tmp_path / "bureau.icc", output_condition="FOGRA51")
    own = load_settings(
        tmp_path / "pyproject.toml", icc_profile=tmp_path / "bureau.icc", output_condition="FOGRA51", ink_limit=320
    )
    assert (own.condition.identifier, own.condition.registry, own.condition.ink_limit) == ("FOGRA51", "", 320)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"output_condition": "FOGRA51"}, "not one this project makes a profile for (FOGRA39, FOGRA29, CGATS TR 006)"),
        ({"output_condition": "FOGRA29", "ink_limit": 300}, "differs from FOGRA29's 260 %"),
        ({"ink_limit": 0}, "ink-limit must be a total ink"),
        ({"output_condition": " "}, "output-condition must be the name"),
    ],
)
def test_a_condition_without_a_profile_or_with_another_limit_is_refused(tmp_path, overrides, message):
    with pytest.raises(UsageError) as error:
        load_settings(tmp_path / "pyproject.toml", **overrides)
    assert message in str(error.value) and "the command line" in str(error.value)


def test_print_has_bleed_and_the_page_rule_and_screen_has_neither():
    settings = PrintSettings(trim="A5", bleed_mm=5, page_multiple=8)
    assert settings.trim_pt == pytest.approx((148 * MM_TO_PT, 210 * MM_TO_PT))
    assert settings.bleed_pt("print") == pytest.approx(14.173, abs=0.001)
    assert settings.bleed_pt("screen") == 0
    assert (settings.multiple("print"), settings.multiple("screen")) == (8, 1)
    assert set(VARIANTS) == {"print", "screen"}
    assert (VARIANTS["print"].pdf_variant, VARIANTS["screen"].pdf_variant) == ("pdf/x-4", "pdf/ua-1")


def test_without_a_pyproject_or_its_table_the_defaults_apply(tmp_path):
    assert load_settings(tmp_path / "pyproject.toml") == PrintSettings()
    other = tmp_path / "pyproject.toml"
    other.write_text("[tool.black]\nline-length = 120\n", encoding="utf-8")
    assert load_settings(other) == PrintSettings()


def test_the_pyproject_table_sets_every_value(tmp_path):
    pyproject = write_pyproject(
        tmp_path,
        'trim = "A5"\nbleed-mm = 5\npage-multiple = 8\nwarn-ppi = 250\n'
        'min-ppi = 200\nscreen-ppi = 120.5\nicc-profile = "profiles/bureau.icc"\noutput-condition = "FOGRA39"\n'
        "crop-marks = true\nworkers = 3",
    )
    settings = load_settings(pyproject)
    assert settings == PrintSettings(
        trim="A5",
        bleed_mm=5,
        page_multiple=8,
        warn_ppi=250,
        min_ppi=200,
        screen_ppi=120.5,
        icc_profile=tmp_path / "profiles" / "bureau.icc",
        crop_marks=True,
        workers=3,
    )
    assert settings.trim_mm == (148, 210) and settings.multiple("print") == 8


def test_an_absolute_icc_profile_is_kept_as_given(tmp_path):
    settings = load_settings(
        write_pyproject(tmp_path, f'icc-profile = "{DEFAULT_PROFILE.as_posix()}"\noutput-condition = "FOGRA39"')
    )
    assert settings.icc_profile == DEFAULT_PROFILE


def test_the_command_line_wins_over_the_file_and_none_changes_nothing(tmp_path):
    pyproject = write_pyproject(
        tmp_path, 'crop-marks = true\nicc-profile = "bureau.icc"\noutput-condition = "FOGRA39"\npage-multiple = 8'
    )
    overridden = load_settings(pyproject, crop_marks=False, icc_profile="other.icc", output_condition="FOGRA29")
    assert overridden.crop_marks is False and overridden.icc_profile == Path("other.icc")
    assert overridden.page_multiple == 8
    kept = load_settings(pyproject, crop_marks=None, icc_profile=None)
    assert kept.crop_marks is True and kept.icc_profile == tmp_path / "bureau.icc"


@pytest.mark.parametrize(
    "table, key",
    [
        ("paper = 'glossy'", "'paper'"),
        ("page-multiple = 3", "page-multiple"),
        ("page-multiple = '4'", "page-multiple"),
        ("bleed-mm = -1", "bleed-mm"),
        ("bleed-mm = '3mm'", "bleed-mm"),
        ("warn-ppi = true", "warn-ppi"),
        ("screen-ppi = false", "screen-ppi"),
        ("min-ppi = 400", "min-ppi"),
        ("trim = 'A9'", "trim"),
        ("trim = 'abc'", "trim"),
        ("trim = '210x'", "trim"),
        ("crop-marks = 'yes'", "crop-marks"),
        ("crop-marks = 1", "crop-marks"),
        ("workers = -1", "workers"),
        ("workers = 2.5", "workers"),
        ("workers = true", "workers"),
        ("workers = 1000", "workers"),
    ],
)
def test_an_invalid_value_is_a_usage_error_naming_the_table_and_the_key(tmp_path, table, key):
    with pytest.raises(UsageError) as error:
        load_settings(write_pyproject(tmp_path, table))
    message = str(error.value)
    assert message.startswith(WHERE) and key in message.removeprefix(WHERE)


def test_min_ppi_above_warn_ppi_names_both(tmp_path):
    with pytest.raises(UsageError, match=r"min-ppi \(400\) is above warn-ppi \(300\)"):
        load_settings(write_pyproject(tmp_path, "min-ppi = 400"))
    assert load_settings(write_pyproject(tmp_path, "min-ppi = 300")).min_ppi == 300  # equal is allowed


def test_an_invalid_command_line_value_is_a_usage_error_too(tmp_path):
    with pytest.raises(UsageError, match=r"page-multiple must be one of 1, 4, 8, not 3"):
        load_settings(tmp_path / "pyproject.toml", page_multiple=3)


def test_a_wrong_value_given_on_the_command_line_is_blamed_on_it_not_on_the_file(tmp_path):
    pyproject = write_pyproject(tmp_path, "workers = 2")
    with pytest.raises(UsageError) as error:
        load_settings(pyproject, workers=100000, crop_marks=True)
    assert str(error.value) == (
        "the command line (--workers, --crop-marks): workers must be a whole number from 0"
        " (one per core) to 64, not 100000"
    )


def test_broken_toml_is_a_usage_error_naming_the_file_and_line(tmp_path):
    pyproject = write_pyproject(tmp_path, 'trim = "A5')
    with pytest.raises(UsageError) as error:
        load_settings(pyproject)
    assert str(error.value).startswith("pyproject.toml: ") and "line 8" in str(error.value)
    assert error.value.exit_status == 2


@pytest.mark.parametrize(
    "trim, size",
    [
        ("A4", (210, 297)),
        ("A5", (148, 210)),
        ("B5", (176, 250)),
        ("210x280", (210, 280)),
        ("210 x 280 mm", (210, 280)),
        ("148×210", (148, 210)),
        (" 170.5x240mm ", (170.5, 240)),
    ],
)
def test_a_trim_is_a_named_size_or_width_by_height_in_mm(trim, size):
    assert parse_trim(trim) == size


@pytest.mark.parametrize("trim", ["A9", "abc", "210x", "x280", "-210x280", "210x280 in", "210*280", ""])
def test_anything_else_is_not_a_trim(trim):
    with pytest.raises(ValueError, match="is not a trim size; give A4, A5, B5 or WIDTHxHEIGHT in mm"):
        parse_trim(trim)


@pytest.mark.parametrize("table", ["page-multiple = true", "page-multiple = 4.0"])
def test_a_page_multiple_that_is_not_an_integer_is_refused(tmp_path, table):
    with pytest.raises(UsageError, match="page-multiple"):
        load_settings(write_pyproject(tmp_path, table))


@pytest.mark.parametrize("table", ["bleed-mm = nan", "bleed-mm = inf"])
def test_a_bleed_that_is_not_finite_is_refused(tmp_path, table):
    with pytest.raises(UsageError, match="bleed-mm"):
        load_settings(write_pyproject(tmp_path, table))


def test_a_trim_of_zero_size_is_refused(tmp_path):
    with pytest.raises(UsageError, match="trim"):
        load_settings(write_pyproject(tmp_path, 'trim = "0x297"'))


@pytest.mark.parametrize(
    "content",
    ["[tool.bulletin.print]\nicc-profile = 5\n", "[tool.bulletin]\nprint = 5\n"],
    ids=["icc-profile = 5", "print = 5"],
)
def test_a_setting_of_the_wrong_type_is_a_usage_error_not_a_traceback(tmp_path, content):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=r"pyproject\.toml \[tool\.bulletin"):
        load_settings(pyproject)
