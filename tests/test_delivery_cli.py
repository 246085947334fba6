"""render's output routes through the CLI: CliRunner for exact output, the installed script for real runs."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import pty
import select
import subprocess
import termios
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import Path

import pytest
from typer.main import get_command

from conftest import MakePack, headless_env, multi_script_pack, run, sh
from replykit import errors
from replykit.cli import fastpath
from replykit.cli.app import app
from replykit.options import RENDER as RENDER_TABLE
from replykit.options import RESERVED_FIELD_NAMES
from replykit.output import clipboard

INTL_PACK = multi_script_pack(emoji="Emoji: 📦🙂👍🏽 *not bold*")
INTL_SUBJECT = "Réclamation 注文 طلبك 📦 Zoë Ünal"
INTL_BODY = (
    "Bonjour Zoë Ünal, ça va ? Crème brûlée.\n日本語のテキスト、ありがとうございます。\nمرحبا، شكرا لك على رسالتك\n"
    "Emoji: 📦🙂👍🏽 *not bold*\n\nBest wishes,\nZoë\n"
)


@pytest.fixture
def intl(make_pack: MakePack) -> list[str]:
    """render's argv for a reply in several scripts."""
    return ["render", "intl", "--templates-dir", str(make_pack(INTL_PACK)), "--name", "Zoë Ünal"]


# --- formats -------------------------------------------------------------------------------------


def test_text_is_the_default_format(intl: list[str]) -> None:
    assert run(*intl) == (0, INTL_BODY, "")
    assert run(*intl, "--format", "text") == (0, INTL_BODY, "")


def test_subject_prints_one_line(intl: list[str]) -> None:
    assert run(*intl, "--format", "subject") == (0, INTL_SUBJECT + "\n", "")


def test_json_has_scenario_language_subject_body_and_values(intl: list[str]) -> None:
    code, out, err = run(*intl, "--format", "json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["scenario"] == "intl" and document["language"] == "en"
    assert (document["subject"], document["body"]) == (INTL_SUBJECT, INTL_BODY)
    assert document["values"]["name"] == "Zoë Ünal"
    assert "Zoë" in out  # UTF-8, not \\u escapes


def test_json_writes_dates_iso_and_decimals_as_strings(make_pack: MakePack) -> None:
    pack = make_pack(
        {
            "d/scenario.yaml": "title: t\nsummary: s\nfields:\n  due:\n    type: date\n    required: true\n"
            "  refund:\n    type: decimal\n    required: true\n",
            "d/en.j2": "Subject: s\n\n{{ due }} {{ refund }}\n",
        }
    )
    code, out, _ = run("render", "d", "--templates-dir", str(pack), "--due", "2026-03-14", "--refund", "12.50",
                       "--format", "json")  # fmt: skip
    assert code == 0
    values = json.loads(out)["values"]
    assert (values["due"], values["refund"]) == ("2026-03-14", "12.50")


def test_markdown_has_the_subject_heading_escaped_markup_and_hard_breaks(intl: list[str]) -> None:
    code, out, _ = run(*intl, "--format", "markdown")
    assert code == 0
    assert out.startswith(f"# {INTL_SUBJECT}\n\nBonjour Zoë Ünal, ça va ? Crème brûlée.\\\n")
    assert "Emoji: 📦🙂👍🏽 \\*not bold\\*\n\nBest wishes,\\\nZoë\n" in out


def test_mailto_is_one_ascii_line(intl: list[str]) -> None:
    code, out, _ = run(*intl, "--format", "mailto", "--to", "Zoë <zoe@example.com>", "--cc", "boss@example.com")
    assert code == 0 and out.isascii() and out.count("\n") == 1
    assert out.startswith("mailto:zoe@example.com?cc=boss%40example.com&subject=R%C3%A9clamation%20")
    assert "%0D%0A" in out and "%0A%0A" not in out


def test_eml_is_a_draft_with_sender_recipients_and_thread(intl: list[str]) -> None:
    code, out, err = run(
        *intl, "--format", "eml", "--from", "Boutique Hélène <shop@example.com>", "--to", '"Ünal, Zoë" <zoe@example.com>',
        "--cc", "boss@example.com", "--reply-to", "help@example.com", "--in-reply-to", "CAF-1@mail.example.com",
    )  # fmt: skip
    assert (code, err) == (0, "")
    message = BytesParser(policy=policy.default).parsebytes(out.encode("utf-8"))
    assert getaddresses([str(message["To"])]) == [("Ünal, Zoë", "zoe@example.com")]
    assert getaddresses([str(message["From"])]) == [("Boutique Hélène", "shop@example.com")]
    assert str(message["Subject"]) == INTL_SUBJECT
    assert str(message["In-Reply-To"]) == str(message["References"]) == "<CAF-1@mail.example.com>"
    assert message["X-Unsent"] is None and message.get_content() == INTL_BODY  # on stdout: a message to send


def test_eml_sender_from_the_environment(intl: list[str]) -> None:
    env = {"REPLYKIT_FROM": "env@example.com", "REPLYKIT_REPLY_TO": "help@example.com"}
    code, out, _ = run(*intl, "--format", "eml", "--to", "zoe@example.com", env=env)
    assert code == 0 and out.startswith("From: env@example.com\n") and "\nReply-To: help@example.com\n" in out
    # The variables are defaults for email only; other formats ignore them.
    assert run(*intl, env=env) == (0, INTL_BODY, "")


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--format", "eml", "--to", "zoe@example.com"], errors.USAGE, "error: an email needs a sender\n"
         "hint: pass --from shop@example.com, set REPLYKIT_FROM, or run 'replykit config set from ADDRESS'\n"),
        (["--to", "zoe@example.com"], errors.USAGE, "error: --to is not used by --format text\n"),
        (["--format", "eml", "--from", "s@example.com", "--to", "zoe"], errors.INVALID_VALUE,
         "error: --to: 'zoe' is not an email address: an address has exactly one '@'\n"),
        (["--format", "eml", "--from", "s@example.com", "--to", "a@example.com\nBcc: evil@example.com"],
         errors.UNSAFE_HEADER, "error: --to: 'a@example.com\\nBcc: evil@example.com' contains a line feed (U+000A)"),
        (["--format", "mailto", "--to", "=?utf-8?q?a=0Abcc:evil@x?= <a@example.com>"], errors.UNSAFE_HEADER,
         "looks like an RFC 2047 encoded word"),
        (["--format", "csv"], errors.USAGE, "Invalid value for '--format'"),
    ],
    ids=["no-sender", "to-with-text", "bad-address", "newline-in-address", "encoded-word", "unknown-format"],
)  # fmt: skip
def test_mail_option_errors(intl: list[str], extra: list[str], code: int, message: str) -> None:
    got, out, err = run(*intl, *extra, env={"REPLYKIT_FROM": ""})
    assert (got, out) == (code, "")
    assert message in err


@pytest.mark.parametrize("fmt", ["eml", "subject", "mailto"])
def test_a_line_break_in_a_field_cannot_reach_a_header(make_pack: MakePack, fmt: str) -> None:
    pack = make_pack(
        {"s/scenario.yaml": "title: t\nsummary: s\nfields:\n  name:\n", "s/en.j2": "Subject: {{ name }}\n\nhi\n"}
    )
    mail_options = ["--from", "s@example.com", "--to", "b@example.com"] if fmt == "eml" else []
    code, out, err = run("render", "s", "--templates-dir", str(pack), "--name", "Zoë\rBcc: evil@example.com",
                         "--format", fmt, *mail_options)  # fmt: skip
    # Refused as a value, before anything is rendered: a value is one line of text.
    assert (code, out) == (errors.INVALID_VALUE, "")
    assert "name (--name): 'Zoë\\rBcc: evil@example.com': holds a line break (U+000D)" in err


EML = ["--format", "eml", "--from", "shop@example.com", "--to", "zoe@example.com"]


ISSUE_TO = [("Anna Schmidt", "anna@example.com"), ("Bob Jones", "bob@example.com"), ("Zoë", "zoe@example.org")]
# Where Python 3.11.7's own folder put the comma between Bob and Zoë on a new line, as an encoded word.
AT_THE_FOLD = [("Anna Schmidt", "anna.schmidt.meyer@example.com"), *ISSUE_TO[1:]]


def test_the_issue_command_line_gives_a_draft_for_three_recipients(replykit_bin: str) -> None:
    args = ["render", "late-delivery", "--name", "Anna", "--order-id", "4521", "--expected-date", "2026-12-03",
            "--format", "eml", "--from", "shop@example.com"]  # fmt: skip
    args += [arg for name, addr in ISSUE_TO for arg in ("--to", f"{name} <{addr}>")]
    args += [arg for name, addr in AT_THE_FOLD for arg in ("--cc", f"{name} <{addr}>")]
    done = sh(replykit_bin, *args, text=False)
    assert (done.returncode, done.stderr) == (0, b"")
    message = BytesParser(policy=policy.default).parsebytes(done.stdout)
    assert getaddresses([str(message["To"])]) == ISSUE_TO
    assert getaddresses([str(message["Cc"])]) == AT_THE_FOLD


def test_x_unsent_is_in_a_draft_file_only_unless_the_flags_say_otherwise(intl: list[str], tmp_path: Path) -> None:
    def x_unsent(raw: bytes) -> str | None:
        return BytesParser(policy=policy.default).parsebytes(raw)["X-Unsent"]

    code, out, _ = run(*intl, *EML)
    assert code == 0 and x_unsent(out.encode()) is None  # stdout: what mutt, msmtp -t and scripts send as it is
    assert run(*intl, *EML, "-o", str(tmp_path / "a.eml"))[0] == 0
    assert x_unsent((tmp_path / "a.eml").read_bytes()) == "1"  # a file: a draft to open in Outlook or Thunderbird
    assert run(*intl, *EML, "--no-unsent", "-o", str(tmp_path / "b.eml"))[0] == 0
    assert x_unsent((tmp_path / "b.eml").read_bytes()) is None
    code, out, _ = run(*intl, *EML, "--unsent")
    assert code == 0 and x_unsent(out.encode()) == "1"


def test_the_clipboard_gets_no_x_unsent(replykit_bin: str, intl: list[str]) -> None:
    code, out, err, terminal = _run_on_a_terminal([replykit_bin, *intl, *EML, "--copy"], headless_env())
    assert code == 0, err
    assert terminal.startswith(b"\x1b]52;c;") and terminal.endswith(b"\x07")
    copied = base64.b64decode(terminal[len(b"\x1b]52;c;") : -1])
    assert copied == out and b"\nTo: zoe@example.com\n" in copied and b"X-Unsent" not in copied


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--unsent"], "error: --unsent is not used by --format text\nhint: use it with --format eml\n"),
        (["--format", "mailto", "--no-unsent"], "error: --no-unsent is not used by --format mailto\n"),
        (["--format", "markdown", "--references", "<a@x.example>"], "error: --references is not used by --format markdown\n"),
    ],
    ids=["unsent-text", "no-unsent-mailto", "references-markdown"],
)  # fmt: skip
def test_eml_only_options_are_refused_for_other_formats(intl: list[str], extra: list[str], message: str) -> None:
    code, out, err = run(*intl, *extra)
    assert (code, out) == (errors.USAGE, "")
    assert err.startswith(message)


def test_several_parents_and_a_references_chain_thread_the_reply(intl: list[str]) -> None:
    code, out, err = run(
        *intl, *EML, "--in-reply-to", "<p1@mail.example>", "--in-reply-to", "p2@mail.example",
        "--references", "<a@mail.example>", "--references", "<p1@mail.example>", "--in-reply-to", "<p1@mail.example>",
    )  # fmt: skip
    assert code == 0, err
    assert err == "warning: --in-reply-to <p1@mail.example> is given 2 times; it is used once\n"
    message = BytesParser(policy=policy.default).parsebytes(out.encode("utf-8"))
    assert str(message["In-Reply-To"]) == "<p1@mail.example> <p2@mail.example>"
    assert str(message["References"]) == "<a@mail.example> <p1@mail.example> <p2@mail.example>"


def test_mailto_carries_the_first_parent_and_says_so(intl: list[str]) -> None:
    code, out, err = run(*intl, "--format", "mailto", "--to", "zoe@example.com", "--in-reply-to", "<p1@mail.example>",
                         "--in-reply-to", "<p2@mail.example>")  # fmt: skip
    assert code == 0
    assert "?in-reply-to=%3Cp1%40mail.example%3E&subject=" in out and "p2" not in out
    assert "carries one --in-reply-to, the first (<p1@mail.example>)" in err


def _offset(zone: str) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(zone)).strftime("%z")


@pytest.mark.parametrize(
    ("profile_zone", "tz", "zone"),
    [
        ("Asia/Tokyo", None, "Asia/Tokyo"),
        ("America/Sao_Paulo", None, "America/Sao_Paulo"),
        ("Asia/Tokyo", "America/Sao_Paulo", "Asia/Tokyo"),
        (None, "Asia/Tokyo", "Asia/Tokyo"),
        (None, "America/Sao_Paulo", "America/Sao_Paulo"),
    ],
    ids=["tokyo-tz-unset", "sao-paulo-tz-unset", "profile-over-tz", "no-profile-zone-local-tokyo",
         "no-profile-zone-local-sao-paulo"],
)  # fmt: skip
def test_the_date_is_in_the_profile_time_zone_else_the_local_one(
    replykit_bin: str, intl: list[str], tmp_path: Path, profile_zone: str | None, tz: str | None, zone: str
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("default_profile: shop\nprofiles:\n  shop:\n    from: shop@example.com\n"
                      + (f"    timezone: {profile_zone}\n" if profile_zone else ""), encoding="utf-8")  # fmt: skip
    environ = {k: v for k, v in os.environ.items() if k != "TZ"}
    environ.update({"REPLYKIT_CONFIG": str(config), **({"TZ": tz} if tz else {})})
    done = sh(replykit_bin, *intl, "--format", "eml", "--to", "zoe@example.com", environ=environ, text=False)
    assert done.returncode == 0, done.stderr
    date = str(BytesParser(policy=policy.default).parsebytes(done.stdout)["Date"])
    assert date.endswith(" " + _offset(zone)), date


# --- --output ------------------------------------------------------------------------------------


def test_output_writes_the_file_and_refuses_to_overwrite(intl: list[str], tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "reply.md"
    assert run(*intl, "--format", "markdown", "--output", str(target)) == (0, "", f"note: wrote {target}\n")
    first = target.read_text(encoding="utf-8")
    assert first.startswith(f"# {INTL_SUBJECT}\n")
    code, out, err = run(*intl, "--output", str(target))
    assert (code, out) == (errors.INPUT_OUTPUT, "")
    assert err == f"error: --output {target}: the file exists\nhint: pass --force to replace it\n"
    assert target.read_text(encoding="utf-8") == first
    assert run(*intl, "-o", str(target), "--force", "--quiet") == (0, "", "")
    assert target.read_text(encoding="utf-8") == INTL_BODY
    assert os.listdir(tmp_path / "out") == ["reply.md"]


def test_output_to_a_missing_folder_is_an_io_error(intl: list[str], tmp_path: Path) -> None:
    code, _, err = run(*intl, "--output", str(tmp_path / "nope" / "reply.txt"))
    assert code == errors.INPUT_OUTPUT and "cannot write in" in err


# --- --copy without a clipboard and with OSC 52 ---------------------------------------------------


@pytest.mark.parametrize("quiet", [[], ["--quiet"]], ids=["plain", "quiet"])
def test_copy_with_no_clipboard_at_all_fails_clearly_and_still_prints(
    replykit_bin: str, intl: list[str], quiet: list[str]
) -> None:
    done = sh(replykit_bin, *intl, "--copy", *quiet, environ=headless_env(), text=False)
    assert done.returncode == errors.CLIPBOARD
    assert done.stdout == INTL_BODY.encode("utf-8")
    err = done.stderr.decode()
    assert err.startswith("error: could not copy to the clipboard (OSC 52: no terminal")
    assert "hint: no graphical session here" in err and "xclip" in err and "OSC 52" in err


def test_copy_missing_tools_under_x11_says_what_to_install(replykit_bin: str, intl: list[str], tmp_path: Path) -> None:
    done = sh(replykit_bin, *intl, "--copy", environ=headless_env(DISPLAY=":99", PATH=str(tmp_path)), text=False)
    assert done.returncode == errors.CLIPBOARD and done.stdout == INTL_BODY.encode("utf-8")
    err = done.stderr.decode()
    assert "xclip: not installed; xsel: not installed" in err
    assert "hint: install xclip or xsel" in err


def _run_on_a_terminal(argv: list[str], env: dict[str, str]) -> tuple[int, bytes, bytes, bytes]:
    """Run argv with a pseudo-terminal as its controlling terminal and stdin, stdout and stderr piped."""
    master, slave = pty.openpty()

    def take_terminal() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    try:
        proc = subprocess.Popen(
            argv, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
            start_new_session=True, preexec_fn=take_terminal,
        )  # fmt: skip
        os.close(slave)
        slave = -1
        out, err = proc.communicate(timeout=60)
        terminal = b""
        while select.select([master], [], [], 0.5)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            terminal += chunk
    finally:
        os.close(master)
        if slave >= 0:
            os.close(slave)
    return proc.returncode, out, err, terminal


def test_copy_over_ssh_uses_osc52_on_the_terminal_never_stdout(replykit_bin: str, intl: list[str]) -> None:
    code, out, err, terminal = _run_on_a_terminal([replykit_bin, *intl, "--copy"], headless_env())
    assert code == 0, err
    assert out == INTL_BODY.encode("utf-8") and b"\x1b" not in out
    assert terminal == clipboard.osc52(INTL_BODY)
    assert b"note: sent to the terminal's clipboard with OSC 52" in err


# --- options and the fast path ------------------------------------------------------------------

RENDER = get_command(app).commands["render"]  # type: ignore[attr-defined]


def _render_params() -> dict[str, bool]:
    """Every spelling of render's own options, as the Typer command declares them -> whether it takes a value."""
    group = get_command(app)
    with group.make_context("replykit", ["render"], resilient_parsing=True) as parent:
        ctx = RENDER.make_context("render", [], parent=parent, resilient_parsing=True)
        params = RENDER.get_params(ctx)
    return {
        opt: not getattr(param, "is_flag", False)
        for param in params
        if param.param_type_name == "option"
        for opt in [*param.opts, *param.secondary_opts]
    }


RENDER_PARAMS = _render_params()
RENDER_OPTIONS = sorted(opt for opt in RENDER_PARAMS if opt.startswith("--"))


@pytest.mark.parametrize("option", RENDER_OPTIONS)
def test_every_render_option_name_is_reserved_for_fields(option: str) -> None:
    assert option[2:].replace("-", "_") in RESERVED_FIELD_NAMES


def test_the_option_table_is_the_typer_command() -> None:
    """Same spellings, and the same answer to 'does it take a value', for every option of render."""
    table = {flag: option.takes_value for option in RENDER_TABLE for flag in option.flags}
    assert table == RENDER_PARAMS


@pytest.mark.parametrize("option", RENDER_OPTIONS)
def test_the_fast_path_knows_every_render_option(option: str) -> None:
    known = {flag for entry in RENDER_TABLE for flag in entry.flags}
    assert option in known


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "json"],
        ["--format=text"],
        ["--copy"],
        ["--copy", "--quiet"],
        ["-q"],
        ["--output", "reply.txt"],
        ["-o", "reply.txt"],
        ["--output=reply.txt", "--force"],
        ["--to", "b@example.com"],
        ["--from", "s@example.com"],
        ["--cc", "c@example.com"],
        ["--reply-to", "r@example.com"],
        ["--in-reply-to", "<m@example.com>"],
        ["--references", "<m@example.com>"],
        ["--unsent"],
        ["--no-unsent"],
    ],
    ids=lambda args: " ".join(args),
)
@pytest.mark.parametrize("where", ["before", "after"])
def test_the_fast_path_leaves_output_routes_to_the_full_cli(args: list[str], where: str) -> None:
    base = ["missing-items", "--name", "A"]
    argv = args + base if where == "before" else base + args
    assert fastpath.parse(argv) is None
