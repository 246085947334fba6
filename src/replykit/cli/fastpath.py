"""The common case of ``render`` without loading Typer, Click or Rich.

A reply is one process start, so start-up is the cost of a reply, and Typer alone costs
more to import than the rest of a render. This module handles only argv it fully
understands on the happy path: a well-formed ``render`` whose reply goes to stdout with
nothing to say on stderr. Anything else — help, completion, an unknown option, an error,
a warning, a prompt, other output routes — returns None and the full CLI runs instead, so
every message and exit code still comes from one place (tests check both paths agree).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# render's own options that this path understands; every other option is a scenario field.
VALUE_OPTIONS = frozenset({"--set", "--data", "--lang", "--templates-dir", "--profile"})
FLAG_OPTIONS = frozenset({"--no-input"})
# render's output routes (files, clipboard, email), which only the full CLI handles.
OTHER_OPTIONS = frozenset(
    {"--format", "--copy", "--quiet", "--output", "--force", "--to", "--from", "--cc", "--reply-to", "--in-reply-to"}
)
_HELP = frozenset({"-h", "--help"})


def parse(args: list[str]) -> tuple[str, dict[str, list[str]], dict[str, str]] | None:
    """Split render's argv into (scenario id, generic options, field options), or None."""
    scenario_id: str | None = None
    generic: dict[str, list[str]] = {}
    fields: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--") or arg == "--":
            if arg.startswith("-") or scenario_id is not None:
                return None
            scenario_id = arg
            i += 1
            continue
        if arg in _HELP:
            return None
        name, eq, value = arg.partition("=")
        if name in OTHER_OPTIONS:
            return None
        if name in FLAG_OPTIONS:
            if eq:
                return None
            generic.setdefault(name, []).append("")
            i += 1
            continue
        if not eq:
            if i + 1 >= len(args):
                return None
            value = args[i + 1]
            i += 1
        i += 1
        if name in VALUE_OPTIONS:
            generic.setdefault(name, []).append(value)
        elif name.startswith("--") and len(name) > 2:
            fields[name] = value
        else:  # pragma: no cover - defensive
            return None
    if scenario_id is None or "-" in generic.get("--data", []):
        return None  # stdin can be read only once; the full CLI owns it
    return scenario_id, generic, fields


def main(argv: list[str]) -> int | None:
    """Render and print the reply, returning the exit code; None when the full CLI must run."""
    if not argv or argv[0] != "render" or "_REPLYKIT_COMPLETE" in os.environ:
        return None
    parsed = parse(argv[1:])
    if parsed is None:
        return None
    scenario_id, generic, options = parsed
    data = generic.get("--data", [None])[-1]

    from replykit import errors
    from replykit.config import active_profile
    from replykit.errors import ReplykitError
    from replykit.packs.fields import parse_assignments, read_data, resolve_values, unused_keys
    from replykit.packs.languages import choose_language
    from replykit.packs.library import Library, search_path
    from replykit.rendering.templates import render_scenario

    try:
        dirs = tuple(Path(d) for d in generic.get("--templates-dir", []))
        library = Library(search_path(templates_dirs=dirs))
        scenario = library.find(scenario_id)
        by_option = {f.option: f.name for f in scenario.fields}
        if any(option not in by_option for option in options):
            return None
        values = {by_option[option]: value for option, value in options.items()}
        values.update(parse_assignments(generic.get("--set", []), scenario.fields))
        file_values = read_data(data, stdin=sys.stdin) if data else {}
        seller = active_profile(option=generic.get("--profile", [None])[-1])
        choice = choose_language(scenario, generic.get("--lang", [None])[-1] or seller.lang)
        coloured = sys.stderr.isatty() or os.environ.get("FORCE_COLOR")
        if (choice.notice and coloured) or unused_keys(scenario.fields, file_values):
            return None  # the full CLI prints these, in colour on a terminal
        resolved = resolve_values(scenario.fields, cli=values, data=file_values, profile=seller.field_values)
        reply = render_scenario(scenario, resolved, lang=choice.language, roots=library.roots)
    except ReplykitError:
        return None
    if choice.notice:  # as the full CLI's warning prints it without colour
        sys.stderr.write(f"warning: {choice.notice}\n")
        sys.stderr.flush()
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(reply.body.encode("utf-8", "surrogateescape"))
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return errors.BROKEN_PIPE
    return errors.OK


def run() -> None:
    """Console-script entry point: the fast path first, then the full CLI."""
    code = main(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from replykit.cli.app import main as cli_main

    cli_main()
