"""The command line through Typer's CliRunner: exact stdout, stderr's message, the exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import MakePack, run
from replykit import errors

SEED = (
    "If your package is missing some of the items that you have ordered, please take clear photos of the "
    "items that you have received, and send them to us. We can then proceed to send you the missing item(s) "
    "as soon as possible, or you may tell us your solution."
)


def test_render_missing_items_out_of_the_box() -> None:
    code, out, err = run("render", "missing-items", "--name", "Alice")
    assert (code, err) == (0, "")
    assert out.startswith("Dear Alice,\n\n")
    assert SEED in out
    assert "Thank you for your time." in out
    assert out.endswith("\nCustomer Service\n")
    assert "(Your name)" not in out


@pytest.mark.parametrize(
    "args",
    [
        ["--name", "Alice", "--order-id", "0123"],
        ["--name=Alice", "--order-id=0123"],
        ["--set", "name=Alice", "--set", "order_id=0123"],
        ["--order-id", "0123", "--set", "name=Alice"],
    ],
    ids=["options", "equals", "set", "mixed"],
)
def test_fields_can_be_given_every_way(args: list[str]) -> None:
    code, out, _ = run("render", "missing-items", "--items", "mug", *args)
    assert code == 0
    assert out.startswith("Dear Alice,\n\n")
    assert "mug" in out and "order 0123" in out


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("-Alice", "Dear -Alice,"),
        ("a=b", "Dear a=b,"),
        ("--help", "Dear --help,"),
        ("[b]x[/b] :smile:", "Dear [b]x[/b] :smile:,"),
    ],
    ids=["dash", "equals", "looks-like-help", "markup"],
)
def test_values_are_data(value: str, shown: str) -> None:
    code, out, _ = run("render", "missing-items", "--name", value)
    assert code == 0
    assert out.startswith(shown + "\n")


def test_an_empty_value_is_taken_as_given() -> None:
    code, out, _ = run("render", "missing-items", "--name", "Alice", "--order-id", "", "--items", "mug")
    assert code == 0
    assert "order ." not in out and "order ," not in out and "  " not in out
    code, _, err = run("render", "missing-items", "--name", "")
    assert code == errors.INVALID_VALUE
    assert "name (--name): '': it is required and cannot be empty" in err


def test_data_file_and_stdin_with_command_line_winning(tmp_path: Path) -> None:
    data = tmp_path / "buyer.yaml"
    data.write_text("name: FromFile\norder_id: 0123\n", encoding="utf-8")
    code, out, _ = run("render", "missing-items", "--data", str(data), "--items", "cap")
    assert code == 0 and out.startswith("Dear FromFile,\n\n")
    assert "cap" in out and "order 0123" in out
    code, out, _ = run("render", "missing-items", "--data", str(data), "--name", "Cli")
    assert out.startswith("Dear Cli,")
    code, out, _ = run("render", "missing-items", "--data", "-", stdin='{"name": "Json", "order_id": 7}')
    assert code == 0 and out.startswith("Dear Json,")


def test_unused_data_keys_are_reported_not_fatal(tmp_path: Path) -> None:
    data = tmp_path / "d.json"
    data.write_text('{"name": "A", "ordr_id": "1"}', encoding="utf-8")
    code, out, err = run("render", "missing-items", "--data", str(data))
    assert code == 0 and out.startswith("Dear A,")
    assert "warning: --data: missing-items has no field ordr_id; ignored" in err


@pytest.mark.parametrize(
    ("args", "code", "messages"),
    [
        (["render", "missng-items", "--name", "A"], errors.NOT_FOUND,
         ["error: unknown scenario 'missng-items'; did you mean missing-items", "hint: run 'replykit list'"]),
        (["render", "missing-items", "--order-id", "1"], errors.MISSING_FIELDS,
         ["error: missing required field: name", "hint: pass --name ... (or --set FIELD=VALUE, or --data FILE)"]),
        (["render", "late-delivery"], errors.MISSING_FIELDS,
         ["error: missing required fields: name, expected_date", "pass --name ... --expected-date ..."]),
        (["render", "missing-items", "--nme", "A"], errors.USAGE,
         ["No such option: --nme", "--name"]),
        (["render", "late-delivery", "--name", "A", "--expected-date", "3/12/2026", "--order-id", "1"], errors.INVALID_VALUE,
         ["expected_date (--expected-date): '3/12/2026': expected a date as YYYY-MM-DD"]),
        (["render", "missing-items", "--set", "nme=A"], errors.USAGE,
         ["--set 'nme=A': this scenario has no field 'nme'; did you mean name?"]),
        (["render", "missing-items", "--name", "A", "--data", "/nonexistent/file.yaml"], errors.INPUT_OUTPUT,
         ["--data /nonexistent/file.yaml: No such file or directory"]),
        (["render", "missing-items", "--name", "A", "--templates-dir", "/nonexistent"], errors.USAGE,
         ["--templates-dir /nonexistent: no such folder"]),
        (["render", "missing-items", "--name", "A", "--lang", "not a tag"], errors.USAGE,
         ["--lang 'not a tag' is not a language tag", "available: "]),
        (["show", "nope"], errors.NOT_FOUND, ["unknown scenario 'nope'"]),
    ],
    ids=["unknown-scenario", "missing-one", "missing-all", "unknown-option", "bad-date", "bad-set", "no-data-file",
         "no-templates-dir", "bad-lang", "show-unknown"],
)  # fmt: skip
def test_bad_input(args: list[str], code: int, messages: list[str]) -> None:
    exit_code, out, err = run(*args)
    assert exit_code == code
    assert out == ""
    for message in messages:
        assert message in err
    assert "Traceback" not in err


def test_choice_errors_list_what_is_accepted(make_pack: MakePack) -> None:
    pack = make_pack(
        {
            "c/scenario.yaml": "title: t\nsummary: s\nfields:\n  remedy:\n    choices: [reship, refund]\n"
            "    default: reship\n",
            "c/en.j2": "Subject: x\n\nWe will {{ remedy }}.\n",
        }
    )
    code, _, err = run("render", "c", "--templates-dir", str(pack), "--remedy", "refnd")
    assert code == errors.INVALID_VALUE
    assert "remedy (--remedy): 'refnd': expected one of: reship, refund; did you mean refund?" in err
    assert run("render", "c", "--templates-dir", str(pack), "--remedy", "refund")[1] == "We will refund.\n"


def test_broken_user_files_are_reported_with_file_and_line(make_pack: MakePack) -> None:
    pack = make_pack({"b/scenario.yaml": "title: a\nsummary: b\ntitel: c\n", "b/en.j2": "Subject: x\n\nx\n"})
    code, out, err = run("render", "b", "--templates-dir", str(pack))
    assert code == errors.SCENARIO_INVALID and out == ""
    assert f"{pack / 'b' / 'scenario.yaml'}:3: unknown key 'titel' in scenario; did you mean title?" in err


def test_sandbox_escape_is_a_security_error(make_pack: MakePack) -> None:
    pack = make_pack(
        {"e/scenario.yaml": "title: a\nsummary: b\n", "e/en.j2": "Subject: x\n\n{{ ''.__class__.__mro__ }}\n"}
    )
    code, out, err = run("render", "e", "--templates-dir", str(pack))
    assert code == errors.SECURITY and out == ""
    assert "template refused by the sandbox: access to attribute '__class__' of 'str' object is unsafe" in err


def test_render_help_lists_the_scenarios_fields() -> None:
    code, out, _ = run("render", "late-delivery", "--help")
    assert code == 0
    for text in ("Scenario fields", "--name", "--order-id", "--tracking-number", "--expected-date", "required",
                 "--seller-name", "--set", "--data"):  # fmt: skip
        assert text in out
    generic = run("render", "--help")[1]
    assert "--data" in generic and "--tracking-number" not in generic


def test_list_plain_json_and_tag() -> None:
    code, out, err = run("list")
    assert code == 0 and err == ""
    rows = [line.split("\t") for line in out.splitlines()]
    assert all(len(row) == 5 for row in rows)
    assert ["missing-items", "built-in"] == [rows[[r[0] for r in rows].index("missing-items")][i] for i in (0, 4)]
    listed = json.loads(run("list", "--json")[1])
    assert {"missing-items", "negative-review", "late-delivery"} <= {s["id"] for s in listed}
    entry = next(s for s in listed if s["id"] == "negative-review")
    assert entry["tags"] == ["reviews"] and entry["source"] == "built-in" and "en" in entry["languages"]
    reviews = run("list", "--tag", "reviews")[1].splitlines()
    assert reviews and all("\treviews" in line or ",reviews" in line for line in reviews)
    assert not any(line.startswith("late-delivery\t") for line in reviews)


def test_list_shows_which_definition_wins_and_survives_broken_files(make_pack: MakePack) -> None:
    pack = make_pack(
        {
            "missing-items/scenario.yaml": "title: My missing items\nsummary: s\nfields:\n  name:\n",
            "missing-items/en.j2": "Subject: x\n\nHi {{ name }}\n",
            "broken/scenario.yaml": "title: [\n",
            "broken/en.j2": "Subject: x\n\nx\n",
        }
    )
    code, out, err = run("list", "--templates-dir", str(pack))
    assert code == errors.SCENARIO_INVALID
    line = next(r for r in out.splitlines() if r.startswith("missing-items\t"))
    assert line.split("\t")[1] == "My missing items"
    # Only English is the pack's own: the other languages still come from the built-in library.
    assert line.endswith(
        f"--templates-dir: {pack} (overrides built-in); ar, de, es, fr, it, ja, ko, nl, pl, pt-BR, ru from built-in"
    )
    assert "negative-review\t" in out
    assert f"{pack / 'broken' / 'scenario.yaml'}:2: invalid YAML" in err
    assert run("render", "missing-items", "--templates-dir", str(pack), "--name", "Z")[1] == "Hi Z\n"


def test_show_prints_fields_advice_and_a_preview() -> None:
    code, out, _ = run("show", "missing-items")
    assert code == 0
    assert out.startswith("missing-items: ")
    for text in ("Fields (typed text goes into the reply as written", "--name", "required; example: Alice", "Check before you send:", "Ask the buyer for:",
                 "What to offer:", "Preview (en, example values):", "Subject: Missing items from your order 4521",
                 "Dear Alice,", SEED):  # fmt: skip
        assert text in out
    document = json.loads(run("show", "missing-items", "--json")[1])
    assert document["preview"]["body"].startswith("Dear Alice,")
    assert {f["name"] for f in document["fields"]} >= {"name", "order_id", "items", "seller_name"}
    assert document["advice"]["Ask the buyer for"]


FIELDS_PLAIN = "Fields (typed text goes into the reply as written: type it in the reply's language):\n"
FIELDS_HINTED = (
    "Fields (typed text goes into the reply as written: type it in the reply's language;\n"
    "the 'completing ...' hints describe the English wording):\n"
)


@pytest.mark.parametrize(
    ("scenario_id", "header"),
    [("missing-items", FIELDS_PLAIN), ("late-delivery", FIELDS_PLAIN), ("counterfeit-claim", FIELDS_HINTED),
     ("negative-review", FIELDS_HINTED), ("presale-delivery", FIELDS_HINTED)],
)  # fmt: skip
def test_show_mentions_completing_hints_only_when_a_field_has_one(scenario_id: str, header: str) -> None:
    code, out, _ = run("show", scenario_id)
    assert code == 0 and header in out
    assert ("completing" in out.split(header)[1].split("\n\n")[0]) == (header == FIELDS_HINTED)


def test_render_help_points_to_a_scenarios_help_only_without_a_scenario() -> None:
    pointer = "Run 'replykit render SCENARIO --help' to see that scenario's fields."
    code, out, _ = run("render", "--help")
    assert code == 0 and pointer in " ".join(out.split())
    code, out, _ = run("render", "late-delivery", "--help")
    assert code == 0 and "--tracking-number" in out and "SCENARIO --help" not in out


def test_no_arguments_shows_help() -> None:
    code, out, _ = run()
    assert code in (0, 2)
    assert "render" in out and "list" in out and "show" in out


@pytest.mark.parametrize(
    ("lang", "expected", "code", "message"),
    [
        ("ja", "all", errors.OK, ""),
        ("pt", "all", errors.OK, ""),  # served by pt-BR
        ("de_AT", "all", errors.OK, ""),  # a close variant counts
        ("sv", "mine-only-sv", errors.OK, ""),
        ("fr", "built-in", errors.OK, ""),
        ("xx", "none", errors.USAGE, "--lang 'xx' names no known language"),
        ("de/AT", "none", errors.USAGE, "--lang 'de/AT' is not a language tag"),
    ],
)
def test_list_filters_by_language(make_pack: MakePack, lang: str, expected: str, code: int, message: str) -> None:
    pack = make_pack({"mine-only-sv/scenario.yaml": "title: T\nsummary: S\nlanguage: sv\nfields:\n  name:\n",
                      "mine-only-sv/sv.j2": "Subject: Hej\n\nHej {{ name }}\n"})  # fmt: skip
    got, out, err = run("list", "--lang", lang, "--templates-dir", str(pack))
    assert (got, message in err) == (code, True)
    ids = [line.split("\t")[0] for line in out.splitlines()]
    builtin = run("list")[1].splitlines()
    wanted = {
        "all": [line.split("\t")[0] for line in builtin],
        "built-in": [line.split("\t")[0] for line in builtin],
        "mine-only-sv": ["mine-only-sv"],
        "none": [],
    }[expected]
    assert ids == wanted
    if expected == "all":
        assert len(ids) >= 18


def test_show_previews_a_language() -> None:
    code, out, err = run("show", "late-delivery", "--lang", "ja_JP")
    assert (code, err) == (0, "")
    assert "Preview (ja, example values):" in out and "佐藤 様" in out  # the Japanese example name
    assert "Languages: ar, de, en, es, fr, it, ja, ko, nl, pl, pt-BR, ru (default en)" in out
    document = json.loads(run("show", "late-delivery", "--lang", "ar", "--json")[1])
    assert document["preview"]["language"] == "ar" and "\u2068فاطمة\u2069" in document["preview"]["body"]
    code, out, err = run("show", "late-delivery", "--lang", "sv")
    assert code == 0 and "Preview (en, example values):" in out
    assert err.startswith("warning: late-delivery has no 'sv' reply and no close language; using its default 'en'")


def test_render_in_every_shipped_language_from_the_command_line() -> None:
    for lang in ("en", "es", "fr", "de", "it", "pt-BR", "nl", "pl", "ru", "ja", "ko", "ar"):
        code, out, err = run("render", "refund-issued", "--name", "Alice", "--amount", "12.5", "--currency", "EUR",
                             "--lang", lang, "--format", "json")  # fmt: skip
        assert (code, err) == (0, ""), lang
        document = json.loads(out)
        assert document["language"] == lang and document["subject"]
        # Polish greets without the name, which its address would need in the vocative.
        assert ("Alice" in document["body"]) == (lang != "pl"), lang
