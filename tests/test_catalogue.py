"""list's table and show's text, laid out without the command line."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.cells import cell_len

from replykit.cli.catalogue import list_table
from replykit.packs.library import Entry, Library, Pack, builtin_dir, search_path
from replykit.packs.scenario import Scenario

MakePack = Callable[[dict[str, str]], Path]

LONG_ID = "wholesale-order-damaged-in-transit"
LONG = {
    f"{LONG_ID}/scenario.yaml": """
        title: A wholesale order of several cartons arrived with some cartons crushed in transit
        summary: s
        tags: [wholesale, delivery, quality, business-to-business]
        fields:
          name:
        """,
    f"{LONG_ID}/en.j2": "Subject: x\n\nHi {{ name }}\n",
}


@functools.cache
def builtin_rows() -> list[tuple[Entry, Scenario]]:
    loaded, problems = Library((Pack(builtin_dir(), "built-in"),)).load_all()
    assert not problems
    return loaded


def rows(*dirs: Path) -> list[tuple[Entry, Scenario]]:
    if not dirs:
        return builtin_rows()
    loaded, problems = Library(search_path(templates_dirs=dirs)).load_all()
    assert not problems
    return loaded


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160])
@pytest.mark.parametrize("with_long_id", [False, True], ids=["built-in", "long-id"])
def test_list_table_keeps_every_id_whole_and_every_line_within_the_width(
    make_pack: MakePack, width: int, with_long_id: bool
) -> None:
    listed = rows(make_pack(LONG)) if with_long_id else rows()
    lines = list_table(listed, width=width).splitlines()
    assert all(cell_len(line) <= width for line in lines)
    # A row starts at the left edge with its whole id; wrapped lines of the other cells start indented.
    starts = [line.split("  ")[0] for line in lines if not line.startswith(" ")]
    assert starts == ["id", *(sc.id for _, sc in listed)]


@pytest.mark.parametrize(
    ("width", "header", "shown", "not_shown"),
    [
        (60, ["id", "title", "tags"], ["Undeliverable"], ["built-in", "12"]),
        (80, ["id", "title", "tags", "languages", "source"], ["built-in", "12"], ["pt-BR"]),
        (120, ["id", "title", "tags", "languages", "source"], ["built-in", "pt-BR,"], []),
    ],
)
def test_list_table_gives_up_detail_on_narrow_terminals(
    width: int, header: list[str], shown: list[str], not_shown: list[str]
) -> None:
    text = list_table(rows(), width=width)
    words = text.split()
    assert text.splitlines()[0].split() == header
    assert all(word in words for word in shown) and not any(word in words for word in not_shown)


@pytest.mark.parametrize("width", [60, 80, 120])
def test_list_table_wraps_titles_and_tags_at_word_boundaries(width: int) -> None:
    listed = rows()
    words = set(list_table(listed, width=width).split())
    for _, sc in listed:
        assert set(sc.title.split()) <= words, sc.id
        assert {tag + "," for tag in sc.tags[:-1]} | set(sc.tags[-1:]) <= words, sc.id


def test_list_table_prints_titles_as_written() -> None:
    listed = rows()
    entry, scenario = listed[0]
    odd = dataclasses.replace(scenario, title="[bold]Order #12[/bold] :smile:")
    assert "[bold]Order #12[/bold] :smile:" in list_table([(entry, odd)], width=120)
