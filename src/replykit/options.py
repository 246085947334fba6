"""The ``render`` command's own options, in one table.

Every other ``--option`` on a render command line is a scenario field. The table feeds the
fast path (which options it understands), the field names a scenario may not use (a field
named like an option could never be set), and the scanner that finds the scenario id
before Click parses the line. A test checks the table against the Typer command itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class Option(NamedTuple):
    """One of a command's own options: its spellings, whether it takes a value, and who handles it."""

    flags: tuple[str, ...]
    """Every spelling, the long one first: ``("--output", "-o")``."""
    takes_value: bool
    fast: bool = False
    """True when the fast path handles it (a plain reply to stdout); else only the full command line does."""

    @property
    def name(self) -> str:
        """The long spelling, such as ``--output``."""
        return self.flags[0]

    @property
    def field_name(self) -> str:
        """The field name this option takes away from scenarios: ``--in-reply-to`` -> ``in_reply_to``."""
        return self.name[2:].replace("-", "_")


RENDER: tuple[Option, ...] = (
    Option(("--set",), takes_value=True, fast=True),
    Option(("--data",), takes_value=True, fast=True),
    Option(("--lang",), takes_value=True, fast=True),
    Option(("--templates-dir",), takes_value=True, fast=True),
    Option(("--profile",), takes_value=True, fast=True),
    Option(("--no-input",), takes_value=False, fast=True),
    Option(("--channel",), takes_value=True, fast=True),
    Option(("--allow",), takes_value=True, fast=True),
    Option(("--format",), takes_value=True),
    Option(("--copy",), takes_value=False),
    Option(("--quiet", "-q"), takes_value=False),
    Option(("--output", "-o"), takes_value=True),
    Option(("--force",), takes_value=False),
    Option(("--to",), takes_value=True),
    Option(("--from",), takes_value=True),
    Option(("--cc",), takes_value=True),
    Option(("--reply-to",), takes_value=True),
    Option(("--in-reply-to",), takes_value=True),
    Option(("--references",), takes_value=True),
    Option(("--unsent",), takes_value=False),
    Option(("--no-unsent",), takes_value=False),
    Option(("--help", "-h"), takes_value=False),
)

REPLY: tuple[Option, ...] = (*RENDER, Option(("--message",), takes_value=True))
"""The ``reply`` command's own options: render's, and the buyer's message."""

BATCH: tuple[Option, ...] = (
    Option(("--set",), takes_value=True),
    Option(("--preset",), takes_value=True),
    Option(("--map",), takes_value=True),
    Option(("--where",), takes_value=True),
    Option(("--lang",), takes_value=True),
    Option(("--lang-column",), takes_value=True),
    Option(("--templates-dir",), takes_value=True),
    Option(("--profile",), takes_value=True),
    Option(("--channel",), takes_value=True),
    Option(("--allow",), takes_value=True),
    Option(("--format",), takes_value=True),
    Option(("--from",), takes_value=True),
    Option(("--output", "-o"), takes_value=True),
    Option(("--rejects",), takes_value=True),
    Option(("--force",), takes_value=False),
    Option(("--help", "-h"), takes_value=False),
)
"""The ``batch`` command's own options: the scan finds its scenario id with them, as for render."""

# Not options (yet), but words an email header or a future option would need.
_ALSO_RESERVED = frozenset({"bcc", "subject"})

RESERVED_FIELD_NAMES = frozenset(option.field_name for option in REPLY) | _ALSO_RESERVED
"""Field names a scenario may not declare: each is taken by one of render's own options."""


class Scan(NamedTuple):
    """A render command line split by the table: the scenario id, the command's own options, the field options."""

    scenario_id: str | None
    own: dict[str, list[str]]
    """Long option name -> every value given, in order ('' for a flag)."""
    fields: dict[str, str]
    """Field option as typed (``--order-id``) -> its value; a repeated option keeps the last, as Click does."""
    plain: bool
    """False when the line holds something only Click reads correctly: short flags, ``--``, a flag given a value."""

    def last(self, name: str) -> str | None:
        """The last value of one of the command's own options, or None."""
        values = self.own.get(name)
        return values[-1] if values else None


def scan(args: Sequence[str], options: Sequence[Option] = RENDER) -> Scan:
    """Split the words after ``render`` into the scenario id, own options and field options.

    Every ``--word`` the table does not name is read as a field option that takes a value,
    as render's dynamic options all do. This is not a validator: Click checks the line
    afterwards (unknown options, missing values); the scan only has to find what is needed
    before the field options exist, and to tell the fast path whether the line is plain.
    """
    by_flag = {flag: option for option in options for flag in option.flags}
    scenario_id: str | None = None
    own: dict[str, list[str]] = {}
    fields: dict[str, str] = {}
    plain = True
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            plain = False
            if scenario_id is None and i < len(args):
                scenario_id = args[i]
            break
        if not arg.startswith("-") or arg == "-":
            if scenario_id is not None:
                plain = False  # a second positional word: Click reports it
            else:
                scenario_id = arg
            continue
        flag, eq, value = arg.partition("=")
        option = by_flag.get(flag)
        if option is None and not flag.startswith("--"):
            plain = False  # a short option the table does not know, or several short flags in one word
            continue
        takes_value = option.takes_value if option is not None else True
        if takes_value and not eq:
            if i >= len(args):
                plain = False
                break
            value = args[i]
            i += 1
        elif not takes_value and eq:
            plain = False
        if option is None:
            fields[flag] = value
        else:
            plain = plain and option.flags[0] == flag
            own.setdefault(option.name, []).append(value if takes_value else "")
    return Scan(scenario_id, own, fields, plain)
