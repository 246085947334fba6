"""Locale-aware Jinja2 filters for dates and money, backed by Babel (imported only when used)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context


def _locale(context: Context) -> Any:
    from babel import Locale

    return Locale.parse(str(context.get("lang") or "en"), sep="-")


@pass_context
def format_date_filter(context: Context, value: date, style: str = "long") -> str:
    """``{{ expected_date | date }}``: 'December 3, 2026', '3. Dezember 2026'."""
    from babel.dates import format_date

    return format_date(value, format=style, locale=_locale(context))


@pass_context
def format_money_filter(context: Context, amount: Decimal | int, currency: str | None = None) -> str:
    """``{{ amount | money(currency) }}``: '€12.50', '12,50 €', 'R$ 12,50'; a plain number without currency."""
    from babel.numbers import format_currency, format_decimal

    if not currency:
        return format_decimal(amount, format="#,##0.00", locale=_locale(context))
    return format_currency(amount, currency.upper(), locale=_locale(context))


FILTERS = {"date": format_date_filter, "money": format_money_filter}
