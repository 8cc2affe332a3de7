"""A synthetic issue for the benchmark: the sample issue's texts, repeated to 48 pages, with photographs.

`make_issue` writes an issue folder that validates without problems and lays out to 48 A4
pages in the print edition of every language (47 on screen, which is not padded). It writes
no prose: every text is one of the sample issue's, copied under a new id with its
`!source-<hash>` tag, so each translation stays confirmed. Each article the sample illustrates
with a photograph appears COPIES times in its section, each copy with a photograph of its
own; each article with a drawing (SVG) appears once, with its drawing. Photographs beyond one
per copy go into copies of ROOMY articles as a second picture. Pillow draws the photographs:
camera-sized landscapes with gradients, texture and grain, as heavy to convert and compress
as real ones. The same call gives the same bytes, in a few seconds.

    .venv/bin/python bench/synthetic.py PARENT [--name 2099-H1] [--photos 20]
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import random
import shutil
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import yaml
from PIL import Image, ImageChops, ImageDraw

from bulletin.content.schema import Checker
from bulletin.content.texts import COVER_TEXTS, GROUPS, SINGLE_TEXTS, TextField, Texts, language_file
from bulletin.content.validation import FIGURE_FIELDS, read_issue
from bulletin.model import Period, period_of
from bulletin.util.errors import ContentError
from bulletin.workflow.next_issue import publication_date

SAMPLE = Path(__file__).resolve().parent.parent / "issues" / "2022-H2"  # the issue whose texts are reused
COPIES = 3  # how often each article with a photograph appears
ROOMY = ("vagif-poetry-days", "year-of-shusha")  # the articles with most room left on their last page
PHOTO_SIZE = (3000, 2000)  # pixels, as a 6-megapixel camera takes them
PHOTO_QUALITY = 90  # JPEG quality
PHOTO_PPI = 300  # the resolution written in the file (the bulletin places them at about 550 ppi)
RASTER = (".jpg", ".jpeg", ".png")  # the sample's pictures that are photographs; the others are drawings


def make_issue(parent: Path, name: str = "2099-H1", photos: int = 20) -> Path:
    """Create the synthetic issue `parent/name` with `photos` photographs and return its folder.

    The default of 20 photographs gives 48 pages. Fewer leave the last copies without a picture;
    more than the copies of the ROOMY articles can take as a second picture are refused, as is
    an existing folder.
    """
    period = period_of(name)
    if period is None:
        raise ValueError(f"{name!r}: an issue is named <YYYY>-H1 or <YYYY>-H2, such as 2099-H1")
    checker = Checker()
    facts, texts = read_issue(SAMPLE, checker)
    if checker.problems or facts is None or texts is None:
        raise ContentError(checker.problems, f"{SAMPLE.name}, the sample issue, must read without problems")
    sections = _plan(facts, photos)
    folder = Path(parent) / name
    folder.mkdir(parents=True)  # an existing folder is an error: nothing is overwritten
    (folder / "images").mkdir()
    articles = [article for section in sections for article in section["articles"]]
    pictures = [picture for article in articles for picture in article["illustrations"]]
    cover = facts["cover_image"].relative_to(SAMPLE.resolve()).as_posix() if facts["cover_image"] else None
    drawings = [picture["file"] for picture in pictures if picture["photo"] is None] + ([cover] if cover else [])
    for file in drawings:
        shutil.copyfile(SAMPLE / file, folder / file)
    taken = [picture for picture in pictures if picture["photo"] is not None]
    with ProcessPoolExecutor() as pool:  # the photographs take most of the time: one at a time per core
        for picture, data in zip(taken, pool.map(photograph_jpeg, [picture["photo"] for picture in taken])):
            (folder / picture["file"]).write_bytes(data)
    (folder / "issue.yaml").write_text(_issue_yaml(facts, period, sections, cover), encoding="utf-8")
    renamed = {
        "articles": [(article["id"], article["sample"]) for article in articles],
        "illustrations": [(picture["id"], picture["sample"]) for picture in pictures],
    }
    for language in facts["languages"]:
        language_file(folder, language).write_text(_language_yaml(language, facts, texts, renamed), encoding="utf-8")
    return folder


def _plan(facts: dict, photos: int) -> list[dict]:
    """The sections of the synthetic issue; each article and picture names the `sample` one whose texts it takes."""
    sections = [{"id": section["id"], "articles": []} for section in facts["sections"]]
    slots = []  # (article, the sample's article, the sample's illustration) for each photograph, in order
    for copy in range(1, COPIES + 1):
        for section, sample in zip(sections, facts["sections"]):
            for original in sample["articles"]:
                drawn = any(picture["file"].suffix.lower() not in RASTER for picture in original["illustrations"])
                if drawn and copy > 1:
                    continue
                article = {
                    "id": f"{original['id']}-{copy}",
                    "date": original["date"],
                    "sample": original["id"],
                    "illustrations": [],
                }
                section["articles"].append(article)
                for picture in original["illustrations"]:
                    if drawn:  # the sample's picture files, each once
                        article["illustrations"].append(
                            {
                                "id": f"{picture['id']}-{copy}",
                                "sample": picture["id"],
                                "photo": None,
                                "file": picture["file"].relative_to(SAMPLE.resolve()).as_posix(),
                            }
                        )
                    else:
                        slots.append((article, original["id"], picture["id"]))
    slots += [slot for slot in slots if slot[1] in ROOMY]  # then a second photograph for these
    if not 0 <= photos <= len(slots):
        raise ValueError(f"photos: from 0 to {len(slots)} photographs fit this issue, not {photos}")
    for number, (article, _, sample_id) in enumerate(slots[:photos], start=1):
        article["illustrations"].append(
            {
                "id": f"photo-{number:02d}",
                "sample": sample_id,
                "photo": number,
                "file": f"images/photo-{number:02d}.jpg",
            }
        )
    return sections


def _moved(day: date, sample: Period, period: Period) -> date:
    """The day as far into `period` as it is into the sample's period (the last day at most)."""
    return min(period.start + (day - sample.start), period.end)


def _issue_yaml(facts: dict, period: Period, sections: list[dict], cover: str | None) -> str:
    """issue.yaml of the synthetic issue: the sample's facts, its dates moved into `period`."""
    sample = facts["period"]
    issue = {
        "number": facts["number"],
        "published": publication_date(period, facts["published"]),
        "source_language": facts["source_language"],
        "languages": list(facts["languages"]),
        "issn": {language: dataclasses.asdict(issns) for language, issns in facts["issn"].items()},
        **({"cover_image": cover} if cover else {}),
        "sections": [
            {
                "id": section["id"],
                "articles": [
                    {
                        "id": article["id"],
                        "date": _moved(article["date"], sample, period),
                        "illustrations": [
                            {"id": picture["id"], "file": picture["file"]} for picture in article["illustrations"]
                        ],
                    }
                    for article in section["articles"]
                ],
            }
            for section in sections
        ],
        "chronology": [
            {"id": event["id"], "date": _moved(event["date"], sample, period)} for event in facts["chronology"]
        ],
        "figures": [
            {key: figure[key] for key in FIGURE_FIELDS if figure[key] is not None} for figure in facts["figures"]
        ],
    }
    header = f"# Synthetic issue {period.name} for the benchmark: the texts of {SAMPLE.name}, repeated.\n"
    return header + yaml.dump(
        issue, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=None, width=120
    )


class _Dumper(yaml.SafeDumper):
    """Writes a value used twice (the same date) out twice: content may not use YAML aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _language_yaml(language: str, facts: dict, texts: Texts, renamed: dict[str, list[tuple[str, str]]]) -> str:
    """The texts of one language: the sample's, each article's and illustration's under its new ids."""
    found = {item.key: item for item in texts.of(language) if item.value is not None}
    lines = [f"# {language} texts of a synthetic issue: those of {SAMPLE.name}, repeated.", f"language: {language}"]
    for name in SINGLE_TEXTS + (COVER_TEXTS if facts["cover_image"] else ()):
        lines.append(f"{name}: {_text(found[(name,)], 2)}")
    for group, (_noun, fields) in GROUPS.items():
        pairs = renamed[group] if group in renamed else [(key, key) for key in texts.values[group]]
        lines.append(f"{group}:" if pairs else f"{group}: {{}}")
        for new, old in pairs:
            if fields is None:
                lines.append(f"  {new}: {_text(found[(group, old)], 4)}")
                continue
            lines.append(f"  {new}:")
            lines += [f"    {field}: {_text(found[(group, old, field)], 6)}" for field in fields]
    return "\n".join(lines) + "\n"


def _text(item: TextField, indent: int) -> str:
    """A text as YAML with its source tag: a literal block when it has several lines, else in quotes."""
    tag = f"!source-{item.confirmed} " if item.confirmed else ""
    value = item.value
    assert value is not None, "only written texts are carried over"
    if "\n" in value.rstrip("\n") and not value[:1].isspace() and not value.endswith("\n\n"):
        chomping = "" if value.endswith("\n") else "-"
        lines = [" " * indent + line if line else "" for line in value.rstrip("\n").split("\n")]
        return f"{tag}|{chomping}\n" + "\n".join(lines)
    return tag + json.dumps(value, ensure_ascii=False)  # a JSON string is a double-quoted YAML scalar


def photograph(seed: int, size: tuple[int, int] = PHOTO_SIZE) -> Image.Image:
    """A landscape that looks photographed: sky, three ranges of textured hills, a few buildings, uneven
    light (drawn at half size, then enlarged) and film grain (at full size)."""
    rng = random.Random(seed)
    half = (size[0] // 2, size[1] // 2)
    image = _gradient(half, _shade(rng, (60, 100, 170), 30), _shade(rng, (225, 220, 210), 20))
    ranges = (((120, 135, 150), (150, 160, 160)), ((90, 110, 60), (60, 75, 40)), ((130, 110, 70), (80, 65, 45)))
    for level, (top, bottom) in zip((0.45, 0.6, 0.8), ranges):
        hill = _gradient(half, _shade(rng, top, 25), _shade(rng, bottom, 20))
        hill = ImageChops.add(hill, _grey(_soft_noise(rng, half, 6, 0.25)), offset=-128)
        image = Image.composite(hill, image, _ridge(rng, half, level + rng.uniform(-0.08, 0.08)))
    draw, ground = ImageDraw.Draw(image), half[1] * rng.uniform(0.62, 0.72)
    for _ in range(rng.randint(4, 9)):  # buildings with rows of windows
        x, width, height = rng.uniform(0, half[0]), rng.uniform(40, 150), rng.uniform(50, 250)
        draw.rectangle((x, ground - height, x + width, ground + 20), fill=_shade(rng, (200, 190, 170), 40))
        for y in range(int(ground - height + 15), int(ground), 30):
            for left in range(int(x + 10), int(x + width - 15), 25):
                draw.rectangle((left, y, left + 11, y + 15), fill=_shade(rng, (60, 60, 70), 20))
    image = ImageChops.add(image, _grey(_soft_noise(rng, half, 200, 0.12)), offset=-128)  # uneven light
    image = image.resize(size, Image.Resampling.NEAREST)
    grain = _noise(rng, size).point(lambda value: 128 + round((value - 128) * 0.08))
    return ImageChops.add(image, _grey(grain), offset=-128)


def photograph_jpeg(seed: int) -> bytes:
    """The photograph `seed` as a camera would write it: a baseline JPEG, RGB, no EXIF."""
    output = io.BytesIO()
    photograph(seed).save(output, "JPEG", quality=PHOTO_QUALITY, dpi=(PHOTO_PPI, PHOTO_PPI))
    return output.getvalue()


def _noise(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """Uniform grey noise from a seeded generator (Image.effect_noise has no seed)."""
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))


def _soft_noise(rng: random.Random, size: tuple[int, int], cell: int, amplitude: float) -> Image.Image:
    """Smooth grey noise around 128 with features about `cell` pixels wide, `amplitude` times full strength."""
    small = _noise(rng, (max(2, size[0] // cell), max(2, size[1] // cell)))
    return small.resize(size, Image.Resampling.BICUBIC).point(lambda value: 128 + round((value - 128) * amplitude))


def _grey(image: Image.Image) -> Image.Image:
    """A grey image as RGB, to add the same amount to each channel."""
    return Image.merge("RGB", [image] * 3)


def _gradient(size: tuple[int, int], top: tuple[int, ...], bottom: tuple[int, ...]) -> Image.Image:
    """A vertical gradient from the colour `top` to the colour `bottom`: one column, widened."""
    ramp = Image.linear_gradient("L").resize((1, size[1]))
    column = Image.composite(Image.new("RGB", ramp.size, bottom), Image.new("RGB", ramp.size, top), ramp)
    return column.resize(size, Image.Resampling.NEAREST)


def _ridge(rng: random.Random, size: tuple[int, int], level: float) -> Image.Image:
    """A mask, white below a jagged skyline that wanders around `level` (a fraction of the height)."""
    width, height = size[0] // 4, size[1] // 4
    points, y = [], level * height
    for step in range(13):
        y = min(height * 0.95, max(height * 0.1, y + rng.uniform(-0.06, 0.06) * height))
        points.append((step * width / 12, y))
    mask = Image.new("L", (width, height))
    ImageDraw.Draw(mask).polygon(points + [(width, height), (0, height)], fill=255)
    return mask.resize(size, Image.Resampling.BILINEAR)


def _shade(rng: random.Random, colour: tuple[int, ...], spread: int) -> tuple[int, ...]:
    """The colour, each channel moved at random by up to `spread`."""
    return tuple(max(0, min(255, channel + rng.randint(-spread, spread))) for channel in colour)


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic issue for the benchmark and print its folder.")
    parser.add_argument("parent", type=Path, help="the folder that receives the issue folder")
    parser.add_argument("--name", default="2099-H1", help="the issue's name, <YYYY>-H1 or <YYYY>-H2")
    parser.add_argument("--photos", type=int, default=20, help="how many photographs to place (default: 20)")
    arguments = parser.parse_args()
    try:
        print(make_issue(arguments.parent, arguments.name, arguments.photos))
    except (ValueError, FileExistsError) as err:
        parser.error(str(err))


if __name__ == "__main__":
    main()
