"""Loading scenario packs: the file format, its errors, and the search path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import MakePack
from replykit.errors import ScenarioInvalid, ScenarioNotFound, UsageError
from replykit.packs.library import Library, builtin_dir, search_path, user_dir

GOOD = """
title: Hello
summary: Say hello.
tags: [delivery]
fields:
  name:
    help: Buyer's name
    required: true
    example: Alice
  order_id:
    help: Order number
    default: ""
advice:
  check: [Check one]
  avoid: ["Say: nothing rude"]
"""


def library(*packs: Path) -> Library:
    return Library(search_path(templates_dirs=packs, environ={}))


def test_a_scenario_loads_with_its_fields_and_advice(make_pack: MakePack) -> None:
    pack = make_pack({"hello/scenario.yaml": GOOD, "hello/en.j2": "Subject: Hi\n\nHi {{ name }}\n"})
    scenario = library(pack).find("hello")
    assert scenario.title == "Hello"
    assert scenario.tags == ("delivery",)
    assert [f.name for f in scenario.fields] == ["name", "order_id", "seller_name", "store_name"]
    name = scenario.field("name")
    assert name is not None and name.required and name.example == "Alice" and name.option == "--name"
    assert scenario.advice == (("check", ("Check one",)), ("avoid", ("Say: nothing rude",)))
    assert scenario.languages == ("en",)


BROKEN = [
    ("title: [unclosed\n", 2, "invalid YAML"),
    ("title: a\ntitle: b\n", 2, "duplicate key 'title' (first defined on line 1)"),
    ("title: a\nsumary: b\n", 2, "unknown key 'sumary' in scenario; did you mean summary?"),
    (
        "title: a\nsummary: b\nfields:\n  name:\n    hepl: x\n    required: true\n",
        5,
        "unknown key 'hepl' in field 'name'",
    ),
    (
        "title: a\nsummary: b\nfields:\n  x:\n    help: h\n",
        5,
        "field 'x' needs either 'required: true' or a 'default:'",
    ),
    ("title: a\nsummary: b\nfields:\n  x:\n    type: money\n    default: ''\n", 5, "unknown type 'money'"),
    (
        "title: a\nsummary: b\nfields:\n  x:\n    type: integer\n    default: lots\n",
        6,
        "default 'lots': expected a whole number",
    ),
    (
        "title: a\nsummary: b\nfields:\n  x:\n    choices: [a, b]\n    default: c\n",
        6,
        "default 'c': expected one of: a, b",
    ),
    (
        "title: a\nsummary: b\nfields:\n  format:\n    default: ''\n",
        4,
        "field name 'format' is taken by the option --format",
    ),
    ("title: a\nsummary: b\nfields:\n  Order:\n    default: ''\n", 4, "field name 'Order' must be lower-case"),
    ("title: a\nsummary: b\nfields:\n  x:\n    required: maybe\n", 5, "'required' must be true or false"),
    ("title: a\nsummary: b\nadvice:\n  check:\n    - Look: closely\n", 5, "an item of 'check' reads as a mapping"),
    ("title: a\nsummary: b\nadvice:\n  tips: [x]\n", 4, "unknown key 'tips' in advice"),
    ("title: a\n", 1, "'summary' is required"),
    ("- a\n", 1, "expected a mapping of keys"),
    ("title: a\nsummary: b\nlanguage: de\n", 3, "default language 'de' has no template de.j2"),
    ("title: a\nsummary: b\nfields:\n  nobody:\n", 4, "field 'nobody' has no definition here or in _fields.yaml"),
]


@pytest.mark.parametrize(
    ("text", "line", "message"), BROKEN, ids=[m.split(" ")[0] + str(i) for i, (_, _, m) in enumerate(BROKEN)]
)
def test_broken_scenario_files_name_file_and_line(make_pack: MakePack, text: str, line: int, message: str) -> None:
    pack = make_pack({"bad/scenario.yaml": text, "bad/en.j2": "Subject: x\n\nx\n"})
    with pytest.raises(ScenarioInvalid) as caught:
        library(pack).find("bad")
    assert str(caught.value).startswith(f"{pack / 'bad' / 'scenario.yaml'}:{line}: ")
    assert message in str(caught.value)


def test_a_scenario_without_a_template_is_refused(make_pack: MakePack) -> None:
    pack = make_pack({"bare/scenario.yaml": GOOD})
    with pytest.raises(ScenarioInvalid, match="no reply template: add en.j2"):
        library(pack).find("bare")


def test_unknown_scenario_suggests_the_closest_ids() -> None:
    with pytest.raises(ScenarioNotFound) as caught:
        library().find("missng-items")
    assert caught.value.message.startswith("unknown scenario 'missng-items'; did you mean missing-items")
    assert caught.value.hint == "run 'replykit list' to see every scenario"


def test_path_like_ids_are_not_looked_up(make_pack: MakePack) -> None:
    pack = make_pack({"hello/scenario.yaml": GOOD, "hello/en.j2": "Subject: Hi\n\nHi\n"})
    with pytest.raises(UsageError, match="is not a valid scenario id"):
        library(pack / "..").find(f"{pack.name}/hello")


def test_search_path_order(tmp_path: Path) -> None:
    a, b, c = (tmp_path / n for n in "abc")
    for d in (a, b, c):
        d.mkdir()
    packs = search_path(templates_dirs=(a,), environ={"REPLYKIT_PATH": os.pathsep.join([str(b), "", str(c)])})
    assert [(p.path, p.origin) for p in packs] == [
        (a, "--templates-dir"),
        (b, "REPLYKIT_PATH"),
        (c, "REPLYKIT_PATH"),
        (user_dir(), "user"),
        (builtin_dir(), "built-in"),
    ]


def test_search_path_refuses_missing_folders(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--templates-dir .*nope: no such folder"):
        search_path(templates_dirs=(tmp_path / "nope",), environ={})
    with pytest.raises(UsageError, match="REPLYKIT_PATH .*gone: no such folder"):
        search_path(environ={"REPLYKIT_PATH": str(tmp_path / "gone")})


def test_the_user_folder_is_searched_and_overrides_built_ins(isolated_home: Path) -> None:
    folder = user_dir()
    assert str(folder).startswith(str(isolated_home))
    (folder / "missing-items").mkdir(parents=True)
    (folder / "missing-items" / "scenario.yaml").write_text(GOOD, encoding="utf-8")
    (folder / "missing-items" / "en.j2").write_text("Subject: Mine\n\nMine {{ name }}\n", encoding="utf-8")
    lib = Library(search_path(environ={}))
    assert lib.find("missing-items").title == "Hello"
    entry = lib.entries()["missing-items"]
    assert entry.pack.origin == "user"
    assert [p.origin for p in entry.overrides] == ["built-in"]


def test_a_pack_can_add_a_language_to_another_packs_scenario(make_pack: MakePack) -> None:
    pack = make_pack({"missing-items/de-CH.j2": "Subject: Grüezi\n\nGrüezi {{ name }}\n"})
    lib = library(pack)
    scenario = lib.find("missing-items")
    assert "de-CH" in scenario.languages and "en" in scenario.languages
    assert scenario.template("de-CH") == pack / "missing-items" / "de-CH.j2"
    assert scenario.path.parent.parent == builtin_dir()
    assert "missing-items" not in [i for i, e in lib.entries().items() if e.pack.path == pack]


def test_load_all_reports_broken_files_and_keeps_the_rest(make_pack: MakePack) -> None:
    pack = make_pack(
        {
            "good/scenario.yaml": GOOD,
            "good/en.j2": "Subject: x\n\nx\n",
            "broken/scenario.yaml": "title: a\ntitle: b\n",
            "broken/en.j2": "Subject: x\n\nx\n",
        }
    )
    loaded, problems = library(pack).load_all()
    ids = [scenario.id for _, scenario in loaded]
    assert "good" in ids and "missing-items" in ids and "broken" not in ids
    assert len(problems) == 1 and "broken/scenario.yaml:2: duplicate key 'title'" in str(problems[0])


def test_shared_field_definitions_are_inherited_and_overridable(make_pack: MakePack) -> None:
    pack = make_pack(
        {
            "_fields.yaml": "ticket:\n  help: Ticket number\n  default: ''\n  example: T-1\n",
            "s/scenario.yaml": "title: t\nsummary: s\nfields:\n  ticket:\n  name:\n    example: Zoe\n",
            "s/en.j2": "Subject: x\n\n{{ name }} {{ ticket }}\n",
        }
    )
    scenario = library(pack).find("s")
    ticket, name = scenario.field("ticket"), scenario.field("name")
    assert ticket is not None and ticket.help == "Ticket number" and ticket.example == "T-1"
    assert name is not None and name.required and name.example == "Zoe" and name.help.startswith("The buyer's name")


@pytest.mark.parametrize(
    ("example", "expected"),
    [
        ('["USB-C cable, 2 m", "screen protector"]', "USB-C cable\\, 2 m, screen protector"),
        ("[a, b]", "a, b"),
        ("a, b", "a, b"),
        ("[{a: b}, c]", "field 'items': every item of 'example' must be text"),
        ("{a: b}", "field 'items': example language 'a' is not a language tag"),
        ("{en: {a: b}}", "field 'items': 'example' must be text, a list of text, or a mapping of language"),
    ],
    ids=["list-with-comma", "list", "text", "mapping-item", "mapping-not-a-tag", "mapping-of-mapping"],
)
def test_a_list_example_keeps_its_items(make_pack: MakePack, example: str, expected: str) -> None:
    from replykit.packs.scenario import example_values

    yaml_text = f"title: T\nsummary: S\nfields:\n  items:\n    type: list\n    default: ''\n    example: {example}\n"
    pack = make_pack({"x/scenario.yaml": yaml_text, "x/en.j2": "Subject: Hi\n\nHi\n"})
    if expected.startswith("field"):
        with pytest.raises(ScenarioInvalid, match=f"scenario.yaml:7: {expected}"):
            library(pack).find("x")
        return
    scenario = library(pack).find("x")
    assert scenario.fields[0].example == expected
    assert (
        scenario.fields[0].parse(example_values(scenario)["items"]) == ["USB-C cable, 2 m", "screen protector"]
        if "USB" in expected
        else ["a", "b"]
    )
