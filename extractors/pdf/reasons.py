"""Why a PDF can't be read, in a sentence for a person; the engines' own words kept as the detail.

Every exception PDFium, pdfminer or pdfplumber raise while a PDF is read ends here
(`unreadable`): the reason says what is wrong with the file (「corrupt PDF (the file ends too
early: …)」, 「encrypted PDF (password required)」), never the library's internal text
(``IndexError: list index out of range``, ``PdfminerException: float() argument …``), which goes
to the failures table's ``detail`` column and the debug log.
"""

from __future__ import annotations

import logging
import re
import traceback
import zlib
from pathlib import Path

from hyoka.extractors.base import ExtractionError

log = logging.getLogger(__name__)

_FILTER_WORDS = re.compile(r"ascii85|asciihex|hex digit|unsupported filter|lzw|runlength|ccittfax|jbig2", re.I)
_PARSER_FILES = ("psparser.py", "pdfparser.py", "pdfdocument.py", "pdftypes.py", "pdfpage.py")
_DETAIL_CHARS = 300

PASSWORD = "encrypted PDF (password required)"
ENCRYPTION = "encrypted PDF (an encryption hyoka can't open)"
TRUNCATED = "corrupt PDF (the file ends too early: truncated or damaged)"
STRUCTURE = "corrupt PDF (its structure can't be read: the cross-reference table or an object is damaged)"
COMPRESSED = "corrupt PDF (a compressed part of it can't be decoded)"
NESTING = "corrupt PDF (its objects refer to each other in a loop, or are nested too deeply)"
PAGE_SIZE = "corrupt PDF (a page's size, its MediaBox, is not four numbers)"
NO_PAGES = "corrupt PDF (no page can be found: its page tree is empty or broken)"
UNUSUAL = "corrupt PDF (damaged, or unusual in a way hyoka's PDF reader can't handle)"


def unreadable(exc: BaseException, file: str = "") -> ExtractionError:
    """The ExtractionError for `exc` raised while reading a PDF: a reason from the exception chain
    (the first kind of problem it recognises), the innermost exception's text as the detail."""
    chain = _chain(exc)
    reason = _classify(chain)
    inner = chain[-1]
    text = " ".join(f"{type(inner).__name__}: {inner}".split())
    detail = (text if len(text) <= _DETAIL_CHARS else text[:_DETAIL_CHARS] + "…") + _where(inner)
    log.debug("%s: %s (%s)", file or "PDF", reason, detail, exc_info=exc)
    return ExtractionError(reason, detail=detail)


def failure_reason(exc: BaseException) -> str:
    """The reason alone (for callers that build their own error)."""
    return _classify(_chain(exc))


def _chain(exc: BaseException) -> list[BaseException]:
    """`exc`, its causes and contexts and the exceptions it wraps (pdfplumber's PdfminerException
    holds pdfminer's as its argument), outermost first."""
    chain: list[BaseException] = []
    todo = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or any(e is seen for seen in chain):
            continue
        chain.append(e)
        todo.extend([e.__cause__, e.__context__])
        todo.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
    return chain


def _classify(chain: list[BaseException]) -> str:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfexceptions import PDFException
    from pdfminer.psexceptions import PSEOF, PSException

    kinds: list[tuple[type | tuple[type, ...], str]] = [
        (PDFPasswordIncorrect, PASSWORD),
        (PDFEncryptionError, ENCRYPTION),
        (zlib.error, COMPRESSED),
        (RecursionError, NESTING),
        (PSEOF, TRUNCATED),
        ((PSException, PDFException), STRUCTURE),
    ]
    if any(_FILTER_WORDS.search(str(e)) for e in chain):
        return COMPRESSED  # a filter's data is not what the filter decodes (pdfminer says ValueError)
    for kind, reason in kinds:
        if any(isinstance(e, kind) for e in chain):
            return reason
    if any(_in_mediabox(e) for e in chain):
        return PAGE_SIZE
    if any(type(e).__name__ == "PdfiumError" or _raised_in(e, _PARSER_FILES) for e in chain):
        return STRUCTURE  # PDFium's "Failed to load", pdfminer's parser's assertions and lookups
    return UNUSUAL


def _in_mediabox(exc: BaseException) -> bool:
    """The exception was raised while pdfplumber/pdfminer read a page's box (MediaBox, CropBox)."""
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    return any(("box" in (f.line or "").lower() or "box" in f.name.lower())
               and ("pdfplumber" in f.filename or "pdfminer" in f.filename) for f in frames)


def _raised_in(exc: BaseException, files: tuple[str, ...]) -> bool:
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    return bool(frames) and Path(frames[-1].filename).name in files and "pdfminer" in frames[-1].filename


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    return f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
