"""Reading a pack's files: inside the pack, regular files only, each at most MAX_PACK_FILE_BYTES.

A pack is a folder someone else may have written. Whatever it holds, reading it must not
reach outside it (a symlink to /etc/passwd, a symlinked scenario folder), hang (a FIFO),
never end (``/dev/zero``) or fill memory (a 97 MB scenario.yaml).

The rule: every file read for a pack resolves, symlinks and all, to a path under the real
path of the pack's root, and is a regular file. The root itself may be a symlink: it is
the folder the user chose (``--templates-dir``, REPLYKIT_PATH), so it is resolved first.
Symlinks inside the pack that lead to another place inside it are fine.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from replykit.errors import ScenarioInvalid
from replykit.files import kind_of, read_limited, size_text
from replykit.limits import MAX_PACK_FILE_BYTES

_WHAT = "a pack file"
_SIZE_HINT = f"keep each scenario file and template under {size_text(MAX_PACK_FILE_BYTES)}"


def _fail(path: Path, message: str, hint: str = "") -> ScenarioInvalid:
    return ScenarioInvalid(message, path=path, hint=hint)


def resolve_in_pack(path: Path, root: Path) -> Path:
    """``path`` with every symlink resolved, if that stays inside the pack ``root``.

    Raises ScenarioInvalid naming ``path`` and where it leads when it leaves the pack.
    """
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    try:
        inside = os.path.commonpath([real_root, real]) == real_root
    except ValueError:  # another drive, on Windows
        inside = False
    if not inside:
        raise _fail(
            path,
            f"leads outside its pack {root} (to {real})",
            hint="a pack's files, folders and symlinks must stay inside the pack's folder",
        )
    return Path(real)


def check_pack_file(path: Path, *, root: Path) -> None:
    """Refuse (ScenarioInvalid) a file of the pack ``root`` that leads outside it, is not a regular
    file or is over MAX_PACK_FILE_BYTES. For files found now and read later (language templates).
    """
    real = resolve_in_pack(path, root)
    try:
        info = os.stat(real)
    except OSError as exc:
        raise _fail(path, exc.strerror or str(exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise _fail(path, f"is {kind_of(info.st_mode)}, not a regular file")
    if info.st_size > MAX_PACK_FILE_BYTES:
        raise _fail(
            path, f"larger than {size_text(MAX_PACK_FILE_BYTES)}, the most replykit reads from {_WHAT}", _SIZE_HINT
        )


def read_pack_bytes(path: Path, *, root: Path) -> bytes:
    """The bytes of a file of the pack ``root``.

    Raises ScenarioInvalid naming ``path`` if it leads outside the pack, is not a regular
    file, cannot be read or is over MAX_PACK_FILE_BYTES.
    """
    return read_limited(
        resolve_in_pack(path, root),
        MAX_PACK_FILE_BYTES,
        what=_WHAT,
        too_large=lambda message: _fail(path, message, hint=_SIZE_HINT),
        unreadable=lambda message: _fail(path, message),
    )


def read_pack_text(path: Path, *, root: Path) -> str:
    """The UTF-8 text of a file of the pack ``root`` (see read_pack_bytes); ScenarioInvalid if not UTF-8."""
    from replykit.packs.yamlio import decode

    return decode(read_pack_bytes(path, root=root), error=lambda message, line: _fail(path, message))
