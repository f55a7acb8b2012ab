"""武蔵野市 第三期産業振興計画 管理・評価シート: one sheet per 施策.

Each sheet is a 取組 table read by the shared, label-driven sheet reader (extractors/_sheets.py):
対象年度/担当課/関係機関, 作成日, 方針番号/方針名, 施策番号/施策名, 取組内容 n with 予定/実施
sub-rows and a 達成指標 cell, 所見・評価, 次年度の予定 (方向性/内容), 審議会報告事項, 審議会意見.
What this module adds is only the city's own: the title that starts each sheet and the key
(施策番号) each sheet must print.
"""

from __future__ import annotations

import re

from hyoka.extractors._sheets import read_sheet
from hyoka.extractors.base import LayoutExtractor, Row, Score, SourceText
from hyoka.normalizers.places import find_municipality
from hyoka.pipeline.model import DocError, Document, ReportKind

TITLE = re.compile(r"管理・評価シート")


class MusashinoSheets(LayoutExtractor):
    name = "musashino_evaluation_sheets"
    description = "武蔵野市 管理・評価シート (one table per 施策: 取組 予定/実施, 達成指標, 方向性)"

    @classmethod
    def detect(cls, text: SourceText) -> float:
        head = text.head()
        return Score.all_of(0.9, {"「管理・評価シート」 in the first 3000 characters": bool(TITLE.search(head)),
                                  "「施策番号」 in the first 3000 characters": "施策番号" in head,
                                  "「取組内容」 in the first 3000 characters": "取組内容" in head})

    def extract(self, text: SourceText, doc: Document) -> None:
        sheets = _split_sheets(text.rows)
        title = sheets[0][0].text.strip() if sheets else ""
        doc.title = title
        doc.kind = ReportKind.EVALUATION_SHEETS
        doc.plan_name = TITLE.split(title)[0].strip() or None
        doc.municipality = find_municipality(title, text.full_text())
        for sheet in sheets:
            self._sheet(sheet, doc)

    @staticmethod
    def _sheet(rows: list[Row], doc: Document) -> None:
        # the sheet is a 取組 table read by its labels (extractors/_sheets.py); what is 武蔵野市's own
        # is only that each sheet is one 施策, keyed by its 施策番号
        measure = read_sheet(rows[1:], doc, measure_key=lambda head: f"施策{head['measure_no']}"
                             if "measure_no" in head else None)
        if measure is None:
            doc.errors.append(DocError(stage="extract", message="sheet without 施策番号", ref=rows[0].ref))
        else:
            measure.ref = rows[0].ref.span(rows[-1].ref)


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
