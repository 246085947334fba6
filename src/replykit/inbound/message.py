"""One buyer email, read from bytes into plain data: who wrote, what about, what to thread on, and the text.

The standard library's ``email`` package splits the message into headers and parts, with
``policy.compat32``, which keeps header values as raw text; they are then decoded with the
package's linear-time helpers (``decode_header``, ``getaddresses``). ``policy.default`` is
not used: its header parser took 25 s on a Subject of 1 MB, was killed for memory on one of
encoded words, and took 1 s on a Content-Type of 4 KiB with many parameters (compat32: 9 ms).
Every limit is checked before the parser runs, so any input gives a BuyerMessage or a
MessageInvalid within a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from replykit.errors import MessageInvalid
from replykit.output.addresses import Mailbox

if TYPE_CHECKING:
    from email.message import Message

MAX_MESSAGE_BYTES = 10 * 1024 * 1024
"""Largest message read: a buyer's text with a few photos; past this it is refused, not cut."""

MAX_HEADER_CHARS = 16 * 1024
"""Longest From, Reply-To or Subject read: the email package takes seconds on a header of 1 MB."""

MAX_CONTENT_HEADER_CHARS = 2048
"""Longest Content-Type, Content-Disposition or Content-Transfer-Encoding: parsing their parameters is quadratic."""

MAX_PARTS = 100
"""Most multipart and message parts: the email package recurses into each, and 1,000 nested ones overflow it."""

MAX_LINES = 150_000
"""Most lines in a message: the parser takes about 5 µs a line; 10 MiB of base64 photos is 138,000 lines."""

MAX_HEADER_LINES = 20_000
"""Most lines in the message's header: a real one has a few hundred at most."""

MAX_HTML_CHARS = 1024 * 1024
"""Most HTML turned into text; a longer HTML part is cut there (the buyer's words are at its top)."""

MAX_THREAD_IDS = 100
"""Most ids kept from References: the first one and the latest ones (RFC 5322 allows trimming the middle)."""

_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")
# A blank line, an mbox "From " line, then a header: the next message of an mbox (one in a body is ">From ").
_MBOX_SEPARATOR = re.compile(rb"\n\nFrom [^\n]*\n[!-9;-~]+[ \t]*:")
_PART_HEADER = re.compile(rb"^content-type[ \t]*:[ \t]*(?:multipart|message)/", re.IGNORECASE | re.MULTILINE)
_CONTENT_HEADER = re.compile(rb"^content-[a-z-]*[ \t]*:[^\n]*(?:\n[ \t][^\n]*)*", re.IGNORECASE | re.MULTILINE)
_MSG_ID = re.compile(r"<([!-;=?-~]{1,250}@[!-;=?-~]{1,250})>")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]+")
# Charsets as mail programs really mean them (WHATWG Encoding): the superset a label stands for.
_CHARSETS = {
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "iso-2022-jp": "iso2022_jp_ext",
    "tis-620": "cp874",
    "unknown-8bit": "utf-8",
    "x-unknown": "utf-8",
}


@dataclass(frozen=True)
class BuyerMessage:
    """A buyer's email as replykit uses it; every text field is decoded and on one line where a header is."""

    sender: Mailbox | None
    """The first mailbox of From."""
    reply_to: tuple[Mailbox, ...]
    """The Reply-To mailboxes, () if none."""
    subject: str
    """Decoded (RFC 2047), whitespace collapsed, "" if none."""
    message_id: str | None
    """"<id@host>", None when absent or unreadable (the reply then cannot thread)."""
    in_reply_to: tuple[str, ...]
    """"<id>" each."""
    references: tuple[str, ...]
    """"<id>" each, oldest first."""
    date: datetime | None
    """Aware datetime from Date (a "-0000" zone read as UTC), None if absent or unreadable."""
    text: str
    """The whole body as text: text/plain preferred, else HTML turned into text."""
    own_words: str
    """``text`` without quoted earlier messages and signature: what the buyer wrote this time."""
    html_only: bool
    """The text came from HTML."""
    notes: tuple[str, ...] = ()
    """What was read with a guess, for stderr: "the body declares charset 'x-foo', unknown; read as UTF-8"."""
    authors: tuple[Mailbox, ...] = ()
    """Every mailbox of From, ``sender`` first; () is read as ``sender`` alone."""

    @property
    def recipients(self) -> tuple[Mailbox, ...]:
        """Who the reply goes to (RFC 5322 3.6.3): Reply-To, else every mailbox of From; () if neither."""
        if self.reply_to:
            return self.reply_to
        return self.authors or ((self.sender,) if self.sender is not None else ())

    @property
    def thread_references(self) -> tuple[str, ...]:
        """The reply's References (RFC 5322 3.6.4): References, else a single In-Reply-To, then the Message-ID."""
        chain = self.references or (self.in_reply_to if len(self.in_reply_to) == 1 else ())
        if self.message_id is None:
            return chain
        return tuple(i for i in chain if i != self.message_id) + (self.message_id,)


def _invalid(source: str, message: str, hint: str) -> MessageInvalid:
    return MessageInvalid(message, path=source, hint=hint)


_NOT_MAIL_HINT = "give one email as saved by a mail program (.eml), with its headers, such as mutt's pipe-message"


def _check_form(raw: bytes, source: str) -> bytes:
    """The message without an mbox "From " line, with LF line ends; MessageInvalid if it cannot be an email."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise _invalid(
            source,
            f"the message is {len(raw):,} bytes; replykit reads messages up to {MAX_MESSAGE_BYTES // (1 << 20)} MiB",
            "save the buyer's email without its attachments, or copy its text into a new message",
        )
    raw = raw.lstrip(b"\r\n\t ")
    if not raw:
        raise _invalid(source, "empty input: no message to read", _NOT_MAIL_HINT)
    mbox = raw.startswith(b"From ")
    if mbox:
        raw = raw.split(b"\n", 1)[1] if b"\n" in raw else b""
    raw = raw.replace(b"\r\n", b"\n")
    if mbox and (more := len(_MBOX_SEPARATOR.findall(raw))):
        # The later messages would be read as the first one's body: its order id, language and triggers.
        raise _invalid(
            source,
            f"the input is an mbox holding {more + 1} messages; replykit answers one message at a time",
            "save the one message to answer (in mutt, pipe-message on it), or split the mbox first",
        )
    if not raw.strip():
        raise _invalid(source, "empty input: an mbox 'From ' line and no message", _NOT_MAIL_HINT)
    first = raw.split(b"\n", 1)[0]
    if not _HEADER_LINE.match(first):
        shown = first[:40].decode("utf-8", "replace")
        raise _invalid(
            source,
            f"not an email: it starts with {shown!r}, not a header such as 'From: buyer@example.com'",
            _NOT_MAIL_HINT,
        )
    lines = raw.count(b"\n")
    end = raw.find(b"\n\n")
    header_lines = raw.count(b"\n", 0, end if end >= 0 else len(raw))
    for count, limit, what in ((lines, MAX_LINES, "lines"), (header_lines, MAX_HEADER_LINES, "header lines")):
        if count > limit:
            raise _invalid(
                source,
                f"the message has {count:,} {what}; replykit reads up to {limit:,}",
                "this is not a message a mail program wrote; check the file",
            )
    parts = len(_PART_HEADER.findall(raw))
    if parts > MAX_PARTS:
        raise _invalid(
            source,
            f"the message has {parts:,} multipart or attached-message parts; replykit reads up to {MAX_PARTS}",
            "save only the buyer's own message, not a digest or a nested forward",
        )
    for match in _CONTENT_HEADER.finditer(raw):
        if len(match[0]) > MAX_CONTENT_HEADER_CHARS:
            name = match[0].split(b":", 1)[0].decode("ascii", "replace")
            raise _invalid(
                source,
                f"a {name} header is {len(match[0]):,} characters long; "
                f"replykit reads up to {MAX_CONTENT_HEADER_CHARS:,}",
                "this is not a message a mail program wrote; check the file",
            )
    return raw


def _raw_header(msg: Message, name: str, source: str, *, limit: int | None = MAX_HEADER_CHARS) -> str | None:
    """The raw text of the first ``name`` header, unfolded; None if absent. Refuses one over ``limit``."""
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            text = str(value)
            if limit is not None and len(text) > limit:
                raise _invalid(
                    source,
                    f"the {name} header is {len(text):,} characters long; replykit reads up to {limit:,}",
                    "this is not a message a mail program wrote; check the file",
                )
            return re.sub(r"\r?\n[ \t]", " ", _eight_bit(text))
    return None


def _eight_bit(text: str) -> str:
    """A raw header value with its 8-bit bytes (kept by the parser as surrogates) read as UTF-8, else Windows-1252."""
    if text.isascii():
        return text
    data = text.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _decode_bytes(data: bytes, charset: str | None, what: str, notes: list[str]) -> str:
    """``data`` decoded from ``charset`` (as mail programs mean it); an unknown one is read as UTF-8 and noted."""
    import codecs

    label = (charset or "utf-8").strip().strip('"').lower()
    name = _CHARSETS.get(label, label)
    try:
        codecs.lookup(name)
    except (LookupError, ValueError):
        notes.append(f"{what} declares charset {label[:40]!r}, which replykit does not know; read as UTF-8")
        name = "utf-8"
    if name == "utf-8":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            if label in ("utf-8", "utf8", "us-ascii", "ascii"):
                notes.append(f"{what} is not valid {label.upper()}; read as Windows-1252")
            return data.decode("cp1252", "replace")
    try:
        return data.decode(name)
    except UnicodeDecodeError:
        notes.append(f"{what} holds bytes that are not {label}; they read as U+FFFD")
        return data.decode(name, "replace")


def _decode_words(raw: str, what: str, notes: list[str]) -> str:
    """A header value with its RFC 2047 encoded words decoded; an unknown charset is read as UTF-8 and noted."""
    from email.header import decode_header

    if "=?" not in raw:
        return raw
    try:
        chunks = decode_header(raw)
    except Exception:  # the email package raises HeaderParseError and others on hostile words
        notes.append(f"{what} holds an encoded word that cannot be decoded; kept as written")
        return raw
    out: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None:  # text between encoded words, which decode_header gives back as raw-unicode-escape
            out.append(chunk.decode("raw-unicode-escape", "replace"))
        else:
            out.append(_decode_bytes(chunk, charset or "utf-8", what, notes))
    return "".join(out)


def _one_line(text: str) -> str:
    """Control characters and line breaks turned into spaces, whitespace collapsed."""
    return " ".join(_CONTROL.sub(" ", text).split())


def _mailboxes(msg: Message, name: str, source: str, notes: list[str]) -> tuple[Mailbox, ...]:
    """The mailboxes of an address header that replykit can answer; unreadable ones are skipped with a note."""
    from email.utils import getaddresses

    from replykit.errors import InvalidAddress
    from replykit.output.addresses import check_address

    raw = _raw_header(msg, name, source)
    if raw is None or not raw.strip():
        return ()
    try:
        pairs = getaddresses([raw])
    except Exception:  # getaddresses raises on some hostile input in older Pythons
        pairs = []
    # Before the fix for CVE-2023-27043 (3.11.7 among them), getaddresses reads a malformed list as
    # other addresses: "x@evil.example <anna@example.com>" as two. The fix's own check: one address a comma.
    if len(pairs) != 1 + _QUOTED.sub("", raw).count(","):
        pairs = []
    found: list[Mailbox] = []
    for display, addr in pairs:
        try:
            addr = check_address(name, addr)
        except InvalidAddress:
            continue
        found.append(Mailbox(name=_one_line(_decode_words(display, name, notes)), addr=addr))
    if not found:
        notes.append(f"the {name} header {_one_line(raw)[:80]!r} holds no address replykit can answer; ignored")
    return tuple(found)


def _ids(msg: Message, name: str) -> tuple[str, ...]:
    raw = _raw_header(msg, name, "", limit=None)
    if raw is None:
        return ()
    ids = tuple(dict.fromkeys(f"<{m}>" for m in _MSG_ID.findall(raw)))
    if len(ids) > MAX_THREAD_IDS:
        ids = ids[:1] + ids[-(MAX_THREAD_IDS - 1) :]
    return ids


def _date(msg: Message, source: str, notes: list[str]) -> datetime | None:
    from email.utils import parsedate_to_datetime

    raw = _raw_header(msg, "Date", source, limit=1000)
    if raw is None:
        return None
    try:
        date = parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        notes.append(f"the Date header {_one_line(raw)[:60]!r} is not a date; ignored")
        return None
    return date if date.tzinfo is not None else date.replace(tzinfo=timezone.utc)


def _is_attachment(part: Message) -> bool:
    disposition = str(part.get("Content-Disposition") or "").split(";", 1)[0].strip().lower()
    return disposition == "attachment"


def _body_parts(msg: Message) -> tuple[Message | None, Message | None]:
    """The first text/plain and the first text/html part that is not an attachment or a forwarded message."""
    plain: Message | None = None
    html: Message | None = None
    stack: list[Message] = [msg]
    while stack:
        part = stack.pop()
        kind = part.get_content_type()
        if part.is_multipart():
            if kind == "message/rfc822" and part is not msg:
                continue  # a forwarded message: the buyer's words are the outer text
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend(sub for sub in reversed(payload) if not isinstance(sub, str))
            continue
        if _is_attachment(part):
            continue
        if kind == "text/plain" and plain is None:
            plain = part
        elif kind == "text/html" and html is None:
            html = part
    return plain, html


def _part_text(part: Message, what: str, notes: list[str]) -> str:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return ""
    try:
        charset = part.get_content_charset()
    except Exception:  # a malformed Content-Type parameter
        charset = None
    return _decode_bytes(data, charset, what, notes).replace("\r\n", "\n").replace("\r", "\n")


def read_message(raw: bytes, *, source: str = "<stdin>") -> BuyerMessage:
    """Read one email (bytes as saved or piped by a mail program) into a BuyerMessage.

    Accepts an mbox "From " line first, CRLF line ends, any MIME structure (text/plain is
    preferred to HTML; attachments and forwarded messages are left out), quoted-printable
    and base64, and any charset Python knows (plus the labels mail programs misuse, read
    as the superset they mean). Raises MessageInvalid, naming ``source``, for empty input,
    input that is not an email, a message over MAX_MESSAGE_BYTES or with more than
    MAX_PARTS parts, a From/Reply-To/Subject header over MAX_HEADER_CHARS, and a message
    with no address to answer (neither From nor Reply-To holds one). A missing Message-ID
    is not an error: ``message_id`` is None and the reply cannot thread.
    """
    from email import policy
    from email.parser import BytesParser

    raw = _check_form(raw, source)
    try:
        msg = BytesParser(policy=policy.compat32).parsebytes(raw)
    except RecursionError:
        raise _invalid(source, "the message's parts are nested too deeply to read", _NOT_MAIL_HINT) from None
    notes: list[str] = []
    sender = _mailboxes(msg, "From", source, notes)
    reply_to = _mailboxes(msg, "Reply-To", source, notes)
    if not sender and not reply_to:
        has_from = _raw_header(msg, "From", source) is not None
        raise _invalid(
            source,
            ("the From header holds no address" if has_from else "no From header")
            + " and no Reply-To: nobody to answer",
            "give the whole message as the mail program saved it, headers included",
        )
    subject_raw = _raw_header(msg, "Subject", source)
    subject = _one_line(_decode_words(subject_raw, "the Subject", notes)) if subject_raw else ""
    message_ids = _ids(msg, "Message-ID")
    plain, html = _body_parts(msg)
    text = own = ""
    if plain is not None:
        text = _part_text(plain, "the text part", notes)
        own = _own_words(text)
    elif html is not None:
        from replykit.inbound.text import html_texts

        markup = _part_text(html, "the HTML part", notes)
        if len(markup) > MAX_HTML_CHARS:
            notes.append(f"the HTML part has {len(markup):,} characters; read its first {MAX_HTML_CHARS:,}")
            markup = markup[:MAX_HTML_CHARS]
        text, without_quotes = html_texts(markup)
        own = _own_words(without_quotes)
    return BuyerMessage(
        sender=sender[0] if sender else None,
        reply_to=reply_to,
        subject=subject,
        message_id=message_ids[0] if message_ids else None,
        in_reply_to=_ids(msg, "In-Reply-To"),
        references=_ids(msg, "References"),
        date=_date(msg, source, notes),
        text=text,
        own_words=own,
        html_only=plain is None and html is not None,
        notes=tuple(dict.fromkeys(notes)),
        authors=sender,
    )


def _own_words(text: str) -> str:
    from replykit.inbound.text import own_words

    return own_words(text)


# Reply prefixes mail programs write, in the 12 languages and a few more: Re, AW (de), SV (sv, da, no),
# VS (fi), Antw (nl), Odp (pl), R and Rif (it), Ref and Réf (fr), RES (pt-BR), Ynt (tr), 回复/答复 (zh),
# 返信 (ja), 답장 (ko), Ответ (ru), رد (ar); with a count ("Re[2]:", "Re(2):") and a full-width colon.
_REPLY_PREFIX = re.compile(
    r"\s*(?:re|aw|sv|vs|antw|antwort|odp|r|rif|ref|réf|res|ynt|回复|答复|回覆|答覆|返信|답장|ответ|رد)"
    r"\s*(?:\[\d{1,5}\]|\(\d{1,5}\))?\s*\.?\s*[:：]",
    re.IGNORECASE,
)


def reply_subject(subject: str) -> str:
    """The subject of a reply: "Re: " and ``subject`` without its earlier reply prefixes.

    "AW: Re: Bestellung" -> "Re: Bestellung", "RE: RE: x" -> "Re: x", "Réf. : x" -> "Re: x",
    "回复：x" -> "Re: x", "Re[2]: x" -> "Re: x". Forward prefixes (Fwd:, WG:, TR:) are the
    buyer's and are kept. A subject that is empty, or holds only reply prefixes, gives ""
    so that the caller can use the scenario's own subject instead of a bare "Re:".
    """
    rest = _one_line(subject)
    while True:
        match = _REPLY_PREFIX.match(rest)
        if not match:
            break
        rest = rest[match.end() :].lstrip()
    return f"Re: {rest}" if rest else ""


_MARKETPLACE_SUFFIX = re.compile(
    r"\s*(?:[-–—|(]\s*(?:(?:via|über|par|tramite|a través de|através de|por|przez|через|von)\s+)?"
    r"|\b(?:via|über|par|tramite|a través de|através de|por|przez|через|von)\s+)"
    r"(?:amazon(?:\.[a-z.]{2,6})?(?:\s+marketplace)?|ebay(?:\.[a-z.]{2,6})?|etsy|walmart|aliexpress"
    r"|marketplace)(?:\s+(?:marketplace|messages?|members?))?\s*\)?\s*$",
    re.IGNORECASE,
)
_ONLY_MARKETPLACE = re.compile(
    r"(?:amazon(?:\.[a-z.]{2,6})?|ebay(?:\.[a-z.]{2,6})?|etsy|walmart|aliexpress|marketplace|seller central)"
    r"(?:\s+(?:marketplace|messages?|members?|customer service|kundenservice|notifications?))*",
    re.IGNORECASE,
)


def buyer_name(message: BuyerMessage) -> str | None:
    """The buyer's name from the display name of From (else Reply-To), without a marketplace's suffix.

    "Anna Schmidt - Amazon Marketplace" -> "Anna Schmidt", "anna_s via eBay" -> "anna_s".
    None when there is no display name, or it is only a marketplace ("eBay", "Amazon
    Marketplace", "Marketplace Messages") or an address.
    """
    for mailbox in (message.sender, *message.reply_to):
        if mailbox is None:
            continue
        name = _MARKETPLACE_SUFFIX.sub("", mailbox.name).strip(" \"'-–—,")
        if not name or "@" in name or _ONLY_MARKETPLACE.fullmatch(name):
            continue
        return name
    return None
