"""Triggers in scenario.yaml, ranking scenarios for a buyer's message, and reply deadlines per channel."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from conftest import MakePack, sh
from replykit.channels.deadlines import RULES, reply_due
from replykit.check import check_scenarios
from replykit.errors import UsageError
from replykit.packs.scenario import Scenario
from replykit.packs.triggers import normalise
from replykit.pipeline import library_for
from replykit.triage import Weights, make_phrase, rank, render_text, search, triage

REPLY = "Subject: About your order\n\nHello {{ name }}, we are on it.\n"


def reply(lang: str) -> str:
    """A reply template per language (check refuses a language file that copies another)."""
    return REPLY.replace("it.", f"it ({lang}).")


MISSING = """\
title: Items missing
summary: Something is not in the parcel
triggers:
  en: [missing, "not in the box", "only got *", refund]
  de: [fehlt, "fehlen*", "nicht im paket", rückerstattung]
  ja: [入っていない, 足りない]
  ar: [ناقص, "لم يكن في الطرد"]
fields:
  name:
"""

DAMAGED = """\
title: Item damaged
summary: It arrived broken
triggers:
  en: [broken, damaged, "arrived broken", refund]
  de: ["beschädig*", "kaputt", "*schaden"]
  ja: [壊れて, 破損]
  ar: ["مكسور*", "تالف*"]
fields:
  name:
"""

LATE = """\
title: Parcel late
summary: Not there yet
triggers:
  en: ["where is my order", "not arrived", "still waiting", tracking]
  de: ["wo bleibt", "noch nicht angekommen"]
  ja: [届いていません, まだ届]
  ar: ["لم يصل*", "الطلب"]
fields:
  name:
"""

PLAIN = "title: No triggers\nsummary: Never suggested\nfields:\n  name:\n"

LANGS = ("en", "de", "ja", "ar")


def pack_files(**scenarios: str) -> dict[str, str]:
    files = {}
    for name, yaml_text in scenarios.items():
        files[f"{name}/scenario.yaml"] = yaml_text
        for lang in LANGS:
            files[f"{name}/{lang}.j2"] = reply(lang)
    return files


@pytest.fixture
def scenarios(make_pack: MakePack) -> list[Scenario]:
    pack = make_pack(pack_files(missing=MISSING, damaged=DAMAGED, late=LATE, plain=PLAIN))
    library = library_for([pack])
    return [library.find(name) for name in ("missing", "damaged", "late", "plain")]


# --- normalising and matching ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("  Not   in\tthe\nBOX ", "not in the box"),
        ("Reçu", "recu"),
        ("Straße", "strasse"),
        ("BESCHÄDIGT", "beschadigt"),
        ("Nie dotarła", "nie dotarla"),
        ("Ærø œuvre", "aero oeuvre"),
        ("ЁЛКА мой", "елка мой"),
        ("ＲＥＦＵＮＤ １２３", "refund 123"),
        ("ｶﾀｶﾅ", "カタカナ"),
        ("が", "が"),
        ("배송이 안 왔어요", "배송이 안 왔어요"),
        ("الطَّلَبُ", "الطلب"),
        ("أين طلبي؟", "اين طلبي؟"),
        ("مستشفى مدرسة", "مستشفي مدرسه"),
        ("don’t", "don't"),
        ("re\u00adfund", "refund"),
        ("delivered, but", "delivered but"),
        ("zugestellt, aber nichts", "zugestellt aber nichts"),
        ("届いたけど、ない", "届いたけど ない"),
        ("وصل، لكن", "وصل لكن"),
        ("where is it? no.", "where is it? no."),
    ],
    ids=[
        "spaces-case", "fr-cedilla", "de-eszett", "de-umlaut", "pl-l-stroke", "ligatures", "ru-yo-kept-short-i",
        "fullwidth", "halfwidth-kana", "ja-dakuten-kept", "ko-unchanged", "ar-harakat", "ar-hamza-alef",
        "ar-alef-maqsura-ta-marbuta", "apostrophe", "soft-hyphen", "comma", "comma-non-ascii", "ja-comma",
        "ar-comma", "sentence-ends-kept",
    ],
)  # fmt: skip
def test_normalise(text: str, normal: str) -> None:
    assert normalise(text) == normal


@pytest.mark.parametrize(
    ("phrase", "lang", "text", "matches"),
    [
        ("missing", "en", "One item is MISSING.", True),
        ("missing", "en", "dismissing the case", False),
        ("box", "en", "boxes everywhere", False),
        ("not in the box", "en", "it was not  in the\nbox", True),
        ("only got *", "en", "I only got two mugs", True),
        ("only got *", "en", "I only got", False),
        ("fehlen*", "de", "Es fehlende Teile", True),
        ("fehlen*", "de", "Es fehlen Teile", True),
        ("fehlen*", "de", "unfehlenbar", False),
        ("*schaden", "de", "ein Transportschaden", True),
        ("*schaden", "de", "schaden", True),
        ("*schaden", "de", "Schadens", False),
        ("beschädig*", "de", "ist beschadigt angekommen", True),
        ("beschadig*", "de", "ist BESCHÄDIGT angekommen", True),
        ("beschädig*", "de", "ist beschaedigt angekommen", False),
        ("reçu", "fr", "pas recu", True),
        ("nie dotarła", "pl", "paczka nie dotarla", True),
        ("пришёл", "ru", "не пришел", True),
        ("入っていない", "ja", "箱に入っていないです", True),
        ("入っていない*", "ja", "箱に入っていない", True),
        ("배송이 안 왔어요", "ko", "아직 배송이 안왔어요", True),
        ("주문", "ko", "주문이 안 왔어요", True),
        ("الطلب", "ar", "طلب", True),
        ("الطلب", "ar", "والطلب لم يصل", True),
        ("طلب", "ar", "بالطلب", True),
        ("طلب", "ar", "طلبي", False),
        ("طلب*", "ar", "اين طلبي", True),
        ("لم يصل*", "ar", "ولم يصلني شيء", True),
        ("ناقص", "ar", "ناقصة", False),
        ("refund", "de", "Ich will einen Refund", True),
    ],
    ids=[
        "en-word", "en-not-inside-word", "en-no-plural", "en-spaces-collapse", "en-star-word", "en-star-needs-word",
        "de-stem-longer", "de-stem-exact", "de-stem-not-mid-word", "de-leading-star", "de-leading-star-empty",
        "de-leading-star-no-ending", "de-accent-text-plain", "de-accent-phrase-plain", "de-ae-not-folded",
        "fr-recu", "pl-l-stroke", "ru-yo", "ja-substring", "ja-star-ignored", "ko-space-optional",
        "ko-particle", "ar-article-optional", "ar-article-and-wa", "ar-bi-al", "ar-suffix-needs-star",
        "ar-suffix-star", "ar-wa-and-suffix", "ar-ta-marbuta-suffix", "loanword",
    ],
)  # fmt: skip
def test_phrase_matching(phrase: str, lang: str, text: str, matches: bool) -> None:
    assert (search(make_phrase(phrase, lang), normalise(text)) is not None) is matches


# --- ranking --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "text", "language", "best"),
    [
        ("Order 123", "Hi, the charger is missing, it was not in the box.", "en", "missing"),
        ("", "Die Tasse ist beschädigt angekommen, Transportschaden!", "de", "damaged"),
        ("Bestellung", "Hallo, das Kabel fehlt, es war nicht im Paket", "de", "missing"),
        ("", "Wo bleibt meine Bestellung? Noch nicht angekommen.", "de", "late"),
        ("", "商品が届いていません。まだ届かないです。", "ja", "late"),
        ("", "箱を開けたら壊れていました", "ja", "damaged"),
        ("", "الطلب لم يصلني حتى الآن", "ar", "late"),
        ("", "المنتج مكسور عند الاستلام", "ar", "damaged"),
        ("Where is my order?", "Hello, I only got half.", "en", "late"),
        ("", "still waiting? no: it arrived broken and damaged", None, "damaged"),
    ],
    ids=[
        "en-missing", "de-damaged-stems", "de-missing", "de-late", "ja-late", "ja-damaged", "ar-late-proclitics",
        "ar-damaged", "subject-outweighs-body", "no-language",
    ],
)  # fmt: skip
def test_rank_best_first(scenarios: list[Scenario], subject: str, text: str, language: str | None, best: str) -> None:
    ranked = rank(scenarios, text=text, subject=subject, language=language)
    assert ranked[0].scenario_id == best, ranked
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)


def test_a_scenario_without_triggers_is_never_suggested(scenarios: list[Scenario]) -> None:
    assert scenarios[3].triggers == {}
    ranked = rank(scenarios, text="No triggers, never suggested, missing broken tracking", language="en")
    assert "plain" not in [c.scenario_id for c in ranked]
    assert rank(scenarios, text="Hello, a nice day", language="en") == ()


def test_matches_name_phrase_language_and_place(scenarios: list[Scenario]) -> None:
    ranked = rank(scenarios, subject="Missing part", text="it was NOT in the box", language="en")
    assert ranked[0].scenario_id == "missing"
    assert [(m.phrase, m.language, m.where) for m in ranked[0].matched] == [
        ("missing", "en", "subject"),  # 1.9 x 1.5 for the subject
        ("not in the box", "en", "body"),  # 2.2
    ]


def test_the_message_language_counts_more(scenarios: list[Scenario]) -> None:
    # "refund" is declared by two scenarios in English; "rückerstattung" by missing in German.
    german = rank(scenarios, text="Ich will eine Rückerstattung, kaputt", language="de")
    english = rank(scenarios, text="Ich will eine Rückerstattung, kaputt", language="en")
    assert {c.scenario_id: c.score for c in german}["missing"] > {c.scenario_id: c.score for c in english}["missing"]


def test_a_longer_phrase_weighs_more_and_contained_matches_count_once(scenarios: list[Scenario]) -> None:
    # "arrived broken" holds "broken": only the longer phrase counts.
    one = rank(scenarios, text="it arrived broken", language="en")[0]
    assert one.scenario_id == "damaged"
    assert [m.phrase for m in one.matched] == ["arrived broken"]
    short = rank(scenarios, text="it is broken", language="en")[0]
    assert one.score > short.score


def test_more_phrases_add_up_with_diminishing_returns(scenarios: list[Scenario]) -> None:
    one = rank(scenarios, text="broken", language="en")[0].score
    two = rank(scenarios, text="broken and damaged", language="en")[0].score
    three = rank(scenarios, text="broken, damaged, kaputt", language="en")[0].score
    assert one < two < three
    assert two - one > three - two
    again = rank(scenarios, text="broken broken broken", language="en")[0].score
    assert again == one


def test_a_phrase_many_scenarios_declare_weighs_less(scenarios: list[Scenario]) -> None:
    shared = rank(scenarios, text="refund", language="en")
    assert [c.scenario_id for c in shared] == ["missing", "damaged"]  # a tie keeps the library's order
    alone = rank(scenarios, text="refund", language="en", weights=Weights(shared=False))
    assert alone[0].score > shared[0].score


def test_hostile_text_is_bounded(scenarios: list[Scenario]) -> None:
    import time

    start = time.process_time()
    rank(scenarios, text="schaden" * 200_000 + " a" * 100_000, subject="x" * 100_000, language="de")
    assert time.process_time() - start < 2.0


# --- the triage result ----------------------------------------------------------------------


def test_triage_json_and_text(scenarios: list[Scenario]) -> None:
    result = triage(
        scenarios,
        subject="Bestellung 302-1234567-1234567",
        text="Das Kabel fehlt.",
        language="de",
        order_id="302-1234567-1234567",
        channel="amazon",
        received=datetime(2026, 3, 28, 9, 15, tzinfo=timezone.utc),
        tz=ZoneInfo("Europe/Berlin"),
        reasons=("identified as German (confidence 0.97)",),
    )
    document = result.as_json()
    assert json.loads(json.dumps(document)) == document
    assert document["candidates"][0]["id"] == "missing"
    assert document["candidates"][0]["title"] == "Items missing"
    assert document["candidates"][0]["matched"] == [{"phrase": "fehlt", "language": "de", "where": "body"}]
    assert document["reply_due"] == "2026-03-29T11:15:00+02:00"  # 24 h across the switch to summer time
    assert document["deadline"]["source"] == "sellercentral.amazon.com help/external/200549770"
    assert document["deadline"]["second_hand"] is False
    assert (document["language"], document["order_id"], document["channel"]) == ("de", "302-1234567-1234567", "amazon")
    assert document["reasons"][0] == "identified as German (confidence 0.97)"
    assert document["reasons"][1].startswith("reply due by Sun 2026-03-29 11:15 CEST: Amazon: reply within 24 hours")
    text = render_text(result)
    assert text.startswith("1. missing  Items missing  (score ")
    assert '   matched: "fehlt" (de, body)\n' in text
    assert "reply due: Sun 2026-03-29 11:15 CEST\n" in text


def test_triage_without_match_date_or_channel(scenarios: list[Scenario]) -> None:
    result = triage(scenarios, text="Guten Tag", language="de", channel="ebay")
    document = result.as_json()
    assert document["candidates"] == [] and document["reply_due"] is None and document["deadline"] is None
    assert "no reply deadline: the message has no date" in document["reasons"]
    assert "no scenario matched" in render_text(result)
    email = triage(scenarios, text="kaputt", channel="email", received=datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert email.deadline is None and "no reply deadline on email" in email.reasons
    assert [c.scenario_id for c in triage(scenarios, text="kaputt broken", limit=0).candidates] == []


# --- reply deadlines ------------------------------------------------------------------------

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("channel", "received", "due"),
    [
        ("amazon", berlin(2026, 5, 9, 10, 0), berlin(2026, 5, 10, 10, 0)),
        ("amazon", berlin(2026, 3, 28, 10, 0), berlin(2026, 3, 29, 11, 0)),
        ("amazon", berlin(2026, 10, 24, 10, 0), berlin(2026, 10, 25, 9, 0)),
        ("walmart", berlin(2026, 5, 8, 20, 0), berlin(2026, 5, 10, 20, 0)),
        ("etsy", berlin(2026, 5, 8, 20, 0), berlin(2026, 5, 9, 20, 0)),
        ("aliexpress", berlin(2026, 5, 8, 20, 0), berlin(2026, 5, 11, 20, 0)),
        ("ebay", berlin(2026, 5, 8, 18, 30), berlin(2026, 5, 13, 18, 30)),
        ("ebay", berlin(2026, 5, 9, 10, 0), berlin(2026, 5, 14, 0, 0)),
        ("ebay", berlin(2026, 5, 10, 23, 59), berlin(2026, 5, 14, 0, 0)),
        ("ebay", berlin(2026, 5, 11, 9, 0), berlin(2026, 5, 14, 9, 0)),
        ("ebay", berlin(2026, 3, 27, 12, 0), berlin(2026, 4, 1, 12, 0)),
        ("ebay", datetime(2026, 5, 8, 22, 30, tzinfo=timezone(timedelta(hours=-5))), berlin(2026, 5, 14, 0, 0)),
        ("amazon", datetime(2026, 5, 8, 22, 30, tzinfo=timezone(timedelta(hours=-5))), berlin(2026, 5, 10, 5, 30)),
        ("amazon", datetime(2026, 5, 8, 22, 30), berlin(2026, 5, 10, 0, 30)),
    ],
    ids=[
        "amazon-saturday", "amazon-spring-forward", "amazon-fall-back", "walmart-48h-weekend", "etsy-24h",
        "aliexpress-72h", "ebay-friday-evening-to-wednesday", "ebay-saturday-from-monday",
        "ebay-sunday-night-from-monday", "ebay-monday", "ebay-across-spring-forward",
        "ebay-new-york-friday-is-berlin-saturday", "amazon-other-zone-converted", "naive-date-is-utc",
    ],
)  # fmt: skip
def test_reply_due(channel: str, received: datetime, due: datetime) -> None:
    deadline = reply_due(channel, received, tz=BERLIN)
    assert deadline is not None
    assert deadline.due == due
    assert deadline.due.tzinfo is BERLIN
    assert deadline.due.utcoffset() == due.utcoffset()  # the same wall clock, not only the same instant


def test_deadline_rules_and_sources() -> None:
    received = berlin(2026, 5, 8, 12, 0)
    assert reply_due("email", received, tz=BERLIN) is None
    second_hand = {name for name in RULES if (d := reply_due(name, received, tz=BERLIN)) and d.second_hand}
    assert second_hand == {"etsy", "aliexpress"}
    ebay = reply_due("ebay", received, tz=BERLIN)
    assert ebay is not None and "public holidays" in ebay.rule and "4042" in ebay.source
    with pytest.raises(UsageError, match="did you mean ebay"):
        reply_due("ebya", received, tz=BERLIN)


def test_a_skipped_wall_clock_time_moves_forward() -> None:
    # Israel moved its clocks on a Friday: 2012-03-30 02:00 became 03:00, so Friday 02:30 did not exist.
    jerusalem = ZoneInfo("Asia/Jerusalem")
    deadline = reply_due("ebay", datetime(2012, 3, 27, 2, 30, tzinfo=jerusalem), tz=jerusalem)
    assert deadline is not None
    assert deadline.due == datetime(2012, 3, 30, 3, 30, tzinfo=jerusalem)
    assert deadline.due.utcoffset() == timedelta(hours=3)


# --- the scenario format, through the installed command -------------------------------------

GOOD = 'title: T\nsummary: S\nfields:\n  name:\ntriggers:\n  en: [missing, "not in the box"]\n  de:\n    - fehlt\n    - "nicht im paket"\n'


@pytest.mark.parametrize(
    ("triggers", "line", "message"),
    [
        ("triggers:\n  germn: [fehlt]\n", 4, r"triggers: 'germn' is not a language tag"),
        ("triggers:\n  fr: [manquant]\n", 4, r"triggers: 'fr' is not a language of this scenario"),
        ("triggers:\n  dee: [fehlt]\n", 4, r"triggers: 'dee' is not a language of this scenario; did you mean de\?"),
        ("triggers:\n  EN: [a]\n  en: [b]\n", 5, r"triggers: 'en' is en, already given as 'EN'; merge the lists"),
        ("triggers: [missing]\n", 3, r"triggers: expected a mapping of language tags to lists of phrases, not a list"),
        ("triggers:\n  en: missing\n", 4, r"triggers: en must be a list of phrases, not text"),
        ("triggers:\n  en:\n    - ok\n    - " + "x" * 101 + "\n", 6, r"triggers: a phrase of en is 101 characters"),
        ("triggers:\n  en: [" + ", ".join(f"w{i}" for i in range(301)) + "]\n", 4, r"triggers: en has 301 phrases; at most 300"),
        ("triggers:\n  de:\n    - fehlt\n    - beschädigt\n    - FEHLT\n", 7, r"triggers: the phrase 'FEHLT' of de repeats 'fehlt' on line 5"),
        ("triggers:\n  de: [beschädigt, beschadigt]\n", 4, r"triggers: the phrase 'beschadigt' of de repeats 'besch\\xe4digt'(?! on)"),
        ('triggers:\n  en: [""]\n', 4, r"triggers: an empty phrase in en"),
        ('triggers:\n  en: ["!!!"]\n', 4, r"triggers: the phrase '!!!' of en: it holds no letters or digits"),
        ("triggers:\n  en: [be*ken]\n", 4, r"the phrase 'be\*ken' of en: a '\*' in the middle of a word matches nothing"),
        ('triggers:\n  en: ["not\\nhere"]\n', 4, r"triggers: the phrase 'not\\nhere' of en holds a line break"),
        ("triggers:\n  en:\n    - a: b\n", 5, r"triggers: a phrase of en reads as a mapping"),
        ("triggers:\n  de: [*schaden]\n", 4, r'aliases \(\*schaden\) are not allowed; .*needs quotes: "\*schaden"'),
        ("trigers:\n  en: [a]\n", 3, r"unknown key 'trigers' in scenario; did you mean triggers\?"),
    ],
    ids=[
        "bad-tag", "not-a-language-of-it", "three-letter-tag-close", "same-tag-twice", "not-a-mapping",
        "not-a-list", "too-long", "too-many", "duplicate-after-case", "duplicate-after-accents", "empty",
        "no-letters", "star-mid-word", "line-break", "mapping-item", "unquoted-leading-star", "misspelt-key",
    ],
)  # fmt: skip
def test_trigger_errors_name_file_and_line(
    make_pack: MakePack, replykit_bin: str, triggers: str, line: int, message: str
) -> None:
    pack = make_pack({"t/scenario.yaml": "title: T\nsummary: S\n" + triggers, "t/en.j2": REPLY, "t/de.j2": REPLY})
    for command in (["check", "t"], ["list"]):
        result = sh(replykit_bin, *command, "--templates-dir", str(pack))
        assert result.returncode == 6, result
        assert "Traceback" not in result.stderr
        assert f"{pack / 't' / 'scenario.yaml'}:{line}: " in result.stderr, result.stderr
        assert re.search(message, result.stderr), result.stderr


def test_triggers_are_read_and_shown(make_pack: MakePack, replykit_bin: str) -> None:
    pack = make_pack({"t/scenario.yaml": GOOD, "t/en.j2": reply("en"), "t/de.j2": reply("de")})
    scenario = library_for([pack]).find("t")
    assert dict(scenario.triggers) == {"en": ("missing", "not in the box"), "de": ("fehlt", "nicht im paket")}
    with pytest.raises(TypeError):
        scenario.triggers["fr"] = ("x",)  # type: ignore[index]
    assert hash(scenario)  # still a hashable frozen record
    shown = sh(replykit_bin, "show", "t", "--templates-dir", str(pack))
    assert "Triggers:  en 2, de 2 (phrases that suggest it to 'triage')\n" in shown.stdout
    document = json.loads(sh(replykit_bin, "show", "t", "--json", "--templates-dir", str(pack)).stdout)
    assert document["triggers"] == {"en": ["missing", "not in the box"], "de": ["fehlt", "nicht im paket"]}
    checked = sh(replykit_bin, "check", "t", "--templates-dir", str(pack))
    assert checked.returncode == 0 and "[triggers]" not in checked.stderr


def test_check_warns_of_a_language_without_triggers(make_pack: MakePack, replykit_bin: str) -> None:
    yaml_text = "title: T\nsummary: S\nfields:\n  name:\ntriggers:\n  en: [missing]\n  pt_br: [faltando]\n"
    files = {"t/scenario.yaml": yaml_text, **{f"t/{lang}.j2": reply(lang) for lang in ("en", "de", "ja", "pt-BR")}}
    pack = make_pack(files)
    assert dict(library_for([pack]).find("t").triggers) == {"en": ("missing",), "pt-BR": ("faltando",)}
    problems = [p for p in check_scenarios(library_for([pack]), ["t"]) if p.rule == "triggers"]
    assert [(p.severity, p.line) for p in problems] == [("warning", 5)]
    assert problems[0].message.startswith("no triggers for de, ja: a buyer writing in them")
    result = sh(replykit_bin, "check", "t", "--templates-dir", str(pack))
    assert result.returncode == 0
    assert f"{pack / 't' / 'scenario.yaml'}:5: warning: no triggers for de, ja" in result.stderr


def test_a_pack_without_triggers_stays_valid(make_pack: MakePack, replykit_bin: str) -> None:
    pack = make_pack({"t/scenario.yaml": PLAIN, "t/en.j2": REPLY})
    result = sh(replykit_bin, "check", "t", "--templates-dir", str(pack))
    assert result.returncode == 0 and "triggers" not in result.stderr
    assert "Triggers:" not in sh(replykit_bin, "show", "t", "--templates-dir", str(pack)).stdout


def test_the_builtin_library_loads() -> None:
    library = library_for([])
    loaded = [library.find(name) for name in library.ids()]
    assert loaded and all(isinstance(s.triggers.get("en", ()), tuple) for s in loaded)
