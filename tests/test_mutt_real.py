"""The README's mutt and neomutt macros, run for real: a mail client in tmux, a Maildir, a recording sendmail.

The client shows a buyer's message from a local Maildir or mbox; the macro pipes it to `replykit reply`,
the agent types the scenario at the prompt, a second instance of the client opens the draft,
the editor (a script) adds a line, and `y` sends it to the sendmail stub. The test reads what
the stub was given: the threading headers, the recipient, the subject and the body.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import getaddresses
from pathlib import Path

import pytest

from conftest import REPLYKIT, editor, parse_email, require

# The macros exactly as the README gives them (mutt's muttrc, neomutt's neomuttrc).
MUTT_MACRO = r"""
macro index,pager \ea '<enter-command>unset pipe_decode<enter><pipe-message>r() { f=$(mktemp) && replykit reply "$@" >"$f" && mutt -e "set autoedit edit_headers" -H "$f" </dev/tty; rm -f "$f"; }; r ' "answer with replykit: type the scenario and its fields"
""".strip()
NEOMUTT_MACRO = MUTT_MACRO.replace("&& mutt ", "&& neomutt ")
assert NEOMUTT_MACRO != MUTT_MACRO

SHOP = ("Harbour Shop", "shop@example.com")
BUYER = ("Zoë Ünal", "zoe.unal@example.org")
ORDER_ID = "302-1234567-7654321"
MESSAGE_ID = "<CAF-4521.buyer@mail.example.org>"
EARLIER = ("<order-302-1234567-7654321@marketplace.amazon.de>", "<CAF-4400.shop@mail.example.com>")
SUBJECT = f"Missing item in order {ORDER_ID}"
BUYER_MESSAGE = f"""\
Return-Path: <{BUYER[1]}>
Message-ID: {MESSAGE_ID}
In-Reply-To: {EARLIER[1]}
References: {EARLIER[0]}
 {EARLIER[1]}
Date: Tue, 01 Dec 2026 09:15:00 +0100
From: =?utf-8?q?Zo=C3=AB_=C3=9Cnal?= <{BUYER[1]}>
To: {SHOP[0]} <{SHOP[1]}>
Subject: {SUBJECT}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hello,

my parcel for order {ORDER_ID} arrived today, but the USB-C cable is not in the box.
The charger and the case are there. Could you please send the cable?

Thanks,
Zoë

> On 28 Nov 2026, Harbour Shop wrote:
> Your order has been dispatched.
"""
# What the agent types at the prompt: the scenario and the one field the message cannot give.
TYPED = "missing-items --items 'USB-C cable'"
ADDED = "PS: the cable leaves today with tracking."
TIMEOUT = 30.0
RC = {"mutt": ".muttrc", "neomutt": ".neomuttrc"}


@dataclass
class Client:
    """A mail client running in a private tmux server."""

    socket: Path
    sent: Path  # the sendmail stub's record of what it was given
    argv: Path  # and of its arguments
    env: dict[str, str]  # the environment the client runs in

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), *args], capture_output=True, text=True, timeout=10, check=False
        )
        assert done.returncode == 0, f"tmux {' '.join(args)}: {done.stderr}"
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "mail")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", "mail", *(["-l"] if literal else []), *keys)

    def wait_for(self, pattern: str, timeout: float = TIMEOUT) -> str:
        """The screen once it shows ``pattern`` (a regular expression); fails with the screen after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if re.search(pattern, shown):
                return shown
            if time.monotonic() > deadline:
                pytest.fail(f"the screen never showed {pattern!r}; it shows:\n{shown}")
            time.sleep(0.1)

    def wait_sent(self, timeout: float = TIMEOUT) -> bytes:
        deadline = time.monotonic() + timeout
        while not self.sent.exists() or not self.sent.read_bytes().endswith(b"\n"):
            if time.monotonic() > deadline:
                pytest.fail(f"nothing was sent; the screen shows:\n{self.screen()}")
            time.sleep(0.1)
        return self.sent.read_bytes()


def mailbox(home: Path, kind: str) -> Path:
    """A Maildir or an mbox file holding the buyer's message, already seen.

    Piped from an mbox, the message starts with its "From " line.
    """
    (home / "Mail").mkdir()
    if kind == "mbox":
        box = home / "Mail" / "inbox"
        box.write_text(
            f"From {BUYER[1]} Tue Dec  1 08:15:00 2026\nStatus: RO\n" + BUYER_MESSAGE + "\n", encoding="utf-8"
        )
        return box
    box = home / "Mail" / "INBOX"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    (box / "cur" / "1795000000.4521.example:2,S").write_text(BUYER_MESSAGE, encoding="utf-8")
    return box


def muttrc(rc: Path, box: Path, stub: Path, edit: str, macro: str) -> None:
    """A user's configuration (the macro under test, the mailbox, sendmail) in the file the client reads by default.

    The second client, the one the macro starts, must find it there too.
    """
    home = rc.parent
    rc.write_text(
        "\n".join(
            [
                f"set folder={home / 'Mail'}",
                f"set spoolfile={box}",
                "set mbox_type=Maildir",
                f"set sendmail={shlex.quote(str(stub))}",
                f"set editor={shlex.quote(edit)}",
                'set record=""',  # no copy of sent mail to save
                # A user who reads piped mail decoded: the macro must still pipe the raw message.
                "set pipe_decode",
                "set weed",
                "set quit=yes",
                "set move=no",
                "set mark_old=no",
                "set charset=utf-8",
                macro,
                "",
            ]
        ),
        encoding="utf-8",
    )


StartClient = Callable[..., Client]


@pytest.fixture
def client_for(tmp_path: Path, sendmail_stub: Path, isolated_home: Path) -> Iterator[StartClient]:
    """Start a client (``mutt`` or ``neomutt``) with a macro, in tmux; the tmux server is killed after the test."""
    started: list[Client] = []

    def start(program: str, macro: str, folder: str = "maildir") -> Client:
        tools = require("tmux", program)
        box = mailbox(isolated_home, folder)
        edit = editor(tmp_path, f"files[0].write_text(files[0].read_text() + {ADDED!r} + '\\n')\n")
        muttrc(isolated_home / RC[program], box, sendmail_stub, edit, macro)
        # The macro runs `replykit` by name: the installed script under test comes first on PATH.
        path = [str(Path(REPLYKIT).parent)] if REPLYKIT else []
        drafts = tmp_path / "drafts"
        drafts.mkdir()
        env = {
            **os.environ,
            "TMPDIR": str(drafts),  # where the macro's mktemp puts the draft
            "PATH": os.pathsep.join([*path, os.environ.get("PATH", "")]),
            "LC_ALL": "C.UTF-8",
            "TERM": "screen",
            "REPLYKIT_FROM": f"{SHOP[0]} <{SHOP[1]}>",
        }
        client = Client(tmp_path / "tmux.sock", sendmail_stub.parent / "stdin", sendmail_stub.parent / "argv", env)
        command = shlex.quote(tools[program])
        subprocess.run(
            ["tmux", "-S", str(client.socket), "-f", "/dev/null", "new-session", "-d", "-x", "200", "-y", "50",
             "-s", "mail", command, ";", "set-option", "-t", "mail", "remain-on-exit", "on"],
            env=env, check=True, timeout=10,
        )  # fmt: skip
        started.append(client)
        return client

    yield start
    for client in started:
        subprocess.run(["tmux", "-S", str(client.socket), "kill-server"], capture_output=True, timeout=10)


CLIENTS = [pytest.param("mutt", MUTT_MACRO, id="mutt"), pytest.param("neomutt", NEOMUTT_MACRO, id="neomutt")]


def answer(client: Client, where: str, typed: str) -> None:
    """Open the buyer's message (pager) or stay on it in the index, press the macro's key, type at its prompt."""
    client.wait_for(re.escape(SUBJECT))
    if where == "pager":
        client.keys("Enter")
        client.wait_for("Could you please send the cable")
    client.keys("Escape", "a")
    client.wait_for("Pipe to command:")
    client.keys(typed, literal=True)
    client.keys("Enter")


def back_to(client: Client, where: str) -> None:
    """After the command, the client waits for a key, then shows the message or the index again."""
    client.wait_for("Press any key to continue")
    client.keys("Enter")
    client.wait_for("Could you please send the cable" if where == "pager" else re.escape(SUBJECT))


# id, client, where the macro is pressed, the kind of mailbox the message is read from.
RUNS = [
    (f"{program}-{where}-{folder}", program, macro, where, folder)
    for program, macro in (("mutt", MUTT_MACRO), ("neomutt", NEOMUTT_MACRO))
    for where, folder in (("index", "maildir"), ("pager", "maildir"), ("pager", "mbox"))
]


@pytest.mark.parametrize(("program", "macro", "where", "folder"), [r[1:] for r in RUNS], ids=[r[0] for r in RUNS])
def test_the_macro_sends_a_threaded_reply_to_the_buyer(
    client_for: StartClient, replykit_bin: str, program: str, macro: str, where: str, folder: str
) -> None:
    client = client_for(program, macro, folder=folder)
    answer(client, where, TYPED)
    # The second client opens the draft in the editor (headers and body), which adds a line, then composes.
    client.wait_for("y:Send")
    client.keys("y")
    sent = parse_email(client.wait_sent())
    back_to(client, where)
    assert str(sent["In-Reply-To"]) == MESSAGE_ID
    assert str(sent["References"]).split() == [*EARLIER, MESSAGE_ID]
    assert getaddresses([str(sent["To"])]) == [BUYER]
    assert getaddresses([str(sent["From"])]) == [SHOP]
    assert str(sent["Subject"]) == "Re: " + SUBJECT
    assert "X-Unsent" not in sent
    assert client.argv.read_text().split("\n")[-3:] == ["--", BUYER[1], ""]
    # What replykit wrote for this message, as the agent edited it.
    draft = subprocess.run(
        [replykit_bin, *shlex.split(f"reply {TYPED}")], input=BUYER_MESSAGE.encode(), capture_output=True,
        env=client.env, timeout=60, check=True,
    ).stdout  # fmt: skip
    body = sent.get_content().replace("\r\n", "\n")
    assert body == parse_email(draft).get_content().replace("\r\n", "\n") + ADDED + "\n"
    assert BUYER[0] in body and ORDER_ID in body
    assert not list(Path(client.env["TMPDIR"]).iterdir()), "the draft was left behind"


@pytest.mark.parametrize(("program", "macro"), CLIENTS)
def test_a_failed_reply_sends_nothing_and_says_why(client_for: StartClient, program: str, macro: str) -> None:
    client = client_for(program, macro)
    answer(client, "pager", "no-such-scenario")
    shown = client.wait_for("Press any key to continue")
    assert "error: unknown scenario 'no-such-scenario'" in shown
    client.keys("Enter")
    client.wait_for("Could you please send the cable")
    assert not client.sent.exists()
    assert not list(Path(client.env["TMPDIR"]).iterdir()), "the draft was left behind"


def test_the_readme_shows_the_macros_that_are_tested() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert MUTT_MACRO in readme
    assert NEOMUTT_MACRO in readme
