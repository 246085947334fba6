"""replykit batch --format mbox, maildir and eml: drafts read back by Python's mailbox and by the real mutt.

The command line runs as users run it: the installed script in a subprocess. mutt reads a
folder only on a terminal, so it runs on a pseudo-terminal, driven by keys it is given.
"""

from __future__ import annotations

import csv
import io
import mailbox
import os
import select
import signal
import subprocess
import time
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import pytest

from conftest import MakePack, parse_email, require, sh
from replykit import errors

PACK = {
    "notice/scenario.yaml": """
        title: Notice
        summary: A delay notice for tests
        fields:
          name:
            required: true
          order_id:
            default: ""
        """,
    "notice/en.j2": "Subject: Order {{ order_id }} for {{ name }}\n\nHello {{ name }},\nFrom Monday on, it ships.\n",
    "notice/de.j2": "Subject: Bestellung {{ order_id }} für {{ name }}\n\nHallo {{ name }},\n>From Montag an.\n",
    "notice/ja.j2": "Subject: ご注文 {{ order_id }}\n\n{{ name }} 様\n発送が遅れております。\n",
}
SENDER = ("Boutique Hélène", "shop@example.com")
FROM = f"{SENDER[0]} <{SENDER[1]}>"

# order id, name, to (as the export has it), lang; then what each draft must say.
ORDERS = [
    ("#1001", "Zoë Ünal", '"Ünal, Zoë" <zoe@example.com>', "de"),
    ("1002", "José Núñez", "jose@example.com", "en"),
    ("1003", "山田 花子", "hanako@example.jp", "ja"),
]
EXPECTED = [
    ([("Ünal, Zoë", "zoe@example.com")], "Bestellung #1001 für Zoë Ünal", "de", "Hallo Zoë Ünal,\n>From Montag an.\n"),
    ([("", "jose@example.com")], "Order 1002 for José Núñez", "en", "Hello José Núñez,\nFrom Monday on, it ships.\n"),
    ([("", "hanako@example.jp")], "ご注文 1003", "ja", "山田 花子 様\n発送が遅れております。\n"),
]


def export(path: Path, rows: Sequence[Sequence[str]] = ORDERS) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([("order_id", "name", "to", "lang"), *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def batch(
    replykit_bin: str, pack: Path, orders: Path, *args: str, text: bool = True
) -> subprocess.CompletedProcess[Any]:
    return sh(replykit_bin, "batch", "notice", str(orders), "--templates-dir", str(pack), "--from", FROM, *args,
              text=text)  # fmt: skip


def summary(message: Any) -> tuple[list[tuple[str, str]], str, str, str]:
    """To, Subject, Content-Language and body of a message, as a mail program reads them."""
    if not isinstance(message, EmailMessage):
        message = parse_email(bytes(message))
    to = getaddresses([str(v) for v in message.get_all("To", [])])
    return to, str(message["Subject"]), str(message["Content-Language"]), message.get_content()


def unquote_mboxrd(body: str) -> str:
    """Undo mboxrd quoting, as a reader that knows the format does (Python's mailbox does not)."""
    return "".join(line[1:] if line.lstrip(">").startswith("From ") else line for line in body.splitlines(True))


def maildir_messages(folder: Path) -> list[mailbox.MaildirMessage]:
    box = mailbox.Maildir(folder, factory=None, create=False)
    return [box[key] for key in box.keys()]


@pytest.mark.parametrize("fmt", ["mbox-stdout", "mbox-file", "maildir"])
def test_drafts_read_back_with_pythons_mailbox(
    replykit_bin: str, make_pack: MakePack, tmp_path: Path, fmt: str
) -> None:
    orders = export(tmp_path / "orders.csv")
    target = tmp_path / ("drafts" if fmt == "maildir" else "drafts.mbox")
    args = ["--format", fmt.split("-")[0]] + ([] if fmt == "mbox-stdout" else ["-o", str(target)])
    result = batch(replykit_bin, make_pack(PACK), orders, *args, text=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode().splitlines()[-1] == "note: batch: 3 written, 0 rejected"
    if fmt == "mbox-stdout":
        target.write_bytes(result.stdout)
    else:
        assert result.stdout == b""
    messages: list[Any]
    if fmt == "maildir":
        messages = maildir_messages(target)
        assert sorted(os.listdir(target)) == ["cur", "new", "tmp"]
        assert [(m.get_subdir(), m.get_flags()) for m in messages] == [("cur", "DS")] * 3
        got = sorted((summary(m) for m in messages), key=lambda s: [e[1] for e in EXPECTED].index(s[1]))
    else:
        messages = list(mailbox.mbox(target))
        got = [summary(parse_email(m.as_bytes())) for m in messages]
        got = [(to, subject, lang, unquote_mboxrd(body)) for to, subject, lang, body in got]
        assert all(m.get_from().startswith("shop@example.com ") for m in messages)
    assert got == EXPECTED
    for message in messages:
        parsed = parse_email(message.as_bytes())
        assert getaddresses([str(parsed["From"])]) == [SENDER]
        assert parsed["Message-ID"] and parsed["Date"]
        assert parsed["X-Unsent"] is None  # a draft in a folder: the folder says so, and mutt would send the header
        assert parsed.get_content_type() == "text/plain" and parsed.get_content_charset() == "utf-8"
    assert len({str(parse_email(m.as_bytes())["Message-ID"]) for m in messages}) == 3
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_mbox_quotes_from_lines_by_mboxrd(replykit_bin: str, make_pack: MakePack, tmp_path: Path) -> None:
    result = batch(replykit_bin, make_pack(PACK), export(tmp_path / "o.csv", ORDERS[:2]), "--format", "mbox")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line for line in lines if "From " in line and not line.startswith("From shop@example.com ")] == [
        ">>From Montag an.",
        ">From Monday on, it ships.",
    ]
    assert lines[0].startswith("From shop@example.com ") and result.stdout.endswith("ships.\n\n")


HOSTILE = [
    ("../x", "x.eml"),
    ("../../etc/passwd", "etc_passwd.eml"),
    ("/tmp/abs", "tmp_abs.eml"),
    ("a\\b", "a_b.eml"),
    ("..", "order-5.eml"),
    (".hidden", "hidden.eml"),
    ("CON", "order-CON.eml"),
    ("x", "x-2.eml"),
    ("X", "X.eml"),
    ("#1001", "1001.eml"),
    ("注文-7", "7.eml"),
    ("a" * 300, "a" * 100 + ".eml"),
]


def test_eml_folder_names_every_file_by_its_order_inside_the_folder(
    replykit_bin: str, make_pack: MakePack, tmp_path: Path
) -> None:
    rows = [(order_id, f"Buyer {n}", f"b{n}@example.com", "en") for n, (order_id, _) in enumerate(HOSTILE, 1)]
    folder = tmp_path / "work" / "drafts"
    (tmp_path / "work").mkdir()
    result = batch(
        replykit_bin, make_pack(PACK), export(tmp_path / "o.csv", rows), "--format", "eml", "-o", str(folder)
    )
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(folder)) == sorted(name for _, name in HOSTILE)
    for (order_id, name), (_, buyer, to, _) in zip(HOSTILE, rows, strict=True):
        message = parse_email((folder / name).read_bytes())
        assert (str(message["Subject"]), str(message["To"])) == (f"Order {order_id} for {buyer}", to), order_id
        assert str(message["X-Unsent"]) == "1"  # opened as a file, it is an editable draft in Thunderbird and Outlook
    assert sorted(os.listdir(tmp_path)) == ["o.csv", "pack0", "work"]
    assert os.listdir(tmp_path / "work") == ["drafts"]
    assert all(p.is_file() and not p.is_symlink() for p in folder.iterdir())


def test_eml_folder_content(replykit_bin: str, make_pack: MakePack, tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    result = batch(replykit_bin, make_pack(PACK), export(tmp_path / "o.csv"), "--format", "eml", "-o", str(folder))
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(folder)) == ["1001.eml", "1002.eml", "1003.eml"]
    assert [summary(parse_email((folder / f"{n}.eml").read_bytes())) for n in ("1001", "1002", "1003")] == EXPECTED
    # Files to open in Thunderbird or Outlook, which then show an editable draft.
    assert [parse_email((folder / f"{n}.eml").read_bytes())["X-Unsent"] for n in ("1001", "1002", "1003")] == ["1"] * 3


@pytest.mark.parametrize("fmt", ["mbox", "maildir", "eml"])
@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Sao_Paulo", None], ids=["tokyo", "sao-paulo", "no-zone"])
def test_the_drafts_date_is_in_the_profile_time_zone(
    replykit_bin: str, make_pack: MakePack, tmp_path: Path, fmt: str, zone: str | None
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    config = tmp_path / "config.yaml"
    config.write_text("default_profile: shop\nprofiles:\n  shop:\n" + (f"    timezone: {zone}\n" if zone else
                      "    lang: en\n"), encoding="utf-8")  # fmt: skip
    environ = {k: v for k, v in os.environ.items() if k != "TZ"}
    environ.update({"REPLYKIT_CONFIG": str(config), "TZ": "Europe/Berlin"})  # the profile's zone wins over TZ
    target = tmp_path / "drafts"
    result = sh(replykit_bin, "batch", "notice", str(export(tmp_path / "o.csv")), "--templates-dir",
                str(make_pack(PACK)), "--from", FROM, "--format", fmt, "-o", str(target), environ=environ)  # fmt: skip
    assert result.returncode == 0, result.stderr
    if fmt == "mbox":
        raws = [m.as_bytes() for m in mailbox.mbox(target)]
    else:
        raws = [p.read_bytes() for p in sorted((target / "cur" if fmt == "maildir" else target).iterdir())]
    offset = datetime.now(ZoneInfo(zone or "Europe/Berlin")).strftime("%z")
    assert len(raws) == 3
    assert [str(parse_email(raw)["Date"]).rsplit(" ", 1)[1] for raw in raws] == [offset] * 3


# --- existing targets ----------------------------------------------------------------------------


def _made_by_replykit(fmt: str, replykit_bin: str, pack: Path, path: Path, orders: Path) -> None:
    assert batch(replykit_bin, pack, orders, "--format", fmt, "-o", str(path)).returncode == 0


def _state(path: Path) -> Any:
    if path.is_symlink():
        return ("link", os.readlink(path))
    if path.is_file():
        return path.read_bytes()
    return sorted((str(p.relative_to(path)), p.read_bytes() if p.is_file() else None) for p in path.rglob("*"))


EXISTING = [
    ("mbox", "file", False, errors.INPUT_OUTPUT, "the file exists"),
    ("maildir", "replykit", False, errors.INPUT_OUTPUT, "the folder exists"),
    ("eml", "replykit", False, errors.INPUT_OUTPUT, "the folder exists"),
    ("maildir", "empty", False, errors.INPUT_OUTPUT, "the folder exists"),
    ("maildir", "own-folder", True, errors.INPUT_OUTPUT, "is not a Maildir written by replykit (it holds 'notes.txt')"),
    ("maildir", "mail-store", True, errors.INPUT_OUTPUT, "is not a Maildir written by replykit (it holds '.Sent')"),
    ("maildir", "file", True, errors.INPUT_OUTPUT, "is a regular file, not a folder"),
    ("eml", "own-folder", True, errors.INPUT_OUTPUT, "holds 'drafts/notes.txt', which replykit does not write there"),
    ("eml", "subfolder", True, errors.INPUT_OUTPUT, "holds 'drafts/keep', which replykit does not write there"),
    ("eml", "link", True, errors.INPUT_OUTPUT, "is a symbolic link"),
    ("maildir", "link", True, errors.INPUT_OUTPUT, "is a symbolic link"),
    ("eml", "maildir", True, errors.INPUT_OUTPUT, "which replykit does not write there"),
    ("mbox", "file", True, 0, ""),
    ("maildir", "replykit", True, 0, ""),
    ("eml", "replykit", True, 0, ""),
    ("maildir", "empty", True, 0, ""),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fmt", "existing", "force", "code", "message"),
    EXISTING,
    ids=[f"{fmt}-{existing}" + "-force" * force for fmt, existing, force, *_ in EXISTING],
)
def test_an_existing_output_is_replaced_only_with_force_and_only_as_replykit_wrote_it(
    replykit_bin: str, make_pack: MakePack, tmp_path: Path, fmt: str, existing: str, force: bool, code: int,
    message: str,
) -> None:  # fmt: skip
    pack = make_pack(PACK)
    orders = export(tmp_path / "o.csv")
    target = tmp_path / "drafts"
    if existing == "file":
        target.write_text("keep me")
    elif existing == "replykit":
        _made_by_replykit(fmt, replykit_bin, pack, target, export(tmp_path / "old.csv", ORDERS[:1]))
    elif existing == "maildir":
        _made_by_replykit("maildir", replykit_bin, pack, target, export(tmp_path / "old.csv", ORDERS[:1]))
    elif existing == "empty":
        target.mkdir()
    elif existing == "own-folder":
        target.mkdir()
        for sub in ("cur", "new", "tmp") if fmt == "maildir" else ():
            (target / sub).mkdir()
        (target / "notes.txt").write_text("mine")
    elif existing == "mail-store":
        for sub in ("cur", "new", "tmp", ".Sent/cur"):
            (target / sub).mkdir(parents=True)
    elif existing == "subfolder":
        (target / "keep").mkdir(parents=True)
        (target / "1001.eml").write_text("old")
    elif existing == "link":
        (tmp_path / "elsewhere").mkdir()
        target.symlink_to(tmp_path / "elsewhere")
    before = _state(target)
    result = batch(replykit_bin, pack, orders, "--format", fmt, "-o", str(target), *(["--force"] * force))
    assert result.returncode == code, result.stderr
    if code:
        assert message in result.stderr and "Traceback" not in result.stderr
        assert _state(target) == before
    else:
        after = mailbox.mbox(target) if fmt == "mbox" else maildir_messages(target) if fmt == "maildir" else None
        count = len(list(after)) if after is not None else len(os.listdir(target))
        assert count == 3
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


@pytest.mark.parametrize("fmt", ["maildir", "eml"])
def test_folder_formats_need_output(replykit_bin: str, make_pack: MakePack, tmp_path: Path, fmt: str) -> None:
    result = batch(replykit_bin, make_pack(PACK), export(tmp_path / "o.csv"), "--format", fmt)
    assert (result.returncode, result.stdout) == (errors.USAGE, "")
    assert f"--format {fmt} writes a folder: it needs --output DIR" in result.stderr


def test_rejected_orders_stay_out_of_the_drafts(replykit_bin: str, make_pack: MakePack, tmp_path: Path) -> None:
    rows = [*ORDERS[:1], ("2", "Ana", "", "en"), ("3", "", "c@example.com", "en"), ("4", "Bo", "not an address", "en")]
    folder = tmp_path / "drafts"
    result = batch(replykit_bin, make_pack(PACK), export(tmp_path / "o.csv", rows), "--format", "maildir", "-o",
                   str(folder))  # fmt: skip
    assert result.returncode == errors.ROWS_REJECTED, result.stderr
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == ["rejected"] * 3 + ["note"]
    assert "no address in column 'to'" in result.stderr
    assert [summary(m)[1] for m in maildir_messages(folder)] == [EXPECTED[0][1]]


def test_an_aborted_run_leaves_nothing(tmp_path: Path) -> None:
    from replykit.batch.mail import open_mail_writer
    from replykit.output.addresses import Mailbox

    for fmt in ("mbox", "maildir", "eml"):
        writer = open_mail_writer(fmt, tmp_path / fmt, force=False, sender=Mailbox("", "shop@example.com"))
        writer.abort()
    assert list(tmp_path.iterdir()) == []


# --- the real mutt -------------------------------------------------------------------------------


def on_terminal(args: list[str], keys: Sequence[tuple[bytes, bytes]] = (), timeout: float = 30) -> bytes:
    """Run a full-screen program on a pseudo-terminal: each (prompt, keys) pair types keys once prompt is
    on the screen. Returns everything it drew; the program is killed at ``timeout``."""
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "vt100", "LC_ALL": "C.UTF-8", "COLUMNS": "200", "LINES": "50"}
    process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    screen, pending, deadline = b"", list(keys), time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if pending and pending[0][0] in screen:
                os.write(master, pending.pop(0)[1])
                screen = b""
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    break
                if not data:
                    break
                screen += data
            elif process.poll() is not None:
                break
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
        os.close(master)
    assert process.returncode == 0, screen[-2000:]
    return screen


def mutt_args(*args: str) -> list[str]:
    """mutt without any muttrc; its first start asks to create ~/Mail (the test's home) unless it exists."""
    Path(os.environ["HOME"], "Mail").mkdir(exist_ok=True)
    return [require("mutt")["mutt"], "-n", "-F", "/dev/null", "-e", "unset record", *args]


MBOX_BODIES = {
    "de": "Hallo Zoë Ünal,\n>>From Montag an.\n",
    "en": "Hello José Núñez,\n>From Monday on, it ships.\n",
    "ja": EXPECTED[2][3],
}
CAPTURE = '#!/bin/sh\ncat > "$(dirname "$0")/captured/$$"\n'


@pytest.mark.parametrize("fmt", ["mbox", "maildir"])
def test_mutt_opens_the_drafts(replykit_bin: str, make_pack: MakePack, tmp_path: Path, fmt: str) -> None:
    """mutt lists every draft and decodes each one (headers and body) when it pipes them to a command."""
    target = tmp_path / f"drafts.{fmt}"
    result = batch(replykit_bin, make_pack(PACK), export(tmp_path / "o.csv"), "--format", fmt, "-o", str(target))
    assert result.returncode == 0, result.stderr
    capture = tmp_path / "capture"
    capture.write_text(CAPTURE)
    capture.chmod(0o755)
    (tmp_path / "captured").mkdir()
    screen = on_terminal(mutt_args(
        "-R", "-f", str(target), "-e", "set pipe_decode=yes pipe_split=yes wait_key=no",
        "-e", f'push "<tag-pattern>~A<enter><tag-prefix><pipe-message>{capture}<enter><exit>"',
    ))  # fmt: skip
    assert b"Msgs:3 " in screen
    piped = [parse_email(p.read_bytes()) for p in (tmp_path / "captured").iterdir()]
    # pipe_sep, a line break, follows every message piped.
    got = sorted((to, subject, lang, body.removesuffix("\n")) for to, subject, lang, body in map(summary, piped))
    if fmt == "mbox":  # mutt shows a message of an mbox as stored, its From lines quoted
        assert got == sorted((to, subject, lang, MBOX_BODIES[lang]) for to, subject, lang, _ in EXPECTED)
    else:
        assert got == sorted(EXPECTED)
    assert all(getaddresses([str(m["From"])]) == [SENDER] for m in piped)


def test_mutt_recalls_a_maildir_draft_and_sends_it(
    replykit_bin: str, make_pack: MakePack, tmp_path: Path, sendmail_stub: Path
) -> None:
    """With ``postponed`` set to the Maildir, ``mutt -p`` recalls a draft, sends it, and takes it out of the folder."""
    folder = tmp_path / "drafts"
    result = batch(replykit_bin, make_pack(PACK), export(tmp_path / "o.csv", ORDERS[:1]), "--format", "maildir",
                   "-o", str(folder))  # fmt: skip
    assert result.returncode == 0, result.stderr
    on_terminal(
        mutt_args("-e", f"set postponed={folder} sendmail={sendmail_stub} editor=true send_charset=utf-8", "-p"),
        keys=[(b"y:Send", b"y")],
    )
    argv = (sendmail_stub.parent / "argv").read_text().splitlines()
    assert argv[argv.index("--") + 1 :] == ["zoe@example.com"]
    sent = parse_email((sendmail_stub.parent / "stdin").read_bytes())
    assert summary(sent) == EXPECTED[0]
    assert getaddresses([str(sent["From"])]) == [SENDER] and sent["X-Unsent"] is None
    assert maildir_messages(folder) == []
