"""Scenario fields: their types, and how each field gets its value."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

from replykit.errors import InvalidValue, MissingFields, UsageError, did_you_mean
from replykit.packs.yamlio import decode, parse_data

# A --data file holds one reply's values; 16 MiB is far past any real one.
MAX_DATA_FILE_BYTES = 16 * 1024 * 1024

_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _parse_text(raw: str) -> str:
    return raw


def _parse_integer(raw: str) -> int:
    if not _INTEGER.fullmatch(raw.strip()):
        raise ValueError
    return int(raw)


def _parse_decimal(raw: str) -> Decimal:
    if not _DECIMAL.fullmatch(raw.strip()):
        raise ValueError
    try:
        return Decimal(raw.strip())
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        raise ValueError from None


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


def _parse_list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class FieldType:
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
    "list": FieldType(_parse_list, "a comma-separated list such as 'blue mug, red cap'", []),
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
        """Turn text into this field's value; raise ValueError naming what is accepted."""
        if raw.strip() == "":
            if self.required:
                raise ValueError("it is required and cannot be empty")
            return self.kind.empty
        try:
            value = self.kind.parse(raw)
        except ValueError:
            raise ValueError(f"expected {self.kind.accepts}") from None
        if self.choices:
            items = value if isinstance(value, list) else [value]
            bad = [str(item) for item in items if str(item) not in self.choices]
            if bad:
                hint = did_you_mean(bad[0], self.choices)
                raise ValueError("expected one of: " + ", ".join(self.choices) + (f"; {hint}" if hint else ""))
        return value


def _as_text(field: Field, value: Any) -> str:
    """Values from a data file may be lists already; everything else is text."""
    if isinstance(value, list):
        if field.type != "list":
            raise ValueError("a list was given, but this field takes " + field.kind.accepts)
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        raise ValueError("a mapping was given, but this field takes " + field.kind.accepts)
    return str(value)


def resolve_values(
    fields: tuple[Field, ...],
    *,
    cli: Mapping[str, str],
    data: Mapping[str, Any] | None = None,
    profile: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Give every field its value: command line > data file > profile > the field's default.

    Raises InvalidValue listing every bad value, then MissingFields listing every
    required field without one.
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
            values[field.name] = field.parse(_as_text(field, raw))
        except ValueError as exc:
            problems.append(f"{field.name} ({field.option}): {str(raw)!r}: {exc}")
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
