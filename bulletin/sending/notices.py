"""The notice of a scheduled run: what it did, in Azerbaijani (the source language) and in English.

A notice is plain text for a phone: lines of at most 70 characters, a checksum on a line of its
own. The Azerbaijani text comes first, then the English one, then what reads the same in both
languages: the files with their sizes and checksums, what was sent where, the problems at their
`file:line:column`, the program's message, and the server, times and exit status of the run.

It is made from the run's build report (`delivery.records.Record.report`: its result is
"delivered", "not ready", "failed", "interrupted", or "current" when the delivery was already
complete) and the run's send records (`ledger`: "sent", "already there" or "failed"). A run
that found everything current and sent nothing new stays silent (`needs_notice`). A failure
outside the program (the service killed or timed out, ./run's set-up failed) has a notice of its
own, with the end of the logs (`compose_unit_failure`).

This module only writes the notices; `mail` sends them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

WIDTH = 70  # characters a line, read on a phone without scrolling sideways
SEPARATOR = "-" * 30
TITLE = "«Zəfərdən sonra»"  # the bulletin's title in the source language
SHOWN_PROBLEMS = 20  # problems listed in a notice; the build report holds them all
# How the operator starts a run by hand: (Azerbaijani, English).
RESTART = (
    "systemctl start since-the-victory.service (cron ilə: ./run scheduled)",
    "systemctl start since-the-victory.service (with cron: ./run scheduled)",
)

# The outcome of a run in a subject's few words: (Azerbaijani, English).
OUTCOMES = {
    "delivered": ("hazırlandı", "delivered"),
    "delivered and sent": ("hazırlandı və mətbəəyə göndərildi", "delivered and sent"),
    "delivered, already there": ("hazırlandı, mətbəədə artıq var", "delivered, the bureau has it"),
    "delivered, not sent": ("hazırlandı, mətbəəyə göndərilmədi", "delivered, not sent"),
    "sent": ("mətbəəyə göndərildi", "sent to the bureau"),
    "not sent": ("mətbəəyə göndərilmədi", "not sent to the bureau"),
    "not ready": ("hazır deyil", "not ready"),
    "failed": ("hazırlana bilmədi", "build failed"),
    "interrupted": ("yarımçıq dayandırıldı", "interrupted"),
    "could not run": ("başlaya bilmədi", "could not run"),
}

# What a run's result means, a paragraph in each language: (Azerbaijani, English).
RESULTS = {
    "delivered": (
        "Buraxılışın bütün dillərdə çap və ekran üçün PDF faylları hazırlandı, yoxlanıldı və çatdırılma"
        " qovluğuna yazıldı. Faylların siyahısı, ölçüləri və SHA-256 yoxlama cəmləri aşağıdadır.",
        "The PDFs of every language, for print and for the screen, were made, checked and written into the"
        " delivery folder. The files, their sizes and SHA-256 checksums are listed below.",
    ),
    "current": (
        "Buraxılışın çatdırılması artıq tam və aktual idi; heç nə yenidən hazırlanmadı.",
        "The issue's delivery was already complete and current; nothing was built again.",
    ),
    "not ready": (
        "Buraxılış hazır deyil: redaktorlar {count} problemi düzəltməlidir. Heç nə hazırlanmadı və mətbəəyə heç"
        " nə göndərilmədi; əvvəlki çatdırılma, əgər varsa, dəyişməyib. Problemlər aşağıda fayl:sətir:sütun"
        " şəklində verilir{first_az}. Düzəlişlərdən sonra ./run validate ilə yoxlayın; xidmətin növbəti işə"
        " salınması buraxılışı hazırlayacaq.",
        "The issue is not ready: the editors must fix {count} problem(s). Nothing was built and nothing was sent"
        " to the bureau; the earlier delivery, if any, is unchanged. The problems are listed below as"
        " file:line:column{first_en}. Once they are fixed (./run validate shows it), the service's next start"
        " builds the issue.",
    ),
    "failed": (
        "Buraxılış hazırlana bilmədi. Xəta mesajı aşağıdadır (ingiliscə); o, nəyin olduğu kimi qaldığını da"
        f" bildirir. Operator səbəbi aradan qaldırdıqdan sonra xidməti yenidən başlatmalıdır: {RESTART[0]}.",
        "The build failed. The message below gives the error and what was left in place. Once the operator has"
        f" removed its cause, start the service again: {RESTART[1]}.",
    ),
    "could not run": (
        "Planlaşdırılmış iş başlaya bilmədi; səbəbi aşağıdakı mesajdadır (ingiliscə), məsələn, başqa bir"
        " hazırlama çıxış qovluğunu tutmuşdu. Heç nə hazırlanmadı və mətbəəyə heç nə göndərilmədi; əvvəlki"
        " çatdırılma dəyişməyib. Operator səbəbi aradan qaldırdıqdan sonra xidməti yenidən başlatmalıdır:"
        f" {RESTART[0]}.",
        "The scheduled run could not do its work; the message below says why (another build holding the output"
        " folder, say). Nothing was built and nothing was sent to the bureau; the earlier delivery is unchanged."
        f" Once the operator has removed the cause, start the service again: {RESTART[1]}.",
    ),
    "interrupted": (
        "Buraxılışın hazırlanması yarımçıq kəsildi: xidmət əl ilə, vaxt həddi keçdiyi üçün və ya server"
        " söndürülərkən dayandırıldı. Aşağıdakı mesaj nəyin yerində qaldığını bildirir; xidmətin növbəti işə"
        " salınması bunu yoxlayacaq.",
        "The build was interrupted: the service was stopped by hand, by its time limit or at a shutdown. The"
        " message below says what was left in place; the service's next start checks it.",
    ),
}

# What became of the package at a destination, as the heading of its files: (Azerbaijani, English).
SENDS = {
    "sent": ("Mətbəəyə göndərildi və orada yoxlanıldı", "Sent to the bureau and checked there"),
    "already there": ("Mətbəədə artıq var, yenidən göndərilmədi", "Already at the bureau, not sent again"),
    "failed": ("Mətbəəyə çatmadı", "Did not reach the bureau"),
}
REVISION = ("mətbəədə adı: {name} (yeni versiya)", "at the bureau as {name} (a revision)")
SIZE_ONLY = (  # a bureau's drop box, where what is sent may not be read back
    "orada yalnız ölçüsü yoxlanıldı; SHA-256-nı mətbəə yoxlama faylı ilə yoxlayır",
    "only its size could be checked there; the bureau checks its SHA-256 with the checksum file",
)
NOT_SENT = (
    "Mətbəəyə heç nə göndərilmədi: göndərmə ünvanı təyin edilməyib.",
    "Nothing was sent to the bureau: no destination is set.",
)
RETRY = (
    "Xəta aşağıdadır (ingiliscə). Xidmətin növbəti işə salınması göndərməni təkrarlayacaq; operator onu indi"
    f" başlada bilər: {RESTART[0]}.",
    f"The error is below. The service's next start tries again; the operator can start it now: {RESTART[1]}.",
)
WARNINGS = (
    "Xəbərdarlıqlar: {count}. Onlar çatdırılmanı dayandırmır; onların siyahısı build-report.json faylındadır.",
    "Warnings: {count}. They do not stop the delivery; build-report.json lists them.",
)
UNIT_FAILED = (
    "{host} serverində planlaşdırılmış xidmət ({unit}) uğursuz oldu: ya prosesi məcburi dayandırıldı, ya vaxt"
    " həddini keçdi, ya da ./run hazırlıq mərhələsində (Debian paketləri, .venv) xəta verdi. Buraxılış"
    " hazırlanmamış və ya mətbəəyə göndərilməmiş ola bilər. Əgər proqram öz çıxış kodu ilə bitibsə"
    " (məsələn, 3: buraxılış hazır deyil), onun öz bildirişi nə baş verdiyini artıq deyib. Səbəbi aşağıdakı"
    " jurnal sətirləri göstərir; operator onu aradan qaldırdıqdan sonra xidməti yenidən başlatmalıdır:"
    " systemctl start {unit}.",
    "The scheduled service on {host} ({unit}) failed: its process was killed, it ran past its time limit, or"
    " ./run's set-up (Debian packages, .venv) stopped it. The issue may not have been built or sent to the"
    " bureau. If the program itself ended with an exit status of its own (such as 3: not ready), its own"
    " notice has already said what happened. The log lines below show the cause; once the operator has"
    " removed it, start the service again: systemctl start {unit}.",
)


def needs_notice(report: dict, sends: Sequence[dict]) -> bool:
    """Whether a run is worth a notice: anything but a delivery found current with nothing sent anew or failed."""
    return report.get("result") != "current" or any(send.get("result") != "already there" for send in sends)


def compose_notice(report: dict, sends: Sequence[dict], host: str) -> tuple[str, str]:
    """Return the subject and the plain-text body of the notice of a scheduled run on `host`."""
    issue, result = report.get("issue", "?"), report.get("result", "failed")
    outcome_az, outcome_en = OUTCOMES[outcome(result, sends)]
    subject = f"{issue}: {outcome_az} / {outcome_en}"
    problems = list(report.get("problems", []))
    first = len(problems) > SHOWN_PROBLEMS
    counts = {
        "count": len(problems),
        "first_az": f" (ilk {SHOWN_PROBLEMS}-si)" if first else "",
        "first_en": f" (the first {SHOWN_PROBLEMS})" if first else "",
    }
    languages = []
    for language, (title, outcome_text) in enumerate(
        [(f"{TITLE}, {issue} buraxılışı", outcome_az), (f"Since the Victory, issue {issue}", outcome_en)]
    ):
        paragraphs = [wrap(f"{title}: {outcome_text}.")]
        if result in RESULTS:
            paragraphs.append(wrap(RESULTS[result][language].format(**counts)))
        if result in ("delivered", "current"):
            paragraphs += sending_paragraphs(sends, language)
        if report.get("warnings"):
            paragraphs.append(wrap(WARNINGS[language].format(count=len(report["warnings"]))))
        languages.append("\n\n".join(paragraphs))
    shared = [
        files_section(report.get("built", []), sends),
        problems_section(problems),
        message_section(report) if result in ("failed", "interrupted", "could not run") else "",
        errors_section(sends),
        run_section(report, host),
    ]
    body = f"\n\n{SEPARATOR}\n\n".join(languages + [section for section in shared if section])
    return subject, body + "\n"


def compose_unit_failure(unit: str, host: str, log_tail: list[str], ended: str = "") -> tuple[str, str]:
    """Return the subject and body of the notice of a scheduled service that failed outside the program, with
    the last lines of its logs (`log_tail`) and how systemd says it ended (`ended`, when it says)."""
    subject = f"{unit}: uğursuz oldu / failed ({host})"
    languages = [wrap(text.format(host=host, unit=unit)) for text in UNIT_FAILED]
    shared = []
    if ended:
        shared.append(wrap(f"Necə bitdi / How it ended: {ended}"))
    shared.append("\n".join(wrap(line, indent="  ") if line else "" for line in log_tail) or "(—)")
    return subject, f"\n\n{SEPARATOR}\n\n".join(languages + shared) + "\n"


def outcome(result: str, sends: Sequence[dict]) -> str:
    """Name the outcome of a run, as OUTCOMES knows it, from its result and what became of its sends."""
    if result not in ("delivered", "current"):
        return result if result in OUTCOMES else "failed"
    results = {send.get("result") for send in sends}
    if "failed" in results:
        return "delivered, not sent" if result == "delivered" else "not sent"
    if "sent" in results:
        return "delivered and sent" if result == "delivered" else "sent"
    if results and result == "delivered":
        return "delivered, already there"
    return "delivered" if result == "delivered" else "sent"


def sending_paragraphs(sends: Sequence[dict], language: int) -> list[str]:
    """What became of the package at each destination, in one language: the files under each heading."""
    if not sends:
        return [wrap(NOT_SENT[language])]
    paragraphs = []
    for (destination, result), files in grouped(sends).items():
        lines = [wrap(f"{SENDS.get(result, SENDS['failed'])[language]}:"), f"  {destination}"]
        for send in files:
            lines.append(wrap(f"- {send.get('file', '?')}", indent="  "))
            if send.get("sent_as") and send["sent_as"] != send.get("file"):
                lines.append(wrap("  " + REVISION[language].format(name=send["sent_as"]), indent="    "))
            if send.get("checked") == "size":
                lines.append(wrap("  " + SIZE_ONLY[language], indent="    "))
        paragraphs.append("\n".join(lines))
    if any(send.get("result") == "failed" for send in sends):
        paragraphs.append(wrap(RETRY[language]))
    return paragraphs


def grouped(sends: Sequence[dict]) -> dict[tuple[str, str], list[dict]]:
    """The sends by destination and result, in the order they were made."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for send in sends:
        groups.setdefault((send.get("destination", "?"), send.get("result", "failed")), []).append(send)
    return groups


def files_section(built: Sequence[dict], sends: Sequence[dict]) -> str:
    """The files of the delivery (and any sent that it does not list), each with its size and its SHA-256."""
    files = {entry["file"]: entry for entry in built if "file" in entry}
    for send in sends:
        files.setdefault(send.get("file", "?"), send)
    if not files:
        return ""
    lines = ["Fayllar / Files (bayt / bytes, SHA-256):"]
    for name, entry in files.items():
        size = f"{entry['size']:,}".replace(",", " ") if isinstance(entry.get("size"), int) else "?"
        line = f"{name}, {size}"
        lines += [line] if len(line) <= WIDTH else [wrap(name, indent="  "), f"  {size}"]
        lines.append(f"  {entry.get('sha256', '?')}")
    return "\n".join(lines)


def problems_section(problems: list[str]) -> str:
    """The first problems at their file:line:column, and how many more the build report holds."""
    if not problems:
        return ""
    lines = [f"Problemlər / Problems ({len(problems)}):"]
    lines += [wrap(problem, indent="  ") for problem in problems[:SHOWN_PROBLEMS]]
    if (more := len(problems) - SHOWN_PROBLEMS) > 0:
        lines += [
            f"və daha {more} problem (hamısı build-report.json faylındadır)",
            f"and {more} more (build-report.json lists them all)",
        ]
    return "\n".join(lines)


def message_section(report: dict) -> str:
    """The program's message of a failed or interrupted run: the error, and what was left in place."""
    lines = (report.get("message") or "(—)").splitlines()
    return "Mesaj / Message:\n" + "\n".join(wrap(line, indent="  ") for line in lines)


def errors_section(sends: Sequence[dict]) -> str:
    """The error of each send that failed, under its destination and file."""
    failed = [send for send in sends if send.get("result") == "failed"]
    if not failed:
        return ""
    lines = ["Xəta / Error:"]
    for send in failed:
        lines += [wrap(send.get("destination", "?"), indent="  "), wrap(f"  {send.get('file', '?')}:", indent="    ")]
        lines += [wrap("    " + line, indent="    ") for line in str(send.get("error") or "?").splitlines()]
    return "\n".join(lines)


def run_section(report: dict, host: str) -> str:
    """Where and when the run was, and its exit status."""
    lines = [
        f"Server: {host}",
        f"Tarix / Date: {report.get('date', '?')}",
        f"Başladı / Started: {report.get('started', '?')}",
        f"Bitdi / Finished: {report.get('finished', '?')}",
        f"Çıxış kodu / Exit status: {report.get('exit_status', '?')}",
    ]
    return "\n".join(wrap(line, indent="  ") for line in lines)


def wrap(text: str, indent: str = "") -> str:
    """Fill a paragraph (or one line of a list) to WIDTH, the lines after the first indented by `indent`. A word
    longer than a line (an address, a file name) keeps its line whole, so that it can still be copied."""
    return textwrap.fill(text, WIDTH, subsequent_indent=indent, break_on_hyphens=False, break_long_words=False)
