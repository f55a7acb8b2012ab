"""Small helpers shared by the layout extractors (not a layout itself: the leading
underscore keeps the registry from importing it as one)."""

from __future__ import annotations

import re

from hyoka.extractors.base import Row
from hyoka.normalizers.labels import canonical_label
from hyoka.normalizers.text import tex_math_to_text

_MD_EMPHASIS = re.compile(r"\*\*|__")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_BULLET = re.compile(r"^\s*(?:[-*+]\s+)+")


def plain(text: str) -> str:
    """Markdown emphasis and heading marks off, $$…$$ math as printed; the words stay as printed."""
    return _MD_HEADING.sub("", _MD_EMPHASIS.sub("", tex_math_to_text(text))).strip()


def one_line(text: str) -> str:
    """A cell's text on one line, as the text renderings print it: paragraph breaks (the
    "\n" of a DOCX/PDF cell) and runs of whitespace become one space."""
    return " ".join(text.split())


def bullet_depth(text: str) -> int | None:
    """0 for "- item", 1 for "  - item" …; None when the line is not a bullet."""
    m = re.match(r"^(\s*)[-*+]\s+", text)
    return None if m is None else len(m.group(1).expandtabs(2)) // 2


def unbullet(text: str) -> str:
    return _MD_BULLET.sub("", text).strip()


def labelled_cells(row: Row) -> list[tuple[str | None, str | None, str | None, int]]:
    """Pair each label cell with the value that follows it.

    Returns (field, label_as_printed, value, column) tuples in reading order. A label
    followed directly by another label gets value None; a value with no label before it
    gets field None. Empty cells (merged-cell continuations) are skipped.
    """
    out: list[tuple[str | None, str | None, str | None, int]] = []
    pending: tuple[str, str, int] | None = None
    for col, text in row.filled:
        field = canonical_label(text)
        if field is not None and len(text) <= 30:
            if pending:
                out.append((pending[0], pending[1], None, pending[2]))
            pending = (field, text, col)
        elif pending:
            out.append((pending[0], pending[1], text, col))
            pending = None
        else:
            out.append((None, None, text, col))
    if pending:
        out.append((pending[0], pending[1], None, pending[2]))
    return out
