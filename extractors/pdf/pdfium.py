"""A page's characters and ruling-line edges read with PDFium (pypdfium2), in pdfplumber's shape.

pdfminer (under pdfplumber) parses page content in Python at 15–18 pages/s; PDFium does it in
C++ at several hundred. This module gives the PDF backend (extractors/pdf/) what it
used from pdfplumber — per page the characters (text, x0, x1, top, bottom, size, fontname,
upright) and the edges of painted paths — so the backend's own table and line logic runs
unchanged on either engine. pdfplumber's table finder (pure geometry) is reused on these edges.

How the pdfminer/pdfplumber conventions are reproduced:

* Coordinates: x as in the PDF, ``top = mediabox height − y`` (pdfplumber's convention);
  edges rounded to 4 decimals (PDFium computes in float32; the PDF's own numbers have fewer
  digits, and the table finder compares edges for equality).
* A character's box: x0 is its origin, x1 the end of its advance, bottom its baseline plus the
  font's descent and top = bottom − size, size = font size × the text matrix's vertical scale
  (pdfminer's ``LTChar``). PDFium's "loose" box is used for x0, x1 and the descent; where it
  reaches past the next character's origin in the same text object (a glyph wider than its
  advance, seen with non-embedded fonts) the advance ends at that origin.
* Edges: each painted path is split into subpaths and classified as pdfminer's
  ``PDFLayoutAnalyzer.paint_path`` does (one segment → line, closed axis-aligned 4-gon → rect,
  anything else → curve through its segment end points), then turned into edges as
  pdfplumber's ``obj_to_edges`` does. Paths neither stroked nor filled (clipping) are skipped,
  as pdfminer skips ``n``. Paths inside form XObjects are included, in page space.

A page whose characters this module can't reproduce returns a reason (`PageContent.fallback`),
and the backend takes that page's characters from pdfminer (its edges stay PDFium's; a rotated
page is read by pdfplumber altogether): rotated pages; characters not upright (rotated or
vertical writing); glyphs without a Unicode mapping (pdfplumber names the (cid:NN) glyphs);
a text object with an extent that PDFium gives no text for (glyphs it left out, e.g. a "fake
bold" copy); in a non-embedded font other than the standard 14, which PDFium draws with a
font installed on the machine, any text object without text (a glyph that font lacks has
no extent either: without a Japanese font PDFium leaves 「体」 of reportlab's HeiseiKakuGo-W5
out, with one it reads it) or a hole in a run of characters. (The Unicode text of such a font
comes from the PDF alone — ToUnicode, a UCS2/UTF16 CMap's code, PDFium's built-in CID→Unicode
tables, a simple font's encoding and Differences (CPDF_CIDFont/CPDF_SimpleFont::
UnicodeFromCharCode); the machine's fonts only decide whether the text page keeps a glyph.)
And a printed space PDFium left out between
two characters in a font with no other printed space on the page to take its width from
(with one, or with the font's own width for U+0020, the space is put back). Spaces PDFium drops where they overlap a character are
not a reason: the backend ignores such spaces anyway.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as R

_ROUND = 4
_COPY_TOLERANCE = 1.0  # points: a "fake bold" copy is drawn this close to its original (pdfplumber's dedupe default)


@dataclass
class PageContent:
    number: int  # 1-based
    width: float
    height: float
    chars: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    fallback: str | None = None  # why this page's characters must come from pdfminer instead
    edges_read: bool = False  # the edges are PDFium's (all but rotated pages): only the characters fall back

    @property
    def bbox(self) -> tuple[float, float, float, float]:  # what pdfplumber's TableFinder reads
        return (0.0, 0.0, self.width, self.height)


# PDFium is not thread-safe, not even across documents (pypdfium2's docs): one call at a time
# per process. A page is read under the lock; pdfminer's and the backend's work is not.
_LOCK = threading.RLock()


def open_document(path) -> pdfium.PdfDocument:
    """Raises pdfium.PdfiumError when PDFium can't open the file."""
    with _LOCK:
        return pdfium.PdfDocument(str(path))


def close_document(doc: pdfium.PdfDocument) -> None:
    with _LOCK:
        doc.close()


def page_count(doc: pdfium.PdfDocument) -> int:
    with _LOCK:
        return len(doc)


def read_page(doc: pdfium.PdfDocument, index: int) -> PageContent:
    with _LOCK:
        page = doc[index]
        try:
            return _read_page(page, index + 1)
        finally:
            page.close()


def _read_page(page: pdfium.PdfPage, number: int) -> PageContent:
    left, bottom, right, top = page.get_mediabox()
    width, height = right - left, top - bottom
    content = PageContent(number=number, width=_r(width), height=_r(height))
    if page.get_rotation() % 360:
        content.fallback = "rotated page"
        return content
    textpage = page.get_textpage()
    try:
        space_widths: dict[int, float] = {}
        chars_fallback = _read_chars(textpage.raw, height, content.chars, space_widths)
        # paths don't depend on fonts: the edges are PDFium's even when the characters are not
        objects_fallback = _read_objects(page.raw, textpage.raw, height, content.chars if chars_fallback is None else [],
                                         space_widths, content.edges)
        content.edges_read = True
        content.fallback = chars_fallback or objects_fallback
        if content.fallback:
            content.chars = []
    finally:
        textpage.close()
    return content


def _r(v: float) -> float:
    return round(v, _ROUND)


# ---------------------------------------------------------------- characters


def _page_text(tp, n: int) -> str | None:
    """All n characters' text in one call (one UTF-16 unit each), or None when that doesn't line up."""
    buf = (ctypes.c_ushort * (n + 1))()
    written = R.FPDFText_GetText(tp, 0, n, buf)
    text = bytes(buf)[: max(written - 1, 0) * 2].decode("utf-16-le", errors="surrogatepass")
    return text if len(text) == n else None


# the PDF standard fonts, whose metrics and encodings PDFium has built in
_STANDARD_FONTS = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")
# a hole between two characters of one text run wider than this × the size: a glyph went missing
_MISSING_GLYPH_GAP = 0.45
_WHITESPACE_OR_CONTROL = frozenset(" \t\r\n\x00\x02\xa0\u3000\ufffe")


def _drawn_from_the_file(font, name: str) -> bool:
    """The font's glyphs come from the PDF itself or from PDFium's built-in standard 14; else
    PDFium draws it with a font installed on the machine."""
    return bool(font and R.FPDFFont_GetIsEmbedded(font)) or name.startswith(_STANDARD_FONTS)


def _plain(fn, restype, *argtypes):
    """The same C function called with plain pointers (ints): no ctypes pointer objects or casts
    per call in the per-character loop."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(fn, ctypes.c_void_p).value)


_VP, _INT = ctypes.c_void_p, ctypes.c_int
_text_object = _plain(R.FPDFText_GetTextObject, _VP, _VP, _INT)
_loose_box = _plain(R.FPDFText_GetLooseCharBox, _INT, _VP, _INT, ctypes.POINTER(R.FS_RECTF))
_is_generated = _plain(R.FPDFText_IsGenerated, _INT, _VP, _INT)


_count_segments = _plain(R.FPDFPath_CountSegments, _INT, _VP)
_get_segment = _plain(R.FPDFPath_GetPathSegment, _VP, _VP, _INT)
_segment_point = _plain(R.FPDFPathSegment_GetPoint, _INT, _VP, ctypes.POINTER(ctypes.c_float),
                        ctypes.POINTER(ctypes.c_float))
_segment_type = _plain(R.FPDFPathSegment_GetType, _INT, _VP)
_segment_close = _plain(R.FPDFPathSegment_GetClose, _INT, _VP)


def _read_chars(tp, page_height: float, out: list[dict], space_widths: dict[int, float]) -> str | None:
    """The page's printed characters into `out`; the width of a printed space per font (in
    units of the font size) into `space_widths`. A reason when the page must go to pdfplumber."""
    n = R.FPDFText_CountChars(tp)
    if n <= 0:
        return None
    text = _page_text(tp, n)
    rect = R.FS_RECTF()
    matrix = R.FS_MATRIX()
    name_buf = ctypes.create_string_buffer(256)
    width = ctypes.c_float()
    width_ref = ctypes.byref(width)
    advances: dict[tuple[int, str], float] = {}  # (font, character) → advance per unit of font size
    x_scale = 1.0
    font = None
    fonts: dict[int, str] = {}
    substituted: set[int] = set()  # fonts drawn with a font installed on the machine
    # the loop runs once per character: functions and constants bound locally
    get_object, get_box, is_generated, as_pointer = _text_object, _loose_box, _is_generated, ctypes.c_void_p
    cast, skip_if_generated = ctypes.cast, _WHITESPACE_OR_CONTROL
    tp_address = cast(tp, as_pointer).value
    rect_ref = ctypes.byref(rect)
    last_obj = None
    size = 1.0
    fontname = ""
    prev: dict | None = None
    prev_obj = None
    for i in range(n):
        ch = text[i] if text is not None else chr(R.FPDFText_GetUnicode(tp, i))
        if (ch in skip_if_generated or ch == "-") and is_generated(tp_address, i):
            continue  # a space or line break PDFium inferred, not printed
        obj_key = get_object(tp_address, i)
        if obj_key != last_obj:
            last_obj = obj_key
            if R.FPDFText_HasUnicodeMapError(tp, i):
                return "glyphs without a Unicode mapping"
            R.FPDFText_GetMatrix(tp, i, matrix)
            if matrix.b != 0 or matrix.c != 0 or matrix.a <= 0 or matrix.d <= 0:
                return "characters not upright"
            font_size = R.FPDFText_GetFontSize(tp, i)
            size = _r(font_size * matrix.d)
            x_scale = font_size * matrix.a
            font = R.FPDFTextObj_GetFont(R.FPDFText_GetTextObject(tp, i))
            font_key = cast(font, as_pointer).value or 0
            if font_key not in fonts:
                name = _base_font_name(font, name_buf)
                fonts[font_key] = name
                if not _drawn_from_the_file(font, name):
                    substituted.add(font_key)
            fontname = fonts[font_key]
        if ch in "\x00\ufffd\ufffe":
            return "glyphs without a Unicode mapping"  # PDFium maps no text to them; pdfminer may
        get_box(tp_address, i, rect_ref)
        x0 = rect.left
        bottom = page_height - rect.bottom
        x1 = rect.right
        if font_key in substituted:
            # PDFium's loose box of a glyph drawn with a machine font can reach past the advance
            # the PDF's widths give (「標」 of HeiseiMin-W3 under Noto CJK: 0.047 pt), and so it
            # depends on the fonts installed; pdfminer's x1 is the advance: take it from the PDF
            advance = advances.get((font_key, ch))
            if advance is None:
                advance = width.value if R.FPDFFont_GetGlyphWidth(font, ord(ch), 1.0, width_ref) else -1.0
                advances[(font_key, ch)] = advance
            if advance > 0 and x1 > x0 + advance * x_scale:
                x1 = x0 + advance * x_scale
        c = {"text": ch, "x0": x0, "x1": x1, "top": bottom - size, "bottom": bottom,
             "doctop": bottom - size, "size": size, "fontname": fontname, "upright": True}
        if prev_obj == obj_key:
            if abs(prev["x0"] - x0) < 0.01 and abs(prev["bottom"] - bottom) > 0.5 * size:
                return "vertical writing"
            if font_key in substituted and x0 - prev["x1"] > _MISSING_GLYPH_GAP * size:
                # a glyph the machine's substitute font lacks leaves a hole in the run
                return "a glyph of a non-embedded font left out"
            # a glyph wider than its advance: the advance ends where the next character starts
            if prev["x0"] < x0 < prev["x1"] and abs(prev["bottom"] - bottom) < 0.01:
                prev["x1"] = x0
        if ch == " " and font_key not in space_widths and size > 0:
            space_widths[font_key] = (rect.right - x0) / size
        out.append(c)
        prev, prev_obj = c, obj_key
    return None


# ---------------------------------------------------------------- edges

_MOVETO, _LINETO, _BEZIERTO = R.FPDF_SEGMENT_MOVETO, R.FPDF_SEGMENT_LINETO, R.FPDF_SEGMENT_BEZIERTO
_PATH, _FORM, _TEXT = R.FPDF_PAGEOBJ_PATH, R.FPDF_PAGEOBJ_FORM, R.FPDF_PAGEOBJ_TEXT

_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mult(m: _Matrix, n: _Matrix) -> _Matrix:
    """m then n (PDF's row-vector convention: m × n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _read_objects(page, tp, page_height: float, chars: list[dict], space_widths: dict[int, float],
                  out: list[dict]) -> str | None:
    """Edges of the painted paths into `out`; a reason when the characters must come from pdfminer.

    PDFium leaves glyphs out of the text page (a "fake bold" copy; glyphs of non-embedded fonts
    the machine has no font for, 「体」 of reportlab's HeiseiKakuGo-W5 on a machine without CJK
    fonts; some printed spaces): their text object has no text. With an extent, or in a
    non-embedded font, that's text lost; otherwise a space, put back into `chars` where it
    stands between characters."""
    fs = R.FS_MATRIX()
    text_buf = (ctypes.c_ushort * 2)()
    unmapped: list[bool] = []
    substituted_blank: list[tuple] = []  # (object, parent matrix, font) of each, in a machine-drawn font
    texted: list[tuple] = []  # (object, parent matrix) of the text objects with text
    name_buf = ctypes.create_string_buffer(256)
    blank: list[tuple[float, float, float, int]] = []  # text objects without text or extent: x, y, size, font
    bounds = [ctypes.c_float() for _ in range(4)]  # left, bottom, right, top
    font_size = ctypes.c_float()
    point = (ctypes.c_float(), ctypes.c_float())  # a segment's x, y, filled in by PDFium
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    cast, void_p = ctypes.cast, ctypes.c_void_p  # handles as plain pointers

    def matrix_of(obj) -> _Matrix:
        if not R.FPDFPageObj_GetMatrix(obj, fs):
            return _IDENTITY
        return (fs.a, fs.b, fs.c, fs.d, fs.e, fs.f)

    def walk(count: int, get, parent: _Matrix) -> None:
        for k in range(count):
            obj = get(k)
            kind = R.FPDFPageObj_GetType(obj)
            if kind == _PATH:
                if not R.FPDFPath_GetDrawMode(obj, fill, stroke) or not (fill.value or stroke.value):
                    continue  # a clipping path: painted by nothing
                ops = _path_ops(cast(obj, void_p).value, _mult(matrix_of(obj), parent), point)
                _paint_path(ops, page_height, out)
            elif kind == _TEXT:
                if R.FPDFTextObj_GetText(obj, tp, text_buf, 4) > 2:  # more than the terminator: text
                    texted.append((obj, parent))
                    continue
                font = R.FPDFTextObj_GetFont(obj)
                if not _drawn_from_the_file(font, _base_font_name(font, name_buf)):
                    # the machine's substitute font lacks the glyph: PDFium gives it no extent and no
                    # text, just as for a space, so the two can't be told apart — unless it is a
                    # "fake bold" copy of a text object that has text (_fake_bold_copies)
                    substituted_blank.append((obj, parent, font))
                elif not R.FPDFPageObj_GetBounds(obj, *bounds) or bounds[2].value - bounds[0].value > 0.01:
                    unmapped.append(True)  # glyphs with an extent went missing
                else:  # nothing visible: a space PDFium dropped; where, what size, which font?
                    m = _mult(matrix_of(obj), parent)
                    R.FPDFTextObj_GetFontSize(obj, font_size)
                    blank.append((m[4], page_height - m[5], font_size.value * m[3], font))
            elif kind == _FORM:
                form = obj
                walk(R.FPDFFormObj_CountObjects(form), lambda j, f=form: R.FPDFFormObj_GetObject(f, j),
                     _mult(matrix_of(form), parent))

    walk(R.FPDFPage_CountObjects(page), lambda j: R.FPDFPage_GetObject(page, j), _IDENTITY)
    if unmapped:
        return "text objects without Unicode text"
    if substituted_blank and not _fake_bold_copies(substituted_blank, texted, matrix_of):
        return "a text object in a non-embedded font without text"
    return _restore_spaces(blank, chars, space_widths, name_buf)


def _path_ops(path: int, matrix: _Matrix, point: tuple) -> list[tuple[str, tuple[float, float] | None]]:
    """A path's segments in page space as pdfminer's path operators: ("m"|"l"|"c", point), ("h", None)."""
    # once per path segment: functions bound locally
    count_segments, get_segment = _count_segments, _get_segment
    segment_point, segment_type, segment_close = _segment_point, _segment_type, _segment_close
    x, y = point
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    a, b, c, d, e, f = matrix
    ops: list[tuple[str, tuple[float, float] | None]] = []
    beziers = 0
    for s in range(count_segments(path)):
        seg = get_segment(path, s)
        segment_point(seg, x_ref, y_ref)
        px, py = x.value, y.value
        pt = (a * px + c * py + e, b * px + d * py + f)
        t = segment_type(seg)
        if t == _MOVETO:
            ops.append(("m", pt))
            beziers = 0
        elif t == _LINETO:
            ops.append(("l", pt))
        elif t == _BEZIERTO:
            beziers += 1
            if beziers % 3 == 0:  # two control points, then the end point
                ops.append(("c", pt))
        if segment_close(seg):
            ops.append(("h", None))
    return ops


def _fake_bold_copies(blanks: list[tuple], texted: list[tuple], matrix_of) -> bool:
    """Every text object without text (`blanks`: object, parent matrix, font) is a "fake bold" copy:
    drawn within _COPY_TOLERANCE points of the origin of a text object with text, in the same font
    and size. PDFium keeps one copy's text (as pdfplumber's dedupe_chars would), so nothing is lost;
    a glyph the machine's fonts lack is an object of its own, at an origin no other object has."""
    size = ctypes.c_float()

    def placed(obj, parent, font) -> tuple[float, float, float, int]:
        m = _mult(matrix_of(obj), parent)
        R.FPDFTextObj_GetFontSize(obj, size)
        return m[4], m[5], size.value * m[3], ctypes.cast(font, ctypes.c_void_p).value or 0

    originals = [placed(obj, parent, R.FPDFTextObj_GetFont(obj)) for obj, parent in texted]
    for obj, parent, font in blanks:
        x, y, s, f = placed(obj, parent, font)
        if not any(f == f2 and abs(s - s2) < 0.01 and abs(x - x2) <= _COPY_TOLERANCE and abs(y - y2) <= _COPY_TOLERANCE
                   for x2, y2, s2, f2 in originals):
            return False
    return True


def _restore_spaces(blank: list[tuple[float, float, float, int]], chars: list[dict], space_widths: dict[int, float],
                    name_buf) -> str | None:
    """Printed spaces PDFium left out of the text page (`blank`: x, baseline, size and font of
    each text object without text or extent), put back into `chars`; a reason when one can't be.

    PDFium drops printed spaces that overlap the text (Word prints them around underlined
    runs; the backend ignores them too), but also some standing in a gap between words
    (「今年度は 33件」), which the backend keeps: such a space is put back, as wide as the
    spaces printed in that font on the page, or else as the font's widths in the PDF give
    U+0020; when neither is known, the page goes to pdfminer."""
    descent, width = ctypes.c_float(), ctypes.c_float()
    for px, baseline, size, font in blank:
        # covered: starts inside a character — not in the last quarter em of its box, which may
        # reach past its advance (「f」 of an embedded Noto Sans CJK: 0.33 pt) to where a space starts
        if any(c["x0"] < px < c["x1"] - 0.25 * c["size"] and c["top"] <= baseline <= c["bottom"] for c in chars):
            continue
        font_key = ctypes.cast(font, ctypes.c_void_p).value or 0
        if font_key not in space_widths and R.FPDFFont_GetGlyphWidth(font, 0x20, 1.0, ctypes.byref(width)) \
                and 0 < width.value <= 1:
            space_widths[font_key] = width.value  # the font's own advance for U+0020 (its widths in the PDF)
        if font_key not in space_widths or size <= 0 or not R.FPDFFont_GetDescent(font, ctypes.c_float(size), descent):
            return "a printed space PDFium left out"
        bottom = baseline - descent.value  # the descent is negative: below the baseline
        R.FPDFFont_GetBaseFontName(font, name_buf, len(name_buf))
        chars.append({"text": " ", "x0": px, "x1": px + space_widths[font_key] * size, "top": bottom - size,
                      "bottom": bottom, "doctop": bottom - size, "size": _r(size),
                      "fontname": name_buf.value.decode("utf-8", "replace"), "upright": True})
    return None


def _base_font_name(font, buf) -> str:
    length = R.FPDFFont_GetBaseFontName(font, buf, len(buf)) if font else 0
    return buf.value.decode("utf-8", "replace") if length else ""


def _paint_path(ops, page_height: float, out: list[dict]) -> None:
    """pdfminer's paint_path (subpaths; line / rect / curve), then pdfplumber's edges."""
    sub: list = []
    for op in ops:
        if op[0] == "m":
            if sub:
                _subpath(sub, page_height, out)
            sub = [op]
        elif sub:
            sub.append(op)
    if sub:
        _subpath(sub, page_height, out)


def _subpath(path, page_height: float, out: list[dict]) -> None:
    shape = "".join(op for op, _pt in path)
    pts = [(_r(pt[0]), _r(pt[1])) if op != "h" else (_r(path[0][1][0]), _r(path[0][1][1])) for op, pt in path]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    if shape in ("mlh", "ml"):
        (x0, y0), (x1, y1) = pts[0], pts[1]
        top, bottom = page_height - max(y0, y1), page_height - min(y0, y1)
        out.append(_edge("line", min(x0, x1), max(x0, x1), top, bottom,
                         "h" if top == bottom else "v"))
        return
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        if pts[0] == pts[4] and ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                                 or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)):
            left, right = min(x0, x2), max(x0, x2)
            top, bottom = page_height - max(y0, y2), page_height - min(y0, y2)
            out.append(_edge("rect_edge", left, right, top, top, "h"))
            out.append(_edge("rect_edge", left, right, bottom, bottom, "h"))
            out.append(_edge("rect_edge", left, left, top, bottom, "v"))
            out.append(_edge("rect_edge", right, right, top, bottom, "v"))
            return
    for (ax, ay), (bx, by) in zip(pts, pts[1:]):
        orientation = "v" if ax == bx else ("h" if ay == by else None)
        out.append(_edge("curve_edge", min(ax, bx), max(ax, bx), page_height - max(ay, by),
                         page_height - min(ay, by), orientation))


def _edge(kind: str, x0: float, x1: float, top: float, bottom: float, orientation: str | None) -> dict:
    top, bottom = _r(top), _r(bottom)
    return {"object_type": kind, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
            "width": _r(x1 - x0), "height": _r(bottom - top), "orientation": orientation}
