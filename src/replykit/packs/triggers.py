"""Trigger phrases: what a buyer writes that suggests a scenario (``triggers:`` in scenario.yaml).

```yaml
triggers:
  en: ["not in the box", "missing", "only got *", "half of my order"]
  de: ["fehlt", "fehlen*", "nicht im paket", "*schaden"]
  ar: ["الطلب ناقص", "لم يصل*"]
  ja: ["届いていません", "入っていない"]
```

A language tag of the scenario maps to a list of phrases. Text and phrases are compared after
``normalise``: NFKC (full-width letters, compatibility forms), case folding, accents dropped
from Latin letters (buyers type "recu" for "reçu", "beschadigt" for "beschädigt"; ł ø đ æ œ
too), ё read as е, Arabic written without its short vowels and tatweel and with one alef, ya
and ha (أ إ آ -> ا, ى -> ي, ة -> ه), typographic apostrophes and dashes as ASCII ones, and
every run of white space as one space. German written with "ae", "oe", "ue" for umlauts is
not folded: add such spellings as phrases of their own.

How a phrase matches (``replykit.triage`` matches; this module reads and checks):

- In languages written with spaces it matches whole words. ``*`` at the end of a word
  matches any ending (``beschädig*``: beschädigt, beschädigte); at its start, any beginning
  (``*schaden``: Transportschaden); a ``*`` standing alone matches any one word
  (``only got *``). A ``*`` inside a word is refused.
- In Arabic, each word also matches with the proclitics written onto it: و and ف, then
  ب, ك, ل and the article ال (or لل): ``طلب`` matches طلب, الطلب, والطلب, بالطلب, للطلب, and a
  phrase written with ال (``الطلب``) matches with or without it. Suffixes (طلبي, طلبك) need a
  ``*``: ``طلب*``. Treating Arabic as substrings instead would let short words match inside
  unrelated ones.
- In ja, ko, zh, th, lo, km, my and bo (written without spaces between words, or, in
  Korean, with particles joined to the word) a phrase matches anywhere as a substring, and
  a space in it is optional ("배송이 안 왔어요" matches "배송이 안왔어요"); ``*`` is ignored.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from replykit.errors import ScenarioInvalid
from replykit.packs.characters import refused, shown
from replykit.packs.yamlio import LineList, LineMapping

MAX_PHRASE_CHARS = 100
"""Longest trigger phrase, as written: a trigger is a few words a buyer writes."""

MAX_PHRASES = 300
"""Most trigger phrases per language of one scenario."""

SUBSTRING_LANGUAGES = frozenset({"ja", "ko", "zh", "th", "lo", "km", "my", "bo"})
"""Primary language subtags whose phrases match as substrings (no spaces between words, or particles
joined to words)."""

_EMPTY: Mapping[str, tuple[str, ...]] = MappingProxyType({})


_EXTRA = {
    "ł": "l", "đ": "d", "ø": "o", "ħ": "h", "ı": "i", "ŀ": "l", "æ": "ae", "œ": "oe", "ё": "е",
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك",
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u00b4": "'", "\u2032": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
}  # fmt: skip
"""Folds that no decomposition gives (text is case-folded first, so lower case is enough)."""

_DROPPED = (
    (0x0300, 0x0370),  # combining diacritical marks (left by case folding, or typed apart)
    (0x064B, 0x0653),  # Arabic short vowels, shadda, sukun
    (0x0670, 0x0671),  # Arabic superscript alef
    (0x0640, 0x0641),  # tatweel
    (0x00AD, 0x00AE),  # soft hyphen
    (0x200B, 0x200E),  # zero-width space, non-joiner, joiner
    (0x2060, 0x2061),  # word joiner
    (0xFEFF, 0xFF00),  # zero-width no-break space
)
_LATIN = ((0x00C0, 0x0250), (0x1E00, 0x1F00))  # Latin-1, Extended-A and B, Extended Additional
_COMMAS = ",\u060c\u3001\uff0c"  # comma, Arabic comma, ideographic comma, full-width comma


class _Fold(dict[int, "int | str | None"]):
    """The str.translate table of ``normalise``, filled in as characters are first met (building it whole
    would cost every run that reads a scenario about a millisecond)."""

    def __missing__(self, code: int) -> int | str | None:
        char = chr(code)
        value: int | str | None = code
        if char in _EXTRA:
            value = _EXTRA[char]
        elif any(start <= code < end for start, end in _DROPPED):
            value = None
        elif any(start <= code < end for start, end in _LATIN):
            base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
            value = base if base else code
        elif char in _COMMAS:
            value = " "
        self[code] = value
        return value


_FOLD = _Fold()


def normalise(text: str) -> str:
    """``text`` as triggers are compared: NFKC, case-folded, accents and Arabic marks dropped, commas made
    spaces ("delivered, but" matches "delivered but"; a full stop still ends a phrase), spaces collapsed.

    >>> normalise("  Reçu  ＡＢＣ Straße ")
    'recu abc strasse'
    """
    if text.isascii():  # the common case of a Latin phrase: NFKC and the table change nothing
        return " ".join(text.lower().replace(",", " ").split())
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    return " ".join(folded.split())


def primary(tag: str) -> str:
    """The primary language subtag of a tag, lower case: ``pt-BR`` -> ``pt``."""
    return tag.split("-", 1)[0].lower()


def substring_language(tag: str) -> bool:
    """Whether phrases of this language match as substrings rather than whole words."""
    return primary(tag) in SUBSTRING_LANGUAGES


class PhraseError(ValueError):
    """A phrase that cannot match as written; the message says why and how to write it."""


@functools.lru_cache(maxsize=65536)
def normal_phrase(written: str) -> str:
    """``normalise`` of a phrase, cached: the loader and ``triage`` both need it, once per process."""
    return normalise(written)


def check_phrase(written: str, language: str) -> str:
    """The normalised form of a phrase of ``language``; raises PhraseError when it cannot match anything."""
    normal = normal_phrase(written)
    if not any(c.isalnum() for c in normal):
        raise PhraseError("it holds no letters or digits")
    if not substring_language(language):
        for token in normal.split(" "):
            if "*" in token.strip("*"):
                raise PhraseError("a '*' in the middle of a word matches nothing; put it at the start or end of a word")
    return normal


def describe_value(value: Any) -> str:
    """What a YAML value is, for a message: 'text', 'a list', 'a mapping'."""
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "a mapping"


def _fail(path: Path, line: int | None, message: str, hint: str = "") -> ScenarioInvalid:
    return ScenarioInvalid("triggers: " + message, path=path, line=line, hint=hint)


_FORMAT_HINT = 'such as  triggers: {en: [missing, "not in the box"], de: [fehlt, "nicht im paket"]}'


def read_triggers(data: LineMapping, *, languages: Sequence[str], path: Path) -> Mapping[str, tuple[str, ...]]:
    """The ``triggers:`` of a scenario.yaml, checked: language tags of the scenario -> phrases.

    Tags are read as everywhere (``pt_BR`` is ``pt-BR``) and must name one of ``languages``
    (the scenario's templates). Each language holds a list of at most MAX_PHRASES phrases, each
    one line of at most MAX_PHRASE_CHARS characters with a letter or digit, none repeating
    another once normalised. Raises ScenarioInvalid with the file and line of the first problem.
    Returns an immutable mapping (empty when the key is absent or empty).
    """
    from replykit.errors import did_you_mean
    from replykit.packs.languages import parse_tag

    raw = data.get("triggers", "")
    if raw == "" or raw == []:
        return _EMPTY
    if not isinstance(raw, LineMapping):
        raise _fail(
            path,
            data.line_of("triggers"),
            f"expected a mapping of language tags to lists of phrases, not {describe_value(raw)}",
            hint=_FORMAT_HINT,
        )
    by_lower = {lang.lower(): lang for lang in languages}
    result: dict[str, tuple[str, ...]] = {}
    written_as: dict[str, str] = {}
    for written, value in raw.items():
        line = raw.line_of(written)
        tag = parse_tag(written)
        if tag is None:
            raise _fail(path, line, f"{shown(written)} is not a language tag", hint="such as en, de or pt-BR")
        lang = by_lower.get(tag.lower())
        if lang is None:
            hint = did_you_mean(tag, languages)
            raise _fail(
                path,
                line,
                f"{shown(written)} is not a language of this scenario" + (f"; {hint}" if hint else ""),
                hint=f"its languages (one template each): {', '.join(languages)}; add {tag}.j2 or remove its triggers",
            )
        if lang in result:
            raise _fail(
                path, line, f"{shown(written)} is {lang}, already given as {shown(written_as[lang])}; merge the lists"
            )
        written_as[lang] = written
        result[lang] = _read_phrases(value, lang, path, line)
    return MappingProxyType(result)


def _read_phrases(value: Any, lang: str, path: Path, line: int) -> tuple[str, ...]:
    if value == "":
        return ()
    if not isinstance(value, list):
        raise _fail(
            path,
            line,
            f"{lang} must be a list of phrases, not {describe_value(value)}",
            hint=f'write it as a list:  {lang}: [first phrase, "second phrase"]',
        )
    if len(value) > MAX_PHRASES:
        raise _fail(
            path,
            line,
            f"{lang} has {len(value):,} phrases; at most {MAX_PHRASES} are read",
            hint="keep the phrases that say the most: a few dozen cover what buyers write",
        )
    seen: dict[str, tuple[str, int]] = {}
    phrases: list[str] = []
    for index, item in enumerate(value):
        at = value.line_of(index, line) if isinstance(value, LineList) else line
        if isinstance(item, LineMapping):
            raise _fail(
                path,
                item.line or at,
                f"a phrase of {lang} reads as a mapping, not text",
                hint="a ': ' inside unquoted text starts a mapping in YAML; put the phrase in quotes",
            )
        if not isinstance(item, str):
            raise _fail(path, at, f"a phrase of {lang} is a list; each phrase is text", hint=_FORMAT_HINT)
        text = item.strip()
        if not text:
            raise _fail(path, at, f"an empty phrase in {lang}", hint="remove it, or write the words it stands for")
        if len(text) > MAX_PHRASE_CHARS:
            raise _fail(
                path,
                at,
                f"a phrase of {lang} is {len(text):,} characters ({shown(text)}); at most {MAX_PHRASE_CHARS}",
                hint="a trigger is a few words a buyer writes; split it into shorter phrases",
            )
        found = refused(text, one_line=True)
        if found is not None:
            raise _fail(path, at, f"the phrase {shown(text)} of {lang} holds {found[1]}; a phrase is one line of text")
        try:
            normal = check_phrase(text, lang)
        except PhraseError as exc:
            raise _fail(path, at, f"the phrase {shown(text)} of {lang}: {exc}") from None
        if normal in seen:
            first, first_line = seen[normal]
            where = f" on line {first_line}" if first_line != at else ""
            raise _fail(
                path,
                at,
                f"the phrase {shown(text)} of {lang} repeats {shown(first)}{where}",
                hint="phrases are compared without case, accents or width; remove one",
            )
        seen[normal] = (text, at)
        phrases.append(text)
    return tuple(phrases)
