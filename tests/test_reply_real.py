"""`replykit reply` output sent for real: `msmtp -t` into the local SMTP sink, as the buyer's server gets it."""

from __future__ import annotations

import os
import subprocess
from email.utils import getaddresses
from pathlib import Path

import pytest

from conftest import parse_email, require
from test_mail_real import Received
from test_mail_real import smtp_sink as smtp_sink  # the fixture, shared
from test_mutt_real import BUYER, BUYER_MESSAGE, EARLIER, MESSAGE_ID, ORDER_ID, SHOP, SUBJECT

AMAZON_ALIAS = "9f3kq2vbz4xw1t8@marketplace.amazon.de"
AMAZON_SENDER = "marketplace-messages@amazon.de"
# id, the buyer's message, who the reply goes to.
CASES = [
    ("buyer-writes-directly", BUYER_MESSAGE, BUYER[1]),
    (
        "amazon-alias-with-reply-to",
        BUYER_MESSAGE.replace(
            f"From: =?utf-8?q?Zo=C3=AB_=C3=9Cnal?= <{BUYER[1]}>",
            f'From: "Zoe U. - Amazon Marketplace" <{AMAZON_SENDER}>\nReply-To: <{AMAZON_ALIAS}>',
        ),
        AMAZON_ALIAS,
    ),
]


def msmtp(port: int, message: bytes) -> subprocess.CompletedProcess[bytes]:
    """msmtp -t: recipients from To/Cc/Bcc, envelope sender from From, no configuration file."""
    return subprocess.run(
        [require("msmtp")["msmtp"], "-C", "/dev/null", "--host=127.0.0.1", f"--port={port}", "--auth=off", "--tls=off",
         "--read-envelope-from", "-t"],
        input=message,
        capture_output=True,
        timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize(("raw", "to"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_msmtp_sends_the_reply_threaded_to_the_buyer(
    replykit_bin: str, smtp_sink: tuple[int, list[Received]], raw: str, to: str
) -> None:
    port, messages = smtp_sink
    env = {**os.environ, "REPLYKIT_FROM": f"{SHOP[0]} <{SHOP[1]}>"}
    reply = subprocess.run(
        [replykit_bin, "reply", "missing-items", "--items", "USB-C cable"],
        input=raw.encode(), capture_output=True, env=env, timeout=60, start_new_session=True,
    )  # fmt: skip
    assert reply.returncode == 0, reply.stderr.decode()
    done = msmtp(port, reply.stdout)
    assert done.returncode == 0, done.stderr
    (received,) = messages
    assert received.sender == SHOP[1]
    assert received.recipients == [to]
    sent = parse_email(received.data)
    assert [a for _, a in getaddresses([str(sent["To"])])] == [to]
    assert str(sent["Subject"]) == "Re: " + SUBJECT
    assert str(sent["In-Reply-To"]) == MESSAGE_ID
    assert str(sent["References"]).split() == [*EARLIER, MESSAGE_ID]
    assert "X-Unsent" not in sent
    body = sent.get_content().replace("\r\n", "\n")
    assert body == parse_email(reply.stdout).get_content().replace("\r\n", "\n")
    assert ORDER_ID in body


def test_a_reply_saved_for_sending_carries_no_unsent_header(
    replykit_bin: str, smtp_sink: tuple[int, list[Received]], tmp_path: Path
) -> None:
    port, messages = smtp_sink
    env = {**os.environ, "REPLYKIT_FROM": f"{SHOP[0]} <{SHOP[1]}>"}
    drafts = {}
    for flag in ("--unsent", "--no-unsent"):
        drafts[flag] = tmp_path / f"reply{flag}.eml"
        reply = subprocess.run(
            [replykit_bin, "reply", "missing-items", "--items", "USB-C cable", "--output", str(drafts[flag]), flag],
            input=BUYER_MESSAGE.encode(), capture_output=True, env=env, timeout=60, start_new_session=True,
        )  # fmt: skip
        assert reply.returncode == 0, reply.stderr.decode()
    # A draft for a mail program is marked; the one for sending is not, and reaches the buyer unmarked.
    assert "X-Unsent" in parse_email(drafts["--unsent"].read_bytes())
    assert msmtp(port, drafts["--no-unsent"].read_bytes()).returncode == 0
    (received,) = messages
    sent = parse_email(received.data)
    assert "X-Unsent" not in sent and str(sent["In-Reply-To"]) == MESSAGE_ID
