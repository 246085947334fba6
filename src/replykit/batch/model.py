"""The shapes a batch passes between its parts: an order read from an export, and what became of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from replykit.channels.lint import Finding
    from replykit.output.addresses import Mailbox
    from replykit.rendering.templates import Reply


@dataclass(frozen=True)
class Order:
    """One order of an export, with every row it spans.

    ``rows``: where its rows are, as the user finds them: for CSV and TSV the row number a
    spreadsheet shows (the header is row 1, the first order row 2); for JSON Lines the line
    number. ``values``: field name -> text, or a list of text for a list field (the items of a
    multi-row order). ``to``: the buyer's address(es) as read, unchecked. ``lang``: the
    language asked for this order (a BCP 47 tag) and ``lang_source`` where it came from
    (``--lang-column Language``, ``ship country DE``, ``--lang``, ``profile``), or None and ''.
    ``raw``: the original rows, header -> cell (for JSON Lines, each line's object as parsed), for
    ``--rejects``. ``unit``: how its rows are counted, 'row' or 'line' (JSON Lines). ``country``:
    the ship country as read ('' without one). ``problem``: why the rows could not be read as an
    order ('' when they could): no order id, a line that is not JSON.
    """

    number: int
    """The order's place in the export, from 1."""
    rows: tuple[int, ...]
    order_id: str
    values: Mapping[str, Any] = field(default_factory=dict)
    to: tuple[str, ...] = ()
    lang: str | None = None
    lang_source: str = ""
    raw: tuple[Mapping[str, Any], ...] = ()
    unit: str = "row"
    country: str = ""
    problem: str = ""

    @property
    def where(self) -> str:
        """'row 7' or 'rows 7-9' ('line 7' for JSON Lines), for messages."""
        if not self.rows:
            return f"order {self.order_id}" if self.order_id else "the order"
        if len(self.rows) == 1:
            return f"{self.unit} {self.rows[0]}"
        return f"{self.unit}s {self.rows[0]}-{self.rows[-1]}"


@dataclass(frozen=True)
class Written:
    """An order whose reply was composed and passed its channel's rules (warnings are in ``findings``)."""

    order: Order
    reply: Reply
    to: tuple[Mailbox, ...] = ()
    findings: tuple[Finding, ...] = ()
    notices: tuple[str, ...] = ()
    """What the user should know about this order (a language fallback, for one)."""


@dataclass(frozen=True)
class Rejected:
    """An order that got no reply, and why: the message ``render`` would print, and its exit code."""

    order: Order
    reason: str
    code: int


class Writer(Protocol):
    """Where a batch's replies go. ``write`` each reply, then ``commit`` to make the output appear
    (a file or folder is written under a temporary name and renamed), or ``abort`` to leave
    nothing behind. Errors are replykit's (InputOutputError, OutputExists, UnsafeHeader)."""

    def write(self, item: Written) -> None: ...

    def commit(self) -> None: ...

    def abort(self) -> None: ...
