"""Colours: the palette in both variants, colours and drawings in CMYK, photographs converted once."""

from __future__ import annotations

import io
import re
import signal
import struct
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops, ImageCms, ImageOps
from weasyprint import CSS, HTML

from bulletin.printing.colours import (
    PALETTE,
    PRINTED_IN_BLACK,
    TYPE_INKS,
    cmyk_css,
    cmyk_of,
    load_profile,
    palette_stylesheet,
    print_raster,
    print_svg,
)
from bulletin.printing.settings import DEFAULT_PROFILE
from bulletin.util.errors import BuildError

SVG = "{http://www.w3.org/2000/svg}"
BLACK_INK = "device-cmyk(0 0 0 1)"


@pytest.fixture(scope="module")
def profile():
    """The profile of the default printing condition, FOGRA39, as set-up makes it."""
    return load_profile(DEFAULT_PROFILE)


def inks_of(css: str) -> tuple[float, ...]:
    numbers = re.fullmatch(r"device-cmyk\(([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)\)", css)
    assert numbers, css
    return tuple(map(float, numbers.groups()))


def custom_properties(stylesheet: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*([^;]+);", stylesheet))


def encode(image: Image.Image, format: str, **options) -> bytes:
    output = io.BytesIO()
    image.save(output, format=format, **options)
    return output.getvalue()


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def swapped_primaries_profile() -> bytes:
    """Return Pillow's sRGB profile with its red and blue primaries exchanged: another RGB profile."""
    data = bytearray(srgb_profile())
    tags = {
        bytes(data[start : start + 4]): start
        for start in range(132, 132 + 12 * struct.unpack(">I", data[128:132])[0], 12)
    }
    red, blue = tags[b"rXYZ"] + 4, tags[b"bXYZ"] + 4
    data[red : red + 8], data[blue : blue + 8] = data[blue : blue + 8], data[red : red + 8]
    data[84:100] = bytes(16)  # no profile ID: it would no longer match
    return bytes(data)


# The palette


def test_the_print_palette_is_separated_for_the_condition_with_type_in_two_inks_and_black_alone(profile):
    values = custom_properties(palette_stylesheet("print", profile))
    assert values.keys() == PALETTE.keys() | {f"{name}-type" for name in TYPE_INKS}
    for name, rgb in PALETTE.items():
        expected = PRINTED_IN_BLACK.get(name) or cmyk_of(rgb, profile)
        assert inks_of(values[name]) == pytest.approx(expected, abs=0.0005), name
        assert sum(inks_of(values[name])) * 100 <= 300, name  # FOGRA39's limit, kept by its profile's separation
    assert values["ink"] == BLACK_INK
    assert re.fullmatch(r"device-cmyk\(0 0 0 0\.\d+\)", values["grey"])
    for name in TYPE_INKS:
        assert sum(1 for ink in inks_of(values[f"{name}-type"]) if ink) <= 2, name


def test_the_rich_navy_of_the_old_palette_is_gone_from_print(profile):
    """The design's navy was 276 % of ink, over an uncoated paper's limit; for FOGRA29 it stays under 260 %."""
    uncoated = load_profile(DEFAULT_PROFILE.with_name("FOGRA29.icc"))
    navy = inks_of(custom_properties(palette_stylesheet("print", uncoated))["navy"])
    assert sum(navy) * 100 <= 260 and navy != (1.0, 0.78, 0.4, 0.58)


def test_the_screen_palette_is_the_srgb_hex_values_with_type_the_same():
    values = custom_properties(palette_stylesheet("screen"))
    assert values == dict(PALETTE) | {f"{name}-type": PALETTE[name] for name in TYPE_INKS}
    assert all(re.fullmatch(r"#[0-9a-f]{6}", value) for value in values.values())


def fill_colours(pdf: bytes) -> list[tuple[str, list]]:
    """Return the fill colour operators of a PDF's first page, with their operands."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [
            (
                str(instruction.operator),
                [value if isinstance(value, pikepdf.Name) else float(value) for value in instruction.operands],
            )
            for instruction in pikepdf.parse_content_stream(document.pages[0])
            if str(instruction.operator) in ("cs", "scn", "sc", "k", "rg")
        ]


def test_weasyprint_paints_print_ink_in_black_ink_and_screen_ink_in_rgb(profile):
    html = HTML(string='<p style="color: var(--ink)">Mətn</p>')
    printed = fill_colours(html.write_pdf(stylesheets=[CSS(string=palette_stylesheet("print", profile))]))
    assert printed == [("cs", [pikepdf.Name.DeviceCMYK]), ("scn", [0, 0, 0, 1])]
    screen = fill_colours(html.write_pdf(stylesheets=[CSS(string=palette_stylesheet("screen"))]))
    assert screen == [("rg", pytest.approx([0x1D / 255, 0x23 / 255, 0x2A / 255], abs=0.001))]


# cmyk_of


def test_the_palettes_blacks_map_to_black_ink_alone(profile):
    for name, cmyk in PRINTED_IN_BLACK.items():
        assert cmyk_of(PALETTE[name], profile) == cmyk_of(PALETTE[name].upper(), profile) == cmyk, name
    assert cmyk_of("#FFF", profile) == PRINTED_IN_BLACK["paper"]


@pytest.mark.parametrize(
    "grey, black", [("#000000", 1.0), ("#000", 1.0), ("#333333", 0.8), ("#808080", 0.498), ("#eee", 0.067)]
)
def test_greys_map_to_black_ink_alone(profile, grey, black):
    assert cmyk_of(grey, profile) == (0.0, 0.0, 0.0, black)


def test_other_colours_go_through_the_profile(profile):
    red = cmyk_of("#ff0000", profile)
    assert len(red) == 4 and all(0 <= value <= 1 for value in red)
    cyan, magenta, yellow, _black = red
    assert magenta > 0.8 and yellow > 0.8 and cyan < 0.2
    blue = cmyk_of("#1040c0", profile)
    assert blue != red and blue[0] > 0.5  # a blue needs cyan
    assert cmyk_of("#abc", profile) == cmyk_of("#aabbcc", profile) == cmyk_of("#AABBCC", profile)
    assert cmyk_of("#abc", profile)[:3] != (0, 0, 0)  # not a grey: not black ink alone


# print_svg


def test_every_colour_of_a_drawing_becomes_device_cmyk(profile):
    drawing = (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        b'<defs><linearGradient id="g"><stop offset="0" stop-color="white"/>'
        b'<stop offset="1" stop-color="#abc"/></linearGradient></defs>'
        b'<rect width="5" height="5" fill="#b3263a" stroke="black"/>'
        b'<circle r="2" style="fill:#FF0000;stroke: white"/>'
        b'<path d="M0 0L1 1"/></svg>'
    )
    result = print_svg(drawing, profile)
    root = ElementTree.fromstring(result)
    assert root.get("fill") == BLACK_INK  # the default fill, inherited by the path
    assert not re.search(rb"#[0-9a-fA-F]{3}", result) and not re.search(rb"\b(white|black)\b", result)
    stops = root.findall(f"{SVG}defs/{SVG}linearGradient/{SVG}stop")
    assert [stop.get("stop-color") for stop in stops] == ["device-cmyk(0 0 0 0)", cmyk_css(cmyk_of("#aabbcc", profile))]
    rect = root.find(f"{SVG}rect")
    assert (rect.get("fill"), rect.get("stroke")) == (cmyk_css(cmyk_of("#b3263a", profile)), BLACK_INK)
    assert root.find(f"{SVG}circle").get("style") == (
        f"fill:{cmyk_css(cmyk_of('#ff0000', profile))};stroke: device-cmyk(0 0 0 0)"
    )
    assert root.find(f"{SVG}path").get("fill") is None


@pytest.mark.parametrize("fill, printed", [("none", "none"), ("#5d6670", "device-cmyk(0 0 0 0.72)")])
def test_a_root_with_its_own_fill_gets_no_second_one(profile, fill, printed):
    drawing = f'<svg xmlns="http://www.w3.org/2000/svg"\n     fill="{fill}" fill-rule="evenodd"><rect/></svg>'
    result = print_svg(drawing.encode(), profile)
    root = ElementTree.fromstring(result)  # a second fill attribute would not parse
    assert root.get("fill") == printed and result.count(b"fill=") == 1


def test_a_root_with_only_a_fill_rule_still_gets_the_default_fill(profile):
    root = ElementTree.fromstring(print_svg(b'<svg xmlns="http://www.w3.org/2000/svg" fill-rule="evenodd"/>', profile))
    assert root.get("fill") == BLACK_INK and root.get("fill-rule") == "evenodd"


def test_single_quoted_black_and_white_attributes_become_device_cmyk(profile):
    result = print_svg(b"<svg xmlns='http://www.w3.org/2000/svg'><rect fill='black' stroke='white'/></svg>", profile)
    rect = ElementTree.fromstring(result).find(f"{SVG}rect")
    assert (rect.get("fill"), rect.get("stroke")) == (BLACK_INK, "device-cmyk(0 0 0 0)")


def test_references_to_ids_that_look_like_hex_colours_are_kept(profile):
    drawing = (
        b'<svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="fad"/></defs><rect fill="url(#fad)"/></svg>'
    )
    rect = ElementTree.fromstring(print_svg(drawing, profile)).find(f"{SVG}rect")
    assert rect.get("fill") == "url(#fad)"


def test_a_drawing_of_thousands_of_colours_is_converted_in_one_pass(profile):
    """A colour at a time took milliseconds each: 5,000 of them in a style attribute held a build for seconds,
    a drawing's worth of them for half an hour."""
    colours = [f"#{red:02x}{green:02x}40" for red in range(0, 250, 3) for green in range(0, 250, 4)][:5_000]
    drawing = (
        '<svg xmlns="http://www.w3.org/2000/svg">'
        + "".join(f'<rect fill="{colour}" style="stroke:{colour}"/>' for colour in colours)
        + "</svg>"
    ).encode()
    signal.signal(signal.SIGALRM, lambda signum, frame: pytest.fail("took more than 5 s"))
    signal.alarm(5)
    try:
        result = print_svg(drawing, profile)
    finally:
        signal.alarm(0)
    rects = ElementTree.fromstring(result).findall(f"{SVG}rect")
    for index in (0, 1234, 4999):
        ink = cmyk_css(cmyk_of(colours[index], profile))
        assert rects[index].get("fill") == ink and rects[index].get("style") == f"stroke:{ink}"


# print_raster


def test_an_rgb_jpeg_becomes_a_cmyk_jpeg_of_the_same_size_and_resolution(profile):
    source = encode(Image.new("RGB", (120, 80), (255, 0, 0)), "JPEG", dpi=(340, 340))
    with decode(print_raster(source, profile)) as result:
        assert (result.format, result.mode, result.size) == ("JPEG", "CMYK", (120, 80))
        assert result.info["dpi"] == pytest.approx((340, 340))
        cyan, magenta, yellow, black = result.getpixel((60, 40))
        assert magenta > 200 and yellow > 200 and cyan < 40 and black < 40


def test_a_transparent_png_is_flattened_on_white_paper(profile):
    image = Image.new("RGBA", (100, 50), (0, 0, 0, 0))
    image.paste((31, 111, 120, 255), (0, 0, 50, 50))  # teal on the left half
    with decode(print_raster(encode(image, "PNG"), profile)) as result:
        assert (result.format, result.mode, result.size) == ("JPEG", "CMYK", (100, 50))
        assert max(result.getpixel((90, 25))) <= 3  # no ink where the picture was transparent
        assert result.getpixel((10, 25))[0] > 150  # cyan where it was teal


def test_a_cmyk_jpeg_keeps_its_pixels_and_loses_its_comment(profile):
    source = encode(Image.new("CMYK", (40, 30), (0, 60, 100, 10)), "JPEG", comment=b"from someone@example.org")
    result = print_raster(source, profile)
    assert b"someone@example.org" in source and b"someone@example.org" not in result
    with decode(result) as image, decode(source) as original:
        assert image.mode == "CMYK" and image.size == original.size
        assert max(high for _low, high in ImageChops.difference(image, original).getextrema()) <= 1


def test_the_pictures_own_icc_profile_is_used(profile):
    def converted(**options) -> tuple[int, ...]:
        with decode(print_raster(encode(Image.new("RGB", (8, 8), (255, 0, 0)), "PNG", **options), profile)) as image:
            return image.getpixel((4, 4))

    untagged, srgb = converted(), converted(icc_profile=srgb_profile())
    assert srgb == untagged
    other = converted(icc_profile=swapped_primaries_profile())
    assert other != untagged and other[0] > 150  # its "red" is sRGB's blue: cyan, not magenta and yellow


def test_a_photographs_orientation_is_kept(profile):
    exif = Image.Exif()
    exif[0x0112] = 6  # turn 90° clockwise to display
    source = encode(Image.new("RGB", (60, 40), (200, 30, 30)), "JPEG", exif=exif.tobytes())
    with decode(print_raster(source, profile)) as result:
        assert ImageOps.exif_transpose(result).size == (40, 60)


def test_a_grey_photograph_with_its_own_grey_profile_is_converted(profile):
    grey = Path("/usr/share/color/icc/ghostscript/sgray.icc")  # from libgs-common, which Ghostscript needs
    source = encode(Image.new("L", (20, 10), 128), "JPEG", icc_profile=grey.read_bytes())
    with decode(print_raster(source, profile)) as result:
        assert result.mode == "CMYK" and result.size == (20, 10)


# load_profile


def test_the_default_profile_loads_with_its_description(profile):
    assert profile.description and profile.description == profile.description.strip()
    assert profile.data[16:20] == b"CMYK" and len(profile.digest) == 64


def test_a_missing_profile_is_a_build_error_naming_the_file(tmp_path):
    with pytest.raises(BuildError) as error:
        load_profile(tmp_path / "bureau.icc")
    assert "bureau.icc" in str(error.value) and "No such file" in str(error.value)
    assert "--icc-profile" in str(error.value)


def test_a_file_that_is_not_icc_is_a_build_error_naming_the_file(tmp_path):
    path = tmp_path / "bureau.icc"
    path.write_bytes(b"<html>not a profile</html>" * 10)
    with pytest.raises(BuildError, match=r"bureau\.icc: not an ICC profile"):
        load_profile(path)


def test_an_rgb_profile_is_a_build_error_saying_it_is_not_cmyk(tmp_path):
    path = tmp_path / "srgb.icc"
    path.write_bytes(srgb_profile())
    with pytest.raises(BuildError, match=r"srgb\.icc: describes RGB, not CMYK"):
        load_profile(path)
