"""The typographic pass: each language's quotation marks, dashes and no-break spaces, in text,
in HTML and in the printed PDFs; and Azerbaijani capitals."""

from __future__ import annotations

import re

import pytest

from bulletin.language.typography import ADDED_HYPHEN, NBSP, WORD_JOINER, doubtful_marks, typeset_html, typeset_text
from bulletin.workflow.cli import main

from conftest import LANGUAGES, apply_edits, page_texts, within


def plain(text: str) -> str:
    """Show the invisible marks of a set text: ⍽ no-break space, ⁀ word joiner."""
    return text.replace(NBSP, "⍽").replace(WORD_JOINER, "⁀")


@pytest.mark.parametrize(
    "language, typed, expected",
    [
        # Russian: « » outside, „ “ inside; a dash tied to the word before it; №, units, digit groups,
        # one-letter words and particles tied.
        ("ru", '"Дорога Победы" - один год', "«Дорога Победы»⍽— один год"),
        ("ru", 'Указ "О "Годе Шуши"" подписан', "Указ «О⍽„Годе Шуши“» подписан"),
        ("ru", "Выпуск № 4, выпуск №5", "Выпуск №⍽4, выпуск №⍽5"),
        ("ru", "101 км, 20 %, 2022 г., 195 человек", "101⍽км, 20⍽%, 2022⍽г., 195⍽человек"),
        ("ru", "около 22 000 жителей и 1 250 000 м²", "около 22⍽000 жителей и⍽1⍽250⍽000⍽м²"),
        ("ru", "в Шуше и в Агдаме, с 1992 года", "в⍽Шуше и⍽в⍽Агдаме, с⍽1992 года"),
        ("ru", "Так ли это? Он же сказал", "Так⍽ли это? Он⍽же сказал"),
        ("ru", "в 1990-х годах, 1717-1797, 12-13 мая", "в⍽1990-⁀х годах, 1717–1797, 12–13⍽мая"),
        ("ru", "Конец... И. Алиев", "Конец… И.⍽Алиев"),
        # A day stays with its month (CLDR's month names), in the order each language writes them.
        ("ru", "7 ноября 2021 года", "7⍽ноября 2021 года"),
        # A span of time is a unit: a key figure never reads "nearly 30 / years".
        ("ru", "почти 30 лет, 44 дня, 2 месяца", "почти 30⍽лет, 44⍽дня, 2⍽месяца"),
        ("az", "təxminən 30 il, 44 gün", "təxminən 30⍽il, 44⍽gün"),
        ("en", "nearly 30 years, 44 days, 101 kilometers", "nearly 30⍽years, 44⍽days, 101⍽kilometers"),
        ("es", "casi 30 años, 44 días", "casi 30⍽años, 44⍽días"),
        ("az", "avqustun 29-da, 16 yanvar 2023", "avqustun⍽29-⁀da, 16⍽yanvar 2023"),
        ("en", "on 8 November 2020", "on 8⍽November 2020"),
        ("es", "el 29 de agosto de 2022", "el 29⍽de agosto de 2022"),
        # Azerbaijani: « » then “ ”; a number's suffix never parted from it.
        ("az", '"Zəfərdən sonra" bülleteni - rəsmi nəşr', "«Zəfərdən sonra» bülleteni⍽— rəsmi nəşr"),
        ("az", '"Şuşa İli" haqqında "fərman "Qələbə" adlı"', "«Şuşa İli» haqqında «fərman “Qələbə” adlı»"),
        ("az", "2021-ci il mayın 12-13-də, 101 km", "2021-⁀ci il mayın⍽12–13-⁀də, 101⍽km"),
        ("az", "İ. Əliyev, № 4", "İ.⍽Əliyev, №⍽4"),
        # English: “ ” then ‘ ’, apostrophes, a spaced en dash.
        ("en", 'the "Year of Shusha" - declared in 2022', "the “Year of Shusha”⍽– declared in 2022"),
        ("en", "He said: \"'Yes,' she said.\"", "He said: “‘Yes,’ she said.”"),
        (
            "en",
            "Azerbaijan's roads, the Azerbaijanis' homes, the '90s",
            "Azerbaijan’s roads, the Azerbaijanis’ homes, the ’90s",
        ),
        ("en", "about 20 per cent, 101 km, 22 000", "about 20⍽per cent, 101⍽km, 22⍽000"),
        ("en", "“typed” and «typed»", "“typed” and “typed”"),
        # Spanish: « » then “ ” then ‘ ’, with ¿ and ¡; the raya set against what it encloses.
        ("es", '"¿Qué es el "Año de \'Shusha\'"?" ¡Sí!', "«¿Qué es el “Año de ‘Shusha’”?» ¡Sí!"),
        (
            "es",
            "La guerra - en Azerbaiyán, la Guerra Patria - comenzó",
            "La guerra —⁀en Azerbaiyán, la Guerra Patria⁀— comenzó",
        ),
        ("es", "La guerra —en Azerbaiyán— comenzó", "La guerra —⁀en Azerbaiyán⁀— comenzó"),
        ("es", '"¡Por fin!", dijo. 101 km', "«¡Por fin!», dijo. 101⍽km"),
    ],
)
def test_each_language_is_set_by_its_conventions(language, typed, expected):
    assert plain(typeset_text(typed, language)) == expected


@pytest.mark.parametrize(
    "language, typed, expected",
    [
        # Codes and addresses keep their hyphens; only a range of two numbers takes an en dash.
        (
            "ru",
            "ISBN 978-5-17-118366-4, тел. 492-17-00, 2022-11-08, ISSN 2789-1234, 10-15%",
            "ISBN 978-5-17-118366-4, тел. 492-17-00, 2022-11-08, ISSN 2789-1234, 10–15%",
        ),
        # An ISSN after any of its labels, whatever its qualifier says; a range after it is still a range.
        (
            "es",
            "ISSN-L 1234-5679, eISSN 2049-3630, ISSN (edición impresa): 1050-1247, ISSN\u00a01352-1357, 1990-1995",
            "ISSN-L 1234-5679, eISSN 2049-3630, ISSN (edición impresa): 1050-1247, ISSN⍽1352-1357, 1990–1995",
        ),
        (
            "en",
            'see https://www.azertag.az/en/xeber/2022-11-08?a=1 - or "write" to info@mod.gov.az...',
            "see https://www.azertag.az/en/xeber/2022-11-08?a=1⍽– or “write” to info@mod.gov.az…",
        ),
        ("ru", "в 1990 - 2000 годах, -5 °C", "в⍽1990–2000 годах, –5⍽°C"),
        # A line of dialogue, and dashes typed close up.
        ("ru", "-- Да, - ответил он.", "—⍽Да,⍽— ответил он."),
        ("ru", "Шуша—жемчужина Карабаха", "Шуша⍽— жемчужина Карабаха"),
        ("en", "Shusha—the pearl—was freed", "Shusha⍽– the pearl⍽– was freed"),
        ("es", "-- ¿Vienes a Shusha? - preguntó el alcalde.", "—⁀¿Vienes a Shusha? —⁀preguntó el alcalde."),
        (
            "es",
            "Dijo - preguntó -. Te espero. La guerra - en Azerbaiyán -, comenzó",
            "Dijo —⁀preguntó⁀—. Te espero. La guerra —⁀en Azerbaiyán⁀—, comenzó",
        ),
        ("es", '¡"Viva"! y ¿"Qué"?', "¡«Viva»! y ¿«Qué»?"),
        # Abbreviations tied to what they belong to.
        (
            "ru",
            "г. Шуша, т. е., XXI в., ул. Низами, д. 5, 2 человека, 5 километрах",
            "г.⍽Шуша, т.⍽е., XXI⍽в., ул.⍽Низами, д.⍽5, 2⍽человека, 5⍽километрах",
        ),
        ("en", "No. 5, p. 12", "No.⍽5, p.⍽12"),
        ("es", "N.º 5, dijo. 101 km", "N.º⍽5, dijo. 101⍽km"),
        ("az", "100 nəfərdən, 1990-2000-ci illər", "100⍽nəfərdən, 1990–2000-⁀ci illər"),
        # Second review: ranges rise and may have decimals; codes do not; a minus is no raya; speech after a full
        # stop; a raya closed up with hyphens; no chain of ties after a year.
        (
            "en",
            "flight J2-8015, (012) 492-92, ISO 9001-2015, 3,5-4,5 %, 1.5-2 billion",
            "flight J2-8015, (012) 492-92, ISO 9001-2015, 3,5–4,5⍽%, 1.5–2⍽billion",
        ),
        ("es", "Temperaturas de -5 °C - según el servicio - hoy.", "Temperaturas de –5⍽°C —⁀según el servicio⁀— hoy."),
        ("es", "- Ven aquí - dijo. - Ya voy - respondió ella.", "—⁀Ven aquí —⁀dijo. —⁀Ya voy —⁀respondió ella."),
        (
            "es",
            "El museo -inaugurado hoy- recibe visitantes; pre- y postguerra",
            "El museo —inaugurado hoy— recibe visitantes; pre- y postguerra",
        ),
        (
            "ru",
            "в 1752 г. Позднее в г. Шуша, и т. д. и т. п., 1 250,5 км",
            "в⍽1752⍽г. Позднее в⍽г.⍽Шуша, и⍽т.⍽д. и⍽т.⍽п., 1⍽250,5⍽км",
        ),
    ],
)
def test_what_proofreaders_mark_is_set_right(language, typed, expected):
    assert plain(typeset_text(typed, language)) == expected


def test_rayas_pair_over_a_whole_paragraph_across_emphasis():
    html = typeset_html(
        '<html lang="es"><body><p>La ciudad - dijo <em>el alcalde</em> - es bella.</p></body></html>', "es"
    )
    assert f"<p>La ciudad —{WORD_JOINER}dijo <em>el alcalde</em>{WORD_JOINER}— es bella.</p>" in html


def test_a_number_s_suffix_stays_on_its_line_and_reads_as_typed():
    html = typeset_html('<html lang="az"><body><p>2021-ci ildə, mayın 12-13-də</p></body></html>', "az")
    assert f"<p>2021-{WORD_JOINER}ci ildə, mayın\u00a012–13-{WORD_JOINER}də</p>" in html


def test_a_suspended_non_breaking_hyphen_becomes_a_hyphen_held_to_its_word_and_others_stay():
    """A line may break after "северо‑ " (at the space): it is set as U+2010 held by a word joiner, so that the only
    U+2011 a line ends with is the one the layout adds. Inside a word U+2011 stays, and no line breaks there."""
    html = typeset_html(
        '<html lang="ru"><body><p>С северо\u2011 и юго\u2011запада, анти\u2011<em>военный</em> и про\u2011<em> и</em>'
        " контр\u2011</p></body></html>",
        "ru",
    )
    held = WORD_JOINER + "\u2010"
    assert (
        f"<p>С\u00a0северо{held} и\u00a0юго\u2011запада, анти\u2011<em>военный</em> и\u00a0про{held}<em> и</em>" in html
    )
    assert f" контр{held}</p>" in html and ADDED_HYPHEN == "\u2011"


def test_a_mark_typed_in_another_language_s_style_is_set_in_this_one():
    assert typeset_text("«Шуша» и “Агдам”", "ru") == "«Шуша» и\u00a0«Агдам»"
    assert typeset_text("«Shusha» and „Aghdam“", "en") == "“Shusha” and “Aghdam”"


def test_text_already_set_is_left_as_it_is():
    for language, typed in [("ru", '"Дорога Победы" - 101 км'), ("es", '"¿Qué?" - dijo'), ("en", 'it\'s - "so"')]:
        once = typeset_text(typed, language)
        assert typeset_text(once, language) == once


def test_quotation_marks_pair_across_inline_elements_and_keep_the_markup():
    html = typeset_html(
        '<html lang="ru"><body><p>Он сказал: "<em>Шуша</em>" - это '
        '<a href="x?a=1&amp;b=2">"город"</a> &lt;b&gt;</p></body></html>',
        "ru",
    )
    assert '<p>Он сказал: «<em>Шуша</em>»\u00a0— это <a href="x?a=1&amp;b=2">«город»</a> &lt;b&gt;</p>' in html


def test_each_element_is_set_in_its_own_language():
    html = typeset_html(
        '<html lang="ru"><body><p>"Шуша"</p><div class="untranslated" lang="az">'
        '<p>"Şuşa" - şəhər</p></div><p lang="en">"Shusha"</p></body></html>',
        "ru",
    )
    assert "<p>«Шуша»</p>" in html
    assert "<p>«Şuşa»\u00a0— şəhər</p>" in html
    assert '<p lang="en">“Shusha”</p>' in html


def test_codes_styles_and_the_head_are_left_alone():
    html = typeset_html(
        '<html lang="en"><head><title>"A" - b</title><style>p::before { content: "\\"" }</style>'
        '</head><body><p translate="no">ISSN 2789-1234 "x"</p>'
        '<time datetime="2022-11-08">8 November</time></body></html>',
        "en",
    )
    assert '<title>"A" - b</title>' in html
    assert '<style>p::before { content: "\\"" }</style>' in html
    assert '<p translate="no">ISSN 2789-1234 "x"</p>' in html
    assert 'datetime="2022-11-08"' in html


def test_descriptions_and_running_heads_are_set_too():
    html = typeset_html(
        '<html lang="ru"><body><img alt=\'"Шуша" - город\' src="a.png">'
        '<article data-section=\'"Шуша"\' id="x"></article></body></html>',
        "ru",
    )
    assert 'alt="«Шуша»\u00a0— город"' in html
    assert 'data-section="«Шуша»"' in html
    assert 'src="a.png"' in html and 'id="x"' in html


# On the printed pages.

QUOTED = {"az": "«Şuşa İli»", "ru": "«Дорога Победы»", "en": "“Memory and heritage”", "es": "«Año de Shusha»"}


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_printed_editions_carry_their_language_s_marks(sample_build, language):
    text = "\n".join(page_texts(sample_build.pdf(language, "screen")))
    flat = " ".join(text.split())
    assert QUOTED[language] in flat
    # The sample's content is typed with straight quotes and hyphens: none may reach the page.
    body = text.split("ISSN")[0]
    assert '"' not in body and "'" not in body
    assert "\u2011" not in text  # numbers' suffixes are kept whole by the layout, searchable as typed (2020-ci)
    assert not re.search(r"\s-\s", body), "a hyphen typed for a dash was printed as a hyphen"
    if language in ("az", "ru", "en"):
        dash = "–" if language == "en" else "—"
        assert f" {dash} " in flat
        starts = [line for line in text.splitlines() if line.strip().startswith(dash)]
        assert not starts, f"a line starts with a dash: {starts[:3]}"
    else:
        assert "—" in flat and not re.search(r"—\s*$", text, re.MULTILINE), "a raya was left at a line end"


@pytest.mark.slow
def test_russian_numbers_stay_with_their_units_and_the_number_sign(sample_build):
    lines = [line.rstrip() for line in "\n".join(page_texts(sample_build.pdf("ru", "screen"))).splitlines()]
    assert "№ 4" in " ".join(" ".join(lines).split())
    for line, following in zip(lines, lines[1:]):
        assert not line.endswith("№"), line
        assert not (re.search(r"\d$", line) and re.match(r"\s*(км|г\.|человек)\b", following)), (line, following)
        assert not re.search(r"(?<!\w)[вксуоиа]$", line), f"a one-letter word ends a line: {line!r}"


@pytest.mark.slow
def test_azerbaijani_capitals_keep_the_dotted_and_dotless_i(minimal_issue, tmp_path):
    """Headings in capitals: i becomes İ and ı becomes I (text-transform with lang="az")."""
    apply_edits(
        minimal_issue, [{"file": "az.yaml", "replace": 'title: "Şuşa"', "with": 'title: "Ağdamın yenidən qurulması"'}]
    )
    output = tmp_path / "output"
    assert main([str(minimal_issue), "--output", str(output), "--lang", "az", "--variant", "screen", "-q"]) == 0
    text = "\n".join(page_texts(output / "2023-H1" / "since-the-victory-2023-H1-az-screen.pdf"))
    assert "AĞDAMIN YENİDƏN QURULMASI" in text
    assert "AĞDAMİN" not in text and "YENIDƏN" not in text


def test_a_line_break_does_not_part_a_quotation():
    html = typeset_html('<html lang="en"><body><p>"Shusha,<br>Aghdam"</p></body></html>', "en")
    assert "<p>“Shusha,<br>Aghdam”</p>" in html


def test_doubtful_marks_are_queried_not_guessed():
    assert doubtful_marks('"Шуша" и "Агдам', "ru") == [
        (9, 'a quotation mark pairs with none and is printed as typed: “"Шуша" и "Агдам…”')
    ]
    assert doubtful_marks("the '90s and the Azerbaijanis' homes", "en") == []  # apostrophes, not quotations
    assert doubtful_marks('"one"\n\n"two"', "az") == []
    assert doubtful_marks('"one"\n\n"two', "az")[0][0] == 7
    assert doubtful_marks("¿Qué? ¡Sí! Y esto?", "es") == [
        (17, "1 ¿ but 2 ?: Spanish opens every question with ¿ and closes it with ?")
    ]
    assert doubtful_marks("Y esto?", "en") == []
    assert doubtful_marks("Vea https://x.az/?id=5 y ¿qué? (?)", "es") == []  # an address's ?, the (?) of doubt


@pytest.mark.slow
def test_validate_and_the_build_query_them_at_their_place(minimal_issue, tmp_path, monkeypatch, capsys):
    apply_edits(
        minimal_issue,
        [{"file": "es.yaml", "replace": '"Una entrada breve."', "with": "'Una \"entrada breve. ¿Por qué? Y esto?'"}],
    )
    monkeypatch.chdir(tmp_path)
    assert main(["validate", str(minimal_issue)]) == 0
    out = capsys.readouterr().out.splitlines()
    place = "issues/2023-H1/es.yaml:11:{}: warning: article 'first-article': 'lead': "
    assert out == [
        place.format(33) + 'a quotation mark pairs with none and is printed as typed: “Una "entrada breve. ¿Por…”',
        place.format(65) + "1 ¿ but 2 ?: Spanish opens every question with ¿ and closes it with ?",
    ]
    assert main([str(minimal_issue), "--output", str(tmp_path / "out"), "--lang", "es", "--variant", "screen"]) == 0
    assert place.format(65) + "1 ¿ but 2 ?" in capsys.readouterr().err


def test_a_query_in_a_markdown_body_names_the_line_of_the_mark(minimal_issue, tmp_path, monkeypatch, capsys):
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": "      İkinci abzas.", "with": '      İkinci "abzas.'}])
    monkeypatch.chdir(tmp_path)
    assert main(["validate", str(minimal_issue)]) == 0
    queries = [line for line in capsys.readouterr().out.splitlines() if "quotation mark" in line]
    assert queries == [  # the other warnings: the translations are now stale
        "issues/2023-H1/az.yaml:15:14: warning: article 'first-article': 'body': a quotation mark pairs with none"
        ' and is printed as typed: “İkinci "abzas.…”'
    ]


def test_a_query_whose_line_cannot_be_found_stays_at_its_own_value(tmp_path):
    """An escaped quote reads otherwise in the file: the query falls back to where the value starts, never to
    another field that happens to hold the same words."""
    from bulletin.content.texts import TextField
    from bulletin.content.validation import typographic_queries
    from bulletin.util.errors import Mark

    path = tmp_path / "es.yaml"
    path.write_text(
        'lead: "Se abrió el \\"Museo de Shusha."\nbody: |\n  Se abrió el "Museo de Shusha.\n', encoding="utf-8"
    )
    lead = TextField("es", ("lead",), "es texts", Mark(path, 1, 7), 'Se abrió el "Museo de Shusha.')
    body = TextField("es", ("body",), "es texts", Mark(path, 2, 7), 'Se abrió el "Museo de Shusha.\n')
    assert [(query.mark.line, query.mark.column) for query in typographic_queries([lead, body])] == [(1, 7), (3, 15)]


def test_thousands_of_queries_are_each_placed_at_their_own_line_in_time_in_proportion(tmp_path):
    """Each paragraph's stray quotation mark is placed at its own line, by a search that only moves forward
    through the file: sought from the start of the value for each query, 20,000 of them took minutes."""
    from bulletin.content.texts import TextField
    from bulletin.content.validation import typographic_queries
    from bulletin.util.errors import Mark

    paragraphs = [f'Paragraph {number} "opens' for number in range(20_000)]
    path = tmp_path / "en.yaml"
    path.write_text("body: |\n" + "".join(f"  {paragraph}\n\n" for paragraph in paragraphs), encoding="utf-8")
    body = TextField("en", ("body",), "en texts", Mark(path, 1, 7), "\n\n".join(paragraphs) + "\n")
    with within(10):
        queries = typographic_queries([body])
    assert [(query.mark.line, query.mark.column) for query in queries] == [
        (2 + 2 * number, 3 + paragraph.index('"')) for number, paragraph in enumerate(paragraphs)
    ]


# Repeated to 100,000 characters: long words of letters, digits, hyphens, dots, quotation marks and dashes, runs
# that the rules for numbers, initials and addresses try at every character, paragraphs of stray quotation marks.
HOSTILE = ["a", "1", "-", ".", "1-", "-1", "...", '"', "'", "— ", "1 000 ", "A. ", "a@", "a.", "¿", 'a"\n\n']


@pytest.mark.slow
@pytest.mark.parametrize("unit", HOSTILE)
def test_the_typographic_pass_takes_time_in_proportion_to_the_text(unit):
    """100,000 characters of a pattern are set in well under a second per language; an e-mail address sought
    from every character of a long word took a hundred seconds per language at twice the length (a quarter of
    that here: still past the bound)."""
    text = unit * (100_000 // len(unit))
    with within(10):
        for language in LANGUAGES:
            typeset_text(text, language)
            doubtful_marks(text, language)
