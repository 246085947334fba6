"""The reply pipeline and the delivery plan, called as a library: no command line involved."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from replykit import errors
from replykit.cli.app import OutputFormat, app
from replykit.config import Profile
from replykit.output import delivery
from replykit.output.formats import FORMATS
from replykit.packs.fields import Field
from replykit.pipeline import Composer, RenderRequest, library_for, render_request
from replykit.rendering import templates

MakePack = Callable[[dict[str, str]], Path]

PACK = {
    "greet/scenario.yaml": """
        title: Greet
        summary: Say hello
        fields:
          name:
          count:
            help: How many
            type: integer
            required: true
    """,
    "greet/en.j2": "Subject: Hello {{ name }}\n\nHello {{ name }}, {{ count }}.\n",
    "greet/de.j2": "Subject: Hallo {{ name }}\n\nHallo {{ name }}, {{ count }}.\n",
}


@pytest.fixture
def composer(make_pack: MakePack) -> Composer:
    return Composer(library_for([make_pack(PACK)]))


def test_compose_returns_the_reply_and_no_notices(composer: Composer) -> None:
    composed = composer.compose("greet", cli={"name": "Ana", "count": "2"})
    assert (composed.reply.subject, composed.reply.body, composed.notices) == ("Hello Ana", "Hello Ana, 2.\n", ())
    assert composed.scenario.id == "greet" and composed.reply.values["count"] == 2


@pytest.mark.parametrize(
    ("cli", "data", "profile", "expected"),
    [
        ({"name": "Cli"}, {"name": "Data"}, {"name": "Profile"}, "Cli"),
        ({}, {"name": "Data"}, {"name": "Profile"}, "Data"),
        ({}, {}, {"name": "Profile"}, "Profile"),
    ],
    ids=["cli-wins", "data-beats-profile", "profile-last"],
)
def test_each_source_in_its_place(
    composer: Composer, cli: dict[str, str], data: dict[str, str], profile: dict[str, str], expected: str
) -> None:
    composed = composer.compose(
        "greet", cli={**cli, "count": "1"}, data=data, profile=Profile("p", {"seller_name": "x"} | profile)
    )
    assert composed.reply.values["name"] == expected


@pytest.mark.parametrize(
    ("lang", "profile_lang", "language", "notice"),
    [
        (None, None, "en", ""),
        ("de", None, "de", ""),
        (None, "de", "de", ""),
        ("en", "de", "en", ""),
        ("de-AT", None, "de", "greet has no 'de-AT' reply; using 'de', the closest it has"),
        (None, "sv", "en", "greet has no 'sv' reply and no close language"),
    ],
    ids=["default", "asked", "profile", "asked-beats-profile", "fallback", "profile-fallback"],
)
def test_the_language_and_its_notice(
    composer: Composer, lang: str | None, profile_lang: str | None, language: str, notice: str
) -> None:
    profile = Profile("p", {"lang": profile_lang} if profile_lang else {})
    composed = composer.compose("greet", cli={"name": "A", "count": "1"}, profile=profile, lang=lang)
    assert composed.reply.language == language
    assert (composed.notices[0] if composed.notices else "").startswith(notice)


def test_a_bad_profile_language_is_named_as_the_profiles(composer: Composer) -> None:
    with pytest.raises(errors.UsageError, match="profile lang 'x y' is not a language tag"):
        composer.compose("greet", cli={"name": "A", "count": "1"}, profile=Profile("p", {"lang": "x y"}))


def test_notices_are_reported_before_a_failure(composer: Composer) -> None:
    heard: list[str] = []
    with pytest.raises(errors.MissingFields):
        composer.compose("greet", data={"name": "A", "colour": "red"}, lang="de-AT", on_notice=heard.append)
    assert heard == [
        "--data: greet has no field colour; ignored",
        "greet has no 'de-AT' reply; using 'de', the closest it has",
    ]


def test_each_template_is_compiled_once_per_language(composer: Composer, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = templates.load_template

    def counting(env: object, scenario: object, lang: str) -> templates.ReplyTemplate:
        calls.append(lang)
        return original(env, scenario, lang)  # type: ignore[arg-type]

    monkeypatch.setattr(templates, "load_template", counting)
    for i in range(5):
        for lang in ("en", "de"):
            composer.compose("greet", cli={"name": f"N{i}", "count": str(i)}, lang=lang)
    assert calls == ["en", "de"]


def test_ask_is_called_until_the_answer_is_valid(composer: Composer) -> None:
    answers = iter(["many", "3"])
    problems: list[str | None] = []

    def ask(field: Field, problem: str | None) -> str | None:
        problems.append(problem)
        return next(answers)

    composed = composer.compose("greet", cli={"name": "A"}, ask=ask)
    assert composed.reply.values["count"] == 3
    assert problems == [None, "count: 'many': expected a whole number such as 42"]


def test_end_of_input_while_asking_is_an_interruption(composer: Composer) -> None:
    with pytest.raises(errors.Interrupted) as caught:
        composer.compose("greet", cli={"name": "A"}, ask=lambda field, problem: None)
    assert caught.value.exit_code == errors.INTERRUPTED


# --- the delivery plan ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message", "hint"),
    [
        ({}, "an email needs a sender and a recipient", "pass --from shop@example.com"),
        ({"to": ["b@example.com"]}, "an email needs a sender", "pass --from"),
        ({"sender": "s@example.com"}, "an email needs a recipient", "pass --to"),
    ],
    ids=["both", "sender", "recipient"],
)
def test_every_missing_email_input_in_one_error(options: dict[str, object], message: str, hint: str) -> None:
    with pytest.raises(errors.UsageError) as caught:
        delivery.plan_delivery("eml", environ={}, **options)  # type: ignore[arg-type]
    assert caught.value.message == message and caught.value.hint.startswith(hint)


@pytest.mark.parametrize(
    ("option", "environ", "values", "expected"),
    [
        ("cli@x.example", {"REPLYKIT_FROM": "env@x.example"}, {"from": "p@x.example"}, ("cli@x.example", "--from")),
        (None, {"REPLYKIT_FROM": "env@x.example"}, {"from": "p@x.example"}, ("env@x.example", "REPLYKIT_FROM")),
        (None, {}, {"from": "p@x.example", "support_email": "s@x.example"}, ("p@x.example", "profile from")),
        (None, {}, {"support_email": "s@x.example"}, ("s@x.example", "profile support_email")),
        (None, {}, {}, None),
    ],
    ids=["option", "environment", "profile-from", "support-email", "none"],
)
def test_the_senders_order_of_precedence(
    option: str | None, environ: dict[str, str], values: dict[str, str], expected: tuple[str, str] | None
) -> None:
    assert delivery.sender_address(option=option, environ=environ, profile=Profile("p", values)) == expected


def test_a_bad_sender_is_blamed_on_where_it_came_from() -> None:
    with pytest.raises(errors.InvalidAddress, match="^REPLYKIT_FROM: 'not an address'"):
        delivery.plan_delivery("eml", to=["b@example.com"], environ={"REPLYKIT_FROM": "not an address"})


def test_eml_is_produced_as_bytes(make_pack: MakePack) -> None:
    request = RenderRequest(
        "greet",
        fields={"name": "Zoë", "count": "1"},
        templates_dirs=(make_pack(PACK),),
        format="eml",
        to=("b@example.com",),
        sender="Shop <s@example.com>",
    )
    rendered = render_request(request, environ={})
    assert isinstance(rendered.payload, bytes) and rendered.payload.startswith(b"From: Shop <s@example.com>\n")
    assert "Hello Zoë, 1.\n".encode() in rendered.payload


def test_the_format_option_offers_every_format() -> None:
    assert [f.value for f in OutputFormat] == list(FORMATS)


# --- the console edge, through the command line ----------------------------------------------------


def test_list_prints_a_hint_with_its_label(make_pack: MakePack) -> None:
    pack = make_pack({"bad/scenario.yaml": "title: Bad\nsummary: x\nnope: 1\n", "bad/en.j2": "Subject: x\n\nx\n"})
    result = CliRunner().invoke(app, ["list", "--templates-dir", str(pack)])
    assert result.exit_code == errors.SCENARIO_INVALID
    assert "error: " in result.stderr and "\nhint: allowed keys: title" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["render", "missing-items", "--name", "A"], ["render", "missing-items", "--name", "A", "--format", "json"]],
    ids=["fast-path", "full-cli"],
)
def test_a_closed_stdout_is_a_clear_error(replykit_bin: str, args: list[str]) -> None:
    done = subprocess.run(
        ["bash", "-c", 'exec "$0" "$@" >&-', replykit_bin, *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == errors.INPUT_OUTPUT
    assert done.stderr == (
        "error: cannot print the reply: stdout is closed\n"
        "hint: run without '>&-', or write to a file with --output FILE\n"
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [("from", "Shop <jö@exämple.com>"), ("support_email", "jö@exämple.com"), ("from", "a@b.example, c@d.example")],
    ids=["from-non-ascii", "support-non-ascii", "from-list"],
)
def test_profile_addresses_pass_the_same_check_as_from(key: str, value: str) -> None:
    result = CliRunner().invoke(app, ["config", "set", key, value])
    assert result.exit_code == errors.INVALID_VALUE and "expected an" in result.stderr


def test_an_unsafe_template_cache_is_reported_through_the_console(replykit_bin: str, isolated_home: Path) -> None:
    cache = isolated_home / "cache" / "replykit" / "templates"
    cache.mkdir(parents=True)
    cache.chmod(0o777)
    done = subprocess.run(
        [replykit_bin, "render", "missing-items", "--name", "A"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.startswith("Dear A,")
    assert done.stderr.startswith(f"warning: not using the template cache {cache}: other users can write to it")
    assert done.stderr.count("\n") == 1
