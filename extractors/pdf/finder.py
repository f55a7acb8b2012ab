"""pdfplumber's table finder on PDFium's edges, with a cell step that is not quadratic."""

from __future__ import annotations

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
    """pdfplumber's TableFinder with the cell step above (built once: pdfplumber imports lazily)."""
    global _FINDER
    if _FINDER is None:
        from pdfplumber.table import Table, TableFinder, cells_to_tables, edges_to_intersections

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
