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
        ("eml", {"to": ["a@example.com"]}, "an email needs a sender"),
        ("eml", {"sender": "s@example.com"}, "an email needs a recipient"),
    ],
    ids=["to-text", "cc-from-json", "from-mailto", "reply-to-mailto", "thread-subject", "no-sender", "no-recipient"],
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
