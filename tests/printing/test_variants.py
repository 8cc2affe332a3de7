"""The print and screen PDFs of the sample issue, read back with pikepdf and the poppler tools."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pikepdf
import pytest

from bulletin.content.examination import validate_issue
from bulletin.language.typography import plain_text, typeset_text
from bulletin.preflight.colourscan import find_colour
from bulletin.printing.settings import DEFAULT_PROFILE, MM_TO_PT
from bulletin.workflow.cli import main

from conftest import LANGUAGES, SAMPLE, page_texts

pytestmark = pytest.mark.slow  # every test reads the PDFs of the sample's build

A4 = (210 * MM_TO_PT, 297 * MM_TO_PT)
BLEED = 3 * MM_TO_PT


def near(box, expected) -> bool:
    """Whether a PDF box equals the expected rectangle within a hundredth of a point."""
    return all(abs(float(value) - float(wanted)) < 0.01 for value, wanted in zip(box, expected))


def pictures(pdf: Path) -> list[dict[str, str]]:
    """Return pdfimages' list: page, size, colour and resolution of every image."""
    lines = subprocess.run(
        ["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    keys = (
        "page",
        "num",
        "type",
        "width",
        "height",
        "color",
        "comp",
        "bpc",
        "enc",
        "interp",
        "object",
        "id",
        "x-ppi",
        "y-ppi",
        "size",
        "ratio",
    )
    return [dict(zip(keys, line.split())) for line in lines]


@pytest.fixture(scope="module")
def issue():
    return validate_issue(SAMPLE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_print_is_pdfx4_with_the_cmyk_output_intent(sample_build, language):
    with pikepdf.open(sample_build.pdf(language, "print")) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFX"
        profile = intents[0].DestOutputProfile
        assert profile.N == 4 and profile.read_bytes()[16:20] == b"CMYK"
        assert str(intents[0].OutputConditionIdentifier) == "FOGRA39"
        assert str(intents[0].RegistryName) == "http://www.color.org"
        assert "coated" in str(intents[0].OutputCondition)
        assert profile.read_bytes() == DEFAULT_PROFILE.read_bytes()  # the profile made for FOGRA39 at set-up
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
        assert "<xmpMM:DocumentID>xmp.did:" in xmp and pdf.trailer.Info.Trapped == "/False"
        assert pdf.pdf_version == "1.6" and not pdf.is_encrypted


@pytest.mark.parametrize("language", LANGUAGES)
def test_print_pages_are_a4_with_3_mm_bleed_on_every_side(sample_build, language):
    with pikepdf.open(sample_build.pdf(language, "print")) as pdf:
        for page in pdf.pages:
            assert near(page.TrimBox, (0, 0, *A4))
            assert near(page.BleedBox, (-BLEED, -BLEED, A4[0] + BLEED, A4[1] + BLEED))
            assert near(page.MediaBox, page.BleedBox)  # no crop marks unless asked for


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cover_background_runs_into_the_bleed(sample_build, language, tmp_path):
    """The navy cover is painted to the edge of the bleed box, not just to the trim."""
    pdf = sample_build.pdf(language, "print")
    subprocess.run(
        ["pdftoppm", "-r", "20", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "cover")], check=True
    )
    from PIL import Image

    with Image.open(next(tmp_path.glob("cover*.png"))) as image:
        corner = image.convert("RGB").getpixel((0, 0))
    assert sum(corner) < 200, corner  # dark navy, not white paper


@pytest.mark.parametrize("language", LANGUAGES)
def test_print_pages_are_a_multiple_of_4_padded_before_the_back_cover_only(sample_build, language):
    texts = [" ".join(page.split()) for page in page_texts(sample_build.pdf(language, "print"))]
    assert len(texts) % 4 == 0
    blank = [number for number, text in enumerate(texts, 1) if not text]
    assert blank == list(range(len(texts) - len(blank), len(texts))), blank  # only just before the last page
    assert texts[-1]  # the back cover has its text


@pytest.mark.parametrize("language", LANGUAGES)
def test_print_uses_no_rgb_and_its_photographs_are_cmyk_at_300_ppi(sample_build, language):
    with pikepdf.open(sample_build.pdf(language, "print")) as pdf:
        assert find_colour(pdf, "rgb") == {}
    photographs = pictures(sample_build.pdf(language, "print"))
    assert len(photographs) == 6
    for photograph in photographs:
        assert photograph["color"] == "cmyk" and float(photograph["x-ppi"]) >= 300, photograph


@pytest.mark.parametrize("language", LANGUAGES)
def test_screen_is_tagged_pdf_ua_with_title_language_and_alt_text(sample_build, issue, language):
    with pikepdf.open(sample_build.pdf(language, "screen")) as pdf:
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == language and pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.trailer.Info.Title).startswith(str(pdf.open_metadata().get("dc:title", "")))
        assert 'pdfuaid:part="1"' in pdf.Root.Metadata.read_bytes().decode()
        alts, stack = [], [pdf.Root.StructTreeRoot]
        while stack:
            element = stack.pop()
            if isinstance(element, pikepdf.Dictionary):
                if element.get("/S") == "/Figure" and "Table" not in repr(element.K):  # a picture, not the chart
                    alts.append(str(element.Alt))
                kids = element.get("/K")
                stack += list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    expected = [
        plain_text(text, language)
        for text in [issue.cover_alt[language]]
        + [picture.alt[language] for article in issue.articles for picture in article.illustrations]
    ]
    assert sorted(alts) == sorted(expected)


@pytest.mark.parametrize("language", LANGUAGES)
def test_screen_links_are_described_by_their_text_in_the_editions_language(sample_build, issue, language):
    titles = {article.id: typeset_text(article.title[language], language) for article in issue.articles}
    titles |= {f"section-{section.id}": typeset_text(section.title[language], language) for section in issue.sections}
    with pikepdf.open(sample_build.pdf(language, "screen")) as pdf:
        links = [
            annotation
            for page in pdf.pages
            for annotation in page.get("/Annots", [])
            if annotation.get("/Subtype") == "/Link"
        ]
        assert len(links) >= len(titles)
        for link in links:
            target = str(link.Dest)
            assert str(link.Contents) != target  # never the bare id
            if target in titles:
                assert str(link.Contents) == " ".join(titles[target].split())


@pytest.mark.parametrize("language", LANGUAGES)
def test_screen_is_srgb_with_photographs_at_150_ppi_and_a_third_of_the_print_size(sample_build, language):
    screen, printed = sample_build.pdf(language, "screen"), sample_build.pdf(language, "print")
    with pikepdf.open(screen) as pdf:
        assert find_colour(pdf, "cmyk") == {}
        assert all(near(page.MediaBox, (0, 0, *A4)) for page in pdf.pages)
    photographs = pictures(screen)
    assert len(photographs) == 6
    for photograph in photographs:
        assert photograph["color"] == "rgb" and 145 <= float(photograph["x-ppi"]) <= 152, photograph
    assert screen.stat().st_size * 3 <= printed.stat().st_size


def test_both_variants_carry_the_same_page_numbers_in_their_contents(sample_build):
    """Padding only adds pages before the back cover, so the contents page is the same in both."""
    for language in LANGUAGES:
        contents = [page_texts(sample_build.pdf(language, variant))[3] for variant in ("print", "screen")]
        assert " ".join(contents[0].split()) == " ".join(contents[1].split())


@pytest.mark.slow
def test_the_sample_prints_for_uncoated_paper_within_its_ink_limit_and_without_a_query(tmp_path):
    asked = [str(SAMPLE), "--lang", "ru", "--variant", "print", "--output-condition", "FOGRA29", "--output"]
    assert main([*asked, str(tmp_path)]) == 0
    report = json.loads((tmp_path / SAMPLE.name / "preflight.json").read_text(encoding="utf-8"))
    assert (report["errors"], report["warnings"]) == (0, 0)
    [findings] = [entry["findings"] for entry in report["files"].values()]
    messages = {finding["check"]: finding["message"] for finding in findings}
    assert messages["pdfx"] == "PDF/X-4, output intent FOGRA29"
    assert messages["rip"] == "Ghostscript rendered 24 pages without a word"
    heaviest = int(messages["ink"].split(" % ink")[0].removeprefix("at most "))
    assert heaviest <= 260 and messages["ink"].endswith("within 260 %")
