"""Small helpers shared by the layout extractors (not a layout itself: the leading
underscore keeps the registry from importing it as one)."""

from __future__ import annotations

import contextlib
import re
import traceback
from pathlib import Path

from hyoka.extractors.base import ExtractionError, Row
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


# ---------------------------------------------------------------- limits and failure reasons

def check_file_size(path, limits) -> None:
    """LimitExceeded("max_file_mb") when the file on disk is over the limit (checked before reading it)."""
    from hyoka.extractors.limits import LimitExceeded

    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise LimitExceeded("max_file_mb", f"a file of {size / 2**20:,.3g} MB, over the limit of "
                                           f"{limits.max_file_mb:g} MB (max_file_mb)")


# (what the exception says, matched on "TypeName: message") → what it means for a person;
# first match wins. The internal text stays in the failures table's `detail` column.
_REASONS: list[tuple[re.Pattern[str], str]] = [(re.compile(p, re.I), r) for p, r in (
    (r"ascii85|asciihex|runlength|lzw|ccittfax|jbig2|dctdecode|unsupported filter|filter",
     "the file is damaged: a compressed part of it can't be decoded"),
    (r"zlib|deflate|decompress|invalid (?:stored )?block|incorrect header check|Bad CRC|crc-32",
     "the file is damaged: a compressed part of it can't be decoded"),
    (r"BadZipFile|not a zip file|truncated|unexpected end|EOF", "the file is truncated or damaged"),
    (r"PSEOF|PSSyntaxError|PDFSyntaxError|No /Root|xref|trailer|startxref",
     "the PDF is damaged: its structure can't be read"),
    (r"PdfminerException|PDFException|pdfminer|PSException", "the PDF is damaged and can't be read"),
    (r"encrypt|password|decrypt", "the file is password-protected or encrypted"),
    (r"^KeyError|no item named|missing part", "the file is damaged: a part it refers to is missing"),
    (r"XMLSyntaxError|ParseError|not well-formed|mismatched tag|Opening and ending tag|Premature end of data",
     "the file is damaged: a part of it is not well-formed XML"),
    (r"MemoryError", "the file needs more memory than is available to read"),
    (r"RecursionError|maximum recursion", "the file is nested too deeply to read"),
    (r"UnicodeDecodeError|codec can't decode", "the file's text is in an encoding that can't be read"),
    (r"PermissionError|Permission denied", "the file can't be opened (permission denied)"),
)]


def reason_for_people(exc: BaseException, where: str = "") -> tuple[str, str]:
    """(reason, detail) for an exception a backend or library raised while reading a file.

    `reason` is a sentence a person understands ("the file is damaged: a compressed part of it
    can't be decoded"); `detail` is the internal text ("PdfminerException: Non-Ascii85 digit found
    (at ascii85.py:55)") for the failures table. Unknown exceptions keep a generic reason that says
    it is likely a bug in hyoka rather than the user's fault.
    """
    detail = " ".join(f"{type(exc).__name__}: {exc}".split()) + (f" (at {where})" if where else "")
    for rx, reason in _REASONS:
        if rx.search(detail):
            return reason, detail
    if isinstance(exc, (TypeError, IndexError, AttributeError, ValueError, AssertionError, ZeroDivisionError)):
        return "the file is damaged or unusual in a way the reader can't handle", detail
    return "the file could not be read", detail


@contextlib.contextmanager
def reasons_for_people(what: str):
    """Around a backend's reading: any library exception becomes an ExtractionError whose reason a
    person understands (`reason_for_people`), prefixed with `what` ("the DOCX file"), the library's
    own text kept as its `detail`. ExtractionError (and LimitExceeded) pass through unchanged."""
    try:
        yield
    except ExtractionError:
        raise
    except Exception as exc:  # noqa: BLE001 - the boundary: nothing a library raises may escape as a traceback
        raise translated(exc, what) from None


def translated(exc: BaseException, what: str, part: str = "") -> ExtractionError:
    """The ExtractionError to raise for a library's `exc`: `reason_for_people`, about `what` ("the DOCX
    file"), optionally naming the `part` read ("sheet 'データ'"), the library's words as the detail."""
    last = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    reason, detail = reason_for_people(exc, f"{Path(last.filename).name}:{last.lineno}" if last else "")
    reason = reason.replace("the file", what, 1)
    return ExtractionError(f"{reason} ({part})" if part else reason, detail=detail)
