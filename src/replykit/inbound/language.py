"""The language of a buyer's own words, among the languages a scenario is written in.

py3langid (BSD; its model ships inside the package) is restricted with ``set_languages`` to
the candidate languages, and its normalised probability is the confidence. One identifier
is loaded per process, on the first call (about 0.3 s and the import of numpy).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

CONFIDENCE_FLOOR = 0.70
"""Below this confidence the language is not taken. Measured with py3langid 0.4.0 restricted to the 12
languages: the 60 short buyer messages of tests/mailfixtures.py (5 a language) all right, the lowest at
0.83 (Spanish); 12 questions of 3 to 5 words all right, the lowest 0.84; text in no language ("lol ok ok",
"OK OK OK OK", "asdf qwer zxcv", an address line, a URL) 0.17 to 0.51. The floor sits between the two."""

MIN_WORDS = 3
"""Fewer words than this are not identified: "ok", "thanks Anna" say nothing reliable about a language.
In Chinese and Japanese, which write no spaces, two characters count as one word."""

_NAMES = {
    "en": "English",
    "de": "German",
    "nl": "Dutch",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "pl": "Polish",
    "ru": "Russian",
    "ja": "Japanese",
    "ko": "Korean",
    "ar": "Arabic",
    "zh": "Chinese",
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Identified:
    """Which language the text is in, how sure, and the sentence stderr shows."""

    language: str | None
    """A tag from ``among`` (e.g. "pt-BR"), None when below the floor or too little text."""
    confidence: float
    """0..1, the identifier's probability among the candidate languages."""
    reason: str
    """For stderr: "identified as German (confidence 0.97)", "too few words (2) to identify"."""


_lock = threading.Lock()
_identifier: Any = None
_known: frozenset[str] = frozenset()
_restricted_to: tuple[str, ...] | None = None


def _load() -> frozenset[str]:
    """Load the process's one identifier (once); the language codes it knows."""
    global _identifier, _known
    if _identifier is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

        _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        _known = frozenset(_identifier.labels)
    return _known


def _classify(text: str, codes: tuple[str, ...]) -> tuple[str, float]:
    """py3langid's answer among ``codes``, restricting the identifier again only when they change."""
    global _restricted_to
    if _restricted_to != codes:
        _identifier.set_languages(list(codes))
        _restricted_to = codes
    code, confidence = _identifier.classify(text)
    return str(code), float(confidence)


def count_words(text: str) -> int:
    """Words in ``text``: runs of letters, and in Chinese and Japanese script every two characters."""
    count = 0
    for word in _WORD.findall(text):
        unspaced = len(_UNSPACED.findall(word))
        count += (unspaced + 1) // 2 + (1 if unspaced < len(word) else 0) if unspaced else 1
    return count


def _name(tag: str) -> str:
    return _NAMES.get(tag.split("-")[0].lower(), tag)


def identify(text: str, *, among: Sequence[str], floor: float = CONFIDENCE_FLOOR) -> Identified:
    """The language of ``text`` among the tags ``among`` (such as a scenario's languages).

    Pass the buyer's own words (``BuyerMessage.own_words``). When they are empty, the whole
    message was quoted text, which is the shop's own earlier words: do not fall back to
    ``text``; the profile's language applies. Tags are matched by their language subtag
    ("pt-BR" is asked for as "pt" and given back as "pt-BR"); tags py3langid does not know
    are left out. Returns language None below ``floor``, with fewer than MIN_WORDS words,
    or when no candidate is known to the identifier.
    """
    words = count_words(text)
    if words < MIN_WORDS:
        return Identified(None, 0.0, f"too few words ({words}) to identify")
    by_code: dict[str, str] = {}
    for tag in among:
        by_code.setdefault(tag.split("-")[0].lower(), tag)
    with _lock:
        known = _load()
        codes = tuple(sorted(code for code in by_code if code in known))
        if not codes:
            return Identified(None, 0.0, "none of " + ", ".join(among) + " can be identified")
        if len(codes) == 1:
            tag = by_code[codes[0]]
            return Identified(tag, 1.0, f"{_name(tag)}, the only language to choose from")
        code, confidence = _classify(text, codes)
    tag = by_code[code]
    confidence = round(confidence, 2)
    if confidence < floor:
        return Identified(
            None,
            confidence,
            f"not sure of the language: {_name(tag)} at most (confidence {confidence:.2f}, below {floor:.2f})",
        )
    return Identified(tag, confidence, f"identified as {_name(tag)} (confidence {confidence:.2f})")
