"""The signing settings: `[tool.bulletin.signing]` in pyproject.toml, read and checked.

    key            the signing key: a PKCS#12 file (.p12 or .pfx) holding its certificate, or a PEM key
    certificate    the signing certificate (PEM), beside a PEM key; left out with a PKCS#12 file
    chain          further certificates (PEM files) between the signing certificate and the root, embedded in
                   every signature so that a reader's viewer can build the path
    password-env   the environment variable holding the key's password (a password is never in the file)
    timestamp-url  an RFC 3161 time-stamping server: the signatures are then PAdES B-T, whose time is proven;
                   without it they are B-B, whose time is the signer's own clock
    trust-root     the root certificate(s), PEM, that `verify` checks against when --trust-root is not given,
                   and each signature is checked against as it is made
    timestamp-root the root certificate(s), PEM, of the time-stamping authority when its chain leads to
                   another root than the publisher's: trusted for timestamps only, never for the signer
    long-term      true: PAdES B-LTA, for archives. The certificates and revocation data that prove the
                   signature and its timestamp valid are put in the file (/DSS), and a document timestamp
                   seals them: a reader can check the signature after the certificates have expired, and
                   an archive keeps it checkable by timestamping the file again. Needs timestamp-url and
                   trust-root
    crl            the CRL files (DER or PEM) of the CAs above the signer and the time-stamping authority,
                   put in the file with long-term; without them the build fetches them from the addresses
                   the certificates name
    reason, location  what a viewer shows beside the signature

Without the table, nothing is signed. Files are named relative to the folder of pyproject.toml.
The settings are only read here: whether the files are there, open with the password and hold a
certificate valid now is told when a build signs (`keys`), so that a machine without the key can
still verify, and the build says what is wrong before it lays out a page.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..util.errors import UsageError
from ..util.files import read_file

TABLE = "[tool.bulletin.signing]"
KEYS = (
    "key",
    "certificate",
    "chain",
    "password-env",
    "timestamp-url",
    "trust-root",
    "timestamp-root",
    "reason",
    "location",
    "long-term",
    "crl",
)
LISTS = ("chain", "crl")  # the settings that name a list of files; "long-term" is true or false
PKCS12 = (".p12", ".pfx")  # the suffixes of a key file read as PKCS#12; any other is PEM
DEFAULT_REASON = "Published by the editorial office of the bulletin"
MAX_FILE = 1_000_000  # bytes: a key or certificate file takes a few kilobytes


@dataclass(frozen=True)
class SigningSettings:
    """How the screen editions are signed, as [tool.bulletin.signing] says."""

    where: str  # "pyproject.toml [tool.bulletin.signing]": where the settings came from, for messages
    key: Path  # the PKCS#12 file, or the PEM private key
    certificate: Path | None = None  # the PEM certificate beside a PEM key; None with PKCS#12
    chain: tuple[Path, ...] = ()  # further certificates up to the root, PEM
    password_env: str = ""  # the environment variable holding the key's password; "" when it has none
    timestamp_url: str = ""  # the time-stamping server; "": no timestamp (PAdES B-B)
    trust_root: Path | None = None  # the root certificate(s) the signatures are checked against
    reason: str = DEFAULT_REASON  # shown by viewers beside the signature
    location: str = ""  # likewise: where it was signed, such as the office's city
    timestamp_root: Path | None = None  # the time-stamping authority's root(s), trusted for timestamps only
    long_term: bool = False  # PAdES B-LTA: validation data in the file, sealed by a document timestamp
    crls: tuple[Path, ...] = ()  # the CRLs put in the file with long_term; none: fetched from the certificates

    @property
    def pkcs12(self) -> bool:
        """Tell whether the key is a PKCS#12 file, holding its certificate."""
        return self.key.suffix.lower() in PKCS12

    @property
    def profile(self) -> str:
        """The PAdES level of the signatures made: B-LTA for long-term, B-T with a timestamp, else B-B."""
        return "PAdES B-LTA" if self.long_term else "PAdES B-T" if self.timestamp_url else "PAdES B-B"


def load_signing(pyproject: Path) -> SigningSettings | None:
    """Read [tool.bulletin.signing] from `pyproject`; None when there is none (nothing is signed)."""
    try:
        document = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise UsageError(f"{pyproject.name}: cannot read the settings: {err}") from err
    return read_signing(document.get("tool", {}).get("bulletin", {}).get("signing"), pyproject)


def read_signing(table: object, pyproject: Path) -> SigningSettings | None:
    """Check the [tool.bulletin.signing] `table` of `pyproject`; None when there is none."""
    if table is None:
        return None
    where = f"{pyproject.name} {TABLE}"
    if not isinstance(table, dict):
        raise UsageError(f"{where}: expected a table of settings, found {table!r}")
    if unknown := sorted(set(table) - set(KEYS)):
        raise UsageError(f"{where}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(KEYS)}")
    text = {key: _text(table, key, where) for key in KEYS if key not in (*LISTS, "long-term")}
    if not text["key"]:
        raise UsageError(f'{where} key: name the signing key\'s file, such as key = "keys/publisher.p12"')
    key = _file(pyproject, text["key"])
    if key.suffix.lower() in PKCS12 and text["certificate"]:
        raise UsageError(f"{where} certificate: a PKCS#12 key ({text['key']}) holds its certificate; leave it out")
    if key.suffix.lower() not in PKCS12 and not text["certificate"]:
        raise UsageError(
            f"{where} certificate: a PEM key ({text['key']}) needs its certificate's file beside it; or name a"
            f" PKCS#12 file ({', '.join(PKCS12)}) as the key"
        )
    chain, crls = (_names(table, key, where) for key in LISTS)
    url = text["timestamp-url"]
    if url and not url.startswith(("http://", "https://")):
        raise UsageError(f"{where} timestamp-url: {url!r} is not an http:// or https:// address of an RFC 3161 server")
    long_term = table.get("long-term", False)
    if not isinstance(long_term, bool):
        raise UsageError(f"{where} long-term: {long_term!r} is not true or false")
    if long_term and not (url and text["trust-root"]):
        raise UsageError(
            f"{where} long-term: a long-term signature needs timestamp-url (its document timestamp seals the"
            " validation data) and trust-root (the data is gathered for the certificates' paths to it)"
        )
    if crls and not long_term:
        raise UsageError(f"{where} crl: the CRLs are put in the file only with long-term = true")
    variable = text["password-env"]
    if variable and not variable.replace("_", "").isalnum():
        raise UsageError(f"{where} password-env: {variable!r} is not the name of an environment variable")
    return SigningSettings(
        where,
        key,
        _file(pyproject, text["certificate"]) if text["certificate"] else None,
        tuple(_file(pyproject, name) for name in chain),
        variable,
        url,
        _file(pyproject, text["trust-root"]) if text["trust-root"] else None,
        text["reason"] or DEFAULT_REASON,
        text["location"],
        _file(pyproject, text["timestamp-root"]) if text["timestamp-root"] else None,
        long_term,
        tuple(_file(pyproject, name) for name in crls),
    )


def _names(table: dict, key: str, where: str) -> list[str]:
    """The files a list setting names (one name alone stands for a list of one)."""
    names = table.get(key, [])
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not all(isinstance(name, str) and name for name in names):
        raise UsageError(f"{where} {key}: {names!r} is not a list of files")
    return names


def _text(table: dict, key: str, where: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise UsageError(f"{where} {key}: {value!r} is not a string")
    return value.strip()


def _file(pyproject: Path, value: str) -> Path:
    """A file named in the settings: relative to the folder of pyproject.toml, where it is relative."""
    return pyproject.parent / Path(value).expanduser()


def signing_digest(settings: SigningSettings | None) -> str | None:
    """Return the SHA-256 of what a signature is made with: the key's, certificates' contents and the options (a
    part of a screen edition's recipe, so that a renewed certificate signs the edition again); None without
    signing. A file that cannot be read counts by its name: the build that signs says what is wrong with it."""
    if settings is None:
        return None
    files = [settings.key, *([settings.certificate] if settings.certificate else []), *settings.chain]
    described: dict[str, object] = {
        "files": [_file_digest(path) for path in files],
        "timestamp_url": settings.timestamp_url,
        "reason": settings.reason,
        "location": settings.location,
    }
    if settings.long_term:  # so that a recipe without it is the same as before it was known; not the CRLs, which
        described["long_term"] = True  # are renewed every few days: a kept edition holds the CRLs it was signed with
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(read_file(path, MAX_FILE)).hexdigest()
    except (OSError, ValueError):  # absent, not a file, a name holding a null character
        return f"unreadable: {path.name}"
