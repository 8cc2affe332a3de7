"""The delivery of an issue: manifest, preflight report, package, and what a failed build leaves."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageOps
from pypdf import PdfReader

from bulletin.delivery.incremental import GROUPS
from bulletin.delivery.plan import Asked
from bulletin.preflight import checks as preflight
from bulletin.preflight.findings import Finding
from bulletin.printing.colours import load_profile
from bulletin.printing.settings import DEFAULT_PROFILE, MM_TO_PT, PrintSettings
from bulletin.workflow.cli import main
from bulletin.workflow.publishing import publish_issue

from conftest import LANGUAGES, VARIANTS, apply_edits


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Return every file of a folder with its bytes and inode."""
    return {path.name: (path.read_bytes(), path.stat().st_ino) for path in sorted(folder.iterdir())}


def place_photo(issue: Path, size: tuple[int, int]) -> None:
    """Replace the minimal issue's drawing with a photograph of `size` pixels."""
    # Shaded, not one colour: a picture that shows nothing is refused.
    ImageOps.colorize(Image.linear_gradient("L").resize(size), (120, 150, 90), (60, 80, 40)).save(
        issue / "images" / "photo.jpg", quality=90
    )
    apply_edits(issue, [{"file": "issue.yaml", "replace": "images/sketch.svg", "with": "images/photo.jpg"}])


@pytest.mark.slow
def test_the_manifest_describes_every_delivered_file(sample_build):
    manifest = json.loads((sample_build.folder / "manifest.json").read_text(encoding="utf-8"))
    entries = {entry["file"]: entry for entry in manifest["files"]}
    assert set(entries) == {path.name for path in sample_build.pdfs().values()} | {"preflight.json", "layout.txt"}
    profile = load_profile(DEFAULT_PROFILE)
    for (language, variant), path in sample_build.pdfs().items():
        entry = entries[path.name]
        assert (entry["language"], entry["variant"]) == (language, variant)
        assert entry["pages"] == len(PdfReader(path).pages)
        assert entry["size"] == path.stat().st_size
        assert entry["sha256"] == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
        assert entry["trim_mm"] == [210, 297] and entry["bleed_mm"] == (3 if variant == "print" else 0)
        assert len(entry["recipe"]["sha256"]) == 64 and set(entry["recipe"]["groups"]) == set(GROUPS)
        if variant == "print":
            assert entry["colour"]["output_intent"] == profile.description
            assert entry["colour"]["profile_sha256"] == profile.digest
        else:
            assert entry["colour"] == {"space": "sRGB"}
    assert len(manifest["inputs"]) == 64 and manifest["issue"] == "2022-H2"
    assert manifest["tools"]["weasyprint"] == "70.0" and manifest["tools"]["qpdf"][0].isdigit()


@pytest.mark.slow
def test_the_preflight_report_passes_all_eight_pdfs(sample_build):
    report = json.loads((sample_build.folder / "preflight.json").read_text(encoding="utf-8"))
    assert report["errors"] == 0 and report["warnings"] == 0
    assert set(report["files"]) == {path.name for path in sample_build.pdfs().values()}
    for name, group in report["files"].items():
        checks = {finding["check"] for finding in group["findings"]}
        assert {"qpdf", "boxes", "fonts", "pages", "images", "colour", "text"} <= checks
        assert ("pdfx" if "-print" in name else "tagging") in checks


@pytest.mark.slow
def test_the_package_holds_the_print_pdfs_manifest_and_preflight_report(sample_build):
    with zipfile.ZipFile(sample_build.folder / "since-the-victory-2022-H2-print.zip") as package:
        names = sorted(package.namelist())
        assert names == sorted(
            [sample_build.pdf(language, "print").name for language in LANGUAGES] + ["manifest.json", "preflight.json"]
        )
        for name in names:
            assert package.read(name) == (sample_build.folder / name).read_bytes(), name
        assert package.testzip() is None


@pytest.mark.slow
def test_rebuilding_one_language_keeps_the_others_as_they_were(minimal_issue, delivered_output):
    output = delivered_output
    before = snapshot(output / "2023-H1")
    apply_edits(minimal_issue, [{"file": "en.yaml", "replace": "      Text.", "with": "      Other text."}])
    assert main([str(minimal_issue), "--output", str(output), "--lang", "en", "-q"]) == 0
    after = snapshot(output / "2023-H1")
    assert set(after) == set(before)
    for name in before:
        if name in ("manifest.json", "preflight.json", "layout.txt"):
            continue  # rewritten for the new delivery
        changed = "-en-" in name
        assert (after[name][0] != before[name][0]) == changed, name
        if not changed:  # the kept files are the very same files, linked into the new delivery
            assert after[name][1] == before[name][1], name
    manifest = json.loads(after["manifest.json"][0])
    assert len([entry for entry in manifest["files"] if entry["file"].endswith(".pdf")]) == 8
    report = json.loads(after["preflight.json"][0])
    assert len(report["files"]) == 8 and report["errors"] == 0


@pytest.mark.slow
def test_files_made_with_other_print_settings_are_not_kept_by_a_partial_rebuild(minimal_issue, tmp_path, caplog):
    output = tmp_path / "output"
    assert publish_issue(minimal_issue, Asked(("az", "en")), PrintSettings(), output).files
    publish_issue(minimal_issue, Asked(("en",)), PrintSettings(bleed_mm=5), output)
    names = {path.name for path in (output / "2023-H1").iterdir()}
    assert "since-the-victory-2023-H1-az-print.pdf" not in names  # 3 mm bleed: it would not match the new one
    assert "since-the-victory-2023-H1-az-screen.pdf" in names  # the screen file does not depend on the bleed
    assert (
        "since-the-victory-2023-H1-az-print.pdf: dropped from the delivery: it was made with other settings"
        in caplog.text
    )
    manifest = json.loads((output / "2023-H1" / "manifest.json").read_text(encoding="utf-8"))
    bleeds = {entry["bleed_mm"] for entry in manifest["files"] if entry["file"].endswith("-print.pdf")}
    assert bleeds == {5}


@pytest.mark.slow
def test_a_failed_preflight_delivers_nothing_and_keeps_the_previous_delivery(
    minimal_issue, tmp_path, monkeypatch, capsys, in_process
):
    output = tmp_path / "output"
    assert main([str(minimal_issue), "--output", str(output), "--lang", "en", "--package", "-q"]) == 0
    before = snapshot(output / "2023-H1")

    def failing(path, pdf, expected):
        return [Finding(path.name, "pages", "error", "the page count is wrong on purpose")]

    monkeypatch.setitem(preflight.CHECKS, "pages", failing)
    assert main([str(minimal_issue), "--output", str(output), "--lang", "en", "--package", "--force"]) == 1
    error = capsys.readouterr().err
    assert "preflight found 2 error(s); nothing was delivered" in error
    assert "the page count is wrong on purpose" in error
    assert snapshot(output / "2023-H1") == before
    report = json.loads((output / "2023-H1.preflight-failed.json").read_text(encoding="utf-8"))
    assert report["errors"] == 2
    assert sorted(path.name for path in output.iterdir()) == [
        ".cache",
        ".lock",
        ".staging",
        "2023-H1",
        "2023-H1.preflight-failed.json",
    ]
    monkeypatch.undo()
    assert main([str(minimal_issue), "--output", str(output), "--lang", "en", "-q", "--force"]) == 0
    assert not (output / "2023-H1.preflight-failed.json").exists()


@pytest.mark.slow
def test_a_photograph_under_the_minimum_resolution_stops_the_print_build(minimal_issue, tmp_path, capsys):
    place_photo(minimal_issue, (300, 187))  # about 52 ppi where it is placed
    assert main([str(minimal_issue), "--output", str(tmp_path / "output"), "--lang", "en"]) == 1
    error = capsys.readouterr().err
    assert "since-the-victory-2023-H1-en-print.pdf: pictures too coarse for print" in error
    assert (
        "2023-H1/images/photo.jpg on page 5: 52 ppi (300×187 px over 148×92 mm), under the minimum of 150 ppi" in error
    )
    assert not (tmp_path / "output" / "2023-H1").exists()


@pytest.mark.slow
def test_a_photograph_under_300_ppi_gets_a_warning_naming_it_and_its_page(minimal_issue, tmp_path, capsys):
    place_photo(minimal_issue, (1200, 748))  # about 207 ppi
    assert main([str(minimal_issue), "--output", str(tmp_path / "output"), "--lang", "en"]) == 0
    error = capsys.readouterr().err
    assert "2023-H1/images/photo.jpg on page 5: 207 ppi (1200×748 px over 148×92 mm), under 300 ppi for print" in error
    report = json.loads((tmp_path / "output" / "2023-H1" / "preflight.json").read_text(encoding="utf-8"))
    assert report["warnings"] == 1  # the print file's images check; the screen file is downsampled anyway


def test_a_missing_colour_profile_stops_the_build_with_a_clear_message(minimal_issue, tmp_path, capsys):
    missing = tmp_path / "bureau.icc"
    assert (
        main(
            [
                str(minimal_issue),
                "--output",
                str(tmp_path / "output"),
                "--icc-profile",
                str(missing),
                "--output-condition",
                "FOGRA39",
            ]
        )
        == 1
    )
    error = capsys.readouterr().err
    assert f"colour profile {missing}: No such file or directory" in error and "--icc-profile" in error
    assert not (tmp_path / "output" / "2023-H1").exists()


def test_an_rgb_profile_is_refused_for_print(minimal_issue, tmp_path, capsys):
    assert (
        main(
            [
                str(minimal_issue),
                "--output",
                str(tmp_path / "output"),
                "--icc-profile",
                "/usr/share/color/icc/ghostscript/srgb.icc",  # from libgs-common, which Ghostscript needs
                "--output-condition",
                "FOGRA39",
            ]
        )
        == 1
    )
    assert "describes RGB, not CMYK" in capsys.readouterr().err


@pytest.mark.slow
def test_crop_marks_are_drawn_outside_the_bleed_in_registration_colour(minimal_issue, tmp_path):
    output = tmp_path / "output"
    assert main([str(minimal_issue), "--output", str(output), "--lang", "ru", "--crop-marks", "-q"]) == 0
    with pikepdf.open(output / "2023-H1" / "since-the-victory-2023-H1-ru-print.pdf") as pdf:
        slug = 9 * MM_TO_PT
        for page in pdf.pages:
            trim = [float(value) for value in page.TrimBox]
            media = [float(value) for value in page.MediaBox]
            assert media == pytest.approx([trim[0] - slug, trim[1] - slug, trim[2] + slug, trim[3] + slug])
            assert page.Resources.ColorSpace.Registration[1] == "/All"
    with pikepdf.open(output / "2023-H1" / "since-the-victory-2023-H1-ru-screen.pdf") as pdf:
        assert all("/Registration" not in page.Resources.get("/ColorSpace", {}) for page in pdf.pages)


@pytest.mark.slow
@pytest.mark.parametrize("variant", VARIANTS)
def test_a_second_build_gives_identical_bytes(minimal_issue, tmp_path, variant):
    for name in ("first", "second"):
        assert (
            main([str(minimal_issue), "--output", str(tmp_path / name), "--lang", "az", "--variant", variant, "-q"])
            == 0
        )
    first, second = (snapshot(tmp_path / name / "2023-H1") for name in ("first", "second"))
    assert {name: data for name, (data, _inode) in first.items()} == {
        name: data for name, (data, _inode) in second.items()
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    "settings",
    [
        PrintSettings(bleed_mm=5, page_multiple=8),
        PrintSettings(trim="A5"),
        PrintSettings(page_multiple=1, crop_marks=True),
    ],
    ids=["5 mm bleed, 8 pages", "A5", "no padding, crop marks"],
)
def test_other_print_settings_give_pdfs_that_pass_the_preflight(minimal_issue, tmp_path, settings):
    # with a cover picture, so that the cover must fit the trim for its period to be printed
    apply_edits(
        minimal_issue,
        [{"file": "issue.yaml", "replace": "sections:", "with": "cover_image: images/sketch.svg\nsections:"}]
        + [
            {
                "file": f"{language}.yaml",
                "replace": f"language: {language}\n",
                "with": f'language: {language}\ncover_alt: "Hills"\n',
            }
            for language in LANGUAGES
        ],
    )
    delivered = publish_issue(minimal_issue, Asked(("en",), ("print",)), settings, tmp_path / "output")
    (printed,) = delivered.printed.values()
    assert printed.pages % settings.page_multiple == 0
    report = json.loads((delivered.folder / "preflight.json").read_text(encoding="utf-8"))
    assert report["errors"] == 0
    width, height = settings.trim_pt
    bleed = settings.bleed_pt("print")
    with pikepdf.open(printed.path) as pdf:
        for page in pdf.pages:
            assert [float(value) for value in page.TrimBox] == pytest.approx([0, 0, width, height], abs=0.01)
            assert [float(value) for value in page.BleedBox] == pytest.approx(
                [-bleed, -bleed, width + bleed, height + bleed], abs=0.01
            )
