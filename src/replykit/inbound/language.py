"""The language of a buyer's own words, among the languages a scenario is written in.

py3langid (BSD; its model ships inside the package) is restricted with ``set_languages`` to
the candidate languages, and its normalised probability is the confidence. One identifier
is loaded per process, on the first call. The packaged model is LZMA-compressed, and
decompressing it costs most of a second at every start; so the first load also keeps its
arrays uncompressed in the user's private cache folder (about 65 MB, ``langid/``), which
later processes map from disk instead. A cache that is missing, unsafe or not as expected is
not used, and the packaged model is read as before.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIDENCE_FLOOR = 0.70
"""Below this confidence the language is not taken. Measured with py3langid 0.4.0 restricted to the 12
languages: the 60 short buyer messages of tests/mailfixtures.py (5 a language) all right, the lowest at
0.83 (Spanish); 12 questions of 3 to 5 words all right, the lowest 0.84; text in no language ("lol ok ok",
"OK OK OK OK", "asdf qwer zxcv", an address line, a URL) 0.17 to 0.51. The floor sits between the two."""

MIN_WORDS = 3
"""Fewer words than this are not identified: "ok", "thanks Anna" say nothing reliable about a language.
In Chinese and Japanese, which write no spaces, two characters count as one word."""

_NAMES = {
    "en": "English",
    "de": "German",
    "nl": "Dutch",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "pl": "Polish",
    "ru": "Russian",
    "ja": "Japanese",
    "ko": "Korean",
    "ar": "Arabic",
    "zh": "Chinese",
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Identified:
    """Which language the text is in, how sure, and the sentence stderr shows."""

    language: str | None
    """A tag from ``among`` (e.g. "pt-BR"), None when below the floor or too little text."""
    confidence: float
    """0..1, the identifier's probability among the candidate languages."""
    reason: str
    """For stderr: "identified as German (confidence 0.97)", "too few words (2) to identify"."""


_lock = threading.Lock()
_identifier: Any = None
_known: frozenset[str] = frozenset()
_restricted_to: tuple[str, ...] | None = None


def _load() -> frozenset[str]:
    """Load the process's one identifier (once); the language codes it knows."""
    global _identifier, _known
    if _identifier is None:
        _identifier = _cached_identifier() or _packaged_identifier()
        _known = frozenset(_identifier.labels)
    return _known


def _packaged_identifier() -> Any:
    """py3langid's own way: its model decompressed from the package."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def _model_cache() -> Path | None:
    """This py3langid model's folder in the private cache (it may not exist yet), or None for no cache."""
    if os.environ.get("REPLYKIT_NO_CACHE"):
        return None
    from importlib.metadata import version

    from platformdirs import user_cache_path
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    from replykit.files import private_cache_folder

    folder, _ = private_cache_folder(user_cache_path("replykit", appauthor=False), "langid")
    if folder is None:
        return None
    model = Path(MODEL_DIR) / MODEL_FILE
    info = model.stat()
    return folder / f"py3langid-{version('py3langid')}-{info.st_size}-{info.st_mtime_ns}"


def _cached_identifier() -> Any:
    """The identifier from the uncompressed cache, writing the cache first when it is missing; None on failure."""
    try:
        import numpy as np
        from py3langid import modelio  # type: ignore[import-untyped]
        from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

        folder = _model_cache()
        if folder is None:
            return None
        if not folder.is_dir():
            _write_cache(folder, Path(MODEL_DIR) / MODEL_FILE)
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS}
        ptc, pc, classes = arrays["ptc"], arrays["pc"], arrays["classes"]
        if ptc.ndim != 2 or ptc.shape[1] != len(pc) or len(pc) != len(classes) or arrays["nextmove"].size % 256:
            return None
        states, rows = len(arrays["nextmove_row"]), arrays["nextmove"].size // 256
        if states != len(arrays["out_feat"]) or int(arrays["out_feat"].max()) >= ptc.shape[0]:
            return None
        if int(arrays["nextmove"].max()) >= states or int(arrays["nextmove_row"].max()) >= rows:
            return None
        return LanguageIdentifier(
            np.asarray(ptc),
            np.asarray(pc),
            classes.tolist(),
            modelio._to_array(arrays["nextmove"]),
            arrays["out_feat"].tolist(),
            norm_probs=True,
            tk_row=modelio._to_array(arrays["nextmove_row"]),
        )
    except Exception:  # noqa: BLE001 - any problem with the cache means: read the packaged model
        return None


def _write_cache(folder: Path, model: Path) -> None:
    """Decompress the packaged model into ``folder`` as one .npy file per array, the folder appearing whole."""
    import lzma
    import shutil
    import tempfile

    import numpy as np

    from replykit.files import AtomicFolder

    with tempfile.TemporaryFile(suffix=".npz") as unpacked:
        with lzma.open(model) as source:
            shutil.copyfileobj(source, unpacked, length=1 << 20)
        unpacked.seek(0)
        with np.load(unpacked, allow_pickle=False) as data:
            target = AtomicFolder(folder, replace=False, replaceable=lambda _: "")
            try:
                for name in _ARRAYS:
                    np.save(target.temp / f"{name}.npy", data[name], allow_pickle=False)
            except BaseException:
                target.abort()
                raise
            target.commit()


def _classify(text: str, codes: tuple[str, ...]) -> tuple[str, float]:
    """py3langid's answer among ``codes``, restricting the identifier again only when they change."""
    global _restricted_to
    if _restricted_to != codes:
        _identifier.set_languages(list(codes))
        _restricted_to = codes
    code, confidence = _identifier.classify(text)
    return str(code), float(confidence)


def count_words(text: str) -> int:
    """Words in ``text``: runs of letters, and in Chinese and Japanese script every two characters."""
    count = 0
    for word in _WORD.findall(text):
        unspaced = len(_UNSPACED.findall(word))
        count += (unspaced + 1) // 2 + (1 if unspaced < len(word) else 0) if unspaced else 1
    return count


def _name(tag: str) -> str:
    return _NAMES.get(tag.split("-")[0].lower(), tag)


def identify(text: str, *, among: Sequence[str], floor: float = CONFIDENCE_FLOOR) -> Identified:
    """The language of ``text`` among the tags ``among`` (such as a scenario's languages).

    Pass the buyer's own words (``BuyerMessage.own_words``). When they are empty, the whole
    message was quoted text, which is the shop's own earlier words: do not fall back to
    ``text``; the profile's language applies. Tags are matched by their language subtag
    ("pt-BR" is asked for as "pt" and given back as "pt-BR"); tags py3langid does not know
    are left out. Returns language None below ``floor``, with fewer than MIN_WORDS words,
    or when no candidate is known to the identifier.
    """
    words = count_words(text)
    if words < MIN_WORDS:
        return Identified(None, 0.0, f"too few words ({words}) to identify")
    by_code: dict[str, str] = {}
    for tag in among:
        by_code.setdefault(tag.split("-")[0].lower(), tag)
    with _lock:
        known = _load()
        codes = tuple(sorted(code for code in by_code if code in known))
        if not codes:
            return Identified(None, 0.0, "none of " + ", ".join(among) + " can be identified")
        if len(codes) == 1:
            tag = by_code[codes[0]]
            return Identified(tag, 1.0, f"{_name(tag)}, the only language to choose from")
        code, confidence = _classify(text, codes)
    tag = by_code[code]
    confidence = round(confidence, 2)
    if confidence < floor:
        return Identified(
            None,
            confidence,
            f"not sure of the language: {_name(tag)} at most (confidence {confidence:.2f}, below {floor:.2f})",
        )
    return Identified(tag, confidence, f"identified as {_name(tag)} (confidence {confidence:.2f})")
