"""Pictures prepared once per issue: each the size it is placed at, in each variant's resolution and colours."""

from __future__ import annotations

import json
import shutil
from hashlib import sha256
from pathlib import Path

import pytest
from PIL import Image

from bulletin import placing
from bulletin.cli import main
from bulletin.colours import load_profile
from bulletin.errors import BuildError
from bulletin.examination import validate_issue
from bulletin.fingerprints import read_inputs
from bulletin.fonts import find_typefaces
from bulletin.placing import PictureJob, SlotProbe, measure, needed_pixels, prepare_picture, prepare_pictures
from bulletin.settings import DEFAULT_PROFILE, PrintSettings
from bulletin.workers import Workers

from conftest import PROJECT, SAMPLE

SETTINGS = PrintSettings()


@pytest.fixture(scope="module")
def sample():
    return validate_issue(SAMPLE, False)


def prepare(issue, cache: Path, variants=("print", "screen")) -> dict[str, dict[Path, Path]]:
    profile = load_profile(DEFAULT_PROFILE)
    with Workers(1) as workers:
        return prepare_pictures(issue, set(variants), SETTINGS, find_typefaces(), profile,
                                read_inputs(issue.folder, PROJECT), cache, workers)


def test_each_photograph_is_made_the_size_it_is_placed_at_in_each_variant(sample, tmp_path):
    prepared = prepare(sample, tmp_path / "cache")
    photos = [path for path in sample.pictures if path.suffix == ".jpg"]
    drawings = [path for path in sample.pictures if path.suffix == ".svg"]
    assert set(prepared["print"]) == {path.resolve() for path in sample.pictures}  # drawings get CMYK colours
    assert set(prepared["screen"]) == {path.resolve() for path in photos}  # drawings are used as they are
    for variant, ppi in (("print", 300), ("screen", 150)):
        drawn = measure(SlotProbe(variant, SETTINGS, find_typefaces(),
                                        tuple(("illustration", Image.open(path).size) for path in photos)))
        for path, (width_mm, height_mm) in zip(photos, drawn):
            with Image.open(prepared[variant][path.resolve()]) as image:
                assert image.format == "JPEG" and image.mode == ("CMYK" if variant == "print" else "RGB")
                # Just enough pixels for the resolution over the drawn size, in the original's proportions.
                assert image.width / (width_mm / 25.4) == pytest.approx(ppi, abs=0.5), (path.name, variant)
                assert image.width < Image.open(path).width
    for path in drawings:
        assert b"device-cmyk(" in prepared["print"][path.resolve()].read_bytes()


def test_the_stand_ins_are_placed_as_the_editions_place_the_pictures(sample_build, sample):
    """The probe's markup (printing.SLOTS) must lay out as the templates do: the print PDFs' photographs
    come out at exactly 300 ppi, the screen PDFs' at 150."""
    report = json.loads((sample_build.folder / "preflight.json").read_text(encoding="utf-8"))
    for name, group in report["files"].items():
        images = [finding["message"] for finding in group["findings"] if finding["check"] == "images"]
        expected = "300 to 300 ppi" if name.endswith("-print.pdf") else "150 to 150 ppi"
        assert images == [f"6 images, {expected}"], name


def test_pictures_are_prepared_once_for_every_language(sample_build, sample, tmp_path):
    cache = sample_build.folder.parent / ".cache" / "pictures"
    photos = [path for path in sample.pictures if path.suffix == ".jpg"]
    # One file per picture and variant, whatever the number of languages: print (photos and drawings), screen.
    assert len(list(cache.iterdir())) == len(sample.pictures) + len(photos)
    written = {path: path.stat().st_mtime_ns for path in cache.iterdir()}
    prepared = prepare(sample, cache)
    assert {path: path.stat().st_mtime_ns for path in cache.iterdir()} == written
    assert set(written) == {path for files in prepared.values() for path in files.values()}


def test_a_damaged_or_changed_picture_is_made_again(sample, tmp_path):
    issue_folder = shutil.copytree(SAMPLE, tmp_path / "2022-H2")
    issue = validate_issue(issue_folder, False)
    photo = (issue_folder / "images" / "fortress.jpg").resolve()
    cache = tmp_path / "cache"
    cached = prepare(issue, cache, ("print",))["print"][photo]
    whole = cached.read_bytes()
    cached.write_bytes(whole[: len(whole) // 2])
    assert prepare(issue, cache, ("print",))["print"][photo] == cached and cached.read_bytes() == whole
    Image.new("RGB", (2000, 1244), (20, 40, 200)).save(photo)
    again = prepare(issue, cache, ("print",))["print"][photo]
    assert again != cached and again.exists() and cached.exists()


def test_the_cache_name_changes_with_the_converter_and_the_profile(sample, tmp_path, monkeypatch):
    photo = sample.pictures[1]
    profile = load_profile(DEFAULT_PROFILE)
    name = placing.cache_name(photo, "0" * 64, "print", (10, 10), profile)
    assert placing.cache_name(photo, "1" * 64, "print", (10, 10), profile) != name
    assert placing.cache_name(photo, "0" * 64, "print", (11, 10), profile) != name
    assert placing.cache_name(photo, "0" * 64, "screen", (10, 10), None) != name
    monkeypatch.setattr(placing, "CONVERTER", placing.CONVERTER + "-changed")
    assert placing.cache_name(photo, "0" * 64, "print", (10, 10), profile) != name


def test_a_photograph_is_never_enlarged_and_keeps_its_proportions():
    assert needed_pixels((300, 200), (100.0, 66.7), 300) is None  # 76 ppi: as it is
    assert needed_pixels((4000, 3000), (100.0, 75.0), 300) == (1182, 886)
    assert needed_pixels((4000, 3000), (100.0, 75.0), 150) == (591, 443)


def test_a_camera_orientation_is_applied_before_scaling(tmp_path):
    source = tmp_path / "portrait.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown turned a quarter: portrait
    Image.new("RGB", (400, 200), (200, 40, 20)).save(source, exif=exif)
    assert placing.pixel_size(source) == (200, 400)
    target = tmp_path / "out.jpg"
    prepare_picture(PictureJob(source, sha256(source.read_bytes()).hexdigest(), "screen", (50, 100), target, None))
    with Image.open(target) as image:
        assert image.size == (50, 100)


def test_a_picture_that_cannot_be_read_is_a_build_error_naming_it(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a JPEG")
    profile = load_profile(DEFAULT_PROFILE)
    with pytest.raises(BuildError, match=r"broken\.jpg: cannot prepare the picture for print"):
        prepare_picture(PictureJob(broken, sha256(b"not a JPEG").hexdigest(), "print", (10, 10), tmp_path / "out.jpg",
                                   (profile.path, profile.data)))


def test_a_photograph_on_the_cover_is_made_the_size_it_is_drawn_at(minimal_issue, tmp_path, monkeypatch):
    """The cover's place, too, is measured as the template makes it; and an issue named by a relative path
    (as an editor types it) finds its pictures."""
    Image.new("RGB", (3000, 2000), (120, 90, 60)).save(minimal_issue / "images" / "cover.jpg", quality=90)
    with open(minimal_issue / "issue.yaml", "a", encoding="utf-8") as file:
        file.write("cover_image: images/cover.jpg\n")
    for language in ("az", "ru", "en", "es"):
        with open(minimal_issue / f"{language}.yaml", "a", encoding="utf-8") as file:
            file.write('cover_alt: "Photo."\n')
    monkeypatch.chdir(minimal_issue.parent.parent)
    assert main(["issues/2023-H1", "--output", "out", "--lang", "en", "-q"]) == 0
    report = json.loads(Path("out/2023-H1/preflight.json").read_text(encoding="utf-8"))
    images = {name: finding["message"] for name, group in report["files"].items() for finding in group["findings"]
              if finding["check"] == "images"}
    assert images == {"since-the-victory-2023-H1-en-print.pdf": "1 image, 300 to 300 ppi",
                      "since-the-victory-2023-H1-en-screen.pdf": "1 image, 150 to 150 ppi"}
