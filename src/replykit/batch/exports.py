"""Reading a marketplace's order export, one order at a time, whatever its size.

An export is read as a stream: memory holds one order's rows, never the whole file. It may be

- CSV, the delimiter read from the header line: a comma, or a semicolon as European Excel
  writes it; fields may be quoted and hold delimiters and line breaks;
- TSV, as Amazon's flat-file reports and Excel's "Unicode text" come;
- JSON Lines, one object per line.

The encoding is UTF-8, with or without a byte-order mark, or UTF-16 with one (Excel's
"Unicode text"); anything else is an ExportInvalid that names the problem and the iconv
line that converts the file. Columns are found by their header, never by their place.

Rows are numbered as the user finds them: for CSV and TSV the row a spreadsheet shows (the
header is row 1), for JSON Lines the line. Consecutive rows with the same order id (or a
blank one: a Shopify continuation row leaves the order's columns blank) are one order, whose
list fields (the items) take one item from each row.

A preset (``--preset shopify``) names the documented headers of a marketplace's export; see
PRESETS and the shared reference ``marketplaces.md``, sections 1.2 (headers) and 1.3 (which
header holds which replykit field).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from replykit.batch.model import Order
from replykit.errors import ExportInvalid, InputOutputError, UsageError, did_you_mean
from replykit.limits import MAX_EXPORT_CELL_CHARS, MAX_EXPORT_LINE_CHARS, MAX_ORDER_ROWS

SPECIAL_FIELDS = ("order_id", "to", "lang", "country")
"""Names a column can be mapped to besides the scenario's fields: the order id that groups rows,
the buyer's address(es), the reply's language and the ship country that chooses one."""

_HEAD_BYTES = 64 * 1024
_DELIMITERS = (",", ";", "\t")
_FORMAT_NAMES = {",": "CSV", ";": "CSV (semicolons)", "\t": "TSV"}


@dataclass(frozen=True)
class Preset:
    """The documented headers of one marketplace's order export.

    ``columns``: replykit field -> the headers that may hold it, the first one the file has
    wins (eBay's buyer name is ``Buyer Name``, else ``Ship To Name``).
    """

    name: str
    export: str
    """Which export of the marketplace, and where the seller finds it."""
    source: str
    columns: Mapping[str, tuple[str, ...]]


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        # marketplaces.md 1.2(a) and 1.3: one row per line item; order columns blank on continuation rows.
        Preset(
            "shopify",
            "Shopify: Admin > Orders > Export (CSV)",
            "marketplaces.md 1.2(a), 1.3",
            {
                "order_id": ("Name",),
                "name": ("Billing Name", "Shipping Name"),
                "to": ("Email",),
                "items": ("Lineitem name",),
                "country": ("Shipping Country", "Billing Country"),
                "carrier": ("Shipping Method",),
                "currency": ("Currency",),
            },
        ),
        # marketplaces.md 1.2(b) and 1.3: Seller Hub order report, one row per item.
        Preset(
            "ebay",
            "eBay: Seller Hub > Orders > Download report (CSV)",
            "marketplaces.md 1.2(b), 1.3",
            {
                "order_id": ("Order Number",),
                "name": ("Buyer Name", "Ship To Name"),
                "to": ("Buyer Email",),
                "items": ("Item Title",),
                "country": ("Ship To Country", "Buyer Country"),
                "carrier": ("Shipping Service",),
                "tracking_number": ("Tracking Number",),
            },
        ),
        # marketplaces.md 1.2(c) and 1.3: the All Orders flat file (TSV, one row per item) has no buyer
        # name, e-mail or tracking; the order report (order-id, buyer-name, ...) and the FBA shipments
        # report (buyer-email, carrier, tracking-number) have them.
        Preset(
            "amazon",
            "Amazon: All Orders report (tab-separated flat file), or the order and FBA shipments reports",
            "marketplaces.md 1.2(c), 1.3",
            {
                "order_id": ("amazon-order-id", "order-id"),
                "name": ("buyer-name", "recipient-name"),
                "to": ("buyer-email",),
                "items": ("product-name",),
                "country": ("ship-country",),
                "carrier": ("carrier", "ship-service-level"),
                "tracking_number": ("tracking-number",),
                "currency": ("currency",),
            },
        ),
        # marketplaces.md 1.2(d) and 1.3: core WooCommerce has no order export; these are the default
        # columns of the Advanced Order Export For WooCommerce plugin.
        Preset(
            "woo",
            "WooCommerce: Advanced Order Export For WooCommerce (CSV)",
            "marketplaces.md 1.2(d), 1.3",
            {
                "order_id": ("Order Number",),
                "name": ("First Name (Billing)", "Full Name (Billing)"),
                "to": ("Email (Billing)",),
                "items": ("Item Name",),
                "country": ("Country Code (Shipping)", "Country Code (Billing)"),
                "carrier": ("Shipping Method Title",),
                "currency": ("Currency",),
            },
        ),
    )
}


# --- Reading rows --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One row of an export: its number (spreadsheet row, or JSON Lines line), header -> cell, and
    what made it unreadable ('' when nothing did). Cells are text; JSON Lines values stay as parsed."""

    number: int
    cells: Mapping[str, Any]
    problem: str = ""


class _Prefixed(io.RawIOBase):
    """A byte stream that gives back the bytes already read to sniff it, then the rest; counts what it gave."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._rest = rest
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
        else:
            data = self._rest.read(len(view))
            n = len(data)
            view[:n] = data
        self.consumed += n
        return n


@dataclass
class Export:
    """An open export: its form, encoding and header, and its rows as a stream (read once).

    ``format``: 'csv', 'tsv' or 'jsonl'; ``delimiter``: ',', ';' or a tab (CSV and TSV);
    ``encoding``: a Python codec name ('utf-8', 'utf-8-sig' with a BOM, 'utf-16');
    ``header``: the column names (for JSON Lines, the keys of the first object);
    ``unit``: 'row' or 'line', how its row numbers read. ``size``: bytes in the file when known
    (a regular file), for progress; ``consumed``: bytes read so far.
    """

    label: str
    format: str
    delimiter: str
    encoding: str
    header: tuple[str, ...]
    unit: str
    size: int | None
    _raw: _Prefixed
    _text: IO[str]
    _rows: Iterator[Row] = field(default_factory=lambda: iter(()))

    @property
    def consumed(self) -> int:
        return self._raw.consumed

    def rows(self) -> Iterator[Row]:
        """Every data row, in order; ExportInvalid if the stream turns out unreadable on the way."""
        return self._rows

    def close(self) -> None:
        """Close the file (stdin is left open)."""
        self._text.close() if self.label != "<stdin>" else None


def open_export(source: str, *, stdin: IO[bytes] | None = None, label: str = "") -> Export:
    """Open an export file, or stdin for '-', and read just enough to know its form and header.

    Raises InputOutputError when it cannot be opened or is not a file or pipe, ExportInvalid
    when it is empty, not in a supported encoding, or its header cannot be read.
    """
    import sys

    label = label or ("<stdin>" if source == "-" else source)
    size: int | None = None
    if source == "-":
        if stdin is None and sys.stdin is None:  # started with stdin closed (<&-)
            raise InputOutputError(
                "<stdin>: is closed; '-' reads the export from stdin",
                hint="pipe the export in (replykit batch ... - < orders.csv), or give its file",
            )
        stream: IO[bytes] = stdin if stdin is not None else sys.stdin.buffer
    else:
        stream, size = _open_file(Path(source), label)
    head = _read_head(stream)
    if not head.strip(b"\xef\xbb\xbf\xff\xfe\r\n\t "):
        stream.close() if source != "-" else None
        what = "has only a byte-order mark and blank lines" if head else "is empty"
        raise ExportInvalid(f"{what}: an export starts with a header row", path=label,
                            hint="export the orders again; a file with only a header gives zero orders")  # fmt: skip
    encoding = _encoding(head, label)
    text_head = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    raw = _Prefixed(head, stream)
    start = text_head.lstrip("\ufeff \t\r\n")
    if start.startswith("["):
        stream.close() if source != "-" else None
        raise ExportInvalid(
            "starts with '[': it is a JSON array; replykit reads JSON Lines, one object per line",
            path=label,
            hint="convert it first, for example: jq -c '.[]' orders.json > orders.jsonl",
        )
    is_json = start.startswith("{")
    # Bytes that are not text decode to lone surrogates, found row by row (_undecodable), so the
    # row named is the row that holds them, not the row being read when a block failed to decode.
    text = io.TextIOWrapper(io.BufferedReader(raw), encoding=encoding, errors="surrogateescape",
                            newline="" if not is_json else None)  # fmt: skip
    if is_json:
        first = _jsonl_rows(text, label)
        try:
            first_row = next(first)
        except StopIteration:  # only blank lines: the head check above makes this unlikely
            first_row = None
        header = tuple(first_row.cells) if first_row is not None else ()
        rows: Iterator[Row] = _chain(first_row, first)
        return Export(label, "jsonl", "", encoding, header, "line", size, raw, text, rows)
    delimiter = _sniff_delimiter(text_head)
    csv_rows = _csv_rows(text, delimiter, label)
    header_row = next(csv_rows, None)
    if header_row is None:
        raise ExportInvalid("has no header row", path=label)
    header = tuple(str(name) for name in header_row.cells.values())
    fmt = "tsv" if delimiter == "\t" else "csv"
    return Export(label, fmt, delimiter, encoding, header, "row", size, raw, text, _records(header, csv_rows))


def _chain(first: Row | None, rest: Iterator[Row]) -> Iterator[Row]:
    if first is not None:
        yield first
    yield from rest


def _open_file(path: Path, label: str) -> tuple[IO[bytes], int | None]:
    """A regular file or a pipe (``<(...)``) opened for reading; a folder, device or socket is refused."""
    from replykit.files import kind_of

    try:
        handle = open(path, "rb", buffering=0)  # noqa: SIM115 - the export owns it until closed
    except OSError as exc:
        raise InputOutputError(f"{label}: cannot read: {exc.strerror or exc}") from None
    mode = os.fstat(handle.fileno()).st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        handle.close()
        raise InputOutputError(f"{label}: is {kind_of(mode)}; an export is a file", hint="give the export's file")
    return handle, os.fstat(handle.fileno()).st_size if stat.S_ISREG(mode) else None


def _read_head(stream: IO[bytes]) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total < _HEAD_BYTES:
        chunk = stream.read(_HEAD_BYTES - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


_CONVERT = "convert it first, for example: iconv -f WINDOWS-1252 -t UTF-8 orders.csv > orders-utf8.csv"


def _encoding(head: bytes, label: str) -> str:
    """The codec for the file's first bytes: UTF-8 (with or without a BOM) or UTF-16 with a BOM; else ExportInvalid."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ExportInvalid(
            "is UTF-32 text; replykit reads UTF-8 and UTF-16 with a byte-order mark",
            path=label,
            hint=_CONVERT.replace("WINDOWS-1252", "UTF-32"),
        )
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    if b"\x00" in head and encoding != "utf-16":
        raise ExportInvalid(
            "holds NUL bytes: it looks like UTF-16 text without a byte-order mark, which replykit reads only with one",
            path=label,
            hint=_CONVERT.replace("WINDOWS-1252", "UTF-16LE"),
        )
    try:
        codecs.getincrementaldecoder(encoding)().decode(head, final=len(head) < _HEAD_BYTES)
    except UnicodeDecodeError as exc:
        byte = head[exc.start]
        if encoding == "utf-16":
            raise ExportInvalid(
                f"is not UTF-16 text ({exc.reason} at offset {exc.start})",
                path=label,
                hint=_CONVERT.replace("WINDOWS-1252", "UTF-16"),
            ) from None
        raise ExportInvalid(
            f"is not UTF-8 (byte 0x{byte:02X} at offset {exc.start}); it was probably saved in a legacy encoding "
            "such as Windows-1252, as Excel's 'CSV (Comma delimited)' does",
            path=label,
            hint=_CONVERT + " (or the encoding it was saved in); in Excel, save as 'CSV UTF-8'",
        ) from None
    return encoding


def _sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the one of ',', ';' and tab it holds most often outside quotes."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in text.lstrip("\ufeff\r\n"):
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: io.TextIOWrapper, delimiter: str, label: str) -> Iterator[Row]:
    """Every non-blank record as a Row of cells (a list), numbered as a spreadsheet numbers rows."""
    csv.field_size_limit(MAX_EXPORT_CELL_CHARS)
    reader = csv.reader(text, delimiter=delimiter)
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:  # UTF-16 that surrogateescape cannot carry
            raise ExportInvalid(
                f"row {number + 1}: not {text.encoding} text ({exc.reason}); the rows before it were read",
                path=label,
                hint=_CONVERT,
            ) from None
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise ExportInvalid(
                    f"row {number + 1}: a cell is longer than {MAX_EXPORT_CELL_CHARS:,} characters (or a quote "
                    "opened there is never closed); the rows before it were read",
                    path=label,
                    hint="check that row's quotes, or shorten the cell",
                ) from None
            raise ExportInvalid(f"row {number + 1}: {exc}", path=label) from None
        number += 1
        for cell in record:
            _undecodable(cell, f"row {number}", text.encoding, label)
        if any(cell.strip() for cell in record):
            yield Row(number, {str(i): cell for i, cell in enumerate(record)})


_UNDECODED = re.compile("[\udc80-\udcff]")


def _undecodable(text: str, where: str, encoding: str, label: str) -> None:
    """ExportInvalid, naming the row or line, if ``text`` holds bytes that were not ``encoding`` text."""
    found = _UNDECODED.search(text)
    if found is not None:
        byte = ord(found.group()) - 0xDC00
        raise ExportInvalid(
            f"{where}: not {encoding} text (byte 0x{byte:02X}); the rows before it were read",
            path=label,
            hint=_CONVERT + " (or the encoding it was saved in)",
        )


def _records(header: tuple[str, ...], rows: Iterator[Row]) -> Iterator[Row]:
    """CSV rows as header -> cell (the first column of a repeated name wins; missing cells are blank)."""
    names = [name.strip() for name in header]
    for row in rows:
        cells = row.cells
        record: dict[str, str] = {}
        for index, name in enumerate(names):
            if name and name not in record:
                record[name] = str(cells.get(str(index), ""))
        yield Row(row.number, record)


def _jsonl_rows(text: io.TextIOWrapper, label: str) -> Iterator[Row]:
    import json

    number = 0
    while True:
        try:
            line = text.readline(MAX_EXPORT_LINE_CHARS + 1)
        except UnicodeDecodeError as exc:  # UTF-16 that surrogateescape cannot carry
            raise ExportInvalid(
                f"line {number + 1}: not {text.encoding} text ({exc.reason}); the lines before it were read",
                path=label,
                hint=_CONVERT,
            ) from None
        if not line:
            return
        number += 1
        if len(line) > MAX_EXPORT_LINE_CHARS and not line.endswith("\n"):
            while line and not line.endswith("\n"):  # skip the rest of the line, a piece at a time
                line = text.readline(MAX_EXPORT_LINE_CHARS)
            yield Row(number, {}, f"longer than {MAX_EXPORT_LINE_CHARS:,} characters")
            continue
        if not line.strip():
            continue
        _undecodable(line, f"line {number}", text.encoding, label)
        try:
            value = json.loads(line)
        except ValueError as exc:
            yield Row(number, {"_line": line.rstrip("\r\n")}, f"not JSON: {exc}")
            continue
        except RecursionError:
            yield Row(number, {"_line": line.rstrip("\r\n")}, "JSON nested too deeply to read")
            continue
        if not isinstance(value, dict):
            yield Row(number, {"_line": line.rstrip("\r\n")}, "expected a JSON object")
            continue
        yield Row(number, {str(k): v for k, v in value.items()})


# --- From columns to orders ----------------------------------------------------------------------


@dataclass(frozen=True)
class Columns:
    """Which column feeds what: ``fields`` maps replykit field names (and order_id, to, lang,
    country) to headers; ``where`` is the ``--where`` filter as (header, accepted values)."""

    fields: Mapping[str, str]
    where: tuple[tuple[str, frozenset[str]], ...] = ()

    def get(self, name: str) -> str | None:
        return self.fields.get(name)


def parse_pairs(option: str, items: Sequence[str], *, example: str) -> list[tuple[str, str]]:
    """``KEY=VALUE`` option values as pairs (the value may hold '=' and be empty); UsageError otherwise."""
    pairs = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(
                f"{option} {item!r}: expected {example.split(' ')[0]}", hint=f"for example {option} {example}"
            )
        pairs.append((key.strip(), value.strip()))
    return pairs


def map_columns(
    header: Sequence[str],
    *,
    fields: Iterable[str],
    needed: Iterable[str] = (),
    preset: str | None = None,
    maps: Sequence[str] = (),
    where: Sequence[str] = (),
    lang_column: str | None = None,
    label: str = "ORDERS",
    open_header: bool = False,
) -> Columns:
    """Decide which column feeds each field, before any row is read.

    ``fields``: the scenario's field names; ``needed``: those of them that must come from the
    file (required and not given on the command line). A column named like a field feeds it;
    a preset's documented headers come before that, and ``--map FIELD=COLUMN`` before both.
    Raises UsageError for an unknown preset or field, and, listing every one at once with the
    closest headers, for a column that ``--map``, ``--where`` or ``--lang-column`` names, or that
    the preset needs, when the file has none by that name. ``open_header``: the header is only
    the first row's keys (JSON Lines), so a key of a field's name feeds it wherever it appears.
    """
    names = [name.strip() for name in header if name.strip()]
    known = set(fields) | set(SPECIAL_FIELDS)
    # JSON Lines has no header: a key may appear on any line, so every field reads the key of its name.
    chosen: dict[str, str] = {name: name for name in known if open_header or name in names}
    missing: list[str] = []

    def find(column: str) -> str | None:
        if column in names:
            return column
        folded = [name for name in names if name.casefold() == column.casefold()]
        return folded[0] if len(folded) == 1 else None

    def report(what: str, column: str) -> None:
        hint = did_you_mean(column, names)
        missing.append(f"{what}: no column {column!r}" + (f" ({hint})" if hint else ""))

    mapped: set[str] = set()
    for name, column in parse_pairs("--map", maps, example="name=Buyer Name"):
        name = name.replace("-", "_")
        if name not in known:
            hint = did_you_mean(name, sorted(known))
            raise UsageError(
                f"--map {name}={column}: the scenario has no field '{name}'" + (f"; {hint}" if hint else ""),
                hint="map one of: " + ", ".join(sorted(known)),
            )
        mapped.add(name)
        if not column:
            chosen.pop(name, None)  # --map country= : read no column for it
            continue
        found = find(column)
        if found is None:
            report(f"--map {name}={column}", column)
        else:
            chosen[name] = found
    if preset is not None:
        if preset not in PRESETS:
            hint = did_you_mean(preset, PRESETS)
            raise UsageError(f"unknown preset {preset!r}" + (f"; {hint}" if hint else ""),
                             hint="presets: " + ", ".join(PRESETS))  # fmt: skip
        must = set(needed) | {"order_id"}
        for name, candidates in PRESETS[preset].columns.items():
            if name in mapped:
                continue
            found = next((c for c in (find(c) for c in candidates) if c is not None), None)
            if found is not None:
                chosen[name] = found
            elif name in must:
                shown = " or ".join(repr(c) for c in candidates)
                hint = did_you_mean(candidates[0], names)
                missing.append(f"--preset {preset} reads {name} from {shown}, and the file has none"
                               + (f" ({hint})" if hint else ""))  # fmt: skip
    if lang_column is not None:
        found = find(lang_column)
        if found is None:
            report(f"--lang-column {lang_column}", lang_column)
        else:
            chosen["lang"] = found
    filters: dict[str, set[str]] = {}
    for column, value in parse_pairs("--where", where, example="'Fulfillment Status=unfulfilled'"):
        found = find(column)
        if found is None:
            report(f"--where {column}={value}", column)
        else:
            filters.setdefault(found, set()).add(value.casefold())
    if missing:
        raise UsageError(
            f"{label} lacks {'a column' if len(missing) == 1 else f'{len(missing)} columns'} that "
            "the command asks for:\n  " + "\n  ".join(missing),
            hint="its columns: " + ", ".join(names[:40]) + (", ..." if len(names) > 40 else ""),
        )
    return Columns(chosen, tuple((column, frozenset(values)) for column, values in filters.items()))


def read_orders(export: Export, columns: Columns, *, list_fields: Iterable[str] = ()) -> Iterator[Order]:
    """The export's orders, one at a time: consecutive rows with one order id (or a blank one after
    the first) are one order. Orders that ``--where`` leaves out are not yielded; count them with
    the ``skipped`` list given to ``OrderReader``."""
    return OrderReader(export, columns, list_fields=list_fields)


class OrderReader(Iterator[Order]):
    """Iterates an export's orders (see read_orders); ``skipped`` counts orders that ``--where`` left out."""

    def __init__(self, export: Export, columns: Columns, *, list_fields: Iterable[str] = ()) -> None:
        self.export = export
        self.columns = columns
        self.list_fields = frozenset(list_fields)
        self.skipped = 0
        self._orders = self._read()

    def __next__(self) -> Order:
        return next(self._orders)

    def _read(self) -> Iterator[Order]:
        id_column = self.columns.get("order_id")
        group: list[Row] = []
        number = 0
        for row in self.export.rows():
            order_id = _text(row.cells.get(id_column)) if id_column else ""
            if group and id_column and not row.problem and order_id in ("", _text(group[0].cells.get(id_column))):
                if len(group) >= MAX_ORDER_ROWS:
                    raise ExportInvalid(
                        f"order {shown_order_id(_text(group[0].cells.get(id_column)))} goes on past {MAX_ORDER_ROWS:,} "
                        f"rows (from {self.export.unit} {group[0].number} to {row.number}); the run stops "
                        "rather than hold or drop them",
                        path=self.export.label,
                        hint=f"rows with the same order id, or none, in column {id_column!r} continue the order "
                        "above them: check that column, or fill its blanks",
                    )
                group.append(row)
                continue
            if group:
                number += 1
                order = self._order(number, group)
                if order is not None:
                    yield order
            group = [row]
        if group:
            number += 1
            order = self._order(number, group)
            if order is not None:
                yield order

    def _order(self, number: int, rows: list[Row]) -> Order | None:
        """The order of these rows, or None when --where leaves it out."""
        cells = _first_values(rows)
        for column, accepted in self.columns.where:
            if _text(cells.get(column)).casefold() not in accepted:
                self.skipped += 1
                return None
        id_column = self.columns.get("order_id")
        order_id = _text(cells.get(id_column)) if id_column else ""
        problem = next((row.problem for row in rows if row.problem), "")
        if not problem and id_column and not _text(rows[0].cells.get(id_column)):
            problem = f"no order id in column {id_column!r}"
        values: dict[str, Any] = {}
        for name, column in self.columns.fields.items():
            if name in SPECIAL_FIELDS and name != "order_id":
                continue
            if name in self.list_fields:
                items: list[Any] = []
                for row in rows:
                    cell = row.cells.get(column)
                    if isinstance(cell, list):
                        items.extend(cell)
                    elif _text(cell):
                        items.append(cell if isinstance(cell, str) else str(cell))
                if items:
                    values[name] = items
            elif isinstance(cells.get(column), (list, dict)):
                kind = "a list" if isinstance(cells[column], list) else "an object"
                problem = problem or f"{column!r} holds {kind}; the field {name} takes text"
            elif cells.get(column) is not None and _text(cells.get(column)) != "":
                values[name] = _text(cells[column])
        to_column, lang_column, country_column = (self.columns.get(n) for n in ("to", "lang", "country"))
        to = _text(cells.get(to_column)) if to_column else ""
        lang = _text(cells.get(lang_column)) if lang_column else ""
        return Order(
            number=number,
            rows=tuple(row.number for row in rows),
            order_id=order_id,
            values=values,
            to=tuple(part.strip() for part in to.split(";") if part.strip()) if to else (),
            lang=lang or None,
            lang_source=f"--lang-column {lang_column}" if lang else "",
            raw=tuple(row.cells for row in rows),
            unit=self.export.unit,
            country=_text(cells.get(country_column)) if country_column else "",
            problem=problem,
        )


SHOWN_ID_CHARS = 64
"""The most characters of an order id a message shows."""


def shown_order_id(order_id: str) -> str:
    """An order id as a one-line message shows it: anything unprintable (a line break, a control
    or format character) escaped as Python writes it, cut at SHOWN_ID_CHARS characters."""
    cut = order_id if len(order_id) <= SHOWN_ID_CHARS else order_id[:SHOWN_ID_CHARS] + "..."
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in cut)


def _text(value: Any) -> str:
    """A cell as text for ids, filters and addresses ('' for a missing or null one)."""
    if value is None or isinstance(value, (list, dict)):
        return ""
    if isinstance(value, bool):  # JSON's true and false, as JSON writes them
        return "true" if value else "false"
    return str(value).strip()


def _first_values(rows: list[Row]) -> dict[str, Any]:
    """Each column's first non-blank cell across an order's rows (continuation rows leave them blank)."""
    merged: dict[str, Any] = {}
    for row in rows:
        for name, cell in row.cells.items():
            if name not in merged or (_text(merged[name]) == "" and not isinstance(merged[name], list)):
                merged[name] = cell
    return merged
