"""What replykit writes: only regular files are replaced, and the folders it makes are private."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import make_special
from replykit import errors
from replykit.config import config_location, set_value, update_config
from replykit.errors import InputOutputError, OutputExists
from replykit.files import make_private_folder, write_atomic
from replykit.packs import authoring
from replykit.packs.library import Library, search_path, user_dir

KINDS = [
    ("folder", "is a folder, not a regular file"),
    ("fifo", "is a FIFO (named pipe), not a regular file"),
    ("socket", "is a socket, not a regular file"),
    ("dev-null-link", "is a character device, not a regular file"),
    ("folder-link", "is a folder, not a regular file"),
]


@pytest.mark.parametrize("replace", [True, False], ids=["force", "no-force"])
@pytest.mark.parametrize(("kind", "message"), KINDS, ids=[k for k, _ in KINDS])
def test_only_a_regular_file_is_ever_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, message: str, replace: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "reply.txt"
    make_special(kind, target)
    before = os.lstat(target)
    with pytest.raises(InputOutputError) as caught:
        write_atomic(target, "x\n", replace=replace, label="--output reply.txt")
    assert caught.value.message == f"--output reply.txt: {message}; replykit replaces only regular files"
    assert not isinstance(caught.value, OutputExists)
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


def test_a_symlink_to_a_regular_file_is_replaced_as_before(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text("old\n", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    with pytest.raises(OutputExists):
        write_atomic(tmp_path / "link.txt", "new\n", replace=False)
    write_atomic(tmp_path / "link.txt", "new\n", replace=True)
    assert (tmp_path / "link.txt").read_text(encoding="utf-8") == "new\n"


@pytest.mark.parametrize(
    ("name", "message"),
    [("x" * 300, "the name is too long for the file system (300 characters)"), ("x" * 250, None)],
    ids=["300-characters", "250-characters"],
)
def test_long_file_names(tmp_path: Path, name: str, message: str | None) -> None:
    if message is None:  # the temporary file's name must not be what is too long
        write_atomic(tmp_path / name, "x\n", replace=False)
        assert (tmp_path / name).read_text(encoding="utf-8") == "x\n"
        return
    with pytest.raises(InputOutputError, match=re.escape(message)):
        write_atomic(tmp_path / name, "x\n", replace=True)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> object:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_make_private_folder_makes_every_missing_folder_0700(tmp_path: Path, umask_022: object) -> None:
    (tmp_path / "a").mkdir(mode=0o755)
    make_private_folder(tmp_path / "a" / "b" / "c")
    assert [_mode(tmp_path / p) for p in ("a", "a/b", "a/b/c")] == [0o755, 0o700, 0o700]
    make_private_folder(tmp_path / "a" / "b" / "c")  # an existing folder is fine
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InputOutputError, match="cannot create the folder"):
        make_private_folder(tmp_path / "file" / "sub")


def test_folders_replykit_creates_are_private(isolated_home: Path, umask_022: object) -> None:
    authoring.init_library()
    authoring.new_scenario("mine", library=Library(search_path()))
    authoring.edit_target("missing-items", library=Library(search_path()))
    update_config(config_location().path, lambda c: set_value(c, "main", "seller_name", "Sam"))
    made = [
        isolated_home / "data",
        isolated_home / "data" / "replykit",
        user_dir(),
        user_dir() / "example",
        user_dir() / "mine",
        user_dir() / "missing-items",
        isolated_home / "config",
        config_location().path.parent,
    ]
    assert {str(p): oct(_mode(p)) for p in made} == {str(p): "0o700" for p in made}


def run_bin(replykit_bin: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [replykit_bin, *args],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )


LONG = "x" * 300


@pytest.mark.parametrize(
    ("args", "env", "code", "message"),
    [
        (["-o", os.devnull, "--force"], {}, errors.INPUT_OUTPUT, f"--output {os.devnull}: is a character device, not a regular file"),
        (["-o", "{d}/fifo", "--force"], {}, errors.INPUT_OUTPUT, "fifo: is a FIFO (named pipe), not a regular file"),
        (["-o", "{d}/" + LONG], {}, errors.INPUT_OUTPUT, "the name is too long for the file system (300 characters)"),
        (["--templates-dir", "{d}/" + LONG], {}, errors.USAGE, ": no such folder"),
        ([], {"REPLYKIT_CONFIG": "{d}/" + LONG}, errors.INPUT_OUTPUT, ": File name too long"),
    ],
    ids=["force-dev-null", "force-fifo", "long-output", "long-templates-dir", "long-config"],
)  # fmt: skip
def test_installed_replykit_replaces_no_device_and_reports_long_names(
    replykit_bin: str, tmp_path: Path, args: list[str], env: dict[str, str], code: int, message: str
) -> None:
    os.mkfifo(tmp_path / "fifo")
    args = [a.replace("{d}", str(tmp_path)) for a in args]
    env = {k: v.replace("{d}", str(tmp_path)) for k, v in env.items()}
    done = run_bin(replykit_bin, "render", "missing-items", "--name", "A", *args, env=env)
    assert (done.returncode, done.stdout) == (code, "")
    assert message in done.stderr
    assert "Traceback" not in done.stderr and "\x1b" not in done.stderr
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode) and stat.S_ISFIFO(os.stat(tmp_path / "fifo").st_mode)


def test_installed_replykit_new_with_a_300_character_id(replykit_bin: str) -> None:
    done = run_bin(replykit_bin, "new", LONG)
    assert (done.returncode, done.stdout) == (errors.USAGE, "")
    assert "is not a valid scenario id" in done.stderr and "at most 64 characters" in done.stderr
    assert "Traceback" not in done.stderr
