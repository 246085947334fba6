"""config, init, new, edit, paths and render --profile: through CliRunner and as the installed script."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MakePack, editor, run, sh
from replykit import errors
from replykit.packs.library import Library, builtin_dir, search_path, user_dir


@pytest.fixture
def config_file(isolated_home: Path) -> Path:
    return isolated_home / "config" / "replykit" / "config.yaml"


def write_config(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


PROFILES = """\
default_profile: main
profiles:
  main:
    seller_name: Sam
    store_name: Harbour Home
  eu-store:
    store_name: Harbour EU
"""


# --- config -------------------------------------------------------------------------------


def test_config_set_get_unset(config_file: Path) -> None:
    assert run("config", "set", "seller_name", "Sam") == (
        0,
        "",
        f"note: seller_name = Sam in profile default (new profile), {config_file}\n",
    )
    assert run("config", "set", "currency", "eur")[0] == 0
    assert run("config", "get", "seller_name") == (0, "Sam\n", "")
    assert run("config", "get", "currency") == (0, "EUR\n", "")
    assert run("config", "unset", "seller_name") == (
        0,
        "",
        f"note: removed seller_name from profile default, {config_file}\n",
    )
    code, out, err = run("config", "get", "seller_name")
    assert (code, out) == (errors.ERROR, "")
    assert (
        err
        == "error: seller_name is not set in profile default\nhint: set it with 'replykit config set seller_name VALUE'\n"
    )
    assert run("config", "unset", "seller_name") == (
        0,
        "",
        "warning: seller_name is not set in profile default; nothing to do\n",
    )


def test_config_set_writes_a_readable_yaml_file(config_file: Path) -> None:
    run("config", "set", "seller-name", "Sam")
    run("config", "set", "--profile", "eu-store", "store_name", "Harbour EU")
    run("config", "default", "eu-store")
    text = config_file.read_text(encoding="utf-8")
    assert text.split("\n", 2)[2] == (
        "default_profile: eu-store\nprofiles:\n  default:\n    seller_name: Sam\n  eu-store:\n    store_name: Harbour EU\n"
    )


def test_config_list_shows_every_key_and_its_source(config_file: Path) -> None:
    write_config(config_file, PROFILES)
    code, out, err = run("config", "list")
    assert code == 0
    assert err == f"note: profile main (the default_profile); file {config_file}\n"
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["seller_name", "store_name", "support_email", "from", "lang",
                                                  "currency", "timezone", "channel", "order_pattern"]  # fmt: skip
    assert re.split(r"\s{2,}", lines[0]) == ["seller_name", "Sam", f"profile main ({config_file}:4)"]
    assert re.split(r"\s{2,}", lines[2]) == ["support_email", "-", "not set"]
    code, out, err = run("config", "list", "--profile", "eu-store")
    assert "profile eu-store (chosen by --profile)" in err
    assert re.split(r"\s{2,}", out.splitlines()[1]) == [
        "store_name",
        "Harbour EU",
        f"profile eu-store ({config_file}:7)",
    ]


def test_config_list_json(config_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(config_file, PROFILES)
    monkeypatch.setenv("REPLYKIT_PROFILE", "eu-store")
    code, out, _ = run("config", "list", "--json")
    document = json.loads(out)
    assert (code, document["profile"], document["profile_source"]) == (0, "eu-store", "REPLYKIT_PROFILE")
    assert document["file"] == str(config_file) and document["file_source"] == "default"
    assert document["values"]["store_name"] == {"value": "Harbour EU", "source": f"profile eu-store ({config_file}:7)"}
    assert document["values"]["seller_name"] == {"value": None, "source": "not set"}


def test_config_path_and_replykit_config(config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run("config", "path")
    assert (code, out) == (0, f"{config_file}\n")
    assert "does not exist yet" in err
    elsewhere = tmp_path / "shop" / "replykit.yaml"
    monkeypatch.setenv("REPLYKIT_CONFIG", str(elsewhere))
    assert run("config", "path")[1] == f"{elsewhere}\n"
    assert run("config", "set", "store_name", "Elsewhere")[0] == 0
    assert "store_name: Elsewhere" in elsewhere.read_text(encoding="utf-8")
    assert not config_file.exists()


def test_config_profiles_and_default(config_file: Path) -> None:
    assert run("config", "profiles") == (0, "* default\n", "")
    write_config(config_file, PROFILES)
    assert run("config", "profiles") == (0, "* main\n  eu-store\n", "")
    assert run("config", "default", "eu-store")[0] == 0
    assert run("config", "profiles")[1] == "  main\n* eu-store\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["config", "set", "seler_name", "x"], errors.USAGE, "unknown key 'seler_name'; did you mean seller_name"),
        (["config", "set", "email", "x"], errors.USAGE, "hint: keys: seller_name, store_name, support_email"),
        (["config", "get", "timezon"], errors.USAGE, "did you mean timezone?"),
        (["config", "unset", "nope"], errors.USAGE, "unknown key 'nope'"),
        (["config", "set", "currency", "euro"], errors.INVALID_VALUE, "currency: 'euro': expected an ISO 4217 currency code"),
        (["config", "set", "support_email", "help"], errors.INVALID_VALUE, "expected an email address"),
        (["config", "set", "from", "Harbour"], errors.INVALID_VALUE, "expected an email address"),
        (["config", "set", "lang", "1"], errors.INVALID_VALUE, "expected a language tag"),
        (["config", "set", "timezone", "Europe/Pari"], errors.INVALID_VALUE, "did you mean Europe/Paris"),
        (["config", "set", "seller_name", " "], errors.INVALID_VALUE, "cannot be empty"),
        (["config", "set", "--profile", "../x", "seller_name", "S"], errors.USAGE, "profile name '../x'"),
        (["config", "get", "seller_name", "--profile", "nope"], errors.USAGE, "no profile 'nope' (--profile)"),
        (["config", "list", "--profile", "eu-stor"], errors.USAGE, "did you mean eu-store?"),
        (["config", "default", "nope"], errors.USAGE, "no profile 'nope'"),
        (["config", "set", "seller_name"], errors.USAGE, "Missing argument 'VALUE'"),
    ],
    ids=["unknown-key", "unknown-key-hint", "get-typo", "unset-unknown", "currency", "email", "from", "lang",
         "timezone", "empty", "bad-profile-name", "get-unknown-profile", "list-unknown-profile", "default-unknown",
         "no-value"],
)  # fmt: skip
def test_config_bad_inputs(config_file: Path, args: list[str], code: int, message: str) -> None:
    write_config(config_file, PROFILES)
    got, out, err = run(*args)
    assert (got, out) == (code, "")
    assert message in err
    assert config_file.read_text(encoding="utf-8") == PROFILES


@pytest.mark.parametrize(
    "args",
    [["config", "list"], ["config", "set", "seller_name", "x"], ["render", "missing-items", "--name", "A"]],
    ids=["list", "set", "render"],
)
def test_a_broken_config_file_names_file_and_line(config_file: Path, args: list[str]) -> None:
    write_config(config_file, "profiles:\n  main:\n    sellername: Sam\n")
    code, out, err = run(*args)
    assert (code, out) == (errors.CONFIG_INVALID, "")
    assert err.startswith(
        f"error: {config_file}:3: unknown key 'sellername' in profile 'main'; did you mean seller_name"
    )


# --- render with profiles -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cli", "data", "profile", "signed"),
    [
        (True, True, True, "Cli"),
        (False, True, True, "Data"),
        (False, False, True, "Profile"),
        (False, False, False, "Customer Service"),
    ],
    ids=["cli-wins", "data-beats-profile", "profile-beats-default", "field-default"],
)
def test_render_precedence_cli_data_profile_default(
    config_file: Path, tmp_path: Path, cli: bool, data: bool, profile: bool, signed: str
) -> None:
    args = ["render", "missing-items", "--name", "Alice"]
    if cli:
        args += ["--seller-name", "Cli"]
    if data:
        (tmp_path / "d.yaml").write_text("seller_name: Data\n", encoding="utf-8")
        args += ["--data", str(tmp_path / "d.yaml")]
    if profile:
        write_config(config_file, "profiles:\n  default:\n    seller_name: Profile\n")
    code, out, err = run(*args)
    assert (code, err) == (0, "")
    assert out.endswith(f"Best wishes,\n{signed}\n")


@pytest.mark.parametrize(
    ("option", "env", "signature"),
    [
        ([], None, "Sam\nHarbour Home"),
        (["--profile", "eu-store"], None, "The Harbour EU team"),
        ([], "eu-store", "The Harbour EU team"),
        (["--profile", "main"], "eu-store", "Sam\nHarbour Home"),
    ],
    ids=["default-profile", "option", "env", "option-beats-env"],
)
def test_render_uses_the_active_profile(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, option: list[str], env: str | None, signature: str
) -> None:
    write_config(config_file, PROFILES)
    if env:
        monkeypatch.setenv("REPLYKIT_PROFILE", env)
    code, out, _ = run("render", "missing-items", "--name", "Alice", *option)
    assert code == 0 and out.endswith(f"Best wishes,\n{signature}\n")


@pytest.mark.parametrize(
    ("option", "env", "origin"), [(["--profile", "eu"], None, "--profile"), ([], "eu", "REPLYKIT_PROFILE")]
)
def test_render_with_an_unknown_profile(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, option: list[str], env: str | None, origin: str
) -> None:
    write_config(config_file, PROFILES)
    if env:
        monkeypatch.setenv("REPLYKIT_PROFILE", env)
    code, out, err = run("render", "missing-items", "--name", "Alice", *option)
    assert (code, out) == (errors.USAGE, "")
    assert f"error: no profile 'eu' ({origin}) in {config_file}" in err


def test_profile_language_applies_unless_lang_is_given(config_file: Path, make_pack: MakePack) -> None:
    pack = make_pack(
        {
            "hello/scenario.yaml": "title: T\nsummary: S\nfields:\n  name:\n",
            "hello/en.j2": "Subject: s\n\nHello {{ name }}\n",
            "hello/de.j2": "Subject: s\n\nHallo {{ name }}\n",
        }
    )
    write_config(config_file, "profiles:\n  default:\n    lang: de\n")
    base = ["render", "hello", "--name", "Ann", "--templates-dir", str(pack)]
    assert run(*base) == (0, "Hallo Ann\n", "")
    assert run(*base, "--lang", "en") == (0, "Hello Ann\n", "")


# --- init, new, edit, paths ----------------------------------------------------------------------


def test_init_prints_the_folder_and_says_what_it_made() -> None:
    folder = user_dir()
    code, out, err = run("init")
    assert (code, out) == (0, f"{folder}\n")
    assert err == f"note: created README.md, example/ in {folder}\nnote: try: replykit render example --name Alice\n"
    assert run("render", "example", "--name", "Alice")[1].startswith("Dear Alice,\n")
    assert run("init") == (0, f"{folder}\n", f"note: {folder} is already set up; nothing created\n")


def test_new_and_new_from() -> None:
    code, out, err = run("new", "wrong-size")
    assert (code, out) == (0, f"{user_dir() / 'wrong-size'}\n")
    assert "created wrong-size as a scaffold, languages: en" in err
    assert run("render", "wrong-size", "--name", "Bo")[1].startswith("Dear Bo,\n")
    code, out, err = run("new", "missing-items", "--from", "missing-items")
    assert (code, out) == (0, f"{user_dir() / 'missing-items'}\n")
    assert "created missing-items as a copy of missing-items (built-in)" in err
    assert "warning: missing-items now overrides the one in built-in" in err
    copied = sorted(p.name for p in (user_dir() / "missing-items").iterdir())
    assert copied == sorted(p.name for p in (builtin_dir() / "missing-items").iterdir())


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["new", "taken"], errors.INPUT_OUTPUT, "scenario 'taken' already exists"),
        (["new", "../up"], errors.USAGE, "'../up' is not a valid scenario id"),
        (["new", "a/b"], errors.USAGE, "is not a valid scenario id"),
        (["new", ".hidden"], errors.USAGE, "is not a valid scenario id"),
        (["new", "--", "-dash"], errors.USAGE, "is not a valid scenario id"),
        (["new", "x", "--from", "missng-items"], errors.NOT_FOUND, "did you mean missing-items"),
        (["new"], errors.USAGE, "Missing argument 'ID'"),
    ],
    ids=["exists", "parent", "slash", "dot", "dash", "unknown-source", "no-id"],
)
def test_new_bad_inputs(args: list[str], code: int, message: str) -> None:
    run("new", "taken")
    got, out, err = run(*args)
    assert (got, out) == (code, "")
    assert message in err
    assert sorted(p.name for p in user_dir().iterdir()) == ["taken"]


def test_edit_a_built_in_copies_it_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "opened.txt"
    monkeypatch.setenv("EDITOR", editor(tmp_path, f"Path({str(log)!r}).write_text(' '.join(map(str, files)))\n"))
    code, out, err = run("edit", "missing-items")
    copy = user_dir() / "missing-items"
    assert (code, out) == (0, "")
    assert err == (
        f"note: started {copy / 'scenario.yaml'} as a copy of {builtin_dir() / 'missing-items' / 'scenario.yaml'}\n"
        f"note: started {copy / 'en.j2'} as a copy of {builtin_dir() / 'missing-items' / 'en.j2'}\n"
        f"note: missing-items checked: {', '.join(Library(search_path()).find('missing-items').languages)} compile and render\n"
    )
    assert log.read_text() == f"{copy / 'scenario.yaml'} {copy / 'en.j2'}"


def test_a_swiss_german_variant_of_a_built_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user adds de-CH to a built-in scenario: one new file, no copy of the scenario."""
    swiss = "for f in files:\n    f.write_text(f.read_text().replace('Subject: ', 'Subject: Schweiz: ', 1))\n"
    monkeypatch.setenv("EDITOR", editor(tmp_path, swiss))
    code, out, err = run("edit", "late-delivery", "--lang", "de_CH")
    variant = user_dir() / "late-delivery" / "de-CH.j2"
    assert (code, out) == (0, "")
    assert f"note: started {variant} as a copy of {builtin_dir() / 'late-delivery' / 'de.j2'}\n" in err
    assert sorted(p.name for p in variant.parent.iterdir()) == ["de-CH.j2"]
    args = ("render", "late-delivery", "--name", "Alice", "--expected-date", "2026-12-03", "--format", "json")
    code, out, err = run(*args, "--lang", "de-CH")
    assert (code, err) == (0, "")
    swiss_reply, german = json.loads(out), json.loads(run(*args, "--lang", "de")[1])
    assert swiss_reply["language"] == "de-CH" and german["language"] == "de"
    assert swiss_reply["subject"] == "Schweiz: " + german["subject"]
    assert swiss_reply["body"] == german["body"]
    assert "de-CH" in run("show", "late-delivery")[1].split("Languages:")[1].split("\n")[0]
    # Swiss German spelled as its own language finds the variant; Austrian German falls back to German.
    assert json.loads(run(*args, "--lang", "gsw")[1])["language"] == "de-CH"
    code, out, err = run(*args, "--lang", "de-AT")
    assert (code, json.loads(out)["language"]) == (0, "de")
    assert err == "warning: late-delivery has no 'de-AT' reply; using 'de', the closest it has\n"


def test_edit_reports_problems_with_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("new", "mine")
    code = "for f in files:\n    if f.name == 'en.j2': f.write_text('Subject: s\\n\\nHi {{ nmae }}\\n')\n"
    monkeypatch.setenv("VISUAL", editor(tmp_path, code))
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")
    got, out, err = run("edit", "mine")
    assert (got, out) == (errors.SCENARIO_INVALID, "")
    assert (
        f"error: {user_dir() / 'mine' / 'en.j2'}:3: template uses undeclared variable nmae; did you mean name?" in err
    )
    assert err.endswith("hint: fix it with 'replykit edit mine'\n")


@pytest.mark.parametrize(
    ("env", "args", "code", "message"),
    [
        ({}, ["edit", "mine"], errors.USAGE, "error: no editor: neither VISUAL nor EDITOR is set"),
        ({"EDITOR": "/nonexistent/editor --wait"}, ["edit", "mine"], errors.USAGE, "cannot run editor"),
        ({"EDITOR": "false"}, ["edit", "mine"], errors.ERROR, "the editor exited with status 1"),
        ({"EDITOR": "true"}, ["edit", "mien"], errors.NOT_FOUND, "did you mean mine?"),
        ({"EDITOR": "true"}, ["edit", "../mine"], errors.USAGE, "not a valid scenario id"),
    ],
    ids=["no-editor", "editor-not-found", "editor-fails", "unknown", "bad-id"],
)
def test_edit_bad_inputs(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], args: list[str], code: int, message: str
) -> None:
    run("new", "mine")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    got, out, err = run(*args)
    assert (got, out) == (code, "")
    assert message in err


def test_edit_without_an_editor_copies_nothing() -> None:
    assert run("edit", "missing-items")[0] == errors.USAGE
    assert not (user_dir() / "missing-items").exists()


def test_paths_in_precedence_order(config_file: Path, make_pack: MakePack, monkeypatch: pytest.MonkeyPatch) -> None:
    pack = make_pack({"x/scenario.yaml": ""})
    monkeypatch.setenv("REPLYKIT_PATH", "/nonexistent/pack")
    code, out, err = run("paths", "--templates-dir", str(pack), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == [
        {"kind": "scenarios", "origin": "--templates-dir", "path": str(pack), "exists": True},
        {"kind": "scenarios", "origin": "REPLYKIT_PATH", "path": "/nonexistent/pack", "exists": False},
        {"kind": "scenarios", "origin": "user", "path": str(user_dir()), "exists": False},
        {"kind": "scenarios", "origin": "built-in", "path": str(builtin_dir()), "exists": True},
        {"kind": "config", "origin": "user", "path": str(config_file), "exists": False},
    ]
    monkeypatch.delenv("REPLYKIT_PATH")
    run("init")
    code, out, _ = run("paths")
    assert [line.split() for line in out.splitlines()] == [
        ["scenarios", "user", str(user_dir()), "exists"],
        ["scenarios", "built-in", str(builtin_dir()), "exists"],
        ["config", "user", str(config_file), "missing"],
    ]


# --- the installed script -------------------------------------------------------------------------


def test_script_config_then_render_on_the_fast_path(replykit_bin: str, config_file: Path) -> None:
    assert sh(replykit_bin, "config", "set", "--profile", "eu-store", "store_name", "Harbour EU").returncode == 0
    assert sh(replykit_bin, "config", "set", "seller_name", "Sam").returncode == 0
    assert (
        sh(replykit_bin, "config", "get", "store_name", env={"REPLYKIT_PROFILE": "eu-store"}).stdout == "Harbour EU\n"
    )
    for args, signature in [([], "Sam\n"), (["--profile", "eu-store"], "The Harbour EU team\n")]:
        done = sh(replykit_bin, "render", "missing-items", "--name", "Alice", *args)
        assert (done.returncode, done.stderr) == (0, "")
        assert done.stdout.endswith("Best wishes,\n" + signature)
        assert done.stdout == run("render", "missing-items", "--name", "Alice", *args)[1]
    done = sh(replykit_bin, "render", "missing-items", "--name", "Alice", "--profile", "nope")
    assert done.returncode == errors.USAGE and "no profile 'nope' (--profile)" in done.stderr


def test_script_broken_config(replykit_bin: str, config_file: Path) -> None:
    write_config(config_file, "profiles:\n  main:\n    currency: [EUR\n")
    done = sh(replykit_bin, "render", "missing-items", "--name", "Alice")
    assert (done.returncode, done.stdout) == (errors.CONFIG_INVALID, "")
    assert done.stderr.startswith(f"error: {config_file}:4: invalid YAML") and "Traceback" not in done.stderr


def test_script_init_new_edit_paths(replykit_bin: str, tmp_path: Path) -> None:
    done = sh(replykit_bin, "init")
    assert (done.returncode, done.stdout) == (0, f"{user_dir()}\n") and "created README.md" in done.stderr
    assert sh(replykit_bin, "new", "wrong-size", "--from", "missing-items").returncode == 0
    change = "for f in files:\n    if f.name == 'en.j2': f.write_text(f.read_text().replace('Dear', 'Hello'))\n"
    done = sh(replykit_bin, "edit", "wrong-size", env={"EDITOR": editor(tmp_path, change)})
    assert (done.returncode, done.stdout) == (0, "") and "wrong-size checked" in done.stderr
    assert sh(replykit_bin, "render", "wrong-size", "--name", "Ann").stdout.startswith("Hello Ann,\n")
    done = sh(replykit_bin, "paths")
    assert done.returncode == 0 and [str(user_dir()), "exists"] in [
        line.split()[2:] for line in done.stdout.splitlines()
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["paths"],
        ["config", "list"],
        ["config", "set", "seller_name", "S"],
        ["init"],
        ["new", "x", "--from", "missing-items"],
    ],
    ids=["paths", "config-list", "config-set", "init", "new"],
)
def test_setup_commands_do_not_load_jinja(args: list[str]) -> None:
    code = (
        "import sys\nsys.argv = ['replykit', *sys.argv[1:]]\nfrom replykit.cli.fastpath import run\n"
        "try:\n    run()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "assert 'jinja2' not in sys.modules, 'jinja2 was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


# --- the profile's sender address in email drafts -----------------------------------------------


@pytest.mark.parametrize(
    ("option", "env", "profile", "sender"),
    [
        (["--from", "cli@example.com"], "env@example.com", "from: p@example.com\n", "cli@example.com"),
        ([], "env@example.com", "from: p@example.com\n", "env@example.com"),
        ([], None, "from: Harbour <p@example.com>\n    support_email: s@example.com\n", "Harbour <p@example.com>"),
        ([], None, "support_email: s@example.com\n", "s@example.com"),
    ],
    ids=["--from", "REPLYKIT_FROM", "profile-from", "support-email"],
)
def test_eml_sender_comes_from_the_profile_when_not_given(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, option: list[str], env: str | None, profile: str, sender: str
) -> None:
    write_config(config_file, "profiles:\n  default:\n    " + profile)
    if env:
        monkeypatch.setenv("REPLYKIT_FROM", env)
    code, out, err = run(
        "render", "missing-items", "--name", "Zoe", "--format", "eml", "--to", "zoe@example.com", *option
    )
    assert (code, err) == (0, "")
    assert out.startswith(f"From: {sender}\n")


def test_other_formats_ignore_the_profile_sender(config_file: Path) -> None:
    write_config(config_file, "profiles:\n  default:\n    from: p@example.com\n")
    code, out, err = run("render", "missing-items", "--name", "Zoe", "--format", "json")
    assert (code, err) == (0, "") and "p@example.com" not in out


def test_eml_without_any_sender_says_how_to_set_one() -> None:
    code, out, err = run("render", "missing-items", "--name", "Zoe", "--format", "eml", "--to", "zoe@example.com")
    assert (code, out) == (errors.USAGE, "")
    assert "or run 'replykit config set from ADDRESS'" in err
