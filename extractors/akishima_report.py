"""昭島市 産業振興計画についての報告書 (令和5年3月): the review of the first half
(施策概要 / 評価・課題 / 後期計画に向けて: 継続, 変更し実施, 終了) and the later plan's
measures 【工 - 1】…【共 - 10】, each a heading with marks (※新規, ※再掲, ※【観 - 2】と連携)
and a one-row table 施策概要 / 基本目標 / 推進団体 / 目標・指標, then 【具体的な内容】 and
【実施期間・実現スケジュール】 paragraphs; a 10-year schedule table closes the report.
"""

from __future__ import annotations

import re

from hyoka.extractors._common import bullet_depth, unbullet
from hyoka.extractors.base import LayoutExtractor, Row, Score, SourceText
from hyoka.normalizers.labels import canonical_label
from hyoka.normalizers.places import find_municipality
from hyoka.normalizers.text import CIRCLED, strip_html
from hyoka.pipeline.model import CrossRef, Document, Measure, MeasureKind, Note, NoteKind, ReportKind

# 【工 - 1】, 【商 - 2】 ※【工 - 7】と連携（再掲）, 【観 - 9】※新規
MEASURE_HEAD = re.compile(r"^【\s*(?P<area>[^\s\-－―】]+)\s*[-－―]\s*(?P<no>\d+)\s*】\s*(?P<marks>.*)$")
REFERENCE = re.compile(r"【\s*([^\s\-－―】]+)\s*[-－―]\s*(\d+)\s*】\s*と\s*(連携)")
AREA_HEAD = re.compile(r"^(\d+)\.\s*(.+)$")
GOAL_HEAD = re.compile(rf"^([{''.join(CIRCLED)}])\s*(.+)$")
PARAGRAPH_HEAD = re.compile(r"^【(具体的な内容|実施期間・実現スケジュール)】$")
ISSUED = re.compile(r"^(令和|平成)\s*(\d+|元)\s*年\s*(\d+)\s*月$")
PERIOD = re.compile(r"(平成|令和)\s*\d+\s*年度から\s*(平成|令和)\s*\d+\s*年度までの\s*\d+\s*年間")
_PARAGRAPH_KIND = {"具体的な内容": NoteKind.CONTENT, "実施期間・実現スケジュール": NoteKind.SCHEDULE}


class AkishimaReport(LayoutExtractor):
    name = "akishima_plan_report"
    description = "昭島市 産業振興計画報告書 (前期の評価: 継続/変更し実施/終了; 後期計画の施策 【工 - 1】…)"

    @classmethod
    def detect(cls, text: SourceText) -> float:
        has_measures = any(MEASURE_HEAD.match(row.text.strip()) for row in text.rows)
        return Score.all_of(0.9, {"「報告書」 in the first 500 characters": "報告書" in text.head(500),
                                  "a measure heading 【工-1】": has_measures})

    def extract(self, text: SourceText, doc: Document) -> None:
        rows = [row for _i, row in text.nonblank()]
        doc.title = rows[0].text.strip()
        doc.kind = ReportKind.REPORT
        doc.plan_name = doc.title.split("について")[0].strip()
        doc.municipality = find_municipality(doc.title, text.full_text())
        for row in rows[:6]:
            if ISSUED.match(row.text.strip()):
                doc.issued_raw = row.text.strip()
                break
        for row in rows:
            if m := PERIOD.search(row.text):
                doc.period_raw, doc.period_ref = m.group(0), row.ref
                break

        area: tuple[str, str] | None = None  # (number, name) of the later plan's area
        measure: Measure | None = None
        paragraph: str | None = None
        header: list[str | None] | None = None  # the current table's column fields
        review_no = 0
        in_schedule = False
        for row in rows:
            line = row.text.strip()
            if row.is_table:
                fields = [canonical_label(c) for c in row.cells]
                if "measure_name" in fields and ("assessment" in fields or "basic_goals" in fields):
                    header = fields
                    continue
                if row.cells[0].strip() == "" and "1年目" in row.text or row.cells[0].strip() == "年度":
                    in_schedule = True
                    header = [None] + [c.strip() for c in row.cells[1:]] if row.cells[0].strip() == "年度" else header
                    continue
                if in_schedule:
                    self._schedule_row(row, header, doc)
                    continue
                if header and "assessment" in header:
                    review_no += 1
                    self._review_row(row, header, review_no, doc)
                elif header and measure is not None:
                    self._measure_row(row, header, measure)
                continue
            if m := MEASURE_HEAD.match(line):
                measure = self._measure_head(m, row, area, doc)
                paragraph = None
                continue
            if m := AREA_HEAD.match(line):
                area, measure, paragraph = (m.group(1), m.group(2).strip()), None, None
                continue
            if m := PARAGRAPH_HEAD.match(line):
                paragraph = _PARAGRAPH_KIND[m.group(1)]
                continue
            if measure is not None and paragraph:
                doc.notes.append(Note(scope=measure.key, kind=paragraph, text=line, raw=row.text, ref=row.ref))
                continue
            if area and measure is None and (g := GOAL_HEAD.match(line)):
                doc.notes.append(Note(scope=f"{area[0]}. {area[1]}", kind=NoteKind.BASIC_GOAL, text=g.group(2).strip(),
                                      raw=row.text, ref=row.ref, item_label=g.group(1)))
                continue
            if area and measure is None and bullet_depth(row.text) is not None:
                doc.notes.append(Note(scope=f"{area[0]}. {area[1]}", kind=NoteKind.BASIC_GOAL_DETAIL,
                                      text=unbullet(row.text), raw=row.text, ref=row.ref))

    @staticmethod
    def _measure_head(m: re.Match[str], row: Row, area, doc: Document) -> Measure:
        key = f"{m.group('area')}-{m.group('no')}"
        marks = m.group("marks").strip() or None
        measure = Measure(
            key=key, id_raw=row.text.strip().split("】")[0] + "】", name="", ref=row.ref,
            hierarchy=[("分野", area[0], area[1])] if area else [], marks_raw=marks,
        )
        if marks:
            measure.reposted = "再掲" in marks
            measure.new = "新規" in marks
            for ref in REFERENCE.finditer(marks):
                doc.cross_refs.append(CrossRef(from_key=key, to_id_raw=ref.group(0).split("と")[0],
                                               relation=ref.group(3), raw=marks, ref=row.ref))
        doc.measures.append(measure)
        return measure

    @staticmethod
    def _measure_row(row: Row, header: list[str | None], measure: Measure) -> None:
        values = {field: row.cells[i].strip() for i, field in enumerate(header) if field and i < len(row.cells)}
        measure.name = values.get("measure_name", "")
        measure.basic_goals_raw = values.get("basic_goals")
        measure.departments_raw = values.get("departments")
        measure.target_raw = values.get("target_text")
        measure.ref = measure.ref.span(row.ref)

    @staticmethod
    def _review_row(row: Row, header: list[str | None], n: int, doc: Document) -> None:
        values = {field: row.cells[i].strip() for i, field in enumerate(header) if field and i < len(row.cells)}
        key = f"前期-{n}"
        doc.measures.append(Measure(
            key=key, id_raw=None, name=values.get("measure_name", ""), ref=row.ref,
            hierarchy=[("区分", None, "前期計画の評価と見直し")], direction_raw=values.get("direction"),
            status_raw=values.get("assessment"), kind=MeasureKind.REVIEW, prior_plan=True,
        ))
        if values.get("assessment"):
            doc.notes.append(Note(scope=key, kind=NoteKind.ASSESSMENT, text=values["assessment"], raw=values["assessment"],
                                  ref=row.cell_ref(header.index("assessment"))))

    @staticmethod
    def _schedule_row(row: Row, header, doc: Document) -> None:
        scope = row.cells[0].strip()
        for col, cell in row.filled:
            if col == 0:
                continue
            year = header[col] if header and col < len(header) else None
            doc.notes.append(Note(scope=f"スケジュール/{scope}", kind=NoteKind.SCHEDULE_ITEM, text=strip_html(cell).strip(),
                                  raw=cell, ref=row.cell_ref(col), item_label=year))
