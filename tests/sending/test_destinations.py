"""Addresses and settings of the bureau's destination, read or refused with the mistake named; the login's key."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bulletin.sending.destinations import (
    DeliverySettings,
    Destination,
    NotSent,
    load_delivery_settings,
    read_destination,
)
from bulletin.sending.sftp import SftpPlace
from bulletin.util.errors import UsageError
from sending.sshserver import SshServer


@pytest.mark.parametrize(
    "address, read, shown",
    [
        ("sftp://prepress@bureau.example.org:2222/incoming", ("bureau.example.org", 2222, "/incoming"), None),
        (
            "sftp://prepress@bureau.example.org/~/incoming",
            ("bureau.example.org", 22, "incoming"),
            "sftp://prepress@bureau.example.org:22/~/incoming",
        ),
        (
            "sftp://prepress@bureau.example.org/",
            ("bureau.example.org", 22, "/"),
            "sftp://prepress@bureau.example.org:22/",
        ),
        ("sftp://prepress@[::1]:22/in%20box", ("::1", 22, "/in box"), "sftp://prepress@[::1]:22/in box"),
        ("file:///mnt/bureau/incoming", ("", 22, "/mnt/bureau/incoming"), None),
    ],
)
def test_an_address_is_read_and_shown_as_given(address, read, shown):
    destination = read_destination(address)
    assert (destination.host, destination.port, destination.path) == read
    assert str(destination) == (shown or address)


@pytest.mark.parametrize(
    "address, said",
    [
        ("sftp://prepress:secret@bureau.example.org/in", "holds a password"),
        ("sftp://bureau.example.org/in", "name the user and the server"),
        ("sftp://prepress@bureau.example.org:0/in", "the port is not a number from 1 to 65535"),
        ("sftp://prepress@bureau.example.org:http/in", "the port is not a number from 1 to 65535"),
        ("sftp://prepress@::1:22/in", "an IPv6 address is written in brackets"),
        ("sftp://prepress@bureau.example.org", "name the folder"),
        ("sftp://prepress@bureau.example.org/in/../etc", "without '..'"),
        ("http://bureau.example.org/in", "send to sftp://user@host:port/folder, or to a folder"),
        ("file://bureau/in", "file:///absolute/path"),
        ("incoming", "send to sftp://"),
    ],
)
def test_a_wrong_address_is_refused_saying_why(address, said):
    with pytest.raises(UsageError, match="^--to: ") as refused:
        read_destination(address)
    assert said in str(refused.value) and "secret" not in str(refused.value)


@pytest.mark.parametrize(
    "table, said",
    [
        ({"to": "sftp://a@b/c", "port": 22}, "unknown key(s) port"),
        ({"attempts": 0}, "attempts: 0 is not a whole number from 1 to 10"),
        ({"attempts": 2.5}, "attempts: 2.5 is not a whole number"),
        ({"backoff-seconds": "x"}, "backoff-seconds: 'x' is not a number"),
        ({"to": 5}, "to: 5 is not a string"),
        ({"to": "ftp://a@b/c"}, "to: 'ftp://a@b/c': send to sftp://"),
    ],
)
def test_a_mistake_in_the_settings_names_the_file_the_table_and_the_key(tmp_path, table, said):
    pyproject = tmp_path / "pyproject.toml"
    lines = [f"{key} = {json.dumps(value)}" for key, value in table.items()]
    pyproject.write_text("[tool.bulletin.delivery]\n" + "\n".join(lines) + "\n")
    with pytest.raises(UsageError) as refused:
        load_delivery_settings(pyproject)
    assert str(refused.value).startswith(f"{pyproject} [tool.bulletin.delivery]") and said in str(refused.value)


def test_the_settings_files_are_relative_to_the_checkout(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.bulletin.delivery]\nto = "file:///srv/in"\nidentity = "keys/bureau"\n')
    settings = load_delivery_settings(pyproject)
    assert settings.identity == tmp_path / "keys" / "bureau" and settings.to == Destination("file", "/srv/in")
    assert load_delivery_settings(tmp_path / "none.toml") == DeliverySettings()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = SshServer(tmp_path_factory.mktemp("keys") / "server").start()
    yield server
    server.kill()


def authorized_key(server: SshServer, folder: Path, kind: str, passphrase: str) -> Path:
    """A new key of `kind` protected by `passphrase`, which the server takes."""
    path = folder / f"{kind}_key"
    command = ["ssh-keygen", "-q", "-t", kind, "-N", passphrase, "-f", str(path)] + (["-m", "PEM"] * (kind == "rsa"))
    subprocess.run(command, check=True)
    with (server.top / "authorized_keys").open("a") as keys:
        keys.write(path.with_suffix(".pub").read_text())
    return path


@pytest.mark.parametrize("kind", ["ed25519", "rsa"])
def test_a_key_with_a_passphrase_opens_with_it_and_says_what_is_wrong_without_it(server, tmp_path, monkeypatch, kind):
    identity = authorized_key(server, tmp_path, kind, "the passphrase")
    destination = read_destination(server.address)
    settings = DeliverySettings(identity=identity, known_hosts=server.known_hosts, passphrase_env="BUREAU_KEY")
    monkeypatch.setenv("BUREAU_KEY", "the passphrase")
    SftpPlace(destination, settings).close()  # logged in
    monkeypatch.setenv("BUREAU_KEY", "another")
    with pytest.raises(NotSent, match="the passphrase in BUREAU_KEY does not open the key"):
        SftpPlace(destination, settings)
    monkeypatch.delenv("BUREAU_KEY")
    with pytest.raises(NotSent, match="environment variable BUREAU_KEY, not set"):
        SftpPlace(destination, settings)
    with pytest.raises(NotSent, match="the key is protected by a passphrase: name the environment variable"):
        SftpPlace(destination, DeliverySettings(identity=identity, known_hosts=server.known_hosts))


@pytest.mark.parametrize(
    "identity, said",
    [
        ("public", "is a public key (a .pub file): give the private half, the file beside it"),
        ("folder", "cannot read the key (--identity, identity): Is a directory"),
        ("missing", "cannot read the key (--identity, identity): No such file or directory"),
        ("text", "not a private key in a form OpenSSH writes (ssh-keygen)"),
    ],
)
def test_a_key_file_that_is_no_private_key_is_named(server, tmp_path, identity, said):
    path = {"public": server.identity.with_suffix(".pub"), "folder": tmp_path, "missing": tmp_path / "none"}.get(
        identity, tmp_path / "text"
    )
    (tmp_path / "text").write_text("not a key\n")
    with pytest.raises(NotSent) as refused:
        SftpPlace(read_destination(server.address), DeliverySettings(identity=path, known_hosts=server.known_hosts))
    assert str(refused.value) == f"{path}: {said}"
