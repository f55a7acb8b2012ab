"""取組 tables: an evaluation sheet (予定/実施 labels down a column) or a 取組 list (予定/実施 columns); see extractors/_sheets.py."""

from __future__ import annotations

from hyoka.extractors import _sheets as S
from hyoka.extractors._common import labelled_cells
from hyoka.extractors._grid import Block, TRow
from hyoka.extractors.base import Row
from hyoka.extractors.reading.context import ReadingContext
from hyoka.pipeline.model import (
    EvidenceKind,
)


def propose_action_table(ctx: ReadingContext, block: Block) -> int:
    """A 取組 table: an evaluation sheet (予定/実施 labels down a column, one sheet per 施策) or a
    取組 list (予定/実施 columns across a header row); see extractors/_sheets.py."""
    rows = [as_row(r) for r in block.rows]
    hierarchy = [("見出し", None, h) for h in block.headings[-1:]]
    for i, r in enumerate(block.rows[:3]):
        cols = S.list_columns(r.cells)
        if cols is None:
            continue
        n = sum(S.read_list_row(t.cells, cols, row, ctx.doc, hierarchy) is not None
                for t, row in zip(block.rows[i + 1:], rows[i + 1:]) if not t.inner)
        if n:
            ctx.evidence("actions", "", EvidenceKind.HEADER_LABEL,
                         "a 取組 list: 予定/実施 columns named by the header row", block.ref, 1.0)
            return n
    if not S.has_actions(rows):
        return 0
    ctx.evidence("actions", "", EvidenceKind.HEADER_LABEL, "an evaluation sheet: 予定/実施 labels down a column",
                 block.ref, 1.0)
    def sheet_key(head: dict[str, str]) -> str:
        name, no = head.get("measure_name"), head.get("measure_no")
        return name or (f"施策{no}" if no else None) or block.caption or "取組"

    n = 0
    for sheet in S.split_sheets(rows):
        if S.read_sheet(sheet, ctx.doc, measure_key=sheet_key) is not None:
            n += sum(1 for row in sheet if any(f in ("planned", "done") for f, *_ in labelled_cells(row)))
    return n


def as_row(trow: TRow) -> Row:
    """A block row as a model Row with its split cells (a Markdown row arrives as one cell)."""
    row = trow.row
    refs = row.cell_refs if row.cell_refs and len(row.cell_refs) == len(trow.cells) else None
    return Row(cells=tuple(trow.cells), ref=row.ref, cell_refs=refs, is_table=True)
