"""What a template may do, and how much of it: replykit's Jinja2 sandbox.

Jinja2's ImmutableSandboxedEnvironment keeps templates away from Python internals and
from changing lists and dicts. ReplySandbox adds the limits in replykit.limits: every way
a template can build a value (``+ * ** %``, ``~``, list and dict literals, filters, string
methods, ``str.format``, ``range``) checks the size of the result *before* building it,
because one ``'a' * 10**9`` allocates a gigabyte in a single step no signal can interrupt.
Buffered output (macros, ``{% set %}`` blocks) stops at MAX_REPLY_CHARS, and cpu_budget()
stops a render that computes for too long or builds more than MAX_BUILT in all (a thousand
``{% set %}`` of a million characters each would fill the memory, one value at a time within
the limits). Every refusal raises TemplateStopped.
"""

from __future__ import annotations

import inspect
import math
import re
import signal
import threading
import time
import types
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sized
from contextlib import contextmanager
from datetime import date
from datetime import time as time_of_day
from decimal import Decimal
from functools import update_wrapper
from typing import Any, NoReturn, TypeVar

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.exceptions import SecurityError
from jinja2.filters import make_attrgetter
from jinja2.runtime import Context, Macro, StrictUndefined, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from jinja2.utils import Namespace
from markupsafe import Markup

from replykit.limits import (
    MAX_BUILT,
    MAX_COMPILED_CHARS,
    MAX_INT_BITS,
    MAX_INT_DIGITS,
    MAX_RANGE,
    MAX_REPLY_CHARS,
    MAX_SEQUENCE,
    RENDER_CPU_SECONDS,
)
from replykit.packs.characters import refused

CODE_VERSION = "replykit-sandbox-2"
"""Part of every bytecode cache key: change it when ReplySandbox compiles templates differently."""


_T = TypeVar("_T")
_OTHER_WEIGHT = 32  # a date, a cycler, a loop: short when printed
_REFIRE_SECONDS = 0.1  # the CPU timer fires again if library code swallowed its first exception
_STRFTIME_GROWTH = 256  # Python gives the C strftime a buffer up to 256 times the format's length
_NOTHING = object()


class ReplyUndefined(StrictUndefined):
    """Jinja2's StrictUndefined that also fails when a list or mapping holding it is printed, rather than
    print 'Undefined' into a reply (``{{ [name]|map(attribute='nmae')|list }}``)."""

    __slots__ = ()
    __repr__ = Undefined._fail_with_undefined_error


class TemplateStopped(SecurityError):
    """A template reached one of replykit's limits; the message says which, in the template's terms."""


def _stop(message: str) -> NoReturn:
    raise TemplateStopped(message)


def _number(value: int, *, grouped: bool = True) -> str:
    """An integer for a message, without asking Python to print thousands of digits."""
    if value.bit_length() > 64:
        return f"a number of {_digits(value):,} digits"
    return f"{value:,}" if grouped else str(value)


def _digits(value: int) -> int:
    return value.bit_length() * 30103 // 100000 + 1


def weight(value: Any, budget: int = MAX_SEQUENCE) -> int:
    """Roughly how many characters ``str(value)`` would take, without building it.

    Texts count their characters, numbers their digits, containers one per item plus what
    they hold (a list holding the same list twice counts it twice). Counting stops once
    past ``budget``, so the cost is at most about ``budget`` steps and the result is then
    only known to be larger than ``budget``.
    """
    total = 0
    stack = [value]
    while stack and total <= budget:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is bytes or kind is Markup:
            total += len(item)
        elif kind is list or kind is tuple or kind is set or kind is frozenset:
            total += 2 + len(item)
            if total <= budget:
                stack.extend(item)
        elif kind is int:
            total += _digits(item)
        elif kind is dict:
            total += 2 + 2 * len(item)
            if total <= budget:
                stack.extend(item.keys())
                stack.extend(item.values())
        else:
            total += _weight_of_other(item, stack)
    return total


def _weight_of_other(item: Any, stack: list[Any]) -> int:
    """weight() for the less common kinds of value; containers push what they hold on ``stack``."""
    if isinstance(item, (str, bytes, bytearray)):
        return len(item)
    if item is None or isinstance(item, (bool, Undefined)):
        return 5
    if isinstance(item, int):
        return _digits(item)
    if isinstance(item, Decimal):
        return len(str(item))
    if isinstance(item, float):
        return 24
    if isinstance(item, Namespace):
        stack.append(object.__getattribute__(item, "_Namespace__attrs"))
        return 12
    if isinstance(item, range):
        return 24
    if isinstance(item, Mapping):
        stack.extend(item.keys())
        stack.extend(item.values())
        return 2 + 2 * len(item)
    if isinstance(item, Collection):
        stack.extend(item)
        return 2 + len(item)
    return _OTHER_WEIGHT


def _depth(value: Any, budget: int = MAX_SEQUENCE) -> int:
    """How deeply containers nest in ``value`` (0 for a text or a number), looking at most ``budget`` items."""
    deepest, seen = 0, 0
    stack = [(value, 0)]
    while stack and seen <= budget:
        item, level = stack.pop()
        seen += 1
        if isinstance(item, Mapping):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, Collection) and not isinstance(item, (str, bytes, bytearray, range)):
            stack.extend((child, level + 1) for child in item)
        else:
            continue
        deepest = max(deepest, level + 1)
    return deepest


def _too_big(doing: str) -> NoReturn:
    _stop(f"{doing} would build more than {MAX_SEQUENCE:,} characters")


def _check_size(size: int, doing: str) -> None:
    if size > MAX_SEQUENCE:
        _too_big(doing)


def _check_int(value: Any, doing: str) -> None:
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        _stop(f"{doing} would give a number of more than {MAX_INT_DIGITS} digits")


def _check_decimal_to_int(value: Any, doing: str) -> None:
    """Python turns a Decimal such as 1E+999999 into an int in minutes of uninterruptible work."""
    if isinstance(value, Decimal) and value.is_finite() and value.adjusted() > MAX_INT_DIGITS:
        _stop(f"{doing} would turn {_short_text(str(value))} into a number of more than {MAX_INT_DIGITS} digits")


def _checked_result(result: Any, doing: str) -> Any:
    """A value a call or filter made: not too long and not too many digits."""
    if isinstance(result, (str, bytes)):
        _check_size(len(result), doing)
    elif isinstance(result, int):
        _check_int(result, doing)
    elif isinstance(result, (list, tuple, dict, set, frozenset, Namespace)):
        _check_size(weight(result), doing)
    return _built(result)


def _built(value: _T) -> _T:
    """Count a value just made against MAX_BUILT: its own characters or items (what it holds was counted when made)."""
    if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)):
        state = _STATE
        state.built += len(value)
        if state.built > MAX_BUILT:
            _stop(f"the template built more than {MAX_BUILT:,} characters in all")
    return value


def _check_arguments(values: Iterable[Any], doing: str) -> None:
    size = 0
    for value in values:
        size += weight(value, MAX_SEQUENCE - size)
        if size > MAX_SEQUENCE:
            _stop(f"{doing} was given more than {MAX_SEQUENCE:,} characters")


def _drain(items: Iterator[Any], doing: str) -> list[Any]:
    """A lazy sequence (from map, select, batch...) as a list, stopping once it holds too much."""
    kept: list[Any] = []
    size = 0
    for item in items:
        _tick()
        size += 1 + weight(item, MAX_SEQUENCE - size)
        if size > MAX_SEQUENCE:
            _too_big(doing)
        kept.append(item)
    return _built(kept)


# The CPU budget ------------------------------------------------------------------------


class _RenderState(threading.local):
    built = 0  # characters and items built since the outermost budget began (see MAX_BUILT)
    seconds = RENDER_CPU_SECONDS  # the budget in force, for the message
    deadline: float | None = None  # thread CPU time at which a render without the timer stops
    expired = False  # the budget is spent: every hook raises again


_STATE = _RenderState()
_timer_armed = False  # the SIGPROF timer runs for a render on the main thread


def _out_of_time() -> NoReturn:
    _STATE.expired = True
    _stop(f"rendering took more than {_STATE.seconds:g} s of CPU")


def _tick() -> None:
    """Stop the render if its CPU budget is spent; cheap enough for every hook the sandbox has."""
    state = _STATE
    if state.expired or (state.deadline is not None and time.thread_time() > state.deadline):
        _out_of_time()


def _on_cpu_timer(signum: int, frame: types.FrameType | None) -> None:
    if _timer_armed:
        _out_of_time()


@contextmanager
def cpu_budget(seconds: float = RENDER_CPU_SECONDS, *, spent: float = 0.0) -> Iterator[None]:
    """Raise TemplateStopped in the code inside once it has used ``seconds`` of CPU time,
    ``spent`` of them already (compiling the template about to render, say).

    On the main thread of a POSIX process a profiling timer (SIGPROF, which counts the
    whole process's CPU time) interrupts even a loop that calls nothing; the timer and
    handler already set, if any, are put back after. Elsewhere (other threads, Windows)
    the sandbox's hooks and every loop iteration compare the thread's CPU time with a
    deadline. Nested budgets use the outer one. The count of what the render builds
    (MAX_BUILT) starts again with each outermost budget.
    """
    global _timer_armed
    state = _STATE
    if _timer_armed or state.deadline is not None:
        yield
        return
    state.seconds = seconds
    state.built = 0
    left = max(seconds - spent, 0.01)
    previous = _start_timer(left)
    if previous is None:
        state.deadline = time.thread_time() + left
        try:
            yield
        finally:
            state.deadline = None
            state.expired = False
        return
    handler, (delay, interval) = previous
    started = time.process_time()
    _timer_armed = True
    try:
        yield
    finally:
        try:
            _timer_armed = False
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, handler)
            state.expired = False
            if delay:
                spent = time.process_time() - started
                signal.setitimer(signal.ITIMER_PROF, max(delay - spent, 1e-6), interval)


def _start_timer(seconds: float) -> tuple[Any, tuple[float, float]] | None:
    """Arm SIGPROF after ``seconds`` of CPU; return what was set before, or None where it cannot be used."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return None
    handler = signal.getsignal(signal.SIGPROF)
    if handler is None:  # a handler installed outside Python, which could not be put back
        return None
    try:
        signal.signal(signal.SIGPROF, _on_cpu_timer)
    except ValueError:  # not the main interpreter
        return None
    return handler, signal.setitimer(signal.ITIMER_PROF, seconds, _REFIRE_SECONDS)


# Formatting: % and str.format ----------------------------------------------------------

_PRINTF = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[-#0 +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d*))?[hlL]?(?P<type>.)", re.S
)


def _as_count(text: str | None) -> int:
    if not text:
        return 0
    return MAX_SEQUENCE + 1 if len(text) > 9 else int(text)


def check_printf(template: str | bytes, values: Any, doing: str = "") -> None:
    """Refuse ``template % values`` when widths, precisions or the values make it too long.

    ``'%0999999999d' % 1`` would build a gigabyte; so would ``'%s%s' % (big, big)``
    with two texts of half that. A ``%d`` of a huge Decimal is refused too.
    """
    text = template if isinstance(template, str) else template.decode("latin-1")
    mapping = values if isinstance(values, Mapping) else None
    positional = iter(() if mapping is not None else values if isinstance(values, tuple) else (values,))
    size = len(text)
    for spec in _PRINTF.finditer(text):
        if spec["type"] == "%":
            continue
        widths = []
        for part in (spec["width"], spec["precision"]):
            if part == "*":
                width = next(positional, None)
                if not isinstance(width, int):
                    return  # Python reports the mistake itself
                widths.append(abs(width))
            else:
                widths.append(_as_count(part))
        if spec["key"] is not None and mapping is not None:
            value = mapping.get(spec["key"])
        else:
            value = next(positional, _NOTHING)
            if value is _NOTHING:
                return
        if max(widths) > MAX_SEQUENCE:
            _too_big(f"{doing or 'formatting'} with {spec.group()!r}")
        if spec["type"] in "diu":
            _check_decimal_to_int(value, f"{spec.group()!r}")
        size += max(*widths, weight(value, MAX_SEQUENCE))
        _check_size(size, doing or f"formatting with {_short_text(text)!r}")


def _short_text(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _check_format_spec(spec: str, value: Any) -> None:
    for number in re.findall(r"\d+", spec):
        if _as_count(number) > MAX_SEQUENCE:
            _too_big(f"formatting with {{:{_short_text(spec)}}}")
    if isinstance(value, (date, time_of_day)):
        _check_size(len(spec) * _STRFTIME_GROWTH, f"formatting a date with {{:{_short_text(spec)}}}")


class _LimitedFormatter(SandboxedFormatter):
    """str.format in the sandbox, with widths, precisions and the result's length limited."""

    _built = 0

    def vformat(self, format_string: str, args: Any, kwargs: Any) -> str:
        self._built = len(format_string)
        return super().vformat(format_string, args, kwargs)

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion is not None:
            _check_size(weight(value), f"formatting with !{conversion}")
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> Any:
        _tick()
        _check_format_spec(format_spec, value)
        _check_size(weight(value), "formatting a value")
        text = super().format_field(value, format_spec)
        self._built += len(text)
        _check_size(self._built, "str.format")
        return text


class _LimitedEscapeFormatter(_LimitedFormatter, SandboxedEscapeFormatter):
    """The same, for the format method of Markup strings."""


# Calls: range, string methods and other builders ----------------------------------------


def capped_range(*args: int) -> range:
    """``range()`` for templates: at most MAX_RANGE numbers."""
    made = range(*args)
    try:
        length = len(made)
    except OverflowError:
        length = MAX_RANGE + 1
    if length > MAX_RANGE:
        shown = ", ".join(_number(arg, grouped=False) if isinstance(arg, int) else repr(arg) for arg in args)
        _stop(f"range({shown}) is longer than {MAX_RANGE} items")
    return made


def _no_lipsum(*args: Any, **kwargs: Any) -> NoReturn:
    raise SecurityError("lipsum() is not available in replykit templates")


def _replace_size(text: str | bytes, old: Any, new: Any, count: Any) -> int | None:
    kind = str if isinstance(text, str) else bytes
    if not (isinstance(old, kind) and isinstance(new, kind) and isinstance(count, int)):
        return None
    found = len(text) + 1 if not old else text.count(old)  # type: ignore[arg-type]
    if count >= 0:
        found = min(found, count)
    return len(text) + found * (len(new) - len(old))


def _method_arguments(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Check a call of a built-in method that can build much from little, before it runs."""
    owner = getattr(method, "__self__", None)
    name = getattr(method, "__name__", "")
    if not isinstance(method, types.BuiltinMethodType):
        return args
    doing = f"{name}()"
    if isinstance(owner, (str, bytes)):
        if name in ("ljust", "rjust", "center", "zfill") and args and isinstance(args[0], int):
            if args[0] > MAX_SEQUENCE:
                _too_big(f"{name}({_number(args[0])})")
        elif name == "expandtabs":
            tabsize = args[0] if args else kwargs.get("tabsize", 8)
            if isinstance(tabsize, int):
                tab = "\t" if isinstance(owner, str) else b"\t"
                _check_size(len(owner) + owner.count(tab) * tabsize, f"expandtabs({_number(tabsize)})")  # type: ignore[arg-type]
        elif name == "replace" and len(args) >= 2:
            count = args[2] if len(args) > 2 else kwargs.get("count", -1)
            size = _replace_size(owner, args[0], args[1], count)
            if size is not None:
                _check_size(size, doing)
        elif name == "join" and args:
            items = list(args[0]) if not isinstance(args[0], Iterator) else _drain(args[0], doing)
            size = max(len(items) - 1, 0) * len(owner)
            for item in items:
                size += weight(item, MAX_SEQUENCE - size)
                _check_size(size, doing)
            return (items, *args[1:])
        elif name == "translate" and args:
            table = args[0]
            values = table.values() if isinstance(table, Mapping) else table if isinstance(table, Collection) else ()
            longest = max((weight(value, MAX_SEQUENCE) for value in values), default=1)
            _check_size(len(owner) * max(longest, 1), doing)
    elif isinstance(owner, int) and name == "to_bytes":
        length = args[0] if args else kwargs.get("length", 1)
        if isinstance(length, int) and length > MAX_SEQUENCE:
            _too_big(f"to_bytes({_number(length)})")
    elif isinstance(owner, Decimal) and name == "as_integer_ratio":
        if owner.is_finite() and abs(owner.adjusted()) > MAX_INT_DIGITS:
            shown = _short_text(str(owner))
            _stop(f"as_integer_ratio() of {shown} would give numbers of more than {MAX_INT_DIGITS} digits")
    elif isinstance(owner, (date, time_of_day)) and name == "strftime" and args and isinstance(args[0], str):
        _check_size(len(args[0]) * _STRFTIME_GROWTH, "strftime() with a format that long")
    return args


# Filters ---------------------------------------------------------------------------------

_Arguments = dict[str, Any]


def _check_center(a: _Arguments) -> None:
    if isinstance(a["width"], int) and a["width"] > MAX_SEQUENCE:
        _too_big(f"the center filter with width {_number(a['width'])}")


def _check_indent(a: _Arguments) -> None:
    width = a["width"]
    prefix = width if isinstance(width, int) else weight(width)
    text = a["s"]
    lines = text.count("\n") + 1 if isinstance(text, str) else weight(text)
    _check_size(weight(text) + lines * max(prefix, 0), "the indent filter")


def _check_wordwrap(a: _Arguments, call: Callable[..., Any]) -> None:
    text, wrap = a["s"], a["wrapstring"]
    if not isinstance(text, str) or not isinstance(wrap, str) or len(wrap) <= 1:
        return
    if len(text) + (len(text) + 1) * len(wrap) <= MAX_SEQUENCE:
        return
    lines = call(wrapstring="\n").count("\n")  # textwrap makes no newlines of its own
    _check_size(len(text) + lines * len(wrap), "the wordwrap filter")


def _check_format(a: _Arguments) -> None:
    check_printf(str(a["value"]), a["kwargs"] or a["args"], "the format filter")


def _attribute_values(a: _Arguments, items_key: str, environment: Any) -> None:
    """Apply the filter's ``attribute=`` first, so the values it would join or add are checked."""
    if a.get("attribute") is not None:
        getter = make_attrgetter(environment, a["attribute"])
        a[items_key] = [getter(item) for item in a[items_key]]
        a["attribute"] = None


def _check_join(a: _Arguments) -> None:
    _attribute_values(a, "value", a["eval_ctx"].environment)
    items, glue = a["value"], a["d"]
    if isinstance(items, str):
        _check_size(len(items) + max(len(items) - 1, 0) * weight(glue), "the join filter")
        return
    if not isinstance(items, Iterable):
        return
    size = 0
    for index, item in enumerate(items):
        size += weight(item, MAX_SEQUENCE - size) + (weight(glue) if index else 0)
        _check_size(size, "the join filter")


def _check_replace(a: _Arguments) -> None:
    text = a["s"] if isinstance(a["s"], str) else str(a["s"])
    count = -1 if a["count"] is None else a["count"]
    size = _replace_size(text, a["old"], a["new"], count)
    if size is not None:
        _check_size(size, "the replace filter")


def _check_batch(a: _Arguments) -> None:
    if a["fill_with"] is not None and isinstance(a["linecount"], int):
        _check_size(a["linecount"] * (1 + weight(a["fill_with"])), "the batch filter")


def _check_slice(a: _Arguments) -> None:
    if isinstance(a["slices"], int) and a["slices"] > MAX_RANGE:
        _stop(f"the slice filter makes at most {MAX_RANGE} slices, not {_number(a['slices'])}")


def _check_sum(a: _Arguments) -> None:
    if isinstance(a["start"], (int, float, Decimal)):
        return
    _attribute_values(a, "iterable", a["environment"])
    items = list(a["iterable"]) if isinstance(a["iterable"], Iterable) else []
    size = weight(a["start"]) + sum(weight(item) for item in items)
    # Adding lists copies the total so far each time: the work grows with items times size.
    _check_size(size * max(len(items), 1), "adding up lists with the sum filter")


def _check_urlize(a: _Arguments) -> None:
    text = a["value"] if isinstance(a["value"], str) else str(a["value"])
    words = sum(1 for _ in re.finditer(r"\S+", text))
    per_link = 64 + weight(a["target"]) + weight(a["rel"])
    _check_size(2 * len(text) + words * per_link, "the urlize filter")


def _check_tojson(a: _Arguments) -> None:
    indent = a["indent"]
    step = 0 if indent is None else indent if isinstance(indent, int) else weight(indent)
    value = a["value"]
    _check_size(weight(value) * (1 + max(step, 0) * _depth(value)), "the tojson filter")


def _check_pprint(a: _Arguments) -> None:
    value = a["value"]
    _check_size(weight(value) * (1 + _depth(value)), "the pprint filter")


def _check_int_filter(a: _Arguments) -> None:
    _check_decimal_to_int(a["value"], "the int filter")


_FILTER_CHECKS: dict[str, Callable[[_Arguments], None]] = {
    "center": _check_center,
    "indent": _check_indent,
    "format": _check_format,
    "join": _check_join,
    "replace": _check_replace,
    "batch": _check_batch,
    "slice": _check_slice,
    "sum": _check_sum,
    "urlize": _check_urlize,
    "tojson": _check_tojson,
    "pprint": _check_pprint,
    "int": _check_int_filter,
}


def guarded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` with replykit's limits: lazy input drained with a limit, arguments and result sized."""
    lead = 0 if getattr(func, "jinja_pass_arg", None) is None else 1
    # Jinja2's async-aware filters take the context only to pass it on; their signature lacks it.
    unbound = 0 if getattr(inspect.unwrap(func), "jinja_pass_arg", None) is not None else lead
    check = _FILTER_CHECKS.get(name)
    signature = inspect.signature(func) if check is not None or name == "wordwrap" else None
    doing = f"the {name} filter"

    def guarded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        if len(args) > lead and isinstance(args[lead], Iterator) and not isinstance(args[lead], Sized):
            args = (*args[:lead], _drain(args[lead], doing), *args[lead + 1 :])
        _check_arguments((*args[lead:], *kwargs.values()), doing)
        if signature is not None:
            try:
                bound = signature.bind(*args[unbound:], **kwargs)
            except TypeError:
                bound = None  # the filter itself reports the wrong arguments
            if bound is not None:
                bound.apply_defaults()
                if name == "wordwrap":
                    arguments = bound.arguments
                    if arguments["wrapstring"] is None:
                        arguments["wrapstring"] = arguments["environment"].newline_sequence
                    _check_wordwrap(arguments, lambda **over: func(**{**arguments, **over}))
                elif check is not None:
                    check(bound.arguments)
                args, kwargs = (*args[:unbound], *bound.args), bound.kwargs
        return _checked_result(func(*args, **kwargs), doing)

    update_wrapper(guarded, func)
    return guarded


# The environment ---------------------------------------------------------------------


class _CheckedCodeGenerator(CodeGenerator):
    """Jinja2's code generator, with ``~``, literals and loop iterables routed through the sandbox's checks."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loop_iterables: dict[int, nodes.Node] = {}

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        if id(node) in self._loop_iterables:
            self.write("environment.loop_items(")
            super().visit(node, *args, **kwargs)
            self.write(")")
            return None
        return super().visit(node, *args, **kwargs)

    def start_write(self, frame: Frame, node: nodes.Node | None = None) -> None:
        # Filter and call blocks, recursive loops and includes write what they made without
        # ``finalize``: it is checked here instead, as ``{{ }}`` output is.
        super().start_write(frame, node)
        self.write("environment.printed(")

    def end_write(self, frame: Frame) -> None:
        self.write(")")
        super().end_write(frame)

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        self._loop_iterables[id(node.iter)] = node.iter
        super().visit_For(node, frame)

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.tilde({join}, (")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write("))")

    def _built(self, visit: Callable[[Any, Frame], None], node: nodes.Node, frame: Frame) -> None:
        self.write("environment.built(")
        visit(node, frame)
        self.write(")")

    def visit_List(self, node: nodes.List, frame: Frame) -> None:
        self._built(super().visit_List, node, frame)

    def visit_Dict(self, node: nodes.Dict, frame: Frame) -> None:
        self._built(super().visit_Dict, node, frame)

    def visit_Tuple(self, node: nodes.Tuple, frame: Frame) -> None:
        if node.ctx == "load":
            self._built(super().visit_Tuple, node, frame)
        else:  # an assignment target such as {% for a, b in pairs %}
            super().visit_Tuple(node, frame)


class ReplySandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox with replykit's limits on size, digits and CPU time.

    ``filters`` are added to Jinja2's own, and all of them are guarded. Keyword arguments
    are Jinja2's Environment options.
    """

    intercepted_binops = frozenset({"+", "*", "**", "%"})
    code_generator_class = _CheckedCodeGenerator

    def __init__(self, *, filters: Mapping[str, Callable[..., Any]] | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = capped_range
        self.globals["lipsum"] = _no_lipsum
        self.filters.update(filters or {})
        self.filters = {name: guarded_filter(name, func) for name, func in self.filters.items()}

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """``+ * ** %`` with their results' sizes checked first."""
        _tick()
        if operator == "*":
            _check_repeat(left, right)
        elif operator == "+":
            _check_add(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "%" and isinstance(left, (str, bytes)):
            check_printf(left, right)
        result = self.binop_table[operator](left, right)
        _check_int(result, f"{operator!r}")
        if operator == "%" and isinstance(result, (str, bytes)):
            _check_size(len(result), "formatting with %")
        return _built(result)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Call a function or method from a template, with its arguments and result sized."""
        _tick()
        args = _method_arguments(obj, args, kwargs)
        doing = f"{_callable_name(obj)}()"
        _check_arguments((*args, *kwargs.values()), doing)
        return _checked_result(super().call(context, obj, *args, **kwargs), doing)

    def _compile(self, source: str, filename: str) -> types.CodeType:
        """Python's compile() of a template's generated code, refused when that code is too large."""
        if len(source) > MAX_COMPILED_CHARS:
            _stop(
                f"it compiles to {len(source):,} characters of Python, more than {MAX_COMPILED_CHARS:,};"
                " a reply template is a few paragraphs"
            )
        return super()._compile(source, filename)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        """Refuse an unsafe attribute at once: Jinja2 returns an undefined value, which a list prints as 'Undefined'."""
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe")

    def printed(self, value: Any) -> Any:
        """What a filter or call block, a recursive loop or an include writes, checked like ``{{ }}`` output."""
        return check_printed(value)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``obj.attribute`` from a template, as Jinja2's sandbox allows it; a place to check the CPU budget."""
        _tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """``obj[argument]`` from a template, as Jinja2's sandbox allows it; a place to check the CPU budget."""
        _tick()
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``text.format(...)`` and ``format_map``, with widths and the result's length limited."""
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) or value.__name__ not in (
            "format",
            "format_map",
        ):
            return None
        owner = value.__self__
        if not isinstance(owner, str):
            return None
        kind = type(owner)
        is_format_map = value.__name__ == "format_map"
        formatter: _LimitedFormatter
        if isinstance(owner, Markup):
            formatter = _LimitedEscapeFormatter(self, escape=owner.escape)
        else:
            formatter = _LimitedFormatter(self)

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_format_map:
                if kwargs:
                    raise TypeError("format_map() takes no keyword arguments")
                if len(args) != 1:
                    raise TypeError(f"format_map() takes exactly one argument ({len(args)} given)")
                kwargs, args = args[0], ()
            return _built(kind(formatter.vformat(owner, args, kwargs)))

        return update_wrapper(wrapper, value)

    def concat(self, parts: Iterable[str]) -> str:
        """Join buffered output (a macro's, a ``{% set %}`` block's), stopping at MAX_REPLY_CHARS."""
        kept: list[str] = []
        size = 0
        for part in parts:
            size += len(part)
            if size > MAX_REPLY_CHARS:
                _stop(f"the reply grew past {MAX_REPLY_CHARS:,} characters")
            kept.append(part)
        return _built("".join(kept))

    def tilde(self, join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
        """``a ~ b``, refused when the text would be too long."""
        _tick()
        size = 0
        for part in parts:
            size += weight(part, MAX_SEQUENCE - size)
            _check_size(size, "joining with ~")
        return _built(join(parts))

    def built(self, value: Any) -> Any:
        """A list, tuple or dict literal, refused when what it holds is too much (``[x, x]`` doubles ``x``)."""
        _tick()
        _check_size(weight(value), "a list or mapping written in the template")
        return _built(value)

    def loop_items(self, iterable: Any) -> Any:
        """What a ``{% for %}`` loops over; without the CPU timer each step checks the CPU budget."""
        if _STATE.deadline is None:
            return iterable
        return _ticking(iterable)


def _callable_name(obj: Any) -> str:
    if isinstance(obj, Macro):
        return obj.name
    if isinstance(obj, Undefined):
        return "an undefined value"
    name = getattr(obj, "__name__", None)
    return name if isinstance(name, str) else type(obj).__name__


def _ticking(iterable: Iterable[Any]) -> Iterator[Any]:
    for item in iterable:
        _tick()
        yield item


def _kind(value: Any) -> str:
    return "a text" if isinstance(value, (str, bytes)) else f"a {type(value).__name__}"


def _check_repeat(left: Any, right: Any) -> None:
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, (str, bytes, list, tuple)) and isinstance(times, int):
            if times > 1 and weight(sequence, MAX_SEQUENCE // times) * times > MAX_SEQUENCE:
                _too_big(f"repeating {_kind(sequence)} {_number(times)} times")
            return
    if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        _stop(f"multiplying {_number(left)} by {_number(right)} would give more than {MAX_INT_DIGITS} digits")


def _check_add(left: Any, right: Any) -> None:
    kinds = (str, bytes, list, tuple)
    if isinstance(left, kinds) and isinstance(right, kinds):
        size = weight(left)
        size += weight(right, MAX_SEQUENCE - size)
        _check_size(size, f"adding {_kind(left)} and {_kind(right)} with +")


def _check_power(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 1 and abs(base) > 1:
        if exponent * math.log2(abs(base)) > MAX_INT_BITS:
            _stop(f"{_number(base)} ** {_number(exponent)} would have more than {MAX_INT_DIGITS} digits")


def check_printed(value: Any) -> Any:
    """What a ``{{ }}`` (or a filter or call block) prints: refused when it is too long to print or holds
    a character that could drive a terminal (see replykit.packs.characters), a Decimal as its digits."""
    _tick()
    if isinstance(value, Decimal):
        value = decimal_text(value)
    if not isinstance(value, str) or len(value) > MAX_SEQUENCE:
        _check_size(weight(value), "printing a value")
    if isinstance(value, str):
        found = refused(value)
        if found is not None:
            _stop(f"the template printed {found[1]}; a reply is plain text")
    return value


def decimal_text(value: Decimal) -> str:
    """A Decimal as it was typed, never in exponent notation (``0.0000001``, not ``1E-7``)."""
    if not value.is_finite():
        return str(value)
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    _check_size(len(digits) + abs(exponent) + 2, "printing a number")
    return format(value, "f")
