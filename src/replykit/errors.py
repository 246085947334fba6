"""replykit's exception tree and the exit codes the CLI turns them into."""

from __future__ import annotations

from collections.abc import Iterable

# Exit codes, documented in the README. Click's own usage errors also exit with 2.
OK = 0
ERROR = 1
USAGE = 2
NOT_FOUND = 3
MISSING_FIELDS = 4
INVALID_VALUE = 5
SCENARIO_INVALID = 6
SECURITY = 7
INPUT_OUTPUT = 8
CLIPBOARD = 9
UNSAFE_HEADER = 10
CONFIG_INVALID = 11
CHANNEL_RULES = 12
ROWS_REJECTED = 13
"""A batch ran to the end, and some orders were rejected (each reported; ``--rejects`` keeps them)."""
MESSAGE_INVALID = 14
"""The buyer's email given to ``reply`` or ``triage`` cannot be read: its form, encoding or a missing header."""
INTERRUPTED = 130
BROKEN_PIPE = 141


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return 'did you mean X or Y?' naming the closest candidates, or ''."""
    import difflib  # only when there is an error to report

    close = difflib.get_close_matches(word, list(candidates), n=3, cutoff=0.6)
    if not close:
        return ""
    return "did you mean " + " or ".join(close) + "?"


class ReplykitError(Exception):
    """Base of every error replykit reports to the user; carries its exit code."""

    exit_code = ERROR

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class UsageError(ReplykitError, ValueError):
    """The command line itself is wrong (an unknown option, a malformed --set)."""

    exit_code = USAGE


class ScenarioNotFound(ReplykitError, LookupError):
    """No scenario has the id asked for."""

    exit_code = NOT_FOUND


class MissingFields(ReplykitError, ValueError):
    """Required fields were given no value."""

    exit_code = MISSING_FIELDS

    def __init__(self, message: str, *, missing: tuple[str, ...], hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.missing = missing


class InvalidValue(ReplykitError, ValueError):
    """A field value fails its type or its choices."""

    exit_code = INVALID_VALUE


class FileProblem(ReplykitError, ValueError):
    """A file replykit reads is broken; the message starts with 'file:line: '."""

    def __init__(self, message: str, *, path: object = None, line: int | None = None, hint: str = "") -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line else f"{path}: "
        super().__init__(where + message, hint=hint)
        self.path = path
        self.line = line
        self.column: int | None = None


class ScenarioInvalid(FileProblem):
    """A scenario file or template is broken; the message names file and line."""

    exit_code = SCENARIO_INVALID


class SecurityViolation(ReplykitError, PermissionError):
    """A template tried to reach Python internals, or was stopped by a limit on size, digits or CPU time."""

    exit_code = SECURITY


class InputOutputError(ReplykitError, OSError):
    """A file could not be read or written (or would be overwritten)."""

    exit_code = INPUT_OUTPUT


class ExportInvalid(FileProblem):
    """An order export cannot be read as a whole: its encoding, its form, or a row past a limit."""

    exit_code = INVALID_VALUE


class MessageInvalid(FileProblem):
    """The buyer's email cannot be read: not a message, a header it needs is missing or broken, or too big."""

    exit_code = MESSAGE_INVALID


class ConfigInvalid(FileProblem):
    """The config file is broken; the message names file and line."""

    exit_code = CONFIG_INVALID


class OutputExists(InputOutputError, FileExistsError):
    """--output names a file that exists, and --force was not given."""


class ClipboardUnavailable(ReplykitError, OSError):
    """No clipboard tool worked and there is no terminal for OSC 52."""

    exit_code = CLIPBOARD


class UnsafeHeader(ReplykitError, ValueError):
    """A value bound for a mail header holds a line break, a control character or an encoded word."""

    exit_code = UNSAFE_HEADER


class InvalidAddress(InvalidValue):
    """An email address given as an option is not a plain addr-spec such as buyer@example.com."""


class Interrupted(ReplykitError):
    """The user stopped replykit: Ctrl-C, or end of input at a prompt."""

    exit_code = INTERRUPTED


class ChannelRulesBroken(ReplykitError):
    """A reply breaks an error-level rule of the channel it is going to; it is not printed."""

    exit_code = CHANNEL_RULES
