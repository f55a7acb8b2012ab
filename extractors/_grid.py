"""Tables as a generic reader sees them: blocks of rows with cells, from any backend.

Backends already give `Row`s of cells (TSV lines, DOCX/PDF/XLSX table rows). Two more
things make a *table* out of them, whatever the format:

- a Markdown pipe row (「| a | b |」, one cell in the text backend) is split into cells, and
  its 「|---|」 separator marks the rows above it as the header;
- consecutive table rows form one block. A short one-cell line between table rows (a merged
  label such as 「コスト」, a note 「（注）実績値は速報値」) does not end the block: it is kept
  in it as a one-cell row, so a note inside a table never silently drops the rows after it.

Nothing here knows what a column means; see extractors/generic.py for that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hyoka.extractors.base import Row, SourceText
from hyoka.pipeline.model import SourceRef

_MD_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_MD_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_NOTE = re.compile(r"^\s*(?:[（(]\s*注|注\s*[)）:：]|※|\*)")
_MAX_INNER_LINE = 30  # a longer one-cell line between table rows is prose: it ends the table


@dataclass
class TRow:
    """One row of a table block: its cells (padded to the block's width) and where it came from."""

    cells: list[str]
    row: Row
    header: bool = False  # a Markdown header row (above the 「|---|」 line)
    inner: bool = False  # a one-cell line kept inside the block (merged label or note)
    printed: int = field(init=False, default=0)  # cells as printed, before the block's padding

    def __post_init__(self) -> None:
        self.printed = len(self.cells)

    @property
    def ref(self) -> SourceRef:
        return self.row.ref

    def cell_ref(self, col: int) -> SourceRef:
        return self.row.cell_ref(col) if self.row.cell_refs else self.row.ref

    def filled(self) -> list[tuple[int, str]]:
        return [(i, c.strip()) for i, c in enumerate(self.cells) if c and c.strip()]

    @property
    def text(self) -> str:
        return "\t".join(c for c in self.cells if c and c.strip())


@dataclass
class Block:
    """A table: rows in order, the text printed just above it (its caption), and its width."""

    rows: list[TRow]
    caption: str | None = None
    caption_ref: SourceRef | None = None
    markdown: bool = False
    headings: list[str] = field(default_factory=list)  # section headings above it, outermost first
    table_id: int | None = None  # the backend's table number (DOCX/PDF/XLSX), None for text

    @property
    def width(self) -> int:
        return max((len(r.cells) for r in self.rows), default=0)

    @property
    def ref(self) -> SourceRef:
        return self.rows[0].ref.span(self.rows[-1].ref)


def md_cells(text: str) -> list[str] | None:
    """「| a | b |」 → ["a", "b"]; anything else → None."""
    m = _MD_ROW.match(text)
    if not m:
        return None
    return [c.strip() for c in m.group(1).split("|")]


def is_md_separator(text: str) -> bool:
    return bool(_MD_SEP.match(text)) and "-" in text


def blocks(text: SourceText) -> tuple[list[Block], list[tuple[int, Row]]]:
    """Table blocks, and the (index, row) prose lines outside every block."""
    out: list[Block] = []
    prose: list[tuple[int, Row]] = []
    current: Block | None = None
    pending: list[tuple[int, Row]] = []  # one-cell lines that may still be inside the current block
    heading_stack: list[tuple[int, str]] = []
    last_text: tuple[str, SourceRef] | None = None

    def close() -> None:
        nonlocal current
        if current is not None:
            _pad(current)
            out.append(current)
        current = None

    rows = _spaced_tables(text.rows)
    # a spreadsheet is one grid per sheet, not one table: its tables are regions between blank rows,
    # and a row with a single filled cell is a title or a note line, as in a text file
    sheet = text.format in ("xlsx", "xls", "ods")
    for i, row in enumerate(rows):
        if sheet and row.is_table and len(row.filled) <= 1:
            if row.is_blank():
                if current is not None:
                    prose.extend(pending)
                    pending = []
                    close()
                continue
            row = Row(cells=(row.filled[0][1],), ref=row.cell_ref(row.filled[0][0]), is_table=False)
        line = row.text
        one = len(row.cells) == 1
        md = md_cells(line) if one else None
        if one and md is not None:  # a Markdown table row
            if pending:
                prose.extend(pending)
                pending = []
            if current is None or not current.markdown or current.table_id is not None:
                close()
                current = _new_block(last_text, heading_stack, markdown=True)
            if is_md_separator(line):
                for r in current.rows:
                    r.header = True
                continue
            current.rows.append(TRow(cells=md, row=row))
            continue
        if row.is_table and len(row.cells) > 1 and not row.is_blank():
            table_id = row.ref.table
            if current is not None and (current.markdown or (table_id is not None and table_id != current.table_id)):
                close()
                prose.extend(pending)
                # a heading between two of a backend's tables (an HTML page's <h2>) heads the next one
                for _j, held in pending:
                    stripped = held.text.strip()
                    if stripped.startswith("#"):
                        level = len(stripped) - len(stripped.lstrip("#"))
                        heading_stack = [(lv, t) for lv, t in heading_stack if lv < level]
                        heading_stack.append((level, stripped.lstrip("#").strip()))
                        last_text = (stripped, held.ref)
                pending = []
            if current is None:
                prose.extend(pending)
                pending = []
                current = _new_block(last_text, heading_stack, markdown=False)
                current.table_id = table_id
            for j, prow in pending:  # short lines between table rows stay inside the table
                current.rows.append(TRow(cells=[prow.text.strip()], row=prow, inner=True))
            pending = []
            current.rows.append(TRow(cells=list(row.cells), row=row))
            continue
        # a prose line (or blank)
        stripped = line.strip()
        if current is not None and not current.markdown:
            if not stripped:  # a blank line inside a text table does not end it
                continue
            if (len(stripped) <= _MAX_INNER_LINE or _NOTE.match(stripped)) and len(pending) < 3:
                pending.append((i, row))
                continue
            # prose: the table has ended (the lines held back are prose too, and so is this one)
            close()
            prose.extend(pending)
            for _j, held in pending:
                last_text = (held.text.strip(), held.ref)
            pending = []
        if current is not None:
            close()
        if stripped:
            prose.append((i, row))
            if stripped.startswith("#"):
                level = len(stripped) - len(stripped.lstrip("#"))
                heading_stack = [(lv, t) for lv, t in heading_stack if lv < level]
                heading_stack.append((level, stripped.lstrip("#").strip()))
            last_text = (stripped, row.ref)
    if current is not None:
        prose.extend(pending)
        close()
    else:
        prose.extend(pending)
    prose.sort(key=lambda p: p[0])
    return out, prose


# columns aligned with spaces (pdftotext -layout, a table copied out of a PDF viewer): two or more
# spaces, or an ideographic space, between cells
_SPACED = re.compile(r"(?:\s{2,}|\u3000+)")
_NUMBER = re.compile(r"^[-−▲△+]?[0-9０-９][0-9０-９,，.．]*\s*[^\s]{0,4}$")


def _spaced_tables(rows: list[Row]) -> list[Row]:
    """Runs of two or more text lines that split into three or more space-aligned fields, one of
    them a number, become table rows with those fields as cells; every other row is unchanged."""
    fields = [_spaced_fields(r) for r in rows]
    out = list(rows)
    i = 0
    while i < len(rows):
        if fields[i] is None:
            i += 1
            continue
        run, j = [i], i + 1
        while j < len(rows):
            if rows[j].is_blank() and j + 1 < len(rows) and fields[j + 1] is not None:
                j += 1  # a blank line between rows (a layout text prints one between table rows)
                continue
            if fields[j] is None:
                break
            run.append(j)
            j += 1
        if len(run) >= 2 and any(any(_NUMBER.match(f) for f in fields[k]) for k in run):
            for k in run:
                out[k] = Row(cells=tuple(fields[k]), ref=rows[k].ref, is_table=True)
        i = j
    return out


def _spaced_fields(row: Row) -> list[str] | None:
    if len(row.cells) != 1 or row.is_table:
        return None
    line = row.cells[0].strip()
    if not line or line.startswith("|"):
        return None
    parts: list[str] = []
    for part in (p for p in _SPACED.split(line) if p):
        words = part.split(" ")
        # 「5,075 5,704 6,181」「2014 2015 2016」: numbers one space apart are cells of their own
        parts += words if len(words) > 1 and all(_NUMBER.match(w) for w in words) else [part]
    return parts if len(parts) >= 3 else None


def _new_block(last_text, heading_stack, markdown: bool) -> Block:
    return Block(rows=[], caption=last_text[0] if last_text else None,
                 caption_ref=last_text[1] if last_text else None,
                 markdown=markdown, headings=[t for _lv, t in heading_stack])


def _pad(block: Block) -> None:
    width = block.width
    for r in block.rows:
        if len(r.cells) < width:
            r.cells = list(r.cells) + [""] * (width - len(r.cells))
