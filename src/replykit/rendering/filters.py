"""Locale-aware Jinja2 filters, backed by Babel (imported only when used).

Every filter formats for the reply's language, which the renderer puts in the
template context as ``lang``. A filter given a value it cannot format raises
FilterMisuse; the renderer adds the template's file and line.
"""

from __future__ import annotations

import decimal
import re
import reprlib
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from jinja2 import Undefined, pass_context
from jinja2.runtime import Context

from replykit.limits import MAX_LIST_ITEMS
from replykit.rendering.sandbox import TemplateStopped

LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"
"""Unicode directional isolates: left-to-right isolate, first-strong isolate, pop."""


class FilterMisuse(ValueError):
    """A filter was given a value it cannot format: text to ``date``, an unknown currency to ``money``..."""

    def __init__(self, filter_name: str, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.filter = filter_name
        self.hint = hint


def _short(value: Any) -> str:
    """A value as a template author would recognise it: quoted, control characters escaped, cut at 40."""
    shorten = reprlib.Repr()
    shorten.maxstring = shorten.maxother = shorten.maxlong = 40
    shorten.maxlist = shorten.maxtuple = 5
    return shorten.repr(value)


def describe(value: Any) -> str:
    """What kind of value this is, for messages: "text 'Alice'", 'the number 5', 'a list [...]'."""
    if value is None:
        return "no value"
    if isinstance(value, Undefined):
        return "an undefined value"
    if isinstance(value, str):
        return f"text {_short(value)}"
    if isinstance(value, bool):
        return f"the truth value {value}"
    if isinstance(value, Decimal):
        return f"the number {_short(str(value))[1:-1]}"
    if isinstance(value, (int, float)):
        return f"the number {_short(value)}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, (list, tuple)):
        return f"a list {_short(value)}"
    if isinstance(value, Mapping):
        return f"a mapping {_short(dict(value)) if isinstance(value, dict) else ''}".rstrip()
    return f"a value of type {type(value).__name__}"


def _refuse_undefined(value: Any) -> None:
    if isinstance(value, Undefined):
        str(value)  # StrictUndefined raises its own error here, naming what is undefined


_LOCALES: dict[str, Any] = {}
"""Babel Locale per language tag, parsed once per process: a batch formats thousands of dates in a few languages."""


def _locale(context: Context, filter_name: str) -> Any:
    tag = str(context.get("lang") or "en")
    found = _LOCALES.get(tag)
    if found is not None:
        return found
    from babel import Locale, UnknownLocaleError

    try:
        found = _LOCALES[tag] = Locale.parse(tag, sep="-")
        return found
    except (UnknownLocaleError, ValueError):
        raise FilterMisuse(
            filter_name,
            f"the {filter_name} filter cannot format for the language {tag!r}: Babel has no data for it",
            hint="name the template for a language Babel knows (such as de.j2 or pt-BR.j2), or do without the filter",
        ) from None


@pass_context
def format_date_filter(context: Context, value: date, style: str = "long") -> str:
    """``{{ expected_date | date }}``: 'December 3, 2026', '3. Dezember 2026', '2026年12月3日', '1er décembre 2026'.

    ``style`` is short, medium, long, full or a CLDR pattern such as 'yyyy-MM-dd'.
    Raises FilterMisuse for a value that is not a date, a bad style or a language Babel lacks.
    """
    from babel.dates import format_date

    _refuse_undefined(value)
    if value is None:
        raise FilterMisuse("date", "the date filter got no value", hint="guard it with {% if FIELD %}")
    if not isinstance(value, date):
        raise FilterMisuse(
            "date",
            f"the date filter needs a date field, not {describe(value)}",
            hint="give the field 'type: date' in scenario.yaml",
        )
    if not isinstance(style, str):
        raise FilterMisuse("date", f"the date filter's style is text such as 'long', not {describe(style)}")
    locale = _locale(context, "date")
    try:
        text = format_date(value, format=style, locale=locale)
    except (ValueError, AttributeError, KeyError):
        raise FilterMisuse(
            "date",
            f"the date filter cannot format with the style {_short(style)}",
            hint="use short, medium, long, full or a CLDR date pattern such as 'yyyy-MM-dd'",
        ) from None
    if value.day == 1 and style in ("long", "full") and locale.language in _FIRST_OF_MONTH:
        # French and Italian write the first of the month as an ordinal, "1er décembre", "1º dicembre";
        # CLDR's patterns have no ordinals.
        text = re.sub(r"(?<!\d)1(?= )", _FIRST_OF_MONTH[locale.language], text, count=1)
    return str(text)


_FIRST_OF_MONTH = {"fr": "1er", "it": "1º"}


@pass_context
def format_money_filter(context: Context, amount: Decimal | int, currency: str | None = None) -> str:
    """``{{ amount | money(currency) }}``: '€12.50', '12,50 €', 'R$ 12,50'; a plain number without currency.

    Raises FilterMisuse for an amount that is not a finite number Babel can format (more
    than 28 significant digits), a currency that is not an ISO 4217 code, or a language Babel lacks.
    """
    from babel.numbers import format_currency, format_decimal, is_currency

    _refuse_undefined(amount)
    if amount is None:
        raise FilterMisuse("money", "the money filter got no value", hint="guard it with {% if FIELD %}")
    if isinstance(amount, bool) or not isinstance(amount, (int, float, Decimal)):
        raise FilterMisuse(
            "money",
            f"the money filter needs a number field, not {describe(amount)}",
            hint="give the field 'type: decimal' in scenario.yaml",
        )
    _refuse_undefined(currency)
    if currency and (not isinstance(currency, str) or not is_currency(currency.upper())):
        raise FilterMisuse(
            "money",
            f"the money filter needs an ISO 4217 currency code such as EUR, USD or BRL, not {describe(currency)}",
            hint="give the currency field 'type: currency' in scenario.yaml, or write a code such as 'EUR'",
        )
    number = Decimal(repr(amount)) if isinstance(amount, float) else Decimal(amount)
    # Babel rounds in Python's decimal context; a number it cannot hold there fails with InvalidOperation.
    if not number.is_finite() or number.adjusted() >= decimal.getcontext().prec:
        raise FilterMisuse("money", f"the money filter cannot format {describe(amount)}: it is not a usable amount")
    locale = _locale(context, "money")
    try:
        # Never rounded: the currency field's precision is checked where values are read, and
        # an amount written with more decimals than the format shows keeps them all.
        if not currency:
            return str(format_decimal(amount, format="#,##0.00", locale=locale, decimal_quantization=False))
        return str(format_currency(amount, currency.upper(), locale=locale, decimal_quantization=False))
    except ArithmeticError:
        raise FilterMisuse(
            "money", f"the money filter cannot format {describe(amount)}: it has too many digits"
        ) from None


@pass_context
def and_list_filter(context: Context, values: Iterable[Any]) -> str:
    """``{{ items | and_list }}``: 'mug and towel', 'Tasse und Handtuch', 'マグ、タオル'.

    Raises FilterMisuse for text, a number or anything else that is not a list, and
    TemplateStopped for more than MAX_LIST_ITEMS items.
    """
    from babel.lists import format_list

    _refuse_undefined(values)
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise FilterMisuse(
            "and_list",
            f"the and_list filter needs a list field, not {describe(values)}",
            hint="give the field 'type: list' in scenario.yaml",
        )
    items: list[str] = []
    for value in values:
        if len(items) == MAX_LIST_ITEMS:
            raise TemplateStopped(f"the and_list filter joins at most {MAX_LIST_ITEMS} items")
        items.append(str(value))
    return str(format_list(items, style="standard", locale=_locale(context, "and_list")))


def ltr_filter(value: Any) -> str:
    """``{{ order_id | ltr }}``: keep a left-to-right value (order or tracking number,
    e-mail address) in one piece inside right-to-left text."""
    return f"{LRI}{value}{PDI}"


def isolate_filter(value: Any) -> str:
    """``{{ name | isolate }}``: isolate a value whose direction is not known in advance
    (a name in Latin or Arabic script) from the text around it."""
    return f"{FSI}{value}{PDI}"


MARKETPLACES = {"amazon": "Amazon", "ebay": "eBay", "aliexpress": "AliExpress", "etsy": "Etsy", "walmart": "Walmart"}
"""Channel -> the marketplace's name as the marketplace writes it."""


def marketplace_filter(value: Any) -> str:
    """``{{ channel | marketplace }}``: the marketplace's name as it writes it (``ebay`` -> ``eBay``);
    empty for ``email``, for no channel, or for a value that is not a marketplace channel."""
    return MARKETPLACES.get(str(value), "")


FILTERS: dict[str, Callable[..., Any]] = {
    "date": format_date_filter,
    "money": format_money_filter,
    "and_list": and_list_filter,
    "ltr": ltr_filter,
    "isolate": isolate_filter,
    "marketplace": marketplace_filter,
}
