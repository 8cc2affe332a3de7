"""Benchmark of the build: speed, incremental rebuilds, overhead over WeasyPrint, and memory.

    ./run bench [--workers N] [--keep FOLDER]

It generates a synthetic issue (`synthetic.py`: 48 pages and 20 photographs per language, in
four languages) and, from that one run, prints:

- the time of each stage of a full build made one PDF after another (one worker), and of the
  same build with one worker per core, and the pages made per second; the ratio of the two
  whole builds (the goal: at most 0.55 on two cores), for the sample issue and for the
  synthetic one; each build is made twice, in turn, and the quicker taken, since a shared
  machine's speed wanders by a tenth from one minute to the next;
- the time of a build with nothing changed (`./run build`, as an editor types it, from start to
  exit: the goal is under 0.3 s) and what it said it skipped, and the time of a build after a
  change to the Russian text, with the files it made again;
- for the print edition of each language, the time our print stage takes (render the HTML, lay
  it out, check the make-up, finish and write the PDF) against WeasyPrint alone laying out and
  writing the same HTML with the same stylesheets, made in turn in one fresh process, the
  quickest of three each (the goal: at most 1.10);
- the peak resident memory of each worker (the goal: under 250 MB);
- for each print file of the synthetic issue, the time of its preflight against its layout's (render the
  HTML, lay it out, make up and finish the pages), measured side by side in the one-worker build (the goal:
  at most 0.6);
- the time of the English screen edition of the sample with one article's body as long as
  validation allows, in paragraphs as long as allowed, of the longest words allowed, against the
  same of ordinary words (the goal: at most 4; words that cannot be broken cost more to set,
  but the layout once took minutes on them, and must never again).

Nothing here is a test: the figures depend on the machine, which is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(PROJECT))

from synthetic import make_issue  # noqa: E402  (bench/ is the script's own folder)

from bulletin.content.limits import MAX_MARKDOWN, MAX_PARAGRAPH, MAX_WORD  # noqa: E402
from bulletin.delivery.plan import Asked  # noqa: E402
from bulletin.printing.settings import load_settings  # noqa: E402
from bulletin.util.progress import Progress  # noqa: E402
from bulletin.util.workers import available_cores  # noqa: E402
from bulletin.workflow.publishing import publish_issue  # noqa: E402

GOALS = {"parallel": 0.55, "no-op": 0.3, "overhead": 1.10, "memory": 250, "long words": 4.0, "preflight": 0.6}
REPEATS = 3  # times each edition is made by our print stage and by WeasyPrint alone
ROUNDS = 2  # times each whole build is made with one worker and with one per core
SAMPLE = PROJECT / "issues" / "2022-H2"  # the sample issue


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=available_cores(), help="workers of the parallel build")
    parser.add_argument("--keep", type=Path, help="generate and build in this folder, and keep it")
    arguments = parser.parse_args()
    folder = arguments.keep or Path(tempfile.mkdtemp(prefix="bulletin-bench-"))
    try:
        run(folder, arguments.workers)
    finally:
        if not arguments.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


def run(folder: Path, workers: int) -> None:
    print(f"machine: {machine()}")
    started = time.perf_counter()
    issue = make_issue(folder / "issues")
    print(f"synthetic issue {issue.name}: generated in {time.perf_counter() - started:.1f} s\n")
    settings = load_settings(PROJECT / "pyproject.toml")

    sequential, parallel = compare(issue, settings, workers, folder / "synthetic")
    pages = sum(outcome.value.printed.pages for outcome in parallel["delivered"].outcomes.values())
    report_stages(sequential, parallel, workers)
    print(
        f"\npages made: {pages}; {pages / parallel['seconds']:.1f} pages/s with {workers} workers,"
        f" {pages / sequential['seconds']:.1f} pages/s with one"
    )
    sample = compare(SAMPLE, settings, workers, folder / "sample")
    for name, (one, many) in (("sample issue", sample), ("synthetic issue", (sequential, parallel))):
        verdict(
            f"1. {workers} workers / one after another, {name}",
            many["seconds"] / one["seconds"],
            GOALS["parallel"],
            f"{many['seconds']:.1f} s / {one['seconds']:.1f} s",
        )
    output = folder / "synthetic" / f"{workers}-workers"  # the last build with one worker per core

    idle, said = build_command(issue, output)
    verdict("2. rebuild with nothing changed (s)", idle, GOALS["no-op"], said)
    language_file = issue / "ru.yaml"
    language_file.write_text(
        language_file.read_text(encoding="utf-8").replace("    lead: ", "    lead: Изменено. ", 1), encoding="utf-8"
    )
    one_language, said = build_command(issue, output)
    print(
        f"   rebuild after a change to ru.yaml: {one_language:.1f} s ({one_language / parallel['seconds']:.2f} of"
        f" the full build); {said}"
    )

    ratios = [overhead(issue, language, output) for language in ("az", "ru", "en", "es")]
    verdict(
        "4. our print stage / WeasyPrint alone (worst)",
        max(ratios),
        GOALS["overhead"],
        ", ".join(f"{language} {ratio:.3f}" for language, ratio in zip(("az", "ru", "en", "es"), ratios)),
    )

    peaks: dict[int, float] = {}
    for outcome in parallel["delivered"].outcomes.values():
        peaks[outcome.worker] = max(peaks.get(outcome.worker, 0.0), outcome.peak_mb)
    verdict(
        "5. peak memory of a worker (MB)",
        max(peaks.values()),
        GOALS["memory"],
        ", ".join(f"{peak:.0f}" for peak in sorted(peaks.values())),
    )

    preflights = preflight_ratios(sequential)
    verdict(
        "7. preflight / layout of a print file, one worker (worst)",
        max(preflights.values()),
        GOALS["preflight"],
        ", ".join(f"{job} {ratio:.2f}" for job, ratio in preflights.items()),
    )

    longest, ordinary = (bounded_body(word, settings, folder / "bounds") for word in ("a" * MAX_WORD, "word"))
    verdict(
        "6. a body at the bounds: longest / ordinary words",
        longest / ordinary,
        GOALS["long words"],
        f"{longest:.1f} s / {ordinary:.1f} s",
    )


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return (
        f"{available_cores()} cores ({cpu}), {memory} MB of memory, {platform.system()} {platform.release()},"
        f" Python {platform.python_version()}"
    )


def compare(issue: Path, settings, workers: int, folder: Path) -> tuple[dict, dict]:
    """Build the whole issue with one worker and with `workers`, in turn, ROUNDS times each, each into a folder
    of its own (so that each prepares its pictures); return the quickest build of each."""
    builds: dict[int, list[dict]] = {1: [], workers: []}
    for round_ in range(ROUNDS):
        for count in builds:
            output = folder / f"{count}-workers" if round_ == ROUNDS - 1 else folder / f"{count}-{round_}"
            builds[count].append(timed_build(issue, replace(settings, workers=count), output))
    one, many = (min(runs, key=lambda build: build["seconds"]) for runs in builds.values())
    return one, many


def timed_build(issue: Path, settings, output: Path, asked: Asked = Asked(force=True)) -> dict:
    progress = Progress()
    started = time.perf_counter()
    delivered = publish_issue(issue, asked, settings, output, progress)
    return {"seconds": time.perf_counter() - started, "steps": progress.steps, "delivered": delivered}


def report_stages(sequential: dict, parallel: dict, workers: int) -> None:
    print(f"{'stage':<34}{'one worker':>12}{f'{workers} workers':>12}")
    for name in ("validate", "localize", "prepare pictures"):
        print(f"{name:<34}{stage(sequential, name):>11.2f}s{stage(parallel, name):>11.2f}s")
    for prefix in ("print", "preflight"):
        steps = [step for step in sequential["steps"] if step.name.startswith(prefix + " ")]
        for step in steps:
            other = stage(parallel, step.name)
            print(f"{step.name:<34}{step.seconds:>11.2f}s{other:>11.2f}s")
    print(f"{'deliver':<34}{stage(sequential, 'deliver'):>11.2f}s{stage(parallel, 'deliver'):>11.2f}s")
    print(f"{'whole build (wall clock)':<34}{sequential['seconds']:>11.2f}s{parallel['seconds']:>11.2f}s")


def preflight_ratios(build: dict) -> dict[str, float]:
    """Return, for each print file of a build, the time its preflight took over the time its layout took (render,
    lay out, make up, finish and write), as the build's steps measured them side by side."""
    return {
        step.name.removeprefix("print ").removesuffix(" print"): stage(build, "preflight" + step.name[len("print") :])
        / step.seconds
        for step in build["steps"]
        if step.name.startswith("print ") and step.name.endswith(" print")
    }


def stage(build: dict, name: str) -> float:
    return sum(step.seconds for step in build["steps"] if step.name == name)


def build_command(issue: Path, output: Path) -> tuple[float, str]:
    """Run `./run build` as an editor would, set-up check included; return its time and what it said it did."""
    started = time.perf_counter()
    result = subprocess.run(
        [str(PROJECT / "run"), "build", str(issue), "--output", str(output)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
    )
    seconds = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(f"./run build failed ({result.returncode}):\n{result.stderr}")
    said = [line for line in result.stderr.splitlines() if "skipped" in line or "to build:" in line]
    return seconds, "; ".join(re.sub(r"\S*/", "", line) for line in said)


def overhead(issue: Path, language: str, output: Path) -> float:
    """The time of our print stage over WeasyPrint's alone for the language's print edition, the quickest of
    REPEATS each, made in turn in one fresh process (`one_edition.py`)."""
    result = subprocess.run(
        [sys.executable, str(HERE / "one_edition.py"), str(issue), language, str(output), str(REPEATS)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
    )
    if result.returncode:
        raise SystemExit(f"one_edition.py failed:\n{result.stderr}")
    times = json.loads(result.stdout.strip().splitlines()[-1])
    return times["ours"] / times["alone"]


def bounded_body(word: str, settings, folder: Path) -> float:
    """Build the sample's English screen edition with its first article's body replaced by the longest body
    allowed, each paragraph as long as allowed, of `word` over and over; return the time it took."""
    issue = folder / f"{len(word)}-letters" / SAMPLE.name
    shutil.copytree(SAMPLE, issue)
    paragraph = " ".join([word] * (MAX_PARAGRAPH // (len(word) + 1)))
    body = "".join(f"      {paragraph}\n\n" for _ in range(MAX_MARKDOWN // (len(paragraph) + 2)))
    english = issue / "en.yaml"
    text = english.read_text(encoding="utf-8")
    found = re.search(r"^    body: .*\|\n((?:      .*\n|\n)*)", text, re.MULTILINE)
    if found is None:
        raise SystemExit(f"{english}: no article body to replace")
    english.write_text(text[: found.start(1)] + body + text[found.end(1) :], encoding="utf-8")
    asked = Asked(languages=("en",), variants=("screen",))
    return timed_build(issue, replace(settings, workers=1), folder / f"{len(word)}-letters-output", asked)["seconds"]


def verdict(name: str, value: float, goal: float, detail: str) -> None:
    mark = "meets" if value <= goal else "MISSES"
    print(f"{name:<48}{value:>9.3f}  ({mark} the goal of {goal:g}): {detail}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
