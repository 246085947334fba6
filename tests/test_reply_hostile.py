"""``replykit reply`` and ``triage`` fed hostile emails and profiles: the installed command, as users run it.

Each case states the exit code, what stdout must and must not hold, and what stderr must say.
Every run is also checked for what no input may cause: a traceback, a raw control character on
stdout (other than the product's own line ends), or anything on stdout when the command failed.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

import mailfixtures as mail
from replykit import errors

SHOP = "Harbour Shop <shop@example.com>"
AMAZON_ALIAS = "Anna - Amazon Marketplace <8x3kq1v9zp4lw2r@marketplace.amazon.de>"
EBAY_RELAY = "anna_s via eBay <anna_s.x7q2@members.ebay.com>"
TIMEOUT = 30
"""Seconds a run may take before the test fails: a real message takes about two."""


@dataclass(frozen=True)
class Case:
    """One hostile run: the message, the command line after ``reply missing-items`` (or ``triage``), the profile."""

    id: str
    message: bytes
    args: tuple[str, ...] = ()
    profile: dict[str, str] = field(default_factory=dict)
    exit: int = errors.OK
    headers: dict[str, str | None] = field(default_factory=dict)
    """Reply headers expected exactly (None: absent)."""
    stdout_has: tuple[str, ...] = ()
    stdout_lacks: tuple[str, ...] = ()
    stderr_has: tuple[str, ...] = ()


def run(replykit_bin: str, tmp_path: Path, args: list[str], case: Case) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "REPLYKIT_FROM": SHOP}
    if case.profile:
        config = tmp_path / "config.yaml"
        lines = "".join(f"    {key}: {json.dumps(value)}\n" for key, value in case.profile.items())
        config.write_text(f"profiles:\n  default:\n{lines}", encoding="utf-8")
        env["REPLYKIT_CONFIG"] = str(config)
    done = subprocess.run([replykit_bin, *args], input=case.message, capture_output=True, env=env, timeout=TIMEOUT)
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    assert done.returncode == case.exit, stderr
    if case.exit != errors.OK:
        assert done.stdout == b"", "a failed run prints nothing on stdout"
    assert not any(byte < 0x20 and byte not in b"\n\t" or byte == 0x7F for byte in done.stdout), done.stdout[:500]
    for text in case.stderr_has:
        assert text in stderr, stderr
    return done


def hostile(**kwargs: object) -> bytes:
    """The plain English buyer's message with some headers replaced (already encoded as they should appear)."""
    return mail.plain(**kwargs)  # type: ignore[arg-type]


def dated(date: str, **kwargs: object) -> bytes:
    """The plain message with its Date header replaced by ``date``."""
    return hostile(**kwargs).replace(f"Date: {mail.DATE}".encode(), f"Date: {date}".encode())


def undecodable(name_or_subject: str) -> str:
    return f"=?utf-8?B?!!not-base64?= {name_or_subject}"


def encoded_word_inside(text: str) -> str:
    """An encoded word whose decoded text is itself an encoded word (with a line break in it)."""
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


MBOX_TWO = (
    b"From anna@example.com Mon Mar  4 10:15:00 2024\n"
    + hostile(subject="Question")
    + b"\n\nFrom bob@example.com Mon Mar  4 10:16:00 2024\n"
    + hostile(sender="Bob <bob@example.com>", subject=f"Order {mail.AMAZON_ORDER}", message_id="<bob@example.com>")
)

REPLY_CASES = [
    Case("subject-with-an-undecodable-encoded-word", hostile(subject=undecodable("order")),
         headers={"Subject": "Missing items from your order"},
         stderr_has=("the reply keeps the scenario's own subject",)),
    Case("subject-decoding-to-an-encoded-word-with-crlf",
         hostile(subject=encoded_word_inside("=?utf-8?q?x=0D=0ABcc:_evil@x.example?=")),
         headers={"Subject": "Missing items from your order", "Bcc": None},
         stderr_has=("the reply keeps the scenario's own subject",)),
    Case("subject-of-16-kib", hostile(subject="word " * 3200),
         headers={"Subject": "Missing items from your order"},
         stderr_has=("the reply keeps the scenario's own subject",)),
    Case("subject-re-10000-deep", hostile(subject="Re: " * 4000 + "Missing mug"),
         headers={"Subject": "Re: Missing mug"}),
    Case("subject-crlf-in-encoded-word-stays-one-line",
         hostile(subject="=?utf-8?q?Hi=0D=0ABcc:_evil@x.example?="),
         headers={"Subject": "Re: Hi Bcc: evil@x.example", "Bcc": None}),
    Case("name-with-a-bidi-override", hostile(sender="Anna \u202eevil\u202c <anna@example.com>"),
         exit=errors.MISSING_FIELDS, stderr_has=("not used as the name", "bidirectional", "--name")),
    Case("name-with-a-bidi-override-and-name-given", hostile(sender="Anna \u202eevil\u202c <anna@example.com>"),
         args=("--name", "Anna"), stdout_has=("Dear Anna,",)),
    Case("name-with-an-undecodable-encoded-word", hostile(sender=undecodable("<anna@example.com>")),
         exit=errors.MISSING_FIELDS, stderr_has=("not used as the name", "--name")),
    Case("name-decoding-to-an-encoded-word", hostile(sender=encoded_word_inside("=?utf-8?q?Anna?=") + " <a@example.com>"),
         exit=errors.MISSING_FIELDS, stderr_has=("not used as the name",)),
    Case("display-name-is-another-address", hostile(sender="support@amazon.example <anna@example.com>"),
         exit=errors.MESSAGE_INVALID, stderr_has=("nobody to answer",)),
    Case("display-name-holds-angle-address", hostile(sender="Anna <evil@x.example> <anna@example.com>"),
         exit=errors.MESSAGE_INVALID, stderr_has=("nobody to answer",)),
    Case("display-name-is-another-address-with-reply-to",
         hostile(sender="support@amazon.example <anna@example.com>", extra=(("Reply-To", "Anna <anna@example.com>"),)),
         headers={"To": "Anna <anna@example.com>"}),
    Case("quoted-display-name-holds-angle-address", hostile(sender='"Anna <evil@x.example>" <anna@example.com>'),
         args=("--name", "Anna"), headers={"To": '"Anna <evil@x.example>" <anna@example.com>'}),
    Case("from-with-two-mailboxes", hostile(sender="Anna <anna@example.com>, Bob <bob@example.com>"),
         headers={"To": "Anna <anna@example.com>, Bob <bob@example.com>"}),
    Case("from-group-of-two", hostile(sender="Buyers: Anna <anna@example.com>, Bob <bob@example.com>;"),
         headers={"To": "Anna <anna@example.com>, Bob <bob@example.com>"}),
    Case("reply-to-of-50-addresses",
         hostile(extra=(("Reply-To", ", ".join(f"u{i} <u{i}@example.com>" for i in range(50))),)),
         headers={"To": ", ".join(f"u{i} <u{i}@example.com>" for i in range(50))}),
    Case("references-of-10000-ids",
         hostile(extra=(("References", " ".join(f"<r{i}@example.com>" for i in range(10_000))),)),
         headers={"In-Reply-To": "<buyer-1@mail.example.com>",
                  "References": " ".join(["<r0@example.com>", *(f"<r{i}@example.com>" for i in range(9902, 10_000)),
                                          "<buyer-1@mail.example.com>"])}),
    Case("message-id-of-1000-characters", hostile(message_id="<" + "a" * 990 + "@x.example>"),
         headers={"In-Reply-To": None, "References": None}, stderr_has=("new thread",)),
    Case("message-id-with-a-space", hostile(message_id="<buyer 1@mail.example.com>"),
         headers={"In-Reply-To": None}, stderr_has=("new thread",)),
    Case("mbox-with-two-messages", MBOX_TWO, exit=errors.MESSAGE_INVALID,
         stderr_has=("2 messages", "one message")),
    Case("order-pattern-matching-an-escape", hostile(subject="Question", text="My order HB-12\x1b]0;x\x07 is missing."),
         profile={"order_pattern": r"HB-\S+"}, stdout_lacks=("HB-12",)),
    Case("order-pattern-with-catastrophic-backtracking", hostile(subject="Question", text="a" * 40 + " is missing."),
         profile={"order_pattern": "(a|a)*b"}, stderr_has=("order_pattern", "took more than")),
    Case("order-pattern-quadratic-on-a-long-number", hostile(subject="Question", text="1" * 99_000),
         profile={"order_pattern": r"\d+-[A-Z]{2}"}, stderr_has=("order_pattern", "took more than")),
]  # fmt: skip


@pytest.mark.parametrize("case", REPLY_CASES, ids=[c.id for c in REPLY_CASES])
def test_reply_to_a_hostile_message(replykit_bin: str, tmp_path: Path, case: Case) -> None:
    done = run(replykit_bin, tmp_path, ["reply", "missing-items", *case.args], case)
    if case.exit != errors.OK:
        return
    reply = BytesParser(policy=policy.default).parsebytes(done.stdout)
    for name, value in case.headers.items():
        got = reply.get(name)
        assert (None if got is None else " ".join(str(got).split())) == value, name
    body = reply.get_content()
    for text in case.stdout_has:
        assert text in body
    for text in case.stdout_lacks:
        assert text not in done.stdout.decode("utf-8", "replace")


TRIAGE_CASES = [
    Case("date-in-year-9999-on-amazon", dated("Fri, 31 Dec 9999 23:00:00 +0000", sender=AMAZON_ALIAS),
         stderr_has=()),
    Case("date-in-year-9999-on-ebay", dated("Thu, 30 Dec 9999 10:00:00 -0000", sender=EBAY_RELAY),
         profile={"timezone": "Pacific/Kiritimati"}),
    Case("date-offset-9999", dated("Mon, 04 Mar 2024 10:15:00 +9999", sender=AMAZON_ALIAS)),
    Case("order-pattern-matching-an-escape", hostile(subject="Question", text="My order HB-12\x1b]0;x\x07 is missing."),
         profile={"order_pattern": r"HB-\S+"}, stdout_lacks=("HB-12",)),
    Case("order-pattern-with-catastrophic-backtracking", hostile(subject="Question", text="a" * 40 + " is missing."),
         profile={"order_pattern": "(a|a)*b"}, stdout_has=("took more than",)),
]  # fmt: skip


@pytest.mark.parametrize("case", TRIAGE_CASES, ids=[c.id for c in TRIAGE_CASES])
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_triage_of_a_hostile_message(replykit_bin: str, tmp_path: Path, case: Case, as_json: bool) -> None:
    done = run(replykit_bin, tmp_path, ["triage", *(["--json"] if as_json else [])], case)
    out = done.stdout.decode("utf-8")
    if as_json:
        result = json.loads(out)
        out = "\n".join(result["reasons"]) + "\n" + str(result["order_id"])
    for text in case.stdout_has:
        assert text in out
    for text in case.stdout_lacks:
        assert text not in out


def test_a_date_past_year_9999_gives_no_deadline_and_says_why(replykit_bin: str, tmp_path: Path) -> None:
    case = Case("year-9999", dated("Fri, 31 Dec 9999 23:00:00 +0000", sender=AMAZON_ALIAS))
    result = json.loads(run(replykit_bin, tmp_path, ["triage", "--json"], case).stdout)
    assert result["channel"] == "amazon"
    assert result["reply_due"] is None
    assert any("no reply deadline" in reason and "9999" in reason for reason in result["reasons"])


@pytest.mark.parametrize("before", [0, 1790, 1795, 1799, 1800, 3595, 9000], ids=lambda n: f"id-at-{n}")
def test_the_shop_pattern_finds_a_whole_id_wherever_it_sits_in_a_long_line(before: int) -> None:
    from replykit.inbound.orders import FoundOrderId, find_order_id

    text = "x" * before + " HB-123456789 and more text " + "y" * 5000
    assert find_order_id("Question", text, shop_pattern=r"HB-\d+") == FoundOrderId("HB-123456789", "shop", "body")
