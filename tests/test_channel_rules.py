"""The channel rules engine: the corpus of seller replies on every channel, then each check on its own."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from replykit.channels.lexicon import LEXICON
from replykit.channels.lint import Finding, Span, _lowercase, lint, rules_table
from replykit.channels.patterns import OTHER, SCRIPTS, fast_union, gated_union, slow_entries
from replykit.channels.rules import CHANNELS, RULE_BY_ID, RULES
from replykit.channels.shapes import SHAPES
from replykit.errors import UsageError

CORPUS: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "channel_corpus.yaml").read_text(encoding="utf-8")
)
LANGUAGES = ("en", "ar", "de", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt-BR", "ru")
# Rules that depend on lint's options, not on the text alone: the corpus does not label them.
OPTION_RULES = {"length", "order-id", "order-id-format", "language", "channel-language"}


def rules_found(text: str, channel: str, **options: Any) -> set[str]:
    return {finding.rule for finding in lint(text, channel=channel, **options)}


def only(findings: tuple[Finding, ...], rule: str) -> list[Finding]:
    return [finding for finding in findings if finding.rule == rule]


# --- The corpus ----------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", list(CHANNELS))
@pytest.mark.parametrize("case", CORPUS["compliant"], ids=[case["id"] for case in CORPUS["compliant"]])
def test_a_compliant_reply_gives_no_finding(case: dict[str, Any], channel: str) -> None:
    # Without order_id and languages, only the order-id presence rule depends on the marketplace.
    assert rules_found(case["text"], channel) - {"order-id"} == set()


@pytest.mark.parametrize("channel", list(CHANNELS))
@pytest.mark.parametrize("case", CORPUS["violating"], ids=[case["id"] for case in CORPUS["violating"]])
def test_a_violating_reply_gives_exactly_its_rules_that_apply_there(case: dict[str, Any], channel: str) -> None:
    expected = set(case["rules"]) & set(CHANNELS[channel])
    assert rules_found(case["text"], channel) - OPTION_RULES == expected


def test_the_corpus_uses_only_known_rules_and_languages() -> None:
    for case in CORPUS["compliant"] + CORPUS["violating"]:
        assert case["lang"] in LANGUAGES, case["id"]
        assert set(case.get("rules", ())) <= set(RULE_BY_ID) - OPTION_RULES, case["id"]
    ids = [case["id"] for case in CORPUS["compliant"] + CORPUS["violating"]]
    assert len(ids) == len(set(ids))


# --- The data ------------------------------------------------------------------------------------

PHRASE_CLASSES = {
    "off-platform",
    "positive-rating",
    "ask",
    "thanks",
    "review-change",
    "review-action",
    "review-exchange",
    "benefit",
    "incentive",
    "offer",
    "discourage-claim",
    "close-claim",
    "id-word",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_word_class(language: str) -> None:
    assert set(LEXICON[language]) == PHRASE_CLASSES
    assert all(LEXICON[language][name] for name in PHRASE_CLASSES)


def test_every_pattern_names_a_shape_or_a_word_class() -> None:
    classes = set(SHAPES) | {name for table in LEXICON.values() for name in table}
    for rule in RULES:
        for pattern in rule.patterns:
            assert {pattern.find, *pattern.also, *pattern.unless_near} <= classes, rule.id


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_a_channel_names_only_known_rules_each_with_a_source(channel: str) -> None:
    assert set(CHANNELS[channel]) <= set(RULE_BY_ID)
    assert all(use.source.cite for use in CHANNELS[channel].values())


def test_every_rule_applies_somewhere() -> None:
    assert {rule.id for rule in RULES} == {rule for uses in CHANNELS.values() for rule in uses}


def test_the_shop_mail_channel_only_warns() -> None:
    assert {use.severity for use in CHANNELS["email"].values()} == {"warning"}


def test_the_rules_table_lists_every_rule_with_severity_and_source_per_channel() -> None:
    table = {info.id: info for info in rules_table()}
    assert list(table) == [rule.id for rule in RULES]
    by_channel = {use.channel: use for use in table["email"].channels}
    assert by_channel["amazon"].severity == "error"
    assert "messaging_v1.py [code]" in by_channel["amazon"].source
    assert by_channel["walmart"].severity == "warning"
    assert "[2nd-hand]" in by_channel["walmart"].source
    assert "email" not in by_channel
    assert table["phone"].family == "contact"


# --- Severity per channel ------------------------------------------------------------------------

SEVERITIES = [
    # rule, text, {channel: severity}; a channel not named gives no finding of that rule.
    (
        "email",
        "Write to shop@example.com.",
        {"amazon": "error", "ebay": "error", "etsy": "error", "walmart": "warning", "aliexpress": "warning"},
    ),
    (
        "phone",
        "Call 0171 2345678.",
        {"amazon": "warning", "ebay": "error", "etsy": "error", "walmart": "warning", "aliexpress": "warning"},
    ),
    (
        "link",
        "See www.myshop.de.",
        {"amazon": "error", "ebay": "error", "etsy": "warning", "walmart": "error", "aliexpress": "warning"},
    ),
    ("html", "<p>Hello</p>", {"amazon": "error", "ebay": "warning", "email": "warning"}),
    ("review-positive", "Please leave us 5 stars!", {"amazon": "warning"}),
    ("review-reward", "We refund you once you remove your review.", {"amazon": "warning", "ebay": "error"}),
    ("incentive", "Here is a coupon for you.", {"amazon": "warning", "etsy": "error", "walmart": "error"}),
    (
        "discourage-claim",
        "Please do not open a case.",
        {"amazon": "warning", "ebay": "warning", "etsy": "warning", "walmart": "warning", "aliexpress": "warning"},
    ),
]


@pytest.mark.parametrize(("rule", "text", "expected"), SEVERITIES, ids=[case[0] for case in SEVERITIES])
def test_severity_per_channel(rule: str, text: str, expected: dict[str, str]) -> None:
    got = {}
    for channel in CHANNELS:
        severities = {finding.severity for finding in only(lint(text, channel=channel), rule)}
        if severities:
            (got[channel],) = severities
    assert got == expected


# --- Phone numbers, after masking ----------------------------------------------------------------

PHONES = [
    ("+49 30 1234 5678", True),
    ("0171 2345678", True),
    ("06 12 34 56 78", True),
    ("(11) 91234-5678", True),
    ("8 (916) 123-45-67", True),
    ("電話は010-1234-5678로", True),
    ("order 112-1234567-1234567", False),
    ("order D01-1234567-1234567", False),
    ("eBay order 27-11068-77489", False),
    ("AliExpress order 3031265788145237", False),
    ("Etsy receipt 2345678901", False),
    ("tracking LX123456789CN", False),
    ("UPS 1Z999AA10123456784", False),
    ("追跡番号は1234-5678-9012です", False),
    ("Sendungsnummer: 1234 5678 9012", False),
    ("USPS 9400 1112 0200 0000 0000 00", False),
    ("arrives on 17-03-2026 or 2026-03-17 or 03/17/2026", False),
    ("refund of 1.234.567,00 € or R$ 1.234,56", False),
    ("bare id 123456789012", False),
    ("open 9:00-17:00, 3-5 days, 2025-2026", False),
]


@pytest.mark.parametrize(("text", "is_phone"), PHONES, ids=[text for text, _ in PHONES])
def test_phone_numbers_are_found_after_ids_dates_and_amounts_are_masked(text: str, is_phone: bool) -> None:
    assert ("phone" in rules_found(text, "ebay")) is is_phone


def test_the_given_order_id_is_masked_whatever_its_shape() -> None:
    text = "Your order 0123-456789 ships today."
    assert "phone" in rules_found(text, "ebay")
    assert "phone" not in rules_found(text, "ebay", order_id="0123-456789")


# --- Links and e-mail addresses ------------------------------------------------------------------

LINKS = [
    ("www.myshop.de", True),
    ("myshop.com", True),
    ("lojadaana.com.br", True),
    ("https://www.tiendaluz.es/lamparas", True),
    ("http://harbour-home.com", True),
    ("usps.com", False),
    ("z.B. auf dhl.de", False),
    ("https://www.dhl.de/de/privatkunden.html?piececode=1", False),
    ("Amazon.fr", False),
    ("amazon.co.uk/returns", False),
    ("12.50 and 24.99", False),
    ("e.g. z.B. d.h. i.e. p.ex. bijv. a.u.b. т.е.", False),
    ("it arrived.It was fine", False),
]


@pytest.mark.parametrize(("text", "is_link"), LINKS, ids=[text for text, _ in LINKS])
def test_links_outside_marketplaces_and_carriers(text: str, is_link: bool) -> None:
    assert ("link" in rules_found(text, "ebay")) is is_link


EMAILS = [
    "name@gmail.com",
    "name [at] gmail dot com",
    "name(at)gmail(dot)com",
    "name @ gmail . com",
    "name at gmail dot com",
    "name(arroba)gmail(punto)com",
    "name małpa wp kropka pl",
    "name собака mail точка ru",
    "name＠gmail.com",
]


@pytest.mark.parametrize("text", EMAILS)
def test_email_addresses_plain_and_disguised(text: str) -> None:
    assert rules_found(f"Write to {text} please.", "ebay") == {"email"}


@pytest.mark.parametrize("text", ["find us at myshop.com", "Instagram @harbour.home", "at 5 pm", "see you at home"])
def test_at_as_a_word_or_a_handle_is_not_an_address(text: str) -> None:
    assert "email" not in rules_found(text, "ebay")


# --- Spans, allow, errors ------------------------------------------------------------------------


def test_a_finding_has_offsets_a_line_and_an_excerpt() -> None:
    text = "Hello Jo,\nthe photos go to shop@example.com, thanks.\n<b>Sam</b>"
    findings = lint(text, channel="amazon", order_id="112-1234567-1234567")
    order_id, email, *html = findings
    start = text.index("shop@")
    assert email == Finding(
        "email",
        "error",
        Span(start, start + len("shop@example.com"), 2, "shop@example.com"),
        "an e-mail address",
        "remove it: keep the conversation in the marketplace's messages",
    )
    assert order_id.rule == "order-id" and order_id.span == Span(0, 0, 1, "")
    assert [(f.rule, f.span.line, f.span.excerpt) for f in html] == [("html", 3, "<b>"), ("html", 3, "</b>")]
    assert [f.span.start for f in findings] == sorted(f.span.start for f in findings)


def test_allow_drops_the_findings_of_those_rules() -> None:
    text = "Call 0171 2345678 or write to shop@example.com."
    assert rules_found(text, "ebay") == {"phone", "email"}
    assert rules_found(text, "ebay", allow=frozenset({"phone"})) == {"email"}


def test_an_unknown_channel_names_the_known_ones() -> None:
    with pytest.raises(UsageError) as caught:
        lint("Hi", channel="amazn")
    assert caught.value.message == "unknown channel 'amazn'"
    assert caught.value.hint == "did you mean amazon? channels: amazon, ebay, aliexpress, etsy, walmart, email"


def test_unknown_rules_in_allow_are_all_named() -> None:
    with pytest.raises(UsageError) as caught:
        lint("Hi", channel="ebay", allow=frozenset({"emial", "nonsense", "phone"}))
    assert caught.value.message == "unknown rules to allow: emial, nonsense"
    assert caught.value.hint.startswith("did you mean email? rules: link, email, phone,")


# --- Length --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "chars", "public", "expected"),
    [
        ("amazon", 2000, False, None),
        ("amazon", 2001, False, (2000, "error")),
        ("ebay", 1999, False, None),
        ("ebay", 500, True, None),
        ("ebay", 501, True, (500, "error")),
        ("etsy", 5000, True, None),
    ],
    ids=["amazon-2000", "amazon-2001", "ebay-message", "ebay-public-500", "ebay-public-501", "etsy-no-limit"],
)
def test_length_limits(channel: str, chars: int, public: bool, expected: tuple[int, str] | None) -> None:
    text = "a" * chars
    found = only(lint(text, channel=channel, public=public), "length")
    if expected is None:
        assert found == []
    else:
        (finding,) = found
        assert (finding.span.start, finding.severity) == expected
        assert finding.span.end == chars
        assert f"{chars:,} characters" in finding.message


# --- Order ids -----------------------------------------------------------------------------------

ORDER_IDS = [
    # channel, text, order_id, the order-id rules found
    ("amazon", "Your order is on its way.", None, {"order-id"}),
    ("amazon", "Your order 112-1234567-1234567 is on its way.", None, set()),
    ("amazon", "Your order 112-1234567-1234567 is on its way.", "112-1234567-1234567", set()),
    ("amazon", "Your order 112-1234567-1234567 is on its way.", "113-7654321-7654321", {"order-id"}),
    ("amazon", "Your order 4521 is on its way.", "4521", {"order-id-format"}),
    ("ebay", "Your order is on its way.", None, set()),
    ("ebay", "Your order is on its way.", "27-11068-77489", set()),
    ("ebay", "Your order is on its way.", "112-1234567-1234567", {"order-id-format"}),
    ("aliexpress", "Your order is on its way.", "303126578814523", {"order-id-format"}),
    ("etsy", "Your order is on its way.", "2345678901", set()),
    ("walmart", "Your order is on its way.", "whatever-format", set()),
]


@pytest.mark.parametrize(("channel", "text", "order_id", "expected"), ORDER_IDS)
def test_order_id_presence_and_format(channel: str, text: str, order_id: str | None, expected: set[str]) -> None:
    found = lint(text, channel=channel, order_id=order_id)
    assert {f.rule for f in found} & {"order-id", "order-id-format"} == expected
    assert all(f.severity == "warning" for f in found if f.rule.startswith("order-id"))


def test_the_order_id_messages_say_which_id_and_which_format() -> None:
    (missing,) = only(lint("Hi", channel="amazon", order_id="113-7654321-7654321"), "order-id")
    assert missing.message == "the reply does not quote the order id 113-7654321-7654321"
    (wrong,) = only(lint("Hi", channel="ebay", order_id="4521"), "order-id-format")
    assert wrong.message == "order id '4521' is not in ebay's format (2-5-5 digits, such as 27-11068-77489)"


# --- Languages -----------------------------------------------------------------------------------

LANGUAGE_CASES = [
    ("amazon", "de", "en", {"language"}),
    ("amazon", "pt", "pt-BR", set()),
    ("amazon", "en-GB", "en_US", set()),
    ("amazon", "iw", "he", set()),
    ("amazon", "de", None, set()),
    ("ebay", "de", "en", set()),
    ("walmart", "es", None, {"channel-language"}),
    ("walmart", "en-US", "es", set()),
    ("walmart", None, "es", set()),
]


@pytest.mark.parametrize(("channel", "reply_lang", "buyer_lang", "expected"), LANGUAGE_CASES)
def test_the_reply_language(channel: str, reply_lang: str | None, buyer_lang: str | None, expected: set[str]) -> None:
    found = rules_found("Text", channel, reply_lang=reply_lang, buyer_lang=buyer_lang)
    assert found & {"language", "channel-language"} == expected


def test_language_findings_name_the_languages_and_their_severity() -> None:
    (finding,) = only(lint("Hallo", channel="amazon", reply_lang="de", buyer_lang="fr-CA"), "language")
    assert (finding.severity, finding.message) == ("error", "the reply is in de but the buyer's language is fr")
    (walmart,) = lint("Hola", channel="walmart", reply_lang="es-MX")
    assert (walmart.rule, walmart.severity, walmart.fix) == ("channel-language", "warning", "reply in en")


def test_a_malformed_language_tag_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="buyer_lang 'english!' is not a language tag"):
        lint("Hi", channel="amazon", buyer_lang="english!")


# --- The fast patterns ---------------------------------------------------------------------------

CASE_KEPT = re.compile(r"\(\?-i:.*\)")
ENTRIES = {
    name: [entry for table in LEXICON.values() for entry in table.get(name, ()) if not CASE_KEPT.fullmatch(entry)]
    for name in PHRASE_CLASSES
}
TEXTS = [_lowercase(case["text"]) for case in CORPUS["compliant"] + CORPUS["violating"]]


def starts(pattern: str, text: str, shift: int = 0) -> set[int]:
    """Every position where ``pattern`` matches, overlapping matches included."""
    return {m.start() + shift for m in re.finditer(f"(?=(?:{pattern}))", text)} if pattern else set()


def test_every_entry_can_be_rewritten_to_start_with_one_character() -> None:
    assert slow_entries(entry for entries in ENTRIES.values() for entry in entries) == []


@pytest.mark.parametrize("name", sorted(PHRASE_CLASSES))
def test_the_fast_union_of_a_class_matches_where_its_entries_do(name: str) -> None:
    plain = "|".join(f"(?:{entry})" for entry in ENTRIES[name])
    unions = [fast_union(ENTRIES[name], script) for script in (*SCRIPTS, OTHER)]
    for text in TEXTS:
        assert set().union(*(starts(union, text) for union in unions)) == starts(plain, text)


def test_the_gated_trigger_matches_where_the_entries_rules_look_for_do() -> None:
    looked_for = sorted({pattern.find for rule in RULES for pattern in rule.patterns} & PHRASE_CLASSES)
    entries = [entry for name in looked_for for entry in ENTRIES[name]]
    plain = "|".join(f"(?:{entry})" for entry in entries)
    parts = [gated_union(entries, script) for script in (*SCRIPTS, OTHER)]
    for text in TEXTS:
        # A gated match starts at the character before the entry's; the text is scanned after a space.
        found = set().union(*(starts(gated, " " + text) | starts(rest, text) for gated, rest in parts))
        assert found == starts(plain, text)


def test_lowercasing_keeps_every_character_at_its_offset() -> None:
    assert _lowercase("İSTANBUL Straße") == "İstanbul straße"


# --- Phrases in the twelve languages -------------------------------------------------------------

ASKS = [
    # language, rule, a reply that breaks it (the rule's phrase in that language)
    ("en", "review-positive", "If you are happy, please leave us a 5-star review."),
    ("de", "review-positive", "Wir würden uns über 5 Sterne sehr freuen, bitte."),
    ("fr", "review-positive", "Merci de nous laisser un avis positif."),
    ("es", "review-positive", "Déjanos una valoración positiva, por favor."),
    ("it", "review-positive", "Ci lasci una recensione positiva, per favore."),
    ("nl", "review-positive", "Geef ons alsjeblieft een positieve beoordeling."),
    ("pl", "review-positive", "Prosimy o 5 gwiazdek i pozytywną opinię."),
    ("pt-BR", "review-positive", "Por favor, deixe uma avaliação positiva."),
    ("ru", "review-positive", "Пожалуйста, оставьте положительный отзыв."),
    ("ja", "review-positive", "★5の高評価をお願いいたします。"),
    ("ko", "review-positive", "별점 5점 좋은 리뷰 부탁드립니다."),
    ("ar", "review-positive", "يرجى ترك تقييم إيجابي و5 نجوم."),
    ("en", "review-change", "Could you please update your review now?"),
    ("de", "review-change", "Könnten Sie Ihre Bewertung bitte ändern?"),
    ("fr", "review-change", "Pourriez-vous supprimer votre commentaire ?"),
    ("es", "review-change", "¿Podría modificar su valoración?"),
    ("it", "review-change", "Potrebbe rimuovere la sua recensione?"),
    ("nl", "review-change", "Wil je je review verwijderen?"),
    ("pl", "review-change", "Czy może Pan zmienić ocenę?"),
    ("pt-BR", "review-change", "Você pode alterar a avaliação?"),
    ("ru", "review-change", "Не могли бы вы изменить отзыв?"),
    ("ja", "review-change", "レビューを削除していただけますか。"),
    ("ko", "review-change", "후기를 수정해 주실 수 있나요?"),
    ("ar", "review-change", "هل يمكنك حذف تقييمك؟"),
    ("en", "discourage-claim", "Please do not open a dispute."),
    ("de", "discourage-claim", "Bitte öffnen Sie keinen Fall."),
    ("fr", "discourage-claim", "N'ouvrez pas de litige."),
    ("es", "discourage-claim", "No abra una disputa."),
    ("it", "discourage-claim", "Non apra una controversia."),
    ("nl", "discourage-claim", "Open geen geschil."),
    ("pl", "discourage-claim", "Proszę nie otwierać sporu."),
    ("pt-BR", "discourage-claim", "Não abra uma disputa."),
    ("ru", "discourage-claim", "Не открывайте спор."),
    ("ja", "discourage-claim", "紛争を開かないでください。"),
    ("ko", "discourage-claim", "분쟁을 열지 마세요."),
    ("ar", "discourage-claim", "نرجو عدم فتح نزاع."),
    ("en", "off-platform", "Pay me directly by bank transfer."),
    ("de", "off-platform", "Zahlen Sie per Banküberweisung."),
    ("fr", "off-platform", "Payez par virement bancaire."),
    ("es", "off-platform", "Pague por transferencia bancaria."),
    ("it", "off-platform", "Paghi con bonifico bancario."),
    ("nl", "off-platform", "Betaal via bankoverschrijving."),
    ("pl", "off-platform", "Proszę o przelew bankowy na moje konto."),
    ("pt-BR", "off-platform", "Pague por transferência bancária."),
    ("ru", "off-platform", "Оплатите банковским переводом."),
    ("ja", "off-platform", "銀行振込でお願いします。"),
    ("ko", "off-platform", "계좌이체로 부탁드립니다."),
    ("ar", "off-platform", "ادفع عن طريق تحويل بنكي."),
]


@pytest.mark.parametrize(("language", "rule", "text"), ASKS, ids=[f"{lang}-{rule}" for lang, rule, _ in ASKS])
def test_a_phrase_rule_finds_its_phrase_in_every_language(language: str, rule: str, text: str) -> None:
    assert rule in set().union(*(rules_found(text, channel) for channel in CHANNELS))


INNOCENT = [
    # Ordinary replies that mention reviews, feedback, cases, refunds, coupons and calls.
    ("en", "Thanks for your review. We changed supplier, and eBay closed the case after the refund."),
    ("en", "The coupon you used at checkout was applied; the courier will call you before delivery."),
    ("de", "Vielen Dank für Ihre Bewertung. Ihr Fall wurde geschlossen und 24,99 € sind erstattet."),
    ("fr", "Merci pour votre avis. Votre litige a été clôturé et le remboursement effectué."),
    ("es", "Gracias por su reseña. La disputa se cerró automáticamente después del reembolso."),
    ("it", "Grazie per la sua recensione. Il corriere la chiamerà prima della consegna."),
    ("nl", "Bedankt voor je beoordeling; de bezorger belt even aan als hij er is."),
    ("pl", "Dziękujemy za opinię. Kurier zadzwoni przed doręczeniem."),
    ("pt-BR", "Obrigado pela sua avaliação; a transportadora vai ligar para você antes da entrega."),
    ("ru", "Спасибо за отзыв. Курьер позвонит вам перед доставкой."),
    ("ja", "レビューありがとうございます。配達前に配送業者からお電話がある場合がございます。"),
    ("ko", "리뷰 감사합니다. 배송 기사님이 도착 전에 전화 드릴 수 있습니다."),
    ("ar", "شكرًا على تقييمك. سيتصل بك مندوب التوصيل قبل التسليم."),
]


@pytest.mark.parametrize(("language", "text"), INNOCENT, ids=[f"{lang}-{i}" for i, (lang, _) in enumerate(INNOCENT)])
def test_an_ordinary_reply_in_any_language_gives_no_finding(language: str, text: str) -> None:
    assert all(rules_found(text, channel) - {"order-id"} == set() for channel in CHANNELS)
