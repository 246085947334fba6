"""The installed ``replykit`` console script, run as users run it: in pipes, without a terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from conftest import sh
from replykit import errors
from replykit.cli import fastpath
from replykit.cli.app import app


def test_render_in_a_pipe_prints_only_the_reply(replykit_bin: str) -> None:
    done = sh(replykit_bin, "render", "missing-items", "--name", "Alice")
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("Dear Alice,\n") and "\x1b" not in done.stdout


def test_no_prompt_without_a_terminal(replykit_bin: str) -> None:
    done = sh(replykit_bin, "render", "missing-items", "--order-id", "4521")
    assert done.returncode == errors.MISSING_FIELDS and done.stdout == ""
    assert "error: missing required field: name" in done.stderr
    assert "Traceback" not in done.stderr and "\x1b" not in done.stderr


def test_data_from_stdin(replykit_bin: str) -> None:
    done = sh(replykit_bin, "render", "missing-items", "--data", "-", stdin="name: Piped\norder_id: 0123\n")
    assert done.returncode == 0 and done.stdout.startswith("Dear Piped,")


def test_broken_pipe_exits_quietly(replykit_bin: str) -> None:
    for args in (["render", "missing-items", "--name", "A"], ["list"], ["show", "missing-items"]):
        proc = subprocess.Popen([replykit_bin, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader is gone before replykit writes a byte
        err = proc.stderr.read()
        assert proc.wait(timeout=60) == errors.BROKEN_PIPE, args
        assert err == b"", args


def test_pipeline_into_head(replykit_bin: str) -> None:
    done = subprocess.run(
        ["bash", "-c", f"'{replykit_bin}' show missing-items | head -1"], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.startswith("missing-items: ") and done.stderr == ""


def test_prompts_for_missing_fields_on_a_terminal(replykit_bin: str) -> None:
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [replykit_bin, "render", "missing-items", "--order-id", "4521"],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(terminal)
    deadline = time.monotonic() + 30
    assert proc.stderr is not None
    prompt = b""
    while b"name" not in prompt and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 1)
        if ready:
            prompt += os.read(proc.stderr.fileno(), 1024)
    assert b"name (The buyer's name" in prompt
    os.write(controller, b"Jo\n")
    out, err = proc.communicate(timeout=30)
    os.close(controller)
    assert proc.returncode == 0
    assert out.startswith(b"Dear Jo,\n")
    assert b"Dear" not in prompt + err


def test_completion_offers_scenario_ids(replykit_bin: str) -> None:
    env = {**os.environ, "_REPLYKIT_COMPLETE": "complete_bash", "COMP_WORDS": "replykit render miss", "COMP_CWORD": "2"}
    done = subprocess.run([replykit_bin], env=env, capture_output=True, text=True, timeout=60)
    assert "missing-items" in done.stdout.split()
    env["COMP_WORDS"] = "replykit show neg"
    done = subprocess.run([replykit_bin], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["negative-review"]


PARITY = [
    ["render", "missing-items", "--name", "Alice"],
    ["render", "missing-items", "--name=Ana", "--order-id", "0123", "--items", "mug, cap"],
    ["render", "--lang", "en", "late-delivery", "--name", "Jo", "--expected-date", "2026-12-03", "--carrier", "DHL",
     "--tracking-number", "LX1"],
    ["render", "missing-items", "--set", "name=-dash", "--set", "order_id=a=b"],
    ["render", "missing-items", "--name", "--help"],
    ["render", "missing-items", "--nme", "A"],
    ["render", "missing-items", "--name", ""],
    ["render", "missng-items"],
    ["render", "missing-items", "--lang", "xx"],
    ["render", "missing-items", "--name", "Ana", "--lang", "pl"],
    ["render", "refund-issued", "--name", "Ana", "--lang", "pt_BR", "--amount", "12.5", "--currency", "brl"],
    ["render", "refund-issued", "--name", "Ana", "--lang", "ru", "--amount", "12.5", "--currency", "EUD"],
    ["render", "missing-items", "--name", "Ana", "--lang", "pl-PL"],
    ["render", "missing-items", "--name", "Ana", "--lang", "sv"],
    ["render", "missing-items", "--name", "Ana", "--lang", "pl/PL"],
]  # fmt: skip


# Which PARITY cases the fast path does itself; the others it hands to the full command line untouched.
NOT_FAST = {5}  # --nme: not one of the scenario's options, so Click reports it with the closest ones


@pytest.mark.parametrize("index", range(len(PARITY)), ids=[" ".join(a[1:3]) + f"-{i}" for i, a in enumerate(PARITY)])
def test_each_parity_case_takes_the_path_it_claims(index: int, capfd: pytest.CaptureFixture[str]) -> None:
    handled = fastpath.main(PARITY[index]) is not None
    capfd.readouterr()
    assert handled == (index not in NOT_FAST)


@pytest.mark.parametrize("args", PARITY, ids=[" ".join(a[1:3]) + f"-{i}" for i, a in enumerate(PARITY)])
def test_fast_path_and_full_cli_agree(replykit_bin: str, args: list[str]) -> None:
    installed = sh(replykit_bin, *args)
    full = CliRunner().invoke(app, args)
    assert (installed.returncode, installed.stdout) == (full.exit_code, full.stdout)
    assert installed.stderr.replace("replykit", "").split() == full.stderr.replace("replykit", "").split() or (
        installed.returncode == 2
    )


@pytest.mark.parametrize(
    ("argv", "handled"),
    [
        (["render", "missing-items", "--name", "A"], True),
        (["render", "missing-items", "--help"], False),
        (["render", "missing-items", "-h"], False),
        (["render", "missing-items", "--data", "-"], False),
        (["render", "missing-items", "--name", "A", "--", "x"], False),
        (["render"], False),
        (["list"], False),
    ],
    ids=["plain", "help", "short-help", "stdin-data", "double-dash", "no-scenario", "other-command"],
)
def test_fast_path_only_takes_what_it_understands(argv: list[str], handled: bool) -> None:
    assert (fastpath.parse(argv[1:]) is not None and argv[0] == "render") == handled


def test_fast_path_options_are_render_options() -> None:
    from typer.main import get_command

    render = get_command(app).commands["render"]  # type: ignore[attr-defined]
    with render.make_context("render", ["--help"], resilient_parsing=True) as ctx:
        options = {opt for param in render.get_params(ctx) for opt in getattr(param, "opts", [])}
    assert fastpath.FAST <= options


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "replykit", "render", "missing-items", "--name", "M"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.startswith("Dear M,")


def test_bytes_that_are_not_utf8_pass_through_as_given(replykit_bin: str) -> None:
    done = subprocess.run(
        [replykit_bin.encode(), b"render", b"missing-items", b"--name", b"Ren\xe9"],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == b""
    assert done.stdout.startswith(b"Dear Ren\xe9,\n")


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (["--lang", "de"], ""),
        (["--lang", "pt_BR.UTF-8"], ""),
        (["--lang", "de-AT"], "warning: missing-items has no 'de-AT' reply; using 'de', the closest it has\n"),
    ],
)
def test_the_fast_path_renders_languages_without_the_full_cli(args: list[str], stderr: str) -> None:
    """Exact tags and fallbacks alike never import Typer, Click or Rich when stderr is not a terminal."""
    check = (
        "import sys\nfrom replykit.cli import fastpath\n"
        f"result = fastpath.main(['render', 'missing-items', '--name', 'A', *{args!r}])\n"
        "print(result, sorted(m for m in ('typer', 'click', 'rich') if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=60)
    assert done.stderr == stderr + "0 []\n"
    assert done.stdout.startswith("Guten Tag A,\n") or done.stdout.startswith("Olá, A,\n")


def test_version(replykit_bin: str) -> None:
    from replykit import __version__

    done = sh(replykit_bin, "--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"replykit {__version__}\n", "")


def test_version_loads_no_more_than_typer() -> None:
    from replykit import __version__

    check = (
        "import atexit, sys\n"
        "heavy = ('rich', 'yaml', 'jinja2', 'babel', 'langcodes', 'platformdirs')\n"
        "atexit.register(lambda: print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr))\n"
        "sys.argv = ['replykit', '--version']\n"
        "from replykit.cli.fastpath import run\nrun()\n"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"replykit {__version__}\n", "[]\n")


def test_list_on_a_terminal_fits_its_width(replykit_bin: str) -> None:
    import re

    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [replykit_bin, "list"], stdout=terminal, stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "60"}
    )
    os.close(terminal)
    out = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closes when replykit exits
            break
        if not chunk:
            break
        out += chunk
    os.close(controller)
    assert proc.wait(timeout=60) == 0
    lines = re.sub(r"\x1b\[[0-9;]*m", "", out.decode()).replace("\r\n", "\n").splitlines()
    assert lines[0].split() == ["id", "title", "tags"] and all(len(line) <= 60 for line in lines)
    assert "tracking-not-updating" in [line.split("  ")[0] for line in lines]
