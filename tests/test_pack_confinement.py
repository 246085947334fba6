"""A pack reads only its own files: no symlink, include name or scenario id reaches outside it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from replykit import errors
from replykit.errors import ScenarioInvalid, UsageError
from replykit.packs.library import Library, search_path
from replykit.rendering.templates import render_scenario

MakePack = Callable[[dict[str, str]], Path]

SECRET = "TOP SECRET: the password file"
SCENARIO = "title: T\nsummary: S\nfields:\n  name:\n    default: Ana\n"


def reply_template(line: str) -> str:
    return "Subject: Hi\n\nDear {{ name }},\n" + line + "\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the packs, holding what no pack may read."""
    folder = tmp_path / "outside"
    (folder / "demo").mkdir(parents=True)
    (folder / "secret.j2").write_text(SECRET + "\n", encoding="utf-8")
    (folder / "demo" / "scenario.yaml").write_text(SCENARIO, encoding="utf-8")
    (folder / "demo" / "en.j2").write_text(reply_template(SECRET), encoding="utf-8")
    return folder


def render(pack: Path, name: str = "Ana") -> str:
    library = Library(search_path(templates_dirs=(pack,)))
    scenario = library.find("demo")
    return render_scenario(scenario, {"name": name}, lang="en", roots=library.roots).body


# (files of the pack, symlinks to make: link -> target, where '{out}' is the outside folder)
ESCAPES = [
    ({"demo/en.j2": reply_template('{% include "_partials/passwd.j2" %}')}, {"_partials/passwd.j2": "{out}/secret.j2"},
     "_partials/passwd.j2: leads outside its pack"),
    ({"demo/en.j2": reply_template('{% extends "_partials/passwd.j2" %}')}, {"_partials/passwd.j2": "{out}/secret.j2"},
     "_partials/passwd.j2: leads outside its pack"),
    ({"demo/en.j2": reply_template('{% include "_partials/passwd.j2" %}')}, {"_partials/passwd.j2": "/etc/passwd"},
     "_partials/passwd.j2: leads outside its pack"),
    ({"demo/en.j2": reply_template('{% include "_shared/secret.j2" %}')}, {"_shared": "{out}"},
     "_shared/secret.j2: leads outside its pack"),
    ({}, {"demo/en.j2": "{out}/demo/en.j2"}, "demo/en.j2: leads outside its pack"),
    ({}, {"demo": "{out}/demo"}, "leads outside its pack"),
    ({"demo/en.j2": reply_template('{% include "../outside/secret.j2" %}')}, {},
     "template name '../outside/secret.j2' is refused"),
    ({"demo/en.j2": reply_template('{% include "_partials/../../outside/secret.j2" %}')}, {},
     "template name '_partials/../../outside/secret.j2' is refused"),
    ({"demo/en.j2": reply_template('{% include "/etc/passwd" %}')}, {}, "template name '/etc/passwd' is refused"),
    ({"demo/en.j2": reply_template('{% include "_partials\\\\..\\\\..\\\\x.j2" %}')}, {}, "is refused"),
]  # fmt: skip
ESCAPE_IDS = ["include-symlink", "extends-symlink", "include-etc-passwd", "symlinked-folder", "template-symlink",
              "scenario-folder-symlink", "include-dot-dot", "include-dot-dot-inside", "include-absolute",
              "include-backslash"]  # fmt: skip


def build(make_pack: MakePack, outside: Path, files: dict[str, str], links: dict[str, str]) -> Path:
    base = {"demo/scenario.yaml": SCENARIO, "demo/en.j2": reply_template("")}
    pack = make_pack({k: v for k, v in {**base, **files}.items() if not any(k.startswith(link) for link in links)})
    for link, target in links.items():
        (pack / link).parent.mkdir(parents=True, exist_ok=True)
        (pack / link).symlink_to(target.replace("{out}", str(outside)))
    return pack


@pytest.mark.parametrize(("files", "links", "message"), ESCAPES, ids=ESCAPE_IDS)
def test_nothing_outside_the_pack_is_read(
    make_pack: MakePack, outside: Path, files: dict[str, str], links: dict[str, str], message: str
) -> None:
    pack = build(make_pack, outside, files, links)
    with pytest.raises(ScenarioInvalid) as caught:
        render(pack)
    assert message in str(caught.value)
    assert SECRET not in str(caught.value) and "root:" not in str(caught.value)
    assert caught.value.exit_code == errors.SCENARIO_INVALID


def test_a_refused_include_names_the_including_template_and_line(make_pack: MakePack, outside: Path) -> None:
    pack = build(make_pack, outside, ESCAPES[0][0], ESCAPES[0][1])
    with pytest.raises(ScenarioInvalid) as caught:
        render(pack)
    assert str(caught.value).startswith(
        f"{pack / 'demo' / 'en.j2'}:4: template error: {pack / '_partials' / 'passwd.j2'}: leads outside its pack {pack}"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../outside/secret.j2", "template name '../outside/secret.j2' is refused"),
        ("/etc/passwd", "template name '/etc/passwd' is refused"),
        ("_partials/passwd.j2", "_partials/passwd.j2: leads outside its pack"),
        ("_partials/none.j2", "included template not found: _partials/none.j2"),
    ],
    ids=["dot-dot", "absolute", "symlink", "missing"],
)
def test_an_include_named_by_a_field_value_stays_inside(
    make_pack: MakePack, outside: Path, name: str, message: str
) -> None:
    pack = build(
        make_pack, outside, {"demo/en.j2": reply_template("{% include name %}")}, {"_partials/passwd.j2": "/etc/passwd"}
    )
    with pytest.raises(ScenarioInvalid, match="template error|included template") as caught:
        render(pack, name=name)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("files", "links", "body"),
    [
        ({"demo/en.j2": reply_template('{% include "_partials/alias.j2" %}'), "_partials/sig.j2": "Sam"},
         {"_partials/alias.j2": "sig.j2"}, "Dear Ana,\nSam\n"),
        ({"_real/demo/scenario.yaml": SCENARIO, "_real/demo/en.j2": reply_template("from inside")},
         {"demo": "_real/demo"}, "Dear Ana,\nfrom inside\n"),
        ({"demo/en.j2": reply_template('{% include "./_partials/sig.j2" %}'), "_partials/sig.j2": "Sam"}, {},
         "Dear Ana,\nSam\n"),
        ({"demo/en.j2": reply_template('{% set seller_name = "Sam" %}{% set store_name = "" %}'
                                       '{% include "_partials/signature.en.j2" %}')}, {},
         "Dear Ana,\nBest wishes,\nSam\n"),
    ],
    ids=["partial-symlink-inside", "scenario-folder-symlink-inside", "dot-slash", "built-in-partial"],
)  # fmt: skip
def test_symlinks_inside_the_pack_and_other_packs_partials_are_fine(
    make_pack: MakePack, outside: Path, files: dict[str, str], links: dict[str, str], body: str
) -> None:
    pack = build(make_pack, outside, files, links)
    assert render(pack) == body


def test_the_pack_root_itself_may_be_a_symlink(make_pack: MakePack, tmp_path: Path) -> None:
    pack = make_pack({"demo/scenario.yaml": SCENARIO, "demo/en.j2": reply_template('{% include "_p/x.j2" %}'),
                      "_p/x.j2": "included"})  # fmt: skip
    (tmp_path / "chosen").symlink_to(pack)
    assert render(tmp_path / "chosen") == "Dear Ana,\nincluded\n"


@pytest.mark.parametrize("scenario_id", ["..", ".", "../pack0/demo", "pack0/demo", "/etc", "demo/..", "x" * 300],
                         ids=["parent", "dot", "dot-dot-path", "path", "absolute", "trailing-dot-dot", "too-long"])  # fmt: skip
def test_ids_that_are_paths_are_refused_before_any_lookup(make_pack: MakePack, scenario_id: str) -> None:
    pack = make_pack({"demo/scenario.yaml": SCENARIO, "demo/en.j2": reply_template("")})
    with pytest.raises(UsageError, match="is not a valid scenario id"):
        Library(search_path(templates_dirs=(pack,))).find(scenario_id)


def test_folders_not_named_by_an_id_are_left_out_and_reported(make_pack: MakePack) -> None:
    pack = make_pack({"demo/scenario.yaml": SCENARIO, "demo/en.j2": reply_template(""),
                      "Wrong Size/scenario.yaml": SCENARIO, "Wrong Size/en.j2": reply_template("")})  # fmt: skip
    library = Library(search_path(templates_dirs=(pack,)))
    assert "Wrong Size" not in library.entries()
    loaded, problems = library.load_all()
    assert "demo" in [entry.id for entry, _ in loaded]
    assert [str(p).splitlines()[0] for p in problems] == [
        f"{pack / 'Wrong Size'}: folder name 'Wrong Size' is not a scenario id; the scenario is left out"
    ]


def run_bin(replykit_bin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [replykit_bin, *args], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL, env=os.environ
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["render", "demo"], errors.SCENARIO_INVALID, "_partials/passwd.j2: leads outside its pack"),
        (["render", "demo", "--name", "../outside/secret.j2"], errors.SCENARIO_INVALID,
         "template name '../outside/secret.j2' is refused"),
        (["render", ".."], errors.USAGE, "error: '..' is not a valid scenario id"),
        (["show", ".."], errors.USAGE, "error: '..' is not a valid scenario id"),
        (["show", "."], errors.USAGE, "error: '.' is not a valid scenario id"),
        (["render", "x" * 300, "--name", "A"], errors.USAGE, "is not a valid scenario id"),
    ],
    ids=["include-symlink", "include-from-value", "render-parent", "show-parent", "show-dot", "id-too-long"],
)  # fmt: skip
def test_installed_replykit_keeps_to_the_pack(
    replykit_bin: str, make_pack: MakePack, outside: Path, args: list[str], code: int, message: str
) -> None:
    template = reply_template('{% include "_partials/passwd.j2" %}' if "--name" not in args else "{% include name %}")
    pack = build(make_pack, outside, {"demo/en.j2": template}, {"_partials/passwd.j2": "/etc/passwd"})
    # The folder above the pack holds a scenario too: '..' must not render it.
    (pack.parent / "scenario.yaml").write_text(SCENARIO, encoding="utf-8")
    (pack.parent / "en.j2").write_text(reply_template(SECRET), encoding="utf-8")
    done = run_bin(replykit_bin, *args, "--templates-dir", str(pack))
    assert (done.returncode, done.stdout) == (code, "")
    assert message in done.stderr
    assert "Traceback" not in done.stderr and "\x1b" not in done.stderr
    assert SECRET not in done.stderr and "root:" not in done.stderr
