"""Print built-in replies in one language, for reviewing a translation.

    python scripts/preview.py de                  # every scenario, example values
    python scripts/preview.py de late-delivery    # one scenario
    python scripts/preview.py de --all            # also required-only and every choice

Each reply is rendered three ways with --all: with the scenario's example values,
with its required fields only, and once per choice of each choice field.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from replykit.errors import ReplykitError
from replykit.packs.fields import resolve_values
from replykit.packs.library import Library, search_path
from replykit.packs.scenario import Scenario, example_values
from replykit.rendering.templates import render_scenario


def variants(scenario: Scenario, every: bool) -> list[tuple[str, dict[str, Any]]]:
    examples = example_values(scenario)
    cases = [("example values", examples)]
    if every:
        required = {f.name: f.example for f in scenario.fields if f.required}
        cases.append(("required fields only", required))
        for f in scenario.fields:
            cases += [(f"{f.name}={choice}", {**examples, f.name: choice}) for choice in f.choices]
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lang")
    parser.add_argument("scenario", nargs="*")
    parser.add_argument("--all", action="store_true", help="also required-only and every choice")
    args = parser.parse_args()
    library = Library(search_path())
    failed = 0
    for scenario_id in args.scenario or library.ids():
        scenario = library.find(scenario_id)
        if args.lang not in scenario.languages:
            failed += 1
            print(f"===== {scenario_id}: no {args.lang} template (has {', '.join(scenario.languages)})")
            continue
        for label, raw in variants(scenario, args.all):
            print(f"===== {scenario_id} [{args.lang}] {label}")
            try:
                values = resolve_values(scenario.fields, cli=raw)
                reply = render_scenario(scenario, values, lang=args.lang, roots=library.roots)
            except ReplykitError as error:
                failed += 1
                print(f"ERROR: {error}")
                continue
            print(f"Subject: {reply.subject}\n\n{reply.body}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
