"""Field types, validation and where each value comes from."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from replykit.errors import InputOutputError, InvalidValue, MissingFields, UsageError
from replykit.packs.fields import Field, parse_assignments, read_data, resolve_values, unused_keys


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
