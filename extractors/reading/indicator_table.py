"""Indicator tables: a name column and value columns whose headers name a fiscal year or a role
(目標/実績/基準値/見込/達成率/評価 …), years as columns or as rows, roles in the header, in a 区分 column or
in the row labels, stacked rows (目標値(上段)・実績値(下段)), key–value sheets (rows 数値/時点 × roles), several
quantities in one row told apart by their marks ((A)/(B)) or their words. The printed rate confirms the
roles as evidence (structure only; the audit checks every rate)."""

from __future__ import annotations

import collections
import dataclasses
import re

from hyoka.extractors import _sheets as S
from hyoka.extractors._grid import Block, TRow
from hyoka.extractors.reading.cells import (
    NOTE_LINE,
    VALUE_FIELD,
    Column,
    block_text,
    caption_name,
    cell_is_number,
    cell_is_value,
    filled_key,
    has_number,
    is_grade_cell,
    is_group_label,
    is_year_like,
    unit_in_name,
    why_unmapped,
)
from hyoka.extractors.reading.context import ReadingContext
from hyoka.extractors.reading.key_value import apply_when_rows, year_rows_table
from hyoka.extractors.reading.legend_table import grade_label, legend_row
from hyoka.extractors.reading.quantities import (
    indicator_key,
    one_year_judged,
    quantities_of,
    rate_check,
)
from hyoka.normalizers.headers import (
    KIND_COLUMN_LABELS,
    Header,
    header_era,
    is_name_label,
    is_total_label,
    key,
    parse_header,
    value_kind,
)
from hyoka.normalizers.labels import canonical_label, split_indicator
from hyoka.pipeline.model import (
    MeasureKind,
    EvidenceKind,
    Flag,
    IndicatorValue,
    Legend,
    Note,
    SourceRef,
    Unmapped,
)

# rows of money and staff: 「直接人件費」「フルコスト」「正職員数」「一般財源」 — costs, never targets met
# the header of a column of fiscal years beside the names: 「指標 | 年度 | 目標 | 実績」
_YEAR_COLUMN_LABELS = ("年度", "年", "時点", "年次", "実施年度", "対象年度", "評価年度", "測定年度")

_COST_WORDS = re.compile(r"(コスト|人件費|事業費|財源|職員数|嘱託員数|臨時職員|支出金|地方債|使用料|手数料|委託料|負担金|"
                         r"補助金額|決算額|予算額|歳出|歳入)")


_KIND_ROW_KINDS = ("target", "actual", "rate", "grade", "diff", "baseline", "projection", "reference")


def header_rows(block: Block, era: str | None) -> int:
    """How many rows at the top are header rows."""
    n = 0
    if any(r.header for r in block.rows):
        n = sum(1 for r in block.rows if r.header)
        # a second header row under the Markdown one: 「| | 目標 | 実績 | 評価 |」 below 「| 指標 | 令和4年度 | | |」;
        # a bare 「12」 is a year there only under an era header cell (「平成(年度)」), not in 「指標数 | 12 | 39 | 4」
        era_header = any(header_era(c) for r in block.rows[:n + 1] for c in r.cells)

        def year_like(c: str) -> bool:
            return is_year_like(c, era) and (era_header or not re.fullmatch(r"[0-9０-９]{1,2}", c))

        while n < len(block.rows) - 1:
            cells = [c.strip() for c in block.rows[n].cells if c and c.strip()]
            if cells and not any(cell_is_number(c) and not year_like(c) for c in cells) and \
                    sum(bool(value_kind(c) or year_like(c)) for c in cells) >= max(2, len(cells) // 2):
                n += 1
            else:
                break
        return n
    era_header = any(header_era(c) for r in block.rows[:4] for c in r.cells)
    for r in block.rows[:4]:
        cells = [c.strip() for c in r.cells if c and c.strip()]
        if not cells:
            n += 1
            continue
        # a bare 「27」 is a 平成 year only in a row of years (「18 | 19 | 20」 under 「平成(年度)」), not
        # beside a name: 「就職支援セミナーの参加者数(人) | 27」 is a row of data
        plain_numbers = [c for c in cells if cell_is_number(c) and not parse_header(c, era).kind  # 「5ヵ年目標」
                         and (not is_year_like(c, era) or (not era_header and re.fullmatch(r"[0-9０-９]{1,2}", c)))]
        if plain_numbers:
            break
        n += 1
        if r.inner:
            break
    return n if n < len(block.rows) else 0


def _column_headers(block: Block, n_header: int, era: str | None) -> list[Header]:
    width = block.width
    rows = block.rows[:n_header]
    texts: list[list[str]] = [[""] * width for _ in rows]
    row_eras: list[str | None] = []
    for ri, r in enumerate(rows):
        last = ""
        row_era = next((header_era(c) for c in r.cells if header_era(c)), None) or era
        for c in range(width):
            cell = (r.cells[c] if c < len(r.cells) else "").strip()
            below = any((rows[k].cells[c] if c < len(rows[k].cells) else "").strip() for k in range(ri + 1, len(rows)))
            if cell:
                last = cell
                texts[ri][c] = cell
            elif last and below and (value_kind(last) or parse_header(last).upper or parse_header(last, era).year) \
                    and not is_name_label(last):  # 「令和4年度」 spanning 目標 | 実績 | 評価
                texts[ri][c] = last  # a spanning label over a year row: 「目標値(上段)・実績値(下段)」
        row_eras.append(row_era)
    headers = []
    for c in range(width):
        parts = [texts[ri][c] for ri in range(len(rows)) if texts[ri][c]]
        raw = " ".join(parts)
        year = kind = basis = as_of = period = upper = lower = None
        for ri, p in enumerate(texts):
            if not p[c]:
                continue
            h = parse_header(p[c], row_eras[ri])
            if h.year is not None and year is None:
                year, basis, as_of = h.year, h.year_basis, h.as_of
            kind = kind or h.kind
            period = period or h.period
            upper, lower = upper or h.upper, lower or h.lower
        headers.append(Header(raw=raw, kind=kind, year=year, year_basis=basis, as_of=as_of, period=period,
                              upper=upper, lower=lower))
    return headers


def propose_indicator_table(ctx: ReadingContext, block: Block) -> int:
    era = ctx.era
    n_header = header_rows(block, era)
    if n_header == 0:
        return 0
    headers = _column_headers(block, n_header, era)
    data = [r for r in block.rows[n_header:]]
    if not any(has_number(r) for r in data):
        return 0
    # a text row with more cells than its header has one too many (an extra tab): every value after
    # it would sit under the next year's column, so the row is flagged and its values not read
    head_width = max((r.printed for r in block.rows[:n_header] if not r.inner), default=0)
    shifted = [r for r in data if block.table_id is None and not r.inner and r.printed > head_width > 1]
    # and one with a cell too few (a missing tab) puts a number under a grade column: 「118件S」 then 「90件」
    # where the grade was; a row merely cut short after its last value keeps its grades where they were
    grade_cols = [c for c, h in enumerate(headers) if h.kind == "grade"]
    short = [r for r in data if block.table_id is None and not r.inner and r.printed < head_width
             and any(c < r.printed and cell_is_number(r.cells[c]) and not is_grade_cell(r.cells[c]) for c in grade_cols)]
    for r in shifted + short:
        few = "too many (an extra tab?)" if r.printed > head_width else "too few (a missing tab?)"
        ctx.doc.flags.append(Flag(field="row", raw=r.row.text[:300], ref=r.ref,
                                  reason=f"{r.printed} cells where the header has {head_width}: a cell {few} "
                                         "shifts the values under the wrong columns; not read"))
        ctx.doc.unmapped.append(Unmapped(kind="row", raw=r.row.text[:300], ref=r.ref,
                                         reason=f"{r.printed} cells where the header has {head_width}: not read"))
    shifted += short
    data = [r for r in data if r not in shifted]
    width = block.width
    cols: list[Column] = []
    for c, h in enumerate(headers):
        kv = [r.cells[c].strip() for r in data if c < len(r.cells) and r.cells[c].strip()]
        row_kinds = [value_kind(v) for v in kv if len(v) <= 12]
        if key(h.raw) in KIND_COLUMN_LABELS or (h.year is None and sum(k in _KIND_ROW_KINDS for k in row_kinds) >= 2
                                               and sum(k is not None for k in row_kinds) >= len(kv) / 2):
            cols.append(Column(c, h, "kind"))
        elif h.kind == "unit":
            cols.append(Column(c, h, "unit"))
        elif (h.year is not None or (h.kind and h.kind != "unit")) and not is_name_label(h.raw):
            cols.append(Column(c, h, "value"))
        elif h.raw and is_total_label(h.raw):
            cols.append(Column(c, h, "total"))
        elif h.year is None and not h.kind and kv and (key(h.raw) in _YEAR_COLUMN_LABELS or not h.raw) \
                and sum(is_year_like(v, ctx.era) for v in kv) >= max(2, len(kv) * 2 // 3):
            cols.append(Column(c, h, "year"))  # fiscal years down a column (年度 | 目標 | 実績 beside the names)
        else:
            cols.append(Column(c, h, "label"))
    value_cols = [c for c in cols if c.role == "value"]
    kind_cols = [c for c in cols if c.role == "kind"]
    # a value column must hold values, not names (「目標値」 over the names in a flattened PDF header)
    value_cols = [c for c in value_cols
                  if sum(cell_is_value(r.cells[c.index]) or (c.header.kind == "grade" and is_grade_cell(r.cells[c.index]))
                         for r in data if r.cells[c.index].strip())
                  >= max(1, sum(1 for r in data if r.cells[c.index].strip()) // 2)]
    for c in cols:
        if c.role == "value" and c not in value_cols:
            c.role = "label"
    if not value_cols:
        return year_rows_table(ctx, block, n_header, headers, cols)
    data = apply_when_rows(ctx, data, value_cols)
    years_in_cols = any(c.header.year is not None for c in value_cols)
    if not years_in_cols and not kind_cols and not any(c.header.kind in ("target", "actual") for c in value_cols):
        return 0
    unit_col = next((c.index for c in cols if c.role == "unit"), None)
    year_col = next((c.index for c in cols if c.role == "year"), None) if not years_in_cols else None
    field_cols = _measure_field_columns(cols)
    label_cols = [c.index for c in cols if c.role == "label" and c.index not in field_cols]
    # the rightmost column headed by a name label (実施事業 right of 方向性 | 個別施策) names the row;
    # label columns left of it are levels of the hierarchy, named by their headers
    name_col = next((c.index for c in reversed(cols) if c.index in label_cols and is_name_label(c.header.raw)), None)
    level_names = {c.index: (c.header.raw or "区分").split("\n")[0][:20] for c in cols}
    stacked = next(((c.header.upper, c.header.lower) for c in value_cols if c.header.upper and c.header.lower), None)
    if stacked is None and (note := _stacking_note(ctx, block)) is not None:
        # 「※上段：目標、下段：実績値」 printed above the table: every year column holds the pair (the note
        # is the caption, not a legend of its own)
        stacked = note
        for c in value_cols:
            if c.header.kind is None:
                c.header = dataclasses.replace(c.header, upper=note[0], lower=note[1])
    elif stacked:
        ctx.doc.legends.append(Legend(kind="layout", raw=next(c.header.raw for c in value_cols if c.header.upper),
                                      ref=block.rows[0].ref, items=[("上段", stacked[0]), ("下段", stacked[1])],
                                      item_refs=[block.rows[0].ref, block.rows[0].ref]))
    _infer_unlabelled_targets(value_cols)
    quantities = quantities_of(block, n_header, value_cols)
    # a budget against its settlement (H24予算 | H24決算) is money spent, not a target met
    cost_table = sum(bool(re.search(r"(予算|決算)", c.header.raw)) for c in value_cols) >= max(1, len(value_cols) // 2)
    base_hierarchy = [("見出し", None, h) for h in block.headings[-2:]]
    caption = caption_name(block) or ctx.named_by
    prev_name: str | None = None
    carry: list[str | None] = [None] * width
    values: dict[tuple, IndicatorValue] = {}  # ((name, group path), fiscal year, row kind[, column]) → value
    judged: dict[tuple[str, tuple], dict[str, tuple[str, SourceRef]]] = {}  # (name, path) → grade/rate printed once
    undated: dict[tuple[str, tuple], dict[str, str]] = {}  # (name, path) → field → a value printed without a year
    used_rows = 0
    keys_seen: dict[str, list[tuple]] = {}  # indicator name → the group paths it was read under
    upper_row: TRow | None = None
    header_keys = {filled_key(h) for h in block.rows[:n_header]}
    above = _lines_above(ctx, block)
    for ri, r in enumerate(data):
        if r.filled() and filled_key(r) in header_keys:
            continue  # the header printed again (a page break in a paged rendering): a header, not data
        if r.inner or (len(r.filled()) == 1 and NOTE_LINE.match(r.filled()[0][1])):
            # a one-cell line inside the table (a merged row in DOCX/PDF, a line in text)
            line = r.filled()[0][1] if r.filled() else ""
            if m := NOTE_LINE.match(line):
                ctx.doc.notes.append(Note(scope=prev_name or "計画全体", kind="table_note",
                                          text=line[m.end():].strip() or line, raw=line, ref=r.ref,
                                          item_label=m.group(0).strip() or None))
            elif line in above:
                ctx.doc.unmapped.append(Unmapped(kind="line", reason="inside an indicator table: repeats a line "
                                                 "printed above the table (a running head), not read", raw=line, ref=r.ref))
            elif is_group_label(line):
                carry = [None] * width
                carry[0] = line
            else:
                ctx.doc.unmapped.append(Unmapped(kind="line", reason="inside an indicator table, neither a row, "
                                                 "a group label nor a note (（注）/※), not read", raw=line, ref=r.ref))
            continue
        labels = [(c, r.cells[c].strip()) for c in label_cols if r.cells[c].strip()]
        text_labels = [(c, t) for c, t in labels if not cell_is_number(t)]
        row_kind = next((value_kind(r.cells[c.index]) for c in kind_cols if value_kind(r.cells[c.index])), None)
        has_values = any(r.cells[c.index].strip() for c in value_cols)
        if not has_values and not row_kind:
            if len(text_labels) >= 2 and _starts_another_table(data[ri:]):
                # a header of another table printed right below (a legend 「評価指標 | 詳細」 after the
                # data): the rest is read as a table of its own, not as group labels of this one
                width_used = max((c for t in data[ri:] for c, _x in t.filled()), default=0) + 1
                rest = Block(rows=[TRow(cells=list(t.cells[:width_used]), row=t.row, header=t.header, inner=t.inner)
                                   for t in data[ri:]],
                             headings=block.headings, markdown=block.markdown, table_id=block.table_id)
                ctx.split_tables_seen += 1
                if ctx.read_block is not None and ctx.read_block(ctx, rest):
                    ctx.split_tables_mapped += 1
                else:
                    ctx.doc.unmapped.append(Unmapped(kind="table", reason=why_unmapped(rest),
                                                     raw=block_text(rest)[:300], ref=rest.ref))
                break
            if text_labels and all(is_group_label(t) for _c, t in text_labels):
                # a group label row (「財源」) — a hierarchy level for the rows below
                for c, t in text_labels:
                    carry[c] = t
            elif r.filled():
                ctx.doc.unmapped.append(Unmapped(kind="row", reason="inside an indicator table: no value and no "
                                                 "group label in its label columns, not read", raw=r.row.text[:300],
                                                 ref=r.ref))
            continue
        # a stacked pair (目標値(上段)・実績値(下段)): the lower line follows its upper line and prints
        # no unit; its values are the 下段 kind and a name fragment in it completes the name
        is_lower = bool(stacked) and upper_row is not None and prev_name is not None and not (
            unit_col is not None and r.cells[unit_col].strip())
        if is_lower:
            lane, upper_row = "lower", None
            name = prev_name = _complete_stacked_name(ctx, values, prev_name, "".join(t for _c, t in text_labels))
        else:
            lane = "upper" if stacked else None
            upper_row = r if stacked else None
            if text_labels:
                for c, t in text_labels:
                    carry[c] = t
                name_at = name_col if name_col is not None and r.cells[name_col].strip() else text_labels[-1][0]
                for c in label_cols:
                    if c > name_at:
                        carry[c] = None
                name = r.cells[name_at].strip()
            elif prev_name and (kind_cols or row_kind or year_col is not None):
                name = prev_name  # 目標値/実績値/達成率 rows (or one row per year) under one name
            else:
                name = caption or prev_name or "(名称なし)"
            prev_name = name
        name_at = name_col if name_col is not None and r.cells[name_col].strip() else (
            text_labels[-1][0] if text_labels else width)
        hierarchy = base_hierarchy + [(level_names.get(c, "区分") if name_col is not None else "区分", None, t)
                                      for c, t in enumerate(carry) if t and c in label_cols and t != name and c < name_at]
        unit = r.cells[unit_col].strip() if unit_col is not None and r.cells[unit_col].strip() else None
        code = next((t for c, t in labels if cell_is_number(t) and re.fullmatch(r"[0-9０-９\-]+", t)), None)
        measure = ctx.measure(name, r.ref, hierarchy, MeasureKind.INDICATOR)
        if code and not measure.id_raw:
            measure.id_raw = code
        for c, attr in field_cols.items():
            if r.cells[c].strip() and getattr(measure, attr) is None:
                setattr(measure, attr, " ".join(r.cells[c].split()))
        is_total = bool(text_labels) and is_total_label(text_labels[-1][1])
        got = False
        for c in value_cols:
            cell = r.cells[c.index].strip()
            if not cell:
                continue
            # one row, several quantities (事業数 and 事業費 under 計画 | 実績): one indicator each
            ivname = f"{name} {quantities[c.index]}" if quantities.get(c.index) else name
            # the same name under another group (「一般」 under 第1章 and under 第2章) is another indicator
            ivkey = indicator_key(keys_seen, ivname, tuple(t for _l, _n, t in hierarchy))
            kind = (stacked[0] if lane == "upper" else stacked[1]) if stacked and c.header.upper else (
                c.header.kind or row_kind or "actual")
            if row_kind and not c.header.kind:
                kind = row_kind
            attr = VALUE_FIELD.get(kind)
            if kind == "diff":
                ctx.doc.notes.append(Note(scope=measure.key, kind="stated_difference", text=cell, raw=cell,
                                          ref=r.cell_ref(c.index)))
                got = True
                continue
            if attr is None:
                continue
            row_kind_name = {"baseline": "baseline", "reference": "reference"}.get(kind, "yearly")
            if row_kind_name == "yearly" and (cost_table or _COST_WORDS.search(" ".join([name, *(t for _l, _n, t in hierarchy)]))):
                row_kind_name = "cost"  # money and staff (予算/決算, 人件費, フルコスト, 正職員数): no achievement
            if c.header.year is None and kind in ("grade", "rate") and years_in_cols:
                # a grade or rate without a year beside year columns judges one year, not every year: it is
                # given to one once the row is read (_one_year_judged)
                judged.setdefault(ivkey, {})[attr] = (cell, r.cell_ref(c.index))
                got = True
                continue
            if c.header.year is None and kind in ("baseline", "projection") and years_in_cols:
                # a value without a year beside year columns: keep it on every row of the indicator later
                for iv in [v for k, v in values.items() if k[0] == ivkey]:
                    if getattr(iv, attr) is None:
                        setattr(iv, attr, cell)
                undated.setdefault(ivkey, {})[attr] = cell
                got = True
                continue
            row_year = parse_header(r.cells[year_col].strip(), ctx.era) if year_col is not None else None
            if row_year is not None and row_year.year is not None and c.header.year is None:
                year = row_year.year
            else:
                row_year = None
                year = c.header.year if c.header.year is not None else (
                    ctx.doc.fiscal_year if not years_in_cols and kind in ("target", "actual", "grade", "rate") else None)
            k = (ivkey, year, row_kind_name if c.header.year is not None or not years_in_cols else f"{row_kind_name}:{c.index}")
            iv = values.get(k)
            if iv is None or getattr(iv, attr) is not None:
                if iv is not None:
                    k = k + (c.index,)
                iv = IndicatorValue(measure_key=measure.key, indicator=ivname,
                                    fiscal_year_raw=(row_year.raw if row_year else c.header.raw) or "",
                                    row_kind=row_kind_name, target_raw=None, actual_raw=None, grade_raw=None,
                                    ref=r.cell_ref(c.index), header_raw=c.header.raw, as_of=c.header.as_of,
                                    is_total=is_total)
                iv.fiscal_year = year
                iv.fiscal_year_basis = f"printed in the row ({row_year.raw})" if row_year else c.header.year_basis if c.header.year is not None else (
                    "document's fiscal year" if year is not None else None)
                for extra_attr, extra in undated.get(ivkey, {}).items():
                    setattr(iv, extra_attr, extra)
                values[k] = iv
            else:
                iv.ref = iv.ref.span(r.cell_ref(c.index))
                if c.header.raw and c.header.raw not in (iv.header_raw or ""):
                    iv.header_raw = f"{iv.header_raw} / {c.header.raw}" if iv.header_raw else c.header.raw
            setattr(iv, attr, cell)
            if kind == "reference" and c.header.kind == "reference":
                iv.row_kind = "reference"
            if unit and not iv.unit_raw:
                iv.unit_raw = unit
            if c.header.as_of and not iv.as_of:
                iv.as_of = c.header.as_of
            got = True
        if got:
            used_rows += 1
        else:
            ctx.doc.unmapped.append(Unmapped(kind="row", reason="a row of an indicator table with no value read",
                                             raw=r.text[:300], ref=r.ref))
    # unit printed once per indicator (in the 基準値 cell 「558.7 万人」, or the first row of a block)
    by_name: dict[str, list[IndicatorValue]] = collections.defaultdict(list)
    for iv in values.values():
        by_name[iv.indicator or ""].append(iv)
    for name, ivs in by_name.items():
        unit = next((iv.unit_raw for iv in ivs if iv.unit_raw), None) or _unit_of(ivs) or unit_in_name(name) \
            or unit_in_name(block.caption or "")
        for iv in ivs:
            iv.unit_raw = iv.unit_raw or unit
    # 「創業塾(参加者数) P.33」: the measure is 創業塾 (its key too), the indicator 参加者数;
    # 「経営支援セミナー【新規事業】(参加者数)」 marks a new one
    rekeyed: dict[str, str] = {}
    for iv in values.values():
        measure_name, indicator, mark = split_indicator(iv.indicator or "")
        if not indicator:
            continue
        iv.indicator = indicator
        if iv.measure_key not in rekeyed and (m := ctx.doc.measure(iv.measure_key)) is not None:
            m.name, m.marks_raw = measure_name, m.marks_raw or mark
            m.new = m.new or bool(mark and "新規" in mark)
            m.key = rekeyed[iv.measure_key] = ctx.doc.unique_measure_key(measure_name[:80])
        iv.measure_key = rekeyed.get(iv.measure_key, iv.measure_key)
    for note in ctx.doc.notes:
        note.scope = rekeyed.get(note.scope, note.scope)
    for ivkey, fields in judged.items():
        one_year_judged(ctx, [v for k, v in values.items() if k[0] == ivkey], fields, block)
    ctx.doc.indicator_values.extend(values.values())
    if values:
        first = next(iter(values.values()))
        if checked := rate_check(values.values()):
            agree, total = checked
            ctx.evidence("indicator_values", first.measure_key, EvidenceKind.ARITHMETIC,
                         f"the printed rate equals actual ÷ target on {agree} of {total} rows: the roles hold "
                         "(structure only; the audit still checks every rate)", block.ref, 0.3 if agree == total else 0.0)
        years = sorted({c.header.year for c in value_cols if c.header.year is not None})
        if years:
            ctx.evidence("indicator_values", first.measure_key, EvidenceKind.YEAR_AXIS,
                         f"fiscal years {years[0]}–{years[-1]} along the header", block.ref, 0.3)
        roles = sorted({c.header.kind for c in value_cols if c.header.kind} | ({"(a 区分 column)"} if kind_cols else set()))
        if roles:
            ctx.evidence("indicator_values", first.measure_key, EvidenceKind.HEADER_LABEL,
                         "value roles named by the header: " + ", ".join(roles), block.ref, 0.3)
    return used_rows


_UPPER = re.compile(r"上段\s*[:：は=＝]?\s*(?P<a>[^、,，・/\s)）:：]+)|(?P<b>[^\s(（、,，・/:：※]+)\s*[(（]\s*上段")
_LOWER = re.compile(r"下段\s*[:：は=＝]?\s*(?P<a>[^、,，・/\s)）:：]+)|(?P<b>[^\s(（、,，・/:：※]+)\s*[(（]\s*下段")


def _stacking_note(ctx, block: Block) -> tuple[str, str] | None:
    """The kinds of a stacked pair named in the caption or a note line just above the table."""
    for t in (block.caption or "",):
        up, lo = _UPPER.search(t or ""), _LOWER.search(t or "")
        if up and lo:
            a, b = value_kind(up.group("a") or up.group("b")), value_kind(lo.group("a") or lo.group("b"))
            if a and b and a != b:
                return a, b
    return None


def _complete_stacked_name(ctx: ReadingContext, values: dict, name: str, fragment: str) -> str:
    """The 下段 line of a stacked pair may print the end of a name wrapped from its 上段 line
    (「1.観光地点等入込客数」 / 「(延べ人数)」): the indicator, its values and its measure take the whole name."""
    if not fragment or fragment == name or name.endswith(fragment):
        return name  # the name printed again on the 下段 line, not a wrapped end of it
    full = name + fragment
    for k in [k for k in values if k[0][0] == name]:
        values[k].indicator = full
        values[((full,) + k[0][1:],) + k[1:]] = values.pop(k)
    if (m := ctx.measures.pop(f"indicator:{name}", None)) is not None:
        m.name = full
        ctx.measures[f"indicator:{full}"] = m
    return full


# label columns that describe the row's measure rather than name it (canonical_label → Measure field)
_MEASURE_FIELDS = {"departments": "departments_raw", "partners": "partners_raw", "target_text": "target_raw",
                   "assessment": "status_raw", "direction": "direction_raw", "indicator": "indicator_raw"}


def _measure_field_columns(cols: list[Column]) -> dict[int, str]:
    """Label columns whose header names a field of the measure (実施主体, 目標とする姿, 実施状況・課題 …),
    right of the name column — left of it, 方向性 is a level of the hierarchy, not a direction."""
    names = [c.index for c in cols if c.role == "label" and is_name_label(c.header.raw)]
    first_name = names[-1] if names else -1
    out = {}
    for c in cols:
        field = canonical_label(c.header.raw) if c.role == "label" and c.header.raw else None
        if field in _MEASURE_FIELDS and c.index > first_name and not is_name_label(c.header.raw):
            out[c.index] = _MEASURE_FIELDS[field]
    labels_left = [c for c in cols if c.role == "label" and c.index not in out]
    return out if labels_left else {}


def _starts_another_table(rows: list[TRow]) -> bool:
    """A row of two or more labels without values, then rows that read as a legend or a 取組 list."""
    rest = [r for r in rows[1:] if not r.inner]
    return len(rest) >= 2 and (all(legend_row(r) for r in rest[:3]) and any(grade_label(r.cells[0]) for r in rest[:3])
                               or S.list_columns(rows[0].cells) is not None)


def _lines_above(ctx: ReadingContext, block: Block) -> set[str]:
    """The one-cell lines printed before the block (title, 資料番号 …): a running head repeats one."""
    return ctx.lines_before(block.rows[0].row)


def _unit_of(ivs: list[IndicatorValue]) -> str | None:
    for iv in ivs:
        for raw in (iv.baseline_raw, iv.target_raw, iv.actual_raw):
            if raw and (m := re.search(r"[0-9０-９.,]\s*([^\s\d.,()（）]{1,6})\s*$", raw.strip())):
                unit = m.group(1)
                if unit not in ("%",) and not re.search(r"[年度月日]", unit):
                    return unit
    return None


def _infer_unlabelled_targets(value_cols: list[Column]) -> None:
    """Year columns with no value kind are actuals, except a last year printed after a gap
    (「2014 … 2018 | 2020」): the plan's target year. The header says which reading was taken."""
    bare = [c for c in value_cols if c.header.year is not None and c.header.kind is None]
    if len(bare) < 3 or len(bare) != len(value_cols):
        return
    years = [c.header.year for c in bare]
    if years[-1] - years[-2] >= 2 and all(b - a == 1 for a, b in zip(years[:-1], years[1:-1])):
        last = bare[-1]
        last.header = Header(raw=last.header.raw, kind="target", year=last.header.year,
                             year_basis=(last.header.year_basis or "") + "; target: the last year, printed after a gap",
                             as_of=last.header.as_of)


