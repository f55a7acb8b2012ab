"""The typed document model: what an extractor produces and the store writes.

One `Document` per input file. Its records are plain dataclasses whose fields map
one-to-one onto the columns of the canonical tables (see docs/schema.md). Every
record carries a `SourceRef` so a value can be traced to where it was printed.

Extractors fill the ``*_raw`` fields with the text as printed; the normalize stage
(pipeline/stages.py) fills the canonical fields from them with the pure functions
in `normalizers`. Nothing here knows about any particular city's layout.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

# the closed vocabularies (one StrEnum per meaning of `kind`, the statuses, the stages) live in the lowest
# layer so normalizers and extractors can use them too; re-exported here with the records they type
from hyoka.normalizers.vocab import (  # noqa: F401
    DocumentStatus, ErrorStage, EvidenceKind, FailureStage, FileStatus, FindingStatus, HeaderKind, LegendItemRole,
    LegendKind, MeasureKind, NoteKind, ReportKind, RowKind, UnmappedKind,
)

Status = DocumentStatus  # the name the pipeline has always used


@dataclass(frozen=True)
class SourceRef:
    """Where a value was printed. Text files use lines; PDF pages/bboxes; DOCX table cells."""

    file: str
    line_start: int | None = None  # 1-based, inclusive
    line_end: int | None = None
    page: int | None = None  # 1-based
    table: int | None = None  # 0-based table index in the document (DOCX/PDF)
    row: int | None = None  # 0-based row in that logical table; without a table: the 0-based body paragraph (DOCX)
    col: int | None = None  # 0-based column in that logical table
    bbox: tuple[float, float, float, float] | None = None  # PDF x0, top, x1, bottom
    ocr: bool = False  # read by OCR from a page image (extractors/ocr.py), not from a text layer
    ocr_conf: float | None = None  # OCR: the lowest confidence (0–100) of the characters read there

    def span(self, other: "SourceRef") -> "SourceRef":
        """The smallest reference covering self and other (same file)."""
        def lo(a, b):
            return b if a is None else a if b is None else min(a, b)

        def hi(a, b):
            return b if a is None else a if b is None else max(a, b)

        if self.table == other.table:
            table, row = self.table, lo(self.row, other.row)
        elif self.table is None or other.table is None:
            # a paragraph outside any table (a sheet's title, a note under a legend) next to
            # table rows: the table is kept, as a whole (row None) — also when the table runs
            # on past the paragraph's page (a PDF table continued on the next page)
            table, row = (other if self.table is None else self).table, None
        else:
            table = row = None
        return SourceRef(
            file=self.file,
            line_start=lo(self.line_start, other.line_start),
            line_end=hi(self.line_end, other.line_end),
            page=lo(self.page, other.page),
            table=table,
            row=row,
            col=None,
            bbox=None,
            ocr=self.ocr or other.ocr,
            ocr_conf=lo(self.ocr_conf, other.ocr_conf),
        )

    def label(self) -> str:
        """Short human form: 'file:L12-14', 'file:p3', 'file:T2 r4 c1', 'file:¶3' (DOCX paragraph)."""
        parts = []
        if self.page is not None:
            parts.append(f"p{self.page}")
        if self.line_start is not None:
            parts.append(
                f"L{self.line_start}"
                if self.line_end in (None, self.line_start)
                else f"L{self.line_start}-{self.line_end}"
            )
        if self.table is not None:
            cell = f"T{self.table}"
            if self.row is not None:
                cell += f" r{self.row}"
            if self.col is not None:
                cell += f" c{self.col}"
            parts.append(cell)
        elif self.row is not None:
            parts.append(f"¶{self.row}")
        return f"{self.file}:" + " ".join(parts)

    def columns(self) -> dict[str, Any]:
        return {
            "src_file": self.file,
            "src_line_start": self.line_start,
            "src_line_end": self.line_end,
            "src_page": self.page,
            "src_table": self.table,
            "src_row": self.row,
            "src_col": self.col,
            "src_bbox": None if self.bbox is None else ",".join(f"{v:.1f}" for v in self.bbox),
            "src": self.label(),
            "src_ocr": self.ocr,
            "src_ocr_conf": self.ocr_conf,
        }


# ---- the neutral form between format backends and layouts (extractors/base.py) ----

@dataclass(frozen=True)
class Row:
    """A paragraph (one cell) or a logical table row, with where it came from."""

    cells: tuple[str, ...]
    ref: SourceRef
    cell_refs: tuple[SourceRef, ...] | None = None  # per cell, where the backend knows them
    is_table: bool = False

    @property
    def text(self) -> str:
        """The row's cells joined with tabs, as the text renderings print it."""
        return "\t".join(self.cells)

    @property
    def filled(self) -> list[tuple[int, str]]:
        """(column, text) of the non-empty cells."""
        return [(i, c.strip()) for i, c in enumerate(self.cells) if c.strip()]

    def cell_ref(self, col: int) -> SourceRef:
        if self.cell_refs and col < len(self.cell_refs):
            return self.cell_refs[col]
        return self.ref

    def is_blank(self) -> bool:
        return not any(c.strip() for c in self.cells)


@dataclass
class SourceText:
    """A file's content in reading order, independent of its format."""

    path: Path
    format: str
    rows: list[Row]
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None  # text files: the encoding the bytes were decoded from ("utf-8", "cp932" …)
    # values the backend refused to read as printed (an XLSX cell pointing at no shared string …),
    # for the document's flags table
    flags: list["Flag"] = field(default_factory=list)
    ocr_pages: int = 0  # PDF pages read by OCR (no text layer)
    # OCR: cells holding characters read unsurely (extractors/ocr.OcrCell), for the values' flags
    ocr_cells: list[Any] = field(default_factory=list)

    @property
    def file(self) -> str:
        return self.path.name

    def full_text(self) -> str:
        return "\n".join(r.text for r in self.rows)

    def nonblank(self) -> Iterator[tuple[int, Row]]:
        for i, row in enumerate(self.rows):
            if not row.is_blank():
                yield i, row

    def head(self, n_chars: int = 3000) -> str:
        """The beginning of the text, for layout detection."""
        out, size = [], 0
        for row in self.rows:
            out.append(row.text)
            size += len(row.text) + 1
            if size >= n_chars:
                break
        return "\n".join(out)



@dataclass
class Measure:
    """One 施策 / 実施事業 / 施策概要 unit with its place in the policy hierarchy."""

    key: str  # unique within the document, e.g. "施策12", "工-1", "方向性1/個別施策2/実施事業3"
    id_raw: str | None  # the id as printed: "12", "【工 - 1】", "①"
    name: str
    ref: SourceRef
    # hierarchy above the measure, outermost first: [("方針", "1", "武蔵野市の…"), ...]
    hierarchy: list[tuple[str, str | None, str]] = field(default_factory=list)
    departments_raw: str | None = None  # 担当課 / 実施主体 / 推進団体 as printed
    partners_raw: str | None = None  # 関係機関 as printed ("—" = none)
    direction_raw: str | None = None  # 方向性 / 後期計画に向けて as printed
    target_raw: str | None = None  # 目標・指標 / 目標とする姿 as printed
    indicator_raw: str | None = None  # 達成指標 printed for the measure as a whole
    basic_goals_raw: str | None = None  # 基本目標 "① ②"
    marks_raw: str | None = None  # the heading's suffix, e.g. "※【工 - 3】と連携（再掲）"
    status_raw: str | None = None  # 実施状況・課題 and the like
    # filled by the normalize stage
    id: str | None = None  # canonical id: "12", "工-1", "1"
    departments: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    direction: str | None = None  # normalizers.directions.Direction value
    target_value: float | None = None
    target_unit: str | None = None
    target_period: str | None = None  # "年", "回" … for "4社/年"
    target_qualifier: str | None = None  # "以上", "程度" …
    target_deadline_fy: int | None = None  # "令和8年度までに" → 2026
    basic_goals: list[int] = field(default_factory=list)
    reposted: bool = False  # 再掲
    new: bool = False  # 新規
    kind: MeasureKind = MeasureKind.MEASURE
    # the row reviews a measure of the plan before this one (前期計画の評価): its direction says whether
    # that measure ends (終了/廃止), and the audit asks whether an ended one reappears in this plan
    prior_plan: bool = False


@dataclass
class Action:
    """One 取組 row of a measure: what was planned, what was done, the indicator."""

    measure_key: str
    action_no: str | None
    planned: str | None  # 予定
    done: str | None  # 実施
    indicator: str | None  # 達成指標
    ref: SourceRef


@dataclass
class IndicatorValue:
    """One indicator × fiscal year: target, actual, grade as printed and normalized."""

    measure_key: str
    indicator: str | None  # what is counted, e.g. "参加者数"
    fiscal_year_raw: str  # "令和5年度"
    row_kind: RowKind
    target_raw: str | None
    actual_raw: str | None
    grade_raw: str | None
    ref: SourceRef
    baseline_raw: str | None = None  # 基準値 / 当初値 printed for the indicator
    rate_raw: str | None = None  # 達成率 / 進捗率 as printed
    projection_raw: str | None = None  # 見込 as printed
    unit_raw: str | None = None  # a unit printed in its own column or header (単位, (千円))
    header_raw: str | None = None  # the column or row header(s) the year and value kind were read from
    as_of: str | None = None  # 「平成15年9月30日現在」 → "2003-09-30"
    is_total: bool = False  # a 計 / 合計 / 小計 row, kept and marked
    # normalized (the reader may set fiscal_year itself when the era came from context; basis says so)
    fiscal_year: int | None = None
    fiscal_year_basis: str | None = None
    target: float | None = None
    actual: float | None = None
    unit: str | None = None
    grade: str | None = None
    baseline: float | None = None
    rate: float | None = None  # percent as printed: 「104.3%」 → 104.3
    projection: float | None = None


@dataclass
class Cost:
    """One measure × fiscal year of money and staff time (事務事業評価シート's cost block), in 千円 as printed."""

    measure_key: str
    fiscal_year_raw: str  # "令和6年度"
    ref: SourceRef
    # funding sources (財源内訳), their total, staff time and the total cost — as printed (numbers or text)
    national_raw: str | None = None  # 国庫支出金
    prefectural_raw: str | None = None  # 都道府県支出金
    bonds_raw: str | None = None  # 地方債
    other_raw: str | None = None  # その他
    general_raw: str | None = None  # 一般財源
    project_total_raw: str | None = None  # 事業費計 (A)
    staff_raw: str | None = None  # 正規職員従事人数
    hours_raw: str | None = None  # 延べ業務時間
    personnel_raw: str | None = None  # 人件費計 (B)
    total_cost_raw: str | None = None  # トータルコスト (A)+(B)
    unit: str | None = "千円"
    # normalized
    fiscal_year: int | None = None
    national: float | None = None
    prefectural: float | None = None
    bonds: float | None = None
    other: float | None = None
    general: float | None = None
    project_total: float | None = None
    staff: float | None = None
    hours: float | None = None
    personnel: float | None = None
    total_cost: float | None = None


@dataclass
class ScoreSummary:
    """A symbol-count line: 「41施策中 ○30 △1 □7 ×1 ◎2 -0 → 85 (76) 点 / 100点」."""

    scope: str  # "目標1"
    scope_name: str | None
    raw: str
    ref: SourceRef
    total_items: int | None = None
    counts: dict[str, int] = field(default_factory=dict)  # symbol char → count
    stated_score: float | None = None
    stated_score_raw: str | None = None
    previous_score: float | None = None
    max_score: float | None = None
    key: str | None = None  # unique within the document; links summary_counts rows ("S1", "S2" …)
    items: list["SummaryCount"] = field(default_factory=list)  # label × count as printed (any label set)
    stated_share_raw: str | None = None  # 「92.2%」, 「9割以上」 printed for the summary as a whole
    total_raw: str | None = None  # the total as printed, with its label: 「合 計: 71」
    reader: str | None = None  # "count_line" (symbol line), "table", "prose"
    # do the items cover every category of the total? (a table with its 合計, a symbol line: yes;
    # 「77項目中12項目で上昇」: no — only then must the counts add up to the total)
    complete: bool = True


@dataclass
class SummaryCount:
    """One label × count of a count summary, in any label set: 「A … 49指標(60.5%)」, 「拡充 | 17件」."""

    summary_key: str  # the ScoreSummary.key it belongs to
    label_raw: str  # as printed: 「a 拡充」, 「合 計」, 「○」
    count_raw: str | None
    ref: SourceRef
    share_raw: str | None = None  # 「60.5%」, 「49.3」 (a 割合(%) row), 「約78%」
    is_total: bool = False  # 合計 / 計: the total, not a category
    # normalized
    label: str | None = None  # canonical (symbol, grade letter, direction) or the squeezed label
    count: int | None = None
    share: float | None = None  # percent


@dataclass
class Unmapped:
    """A table or line that looks like data but was not read into any table, and why."""

    kind: UnmappedKind
    reason: str
    raw: str  # the printed text (first 300 characters)
    ref: SourceRef


@dataclass
class Note:
    """One 良い点 / 課題 / 所見 / 審議会報告 … item."""

    scope: str  # "目標1", a measure key, or "計画全体"
    kind: NoteKind
    text: str  # without the actor tag
    raw: str
    ref: SourceRef
    actor_raw: str | None = None  # "（市・関）"
    actors: list[str] = field(default_factory=list)  # ["市", "関係機関"]
    item_label: str | None = None  # "【取組1】"


@dataclass
class CrossRef:
    """A printed reference from one measure to another (連携, 再掲)."""

    from_key: str
    to_id_raw: str  # "【観 - 2】"
    relation: str  # "連携", "再掲"
    raw: str
    ref: SourceRef
    to_key: str | None = None  # normalized, e.g. "観-2"


@dataclass
class Legend:
    """A scoring legend as printed (凡例, 評価指標), for the audit stage to parse into a rule."""

    kind: LegendKind  # (a `points` legend's items are labelled by LegendItemRole)
    raw: str
    ref: SourceRef
    items: list[tuple[str, str]] = field(default_factory=list)  # (symbol/grade, its text)
    item_refs: list[SourceRef] = field(default_factory=list)  # where each item is printed (same order)
    # what each item is to the rule, where the layout knows (same order; None or missing: a plain item):
    # "symbol_weight" (symbols and their points), "unit_formula" (the per-item unit 「100点 ÷ 41施策 ≒ 2.44点」),
    # "worked_formula" (a score computed term by term), "example_line" (the count line that formula
    # computes), "text" (a line of the legend that is none of these)
    item_roles: list[str | None] = field(default_factory=list)


@dataclass
class ReadingEvidence:
    """One reason a record was read as it was: 「達成率 = 実績/目標 on 3 of 3 rows → 事業費 (A) is the target」."""

    record_table: str  # "indicator_values", "score_summaries", "legends", "measures"
    record_key: str  # the record within its document: a summary key, a measure key (+ fiscal year), a legend no.
    kind: EvidenceKind
    detail: str
    ref: SourceRef
    reader: str | None = None  # the proposer that made the reading ("count_table", "indicator_table" …)
    weight: float | None = None  # what it added to the reading's score


@dataclass
class DateMention:
    """An era (和暦) or Western date printed in the document, for era/as-of checks."""

    raw: str
    context: str  # the surrounding sentence
    ref: SourceRef
    scope: str | None = None  # measure key or section
    era: str | None = None
    era_year: int | None = None
    year: int | None = None  # Gregorian year computed from the era
    month: int | None = None
    day: int | None = None
    is_fiscal: bool = False  # 年度
    stated_year: int | None = None  # the Western year printed beside it: 令和6（2024）
    as_of: bool = False  # followed by 時点
    problem: str | None = None  # why the value can't be right, if it can't


@dataclass
class Flag:
    """A value kept as printed but impossible or suspicious; never silently fixed."""

    field: str
    raw: str
    reason: str
    ref: SourceRef
    scope: str | None = None


@dataclass
class DocError:
    stage: ErrorStage
    message: str
    ref: SourceRef | None = None


@dataclass
class Document:
    """A parsed report. Extractors fill it; stages enrich it; the store writes it."""

    doc_id: str  # sha256 of the file bytes (first 16 hex)
    source_path: str
    format: str  # "text", "markdown", "pdf", "docx"
    encoding: str | None = None  # text files: the encoding the bytes were read in ("utf-8", "cp932" …)
    layout: str | None = None  # extractor layout name
    # how the layout was chosen (extractors/registry.py): the winner's detect() score (None for the generic
    # reader, which claims nothing) and reasons, and the next best layout that saw anything of itself
    layout_score: float | None = None
    layout_basis: str | None = None
    layout_runner_up: str | None = None
    layout_runner_up_score: float | None = None
    municipality: str | None = None
    municipality_basis: str | None = None  # "printed in the title", or how else it was known
    plan_name: str | None = None
    kind: ReportKind | None = None
    title: str | None = None
    fiscal_year_raw: str | None = None
    fiscal_year: int | None = None
    fiscal_year_basis: str | None = None  # "printed", or how it was derived (e.g. from the issue date)
    issued_raw: str | None = None  # 「令和5年3月」
    issued: str | None = None  # "2023-03"
    period_raw: str | None = None
    period_ref: SourceRef | None = None  # where the period is printed
    period_start: int | None = None
    period_end: int | None = None
    period_years_stated: int | None = None  # 「10年間」
    measures: list[Measure] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    indicator_values: list[IndicatorValue] = field(default_factory=list)
    score_summaries: list[ScoreSummary] = field(default_factory=list)
    costs: list[Cost] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    cross_refs: list[CrossRef] = field(default_factory=list)
    legends: list[Legend] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    reading_evidence: list[ReadingEvidence] = field(default_factory=list)
    errors: list[DocError] = field(default_factory=list)
    status: Status = Status.SUCCESS
    # the report gate's verdict with its evidence, one line: 「評価・進捗の報告書と判断: 日本語 432字 …」 or
    # 「評価・進捗の報告書ではないと判断: …」 (pipeline/gate.py); with --read-anyway, what it would have said
    gate: str | None = None
    # coverage: tables and data rows seen in the file vs read into a table (None: not measured)
    tables_seen: int | None = None
    tables_mapped: int | None = None
    data_rows_seen: int | None = None
    data_rows_mapped: int | None = None
    ocr_pages: int | None = None  # PDF pages read by OCR (pages without a text layer); None: none
    # the extracted rows, for stages that scan all printed text; not written to the store
    source_rows: list[Row] = field(default_factory=list, repr=False)

    def measure(self, key: str) -> Measure | None:
        return next((m for m in self.measures if m.key == key), None)

    def unique_measure_key(self, key: str) -> str:
        """`key`, or `key'`, `key''` … when a measure already has it."""
        taken = {m.key for m in self.measures}
        while key in taken:
            key += "'"
        return key


@functools.lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def record_dict(obj: Any) -> dict[str, Any]:
    """Flatten a record into column → value, expanding its SourceRef into src_* columns."""
    out: dict[str, Any] = {}
    for name in _field_names(type(obj)):
        value = getattr(obj, name)
        if isinstance(value, SourceRef):
            out.update(value.columns())
        elif isinstance(value, enum.Enum):
            out[name] = value.value
        else:
            out[name] = value
    return out
