"""Writing files so that nothing is lost: whole or not at all, and never over a file unless asked."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from replykit.errors import InputOutputError, OutputExists


def write_atomic(
    path: Path, text: str | bytes, *, replace: bool, make_folder: bool = False, label: str = "", exists_hint: str = ""
) -> None:
    """Write ``text`` (str as UTF-8, or bytes as given) to ``path`` through a temporary file in the same folder.

    A reader, or a crash, sees the old file or the new one, never half of one. Without
    ``replace`` an existing file is left alone and OutputExists is raised, even when another
    process creates the file meanwhile. ``make_folder`` creates missing parent folders.
    Messages start with ``label`` (the path by default); any failure is an InputOutputError.
    """
    label = label or str(path)
    folder = path.parent
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
    except UnicodeEncodeError as exc:
        raise InputOutputError(f"{label}: not valid text ({exc.reason})") from None
    if path.is_dir():
        raise InputOutputError(f"{label}: is a folder", hint="give a file name")
    if not replace and path.exists():
        raise OutputExists(f"{label}: the file exists", hint=exists_hint)
    try:
        if make_folder:
            folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputOutputError(f"{label}: cannot write in {folder}: {exc.strerror or exc}") from None
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            _set_mode(temp, path)
            if replace:
                os.replace(temp, path)
            else:
                _link_new(temp, path, label=label, exists_hint=exists_hint)
        except OSError as exc:
            if isinstance(exc, OutputExists):
                raise
            raise InputOutputError(f"{label}: cannot write: {exc.strerror or exc}") from None
        _sync_folder(folder)
    finally:
        if os.path.lexists(temp):
            os.unlink(temp)


def _link_new(temp: str, path: Path, *, label: str, exists_hint: str) -> None:
    """Give the finished file its name only if that name is still free (no race with another writer)."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise OutputExists(f"{label}: the file exists", hint=exists_hint) from None
    except OSError:
        # Some file systems have no hard links; the check before writing is the best left.
        if path.exists():
            raise OutputExists(f"{label}: the file exists", hint=exists_hint) from None
        os.replace(temp, path)


def _set_mode(temp: str, path: Path) -> None:
    """mkstemp makes the file private; give it the mode a plain open() would, or the replaced file's."""
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temp, mode)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a folder; its rename is durable enough
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
