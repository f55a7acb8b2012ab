"""A table continued on the next page, appended to its first part on the first part's column grid
(columns matched by a repeated header, else by the x of cell edges; a row cut by the page
break merged back into one)."""

from __future__ import annotations

import bisect

from hyoka.extractors.pdf.settings import PdfSettings
from hyoka.extractors.pdf.tables import _Cell, _Table, _TableRow


def _stitch(first: _Table, cont: _Table, settings: PdfSettings) -> None:
    """Append `cont` (the part on the next page) to `first`, on first's column grid."""
    tol = settings.continuation_x_tolerance
    # header rows repeated on the new page: compared by their text, not by their geometry
    k = _repeated_header_rows(first, cont)
    mapped = (_map_columns_by_header(first, cont, k) if k else None) or _map_columns(first, cont, tol)
    mapped, cont_rows = mapped[k:], cont.rows[k:]
    if not mapped:
        return
    # a row broken by the page break: its key cell is an empty box on the new page and
    # every piece of text there continues a cell that ran to the bottom of the first part
    last = first.rows[-1]
    head = mapped[0]
    leftmost = next(((cell, is_origin) for cell, _c, is_origin in head if cell is not None), (None, False))
    with_text = [(col, cell) for col, (cell, _c, is_origin) in enumerate(head)
                 if cell is not None and is_origin and cell.lines]
    if (leftmost[0] is not None and leftmost[1] and not leftmost[0].lines and with_text
            and all(_runs_to_bottom(last.slots[col]) for col, _cell in with_text)):
        for col, cell in with_text:
            target = last.slots[col]
            target.extra.append((cell.lines or [], target.width))
            target.extra.extend(cell.extra)
        mapped, cont_rows = mapped[1:], cont_rows[1:]
    for slots, row in zip(mapped, cont_rows):
        new_slots, origin = [], []
        for col, (cell, _c, is_origin) in enumerate(slots):
            if cell is None:
                cell = _Cell(bbox=(first.xs[col], row.bbox[1], first.xs[col], row.bbox[3]), page=row.page, lines=[])
                is_origin = True
            new_slots.append(cell)
            origin.append(is_origin)
        first.rows.append(_TableRow(page=row.page, bbox=row.bbox, slots=new_slots, origin=origin))


def _quick_text(cell: _Cell) -> str:
    return "".join(line.text for line in cell.lines or [])


def _squeezed(cell: _Cell) -> str:
    """The cell's text with all whitespace removed: the same header cell wrapped differently (a
    narrower column on the next page) or spaced differently by another generator compares equal."""
    return "".join(_quick_text(cell).split())


def _row_key(row: _TableRow) -> tuple[str, ...]:
    """The texts of a row's own (origin) non-empty cells, whitespace removed, left to right."""
    return tuple(t for c, cell in enumerate(row.slots) if row.origin[c] and (t := _squeezed(cell)))


def _repeated_header_rows(first: _Table, cont: _Table) -> int:
    """How many of `cont`'s top rows repeat `first`'s top rows (its header printed again on the
    new page), compared by the text of their cells whatever the column grid: 0 when none."""
    k = 0
    while k < len(cont.rows) and k < len(first.rows) - 1:
        key = _row_key(cont.rows[k])
        if not key or key != _row_key(first.rows[k]):
            break
        k += 1
    return k


def _map_columns_by_header(first: _Table, cont: _Table, k: int) -> list[list[tuple[_Cell | None, int, bool]]] | None:
    """The continuation's rows on the first part's grid, columns matched by the repeated header:
    a column is known by the header cells above it (「令和5年度」 › 「実績」), so a continuation
    drawn on a slightly different grid still lands in the right columns. None when the header
    does not tell every column apart (then the x positions decide)."""

    def keys(t: _Table) -> list[tuple[str, ...]]:
        return [tuple(_squeezed(t.rows[r].slots[c]) for r in range(k)) for c in range(t.ncols)]

    first_keys, cont_keys = keys(first), keys(cont)
    if len(set(first_keys)) != len(first_keys) or len(set(cont_keys)) != len(cont_keys):
        return None
    where = {key: col for col, key in enumerate(first_keys)}
    if any(key not in where for key in cont_keys):
        return None
    target = [where[key] for key in cont_keys]
    mapped = []
    for row in cont.rows:
        out: list[tuple[_Cell | None, int, bool]] = [(None, -1, False)] * first.ncols
        for c, cell in enumerate(row.slots):
            # a merged cell's covered slots are the same _Cell: only its own slot is an origin
            out[target[c]] = (cell, c, row.origin[c])
        mapped.append(out)
    return mapped


def _runs_to_bottom(cell: _Cell) -> bool:
    """The cell's text ends within about a line of the cell's bottom (it was cut off by the page end)."""
    if not cell.lines:
        return False
    last = cell.lines[-1]
    return cell.bbox[3] - last.bottom <= 2.0 * last.size


def _map_columns(first: _Table, cont: _Table, tol: float) -> list[list[tuple[_Cell | None, int, bool]]]:
    """The continuation's rows on the first part's grid: per row, per first-part column,
    (cell, its column in `cont`, is-origin). Columns are matched by the x of cell edges."""

    def col_of(x: float) -> int:
        i = bisect.bisect_left(first.xs, x - tol)
        if i < len(first.xs) and abs(first.xs[i] - x) <= tol:
            return i
        # no edge there on the first part's grid: the column the x falls in
        return max(0, bisect.bisect_right(first.xs, x) - 1)

    mapped = []
    for row in cont.rows:
        out: list[tuple[_Cell | None, int, bool]] = [(None, -1, False)] * first.ncols
        for c, cell in enumerate(row.slots):
            if not row.origin[c] and c > 0 and row.slots[c - 1] is cell:
                continue  # spanned slot: handled with its origin
            start = col_of(cont.xs[c])
            end = bisect.bisect_left(first.xs, cell.bbox[2] - tol) - 1  # the last column starting inside it
            for k in range(start, max(end, start) + 1):
                out[k] = (cell, c, row.origin[c] and k == start)
        mapped.append(out)
    return mapped

