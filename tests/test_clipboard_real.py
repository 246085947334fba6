"""--copy against a real X clipboard: Xvfb, xclip and xsel, read back byte for byte."""

from __future__ import annotations

import os
import select
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import MakePack, headless_env, multi_script_pack, require
from replykit.errors import ClipboardUnavailable
from replykit.output import clipboard

# A reply in several scripts; the name adds a field value to the template's own text.
PACK = multi_script_pack(
    subject="Réclamation 注文 📦",
    latin="Bonjour {{ name }}, ça va ? Crème brûlée, Ørsted, Straße.",
    cjk="日本語のテキスト、ありがとうございます。中文，한국어.",
    emoji="Emoji: 📦🙂👍🏽👩‍👩‍👧",
)
NAME = "Zoë Ünal 😀"
BODY = (
    f"Bonjour {NAME}, ça va ? Crème brûlée, Ørsted, Straße.\n日本語のテキスト、ありがとうございます。中文，한국어.\n"
    "مرحبا، شكرا لك على رسالتك\nEmoji: 📦🙂👍🏽👩‍👩‍👧\n\nBest wishes,\nZoë\n"
).encode()


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    """A private X server on a display number it picks itself; stopped after the module's tests."""
    xvfb = require("Xvfb")["Xvfb"]
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-nolisten", "tcp", "-screen", "0", "320x240x24"],
        pass_fds=(write_end,),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    os.close(write_end)
    number = b""
    deadline = time.monotonic() + 30
    try:
        # Xvfb writes the display number once it accepts connections.
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            if select.select([read_end], [], [], 1)[0]:
                chunk = os.read(read_end, 16)
                if not chunk:
                    break
                number += chunk
        if not number.strip().isdigit():
            pytest.fail(f"Xvfb did not start (exit status {server.poll()})")
        yield ":" + number.decode().strip()
    finally:
        os.close(read_end)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def x_env(display: str, path: str | None = None) -> dict[str, str]:
    """The test's environment in an X session on ``display``, with PATH replaced if given."""
    return headless_env(DISPLAY=display) if path is None else headless_env(DISPLAY=display, PATH=path)


def read_clipboard(tool: str, display: str) -> bytes:
    argv = [tool, "-o", "-selection", "clipboard"] if tool.endswith("xclip") else [tool, "--clipboard", "--output"]
    return subprocess.run(argv, env=x_env(display), capture_output=True, timeout=10, check=True).stdout


def settled(tool: str, display: str, expected: bytes, timeout: float = 5.0) -> bytes:
    """The clipboard once it holds ``expected``, or what it holds after ``timeout`` seconds.

    xclip and xsel fork and claim the selection in the child, after the parent has exited, so
    for a few milliseconds after they return the previous owner may still answer.
    """
    deadline = time.monotonic() + timeout
    while True:
        got = read_clipboard(tool, display)
        if got == expected or time.monotonic() > deadline:
            return got
        time.sleep(0.05)


def take_clipboard(display: str, xclip: str) -> None:
    """Put something else on the clipboard so a test cannot pass on an earlier test's text."""
    subprocess.run([xclip, "-selection", "clipboard", "-in"], input=b"other", env=x_env(display),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, timeout=10)  # fmt: skip
    assert settled(xclip, display, b"other") == b"other"


def pipeline(
    replykit_bin: str, args: list[str], env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[bytes], float]:
    """`replykit ARGS | cat`, timed; the timeout fails the test if something holds the pipe open."""
    started = time.monotonic()
    done = subprocess.run(
        ["/bin/sh", "-c", '"$0" "$@" | /bin/cat', replykit_bin, *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        timeout=30,
    )
    return done, time.monotonic() - started


def test_copy_in_a_pipeline_finishes_at_once_and_round_trips_with_xclip(
    replykit_bin: str, make_pack: MakePack, display: str
) -> None:
    tools = require("xclip", "xsel")
    take_clipboard(display, tools["xclip"])
    args = ["render", "intl", "--templates-dir", str(make_pack(PACK)), "--name", NAME, "--copy"]
    done, seconds = pipeline(replykit_bin, args, x_env(display))
    assert done.returncode == 0, done.stderr
    assert seconds < 10, f"the pipeline waited {seconds:.1f}s: the clipboard owner holds our stdout"
    assert done.stdout == BODY
    assert done.stderr == b"note: copied to the clipboard with xclip\n"
    assert settled(tools["xclip"], display, BODY) == BODY
    assert settled(tools["xsel"], display, BODY) == BODY


def test_copy_with_only_xsel_installed(replykit_bin: str, make_pack: MakePack, display: str, tmp_path: Path) -> None:
    tools = require("xclip", "xsel")
    take_clipboard(display, tools["xclip"])
    only_xsel = tmp_path / "bin"
    only_xsel.mkdir()
    (only_xsel / "xsel").symlink_to(tools["xsel"])
    args = ["render", "intl", "--templates-dir", str(make_pack(PACK)), "--name", NAME, "--copy", "--quiet"]
    done, seconds = pipeline(replykit_bin, args, x_env(display, path=str(only_xsel)))
    assert done.returncode == 0, done.stderr
    assert seconds < 10
    assert (done.stdout, done.stderr) == (b"", b"")
    assert settled(tools["xclip"], display, BODY) == BODY
    assert settled(tools["xsel"], display, BODY) == BODY


def test_copy_puts_the_chosen_format_on_the_clipboard(replykit_bin: str, make_pack: MakePack, display: str) -> None:
    tools = require("xclip")
    take_clipboard(display, tools["xclip"])
    args = ["render", "intl", "--templates-dir", str(make_pack(PACK)), "--name", NAME, "--copy", "--format", "subject"]
    done, _ = pipeline(replykit_bin, args, x_env(display))
    assert done.returncode == 0
    subject = f"Réclamation 注文 📦 {NAME}\n".encode()
    assert done.stdout == settled(tools["xclip"], display, subject) == subject


@pytest.mark.parametrize("name", ["xclip", "xsel"])
def test_each_x11_backend_round_trips_from_the_core(display: str, name: str) -> None:
    tools = require("xclip", "xsel")
    take_clipboard(display, tools["xclip"])
    (backend,) = [b for b in clipboard.BACKENDS if b.name == name]
    text = BODY.decode("utf-8")
    assert clipboard.copy(text, environ=x_env(display), platform="linux", backends=[backend]) == name
    assert settled(tools["xclip"], display, BODY) == BODY


def test_an_unreachable_display_is_reported(tmp_path: Path) -> None:
    require("xclip", "xsel")
    with pytest.raises(ClipboardUnavailable) as caught:
        clipboard.copy("x", environ=x_env(":9999"), platform="linux", tty=str(tmp_path / "no-tty"))
    assert "xclip: exit status 1" in caught.value.message and "xsel: exit status" in caught.value.message
    assert "check that the display it names is reachable" in caught.value.hint
