"""Dates the audit must not call wrong (issue #19 item 8), on sentences copied from the real reports.

- 大船渡市 事務事業評価 (sample_docs/ofunato_jimujigyo_hyoka_r7.xlsx, T0 r226 c186): 「計画目標年度を令和17年度から
  令和32年度まで延伸」 — a plan extended to 2050 is a horizon, not an impossible year;
- the same sheet (r158, r200 c186) tells the past: 「令和3年3月末現在、…計39箇所となっている」 — not a stamp on
  this report's figures, so not an as-of date outside its year; its stamps 「令和7年３月31日現在」 (r377) fall in
  FY2024, the year its latest actuals are for (the sheet of 令和7年度 reports 令和6年度's results);
- 昭島市 (sample_docs/akishima_plan_report_r5.txt L35): 「令和29年度～令和元年度」 is still a typo, and a report
  known only by its fiscal year is named by it (「this FY2022 report」, never 「this 2023 report」).
"""

from __future__ import annotations

from hyoka.normalizers.eras import check_era_date, find_era_dates, is_horizon
from hyoka.pipeline.audit import audit_document
from hyoka.pipeline.model import Document, IndicatorValue, Row, SourceRef
from hyoka.pipeline.stages import collect_dates

EXTENSION = ("さらに、令和7年度には基本計画の変更を予定しており、計画区域を1,137haから921haへ縮小するとともに、"
             "計画目標年度を令和17年度から令和32年度まで延伸する方向で検討を進めている。")
PAST = "また、令和3年3月末現在、対策施設整備済箇所は急傾斜地24箇所、土石流15箇所の計39箇所となっている。"
ESTIMATE = ("適正配置基本計画」策定時と比べると、児童生徒数の推計値に多少の差異が生じてきていたため、"
            "令和3年度末（計画前期期間末）に令和4年1月時点の推計値に修正した。")
STAMP = "委員は、知識経験者、公共的団体等に属する者及び公募委員で構成され、女性委員の登用率は、令和７年３月31日現在で63.2％(19人中12人）である。"
AKISHIMA = "令和29年度～令和元年度に「空き店舗活用補助」を実施。"


def _doc(cells: list[str], fiscal_year: int | None = 2025, actual_years: tuple[int, ...] = ()) -> Document:
    doc = Document(doc_id="d", source_path="/x/sheet.xlsx", format="xlsx", fiscal_year=fiscal_year)
    doc.source_rows = [Row(cells=(c,), ref=SourceRef(file="sheet.xlsx", table=0, row=i, col=0))
                       for i, c in enumerate(cells)]
    for year in actual_years:
        doc.indicator_values.append(IndicatorValue(
            measure_key="0687", indicator="対策施設数", fiscal_year_raw=str(year), row_kind="yearly",
            target_raw=None, actual_raw="24", grade_raw=None, actual=24.0, fiscal_year=year,
            ref=SourceRef(file="sheet.xlsx", table=0, row=99)))
    collect_dates(doc)
    return doc


def test_a_plan_extended_to_reiwa_32_is_a_horizon_not_an_impossible_year():
    dates = {d.raw: d for d in find_era_dates(EXTENSION)}
    assert is_horizon(EXTENSION, dates["令和32年度"]) and not is_horizon(EXTENSION, dates["令和7年度"])
    assert check_era_date(dates["令和32年度"], 2026, fiscal_year=2025, text=EXTENSION) is None
    # without the sentence it would be far ahead of the report: the text is what makes it a horizon
    assert check_era_date(dates["令和32年度"], 2026, fiscal_year=2025) == \
        "令和32年度 = 2050, 25 years after this FY2025 report"
    doc = _doc([EXTENSION])
    assert [(d.raw, d.problem) for d in doc.dates] == [("令和7年度", None), ("令和17年度", None), ("令和32年度", None)]
    assert not [f for f in doc.flags if f.field == "date"]
    assert not [f for f in audit_document(doc) if f.check == "era_impossible"]


def test_a_typo_is_still_impossible_and_the_report_is_named_by_its_fiscal_year():
    doc = _doc([AKISHIMA], fiscal_year=2022)  # no issue date: only the fiscal year is known
    problem = next(d.problem for d in doc.dates if d.raw == "令和29年度")
    assert problem == "令和29年度 = 2047, 25 years after this FY2022 report; probably 平成29年度"
    findings = [f for f in audit_document(doc) if f.check in ("era_impossible", "era_range")]
    assert [(f.check, f.status, f.stated) for f in findings] == [
        ("era_impossible", "warning", "令和29年度"), ("era_range", "warning", "令和29年度～令和元年度")]
    assert "2023 report" not in findings[0].message and "this FY2022 report" in findings[0].message


def test_an_issued_report_keeps_its_issue_year():
    d = next(d for d in find_era_dates(AKISHIMA) if d.raw == "令和29年度")
    assert check_era_date(d, 2023, text=AKISHIMA) == \
        "令和29年度 = 2047, 24 years after this 2023 report; probably 平成29年度"


def test_the_past_told_in_the_text_is_no_as_of_date_outside_the_year():
    doc = _doc([PAST, ESTIMATE, STAMP], actual_years=(2023, 2024))
    assert [(d.raw, d.as_of) for d in doc.dates if d.as_of] == [
        ("令和3年3月", True), ("令和4年1月", True), ("令和７年３月31日", True)]
    assert not [f for f in audit_document(doc) if f.check == "as_of_date"]


def test_a_stamp_a_year_before_the_report_is_still_questioned_when_its_results_are_this_years():
    # the same stamp in a sheet whose actuals run to its own year (2025): 2025-03-31 is in FY2024
    doc = _doc([STAMP], actual_years=(2024, 2025))
    found = [f for f in audit_document(doc) if f.check == "as_of_date"]
    assert [(f.status, f.stated, f.recomputed) for f in found] == [("warning", "令和７年３月31日", 2024.0)]
    assert "outside the sheet's FY2025 (April 2025–March 2026)" in found[0].message
    # and a stamp after the years of the results is questioned whatever they are
    late = _doc(["登用率は、令和8年４月1日現在で63.2％である。"], actual_years=(2023, 2024))
    found = [f for f in audit_document(late) if f.check == "as_of_date"]
    assert [(f.stated, f.recomputed) for f in found] == [("令和8年４月1日", 2026.0)]
    assert "outside FY2024–FY2025" in found[0].message
