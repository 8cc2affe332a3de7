"""The bulletin's typefaces: which font files they are, and where they are installed.

"Bulletin Serif" and "Bulletin Sans" are Noto Serif and Noto Sans from Debian's
fonts-noto-core. This module finds their files (a missing one stops the build with the
names of the fonts and the package) and writes the @font-face rules that point at them.
It loads no rendering engine, so that checks made before rendering (the glyph coverage of
the texts) and the previews can use it cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..util.errors import BuildError
from ..util.files import check_project_file

FONT_PACKAGE = "fonts-noto-core"  # the Debian package that installs the typefaces
MAX_FONT = 64_000_000  # bytes: each of the bulletin's font files takes under a megabyte
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
            for (family, style, weight), path in sorted(self.files.items())
        )


def _visible(directory: Path) -> bool:
    """Tell whether a font folder is there to be read; a home folder hidden from a hardened service is not."""
    try:
        return directory.is_dir()
    except OSError:  # PermissionError: systemd's ProtectHome= leaves HOME set but /home unreadable
        return False


def find_font_files(wanted: set[str]) -> dict[str, Path]:
    """Return where each wanted font file (by name) is installed, the first found in FONT_DIRS' order; stop
    (BuildError) at one that is not a regular file of a font's size, which its readers would wait on."""
    found: dict[str, Path] = {}
    for directory in filter(_visible, FONT_DIRS):
        for path in sorted(directory.rglob("*.ttf")):
            if path.name in wanted and path.name not in found:
                check_project_file(path, "font", MAX_FONT)
                found[path.name] = path
    return found


def find_typefaces() -> Typefaces:
    """Locate every font file of the bulletin, or stop naming the ones that are missing."""
    wanted = {name for faces in TYPEFACES.values() for name in faces.values()}
    found = find_font_files(wanted)
    missing = sorted(wanted - found.keys())
    if missing:
        raise BuildError(
            f"fonts missing: {', '.join(missing)}. Install the Debian package {FONT_PACKAGE}"
            " (the README's commands do it when run as root)."
        )
    return Typefaces(
        {
            (family, style, weight): found[name]
            for family, faces in TYPEFACES.items()
            for (style, weight), name in faces.items()
        }
    )
