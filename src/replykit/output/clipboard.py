"""Putting text on the system clipboard: a table of tools, then the OSC 52 terminal escape."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from replykit.errors import ClipboardUnavailable

OSC52 = "osc52"
_MISSING = "not installed"
_TIMEOUT = 10.0
_POWERSHELL_SCRIPT = (
    "$ms = New-Object IO.MemoryStream; [Console]::OpenStandardInput().CopyTo($ms); "
    "Set-Clipboard -Value ([Text.Encoding]::UTF8.GetString($ms.ToArray()))"
)


@dataclass(frozen=True)
class Backend:
    """A clipboard tool: where it applies, how to run it, and what to install to get it."""

    name: str
    argv: tuple[str, ...]
    platforms: tuple[str, ...]
    needs_env: str = ""
    encoding: str = "utf-8"
    env: tuple[tuple[str, str], ...] = ()
    install: str = ""

    def applies(self, environ: Mapping[str, str], platform: str) -> bool:
        """True when this tool belongs to the platform and its session variable is set."""
        return platform.startswith(self.platforms) and (not self.needs_env or bool(environ.get(self.needs_env)))

    def encode(self, text: str) -> bytes:
        # clip.exe reads UTF-16 when the input starts with a byte-order mark, and the ANSI code page otherwise.
        return ("\ufeff" + text).encode("utf-16-le") if self.encoding == "utf-16" else text.encode(self.encoding)


_UNIX = ("linux", "freebsd", "openbsd", "netbsd", "dragonfly", "sunos")
_UTF8_LOCALE = (("LC_ALL", "C.UTF-8"),)

BACKENDS: tuple[Backend, ...] = (
    Backend("wl-copy", ("wl-copy", "--type", "text/plain;charset=utf-8"), _UNIX, "WAYLAND_DISPLAY",
            install="wl-clipboard"),
    Backend("xclip", ("xclip", "-selection", "clipboard", "-in"), _UNIX, "DISPLAY", env=_UTF8_LOCALE, install="xclip"),
    Backend("xsel", ("xsel", "--clipboard", "--input"), _UNIX, "DISPLAY", env=_UTF8_LOCALE, install="xsel"),
    # pbcopy reads its input in the locale's encoding and falls back to Mac Roman without one.
    Backend("pbcopy", ("pbcopy",), ("darwin",), env=(("LANG", "en_US.UTF-8"), ("LC_ALL", "en_US.UTF-8"))),
    Backend("clip", ("clip",), ("win32", "cygwin", "msys"), encoding="utf-16"),
    Backend("powershell", ("powershell", "-NoProfile", "-NonInteractive", "-Command", _POWERSHELL_SCRIPT),
            ("win32", "cygwin", "msys")),
    # Windows Subsystem for Linux without a Linux display can still reach the Windows clipboard.
    Backend("clip.exe", ("clip.exe",), ("linux",), "WSL_DISTRO_NAME", encoding="utf-16"),
)  # fmt: skip


def candidates(environ: Mapping[str, str], platform: str, backends: Sequence[Backend] = BACKENDS) -> list[Backend]:
    """The tools that apply here, in the order they are tried."""
    return [b for b in backends if b.applies(environ, platform)]


def _run(backend: Backend, text: str, environ: Mapping[str, str]) -> str | None:
    """Run one tool; return None on success or a short reason it failed."""
    program = shutil.which(backend.argv[0], path=environ.get("PATH"))
    if program is None:
        return _MISSING
    # xclip, xsel and wl-copy fork a child that owns the selection until another program takes
    # it. The child must hold none of our pipes, or '| cat' would wait for it: its stdout goes to
    # /dev/null, its stderr to a file, and it runs in its own session.
    with tempfile.TemporaryFile() as errors:
        try:
            done = subprocess.run(
                [program, *backend.argv[1:]],
                input=backend.encode(text),
                stdout=subprocess.DEVNULL,
                stderr=errors,
                env={**environ, **dict(backend.env)},
                start_new_session=True,
                timeout=_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return f"no answer after {_TIMEOUT:g} seconds"
        except OSError as exc:
            return exc.strerror or str(exc)
        if done.returncode == 0:
            return None
        errors.seek(0)
        detail = errors.read(500).decode("utf-8", "replace").strip().splitlines()
        return f"exit status {done.returncode}" + (f" ({detail[0]})" if detail else "")


def osc52(text: str) -> bytes:
    """The OSC 52 escape that asks the terminal to put text on the clipboard."""
    return b"\x1b]52;c;" + base64.b64encode(text.encode("utf-8")) + b"\x07"


def _write_terminal(text: str, tty: str) -> str | None:
    """Send OSC 52 to the terminal (never to stdout); return None on success or why not."""
    try:
        fd = os.open(tty, os.O_WRONLY | os.O_NOCTTY)
    except OSError as exc:
        return f"no terminal ({exc.strerror or exc})"
    try:
        if not os.isatty(fd):
            return f"{tty} is not a terminal"
        os.write(fd, osc52(text))
    except OSError as exc:
        return exc.strerror or str(exc)
    finally:
        os.close(fd)
    return None


def _install_hint(environ: Mapping[str, str], platform: str, backends: Sequence[Backend], *, ran: bool) -> str:
    if ran:
        return "a clipboard tool is installed but failed: check that the display it names is reachable"
    if platform.startswith(_UNIX):
        if environ.get("WAYLAND_DISPLAY") or environ.get("DISPLAY"):
            tools = [b.install for b in candidates(environ, platform, backends) if b.install]
            return "install " + " or ".join(dict.fromkeys(tools)) + " (for example: sudo apt install xclip)"
        return (
            "no graphical session here (DISPLAY and WAYLAND_DISPLAY are unset): run replykit in a terminal "
            "that supports OSC 52 (over SSH too), or on a desktop with xclip, xsel or wl-clipboard installed"
        )
    if platform.startswith("darwin"):
        return "pbcopy ships with macOS; check that /usr/bin is on PATH"
    if platform.startswith(("win32", "cygwin", "msys")):
        return "clip.exe ships with Windows; check that C:\\Windows\\System32 is on PATH"
    return "copy from stdout instead: the reply was printed there"


def copy(
    text: str,
    *,
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    tty: str = "/dev/tty",
    backends: Sequence[Backend] = BACKENDS,
) -> str:
    """Put text on the clipboard and return the tool's name ('osc52' for the terminal escape).

    Raises ClipboardUnavailable naming every tool tried and what to install.
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    tried: list[str] = []
    ran = False
    for backend in candidates(environ, platform, backends):
        failure = _run(backend, text, environ)
        if failure is None:
            return backend.name
        ran = ran or failure != _MISSING
        tried.append(f"{backend.name}: {failure}")
    failure = _write_terminal(text, tty)
    if failure is None:
        return OSC52
    tried.append(f"OSC 52: {failure}")
    raise ClipboardUnavailable(
        "could not copy to the clipboard (" + "; ".join(tried) + ")",
        hint=_install_hint(environ, platform, backends, ran=ran),
    )
