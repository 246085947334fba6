"""Reading a pack's files: regular files only, each at most MAX_PACK_FILE_BYTES.

A pack is a folder someone else may have written. Whatever it holds, reading it must not
hang (a FIFO), never end (``/dev/zero``) or fill memory (a 97 MB scenario.yaml).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from replykit.errors import ScenarioInvalid
from replykit.files import kind_of, read_limited, size_text

# scenario.yaml, _fields.yaml, a template or a partial: a few KiB each in practice.
MAX_PACK_FILE_BYTES = 1024 * 1024

_WHAT = "a pack file"
_SIZE_HINT = f"keep each scenario file and template under {size_text(MAX_PACK_FILE_BYTES)}"


def _fail(path: Path, message: str, hint: str = "") -> ScenarioInvalid:
    return ScenarioInvalid(message, path=path, hint=hint)


def check_pack_file(path: Path) -> None:
    """Refuse (ScenarioInvalid) a pack file that is not a regular file or is over MAX_PACK_FILE_BYTES.

    For files found now and read later by name (a scenario's language templates).
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _fail(path, exc.strerror or str(exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise _fail(path, f"is {kind_of(info.st_mode)}, not a regular file")
    if info.st_size > MAX_PACK_FILE_BYTES:
        raise _fail(path, f"larger than {size_text(MAX_PACK_FILE_BYTES)}, the most replykit reads from {_WHAT}",
                    hint=_SIZE_HINT)  # fmt: skip


def read_pack_bytes(path: Path) -> bytes:
    """The bytes of a pack file; ScenarioInvalid naming the file if it is not regular, unreadable or too large."""
    return read_limited(
        path,
        MAX_PACK_FILE_BYTES,
        what=_WHAT,
        too_large=lambda message: _fail(path, message, hint=_SIZE_HINT),
        unreadable=lambda message: _fail(path, message),
    )


def read_pack_text(path: Path) -> str:
    """The UTF-8 text of a pack file (see read_pack_bytes); ScenarioInvalid if it is not UTF-8."""
    from replykit.packs.yamlio import decode

    return decode(read_pack_bytes(path), error=lambda message, line: _fail(path, message))
