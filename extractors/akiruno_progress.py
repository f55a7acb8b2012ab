"""あきる野市 商工業振興プラン 進捗状況まとめ: one table, 方向性 › 個別施策 › 実施事業,
a baseline column (令和3年度 実績値) and per fiscal year 年間目標/実績/評価, then a legend
(評価指標 S/A/B/C with the achievement bands).

The header has two rows: the first names the fiscal years over merged cells, the
second the sub-columns. Columns are mapped from those labels, so a year added or a
column moved is still read right. 方向性 and 個別施策 are merged cells: empty on the
rows they cover, filled forward here.
"""

from __future__ import annotations

import re

from hyoka.extractors._common import one_line
from hyoka.extractors.base import ExtractionError, LayoutExtractor, Row, SourceText
from hyoka.normalizers.labels import canonical_label
from hyoka.normalizers.places import find_municipality
from hyoka.pipeline.model import Document, IndicatorValue, Legend, Measure, Note

YEAR = re.compile(r"(令和|平成)\s*(\d+|元)\s*年度")
# 「事業承継セミナー(参加者数) P.33」, 「経営支援セミナー【新規事業】(参加者数) P.35」
PROJECT = re.compile(r"^(?P<name>.+?)(?P<mark>【[^】]+】)?\s*(?:[(（](?P<indicator>[^()（）]+)[)）])?\s*(?P<page>P\.\s*\d+)?$")
ISSUE_SPLIT = re.compile(r"\s*課題[:：]\s*")
_HEAD_FIELDS = {"方向性": "area", "個別施策": "sub_policy"}


class AkirunoProgress(LayoutExtractor):
    name = "akiruno_progress_summary"
    description = "あきる野市 進捗状況まとめ (実施事業 × 年度: 年間目標/実績/評価 S–C)"

    @classmethod
    def detect(cls, text: SourceText) -> float:
        head = text.head()
        return 0.9 if "進捗状況まとめ" in head and "年間目標" in head and "個別施策" in head else 0.0

    def extract(self, text: SourceText, doc: Document) -> None:
        rows = [row for _i, row in text.nonblank()]
        doc.title = rows[0].text.strip()
        doc.kind = "進捗状況まとめ"
        doc.plan_name = re.split(r"\s+", doc.title)[0]
        doc.municipality = find_municipality(doc.title, text.full_text())
        header_at = next((i for i, r in enumerate(rows) if r.cells[0].strip() == "方向性" and "個別施策" in r.cells), None)
        if header_at is None or header_at + 1 >= len(rows):
            raise ExtractionError("進捗状況まとめ without its 方向性/個別施策 header row")
        top, sub = rows[header_at], rows[header_at + 1]
        columns = _columns(top, sub)
        status_label = next((c for c in top.cells if canonical_label(c) == "assessment"), "")
        if m := YEAR.search(status_label):
            doc.fiscal_year_raw = m.group(0)
            doc.fiscal_year_basis = f"printed: 「{status_label}」"
        target_label = next((c for c in top.cells if canonical_label(c) == "target_text"), "")

        area = sub_policy = None
        i = header_at + 2
        while i < len(rows) and rows[i].is_table and rows[i].cells[0].strip() != "評価指標":
            row = rows[i]
            # one_line: a DOCX cell's second paragraph (「課題：…」) reads as the text rendering prints it
            cell = {name: one_line(row.cells[col]) if col < len(row.cells) else "" for name, col in columns["fields"].items()}
            # merged cells: empty where the cell above spans this row
            area = cell.get("area") or area
            sub_policy = cell.get("sub_policy") or sub_policy
            self._project(row, cell, columns["years"], doc, [("方向性", None, area), ("個別施策", None, sub_policy)],
                          target_label)
            i += 1
        legend_rows = rows[i:]
        if legend_rows:
            doc.legends.append(
                Legend(kind="grade_bands", raw="\n".join(r.text for r in legend_rows),
                       ref=legend_rows[0].ref.span(legend_rows[-1].ref),
                       items=[(r.cells[0].strip(), "\t".join(r.cells[1:]).strip() if len(r.cells) > 1 else "")
                              for r in legend_rows],
                       item_refs=[r.ref for r in legend_rows])
            )

    @staticmethod
    def _project(row: Row, cell: dict[str, str], years, doc: Document, hierarchy, target_label: str) -> None:
        raw_name = cell.get("measure_name", "")
        m = PROJECT.match(raw_name)
        name = (m.group("name") if m else raw_name).strip()
        key = name
        while doc.measure(key) is not None:
            key += "'"
        measure = Measure(
            key=key,
            id_raw=None,
            name=name,
            ref=row.ref,
            hierarchy=hierarchy,
            departments_raw=cell.get("departments"),
            status_raw=cell.get("assessment"),
            marks_raw=m.group("mark") if m else None,
        )
        measure.new = bool(measure.marks_raw and "新規" in measure.marks_raw)
        doc.measures.append(measure)
        indicator = m.group("indicator") if m else None
        if cell.get("target_text"):
            # 目標とする姿 is a sentence about the state aimed at, not a number: kept as a note
            doc.notes.append(Note(scope=key, kind="target_state", text=cell["target_text"], raw=cell["target_text"],
                                  ref=row.cell_ref(_col_of(row, cell["target_text"])), item_label=target_label or None))
        if cell.get("assessment"):
            status, *issues = ISSUE_SPLIT.split(cell["assessment"], maxsplit=1)
            col = _col_of(row, cell["assessment"])
            if status.strip():
                doc.notes.append(Note(scope=key, kind="status", text=status.strip(), raw=cell["assessment"], ref=row.cell_ref(col)))
            for issue in issues:
                doc.notes.append(Note(scope=key, kind="issue", text=issue.strip(), raw=cell["assessment"], ref=row.cell_ref(col)))
        for year_label, cols in years:
            get = lambda sub: row.cells[cols[sub]].strip() if sub in cols and cols[sub] < len(row.cells) else None
            ref_cols = [c for c in cols.values() if c < len(row.cells)]
            ref = row.cell_ref(ref_cols[0]).span(row.cell_ref(ref_cols[-1])) if ref_cols else row.ref
            if "baseline" in cols:
                doc.indicator_values.append(IndicatorValue(
                    measure_key=key, indicator=indicator, fiscal_year_raw=year_label, row_kind="baseline",
                    target_raw=None, actual_raw=get("baseline") or None, grade_raw=None, ref=ref))
            else:
                doc.indicator_values.append(IndicatorValue(
                    measure_key=key, indicator=indicator, fiscal_year_raw=year_label, row_kind="yearly",
                    target_raw=get("target") or None, actual_raw=get("actual") or None, grade_raw=get("grade") or None,
                    ref=ref))


def _columns(top: Row, sub: Row) -> dict:
    """Map header labels to columns: the descriptive fields, and per year its sub-columns."""
    fields: dict[str, int] = {}
    years: list[tuple[str, dict[str, int]]] = []
    current_year: str | None = None
    for col in range(max(len(top.cells), len(sub.cells))):
        head = top.cells[col].strip() if col < len(top.cells) else ""
        below = sub.cells[col].strip() if col < len(sub.cells) else ""
        if head and not YEAR.fullmatch(head):
            field = _HEAD_FIELDS.get(head) or canonical_label(head)
            if field:
                fields[field] = col
            current_year = None
            continue
        if head:
            current_year = head
            years.append((head, {}))
        if current_year and below:
            sub_field = {"実績値": "baseline"}.get(below) or canonical_label(below)
            if sub_field in ("baseline", "target", "actual", "grade"):
                years[-1][1][sub_field] = col
    return {"fields": fields, "years": years}


def _col_of(row: Row, value: str) -> int:
    return next((i for i, c in enumerate(row.cells) if one_line(c) == value), 0)
