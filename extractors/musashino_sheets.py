"""武蔵野市 第三期産業振興計画 管理・評価シート: one sheet per 施策.

Each sheet is a table: 対象年度/担当課/関係機関, 作成日, 方針番号/方針名, 施策番号/施策名,
取組内容 n with 予定/実施 sub-rows and a 達成指標 cell, 所見・評価, 次年度の予定 (方向性/内容),
審議会報告事項, 審議会意見. Labels drift between sheets (達成指標 in its own cell, as a
prefix of the value, or as rows after the 取組; extra empty cells before 方針名), so every
field is found by its label through `labelled_cells`, never by column index.
"""

from __future__ import annotations

import re

from hyoka.extractors._common import labelled_cells
from hyoka.extractors.base import LayoutExtractor, Row, SourceText
from hyoka.normalizers.labels import label_prefix
from hyoka.normalizers.places import find_municipality
from hyoka.normalizers.text import html_items, strip_html
from hyoka.pipeline.model import Action, DocError, Document, Measure, Note

TITLE = re.compile(r"管理・評価シート")
_NOTE_FIELDS = {
    "assessment": "assessment",
    "content": "next_year_plan",
    "council_report": "council_report",
    "council_opinion": "council_opinion",
}


class MusashinoSheets(LayoutExtractor):
    name = "musashino_evaluation_sheets"
    description = "武蔵野市 管理・評価シート (one table per 施策: 取組 予定/実施, 達成指標, 方向性)"

    @classmethod
    def detect(cls, text: SourceText) -> float:
        head = text.head()
        return 0.9 if TITLE.search(head) and "施策番号" in head and "取組内容" in head else 0.0

    def extract(self, text: SourceText, doc: Document) -> None:
        sheets = _split_sheets(text.rows)
        title = sheets[0][0].text.strip() if sheets else ""
        doc.title = title
        doc.kind = "管理・評価シート"
        doc.plan_name = TITLE.split(title)[0].strip() or None
        doc.municipality = find_municipality(title, text.full_text())
        for sheet in sheets:
            self._sheet(sheet, doc)

    def _sheet(self, rows: list[Row], doc: Document) -> None:
        head: dict[str, tuple[str, Row]] = {}
        body_start = None
        for i, row in enumerate(rows[1:], start=1):
            pairs = labelled_cells(row)
            if any(f in ("action", "planned", "indicator") for f, *_ in pairs):
                body_start = i
                break
            for field, _label, value, _col in pairs:
                if field and value is not None:
                    head.setdefault(field, (value, row))
        if "measure_no" not in head:
            doc.errors.append(DocError(stage="extract", message="sheet without 施策番号", ref=rows[0].ref))
            return
        sheet_ref = rows[0].ref.span(rows[-1].ref)
        if "fiscal_year" in head and doc.fiscal_year_raw is None:
            doc.fiscal_year_raw = head["fiscal_year"][0]
        no = head["measure_no"][0]
        measure = Measure(
            key=f"施策{no}",
            id_raw=no,
            name=head.get("measure_name", ("", None))[0],
            ref=sheet_ref,
            hierarchy=[("方針", head.get("policy_no", (None,))[0], head.get("policy_name", ("",))[0])],
            departments_raw=head.get("departments", (None,))[0],
            partners_raw=head.get("partners", (None,))[0],
        )
        doc.measures.append(measure)
        if body_start is not None:
            self._body(rows[body_start:], measure, doc)

    def _body(self, rows: list[Row], measure: Measure, doc: Document) -> None:
        action: Action | None = None
        indicator_rows: list[Row] = []
        section: str | None = None  # the last section label seen: next_year, indicator …
        for row in rows:
            pairs = labelled_cells(row)
            fields = [f for f, *_ in pairs]
            if "planned" in fields:
                action = self._planned_row(pairs, row, measure)
                doc.actions.append(action)
                section = "action"
                continue
            if "done" in fields and action is not None:
                value = next(v for f, _l, v, _c in pairs if f == "done")
                action.done = value
                action.ref = action.ref.span(row.ref)
                continue
            if fields and fields[0] == "indicator" or (section == "indicator" and fields and fields[0] is None):
                # 達成指標 printed as rows of their own, after the 取組 (measure-level)
                indicator_rows.append(row)
                section = "indicator"
                continue
            for field, label, value, col in pairs:
                if field in ("next_year", "assessment", "council_report", "council_opinion"):
                    section = field
                if field == "direction":
                    measure.direction_raw = value
                elif field in _NOTE_FIELDS and value:
                    kind = _NOTE_FIELDS[field]
                    for item_label, item in html_items(value):
                        doc.notes.append(
                            # raw: the item as printed, without the cell's HTML/paragraph markup,
                            # so that the same sheet read from DOCX or PDF gives the same row
                            Note(scope=measure.key, kind=kind, text=item,
                                 raw=f"{item_label} {item}" if item_label else item, ref=row.cell_ref(col),
                                 item_label=item_label)
                        )
        if indicator_rows:
            # 達成指標 for the 施策 as a whole, not for one 取組
            # (one line per row, without the cell's HTML/paragraph markup, as for notes)
            measure.indicator_raw = "\n".join(strip_html(v) for r in indicator_rows for _f, _l, v, _c in labelled_cells(r) if v)

    @staticmethod
    def _planned_row(pairs, row: Row, measure: Measure) -> Action:
        action_no = planned = None
        indicator_parts: list[str] = []
        seen_planned = False
        for field, _label, value, _col in pairs:
            if field == "action" or (field is None and not seen_planned and value and value.isdigit()):
                action_no = value
            elif field == "planned":
                planned, seen_planned = value, True
            elif field == "indicator":
                if value:
                    indicator_parts.append(value)
            elif field is None and seen_planned and value:
                # a trailing cell is the 達成指標 column, with or without its label
                rest = label_prefix(value, "indicator")
                indicator_parts.append(rest if rest is not None else value)
        return Action(
            measure_key=measure.key,
            action_no=action_no,
            planned=planned,
            done=None,
            indicator="\n".join(indicator_parts) or None,
            ref=row.ref,
        )


def _split_sheets(rows: list[Row]) -> list[list[Row]]:
    sheets: list[list[Row]] = []
    for row in rows:
        if row.is_blank():
            continue
        if len(row.filled) == 1 and TITLE.search(row.filled[0][1]):
            sheets.append([row])
        elif sheets:
            sheets[-1].append(row)
    return sheets
