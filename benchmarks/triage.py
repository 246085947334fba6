"""How well ``triage`` ranks the library's scenarios for buyers' messages, against two simple baselines.

Reads a corpus (default ``tests/data/triage_corpus.yaml``), a YAML list of messages:

```yaml
- lang: de
  scenario: missing-items          # the right answer
  also: [split-shipment]           # other acceptable answers (optional)
  subject: "Bestellung 302-..."    # optional
  text: "Hallo, im Paket fehlt ..."
```

and prints top-1 and top-3 accuracy, overall and per language, and the time per message, for:

- ``replykit``: ``triage.rank`` with its weights, given the message's language;
- ``flat count``: the same phrases and matcher, but every phrase weighs 1 in every language, no
  subject bonus and no diminishing returns: the scenario with the most distinct phrases found
  wins (a bag of phrases, without language);
- ``English only``: ``rank`` given only each scenario's English triggers.

The language given to ``rank`` is the one ``replykit.inbound.language.identify`` finds in the
message's text, among the library's languages, as ``replykit triage`` does (None below its
confidence floor); ``--given-lang`` gives the corpus's ``lang`` instead. The identifier's own
accuracy on the corpus is printed first. Usage::

    python benchmarks/triage.py [--corpus FILE] [--templates-dir DIR ...] [--given-lang] [--misses]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from replykit.packs.scenario import Scenario
from replykit.packs.yamlio import LineMapping, parse_yaml
from replykit.pipeline import library_for
from replykit.triage import Candidate, Weights, rank

ROOT = Path(__file__).resolve().parents[1]
FLAT = Weights(other_language=1.0, subject=1.0, decay=1.0, specificity=False, shared=False)


@dataclass(frozen=True)
class Message:
    lang: str
    right: frozenset[str]
    subject: str
    text: str


def read_corpus(path: Path) -> list[Message]:
    """The corpus's messages; exits with a message naming the entry when one is malformed."""

    def fail(message: str, line: int | None) -> SystemExit:
        return SystemExit(f"{path}:{line or '?'}: {message}")

    data = parse_yaml(path.read_text(encoding="utf-8"), error=fail)
    if not isinstance(data, list):
        raise fail("expected a list of messages", 1)
    messages = []
    for entry in data:
        if not isinstance(entry, LineMapping) or not entry.get("scenario") or not entry.get("text"):
            raise fail("each message needs lang, scenario and text", getattr(entry, "line", None))
        also = entry.get("also", [])
        also = [also] if isinstance(also, str) else also
        messages.append(
            Message(
                entry.get("lang", ""), frozenset([entry["scenario"], *also]), entry.get("subject", ""), entry["text"]
            )
        )
    return messages


Ranker = Callable[[Message], tuple[Candidate, ...]]


def english_only(scenarios: Sequence[Scenario]) -> list[Scenario]:
    return [
        replace(s, triggers=MappingProxyType({k: v for k, v in s.triggers.items() if k == "en"})) for s in scenarios
    ]


@dataclass
class Score:
    top1: int = 0
    top3: int = 0
    total: int = 0

    def add(self, ranked: tuple[Candidate, ...], right: frozenset[str]) -> tuple[bool, bool]:
        ids = [c.scenario_id for c in ranked]
        one, three = bool(ids[:1]) and ids[0] in right, any(i in right for i in ids[:3])
        self.top1 += one
        self.top3 += three
        self.total += 1
        return one, three

    def cell(self) -> str:
        if not self.total:
            return "-"
        return f"{100 * self.top1 / self.total:5.1f} {100 * self.top3 / self.total:5.1f}"


def evaluate(name: str, ranker: Ranker, messages: list[Message], misses: bool) -> tuple[dict[str, Score], list[float]]:
    """Accuracy per language (and "all"), and the time of each message (seconds) after a warm-up pass."""
    scores: dict[str, Score] = {"all": Score()}
    for message in messages:  # warm-up: phrases parsed and compiled once per process, as in one CLI run
        ranker(message)
    times = []
    for message in messages:
        start = time.perf_counter()
        ranked = ranker(message)
        times.append(time.perf_counter() - start)
        one, _ = scores["all"].add(ranked, message.right)
        scores.setdefault(message.lang, Score()).add(ranked, message.right)
        if misses and not one:
            got = ", ".join(f"{c.scenario_id} {c.score:.2f}" for c in ranked[:3]) or "nothing"
            print(f"  [{name}] {message.lang} want {'/'.join(sorted(message.right))}: got {got}", file=sys.stderr)
    return scores, times


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "data" / "triage_corpus.yaml")
    parser.add_argument("--templates-dir", type=Path, action="append", default=[])
    parser.add_argument("--misses", action="store_true", help="list each top-1 miss on stderr")
    parser.add_argument("--given-lang", action="store_true", help="rank with the corpus's lang, not the identified one")
    args = parser.parse_args(argv)

    messages = read_corpus(args.corpus)
    start = time.perf_counter()
    library = library_for(args.templates_dir)
    loaded, problems = library.load_all()
    load_ms = (time.perf_counter() - start) * 1000
    scenarios = [scenario for _, scenario in loaded]
    known = {s.id for s in scenarios}
    unknown = sorted({i for m in messages for i in m.right} - known)
    if problems or unknown:
        print(f"note: {len(problems)} scenarios failed to load; unknown ids in the corpus: {unknown}", file=sys.stderr)
    with_triggers = [s for s in scenarios if s.triggers]
    phrases = sum(len(p) for s in scenarios for p in s.triggers.values())
    print(
        f"corpus: {len(messages)} messages in {len({m.lang for m in messages})} languages; library: "
        f"{len(scenarios)} scenarios, {len(with_triggers)} with triggers, {phrases} phrases"
        f" (loaded in {load_ms:.0f} ms)"
    )

    from replykit.inbound.language import identify

    languages = sorted({lang for s in scenarios for lang in s.languages})
    found = {m: identify(m.text, among=languages).language for m in messages}
    right = sum(found[m] == m.lang for m in messages)
    unsure = sum(found[m] is None for m in messages)
    print(f"language identified right: {right} of {len(messages)}; below the floor: {unsure}; wrong: "
          f"{len(messages) - right - unsure}")  # fmt: skip
    if args.given_lang:
        found = {m: m.lang for m in messages}

    start = time.perf_counter()
    rank(scenarios, text="cold start", language=None)
    cold_ms = (time.perf_counter() - start) * 1000
    english = english_only(scenarios)
    methods: dict[str, Ranker] = {
        "replykit": lambda m: rank(scenarios, text=m.text, subject=m.subject, language=found[m]),
        "flat count": lambda m: rank(scenarios, text=m.text, subject=m.subject, language=None, weights=FLAT),
        "English only": lambda m: rank(english, text=m.text, subject=m.subject, language=found[m]),
    }
    results = {name: evaluate(name, ranker, messages, args.misses) for name, ranker in methods.items()}

    langs = ["all", *sorted({m.lang for m in messages})]
    print(f"\n{'top-1 / top-3 %':<16}" + "".join(f"{name:>16}" for name in methods))
    for lang in langs:
        print(
            f"{lang:<16}"
            + "".join(f"{results[name][0].get(lang, Score()).cell():>16}" for name in methods)
            + f"   ({results['replykit'][0].get(lang, Score()).total} msgs)"
        )
    print(f"{'µs per message':<16}" + "".join(f"{statistics.median(t) * 1e6:>16.0f}" for _, t in results.values()))
    print(f"(median after a warm-up; the first call, parsing every phrase, took {cold_ms:.1f} ms)")
    ours = results["replykit"][0]["all"]
    for name in list(methods)[1:]:
        base = results[name][0]["all"]
        ratios = [f"{a / b:.2f}" if b else "inf" for a, b in ((ours.top1, base.top1), (ours.top3, base.top3))]
        print(f"ratio replykit / {name}: top-1 {ratios[0]}, top-3 {ratios[1]}")


if __name__ == "__main__":
    main()
