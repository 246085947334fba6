"""Hostile input: packs, values, data and config files, and output paths chosen by someone else.

A pack is untrusted input (it comes from git, a colleague or a forum), and so is every
value a buyer typed and every file an export tool wrote. Whatever they hold, each run of
the installed ``replykit``:

- ends, within about RENDER_CPU_SECONDS of CPU and in bounded memory, with one of
  replykit's errors and its documented exit code (or the correct output);
- prints no Python traceback;
- writes no terminal control sequence (ESC, the C1 CSI U+009B or a raw 0x9b byte) and no
  right-to-left override U+202E, on stdout or stderr;
- reads nothing outside the pack, so the secret written beside it never shows;
- replaces nothing that is not a regular file, and loses no concurrent config change.

Each case is one row of a table below (one table per kind, gathered in KINDS), id
``kind-case``; it builds what it needs in its own folder (the pack, a data file, a config,
symlinks, FIFOs...) and runs replykit as a subprocess through a small launcher that sets
memory and CPU rlimits and reports the run's CPU time and peak memory, with a wall-clock
timeout. The cases run a few at a time in threads (each is a separate process), and each row
is then checked as its own test. POSIX only, as replykit's users on Windows have no FIFOs.
"""

from __future__ import annotations

import json
import os
import pwd
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conftest import REPLYKIT
from replykit import errors
from replykit.limits import RENDER_CPU_SECONDS

SECRET = "TOP-SECRET-7f3a9c: the password is hunter2"
WALL_SECONDS = 20
MEMORY_LIMIT = 1 << 30  # RLIMIT_AS: a backstop; the peak resident size is checked below
PEAK_MEMORY = 256 * 1024 * 1024
CPU_SECONDS = RENDER_CPU_SECONDS + 1.0  # the render budget, plus start-up and reading the files
CPU_BACKSTOP = 15  # RLIMIT_CPU: a run that ignores every limit is killed, and fails its case
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

SCENARIO = """\
title: Hostile
summary: A scenario for hostile input.
fields:
  name:
    help: The buyer's name
    default: Ana
  order_id:
    help: The order number
    default: ""
  amount:
    type: decimal
    default: ""
  currency:
    type: currency
    default: ""
  items:
    type: list
    default: ""
  when:
    type: date
    default: ""
"""

TEMPLATE = """\
Subject: Order{% if order_id %} {{ order_id }}{% endif %} for {{ name }}

Dear {{ name }},
{% if order_id %}Order: {{ order_id }}.{% endif %}

{% if items %}Items: {{ items|and_list }}.{% endif %}

{% if amount %}Amount: {{ amount }}.{% endif %}

Bye
"""

ESC = "\x1b"
PAYLOADS = {
    "csi": ESC + "[2J",
    "osc0": ESC + "]0;pwned" + "\x07",
    "osc52": ESC + "]52;c;cHduZWQ=" + "\x07",
    "c1": "\x9b2J",
    "bidi": "\u202e",
}
CODES = {"csi": "U+001B", "osc0": "U+001B", "osc52": "U+001B", "c1": "U+009B", "bidi": "U+202E"}
# The same characters as YAML double-quoted escapes.
YAML_ESCAPES = {
    "csi": "\\e[2J",
    "osc0": "\\e]0;pwned\\a",
    "osc52": "\\e]52;c;cHduZWQ=\\a",
    "c1": "\\x9b2J",
    "bidi": "\\u202e",
}
# ...and as Jinja2 string-literal escapes, which the template's lexer turns into the characters.
JINJA_ESCAPES = {"csi": "\\x1b[2J", "osc0": "\\x1b]0;pwned\\x07", "osc52": "\\x1b]52;c;cHduZWQ=\\x07", "c1": "\\x9b2J", "bidi": "\\u202e"}  # fmt: skip


@dataclass
class Ctx:
    """One case's folder: the pack, the secret beside it, the user folders replykit is given."""

    root: Path
    pack: Path
    outside: Path
    secret: Path
    home: Path
    cache: Path
    config: Path
    data: Path

    def sub(self, text: str) -> str:
        return (
            text.replace("{pack}", str(self.pack))
            .replace("{outside}", str(self.outside))
            .replace("{secret}", str(self.secret))
            .replace("{tmp}", str(self.root))
            .replace("{cache}", str(self.cache))
            .replace("{config}", str(self.config))
            .replace("{data}", str(self.data))
        )


@dataclass
class Result:
    """What one run did: exit code, output, CPU seconds, peak resident bytes."""

    code: int
    stdout: bytes
    stderr: bytes
    cpu: float
    peak: int
    timed_out: bool
    wall: float = 0.0


Prepare = Callable[[Ctx], None]
Check = Callable[[Ctx, Result], None]


@dataclass(frozen=True)
class Case:
    """One hostile input: what to build, what to run, and what must come of it."""

    args: tuple[str, ...]
    code: int
    message: tuple[str, ...] = ()
    """Substrings of stderr (after the run's placeholders are filled in)."""
    files: Mapping[str, str | bytes] = field(default_factory=dict)
    """Files of the pack beside the base scenario ``s`` (its scenario.yaml and en.j2), or replacing them."""
    links: Mapping[str, str] = field(default_factory=dict)
    """Symlinks in the pack: path -> target ('{outside}', '{secret}' and '{pack}' are filled in)."""
    prepare: Prepare | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    stdout: tuple[str, ...] = ()
    """Substrings of stdout."""
    stdin: str = os.devnull
    close_stdin: bool = False
    close_stdout: bool = False
    close_stderr: bool = False
    check: Check | None = None
    background: tuple[tuple[str, ...], ...] = ()
    """Other replykit command lines started at the same moment (for lost writes)."""


def R(*args: str) -> tuple[str, ...]:
    """``render s`` from the case's pack, with more arguments."""
    return ("render", "s", "--templates-dir", "{pack}", *args)


def T(body: str, subject: str = "x") -> str:
    """A template: the subject on line 1, a blank line, the body from line 3."""
    return f"Subject: {subject}\n\n{body}\n"


def body(text: str, *args: str, **kw: Any) -> dict[str, Any]:
    """Case keywords for a template whose line 3 is ``text``, rendered with ``args``."""
    return {"args": R(*args), "files": {"s/en.j2": T(text), **kw.pop("files", {})}, **kw}


def yaml_with(lines: Mapping[str, str]) -> str:
    """The base scenario.yaml with lines replaced: {the start of a line: what replaces the whole line}."""
    out = SCENARIO.splitlines()
    for start, new in lines.items():
        out[next(i for i, line in enumerate(out) if line.startswith(start))] = new
    return "\n".join(out) + "\n"


def write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    path.write_bytes(data)


# Things to build ------------------------------------------------------------------------


def fifo(relative: str) -> Prepare:
    def make(ctx: Ctx) -> None:
        path = Path(ctx.sub(relative))
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() or path.is_symlink():
            path.unlink()
        os.mkfifo(path)

    return make


def unix_socket(relative: str) -> Prepare:
    def make(ctx: Ctx) -> None:
        path = Path(ctx.sub(relative))
        sock = socket.socket(socket.AF_UNIX)
        cwd = os.getcwd()
        try:
            os.chdir(path.parent)  # AF_UNIX paths are short: bind by the bare name
            sock.bind(path.name)
        finally:
            os.chdir(cwd)
            sock.close()

    return make


def file_of(relative: str, data: str | bytes) -> Prepare:
    return lambda ctx: write(Path(ctx.sub(relative)), data)


def big_file(relative: str, head: bytes, size: int) -> Prepare:
    """A file of ``size`` bytes starting with ``head`` (sparse: the rest reads as NULs, and takes no disk)."""

    def make(ctx: Ctx) -> None:
        path = Path(ctx.sub(relative))
        write(path, head)
        os.truncate(path, size)

    return make


def symlink(relative: str, target: str) -> Prepare:
    def make(ctx: Ctx) -> None:
        path = Path(ctx.sub(relative))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(ctx.sub(target))

    return make


def both(*steps: Prepare) -> Prepare:
    def make(ctx: Ctx) -> None:
        for step in steps:
            step(ctx)

    return make


def nobody() -> tuple[int, int]:
    entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid


def cache_folder(*, owner: str = "me", mode: int = 0o700, root_mode: int = 0o700) -> Prepare:
    """The template cache, as another user or a careless umask left it."""

    def make(ctx: Ctx) -> None:
        root = ctx.cache / "replykit"
        folder = root / "templates"
        folder.mkdir(parents=True)
        os.chmod(root, root_mode)
        os.chmod(folder, mode)
        if owner == "nobody":
            os.chown(folder, *nobody())

    return make


def cache_symlink_to_foreign_folder(ctx: Ctx) -> None:
    foreign = ctx.root / "foreign-cache"
    foreign.mkdir()
    os.chown(foreign, *nobody())
    (ctx.cache / "replykit").mkdir(parents=True, mode=0o700)
    (ctx.cache / "replykit" / "templates").symlink_to(foreign)


def hard_link_outside(ctx: Ctx) -> None:
    """en.j2 is a hard link to a file outside the pack (hard links cannot be told from the original)."""
    original = ctx.outside / "linked.j2"
    write(original, T("Dear {{ name }}, this reply is HARD-LINKED."))
    target = ctx.pack / "s" / "en.j2"
    target.unlink()
    os.link(original, target)


def user_library_escape(ctx: Ctx) -> None:
    """The user's own scenario folder holds a scenario whose template leads outside it."""
    folder = ctx.data / "replykit" / "scenarios" / "mine"
    write(folder / "scenario.yaml", SCENARIO)
    (folder / "en.j2").symlink_to(ctx.secret)


# Checks after the run ----------------------------------------------------------------------


def still(relative: str, test: Callable[[int], bool], what: str) -> Check:
    def check(ctx: Ctx, result: Result) -> None:
        mode = os.lstat(ctx.sub(relative)).st_mode
        assert test(mode), f"{relative} is no longer {what}"

    return check


def cache_left_empty(ctx: Ctx, result: Result) -> None:
    folder = ctx.cache / "replykit" / "templates"
    assert not any(os.scandir(folder)), "replykit wrote compiled templates into a cache it must not use"
    warnings = result.stderr.decode().count("warning: not using the template cache")
    assert warnings == 1, f"expected one warning about the template cache, got {warnings}"


def config_profiles(count: int) -> Check:
    def check(ctx: Ctx, result: Result) -> None:
        text = (ctx.config / "replykit" / "config.yaml").read_text()
        for n in range(count):
            assert f"p{n}:\n    seller_name: '{n}'" in text or f'p{n}:\n    seller_name: "{n}"' in text, (
                f"profile p{n} was lost:\n{text}"
            )

    return check


SEVEN_KEYS = {
    "seller_name": "Sam",
    "store_name": "Harbour",
    "support_email": "help@example.com",
    "from": "shop@example.com",
    "lang": "de",
    "currency": "EUR",
    "timezone": "Europe/Paris",
}


def config_keys_all_set(ctx: Ctx, result: Result) -> None:
    text = (ctx.config / "replykit" / "config.yaml").read_text()
    for key, value in SEVEN_KEYS.items():
        assert f"{key}: {value}" in text, f"{key} was lost:\n{text}"


def written_through_symlink(ctx: Ctx, result: Result) -> None:
    link = ctx.config / "replykit" / "config.yaml"
    assert link.is_symlink(), "the config symlink (a dotfiles checkout, say) was replaced by a file"
    assert "seller_name: Sam" in (ctx.root / "dotfiles" / "config.yaml").read_text()


def linked_config(ctx: Ctx) -> None:
    write(ctx.root / "dotfiles" / "config.yaml", "profiles:\n  default:\n    store_name: Harbour\n")
    (ctx.config / "replykit").mkdir(parents=True)
    (ctx.config / "replykit" / "config.yaml").symlink_to(ctx.root / "dotfiles" / "config.yaml")


# The cases ---------------------------------------------------------------------------------

INCLUDE_SECRET = {"_partials/p.j2": "{secret}"}
OUTSIDE_HINT = "leads outside its pack"
REFUSED_NAME = "is refused"

# fmt: off
CONFINEMENT: dict[str, Case] = {
    "include-symlink": Case(**body('{% include "_partials/p.j2" %}', links=INCLUDE_SECRET), code=errors.SCENARIO_INVALID, message=("_partials/p.j2", OUTSIDE_HINT)),
    "extends-symlink": Case(**body('{% extends "_partials/p.j2" %}', links=INCLUDE_SECRET), code=errors.SCENARIO_INVALID, message=(OUTSIDE_HINT,)),
    "import-symlink": Case(**body('{% import "_partials/p.j2" as m %}{{ m.x }}', links=INCLUDE_SECRET), code=errors.SCENARIO_INVALID, message=(OUTSIDE_HINT,)),
    "from-import-symlink": Case(**body('{% from "_partials/p.j2" import x %}', links=INCLUDE_SECRET), code=errors.SCENARIO_INVALID, message=(OUTSIDE_HINT,)),
    "symlinked-folder": Case(**body('{% include "_shared/secret.j2" %}', links={"_shared": "{outside}"}), code=errors.SCENARIO_INVALID, message=(OUTSIDE_HINT,)),
    "template-symlink": Case(R(), links={"s/en.j2": "{outside}/s/en.j2"}, code=errors.SCENARIO_INVALID, message=("en.j2", OUTSIDE_HINT)),
    "other-language-symlink": Case(R(), links={"s/de.j2": "{secret}"}, code=errors.SCENARIO_INVALID, message=("de.j2", OUTSIDE_HINT)),
    "scenario-folder-symlink": Case(R(), links={"s": "{outside}/s"}, code=errors.SCENARIO_INVALID, message=(OUTSIDE_HINT,)),
    "scenario-yaml-symlink": Case(R(), links={"s/scenario.yaml": "{outside}/s/scenario.yaml"}, code=errors.SCENARIO_INVALID, message=("scenario.yaml", OUTSIDE_HINT)),
    "fields-yaml-symlink": Case(R(), links={"_fields.yaml": "{secret}"}, code=errors.SCENARIO_INVALID, message=("_fields.yaml", OUTSIDE_HINT)),
    "include-name-from-value": Case(**body("{% include name %}", "--name", "../outside/secret.j2"), code=errors.SCENARIO_INVALID, message=(REFUSED_NAME,)),
    "include-name-from-value-absolute": Case(**body("{% include name %}", "--name", "{secret}"), code=errors.SCENARIO_INVALID, message=(REFUSED_NAME,)),
    "include-name-from-value-symlink": Case(**body("{% include name %}", "--name", "_partials/p.j2", links=INCLUDE_SECRET), code=errors.SCENARIO_INVALID, message=(OUTSIDE_HINT,)),
    "include-name-from-data": Case(**body("{% include name %}", "--data", "{tmp}/d.json", prepare=file_of("{tmp}/d.json", '{"name": "../../outside/secret.j2"}')), code=errors.SCENARIO_INVALID, message=(REFUSED_NAME,)),
    "include-list-of-names": Case(**body('{% include ["nope.j2", "../outside/secret.j2"] %}'), code=errors.SCENARIO_INVALID, message=(REFUSED_NAME,)),
    "include-absolute": Case(**body('{% include "{secret}" %}'), code=errors.SCENARIO_INVALID, message=(REFUSED_NAME,)),
    "include-backslash": Case(**body('{% include "..\\\\outside\\\\secret.j2" %}'), code=errors.SCENARIO_INVALID, message=(REFUSED_NAME,)),
    "include-dot-dot-inside": Case(**body('{% include "_partials/../../outside/secret.j2" %}'), code=errors.SCENARIO_INVALID, message=(REFUSED_NAME,)),
    "include-nul": Case(**body('{% include "_partials/p.j2\\x00x" %}'), code=errors.SCENARIO_INVALID, message=(REFUSED_NAME,)),
    "include-folder": Case(**body('{% include "_partials" %}', files={"_partials/x.j2": "x"}), code=errors.SCENARIO_INVALID, message=("is a folder",)),
    "symlink-loop": Case(**body('{% include "_partials/a.j2" %}', links={"_partials/a.j2": "b.j2", "_partials/b.j2": "a.j2"}), code=errors.SCENARIO_INVALID, message=("_partials/a.j2",)),
    "render-dot-dot": Case(("render", "..", "--templates-dir", "{pack}"), code=errors.USAGE, message=("'..' is not a valid scenario id",)),
    "render-path-id": Case(("render", "../outside/s", "--templates-dir", "{pack}"), code=errors.USAGE, message=("is not a valid scenario id",)),
    "show-dot-dot": Case(("show", "..", "--templates-dir", "{pack}"), code=errors.USAGE, message=("is not a valid scenario id",)),
    "show-dot": Case(("show", ".", "--templates-dir", "{pack}"), code=errors.USAGE, message=("is not a valid scenario id",)),
    "show-scenario-folder-symlink": Case(("show", "s", "--templates-dir", "{pack}"), links={"s": "{outside}/s"}, code=errors.SCENARIO_INVALID, message=(OUTSIDE_HINT,)),
    "list-scenario-folder-symlink": Case(("list", "--templates-dir", "{pack}"), links={"s": "{outside}/s"}, code=errors.SCENARIO_INVALID, message=(OUTSIDE_HINT,), stdout=("missing-items",)),
    "new-from-escaping-scenario": Case(("new", "copy", "--from", "s"), links={"s/en.j2": "{secret}"}, env={"REPLYKIT_PATH": "{pack}"}, code=errors.SCENARIO_INVALID, message=(OUTSIDE_HINT,)),
    "replykit-path-pack": Case(("render", "s"), links={"s/en.j2": "{secret}"}, env={"REPLYKIT_PATH": "{pack}"}, code=errors.SCENARIO_INVALID, message=(OUTSIDE_HINT,)),
    "user-library-escape": Case(("render", "mine"), prepare=user_library_escape, code=errors.SCENARIO_INVALID, message=(OUTSIDE_HINT,)),
    "templates-dir-is-a-symlink": Case(("render", "s", "--templates-dir", "{tmp}/link-to-pack"), prepare=symlink("{tmp}/link-to-pack", "{pack}"), code=errors.OK, stdout=("Dear Ana,",)),
    "symlink-inside-the-pack": Case(**body('{% include "_partials/sig.j2" %}', links={"_partials/sig.j2": "../s/sig.txt"}, files={"s/sig.txt": "Signed inside"}), code=errors.OK, stdout=("Signed inside",)),
    # Decision: a hard link is the same file under a second name; nothing tells the "outside" name
    # from the inside one, git never makes them, and fs.protected_hardlinks stops linking files one
    # cannot read. It is read like any other file of the pack.
    "hard-link-is-read": Case(R(), prepare=hard_link_outside, code=errors.OK, stdout=("HARD-LINKED",)),
}

CACHE: dict[str, Case] = {
    "owned-by-another-user": Case(R(), prepare=cache_folder(owner="nobody"), code=errors.OK, message=("belongs to another user",), stdout=("Dear Ana,",), check=cache_left_empty),
    "group-writable": Case(R(), prepare=cache_folder(mode=0o770), code=errors.OK, message=("other users can write to it",), stdout=("Dear Ana,",), check=cache_left_empty),
    "world-writable-parent": Case(R(), prepare=cache_folder(root_mode=0o777), code=errors.OK, message=("other users can write to it",), stdout=("Dear Ana,",), check=cache_left_empty),
    "symlink-to-foreign-folder": Case(R(), prepare=cache_symlink_to_foreign_folder, code=errors.OK, message=("belongs to another user",), stdout=("Dear Ana,",)),
    "warned-once-by-show": Case(("show", "s", "--templates-dir", "{pack}"), prepare=cache_folder(owner="nobody"), code=errors.OK, message=("belongs to another user",), check=cache_left_empty),
    "warned-once-full-command-line": Case(R("--format", "json"), prepare=cache_folder(owner="nobody"), code=errors.OK, message=("belongs to another user",), check=cache_left_empty),
}


def _terminal_cases() -> dict[str, Case]:
    cases: dict[str, Case] = {}
    six = errors.SCENARIO_INVALID
    for name, raw in PAYLOADS.items():
        code, y, j = CODES[name], YAML_ESCAPES[name], JINJA_ESCAPES[name]
        cases |= {
            f"title-{name}": Case(R(), files={"s/scenario.yaml": yaml_with({"title": f'title: "Evil {y}"'})}, code=six, message=("scenario.yaml:1:", code)),
            f"summary-{name}": Case(("show", "s", "--templates-dir", "{pack}"), files={"s/scenario.yaml": yaml_with({"summary": f'summary: "Evil {y}"'})}, code=six, message=("scenario.yaml:2:", code)),
            f"field-help-{name}": Case(R("--help"), files={"s/scenario.yaml": yaml_with({"    help: The buyer": f'    help: "The name {y}"'})}, code=six, message=("scenario.yaml:5:", code)),
            f"list-{name}": Case(("list", "--templates-dir", "{pack}"), files={"s/scenario.yaml": yaml_with({"title": f'title: "Evil {y}"'})}, code=six, message=("scenario.yaml:1:", code), stdout=("missing-items",)),
            f"template-body-{name}": Case(**body(f"Dear {{{{ name }}}}, {raw}"), code=six, message=("en.j2:3:", code)),
            f"template-built-{name}": Case(**body(f'Dear {{{{ name }}}}, {{{{ "{j}" }}}}'), code=errors.SECURITY, message=("en.j2:3:", code)),
            f"name-value-{name}": Case(R("--name", f"Ana{raw}"), code=errors.INVALID_VALUE, message=("name (--name)", code)),
            f"data-value-{name}": Case(R("--data", "{tmp}/d.json"), prepare=file_of("{tmp}/d.json", json.dumps({"order_id": f"4521{raw}"})), code=errors.INVALID_VALUE, message=("--data", code)),
        }
    return cases | {
        "title-newline": Case(("list", "--templates-dir", "{pack}"), files={"s/scenario.yaml": yaml_with({"title": 'title: "Evil\\nfake-id\\tFake title"'})}, code=six, message=("scenario.yaml:1:", "line break")),
        "title-tab": Case(("list", "--templates-dir", "{pack}"), files={"s/scenario.yaml": yaml_with({"title": 'title: "Evil\\tcolumn"'})}, code=six, message=("scenario.yaml:1:", "a tab")),
        "tags": Case(R(), files={"s/scenario.yaml": SCENARIO + 'tags: ["a\\e[2J"]\n'}, code=six, message=("scenario.yaml:22:", "U+001B")),
        "choices": Case(R(), files={"s/scenario.yaml": yaml_with({"    type: list": "    type: list\n    example: mug\n    choices: [mug, \"cap\\e]0;x\\a\"]"})}, code=six, message=("scenario.yaml:19:", "U+001B")),
        "default": Case(R(), files={"s/scenario.yaml": yaml_with({"    default: Ana": '    default: "Ana\\e[2J"'})}, code=six, message=("scenario.yaml:6:", "U+001B")),
        "example": Case(("show", "s", "--templates-dir", "{pack}"), files={"s/scenario.yaml": yaml_with({"    default: Ana": '    default: Ana\n    example: "Bob\\x9b2J"'})}, code=six, message=("scenario.yaml:7:", "U+009B")),
        "advice": Case(("show", "s", "--templates-dir", "{pack}"), files={"s/scenario.yaml": SCENARIO + 'advice:\n  check:\n    - "Look \\e]52;c;cHduZWQ=\\a"\n'}, code=six, message=("scenario.yaml:24:", "U+001B")),
        "raw-escape-in-yaml": Case(R(), files={"s/scenario.yaml": yaml_with({"title": "title: Evil " + ESC + "[2J"})}, code=six, message=("scenario.yaml",)),
        "yaml-key-in-error": Case(R(), files={"s/scenario.yaml": SCENARIO + '"\\e]0;pwned\\a": x\n'}, code=six, message=("scenario.yaml:22:",)),
        "file-name-in-error": Case(R(), files={f"s/{ESC}]0;pwned{chr(7)}.j2": T("x")}, code=six, message=("is not named by a language tag",)),
        "folder-name-in-list": Case(("list", "--templates-dir", "{pack}"), files={f"x{ESC}[2J/scenario.yaml": SCENARIO, f"x{ESC}[2J/en.j2": TEMPLATE}, code=six, message=("is not a scenario id",)),
        "subject-literal": Case(R(), files={"s/en.j2": f"Subject: Hi {ESC}]0;pwned\x07\n\nx\n"}, code=six, message=("en.j2:1:", "U+001B")),
        "partial-literal": Case(**body('{% include "_partials/p.j2" %}', files={"_partials/p.j2": "Bye" + PAYLOADS["csi"]}), code=six, message=("p.j2:1:", "U+001B")),
        "printf-char": Case(**body('{{ "%c[2J"|format(27) }}'), code=errors.SECURITY, message=("en.j2:3:", "U+001B")),
        "str-format-char": Case(**body("{{ '{:c}2J'.format(155) }}"), code=errors.SECURITY, message=("en.j2:3:", "U+009B")),
        "filter-block-char": Case(**body("{% filter format(27) %}%c[2J{% endfilter %}"), code=errors.SECURITY, message=("U+001B",)),
        "set-block-char": Case(**body('{% set x %}{{ "%c"|format(27) }}{% endset %}{{ x }}'), code=errors.SECURITY, message=("U+001B",)),
        "carriage-return-built": Case(**body('Fine{{ "\\r" }}Evil'), code=errors.SECURITY, message=("en.j2:3:", "U+000D")),
        "set-value-c1": Case(R("--set", "order_id=1\x9b2J"), code=errors.INVALID_VALUE, message=("order_id (--order-id)", "U+009B")),
        "invalid-utf8-value": Case(R("--name", os.fsdecode(b"Ana\x9b2J")), code=errors.INVALID_VALUE, message=("name (--name)",)),
        "list-item-value": Case(R("--items", "mug, cap" + PAYLOADS["osc52"]), code=errors.INVALID_VALUE, message=("items (--items)", "U+001B")),
        "data-list-item": Case(R("--data", "{tmp}/d.json"), prepare=file_of("{tmp}/d.json", json.dumps({"items": ["mug", "cap" + PAYLOADS["c1"]]})), code=errors.INVALID_VALUE, message=("U+009B",)),
        "data-key-in-notice": Case(R("--data", "{tmp}/d.json"), prepare=file_of("{tmp}/d.json", json.dumps({"x" + PAYLOADS["csi"]: "y"})), code=errors.INVALID_VALUE, message=("U+001B",)),
        "profile-value": Case(R(), prepare=file_of("{config}/replykit/config.yaml", 'profiles:\n  default:\n    store_name: "Shop\\e[2J"\n'), code=errors.CONFIG_INVALID, message=("config.yaml:3:", "U+001B")),
        "config-set-value": Case(("config", "set", "seller_name", "Sam" + PAYLOADS["osc0"]), code=errors.INVALID_VALUE, message=("U+001B",)),
        "lang-value": Case(R("--lang", "de" + PAYLOADS["csi"]), code=errors.USAGE, message=("--lang",)),
        "scenario-id": Case(("render", "s" + PAYLOADS["csi"], "--templates-dir", "{pack}"), code=errors.USAGE, message=("is not a valid scenario id",)),
        "profile-name": Case(R("--profile", "p" + PAYLOADS["osc0"]), code=errors.USAGE, message=("profile name",)),
        # Rich reads a field's help as markup: '[link=...]' becomes an OSC 8 hyperlink on a terminal.
        "rich-markup-in-field-help": Case(R("--help"), files={"s/scenario.yaml": yaml_with({"    help: The buyer": "    help: \"[link=https://evil.example]c[/link] [bold]b[/bold]\""})}, code=errors.OK, stdout=("[link=https://evil.example]c[/link]",)),
        "json-output-c1-in-pack-path": Case(("list", "--json", "--templates-dir", "{tmp}/pack\x9b2J"), prepare=symlink("{tmp}/pack\x9b2J", "{pack}"), code=errors.OK, stdout=('"id": "s"',)),
        "paths-json-c1": Case(("paths", "--json", "--templates-dir", "{tmp}/pack\x9b2J"), code=errors.OK),
    }


def _bomb_data(ctx: Ctx, text: str, name: str = "d.yaml") -> None:
    write(ctx.root / name, text)


BOMBS: dict[str, Case] = {
    "nested-range-loops": Case(**body("{% for i in range(10000) %}{% for j in range(10000) %}{% for k in range(10000) %}{% endfor %}{% endfor %}{% endfor %}"), code=errors.SECURITY, message=("en.j2:3:", "CPU")),
    "nested-range-output": Case(**body("{% for i in range(10000) %}{% for j in range(10000) %}xyzxyzxyz{% endfor %}{% endfor %}"), code=errors.SECURITY, message=("en.j2:3:", "grew past")),
    "lipsum": Case(**body("{{ lipsum(10**6) }}"), code=errors.SECURITY, message=("en.j2:3:", "lipsum")),
    "repeat-text": Case(**body("{{ 'a'*10**9 }}"), code=errors.SECURITY, message=("en.j2:3:", "1,000,000,000 times")),
    "center": Case(**body("{{ name|center(10**9) }}"), code=errors.SECURITY, message=("en.j2:3:", "center")),
    "repeat-list": Case(**body("{{ [0]*10**9 }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "extend-itself": Case(**body("{% set l = [1] %}{% for i in range(64) %}{% if l.extend(l) %}{% endif %}{% endfor %}"), code=errors.SECURITY, message=("en.j2:3:", "sandbox")),
    "printf-width": Case(**body('{{ "%0999999999d"|format(1) }}'), code=errors.SECURITY, message=("en.j2:3:",)),
    "printf-precision": Case(**body('{{ "%.999999999f"|format(1.5) }}'), code=errors.SECURITY, message=("en.j2:3:",)),
    "str-format-width": Case(**body("{{ '{:>999999999}'.format(1) }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "template-40mb": Case(R(), prepare=big_file("{pack}/s/en.j2", b"Subject: x\n\n", 40 << 20), code=errors.SCENARIO_INVALID, message=("en.j2", "larger than 1 MiB")),
    "partial-40mb": Case(**body('{% include "_partials/big.j2" %}', prepare=big_file("{pack}/_partials/big.j2", b"", 40 << 20)), code=errors.SCENARIO_INVALID, message=("big.j2", "larger than 1 MiB")),
    "output-200mb": Case(**body("{% for i in range(10000) %}{{ 'x' * 20000 }}{% endfor %}"), code=errors.SECURITY, message=("en.j2:3:", "grew past")),
    "scenario-yaml-97mb": Case(R(), prepare=big_file("{pack}/s/scenario.yaml", b"title: ", 97 << 20), code=errors.SCENARIO_INVALID, message=("scenario.yaml", "larger than 1 MiB")),
    "fields-yaml-97mb": Case(R(), prepare=big_file("{pack}/_fields.yaml", b"# ", 97 << 20), code=errors.SCENARIO_INVALID, message=("_fields.yaml", "larger than 1 MiB")),
    "alias-bomb-in-example": Case(R(), files={"s/scenario.yaml": yaml_with({"    default: Ana": "    default: Ana\n    example: &a [x, x, x, x, x, x, x, x, x]\n    help: [*a, *a, *a, *a, *a, *a, *a, *a, *a]"})}, code=errors.SCENARIO_INVALID, message=("scenario.yaml:7:", "anchors")),
    "alias-bomb-in-data": Case(R("--data", "{tmp}/d.yaml"), prepare=file_of("{tmp}/d.yaml", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"), code=errors.INVALID_VALUE, message=("d.yaml:1", "anchors")),
    "data-400000-items": Case(R("--data", "{tmp}/d.json"), prepare=file_of("{tmp}/d.json", json.dumps({"items": ["mug"] * 400_000})), code=errors.INVALID_VALUE, message=("more than 100,000 values",)),
    "data-5000-items": Case(R("--data", "{tmp}/d.json"), prepare=file_of("{tmp}/d.json", json.dumps({"items": ["mug"] * 5000})), code=errors.INVALID_VALUE, message=("items (--items)", "5,000 items")),
    "data-97mb": Case(R("--data", "{tmp}/d.yaml"), prepare=big_file("{tmp}/d.yaml", b"name: ", 97 << 20), code=errors.INVALID_VALUE, message=("larger than 16 MiB",)),
    "data-10mb-value-in-subject": Case(R("--data", "{tmp}/d.json", "--format", "subject"), prepare=file_of("{tmp}/d.json", json.dumps({"order_id": "1" * 10_000_000})), code=errors.INVALID_VALUE, message=("order_id (--order-id)", "10,000,000 characters")),
    "data-10mb-value-in-eml": Case(R("--data", "{tmp}/d.json", "--format", "eml", "--to", "a@example.com", "--from", "b@example.com"), prepare=file_of("{tmp}/d.json", json.dumps({"name": "A" * 10_000_000})), code=errors.INVALID_VALUE, message=("name (--name)", "10,000,000 characters")),
    # Within every per-value limit, still too long for a subject: the template is not to blame.
    "long-value-in-subject": Case(R("--order-id", "1" * 50_000, "--format", "subject"), code=errors.SCENARIO_INVALID, message=("the subject renders to",)),
    # Within the 16 MiB cap, but millions of tiny values: memory and time.
    "data-millions-of-empty-lists": Case(R("--data", "{tmp}/d.json"), prepare=lambda ctx: _bomb_data(ctx, '{"items": [' + "[]," * 5_000_000 + "[]]}", "d.json"), code=errors.INVALID_VALUE, message=("--data",)),
    "data-millions-of-numbers": Case(R("--data", "{tmp}/d.json"), prepare=lambda ctx: _bomb_data(ctx, '{"items": [' + "1," * 8_000_000 + "1]}", "d.json"), code=errors.INVALID_VALUE, message=("--data",)),
    "data-millions-of-yaml-items": Case(R("--data", "{tmp}/d.yaml"), prepare=lambda ctx: _bomb_data(ctx, "items:\n" + "- a\n" * 4_000_000), code=errors.INVALID_VALUE, message=("--data",)),
    "data-millions-of-yaml-flow-lists": Case(R("--data", "{tmp}/d.yaml"), prepare=lambda ctx: _bomb_data(ctx, "items: [" + "[]," * 5_000_000 + "[]]\n"), code=errors.INVALID_VALUE, message=("--data",)),
    "scenario-yaml-many-nodes": Case(R(), files={"s/scenario.yaml": SCENARIO + "tags: [" + "[]," * 300_000 + "[]]\n"}, code=errors.SCENARIO_INVALID, message=("scenario.yaml",)),
    "power-tower": Case(**body("{{ 9**(9**9) }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "float-power": Case(**body("{{ 1.5 ** (10**9) }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "deep-brackets": Case(**body("{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}"), code=errors.SCENARIO_INVALID, message=("en.j2",)),
    "deep-tags": Case(**body("{% if 1 %}" * 3000 + "{% endif %}" * 3000), code=errors.SCENARIO_INVALID, message=("en.j2",)),
    "indent": Case(**body('{{ ("a\\n" * 400000)|indent(100) }}'), code=errors.SECURITY, message=("en.j2:3:",)),
    "replace": Case(**body('{{ ("a" * 999999)|replace("a", "aaaa") }}'), code=errors.SECURITY, message=("en.j2:3:",)),
    "join": Case(**body('{{ range(10000)|join("x" * 999) }}'), code=errors.SECURITY, message=("en.j2:3:",)),
    "wordwrap": Case(**body('{{ ("a " * 400000)|wordwrap(1, wrapstring="xxxxxxxxxx") }}'), code=errors.SECURITY, message=("en.j2:3:",)),
    "tojson-indent": Case(**body("{{ [[[[[[1]]]]]]|tojson(indent=10**6) }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "namespace-doubling": Case(**body("{% set ns = namespace(x='ab') %}{% for i in range(60) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}{{ ns.x|length }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "list-doubling": Case(**body("{% set ns = namespace(x=[1]) %}{% for i in range(60) %}{% set ns.x = ns.x + ns.x %}{% endfor %}{{ ns.x|length }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "batch-fill": Case(**body("{{ [1]|batch(10**9, 'x')|list }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "macro-doubling": Case(**body("{% macro d(n) %}{% if n %}{{ d(n - 1) }}{{ d(n - 1) }}{% else %}xxxxxxxx{% endif %}{% endmacro %}{{ d(40) }}"), code=errors.SECURITY, message=("en.j2:",)),
    "huge-amount-to-money": Case(("render", "refund-issued", "--name", "A", "--amount", "9" * 100_000, "--currency", "EUR"), code=errors.INVALID_VALUE, message=("amount (--amount)",)),
    # Each value within the limits, a thousand of them alive at once: gigabytes.
    "many-megabyte-values": Case(**body("".join(f"{{% set a{i} = 'x' * 999999 %}}" for i in range(300)) + "{{ a1|length }}"), code=errors.SECURITY, message=("en.j2:3:", "built more than")),
    "template-compiles-to-megabytes": Case(**body("{{ name }}" * 15_000), code=errors.SECURITY, message=("en.j2", "compiles to")),
    "template-of-a-megabyte-of-expressions": Case(**body("{{ name }}" * 100_000), code=errors.SECURITY, message=("en.j2",)),
    # Compiling and rendering share one budget: a slow compile leaves less time to loop.
    "slow-compile-then-endless-loop": Case(**body("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}" + "{{ name }}" * 10_000), code=errors.SECURITY, message=("en.j2:3:", "CPU")),
    "pack-of-3000-scenarios": Case(("list", "--templates-dir", "{pack}"), prepare=lambda ctx: [write(ctx.pack / f"s{n}" / "scenario.yaml", SCENARIO) for n in range(3000)] and None, code=errors.SCENARIO_INVALID, message=("more than 1,000 files and folders",), stdout=("missing-items",)),
    "scenario-of-1200-languages": Case(R(), prepare=lambda ctx: [write(ctx.pack / "s" / f"en-{n:03d}.j2", TEMPLATE) for n in range(1, 1000)] and [write(ctx.pack / "s" / f"{a}{b}.j2", TEMPLATE) for a in "abcdefghijklm" for b in "abcdefghijklmnopqrstuvwxyz"] and None, code=errors.SCENARIO_INVALID, message=("more than 1,000 files and folders",)),
    "help-of-5000-fields": Case(R("--help"), files={"s/scenario.yaml": SCENARIO + "".join(f"  f{n}:\n    help: field {n}\n    default: ''\n" for n in range(5000)), "s/en.j2": T("hi")}, code=errors.SCENARIO_INVALID, message=("scenario.yaml:3:", "at most 200")),
    # The error message quotes the expression: found in one pass, not from every '{{' to the line's end.
    "error-message-of-open-tags": Case(**body("{{ name|date }}{% raw %}" + "{{" * 200_000 + "{% endraw %}"), code=errors.SCENARIO_INVALID, message=("en.j2:3:", "date filter")),
    "message-id-of-at-signs": Case(("render", "missing-items", "--format", "eml", "--from", "a@example.com", "--to", "b@example.com", "--in-reply-to", "<" + "@" * 60_000), code=errors.INVALID_VALUE, message=("is not a Message-ID",)),
    "address-of-at-signs": Case(("render", "missing-items", "--format", "eml", "--from", "a@example.com", "--to", "x" * 60_000 + "<" + "@" * 60_000), code=errors.INVALID_VALUE, message=("--to",)),
    "data-from-endless-stdin": Case(R("--data", "-"), stdin="/dev/zero", code=errors.INVALID_VALUE, message=("larger than 16 MiB",)),
}

TRACEBACKS: dict[str, Case] = {
    "deep-json-data": Case(R("--data", "{tmp}/d.json"), prepare=file_of("{tmp}/d.json", '{"a": ' + "[" * 50_000 + "]" * 50_000 + "}"), code=errors.INVALID_VALUE, message=("nested more than",)),
    "deep-yaml-data": Case(R("--data", "{tmp}/d.yaml"), prepare=file_of("{tmp}/d.yaml", "a: " + "[" * 100_000 + "]" * 100_000 + "\n"), code=errors.INVALID_VALUE, message=("d.yaml:1", "nest")),
    "deep-yaml-block-data": Case(R("--data", "{tmp}/d.yaml"), prepare=file_of("{tmp}/d.yaml", "".join(" " * i + "- \n" for i in range(2000))), code=errors.INVALID_VALUE, message=("nested more than",)),
    "lone-surrogate-json": Case(R("--data", "{tmp}/d.json"), prepare=file_of("{tmp}/d.json", '{"name": "\\ud800"}'), code=errors.INVALID_VALUE, message=("lone surrogate",)),
    "lone-surrogate-yaml": Case(R("--data", "{tmp}/d.yaml"), prepare=file_of("{tmp}/d.yaml", 'name: "\\ud800"\n'), code=errors.INVALID_VALUE, message=("d.yaml:1",)),
    "lone-surrogate-key": Case(R("--data", "{tmp}/d.json"), prepare=file_of("{tmp}/d.json", '{"\\udfff": "x"}'), code=errors.INVALID_VALUE, message=("lone surrogate",)),
    "not-utf8-data": Case(R("--data", "{tmp}/d.yaml"), prepare=file_of("{tmp}/d.yaml", b"name: \xff\xfe\n"), code=errors.INVALID_VALUE, message=("not UTF-8",)),
    "not-utf8-template": Case(R(), files={"s/en.j2": b"Subject: x\n\n\xff\n"}, code=errors.SCENARIO_INVALID, message=("en.j2", "not UTF-8")),
    "not-utf8-scenario": Case(R(), files={"s/scenario.yaml": b"title: \xc3\x28\n"}, code=errors.SCENARIO_INVALID, message=("scenario.yaml", "not UTF-8")),
    "nul-in-template": Case(**body("a\x00b"), code=errors.SCENARIO_INVALID, message=("en.j2:3:", "U+0000")),
    "date-on-text": Case(**body("{{ name|date }}"), code=errors.SCENARIO_INVALID, message=("en.j2:3:", "date filter")),
    "money-on-text": Case(**body("{{ name|money }}"), code=errors.SCENARIO_INVALID, message=("en.j2:3:", "money filter")),
    "money-too-large": Case(**body("{{ (10**300)|money('EUR') }}"), code=errors.SCENARIO_INVALID, message=("en.j2:3:", "money filter")),
    "and-list-on-number": Case(**body("{{ 5|and_list }}"), code=errors.SCENARIO_INVALID, message=("en.j2:3:", "and_list filter")),
    "huge-power": Case(**body("{{ 2**100000000 }}"), code=errors.SECURITY, message=("en.j2:3:", "digits")),
    "recursive-macro": Case(**body("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}"), code=errors.SECURITY, message=("en.j2:3:", "too deeply")),
    "recursive-include": Case(**body('{% include "s/en.j2" %}'), code=errors.SECURITY, message=("en.j2",)),
    "range-list": Case(**body("{{ range(10**9)|list }}"), code=errors.SECURITY, message=("en.j2:3:", "range")),
    "date-in-klingon": Case(R("--lang", "tlh", "--when", "2026-12-03"), files={"s/tlh.j2": T("{{ when|date }}")}, code=errors.SCENARIO_INVALID, message=("tlh.j2:3:", "Babel has no data")),
    "money-in-klingon": Case(R("--lang", "tlh", "--amount", "5"), files={"s/tlh.j2": T("{{ amount|money('EUR') }}")}, code=errors.SCENARIO_INVALID, message=("tlh.j2:3:", "tlh")),
    "int-of-huge-decimal": Case(**body("{{ (amount * 10**4000 * 10**4000)|int }}", "--amount", "5"), code=errors.SECURITY, message=("en.j2:3:", "int filter")),
    "huge-decimal-value": Case(R("--amount", "9" * 100_000), code=errors.INVALID_VALUE, message=("amount (--amount)", "at most 28")),
    "int-literal-of-5000-digits": Case(**body("{{ " + "9" * 5000 + " }}"), code=errors.SCENARIO_INVALID, message=("en.j2", "more than 4300 digits")),
    "hex-literal-of-5000-digits": Case(**body("{{ 0x" + "f" * 5000 + " }}"), code=errors.SCENARIO_INVALID, message=("en.j2", "more than 4300 digits")),
    "int-literal-in-a-partial": Case(**body('{% include "_partials/n.j2" %}', files={"_partials/n.j2": "{{ " + "9" * 5000 + " }}"}), code=errors.SECURITY, message=("en.j2:3:", "4300 digits")),
    "lang-of-3000-variants": Case(R("--lang", "de" + "-abcde" * 3000), code=errors.USAGE, message=("is not a language tag",)),
    "lang-of-3000-extensions": Case(R("--lang", "de" + "-a-bb" * 3000), code=errors.USAGE, message=("is not a language tag",)),
    "template-named-by-a-long-tag": Case(R(), files={"s/de" + "-abcde" * 20 + ".j2": T("x")}, code=errors.SCENARIO_INVALID, message=("is not named by a language tag",)),
    "new-300-character-id": Case(("new", "a" * 300), code=errors.USAGE, message=("is not a valid scenario id",)),
    "output-300-character-name": Case(R("-o", "{tmp}/" + "a" * 300), code=errors.INPUT_OUTPUT, message=("too long",)),
    "output-300-character-folder": Case(R("-o", "{tmp}/" + "a" * 300 + "/reply.txt"), code=errors.INPUT_OUTPUT, message=("--output",)),
    "data-5000-character-path": Case(R("--data", "{tmp}/" + "d/" * 2500), code=errors.INPUT_OUTPUT, message=("--data",)),
    "config-5000-character-path": Case(R(), env={"REPLYKIT_CONFIG": "{tmp}/" + "c/" * 2500}, code=errors.INPUT_OUTPUT, message=("config",)),
    "templates-dir-5000-characters": Case(("render", "s", "--templates-dir", "{tmp}/" + "t/" * 2500), code=errors.USAGE, message=("no such folder",)),
    "lang-10000-characters": Case(R("--lang", "de-" * 3333), code=errors.USAGE, message=("--lang",)),
    "stdout-closed-render": Case(("render", "missing-items", "--name", "Alice"), close_stdout=True, code=errors.INPUT_OUTPUT, message=("stdout is closed",)),
    "stdout-closed-render-json": Case(("render", "missing-items", "--name", "Alice", "--format", "json"), close_stdout=True, code=errors.INPUT_OUTPUT, message=("stdout is closed",)),
    "stdout-closed-list": Case(("list",), close_stdout=True, code=errors.INPUT_OUTPUT, message=("stdout is closed",)),
    "stdout-closed-show": Case(("show", "missing-items"), close_stdout=True, code=errors.INPUT_OUTPUT, message=("stdout is closed",)),
    "stdout-closed-version": Case(("--version",), close_stdout=True, code=errors.INPUT_OUTPUT, message=("stdout is closed",)),
    "stdout-closed-paths": Case(("paths",), close_stdout=True, code=errors.INPUT_OUTPUT, message=("stdout is closed",)),
    "stderr-closed-error": Case(("render", "missng-items"), close_stderr=True, code=errors.NOT_FOUND),
    "stderr-closed-warning": Case(R("--data", "{tmp}/d.json"), prepare=file_of("{tmp}/d.json", '{"nope": 1}'), close_stderr=True, code=errors.OK, stdout=("Dear Ana,",)),
}

VALUES: dict[str, Case] = {
    "jpy-fraction": Case(R("--amount", "1234.5", "--currency", "JPY"), code=errors.INVALID_VALUE, message=("amount (--amount)", "JPY amounts have 0 decimal places")),
    "eur-three-places": Case(R("--amount", "12.005", "--currency", "EUR"), code=errors.INVALID_VALUE, message=("amount (--amount)", "EUR amounts have at most 2 decimal places")),
    "kwd-four-places": Case(R("--amount", "1.0005", "--currency", "kwd"), code=errors.INVALID_VALUE, message=("KWD amounts have at most 3 decimal places",)),
    "data-items-keep-commas": Case(R("--data", "{tmp}/d.json"), prepare=file_of("{tmp}/d.json", json.dumps({"items": ["USB-C cable, 2 m", "screen protector"]})), code=errors.OK, stdout=("Items: USB-C cable, 2 m and screen protector.",)),
    "escaped-comma-on-command-line": Case(R("--items", "USB-C cable\\, 2 m, screen protector"), code=errors.OK, stdout=("Items: USB-C cable, 2 m and screen protector.",)),
    "items-mapping-and-list": Case(R("--data", "{tmp}/d.yaml"), prepare=file_of("{tmp}/d.yaml", "items: [{a: b}, [x, y]]\n"), code=errors.INVALID_VALUE, message=("items (--items)", "item 1 is a mapping")),
    "data-python-tag": Case(R("--data", "{tmp}/d.yaml"), prepare=file_of("{tmp}/d.yaml", 'name: !!python/object/apply:os.system ["echo x"]\n'), code=errors.INVALID_VALUE, message=("d.yaml:1", "YAML tags (!!python/object/apply:os.system)")),
    "data-binary-tag": Case(R("--data", "{tmp}/d.yaml"), prepare=file_of("{tmp}/d.yaml", "name: !!binary aGVsbG8=\n"), code=errors.INVALID_VALUE, message=("d.yaml:1", "YAML tags (!!binary)")),
    "data-str-tag": Case(R("--data", "{tmp}/d.yaml"), prepare=file_of("{tmp}/d.yaml", "order_id: !!str 0123\n"), code=errors.INVALID_VALUE, message=("YAML tags (!!str)",)),
    "scenario-python-tag": Case(R(), files={"s/scenario.yaml": yaml_with({"title": 'title: !!python/object/apply:os.system ["echo x"]'})}, code=errors.SCENARIO_INVALID, message=("scenario.yaml:1:", "YAML tags")),
    "config-python-tag": Case(R(), prepare=file_of("{config}/replykit/config.yaml", 'profiles: !!python/object/apply:os.system ["echo x"]\n'), code=errors.CONFIG_INVALID, message=("config.yaml:1:", "YAML tags")),
    # A line break in a one-line value would split the reply's sentence (or its subject): refused, naming the field.
    "newline-in-order-id": Case(R("--order-id", "4521\nDear Bob"), code=errors.INVALID_VALUE, message=("order_id (--order-id)", "line break")),
    "newline-in-order-id-from-data": Case(R("--data", "{tmp}/d.yaml"), prepare=file_of("{tmp}/d.yaml", "order_id: |\n  4521\n  Dear Bob\n"), code=errors.INVALID_VALUE, message=("order_id (--order-id)", "line break")),
    "line-separator-in-name": Case(R("--name", "Ana\u2028Bob"), code=errors.INVALID_VALUE, message=("name (--name)", "U+2028")),
    "json-amount-keeps-digits": Case(R("--amount", "12.50", "--format", "json"), code=errors.OK, stdout=('"amount": "12.50"',)),
    "json-amount-keeps-small-digits": Case(R("--amount", "0.0000001", "--format", "json"), code=errors.OK, stdout=('"amount": "0.0000001"',)),
    "text-amount-keeps-small-digits": Case(R("--amount", "0.0000001"), code=errors.OK, stdout=("Amount: 0.0000001.",)),
    "text-amount-keeps-zeros": Case(**body("Amount: {{ amount }}.", "--amount", "0.00000"), code=errors.OK, stdout=("Amount: 0.00000.",)),
    "money-with-currency-keeps-digits": Case(**body("{{ amount|money('EUR') }}", "--amount", "12.005"), code=errors.OK, stdout=("€12.005",)),
    "money-keeps-small-digits": Case(**body("{{ amount|money }}", "--amount", "0.0000001"), code=errors.OK, stdout=("0.0000001",)),
    "json-data-amount-keeps-digits": Case(R("--data", "{tmp}/d.json", "--format", "json"), prepare=file_of("{tmp}/d.json", '{"amount": 12.50}'), code=errors.OK, stdout=('"amount": "12.50"',)),
    "yaml-leading-zero-stays": Case(R("--data", "{tmp}/d.yaml"), prepare=file_of("{tmp}/d.yaml", "order_id: 0123\n"), code=errors.OK, stdout=("Order: 0123.",)),
    "yaml-no-stays-text": Case(R("--data", "{tmp}/d.yaml"), prepare=file_of("{tmp}/d.yaml", "name: NO\n"), code=errors.OK, stdout=("Dear NO,",)),
    "exponent-amount-refused": Case(R("--amount", "1e3"), code=errors.INVALID_VALUE, message=("amount (--amount)",)),
}

LOST_WRITES: dict[str, Case] = {
    "twenty-profiles-at-once": Case(("config", "set", "--profile", "p0", "seller_name", "0"), background=tuple(("config", "set", "--profile", f"p{n}", "seller_name", str(n)) for n in range(1, 20)), code=errors.OK, check=config_profiles(20)),
    "seven-keys-of-one-profile": Case(("config", "set", "seller_name", "Sam"), background=tuple(("config", "set", k, v) for k, v in SEVEN_KEYS.items() if k != "seller_name"), code=errors.OK, check=config_keys_all_set),
    "config-symlink-written-through": Case(("config", "set", "seller_name", "Sam"), prepare=linked_config, code=errors.OK, check=written_through_symlink),
}

OUTPUTS: dict[str, Case] = {
    "dev-null-force": Case(R("-o", "/dev/null", "--force"), code=errors.INPUT_OUTPUT, message=("character device",), check=still("/dev/null", stat.S_ISCHR, "a device")),
    "dev-null": Case(R("-o", "/dev/null"), code=errors.INPUT_OUTPUT, message=("character device",), check=still("/dev/null", stat.S_ISCHR, "a device")),
    "fifo-force": Case(R("-o", "{tmp}/out", "--force"), prepare=fifo("{tmp}/out"), code=errors.INPUT_OUTPUT, message=("FIFO",), check=still("{tmp}/out", stat.S_ISFIFO, "a FIFO")),
    "folder": Case(R("-o", "{tmp}/folder"), prepare=lambda ctx: (ctx.root / "folder").mkdir(), code=errors.INPUT_OUTPUT, message=("is a folder",)),
    "folder-force": Case(R("-o", "{tmp}/folder", "--force"), prepare=lambda ctx: (ctx.root / "folder").mkdir(), code=errors.INPUT_OUTPUT, message=("is a folder",), check=still("{tmp}/folder", stat.S_ISDIR, "a folder")),
    "symlink-to-device-force": Case(R("-o", "{tmp}/out", "--force"), prepare=symlink("{tmp}/out", "/dev/null"), code=errors.INPUT_OUTPUT, message=("character device",), check=still("{tmp}/out", stat.S_ISLNK, "a symlink")),
    "symlink-to-fifo-force": Case(R("-o", "{tmp}/out", "--force"), prepare=both(fifo("{tmp}/real"), symlink("{tmp}/out", "{tmp}/real")), code=errors.INPUT_OUTPUT, message=("FIFO",)),
    "socket-force": Case(R("-o", "{tmp}/out", "--force"), prepare=unix_socket("{tmp}/out"), code=errors.INPUT_OUTPUT, message=("socket",), check=still("{tmp}/out", stat.S_ISSOCK, "a socket")),
    "existing-file": Case(R("-o", "{tmp}/out"), prepare=file_of("{tmp}/out", "keep me"), code=errors.INPUT_OUTPUT, message=("the file exists",)),
    "folder-missing": Case(R("-o", "{tmp}/nowhere/out"), code=errors.INPUT_OUTPUT, message=("nowhere",)),
    "parent-is-a-file": Case(R("-o", "{tmp}/file/out"), prepare=file_of("{tmp}/file", "x"), code=errors.INPUT_OUTPUT, message=("--output",)),
}

SPECIAL_FILES: dict[str, Case] = {
    "config-fifo": Case(R(), prepare=fifo("{tmp}/config.yaml"), env={"REPLYKIT_CONFIG": "{tmp}/config.yaml"}, code=errors.INPUT_OUTPUT, message=("FIFO",)),
    "config-dev-zero": Case(R(), env={"REPLYKIT_CONFIG": "/dev/zero"}, code=errors.INPUT_OUTPUT, message=("character device",)),
    "config-folder": Case(R(), prepare=lambda ctx: (ctx.root / "c").mkdir(), env={"REPLYKIT_CONFIG": "{tmp}/c"}, code=errors.INPUT_OUTPUT, message=("folder",)),
    "config-set-into-fifo": Case(("config", "set", "seller_name", "Sam"), prepare=fifo("{tmp}/config.yaml"), env={"REPLYKIT_CONFIG": "{tmp}/config.yaml"}, code=errors.INPUT_OUTPUT, message=("FIFO",), check=still("{tmp}/config.yaml", stat.S_ISFIFO, "a FIFO")),
    "config-set-into-dev-null": Case(("config", "set", "seller_name", "Sam"), env={"REPLYKIT_CONFIG": "/dev/null"}, code=errors.INPUT_OUTPUT, message=("character device",), check=still("/dev/null", stat.S_ISCHR, "a device")),
    "config-2mb": Case(R(), prepare=big_file("{tmp}/config.yaml", b"# ", 2 << 20), env={"REPLYKIT_CONFIG": "{tmp}/config.yaml"}, code=errors.CONFIG_INVALID, message=("larger than 1 MiB",)),
    "config-lock-is-a-fifo": Case(("config", "set", "seller_name", "Sam"), prepare=fifo("{config}/replykit/.config.yaml.lock"), code=errors.INPUT_OUTPUT, message=("FIFO",)),
    "template-fifo": Case(R(), prepare=fifo("{pack}/s/en.j2"), code=errors.SCENARIO_INVALID, message=("en.j2", "FIFO")),
    "other-language-fifo": Case(R(), prepare=fifo("{pack}/s/de.j2"), code=errors.SCENARIO_INVALID, message=("de.j2", "FIFO")),
    "partial-fifo": Case(**body('{% include "_partials/f.j2" %}', prepare=fifo("{pack}/_partials/f.j2")), code=errors.SCENARIO_INVALID, message=("f.j2", "FIFO")),
    "scenario-yaml-fifo": Case(R(), prepare=fifo("{pack}/s/scenario.yaml"), code=errors.SCENARIO_INVALID, message=("scenario.yaml", "FIFO")),
    "fields-yaml-fifo": Case(R(), prepare=fifo("{pack}/_fields.yaml"), code=errors.SCENARIO_INVALID, message=("_fields.yaml", "FIFO")),
    "template-dev-zero": Case(R(), links={"s/en.j2": "/dev/zero"}, code=errors.SCENARIO_INVALID, message=("en.j2",)),
    "data-dev-zero": Case(R("--data", "/dev/zero"), code=errors.INPUT_OUTPUT, message=("character device",)),
    "data-fifo": Case(R("--data", "{tmp}/d.yaml"), prepare=fifo("{tmp}/d.yaml"), code=errors.INPUT_OUTPUT, message=("FIFO",)),
    "data-folder": Case(R("--data", "{tmp}"), code=errors.INPUT_OUTPUT, message=("folder",)),
    "data-socket": Case(R("--data", "{tmp}/d.sock"), prepare=unix_socket("{tmp}/d.sock"), code=errors.INPUT_OUTPUT, message=("socket",)),
    "data-dev-stdin": Case(R("--data", "/dev/stdin"), code=errors.INPUT_OUTPUT, message=("character device",)),
}

SANDBOX: dict[str, Case] = {
    "list-append": Case(**body('{% set l = [1] %}{% if l.append("x") %}{% endif %}'), code=errors.SECURITY, message=("en.j2:3:", "sandbox")),
    "items-append": Case(**body('{% if items.append("x") %}{% endif %}', "--items", "a"), code=errors.SECURITY, message=("en.j2:3:", "sandbox")),
    "dict-update": Case(**body('{% set d = {"a": 1} %}{{ d.update(b=2) }}'), code=errors.SECURITY, message=("en.j2:3:", "sandbox")),
    "dict-pop": Case(**body("{{ dict(a=1).pop('a') }}"), code=errors.SECURITY, message=("en.j2:3:", "sandbox")),
    "mro": Case(**body("{{ ''.__class__.__mro__ }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "subclasses": Case(**body("{{ ''.__class__.__mro__[1].__subclasses__() }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "globals": Case(**body("{{ range.__globals__ }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "cycler-globals": Case(**body("{{ cycler.__init__.__globals__.os }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "namespace-globals": Case(**body("{{ namespace.__init__.__globals__ }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "func-globals": Case(**body("{{ range.func_globals }}"), code=errors.SCENARIO_INVALID, message=("en.j2:3:", "func_globals")),
    "self-context": Case(**body("{{ self._TemplateReference__context }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "format-attribute": Case(**body("{{ '{0.__class__}'.format(name) }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "format-attribute-chain": Case(**body("{{ '{0.__class__.__init__.__globals__}'.format(name) }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "format-item": Case(**body("{{ '{0[__class__]}'.format(name) }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "format-map": Case(**body("{{ '{x.__class__.__mro__}'.format_map({'x': name}) }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "format-indirect": Case(**body("{% set f = '{0.__class__}'.format %}{{ f(name) }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "format-map-indirect": Case(**body("{% set f = '{x.__class__}'.format_map %}{{ f({'x': name}) }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "attr-filter": Case(**body("{{ name|attr('__class__') }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "map-attribute": Case(**body("{{ [name]|map(attribute='__class__')|list }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "generator-frame": Case(**body("{{ ([1]|map('int')).gi_frame }}"), code=errors.SECURITY, message=("en.j2:3:",)),
    "printf-attribute": Case(**body('{{ "%s"|format(name.__class__) }}'), code=errors.SECURITY, message=("en.j2:3:",)),
    "undeclared-config": Case(**body("{{ config }}"), code=errors.SCENARIO_INVALID, message=("en.j2:3:", "undeclared variable config")),
    "import-os": Case(**body("{% import 'os' as os %}"), code=errors.SCENARIO_INVALID, message=("en.j2:3:",)),
}
# fmt: on


def B(orders: str, *args: str) -> tuple[str, ...]:
    """``batch s ORDERS`` from the case's pack, with more arguments."""
    return ("batch", "s", orders, "--templates-dir", "{pack}", *args)


ORDERS_HEADER = "order_id,name,to\n"


def orders_file(relative: str, data: str | bytes) -> Prepare:
    return file_of(relative, (ORDERS_HEADER.encode() + data) if isinstance(data, bytes) else ORDERS_HEADER + data)


def unchanged(relative: str, data: str) -> Check:
    def check(ctx: Ctx, result: Result) -> None:
        assert Path(ctx.sub(relative)).read_text() == data, f"{relative} was replaced"

    return check


def absent(relative: str) -> Check:
    def check(ctx: Ctx, result: Result) -> None:
        assert not os.path.lexists(ctx.sub(relative)), f"{relative} was written"

    return check


def stderr_under(size: int) -> Check:
    def check(ctx: Ctx, result: Result) -> None:
        assert len(result.stderr) < size, f"{len(result.stderr):,} bytes on stderr"

    return check


# 4,000 good rows (more than the 64 KiB read to sniff the file, and than one block of decoding), then a bad one.
MANY_ROWS = b"".join(b"%d,Ana,a%d@example.com\n" % (n, n) for n in range(1, 4000))
JSONL_OK = '{"order_id": "1", "name": "Ana"}\n'
DEEP_JSON = '{"order_id": "2", "name": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
ONE_ORDER = ORDERS_HEADER + "1,Ana,a@example.com\n"

# fmt: off
BATCH: dict[str, Case] = {
    "invalid-utf8-after-64k-names-its-row": Case(B("{tmp}/o.csv"), prepare=orders_file("{tmp}/o.csv", MANY_ROWS + b"4000,Bo\xe9,b@example.com\n"), code=errors.INVALID_VALUE, message=("o.csv: row 4001: not utf-8 text (byte 0xE9)", "iconv")),
    "invalid-utf8-after-64k-jsonl-names-its-line": Case(B("{tmp}/o.jsonl"), prepare=file_of("{tmp}/o.jsonl", "".join(JSONL_OK.replace('"1"', f'"{n}"') for n in range(3000)).encode() + b'{"order_id": "x", "name": "B\xe9"}\n'), code=errors.INVALID_VALUE, message=("o.jsonl: line 3001: not utf-8 text (byte 0xE9)",)),
    "invalid-utf8-output-not-written": Case(B("{tmp}/o.csv", "-o", "{tmp}/r.jsonl"), prepare=orders_file("{tmp}/o.csv", MANY_ROWS + b"4000,Bo\xe9,b@example.com\n"), code=errors.INVALID_VALUE, message=("row 4001",), check=absent("{tmp}/r.jsonl")),
    "invalid-utf16-in-head": Case(B("{tmp}/o.csv"), prepare=file_of("{tmp}/o.csv", ONE_ORDER.encode("utf-16") + b"\x00\xd8,\x00"), code=errors.INVALID_VALUE, message=("o.csv: is not UTF-16 text",)),
    "huge-cell": Case(B("{tmp}/o.csv"), prepare=orders_file("{tmp}/o.csv", "1," + "A" * 5_000_000 + ",a@example.com\n"), code=errors.INVALID_VALUE, message=("row 2: a cell is longer than 131,072 characters", "quote")),
    "jsonl-deeply-nested": Case(B("{tmp}/o.jsonl"), prepare=file_of("{tmp}/o.jsonl", JSONL_OK + DEEP_JSON), code=errors.ROWS_REJECTED, message=("line 2: JSON nested too deeply",)),
    "jsonl-deeply-nested-first-line": Case(B("{tmp}/o.jsonl"), prepare=file_of("{tmp}/o.jsonl", DEEP_JSON), code=errors.ROWS_REJECTED, message=("line 1: JSON nested too deeply",)),
    "json-top-level-array": Case(B("{tmp}/o.json"), prepare=file_of("{tmp}/o.json", '[{"order_id": "1", "name": "Ana"}]\n'), code=errors.INVALID_VALUE, message=("is a JSON array", "jq -c")),
    "stdin-closed": Case(B("-"), close_stdin=True, code=errors.INPUT_OUTPUT, message=("<stdin>: is closed",)),
    "huge-order-id-shown-short": Case(B("{tmp}/o.csv"), prepare=orders_file("{tmp}/o.csv", "x" * 100_000 + ",Ana\x01,a@example.com\n"), code=errors.ROWS_REJECTED, message=("row 2, order xxxx", "...:"), check=stderr_under(2000)),
    "output-is-the-export": Case(B("{tmp}/o.csv", "-o", "{tmp}/o.csv", "--force"), prepare=file_of("{tmp}/o.csv", ONE_ORDER), code=errors.USAGE, message=("--output {tmp}/o.csv: is the export being read",), check=unchanged("{tmp}/o.csv", ONE_ORDER)),
    "rejects-is-the-export": Case(B("{tmp}/o.csv", "--rejects", "{tmp}/o.csv", "--force"), prepare=file_of("{tmp}/o.csv", ONE_ORDER), code=errors.USAGE, message=("--rejects {tmp}/o.csv: is the export being read",), check=unchanged("{tmp}/o.csv", ONE_ORDER)),
    "rejects-links-to-the-export": Case(B("{tmp}/o.csv", "--rejects", "{tmp}/link.csv", "--force"), prepare=both(file_of("{tmp}/o.csv", ONE_ORDER), symlink("{tmp}/link.csv", "{tmp}/o.csv")), code=errors.USAGE, message=("is the export being read",), check=unchanged("{tmp}/o.csv", ONE_ORDER)),
    "rejects-is-the-output": Case(B("{tmp}/o.csv", "-o", "{tmp}/r.jsonl", "--rejects", "{tmp}/r.jsonl"), prepare=file_of("{tmp}/o.csv", ONE_ORDER), code=errors.USAGE, message=("--rejects {tmp}/r.jsonl: is also --output",), check=absent("{tmp}/r.jsonl")),
}
# fmt: on

CHOICE_SCENARIO = SCENARIO.replace("  amount:\n", "  opt:\n    default: a\n    choices: [a, b]\n  amount:\n")


def refusing(extra: str) -> dict[str, str]:
    return {"s/scenario.yaml": CHOICE_SCENARIO + extra}


SHOW = ("show", "s", "--templates-dir", "{pack}")

# fmt: off
SCENARIO_KEYS: dict[str, Case] = {
    "unknown-channel-shown-short": Case(SHOW, files=refusing("channels: [" + "a" * 100_000 + "]\n"), code=errors.SCENARIO_INVALID, message=("unknown channel 'aaaa", "...'"), check=stderr_under(2000)),
    "public-list-shown-short": Case(SHOW, files=refusing("public: [" + ", ".join(["x" * 50] * 15_000) + "]\n"), code=errors.SCENARIO_INVALID, message=("'public' must be true or false, not a list",), check=stderr_under(2000)),
    "public-mapping": Case(SHOW, files=refusing("public: {a: 1}\n"), code=errors.SCENARIO_INVALID, message=("not a mapping",)),
    "when-choice-shown-short": Case(SHOW, files=refusing("refuse:\n  - channels: [email]\n    when: {opt: " + "z" * 100_000 + "}\n    reason: r\n"), code=errors.SCENARIO_INVALID, message=("is not a choice of opt",), check=stderr_under(2000)),
    "reason-line-break": Case(("render", "s", "--templates-dir", "{pack}", "--channel", "email"), files=refusing('refuse:\n  - channels: [email]\n    reason: "no\\nhint: all is fine"\n'), code=errors.SCENARIO_INVALID, message=("scenario.yaml:", "'reason' must be one line", "line break")),
    "reason-too-long": Case(SHOW, files=refusing("refuse:\n  - channels: [email]\n    reason: " + "x" * 200_000 + "\n"), code=errors.SCENARIO_INVALID, message=("scenario.yaml:", "200,000 characters"), check=stderr_under(2000)),
    "reason-bidi-override": Case(SHOW, files=refusing('refuse:\n  - channels: [email]\n    reason: "evil \\u202e txt"\n'), code=errors.SCENARIO_INVALID, message=("U+202E",)),
}
# fmt: on

KINDS: dict[str, dict[str, Case]] = {
    "confinement": CONFINEMENT,
    "cache": CACHE,
    "terminal": _terminal_cases(),
    "bomb": BOMBS,
    "traceback": TRACEBACKS,
    "values": VALUES,
    "lost-writes": LOST_WRITES,
    "output": OUTPUTS,
    "special-file": SPECIAL_FILES,
    "sandbox": SANDBOX,
    "batch": BATCH,
    "scenario": SCENARIO_KEYS,
}
# Giving a folder to another user takes root. (Writing over /dev/null is refused whoever runs replykit,
# and is what root could do harm with: those cases run for everyone.)
NEEDS_ROOT = {"cache-owned-by-another-user", "cache-symlink-to-foreign-folder", "cache-warned-once-by-show",
              "cache-warned-once-full-command-line"}  # fmt: skip
ALL = {f"{kind}-{name}": case for kind, cases in KINDS.items() for name, case in cases.items()}


# Running --------------------------------------------------------------------------------------


def _build(case: Case, folder: Path) -> Ctx:
    ctx = Ctx(
        root=folder,
        pack=folder / "pack",
        outside=folder / "outside",
        secret=folder / "outside" / "secret.j2",
        home=folder / "home",
        cache=folder / "home" / "cache",
        config=folder / "home" / "config",
        data=folder / "home" / "data",
    )
    write(ctx.secret, SECRET + "\n")
    write(ctx.outside / "s" / "scenario.yaml", yaml_with({"title": f"title: {SECRET}"}))
    write(ctx.outside / "s" / "en.j2", T(SECRET))
    files: dict[str, str | bytes] = {"s/scenario.yaml": SCENARIO, "s/en.j2": TEMPLATE, **case.files}
    for name, text in files.items():
        if not any(name == link or name.startswith(link + "/") for link in case.links):
            write(ctx.pack / ctx.sub(name), ctx.sub(text) if isinstance(text, str) else text)
    for link, target in case.links.items():
        path = ctx.pack / link
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(ctx.sub(target))
    ctx.home.mkdir(exist_ok=True)
    if case.prepare is not None:
        case.prepare(ctx)
    return ctx


def _environment(ctx: Ctx, case: Case) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("REPLYKIT_") and k not in ("VISUAL", "EDITOR", "FORCE_COLOR", "DISPLAY", "WAYLAND_DISPLAY")
    }
    env.update(
        HOME=str(ctx.home),
        XDG_DATA_HOME=str(ctx.data),
        XDG_CONFIG_HOME=str(ctx.config),
        XDG_CACHE_HOME=str(ctx.cache),
        NO_COLOR="1",
    )
    env.update({k: ctx.sub(v) for k, v in case.env.items()})
    return env


# The launcher forks replykit and reports its exit code, CPU time and peak memory. A process forked
# straight from the test would count the test process's own memory as its peak (Linux carries the
# high-water mark across fork and exec), and a preexec_fn is unsafe with the threads the cases run in.
LAUNCHER = """
import os, resource, sys
report, memory, cpu, close, *command = sys.argv[1:]
pid = os.fork()
if pid == 0:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (int(memory), int(memory)))
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu), int(cpu) + 5))
        for fd in filter(None, close.split(",")):
            os.close(int(fd))
        os.execv(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss * 1024}")
"""


def _spawn(
    args: list[str], ctx: Ctx, case: Case, env: dict[str, str], name: str
) -> tuple[subprocess.Popen[bytes], str]:
    """Start replykit through the launcher, with stdout or stderr closed if the case says so."""
    assert REPLYKIT is not None, "the replykit console script is not installed (pip install .)"
    close = ",".join(
        fd for fd, yes in (("0", case.close_stdin), ("1", case.close_stdout), ("2", case.close_stderr)) if yes
    )
    with (
        open(case.stdin, "rb") as stdin,
        open(ctx.root / f"{name}.out", "wb") as out,
        open(ctx.root / f"{name}.err", "wb") as err,
    ):
        process = subprocess.Popen(
            [
                sys.executable,
                "-I",
                "-S",
                "-c",
                LAUNCHER,
                str(ctx.root / f"{name}.report"),
                str(MEMORY_LIMIT),
                str(CPU_BACKSTOP),
                close,
                REPLYKIT,
                *args,
            ],
            stdin=stdin,
            stdout=out,
            stderr=err,
            env=env,
            cwd=ctx.root,
            start_new_session=True,
        )
    return process, name


def _reap(process: subprocess.Popen[bytes], ctx: Ctx, name: str) -> Result:
    """Wait for a run (killing it after WALL_SECONDS) and collect what it did."""
    timed_out = False
    try:
        process.wait(WALL_SECONDS)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    report = ctx.root / f"{name}.report"
    code, cpu, peak = report.read_text().split() if report.exists() else ("-9", "0", "0")
    return Result(
        int(code),
        (ctx.root / f"{name}.out").read_bytes(),
        (ctx.root / f"{name}.err").read_bytes(),
        float(cpu),
        int(peak),
        timed_out,
    )


def execute(case: Case, folder: Path) -> tuple[Ctx, Result]:
    """Build the case in ``folder``, run it (and its background runs), and collect what it did."""
    started = time.monotonic()
    ctx = _build(case, folder)
    env = _environment(ctx, case)
    others = [_spawn([ctx.sub(a) for a in args], ctx, case, env, f"bg{n}") for n, args in enumerate(case.background)]
    main = _spawn([ctx.sub(a) for a in case.args], ctx, case, env, "main")
    result = _reap(main[0], ctx, main[1])
    for process, name in others:
        other = _reap(process, ctx, name)
        assert other.code == 0, f"a concurrent run failed ({other.code}): {other.stderr.decode(errors='replace')}"
    result.wall = time.monotonic() - started
    return ctx, result


@pytest.fixture(scope="module")
def outcomes(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every selected case, run a few at a time: each is a separate process with its own folders."""
    selected = [
        item.callspec.id
        for item in request.session.items
        if getattr(item, "callspec", None) is not None and item.module is request.module
    ]
    selected = [case_id for case_id in selected if case_id in ALL and (IS_ROOT or case_id not in NEEDS_ROOT)]

    def one(case_id: str) -> tuple[str, Any]:
        try:
            return case_id, execute(ALL[case_id], tmp_path_factory.mktemp(case_id[:40]))
        except Exception as exc:  # reported by the case's own test
            return case_id, exc

    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        return dict(pool.map(one, selected))


def _shown(data: bytes) -> str:
    text = data.decode("utf-8", "backslashreplace")
    return text if len(text) < 3000 else text[:3000] + "..."


def verify(case: Case, ctx: Ctx, result: Result) -> None:
    """Everything that must hold of a run; AssertionError with the run's output otherwise."""
    report = f"exit {result.code}\n--- stderr:\n{_shown(result.stderr)}\n--- stdout:\n{_shown(result.stdout)}"
    assert not result.timed_out, f"still running after {WALL_SECONDS} s\n{report}"
    assert b"Traceback" not in result.stderr, report
    assert result.code == case.code, f"exit {result.code}, not {case.code}\n{report}"
    for part in case.message:
        assert ctx.sub(part) in result.stderr.decode("utf-8", "replace"), f"{part!r} not in stderr\n{report}"
    for part in case.stdout:
        assert ctx.sub(part) in result.stdout.decode("utf-8", "replace"), f"{part!r} not on stdout\n{report}"
    for name, data in (("stdout", result.stdout), ("stderr", result.stderr)):
        text = data.decode("utf-8", "surrogateescape")
        for bad in ("\x1b", "\x9b", "\udc9b", "\u202e"):
            assert bad not in text, f"{name} holds {bad!r} raw, which a terminal would obey\n{report}"
        assert SECRET not in text, f"{name} shows the secret from outside the pack\n{report}"
    assert result.cpu <= CPU_SECONDS, f"{result.cpu:.2f} s of CPU\n{report}"
    assert result.peak <= PEAK_MEMORY, f"peak memory {result.peak >> 20} MiB\n{report}"
    if case.check is not None:
        case.check(ctx, result)


@pytest.mark.parametrize("case_id", list(ALL), ids=list(ALL))
def test_hostile_input(case_id: str, outcomes: dict[str, Any]) -> None:
    if case_id in NEEDS_ROOT and not IS_ROOT:
        pytest.skip("needs root (to chown to nobody, or to write to a device)")
    outcome = outcomes[case_id]
    if isinstance(outcome, BaseException):
        raise outcome
    verify(ALL[case_id], *outcome)


def test_every_case_has_a_readable_id() -> None:
    for case_id in ALL:
        assert case_id == case_id.lower() and " " not in case_id and len(case_id) <= 60, case_id
    assert {case_id.split("-")[0] for case_id in ALL} == {kind.split("-")[0] for kind in KINDS}
