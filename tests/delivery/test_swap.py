"""Delivery: atomic commit, carry-over by hard links, crash recovery, reproducible manifest and package."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from bulletin.delivery import swap as delivery
from bulletin.delivery.ownership import STAGING, delivered
from bulletin.delivery.package import write_package
from bulletin.delivery.swap import start_delivery, write_manifest
from bulletin.util.atomic import write_atomically
from bulletin.util.errors import BuildError
from bulletin.util.fingerprints import file_entry

from conftest import PROJECT, every_file, killed_at

ISSUE = "2022-H2"
LANGUAGES = ("az", "ru", "en", "es")


def pdf_name(language: str) -> str:
    """Return the name of a language's print PDF in the sample issue."""
    return f"since-the-victory-{ISSUE}-{language}-print.pdf"


def manifest(*names: str, **more) -> bytes:
    """A manifest as a build writes it: naming the issue, listing the delivered files (a build's only)."""
    return json.dumps({"issue": ISSUE, "files": [{"file": name} for name in names], **more}).encode() + b"\n"


def deliver(root: Path, files: dict[str, bytes]) -> Path:
    """Make a complete delivery of `files` through a staging folder."""
    with start_delivery(root, ISSUE) as staging:
        for name, data in files.items():
            write_atomically(staging.path / name, data)
        return staging.commit()


def staging_leftovers(root: Path) -> list[str]:
    """Return what is left in the staging root."""
    return sorted(path.name for path in (root / STAGING).iterdir())


@pytest.fixture
def previous(tmp_path) -> dict[str, bytes]:
    """A first, complete delivery of four PDFs and a manifest under tmp_path/output."""
    files = {pdf_name(language): f"%PDF old {language}".encode() * 100 for language in LANGUAGES}
    files["manifest.json"] = manifest(*files, edition=1)  # a build's manifest names its issue and lists its files
    deliver(tmp_path / "output", files)
    return files


def dead_pid() -> int:
    """Return the id of a process that has finished and been reaped."""
    child = subprocess.Popen(["sleep", "0"])
    child.wait()
    return child.pid


def test_first_commit_creates_the_delivery(tmp_path):
    root = tmp_path / "output"
    with start_delivery(root, ISSUE) as staging:
        assert staging.path.parent == root / STAGING and staging.path.name.startswith(f"{ISSUE}.{os.getpid()}.")
        write_atomically(staging.path / "a.pdf", b"A")
        assert not delivered(root, ISSUE).exists()
        assert staging.commit() == root / ISSUE
    assert every_file(root / ISSUE) == {"a.pdf": b"A"}
    assert (root / ISSUE).stat().st_mode & 0o777 == 0o755
    assert staging_leftovers(root) == []


def test_second_commit_replaces_the_delivery(tmp_path, previous):
    root = tmp_path / "output"
    deliver(root, {"new.pdf": b"new", "manifest.json": b'{"issue": "2022-H2"}\n'})
    assert every_file(root / ISSUE) == {"new.pdf": b"new", "manifest.json": b'{"issue": "2022-H2"}\n'}
    assert staging_leftovers(root) == []


def test_commit_swaps_in_one_step_without_renaming(tmp_path, previous, monkeypatch):
    root = tmp_path / "output"
    with start_delivery(root, ISSUE) as staging:
        write_atomically(staging.path / "new.pdf", b"new")
        monkeypatch.setattr(os, "rename", lambda *args: pytest.fail("the old delivery was moved aside"))
        staging.commit()
    assert every_file(root / ISSUE) == {"new.pdf": b"new"}


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
def test_a_failed_build_leaves_the_previous_delivery_and_no_staging(tmp_path, previous, error):
    root = tmp_path / "output"
    with pytest.raises(error), start_delivery(root, ISSUE) as staging:
        write_atomically(staging.path / pdf_name("en"), b"half a new PDF")
        raise error("preflight failed")
    assert every_file(root / ISSUE) == previous
    assert not staging.path.exists() and staging_leftovers(root) == []


def test_leaving_without_commit_delivers_nothing(tmp_path, previous):
    root = tmp_path / "output"
    with start_delivery(root, ISSUE) as staging:
        write_atomically(staging.path / "new.pdf", b"new")
    assert every_file(root / ISSUE) == previous and staging_leftovers(root) == []
    with pytest.raises(BuildError, match="already committed or discarded"):
        staging.commit()


def test_carry_over_links_the_kept_files_and_not_the_others(tmp_path, previous):
    root = tmp_path / "output"
    current = root / ISSUE
    with start_delivery(root, ISSUE) as staging:
        kept = staging.carry_over(lambda name: name.endswith(".pdf") and name != pdf_name("en"))
        assert kept == sorted(pdf_name(language) for language in ("az", "ru", "es"))
        for name in kept:
            assert (staging.path / name).stat().st_ino == (current / name).stat().st_ino
        assert not (staging.path / pdf_name("en")).exists() and not (staging.path / "manifest.json").exists()
        # The rebuilt language is written fresh over its carried name: the delivery keeps its bytes.
        write_atomically(staging.path / pdf_name("en"), b"new en")
        assert staging.carry_over(lambda name: True) == ["manifest.json"]
        assert (staging.path / pdf_name("en")).read_bytes() == b"new en"
        assert every_file(current) == previous
        staging.commit()
    assert every_file(current) == {**previous, pdf_name("en"): b"new en"}


def test_carry_over_copies_when_links_fail(tmp_path, previous, monkeypatch):
    root = tmp_path / "output"
    monkeypatch.setattr(os, "link", lambda *args, **kwargs: (_ for _ in ()).throw(OSError(errno.EXDEV, "cross")))
    with start_delivery(root, ISSUE) as staging:
        assert staging.carry_over(lambda name: name == pdf_name("az")) == [pdf_name("az")]
        copy, original = staging.path / pdf_name("az"), root / ISSUE / pdf_name("az")
        assert copy.read_bytes() == original.read_bytes() and copy.stat().st_ino != original.stat().st_ino


def test_start_removes_stale_staging_folders_and_keeps_live_ones(tmp_path):
    root = tmp_path / "output"
    stale = root / STAGING / f"{ISSUE}.{dead_pid()}.abcd"
    stale.mkdir(parents=True)
    (stale / pdf_name("az")).write_bytes(b"%PDF half")
    child = subprocess.Popen(["sleep", "60"])
    try:
        live = root / STAGING / f"{ISSUE}.{child.pid}.efgh"
        live.mkdir()
        staging = start_delivery(root, ISSUE)
        assert not stale.exists() and live.is_dir() and staging.path.is_dir()
    finally:
        child.kill()
        child.wait()


def test_without_renameat2_the_fallback_commits(tmp_path, previous, monkeypatch):
    root = tmp_path / "output"
    calls = []

    def no_exchange(source, target):
        calls.append(target)
        raise OSError(errno.ENOSYS, "Function not implemented")

    monkeypatch.setattr(delivery, "_exchange", no_exchange)
    deliver(root, {"new.pdf": b"new"})
    assert calls == [root / ISSUE]
    assert every_file(root / ISSUE) == {"new.pdf": b"new"} and staging_leftovers(root) == []


def test_fallback_puts_the_previous_delivery_back_when_the_second_rename_fails(tmp_path, previous, monkeypatch):
    root = tmp_path / "output"
    monkeypatch.setattr(delivery, "_exchange", lambda *args: (_ for _ in ()).throw(OSError(errno.EINVAL, "")))
    rename = os.rename
    with start_delivery(root, ISSUE) as staging:
        write_atomically(staging.path / "new.pdf", b"new")

        def failing_rename(source, target):
            if Path(source) == staging.path:
                raise OSError(errno.ENOSPC, "No space left on device")
            rename(source, target)

        monkeypatch.setattr(os, "rename", failing_rename)
        with pytest.raises(BuildError, match="disk full.*previous delivery is unchanged"):
            staging.commit()
    assert every_file(root / ISSUE) == previous and staging_leftovers(root) == []


def test_start_puts_back_a_previous_delivery_moved_aside_by_a_crash(tmp_path, previous):
    root = tmp_path / "output"
    # The state a fallback commit leaves when killed between its two renames.
    os.rename(root / ISSUE, root / STAGING / f"{ISSUE}.previous")
    start_delivery(root, ISSUE).discard()
    assert every_file(root / ISSUE) == previous and staging_leftovers(root) == []


def test_start_removes_a_previous_delivery_already_replaced(tmp_path, previous):
    root = tmp_path / "output"
    shutil.copytree(root / ISSUE, root / STAGING / f"{ISSUE}.previous")
    (root / ISSUE / pdf_name("en")).unlink()
    start_delivery(root, ISSUE).discard()
    assert every_file(root / ISSUE) == {name: data for name, data in previous.items() if name != pdf_name("en")}
    assert staging_leftovers(root) == []


WRITER = """
import sys
from pathlib import Path
from bulletin.delivery.swap import start_delivery

root = Path(sys.argv[1])
with start_delivery(root, "2022-H2") as staging:  # one build that writes a big file slowly, in place
    with open(staging.path / "since-the-victory-2022-H2-az-print.pdf", "wb") as file:
        print(staging.path, flush=True)
        while True:
            file.write(b"x" * 65536)
            file.flush()
"""


def test_a_build_killed_while_writing_leaves_the_previous_delivery(tmp_path, previous):
    root = tmp_path / "output"
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(root)], cwd=PROJECT, stdout=subprocess.PIPE, text=True)
    staging = Path(child.stdout.readline().strip())
    deadline = time.monotonic() + 30
    big = staging / pdf_name("az")
    while (not big.exists() or big.stat().st_size < 1 << 20) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()
    assert big.stat().st_size >= 1 << 20, "the child never wrote its file"
    assert every_file(root / ISSUE) == previous
    assert staging_leftovers(root) == [staging.name]
    start_delivery(root, ISSUE).discard()
    assert every_file(root / ISSUE) == previous and staging_leftovers(root) == []


DELIVERIES = """
import errno, json, sys
from pathlib import Path
from bulletin.delivery import swap

root, renames, kill = Path(sys.argv[1]), sys.argv[2] == "renames", sys.argv[3]


def no_exchange(source, target):
    raise OSError(errno.ENOSYS, "Function not implemented")


if renames:  # a kernel or a file system that cannot exchange two paths
    swap._exchange = no_exchange
for number in (1, 2, 3):
    if number == 3:
        exec(kill)  # the third delivery is killed at its step
    with swap.start_delivery(root, "2022-H2") as staging:
        names = [f"since-the-victory-2022-H2-{language}-print.pdf" for language in ("az", "ru", "en", "es")]
        for name in names:
            (staging.path / name).write_bytes(b"%d " % number * 5000)
        (staging.path / "manifest.json").write_text(
            json.dumps({"issue": "2022-H2", "number": number, "files": [{"file": name} for name in names]}))
        staging.commit()
"""


def delivery_number(folder: Path) -> int:
    """Return the number of the delivery made by DELIVERIES in `folder`, checking that it is complete and one."""
    files = every_file(folder)
    assert sorted(files) == sorted([pdf_name(language) for language in LANGUAGES] + ["manifest.json"])
    number = json.loads(files.pop("manifest.json"))["number"]
    assert set(files.values()) == {b"%d " % number * 5000}
    return number


@pytest.mark.parametrize(
    "step, renames, now, then",
    [
        ("delivery staged", False, 2, 2),
        ("delivery staged", True, 2, 2),
        ("delivery aside", True, None, 2),  # between the two renames: no delivery in place until the next build
        ("delivery swapped", False, 3, 3),
        ("delivery swapped", True, 3, 3),
    ],
)
def test_a_delivery_killed_at_each_step_of_its_swap_leaves_one_whole_delivery(tmp_path, step, renames, now, then):
    """A process killed at a step of its commit leaves the previous delivery whole, or the new one; where it was
    killed between the two renames, the next build puts the previous one back. Nothing partial is left either way,
    and the next build clears what the killed one left in .staging."""
    root = tmp_path / "output"
    arguments = [str(root), "renames" if renames else "exchange", killed_at(step, str(root / ISSUE))]
    done = subprocess.run([sys.executable, "-c", DELIVERIES, *arguments], cwd=PROJECT)
    assert done.returncode == -signal.SIGKILL
    if now is None:
        assert not (root / ISSUE).exists() and delivery_number(root / STAGING / f"{ISSUE}.previous") == 2
    else:
        assert delivery_number(root / ISSUE) == now
    assert staging_leftovers(root)  # what the killed build left
    start_delivery(root, ISSUE).discard()
    assert delivery_number(root / ISSUE) == then and staging_leftovers(root) == []


@pytest.mark.parametrize("renames", [False, True])
def test_every_file_and_folder_of_a_delivery_is_on_disk_before_the_swap(tmp_path, previous, monkeypatch, renames):
    """Swapped in before its files and folders are flushed, a delivery could be found empty after a power cut."""
    root = tmp_path / "output"
    events, fsync, rename, exchange = [], os.fsync, os.rename, delivery._exchange

    def recorded_fsync(handle):
        events.append(os.fstat(handle).st_ino)
        fsync(handle)

    def recorded_exchange(source, target):
        events.append("swap")
        if renames:
            raise OSError(errno.ENOSYS, "Function not implemented")
        exchange(source, target)

    def recorded_rename(source, target):
        events.append("swap" if Path(target) == root / ISSUE else "rename")
        rename(source, target)

    monkeypatch.setattr(delivery, "_exchange", recorded_exchange)
    monkeypatch.setattr(os, "rename", recorded_rename)
    with start_delivery(root, ISSUE) as staging:
        (staging.path / "reports").mkdir()
        for name in (pdf_name("en"), "reports/preflight.json"):
            write_atomically(staging.path / name, b"new")
        staging.carry_over(lambda name: name == pdf_name("az"))
        written = {path.stat().st_ino for path in [staging.path, *staging.path.rglob("*")]}
        monkeypatch.setattr(os, "fsync", recorded_fsync)
        staging.commit()
    assert written <= set(events[: events.index("swap")])


@pytest.mark.parametrize(
    "code, words", [(errno.EROFS, "read-only"), (errno.EACCES, "read-only"), (errno.ENOSPC, "disk full")]
)
def test_a_commit_that_cannot_write_says_why_and_keeps_the_previous_delivery(
    tmp_path, previous, monkeypatch, code, words
):
    root = tmp_path / "output"

    def refuse(*args):
        raise OSError(code, os.strerror(code))

    with start_delivery(root, ISSUE) as staging:
        write_atomically(staging.path / "new.pdf", b"new")
        monkeypatch.setattr(delivery, "_exchange", refuse)
        monkeypatch.setattr(os, "rename", refuse)
        with pytest.raises(BuildError, match=f"{words}.*previous delivery is unchanged"):
            staging.commit()
    assert every_file(root / ISSUE) == previous


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permissions")
def test_a_read_only_output_root_is_reported(tmp_path, previous):
    root = tmp_path / "output"
    with start_delivery(root, ISSUE) as staging:
        write_atomically(staging.path / "new.pdf", b"new")
        root.chmod(0o555)
        try:
            with pytest.raises(BuildError, match="read-only"):
                staging.commit()
        finally:
            root.chmod(0o755)
    assert every_file(root / ISSUE) == previous


def test_a_file_in_place_of_the_delivery_stops_the_build(tmp_path):
    root = tmp_path / "output"
    root.mkdir()
    (root / ISSUE).write_text("not a folder")
    with pytest.raises(BuildError, match=rf"{ISSUE} exists and is not a folder"):
        start_delivery(root, ISSUE)


def test_a_link_in_place_of_the_delivery_stops_the_build_even_to_a_delivery(tmp_path, previous):
    """A build would otherwise replace, through the link, a folder it was never given."""
    root = tmp_path / "output"
    (root / ISSUE).rename(tmp_path / "elsewhere")
    (root / ISSUE).symlink_to(tmp_path / "elsewhere")
    with pytest.raises(BuildError, match=rf"{ISSUE} exists and is not a folder"):
        start_delivery(root, ISSUE)
    assert every_file(tmp_path / "elsewhere") == previous and (root / ISSUE).is_symlink()


NOT_A_DELIVERY = (
    "{} is not a delivery of 2022-H2: it holds 'images', 'issue.yaml', which no build of 2022-H2"
    " delivered, and no manifest.json. A build replaces only an earlier delivery, whole, and left this as"
    " it was: move what no build delivered elsewhere, or deliver into another output folder"
)


def not_a_delivery(folder: Path) -> dict[str, bytes]:
    """Fill `folder` with an issue's files, as if someone had put them where its delivery goes; return them."""
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "photo.jpg").write_bytes(b"\xff\xd8 a photograph")
    (folder / "issue.yaml").write_text("number: 7\n")
    return every_file(folder)


def test_a_folder_that_is_no_delivery_is_never_replaced(tmp_path):
    root = tmp_path / "output"
    files = not_a_delivery(root / ISSUE)
    with pytest.raises(BuildError) as raised:
        start_delivery(root, ISSUE)
    assert str(raised.value) == NOT_A_DELIVERY.format(root / ISSUE)
    assert raised.value.__notes__ == ["nothing was delivered"]
    assert every_file(root / ISSUE) == files and not (root / STAGING).exists()


def test_a_delivery_replaced_by_another_folder_during_the_build_is_left_as_it_is(tmp_path, previous):
    root = tmp_path / "output"
    with start_delivery(root, ISSUE) as staging:
        write_atomically(staging.path / "new.pdf", b"new")
        shutil.rmtree(root / ISSUE)
        files = not_a_delivery(root / ISSUE)
        with pytest.raises(BuildError, match="is not a delivery of 2022-H2"):
            staging.commit()
    assert every_file(root / ISSUE) == files and staging_leftovers(root) == []


@pytest.mark.parametrize("delivered_now", [True, False])
@pytest.mark.parametrize("inside", ["no delivery", "a delivery with an editor's files"])
def test_a_folder_moved_aside_is_put_back_or_removed_only_if_it_is_a_delivery(
    tmp_path, previous, delivered_now, inside
):
    root = tmp_path / "output"
    aside = root / STAGING / f"{ISSUE}.previous"
    if inside == "no delivery":
        files = not_a_delivery(aside)
    else:
        shutil.copytree(root / ISSUE, aside)
        files = add_an_editors_files(aside)
    if not delivered_now:
        shutil.rmtree(root / ISSUE)
    with pytest.raises(BuildError, match=f"{ISSUE}.previous is not a delivery of 2022-H2"):
        start_delivery(root, ISSUE)
    assert every_file(aside) == files
    if delivered_now:
        assert every_file(root / ISSUE) == previous
    else:
        assert not (root / ISSUE).exists()


FOREIGN = (
    "{} is not a delivery of 2022-H2: it holds {}, which no build of 2022-H2 delivered. A build replaces only"
    " an earlier delivery, whole, and left this as it was: move what no build delivered elsewhere, or deliver"
    " into another output folder"
)


def add_an_editors_files(delivery: Path) -> dict[str, bytes]:
    """Put an editor's files into a delivery, as one might to keep them together; return what it then holds."""
    (delivery / "bureau-approval-signed.pdf").write_bytes(b"%PDF signed")
    (delivery / "photos-originals").mkdir()
    (delivery / "photos-originals" / "DSC001.jpg").write_bytes(b"\xff\xd8 a photograph")
    return every_file(delivery)


def test_a_delivery_holding_an_editors_files_is_never_replaced(tmp_path, previous):
    root = tmp_path / "output"
    files = add_an_editors_files(root / ISSUE)
    with pytest.raises(BuildError) as raised:
        start_delivery(root, ISSUE)
    assert str(raised.value) == FOREIGN.format(root / ISSUE, "'bureau-approval-signed.pdf', 'photos-originals'")
    assert every_file(root / ISSUE) == files


def test_an_editors_file_put_in_during_the_build_stops_the_swap_and_is_kept(tmp_path, previous):
    root = tmp_path / "output"
    with start_delivery(root, ISSUE) as staging:
        write_atomically(staging.path / pdf_name("en"), b"%PDF new")
        (root / ISSUE / "notes.txt").write_text("the bureau's address")
        assert staging.carry_over(lambda name: True) == []  # nothing is taken from a folder that is no delivery
        with pytest.raises(BuildError) as raised:
            staging.commit()
    assert str(raised.value) == FOREIGN.format(root / ISSUE, "'notes.txt'")
    assert every_file(root / ISSUE) == {**previous, "notes.txt": b"the bureau's address"}


@pytest.mark.parametrize(
    "written",
    [
        b'{"issue": "2022-H2"}',  # lists no files
        b'{"issue": "2022-H2", "files": [{"file": "issue.yaml"}, {"file": "images"}]}',  # lists what no build delivers
        b'{"issue": "2023-H1", "files": []}',  # of another issue
        b"[]",
        b"not JSON",
    ],
)
def test_a_manifest_no_build_wrote_makes_no_delivery(tmp_path, written):
    root = tmp_path / "output"
    not_a_delivery(root / ISSUE)
    (root / ISSUE / "manifest.json").write_bytes(written)
    files = every_file(root / ISSUE)
    with pytest.raises(BuildError, match="its manifest.json is not a manifest a build of 2022-H2 wrote"):
        start_delivery(root, ISSUE)
    assert every_file(root / ISSUE) == files and not (root / STAGING).exists()


def test_a_manifest_that_is_a_link_makes_no_delivery(tmp_path, previous):
    root = tmp_path / "output"
    (root / ISSUE / "manifest.json").rename(tmp_path / "manifest.json")
    (root / ISSUE / "manifest.json").symlink_to(tmp_path / "manifest.json")
    with pytest.raises(BuildError, match="its manifest.json is not a manifest a build of 2022-H2 wrote"):
        start_delivery(root, ISSUE)
    assert sorted(path.name for path in (root / ISSUE).iterdir()) == sorted(previous)


def test_a_damaged_delivery_is_replaced_as_before(tmp_path, previous):
    root = tmp_path / "output"
    (root / ISSUE / pdf_name("az")).write_bytes(b"%PDF changed by hand")
    (root / ISSUE / pdf_name("ru")).unlink()
    (root / ISSUE / "since-the-victory-2022-H2-print.zip").write_bytes(b"PK")  # what a delivery writes itself
    deliver(root, {pdf_name("en"): b"%PDF new", "manifest.json": manifest(pdf_name("en"))})
    assert every_file(root / ISSUE) == {pdf_name("en"): b"%PDF new", "manifest.json": manifest(pdf_name("en"))}


def test_a_stale_staging_folder_holding_what_no_build_wrote_is_never_removed(tmp_path, previous):
    root = tmp_path / "output"
    stale = root / STAGING / f"{ISSUE}.{dead_pid()}.abcd"
    files = not_a_delivery(stale)
    with pytest.raises(BuildError) as raised:
        start_delivery(root, ISSUE)
    assert str(raised.value) == (
        f"{stale} is not a staging folder a build left: it holds 'images', 'issue.yaml',"
        " which no build writes there. A build removes only what builds wrote, and left this"
        " as it was: move it elsewhere"
    )
    assert every_file(stale) == files and every_file(root / ISSUE) == previous


def test_an_issue_name_that_is_not_a_folder_name_is_refused(tmp_path):
    for issue in ("", ".", "..", "a/b", ".staging"):
        with pytest.raises(BuildError, match="not a plain folder name"):
            start_delivery(tmp_path, issue)


def test_write_package_is_reproducible_and_lists_its_members(tmp_path):
    staging = start_delivery(tmp_path / "output", ISSUE)
    members = [staging.path / name for name in ("ru.pdf", "az.pdf", "manifest.json")]
    for member in members:
        member.write_bytes(member.name.encode() * 1000)
    first = write_package(staging.path, "first.zip", members).read_bytes()
    for member in members:  # another build's clock and umask
        os.utime(member, (2e9, 2e9))
        member.chmod(0o600)
    second = write_package(staging.path, "second.zip", list(reversed(members))).read_bytes()
    assert first == second
    with zipfile.ZipFile(staging.path / "first.zip") as package:
        assert package.namelist() == ["az.pdf", "manifest.json", "ru.pdf"]
        for info in package.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0) and info.external_attr >> 16 == 0o100644
            assert info.compress_type == zipfile.ZIP_DEFLATED and info.extra == b""
            assert package.read(info) == (staging.path / info.filename).read_bytes()
    with pytest.raises(BuildError, match="members must be"):
        write_package(staging.path, "bad.zip", [tmp_path / "elsewhere.pdf"])
    staging.discard()


def test_write_manifest_and_file_entry(tmp_path):
    staging = start_delivery(tmp_path / "output", ISSUE)
    pdf = staging.path / "ru.pdf"
    pdf.write_bytes(b"%PDF")
    entry = file_entry(pdf)
    assert entry == {"file": "ru.pdf", "size": 4, "sha256": hashlib.sha256(b"%PDF").hexdigest()}
    path = write_manifest(staging, {"title": "С тех пор", "files": [entry], "issue": ISSUE})
    text = path.read_bytes().decode("utf-8")
    assert text.endswith("}\n") and "С тех пор" in text
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert list(json.loads(text)) == ["files", "issue", "title"]
    staging.discard()
