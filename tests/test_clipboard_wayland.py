"""--copy against a real Wayland clipboard: a headless sway, wl-copy, read back with wl-paste byte for byte.

sway rather than weston: weston's headless backend has no seat, and wl-copy refuses to run without
one ("Missing a seat"); sway always makes seat0 and speaks the wlr data-control protocol that
wl-clipboard uses without a focused window. sway also costs 24 Debian packages against weston's 60.
sway refuses to start as root, so as root the fixture runs it as nobody (setpriv, from util-linux).
"""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import MakePack, headless_env, multi_script_pack, require
from replykit.errors import CLIPBOARD, ClipboardUnavailable
from replykit.output import clipboard

NOBODY = 65534
# Written by sway's own `exec` once it has read its config and runs: the display name, then a rename.
CONFIG = """\
xwayland disable
exec printenv WAYLAND_DISPLAY > "$XDG_RUNTIME_DIR/display.tmp" && mv "$XDG_RUNTIME_DIR/display.tmp" "$XDG_RUNTIME_DIR/display"
"""
PIPE_SECONDS = 5.0


@dataclass(frozen=True)
class Wayland:
    """A running compositor: the runtime folder holding its socket, and the socket's name."""

    runtime_dir: str
    display: str

    def env(self, **extra: str) -> dict[str, str]:
        """The test's environment in this Wayland session, with no X display."""
        return headless_env(**{"XDG_RUNTIME_DIR": self.runtime_dir, "WAYLAND_DISPLAY": self.display, **extra})


def _tail(log: Path) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-15:])
    except OSError:
        return "(no log)"


@pytest.fixture(scope="module")
def wayland() -> Iterator[Wayland]:
    """A private headless sway; stopped after the module's tests."""
    tools = require("sway", "wl-copy", "wl-paste")
    drop: list[str] = []
    # The runtime folder is made by mkdtemp (mode 0700), under the system's temporary folder: the
    # unprivileged compositor cannot enter pytest's own root-only base folder.
    runtime = Path(tempfile.mkdtemp(prefix="replykit-wayland-"))
    (runtime / "config").write_text(CONFIG)
    if os.geteuid() == 0:
        # sway checks that it cannot regain root and refuses to start otherwise.
        drop = [require("setpriv")["setpriv"], f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        os.chown(runtime, NOBODY, NOBODY)
    log = Path(tempfile.mkstemp(prefix="replykit-sway-", suffix=".log")[1])
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(runtime),
        "XDG_RUNTIME_DIR": str(runtime),
        "WLR_BACKENDS": "headless",  # no screen, no GPU, no input devices
        "WLR_LIBINPUT_NO_DEVICES": "1",
        "WLR_RENDERER": "pixman",  # software rendering: no EGL or DRM device needed
        "LANG": "C.UTF-8",
    }
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [*drop, tools["sway"], "--config", str(runtime / "config")],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
            env=env,
            start_new_session=True,
        )
    try:
        ready = runtime / "display"
        deadline = time.monotonic() + 30
        while not ready.exists():
            if server.poll() is not None:
                pytest.fail(f"sway exited with status {server.returncode}:\n{_tail(log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"sway did not start within 30 seconds:\n{_tail(log)}")
            time.sleep(0.05)
        name = ready.read_text().strip()
        assert name and stat.S_ISSOCK((runtime / name).stat().st_mode), f"no socket {name!r}:\n{_tail(log)}"
        yield Wayland(str(runtime), name)
    finally:
        # The wl-copy servers left holding the clipboard exit when the compositor goes.
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        shutil.rmtree(runtime, ignore_errors=True)
        log.unlink(missing_ok=True)


def paste(session: Wayland) -> bytes:
    done = subprocess.run(
        ["wl-paste", "--no-newline"], env=session.env(), capture_output=True, timeout=10, start_new_session=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def settled(session: Wayland, expected: bytes, timeout: float = 5.0) -> bytes:
    """The clipboard once it holds ``expected``, or what it holds after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        got = paste(session)
        if got == expected or time.monotonic() > deadline:
            return got
        time.sleep(0.05)


def take_clipboard(session: Wayland) -> None:
    """Put something else on the clipboard so a test cannot pass on an earlier test's text."""
    subprocess.run(["wl-copy"], input=b"other", env=session.env(), stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, start_new_session=True, timeout=10, check=True)  # fmt: skip
    assert settled(session, b"other") == b"other"


@dataclass(frozen=True)
class Piped:
    returncode: int
    stdout: bytes
    stderr: bytes
    seconds: float  # from start until both pipes reached end of file


def piped_to_cat(replykit_bin: str, args: list[str], env: dict[str, str]) -> Piped:
    """`replykit ARGS | cat`, read until both pipes close; fails if that takes PIPE_SECONDS or more.

    If the clipboard's server held replykit's stdout or stderr, the pipe would stay open as long as
    the clipboard is owned, and this would fail instead of hanging.
    """
    started = time.monotonic()
    proc = subprocess.Popen(
        ["/bin/sh", "-c", '"$0" "$@" | /bin/cat', replykit_bin, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.fileno(), proc.stderr.fileno()
    chunks: dict[int, list[bytes]] = {out: [], err: []}
    with selectors.DefaultSelector() as selector:
        for stream in (proc.stdout, proc.stderr):
            selector.register(stream, selectors.EVENT_READ)
        while selector.get_map():
            left = started + PIPE_SECONDS - time.monotonic()
            events = selector.select(timeout=max(left, 0))
            if not events:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
                pytest.fail(f"`replykit ... --copy | cat` did not reach end of file within {PIPE_SECONDS:g} s")
            for key, _ in events:
                data = os.read(key.fd, 65536)
                if data:
                    chunks[key.fd].append(data)
                else:
                    selector.unregister(key.fileobj)
    seconds = time.monotonic() - started
    returncode = proc.wait(timeout=10)
    proc.stdout.close()
    proc.stderr.close()
    return Piped(returncode, b"".join(chunks[out]), b"".join(chunks[err]), seconds)


REORDER = "--set order_id=123-1234567-1234567 --set items=USB-Kabel --set remedy=reship"
# id, the scenario's arguments, text the reply must hold (so a test cannot pass on an empty or ASCII reply).
CASES = [
    ("ja-cjk", f"missing-items --lang ja {REORDER}", "Zoë 😀", ("Zoë 😀 様", "ご連絡いただき")),
    ("ar-arabic", f"missing-items --lang ar {REORDER}", "Zoë 😀", ("مرحبًا", "\u2068Zoë 😀\u2069")),
    ("fr-accents", f"missing-items --lang fr {REORDER}", "Zoë Ünal 👩‍👩‍👧", ("Zoë Ünal 👩‍👩‍👧", "désolés")),
    ("de-eszett", f"missing-items --lang de {REORDER}", "Jürgen Weiß 👍🏽", ("Jürgen Weiß 👍🏽", "ß")),
    ("mixed-scripts", "intl", "Zoë 😀", ("ça va", "日本語", "مرحبا", "📦🙂👍🏽")),
]


@pytest.mark.parametrize(("args", "name", "holds"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_copy_in_a_pipeline_ends_at_once_and_wl_paste_gives_the_same_bytes(
    replykit_bin: str, make_pack: MakePack, wayland: Wayland, args: str, name: str, holds: tuple[str, ...]
) -> None:
    take_clipboard(wayland)
    argv = ["render", *args.split(), "--set", f"name={name}", "--no-input", "--copy"]
    if argv[1] == "intl":
        argv += ["--templates-dir", str(make_pack(multi_script_pack()))]
    done = piped_to_cat(replykit_bin, argv, wayland.env())
    assert done.returncode == 0, done.stderr.decode()
    assert done.seconds < PIPE_SECONDS
    assert done.stderr == b"note: copied to the clipboard with wl-copy\n"
    text = done.stdout.decode("utf-8")
    assert all(part in text for part in holds), text
    # replykit has exited: the clipboard is now served by the wl-copy it started.
    assert settled(wayland, done.stdout) == done.stdout


def test_quiet_copy_prints_nothing_and_still_copies(replykit_bin: str, wayland: Wayland) -> None:
    take_clipboard(wayland)
    argv = ["render", "missing-items", "--lang", "ja", *REORDER.split(), "--set", "name=Zoë 😀", "--no-input"]
    expected = subprocess.run([replykit_bin, *argv], env=headless_env(), capture_output=True, timeout=60, check=True)
    done = piped_to_cat(replykit_bin, [*argv, "--copy", "--quiet"], wayland.env())
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert "様".encode() in expected.stdout
    assert settled(wayland, expected.stdout) == expected.stdout


def test_wayland_is_chosen_over_x_when_both_are_set(replykit_bin: str, make_pack: MakePack, wayland: Wayland) -> None:
    # Under Xwayland both variables are set; the X display here does not even exist.
    take_clipboard(wayland)
    argv = ["render", "intl", "--templates-dir", str(make_pack(multi_script_pack())), "--set", "name=Zoë", "--copy"]
    done = piped_to_cat(replykit_bin, argv, wayland.env(DISPLAY=":9999"))
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b"note: copied to the clipboard with wl-copy\n"
    assert settled(wayland, done.stdout) == done.stdout


def test_the_wl_copy_backend_round_trips_from_the_core(wayland: Wayland) -> None:
    take_clipboard(wayland)
    (backend,) = [b for b in clipboard.BACKENDS if b.name == "wl-copy"]
    text = "Zoë 注文 مرحبا 📦👍🏽\n\nno trailing newline"
    assert clipboard.copy(text, environ=wayland.env(), platform="linux", backends=[backend]) == "wl-copy"
    assert settled(wayland, text.encode()) == text.encode()


def test_the_clipboard_offers_the_plain_text_types_other_programs_ask_for(wayland: Wayland) -> None:
    take_clipboard(wayland)
    clipboard.copy("Zoë", environ=wayland.env(), platform="linux")
    deadline = time.monotonic() + 5
    while True:
        types = subprocess.run(["wl-paste", "--list-types"], env=wayland.env(), capture_output=True, timeout=10)
        offered = types.stdout.decode().split()
        if "text/plain;charset=utf-8" in offered or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert {"text/plain;charset=utf-8", "text/plain", "UTF8_STRING"} <= set(offered), offered


def test_an_unreachable_wayland_display_is_reported(replykit_bin: str, wayland: Wayland, tmp_path: Path) -> None:
    env = wayland.env(WAYLAND_DISPLAY="wayland-nothing-here")
    with pytest.raises(ClipboardUnavailable) as caught:
        clipboard.copy("x", environ=env, platform="linux", tty=str(tmp_path / "no-tty"))
    assert "wl-copy: exit status 1" in caught.value.message
    assert "check that the display it names is reachable" in caught.value.hint
    # From the command line: the reply still reaches stdout, and the failure has its own exit code.
    argv = ["render", "missing-items", *REORDER.split(), "--set", "name=Zoë", "--no-input", "--copy"]
    done = subprocess.run([replykit_bin, *argv], env=env, capture_output=True, timeout=60, start_new_session=True)
    assert done.returncode == CLIPBOARD
    assert "Zoë".encode() in done.stdout
    assert b"wl-copy: exit status 1" in done.stderr and b"Traceback" not in done.stderr
