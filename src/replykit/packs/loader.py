"""The Jinja2 loader of pack templates: a name is a path inside a pack, and what it reads stays inside.

``{% include %}``, ``{% extends %}`` and ``{% import %}`` find templates through it, in every
pack of the search path in order (a user's template may include a built-in partial). A name
with ``..``, a leading ``/`` or a backslash is refused, whether written in the template or
taken from a field value (``{% include name %}``); a file found is read like every pack
file (see packfiles: inside its pack, a regular file, at most MAX_PACK_FILE_BYTES), and its
text may hold no character that could drive a terminal (see check_template_text).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from jinja2 import BaseLoader, Environment
from jinja2.exceptions import TemplateError, TemplateNotFound

from replykit.errors import ScenarioInvalid
from replykit.packs.characters import refused
from replykit.packs.packfiles import read_pack_text


def template_pieces(name: str) -> list[str]:
    """The parts of a template name ('_partials/signature.en.j2'), or TemplateError if it could leave the pack."""
    pieces = [piece for piece in name.split("/") if piece != "."]
    if not name or name.startswith("/") or any(p in ("", "..") or "\\" in p or "\0" in p for p in pieces):
        raise TemplateError(
            f"template name {name!r} is refused: name a file inside the pack, such as '_partials/signature.en.j2',"
            " without '..', a leading '/' or a backslash"
        )
    return pieces


def check_template_text(text: str, path: Path) -> None:
    """Refuse (ScenarioInvalid, with file and line) a template holding a control character, a
    bidirectional override or a lone surrogate (see replykit.packs.characters).

    A reply is plain text, so such a character can only be there to act on the terminal the
    reply is printed on. Carriage returns are fine: Jinja2 reads CR LF as a line end.
    """
    found = refused(text.replace("\r", ""))
    if found is None:
        return
    index, what = found
    line = text.replace("\r", "").count("\n", 0, index) + 1
    hint = "a reply is plain text"
    if "bidirectional" in what:
        hint += "; wrap right-to-left values with the ltr or isolate filters instead"
    raise ScenarioInvalid(f"the template holds {what}", path=path, line=line, hint=hint)


class PackLoader(BaseLoader):
    """Loads templates by name from the packs' folders, in precedence order, never from outside them."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = [root for root in roots if root.is_dir()]

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = template_pieces(template)
        for root in self.roots:
            path = root.joinpath(*pieces)
            if not os.path.lexists(path):
                continue
            try:
                source = read_pack_text(path, root=root)
                check_template_text(source, path)
            except ScenarioInvalid as exc:
                # As a template error it is reported at the line of the include that asked for it.
                raise TemplateError(exc.message) from None
            filename = os.path.normpath(path)
            return source, filename, _unchanged(filename)
        raise TemplateNotFound(template)


def _unchanged(filename: str) -> Callable[[], bool]:
    """Jinja's 'is the template up to date' check: the file's modification time has not moved."""
    try:
        mtime = os.path.getmtime(filename)
    except OSError:
        return lambda: False
    return lambda: os.path.exists(filename) and os.path.getmtime(filename) == mtime
