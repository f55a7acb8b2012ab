"""The PDF backend: pages → blocks (tables and runs of lines) in reading order → rows
(see the package's docstring for how)."""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass
from pathlib import Path

from hyoka.extractors.base import ExtractionError, FormatBackend, Row, SourceText
from hyoka.extractors.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from hyoka.extractors._common import check_file_size
from hyoka.extractors.pdf import reasons
from hyoka.extractors.pdf.engines import (PageUnreadable, _Page, _pdfium_page, _PdfiumPages, _PlumberPages,
                                          _pdfium_reproduces)
from hyoka.extractors.pdf.lines import (HANGING, _CID, _group_lines, _is_fake_bold, _is_page_number, _join_lines,
                                        _Line, _needed, dedupe_chars)
from hyoka.extractors.pdf.settings import ENGINE_VARIABLE, PdfSettings, resolve_engine
from hyoka.extractors.pdf.stitching import _repeated_header_rows, _stitch
from hyoka.extractors.pdf.streams import check_streams
from hyoka.extractors.pdf.tables import _assign_chars, _build_table, _layout_cells, _round, _Table, _table_rows
from hyoka.pipeline.model import SourceRef

log = logging.getLogger(__name__)


@dataclass
class _Block:
    """A page item in reading order: a table (part) or a run of outside-table lines."""

    page: int
    top: float
    table: _Table | None = None
    lines: list[_Line] | None = None
    last_page: int = 0  # the page it ends on, once continued

    def __post_init__(self) -> None:
        self.last_page = self.last_page or self.page


class PdfBackend(FormatBackend):
    name = "pdf"
    extensions = (".pdf",)

    def __init__(self, settings: PdfSettings | None = None) -> None:
        self.settings = settings or PdfSettings()

    def describe(self) -> str:
        try:
            engine = resolve_engine(self.settings.engine)
        except ExtractionError as exc:
            return str(exc)
        if engine == "pdfplumber":
            return f"engine pdfplumber (pdfminer for every page; ${ENGINE_VARIABLE})"
        import pypdfium2

        pdfium = str(pypdfium2.PDFIUM_INFO).split("@")[0]  # "159.0.8149.0@sourcebuild…"
        return (f"engine pdfium (PDFium {pdfium}, pypdfium2 {pypdfium2.PYPDFIUM_INFO}; pdfminer for pages "
                f"PDFium can't vouch for; ${ENGINE_VARIABLE}=pdfplumber for pdfminer everywhere)")

    def read(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> SourceText:
        path = Path(path)
        if not path.exists():
            raise ExtractionError("file not found")
        if path.stat().st_size == 0:
            raise ExtractionError("empty file (0 bytes)")
        check_file_size(path, limits)
        check_streams(path, limits)  # a decompression bomb is refused before an engine inflates it
        from hyoka.extractors import ocr as _ocr  # OCR hook (1/3): pages without a text layer

        ocr = _ocr.PageOcr.wanted(self.settings.ocr, path)
        try:
            pages = self._open(path)
            try:
                if pages.count > limits.max_pages:
                    raise LimitExceeded("max_pages", f"{pages.count} pages (limit max_pages={limits.max_pages})")
                blocks, warnings, page_widths = self._read_pages(path.name, pages, ocr)
            finally:
                pages.close()
                if ocr is not None:
                    ocr.close()
            # OCR's boxes are the ink, narrower than a text layer's: lines wrap by a looser rule
            reader = PdfBackend(_ocr.loosened(self.settings)) if ocr is not None and ocr.count else self
            rows = reader._rows(path.name, blocks, page_widths)
        except (ExtractionError, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 - the boundary: no engine's exception escapes as a traceback
            raise reasons.unreadable(exc, path.name) from None
        if not rows:
            raise ExtractionError(_ocr.needs_ocr_reason() if ocr is None else _ocr.NOTHING_READ)
        # OCR hook (2/3): references on OCR pages marked, cells read unsurely kept for the values' flags
        rows, unsure = ocr.mark(rows) if ocr is not None and ocr.count else (rows, [])
        return SourceText(path=path, format="pdf", rows=rows, warnings=warnings,
                          ocr_pages=ocr.count if ocr is not None else 0, ocr_cells=unsure)

    def _open(self, path: Path):
        if resolve_engine(self.settings.engine) == "pdfium" and _pdfium_reproduces(self.settings):
            import pypdfium2

            try:
                return _PdfiumPages(path, self.settings)
            except pypdfium2.PdfiumError:
                pass  # corrupt, encrypted …: pdfplumber/pdfminer's reason, as before (or its reading)
        return _PlumberPages(path, self.settings)

    # -- pages

    def _read_pages(self, file: str, pages, ocr=None) -> tuple[list[_Block], list[str], dict[int, float]]:
        """Every page's blocks; a page neither engine can load is a warning, unless it is every page."""
        blocks: list[_Block] = []
        warnings: list[str] = []
        widths: dict[int, float] = {}
        if pages.count == 0:
            raise ExtractionError(reasons.NO_PAGES)
        skipped: set[int] = set()
        for index in range(pages.count):
            try:
                page, close = pages.page(index)
            except PageUnreadable as exc:
                log.info("%s: %s", file, exc)
                warnings.append(str(exc))
                skipped.add(index + 1)
                continue
            if ocr is not None and not any(c["text"].strip() for c in page.chars):  # OCR hook (3/3)
                close()
                page, close = _pdfium_page(ocr.read(index), self.settings), lambda: None
            try:
                blocks.extend(self._read_page(page, widths))
            finally:
                close()  # pdfplumber keeps a page's parsed objects (≈2 MB) until closed
        if len(warnings) == pages.count:
            raise ExtractionError(reasons.NO_PAGES)
        fallbacks = [(n, why) for n, why in getattr(pages, "fallbacks", []) if n not in skipped]
        if fallbacks:
            log.info("%s: %d of %d pages read with pdfminer, PDFium can't vouch for their text: %s", file,
                     len(fallbacks), pages.count, "; ".join(f"p.{n} {why}" for n, why in fallbacks))
        return blocks, warnings, widths

    def _read_page(self, page: _Page, widths: dict[int, float]) -> list[_Block]:
        settings = self.settings
        page_no, chars = page.number, page.chars
        if not chars:
            return []  # blank (or image-only) page
        for c in chars:
            if "(cid:" in c["text"] and _CID.search(c["text"]):
                raise ExtractionError(
                    f"needs OCR: font without ToUnicode map ({_CID.search(c['text']).group(0)} glyphs) "
                    f"on page {page_no}")
        if _is_fake_bold(chars, settings):
            chars = dedupe_chars(chars, settings.dedupe_tolerance)
        if not any(c["text"].strip() for c in chars):
            return []
        widths[page_no] = page.width
        tables = [_build_table(t, page_no) for t in page.find_tables()]
        outside: list[dict] = []
        if tables:
            # by the character's centre, as pdfplumber's own cell extraction does: a line
            # just under a table may overlap its box by a fraction of a point (the ※ note
            # under the あきる野 legend does), and outside_bbox() would cut it
            per_table: list[list[dict]] = [[] for _ in tables]
            boxes = [t.bbox for t in tables]
            for ch in chars:
                cx = (ch["x0"] + ch["x1"]) / 2
                cy = (ch["top"] + ch["bottom"]) / 2
                for k, (x0, top, x1, bottom) in enumerate(boxes):
                    if x0 <= cx <= x1 and top <= cy <= bottom:
                        per_table[k].append(ch)
                        break
                else:
                    outside.append(ch)
            for t, tchars in zip(tables, per_table):
                _assign_chars(t, tchars)
                _layout_cells(t, settings)
        else:
            outside = chars
        lines = [ln for ln in _group_lines(outside, settings) if not _is_page_number(ln, page.height)]
        for ln in lines:
            ln.page = page_no
        page_blocks = [_Block(page=page_no, top=t.bbox[1], table=t) for t in tables]
        # runs of lines between tables
        run: list[_Line] = []
        table_tops = sorted(t.bbox[1] for t in tables)
        for line in lines:
            if run and bisect.bisect_right(table_tops, run[-1].top) != bisect.bisect_right(table_tops, line.top):
                page_blocks.append(_Block(page=page_no, top=run[0].top, lines=run))
                run = []
            run.append(line)
        if run:
            page_blocks.append(_Block(page=page_no, top=run[0].top, lines=run))
        page_blocks.sort(key=lambda b: b.top)
        return page_blocks

    # -- rows

    def _rows(self, file: str, blocks: list[_Block], page_widths: dict[int, float]) -> list[Row]:
        settings = self.settings
        # the right edge of running text: where wrapped lines end (hanging punctuation
        # discounted), and at least the mirror of the left margin
        all_lines = [ln for b in blocks if b.lines for ln in b.lines]
        right = 0.0
        if all_lines:
            ends = [ln.x1 - (ln.size if ln.text[-1] in HANGING else 0.0) for ln in all_lines]
            right = max(ends)
            left = min(ln.x0 for ln in all_lines)
            mirrored = min(page_widths.get(b.page, 0.0) for b in blocks if b.lines) - left
            right = max(right, mirrored)

        def fits(a: _Line, b: _Line) -> bool:
            # b's first word would have fitted after a, or b is indented: a new paragraph
            return a.x1 + _needed(a, b) <= right - settings.wrap_tolerance or b.x0 > a.x0 + 0.5 * a.size

        # stitch tables continued on the next page
        merged: list[_Block] = []
        for block in blocks:
            prev = merged[-1] if merged else None
            if (block.table is not None and prev is not None and prev.table is not None
                    and block.page == prev.last_page + 1 and _is_first_on_page(block, blocks)
                    and ((abs(block.table.bbox[0] - prev.table.bbox[0]) <= settings.continuation_x_tolerance
                          and abs(block.table.bbox[2] - prev.table.bbox[2]) <= settings.continuation_x_tolerance)
                         or _repeated_header_rows(prev.table, block.table))):
                # the same x-extent, or (a generator that lays out each page's part on its own
                # grid) the first part's header printed again on top
                _stitch(prev.table, block.table, settings)
                prev.last_page = block.page
                continue
            if (block.lines and prev is not None and prev.lines and block.page == prev.last_page + 1
                    and _is_first_on_page(block, blocks)):
                prev.lines.extend(block.lines)  # running text goes on; a paragraph may continue
                prev.last_page = block.page
                continue
            merged.append(block)

        rows: list[Row] = []
        n_tables = 0
        for block in merged:
            if block.table is not None:
                rows.extend(_table_rows(file, block.table, n_tables, settings))
                n_tables += 1
                continue
            for text, members in _join_lines(block.lines or [], fits, settings):
                page = members[0].page
                here = [m for m in members if m.page == page]  # the part on its first page
                bbox = (min(m.x0 for m in here), here[0].top, max(m.x1 for m in here), here[-1].bottom)
                rows.append(Row(cells=(text,), ref=SourceRef(file=file, page=page, bbox=_round(bbox))))
        return rows


def _is_first_on_page(block: _Block, blocks: list[_Block]) -> bool:
    return next(b for b in blocks if b.page == block.page) is block

