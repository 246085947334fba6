"""Commands that set replykit up: seller profiles (``config``), your own library (``init``, ``new``,
``edit``) and ``paths``. Each turns argv into one call into replykit.config or replykit.userlib."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from replykit.cli import complete, console
from replykit.output.formats import dumps_json

PROFILE_HELP = "Profile to use (default: $REPLYKIT_PROFILE, else the config file's default_profile)."

_CHOSEN_BY = {
    "--profile": "chosen by --profile",
    "REPLYKIT_PROFILE": "chosen by REPLYKIT_PROFILE",
    "default_profile": "the default_profile",
    "default": "the default profile",
}


def _columns(rows: list[tuple[str, ...]]) -> str:
    """Rows as left-aligned columns separated by two spaces (the last column is not padded)."""
    if not rows:
        return ""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "".join(
        "  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]).rstrip() + "\n"
        for row in rows
    )


def _load() -> Any:
    from replykit.config import config_location, load_config

    return load_config(config_location().path)


config_app = typer.Typer(
    name="config",
    help="Seller profiles: your name, store, addresses and defaults, per store.",
    no_args_is_help=True,
)


@config_app.command("set")
def config_set(
    key: str = typer.Argument(
        ...,
        metavar="KEY",
        help="A profile key (see 'replykit config list').",
        autocompletion=complete.config_keys,
    ),
    value: str = typer.Argument(..., metavar="VALUE", help="Its value."),
    profile: str | None = typer.Option(
        None,
        "--profile",
        metavar="NAME",
        help=PROFILE_HELP + " Created if new.",
        autocompletion=complete.profile_names,
    ),
) -> None:
    """Set KEY to VALUE in a profile (the default one unless --profile or REPLYKIT_PROFILE says)."""
    from replykit.config import check_key, config_location, profile_name, set_value, update_config

    key_name = check_key(key)
    config, updated = update_config(
        config_location().path,
        lambda config: set_value(config, profile_name(config, option=profile)[0], key_name, value),
    )
    name, _ = profile_name(config, option=profile)
    created = "" if name in config.profiles else " (new profile)"
    console.note(f"{key_name} = {updated.profile(name).values[key_name]} in profile {name}{created}, {config.path}")


def _key_and_profile(key: str, profile: str | None) -> tuple[str, Any, Any]:
    """Validate KEY and load the config with the profile that applies (for get and unset)."""
    from replykit.config import check_key, select_profile

    name = check_key(key)
    config = _load()
    chosen, _ = select_profile(config, option=profile)
    return name, config, chosen


@config_app.command("get")
def config_get(
    key: str = typer.Argument(..., metavar="KEY", help="A profile key.", autocompletion=complete.config_keys),
    profile: str | None = typer.Option(
        None, "--profile", metavar="NAME", help=PROFILE_HELP, autocompletion=complete.profile_names
    ),
) -> None:
    """Print KEY's value in the profile that applies; exit 1 if it is not set."""
    from replykit.errors import ReplykitError

    name, config, chosen = _key_and_profile(key, profile)
    if name not in chosen.values:
        raise ReplykitError(
            f"{name} is not set in profile {chosen.name}",
            hint=f"set it with 'replykit config set {name} VALUE" + (f" --profile {chosen.name}'" if profile else "'"),
        )
    console.write_stdout(chosen.values[name] + "\n")


@config_app.command("unset")
def config_unset(
    key: str = typer.Argument(..., metavar="KEY", help="A profile key.", autocompletion=complete.config_keys),
    profile: str | None = typer.Option(
        None, "--profile", metavar="NAME", help=PROFILE_HELP, autocompletion=complete.profile_names
    ),
) -> None:
    """Remove KEY from a profile, so fields fall back to their own default."""
    from replykit.config import check_key, config_location, select_profile, update_config

    name = check_key(key)

    def unset(config: Any) -> Any:
        chosen, _ = select_profile(config, option=profile)
        return config.without_value(chosen.name, name) if name in chosen.values else config

    config, _ = update_config(config_location().path, unset)
    chosen, _ = select_profile(config, option=profile)
    if name not in chosen.values:
        console.warn(f"{name} is not set in profile {chosen.name}; nothing to do")
        return
    console.note(f"removed {name} from profile {chosen.name}, {config.path}")


@config_app.command("list")
def config_list(
    profile: str | None = typer.Option(
        None, "--profile", metavar="NAME", help=PROFILE_HELP, autocompletion=complete.profile_names
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Show every key of the profile that applies: its value and where it comes from."""
    from replykit.config import KEYS, config_location, describe_source, select_profile

    location = config_location()
    config = _load()
    chosen, origin = select_profile(config, option=profile)
    if as_json:
        document = {
            "profile": chosen.name,
            "profile_source": origin,
            "file": str(location.path),
            "file_source": location.origin,
            "values": {
                key: {"value": chosen.values.get(key), "source": describe_source(config, chosen, key)} for key in KEYS
            },
        }
        console.write_stdout(dumps_json(document))
        return
    exists = "" if location.path.exists() else ", not created yet"
    file_origin = " (from REPLYKIT_CONFIG)" if location.origin != "default" else ""
    console.note(f"profile {chosen.name} ({_CHOSEN_BY[origin]}); file {location.path}{file_origin}{exists}")
    console.write_stdout(
        _columns([(key, chosen.values.get(key, "-"), describe_source(config, chosen, key)) for key in KEYS])
    )


@config_app.command("path")
def config_path() -> None:
    """Print the config file's path (REPLYKIT_CONFIG, else the per-user config folder)."""
    from replykit.config import config_location

    location = config_location()
    console.write_stdout(console.inert(f"{location.path}\n"))
    if not location.path.exists():
        console.note("it does not exist yet; 'replykit config set KEY VALUE' creates it")


@config_app.command("profiles")
def config_profiles() -> None:
    """List the profiles in the config file; the default one is marked with '*'."""
    config = _load()
    names = list(config.profiles)
    if config.default_name not in names:
        names.insert(0, config.default_name)
    console.write_stdout("".join(f"{'*' if n == config.default_name else ' '} {n}\n" for n in names))


@config_app.command("default")
def config_default(
    name: str = typer.Argument(
        ..., metavar="PROFILE", help="An existing profile.", autocompletion=complete.profile_names
    ),
) -> None:
    """Make PROFILE the default (used when neither --profile nor REPLYKIT_PROFILE is given)."""
    from replykit.config import check_profile_name, config_location, update_config

    check_profile_name(name)
    config, _ = update_config(config_location().path, lambda config: config.with_default(name))
    console.note(f"default profile is now {name}, {config.path}")


def init() -> None:
    """Create your own scenario folder with a README and an example; prints its path."""
    from replykit.packs.authoring import EXAMPLE_ID, init_library

    result = init_library()
    console.write_stdout(f"{result.folder}\n")
    if result.created:
        names = ", ".join(p.name + ("/" if p.is_dir() else "") for p in result.created)
        console.note(f"created {names} in {result.folder}")
        if any(p.name == EXAMPLE_ID for p in result.created):
            console.note(f"try: replykit render {EXAMPLE_ID} --name Alice")
    else:
        console.note(f"{result.folder} is already set up; nothing created")


def new(
    scenario_id: str = typer.Argument(..., metavar="ID", help="The new scenario's id, such as wrong-size."),
    source: str | None = typer.Option(
        None,
        "--from",
        metavar="SCENARIO",
        help="Start from a copy of this scenario (all its languages).",
        autocompletion=complete.scenario_ids,
    ),
    lang: str | None = typer.Option(
        None,
        "--lang",
        metavar="TAG",
        help="The scaffold's language, such as de (default en).",
        autocompletion=complete.library_languages,
    ),
) -> None:
    """Create a scenario in your own folder: a scaffold, or a copy of another one; prints its folder."""
    from replykit.packs.authoring import new_scenario
    from replykit.packs.library import Library, search_path

    result = new_scenario(scenario_id, library=Library(search_path()), source=source, lang=lang)
    console.write_stdout(f"{result.folder}\n")
    what = f"a copy of {source} ({result.copied_from.label})" if result.copied_from else "a scaffold"
    console.note(f"created {scenario_id} as {what}, languages: {', '.join(result.languages)}")
    for pack in result.hides:
        console.warn(f"{scenario_id} now overrides the one in {pack.label}")
    console.note(f"edit it with: replykit edit {scenario_id}")


def edit(
    scenario_id: str = typer.Argument(
        ..., metavar="ID", help="The scenario to edit.", autocompletion=complete.scenario_argument
    ),
    lang: str | None = typer.Option(
        None,
        "--lang",
        metavar="TAG",
        help="Edit (or add) this language's template only, such as de or de-CH.",
        autocompletion=complete.scenario_languages,
    ),
) -> int:
    """Open a scenario in $VISUAL or $EDITOR, then check it. Built-in files are copied to your folder first."""
    from replykit import errors
    from replykit.check import ERROR, check_scenarios
    from replykit.packs.authoring import drop_unchanged_translations, edit_target, editor_command, run_editor
    from replykit.packs.library import Library, search_path

    editor_command()  # fail before copying anything when no editor is set
    target = edit_target(scenario_id, library=Library(search_path()), lang=lang)
    for made, source in target.copied:
        console.note(f"started {made} as a copy of {source}")
    run_editor(target.files)
    for dropped, source in drop_unchanged_translations(target):
        console.warn(
            f"{dropped.name} was saved unchanged, a copy of {source.name}: removed it, so its buyers get the fallback"
        )
    library = Library(search_path())
    problems = check_scenarios(library, [scenario_id])
    for problem in problems:
        where = problem.location + ": " if problem.location else ""
        console.say(problem.severity, where + problem.message)
        if problem.hint:
            console.say("hint", problem.hint)
    found = [p for p in problems if p.severity == ERROR]
    if found:
        console.say("hint", f"fix it with 'replykit edit {scenario_id}'")
        return max(p.exit_code for p in found)
    scenario = library.find(scenario_id)
    console.note(f"{scenario_id} checked: {', '.join(scenario.languages)} compile and render")
    return errors.OK


def paths(
    templates_dir: list[Path] = typer.Option([], "--templates-dir", metavar="DIR", help="Include this folder too."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """List every folder searched for scenarios, in precedence order, and the config file."""
    from replykit.config import config_location
    from replykit.packs.library import configured_packs

    location = config_location()
    rows = [("scenarios", pack.origin, pack.path) for pack in configured_packs(templates_dirs=tuple(templates_dir))]
    rows.append(("config", location.origin if location.origin != "default" else "user", location.path))
    if as_json:
        document = [{"kind": k, "origin": o, "path": str(p), "exists": p.exists()} for k, o, p in rows]
        console.write_stdout(dumps_json(document))
        return
    console.write_stdout(
        console.inert(_columns([(k, o, str(p), "exists" if p.exists() else "missing") for k, o, p in rows]))
    )


def register(app: typer.Typer) -> None:
    """Add config, init, new, edit and paths to the replykit app."""
    app.add_typer(config_app, name="config")
    app.command("init")(init)
    app.command("new")(new)
    app.command("edit")(edit)
    app.command("paths")(paths)
