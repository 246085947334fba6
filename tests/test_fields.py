"""Field types, validation and where each value comes from."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from replykit import errors
from replykit.errors import InputOutputError, InvalidValue, MissingFields, UsageError
from replykit.packs.fields import (
    MAX_LIST_ITEMS,
    MAX_VALUE_CHARS,
    Field,
    join_list,
    parse_assignments,
    read_data,
    resolve_values,
    split_list,
    unused_keys,
)


@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [
        (Field("x"), "0123", "0123"),
        (Field("x"), "-starts-with-dash", "-starts-with-dash"),
        (Field("x"), "a=b", "a=b"),
        (Field("x", type="integer"), "42", 42),
        (Field("x", type="integer"), " -7 ", -7),
        (Field("x", type="decimal"), "12.50", Decimal("12.50")),
        (Field("x", type="date"), "2026-12-03", date(2026, 12, 3)),
        (Field("x", type="list"), "blue mug, red cap,,", ["blue mug", "red cap"]),
        (Field("x", choices=("reship", "refund")), "refund", "refund"),
        (Field("x", type="list", choices=("a", "b")), "a,b", ["a", "b"]),
        (Field("x", type="integer"), "", None),
        (Field("x", type="list"), "", []),
        (Field("x"), "", ""),
        (Field("x", type="currency"), "EUR", "EUR"),
        (Field("x", type="currency"), " brl ", "BRL"),
        (Field("x", type="currency"), "", ""),
    ],
    ids=[
        "text-leading-zero", "text-dash", "text-equals", "integer", "integer-spaces", "decimal", "date",
        "list", "choice", "list-choices", "empty-integer", "empty-list", "empty-text",
        "currency", "currency-lower-case", "currency-empty",
    ],
)  # fmt: skip
def test_parse_accepts(field: Field, raw: str, value: Any) -> None:
    assert field.parse(raw) == value


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        (Field("x", type="integer"), "4.5", "expected a whole number such as 42"),
        (Field("x", type="decimal"), "12,50", "expected a number such as 12.50"),
        (Field("x", type="decimal"), "nan", "expected a number"),
        (Field("x", type="date"), "03/12/2026", "expected a date as YYYY-MM-DD"),
        (Field("x", type="date"), "2026-02-30", "expected a date as YYYY-MM-DD"),
        (Field("x", choices=("reship", "refund")), "refnd", "expected one of: reship, refund; did you mean refund?"),
        (Field("x", type="list", choices=("a", "b")), "a,c", "expected one of: a, b"),
        (Field("x", required=True), "  ", "it is required and cannot be empty"),
        (Field("x", type="currency"), "EURO", "expected an ISO 4217 currency code such as EUR, USD or BRL"),
        (Field("x", type="currency"), "ABC", "expected an ISO 4217 currency code"),
        (Field("x", type="currency"), "€", "expected an ISO 4217 currency code"),
    ],
    ids=["integer", "decimal-comma", "decimal-nan", "date-format", "date-impossible", "choice", "list-choice", "required-empty",
         "currency-long", "currency-unknown", "currency-symbol"],
)  # fmt: skip
def test_parse_rejects(field: Field, raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("?", r"\?").replace(".", r"\.")):
        field.parse(raw)


FIELDS = (
    Field("name", required=True),
    Field("order_id", default=""),
    Field("seller_name", default="Team"),
    Field("count", type="integer", default="1"),
)


@pytest.mark.parametrize(
    ("cli", "data", "profile", "expected"),
    [
        ({"name": "A"}, {}, {}, {"name": "A", "order_id": "", "seller_name": "Team", "count": 1}),
        ({"name": "A"}, {"seller_name": "Data"}, {"seller_name": "Prof"}, {"seller_name": "Data"}),
        ({"name": "A"}, {}, {"seller_name": "Prof"}, {"seller_name": "Prof"}),
        ({"name": "A", "seller_name": "Cli"}, {"seller_name": "Data"}, {"seller_name": "Prof"}, {"seller_name": "Cli"}),
        ({}, {"name": "FromFile", "count": "3"}, {}, {"name": "FromFile", "count": 3}),
        ({"name": "A", "order_id": ""}, {"order_id": "9"}, {}, {"order_id": ""}),
    ],
    ids=["defaults", "data-over-profile", "profile-over-default", "cli-wins", "all-from-data", "empty-cli-is-given"],
)
def test_precedence(
    cli: dict[str, str], data: dict[str, Any], profile: dict[str, str], expected: dict[str, Any]
) -> None:
    values = resolve_values(FIELDS, cli=cli, data=data, profile=profile)
    assert {k: values[k] for k in expected} == expected


def test_missing_fields_are_listed_together_with_their_options() -> None:
    fields = (Field("name", required=True), Field("order_id", required=True), Field("x", default=""))
    with pytest.raises(MissingFields) as caught:
        resolve_values(fields, cli={})
    assert caught.value.missing == ("name", "order_id")
    assert str(caught.value) == (
        "missing required fields: name, order_id\npass --name ... --order-id ... (or --set FIELD=VALUE, or --data FILE)"
    )


def test_every_invalid_value_is_reported_at_once() -> None:
    fields = (Field("count", type="integer", default=""), Field("when", type="date", default=""))
    with pytest.raises(InvalidValue) as caught:
        resolve_values(fields, cli={"count": "x", "when": "soon"})
    assert "count (--count): 'x': expected a whole number" in str(caught.value)
    assert "when (--when): 'soon': expected a date" in str(caught.value)


def test_a_list_from_a_data_file_needs_a_list_field() -> None:
    with pytest.raises(InvalidValue, match="a list was given"):
        resolve_values((Field("name", default=""),), cli={}, data={"name": ["a", "b"]})
    values = resolve_values((Field("items", type="list", default=""),), cli={}, data={"items": ["a", "b"]})
    assert values["items"] == ["a", "b"]


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (["order_id=4521"], {"order_id": "4521"}),
        (["order-id=4521"], {"order_id": "4521"}),
        (["name=a=b"], {"name": "a=b"}),
        (["name="], {"name": ""}),
        (["name=-x"], {"name": "-x"}),
    ],
    ids=["plain", "dashed-name", "equals-in-value", "empty", "dash-value"],
)
def test_set_assignments(items: list[str], expected: dict[str, str]) -> None:
    assert parse_assignments(items, FIELDS) == expected


@pytest.mark.parametrize(
    ("items", "message"),
    [(["name"], "expected FIELD=VALUE"), (["=x"], "expected FIELD=VALUE"), (["nme=x"], "did you mean name?")],
    ids=["no-equals", "no-name", "unknown"],
)
def test_set_assignment_errors(items: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("?", r"\?")):
        parse_assignments(items, FIELDS)


def test_read_data_files(tmp_path: Path) -> None:
    (tmp_path / "d.yaml").write_text("order-id: 0123\nname: Ana\n", encoding="utf-8")
    (tmp_path / "d.json").write_text('{"order_id": 123}', encoding="utf-8")
    assert read_data(str(tmp_path / "d.yaml"), stdin=io.StringIO()) == {"order_id": "0123", "name": "Ana"}
    assert read_data(str(tmp_path / "d.json"), stdin=io.StringIO()) == {"order_id": "123"}
    assert read_data("-", stdin=io.StringIO("name: Bo\n")) == {"name": "Bo"}
    assert unused_keys(FIELDS, {"name": 1, "ordr_id": 2}) == ["ordr_id"]


def test_read_data_errors(tmp_path: Path) -> None:
    with pytest.raises(InputOutputError, match="No such file"):
        read_data(str(tmp_path / "nope.yaml"), stdin=io.StringIO())
    (tmp_path / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(InvalidValue, match=r"list\.yaml:1: expected a mapping"):
        read_data(str(tmp_path / "list.yaml"), stdin=io.StringIO())
    (tmp_path / "dup.yaml").write_text("name: a\nname: b\n", encoding="utf-8")
    with pytest.raises(InvalidValue, match=r"dup\.yaml:2: duplicate key 'name'"):
        read_data(str(tmp_path / "dup.yaml"), stdin=io.StringIO())


@pytest.mark.parametrize(
    ("raw", "items"),
    [
        ("blue mug, red cap", ["blue mug", "red cap"]),
        ("USB-C cable\\, 2 m, screen protector", ["USB-C cable, 2 m", "screen protector"]),
        ("a\\\\, b", ["a\\", "b"]),
        ("C:\\dir, D:\\x", ["C:\\dir", "D:\\x"]),
        ("trailing\\", ["trailing\\"]),
        (" , ,a,,", ["a"]),
    ],
    ids=["plain", "escaped-comma", "escaped-backslash", "other-backslash", "final-backslash", "empty-items"],
)
def test_command_line_lists_split_on_unescaped_commas(raw: str, items: list[str]) -> None:
    assert split_list(raw) == items
    assert split_list(join_list(items)) == items


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"items": ["USB-C cable, 2 m", "screen protector"]}, ["USB-C cable, 2 m", "screen protector"]),
        ({"items": [" spaced ", ""]}, ["spaced"]),
        ({"items": "USB-C cable\\, 2 m, screen protector"}, ["USB-C cable, 2 m", "screen protector"]),
        ({"items": ["x"] * MAX_LIST_ITEMS}, ["x"] * MAX_LIST_ITEMS),
    ],
    ids=["list-keeps-commas", "list-trimmed", "text-is-split", "at-the-item-cap"],
)
def test_a_list_from_data_keeps_its_items(data: dict[str, Any], expected: list[str]) -> None:
    fields = (Field("items", type="list", default=""),)
    assert resolve_values(fields, cli={}, data=data) == {"items": expected}


LIST = Field("items", type="list", default="")
TEXT = Field("note", default="")


@pytest.mark.parametrize(
    ("field", "layer", "value", "message"),
    [
        (LIST, "data", [{"a": "b"}, ["x", "y"]], "items (--items): [{'a': 'b'}, ['x', 'y']]: item 1 is a mapping, not text"),
        (LIST, "data", ["a", ["x", "y"]], "item 2 is a list, not text"),
        (LIST, "data", ["a", None], "item 2 is empty (null), not text"),
        (LIST, "data", ["x"] * (MAX_LIST_ITEMS + 1), "a list of 1,001 items: 1,001 items; at most 1,000 are allowed"),
        (LIST, "data", ["x"] * 400_000, "a list of 400,000 items: 400,000 items; at most 1,000 are allowed"),
        (LIST, "cli", ",".join(["x"] * (MAX_LIST_ITEMS + 1)), "1,001 items; at most 1,000 are allowed"),
        (LIST, "data", ["x" * (MAX_VALUE_CHARS + 1)], "item 1: 100,001 characters; at most 100,000 are allowed"),
        (TEXT, "cli", "x" * (MAX_VALUE_CHARS + 1), "note (--note): 'xxxxxxxxxx" + "x" * 49 + "...: 100,001 characters; at most 100,000"),
        (TEXT, "data", "x" * (MAX_VALUE_CHARS + 1), "100,001 characters; at most 100,000 are allowed"),
        (TEXT, "data", ["a", "b"], "a list was given, but this field takes any text"),
        (TEXT, "data", {"a": "b"}, "a mapping was given, but this field takes any text"),
    ],
    ids=["mapping-item", "list-item", "null-item", "too-many-items", "400k-items", "too-many-typed-items",
         "item-too-long", "text-too-long", "data-text-too-long", "list-for-text", "mapping-for-text"],
)  # fmt: skip
def test_values_are_never_changed_in_silence(field: Field, layer: str, value: Any, message: str) -> None:
    layers = {"cli": {}, "data": {}, layer: {field.name: value}}
    with pytest.raises(InvalidValue) as caught:
        resolve_values((field,), cli=layers["cli"], data=layers["data"])
    assert message in str(caught.value)
    assert len(str(caught.value)) < 400  # a huge value is not repeated in the message


def test_a_value_at_the_caps_is_accepted() -> None:
    assert TEXT.parse("x" * MAX_VALUE_CHARS) == "x" * MAX_VALUE_CHARS
    assert LIST.parse(",".join(["x"] * MAX_LIST_ITEMS)) == ["x"] * MAX_LIST_ITEMS


MONEY = (Field("amount", type="decimal", default=""), Field("currency", type="currency", default=""),
         Field("shipping", type="decimal", default=""))  # fmt: skip


@pytest.mark.parametrize(
    ("amount", "currency", "problem"),
    [
        ("12.50", "EUR", None),
        ("12.500", "EUR", None),
        ("12.005", "EUR", "amount (--amount): '12.005': EUR amounts have at most 2 decimal places; round it yourself"),
        ("1234", "JPY", None),
        ("1234.0", "JPY", None),
        ("1234.5", "JPY", "amount (--amount): '1234.5': JPY amounts have 0 decimal places (whole numbers only)"),
        ("1.234", "KWD", None),
        ("1.2345", "KWD", "KWD amounts have at most 3 decimal places"),
        ("12.005", "", None),
        ("0.000", "JPY", None),
        ("12345678901234567890123456.1", "EUR", None),
        ("1234567890123456789012345.123", "EUR", "EUR amounts have at most 2 decimal places"),
        ("12345678901234567890123456789012345.1", "EUR", "36 digits; a number has at most 28"),
    ],
    ids=["eur-cents", "eur-trailing-zero", "eur-too-fine", "jpy-whole", "jpy-point-zero", "jpy-too-fine",
         "kwd-thousandths", "kwd-too-fine", "no-currency", "zero", "huge-ok", "huge-too-fine", "too-many-digits"],
)  # fmt: skip
def test_amounts_are_not_finer_than_their_currency(amount: str, currency: str, problem: str | None) -> None:
    cli = {"amount": amount, "currency": currency}
    if problem is None:
        assert resolve_values(MONEY, cli=cli)["amount"] == Decimal(amount)
    else:
        with pytest.raises(InvalidValue, match=re.escape(problem)):
            resolve_values(MONEY, cli=cli)


def test_every_decimal_field_is_checked_and_listed_at_once() -> None:
    with pytest.raises(InvalidValue) as caught:
        resolve_values(MONEY, cli={"amount": "1.5", "currency": "jpy", "shipping": "0.25"})
    assert str(caught.value).splitlines()[1:] == [
        "  amount (--amount): '1.5': JPY amounts have 0 decimal places (whole numbers only); round it yourself",
        "  shipping (--shipping): '0.25': JPY amounts have 0 decimal places (whole numbers only); round it yourself",
    ]


def test_without_a_currency_field_decimals_are_not_checked() -> None:
    assert resolve_values(MONEY[:1], cli={"amount": "12.005"}, profile={"currency": "EUR"}) == {
        "amount": Decimal("12.005")
    }


RENDER = ["render", "missing-items", "--name", "A"]
REFUND = ["render", "refund-issued", "--name", "Jonas", "--order-id", "4521", "--refund-date", "2026-12-04"]


@pytest.mark.parametrize(
    ("args", "data", "code", "expected"),
    [
        (RENDER, '{"items": ["USB-C cable, 2 m", "screen protector"]}', 0, "without the USB-C cable, 2 m and screen protector."),
        ([*RENDER, "--items", "USB-C cable\\, 2 m, screen protector"], None, 0, "without the USB-C cable, 2 m and screen protector."),
        (RENDER, "items: [{a: b}, [x, y]]\n", errors.INVALID_VALUE, "items (--items): [{'a': 'b'}, ['x', 'y']]: item 1 is a mapping, not text"),
        (RENDER, '{"items": [' + ",".join(['"x"'] * 400_000) + "]}", errors.INVALID_VALUE, "more than 100,000 values (texts, lists and mappings) in one file"),
        ([*REFUND, "--amount", "1234.5", "--currency", "JPY"], None, errors.INVALID_VALUE, "'1234.5': JPY amounts have 0 decimal places"),
        ([*REFUND, "--amount", "12.005", "--currency", "EUR"], None, errors.INVALID_VALUE, "'12.005': EUR amounts have at most 2 decimal places"),
        ([*REFUND, "--amount", "1234", "--currency", "JPY"], None, 0, "refunded ¥1,234 to"),
    ],
    ids=["data-list-keeps-commas", "escaped-comma", "data-non-text-items", "data-400k-items", "jpy-fraction", "eur-too-fine", "jpy-whole"],
)  # fmt: skip
def test_installed_replykit_changes_no_value_in_silence(
    replykit_bin: str, tmp_path: Path, args: list[str], data: str | None, code: int, expected: str
) -> None:
    if data is not None:
        (tmp_path / "data.yaml").write_text(data, encoding="utf-8")
        args = [*args, "--data", str(tmp_path / "data.yaml")]
    done = subprocess.run([replykit_bin, *args], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert done.returncode == code, done.stderr
    assert expected in (done.stdout if code == 0 else done.stderr)
    assert "Traceback" not in done.stderr and "\x1b" not in done.stderr
