"""The language identifier's model, kept uncompressed in the private cache so later processes skip the LZMA."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from replykit.inbound import language


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A cache root of this test's own, and no identifier loaded in this process yet."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(language, "_identifier", None)
    monkeypatch.setattr(language, "_restricted_to", None)
    return tmp_path / "cache" / "replykit" / "langid"


def test_the_first_load_writes_the_cache_and_later_loads_read_it(fresh: Path) -> None:
    first = language.identify("Hallo, in meinem Paket fehlt die blaue Tasse.", among=["de", "en", "fr"])
    (model,) = fresh.iterdir()
    assert sorted(p.name for p in model.iterdir()) == sorted(f"{name}.npy" for name in language._ARRAYS)
    assert oct(fresh.stat().st_mode & 0o777) == "0o700"
    cached = language._cached_identifier()
    assert cached is not None
    cached.set_languages(["de", "en", "fr"])
    assert cached.classify("Hallo, in meinem Paket fehlt die blaue Tasse.")[0] == "de" == first.language


@pytest.mark.parametrize("damage", ["wrong-shape", "truncated", "not-numpy"])
def test_a_damaged_cache_is_not_used_and_the_packaged_model_still_answers(
    fresh: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    language.identify("Where is my parcel? It has been three weeks.", among=["en", "de"])
    (model,) = fresh.iterdir()
    target = model / "ptc.npy"
    if damage == "wrong-shape":
        np.save(target, np.zeros((3, 2), dtype=np.float16))
    elif damage == "truncated":
        target.write_bytes(target.read_bytes()[:1000])
    else:
        target.write_bytes(b"#!/bin/sh\necho not an array\n")
    assert language._cached_identifier() is None
    monkeypatch.setattr(language, "_identifier", None)
    found = language.identify("Where is my parcel? It has been three weeks.", among=["en", "de"])
    assert found.language == "en"


def test_a_cache_folder_others_can_write_is_not_used(fresh: Path) -> None:
    fresh.mkdir(parents=True, mode=0o700)
    os.chmod(fresh, 0o777)
    assert language._model_cache() is None
    found = language.identify("Il pacco non è mai arrivato, dove si trova?", among=["it", "es"])
    assert found.language == "it"
    assert list(fresh.iterdir()) == []


def test_no_cache_when_replykit_no_cache_is_set(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLYKIT_NO_CACHE", "1")
    assert language.identify("Mein Paket ist nicht angekommen.", among=["de", "en"]).language == "de"
    assert not fresh.exists()
