"""Locale formatting: the exact strings Babel gives, non-breaking spaces included."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from jinja2.sandbox import SandboxedEnvironment

from replykit.rendering.filters import FILTERS

NBSP, NNBSP, RLM = "\u00a0", "\u202f", "\u200f"


def fmt(source: str, lang: str, **values: Any) -> str:
    env = SandboxedEnvironment()
    env.filters.update(FILTERS)
    return env.from_string(source).render(lang=lang, **values)


@pytest.mark.parametrize(
    ("lang", "amount", "currency", "text"),
    [
        ("en", "12.5", "EUR", "€12.50"),
        ("de", "12.5", "EUR", f"12,50{NBSP}€"),
        ("de", "1234.5", "EUR", f"1.234,50{NBSP}€"),
        ("fr", "1234.5", "EUR", f"1{NNBSP}234,50{NBSP}€"),
        ("es", "12.5", "EUR", f"12,50{NBSP}€"),
        ("it", "12.5", "EUR", f"12,50{NBSP}€"),
        ("nl", "12.5", "EUR", f"€{NBSP}12,50"),
        ("pt-BR", "12.5", "BRL", f"R${NBSP}12,50"),
        ("pt-BR", "12.5", "EUR", f"€{NBSP}12,50"),
        ("pl", "1234.5", "PLN", f"1{NBSP}234,50{NBSP}zł"),
        ("ru", "1234.5", "RUB", f"1{NBSP}234,50{NBSP}₽"),
        ("ja", "1234", "JPY", "￥1,234"),  # yen has no minor unit
        ("ko", "12000", "KRW", "₩12,000"),
        ("ar", "12.5", "EUR", f"{RLM}12.50{NBSP}€"),
        ("en", "12.5", "usd", "$12.50"),  # the code is upper-cased
        ("de-CH", "1234.5", "CHF", f"CHF{NBSP}1'234.50"),
        ("de", "12.5", "", "12,50"),  # no currency: a plain number
        ("en", "1234.5", "", "1,234.50"),
    ],
)
def test_money(lang: str, amount: str, currency: str, text: str) -> None:
    assert fmt("{{ amount | money(currency) }}", lang, amount=Decimal(amount), currency=currency) == text


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "December 3, 2026"),
        ("de", "3. Dezember 2026"),
        ("fr", "3 décembre 2026"),
        ("es", "3 de diciembre de 2026"),
        ("it", "3 dicembre 2026"),
        ("pt-BR", "3 de dezembro de 2026"),
        ("nl", "3 december 2026"),
        ("pl", "3 grudnia 2026"),
        ("ru", f"3 декабря 2026{NNBSP}г."),
        ("ja", "2026年12月3日"),
        ("ko", "2026년 12월 3일"),
        ("ar", "3 ديسمبر 2026"),
    ],
)
def test_long_dates(lang: str, text: str) -> None:
    assert fmt("{{ day | date }}", lang, day=date(2026, 12, 3)) == text


@pytest.mark.parametrize(
    ("lang", "day", "style", "text"),
    [
        ("fr", date(2026, 12, 1), "long", "1er décembre 2026"),  # French ordinal for the first
        ("fr", date(2026, 12, 1), "full", "mardi 1er décembre 2026"),
        ("it", date(2026, 12, 1), "long", "1º dicembre 2026"),  # and the Italian one
        ("it", date(2026, 12, 11), "long", "11 dicembre 2026"),
        ("fr", date(2026, 12, 11), "long", "11 décembre 2026"),
        ("fr", date(2026, 12, 21), "long", "21 décembre 2026"),
        ("fr", date(2026, 12, 1), "short", "01/12/2026"),
        ("fr-CA", date(2026, 12, 1), "long", "1er décembre 2026"),
        ("en", date(2026, 12, 1), "long", "December 1, 2026"),
        ("de", date(2026, 12, 1), "long", "1. Dezember 2026"),
    ],
)
def test_first_of_the_month(lang: str, day: date, style: str, text: str) -> None:
    assert fmt("{{ day | date(style) }}", lang, day=day, style=style) == text


@pytest.mark.parametrize(
    ("lang", "items", "text"),
    [
        ("en", ["mug"], "mug"),
        ("en", ["mug", "towel"], "mug and towel"),
        ("en", ["mug", "towel", "cap"], "mug, towel, and cap"),
        ("de", ["Tasse", "Tuch", "Mütze"], "Tasse, Tuch und Mütze"),
        ("fr", ["tasse", "torchon"], "tasse et torchon"),
        ("ja", ["マグ", "タオル", "帽子"], "マグ、タオル、帽子"),
        ("ko", ["머그", "수건"], "머그 및 수건"),
        ("ar", ["كوب", "منشفة"], "كوب ومنشفة"),
        ("pl", ["kubek", "ręcznik"], "kubek i ręcznik"),
    ],
)
def test_and_list(lang: str, items: list[str], text: str) -> None:
    assert fmt("{{ items | and_list }}", lang, items=items) == text


def test_directional_isolates() -> None:
    assert fmt("{{ v | ltr }}", "ar", v="LX123CN") == "\u2066LX123CN\u2069"
    assert fmt("{{ v | isolate }}", "ar", v="Alice") == "\u2068Alice\u2069"
    assert fmt('{{ items | map("isolate") | and_list }}', "ar", items=["a", "b"]) == "\u2068a\u2069 و\u2068b\u2069"
