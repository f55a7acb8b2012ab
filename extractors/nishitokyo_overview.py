"""西東京市 第2次産業振興マスタープラン 策定概要 (markdown rendering).

Sections are 「## 《…》」 headings. The 現状と課題 section has one 「#### (n) 「分野」の
現状と課題」 block per area with numbered directions 「- ① 「…」」 (their current state as
sub-bullets) and a 【課題】 list numbered the same way. Directions become measures
(kind "direction") under their area; everything else bulleted becomes notes.
"""

from __future__ import annotations

import re

from hyoka.extractors._common import bullet_depth, plain, unbullet
from hyoka.extractors.base import LayoutExtractor, Score, SourceText
from hyoka.normalizers.places import find_municipality
from hyoka.normalizers.text import CIRCLED
from hyoka.pipeline.model import Document, Measure, MeasureKind, Note, NoteKind, ReportKind

SECTION = re.compile(r"^##\s*《(.+?)》")
AREA = re.compile(r"^#{3,6}\s*[(（](\d+)[)）]\s*「(.+?)」(.*)$")
SUBHEADING = re.compile(r"^#{3,6}\s*(.+)$")
NUMBERED = re.compile(rf"^([{''.join(CIRCLED)}])\s*(.*)$")
PERIOD_LINE = re.compile(r"期間")
_SECTION_KIND = {
    "目的": NoteKind.PURPOSE,
    "位置付け": NoteKind.POSITIONING,
    "計画期間": NoteKind.PERIOD,
    "施策推進": NoteKind.HISTORY,
    "目指す方向": NoteKind.VISION,
}


class NishitokyoOverview(LayoutExtractor):
    name = "nishitokyo_masterplan_overview"
    description = "西東京市 マスタープラン策定概要 (markdown: 分野ごとの取組みの方向性 ①② と課題)"

    @classmethod
    def detect(cls, text: SourceText) -> float:
        head = text.head()
        return Score.all_of(0.85, {"「策定概要」 in the first 3000 characters": "策定概要" in head,
                                   "a section heading 「## 《…》」": bool(re.search(r"^##\s*《", head, re.M))})

    def extract(self, text: SourceText, doc: Document) -> None:
        rows = [row for _i, row in text.nonblank()]
        doc.title = plain(rows[0].text)
        doc.kind = ReportKind.PLAN_OVERVIEW
        doc.plan_name = doc.title.replace("策定概要", "").strip()
        doc.municipality = find_municipality(doc.title, text.full_text())

        section = subsection = group = None  # ## 《section》, ### group, #### subsection
        area: tuple[str, str] | None = None  # (number, name) while inside a 現状と課題 block
        in_issues = False
        last_measure: Measure | None = None
        for row in rows[1:]:
            line = row.text.rstrip()
            if m := SECTION.match(line):
                section, subsection, group, area, in_issues = m.group(1), None, None, None, False
                continue
            if m := AREA.match(line):
                subsection, in_issues = m.group(0), False
                area = (m.group(1), m.group(2)) if "現状と課題" in m.group(3) else None
                if area is None:
                    subsection = f"({m.group(1)}) 「{m.group(2)}」{m.group(3)}".strip()
                continue
            if m := SUBHEADING.match(line):
                heading = m.group(1).strip()
                if heading == "【課題】" and area:
                    in_issues = True
                else:
                    subsection, area, in_issues = heading, None, False
                    if line.startswith("### "):
                        group = heading
                continue
            depth = bullet_depth(line)
            item = unbullet(line) if depth is not None else plain(line)
            if section and PERIOD_LINE.search(section) and depth == 0 and doc.period_raw is None and "年度" in item:
                doc.period_raw, doc.period_ref = item, row.ref
            if area and not in_issues and depth == 0 and (n := NUMBERED.match(item)):
                number = CIRCLED[n.group(1)]
                last_measure = Measure(
                    key=f"{area[1]}/{number}", id_raw=n.group(1), name=_unquote(n.group(2)), ref=row.ref,
                    hierarchy=[("分野", area[0], area[1])], kind=MeasureKind.DIRECTION,
                )
                doc.measures.append(last_measure)
                continue
            if area and not in_issues and depth and last_measure is not None:
                state = item.lstrip("・").strip()
                last_measure.status_raw = state if not last_measure.status_raw else f"{last_measure.status_raw}\n{state}"
                continue
            if area and in_issues:
                n = NUMBERED.match(item)
                doc.notes.append(Note(scope=area[1], kind=NoteKind.ISSUE, text=(n.group(2) if n else item).strip(), raw=line,
                                      ref=row.ref, item_label=n.group(1) if n else None))
                continue
            if "アンケート" in (group or ""):
                kind = NoteKind.SURVEY_ITEM
            else:
                kind = next((k for word, k in _SECTION_KIND.items() if word in (section or "")), NoteKind.ITEM)
            scope = subsection or section or "計画全体"
            n = NUMBERED.match(item)
            doc.notes.append(Note(scope=scope, kind=kind, text=(n.group(2) if n else item).strip(), raw=line,
                                  ref=row.ref, item_label=n.group(1) if n else None))


def _unquote(text: str) -> str:
    text = text.strip()
    if text.startswith("「") and text.endswith("」") and text.count("「") == 1:
        return text[1:-1]
    return text
