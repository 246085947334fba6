"""Scenarios know where they may be sent: ``channels``, ``public`` and ``refuse`` in scenario.yaml."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import MakePack, run, sh
from replykit import errors
from replykit.check import check_scenarios
from replykit.errors import ScenarioInvalid
from replykit.pipeline import library_for

FIELDS = """\
fields:
  name:
  order_id:
  remedy:
    help: What we do
    choices: [reship, refund]
    default: reship
"""

REPLY = (
    "Subject: Your order\n\nDear {{ name }},\n\n"
    "About your order{% if order_id %} {{ order_id }}{% endif %}: "
    "{% if remedy == 'refund' %}we refund it{% else %}we send it again{% endif %}"
    "{% if channel %} ({{ channel }}{% if channel | marketplace %}, {{ channel | marketplace }}{% endif %}){% endif %}.\n\n"
    '{% include "_partials/signature.en.j2" %}\n'
)

FITTING = (
    "title: Reship\nsummary: Send it again\n"
    "channels: [email, etsy, ebay]\n"
    "refuse:\n"
    "  - channels: [amazon, aliexpress, walmart]\n"
    "    reason: the parcel goes to an address given in a message\n"
    "  - channels: [ebay]\n"
    "    when: {remedy: reship}\n"
    "    reason: on eBay you may ship only to the address on the order\n" + FIELDS
)

PUBLIC = "title: Review\nsummary: Answer a review\npublic: true\nfields:\n  name:\n  order_id:\n"
PUBLIC_REPLY = (
    "Thank you, {{ name }}. You are right, and we are sorry.{% if order_id %} Order {{ order_id }}.{% endif %}\n"
)


def pack_with(make_pack: MakePack, yaml_text: str, reply: str = REPLY) -> Path:
    return make_pack({"r/scenario.yaml": yaml_text, "r/en.j2": reply})


@pytest.mark.parametrize(
    ("yaml_text", "reply", "message"),
    [
        (
            "channels: [amazon, ebya]\n",
            REPLY,
            r"scenario.yaml:3: 'channels': unknown channel 'ebya'; did you mean ebay\?",
        ),
        ("refuse:\n  - channels: [amazon]\n", REPLY, r"scenario.yaml:4: 'reason' is required"),
        ("refuse:\n  - reason: no\n", REPLY, r"a 'refuse' entry needs 'channels'"),
        ("refuse: [amazon]\n", REPLY, r"each entry of 'refuse' is a mapping"),
        (
            "refuse:\n  - channels: [ebay]\n    when: {name: Alice}\n    reason: no\n",
            REPLY,
            r"'when' names 'name', which is not a field with choices",
        ),
        (
            "refuse:\n  - channels: [ebay]\n    when: {remedy: resend}\n    reason: no\n",
            REPLY,
            r"'resend' is not a choice of remedy",
        ),
        (
            "channels: [ebay, email]\nrefuse:\n  - channels: [ebay]\n    reason: no\n",
            REPLY,
            r"ebay is both in 'channels' and refused",
        ),
        ("refuse:\n  - channels: [ebay]\n    reasons: no\n", REPLY, r"unknown key 'reasons' in a 'refuse' entry"),
        ("public: maybe\n", REPLY, r"'public' must be true or false"),
        ("public: true\n", REPLY, r"en.j2:1: a public reply has no subject line"),
    ],
    ids=[
        "unknown-channel",
        "no-reason",
        "no-channels",
        "entry-not-a-mapping",
        "when-not-a-choice-field",
        "when-not-a-choice",
        "fit-and-refused",
        "misspelt-key",
        "public-not-a-flag",
        "public-with-subject",
    ],
)
def test_channel_declarations_are_checked(make_pack: MakePack, yaml_text: str, reply: str, message: str) -> None:
    pack = pack_with(make_pack, "title: T\nsummary: S\n" + yaml_text + FIELDS, reply)
    code, out, err = run("render", "r", "--name", "Zoe", "--templates-dir", str(pack))
    assert (code, out) == (errors.SCENARIO_INVALID, "")
    assert ScenarioInvalid.__name__ not in err and "Traceback" not in err
    import re

    assert re.search(message, err), err


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["--channel", "etsy"], 0, "we send it again (etsy, Etsy)."),
        (["--channel", "email"], 0, "we send it again (email)."),
        ([], 0, "we send it again."),
        (["--channel", "amazon"], errors.CHANNEL_RULES, "r may not be sent on amazon: the parcel goes to an address"),
        (
            ["--channel", "ebay"],
            errors.CHANNEL_RULES,
            "r with --remedy reship may not be sent on ebay: on eBay you may ship only",
        ),
        (["--channel", "ebay", "--remedy", "refund"], 0, "we refund it (ebay, eBay)."),
        (["--channel", "walmart", "--remedy", "refund"], errors.CHANNEL_RULES, "it fits email, etsy, ebay"),
        (["--channel", "ebay"], errors.CHANNEL_RULES, "choose another --remedy for ebay, or another channel"),
        (["--channel", "ebya"], errors.USAGE, "unknown channel 'ebya'; did you mean ebay?"),
    ],
    ids=[
        "fit",
        "fit-email",
        "no-channel",
        "refused",
        "choice-refused",
        "other-choice-fits",
        "hint",
        "choice-hint",
        "unknown",
    ],  # fmt: skip
)
def test_a_refused_channel_or_choice_is_not_rendered(
    make_pack: MakePack, replykit_bin: str, args: list[str], code: int, says: str
) -> None:
    pack = pack_with(make_pack, FITTING)
    result = sh(replykit_bin, "render", "r", "--name", "Zoe", "--order-id", "4521", "--templates-dir", str(pack), *args)
    assert result.returncode == code, result.stderr
    if code:
        assert result.stdout == "" and says in result.stderr and "Traceback" not in result.stderr
    else:
        assert says in result.stdout


def test_the_profile_channel_is_refused_too(make_pack: MakePack) -> None:
    pack = pack_with(make_pack, FITTING)
    assert run("config", "set", "channel", "amazon")[0] == 0
    code, out, err = run("render", "r", "--name", "Zoe", "--templates-dir", str(pack))
    assert (code, out) == (errors.CHANNEL_RULES, "") and "may not be sent on amazon (the profile's channel)" in err


@pytest.mark.parametrize(
    ("fmt", "code", "stdout"),
    [
        ("text", 0, "Thank you, Zoe. You are right, and we are sorry.\n"),
        ("markdown", 0, "Thank you, Zoe. You are right, and we are sorry.\n"),
        ("subject", errors.USAGE, ""),
        ("mailto", errors.USAGE, ""),
    ],
    ids=["text", "markdown-without-heading", "subject", "mailto"],
)
def test_a_public_reply_has_no_subject(make_pack: MakePack, fmt: str, code: int, stdout: str) -> None:
    pack = make_pack({"r/scenario.yaml": PUBLIC, "r/en.j2": PUBLIC_REPLY})
    got, out, err = run("render", "r", "--name", "Zoe", "--format", fmt, "--templates-dir", str(pack))
    assert (got, out) == (code, stdout), err
    if code:
        assert "is a public reply" in err


def test_a_public_reply_follows_the_public_rules(make_pack: MakePack) -> None:
    pack = make_pack({"r/scenario.yaml": PUBLIC, "r/en.j2": PUBLIC_REPLY.replace("sorry.", "sorry. " + "x" * 480)})
    code, out, err = run("render", "r", "--name", "Zoe", "--order-id", "27-11068-77489", "--channel", "ebay",
                         "--templates-dir", str(pack))  # fmt: skip
    assert (code, out) == (errors.CHANNEL_RULES, "")
    assert "[length]" in err and "in a public reply" in err and "[public-order-id]" in err
    # The same text as a private message is within eBay's limits: the length rule is the public one.
    code, out, _ = run("lint", "--channel", "ebay", "--json", stdin="x" * 600)
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize(
    ("text", "public", "rules"),
    [
        ("Subject: Our reply\n\nThank you for the review.", True, ["public-frame"]),
        ("Betreff: Unsere Antwort\n\nDanke.", True, ["public-frame"]),
        ("件名：レビューについて\n\nありがとうございます。", True, ["public-frame"]),
        ("Subject: Our reply\n\nThank you for the review.", False, []),
        ("Thank you. Order 27-11068-77489 is on its way.", True, ["public-order-id"]),
        ("Thank you. We are sorry it came late.", True, []),
    ],
    ids=["subject", "german-subject", "japanese-subject", "private-subject", "order-id", "clean"],
)
def test_lint_knows_public_replies(text: str, public: bool, rules: list[str]) -> None:
    flag = ["--public"] if public else []
    code, out, err = run("lint", "--channel", "ebay", "--json", *flag, stdin=text)
    assert sorted(f["rule"] for f in json.loads(out)) == rules, err


def test_templates_branch_on_the_channel(make_pack: MakePack) -> None:
    pack = pack_with(make_pack, "title: T\nsummary: S\n" + FIELDS)
    outs = {}
    for channel in ("amazon", "ebay", "aliexpress", "etsy", "walmart", "email"):
        code, out, err = run("render", "r", "--name", "Zoe", "--order-id", "4521", "--remedy", "refund",
                             "--channel", channel, "--allow", "order-id-format", "--templates-dir", str(pack))  # fmt: skip
        assert code == 0, err
        outs[channel] = out.split("we refund it ", 1)[1].split(".", 1)[0]
    assert outs == {
        "amazon": "(amazon, Amazon)",
        "ebay": "(ebay, eBay)",
        "aliexpress": "(aliexpress, AliExpress)",
        "etsy": "(etsy, Etsy)",
        "walmart": "(walmart, Walmart)",
        "email": "(email)",
    }


def test_check_lints_every_declared_channel(make_pack: MakePack) -> None:
    yaml_text = "title: T\nsummary: S\nchannels: [ebay, email]\n" + FIELDS
    reply = REPLY.replace("we send it again", "the courier's number is +49 30 1234 5678")
    library = library_for([pack_with(make_pack, yaml_text, reply)])
    found = [(p.rule, p.severity, p.message) for p in check_scenarios(library, ["r"], partial_roots=[])]
    channel = [f for f in found if f[0] == "channel"]
    assert channel == [
        ("channel", "error", "on ebay, with remedy=reship: a phone number ('+49 30 1234 5678') [phone]; "
         "remove it: keep the conversation in the marketplace's messages"),
    ]  # fmt: skip
    unexplained = sorted(message.split(" ")[0] for rule, _, message in found if rule == "channels")
    assert unexplained == ["aliexpress", "amazon", "etsy", "walmart"]


def test_check_skips_what_a_scenario_refuses(make_pack: MakePack) -> None:
    reply = REPLY.replace(
        "we send it again", "we send it again{% if channel == 'ebay' %} to shop [at] example dot com{% endif %}"
    )
    library = library_for([pack_with(make_pack, FITTING, reply)])
    found = [(p.rule, p.message) for p in check_scenarios(library, ["r"], partial_roots=[])]
    # The reship branch breaks eBay's rules, but the scenario refuses reship on eBay: nothing to report.
    assert found == []


def test_show_tells_where_a_scenario_may_go(make_pack: MakePack) -> None:
    pack = pack_with(make_pack, FITTING)
    code, out, _ = run("show", "r", "--templates-dir", str(pack))
    assert code == 0
    assert "Channels:  email, etsy, ebay\n" in out
    assert "  refused on ebay when remedy=reship: on eBay you may ship only to the address on the order\n" in out
    code, out, _ = run("show", "r", "--json", "--templates-dir", str(pack))
    document = json.loads(out)
    assert (document["channels"], document["public"]) == (["email", "etsy", "ebay"], False)
    assert document["refuse"][1] == {
        "channels": ["ebay"],
        "when": {"remedy": ["reship"]},
        "reason": "on eBay you may ship only to the address on the order",
    }


def test_show_previews_in_the_language_with_the_profile(make_pack: MakePack) -> None:
    yaml_text = "title: T\nsummary: S\nfields:\n  name:\n    example: {en: Alice, de: Lukas}\n  order_id:\n"
    pack = make_pack({"r/scenario.yaml": yaml_text, "r/en.j2": REPLY.replace("{% if remedy == 'refund' %}we refund it{% else %}we send it again{% endif %}", "ok"),
                      "r/de.j2": "Subject: Ihre Bestellung\n\nGuten Tag {{ name }},\n\nok.\n\n{% include \"_partials/signature.de.j2\" %}\n"})  # fmt: skip
    code, out, _ = run("show", "r", "--lang", "de", "--templates-dir", str(pack))
    assert code == 0 and "Guten Tag Lukas," in out and "example: Lukas" in out
    assert run("config", "set", "seller_name", "Mara")[0] == 0
    code, out, _ = run("show", "r", "--templates-dir", str(pack))
    assert "Dear Alice," in out and "\nMara\n" in out and "\nSam\n" not in out


@pytest.mark.parametrize(
    ("fields", "order_id", "rules"),
    [
        ("  name:\n  order_id:\n", None, ["order-id"]),
        ("  name:\n  order_id:\n", "112-1234567-1234567", []),
        ("  name:\n", None, []),
    ],
    ids=["about-an-order-without-its-id", "about-an-order-with-its-id", "pre-sale-has-no-order"],
)
def test_only_a_reply_about_an_order_must_quote_it(
    make_pack: MakePack, fields: str, order_id: str | None, rules: list[str]
) -> None:
    reply = "Subject: Hi\n\nDear {{ name }},\n\nThanks{% if order_id %} for order {{ order_id }}{% endif %}.\n"
    if "order_id" not in fields:
        reply = "Subject: Hi\n\nDear {{ name }},\n\nThanks for your question.\n"
    pack = make_pack({"r/scenario.yaml": "title: T\nsummary: S\nfields:\n" + fields, "r/en.j2": reply})
    given = ["--order-id", order_id] if order_id else []
    code, out, err = run("render", "r", "--name", "Zoe", "--channel", "amazon", *given, "--templates-dir", str(pack))
    assert code == 0 and out
    assert sorted(set(re.findall(r"\[([a-z-]+)\]", err))) == rules, err
