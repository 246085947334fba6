"""``replykit reply`` and ``replykit triage``: the installed command, fed buyers' emails as a mail client pipes them."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest

import mailfixtures as mail
from replykit import errors

SHOP = "Harbour Shop <shop@example.com>"
LANGUAGES = ("en", "de", "nl", "fr", "es", "it", "pt-BR", "pl", "ru", "ja", "ko", "ar")


def replykit(
    replykit_bin: str, *args: str, message: bytes | None = b"", **env: str
) -> subprocess.CompletedProcess[bytes]:
    """The installed replykit with ``message`` on stdin (None: no stdin at all), REPLYKIT_FROM set."""
    return subprocess.run(
        [replykit_bin, *args],
        input=message,
        stdin=subprocess.DEVNULL if message is None else None,
        capture_output=True,
        env={**os.environ, "REPLYKIT_FROM": SHOP, **env},
        timeout=60,
    )


def parsed(raw: bytes) -> Any:
    return BytesParser(policy=policy.default).parsebytes(raw)


# fixture, scenario, headers expected on the reply, body text expected, stderr text expected
THREADED: list[tuple[str, Callable[[], bytes], str, dict[str, str | None], str, str]] = [
    ("amazon-alias", mail.amazon_buyer, "missing-items",
     {"To": "Anna Schmidt - Amazon Marketplace <8x3kq1v9zp4lw2r@marketplace.amazon.de>",
      "Subject": f"Re: Frage zu Bestellung {mail.AMAZON_ORDER} von Kunde Anna Schmidt",
      "In-Reply-To": "<buyer-1@mail.example.com>", "References": "<buyer-1@mail.example.com>",
      "Content-Language": "de"},
     "Guten Tag Anna Schmidt,", "channel: amazon (the sender is an Amazon buyer alias)"),
    ("ebay-relay", mail.ebay_buyer, "missing-items",
     {"To": "anna_s1987 via eBay <anna_s1987.x7q2@members.ebay.com>",
      "Subject": "Re: Anna has sent a question about item #334455667788", "Content-Language": "en"},
     mail.EBAY_ORDER, "channel: ebay (the sender is an eBay member relay)"),
    ("stacked-prefixes", mail.stacked_subject, "follow-up",
     {"Subject": f"Re: Bestellung {mail.AMAZON_ORDER}", "Content-Language": "de"}, mail.AMAZON_ORDER,
     "order_id '" + mail.AMAZON_ORDER + "' (an Amazon order id in the subject)"),
    ("thread-chain", mail.threaded, "missing-items",
     {"In-Reply-To": "<buyer-1@mail.example.com>",
      "References": "<buyer-0@mail.example.com> <shop-2@example.com> <buyer-1@mail.example.com>"},
     "Dear Anna Schmidt,", "language: en"),
    ("reply-to-only", mail.reply_to_only, "missing-items", {"To": "Anna <anna@example.com>"}, "Dear Anna,",
     "name 'Anna'"),
    ("mbox-from-line", mail.mbox_from_line, "missing-items", {"To": "Anna Schmidt <anna@example.com>"},
     "Dear Anna Schmidt,", "from the message"),
    ("crlf", mail.crlf, "missing-items", {"In-Reply-To": "<buyer-1@mail.example.com>"}, "Dear Anna Schmidt,",
     "from the message"),
    ("html-only", mail.html_only, "missing-items", {"To": "Anna Schmidt <anna@example.com>"}, "Anna Schmidt",
     "language:"),
    ("iso-2022-jp", mail.iso_2022_jp, "missing-items", {"Content-Language": "ja"}, "様", "language: ja"),
    ("windows-1251", mail.windows_1251, "missing-items", {"Content-Language": "ru"}, "Здравствуйте",
     "language: ru"),
    ("quoted-german-reply", lambda: mail.quoted_reply("de"), "missing-items",
     {"Content-Language": "de", "Subject": f"Re: Order {mail.AMAZON_ORDER}"}, "Guten Tag", "language: de"),
    ("no-message-id", mail.no_message_id, "missing-items", {"In-Reply-To": None, "References": None},
     "Dear Anna Schmidt,", "no Message-ID: the reply starts a new thread"),
]  # fmt: skip


@pytest.mark.parametrize(("fixture", "scenario", "headers", "body", "said"), [t[1:] for t in THREADED],
                         ids=[t[0] for t in THREADED])  # fmt: skip
def test_reply_threads_onto_the_message_and_fills_what_it_can(
    replykit_bin: str, fixture: Callable[[], bytes], scenario: str, headers: dict[str, str | None], body: str, said: str
) -> None:
    done = replykit(replykit_bin, "reply", scenario, message=fixture())
    stderr = done.stderr.decode()
    assert done.returncode == 0, stderr
    assert "Traceback" not in stderr
    reply = parsed(done.stdout)
    for name, value in headers.items():
        got = reply.get(name)
        assert (None if got is None else " ".join(str(got).split())) == value, name
    assert reply["From"] == SHOP
    assert "X-Unsent" not in reply  # stdout: what mutt or msmtp sends on
    assert body in reply.get_content()
    assert said in stderr


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_reply_is_in_the_language_of_the_buyers_words(replykit_bin: str, lang: str) -> None:
    done = replykit(replykit_bin, "reply", "damaged-item", "--format", "json", message=mail.in_language(lang, 1))
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["language"] == lang
    assert f"language: {lang}, identified as" in done.stderr.decode()


# the command line, what the reply then carries, what stderr says
COMMAND_LINE_WINS = [
    ("name", ["--name", "Frau Schmidt"], lambda r: "Guten Tag Frau Schmidt," in r.get_content(), "order_id"),
    ("order-id", ["--order-id", "4521"], lambda r: "4521" in r.get_content() and mail.AMAZON_ORDER not in r.get_content(), "name 'Anna Schmidt'"),
    ("lang", ["--lang", "fr"], lambda r: r["Content-Language"] == "fr", "language: fr (--lang)"),
    ("to", ["--to", "anna@example.org"], lambda r: r["To"] == "anna@example.org", "from the message"),
    ("in-reply-to", ["--in-reply-to", "<other@example.com>"], lambda r: r["In-Reply-To"] == "<other@example.com>" and r["References"] == "<other@example.com>", "from the message"),
    ("channel", ["--channel", "email"], lambda r: True, "from the message"),
    ("text", ["--format", "text"], lambda r: True, "from the message"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "check", "said"), [c[1:] for c in COMMAND_LINE_WINS],
                         ids=[c[0] for c in COMMAND_LINE_WINS])  # fmt: skip
def test_values_given_on_the_command_line_win(
    replykit_bin: str, args: list[str], check: Callable[[Any], bool], said: str
) -> None:
    done = replykit(replykit_bin, "reply", "missing-items", *args, message=mail.amazon_buyer())
    stderr = done.stderr.decode()
    assert done.returncode == 0, stderr
    if "text" in args:
        assert done.stdout.decode().startswith("Guten Tag Anna Schmidt,")
        return
    assert check(parsed(done.stdout))
    assert said in stderr
    if "--channel" not in args:
        assert "channel: amazon" in stderr
    else:
        assert "channel:" not in stderr


def test_too_few_words_fall_back_to_the_profiles_language(replykit_bin: str, tmp_path: Path) -> None:
    replykit(replykit_bin, "config", "set", "lang", "it")
    done = replykit(replykit_bin, "reply", "missing-items", message=mail.plain("ok?\n"))
    stderr = done.stderr.decode()
    assert done.returncode == 0, stderr
    assert parsed(done.stdout)["Content-Language"] == "it"
    assert "language: it from the profile, since the message's was not identified: too few words" in stderr


def test_the_profile_order_pattern_finds_the_shops_own_ids(replykit_bin: str) -> None:
    assert replykit(replykit_bin, "config", "set", "order_pattern", r"HB-\d{6}").returncode == 0
    done = replykit(replykit_bin, "reply", "missing-items", "--format", "text",
                    message=mail.plain("Where is the mug from order HB-004521?\n", subject="Mug"))  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    assert "HB-004521" in done.stdout.decode()
    assert "your shop's order_pattern in the body" in done.stderr.decode()


# stdin, extra arguments, exit code, what stderr says
REFUSED = [
    ("empty", b"", [], errors.MESSAGE_INVALID, "empty"),
    ("not-an-email", b"\x00\x01\x02 just bytes \xff\xfe", [], errors.MESSAGE_INVALID, "<stdin>"),
    ("nobody-to-answer", mail.plain(sender=None), [], errors.MESSAGE_INVALID, "nobody to answer"),
    ("data-and-message-on-stdin", mail.plain(), ["--data", "-"], errors.USAGE, "cannot both come from stdin"),
    ("public-scenario-as-email", mail.plain(), [], errors.USAGE, "public reply"),
    ("message-file-missing", b"", ["--message", "/nonexistent/buyer.eml"], errors.INPUT_OUTPUT, "/nonexistent/buyer.eml"),
    ("message-is-a-folder", b"", ["--message", "/tmp"], errors.INPUT_OUTPUT, "--message /tmp"),
]  # fmt: skip


@pytest.mark.parametrize(("stdin", "args", "code", "said"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_a_message_that_cannot_be_answered_is_refused_clearly(
    replykit_bin: str, stdin: bytes, args: list[str], code: int, said: str
) -> None:
    scenario = "negative-review" if said == "public reply" else "missing-items"
    done = replykit(replykit_bin, "reply", scenario, *args, message=stdin)
    stderr = done.stderr.decode()
    assert done.returncode == code, stderr
    assert said in stderr
    assert "Traceback" not in stderr
    assert done.stdout == b""


def test_no_stdin_at_all_is_a_usage_error_or_an_empty_message(replykit_bin: str) -> None:
    done = replykit(replykit_bin, "reply", "missing-items", message=None)
    assert done.returncode in (errors.MESSAGE_INVALID, errors.USAGE)
    assert "Traceback" not in done.stderr.decode()


def test_reply_reads_a_message_file_and_writes_a_draft_file(replykit_bin: str, tmp_path: Path) -> None:
    source = tmp_path / "buyer.eml"
    source.write_bytes(mail.amazon_buyer())
    draft = tmp_path / "reply.eml"
    done = replykit(replykit_bin, "reply", "missing-items", "--message", str(source), "-o", str(draft), message=None)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == b""
    reply = parsed(draft.read_bytes())
    assert reply["In-Reply-To"] == "<buyer-1@mail.example.com>"
    assert reply["X-Unsent"] == "1"  # a draft file, opened in a mail program


def test_triage_ranks_the_scenarios_and_counts_the_deadline(replykit_bin: str) -> None:
    replykit(replykit_bin, "config", "set", "timezone", "Europe/Berlin")
    done = replykit(replykit_bin, "triage", "--json", message=mail.amazon_buyer())
    assert done.returncode == 0, done.stderr.decode()
    result = json.loads(done.stdout)
    assert result["candidates"][0]["id"] == "missing-items"
    assert result["candidates"][0]["matched"]
    assert (result["language"], result["order_id"], result["channel"]) == ("de", mail.AMAZON_ORDER, "amazon")
    # Date: Mon, 04 Mar 2024 10:15:00 +0100; Amazon: 24 hours, in the seller's zone.
    assert result["reply_due"] == "2024-03-05T10:15:00+01:00"

    text = replykit(replykit_bin, "triage", "--top", "2", message=mail.amazon_buyer())
    assert text.returncode == 0
    lines = text.stdout.decode().splitlines()
    assert lines[0].startswith("1. missing-items")
    assert "reply due: Tue 2024-03-05 10:15 CET" in lines


def test_triage_of_a_message_no_trigger_matches_says_so(replykit_bin: str) -> None:
    done = replykit(replykit_bin, "triage", "--json", message=mail.plain("Lorem ipsum dolor sit amet.\n", subject="x"))
    assert done.returncode == 0, done.stderr.decode()
    result = json.loads(done.stdout)
    assert result["candidates"] == []
    assert any("no scenario's triggers appear" in reason for reason in result["reasons"])


def test_a_data_file_wins_over_the_message_and_stderr_does_not_claim_its_values(
    replykit_bin: str, tmp_path: Path
) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("name: Frau Dr. Schmidt\n", encoding="utf-8")
    done = replykit(replykit_bin, "reply", "missing-items", "--data", str(values), "--format", "text",
                    message=mail.amazon_buyer())  # fmt: skip
    stderr = done.stderr.decode()
    assert done.returncode == 0, stderr
    assert done.stdout.decode().startswith("Guten Tag Frau Dr. Schmidt,")
    assert "name 'Anna Schmidt'" not in stderr
    assert "order_id '302-1234567-7654321'" in stderr


def test_data_on_stdin_with_the_message_in_a_file(replykit_bin: str, tmp_path: Path) -> None:
    source = tmp_path / "buyer.eml"
    source.write_bytes(mail.amazon_buyer())
    done = replykit(replykit_bin, "reply", "missing-items", "--message", str(source), "--data", "-",
                    "--format", "text", message=b"name: Anna S.\n")  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().startswith("Guten Tag Anna S.,")


def test_a_marketplace_name_is_not_taken_as_the_buyers_and_stderr_says_why(replykit_bin: str) -> None:
    message = mail.plain("Mein Paket ist nicht angekommen, bitte helfen.\n",
                         sender="Amazon Marketplace <x1@marketplace.amazon.de>")  # fmt: skip
    done = replykit(replykit_bin, "reply", "missing-items", message=message)
    stderr = done.stderr.decode()
    assert done.returncode == errors.MISSING_FIELDS, stderr
    assert "the From display name 'Amazon Marketplace' is a marketplace's or an address" in stderr
    assert "missing required field: name" in stderr
