"""Which entries of an output folder are the builds' own, recognised strictly: each near miss of a build's name, a
link and an oversized record are foreign, beside the entry a build writes there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bulletin.delivery.ownership import MAX_RECORD, delivery_problem, foreign_entries

ISSUE = "2022-H2"
PDF = f"since-the-victory-{ISSUE}-az-print.pdf"
MANIFEST = json.dumps({"issue": ISSUE, "files": [{"file": PDF}]})


def deliver(folder: Path, manifest: str = MANIFEST) -> Path:
    """Write into `folder` a delivery of one PDF, as a build leaves it; return the folder."""
    folder.mkdir(parents=True)
    (folder / PDF).write_bytes(b"%PDF")
    (folder / "manifest.json").write_text(manifest)
    return folder


def test_a_link_in_a_delivery_is_foreign_even_named_as_its_pdf(tmp_path):
    folder = deliver(tmp_path / ISSUE)
    (folder / PDF).unlink()
    (folder / PDF).symlink_to(tmp_path / "elsewhere.pdf")
    assert delivery_problem(folder, ISSUE) == f"it holds {PDF!r}, which no build of {ISSUE} delivered"


def test_a_file_being_written_counts_as_the_file_it_will_be_and_only_if_that_is_the_builds(tmp_path):
    folder = deliver(tmp_path / ISSUE)
    (folder / f".{PDF}.k2j4h5.part").write_bytes(b"%PDF half")
    assert delivery_problem(folder, ISSUE) is None
    (folder / ".notes.txt.k2j4h5.part").write_bytes(b"an editor's")
    assert delivery_problem(folder, ISSUE) == f"it holds '.notes.txt.k2j4h5.part', which no build of {ISSUE} delivered"


def test_a_manifest_larger_than_any_build_writes_is_none_of_a_builds(tmp_path):
    folder = deliver(tmp_path / ISSUE, MANIFEST + " " * MAX_RECORD)
    assert delivery_problem(folder, ISSUE) == "its manifest.json is not a manifest a build of 2022-H2 wrote"


@pytest.mark.parametrize(
    "path, own",
    [
        (".staging/2022-H2.4242.k2j4h5/", True),
        (".staging/photos.4242.k2j4h5/", False),  # a staging folder's name, but no issue's
        (".staging/2022-H2.previous/", True),  # a delivery moved aside by a swap without renameat2, emptied
        (".staging/photos.previous/", False),
        ("previews/2022-H2/az/.pdftoppm-k2j4h5/", True),  # the scratch folder a killed preview left
        ("previews/2022-H2/az/originals/", False),
        ("2022-H2.preflight-failed.json", True),
        ("photos.preflight-failed.json", False),
    ],
)
def test_each_name_a_build_gives_is_the_builds_and_a_near_miss_is_foreign(tmp_path, path, own):
    if path.endswith("/"):
        (tmp_path / path).mkdir(parents=True)
    else:
        (tmp_path / path).write_text(json.dumps({"issue": ISSUE}))
    assert foreign_entries(tmp_path) == ([] if own else [path.rstrip("/")])
