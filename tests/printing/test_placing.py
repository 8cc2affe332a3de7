"""Pictures prepared once per issue: each the size it is placed at, in each variant's resolution and colours."""

from __future__ import annotations

import json
import shutil
import struct
from hashlib import sha256
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops, ImageCms, ImageOps, ImageStat, PngImagePlugin

from bulletin.content.examination import validate_issue
from bulletin.language.fonts import find_typefaces
from bulletin.printing import placing
from bulletin.printing.colours import load_profile
from bulletin.printing.inworker import measure
from bulletin.printing.jobs import SlotProbe
from bulletin.printing.placing import PictureJob, needed_pixels, prepare_picture, prepare_pictures
from bulletin.printing.settings import DEFAULT_PROFILE, PrintSettings
from bulletin.util.errors import BuildError
from bulletin.util.fingerprints import read_inputs
from bulletin.util.workers import Workers
from bulletin.workflow.cli import main

from conftest import LANGUAGES, MINIMAL, PROJECT, SAMPLE, Build, apply_edits, made_once, make_picture

SETTINGS = PrintSettings()


@pytest.fixture(scope="module")
def sample():
    return validate_issue(SAMPLE, False)


def prepare(issue, cache: Path, variants=("print", "screen")) -> dict[str, dict[Path, Path]]:
    profile = load_profile(DEFAULT_PROFILE)
    with Workers(1) as workers:
        return prepare_pictures(
            issue,
            set(variants),
            SETTINGS,
            find_typefaces(),
            profile,
            read_inputs(issue.folder, PROJECT),
            cache,
            workers,
        )


@pytest.mark.slow
def test_each_photograph_is_made_the_size_it_is_placed_at_in_each_variant(sample, tmp_path):
    prepared = prepare(sample, tmp_path / "cache")
    photos = [path for path in sample.pictures if path.suffix == ".jpg"]
    drawings = [path for path in sample.pictures if path.suffix == ".svg"]
    assert set(prepared["print"]) == {path.resolve() for path in sample.pictures}  # drawings get CMYK colours
    assert set(prepared["screen"]) == {path.resolve() for path in photos}  # drawings are used as they are
    for variant, ppi in (("print", 300), ("screen", 150)):
        drawn = measure(
            SlotProbe(
                variant, SETTINGS, find_typefaces(), tuple(("illustration", Image.open(path).size) for path in photos)
            )
        )
        for path, (width_mm, _height_mm) in zip(photos, drawn):
            with Image.open(prepared[variant][path.resolve()]) as image:
                assert image.format == "JPEG" and image.mode == ("CMYK" if variant == "print" else "RGB")
                # Just enough pixels for the resolution over the drawn size, in the original's proportions.
                assert image.width / (width_mm / 25.4) == pytest.approx(ppi, abs=0.5), (path.name, variant)
                assert image.width < Image.open(path).width
    for path in drawings:
        assert b"device-cmyk(" in prepared["print"][path.resolve()].read_bytes()


@pytest.mark.slow
def test_the_stand_ins_are_placed_as_the_editions_place_the_pictures(sample_build, sample):
    """The probe's markup (printing.SLOTS) must lay out as the templates do: the print PDFs' photographs
    come out at exactly 300 ppi, the screen PDFs' at 150."""
    report = json.loads((sample_build.folder / "preflight.json").read_text(encoding="utf-8"))
    for name, group in report["files"].items():
        images = [finding["message"] for finding in group["findings"] if finding["check"] == "images"]
        expected = "300 to 300 ppi" if name.endswith("-print.pdf") else "150 to 150 ppi"
        assert images == [f"6 images, {expected}"], name


@pytest.mark.slow
def test_pictures_are_prepared_once_for_every_language(sample_build, sample, tmp_path):
    cache = sample_build.folder.parent / ".cache" / "pictures"
    photos = [path for path in sample.pictures if path.suffix == ".jpg"]
    # One file per picture and variant, whatever the number of languages: print (photos and drawings), screen.
    assert len(list(cache.iterdir())) == len(sample.pictures) + len(photos)
    written = {path: path.stat().st_mtime_ns for path in cache.iterdir()}
    prepared = prepare(sample, cache)
    assert {path: path.stat().st_mtime_ns for path in cache.iterdir()} == written
    assert set(written) == {path for files in prepared.values() for path in files.values()}


@pytest.mark.slow
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
        prepare_picture(
            PictureJob(
                broken,
                sha256(b"not a JPEG").hexdigest(),
                "print",
                (10, 10),
                tmp_path / "out.jpg",
                (profile.path, profile.data),
            )
        )


@pytest.mark.slow
def test_a_photograph_on_the_cover_is_made_the_size_it_is_drawn_at(minimal_issue, tmp_path, monkeypatch):
    """The cover's place, too, is measured as the template makes it; and an issue named by a relative path
    (as an editor types it) finds its pictures."""
    ImageOps.colorize(Image.linear_gradient("L").resize((3000, 2000)), (120, 90, 60), (60, 40, 20)).save(
        minimal_issue / "images" / "cover.jpg", quality=90
    )
    with open(minimal_issue / "issue.yaml", "a", encoding="utf-8") as file:
        file.write("cover_image: images/cover.jpg\n")
    for language in ("az", "ru", "en", "es"):
        with open(minimal_issue / f"{language}.yaml", "a", encoding="utf-8") as file:
            file.write('cover_alt: "Photo."\n')
    monkeypatch.chdir(minimal_issue.parent.parent)
    assert main(["issues/2023-H1", "--output", "out", "--lang", "en", "-q"]) == 0
    report = json.loads(Path("out/2023-H1/preflight.json").read_text(encoding="utf-8"))
    images = {
        name: finding["message"]
        for name, group in report["files"].items()
        for finding in group["findings"]
        if finding["check"] == "images"
    }
    assert images == {
        "since-the-victory-2023-H1-en-print.pdf": "1 image, 300 to 300 ppi",
        "since-the-victory-2023-H1-en-screen.pdf": "1 image, 150 to 150 ppi",
    }


# Every mode a photograph can be in prints as it looks, and without its metadata

SECRET = "EDITOR-ONLY"  # written into every kind of metadata a photograph can carry; no PDF may hold it
MODES = {  # file -> how make_picture makes it
    "rgb.jpg": {"mode": "RGB"},
    "grey.jpg": {"mode": "L"},
    "cmyk.jpg": {"mode": "CMYK"},
    "grey16.png": {"mode": "I;16"},
    "grey16-transparent.png": {"mode": "I;16", "transparency": 5140},
    "rgba.png": {"mode": "RGBA"},
    "grey-alpha.png": {"mode": "LA"},
    "palette.png": {"mode": "P"},
    "palette-transparent.png": {"mode": "P", "transparency": 0},
    "bilevel.png": {"mode": "1"},
    "grey-transparent.png": {"mode": "L", "transparency": 20},
}


def with_metadata(path: Path) -> None:
    """Give a photograph a comment, EXIF, XMP and a Photoshop (IPTC) block, or PNG text, each holding SECRET."""
    exif = Image.Exif()
    exif[0x010E] = f"{SECRET} description"  # ImageDescription
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>{SECRET} xmp</rdf:RDF></x:xmpmeta>'.encode()
    with Image.open(path) as image:
        image.load()
    if path.suffix == ".png":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", f"{SECRET} text")
        text.add_itxt("XML:com.adobe.xmp", xmp.decode())
        image.save(path, pnginfo=text, exif=exif)
        return
    image.save(path, quality=95, comment=f"{SECRET} comment", exif=exif, xmp=xmp)
    data = path.read_bytes()
    iptc = b"Photoshop 3.0\0" + b"8BIM\x04\x04\0\0" + struct.pack(">I", 30) + f"{SECRET} iptc".encode().ljust(30)
    path.write_bytes(data[:2] + b"\xff\xed" + struct.pack(">H", len(iptc) + 2) + iptc + data[2:])


@pytest.fixture(scope="module")
def every_mode(tmp_path_factory):
    """The minimal issue with an illustration in every mode, its metadata full of SECRET, built in English (once
    in the session)."""

    def build(top: Path) -> None:
        issue = shutil.copytree(MINIMAL, top / "issues" / "2023-H1")
        for name, options in MODES.items():
            with_metadata(make_picture(issue / "images" / name, size=(1200, 800), **options))
        entries = "".join(f"          - id: {Path(name).stem}\n            file: images/{name}\n" for name in MODES)
        apply_edits(
            issue,
            [
                {
                    "file": "issue.yaml",
                    "replace": "        illustrations:\n",
                    "with": "        illustrations:\n" + entries,
                }
            ],
        )
        texts = "".join(
            f'  {Path(name).stem}:\n    caption: "{name}"\n    credit: "Tests"\n'
            f'    alt: "A test card stored as {Path(name).suffix[1:].upper()} in the mode {Path(name).stem}"\n'
            for name in MODES
        )
        for language in LANGUAGES:
            apply_edits(
                issue, [{"file": f"{language}.yaml", "replace": "illustrations:\n", "with": "illustrations:\n" + texts}]
            )
        assert main([str(issue), "--output", str(top / "output"), "--lang", "en", "-q"]) == 0

    top = made_once(tmp_path_factory, "every-mode", build)
    return top / "issues" / "2023-H1", Build(top / "output" / "2023-H1")


def painted_images(pdf: pikepdf.Pdf) -> list[Image.Image]:
    """The images a PDF paints, in the order its pages paint them."""
    images = []
    for page in pdf.pages:
        xobjects = page.Resources.get("/XObject", {})
        for instruction in pikepdf.parse_content_stream(page, "Do"):
            xobject = xobjects.get(str(instruction.operands[0]))
            if xobject is not None and xobject.get("/Subtype") == "/Image":
                images.append(pikepdf.PdfImage(xobject).as_pil_image())
    return images


def looks(image: Image.Image, profile) -> Image.Image:
    """A picture as a reader sees it, small and in grey: in 8 bits, laid on white paper, CMYK through the profile."""
    if image.mode == "CMYK":
        image = ImageCms.profileToProfile(image, profile._profile, ImageCms.createProfile("sRGB"), outputMode="RGB")
    elif image.mode == "I;16":
        image = image.convert("I").point(lambda value: value / 257).convert("L")
    image = image.convert("RGBA")
    paper = Image.new("RGBA", image.size, "white")
    return Image.alpha_composite(paper, image).convert("L").resize((24, 16), Image.Resampling.BOX)


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["print", "screen"])
def test_a_photograph_in_every_mode_prints_as_it_looks(every_mode, variant):
    """16-bit grey came out white in print (Pillow cut its tones at 255) and as noise on screen (WeasyPrint drew
    its bytes as RGB); a CMYK photograph reached the screen edition in CMYK."""
    issue, build = every_mode
    profile = load_profile(DEFAULT_PROFILE)
    with pikepdf.open(build.pdf("en", variant)) as pdf:
        printed = painted_images(pdf)
    assert len(printed) == len(MODES)
    for name, image in zip(MODES, printed):
        assert (image.mode == "CMYK") == (variant == "print"), (name, image.mode)  # screen: sRGB or grey
        with Image.open(issue / "images" / name) as source:
            expected = looks(source, profile)
        difference = ImageStat.Stat(ImageChops.difference(expected, looks(image, profile))).mean[0]
        assert difference < 24, (name, variant, difference)


@pytest.mark.slow  # builds an issue of every picture mode, in every language and variant
def test_no_metadata_of_a_photograph_reaches_a_pdf(every_mode):
    _issue, build = every_mode
    for pdf_path in build.pdfs().values():
        with pikepdf.open(pdf_path) as pdf:
            streams = [item for item in pdf.objects if isinstance(item, pikepdf.Stream)]
            contents = [stream.read_raw_bytes() for stream in streams]
            contents += [stream.read_bytes() for stream in streams if stream.get("/Filter") != "/DCTDecode"]
        assert not [data for data in contents if SECRET.encode() in data], pdf_path.name
        assert SECRET.encode() not in pdf_path.read_bytes()
