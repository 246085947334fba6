"""Files replykit reads: only regular files, never more than a cap (FIFOs, devices, huge files)."""

from __future__ import annotations

import io
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import make_special
from replykit import errors
from replykit.config import MAX_CONFIG_FILE_BYTES, load_config
from replykit.errors import ConfigInvalid, InputOutputError, InvalidValue, ScenarioInvalid
from replykit.files import read_limited
from replykit.packs.fields import MAX_DATA_FILE_BYTES, read_data
from replykit.packs.library import Library, search_path
from replykit.packs.packfiles import MAX_PACK_FILE_BYTES
from replykit.rendering.templates import render_scenario

MakePack = Callable[[dict[str, str]], Path]

PACK = {
    "demo/scenario.yaml": "title: T\nsummary: S\nfields:\n  name:\n    required: true\n",
    "demo/en.j2": "Subject: Hi\n\nDear {{ name }},\n",
}


@pytest.fixture
def short_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A socket's path must be short: bind it by a name relative to tmp_path."""
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def exactly(text: str) -> str:
    return "^" + re.escape(text) + "$"


SPECIAL = [
    ("folder", "is a folder, not a regular file"),
    ("fifo", "is a FIFO (named pipe), not a regular file"),
    ("socket", "is a socket, not a regular file"),
    ("dev-zero", "is a character device, not a regular file"),
]
SPECIAL_IDS = [kind for kind, _ in SPECIAL]


@pytest.mark.parametrize(("kind", "message"), SPECIAL, ids=SPECIAL_IDS)
def test_read_limited_refuses_what_is_not_a_regular_file(short_cwd: Path, kind: str, message: str) -> None:
    make_special(kind, short_cwd / "f")
    with pytest.raises(InputOutputError, match=exactly(f"{short_cwd / 'f'}: {message}")):
        read_limited(short_cwd / "f", 10)


@pytest.mark.parametrize(
    ("size", "limit", "ok"),
    [(10, 10, True), (11, 10, False), (0, 0, True), (10 * 1024 * 1024, 1024 * 1024, False)],
    ids=["at-the-cap", "one-past", "empty", "ten-times"],
)
def test_read_limited_reads_up_to_the_cap(tmp_path: Path, size: int, limit: int, ok: bool) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * size)
    if ok:
        assert read_limited(path, limit) == b"x" * size
    else:
        with pytest.raises(InputOutputError, match="larger than .*, the most replykit reads from a file"):
            read_limited(path, limit, label="f")


def test_read_limited_messages_name_the_cap_and_keep_the_os_reason(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * 2048)
    with pytest.raises(InputOutputError, match=r"^big: larger than 1 KiB, the most replykit reads from a list$"):
        read_limited(tmp_path / "big", 1024, what="a list", label="big")
    with pytest.raises(InputOutputError, match="No such file or directory"):
        read_limited(tmp_path / "nope", 10)


# Pack files: every one of them, whatever is wrong with it, is a ScenarioInvalid naming it.
# (A link to /dev/zero is refused first because it leads outside the pack.)
PACK_SPECIAL = [(kind, "leads outside its pack" if kind == "dev-zero" else message) for kind, message in SPECIAL]
PACK_CASES = [
    *[(f"demo/{name}", kind, message) for name in ("scenario.yaml", "en.j2") for kind, message in PACK_SPECIAL],
    *[("_fields.yaml", kind, message) for kind, message in PACK_SPECIAL if kind != "socket"],
    ("demo/scenario.yaml", f"sparse-{97 * 1024 * 1024}", "larger than 1 MiB, the most replykit reads from a pack file"),
    ("demo/en.j2", f"sparse-{40 * 1024 * 1024}", "larger than 1 MiB, the most replykit reads from a pack file"),
    ("_fields.yaml", f"sparse-{MAX_PACK_FILE_BYTES + 1}", "larger than 1 MiB"),
]


@pytest.mark.parametrize(
    ("name", "kind", "message"), PACK_CASES, ids=[f"{n.split('/')[-1]}-{k.split('-')[0]}" for n, k, _ in PACK_CASES]
)
def test_pack_files_must_be_small_regular_files(
    make_pack: MakePack, monkeypatch: pytest.MonkeyPatch, name: str, kind: str, message: str
) -> None:
    pack = make_pack({k: v for k, v in PACK.items() if k != name})
    monkeypatch.chdir(pack)
    make_special(kind, pack / name)
    library = Library(search_path(templates_dirs=(pack,)))
    with pytest.raises(ScenarioInvalid) as caught:
        scenario = library.find("demo")
        render_scenario(scenario, {"name": "A"}, lang="en", roots=library.roots)
    assert str(caught.value).startswith(f"{pack / name}: {message}")
    assert caught.value.exit_code == errors.SCENARIO_INVALID


def test_a_pack_file_at_the_cap_is_read(make_pack: MakePack) -> None:
    padding = "{# " + "x" * (MAX_PACK_FILE_BYTES - 100) + " #}"
    pack = make_pack({**PACK, "demo/en.j2": "Subject: Hi\n\nDear {{ name }},\n" + padding})
    library = Library(search_path(templates_dirs=(pack,)))
    assert (pack / "demo/en.j2").stat().st_size <= MAX_PACK_FILE_BYTES
    reply = render_scenario(library.find("demo"), {"name": "A"}, lang="en", roots=library.roots)
    assert reply.body == "Dear A,\n"


@pytest.mark.parametrize(("kind", "message"), SPECIAL, ids=SPECIAL_IDS)
def test_data_file_that_is_not_a_regular_file(short_cwd: Path, kind: str, message: str) -> None:
    make_special(kind, short_cwd / "d.yaml")
    with pytest.raises(InputOutputError, match=exactly(f"--data {short_cwd / 'd.yaml'}: {message}")):
        read_data(str(short_cwd / "d.yaml"), stdin=io.StringIO())


class Endless(io.RawIOBase):
    """An endless stream of zeros, like /dev/zero on stdin."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        buffer[:] = b"\0" * len(buffer)
        return len(buffer)


def test_data_over_the_cap_is_refused_from_a_file_or_stdin(tmp_path: Path) -> None:
    make_special(f"sparse-{MAX_DATA_FILE_BYTES + 1}", tmp_path / "big.yaml")
    message = "larger than 16 MiB, the most replykit reads from a --data file"
    with pytest.raises(InvalidValue, match=f"--data {tmp_path / 'big.yaml'}: {message}"):
        read_data(str(tmp_path / "big.yaml"), stdin=io.StringIO())
    with pytest.raises(InvalidValue, match=f"--data <stdin>: {message}"):
        read_data("-", stdin=io.TextIOWrapper(io.BufferedReader(Endless())))
    with pytest.raises(InvalidValue, match="not UTF-8 text"):
        read_data("-", stdin=io.TextIOWrapper(io.BytesIO(b"name: \xff\n")))


@pytest.mark.parametrize(("kind", "message"), SPECIAL, ids=SPECIAL_IDS)
def test_config_file_that_is_not_a_regular_file(short_cwd: Path, kind: str, message: str) -> None:
    make_special(kind, short_cwd / "config.yaml")
    with pytest.raises(InputOutputError) as caught:
        load_config(short_cwd / "config.yaml")
    assert caught.value.message == f"{short_cwd / 'config.yaml'}: {message}"
    assert "REPLYKIT_CONFIG" in caught.value.hint
    assert caught.value.exit_code == errors.INPUT_OUTPUT


def test_config_file_over_the_cap(tmp_path: Path) -> None:
    make_special(f"sparse-{MAX_CONFIG_FILE_BYTES + 1}", tmp_path / "config.yaml")
    with pytest.raises(ConfigInvalid, match="larger than 1 MiB, the most replykit reads from the config file"):
        load_config(tmp_path / "config.yaml")


def run_bin(replykit_bin: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [replykit_bin, *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    ("setup", "args", "env", "code", "message"),
    [
        ("fifo:d.yaml", ["--data", "{d}/d.yaml"], {}, errors.INPUT_OUTPUT, "d.yaml: is a FIFO (named pipe), not a regular file"),
        ("", ["--data", "/dev/zero"], {}, errors.INPUT_OUTPUT, "--data /dev/zero: is a character device, not a regular file"),
        ("fifo:pack/demo/scenario.yaml", ["--templates-dir", "{d}/pack"], {}, errors.SCENARIO_INVALID, "scenario.yaml: is a FIFO (named pipe)"),
        ("fifo:pack/demo/en.j2", ["--templates-dir", "{d}/pack"], {}, errors.SCENARIO_INVALID, "en.j2: is a FIFO (named pipe)"),
        ("fifo:config.yaml", [], {"REPLYKIT_CONFIG": "{d}/config.yaml"}, errors.INPUT_OUTPUT, "config.yaml: is a FIFO (named pipe)"),
        (f"sparse-{97 * 1024 * 1024}:pack/demo/scenario.yaml", ["--templates-dir", "{d}/pack"], {}, errors.SCENARIO_INVALID, "larger than 1 MiB"),
    ],
    ids=["data-fifo", "data-dev-zero", "scenario-fifo", "template-fifo", "config-fifo", "scenario-97-mb"],
)  # fmt: skip
def test_installed_replykit_neither_hangs_nor_reads_it_whole(
    replykit_bin: str, tmp_path: Path, setup: str, args: list[str], env: dict[str, str], code: int, message: str
) -> None:
    for name, text in PACK.items():
        (tmp_path / "pack" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "pack" / name).write_text(text, encoding="utf-8")
    if setup:
        kind, _, name = setup.partition(":")
        (tmp_path / name).unlink(missing_ok=True)
        make_special(kind, tmp_path / name)
    scenario = "demo" if "{d}/pack" in args else "missing-items"
    done = run_bin(
        replykit_bin,
        "render",
        scenario,
        "--name",
        "A",
        *(a.replace("{d}", str(tmp_path)) for a in args),
        env={k: v.replace("{d}", str(tmp_path)) for k, v in env.items()},
    )
    assert (done.returncode, done.stdout) == (code, "")
    assert message in done.stderr
    assert "Traceback" not in done.stderr and "\x1b" not in done.stderr
