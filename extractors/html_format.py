"""Saved web pages (.html, .htm): headings, paragraphs and list items as lines, `<table>`s as rows of cells.

Many 施策評価 and KPI results are published as web pages rather than files. A saved page is read
in reading order into the same neutral form as a text file or a DOCX:

- **Lines.** A block element (h1–h6, p, li, dt/dd, div …) ends the line before it and after it, and
  `<br>` ends a line, so the generic reader's prose logic sees one-cell rows exactly as it sees a
  text file's lines. A heading is written as the text renderings write one, "## 見出し" for an <h2>:
  that mark is how the readers know a section heading (its level) in the neutral form. Whitespace runs collapse to one space as a browser shows them (U+3000, the
  full-width space, is text and stays).
- **Tables.** One Row per `<tr>` on the table's logical grid, rebuilt the way the DOCX backend
  rebuilds merged cells: a cell's text sits at its top-left grid position and every other position
  its `colspan`/`rowspan` covers is ''. A `<br>` or a block inside a cell is a "\\n" in the cell's text;
  a table nested in a cell gives its cells' text as further lines (as DOCX does). A table whose cells
  hold tables is a *layout* table (older municipal sites frame the whole page with one): its cells
  are read as blocks, so the data tables inside stay tables. A `<caption>` is a line before the table.
- **Left out:** script, style, noscript, template, nav; and the page's own header and footer
  (`<header>`/`<footer>` outside `<main>`/`<article>`). When the page has a `<main>` (else
  `<article>`s), only that is read: the rest is the site around the report.
- **Encoding:** the byte-order mark, else `<meta charset>` / `http-equiv` Content-Type, else
  detection as for text files (`text_format.decode_text`: UTF-8, then charset-normalizer among
  CP932 and EUC-JP). Shift_JIS is read as CP932, as browsers do (NEC/IBM extensions: ①, ㈱ …).

Source references. `line_start`/`line_end` are the page's source line of the element a row (or
cell) comes from — the nearest thing to an element path the model has, and what a person opens
the saved file at. Table rows add `table` (0-based, in reading order) and `row`; cells also `col`
(grid column). Lines add `row` = their 0-based ordinal among the page's lines (as DOCX paragraphs).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from hyoka.extractors._common import check_file_size, reasons_for_people
from hyoka.extractors.base import ExtractionError, FormatBackend, Row, SourceText
from hyoka.extractors.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from hyoka.extractors.text_format import _BOMS, decode_text
from hyoka.pipeline.model import SourceRef

# never content: code, styling, and the site's navigation
_SKIP = {"script", "style", "noscript", "template", "nav", "head", "iframe", "object", "svg", "math",
         "select", "button", "canvas", "map"}
# the site's banner and footer: left out unless they sit inside the report's main/article
_CHROME = {"header", "footer"}
# elements that start and end a line (everything else is inline text)
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
          "article", "main", "aside", "blockquote", "pre", "address", "figure", "figcaption", "hr", "form",
          "fieldset", "legend", "center", "body", "html", "caption", "details", "summary", "header",
          "footer", "tr", "td", "th", "thead", "tbody", "tfoot", "table"}
_CELLS = ("td", "th")
_HEADING = re.compile(r"h[1-6]")
_SPACES = re.compile(r"[ \t\n\r\f\xa0]+")  # HTML whitespace (and &nbsp;); not U+3000
# the charset a page declares, in its first bytes: <meta charset="…"> or content="text/html; charset=…"
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# labels Japanese sites declare → the codec browsers actually use for them
_ALIASES = {"shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "ms_kanji": "cp932",
            "windows-31j": "cp932", "csshiftjis": "cp932", "ms932": "cp932", "cp932": "cp932",
            "euc-jp": "euc_jp", "x-euc-jp": "euc_jp", "eucjp": "euc_jp", "euc_jp": "euc_jp",
            "iso-2022-jp": "iso2022_jp", "utf8": "utf-8", "utf-8": "utf-8", "unicode": "utf-8"}
_MAX_BAD_BYTES = 20  # as text_format: a few stray bytes are replaced and named, more means the label is wrong


def decode_html(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, warnings) of a page's bytes: BOM, then the declared charset, then detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding.replace("-sig", "") + " (with BOM)", []
    m = _META_CHARSET.search(data[:8192])
    warnings: list[str] = []
    if m:
        label = m.group(1).decode("ascii", "replace").lower()
        codec = _ALIASES.get(label)
        if codec is None:
            try:
                codec = codecs.lookup(label).name
            except LookupError:
                warnings.append(f"the page declares an unknown charset '{label}'; the encoding was detected instead")
        if codec:
            try:
                return data.decode(codec), codec, []
            except UnicodeDecodeError:
                bad = _count_bad(data, codec)
                if bad <= _MAX_BAD_BYTES:
                    return (data.decode(codec, errors="replace"), codec,
                            [f"{bad} byte(s) that are not {codec} replaced by U+FFFD; the rest read as {codec}"])
                warnings.append(f"the page declares charset '{label}' but is not {codec} text; "
                                "the encoding was detected instead")
    text, encoding, more = decode_text(data)
    return text, encoding, warnings + more


def _count_bad(data: bytes, codec: str) -> int:
    return data.decode(codec, errors="replace").count("\ufffd") - data.decode(codec, errors="ignore").count("\ufffd")


def _tag(el) -> str | None:
    """The lower-case tag name; None for comments and processing instructions."""
    return el.tag.lower() if isinstance(el.tag, str) else None


class _Budget:
    """Grid cells against Limits.max_cells and one span against max_grid_span (colspan="99999999")."""

    def __init__(self, limits: Limits) -> None:
        self.limits, self.used = limits, 0

    def span(self, raw: str | None, table: int, row: int, what: str) -> int:
        try:
            n = int(re.match(r"\s*(\d+)", raw or "").group(1))  # browsers read the leading digits
        except (AttributeError, ValueError):
            return 1
        if n > self.limits.max_grid_span:
            raise LimitExceeded("max_grid_span", f"table {table} row {row}: a {what} of {n:,}, over the limit of "
                                                 f"{self.limits.max_grid_span:,} (max_grid_span)")
        return max(n, 1)  # rowspan="0" (to the end of the group) is read as 1

    def take(self, n: int, table: int) -> None:
        self.used += n
        if self.used > self.limits.max_cells:
            raise LimitExceeded("max_cells", f"table {table}: more than {self.limits.max_cells:,} table cells "
                                             f"in the page (max_cells)")


class _Reader:
    """Walks the element tree in reading order, collecting lines and tables as Rows."""

    def __init__(self, file: str, limits: Limits, keep_chrome: bool) -> None:
        self.file, self.budget, self.keep_chrome = file, _Budget(limits), keep_chrome
        self.rows: list[Row] = []
        self.n_line = self.n_table = 0
        self.buf: list[str] = []
        self.buf_line: int | None = None

    # --- lines ---
    def _text(self, text: str | None, line: int | None) -> None:
        if text:
            if self.buf_line is None and text.strip():
                self.buf_line = line
            self.buf.append(text)

    def _flush(self, heading: int = 0) -> None:
        text = _SPACES.sub(" ", "".join(self.buf)).strip(" ")
        if text and heading:
            # the neutral form's heading mark is Markdown's: the readers' section stack (_grid.py) and
            # titles know a heading by its leading "#"s, as in a .md rendering of the same report
            text = "#" * heading + " " + text
        if text:
            n = self.buf_line
            self.rows.append(Row(cells=(text,), ref=SourceRef(file=self.file, line_start=n, line_end=n,
                                                               row=self.n_line)))
            self.n_line += 1
        self.buf, self.buf_line = [], None

    def walk(self, el) -> None:
        tag = _tag(el)
        if tag in _SKIP or (tag in _CHROME and not self.keep_chrome) or (tag and el.get("hidden") is not None):
            return  # (an element with the `hidden` attribute is not shown by a browser either)
        if tag == "br":
            self._flush()
            return
        if tag == "pre":  # preformatted text keeps its lines and its spacing (columns aligned with spaces)
            self._flush()
            for k, line in enumerate(el.text_content().split("\n")):
                if line.strip():
                    n = el.sourceline + k if el.sourceline else None
                    self.rows.append(Row(cells=(line.rstrip().replace("\t", " "),),
                                         ref=SourceRef(file=self.file, line_start=n, line_end=n, row=self.n_line)))
                    self.n_line += 1
            return
        if tag == "table" and not _is_layout_table(el):
            self._flush()
            self._table(el)
            return
        block = tag in _BLOCK
        if block:
            self._flush()
        if tag is not None:
            self._text(el.text, el.sourceline)
            for child in el:
                self.walk(child)
                self._text(child.tail, child.sourceline)
        if block:
            self._flush(int(tag[1]) if _HEADING.fullmatch(tag) else 0)

    # --- tables ---
    def _table(self, table) -> None:
        index = self.n_table
        self.n_table += 1
        for caption in (c for c in table if _tag(c) == "caption"):
            self._text(_cell_text(caption), caption.sourceline)
            self._flush()
        trs = [tr for tr in _table_rows(table)]
        grid: dict[tuple[int, int], tuple[str, int | None]] = {}
        for r, tr in enumerate(trs):
            c = 0
            for td in (x for x in tr if _tag(x) in _CELLS):
                while (r, c) in grid:
                    c += 1
                cs = self.budget.span(td.get("colspan"), index, r, "colspan")
                rs = min(self.budget.span(td.get("rowspan"), index, r, "rowspan"), len(trs) - r)  # not past the table
                self.budget.take(cs * rs, index)
                for dr in range(rs):
                    for dc in range(cs):
                        grid[(r + dr, c + dc)] = ("", td.sourceline)
                grid[(r, c)] = (_cell_text(td), td.sourceline)  # the text at the merge's top-left slot only
                c += cs
        width = max((c for _r, c in grid), default=-1) + 1
        self.budget.take(len(trs) * width - len(grid), index)  # the short rows' padding
        for r, tr in enumerate(trs):
            cells, refs = [], []
            for c in range(width):
                text, line = grid.get((r, c), ("", tr.sourceline))
                cells.append(text)
                refs.append(SourceRef(file=self.file, line_start=line, line_end=line, table=index, row=r, col=c))
            self.rows.append(Row(cells=tuple(cells), is_table=True, cell_refs=tuple(refs),
                                 ref=SourceRef(file=self.file, line_start=tr.sourceline, line_end=tr.sourceline,
                                               table=index, row=r)))


def _table_rows(table) -> list:
    """The table's own <tr>s in order (directly or in thead/tbody/tfoot), not those of nested tables."""
    out = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            out.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            out.extend(tr for tr in child if _tag(tr) == "tr")
    return out


def _is_layout_table(table) -> bool:
    """A table framing other tables (a page laid out with <table>) is not data: read it as blocks."""
    return any(_tag(inner) == "table" for tr in _table_rows(table) for td in tr if _tag(td) in _CELLS
               for inner in td.iter())


def _cell_text(cell) -> str:
    """The cell's lines joined with "\\n": <br> and blocks break lines; a nested table's cells are lines."""
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        text = _SPACES.sub(" ", "".join(buf)).strip(" ")
        if text:
            lines.append(text)
        buf.clear()

    def walk(el) -> None:
        tag = _tag(el)
        if tag in _SKIP:
            return
        if tag == "br":
            flush()
            return
        block = tag in _BLOCK
        if block:
            flush()
        if tag is not None:
            buf.append(el.text or "")
        for child in el if tag is not None else ():
            walk(child)
            buf.append(child.tail or "")
        if block:
            flush()

    buf.append(cell.text or "")
    for child in cell:
        walk(child)
        buf.append(child.tail or "")
    flush()
    return "\n".join(lines)


def _content_roots(root) -> tuple[list, bool]:
    """The elements to read and whether a <header>/<footer> in them is the report's own (inside
    main/article) rather than the site's: <main>, else the <article>s, else <body>."""
    mains = [el for el in root.iter("main") if _text_len(el)]
    if mains:
        return mains[:1], True
    articles = [el for el in root.iter("article") if _text_len(el) and not any(
        _tag(a) == "article" for a in el.iterancestors())]
    if articles:
        return articles, True
    body = root.find("body")
    return [body if body is not None else root], False


def _text_len(el) -> int:
    return len("".join(el.itertext()).strip())


class HtmlBackend(FormatBackend):
    name = "html"
    extensions = (".html", ".htm")

    def describe(self) -> str:
        import lxml

        return f"lxml {lxml.__version__} (tables with rowspan/colspan, UTF-8 / Shift_JIS / EUC-JP)"

    def read(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> SourceText:
        check_file_size(path, limits)
        size = path.stat().st_size
        # a page is markup around text; lxml holds ~10 bytes per byte of HTML, so the cap on unpacked
        # Office XML (max_decompressed_mb) is the one that fits
        if size > limits.max_decompressed_bytes:
            raise LimitExceeded("max_decompressed_mb", f"a web page of {size / 2**20:,.3g} MB, over the limit of "
                                f"{limits.max_decompressed_mb:g} MB (max_decompressed_mb)")
        with reasons_for_people("the web page"):
            data = path.read_bytes()
            if not data.strip():
                raise ExtractionError("empty file")
            text, encoding, warnings = decode_html(data)
            del data
            text = _XML_DECL.sub("", text, count=1)  # lxml refuses a str that declares its own encoding
            if "<" not in text:
                raise ExtractionError("not a web page (no HTML markup)")
            import lxml.html

            try:
                root = lxml.html.document_fromstring(text)
            except Exception as exc:  # lxml's ParserError "Document is empty" and kin: one line
                raise ExtractionError(f"not a readable web page ({' '.join(str(exc).split()) or type(exc).__name__})") from None
            roots, keep_chrome = _content_roots(root)
            reader = _Reader(path.name, limits, keep_chrome)
            try:
                for el in roots:
                    reader.walk(el)
                    reader._flush()
            except RecursionError:
                raise ExtractionError("the web page's elements are nested too deeply to read") from None
        if not any(not r.is_blank() for r in reader.rows):
            raise ExtractionError("no text in the web page (after leaving out scripts, styles and navigation)")
        return SourceText(path=path, format="html", rows=reader.rows, warnings=warnings, encoding=encoding)
