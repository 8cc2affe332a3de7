"""The signing settings and the key they name: each mistake told naming the setting, never a traceback."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bulletin.signing.keys import SigningError, load_signing_key
from bulletin.signing.settings import load_signing, signing_digest
from bulletin.util.errors import UsageError
from signing.certificates import PASSWORD
from signing.conftest import PASSWORD_ENV, settings_for


def write_settings(folder, table: str):
    path = folder / "pyproject.toml"
    path.write_text(f"[tool.bulletin.signing]\n{table}\n")
    return path


def test_without_the_table_nothing_is_signed(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.bulletin.print]\ntrim = 'A4'\n")
    assert load_signing(tmp_path / "pyproject.toml") is None


def test_the_settings_are_read_relative_to_pyproject(tmp_path):
    settings = load_signing(
        write_settings(
            tmp_path,
            'key = "keys/office.p12"\npassword-env = "KEY_PASSWORD"\ntrust-root = "keys/root.pem"\n'
            'timestamp-root = "keys/tsa-root.pem"',
        )
    )
    assert settings is not None and settings.key == tmp_path / "keys" / "office.p12" and settings.pkcs12
    assert settings.trust_root == tmp_path / "keys" / "root.pem" and settings.profile == "PAdES B-B"
    assert settings.timestamp_root == tmp_path / "keys" / "tsa-root.pem"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('key = "k.p12"\ncolour = "blue"', "unknown setting(s) colour"),
        ('key = "office.key"', "certificate: a PEM key (office.key) needs its certificate's file"),
        ('key = "office.p12"\ncertificate = "office.pem"', "certificate: a PKCS#12 key (office.p12) holds its"),
        ('key = "k.p12"\ntimestamp-url = "tsa.example"', "timestamp-url: 'tsa.example' is not an http:// or https://"),
        (
            'key = "k.p12"\npassword-env = "my password"',
            "password-env: 'my password' is not the name of an environment",
        ),
        ('certificate = "office.pem"', "key: name the signing key's file"),
        ("key = 12", "key: 12 is not a string"),
    ],
)
def test_a_wrong_setting_is_named(tmp_path, table, message):
    with pytest.raises(UsageError, match="^pyproject.toml \\[tool.bulletin.signing\\]") as raised:
        load_signing(write_settings(tmp_path, table))
    assert message in str(raised.value)


def test_a_missing_key_file_is_named(authority, tmp_path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    settings = load_signing(write_settings(tmp_path, f'key = "absent.p12"\npassword-env = "{PASSWORD_ENV}"'))
    assert settings is not None
    with pytest.raises(SigningError, match=r"\[tool.bulletin.signing\] key: .*absent.p12 does not exist"):
        load_signing_key(settings)
    assert signing_digest(settings) != signing_digest(settings_for(authority.signer, authority))


@pytest.mark.parametrize("pkcs12", [True, False])
def test_a_wrong_or_missing_password_is_told(authority, monkeypatch, pkcs12):
    settings = settings_for(authority.signer, authority, pkcs12=pkcs12)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    with pytest.raises(SigningError, match=f"password-env: the environment variable {PASSWORD_ENV} is not set"):
        load_signing_key(settings)
    monkeypatch.setenv(PASSWORD_ENV, "not the password")
    with pytest.raises(SigningError, match=f"key: .*: the password in {PASSWORD_ENV} does not open it"):
        load_signing_key(settings)
    with pytest.raises(SigningError, match="it is protected by a password: name the environment variable"):
        load_signing_key(replace(settings, password_env=""))


def test_a_renewed_certificate_changes_what_the_editions_are_signed_with(authority):
    one = settings_for(authority.signer, authority)
    assert signing_digest(one) == signing_digest(settings_for(authority.signer, authority))
    assert signing_digest(one) != signing_digest(settings_for(authority.revoked, authority))
    assert signing_digest(None) is None
