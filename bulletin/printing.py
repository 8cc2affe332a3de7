"""Print stage: lay out an edition's HTML with WeasyPrint and write the PDF atomically.

The bulletin's two typefaces are declared here with @font-face rules that point at the
font files installed from Debian's fonts-noto-core, so the PDF never depends on what
fontconfig would pick; a missing file stops the build with the names of the fonts and
the package. WeasyPrint may only read files from the issue folder, the templates and
the font files; it fetches nothing from the network. The PDF is written to a temporary
file beside its target and renamed over it, so no partial PDF is ever left in output/.

Each edition is printed in two variants (settings.VARIANTS): `print`, PDF/X-4 with the
bureau's CMYK output intent, bleed and the page-count rule, and `screen`, tagged
PDF/UA-1 in sRGB with pictures downsampled. Both come from the same HTML; only the
stylesheet added here, the pictures' colours and WeasyPrint's options differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration

from .colours import palette_stylesheet
from .delivery import write_atomically
from .errors import BuildError
from .finishing import finish_print, finish_screen, fix_metadata, link_labels
from .rendering import ISSUE_URL_PATH
from .makeup import Placement, keep_pages, measure_pictures
from .settings import VARIANTS, PrintSettings

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


def _visible(directory: Path) -> bool:
    """Tell whether a font folder is there to be read; a home folder hidden from a hardened service is not."""
    try:
        return directory.is_dir()
    except OSError:  # PermissionError: systemd's ProtectHome= leaves HOME set but /home unreadable
        return False


def find_font_files(wanted: set[str]) -> dict[str, Path]:
    """Return where each wanted font file (by name) is installed, the first found in FONT_DIRS' order."""
    found: dict[str, Path] = {}
    for directory in filter(_visible, FONT_DIRS):
        for path in sorted(directory.rglob("*.ttf")):
            if path.name in wanted and path.name not in found:
                found[path.name] = path
    return found


def find_typefaces() -> Typefaces:
    """Locate every font file of the bulletin, or stop naming the ones that are missing."""
    wanted = {name for faces in TYPEFACES.values() for name in faces.values()}
    found = find_font_files(wanted)
    missing = sorted(wanted - found.keys())
    if missing:
        raise BuildError(f"fonts missing: {', '.join(missing)}. Install the Debian package {FONT_PACKAGE}"
                         " (the README's commands do it when run as root).")
    return Typefaces({(family, style, weight): found[name]
                      for family, faces in TYPEFACES.items()
                      for (style, weight), name in faces.items()})


class ConfinedFetcher(URLFetcher):
    """A URL fetcher that reads local files under the allowed folders and nothing else.

    `issue` is the folder that file:///issues/<its name>/ stands for (see rendering.picture_url).
    `substitutes` maps a picture to the file that stands for it in this variant (its CMYK
    version in print), so the HTML is the same for both variants.
    """

    def __init__(self, allowed: tuple[Path, ...], substitutes: dict[Path, Path] | None = None,
                 issue: Path | None = None):
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=True)
        self.allowed = tuple(path.resolve() for path in allowed)
        self.substitutes = substitutes or {}
        self.issue = issue

    def local_path(self, url: str) -> Path | None:
        """Return the file a file: URL names, with the issue's URLs mapped to its folder."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = PurePosixPath(unquote(parts.path))
        if self.issue is not None and path.is_relative_to(PurePosixPath(ISSUE_URL_PATH, self.issue.name)):
            return (self.issue / path.relative_to(PurePosixPath(ISSUE_URL_PATH, self.issue.name))).resolve()
        return Path(url2pathname(parts.path)).resolve()

    def fetch(self, url, headers=None):
        path = self.local_path(url)
        if path is None or not any(path.is_relative_to(root) for root in self.allowed):
            raise ValueError(f"resource outside the issue, templates and fonts refused: {url}")
        return super().fetch(self.substitutes.get(path, path).as_uri(), headers)


@dataclass(frozen=True)
class Printed:
    """One PDF written by the print stage."""

    path: Path  # where it was written
    variant: str  # "print" or "screen"
    pages: int  # its page count
    pictures: list[Placement]  # print: the photographs on its pages, with their resolution (screen: none)


def print_pdf(html: str, base: Path, issue: Path, typefaces: Typefaces, target: Path, variant: str,
              settings: PrintSettings, pictures: dict[Path, Path] | None = None) -> Printed:
    """Lay out `html` (whose stylesheets are in `base`) as the `variant` PDF and write it to `target` atomically.

    WeasyPrint may read `base`, the `issue` folder, the font files and the colour profile, nothing else.
    """
    files = tuple(sorted(typefaces.files.values())) + (settings.icc_profile,)  # these files, not their folders
    fetcher = ConfinedFetcher((base, issue) + files, pictures, issue)
    font_config = FontConfiguration()
    color_profiles: dict = {}  # filled by the stylesheet's @color-profile, read by the PDF writer
    stylesheet = "\n".join((typefaces.stylesheet(), palette_stylesheet(variant), page_stylesheet(variant, settings)))
    try:
        document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher).render(
            font_config=font_config,
            color_profiles=color_profiles,
            stylesheets=[CSS(string=stylesheet, font_config=font_config, color_profiles=color_profiles,
                             url_fetcher=fetcher)],
            cache={},
            # Pictures read their resolution limit when they are loaded, during layout.
            dpi=settings.screen_ppi if variant == "screen" else None,
        )
        document = keep_pages(document, settings.multiple(variant))
        # Each walks every box of every page: done only for the variant that uses it.
        placements = measure_pictures(document, fetcher.local_path) if variant == "print" else []
        labels = link_labels(document) if variant == "screen" else {}
        fix_metadata(document, target.stem)
        pdf = document.write_pdf(
            pdf_variant=VARIANTS[variant].pdf_variant,
            pdf_identifier=target.stem.encode(),
        )
    except BuildError:
        raise
    except BaseException as err:  # WeasyPrint's fatal fetch error is a BaseException
        if isinstance(err, (KeyboardInterrupt, SystemExit)):
            raise
        raise BuildError(f"{target.name}: WeasyPrint could not lay out the edition: {err}") from err
    if variant == "print":
        pdf = finish_print(pdf, settings.bleed_pt(variant), settings.crop_marks)
    else:
        pdf = finish_screen(pdf, labels)
    try:
        write_atomically(target, pdf)
    except OSError as err:
        raise BuildError(f"cannot write {target}: {err.strerror or err}") from err
    return Printed(target, variant, len(document.pages), placements)


def page_stylesheet(variant: str, settings: PrintSettings) -> str:
    """Return the page size, the bleed and (in print) the output profile of `variant`."""
    width, height = settings.trim_mm
    rules = [f"@page {{ size: {width:g}mm {height:g}mm; bleed: {settings.bleed_pt(variant):g}pt; marks: none; }}"]
    if variant == "print":
        rules.append(f'@color-profile device-cmyk {{ src: url("{settings.icc_profile.resolve().as_uri()}");'
                     " components: cyan, magenta, yellow, black; }")
    return "\n".join(rules)
