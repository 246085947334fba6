"""The order id in a buyer's message, and the channel a sender's address belongs to.

Order-id formats are those of ../shared/reference/marketplaces.md section 4.3; relay domains
are those of section 1.1. Only the standard library's ``re`` is used.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from replykit.channels.shapes import ORDER_ID_FORMATS
from replykit.limits import ORDER_PATTERN_CPU_SECONDS
from replykit.packs.characters import refused

if TYPE_CHECKING:
    from replykit.output.addresses import Mailbox

MAX_SEARCHED_CHARS = 100_000
"""How much of the body is searched: an order id sits near the top, and a profile's pattern runs on bounded text."""

# No digit, letter or hyphen may touch an id: "1302-1234567-7654321-9" (a longer run) is not an Amazon order.
_BEFORE = r"(?<![\w-])"
_AFTER = r"(?![\w]|-\d)"
# Words that come before an order number, in the 12 languages (and the receipt Etsy speaks of).
_ORDER_WORD = (
    r"(?:order|receipt|purchase|bestellung|bestellnummer|auftrag|bestelling|commande|pedido|ordine|zamówienie"
    r"|zamówienia|zamówieniu|nr zamówienia|заказ|заказа|заказу|注文|주문|طلب|الطلب)"
)
_NUMBER_MARK = r"(?:#|№|n[°º]\.?|nr\.?|no\.?|number|nummer|numéro|número|numero|numer|номер|番号|번호|رقم)"


@dataclass(frozen=True)
class FoundOrderId:
    """An order id found in a message, which marketplace's format it has, and where it was."""

    order_id: str
    marketplace: str
    """"amazon", "ebay", "aliexpress", "etsy", "shopify", or "shop" (the profile's order_pattern)."""
    where: str
    """"subject" or "body"."""


# Tried in this order in each place; the first match wins. Etsy's 10 digits and Shopify's "#1001"
# are common in other numbers (phone numbers, amounts), so they count only after an order word.
# The shapes are the channel rules' own (channels.shapes.ORDER_ID_FORMATS, reference section 4.3).
_SHAPE = {channel: source for channel, (source, _) in ORDER_ID_FORMATS.items()}
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("amazon", re.compile(rf"{_BEFORE}{_SHAPE['amazon']}{_AFTER}")),
    ("ebay", re.compile(rf"{_BEFORE}{_SHAPE['ebay']}{_AFTER}")),
    ("aliexpress", re.compile(rf"{_BEFORE}{_SHAPE['aliexpress']}{_AFTER}")),
    (
        "etsy",
        re.compile(rf"\b{_ORDER_WORD}\b[^\d\n]{{0,20}}?{_BEFORE}(?P<id>{_SHAPE['etsy']}){_AFTER}", re.IGNORECASE),
    ),
    (
        "shopify",
        re.compile(rf"\b{_ORDER_WORD}\b[^\d\n#]{{0,20}}?(?P<id>#\d{{4,9}}){_AFTER}", re.IGNORECASE),
    ),
)


def _first(pattern: re.Pattern[str], text: str, *, before: int | None = None) -> str | None:
    """The first non-empty match of ``pattern`` in ``text``: its group 'id' if it has one, else the whole match.

    A match holding a control character or a bidirectional override (which a shop's pattern such
    as ``HB-\\S+`` can take from a buyer's text) is no order id: it would drive the seller's terminal.
    Only matches ending before ``before`` count.
    """
    for match in pattern.finditer(text):
        if before is not None and match.end() >= before:
            continue
        found = match.group("id") if "id" in pattern.groupindex else match.group(0)
        if found and found.strip() and refused(found, one_line=True) is None:
            return found.strip()
    return None


_WINDOW = 2000
_OVERLAP = 200
"""The profile's pattern is searched in windows of _WINDOW characters of a line, overlapping by _OVERLAP (longer
than an order id): the regular expression engine checks for signals between steps, and one step can scan the
whole text it searches (``\\d+`` over a run of digits), so a short text keeps the CPU timer prompt."""


def _first_in_lines(pattern: re.Pattern[str], text: str) -> str | None:
    """_first of ``pattern`` in each line of ``text``, read in windows; a match that reaches a window's end is taken
    from the next window, where it can be whole."""
    for line in text.split("\n"):
        for start in range(0, max(len(line) - _OVERLAP, 1), _WINDOW - _OVERLAP):
            window = line[start : start + _WINDOW]
            last = start + _WINDOW >= len(line)
            found = _first(pattern, window, before=None if last else len(window))
            if found is not None:
                return found
    return None


class _TooSlow(Exception):
    """The profile's order_pattern used up its CPU time on one text."""


def _expire(signum: int, frame: Any) -> None:
    raise _TooSlow


@contextmanager
def _cpu_bound(seconds: float) -> Iterator[None]:
    """Raise _TooSlow in the code inside once the process has used ``seconds`` of CPU time.

    A profiling timer (SIGPROF) on the main thread of a POSIX process, which interrupts the
    regular expression engine; elsewhere, or inside another such timer, the code runs unbounded.
    Not rendering.sandbox.cpu_budget: that module imports Jinja2, which triage never needs.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or signal.getsignal(signal.SIGPROF) is None or signal.getitimer(signal.ITIMER_PROF)[0]:
        yield
        return
    previous = signal.signal(signal.SIGPROF, _expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def find_order_id(
    subject: str, text: str, *, shop_pattern: str | None = None, warnings: list[str] | None = None
) -> FoundOrderId | None:
    """The order id in a message: the subject first, then the body (its first MAX_SEARCHED_CHARS characters).

    In each place the profile's ``shop_pattern`` (a regular expression, checked when the
    config was read; its group ``id`` if it has one, else its whole match) is tried before
    the marketplace formats: Amazon 3-7-7 digits (or a letter and 2-7-7), eBay 2-5-5,
    AliExpress 16 digits, Etsy 10 digits and Shopify "#1001" (these two only after a word
    such as order, Bestellung, commande or 注文). None when nothing matches.

    ``shop_pattern`` gets ORDER_PATTERN_CPU_SECONDS in each place: a pattern that backtracks
    for longer on this message (``(a|a)*b``, or ``\\d+-[A-Z]{2}`` on a long run of digits) is
    left out for the rest of it, and ``warnings`` is told.
    """
    shop = re.compile(shop_pattern) if shop_pattern else None
    for where, place in (("subject", subject[:MAX_SEARCHED_CHARS]), ("body", text[:MAX_SEARCHED_CHARS])):
        if shop is not None:
            found = None
            try:
                with _cpu_bound(ORDER_PATTERN_CPU_SECONDS):
                    found = _first_in_lines(shop, place)
            except _TooSlow:
                shop = None
                if warnings is not None:
                    warnings.append(
                        f"your profile's order_pattern {shop_pattern!r} took more than {ORDER_PATTERN_CPU_SECONDS:g} s "
                        f"on the message's {where}, so it was not used; write it with fixed text first and bounded "
                        "repeats, such as 'HB-\\d{6}' (replykit config set order_pattern ...)"
                    )
            if found is not None:
                return FoundOrderId(order_id=found, marketplace="shop", where=where)
        for marketplace, pattern in _PATTERNS:
            found = _first(pattern, place)
            if found is not None:
                return FoundOrderId(order_id=found, marketplace=marketplace, where=where)
    return None


# Amazon's buyer aliases are at marketplace.amazon.<the marketplace's domain>; eBay relays through
# members.ebay.<domain> (marketplaces.md 1.1). Etsy, Walmart and AliExpress keep messages in their
# own inbox and document no relay address, so they are not recognised here.
_AMAZON_DOMAINS = (
    "com ca com.mx com.br co.uk de fr it es nl se pl com.be com.tr ae sa eg in co.jp com.au sg cn ie".split()
)
_EBAY_DOMAINS = "com de co.uk fr it es nl pl at ch be ie ca com.au com.hk com.sg com.my ph in".split()
_CHANNEL_DOMAINS: dict[str, str] = {
    **{f"marketplace.amazon.{tld}": "amazon" for tld in _AMAZON_DOMAINS},
    **{f"members.ebay.{tld}": "ebay" for tld in _EBAY_DOMAINS},
}


def channel_of(sender: Mailbox | None) -> str | None:
    """The marketplace a sender's address relays for: "amazon" (marketplace.amazon.de, ...), "ebay"
    (members.ebay.com, ...); None for any other address, or no sender."""
    if sender is None:
        return None
    domain = sender.addr.rpartition("@")[2].lower().rstrip(".")
    return _CHANNEL_DOMAINS.get(domain)


MAX_PATTERN_CHARS = 200
"""Longest order_pattern in a profile: an order id's pattern needs a few dozen characters."""

# A group that repeats and holds a repeat itself, such as (\d+)+ or (a*)*: exponential time on a near miss.
_NESTED_REPEAT = re.compile(r"\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d*,\d*\})")


def check_order_pattern(raw: str) -> str:
    """Return ``raw`` if it is a usable order_pattern, or raise ValueError saying what is wrong.

    Usable: at most MAX_PATTERN_CHARS characters, compiles as a Python regular expression,
    does not match empty text, and holds no nested repetition such as ``(\\d+)+``, which can take exponential time.
    """
    if len(raw) > MAX_PATTERN_CHARS:
        raise ValueError(f"it is {len(raw)} characters long; an order pattern may have up to {MAX_PATTERN_CHARS}")
    try:
        pattern = re.compile(raw)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {exc}") from None
    if pattern.fullmatch("") is not None or pattern.search("") is not None:
        raise ValueError("it matches empty text; write the form of your order ids, such as 'HB-\\d{6}'")
    if _NESTED_REPEAT.search(raw):
        raise ValueError("it repeats a group that holds a repeat, such as (\\d+)+, which can take minutes to fail")
    return raw
