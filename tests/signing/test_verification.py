"""The verify command: what it says of each file, and its exit status."""

from __future__ import annotations

from dataclasses import replace

from asn1crypto import pem

from bulletin.signing.keys import load_signing_key
from bulletin.signing.signatures import sign_pdf
from signing.certificates import PASSWORD
from signing.conftest import PASSWORD_ENV, settings_for
from signing.tsaserver import time_stamping

from conftest import main


def signed_copy(authority, small_pdf, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    settings = settings_for(authority.signer, authority)
    sign_pdf(small_pdf, load_signing_key(settings), settings)
    return small_pdf


def test_verify_passes_a_signed_file_and_fails_a_changed_one(authority, small_pdf, monkeypatch, capsys):
    path = signed_copy(authority, small_pdf, monkeypatch)
    root = str(authority.root.certificate_file)
    assert main(["verify", str(path), "--trust-root", root]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"{path}: passed\n  signed by: Editorial Office (Since the Victory)")
    data = bytearray(path.read_bytes())
    data[data.index(b"/MediaBox") + 2] ^= 0x01
    changed = path.with_name("changed.pdf")
    changed.write_bytes(bytes(data))
    assert main(["verify", str(path), str(changed), "--trust-root", root]) == 1
    captured = capsys.readouterr()
    assert f"{changed}: FAILED\n" in captured.out and "FAILED: changed after it was signed" in captured.out
    assert "1 of 2 file(s) did not pass" in captured.err


def test_verify_without_a_trust_root_is_bad_usage(small_pdf, monkeypatch, tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text("")
    monkeypatch.setattr("bulletin.workflow.verification.PYPROJECT", tmp_path / "pyproject.toml")
    assert main(["verify", str(small_pdf)]) == 2
    assert "name the trust root the signatures must come from: --trust-root PEM" in capsys.readouterr().err
    assert main(["verify", str(small_pdf), "--trust-root", str(tmp_path / "absent.pem")]) == 2
    assert "absent.pem does not exist" in capsys.readouterr().err


def test_a_signing_certificate_given_as_the_trust_root_is_bad_usage(authority, small_pdf, monkeypatch, capsys):
    path = signed_copy(authority, small_pdf, monkeypatch)
    leaf = authority.signer.certificate_file
    assert main(["verify", str(path), "--trust-root", str(leaf)]) == 2
    said = capsys.readouterr()
    assert "Editorial Office (Since the Victory) is not a CA certificate (it may not issue certificates)" in said.err
    assert "passed" not in said.out


def test_a_time_stamping_authority_under_another_root_is_named_with_timestamp_root(
    authority, small_pdf, monkeypatch, capsys
):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    with time_stamping(replace(authority, root=authority.stranger, tsa=authority.foreign_tsa)) as (url, _answered):
        settings = settings_for(authority.signer, authority, timestamp_url=url)
        sign_pdf(small_pdf, load_signing_key(settings), settings)
    root, stamps = str(authority.root.certificate_file), str(authority.stranger.certificate_file)
    assert main(["verify", str(small_pdf), "--trust-root", root]) == 1
    assert "name that authority's root with --timestamp-root" in capsys.readouterr().out
    assert main(["verify", str(small_pdf), "--trust-root", root, "--timestamp-root", stamps]) == 0
    assert "from Foreign Time Stamps (Since the Victory)" in capsys.readouterr().out


def test_a_crl_in_pem_is_read_as_one_in_der(authority, small_pdf, monkeypatch, tmp_path, capsys):
    path = signed_copy(authority, small_pdf, monkeypatch)
    armoured = tmp_path / "root.pem.crl"
    armoured.write_bytes(pem.armor("X509 CRL", authority.crl_file.read_bytes()))
    root = str(authority.root.certificate_file)
    for given in (authority.crl_file, armoured):
        assert main(["verify", str(path), "--trust-root", root, "--crl", str(given)]) == 0, capsys.readouterr()
        assert "not revoked by the CRLs given" in capsys.readouterr().out
