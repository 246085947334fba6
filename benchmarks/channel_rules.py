"""Channel rules: precision and recall per rule family over the corpus, and the time lint takes.

Run by hand (not part of the tests), from a virtual environment where replykit is installed:

    python benchmarks/channel_rules.py [--runs 2000]

A text's findings are the rules ``lint`` reports for it on any channel (each rule applies on at
least one), without the rules that depend on lint's options (length, order ids, languages),
which the corpus does not label. Against the corpus labels (tests/data/channel_corpus.yaml;
compliant texts have none), per rule and per family: true positives, false positives, false
negatives, precision and recall; once over all texts and once over the held-out texts only.
A family's figures add up its rules' counts.

Timing: ``lint`` on a reply of about 2,000 characters (compliant corpus texts in several
languages, joined) on every channel, after four calls on other texts: the first compiles only
what its text can match, the fourth the whole patterns, as in a process that lints many
replies; the median and the slowest of ``--runs`` calls per channel. What one cold reply costs
against a render without a channel is in benchmarks/lint_cold.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "channel_corpus.yaml"
OPTION_RULES = {"length", "order-id", "order-id-format", "language", "channel-language"}


def detected(text: str) -> set[str]:
    from replykit.channels.lint import lint
    from replykit.channels.rules import CHANNELS

    return {f.rule for channel in CHANNELS for f in lint(text, channel=channel)} - OPTION_RULES


def counts(cases: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    """Per rule: Counter of tp, fp, fn over the cases."""
    from replykit.channels.rules import RULES

    table = {rule.id: Counter[str]() for rule in RULES if rule.id not in OPTION_RULES}
    for case in cases:
        found, labels = detected(case["text"]), set(case.get("rules", ()))
        for rule, counter in table.items():
            counter["tp"] += rule in found and rule in labels
            counter["fp"] += rule in found and rule not in labels
            counter["fn"] += rule not in found and rule in labels
    return table


def ratio(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}" if whole else "    -"


def row(name: str, counter: Counter[str]) -> str:
    tp, fp, fn = counter["tp"], counter["fp"], counter["fn"]
    return f"{ratio(tp, tp + fp)} {ratio(tp, tp + fn)} {tp:3d} {fp:3d} {fn:3d}"


def quality(corpus: dict[str, list[dict[str, Any]]]) -> None:
    from replykit.channels.rules import RULES

    every = corpus["compliant"] + corpus["violating"]
    held_out = [case for case in every if case.get("heldout")]
    all_counts, held_counts = counts(every), counts(held_out)
    print(
        f"corpus: {len(corpus['compliant'])} compliant, {len(corpus['violating'])} violating texts; "
        f"held out: {sum(1 for c in corpus['compliant'] if c.get('heldout'))} compliant, "
        f"{sum(1 for c in corpus['violating'] if c.get('heldout'))} violating"
    )
    head = "    P     R  tp  fp  fn"
    print(f"\n{'family / rule':<22} {'all texts':^24}   {'held-out texts':^24}")
    print(f"{'':<22}{head}  {head}")
    families: dict[str, list[str]] = {}
    for rule in RULES:
        if rule.id not in OPTION_RULES:
            families.setdefault(rule.family, []).append(rule.id)
    for family, rules in families.items():
        total_all = sum((all_counts[r] for r in rules), Counter[str]())
        total_held = sum((held_counts[r] for r in rules), Counter[str]())
        print(f"{family:<22}{row(family, total_all)}  {row(family, total_held)}")
        if len(rules) > 1:
            for rule in rules:
                print(f"  {rule:<20}{row(rule, all_counts[rule])}  {row(rule, held_counts[rule])}")
    grand_all = sum(all_counts.values(), Counter[str]())
    grand_held = sum(held_counts.values(), Counter[str]())
    print(f"{'all rules':<22}{row('all', grand_all)}  {row('all', grand_held)}")
    alarms = [case["id"] for case in corpus["compliant"] if detected(case["text"])]
    print(
        f"\ncompliant texts with a finding on some channel: {len(alarms)}"
        + (f" ({', '.join(alarms)})" if alarms else "")
    )


def speed(corpus: dict[str, list[dict[str, Any]]], runs: int) -> None:
    started = time.perf_counter()
    from replykit.channels.lint import lint
    from replykit.channels.rules import CHANNELS

    imported = time.perf_counter()
    lint("warm-up", channel="amazon")
    first = time.perf_counter()
    for text in ("a second", "a third", "and a fourth warm-up"):
        lint(text, channel="amazon")
    compiled = time.perf_counter()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"\nload average {load} on {os.cpu_count()} CPUs")
    print(
        f"import {1000 * (imported - started):.1f} ms; first lint, which compiles what its text can match, "
        f"{1000 * (first - imported):.0f} ms; the next three, the fourth compiling the whole patterns, "
        f"{1000 * (compiled - first):.0f} ms"
    )
    parts, size = [], 0
    for case in corpus["compliant"]:
        if size >= 2000:
            break
        parts.append(case["text"])
        size += len(case["text"]) + 2
    reply = "\n\n".join(parts)[:2000]
    print(f"lint on a {len(reply):,}-character reply, {runs} runs per channel:")
    for channel in CHANNELS:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            lint(reply, channel=channel, order_id="112-1234567-1234567", reply_lang="en", buyer_lang="en")
            times.append(time.perf_counter() - start)
        print(f"  {channel:<11} median {1e6 * statistics.median(times):7.0f} µs   slowest {1e6 * max(times):7.0f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="lint calls per channel for the timing")
    args = parser.parse_args()
    corpus = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    speed(corpus, args.runs)
    quality(corpus)


if __name__ == "__main__":
    main()
