"""Where a line ends (`printing.lineends`), as poppler and MuPDF read the file: a word divided there is read whole,
the hyphen the layout adds given as a soft hyphen (and found wanting by the preflight's own check where it is not);
a hyphen of the text stays hard; the words on either side of any other line's end are two words."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pymupdf
import pytest

from bulletin.language.typography import typeset_html
from bulletin.preflight.checks import preflight_pdf
from bulletin.printing.finishing import finish_screen
from bulletin.printing.lineends import mark_line_ends

from .pdfs import SCREEN, SCREEN_COVER, looks_the_same, only

PROSE = (
    "Восстановление освобождённых территорий продолжается: строятся дороги, жилые кварталы, школы и больницы,"
    " возвращаются первые жители, открываются музеи и библиотеки, восстанавливаются памятники архитектуры."
)
# A hyphen of the text that is U+2011 before an emphasis, on the same line: not at a line's end. One that is
# U+2010, at the end of a narrow line with no word hyphenated: a hard hyphen that ends a line. A suspended U+2011,
# which the typographic pass sets as U+2010, where a narrow line breaks after it.
AUTHORED = (
    '<p style="width: 150mm">Ветер северо\u2011<em>западный</em>, и\u00a0погода ясная.</p>'
    '<p style="width: 24mm; hyphens: manual">Шуша\u2010Лачинская дорога</p>'
    '<p style="width: 30mm; hyphens: manual">Ветер с\u00a0северо\u2011 и\u00a0юго\u2011запада</p>'
)
STYLE = '<style>p { hyphens: auto; hyphenate-character: "\\2011" } .narrow { width: 45mm }</style>'


@pytest.fixture(scope="module")
def divided(make) -> Path:
    body = typeset_html(STYLE + f'<p class="narrow">{PROSE}</p>' + AUTHORED, "ru")
    return make("divided.pdf", SCREEN_COVER + body, "screen", lang="ru")


@pytest.fixture(scope="module")
def finished(divided) -> Path:
    target = divided.with_name("finished-divided.pdf")
    target.write_bytes(finish_screen(divided.read_bytes(), {}, []))
    return target


def poppler_lines(pdf: Path, strip: bool = True) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True)
    lines = [line.replace("\u00a0", " ") for line in text.stdout.splitlines() if line.strip()]
    return [line.strip() if strip else line for line in lines]


def mupdf_lines(pdf: Path, strip: bool = True) -> list[str]:
    with pymupdf.open(pdf) as document:
        lines = [
            line.replace("\u00a0", " ") for page in document for line in page.get_text().splitlines() if line.strip()
        ]
    return [line.strip() if strip else line for line in lines]


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
    # Suspended, then inside a word. Whether a hyphen of the text at a line's end is followed by a space (here) or by
    # the rest of its word ("muzey-" and "məqbərə") the text does not say: such a line's end is left as it was.
    assert "с северо\u2010" in lines and "и юго\u2011запада" in lines


def test_the_finished_file_passes_the_check_and_looks_the_same(divided, finished, tmp_path):
    assert [finding.message for finding in only(preflight_pdf(finished, SCREEN), "structure")] == []
    assert looks_the_same(divided, finished, tmp_path)


@pytest.mark.parametrize("read", [poppler_lines, mupdf_lines], ids=["poppler", "mupdf"])
def test_the_words_on_either_side_of_a_lines_end_are_two_words(divided, finished, read):
    """The lines run together with nothing put between them read as the text: each ends with its space or its soft
    hyphen, or a hyphen of the text, which is left as it was."""
    before, after = read(divided, strip=False), read(finished, strip=False)
    assert PROSE not in "".join(before)  # WeasyPrint's lines: "продолжается:" then "строятся", run together
    assert PROSE in "".join(after).replace("\u00ad", "")
    assert all(line.endswith((" ", "\u00ad", "\u2010")) for line in after)
    assert not any(line.endswith("  ") for line in after)


def test_each_line_end_is_read_through_replacement_text_inside_the_lines_marked_content(finished):
    with pikepdf.open(finished) as pdf:
        assert mark_line_ends(pdf) == (0, 0)  # done once: nothing is left to do
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
    readings = {reading for _, reading in spans}
    assert {depth for depth, _ in spans} == {1}  # nested in the line's own sequence, which the tree reads
    assert "\u00ad" in readings and all(reading == "\u00ad" or reading[1:] == " " for reading in readings)
