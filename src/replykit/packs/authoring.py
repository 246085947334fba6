"""The user's own scenario library: set it up, scaffold or copy a scenario, edit and check one."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from replykit.errors import (
    InputOutputError,
    OutputExists,
    ReplykitError,
    ScenarioNotFound,
    UsageError,
    did_you_mean,
)
from replykit.files import make_private_folder
from replykit.packs.library import Library, Pack, user_dir
from replykit.packs.packfiles import read_pack_bytes, read_pack_text
from replykit.packs.scenario import SCENARIO_FILE, TEMPLATE_SUFFIX, check_id

README = "README.md"
EXAMPLE_ID = "example"

_README_TEXT = """\
# My replykit scenarios

Each folder here is one scenario: its id is the folder's name. replykit searches this
folder before its built-in library, so a folder named like a built-in scenario
(such as `missing-items`) replaces it.

    example/
      scenario.yaml   title, summary, tags, fields and advice
      en.j2           the reply in English: a 'Subject: ...' line, a blank line, the body
      de.j2           (optional) the same reply in German, and so on

Useful commands:

    replykit new ID                      scaffold a new scenario here
    replykit new ID --from missing-items start from a copy of a built-in one
    replykit edit ID                     open it in $VISUAL or $EDITOR, then check it
    replykit render ID --name Alice      use it
    replykit paths                       every folder replykit searches, in order

Fields shared by every scenario (name, order_id, seller_name, ...) come from the
built-in `_fields.yaml`; a `_fields.yaml` here adds or redefines shared fields.
"""

_SCENARIO_TEXT = """\
title: {title}
summary: >-
  One or two sentences: which dispute this reply is for and what it offers.
tags: []
{language}fields:
  # Shared fields (defined in the built-in _fields.yaml) need no definition here.
  name:
  order_id:
  # A field of this scenario alone needs 'required: true' or a 'default:'.
  # note:
  #   help: Anything else the buyer should know
  #   default: ""
advice:
  check:
    - What to verify before you send this reply.
"""

_TEMPLATE_TEXT = """\
Subject: About your order{% if order_id %} {{ order_id }}{% endif %}

Dear {{ name }},

{# Write your reply here. {{ field }} prints a field; {% if field %}...{% endif %}
   keeps text that needs an optional one. This comment is not printed. #}
Thank you for your message about your order{% if order_id %} {{ order_id }}{% endif %}.

{% include "_partials/signature.{signature}.j2" %}
"""

_EXAMPLE_SCENARIO = """\
title: "Example: thank a buyer for their patience"
summary: >-
  An example of your own scenario, created by 'replykit init'. Edit it with
  'replykit edit example', or delete this folder.
tags: [example]
fields:
  name:
  order_id:
  days:
    help: How many days the buyer waited
    type: integer
    default: ""
    example: "3"
advice:
  check:
    - That the order has really shipped before you thank the buyer for waiting.
"""

# Each paragraph on one line, as `replykit check` wants: message boxes wrap text themselves.
_EXAMPLE_TEMPLATE = (
    "Subject: Thank you for your patience{% if order_id %} with order {{ order_id }}{% endif %}\n"
    "\n"
    "Dear {{ name }},\n"
    "\n"
    "Thank you for waiting{% if days %} these {{ days }} days{% endif %}."
    " Your order{% if order_id %} {{ order_id }}{% endif %} is on its way,"
    " and we are sorry it took longer than it should have.\n"
    "\n"
    '{% include "_partials/signature.en.j2" %}\n'
)


@dataclass(frozen=True)
class InitResult:
    """What ``init`` found or made."""

    folder: Path
    created: tuple[Path, ...]


def _write_new(path: Path, text: str) -> bool:
    """Write ``path`` atomically unless it exists; True if written."""
    from replykit.files import write_atomic

    try:
        write_atomic(path, text, replace=False)
    except OutputExists:
        return False
    return True


def init_library(*, folder: Path | None = None) -> InitResult:
    """Create the user library with a README and an example scenario; never overwrite a file."""
    root = folder or user_dir()
    make_private_folder(root)
    created: list[Path] = []
    if _write_new(root / README, _README_TEXT):
        created.append(root / README)
    example = root / EXAMPLE_ID
    if not example.exists():
        _create_folder(example, {SCENARIO_FILE: _EXAMPLE_SCENARIO, "en" + TEMPLATE_SUFFIX: _EXAMPLE_TEMPLATE})
        created.append(example)
    return InitResult(root, tuple(created))


def _create_folder(target: Path, files: Mapping[str, str | Path]) -> None:
    """Build the folder beside its final place, then rename it in: no half-made scenario is ever visible."""
    if target.exists():
        raise InputOutputError(
            f"scenario '{target.name}' already exists: {target}",
            hint=f"edit it with 'replykit edit {target.name}', or choose another id",
        )
    # A scenario's files sit at ROOT/ID/NAME: each is read as a file of its own pack, ROOT.
    contents = {
        name: read_pack_bytes(content, root=content.parents[1]) if isinstance(content, Path) else content.encode()
        for name, content in files.items()
    }
    make_private_folder(target.parent)
    try:
        # mkdtemp makes the folder private (0700), and the rename keeps that.
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".new-{target.name}-"))
    except OSError as exc:
        raise InputOutputError(f"{target.parent}: cannot create: {exc.strerror or exc}") from None
    try:
        for name, data in contents.items():
            (staging / name).write_bytes(data)
        os.rename(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if target.exists():
            raise InputOutputError(f"scenario '{target.name}' already exists: {target}") from None
        raise InputOutputError(f"{target}: cannot create: {exc.strerror or exc}") from None


@dataclass(frozen=True)
class NewResult:
    """A scenario just created in the user library."""

    folder: Path
    copied_from: Pack | None
    languages: tuple[str, ...]
    hides: tuple[Pack, ...]


def _title(scenario_id: str) -> str:
    return scenario_id.replace("-", " ").replace("_", " ").capitalize()


def _find_entry(library: Library, scenario_id: str, *, hint: str) -> Pack:
    entries = library.entries()
    if scenario_id not in entries:
        close = did_you_mean(scenario_id, entries)
        raise ScenarioNotFound(f"unknown scenario '{scenario_id}'" + (f"; {close}" if close else ""), hint=hint)
    return entries[scenario_id].pack


def _scaffold_language(lang: str | None, library: Library) -> tuple[str, str]:
    """The new scenario's language, and the closest language with a signature partial to include."""
    from replykit.packs.languages import match_language

    if lang is None:
        return "en", "en"
    signatures = sorted(
        {p.name.split(".")[1] for root in library.roots for p in (root / "_partials").glob("signature.*.j2")}
    )
    match = match_language(lang, signatures)
    return match.tag, match.language or "en"


def new_scenario(
    scenario_id: str,
    *,
    library: Library,
    source: str | None = None,
    folder: Path | None = None,
    lang: str | None = None,
) -> NewResult:
    """Scaffold a scenario in the user library (in ``lang``, English by default), or copy ``source``
    (all its languages) as a start."""
    check_id(scenario_id)
    root = folder or user_dir()
    target = root / scenario_id
    if target.exists():
        raise InputOutputError(
            f"scenario '{scenario_id}' already exists: {target}",
            hint=f"edit it with 'replykit edit {scenario_id}', or choose another id",
        )
    hides = tuple(p for p in library.packs if p.path != root and (p.path / scenario_id / SCENARIO_FILE).is_file())
    if source is None:
        tag, signature = _scaffold_language(lang, library)
        files: dict[str, str | Path] = {
            SCENARIO_FILE: _SCENARIO_TEXT.format(
                title=_title(scenario_id), language="" if tag == "en" else f"language: {tag}\n"
            ),
            tag + TEMPLATE_SUFFIX: _TEMPLATE_TEXT.replace("{signature}", signature),
        }
        _create_folder(target, files)
        return NewResult(target, None, (tag,), hides)
    if lang is not None:
        raise UsageError("--lang and --from do not go together", hint="a copy keeps every language of the original")
    pack = _find_entry(library, check_id(source), hint="run 'replykit list' to see every scenario")
    original = library.find(source)
    files = {SCENARIO_FILE: original.path}
    files.update({lang + TEMPLATE_SUFFIX: path for lang, path in original.templates})
    _create_folder(target, files)
    return NewResult(target, pack, original.languages, hides)


@dataclass(frozen=True)
class EditTarget:
    """The files to open, and the ones just started as copies (new file, copied from)."""

    folder: Path
    files: tuple[Path, ...]
    copied: tuple[tuple[Path, Path], ...]


def edit_target(
    scenario_id: str, *, library: Library, lang: str | None = None, folder: Path | None = None
) -> EditTarget:
    """The files to edit: ``scenario.yaml`` and the default language's template, or one language's.

    Built-in files are never edited in place: the ones to edit are first copied to the user
    library, where they override the built-in ones file by file, so the scenario's other
    languages still come from the built-in library. A language the scenario lacks (say
    ``de-CH``) starts as a copy of its closest language (``de``), else of the default one.
    """
    from replykit.packs.languages import match_language

    check_id(scenario_id)
    pack = _find_entry(library, scenario_id, hint=f"create it with 'replykit new {scenario_id}'")
    scenario = library.find(scenario_id)
    where = ((folder or user_dir()) if pack.origin == "built-in" else pack.path) / scenario_id
    templates = dict(scenario.templates)
    if lang is None:
        names = [SCENARIO_FILE, scenario.language + TEMPLATE_SUFFIX]
        start_from = templates[scenario.language]
    else:
        match = match_language(lang, scenario.languages)
        names = [(match.language if match.same and match.language else match.tag) + TEMPLATE_SUFFIX]
        start_from = templates[match.language or scenario.language]
    copied: list[tuple[Path, Path]] = []
    for name in names:
        target = where / name
        if target.exists():
            continue
        source = scenario.path if name == SCENARIO_FILE else start_from
        make_private_folder(where)
        if _write_new(target, read_pack_text(source, root=source.parents[1])):
            copied.append((target, source))
    return EditTarget(where, tuple(where / name for name in names), tuple(copied))


def editor_command(*, environ: Mapping[str, str] | None = None) -> list[str]:
    """$VISUAL, else $EDITOR, split like a shell would; UsageError if neither is set."""
    env = os.environ if environ is None else environ
    for var in ("VISUAL", "EDITOR"):
        value = env.get(var, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError as exc:
                raise UsageError(f"{var}={value!r}: {exc}") from None
            if words:
                return words
    raise UsageError(
        "no editor: neither VISUAL nor EDITOR is set",
        hint="set one, for example: export EDITOR=nano (or EDITOR='code --wait')",
    )


def run_editor(files: tuple[Path, ...], *, environ: Mapping[str, str] | None = None) -> None:
    """Open the files in the user's editor and wait for it to close."""
    command = editor_command(environ=environ)
    try:
        result = subprocess.run([*command, *(str(f) for f in files)], check=False)
    except OSError as exc:
        raise UsageError(
            f"cannot run editor {shlex.join(command)!r}: {exc.strerror or exc}",
            hint="set VISUAL or EDITOR to an editor command on your PATH",
        ) from None
    if result.returncode != 0:
        raise ReplykitError(
            f"the editor exited with status {result.returncode}; the scenario was not checked",
            hint="run 'replykit edit' again, or check it with 'replykit show'",
        )


def drop_unchanged_translations(target: EditTarget) -> list[tuple[Path, Path]]:
    """Remove language files that ``edit`` started as a copy of another language and the editor left unchanged.

    Left in place, such a file would send the other language's text labelled as this one,
    and hide the fallback notice. Returns (removed file, the file it was copied from).
    """
    dropped = []
    for made, source in target.copied:
        if made.suffix != TEMPLATE_SUFFIX or made.name == source.name:
            continue
        try:
            unchanged = made.read_bytes() == source.read_bytes()
        except OSError:
            continue
        if unchanged:
            made.unlink()
            dropped.append((made, source))
    return dropped
