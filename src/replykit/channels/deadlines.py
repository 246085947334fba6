"""By when a buyer's message must be answered on each channel, counted from the message's Date.

| channel | deadline | source |
| --- | --- | --- |
| amazon | 24 hours, weekends and holidays included | sellercentral.amazon.com help/external/200549770 |
| ebay | 3 business days (Monday to Friday) | ebay.co.uk help, item not received, id=4042 |
| walmart | 48 hours, weekends included | marketplacelearn.walmart.com, Customer Care policy |
| etsy | 24 hours (Star Seller: first message of a thread) | community.etsy.com threads (second-hand) |
| aliexpress | 72 hours | xiaoniucw.com, ssopdot.com (second-hand) |
| email | none: the seller's own shop sets its own | - |

Hours are elapsed time: 24 hours after Saturday 10:00 is Sunday 10:00, and on the night the
clocks change it is 10:00 or 11:00 by the wall clock of the seller's time zone, 24 real hours
later. Business days are Monday to Friday in the seller's time zone, counted as whole days
on the wall clock: a message that arrives on a business day is due at the same time of day
three business days later (Friday 18:30 -> Wednesday 18:30); one that arrives on a Saturday
or Sunday starts the count on Monday at 00:00 and is due at the end of Wednesday (Thursday
00:00). Public holidays are not known to replykit and count as business days, so an eBay
deadline in a holiday week is earlier than eBay's own; a wall-clock time that the clocks skip
that day is moved forward by the gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, NamedTuple

from replykit.errors import UsageError, did_you_mean

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


class _Rule(NamedTuple):
    hours: int
    business_days: int
    rule: str
    source: str
    second_hand: bool


RULES: dict[str, _Rule | None] = {
    "amazon": _Rule(
        24, 0, "Amazon: reply within 24 hours, weekends and holidays included",
        "sellercentral.amazon.com help/external/200549770", False,
    ),
    "ebay": _Rule(
        0, 3, "eBay: resolve within 3 business days (Monday to Friday; public holidays not known to replykit)",
        "ebay.co.uk/help item not received, id=4042", False,
    ),
    "walmart": _Rule(
        48, 0, "Walmart: reply within 48 hours, weekends included",
        "marketplacelearn.walmart.com Customer Care policy", False,
    ),
    "etsy": _Rule(
        24, 0, "Etsy: reply to a thread's first message within 24 hours (Star Seller)",
        "community.etsy.com threads", True,
    ),
    "aliexpress": _Rule(
        72, 0, "AliExpress: reply within 72 hours", "xiaoniucw.com; ssopdot.com/blog/35242.html", True,
    ),
    "email": None,
}  # fmt: skip
"""Each channel's deadline (None: no marketplace deadline), with its source; keys are channels.NAMES."""


@dataclass(frozen=True)
class Deadline:
    """When a reply is due, by which rule, and where the rule comes from."""

    due: datetime
    """Aware, in the seller's time zone."""
    rule: str
    source: str
    second_hand: bool
    """The source is a third party's summary, not the marketplace's own page: lower confidence."""


def reply_due(channel: str, received: datetime, *, tz: ZoneInfo) -> Deadline | None:
    """The reply deadline for a message ``received`` on ``channel``, in the seller's time zone ``tz``.

    ``received`` is the message's Date; a naive one is read as UTC (RFC 5322's ``-0000``, a
    time in UTC from a sender whose zone is unknown). None for a channel with no deadline
    (``email``). Raises UsageError for a channel replykit does not know.
    """
    if channel not in RULES:
        hint = did_you_mean(channel, RULES)
        raise UsageError(
            f"no channel {channel!r}" + (f"; {hint}" if hint else ""), hint="channels: " + ", ".join(RULES)
        )
    rule = RULES[channel]
    if rule is None:
        return None
    if received.tzinfo is None or received.utcoffset() is None:
        received = received.replace(tzinfo=timezone.utc)
    if rule.business_days:
        due = _after_business_days(received.astimezone(tz), rule.business_days, tz)
    else:
        due = (received.astimezone(timezone.utc) + timedelta(hours=rule.hours)).astimezone(tz)
    return Deadline(due, rule.rule, rule.source, rule.second_hand)


def _after_business_days(local: datetime, days: int, tz: ZoneInfo) -> datetime:
    """The same wall-clock time ``days`` Monday-to-Friday days after ``local`` (from Monday 00:00 at a weekend)."""
    day, clock = local.date(), local.time().replace(tzinfo=None, fold=0)
    if day.weekday() >= 5:  # Saturday or Sunday: the count starts on Monday at 00:00
        day += timedelta(days=7 - day.weekday())
        clock = time(0, 0)
    while days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    due = datetime.combine(day, clock, tzinfo=tz)
    # A wall-clock time the clocks skip that day (it does not exist) comes back from UTC moved forward.
    return due.astimezone(timezone.utc).astimezone(tz)
