"""The common case of ``render`` without loading Typer, Click or Rich.

A reply is one process start, so start-up is the cost of a reply, and Typer alone costs
more to import than the rest of a render. This module takes a ``render`` line that it
fully understands — every word is the scenario id, one of the options the table in
``replykit.options`` marks as fast, or an option of the scenario's fields — and does the
whole job through the same pipeline and the same console edge as the full command line,
notices and errors included. Anything else (help, completion, an option that is not the
scenario's, output routes other than stdout) returns None before any work is done, and
the full command line runs instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from replykit.options import RENDER, Scan, scan

FAST = frozenset(option.name for option in RENDER if option.fast)


def parse(args: list[str]) -> Scan | None:
    """The scan of render's arguments when the fast path can take them, else None."""
    found = scan(args)
    if not found.plain or found.scenario_id is None or any(name not in FAST for name in found.own):
        return None
    if "-" in found.own.get("--data", []):
        return None  # stdin is read once; prompting and data from stdin stay with the full command line
    return found


def main(argv: list[str]) -> int | None:
    """Render and print the reply, returning the exit code; None when the full command line must run."""
    if not argv or argv[0] != "render" or "_REPLYKIT_COMPLETE" in os.environ:
        return None
    found = parse(argv[1:])
    if found is None or found.scenario_id is None:
        return None

    from replykit import errors
    from replykit.cli import console
    from replykit.errors import ReplykitError
    from replykit.pipeline import Composer, RenderRequest, library_for, render_request

    try:
        composer = Composer(library_for([Path(d) for d in found.own.get("--templates-dir", [])]))
        scenario = composer.scenario(found.scenario_id)
        by_option = {f.option: f.name for f in scenario.fields}
        if any(option not in by_option for option in found.fields):
            return None  # Click names the unknown option and the closest ones
        request = RenderRequest(
            found.scenario_id,
            fields={by_option[option]: value for option, value in found.fields.items()},
            assignments=tuple(found.own.get("--set", [])),
            data=found.last("--data"),
            lang=found.last("--lang"),
            profile=found.last("--profile"),
            channel=found.last("--channel"),
            allow=tuple(found.own.get("--allow", [])),
        )
        ask = console.prompt_field if console.interactive(no_input="--no-input" in found.own) else None
        rendered = render_request(request, composer=composer, ask=ask, on_notice=console.warn)
        console.write_stdout(rendered.payload)
    except ReplykitError as exc:
        console.error(exc)
        return exc.exit_code
    except console.BrokenPipe:
        console.silence_stdout()
        return errors.BROKEN_PIPE
    except KeyboardInterrupt:
        console.error(errors.Interrupted("aborted"))
        return errors.INTERRUPTED
    return errors.OK


def run() -> None:
    """Console-script entry point: the fast path first, then the full command line."""
    code = main(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from replykit.cli.app import main as cli_main

    cli_main()
