"""Regenerate the README's built-in library section from the templates: python scripts/update_readme.py"""

from __future__ import annotations

import re
from pathlib import Path

from replykit.cli.catalogue import catalogue_markdown
from replykit.packs.library import Library, Pack, builtin_dir

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- catalogue:start -->\n", "<!-- catalogue:end -->"


def builtin_section() -> str:
    """The generated section, from the built-in library alone (no user folders)."""
    library = Library((Pack(builtin_dir(), "built-in"),))
    loaded, problems = library.load_all()
    if problems:
        raise SystemExit("\n".join(str(p) for p in problems))
    shared_help = {name: str(spec.get("help", "")) for name, (spec, _) in library.catalogue.specs.items()}
    return catalogue_markdown([scenario for _, scenario in loaded], shared_help=shared_help)


def updated(text: str) -> str:
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    return pattern.sub(lambda _: START + builtin_section() + END, text)


if __name__ == "__main__":
    README.write_text(updated(README.read_text(encoding="utf-8")), encoding="utf-8")
