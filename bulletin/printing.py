"""Print stage: lay out an edition's HTML with WeasyPrint and write the PDF atomically.

The bulletin's two typefaces are declared here with @font-face rules that point at the
font files installed from Debian's fonts-noto-core, so the PDF never depends on what
fontconfig would pick; a missing file stops the build with the names of the fonts and
the package. WeasyPrint may only read files from the issue folder, the templates and
the font files; it fetches nothing from the network. The PDF is written to a temporary
file beside its target and renamed over it, so no partial PDF is ever left in output/.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration

from .errors import BuildError

FONT_PACKAGE = "fonts-noto-core"  # the Debian package that installs the typefaces
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")

# The bulletin's typefaces: family used in the stylesheet -> (style, weight) -> font file.
TYPEFACES = {
    "Bulletin Serif": {
        ("normal", 400): "NotoSerif-Regular.ttf",
        ("italic", 400): "NotoSerif-Italic.ttf",
        ("normal", 700): "NotoSerif-Bold.ttf",
        ("italic", 700): "NotoSerif-BoldItalic.ttf",
    },
    "Bulletin Sans": {
        ("normal", 400): "NotoSans-Regular.ttf",
        ("italic", 400): "NotoSans-Italic.ttf",
        ("normal", 700): "NotoSans-Bold.ttf",
        ("italic", 700): "NotoSans-BoldItalic.ttf",
    },
}


@dataclass(frozen=True)
class Typefaces:
    """The located font files of the bulletin's typefaces."""

    files: dict[tuple[str, str, int], Path]  # (family, style, weight) -> font file

    def stylesheet(self) -> str:
        """Return the @font-face rules that declare the typefaces."""
        return "\n".join(
            f'@font-face {{ font-family: "{family}"; font-style: {style}; font-weight: {weight};'
            f' src: url("{path.as_uri()}"); }}'
            for (family, style, weight), path in sorted(self.files.items()))


def find_typefaces() -> Typefaces:
    """Locate every font file of the bulletin, or stop naming the ones that are missing."""
    wanted = {name for faces in TYPEFACES.values() for name in faces.values()}
    found: dict[str, Path] = {}
    for directory in FONT_DIRS:
        if directory.is_dir():
            for path in sorted(directory.rglob("*.ttf")):
                if path.name in wanted and path.name not in found:
                    found[path.name] = path
    missing = sorted(wanted - found.keys())
    if missing:
        raise BuildError(f"fonts missing: {', '.join(missing)}. Install the Debian package {FONT_PACKAGE}"
                         " (the README's commands do it when run as root).")
    return Typefaces({(family, style, weight): found[name]
                      for family, faces in TYPEFACES.items()
                      for (style, weight), name in faces.items()})


class ConfinedFetcher(URLFetcher):
    """A URL fetcher that reads local files under the allowed folders and nothing else."""

    def __init__(self, allowed: tuple[Path, ...]):
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=True)
        self.allowed = tuple(path.resolve() for path in allowed)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        path = Path(url2pathname(parts.path)).resolve() if parts.scheme == "file" else None
        if path is None or parts.netloc not in ("", "localhost") or not any(
                path.is_relative_to(root) for root in self.allowed):
            raise ValueError(f"resource outside the issue, templates and fonts refused: {url}")
        return super().fetch(path.as_uri(), headers)


def print_pdf(html: str, base: Path, allowed: tuple[Path, ...], typefaces: Typefaces,
              target: Path) -> int:
    """Lay out `html` and write it to `target` atomically; return the number of pages."""
    fetcher = ConfinedFetcher(allowed + tuple({path.parent for path in typefaces.files.values()}))
    font_config = FontConfiguration()
    try:
        document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher).render(
            font_config=font_config,
            stylesheets=[CSS(string=typefaces.stylesheet(), font_config=font_config, url_fetcher=fetcher)],
            cache={},
        )
        pdf = document.write_pdf(pdf_identifier=target.stem.encode())
    except BaseException as err:  # WeasyPrint's fatal fetch error is a BaseException
        if isinstance(err, (KeyboardInterrupt, SystemExit)):
            raise
        raise BuildError(f"{target.name}: WeasyPrint could not lay out the edition: {err}") from err
    try:
        write_atomically(target, pdf)
    except OSError as err:
        raise BuildError(f"cannot write {target}: {err.strerror or err}") from err
    return len(document.pages)


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` to `target` through a temporary file in the same folder, then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
