"""A template cannot hurt the user: wrong values for filters are clear errors naming file and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from replykit.errors import ScenarioInvalid
from replykit.packs.fields import resolve_values
from replykit.packs.library import Library, search_path
from replykit.rendering.templates import Reply, render_scenario

MakePack = Callable[[dict[str, str]], Path]

SCENARIO = """
title: T
summary: S
fields:
  name:
  tracking_number:
  when:
    type: date
    default: ""
  amount:
    type: decimal
    default: ""
  currency:
    type: currency
    default: ""
  items:
    type: list
    default: ""
"""

VALUES = {"name": "Alice", "tracking_number": "LX12", "amount": "12.5", "currency": "EUR", "items": "mug, cap"}


def render_line(make_pack: MakePack, line: str, *, lang: str = "en", **values: str) -> tuple[Path, Reply]:
    """Render a template whose body is ``line`` (on line 3 of the file) and return the template's path."""
    pack = make_pack(
        {"s/scenario.yaml": SCENARIO, "s/en.j2": "Subject: x\n\nx\n", f"s/{lang}.j2": f"Subject: x\n\n{line}\n"}
    )
    library = Library(search_path(templates_dirs=(pack,), environ={}))
    scenario = library.find("s")
    resolved = resolve_values(scenario.fields, cli={**VALUES, **values})
    return pack / "s" / f"{lang}.j2", render_scenario(scenario, resolved, lang=lang, roots=library.roots)


# fmt: off
FILTER_MISUSE = [
    pytest.param("{{ name|date }}", {}, "en", "{{ name|date }}: the date filter needs a date field, not text 'Alice'", id="date-on-text"),
    pytest.param("{{ amount | date }}", {}, "en", "{{ amount | date }}: the date filter needs a date field, not the number 12.5", id="date-on-number"),
    pytest.param("{{ items|date }}", {}, "en", "the date filter needs a date field, not a list ['mug', 'cap']", id="date-on-list"),
    pytest.param("{{ when|date }}", {}, "en", "{{ when|date }}: the date filter got no value", id="date-without-value"),
    pytest.param("{{ when|date('longest') }}", {"when": "2026-12-03"}, "en", "cannot format with the style 'longest'", id="date-bad-style"),
    pytest.param("{{ name|money('EUR') }}", {}, "en", "the money filter needs a number field, not text 'Alice'", id="money-on-text"),
    pytest.param("{{ tracking_number|money }}", {}, "en", "the money filter needs a number field, not text 'LX12'", id="money-on-tracking-number"),
    pytest.param("{{ 3|money('EURO') }}", {}, "en", "{{ 3|money('EURO') }}: the money filter needs an ISO 4217 currency code such as EUR, USD or BRL, not text 'EURO'", id="money-unknown-currency"),
    pytest.param("{{ amount|money(5) }}", {}, "en", "currency code such as EUR, USD or BRL, not the number 5", id="money-currency-not-text"),
    pytest.param("{{ (10**300)|money('EUR') }}", {}, "en", "the money filter cannot format the number 1000", id="money-too-large-for-babel"),
    pytest.param("{{ (10**30)|money }}", {}, "en", "it is not a usable amount", id="money-too-large-plain"),
    pytest.param("{{ (amount * 10**26)|money('EUR') }}", {}, "en", "cannot format the number 1250000000000000000000000000: it has too many digits", id="money-too-large-after-arithmetic"),
    pytest.param("{{ 5|and_list }}", {}, "en", "{{ 5|and_list }}: the and_list filter needs a list field, not the number 5", id="and-list-on-number"),
    pytest.param("{{ tracking_number|and_list }}", {}, "en", "the and_list filter needs a list field, not text 'LX12'", id="and-list-on-text"),
    pytest.param("{{ {'a': 1}|and_list }}", {}, "en", "the and_list filter needs a list field, not a mapping {'a': 1}", id="and-list-on-mapping"),
    pytest.param("{{ name|date }}", {"name": "\x1b[31mred"}, "en", "not text '\\x1b[31mred'", id="value-with-escape-is-quoted"),
    pytest.param("{{ when|date }}", {"when": "2026-12-03"}, "tlh", "{{ when|date }}: the date filter cannot format for the language 'tlh': Babel has no data for it", id="date-in-language-babel-lacks"),
    pytest.param("{{ amount|money('EUR') }}", {}, "tlh", "the money filter cannot format for the language 'tlh'", id="money-in-language-babel-lacks"),
    pytest.param("{{ items|and_list }}", {}, "tlh", "the and_list filter cannot format for the language 'tlh'", id="and-list-in-language-babel-lacks"),
]
# fmt: on


@pytest.mark.parametrize(
    ("line", "values", "lang", "message"),
    FILTER_MISUSE,
)
def test_a_filter_on_the_wrong_value_is_a_scenario_error(
    make_pack: MakePack, line: str, values: dict[str, str], lang: str, message: str
) -> None:
    with pytest.raises(ScenarioInvalid) as caught:
        render_line(make_pack, line, lang=lang, **values)
    path = caught.value.path
    assert str(caught.value).startswith(f"{path}:3: "), str(caught.value)
    assert Path(str(path)).name == f"{lang}.j2"
    assert message in caught.value.message
    assert "\x1b" not in str(caught.value)


# fmt: off
RIGHT_VALUES = [
    pytest.param("{{ when|date }}", {"when": "2026-12-03"}, "December 3, 2026", id="date"),
    pytest.param("{{ when|date('yyyy-MM-dd') }}", {"when": "2026-12-03"}, "2026-12-03", id="date-pattern"),
    pytest.param("{{ amount|money(currency) }}", {}, "€12.50", id="money"),
    pytest.param("{{ amount|money('usd') }}", {}, "$12.50", id="money-lower-case-code"),
    pytest.param("{{ amount|money }}", {}, "12.50", id="money-plain"),
    pytest.param("{{ amount|money('') }}", {}, "12.50", id="money-empty-currency"),
    pytest.param("{{ 12.5|money('EUR') }}", {}, "€12.50", id="money-float"),
    pytest.param("{{ 1234|money('JPY') }}", {}, "¥1,234", id="money-int"),
    pytest.param("{{ (amount * 10**26)|money('JPY') }}", {}, "¥1,250,000,000,000,000,000,000,000,000", id="money-28-digits"),
    pytest.param("{{ items|and_list }}", {}, "mug and cap", id="and-list"),
    pytest.param("{{ items|map('upper')|and_list }}", {}, "MUG and CAP", id="and-list-of-mapped"),
    pytest.param("{{ ('a', 'b', 'c')|and_list }}", {}, "a, b, and c", id="and-list-of-tuple"),
]
# fmt: on


@pytest.mark.parametrize(("line", "values", "text"), RIGHT_VALUES)
def test_filters_on_the_right_values_still_format(
    make_pack: MakePack, line: str, values: dict[str, Any], text: str
) -> None:
    assert render_line(make_pack, line, **values)[1].body == text + "\n"
