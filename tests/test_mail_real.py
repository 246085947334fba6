"""--format eml through real mail programs: mutt with a recording sendmail, msmtp -t into a local SMTP sink."""

from __future__ import annotations

import os
import socketserver
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path

import pytest

from conftest import MakePack, multi_script_pack, require
from conftest import parse_email as parse

# The line that starts with a dot must survive SMTP, which escapes such lines.
PACK = multi_script_pack(extra_lines=(".a line that starts with a dot",))
NAME = "Zoë Ünal"
SUBJECT = f"Réclamation 注文 طلبك 📦 {NAME}"
BODY = (
    f"Bonjour {NAME}, ça va ? Crème brûlée.\n日本語のテキスト、ありがとうございます。\nمرحبا، شكرا لك على رسالتك\n"
    ".a line that starts with a dot\nEmoji: 📦🙂👍🏽\n\nBest wishes,\nZoë\n"
)
SENDER = ("Boutique Hélène", "shop@example.com")
TO = [("Ünal, Zoë", "zoe@example.com"), ("Shop <EU> desk", "eu@example.com")]
CC = [("", "boss@example.com")]
PARENT = "<CAF-4521.x@mail.example.com>"


def quoted(name: str, addr: str) -> str:
    return f'"{name}" <{addr}>' if name else addr


def render_args(pack: Path) -> list[str]:
    args = ["render", "intl", "--templates-dir", str(pack), "--name", NAME, "--format", "eml"]
    for name, addr in TO:
        args += ["--to", quoted(name, addr)]
    for name, addr in CC:
        args += ["--cc", quoted(name, addr)]
    return [*args, "--in-reply-to", PARENT]


@pytest.fixture
def draft(replykit_bin: str, make_pack: MakePack, tmp_path: Path) -> Path:
    """An .eml file written by the installed script for ``mutt -H FILE``, which sends every header
    of the file: so without X-Unsent (--no-unsent). The sender comes from REPLYKIT_FROM."""
    path = tmp_path / "draft.eml"
    args = [*render_args(make_pack(PACK)), "--no-unsent", "--output", str(path)]
    env = {**os.environ, "REPLYKIT_FROM": quoted(*SENDER)}
    done = subprocess.run([replykit_bin, *args], capture_output=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return path


def piped(replykit_bin: str, pack: Path, consumer: list[str], *extra: str) -> subprocess.CompletedProcess[bytes]:
    """``replykit render ... | CONSUMER``: the message on stdout goes straight into a program that sends it."""
    env = {**os.environ, "REPLYKIT_FROM": quoted(*SENDER), "LC_ALL": "C.UTF-8"}
    producer = subprocess.Popen([replykit_bin, *render_args(pack), *extra], stdout=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, env=env)  # fmt: skip
    assert producer.stdout is not None
    try:
        done = subprocess.run(consumer, stdin=producer.stdout, capture_output=True, timeout=60, env=env)
    finally:
        producer.stdout.close()
        assert producer.wait(timeout=60) == 0
    return done


def assert_delivered(message: EmailMessage) -> None:
    """What comes out the other side: the same people, subject, thread and text."""
    assert getaddresses([str(message["From"])]) == [SENDER]
    assert getaddresses([str(v) for v in message.get_all("To", [])]) == TO
    assert getaddresses([str(v) for v in message.get_all("Cc", [])]) == CC
    assert str(message["Subject"]) == SUBJECT
    assert str(message["In-Reply-To"]) == PARENT
    assert PARENT in str(message["References"])
    assert message.get_content_type() == "text/plain"
    assert message.get_content().replace("\r\n", "\n") == BODY
    assert message["X-Unsent"] is None  # the buyer's Outlook would show an editable draft


# --- mutt ----------------------------------------------------------------------------------------


def mutt_command(draft_arg: str, stub: Path) -> list[str]:
    """mutt in batch mode: no muttrc, the stub as sendmail; it sends the draft without asking."""
    return [require("mutt")["mutt"], "-n", "-F", "/dev/null", "-e", f"set sendmail={stub}", "-H", draft_arg]


def mutt(draft_arg: str, stub: Path, stdin: bytes | None) -> subprocess.CompletedProcess[bytes]:
    """mutt_command run in a UTF-8 locale, as its users run it: in the C locale mutt turns every
    non-ASCII letter into '?'.
    """
    return subprocess.run(
        mutt_command(draft_arg, stub),
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=60,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )


def recipients_passed(stub: Path) -> list[str]:
    argv = (stub.parent / "argv").read_text().splitlines()
    return argv[argv.index("--") + 1 :] if "--" in argv else [a for a in argv if "@" in a]


def test_mutt_sends_the_draft_file(draft: Path, sendmail_stub: Path) -> None:
    done = mutt(str(draft), sendmail_stub, stdin=None)
    assert done.returncode == 0, done.stderr
    assert recipients_passed(sendmail_stub) == [addr for _, addr in TO + CC]
    assert_delivered(parse((sendmail_stub.parent / "stdin").read_bytes()))


def test_mutt_reads_the_draft_from_a_pipe(replykit_bin: str, make_pack: MakePack, sendmail_stub: Path) -> None:
    done = piped(replykit_bin, make_pack(PACK), mutt_command("-", sendmail_stub))
    assert done.returncode == 0, done.stderr
    assert recipients_passed(sendmail_stub) == [addr for _, addr in TO + CC]
    assert_delivered(parse((sendmail_stub.parent / "stdin").read_bytes()))


# --- msmtp -t into an SMTP sink ------------------------------------------------------------------


@dataclass
class Received:
    sender: str = ""
    recipients: list[str] = field(default_factory=list)
    data: bytes = b""


class _SinkHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to take one message: EHLO, MAIL, RCPT, DATA, QUIT."""

    timeout = 20

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        received = Received()
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline(10000):
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-sink")
                self.reply("250 8BITMIME")
            elif verb == "MAIL":
                received.sender = command.split(":", 1)[1].split()[0].strip("<>")
                self.reply("250 ok")
            elif verb == "RCPT":
                received.recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while (data := self.rfile.readline(100000)) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                received.data = b"".join(lines)
                self.server.messages.append(received)  # type: ignore[attr-defined]
                received = Received()
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_sink() -> Iterator[tuple[int, list[Received]]]:
    """An SMTP server on 127.0.0.1 and a free port, in a thread; shut down after the test."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SinkHandler)
    server.daemon_threads = True
    server.messages = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server.messages  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def msmtp(port: int) -> list[str]:
    return [require("msmtp")["msmtp"], "-C", "/dev/null", "--host=127.0.0.1", f"--port={port}", "--auth=off",
            "--tls=off", "--read-envelope-from", "-t"]  # fmt: skip


def test_msmtp_sends_the_draft_to_every_recipient(
    replykit_bin: str, make_pack: MakePack, smtp_sink: tuple[int, list[Received]]
) -> None:
    port, messages = smtp_sink
    done = piped(replykit_bin, make_pack(PACK), msmtp(port))
    assert done.returncode == 0, done.stderr
    (received,) = messages
    assert received.sender == SENDER[1]
    assert received.recipients == [addr for _, addr in TO + CC]
    assert b"X-Unsent" not in received.data
    assert_delivered(parse(received.data))


def test_msmtp_sends_to_several_recipients_whatever_the_line_breaks(
    replykit_bin: str, make_pack: MakePack, smtp_sink: tuple[int, list[Received]]
) -> None:
    """The recipients of the issue, and the same with a comma where Python 3.11.7's folder encoded it."""
    port, messages = smtp_sink
    issue = [("Anna Schmidt", "anna@example.com"), ("Bob Jones", "bob@example.com"), ("Zoë", "zoe@example.org")]
    at_the_fold = [("Anna Schmidt", "anna.schmidt.meyer@example.com"), *issue[1:]]
    extra = [arg for name, addr in at_the_fold for arg in ("--cc", f"{name} <{addr}>")]
    pack = make_pack(PACK)
    env = {**os.environ, "REPLYKIT_FROM": "shop@example.com"}
    args = ["render", "intl", "--templates-dir", str(pack), "--name", NAME, "--format", "eml", *extra]
    args += [arg for name, addr in issue for arg in ("--to", f"{name} <{addr}>")]
    made = subprocess.run([replykit_bin, *args], capture_output=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert made.returncode == 0, made.stderr
    done = subprocess.run(msmtp(port), input=made.stdout, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    (received,) = messages
    assert received.recipients == [addr for _, addr in issue + at_the_fold]
    message = parse(received.data)
    assert getaddresses([str(v) for v in message.get_all("To", [])]) == issue
    assert getaddresses([str(v) for v in message.get_all("Cc", [])]) == at_the_fold
    assert message["X-Unsent"] is None


@pytest.mark.parametrize("lang", ["ar", "ja", "ru", "de"])
def test_mutt_sends_a_built_in_reply_in_the_buyers_language(
    replykit_bin: str, sendmail_stub: Path, tmp_path: Path, lang: str
) -> None:
    args = ["render", "late-delivery", "--name", "Alice", "--order-id", "4521", "--tracking-number", "LX123456789CN",
            "--expected-date", "2026-12-03", "--lang", lang]  # fmt: skip
    text = subprocess.run([replykit_bin, *args], capture_output=True, check=True).stdout.decode("utf-8")
    subject = subprocess.run([replykit_bin, *args, "--format", "subject"], capture_output=True, check=True).stdout
    draft = tmp_path / "reply.eml"
    subprocess.run(
        [replykit_bin, *args, "--format", "eml", "--from", quoted(*SENDER), "--to", "alice@example.com",
         "-o", str(draft)], capture_output=True, check=True,
    )  # fmt: skip
    done = mutt(str(draft), sendmail_stub, stdin=None)
    assert done.returncode == 0, done.stderr
    assert recipients_passed(sendmail_stub) == ["alice@example.com"]
    sent = parse((sendmail_stub.parent / "stdin").read_bytes())
    # mutt drops Unicode format characters, the directional isolates among them, from the subjects it
    # sends (the draft has them: build_eml parses its own output back). They survive in the body.
    isolates = str.maketrans("", "", "\u2066\u2068\u2069")
    assert str(sent["Subject"]) == subject.decode("utf-8").rstrip("\n").translate(isolates)
    assert str(sent["Content-Language"]) == lang
    assert sent.get_content().replace("\r\n", "\n") == text
    if lang == "ar":
        assert "\u20664521\u2069" in text and "\u2066LX123456789CN\u2069" in text
