"""武蔵野市 第二期産業振興計画 進捗管理まとめ: per 目標 a symbol-count score line and
【良い点】/【課題】 items with actor tags, after a 凡例 that states the scoring rule.

The score line's bold markup moves around from goal to goal (「**85 (76) 点**」,
「**84点 (79)**」, 「**87** (79) 点」), so markup is dropped before the line is read; the
凡例 repeats goal 1's line as an example, which is kept in the legend, not counted as
a summary.
"""

from __future__ import annotations

import re

from hyoka.extractors._common import plain
from hyoka.extractors.base import LayoutExtractor, Row, Score, SourceText
from hyoka.normalizers.actors import split_actor_tag
from hyoka.normalizers.eras import fiscal_year
from hyoka.normalizers.places import find_municipality
from hyoka.pipeline.model import (
    Document, Legend, LegendItemRole, LegendKind, Measure, MeasureKind, Note, NoteKind, ReportKind, ScoreSummary,
)

SCORE_LINE = re.compile(r"(\d+)\s*施策中")
GOAL = re.compile(r"^目標\s*(\d+)\s*(.+)$")
BASIC = re.compile(r"^基本施策\s*[（(]\s*(\d+)\s*[）)]\s*(.+)$")
SECTION = re.compile(r"^【(良い点|課題)】$")
PREVIOUS_AS_OF = re.compile(r"[(（]\s*[)）]\s*内は(.+?時点)")
_NOTE_KIND = {"良い点": NoteKind.GOOD_POINT, "課題": NoteKind.ISSUE}
# arithmetic on numbers: 「100点 ÷ 41施策 ≒ 2.44点」, 「2.44 × 32 (78) + … = 85.38 ≒ 85点」
_FORMULA = re.compile(r"\d(?:\.\d+)?\s*(?:点|施策)?\s*[×÷]\s*\d.*[=≒]\s*\d")


class MusashinoSummary(LayoutExtractor):
    name = "musashino_progress_summary"
    description = "武蔵野市 進捗管理まとめ (目標ごとの ○◎△□×- 集計と点数, 良い点/課題)"

    @classmethod
    def detect(cls, text: SourceText) -> float:
        head = text.head(4000)
        return Score.all_of(0.9, {"「進捗管理まとめ」 in the first 4000 characters": "進捗管理まとめ" in head,
                                  "a score line 「N施策中」": bool(SCORE_LINE.search(head))})

    def extract(self, text: SourceText, doc: Document) -> None:
        lines = [(plain(row.text), row) for _i, row in text.nonblank()]
        doc.title = lines[0][0] if lines else None
        doc.kind = ReportKind.PROGRESS_MANAGEMENT_SUMMARY
        doc.plan_name = doc.title.replace("進捗管理まとめ", "").strip() if doc.title else None
        doc.municipality = find_municipality(doc.title or "", text.full_text())

        goal: tuple[str, str] | None = None  # (number, name)
        section: str | None = None
        legend_rows: list[Row] = []
        for line, row in lines[1:]:
            if m := GOAL.match(line):
                goal, section = (m.group(1), m.group(2).strip()), None
                continue
            if goal is None:
                legend_rows.append(row)
                if m := PREVIOUS_AS_OF.search(line):
                    doc.fiscal_year_raw = m.group(1)
                continue
            scope = f"目標{goal[0]}"
            if m := BASIC.match(line):
                doc.measures.append(
                    Measure(key=f"{scope}/基本施策{m.group(1)}", id_raw=m.group(1),
                            name=m.group(2).strip(), ref=row.ref, hierarchy=[("目標", goal[0], goal[1])],
                            kind=MeasureKind.BASIC_POLICY)
                )
            elif SCORE_LINE.search(line):
                # raw: the line as printed, without the rendering's Markdown markup (「**85 (76) 点**」)
                doc.score_summaries.append(ScoreSummary(scope=scope, scope_name=goal[1], raw=line, ref=row.ref))
            elif m := SECTION.match(line):
                section = _NOTE_KIND[m.group(1)]
            elif section:
                text_, actors, tag = split_actor_tag(line)
                doc.notes.append(Note(scope=scope, kind=section, text=text_, raw=row.text, ref=row.ref,
                                      actor_raw=tag, actors=actors))
        if legend_rows:
            doc.legends.append(_legend(legend_rows))
        previous_fy = fiscal_year(doc.fiscal_year_raw or "")
        if previous_fy is not None:
            # not printed: the scores in () are "as of" the end of the previous fiscal year
            doc.fiscal_year = previous_fy + 1
            doc.fiscal_year_basis = f"inferred: previous scores are 「{doc.fiscal_year_raw}」"


def _legend(rows: list[Row]) -> Legend:
    ref = rows[0].ref.span(rows[-1].ref)
    # each line is printed whole (no label); its role tells the audit which line is the unit, the
    # worked formula and the count line that formula computes
    items = [(None, plain(r.text)) for r in rows]
    return Legend(kind=LegendKind.POINTS, raw="\n".join(r.text for r in rows), ref=ref, items=items,
                  item_refs=[r.ref for r in rows], item_roles=[_legend_item_role(plain(r.text)) for r in rows])


def _legend_item_role(line: str) -> LegendItemRole:
    if SCORE_LINE.search(line):
        return LegendItemRole.EXAMPLE_LINE
    # by what the line says, not by markup: the text rendering's $$…$$ is gone after `plain`
    if _FORMULA.search(line):
        return LegendItemRole.UNIT_FORMULA if "÷" in line else LegendItemRole.WORKED_FORMULA
    if line[:1] in "○◎△□×-〇":
        return LegendItemRole.SYMBOL_WEIGHT
    return LegendItemRole.TEXT
