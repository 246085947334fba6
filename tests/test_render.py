"""Rendering in the sandbox: templates, their errors, and the text that comes out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import MakePack
from replykit.errors import ScenarioInvalid, SecurityViolation
from replykit.packs.fields import resolve_values
from replykit.packs.library import Library, search_path
from replykit.rendering.templates import Reply, normalise, render_scenario

SCENARIO = """
title: T
summary: S
fields:
  name:
  order_id:
  amount:
    type: decimal
    default: ""
"""


def render_pack(pack: Path, values: dict[str, str], sid: str = "s", lang: str = "en") -> Reply:
    library = Library(search_path(templates_dirs=(pack,), environ={}))
    scenario = library.find(sid)
    return render_scenario(scenario, resolve_values(scenario.fields, cli=values), lang=lang, roots=library.roots)


def pack_with(make_pack: MakePack, template: str, **extra: str) -> Path:
    return make_pack({"s/scenario.yaml": SCENARIO, "s/en.j2": template, **extra})


def test_subject_and_body_render_with_conditionals(make_pack: MakePack) -> None:
    template = (
        "Subject: Your order{% if order_id %} {{ order_id }}{% endif %}\n\n"
        "Dear {{ name }},\n\n{% if order_id %}\nAbout order {{ order_id }}.\n\n{% endif %}\nThanks.\n"
    )
    pack = pack_with(make_pack, template)
    with_order = render_pack(pack, {"name": "Ana", "order_id": "0123"})
    assert with_order.subject == "Your order 0123"
    assert with_order.body == "Dear Ana,\n\nAbout order 0123.\n\nThanks.\n"
    without = render_pack(pack, {"name": "Ana"})
    assert without.subject == "Your order"
    assert without.body == "Dear Ana,\n\nThanks.\n"


def test_partials_are_shared_through_include(make_pack: MakePack) -> None:
    pack = pack_with(
        make_pack,
        'Subject: x\n\nHi {{ name }}\n\n{% include "_partials/sign.en.j2" %}\n',
        **{"_partials/sign.en.j2": "Cheers,\n{{ seller_name or 'Customer Service' }}\n"},
    )
    assert render_pack(pack, {"name": "Bo"}).body == "Hi Bo\n\nCheers,\nCustomer Service\n"


def test_template_extends_a_layout(make_pack: MakePack) -> None:
    pack = pack_with(
        make_pack,
        'Subject: x\n\n{% extends "_layouts/letter.en.j2" %}\n{% block text %}\nYour order is safe.\n{% endblock %}\n',
        **{"_layouts/letter.en.j2": "Dear {{ name }},\n\n{% block text %}{% endblock %}\n\nBye\n"},
    )
    assert render_pack(pack, {"name": "Cy"}).body == "Dear Cy,\n\nYour order is safe.\n\nBye\n"


@pytest.mark.parametrize(
    ("template", "line", "message"),
    [
        ("Subject: x\n\nHi {{ name }}\n\n{{ ordr_id }}\n", 5, "undeclared variable ordr_id; did you mean order_id?"),
        ("Subject: x\n\nHi\n{% if name %}\nno end\n", 5, "template syntax error: Unexpected end of template"),
        ("Subject: {{ name\n\nHi\n", 1, "template syntax error"),
        ("Hi {{ name }}\n", 1, "a reply template starts with a 'Subject: ...' line"),
        ("Subject: x\nHi\n", 2, "must be followed by a blank line"),
        ("Subject: {{ nope }}\n\nHi\n", 1, "undeclared variable nope"),
    ],
    ids=["undeclared", "unclosed-block", "subject-syntax", "no-subject", "no-blank-line", "undeclared-in-subject"],
)
def test_template_errors_name_file_and_line(make_pack: MakePack, template: str, line: int, message: str) -> None:
    pack = pack_with(make_pack, template)
    with pytest.raises(ScenarioInvalid) as caught:
        render_pack(pack, {"name": "Ana"})
    assert str(caught.value).startswith(f"{pack / 's' / 'en.j2'}:{line}: ")
    assert message in str(caught.value)


def test_an_error_in_an_included_partial_names_the_partial(make_pack: MakePack) -> None:
    pack = pack_with(
        make_pack,
        'Subject: x\n\nHi\n{% include "_partials/p.en.j2" %}\n',
        **{"_partials/p.en.j2": "line one\n{{ unknown_thing }}\n"},
    )
    with pytest.raises(ScenarioInvalid) as caught:
        render_pack(pack, {"name": "Ana"})
    assert str(caught.value).startswith(f"{pack / '_partials' / 'p.en.j2'}:2: ")
    assert "'unknown_thing' is undefined" in str(caught.value)


@pytest.mark.parametrize(
    "expression",
    [
        "''.__class__.__mro__",
        "name.__class__",
        "name.format.__globals__",
        "lipsum.__globals__",
        "cycler.__init__.__globals__",
    ],
)
def test_the_sandbox_refuses_python_internals(make_pack: MakePack, expression: str) -> None:
    pack = pack_with(make_pack, f"Subject: x\n\nHi\n{{{{ {expression} }}}}\n")
    with pytest.raises(SecurityViolation) as caught:
        render_pack(pack, {"name": "Ana"})
    assert "refused by the sandbox" in str(caught.value)
    assert f"{pack / 's' / 'en.j2'}:4" in str(caught.value)


def test_printing_an_empty_optional_value_is_an_error_not_a_blank(make_pack: MakePack) -> None:
    pack = pack_with(make_pack, "Subject: x\n\nRefund of {{ amount }}.\n")
    with pytest.raises(ScenarioInvalid, match=r"en\.j2:3: .*has no value; guard it with \{% if FIELD %\}"):
        render_pack(pack, {"name": "Ana"})


def test_markup_in_values_is_kept_as_text(make_pack: MakePack) -> None:
    pack = pack_with(make_pack, "Subject: {{ order_id }}\n\n{{ name }}\n")
    reply = render_pack(pack, {"name": "[bold]<b>&amp; :smile:", "order_id": "[Order #12]"})
    assert reply.body == "[bold]<b>&amp; :smile:\n"
    assert reply.subject == "[Order #12]"


def test_a_template_cannot_break_the_subject_into_two_lines(make_pack: MakePack) -> None:
    # A value cannot hold a line break at all (see test_fields); a template can still make one.
    pack = pack_with(make_pack, "Subject: About {{ order_id ~ '\\nBcc: x@example.com' }}\n\nx\n")
    with pytest.raises(ScenarioInvalid, match="subject renders to more than one line"):
        render_pack(pack, {"name": "Ana", "order_id": "1"})


def test_compiled_templates_are_cached_and_revalidated_on_change(make_pack: MakePack, isolated_home: Path) -> None:
    pack = pack_with(make_pack, "Subject: x\n\nHi {{ name }}\n")
    assert render_pack(pack, {"name": "Ana"}).body == "Hi Ana\n"
    assert any((isolated_home / "cache").rglob("*.cache"))
    assert render_pack(pack, {"name": "Bo"}).body == "Hi Bo\n"
    (pack / "s" / "en.j2").write_text("Subject: x\n\nHi {{ nam }}\n", encoding="utf-8")
    with pytest.raises(ScenarioInvalid, match="undeclared variable nam"):
        render_pack(pack, {"name": "Ana"})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\n\nA  \n\n\n\nB\n\n", "A\n\nB\n"),
        ("A\r\nB", "A\nB\n"),
        ("A\n \t\nB", "A\n\nB\n"),
    ],
    ids=["blank-runs", "crlf", "whitespace-line"],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_filters_format_dates_and_money_for_the_language(make_pack: MakePack) -> None:
    pack = make_pack(
        {
            "s/scenario.yaml": "title: t\nsummary: s\nfields:\n  when:\n    type: date\n    required: true\n",
            "s/en.j2": "Subject: x\n\n{{ when | date }} {{ 12.5 | money('EUR') }} {{ 1234.5 | money('') }}\n",
            "s/de.j2": "Subject: x\n\n{{ when | date }} {{ 12.5 | money('EUR') }} {{ 1234.5 | money('') }}\n",
        }
    )
    values: dict[str, Any] = {"when": "2026-12-03"}
    assert render_pack(pack, values).body == "December 3, 2026 €12.50 1,234.50\n"
    assert render_pack(pack, values, lang="de").body == "3. Dezember 2026 12,50\xa0€ 1.234,50\n"
