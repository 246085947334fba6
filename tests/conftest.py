"""Shared fixtures and helpers: every test runs with its own user folders, never the real home.

Test modules import the plain helpers by name: ``from conftest import run, sh``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# replykit is imported inside the helpers that need it: an import error in conftest would stop
# every test, while the code under test is being reorganised.
if TYPE_CHECKING:
    from replykit.packs.library import Library
    from replykit.packs.scenario import Scenario
    from replykit.rendering.templates import Reply

MakePack = Callable[[dict[str, str]], Path]

# The script beside this interpreter (the venv under test), else whatever is on PATH.
_BESIDE = Path(sys.executable).parent / "replykit"
REPLYKIT = str(_BESIDE) if _BESIDE.exists() else shutil.which("replykit")


@pytest.fixture(scope="session")
def language_model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of the language identifier's model for the whole run: each home links to it (it is 65 MB)."""
    folder = tmp_path_factory.mktemp("langid")
    folder.chmod(0o700)
    return folder


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, language_model_cache: Path
) -> Path:
    """Point the per-user data, config and cache folders at a temporary home."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache")):
        monkeypatch.setenv(var, str(home / sub))
    (home / "cache" / "replykit").mkdir(parents=True, mode=0o700)
    (home / "cache").chmod(0o700)
    (home / "cache" / "replykit" / "langid").symlink_to(language_model_cache, target_is_directory=True)
    monkeypatch.setenv("HOME", str(home))
    for var in ("REPLYKIT_PATH", "REPLYKIT_CONFIG", "REPLYKIT_PROFILE", "VISUAL", "EDITOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return home


def build_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: dedented text}`` under root and return root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_pack(tmp_path: Path) -> MakePack:
    """Build a scenario pack from a dict of files; each call makes a new folder."""
    counter = iter(range(1000))

    def make(files: dict[str, str]) -> Path:
        return build_tree(tmp_path / f"pack{next(counter)}", files)

    return make


@pytest.fixture
def replykit_bin() -> str:
    """The installed console script, as users run it."""
    if REPLYKIT is None:
        pytest.fail("the replykit console script is not installed (pip install .)")
    return REPLYKIT


def multi_script_pack(
    *,
    subject: str = "Réclamation 注文 طلبك 📦",
    latin: str = "Bonjour {{ name }}, ça va ? Crème brûlée.",
    cjk: str = "日本語のテキスト、ありがとうございます。",
    arabic: str = "مرحبا، شكرا لك على رسالتك",
    extra_lines: tuple[str, ...] = (),
    emoji: str = "Emoji: 📦🙂👍🏽",
) -> dict[str, str]:
    """Files of scenario ``intl``: one field, ``name``, and an English reply mixing Latin, CJK, Arabic and emoji.

    Each keyword replaces one line of the template; ``extra_lines`` go between the Arabic and the emoji line.
    """
    body = (latin, cjk, arabic, *extra_lines, emoji)
    lines = ("Subject: " + subject + " {{ name }}", "", *body, "", "Best wishes,", "Zoë")
    return {
        "intl/scenario.yaml": "title: Intl\nsummary: Every script\nfields:\n  name:\n",
        "intl/en.j2": "\n".join(lines) + "\n",
    }


def run(*args: str, stdin: str | None = None, env: Mapping[str, str | None] | None = None) -> tuple[int, str, str]:
    """Run the command line in-process through Typer's CliRunner: (exit code, stdout, stderr)."""
    from typer.testing import CliRunner

    from replykit.cli.app import app

    result = CliRunner().invoke(app, list(args), input=stdin, env=env)
    return result.exit_code, result.stdout, result.stderr


def sh(
    replykit_bin: str,
    *args: str,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
    text: bool = True,
) -> subprocess.CompletedProcess[Any]:
    """Run the installed script as cron or a CI job would: no controlling terminal, output captured.

    stdin is the given text, else nothing. ``env`` adds variables to the test's environment;
    ``environ`` replaces that environment. ``text=False`` gives stdout and stderr as bytes.
    """
    return subprocess.run(
        [replykit_bin, *args],
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=text,
        env={**(os.environ if environ is None else environ), **(env or {})},
        start_new_session=True,
        timeout=60,
    )


SENDMAIL_STUB = """#!/bin/sh
# A sendmail that records how it was called and what it was given.
printf '%s\\n' "$@" > "$(dirname "$0")/argv"
cat > "$(dirname "$0")/stdin"
"""


@pytest.fixture
def sendmail_stub(tmp_path: Path) -> Path:
    """A recording sendmail: after a run, ``argv`` and ``stdin`` beside it hold its arguments and input."""
    folder = tmp_path / "stub"
    folder.mkdir()
    stub = folder / "sendmail"
    stub.write_text(SENDMAIL_STUB)
    stub.chmod(0o755)
    return stub


def headless_env(**extra: str) -> dict[str, str]:
    """The test's environment without any display, so no clipboard tool applies; ``extra`` sets variables."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "WSL_DISTRO_NAME")}
    env.update(extra)
    return env


# The Debian packages of the real tools some tests drive.
APT_PACKAGES = {
    "Xvfb": "xvfb",
    "xclip": "xclip",
    "xsel": "xsel",
    "mutt": "mutt",
    "msmtp": "msmtp",
    "sway": "sway",
    "wl-copy": "wl-clipboard",
    "wl-paste": "wl-clipboard",
    "setpriv": "util-linux",
    "tmux": "tmux",
    "neomutt": "neomutt",
}


def require(*tools: str) -> dict[str, str]:
    """Paths of the tools; skip without them on a workstation, but fail in CI, where they must exist."""
    found = {tool: shutil.which(tool) for tool in tools}
    missing = [tool for tool, path in found.items() if path is None]
    if missing:
        packages = " ".join(APT_PACKAGES.get(tool, tool) for tool in missing)
        message = f"not installed: {', '.join(missing)} (apt-get install {packages})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {tool: str(path) for tool, path in found.items()}


def parse_email(raw: bytes) -> EmailMessage:
    """A message as a mail client reads it."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def render(library: Library, scenario: Scenario, values: dict[str, Any], lang: str = "en", **kw: Any) -> Reply:
    """Render a scenario of the library with values as typed on the command line; ``kw`` go to resolve_values."""
    from replykit.packs.fields import resolve_values
    from replykit.rendering.templates import render_scenario

    return render_scenario(scenario, resolve_values(scenario.fields, cli=values, **kw), lang=lang, roots=library.roots)


def required_values(scenario: Scenario) -> dict[str, str]:
    """The example of every required field that has one."""
    return {f.name: f.example for f in scenario.fields if f.required and f.example is not None}


def editor(tmp_path: Path, code: str) -> str:
    """A real editor: a script that gets the files as arguments, as vi or code --wait would."""
    script = tmp_path / "editor.py"
    script.write_text("import sys\nfrom pathlib import Path\nfiles = [Path(a) for a in sys.argv[1:]]\n" + code)
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"


def make_special(kind: str, path: Path) -> None:
    """Put something that is not a plain file at ``path``: a folder, FIFO, socket, a link to a device or
    to a folder, or a sparse file of N bytes (``sparse-N``, no disk used: the size is only a hole)."""
    import os
    import socket

    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(os.path.relpath(path))  # relative: AF_UNIX paths are short
        sock.close()
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "dev-null-link":
        path.symlink_to(os.devnull)
    elif kind == "folder-link":
        (path.parent / "real-folder").mkdir()
        path.symlink_to(path.parent / "real-folder")
    elif kind.startswith("sparse-"):
        with path.open("wb") as handle:
            handle.truncate(int(kind.removeprefix("sparse-")))
    else:  # pragma: no cover
        raise AssertionError(kind)
