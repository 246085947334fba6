"""Start-up benchmark: `replykit render missing-items` against two baselines on the same template.

Run by hand (not part of the tests), from a virtual environment where replykit is installed:

    pip install jinja2-cli
    python benchmarks/startup.py [--runs 20]

It times `replykit render missing-items --name Alice` (and the same with `--data FILE`, in
German with `--lang de`, with a negotiated tag `--lang de-AT` that falls back to German, and a
German refund whose amount Babel formats) against two baselines that render the same template
text (the built-in English missing-items body and the signature partial it includes) with the
same data file:

- a bare script, `python bare.py DATA TEMPLATE`, which imports Jinja2 and PyYAML, loads the
  data with `yaml.safe_load` and renders the template to stdout: the least a Python command
  can pay (the interpreter start with its site import, Jinja2, PyYAML, one compile);
- `jinja2 TEMPLATE DATA` from jinja2-cli, a ready-made command for the same job (skipped, with
  a note, when it is not installed).

Both baselines run with the interpreter of the virtual environment, as `replykit` does. Runs
are interleaved (each round runs every command once, the order rotating from round to round)
so that machine load affects all alike; the script prints the median of each and, for every
replykit case, the ratios replykit / bare script and replykit / jinja2-cli (below 1.0 means
replykit starts faster).
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

MIN_RUNS = 20

# The same job as the baselines, written as a user would: import, load, render, print.
BARE_SCRIPT = """\
import os
import sys

import jinja2
import yaml

data_path, template_path = sys.argv[1], sys.argv[2]
with open(data_path, encoding="utf-8") as f:
    data = yaml.safe_load(f)
with open(template_path, encoding="utf-8") as f:
    source = f.read()
# The same settings as jinja2-cli: includes resolve beside the template, the final newline is kept.
env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.dirname(template_path)), keep_trailing_newline=True)
sys.stdout.write(env.from_string(source).render(**data))
"""

# The built-in library sits at the top of the repository; installs ship a copy of it.
LIBRARY = Path(__file__).resolve().parents[1] / "templates"

BARE = "bare script"
JINJA2_CLI = "jinja2-cli"


def run(cmd: list[str], cwd: Path) -> tuple[float, bytes]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr.decode()}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=MIN_RUNS, help=f"runs of each command (at least {MIN_RUNS})")
    args = parser.parse_args()
    runs = max(args.runs, MIN_RUNS)
    bindir = Path(sys.executable).parent
    replykit = shutil.which("replykit", path=str(bindir))
    if not replykit:
        sys.exit(f"no replykit console script in {bindir}: pip install . first")
    jinja2 = shutil.which("jinja2", path=str(bindir))
    if not jinja2:
        print(f"note: no jinja2 console script in {bindir}, skipping the jinja2-cli baseline", file=sys.stderr)
        print("      (pip install jinja2-cli to time it)", file=sys.stderr)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # The same template text for the baselines: the body of missing-items/en.j2 (after its
        # Subject line and blank line) and the partials it includes, at the same relative path.
        source = (LIBRARY / "missing-items" / "en.j2").read_text(encoding="utf-8")
        template = work / "missing-items.j2"
        template.write_text(source.split("\n", 2)[2], encoding="utf-8")
        shutil.copytree(LIBRARY / "_partials", work / "_partials")
        data = work / "buyer.yaml"
        data.write_text("name: Alice\n", encoding="utf-8")
        bare = work / "bare.py"
        bare.write_text(BARE_SCRIPT, encoding="utf-8")

        rk = [replykit, "render"]
        euros = ["--amount", "12.50", "--currency", "EUR"]
        commands = {
            "replykit": [*rk, "missing-items", "--name", "Alice"],
            "replykit --data": [*rk, "missing-items", "--data", str(data)],
            "replykit --lang de": [*rk, "missing-items", "--name", "Alice", "--lang", "de"],
            "replykit --lang de-AT": [*rk, "missing-items", "--name", "Alice", "--lang", "de-AT"],
            "replykit de money": [*rk, "refund-issued", "--name", "Alice", "--lang", "de", *euros],
            BARE: [sys.executable, str(bare), str(data), str(template)],
        }
        if jinja2:
            commands[JINJA2_CLI] = [jinja2, str(template), str(data)]

        # Warm-up (byte-code and template caches, disk cache), and a check that both baselines
        # print the same text, so that neither ratio compares against a broken render.
        outputs = {name: run(cmd, work)[1] for name, cmd in commands.items()}
        if jinja2 and outputs[BARE] != outputs[JINJA2_CLI]:
            sys.exit("the bare script and jinja2-cli print different text; the baselines do not do the same job")

        names = list(commands)
        times: dict[str, list[float]] = {name: [] for name in names}
        for round_ in range(runs):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                times[name].append(run(commands[name], work)[0])

    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    width = max(map(len, names))
    for name in names:
        print(f"{name:<{width}}  median {medians[name]:7.1f} ms over {len(times[name])} runs")
    baselines = [BARE, JINJA2_CLI] if jinja2 else [BARE]
    labels = {
        (name, base): f"ratio {name} / {base}:" for name in names if name.startswith("replykit") for base in baselines
    }
    label_width = max(map(len, labels.values()))
    for (name, base), label in labels.items():
        print(f"{label:<{label_width}}  {medians[name] / medians[base]:.2f}")


if __name__ == "__main__":
    main()
