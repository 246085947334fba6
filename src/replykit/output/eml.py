"""Replies as email: the .eml draft, checked by parsing it back, and mailto: URLs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses, make_msgid
from typing import TYPE_CHECKING
from urllib.parse import quote

from replykit.errors import InvalidAddress, UnsafeHeader
from replykit.output.addresses import (
    Mailbox,
    check_address,
    check_header_text,
    parse_mailbox,
    parse_message_id,
    unsafe_char,
)

if TYPE_CHECKING:
    from replykit.rendering.templates import Reply

_MAX_LINE = 998  # RFC 5322 line limit, in bytes


def _body_problem(body: str) -> str | None:
    for char in body:
        if char not in "\n\t" and unicodedata.category(char) == "Cc":
            return f"the reply body contains a control character (U+{ord(char):04X})"
    return None


def build_eml(
    reply: Reply,
    *,
    sender: str | Mailbox,
    to: Sequence[str | Mailbox],
    cc: Sequence[str | Mailbox] = (),
    reply_to: str | Mailbox | None = None,
    in_reply_to: str | None = None,
    date: datetime | None = None,
    message_id: str | None = None,
    unsent: bool = True,
) -> bytes:
    """A complete RFC 5322 draft of the reply, checked by parsing it back.

    Opened from a file, X-Unsent makes Outlook and Thunderbird treat it as an editable draft;
    ``unsent=False`` leaves it out, for a message kept in a mail folder, where the folder or
    its flags make it a draft and the header would go out with the sent mail.
    """
    mailbox = _as_mailbox("--from", sender)
    recipients = tuple(_as_mailbox("--to", m) for m in to)
    copies = tuple(_as_mailbox("--cc", m) for m in cc)
    answer_to = _as_mailbox("--reply-to", reply_to) if reply_to is not None else None
    parent = parse_message_id("--in-reply-to", in_reply_to) if in_reply_to is not None else None
    subject = check_header_text("subject", reply.subject)
    problem = _body_problem(reply.body)
    if problem:
        raise UnsafeHeader(problem, hint="remove it from the field value or the template")
    if not recipients:
        raise InvalidAddress("an email needs at least one recipient", hint="pass --to buyer@example.com")

    message = EmailMessage(policy=policy.default)
    message["From"] = mailbox.header()
    message["To"] = tuple(m.header() for m in recipients)
    if copies:
        message["Cc"] = tuple(m.header() for m in copies)
    if answer_to is not None:
        message["Reply-To"] = answer_to.header()
    message["Subject"] = subject
    message["Date"] = format_datetime(date or datetime.now().astimezone())
    message["Message-ID"] = message_id or make_msgid(domain=mailbox.addr.split("@", 1)[1])
    if parent is not None:
        message["In-Reply-To"] = parent
        message["References"] = parent
    if unsent:
        message["X-Unsent"] = "1"
    # 8bit keeps the draft readable in a text editor; a line over the RFC 5322 limit needs quoted-printable.
    too_long = any(len(line.encode("utf-8")) > _MAX_LINE for line in reply.body.splitlines())
    message.set_content(reply.body, charset="utf-8", cte="quoted-printable" if too_long else "8bit")
    # RFC 3282, after set_content (which clears Content-* headers): mail clients pick spell checker and fonts by it.
    message["Content-Language"] = check_header_text("language", reply.language)
    raw = message.as_bytes()
    verify_eml(
        raw,
        sender=mailbox,
        to=recipients,
        cc=copies,
        reply_to=answer_to,
        in_reply_to=parent,
        subject=subject,
        body=reply.body,
        language=reply.language,
        unsent=unsent,
    )
    return raw


def _as_mailbox(label: str, value: str | Mailbox) -> Mailbox:
    if isinstance(value, Mailbox):
        check_header_text(label, value.name)
        return Mailbox(name=value.name, addr=check_address(label, value.addr))
    return parse_mailbox(label, value)


_HEADER_LINE = re.compile(rb"(?P<name>[!-9;-~]+):[ \t]")


def verify_eml(
    raw: bytes,
    *,
    sender: Mailbox,
    to: Sequence[Mailbox],
    cc: Sequence[Mailbox] = (),
    reply_to: Mailbox | None = None,
    in_reply_to: str | None = None,
    subject: str,
    body: str,
    language: str | None = None,
    unsent: bool = True,
) -> None:
    """Parse a generated message back and raise UnsafeHeader unless it carries exactly what was intended.

    The raw header lines are checked by hand too, so a bug in the email package cannot hide a
    header it wrote by mistake.
    """
    expected = ["from", "to", "subject", "date", "message-id", "mime-version", "content-type",
                "content-transfer-encoding"]  # fmt: skip
    expected += ["x-unsent"] * unsent
    expected += ["cc"] * bool(cc) + ["reply-to"] * (reply_to is not None)
    expected += ["in-reply-to", "references"] * (in_reply_to is not None)
    expected += ["content-language"] * (language is not None)
    problems: list[str] = []

    head = raw.split(b"\n\n", 1)[0]
    raw_names: list[str] = []
    for line in head.split(b"\n"):
        if any(byte < 0x20 and byte != 0x09 or byte >= 0x7F for byte in line):
            problems.append(f"a header line is not plain ASCII text: {line[:60]!r}")
        elif line[:1] in (b" ", b"\t"):
            continue
        elif match := _HEADER_LINE.match(line):
            raw_names.append(match["name"].decode("ascii").lower())
        else:
            problems.append(f"not a header line: {line[:60]!r}")
    if sorted(raw_names) != sorted(expected):
        problems.append(f"headers {sorted(raw_names)} instead of {sorted(expected)}")

    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    if sorted(k.lower() for k in parsed.keys()) != sorted(expected):
        problems.append(f"parsed headers {sorted(k.lower() for k in parsed.keys())} instead of {sorted(expected)}")
    for name in parsed.keys():
        for value in parsed.get_all(name, []):
            if unsafe_char(str(value)):
                problems.append(f"{name} decodes to text with a control character: {str(value)!r}")

    def addresses(name: str) -> list[tuple[str, str]]:
        return getaddresses([str(v) for v in parsed.get_all(name, [])])

    for name, wanted in (("From", [sender]), ("To", to), ("Cc", cc), ("Reply-To", [reply_to] if reply_to else [])):
        got = addresses(name)
        if got != [(m.name, m.addr) for m in wanted]:
            problems.append(f"{name} parses back as {got}, not {[(m.name, m.addr) for m in wanted]}")
    if str(parsed.get("Subject", "")) != subject:
        problems.append(f"Subject parses back as {str(parsed.get('Subject', ''))!r}, not {subject!r}")
    got_language = str(parsed.get("Content-Language", ""))
    if language is not None and got_language != language:
        problems.append(f"Content-Language parses back as {got_language!r}, not {language!r}")
    for name in ("In-Reply-To", "References"):
        if in_reply_to is not None and str(parsed.get(name, "")) != in_reply_to:
            problems.append(f"{name} parses back as {str(parsed.get(name, ''))!r}")
    if parsed.is_multipart() or parsed.get_content_type() != "text/plain":
        problems.append("the body is not a single text/plain part")
    elif parsed.get_content() != body:
        problems.append("the body does not parse back to the reply text")
    if problems:
        raise UnsafeHeader(
            "the email did not parse back as intended: " + "; ".join(problems),
            hint="check the values for control characters or encoded words",
        )


def mailto_url(reply: Reply, *, to: Sequence[str | Mailbox] = (), cc: Sequence[str | Mailbox] = (),
               in_reply_to: str | None = None) -> str:  # fmt: skip
    """An RFC 6068 mailto: URL with the subject and body, every value percent-encoded as UTF-8."""
    recipients = [_as_mailbox("--to", m).addr for m in to]
    copies = [_as_mailbox("--cc", m).addr for m in cc]
    subject = check_header_text("subject", reply.subject)
    fields: list[tuple[str, str]] = []
    if copies:
        fields.append(("cc", ",".join(copies)))
    if in_reply_to is not None:
        fields.append(("in-reply-to", parse_message_id("--in-reply-to", in_reply_to)))
    fields.append(("subject", subject))
    fields.append(("body", reply.body.replace("\n", "\r\n")))
    path = ",".join(quote(addr, safe="@") for addr in recipients)
    return "mailto:" + path + "?" + "&".join(f"{key}={quote(value, safe='')}" for key, value in fields)
