"""replykit check: every problem of a pack in one run, each with its file and line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import editor, run
from replykit import errors
from replykit.check import check_scenarios
from replykit.packs.authoring import init_library
from replykit.packs.library import user_dir
from replykit.pipeline import library_for

MakePack = Callable[[dict[str, str]], Path]

SCENARIO = """
    title: Reship
    summary: Send the missing part again
    fields:
      name:
      order_id:
      tracking_number:
      remedy:
        help: What we do
        default: reship
        choices: [reship, refund]
      amount:
        help: Refund
        type: decimal
        default: ""
        example: "12.50"
      currency:
        help: Currency
        type: currency
        default: ""
        example: EUR
"""
GOOD = (
    "Subject: Your order\n\nDear {{ name }},\n\n"
    "About order {{ order_id }}: "
    "{% if remedy == 'refund' %}We refund {{ amount|money(currency) if amount else 'you' }}{% else %}We reship it{% endif %}.\n\n"
    '{% include "_partials/signature.en.j2" %}\n'
)


def problems_of(pack: Path, *ids: str) -> list[tuple[str, str, int | None, str]]:
    library = library_for([pack])
    wanted = list(ids) or [e.id for e in library.entries().values() if e.pack.path == pack]
    return [
        (p.rule, Path(str(p.path)).name if p.path else "", p.line, p.message)
        for p in check_scenarios(library, wanted, partial_roots=[pack])
    ]


def test_a_clean_pack_has_no_problems(make_pack: MakePack) -> None:
    assert problems_of(make_pack({"r/scenario.yaml": SCENARIO, "r/en.j2": GOOD})) == []


# fmt: off
CASES = [
    pytest.param({"r/en.j2": GOOD.replace("{{ amount|money(currency) if amount else 'you' }}", "{{ amount|money(currency) }}")},
                 ("render", "en.j2", 5, "the money filter got no value"), id="broken-branch"),
    pytest.param({"r/en.j2": GOOD.replace("_partials/signature.en.j2", "_partials/sig.en.j2"),
                  "_partials/sig.en.j2": "Best wishes,\n{{ seler_name }}\n"},
                 ("compile", "en.j2", None, "_partials/sig.en.j2, included by en.j2, uses undeclared name seler_name"), id="misspelt-name-in-partial"),
    pytest.param({"r/en.j2": GOOD.replace("Dear {{ name }}", "Dear {{ tracking_number | and_list }}")},
                 ("filter-type", "en.j2", 3, "the and_list filter needs a list field, but tracking_number is text"), id="and-list-on-text"),
    pytest.param({"r/en.j2": GOOD.replace("money(currency)", 'money("EURO")')},
                 ("filter-type", "en.j2", 5, "money('EURO'): not an ISO 4217 currency code"), id="money-euro"),
    pytest.param({"r/en.j2": GOOD.replace("Dear {{ name }}", "Dear {{ amount | date }}")},
                 ("filter-type", "en.j2", 3, "the date filter needs a date field, but amount is decimal"), id="date-on-decimal"),
    pytest.param({"r/en.j2": GOOD.replace("We reship it", "We reship\nit")},
                 ("paragraph", "en.j2", None, "hard-wrapped over several lines"), id="hard-wrapped"),
    pytest.param({"r/en.j2": GOOD.replace("Dear {{ name }},", "Dear {{ name }},{% if remedy %}{% endif %}")},
                 ("tag-at-line-end", "en.j2", 3, "ends with a block tag after text"), id="tag-at-line-end"),
    pytest.param({"r/de.j2": GOOD.replace("We reship it", "Wir senden es neu").replace("{{ amount|money(currency) if amount else 'you' }}", "Ihnen")},
                 ("same-fields", "de.j2", None, "de uses other fields than en; missing: amount, currency"), id="other-fields"),
    pytest.param({"r/fr.j2": GOOD},
                 ("copied-language", "fr.j2", 1, "fr.j2 is an unchanged copy of en.j2"), id="copied-language"),
    pytest.param({"_partials/old.en.j2": "Hello\n"},
                 ("unused-partial", "old.en.j2", None, "no template includes _partials/old.en.j2"), id="unused-partial"),
    pytest.param({"r/scenario.yaml": 'title: "Reship\nsummary: x\n'},
                 ("load", "scenario.yaml", 1, "invalid YAML at column 8: found unexpected end of stream"), id="unclosed-quote"),
]
# fmt: on


@pytest.mark.parametrize(("files", "expected"), CASES)
def test_each_problem_is_found_with_its_place(
    make_pack: MakePack, files: dict[str, str], expected: tuple[str, str, int | None, str]
) -> None:
    pack = make_pack({"r/scenario.yaml": SCENARIO, "r/en.j2": GOOD, **files})
    found = problems_of(pack)
    rule, name, line, message = expected
    matching = [p for p in found if p[0] == rule and p[1] == name and p[2] == line and message in p[3]]
    assert matching, found


def test_every_problem_in_one_run(make_pack: MakePack) -> None:
    pack = make_pack(
        {
            "r/scenario.yaml": SCENARIO,
            "r/en.j2": GOOD.replace("Dear {{ name }}", "Dear {{ amount | date }}"),
            "r/fr.j2": GOOD.replace("Dear {{ name }}", "Dear {{ amount | date }}"),
            "_partials/old.en.j2": "x\n",
        }
    )
    rules = sorted({p[0] for p in problems_of(pack)})
    assert rules == ["copied-language", "filter-type", "render", "unused-partial"]


def test_the_built_in_library_passes() -> None:
    code, out, err = run("check")
    assert (code, out) == (0, "")
    assert err.endswith("scenarios: 0 errors, 0 warnings\n")


def test_the_example_init_writes_passes() -> None:
    init_library()
    code, _, err = run("check", "example")
    assert code == 0 and "1 scenario: 0 errors, 0 warnings" in err


def test_check_prints_file_line_column_and_the_line(make_pack: MakePack) -> None:
    pack = make_pack({"r/scenario.yaml": 'title: "Reship\nsummary: x\n', "r/en.j2": GOOD})
    code, out, err = run("check", "--templates-dir", str(pack))
    assert (code, out) == (errors.SCENARIO_INVALID, "")
    assert err.startswith(
        f"{pack / 'r' / 'scenario.yaml'}:1:8: error: invalid YAML at column 8: found unexpected end of stream"
        " (while scanning a quoted scalar) [load]\n"
        '    title: "Reship\n'
        "           ^\n"
    )


def test_check_json_for_a_packs_ci(make_pack: MakePack) -> None:
    pack = make_pack({"r/scenario.yaml": SCENARIO, "r/en.j2": GOOD, "_partials/old.en.j2": "x\n"})
    code, out, err = run("check", "--templates-dir", str(pack), "--json")
    document = json.loads(out)
    assert code == 0 and document["checked"] == ["r"]
    assert [(p["rule"], p["severity"]) for p in document["problems"]] == [("unused-partial", "warning")]


def test_edit_removes_an_untranslated_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", editor(tmp_path, "pass\n"))  # saves nothing
    code, out, err = run("edit", "late-delivery", "--lang", "sv")
    assert code == 0
    assert not (user_dir() / "late-delivery" / "sv.j2").exists()
    assert "warning: sv.j2 was saved unchanged, a copy of en.j2: removed it" in err
    assert run("render", "late-delivery", "--name", "A", "--expected-date", "2026-12-03", "--lang", "sv")[2].startswith(
        "warning: late-delivery has no 'sv' reply"
    )


def test_list_says_which_languages_come_from_another_pack(make_pack: MakePack) -> None:
    from replykit.packs.library import builtin_dir

    original = builtin_dir() / "late-delivery"
    pack = make_pack(
        {
            "late-delivery/scenario.yaml": (original / "scenario.yaml").read_text(encoding="utf-8"),
            "late-delivery/de.j2": (original / "de.j2")
            .read_text(encoding="utf-8")
            .replace("Subject: ", "Subject: Neu: "),
        }
    )
    code, out, _ = run("list", "--templates-dir", str(pack))
    line = next(line for line in out.splitlines() if line.startswith("late-delivery\t"))
    assert line.endswith(
        f"--templates-dir: {pack} (overrides built-in); ar, en, es, fr, it, ja, ko, nl, pl, pt-BR, ru from built-in"
    )
    rows = json.loads(run("list", "--templates-dir", str(pack), "--json")[1])
    sources = next(row for row in rows if row["id"] == "late-delivery")["language_sources"]
    assert sources["de"] == "--templates-dir" and sources["en"] == "built-in"


@pytest.mark.parametrize(
    ("example", "message"),
    [
        ('"3/12/2026"', "field 'when': example '3/12/2026': expected a date as YYYY-MM-DD, such as 2026-12-03"),
        (
            '{en: "2026-12-03", de: "3.12.2026"}',
            "field 'when': example (de) '3.12.2026': expected a date as YYYY-MM-DD, such as 2026-12-03",
        ),
    ],
    ids=["one", "per-language"],
)
def test_check_reports_an_example_its_field_refuses(make_pack: MakePack, example: str, message: str) -> None:
    yaml_text = (
        f"title: T\nsummary: S\nfields:\n  name:\n  when:\n    type: date\n    default: ''\n    example: {example}\n"
    )
    pack = make_pack({"r/scenario.yaml": yaml_text, "r/en.j2": "Subject: Hi\n\nDear {{ name }},\n\nHi.\n"})
    found = [(p.rule, p.message) for p in check_scenarios(library_for([pack]), ["r"], partial_roots=[pack])]
    assert ("example", message) in found
    code, out, _ = run("render", "r", "--name", "Zoe", "--templates-dir", str(pack))
    assert (code, out) == (0, "Dear Zoe,\n\nHi.\n")  # a reply never uses an example
