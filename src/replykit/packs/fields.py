"""Scenario fields: their types, and how each field gets its value.

A list field takes a list in a --data file item by item. Text (typed on the command line,
or a string anywhere else) is split on commas; ``\\,`` writes a comma inside an item and
``\\\\`` a backslash (any other backslash stays as written): ``--items 'USB-C cable\\, 2 m,
screen protector'`` is two items. Items must be text, at most MAX_LIST_ITEMS of them; a
value (or an item) holds at most MAX_VALUE_CHARS characters, on one line: a line break, a
control character or a bidirectional override (see ``replykit.packs.characters``) is refused,
since it would split the reply's sentence or subject, or drive the terminal it is shown on.
A decimal holds at most MAX_DECIMAL_DIGITS digits, which decimal arithmetic keeps exactly.

An amount is never rounded in silence: when a scenario has a field named ``currency`` and
it has a value, every decimal field with a value must have no more decimal places than
that currency has (Babel's get_currency_precision: 2 for EUR, 0 for JPY, 3 for KWD).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from replykit.errors import InvalidValue, MissingFields, UsageError, did_you_mean
from replykit.limits import MAX_DATA_FILE_BYTES, MAX_DECIMAL_DIGITS, MAX_LIST_ITEMS, MAX_VALUE_CHARS
from replykit.packs.characters import refused
from replykit.packs.yamlio import decode, parse_data

if TYPE_CHECKING:
    from decimal import Decimal

CURRENCY_FIELD = "currency"

_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _parse_text(raw: str) -> str:
    return raw


def _parse_integer(raw: str) -> int:
    if not _INTEGER.fullmatch(raw.strip()):
        raise ValueError
    return int(raw)


class _Unusable(ValueError):
    """Text of the right form whose value replykit still cannot use; the message says why."""


def _parse_decimal(raw: str) -> Decimal:
    from decimal import Decimal, InvalidOperation  # imported when a decimal field has a value

    if not _DECIMAL.fullmatch(raw.strip()):
        raise ValueError
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        raise ValueError from None
    digits = len(value.as_tuple().digits)
    if digits > MAX_DECIMAL_DIGITS:
        raise _Unusable(f"{digits:,} digits; a number has at most {MAX_DECIMAL_DIGITS}, all computed exactly")
    return value


def _parse_date(raw: str) -> date:
    text = raw.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError
    return date.fromisoformat(text)


def parse_currency(raw: str) -> str:
    """An ISO 4217 currency code in upper case ('eur' -> 'EUR'), checked against CLDR's list of currencies."""
    code = raw.strip().upper()
    if re.fullmatch(r"[A-Z]{3}", code):
        from babel.numbers import is_currency

        if is_currency(code):
            return code
    raise ValueError


_LIST_TOKENS = re.compile(r"\\[\\,]|,|[^\\,]+|\\")


def split_list(raw: str) -> list[str]:
    """Split text into list items on commas, in one pass: ``\\,`` is a comma inside an item,
    ``\\\\`` a backslash, any other backslash stays. Items are trimmed; empty ones dropped.

    >>> split_list(r"USB-C cable\\, 2 m, screen protector,,")
    ['USB-C cable, 2 m', 'screen protector']
    """
    items: list[str] = []
    current: list[str] = []
    for token in _LIST_TOKENS.findall(raw):
        if token == ",":
            items.append("".join(current))
            current = []
        else:
            current.append(token[1] if token in ("\\,", "\\\\") else token)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def join_list(items: list[str]) -> str:
    """The text that split_list turns back into ``items`` (commas and backslashes escaped)."""
    return ", ".join(item.replace("\\", "\\\\").replace(",", "\\,") for item in items)


class FieldType(NamedTuple):
    """How a field's text becomes a value, and how to describe what it accepts."""

    parse: Callable[[str], Any]
    accepts: str
    empty: Any


TYPES: dict[str, FieldType] = {
    "text": FieldType(_parse_text, "any text", ""),
    "integer": FieldType(_parse_integer, "a whole number such as 42", None),
    "decimal": FieldType(_parse_decimal, "a number such as 12.50 (a dot for decimals)", None),
    "date": FieldType(_parse_date, "a date as YYYY-MM-DD, such as 2026-12-03", None),
    "currency": FieldType(parse_currency, "an ISO 4217 currency code such as EUR, USD or BRL", ""),
    "list": FieldType(
        split_list, "a comma-separated list such as 'blue mug, red cap' (\\, for a comma in an item)", []
    ),
}

_MISSING: Any = object()


@dataclass(frozen=True)
class Field:
    """One value a scenario's templates use."""

    name: str
    help: str = ""
    type: str = "text"
    required: bool = False
    default: str = ""
    choices: tuple[str, ...] = ()
    example: str | None = None
    """The example value in the scenario's default language (or the only one given)."""
    examples: tuple[tuple[str, str], ...] = ()
    """Example values per language, as BCP 47 tag -> text, when ``example:`` is a mapping."""

    def example_in(self, lang: str | None) -> str | None:
        """The example value to show in ``lang``: that language's, else its base language's
        (``pt`` for ``pt-BR``), else ``example``."""
        if lang and self.examples:
            given = dict(self.examples)
            for tag in (lang, lang.split("-")[0]):
                if tag in given:
                    return given[tag]
        return self.example

    @property
    def option(self) -> str:
        """The command-line option that sets this field: ``order_id`` -> ``--order-id``."""
        return "--" + self.name.replace("_", "-")

    @property
    def kind(self) -> FieldType:
        return TYPES[self.type]

    def accepts(self) -> str:
        """Describe the accepted values, for error messages and help."""
        if self.choices:
            return "one of: " + ", ".join(self.choices) + (" (comma-separated)" if self.type == "list" else "")
        return self.kind.accepts

    def parse(self, raw: str) -> Any:
        """Turn text into this field's value; raise ValueError naming what is accepted.

        A list field's text is split on commas (see split_list); the value, or each item,
        must be at most MAX_VALUE_CHARS characters, and a list at most MAX_LIST_ITEMS items.
        """
        _check_length(raw)
        _check_characters(raw)
        if raw.strip() == "":
            if self.required:
                raise ValueError("it is required and cannot be empty")
            return self.kind.empty
        try:
            value = self.kind.parse(raw)
        except _Unusable:
            raise
        except ValueError:
            raise ValueError(f"expected {self.kind.accepts}") from None
        return self._checked(value if isinstance(value, list) else [value], value)

    def parse_items(self, items: list[Any]) -> list[str]:
        """A list given as a list (from --data): each item kept whole, commas and all.

        Raises ValueError if this is not a list field, an item is not text, or the list or
        an item is too long, or an item is not one of the choices.
        """
        if self.type != "list":
            raise ValueError("a list was given, but this field takes " + self.kind.accepts)
        if len(items) > MAX_LIST_ITEMS:
            raise ValueError(f"{len(items):,} items; at most {MAX_LIST_ITEMS:,} are allowed")
        for number, item in enumerate(items, 1):
            if not isinstance(item, str):
                raise ValueError(f"item {number} is {_what(item)}, not text")
            _check_length(item, f"item {number}: ")
            _check_characters(item, f"item {number}: ")
        values = [item.strip() for item in items if item.strip()]
        if not values and self.required:
            raise ValueError("it is required and cannot be empty")
        return list(self._checked(values, values))

    def _checked(self, items: list[Any], value: Any) -> Any:
        if len(items) > MAX_LIST_ITEMS:
            raise ValueError(f"{len(items):,} items; at most {MAX_LIST_ITEMS:,} are allowed")
        if self.choices:
            allowed = set(self.choices)
            bad = [str(item) for item in items if str(item) not in allowed]
            if bad:
                hint = did_you_mean(bad[0], self.choices)
                raise ValueError("expected one of: " + ", ".join(self.choices) + (f"; {hint}" if hint else ""))
        return value


def _check_length(text: str, prefix: str = "") -> None:
    if len(text) > MAX_VALUE_CHARS:
        raise ValueError(f"{prefix}{len(text):,} characters; at most {MAX_VALUE_CHARS:,} are allowed")


def _check_characters(text: str, prefix: str = "") -> None:
    found = refused(text, one_line=True)
    if found is not None:
        raise ValueError(f"{prefix}holds {found[1]}; a value is one line of text, without control characters")


def _what(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "empty (null)" if value is None else f"a {type(value).__name__}"


def _shown(raw: Any) -> str:
    """A value as an error message quotes it: short, whatever its size."""
    if isinstance(raw, list) and len(raw) > 5:
        return f"a list of {len(raw):,} items"
    shown = repr(raw if isinstance(raw, list) else str(raw))
    return shown if len(shown) <= 80 else shown[:60] + "..."


def _parse_raw(field: Field, raw: Any) -> Any:
    """A value from any layer: a list from --data keeps its items; everything else is text."""
    if isinstance(raw, list):
        return field.parse_items(raw)
    if isinstance(raw, dict):
        raise ValueError("a mapping was given, but this field takes " + field.kind.accepts)
    return field.parse(str(raw))


def _decimal_places(value: Decimal) -> int:
    """Decimal places that carry a digit: 12.50 -> 1, 12.005 -> 3, 1234.0 -> 0 (exact, whatever the size)."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0 or not any(digits):
        return 0
    places = -exponent
    index = len(digits) - 1
    while places and digits[index] == 0:
        places -= 1
        index -= 1
    return places


def amount_problems(fields: tuple[Field, ...], values: Mapping[str, Any]) -> list[str]:
    """Decimal values finer than the ``currency`` field's currency allows (12.005 EUR, 1234.5 JPY)."""
    code = values.get(CURRENCY_FIELD)
    if not code or not any(f.name == CURRENCY_FIELD and f.type == "currency" for f in fields):
        return []
    from decimal import Decimal

    from babel.numbers import get_currency_precision

    precision = get_currency_precision(code)
    problems = []
    for field in fields:
        value = values.get(field.name)
        if field.type == "decimal" and isinstance(value, Decimal) and _decimal_places(value) > precision:
            if precision == 0:
                allowed = "0 decimal places (whole numbers only)"
            else:
                allowed = f"at most {precision} decimal place{'s' if precision > 1 else ''}"
            problems.append(
                f"{field.name} ({field.option}): {_shown(value)}: {code} amounts have {allowed}; round it yourself"
            )
    return problems


def resolve_values(
    fields: tuple[Field, ...],
    *,
    cli: Mapping[str, str],
    data: Mapping[str, Any] | None = None,
    profile: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Give every field its value: command line > data file > profile > the field's default.

    Raises InvalidValue listing every bad value (an amount finer than its currency allows
    among them, see amount_problems), then MissingFields listing every required field
    without one.
    """
    layers = [cli, data or {}, profile or {}]
    values: dict[str, Any] = {}
    problems: list[str] = []
    missing: list[Field] = []
    for field in fields:
        raw = next((layer[field.name] for layer in layers if layer.get(field.name) is not None), _MISSING)
        if raw is _MISSING:
            if field.required:
                missing.append(field)
                continue
            raw = field.default
        try:
            values[field.name] = _parse_raw(field, raw)
        except ValueError as exc:
            problems.append(f"{field.name} ({field.option}): {_shown(raw)}: {exc}")
    problems += amount_problems(fields, values)
    if problems:
        raise InvalidValue("invalid value" + ("s" if len(problems) > 1 else "") + ":\n  " + "\n  ".join(problems))
    if missing:
        names = ", ".join(f.name for f in missing)
        options = " ".join(f"{f.option} ..." for f in missing)
        raise MissingFields(
            f"missing required field{'s' if len(missing) > 1 else ''}: {names}",
            missing=tuple(f.name for f in missing),
            hint=f"pass {options} (or --set FIELD=VALUE, or --data FILE)",
        )
    return values


def parse_assignments(assignments: list[str], fields: tuple[Field, ...]) -> dict[str, str]:
    """Turn repeated ``--set FIELD=VALUE`` into values; the value may hold '=' or be empty."""
    names = [f.name for f in fields]
    values: dict[str, str] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        name = key.strip().replace("-", "_")
        if not sep or not name:
            raise UsageError(f"--set {item!r}: expected FIELD=VALUE", hint="for example --set order_id=4521")
        if name not in names:
            hint = did_you_mean(name, names)
            raise UsageError(
                f"--set {item!r}: this scenario has no field '{name}'" + (f"; {hint}" if hint else ""),
                hint="fields: " + ", ".join(names),
            )
        values[name] = value
    return values


def read_data(source: str, *, stdin: TextIO) -> dict[str, Any]:
    """Read field values from a YAML or JSON file, or from stdin when ``source`` is '-'.

    At most MAX_DATA_FILE_BYTES are read, from a file or stdin. A broken or too large file is
    InvalidValue; a path that is not a regular file or cannot be read is InputOutputError.
    """
    from replykit.files import read_limited, size_text

    name = "<stdin>" if source == "-" else source

    def error(message: str, line: int | None) -> InvalidValue:
        where = f"{name}:{line}" if line else name
        return InvalidValue(f"--data {where}: {message}")

    too_large = f"larger than {size_text(MAX_DATA_FILE_BYTES)}, the most replykit reads from a --data file"
    if source == "-":
        # A pipe or terminal: read one byte past the cap, never the whole of an endless stream.
        buffer = getattr(stdin, "buffer", None)
        raw: bytes | str = (buffer or stdin).read(MAX_DATA_FILE_BYTES + 1)
        if len(raw) > MAX_DATA_FILE_BYTES:
            raise error(too_large, None)
        text = decode(raw, error=error) if isinstance(raw, bytes) else raw
    else:
        data = read_limited(
            Path(source),
            MAX_DATA_FILE_BYTES,
            what="a --data file",
            label=f"--data {name}",
            too_large=lambda message: error(message, None),
        )
        text = decode(data, error=error)
    data = parse_data(text, name=name, error=error)
    if data is None or data == "":
        return {}
    if not isinstance(data, dict):
        raise error("expected a mapping of field names to values", 1)
    return {str(k).replace("-", "_"): v for k, v in data.items()}


def unused_keys(fields: tuple[Field, ...], data: Mapping[str, Any]) -> list[str]:
    """Keys of a data file that no field of the scenario uses."""
    names = {f.name for f in fields}
    return sorted(k for k in data if k not in names)
