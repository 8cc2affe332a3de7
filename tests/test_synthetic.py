"""The benchmark's synthetic issue is a valid issue: the benchmark measures builds, not refusals."""

import pytest

from bench.synthetic import make_issue
from bulletin.content.examination import examine_issue


@pytest.mark.slow
def test_synthetic_issue_validates(tmp_path):
    folder = make_issue(tmp_path, photos=1)
    examination = examine_issue(folder)
    assert examination.problems == []
    assert any(path.suffix == ".jpg" for path in (folder / "images").iterdir())  # its photograph was written
