"""The compare page's small target-vs-actual charts, one per measure series."""

from __future__ import annotations

import re

import pytest
from report_samples import parse_html

from hyoka.pipeline.compare import compare_data
from hyoka.pipeline.report_html import render_compare
from hyoka.pipeline.series_charts import chart_points, target_actual_svg

from conftest import SAMPLES


@pytest.fixture(scope="module")
def data():
    from hyoka.pipeline.ingest import ingest

    return compare_data(ingest([SAMPLES / "akiruno_progress_summary_r7.txt"]).tables(audit=False))


def test_points_are_the_printed_targets_and_actuals(data):
    seminar = next(s for s in data["series"] if s["name"] == "事業承継セミナー")
    # 参加者数: R3 実績 10人; R5 20→21; R6 30→31; R7 45→17; R8 目標 65
    assert chart_points(seminar) == ("参加者数", "人", [(2021, None, 10.0), (2023, 20.0, 21.0), (2024, 30.0, 31.0),
                                                      (2025, 45.0, 17.0), (2026, 65.0, None)])
    svg = str(target_actual_svg(seminar))
    assert svg.count("<polyline") == 2 and "<script" not in svg
    titles = re.findall(r"<title>(.*?)</title>", svg)
    assert "2025年度 実績 17人" in titles and "2026年度 目標 65人" in titles and len(titles) == 8


def test_nothing_is_drawn_without_two_years():
    assert str(target_actual_svg({"points": [{"fiscal_year": 2025, "values": [{"indicator": "x", "target": 1,
                                                                                "actual": 2}]}]})) == ""
    assert str(target_actual_svg({"points": []})) == ""


def test_the_compare_page_has_a_chart_per_series(data):
    page = parse_html(render_compare(data))  # well formed, every element closed
    sparks = page.find_all("svg", cls="spark")
    assert len(sparks) == len(data["series"]) == 14
    assert any(th.text() == "目標と実績" for th in page.find_all("th"))


def test_musashino_second_and_third_plans_are_two_year_lines_on_the_page():
    """武蔵野市's 第二期 (FY2022, graded ○◎△□×) and 第三期 (FY2025) reports: the city's yearly
    achievement is drawn as one line per plan, never one line joining the two plans."""
    import hyoka
    from hyoka.pipeline.html_compare import compare_context

    from conftest import SAMPLES

    data = hyoka.compare([SAMPLES / "musashino_2ki_progress_summary.txt",
                          SAMPLES / "musashino_3ki_evaluation_sheets_r7.txt"]).data
    section, = [s for s in compare_context(data)["sections"] if s.name == "武蔵野市"]
    assert section.year_chart is None
    titles = [title for title, _chart in section.plan_charts]
    assert [t.split("（")[0] for t in titles] == ["第二期産業振興計画", "第三期武蔵野市産業振興計画"]
    assert [[p.label for p in chart.points] for _t, chart in section.plan_charts] == [["2022年度"], ["2025年度"]]
