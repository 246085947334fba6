"""Strict YAML/JSON reading: what the user wrote is what replykit sees."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from replykit import errors
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


BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: !!python/object/apply:os.system ['echo hi']\n", 1, "YAML tags (!!python/object/apply:os.system) are not allowed"),
        ("a: x\nb: !!binary aGk=\n", 2, "YAML tags (!!binary) are not allowed"),
        ("a: !custom x\n", 1, "YAML tags (!custom) are not allowed"),
        ("a: !!str 0123\n", 1, "YAML tags (!!str) are not allowed"),
        ("a: ! x\n", 1, "YAML tags (!) are not allowed"),
        ("a:\n  - !!map {b: c}\n", 2, "YAML tags (!!map) are not allowed"),
        ("a: &x 1\n", 1, "YAML anchors (&x) are not allowed"),
        ("a: 1\nb: *x\n", 2, "YAML aliases (*x) are not allowed"),
        (BOMB, 1, "YAML anchors (&a) are not allowed"),
        ("a: " + "[" * 100_000 + "]" * 100_000, 1, "invalid YAML"),
        ("a: " + "[" * 40 + "]" * 40, 1, "nested more than 32 levels deep"),
        ("".join("  " * i + "k:\n" for i in range(40)), 33, "nested more than 32 levels deep"),
        ("a: 1\n---\nb: 2\n", 2, "expected one document, but '---' starts another"),
        ("? [a]\n: b\n", 1, "a key must be plain text"),
    ],
    ids=["python-object", "binary", "custom", "explicit-str", "non-specific", "tagged-mapping", "anchor", "alias",
         "alias-bomb", "flow-100k-deep", "flow-40-deep", "block-40-deep", "two-documents", "list-key"],
)  # fmt: skip
def test_yaml_refuses_tags_anchors_and_depth(text: str, line: int, message: str) -> None:
    with pytest.raises(Boom) as caught:
        parse_yaml(text, error=Boom)
    assert message in str(caught.value)
    assert caught.value.line == line


def test_yaml_lone_surrogate_is_refused_by_either_parser() -> None:
    import yaml

    from replykit.packs import yamlio

    for loader in (yaml.BaseLoader, yamlio._BaseLoader):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(yamlio, "_BaseLoader", loader)
            with pytest.raises(Boom) as caught:
                parse_yaml('name: Ana\nnote: "\\ud800"\n', error=Boom)
        assert caught.value.line == 2
        # libyaml refuses the escape itself; the pure-Python parser reads it and replykit refuses it
        assert re.search(r"invalid Unicode character escape|holds \\ud800, a lone surrogate", str(caught.value))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"name": "\\ud800"}', "the text '\\ud800' holds \\ud800, a lone surrogate, not a character"),
        ('{"\\udfff": "x"}', "holds \\udfff, a lone surrogate"),
        ('{"items": ["a", "b\\udc80c"]}', "the text 'b\\udc80c' holds \\udc80"),
        ('{"a": ' + "[" * 50_000 + "]" * 50_000 + "}", "nested more than 32 levels deep"),
        ('{"a": [' + "[]," * 100_000 + "[]]}", "more than 100,000 values (texts, lists and mappings) in one file"),
        ('{"a": ' + "[" * 500 + "]" * 500 + "}", "nested more than 32 levels deep"),
    ],
    ids=["surrogate-value", "surrogate-key", "surrogate-in-list", "50k-deep", "100k-values", "500-deep"],
)
def test_json_refuses_depth_and_lone_surrogates(text: str, message: str) -> None:
    with pytest.raises(Boom, match=re.escape(message)):
        parse_json(text, error=Boom)


def test_json_surrogate_pairs_are_characters() -> None:
    assert parse_json('{"a": "\\ud83d\\ude00"}', error=Boom) == {"a": "\N{GRINNING FACE}"}


def _pack(root: Path, example: str) -> Path:
    (root / "demo").mkdir(parents=True)
    (root / "demo" / "scenario.yaml").write_text(
        f"title: T\nsummary: S\nfields:\n  items:\n    type: list\n    default: ''\n    example: {example}\n",
        encoding="utf-8",
    )
    (root / "demo" / "en.j2").write_text("Subject: Hi\n\n{{ items | join(', ') }}\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("where", "text", "code", "message"),
    [
        ("data.yaml", BOMB, errors.INVALID_VALUE, "data.yaml:1: YAML anchors (&a) are not allowed"),
        ("data.yaml", "items: !!python/object/apply:os.system ['echo pwned']\n", errors.INVALID_VALUE,
         "data.yaml:1: YAML tags (!!python/object/apply:os.system) are not allowed"),
        ("data.json", '{"items": ' + "[" * 50_000 + "]" * 50_000 + "}", errors.INVALID_VALUE,
         "data.json: nested more than 32 levels deep"),
        ("data.json", '{"items": ["\\ud800"]}', errors.INVALID_VALUE, "holds \\ud800, a lone surrogate"),
        ("example", "&a [x, y]", errors.SCENARIO_INVALID, "scenario.yaml:7: YAML anchors (&a) are not allowed"),
        ("example", "!binary eA==", errors.SCENARIO_INVALID, "scenario.yaml:7: YAML tags (!binary) are not allowed"),
    ],
    ids=["data-alias-bomb", "data-python-tag", "data-deep-json", "data-surrogate", "example-anchor", "example-tag"],
)  # fmt: skip
def test_installed_replykit_refuses_hostile_yaml_and_json(
    replykit_bin: str, tmp_path: Path, where: str, text: str, code: int, message: str
) -> None:
    pack = _pack(tmp_path / "pack", text if where == "example" else "a")
    args = ["render", "demo", "--templates-dir", str(pack)]
    if where != "example":
        (tmp_path / where).write_text(text, encoding="utf-8")
        args += ["--data", str(tmp_path / where)]
    done = subprocess.run([replykit_bin, *args], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert (done.returncode, done.stdout) == (code, "")
    assert message in done.stderr
    assert "Traceback" not in done.stderr and "\x1b" not in done.stderr
