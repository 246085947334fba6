"""Cold lint: one `replykit render ... --channel amazon` against the same render without a channel.

Run by hand (not part of the tests), from a virtual environment where replykit is installed:

    python benchmarks/lint_cold.py [--runs 15] [--callgrind]

Each run is a new process, so it pays what a user pays per reply: the start-up, the render and,
with a channel, compiling the patterns lint needs for that reply. Runs are interleaved (the order
alternating from round to round) so that machine load affects both alike; the script prints the
median wall time of each and the ratio channel / plain (1.0 would mean lint costs nothing).
``--callgrind`` also counts the instructions of one run of each under valgrind's callgrind, which
a busy machine does not blur, and prints their ratio.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLAIN = ["render", "missing-items", "--name", "Alice"]
CASES = {"plain": PLAIN, "amazon": [*PLAIN, "--channel", "amazon"]}


def command(args: list[str]) -> list[str]:
    """The installed entry point, run by the interpreter of this environment."""
    replykit = shutil.which("replykit", path=str(Path(sys.executable).parent))
    if replykit is None:
        sys.exit("replykit is not installed in this environment")
    return [sys.executable, replykit, *args]


def wall(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command(args), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def instructions(args: list[str]) -> int:
    """Instructions one run executes, as callgrind counts them."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command(args)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
    found = re.search(r"Collected : (\d+)", run.stderr)
    if found is None:
        sys.exit("callgrind reported no instruction count")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command")
    parser.add_argument("--callgrind", action="store_true", help="also count instructions under callgrind")
    args = parser.parse_args()
    for args_ in CASES.values():
        wall(args_)  # warm the file cache and write the bytecode
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for round_ in range(args.runs):
        names = list(CASES) if round_ % 2 == 0 else list(reversed(CASES))
        for name in names:
            times[name].append(wall(CASES[name]))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, args_ in CASES.items():
        print(f"{name:<7} {medians[name] * 1000:7.0f} ms median of {args.runs}   replykit {' '.join(args_)}")
    print(f"ratio amazon / plain: {medians['amazon'] / medians['plain']:.2f}")
    if args.callgrind:
        if shutil.which("valgrind") is None:
            sys.exit("valgrind is not installed")
        counts = {name: instructions(args_) for name, args_ in CASES.items()}
        for name, count in counts.items():
            print(f"{name:<7} {count:>15,} instructions")
        print(f"ratio amazon / plain: {counts['amazon'] / counts['plain']:.2f}")


if __name__ == "__main__":
    main()
