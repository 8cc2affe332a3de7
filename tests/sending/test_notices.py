"""The notice of each outcome of a scheduled run: its subject, both languages, the files, problems and errors."""

from __future__ import annotations

from datetime import date

import pytest

from bulletin.delivery.records import Record
from bulletin.sending.notices import SEPARATOR, compose_notice, compose_unit_failure, needs_notice

HOST = "publishing.example.org"
ISSUE = "2022-H2"
BUREAU = "sftp://bulletin@bureau.example.org:2222/incoming/since-the-victory"
PACKAGE = f"since-the-victory-{ISSUE}-print.zip"
BUILT = [
    {
        "file": f"since-the-victory-{ISSUE}-{language}-{variant}.pdf",
        "size": 1_234_567 + index,
        "sha256": f"{index:x}" * 64,
    }
    for index, (language, variant) in enumerate(
        (language, variant) for language in ("az", "ru", "en", "es") for variant in ("print", "screen")
    )
] + [
    {"file": "manifest.json", "size": 4_321, "sha256": "d" * 64, "purpose": "manifest"},
    {"file": PACKAGE, "size": 98_765_432, "sha256": "e" * 64, "purpose": "package for the printing bureau"},
    {"file": PACKAGE + ".sha256", "size": 96, "sha256": "f" * 64, "purpose": "the package's SHA-256"},
]
PROBLEMS = [
    f"issues/{ISSUE}/ru/articles.yaml:{line}:5: article 'vagif-poetry-days': 'title' is missing"
    for line in range(1, 26)
]


def report(result: str, status: int = 0, message: str = "", **found: list) -> dict:
    """A build report as a scheduled run writes it."""
    return Record(ISSUE, date(2023, 1, 1)).report(result, status, message or f"{ISSUE} {result}", [], **found)


def send(result: str, sent_as: str = PACKAGE, error: str = "", checked: str = "size and SHA-256") -> dict:
    """A send record as `send_package` makes it and the ledger keeps it."""
    entry = next(entry for entry in BUILT if entry["file"] == PACKAGE)
    record = {"destination": BUREAU, "file": PACKAGE, "size": entry["size"], "sha256": entry["sha256"]}
    if result == "failed":
        return record | {"time": "2023-01-01T06:05:00+00:00", "attempts": 4, "result": result, "error": error}
    revision = int(sent_as.removesuffix(".zip").rpartition("-r")[2]) if "-r" in sent_as else 1
    return record | {
        "sent_as": sent_as, "revision": revision, "checksum": sent_as + ".sha256", "result": result, "checked": checked,
        "time": "2023-01-01T06:05:00+00:00", "attempts": 1,
    }  # fmt: skip


def parts(body: str) -> list[str]:
    """The body's parts: Azerbaijani, English, then the sections that read the same in both."""
    return body.split(f"\n\n{SEPARATOR}\n\n")


SENT = [send("sent")]
OUTCOMES = {
    "delivered and sent": (report("delivered", built=BUILT), SENT),
    "revision": (report("delivered", built=BUILT), [send("sent", sent_as=f"since-the-victory-{ISSUE}-print-r2.zip")]),
    "drop box": (report("delivered", built=BUILT), [send("sent", checked="size")]),
    "could not run": (report("could not run", 4, "busy: another build holds the output folder"), []),
    "delivered, no destination": (report("delivered", built=BUILT, warnings=["w"] * 3), []),
    "not ready": (report("not ready", 3, problems=PROBLEMS), []),
    "failed": (report("failed", 1, f"the build of {ISSUE} failed; the previous delivery, if any, is unchanged"), []),
    "interrupted": (report("interrupted", 130, f"the build of {ISSUE} was interrupted"), []),
    "send failed": (report("delivered", 5, built=BUILT), [send("failed", error="the server closed the connection")]),
    "current, sent": (report("current"), SENT),
}


@pytest.mark.parametrize("name", OUTCOMES)
def test_every_notice_reads_on_a_phone_azerbaijani_first(name):
    subject, body = compose_notice(*OUTCOMES[name], HOST)

    assert subject.startswith(f"{ISSUE}: ") and len(subject) <= 72
    assert max(len(line) for line in body.splitlines()) <= 72
    azerbaijani, english, *shared = parts(body)
    assert azerbaijani.startswith(f"«Zəfərdən sonra», {ISSUE} buraxılışı: ")
    assert english.startswith(f"Since the Victory, issue {ISSUE}: ")
    assert shared[-1].startswith(f"Server: {HOST}\n")
    assert f"Çıxış kodu / Exit status: {OUTCOMES[name][0]['exit_status']}" in shared[-1]
    assert needs_notice(*OUTCOMES[name])


def test_delivered_and_sent_lists_every_file_with_its_size_and_checksum():
    subject, body = compose_notice(*OUTCOMES["delivered and sent"], HOST)

    assert subject == f"{ISSUE}: hazırlandı və mətbəəyə göndərildi / delivered and sent"
    azerbaijani, english, files, _ = parts(body)
    assert f"Mətbəəyə göndərildi və orada yoxlanıldı:\n  {BUREAU}\n- {PACKAGE}" in azerbaijani
    assert f"Sent to the bureau and checked there:\n  {BUREAU}\n- {PACKAGE}" in english
    lines = files.splitlines()
    assert lines[0] == "Fayllar / Files (bayt / bytes, SHA-256):"
    sizes = {entry["file"]: f"{entry['size']:,}".replace(",", " ") for entry in BUILT}
    assert lines[1:] == [
        line for entry in BUILT for line in (f"{entry['file']}, {sizes[entry['file']]}", f"  {entry['sha256']}")
    ]
    assert f"{PACKAGE}, 98 765 432" in lines


def test_a_revision_names_the_bureaus_file_in_both_languages():
    _, body = compose_notice(*OUTCOMES["revision"], HOST)
    azerbaijani, english, *_ = parts(body)
    assert f"- {PACKAGE}\n  mətbəədə adı: since-the-victory-{ISSUE}-print-r2.zip (yeni versiya)" in azerbaijani
    assert f"- {PACKAGE}\n  at the bureau as since-the-victory-{ISSUE}-print-r2.zip (a revision)" in english


def test_a_delivery_without_a_destination_says_nothing_was_sent_and_counts_the_warnings():
    subject, body = compose_notice(*OUTCOMES["delivered, no destination"], HOST)
    azerbaijani, english, *_ = parts(body)
    assert subject == f"{ISSUE}: hazırlandı / delivered"
    assert "Mətbəəyə heç nə göndərilmədi: göndərmə ünvanı təyin edilməyib." in azerbaijani
    assert "Nothing was sent to the bureau: no destination is set." in english
    assert "Xəbərdarlıqlar: 3." in azerbaijani and "Warnings: 3." in english


def test_not_ready_lists_the_first_twenty_problems_and_counts_the_rest_in_both_languages():
    subject, body = compose_notice(*OUTCOMES["not ready"], HOST)

    assert subject == f"{ISSUE}: hazır deyil / not ready"
    azerbaijani, english, problems, _ = parts(body)
    assert "redaktorlar 25 problemi düzəltməlidir" in azerbaijani and "(ilk 20-si)" in azerbaijani
    assert "the editors must fix 25 problem(s)" in english and "(the first 20)" in " ".join(english.split())
    lines = problems.splitlines()
    assert lines[0] == "Problemlər / Problems (25):"
    listed = [line for line in lines if line.startswith("issues/")]
    assert [line.split(": ")[0] for line in listed] == [problem.split(": ")[0] for problem in PROBLEMS[:20]]
    assert lines[-2:] == [
        "və daha 5 problem (hamısı build-report.json faylındadır)",
        "and 5 more (build-report.json lists them all)",
    ]


def test_not_ready_with_a_few_problems_lists_them_all():
    _, body = compose_notice(report("not ready", 3, problems=PROBLEMS[:3]), [], HOST)
    azerbaijani, english, problems, _ = parts(body)
    assert problems.count("issues/") == 3 and "more" not in problems
    assert "ilk 20" not in azerbaijani and "the first 20" not in english


def test_a_failed_build_gives_the_programs_message_of_what_was_left_in_place():
    subject, body = compose_notice(*OUTCOMES["failed"], HOST)
    assert subject == f"{ISSUE}: hazırlana bilmədi / build failed"
    azerbaijani, english, message, run = parts(body)
    assert "Buraxılış hazırlana bilmədi." in azerbaijani and "The build failed." in english
    assert " ".join(message.split()) == (
        f"Mesaj / Message: the build of {ISSUE} failed; the previous delivery, if any, is unchanged"
    )
    assert "Çıxış kodu / Exit status: 1" in run


def test_an_interrupted_build_says_so_with_its_message():
    subject, body = compose_notice(*OUTCOMES["interrupted"], HOST)
    assert subject == f"{ISSUE}: yarımçıq dayandırıldı / interrupted"
    assert f"Mesaj / Message:\nthe build of {ISSUE} was interrupted" in body
    assert "Çıxış kodu / Exit status: 130" in body


def test_a_failed_send_names_the_destination_the_file_and_the_error_and_that_the_next_run_tries_again():
    subject, body = compose_notice(*OUTCOMES["send failed"], HOST)

    assert subject == f"{ISSUE}: hazırlandı, mətbəəyə göndərilmədi / delivered, not sent"
    azerbaijani, english, _, errors, run = parts(body)
    assert f"Mətbəəyə çatmadı:\n  {BUREAU}\n- {PACKAGE}" in azerbaijani
    assert "Xidmətin növbəti işə salınması göndərməni" in azerbaijani
    assert f"Did not reach the bureau:\n  {BUREAU}\n- {PACKAGE}" in english
    assert "The service's next start tries again" in english
    assert errors == f"Xəta / Error:\n{BUREAU}\n  {PACKAGE}:\n    the server closed the connection"
    assert "Çıxış kodu / Exit status: 5" in run


def test_a_current_delivery_is_silent_unless_something_was_sent_or_failed():
    current = report("current")
    assert not needs_notice(current, [])
    assert not needs_notice(current, [send("already there"), send("already there", PACKAGE + ".sha256")])
    assert needs_notice(current, [send("already there"), send("failed", PACKAGE + ".sha256", error="gone")])
    assert compose_notice(current, SENT, HOST)[0] == f"{ISSUE}: mətbəəyə göndərildi / sent to the bureau"
    assert compose_notice(current, [send("failed", error="x")], HOST)[0] == (
        f"{ISSUE}: mətbəəyə göndərilmədi / not sent to the bureau"
    )
    delivered = report("delivered", built=BUILT)
    assert needs_notice(delivered, [send("already there")])
    assert compose_notice(delivered, [send("already there")], HOST)[0] == (
        f"{ISSUE}: hazırlandı, mətbəədə artıq var / delivered, the bureau has it"
    )


def test_a_unit_failure_gives_both_languages_how_it_ended_and_the_logs_wrapped():
    tail = ["output/scheduled.log:", "2023-01-01T06:00:03+00:00 INFO " + "a long line of the log " * 5, ""]
    subject, body = compose_unit_failure("since-the-victory.service", HOST, tail, ended="timeout")

    assert subject == f"since-the-victory.service: uğursuz oldu / failed ({HOST})"
    azerbaijani, english, ended, logs = parts(body)
    assert f"{HOST} serverində planlaşdırılmış xidmət" in azerbaijani
    assert f"The scheduled service on {HOST}" in english
    assert "systemctl start since-the-victory.service" in " ".join(english.split())
    assert ended == "Necə bitdi / How it ended: timeout"
    assert logs.startswith("output/scheduled.log:\n2023-01-01T06:00:03+00:00 INFO a long line")
    assert " ".join(logs.split()) == " ".join(" ".join(tail).split())
    assert max(len(line) for line in body.splitlines()) <= 72


def test_a_drop_box_send_says_only_its_size_was_checked_there():
    _, body = compose_notice(*OUTCOMES["drop box"], HOST)
    azerbaijani, english, *_ = parts(body)
    assert "orada yalnız ölçüsü yoxlanıldı; SHA-256-nı mətbəə yoxlama faylı ilə yoxlayır" in " ".join(
        azerbaijani.split()
    )
    assert "only its size could be checked there; the bureau checks its SHA-256 with the checksum file" in " ".join(
        english.split()
    )


def test_a_run_that_could_not_start_its_work_says_why_and_that_nothing_was_built():
    subject, body = compose_notice(*OUTCOMES["could not run"], HOST)
    assert subject == f"{ISSUE}: başlaya bilmədi / could not run"
    assert "Nothing was built and nothing was sent" in " ".join(body.split())
    assert "busy: another build holds the output folder" in body and "build failed" not in body
