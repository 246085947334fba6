"""Strict YAML/JSON reading: what the user wrote is what replykit sees."""

from __future__ import annotations

import pytest

from replykit.packs.yamlio import parse_data, parse_json, parse_yaml


class Boom(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("order_id: 0123", {"order_id": "0123"}),
        ("country: NO", {"country": "NO"}),
        ("flag: yes", {"flag": "yes"}),
        ("amount: 12.50", {"amount": "12.50"}),
        ("when: 2026-12-03", {"when": "2026-12-03"}),
        ("empty:", {"empty": ""}),
        ("items: [a, b]", {"items": ["a", "b"]}),
        ("octal: 0o17", {"octal": "0o17"}),
    ],
    ids=["leading-zero", "norway", "yes", "decimal", "date", "empty", "list", "octal"],
)
def test_yaml_scalars_stay_text(text: str, expected: dict[str, object]) -> None:
    assert parse_yaml(text, error=Boom) == expected


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (first defined on line 1)"),
        ("a: 1\nb: [1, 2\n", 3, "invalid YAML"),
        ("a: 1\n  b: 2\n", 2, "invalid YAML"),
        ("a:\n  - x: 1\n    x: 2\n", 3, "duplicate key 'x'"),
    ],
    ids=["duplicate", "unclosed-flow", "bad-indent", "nested-duplicate"],
)
def test_yaml_errors_name_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(Boom) as caught:
        parse_yaml(text, error=Boom)
    assert words in str(caught.value)
    assert caught.value.line == line


def test_mapping_remembers_key_lines() -> None:
    data = parse_yaml("title: x\n\nfields:\n  name:\n    help: h\n", error=Boom)
    assert data.line_of("fields") == 3
    assert data["fields"].line_of("name") == 4
    assert data["fields"]["name"].line == 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"order_id": "0123", "n": 7, "x": 1.50, "ok": true}',
            {"order_id": "0123", "n": "7", "x": "1.50", "ok": "true"},
        ),
        ('{"items": ["a", 2]}', {"items": ["a", "2"]}),
    ],
    ids=["scalars", "list"],
)
def test_json_numbers_stay_text(text: str, expected: dict[str, object]) -> None:
    assert parse_json(text, error=Boom) == expected


def test_json_duplicate_and_syntax_errors() -> None:
    with pytest.raises(Boom, match="duplicate key 'a'"):
        parse_json('{"a": 1, "a": 2}', error=Boom)
    with pytest.raises(Boom) as caught:
        parse_json('{\n"a": 1,\n}', error=Boom)
    assert caught.value.line == 3


def test_parse_data_picks_json_by_name_or_brace() -> None:
    assert parse_data('{"a": "1"}', name="x.yaml", error=Boom) == {"a": "1"}
    assert parse_data("a: 01", name="x.json.yaml", error=Boom) == {"a": "01"}
