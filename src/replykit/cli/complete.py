"""Shell completion: the values each argument and option can take, offered as the user types.

These run inside the shell's completion request (``replykit --install-completion``), where
anything printed besides the candidates lands on the user's command line: a broken config
file or pack, or an unknown scenario, gives no candidates instead of an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

# Typer reads these annotations at run time to pass the context and the word being typed.
from typer._click.core import Context

if TYPE_CHECKING:
    from replykit.packs.fields import Field
    from replykit.packs.library import Library

Completer = Callable[[Context, list[str], str], list[str]]


def _offer(incomplete: str, produce: Callable[[], Iterable[str]]) -> list[str]:
    """The candidates that start with what is typed so far; none when producing them fails."""
    try:
        return [value for value in produce() if value.startswith(incomplete)]
    except Exception:  # an error here would be printed on the user's command line
        return []


def _library(ctx: Context) -> Library:
    """The library the command line being completed would use (with its --templates-dir folders)."""
    from replykit.packs.library import Library, search_path

    dirs = ctx.params.get("templates_dir") or ()
    return Library(search_path(templates_dirs=tuple(Path(d) for d in dirs)))


def _scenario_on_line(ctx: Context) -> str | None:
    """The scenario id already typed, if any.

    A line being completed usually ends in an option waiting for its value, which stops Click's
    parsing before the SCENARIO argument gets its value; the id is then left in ``ctx.args``.
    """
    scenario_id = ctx.params.get("scenario_id")
    return str(scenario_id) if scenario_id else next(iter(ctx.args), None)


def _every_language(library: Library) -> list[str]:
    loaded, _ = library.load_all()
    return sorted({lang for _, scenario in loaded for lang in scenario.languages})


def scenario_ids(ctx: Context, args: list[str], incomplete: str) -> list[str]:
    """Every scenario id on the search path."""
    return _offer(incomplete, lambda: _library(ctx).ids())


def scenario_argument(ctx: Context, args: list[str], incomplete: str) -> list[str]:
    """Every scenario id, for the SCENARIO argument; none once a scenario is on the line.

    Click asks the argument again when parsing stopped at an option it does not know, such as a
    field of a scenario that does not load; ids are no value for that option.
    """
    return [] if _scenario_on_line(ctx) else scenario_ids(ctx, args, incomplete)


def scenario_languages(ctx: Context, args: list[str], incomplete: str) -> list[str]:
    """The languages of the scenario already on the line; every language in the library before one is."""

    def produce() -> Iterable[str]:
        library = _library(ctx)
        scenario_id = _scenario_on_line(ctx)
        return library.find(scenario_id).languages if scenario_id else _every_language(library)

    return _offer(incomplete, produce)


def library_languages(ctx: Context, args: list[str], incomplete: str) -> list[str]:
    """Every language some scenario in the library is written in."""
    return _offer(incomplete, lambda: _every_language(_library(ctx)))


def library_tags(ctx: Context, args: list[str], incomplete: str) -> list[str]:
    """Every tag used in the library."""

    def produce() -> Iterable[str]:
        loaded, _ = _library(ctx).load_all()
        return sorted({tag for _, scenario in loaded for tag in scenario.tags})

    return _offer(incomplete, produce)


def profile_names(ctx: Context, args: list[str], incomplete: str) -> list[str]:
    """The profiles in the config file, as 'replykit config profiles' lists them."""

    def produce() -> Iterable[str]:
        from replykit.config import config_location, load_config

        config = load_config(config_location().path)
        names = list(config.profiles)
        return names if config.default_name in names else [config.default_name, *names]

    return _offer(incomplete, produce)


def config_keys(ctx: Context, args: list[str], incomplete: str) -> list[tuple[str, str]]:
    """Every profile key, with what it is for (zsh and fish show it beside the key)."""
    from replykit.config import KEYS

    return [(key, meaning) for key, meaning in KEYS.items() if key.startswith(incomplete)]


def field_choices(field: Field) -> Completer:
    """A completer for a field's option: its choices, or nothing for free text.

    A list field takes comma-separated choices, so what is typed after the last comma is completed.
    """
    choices = field.choices
    is_list = field.type == "list"

    def complete(ctx: Context, args: list[str], incomplete: str) -> list[str]:
        done = ""
        if is_list:
            head, comma, tail = incomplete.rpartition(",")
            done = head + comma + tail[: len(tail) - len(tail.lstrip())]
        return [done + choice for choice in choices if (done + choice).startswith(incomplete)]

    return complete
