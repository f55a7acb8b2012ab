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
from typing import TYPE_CHECKING, ClassVar

# Row and SourceText, the neutral form between backends and layouts, live in the model so the
# pipeline can hold them without importing extractors; re-exported here for backends and layouts.
from hyoka.pipeline.model import Document, Flag, Row, SourceRef, SourceText  # noqa: F401

if TYPE_CHECKING:  # limits.py imports ExtractionError from here
    from hyoka.extractors.limits import Limits


class ExtractionError(Exception):
    """The file can't be read at all; the message is one line naming the reason.

    Whitespace runs (including line breaks from a library's multi-line message) collapse to
    one space here, so no backend has to remember to do it.
    """

    def __init__(self, reason: str, detail: str | None = None) -> None:
        super().__init__(" ".join(str(reason).split()))
        # the library's own words ("PdfminerException: Non-Ascii85 digit found (at ascii85.py:55)"),
        # for the failures table; the reason is what a person reads
        self.detail = None if detail is None else " ".join(str(detail).split())


class FormatBackend(abc.ABC):
    """Reads one file format into `SourceText`."""

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]

    @abc.abstractmethod
    def read(self, path: Path, limits: "Limits | None" = None) -> SourceText:
        """Raise ExtractionError with a one-line reason when the file can't be read, LimitExceeded
        when it is over one of `limits`. Backends default `limits` to limits.DEFAULT_LIMITS."""

    def describe(self) -> str:
        """One line for `hyoka info`: what reads the format on this machine ("" when nothing to say)."""
        return ""

    def missing(self) -> str | None:
        """What to install for this format to be read on this machine; None when it can be read."""
        return None


CLAIM = 0.5  # a layout whose detect() scores above this claims the document


class Score(float):
    """A layout's answer to detect(): how sure (0–1) that a text is the layout, with the reasons.

    A float, so it compares and sorts as one (a detect() that returns a bare float still works; the
    registry then gives it the reason 「detect() gave no reasons」). `Score.all_of` is the common case:
    a layout is recognised by a few printed signals, all of which must be there.
    """

    reasons: tuple[str, ...]

    def __new__(cls, value: float, reasons: tuple[str, ...] | list[str] = ()) -> "Score":
        self = super().__new__(cls, value)
        self.reasons = tuple(reasons)
        return self

    def __repr__(self) -> str:
        return f"Score({float(self):g}, {self.reasons!r})"

    @classmethod
    def all_of(cls, score: float, signals: dict[str, bool]) -> "Score":
        """`score` when every signal is present; otherwise below the claim (CLAIM × the share found),
        so a layout that saw some of its signals is a named runner-up but never the winner. The
        reasons list the signals found, then the ones missing (「no …」)."""
        found = [what for what, present in signals.items() if present]
        missing = [f"no {what}" for what, present in signals.items() if not present]
        value = score if not missing else CLAIM * len(found) / max(len(signals), 1) if found else 0.0
        return cls(value, found + missing)


class LayoutExtractor(abc.ABC):
    """Recognises one report layout and extracts its records into a Document."""

    name: ClassVar[str]
    description: ClassVar[str] = ""

    @classmethod
    @abc.abstractmethod
    def detect(cls, text: SourceText) -> float:
        """How sure (0–1) that `text` is this layout; > CLAIM (0.5) claims it. Return a `Score` to say why."""

    @abc.abstractmethod
    def extract(self, text: SourceText, doc: Document) -> None:
        """Fill `doc` (metadata and raw records) from `text`."""


_BOMB_RATIO = 100  # uncompressed ÷ compressed size of one zip part
_BOMB_PART_BYTES = 10 * 2**20  # parts smaller than this are never called a bomb
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls, and password-protected Office files


def check_office_zip(path: Path, required_part: str, what: str, legacy: str, limits: "Limits | None" = None) -> None:
    """ExtractionError("not a {what} ({reason})") unless `path` is a zip holding `required_part`;
    LimitExceeded("max_decompressed_mb") when its parts would unpack to more than the limit.

    Office Open XML files are zip archives; an OLE compound file instead is a legacy format
    (`legacy`, e.g. ".doc") or a password-protected file. The sizes checked are the ones the
    zip's directory declares; zipfile refuses to unpack a member past its declared size
    ("Bad CRC" / short read), so a lying directory can't get round the check.
    """
    import zipfile

    from hyoka.extractors.limits import DEFAULT_LIMITS, LimitExceeded

    limits = limits or DEFAULT_LIMITS

    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic == _OLE_MAGIC:
        raise ExtractionError(f"not {what} (an OLE compound file: a legacy {legacy} or a password-protected file)")
    if not zipfile.is_zipfile(path):
        raise ExtractionError(f"not {what} (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExtractionError(f"not {what} (unreadable zip archive: {exc})") from None
    names = {info.filename for info in infos}
    # one part packed far tighter than any real document's XML (≤ 35:1 in every sample, and ~30:1 for a
    # sheet formatted down to row 1,048,576) is a zip bomb: 1 MB of identical <w:p> elements unpacks
    # to 300 MB of XML, which lxml would hold as 5 GB
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _BOMB_PART_BYTES and ratio > _BOMB_RATIO:
            raise LimitExceeded("max_decompressed_mb", f"{what} with a part ({info.filename}) that unpacks to "
                                f"{info.file_size / 2**20:,.0f} MB, {ratio:,.0f} times its compressed size: "
                                "a zip bomb, not a report")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.max_decompressed_bytes:
        packed = max(sum(info.compress_size for info in infos), 1)
        raise LimitExceeded("max_decompressed_mb", f"{what} whose parts unpack to {unpacked / 2**20:,.0f} MB "
                            f"({unpacked / packed:,.0f} times its compressed size), over the limit of "
                            f"{limits.max_decompressed_mb:g} MB (max_decompressed_mb): a zip bomb or not a report")
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
