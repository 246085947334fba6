"""How fast ``replykit batch`` writes replies, against a bare loop doing the same work; and its peak memory.

Not a test: timings are noisy, so this prints figures for the README instead of asserting.

- Generates N Shopify-style orders (default 50,000; one to three rows each, the order's
  columns blank on continuation rows), shipped to the United States so every reply is English.
- Times ``replykit batch late-delivery ORDERS --preset shopify --format jsonl -o FILE`` (the
  installed command, a subprocess, start-up included) against a bare in-process loop:
  ``csv.DictReader``, the same late-delivery template rendered by a plain Jinja2 environment
  with the same values (a Babel date filter, the signature partial), ``json.dumps`` per order
  to a file. Runs are interleaved; medians are reported, and the ratio of rows per second.
- Peak memory (max RSS) of ``replykit batch`` at 10,000 and 100,000 orders: flat when the input
  is streamed.
- The mail formats on their own export (default 10,000 orders): ``--format jsonl``, ``mbox``
  and ``maildir`` interleaved, medians in orders per second, and the peak memory of mbox and
  maildir at that size and ten times it.

    python benchmarks/batch.py [--orders 50000] [--runs 5] [--mail-orders 10000] [--mail-only]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
HEADER = ["Name", "Email", "Financial Status", "Fulfillment Status", "Currency", "Total", "Created at",
          "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku", "Billing Name", "Shipping Name",
          "Shipping City", "Shipping Country", "Notes"]  # fmt: skip
PRODUCTS = ["Blue mug", "Tea towel, striped", "Linen napkin", "Oak board", "Café au lait bowl", 'Candle "Fig"']
NAMES = ["Alice Martin", "Bob Smith", "Zoë Brontë", "José Núñez", "Chloé Dubois", "Jürgen Groß"]
DATE = "2026-12-03"


def generate(path: Path, orders: int) -> int:
    """Write ``orders`` Shopify-style orders; returns the number of rows."""
    rng = random.Random(7)
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for number in range(1001, 1001 + orders):
            name = rng.choice(NAMES)
            for item in range(rng.choice((1, 1, 2, 3))):
                product = rng.choice(PRODUCTS)
                first = item == 0
                out.writerow([
                    f"#{number}", f"buyer{number}@example.com" if first else "", "paid" if first else "",
                    "unfulfilled" if first else "", "USD" if first else "", "42.50" if first else "",
                    "2026-11-20 10:00:00 +0100" if first else "", "1", product, "12.50", f"SKU-{item}",
                    name if first else "", name if first else "", "Boston" if first else "", "US" if first else "",
                    "Leave at the door,\nplease" if first and number % 10 == 0 else "",
                ])  # fmt: skip
                rows += 1
    return rows


def bare_loop(orders: Path, out: Path) -> None:
    """The least a Python script does for the same result: read, group by order, render, dump JSON."""
    from babel.dates import format_date
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["date"] = lambda value, fmt="long": format_date(value, format=fmt, locale="en")
    source = (TEMPLATES / "late-delivery" / "en.j2").read_text(encoding="utf-8")
    subject_line, _, body = source.partition("\n\n")
    subject_t = env.from_string(subject_line.removeprefix("Subject: "))
    body_t = env.from_string(body)
    from datetime import date

    expected = date.fromisoformat(DATE)

    def emit(order: dict[str, str], handle: object) -> None:
        values = {"name": order["Billing Name"], "order_id": order["Name"], "tracking_number": "", "carrier": "",
                  "expected_date": expected, "remedy": "reship-or-refund",
                  "seller_name": "", "store_name": ""}  # fmt: skip
        record = {"order_id": order["Name"], "to": [order["Email"]], "lang": "en",
                  "subject": subject_t.render(values), "body": body_t.render(values),
                  "values": {**values, "expected_date": DATE}}  # fmt: skip
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")  # type: ignore[attr-defined]

    with orders.open(newline="", encoding="utf-8") as source_file, out.open("w", encoding="utf-8") as handle:
        current: dict[str, str] | None = None
        for row in csv.DictReader(source_file):
            if current is not None and row["Name"] == current["Name"]:
                continue
            if current is not None:
                emit(current, handle)
            current = row
        if current is not None:
            emit(current, handle)


def replykit_command(replykit: str, orders: Path, out: Path, fmt: str = "jsonl") -> list[str]:
    sender = ["--from", "Harbour Shop <shop@example.com>"] if fmt in ("mbox", "maildir", "eml") else []
    return [replykit, "batch", "late-delivery", str(orders), "--preset", "shopify", "--set", f"expected_date={DATE}",
            "--format", fmt, *sender, "-o", str(out), "--force"]  # fmt: skip


def timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def peak_rss_mb(command: list[str]) -> float:
    """Max RSS of one run of ``command``, in MiB (a fresh Python process waits for it alone)."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True)
    return int(result.stdout.split()[-1]) / 1024


def mail_formats(replykit: str, tmp: Path, count: int, runs: int, *, memory: bool) -> None:
    """Orders per second of jsonl, mbox and maildir on one export of ``count`` orders, interleaved; then
    the peak memory of mbox and maildir at ``count`` and ten times as many orders."""
    orders = tmp / "mail-orders.csv"
    rows = generate(orders, count)
    print(f"mail formats: {count:,} orders, {rows:,} rows")
    formats = ("jsonl", "mbox", "maildir")
    times: dict[str, list[float]] = {fmt: [] for fmt in formats}
    subprocess.run(replykit_command(replykit, orders, tmp / "warm.jsonl"), check=True, capture_output=True)
    for _ in range(runs):
        for fmt in formats:
            command = replykit_command(replykit, orders, tmp / f"mail-out.{fmt}", fmt)
            times[fmt].append(timed(lambda: subprocess.run(command, check=True, capture_output=True)))  # noqa: B023
    for fmt in formats:
        seconds = statistics.median(times[fmt])
        print(f"replykit batch {fmt:<7} median {seconds:7.2f} s  {count / seconds:9,.0f} orders/s")
    if memory:
        for size in (count, count * 10):
            generate(orders, size)
            for fmt in ("mbox", "maildir"):
                mib = peak_rss_mb(replykit_command(replykit, orders, tmp / f"mem.{fmt}", fmt))
                print(f"peak memory, {fmt:<7} at {size:>7,} orders: {mib:6.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--mail-orders", type=int, default=10_000)
    parser.add_argument("--mail-only", action="store_true", help="measure only the mail formats")
    args = parser.parse_args()
    replykit = shutil.which("replykit", path=str(Path(sys.executable).parent)) or shutil.which("replykit")
    if replykit is None:
        sys.exit("replykit is not installed (pip install .)")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        mail_formats(replykit, tmp, args.mail_orders, args.runs, memory=not args.skip_memory)
        if args.mail_only:
            return
        orders = tmp / "orders.csv"
        rows = generate(orders, args.orders)
        print(f"{args.orders:,} orders, {rows:,} rows, {orders.stat().st_size / 2**20:.1f} MiB")
        subprocess.run(replykit_command(replykit, orders, tmp / "warm.jsonl"), check=True)  # warm the template cache
        ours: list[float] = []
        bare: list[float] = []
        for _ in range(args.runs):
            ours.append(timed(lambda: subprocess.run(replykit_command(replykit, orders, tmp / "r.jsonl"), check=True)))
            bare.append(timed(lambda: bare_loop(orders, tmp / "b.jsonl")))
        ours_median, bare_median = statistics.median(ours), statistics.median(bare)
        print(f"replykit batch jsonl  median {ours_median:7.2f} s  {args.orders / ours_median:9,.0f} orders/s")
        print(f"bare loop             median {bare_median:7.2f} s  {args.orders / bare_median:9,.0f} orders/s")
        print(f"ratio replykit / bare (orders per second): {bare_median / ours_median:.2f}")
        for fmt in ("csv", "mbox", "maildir"):
            target = tmp / f"out.{fmt}"
            run = subprocess.run(replykit_command(replykit, orders, target, fmt), capture_output=True, text=True)
            if run.returncode != 0:
                print(f"--format {fmt}: not measured ({run.stderr.strip().splitlines()[0]})")
                continue
            seconds = timed(lambda: subprocess.run(replykit_command(replykit, orders, target, fmt), check=True))  # noqa: B023
            print(f"replykit batch {fmt:<7} {seconds:7.2f} s  {args.orders / seconds:9,.0f} orders/s")
        if not args.skip_memory:
            for count in (10_000, 100_000):
                generate(orders, count)
                mib = peak_rss_mb(replykit_command(replykit, orders, tmp / "m.jsonl"))
                print(f"peak memory at {count:>7,} orders: {mib:6.1f} MiB")


if __name__ == "__main__":
    main()
