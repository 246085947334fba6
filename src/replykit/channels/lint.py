"""Checking a reply against a channel's rules: ``lint`` gives the findings, ``rules_table`` lists the rules.

How a reply is read, for speed (``patterns.py`` has how the patterns are built): the text is
lowercased once (offsets kept); one pass per script present finds the sentences where any word
class that a rule looks for matches, and the word classes then run on those sentences only;
e-mail addresses, domains and phone numbers are looked for from their '@', top-level domain or
digits outwards. On a 2,000-character reply this takes well under 2 ms once the patterns are
compiled; the first reply of a process compiles only what its text can match (patterns.py's
``_Union``), a small part of the whole (benchmarks/lint_cold.py, channel_rules.py). Imports only
the standard library and replykit's errors and language tags.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from replykit.channels.patterns import OTHER, Present, compiled
from replykit.channels.rules import CHANNELS, NEAR, RULE_BY_ID, RULES, Pattern, Rule, Severity, Use
from replykit.channels.shapes import ALLOWED_HOSTS, ORDER_ID_FORMATS
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


_IN_GENERAL = {
    "length": ("the reply is longer than the channel takes", "shorten it to the channel's limit"),
    "public-order-id": (
        "a public reply quotes the order id, which ties the review to the buyer's order",
        "leave the order id out; talk about the order in private messages",
    ),
    "order-id": ("the reply does not quote the order id", "quote the order id, in the channel's format"),
    "order-id-format": ("the order id is not in the channel's format", "check the order id against the order page"),
    "language": ("the reply is not in the buyer's language", "reply in the buyer's language"),
    "channel-language": (
        "the reply is not in the language the channel's customer care uses",
        "reply in the channel's language",
    ),
}
"""What ``lint --rules`` says for the rules whose message names values known only when one fires."""


def rules_table() -> tuple[RuleInfo, ...]:
    """Every rule, in table order, with its severity and source on each channel where it applies;
    message and fix in general words (the values a finding names appear only in findings)."""
    return tuple(
        RuleInfo(
            rule.id,
            rule.family,
            _IN_GENERAL.get(rule.id, (rule.message, rule.fix))[0],
            _IN_GENERAL.get(rule.id, (rule.message, rule.fix))[1],
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
    about_order: bool = True,
    reply_lang: str | None = None,
    buyer_lang: str | None = None,
    allow: frozenset[str] = frozenset(),
) -> tuple[Finding, ...]:
    """The rules of ``channel`` that ``text`` breaks, in the order they occur in the text.

    ``public``: the reply is shown publicly (an eBay reply to feedback), which has its own length
    limit. ``order_id``: the order this reply is about; checked against the channel's format and,
    where a channel requires it, looked for in the text; ``about_order=False`` (an answer to a
    shopper who has not ordered yet) drops that requirement. ``reply_lang``, ``buyer_lang``: BCP 47 tags
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
        about_order=about_order,
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


# --- One reply -----------------------------------------------------------------------------------


def _lowercase(text: str) -> str:
    """``text`` in lower case with every character at its offset (İ, whose lower case is two characters, stays)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low) == 1 else char for char, low in ((char, char.lower()) for char in text))


Spans = list[tuple[int, int]]


class _Reply:
    """A reply being checked, and what the checks share: the text in lower case, sentences, matches, masks."""

    def __init__(
        self,
        text: str,
        *,
        channel: str,
        public: bool,
        order_id: str | None,
        reply_lang: str | None,
        about_order: bool = True,
        buyer_lang: str | None,
    ) -> None:
        self.text = text
        self.folded = _lowercase(text)
        self.channel = channel
        self.public = public
        self.order_id = order_id
        self.about_order = about_order
        self.reply_lang = reply_lang
        self.buyer_lang = buyer_lang
        self.compiled = compiled()
        self.present = Present(self.folded)
        self._windows: Spans | None = None
        self._ends: list[int] | None = None
        self._scripts: list[str] | None = None
        self._spans: dict[str, Spans] = {}

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """The bounds of the sentence, or sentences, that hold ``text[start:end]``."""
        if self._ends is None:
            self._ends = [0, *(m.end() for m in self.compiled.sentence_end.finditer(self.text)), len(self.text)]
        first = bisect.bisect_right(self._ends, start) - 1
        last = bisect.bisect_left(self._ends, end)
        return self._ends[first], self._ends[min(last, len(self._ends) - 1)]

    def scripts(self) -> list[str]:
        """The scripts to scan: Latin and OTHER (digits, symbols) always, the others if the reply has their letters."""
        if self._scripts is None:
            self._scripts = ["latin", OTHER]
            # Every letter of the other scripts comes after U+0400: most replies need no pattern to tell.
            if max(self.folded, default="") >= "\u0400" and self.compiled.other_letters.search(self.folded):
                self._scripts += [
                    name
                    for name, letter in self.compiled.scripts.items()
                    if name != "latin" and letter.search(self.folded)
                ]
        return self._scripts

    def windows(self) -> Spans:
        """The sentences where some word class that a rule looks for matches, merged: the only places to look."""
        if self._windows is None:
            hits: Spans = []
            spaced = " " + self.folded
            for script in self.scripts():
                gated, rest = self.compiled.trigger(script, self.present)
                if gated:
                    hits += [(max(0, m.start() - 1), m.end() - 1) for m in gated.finditer(spaced)]
                if rest:
                    hits += [m.span() for m in rest.finditer(self.folded)]
            hits.sort()
            windows: Spans = []
            for start, end in hits:
                first, last = self.sentence(start, end)
                if windows and first <= windows[-1][1]:
                    windows[-1] = (windows[-1][0], max(last, windows[-1][1]))
                else:
                    windows.append((first, last))
            self._windows = windows
        return self._windows

    def spans(self, name: str) -> Spans:
        """Where the word class or shape ``name`` matches, in text order."""
        if name not in self._spans:
            finder = _SHAPE_FINDERS.get(name)
            if finder is not None:
                found = finder(self)
            else:
                patterns = [self.compiled.word_class(name, script, self.present) for script in self.scripts()]
                found = sorted(
                    m.span()
                    for first, last in self.windows()
                    for pattern in patterns
                    if pattern
                    for m in pattern.finditer(self.folded, first, last)
                )
                cased = self.compiled.cased(name)
                if cased:
                    found = sorted(found + [m.span() for m in cased.finditer(self.text)])
            self._spans[name] = [(start, end) for start, end in found if start < end]
        return self._spans[name]

    def found_in(self, name: str, first: int, last: int) -> bool:
        """Whether the word class ``name`` matches within ``text[first:last]``."""
        for script in self.scripts():
            pattern = self.compiled.word_class(name, script, self.present)
            if pattern and pattern.search(self.folded, first, last):
                return True
        cased = self.compiled.cased(name)
        return bool(cased and cased.search(self.text, first, last))

    def masked(self, candidates: Spans) -> str:
        """The text with the order ids, tracking numbers, dates and amounts near ``candidates`` blanked out."""
        compiled, text = self.compiled, self.text
        blank: Spans = []
        for start, end in candidates:
            if compiled.masks.fullmatch(text, start, end):
                blank.append((start, end))
                continue
            # Only what overlaps this candidate: a pattern cut off at the window's edge may match short.
            near = [m.span() for m in compiled.masks.finditer(text, max(0, start - 40), min(len(text), end + 40))]
            for script in self.scripts():
                id_words = compiled.word_class("id-word", script, self.present)
                for word in id_words.finditer(self.folded, max(0, start - 80), start) if id_words else ():
                    number = compiled.number_after_id_word.match(text, word.end())
                    if number:
                        near.append(number.span("number"))
            blank += [(first, last) for first, last in near if first < end and last > start]
        if self.order_id and len(self.order_id) >= 4:
            blank += [m.span() for m in re.finditer(re.escape(self.order_id), text)]
        pieces, done = [], 0
        for start, end in sorted(blank):
            start = max(start, done)
            if end > start:
                pieces += [text[done:start], "_" * (end - start)]
                done = end
        return "".join([*pieces, text[done:]])


def _urls(reply: _Reply) -> Spans:
    return [m.span() for m in reply.compiled.url.finditer(reply.folded)]


def _wwws(reply: _Reply) -> Spans:
    return [m.span() for m in reply.compiled.www.finditer(reply.folded)]


def _html(reply: _Reply) -> Spans:
    return [m.span() for m in reply.compiled.html.finditer(reply.folded)]


def _domains(reply: _Reply) -> Spans:
    """Bare domains, found back from their top-level domain."""
    found: Spans = []
    for end in reply.compiled.domain_end.finditer(reply.text):
        for domain in reply.compiled.domain.finditer(reply.text, max(0, end.start() - 255), end.end()):
            if domain.end() == end.end():
                found.append(domain.span())
                break
    return found


def _emails(reply: _Reply) -> Spans:
    """E-mail addresses, plain or disguised, looked for around each '@' or 'at'."""
    found: set[tuple[int, int]] = set()
    compiled, text = reply.compiled, reply.text
    for at in compiled.email_trigger.finditer(reply.folded):
        if at.group() == "at" and not compiled.spelt_dot_near.search(reply.folded, at.end(), at.end() + 80):
            continue
        window = max(0, at.start() - 80), min(len(text), at.end() + 120)
        found.update(m.span() for m in compiled.email.finditer(text, *window) if m.start() <= at.start() < m.end())
    return sorted(found)


def _phone_candidates(reply: _Reply) -> Spans:
    """Runs of 7 or more digits and separators, with a + or ( before them, not glued to a word, that may
    hold a phone number: not a bare run of digits that does not start with 0."""
    return [
        (start, end)
        for start, end in _dialled_runs(reply.compiled.phone, reply.text)
        if not (reply.text[start:end].isdigit() and reply.text[start] != "0")
    ]


def _dialled_runs(pattern: re.Pattern[str], text: str, first: int = 0, last: int | None = None) -> Spans:
    found: Spans = []
    for match in pattern.finditer(text, first, len(text) if last is None else last):
        start = match.start()
        if text[start - 1 : start] == "(":
            start -= 1
        if text[start - 1 : start] in ("+", "＋"):
            start -= 1
        elif text[start - 2 : start] in ("+ ", "＋ "):
            start -= 2
        before = text[start - 1 : start]
        if not (before.isdigit() or (before.isascii() and before.isalnum()) or before in ("_", "+", "＋")):
            found.append((start, match.end()))
    return found


_SHAPE_FINDERS: Mapping[str, Callable[[_Reply], Spans]] = {
    "url": _urls,
    "www": _wwws,
    "domain": _domains,
    "email": _emails,
    "phone": _phone_candidates,
    "html": _html,
}


Hit = tuple[int, int, Mapping[str, object]]
_NO_DETAILS: Mapping[str, object] = {}


def _pattern_hits(reply: _Reply, pattern: Pattern) -> Iterator[tuple[int, int]]:
    for start, end in reply.spans(pattern.find):
        if pattern.also or pattern.unless_near:
            first, last = reply.sentence(start, end)
            if not all(reply.found_in(name, first, last) for name in pattern.also):
                continue
            near = max(first, start - NEAR), min(last, end + NEAR)
            if any(reply.found_in(name, *near) for name in pattern.unless_near):
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
    emails = reply.spans("email")
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
    candidates = reply.spans("phone")
    if not candidates:
        return
    masked = reply.masked(candidates)
    for first, last in candidates:
        for start, end in _dialled_runs(reply.compiled.phone, masked, first, last):
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


# The label of a subject line, in replykit's twelve languages (and "Re:"), at the start of a line.
_SUBJECT_LINE = re.compile(
    r"^[ \t]*(?:subject|re|betreff|objet|asunto|oggetto|onderwerp|temat|assunto|тема|件名|제목|الموضوع)[ \t]*[:：].*$",
    re.IGNORECASE | re.MULTILINE,
)


def _public_frame(reply: _Reply, rule: Rule, use: Use) -> Iterator[Hit]:
    """A public reply's first line is not a subject line."""
    if not reply.public:
        return
    first = len(reply.text) - len(reply.text.lstrip())
    match = _SUBJECT_LINE.match(reply.text, first)
    if match:
        yield match.start(), match.end(), _NO_DETAILS


def _public_order_id(reply: _Reply, rule: Rule, use: Use) -> Iterator[Hit]:
    """A public reply quotes no order id: the one given, or any in the channel's format."""
    if not reply.public:
        return
    if reply.order_id and reply.order_id.strip():
        wanted = reply.order_id.strip()
        start = reply.text.find(wanted)
        if start >= 0:
            yield start, start + len(wanted), {"order_id": wanted}
            return
    pattern = reply.compiled.order_id_in_text(reply.channel)
    if pattern is not None:
        for match in pattern.finditer(reply.text):
            yield match.start(), match.end(), {"order_id": match.group(0)}


def _order_id(reply: _Reply, rule: Rule, use: Use) -> Iterator[Hit]:
    """The order id must appear (in a private reply about an order): the one given, or else any id in the
    channel's format."""
    if reply.public or not reply.about_order:
        return
    _, described = ORDER_ID_FORMATS[reply.channel]
    if reply.order_id:
        if reply.order_id not in reply.text:
            yield 0, 0, {"which": f" {reply.order_id}", "format": described}
        return
    pattern = reply.compiled.order_id_in_text(reply.channel)
    if pattern is None or not pattern.search(reply.text):
        yield 0, 0, {"which": "", "format": described}


def _order_id_format(reply: _Reply, rule: Rule, use: Use) -> Iterator[Hit]:
    """A given order id must be in the channel's format."""
    if reply.order_id is None:
        return
    pattern = reply.compiled.order_id(reply.channel)
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
    "public-frame": _public_frame,
    "public-order-id": _public_order_id,
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
