"""How a reply leaves replykit: the format and every email input, decided before anything is rendered.

``plan_delivery`` checks the command line's delivery options at once (which format, which
mail options it reads, who sends and who receives) so that a run that cannot deliver
fails before rendering, with every missing input in one error. ``produce`` turns a
rendered reply into the bytes of that format; ``deliver`` sends them to a file, the
clipboard or stdout.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from replykit.errors import ClipboardUnavailable, UsageError
from replykit.output.formats import FORMATS, PLAIN_FORMATS

if TYPE_CHECKING:
    from replykit.config import Profile
    from replykit.output.addresses import Mailbox
    from replykit.rendering.templates import Reply

SENDER_ENV = "REPLYKIT_FROM"
REPLY_TO_ENV = "REPLYKIT_REPLY_TO"

# Which mail options each format reads; giving one to another format is a mistake worth reporting.
MAIL_OPTIONS: dict[str, tuple[str, ...]] = {
    "--to": ("eml", "mailto"),
    "--cc": ("eml", "mailto"),
    "--in-reply-to": ("eml", "mailto"),
    "--references": ("eml",),
    "--from": ("eml",),
    "--reply-to": ("eml",),
    "--unsent": ("eml",),
    "--no-unsent": ("eml",),
}
_MISSING_HINTS = {
    "a sender": f"pass --from shop@example.com, set {SENDER_ENV}, or run 'replykit config set from ADDRESS'",
    "a recipient": "pass --to buyer@example.com (repeatable)",
}


class Delivery(NamedTuple):
    """A checked delivery: the format and, for email formats, the parsed addresses and thread."""

    format: str = "text"
    to: tuple[Mailbox, ...] = ()
    cc: tuple[Mailbox, ...] = ()
    sender: Mailbox | None = None
    reply_to: Mailbox | None = None
    in_reply_to: tuple[str, ...] = ()
    """The Message-IDs replied to, ``<id@host>`` each, each once (mailto: keeps the first)."""
    references: tuple[str, ...] = ()
    """The parent's References chain, in order, ``<id@host>`` each (eml only)."""
    unsent: bool = False
    """Whether the eml carries ``X-Unsent: 1`` (a draft to open in a mail program)."""
    timezone: str | None = None
    """The IANA time zone of the eml's Date (the profile's ``timezone``); None: the machine's."""


def sender_address(
    *, option: str | None, environ: Mapping[str, str], profile: Profile | None
) -> tuple[str, str] | None:
    """The sender of an email and where it came from, or None.

    Order: ``--from``, else ``$REPLYKIT_FROM``, else the profile's ``from``, else its
    ``support_email``. Returns ``(value, label)``, the label naming the source in errors.
    """
    if option is not None:
        return option, "--from"
    if environ.get(SENDER_ENV):
        return environ[SENDER_ENV], SENDER_ENV
    values = profile.values if profile is not None else {}
    for key in ("from", "support_email"):
        if values.get(key):
            return values[key], f"profile {key}"
    return None


def plan_delivery(
    fmt: str,
    *,
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    sender: str | None = None,
    reply_to: str | None = None,
    in_reply_to: Sequence[str] = (),
    references: Sequence[str] = (),
    unsent: bool | None = None,
    to_file: bool = False,
    environ: Mapping[str, str] | None = None,
    profile: Profile | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> Delivery:
    """Check the delivery options of one run, before rendering.

    ``in_reply_to`` and ``references``: Message-IDs as given (``--in-reply-to``, ``--references``,
    repeatable; with or without angle brackets); an id given twice is kept once, with a
    notice. ``unsent``: ``--unsent`` (True) or ``--no-unsent`` (False); None decides by
    ``to_file``: an eml written to a file (``--output``) is a draft to open in a mail program
    and gets ``X-Unsent: 1``, one on stdout or the clipboard is piped to mutt, ``msmtp -t``
    or a script that sends it as it is, and does not. The Date's time zone is the profile's
    ``timezone``. Notices go to ``on_notice``.

    Raises UsageError for an unknown format, for mail options the format does not read, and
    for every missing email input at once (sender and recipient); InvalidAddress or
    UnsafeHeader for a malformed or unsafe address or Message-ID, or for more Message-IDs
    than a reply may name (``eml.MAX_THREAD_IDS``).
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}", hint="formats: " + ", ".join(FORMATS))
    in_reply_to = (in_reply_to,) if isinstance(in_reply_to, str) else tuple(in_reply_to)
    references = (references,) if isinstance(references, str) else tuple(references)
    given = {"--to": bool(to), "--cc": bool(cc), "--in-reply-to": bool(in_reply_to),
             "--references": bool(references), "--from": sender is not None, "--reply-to": reply_to is not None,
             "--unsent": unsent is True, "--no-unsent": unsent is False}  # fmt: skip
    misplaced = [name for name, used in given.items() if used and fmt not in MAIL_OPTIONS[name]]
    if misplaced:
        formats = sorted({f for name in misplaced for f in MAIL_OPTIONS[name]}, key=FORMATS.index)
        raise UsageError(
            f"{', '.join(misplaced)} {'is' if len(misplaced) == 1 else 'are'} not used by --format {fmt}",
            hint=f"use {'it' if len(misplaced) == 1 else 'them'} with --format " + " or --format ".join(formats),
        )
    if fmt in PLAIN_FORMATS:
        return Delivery(fmt)
    from replykit.output.addresses import parse_mailbox, parse_message_id
    from replykit.output.eml import thread_headers, thread_ids

    env = os.environ if environ is None else environ
    origin = sender_address(option=sender, environ=env, profile=profile) if fmt == "eml" else None
    if fmt == "eml":
        missing = [what for what, absent in (("a sender", origin is None), ("a recipient", not to)) if absent]
        if missing:
            raise UsageError(
                "an email needs " + " and ".join(missing), hint="; ".join(_MISSING_HINTS[m] for m in missing)
            )
    if reply_to is None and fmt == "eml" and env.get(REPLY_TO_ENV):
        reply_to = env[REPLY_TO_ENV]
    note = on_notice or (lambda message: None)
    for label, values in (("--in-reply-to", in_reply_to), ("--references", references)):
        ids = [parse_message_id(label, value) for value in values]
        for twice in sorted({i for i in ids if ids.count(i) > 1}, key=ids.index):
            note(f"{label} {twice} is given {ids.count(twice)} times; it is used once")
    parents, chain = thread_headers(in_reply_to, references)
    if fmt == "mailto" and len(parents) > 1:
        note(f"--format mailto carries one --in-reply-to, the first ({parents[0]}); the others are left out")
        parents = parents[:1]
    return Delivery(
        fmt,
        to=tuple(parse_mailbox("--to", value) for value in to),
        cc=tuple(parse_mailbox("--cc", value) for value in cc),
        sender=parse_mailbox(origin[1], origin[0]) if origin is not None else None,
        reply_to=parse_mailbox("--reply-to", reply_to) if reply_to is not None else None,
        in_reply_to=parents,
        references=thread_ids("--references", references),
        unsent=fmt == "eml" and (to_file if unsent is None else unsent),
        timezone=(profile.values.get("timezone") if profile is not None else None) or None,
    )


def produce(reply: Reply, delivery: Delivery) -> bytes:
    """The reply in the delivery's format, as the bytes to write (UTF-8 text, or a whole RFC 5322 message)."""
    if delivery.format in PLAIN_FORMATS:
        return PLAIN_FORMATS[delivery.format](reply).encode("utf-8", "surrogateescape")
    from replykit.output import eml

    if delivery.format == "mailto":
        url = eml.mailto_url(reply, to=delivery.to, cc=delivery.cc, in_reply_to=delivery.in_reply_to)
        return (url + "\n").encode("ascii")
    assert delivery.sender is not None  # plan_delivery guarantees a sender for eml
    return eml.build_eml(
        reply,
        sender=delivery.sender,
        to=delivery.to,
        cc=delivery.cc,
        reply_to=delivery.reply_to,
        in_reply_to=delivery.in_reply_to,
        references=delivery.references,
        date=eml.message_date(delivery.timezone),
        unsent=delivery.unsent,
    )


def write_output(path: Path, payload: bytes, *, force: bool = False) -> None:
    """Write ``--output``: whole or not at all, and over an existing file only with --force."""
    from replykit.files import write_atomic

    write_atomic(path, payload, replace=force, label=f"--output {path}", exists_hint="pass --force to replace it")


def deliver(
    payload: bytes,
    *,
    copy: bool = False,
    quiet: bool = False,
    output: Path | None = None,
    force: bool = False,
    stdout: Callable[[bytes], None],
    note: Callable[[str], None],
) -> None:
    """Send the finished reply to a file or stdout, and to the clipboard if asked.

    When the clipboard cannot be reached the reply still goes to stdout (even with
    ``quiet``), so it is never lost, and ClipboardUnavailable is raised afterwards.
    """
    if output is not None:
        write_output(output, payload, force=force)
        if not quiet:
            note(f"wrote {output}")
    failure: ClipboardUnavailable | None = None
    if copy:
        from replykit.output.clipboard import OSC52
        from replykit.output.clipboard import copy as copy_to_clipboard

        try:
            used = copy_to_clipboard(payload.decode("utf-8", "surrogateescape"))
        except ClipboardUnavailable as exc:
            failure = exc
        else:
            if not quiet:
                note(
                    "sent to the terminal's clipboard with OSC 52 (tmux needs: set -g set-clipboard on)"
                    if used == OSC52
                    else f"copied to the clipboard with {used}"
                )
    if output is None and (not quiet or failure is not None):
        stdout(payload)
    if failure is not None:
        raise failure
