"""Where a page's characters and ruling lines come from: PDFium (pages.pdfium), with pdfminer
(pdfminer_chars) for the pages whose text PDFium can't vouch for, or pdfplumber throughout."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hyoka.extractors.base import ExtractionError
from hyoka.extractors.pdf.finder import _table_finder
from hyoka.extractors.pdf.reasons import unreadable
from hyoka.extractors.pdf.settings import PdfSettings

log = logging.getLogger(__name__)


class PageUnreadable(ExtractionError):
    """One page neither engine can load (its page-tree node is damaged); the other pages are read."""


@dataclass
class _Page:
    """One page as the backend needs it, whichever engine read it."""

    number: int
    width: float
    height: float
    chars: list[dict]
    find_tables: Any  # () -> list of pdfplumber-style tables (.cells, .bbox)


def _plumber_page(page, number: int, settings: PdfSettings) -> _Page:
    ts = settings.table_settings or None
    return _Page(number=number, width=page.width, height=page.height, chars=page.chars,
                 find_tables=lambda: page.find_tables(ts) if ts else page.find_tables())


def _pdfium_page(content, settings: PdfSettings) -> _Page:
    def find_tables() -> list:
        if not any(e["orientation"] in ("h", "v") for e in content.edges):
            return []  # no ruling lines on the page: nothing for the table finder to find
        from pdfplumber.table import TableSettings

        return _table_finder()(content, TableSettings.resolve(settings.table_settings or None)).tables

    return _Page(number=content.number, width=content.width, height=content.height, chars=content.chars,
                 find_tables=find_tables)


def _pdfium_reproduces(settings: PdfSettings) -> bool:
    """pdfplumber's table finder runs on the PDFium edges unless a strategy needs its words."""
    ts = settings.table_settings or {}
    return all(ts.get(k) != "text" for k in ("vertical_strategy", "horizontal_strategy"))


class _PlumberPages:
    """Pages read by pdfplumber (pdfminer), each closed after use."""

    def __init__(self, path: Path, settings: PdfSettings) -> None:
        import pdfplumber

        self.settings = settings
        try:
            self.pdf = pdfplumber.open(path)
        except Exception as exc:
            raise unreadable(exc, path.name) from None
        try:
            self.count = len(self.pdf.pages)  # pdfplumber makes every Page here (MediaBox …)
        except Exception as exc:
            self.pdf.close()
            raise unreadable(exc, path.name) from None

    def page(self, index: int):
        """(the page, a function closing it)."""
        page = self.get(index)
        return _plumber_page(page, index + 1, self.settings), page.close

    def get(self, index: int):
        """pdfplumber's page `index`; PageUnreadable when pdfminer's page tree has no such page
        (PDFium counted it: a page tree with a loop, or a node that is not a page)."""
        if index >= self.count:
            raise PageUnreadable(f"page {index + 1} could not be loaded: the PDF's page tree is damaged")
        return self.pdf.pages[index]

    def close(self) -> None:
        self.pdf.close()


class _PdfiumPages:
    """Pages read by PDFium. A page whose characters it can't reproduce (see pdf/pdfium.py) gets
    them from pdfminer (pdfminer_chars.py), its ruling lines still from PDFium; a rotated page, or
    one PDFium fails on, is read by pdfplumber altogether."""

    def __init__(self, path: Path, settings: PdfSettings) -> None:
        from hyoka.extractors.pdf import pdfium

        self.path, self.settings, self.engine = path, settings, pdfium
        self.doc = pdfium.open_document(path)  # PdfiumError: the caller asks pdfplumber why
        self.count = pdfium.page_count(self.doc)
        self.plumber: _PlumberPages | None = None
        self.fallbacks: list[tuple[int, str]] = []  # (page, why its characters came from pdfminer)

    def page(self, index: int):
        import pypdfium2

        try:
            content = self.engine.read_page(self.doc, index)
            reason = content.fallback
        except pypdfium2.PdfiumError as exc:
            content = self.engine.PageContent(number=index + 1, width=0.0, height=0.0)
            reason = f"PDFium: {exc}"
        if reason is None:
            return _pdfium_page(content, self.settings), lambda: None
        self.fallbacks.append((index + 1, reason))
        log.debug("%s: page %d read with pdfminer (%s)", self.path.name, index + 1, reason)
        if self.plumber is None:
            self.plumber = _PlumberPages(self.path, self.settings)
        if not content.edges_read:
            return self.plumber.page(index)  # a rotated page, or one PDFium failed on: all pdfplumber's
        from hyoka.extractors.pdf.pdfminer_chars import page_chars

        page = self.plumber.get(index)
        content.chars = page_chars(self.plumber.pdf, page)  # the text from pdfminer, the ruling lines PDFium's
        return _pdfium_page(content, self.settings), page.close

    def close(self) -> None:
        self.engine.close_document(self.doc)
        if self.plumber is not None:
            self.plumber.close()
