"""Channel rules on the command line: render --channel, the profile's channel, replykit lint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run, sh
from replykit import errors
from replykit.channels import NAMES
from replykit.channels.rules import CHANNELS

PHONE = "Alice, call +49 30 1234 5678"


def test_the_channel_names_are_the_rule_tables() -> None:
    assert set(NAMES) == set(CHANNELS)


@pytest.mark.parametrize(
    ("args", "code", "stdout_starts", "stderr_has"),
    [
        (["--name", "Alice", "--order-id", "112-1234567-1234567", "--channel", "amazon"], 0, "Dear Alice,", ""),
        (["--name", PHONE, "--channel", "ebay"], errors.CHANNEL_RULES, "", "[phone]"),
        (["--name", PHONE, "--channel", "ebay", "--allow", "phone"], 0, "Dear Alice, call", ""),
        (["--name", "A", "--channel", "amazn"], errors.USAGE, "", "did you mean amazon?"),
        (["--name", "A", "--channel", "ebay", "--allow", "phnoe"], errors.USAGE, "", "phnoe"),
    ],
    ids=["clean-amazon", "phone-on-ebay", "allowed", "unknown-channel", "unknown-rule"],
)
def test_render_checks_the_channel_on_both_paths(
    replykit_bin: str, args: list[str], code: int, stdout_starts: str, stderr_has: str
) -> None:
    for result in (
        sh(replykit_bin, "render", "missing-items", *args),
        sh(replykit_bin, "render", "missing-items", *args, "--format", "text"),
    ):
        assert result.returncode == code, result.stderr
        assert result.stdout.startswith(stdout_starts) if stdout_starts else result.stdout == ""
        assert stderr_has in result.stderr and "Traceback" not in result.stderr


def test_the_profile_sets_a_default_channel() -> None:
    assert run("config", "set", "channel", "eBay")[0] == 0
    assert run("config", "get", "channel")[1] == "ebay\n"
    code, out, err = run("render", "missing-items", "--name", PHONE)
    assert (code, out) == (errors.CHANNEL_RULES, "") and "of ebay" in err
    assert run("config", "set", "channel", "ebya")[0] == errors.INVALID_VALUE


@pytest.mark.parametrize(
    ("text", "channel", "code", "rules"),
    [
        ("Write to name [at] gmail dot com or visit www.myshop.de", "ebay", errors.CHANNEL_RULES, ["email", "link"]),
        ("Your order 112-1234567-1234567 has shipped with tracking LX123456789CN.", "amazon", 0, []),
        ("Bitte geben Sie uns 5 Sterne!", "amazon", 0, ["order-id", "review-positive"]),
    ],
    ids=["disguised", "order-and-tracking-are-not-phones", "german-five-stars-warns-on-amazon"],
)
def test_lint_checks_any_text(text: str, channel: str, code: int, rules: list[str]) -> None:
    got, out, _ = run("lint", "--channel", channel, "--json", stdin=text)
    assert got == code
    assert sorted(f["rule"] for f in json.loads(out)) == sorted(rules)


def test_lint_lists_its_rules_with_sources() -> None:
    code, out, _ = run("lint", "--rules", "--json")
    rules = {r["id"]: r for r in json.loads(out)}
    assert code == 0 and {"link", "email", "phone", "off-platform", "review-positive", "html", "length"} <= set(rules)
    assert (
        rules["email"]["channels"]["amazon"]["severity"] == "error" and rules["email"]["channels"]["amazon"]["source"]
    )


def test_lint_rules_read_in_general_words() -> None:
    code, out, _ = run("lint", "--rules", "--json")
    rules = json.loads(out)
    assert code == 0 and rules
    for rule in rules:
        assert "{" not in rule["message"] + rule["fix"], rule


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ("visit http://evil.example".encode("utf-16"), errors.INVALID_VALUE),
        ("visit http://evil.example".encode("latin-1") + b"\xe9", errors.INVALID_VALUE),
        (b"\xef\xbb\xbfvisit http://evil.example", errors.CHANNEL_RULES),
    ],
    ids=["utf-16", "latin-1", "utf-8-with-bom"],
)
def test_lint_reads_utf8_only_and_says_so(data: bytes, code: int, tmp_path: Path) -> None:
    text = tmp_path / "reply.txt"
    text.write_bytes(data)
    got, _, err = run("lint", "--channel", "ebay", str(text))
    assert got == code, err
    if code == errors.INVALID_VALUE:
        assert "not UTF-8 text" in err and "iconv" in err
