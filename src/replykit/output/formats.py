"""A rendered reply as text in each plain output format: the body, Markdown, JSON, the subject line."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from replykit.rendering.templates import Reply

FORMATS = ("text", "markdown", "json", "subject", "eml", "mailto")

# Characters CommonMark or GitHub's dialect may read as markup anywhere in a line. (Patterns are
# compiled on first use, through re's own cache: a plain-text reply never needs them.)
_MD_INLINE = r"([\\`*_\[\]<>|~&])"
# ...and at the start of a line: headings, quotes, lists, thematic breaks, setext underlines.
_MD_LINE_START = r"^(\s*)([#>+=-]|\d+(?=[.)]))"


def as_text(reply: Reply) -> str:
    """The body, as it is pasted into a marketplace message box."""
    return reply.body


def _escape_markdown(line: str) -> str:
    line = re.sub(_MD_INLINE, r"\\\1", line)
    match = re.match(_MD_LINE_START, line)
    if match:
        lead, mark = match.group(1), match.group(2)
        rest = line[match.end() :]
        # A list number keeps its digits; the '.' or ')' after it is what needs the backslash.
        line = lead + (mark + "\\" + rest if mark[0].isdigit() else "\\" + mark + rest)
    return line


def as_markdown(reply: Reply) -> str:
    """The subject as a heading (a public reply has none), then the body: markup escaped, line breaks kept."""
    paragraphs = reply.body.strip("\n").split("\n\n")
    # A backslash at the end of a line is CommonMark's hard line break: the signature keeps its lines.
    rendered = ["\\\n".join(_escape_markdown(line) for line in p.split("\n")) for p in paragraphs]
    heading = "# " + _escape_markdown(reply.subject) + "\n\n" if reply.subject else ""  # a public reply has none
    return heading + "\n\n".join(rendered) + "\n"


def _json_value(value: Any) -> Any:
    from datetime import date
    from decimal import Decimal

    if isinstance(value, Decimal):
        return format(value, "f")  # the digits given: str() would write 0.0000001 as 1E-7
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


# Characters json.dumps(ensure_ascii=False) leaves raw that a terminal would act on: DEL, the C1
# controls, and the bidirectional embeddings and overrides. (It escapes C0 controls itself.)
_JSON_UNSAFE = "[\x7f-\x9f\u202a-\u202e]"


def dumps_json(document: Any) -> str:
    """``document`` as indented UTF-8 JSON text with a final newline, every character that could drive
    a terminal written as a ``\\uXXXX`` escape (the same data, valid JSON, safe to print)."""
    import json

    text = json.dumps(document, ensure_ascii=False, indent=2, default=_json_value)
    return re.sub(_JSON_UNSAFE, lambda m: f"\\u{ord(m[0]):04x}", text) + "\n"


def json_line(document: Any) -> str:
    """``document`` as one line of JSON (JSON Lines) with a final newline, escaped as dumps_json escapes."""
    import json

    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=_json_value)
    return re.sub(_JSON_UNSAFE, lambda m: f"\\u{ord(m[0]):04x}", text) + "\n"


def as_json(reply: Reply) -> str:
    """Scenario, language, subject, body and the field values used; dates ISO, decimals as strings."""
    document = {
        "scenario": reply.scenario,
        "language": reply.language,
        "subject": reply.subject,
        "body": reply.body,
        "values": reply.values,
    }
    return dumps_json(document)


def as_subject(reply: Reply) -> str:
    """The subject alone on one line, for `mail -s "$(...)"`; refused if it could break a header."""
    from replykit.output.addresses import check_header_text

    return check_header_text("subject", reply.subject) + "\n"


PLAIN_FORMATS: dict[str, Callable[[Reply], str]] = {
    "text": as_text,
    "markdown": as_markdown,
    "json": as_json,
    "subject": as_subject,
}
