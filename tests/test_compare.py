"""`hyoka compare`: the city × theme matrix, achievement on one scale, directions, series, and
the NLP layer's actors, quantities and target ↔ result evidence — on the seed reports and the
大船渡市 workbook."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from hyoka.pipeline.achievement import achievement_items, grade_scale, symbol_scale
from hyoka.pipeline.cli import app
from hyoka.pipeline.compare import compare_data, series_ids
from hyoka.pipeline.nlp import available
from hyoka.pipeline.rules import grade_rule_from_legend, points_rule_from_legend

from conftest import SAMPLES, SEED_FILES

OFUNATO = "ofunato_jimujigyo_hyoka_r7.xlsx"
CITIES = {"武蔵野市", "西東京市", "あきる野市", "昭島市", "大船渡市"}
needs_nlp = pytest.mark.skipif(not available(), reason='no Japanese spaCy pipeline installed (pip install "hyoka[nlp]")')


@pytest.fixture(scope="module")
def tables():
    from hyoka.pipeline.ingest import ingest

    result = ingest([SAMPLES / name for name in SEED_FILES.values()] + [SAMPLES / OFUNATO])
    assert not result.failures
    return result.tables(audit=False)


@pytest.fixture(scope="module")
def enriched(tables):
    if not available():
        pytest.skip('no Japanese spaCy pipeline installed (pip install "hyoka[nlp]")')
    from hyoka.pipeline.nlp import enrich_nlp

    return enrich_nlp(tables)


@pytest.fixture(scope="module")
def data(tables):
    return compare_data(tables)


@pytest.fixture(scope="module")
def store(tmp_path_factory, tables):
    from hyoka.pipeline.store import write

    out = tmp_path_factory.mktemp("store")
    write(tables, out, replace=True)
    return out


def _city(data, name):
    return next(c for c in data["cities"] if c["municipality"] == name)


def _doc_id(tables, file):
    docs = tables["documents"]
    return docs.loc[docs["source_path"].map(lambda p: Path(p).name) == file, "doc_id"].iat[0]


# --- the matrix -----------------------------------------------------------------------------------

def test_all_five_municipalities_and_every_theme_are_in_the_matrix(data):
    assert set(data["municipalities"]) == CITIES
    assert data["themes"][-1] == "その他" and len(data["themes"]) == 14
    cells = {(c["municipality"], c["theme"]) for c in data["cells"]}
    assert cells == {(m, t) for m in CITIES for t in data["themes"]}
    for cell in data["cells"]:
        assert set(cell) >= {"municipality", "theme", "n_measures", "n_indicators", "achievement", "directions"}
    for m in data["measures"]:
        assert set(m) >= {"municipality", "doc_id", "name", "theme"}
    json.dumps(data, ensure_ascii=False, allow_nan=False)  # JSON-ready: no NaN, no numpy


def test_every_city_works_on_some_theme_and_counts_plan_measures_only(data):
    for city in CITIES:
        assert sum(c["n_measures"] for c in data["cells"] if c["municipality"] == city) > 0
    ofunato = _city(data, "大船渡市")
    assert ofunato["n_measures"] == 95 and ofunato["n_outside_plan"] == 312
    assert ofunato["themes"]["農林水産業"] > ofunato["themes"].get("観光", 0)  # a fishing port
    for c in data["cities"]:
        assert c["share_other"] <= 0.10


def test_one_measure_printed_in_several_places_counts_once(data):
    # 昭島市 prints 「大型商業施設とのコラボレーション」 in its review (前期-10, 前期-24) and under 商業 and 農業
    rows = [m for m in data["measures"] if m["name"] == "大型商業施設とのコラボレーション"]
    assert len(rows) == 4 and len({m["series_id"] for m in rows}) == 1
    akishima = _city(data, "昭島市")
    assert akishima["n_rows"] == 83 and akishima["n_measures"] < 83


def test_musashino_directions_match_the_document(data):
    text = (SAMPLES / SEED_FILES["001"]).read_text(encoding="utf-8")
    printed = re.findall(r"方向性\t(\S+)", text)
    assert printed.count("拡充") == 3 and printed.count("継続") == 17
    assert _city(data, "武蔵野市")["directions"] == {"拡充": 3, "継続": 17}
    by_theme = [c["directions"] for c in data["cells"] if c["municipality"] == "武蔵野市"]
    assert sum(d.get("拡充", 0) for d in by_theme) == 3 and sum(d.get("継続", 0) for d in by_theme) == 17


def test_akishima_directions_come_from_its_review(data):
    # 37 review rows: 継続 31, 変更し実施 2, 終了 4 — 「大型商業施設とのコラボレーション」 is reviewed
    # twice (前期-10, 前期-24, both 継続) and counts once
    assert _city(data, "昭島市")["directions"] == {"継続": 30, "変更し実施": 2, "終了": 4}


def test_one_report_read_in_two_formats_counts_once():
    from hyoka.pipeline.ingest import ingest

    text, docx = SAMPLES / SEED_FILES["001"], SAMPLES / "musashino_3ki_evaluation_sheets_r7.docx"
    data = compare_data(ingest([text, docx]).tables(audit=False))
    musashino = _city(data, "武蔵野市")
    assert musashino["n_documents"] == 2 and musashino["n_rows"] == 40
    assert musashino["n_measures"] == 20 and musashino["directions"] == {"拡充": 3, "継続": 17}


# --- achievement ------------------------------------------------------------------------------------

def test_akiruno_achievement_is_recomputable_from_its_grades_and_legend(tables, data):
    doc = _doc_id(tables, SEED_FILES["003"])
    legend = tables["legends"][tables["legends"]["doc_id"] == doc]
    rule = grade_rule_from_legend(list(zip(legend["item_label"], legend["item_text"])), "x", "x")
    scale = grade_scale(rule)
    # 評価指標: S 120%~, A 90~120%, B 50~90%, C ~50% → the band's middle, capped at 1
    assert scale == {"S": 1.0, "A": 1.0, "B": 0.7, "C": 0.25}
    iv = tables["indicator_values"]
    r7 = iv[(iv["doc_id"] == doc) & (iv["fiscal_year"] == 2025) & iv["grade"].notna()]
    assert "".join(r7["grade"]) == "CCBBSCAABCBCBB"  # 令和7年度 評価, in printed order
    expected = sum(scale[g] for g in r7["grade"]) / len(r7)
    akiruno = _city(data, "あきる野市")
    assert akiruno["achievement"] == pytest.approx(expected) == pytest.approx(8.45 / 14)
    assert akiruno["achievement_by_year"] == {2023: pytest.approx(11.3 / 14), 2024: pytest.approx(10.1 / 14),
                                              2025: pytest.approx(8.45 / 14)}
    scales = [s for s in data["scales"] if s["doc_id"] == doc and s["kind"] == "grade"]
    assert scales[0]["mapping"].startswith("S=1, A=1, B=0.7, C=0.25") and "legend printed" in scales[0]["rule"]


def test_musashino_achievement_is_recomputable_from_its_symbols_and_legend(tables, data):
    doc = _doc_id(tables, SEED_FILES["000"])
    legend = tables["legends"][tables["legends"]["doc_id"] == doc]
    rule = points_rule_from_legend(list(zip(legend["item_role"], legend["item_text"])), "x", "x")
    scale = symbol_scale(rule)
    assert scale["○"] == scale["◎"] == 1 and scale["△"] == pytest.approx(2 / 3) and scale["×"] == scale["-"] == 0
    summaries = tables["score_summaries"][tables["score_summaries"]["doc_id"] == doc].set_index("scope")
    for scope, row in summaries.iterrows():
        counts = {"○": row["n_circle"], "◎": row["n_double_circle"], "△": row["n_triangle"],
                  "□": row["n_square"], "×": row["n_cross"], "-": row["n_dash"]}
        share = sum(scale[s] * n for s, n in counts.items()) / row["total_items"]
        assert round(share * 100) == row["stated_score"]  # 85, 84, 87, 73, 93: the printed scores
        under = [m for m in data["measures"] if m["doc_id"] == doc and m["key"].startswith(f"{scope}/")]
        assert len(under) == 2 and all(m["achievement"] == pytest.approx(share) for m in under)
        assert all(m["achievement_kind"] == "symbol" for m in under)
    assert summaries.loc["目標1", "total_items"] == 41
    first = next(m for m in data["measures"] if m["doc_id"] == doc and m["key"] == "目標1/基本施策1")
    assert first["achievement"] == pytest.approx(35 / 41)  # ○30 ◎2 → 32, △1 → 2/3, □7 → 7/3


def test_ratios_need_a_known_direction(tables):
    items = achievement_items(tables)
    ratios = items[items["kind"] == "ratio"]
    # あきる野市 grades actual/target (its legend): more is better; 大船渡市 prints no target and
    # actual for the same year, so nothing of it is graded rather than guessed
    assert set(ratios["doc_id"]) == {_doc_id(tables, SEED_FILES["003"])}
    assert (ratios["value"].between(0, 1)).all()
    seminar = ratios[(ratios["measure_key"] == "事業承継セミナー") & (ratios["fiscal_year"] == 2025)].iloc[0]
    assert seminar["value"] == pytest.approx(17 / 45) and seminar["printed"] == "17人 / 45人"


def test_nothing_graded_is_null_not_zero(data):
    for city in ("昭島市", "西東京市", "大船渡市"):
        assert _city(data, city)["achievement"] is None
        cells = [c for c in data["cells"] if c["municipality"] == city]
        assert cells, city  # a city with no cell would pass the next line without checking anything
        assert all(c["achievement"] is None for c in cells), city


# --- series -------------------------------------------------------------------------------------------

def test_a_measure_is_followed_across_the_years_of_its_report(data):
    s = next(s for s in data["series"] if s["name"] == "事業承継セミナー")
    points = {p["fiscal_year"]: p for p in s["points"]}
    assert [points[y]["achievement"] for y in (2023, 2024, 2025)] == [1.0, 1.0, 0.25]
    assert points[2025]["values"][0] | {} == {"indicator": "参加者数", "target": 45.0, "actual": 17.0,
                                              "unit": "人", "grade": "C"}


def test_the_same_measure_across_reports_even_renumbered_or_renamed_a_little():
    measures = pd.DataFrame([
        {"doc_id": "a", "key": "施策3", "id": "3", "name": "創業支援の推進"},
        {"doc_id": "b", "key": "施策5", "id": "5", "name": "創業支援の推進"},  # renumbered, same name
        {"doc_id": "a", "key": "施策7", "id": "7", "name": "商店会活動への支援"},
        {"doc_id": "b", "key": "施策7", "id": "7", "name": "商店会の活動への支援"},  # same number, name touched
        {"doc_id": "b", "key": "施策8", "id": "8", "name": "観光マップ作成"},
        {"doc_id": "c", "key": "施策8", "id": "8", "name": "農地の保全"},  # same number, another measure
    ])
    ids = series_ids(measures, pd.Series(["X市"] * 6))
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[4] != ids[5]


# --- the NLP layer ------------------------------------------------------------------------------------

@needs_nlp
def test_targets_are_paired_with_results_into_evidence(enriched):
    ev = enriched["evidence"].set_index(["measure_key", "target_text"])
    assert ev.loc[("施策6", "120件"), "result_text"] == "44件"  # 補助実施件数120件 ↔ 申請件数は全体で44件
    assert ev.loc[("施策6", "120件"), "achievement"] == pytest.approx(44 / 120)
    assert ev.loc[("施策6", "60件"), "result_text"] == "23件"  # 創業枠 ↔ うち創業枠は23件
    assert ev.loc[("施策7", "8割以上"), "result_text"] == "約93%"
    assert ev.loc[("施策7", "8割以上"), "achievement"] == 1.0
    assert ev.loc[("施策5", "1件以上"), "result_text"] == "3件"  # not the (農地法3条:1件) breakdown
    assert ev.loc[("施策12", "2万回"), "achievement"] == pytest.approx(18045 / 20000)
    row = ev.loc[("施策6", "120件")]
    assert "補助実施件数120件" in row["target_context"] and row["target_src"] and row["result_src"]


@needs_nlp
def test_evidence_gives_musashino_3ki_an_achievement(enriched):
    data = compare_data(enriched)
    shop = next(m for m in data["measures"] if m["key"] == "施策6" and m["municipality"] == "武蔵野市")
    assert shop["achievement_kind"] == "evidence"
    assert shop["achievement"] == pytest.approx((44 / 120 + 23 / 60) / 2)


@needs_nlp
def test_actors_are_canonical_organisations_with_a_type():
    from hyoka.pipeline.nlp import find_actors, pipeline

    nlp = pipeline()[0]
    found = [(a.name, a.canonical, a.type) for a in
             find_actors(nlp("協定に基づいて西武信用金庫と連携し、明星大学や商工会議所、観光機構と協力した"), nlp)]
    assert found == [("西武信用金庫", "金融機関", "金融機関"), ("明星大学", "大学", "教育・研究機関"),
                     ("商工会議所", "商工会議所", "経済団体"), ("観光機構", "観光協会", "観光団体")]


@needs_nlp
def test_actors_table_on_the_seeds(enriched):
    actors = enriched["actors"]
    names = set(actors["name"])
    assert {"西武信用金庫", "明星大学", "亜細亜大学", "商工会議所"} <= names
    assert not (actors["canonical"] == "商工会")[actors["name"] == "商工会議所"].any()


@needs_nlp
def test_quantities_in_free_text_skip_dates_and_ordinals():
    from hyoka.pipeline.nlp import find_quantities, pipeline

    nlp = pipeline()[0]
    found = [(q.text, q.value, q.unit, q.qualifier) for q in
             find_quantities(nlp("令和8年1月に第4期計画で総閲覧回数2万回、8割以上、約93%、20代の参加者7名"))]
    assert found == [("2万回", 20000.0, "回", None), ("8割以上", 80.0, "%", "以上"), ("約93%", 93.0, "%", "約"),
                     ("7名", 7.0, "人", None)]


# --- the command --------------------------------------------------------------------------------------

def test_compare_json_from_a_store(store):
    res = CliRunner().invoke(app, ["compare", "--db", str(store), "--format", "json", "--no-nlp"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data["municipalities"]) == CITIES
    musashino = next(c for c in data["cities"] if c["municipality"] == "武蔵野市")
    assert musashino["directions"] == {"拡充": 3, "継続": 17}


def test_compare_table_csv_and_file(store, tmp_path):
    res = CliRunner().invoke(app, ["compare", "--db", str(store), "--no-nlp"])
    assert res.exit_code == 0
    assert res.stdout.splitlines()[0].startswith("municipality\t創業・起業")
    assert any(line.startswith("武蔵野市: ") and "拡充×3 継続×17" in line for line in res.stdout.splitlines())
    out = tmp_path / "cells.csv"
    res = CliRunner().invoke(app, ["compare", "--db", str(store / "hyoka.duckdb"), "-f", "csv", "-o", str(out),
                                   "--no-nlp"])
    assert res.exit_code == 0
    frame = pd.read_csv(out)
    assert len(frame) == 70
    row = frame[(frame["municipality"] == "あきる野市") & (frame["theme"] == "事業承継")].iloc[0]
    assert row["n_measures"] == 2 and row["achievement"] == 0.25


def test_compare_html_renders_or_says_it_is_not_available(store):
    res = CliRunner().invoke(app, ["compare", "--db", str(store), "-f", "html", "--no-nlp"])
    try:
        import hyoka.pipeline.report_html  # noqa: F401  (written by the HTML report's work)
    except ImportError:
        assert res.exit_code == 2 and "html is not available" in res.stderr
    else:
        assert res.exit_code == 0 and "<html" in res.stdout.lower()


def test_compare_usage_errors_are_one_line(tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["compare"])
    assert res.exit_code == 2 and "give report PATHs or --db" in res.stderr
    res = runner.invoke(app, ["compare", "--db", str(tmp_path / "nope.duckdb"), "-f", "json"])
    assert res.exit_code == 2 and "no such store" in res.stderr
    res = runner.invoke(app, ["compare", str(SAMPLES / SEED_FILES["003"]), "-f", "xml"])
    assert res.exit_code == 2 and "--format must be" in res.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('[[theme]]\nname = "宇宙"\n', encoding="utf-8")
    res = runner.invoke(app, ["compare", str(SAMPLES / SEED_FILES["003"]), "--themes", str(bad)])
    assert res.exit_code == 2 and "'宇宙' is not in the taxonomy" in res.stderr and "Traceback" not in res.output


def test_compare_paths_with_a_bad_file_goes_on(tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a workbook")
    res = CliRunner().invoke(app, ["compare", str(SAMPLES / SEED_FILES["003"]), str(bad), "-f", "json", "--no-nlp"])
    assert res.exit_code == 2
    assert "broken.xlsx" in res.stderr and len([l for l in res.stderr.splitlines() if "broken.xlsx" in l]) == 1
    assert json.loads(res.stdout)["municipalities"] == ["あきる野市"]


@needs_nlp
def test_ingest_nlp_stores_actors_and_evidence(tmp_path):
    from hyoka.pipeline.store import load

    res = CliRunner().invoke(app, ["ingest", str(SAMPLES / SEED_FILES["001"]), "-o", str(tmp_path), "-q", "--nlp"])
    assert res.exit_code == 0, res.output
    tables = load(tmp_path)
    assert len(tables["evidence"]) == 7 and (tables["evidence"]["nlp"] == available()[0]).all()
    assert (tables["actors"]["canonical"] == "商工会議所").any()
    assert tables["measures"]["theme_basis"].str.endswith("[lemma]").any()


def test_info_names_the_nlp_pipeline():
    res = CliRunner().invoke(app, ["info"])
    line = next(l for l in res.stdout.splitlines() if l.startswith("NLP"))
    if available():
        assert available()[0] in line and "hyoka compare" in line
    else:
        assert 'pip install "hyoka[nlp]"' in line


def test_a_store_written_before_themes_is_themed_when_compared(tables):
    older = dict(tables)
    older["measures"] = tables["measures"].drop(columns=["theme", "theme_basis", "in_plan"])
    del older["actions"]  # and one without a table at all
    data = compare_data(older)
    assert set(data["municipalities"]) == CITIES
    assert _city(data, "大船渡市")["n_measures"] == 95
    assert _city(data, "あきる野市")["achievement"] == pytest.approx(8.45 / 14)


def test_nlp_asked_for_but_not_installed_is_a_usage_error_before_reading(monkeypatch, tmp_path):
    import hyoka.pipeline.nlp as nlp_layer

    monkeypatch.setattr(nlp_layer, "available", lambda: [])
    runner = CliRunner()
    res = runner.invoke(app, ["compare", str(SAMPLES / SEED_FILES["003"]), "--nlp"])
    assert res.exit_code == 2 and 'pip install "hyoka[nlp]"' in res.stderr
    res = runner.invoke(app, ["ingest", str(SAMPLES / SEED_FILES["003"]), "-o", str(tmp_path / "o"), "--nlp"])
    assert res.exit_code == 2 and 'pip install "hyoka[nlp]"' in res.stderr and not (tmp_path / "o").exists()
    # without --nlp, compare goes on without the pairing
    res = runner.invoke(app, ["compare", str(SAMPLES / SEED_FILES["003"]), "-f", "json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["municipalities"] == ["あきる野市"]
