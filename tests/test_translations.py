"""The built-in library in every shipped language: complete, faithful to the English fields, clean.

English wording is checked phrase by phrase in test_library.py; here every language is held to
the checks that do not depend on reading it: the same fields and branches as English, every
value the English reply shows shown again (formatted for the locale), no leftovers of empty
fields, the language's polite register, one greeting and one signature per language, and in
Arabic every left-to-right value isolated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from jinja2 import meta

from conftest import render, required_values
from replykit.packs.fields import resolve_values
from replykit.packs.library import Library, builtin_dir, search_path
from replykit.packs.scenario import example_values
from replykit.rendering.filters import FSI, LRI, PDI
from replykit.rendering.templates import Reply, make_environment

TEMPLATES = builtin_dir()
IDS = sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
LANGUAGES = ("en", "es", "fr", "de", "it", "pt-BR", "nl", "pl", "ru", "ja", "ko", "ar")
TRANSLATIONS = LANGUAGES[1:]
PARTIALS = ("signature", "items", "amount", "goods")

# The polite register: a form every reply uses, and the familiar forms none may use.
POLITE = {
    "de": r"\b(Sie|Ihnen|Ihr\w*)\b",
    "fr": r"\b(vous|votre|vos)\b",
    "es": r"\b(usted|su|sus|le|les)\b",
    "it": r"\b([Ll]ei|[Ss]uo|[Ss]ua|[Ss]uoi|[Ss]ue|La|Le)\b",  # courtesy forms, lower case mid-sentence
    "pt-BR": r"\b(você|seu|sua|seus|suas|o senhor|a senhora)\b",
    "nl": r"\b(u|uw)\b",
    "ru": r"\b(Вы|Вас|Вам|Ваш\w*|Вами)\b",
    "ja": r"様",
    "ko": r"고객님|님",
    "pl": r"\bPaństw(o|a|u|em)\b|\b(Pan|Pani)\b",
}
FAMILIAR = {
    "de": r"\b(du|dich|dir|dein\w*)\b",
    "fr": r"\b(tu|toi|ton|tes)\b",
    "es": r"\b(tú|tu|tus|te|ti|contigo)\b",
    "it": r"\b(tu|ti|tuo|tua|tuoi|tue)\b",
    "pt-BR": r"\b(tu|te|ti|teu|tua)\b",
    "nl": r"\b(je|jij|jou|jouw)\b",
    "pl": r"\b(ty|ciebie|tobie|twój|twoja|twoje|twoich)\b",
    "ru": r"(?i)(?<!\w)(ты|тебя|тебе|твой|твоя|твоё|твои)(?!\w)",
}
ENGLISH_LEFTOVERS = ("Dear ", "Best wishes", "Thank you", "Customer Service", "our shop")
SENTENCE_END = (".", "?", "!", ":", "。", "？", "！", "؟", ")", "」", "»", "…")


@pytest.fixture(scope="module")
def library() -> Library:
    return Library(search_path())


def signature(library: Library, lang: str, values: dict[str, Any]) -> str:
    env = make_environment(library.roots)
    return env.get_template(f"_partials/signature.{lang}.j2").render({**values, "lang": lang}).strip("\n")


def fields_used(path: Path) -> set[str]:
    """Every variable a template reads, following its includes."""
    env = make_environment([TEMPLATES])
    ast = env.parse(path.read_text(encoding="utf-8"))
    names = set(meta.find_undeclared_variables(ast)) - {"lang", "channel"}
    for included in meta.find_referenced_templates(ast):
        assert included, f"{path.name}: includes a computed template name"
        names |= fields_used(TEMPLATES / included)
    return names


def left_out(path: Path) -> set[str]:
    """Fields a language file leaves out on purpose, as its ``{# unused: ... #}`` comment says."""
    from replykit.check import left_out_fields

    return left_out_fields(path.read_text(encoding="utf-8"))


def check_clean(library: Library, reply: Reply, lang: str, values: dict[str, Any]) -> None:
    """What a careful agent would never send, in any language."""
    subject, body = reply.subject, reply.body
    if library.find(reply.scenario).public:
        assert not subject, f"a public reply has a subject: {subject!r}"
        check_text(subject, body)
        for paragraph in body.rstrip("\n").split("\n\n"):
            assert "\n" not in paragraph, f"hard-wrapped paragraph: {paragraph!r}"
            assert paragraph.endswith(SENTENCE_END), f"unfinished paragraph: {paragraph!r}"
        return
    assert subject and subject == subject.strip() and "\n" not in subject, repr(subject)
    check_text(subject, body)
    sign_off = signature(library, lang, values)
    head, sep, tail = body.rstrip("\n").rpartition("\n\n" + sign_off)
    assert sep and not tail, f"the reply does not end with the {lang} signature:\n{body}"
    greeting, *paragraphs = head.split("\n\n")
    assert paragraphs, body
    for paragraph in paragraphs:
        assert "\n" not in paragraph, f"hard-wrapped paragraph: {paragraph!r}"
        assert paragraph.endswith(SENTENCE_END), f"unfinished paragraph: {paragraph!r}"


def check_text(subject: str, body: str) -> None:
    """Typography any reply keeps: no doubled spaces or stops, no template leftovers, tidy lines."""
    for text in (subject, body):
        for bad in ("  ", " ,", " .", ",,", "{{", "}}", "{%", "%}", "None", "( ", " )", "()", "、、", "。。"):
            assert bad not in text, f"{bad!r} in {text!r}"
        assert ".." not in text.replace("...", ""), text
    for line in body.split("\n"):
        assert line == line.rstrip(), f"trailing space: {line!r}"
    assert "\n\n\n" not in body and body.endswith("\n") and not body.endswith("\n\n")


def shown(value: Any, field_type: str, lang: str) -> list[str]:
    """How a field's value reads in a reply in ``lang``."""
    from babel.dates import format_date

    if field_type == "date":
        return [format_date(value, format="long", locale=lang.replace("-", "_"))]
    if field_type == "list":
        return [str(item) for item in value]
    return [str(value)]


def isolate_depths(text: str) -> tuple[list[int], int]:
    """How deep inside directional isolates each character is (an isolate's own marks count as
    inside it), and the depth left open at the end."""
    depth, depths = 0, []
    for char in text:
        if char in (LRI, FSI, "\u2067"):
            depth += 1
        depths.append(depth)
        if char == PDI:
            depth -= 1
        assert depth >= 0, f"a PDI closes no isolate in {text!r}"
    return depths, depth


# 1. Completeness and field parity ----------------------------------------------------------------


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_every_scenario_and_partial_is_translated(library: Library, lang: str) -> None:
    missing = [sid for sid in IDS if lang not in library.find(sid).languages]
    assert not missing, f"no {lang}.j2 for: {', '.join(missing)}"
    for partial in PARTIALS:
        assert (TEMPLATES / "_partials" / f"{partial}.{lang}.j2").is_file(), f"_partials/{partial}.{lang}.j2"


def test_every_partial_is_used() -> None:
    env = make_environment([TEMPLATES])
    used = {
        included
        for path in TEMPLATES.glob("*/*.j2")
        for included in meta.find_referenced_templates(env.parse(path.read_text(encoding="utf-8")))
    }
    partials = {f"_partials/{p.name}" for p in (TEMPLATES / "_partials").glob("*.j2")}
    assert not partials - used, f"no template includes {sorted(partials - used)}"
    assert partials == {f"_partials/{name}.{lang}.j2" for name in PARTIALS for lang in LANGUAGES}


@pytest.mark.parametrize("lang", TRANSLATIONS)
@pytest.mark.parametrize("scenario_id", IDS)
def test_translation_uses_the_same_fields_as_english(scenario_id: str, lang: str) -> None:
    folder = TEMPLATES / scenario_id
    translation = folder / f"{lang}.j2"
    assert translation.is_file(), f"{scenario_id}/{lang}.j2 is missing"
    english, translated = fields_used(folder / "en.j2"), fields_used(translation)
    translated |= english & left_out(translation)
    assert translated == english, f"dropped: {sorted(english - translated)}, added: {sorted(translated - english)}"
    for included in meta.find_referenced_templates(make_environment([TEMPLATES]).parse(translation.read_text("utf-8"))):
        assert included.endswith(f".{lang}.j2"), f"{scenario_id}/{lang}.j2 includes {included}"


@pytest.mark.parametrize("lang", TRANSLATIONS)
@pytest.mark.parametrize("scenario_id", IDS)
def test_translation_handles_every_choice(scenario_id: str, lang: str) -> None:
    """Each choice of a field that English branches on is named in the translation too."""
    english = (TEMPLATES / scenario_id / "en.j2").read_text("utf-8")
    translated = (TEMPLATES / scenario_id / f"{lang}.j2").read_text("utf-8")
    for choice in sorted(set(re.findall(r"""==\s*["']([\w-]+)["']""", english))):
        assert re.search(rf"""["']{re.escape(choice)}["']""", translated), f"{choice!r} is not handled"


# 2. Renderings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("scenario_id", IDS)
def test_renders_with_example_values(library: Library, scenario_id: str, lang: str) -> None:
    scenario = library.find(scenario_id)
    raw = example_values(scenario, lang)
    values = resolve_values(scenario.fields, cli=raw)
    reply = render(library, scenario, raw, lang)
    assert reply.language == lang
    check_clean(library, reply, lang, values)
    text = f"{reply.subject}\n{reply.body}"
    english = render(library, scenario, raw, "en")
    english_text = f"{english.subject}\n{english.body}"
    skipped = left_out(scenario.template(lang))
    for f in scenario.fields:
        value = values[f.name]
        if f.choices or value in ("", None, []) or f.name in skipped:
            continue
        if f.type == "decimal":
            currency = values.get("currency") or None
            from babel.numbers import format_currency, format_decimal

            if currency:
                forms = [
                    format_currency(value, currency, locale="en"),
                    format_currency(value, currency, locale=lang.replace("-", "_")),
                ]
            else:
                forms = [
                    format_decimal(value, format="#,##0.00", locale="en"),
                    format_decimal(value, format="#,##0.00", locale=lang.replace("-", "_")),
                ]
            if forms[0] in english_text:
                assert forms[1] in text, f"{f.name}: {forms[1]!r} not in:\n{text}"
            continue
        for english_form, form in zip(shown(value, f.type, "en"), shown(value, f.type, lang), strict=True):
            if english_form in english_text:
                assert form in text, f"{f.name}: {form!r} (shown in English) is not in:\n{text}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("scenario_id", IDS)
def test_renders_with_required_fields_only(library: Library, scenario_id: str, lang: str) -> None:
    scenario = library.find(scenario_id)
    raw = required_values(scenario)
    reply = render(library, scenario, raw, lang)
    check_clean(library, reply, lang, resolve_values(scenario.fields, cli=raw))
    text = f"{reply.subject}\n{reply.body}"
    for f in scenario.fields:
        if f.required or f.choices or not f.example or f.example == f.default:
            continue
        value = resolve_values([f], cli={f.name: f.example})[f.name]
        for form in shown(value, f.type, lang):
            if f.type == "integer":
                assert not re.search(rf"(?<![\w.,]){re.escape(form)}(?![\w.,])", text), f"{f.name} leaked:\n{text}"
            else:
                assert form not in text, f"{f.name}: {form!r} leaked:\n{text}"


@pytest.mark.parametrize("lang", TRANSLATIONS)
@pytest.mark.parametrize("scenario_id", IDS)
def test_every_combination_of_choices_renders_cleanly(library: Library, scenario_id: str, lang: str) -> None:
    scenario = library.find(scenario_id)
    choice_fields = [f for f in scenario.fields if f.choices]
    for combo in product(*[f.choices for f in choice_fields]):
        chosen = {f.name: c for f, c in zip(choice_fields, combo, strict=True)}
        for raw in (example_values(scenario, lang), required_values(scenario)):
            raw = {**raw, **chosen}
            reply = render(library, scenario, raw, lang)
            check_clean(library, reply, lang, resolve_values(scenario.fields, cli=raw))


@pytest.mark.parametrize("lang", TRANSLATIONS)
@pytest.mark.parametrize("scenario_id", IDS)
def test_each_optional_field_alone_renders_cleanly(library: Library, scenario_id: str, lang: str) -> None:
    scenario = library.find(scenario_id)
    examples = example_values(scenario, lang)
    for f in scenario.fields:
        if f.required or f.choices:
            continue
        for raw in ({**required_values(scenario), f.name: examples[f.name]}, {**examples, f.name: ""}):
            reply = render(library, scenario, raw, lang)
            check_clean(library, reply, lang, resolve_values(scenario.fields, cli=raw))


# 3. One voice per language -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_one_greeting_register_and_no_english(library: Library, lang: str) -> None:
    greetings = set()
    for scenario_id in IDS:
        scenario = library.find(scenario_id)
        raw = example_values(scenario, lang)
        reply = render(library, scenario, raw, lang)
        text = f"{reply.subject}\n{reply.body}"
        english = render(library, scenario, raw, "en")
        assert scenario.public or reply.subject != english.subject, f"{scenario_id}: subject not translated"
        for leftover in ENGLISH_LEFTOVERS:
            assert leftover not in text, f"{scenario_id}: English {leftover!r} in the {lang} reply"
        if lang in POLITE:
            assert re.search(POLITE[lang], text), f"{scenario_id}: no polite form in:\n{text}"
        if lang in FAMILIAR:
            found = re.search(FAMILIAR[lang], text)
            assert not found, f"{scenario_id}: familiar form {found.group(0)!r} in:\n{text}"
        if scenario.public:
            continue  # an answer below a review has no letter frame
        greeting = reply.body.split("\n\n", 1)[0]
        if "name" not in left_out(scenario.template(lang)):
            assert raw["name"] in greeting, f"{scenario_id}: the greeting does not name the buyer: {greeting!r}"
        greetings.add(greeting)
    assert len(greetings) == 1, f"{lang} greets in several ways: {greetings}"


# 4. Right-to-left --------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", IDS)
def test_arabic_isolates_every_left_to_right_value(library: Library, scenario_id: str) -> None:
    scenario = library.find(scenario_id)
    values = resolve_values(scenario.fields, cli=example_values(scenario, "ar"))
    reply = render(library, scenario, example_values(scenario, "ar"), "ar")
    for text in (reply.subject, reply.body):
        depths, left_open = isolate_depths(text)
        assert left_open == 0, f"an isolate is never closed in {text!r}"
        for f in scenario.fields:
            if f.type not in ("text", "list") or f.choices or not values[f.name]:
                continue
            for form in shown(values[f.name], f.type, "ar"):
                for found in re.finditer(re.escape(form), text):
                    assert depths[found.start()] > 0, f"{f.name} {form!r} is not isolated in:\n{text!r}"


def paragraph_direction(line: str) -> str:
    """The direction of a line by the Unicode rule (UAX #9, P2-P3): its first strong character
    outside directional isolates; 'L' when it has none."""
    import unicodedata

    depth = 0
    for char in line:
        if char in (LRI, FSI, "\u2067"):
            depth += 1
        elif char == PDI:
            depth = max(depth - 1, 0)
        elif depth == 0 and unicodedata.bidirectional(char) in ("L", "R", "AL"):
            return "L" if unicodedata.bidirectional(char) == "L" else "R"
    return "L"


@pytest.mark.parametrize("scenario_id", IDS)
def test_every_arabic_line_reads_right_to_left(library: Library, scenario_id: str) -> None:
    """Mail clients and message boxes that set direction per line must right-align every line."""
    scenario = library.find(scenario_id)
    for raw in (example_values(scenario, "ar"), required_values(scenario)):
        reply = render(library, scenario, raw, "ar")
        for line in [reply.subject, *reply.body.split("\n")]:
            if line:
                assert paragraph_direction(line) == "R", f"reads left to right: {line!r}"


def test_arabic_keeps_ltr_codes_left_to_right(library: Library) -> None:
    scenario = library.find("late-delivery")
    reply = render(library, scenario, example_values(scenario), "ar")
    assert f"{LRI}4521{PDI}" in reply.body
    assert f"{LRI}4521{PDI}" in reply.subject


# 5. Locale formatting inside replies -------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "amount", "date_text"),
    [
        ("en", "€12.50", "December 3, 2026"),
        ("de", "12,50\xa0€", "3. Dezember 2026"),
        ("fr", "12,50\xa0€", "3 décembre 2026"),
        ("es", "12,50\xa0€", "3 de diciembre de 2026"),
        ("pt-BR", "€\xa012,50", "3 de dezembro de 2026"),
        ("ja", "€12.50", "2026年12月3日"),
        ("nl", "€\xa012,50", "3 december 2026"),
        ("it", "12,50\xa0€", "3 dicembre 2026"),
        ("pl", "12,50\xa0€", "3 grudnia 2026"),
        ("ru", "12,50\xa0€", "3 декабря 2026\u202fг."),
        ("ko", "€12.50", "2026년 12월 3일"),
        ("ar", "\u200f12.50\xa0€", "3 ديسمبر 2026"),
    ],
)
def test_money_and_dates_read_as_the_buyer_expects(library: Library, lang: str, amount: str, date_text: str) -> None:
    refund = library.find("refund-issued")
    raw = {**example_values(refund), "amount": "12.5", "currency": "EUR"}
    assert amount in render(library, refund, raw, lang).body
    late = library.find("late-delivery")
    assert date_text in render(library, late, example_values(late), lang).body
    assert date.fromisoformat("2026-12-03") == resolve_values(late.fields, cli=example_values(late))["expected_date"]
    assert Decimal("12.5") == resolve_values(refund.fields, cli=raw)["amount"]


@pytest.mark.parametrize(
    ("lang", "one_day", "handling_and_range"),
    [
        ("en", "1 business day.", ("within 1 business day", "1 to 3 business days.")),
        ("de", "1 Werktag.", ("innerhalb von 1 Werktag", "1 bis 3 Werktage.")),
        ("fr", "1 jour ouvré.", ("sous 1 jour ouvré", "de 1 à 3 jours ouvrés.")),
        ("it", "1 giorno lavorativo.", ("entro 1 giorno lavorativo", "da 1 a 3 giorni lavorativi.")),
        ("es", "1 día hábil.", ("1 día hábil", "entre 1 y 3 días hábiles.")),
        ("pt-BR", "1 dia útil.", ("1 dia útil", "de 1 a 3 dias úteis.")),
    ],
)
def test_one_day_is_singular(library: Library, lang: str, one_day: str, handling_and_range: tuple[str, str]) -> None:
    scenario = library.find("presale-delivery")
    assert one_day in render(library, scenario, {"name": "A", "days_min": "1", "days_max": "1"}, lang).body
    body = render(library, scenario, {"name": "A", "days_min": "1", "days_max": "3", "handling_days": "1"}, lang).body
    for text in handling_and_range:
        assert text in body, body


# 6. Each language reads as itself, on every channel; public replies fit --------------------------


@pytest.fixture(scope="module")
def identify() -> Any:
    """py3langid, restricted to the library's twelve languages (BSD; the model ships in its wheel)."""
    from py3langid import langid

    langid.set_languages([lang.split("-")[0] for lang in LANGUAGES])
    return langid


def channel_renders(library: Library, scenario_id: str, lang: str) -> Iterator[tuple[str, Reply]]:
    """The scenario in ``lang`` at its examples in that language, on every channel it declares, each choice at its example."""
    from replykit.check import SAMPLE_ORDER_IDS
    from replykit.rendering.templates import load_template
    from replykit.rendering.templates import render as render_template

    scenario = library.find(scenario_id)
    template = load_template(make_environment(library.roots), scenario, lang)
    choice_fields = [f for f in scenario.fields if f.choices and f.type != "list"]
    for channel in scenario.channels:
        for combo in product(*[f.choices for f in choice_fields]):
            raw = {**example_values(scenario, lang), **{f.name: c for f, c in zip(choice_fields, combo, strict=True)}}
            if raw.get("order_id") and channel in SAMPLE_ORDER_IDS:
                raw["order_id"] = SAMPLE_ORDER_IDS[channel]
            values = resolve_values(scenario.fields, cli=raw)
            if scenario.refusal(channel, values) is None:
                yield channel, render_template(template, scenario, values, lang=lang, channel=channel)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reply_reads_as_its_language(library: Library, identify: Any, lang: str) -> None:
    """An independent language identifier reads every rendering as the language it is labelled with."""
    wrong = []
    for scenario_id in IDS:
        for channel, reply in channel_renders(library, scenario_id, lang):
            found, _ = identify.classify(f"{reply.subject}\n{reply.body}")
            if found != lang.split("-")[0]:
                wrong.append(f"{scenario_id} on {channel}: read as {found}")
    assert not wrong, "\n".join(sorted(set(wrong)))


EBAY_PUBLIC_LIMIT = 500
"""eBay's reply to feedback: responseText of at most 500 characters (see channels/rules.py, EBAY_FEEDBACK_REPLY)."""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_reply_fits_a_feedback_reply(library: Library, lang: str) -> None:
    public = [scenario_id for scenario_id in IDS if library.find(scenario_id).public]
    assert public, "the library has no public reply"
    for scenario_id in public:
        for channel, reply in channel_renders(library, scenario_id, lang):
            assert not reply.subject, f"{scenario_id}: a public reply has a subject"
            assert len(reply.body) <= EBAY_PUBLIC_LIMIT, f"{scenario_id} on {channel}: {len(reply.body)} characters"
