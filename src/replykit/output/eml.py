"""Replies as email: the .eml draft, checked by parsing it back, and mailto: URLs.

Address and thread headers are written here, not by the email package: its folder has
encoded the comma between two addresses when a line break fell there (CPython issue
100884, CVE-2025-1795; still in Python 3.11.7), which splits or merges recipients. Each
mailbox is written on its own terms (an ASCII name as atoms or a quoted string, any
other name as RFC 2047 encoded words), mailboxes are folded after their commas and
Message-IDs between ids, and the message's policy never refolds what was written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
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
_FOLD_AT = 76  # RFC 2047 section 2: a line with encoded words has at most 76 characters (RFC 5322 asks 78)
_WORD = 64  # the longest encoded word written (RFC 2047 allows 75): one fits after "Reply-To: " on a line
MAX_THREAD_IDS = 100
"""The most Message-IDs a reply's References (and so its In-Reply-To) may name."""
_ATOMS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?: [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_Q_PLAIN = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")  # RFC 2047 5 (3)


def _body_problem(body: str) -> str | None:
    for char in body:
        if char not in "\n\t" and unicodedata.category(char) == "Cc":
            return f"the reply body contains a control character (U+{ord(char):04X})"
    return None


def message_date(timezone: str | None = None) -> datetime:
    """Now, as a message's Date: in ``timezone`` (an IANA name, the profile's ``timezone``), else in the
    machine's local time zone. Raises ZoneInfoNotFoundError for a name the system does not know."""
    if timezone:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo(timezone))
    return datetime.now().astimezone()


def thread_ids(label: str, values: Sequence[str]) -> tuple[str, ...]:
    """Message-IDs as ``<id@host>``, each checked (parse_message_id), in order, each once.

    A single string is one id, not a sequence of characters. Raises InvalidAddress or UnsafeHeader.
    """
    if isinstance(values, str):
        values = (values,)
    return tuple(dict.fromkeys(parse_message_id(label, value) for value in values))


def thread_headers(in_reply_to: Sequence[str], references: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """In-Reply-To and References of a reply (RFC 5322 3.6.4), each id checked and named once.

    References: ``references`` (the parent's chain, in order) followed by each ``in_reply_to`` id
    not already among them. Raises InvalidAddress for a malformed id or for more than
    MAX_THREAD_IDS ids in References, UnsafeHeader for an id with a line break or control character.
    """
    parents = thread_ids("--in-reply-to", in_reply_to)
    chain = thread_ids("--references", references)
    chain += tuple(parent for parent in parents if parent not in chain)
    if len(chain) > MAX_THREAD_IDS:
        raise InvalidAddress(
            f"--references and --in-reply-to: {len(chain)} Message-IDs; a reply names at most {MAX_THREAD_IDS}",
            hint="give the first id of the thread and the latest ones",
        )
    return parents, chain


def _text_chunks(text: str, kind: str) -> list[str]:
    """text cut into the longest pieces whose encoded words stay within _WORD characters, whole characters each."""
    room = _WORD - len("=?utf-8?q??=")
    chunks: list[str] = []
    chunk, size = "", 0
    for char in text:
        data = char.encode("utf-8")
        if kind == "q":
            cost = sum(1 if byte in _Q_PLAIN or byte == 0x20 else 3 for byte in data)
            fits = size + cost <= room
        else:
            cost = len(data)
            fits = 4 * ((size + cost + 2) // 3) <= room
        if chunk and not fits:
            chunks.append(chunk)
            chunk, size = "", 0
        chunk += char
        size += cost
    return [*chunks, chunk] if chunk else chunks


def _encoded_word(text: str, kind: str) -> str:
    data = text.encode("utf-8")
    if kind == "b":
        import base64

        return f"=?utf-8?b?{base64.b64encode(data).decode('ascii')}?="
    encoded = "".join("_" if byte == 0x20 else chr(byte) if byte in _Q_PLAIN else f"={byte:02X}" for byte in data)
    return f"=?utf-8?q?{encoded}?="


def _encoding(text: str) -> str:
    """'q' or 'b', whichever writes ``text`` shorter (Q keeps a Latin name legible)."""
    data = text.encode("utf-8")
    q_size = sum(1 if byte in _Q_PLAIN or byte == 0x20 else 3 for byte in data)
    return "q" if q_size <= 4 * ((len(data) + 2) // 3) else "b"


def _name_tokens(name: str) -> tuple[list[str], list[str]]:
    """A display name as the words of an RFC 5322 phrase, and the texts of its encoded words ([] if none).

    ASCII names stay legible: atoms when they are atoms, else one quoted string; a name with
    other characters, or a word too long for a line, becomes RFC 2047 encoded words. The
    phrase may be folded at any space between its words.
    """
    if not name:
        return [], []
    if name.isascii():
        if _ATOMS.fullmatch(name):
            tokens = name.split(" ")
        else:
            quoted = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
            tokens = re.split(r"(?<=\S) (?=\S)", quoted)
        if all(len(token) <= _WORD for token in tokens):
            return tokens, []
    kind = _encoding(name)
    chunks = _text_chunks(name, kind)
    return [_encoded_word(chunk, kind) for chunk in chunks], chunks


def _fold(field: str, groups: Sequence[Sequence[str]]) -> str:
    """A header value (what follows ``Field: ``), folded: each group of tokens on the current line
    if it fits in _FOLD_AT characters, else on a line of its own, else folded between its tokens.

    A token is never split, so a line is longer than _FOLD_AT only for a token that is
    (an address of up to 254 characters, a long Message-ID): never longer than 998.
    """
    head = f"{field}:"
    lines = [head]
    for group in groups:
        whole = " ".join(group)
        if lines[-1] != head and len(lines[-1]) + 1 + len(whole) > _FOLD_AT and 1 + len(whole) <= _FOLD_AT:
            lines.append(" " + whole)
            continue
        for token in group:
            if lines[-1] == head or len(lines[-1]) + 1 + len(token) <= _FOLD_AT:
                lines[-1] += " " + token
            else:
                lines.append(" " + token)
    return "\n".join(lines)[len(head) + 1 :]


def address_header(field: str, mailboxes: Sequence[Mailbox]) -> str:
    """The value of an address header (From, To, Cc, Reply-To) for ``message.set_raw``: the
    mailboxes separated by commas, folded after a comma where a line would grow past 76
    characters. Each display name is written as it is (see _name_tokens), the address as ``<addr>``."""
    groups: list[list[str]] = []
    for mailbox in mailboxes:
        tokens, _ = _name_tokens(mailbox.name)
        groups.append([*tokens, f"<{mailbox.addr}>"] if tokens else [mailbox.addr])
    for group in groups[:-1]:
        group[-1] += ","
    return _fold(field, groups)


def build_eml(
    reply: Reply,
    *,
    sender: str | Mailbox,
    to: Sequence[str | Mailbox],
    cc: Sequence[str | Mailbox] = (),
    reply_to: str | Mailbox | None = None,
    in_reply_to: Sequence[str] = (),
    references: Sequence[str] = (),
    date: datetime | None = None,
    message_id: str | None = None,
    unsent: bool = False,
) -> bytes:
    """A complete RFC 5322 message of the reply, checked by parsing it back.

    ``in_reply_to``: the Message-IDs this replies to (usually one; RFC 5322 3.6.4 allows
    several); ``references``: the parent's References chain, in order. References is written
    as ``references`` followed by each ``in_reply_to`` id not already among them (see
    thread_headers). ``date``: default now, in the local time zone (message_date).
    ``unsent=True`` adds ``X-Unsent: 1``: Outlook and Thunderbird then open the file as an
    editable draft. Leave it out of a message that is sent as it is (mutt, ``msmtp -t``) or
    kept in a mail folder: the header would reach the buyer, whose Outlook shows an editable draft.
    Raises InvalidAddress or UnsafeHeader for a value that cannot go into the message.
    """
    from email import policy
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    mailbox = _as_mailbox("--from", sender)
    recipients = tuple(_as_mailbox("--to", m) for m in to)
    copies = tuple(_as_mailbox("--cc", m) for m in cc)
    answer_to = _as_mailbox("--reply-to", reply_to) if reply_to is not None else None
    parents, chain = thread_headers(in_reply_to, references)
    subject = check_header_text("subject", reply.subject)
    problem = _body_problem(reply.body)
    if problem:
        raise UnsafeHeader(problem, hint="remove it from the field value or the template")
    if not recipients:
        raise InvalidAddress("an email needs at least one recipient", hint="pass --to buyer@example.com")

    # Headers set raw are written as they are: no refolding by the email package (see the module's docstring).
    message = EmailMessage(policy=policy.default.clone(refold_source="none"))
    message.set_raw("From", address_header("From", [mailbox]))
    message.set_raw("To", address_header("To", recipients))
    if copies:
        message.set_raw("Cc", address_header("Cc", copies))
    if answer_to is not None:
        message.set_raw("Reply-To", address_header("Reply-To", [answer_to]))
    message["Subject"] = subject
    message["Date"] = format_datetime(date or message_date())
    if message_id is not None:
        message_id = parse_message_id("message_id", message_id)
    message["Message-ID"] = message_id or make_msgid(domain=mailbox.addr.split("@", 1)[1])
    if parents:
        message.set_raw("In-Reply-To", _fold("In-Reply-To", [[parent] for parent in parents]))
    if chain:
        message.set_raw("References", _fold("References", [[ref] for ref in chain]))
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
        in_reply_to=parents,
        references=chain,
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
_UNFOLD = re.compile(r"\r?\n(?=[ \t])")


def _rfc2047_text(raw: str) -> str:
    """RFC 2047 decoding of a display name as written: whitespace between encoded words is dropped (section 6.2)."""
    from email.header import decode_header

    return "".join(part.decode(charset or "ascii") if isinstance(part, bytes) else part
                   for part, charset in decode_header(raw))  # fmt: skip


def verify_eml(
    raw: bytes,
    *,
    sender: Mailbox,
    to: Sequence[Mailbox],
    cc: Sequence[Mailbox] = (),
    reply_to: Mailbox | None = None,
    in_reply_to: Sequence[str] = (),
    references: Sequence[str] = (),
    subject: str,
    body: str,
    language: str | None = None,
    unsent: bool = False,
) -> None:
    """Parse a generated message back and raise UnsafeHeader unless it carries exactly what was intended.

    The raw header lines are checked by hand too (names, plain ASCII, at most 998 bytes), so a
    bug in the email package cannot hide a header it wrote by mistake. Each address header
    is read twice: by the email package's parser (the mailboxes and their addresses) and as
    raw text with RFC 2047 decoding (the exact display names). ``in_reply_to`` and
    ``references``: the exact ids each header must hold, in order (a single string is one id).
    """
    from email import policy
    from email.parser import BytesParser
    from email.utils import getaddresses

    in_reply_to = (in_reply_to,) if isinstance(in_reply_to, str) else tuple(in_reply_to)
    references = (references,) if isinstance(references, str) else tuple(references)
    expected = ["from", "to", "subject", "date", "message-id", "mime-version", "content-type",
                "content-transfer-encoding"]  # fmt: skip
    expected += ["x-unsent"] * unsent
    expected += ["cc"] * bool(cc) + ["reply-to"] * (reply_to is not None)
    expected += ["in-reply-to"] * bool(in_reply_to) + ["references"] * bool(references)
    expected += ["content-language"] * (language is not None)
    problems: list[str] = []

    head = raw.split(b"\n\n", 1)[0]
    raw_names: list[str] = []
    for line in head.split(b"\n"):
        if len(line) > _MAX_LINE:
            problems.append(f"a header line is longer than {_MAX_LINE} bytes: {line[:60]!r}...")
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
    fields: dict[str, list[Any]] = {}  # each header parsed once: a long one takes the parser a while
    for name in parsed.keys():
        fields[name.lower()] = values = parsed.get_all(name, [])
        for value in values:
            if unsafe_char(str(value)):
                problems.append(f"{name} decodes to text with a control character: {str(value)!r}")
    sources: dict[str, list[str]] = {}
    for name, value in parsed.raw_items():
        sources.setdefault(name.lower(), []).append(_UNFOLD.sub("", str(value)))

    for name, wanted in (("From", [sender]), ("To", to), ("Cc", cc), ("Reply-To", [reply_to] if reply_to else [])):
        want = [(m.name, m.addr) for m in wanted]
        # Before the fix of CPython issue 128110, the parser puts a space between two encoded words.
        read_as = [(" ".join(_name_tokens(m.name)[1]) or m.name, m.addr) for m in wanted]
        got = [(a.display_name, a.addr_spec) for v in fields.get(name.lower(), []) for a in getattr(v, "addresses", ())]
        if got != want and got != read_as:
            problems.append(f"{name} parses back as {got}, not {want}")
        as_written = [(_rfc2047_text(n), a) for n, a in getaddresses(sources.get(name.lower(), []))]
        if as_written != want:
            problems.append(f"{name} reads back as {as_written}, not {want}")
    if str(parsed.get("Subject", "")) != subject:
        problems.append(f"Subject parses back as {str(parsed.get('Subject', ''))!r}, not {subject!r}")
    got_language = str(parsed.get("Content-Language", ""))
    if language is not None and got_language != language:
        problems.append(f"Content-Language parses back as {got_language!r}, not {language!r}")
    for name, ids in (("In-Reply-To", in_reply_to), ("References", references)):
        got_ids = tuple(str(parsed.get(name, "")).split())
        if got_ids != ids or tuple(" ".join(sources.get(name.lower(), [])).split()) != ids:
            problems.append(f"{name} parses back as {got_ids}, not {ids}")
    if parsed.is_multipart() or parsed.get_content_type() != "text/plain":
        problems.append("the body is not a single text/plain part")
    elif parsed.get_content() != body:
        problems.append("the body does not parse back to the reply text")
    if problems:
        raise UnsafeHeader(
            "the email did not parse back as intended: " + "; ".join(problems),
            hint="this is a bug in replykit or in Python's email package; please report it with the values given",
        )


def mailto_url(reply: Reply, *, to: Sequence[str | Mailbox] = (), cc: Sequence[str | Mailbox] = (),
               in_reply_to: Sequence[str] = ()) -> str:  # fmt: skip
    """An RFC 6068 mailto: URL with the subject and body, every value percent-encoded as UTF-8.

    Only the first ``in_reply_to`` id is carried: RFC 6068 shows In-Reply-To holding the one
    Message-ID replied to (section 6.1), asks creators not to repeat a field (section 2) and
    promises only subject and body to be understood (section 4); mail programs (Android's
    MailTo among them) read one id. References has no place in a mailto: URL.
    """
    recipients = [_as_mailbox("--to", m).addr for m in to]
    copies = [_as_mailbox("--cc", m).addr for m in cc]
    subject = check_header_text("subject", reply.subject)
    parents = thread_ids("--in-reply-to", in_reply_to)
    fields: list[tuple[str, str]] = []
    if copies:
        fields.append(("cc", ",".join(copies)))
    if parents:
        fields.append(("in-reply-to", parents[0]))
    fields.append(("subject", subject))
    fields.append(("body", reply.body.replace("\n", "\r\n")))
    path = ",".join(quote(addr, safe="@") for addr in recipients)
    return "mailto:" + path + "?" + "&".join(f"{key}={quote(value, safe='')}" for key, value in fields)
