"""A word divided at a line's end is read whole: the hyphen the layout adds is given as a soft hyphen
(`printing.hyphens`), as poppler and MuPDF read the file, found wanting by the preflight's own check where it is
not, and a hyphen of the text stays hard."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pymupdf
import pytest

from bulletin.preflight.checks import preflight_pdf
from bulletin.printing.finishing import finish_screen
from bulletin.printing.hyphens import soften_added_hyphens

from .pdfs import SCREEN, SCREEN_COVER, looks_the_same, only

PROSE = (
    "Восстановление освобождённых территорий продолжается: строятся дороги, жилые кварталы, школы и больницы,"
    " возвращаются первые жители, открываются музеи и библиотеки, восстанавливаются памятники архитектуры."
)
# A hyphen of the text that is U+2011 before an emphasis, on the same line: not at a line's end. One that is
# U+2010, at the end of a narrow line with no word hyphenated: a hard hyphen that ends a line.
AUTHORED = (
    '<p style="width: 150mm">Ветер северо\u2011<em>западный</em>, и\u00a0погода ясная.</p>'
    '<p style="width: 24mm; hyphens: manual">Шуша\u2010Лачинская дорога</p>'
)
STYLE = '<style>p { hyphens: auto; hyphenate-character: "\\2011" } .narrow { width: 45mm }</style>'


@pytest.fixture(scope="module")
def divided(make) -> Path:
    return make("divided.pdf", SCREEN_COVER + STYLE + f'<p class="narrow">{PROSE}</p>' + AUTHORED, "screen", lang="ru")


@pytest.fixture(scope="module")
def finished(divided) -> Path:
    target = divided.with_name("finished-divided.pdf")
    target.write_bytes(finish_screen(divided.read_bytes(), {}, []))
    return target


def poppler_lines(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True)
    return [line.strip() for line in text.stdout.splitlines() if line.strip()]


def mupdf_lines(pdf: Path) -> list[str]:
    with pymupdf.open(pdf) as document:
        return [line.strip() for page in document for line in page.get_text().splitlines() if line.strip()]


def joined(lines: list[str], hyphen: str) -> str:
    return " ".join(" ".join(lines).replace(hyphen + " ", "").split())


def test_the_layout_divides_words_with_its_own_hyphen_which_the_check_finds_read_as_a_hard_one(divided):
    lines = poppler_lines(divided)
    added = [line for line in lines if line.endswith("\u2011")]
    assert len(added) >= 3, lines  # the narrow paragraph's words are divided
    assert PROSE in joined(lines, "\u2011")
    [finding] = only(preflight_pdf(divided, SCREEN), "structure")
    assert finding.message.startswith(f"{len(added)} words divided at a line's end read with a hard hyphen, not a soft")
    assert finding.message.endswith(" on page 1")


@pytest.mark.parametrize("read", [poppler_lines, mupdf_lines], ids=["poppler", "mupdf"])
def test_once_finished_each_reads_as_a_soft_hyphen_and_the_word_is_read_whole(divided, finished, read):
    before, after = read(divided), read(finished)
    softened = [line for line in after if line.endswith("\u00ad")]
    assert len(softened) == len([line for line in before if line.endswith("\u2011")]) >= 3
    assert not [line for line in after if line.endswith("\u2011")]
    assert [line.removesuffix("\u00ad") for line in after] == [line.removesuffix("\u2011") for line in before]
    assert PROSE in joined(after, "\u00ad")


def test_a_hyphen_of_the_text_stays_hard(finished):
    lines = poppler_lines(finished)
    assert "Ветер северо\u2011западный, и погода ясная." in lines  # U+2011 before the emphasis: not a line's end
    assert "Шуша\u2010" in lines  # a line ends with it: a hyphen the text holds, which a reader must hear


def test_the_finished_file_passes_the_check_and_looks_the_same(divided, finished, tmp_path):
    assert [finding.message for finding in only(preflight_pdf(finished, SCREEN), "structure")] == []
    assert looks_the_same(divided, finished, tmp_path)


def test_each_soft_hyphen_is_its_own_replacement_text_inside_the_lines_marked_content(finished):
    with pikepdf.open(finished) as pdf:
        assert soften_added_hyphens(pdf) == 0  # done once: nothing is left to do
        depth, spans = 0, []
        for instruction in pikepdf.parse_content_stream(pdf.pages[0]):
            operator = str(instruction.operator)
            if operator == "BDC":
                properties = instruction.operands[1]
                if "/ActualText" in properties:
                    spans.append((depth, str(properties.ActualText)))
                depth += 1
            elif operator == "EMC":
                depth -= 1
    assert spans and set(spans) == {(1, "\u00ad")}  # nested in the line's own sequence, which the tree reads
