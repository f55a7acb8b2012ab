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
