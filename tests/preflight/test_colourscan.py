"""The colour scan: every way a PDF can paint in a colour model, found wherever it is drawn from, on PDFs made here
object by object with pikepdf (WeasyPrint writes only some of these ways, and a scan must not depend on which)."""

from __future__ import annotations

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from bulletin.preflight.colourscan import colour_space, find_colour

BOX = b"0 0 10 10 re f"


def icc(pdf: pikepdf.Pdf, components: int) -> Array:
    """An ICC-based colour space of `components` (the scan reads only /N, never the profile)."""
    return Array([Name.ICCBased, pdf.make_stream(b"a profile", N=components)])


def image(pdf: pikepdf.Pdf, space: object, **more) -> pikepdf.Stream:
    """A picture of one pixel in `space`."""
    return pdf.make_stream(
        b"\x00\x00\x00\x00",
        Type=Name.XObject,
        Subtype=Name.Image,
        Width=1,
        Height=1,
        BitsPerComponent=8,
        ColorSpace=space,
        **more,
    )


def form(pdf: pikepdf.Pdf, content: bytes, resources: Dictionary | None = None, **more) -> pikepdf.Stream:
    """A form that draws `content`, with resources of its own when given."""
    extra = {"Resources": resources} if resources is not None else {}
    return pdf.make_stream(content, Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 10, 10], **extra, **more)


def shading(pdf: pikepdf.Pdf, space: object) -> Dictionary:
    """An axial shading from black to white in `space`."""
    count = {Name.DeviceRGB: 3, Name.DeviceCMYK: 4}.get(space, 3)
    return pdf.make_indirect(
        Dictionary(
            ShadingType=2,
            ColorSpace=space,
            Coords=[0, 0, 10, 0],
            Function=Dictionary(FunctionType=2, Domain=[0, 1], C0=[0] * count, C1=[1] * count, N=1),
        )
    )


def page_with(pdf: pikepdf.Pdf, content: bytes, resources: Dictionary | None = None, **more) -> Dictionary:
    """Add a page drawing `content` with `resources` and the entries `more`; return its dictionary."""
    page = pdf.add_blank_page(page_size=(100, 100)).obj
    page.Contents = pdf.make_stream(content)
    page.Resources = resources if resources is not None else Dictionary()
    for key, value in more.items():
        page[Name("/" + key)] = value
    return page


RGB_CASES: dict[str, tuple] = {}  # name -> (a function that adds a page to a PDF, what the scan finds in print)


def rgb_case(*found: str):
    """Register a way to paint in RGB: a function that adds a page so painting to a PDF, and what the scan finds."""

    def register(make):
        RGB_CASES[make.__name__] = (make, list(found))
        return make

    return register


@rgb_case("RGB colour (operator rg)")
def operator_rg(pdf):
    page_with(pdf, b"1 0 0 rg " + BOX)


@rgb_case("RGB colour (operator RG)")
def operator_rg_stroke(pdf):
    page_with(pdf, b"1 0 0 RG " + BOX)


@rgb_case("/DeviceRGB colour space (operator cs)")
def device_space(pdf):
    page_with(pdf, b"/DeviceRGB cs 1 0 0 sc " + BOX)


@rgb_case("ICCBased RGB colour space (operator CS)")
def named_icc_space(pdf):
    page_with(pdf, b"/C0 CS 1 0 0 SC " + BOX, Dictionary(ColorSpace=Dictionary(C0=icc(pdf, 3))))


@rgb_case("ICCBased RGB colour space (operator cs)")
def space_named_through_a_name(pdf):
    page_with(pdf, b"/C0 cs " + BOX, Dictionary(ColorSpace=Dictionary(C0=Name.C1, C1=icc(pdf, 3))))


@rgb_case("/CalRGB colour space (operator cs)")
def calibrated_space(pdf):
    calibrated = Array([Name.CalRGB, Dictionary(WhitePoint=[0.95, 1, 1.09])])
    page_with(pdf, b"/C0 cs " + BOX, Dictionary(ColorSpace=Dictionary(C0=calibrated)))


@rgb_case("/Indexed on ICCBased RGB colour space (operator cs)")
def indexed_on_icc(pdf):
    indexed = Array([Name.Indexed, icc(pdf, 3), 0, b"\x00\x00\x00"])
    page_with(pdf, b"/C0 cs " + BOX, Dictionary(ColorSpace=Dictionary(C0=indexed)))


@rgb_case("/DeviceRGB image")
def device_image(pdf):
    page_with(pdf, b"/Im0 Do", Dictionary(XObject=Dictionary(Im0=image(pdf, Name.DeviceRGB))))


@rgb_case("ICCBased RGB image")
def icc_image(pdf):
    page_with(pdf, b"/Im0 Do", Dictionary(XObject=Dictionary(Im0=image(pdf, icc(pdf, 3)))))


@rgb_case("ICCBased RGB image")
def image_in_a_named_space(pdf):
    page_with(
        pdf, b"/Im0 Do", Dictionary(ColorSpace=Dictionary(C0=icc(pdf, 3)), XObject=Dictionary(Im0=image(pdf, Name.C0)))
    )


@rgb_case("/DeviceRGB inline image")
def inline_image(pdf):
    page_with(pdf, b"BI /W 1 /H 1 /CS /RGB /BPC 8 ID \x00\x00\x00 EI")


@rgb_case("/DeviceRGB shading")
def shading_operator(pdf):
    page_with(pdf, b"/Sh0 sh", Dictionary(Shading=Dictionary(Sh0=shading(pdf, Name.DeviceRGB))))


@rgb_case("/DeviceRGB shading")
def shading_pattern(pdf):
    pattern = pdf.make_indirect(Dictionary(PatternType=2, Shading=shading(pdf, Name.DeviceRGB)))
    page_with(pdf, b"/Pattern cs /P0 scn " + BOX, Dictionary(Pattern=Dictionary(P0=pattern)))


@rgb_case("RGB colour (operator rg)")
def tiling_pattern(pdf):
    pattern = pdf.make_stream(
        b"0 1 0 rg " + BOX,
        PatternType=1,
        PaintType=1,
        TilingType=1,
        BBox=[0, 0, 10, 10],
        XStep=10,
        YStep=10,
        Resources=Dictionary(),
    )
    page_with(pdf, b"/Pattern cs /P0 scn " + BOX, Dictionary(Pattern=Dictionary(P0=pattern)))


@rgb_case("RGB colour (operator rg)")
def in_a_form(pdf):
    page_with(pdf, b"/Fx0 Do", Dictionary(XObject=Dictionary(Fx0=form(pdf, b"0 0 1 rg " + BOX, Dictionary()))))


@rgb_case("/DeviceRGB shading")
def in_a_form_on_its_callers_resources(pdf):
    page_with(
        pdf,
        b"/Fx0 Do",
        Dictionary(XObject=Dictionary(Fx0=form(pdf, b"/Sh0 sh")), Shading=Dictionary(Sh0=shading(pdf, Name.DeviceRGB))),
    )


@rgb_case("RGB colour (operator rg)")
def in_a_soft_mask(pdf):
    mask = Dictionary(S=Name.Luminosity, G=form(pdf, b"0.5 0.5 0.5 rg " + BOX, Dictionary()))
    page_with(pdf, b"/GS0 gs " + BOX, Dictionary(ExtGState=Dictionary(GS0=Dictionary(SMask=mask))))


@rgb_case("/DeviceRGB transparency group")
def page_group(pdf):
    page_with(pdf, BOX, Group=Dictionary(S=Name.Transparency, CS=Name.DeviceRGB))


@rgb_case("ICCBased RGB transparency group")
def icc_page_group(pdf):
    page_with(pdf, BOX, Group=Dictionary(S=Name.Transparency, CS=icc(pdf, 3)))


@rgb_case("/DeviceRGB transparency group")
def form_group(pdf):
    grouped = form(pdf, BOX, Dictionary(), Group=Dictionary(S=Name.Transparency, CS=Name.DeviceRGB))
    page_with(pdf, b"/Fx0 Do", Dictionary(XObject=Dictionary(Fx0=grouped)))


@rgb_case("/DeviceRGB transparency group")
def group_of_a_form_on_its_callers_resources(pdf):
    grouped = form(pdf, BOX, Group=Dictionary(S=Name.Transparency, CS=Name.DeviceRGB))
    page_with(pdf, b"/Fx0 Do", Dictionary(XObject=Dictionary(Fx0=grouped)))


@rgb_case("RGB colour (operator RG)")
def annotation(pdf):
    appearance = Dictionary(N=form(pdf, b"1 0 0 RG " + BOX, Dictionary()))
    page_with(pdf, BOX, Annots=Array([Dictionary(Subtype=Name.Square, Rect=[0, 0, 10, 10], AP=appearance)]))


@rgb_case("RGB colour (operator rg)")
def annotation_state(pdf):
    states = Dictionary(On=form(pdf, b"1 0 0 rg " + BOX, Dictionary()), Off=form(pdf, BOX, Dictionary()))
    page_with(
        pdf,
        BOX,
        Annots=Array([Dictionary(Subtype=Name.Widget, Rect=[0, 0, 10, 10], AS=Name.On, AP=Dictionary(N=states))]),
    )


def scan(make, unwanted: str) -> dict[str, list[int]]:
    """Make a one-page PDF with `make` and scan it for the `unwanted` model."""
    pdf = pikepdf.new()
    make(pdf)
    return find_colour(pdf, unwanted)


@pytest.mark.parametrize("name", RGB_CASES)
def test_rgb_is_found_wherever_print_paints_it(name):
    make, found = RGB_CASES[name]
    assert scan(make, "rgb") == {problem: [1] for problem in found}


@pytest.mark.parametrize("name", RGB_CASES)
def test_rgb_is_no_problem_in_a_screen_pdf(name):
    assert scan(RGB_CASES[name][0], "cmyk") == {}


@pytest.mark.parametrize(
    "content, resources, expected",
    [
        (b"0 0 0 1 k " + BOX, None, "CMYK colour (operator k)"),
        (b"0 0 0 1 K " + BOX, None, "CMYK colour (operator K)"),
        (b"/C0 cs " + BOX, "icc", "ICCBased CMYK colour space (operator cs)"),
        (b"/Im0 Do", "image", "ICCBased CMYK image"),
        (b"/Sh0 sh", "shading", "/DeviceCMYK shading"),
    ],
)
def test_cmyk_is_found_in_a_screen_pdf(content, resources, expected):
    pdf = pikepdf.new()
    made = {
        "icc": lambda: Dictionary(ColorSpace=Dictionary(C0=icc(pdf, 4))),
        "image": lambda: Dictionary(XObject=Dictionary(Im0=image(pdf, icc(pdf, 4)))),
        "shading": lambda: Dictionary(Shading=Dictionary(Sh0=shading(pdf, Name.DeviceCMYK))),
        None: lambda: None,
    }
    page_with(pdf, content, made[resources]())
    assert find_colour(pdf, "cmyk") == {expected: [1]}
    assert find_colour(pdf, "rgb") == {}


@pytest.mark.parametrize(
    "content, space",
    [
        (b"0.5 g 0 0 0 1 k " + BOX, None),  # grey and CMYK: what print is made of
        (b"/C0 cs " + BOX, "gray"),
        (b"/Im0 Do", "mask"),  # a stencil mask paints in the current colour, not in a space of its own
        (b"/Im0 Do", "separation"),
    ],
)
def test_grey_cmyk_masks_and_separations_are_no_rgb(content, space):
    pdf = pikepdf.new()
    resources = {
        "gray": lambda: Dictionary(ColorSpace=Dictionary(C0=icc(pdf, 1))),
        "mask": lambda: Dictionary(XObject=Dictionary(Im0=image(pdf, Name.DeviceRGB, ImageMask=True))),
        "separation": lambda: Dictionary(
            XObject=Dictionary(
                Im0=image(
                    pdf,
                    Array(
                        [
                            Name.Separation,
                            Name.Gold,
                            Name.DeviceCMYK,
                            Dictionary(FunctionType=2, Domain=[0, 1], C0=[0] * 4, C1=[0, 0.2, 0.8, 0], N=1),
                        ]
                    ),
                )
            )
        ),
        None: lambda: None,
    }[space]()
    page_with(pdf, content, resources)
    assert find_colour(pdf, "rgb") == {}


def test_each_problem_names_every_page_it_is_on_and_resources_are_inherited_from_the_page_tree():
    pdf = pikepdf.new()
    shared = form(pdf, b"1 0 0 rg " + BOX, Dictionary())
    for content in (b"/Fx0 Do", BOX, b"/Fx0 Do 0 0 1 RG " + BOX):
        page_with(pdf, content, Dictionary(XObject=Dictionary(Fx0=shared)))
    del pdf.pages[1].obj.Resources  # the second page takes its resources from the tree above it
    pdf.Root.Pages.Resources = Dictionary(XObject=Dictionary(Fx0=shared))
    pdf.pages[1].obj.Contents = pdf.make_stream(b"/Fx0 Do")
    assert find_colour(pdf, "rgb") == {"RGB colour (operator rg)": [1, 2, 3], "RGB colour (operator RG)": [3]}


def test_a_form_that_draws_itself_is_read_once():
    pdf = pikepdf.new()
    looping = form(pdf, b"1 0 0 rg /Fx0 Do", Dictionary())
    looping.Resources.XObject = Dictionary(Fx0=looping)
    page_with(pdf, b"/Fx0 Do", Dictionary(XObject=Dictionary(Fx0=looping)))
    assert find_colour(pdf, "rgb") == {"RGB colour (operator rg)": [1]}


def test_a_form_on_its_callers_resources_is_read_for_each_caller():
    """The same form finds RGB where its caller's /Sh0 is RGB, and none where it is CMYK."""
    pdf = pikepdf.new()
    shared = form(pdf, b"/Sh0 sh")
    for space in (Name.DeviceCMYK, Name.DeviceRGB):
        page_with(
            pdf, b"/Fx0 Do", Dictionary(XObject=Dictionary(Fx0=shared), Shading=Dictionary(Sh0=shading(pdf, space)))
        )
    assert find_colour(pdf, "rgb") == {"/DeviceRGB shading": [2]}


@pytest.mark.parametrize(
    "space, expected",
    [
        (Name.DeviceRGB, ("rgb", "/DeviceRGB")),
        (Name("/RGB"), ("rgb", "/DeviceRGB")),
        (Name("/CMYK"), ("cmyk", "/DeviceCMYK")),
        (Name("/G"), ("gray", "/DeviceGray")),
        (Array([Name.CalGray, Dictionary()]), ("gray", "/CalGray")),
        (Array([Name.Lab, Dictionary()]), ("other", "/Lab")),
        (Name.Unknown, ("other", "/Unknown")),
        (None, ("other", "no colour space")),
        (Array(), ("other", "no colour space")),
    ],
)
def test_colour_spaces_are_classed_by_their_model(space, expected):
    assert colour_space(space) == expected


@pytest.mark.parametrize("components, model", [(1, "gray"), (3, "rgb"), (4, "cmyk"), (2, "other")])
def test_icc_based_spaces_are_classed_by_their_number_of_components(components, model):
    assert colour_space(icc(pikepdf.new(), components)) == (model, f"ICCBased {model.upper()}")


def test_a_loop_of_named_spaces_ends():
    resources = Dictionary(ColorSpace=Dictionary(C0=Name.C1, C1=Name.C0))
    assert colour_space(Name.C0, resources)[0] == "other"
