"""`hyoka.compare()` → Comparison: the same numbers as `hyoka compare --format json`, as DataFrames;
and past years side by side — a measure's series within its plan and grading scale."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

import hyoka
from hyoka.pipeline.compare import compare_data
from hyoka.pipeline.series import plan_key, split_at_scale_changes

from conftest import ROOT, SAMPLES

AKIRUNO_PLAN = "あきる野市商工業振興プラン"


@pytest.fixture(scope="module")
def cli_json(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp") / "compare.json"
    subprocess.run([sys.executable, "-m", "hyoka", "compare", str(SAMPLES), "--format", "json", "-o", str(out)],
                   check=True, cwd=ROOT, capture_output=True)
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def comparison():
    import os

    before = os.getcwd()
    os.chdir(ROOT)  # hyoka.compare("sample_docs/"), as a user in the checkout writes it
    try:
        return hyoka.compare("sample_docs/")
    finally:
        os.chdir(before)


def _rows(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if not isinstance(v, (dict, list)) and pd.isna(v) else v) for k, v in r.items()}
            for r in frame.to_dict("records")]


def test_cells_equal_the_cli_json(comparison, cli_json):
    assert isinstance(comparison, hyoka.Comparison)
    assert _rows(comparison.cells) == [{k: c[k] for k in comparison.cells.columns} for c in cli_json["cells"]]
    assert len(comparison.cells) == len(cli_json["municipalities"]) * len(cli_json["themes"])
    # the rest of the JSON too: cities' totals, every measure, the series points
    cities = comparison.cities.set_index("municipality")
    for c in cli_json["cities"]:
        assert cities.at[c["municipality"], "n_measures"] == c["n_measures"]
        assert cities.at[c["municipality"], "n_indicators"] == c["n_indicators"]
        assert (pd.isna(cities.at[c["municipality"], "achievement"]) if c["achievement"] is None
                else cities.at[c["municipality"], "achievement"] == c["achievement"])
    assert comparison.measures["series_id"].tolist() == [m["series_id"] for m in cli_json["measures"]]
    n_points = sum(max(1, len(p["values"])) for s in cli_json["series"] for p in s["points"])
    assert len(comparison.series) == n_points
    assert comparison.data["cells"] == cli_json["cells"]


def test_numbers_read_by_hand_from_the_reports(comparison):
    cells = comparison.cells.set_index(["municipality", "theme"])
    # 武蔵野市 第三期 管理・評価シート: 方向性 拡充 ×3, 継続 ×17 (20 施策), counted once over txt/docx/pdf
    musashino = [d for (city, _t), d in cells["directions"].items() if city == "武蔵野市"]
    totals: dict[str, int] = {}
    for d in musashino:
        for k, v in d.items():
            totals[k] = totals.get(k, 0) + v
    assert totals == {"拡充": 3, "継続": 17}
    # あきる野市 事業承継セミナー(参加者数): R3 実績 10人; R7 年間目標 45人 実績 17人 評価 C; R8 目標 65人
    s = comparison.series
    seminar = s[(s["measure"] == "事業承継セミナー")].set_index("fiscal_year")
    assert seminar.at[2021, "actual"] == 10.0 and pd.isna(seminar.at[2021, "target"])
    assert (seminar.at[2025, "target"], seminar.at[2025, "actual"], seminar.at[2025, "grade"]) == (45.0, 17.0, "C")
    assert seminar.at[2025, "achievement"] == 0.25  # C on the 評価指標 scale (band ~50 %: middle 25 %)
    assert seminar.at[2026, "target"] == 65.0 and pd.isna(seminar.at[2026, "actual"])
    assert set(seminar["plan"]) == {AKIRUNO_PLAN}


def test_akiruno_measures_have_r3_to_r8_series(comparison):
    s = comparison.series[comparison.series["municipality"] == "あきる野市"]
    # 14 実施事業, each printed with 令和3年度 実績値 and 令和5–8年度 (no 令和4年度 column)
    assert s["measure"].nunique() == 14
    for measure, g in s.groupby("measure"):
        assert sorted(set(g["fiscal_year"])) == [2021, 2023, 2024, 2025, 2026], measure
        assert g["series_id"].nunique() == 1
    # マルシェ R7: 2回 of 2回, A
    marche = s[(s["measure"] == "あきる野マルシェ") & (s["fiscal_year"] == 2025)].iloc[0]
    assert (marche["target"], marche["actual"], marche["grade"]) == (2.0, 2.0, "A")


def test_musashino_second_and_third_plans_are_two_lines(comparison):
    years = comparison.years[comparison.years["municipality"] == "武蔵野市"]
    assert set(years["plan"]) == {"第二期産業振興計画", "第三期武蔵野市産業振興計画"}
    second = years[years["plan"] == "第二期産業振興計画"]
    third = years[years["plan"] == "第三期武蔵野市産業振興計画"]
    assert second["fiscal_year"].tolist() == [2022] and third["fiscal_year"].tolist() == [2025]
    # 第二期 grades on ○◎△□×; the 第三期 sheets print no symbol scale: two scales as well
    assert second["scale"].iat[0].startswith("symbol: ○=1") and third["scale"].iat[0] != second["scale"].iat[0]
    # 第二期 (R4, 2022): ○◎ = 1, △ = 2/3, □ = 1/3 over its 目標 summaries; 目標1 alone is 35/41
    assert 0.8 < second["achievement"].iat[0] < 0.9
    # no measure of one plan shares a series with the other plan's
    m = comparison.measures[comparison.measures["municipality"] == "武蔵野市"]
    by_series = m.groupby("series_id")["plan"].nunique()
    assert (by_series == 1).all() and m["plan"].nunique() == 2


def test_a_measure_renamed_between_plans_is_not_joined_even_with_the_same_name():
    docs = pd.DataFrame([
        {"doc_id": "a", "municipality": "X市", "plan_name": "第二期X市産業振興計画", "fiscal_year": 2022, "title": "t"},
        {"doc_id": "b", "municipality": "X市", "plan_name": "第三期 産業振興計画", "fiscal_year": 2025, "title": "t"},
        {"doc_id": "c", "municipality": "X市", "plan_name": "第三期X市産業振興計画", "fiscal_year": 2026, "title": "t"},
    ])
    measures = pd.DataFrame([{"doc_id": d, "key": "施策1", "id": "1", "name": "創業支援の推進", "in_plan": True}
                             for d in "abc"])
    data = compare_data({"documents": docs, "measures": measures})
    ids = {m["doc_id"]: m["series_id"] for m in data["measures"]}
    assert ids["b"] == ids["c"] != ids["a"]  # 第三期, spelled two ways, is one plan
    assert plan_key("第三期X市産業振興計画", "X市") == plan_key("第三期 産業振興計画", "X市") == "第三期産業振興計画"
    assert [s["plan"] for s in data["series"]] == ["第三期 産業振興計画"]


def test_a_series_is_cut_where_the_scale_changes():
    pts = [{"fiscal_year": 2020, "scale": "grade: A=1"}, {"fiscal_year": 2021, "scale": None},
           {"fiscal_year": 2022, "scale": "grade: A=1"}, {"fiscal_year": 2023, "scale": "symbol: ○=1"},
           {"fiscal_year": 2024, "scale": "symbol: ○=1"}]
    assert [[p["fiscal_year"] for p in seg] for seg in split_at_scale_changes(pts)] == [[2020, 2021, 2022],
                                                                                        [2023, 2024]]


def test_compare_series_on_the_command_line(tmp_path):
    one = SAMPLES / "akiruno_progress_summary_r7.txt"
    res = subprocess.run([sys.executable, "-m", "hyoka", "compare", str(one), "--series", "--format", "csv",
                          "-o", str(tmp_path / "s.csv"), "--no-nlp"], cwd=ROOT, capture_output=True)
    assert res.returncode == 0, res.stderr.decode()
    raw = (tmp_path / "s.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(tmp_path / "s.csv", encoding="utf-8-sig")
    assert list(frame.columns[:3]) == ["series_id", "municipality", "plan"]
    row = frame[(frame["measure"] == "創業塾") & (frame["fiscal_year"] == 2023)].iloc[0]
    assert (row["target"], row["actual"], row["grade"], row["plan"]) == (16.0, 11.0, "B", AKIRUNO_PLAN)
    res = subprocess.run([sys.executable, "-m", "hyoka", "compare", str(one), "--series", "--no-nlp"], cwd=ROOT,
                         capture_output=True)
    assert "創業塾" in res.stdout.decode() and AKIRUNO_PLAN in res.stdout.decode()
