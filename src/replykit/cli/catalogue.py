"""Scenarios as people and scripts read them: `list` rows and table, `show` text and JSON, the README tables."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from replykit.cli.console import inert
from replykit.packs.fields import Field
from replykit.packs.library import Entry, Pack
from replykit.packs.scenario import ADVICE_SECTIONS, Scenario

if TYPE_CHECKING:
    from replykit.check import Problem
    from replykit.rendering.templates import Reply


def language_sources(entry: Entry, scenario: Scenario) -> dict[str, Pack]:
    """Which pack each language file of the scenario comes from (a pack may override some languages only)."""
    packs = (entry.pack, *entry.overrides)
    found: dict[str, Pack] = {}
    for lang, path in scenario.templates:
        for pack in packs:
            if path.parent.parent == pack.path:
                found[lang] = pack
                break
    return found


def source_label(entry: Entry, scenario: Scenario | None = None) -> str:
    """Where a scenario comes from, which definitions it hides, and which languages come from elsewhere."""
    label = entry.pack.label
    if entry.overrides:
        label += " (overrides " + ", ".join(p.label for p in entry.overrides) + ")"
    if scenario is not None:
        elsewhere: dict[str, list[str]] = {}
        for lang, pack in language_sources(entry, scenario).items():
            if pack != entry.pack:
                elsewhere.setdefault(pack.label, []).append(lang)
        for pack_label, langs in elsewhere.items():
            label += f"; {', '.join(langs)} from {pack_label}"
    return label


# The narrower the terminal, the less list's table shows besides id, title and tags.
FULL_TABLE_WIDTH = 120  # from here: every language and the full source label
NARROW_TABLE_WIDTH = 80  # below this: no languages and no source


def list_table(rows: Sequence[tuple[Entry, Scenario]], *, width: int, styled: bool = False) -> str:
    """``replykit list`` as a table for a terminal ``width`` columns wide.

    Ids never wrap; the other cells wrap at word boundaries. Narrower than FULL_TABLE_WIDTH,
    tags go one to a line, leaving the title room, languages become a count and the source its
    origin (built-in, user, ...); narrower than NARROW_TABLE_WIDTH, languages and source go.
    Piped and ``--json`` output keep everything.
    """
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    full = width >= FULL_TABLE_WIDTH
    details = width >= NARROW_TABLE_WIDTH
    table = Table(box=None, pad_edge=False)
    table.add_column("id", no_wrap=True, min_width=max((cell_len(sc.id) for _, sc in rows), default=2))
    table.add_column("title", overflow="fold")
    longest_tag = max((cell_len(tag) + 1 for _, sc in rows for tag in sc.tags), default=0)  # with its comma
    table.add_column("tags", overflow="fold", max_width=None if full else max(longest_tag, len("tags")))
    for name in ("languages", "source") if details else ():
        table.add_column(name, overflow="fold")
    for entry, sc in rows:
        cells = [sc.id, sc.title, ", ".join(sc.tags)]
        if details:
            cells.append(", ".join(sc.languages) if full else str(len(sc.languages)))
            cells.append(source_label(entry, sc) if full else entry.pack.origin)
        table.add_row(*(Text(inert(cell)) for cell in cells))  # Text: a title is never read as markup
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=styled, color_system="standard" if styled else None)
    console.print(table)
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())


def list_row(entry: Entry, scenario: Scenario) -> dict[str, Any]:
    """One scenario as ``list --json`` prints it."""
    return {
        "id": scenario.id,
        "title": scenario.title,
        "summary": scenario.summary,
        "tags": list(scenario.tags),
        "languages": list(scenario.languages),
        "source": entry.pack.origin,
        "path": str(scenario.path.parent),
        "overrides": [str(p.path / scenario.id) for p in entry.overrides],
        "language_sources": {lang: pack.origin for lang, pack in language_sources(entry, scenario).items()},
    }


def select(
    loaded: Sequence[tuple[Entry, Scenario]], *, tags: Sequence[str] = (), lang: str | None = None
) -> list[tuple[Entry, Scenario]]:
    """The scenarios ``list`` shows: with any of ``tags``, and with a reply in ``lang`` or a close variant.

    Raises UsageError for a malformed tag or one naming no language, rather than listing nothing.
    """
    wanted = set(tags)
    rows = [(entry, sc) for entry, sc in loaded if not wanted or wanted & set(sc.tags)]
    if lang:
        from replykit.packs.languages import match_language

        match_language(lang, sorted({language for _, sc in loaded for language in sc.languages}))
        rows = [(entry, sc) for entry, sc in rows if match_language(lang, sc.languages).language]
    return rows


def list_tsv(rows: Sequence[tuple[Entry, Scenario]]) -> str:
    """``list`` for scripts: one tab-separated line per scenario (id, title, tags, languages, source)."""
    return "".join(
        f"{sc.id}\t{sc.title}\t{','.join(sc.tags)}\t{','.join(sc.languages)}\t{source_label(entry, sc)}\n"
        for entry, sc in rows
    )


def show_document(scenario: Scenario, *, source: str, preview: Reply) -> dict[str, Any]:
    """``show --json``: the scenario, its fields and advice, and the preview."""
    return {
        "id": scenario.id,
        "title": scenario.title,
        "summary": scenario.summary,
        "tags": list(scenario.tags),
        "languages": list(scenario.languages),
        "language": scenario.language,
        "source": source,
        "channels": list(scenario.channels),
        "public": scenario.public,
        "triggers": {lang: list(phrases) for lang, phrases in scenario.triggers.items()},
        "refuse": [
            {"channels": list(r.channels), "when": {name: list(chosen) for name, chosen in r.when}, "reason": r.reason}
            for r in scenario.refusals
        ],
        "fields": [field_dict(f) for f in scenario.fields],
        "advice": {ADVICE_SECTIONS[k]: list(v) for k, v in scenario.advice},
        "preview": {"language": preview.language, "subject": preview.subject, "body": preview.body},
    }


def channel_lines(scenario: Scenario) -> list[str]:
    """Where a scenario may be sent: its channels, whether it is public, and each refusal with its reason."""
    kind = " (a public reply: posted below the review, no subject)" if scenario.public else ""
    out = [f"Channels:  {', '.join(scenario.channels) or '-'}{kind}"]
    for refusal in scenario.refusals:
        when = " and ".join(f"{name}={'|'.join(chosen)}" for name, chosen in refusal.when)
        out.append(f"  refused on {', '.join(refusal.channels)}{' when ' + when if when else ''}: {refusal.reason}")
    return out


def trigger_lines(scenario: Scenario) -> list[str]:
    """One line counting the scenario's trigger phrases per language; none when it declares no triggers."""
    if not scenario.triggers:
        return []
    counts = ", ".join(f"{lang} {len(phrases)}" for lang, phrases in scenario.triggers.items())
    return [f"Triggers:  {counts} (phrases that suggest it to 'triage')"]


def field_summary(field: Field, lang: str | None = None) -> str:
    """'required' or 'default: X', then choices and example (in ``lang`` when it has one), for help and show."""
    parts = ["required" if field.required else (f"default: {field.default}" if field.default else "optional")]
    if field.type != "text":
        parts.append(f"type: {field.type}")
    if field.choices:
        parts.append("choices: " + ", ".join(field.choices))
    example = field.example_in(lang)
    if example is not None:
        parts.append(f"example: {example}")
    return "; ".join(parts)


def field_dict(field: Field) -> dict[str, Any]:
    """One field as ``show --json`` prints it."""
    return {
        "name": field.name,
        "option": field.option,
        "help": field.help,
        "type": field.type,
        "required": field.required,
        "default": None if field.required else field.default,
        "choices": list(field.choices),
        "example": field.example,
        "examples": dict(field.examples),
    }


# A field's help that gives the English words its value completes: completing "because of ...".
_COMPLETING_HINT = re.compile(r"\bcompleting [\"']")


def show_text(scenario: Scenario, *, source: str, preview: Reply, channel: str | None = None) -> str:
    """The full text of ``replykit show``."""
    out = [
        f"{scenario.id}: {scenario.title}",
        "",
        scenario.summary,
        "",
        f"Tags:      {', '.join(scenario.tags) or '-'}",
        f"Languages: {', '.join(scenario.languages)} (default {scenario.language})",
        f"Source:    {source}",
        *channel_lines(scenario),
        *trigger_lines(scenario),
        "",
    ]
    if any(_COMPLETING_HINT.search(field.help) for field in scenario.fields):
        out += [
            "Fields (typed text goes into the reply as written: type it in the reply's language;",
            "the 'completing ...' hints describe the English wording):",
        ]
    else:
        out.append("Fields (typed text goes into the reply as written: type it in the reply's language):")
    for field in scenario.fields:
        out.append(f"  {field.option}  {field.help}")
        out.append(f"      {field_summary(field, preview.language)}")
    for key, notes in scenario.advice:
        out += ["", ADVICE_SECTIONS[key] + ":"]
        out += [f"  - {note}" for note in notes]
    where = f", on {channel}" if channel else ""
    out += ["", f"Preview ({preview.language}{where}, example values):", ""]
    if preview.subject:
        out += [f"Subject: {preview.subject}", ""]
    out.append(preview.body.rstrip("\n"))
    return "\n".join(out) + "\n"


def _language_order(tag: str) -> tuple[bool, str]:
    return (tag != "en", tag)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _channels_cell(scenario: Scenario) -> str:
    from replykit.channels import NAMES

    fit = "all" if set(scenario.channels) == set(NAMES) else ", ".join(scenario.channels)
    some = any(refusal.when for refusal in scenario.refusals)
    return fit + (" (public)" if scenario.public else "") + (" (some choices refused)" if some else "")


def catalogue_markdown(scenarios: list[Scenario], *, shared_help: dict[str, str]) -> str:
    """The README's scenario catalogue and shared-field table, generated from the library."""
    out = [
        "## The built-in library",
        "",
        "| id | use it when | tags | channels | fields |",
        "| --- | --- | --- | --- | --- |",
    ]
    users: dict[str, list[str]] = {}
    fields: dict[str, Field] = {}
    for scenario in sorted(scenarios, key=lambda s: s.id):
        names = []
        for field in scenario.fields:
            users.setdefault(field.name, []).append(scenario.id)
            fields.setdefault(field.name, field)
            if field.name not in ("seller_name", "store_name"):
                names.append(f"`{field.option}`" + ("\\*" if field.required else ""))
        out.append(
            f"| `{scenario.id}` | {_cell(scenario.summary)} | {', '.join(scenario.tags)} | {_channels_cell(scenario)} "
            f"| {' '.join(names)} |"
        )
    out += ["", "\\* required. Every scenario also takes `--seller-name` and `--store-name` for the signature.", ""]
    everywhere = sorted(set.intersection(*(set(s.languages) for s in scenarios)), key=_language_order)
    out += [f"Every scenario is written in {len(everywhere)} languages: {', '.join(f'`{t}`' for t in everywhere)}.", ""]
    out += [
        "Fields used by more than one scenario mean the same thing everywhere:",
        "",
        "| option | type | meaning | scenarios |",
        "| --- | --- | --- | --- |",
    ]
    for name, field in sorted(fields.items()):
        used = users[name]
        if len(used) < 2:
            continue
        where = "all" if len(used) == len(scenarios) else str(len(used))
        out.append(f"| `{field.option}` | {field.type} | {_cell(shared_help.get(name) or field.help)} | {where} |")
    return "\n".join(out) + "\n"


def problem_text(problem: Problem) -> str:
    """One problem found by ``check``, as compilers print theirs: ``file:line:column: error: message [rule]``."""
    where = problem.location + ": " if problem.location else ""
    text = f"{where}{problem.severity}: {problem.message} [{problem.rule}]\n"
    if problem.excerpt:
        text += f"    {problem.excerpt}\n"
        if problem.column:
            text += "    " + " " * (problem.column - 1) + "^\n"
    return text
