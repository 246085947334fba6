"""Output routes without the CLI: formats, header checks, addresses, the .eml draft, mailto:, atomic writes."""

from __future__ import annotations

import json
import os
import pty
import stat
from datetime import date, datetime, timezone
from decimal import Decimal
from email.utils import getaddresses
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from conftest import parse_email as parse
from replykit import errors
from replykit.errors import ClipboardUnavailable, InvalidAddress, OutputExists, UnsafeHeader, UsageError
from replykit.output import clipboard, delivery
from replykit.output import eml as mail
from replykit.rendering.templates import Reply

INTL = "Crème brûlée, 注文 4521, مرحبا بك, 📦🙂"


def reply(subject: str = "Your order 4521", body: str = "Dear Alice,\n\nThank you.\n\nBest wishes,\nSam\n",
          **values: object) -> Reply:  # fmt: skip
    return Reply(scenario="missing-items", language="en", subject=subject, body=body, values=dict(values))


# --- header values -------------------------------------------------------------------------------

UNSAFE = [
    ("a\r\nBcc: evil@example.com", "carriage return"),
    ("a\nBcc: evil@example.com", "line feed"),
    ("a\rb", "carriage return"),
    ("a\x00b", "NUL"),
    ("a\tb", "tab"),
    ("a\x1b[31mb", "escape"),
    ("a\x7fb", "delete"),
    ("a\x0bb", "line tabulation"),
    ("a\x0cb", "form feed"),
    ("a\x85b", "next line"),
    ("a\u2028Bcc: evil@example.com", "line separator"),
    ("a\u2029b", "paragraph separator"),
    ("=?utf-8?q?a=0Abcc:evil@x?=", "encoded word"),
    ("Order =?UTF-8?B?YQpCY2M6IGV2aWxAeA==?= now", "encoded word"),
]


@pytest.mark.parametrize(("value", "named"), UNSAFE, ids=[n.replace(" ", "-") + f"-{i}" for i, (_, n) in
                                                          enumerate(UNSAFE)])  # fmt: skip
def test_header_values_with_line_breaks_controls_or_encoded_words_are_refused(value: str, named: str) -> None:
    with pytest.raises(UnsafeHeader) as caught:
        mail.check_header_text("subject", value)
    assert caught.value.exit_code == errors.UNSAFE_HEADER == 10
    assert caught.value.message.startswith("subject: ")
    assert named.lower() in caught.value.message.lower()


@pytest.mark.parametrize(
    "value",
    ["Your order 4521", INTL, "Doe, John", "50% off = 2 × 25 € ?", "Re: [#4521] <urgent>", "a=?b", ""],
    ids=["ascii", "intl", "comma", "symbols", "brackets", "lone-marker", "empty"],
)
def test_ordinary_header_text_passes_unchanged(value: str) -> None:
    assert mail.check_header_text("subject", value) == value


# --- addresses -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "name", "addr"),
    [
        ("buyer@example.com", "", "buyer@example.com"),
        ("  buyer@example.com ", "", "buyer@example.com"),
        ("<buyer@example.com>", "", "buyer@example.com"),
        ("Alice Smith <alice@example.com>", "Alice Smith", "alice@example.com"),
        ('"Doe, John" <john@example.com>', "Doe, John", "john@example.com"),
        ("Doe, John <john@example.com>", "Doe, John", "john@example.com"),
        ('"Shop <EU>" <shop@example.com>', "Shop <EU>", "shop@example.com"),
        ('"Jo \\"JJ\\" Doe" <jo@example.com>', 'Jo "JJ" Doe', "jo@example.com"),
        ("José Müller 李 <jm@example.com>", "José Müller 李", "jm@example.com"),
        ("o'brien+tag@mail.example.co.uk", "", "o'brien+tag@mail.example.co.uk"),
        ("root@localhost", "", "root@localhost"),
    ],
    ids=[
        "bare",
        "spaces",
        "brackets",
        "name",
        "quoted-comma",
        "unquoted-comma",
        "quoted-angles",
        "escaped-quotes",
        "intl-name",
        "atext",
        "single-label",
    ],  # fmt: skip
)
def test_mailboxes_are_read_as_one_recipient(value: str, name: str, addr: str) -> None:
    assert mail.parse_mailbox("--to", value) == mail.Mailbox(name=name, addr=addr)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("alice", "exactly one '@'"),
        ("alice@", "expected an address"),
        ("@example.com", "expected an address"),
        ("a@b@example.com", "exactly one '@'"),
        ("a b@example.com", "expected an address"),
        ("a@example..com", "expected an address"),
        ("a@-example.com", "expected an address"),
        ("a@example.com, b@example.com", "repeat the option"),
        ("josé@example.com", "ASCII"),
        ("Name <a@example.com", "unbalanced"),
        ("<>", "it is empty"),
        ("", "it is empty"),
        ("x" * 65 + "@example.com", "longer"),
    ],
    ids=[
        "no-at",
        "no-domain",
        "no-local",
        "two-ats",
        "space",
        "empty-label",
        "hyphen-label",
        "list",
        "non-ascii",
        "unbalanced",
        "empty-brackets",
        "empty",
        "too-long",
    ],  # fmt: skip
)
def test_garbage_addresses_are_refused_with_the_reason(value: str, problem: str) -> None:
    with pytest.raises(InvalidAddress) as caught:
        mail.parse_mailbox("--to", value)
    assert caught.value.exit_code == errors.INVALID_VALUE
    assert caught.value.message.startswith("--to: ") and problem in caught.value.message


def test_an_address_with_a_line_break_is_unsafe_not_just_invalid() -> None:
    with pytest.raises(UnsafeHeader):
        mail.parse_mailbox("--cc", "a@example.com\nBcc: evil@example.com")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("<abc.123@mail.example.com>", "<abc.123@mail.example.com>"), ("abc@x", "<abc@x>"), (" <a@b> ", "<a@b>")],
    ids=["bracketed", "bare", "spaces"],
)
def test_message_ids_get_their_brackets(value: str, expected: str) -> None:
    assert mail.parse_message_id("--in-reply-to", value) == expected


@pytest.mark.parametrize("value", ["no-at-sign", "<a@b> <c@d>", "a b@c", "<a@b"], ids=["no-at", "two", "space", "open"])
def test_malformed_message_ids_are_refused(value: str) -> None:
    with pytest.raises((InvalidAddress, UnsafeHeader)):
        mail.parse_message_id("--in-reply-to", value)


# --- the .eml draft ------------------------------------------------------------------------------

WHEN = datetime(2026, 3, 14, 9, 26, 53, tzinfo=timezone.utc)


def produce(r: Reply, *, fmt: str, **options: Any) -> str:
    """The reply in one format, through the delivery plan as render makes it."""
    return delivery.produce(r, delivery.plan_delivery(fmt, **options)).decode("utf-8")


def draft(r: Reply | None = None, **kwargs: object) -> bytes:
    options: dict[str, object] = {"sender": "Harbour Shop <shop@example.com>", "to": ["buyer@example.com"]}
    options.update(kwargs)
    return mail.build_eml(r or reply(), date=WHEN, **options)  # type: ignore[arg-type]


def test_eml_is_a_complete_message_with_exactly_the_intended_headers() -> None:
    raw = draft(
        cc=["boss@example.com"],
        reply_to="support@example.com",
        in_reply_to="<CAF123@mail.example.com>",
        message_id="<fixed@example.com>",
        unsent=True,
    )
    message = parse(raw)
    assert [k.lower() for k in message.keys()] == [
        "from", "to", "cc", "reply-to", "subject", "date", "message-id", "in-reply-to", "references", "x-unsent",
        "content-type", "content-transfer-encoding", "mime-version", "content-language",
    ]  # fmt: skip
    assert str(message["Content-Language"]) == "en"
    assert str(message["Subject"]) == "Your order 4521"
    assert str(message["Date"]) == "Sat, 14 Mar 2026 09:26:53 +0000"
    assert str(message["Message-ID"]) == "<fixed@example.com>"
    assert str(message["In-Reply-To"]) == str(message["References"]) == "<CAF123@mail.example.com>"
    assert str(message["X-Unsent"]) == "1"
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    assert message.get_content() == reply().body
    assert raw.endswith(b"\n\nDear Alice,\n\nThank you.\n\nBest wishes,\nSam\n")


def test_eml_gets_a_date_and_a_message_id_from_the_sender_domain() -> None:
    message = parse(mail.build_eml(reply(), sender="shop@example.com", to=["b@example.com"]))
    assert str(message["Message-ID"]).endswith("@example.com>")
    assert message["Date"].datetime.tzinfo is not None


def test_non_ascii_names_subject_and_body_are_encoded_and_round_trip() -> None:
    r = reply(subject=f"Réf {INTL}", body=f"Dear Zoë,\n\n{INTL}\n")
    raw = draft(r, sender="Boutique Hélène 😀 <shop@example.com>", to=["李小龍 <li@example.com>"])
    head = raw.split(b"\n\n", 1)[0]
    assert head.isascii()
    message = parse(raw)
    assert str(message["Subject"]) == f"Réf {INTL}"
    assert getaddresses([str(message["From"])]) == [("Boutique Hélène 😀", "shop@example.com")]
    assert getaddresses([str(message["To"])]) == [("李小龍", "li@example.com")]
    assert message.get_content() == f"Dear Zoë,\n\n{INTL}\n"
    assert message["Content-Transfer-Encoding"] == "8bit"


def test_a_body_line_over_998_bytes_is_sent_quoted_printable() -> None:
    body = "注文" * 400 + "\n"
    raw = draft(reply(body=body))
    message = parse(raw)
    assert message["Content-Transfer-Encoding"] == "quoted-printable"
    assert max(len(line) for line in raw.split(b"\n")) <= 78
    assert message.get_content() == body


@pytest.mark.parametrize(
    "name",
    ["Doe, John", "Shop <EU>", 'Jo "JJ" Doe', "a@b.c, evil@example.com", "Doe; John (ops)", "Zoë, Müller <x>"],
    ids=["comma", "angles", "quotes", "address-like", "specials", "intl-comma-angles"],
)
def test_display_names_with_specials_stay_one_recipient(name: str) -> None:
    raw = draft(
        to=[mail.Mailbox(name=name, addr="john@example.com")], cc=[mail.Mailbox(name=name, addr="c@example.com")]
    )
    message = parse(raw)
    assert getaddresses([str(message["To"])]) == [(name, "john@example.com")]
    assert getaddresses([str(message["Cc"])]) == [(name, "c@example.com")]
    assert [a.addr_spec for a in message["To"].addresses] == ["john@example.com"]


@pytest.mark.parametrize(
    "option",
    [
        {"to": ["=?utf-8?q?a=0Abcc:evil@x?= <john@example.com>"]},
        {"sender": "=?utf-8?q?a=0Abcc:evil@x?= <shop@example.com>"},
        {"cc": [mail.Mailbox(name="=?utf-8?q?a=0Abcc:evil@x?=", addr="c@example.com")]},
        {"reply_to": "r@example.com\r\nBcc: evil@example.com"},
        {"in_reply_to": "<a@b>\nBcc: evil@example.com"},
        {"to": [mail.Mailbox(name="Eve\u2028Bcc: evil@example.com", addr="e@example.com")]},
    ],
    ids=[
        "encoded-word-name",
        "encoded-word-sender",
        "encoded-word-mailbox",
        "crlf-reply-to",
        "lf-in-reply-to",
        "line-separator-name",
    ],  # fmt: skip
)
def test_header_injection_through_options_is_refused(option: dict[str, object]) -> None:
    with pytest.raises(UnsafeHeader):
        draft(**option)


@pytest.mark.parametrize(
    "subject",
    ["=?utf-8?q?a=0Abcc:evil@x?=", "Order\rBcc: evil@example.com", "Order\x00", "Order\u2028Bcc: evil@example.com"],
    ids=["encoded-word", "cr", "nul", "line-separator"],
)
def test_header_injection_through_the_rendered_subject_is_refused(subject: str) -> None:
    with pytest.raises(UnsafeHeader):
        draft(reply(subject=subject))


def test_a_control_character_in_the_body_is_refused() -> None:
    with pytest.raises(UnsafeHeader, match="U\\+0000"):
        draft(reply(body="Dear \x00Alice\n"))


def test_parse_back_catches_a_smuggled_header() -> None:
    # What Python's email package itself writes, before the CVE-2024-6923 fix, for an encoded-word subject.
    raw = (
        b"From: shop@example.com\nTo: buyer@example.com\nSubject: a\nbcc:evil@x\nDate: Sat, 14 Mar 2026 09:26:53 +0000\n"
        b'Message-ID: <m@example.com>\nX-Unsent: 1\nContent-Type: text/plain; charset="utf-8"\n'
        b"Content-Transfer-Encoding: 7bit\nMIME-Version: 1.0\n\nhi\n"
    )
    with pytest.raises(UnsafeHeader, match="bcc"):
        mail.verify_eml(raw, sender=mail.Mailbox("", "shop@example.com"), to=[mail.Mailbox("", "buyer@example.com")],
                        subject="a\nbcc:evil@x", body="hi\n")  # fmt: skip


def test_parse_back_catches_a_split_recipient() -> None:
    raw = draft(to=["john@example.com"]).replace(b"To: john@example.com", b"To: Doe, John <john@example.com>")
    with pytest.raises(UnsafeHeader, match="To parses back"):
        mail.verify_eml(raw, sender=mail.Mailbox("Harbour Shop", "shop@example.com"),
                        to=[mail.Mailbox("Doe, John", "john@example.com")], subject="Your order 4521",
                        body=reply().body)  # fmt: skip


# --- address headers: several recipients, long names, folding ------------------------------------

M = mail.Mailbox
ANNA, BOB, ZOE = M("Anna Schmidt", "anna@example.com"), M("Bob Jones", "bob@example.com"), M("Zoë", "zoe@example.org")
NAMES_IN_SCRIPTS = {
    "ja": "山田花子と鈴木一郎と佐藤三郎のお店のカスタマーサービス担当者さま",
    "ru": "Александра Владимировна Старостина-Богословская",
    "ar": "عبد الرحمن بن محمد بن عبد الله الأحمدي من متجر الأمل",
    "el": "Αικατερίνη Παπαδοπούλου-Χατζηγεωργίου",
    "hi": "राजेश कुमार श्रीवास्तव",
    "emoji": "📦 Paket-Service 👍🏽 Zoë Ünal-Müller de la Fontaine",
    "ko": "김민준 고객센터 담당자 이서연",
}
LONG_ADDRESS = M("", "x" * 64 + "@" + "d" * 63 + ".example.com")
RECIPIENT_SETS = {
    "one": [ANNA],
    "issue-three": [ANNA, BOB, ZOE],
    # Python 3.11.7's own folder encodes the comma after Bob's address: the line is full just before it.
    "comma-at-the-fold": [M("Anna Schmidt", "anna.schmidt.meyer@example.com"), BOB, ZOE],
    "twenty": [M(f"Käufer {i}" if i % 2 else f"Buyer {i}", f"b{i}@example.com") for i in range(20)],
    "long-names-in-scripts": [M(name, f"{tag}@example.com") for tag, name in NAMES_IN_SCRIPTS.items()],
    "commas-and-quotes": [M("Doe, John", "john@example.com"), M('Jo "JJ" Doe', "jo@example.com"),
                          M("Ünal, Zoë", "zoe@example.com"), M('back\\slash, "q"', "q@example.com"),
                          M("a@b.c, evil@example.com", "a@example.com"), M("J. R. R. Tolkien", "jrr@example.com")],
    "bare-addresses": [M("", "a@example.com"), M("", "b@example.com")],
    "long-ascii-word": [M("x" * 100, "y@example.com"), ANNA],
    "long-address": [LONG_ADDRESS, ZOE],
}  # fmt: skip
# A name that must be encoded right where the line is full: the padding walks it across the fold.
for pad in range(0, 48, 3):
    RECIPIENT_SETS[f"encoded-at-column-{pad}"] = [M("Anna " + "x" * pad, "anna@example.com"), ZOE,
                                                  M("李小龍", "li@example.com")]  # fmt: skip


def header_lines(raw: bytes) -> list[str]:
    return raw.split(b"\n\n", 1)[0].decode("ascii").split("\n")


def mailboxes_as_written(raw: bytes, field: str) -> list[tuple[str, str]]:
    """One address header read from the raw lines as RFC 5322 and RFC 2047 say: unfolded, split into
    mailboxes, each display name decoded with the whitespace between two encoded words dropped."""
    from email.header import decode_header

    unfolded = "\n".join(header_lines(raw)).replace("\n ", " ").split("\n")
    (value,) = [line.split(": ", 1)[1] for line in unfolded if line.lower().startswith(field.lower() + ": ")]
    return [
        ("".join(p.decode(c or "ascii") if isinstance(p, bytes) else p for p, c in decode_header(name)), addr)
        for name, addr in getaddresses([value])
    ]


@pytest.mark.parametrize("mailboxes", list(RECIPIENT_SETS.values()), ids=list(RECIPIENT_SETS))
def test_every_recipient_set_gives_a_header_that_reads_back_as_exactly_those_mailboxes(mailboxes: list[M]) -> None:
    raw = draft(to=mailboxes, cc=mailboxes, sender=mailboxes[0] if mailboxes[0].name else "shop@example.com")
    want = [(m.name, m.addr) for m in mailboxes]
    message = parse(raw)
    for field in ("To", "Cc"):
        assert mailboxes_as_written(raw, field) == want
        assert [(a.addr_spec) for a in message[field].addresses] == [m.addr for m in mailboxes]
    lines = header_lines(raw)
    assert max(len(line) for line in lines) <= 998
    longest_token = max(len(token) for line in lines for token in line.split(" "))
    if longest_token < 70:
        assert max(len(line) for line in lines) <= 78, "\n".join(lines)


def test_the_email_package_would_have_encoded_the_comma_and_parse_back_catches_it() -> None:
    recipients = RECIPIENT_SETS["comma-at-the-fold"]
    raw = draft(to=recipients)
    assert header_lines(raw)[1:3] == [
        "To: Anna Schmidt <anna.schmidt.meyer@example.com>,",
        " Bob Jones <bob@example.com>, =?utf-8?q?Zo=C3=AB?= <zoe@example.org>",
    ]
    # What Python 3.11.7 writes for these recipients (CPython issue 100884): the comma as an encoded word.
    broken = raw.replace(
        b"To: Anna Schmidt <anna.schmidt.meyer@example.com>,\n Bob Jones <bob@example.com>, =?utf-8?q?Zo=C3=AB?=",
        b"To: Anna Schmidt <anna.schmidt.meyer@example.com>, Bob Jones <bob@example.com>\n =?utf-8?q?=2C?=\n"
        b" =?utf-8?q?Zo=C3=AB?=",
    )
    assert broken != raw
    with pytest.raises(UnsafeHeader, match="To parses back as"):
        mail.verify_eml(broken, sender=M("Harbour Shop", "shop@example.com"), to=recipients,
                        subject="Your order 4521", body=reply().body, language="en")  # fmt: skip


def test_parse_back_checks_each_display_name_exactly() -> None:
    raw = draft(to=[ZOE])
    with pytest.raises(UnsafeHeader, match="To reads back as"):
        mail.verify_eml(raw.replace(b"Zo=C3=AB", b"Zo=C3=AC"), sender=M("Harbour Shop", "shop@example.com"),
                        to=[ZOE], subject="Your order 4521", body=reply().body, language="en")  # fmt: skip


# --- threading: In-Reply-To and References --------------------------------------------------------

THREADS = [
    (["<p@x.example>"], [], "<p@x.example>", "<p@x.example>"),
    (["p@x.example"], ["<a@x.example>", "b@x.example"], "<p@x.example>", "<a@x.example> <b@x.example> <p@x.example>"),
    (["<b@x.example>"], ["<a@x.example>", "<b@x.example>"], "<b@x.example>", "<a@x.example> <b@x.example>"),
    (["<p@x.example>", "<q@x.example>"], ["<a@x.example>"], "<p@x.example> <q@x.example>",
     "<a@x.example> <p@x.example> <q@x.example>"),
    (["<p@x.example>", "p@x.example"], ["<a@x.example>", "<a@x.example>"], "<p@x.example>",
     "<a@x.example> <p@x.example>"),
    ("<p@x.example>", (), "<p@x.example>", "<p@x.example>"),
    ([], ["<a@x.example>"], None, "<a@x.example>"),
    ([], [], None, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("in_reply_to", "references", "parents", "chain"),
    THREADS,
    ids=["one-parent", "chain-then-parent", "parent-already-in-chain", "two-parents", "duplicates", "a-string",
         "references-alone", "none"],
)  # fmt: skip
def test_references_are_the_chain_then_each_parent_not_in_it(
    in_reply_to: list[str], references: list[str], parents: str | None, chain: str | None
) -> None:
    message = parse(draft(in_reply_to=in_reply_to, references=references))
    assert (message["In-Reply-To"] and str(message["In-Reply-To"])) == parents
    assert (message["References"] and str(message["References"])) == chain


def test_a_hundred_ids_fold_between_ids_and_a_hundred_and_one_are_refused() -> None:
    chain = [f"<{i}.{'a' * 30}@mail.example.com>" for i in range(99)]
    raw = draft(in_reply_to=["<parent@mail.example.com>"], references=chain)
    assert str(parse(raw)["References"]).split() == [*chain, "<parent@mail.example.com>"]
    assert max(len(line) for line in header_lines(raw)) <= 78
    with pytest.raises(InvalidAddress, match="101 Message-IDs; a reply names at most 100"):
        draft(in_reply_to=["<parent@mail.example.com>", "<other@mail.example.com>"], references=chain)


def test_a_long_message_id_keeps_lines_within_998_and_a_longer_one_is_refused() -> None:
    longest = "<" + "a" * 878 + "@" + "b" * 19 + ">"
    raw = draft(in_reply_to=[longest], references=["<a@x.example>"])
    assert str(parse(raw)["References"]).split() == ["<a@x.example>", longest]
    assert max(len(line) for line in header_lines(raw)) <= 998
    with pytest.raises(InvalidAddress, match="at most 900"):
        draft(in_reply_to=["a" * 879 + "@" + "b" * 19])


@pytest.mark.parametrize("option", ["in_reply_to", "references"])
@pytest.mark.parametrize(
    ("value", "error"),
    [("<a@b>\nBcc: evil@example.com", UnsafeHeader), ("<a@b> <c@d>", InvalidAddress), ("no-at", InvalidAddress)],
    ids=["line-break", "two-in-one", "no-at"],
)
def test_every_thread_id_is_checked(option: str, value: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        draft(**{option: ["<ok@x.example>", value]})


# --- mailto: ------------------------------------------------------------------------------------


def test_mailto_percent_encodes_everything_with_crlf_line_breaks() -> None:
    url = mail.mailto_url(
        reply(subject="Order #4521 & more?", body="Dear Zoë,\n\n50% = done\n"),
        to=["buyer@example.com", "Two <two@example.com>"],
        cc=["boss@example.com"],
    )
    assert url == (
        "mailto:buyer@example.com,two@example.com?cc=boss%40example.com"
        "&subject=Order%20%234521%20%26%20more%3F"
        "&body=Dear%20Zo%C3%AB%2C%0D%0A%0D%0A50%25%20%3D%20done%0D%0A"
    )


def test_mailto_round_trips_non_ascii_and_threads() -> None:
    url = mail.mailto_url(reply(subject=INTL, body=f"{INTL}\nline 2\n"), in_reply_to="abc@mail.example.com")
    assert url.startswith("mailto:?in-reply-to=%3Cabc%40mail.example.com%3E&subject=")
    assert url.isascii() and " " not in url and "\n" not in url
    fields = dict(part.split("=", 1) for part in url.split("?", 1)[1].split("&"))
    assert unquote(fields["subject"]) == INTL
    assert unquote(fields["body"]) == f"{INTL}\r\nline 2\r\n"


def test_mailto_carries_the_first_parent_only() -> None:
    url = mail.mailto_url(reply(), to=["b@example.com"], in_reply_to=["<p@x.example>", "<q@x.example>"])
    assert "in-reply-to=%3Cp%40x.example%3E&" in url and "q%40x.example" not in url


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"to": ["not-an-address"]}, InvalidAddress), ({"cc": ["a@example.com\nb"]}, UnsafeHeader)],
    ids=["bad-address", "line-break"],
)
def test_mailto_checks_its_values_too(kwargs: dict[str, list[str]], error: type[Exception]) -> None:
    with pytest.raises(error):
        mail.mailto_url(reply(), **kwargs)


def test_mailto_refuses_an_unsafe_subject() -> None:
    with pytest.raises(UnsafeHeader):
        mail.mailto_url(reply(subject="a\rBcc: x@example.com"))


# --- plain formats ------------------------------------------------------------------------------


def test_text_is_the_body() -> None:
    assert produce(reply(), fmt="text") == reply().body


def test_json_has_the_reply_and_its_values_as_plain_types() -> None:
    r = reply(name="Zoë", amount=Decimal("12.50"), due=date(2026, 3, 14), items=["mug", "cap"], count=2)
    document = json.loads(produce(r, fmt="json"))
    assert document == {
        "scenario": "missing-items",
        "language": "en",
        "subject": "Your order 4521",
        "body": reply().body,
        "values": {"name": "Zoë", "amount": "12.50", "due": "2026-03-14", "items": ["mug", "cap"], "count": 2},
    }
    assert "Zoë" in produce(r, fmt="json")


def test_subject_is_one_line() -> None:
    assert produce(reply(subject=INTL), fmt="subject") == INTL + "\n"


def test_subject_format_refuses_what_would_break_a_mail_header() -> None:
    with pytest.raises(UnsafeHeader):
        produce(reply(subject="a\u2028b"), fmt="subject")


@pytest.mark.parametrize(
    ("line", "escaped"),
    [
        ("plain words, nothing else.", "plain words, nothing else."),
        ("*not bold* and _not italic_", "\\*not bold\\* and \\_not italic\\_"),
        ("# not a heading", "\\# not a heading"),
        ("- not a list", "\\- not a list"),
        ("+ not a list", "\\+ not a list"),
        ("1. not a list", "1\\. not a list"),
        ("2) not a list", "2\\) not a list"),
        ("> not a quote", "\\> not a quote"),
        ("[not](a link)", "\\[not\\](a link)"),
        ("<b>not html</b> &amp;", "\\<b\\>not html\\</b\\> \\&amp;"),
        ("`code` a|b ~~x~~ back\\slash", "\\`code\\` a\\|b \\~\\~x\\~\\~ back\\\\slash"),
        ("order 4521. Thanks", "order 4521. Thanks"),
        ("---", "\\---"),
        ("===", "\\==="),
    ],
    ids=[
        "plain",
        "emphasis",
        "heading",
        "dash-list",
        "plus-list",
        "numbered",
        "numbered-paren",
        "quote",
        "link",
        "html",
        "inline",
        "mid-line-number",
        "rule",
        "setext",
    ],  # fmt: skip
)
def test_markdown_escapes_markup_so_it_prints_literally(line: str, escaped: str) -> None:
    assert produce(reply(subject="S", body=line + "\n"), fmt="markdown") == f"# S\n\n{escaped}\n"


def test_markdown_keeps_the_signature_lines_with_hard_breaks() -> None:
    body = "Dear Alice,\n\nThank you.\n\nBest wishes,\nSam\nHarbour *Shop*\n"
    assert produce(reply(subject="Order #1", body=body), fmt="markdown") == (
        "# Order #1\n\nDear Alice,\n\nThank you.\n\nBest wishes,\\\nSam\\\nHarbour \\*Shop\\*\n"
    )


# --- which options go with which format ---------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "kwargs", "message"),
    [
        ("text", {"to": ["a@example.com"]}, "--to is not used by --format text"),
        ("json", {"cc": ["a@example.com"], "sender": "s@example.com"}, "--cc, --from are not used by --format json"),
        ("mailto", {"sender": "s@example.com"}, "--from is not used by --format mailto"),
        ("mailto", {"reply_to": "r@example.com"}, "--reply-to is not used by --format mailto"),
        ("subject", {"in_reply_to": "<a@b>"}, "--in-reply-to is not used by --format subject"),
        ("mailto", {"references": ["<a@b>"]}, "--references is not used by --format mailto"),
        ("text", {"unsent": True}, "--unsent is not used by --format text"),
        ("mailto", {"unsent": False}, "--no-unsent is not used by --format mailto"),
        ("eml", {"to": ["a@example.com"]}, "an email needs a sender"),
        ("eml", {"sender": "s@example.com"}, "an email needs a recipient"),
    ],
    ids=[
        "to-text",
        "cc-from-json",
        "from-mailto",
        "reply-to-mailto",
        "thread-subject",
        "references-mailto",
        "unsent-text",
        "no-unsent-mailto",
        "no-sender",
        "no-recipient",
    ],  # fmt: skip
)
def test_mail_options_outside_their_formats_are_usage_errors(fmt: str, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        produce(reply(), fmt=fmt, environ={}, **kwargs)  # type: ignore[arg-type]
    assert caught.value.message == message


def test_sender_and_reply_to_come_from_the_environment() -> None:
    environ = {"REPLYKIT_FROM": "Env Shop <env@example.com>", "REPLYKIT_REPLY_TO": "help@example.com"}
    message = parse(produce(reply(), fmt="eml", to=["b@example.com"], environ=environ).encode())
    assert getaddresses([str(message["From"])]) == [("Env Shop", "env@example.com")]
    assert str(message["Reply-To"]) == "help@example.com"
    message = parse(produce(reply(), fmt="eml", to=["b@example.com"], sender="o@example.com",
                                   environ=environ).encode())  # fmt: skip
    assert str(message["From"]) == "o@example.com"


@pytest.mark.parametrize(
    ("unsent", "to_file", "header"),
    [(None, False, None), (None, True, "1"), (False, True, None), (True, False, "1")],
    ids=["stdout", "file", "file-no-unsent", "stdout-unsent"],
)
def test_x_unsent_only_for_a_draft_written_to_a_file_unless_asked(
    unsent: bool | None, to_file: bool, header: str | None
) -> None:
    raw = produce(reply(), fmt="eml", to=["b@example.com"], sender="s@example.com", unsent=unsent, to_file=to_file)
    assert parse(raw.encode())["X-Unsent"] == header


def test_build_eml_leaves_x_unsent_out_by_default() -> None:
    assert b"X-Unsent" not in mail.build_eml(reply(), sender="s@example.com", to=["b@example.com"])


@pytest.mark.parametrize(
    ("fmt", "options", "in_reply_to", "notices"),
    [
        ("eml", {"in_reply_to": ["<p@x.example>", "p@x.example"], "references": ["<a@x.example>"] * 3},
         ("<p@x.example>",), ["--in-reply-to <p@x.example> is given 2 times; it is used once",
                              "--references <a@x.example> is given 3 times; it is used once"]),
        ("mailto", {"in_reply_to": ["<p@x.example>", "<q@x.example>"]}, ("<p@x.example>",),
         ["--format mailto carries one --in-reply-to, the first (<p@x.example>); the others are left out"]),
        ("eml", {"in_reply_to": ["<p@x.example>", "<q@x.example>"]}, ("<p@x.example>", "<q@x.example>"), []),
    ],
    ids=["duplicates", "mailto-first", "two-parents"],
)  # fmt: skip
def test_thread_ids_given_twice_or_left_out_are_told(
    fmt: str, options: dict[str, Any], in_reply_to: tuple[str, ...], notices: list[str]
) -> None:
    told: list[str] = []
    plan = delivery.plan_delivery(fmt, to=["b@example.com"], sender="s@example.com" if fmt == "eml" else None,
                                  environ={}, on_notice=told.append, **options)  # fmt: skip
    assert plan.in_reply_to == in_reply_to
    assert told == notices


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Sao_Paulo", "Europe/Paris", "UTC"])
def test_the_profile_time_zone_sets_the_date(zone: str) -> None:
    from zoneinfo import ZoneInfo

    from replykit.config import Profile

    plan = delivery.plan_delivery("eml", to=["b@example.com"], sender="s@example.com", environ={},
                                  profile=Profile("shop", {"timezone": zone}))  # fmt: skip
    assert plan.timezone == zone
    date = parse(delivery.produce(reply(), plan))["Date"]
    assert str(date).endswith(" " + datetime.now(ZoneInfo(zone)).strftime("%z"))
    assert abs((date.datetime - datetime.now(timezone.utc)).total_seconds()) < 60


# --- --output ------------------------------------------------------------------------------------


def test_write_atomic_writes_the_file_with_a_normal_mode(tmp_path: Path) -> None:
    target = tmp_path / "reply.txt"
    old = os.umask(0o022)
    try:
        delivery.write_output(target, INTL + "\n")
    finally:
        os.umask(old)
    assert target.read_bytes() == (INTL + "\n").encode("utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert os.listdir(tmp_path) == ["reply.txt"]


def test_write_atomic_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "reply.txt"
    target.write_text("keep me\n")
    with pytest.raises(OutputExists) as caught:
        delivery.write_output(target, "new\n")
    assert caught.value.exit_code == errors.INPUT_OUTPUT and "pass --force" in caught.value.hint
    assert target.read_text() == "keep me\n" and os.listdir(tmp_path) == ["reply.txt"]
    target.chmod(0o600)
    delivery.write_output(target, "new\n", force=True)
    assert target.read_text() == "new\n" and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_write_atomic_leaves_nothing_behind_when_writing_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "reply.txt"
    target.write_text("keep me\n")

    def disk_error(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", disk_error)
    with pytest.raises(errors.InputOutputError, match="Input/output error"):
        delivery.write_output(target, "new\n", force=True)
    assert os.listdir(tmp_path) == ["reply.txt"] and target.read_text() == "keep me\n"


def test_write_atomic_refuses_text_that_is_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(errors.InputOutputError, match="not valid text"):
        delivery.write_output(tmp_path / "reply.txt", "\udcff from a non-UTF-8 argv")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("where", ["missing/reply.txt", "."], ids=["no-folder", "a-folder"])
def test_write_atomic_reports_unwritable_targets(tmp_path: Path, where: str) -> None:
    with pytest.raises(errors.InputOutputError) as caught:
        delivery.write_output(tmp_path / where, "x\n")
    assert caught.value.message.startswith("--output ")


# --- clipboard ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "platform", "names"),
    [
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux", ["wl-copy", "xclip", "xsel"]),
        ({"DISPLAY": ":0"}, "linux", ["xclip", "xsel"]),
        ({}, "linux", []),
        ({"WSL_DISTRO_NAME": "Ubuntu"}, "linux", ["clip.exe"]),
        ({"DISPLAY": ":0"}, "freebsd14", ["xclip", "xsel"]),
        ({}, "darwin", ["pbcopy"]),
        ({"DISPLAY": ":0"}, "darwin", ["pbcopy"]),
        ({}, "win32", ["clip", "powershell"]),
    ],
    ids=["wayland", "x11", "headless", "wsl", "bsd", "macos", "macos-xquartz", "windows"],
)
def test_backends_are_chosen_from_the_table(environ: dict[str, str], platform: str, names: list[str]) -> None:
    assert [b.name for b in clipboard.candidates(environ, platform)] == names


def test_clip_exe_gets_utf16_with_a_byte_order_mark() -> None:
    (clip,) = [b for b in clipboard.BACKENDS if b.name == "clip"]
    assert clip.encode("é😀") == b"\xff\xfe\xe9\x00\x3d\xd8\x00\xde"


def test_a_real_backend_receives_the_exact_bytes_and_the_copy_does_not_wait_for_its_children(tmp_path: Path) -> None:
    sink = tmp_path / "clip"
    # Like xclip: read the text, then leave a child behind that lives on after the tool exits.
    tool = clipboard.Backend("fake", ("sh", "-c", f"cat > {sink}; sleep 30 &"), ("linux",))
    started = datetime.now()
    assert clipboard.copy(INTL, environ={"PATH": os.environ["PATH"]}, platform="linux", backends=[tool]) == "fake"
    assert (datetime.now() - started).total_seconds() < 10
    assert sink.read_bytes() == INTL.encode("utf-8")


def test_a_failing_backend_is_reported_with_its_message(tmp_path: Path) -> None:
    tools = [
        clipboard.Backend("broken", ("sh", "-c", "echo Error: Can\\'t open display >&2; exit 1"), ("linux",)),
        clipboard.Backend("absent", ("no-such-clipboard-tool",), ("linux",)),
    ]
    not_a_tty = tmp_path / "tty"
    not_a_tty.write_text("")
    with pytest.raises(ClipboardUnavailable) as caught:
        clipboard.copy("x", environ={"PATH": os.environ["PATH"]}, platform="linux", backends=tools, tty=str(not_a_tty))
    assert caught.value.exit_code == errors.CLIPBOARD == 9
    assert "broken: exit status 1 (Error: Can't open display)" in caught.value.message
    assert "absent: not installed" in caught.value.message
    assert f"OSC 52: {not_a_tty} is not a terminal" in caught.value.message
    assert "display" in caught.value.hint


@pytest.mark.parametrize(
    ("environ", "hint"),
    [({}, "no graphical session"), ({"DISPLAY": ":0"}, "install xclip or xsel"),
     ({"WAYLAND_DISPLAY": "w"}, "install wl-clipboard")],
    ids=["headless", "x11", "wayland"],
)  # fmt: skip
def test_nothing_works_says_what_to_install(tmp_path: Path, environ: dict[str, str], hint: str) -> None:
    with pytest.raises(ClipboardUnavailable) as caught:
        clipboard.copy("x", environ={"PATH": str(tmp_path), **environ}, platform="linux", tty=str(tmp_path / "none"))
    assert hint in caught.value.hint


def test_osc52_goes_to_the_terminal(tmp_path: Path) -> None:
    master, slave = pty.openpty()
    try:
        used = clipboard.copy(INTL, environ={"PATH": str(tmp_path)}, platform="linux", tty=os.ttyname(slave))
        assert used == clipboard.OSC52
        received = os.read(master, 4096)
    finally:
        os.close(master)
        os.close(slave)
    assert received == clipboard.osc52(INTL)
    assert received.startswith(b"\x1b]52;c;") and received.endswith(b"\x07")


@pytest.mark.parametrize("replace", [True, False])
def test_one_atomic_writer_for_replies_config_and_scaffolds(tmp_path: Path, replace: bool) -> None:
    from replykit.files import write_atomic

    target = tmp_path / "new" / "folder" / "file.txt"
    with pytest.raises(errors.InputOutputError, match="cannot write in"):
        write_atomic(target, "x", replace=replace)  # no folder, and not asked to make one
    write_atomic(target, "één\n", replace=replace, make_folder=True)
    assert target.read_bytes() == "één\n".encode()
    if replace:
        write_atomic(target, "twee\n", replace=True)
        assert target.read_text(encoding="utf-8") == "twee\n"
    else:
        with pytest.raises(errors.OutputExists, match="file.txt: the file exists"):
            write_atomic(target, "twee\n", replace=False, exists_hint="pass --force")
        assert target.read_text(encoding="utf-8") == "één\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.txt"]  # no temporary file left
