"""pdfplumber's table finder on PDFium's edges, with a cell step that is not quadratic.

The finder is pdfplumber's ``TableFinder`` with its ``__init__`` written again to call the cell
step below instead of pdfplumber's (the same cells in the same order: tests/test_formats_pdf.py).
``__init__`` is not pdfplumber's public API, and its public settings (``TableSettings``,
``page.find_tables(table_settings=...)``) choose edges and tolerances, not the cell step: with
them the tables are the same but a ruled page is read 6–27 % slower (bench/README.md). So the
override is kept for the one pdfplumber it was written against, ``PDFPLUMBER_PIN`` (pinned in
pyproject.toml and constraints.txt; tests/test_pdf_finder.py fails when the installed version or
the private ``__init__`` differ). With any other pdfplumber, pdfplumber's own ``TableFinder`` runs.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

PDFPLUMBER_PIN = "0.11.11"  # the pdfplumber whose TableFinder.__init__ _Finder re-writes


def intersections_to_cells(intersections: dict) -> list[tuple[float, float, float, float]]:
    """pdfplumber's ``table.intersections_to_cells``, the same cells in the same order, without
    its quadratic parts: for every point it copied all later points and re-built the sets of
    edges of both points for every pair it compared (a third of the time of a ruled page)."""
    from pdfplumber.utils import obj_to_bbox

    v = {p: {obj_to_bbox(e) for e in edges["v"]} for p, edges in intersections.items()}
    h = {p: {obj_to_bbox(e) for e in edges["h"]} for p, edges in intersections.items()}
    same_x: dict[float, list] = {}
    same_y: dict[float, list] = {}
    for p in sorted(intersections):  # so each list is in pdfplumber's order: by y, by x
        same_x.setdefault(p[0], []).append(p)
        same_y.setdefault(p[1], []).append(p)
    cells = []
    for column in same_x.values():
        for k, pt in enumerate(column):
            row = same_y[pt[1]]
            right = row[row.index(pt) + 1:]
            cell = _smallest_cell(pt, column[k + 1:], right, v, h)
            if cell:
                cells.append(cell)
    return cells


def _smallest_cell(pt, below, right, v, h):
    for below_pt in below:
        if v[pt].isdisjoint(v[below_pt]):
            continue
        for right_pt in right:
            if h[pt].isdisjoint(h[right_pt]):
                continue
            corner = (right_pt[0], below_pt[1])
            if corner in v and not v[corner].isdisjoint(v[right_pt]) and not h[corner].isdisjoint(h[below_pt]):
                return (pt[0], pt[1], corner[0], corner[1])
    return None


_FINDER = None


def _table_finder():
    """pdfplumber's TableFinder with the cell step above (built once: pdfplumber imports lazily);
    pdfplumber's own TableFinder when the installed pdfplumber is not the pinned one."""
    global _FINDER
    if _FINDER is None:
        import pdfplumber
        from pdfplumber.table import Table, TableFinder, cells_to_tables, edges_to_intersections

        if pdfplumber.__version__ != PDFPLUMBER_PIN:
            log.warning("pdfplumber %s is not %s, whose TableFinder hyoka's faster cell step was written for: "
                        "pdfplumber's own TableFinder is used (the same tables, slower on ruled pages)",
                        pdfplumber.__version__, PDFPLUMBER_PIN)
            _FINDER = TableFinder
            return _FINDER

        class _Finder(TableFinder):
            def __init__(self, page, settings) -> None:  # TableFinder.__init__ with our cell step
                self.page, self.settings = page, settings
                self.edges = self.get_edges()
                self.intersections = edges_to_intersections(self.edges, settings.intersection_x_tolerance,
                                                            settings.intersection_y_tolerance)
                self.cells = intersections_to_cells(self.intersections)
                self.tables = [Table(self.page, group) for group in cells_to_tables(self.cells)]

        _FINDER = _Finder
    return _FINDER
