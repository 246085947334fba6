"""Checking a reply against a channel's rules: ``lint`` gives the findings, ``rules_table`` lists the rules.

The patterns of ``lexicon.py`` and ``shapes.py`` are compiled on the first call and kept; a
2,000-character reply takes well under 2 ms after that (benchmarks/channel_rules.py). Imports
only the standard library and replykit's errors and language tags.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from replykit.channels.lexicon import LEXICON
from replykit.channels.rules import CHANNELS, NEAR, RULE_BY_ID, RULES, Pattern, Rule, Severity, Use
from replykit.channels.shapes import ALLOWED_HOSTS, MASKS, ORDER_ID_FORMATS, SHAPES
from replykit.errors import UsageError, did_you_mean
from replykit.packs.languages import parse_tag

EXCERPT_CHARS = 80
"""The longest excerpt a finding quotes; longer matches are cut with an ellipsis."""


@dataclass(frozen=True)
class Span:
    """Where a finding is: ``text[start:end]`` (character offsets), the 1-based line of ``start``, and the text.

    A finding about the reply as a whole (a missing order id, the language) has ``start == end == 0``,
    line 1 and an empty excerpt.
    """

    start: int
    end: int
    line: int
    excerpt: str


@dataclass(frozen=True)
class Finding:
    """One rule broken in one place of a reply."""

    rule: str
    severity: Severity
    span: Span
    message: str
    fix: str


@dataclass(frozen=True)
class ChannelUse:
    """A rule on one channel: how hard it is, and the source behind it."""

    channel: str
    severity: Severity
    source: str


@dataclass(frozen=True)
class RuleInfo:
    """A rule as ``replykit lint --rules`` lists it: id, family, message, fix and the channels it applies on."""

    id: str
    family: str
    message: str
    fix: str
    channels: tuple[ChannelUse, ...]


def rules_table() -> tuple[RuleInfo, ...]:
    """Every rule, in table order, with its severity and source on each channel where it applies."""
    return tuple(
        RuleInfo(
            rule.id,
            rule.family,
            rule.message,
            rule.fix,
            tuple(
                ChannelUse(channel, uses[rule.id].severity, uses[rule.id].source.cite)
                for channel, uses in CHANNELS.items()
                if rule.id in uses
            ),
        )
        for rule in RULES
    )


def lint(
    text: str,
    *,
    channel: str,
    public: bool = False,
    order_id: str | None = None,
    reply_lang: str | None = None,
    buyer_lang: str | None = None,
    allow: frozenset[str] = frozenset(),
) -> tuple[Finding, ...]:
    """The rules of ``channel`` that ``text`` breaks, in the order they occur in the text.

    ``public``: the reply is shown publicly (an eBay reply to feedback), which has its own length
    limit. ``order_id``: the order this reply is about; checked against the channel's format and,
    where a channel requires it, looked for in the text. ``reply_lang``, ``buyer_lang``: BCP 47 tags
    (``pt`` and ``pt-BR`` count as one language); a language rule is checked only when its tags are
    given. ``allow``: rule ids whose findings are dropped on purpose.

    Raises UsageError for an unknown channel, an unknown rule id in ``allow``, or a language tag
    that is not well formed; the message names the known values.
    """
    uses = _channel_uses(channel)
    _check_allowed(allow)
    reply = _Reply(
        text,
        channel=channel,
        public=public,
        order_id=order_id,
        reply_lang=_language("reply_lang", reply_lang),
        buyer_lang=_language("buyer_lang", buyer_lang),
    )
    found: list[tuple[int, int, int, Finding]] = []
    for order, rule in enumerate(RULES):
        use = uses.get(rule.id)
        if use is None or rule.id in allow:
            continue
        for start, end, details in _dedupe(_CHECKS[rule.check](reply, rule, use)):
            fields = {"channel": channel, **details}
            span = Span(start, end, text.count("\n", 0, start) + 1, _excerpt(text[start:end]))
            finding = Finding(rule.id, use.severity, span, rule.message.format(**fields), rule.fix.format(**fields))
            found.append((start, end, order, finding))
    return tuple(finding for *_, finding in sorted(found, key=lambda item: item[:3]))


# --- Arguments -----------------------------------------------------------------------------------


def _channel_uses(channel: str) -> Mapping[str, Use]:
    try:
        return CHANNELS[channel]
    except KeyError:
        hint = did_you_mean(channel, CHANNELS)
        known = "channels: " + ", ".join(CHANNELS)
        raise UsageError(f"unknown channel {channel!r}", hint=f"{hint} {known}" if hint else known) from None


def _check_allowed(allow: Iterable[str]) -> None:
    unknown = sorted(rule for rule in allow if rule not in RULE_BY_ID)
    if unknown:
        hints = [hint for hint in (did_you_mean(rule, RULE_BY_ID) for rule in unknown) if hint]
        known = "rules: " + ", ".join(RULE_BY_ID)
        raise UsageError(
            f"unknown rule{'s' if len(unknown) > 1 else ''} to allow: {', '.join(unknown)}",
            hint=" ".join([*hints, known]),
        )


# Deprecated ISO 639 codes still met in tags, mapped to the current code of the same language.
_LANGUAGE_ALIASES = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}


def _language(name: str, tag: str | None) -> str | None:
    """The primary language subtag of ``tag`` (``pt`` for ``pt-BR``), or None when no tag is given."""
    if tag is None:
        return None
    parsed = parse_tag(tag)
    if parsed is None:
        raise UsageError(f"{name} {tag!r} is not a language tag", hint="use a BCP 47 tag such as en, de or pt-BR")
    primary = parsed.split("-")[0].lower()
    return _LANGUAGE_ALIASES.get(primary, primary)


# --- Compiled patterns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Compiled:
    classes: Mapping[str, re.Pattern[str]]
    masks: re.Pattern[str]
    tracking: re.Pattern[str]
    sentence_end: re.Pattern[str]
    order_ids: Mapping[str, re.Pattern[str]]


@functools.cache
def _compiled() -> _Compiled:
    """Every word class of every language joined into one pattern per class, and the shapes; compiled once."""
    sources: dict[str, list[str]] = {name: [source] for name, source in SHAPES.items()}
    for table in LEXICON.values():
        for name, entries in table.items():
            sources.setdefault(name, []).extend(entries)
    classes = {
        name: re.compile("|".join(f"(?:{s})" for s in entries), re.IGNORECASE) for name, entries in sources.items()
    }
    masks = re.compile("|".join(f"(?:{s})" for s in MASKS.values()), re.IGNORECASE)
    words = "|".join(f"(?:{s})" for s in sources["id-word"])
    # An id word, a word or two ("is", a carrier), then the number: digits and capitals, spaces, dashes.
    tracking = re.compile(
        rf"(?:{words})[^\d\n.!?。]{{0,12}}?(?P<number>(?-i:[A-Z0-9][A-Z0-9 \-]{{4,}}[0-9]))", re.IGNORECASE
    )
    order_ids = {channel: re.compile(source) for channel, (source, _) in ORDER_ID_FORMATS.items()}
    return _Compiled(classes, masks, tracking, re.compile(r"[.!?。！？]+(?=\s|$)|[。！？]|\n"), order_ids)


# --- One reply -----------------------------------------------------------------------------------


class _Reply:
    """A reply being checked, with what several checks share: sentence bounds, masked digits, e-mail spans."""

    def __init__(
        self,
        text: str,
        *,
        channel: str,
        public: bool,
        order_id: str | None,
        reply_lang: str | None,
        buyer_lang: str | None,
    ) -> None:
        self.text = text
        self.channel = channel
        self.public = public
        self.order_id = order_id
        self.reply_lang = reply_lang
        self.buyer_lang = buyer_lang
        self.compiled = _compiled()
        self._bounds: list[int] | None = None
        self._masked: str | None = None
        self._emails: list[tuple[int, int]] | None = None

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """The bounds of the sentence that holds ``text[start:end]`` (widened to the match)."""
        if self._bounds is None:
            self._bounds = [0, *(m.end() for m in self.compiled.sentence_end.finditer(self.text)), len(self.text)]
        index = bisect.bisect_right(self._bounds, start) - 1
        return self._bounds[index], max(end, self._bounds[min(index + 1, len(self._bounds) - 1)])

    def masked(self) -> str:
        """The text with order ids, tracking numbers, dates and amounts replaced by '_' (same offsets)."""
        if self._masked is None:
            chars = list(self.text)
            spans = [m.span() for m in self.compiled.masks.finditer(self.text)]
            spans += [m.span("number") for m in self.compiled.tracking.finditer(self.text)]
            if self.order_id and len(self.order_id) >= 4:
                spans += [m.span() for m in re.finditer(re.escape(self.order_id), self.text)]
            for start, end in spans:
                chars[start:end] = "_" * (end - start)
            self._masked = "".join(chars)
        return self._masked

    def emails(self) -> list[tuple[int, int]]:
        """The spans of every e-mail address, plain or disguised."""
        if self._emails is None:
            self._emails = [m.span() for m in self.compiled.classes["email"].finditer(self.text)]
        return self._emails


Hit = tuple[int, int, Mapping[str, object]]
_NO_DETAILS: Mapping[str, object] = {}


def _pattern_hits(reply: _Reply, pattern: Pattern, text: str | None = None) -> Iterator[tuple[int, int]]:
    classes = reply.compiled.classes
    for match in classes[pattern.find].finditer(reply.text if text is None else text):
        start, end = match.span()
        if start == end:
            continue
        if pattern.also or pattern.unless_near:
            first, last = reply.sentence(start, end)
            if not all(classes[name].search(reply.text, first, last) for name in pattern.also):
                continue
            near = max(first, start - NEAR), min(last, end + NEAR)
            if any(classes[name].search(reply.text, *near) for name in pattern.unless_near):
                continue
        yield start, end


def _by_patterns(reply: _Reply, rule: Rule, use: Use) -> Iterator[Hit]:
    for pattern in rule.patterns:
        for start, end in _pattern_hits(reply, pattern):
            yield start, end, _NO_DETAILS


_TRAILING = ".,;:!?'\"()[]{}<>«»“”‘’。、，！？）」』》"
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "ne", "or", "go", "ac", "gov", "gob", "edu"})


def _host_name(link: str) -> str:
    """The registrable name of a link's host: 'dhl' for https://www.dhl.de/x, 'amazon' for amazon.co.uk."""
    host = re.sub(r"^[a-z]+://", "", link.lower()).split("/")[0].split("?")[0].split("#")[0].split(":")[0]
    labels = host.split(".")[:-1]  # without the top-level domain
    if len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
        labels = labels[:-1]
    return labels[-1] if labels else host


def _links(reply: _Reply, rule: Rule, use: Use) -> Iterator[Hit]:
    """Links outside the marketplaces and carriers, not counting the domain of an e-mail address."""
    emails = reply.emails()
    for pattern in rule.patterns:
        for start, end in _pattern_hits(reply, pattern):
            while end > start and reply.text[end - 1] in _TRAILING:
                end -= 1
            if any(start < e_end and e_start < end for e_start, e_end in emails):
                continue
            if _host_name(reply.text[start:end]) in ALLOWED_HOSTS:
                continue
            yield start, end, _NO_DETAILS


def _phones(reply: _Reply, rule: Rule, use: Use) -> Iterator[Hit]:
    """Phone numbers: 7-15 digits written as dialled (a +, a leading 0 or separators), once ids are masked."""
    masked = reply.masked()
    for pattern in rule.patterns:
        for start, end in _pattern_hits(reply, pattern, masked):
            number = masked[start:end]
            digits = sum(char.isdigit() for char in number)
            dialled = number[0] in "+＋(0" or not number.isdigit()
            if 7 <= digits <= 15 and dialled:
                yield start, end, _NO_DETAILS


def _length(reply: _Reply, rule: Rule, use: Use) -> Iterator[Hit]:
    """The part of the text past the channel's limit (for a public-only limit, only when public)."""
    if use.limit is None or (use.public_only and not reply.public) or len(reply.text) <= use.limit:
        return
    scope = " in a public reply" if use.public_only else ""
    yield use.limit, len(reply.text), {"length": len(reply.text), "limit": use.limit, "scope": scope}


def _order_id(reply: _Reply, rule: Rule, use: Use) -> Iterator[Hit]:
    """The order id must appear: the one given, or else any id in the channel's format."""
    _, described = ORDER_ID_FORMATS[reply.channel]
    if reply.order_id:
        if reply.order_id not in reply.text:
            yield 0, 0, {"which": f" {reply.order_id}", "format": described}
        return
    if not re.search(rf"(?<![\w-]){reply.compiled.order_ids[reply.channel].pattern}(?![\w-])", reply.text):
        yield 0, 0, {"which": "", "format": described}


def _order_id_format(reply: _Reply, rule: Rule, use: Use) -> Iterator[Hit]:
    """A given order id must be in the channel's format."""
    if reply.order_id is None:
        return
    pattern = reply.compiled.order_ids[reply.channel]
    if not pattern.fullmatch(reply.order_id.strip()):
        yield 0, 0, {"order_id": reply.order_id, "format": ORDER_ID_FORMATS[reply.channel][1]}


def _reply_language(reply: _Reply, rule: Rule, use: Use) -> Iterator[Hit]:
    """The reply in the buyer's language; one language under two spellings (pt, pt-BR) is the same."""
    if reply.reply_lang and reply.buyer_lang and reply.reply_lang != reply.buyer_lang:
        yield 0, 0, {"reply_lang": reply.reply_lang, "buyer_lang": reply.buyer_lang}


def _channel_language(reply: _Reply, rule: Rule, use: Use) -> Iterator[Hit]:
    """The reply in the one language the channel's customer care uses."""
    if use.language and reply.reply_lang and reply.reply_lang != use.language:
        yield 0, 0, {"reply_lang": reply.reply_lang, "language": use.language}


_CHECKS: Mapping[str, Callable[[_Reply, Rule, Use], Iterable[Hit]]] = {
    "patterns": _by_patterns,
    "link": _links,
    "phone": _phones,
    "length": _length,
    "order-id": _order_id,
    "order-id-format": _order_id_format,
    "language": _reply_language,
    "channel-language": _channel_language,
}


def _dedupe(hits: Iterable[Hit]) -> list[Hit]:
    """Hits in text order, without those that overlap an earlier (or longer, same-start) one."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h[0], -h[1])):
        if kept and hit[0] < kept[-1][1] and hit[1] > 0:
            continue
        if kept and hit[:2] == kept[-1][:2]:
            continue
        kept.append(hit)
    return kept


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1] + "…"
