"""Start-up benchmark: `replykit render missing-items` against jinja2-cli on the same template.

Run by hand (not part of the tests), from a virtual environment where replykit is installed:

    pip install jinja2-cli
    python benchmarks/startup.py [--runs 20]

It times `replykit render missing-items --name Alice` (and the same with `--data FILE`, in
German with `--lang de`, with a negotiated tag `--lang de-AT` that falls back to German, and a
German refund whose amount Babel formats) against `jinja2 TEMPLATE FILE`: the same template
text (the built-in English missing-items body and the signature partial it includes) with the
same data file. Runs are interleaved so that
machine load affects both alike; the script prints the median of each and the ratio
replykit / jinja2-cli (below 1.0 means replykit starts faster).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from replykit.library import builtin_dir


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each command (at least 10)")
    args = parser.parse_args()
    bindir = Path(sys.executable).parent
    replykit, jinja2 = shutil.which("replykit", path=str(bindir)), shutil.which("jinja2", path=str(bindir))
    if not replykit or not jinja2:
        sys.exit("install both first: pip install . jinja2-cli")

    library = builtin_dir()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # The same template text for both: the body of missing-items/en.j2 (after its Subject
        # line and blank line) and the partial it includes, at the same relative path.
        source = (library / "missing-items" / "en.j2").read_text(encoding="utf-8")
        (work / "missing-items.j2").write_text(source.split("\n", 2)[2], encoding="utf-8")
        shutil.copytree(library / "_partials", work / "_partials")
        data = work / "buyer.yaml"
        data.write_text("name: Alice\n", encoding="utf-8")

        commands = {
            "replykit": [replykit, "render", "missing-items", "--name", "Alice"],
            "replykit --data": [replykit, "render", "missing-items", "--data", str(data)],
            "replykit --lang de": [replykit, "render", "missing-items", "--name", "Alice", "--lang", "de"],
            "replykit --lang de-AT": [replykit, "render", "missing-items", "--name", "Alice", "--lang", "de-AT"],
            "replykit de money": [replykit, "render", "refund-issued", "--name", "Alice", "--lang", "de",
                                  "--amount", "12.50", "--currency", "EUR"],
            "jinja2-cli": [jinja2, str(work / "missing-items.j2"), str(data)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for cmd in commands.values():  # warm-up: byte-code and template caches, disk cache
            timed(cmd, work)
        for _ in range(max(args.runs, 10)):
            for name, cmd in commands.items():
                times[name].append(timed(cmd, work))

    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    for name, value in medians.items():
        print(f"{name:<20} median {value:7.1f} ms over {len(times[name])} runs")
    for name in commands:
        if name != "jinja2-cli":
            print(f"ratio {name + ' / jinja2-cli:':<34} {medians[name] / medians['jinja2-cli']:.2f}")


if __name__ == "__main__":
    main()
