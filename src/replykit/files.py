"""Reading and writing files safely.

Reading: only regular files, and never more than a cap, so that a FIFO, a device or a huge
file cannot hang replykit or fill its memory. Writing: whole or not at all, and never over a
file unless asked.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from replykit.errors import InputOutputError, OutputExists

MessageError = Callable[[str], Exception]

# O_NONBLOCK: opening a FIFO must not wait for a writer (the kind is checked right after).
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_CHUNK = 1 << 20


def size_text(limit: int) -> str:
    """A byte count as people read it: 1048576 -> '1 MiB', 1500 -> '1500 bytes'."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit} bytes"


def kind_of(mode: int) -> str:
    """What a file is, from its st_mode, for messages: 'a folder', 'a FIFO (named pipe)', ..."""
    kinds = (
        (stat.S_ISREG, "a regular file"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _not_regular(mode: int) -> str:
    return f"is {kind_of(mode)}, not a regular file"


def read_limited(
    path: Path,
    limit: int,
    *,
    what: str = "a file",
    label: str = "",
    too_large: MessageError | None = None,
    unreadable: MessageError | None = None,
) -> bytes:
    """The bytes of the regular file ``path``, refusing anything else and anything over ``limit`` bytes.

    The file is opened without blocking, checked with fstat (a folder, FIFO, device or socket
    is refused before a byte is read) and read up to ``limit`` + 1 bytes, so neither
    ``/dev/zero`` nor a 1 GB file is read whole. Errors are built by ``unreadable(message)``
    (not a regular file, or the OS refused) and ``too_large(message)`` (over ``limit``, naming
    it and ``what`` the limit is for); both default to InputOutputError("LABEL: message"),
    LABEL being ``label`` or the path.
    """
    label = label or str(path)

    def default(message: str) -> Exception:
        return InputOutputError(f"{label}: {message}")

    cannot_read = unreadable or default
    over = too_large or default
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        try:
            mode = os.stat(path).st_mode
        except OSError:
            mode = stat.S_IFREG
        # A socket cannot be opened at all, and Windows cannot open a folder: name what it is.
        message = _not_regular(mode) if not stat.S_ISREG(mode) else (exc.strerror or str(exc))
        raise cannot_read(message) from None
    try:
        mode, data = _read_regular(fd, limit)
    except OSError as exc:
        raise cannot_read(exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if not stat.S_ISREG(mode):
        raise cannot_read(_not_regular(mode))
    if data is None:
        raise over(f"larger than {size_text(limit)}, the most replykit reads from {what}")
    return data


def _read_regular(fd: int, limit: int) -> tuple[int, bytes | None]:
    """The file's mode and, for a regular file, its bytes; None when it holds more than ``limit``."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        return info.st_mode, b""
    if info.st_size > limit:
        return info.st_mode, None
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = os.read(fd, min(limit + 1 - total, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    # st_size can be 0 or stale (/proc files, a file still growing): the count read decides.
    return info.st_mode, b"".join(chunks) if total <= limit else None


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` and its missing parents with mode 0700 (only the user can enter them).

    Folders that exist are left as they are. Raises InputOutputError naming the folder that
    could not be made.
    """
    missing: list[Path] = []
    current = folder
    while not os.path.isdir(current) and current != current.parent:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            if not os.path.isdir(path):
                raise InputOutputError(f"{path}: cannot create the folder: a file has that name") from None
        except OSError as exc:
            raise InputOutputError(f"{path}: cannot create the folder: {exc.strerror or exc}") from None


def write_atomic(
    path: Path, text: str | bytes, *, replace: bool, make_folder: bool = False, label: str = "", exists_hint: str = ""
) -> None:
    """Write ``text`` (str as UTF-8, or bytes as given) to ``path`` through a temporary file in the same folder.

    A reader, or a crash, sees the old file or the new one, never half of one. Without
    ``replace`` an existing file is left alone and OutputExists is raised, even when another
    process creates the file meanwhile. ``replace`` replaces only a regular file (or a
    symlink to one): a folder, device, FIFO or socket is refused, whoever runs replykit, so
    ``-o /dev/null --force`` run as root cannot turn the device into a file. ``make_folder``
    creates missing parent folders, private to the user (0700). Messages start with
    ``label`` (the path by default); any failure is an InputOutputError.
    """
    label = label or str(path)
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
    except UnicodeEncodeError as exc:
        raise InputOutputError(f"{label}: not valid text ({exc.reason})") from None
    if make_folder:
        _check_target(path, label=label, replace=replace, exists_hint=exists_hint)  # before any folder is made
        make_private_folder(path.parent)
    out = AtomicFile(path, replace=replace, label=label, exists_hint=exists_hint)
    try:
        out.write(data)
        out.commit()
    except BaseException:
        out.abort()
        raise


def _check_target(path: Path, *, label: str, replace: bool, exists_hint: str = "") -> None:
    """Refuse a target that is not a regular file, whatever ``replace`` says, and without it any file."""
    # A dangling symlink counts as nothing there: it is replaced like a file.
    mode = _target_mode(path, label=label, follow=True, noun="file")
    if mode is None:
        return
    if not stat.S_ISREG(mode):
        raise InputOutputError(
            f"{label}: is {kind_of(mode)}, not a regular file; replykit replaces only regular files",
            hint="give the name of a regular file, or of one that does not exist yet",
        )
    if not replace:
        raise OutputExists(f"{label}: the file exists", hint=exists_hint)


def _target_mode(path: Path, *, label: str, follow: bool, noun: str) -> int | None:
    """The mode of what stands at ``path`` (following a symlink when ``follow``), or None when
    nothing does or its folder cannot be read (writing in it then reports the problem). A name too
    long for the file system raises InputOutputError, with a hint naming the ``noun``."""
    try:
        return (os.stat if follow else os.lstat)(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise InputOutputError(
                f"{label}: the name is too long for the file system ({len(path.name)} characters)",
                hint=f"choose a shorter {noun} name",
            ) from None
        return None


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


class AtomicFile:
    """A file written in pieces that appears whole under its name only at ``commit``, or not at all.

    The same guarantees as ``write_atomic`` for output too large to hold in memory (a batch of
    replies): the target is checked when the file is opened, so OutputExists comes before
    any work is done; bytes go to a temporary file in the same folder; ``commit`` flushes
    it to disk and gives it the name (without ``replace``, only if that name is still free);
    ``abort`` removes it. Failures are InputOutputError (OutputExists for an existing target).
    """

    def __init__(self, path: Path, *, replace: bool, label: str = "", exists_hint: str = "") -> None:
        self.path = path
        self.replace = replace
        self.label = label or str(path)
        self.exists_hint = exists_hint
        _check_target(path, label=self.label, replace=replace, exists_hint=exists_hint)
        try:
            fd, self._temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".tmp")
        except OSError as exc:
            raise InputOutputError(f"{self.label}: cannot write in {path.parent}: {exc.strerror or exc}") from None
        self._handle = os.fdopen(fd, "wb")
        self._open = True

    def write(self, data: bytes) -> None:
        """Append ``data`` to the temporary file."""
        try:
            self._handle.write(data)
        except OSError as exc:
            raise InputOutputError(f"{self.label}: cannot write: {exc.strerror or exc}") from None

    def commit(self) -> None:
        """Flush to disk and give the file its name; nothing is left under a temporary name."""
        if not self._open:
            return
        self._open = False
        try:
            try:
                self._handle.flush()
                os.fsync(self._handle.fileno())
                self._handle.close()
                _set_mode(self._temp, self.path)
                if self.replace:
                    _check_target(self.path, label=self.label, replace=True)
                    os.replace(self._temp, self.path)
                else:
                    _link_new(self._temp, self.path, label=self.label, exists_hint=self.exists_hint)
            except OSError as exc:
                if isinstance(exc, InputOutputError):
                    raise
                raise InputOutputError(f"{self.label}: cannot write: {exc.strerror or exc}") from None
            _sync_folder(self.path.parent)
        finally:
            self._remove_temp()

    def abort(self) -> None:
        """Remove the temporary file; the target is left as it was."""
        if self._open:
            self._open = False
            try:
                self._handle.close()
            except OSError:
                pass
        self._remove_temp()

    def _remove_temp(self) -> None:
        if os.path.lexists(self._temp):
            os.unlink(self._temp)


class AtomicFolder:
    """A folder filled file by file that appears whole under its name only at ``commit``, or not at all.

    The files go to a temporary sibling folder (private to the user, 0700), which ``commit``
    flushes to disk and renames to ``path``; ``abort`` removes it. The target is checked when
    the folder is opened, so OutputExists comes before any work is done. Without ``replace``
    an existing target is refused (OutputExists), at open and again at commit. With
    ``replace``, only a folder that ``replaceable(path)`` accepts (it returns None, or else
    why not) is replaced: a file, a symbolic link, or a folder that holds anything else is
    refused, so ``--force`` cannot delete a user's own folder. The old folder is moved aside
    under a hidden name, the new one renamed into place, and only then the old one removed;
    if the last step fails the new folder is in place and the error names the old one.
    Failures are InputOutputError (OutputExists for an existing target).
    """

    def __init__(
        self,
        path: Path,
        *,
        replace: bool,
        replaceable: Callable[[Path], str | None],
        label: str = "",
        exists_hint: str = "",
    ) -> None:
        self.path = Path(os.path.abspath(path))
        self.replace = replace
        self.label = label or str(path)
        self.exists_hint = exists_hint
        self._replaceable = replaceable
        if not self.path.name or self.path.name in (".", ".."):
            raise InputOutputError(f"{self.label}: not a folder name", hint="give the name of a new folder")
        self._check_target()
        try:
            self.temp = Path(tempfile.mkdtemp(dir=self.path.parent, prefix=f".{self.path.name[:40]}.", suffix=".tmp"))
        except OSError as exc:
            raise InputOutputError(f"{self.label}: cannot write in {self.path.parent}: {exc.strerror or exc}") from None
        self._open = True

    def _check_target(self) -> None:
        mode = _target_mode(self.path, label=self.label, follow=False, noun="folder")
        if mode is None:
            return
        if stat.S_ISLNK(mode):
            problem = "is a symbolic link"
        elif not stat.S_ISDIR(mode):
            problem = f"is {kind_of(mode)}, not a folder"
        elif not self.replace:
            raise OutputExists(f"{self.label}: the folder exists", hint=self.exists_hint)
        else:
            problem = self._replaceable(self.path) or ""
            if not problem:
                return
        raise InputOutputError(
            f"{self.label}: {problem}; replykit replaces only a folder it could have written",
            hint="give the name of a folder that does not exist yet",
        )

    def commit(self) -> None:
        """Flush the files to disk and give the folder its name; nothing is left under a temporary name."""
        if not self._open:
            return
        self._open = False
        old: Path | None = None
        try:
            if hasattr(os, "sync"):
                os.sync()  # one flush for every file: an fsync per file costs a disk round trip each
            self._check_target()
            if os.path.lexists(self.path):
                old = self._move_aside()
            try:
                os.rename(self.temp, self.path)
            except OSError as exc:
                if old is not None:
                    os.rename(old, self.path)
                    old = None
                if exc.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR):
                    raise OutputExists(f"{self.label}: the folder exists", hint=self.exists_hint) from None
                raise InputOutputError(f"{self.label}: cannot write: {exc.strerror or exc}") from None
            _sync_folder(self.path.parent)
        except BaseException:
            self._remove_temp()
            raise
        if old is not None:
            try:
                shutil.rmtree(old)
            except OSError as exc:
                raise InputOutputError(
                    f"{self.label}: written, but the folder it replaced could not be removed from {old}: "
                    f"{exc.strerror or exc}"
                ) from None

    def _move_aside(self) -> Path:
        for _ in range(100):
            old = self.path.with_name(f".{self.path.name[:40]}.{os.urandom(4).hex()}.old")
            if os.path.lexists(old):
                continue
            try:
                os.rename(self.path, old)
            except OSError as exc:
                raise InputOutputError(f"{self.label}: cannot replace the folder: {exc.strerror or exc}") from None
            return old
        raise InputOutputError(f"{self.label}: cannot find a free name to move the old folder to")

    def abort(self) -> None:
        """Remove the temporary folder; the target is left as it was."""
        self._open = False
        self._remove_temp()

    def _remove_temp(self) -> None:
        shutil.rmtree(self.temp, ignore_errors=True)


def _unsafe(folder: Path) -> str:
    """Why replykit must not load data it cached in this folder, or '' when it may."""
    try:
        info = folder.stat()
    except OSError as exc:
        return f"it cannot be checked ({exc.strerror})"
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a folder"
    if sys.platform != "win32":  # Windows grants access by ACLs, which st_mode does not show
        if info.st_uid != os.getuid():
            return "it belongs to another user"
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return "other users can write to it"
    return ""


def _make_private(folder: Path) -> None:
    """Create ``folder`` and any missing parents with mode 0700 (``mkdir -p`` would use the umask's)."""
    missing = []
    while not folder.exists() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)


def private_cache_folder(root: Path, name: str) -> tuple[Path | None, tuple[Path, str] | None]:
    """The cache folder ``root/name``, made private (0700) if new, when only this user can write it.

    Returns ``(folder, None)`` when it may be used; ``(None, None)`` when it cannot be created
    (no cache, nothing to say); ``(None, (path, why))`` when it or ``root`` belongs to another
    user or others can write to it, so what is in it could have been put there by them.
    """
    folder = root / name
    try:
        _make_private(folder)
    except OSError:
        return None, None
    for path in (root, folder):
        problem = _unsafe(path)
        if problem:
            return None, (path, problem)
    return folder, None
