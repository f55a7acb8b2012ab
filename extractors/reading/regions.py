"""Text table blocks cut where the column profile changes, so each table has its own header.

A backend that knows its tables (DOCX, PDF, XLSX, Markdown) gives one block per table. A text
rendering (TSV from a PDF or a sheet) gives one block for every run of tab-separated lines, and a
sheet often prints several tables in one run: key–value lines (「政策 | 1 | …」) above an indicator
table, or a count table, a caption line and then three count tables side by side. A block is cut

- at a one-cell line between rows of a different width (the line becomes the next table's caption);
- above a row that reads as a header (two or more cells naming a fiscal year or a value role, no
  plain number) when the rows above it are not part of that table (a different width, or no row
  of numbers under a header of their own).
"""

from __future__ import annotations

import re

from hyoka.extractors._common import plain
from hyoka.extractors._grid import _NOTE, Block, TRow
from hyoka.normalizers.headers import parse_header, value_kind
from hyoka.normalizers.numbers import parse_number


def _is_number(text: str) -> bool:
    t = text.strip()
    return bool(t) and bool(re.fullmatch(r"[△▲\-−]?\s*[0-9０-９][0-9０-９,，.．]*\s*\S{0,4}", t)) and parse_number(t) is not None


def is_header_row(r: TRow, era: str | None) -> bool:
    """Two or more cells naming a fiscal year or a value role (21年度 | 22年度 | 目標 28年度), no plain number."""
    cells = [c.strip() for c in r.cells if c and c.strip()]
    if len(cells) < 3:
        return False
    if any(len(c) > 25 for c in cells):
        return False  # a sentence is not a header cell
    if re.sub(r"\s", "", cells[0]) in ("時点", "年度", "時期", "基準年", "基準年度", "年次", "測定時点", "調査時点") and \
            not any(value_kind(c) for c in cells[1:]):
        return False  # 「時点 | R4 | R6 | R6」: the years of a key–value sheet's values, under its header
    marked = 0
    for c in cells:
        if re.fullmatch(r"[0-9０-９]{1,2}", c) or re.search(r"\d{4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,2}", c):
            return False  # a number (「1」 numbers an item) or a date (2025/6/19): data, not a header
        h = parse_header(c, era)
        if h.year is not None or value_kind(c) or h.kind:
            marked += 1
        elif _is_number(c):
            return False
    return marked >= 2


def _key(r: TRow) -> tuple[str, ...]:
    return tuple("".join(t.split()) for _c, t in r.filled())


def split_text_blocks(found: list[Block], era: str | None) -> list[Block]:
    out: list[Block] = []
    for block in found:
        if block.markdown or block.table_id is not None or len(block.rows) < 3:
            out.append(block)
            continue
        out.extend(_split(block, era))
    return out


def _split(block: Block, era: str | None) -> list[Block]:
    parts: list[tuple[list[TRow], str | None]] = []
    cur: list[TRow] = []
    caption = block.caption
    rows = block.rows
    for i, r in enumerate(rows):
        if r.inner and cur:
            prev = next((x for x in reversed(cur) if not x.inner), None)
            nxt = next((x for x in rows[i + 1:] if not x.inner), None)
            # a caption line, then a header row (no number) of another width: another table; a note
            # line (（注）/※) or a line between rows of figures stays inside
            if prev is not None and nxt is not None and prev.printed != nxt.printed \
                    and not _NOTE.match(r.cells[0]) and not any(_is_number(c) for c in nxt.cells):
                parts.append((cur, caption))
                cur, caption = [], plain(r.cells[0]) if r.cells else None
                continue
        if cur and not r.inner and is_header_row(r, era):
            above = [x for x in cur if not x.inner]
            heads = [x for x in above if is_header_row(x, era)]
            if not heads:
                # key–value lines above the table's header: a different profile, not part of it
                cut = bool(above) and (len({x.printed for x in above}) > 1 or above[-1].printed != r.printed)
            else:
                # another table's header (成果指標 after 対象指標) — the same header again is a page break
                cut = _key(r) not in {_key(h) for h in heads} and any(_is_number(c) for x in above[above.index(heads[-1]) + 1:]
                                                        for c in x.cells)
            if cut:
                parts.append((cur, caption))
                cur, caption = [], None
        cur.append(r)
    parts.append((cur, caption))
    if len(parts) == 1:
        return [block]
    out = []
    for rs, cap in parts:
        while len(rs) > 1 and rs[0].inner:  # a title line opening the part is its caption
            cap, rs = plain(rs[0].cells[0]), rs[1:]
        if not rs:
            continue
        width = max((max((c for c, _t in r.filled()), default=-1) + 1 for r in rs), default=0)
        trimmed = [TRow(cells=list(r.cells[:max(width, 1)]), row=r.row, header=r.header, inner=r.inner) for r in rs]
        for t, r in zip(trimmed, rs):
            t.printed = r.printed
        out.append(Block(rows=trimmed, caption=cap, caption_ref=block.caption_ref if cap == block.caption else rs[0].ref,
                         markdown=block.markdown, headings=block.headings, table_id=block.table_id))
    return out
