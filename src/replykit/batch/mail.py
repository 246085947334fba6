"""A batch's replies as mail drafts: one mbox, a Maildir, or a folder of .eml files.

Every message is what ``render --format eml`` makes (``replykit.output.eml.build_eml``,
parsed back before it is written): From (the sender), To (the order's address), Subject,
Date, Message-ID, Content-Language (the reply's language) and a UTF-8 text/plain body.
All the drafts of one run share one Date, in the profile's ``timezone`` when it has one.
Each writer holds one message at a time, whatever the size of the batch.

``X-Unsent: 1`` belongs to drafts that are opened as files: it makes Thunderbird and
Outlook open an .eml as an editable draft, so the eml folder has it. A message in an
mbox or a Maildir is a draft because of where it is (mutt's ``postponed`` folder,
Thunderbird's Drafts folder, the Maildir ``D`` flag), and mutt keeps every header of a
recalled draft in the mail it sends, so X-Unsent would reach the buyer: those two leave it out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from replykit.errors import UsageError

if TYPE_CHECKING:
    from replykit.batch.model import Writer, Written
    from replykit.batch.writers import Sink
    from replykit.files import AtomicFolder
    from replykit.output.addresses import Mailbox

_EXISTS_HINT = "pass --force to replace it"
_MBOX_FROM = re.compile(rb"^(>*From )", re.MULTILINE)
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_NAME_BYTES = 100
_WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{d}{n}" for d in ("COM", "LPT") for n in range(1, 10)]
)  # fmt: skip
MAILDIR_INFO = ":2,DS"
"""The flags of every Maildir file (in ``cur/``): Draft and Seen, as mail programs store their own drafts."""


class _Drafts:
    """What every mail writer shares: the sender, the run's Date, and the message of one order."""

    def __init__(self, sender: Mailbox) -> None:
        self.sender = sender
        self.date = datetime.now().astimezone()

    unsent = False
    """Whether the messages carry ``X-Unsent: 1`` (see the module's docstring)."""

    def use_timezone(self, name: str) -> None:
        """Write the run's Date in the IANA time zone ``name`` (the profile's ``timezone``): the same
        moment, with that zone's offset. Before the first message; the machine's zone otherwise."""
        from zoneinfo import ZoneInfo

        self.date = self.date.astimezone(ZoneInfo(name))

    def message(self, item: Written) -> bytes:
        from replykit.output.eml import build_eml

        return build_eml(item.reply, sender=self.sender, to=item.to, date=self.date, unsent=self.unsent)


class MboxWriter(_Drafts):
    """One mbox (mboxrd) of drafts, to stdout or to a file written atomically.

    Each message starts with a ``From SENDER DATE`` line; a body line that starts with
    ``From `` after any number of ``>`` gets one more ``>``, so readers that undo mboxrd
    quoting give back the exact text (mutt and Thunderbird show the quoted line as is).
    """

    def __init__(self, sink: Sink, *, sender: Mailbox) -> None:
        import time

        super().__init__(sender)
        self.sink = sink
        self._from_line = f"From {sender.addr} {time.asctime(time.gmtime())}\n".encode("ascii")

    def write(self, item: Written) -> None:
        raw = _MBOX_FROM.sub(rb">\1", self.message(item))
        if not raw.endswith(b"\n"):
            raw += b"\n"
        self.sink.write(self._from_line + raw + b"\n")

    def commit(self) -> None:
        self.sink.commit()

    def abort(self) -> None:
        self.sink.abort()


class MaildirWriter(_Drafts):
    """A Maildir of drafts (``cur/``, ``new/``, ``tmp/``), built in a temporary folder and renamed into place.

    Each message is a file in ``cur/`` named ``SECONDS.MMICROSECONDSPPID_QCOUNT.HOST:2,DS`` (the
    Maildir naming scheme; Draft and Seen flags), so mutt lists them as read drafts rather
    than as new mail, and ``mutt -p`` with ``postponed`` set to the folder recalls them.
    """

    def __init__(self, folder: AtomicFolder, *, sender: Mailbox) -> None:
        import os
        import socket

        super().__init__(sender)
        self.folder = folder
        from replykit.errors import InputOutputError

        for sub in ("cur", "new", "tmp"):
            try:
                (folder.temp / sub).mkdir(mode=0o700)
            except OSError as exc:
                raise InputOutputError(f"{folder.label}: cannot write: {exc.strerror or exc}") from None
        host = socket.gethostname().replace("/", r"\057").replace(":", r"\072") or "localhost"
        seconds, micro = divmod(int(self.date.timestamp() * 1_000_000), 1_000_000)
        self._stem = f"{seconds}.M{micro}P{os.getpid()}"
        self._host = host
        self._count = 0

    def write(self, item: Written) -> None:
        self._count += 1
        name = f"{self._stem}Q{self._count}.{self._host}{MAILDIR_INFO}"
        _write_new(self.folder.temp / "cur" / name, self.message(item), label=self.folder.label)

    def commit(self) -> None:
        self.folder.commit()

    def abort(self) -> None:
        self.folder.abort()


class EmlFolderWriter(_Drafts):
    """A folder of drafts, one ``ORDER-ID.eml`` per order, built in a temporary folder and renamed into place.

    The file name is the order id made safe (``eml_name``); a second order with the same
    name gets ``-2``, ``-3`` ... before ``.eml``. Each file has ``X-Unsent: 1``.
    """

    unsent = True

    def __init__(self, folder: AtomicFolder, *, sender: Mailbox) -> None:
        super().__init__(sender)
        self.folder = folder

    def write(self, item: Written) -> None:
        raw = self.message(item)
        stem = eml_name(item.order.order_id, number=item.order.number)
        suffix = 1
        while True:
            name = f"{stem}.eml" if suffix == 1 else f"{stem}-{suffix}.eml"
            try:
                _write_new(self.folder.temp / name, raw, label=self.folder.label)
                return
            except FileExistsError:
                suffix += 1  # the disk decides, so names differing only in case collide where the disk says so

    def commit(self) -> None:
        self.folder.commit()

    def abort(self) -> None:
        self.folder.abort()


def eml_name(order_id: str, *, number: int) -> str:
    """A file name (without ``.eml``) for an order: its id with every run of characters other than
    ASCII letters, digits, ``.``, ``_`` and ``-`` made one ``_``, without leading or trailing
    ``.``, ``_`` or ``-``, at most 100 characters; ``order-NUMBER`` when nothing is left. So
    ``#1001`` gives ``1001``, ``../x`` gives ``x``: no id can name a path outside the folder,
    a hidden file or a Windows device.
    """
    stem = _UNSAFE_NAME.sub("_", order_id).strip("._-")[:_NAME_BYTES].rstrip("._-")
    if not stem:
        return f"order-{number}"
    if stem.split(".", 1)[0].upper() in _WINDOWS_DEVICES:
        return f"order-{stem}"
    return stem


def _write_new(path: Path, data: bytes, *, label: str) -> None:
    """Write a file that must not exist yet (FileExistsError if it does)."""
    from replykit.errors import InputOutputError

    try:
        with open(path, "xb") as handle:
            handle.write(data)
    except FileExistsError:
        raise
    except OSError as exc:
        raise InputOutputError(f"{label}: cannot write {path.name}: {exc.strerror or exc}") from None


def is_maildir_of_files(path: Path) -> str | None:
    """None if ``path`` holds only ``cur``, ``new`` and ``tmp`` folders of plain files (a Maildir as
    replykit writes it); else what else it holds. A Maildir with subfolders (``.Sent``),
    index files or links is someone's mail store, not output to replace."""
    import os

    with os.scandir(path) as entries:
        names = set()
        for entry in entries:
            if entry.name not in ("cur", "new", "tmp") or not entry.is_dir(follow_symlinks=False):
                return f"is not a Maildir written by replykit (it holds {entry.name!r})"
            names.add(entry.name)
    if names and names != {"cur", "new", "tmp"}:
        return "is not a Maildir (it lacks " + ", ".join(sorted({"cur", "new", "tmp"} - names)) + ")"
    for sub in sorted(names):
        problem = _only_files(path / sub, keep=lambda name: True)
        if problem:
            return problem
    return None


def is_eml_folder(path: Path) -> str | None:
    """None if ``path`` holds only plain ``.eml`` files (a folder as replykit writes it); else what else it holds."""
    return _only_files(path, keep=lambda name: name.endswith(".eml") and not name.startswith("."))


def _only_files(folder: Path, *, keep: Callable[[str], bool]) -> str | None:
    import os

    with os.scandir(folder) as entries:
        for entry in entries:
            if not entry.is_file(follow_symlinks=False) or not keep(entry.name):
                return f"holds {os.path.relpath(entry.path, folder.parent)!r}, which replykit does not write there"
    return None


_FOLDER_CHECKS = {"maildir": is_maildir_of_files, "eml": is_eml_folder}


def open_mail_writer(
    fmt: str,
    output: Path | None,
    *,
    force: bool = False,
    sender: Mailbox | None,
    stdout: Callable[[bytes], None] | None = None,
) -> Writer:
    """The Writer for ``--format mbox``, ``maildir`` or ``eml``, each message From ``sender``.

    ``mbox`` goes to ``output`` (written atomically) or else to ``stdout`` (default: the
    process's). ``maildir`` and ``eml`` need ``output``, a folder made whole at commit. An
    existing ``output`` is refused (OutputExists) unless ``force``; with ``force`` a file
    is replaced as ``--format jsonl`` replaces one, and a folder only if it holds nothing but
    what this format writes (``is_maildir_of_files``, ``is_eml_folder``), else InputOutputError.
    Raises UsageError for another format, a missing sender, or a folder format without
    ``output``; every check is made before the first order is read.
    """
    from replykit.batch.writers import open_sink
    from replykit.files import AtomicFolder

    if sender is None:
        raise UsageError("mail drafts need a sender", hint="pass --from shop@example.com")
    if fmt == "mbox":
        return MboxWriter(open_sink(output, force=force, stdout=stdout, label="--output"), sender=sender)
    check = _FOLDER_CHECKS.get(fmt)
    if check is None:
        raise UsageError(f"unknown mail format {fmt!r}", hint="mail formats: mbox, maildir, eml")
    if output is None:
        raise UsageError(f"--format {fmt} writes a folder: it needs --output DIR", hint="or --format mbox to stdout")
    label = f"--output {output}"
    folder = AtomicFolder(output, replace=force, replaceable=check, label=label, exists_hint=_EXISTS_HINT)
    try:
        return MaildirWriter(folder, sender=sender) if fmt == "maildir" else EmlFolderWriter(folder, sender=sender)
    except BaseException:
        folder.abort()
        raise
