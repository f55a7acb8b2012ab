"""Word documents (.docx): the body in reading order, paragraphs and tables interleaved.

A body paragraph becomes a one-cell Row (empty paragraphs are skipped: layouts ignore
blank rows anyway). A table becomes one Row per `w:tr`, rebuilt on the table's LOGICAL
grid from the XML (`w:gridBefore`, each `w:tc` with its `w:gridSpan` and `w:vMerge`,
`w:gridAfter`) rather than from python-docx's `row.cells`, which repeats a merged cell
at every grid position it covers. As in the text renderings, a merged cell's text sits
at its top-left grid position and every other position it covers (to the right through
`gridSpan`, downwards through `vMerge="continue"`, and the `gridBefore`/`gridAfter` slots)
is ''. Every row of a table therefore has as many cells as the table has grid columns.

Cell text is the cell's paragraphs joined with "\\n" (a "・" bullet is a paragraph of
its own, so it starts a line), each paragraph its runs concatenated (tracked insertions
included, deletions and text boxes not); a table nested in a cell contributes its cells'
text as further lines. Content controls (`w:sdt`) around paragraphs, tables, rows or
cells are read through.

Source references. Table rows: `SourceRef(file, table=<0-based table index in the
body>, row=<0-based row (w:tr) index>)`, and per cell the same with `col=<grid column>`.
Body paragraphs: `SourceRef(file, row=<0-based ordinal among the body's paragraphs>)`
with `table=None` — a DOCX has no lines or pages to point at, so `line_*` and `page`
stay None; a `row` without a `table` means "body paragraph number `row`".
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from hyoka.extractors._common import check_file_size, reasons_for_people, translated
from hyoka.extractors.base import ExtractionError, FormatBackend, Row, SourceText, check_office_zip
from hyoka.extractors.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from hyoka.pipeline.model import SourceRef


def _open(path: Path, limits: Limits = DEFAULT_LIMITS):
    """python-docx's Document, or ExtractionError("not a DOCX file (reason)")."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    check_office_zip(path, "word/document.xml", "a DOCX file", ".doc", limits)
    try:
        return docx.Document(str(path))
    except PackageNotFoundError as exc:
        raise ExtractionError(f"not a DOCX file (package not found: {exc})") from None
    except ValueError as exc:  # e.g. "… is not a Word file, content type is …"
        raise ExtractionError(f"not a DOCX file ({exc})") from None
    except KeyError as exc:
        raise ExtractionError("the DOCX file is damaged: a part it refers to is missing",
                              detail=f"KeyError: {exc}") from None
    except (XMLSyntaxError, zipfile.BadZipFile) as exc:
        raise translated(exc, "the DOCX file") from None


def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


# content controls and custom XML only wrap paragraphs, tables, rows or cells: read through them
_WRAPPERS = ("sdt", "sdtContent", "customXml")
# runs under these are not printed text: deleted / moved-away revisions, text boxes
_NOT_TEXT = ("del", "moveFrom", "txbxContent")


def _children(element, *tags: str):
    """The child elements with one of `tags`, looking through content-control wrappers."""
    wanted, wrappers = {_w(t) for t in tags}, {_w(t) for t in _WRAPPERS}
    for child in element.iterchildren():
        if child.tag in wanted:
            yield child
        elif child.tag in wrappers:
            yield from _children(child, *tags)


class DocxBackend(FormatBackend):
    name = "docx"
    extensions = (".docx",)

    def read(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> SourceText:
        check_file_size(path, limits)
        with reasons_for_people("the DOCX file"):
            document = _open(path, limits)
            rows: list[Row] = []
            warnings: list[str] = []
            n_paragraph = n_table = 0
            budget = _CellBudget(limits)
            for child in _children(document.element.body, "p", "tbl"):
                if child.tag == _w("p"):
                    text = _paragraph_text(child)
                    if text.strip():
                        rows.append(Row(cells=(text,), ref=SourceRef(file=path.name, row=n_paragraph)))
                    n_paragraph += 1
                else:
                    rows.extend(_table_rows(child, n_table, path.name, warnings, budget))
                    n_table += 1
        return SourceText(path=path, format="docx", rows=rows, warnings=warnings)


class _CellBudget:
    """Grid cells made so far against Limits.max_cells, and one merge's width against max_grid_span:
    a 62 KB file declaring gridSpan="20000000" would otherwise be a 7 GB grid."""

    def __init__(self, limits: Limits) -> None:
        self.limits, self.used = limits, 0

    def span(self, n: int, table: int, row: int, what: str) -> int:
        if n > self.limits.max_grid_span:
            raise LimitExceeded("max_grid_span", f"table {table} row {row}: a {what} of {n:,} grid columns, over the "
                                                 f"limit of {self.limits.max_grid_span:,} (max_grid_span)")
        return n

    def take(self, n: int, table: int) -> None:
        self.used += n
        if self.used > self.limits.max_cells:
            raise LimitExceeded("max_cells", f"table {table}: more than {self.limits.max_cells:,} table cells "
                                             f"in the document (max_cells)")


def _paragraph_text(p) -> str:
    """The paragraph's runs concatenated, tracked insertions included, deletions not.

    (python-docx's `Paragraph.text` skips runs inside `w:ins`.) A run's text has w:tab as
    "\\t" and w:br/w:cr as "\\n"; a tab becomes a space, since downstream a tab separates cells.
    """
    skip = {_w(t) for t in _NOT_TEXT}
    parts = []
    for r in p.iter(_w("r")):
        parent = r.getparent()
        while parent is not None and parent is not p and parent.tag not in skip:
            parent = parent.getparent()
        if parent is p:
            parts.append(r.text)
    return "".join(parts).replace("\t", " ")


def _cell_text(tc) -> str:
    """The cell's paragraphs joined with "\\n" (a nested table's cells as further lines)."""
    lines: list[str] = []
    for child in _children(tc, "p", "tbl"):
        if child.tag == _w("p"):
            lines.append(_paragraph_text(child))
        else:
            for tr in _children(child, "tr"):
                for inner in _children(tr, "tc"):
                    text = _cell_text(inner)
                    if text.strip():
                        lines.append(text)
    # empty paragraphs at the cell's edges carry no content; inner ones are kept as printed
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


def _table_rows(tbl, table_index: int, file: str, warnings: list[str], budget: _CellBudget) -> list[Row]:
    """The table's logical grid: merged cells' text at their top-left slot, '' elsewhere."""
    grid_cols = budget.span(len(tbl.tblGrid.gridCol_lst) if tbl.tblGrid is not None else 0, table_index, 0,
                            "table grid")
    grid: list[list[str]] = []
    for r, tr in enumerate(_children(tbl, "tr")):
        cells: list[str] = [""] * budget.span(tr.grid_before, table_index, r, "gridBefore")
        for tc in _children(tr, "tc"):
            span = budget.span(max(tc.grid_span, 1), table_index, r, "merged cell (gridSpan)")
            budget.take(span, table_index)
            # vMerge="continue" (or a bare w:vMerge): the cell above covers this slot
            cells.append("" if tc.vMerge == "continue" else _cell_text(tc))
            cells.extend([""] * (span - 1))
        cells.extend([""] * budget.span(tr.grid_after, table_index, r, "gridAfter"))
        budget.take(tr.grid_before + tr.grid_after, table_index)
        grid.append(cells)
    width = max([grid_cols, *(len(c) for c in grid)])
    budget.take(sum(width - len(c) for c in grid), table_index)  # the short rows' padding
    if grid_cols and width > grid_cols:
        warnings.append(f"table {table_index}: rows wider than its {grid_cols}-column grid")
    out: list[Row] = []
    for r, cells in enumerate(grid):
        cells = cells + [""] * (width - len(cells))
        out.append(Row(
            cells=tuple(cells),
            ref=SourceRef(file=file, table=table_index, row=r),
            cell_refs=tuple(SourceRef(file=file, table=table_index, row=r, col=c) for c in range(width)),
            is_table=True,
        ))
    return out
