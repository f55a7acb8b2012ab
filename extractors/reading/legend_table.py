"""Legend tables: labels and their meanings (評価区分 | 評価基準; 「A:数値目標を達成 | 110%以上」; 「有効性 | ◎:… △:…」)."""

from __future__ import annotations

import re

from hyoka.extractors._grid import Block, TRow
from hyoka.extractors.reading.cells import block_text, cell_is_number
from hyoka.extractors.reading.context import ReadingContext
from hyoka.normalizers import counts as C
from hyoka.normalizers import legends as L
from hyoka.pipeline.model import (
    EvidenceKind,
    Legend,
)


def propose_legend_table(ctx: ReadingContext, block: Block) -> int:
    """A table of labels and their meanings (評価区分 | 評価基準; 「A:数値目標を達成 | 110%以上」;
    「有効性 | ◎:… △:… ×:…」)."""
    rows = [r for r in block.rows if not r.inner]
    if len(rows) < 2 or block.width > 4:
        return 0
    head = " ".join([*rows[0].cells, block.caption or "", *block.headings[-1:]])
    first_is_item = legend_row(rows[0]) and (grade_label(rows[0].cells[0]) or bool(
        L.inline_items(" ".join(rows[0].cells[1:]))))
    data = rows if first_is_item else rows[1:]
    items, refs = [], []
    for r in data:
        if not r.cells[0].strip():
            continue
        inline = L.inline_items(" ".join(c for c in r.cells[1:] if c.strip()))
        if inline and len(r.cells[0].strip()) <= 40:  # one cell holds a whole scale: 「◎:… △:… ×:…」
            items += [(f"{r.cells[0].strip()}: {i.label}", i.text) for i in inline]
            refs += [r.cell_ref(1)] * len(inline)
            continue
        if not legend_row(r):
            return 0 if not items else len(items) if _finish_legend(ctx, block, items, refs, head) else 0
        items.append((r.cells[0].strip(), " / ".join(c.strip() for c in r.cells[1:] if c.strip())))
        refs.append(r.ref)
    return len(items) if _finish_legend(ctx, block, items, refs, head) else 0


def _finish_legend(ctx: ReadingContext, block: Block, items, refs, head: str) -> bool:
    # 評価区分, 評価基準, 評価の視点, 方向性の説明 … — a bare 評価 (「評価・課題」) is a column of findings
    header_says = bool(re.search(r"(区分|基準|説明|判定|方向性|凡例|見方|意味|定義|視点|評価(?!・|結果|課題|内容))", head))
    graded = all(grade_label(a) for a, _b in items)
    long_texts = sum(len(b) for _a, b in items) / max(1, len(items)) >= 10
    # a scale has a few short labels (現状維持, 拡大拡充, 順調 …); a list of 取組 with long names and
    # an 評価 column is a table of measures, not a legend
    short_labels = sum(len(a) for a, _b in items) / max(1, len(items)) <= 20 and len(items) <= 15
    if len(items) < 2 or not (graded or (header_says and long_texts and short_labels)):
        return False
    kind = L.legend_kind([L.Item(a, b) for a, b in items])
    ctx.doc.legends.append(Legend(kind=kind, raw=block_text(block)[:2000], ref=block.ref, items=items,
                                  item_refs=refs))
    if graded:
        ctx.evidence("legends", str(len(ctx.doc.legends) - 1), EvidenceKind.VALUE_SHAPE,
                     "every row starts with a grade, symbol or scale label", block.ref, 0.3)
    if header_says:
        ctx.evidence("legends", str(len(ctx.doc.legends) - 1), EvidenceKind.HEADER_LABEL,
                     "the header or caption names a scale (区分/基準/凡例/判定 …)", block.ref, 0.3)
    return True


def grade_label(text: str) -> bool:
    """「A」「A:数値目標を…」「◎」「有効性: ◎」 — a cell that starts with (or is) a legend label."""
    t = text.strip()
    return bool(re.match(rf"^{L._LABEL}(?:$|\s*[:：=＝\s])", t)) or ": " in t


def legend_row(r: TRow) -> bool:
    cells = [c.strip() for c in r.cells if c.strip()]
    if len(cells) < 2:
        return False
    label, rest = cells[0], " ".join(cells[1:])
    if all(cell_is_number(c) for c in cells[1:]):
        return False  # 「客観的指標 | 63 | 53 | 10」: figures, not a label's meaning
    return (len(label) <= 40 and not cell_is_number(label) and not C.is_count_cell(rest)
            and (len(rest) >= 6 or bool(re.search(r"[%％]", rest))))
