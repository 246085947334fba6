"""Seller profiles in the core: the config file's format, validation, precedence and atomic writes."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from replykit import config as cfg
from replykit import errors
from replykit.errors import ConfigInvalid, InvalidValue, UsageError
from replykit.output.delivery import sender_address
from replykit.packs.fields import resolve_values
from replykit.packs.library import Library, search_path

GOOD = """\
default_profile: main
profiles:
  main:
    seller_name: Sam
    currency: eur
    from: Harbour <shop@harbour.example>
  eu-store:
    store_name: Harbour EU
    lang: pt_BR
    timezone: Europe/Lisbon
  empty:
"""


def parse(text: str, path: Path = Path("config.yaml")) -> cfg.Config:
    return cfg.parse_config(textwrap.dedent(text), path)


def test_a_config_file_is_read_with_its_lines() -> None:
    config = parse(GOOD)
    assert config.default_profile == "main"
    assert list(config.profiles) == ["main", "eu-store", "empty"]
    main = config.profiles["main"]
    assert main.values == {"seller_name": "Sam", "currency": "EUR", "from": "Harbour <shop@harbour.example>"}
    assert main.lines == {"seller_name": 4, "currency": 5, "from": 6}
    assert config.profiles["eu-store"].lang == "pt-BR"
    assert config.profiles["empty"].values == {}


def test_only_field_keys_feed_fields() -> None:
    main = parse(GOOD).profiles["main"]
    assert main.field_values == {"seller_name": "Sam", "currency": "EUR"}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("profiles:\n  main:\n    seller_name: [Sam\n", 4, "invalid YAML"),
        ("profiles:\n  main:\n    seler_name: Sam\n", 3, "unknown key 'seler_name' in profile 'main'; did you mean seller_name"),
        ("seller_name: Sam\n", 1, "unknown top-level key 'seller_name'"),
        ("profiles:\n  main:\n    currency: euro\n", 3, "'currency' in profile 'main': 'euro': expected an ISO 4217 currency code"),
        ("profiles:\n  main:\n    support_email: nobody\n", 3, "expected an email address"),
        ("profiles:\n  main:\n    timezone: Mars/Olympus\n", 3, "expected a time zone name"),
        ("profiles:\n  main:\n    lang: english language\n", 3, "expected a language tag"),
        ("profiles:\n  main:\n    seller_name: [Sam, Kim]\n", 3, "must be text"),
        ("profiles:\n  main: Sam\n", 2, "profile 'main' must be a mapping"),
        ("profiles:\n  main:\n    store_name: A\n    store_name: B\n", 4, "duplicate key 'store_name'"),
        ("default_profile: mian\nprofiles:\n  main:\n", 1, "default_profile 'mian' is not under 'profiles:'"),
        ("profiles:\n  ../up:\n", 2, "profile name '../up'"),
        ("profiles: [main]\n", 1, "'profiles' must be a mapping"),
        ("- main\n", 1, "expected a mapping"),
    ],
    ids=[
        "yaml-error", "unknown-key", "key-outside-profiles", "bad-currency", "bad-email", "bad-timezone",
        "bad-lang", "list-value", "profile-not-mapping", "duplicate", "missing-default", "bad-profile-name",
        "profiles-list", "top-level-list",
    ],
)  # fmt: skip
def test_a_broken_file_names_file_line_and_problem(text: str, line: int, message: str) -> None:
    with pytest.raises(ConfigInvalid) as caught:
        cfg.parse_config(text, Path("/x/config.yaml"))
    assert caught.value.exit_code == errors.CONFIG_INVALID
    assert caught.value.message.startswith(f"/x/config.yaml:{line}: ")
    assert message in caught.value.message


@pytest.mark.parametrize("text", ["", "# only a comment\n", "profiles:\n"], ids=["empty", "comment", "no-profiles"])
def test_an_empty_file_is_an_empty_config(text: str) -> None:
    config = parse(text)
    assert config.profiles == {} and config.default_name == cfg.DEFAULT_PROFILE


def test_a_missing_file_is_an_empty_config(tmp_path: Path) -> None:
    assert cfg.load_config(tmp_path / "nope.yaml").profiles == {}


@pytest.mark.parametrize(
    ("key", "raw", "stored"),
    [
        ("seller_name", "  Sam Lee ", "Sam Lee"),
        ("support_email", "help@shop.example", "help@shop.example"),
        ("from", "Harbour Home <shop@harbour.example>", "Harbour Home <shop@harbour.example>"),
        ("from", "shop@harbour.example", "shop@harbour.example"),
        ("lang", "de", "de"),
        ("lang", "pt_BR", "pt-BR"),
        ("currency", "gbp", "GBP"),
        ("timezone", "America/New_York", "America/New_York"),
    ],
    ids=["trimmed", "email", "from-with-name", "from-bare", "lang", "lang-underscore", "currency-upper", "timezone"],
)
def test_values_are_checked_and_normalised(key: str, raw: str, stored: str) -> None:
    assert cfg.check_value(key, raw) == stored


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("seller_name", "   ", "cannot be empty"),
        ("store_name", "a\nb", "single line"),
        ("support_email", "Harbour <x@y.example>", "email address"),
        ("support_email", "x@y", "email address"),
        ("from", "Harbour", "email address"),
        ("lang", "d", "language tag"),
        ("currency", "EURO", "ISO 4217"),
        ("currency", "ABC", "ISO 4217"),
        ("currency", "E1R", "ISO 4217"),
        ("timezone", "Europe/Pari", "did you mean Europe/Paris"),
        ("timezone", "../../etc/passwd", "time zone"),
    ],
    ids=["blank", "two-lines", "email-with-name", "email-no-dot", "from-no-address", "lang-short", "currency-long", "currency-unknown",
         "currency-digit", "timezone-typo", "timezone-path"],
)  # fmt: skip
def test_bad_values_say_what_is_expected(key: str, raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cfg.check_value(key, raw)


def test_unknown_keys_are_refused_with_the_closest_ones() -> None:
    assert cfg.check_key("seller-name") == "seller_name"
    with pytest.raises(UsageError) as caught:
        cfg.check_key("store")
    assert "unknown key 'store'; did you mean store_name" in caught.value.message
    assert caught.value.hint.startswith("keys: seller_name, store_name")


def test_set_value_refuses_a_bad_value_as_invalid() -> None:
    with pytest.raises(InvalidValue) as caught:
        cfg.set_value(cfg.Config(Path("c.yaml")), "main", "currency", "euro")
    assert caught.value.exit_code == errors.INVALID_VALUE
    assert "currency: 'euro'" in caught.value.message


@pytest.mark.parametrize(
    ("option", "env", "expected"),
    [
        ("eu-store", "other", ("eu-store", "--profile")),
        (None, "eu-store", ("eu-store", "REPLYKIT_PROFILE")),
        (None, "", ("main", "default_profile")),
        (None, None, ("main", "default_profile")),
    ],
    ids=["option-wins", "env", "empty-env-ignored", "file-default"],
)
def test_which_profile_applies(option: str | None, env: str | None, expected: tuple[str, str]) -> None:
    environ = {} if env is None else {cfg.ENV_PROFILE: env}
    assert cfg.profile_name(parse(GOOD), option=option, environ=environ) == expected


def test_without_default_profile_the_profile_named_default_applies() -> None:
    config = parse("profiles:\n  default:\n    seller_name: Kim\n")
    profile, origin = cfg.select_profile(config, environ={})
    assert (profile.name, profile.values, origin) == ("default", {"seller_name": "Kim"}, "default")


@pytest.mark.parametrize(
    ("option", "environ", "origin"),
    [("eu", {}, "--profile"), (None, {cfg.ENV_PROFILE: "eu"}, cfg.ENV_PROFILE)],
    ids=["option", "env"],
)
def test_a_profile_asked_for_by_name_must_exist(option: str | None, environ: dict[str, str], origin: str) -> None:
    with pytest.raises(UsageError) as caught:
        cfg.select_profile(parse(GOOD), option=option, environ=environ)
    assert f"no profile 'eu' ({origin})" in caught.value.message
    assert "profiles: main, eu-store, empty" in caught.value.hint


def test_save_and_load_round_trip_keeps_text(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "config.yaml"
    config = cfg.Config(path)
    for key, value in [("seller_name", "0123"), ("store_name", "yes: no # really"), ("from", "A <a@b.example>")]:
        config = cfg.set_value(config, "main", key, value)
    config = cfg.set_value(config, "eu-store", "lang", "de").with_default("eu-store")
    cfg.save_config(config)
    loaded = cfg.load_config(path)
    assert loaded.default_profile == "eu-store"
    assert loaded.profiles["main"].values == {"seller_name": "0123", "store_name": "yes: no # really",
                                              "from": "A <a@b.example>"}  # fmt: skip
    assert loaded.profiles["eu-store"].values == {"lang": "de"}
    assert path.read_text(encoding="utf-8").startswith("# replykit configuration")
    assert [p.name for p in path.parent.iterdir()] == ["config.yaml"]


def test_with_default_needs_an_existing_profile() -> None:
    with pytest.raises(UsageError, match="no profile 'nope'"):
        parse(GOOD).with_default("nope")


def test_unset_keeps_the_profile() -> None:
    config = parse(GOOD).without_value("eu-store", "store_name")
    assert config.profiles["eu-store"].values == {"lang": "pt-BR", "timezone": "Europe/Lisbon"}


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_an_interrupted_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(GOOD, encoding="utf-8")
    os.chmod(path, 0o640)

    def crash(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cfg.os, failing, crash)
    with pytest.raises(errors.InputOutputError, match="No space left on device"):
        cfg.save_config(cfg.set_value(cfg.parse_config(GOOD, path), "main", "seller_name", "Kim"))
    assert path.read_text(encoding="utf-8") == GOOD
    assert [p.name for p in tmp_path.iterdir()] == ["config.yaml"]


def test_a_write_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(GOOD, encoding="utf-8")
    os.chmod(path, 0o640)
    cfg.save_config(cfg.set_value(cfg.parse_config(GOOD, path), "main", "seller_name", "Kim"))
    assert path.stat().st_mode & 0o777 == 0o640
    assert cfg.load_config(path).profiles["main"].values["seller_name"] == "Kim"


def test_the_config_file_location(isolated_home: Path, tmp_path: Path) -> None:
    default = cfg.config_location(environ={})
    assert default == cfg.Location(isolated_home / "config" / "replykit" / "config.yaml", "default")
    elsewhere = cfg.config_location(environ={cfg.ENV_CONFIG: str(tmp_path / "c.yaml")})
    assert elsewhere == cfg.Location(tmp_path / "c.yaml", cfg.ENV_CONFIG)


def test_active_profile_reads_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(GOOD, encoding="utf-8")
    environ = {cfg.ENV_CONFIG: str(path), cfg.ENV_PROFILE: "eu-store"}
    assert cfg.active_profile(environ=environ).values["store_name"] == "Harbour EU"
    assert cfg.active_profile(option="main", environ=environ).values["seller_name"] == "Sam"


@pytest.mark.parametrize(
    ("given", "values", "expected"),
    [
        ("cli@x.example", {"from": "p@x.example", "support_email": "s@x.example"}, "cli@x.example"),
        (None, {"from": "p@x.example", "support_email": "s@x.example"}, "p@x.example"),
        (None, {"support_email": "s@x.example"}, "s@x.example"),
        (None, {}, None),
    ],
    ids=["--from", "profile-from", "support-email", "none"],
)
def test_sender_address(given: str | None, values: dict[str, str], expected: str | None) -> None:
    found = sender_address(option=given, environ={}, profile=cfg.Profile("p", values))
    assert (found[0] if found else None) == expected


@pytest.mark.parametrize(
    ("cli", "data", "profile", "expected"),
    [
        ({"seller_name": "Cli"}, {"seller_name": "Data"}, {"seller_name": "Profile"}, "Cli"),
        ({}, {"seller_name": "Data"}, {"seller_name": "Profile"}, "Data"),
        ({}, {}, {"seller_name": "Profile"}, "Profile"),
        ({}, {}, {}, ""),
    ],
    ids=["cli", "data", "profile", "field-default"],
)
def test_precedence_for_a_real_scenario(
    cli: dict[str, str], data: dict[str, str], profile: dict[str, str], expected: str
) -> None:
    scenario = Library(search_path()).find("missing-items")
    values = resolve_values(scenario.fields, cli={"name": "Alice", **cli}, data=data, profile=profile)
    assert values["seller_name"] == expected


def test_update_config_writes_only_a_change_and_returns_both(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.yaml"
    before, after = cfg.update_config(path, lambda c: cfg.set_value(c, "main", "seller_name", "Sam"))
    assert (before.profiles, after.profile("main").values) == ({}, {"seller_name": "Sam"})
    assert cfg.load_config(path).profile("main").values == {"seller_name": "Sam"}
    written = path.stat().st_mtime_ns
    same, unchanged = cfg.update_config(path, lambda c: c)
    assert same is unchanged and path.stat().st_mtime_ns == written
    assert oct((tmp_path / "new").stat().st_mode & 0o777) == "0o700"


def test_the_lock_file_is_never_followed_through_a_symlink(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    (tmp_path / ".config.yaml.lock").symlink_to(victim)
    with pytest.raises(errors.InputOutputError, match="cannot lock the config file"):
        cfg.update_config(tmp_path / "config.yaml", lambda c: cfg.set_value(c, "main", "seller_name", "Sam"))
    assert victim.read_text(encoding="utf-8") == "keep me\n"


@pytest.mark.parametrize("command", ["set", "default"], ids=["set-profiles", "set-then-default"])
def test_twenty_processes_at_once_lose_no_change(replykit_bin: str, tmp_path: Path, command: str) -> None:
    config = tmp_path / "config.yaml"
    env = {**os.environ, "REPLYKIT_CONFIG": str(config)}
    names = [f"store-{i:02d}" for i in range(20)]
    processes = [
        subprocess.Popen(
            [replykit_bin, "config", "set", "--profile", name, "seller_name", name],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for name in names
    ]
    results = [(p.wait(timeout=120), p.stderr.read().decode() if p.stderr else "") for p in processes]
    assert [code for code, _ in results] == [0] * 20, results
    if command == "default":
        defaults = [
            subprocess.Popen([replykit_bin, "config", "default", name], env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for name in names
        ]  # fmt: skip
        assert [p.wait(timeout=120) for p in defaults] == [0] * 20
    loaded = cfg.load_config(config)
    assert sorted(loaded.profiles) == names
    assert all(loaded.profile(name).values == {"seller_name": name} for name in names)
    assert command == "set" or loaded.default_profile in names
