"""The console edge: the product on stdout as bytes, and every message for a human on stderr.

Used by the fast path and the full command line alike, so an error, a warning or a note
reads the same whichever path printed it. Imports neither Typer nor Rich: colour is a few
ANSI codes, used only when stderr is a terminal and ``NO_COLOR`` is unset (no-color.org).
"""

from __future__ import annotations

import errno
import os
import sys
from typing import TYPE_CHECKING, TextIO

from replykit.errors import INPUT_OUTPUT, ReplykitError
from replykit.packs.characters import inert as inert  # the console shows text through it

if TYPE_CHECKING:
    from replykit.packs.fields import Field

_STYLES = {"error": "1;31", "warning": "1;33", "hint": "1", "note": "1"}


class BrokenPipe(Exception):
    """stdout's reader went away (``| head -1``): stop quietly with BROKEN_PIPE."""


class StdoutClosed(ReplykitError, OSError):
    """There is no stdout to write the product to (the command was run with ``>&-``)."""

    exit_code = INPUT_OUTPUT


def _closed() -> StdoutClosed:
    return StdoutClosed(
        "cannot print the reply: stdout is closed",
        hint="run without '>&-', or write to a file with --output FILE",
    )


def write_stdout(data: bytes | str) -> None:
    """Write the product to stdout as bytes (text as UTF-8), untouched by the locale or any markup.

    Raises BrokenPipe when the reader has gone, StdoutClosed when there is no stdout at all.
    """
    payload = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    stream = sys.stdout
    if stream is None:  # the interpreter found file descriptor 1 closed at start-up
        raise _closed()
    try:
        stream.flush()
        stream.buffer.write(payload)
        stream.flush()
    except BrokenPipeError:
        raise BrokenPipe from None
    except (OSError, ValueError) as exc:
        if isinstance(exc, ValueError) or exc.errno == errno.EBADF:
            raise _closed() from None
        raise StdoutClosed(f"cannot print the reply: {exc.strerror or exc}") from None


def silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot complain about a closed pipe."""
    try:
        fd = sys.stdout.fileno() if sys.stdout is not None else None
    except (OSError, ValueError):
        fd = None
    if fd is not None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)


def _coloured(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def say(label: str, message: str) -> None:
    """Print ``label: message`` on stderr, made inert, the label in colour on a terminal. A closed stderr is ignored."""
    stream = sys.stderr
    if stream is None:
        return
    head = f"\x1b[{_STYLES[label]}m{label}:\x1b[0m" if label in _STYLES and _coloured(stream) else f"{label}:"
    try:
        stream.write(f"{head} {inert(message)}\n")
        stream.flush()
    except (OSError, ValueError):
        pass


def error(exc: ReplykitError) -> None:
    """Print one of replykit's errors: its message, then its hint on a ``hint:`` line."""
    say("error", exc.message)
    if exc.hint:
        say("hint", exc.hint)


def warn(message: str) -> None:
    """Print a warning on stderr."""
    say("warning", message)


def note(message: str) -> None:
    """Print a note (what replykit did, such as 'wrote reply.txt') on stderr."""
    say("note", message)


def ask(prompt: str) -> str | None:
    """Ask on stderr and read one line from stdin; None at end of input.

    Not Click's prompt: it writes a space to stdout, which carries only the reply.
    """
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    return line.rstrip("\r\n") if line else None


def interactive(*, no_input: bool = False) -> bool:
    """True when replykit may prompt: stdin is a terminal and --no-input was not given."""
    return not no_input and sys.stdin is not None and sys.stdin.isatty()


def prompt_field(field: Field, problem: str | None) -> str | None:
    """Ask for a required field's value on stderr (after saying what was wrong with the last answer)."""
    if problem:
        say("error", problem)
    return ask(inert(f"{field.name} ({field.help}): " if field.help else f"{field.name}: "))
