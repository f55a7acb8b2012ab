"""Key–value indicator sheets (rows 数値 / 時点 × columns 基準値 / 今年度目標値 / 今年度実績値 …) and
fiscal years as rows (「年度 | 目標 | 実績」): the two shapes where the years are not in the header."""

from __future__ import annotations

from hyoka.extractors._grid import Block, TRow
from hyoka.extractors.reading.cells import (
    VALUE_FIELD,
    Column,
    caption_name,
)
from hyoka.extractors.reading.context import ReadingContext
from hyoka.normalizers.headers import (
    Header,
    key,
    parse_header,
)
from hyoka.pipeline.model import (
    MeasureKind,
    IndicatorValue,
)

_WHEN_LABELS = ("時点", "年度", "時期", "基準年", "基準年度", "年次", "測定時点", "調査時点", "把握時点")


_VALUE_ROW_LABELS = ("数値", "値", "数量", "実数")


def apply_when_rows(ctx: ReadingContext, data: list[TRow], value_cols: list[Column]) -> list[TRow]:
    """Key–value tables (rows 数値 / 時点 × columns 基準値 / 今年度目標値 / 今年度実績値 …): the 時点 row
    gives each column its year; the 数値 row holds the values and is named by the table's caption."""
    when = next((r for r in data if key(r.cells[0]) in _WHEN_LABELS
                 or (r.filled() and key(r.filled()[0][1]) in _WHEN_LABELS)), None)
    if when is None:
        return data
    for c in value_cols:
        cell = when.cells[c.index].strip()
        h = parse_header(cell, ctx.era) if cell else None
        if h is not None and h.year is not None and c.header.year is None:
            c.header = Header(raw=f"{c.header.raw} {cell}".strip(), kind=c.header.kind, year=h.year,
                              year_basis=f"printed in the {when.filled()[0][1]} row", as_of=h.as_of)
    rest = [r for r in data if r is not when]
    for r in rest:
        for col, text in r.filled():
            if key(text) in _VALUE_ROW_LABELS:
                r.cells = list(r.cells)
                r.cells[col] = ""  # 「数値」 is not the indicator's name: the caption is
    return rest


def year_rows_table(ctx: ReadingContext, block: Block, n_header: int, headers: list[Header], cols: list[Column]) -> int:
    """Fiscal years as rows (「年度 | 目標 | 実績」): one value row per year, the caption as the name."""
    data = block.rows[n_header:]
    kinds = {c: h.kind for c, h in enumerate(headers) if h.kind in ("target", "actual", "grade", "rate", "baseline")}
    if not kinds or not {"target", "actual"} & set(kinds.values()):
        return 0
    year_col = next((c for c in range(block.width) if c not in kinds and sum(
        parse_header(r.cells[c], ctx.era).year is not None for r in data) >= max(1, len(data) // 2)), None)
    if year_col is None:
        return 0
    name = caption_name(block) or ctx.named_by or "(名称なし)"
    measure = ctx.measure(name, block.ref, [("見出し", None, h) for h in block.headings[-2:]], MeasureKind.INDICATOR)
    n = 0
    for r in data:
        h = parse_header(r.cells[year_col], ctx.era)
        if h.year is None:
            continue
        iv = IndicatorValue(measure_key=measure.key, indicator=name, fiscal_year_raw=r.cells[year_col].strip(),
                            row_kind="yearly", target_raw=None, actual_raw=None, grade_raw=None, ref=r.ref,
                            header_raw=r.cells[year_col].strip())
        iv.fiscal_year, iv.fiscal_year_basis = h.year, h.year_basis
        for c, kind in kinds.items():
            if r.cells[c].strip() and VALUE_FIELD.get(kind):
                setattr(iv, VALUE_FIELD[kind], r.cells[c].strip())
        ctx.doc.indicator_values.append(iv)
        n += 1
    return n
