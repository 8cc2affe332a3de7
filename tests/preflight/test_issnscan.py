"""The ISSN check: each file gives its own medium's ISSN in its text and its XMP; a swapped ISSN is an error."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pikepdf
import pytest

from bulletin.content.examination import validate_issue
from bulletin.preflight.issnscan import PRISM, issn_problems
from bulletin.preflight.textscan import check_issn

from .pdfs import PRINT, SCREEN
from conftest import LANGUAGES, SAMPLE

PAPER, ONLINE = "2958-101X", "3006-1059"  # the Russian edition's, in the sample
PRINT_ISSN = dataclasses.replace(PRINT, issn=PAPER, issn_property="issn", other_issn=ONLINE)
SCREEN_ISSN = dataclasses.replace(SCREEN, issn=ONLINE, issn_property="eIssn", other_issn=PAPER)
IMPRINT = "ISSN (электронная версия)      3006-1059\nISSN-L                         2958-101X\n"


def test_the_own_issn_with_the_other_as_issn_l_passes():
    xmp = {f"{PRISM}eIssn": ONLINE}
    assert issn_problems(["Cover", IMPRINT, "ISSN 3006-1059"], xmp, SCREEN_ISSN) == []


def test_the_other_medium_s_issn_in_the_text_is_named_with_its_page():
    pages = ["Cover", IMPRINT.replace("3006-1059", "2958-101X", 1), "ISSN 2958-101X"]
    assert issn_problems(pages, {f"{PRISM}eIssn": ONLINE}, SCREEN_ISSN) == [
        (
            2,
            "pages 2, 3 give the other medium's ISSN 2958-101X where this screen file gives 3006-1059 (the other's may"
            " stand only after ISSN-L)",
        ),
        (None, "the text gives the ISSN 3006-1059 nowhere (its imprint and back cover do)"),
    ]


def test_the_xmp_gives_the_own_issn_by_the_medium_s_property_and_no_other():
    assert issn_problems([IMPRINT], {f"{PRISM}issn": PAPER}, SCREEN_ISSN) == [
        (None, "XMP prism:eIssn is None, not this file's ISSN '3006-1059'"),
        (None, "XMP prism:issn is '2958-101X': a screen file gives its ISSN as prism:eIssn only"),
    ]
    # A PDF/X-1a carries no XMP: its text alone is read.
    assert issn_problems(["ISSN 2958-101X\nISSN-L 2958-101X"], None, PRINT_ISSN) == []


@pytest.fixture(scope="module")
def issue():
    return validate_issue(SAMPLE)


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_file_of_the_sample_gives_its_medium_s_issn_and_fails_with_the_other_s(sample_build, issue, language):
    issns = issue.issn[language]
    print_expected = dataclasses.replace(PRINT, issn=issns.print, issn_property="issn", other_issn=issns.online)
    screen_expected = dataclasses.replace(SCREEN, issn=issns.online, issn_property="eIssn", other_issn=issns.print)
    for variant, expected in (("print", print_expected), ("screen", screen_expected)):
        path = sample_build.pdf(language, variant)
        with pikepdf.open(path) as pdf:
            [finding] = check_issn(path, pdf, expected)
        assert finding.severity == "pass", finding.message
    # The build's preflight ran the check on each, and found it so.
    report = json.loads((sample_build.folder / "preflight.json").read_text(encoding="utf-8"))
    for variant, own in (("print", issns.print), ("screen", issns.online)):
        findings = report["files"][sample_build.pdf(language, variant).name]["findings"]
        assert [(item["severity"], own in item["message"]) for item in findings if item["check"] == "issn"] == [
            ("pass", True)
        ]
    # The screen file taken for the print file: its text and its XMP give the online ISSN.
    path = sample_build.pdf(language, "screen")
    with pikepdf.open(path) as pdf:
        findings = check_issn(path, pdf, print_expected)
    assert [finding.severity for finding in findings] == ["error"] * 4
    assert findings[0].page == 2 and f"the other medium's ISSN {issns.online}" in findings[0].message
    assert [finding.message.split(" is ")[0] for finding in findings[2:]] == ["XMP prism:issn", "XMP prism:eIssn"]


@pytest.mark.slow
def test_a_print_file_whose_xmp_gives_the_online_issn_fails(sample_build, tmp_path):
    path = tmp_path / "swapped.pdf"
    shutil.copy(sample_build.pdf("ru", "print"), path)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp["prism3:issn"] = ONLINE
        pdf.save(path)
    with pikepdf.open(path) as pdf:
        findings = check_issn(path, pdf, PRINT_ISSN)
    assert [(finding.severity, finding.message) for finding in findings] == [
        ("error", "XMP prism:issn is '3006-1059', not this file's ISSN '2958-101X'")
    ]
