"""The generic reader: any report, read by its labels, never by its city.

It runs on the rows every backend yields and recognises content by what is printed:

- **indicator tables** — a name column (指標/成果指標/KPI/項目 … or simply the text column) and value
  columns labelled 目標値/実績値/基準値/見込/達成率/評価/単位 …, fiscal years as columns or rows in
  any spelling (令和5年度, R5, H25末, 2018(実績), 「平成(年度)」 over 18/19/20), value kinds in the
  header, in a 区分 column or in the row labels, stacked rows (目標値(上段)・実績値(下段));
- **count tables** — label × count (合計 columns/rows marked as totals, 割合 rows as shares);
- **legend tables** and legend lines — grade/symbol/word scales, points, bands;
- **prose counts** — 「46項目を「順調」」「77項目中12項目で上昇」「評価対象 394事業(96%)」;
- **progress lines** — 「H24年12月・15ha→H25年12月・30ha」.

Every table is either mapped or recorded in `doc.unmapped` with the reason, and the
document's coverage (tables and data rows seen vs mapped) is recorded, so nothing is
dropped without a word. Specific layouts (extractors/<city>_*.py) still win when they
claim a file; this reader takes everything else.
"""

from __future__ import annotations

import collections
import copy
import dataclasses
import functools
import re
from dataclasses import dataclass, field

from hyoka.extractors import _sheets as S
from hyoka.extractors._common import labelled_cells, plain
from hyoka.extractors._grid import Block, TRow, blocks
from hyoka.extractors.base import LayoutExtractor, Row, SourceText
from hyoka.extractors.reading.count_table import propose_count_table
from hyoka.extractors.reading.kpi_line import kpi_lines
from hyoka.extractors.reading.lost_table import rebuild_tables
from hyoka.extractors.reading.regions import split_text_blocks
from hyoka.extractors.reading.resolve import resolve
from hyoka.normalizers import counts as C
from hyoka.normalizers import legends as L
from hyoka.normalizers.eras import find_era_dates
from hyoka.normalizers.headers import (
    HEAD_NOUNS, KIND_COLUMN_LABELS, PERIOD_SPAN, VALUE_KINDS, Header, header_era, is_name_label, is_total_label, key, marks,
    parse_header, value_kind,
)
from hyoka.normalizers.numbers import parse_number
from hyoka.normalizers.labels import canonical_label, split_indicator
from hyoka.normalizers.places import find_municipality
from hyoka.normalizers.symbols import parse_count_line
from hyoka.pipeline.model import (
    DocError, Document, EvidenceKind, Flag, IndicatorValue, Legend, Measure, Note, ReadingEvidence, ScoreSummary,
    SourceRef, SummaryCount, Unmapped,
)

# rows of money and staff: 「直接人件費」「フルコスト」「正職員数」「一般財源」 — costs, never targets met
_COST_WORDS = re.compile(r"(コスト|人件費|事業費|財源|職員数|嘱託員数|臨時職員|支出金|地方債|使用料|手数料|委託料|負担金|"
                         r"補助金額|決算額|予算額|歳出|歳入)")
# value kinds that fill an IndicatorValue field
_FIELD = {"target": "target_raw", "actual": "actual_raw", "grade": "grade_raw", "baseline": "baseline_raw",
          "rate": "rate_raw", "projection": "projection_raw", "reference": "actual_raw", "diff": None}
_NONE_CELLS = {"-", "−", "―", "—", "ー", "‐", "－", "未確定", "なし", "無し", "該当なし", "―――", "…", "*", "＊"}
_NUMBER_CELL = re.compile(
    r"^[△▲\-−]?\s*[約]?\s*[0-9０-９][0-9０-９,，.．]*\s*(?:[万億千]?[^\s\d]{0,5})?\s*(?:[(（][^)）]*[)）])?$")
_NUMBERED_NAME = re.compile(r"^\s*[0-9０-９]{1,3}\s*[.．、)）]\s*\D")  # 「1.観光地点等入込」 is a name
_KIND_ROW_KINDS = ("target", "actual", "rate", "grade", "diff", "baseline", "projection", "reference")
_PROGRESS = re.compile(
    r"(?P<name>[^:：・\s]{1,20})[:：]\s*(?P<a_when>[^・→]{2,14})・\s*(?P<a>[0-9０-９][^→]{0,12}?)\s*→\s*"
    r"(?P<b_when>[^・→]{2,14})・\s*(?P<b>[0-9０-９][^\s]{0,12})")


class GenericLayout(LayoutExtractor):
    """Not claimed by detection: ingest falls back to it when no specific layout claims a file."""

    name = "generic"
    description = "any report: tables and lines recognised by their labels (目標値/実績値/評価, legends, counts)"

    @classmethod
    def detect(cls, text: SourceText) -> float:
        return 0.0

    def extract(self, text: SourceText, doc: Document) -> None:
        read_generic(text, doc)


# ---------------------------------------------------------------------------------------------
# the document


@dataclass
class _Ctx:
    text: SourceText
    doc: Document
    era: str | None  # the era bare years are in (the one the document names most)
    n_summaries: int = 0
    measures: dict[str, Measure] = field(default_factory=dict)
    # tables found printed right below another one in the same block (a legend under the data)
    split_tables_seen: int = 0
    split_tables_mapped: int = 0
    _one_cell_lines: list[tuple[int, str]] | None = None  # (row index, text) of one-cell rows, built once
    reader: str | None = None  # the strategy reading on this context (a fork's), named in its evidence

    def evidence(self, table: str, record_key: str, kind: EvidenceKind, detail: str, ref: SourceRef,
                 weight: float = 0.0) -> None:
        self.doc.reading_evidence.append(ReadingEvidence(record_table=table, record_key=record_key, kind=kind,
                                                         detail=detail, ref=ref, reader=self.reader, weight=weight))

    def fork(self) -> "_Ctx":
        """A context whose document starts empty of content but knows the measures read so far: a
        strategy reads a block on it, and the resolver adopts it or drops it (extractors/reading)."""
        empty = {name: [] for name in ("actions", "indicator_values", "score_summaries", "costs", "notes", "cross_refs",
                                       "legends", "dates", "flags", "unmapped", "reading_evidence", "errors")}
        # the measures are copied: a reading renames or rekeys the measures of its rows, and a reading
        # that is not chosen must leave them as they were
        copies = {id(m): copy.copy(m) for m in self.doc.measures}
        doc = dataclasses.replace(self.doc, measures=[copies[id(m)] for m in self.doc.measures], **empty)
        new = dataclasses.replace(self, doc=doc, measures={k: copies.get(id(m), m) for k, m in self.measures.items()})
        new.__dict__["row_index"] = self.row_index
        return new

    def adopt(self, other: "_Ctx") -> None:
        """Take a fork's reading into this document."""
        self.doc.measures[:] = other.doc.measures
        for name in ("actions", "indicator_values", "score_summaries", "costs", "notes", "cross_refs", "legends",
                     "dates", "flags", "unmapped", "reading_evidence", "errors"):
            getattr(self.doc, name).extend(getattr(other.doc, name))
        self.measures = other.measures
        self.n_summaries = other.n_summaries
        self.split_tables_seen, self.split_tables_mapped = other.split_tables_seen, other.split_tables_mapped
        self._one_cell_lines = self._one_cell_lines or other._one_cell_lines

    @functools.cached_property
    def row_index(self) -> dict[int, int]:
        """id(row) → its index in text.rows (blocks hold the backend's Row objects)."""
        return {id(r): i for i, r in enumerate(self.text.rows)}

    def lines_before(self, row: Row) -> set[str]:
        """The one-cell lines printed before `row` (title, 資料番号 …)."""
        if self._one_cell_lines is None:
            self._one_cell_lines = [(i, r.filled[0][1].strip()) for i, r in enumerate(self.text.rows) if len(r.filled) == 1]
        at = self.row_index.get(id(row), 0)
        return {t for i, t in self._one_cell_lines if i < at}

    def measure(self, name: str, ref: SourceRef, hierarchy: list[tuple[str, str | None, str]], kind: str) -> Measure:
        k = f"{kind}:{name}"
        if k not in self.measures:
            m = Measure(key=self.doc.unique_measure_key(name[:80] or "(名称なし)"), id_raw=None, name=name, ref=ref,
                        hierarchy=hierarchy)
            m.kind = kind
            self.doc.measures.append(m)
            self.measures[k] = m
        return self.measures[k]

    def summary(self, scope: str, raw: str, ref: SourceRef, reader: str, total: int | None = None) -> ScoreSummary:
        self.n_summaries += 1
        s = ScoreSummary(scope=scope[:120], scope_name=None, raw=raw[:500], ref=ref, total_items=total,
                         key=f"G{self.n_summaries}", reader=reader)
        self.doc.score_summaries.append(s)
        return s


def read_generic(text: SourceText, doc: Document) -> None:
    lines = [(i, r) for i, r in text.nonblank()]
    first = plain(lines[0][1].text) if lines else ""
    doc.title = doc.title or first[:200] or None
    doc.kind = doc.kind or _kind_of(text.head(1500))
    doc.municipality = doc.municipality or find_municipality(doc.title or "", text.head(5000))
    _fiscal_year(text, doc)
    ctx = _Ctx(text=text, doc=doc, era=_document_era(text))
    found, prose = blocks(text)
    found = split_text_blocks(found, ctx.era)
    rebuilt, prose = rebuild_tables(prose, ctx.era)  # text that lost its table (one cell per line, a row per line)
    found += rebuilt
    found, prose = _join_continued(ctx, found, prose)
    seen = mapped = rows_seen = rows_mapped = 0
    for block in found:
        data_rows = [r for r in block.rows if not r.header and _has_number(r)]
        seen += 1
        rows_seen += len(data_rows)
        n = _read_block(ctx, block)
        if not n and all(len(r.filled()) <= 1 for r in block.rows):
            # a table of one cell (a box around a legend 「「A」…順調 「B」…」): its text is a line
            before = len(doc.legends)
            for r in block.rows:
                if r.filled():
                    _legend_in_line(ctx, r.row, plain(r.filled()[0][1]))
            n = len(doc.legends) - before
        if n:
            mapped += 1
            rows_mapped += min(n, len(data_rows)) if data_rows else 0
        elif data_rows or block.width >= 2:
            doc.unmapped.append(Unmapped(kind="table", reason=_why_unmapped(block), raw=_block_text(block)[:300],
                                         ref=block.ref))
    _read_prose(ctx, _joined_chart_labels(prose))
    seen, mapped = seen + ctx.split_tables_seen, mapped + ctx.split_tables_mapped
    doc.tables_seen, doc.tables_mapped = seen, mapped
    doc.data_rows_seen, doc.data_rows_mapped = rows_seen, rows_mapped
    if not (doc.indicator_values or doc.score_summaries or doc.legends or doc.actions or doc.measures):
        # keep the document (it was read), say that nothing in it was recognised
        doc.notes.append(Note(scope="計画全体", kind="unrecognised",
                              text="no indicator table, count summary or legend recognised", raw="",
                              ref=SourceRef(file=text.file)))
        doc.errors.append(DocError(stage="extract", message=(
            f"read by the generic reader, but no indicator table, count summary or legend was recognised "
            f"({len(doc.unmapped)} tables or rows unmapped)")))


def _kind_of(head: str) -> str | None:
    for word in ("事務事業評価", "施策評価", "行政評価", "進捗管理", "進捗状況", "進行管理", "検証", "評価", "報告"):
        if word in head:
            return word
    return None


def _document_era(text: SourceText) -> str | None:
    eras = collections.Counter(d.era for r in text.rows[:400] for d in find_era_dates(r.text) if d.era)
    return eras.most_common(1)[0][0] if eras else None


def _fiscal_year(text: SourceText, doc: Document) -> None:
    """The evaluated fiscal year when the head prints one next to 評価/実績/検証 (「平成27年度事務事業評価」)."""
    if doc.fiscal_year_raw:
        return
    for _i, row in list(text.nonblank())[:12]:
        t = row.text
        for d in find_era_dates(t):
            # 「令和5年度～進捗状況まとめ」: a period's first year, not the year evaluated
            after = t[d.end:].lstrip()
            if after.startswith(("～", "~", "〜", "から", "-", "－")):
                continue
            if d.is_fiscal and d.year and re.search(r"(評価|実績|検証|進捗|報告|結果)", t):
                doc.fiscal_year_raw = d.raw
                doc.fiscal_year_basis = f"printed: 「{plain(t)[:60]}」"
                return
        if m := re.search(r"(?<!\d)((?:19|20)\d{2})\s*年度", t):
            if re.search(r"(評価|実績|検証|進捗|報告|結果)", t):
                doc.fiscal_year_raw = m.group(0)
                doc.fiscal_year_basis = f"printed: 「{plain(t)[:60]}」"
                return


# ---------------------------------------------------------------------------------------------
# tables


def _cell_is_number(text: str) -> bool:
    t = text.strip()
    return (bool(t) and bool(_NUMBER_CELL.match(t)) and not _NUMBERED_NAME.match(t)
            and parse_number(t) is not None)


def _is_grade_cell(text: str) -> bool:
    """「A」「Ab」「B+」「◎」「達成」 — a short grade, symbol or word in a 評価 column."""
    t = text.strip()
    return 0 < len(t) <= 6 and not _cell_is_number(t)


def _cell_is_value(text: str) -> bool:
    t = text.strip()
    return _cell_is_number(t) or t in _NONE_CELLS


def _is_year_like(text: str, era: str | None) -> bool:
    t = text.strip()
    if re.fullmatch(r"[(（]?\s*(?:19|20)\d{2}\s*[)）]?", t):
        return True
    h = parse_header(t, era)
    return h.year is not None and len(re.sub(r"[\d\s()（）年度末RHS令和平成昭和.]", "", t)) <= 8


def _has_number(r: TRow) -> bool:
    return any(_cell_is_number(c) for c in r.cells)


def _header_rows(block: Block, era: str | None) -> int:
    """How many rows at the top are header rows."""
    n = 0
    if any(r.header for r in block.rows):
        n = sum(1 for r in block.rows if r.header)
        # a second header row under the Markdown one: 「| | 目標 | 実績 | 評価 |」 below 「| 指標 | 令和4年度 | | |」
        while n < len(block.rows) - 1:
            cells = [c.strip() for c in block.rows[n].cells if c and c.strip()]
            if cells and not any(_cell_is_number(c) and not _is_year_like(c, era) for c in cells) and \
                    sum(bool(value_kind(c) or _is_year_like(c, era)) for c in cells) >= max(2, len(cells) // 2):
                n += 1
            else:
                break
        return n
    for r in block.rows[:4]:
        cells = [c.strip() for c in r.cells if c and c.strip()]
        if not cells:
            n += 1
            continue
        plain_numbers = [c for c in cells if _cell_is_number(c) and not _is_year_like(c, era)
                         and not parse_header(c, era).kind]  # 「5ヵ年目標」 is a header
        if plain_numbers:
            break
        n += 1
        if r.inner:
            break
    return n if n < len(block.rows) else 0


def _read_block(ctx: _Ctx, block: Block) -> int:
    """Read one table; returns the number of rows it gave (0: not recognised). Every strategy reads it
    on a fork of the document and the best-supported reading is kept (extractors/reading/resolve.py)."""
    data_rows = sum(1 for r in block.rows if not r.header and not r.inner and _has_number(r))
    return resolve(ctx, block, _PROPOSERS, data_rows, block.ref)


def _join_continued(ctx: _Ctx, found: list[Block], prose: list[tuple[int, Row]]
                    ) -> tuple[list[Block], list[tuple[int, Row]]]:
    """A table continued in another part (a DOCX table split by a paragraph, a PDF table on the next
    page the backend could not stitch) is one table: a block of the same width whose first row is data
    or the first block's header again, with at most two footnote lines between them (kept inside)."""
    text, index = ctx.text, ctx.row_index
    prose_at = dict(prose)
    out: list[Block] = []
    moved: set[int] = set()
    for block in found:
        if out and out[-1].width == block.width and block.width >= 3:
            prev = out[-1]
            end, start = index.get(id(prev.rows[-1].row)), index.get(id(block.rows[0].row))
            between = [i for i in range(end + 1, start) if not text.rows[i].is_blank()] if end is not None and start else None
            notes = between is not None and len(between) <= 2 and all(
                i in prose_at and _NOTE_LINE.match(plain(prose_at[i].text)) for i in between)
            continued = _has_number(block.rows[0]) or _filled_key(block.rows[0]) == _filled_key(prev.rows[0])
            if notes and continued and not any(r.header for r in block.rows):
                prev.rows += [TRow(cells=[plain(text.rows[i].text)] + [""] * (prev.width - 1), row=text.rows[i], inner=True)
                              for i in between] + block.rows
                moved.update(between)
                continue
        out.append(block)
    return out, [(i, r) for i, r in prose if i not in moved]


def _action_table(ctx: _Ctx, block: Block) -> int:
    """A 取組 table: an evaluation sheet (予定/実施 labels down a column, one sheet per 施策) or a
    取組 list (予定/実施 columns across a header row); see extractors/_sheets.py."""
    rows = [_as_row(r) for r in block.rows]
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


def _as_row(trow: TRow) -> Row:
    """A block row as a model Row with its split cells (a Markdown row arrives as one cell)."""
    row = trow.row
    refs = row.cell_refs if row.cell_refs and len(row.cell_refs) == len(trow.cells) else None
    return Row(cells=tuple(trow.cells), ref=row.ref, cell_refs=refs, is_table=True)


@dataclass
class _Col:
    index: int
    header: Header
    role: str  # "value", "unit", "kind", "label", "total"


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


def _indicator_table(ctx: _Ctx, block: Block) -> int:
    era = ctx.era
    n_header = _header_rows(block, era)
    if n_header == 0:
        return 0
    headers = _column_headers(block, n_header, era)
    data = [r for r in block.rows[n_header:]]
    if not any(_has_number(r) for r in data):
        return 0
    # a text row with more cells than its header has one too many (an extra tab): every value after
    # it would sit under the next year's column, so the row is flagged and its values not read
    head_width = max((r.printed for r in block.rows[:n_header] if not r.inner), default=0)
    shifted = [r for r in data if block.table_id is None and not r.inner and r.printed > head_width > 1]
    for r in shifted:
        ctx.doc.flags.append(Flag(field="row", raw=r.row.text[:300], ref=r.ref,
                                  reason=f"{r.printed} cells where the header has {head_width}: a cell too many "
                                         "(an extra tab?) shifts the values under the wrong columns; not read"))
    data = [r for r in data if r not in shifted]
    width = block.width
    cols: list[_Col] = []
    for c, h in enumerate(headers):
        kv = [r.cells[c].strip() for r in data if c < len(r.cells) and r.cells[c].strip()]
        row_kinds = [value_kind(v) for v in kv if len(v) <= 12]
        if key(h.raw) in KIND_COLUMN_LABELS or (h.year is None and sum(k in _KIND_ROW_KINDS for k in row_kinds) >= 2
                                               and sum(k is not None for k in row_kinds) >= len(kv) / 2):
            cols.append(_Col(c, h, "kind"))
        elif h.kind == "unit":
            cols.append(_Col(c, h, "unit"))
        elif (h.year is not None or (h.kind and h.kind != "unit")) and not is_name_label(h.raw):
            cols.append(_Col(c, h, "value"))
        elif h.raw and is_total_label(h.raw):
            cols.append(_Col(c, h, "total"))
        else:
            cols.append(_Col(c, h, "label"))
    value_cols = [c for c in cols if c.role == "value"]
    kind_cols = [c for c in cols if c.role == "kind"]
    # a value column must hold values, not names (「目標値」 over the names in a flattened PDF header)
    value_cols = [c for c in value_cols
                  if sum(_cell_is_value(r.cells[c.index]) or (c.header.kind == "grade" and _is_grade_cell(r.cells[c.index]))
                         for r in data if r.cells[c.index].strip())
                  >= max(1, sum(1 for r in data if r.cells[c.index].strip()) // 2)]
    for c in cols:
        if c.role == "value" and c not in value_cols:
            c.role = "label"
    if not value_cols:
        return _year_rows_table(ctx, block, n_header, headers, cols)
    data = _apply_when_rows(ctx, data, value_cols)
    years_in_cols = any(c.header.year is not None for c in value_cols)
    if not years_in_cols and not kind_cols and not any(c.header.kind in ("target", "actual") for c in value_cols):
        return 0
    unit_col = next((c.index for c in cols if c.role == "unit"), None)
    field_cols = _measure_field_columns(cols)
    label_cols = [c.index for c in cols if c.role == "label" and c.index not in field_cols]
    # the rightmost column headed by a name label (実施事業 right of 方向性 | 個別施策) names the row;
    # label columns left of it are levels of the hierarchy, named by their headers
    name_col = next((c.index for c in reversed(cols) if c.index in label_cols and is_name_label(c.header.raw)), None)
    level_names = {c.index: (c.header.raw or "区分").split("\n")[0][:20] for c in cols}
    stacked = next(((c.header.upper, c.header.lower) for c in value_cols if c.header.upper and c.header.lower), None)
    if stacked:
        ctx.doc.legends.append(Legend(kind="layout", raw=next(c.header.raw for c in value_cols if c.header.upper),
                                      ref=block.rows[0].ref, items=[("上段", stacked[0]), ("下段", stacked[1])],
                                      item_refs=[block.rows[0].ref, block.rows[0].ref]))
    _infer_unlabelled_targets(value_cols)
    quantities = _quantities(block, n_header, value_cols)
    # a budget against its settlement (H24予算 | H24決算) is money spent, not a target met
    cost_table = sum(bool(re.search(r"(予算|決算)", c.header.raw)) for c in value_cols) >= max(1, len(value_cols) // 2)
    base_hierarchy = [("見出し", None, h) for h in block.headings[-2:]]
    caption = _caption_name(block)
    prev_name: str | None = None
    carry: list[str | None] = [None] * width
    values: dict[tuple, IndicatorValue] = {}  # ((name, group path), fiscal year, row kind[, column]) → value
    undated: dict[tuple[str, tuple], dict[str, str]] = {}  # (name, path) → field → a value printed without a year
    used_rows = 0
    keys_seen: dict[str, list[tuple]] = {}  # indicator name → the group paths it was read under
    upper_row: TRow | None = None
    header_keys = {_filled_key(h) for h in block.rows[:n_header]}
    above = _lines_above(ctx, block)
    for ri, r in enumerate(data):
        if r.filled() and _filled_key(r) in header_keys:
            continue  # the header printed again (a page break in a paged rendering): a header, not data
        if r.inner or (len(r.filled()) == 1 and _NOTE_LINE.match(r.filled()[0][1])):
            # a one-cell line inside the table (a merged row in DOCX/PDF, a line in text)
            line = r.filled()[0][1] if r.filled() else ""
            if m := _NOTE_LINE.match(line):
                ctx.doc.notes.append(Note(scope=prev_name or "計画全体", kind="table_note",
                                          text=line[m.end():].strip() or line, raw=line, ref=r.ref,
                                          item_label=m.group(0).strip() or None))
            elif line in above:
                ctx.doc.unmapped.append(Unmapped(kind="line", reason="inside an indicator table: repeats a line "
                                                 "printed above the table (a running head), not read", raw=line, ref=r.ref))
            elif _is_group_label(line):
                carry = [None] * width
                carry[0] = line
            else:
                ctx.doc.unmapped.append(Unmapped(kind="line", reason="inside an indicator table, neither a row, "
                                                 "a group label nor a note (（注）/※), not read", raw=line, ref=r.ref))
            continue
        labels = [(c, r.cells[c].strip()) for c in label_cols if r.cells[c].strip()]
        text_labels = [(c, t) for c, t in labels if not _cell_is_number(t)]
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
                if _read_block(ctx, rest):
                    ctx.split_tables_mapped += 1
                else:
                    ctx.doc.unmapped.append(Unmapped(kind="table", reason=_why_unmapped(rest),
                                                     raw=_block_text(rest)[:300], ref=rest.ref))
                break
            if text_labels and all(_is_group_label(t) for _c, t in text_labels):
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
            elif prev_name and (kind_cols or row_kind):
                name = prev_name  # 目標値/実績値/達成率 rows under one name
            else:
                name = caption or prev_name or "(名称なし)"
            prev_name = name
        name_at = name_col if name_col is not None and r.cells[name_col].strip() else (
            text_labels[-1][0] if text_labels else width)
        hierarchy = base_hierarchy + [(level_names.get(c, "区分") if name_col is not None else "区分", None, t)
                                      for c, t in enumerate(carry) if t and c in label_cols and t != name and c < name_at]
        unit = r.cells[unit_col].strip() if unit_col is not None and r.cells[unit_col].strip() else None
        code = next((t for c, t in labels if _cell_is_number(t) and re.fullmatch(r"[0-9０-９\-]+", t)), None)
        measure = ctx.measure(name, r.ref, hierarchy, "indicator")
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
            ivkey = _indicator_key(keys_seen, ivname, tuple(t for _l, _n, t in hierarchy))
            kind = (stacked[0] if lane == "upper" else stacked[1]) if stacked and c.header.upper else (
                c.header.kind or row_kind or "actual")
            if row_kind and not c.header.kind:
                kind = row_kind
            attr = _FIELD.get(kind)
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
            if c.header.year is None and kind in ("baseline", "grade", "rate", "projection") and years_in_cols:
                # a value without a year beside year columns: keep it on every row of the indicator later
                for iv in [v for k, v in values.items() if k[0] == ivkey]:
                    if getattr(iv, attr) is None:
                        setattr(iv, attr, cell)
                undated.setdefault(ivkey, {})[attr] = cell
                got = True
                continue
            year = c.header.year if c.header.year is not None else (
                ctx.doc.fiscal_year if not years_in_cols and kind in ("target", "actual", "grade", "rate") else None)
            k = (ivkey, year, row_kind_name if c.header.year is not None or not years_in_cols else f"{row_kind_name}:{c.index}")
            iv = values.get(k)
            if iv is None or getattr(iv, attr) is not None:
                if iv is not None:
                    k = k + (c.index,)
                iv = IndicatorValue(measure_key=measure.key, indicator=ivname, fiscal_year_raw=c.header.raw or "",
                                    row_kind=row_kind_name, target_raw=None, actual_raw=None, grade_raw=None,
                                    ref=r.cell_ref(c.index), header_raw=c.header.raw, as_of=c.header.as_of,
                                    is_total=is_total)
                iv.fiscal_year = year
                iv.fiscal_year_basis = c.header.year_basis if c.header.year is not None else (
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
        unit = next((iv.unit_raw for iv in ivs if iv.unit_raw), None) or _unit_of(ivs) or _unit_in_name(name) \
            or _unit_in_name(block.caption or "")
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
    ctx.doc.indicator_values.extend(values.values())
    if values:
        first = next(iter(values.values()))
        if checked := _rate_check(values.values()):
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


def _indicator_key(seen: dict[str, list[tuple]], name: str, path: tuple) -> tuple[str, tuple]:
    """(name, group path): 「一般」 under 第1章 and 「一般」 under 第2章 are two indicators, but a row whose
    groups were not carried (after a page break, a wrapped line) is the same one as before."""
    paths = seen.setdefault(name, [])
    for p in paths:
        if p[:len(path)] == path or path[:len(p)] == p:
            return name, p
    paths.append(path)
    return name, path


def _quantities(block: Block, n_header: int, value_cols: list[_Col]) -> dict[int, str]:
    """Value columns that measure different things in one row: 「事業数」 and 「事業費 (A)」 under
    前期実施計画, 「事業数」 and 「実績額 (B)」 under 実績. Columns paired by marks that a rate column
    names (「(B)/(A)」) are one quantity; the others are told apart by the words left when roles,
    years and marks are taken out of their lowest header cell. {} when all are one quantity."""
    def bottom(c: _Col) -> str:
        cells = [block.rows[i].cells[c.index].strip() for i in range(n_header) if c.index < len(block.rows[i].cells)]
        return next((t for t in reversed(cells) if t), c.header.raw)

    words = {c.index: _quantity_words(bottom(c)) for c in value_cols}
    rate = next((c for c in value_cols if len(marks(bottom(c))) >= 2), None)
    if rate is not None:
        paired = set(marks(bottom(rate)))
        members = [c for c in value_cols if c is rate or (len(marks(bottom(c))) == 1 and marks(bottom(c))[0] in paired)]
        label = next((words[c.index] for c in members if words[c.index]), "")
        for c in members:
            words[c.index] = label or "/".join(marks(bottom(rate)))
    return words if len(set(words.values())) > 1 else {}


def _quantity_words(text: str) -> str:
    t = key(text)
    t = re.sub(r"[(（][^()（）]*[)）]", "", t)
    t = PERIOD_SPAN.sub("", t)
    for d in reversed(find_era_dates(t)):
        t = t[:d.start] + t[d.end:]
    t = re.sub(r"(?:19|20)\d{2}(?:年度?)?", "", t)
    for spelling in _ROLE_WORDS:
        t = t.replace(spelling, "")
    # what dates a value (末, 現在, 時点, 当初 …) does not make it another quantity
    t = re.sub(r"(末|現在|時点|当初|年間|最終|中間|前期|後期|今年度|本年度|単年度|年度?|月|日|[0-9０-９]+)", "", t)
    return t.strip("/・ 値額")


_ROLE_WORDS = sorted({w for ws in (*VALUE_KINDS.values(), *HEAD_NOUNS.values()) for w in ws}, key=len, reverse=True)


def _rate_check(values) -> tuple[int, int] | None:
    """(rows whose printed rate equals actual ÷ target to its printed precision, rows checked)."""
    agree = total = 0
    for iv in values:
        t, a, r = (parse_number(x) if x else None for x in (iv.target_raw, iv.actual_raw, iv.rate_raw))
        if t is None or a is None or r is None or t == 0 or "%" not in (iv.rate_raw or "").replace("％", "%"):
            continue
        total += 1
        digits = len((iv.rate_raw or "").split(".")[1].rstrip("%％ ")) if "." in (iv.rate_raw or "") else 0
        agree += abs(round(a / t * 100, digits) - r) <= 10 ** -digits
    return (agree, total) if total else None


def _complete_stacked_name(ctx: _Ctx, values: dict, name: str, fragment: str) -> str:
    """The 下段 line of a stacked pair may print the end of a name wrapped from its 上段 line
    (「1.観光地点等入込客数」 / 「(延べ人数)」): the indicator, its values and its measure take the whole name."""
    if not fragment:
        return name
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


def _measure_field_columns(cols: list[_Col]) -> dict[int, str]:
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
    return len(rest) >= 2 and (all(_legend_row(r) for r in rest[:3]) and any(_grade_label(r.cells[0]) for r in rest[:3])
                               or S.list_columns(rows[0].cells) is not None)


_WHEN_LABELS = ("時点", "年度", "時期", "基準年", "基準年度", "年次", "測定時点", "調査時点", "把握時点")
_VALUE_ROW_LABELS = ("数値", "値", "数量", "実数")


def _apply_when_rows(ctx: _Ctx, data: list[TRow], value_cols: list[_Col]) -> list[TRow]:
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


# a footnote inside a table: 「（注）実績値は速報値」「注1：…」「※…」 (the match is the note's label)
_NOTE_LINE = re.compile(r"^\s*(?:[（(]\s*注\s*[0-9０-９]*\s*[）)]|注\s*[0-9０-９]*\s*[:：.．)）]|[※＊*]\s*[0-9０-９]*)")


def _is_group_label(text: str) -> bool:
    """「財源」「地域経済循環の担い手となる事業者の育成」 label the rows below; 「実績値は速報値です」 is a
    sentence, not a label."""
    t = text.strip()
    return 0 < len(t) <= 40 and not re.search(r"(です|ます|である|ました|。|、.*、)$", t)


def _filled_key(row: TRow) -> tuple[str, ...]:
    """The row's non-empty cells without whitespace: a header printed again compares equal however
    its cells were wrapped."""
    return tuple("".join(t.split()) for _c, t in row.filled())


def _lines_above(ctx: _Ctx, block: Block) -> set[str]:
    """The one-cell lines printed before the block (title, 資料番号 …): a running head repeats one."""
    return ctx.lines_before(block.rows[0].row)


_UNIT_IN_NAME = re.compile(r"(?:[(（]\s*(?:単位\s*[:：]?\s*)?(?P<u>[^()（）\d\s]{1,4})\s*[)）]\s*$|単位\s*[:：]\s*(?P<u2>[^\s()（）]{1,4}))")


def _unit_in_name(name: str) -> str | None:
    """「観光入込客数(千人)」「(単位：千円)」「単位：人」 → the unit; a note in parentheses is not one."""
    m = _UNIT_IN_NAME.search(name or "")
    if not m:
        return None
    unit = m.group("u") or m.group("u2")
    return unit if re.fullmatch(r"[千万億]?(?:人|円|件|回|社|校|ha|t|%|％|台|店|店舗|団体|戸|世帯|箇所|か所|本|冊|日|時間|km|m2|㎡)", unit) \
        else None


def _unit_of(ivs: list[IndicatorValue]) -> str | None:
    for iv in ivs:
        for raw in (iv.baseline_raw, iv.target_raw, iv.actual_raw):
            if raw and (m := re.search(r"[0-9０-９.,]\s*([^\s\d.,()（）]{1,6})\s*$", raw.strip())):
                unit = m.group(1)
                if unit not in ("%",) and not re.search(r"[年度月日]", unit):
                    return unit
    return None


def _infer_unlabelled_targets(value_cols: list[_Col]) -> None:
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


def _caption_name(block: Block) -> str | None:
    """The name of a table that has no name column: its caption (「成果指標 水田経営所得安定対策の加入面積」)."""
    if not block.caption:
        return None
    t = plain(block.caption)
    if len(t) > 60 or t.endswith(("。", ":", "：")):
        return None
    return t


def _year_rows_table(ctx: _Ctx, block: Block, n_header: int, headers: list[Header], cols: list[_Col]) -> int:
    """Fiscal years as rows (「年度 | 目標 | 実績」): one value row per year, the caption as the name."""
    data = block.rows[n_header:]
    kinds = {c: h.kind for c, h in enumerate(headers) if h.kind in ("target", "actual", "grade", "rate", "baseline")}
    if not kinds or not {"target", "actual"} & set(kinds.values()):
        return 0
    year_col = next((c for c in range(block.width) if c not in kinds and sum(
        parse_header(r.cells[c], ctx.era).year is not None for r in data) >= max(1, len(data) // 2)), None)
    if year_col is None:
        return 0
    name = _caption_name(block) or "(名称なし)"
    measure = ctx.measure(name, block.ref, [("見出し", None, h) for h in block.headings[-2:]], "indicator")
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
            if r.cells[c].strip() and _FIELD.get(kind):
                setattr(iv, _FIELD[kind], r.cells[c].strip())
        ctx.doc.indicator_values.append(iv)
        n += 1
    return n


def _add_count(s: ScoreSummary, label: str, cell: str, ref: SourceRef) -> None:
    """A category's count becomes an item; a 合計/総数 cell is the summary's total (score_summaries.total_items,
    printed text in total_raw), not one more category."""
    if is_total_label(label):
        s.total_items, s.total_raw = C.count_of(cell), f"{label}: {cell}"
    else:
        s.items.append(SummaryCount(summary_key=s.key, label_raw=label, count_raw=cell, ref=ref))


def _legend_table(ctx: _Ctx, block: Block) -> int:
    """A table of labels and their meanings (評価区分 | 評価基準; 「A:数値目標を達成 | 110%以上」;
    「有効性 | ◎:… △:… ×:…」)."""
    rows = [r for r in block.rows if not r.inner]
    if len(rows) < 2 or block.width > 4:
        return 0
    head = " ".join([*rows[0].cells, block.caption or "", *block.headings[-1:]])
    first_is_item = _legend_row(rows[0]) and (_grade_label(rows[0].cells[0]) or bool(
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
        if not _legend_row(r):
            return 0 if not items else len(items) if _finish_legend(ctx, block, items, refs, head) else 0
        items.append((r.cells[0].strip(), " / ".join(c.strip() for c in r.cells[1:] if c.strip())))
        refs.append(r.ref)
    return len(items) if _finish_legend(ctx, block, items, refs, head) else 0


def _finish_legend(ctx: _Ctx, block: Block, items, refs, head: str) -> bool:
    # 評価区分, 評価基準, 評価の視点, 方向性の説明 … — a bare 評価 (「評価・課題」) is a column of findings
    header_says = bool(re.search(r"(区分|基準|説明|判定|方向性|凡例|見方|意味|定義|視点|評価(?!・|結果|課題|内容))", head))
    graded = all(_grade_label(a) for a, _b in items)
    long_texts = sum(len(b) for _a, b in items) / max(1, len(items)) >= 10
    # a scale has a few short labels (現状維持, 拡大拡充, 順調 …); a list of 取組 with long names and
    # an 評価 column is a table of measures, not a legend
    short_labels = sum(len(a) for a, _b in items) / max(1, len(items)) <= 20 and len(items) <= 15
    if len(items) < 2 or not (graded or (header_says and long_texts and short_labels)):
        return False
    kind = L.legend_kind([L.Item(a, b) for a, b in items])
    ctx.doc.legends.append(Legend(kind=kind, raw=_block_text(block)[:2000], ref=block.ref, items=items,
                                  item_refs=refs))
    if graded:
        ctx.evidence("legends", str(len(ctx.doc.legends) - 1), EvidenceKind.VALUE_SHAPE,
                     "every row starts with a grade, symbol or scale label", block.ref, 0.3)
    if header_says:
        ctx.evidence("legends", str(len(ctx.doc.legends) - 1), EvidenceKind.HEADER_LABEL,
                     "the header or caption names a scale (区分/基準/凡例/判定 …)", block.ref, 0.3)
    return True


def _grade_label(text: str) -> bool:
    """「A」「A:数値目標を…」「◎」「有効性: ◎」 — a cell that starts with (or is) a legend label."""
    t = text.strip()
    return bool(re.match(rf"^{L._LABEL}(?:$|\s*[:：=＝\s])", t)) or ": " in t


def _legend_row(r: TRow) -> bool:
    cells = [c.strip() for c in r.cells if c.strip()]
    if len(cells) < 2:
        return False
    label, rest = cells[0], " ".join(cells[1:])
    if all(_cell_is_number(c) for c in cells[1:]):
        return False  # 「客観的指標 | 63 | 53 | 10」: figures, not a label's meaning
    return (len(label) <= 40 and not _cell_is_number(label) and not C.is_count_cell(rest)
            and (len(rest) >= 6 or bool(re.search(r"[%％]", rest))))


# the strategies for a table block, most specific first (the order breaks ties between equal readings)
_PROPOSERS = (("action_table", _action_table), ("legend_table", _legend_table),
              ("indicator_table", _indicator_table), ("count_table", propose_count_table))


def _why_unmapped(block: Block) -> str:
    if block.width == 2:
        return "a two-column table (label | text) with no indicator, count or legend labels"
    return "a table whose headers name no fiscal year or value kind (目標/実績/評価 …) and whose cells are not counts"


def _block_text(block: Block) -> str:
    return "\n".join(r.text for r in block.rows)


# ---------------------------------------------------------------------------------------------
# prose


def _read_prose(ctx: _Ctx, prose: list[tuple[int, Row]]) -> None:
    doc = ctx.doc
    group: list[tuple[Row, C.CountPhrase]] = []  # consecutive list lines 「評価対象 394事業(96%)」
    legend_run: list[tuple[Row, L.Item]] = []
    points_run: list[tuple[Row, L.Item]] = []

    def flush_group() -> None:
        if len(group) >= 2 or (group and group[0][1].share_raw):
            ref = group[0][0].ref.span(group[-1][0].ref)
            s = ctx.summary(scope=_scope_before(prose, group[0][0]), raw="\n".join(r.text for r, _p in group), ref=ref,
                            reader="prose")
            s.complete = False
            for r, p in group:
                s.items.append(SummaryCount(summary_key=s.key, label_raw=p.label, count_raw=p.count_raw, ref=r.ref,
                                            share_raw=p.share_raw))
        group.clear()

    def flush_legend(run: list, kind_hint: str | None = None) -> None:
        labelled = [(r, i) for r, i in run if i.label or len(run) > 2]
        if len(labelled) >= 2:
            items = [(i.label, i.text) for _r, i in labelled]
            kind = kind_hint or L.legend_kind([i for _r, i in labelled])
            doc.legends.append(Legend(kind=kind, raw="\n".join(r.text for r, _i in labelled),
                                      ref=labelled[0][0].ref.span(labelled[-1][0].ref), items=items,
                                      item_refs=[r.ref for r, _i in labelled]))
            for r, i in labelled:
                if not i.label:
                    doc.flags.append(Flag(field="legend", raw=r.text, reason="a legend item printed without its label",
                                          ref=r.ref))
        run.clear()

    skipped = 0  # short word lines passed over inside a list of counts (a chart's legend words between its labels)
    for _idx, row in prose:
        line = plain(row.text.replace("\t", " "))
        if not line:
            continue
        if group and skipped < 4 and len(line) <= 12 and not re.search(r"[0-9０-９。]", line):
            skipped += 1
            continue
        skipped = 0
        # a symbol-count line 「41施策中 ○30 △1 □7 ×1 ◎2 -0 → 85 (76) 点 / 100点」: left as a line; the
        # normalize stage reads its total, counts and stated score, and the audit recomputes it
        count_line = parse_count_line(line)
        if count_line and len(count_line.pieces) >= 2 and not count_line.unknown:
            flush_group()
            flush_legend(legend_run)
            flush_legend(points_run, "points_bands")
            ctx.summary(scope=_scope_before(prose, row), raw=line, ref=row.ref, reader="count_line")
            continue
        # legends, one item per line
        item = L.legend_line(line) if len(line) <= 200 else None
        if item is not None and not C.count_phrases(line):
            legend_run.append((row, item))
        else:
            flush_legend(legend_run)
        single_points = re.fullmatch(r"\s*(?:[-*・]\s*)?(?P<label>[^\s].{0,24}?)\s+(?P<p>[-−▲]?\d+(?:\.\d+)?)\s*(?:点|ポイント)\s*",
                                     line)
        if single_points and item is None and L.could_be_label(single_points.group("label")):
            points_run.append((row, L.Item(single_points.group("label"), single_points.group("p") + "ポイント")))
        else:
            flush_legend(points_run, "points_bands")
        if item is None:
            _legend_in_line(ctx, row, line)
        # counts
        phrases = C.count_phrases(line)
        list_line = len(phrases) == 1 and phrases[0].share_raw and len(line) <= 60
        if list_line:
            group.append((row, phrases[0]))
            continue
        flush_group()
        for sentence, offset in _sentences(line):
            ps = [p for p in C.count_phrases(sentence)]
            if not ps:
                continue
            total = next((p.total for p in ps if p.total), None)
            s = ctx.summary(scope=sentence[:80], raw=sentence, ref=row.ref, reader="prose", total=total)
            s.complete = False  # a sentence names some categories, rarely all of them
            for p in ps:
                s.items.append(SummaryCount(summary_key=s.key, label_raw=p.label, count_raw=p.count_raw, ref=row.ref,
                                            share_raw=p.share_raw))
        if not _progress_values(ctx, row, line):
            _kpi_values(ctx, row, line)
    flush_group()
    flush_legend(legend_run)
    flush_legend(points_run, "points_bands")


def _joined_chart_labels(prose: list[tuple[int, Row]]) -> list[tuple[int, Row]]:
    """A chart's data labels in a text layer break after the label (「達成済み,」 / 「8事業, 36%」): a short
    line ending in a comma is joined to the next line when that one starts with a figure."""
    out: list[tuple[int, Row]] = []
    for i, row in prose:
        if out:
            j, prev = out[-1]
            t = plain(prev.text)
            if len(t) <= 20 and re.search(r"[,，、]$", t) and re.match(r"^\s*[0-9０-９]", plain(row.text)) and i <= j + 2:
                out[-1] = (j, Row(cells=(f"{t} {plain(row.text)}",), ref=prev.ref.span(row.ref)))
                continue
        out.append((i, row))
    return out


def _legend_in_line(ctx: _Ctx, row: Row, line: str) -> None:
    for reader, kind in ((L.quoted_scale, "words"), (L.quoted_symbols, "words"), (L.marker_legend, "words"),
                         (L.inline_items, None), (L.points_items, "points"), (L.sentence_items, None)):
        items = reader(line)
        if len(items) >= 2:
            ctx.doc.legends.append(Legend(kind=kind or L.legend_kind(items), raw=line[:2000], ref=row.ref,
                                          items=[(i.label, i.text) for i in items], item_refs=[row.ref] * len(items)))
            return
    # a scale named but not spelled out (「4段階で評価」「ABCDの段階評価」): kept as a legend of kind
    # "scale" — it says which labels exist, never a rule the audit could apply
    if items := L.declared_scale(line):
        ctx.doc.legends.append(Legend(kind="scale", raw=line[:2000], ref=row.ref,
                                      items=[(i.label, i.text) for i in items], item_refs=[row.ref] * len(items)))


def _sentences(line: str) -> list[tuple[str, int]]:
    out, start = [], 0
    for m in re.finditer(r"[。]", line):
        out.append((line[start:m.end()], start))
        start = m.end()
    if start < len(line):
        out.append((line[start:], start))
    return out


def _scope_before(prose: list[tuple[int, Row]], row: Row) -> str:
    idx = next((k for k, (_i, r) in enumerate(prose) if r is row), 0)
    for _i, r in reversed(prose[max(0, idx - 3):idx]):
        t = plain(r.text)
        if t:
            return t[:80]
    return "本文"


def _kpi_values(ctx: _Ctx, row: Row, line: str) -> None:
    """An indicator stated in a line of prose (extractors/reading/kpi_line.py)."""
    for k in kpi_lines(line, ctx.era):
        measure = ctx.measure(k.name, row.ref, [], "indicator")
        # no year in the line: a 目標/実績 pair is the report's fiscal year (normalized later from its printed
        # year, as the document's), a baseline → target line has none
        doc_year = ctx.doc.fiscal_year_raw if k.actual and k.year is None and ctx.doc.fiscal_year_raw else None
        year = k.year
        iv = IndicatorValue(measure_key=measure.key, indicator=k.name, fiscal_year_raw=k.year_text or doc_year or "",
                            row_kind="yearly",
                            target_raw=k.target, actual_raw=k.actual, grade_raw=None, ref=row.ref, header_raw=None)
        iv.baseline_raw, iv.rate_raw = k.baseline, k.rate
        iv.fiscal_year = year
        iv.fiscal_year_basis = "printed in the line" if k.year is not None else (
            "document's fiscal year" if doc_year else None)
        ctx.doc.indicator_values.append(iv)
        ctx.evidence("indicator_values", measure.key, EvidenceKind.HEADER_LABEL,
                     "a KPI stated in a line: " + ("目標/実績 named in it" if k.actual else "a value, an arrow, a target"),
                     row.ref, 0.0)


def _progress_values(ctx: _Ctx, row: Row, line: str) -> bool:
    """「野菜:H24年12月・15ha→H25年12月・30ha」: two dated values of one indicator, read as actuals."""
    if "→" not in line:
        return False
    found = False
    for m in _PROGRESS.finditer(line):
        found = True
        name = m.group("name")
        heading = _last_heading(ctx, row)
        full = f"{heading} {name}".strip() if heading else name
        measure = ctx.measure(full, row.ref, [], "indicator")
        for when, value in ((m.group("a_when"), m.group("a")), (m.group("b_when"), m.group("b"))):
            h = parse_header(when.strip(), ctx.era)
            if h.year is None:
                continue
            iv = IndicatorValue(measure_key=measure.key, indicator=full, fiscal_year_raw=when.strip(), row_kind="yearly",
                                target_raw=None, actual_raw=value.strip(), grade_raw=None, ref=row.ref,
                                header_raw=when.strip(), as_of=h.as_of)
            iv.fiscal_year, iv.fiscal_year_basis = _calendar_year(when, h), "printed (calendar date of the value)"
            ctx.doc.indicator_values.append(iv)
    return found


def _calendar_year(when: str, h: Header) -> int | None:
    d = find_era_dates(when)
    return d[0].year if d and d[0].year else h.year


def _last_heading(ctx: _Ctx, row: Row) -> str | None:
    """The nearest line above starting with ◆ (a 成果 heading) — the indicator the values belong to."""
    rows = ctx.text.rows
    idx = next((i for i, r in enumerate(rows) if r is row), None)
    if idx is None:
        return None
    for r in reversed(rows[max(0, idx - 5):idx]):
        t = r.text.strip()
        if t.startswith(("◆", "■", "●")):
            return t.lstrip("◆■● ")
        if "→" not in t:
            break
    return None

