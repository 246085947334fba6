"""Characters replykit refuses in text that comes from outside: packs, values, data and config files.

Whatever a pack or a value holds ends up on someone's terminal (``show``, ``list``, the reply
itself), so these are refused where they are read, with the file and line when there is one:

- control characters (C0 except tab and line feed, DEL, C1): ESC begins the sequences that
  clear the screen, retitle the window or write the clipboard (OSC 52), U+009B is a CSI on
  its own, and a carriage return moves back over what was printed;
- the bidirectional embeddings and overrides U+202A-U+202E, which make text display in
  another order than it is read ("Trojan Source"); the isolates U+2066-U+2069 that the
  ``ltr`` and ``isolate`` filters add are fine;
- lone surrogates, which are not characters, except those that stand for the bytes 0xA0-0xFF
  of a command line that is not UTF-8 (Latin-1 text typed on an 8-bit terminal, passed through
  as given): the bytes 0x80-0x9F are C1 controls there;
- where one line is expected (a value, a title), line breaks: LF, U+2028 and U+2029 too.
"""

from __future__ import annotations

import re

_ANYWHERE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\ud800-\udc9f\udd00-\udfff]")
_ONE_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\ud800-\udc9f\udd00-\udfff]")
_LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
_NAMES = {"\x1b": "escape", "\x00": "NUL", "\x7f": "delete", "\x9b": "CSI", "\u202e": "right-to-left override"}


def describe(char: str) -> str:
    """What a refused character is, for messages: 'U+001B (escape), a control character'."""
    code = f"U+{ord(char):04X}"
    name = f" ({_NAMES[char]})" if char in _NAMES else ""
    if char in _LINE_BREAKS:
        return f"a line break ({code})"
    if "\u202a" <= char <= "\u202e":
        return f"{code}{name}, a bidirectional override"
    if "\udc80" <= char <= "\udc9f":
        return f"the byte 0x{ord(char) - 0xDC00:02X}, which is not UTF-8 (a C1 control on an 8-bit terminal)"
    if "\ud800" <= char <= "\udfff":
        return f"{code}, a lone surrogate (not UTF-8 text)"
    return f"{code}{name}, a control character"


def refused(text: str, *, one_line: bool = False) -> tuple[int, str] | None:
    """The index and description of the first character of ``text`` replykit refuses, or None.

    Tab is always allowed, line feed unless ``one_line``.
    """
    found = (_ONE_LINE if one_line else _ANYWHERE).search(text)
    return None if found is None else (found.start(), describe(found.group()))


def shown(text: str, limit: int = 40) -> str:
    """``text`` quoted for a message, every character escaped that could drive a terminal, cut at ``limit``."""
    return ascii(text if len(text) <= limit else text[:limit] + "...")


# What could drive a terminal: C0 controls but tab and line feed, DEL, C1 controls, and the
# bidirectional embeddings and overrides (U+202A-U+202E).
_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


def inert(text: str) -> str:
    """``text`` with every character that could drive a terminal shown as an escape (ESC -> ``\\x1b``).

    Anything from a pack, a value or a file name that is shown to a person goes through here,
    so an ESC, OSC or CSI sequence in it cannot clear the screen, retitle the window or
    write the clipboard. Tab and line feed are kept.
    """
    return _TERMINAL.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)
