"""あきる野市 商工業振興プラン 進捗状況まとめ: a spec on the generic reader.

The report is one table read by its labels like any other (extractors/generic.py): 方向性 ›
個別施策 › 実施事業 (merged cells filled forward), 実施主体, 目標とする姿, 実施状況・課題, then per
fiscal year 年間目標/実績/評価, and below the data the 評価指標 table (S–C with their bands),
read as the legend. The generic reader also keeps a page break printed into the table, a footnote
or a stray row from ending it or from becoming a level of the hierarchy.

What is あきる野市's own, and only that, is here:
- the fiscal year evaluated is the one in the 「実施状況・課題(令和7年度)」 header;
- the first year column prints only 実績値 (令和3年度, before the plan): the plan's baseline;
- 目標とする姿 is a sentence about the state aimed at (a `target_state` note, not a number), and
  実施状況・課題 holds the status and, after 「課題：」, the issue (`status` and `issue` notes).
"""

from __future__ import annotations

import re

from hyoka.extractors._common import one_line
from hyoka.extractors.base import LayoutExtractor, Score, SourceText
from hyoka.extractors.generic import read_generic
from hyoka.normalizers.labels import canonical_label
from hyoka.pipeline.model import Document, LegendKind, Note, NoteKind, ReportKind, RowKind

YEAR = re.compile(r"(令和|平成)\s*(\d+|元)\s*年度")
ISSUE_SPLIT = re.compile(r"\s*課題[:：]\s*")


class AkirunoProgress(LayoutExtractor):
    name = "akiruno_progress_summary"
    description = "あきる野市 進捗状況まとめ (実施事業 × 年度: 年間目標/実績/評価 S–C)"

    @classmethod
    def detect(cls, text: SourceText) -> float:
        head = text.head()
        return Score.all_of(0.9, {f"「{word}」 in the first 3000 characters": word in head
                                  for word in ("進捗状況まとめ", "年間目標", "個別施策")})

    def extract(self, text: SourceText, doc: Document) -> None:
        header = next((row for row in text.rows if row.cells and row.cells[0].strip() == "方向性"
                       and "個別施策" in row.cells), None)
        labels = {canonical_label(one_line(c)): one_line(c) for c in header.cells} if header else {}
        if m := YEAR.search(labels.get("assessment", "")):
            doc.fiscal_year_raw = m.group(0)
            doc.fiscal_year_basis = f"printed: 「{labels['assessment']}」"
        read_generic(text, doc)
        doc.kind = ReportKind.PROGRESS_SUMMARY
        doc.plan_name = re.split(r"\s+", doc.title or "")[0] or None
        _baseline_column(doc)
        for legend in doc.legends:
            # the 評価指標 table grades achievement bands (S 120%~ … C ~50%), even where a copy
            # prints the grades without their bands: a legend the audit must say it can't read
            if legend.raw.startswith("評価指標") and legend.kind == LegendKind.WORDS:
                legend.kind = LegendKind.GRADE_BANDS
        for measure in doc.measures:
            _notes(doc, measure, labels.get("target_text"))


def _baseline_column(doc: Document) -> None:
    """The first year printed with 実績値 only, before the years with 年間目標: the plan's baseline."""
    targeted = [v.fiscal_year for v in doc.indicator_values if v.target_raw is not None and v.fiscal_year]
    if not targeted:
        return
    for v in doc.indicator_values:
        if v.fiscal_year is not None and v.fiscal_year < min(targeted) and v.target_raw is None and v.grade_raw is None:
            v.row_kind = RowKind.BASELINE


def _notes(doc: Document, measure, target_label: str | None) -> None:
    ref = measure.ref
    if measure.target_raw:
        # 目標とする姿 is a sentence about the state aimed at, not a number: kept as a note
        doc.notes.append(Note(scope=measure.key, kind=NoteKind.TARGET_STATE, text=measure.target_raw, raw=measure.target_raw,
                              ref=ref, item_label=target_label or None))
        measure.target_raw = None
    if measure.status_raw:
        status, *issues = ISSUE_SPLIT.split(measure.status_raw, maxsplit=1)
        if status.strip():
            doc.notes.append(Note(scope=measure.key, kind=NoteKind.STATUS, text=status.strip(), raw=measure.status_raw, ref=ref))
        for issue in issues:
            doc.notes.append(Note(scope=measure.key, kind=NoteKind.ISSUE, text=issue.strip(), raw=measure.status_raw, ref=ref))
