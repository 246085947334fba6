"""Where a batch's replies go: JSON Lines or CSV, streamed to stdout or written atomically to ``--output``,
and ``--rejects``, the rejected orders' own rows with a reason column.

``open_writer`` is the one way to get a Writer for a ``--format``; the mail formats (mbox,
maildir, eml) come from ``replykit.batch.mail.open_mail_writer``.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from replykit.errors import UsageError

if TYPE_CHECKING:
    from replykit.batch.exports import Export
    from replykit.batch.model import Rejected, Writer, Written
    from replykit.output.addresses import Mailbox

DATA_FORMATS = ("jsonl", "csv")
MAIL_FORMATS = ("mbox", "maildir", "eml")
FORMATS = DATA_FORMATS + MAIL_FORMATS

CSV_COLUMNS = ("order_id", "rows", "to", "lang", "lang_source", "subject", "body", "findings", "notices")
"""The CSV writer's first columns; each of the scenario's fields follows, under its own name."""

_FLUSH_BYTES = 64 * 1024
_EXISTS_HINT = "pass --force to replace it"


class Sink(Protocol):
    """Bytes going somewhere that appears whole at ``commit``: a file (AtomicFile) or stdout."""

    def write(self, data: bytes) -> None: ...

    def commit(self) -> None: ...

    def abort(self) -> None: ...


class StdoutSink:
    """Bytes for stdout, passed on in chunks of about 64 KiB (``write`` is the console's writer)."""

    def __init__(self, write: Callable[[bytes], None]) -> None:
        self._write = write
        self._pending: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        self._pending.append(data)
        self._size += len(data)
        if self._size >= _FLUSH_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            chunk = b"".join(self._pending)
            self._pending, self._size = [], 0
            self._write(chunk)

    def commit(self) -> None:
        self._flush()

    def abort(self) -> None:
        self._flush()  # what was read so far is already the product: stdout cannot be taken back


def open_sink(output: Path | None, *, force: bool, stdout: Callable[[bytes], None] | None, label: str) -> Sink:
    """A file written atomically (OutputExists now if it exists and not ``force``), or stdout."""
    if output is None:
        return StdoutSink(stdout or _write_stdout)
    from replykit.files import AtomicFile

    return AtomicFile(output, replace=force, label=f"{label} {output}", exists_hint=_EXISTS_HINT)


def _write_stdout(data: bytes) -> None:
    import sys

    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def record(item: Written) -> dict[str, Any]:
    """A written order as one JSON Lines object: order_id, rows, to, lang, lang_source, lang_fallback,
    subject, body, values (dates ISO, decimals as text), findings and notices."""
    order, reply = item.order, item.reply
    return {
        "order_id": order.order_id,
        "rows": list(order.rows),
        "to": [_address(m) for m in item.to],
        "lang": reply.language,
        "lang_source": order.lang_source,
        "lang_fallback": any("the reply is in" in n or "has no '" in n for n in item.notices),
        "subject": reply.subject,
        "body": reply.body,
        "values": reply.values,
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "line": f.span.line,
                "excerpt": f.span.excerpt,
                "message": f.message,
                "fix": f.fix,
            }
            for f in item.findings
        ],  # fmt: skip
        "notices": list(item.notices),
    }


def _address(mailbox: Mailbox) -> str:
    return str(mailbox.header()) if mailbox.name else mailbox.addr


class JsonlWriter:
    """One JSON object per line and per order (see ``record``), UTF-8."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    def write(self, item: Written) -> None:
        from replykit.output.formats import json_line

        self.sink.write(json_line(record(item)).encode("utf-8", "surrogateescape"))

    def commit(self) -> None:
        self.sink.commit()

    def abort(self) -> None:
        self.sink.abort()


class CsvWriter:
    """A CSV file for mail merge: CSV_COLUMNS, then one column per scenario field; UTF-8, comma, CRLF rows."""

    def __init__(self, sink: Sink, *, fields: Sequence[str] = ()) -> None:
        self.sink = sink
        self.fields = tuple(name for name in fields if name not in CSV_COLUMNS)
        self._buffer = io.StringIO()
        self._csv = csv.writer(self._buffer)
        self._row([*CSV_COLUMNS, *self.fields])

    def _row(self, cells: Sequence[str]) -> None:
        self._csv.writerow(cells)
        self.sink.write(self._buffer.getvalue().encode("utf-8", "surrogateescape"))
        self._buffer.seek(0)
        self._buffer.truncate()

    def write(self, item: Written) -> None:
        from replykit.packs.fields import join_list

        order, reply = item.order, item.reply
        values = []
        for name in self.fields:
            value = reply.values.get(name)
            if isinstance(value, list):
                values.append(join_list([str(v) for v in value]))
            elif value is None:
                values.append("")
            else:
                values.append(value.isoformat() if hasattr(value, "isoformat") else str(value))
        rows = f"{order.rows[0]}-{order.rows[-1]}" if len(order.rows) > 1 else "".join(map(str, order.rows))
        self._row([
            order.order_id, rows, ", ".join(_address(m) for m in item.to), reply.language, order.lang_source,
            reply.subject, reply.body, " ".join(f.rule for f in item.findings), " | ".join(item.notices), *values,
        ])  # fmt: skip

    def commit(self) -> None:
        self.sink.commit()

    def abort(self) -> None:
        self.sink.abort()


def open_writer(
    fmt: str,
    output: Path | None,
    *,
    force: bool = False,
    sender: Mailbox | None = None,
    stdout: Callable[[bytes], None] | None = None,
    fields: Sequence[str] = (),
) -> Writer:
    """The Writer for ``--format fmt``, to ``output`` (written atomically) or else to ``stdout``.

    ``fields``: the scenario's field names, the CSV's last columns. ``sender``: the From of
    mail formats. Raises UsageError for an unknown format, OutputExists when ``output`` exists
    and not ``force`` (before anything is written), InputOutputError when it cannot be written.
    """
    if fmt in MAIL_FORMATS:
        # Plugged in by replykit.batch.mail, imported only for these formats.
        import importlib

        try:
            mail = importlib.import_module("replykit.batch.mail")
        except ModuleNotFoundError:
            raise UsageError(f"--format {fmt} is not available in this version of replykit",
                             hint="use --format jsonl or csv") from None  # fmt: skip
        writer: Writer = mail.open_mail_writer(fmt, output, force=force, sender=sender, stdout=stdout)
        return writer
    if fmt not in DATA_FORMATS:
        raise UsageError(f"unknown format {fmt!r}", hint="formats: " + ", ".join(FORMATS))
    sink = open_sink(output, force=force, stdout=stdout, label="--output")
    return JsonlWriter(sink) if fmt == "jsonl" else CsvWriter(sink, fields=fields)


REASON_COLUMN = "replykit reason"
"""The column ``--rejects`` adds with each order's reason."""


class RejectsWriter:
    """``--rejects FILE``: each rejected order's original rows, in the export's own form, plus a reason.

    CSV and TSV keep the export's delimiter and encoding (a BOM stays a BOM, UTF-16 stays
    UTF-16) and add a ``reason`` column (``replykit reason`` if the export has one already),
    given on every row of the order; JSON Lines gets each line's object with a ``reason`` key.
    The file is written atomically and replaces an existing one only with ``force``.
    """

    def __init__(self, path: Path, export: Export, *, force: bool = False) -> None:
        from replykit.files import AtomicFile

        self.export = export
        self.file = AtomicFile(path, replace=force, label=f"--rejects {path}", exists_hint=_EXISTS_HINT)
        self._encode = codecs.getincrementalencoder(export.encoding if export.format != "jsonl" else "utf-8")().encode
        header = [name.strip() for name in export.header]
        # Not a field name (those have no space), so a fixed rejects file can be run again as it is:
        # the reason neither feeds a field such as delay-notice's `reason` nor is added twice.
        self.reason = REASON_COLUMN
        self._again = REASON_COLUMN in header
        self._buffer = io.StringIO()
        self._csv = csv.writer(self._buffer, delimiter=export.delimiter or ",", lineterminator="\r\n")
        self._header = header
        if export.format != "jsonl":
            self._row(list(export.header) if self._again else [*export.header, self.reason])

    def _row(self, cells: Sequence[str]) -> None:
        self._csv.writerow(cells)
        self.file.write(self._encode(self._buffer.getvalue()))
        self._buffer.seek(0)
        self._buffer.truncate()

    def write(self, item: Rejected) -> None:
        from replykit.output.formats import json_line

        for raw in item.order.raw or ({},):
            if self.export.format == "jsonl":
                self.file.write(json_line({**raw, REASON_COLUMN: item.reason}).encode("utf-8", "surrogateescape"))
            elif self._again:
                self._row([item.reason if name == REASON_COLUMN else str(raw.get(name, "")) for name in self._header])
            else:
                self._row([str(raw.get(name, "")) for name in self._header] + [item.reason])

    def commit(self) -> None:
        self.file.commit()

    def abort(self) -> None:
        self.file.abort()
