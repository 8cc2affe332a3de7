"""Print stage: lay out an edition's HTML with WeasyPrint and write the PDF atomically.

The bulletin's two typefaces are declared with @font-face rules that point at the font
files installed from Debian's fonts-noto-core (`fonts`), so the PDF never depends on what
fontconfig would pick. WeasyPrint may only read files from the issue folder, the templates and
the font files; it fetches nothing from the network. The PDF is written to a temporary
file beside its target and renamed over it, so no partial PDF is ever left in output/.

Each edition is printed in two variants (settings.VARIANTS): `print`, PDF/X-4 with the
bureau's CMYK output intent, bleed and the page-count rule, and `screen`, tagged
PDF/UA-1 in sRGB with pictures downsampled. Both come from the same templates; their HTML
differs only where the variant's medium shows (the print edition's ISSN or the online
edition's, `rendering`) and in the spare pages of the page-count rule. The stylesheet added
here, the pictures' colours and WeasyPrint's options differ.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML, URLFetcher
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration

from ..language.fonts import Typefaces
from ..language.hyphenation import register_hyphenation
from ..project import PROJECT, STYLESHEET, TEMPLATES
from ..util.atomic import atomic_file, describe_os_error
from ..util.errors import BuildError, display_path
from ..util.files import not_a_file
from . import engine
from .colours import load_profile, palette_stylesheet
from .finishing import finish_print, finish_screen, fix_metadata, link_labels
from .jobs import Printed, SlotProbe
from .makeup import (
    CSS_PX_PER_INCH,
    check_makeup,
    drawn_size,
    keep_pages,
    measure_pictures,
    picture_pages,
    section_pages,
)
from .pdfx1a import make_x1a
from .proofing import check_proof
from .rendering import ISSUE_URL_PATH
from .settings import VARIANTS, PrintSettings
from .tagging import figure_alts


class ConfinedFetcher(URLFetcher):
    """A URL fetcher that reads local files under the allowed folders and nothing else.

    `issue` is the folder that file:///issues/<its name>/ stands for (see rendering.picture_url).
    `substitutes` maps a picture to the file that stands for it in this variant (its CMYK
    version in print), so the HTML is the same for both variants.
    """

    def __init__(
        self, allowed: tuple[Path, ...], substitutes: dict[Path, Path] | None = None, issue: Path | None = None
    ):
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
        target = self.substitutes.get(path, path)
        kind = not_a_file(target)
        if kind is not None:  # a named pipe would be waited on forever
            raise ValueError(f"{display_path(target)} is {kind}, not a file")
        return super().fetch(target.as_uri(), headers)


def print_pdf(
    html: str,
    base: Path,
    issue: Path,
    typefaces: Typefaces,
    target: Path,
    variant: str,
    settings: PrintSettings,
    pictures: dict[Path, Path] | None = None,
) -> Printed:
    """Lay out `html` (whose stylesheets are in `base`) as the `variant` PDF and write it to `target` atomically.

    WeasyPrint may read `base`, the `issue` folder, the font files and the colour profile, nothing else.
    """
    fetcher = ConfinedFetcher((base, issue) + readable_files(typefaces, settings), pictures, issue)
    with engine_messages() as said:  # told as the PDF's findings (`editions`), not as lines of the log
        try:
            document = lay_out(html, base, fetcher, typefaces, variant, settings)
            document = keep_pages(document, settings.multiple(variant))
            parts = section_pages(document)
            faults = sorted(check_makeup(document) + check_proof(document), key=lambda fault: fault.page)
            # Each walks every box of every page: done only for the variant that uses it.
            placements = measure_pictures(document, fetcher.local_path) if variant == "print" else []
            shown, unshown = picture_pages(document, fetcher.local_path)
            labels = link_labels(document) if variant == "screen" else {}
            alts = figure_alts(document) if variant == "screen" else []
            fix_metadata(document, target.stem)
        except BuildError:
            raise
        except BaseException as err:  # WeasyPrint's fatal fetch error is a BaseException
            if isinstance(err, (KeyboardInterrupt, SystemExit)):
                raise
            raise BuildError(f"{target.name}: WeasyPrint could not lay out the edition: {err}") from err
        # Written to a file and finished from it into the target: a print PDF with many photographs is tens
        # of megabytes, and copies of it in memory would weigh on every worker.
        try:
            with tempfile.TemporaryFile(dir=target.parent) as raw, atomic_file(target) as output:
                with engine.sources_numbered():
                    document.write_pdf(
                        raw, pdf_variant=VARIANTS[variant].pdf_variant, pdf_identifier=target.stem.encode()
                    )
                raw.seek(0)
                if variant == "print" and settings.pdfx == "1a":
                    # Ghostscript reads the finished PDF/X-4 from a file, and writes the PDF/X-1a made from it.
                    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".x4-") as folder:
                        x4 = Path(folder, "x4.pdf")
                        with x4.open("wb") as finished:
                            finish_print(
                                raw, settings.bleed_pt(variant), settings.crop_marks, settings.condition, finished
                            )
                        make_x1a(x4, output)
                elif variant == "print":
                    finish_print(raw, settings.bleed_pt(variant), settings.crop_marks, settings.condition, output)
                else:
                    finish_screen(raw, labels, alts, output)
        except OSError as err:
            raise BuildError(f"cannot write {target.name}: {describe_os_error(err)}") from err
        except Exception as err:  # font subsetting, a picture WeasyPrint cannot embed, pikepdf: never a traceback
            raise BuildError(f"{target.name}: the PDF could not be written: {err}") from err
    return Printed(target, variant, len(document.pages), placements, parts, faults, unshown, tuple(said), shown)


@contextmanager
def engine_messages() -> Iterator[list[str]]:
    """Collect what WeasyPrint warns about while the block runs, instead of logging it; its progress (at
    --verbose) is still logged. Each message names no folder of this machine."""
    logger, messages = logging.getLogger("weasyprint"), []

    def collect(record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        message = record.getMessage().replace(PROJECT.as_uri() + "/", "").replace(f"{PROJECT}/", "")
        messages.append(message.strip().removesuffix(":"))  # a failed picture's reason may be empty
        return False

    level = logger.level
    logger.addFilter(collect)
    if not logger.isEnabledFor(logging.WARNING):  # --quiet: its warnings are errors of the build all the same
        logger.setLevel(logging.WARNING)
    try:
        yield messages
    except BaseException:
        logger.removeFilter(collect)
        for message in messages:  # no finding will tell them: they may say why the block failed
            logger.warning("%s", message)
        raise
    finally:
        logger.removeFilter(collect)
        logger.setLevel(level)


def readable_files(typefaces: Typefaces, settings: PrintSettings) -> tuple[Path, ...]:
    """The files WeasyPrint may read besides its folders: the font files and the colour profile (not their
    folders)."""
    return tuple(sorted(typefaces.files.values())) + (settings.profile,)


def lay_out(
    html: str, base: Path, fetcher: ConfinedFetcher, typefaces: Typefaces, variant: str, settings: PrintSettings
) -> Document:
    """Lay out `html` with the typefaces, the variant's palette and page, and the Azerbaijani hyphenation."""
    register_hyphenation()  # Pyphen has no Azerbaijani patterns of its own
    font_config = FontConfiguration()
    color_profiles: dict = {}  # filled by the stylesheet's @color-profile, read by the PDF writer
    profile = load_profile(settings.profile) if variant == "print" else None
    stylesheet = "\n".join(
        (typefaces.stylesheet(), palette_stylesheet(variant, profile), page_stylesheet(variant, settings))
    )
    return HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher).render(
        font_config=font_config,
        color_profiles=color_profiles,
        stylesheets=[
            CSS(string=stylesheet, font_config=font_config, color_profiles=color_profiles, url_fetcher=fetcher)
        ],
        cache={},
        # Pictures read their resolution limit when they are loaded, during layout.
        dpi=settings.screen_ppi if variant == "screen" else None,
    )


# The markup that places a picture, as the templates write it (tests/printing/test_placing.py checks they agree).
SLOTS = {
    "cover": '<section class="cover"><img class="cover-image" {image}></section>',
    "illustration": '<article class="article"><figure class="illustration"><img {image}></figure></article>',
}


def measure_slots(probe: SlotProbe) -> list[tuple[float, float]]:
    """Lay out a picture of the same pixel size in each slot; return, per slot, the width and height in
    millimetres at which it is drawn."""
    with tempfile.TemporaryDirectory(prefix="bulletin-slots-") as folder:
        body = []
        for index, (slot, (width, height)) in enumerate(probe.slots):
            stand_in = Path(folder, f"{index}.svg")
            stand_in.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"/>')
            body.append(SLOTS[slot].format(image=f'src="{stand_in.as_uri()}" data-slot="{index}" alt=""'))
        html = (
            f'<!DOCTYPE html><html lang="en"><head><link rel="stylesheet" href="{STYLESHEET}"></head><body>'
            + "".join(body)
            + "</body></html>"
        )
        fetcher = ConfinedFetcher((TEMPLATES, Path(folder)) + readable_files(probe.typefaces, probe.settings))
        with engine_messages() as said:  # what it says of the stylesheet is told with each PDF
            try:
                document = lay_out(html, TEMPLATES, fetcher, probe.typefaces, probe.variant, probe.settings)
            except Exception as err:  # the stylesheet, say: told as the build's error, not a traceback
                raise BuildError(
                    f"the places of the photographs could not be laid out ({probe.variant}): {err}"
                ) from err
        failed = [message for message in said if message.startswith(("Failed", "Error"))]
        if failed:  # a stand-in not drawn is a place not measured
            raise BuildError(f"the places of the photographs could not be measured ({probe.variant}): {failed[0]}")
    sizes: dict[int, tuple[float, float]] = {}
    for page in document.pages:
        for box in engine.page_boxes(page):  # where a box's final size is known
            element = engine.element_of(box)
            if engine.is_picture(box) and element is not None and (written := element.get("data-slot")):
                index = int(written)
                across, down = drawn_size(box, *probe.slots[index][1])
                sizes[index] = (across / CSS_PX_PER_INCH * 25.4, down / CSS_PX_PER_INCH * 25.4)
    missing = [probe.slots[index][0] for index in range(len(probe.slots)) if index not in sizes]
    if missing:
        raise BuildError(f"the stylesheet places no picture in these slots: {', '.join(sorted(set(missing)))}")
    return [sizes[index] for index in range(len(probe.slots))]


def page_stylesheet(variant: str, settings: PrintSettings) -> str:
    """Return the page size, the bleed and (in print) the output profile of `variant`."""
    width, height = settings.trim_mm
    rules = [f"@page {{ size: {width:g}mm {height:g}mm; bleed: {settings.bleed_pt(variant):g}pt; marks: none; }}"]
    if variant == "print":
        rules.append(
            f'@color-profile device-cmyk {{ src: url("{settings.profile.resolve().as_uri()}");'
            " components: cyan, magenta, yellow, black; }"
        )
    return "\n".join(rules)
