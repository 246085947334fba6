"""Checking packs the way a pack author and a pack's own CI need: every problem, with its file and line.

``check_scenarios`` loads each scenario and, for every language file, compiles it, reads it
for the rules the built-in library keeps, and renders it with every combination of choices,
with all optional fields empty and with each optional field alone. Problems are collected,
never raised, so one run reports them all.

Rules (ids as printed):

- ``load``: the scenario.yaml or _fields.yaml cannot be read, or breaks the format;
- ``compile``: a template does not compile, or uses a name that is not a declared field
  (in itself or in a partial it includes);
- ``filter-type``: ``date``, ``money`` or ``and_list`` applied to a field of another type,
  or ``money`` given a currency code that is not ISO 4217;
- ``render``: a combination of values makes the template fail;
- ``paragraph``: a paragraph before the sign-off spans several lines (message boxes wrap
  text themselves, and a hard-wrapped paragraph looks broken in them);
- ``tag-at-line-end``: a line ends with a ``{% ... %}`` tag after text, so its newline vanishes;
- ``same-fields``: a language uses other fields than the scenario's default language;
- ``copied-language``: a language file is an unchanged copy of another language's file;
- ``channel``: a reply, rendered for a channel the scenario declares (every choice combination
  it does not refuse there, at the example values, with an order id in that channel's format),
  breaks a rule of that channel (its severity is the rule's);
- ``channels`` (warning): a channel left out of ``channels:`` with no ``refuse`` entry saying why;
- ``triggers`` (warning): a scenario that declares ``triggers:`` for some of its languages but
  not for every one (buyers writing in the others find it only through other languages' phrases);
- ``example``: a field's example value (in any language) that its type or choices refuse;
- ``unused-partial`` (warning): a file in ``_partials/`` that no template includes.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from replykit.errors import SCENARIO_INVALID, FileProblem, ReplykitError
from replykit.packs.fields import Field
from replykit.packs.library import Library
from replykit.packs.scenario import Scenario

ERROR = "error"
WARNING = "warning"

MAX_COMBINATIONS = 256
"""Most choice combinations rendered per language; past it, each choice is rendered once instead."""

# The type of field each formatting filter needs (see rendering.filters).
FILTER_TYPES = {"date": ("date",), "money": ("decimal", "integer"), "and_list": ("list",)}

_TAG_AT_END = re.compile(r"\{%-?\s*(?:if|elif|else|endif|for|endfor|set|endset|with|endwith)\b[^%]*%\}\s*$")
_ANY_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}")


class Problem(NamedTuple):
    """One thing wrong with a pack: where (file, line, column), which rule, what, and how bad."""

    rule: str
    message: str
    path: Path | None = None
    line: int | None = None
    column: int | None = None
    excerpt: str = ""
    severity: str = ERROR
    scenario: str | None = None
    hint: str = ""
    exit_code: int = SCENARIO_INVALID
    """The exit code an error of this kind has elsewhere (7 for a sandbox refusal)."""

    def __str__(self) -> str:
        return (self.location + ": " if self.location else "") + self.message

    @property
    def location(self) -> str:
        """``file:line:column``, as far as known."""
        if self.path is None:
            return ""
        return str(self.path) + "".join(f":{n}" for n in (self.line, self.column) if n)

    def as_dict(self) -> dict[str, Any]:
        """The problem as ``check --json`` prints it."""
        return {
            "scenario": self.scenario,
            "rule": self.rule,
            "severity": self.severity,
            "path": str(self.path) if self.path else None,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "excerpt": self.excerpt,
        }


def _from_error(rule: str, exc: ReplykitError, scenario: str | None) -> Problem:
    if isinstance(exc, FileProblem) and exc.path is not None:
        where = f"{exc.path}:{exc.line}: " if exc.line else f"{exc.path}: "
        message = exc.message[len(where) :] if exc.message.startswith(where) else exc.message
        path = Path(str(exc.path))
        excerpt = _line_of(path, exc.line)
        column = getattr(exc, "column", None)
        return Problem(
            rule, message, path, exc.line, column, excerpt, scenario=scenario, hint=exc.hint, exit_code=exc.exit_code
        )
    return Problem(rule, exc.message, scenario=scenario, hint=exc.hint, exit_code=exc.exit_code)


def _line_of(path: Path, line: int | None) -> str:
    if not line:
        return ""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                if number == line:
                    return text.rstrip("\n")[:300]
                if number > line:
                    break
    except OSError:
        return ""
    return ""


SAMPLE_ORDER_IDS = {
    "amazon": "902-1845936-5435065",
    "ebay": "27-11068-77489",
    "aliexpress": "3031265788145237",
    "etsy": "1234567890",
}
"""An order id in each channel's format (channels.shapes.ORDER_ID_FORMATS), for the channel check."""


def _examples(scenario: Scenario, lang: str) -> dict[str, str]:
    """Every field at its example in ``lang`` (a required field without one: 'x'; others: empty)."""
    values = {}
    for f in scenario.fields:
        example = f.example_in(lang)
        values[f.name] = example if example is not None else ("x" if f.required else "")
    return values


def _combinations(scenario: Scenario, base: dict[str, str]) -> tuple[list[Field], Iterable[tuple[str, ...]]]:
    """The choice fields, and the combinations of their choices to render (all, or each choice once)."""
    choices = [f for f in scenario.fields if f.choices and f.type != "list"]
    combos: Iterable[tuple[str, ...]]
    sizes = 1
    for chosen in choices:
        sizes *= len(chosen.choices)
    if sizes <= MAX_COMBINATIONS:
        combos = itertools.product(*(f.choices for f in choices))
    else:  # each choice once, the others at their example
        combos = [
            tuple((c if f is g else base[f.name] or f.choices[0]) for f in choices) for g in choices for c in g.choices
        ]
    return choices, combos


def _value_sets(scenario: Scenario, lang: str) -> Iterator[dict[str, str]]:
    """Raw values to render with: every choice combination; optional fields all empty, then each alone."""
    base = _examples(scenario, lang)
    choices, combos = _combinations(scenario, base)
    optional = [f for f in scenario.fields if not f.required and base[f.name]]
    for combo in combos:
        values = {**base, **{f.name: value for f, value in zip(choices, combo, strict=True)}}
        yield values
        empty = {**values, **{f.name: "" for f in optional if f not in choices}}
        yield empty
    for alone in optional:
        if alone in choices:
            continue
        values = {**base, **{f.name: "" for f in optional if f not in choices}}
        values[alone.name] = base[alone.name]
        yield values


def _channel_problems(
    scenario: Scenario, template: Any, language: str, path: Path, reported: Collection[str] = ()
) -> list[Problem]:
    """Findings of each declared channel's rules on the replies it may carry (see the ``channel`` rule).

    A template error is reported once, and not at all when ``reported`` (the messages the render
    rule already gave for this file) holds it."""
    from replykit.packs.fields import resolve_values
    from replykit.pipeline import channel_findings
    from replykit.rendering.templates import render

    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    base = _examples(scenario, language)
    choices, combos = _combinations(scenario, base)
    for combo in list(combos):
        raw = {**base, **{f.name: value for f, value in zip(choices, combo, strict=True)}}
        shown = ", ".join(f"{f.name}={value}" for f, value in zip(choices, combo, strict=True))
        for channel in scenario.channels:
            given = dict(raw)
            if given.get("order_id") and channel in SAMPLE_ORDER_IDS:
                given["order_id"] = SAMPLE_ORDER_IDS[channel]
            try:
                values = resolve_values(scenario.fields, cli=given)
                if scenario.refusal(channel, values) is not None:
                    continue
                reply = render(template, scenario, values, lang=language, channel=channel)
            except ReplykitError as exc:
                problem = _from_error("render", exc, scenario.id)
                if ("render", problem.message) not in seen and problem.message not in reported:
                    seen.add(("render", problem.message))
                    problems.append(
                        problem._replace(message=f"{problem.message} (on {channel}, with {shown or 'the examples'})")
                    )
                continue
            for finding in channel_findings(reply, scenario, channel=channel, languages=False):
                key = (channel, finding.rule + finding.span.excerpt)
                if key in seen:
                    continue
                seen.add(key)
                problems.append(
                    Problem(
                        "channel",
                        f"on {channel}, with {shown or 'the examples'}: {finding.message}"
                        + (f" ({finding.span.excerpt!r})" if finding.span.excerpt else "")
                        + f" [{finding.rule}]; {finding.fix}",
                        path,
                        severity=finding.severity,
                        scenario=scenario.id,
                    )
                )
    return problems


def _example_problems(scenario: Scenario) -> list[Problem]:
    """Example values that their field's type or choices refuse (load checks only their shape)."""
    problems = []
    for f in scenario.fields:
        for lang, raw in (("", f.example), *f.examples):
            if raw is None:
                continue
            try:
                f.parse(raw)
            except ValueError as exc:
                where = f" ({lang})" if lang else ""
                problems.append(
                    Problem(
                        "example",
                        f"field '{f.name}': example{where} {raw!r}: {exc}",
                        scenario.path,
                        scenario=scenario.id,
                    )
                )
    return problems


def _channels_problems(scenario: Scenario) -> list[Problem]:
    """Channels left out of ``channels:`` that no whole-scenario ``refuse`` entry explains."""
    from replykit.channels import NAMES

    explained = {name for refusal in scenario.refusals if not refusal.when for name in refusal.channels}
    return [
        Problem(
            "channels",
            f"{channel} is left out of 'channels:' without a reason; add a 'refuse' entry for it with its 'reason'",
            scenario.path,
            severity=WARNING,
            scenario=scenario.id,
        )
        for channel in NAMES
        if channel not in scenario.channels and channel not in explained
    ]


def _key_line(path: Path, key: str) -> int | None:
    """Line of a top-level ``key:`` in a YAML file (a top-level key starts its line), or None."""
    pattern = re.compile(rf"{re.escape(key)}\s*:")
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                if pattern.match(text):
                    return number
    except OSError:
        return None
    return None


def _triggers_problems(scenario: Scenario) -> list[Problem]:
    """Languages of a scenario that declares triggers, without triggers of their own."""
    if not scenario.triggers:
        return []
    lacking = [lang for lang in scenario.languages if not scenario.triggers.get(lang)]
    if not lacking:
        return []
    line = _key_line(scenario.path, "triggers")
    return [
        Problem(
            "triggers",
            f"no triggers for {', '.join(lacking)}: a buyer writing in {'it' if len(lacking) == 1 else 'them'} finds "
            f"this scenario only through another language's phrases; add {lacking[0]}: [...] under 'triggers:'",
            scenario.path,
            line,
            excerpt=_line_of(scenario.path, line),
            severity=WARNING,
            scenario=scenario.id,
        )
    ]


_LEFT_OUT = re.compile(r"\{#-?\s*unused:\s*([a-z0-9_]+(?:\s*,\s*[a-z0-9_]+)*)")


def left_out_fields(source: str) -> set[str]:
    """Fields a language file leaves out on purpose, as its comment says: ``{# unused: name (why) #}``."""
    return {name.strip() for match in _LEFT_OUT.finditer(source) for name in match.group(1).split(",")}


def _filter_problems(scenario: Scenario, path: Path, source: str, env: Any) -> list[Problem]:
    from jinja2 import nodes
    from jinja2.exceptions import TemplateSyntaxError

    try:
        ast = env.parse(source)
    except TemplateSyntaxError:
        return []  # reported when compiled
    by_name = {f.name: f for f in scenario.fields}
    problems = []
    for node in ast.find_all(nodes.Filter):
        wanted = FILTER_TYPES.get(node.name)
        target = node.node
        if wanted and isinstance(target, nodes.Name) and target.name in by_name:
            field = by_name[target.name]
            if field.type not in wanted:
                problems.append(
                    Problem(
                        "filter-type",
                        f"the {node.name} filter needs a {' or '.join(wanted)} field, but {field.name} is {field.type}",
                        path,
                        node.lineno,
                        excerpt=_line_of(path, node.lineno),
                        scenario=scenario.id,
                    )
                )
        if node.name == "money" and node.args:
            problems += _currency_argument(scenario, node.args[0], by_name, path, node.lineno)
    return problems


def _currency_argument(scenario: Scenario, arg: Any, by_name: dict[str, Field], path: Path, line: int) -> list[Problem]:
    from jinja2 import nodes

    from replykit.packs.fields import parse_currency

    message = ""
    if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
        try:
            parse_currency(arg.value)
        except ValueError:
            message = f"money({arg.value!r}): not an ISO 4217 currency code such as 'EUR'"
    elif isinstance(arg, nodes.Name) and arg.name in by_name and by_name[arg.name].type not in ("currency", "text"):
        message = f"money({arg.name}): the currency argument is a {by_name[arg.name].type} field"
    if not message:
        return []
    return [Problem("filter-type", message, path, line, excerpt=_line_of(path, line), scenario=scenario.id)]


def _line_problems(scenario: Scenario, path: Path, source: str) -> list[Problem]:
    problems = []
    # Comments print nothing, whatever tags they mention; keep their line breaks so numbers stay right.
    uncommented = re.sub(r"\{#.*?#\}", lambda m: "\n" * m.group().count("\n"), source, flags=re.DOTALL)
    lines = uncommented.split("\n")
    for number, text in enumerate(lines, start=1):
        if number == 1:
            continue  # the subject line is compiled on its own
        stripped = text.rstrip()
        if _TAG_AT_END.search(stripped) and _ANY_TAG.sub("", stripped).strip():
            problems.append(
                Problem(
                    "tag-at-line-end",
                    "this line ends with a block tag after text, so its line break is lost; "
                    "end the line with text after the tag",
                    path,
                    number,
                    len(stripped) - len(_TAG_AT_END.search(stripped).group()) + 1,  # type: ignore[union-attr]
                    source.split("\n")[number - 1],
                    scenario=scenario.id,
                )
            )
    return problems


def _paragraph_problem(scenario: Scenario, path: Path, body: str) -> Problem | None:
    paragraphs = body.strip("\n").split("\n\n")
    for paragraph in paragraphs[:-1]:  # the last is the sign-off, whose lines stay apart
        if "\n" in paragraph:
            first = paragraph.split("\n", 1)[0]
            return Problem(
                "paragraph",
                f"a paragraph is hard-wrapped over several lines ({first[:60]!r} ...); "
                "write each paragraph on one line",
                path,
                excerpt=first,
                scenario=scenario.id,
            )
    return None


def _names_used(env: Any, source: str, partials: dict[str, set[str]] | None = None) -> set[str]:
    """Every name a template reads, following its includes; ``partials`` collects each partial's own names."""
    from jinja2 import meta
    from jinja2.exceptions import TemplateError

    try:
        ast = env.parse(source)
    except TemplateError:
        return set()
    names = set(meta.find_undeclared_variables(ast))
    seen = partials if partials is not None else {}
    for included in meta.find_referenced_templates(ast):
        if not included or included in seen:
            names |= seen.get(included or "", set())
            continue
        seen[included] = set()
        try:
            text = env.loader.get_source(env, included)[0]
        except (TemplateError, ReplykitError):
            continue  # a missing or refused include is reported when the template renders
        seen[included] = _names_used(env, text, seen)
        names |= seen[included]
    return names


def _body_of(source: str) -> str:
    return source.partition("\n")[2]


def check_scenario(library: Library, scenario_id: str, *, env: Any, lang: str | None = None) -> list[Problem]:
    """Every problem of one scenario (in every language, or only ``lang`` and its closest match)."""
    from replykit.packs.fields import resolve_values
    from replykit.rendering.templates import EXTRA_NAMES, load_template, render

    try:
        scenario = library.find(scenario_id)
    except ReplykitError as exc:
        return [_from_error("load", exc, scenario_id)]
    languages: Sequence[str] = scenario.languages
    if lang is not None:
        from replykit.packs.languages import match_language

        match = match_language(lang, scenario.languages)
        languages = [match.language] if match.language else []
    problems: list[Problem] = []
    sources: dict[str, str] = {}
    for language, path in scenario.templates:
        try:
            sources[language] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem("load", f"cannot read: {exc}", path, scenario=scenario.id))
    problems += _channels_problems(scenario)
    problems += _triggers_problems(scenario)
    problems += _example_problems(scenario)
    if any(p.rule == "example" for p in problems):
        return problems  # every rendering below would stop at the same value
    known = {f.name for f in scenario.fields} | set(EXTRA_NAMES)
    partial_names: dict[str, set[str]] = {}
    default_names = _names_used(env, _body_of(sources.get(scenario.language, "")), partial_names)
    templates = dict(scenario.templates)
    reported_partials: set[str] = set()
    for language in languages:
        path = templates[language]
        source = sources.get(language)
        if source is None:
            continue
        try:
            template = load_template(env, scenario, language)
        except ReplykitError as exc:
            problems.append(_from_error("compile", exc, scenario.id))
            continue
        problems += _filter_problems(scenario, path, source, env)
        problems += _line_problems(scenario, path, source)
        names = _names_used(env, _body_of(source), partial_names)
        for partial, used in sorted(partial_names.items()):
            unknown = sorted(used - known)
            if unknown and partial not in reported_partials:
                reported_partials.add(partial)
                problems.append(
                    Problem(
                        "compile",
                        f"{partial}, included by {path.name}, uses undeclared name{'s' if len(unknown) > 1 else ''} "
                        + ", ".join(unknown)
                        + f"; declare {'them' if len(unknown) > 1 else 'it'} under 'fields:' in scenario.yaml",
                        path,
                        scenario=scenario.id,
                    )
                )
        if language != scenario.language and scenario.language in sources:
            names |= left_out_fields(source) & default_names
            if names != default_names:
                dropped, added = sorted(default_names - names), sorted(names - default_names)
                problems.append(
                    Problem(
                        "same-fields",
                        f"{language} uses other fields than {scenario.language}"
                        + (f"; missing: {', '.join(dropped)}" if dropped else "")
                        + (f"; extra: {', '.join(added)}" if added else ""),
                        path,
                        scenario=scenario.id,
                    )
                )
        for other, other_source in sources.items():
            if other != language and other_source == source:
                problems.append(
                    Problem(
                        "copied-language",
                        f"{path.name} is an unchanged copy of {templates[other].name}: buyers would get "
                        f"{other} text labelled as {language}; translate it, or delete it to fall back to {other}",
                        path,
                        1,
                        scenario=scenario.id,
                    )
                )
                break
        seen: set[tuple[str, int | None]] = set()
        paragraph_checked = False
        for raw in _value_sets(scenario, language):
            try:
                values = resolve_values(scenario.fields, cli=raw)
                reply = render(template, scenario, values, lang=language)
            except ReplykitError as exc:
                problem = _from_error("render", exc, scenario.id)
                if (problem.message, problem.line) not in seen:
                    seen.add((problem.message, problem.line))
                    shown = ", ".join(f"{k}={v!r}" for k, v in raw.items() if v and k not in ("name",))
                    problems.append(problem._replace(message=f"{problem.message} (with {shown or 'required fields'})"))
                continue
            if not paragraph_checked:
                paragraph_checked = True
                found = _paragraph_problem(scenario, path, reply.body)
                if found:
                    problems.append(found)
        problems += _channel_problems(scenario, template, language, path, {message for message, _ in seen})
    return problems


def check_one(scenario_id: str, *, library: Library) -> tuple[Scenario | None, list[Problem]]:
    """One scenario (None if it does not load) and every problem found in it, as ``edit`` checks it."""
    from replykit.rendering.templates import make_environment

    problems = check_scenario(library, scenario_id, env=make_environment(library.roots))
    try:
        return library.find(scenario_id), problems
    except ReplykitError:
        return None, problems


def _partials_used(env: Any, library: Library) -> tuple[set[str], list[Path]]:
    """Template names that any template of the library includes, and every partial file found."""
    from jinja2 import meta
    from jinja2.exceptions import TemplateSyntaxError

    used: set[str] = set()
    files: list[Path] = []
    for root in library.roots:
        if not root.is_dir():
            continue
        for path in sorted(root.glob("*/*.j2")):
            try:
                ast = env.parse(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, TemplateSyntaxError):
                continue
            used.update(name for name in meta.find_referenced_templates(ast) if name)
        files += sorted((root / "_partials").glob("*.j2")) if (root / "_partials").is_dir() else []
    return used, files


def check_scenarios(
    library: Library, ids: Sequence[str], *, lang: str | None = None, partial_roots: Sequence[Path] = ()
) -> list[Problem]:
    """Every problem of the scenarios ``ids``, and unused partials in ``partial_roots``.

    Raises UsageError for a malformed ``lang``; everything else is a Problem.
    """
    from replykit.rendering.templates import make_environment

    env = make_environment(library.roots)
    problems: list[Problem] = []
    for scenario_id in ids:
        problems += check_scenario(library, scenario_id, env=env, lang=lang)
    if partial_roots:
        used, files = _partials_used(env, library)
        wanted = {Path(root).resolve() for root in partial_roots}
        for path in files:
            if path.parent.parent.resolve() in wanted and f"_partials/{path.name}" not in used:
                problems.append(
                    Problem(
                        "unused-partial",
                        f"no template includes _partials/{path.name}; remove it or include it",
                        path,
                        severity=WARNING,
                    )
                )
    return problems
