"""Text that lost its table: a PDF or web page's table flattened into lines.

Two shapes come back from text layers and copied pages:

- **one cell per line** — the header cells one per line (指標名 / 単位 / 令和3年度 / 令和4年度 …), then each
  row's cells one per line, the header sometimes printed again after a page break;
- **a whole row on one line**, cells separated by spaces (「観光入込客数 万人 120 130 140」) under a header
  line of the same shape (「指標名 単位 令和3年度 令和4年度 令和5年度」).

A table is rebuilt only where the text itself says so: a header of at least two fiscal years or value
roles (目標/実績/達成率 …), and rows whose value cells are figures (or 「-」 and the like) in every place
the header has a year or a role, the same number of cells each time. The rebuilt rows keep each cell's
own line as its source, and go to the same readers as any table (extractors/reading/resolve.py).
"""

from __future__ import annotations

import re

from hyoka.extractors._common import plain
from hyoka.extractors._grid import Block, TRow
from hyoka.normalizers.headers import is_name_label, parse_header, value_kind
from hyoka.normalizers.numbers import parse_number
from hyoka.pipeline.model import Row

_NONE = {"-", "−", "―", "—", "ー", "‐", "－", "未確定", "なし", "無し", "該当なし", "…", "*", "＊", "/"}
_MAX_CELL = 40


def _is_value(t: str) -> bool:
    t = t.strip()
    if t in _NONE:
        return True
    return bool(re.fullmatch(r"[△▲\-−]?\s*[約]?\s*[0-9０-９][0-9０-９,，.．]*\s*[^\s\d]{0,5}", t)) and parse_number(t) is not None


def _is_grade(t: str) -> bool:
    return bool(re.fullmatch(r"[SABCDEＳＡ-Ｅa-e][+＋\-]?|[◎○〇△×✕▲]|達成|未達成|順調|概ね順調|遅れ", t.strip()))


def _header_slot(t: str, era: str | None) -> str | None:
    """What a header cell announces for the cells under it: "value", "grade", "unit", "name" or None."""
    t = t.strip()
    if not t or len(t) > 30:
        return None
    if is_name_label(t):
        return "name"  # 「数値目標」 names the indicators, though it ends in 目標
    h = parse_header(t, era)
    kind = h.kind or value_kind(t)
    if kind == "unit":
        return "unit"
    if kind == "grade":
        return "grade"
    if h.year is not None and not re.fullmatch(r"[0-9０-９]{1,2}", t) or kind:
        return "value"
    if is_name_label(t):
        return "name"
    return None


def _header_of(cells: list[str], era: str | None) -> list[str] | None:
    """The slot of each header cell, when the cells read as a header: two value slots at least, no figure."""
    slots = []
    for c in cells:
        if _is_value(c) and parse_header(c, era).year is None:
            return None
        slots.append(_header_slot(c, era) or "label")
    if slots and slots[0] == "value":
        slots = ["name"] + slots  # the name column's header cell was blank (and is lost in flat text)
    if sum(s == "value" for s in slots) < 2 or "label" in slots[1:-1] or "name" in slots[1:]:
        return None  # a header names its columns: past the first (a name) only the last (備考) may say nothing
    return slots


def _fits(cells: list[str], slots: list[str]) -> bool:
    if len(cells) != len(slots) or not cells[0].strip() or _is_value(cells[0]):
        return False
    filled = 0
    for c, s in zip(cells, slots):
        if s == "value":
            if c.strip() and not _is_value(c):
                return False
            filled += bool(c.strip()) and c.strip() not in _NONE
        elif s == "grade" and c.strip() and not _is_grade(c):
            return False
    return filled >= 1


def _block(header: list[str], rows: list[tuple[list[str], list[Row]]], head_rows: list[Row], caption: str | None) -> Block:
    def trow(cells: list[str], srcs: list[Row]) -> TRow:
        ref = srcs[0].ref.span(srcs[-1].ref)
        refs = tuple(r.ref for r in srcs) if len(srcs) == len(cells) else None
        return TRow(cells=list(cells), row=Row(cells=tuple(cells), ref=ref, cell_refs=refs, is_table=True))

    out = [trow(header, head_rows)] + [trow(c, s) for c, s in rows]
    out[0].header = True
    return Block(rows=out, caption=caption, markdown=False)


def rebuild_tables(prose: list[tuple[int, Row]], era: str | None) -> tuple[list[Block], list[tuple[int, Row]]]:
    """Tables rebuilt from prose lines, and the lines left over."""
    lines = [(i, r, plain(r.text)) for i, r in prose]
    found: list[Block] = []
    used: set[int] = set()
    k = 0
    while k < len(lines):
        got = (_one_cell_per_line(lines, k, era) or _row_per_line(lines, k, era) or _label_value_pairs(lines, k, era)
               or _count_lines(lines, k))
        if got is None:
            k += 1
            continue
        block, end = got
        caption = lines[k - 1][2] if k > 0 and len(lines[k - 1][2]) <= 60 else None
        block.caption = caption
        found.append(block)
        used.update(range(k, end))
        k = end
    return found, [(i, r) for n, (i, r, _t) in enumerate(lines) if n not in used]


def _one_cell_per_line(lines, k: int, era: str | None):
    # a header of n short lines (n ≥ 3), consecutive in the file: the n under which most lines fit
    best = None
    for n in range(3, 16):
        chunk = lines[k:k + n]
        if len(chunk) < n or any(len(t) > 30 or not t for _i, _r, t in chunk):
            continue
        if any(b[0] - a[0] > 2 for a, b in zip(chunk, chunk[1:])):
            continue
        slots = _header_of([t for _i, _r, t in chunk], era)
        if slots is None:
            continue
        head = [t for _i, _r, t in chunk]
        printed = head
        w = len(slots)  # cells per row (one more than the header printed when its first cell was blank)
        if w > n:
            head = [""] + head
        rows, pos = [], k + n
        while pos + w <= len(lines):
            if [t for _i, _r, t in lines[pos:pos + n]] == printed:  # the header again after a page break
                pos += n
                continue
            cells = [t for _i, _r, t in lines[pos:pos + w]]
            if any(len(c) > _MAX_CELL for c in cells) or not _fits(cells, slots):
                break
            rows.append((cells, [r for _i, r, _t in lines[pos:pos + w]]))
            pos += w
        if rows and (best is None or len(rows) * n > best[0]):
            best = (len(rows) * n, _block(head, rows, [r for _i, r, _t in chunk], None), pos)
    return best[1:] if best else None


_SPLIT = re.compile(r"[ \u3000]+")


def _row_per_line(lines, k: int, era: str | None):
    head = _SPLIT.split(lines[k][2].strip())
    if len(head) < 3:
        return None
    slots = _header_of(head, era)
    if slots is None:
        return None
    if len(slots) > len(head):
        head = [""] + head
    n, rows, pos = len(head), [], k + 1
    while pos < len(lines):
        tokens = _SPLIT.split(lines[pos][2].strip())
        if len(tokens) < n:
            break
        # the name may hold spaces: the last n-1 tokens are the other cells
        cells = [" ".join(tokens[:len(tokens) - n + 1])] + tokens[len(tokens) - n + 1:]
        if not _fits(cells, slots):
            break
        rows.append((cells, [lines[pos][1]]))
        pos += 1
    if not rows:
        return None
    return _block(head, rows, [lines[k][1]], None), pos


def _label_value_pairs(lines, k: int, era: str | None):
    """「数値目標」 / 「6次産業化の取組件数」 / 「目標(2020年度)」 / 「15件」 / 「実績値(2020年度)」 / 「5件」 …: a name
    label and the name, then header and value lines alternating — one row of a table, rebuilt as one."""
    if k + 5 >= len(lines) or not is_name_label(lines[k][2]) or len(lines[k + 1][2]) > _MAX_CELL:
        return None
    name = lines[k + 1][2]
    if _header_slot(name, era) == "value" or _is_value(name):
        return None
    head, cells, srcs, pos = [lines[k][2]], [name], [lines[k][1], lines[k + 1][1]], k + 2
    while pos + 1 < len(lines):
        label, value = lines[pos][2], lines[pos + 1][2]
        slot = _header_slot(label, era)
        fits = _is_value(value) or (slot == "grade" and _is_grade(value)) or (slot == "unit" and len(value) <= 6)
        if slot not in ("value", "grade", "unit") or not fits:
            break
        head.append(label)
        cells.append(value)
        srcs += [lines[pos][1], lines[pos + 1][1]]
        pos += 2
    if len(head) < 3:
        return None
    block = _block(head, [(cells, srcs[1::2])], srcs[0::2], None)
    return block, pos


_COUNT = re.compile(r"^[0-9０-９][0-9０-９,，]*\s*(?:事務事業|事業|施策|指標|項目|件|本|団体|取組|個|か所|箇所)?$")
_SHARE_LINE = re.compile(r"^[(（]?\s*[0-9０-９][0-9０-９.．]*\s*[%％]\s*[)）]?$")


def _count_lines(lines, k: int):
    """「◎」 / 「24項目」 / 「22.2%」 / 「○」 / 「29項目」 / … / 「合計」 / 「108項目」: a count table's cells one per line —
    a short label, its count, its share if printed — rebuilt as label | count rows (the share kept with
    its count, 「24項目 (22.2%)」) where two labels at least follow each other so."""
    rows, pos = [], k
    while pos + 1 < len(lines):
        label, count = lines[pos][2], lines[pos + 1][2]
        if not label or len(label) > 12 or re.search(r"[0-9０-９]", label) or not _COUNT.match(count) \
                or _header_slot(label, None) in ("value", "unit", "name"):
            break  # 「令和元年度計画」 / 「672」 is a value under its header, not a category and its count
        srcs = [lines[pos][1], lines[pos + 1][1]]
        cell = count
        if pos + 2 < len(lines) and _SHARE_LINE.match(lines[pos + 2][2]):
            cell = f"{count} ({lines[pos + 2][2].strip('()（） ')})"
            srcs.append(lines[pos + 2][1])
            pos += 1
        rows.append(([label, cell], srcs))
        pos += 2
    if len(rows) < 2:
        return None
    out = []
    for cells, srcs in rows:
        ref = srcs[0].ref.span(srcs[-1].ref)
        out.append(TRow(cells=cells, row=Row(cells=tuple(cells), ref=ref, cell_refs=(srcs[0].ref, srcs[1].ref), is_table=True)))
    return Block(rows=out, markdown=False), pos
