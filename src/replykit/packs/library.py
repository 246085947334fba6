"""Where scenarios come from: the search path of packs, lookup by id, and the full catalogue."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from replykit.errors import ReplykitError, ScenarioInvalid, ScenarioNotFound, UsageError, did_you_mean
from replykit.limits import MAX_FOLDER_ENTRIES
from replykit.packs.languages import parse_tag
from replykit.packs.packfiles import check_pack_file, resolve_in_pack
from replykit.packs.scenario import (
    ID_HINT,
    SCENARIO_FILE,
    TEMPLATE_SUFFIX,
    FieldCatalogue,
    Scenario,
    check_id,
    is_scenario_id,
    load_catalogue,
    load_scenario,
)

ENV_PATH = "REPLYKIT_PATH"


def builtin_dir() -> Path:
    """The built-in library shipped inside the package."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "templates"
    # In a source checkout (editable install) the library sits at the top of the repository.
    return packaged if packaged.is_dir() else package.parents[1] / "templates"


def user_dir() -> Path:
    """The per-user scenario folder (platformdirs' user data folder)."""
    from platformdirs import user_data_path

    return user_data_path("replykit", appauthor=False) / "scenarios"


class Pack(NamedTuple):
    """A folder of scenarios and where it was configured."""

    path: Path
    origin: str

    @property
    def label(self) -> str:
        return "built-in" if self.origin == "built-in" else f"{self.origin}: {self.path}"


def configured_packs(
    *, templates_dirs: tuple[Path, ...] = (), environ: Mapping[str, str] | None = None
) -> tuple[Pack, ...]:
    """Every pack in precedence order, whether or not its folder exists (for 'replykit paths')."""
    env = os.environ if environ is None else environ
    packs = [Pack(Path(d), "--templates-dir") for d in templates_dirs]
    packs += [Pack(Path(d), ENV_PATH) for d in env.get(ENV_PATH, "").split(os.pathsep) if d]
    packs.append(Pack(user_dir(), "user"))
    packs.append(Pack(builtin_dir(), "built-in"))
    return tuple(packs)


def search_path(*, templates_dirs: tuple[Path, ...] = (), environ: Mapping[str, str] | None = None) -> tuple[Pack, ...]:
    """Every pack in precedence order: --templates-dir, REPLYKIT_PATH, the user folder, built-in."""
    packs = configured_packs(templates_dirs=templates_dirs, environ=environ)
    for pack in packs:
        # os.path.isdir, unlike Path.is_dir, says False for a name too long rather than raise.
        if pack.origin in ("--templates-dir", ENV_PATH) and not os.path.isdir(pack.path):
            raise UsageError(
                f"{pack.origin} {pack.path}: no such folder",
                hint="create it, or correct the path",
            )
    return packs


def _entries(folder: Path) -> list[Path]:
    """What a folder of a pack holds, sorted; ScenarioInvalid past MAX_FOLDER_ENTRIES (hidden ones not counted)."""
    found: list[Path] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if len(found) == MAX_FOLDER_ENTRIES:
                raise ScenarioInvalid(
                    f"holds more than {MAX_FOLDER_ENTRIES:,} files and folders; replykit reads at most that many",
                    path=folder,
                    hint="a pack holds scenario folders and _partials; split it into several packs",
                )
            found.append(folder / entry.name)
    return sorted(found)


def _scenario_dirs(root: Path) -> list[Path]:
    """The folders of a pack that hold a scenario.yaml, whatever their names."""
    if not root.is_dir():
        return []
    return [
        child
        for child in _entries(root)
        if not child.name.startswith("_") and child.is_dir() and (child / SCENARIO_FILE).exists()
    ]


class Entry(NamedTuple):
    """One scenario id as found on the search path: the winning definition and the ones it hides."""

    id: str
    pack: Pack
    overrides: tuple[Pack, ...]


class Library:
    """The scenarios visible through a search path."""

    def __init__(self, packs: tuple[Pack, ...]) -> None:
        self.packs = packs
        self._catalogue: FieldCatalogue | None = None

    @property
    def roots(self) -> list[Path]:
        return [p.path for p in self.packs]

    @property
    def catalogue(self) -> FieldCatalogue:
        if self._catalogue is None:
            self._catalogue = load_catalogue(self.roots)
        return self._catalogue

    def entries(self, *, problems: list[ReplykitError] | None = None) -> dict[str, Entry]:
        """Every scenario id, with the pack whose scenario.yaml wins (folders not named by a valid id are left out).

        A pack too large to list raises ScenarioInvalid, or with ``problems`` is reported there and left out.
        """
        found: dict[str, list[Pack]] = {}
        for pack in self.packs:
            try:
                children = _scenario_dirs(pack.path)
            except ScenarioInvalid as exc:
                if problems is None:
                    raise
                problems.append(exc)
                continue
            for child in children:
                if is_scenario_id(child.name):
                    found.setdefault(child.name, []).append(pack)
        return {sid: Entry(sid, packs[0], tuple(packs[1:])) for sid, packs in sorted(found.items())}

    def ids(self) -> list[str]:
        return list(self.entries())

    def _templates(self, scenario_id: str) -> tuple[tuple[str, Path], ...]:
        """Language templates of a scenario from every pack; a higher pack wins per language."""
        templates: dict[str, Path] = {}
        for pack in self.packs:
            folder = pack.path / scenario_id
            if not folder.is_dir():
                continue
            resolve_in_pack(folder, pack.path)
            found: dict[str, Path] = {}
            for path in (p for p in _entries(folder) if p.name.endswith(TEMPLATE_SUFFIX)):
                check_pack_file(path, root=pack.path)
                stem = path.name[: -len(TEMPLATE_SUFFIX)]
                tag = parse_tag(stem)
                if tag is None or "." in stem:
                    raise ScenarioInvalid(
                        f"'{path.name}' is not named by a language tag",
                        path=path,
                        hint="name reply templates by BCP 47 tag: en.j2, de.j2, pt-BR.j2, de-CH.j2",
                    )
                if tag in found:
                    raise ScenarioInvalid(
                        f"'{path.name}' and '{found[tag].name}' are both the {tag} reply",
                        path=path,
                        hint="keep one of them",
                    )
                found[tag] = path
            for tag, path in found.items():
                templates.setdefault(tag, path)
        return tuple(sorted(templates.items()))

    def find(self, scenario_id: str) -> Scenario:
        """Load the winning definition of one scenario, or say which ids are close.

        Raises UsageError for a string that is not a scenario id (such as '..'), before it
        becomes a path; ScenarioNotFound for an id no pack has; ScenarioInvalid for a broken one.
        """
        check_id(scenario_id)
        for pack in self.packs:
            path = pack.path / scenario_id / SCENARIO_FILE
            if path.exists():
                return load_scenario(
                    scenario_id,
                    path,
                    root=pack.path,
                    catalogue=self.catalogue,
                    templates=self._templates(scenario_id),
                )
        hint = did_you_mean(scenario_id, self.ids())
        raise ScenarioNotFound(
            f"unknown scenario '{scenario_id}'" + (f"; {hint}" if hint else ""),
            hint="run 'replykit list' to see every scenario",
        )

    def load_all(self) -> tuple[list[tuple[Entry, Scenario]], list[ReplykitError]]:
        """Load every scenario; a broken one is returned as an error, not raised."""
        loaded: list[tuple[Entry, Scenario]] = []
        errors: list[ReplykitError] = []
        try:
            self.catalogue  # noqa: B018 - load once, report once
        except ScenarioInvalid as exc:
            return [], [exc]
        for pack in self.packs:
            try:
                children = _scenario_dirs(pack.path)
            except ScenarioInvalid as exc:  # too large to list: reported, and its scenarios left out
                errors.append(exc)
                continue
            for child in children:
                if not is_scenario_id(child.name):
                    errors.append(
                        ScenarioInvalid(
                            f"folder name '{child.name}' is not a scenario id; the scenario is left out",
                            path=child,
                            hint=ID_HINT,
                        )
                    )
        for entry in self.entries(problems=[]).values():
            try:
                loaded.append((entry, self.find(entry.id)))
            except ReplykitError as exc:
                errors.append(exc)
        return loaded, errors
