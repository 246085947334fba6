"""A rendered reply in each output format, and writing it to a file without ever leaving half of one."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from replykit.errors import UsageError

if TYPE_CHECKING:
    from replykit.rendering.templates import Reply

FORMATS = ("text", "markdown", "json", "subject", "eml", "mailto")
SENDER_ENV = "REPLYKIT_FROM"
REPLY_TO_ENV = "REPLYKIT_REPLY_TO"

# Characters CommonMark or GitHub's dialect may read as markup anywhere in a line.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
# ...and at the start of a line: headings, quotes, lists, thematic breaks, setext underlines.
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))")


def as_text(reply: Reply) -> str:
    """The body, as it is pasted into a marketplace message box."""
    return reply.body


def _escape_markdown(line: str) -> str:
    line = _MD_INLINE.sub(r"\\\1", line)
    match = _MD_LINE_START.match(line)
    if match:
        lead, mark = match.group(1), match.group(2)
        rest = line[match.end() :]
        # A list number keeps its digits; the '.' or ')' after it is what needs the backslash.
        line = lead + (mark + "\\" + rest if mark[0].isdigit() else "\\" + mark + rest)
    return line


def as_markdown(reply: Reply) -> str:
    """The subject as a heading, then the body with markup characters escaped and line breaks kept."""
    paragraphs = reply.body.strip("\n").split("\n\n")
    # A backslash at the end of a line is CommonMark's hard line break: the signature keeps its lines.
    rendered = ["\\\n".join(_escape_markdown(line) for line in p.split("\n")) for p in paragraphs]
    return "# " + _escape_markdown(reply.subject) + "\n\n" + "\n\n".join(rendered) + "\n"


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def as_json(reply: Reply) -> str:
    """Scenario, language, subject, body and the field values used; dates ISO, decimals as strings."""
    document = {
        "scenario": reply.scenario,
        "language": reply.language,
        "subject": reply.subject,
        "body": reply.body,
        "values": reply.values,
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_value) + "\n"


def as_subject(reply: Reply) -> str:
    """The subject alone on one line, for `mail -s "$(...)"`; refused if it could break a header."""
    from replykit.output.eml import check_header_text

    return check_header_text("subject", reply.subject) + "\n"


PLAIN_FORMATS: dict[str, Callable[[Reply], str]] = {
    "text": as_text,
    "markdown": as_markdown,
    "json": as_json,
    "subject": as_subject,
}

# Which mail options each format reads; giving one to another format is a mistake worth reporting.
MAIL_OPTIONS: dict[str, tuple[str, ...]] = {
    "--to": ("eml", "mailto"),
    "--cc": ("eml", "mailto"),
    "--in-reply-to": ("eml", "mailto"),
    "--from": ("eml",),
    "--reply-to": ("eml",),
}


def produce(
    reply: Reply,
    *,
    fmt: str,
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    sender: str | None = None,
    reply_to: str | None = None,
    in_reply_to: str | None = None,
    environ: Mapping[str, str] | None = None,
    default_sender: str | None = None,
) -> str:
    """The reply in the chosen format; --from and --reply-to default to REPLYKIT_FROM and REPLYKIT_REPLY_TO.

    ``default_sender`` (the profile's address) is the eml sender when neither --from nor REPLYKIT_FROM gives one.
    """
    given = {"--to": bool(to), "--cc": bool(cc), "--in-reply-to": in_reply_to is not None,
             "--from": sender is not None, "--reply-to": reply_to is not None}  # fmt: skip
    misplaced = [name for name, used in given.items() if used and fmt not in MAIL_OPTIONS[name]]
    if misplaced:
        formats = sorted({f for name in misplaced for f in MAIL_OPTIONS[name]}, key=FORMATS.index)
        raise UsageError(
            f"{', '.join(misplaced)} {'is' if len(misplaced) == 1 else 'are'} not used by --format {fmt}",
            hint=f"use {'it' if len(misplaced) == 1 else 'them'} with --format " + " or --format ".join(formats),
        )
    if fmt in PLAIN_FORMATS:
        return PLAIN_FORMATS[fmt](reply)
    from replykit.output import eml as mail

    env = os.environ if environ is None else environ
    if fmt == "mailto":
        return mail.mailto_url(reply, to=to, cc=cc, in_reply_to=in_reply_to) + "\n"
    if fmt == "eml":
        sender = sender if sender is not None else env.get(SENDER_ENV) or default_sender or None
        reply_to = reply_to if reply_to is not None else env.get(REPLY_TO_ENV) or None
        if sender is None:
            raise UsageError(
                "an email needs a sender",
                hint=f"pass --from shop@example.com, set {SENDER_ENV}, or run 'replykit config set from ADDRESS'",
            )
        if not to:
            raise UsageError("an email needs a recipient", hint="pass --to buyer@example.com (repeatable)")
        raw = mail.build_eml(reply, sender=sender, to=to, cc=cc, reply_to=reply_to, in_reply_to=in_reply_to)
        return raw.decode("utf-8")
    raise UsageError(f"unknown format {fmt!r}", hint="formats: " + ", ".join(FORMATS))


def write_atomic(path: Path, text: str, *, force: bool = False) -> None:
    """Write the reply to ``--output``: whole or not at all, and over an existing file only with --force."""
    from replykit.files import write_atomic as write

    write(path, text, replace=force, label=f"--output {path}", exists_hint="pass --force to replace it")


