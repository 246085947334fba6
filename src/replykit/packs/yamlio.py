"""Strict reading of YAML and JSON: every scalar stays the text the user wrote.

PyYAML's default (YAML 1.1) rules turn ``0123`` into 83 and ``NO`` into False. replykit
reads every scalar as a string and lets each field's type decide what it means, refuses
duplicate keys, and remembers the line of every mapping key for error messages.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml's parser is several times faster; the pure-Python one behaves the same.
    from yaml import CBaseLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import BaseLoader as _BaseLoader  # type: ignore[assignment]

ErrorFactory = Callable[[str, int | None], Exception]


class LineMapping(dict[str, Any]):
    """A dict that remembers its own line and the line of each key (1-based)."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        """Line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int, first: int) -> None:
        super().__init__(f"duplicate key '{key}' (first defined on line {first})")
        self.line = line


class _StrictLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> LineMapping:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(None, None, "expected a mapping", node.start_mark)
        result = LineMapping()
        result.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise yaml.constructor.ConstructorError(None, None, "a key must be plain text", key_node.start_mark)
            if key in result:
                raise _DuplicateKey(key, line, result.key_lines[key])
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = line
        return result


def parse_yaml(text: str, *, error: ErrorFactory) -> Any:
    """Parse YAML text with every scalar as a string; raise ``error(message, line)``."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - strings only, no tags
    except _DuplicateKey as exc:
        raise error(str(exc), exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise error(f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", None) from None


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key '{key}'")
        result[key] = value
    return result


def _json_to_text(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [_json_to_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_to_text(v) for k, v in value.items()}
    return value


def parse_json(text: str, *, error: ErrorFactory) -> Any:
    """Parse JSON keeping numbers as the text written (``0123`` cannot occur, ``1.50`` stays)."""
    try:
        value = json.loads(
            text,
            parse_int=str,
            parse_float=str,
            parse_constant=str,
            object_pairs_hook=_json_pairs,
        )
    except json.JSONDecodeError as exc:
        raise error(f"invalid JSON: {exc.msg}", exc.lineno) from None
    except ValueError as exc:
        raise error(f"invalid JSON: {exc}", None) from None
    return _json_to_text(value)


def parse_data(text: str, *, name: str, error: ErrorFactory) -> Any:
    """Parse a data file as JSON (by extension or a leading brace) or else YAML."""
    if name.endswith(".json") or text.lstrip().startswith("{"):
        return parse_json(text, error=error)
    return parse_yaml(text, error=error)


def decode(data: bytes, *, error: ErrorFactory) -> str:
    """UTF-8 bytes as text; anything else is ``error(message, None)``."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text ({exc.reason} at byte {exc.start})", None) from None


def read_text(path: Path, *, limit: int, what: str, error: ErrorFactory, unreadable: ErrorFactory | None = None) -> str:
    """Read a UTF-8 text file of at most ``limit`` bytes (see files.read_limited).

    A file over the limit, or not UTF-8, is ``error(message, None)``; one that is not a
    regular file or cannot be read is ``unreadable(message, None)``, else ``error`` too.
    """
    from replykit.files import read_limited

    cannot_read = unreadable or error
    data = read_limited(
        path,
        limit,
        what=what,
        too_large=lambda message: error(message, None),
        unreadable=lambda message: cannot_read(message, None),
    )
    return decode(data, error=error)
