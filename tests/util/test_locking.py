"""The output folder's lock: refused while held, recovered from the dead, usable by another user."""

from __future__ import annotations

import json
import os

import pytest

from bulletin.util import locking
from bulletin.util.errors import BuildError
from bulletin.util.locking import Busy, hold_lock


def test_the_lock_records_its_holder_and_clears_the_record_on_release(tmp_path):
    with hold_lock(tmp_path, "a build of 2022-H2"):
        record = json.loads((tmp_path / ".lock").read_text())
        assert record["pid"] == os.getpid() and record["purpose"] == "a build of 2022-H2"
        # Another open file description (as another process would have) cannot take it.
        with (
            pytest.raises(Busy, match=f"in use by a build of 2022-H2, process {os.getpid()}, since "),
            hold_lock(tmp_path, "a second build"),
        ):
            pass
    assert (tmp_path / ".lock").read_text() == ""


def test_a_lock_file_another_user_made_still_locks(tmp_path, monkeypatch):
    """Where the lock file cannot be opened for writing, it is locked read-only: flock needs no more."""
    (tmp_path / ".lock").write_text("")
    real_open = os.open

    def refuse_writing(path, flags, *mode):
        if flags & (os.O_RDWR | os.O_WRONLY):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *mode)

    monkeypatch.setattr(locking.os, "open", refuse_writing)
    with hold_lock(tmp_path, "a build"):
        monkeypatch.setattr(locking.os, "open", real_open)
        with pytest.raises(Busy, match="in use by another process"), hold_lock(tmp_path, "a second build"):
            pass


def test_a_lock_that_cannot_be_made_names_its_file(tmp_path):
    (tmp_path / ".lock").mkdir()
    with pytest.raises(BuildError, match=r"cannot lock .*: .*\.lock: Is a directory"), hold_lock(tmp_path, "a build"):
        pass


def test_a_process_that_holds_the_lock_may_take_it_again_only_when_it_says_so(tmp_path):
    with hold_lock(tmp_path, "scheduled run for 2022-H2"):
        with hold_lock(tmp_path, "build of 2022-H2", again=True):
            assert json.loads((tmp_path / ".lock").read_text())["purpose"] == "scheduled run for 2022-H2"
        with pytest.raises(Busy), hold_lock(tmp_path, "build of 2022-H2"):
            pass
        assert json.loads((tmp_path / ".lock").read_text())["purpose"] == "scheduled run for 2022-H2"
    with hold_lock(tmp_path, "build of 2022-H2"):  # released whole by the outer holder
        pass
