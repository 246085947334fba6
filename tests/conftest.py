"""Shared fixtures: every test runs with its own user folders, never the real home."""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

# The script beside this interpreter (the venv under test), else whatever is on PATH.
_BESIDE = Path(sys.executable).parent / "replykit"
REPLYKIT = str(_BESIDE) if _BESIDE.exists() else shutil.which("replykit")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the per-user data, config and cache folders at a temporary home."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache")):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    for var in ("REPLYKIT_PATH", "REPLYKIT_CONFIG", "REPLYKIT_PROFILE", "VISUAL", "EDITOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return home


def build_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: dedented text}`` under root and return root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_pack(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Build a scenario pack from a dict of files; each call makes a new folder."""
    counter = iter(range(1000))

    def make(files: dict[str, str]) -> Path:
        return build_tree(tmp_path / f"pack{next(counter)}", files)

    return make


@pytest.fixture
def replykit_bin() -> str:
    """The installed console script, as users run it."""
    if REPLYKIT is None:
        pytest.fail("the replykit console script is not installed (pip install .)")
    return REPLYKIT
