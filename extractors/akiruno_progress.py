"""あきる野市 商工業振興プラン 進捗状況まとめ: one table, 方向性 › 個別施策 › 実施事業,
a baseline column (令和3年度 実績値) and per fiscal year 年間目標/実績/評価, then a legend
(評価指標 S/A/B/C with the achievement bands).

The header has two rows: the first names the fiscal years over merged cells, the
second the sub-columns. Columns are mapped from those labels, so a year added or a
column moved is still read right. 方向性 and 個別施策 are merged cells: empty on the
rows they cover, filled forward here.

The table ends at the 評価指標 legend row (or the end of the file). Inside it, a row is a data
row when it has a 実施事業 name and a value in a year column; a header printed again (a PDF
page, a table continued in parts) is skipped and its columns read afresh; a footnote
(「（注）…」, 「注1：…」, 「※…」) becomes a Note of kind "table_note"; any other row or line is
reported in `Document.unmapped` with its source reference and why — never dropped silently,
and never the end of the table.
"""

from __future__ import annotations

import re

from hyoka.extractors._common import one_line
from hyoka.extractors.base import ExtractionError, LayoutExtractor, Row, SourceText
from hyoka.normalizers.labels import canonical_label
from hyoka.normalizers.places import find_municipality
from hyoka.pipeline.model import Document, Flag, IndicatorValue, Legend, Measure, Note, Unmapped

YEAR = re.compile(r"(令和|平成)\s*(\d+|元)\s*年度")
# 「事業承継セミナー(参加者数) P.33」, 「経営支援セミナー【新規事業】(参加者数) P.35」
PROJECT = re.compile(r"^(?P<name>.+?)(?P<mark>【[^】]+】)?\s*(?:[(（](?P<indicator>[^()（）]+)[)）])?\s*(?P<page>P\.\s*\d+)?$")
# a footnote printed inside the table: 「（注）実績値は速報値」, 「注1：…」, 「※…」
NOTE = re.compile(r"^\s*(?:[（(]\s*注\s*[0-9０-９]*\s*[）)]|注\s*[0-9０-９]*\s*[:：.．]|[※＊*]\s*[0-9０-９]*)")
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

        # The table ends at the 評価指標 legend (or the end of the file), not at the first row that
        # is not a data row: a footnote, a blank line, a running head or a page break inside the
        # table is kept or reported, and every data row after it is still read.
        end = next((k for k in range(header_at + 2, len(rows))
                    if rows[k].is_table and rows[k].cells[0].strip() == "評価指標"), len(rows))
        header_keys = (_filled_key(top), _filled_key(sub))
        area = sub_policy = None
        k = header_at + 2
        while k < end:
            row = rows[k]
            k += 1
            if row.is_table and _filled_key(row) == header_keys[0]:
                # the header repeated (a PDF page or a DOCX table part continuing the table):
                # a header, not a measure; its columns are read afresh, the grid may differ
                if k < end and _filled_key(rows[k]) == header_keys[1]:
                    columns = _columns(row, rows[k])
                    k += 1
                continue
            if row.is_table and _filled_key(row) == header_keys[1]:
                continue  # the sub-header row alone (its first row stayed on the page before)
            # one_line: a DOCX cell's second paragraph (「課題：…」) reads as the text rendering prints it
            cell = {name: one_line(row.cells[col]) if col < len(row.cells) else "" for name, col in columns["fields"].items()}
            filled = row.filled
            if row.is_table and len(filled) > 1 and cell.get("measure_name") \
                    and any(col < len(row.cells) and row.cells[col].strip()
                            for _label, cols in columns["years"] for col in cols.values()):
                # merged cells: empty where the cell above spans this row
                area = cell.get("area") or area
                sub_policy = cell.get("sub_policy") or sub_policy
                shifted = len(row.cells) > columns["width"]
                self._project(row, cell, [] if shifted else columns["years"], doc,
                              [("方向性", None, area), ("個別施策", None, sub_policy)], target_label)
                if shifted:
                    doc.flags.append(Flag(
                        field="row", raw=row.text[:300], ref=row.ref, scope=doc.measures[-1].key,
                        reason=f"{len(row.cells)} cells where the header has {columns['width']}: a cell too many "
                               "(an extra tab?) shifts 年間目標/実績/評価, so this row's year values are not read"))
                continue
            _inside_table(row, doc, [r.text.strip() for r in rows[:header_at]])
        legend_rows = rows[end:]
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
    # a data row wider than its header has a cell too many (an extra tab): its year values are shifted
    return {"fields": fields, "years": years, "width": max(len(top.cells), len(sub.cells))}


def _filled_key(row: Row) -> tuple[str, ...]:
    """The row's non-empty cells with all whitespace removed: a header row printed again compares
    equal to the first one however its cells were wrapped or its grid was drawn."""
    return tuple("".join(text.split()) for _col, text in row.filled)


def _inside_table(row: Row, doc: Document, before: list[str]) -> None:
    """A row inside the table that is not a data row: a note is kept, anything else reported."""
    texts = [text for _col, text in row.filled]
    what = "row" if row.is_table else "line"
    if len(texts) == 1 and (m := NOTE.match(texts[0])):
        text = texts[0][m.end():].strip() or texts[0]
        doc.notes.append(Note(scope="計画全体", kind="table_note", text=text, raw=texts[0],
                              ref=row.cell_ref(row.filled[0][0]), item_label=m.group(0).strip() or None))
    elif len(texts) == 1 and texts[0] in before:
        doc.unmapped.append(Unmapped(kind=what, reason="inside the 実施事業 table: repeats a line printed above "
                                     "the table (a running head), not read", raw=texts[0][:300], ref=row.ref))
    elif row.is_table and len(texts) > 1:
        doc.unmapped.append(Unmapped(kind="row", reason="inside the 実施事業 table but not a data row "
                                     "(no 実施事業 name or no year values in its columns), not read",
                                     raw=row.text[:300], ref=row.ref))
    else:
        doc.unmapped.append(Unmapped(kind=what, reason="inside the 実施事業 table, neither a data row nor a "
                                     "note (（注）/注/※), not read",
                                     raw=(row.text if row.is_table else row.text.strip())[:300], ref=row.ref))


def _col_of(row: Row, value: str) -> int:
    return next((i for i, c in enumerate(row.cells) if one_line(c) == value), 0)
