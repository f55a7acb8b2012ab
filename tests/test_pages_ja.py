"""The Japanese pages explain themselves (issue #19 item 6): every check name and message in Japanese,
years without thousands separators, shares with %, every finding linked to the printed row it
quotes, documents whose city was not found listed one by one.

Real inputs: the seed reports (report_samples) and, in tests/data/audit_messages_corpus.json, one
finding of each kind the 40 reports of the shared corpus give (copied, never read at run time).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from report_samples import SAMPLE_FILES, SAMPLES, parse_html, seed_findings
from typer.testing import CliRunner

from hyoka.pipeline.audit import Finding
from hyoka.pipeline.cli import app
from hyoka.pipeline.html_format import fiscal_label, num, year
from hyoka.pipeline.messages_ja import (
    CHECK_LABELS, STATUS_LABELS, check_label, message_ja, reading_ja, recomputed_text, translated,
)
from hyoka.pipeline.report_html import render_audit, render_audit_for, render_compare
from hyoka.pipeline.source_view import parse_place, printed_rows

ROOT = Path(__file__).resolve().parents[1]
CORPUS_CASES = Path(__file__).parent / "data" / "audit_messages_corpus.json"
JAPANESE = re.compile(r"[ぁ-んァ-ヶ一-龠]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
YEAR_WITH_SEPARATOR = re.compile(r"(?<![\d,.])(?:1,9\d\d|2,0\d\d)(?![\d,])")


def _english_outside_quotes(text: str) -> list[str]:
    outside = re.sub(r"「[^「」]*」", "", text)
    outside = re.sub(r"\b(?:[A-Za-z]+-)+[A-Za-z0-9-]+\b", "", outside)  # rule ids: preset-grades-achievement
    return [w for w in ENGLISH_WORD.findall(outside) if w not in {"KPI", "PDCA", "PDF"}]


# --- every check has a Japanese name --------------------------------------------------------------

def emitted_check_names() -> set[str]:
    """The check names the audit code can emit, read from its source: `check="…"`, the flag → check
    map, the `check_*` functions (a check that raised is reported under its name) and the flags
    pipeline/audit/printed.py writes."""
    files = [ROOT / "pipeline" / "audit.py", *sorted((ROOT / "pipeline" / "audit").glob("**/*.py"))]
    names: set[str] = set()
    for path in (p for p in files if p.is_file()):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"\bcheck\s*=\s*\"(\w+)\"", text))
        names |= set(re.findall(r"^def check_(\w+)\(", text, re.M))
        # checks named in a loop's tuples: for check, parts, … in (("cost_funding_sum", _FUNDING, …), …)
        names |= set(re.findall(r"\(\s*\"(\w+)\",\s*(?:_[A-Z]+\b|\(\()", text))
        for block in re.findall(r"_FLAG_CHECKS\s*=\s*\{(.*?)\}", text, re.S):
            names |= set(re.findall(r":\s*\"(\w+)\"", block))
    printed = next(p for p in (ROOT / "pipeline" / "audit" / "printed.py", ROOT / "pipeline" / "printed.py")
                   if p.is_file()).read_text(encoding="utf-8")
    names |= set(re.findall(r"\bfield=\"(\w+)\"", printed)) | set(re.findall(r"\(\"(\w+)\", \w+\(cell\)", printed))
    return names


def test_every_check_the_audit_can_emit_has_a_japanese_label():
    names = emitted_check_names()
    # the enumeration finds the checks of every kind (so an empty grep can't pass this test)
    assert {"points_exact", "grade_band", "legend_unreadable", "legend_unlabelled", "cost_total", "era_glued",
            "date_in_formula", "share_denominator", "points_band_unreachable", "scores", "printed_flags"} <= names
    assert len(names) >= 35
    missing = sorted(n for n in names if n not in CHECK_LABELS)
    assert missing == [], f"checks without a Japanese label in pipeline/messages_ja.py: {missing}"
    for name in names:
        label, explanation = CHECK_LABELS[name]
        assert JAPANESE.search(label) and not ENGLISH_WORD.search(label), (name, label)
        assert JAPANESE.search(explanation), name
    assert check_label("brand_new_check") == "検査 brand_new_check"  # never an empty cell
    assert set(STATUS_LABELS) == {"inconsistent", "warning", "consistent_only_with_rounding", "consistent"}


# --- every message in Japanese --------------------------------------------------------------------

def _corpus_findings() -> list[Finding]:
    return [Finding(doc_id="corpus", **case) for case in json.loads(CORPUS_CASES.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("which", ["seed reports", "corpus"])
def test_every_real_message_goes_through_a_template(which):
    findings = list(seed_findings()) if which == "seed reports" else _corpus_findings()
    assert len({f.check for f in findings}) >= (14 if which == "seed reports" else 12)
    for f in findings:
        assert translated(f), f.message  # a template knows it: not the fallback
        ja = message_ja(f)
        assert JAPANESE.search(ja) and _english_outside_quotes(ja) == [], (f.message, ja)
        assert _english_outside_quotes(reading_ja(f.reading)) == [], f.reading
        for quoted in re.findall(r"「[^「」]*」", f.message):  # the report's own words are kept as printed
            assert quoted in ja or quoted.rstrip("」") in ja, (quoted, ja)


def test_messages_read_as_japanese_sentences():
    by_check = {f.check: f for f in seed_findings() if f.status != "consistent"}
    assert message_ja(by_check["numbering"]) == "商-7 が欠けている: 商-6 の次が 商-8"
    rounding = next(f for f in seed_findings() if f.check == "grade_band" and f.status == "consistent_only_with_rounding")
    assert message_ja(rounding) == "事業承継相談 令和5年度 年間目標: 実績 5人 ÷ 目標 10人 = 50.0% → 区分 B、記載は C"
    assert reading_ja(rounding.reading) == "50% を C に含めた場合（C の上限を含む読み方）"
    as_of = next(f for f in seed_findings() if f.check == "as_of_date" and "令和7年1月時点" in f.message)
    assert message_ja(as_of).startswith("「令和7年1月時点」 は 2024年度で、この報告書の 2025年度（2025年4月〜2026年3月）の外")


def test_messages_of_code_paths_the_samples_do_not_reach():
    # the audit's own sentence shapes (pipeline/audit.py), with values like the reports'
    cases = {
        "目標3: stated 88, recomputed 87.04 from ○25 △3 □4 ×1 ◎3 -0 over N=36 — inconsistent under preset standard "
        "(preset-points-musashino); the report prints no rule of its own, so this is only a question":
            "目標3: 記載 88、○25 △3 □4 ×1 ◎3 -0 から再計算すると 87.04（N=36） — 想定の規則 preset-points-musashino"
            "（既定の規則集「standard」）では不一致。報告書に独自の規則の記載がないため、注意にとどめます",
        "工-3 refers to 【観 - 9】, which is not in the report": "工-3 が参照する 【観 - 9】 は報告書内にない",
        "工-3 ↔ 観-2: 観-2 does not refer back to 工-3": "工-3 ↔ 観-2: 観-2 から 工-3 への参照がない",
        "「まちコン等地域イベントの開催」 marked 終了 reappears as 商-4": "「まちコン等地域イベントの開催」 は 終了 とされているが、商-4 として再び現れる",
        "施策2 令和6年度: grade A printed without a usable target/actual": "施策2 令和6年度: 評価 A の記載があるが、計算に使える目標・実績がない",
        "0086 １年目 (sheet row 3): not a number: 一般財源 「1,2O0」": "0086 １年目（シートの 3 行目）: 数値でない: 一般財源 「1,2O0」",
    }
    for english, japanese in cases.items():
        f = Finding(doc_id="d", source="x.txt", check="points_exact", status="warning", message=english, location="x.txt:L1")
        assert translated(f) and message_ja(f) == japanese


def test_an_unknown_message_is_said_in_japanese_from_its_fields():
    f = Finding(doc_id="d", source="x.txt", check="grade_band", status="inconsistent", location="x.txt:L9",
                message="a sentence no template knows 「達成率 105%」 (区分が合わない)", scope="施策3", stated="C",
                recomputed=105.0)
    assert not translated(f)
    assert message_ja(f) == "評価区分と達成率（施策3） 記載「C」 再計算 105% 「達成率 105%」 （区分が合わない） — 不一致"


# --- numbers: years without separators, shares with % ---------------------------------------------

def test_years_never_print_with_a_thousands_separator():
    assert year(2024) == year(2024.0) == year("2024") == "2024" and num(2024) == "2,024"
    assert fiscal_label(2025.0) == "2025年度" and year(None) == "" and year("R7") == "R7"
    era = next(f for f in seed_findings() if f.check == "era_pair")
    assert recomputed_text(era) == str(era.recomputed) and "," not in recomputed_text(era)
    share = Finding(doc_id="d", source="x", check="count_share", status="consistent", message="m", location="x:L1",
                    recomputed=60.49)
    assert recomputed_text(share) == "60.49%"
    page = render_audit(list(seed_findings()))
    assert YEAR_WITH_SEPARATOR.findall(page) == []
    eras = [tr for tr in parse_html(page).find_all("tr") if tr.find_all("td") and "和暦" in tr.text()]
    compare = render_compare({"municipalities": ["甲市"], "measures": [
        {"municipality": "甲市", "doc_id": "a", "name": "創業塾", "theme": "創業・起業", "fiscal_year": 2024}],
        "documents": [{"doc_id": "a", "municipality": "甲市", "fiscal_year": 2024}]})
    assert "2024" in compare and YEAR_WITH_SEPARATOR.findall(compare) == [] and eras is not None


# --- every finding links to its place and quotes the printed row ----------------------------------

@pytest.fixture(scope="module")
def quoted_page():
    return render_audit_for(list(seed_findings()), {name: str(SAMPLES / name) for name in SAMPLE_FILES})


def test_every_finding_links_to_its_place_in_the_source_view(quoted_page):
    doc = parse_html(quoted_page)
    ids = {n.attrs["id"] for n in doc.find_all("tr") if "id" in n.attrs}
    links = doc.find_all("a", cls="place")
    rows = [tr for tr in doc.find_all("tr") if tr.classes & set(STATUS_LABELS)]
    finding_rows = [tr for tr in rows if tr.find_all("td") and tr.find_all("td")[1].find_all("a", cls="place")]
    assert len(finding_rows) > 100 and len(links) >= len(finding_rows)
    for a in links:
        assert a.attrs["href"].startswith("#") and a.attrs["href"][1:] in ids, a.attrs["href"]


def test_the_quoted_row_is_the_line_printed_there(quoted_page):
    doc = parse_html(quoted_page)
    lines = (SAMPLES / "akishima_plan_report_r5.txt").read_text(encoding="utf-8").splitlines()
    akishima = next(s for s in doc.find("section", id="documents").find_all("section")
                    if s.find("h3").text() == "akishima_plan_report_r5.txt")
    view = {tr.find("th").text(): tr.find("td").text() for tr in akishima.find("table", cls="source-lines").find_all("tr")}
    assert "令和29年度～令和元年度に「空き店舗活用補助」を実施。" in lines[34]
    assert view["L35"] == " | ".join(cell.strip() for cell in lines[34].split("\t") if cell.strip())
    assert view["L303-306"].splitlines()[0] == "【商 - 8】"  # a range: its lines, one a line
    warning = akishima.find_all("tr", cls="warning")[0]
    assert warning.find("a", cls="place").attrs["href"] == "#doc-1-src-L35"
    assert "空き店舗活用補助" in warning.find("td", cls="quote").text()
    ofunato = next(s for s in doc.find("section", id="documents").find_all("section")
                   if s.find("h3").text() == "ofunato_jimujigyo_hyoka_r7.xlsx")
    cells = {tr.find("th").text(): tr.find("td").text() for tr in ofunato.find("table", cls="source-lines").find_all("tr")}
    assert "0582" in cells["T0 r4"] and "大船渡市魚市場維持管理事業" in cells["T0 r4"]


def test_places_parse_and_a_missing_file_quotes_nothing(tmp_path):
    assert parse_place("p23 T18 r11") == {"page": 23, "table": 18, "row": 11}
    assert parse_place("L24 – L28")["lines"] == (24, 28) and parse_place("L303-306")["lines"] == (303, 306)
    assert parse_place("x.txt") is None
    assert printed_rows({"gone.txt": str(tmp_path / "gone.txt")}, {"gone.txt": {"L1"}}) == {}
    f = Finding(doc_id="d", source="gone.txt", check="numbering", status="warning", location="gone.txt:L3",
                message="商-7 is missing: 商-6 is followed by 商-8")
    page = render_audit_for([f], {"gone.txt": str(tmp_path / "gone.txt")})
    assert "原文を読み込めませんでした" in page and 'href="#doc-0-src-L3"' in page and 'id="doc-0-src-L3"' in page
    whole = Finding(doc_id="d", source="a.txt", check="scores", status="warning", location="a.txt",
                    message="check could not run: KeyError: 'total'")
    page = render_audit([whole])
    assert "文書全体についての結果" in page and "得点と件数" in page and "検査を実行できなかった（理由は JSON 出力に記載）" in page


def test_cli_audit_html_quotes_the_printed_rows(tmp_path):
    src = tmp_path / "akishima.txt"
    src.write_bytes((SAMPLES / "akishima_plan_report_r5.txt").read_bytes())
    out = tmp_path / "audit.html"
    res = CliRunner().invoke(app, ["audit", str(src), "--format", "html", "--out", str(out)])
    assert res.exit_code == 0, res.output
    doc = parse_html(out.read_text(encoding="utf-8"))
    quotes = [td.text() for td in doc.find_all("td", cls="quote")]
    assert any("空き店舗活用補助" in q for q in quotes)
    assert "原文を読み込めませんでした" not in out.read_text(encoding="utf-8")


def test_cli_audit_db_html_quotes_the_rows_of_the_stored_documents_files(tmp_path):
    src = tmp_path / "akishima.txt"
    src.write_bytes((SAMPLES / "akishima_plan_report_r5.txt").read_bytes())
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(src), "--out", str(tmp_path / "store")]).exit_code == 0
    out = tmp_path / "audit.html"
    res = runner.invoke(app, ["audit", "--db", str(tmp_path / "store"), "--format", "html", "--out", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert "空き店舗活用補助" in parse_html(page).find("td", cls="quote").text()
    src.unlink()  # the file gone: the page says so instead of quoting
    res = runner.invoke(app, ["audit", "--db", str(tmp_path / "store"), "--format", "html", "--out", str(out)])
    assert res.exit_code == 0 and "原文を読み込めませんでした" in out.read_text(encoding="utf-8")


# --- cities not found: one row per document -------------------------------------------------------

def test_documents_without_a_city_are_listed_one_by_one():
    data = {
        "municipalities": ["甲市", "(不明)"],
        "cells": [{"municipality": "甲市", "theme": "観光", "n_measures": 1, "n_indicators": 0, "achievement": None},
                  {"municipality": "(不明)", "theme": "観光", "n_measures": 3, "n_indicators": 0, "achievement": None}],
        "cities": [{"municipality": "(不明)", "n_documents": 2, "n_measures": 3}],
        "documents": [{"doc_id": "a", "municipality": "甲市", "source_path": "/r/kou.md"},
                      {"doc_id": "b", "municipality": "(不明)", "source_path": "/r/plan_b.md", "title": "評価報告書"},
                      {"doc_id": "c", "municipality": "(不明)", "source_path": "C:\\r\\plan_c.txt"},
                      {"doc_id": "d", "municipality": "(不明)", "source_path": "/r/README.md"}],  # nothing read
        "measures": [{"municipality": "甲市", "doc_id": "a", "name": "観光PR", "theme": "観光"},
                     {"municipality": "(不明)", "doc_id": "b", "name": "観光案内", "theme": "観光"},
                     {"municipality": "(不明)", "doc_id": "b", "name": "観光マップ", "theme": "観光"},
                     {"municipality": "(不明)", "doc_id": "c", "name": "民泊", "theme": "観光"}],
    }
    doc = parse_html(render_compare(data))
    rows = [tr.find("th").text() for tr in doc.find("table", cls="heat").find("tbody").find_all("tr")]
    assert rows == ["甲市", "自治体不明: plan_b.md", "自治体不明: plan_c.txt"]
    cards = {c.find("h3").text(): c.find("b", cls="n-measures").text() for c in doc.find_all("article", cls="city")}
    assert cards == {"甲市": "1", "自治体不明: plan_b.md": "2", "自治体不明: plan_c.txt": "1"}
    listed = doc.find("details", id="unknown-docs")
    assert listed.find("summary").text().startswith("自治体名を読み取れなかった文書（3 件")
    assert [[td.text() for td in tr.find_all("td")] for tr in listed.find("tbody").find_all("tr")] == [
        ["自治体不明: plan_b.md", "plan_b.md", "評価報告書", "2"], ["自治体不明: plan_c.txt", "plan_c.txt", "", "1"],
        ["自治体不明: README.md", "README.md", "", "0"]]  # listed, but no empty row in the matrix
    assert "(不明)" not in doc.find("table", cls="heat").text()


def test_the_audit_page_has_no_english_finding_text():
    page = render_audit(list(seed_findings()), show_all=False)
    doc = parse_html(page)
    for td in doc.find_all("td", cls="msg"):
        assert _english_outside_quotes(td.text()) == [], td.text()
    heads = [h.text() for h in doc.find_all("h4")]
    assert heads and all(JAPANESE.search(h) for h in heads)
    odd = replace(next(iter(seed_findings())), check="legend_unreadable", status="warning",
                  message="the report prints a points legend hyoka could not read; its scores are not recomputed")
    assert "報告書に印刷された得点の凡例を読み取れませんでした" in render_audit([odd])
    assert "読み取れない凡例" in render_audit([odd])


def test_the_compare_objects_english_words_are_japanese_on_the_page():
    # the strings pipeline/compare.py writes (bases, scales, scope), as it writes them
    data = {
        "municipalities": ["甲市"], "scope": "measures of the industrial-promotion plan only (in_plan); measures of a "
        "city's whole 事務事業 list outside industry headings are listed with in_plan false and not counted",
        "measures": [{"municipality": "甲市", "doc_id": "a", "name": "創業塾", "theme": "創業・起業", "achievement": 0.7,
                      "achievement_basis": "grade ×3 (FY2025)", "fiscal_year": 2025},
                     {"municipality": "甲市", "doc_id": "a", "name": "目標1", "theme": "観光", "achievement": 0.85,
                      "achievement_basis": "目標1: symbol ×41 (FY2022)"}],
        "scales": [{"doc_id": "a", "kind": "grade", "mapping": "S=1, A=1, B=0.7, C=0.25 (band middle, capped at 1)",
                    "rule": "legend-grade_bands (legend printed in the report (a.txt:L25 – L28))"},
                   {"doc_id": "a", "kind": "ratio", "rule": "ratio", "mapping": "actual/target capped at 1; 増加 is good "
                    "(the document grades actual / target (its 評価指標 legend))"}],
        "documents": [{"doc_id": "a", "municipality": "甲市", "fiscal_year": 2025, "source_path": "/r/a.txt"}],
    }
    doc = parse_html(render_compare(data))
    text = doc.find("section", id="details").text()
    assert "評価区分 ×3（2025年度）" in text and "目標1: 記号 ×41（2022年度）" in text
    scales = next(d for d in doc.find_all("details") if d.find("summary").text().startswith("達成度の換算"))
    assert [th.text() for th in scales.find_all("th")] == ["文書ID", "種類", "換算", "規則"]
    assert [[td.text() for td in tr.find_all("td")] for tr in scales.find("tbody").find_all("tr")] == [
        ["a", "評価区分", "S=1, A=1, B=0.7, C=0.25（区分の中央値、上限 1）", "legend-grade_bands (報告書に印刷された凡例（a.txt:L25 – L28）)"],
        ["a", "実績÷目標", "実績÷目標（上限 1）、増加が良い（報告書が実績÷目標で評価: 評価指標の凡例）", "実績÷目標"]]
    assert "産業振興計画の施策のみ（in_plan）" in text and "2,025" not in text
