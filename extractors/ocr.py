"""OCR for PDF pages without a text layer (scans): the same row/cell/table reading as a text layer.

A page with no characters is rendered with pypdfium2 at ``DPI``, straightened, its ruling lines
found in the image (extractors/_ocr_image.py) and painted out, and the rest recognised by
Tesseract (extractors/_ocr_tesseract.py, the ``tesseract`` program). The result is a
``PageContent`` as PDFium gives for a text layer — characters in PDF points with the rules as
edges — so the PDF backend finds the tables and builds cells, lines and paragraphs from it
with exactly the code that reads a text layer (extractors/pdf/backend.py calls ``PageOcr.read``
for a page without characters; nothing else there knows about OCR).

What was read by OCR says so: every source reference on an OCR page gets ``ocr=True`` and
``ocr_conf``, the lowest confidence (0–100) of the characters in its cell or paragraph; a cell
holding a character read with less than ``UNSURE`` confidence is kept in ``SourceText.ocr_cells``,
and a value read from such a cell is flagged (``flag_unsure_values``) — never silently trusted.

Optional: nothing here needs a Python package beyond the default install (pypdfium2, Pillow,
numpy); the ``[ocr]`` extra only names them. Without the tesseract program or its Japanese
model, a page without a text layer stays unread and the file fails with "needs OCR" naming what
to install (``needs_ocr_reason``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from hyoka.extractors import _ocr_tesseract as tesseract
from hyoka.pipeline.model import Document, Flag, Row, SourceRef

DPI = 300
UNSURE = 60.0  # a character Tesseract is less sure of than this (0–100) makes its cell's values flagged
MIN_RULE_MM = 6.0  # dark runs this long (≈ two characters at 10 pt) are ruling lines
MIN_INK = 20  # dark pixels (at 300 dpi) in a ruled cell for it to be read (fewer: specks of dust)
ONE_LINE_MM = 3.5  # ink at most this tall in a cell is one line of text (lines of 9–10 pt: ≈ 2.2 mm of ink, 4.5 mm apart)
WRAP_SLACK = 3.0  # points: see loosened()
BORDER = 12  # white pixels around a crop (Tesseract wants a margin)


def availability() -> tuple[bool, str]:
    """(usable, one line for `hyoka info`): the tesseract program, its version and languages."""
    tess = tesseract.find()
    if not tess.usable:
        return False, f"not available: {tess.problem}"
    return True, (f"tesseract {tess.version} at {tess.path} (languages {'+'.join(tesseract.LANGUAGES)}; "
                  f"pages without a text layer rendered at {DPI} dpi)")


def info() -> dict:
    """OCR in `hyoka info`: what reads scanned PDFs, whether it is available here, one line for people."""
    ok, detail = availability()
    reader = "pypdfium2 renders, Tesseract (jpn) reads"
    install = None if ok else f"apt install {tesseract.APT_PACKAGES}; pip install 'hyoka[ocr]'"
    line = f"pdf (scanned, OCR): {reader} — {detail}" + (f" — install: {install}" if install else "")
    return {"format": "pdf (scanned)", "reader": reader, "available": ok, "detail": detail, "install": install,
            "line": line}


NOTHING_READ = "no text layer: every page is blank or an image, and OCR read no text on them"


def needs_ocr_reason() -> str:
    """The one line for a PDF with no text layer that is not read by OCR here."""
    tess = tesseract.find()
    why = tess.problem if not tess.usable else "OCR turned off (PdfSettings.ocr=False)"
    return f"no text layer: every page is blank or an image (needs OCR: {why})"


# A cell holding one mark alone: OCR sees its shape, not which of the look-alike code points was
# printed (「-」「－」「ー」「―」; 「○」「〇」), so it is given the one the reports' tables mean: a dash
# (no figure) and the evaluation circle (the normalizers read all of them the same way)
LONE_SHAPES = {"ー": "-", "－": "-", "―": "-", "—": "-", "‐": "-", "〇": "○"}


def loosened(settings):
    """The PDF settings for a document with OCR pages: OCR's boxes are the ink, narrower than a text
    layer's glyph boxes (by ≈ 1 pt a character, and the cells' padding measured ≈ 1 pt wider), so a
    line is taken as wrapped when the next line's first word would have overshot by up to
    ``WRAP_SLACK`` points more (「28,000」+「部」 in a narrow cell is one value)."""
    return dataclasses.replace(settings, wrap_tolerance=settings.wrap_tolerance + WRAP_SLACK)


@dataclass
class OcrCell:
    """A cell (or paragraph) of an OCR page with at least one character read unsurely."""

    ref: SourceRef
    text: str
    unsure: str  # the unsure characters, in reading order
    conf: float  # the lowest confidence among them


@dataclass
class PageOcr:
    """OCR of one PDF's image-only pages, opened on the first such page."""

    path: Path
    dpi: int = DPI
    pages: dict[int, list[dict]] = field(default_factory=dict)  # page number → its OCR characters
    skew: dict[int, float] = field(default_factory=dict)  # page number → degrees turned straight
    _doc: object = None

    @property
    def count(self) -> int:
        """Pages OCR read text from."""
        return sum(1 for chars in self.pages.values() if chars)

    @staticmethod
    def wanted(enabled: bool, path: Path) -> "PageOcr | None":
        """A reader when OCR is turned on and Tesseract usable here, else None."""
        return PageOcr(Path(path)) if enabled and tesseract.find().usable else None

    def read(self, index: int):
        """The page (0-based index) as a PageContent: OCR characters and the image's rules as edges."""
        import numpy as np

        from hyoka.extractors import _ocr_image as img
        from hyoka.extractors.pdf.pdfium import PageContent

        image = self._render(index)
        gray, angle = img.straighten(image)
        arr = np.asarray(gray)
        pixels_per_mm = self.dpi / 25.4
        rules, mask = img.find_rules(arr, int(MIN_RULE_MM * pixels_per_mm))
        from PIL import Image, ImageFilter

        clean = Image.fromarray(img.without_rules(arr, mask))
        if img.speckled(arr):  # specks (scanner noise, a grey fill's dither): Tesseract reads them as 「ー」「・」
            clean = clean.filter(ImageFilter.MedianFilter(3))  # (on a clean page it costs characters)
        clean.info["dpi"] = (self.dpi, self.dpi)
        try:
            found = self._recognise(np.asarray(clean), rules)
        except RuntimeError as exc:
            from hyoka.extractors.base import ExtractionError

            raise ExtractionError(f"OCR of page {index + 1} failed: {exc}") from None
        scale = 72.0 / self.dpi
        chars = [_char(c, scale) for c in found if not img.crosses_rule(c, rules)]
        number = index + 1
        self.pages[number], self.skew[number] = chars, angle
        return PageContent(number=number, width=round(gray.width * scale, 2), height=round(gray.height * scale, 2),
                           chars=chars, edges=img.rule_edges(rules, scale), edges_read=True)

    def _recognise(self, arr, rules) -> list[tesseract.OcrChar]:
        """Each ruled table cell read on its own (a crop, all crops in one Tesseract run, each as a
        block of text: psm 6), the rest of the page — running text, merged cells — as a whole
        with those cells blanked (psm 11). Read as a whole page, Tesseract's layout analysis
        leaves out lone characters (the grades A/B/C in their narrow column) and runs the text
        of neighbouring cells together."""
        from PIL import Image, ImageOps

        from hyoka.extractors import _ocr_image as img

        rest = arr.copy()
        boxes, crops = [], []
        for cell in img.ruled_cells(rules):
            x0, top, x1, bottom = cell
            rest[top:bottom, x0:x1] = 255
            ink = img.ink_box(arr, cell, int(MIN_INK * (self.dpi / 300.0) ** 2))
            if ink is None:
                continue
            ix0, itop, ix1, ibottom = ink
            crop = ImageOps.expand(Image.fromarray(arr[itop:ibottom, ix0:ix1]), border=BORDER, fill=255)
            crop.info["dpi"] = (self.dpi, self.dpi)
            boxes.append(ink)
            crops.append(crop)
        page = Image.fromarray(rest)
        page.info["dpi"] = (self.dpi, self.dpi)
        found = tesseract.recognise(page) if int((rest < img.DARK).sum()) else []
        # one line of text read as a line (psm 7): read as a block, a lone 「A」 came out as 「人A」
        one_line = [ink[3] - ink[1] <= ONE_LINE_MM * self.dpi / 25.4 for ink in boxes]
        read: dict[int, list[tesseract.OcrChar]] = {}
        for psm, wanted in ((7, True), (6, False)):
            picked = [k for k, single in enumerate(one_line) if single is wanted]
            read.update(zip(picked, tesseract.recognise_many([crops[k] for k in picked], psm=psm)))
        for k, (x0, top, _x1, _bottom) in enumerate(boxes):
            chars = read.get(k, [])
            dx, dy = x0 - BORDER, top - BORDER
            found += [dataclasses.replace(c, x0=c.x0 + dx, x1=c.x1 + dx, top=c.top + dy, bottom=c.bottom + dy,
                                          line_top=c.line_top + dy, line_bottom=c.line_bottom + dy) for c in chars]
        return found

    def _render(self, index: int):
        import pypdfium2

        from hyoka.extractors.pdf import pdfium as _pdf_pdfium

        with _pdf_pdfium._LOCK:  # PDFium: one call at a time per process
            if self._doc is None:
                self._doc = pypdfium2.PdfDocument(str(self.path))
            page = self._doc[index]
            try:
                return page.render(scale=self.dpi / 72.0, grayscale=True).to_pil()
            finally:
                page.close()

    def close(self) -> None:
        if self._doc is not None:
            from hyoka.extractors.pdf import pdfium as _pdf_pdfium

            with _pdf_pdfium._LOCK:
                self._doc.close()
            self._doc = None

    def mark(self, rows: list[Row]) -> tuple[list[Row], list[OcrCell]]:
        """The rows with the references of OCR pages marked (ocr, lowest confidence), and the
        cells holding characters read unsurely."""
        unsure: list[OcrCell] = []
        out = []
        for row in rows:
            if row.ref.page not in self.pages:
                out.append(row)
                continue
            refs = row.cell_refs or (row.ref,)
            texts = row.cells if row.cell_refs else (row.text,)
            seen: dict[int, SourceRef] = {}
            marked = []
            for ref, text in zip(refs, texts):
                if id(ref) not in seen:  # a merged cell's slots share its reference
                    seen[id(ref)] = self._mark_ref(ref, text, unsure)
                marked.append(seen[id(ref)])
            row_ref = self._mark_ref(row.ref, "", []) if row.cell_refs else marked[0]
            out.append(dataclasses.replace(row, ref=row_ref, cells=tuple(LONE_SHAPES.get(c.strip(), c) for c in row.cells),
                                           cell_refs=tuple(marked) if row.cell_refs else None))
        return out, unsure

    def _mark_ref(self, ref: SourceRef, text: str, unsure: list[OcrCell]) -> SourceRef:
        inside = self._chars_in(ref)
        conf = round(min(c["ocr_conf"] for c in inside), 1) if inside else None  # None: no character there
        low = [c for c in sorted(inside, key=lambda c: (round(c["top"]), c["x0"])) if c["ocr_conf"] < UNSURE]
        marked = dataclasses.replace(ref, ocr=True, ocr_conf=conf)
        if low and text.strip():
            unsure.append(OcrCell(ref=marked, text=text, unsure="".join(c["text"] for c in low),
                                  conf=min(c["ocr_conf"] for c in low)))
        return marked

    def _chars_in(self, ref: SourceRef) -> list[dict]:
        if ref.bbox is None:
            return []
        x0, top, x1, bottom = ref.bbox
        return [c for c in self.pages.get(ref.page, [])
                if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top - 0.5 <= (c["top"] + c["bottom"]) / 2 <= bottom + 0.5]


def _char(c: tesseract.OcrChar, scale: float) -> dict:
    """A Tesseract character as a PDF text-layer character (pdfplumber's keys), in points. Its top
    and bottom are its line's, so that the characters of one line share them as a PDF's do."""
    top, bottom = round(c.line_top * scale, 2), round(c.line_bottom * scale, 2)
    x0, x1 = c.x0 * scale, c.x1 * scale
    # a kanji's or kana's ink → about its em box, as a text layer gives it (for the wrap rule); not
    # a box far taller than wide (a stroke or a rule's remains read as a character)
    if _is_full_width(c.text) and c.x1 - c.x0 >= 0.5 * (c.bottom - c.top):
        em = max(c.x1 - c.x0, c.bottom - c.top) * scale / INK_PER_EM
        x1 = max(x1, x0 + em)  # to the right only: left of the ink would be left of the cell's padding
    return {"text": c.text, "x0": round(x0, 2), "x1": round(x1, 2), "top": top, "bottom": bottom,
            "doctop": top, "size": round(max(bottom - top, 1.0), 2), "fontname": "OCR", "upright": True,
            "ocr_conf": c.conf}


INK_PER_EM = 0.88  # a kanji's or kana's ink fills about this much of its em box (its box in a text layer)


def _is_full_width(ch: str) -> bool:
    o = ord(ch[0])
    return 0x3040 <= o <= 0x30FF or 0x4E00 <= o <= 0x9FFF or 0xFF01 <= o <= 0xFF5E


# ---------------------------------------------------------------- flags on the values read

_VALUE_FIELDS = ("target_raw", "actual_raw", "grade_raw", "baseline_raw", "rate_raw", "projection_raw")


def flag_unsure_values(doc: Document, cells: list[OcrCell]) -> None:
    """Flag every indicator value read from a cell whose characters OCR was unsure of: the value
    holds one of those characters, and was read on the same table row (or page, outside tables)."""
    by_place: dict[tuple, list[OcrCell]] = {}
    for cell in cells:
        by_place.setdefault(_place(cell.ref), []).append(cell)
    for v in doc.indicator_values:
        if not v.ref.ocr:
            continue
        for name in _VALUE_FIELDS:
            raw = getattr(v, name)
            if not raw:
                continue
            for cell in by_place.get(_place(v.ref), []):
                hit = [ch for ch in cell.unsure if ch in raw]
                if hit and raw.strip() in cell.text:
                    doc.flags.append(Flag(field=name.removesuffix("_raw"), raw=raw, ref=cell.ref, scope=v.measure_key,
                                          reason=(f"read by OCR, unsure of 「{''.join(dict.fromkeys(hit))}」 "
                                                  f"(confidence {cell.conf:.0f} < {UNSURE:.0f}): check it on the page")))
                    break


def _place(ref: SourceRef) -> tuple:
    return (ref.page, ref.table, ref.row) if ref.table is not None else (ref.page,)
