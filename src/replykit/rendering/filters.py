"""Locale-aware Jinja2 filters, backed by Babel (imported only when used).

Every filter formats for the reply's language, which the renderer puts in the
template context as ``lang``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"
"""Unicode directional isolates: left-to-right isolate, first-strong isolate, pop."""


def _locale(context: Context) -> Any:
    from babel import Locale

    return Locale.parse(str(context.get("lang") or "en"), sep="-")


@pass_context
def format_date_filter(context: Context, value: date, style: str = "long") -> str:
    """``{{ expected_date | date }}``: 'December 3, 2026', '3. Dezember 2026', '2026年12月3日', '1er décembre 2026'."""
    from babel.dates import format_date

    locale = _locale(context)
    text = format_date(value, format=style, locale=locale)
    if locale.language == "fr" and value.day == 1 and style in ("long", "full"):
        # French writes the first of the month as an ordinal, "1er décembre"; CLDR's pattern has no ordinals.
        text = text.replace("1 ", "1er ", 1)
    return text


@pass_context
def format_money_filter(context: Context, amount: Decimal | int, currency: str | None = None) -> str:
    """``{{ amount | money(currency) }}``: '€12.50', '12,50 €', 'R$ 12,50'; a plain number without currency."""
    from babel.numbers import format_currency, format_decimal

    if not currency:
        return format_decimal(amount, format="#,##0.00", locale=_locale(context))
    return format_currency(amount, currency.upper(), locale=_locale(context))


@pass_context
def and_list_filter(context: Context, values: Iterable[Any]) -> str:
    """``{{ items | and_list }}``: 'mug and towel', 'Tasse und Handtuch', 'マグ、タオル'."""
    from babel.lists import format_list

    return format_list([str(value) for value in values], style="standard", locale=_locale(context))


def ltr_filter(value: Any) -> str:
    """``{{ order_id | ltr }}``: keep a left-to-right value (order or tracking number,
    e-mail address) in one piece inside right-to-left text."""
    return f"{LRI}{value}{PDI}"


def isolate_filter(value: Any) -> str:
    """``{{ name | isolate }}``: isolate a value whose direction is not known in advance
    (a name in Latin or Arabic script) from the text around it."""
    return f"{FSI}{value}{PDI}"


FILTERS = {
    "date": format_date_filter,
    "money": format_money_filter,
    "and_list": and_list_filter,
    "ltr": ltr_filter,
    "isolate": isolate_filter,
}
