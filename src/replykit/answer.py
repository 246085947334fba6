"""Answering a buyer's email: what the message gives the reply, before it is rendered.

``answer_request`` takes a ``render`` request as the command line gave it and the buyer's
message, and fills what the command line left open: the recipient (Reply-To, else From),
the thread (In-Reply-To and References, RFC 5322 section 3.6.4), the subject ("Re: ..."),
the buyer's name and order id, the language of the buyer's own words and the channel the
message came through. The command line always wins; every value taken from the message is
reported, so nothing is filled in silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, BinaryIO

from replykit.errors import MessageInvalid, UsageError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from replykit.config import Profile
    from replykit.inbound.message import BuyerMessage
    from replykit.inbound.orders import FoundOrderId
    from replykit.packs.fields import Field
    from replykit.packs.library import Library
    from replykit.packs.scenario import Scenario
    from replykit.pipeline import Composer, Rendered, RenderRequest
    from replykit.triage import Triage

    Notify = Callable[[str], None]

_CHANNEL_NAMES = {"amazon": "an Amazon buyer alias", "ebay": "an eBay member relay"}


@dataclass(frozen=True)
class Taken:
    """A field value taken from the buyer's message, and where in it."""

    field: str
    value: str
    where: str
    """For the user: "the From display name", "an Amazon order id in the subject"."""


@dataclass(frozen=True)
class Answer:
    """The render request for the reply, what was taken from the message, and what to tell the user."""

    request: RenderRequest
    taken: tuple[Taken, ...]
    notes: tuple[str, ...]
    """Lines for stderr: the language and why, the channel and why, the values taken."""
    warnings: tuple[str, ...]
    """Lines for stderr about what the reply cannot do, such as thread onto a message without a Message-ID."""


def read_message_input(path: Path | None, stdin: BinaryIO | None, *, command: str = "reply") -> BuyerMessage:
    """The buyer's message from ``path`` or, without one, from ``stdin``, read up to the size limit.

    Raises UsageError when there is no path and stdin is a terminal (nothing piped in), and
    MessageInvalid (exit 14) when the bytes are not a message replykit can answer or are
    over ``inbound.message.MAX_MESSAGE_BYTES``; InputOutputError when the file cannot be read.
    """
    from replykit.inbound.message import MAX_MESSAGE_BYTES, read_message

    def too_big(message: str) -> Exception:
        return MessageInvalid(message, path=source, hint="save only the buyer's message, without attachments")

    if path is not None:
        from replykit.files import read_limited

        source = str(path)
        raw = read_limited(path, MAX_MESSAGE_BYTES, what="an email", label=f"--message {path}", too_large=too_big)
        return read_message(raw, source=source)
    source = "<stdin>"
    if stdin is None or stdin.isatty():
        raise UsageError(
            f"{command} reads the buyer's email from stdin, and nothing was piped in",
            hint=f"pipe the message in (replykit {command} {'SCENARIO ' * (command == 'reply')}< buyer.eml) "
            "or pass --message FILE",
        )
    raw = stdin.read(MAX_MESSAGE_BYTES + 1)
    if len(raw) > MAX_MESSAGE_BYTES:
        raise too_big(f"the message is over {MAX_MESSAGE_BYTES:,} bytes")
    return read_message(raw, source=source)


def _given(request: RenderRequest, data: Mapping[str, Any]) -> set[str]:
    """Field names the command line sets, by a field option, by --set or in the --data file."""
    names = set(request.fields) | set(data)
    names.update(a.split("=", 1)[0].strip().replace("-", "_") for a in request.assignments if "=" in a)
    return names


def answer_request(
    request: RenderRequest,
    message: BuyerMessage,
    *,
    scenario: Scenario,
    profile: Profile,
    data: Mapping[str, Any] = MappingProxyType({}),
) -> Answer:
    """The render request that answers ``message`` with ``scenario``, and what was taken from the message.

    Command-line values win over the message's; the message's win over the profile's.
    Raises MessageInvalid when an email is asked for and the message names nobody to answer
    (neither Reply-To nor From). The profile's ``order_pattern`` was checked when the config
    was read.
    """
    from replykit.inbound.message import buyer_name, reply_subject
    from replykit.inbound.orders import channel_of, find_order_id

    notes: list[str] = []
    warnings: list[str] = []
    taken: list[Taken] = []
    given = _given(request, data)
    field_names = {f.name for f in scenario.fields}

    if "name" in field_names and "name" not in given:
        name = buyer_name(message)
        problem = _unusable_name(name) if name else None
        if problem:
            warnings.append(f"the From display name {name!r} is not used as the name: it holds {problem} (pass --name)")
        elif name:
            taken.append(Taken("name", name, "the From display name"))
        elif message.sender is not None and message.sender.name:
            notes.append(
                f"the From display name {message.sender.name!r} is a marketplace's or an address, "
                "not the buyer's name: name is not taken from it"
            )
    if "order_id" in field_names and "order_id" not in given:
        found = find_order_id(
            message.subject, message.text, shop_pattern=profile.values.get("order_pattern"), warnings=warnings
        )
        if found is not None:
            taken.append(Taken("order_id", found.order_id, _found_where(found)))
    if taken:
        notes.append("from the message: " + "; ".join(f"{t.field} {t.value!r} ({t.where})" for t in taken))

    lang, lang_note = _language(request, message, scenario=scenario, profile=profile)
    notes.append(lang_note)

    channel, channel_source = request.channel, request.channel_source
    if channel is None:
        guessed = channel_of(message.sender)
        if guessed is not None:
            channel, channel_source = guessed, "the sender's address"
            notes.append(f"channel: {guessed} (the sender is {_CHANNEL_NAMES.get(guessed, guessed)})")

    to: Sequence[str] = request.to
    in_reply_to, references = request.in_reply_to, request.references
    if request.format in ("eml", "mailto"):
        if not to:
            if not message.recipients:
                raise MessageInvalid(
                    "the message has neither a Reply-To nor a From address: there is nobody to answer",
                    hint="pass --to buyer@example.com",
                )
            to = tuple(_recipient(m.name, m.addr, notes) for m in message.recipients)
        if not in_reply_to and not references:
            if message.message_id is None:
                warnings.append("the buyer's message has no Message-ID: the reply starts a new thread")
            else:
                in_reply_to = (message.message_id,)
                # a mailto: URL carries no References (RFC 6068)
                references = _shortened(message.thread_references[:-1]) if request.format == "eml" else ()

    wanted = reply_subject(message.subject)
    subject = _subject(wanted, warnings) or None
    if not wanted and not scenario.public:
        notes.append("the buyer's message has no subject: the reply keeps the scenario's own")

    answered = request._replace(
        found={**{t.field: t.value for t in taken}, **data},
        data=None,
        lang=lang,
        lang_source="the buyer's message" if request.lang is None and lang is not None else "--lang",
        channel=channel,
        channel_source=channel_source,
        to=tuple(to),
        in_reply_to=tuple(in_reply_to),
        references=tuple(references),
        subject=subject,
    )
    return Answer(answered, tuple(taken), tuple(notes), tuple(warnings))


def _shortened(chain: Sequence[str]) -> tuple[str, ...]:
    """A References chain cut to the first id and the latest ones, so the reply names at most MAX_THREAD_IDS ids.

    RFC 5322 section 3.6.4 gives no limit; mail programs trim long chains the same way,
    keeping the thread's root, which is what threading needs.
    """
    from replykit.output.eml import MAX_THREAD_IDS

    keep = MAX_THREAD_IDS - 1  # and the parent's own Message-ID
    if len(chain) <= keep:
        return tuple(chain)
    return (chain[0], *chain[len(chain) - keep + 1 :])


def answer_message(
    request: RenderRequest,
    *,
    message: Path | None,
    stdin: BinaryIO | None,
    composer: Composer | None = None,
    ask: Callable[[Field, str | None], str | None] | None = None,
    on_note: Notify | None = None,
    on_notice: Notify | None = None,
) -> Rendered:
    """Do what one ``reply`` asks: read the buyer's message, fill the request from it, and render.

    ``on_note`` is told what was taken from the message and why (the language, the channel);
    ``on_notice`` gets warnings. Raises what ``read_message_input``, ``answer_request`` and
    ``pipeline.render_request`` raise.
    """
    from replykit.config import active_profile
    from replykit.pipeline import Composer, library_for, render_request

    composer = composer or Composer(library_for(request.templates_dirs))
    scenario = composer.scenario(request.scenario_id)
    profile = active_profile(option=request.profile)
    buyer = read_message_input(message, stdin)
    data: Mapping[str, Any] = {}
    if request.data:
        import io
        import sys

        from replykit.packs.fields import read_data

        text = io.TextIOWrapper(stdin, encoding="utf-8") if stdin is not None else sys.stdin
        data = read_data(request.data, stdin=text)
    answer = answer_request(request, buyer, scenario=scenario, profile=profile, data=data)
    for line in (*buyer.notes, *answer.notes):
        if on_note is not None:
            on_note(line)
    for line in answer.warnings:
        if on_notice is not None:
            on_notice(line)
    return render_request(answer.request, composer=composer, ask=ask, on_notice=on_notice)


def triage_message(
    library: Library,
    *,
    message: Path | None,
    stdin: BinaryIO | None,
    profile: str | None = None,
    limit: int | None = None,
    on_notice: Notify | None = None,
) -> Triage:
    """Rank the library's scenarios for the buyer's message, with its language, order id, channel and reply deadline.

    The language is identified among every language of the library; the channel is the one
    the sender's address shows, else the profile's; the deadline counts from the message's
    Date in the profile's time zone (else UTC, and a reason says so). A scenario that fails to
    load is left out and ``on_notice`` is told. Raises what ``read_message_input`` raises.
    """
    from replykit.config import active_profile
    from replykit.inbound.language import identify
    from replykit.inbound.orders import channel_of, find_order_id
    from replykit.triage import triage

    seller = active_profile(option=profile)
    buyer = read_message_input(message, stdin, command="triage")
    loaded, problems = library.load_all()
    for problem in problems:
        if on_notice is not None:
            on_notice(f"left out of triage: {problem.message}")
    scenarios = [scenario for _, scenario in loaded]
    languages = sorted({lang for s in scenarios for lang in s.languages})
    reasons = list(buyer.notes)
    found = identify(buyer.own_words, among=languages)
    reasons.append(f"language: {found.language}, {found.reason}" if found.language else f"language: {found.reason}")
    order = find_order_id(buyer.subject, buyer.text, shop_pattern=seller.values.get("order_pattern"), warnings=reasons)
    if order is not None:
        reasons.append(f"order id: {_found_where(order)}")
    channel = channel_of(buyer.sender)
    if channel is not None:
        reasons.append(f"channel: the sender is {_CHANNEL_NAMES.get(channel, channel)}")
    elif seller.values.get("channel"):
        channel = seller.values["channel"]
        reasons.append("channel: the profile's")
    zone = _seller_zone(seller)
    if zone is None and channel is not None and buyer.date is not None:
        reasons.append("times in UTC: the profile has no timezone (replykit config set timezone Europe/Berlin)")
    return triage(
        scenarios,
        text=buyer.own_words,
        subject=buyer.subject,
        language=found.language,
        order_id=order.order_id if order is not None else None,
        channel=channel,
        received=buyer.date,
        tz=zone,
        reasons=reasons,
        limit=limit,
    )


def _seller_zone(profile: Profile) -> ZoneInfo | None:
    """The profile's time zone, else None (the triage counts in the machine's local zone)."""
    name = profile.values.get("timezone")
    if not name:
        return None
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _found_where(found: FoundOrderId) -> str:
    """Where an order id was found, for the user: "an Amazon order id in the subject"."""
    kind = "your shop's order_pattern" if found.marketplace == "shop" else _MARKETPLACE[found.marketplace]
    return f"{kind} in the {found.where}"


_MARKETPLACE = {
    "amazon": "an Amazon order id",
    "ebay": "an eBay order number",
    "aliexpress": "an AliExpress order number",
    "etsy": "an Etsy receipt number",
    "shopify": "a shop order number",
}


def _recipient(name: str, addr: str, notes: list[str]) -> str:
    """The buyer's mailbox for --to; a display name that cannot go in a header is left out, with a note."""
    from replykit.errors import UnsafeHeader
    from replykit.output.addresses import check_header_text

    try:
        check_header_text("the buyer's name", name)
    except UnsafeHeader:
        notes.append(f"the reply goes to {addr} without the display name {name!r}, which cannot go in a header")
        name = ""
    return _mailbox_text(name, addr)


def _unusable_name(name: str) -> str | None:
    """What in a buyer's display name keeps it from being a field value (a bidirectional override, an
    encoded word left undecoded), or None. Control characters and line breaks were made spaces when it was read."""
    from replykit.output.addresses import looks_encoded
    from replykit.packs.characters import refused

    found = refused(name, one_line=True)
    if found is not None:
        return found[1]
    if looks_encoded(name):
        return "text shaped like an RFC 2047 encoded word, '=?...?='"
    return None


def _subject(subject: str, warnings: list[str]) -> str:
    """``subject`` for the reply, or "" (the scenario's own) when it cannot be a header, with a warning saying why.

    A buyer's subject can hold an encoded word that did not decode (or decoded to another), which
    no header may carry, or be longer than any subject replykit renders (limits.MAX_SUBJECT_CHARS).
    """
    from replykit.errors import UnsafeHeader
    from replykit.limits import MAX_SUBJECT_CHARS
    from replykit.output.addresses import check_header_text

    if not subject:
        return ""
    if len(subject) > MAX_SUBJECT_CHARS:
        why = f"it is {len(subject):,} characters long, more than the {MAX_SUBJECT_CHARS:,} of a subject"
    else:
        try:
            return check_header_text("the buyer's subject", subject)
        except UnsafeHeader:  # the reader made it one line, so what is left is an encoded word
            why = "it holds text shaped like an RFC 2047 encoded word, '=?...?=', which no header may carry"
    warnings.append(f"the buyer's subject cannot be the reply's ({why}): the reply keeps the scenario's own subject")
    return ""


def _mailbox_text(name: str, addr: str) -> str:
    """'"Name" <addr>' as ``parse_mailbox`` reads it back, whatever the name holds; a bare address without one."""
    if not name:
        return addr
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}" <{addr}>'


def _language(
    request: RenderRequest, message: BuyerMessage, *, scenario: Scenario, profile: Profile
) -> tuple[str | None, str]:
    """The language to ask the composer for (None: the profile's, else the scenario's default) and why."""
    if request.lang:
        return request.lang, f"language: {request.lang} (--lang)"
    from replykit.inbound.language import identify

    found = identify(message.own_words or message.text, among=scenario.languages)
    if found.language is not None:
        return found.language, f"language: {found.language}, {found.reason}"
    if profile.lang:
        return (
            None,
            f"language: {profile.lang} from the profile, since the message's was not identified: {found.reason}",
        )
    return None, (
        f"language: {scenario.language}, the scenario's default, since the message's was not identified: "
        f"{found.reason} (set one with --lang or 'replykit config set lang TAG')"
    )
