"""Compiling word classes and shapes into patterns that Python's ``re`` scans fast.

Python's ``re`` tries the alternatives of a pattern one by one at every position of the text,
but passes over an alternative that starts with a plain character or a character class (when
the character there does not fit) almost for free; and when every alternative starts with a
plain character, it skips the positions where none can start without entering the matcher. An
alternative that starts with ``\\b``, a lookbehind or a group costs a full attempt everywhere:
with a few hundred such entries, a 2,000-character reply took 15 ms a word class. Hence:

- a leading group is spread out, an optional one both ways: ``\\b(?:bank|wire)\\s+transfer`` is
  ``\\bbank\\s+transfer`` or ``\\bwire\\s+transfer``; ``(?:za)?dzwoń`` is ``zadzwoń`` or ``dzwoń``;
- a leading guard moves behind the first character, as a lookbehind that includes it:
  ``\\bbank`` becomes ``b(?<!\\wb)ank``, ``(?<![\\w.,])\\d+`` becomes ``\\d(?<![\\w.,]\\d)\\d*``;
- a leading ``\\d`` or small class of plain characters is spread into them: ``[$€£]x`` is ``$x``, ``€x``, ``£x``;
- entries that start with the same character or class share one alternative: ``b(?:...|...)``;
- ``compiled`` splits every union by the script of the first character (Latin, Cyrillic, Arabic,
  CJK, other), and lint scans a reply only with those of the scripts it has letters of.

An entry ``rewrite`` cannot handle is kept as it is (correct, only slower); ``slow_entries``
lists them, and the tests keep that list empty for the word classes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence

from replykit.channels.lexicon import LEXICON
from replykit.channels.rules import RULES
from replykit.channels.shapes import (
    DOMAIN,
    DOMAIN_END,
    EMAIL,
    EMAIL_TRIGGERS,
    HTML,
    MASKS,
    ORDER_ID_FORMATS,
    PHONE,
    SPELT_DOT_NEAR,
    URL,
    WWW,
)

# A leading \b or a negative lookbehind of one character: (?<!x), (?<![...]), (?<!\d).
_GUARD = re.compile(r"\\b|\(\?<!((?:[^()\[\]\\]|\\.|\[(?:[^\]\\]|\\.)*\])+)\)")
# One character as a pattern: a plain character, an escape (\d, \s, \., \u00a0), or a class ([a-z]).
_ESCAPE = r"\\(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[^bBAZ0-9uxN])"
_TOKEN = re.compile(rf"[^\\()\[\]{{}}|?*+.^$]|{_ESCAPE}|\[\^?\]?(?:[^\]\\]|\\.)*\]")
_ESCAPE_TOKEN = re.compile(_ESCAPE)
# The guards of a rewritten entry: (?<!(?:G)first)...
_GUARD_INNER = re.compile(r"\(\?<!\(\?:(.*?)\)")
_COUNT = re.compile(r"\{(\d+)(,(\d*))?\}")
# The next character that escapes, opens a class or a group, closes a group (or separates alternatives):
# the scans below pass over the characters in between at once.
_NEXT_SPECIAL = re.compile(r"[\\\[()|]")
_NEXT_BRACKET = re.compile(r"[\\\[()]")
_MAX_SPREAD = 4


def _alternatives(pattern: str) -> list[str]:
    """``pattern`` split at its top-level ``|`` (not inside groups, classes or escapes)."""
    return list(_split(pattern))


@functools.cache
def _split(pattern: str) -> tuple[str, ...]:
    """``_alternatives``, once per pattern: unions share most entries."""
    parts, start, depth, index = [], 0, 0, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            token = _TOKEN.match(pattern, index)
            index = token.end() if token else index + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|":
            if depth == 0:
                parts.append(pattern[start:index])
                start = index + 1
        else:
            index = _next(_NEXT_SPECIAL, pattern, index)
            continue
        index += 1
    return (*parts, pattern[start:])


def _next(special: re.Pattern[str], pattern: str, index: int) -> int:
    """The index of the next character of ``special`` in ``pattern`` from ``index`` on, or its length."""
    found = special.search(pattern, index)
    return found.start() if found else len(pattern)


def _group_end(pattern: str) -> int | None:
    """The index just past the group that opens ``pattern``, or None if it is not closed."""
    depth, index = 0, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            token = _TOKEN.match(pattern, index)
            if not token:
                return None
            index = token.end()
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth > 0:
            index = _next(_NEXT_BRACKET, pattern, index)
            continue
        index += 1
        if depth == 0:
            return index
    return None


def _spread(body: str, depth: int = 0) -> list[str] | None:
    """``body`` as alternatives that each start with one character or class, or None."""
    if depth > _MAX_SPREAD:
        return None
    if body.startswith("(?:"):
        end = _group_end(body)
        if end is None:
            return None
        inner, after = body[3 : end - 1], body[end:]
        if after[:1] in ("*", "+", "{") or after[:2] == "??":
            return None
        alternatives = _alternatives(inner)
        if after[:1] == "?":
            after = after[1:]
            alternatives.append("")
        spread: list[str] = []
        for alternative in alternatives:
            more = _spread(alternative + after, depth + 1)
            if more is None:
                return None
            spread += more
        return spread
    token = _TOKEN.match(body)
    if not token:
        return None
    rest = body[token.end() :]
    chars = _plain_class(token.group())
    if chars:
        # [ab]x is ax or bx: plain characters sort by script and skip fast. [ab]+x is a[ab]*x or b[ab]*x.
        fewer = _one_less(token.group(), rest)
        if fewer is not None:
            return [re.escape(char) + fewer for char in chars]
    if rest[:1] in ("?", "*") and rest[1:2] != "?":
        # T?x is Tx or x; T*x is TT*x or x.
        without = _spread(rest[1:], depth + 1)
        with_one = token.group() + (token.group() + "*" if rest[0] == "*" else "") + rest[1:]
        return None if without is None else [with_one, *without]
    return [body]


_DIGITS = "0123456789０１２３４５６７８９٠١٢٣٤٥٦٧٨٩"


def _one_less(token: str, rest: str) -> str | None:
    """What follows one ``token`` of ``token`` + ``rest``: ``rest`` itself, or with the count one less
    (``+x`` gives ``token*x``, ``{2,5}x`` gives ``token{1,4}x``); None for an optional token (``?``, ``*``)."""
    count = _COUNT.match(rest)
    if rest[:1] == "+" and rest[1:2] != "?":
        return token + "*" + rest[1:]
    if count and int(count.group(1)) >= 1:
        low, comma, high = int(count.group(1)) - 1, count.group(2), count.group(3)
        upper = "" if not comma else "," + (str(int(high) - 1) if high else "")
        return f"{token}{{{low}{upper}}}" + rest[count.end() :]
    if rest[:1] in ("?", "*", "+", "{"):
        return None
    return rest


def _plain_class(token: str) -> str:
    """The characters of ``\\d`` (the digits replies use) or of a class of a few plain characters (``[$€£]``);
    '' for anything else."""
    if token == r"\d":
        return _DIGITS
    if not (token.startswith("[") and token.endswith("]")) or token[1:2] == "^":
        return ""
    chars = token[1:-1]
    if len(chars) > 8 or any(char in "\\-[]" for char in chars):
        return ""
    return chars


def rewrite(entry: str) -> list[tuple[str, str, str]] | None:
    """``entry`` (without a top-level ``|``) as ``(first character or class, guard, rest)`` triples, or None.

    >>> rewrite(r"\\b(?:bank|wire)\\s+transfer")
    [('b', '(?<!(?:\\\\w)b)', 'ank\\\\s+transfer'), ('w', '(?<!(?:\\\\w)w)', 'ire\\\\s+transfer')]
    """
    rewritten = _rewrite(entry)
    return None if rewritten is None else list(rewritten)


@functools.cache
def _rewrite(entry: str) -> tuple[tuple[str, str, str], ...] | None:
    """``rewrite``, once per entry: the trigger and the word classes share most entries."""
    guards: list[str] = []
    word_guard = False
    body = entry
    while match := _GUARD.match(body):
        guards.append(match.group(1) or r"\w")
        word_guard = word_guard or match.group(1) is None
        body = body[match.end() :]
    bodies = _spread(body)
    if not bodies:
        return None
    rewritten = []
    for body in bodies:
        token = _TOKEN.match(body)
        if not token or (word_guard and not _is_word(token.group())):
            return None
        first = token.group()
        rest = _one_less(first, body[token.end() :])
        if rest is None:
            return None
        rewritten.append((first, "".join(f"(?<!(?:{guard}){first})" for guard in guards), rest))
    return tuple(rewritten)


def _is_word(token: str) -> bool:
    """Whether ``token`` matches word characters only (so that a \\b before it means 'after a non-word')."""
    return token in (r"\d", r"\w") or (len(token) == 1 and (token.isalnum() or token == "_"))


def _entries(entries: Iterable[str]) -> Iterable[str]:
    return (alternative for entry in entries for alternative in _split(entry))


SCRIPTS = {
    "latin": r"[a-zà-ɏ]",
    "cyrillic": r"[\u0400-\u04ff]",
    "arabic": r"[\u0600-\u06ff]",
    "cjk": r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]",
}
"""The scripts entries are split by (by their first character), and how to tell that a reply has letters of one."""
OTHER = "other"
"""Entries that start with a digit, a class or a symbol: looked for in every reply."""


@functools.cache
def script_of(first: str) -> str:
    """The script of an entry's first character or class (``OTHER`` for classes, escapes, digits, symbols)."""
    if len(first) == 1:
        for script, letters in SCRIPTS.items():
            if re.fullmatch(letters, first):
                return script
    return OTHER


_QUANTIFIER = re.compile(r"(?:[?*+]|\{\d+(?:,\d*)?\})\??")
# An item that is not a group, with its quantifier: a class, an escape (two characters if not one
# _ESCAPE knows, such as \b), or any other one character.
_ITEM = re.compile(rf"(\[\^?\]?(?:[^\]\\]|\\.)*\]|{_ESCAPE}|\\.?|[^(\[\\])({_QUANTIFIER.pattern})?", re.DOTALL)


def _tokens(pattern: str) -> tuple[str, ...] | None:
    """``pattern`` (without a top-level ``|``) as its items with their quantifiers: ``\\d*``, ``[ab]``, ``(?:x)?``."""
    items = _items(pattern)
    return None if items is None else tuple(atom + quantifier for atom, quantifier in items)


@functools.cache
def _items(pattern: str) -> tuple[tuple[str, str], ...] | None:
    """``pattern`` (without a top-level ``|``) as its items, each as ``(atom, quantifier)``: ``("\\d", "*")``."""
    items, index = [], 0
    while index < len(pattern):
        if pattern[index] != "(":
            item = _ITEM.match(pattern, index)
            if item is None:
                return None
            items.append((item.group(1), item.group(2) or ""))
            index = item.end()
            continue
        end = _group_end(pattern[index:])
        if end is None:
            return None
        atom_end = index + end
        quantifier = _QUANTIFIER.match(pattern, atom_end)
        end = quantifier.end() if quantifier else atom_end
        items.append((pattern[index:atom_end], pattern[atom_end:end]))
        index = end
    return tuple(items)


Item = tuple[Sequence[str], bool]
"""An alternative as its items, and whether to keep it."""


def _factored(rests: list[Item]) -> str:
    """Alternatives (as item lists) with their shared leading items written once, in their order:
    ``\\d*%off`` and ``\\d*%korting`` become ``\\d*%(?:off|korting)``. Python's re does this for plain
    characters only, and an item it has to backtrack over, such as ``\\d*``, costs once instead of per alternative.

    Alternatives not kept are left out, and the order is the one all of them give (see ``fast_union``)."""
    by_head: dict[str, list[Item]] = {}
    for items, kept in rests:
        by_head.setdefault(items[0] if items else "", []).append((items[1:], kept))
    parts = []
    for head, tails in by_head.items():
        if not any(kept for _, kept in tails):
            continue
        if not head:
            parts.append("")
        elif len(tails) == 1:
            parts.append(head + "".join(tails[0][0]))
        else:
            parts.append(head + "(?:" + _factored(tails) + ")")
    return "|".join(parts)


def _join(rests: list[tuple[str, bool]]) -> str:
    """The kept ``rests`` as alternatives, factored where all of them can be split into items."""
    items = [_tokens(rest) for rest, _ in rests]
    if any(item is None for item in items):
        return "|".join(rest for rest, kept in rests if kept)
    return _factored([(item, kept) for item, (_, kept) in zip(items, rests, strict=True) if item is not None])


Keep = Callable[[str], bool]
"""Which entries (each without a top-level ``|``) to keep in a union: see ``fast_union``."""


def fast_union(entries: Iterable[str], script: str | None = None, *, keep: Keep | None = None) -> str:
    """One pattern matching what any of ``entries`` matches (those starting in ``script``, if given),
    each alternative starting with one character or class.

    Entries that start with the same character are one alternative, and within it, those with the
    same guard share it: ``b(?<!\\wb)(?:ank|ill)``, so that a 'b' inside a word costs one check.
    An empty selection gives ''.

    ``keep``: the union of the kept entries only, in the order and grouping that all entries give,
    so that it matches on any text exactly as the whole union does if the entries left out cannot
    match in that text (an entry that can never match is only one alternative fewer to try).
    """
    return _union([(entry, keep is None or keep(entry)) for entry in _entries(entries)], script)


def _union(entries: list[tuple[str, bool]], script: str | None) -> str:
    """``fast_union`` of ``(entry, kept)`` pairs."""
    grouped: dict[str, dict[str, list[tuple[str, bool]]]] = {}
    slow: list[str] = []
    for entry, kept in entries:
        rewritten = _rewrite(entry)
        if rewritten is None:
            if script in (None, OTHER) and kept:
                slow.append(entry)
            continue
        for first, guard, rest in rewritten:
            if script is None or script_of(first) == script:
                grouped.setdefault(first, {}).setdefault(guard, []).append((rest, kept))
    return "|".join(_grouped(grouped) + [f"(?:{entry})" for entry in slow])


def _grouped(grouped: dict[str, dict[str, list[tuple[str, bool]]]]) -> list[str]:
    """Per first character, its entries' kept rests by guard: ``b(?:(?<!\\wb)(?:ank|ill)|...)``."""
    parts = []
    for first, by_guard in grouped.items():
        inner = [
            guard + "(?:" + _join(rests) + ")" for guard, rests in by_guard.items() if any(kept for _, kept in rests)
        ]
        if inner:
            parts.append(first + (inner[0] if len(inner) == 1 else "(?:" + "|".join(inner) + ")"))
    return parts


_LATIN_LETTERS = "a-zà-ɏ"


def gated_union(entries: Iterable[str], script: str, *, keep: Keep | None = None) -> tuple[str, str]:
    """``fast_union`` of the entries that start in ``script``, in two parts: ``(gated, rest)``.

    A Latin entry whose guard rules out a Latin letter before it (``\\b``, ``(?<![a-zà-ɏ])``) can
    only start after a non-letter, so ``gated`` takes that character too: ``[^a-zà-ɏ](?:b(?<!\\wb)ank|...)``.
    Starting with one class, the pattern lets ``re`` pass over every letter without a try, about
    twice as fast; it is run on the text after a space (for a match at the start), and its
    matches begin one character early. ``rest`` holds the other entries, as ``fast_union`` would.
    Other scripts are not gated: ``gated`` is ''. ``keep`` as for ``fast_union``.
    """
    grouped: dict[str, dict[str, list[tuple[str, bool]]]] = {}
    rest: list[tuple[str, bool]] = []
    for entry in _entries(entries):
        kept = keep is None or keep(entry)
        rewritten = _rewrite(entry)
        if rewritten is None:
            rest.append((entry, kept))
            continue
        for first, guard, tail in rewritten:
            if script_of(first) != script:
                continue
            guards = _GUARD_INNER.findall(guard)
            if script == "latin" and guards and any(r"\w" in g or _LATIN_LETTERS in g for g in guards):
                grouped.setdefault(first, {}).setdefault(guard, []).append((tail, kept))
            else:
                rest.append((_as_entry(first, guard, tail), kept))
    parts = _grouped(grouped)
    gated = f"[^{_LATIN_LETTERS}](?:" + "|".join(parts) + ")" if parts else ""
    return gated, _union([(alternative, kept) for entry, kept in rest for alternative in _alternatives(entry)], script)


def _as_entry(first: str, guard: str, tail: str) -> str:
    """A rewritten entry as an entry again, with its guard in front: ``(?<!\\w)bank``."""
    return "".join(f"(?<!{g})" for g in _guards_before(first).findall(guard)) + first + tail


@functools.cache
def _guards_before(first: str) -> re.Pattern[str]:
    """The guards of a rewritten entry that starts with ``first``: ``G`` in each ``(?<!(?:G)first)``."""
    return re.compile(r"\(\?<!\(\?:(.*?)\)" + re.escape(first) + r"\)")


def slow_entries(entries: Iterable[str]) -> list[str]:
    """The entries ``fast_union`` has to keep as they are."""
    return [entry for entry in _entries(entries) if rewrite(entry) is None]


# --- Compiling for one text ----------------------------------------------------------------------


@functools.cache
def needs(entry: str) -> tuple[frozenset[str], ...]:
    """What a text must hold for ``entry`` (without a top-level ``|``) to match anywhere in it: one
    string of each set. ``()`` when nothing is certain.

    >>> needs(r"\\b(?:bank|wire)\\s+transfer")
    (frozenset({'transfer'}), frozenset({'bank', 'wire'}))
    """
    found = _literals(entry)
    if found is None:
        return ()
    runs, choices = found
    return tuple(frozenset([run]) for run in runs) + tuple(choices)


def _literals(pattern: str) -> tuple[list[str], list[frozenset[str]]] | None:
    """The runs of plain characters that every match of ``pattern`` holds, and for each group it cannot
    skip whose every alternative has such a run, the longest run of each alternative.

    Only what is certain counts: a run ends at anything but a plain character (an escape such as
    ``\\s``, a class, ``\\b``, a lookaround) and after a repeated one; an item that may be skipped
    (``?``, ``*``, ``{0,n}``) is left out, and so is a group other than ``(?:...)`` or a lookaround.
    None for a pattern with what this does not read (flags, a named group, ``\\N{...}``, octal escapes,
    back references, a ``{`` that is not a count)."""
    runs: list[str] = []
    choices: list[frozenset[str]] = []
    run, index = "", 0
    while index < len(pattern):
        plain = _PLAIN_RUN.match(pattern, index)
        if plain:
            index = plain.end()
            quantifier = _QUANTIFIER.match(pattern, index)
            if not quantifier:
                run += plain.group()
                continue
            # The count is the last character's only.
            run += plain.group()[:-1]
            atom, count = plain.group()[-1], quantifier.group()
            index = quantifier.end()
        elif pattern[index] == "(":
            end = _group_end(pattern[index:])
            if end is None:
                return None
            atom = pattern[index : index + end]
            quantifier = _QUANTIFIER.match(pattern, index + end)
            count = quantifier.group() if quantifier else ""
            index = quantifier.end() if quantifier else index + end
        else:
            item = _ITEM.match(pattern, index)
            if item is None:
                return None
            atom, count, index = item.group(1), item.group(2) or "", item.end()
        if _unread(atom):
            return None
        required = not count or count[0] == "+" or (count[0] == "{" and _at_least_one(count))
        char = _literal(atom)
        if char and required:
            run += char
            if not count:
                continue
        if run:
            runs.append(run)
            run = ""
        if required and atom.startswith("(?:"):
            inner = [_literals(alternative) for alternative in _alternatives(atom[3:-1])]
            longest = [max(found[0], key=len, default="") if found else "" for found in inner]
            if all(longest):
                choices.append(frozenset(longest))
    if run:
        runs.append(run)
    return runs, choices


def _unread(atom: str) -> bool:
    """Whether ``_literals`` cannot tell what ``atom`` does to the characters around it."""
    if atom.startswith("(?"):
        return atom[2:3] not in (":", "=", "!") and atom[2:4] not in ("<=", "<!")
    return atom == "{" or (len(atom) == 2 and atom[0] == "\\" and atom[1] in "N0123456789")


def _at_least_one(count: str) -> bool:
    """Whether a ``{m}``, ``{m,}`` or ``{m,n}`` count asks for one or more."""
    found = _COUNT.match(count)
    return bool(found and int(found.group(1)) >= 1)


# Characters that mean something in a pattern even unescaped, or may once a flag is set.
_SPECIAL = frozenset("\\()[]{}|?*+.^$# \t\n\r\f\v")
_PLAIN_RUN = re.compile(r"[^\\()\[\]{}|?*+.^$#\s]+")
# The run of plain characters an entry starts with after its guards, without a last one that may be skipped.
_LEAD = re.compile(rf"(?:{_GUARD.pattern})*(?P<run>{_PLAIN_RUN.pattern})(?![?*{{])")


def _literal(atom: str) -> str:
    """The one character ``atom`` matches, if it is a plain or an escaped one (``a``, ``\\.``, ``\\u00e9``), else ''."""
    if len(atom) == 1:
        return "" if atom in _SPECIAL else atom
    if atom[:2] in ("\\u", "\\x") and len(atom) in (6, 4):
        return chr(int(atom[2:], 16))
    if len(atom) == 2 and atom[0] == "\\" and not (atom[1].isalnum() or atom[1] == "_" or atom[1].isspace()):
        return atom[1]
    return ""


class Present:
    """Which entries can match in one text (see ``needs``), each decided once.

    Most entries start with a run of plain characters (``\\bbank``) that the text does not hold:
    found with one match, it spares working out the rest of what they need."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._can_match: dict[str, bool] = {}

    def can_match(self, entry: str) -> bool:
        """Whether the text holds what ``entry`` needs."""
        known = self._can_match.get(entry)
        if known is None:
            lead = _LEAD.match(entry)
            known = self._can_match[entry] = (not lead or lead.group("run") in self.text) and all(
                any(literal in self.text for literal in choice) for choice in needs(entry)
            )
        return known


Patterns = tuple[re.Pattern[str] | None, ...]

_WHOLE_AFTER = 3
"""After this many texts, a union is compiled whole: the process checks many, and pays once."""


class _Union:
    """One union of entries, compiled for the entries a text can match: a reply in English holds
    what a few hundred of the thousands of entries need, and compiling takes time in proportion.

    Compiled for one text, the union matches there exactly as the whole one would (``fast_union``'s
    ``keep``), and on any later text that needs no other entries. A process that checks more texts
    than ``_WHOLE_AFTER`` compiles the whole union once and from then on checks no literals, which
    on a 2,000-character reply take longer than the matching.
    """

    def __init__(self, entries: Iterable[str], build: Callable[[Keep | None], tuple[str, ...]]) -> None:
        self._entries = list(dict.fromkeys(_entries(entries)))
        self._build = build
        self._whole: Patterns | None = None
        self._made: list[tuple[frozenset[str], Patterns]] = []
        self._last: tuple[Present, Patterns] | None = None
        self._texts = 0

    def for_text(self, present: Present | None) -> Patterns:
        """The patterns for the text of ``present`` (all entries, for None)."""
        if self._whole is not None:
            return self._whole
        if self._last is not None and present is self._last[0]:
            return self._last[1]
        self._texts += 1
        if present is None or self._texts > _WHOLE_AFTER:
            self._whole = self._compile(None)
            self._made.clear()
            self._last = None
            return self._whole
        kept = frozenset(entry for entry in self._entries if present.can_match(entry))
        patterns = next((made for have, made in self._made if kept <= have), None)
        if patterns is None:
            patterns = self._compile(kept.__contains__)
            self._made.append((kept, patterns))
        self._last = (present, patterns)
        return patterns

    def _compile(self, keep: Keep | None) -> Patterns:
        return tuple(re.compile(source) if source else None for source in self._build(keep))


class Compiled:
    """Every pattern lint uses (see the module docstring and shapes.py for which runs on what).

    Each is compiled when a reply first needs it; a word class, or a script's trigger, only with
    the entries the reply can match (``_Union``), since all of them take about a second to compile.
    """

    def __init__(self) -> None:
        entries: dict[str, list[str]] = {}
        for table in LEXICON.values():
            for name, sources in table.items():
                entries.setdefault(name, []).extend(sources)
        self._plain = {name: [word for word in words if not _CASED.fullmatch(word)] for name, words in entries.items()}
        self._kept = {
            name: kept
            for name, words in entries.items()
            if (kept := [m.group(1) for w in words if (m := _CASED.fullmatch(w))])
        }
        looked_for = sorted({pattern.find for rule in RULES for pattern in rule.patterns} & set(entries))
        self._looked_for = [word for name in looked_for for word in self._plain[name]]
        self._classes: dict[tuple[str, str], _Union] = {}
        self._cased: dict[str, re.Pattern[str] | None] = {}
        self._triggers: dict[str, _Union] = {}
        self._order_ids: dict[str, re.Pattern[str]] = {}
        self._order_ids_in_text: dict[str, re.Pattern[str]] = {}
        # After an id word, a word or two ("is", a carrier), then the number: digits and capitals, spaces, dashes.
        self.number_after_id_word = re.compile(r"[^\d\n.!?。]{0,12}?(?P<number>[A-Z0-9][A-Z0-9 \-]{4,}[0-9])")
        self.sentence_end = re.compile(r"[.!?。！？\n](?:(?<=[。！？\n])|[.!?]*(?=\s|$))")
        """The end of a sentence: a line break, a Japanese full stop, or . ! ? before a space or the end."""

    @functools.cached_property
    def other_letters(self) -> re.Pattern[str]:
        """A letter of any script but Latin."""
        return re.compile("|".join(letters for script, letters in SCRIPTS.items() if script != "latin"))

    @functools.cached_property
    def scripts(self) -> dict[str, re.Pattern[str]]:
        """Per script, a letter of it: which scripts a reply has (Latin and OTHER are scanned in any case)."""
        return {script: re.compile(letters) for script, letters in SCRIPTS.items()}

    @functools.cached_property
    def url(self) -> re.Pattern[str]:
        return re.compile(fast_union([URL]))

    @functools.cached_property
    def www(self) -> re.Pattern[str]:
        return re.compile(fast_union([WWW]))

    @functools.cached_property
    def html(self) -> re.Pattern[str]:
        return re.compile(fast_union([HTML]))

    @functools.cached_property
    def domain_end(self) -> re.Pattern[str]:
        return re.compile(DOMAIN_END)

    @functools.cached_property
    def domain(self) -> re.Pattern[str]:
        return re.compile(DOMAIN)

    @functools.cached_property
    def email_trigger(self) -> re.Pattern[str]:
        return re.compile(fast_union(EMAIL_TRIGGERS))

    @functools.cached_property
    def email(self) -> re.Pattern[str]:
        return re.compile(EMAIL)

    @functools.cached_property
    def spelt_dot_near(self) -> re.Pattern[str]:
        return re.compile(SPELT_DOT_NEAR)

    @functools.cached_property
    def phone(self) -> re.Pattern[str]:
        return re.compile(PHONE)

    @functools.cached_property
    def masks(self) -> re.Pattern[str]:
        return re.compile(fast_union(MASKS.values()))

    def order_id(self, channel: str) -> re.Pattern[str]:
        """The order-id format of ``channel``, to match a whole id."""
        if channel not in self._order_ids:
            self._order_ids[channel] = re.compile(ORDER_ID_FORMATS[channel][0])
        return self._order_ids[channel]

    def order_id_in_text(self, channel: str) -> re.Pattern[str] | None:
        """An order id of ``channel``'s format in a text; None for a channel without one."""
        if channel not in ORDER_ID_FORMATS:
            return None
        if channel not in self._order_ids_in_text:
            source = ORDER_ID_FORMATS[channel][0]
            self._order_ids_in_text[channel] = re.compile(fast_union([rf"(?<![\w-]){source}(?![\w-])"]))
        return self._order_ids_in_text[channel]

    def word_class(self, name: str, script: str, present: Present | None = None) -> re.Pattern[str] | None:
        """The entries of word class ``name`` that start in ``script``, for the reply in lower case; None if none.
        With ``present`` (of the reply in lower case), only those it can match (see ``_Union``)."""
        key = (name, script)
        if key not in self._classes:
            words = self._plain[name]
            self._classes[key] = _Union(words, lambda keep: (fast_union(words, script, keep=keep),))
        return self._classes[key].for_text(present)[0]

    def cased(self, name: str) -> re.Pattern[str] | None:
        """The entries of word class ``name`` that keep their case (``(?-i:...)``), for the reply as written."""
        if name not in self._cased:
            self._cased[name] = re.compile(fast_union(self._kept[name])) if name in self._kept else None
        return self._cased[name]

    def trigger(
        self, script: str, present: Present | None = None
    ) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        """Every entry that starts in ``script`` of the word classes rules look for, as two patterns: one for
        the entries that start after a non-letter, to run on the reply in lower case after a space (see
        ``gated_union``), one for the rest, to run on the reply in lower case. ``present`` as for ``word_class``."""
        if script not in self._triggers:
            self._triggers[script] = _Union(
                self._looked_for, lambda keep: gated_union(self._looked_for, script, keep=keep)
            )
        gated, rest = self._triggers[script].for_text(present)
        return gated, rest


_CASED = re.compile(r"\(\?-i:(.*)\)", re.DOTALL)


@functools.cache
def compiled() -> Compiled:
    """The patterns of the process, made on first use."""
    return Compiled()
