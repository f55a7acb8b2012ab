"""The two kinds of extractor and the neutral form between them.

A *format backend* (text, PDF, DOCX …) turns a file into `SourceText`: an ordered
list of `Row`s, each a paragraph (one cell) or a logical table row (several cells,
merged continuation cells as ''). A *layout extractor* (one per city's report layout)
recognises a `SourceText` and fills a `Document` with raw records.

Keeping the two apart is what lets the PDF and DOCX backends feed the very same
layout code as the text renderings: a new format is one backend module, a new city's
layout one layout module; nothing else changes (see extractors/__init__.py for how
both are discovered).
"""

from __future__ import annotations

import abc
import re
from pathlib import Path
from typing import ClassVar

# Row and SourceText, the neutral form between backends and layouts, live in the model so the
# pipeline can hold them without importing extractors; re-exported here for backends and layouts.
from hyoka.pipeline.model import Document, Row, SourceRef, SourceText  # noqa: F401


class ExtractionError(Exception):
    """The file can't be read at all; the message is one line naming the reason.

    Whitespace runs (including line breaks from a library's multi-line message) collapse to
    one space here, so no backend has to remember to do it.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(" ".join(str(reason).split()))


class FormatBackend(abc.ABC):
    """Reads one file format into `SourceText`."""

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]

    @abc.abstractmethod
    def read(self, path: Path) -> SourceText:
        """Raise ExtractionError with a one-line reason when the file can't be read."""


class LayoutExtractor(abc.ABC):
    """Recognises one report layout and extracts its records into a Document."""

    name: ClassVar[str]
    description: ClassVar[str] = ""

    @classmethod
    @abc.abstractmethod
    def detect(cls, text: SourceText) -> float:
        """How sure (0–1) that `text` is this layout; > 0.5 claims it."""

    @abc.abstractmethod
    def extract(self, text: SourceText, doc: Document) -> None:
        """Fill `doc` (metadata and raw records) from `text`."""


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls, and password-protected Office files


def check_office_zip(path: Path, required_part: str, what: str, legacy: str) -> None:
    """ExtractionError("not a {what} ({reason})") unless `path` is a zip holding `required_part`.

    Office Open XML files are zip archives; an OLE compound file instead is a legacy format
    (`legacy`, e.g. ".doc") or a password-protected file.
    """
    import zipfile

    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic == _OLE_MAGIC:
        raise ExtractionError(f"not {what} (an OLE compound file: a legacy {legacy} or a password-protected file)")
    if not zipfile.is_zipfile(path):
        raise ExtractionError(f"not {what} (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExtractionError(f"not {what} (unreadable zip archive: {exc})") from None
    if required_part not in names:
        raise ExtractionError(f"not {what} (no {required_part} in the zip archive)")


def find_first(text: SourceText, pattern: str | re.Pattern[str]) -> tuple[re.Match[str], Row] | None:
    """The first row whose text matches `pattern`, with the match."""
    rx = re.compile(pattern) if isinstance(pattern, str) else pattern
    for row in text.rows:
        m = rx.search(row.text)
        if m:
            return m, row
    return None
