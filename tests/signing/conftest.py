"""Fixtures of the signing tests: a test CA made afresh, the settings that sign with it, and a small PDF."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from bulletin.signing.settings import SigningSettings
from bulletin.signing.verifying import read_trust_roots
from signing.certificates import PASSWORD, Authority, Identity, make_authority

PASSWORD_ENV = "BULLETIN_TEST_SIGNING_PASSWORD"


@pytest.fixture(scope="session")
def authority(tmp_path_factory) -> Authority:
    """A test CA and its certificates, made once per session (the tests only read them)."""
    return make_authority(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def password(monkeypatch):
    """The signing key's password in the environment, as the settings name it (password-env)."""
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


def trust_roots(identity: Identity) -> list:
    """A certificate read as a trust root, as --trust-root reads it."""
    return read_trust_roots(identity.certificate_file, "--trust-root")


def settings_for(identity: Identity, authority: Authority, pkcs12: bool = True, **options) -> SigningSettings:
    """Signing settings naming `identity`'s key (PKCS#12, or PEM with its certificate), the root as trust root."""
    return SigningSettings(
        "pyproject.toml [tool.bulletin.signing]",
        identity.pkcs12_file if pkcs12 else identity.key_file,
        None if pkcs12 else identity.certificate_file,
        password_env=PASSWORD_ENV,
        trust_root=authority.root.certificate_file,
        **options,
    )


@pytest.fixture
def small_pdf(tmp_path) -> Path:
    """A one-page PDF, as pikepdf writes it: reproducible, unsigned."""
    path = tmp_path / "edition.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(path, deterministic_id=True)
    return path
