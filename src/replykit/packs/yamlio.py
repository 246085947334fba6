"""Strict reading of YAML and JSON: every scalar stays the text the user wrote.

PyYAML's default (YAML 1.1) rules turn ``0123`` into 83 and ``NO`` into False. replykit
reads every scalar as a string and lets each field's type decide what it means, refuses
duplicate keys, and remembers the line of every mapping key for error messages.

Values are built straight from the parser's events, without PyYAML's composer, and some
YAML is refused with its line, because replykit's files (packs, ``--data``, the config)
never need it and it can do harm:

- anchors (``&name``) and aliases (``*name``): refused outright rather than counted, since
  an alias bomb (a few lines that expand to billions of items) needs only a handful of them;
- every explicit tag, from ``!!python/object/apply:os.system`` and ``!!binary`` to
  ``!custom`` and even ``!!str``: a tag would otherwise be dropped in silence and its text
  used as if it were plain;
- nesting deeper than MAX_NESTING_DEPTH, refused as it is read (no recursion at all);
- more than MAX_NODES values in one file (millions of empty lists fit in a few megabytes,
  and would take seconds and hundreds of megabytes to build);
- a lone surrogate such as ``"\\ud800"``, which is not a character and cannot be printed,
  and the other characters ``replykit.packs.characters`` refuses: a control character
  (written ``"\\e[2J"`` in YAML) or a bidirectional override, in a value or a key.

JSON (``--data`` files) gets the same depth, size and character checks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from replykit.errors import FileProblem
from replykit.limits import MAX_NESTING_DEPTH, MAX_NODES
from replykit.packs.characters import refused, shown

try:  # libyaml's parser is several times faster; the pure-Python one behaves the same.
    from yaml import CBaseLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import BaseLoader as _BaseLoader  # type: ignore[assignment]

ErrorFactory = Callable[[str, int | None], Exception]


_SURROGATE = re.compile("[\ud800-\udfff]")
_TAG_PREFIX = "tag:yaml.org,2002:"


class LineMapping(dict[str, Any]):
    """A dict that remembers its own line and the line of each key (1-based)."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        """Line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A list that remembers the line of each item (1-based), for messages about one item."""

    def __init__(self) -> None:
        super().__init__()
        self.item_lines: list[int] = []

    def line_of(self, index: int, default: int = 0) -> int:
        """Line of item ``index``, or ``default`` when it is not known."""
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else default


class _Refused(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def _check_text(text: str, line: int | None) -> str:
    surrogate = _SURROGATE.search(text)  # every one: a file's text is decoded, none stands for a byte
    if surrogate is not None:
        what = f"\\u{ord(surrogate.group()):04x}, a lone surrogate, not a character"
        raise _Refused(f"the text {shown(text)} holds {what}", line)
    found = refused(text)
    if found is not None:
        raise _Refused(f"the text {shown(text)} holds {found[1]}; remove it", line)
    return text


def _line(event: yaml.Event) -> int:
    mark = event.start_mark  # every event the parser makes has one
    return int(mark.line) + 1 if mark is not None else 0


def _check_event(event: yaml.Event) -> None:
    """Refuse aliases, anchors and explicit tags."""
    line = _line(event)
    if isinstance(event, yaml.AliasEvent):
        raise _Refused(
            f"YAML aliases (*{event.anchor}) are not allowed; write the value out in full"
            f' (text that starts with * needs quotes: "*{event.anchor}")',
            line,
        )
    anchor = getattr(event, "anchor", None)
    if anchor is not None:
        raise _Refused(f"YAML anchors (&{anchor}) are not allowed; write each value out in full", line)
    tag = getattr(event, "tag", None)
    if tag is not None:
        shown = "!!" + tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag
        raise _Refused(
            f"YAML tags ({shown}) are not allowed; remove it, every value is read as text",
            line,
        )


class _Frame:
    """A list or mapping being built, and for a mapping the key waiting for its value."""

    __slots__ = ("value", "line", "key", "key_line")

    def __init__(self, value: list[Any] | LineMapping, line: int) -> None:
        self.value = value
        self.line = line
        self.key: str | None = None
        self.key_line = 0


def _add(frame: _Frame, value: Any, line: int) -> None:
    target = frame.value
    if isinstance(target, list):
        target.append(value)
        if isinstance(target, LineList):
            target.item_lines.append(line)
    elif frame.key is None:
        if not isinstance(value, str):
            raise _Refused("a key must be plain text", line)
        if value in target:
            raise _Refused(f"duplicate key '{value}' (first defined on line {target.key_lines[value]})", line)
        frame.key, frame.key_line = value, line
    else:
        target[frame.key] = value
        target.key_lines[frame.key] = frame.key_line
        frame.key = None


def _document(loader: Any) -> Any:
    """Build one document's value from its events, with an explicit stack instead of recursion."""
    stack: list[_Frame] = []
    nodes = 0
    while True:
        event = loader.get_event()
        _check_event(event)
        line = _line(event)
        nodes += 1
        if nodes > MAX_NODES:
            raise _Refused(_too_many_nodes(), line)
        if isinstance(event, yaml.ScalarEvent):
            value: Any = _check_text(event.value, line)
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if len(stack) >= MAX_NESTING_DEPTH:
                raise _Refused(f"nested more than {MAX_NESTING_DEPTH} levels deep", line)
            container: list[Any] | LineMapping = (
                LineList() if isinstance(event, yaml.SequenceStartEvent) else LineMapping()
            )
            if isinstance(container, LineMapping):
                container.line = line
            stack.append(_Frame(container, line))
            continue
        else:  # the end of the innermost list or mapping
            frame = stack.pop()
            value, line = frame.value, frame.line
        if not stack:
            return value
        _add(stack[-1], value, line)


def _build(loader: Any) -> Any:
    loader.get_event()  # the stream's start
    if loader.check_event(yaml.StreamEndEvent):
        return None
    loader.get_event()  # the document's start
    value = _document(loader)
    loader.get_event()  # the document's end
    if not loader.check_event(yaml.StreamEndEvent):
        raise _Refused("expected one document, but '---' starts another", _line(loader.get_event()))
    return value


def _marked(exc: yaml.MarkedYAMLError, error: ErrorFactory) -> Exception:
    """The error for a YAML syntax error, at the place where the problem starts.

    An unclosed quote or bracket is found only at the end of the file; the scanner's context
    mark says where the quoted scalar or flow collection began, which is where to look.
    """
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and (mark is None or "end of stream" in (exc.problem or "")):
        mark = exc.context_mark
    problem = exc.problem or "invalid YAML"
    if exc.context:
        problem += f" ({exc.context})"
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    found = error(f"invalid YAML at column {column}: {problem}" if column else f"invalid YAML: {problem}", line)
    if isinstance(found, FileProblem):
        found.column = column
    return found


def parse_yaml(text: str, *, error: ErrorFactory) -> Any:
    """Parse YAML text with every scalar as a string; raise ``error(message, line)``.

    Mappings are LineMapping; anchors, aliases, tags, deep nesting and lone surrogates
    are refused (see the module's docstring).
    """
    loader = _BaseLoader(text)
    try:
        return _build(loader)
    except _Refused as exc:
        raise error(str(exc), exc.line) from None
    except yaml.MarkedYAMLError as exc:
        raise _marked(exc, error) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", None) from None
    finally:
        loader.dispose()


def _too_many_nodes() -> str:
    return f"more than {MAX_NODES:,} values (texts, lists and mappings) in one file; replykit reads far fewer"


# A JSON string (skipped whole), or a token that starts or continues a list or mapping.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[{,]')


def _json_nodes_within(text: str, limit: int) -> bool:
    """True if the JSON text holds at most about ``limit`` values, judged without building any of them."""
    if text.count(",") + text.count("[") + text.count("{") <= limit:
        return True  # commas inside strings count too: this overcounts, and is quick
    count = 0
    for token in _JSON_TOKEN.finditer(text):
        if not token.group().startswith('"'):
            count += 1
            if count > limit:
                return False
    return True


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key '{key}'")
        result[key] = value
    return result


def _json_to_text(value: Any, depth: int = 0) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _check_text(value, None)
    if isinstance(value, (list, dict)) and depth >= MAX_NESTING_DEPTH:
        raise _Refused(f"nested more than {MAX_NESTING_DEPTH} levels deep", None)
    if isinstance(value, list):
        return [_json_to_text(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {_check_text(k, None): _json_to_text(v, depth + 1) for k, v in value.items()}
    return value


def parse_json(text: str, *, error: ErrorFactory) -> Any:
    """Parse JSON keeping numbers as the text written (``0123`` cannot occur, ``1.50`` stays).

    Deep nesting and lone surrogates are refused, as in YAML.
    """
    if not _json_nodes_within(text, MAX_NODES):
        raise error(_too_many_nodes(), None)
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
    except RecursionError:
        # json's C scanner stops cleanly at Python's recursion limit (about 1000 levels).
        raise error(f"nested more than {MAX_NESTING_DEPTH} levels deep", None) from None
    try:
        return _json_to_text(value)
    except _Refused as exc:
        raise error(str(exc), exc.line) from None


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
