"""Turning a scenario and field values into a reply, in replykit's Jinja2 sandbox (see sandbox.py)."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, cast

from jinja2 import FileSystemBytecodeCache, Template, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateNotFound, TemplateSyntaxError, UndefinedError

from replykit.errors import ReplykitError, ScenarioInvalid, SecurityViolation, did_you_mean
from replykit.limits import MAX_INT_DIGITS, MAX_REPLY_CHARS, MAX_SUBJECT_CHARS
from replykit.packs.characters import inert, refused
from replykit.packs.loader import PackLoader, check_template_text
from replykit.packs.packfiles import read_pack_text
from replykit.packs.scenario import Scenario
from replykit.rendering.filters import FILTERS, FilterMisuse
from replykit.rendering.sandbox import (
    CODE_VERSION,
    ReplySandbox,
    ReplyUndefined,
    TemplateStopped,
    check_printed,
    cpu_budget,
)

_SUBJECT = re.compile(r"Subject:[ \t]*(.*)")
_BLANK_RUNS = re.compile(r"\n{3,}")
EXTRA_NAMES = ("lang", "channel")
"""Names every template may use besides its fields: the reply's language tag, and the channel it goes
to (``amazon``, ``ebay``, ... as ``--channel`` names it; empty when none is given)."""


@dataclass(frozen=True)
class Reply:
    """A finished reply: what it answers, in which language, and its text."""

    scenario: str
    language: str
    subject: str
    body: str
    values: dict[str, Any]


def _finalize(value: Any) -> Any:
    """Every ``{{ }}`` passes here: an empty value is an error rather than 'None', a huge one is refused."""
    if value is None:
        raise UndefinedError("a template printed a field that has no value; guard it with {% if FIELD %}")
    return check_printed(value)


class _TemplateCache(FileSystemBytecodeCache):
    """Jinja2's file cache, with keys that change when replykit's sandbox compiles differently."""

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(f"{CODE_VERSION}|{name}", filename)


def cache_warning(folder: Path, problem: str) -> str:
    """The warning shown once when the compiled-template cache is not used because it is not safe."""
    return (
        f"not using the template cache {folder}: {problem}, and replykit would run the compiled code in it; "
        "rendering without it (remove the folder and replykit makes a private one)"
    )


_cache_warned = False


def _bytecode_cache(on_notice: Callable[[str], None] | None = None) -> FileSystemBytecodeCache | None:
    """Compiled templates cached per user, in folders only the user can write.

    A cache that cannot be created is simply not used. One that another user owns or can
    write (the cache folder or its parent under the user cache root) is not used either,
    and ``on_notice`` hears why, once per process: loading compiled code from it would run
    whatever that user put there.
    """
    global _cache_warned
    if os.environ.get("REPLYKIT_NO_CACHE"):
        return None
    from platformdirs import user_cache_path

    from replykit.files import private_cache_folder

    folder, unsafe = private_cache_folder(user_cache_path("replykit", appauthor=False), "templates")
    if unsafe is not None:
        if not _cache_warned and on_notice is not None:
            _cache_warned = True
            on_notice(cache_warning(*unsafe))
        return None
    if folder is None:
        return None
    return _TemplateCache(str(folder))


def make_environment(roots: list[Path], *, on_notice: Callable[[str], None] | None = None) -> ReplySandbox:
    """The sandboxed Jinja2 environment: undefined names are errors, nothing is HTML-escaped.

    ``on_notice`` hears why the template cache is not used, when it is not safe to use.
    """
    return ReplySandbox(
        filters=FILTERS,
        bytecode_cache=_bytecode_cache(on_notice),
        loader=PackLoader(roots),
        undefined=ReplyUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=_finalize,
        auto_reload=False,
    )


class ReplyTemplate(NamedTuple):
    """A language file compiled: its subject line and its body.

    ``first_render`` holds the CPU seconds compiling took until the template is first
    rendered: that render's budget includes them, so one run of replykit uses at most
    RENDER_CPU_SECONDS on its template; later renders (a batch) each get the whole budget.
    """

    path: Path
    subject: Template | None
    """None for a public reply, which has no subject line."""
    body: Template
    first_render: list[float]


def _first_line_of(ast: nodes.Template, name: str) -> int | None:
    for node in ast.find_all(nodes.Name):
        if node.name == name and node.ctx == "load":
            return node.lineno
    return None


def _undeclared(ast: nodes.Template, unknown: list[str], known: set[str], path: Path) -> ScenarioInvalid:
    name = unknown[0]
    hint = did_you_mean(name, sorted(known))
    return ScenarioInvalid(
        f"template uses undeclared variable{'s' if len(unknown) > 1 else ''} "
        + ", ".join(unknown)
        + (f"; {hint}" if hint else ""),
        path=path,
        line=_first_line_of(ast, name),
        hint="declare it under 'fields:' in scenario.yaml, or correct the name",
    )


def _compile(env: ReplySandbox, source: str, path: Path, part: str, known: set[str]) -> Template:
    cache = env.bytecode_cache
    if cache is not None:
        # The key holds the declared names: the undeclared-variable check below ran against them.
        bucket = cache.get_bucket(env, f"{part}|{','.join(sorted(known))}", str(path), source)
        if bucket.code is not None:
            return env.template_class.from_code(env, bucket.code, env.make_globals(None), None)
    try:
        ast = env.parse(source, path.name, str(path))
        unknown = sorted(meta.find_undeclared_variables(ast) - known - set(env.globals))
        if unknown:
            raise _undeclared(ast, unknown, known, path)
        code = env.compile(ast, path.name, str(path))
    except TemplateSyntaxError as exc:
        raise ScenarioInvalid(
            f"template syntax error: {_printable(exc.message or '')}", path=path, line=exc.lineno
        ) from None
    except (RecursionError, MemoryError, SyntaxError):
        raise ScenarioInvalid("the template nests brackets, filters or tags too deeply", path=path) from None
    except (ReplykitError, TemplateStopped):
        raise
    except (ValueError, OverflowError) as exc:  # Python's own limits, met reading a literal
        reason = str(exc)
        if "integer string conversion" in reason:
            reason = f"a number in it has more than {MAX_INT_DIGITS} digits"
        raise ScenarioInvalid(f"the template cannot be compiled: {_printable(reason)}", path=path) from None
    if cache is not None:
        bucket.code = code
        try:
            cache.set_bucket(bucket)
        except OSError:
            pass
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def load_template(env: ReplySandbox, scenario: Scenario, lang: str) -> ReplyTemplate:
    """Read and compile a language file: a 'Subject:' line, a blank line, then the body."""
    path = scenario.template(lang)
    # A language template sits at PACK/ID/LANG.j2, and is read as a file of its pack, PACK.
    text = read_pack_text(path, root=path.parent.parent)
    check_template_text(text, path)
    head, _, body = text.partition("\n")
    subject_source: str | None
    match = _SUBJECT.fullmatch(head.rstrip("\r"))
    if scenario.public:
        if match:
            raise ScenarioInvalid(
                "a public reply has no subject line",
                path=path,
                line=1,
                hint="the scenario says 'public: true' (a reply posted below a review); remove the 'Subject:' line",
            )
        subject_source, body = None, text
    elif not match:
        raise ScenarioInvalid(
            "a reply template starts with a 'Subject: ...' line",
            path=path,
            line=1,
            hint="write the subject on line 1, a blank line, then the body",
        )
    elif body.split("\n", 1)[0].strip():
        raise ScenarioInvalid("the 'Subject:' line must be followed by a blank line", path=path, line=2)
    else:
        subject_source, body = match.group(1), "\n" + body
    known = {f.name for f in scenario.fields} | set(EXTRA_NAMES)
    started = time.process_time()
    try:
        with cpu_budget():
            subject = None if subject_source is None else _compile(env, subject_source, path, "subject", known)
            # The body keeps its place in the file (padded with newlines) so errors name the right line.
            compiled_body = _compile(env, body, path, "body", known)
    except TemplateStopped as exc:
        reason = str(exc).replace("rendering took", "compiling took")
        raise SecurityViolation(
            f"{path}: template stopped: {reason}",
            hint="a reply template is a few paragraphs; this one is too large or too intricate",
        ) from None
    spent = time.process_time() - started
    return ReplyTemplate(path=path, subject=subject, body=compiled_body, first_render=[spent])


def _where(tb: TracebackType | None, default: Path) -> tuple[Path, int | None]:
    """The template file and line an exception came from: its innermost template frame."""
    path, line = default, None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".j2"):
            template = tb.tb_frame.f_globals.get("__jinja_template__")
            # Jinja2 rewrites tracebacks to template lines, except when a second error cut that short.
            line = tb.tb_lineno if template is None else template.get_corresponding_lineno(tb.tb_lineno)
            path = Path(name)
        tb = tb.tb_next
    return path, line


def _printable(text: str) -> str:
    """A message quoting template text, with a terminal's control characters made visible."""
    return inert(text)


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
    return next((tag for tag in _output_tags(lines[line - 1]) if uses.search(tag)), "")


def _output_tags(line: str) -> list[str]:
    """The ``{{ ... }}`` tags of a line, each up to its first ``}}``, in one pass.

    A lazy regular expression would look from every ``{{`` to the end of the line: a line of
    100,000 of them in a ``{% raw %}`` block took hours, and no CPU budget runs here.
    """
    tags: list[str] = []
    start = line.find("{{")
    while start != -1:
        end = line.find("}}", start + 2)
        if end == -1:
            break
        tags.append(line[start : end + 2])
        start = line.find("{{", end + 2)
    return tags


def normalise(text: str) -> str:
    """Trailing spaces off every line, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"


def _generate(template: Template, context: dict[str, Any], limit: int) -> str:
    """Render piece by piece, stopping in the template (so the error names its line) past ``limit`` characters."""
    pieces = cast(Generator[str, None, None], template.generate(context))
    kept: list[str] = []
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > limit:
            pieces.throw(TemplateStopped(f"the reply grew past {MAX_REPLY_CHARS:,} characters"))
        kept.append(piece)
    return "".join(kept)


def _render_parts(template: ReplyTemplate, context: dict[str, Any]) -> tuple[str, str]:
    spent = template.first_render.pop() if template.first_render else 0.0
    with cpu_budget(spent=spent):
        subject = "" if template.subject is None else _generate(template.subject, context, MAX_REPLY_CHARS).strip()
        body = _generate(template.body, context, MAX_REPLY_CHARS - len(subject))
    return subject, body


def _stopped(template: ReplyTemplate, reason: str) -> SecurityViolation:
    path, line = _where(sys.exc_info()[2], template.path)
    return SecurityViolation(
        f"{path}:{line or '?'}: template stopped: {_printable(reason)}",
        hint="a reply template renders a few paragraphs; see 'The format' in the README for the limits",
    )


def _template_error(template: ReplyTemplate, message: str) -> ScenarioInvalid:
    path, line = _where(sys.exc_info()[2], template.path)
    return ScenarioInvalid(_printable(message), path=path, line=line)


def render(
    template: ReplyTemplate, scenario: Scenario, values: dict[str, Any], *, lang: str, channel: str | None = None
) -> Reply:
    """Render subject and body with the given (already validated) values.

    Raises ScenarioInvalid (with file and line) for a broken template, a filter on the
    wrong kind of value or a subject that is not one line of at most MAX_SUBJECT_CHARS,
    and SecurityViolation for a template refused by the sandbox or stopped by a limit:
    more than MAX_REPLY_CHARS of reply, RENDER_CPU_SECONDS of CPU, too deep recursion or
    too large a value (see replykit.limits).
    """
    context = {**values, "lang": lang, "channel": channel or ""}
    try:
        subject, raw_body = _render_parts(template, context)
    except TemplateStopped as exc:
        raise _stopped(template, str(exc)) from None
    except SecurityError as exc:
        path, line = _where(sys.exc_info()[2], template.path)
        raise SecurityViolation(
            f"{path}:{line or '?'}: template refused by the sandbox: {_printable(str(exc))}",
            hint="templates may use fields, filters and tests, not Python internals",
        ) from None
    except RecursionError:
        raise _stopped(template, "macros or includes call themselves too deeply") from None
    except MemoryError:
        raise _stopped(template, "it ran out of memory") from None
    except OverflowError as exc:
        raise _stopped(template, f"a number grew too large: {exc.args[-1] if exc.args else exc}") from None
    except FilterMisuse as exc:
        path, line = _where(sys.exc_info()[2], template.path)
        expression = _expression(path, line, exc.filter)
        message = f"{expression}: {exc}" if expression else str(exc)
        raise ScenarioInvalid(_printable(message), path=path, line=line, hint=exc.hint) from None
    except TemplateNotFound as exc:
        path, line = _where(sys.exc_info()[2], template.path)
        raise ScenarioInvalid(_printable(f"included template not found: {exc.name}"), path=path, line=line) from None
    except (UndefinedError, TemplateError) as exc:
        raise _template_error(template, f"template error: {exc}") from None
    except ValueError as exc:
        if "integer string conversion" in str(exc):  # Python's own limit on printing long numbers
            digits = getattr(sys, "get_int_max_str_digits", lambda: MAX_INT_DIGITS)()
            raise _stopped(template, f"a number has more than {digits} digits to print") from None
        raise _template_error(template, f"template error: {exc}") from None
    except (TypeError, ArithmeticError, LookupError, AttributeError) as exc:
        detail = f"no key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise _template_error(template, f"template error: {detail}") from None
    except ReplykitError:
        raise
    except Exception as exc:  # whatever else a template's code raises is the template's error, not a crash
        raise _template_error(template, f"template error: {type(exc).__name__}: {exc}") from None
    for part in (subject, raw_body):
        # Every piece of output was checked as it was written; this is the last line of defence.
        found = refused(part)
        if found is not None:
            raise SecurityViolation(
                f"{template.path}: template stopped: the reply holds {found[1]}",
                hint="a reply is plain text",
            )
    body = normalise(raw_body)
    if "\n" in subject:
        raise ScenarioInvalid("the subject renders to more than one line", path=template.path, line=1)
    if len(subject) > MAX_SUBJECT_CHARS:
        raise ScenarioInvalid(
            f"the subject renders to {len(subject):,} characters, more than {MAX_SUBJECT_CHARS:,}",
            path=template.path,
            line=1,
        )
    return Reply(scenario=scenario.id, language=lang, subject=subject, body=body, values=values)


def render_scenario(
    scenario: Scenario,
    values: dict[str, Any],
    *,
    lang: str,
    roots: list[Path],
    on_notice: Callable[[str], None] | None = None,
) -> Reply:
    """Compile the scenario's template for ``lang`` and render it (``on_notice``: see make_environment)."""
    env = make_environment(roots, on_notice=on_notice)
    return render(load_template(env, scenario, lang), scenario, values, lang=lang)
