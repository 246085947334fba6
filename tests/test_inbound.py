"""Reading buyers' emails: decoding, threading, own words, subjects, names, order ids, channels, language, hostile input."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import mailfixtures as fx
from replykit.config import parse_config
from replykit.errors import ConfigInvalid, MessageInvalid
from replykit.inbound.language import CONFIDENCE_FLOOR, identify
from replykit.inbound.message import BuyerMessage, buyer_name, read_message, reply_subject
from replykit.inbound.orders import FoundOrderId, channel_of, check_order_pattern, find_order_id
from replykit.output.addresses import Mailbox

LANGUAGES = list(fx.BUYER_TEXTS)

# fixture, sender (name, addr), subject, words the own words hold, html_only
DECODING = [
    (
        "plain-utf8",
        fx.plain,
        ("Anna Schmidt", "anna@example.com"),
        f"Order {fx.AMAZON_ORDER}",
        "blue mug is missing",
        False,
    ),
    (
        "iso-2022-jp",
        fx.iso_2022_jp,
        ("山田 花子", "hanako@example.jp"),
        "注文の商品が足りません",
        "青いマグカップ",
        False,
    ),
    ("windows-1251", fx.windows_1251, ("Иван Петров", "ivan@example.ru"), "Заказ не полный", "синей кружки", False),
    (
        "iso-8859-1-qp",
        fx.iso_8859_1,
        ("Hélène Dubois", "helene@example.fr"),
        "Commande incomplète",
        "arrivé aujourd'hui",
        False,
    ),
    ("gb18030-base64", fx.gb18030, ("Anna Schmidt", "anna@example.com"), "订单缺货", "蓝色的杯子不见了", False),
    (
        "quoted-printable",
        fx.quoted_printable,
        ("Anna Schmidt", "anna@example.com"),
        f"Order {fx.AMAZON_ORDER}",
        "Grüße aus Köln: die Tasse fehlt",
        False,
    ),
    (
        "base64",
        fx.base64_body,
        ("Anna Schmidt", "anna@example.com"),
        f"Order {fx.AMAZON_ORDER}",
        "Die Tasse fehlt.",
        False,
    ),
    (
        "html-only",
        fx.html_only,
        ("Anna Schmidt", "anna@example.com"),
        "Commande incomplète",
        "la tasse bleue manque dans mon colis",
        True,
    ),
    (
        "multipart-alternative",
        fx.alternative,
        ("Anna Schmidt", "anna@example.com"),
        f"Order {fx.AMAZON_ORDER}",
        "PLAIN: die Tasse fehlt. Grüße",
        False,
    ),
    (
        "attachment-and-forward",
        fx.with_attachment_and_forward,
        ("Anna Schmidt", "anna@example.com"),
        f"Order {fx.AMAZON_ORDER}",
        "OUTER: the photo",
        False,
    ),
    (
        "mbox-from-line",
        fx.mbox_from_line,
        ("Anna Schmidt", "anna@example.com"),
        f"Order {fx.AMAZON_ORDER}",
        "blue mug is missing",
        False,
    ),
    ("crlf", fx.crlf, ("Anna Schmidt", "anna@example.com"), f"Order {fx.AMAZON_ORDER}", "Line one.\nLine two.", False),
    (
        "unknown-charset",
        fx.unknown_charset,
        ("Anna Schmidt", "anna@example.com"),
        f"Order {fx.AMAZON_ORDER}",
        "Die Tasse fehlt, Grüße",
        False,
    ),
]


@pytest.mark.parametrize(
    ("make", "sender", "subject", "words", "html_only"), [c[1:] for c in DECODING], ids=[c[0] for c in DECODING]
)
def test_decoding(
    make: Callable[[], bytes], sender: tuple[str, str], subject: str, words: str, html_only: bool
) -> None:
    message = read_message(make())
    assert message.sender == Mailbox(*sender)
    assert message.subject == subject
    assert words in message.own_words
    assert message.html_only is html_only
    assert "\r" not in message.text


def test_alternative_prefers_plain_and_forward_is_left_out() -> None:
    assert "HTML:" not in read_message(fx.alternative()).text
    text = read_message(fx.with_attachment_and_forward()).text
    assert "FORWARDED" not in text and "jpeg" not in text


def test_html_text_keeps_the_quote_own_words_do_not() -> None:
    message = read_message(fx.html_only())
    assert fx.AMAZON_ORDER in message.text and "a écrit" in message.text
    assert fx.AMAZON_ORDER not in message.own_words and "color" not in message.text
    outlook = read_message(fx.outlook_html())
    assert outlook.own_words == "Die Lampe kam kaputt an. Ich möchte mein Geld zurück."


def test_unknown_charset_is_read_as_utf8_with_a_note() -> None:
    assert read_message(fx.unknown_charset()).notes == (
        "the text part declares charset 'x-made-up-9', which replykit does not know; read as UTF-8",
    )


def test_headers_and_threading() -> None:
    message = read_message(fx.threaded())
    assert message.message_id == "<buyer-1@mail.example.com>"
    assert message.in_reply_to == ("<shop-2@example.com>",)
    assert message.references == ("<buyer-0@mail.example.com>", "<shop-2@example.com>")
    assert message.thread_references == (
        "<buyer-0@mail.example.com>",
        "<shop-2@example.com>",
        "<buyer-1@mail.example.com>",
    )
    assert message.date is not None and message.date.isoformat() == "2024-03-04T10:15:00+01:00"
    assert message.recipients == (Mailbox("Anna Schmidt", "anna@example.com"),)


def test_no_message_id_is_not_an_error() -> None:
    message = read_message(fx.no_message_id())
    assert message.message_id is None
    assert message.thread_references == ()


def test_in_reply_to_alone_starts_the_references() -> None:
    message = read_message(fx.plain(extra=(("In-Reply-To", "<shop-2@example.com>"),)))
    assert message.thread_references == ("<shop-2@example.com>", "<buyer-1@mail.example.com>")


def test_reply_to_wins_over_from_and_stands_in_for_it() -> None:
    both = read_message(fx.plain(extra=(("Reply-To", "Anna <anna.private@example.org>"),)))
    assert both.recipients == (Mailbox("Anna", "anna.private@example.org"),)
    only = read_message(fx.reply_to_only())
    assert only.sender is None and only.recipients == (Mailbox("Anna", "anna@example.com"),)


def test_date_without_zone_is_utc_and_a_bad_one_is_none() -> None:
    assert str(read_message(fx.plain(extra=(("X", "y"),))).date) == "2024-03-04 10:15:00+01:00"
    raw = fx.plain().replace(fx.DATE.encode(), b"Mon, 04 Mar 2024 10:15:00 -0000")
    assert str(read_message(raw).date) == "2024-03-04 10:15:00+00:00"
    broken = read_message(fx.plain().replace(fx.DATE.encode(), b"yesterday at noon"))
    assert broken.date is None and "the Date header 'yesterday at noon' is not a date; ignored" in broken.notes


@pytest.mark.parametrize("lang", LANGUAGES)
def test_quoted_reply_is_cut_in_every_language(lang: str) -> None:
    assert read_message(fx.quoted_reply(lang)).own_words == fx.BUYER_TEXTS[lang][0]


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es", "ru", "ja"])
def test_outlook_header_block_is_cut(lang: str) -> None:
    assert read_message(fx.outlook_reply(lang)).own_words == fx.BUYER_TEXTS[lang][1]


@pytest.mark.parametrize(
    "sign_off",
    [
        "Sent from my iPhone",
        "-- ",
        "Von meinem iPhone gesendet",
        "Envoyé de mon iPad",
        "iPhoneから送信",
        "Get Outlook for Android",
    ],
)
def test_signature_is_cut(sign_off: str) -> None:
    assert read_message(fx.signed(sign_off)).own_words == fx.BUYER_TEXTS["en"][1]


OWN_WORDS = [
    (
        "interleaved",
        "You wrote:\n> it shipped on Monday\nIt did not arrive.\n> tracking 123\nNo tracking either.",
        "You wrote:\nIt did not arrive.\nNo tracking either.",
    ),
    (
        "wrapped-attribution",
        "Mug missing.\n\nOn Mon, 4 Mar 2024 at 10:15, Harbour Shop <\nshop@example.com> wrote:\n\n> shipped",
        "Mug missing.",
    ),
    ("thunderbird-ru", "Кружки нет.\n\n04.03.2024 10:15, Harbour Shop пишет:\nВаш заказ отправлен.", "Кружки нет."),
    ("original-message-de", "Tasse fehlt.\n\n-----Ursprüngliche Nachricht-----\nVon: Shop", "Tasse fehlt."),
    (
        "outlook-underscores",
        "Mug missing.\n\n________________________________\nFrom: Shop\nSent: Monday",
        "Mug missing.",
    ),
    ("gmail-forward", "See below.\n\n---------- Forwarded message ---------\nFrom: Carrier", "See below."),
    (
        "list-kept",
        "Two items are missing:\n- the blue mug\n- the red plate\nThanks,\nAnna",
        "Two items are missing:\n- the blue mug\n- the red plate\nThanks,\nAnna",
    ),
    ("colon-line-kept", "Missing items:\nthe blue mug\nthe red plate", "Missing items:\nthe blue mug\nthe red plate"),
    ("only-quote", "> Your order has shipped.\n> Sam", ""),
]


@pytest.mark.parametrize(("body", "own"), [c[1:] for c in OWN_WORDS], ids=[c[0] for c in OWN_WORDS])
def test_own_words(body: str, own: str) -> None:
    assert read_message(fx.plain(body)).own_words == own


REPLY_SUBJECTS = [
    ("plain", "Bestellung 123", "Re: Bestellung 123"),
    ("stacked-aw-re", "AW: Re: Bestellung", "Re: Bestellung"),
    ("upper-twice", "RE: RE: x", "Re: x"),
    ("french-ref", "Réf. : x", "Re: x"),
    ("chinese-full-width", "回复：x", "Re: x"),
    ("chinese-answer", "答复: x", "Re: x"),
    ("counted", "Re[2]: x", "Re: x"),
    ("counted-paren", "Re(3): x", "Re: x"),
    ("swedish", "SV: Sv: x", "Re: x"),
    ("dutch-polish-italian", "Antw: Odp: R: x", "Re: x"),
    ("forward-kept", "AW: WG: Rechnung", "Re: WG: Rechnung"),
    ("word-not-prefix", "Return label needed", "Re: Return label needed"),
    ("re-alone", "Re: ", ""),
    ("empty", "", ""),
    ("whitespace", "  Re:   spaced   out  ", "Re: spaced out"),
]


@pytest.mark.parametrize(("subject", "expected"), [c[1:] for c in REPLY_SUBJECTS], ids=[c[0] for c in REPLY_SUBJECTS])
def test_reply_subject(subject: str, expected: str) -> None:
    assert reply_subject(subject) == expected


def test_stacked_subject_message() -> None:
    assert reply_subject(read_message(fx.stacked_subject()).subject) == f"Re: Bestellung {fx.AMAZON_ORDER}"


def _from(name: str, addr: str = "x@example.com") -> BuyerMessage:
    return BuyerMessage(Mailbox(name, addr), (), "", None, (), (), None, "", "", False)


BUYER_NAMES = [
    ("plain", "Anna Schmidt", "Anna Schmidt"),
    ("amazon-suffix", "Anna Schmidt - Amazon Marketplace", "Anna Schmidt"),
    ("amazon-de-suffix", "Anna Schmidt - Amazon.de Marketplace", "Anna Schmidt"),
    ("via-ebay", "anna_s1987 via eBay", "anna_s1987"),
    ("via-etsy-paren", "Anna (via Etsy)", "Anna"),
    ("only-ebay", "eBay", None),
    ("only-amazon", "Amazon", None),
    ("marketplace-messages", "Marketplace Messages", None),
    ("amazon-marketplace", "Amazon Marketplace", None),
    ("an-address", "anna@example.com", None),
    ("empty", "", None),
]


@pytest.mark.parametrize(("display", "expected"), [c[1:] for c in BUYER_NAMES], ids=[c[0] for c in BUYER_NAMES])
def test_buyer_name(display: str, expected: str | None) -> None:
    assert buyer_name(_from(display)) == expected


def test_buyer_name_from_marketplace_messages() -> None:
    assert buyer_name(read_message(fx.amazon_buyer())) == "Anna Schmidt"
    assert buyer_name(read_message(fx.ebay_buyer())) == "anna_s1987"


ORDER_IDS = [
    ("amazon-subject", f"Bestellung {fx.AMAZON_ORDER}", "", None, FoundOrderId(fx.AMAZON_ORDER, "amazon", "subject")),
    (
        "amazon-letter-form",
        "",
        "Order D01-1234567-1234567 for an e-book",
        None,
        FoundOrderId("D01-1234567-1234567", "amazon", "body"),
    ),
    (
        "subject-before-body",
        "Order 111-1111111-1111111",
        "order 222-2222222-2222222",
        None,
        FoundOrderId("111-1111111-1111111", "amazon", "subject"),
    ),
    (
        "ebay-body",
        "Question",
        f"Hello, order {fx.EBAY_ORDER} is late",
        None,
        FoundOrderId(fx.EBAY_ORDER, "ebay", "body"),
    ),
    ("aliexpress", "", "订单 3031265788145237 还没到", None, FoundOrderId("3031265788145237", "aliexpress", "body")),
    ("etsy-after-word", "", "Receipt 1234567890: the mug is missing", None, FoundOrderId("1234567890", "etsy", "body")),
    ("etsy-bare-is-a-phone", "", "Call me on 0301234567 please", None, None),
    ("shopify-after-word", "", "Meine Bestellung #1001 fehlt", None, FoundOrderId("#1001", "shopify", "body")),
    (
        "shopify-commande-no",
        "",
        "ma commande n° #10234 est incomplète",
        None,
        FoundOrderId("#10234", "shopify", "body"),
    ),
    ("shopify-bare-hash", "", "I bought item #1001 in a store", None, None),
    ("amazon-inside-longer-run", "", "tracking 1302-1234567-7654321 and 302-1234567-76543219", None, None),
    ("amazon-in-phone", "", "ring +49 302-1234567-7654321-5", None, None),
    (
        "shop-pattern-first",
        "",
        f"HB-123456 and {fx.AMAZON_ORDER}",
        r"HB-\d{6}",
        FoundOrderId("HB-123456", "shop", "body"),
    ),
    (
        "shop-pattern-group",
        "",
        "Ref: order-no 77-ABC.",
        r"order-no (?P<id>\d+-[A-Z]+)",
        FoundOrderId("77-ABC", "shop", "body"),
    ),
    ("nothing", "Hello", "The mug is missing.", None, None),
]


@pytest.mark.parametrize(
    ("subject", "text", "shop", "expected"), [c[1:] for c in ORDER_IDS], ids=[c[0] for c in ORDER_IDS]
)
def test_find_order_id(subject: str, text: str, shop: str | None, expected: FoundOrderId | None) -> None:
    assert find_order_id(subject, text, shop_pattern=shop) == expected


CHANNELS = [
    ("amazon-de", "x@marketplace.amazon.de", "amazon"),
    ("amazon-co-uk", "x@marketplace.amazon.co.uk", "amazon"),
    ("amazon-co-jp-upper", "x@Marketplace.Amazon.CO.JP", "amazon"),
    ("amazon-lookalike", "x@marketplace.amazon.evil.example", None),
    ("amazon-not-alias", "x@amazon.de", None),
    ("ebay-com", "x@members.ebay.com", "ebay"),
    ("ebay-de", "x@members.ebay.de", "ebay"),
    ("ebay-lookalike", "x@members.ebay.com.evil.example", None),
    ("own-shop", "anna@example.com", None),
]


@pytest.mark.parametrize(("addr", "expected"), [c[1:] for c in CHANNELS], ids=[c[0] for c in CHANNELS])
def test_channel_of(addr: str, expected: str | None) -> None:
    assert channel_of(Mailbox("", addr)) == expected


def test_channel_of_fixtures_and_nobody() -> None:
    assert channel_of(read_message(fx.amazon_buyer()).sender) == "amazon"
    assert channel_of(read_message(fx.ebay_buyer()).sender) == "ebay"
    assert channel_of(None) is None


BAD_PATTERNS = [
    ("does-not-compile", "HB-(\\d{6}", "not a regular expression"),
    ("too-long", "x" * 201, "201 characters long"),
    ("matches-empty", "\\d*", "matches empty text"),
    ("nested-repeat", "(\\d+)+-X", "repeats a group that holds a repeat"),
]


@pytest.mark.parametrize(("pattern", "problem"), [c[1:] for c in BAD_PATTERNS], ids=[c[0] for c in BAD_PATTERNS])
def test_order_pattern_refused_in_config_with_file_and_line(tmp_path: Path, pattern: str, problem: str) -> None:
    path = tmp_path / "config.yaml"
    text = f"profiles:\n  main:\n    seller_name: Sam\n    order_pattern: '{pattern}'\n"
    with pytest.raises(ConfigInvalid) as caught:
        parse_config(text, path)
    assert str(caught.value).startswith(f"{path}:4: 'order_pattern' in profile 'main': ")
    assert problem in str(caught.value)


def test_order_pattern_accepted_and_not_a_field(tmp_path: Path) -> None:
    config = parse_config("profiles:\n  main:\n    order_pattern: 'HB-(?P<id>\\d{6})'\n", tmp_path / "c.yaml")
    profile = config.profile("main")
    assert profile.order_pattern == "HB-(?P<id>\\d{6})"
    assert "order_pattern" not in profile.field_values
    assert check_order_pattern(r"#\d{4,}") == r"#\d{4,}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("index", range(5))
def test_language_of_each_buyer_message(lang: str, index: int) -> None:
    message = read_message(fx.in_language(lang, index))
    found = identify(message.own_words, among=LANGUAGES)
    assert found.language == lang, found.reason
    assert found.confidence >= CONFIDENCE_FLOOR


def test_language_reasons() -> None:
    german = identify(fx.BUYER_TEXTS["de"][0], among=["en", "de"])
    assert german.language == "de" and re.fullmatch(r"identified as German \(confidence [01]\.\d\d\)", german.reason)
    assert identify("ok Anna", among=LANGUAGES) == identify("ok Anna", among=["en"])
    assert identify("ok Anna", among=LANGUAGES).reason == "too few words (2) to identify"
    assert identify("", among=LANGUAGES).language is None
    unsure = identify("lol ok ok", among=LANGUAGES)
    assert unsure.language is None and "below 0.70" in unsure.reason
    only = identify(fx.BUYER_TEXTS["fr"][0], among=["de"])
    assert (only.language, only.reason) == ("de", "German, the only language to choose from")
    assert identify(fx.BUYER_TEXTS["pt-BR"][2], among=["es", "pt-BR"]).language == "pt-BR"
    assert identify("some words to read here", among=["tlh", "xx"]).reason == "none of tlh, xx can be identified"


def _deep_multipart(depth: int) -> bytes:
    parts = b"".join(b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (i, i + 1) for i in range(depth))
    return b"From: a@example.com\nContent-Type: multipart/mixed; boundary=b0\n\n" + parts + b"hello\n"


HOSTILE: list[tuple[str, bytes, str | None]] = [
    ("empty", b"", "empty input: no message to read"),
    ("blank-lines", b"\n\r\n  \n", "empty input"),
    ("binary-garbage", bytes(range(256)) * 100, "not an email: it starts with"),
    ("plain-text", b"Hello, where is my parcel?\n", "not an email: it starts with 'Hello, where is my parcel?'"),
    (
        "mbox-line-only",
        b"From anna@example.com Mon Mar  4 10:15:00 2024\n",
        "empty input: an mbox 'From ' line and no message",
    ),
    (
        "10-mib-of-newlines",
        b"From: a@example.com\n\n" + b"\n" * ((10 << 20) - 100),
        "the message has 10,485,662 lines; replykit reads up to 150,000",
    ),
    (
        "30000-headers",
        b"From: a@example.com\n" + b"X-H: v\n" * 30_000 + b"\nhi\n",
        "the message has 30,000 header lines; replykit reads up to 20,000",
    ),
    ("header-only", b"From: a@example.com\nSubject: hi", None),
    (
        "20-mb",
        b"From: a@example.com\n\n" + b"x" * (20 << 20),
        "the message is 20,971,541 bytes; replykit reads messages up to 10 MiB",
    ),
    (
        "1-mb-subject",
        b"From: a@example.com\nSubject: " + b"ab " * 350_000 + b"\n\nhi\n",
        "the Subject header is 1,050,000 characters long",
    ),
    (
        "1-mb-from",
        b"From: " + b"a@example.com, " * 70_000 + b"\n\nhi\n",
        "the From header is 1,050,000 characters long",
    ),
    ("1-mb-other-header", b"From: a@example.com\nX-Junk: " + b"y" * 1_000_000 + b"\n\nhi\n", None),
    ("1-mb-references", b"From: a@example.com\nReferences: " + b"<a@b> " * 170_000 + b"\n\nhi\n", None),
    (
        "1-mb-content-type",
        b"From: a@example.com\nContent-Type: text/plain; " + b"a=b; " * 200_000 + b"\n\nhi\n",
        "a Content-Type header is 1,000,026 characters long",
    ),
    ("10000-headers", b"From: a@example.com\n" + b"X-H: v\n" * 10_000 + b"\nhi\n", None),
    ("no-from", b"Subject: hi\n\nhello\n", "no From header and no Reply-To: nobody to answer"),
    (
        "malformed-from",
        b'From: <<<@@@>>> "unterminated\n\nhi\n',
        "the From header holds no address and no Reply-To: nobody to answer",
    ),
    ("malformed-from-good-reply-to", b"From: anna@\nReply-To: anna@example.com\n\nhi\n", None),
    (
        "bad-charset-words",
        b"From: =?x-nope?q?Anna?= <a@example.com>\nSubject: =?utf-8?b?////?= =?utf-8*en?q?x?=\n\nhi\n",
        None,
    ),
    (
        "nested-1000",
        _deep_multipart(1000),
        "the message has 1,001 multipart or attached-message parts; replykit reads up to 100",
    ),
    (
        "nested-rfc822-1000",
        b"From: a@example.com\n" + b"Content-Type: message/rfc822\n\n" * 1000 + b"hi\n",
        "1,000 multipart or attached-message parts",
    ),
    ("nested-100", _deep_multipart(99), None),
    (
        "undecodable-utf8",
        b"From: a@example.com\nContent-Type: text/plain; charset=utf-8\n\n\xff\xfe\x80 caf\xe9\n",
        None,
    ),
    (
        "broken-iso-2022-jp",
        b"From: a@example.com\nContent-Type: text/plain; charset=iso-2022-jp\n\n\x1b$B\xff\xff\x1b(B\n",
        None,
    ),
    ("broken-base64", b"From: a@example.com\nContent-Transfer-Encoding: base64\n\n!!!not base64===\n", None),
    ("nul-bytes", b"From: a@example.com\nSubject: a\x00b\n\nx\x00y\n", None),
    ("html-deep", b"From: a@example.com\nContent-Type: text/html\n\n" + b"<div>" * 100_000 + b"x", None),
    ("150000-quoted-lines", b"From: a@example.com\n\n" + b"> quoted line\n" * 149_000, None),
    (
        "10-mib-base64-photo",
        b"From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nhi\n--b\nContent-Type: image/jpeg\nContent-Transfer-Encoding: base64\n\n"
        + b"QUJD" * 19
        + b"\n" * 0
        + (b"QUJD" * 19 + b"\n") * 130_000
        + b"--b--\n",
        None,
    ),
    ("html-10-mib", b"From: a@example.com\nContent-Type: text/html\n\n" + b"<p>word</p>" * 900_000, None),
]


@pytest.mark.parametrize(("raw", "problem"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_hostile_input(raw: bytes, problem: str | None) -> None:
    start = time.process_time()
    try:
        message = read_message(raw, source="buyer.eml")
    except MessageInvalid as exc:
        elapsed = time.process_time() - start
        assert problem is not None, f"refused: {exc}"
        assert str(exc).startswith("buyer.eml: ") and problem in str(exc)
        assert exc.exit_code == 14 and exc.hint
    else:
        elapsed = time.process_time() - start
        assert problem is None, f"read, expected {problem!r}"
        assert message.recipients
        assert "\n" not in message.subject and "\x00" not in message.subject
    assert elapsed < 2.0  # CPU seconds of this process: what a hostile message may cost, whatever else the machine runs


def test_hostile_results_are_sane() -> None:
    words = read_message(b"From: =?x-nope?q?Anna?= <a@example.com>\nSubject: =?x-nope?q?Hallo?=\n\nhi\n")
    assert words.sender == Mailbox("Anna", "a@example.com") and words.subject == "Hallo"
    assert "the Subject declares charset 'x-nope', which replykit does not know; read as UTF-8" in words.notes
    skipped = read_message(b"From: anna@\nReply-To: anna@example.com\n\nhi\n")
    assert skipped.recipients == (Mailbox("", "anna@example.com"),)
    assert "the From header 'anna@' holds no address replykit can answer; ignored" in skipped.notes
    latin = read_message(b"From: a@example.com\nContent-Type: text/plain; charset=utf-8\n\ncaf\xe9\n")
    assert latin.text == "café\n" and latin.notes == ("the text part is not valid UTF-8; read as Windows-1252",)
    refs = read_message(
        b"From: a@example.com\nReferences: " + b" ".join(b"<%d@x>" % i for i in range(500)) + b"\n\nhi\n"
    )
    assert len(refs.references) == 100 and refs.references[:2] == ("<0@x>", "<401@x>")
    eight_bit = read_message("From: Zoë <z@example.com>\nSubject: Größe 日本\n\nhi\n".encode())
    assert (eight_bit.sender, eight_bit.subject) == (Mailbox("Zoë", "z@example.com"), "Größe 日本")
    base = read_message(
        b"From: a@example.com\nContent-Transfer-Encoding: base64\n\n" + base64.encodebytes("Grüße".encode())
    )
    assert base.text == "Grüße"


def test_encoded_line_break_in_a_name_stays_on_one_line() -> None:
    message = read_message(
        b"From: =?utf-8?q?Anna=0D=0ABcc=3A_x=40evil.example?= <a@example.com>\nSubject: =?utf-8?q?a=0Ab?=\n\nhi\n"
    )
    assert message.sender == Mailbox("Anna Bcc: x@evil.example", "a@example.com")
    assert message.subject == "a b"
