"""Turning a scenario and field values into a reply, in Jinja2's sandbox."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, Template, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from replykit.errors import ScenarioInvalid, SecurityViolation, did_you_mean
from replykit.packs.scenario import Scenario
from replykit.rendering.filters import FILTERS, FilterMisuse

_SUBJECT = re.compile(r"Subject:[ \t]*(.*)")
_OUTPUT_TAG = re.compile(r"\{\{.*?\}\}")
_BLANK_RUNS = re.compile(r"\n{3,}")
EXTRA_NAMES = ("lang",)


@dataclass(frozen=True)
class Reply:
    """A finished reply: what it answers, in which language, and its text."""

    scenario: str
    language: str
    subject: str
    body: str
    values: dict[str, Any]


def _refuse_none(value: Any) -> Any:
    if value is None:
        raise UndefinedError("a template printed a field that has no value; guard it with {% if FIELD %}")
    return value


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Compiled templates cached per user; a cache that cannot be written is simply not used."""
    if os.environ.get("REPLYKIT_NO_CACHE"):
        return None
    from platformdirs import user_cache_path

    folder = user_cache_path("replykit", appauthor=False) / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))


def make_environment(roots: list[Path]) -> SandboxedEnvironment:
    """The sandboxed Jinja2 environment: undefined names are errors, nothing is HTML-escaped."""
    env = SandboxedEnvironment(
        bytecode_cache=_bytecode_cache(),
        loader=FileSystemLoader([str(r) for r in roots if r.is_dir()], encoding="utf-8"),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=_refuse_none,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env


@dataclass(frozen=True)
class ReplyTemplate:
    """A language file compiled: its subject line and its body."""

    path: Path
    subject: Template
    body: Template


def _first_line_of(ast: nodes.Template, name: str) -> int | None:
    for node in ast.find_all(nodes.Name):
        if node.name == name and node.ctx == "load":
            return node.lineno
    return None


def _compile(env: SandboxedEnvironment, source: str, path: Path, part: str, known: set[str]) -> Template:
    cache = env.bytecode_cache
    if cache is not None:
        # The key holds the declared names: the undeclared-variable check below ran against them.
        bucket = cache.get_bucket(env, f"{part}|{','.join(sorted(known))}", str(path), source)
        if bucket.code is not None:
            return env.template_class.from_code(env, bucket.code, env.make_globals(None), None)
    try:
        ast = env.parse(source, path.name, str(path))
    except TemplateSyntaxError as exc:
        raise ScenarioInvalid(f"template syntax error: {exc.message}", path=path, line=exc.lineno) from None
    unknown = sorted(meta.find_undeclared_variables(ast) - known - set(env.globals))
    if unknown:
        name = unknown[0]
        hint = did_you_mean(name, sorted(known))
        raise ScenarioInvalid(
            f"template uses undeclared variable{'s' if len(unknown) > 1 else ''} "
            + ", ".join(unknown)
            + (f"; {hint}" if hint else ""),
            path=path,
            line=_first_line_of(ast, name),
            hint="declare it under 'fields:' in scenario.yaml, or correct the name",
        )
    code = env.compile(ast, path.name, str(path))
    if cache is not None:
        bucket.code = code
        try:
            cache.set_bucket(bucket)
        except OSError:
            pass
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def load_template(env: SandboxedEnvironment, scenario: Scenario, lang: str) -> ReplyTemplate:
    """Read and compile a language file: a 'Subject:' line, a blank line, then the body."""
    path = scenario.template(lang)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioInvalid(f"cannot read template: {exc}", path=path) from None
    head, sep, body = text.partition("\n")
    match = _SUBJECT.fullmatch(head.rstrip("\r"))
    if not match:
        raise ScenarioInvalid(
            "a reply template starts with a 'Subject: ...' line",
            path=path,
            line=1,
            hint="write the subject on line 1, a blank line, then the body",
        )
    if body.split("\n", 1)[0].strip():
        raise ScenarioInvalid("the 'Subject:' line must be followed by a blank line", path=path, line=2)
    known = {f.name for f in scenario.fields} | set(EXTRA_NAMES)
    # The body keeps its place in the file (padded with newlines) so errors name the right line.
    return ReplyTemplate(
        path=path,
        subject=_compile(env, match.group(1), path, "subject", known),
        body=_compile(env, "\n" + body, path, "body", known),
    )


def _where(tb: TracebackType | None, default: Path) -> tuple[Path, int | None]:
    path, line = default, None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".j2"):
            path, line = Path(name), tb.tb_lineno
        tb = tb.tb_next
    return path, line


def _expression(path: Path, line: int | None, filter_name: str) -> str:
    """The ``{{ ... }}`` on that line of the template that uses the filter, as written, or ''."""
    if line is None:
        return ""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    if not 0 < line <= len(lines):
        return ""
    uses = re.compile(r"\|\s*" + re.escape(filter_name) + r"\b")
    return next((tag for tag in _OUTPUT_TAG.findall(lines[line - 1]) if uses.search(tag)), "")


def normalise(text: str) -> str:
    """Trailing spaces off every line, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"


def render(template: ReplyTemplate, scenario: Scenario, values: dict[str, Any], *, lang: str) -> Reply:
    """Render subject and body with the given (already validated) values."""
    context = {**values, "lang": lang}
    try:
        subject = template.subject.render(context).strip()
        body = normalise(template.body.render(context))
    except SecurityError as exc:
        path, line = _where(sys.exc_info()[2], template.path)
        raise SecurityViolation(
            f"{path}:{line or '?'}: template refused by the sandbox: {exc}",
            hint="templates may use fields, filters and tests, not Python internals",
        ) from None
    except FilterMisuse as exc:
        path, line = _where(sys.exc_info()[2], template.path)
        expression = _expression(path, line, exc.filter)
        message = f"{expression}: {exc}" if expression else str(exc)
        raise ScenarioInvalid(message, path=path, line=line, hint=exc.hint) from None
    except TemplateNotFound as exc:
        path, line = _where(sys.exc_info()[2], template.path)
        raise ScenarioInvalid(f"included template not found: {exc.name}", path=path, line=line) from None
    except (UndefinedError, TemplateError) as exc:
        path, line = _where(sys.exc_info()[2], template.path)
        raise ScenarioInvalid(f"template error: {exc}", path=path, line=line) from None
    if "\n" in subject:
        raise ScenarioInvalid("the subject renders to more than one line", path=template.path, line=1)
    return Reply(scenario=scenario.id, language=lang, subject=subject, body=body, values=values)


def render_scenario(scenario: Scenario, values: dict[str, Any], *, lang: str, roots: list[Path]) -> Reply:
    """Compile the scenario's template for ``lang`` and render it."""
    env = make_environment(roots)
    return render(load_template(env, scenario, lang), scenario, values, lang=lang)
