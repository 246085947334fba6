"""A template cannot hurt the user: it cannot build too much, compute too long or crash,
and a filter on the wrong kind of value is a clear error naming file and line."""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from replykit import errors
from replykit.errors import ScenarioInvalid, SecurityViolation
from replykit.limits import RENDER_CPU_SECONDS
from replykit.packs.fields import resolve_values
from replykit.packs.library import Library, search_path
from replykit.rendering import templates
from replykit.rendering.sandbox import ReplySandbox, TemplateStopped, cpu_budget
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


def line_pack(make_pack: MakePack, line: str, *, lang: str = "en", subject: str = "x") -> Path:
    """A pack whose scenario ``s`` has ``line`` as the body of its ``lang`` template, on line 3 of the file."""
    files = {"s/scenario.yaml": SCENARIO, "s/en.j2": "Subject: x\n\nx\n"}
    files[f"s/{lang}.j2"] = f"Subject: {subject}\n\n{line}\n"
    return make_pack(files)


def warn(message: str) -> None:
    """What the command line does with a notice."""
    sys.stderr.write(f"warning: {message}\n")


def render_pack(pack: Path, *, lang: str = "en", **values: str) -> Reply:
    library = Library(search_path(templates_dirs=(pack,), environ={}))
    scenario = library.find("s")
    resolved = resolve_values(scenario.fields, cli={**VALUES, **values})
    return render_scenario(scenario, resolved, lang=lang, roots=library.roots, on_notice=warn)


def render_line(make_pack: MakePack, line: str, *, lang: str = "en", **values: str) -> Reply:
    return render_pack(line_pack(make_pack, line, lang=lang), lang=lang, **values)


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
    pytest.param("{{ '\\x1b[31mred'|date }}", {}, "en", "not text '\\x1b[31mred'", id="value-with-escape-is-quoted"),
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
    assert render_line(make_pack, line, **values).body == text + "\n"


# A namespace carries a value from one loop iteration to the next; a plain {% set %} does not.
DOUBLING = "{% set ns = namespace(x=START) %}{% for i in range(60) %}{% set ns.x = STEP %}{% endfor %}{{ ns.x|length }}"


def doubling(start: str, step: str) -> str:
    return DOUBLING.replace("START", start).replace("STEP", step)


BIG = "{% set big = 'a' * 1000000 %}"

# fmt: off
STOPPED = [
    pytest.param("{{ 'a'*10**9 }}", "repeating a text 1,000,000,000 times would build more than 1,000,000 characters", id="repeat-text"),
    pytest.param("{{ 'a' * 1000 * 1000 * 1000 }}", "repeating a text 1,000 times would build more than 1,000,000 characters", id="repeat-text-in-steps"),
    pytest.param("{{ [0]*10**9 }}", "repeating a list 1,000,000,000 times", id="repeat-list"),
    pytest.param("{{ (range(10**4)|list)*10**4 }}", "repeating a list 10,000 times", id="repeat-list-of-a-range"),
    pytest.param("{{ 2**100000000 }}", "2 ** 100,000,000 would have more than 4300 digits", id="power"),
    pytest.param("{{ 10**5000 }}", "10 ** 5,000 would have more than 4300 digits", id="power-of-ten"),
    pytest.param("{% set n = 2**4000 %}{{ n * n * n * n }}", "multiplying a number of 3,613 digits by a number of 1,205 digits would give more than 4300 digits", id="multiply-big-numbers"),
    pytest.param(doubling("'ab'", "ns.x ~ ns.x"), "joining with ~ would build more than 1,000,000 characters", id="tilde-doubling-in-a-loop"),
    pytest.param(doubling("'ab'", "ns.x + ns.x"), "adding a text and a text with + would build more than 1,000,000 characters", id="plus-doubling-in-a-loop"),
    pytest.param(doubling("[1]", "[ns.x, ns.x]"), "a list or mapping written in the template would build more than 1,000,000 characters", id="list-literal-doubling"),
    pytest.param(doubling("{}", "{'a': ns.x, 'b': ns.x}"), "a list or mapping written in the template would build", id="dict-literal-doubling"),
    pytest.param("{% set ns = namespace(s='') %}{% for i in range(10000) %}{% set ns.s = ns.s ~ 'x' * 1000 %}{% endfor %}", "the template built more than 32,000,000 characters in all", id="tilde-growing-in-a-loop"),
    pytest.param("{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% endif %}{% endmacro %}{{ d('ab', 40) }}", "joining with ~ would build", id="tilde-doubling-in-a-macro"),
    pytest.param(BIG + "{{ big ~ big }}", "joining with ~ would build more than 1,000,000 characters", id="tilde-two-big-texts"),
    pytest.param("{{ range(100000) }}", "range(100000) is longer than 10000 items", id="range"),
    pytest.param("{{ range(10**9)|list }}", "range(1000000000) is longer than 10000 items", id="range-to-list"),
    pytest.param("{{ range(0, 10**30, 2) }}", "range(0, a number of 31 digits, 2) is longer than 10000 items", id="range-beyond-c-integers"),
    pytest.param('{{ "%0999999999d"|format(1) }}', "the format filter with '%0999999999d' would build more than 1,000,000 characters", id="format-filter-width"),
    pytest.param("{{ '%.999999999f' % 1.0 }}", "formatting with '%.999999999f' would build", id="percent-precision"),
    pytest.param("{{ '%*d' % (10**9, 1) }}", "formatting with '%*d' would build", id="percent-star-width"),
    pytest.param(BIG + "{{ '%(a)s%(a)s' % {'a': big[:600000]} }}", "formatting with '%(a)s%(a)s' would build", id="percent-two-big-texts"),
    pytest.param(BIG + "{% set s = '%s'|format(big) %}{{ '%s%s'|format(s, s) }}", "the format filter was given more than 1,000,000 characters", id="format-filter-repeated"),
    pytest.param("{{ '{:>999999999}'.format(1) }}", "formatting with {:>999999999} would build more than 1,000,000 characters", id="str-format-width"),
    pytest.param('{{ "{:{}}".format(1, 10**9) }}', "formatting with {:1000000000} would build", id="str-format-nested-width"),
    pytest.param("{{ '{:.999999999f}'.format(1.5) }}", "formatting with {:.999999999f} would build", id="str-format-precision"),
    pytest.param("{{ '{a:>{w}}'.format_map({'a': 1, 'w': 10**9}) }}", "formatting with {:>1000000000} would build", id="format-map-width"),
    pytest.param("{{ 'x'.ljust(10**9) }}", "ljust(1,000,000,000) would build more than 1,000,000 characters", id="ljust"),
    pytest.param("{{ 'x'.center(10**9, '-') }}", "center(1,000,000,000) would build", id="center-method"),
    pytest.param("{{ 'x'.zfill(10**9) }}", "zfill(1,000,000,000) would build", id="zfill"),
    pytest.param("{{ 'x'.encode().rjust(10**9) }}", "rjust(1,000,000,000) would build", id="bytes-rjust"),
    pytest.param("{{ ('\\t' * 1000).expandtabs(10**6) }}", "expandtabs(1,000,000) would build", id="expandtabs"),
    pytest.param("{{ ('a' * 1000).replace('', 'x' * 10000) }}", "replace() would build", id="replace-method"),
    pytest.param("{{ ('a' * 1000).translate({97: 'x' * 10000}) }}", "translate() would build", id="translate"),
    pytest.param("{{ (5).to_bytes(10**9, 'big') }}", "to_bytes(1,000,000,000) would build", id="to-bytes"),
    pytest.param("{{ ('x' * 1000).join(['ab'] * 2000) }}", "join() would build", id="join-method"),
    pytest.param("{{ dict.fromkeys(range(10000), 'x' * 1000) }}", "fromkeys() would build more than 1,000,000 characters", id="dict-fromkeys"),
    pytest.param("{{ 'x'|center(1000000000) }}", "the center filter with width 1,000,000,000 would build", id="center-filter"),
    pytest.param("{{ ('x\\n' * 1000)|indent(width='-' * 1000) }}", "the indent filter would build", id="indent-filter"),
    pytest.param("{{ ('a b ' * 20000)|wordwrap(1, wrapstring='x' * 1000) }}", "the wordwrap filter would build", id="wordwrap-filter"),
    pytest.param("{{ ('a' * 1000)|replace('', 'x' * 10000) }}", "the replace filter would build", id="replace-filter"),
    pytest.param("{{ ([1] * 200000)|join('-' * 10) }}", "the join filter would build", id="join-filter"),
    pytest.param("{% set x = ([1]*10**4)|join %}{{ ([x] * 9)|join('-' * 200000) }}", "the join filter would build", id="join-filter-chain"),
    pytest.param("{{ [1, 2]|batch(1000000000, 'x')|list }}", "the batch filter would build", id="batch-filter-fill"),
    pytest.param("{{ [1, 2]|slice(1000000000)|list }}", "the slice filter makes at most 10000 slices, not 1,000,000,000", id="slice-filter"),
    pytest.param("{{ ([[1] * 1000] * 300)|sum(start=[]) }}", "adding up lists with the sum filter would build", id="sum-filter-of-lists"),
    pytest.param("{{ [1, [2, [3]]]|tojson(indent=1000000000) }}", "the tojson filter would build", id="tojson-indent"),
    pytest.param("{{ ('a ' * 100000)|urlize(target='x' * 100) }}", "the urlize filter would build", id="urlize-target"),
    pytest.param("{{ ('a' * 1000000)|list|length }}", "the list filter would build", id="list-of-a-long-text"),
    pytest.param("{{ ('a' * 300000)|batch(1)|list|length }}", "the list filter would build", id="list-of-lazy-batches"),
    pytest.param("{{ range(2000)|and_list }}", "the and_list filter joins at most 1000 items", id="and-list-too-long"),
    pytest.param("{% for i in range(20) %}{{ 'a' * 100000 }}{% endfor %}", "the reply grew past 1,000,000 characters", id="reply-too-long"),
    pytest.param("{% macro m() %}{% for i in range(10000) %}{{ 'a' * 1000 }}{% endfor %}{% endmacro %}{{ m()|length }}", "the reply grew past 1,000,000 characters", id="macro-output-too-long"),
    pytest.param("{% set x %}{% for i in range(10000) %}{{ 'a' * 1000 }}{% endfor %}{% endset %}{{ x|length }}", "the reply grew past", id="set-block-too-long"),
    pytest.param("{% filter upper %}{% for i in range(10000) %}{{ 'a' * 1000 }}{% endfor %}{% endfilter %}", "the reply grew past", id="filter-block-too-long"),
    pytest.param("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}", "macros or includes call themselves too deeply", id="recursive-macro"),
    pytest.param("{% include 's/en.j2' %}", "macros or includes call themselves too deeply", id="template-including-itself"),
    pytest.param("{{ ((amount * 10**4000) ** 249)|int }}", "the int filter would turn 1.350806802445816731161494606E+996273 into a number of more than 4300 digits", id="int-of-a-huge-decimal"),
    pytest.param("{{ '%d' % ((amount * 10**4000) ** 249) }}", "'%d' would turn 1.350806802445816731161494606E+996273 into a number of more than 4300 digits", id="percent-d-of-a-huge-decimal"),
    pytest.param("{{ ((amount * 10**4000) ** 249).as_integer_ratio() }}", "as_integer_ratio() of 1.350806802445816731161494606E+996273 would give numbers of more than 4300 digits", id="ratio-of-a-huge-decimal"),
    pytest.param("{{ 2.0 ** 10000 }}", "a number grew too large: Numerical result out of range", id="float-overflow"),
    pytest.param("{{ 'x' * 2**80 }}", "repeating a text a number of 25 digits times would build", id="repeat-beyond-c-integers"),
]
# fmt: on


@pytest.mark.parametrize(("line", "message"), STOPPED)
def test_a_template_that_builds_too_much_is_stopped_before_it_does(
    make_pack: MakePack, line: str, message: str
) -> None:
    pack = line_pack(make_pack, line)
    with pytest.raises(SecurityViolation) as caught:
        render_pack(pack)
    assert caught.value.exit_code == errors.SECURITY
    prefix = f"{pack / 's' / 'en.j2'}:3: template stopped: "
    assert caught.value.message.startswith(prefix), caught.value.message
    assert message in caught.value.message.removeprefix(prefix)


# fmt: off
CPU_BOUND = [
    pytest.param("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}", id="nested-range-loops"),
    pytest.param("{% set s = 'x' * 100000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}", id="nested-loops-over-a-text"),
    pytest.param("{% macro t(n) %}{% if n %}{{ t(n - 1) }}{{ t(n - 1) }}{% endif %}{% endmacro %}{{ t(40) }}", id="exponential-macro"),
]
# fmt: on


@pytest.mark.parametrize("line", CPU_BOUND)
def test_a_render_that_computes_too_long_is_stopped(make_pack: MakePack, line: str) -> None:
    pack = line_pack(make_pack, line)
    started = time.process_time()
    with pytest.raises(SecurityViolation) as caught:
        render_pack(pack)
    assert time.process_time() - started < RENDER_CPU_SECONDS + 1.5
    assert caught.value.message == f"{pack / 's' / 'en.j2'}:3: template stopped: rendering took more than 2 s of CPU"


def test_the_cpu_budget_works_off_the_main_thread_and_leaves_the_timer_as_it_was() -> None:
    env = ReplySandbox()
    template = env.from_string("{% set s = 'x' * 10000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}")
    caught: list[BaseException] = []

    def render_in_thread() -> None:
        try:
            with cpu_budget(0.3):
                template.render()
        except TemplateStopped as exc:
            caught.append(exc)

    worker = threading.Thread(target=render_in_thread)
    worker.start()
    worker.join(timeout=20)
    assert [str(exc) for exc in caught] == ["rendering took more than 0.3 s of CPU"]

    fired: list[int] = []
    previous = signal.signal(signal.SIGPROF, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_PROF, 30.0, 5.0)
        with pytest.raises(TemplateStopped), cpu_budget(0.3):
            template.render()
        assert signal.getsignal(signal.SIGPROF) is not previous
        delay, interval = signal.getitimer(signal.ITIMER_PROF)
        assert 25 < delay < 30 and interval == 5.0
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
    assert fired == []


# fmt: off
REFUSED = [
    pytest.param("{{ lipsum(10**6) }}", "lipsum() is not available in replykit templates", id="lipsum"),
    pytest.param("{{ [1].append(2) }}", "access to attribute 'append' of 'list' object is unsafe", id="list-append"),
    pytest.param("{{ [1].extend([2]) }}", "access to attribute 'extend' of 'list' object is unsafe", id="list-extend"),
    pytest.param("{{ {'a': 1}.update({'b': 2}) }}", "access to attribute 'update' of 'dict' object is unsafe", id="dict-update"),
    pytest.param("{{ ('{0.__class__}'|attr('format'))(1) }}", "access to attribute '__class__' of 'int' object is unsafe", id="attr-format-cve-2025-27516"),
    pytest.param("{{ '{0.__class__}'.format(1) }}", "access to attribute '__class__' of 'int' object is unsafe", id="format-field-internals"),
]
# fmt: on


@pytest.mark.parametrize(("line", "message"), REFUSED)
def test_the_sandbox_refuses(make_pack: MakePack, line: str, message: str) -> None:
    pack = line_pack(make_pack, line)
    with pytest.raises(SecurityViolation) as caught:
        render_pack(pack)
    assert caught.value.message.startswith(f"{pack / 's' / 'en.j2'}:3: template refused by the sandbox: ")
    assert message in caught.value.message


# fmt: off
BROKEN = [
    pytest.param("{{ 1/0 }}", "template error: division by zero", id="division-by-zero"),
    pytest.param("{{ name + 1 }}", 'template error: can only concatenate str (not "int") to str', id="type-error"),
    pytest.param("{{ name['\\x1b[31m'] }}", "template error: 'str object' has no attribute '\\x1b[31m'", id="escape-in-the-message"),
    pytest.param("{{ [1, 2]|first(3) }}", "template error:", id="wrong-filter-arguments"),
    pytest.param("{{ '%(a)s %(b)s' % {'a': 1} }}", "template error: no key 'b'", id="missing-format-key"),
]
# fmt: on


@pytest.mark.parametrize(("line", "message"), BROKEN)
def test_a_template_that_fails_is_a_scenario_error_with_its_line(make_pack: MakePack, line: str, message: str) -> None:
    pack = line_pack(make_pack, line)
    with pytest.raises(ScenarioInvalid) as caught:
        render_pack(pack)
    assert caught.value.message.startswith(f"{pack / 's' / 'en.j2'}:3: {message}"), caught.value.message
    assert "\x1b" not in caught.value.message


# fmt: off
TOO_DEEP = [
    pytest.param("{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}", id="deep-brackets"),
    pytest.param("{% if 1 %}" * 3000 + "x" + "{% endif %}" * 3000, id="deep-tags"),
    pytest.param("{{ 1" + "|string" * 5000 + " }}", id="long-filter-chain"),
]
# fmt: on


@pytest.mark.parametrize("line", TOO_DEEP)
def test_a_template_too_deep_to_compile_is_a_scenario_error(make_pack: MakePack, line: str) -> None:
    pack = line_pack(make_pack, line)
    with pytest.raises(ScenarioInvalid) as caught:
        render_pack(pack)
    assert caught.value.message == f"{pack / 's' / 'en.j2'}: the template nests brackets, filters or tags too deeply"


def test_a_template_too_slow_to_compile_is_stopped(make_pack: MakePack) -> None:
    pack = line_pack(make_pack, "{{ name" + " ~ name" * 100000 + " }}")
    with pytest.raises(SecurityViolation) as caught:
        render_pack(pack)
    assert caught.value.message == f"{pack / 's' / 'en.j2'}: template stopped: compiling took more than 2 s of CPU"


@pytest.mark.skipif(not hasattr(sys, "set_int_max_str_digits"), reason="Python before 3.10.7 prints any number")
def test_a_number_too_long_for_python_to_print_is_stopped(make_pack: MakePack) -> None:
    pack = line_pack(make_pack, "{{ 2 ** 3000 }}")
    previous = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(640)  # as PYTHONINTMAXSTRDIGITS=640 would
    try:
        with pytest.raises(SecurityViolation) as caught:
            render_pack(pack)
    finally:
        sys.set_int_max_str_digits(previous)
    assert (
        caught.value.message
        == f"{pack / 's' / 'en.j2'}:3: template stopped: a number has more than 640 digits to print"
    )


def test_a_subject_longer_than_a_mail_header_line_is_a_scenario_error(make_pack: MakePack) -> None:
    pack = line_pack(make_pack, "x", subject="{{ 'ab' * 600 }}")
    with pytest.raises(ScenarioInvalid) as caught:
        render_pack(pack)
    assert caught.value.message == f"{pack / 's' / 'en.j2'}:1: the subject renders to 1,200 characters, more than 1,000"


# fmt: off
STILL_WORKS = [
    pytest.param("{{ 'ab' * 3 }} {{ [1, 2] * 2 }} {{ 2 ** 10 }} {{ 7 % 3 }} {{ 'a' + 'b' }} {{ [1] + [2] }}", "ababab [1, 2, 1, 2] 1024 1 ab [1, 2]", id="operators"),
    pytest.param("{{ '%05d|%-3s|%.2f' % (42, 'a', 1.5) }} {{ '%(a)s' % {'a': name} }} {{ 'a%sb'|format(1) }}", "00042|a  |1.50 Alice a1b", id="percent-formatting"),
    pytest.param("{{ (('%s' * 50000) % (('ab',) * 50000))|length }}", "100000", id="percent-formatting-with-many-values"),
    pytest.param("{{ '{:>5}|{:.2f}|{:,}'.format('a', 1.5, 1234567) }} {{ '{n}'.format_map({'n': name}) }}", "    a|1.50|1,234,567 Alice", id="str-format"),
    pytest.param("{{ range(5)|list }} {{ range(10000)|length }} {{ (range(3)|list)|join('-') }}", "[0, 1, 2, 3, 4] 10000 0-1-2", id="range"),
    pytest.param("{% for a, b in [(1, 2), (3, 4)] %}{{ a }}{{ b }}{{ loop.index }}{{ loop|length }}{% endfor %}{% set c, d = 5, 6 %} {{ c }}{{ d }}", "12123422 56", id="loops-and-unpacking"),
    pytest.param("{% set ns = namespace(n=0) %}{% for i in range(10) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}", "45", id="namespace"),
    pytest.param("{% set c = cycler('a', 'b') %}{% set j = joiner('/') %}{% for i in range(3) %}{{ j() }}{{ c.next() }}{% endfor %} {{ dict(a=1) }}", "a/b/a {'a': 1}", id="cycler-joiner-dict"),
    pytest.param("{% macro m(x) %}<{{ x }}{{ caller() }}>{% endmacro %}{% call m(1) %}!{% endcall %}", "<1!>", id="macro-and-caller"),
    pytest.param("{{ 'ab cd ef'|wordwrap(5) }}|{{ 'x'|center(5) }}|{{ 'a\nb'|indent(2) }}|{{ 'abcdef'|truncate(5, end='.', leeway=0) }}", "ab cd\nef|  x  |a\n  b|abcd.", id="text-filters"),
    pytest.param("{{ items|join(', ') }} {{ [3, 1, 2]|sort|join }} {{ [[1], [2]]|sum(start=[]) }} {{ [1, 2, 3]|sum }} {{ items|batch(1)|list }} {{ [1, 2, 3]|slice(2)|list }}", "mug, cap 123 [1, 2] 6 [['mug'], ['cap']] [[1, 2], [3]]", id="list-filters"),
    pytest.param("{{ {'b': 1, 'a': 2}|dictsort }} {{ [1, [2]]|tojson }} {{ items|map('upper')|join }} {{ 'x'.ljust(3, '.') }} {{ 'ab'.replace('a', 'xy') }}", "[('a', 2), ('b', 1)] [1, [2]] MUGCAP x.. xyb", id="more-filters-and-methods"),
    pytest.param("{{ (amount * 2)|round(1) }} {{ amount|int }} {{ '%d' % amount }} {{ amount.as_integer_ratio() }}", "25.0 12 12 (25, 2)", id="decimals"),
]
# fmt: on


@pytest.mark.parametrize(("line", "text"), STILL_WORKS)
def test_ordinary_templates_render_as_before(make_pack: MakePack, line: str, text: str) -> None:
    assert render_line(make_pack, line).body == text + "\n"


def _limited_memory() -> None:
    """In the child: 1 GiB of address space. The interpreter needs under 64 MiB; a gigabyte string does not fit."""
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


# fmt: off
ENTRY_POINT = [
    pytest.param("{{ 'a'*10**9 }}", errors.SECURITY, "en.j2:3: template stopped: repeating a text 1,000,000,000 times would build more than 1,000,000 characters", id="repeat-text"),
    pytest.param("{{ 2**100000000 }}", errors.SECURITY, "en.j2:3: template stopped: 2 ** 100,000,000 would have more than 4300 digits", id="power"),
    pytest.param('{{ "%0999999999d"|format(1) }}', errors.SECURITY, "en.j2:3: template stopped: the format filter with '%0999999999d' would build", id="format-width"),
    pytest.param("{% for i in range(20) %}{{ 'a' * 100000 }}{% endfor %}", errors.SECURITY, "en.j2:3: template stopped: the reply grew past 1,000,000 characters", id="reply-too-long"),
    pytest.param("{{ lipsum(10**6) }}", errors.SECURITY, "en.j2:3: template refused by the sandbox: lipsum() is not available", id="lipsum"),
    pytest.param("{{ '\\x1b[2J'|date }}", errors.SCENARIO_INVALID, "en.j2:3: {{ '\\x1b[2J'|date }}: the date filter needs a date field, not text '\\x1b[2J'", id="date-on-text-with-an-escape"),
    pytest.param("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}", errors.SECURITY, "en.j2:3: template stopped: rendering took more than 2 s of CPU", id="cpu-budget"),
]
# fmt: on


@pytest.mark.parametrize(("line", "code", "message"), ENTRY_POINT)
def test_the_installed_command_stops_a_template_with_a_message(
    make_pack: MakePack, replykit_bin: str, line: str, code: int, message: str
) -> None:
    pack = line_pack(make_pack, line)
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(
        [replykit_bin, "render", "s", "--templates-dir", str(pack), "--name", "Ana"],
        capture_output=True,
        timeout=20,
        preexec_fn=_limited_memory,
        env={**os.environ, "REPLYKIT_NO_CACHE": "1"},
    )
    elapsed = time.monotonic() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == code, stderr
    assert message in stderr
    assert done.stdout == b""
    assert "Traceback" not in stderr
    assert b"\x1b" not in done.stdout + done.stderr
    cpu = cpu_after.ru_utime + cpu_after.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime
    if "CPU" in message:
        # The fast path gives up on any error and the full CLI renders again: two budgets.
        assert cpu < 2 * RENDER_CPU_SECONDS + 2
    else:
        assert elapsed < 5 and cpu < 3


def test_templates_cached_before_the_limits_are_compiled_again(make_pack: MakePack, isolated_home: Path) -> None:
    """A cache entry written by a replykit without these limits holds code that skips them."""
    from jinja2 import FileSystemBytecodeCache
    from jinja2.sandbox import SandboxedEnvironment

    line = "{{ ('a' * 10**7)|length }}"
    pack = line_pack(make_pack, line)
    folder = isolated_home / "cache" / "replykit" / "templates"
    folder.mkdir(parents=True)
    scenario = Library(search_path(templates_dirs=(pack,), environ={})).find("s")
    names = ",".join(sorted({field.name for field in scenario.fields} | {"lang"}))
    old_cache, old_env = FileSystemBytecodeCache(str(folder)), SandboxedEnvironment()
    path, source = str(pack / "s" / "en.j2"), f"\n\n{line}\n"
    bucket = old_cache.get_bucket(old_env, f"body|{names}", path, source)
    bucket.code = old_env.compile(source, "en.j2", path)
    old_cache.set_bucket(bucket)
    with pytest.raises(SecurityViolation, match="repeating a text 10,000,000 times"):
        render_pack(pack)


@pytest.fixture
def cache_folder(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where compiled templates go in the test home; the once-per-process warning is reset."""
    monkeypatch.setattr(templates, "_cache_warned", False)
    return isolated_home / "cache" / "replykit" / "templates"


def test_the_cache_folders_replykit_creates_are_private(
    make_pack: MakePack, cache_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    render_line(make_pack, "Hi")
    for folder in (cache_folder.parent.parent, cache_folder.parent, cache_folder):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert any(cache_folder.glob("*.cache"))
    assert capsys.readouterr().err == ""


# fmt: off
UNSAFE_CACHE = [
    pytest.param("templates", 0o775, "other users can write to it", id="group-writable-cache"),
    pytest.param("templates", 0o707, "other users can write to it", id="world-writable-cache"),
    pytest.param("replykit", 0o777, "other users can write to it", id="world-writable-parent"),
]
# fmt: on


@pytest.mark.parametrize(("which", "mode", "problem"), UNSAFE_CACHE)
def test_a_cache_others_can_write_is_not_used(
    make_pack: MakePack, cache_folder: Path, capsys: pytest.CaptureFixture[str], which: str, mode: int, problem: str
) -> None:
    cache_folder.mkdir(parents=True)
    unsafe = cache_folder if which == "templates" else cache_folder.parent
    unsafe.chmod(mode)
    assert render_line(make_pack, "Hi {{ name }}").body == "Hi Alice\n"
    assert render_line(make_pack, "Bye {{ name }}").body == "Bye Alice\n"
    assert not any(cache_folder.glob("*.cache"))
    assert capsys.readouterr().err == f"warning: {templates.cache_warning(unsafe, problem)}\n"


def test_a_cache_another_user_owns_is_not_used(
    make_pack: MakePack, cache_folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_folder.mkdir(parents=True)
    monkeypatch.setattr(os, "getuid", lambda: cache_folder.stat().st_uid + 1)
    assert render_line(make_pack, "Hi {{ name }}").body == "Hi Alice\n"
    assert not any(cache_folder.glob("*.cache"))
    warning = capsys.readouterr().err
    assert warning == f"warning: {templates.cache_warning(cache_folder.parent, 'it belongs to another user')}\n"
    assert warning.startswith(
        f"warning: not using the template cache {cache_folder.parent}: it belongs to another user"
    )
