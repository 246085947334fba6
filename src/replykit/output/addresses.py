"""Addresses and header text: checking every value bound for a mail header, without importing the email package.

Used on the common path (the profile's addresses are checked when the config is read), so
it imports only ``re`` and ``unicodedata``; the email package is imported when a message is built.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from replykit.errors import InvalidAddress, UnsafeHeader

if TYPE_CHECKING:
    from email.headerregistry import Address

# RFC 5322 dot-atom local part; a domain of letter-digit-hyphen labels.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ADDR_SPEC = re.compile(rf"(?P<local>{_ATEXT}(?:\.{_ATEXT})*)@(?P<domain>{_LABEL}(?:\.{_LABEL})*)")
# Python's email package decodes RFC 2047 words in header values it is given, and before the
# fix for CVE-2024-6923 writes a decoded line break back out unencoded. Refuse anything shaped like one.
_ENCODED_WORD = re.compile(r"=\?.*\?=", re.DOTALL)
# Printable ASCII without '<', '>' and spaces; the part before the first '@' holds none, so the
# pattern has one way to match ('@' * 100,000 would otherwise take minutes to refuse).
_ID = r"[!-;=?A-~]+@[!-;=?-~]+"
_MSG_ID = re.compile(rf"<(?P<id>{_ID})>|(?P<bare>{_ID})")
# A folded References line holds at least one whole id, and no line may pass 998 bytes (RFC 5322 2.1.1).
MAX_MESSAGE_ID = 900
_NAME_AND_ADDRESS = re.compile(r"(?P<name>.*)<(?P<addr>[^<>]*)>\s*", re.DOTALL)
_CHAR_NAMES = {
    "\n": "line feed",
    "\r": "carriage return",
    "\0": "NUL",
    "\t": "tab",
    "\x1b": "escape",
    "\x0b": "line tabulation",
    "\x0c": "form feed",
    "\x7f": "delete",
    "\x85": "next line",
}


def unsafe_char(value: str) -> str | None:
    """The first control, line-separator or format character in value, or None."""
    for char in value:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in "\u0085\ufeff":
            return char
    return None


def looks_encoded(value: str) -> bool:
    """True when ``value`` holds text shaped like an RFC 2047 encoded word, which check_header_text refuses."""
    return _ENCODED_WORD.search(value) is not None


def check_header_text(label: str, value: str) -> str:
    """Return value unchanged, or raise UnsafeHeader if it could break out of a mail header."""
    char = unsafe_char(value)
    if char is not None:
        name = _CHAR_NAMES.get(char) or unicodedata.name(char, "control character").lower()
        raise UnsafeHeader(
            f"{label}: {value!r} contains a {name} (U+{ord(char):04X}); a mail header must be one line of plain text",
            hint="remove the line break or control character from the value",
        )
    if looks_encoded(value):
        raise UnsafeHeader(
            f"{label}: {value!r} looks like an RFC 2047 encoded word ('=?...?='); replykit encodes headers itself",
            hint="give the text as it should read, not encoded",
        )
    return value


@dataclass(frozen=True)
class Mailbox:
    """One address, with an optional display name."""

    name: str
    addr: str

    def header(self) -> Address:
        """The email package's Address, which quotes and encodes the display name."""
        from email.headerregistry import Address

        return Address(display_name=self.name, addr_spec=self.addr)


def _unquote(name: str) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return re.sub(r"\\(.)", r"\1", name[1:-1])
    return name


def check_address(label: str, addr: str) -> str:
    """Return a plain addr-spec (local@domain), or raise InvalidAddress saying why it is not one."""
    addr = addr.strip()
    problem = ""
    if not addr:
        problem = "it is empty"
    elif "," in addr and addr.count("@") > 1:
        problem = "that is a list; give one address per option and repeat the option"
    elif addr.count("@") != 1:
        problem = "an address has exactly one '@'"
    elif not addr.isascii():
        problem = "replykit takes ASCII addresses (write an international domain in its xn-- form)"
    elif not ADDR_SPEC.fullmatch(addr):
        problem = "expected an address such as buyer@example.com"
    elif len(addr.split("@")[0]) > 64 or len(addr) > 254:
        problem = "it is longer than an address may be"
    if problem:
        raise InvalidAddress(
            f"{label}: {addr!r} is not an email address: {problem}",
            hint="give one address per option, as buyer@example.com or 'Name <buyer@example.com>'",
        )
    return addr


def parse_mailbox(label: str, value: str) -> Mailbox:
    """Read 'buyer@example.com', 'Name <buyer@example.com>' or '"Doe, Jo" <jo@example.com>' as one mailbox."""
    check_header_text(label, value)
    match = _NAME_AND_ADDRESS.fullmatch(value.strip())
    if match:
        return Mailbox(name=_unquote(match["name"]), addr=check_address(label, match["addr"]))
    if "<" in value or ">" in value:
        raise InvalidAddress(
            f"{label}: {value!r} is not an email address: unbalanced '<' or '>'",
            hint="write it as 'Name <buyer@example.com>'",
        )
    return Mailbox(name="", addr=check_address(label, value))


def parse_message_id(label: str, value: str) -> str:
    """Return '<id@host>' for a Message-ID given with or without its angle brackets.

    Raises UnsafeHeader for a line break or control character, InvalidAddress for anything
    else that is not one id (spaces, two ids, no '@') or for an id over MAX_MESSAGE_ID characters.
    """
    check_header_text(label, value)
    match = _MSG_ID.fullmatch(value.strip())
    if not match:
        raise InvalidAddress(
            f"{label}: {value!r} is not a Message-ID",
            hint="copy the buyer's Message-ID header, such as <4521.123@mail.example.com>",
        )
    found = f"<{match['id'] or match['bare']}>"
    if len(found) > MAX_MESSAGE_ID:
        raise InvalidAddress(
            f"{label}: a Message-ID of {len(found)} characters; at most {MAX_MESSAGE_ID} fit a mail header",
            hint="copy the buyer's Message-ID header, such as <4521.123@mail.example.com>",
        )
    return found
