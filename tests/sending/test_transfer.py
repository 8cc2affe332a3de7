"""The bureau's package sent to a real OpenSSH server and to a folder: what arrives there, byte for byte, and
what is left there when the server refuses, breaks off or runs out of disk."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from bulletin.delivery.package import write_checksum, write_package
from bulletin.sending.destinations import DeliverySettings, Dropped, NotSent, read_destination
from bulletin.sending.folder import FolderPlace
from bulletin.sending.transfer import send_package
from bulletin.workflow.cli import main
from sending.sshserver import SshServer, make_key

ISSUE = "2023-H1"
ZIP = f"since-the-victory-{ISSUE}-print.zip"


def make_package(root: Path, seed: int = 1, size: int = 3_000_000) -> bytes:
    """A delivery holding only a package (a real zip, incompressible) and its checksum; return the zip's bytes."""
    folder = root / ISSUE
    folder.mkdir(parents=True, exist_ok=True)
    member = folder / f"since-the-victory-{ISSUE}-az-print.pdf"
    member.write_bytes(random.Random(seed).randbytes(size))
    write_checksum(write_package(folder, ZIP, [member]))
    member.unlink()
    return (folder / ZIP).read_bytes()


@pytest.fixture
def server(tmp_path):
    server = SshServer(tmp_path / "server").start()
    yield server
    server.kill()


def settings_for(server: SshServer, **changes) -> DeliverySettings:
    settings = DeliverySettings(identity=server.identity, known_hosts=server.known_hosts, attempts=3, backoff=0.05)
    return replace(settings, **changes)


def send(server: SshServer, output: Path, **changes) -> dict:
    return send_package(output, ISSUE, read_destination(server.address), settings_for(server, **changes))


def bureau_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def ledger(output: Path) -> list[dict]:
    return json.loads((output / ISSUE / "sent.json").read_text())["sends"]


def test_the_package_arrives_whole_checked_and_recorded_and_a_second_send_does_nothing(server, tmp_path, capsys):
    output = tmp_path / "output"
    package = make_package(output)
    common = ["--output", str(output), "--identity", str(server.identity), "--known-hosts", str(server.known_hosts)]
    assert main(["send", ISSUE, "--to", server.address, *common]) == 0
    assert f"{ZIP}: sent to {server.address} as {ZIP}" in capsys.readouterr().out
    digest = hashlib.sha256(package).hexdigest()
    assert bureau_files(server.incoming) == {ZIP: package, ZIP + ".sha256": f"{digest}  {ZIP}\n".encode()}
    checked = subprocess.run(["sha256sum", "-c", ZIP + ".sha256"], cwd=server.incoming, capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout == f"{ZIP}: OK\n"
    [record] = ledger(output)
    assert record | {"time": "T"} == {
        "destination": server.address, "file": ZIP, "size": len(package), "sha256": digest, "sent_as": ZIP,
        "revision": 1, "checksum": ZIP + ".sha256", "result": "sent", "time": "T", "attempts": 1,
        "checked": "size and SHA-256",
    }  # fmt: skip
    server.kill()  # a send of what is already there asks nothing of the server
    assert main(["send", ISSUE, "--to", server.address, *common]) == 0
    assert capsys.readouterr().out == f"{ZIP}: already at {server.address} as {ZIP}; nothing sent\n"
    assert len(ledger(output)) == 1


@pytest.mark.slow
def test_a_changed_package_is_the_next_revision_and_replaces_only_when_asked(server, tmp_path):
    output = tmp_path / "output"
    first = make_package(output, seed=1)
    send(server, output)
    second = make_package(output, seed=2)
    assert send(server, output)["sent_as"] == (r2 := ZIP.replace(".zip", "-r2.zip"))
    files = bureau_files(server.incoming)
    assert files[ZIP] == first and files[r2] == second  # the bureau's first file is untouched
    assert files[r2 + ".sha256"] == f"{hashlib.sha256(second).hexdigest()}  {r2}\n".encode()
    third = make_package(output, seed=3)
    record = send_package(output, ISSUE, read_destination(server.address), settings_for(server), replace=True)
    assert record["sent_as"] == r2 and record["result"] == "sent"
    files = bureau_files(server.incoming)
    assert (
        files[ZIP] == first
        and files[r2] == third
        and sorted(files) == sorted([ZIP, ZIP + ".sha256", r2, r2 + ".sha256"])
    )


def test_a_file_of_that_name_already_at_the_bureau_is_never_replaced_unasked(server, tmp_path):
    output = tmp_path / "output"
    package = make_package(output)
    (server.incoming / ZIP).write_bytes(b"the bureau's own file")
    record = send(server, output)
    assert record["sent_as"] == ZIP.replace(".zip", "-r2.zip") and record["revision"] == 2
    assert (server.incoming / ZIP).read_bytes() == b"the bureau's own file"
    assert (server.incoming / record["sent_as"]).read_bytes() == package


@pytest.mark.parametrize("fault", ["changed host key", "unknown host", "refused login"])
def test_a_server_that_cannot_be_trusted_or_refuses_the_key_gets_nothing(server, tmp_path, capsys, fault):
    output = tmp_path / "output"
    make_package(output)
    other = make_key(tmp_path / "other_key")
    known_hosts, identity = server.known_hosts, server.identity
    if fault == "changed host key":
        known_hosts = tmp_path / "known_hosts"
        known_hosts.write_text(f"[127.0.0.1]:{server.port} {other.with_suffix('.pub').read_text()}")
    elif fault == "unknown host":
        known_hosts = tmp_path / "known_hosts"
        known_hosts.write_text(f"[127.0.0.1]:{server.port + 1} {server.host_key.with_suffix('.pub').read_text()}")
    else:
        identity = other
    options = ["--output", str(output), "--identity", str(identity), "--known-hosts", str(known_hosts)]
    assert main(["send", ISSUE, "--to", server.address, *options]) == 5
    said = capsys.readouterr().err
    expected = {
        "changed host key": f"the server's host key is not the one in {known_hosts}",
        "unknown host": f"{known_hosts} holds no key for this server",
        "refused login": f"the server refused the login of {server.user} with the key {identity}",
    }[fault]
    assert said.startswith("not sent: ") and expected in said and "Traceback" not in said
    assert list(server.incoming.iterdir()) == []
    [record] = ledger(output)
    assert record["result"] == "failed" and record["attempts"] == 1 and expected in record["error"]


def test_a_connection_dropped_mid_transfer_is_tried_again_and_arrives_whole(server, tmp_path):
    output = tmp_path / "output"
    package = make_package(output, size=8_000_000)
    seen: list[int] = []

    def crash_once(done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == 8:  # a megabyte or two in: the server dies, and comes back
            assert any(name.endswith(".part") for name in os.listdir(server.incoming))
            server.kill()
            server.start()

    record = send_package(output, ISSUE, read_destination(server.address), settings_for(server), watch=crash_once)
    assert record["result"] == "sent" and record["attempts"] == 2
    assert bureau_files(server.incoming) == {
        ZIP: package,
        ZIP + ".sha256": f"{hashlib.sha256(package).hexdigest()}  {ZIP}\n".encode(),
    }


def test_a_server_that_stays_down_ends_the_send_and_the_next_one_clears_what_it_left(server, tmp_path):
    output = tmp_path / "output"
    package = make_package(output, size=8_000_000)
    waits: list[float] = []

    def crash(done: int, total: int) -> None:
        if done > 2_000_000 and server.process:
            server.kill()

    destination = read_destination(server.address)
    settings = settings_for(server, attempts=3, backoff=0.5)
    with pytest.raises(NotSent) as failure:
        send_package(output, ISSUE, destination, settings, watch=crash, wait=waits.append)
    assert waits == [0.5, 1.0]  # the wait doubles before each next try
    assert "Tried 3 times" in str(failure.value) and "cannot connect: connection refused" in str(failure.value)
    left = os.listdir(server.incoming)
    assert ZIP not in left and all(name.startswith(".") and name.endswith(".part") for name in left)
    assert ledger(output)[-1]["result"] == "failed"
    server.start()
    assert send_package(output, ISSUE, destination, settings)["result"] == "sent"
    assert sorted(os.listdir(server.incoming)) == [ZIP, ZIP + ".sha256"]
    assert (server.incoming / ZIP).read_bytes() == package


@pytest.mark.skipif(os.geteuid() != 0, reason="a small disk of the server's own is mounted as root")
def test_a_full_disk_at_the_bureau_is_said_at_once_and_leaves_nothing_there(tmp_path):
    server = SshServer(tmp_path / "server", full_disk=True).start()
    try:
        output = tmp_path / "output"
        make_package(output, size=1_000_000)
        with pytest.raises(NotSent) as failure:
            send(server, output)
        assert "most often its disk is full" in str(failure.value)
        assert ledger(output)[-1]["attempts"] == 1
        assert list(server.bureau.iterdir()) == []  # no partial package, no checksum without its package
    finally:
        server.kill()


def test_a_hot_folder_gets_the_package_by_rename_and_an_unmounted_one_nothing(tmp_path, capsys):
    output = tmp_path / "output"
    package = make_package(output)
    hot = tmp_path / "hot folder"
    hot.mkdir()
    assert main(["send", ISSUE, "--output", str(output), "--to", hot.as_uri()]) == 0
    assert bureau_files(hot)[ZIP] == package and sorted(os.listdir(hot)) == [ZIP, ZIP + ".sha256"]
    assert (hot / ZIP).stat().st_nlink == 1
    make_package(output, seed=2)
    assert main(["send", ISSUE, "--output", str(output), "--to", hot.as_uri()]) == 0
    assert (hot / ZIP).read_bytes() == package and (hot / ZIP.replace(".zip", "-r2.zip")).is_file()
    capsys.readouterr()
    assert main(["send", ISSUE, "--output", str(output), "--to", (tmp_path / "not mounted").as_uri()]) == 5
    assert "no such folder: when it is on a share, mount the share first" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() != 0, reason="the drop box's login is another user's, which only root can serve")
def test_a_drop_box_that_does_not_let_files_be_read_back_gets_them_checked_by_size_and_checksum_file(caplog):
    top = Path(tempfile.mkdtemp(prefix="bureau-", dir="/tmp"))  # nobody cannot pass pytest's own folders
    server = SshServer(top, drop_box=True).start()
    try:
        output = top / "output"
        package = make_package(output)
        with caplog.at_level("INFO", logger="bulletin"):
            assert send(server, output)["result"] == "sent"
        assert f"{ZIP}: may not be read back there: its size is checked" in caplog.text
        assert (server.incoming / ZIP).stat().st_mode & 0o777 == 0o200  # not even its writer may read it
        assert bureau_files(server.incoming) == {
            ZIP: package,
            ZIP + ".sha256": f"{hashlib.sha256(package).hexdigest()}  {ZIP}\n".encode(),
        }
    finally:
        server.kill()
        shutil.rmtree(top)


def test_a_large_package_tells_how_far_it_has_gone(tmp_path, caplog):
    output = tmp_path / "output"
    make_package(output, size=9_000_000)
    hot = tmp_path / "hot"
    hot.mkdir()
    with caplog.at_level("INFO", logger="bulletin"):
        send_package(output, ISSUE, read_destination(hot.as_uri()), DeliverySettings())
    told = [record.getMessage() for record in caplog.records if "% sent to" in record.getMessage()]
    assert [message.split(": ")[1].split("%")[0] for message in told] == ["25", "50", "75"]
    assert told[0].startswith(f"{ZIP}: 25% sent to {hot.as_uri()} (")


@pytest.mark.parametrize(
    "ledger_text, said",
    [
        ("{not json", "cannot be read (Expecting property name"),
        ('{"sends": {}}', "cannot be read (it holds no list of sends)"),
        ('{"sends": [{"destination": "x", "result": "sent", "revision": "x"}]}', "send 1 of 1: its revision 'x'"),
        ('{"sends": [{"destination": "x", "result": "sent", "revision": null}]}', "send 1 of 1: its revision None"),
        ('{"sends": [{"destination": 5, "result": "sent"}]}', "send 1 of 1: its destination is not a text"),
    ],
)
def test_a_ledger_that_cannot_be_read_stops_the_send_and_is_kept(tmp_path, capsys, ledger_text, said):
    output = tmp_path / "output"
    make_package(output)
    (output / ISSUE / "sent.json").write_text(ledger_text)
    hot = tmp_path / "hot"
    hot.mkdir()
    assert main(["send", ISSUE, "--output", str(output), "--to", hot.as_uri()]) == 5
    err = capsys.readouterr().err
    assert err.startswith(f"not sent: {output / ISSUE / 'sent.json'}: ") and said in err and "Traceback" not in err
    assert (output / ISSUE / "sent.json").read_text() == ledger_text and list(hot.iterdir()) == []


def test_a_package_changed_since_its_checksum_or_without_one_is_not_sent(tmp_path, capsys):
    output = tmp_path / "output"
    make_package(output)
    hot = tmp_path / "hot"
    hot.mkdir()
    with (output / ISSUE / ZIP).open("ab") as package:
        package.write(b"!")
    assert main(["send", ISSUE, "--output", str(output), "--to", hot.as_uri()]) == 5
    assert f"is not the package its checksum {ZIP}.sha256 names" in capsys.readouterr().err
    (output / ISSUE / (ZIP + ".sha256")).unlink()
    assert main(["send", ISSUE, "--output", str(output), "--to", hot.as_uri()]) == 5
    assert "the package's checksum file cannot be read" in capsys.readouterr().err
    missing = tmp_path / "no such output"
    assert main(["send", ISSUE, "--output", str(missing), "--to", hot.as_uri()]) == 2
    assert "no such output folder (--output)" in capsys.readouterr().err and not missing.exists()
    assert list(hot.iterdir()) == []


def test_the_checksum_is_in_place_when_the_package_appears(tmp_path, monkeypatch):
    output = tmp_path / "output"
    make_package(output)
    hot = tmp_path / "hot"
    hot.mkdir()
    seen: dict[str, list[str]] = {}
    rename = FolderPlace.rename

    def watched(place, temporary, name, replace):
        seen[name] = sorted(name for name in os.listdir(hot) if not name.startswith("."))
        rename(place, temporary, name, replace)

    monkeypatch.setattr(FolderPlace, "rename", watched)
    send_package(output, ISSUE, read_destination(hot.as_uri()), DeliverySettings())
    assert seen == {ZIP + ".sha256": [], ZIP: [ZIP + ".sha256"]}


def fail_rename(monkeypatch, name: str, after: bool = False, times: int = 1) -> None:
    """Make the hot folder's rename to `name` break off: before it is done, or (`after`) once done, its answer lost."""
    rename = FolderPlace.rename
    left = [times]

    def breaking(place, temporary, target, replace):
        if target == name and left[0]:
            left[0] -= 1
            if after:
                rename(place, temporary, target, replace)
            raise Dropped(f"{place.destination}: the connection broke off: cannot name {target}")
        rename(place, temporary, target, replace)

    monkeypatch.setattr(FolderPlace, "rename", breaking)


def hot_send(output: Path, hot: Path, attempts: int = 1, replace: bool = False) -> dict:
    return send_package(output, ISSUE, read_destination(hot.as_uri()), DeliverySettings(attempts=attempts,
                        backoff=0), replace=replace)  # fmt: skip


def checks(hot: Path) -> str:
    return subprocess.run(["sha256sum", "-c", *sorted(n for n in os.listdir(hot) if n.endswith(".sha256"))],
                          cwd=hot, capture_output=True, text=True).stdout  # fmt: skip


def test_a_replacing_send_broken_between_its_renames_is_mended_by_the_next(tmp_path, monkeypatch):
    output, hot = tmp_path / "output", tmp_path / "hot"
    hot.mkdir()
    first = make_package(output, seed=1)
    hot_send(output, hot)
    make_package(output, seed=2)
    fail_rename(monkeypatch, ZIP)  # the new checksum is in place, the zip never replaces the old one
    with pytest.raises(NotSent):
        hot_send(output, hot, replace=True)
    assert (hot / ZIP).read_bytes() == first and "FAILED" in checks(hot)
    monkeypatch.undo()
    record = hot_send(output, hot)  # the next (scheduled) send replaces nothing: it mends, then sends a revision
    assert record["sent_as"] == ZIP.replace(".zip", "-r2.zip")
    assert (hot / ZIP).read_bytes() == first and checks(hot).count(": OK") == 2 and "FAILED" not in checks(hot)


@pytest.mark.parametrize("attempts", [1, 2])
def test_a_rename_whose_answer_is_lost_is_a_send_all_the_same(tmp_path, monkeypatch, attempts):
    output, hot = tmp_path / "output", tmp_path / "hot"
    hot.mkdir()
    package = make_package(output)
    fail_rename(monkeypatch, ZIP, after=True)
    if attempts == 1:
        with pytest.raises(NotSent):
            hot_send(output, hot, attempts)
        assert (hot / ZIP).read_bytes() == package and checks(hot) == f"{ZIP}: OK\n"  # its checksum is kept
        monkeypatch.undo()
    record = hot_send(output, hot, attempts)  # the retry, or the next send: it finds the zip there, whole
    assert record["result"] == "sent" and record["sent_as"] == ZIP and sorted(os.listdir(hot)) == [ZIP, ZIP + ".sha256"]


def test_a_package_sent_before_but_not_the_bureaus_newest_goes_as_a_new_revision(tmp_path):
    output, hot = tmp_path / "output", tmp_path / "hot"
    hot.mkdir()
    make_package(output, seed=1)
    hot_send(output, hot)
    make_package(output, seed=2)
    hot_send(output, hot)
    reverted = make_package(output, seed=1)  # the edit undone: the same bytes as the first package
    record = hot_send(output, hot)
    assert record["result"] == "sent" and record["sent_as"] == ZIP.replace(".zip", "-r3.zip")
    assert (hot / record["sent_as"]).read_bytes() == reverted
    assert hot_send(output, hot)["result"] == "already there"


def test_a_checksum_file_of_the_bureaus_is_never_replaced_unasked(tmp_path):
    output, hot = tmp_path / "output", tmp_path / "hot"
    hot.mkdir()
    (hot / (ZIP + ".sha256")).write_text("the bureau's own\n")
    record = hot_send(output, hot) if make_package(output) else None
    assert record["sent_as"] == ZIP.replace(".zip", "-r2.zip")
    assert (hot / (ZIP + ".sha256")).read_text() == "the bureau's own\n" and not (hot / ZIP).exists()
