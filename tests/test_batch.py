"""replykit batch: exports read by header in every form and encoding, one reply per order, rejects, exit codes.

Fixtures are built from the documented headers of each preset (shared reference marketplaces.md,
1.2 and 1.3), cut to the columns a test needs plus a few others, since columns are found by name.
The command line runs as users run it: the installed script in a subprocess.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import MakePack, sh
from replykit import errors

PACK = {
    "notice/scenario.yaml": """
        title: Notice
        summary: A delay notice for tests
        fields:
          name:
            required: true
          order_id:
            default: ""
          items:
            type: list
            default: ""
          expected_date:
            type: date
            required: true
        """,
    "notice/en.j2": "Subject: Order {{ order_id }}\n\nHello {{ name }}, {{ items | join(' + ') }} by {{ expected_date }}.\n",
    "notice/de.j2": "Subject: Bestellung {{ order_id }}\n\nHallo {{ name }}, {{ items | join(' + ') }} bis {{ expected_date }}.\n",
    "notice/fr.j2": "Subject: Commande {{ order_id }}\n\nBonjour {{ name }}, {{ items | join(' + ') }} avant {{ expected_date }}.\n",
}
DATE = ["--set", "expected_date=2026-12-03"]


def table(rows: list[list[str]], delimiter: str = ",") -> str:
    """Rows as CSV (or TSV) text, quoted where needed, as the exports write them."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


# Documented headers (marketplaces.md 1.2), cut to what the tests read and a few more.
SHOPIFY = ["Name", "Email", "Financial Status", "Fulfillment Status", "Currency", "Lineitem quantity", "Lineitem name",
           "Billing Name", "Shipping Country", "Notes"]  # fmt: skip
SHOPIFY_ROWS = [
    SHOPIFY,
    [
        "#1001",
        "alice@example.com",
        "paid",
        "unfulfilled",
        "EUR",
        "1",
        "Blue mug, large",
        "Jürgen Groß",
        "DE",
        "Leave at\nthe door",
    ],
    ["#1001", "", "", "", "", "2", "Tea towel", "", "", ""],
    ["#1002", "bob@example.com", "paid", "fulfilled", "USD", "1", "Red cap", "Bob", "US", ""],
    ["#1003", "chloe@example.com", "paid", "unfulfilled", "EUR", "1", "Lamp", "Chloé", "FR", ""],
]
EBAY = ["Sales Record Number", "Order Number", "Buyer Username", "Buyer Name", "Buyer Email", "Ship To Country",
        "Item Title", "Quantity", "Tracking Number"]  # fmt: skip
EBAY_ROWS = [
    EBAY,
    ["1", "12-34567-89012", "jg", "Jürgen", "j@example.com", "DE", "Blue mug", "1", ""],
    ["2", "12-34567-89012", "jg", "Jürgen", "j@example.com", "DE", "Tea towel", "1", ""],
]
AMAZON = ["amazon-order-id", "merchant-order-id", "purchase-date", "order-status", "product-name", "sku", "quantity",
          "ship-country", "buyer-name", "buyer-email"]  # fmt: skip
AMAZON_ROWS = [
    AMAZON,
    [
        "112-1234567-1234567",
        "",
        "2026-11-01",
        "Pending",
        "Blue mug",
        "M1",
        "1",
        "FR",
        "Chloé",
        "c@marketplace.amazon.fr",
    ],
    [
        "112-1234567-1234567",
        "",
        "2026-11-01",
        "Pending",
        "Tea towel",
        "T1",
        "1",
        "FR",
        "Chloé",
        "c@marketplace.amazon.fr",
    ],
]
WOO = ["Order Number", "Order Status", "First Name (Billing)", "Last Name (Billing)", "Email (Billing)",
       "Country Code (Shipping)", "Item Name", "Quantity"]  # fmt: skip
WOO_ROWS = [WOO, ["501", "processing", "Ana", "Silva", "ana@example.com", "DE", "Blue mug", "1"]]


def batch(replykit_bin: str, pack: Path, *args: str, stdin: str | None = None) -> Any:
    return sh(replykit_bin, "batch", "notice", *args, "--templates-dir", str(pack), stdin=stdin)


def records(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


@pytest.mark.parametrize(
    ("name", "content", "encoding", "args", "expected"),
    [
        ("shopify.csv", table(SHOPIFY_ROWS), "utf-8", ["--preset", "shopify"],
         [("#1001", [2, 3], "de", "Hallo Jürgen Groß, Blue mug, large + Tea towel bis 2026-12-03."),
          ("#1002", [4], "en", "Hello Bob, Red cap by 2026-12-03."),
          ("#1003", [5], "fr", "Bonjour Chloé, Lamp avant 2026-12-03.")]),
        ("shopify-semicolons.csv", table(SHOPIFY_ROWS, ";"), "utf-8-sig", ["--preset", "shopify"],
         [("#1001", [2, 3], "de", "Hallo Jürgen Groß, Blue mug, large + Tea towel bis 2026-12-03."),
          ("#1002", [4], "en", "Hello Bob, Red cap by 2026-12-03."),
          ("#1003", [5], "fr", "Bonjour Chloé, Lamp avant 2026-12-03.")]),
        ("ebay.csv", table(EBAY_ROWS), "utf-8-sig", ["--preset", "ebay"],
         [("12-34567-89012", [2, 3], "de", "Hallo Jürgen, Blue mug + Tea towel bis 2026-12-03.")]),
        ("amazon.txt", table(AMAZON_ROWS, "\t"), "utf-8", ["--preset", "amazon"],
         [("112-1234567-1234567", [2, 3], "fr", "Bonjour Chloé, Blue mug + Tea towel avant 2026-12-03.")]),
        ("excel-unicode.txt", table(AMAZON_ROWS, "\t"), "utf-16", ["--preset", "amazon"],
         [("112-1234567-1234567", [2, 3], "fr", "Bonjour Chloé, Blue mug + Tea towel avant 2026-12-03.")]),
        ("woo.csv", table(WOO_ROWS), "utf-8", ["--preset", "woo"],
         [("501", [2], "de", "Hallo Ana, Blue mug bis 2026-12-03.")]),
        ("own.jsonl", '{"order_id": "A1", "name": "Zoë", "items": ["cup, blue", "saucer"], "country": "CH"}\n\n'
                      '{"order_id": "A2", "name": "Li", "items": "lamp", "lang": "fr"}\n', "utf-8", [],
         [("A1", [1], "de", "Hallo Zoë, cup, blue + saucer bis 2026-12-03."),
          ("A2", [3], "fr", "Bonjour Li, lamp avant 2026-12-03.")]),
        ("mapped.csv", table([["Order", "Buyer", "Product", "Sprache"], ["7", "Ola", "Mug", "de"]]), "utf-8",
         ["--map", "order_id=Order", "--map", "name=Buyer", "--map", "items=Product", "--lang-column", "Sprache"],
         [("7", [2], "de", "Hallo Ola, Mug bis 2026-12-03.")]),
        ("where.csv", table(SHOPIFY_ROWS), "utf-8", ["--preset", "shopify", "--where", "Fulfillment Status=UNFULFILLED"],
         [("#1001", [2, 3], "de", "Hallo Jürgen Groß, Blue mug, large + Tea towel bis 2026-12-03."),
          ("#1003", [5], "fr", "Bonjour Chloé, Lamp avant 2026-12-03.")]),
    ],
    ids=["shopify-multirow-quoted", "semicolons-bom", "ebay", "amazon-tsv", "utf16-bom", "woo", "jsonl", "map-and-lang-column", "where"],
)  # fmt: skip
def test_each_export_gives_one_reply_per_order(
    replykit_bin: str, make_pack: MakePack, tmp_path: Path, name: str, content: str, encoding: str,
    args: list[str], expected: list[tuple[str, list[int], str, str]],
) -> None:  # fmt: skip
    pack = make_pack(PACK)
    export = tmp_path / name
    export.write_bytes(content.encode(encoding))
    result = batch(replykit_bin, pack, str(export), *args, *DATE)
    assert result.returncode == 0, result.stderr
    got = [(r["order_id"], r["rows"], r["lang"], r["body"].strip()) for r in records(result.stdout)]
    assert got == expected
    assert "Traceback" not in result.stderr and "0 rejected" in result.stderr


@pytest.mark.parametrize(
    ("content", "args", "code", "message"),
    [
        (b"", [], errors.INVALID_VALUE, "is empty: an export starts with a header row"),
        (b"Name,Email\n", ["--preset", "shopify", "--map", "name=Email"], 0, "has a header and no orders"),
        (b"Name;Email;Lineitem name\n#1;a@example.com;Mug\n", ["--preset", "shopify"], errors.USAGE,
         "--preset shopify reads name from 'Billing Name' or 'Shipping Name', and the file has none"),
        (table([["Name", "Billing Nmae"], ["#1", "A"]]).encode(), ["--preset", "shopify"], errors.USAGE,
         "(did you mean Billing Nmae?)"),
        (table([["Order", "Buyer"], ["1", "A"]]).encode(), ["--map", "name=Byer", "--where", "Stauts=x"], errors.USAGE,
         "lacks 2 columns"),
        ("Name,Billing Name\n#1,Jürgen\n".encode("cp1252"), [], errors.INVALID_VALUE,
         "is not UTF-8 (byte 0xFC at offset 22)"),
        ("Name,Billing Name\n#1,A\n".encode("utf-16-le"), [], errors.INVALID_VALUE, "UTF-16 text without a byte-order mark"),
        (b"name\nA\n", ["--lang", "de", "--lang-column", "x"], errors.USAGE, "--lang and --lang-column exclude each other"),
    ],
    ids=["empty", "header-only", "missing-column", "closest-header", "every-missing-column-at-once", "windows-1252",
         "utf16-without-bom", "lang-and-lang-column"],
)  # fmt: skip
def test_problems_with_the_whole_export_stop_before_any_row(
    replykit_bin: str, make_pack: MakePack, tmp_path: Path, content: bytes, args: list[str], code: int, message: str
) -> None:
    export = tmp_path / "orders.csv"
    export.write_bytes(content)
    result = batch(replykit_bin, make_pack(PACK), str(export), *args, *DATE)
    assert (result.returncode, result.stdout) == (code, ""), result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_the_encoding_error_says_how_to_convert(replykit_bin: str, make_pack: MakePack, tmp_path: Path) -> None:
    export = tmp_path / "orders.csv"
    export.write_bytes("name\nJürgen\n".encode("cp1252"))
    result = batch(replykit_bin, make_pack(PACK), str(export), *DATE)
    assert "hint: convert it first, for example: iconv -f WINDOWS-1252 -t UTF-8" in result.stderr


BROKEN = table([
    ["order_id", "name", "items", "expected_date", "country"],
    ["1", "Ana", "Mug", "", "DE"],
    ["2", "", "Cup", "", "FR"],
    ["3", "Bo", "Lamp", "2026-13-40", "US"],
    ["4", "Call +49 30 1234 5678", "Cap", "", "US"],
    ["5", "Eve", "Pen", "", "SE"],
])  # fmt: skip


def test_rejected_orders_are_reported_kept_and_the_run_goes_on(
    replykit_bin: str, make_pack: MakePack, tmp_path: Path
) -> None:
    export, rejects = tmp_path / "orders.csv", tmp_path / "rejects.csv"
    export.write_text(BROKEN, encoding="utf-8")
    result = batch(replykit_bin, make_pack(PACK), str(export), "--set", "expected_date=2026-12-03",
                   "--channel", "ebay", "--rejects", str(rejects), "--lang", "fr")  # fmt: skip
    assert result.returncode == errors.ROWS_REJECTED, result.stderr
    written = records(result.stdout)
    assert [(r["order_id"], r["lang"], r["lang_source"], r["lang_fallback"]) for r in written] == [
        ("1", "de", "ship country DE", False),
        ("3", "en", "ship country US", False),
        ("5", "fr", "--lang", True),
    ]
    assert written[2]["notices"][0].startswith("ship country SE reads ") or "SE" in written[2]["notices"][0]
    lines = [line for line in result.stderr.splitlines() if line.startswith("rejected:")]
    assert (
        lines[0] == "rejected: row 3, order 2: missing required field: name (this order's row gives no value; "
        "fill the column, or give every order one with --set FIELD=VALUE)"
    )
    assert lines[1].startswith("rejected: row 5, order 4: the reply breaks 1 rule of ebay") and "[phone]" in lines[1]
    assert result.stderr.splitlines()[-1] == "note: batch: 3 written, 2 rejected"
    kept = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8"))))
    assert kept[0] == ["order_id", "name", "items", "expected_date", "country", "replykit reason"]
    assert [row[:5] for row in kept[1:]] == [
        ["2", "", "Cup", "", "FR"],
        ["4", "Call +49 30 1234 5678", "Cap", "", "US"],
    ]
    assert kept[1][5].startswith("missing required field: name")


def test_a_row_value_wins_over_the_profile_and_loses_to_the_command_line(
    replykit_bin: str, make_pack: MakePack, tmp_path: Path
) -> None:
    pack = make_pack({
        "sig/scenario.yaml": "title: Sig\nsummary: Signed\nfields:\n  name:\n    required: true\n  seller_name:\n    default: ''\n",
        "sig/en.j2": "Subject: Hi\n\nHi {{ name }}, {{ seller_name }}\n",
    })  # fmt: skip
    export = tmp_path / "orders.csv"
    export.write_text(table([["name", "seller_name"], ["Ana", "Jo"], ["Bo", ""]]))
    assert sh(replykit_bin, "config", "set", "seller_name", "Sam").returncode == 0
    args = ["batch", "sig", str(export), "--templates-dir", str(pack)]
    by_row = records(sh(replykit_bin, *args).stdout)
    assert [r["body"] for r in by_row] == ["Hi Ana, Jo\n", "Hi Bo, Sam\n"]
    by_cli = records(sh(replykit_bin, *args, "--seller-name", "Kim").stdout)
    assert [r["body"] for r in by_cli] == ["Hi Ana, Kim\n", "Hi Bo, Kim\n"]


def test_a_bad_json_line_is_rejected_with_its_line_and_kept(
    replykit_bin: str, make_pack: MakePack, tmp_path: Path
) -> None:
    export, rejects = tmp_path / "orders.jsonl", tmp_path / "rejects.jsonl"
    export.write_text('{"order_id": "1", "name": "Ana"}\n{"order_id": 2, name}\n{"order_id": 3, "name": "Bo"}\n')
    result = batch(replykit_bin, make_pack(PACK), str(export), *DATE, "--rejects", str(rejects))
    assert result.returncode == errors.ROWS_REJECTED
    assert [r["order_id"] for r in records(result.stdout)] == ["1", "3"]
    assert "rejected: line 2: not JSON" in result.stderr
    assert json.loads(rejects.read_text())["_line"] == '{"order_id": 2, name}'


def test_stdin_and_csv_output(replykit_bin: str, make_pack: MakePack) -> None:
    text = table([["order_id", "name", "items"], ["1", "Ana", "Mug"], ["1", "", "Cup"]])
    result = batch(replykit_bin, make_pack(PACK), "-", *DATE, "--format", "csv", stdin=text)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["order_id"], r["rows"], r["subject"], r["items"]) for r in rows] == [("1", "2-3", "Order 1", "Mug, Cup")]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_existing_output_is_replaced_only_with_force(
    replykit_bin: str, make_pack: MakePack, tmp_path: Path, fmt: str
) -> None:
    export, output, rejects = tmp_path / "orders.csv", tmp_path / f"out.{fmt}", tmp_path / "rejects.csv"
    export.write_text(table([["order_id", "name"], ["1", "Ana"], ["2", ""]]))
    output.write_text("keep me")
    rejects.write_text("keep me too")
    pack = make_pack(PACK)
    refused = batch(replykit_bin, pack, str(export), *DATE, "--format", fmt, "-o", str(output))
    assert refused.returncode == errors.INPUT_OUTPUT and "the file exists" in refused.stderr
    assert output.read_text() == "keep me"
    refused = batch(replykit_bin, pack, str(export), *DATE, "--format", fmt, "-o", str(tmp_path / "new"),
                    "--rejects", str(rejects))  # fmt: skip
    assert refused.returncode == errors.INPUT_OUTPUT and not (tmp_path / "new").exists()
    done = batch(replykit_bin, pack, str(export), *DATE, "--format", fmt, "-o", str(output), "--rejects",
                 str(rejects), "--force")  # fmt: skip
    assert (done.returncode, done.stdout) == (errors.ROWS_REJECTED, "")
    assert "Hello Ana" in output.read_text() and rejects.read_text().startswith("order_id,name,replykit reason")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_rejects_keep_the_exports_form(replykit_bin: str, make_pack: MakePack, tmp_path: Path) -> None:
    export, rejects = tmp_path / "orders.txt", tmp_path / "rejects.txt"
    export.write_bytes(table([["order_id", "name"], ["1", ""]], "\t").encode("utf-16"))
    result = batch(replykit_bin, make_pack(PACK), str(export), *DATE, "--rejects", str(rejects))
    assert result.returncode == errors.ROWS_REJECTED
    assert rejects.read_bytes().startswith(b"\xff\xfe")
    assert rejects.read_text(encoding="utf-16").splitlines()[0] == "order_id\tname\treplykit reason"


def test_the_python_api(make_pack: MakePack, tmp_path: Path) -> None:
    from replykit.batch.model import Rejected, Written
    from replykit.batch.run import BatchRequest, compose_reply, run_batch

    pack = make_pack(PACK)
    reply = compose_reply("notice", {"name": "Ana", "expected_date": "2026-12-03"}, lang="de", templates_dirs=[pack])
    assert reply.reply.body == "Hallo Ana,  bis 2026-12-03.\n"
    export = tmp_path / "orders.csv"
    export.write_text(table([["order_id", "name"], ["1", "Ana"], ["2", ""]]))
    request = BatchRequest("notice", str(export), assignments=("expected_date=2026-12-03",), templates_dirs=(pack,))
    items = list(run_batch(request))
    assert [type(i) for i in items] == [Written, Rejected]
    assert isinstance(items[1], Rejected) and items[1].code == errors.MISSING_FIELDS


def test_the_batch_options_table_is_the_command() -> None:
    from typer.main import get_command

    from replykit.cli.app import app
    from replykit.options import BATCH

    command = get_command(app).commands["batch"]  # type: ignore[attr-defined]
    declared = {flag for p in command.params for flag in p.opts if flag.startswith("-")}
    assert {flag for o in BATCH for flag in o.flags} == declared | {"--help", "-h", "--templates-dir"}


class _RefusingWriter:
    """A writer that cannot make a message for order 2, as a mail writer refusing a header would."""

    def __init__(self) -> None:
        self.written: list[str] = []
        self.state = "open"

    def write(self, item: Any) -> None:
        if item.order.order_id == "2":
            raise errors.UnsafeHeader("to: the address holds a line break")
        self.written.append(item.order.order_id)

    def commit(self) -> None:
        self.state = "committed"

    def abort(self) -> None:
        self.state = "aborted"


def test_an_order_the_writer_refuses_is_rejected_and_the_run_goes_on(make_pack: MakePack, tmp_path: Path) -> None:
    from replykit.batch.run import BatchRequest, run_batch, write_batch

    pack = make_pack(PACK)
    export = tmp_path / "orders.csv"
    export.write_text(table([["order_id", "name"], ["1", "Ana"], ["2", "Bo"], ["3", "Cy"]]))
    request = BatchRequest("notice", str(export), assignments=("expected_date=2026-12-03",), templates_dirs=(pack,))
    writer, seen = _RefusingWriter(), []
    summary = write_batch(run_batch(request), writer, on_rejected=seen.append)
    assert (summary.written, summary.rejected, writer.state, writer.written) == (2, 1, "committed", ["1", "3"])
    assert [(r.order.order_id, r.code) for r in seen] == [("2", errors.UNSAFE_HEADER)]


def test_a_fixed_rejects_file_runs_again_as_it_is(replykit_bin: str, make_pack: MakePack, tmp_path: Path) -> None:
    """The reason column feeds no field (not even one named `reason`) and is not added twice."""
    files = {**PACK, "notice/scenario.yaml": PACK["notice/scenario.yaml"] + "  reason:\n            default: ''\n"}
    files["notice/en.j2"] = files["notice/en.j2"].replace(".\n", "{% if reason %} ({{ reason }}){% endif %}.\n")
    pack = make_pack(files)
    export, rejects, again = tmp_path / "orders.csv", tmp_path / "rejects.csv", tmp_path / "again.csv"
    export.write_text(table([["order_id", "name"], ["1", "Ana"], ["2", ""]]), encoding="utf-8")
    result = batch(replykit_bin, pack, str(export), *DATE, "--rejects", str(rejects))
    assert result.returncode == errors.ROWS_REJECTED, result.stderr
    result = batch(replykit_bin, pack, str(rejects), *DATE, "--rejects", str(again))
    assert result.returncode == errors.ROWS_REJECTED, result.stderr
    assert again.read_text(encoding="utf-8").splitlines()[0] == "order_id,name,replykit reason"
    rejects.write_text(rejects.read_text(encoding="utf-8").replace("2,,", "2,Bo,"), encoding="utf-8")
    result = batch(replykit_bin, pack, str(rejects), *DATE)
    assert result.returncode == 0, result.stderr
    assert [r["body"] for r in records(result.stdout)] == ["Hello Bo,  by 2026-12-03.\n"]


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        ([], errors.MISSING_FIELDS, "missing required field: expected_date: no option, profile key or column gives it"),
        (["--set", "expected_date=2026-12-03", "--set", "mode=fast", "--channel", "ebay"], errors.CHANNEL_RULES,
         "notice with --mode fast may not be sent on ebay"),
        (["--set", "expected_date=2026-12-03", "--channel", "ebay"], errors.CHANNEL_RULES,
         "notice with --mode fast may not be sent on ebay"),  # the default, which no column overrides
    ],
    ids=["required-field-nothing-gives", "refused-choice-on-the-command-line", "refused-default"],
)  # fmt: skip
def test_what_would_reject_every_order_stops_before_any_row(
    replykit_bin: str, make_pack: MakePack, tmp_path: Path, args: list[str], code: int, says: str
) -> None:
    files = {**PACK}
    files["notice/scenario.yaml"] = PACK["notice/scenario.yaml"].replace(
        "        fields:\n",
        "        refuse:\n          - channels: [ebay]\n            when: {mode: fast}\n            reason: not on eBay\n"
        "        fields:\n          mode:\n            choices: [fast, slow]\n            default: fast\n",
    )
    export = tmp_path / "orders.csv"
    export.write_text(table([["order_id", "name"], ["1", "Ana"], ["2", "Bo"]]), encoding="utf-8")
    result = batch(replykit_bin, make_pack(files), str(export), *args)
    assert (result.returncode, result.stdout) == (code, ""), result.stderr
    assert says in result.stderr and "rejected:" not in result.stderr


def test_json_lines_values_that_are_not_text(replykit_bin: str, make_pack: MakePack, tmp_path: Path) -> None:
    export = tmp_path / "orders.jsonl"
    export.write_text(
        '{"order_id": "1", "name": {"first": "Ana"}}\n{"order_id": "2", "name": true}\nnot json\n', encoding="utf-8"
    )
    result = batch(replykit_bin, make_pack(PACK), str(export), *DATE)
    assert result.returncode == errors.ROWS_REJECTED
    rejected = [line for line in result.stderr.splitlines() if line.startswith("rejected:")]
    assert rejected == [
        "rejected: line 1, order 1: 'name' holds an object; the field name takes text",
        "rejected: line 3: not JSON: Expecting value: line 1 column 1 (char 0)",
    ]
    assert [r["body"] for r in records(result.stdout)] == ["Hello true,  by 2026-12-03.\n"]


def test_an_order_past_the_row_limit_stops_the_run_with_nothing_lost(
    replykit_bin: str, make_pack: MakePack, tmp_path: Path
) -> None:
    """Memory holds one order's rows: an order that goes on past the limit stops the run, none are dropped."""
    from replykit.limits import MAX_ORDER_ROWS

    export, out, rejects = tmp_path / "orders.csv", tmp_path / "out.jsonl", tmp_path / "rejects.csv"
    rows = [["order_id", "name", "items"], ["1", "Ana", "Cup"], *([["", "", "Cup"]] * (MAX_ORDER_ROWS + 5))]
    export.write_text(table(rows), encoding="utf-8")
    result = batch(replykit_bin, make_pack(PACK), str(export), *DATE, "-o", str(out), "--rejects", str(rejects))
    assert result.returncode == errors.INVALID_VALUE, result.stderr
    assert f"order 1 goes on past {MAX_ORDER_ROWS:,} rows (from row 2 to {MAX_ORDER_ROWS + 2})" in result.stderr
    assert not out.exists() and not rejects.exists()


def test_an_order_id_cannot_forge_a_line_on_stderr(replykit_bin: str, make_pack: MakePack, tmp_path: Path) -> None:
    export = tmp_path / "orders.csv"
    export.write_text(table([["order_id", "name"], ["#9\nnote: batch: 0 written, 0 rejected", ""]]), encoding="utf-8")
    result = batch(replykit_bin, make_pack(PACK), str(export), *DATE)
    assert result.returncode == errors.ROWS_REJECTED
    lines = result.stderr.splitlines()
    assert lines[0].startswith("rejected: row 2, order #9\\nnote: batch: 0 written, 0 rejected: ")
    assert lines[1:] == ["note: batch: 0 written, 1 rejected"]


def test_sigterm_leaves_no_temporary_output(replykit_bin: str, make_pack: MakePack, tmp_path: Path) -> None:
    import signal
    import subprocess
    import time

    export, out = tmp_path / "orders.csv", tmp_path / "out.jsonl"
    export.write_text(table([["order_id", "name"], *([str(n), "Ana"] for n in range(200_000))]), encoding="utf-8")
    command = [
        replykit_bin,
        "batch",
        "notice",
        str(export),
        *DATE,
        "-o",
        str(out),
        "--templates-dir",
        str(make_pack(PACK)),
    ]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not any(p.name.startswith(".out.jsonl.") for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == errors.INTERRUPTED, stderr
    assert b"stopped by SIGTERM" in stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "pack0") == ["orders.csv"]


def test_a_public_reply_is_not_made_into_mail_drafts(replykit_bin: str, tmp_path: Path) -> None:
    export = tmp_path / "orders.csv"
    export.write_text(table([["order_id", "issue", "to"], ["1", "it came late", "a@example.com"]]), encoding="utf-8")
    result = sh(replykit_bin, "batch", "negative-review", str(export), "--format", "mbox", "--from", "s@example.com")
    assert (result.returncode, result.stdout) == (errors.USAGE, ""), result.stderr
    assert "negative-review is a public reply" in result.stderr and "rejected:" not in result.stderr
