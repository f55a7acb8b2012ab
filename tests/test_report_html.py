"""The HTML pages: the comparison (render_compare) and the audit report (render_audit / hyoka audit -f html).

Inputs are the seed reports and 大船渡市's workbook (tests/report_samples.py reads them once);
the pages are parsed back with a small stdlib DOM and checked for what a reader needs: Japanese,
headline first, every city with its chart, details folded, document order, nothing external, and
the documents' text escaped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

import pytest
from report_samples import MUNICIPALITIES, SAMPLES, compare_sample, parse_html, seed_findings
from typer.testing import CliRunner

from hyoka.pipeline.audit import Finding
from hyoka.pipeline.cli import app
from hyoka.pipeline.report import render
from hyoka.pipeline.report_html import (
    CONSISTENT_SHOWN, NO_GRADE, THEMES, achievement_colour, natural_key, render_audit, render_compare,
)


@pytest.fixture(scope="module")
def sample():
    return compare_sample()


@pytest.fixture(scope="module")
def compare_page(sample):
    return render_compare(sample)


@pytest.fixture(scope="module")
def audit_page():
    return render_audit(list(seed_findings()))


def assert_self_contained(page: str) -> None:
    low = page.lower()
    assert "<script" not in low and "<link" not in low and "<iframe" not in low and "<img" not in low
    assert "@import" not in low and "url(" not in low and " src=" not in low
    assert "http://" not in low and "https://" not in low and "//fonts" not in low
    assert "default-src 'none'" in page  # and the browser is told to refuse anything else


# --- small pieces ---------------------------------------------------------------------------------

def test_natural_key_reads_numbers_as_numbers():
    assert sorted(["目標10", "目標3", "目標1"], key=natural_key) == ["目標1", "目標3", "目標10"]
    assert sorted(["L101", "L38", "L9"], key=natural_key) == ["L9", "L38", "L101"]
    assert sorted(["p10 T0 r1", "p2 T1 r3", "p2 T0 r12", "p2 T0 r3"], key=natural_key) == [
        "p2 T0 r3", "p2 T0 r12", "p2 T1 r3", "p10 T0 r1"]
    assert sorted(["施策１０", "施策２"], key=natural_key) == ["施策２", "施策１０"]  # full-width digits
    assert natural_key(None) == ()


def test_achievement_colour_scale():
    assert achievement_colour(0) == "#f28b82"
    assert achievement_colour(0.5) == "#fdd663"
    assert achievement_colour(1) == "#81c995"
    assert achievement_colour(1.4) == "#81c995" and achievement_colour(-1) == "#f28b82"
    assert achievement_colour(None) == achievement_colour("n/a") == achievement_colour(float("nan")) == NO_GRADE


# --- the comparison page on the seed reports ------------------------------------------------------

def test_sample_is_the_compare_shape(sample):
    assert sample["municipalities"] == list(MUNICIPALITIES) and sample["themes"] == list(THEMES)
    assert {"municipality", "theme", "n_measures", "n_indicators", "achievement", "directions"} <= set(sample["cells"][0])
    assert {"municipality", "doc_id", "name", "theme"} <= set(sample["measures"][0])


def test_compare_page_is_japanese_self_contained_and_headline_first(compare_page):
    assert_self_contained(compare_page)
    doc = parse_html(compare_page)
    assert doc.find("html").attrs["lang"] == "ja"
    assert doc.find("h1").text().startswith("自治体比較")
    order = [compare_page.index(f'id="{part}"') for part in ("headline", "matrix", "cities", "details")]
    assert order == sorted(order)
    headline = doc.find("section", id="headline").text()
    assert "テーマ別の先頭" in headline and "平均達成度" in headline


def test_compare_page_shows_every_city_in_the_matrix_with_a_chart(compare_page, sample):
    doc = parse_html(compare_page)
    heat = doc.find("table", cls="heat")
    assert [th.text() for th in heat.find_all("th", cls="theme")] == list(THEMES)
    rows = heat.find("tbody").find_all("tr")
    assert [r.find("th").text() for r in rows] == list(MUNICIPALITIES)
    assert all(len(r.find_all("td")) == len(THEMES) for r in rows)
    cards = doc.find_all("article", cls="city")
    assert [c.find("h3").text() for c in cards] == list(MUNICIPALITIES)
    for card in cards:
        chart = card.find("svg", cls="bars")
        assert float(chart.attrs["width"]) > 0 and float(chart.attrs["height"]) > 0
        assert chart.find_all("rect"), card.find("h3").text()
    # a bar per theme the city has measures in, labelled with its count
    akiruno = cards[2]
    labels = [t.text() for t in akiruno.find("svg", cls="bars").find_all("text") if "v" not in t.classes]
    assert labels == ["創業・起業", "事業承継", "商業・商店街", "デジタル・DX", "産学官連携", "経営支援・金融", "まちづくり・地域"]
    assert "施策 14 件" in akiruno.find("p").text()  # the 14 事業 of あきる野市's table
    assert "施策 11 件" in cards[1].find("p").text()  # 西東京市's 11 施策


def test_compare_page_directions_from_the_reports(compare_page):
    cards = {c.find("h3").text(): c for c in parse_html(compare_page).find_all("article", cls="city")}
    chips = {name: [" ".join(s.text().split()) for div in card.find_all("div", cls="chips") for s in div.children
                    if not isinstance(s, str) and s.tag == "span"] for name, card in cards.items()}
    assert {"継続 17", "拡充 3"} <= set(chips["武蔵野市"])  # issue #9: 拡充 ×3 and 継続 ×17
    assert {"継続 31", "終了 4", "変更し実施 2"} <= set(chips["昭島市"])
    assert {"現状維持 207", "改革改善 185", "終了・廃止・休止 15"} <= set(chips["大船渡市"])
    assert chips["あきる野市"] == [] and "方向性の記載なし" in cards["あきる野市"].text()
    # the stacked bar's segments add up to the whole width
    bar = cards["大船渡市"].find("svg", cls="stack")
    assert sum(float(r.attrs["width"]) for r in bar.find_all("rect")) == pytest.approx(float(bar.attrs["width"]), abs=0.5)


def test_compare_heat_cells_carry_achievement_colour_and_counts(compare_page, sample):
    doc = parse_html(compare_page)
    rows = {r.find("th").text(): r.find_all("td") for r in doc.find("table", cls="heat").find("tbody").find_all("tr")}
    by_key = {(c["municipality"], c["theme"]): c for c in sample["cells"]}
    for city, cells in rows.items():
        for theme, td in zip(THEMES, cells):
            cell = by_key.get((city, theme))
            if cell is None:
                assert td.text() == "" and "#ffffff" in td.attrs["style"]
                continue
            a = cell["achievement"]
            assert td.find("span", cls="a").text() == ("—" if a is None else f"{a * 100:.0f}%")
            assert td.find("span", cls="n").text() == f"{cell['n_measures']}・{cell['n_indicators']}"
            assert achievement_colour(a) in td.attrs["style"]
    # 武蔵野市's 2022 goals print their scores (目標4 情報化… 73 点): the theme holding them is graded
    assert rows["武蔵野市"][THEMES.index("デジタル・DX")].find("span", cls="a").text() == "73%"


def _plain(name: str) -> str:
    return re.sub(r"[\s「」『』【】()（）・、]", "", unicodedata.normalize("NFKC", name))


def test_compare_lists_each_measure_once_folded_by_theme(compare_page, sample):
    doc = parse_html(compare_page)
    lists = {d.find("summary").text().split(" の施策一覧")[0]: d for d in doc.find_all("details", cls="city-list")}
    cards = {c.find("h3").text(): c for c in doc.find_all("article", cls="city")}
    for city in MUNICIPALITIES:
        names = {_plain(m["name"]) for m in sample["measures"] if m["municipality"] == city}
        # one count per city: the card, the list and its theme groups say the same number
        assert lists[city].find("summary").text() == f"{city} の施策一覧（{len(names):,} 件）"
        assert cards[city].find("b", cls="n-measures").text() == f"{len(names):,}"
        themes = lists[city].find_all("details", cls="theme-list")
        counts = [int(re.search(r"（([\d,]+) 件）$", t.find("summary").text()).group(1).replace(",", "")) for t in themes]
        assert sum(counts) == len(names)
        assert [len(t.find("tbody").find_all("tr")) for t in themes] == counts
    # 昭島市 prints 83 rows (前期計画の評価 rows repeat measures) for 47 measures: 47 everywhere, and why
    assert "記載 83 行を施策 47 件として数えています" in cards["昭島市"].text()
    assert "大船渡市魚市場維持管理事業" in lists["大船渡市"].text()
    assert all("open" not in d.attrs for d in doc.find("section", id="details").find_all("details"))
    assert "1 件と数えた数" in doc.find("p", id="count-definition").text()


def test_compare_escapes_the_documents_text():
    page = render_compare({
        "municipalities": ["<b>市</b>"], "themes": ["観光"],
        "cells": [{"municipality": "<b>市</b>", "theme": "観光", "n_measures": 1, "n_indicators": 0,
                   "achievement": 0.5, "directions": {"<i>拡充</i>": 1}}],
        "measures": [{"municipality": "<b>市</b>", "doc_id": "d1", "name": "<script>alert(1)</script>", "theme": "観光"}],
        "note": "</details><script>x()</script>",
    })
    assert "<script" not in page and "<b>市" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;市&lt;/b&gt;" in page
    parse_html(page)  # and the page is still well formed


def test_compare_survives_missing_and_odd_keys():
    empty = render_compare({})
    assert "比較するデータがありません" in empty and render_compare(None) == empty
    page = render_compare({"cells": [
        {"municipality": "甲市", "theme": "観光", "n_measures": "3", "achievement": "not graded"},
        {"municipality": "甲市", "theme": "宇宙", "n_measures": 2, "achievement": 1.0, "directions": "n/a"},
        {"theme": "観光", "n_measures": 9},  # no municipality: not a cell
        "not an object",
    ], "measures": None, "municipalities": ["乙市", None]})
    doc = parse_html(page)
    rows = doc.find("table", cls="heat").find("tbody").find_all("tr")
    assert [r.find("th").text() for r in rows] == ["乙市", "甲市"]  # 乙市 named, with nothing: still shown
    themes = [th.text() for th in doc.find_all("th", cls="theme")]
    assert themes == list(THEMES) + ["宇宙"]  # an unknown theme gets its own column, at the end
    kou = rows[1].find_all("td")
    assert kou[THEMES.index("観光")].find("span", cls="a").text() == "—"  # "not graded" is not a number
    assert kou[-1].find("span", cls="a").text() == "100%"
    cards = doc.find_all("article", cls="city")
    assert len(cards) == 2 and "施策なし" in cards[0].find("svg", cls="bars").text()


def test_compare_measures_without_cells_are_counted():
    page = render_compare({"municipalities": ["甲市"], "measures": [
        {"municipality": "甲市", "doc_id": "a", "name": "創業塾", "theme": "創業・起業", "achievement": 1.0,
         "direction": "拡充"},
        {"municipality": "甲市", "doc_id": "a", "name": "創業相談", "theme": "創業・起業", "achievement": 0.5},
    ]})
    td = parse_html(page).find("table", cls="heat").find("tbody").find_all("td")[0]
    assert td.find("span", cls="a").text() == "75%" and td.find("span", cls="n").text() == "2・0"


def test_compare_year_series_makes_a_line_chart_and_a_headline():
    data = {
        "municipalities": ["武蔵野市", "昭島市"], "themes": list(THEMES),
        "cells": [{"municipality": "武蔵野市", "theme": "観光", "n_measures": 1, "n_indicators": 1, "achievement": 1.0,
                   "directions": {}}],
        "measures": [{"municipality": "武蔵野市", "doc_id": "x", "name": "都市観光の推進", "theme": "観光",
                      "achievement": 1.0, "fiscal_year": 2025}],
        "series": [{"municipality": "武蔵野市", "name": "都市観光の推進",
                    "years": [{"fiscal_year": 2025, "achievement": 1.0}, {"fiscal_year": 2022, "achievement": 0.5}]},
                   {"municipality": "武蔵野市", "name": "情報化への対応",
                    "years": [{"fiscal_year": 2022, "achievement": 0.75}, {"fiscal_year": 2025, "achievement": 0.25}]}],
    }
    doc = parse_html(render_compare(data))
    moves = [li.text() for li in doc.find("section", id="headline").find_all("li")]
    assert "武蔵野市: 平均達成度 2022年度 62% → 2025年度 62%" in moves
    assert "武蔵野市「都市観光の推進」: 2022年度 50% → 2025年度 100%" in moves
    assert "武蔵野市「情報化への対応」: 2022年度 75% → 2025年度 25%" in moves
    card = doc.find_all("article", cls="city")[0]
    line = card.find("svg", cls="line")
    assert len(line.find_all("circle")) == 2 and line.find("polyline").attrs["points"]
    assert not doc.find_all("article", cls="city")[1].find_all("svg", cls="line")  # 昭島市 has no series


def test_compare_extra_keys_are_shown_folded():
    page = render_compare({"municipalities": ["甲市"], "sources": [{"file": "a.pdf", "pages": 3}],
                           "generated_by": "hyoka 0.1"})
    summaries = [s.text() for s in parse_html(page).find_all("summary")]
    assert "sources（1 行）" in summaries and "その他の情報" in summaries
    assert "a.pdf" in page and "hyoka 0.1" in page


# --- the audit page --------------------------------------------------------------------------------

def _section(doc, source: str):
    return next(s for s in doc.find("section", id="documents").find_all("section") if s.find("h3").text() == source)


def test_audit_page_is_japanese_small_and_summarises_first(audit_page):
    assert_self_contained(audit_page)
    doc = parse_html(audit_page)
    assert doc.find("html").attrs["lang"] == "ja" and doc.find("h1").text().startswith("監査レポート")
    assert audit_page.index('id="headline"') < audit_page.index('id="documents"')
    headline = doc.find("section", id="headline")
    assert "不一致はありません" in headline.text()
    problems = [[td.text() for td in tr.find_all("td")] for tr in headline.find_all("table")[0].find("tbody").find_all("tr")]
    assert ["注意", "akishima_plan_report_r5.txt", "ありえない和暦年", "2", "L35, L39"] in problems
    assert ["注意", "akishima_plan_report_r5.txt", "番号の欠け", "1", "L303-306"] in problems
    assert ["注意", "musashino_3ki_evaluation_sheets_r7.txt", "年度外の時点", "1", "L346"] in problems
    assert problems[0][0] == "注意" and problems[-1][0] == "条件付きで一致"
    # was 1.9 MB for the 11 renderings; the 4,884 consistent rows of the workbook are summarised
    assert len(audit_page.encode("utf-8")) < 250_000


def test_audit_page_lists_documents_and_rows_in_document_order(audit_page):
    doc = parse_html(audit_page)
    sources = [s.find("h3").text() for s in doc.find("section", id="documents").find_all("section")]
    assert sources == sorted(sources, key=natural_key) and len(sources) == 6
    akishima = _section(doc, "akishima_plan_report_r5.txt")
    places = [tr.find_all("td")[1].text() for tr in akishima.find_all("tr", cls="warning")]
    # grouped by check (in the order first met), each group in line order
    heads = [h.text().split()[0] for h in akishima.find_all("h4") if not any(a.tag == "details" for a in h.ancestors())]
    assert heads == ["ありえない和暦年", "逆順の年度範囲", "番号の欠け"]
    assert places == ["L35", "L39", "L35", "L39", "L303-306"]
    musashino = _section(doc, "musashino_2ki_progress_summary.txt")
    goals = [(tr.find_all("td")[1].text(), tr.find_all("td")[2].text()) for tr in musashino.find_all("tr", cls="consistent")
             if tr.find_all("td")[2].text().startswith("目標")]
    # three checks (counts, exact score, legend units) × the five goals; L100 used to sort before L38
    assert goals == [("L38", "目標1"), ("L68", "目標2"), ("L100", "目標3"), ("L129", "目標4"), ("L155", "目標5")] * 3


def test_audit_page_folds_consistent_rows_and_caps_them(audit_page):
    doc = parse_html(audit_page)
    for tr in doc.find_all("tr", cls="consistent"):
        assert any(a.tag == "details" for a in tr.ancestors())
    for tr in doc.find_all("tr", cls="warning"):
        assert not any(a.tag == "details" for a in tr.ancestors())
    ofunato = _section(doc, "ofunato_jimujigyo_hyoka_r7.xlsx")
    heads = [h.text() for h in ofunato.find_all("h4")]
    assert "財源内訳の合計と事業費計 (A)（一致 2,442 件、最初の 30 件を表示）" in heads
    totals = {s: tr.find_all("td")[-1].text() for tr in doc.find("section", id="headline").find_all("table")[1]
              .find("tbody").find_all("tr") for s in [tr.find("td").text()]}
    assert totals["ofunato_jimujigyo_hyoka_r7.xlsx"] == "4,884"
    everything = render_audit(list(seed_findings()), show_all=True)
    n_consistent = sum(1 for f in seed_findings() if f.status == "consistent")
    assert everything.count('<tr class="consistent">') == n_consistent == 4884 + 40 + 27 + 13 + 8
    assert audit_page.count('<tr class="consistent">') < 40 * CONSISTENT_SHOWN


def test_audit_page_names_the_inconsistent_score(tmp_path):
    # 武蔵野市's 目標3 score printed 88 where its counts give 87 (a hostile copy of the real report)
    text = (SAMPLES / "musashino_2ki_progress_summary.txt").read_text(encoding="utf-8")
    (tmp_path / "m.txt").write_text(text.replace("**87** (79)", "**88** (79)"), encoding="utf-8")
    page = tmp_path / "audit.html"
    res = CliRunner().invoke(app, ["audit", str(tmp_path / "m.txt"), "--format", "html", "--out", str(page)])
    assert res.exit_code == 1, res.output
    doc = parse_html(page.read_text(encoding="utf-8"))
    headline = doc.find("section", id="headline")
    assert "不一致はありません" not in headline.text()
    first = [td.text() for td in headline.find_all("table")[0].find("tbody").find_all("tr")[0].find_all("td")]
    assert first[:3] == ["不一致", "m.txt", "得点（厳密な計算式）"]
    bad = doc.find_all("tr", cls="inconsistent")
    assert bad and not any(a.tag == "details" for tr in bad for a in tr.ancestors())
    assert any(tr.find_all("td")[3].text() == "88" and tr.find_all("td")[2].text() == "目標3" for tr in bad)


def test_audit_page_escapes_and_keeps_odd_findings():
    f = Finding(doc_id="d", source="<img src=x onerror=alert(1)>.txt", check="<b>new_check</b>", status="inconsistent",
                message="printed 「<script>alert(1)</script>」", location="<x>.txt:L5", stated="<i>9</i>")
    page = render(
        [f, replace(f, location="a.txt:L40", scope="目標10", status="consistent"),
         replace(f, location="a.txt:L40", scope="目標3", status="consistent")], "html")
    assert "<script" not in page and "<img" not in page and "<i>9" not in page and "<b>new" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;new_check&lt;/b&gt;" in page
    doc = parse_html(page)
    assert [tr.find_all("td")[2].text() for tr in doc.find_all("tr", cls="consistent")] == ["目標3", "目標10"]
    assert render_audit([]).count("すべての検査項目が一致しました") == 1


def test_terminal_table_is_in_document_order_too():
    findings = [Finding(doc_id="d", source="a.txt", check="points_exact", status="consistent", message=m,
                        location=f"a.txt:L{n}", scope=s)
                for m, n, s in (("M-ten", 101, "目標10"), ("M-three", 38, "目標3"), ("M-one", 9, "目標1"))]
    text = render(findings, "table", show_all=True)
    assert text.index("M-one") < text.index("M-three") < text.index("M-ten")
    assert re.search(r"L9\b", text)


def test_compare_shape_of_pipeline_compare():
    # the keys pipeline/compare.py adds: cities (stated totals, achievement_by_year), series with
    # `points`, in_plan, series_id, scales, documents, scope; the same report read as txt and pdf
    row = {"municipality": "あきる野市", "key": "創業塾", "id": None, "name": "創業塾", "theme": "創業・起業",
           "theme_basis": "名称「創業」", "in_plan": True, "fiscal_year": 2025, "direction": None, "achievement": 0.25,
           "achievement_basis": "grade ×1 (FY2025)", "series_id": "あきる野市/創業塾", "src": "a.txt:L10"}
    data = {
        "municipalities": ["あきる野市"], "themes": list(THEMES), "scope": "measures of the plan only",
        "cells": [{"municipality": "あきる野市", "theme": "創業・起業", "n_measures": 1, "n_rows": 2, "n_indicators": 2,
                   "achievement": 0.25, "n_graded": 2, "directions": {}}],
        "cities": [{"municipality": "あきる野市", "n_documents": 2, "n_measures": 1, "n_outside_plan": 1,
                    "share_other": 0.0, "achievement": 0.25, "n_graded": 2,
                    "achievement_by_year": {"2023": 0.807143, "2024": 0.721429, "2025": 0.603571}}],
        "measures": [{**row, "doc_id": "txt"}, {**row, "doc_id": "pdf", "src": "a.pdf:p1"},
                     {**row, "doc_id": "txt", "name": "道路補修", "theme": "まちづくり・地域", "in_plan": False,
                      "series_id": "あきる野市/道路補修"}],
        "series": [{"series_id": "あきる野市/創業塾", "municipality": "あきる野市", "name": "創業塾", "theme": "創業・起業",
                    "points": [{"fiscal_year": 2023, "achievement": 1.0, "values": [
                        {"indicator": "参加者数", "target": 20.0, "actual": 24.0, "unit": "人", "grade": "S"}]},
                        {"fiscal_year": 2025, "achievement": 0.25, "values": [
                        {"indicator": "参加者数", "target": 45.0, "actual": None, "unit": "人", "grade": None}]}]}],
        "scales": [{"doc_id": "txt", "kind": "grade", "mapping": "S=1, A=1, B=0.7, C=0.25", "rule": "legend"}],
        "documents": [{"doc_id": "txt", "municipality": "あきる野市", "source_path": "a.txt"}],
    }
    doc = parse_html(render_compare(data))
    moves = [li.text() for li in doc.find("section", id="headline").find_all("li")]
    assert "あきる野市: 平均達成度 2023年度 81% → 2025年度 60%" in moves  # as the data states it
    assert "あきる野市「創業塾」: 2023年度 100% → 2025年度 25%" in moves
    card = doc.find("article", cls="city")
    assert len(card.find("svg", cls="line").find_all("circle")) == 3
    assert "計画の対象外として数えていない施策 1 件" in card.text() and "文書 2 件から" in card.text()
    details = doc.find("section", id="details").find_all("details")
    city = details[0]
    assert city.find("summary").text() == "あきる野市 の施策一覧（1 件）"  # the pdf copy of the same list left out
    assert "重なる 1 行は数えていません" in city.text()
    headers = [th.text() for th in city.find("table").find_all("th")]
    assert headers == ["施策名", "テーマ", "年度", "達成度", "方向性", "テーマの根拠", "達成度の根拠", "出典", "記載行数"]
    assert "参加者数 24/20人" in city.text() and "参加者数 目標 45人" in city.text()
    assert "2023年度: 100%" in city.text()  # a series' years, without a thousands separator
    outside = next(d for d in city.find_all("details") if d.find("summary").text().startswith("計画の対象外"))
    assert "道路補修" in outside.text() and outside.find("summary").text() == "計画の対象外として数えていない施策（1 行、見出し 1 件）"
    summaries = [s.text() for s in doc.find_all("summary")]
    assert "達成度の換算（凡例 → 0〜1）（1 行）" in summaries and "文書（1 行）" in summaries
    assert "cities（1 行）" not in summaries  # used, not dumped
