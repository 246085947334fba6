"""The scenario model and its loader: one folder, one ``scenario.yaml``, one template per language."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from replykit.errors import ScenarioInvalid, ScenarioNotFound, UsageError, did_you_mean
from replykit.limits import MAX_FIELDS, MAX_ID_CHARS
from replykit.options import RESERVED_FIELD_NAMES
from replykit.packs.characters import refused
from replykit.packs.fields import TYPES, Field, join_list
from replykit.packs.languages import parse_tag
from replykit.packs.packfiles import read_pack_text
from replykit.packs.yamlio import LineMapping, parse_yaml

SCENARIO_FILE = "scenario.yaml"
FIELDS_FILE = "_fields.yaml"
TEMPLATE_SUFFIX = ".j2"

FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")
SCENARIO_ID = re.compile(rf"[a-z0-9][a-z0-9_-]{{0,{MAX_ID_CHARS - 1}}}")


ADVICE_SECTIONS = {
    "check": "Check before you send",
    "ask": "Ask the buyer for",
    "offer": "What to offer",
    "rules": "Deadlines and marketplace rules",
    "avoid": "Avoid",
}
_SCENARIO_KEYS = ("title", "summary", "tags", "language", "fields", "advice")
_FIELD_KEYS = ("help", "type", "required", "default", "choices", "example", "always")
_ONE_LINE_LISTS = ("tags", "choices")


@dataclass(frozen=True)
class Scenario:
    """A dispute scenario: what it is for, the fields its replies use, and advice for the agent."""

    id: str
    title: str
    summary: str
    tags: tuple[str, ...]
    language: str
    fields: tuple[Field, ...]
    advice: tuple[tuple[str, tuple[str, ...]], ...]
    path: Path
    templates: tuple[tuple[str, Path], ...] = field(default=())

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang, _ in self.templates)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def template(self, lang: str) -> Path:
        """The template file of one of the scenario's languages (see languages.choose_language)."""
        templates = dict(self.templates)
        if lang not in templates:
            raise ScenarioNotFound(f"{self.id} has no '{lang}' reply", hint=f"available: {', '.join(self.languages)}")
        return templates[lang]


ID_HINT = (
    f"use lower-case letters, digits, - and _, starting with a letter or digit, at most {MAX_ID_CHARS} characters"
    " (such as wrong-size)"
)


def is_scenario_id(text: str) -> bool:
    """True if ``text`` is a valid scenario id (SCENARIO_ID): safe to use as a folder name in a pack."""
    return SCENARIO_ID.fullmatch(text) is not None


def check_id(scenario_id: str) -> str:
    """Return ``scenario_id`` if valid, else raise UsageError; call it before an id becomes a path."""
    if not is_scenario_id(scenario_id):
        shown = scenario_id if len(scenario_id) <= 80 else scenario_id[:80] + "..."
        raise UsageError(f"{shown!r} is not a valid scenario id", hint=ID_HINT)
    return scenario_id


def _fail(path: Path, line: int | None, message: str, hint: str = "") -> ScenarioInvalid:
    return ScenarioInvalid(message, path=path, line=line, hint=hint)


def load_yaml_mapping(path: Path, *, root: Path) -> LineMapping:
    """Read a YAML file of the pack ``root`` that must hold a mapping, with file and line on every error."""
    text = read_pack_text(path, root=root)
    data = parse_yaml(text, error=lambda msg, line: _fail(path, line, msg))
    if data is None or data == "":
        return LineMapping()
    if not isinstance(data, LineMapping):
        raise _fail(path, 1, "expected a mapping of keys (such as 'title: ...') at the top level")
    return data


def _check_keys(data: LineMapping, allowed: tuple[str, ...], path: Path, what: str) -> None:
    for key in data:
        if key not in allowed:
            hint = did_you_mean(key, allowed)
            raise _fail(
                path,
                data.line_of(key),
                f"unknown key '{key}' in {what}" + (f"; {hint}" if hint else ""),
                hint=f"allowed keys: {', '.join(allowed)}",
            )


def _text(data: LineMapping, key: str, path: Path, *, required: bool = False, one_line: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise _fail(path, data.line_of(key), f"'{key}' must be text")
    if required and not value.strip():
        raise _fail(path, data.line_of(key), f"'{key}' is required")
    if one_line:
        _check_one_line(value.strip(), f"'{key}'", path, data.line_of(key))
    return value.strip()


def _check_one_line(text: str, what: str, path: Path, line: int) -> None:
    """A title, a tag or a choice is shown on one line (a row of 'list', an option's value)."""
    found = refused(text, one_line=True) or ((text.index("\t"), "a tab") if "\t" in text else None)
    if found is not None:  # a tab, too, would shift the columns of 'list'
        raise _fail(path, line, f"{what} must be one line of text; it holds {found[1]}")


def _text_list(data: LineMapping, key: str, path: Path) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value] if value else []
    if not isinstance(value, list):
        raise _fail(path, data.line_of(key), f"'{key}' must be a list of text")
    for item in value:
        if isinstance(item, LineMapping):
            raise _fail(
                path,
                item.line,
                f"an item of '{key}' reads as a mapping, not text",
                hint="a ': ' inside unquoted text starts a mapping in YAML; put the item in quotes",
            )
        if not isinstance(item, str):
            raise _fail(path, data.line_of(key), f"'{key}' must be a list of text")
        if key in _ONE_LINE_LISTS:
            _check_one_line(item.strip(), f"an item of '{key}'", path, data.line_of(key))
    return tuple(v.strip() for v in value)


def _bool(data: LineMapping, key: str, path: Path) -> bool:
    value = data.get(key, "false")
    if value in ("true", "True", "yes"):
        return True
    if value in ("false", "False", "no", ""):
        return False
    raise _fail(path, data.line_of(key), f"'{key}' must be true or false, not {value!r}")


def parse_field(name: str, spec: LineMapping, path: Path) -> Field:
    """Build a Field from its (already merged) YAML mapping, validating every key."""
    _check_keys(spec, _FIELD_KEYS, path, f"field '{name}'")
    line = spec.line
    type_name = _text(spec, "type", path) or "text"
    if type_name not in TYPES:
        raise _fail(
            path,
            spec.line_of("type"),
            f"field '{name}': unknown type '{type_name}'",
            hint="types: " + ", ".join(TYPES),
        )
    required = _bool(spec, "required", path)
    has_default = "default" in spec
    if required and has_default:
        raise _fail(path, spec.line_of("default"), f"field '{name}' is required and also has a default; keep one")
    if not required and not has_default:
        raise _fail(
            path,
            line,
            f"field '{name}' needs either 'required: true' or a 'default:'",
            hint="use 'default: \"\"' for an optional field that templates test with {% if %}",
        )
    example = spec.get("example")
    if isinstance(example, list):
        if not all(isinstance(item, str) for item in example):
            raise _fail(path, spec.line_of("example"), f"field '{name}': every item of 'example' must be text")
        example = join_list(example)
    elif example is not None and not isinstance(example, str):
        raise _fail(path, spec.line_of("example"), f"field '{name}': 'example' must be text or a list of text")
    result = Field(
        name=name,
        help=_text(spec, "help", path),
        type=type_name,
        required=required,
        default=_text(spec, "default", path) if has_default else "",
        choices=_text_list(spec, "choices", path),
        example=example,
    )
    for key in ("default", "example"):
        raw = result.default if key == "default" else result.example
        if raw is None or (key == "default" and raw == ""):
            continue
        try:
            result.parse(raw)
        except ValueError as exc:
            raise _fail(path, spec.line_of(key), f"field '{name}': {key} {raw!r}: {exc}") from None
    return result


class FieldCatalogue(NamedTuple):
    """Field definitions shared by every scenario (``_fields.yaml`` in a pack's root)."""

    specs: dict[str, tuple[LineMapping, Path]]

    @property
    def always(self) -> tuple[str, ...]:
        return tuple(name for name, (spec, _) in self.specs.items() if spec.get("always") == "true")


def load_catalogue(roots: list[Path]) -> FieldCatalogue:
    """Merge the ``_fields.yaml`` of every pack; a higher-precedence pack's definition wins."""
    specs: dict[str, tuple[LineMapping, Path]] = {}
    for root in reversed(roots):
        path = root / FIELDS_FILE
        if not path.exists():
            continue
        data = load_yaml_mapping(path, root=root)
        for name, spec in data.items():
            if not isinstance(spec, LineMapping):
                raise _fail(path, data.line_of(name), f"field '{name}' must be a mapping of keys")
            specs[name] = (spec, path)
    return FieldCatalogue(specs)


def _merge(own: LineMapping, common: LineMapping) -> LineMapping:
    merged = LineMapping()
    merged.line = own.line or common.line
    for source in (common, own):
        for key, value in source.items():
            merged[key] = value
            merged.key_lines[key] = source.key_lines[key]
    # A scenario that gives a default makes the field optional, and vice versa.
    if "default" in own and "required" not in own:
        merged.pop("required", None)
    if own.get("required") == "true" and "default" not in own:
        merged.pop("default", None)
    merged.pop("always", None)
    return merged


def _fields(data: LineMapping, catalogue: FieldCatalogue, path: Path) -> tuple[Field, ...]:
    declared = data.get("fields", LineMapping())
    if declared == "":
        declared = LineMapping()
    if not isinstance(declared, LineMapping):
        raise _fail(path, data.line_of("fields"), "'fields' must be a mapping of field names")
    result: list[Field] = []
    names = list(declared) + [n for n in catalogue.always if n not in declared]
    if len(names) > MAX_FIELDS:
        raise _fail(path, data.line_of("fields"), f"{len(names):,} fields; a scenario has at most {MAX_FIELDS}")
    for name in names:
        line = declared.line_of(name)
        if not FIELD_NAME.fullmatch(name):
            raise _fail(path, line, f"field name '{name}' must be lower-case letters, digits and _")
        if name in RESERVED_FIELD_NAMES:
            raise _fail(path, line, f"field name '{name}' is taken by the option --{name.replace('_', '-')}; rename it")
        own = declared.get(name, LineMapping())
        if own == "":
            own = LineMapping()
            own.line = line
        if not isinstance(own, LineMapping):
            raise _fail(path, line, f"field '{name}' must be a mapping of keys (or empty to use the shared definition)")
        common, common_path = catalogue.specs.get(name, (LineMapping(), path))
        if not own and name not in catalogue.specs:
            raise _fail(path, line, f"field '{name}' has no definition here or in {FIELDS_FILE}")
        result.append(parse_field(name, _merge(own, common), path if own else common_path))
    return tuple(result)


def _advice(data: LineMapping, path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    advice = data.get("advice", LineMapping())
    if advice == "":
        return ()
    if not isinstance(advice, LineMapping):
        raise _fail(path, data.line_of("advice"), "'advice' must be a mapping of sections")
    _check_keys(advice, tuple(ADVICE_SECTIONS), path, "advice")
    return tuple((key, _text_list(advice, key, path)) for key in ADVICE_SECTIONS if key in advice)


def load_scenario(
    scenario_id: str,
    path: Path,
    *,
    root: Path,
    catalogue: FieldCatalogue,
    templates: tuple[tuple[str, Path], ...],
) -> Scenario:
    """Load and validate one ``scenario.yaml`` of the pack ``root``."""
    data = load_yaml_mapping(path, root=root)
    _check_keys(data, _SCENARIO_KEYS, path, "scenario")
    written = _text(data, "language", path) or "en"
    language = parse_tag(written)
    if language is None:
        raise _fail(
            path,
            data.line_of("language"),
            f"language '{written}' is not a language tag",
            hint="such as en, de or pt-BR",
        )
    if templates and language not in dict(templates):
        raise _fail(
            path,
            data.line_of("language"),
            f"default language '{language}' has no template {language}{TEMPLATE_SUFFIX}",
            hint="languages found: " + ", ".join(lang for lang, _ in templates),
        )
    if not templates:
        raise _fail(path, None, f"no reply template: add {language}{TEMPLATE_SUFFIX} beside it")
    return Scenario(
        id=scenario_id,
        title=_text(data, "title", path, required=True, one_line=True),
        summary=_text(data, "summary", path, required=True),
        tags=_text_list(data, "tags", path),
        language=language,
        fields=_fields(data, catalogue, path),
        advice=_advice(data, path),
        path=path,
        templates=templates,
    )


def example_values(scenario: Scenario) -> dict[str, Any]:
    """Raw example (or default) text of every field, for previews and tests."""
    return {f.name: f.example if f.example is not None else f.default for f in scenario.fields}
