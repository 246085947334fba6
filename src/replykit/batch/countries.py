"""Which language to answer an order in, from the country it ships to.

COUNTRIES maps an ISO 3166-1 alpha-2 code to the library's languages (en es fr de it pt-BR nl
pl ru ja ko ar) that buyers there read, the most likely first: a country with several
(Switzerland: de, fr, it) gets the first one the scenario has. Exports write the country as a
code (Shopify per marketplaces.md 1.3; eBay and Amazon likewise) or, now and then, as its
English name, so both are accepted. A country not in the table, or none of whose languages
the scenario has, gives no language: the batch falls back to ``--lang``, then the profile.

The table is documented in the README ("Batch: one reply per order").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class Country(NamedTuple):
    """One row of the table: code, English name, languages in order of preference."""

    code: str
    name: str
    languages: tuple[str, ...]


COUNTRIES: dict[str, Country] = {
    row.code: row
    for row in (
        # English
        Country("US", "United States", ("en",)),
        Country("GB", "United Kingdom", ("en",)),
        Country("IE", "Ireland", ("en",)),
        Country("AU", "Australia", ("en",)),
        Country("NZ", "New Zealand", ("en",)),
        Country("CA", "Canada", ("en", "fr")),
        Country("ZA", "South Africa", ("en",)),
        Country("SG", "Singapore", ("en",)),
        Country("IN", "India", ("en",)),
        Country("MT", "Malta", ("en",)),
        # Spanish
        Country("ES", "Spain", ("es",)),
        Country("MX", "Mexico", ("es",)),
        Country("AR", "Argentina", ("es",)),
        Country("CO", "Colombia", ("es",)),
        Country("CL", "Chile", ("es",)),
        Country("PE", "Peru", ("es",)),
        Country("VE", "Venezuela", ("es",)),
        Country("EC", "Ecuador", ("es",)),
        Country("UY", "Uruguay", ("es",)),
        Country("PY", "Paraguay", ("es",)),
        Country("BO", "Bolivia", ("es",)),
        Country("CR", "Costa Rica", ("es",)),
        Country("PA", "Panama", ("es",)),
        Country("DO", "Dominican Republic", ("es",)),
        Country("GT", "Guatemala", ("es",)),
        Country("PR", "Puerto Rico", ("es", "en")),
        # French
        Country("FR", "France", ("fr",)),
        Country("MC", "Monaco", ("fr",)),
        Country("LU", "Luxembourg", ("fr", "de")),
        Country("BE", "Belgium", ("nl", "fr", "de")),
        Country("CH", "Switzerland", ("de", "fr", "it")),
        # German
        Country("DE", "Germany", ("de",)),
        Country("AT", "Austria", ("de",)),
        Country("LI", "Liechtenstein", ("de",)),
        # Italian
        Country("IT", "Italy", ("it",)),
        Country("SM", "San Marino", ("it",)),
        Country("VA", "Vatican City", ("it",)),
        # Portuguese: the library's Portuguese is Brazilian, the closest it has for Portugal too
        Country("BR", "Brazil", ("pt-BR",)),
        Country("PT", "Portugal", ("pt-BR",)),
        Country("AO", "Angola", ("pt-BR",)),
        Country("MZ", "Mozambique", ("pt-BR",)),
        # Dutch
        Country("NL", "Netherlands", ("nl",)),
        Country("SR", "Suriname", ("nl",)),
        # Polish
        Country("PL", "Poland", ("pl",)),
        # Russian
        Country("RU", "Russia", ("ru",)),
        Country("BY", "Belarus", ("ru",)),
        Country("KZ", "Kazakhstan", ("ru",)),
        Country("KG", "Kyrgyzstan", ("ru",)),
        # Japanese, Korean
        Country("JP", "Japan", ("ja",)),
        Country("KR", "South Korea", ("ko",)),
        # Arabic
        Country("SA", "Saudi Arabia", ("ar",)),
        Country("AE", "United Arab Emirates", ("ar", "en")),
        Country("EG", "Egypt", ("ar",)),
        Country("MA", "Morocco", ("ar", "fr")),
        Country("DZ", "Algeria", ("ar", "fr")),
        Country("TN", "Tunisia", ("ar", "fr")),
        Country("JO", "Jordan", ("ar",)),
        Country("LB", "Lebanon", ("ar", "fr")),
        Country("KW", "Kuwait", ("ar",)),
        Country("QA", "Qatar", ("ar",)),
        Country("BH", "Bahrain", ("ar",)),
        Country("OM", "Oman", ("ar",)),
        Country("IQ", "Iraq", ("ar",)),
        Country("LY", "Libya", ("ar",)),
    )
}

_BY_NAME = {row.name.casefold(): row for row in COUNTRIES.values()}


def find_country(text: str) -> Country | None:
    """The table's row for a country written as its code ('de', 'DE') or English name ('Germany'), or None."""
    key = text.strip()
    return COUNTRIES.get(key.upper()) or _BY_NAME.get(key.casefold())


class CountryLanguage(NamedTuple):
    """The language for a ship country, or why there is none (``language`` None, ``problem`` says why)."""

    language: str | None
    problem: str = ""


def country_language(text: str, available: Sequence[str]) -> CountryLanguage:
    """The first of the country's languages that is in ``available`` (the scenario's languages).

    >>> country_language("CH", ["en", "fr", "it"])
    CountryLanguage(language='fr', problem='')
    """
    country = find_country(text)
    if country is None:
        return CountryLanguage(None, f"ship country {text.strip()!r} is not in replykit's country table")
    for language in country.languages:
        if language in available:
            return CountryLanguage(language)
    return CountryLanguage(
        None, f"ship country {country.code} reads {', '.join(country.languages)}, and the scenario has none of them"
    )
