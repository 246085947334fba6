"""The scenario model and its loader: one folder, one ``scenario.yaml``, one template per language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from replykit.channels import NAMES as CHANNEL_NAMES
from replykit.errors import ScenarioInvalid, ScenarioNotFound, UsageError, did_you_mean
from replykit.limits import MAX_FIELDS, MAX_ID_CHARS, MAX_REASON_CHARS
from replykit.options import RESERVED_FIELD_NAMES
from replykit.packs.characters import refused, shown
from replykit.packs.fields import TYPES, Field, join_list
from replykit.packs.languages import parse_tag
from replykit.packs.packfiles import read_pack_text
from replykit.packs.triggers import read_triggers
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
_SCENARIO_KEYS = (
    "title",
    "summary",
    "tags",
    "language",
    "channels",
    "public",
    "refuse",
    "triggers",
    "fields",
    "advice",
)
_REFUSE_KEYS = ("channels", "when", "reason")
_FIELD_KEYS = ("help", "type", "required", "default", "choices", "example", "always")
_ONE_LINE_LISTS = ("tags", "choices")


@dataclass(frozen=True)
class Refusal:
    """A channel a scenario, or one of its choices, must not be sent on, and why.

    ``when`` is empty for the whole scenario; otherwise (field name, choices) pairs that must
    all hold: ``(("remedy", ("reship",)),)`` refuses the reship choice only.
    """

    channels: tuple[str, ...]
    reason: str
    when: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def applies(self, channel: str, values: dict[str, Any]) -> bool:
        """Whether this refusal holds for a reply on ``channel`` with these (parsed) values."""
        return channel in self.channels and all(str(values.get(name, "")) in chosen for name, chosen in self.when)


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
    channels: tuple[str, ...] = CHANNEL_NAMES
    """The channels its replies are fit for (``channels:``; all of them when not given)."""
    public: bool = False
    """Its reply is posted publicly (an answer to a review or feedback): no subject, public rules."""
    refusals: tuple[Refusal, ...] = ()
    """Channels refused for the whole scenario or for some of its choices, each with its reason."""
    triggers: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    """Language tag -> phrases a buyer writes that suggest this scenario (``triggers:``; see packs.triggers).
    Empty when not given: such a scenario is never suggested by ``triage``."""

    def refused_by(self, channel: str, values: dict[str, Any]) -> Refusal | None:
        """The refusal that keeps a reply with these values from ``channel``, or None when it may go there."""
        for refusal in self.refusals:
            if refusal.applies(channel, values):
                return refusal
        if channel not in self.channels:
            return Refusal((channel,), f"its 'channels:' ({', '.join(self.channels)}) leave {channel} out")
        return None

    def refusal(self, channel: str, values: dict[str, Any]) -> str | None:
        """Why a reply with these values may not go to ``channel``, or None when it may."""
        found = self.refused_by(channel, values)
        return found.reason if found else None

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
    what = shown(value) if isinstance(value, str) else "a list" if isinstance(value, list) else "a mapping"
    raise _fail(path, data.line_of(key), f"'{key}' must be true or false, not {what}")


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
    example, examples = _examples(name, spec, path)
    result = Field(
        name=name,
        help=_text(spec, "help", path),
        type=type_name,
        required=required,
        default=_text(spec, "default", path) if has_default else "",
        choices=_text_list(spec, "choices", path),
        example=example,
        examples=examples,
    )
    # The default is checked here, since a reply may use it; examples only feed previews and
    # `replykit check`, which checks them (parsing a currency example would load Babel at every start).
    if result.default:
        try:
            result.parse(result.default)
        except ValueError as exc:
            raise _fail(path, spec.line_of("default"), f"field '{name}': default {result.default!r}: {exc}") from None
    return result


def _example_text(name: str, value: Any, path: Path, line: int) -> str:
    if isinstance(value, list):
        if not all(isinstance(item, str) for item in value):
            raise _fail(path, line, f"field '{name}': every item of 'example' must be text")
        return join_list(value)
    if not isinstance(value, str):
        raise _fail(
            path,
            line,
            f"field '{name}': 'example' must be text, a list of text, or a mapping of language tags to them",
        )
    return value


def _examples(name: str, spec: LineMapping, path: Path) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """A field's ``example:``: one value, or one per language (``{en: blue mug, de: blaue Tasse}``).

    Returns the default example (``en``'s, else the first given) and the per-language ones.
    """
    value = spec.get("example")
    if value is None:
        return None, ()
    line = spec.line_of("example")
    if not isinstance(value, LineMapping):
        return _example_text(name, value, path, line), ()
    examples: list[tuple[str, str]] = []
    for written, text in value.items():
        tag = parse_tag(written)
        if tag is None:
            raise _fail(
                path,
                value.line_of(written),
                f"field '{name}': example language '{written}' is not a language tag",
                hint="such as en, de or pt-BR",
            )
        examples.append((tag, _example_text(name, text, path, value.line_of(written))))
    if not examples:
        return None, ()
    default = dict(examples).get("en", examples[0][1])
    return default, tuple(examples)


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


def _channel_list(value: Any, what: str, path: Path, line: int) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value] if value else []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _fail(path, line, f"{what} must be a list of channels", hint="channels: " + ", ".join(CHANNEL_NAMES))
    for name in value:
        if name not in CHANNEL_NAMES:
            hint = did_you_mean(name, CHANNEL_NAMES)
            raise _fail(
                path,
                line,
                f"{what}: unknown channel {shown(name)}" + (f"; {hint}" if hint else ""),
                hint="channels: " + ", ".join(CHANNEL_NAMES),
            )
    return tuple(dict.fromkeys(value))


def _when(entry: LineMapping, fields: tuple[Field, ...], path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A refusal's ``when:``: field name -> one choice or a list of choices of that field."""
    when = entry.get("when", LineMapping())
    if when == "":
        return ()
    if not isinstance(when, LineMapping):
        raise _fail(path, entry.line_of("when"), "'when' must map field names to choices, such as {remedy: reship}")
    by_name = {f.name: f for f in fields}
    result = []
    for name, chosen in when.items():
        line = when.line_of(name)
        wanted = by_name.get(name)
        if wanted is None or not wanted.choices:
            hint = did_you_mean(name, [f.name for f in fields if f.choices])
            raise _fail(
                path,
                line,
                f"refuse: 'when' names {shown(name)}, which is not a field with choices"
                + (f"; {hint}" if hint else ""),
            )
        picked = [chosen] if isinstance(chosen, str) else chosen
        if not isinstance(picked, list) or not all(isinstance(item, str) for item in picked):
            raise _fail(path, line, f"refuse: 'when' {name} must be a choice or a list of choices")
        for item in picked:
            if item not in wanted.choices:
                raise _fail(
                    path,
                    line,
                    f"refuse: {shown(item)} is not a choice of {name}",
                    hint="choices: " + ", ".join(wanted.choices),
                )
        result.append((name, tuple(picked)))
    return tuple(result)


def _channels(data: LineMapping, fields: tuple[Field, ...], path: Path) -> tuple[tuple[str, ...], tuple[Refusal, ...]]:
    """``channels:`` (the channels a scenario is fit for) and ``refuse:`` (channels or choices it must not go to)."""
    listed = "channels" in data
    fit = _channel_list(data["channels"], "'channels'", path, data.line_of("channels")) if listed else CHANNEL_NAMES
    raw = data.get("refuse", [])
    if raw == "":
        raw = []
    if not isinstance(raw, list):
        raise _fail(path, data.line_of("refuse"), "'refuse' must be a list of entries with channels, reason and when")
    refusals = []
    for entry in raw:
        if not isinstance(entry, LineMapping):
            raise _fail(path, data.line_of("refuse"), "each entry of 'refuse' is a mapping: channels, reason, when")
        _check_keys(entry, _REFUSE_KEYS, path, "a 'refuse' entry")
        channels = _channel_list(entry.get("channels", []), "refuse: 'channels'", path, entry.line_of("channels"))
        if not channels:
            raise _fail(path, entry.line, "a 'refuse' entry needs 'channels'")
        reason = _text(entry, "reason", path, required=True, one_line=True)
        if len(reason) > MAX_REASON_CHARS:
            raise _fail(
                path,
                entry.line_of("reason"),
                f"a 'refuse' reason is {len(reason):,} characters; at most {MAX_REASON_CHARS:,} are shown",
                hint="a reason is one sentence of an error message; put the rest in 'advice'",
            )
        when = _when(entry, fields, path)
        if not when:
            if listed:
                both = [name for name in channels if name in fit]
                if both:
                    raise _fail(
                        path,
                        entry.line,
                        f"{', '.join(both)} {'is' if len(both) == 1 else 'are'} both in 'channels' and refused",
                        hint="a channel a whole scenario refuses is left out of 'channels'; 'when' refuses one choice",
                    )
            else:
                fit = tuple(name for name in fit if name not in channels)
        refusals.append(Refusal(channels=channels, reason=reason, when=when))
    return fit, tuple(refusals)


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
    fields = _fields(data, catalogue, path)
    channels, refusals = _channels(data, fields, path)
    return Scenario(
        id=scenario_id,
        title=_text(data, "title", path, required=True, one_line=True),
        summary=_text(data, "summary", path, required=True),
        tags=_text_list(data, "tags", path),
        language=language,
        fields=fields,
        advice=_advice(data, path),
        path=path,
        templates=templates,
        channels=channels,
        public=_bool(data, "public", path),
        refusals=refusals,
        triggers=read_triggers(data, languages=[lang for lang, _ in templates], path=path),
    )


def example_values(scenario: Scenario, lang: str | None = None) -> dict[str, Any]:
    """Raw example (or default) text of every field in ``lang`` (see Field.example_in), for previews and tests."""
    values = {}
    for f in scenario.fields:
        example = f.example_in(lang)
        values[f.name] = example if example is not None else f.default
    return values
