"""Language tags: reading them as users type them, and choosing a scenario's variant for one.

A tag is accepted in BCP 47 spelling (``pt-BR``, ``zh-Hans``) or POSIX locale spelling
(``pt_BR``, ``de_DE.UTF-8``, ``ca_ES@valencia``). A request that names one of the scenario's
languages is answered without further work; anything else is negotiated with langcodes,
which knows the likely-subtag and macrolanguage data that a plain prefix match misses
(``zh-CN`` is ``zh-Hans``, ``nb-NO`` is served by ``no``, ``pt-PT`` is closer to ``pt-BR``
than to English). langcodes is imported only for that negotiation, to keep start-up fast.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol

from replykit.errors import UsageError
from replykit.limits import MAX_TAG_CHARS

# BCP 47 (RFC 5646) language tags, well-formedness only. Not accepted: irregular grandfathered tags and
# 5-8 letter primary subtags (RFC 5646 reserves them for languages never yet registered), so that
# 'german' is reported as not a tag. Compiled on first use: most runs read only two-letter tags.
_BCP47 = r"""
    [a-z]{2,3}(?:-[a-z]{3}){0,3}
    (?:-[a-z]{4})?
    (?:-(?:[a-z]{2}|[0-9]{3}))?
    (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*
    (?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*
    (?:-x(?:-[a-z0-9]{1,8})+)?
"""
_POSIX_SUFFIX = r"(\.[A-Za-z0-9_-]+)?(@[A-Za-z0-9]+)?$"


class Choice(NamedTuple):
    """The language a reply is rendered in, and a notice for stderr when it is not the one asked for."""

    language: str
    notice: str = ""


class Match(NamedTuple):
    """How a requested tag meets a set of available languages."""

    tag: str
    """The request, as a well-formed tag in conventional case."""
    language: str | None
    """The closest available language, or None when none is close enough."""
    same: bool
    """True when ``language`` is the language asked for, perhaps under another spelling (zh-CN, zh-Hans)."""


def parse_tag(text: str) -> str | None:
    """``text`` as a BCP 47 tag in its conventional case, or None if it is not well formed.

    >>> parse_tag("pt_BR.UTF-8"), parse_tag("ZH-hans-cn"), parse_tag("german")
    ('pt-BR', 'zh-Hans-CN', None)
    """
    tag = text.strip()
    if len(tag) == 2 and tag.isascii() and tag.isalpha():  # the common case, without a regular expression
        return tag.lower()
    if len(tag) > MAX_TAG_CHARS:
        return None
    tag = re.sub(_POSIX_SUFFIX, "", tag, count=1).replace("_", "-")
    if not re.fullmatch(_BCP47, tag, re.IGNORECASE | re.VERBOSE):
        return None
    # RFC 5646 2.1.1: language lower case, script title case, region upper case, and
    # everything after a singleton (extensions, private use) lower case.
    cased: list[str] = []
    extension = False
    for index, part in enumerate(tag.split("-")):
        extension = extension or len(part) == 1
        if index == 0 or extension:
            cased.append(part.lower())
        elif len(part) == 2:
            cased.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            cased.append(part.title())
        else:
            cased.append(part.lower())
    return "-".join(cased)


def match_language(requested: str, available: Sequence[str], *, source: str = "--lang") -> Match:
    """The available language closest to ``requested``, by langcodes' language distance.

    Raises UsageError, naming ``source`` and listing ``available``, when the request is not a
    well-formed tag or names no known language.
    """
    offered = f"available: {', '.join(available)}"
    tag = parse_tag(requested)
    if tag is None:
        raise UsageError(
            f"{source} {requested!r} is not a language tag",
            hint=f"use a BCP 47 tag such as de, pt-BR or zh-Hans; {offered}",
        )
    by_lower = {lang.lower(): lang for lang in available}
    if tag.lower() in by_lower:
        return Match(tag, by_lower[tag.lower()], same=True)

    import langcodes

    if not langcodes.tag_is_valid(tag):
        raise UsageError(
            f"{source} {requested!r} names no known language",
            hint=f"the first part of a tag is an ISO 639 code such as de, ja or pt; {offered}",
        )
    closest = langcodes.closest_supported_match(tag, list(available))
    if closest is None:
        return Match(tag, None, same=False)
    # One language under two spellings (zh-CN and zh-Hans, pt and pt-BR) is not a fallback.
    same = langcodes.Language.get(tag).maximize() == langcodes.Language.get(closest).maximize()
    return Match(tag, closest, same)


if TYPE_CHECKING:  # a type only: building a Protocol class costs start-up time

    class Multilingual(Protocol):
        """What choosing a language needs to know of a scenario (a Scenario is one)."""

        @property
        def id(self) -> str: ...

        @property
        def language(self) -> str:
            """The default language."""
            ...

        @property
        def languages(self) -> tuple[str, ...]: ...


def choose_language(scenario: Multilingual, requested: str | None, *, source: str = "--lang") -> Choice:
    """Pick the scenario's language variant for a requested tag.

    The exact variant if there is one; else the closest (``pt-BR`` → ``pt``, ``de-AT`` →
    ``de``, ``zh-CN`` → ``zh-Hans``); else the scenario's default language. The notice
    says so when the reply is not in the language asked for.
    """
    if not requested:
        return Choice(scenario.language)
    match = match_language(requested, scenario.languages, source=source)
    if match.language is None:
        return Choice(
            scenario.language,
            f"{scenario.id} has no '{match.tag}' reply and no close language; using its default "
            f"'{scenario.language}' (available: {', '.join(scenario.languages)})",
        )
    if match.same:
        return Choice(match.language)
    return Choice(
        match.language, f"{scenario.id} has no '{match.tag}' reply; using '{match.language}', the closest it has"
    )
