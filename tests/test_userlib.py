"""The user's own library in the core: init, new, copies of built-ins, the editor and the check after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import editor
from replykit import errors
from replykit.check import check_one
from replykit.errors import InputOutputError, ReplykitError, ScenarioNotFound, UsageError
from replykit.packs import authoring as userlib
from replykit.packs.library import Library, builtin_dir, search_path, user_dir
from replykit.packs.scenario import check_id


def library() -> Library:
    return Library(search_path())


@pytest.mark.parametrize("scenario_id", ["wrong-size", "a", "x_1", "2nd-try"])
def test_good_ids(scenario_id: str) -> None:
    assert check_id(scenario_id) == scenario_id


@pytest.mark.parametrize(
    "scenario_id",
    ["", "../evil", "a/b", "a\\b", ".hidden", "-dash", "_partials", "Upper", "with space", "/abs"],
    ids=["empty", "parent", "slash", "backslash", "dot", "dash", "underscore", "upper", "space", "absolute"],
)
def test_bad_ids_are_refused(scenario_id: str) -> None:
    with pytest.raises(UsageError, match="is not a valid scenario id"):
        check_id(scenario_id)


def test_init_creates_a_readme_and_a_working_example() -> None:
    result = userlib.init_library()
    assert result.folder == user_dir()
    assert result.created == (user_dir() / "README.md", user_dir() / "example")
    assert "replykit new ID" in (user_dir() / "README.md").read_text(encoding="utf-8")
    scenario, problems = check_one("example", library=library())
    assert problems == [] and scenario is not None and scenario.languages == ("en",)
    assert library().entries()["example"].pack.origin == "user"


def test_init_twice_changes_nothing() -> None:
    userlib.init_library()
    readme = user_dir() / "README.md"
    readme.write_text("mine\n", encoding="utf-8")
    assert userlib.init_library().created == ()
    assert readme.read_text(encoding="utf-8") == "mine\n"


def test_new_scaffold_is_valid_and_renders() -> None:
    result = userlib.new_scenario("wrong-size", library=library())
    assert result.folder == user_dir() / "wrong-size"
    assert sorted(p.name for p in result.folder.iterdir()) == ["en.j2", "scenario.yaml"]
    assert (result.copied_from, result.languages, result.hides) == (None, ("en",), ())
    scenario, problems = check_one("wrong-size", library=library())
    assert problems == [] and scenario is not None and scenario.title == "Wrong size"
    assert [p.name for p in user_dir().iterdir()] == ["wrong-size"]  # no staging folder left behind


@pytest.mark.parametrize(
    ("lang", "file", "signature"),
    [
        ("de", "de.j2", "signature.de.j2"),
        ("pt_BR", "pt-BR.j2", "signature.pt-BR.j2"),
        ("de-CH", "de-CH.j2", "signature.de.j2"),  # the closest signature there is
        ("sv", "sv.j2", "signature.en.j2"),  # none is close: the English one
    ],
)
def test_new_scaffold_in_another_language(lang: str, file: str, signature: str) -> None:
    result = userlib.new_scenario("wrong-size", library=library(), lang=lang)
    tag = file.removesuffix(".j2")
    assert sorted(p.name for p in result.folder.iterdir()) == sorted([file, "scenario.yaml"])
    assert result.languages == (tag,)
    assert f"language: {tag}\n" in (result.folder / "scenario.yaml").read_text(encoding="utf-8")
    assert f'{{% include "_partials/{signature}" %}}' in (result.folder / file).read_text(encoding="utf-8")
    scenario, problems = check_one("wrong-size", library=library())
    assert problems == [] and scenario is not None and scenario.language == tag


def test_new_refuses_a_language_with_a_copy() -> None:
    with pytest.raises(UsageError, match="--lang and --from do not go together"):
        userlib.new_scenario("mine", library=library(), source="missing-items", lang="de")
    assert not (user_dir() / "mine").exists()


def test_new_from_a_built_in_copies_every_language() -> None:
    result = userlib.new_scenario("my-missing", library=library(), source="missing-items")
    original = builtin_dir() / "missing-items"
    assert result.copied_from is not None and result.copied_from.origin == "built-in"
    assert sorted(p.name for p in result.folder.iterdir()) == sorted(p.name for p in original.iterdir())
    for path in original.iterdir():
        assert (result.folder / path.name).read_bytes() == path.read_bytes()
    assert check_one("my-missing", library=library())[1] == []


def test_new_with_a_built_in_id_says_what_it_hides() -> None:
    result = userlib.new_scenario("missing-items", library=library(), source="missing-items")
    assert [p.origin for p in result.hides] == ["built-in"]
    assert library().entries()["missing-items"].pack.origin == "user"


@pytest.mark.parametrize(
    ("scenario_id", "source", "error", "message"),
    [
        ("taken", None, InputOutputError, "scenario 'taken' already exists"),
        ("fresh", "missng-items", ScenarioNotFound, "did you mean missing-items"),
        ("fresh", "../etc", UsageError, "not a valid scenario id"),
        ("../fresh", None, UsageError, "not a valid scenario id"),
    ],
    ids=["exists", "unknown-source", "bad-source", "bad-id"],
)
def test_new_refuses(scenario_id: str, source: str | None, error: type[Exception], message: str) -> None:
    userlib.new_scenario("taken", library=library())
    before = (user_dir() / "taken" / "en.j2").read_text(encoding="utf-8")
    with pytest.raises(error, match=message):
        userlib.new_scenario(scenario_id, library=library(), source=source)
    assert (user_dir() / "taken" / "en.j2").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in user_dir().iterdir()) == ["taken"]


def test_editing_a_built_in_edits_a_copy() -> None:
    target = userlib.edit_target("missing-items", library=library())
    folder = user_dir() / "missing-items"
    assert target.folder == folder
    assert target.files == (folder / "scenario.yaml", folder / "en.j2")
    assert target.copied == (
        (folder / "scenario.yaml", builtin_dir() / "missing-items" / "scenario.yaml"),
        (folder / "en.j2", builtin_dir() / "missing-items" / "en.j2"),
    )
    assert sorted(p.name for p in folder.iterdir()) == ["en.j2", "scenario.yaml"]
    again = userlib.edit_target("missing-items", library=library())
    assert again.copied == () and again.folder == target.folder
    # The other languages still come from the built-in library.
    scenario = library().find("missing-items")
    assert dict(scenario.templates)["en"] == folder / "en.j2"
    assert dict(scenario.templates)["de"] == builtin_dir() / "missing-items" / "de.j2"


@pytest.mark.parametrize(
    ("lang", "file", "copied_from"),
    [
        ("de", "de.j2", "de.j2"),  # an existing language: a copy of it
        ("DE", "de.j2", "de.j2"),
        ("de_CH", "de-CH.j2", "de.j2"),  # a new variant starts from its closest language
        ("pt", "pt-BR.j2", "pt-BR.j2"),  # pt is served by pt-BR: that is the file to edit
        ("sw", "sw.j2", "en.j2"),  # no close language: start from the default one
    ],
)
def test_editing_one_language_copies_only_that_file(lang: str, file: str, copied_from: str) -> None:
    target = userlib.edit_target("late-delivery", library=library(), lang=lang)
    folder = user_dir() / "late-delivery"
    assert target.files == (folder / file,)
    assert target.copied == ((folder / file, builtin_dir() / "late-delivery" / copied_from),)
    assert [p.name for p in folder.iterdir()] == [file]
    scenario = library().find("late-delivery")
    assert scenario.path == builtin_dir() / "late-delivery" / "scenario.yaml"
    assert dict(scenario.templates)[file.removesuffix(".j2")] == folder / file


def test_editing_a_malformed_language_changes_nothing() -> None:
    with pytest.raises(UsageError, match="is not a language tag"):
        userlib.edit_target("late-delivery", library=library(), lang="de/CH")
    assert not (user_dir() / "late-delivery").exists()


def test_editing_a_scenario_of_a_templates_dir_edits_it_in_place(make_pack) -> None:  # type: ignore[no-untyped-def]
    pack = make_pack({"mine/scenario.yaml": "title: T\nsummary: S\n", "mine/en.j2": "Subject: s\n\nHi\n"})
    target = userlib.edit_target("mine", library=Library(search_path(templates_dirs=(pack,))))
    assert target.folder == pack / "mine" and target.copied == ()
    assert target.files == (pack / "mine" / "scenario.yaml", pack / "mine" / "en.j2")


def test_editing_an_unknown_scenario_suggests_new() -> None:
    with pytest.raises(ScenarioNotFound) as caught:
        userlib.edit_target("wrong-sise", library=library())
    assert "replykit new wrong-sise" in caught.value.hint


@pytest.mark.parametrize(
    ("environ", "command"),
    [
        ({"VISUAL": "code --wait", "EDITOR": "vi"}, ["code", "--wait"]),
        ({"VISUAL": "  ", "EDITOR": "vi"}, ["vi"]),
        ({"EDITOR": "'/opt/My Editor/bin/ed' -n"}, ["/opt/My Editor/bin/ed", "-n"]),
    ],
    ids=["visual-wins", "blank-visual", "quoted"],
)
def test_editor_command(environ: dict[str, str], command: list[str]) -> None:
    assert userlib.editor_command(environ=environ) == command


@pytest.mark.parametrize(
    ("environ", "message"),
    [({}, "neither VISUAL nor EDITOR is set"), ({"EDITOR": "vi 'unclosed"}, "No closing quotation")],
    ids=["none", "bad-quoting"],
)
def test_editor_command_errors(environ: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        userlib.editor_command(environ=environ)


def test_run_editor_passes_every_file(tmp_path: Path) -> None:
    files = (tmp_path / "a.yaml", tmp_path / "b.j2")
    for f in files:
        f.write_text("x", encoding="utf-8")
    userlib.run_editor(files, environ={"EDITOR": editor(tmp_path, "for f in files: f.write_text(f.name)\n")})
    assert [f.read_text() for f in files] == ["a.yaml", "b.j2"]


@pytest.mark.parametrize(
    ("environ", "error", "code"),
    [
        ({"EDITOR": "/nonexistent/editor"}, UsageError, errors.USAGE),
        (None, ReplykitError, errors.ERROR),
    ],
    ids=["not-found", "fails"],
)
def test_run_editor_errors(tmp_path: Path, environ: dict[str, str] | None, error: type, code: int) -> None:
    environ = environ or {"EDITOR": editor(tmp_path, "sys.exit(3)\n")}
    with pytest.raises(error) as caught:
        userlib.run_editor((tmp_path / "x",), environ=environ)
    assert caught.value.exit_code == code


@pytest.mark.parametrize(
    ("files", "where", "message"),
    [
        ({"en.j2": "Subject: s\n\nHi {{ nmae }}\n"}, "en.j2:3", "undeclared variable nmae; did you mean name"),
        ({"en.j2": "Subject: s\n\n{% if name %}\n"}, "en.j2:3", "Unexpected end of template"),
        ({"de.j2": "no subject\n"}, "de.j2:1", "starts with a 'Subject: ...' line"),
        ({"en.j2": 'Subject: s\n\n{% include "_partials/nope.j2" %}\n'}, "en.j2:3", "included template not found"),
        ({"scenario.yaml": "title: T\nsumary: S\n"}, "scenario.yaml:2", "unknown key 'sumary'"),
    ],
    ids=["undeclared", "syntax", "no-subject", "missing-include", "bad-yaml-key"],
)
def test_check_names_file_and_line(files: dict[str, str], where: str, message: str) -> None:
    folder = userlib.new_scenario("mine", library=library()).folder
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    _, problems = check_one("mine", library=library())
    assert len(problems) == 1
    assert f"{where}: " in str(problems[0]) and message in str(problems[0])
    assert problems[0].exit_code == errors.SCENARIO_INVALID


def test_check_lists_every_broken_language() -> None:
    folder = userlib.new_scenario("mine", library=library()).folder
    (folder / "en.j2").write_text("Subject: s\n\n{{ nmae }}\n", encoding="utf-8")
    (folder / "de.j2").write_text("Subject: s\n\n{{ nmae }}\n", encoding="utf-8")
    _, problems = check_one("mine", library=library())
    assert sorted(Path(str(p.path)).name for p in problems) == ["de.j2", "en.j2"]  # type: ignore[attr-defined]
