"""Choosing the language variant of a scenario for a requested language tag."""

from __future__ import annotations

import re

from replykit.errors import UsageError
from replykit.scenario import Scenario

_TAG = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*")


def choose_language(scenario: Scenario, requested: str | None) -> tuple[str, str]:
    """Return the language to render and a notice ('' unless it fell back)."""
    if not requested:
        return scenario.language, ""
    if not _TAG.fullmatch(requested):
        raise UsageError(
            f"--lang {requested!r} is not a language tag",
            hint=f"{scenario.id} is available in: " + ", ".join(scenario.languages),
        )
    tag = requested.replace("_", "-")
    by_lower = {lang.lower(): lang for lang in scenario.languages}
    parts = tag.lower().split("-")
    for n in range(len(parts), 0, -1):
        candidate = "-".join(parts[:n])
        if candidate in by_lower:
            chosen = by_lower[candidate]
            notice = "" if n == len(parts) else f"no '{tag}' variant of {scenario.id}; using '{chosen}'"
            return chosen, notice
    return scenario.language, (
        f"no '{tag}' variant of {scenario.id}; using its default language '{scenario.language}'"
        f" (available: {', '.join(scenario.languages)})"
    )
