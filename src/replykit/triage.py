"""Which scenarios fit a buyer's message: a ranking by the trigger phrases it contains, with reasons.

``rank`` scores every scenario that declares triggers (scenario.yaml ``triggers:``; the
matching rules are in ``replykit.packs.triggers``). A scenario without triggers is never
suggested. The score of a scenario is built from the phrases of it that the message holds:

- a phrase weighs ``1 + log2(1 + letters / 8)``: a longer, more specific phrase says more
  ("not in the box" 2.2, "missing" 1.9, "fehlt" 1.6; CJK and Hangul characters count two letters);
- a phrase in the subject weighs ``Weights.subject`` (1.5) times more: subjects are short
  summaries the buyer chose ("Missing item");
- phrases of the message's language count fully, those of the scenario's other languages
  ``Weights.other_language`` (0.6) times: buyers mix in English words ("refund", "tracking"),
  and when the language is not known every language counts fully;
- a phrase that ``n`` of the ranked scenarios declare in that language weighs ``1 / sqrt(n)``:
  "refund" in six scenarios tells less than "not in the box" in one;
- a phrase found inside a longer phrase's match of the same scenario is not counted again,
  and each distinct phrase counts once however often it occurs;
- several phrases add up with diminishing returns: the strongest counts fully, the next
  ``Weights.decay`` (0.5) times, the next 0.25 times, and so on, so one scenario with many
  weak phrases does not outrank one with a single telling one.

Scores compare scenarios for one message; they are not probabilities and do not compare
across messages. Text past MAX_TRIAGE_CHARS characters is not read (a buyer's own words are
far shorter, and matching stays bounded in time).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from replykit.packs.triggers import normal_phrase, normalise, primary, substring_language

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from replykit.channels.deadlines import Deadline
    from replykit.packs.scenario import Scenario

MAX_TRIAGE_CHARS = 100_000
"""Characters of a message's subject, and of its text, that ranking reads."""

SUBJECT = "subject"
BODY = "body"


@dataclass(frozen=True)
class Weights:
    """The knobs of the score (see the module docstring); the defaults are what ``triage`` uses."""

    other_language: float = 0.6
    subject: float = 1.5
    decay: float = 0.5
    specificity: bool = True
    """Longer phrases weigh more; off, every phrase weighs 1."""
    shared: bool = True
    """A phrase declared by several scenarios weighs less; off, it weighs the same in each."""


WEIGHTS = Weights()


@dataclass(frozen=True)
class Match:
    """A trigger phrase found in a message: as written in scenario.yaml, its language, and where."""

    phrase: str
    language: str
    where: str
    """``"subject"`` or ``"body"``."""


@dataclass(frozen=True)
class Candidate:
    """A scenario that fits a message, its score and the phrases that matched (strongest first)."""

    scenario_id: str
    title: str
    score: float
    matched: tuple[Match, ...]


class Phrase(NamedTuple):
    """A trigger phrase of one language, as ``rank`` matches it (rules in ``replykit.packs.triggers``).

    ``literal`` is its longest piece of fixed text: a text without it cannot match, so most
    phrases are ruled out by one substring test; the regular expression is built and compiled
    only for the few that pass.
    """

    written: str
    language: str
    normal: str
    literal: str


_ARABIC_PROCLITICS = "(?:[وف]?(?:[بكل]?ال|لل|[بكل])?)"
_ARTICLE = "ال"


def _arabic_core(core: str) -> str:
    """An Arabic word without its article: ``الطلب`` matches طلب with or without it."""
    return core[len(_ARTICLE) :] if core.startswith(_ARTICLE) and len(core) > len(_ARTICLE) + 1 else core


def make_phrase(written: str, language: str) -> Phrase:
    """A phrase as written in ``language``'s triggers (already checked by the loader)."""
    normal = normal_phrase(written)
    pieces = [piece for piece in normal.replace("*", " ").split(" ") if piece]
    if primary(language) == "ar":
        pieces = [_arabic_core(piece) for piece in pieces]
    return Phrase(written, language, normal, max(pieces, key=len, default=""))


@functools.lru_cache(maxsize=4096)
def _regex(normal: str, language: str) -> re.Pattern[str]:
    """The regular expression of a phrase (see the matching rules in replykit.packs.triggers)."""
    if substring_language(language):
        return re.compile(" ?".join(re.escape(piece) for piece in normal.replace("*", " ").split()))
    arabic = primary(language) == "ar"
    words = []
    for token in normal.split(" "):
        if token == "*":
            words.append(r"\w+")
            continue
        lead, trail, core = token.startswith("*"), token.endswith("*"), token.strip("*")
        prefix = r"\w*" if lead else ""
        if arabic and not lead:
            core, prefix = _arabic_core(core), _ARABIC_PROCLITICS
        words.append(prefix + re.escape(core) + (r"\w*" if trail else ""))
    return re.compile(r"(?<!\w)" + " ".join(words) + r"(?!\w)")


def letters(phrase: Phrase) -> int:
    """Fixed letters and digits of a phrase; a CJK, kana or Hangul character counts two."""
    fixed = (
        phrase.normal
        if primary(phrase.language) != "ar"
        else " ".join(_arabic_core(token) for token in phrase.normal.split(" "))
    )
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in fixed if c.isalnum())


def weight(phrase: Phrase) -> float:
    """How much one match of a phrase says: ``1 + log2(1 + letters / 8)``."""
    return 1.0 + math.log2(1.0 + letters(phrase) / 8.0)


def search(phrase: Phrase, text: str) -> tuple[int, int] | None:
    """Where ``phrase`` first matches normalised ``text`` (start, end), or None."""
    if phrase.literal not in text:
        return None
    found = _regex(phrase.normal, phrase.language).search(text)
    return None if found is None else found.span()


_PHRASES: dict[tuple[tuple[str, tuple[str, ...]], ...], tuple[Phrase, ...]] = {}


def phrases_of(scenario: Scenario) -> tuple[Phrase, ...]:
    """Every trigger phrase of a scenario, in its order (kept for the process: a library is ranked once or often)."""
    key = tuple(scenario.triggers.items())
    found = _PHRASES.get(key)
    if found is None:
        found = _PHRASES[key] = tuple(make_phrase(written, lang) for lang, listed in key for written in listed)
    return found


_DECLARED: dict[tuple[int, ...], Counter[tuple[str, str]]] = {}


def _declared(listed: tuple[tuple[Phrase, ...], ...]) -> Counter[tuple[str, str]]:
    """How many scenarios declare each (language, normalised phrase); kept per library, as phrases_of keeps phrases."""
    key = tuple(map(id, listed))  # phrases_of keeps every tuple for the process, so ids are not reused
    found = _DECLARED.get(key)
    if found is None:
        found = _DECLARED[key] = Counter(
            entry for phrases in listed for entry in {(primary(p.language), p.normal) for p in phrases}
        )
    return found


def _same_language(a: str, b: str) -> bool:
    return a.lower() == b.lower() or primary(a) == primary(b)


@dataclass(frozen=True)
class _Found:
    match: Match
    start: int
    end: int
    weight: float


def _score(found: list[_Found], decay: float) -> tuple[float, tuple[Match, ...]]:
    """Drop matches inside a stronger one, keep each phrase once, and add up with diminishing returns."""
    found.sort(key=lambda f: (-f.weight, f.match.where, f.start))
    kept: list[_Found] = []
    phrases: set[tuple[str, str]] = set()
    for item in found:
        key = (item.match.phrase, item.match.language)
        if key in phrases:
            continue
        if any(k.match.where == item.match.where and k.start <= item.start and item.end <= k.end for k in kept):
            continue
        phrases.add(key)
        kept.append(item)
    score = sum(item.weight * decay**index for index, item in enumerate(kept))
    return score, tuple(item.match for item in kept)


def rank(
    scenarios: Iterable[Scenario],
    *,
    text: str,
    subject: str = "",
    language: str | None,
    weights: Weights = WEIGHTS,
) -> tuple[Candidate, ...]:
    """Scenarios whose triggers appear in the message, best first; those with none are left out.

    ``text`` is the buyer's own words, ``subject`` the message's subject, ``language`` the tag of
    the message's language (None when unknown: every language's phrases count fully). Ties keep
    the order of ``scenarios``. Each score is rounded to 4 decimals.
    """
    texts = [(SUBJECT, normalise(subject[:MAX_TRIAGE_CHARS])), (BODY, normalise(text[:MAX_TRIAGE_CHARS]))]
    texts = [(where, value) for where, value in texts if value]
    listed = [(scenario, phrases_of(scenario)) for scenario in scenarios]
    hits = [
        [(phrase, where, span) for phrase in phrases for where, value in texts if (span := search(phrase, value))]
        for _, phrases in listed
    ]
    declared = _declared(tuple(phrases for _, phrases in listed)) if weights.shared and any(hits) else Counter()
    ranked: list[tuple[float, int, Candidate]] = []
    for order, ((scenario, _), found_here) in enumerate(zip(listed, hits, strict=True)):
        if not found_here:
            continue
        found = []
        for phrase, where, (start, end) in found_here:
            value = weight(phrase) if weights.specificity else 1.0
            if language is not None and not _same_language(phrase.language, language):
                value *= weights.other_language
            if weights.shared:
                value /= math.sqrt(declared[(primary(phrase.language), phrase.normal)])
            if where == SUBJECT:
                value *= weights.subject
            found.append(_Found(Match(phrase.written, phrase.language, where), start, end, value))
        score, matched = _score(found, weights.decay)
        ranked.append((-round(score, 4), order, Candidate(scenario.id, scenario.title, round(score, 4), matched)))
    ranked.sort(key=lambda item: item[:2])
    return tuple(candidate for _, _, candidate in ranked)


@dataclass(frozen=True)
class Triage:
    """Everything ``triage`` says about one message: ranked scenarios and the facts found beside them."""

    candidates: tuple[Candidate, ...]
    language: str | None
    order_id: str | None
    channel: str | None
    deadline: Deadline | None
    reasons: tuple[str, ...] = field(default=())
    """One line each, for people: how the language, order id and channel were found, the deadline's rule."""

    def as_json(self) -> dict[str, Any]:
        """The result as ``triage --json`` prints it.

        ```
        {"candidates": [{"id": "missing-items", "title": "Items missing from a parcel", "score": 2.8431,
                         "matched": [{"phrase": "fehlt", "language": "de", "where": "body"}, ...]}, ...],
         "language": "de" | null,
         "order_id": "302-1234567-1234567" | null,
         "channel": "amazon" | null,
         "reply_due": "2026-03-30T10:15:00+02:00" | null,       # ISO 8601 with the seller's UTC offset
         "deadline": {"due": "...", "rule": "...", "source": "...", "second_hand": false} | null,
         "reasons": ["...", ...]}
        ```
        Candidates are best first; ``score`` compares candidates of one message only.
        """
        deadline = self.deadline
        return {
            "candidates": [
                {
                    "id": c.scenario_id,
                    "title": c.title,
                    "score": c.score,
                    "matched": [{"phrase": m.phrase, "language": m.language, "where": m.where} for m in c.matched],
                }
                for c in self.candidates
            ],
            "language": self.language,
            "order_id": self.order_id,
            "channel": self.channel,
            "reply_due": deadline.due.isoformat() if deadline else None,
            "deadline": (
                {
                    "due": deadline.due.isoformat(),
                    "rule": deadline.rule,
                    "source": deadline.source,
                    "second_hand": deadline.second_hand,
                }
                if deadline
                else None
            ),
            "reasons": list(self.reasons),
        }


def triage(
    scenarios: Iterable[Scenario],
    *,
    text: str,
    subject: str = "",
    language: str | None = None,
    order_id: str | None = None,
    channel: str | None = None,
    received: datetime | None = None,
    tz: ZoneInfo | None = None,
    reasons: Sequence[str] = (),
    limit: int | None = None,
    weights: Weights = WEIGHTS,
) -> Triage:
    """Rank ``scenarios`` for one message and put the facts found beside them.

    ``language``, ``order_id`` and ``channel`` are what the caller found (message reader,
    profile); ``reasons`` say how, one line each, and come first in the result's reasons.
    The reply deadline is counted from ``received`` (the message's Date) on ``channel``, in
    ``tz`` (the seller's time zone; UTC when None); there is none without both a channel and
    a date, or on ``email``. ``limit`` keeps the best ``limit`` candidates.
    Raises UsageError for a channel replykit does not know.
    """
    candidates = rank(scenarios, text=text, subject=subject, language=language, weights=weights)
    if limit is not None:
        candidates = candidates[: max(limit, 0)]
    notes = list(reasons)
    deadline = None
    if channel is not None and received is not None:
        from zoneinfo import ZoneInfo

        from replykit.channels.deadlines import reply_due

        try:
            deadline = reply_due(channel, received, tz=tz or ZoneInfo("UTC"))
        except OverflowError:  # a Date near the year 9999: the deadline is past what Python's dates can hold
            notes.append(f"no reply deadline: the message's date, {received.isoformat()}, is too late to count from")
        else:
            if deadline is None:
                notes.append(f"no reply deadline on {channel}")
            else:
                notes.append(f"reply due by {_when(deadline.due)}: {deadline.rule} ({_source(deadline)})")
    elif channel is not None:
        notes.append("no reply deadline: the message has no date")
    if not candidates:
        notes.append("no scenario's triggers appear in the message (scenarios without triggers are never suggested)")
    return Triage(candidates, language, order_id, channel, deadline, tuple(notes))


def _when(moment: datetime) -> str:
    return moment.strftime("%a %Y-%m-%d %H:%M ") + (moment.tzname() or moment.strftime("%z"))


def _source(deadline: Deadline) -> str:
    return deadline.source + (", second-hand" if deadline.second_hand else "")


def render_text(result: Triage, *, shown: int = 5) -> str:
    """The result as plain text for a terminal: the best ``shown`` candidates with their phrases, then the facts.

    ```
    1. missing-items  Items missing from a parcel  (score 2.84)
       matched: "fehlt" (de, body), "nicht im paket" (de, subject)
    2. ...
    language: de
    order id: 302-1234567-1234567
    channel:  amazon
    reply due: Mon 2026-03-30 10:15 CEST
    - <each reason>
    ```
    Plain text with no markup: phrases and titles come from packs, which refuse control characters.
    """
    lines = []
    for number, c in enumerate(result.candidates[:shown], start=1):
        lines.append(f"{number}. {c.scenario_id}  {c.title}  (score {c.score:.2f})")
        lines.append("   matched: " + ", ".join(f'"{m.phrase}" ({m.language}, {m.where})' for m in c.matched))
    if len(result.candidates) > shown:
        lines.append(f"   ... and {len(result.candidates) - shown} more")
    if not result.candidates:
        lines.append("no scenario matched")
    lines.append(f"language: {result.language or 'unknown'}")
    lines.append(f"order id: {result.order_id or 'none found'}")
    lines.append(f"channel:  {result.channel or 'unknown'}")
    lines.append(f"reply due: {_when(result.deadline.due) if result.deadline else 'no deadline known'}")
    lines += [f"- {reason}" for reason in result.reasons]
    return "\n".join(lines) + "\n"
