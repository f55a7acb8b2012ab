"""Audit: every check on the sample reports, and on mutated copies made here (each mutation must be caught)."""

from __future__ import annotations

import json
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES, SEED_FILES
from hyoka.pipeline.audit import audit_tables, recompute_points, stated_interval
from hyoka.pipeline.cli import app
from hyoka.pipeline.ingest import ingest
from hyoka.pipeline.rules import GradeBandsRule, grade_rule_from_legend, load_rules, points_rule_from_legend


@pytest.fixture(scope="module")
def findings(seed_tables):
    return audit_tables(seed_tables)


def of(findings, seed, check=None, status=None):
    name = SEED_FILES[seed]
    return [f for f in findings if f.source == name and (check is None or f.check == check)
            and (status is None or f.status == status)]


def audit_copy(tmp_path: Path, seed: str, old: str, new: str, count: int = 1):
    """Audit a copy of a sample report with `old` replaced by `new` (`count` times, which must exist)."""
    text = (SAMPLES / SEED_FILES[seed]).read_text(encoding="utf-8")
    assert text.count(old) >= count, f"mutation target {old!r} not in {seed}"
    path = tmp_path / SEED_FILES[seed]
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    result = ingest([path])
    assert not result.failures
    return audit_tables(result.tables(audit=False))


def test_samples_have_no_inconsistent_finding(findings):
    assert [f.message for f in findings if f.status == "inconsistent"] == []


# --- 000: points rule from the printed 凡例 -------------------------------------------------

def test_000_legend_parsed_into_the_rule(findings):
    exact = of(findings, "000", "points_exact")
    assert len(exact) == 5
    assert all(f.rule_source.startswith("legend printed in the report") for f in exact)


def test_000_scores_consistent_both_ways(findings):
    exact = of(findings, "000", "points_exact")
    legend = of(findings, "000", "points_legend_units")
    assert [f.status for f in exact] == ["consistent"] * 5
    assert [f.status for f in legend] == ["consistent"] * 5
    assert [f.stated for f in exact] == ["85", "84", "87", "73", "93"]
    assert round(exact[0].recomputed, 2) == 85.37  # 100 × (32 + 2/3 + 7/3) / 41
    assert legend[0].recomputed == pytest.approx(85.38)  # the legend's own 2.44 / 1.63 / 0.81
    assert (exact[0].interval_low, exact[0].interval_high) == (84.5, 85.5)
    # goal 2 counts its '-' item in N: 84.44; leaving it out would give 87.36
    assert round(exact[1].recomputed, 2) == 84.44 and "87.36" in exact[1].message


def test_000_worked_formula_term_by_term(findings):
    terms = of(findings, "000", "legend_formula")
    assert terms and all(f.status == "consistent" for f in terms)
    stated = {f.stated for f in terms}
    assert {"2.44", "1.63", "0.81", "32", "78", "5.67", "85.38", "85"} <= stated


def test_000_counts_add_up(findings):
    assert [f.status for f in of(findings, "000", "counts_sum")] == ["consistent"] * 5


def test_000_score_changed_by_one_is_inconsistent(tmp_path):
    mutated = audit_copy(tmp_path, "000", "41施策中 ○30 △1 □7 ×1 ◎2 -0 → **85 (76) 点 / 100点**",
                         "41施策中 ○30 △1 □7 ×1 ◎2 -0 → **86 (76) 点 / 100点**")
    bad = [f for f in mutated if f.status == "inconsistent"]
    assert {(f.check, f.scope, f.stated) for f in bad} == {("points_exact", "目標1", "86"),
                                                            ("points_legend_units", "目標1", "86")}
    assert bad[0].location.endswith(":L38")


def test_000_count_that_no_longer_sums(tmp_path):
    mutated = audit_copy(tmp_path, "000", "36施策中 ○25 △3", "36施策中 ○24 △3")
    bad = [f for f in mutated if f.status == "inconsistent"]
    assert ("counts_sum", "目標3") in {(f.check, f.scope) for f in bad}


# --- 003: grade bands from the printed 評価指標 --------------------------------------------------

def test_003_grades(findings):
    grades = of(findings, "003", "grade_band")
    assert len(grades) == 42
    assert Counter(f.status for f in grades) == {"consistent": 40, "consistent_only_with_rounding": 2}
    boundary = [f for f in grades if f.status == "consistent_only_with_rounding"]
    assert {f.scope for f in boundary} == {"事業承継相談", "デジタル化促進セミナー"}
    assert all(f.recomputed == 50 and f.stated == "C" and f.reading.startswith("50% counted as C") for f in boundary)
    assert all(f.rule_source.startswith("legend printed") for f in grades)


def test_003_grade_swapped_is_inconsistent(tmp_path):
    # 創業相談 令和5年度: 81 / 100 = 81 % is B; print it as A
    mutated = audit_copy(tmp_path, "003", "97人\t100人\t81人\tB", "97人\t100人\t81人\tA")
    bad = [f for f in mutated if f.status == "inconsistent"]
    assert [(f.check, f.scope, f.stated, f.recomputed) for f in bad] == [("grade_band", "創業相談", "A", 81.0)]


def test_grade_legend_of_another_city_applied_as_printed():
    rule = grade_rule_from_legend(
        [("A", "110%以上"), ("B", "80%~110%"), ("C", "50%~80%"), ("D", "50%未満")], "x", "test")
    assert isinstance(rule, GradeBandsRule)
    from hyoka.pipeline.audit import grade_status

    assert grade_status(rule, 115, "A")[0] == "consistent"
    assert grade_status(rule, 95, "B")[0] == "consistent"
    assert grade_status(rule, 95, "A")[0] == "inconsistent"  # A needs 110 % here
    assert grade_status(rule, 49.9, "D")[0] == "consistent"
    assert grade_status(rule, 50, "D")[0] == "inconsistent"  # 未満 settles it: 50 % is C


def test_points_legend_of_another_city_applied_as_printed():
    rule = points_rule_from_legend(
        [("symbol_weight", "◎ 5点"), ("symbol_weight", "〇 2点"), ("symbol_weight", "△ 0点"),
         ("symbol_weight", "▲ -1点")], "x", "test")
    assert rule.mode == "points"
    assert rule.weights == {"◎": 5, "○": 2, "△": 0, "▲": -1}
    assert recompute_points(rule, {"◎": 2, "○": 3, "△": 1, "▲": 1}, 7) == 15  # 10 + 6 + 0 − 1


def test_rules_file(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(
        '[[rule]]\nid = "half"\nkind = "points"\nmax_points = 10\ndenominator = "excluding_dash"\n'
        'weights = { "○" = 1, "△" = "1/2", "×" = 0, "-" = 0 }\n', encoding="utf-8")
    (rule, applies), = load_rules(path).rules
    assert rule.weights["△"] == Fraction(1, 2) and rule.source == "rules file rules.toml"
    assert recompute_points(rule, {"○": 3, "△": 2, "×": 0, "-": 1}, 6) == 8.0  # 10 × (3 + 1) / 5
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "b"\nkind = "points"\nweights = { "☆" = 1 }\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.toml: rule b"):
        load_rules(bad)


def test_stated_interval():
    assert stated_interval("85") == (84.5, 85.5)
    assert stated_interval("1.63") == pytest.approx((1.625, 1.635))


# --- 004, 002, 001: checks that are not scores ----------------------------------------------------

def test_004_checks(findings):
    impossible = of(findings, "004", "era_impossible")
    assert [(f.stated, f.location.rsplit(":", 1)[1]) for f in impossible] == [("令和29年度", "L35"), ("令和29年度", "L39")]
    backwards = of(findings, "004", "era_range")
    assert [f.stated for f in backwards] == ["令和29年度～令和元年度"] * 2 and "runs backwards" in backwards[0].message
    gaps = of(findings, "004", "numbering")
    assert [f.scope for f in gaps] == ["商-7"] and "商-6 is followed by 商-8" in gaps[0].message
    links = of(findings, "004", "cross_reference")
    assert len(links) == 8 and all(f.status == "consistent" for f in links)
    ended = of(findings, "004", "ended_reappears")
    assert len(ended) == 4 and all(f.status == "consistent" for f in ended)


def test_004_cross_reference_removed(tmp_path):
    mutated = audit_copy(tmp_path, "004", "【観 - 2】 ※【工 - 3】と連携（再掲）", "【観 - 2】")
    warnings = [f for f in mutated if f.check == "cross_reference" and f.status == "warning"]
    assert [(f.scope, f.stated) for f in warnings] == [("工-3", "【観 - 2】")]


def test_004_ended_measure_reappearing(tmp_path):
    mutated = audit_copy(tmp_path, "004", "観光マップ作成⇥".replace("⇥", "\t"), "昭島ブランド・フードグランプリの開催\t")
    again = [f for f in mutated if f.check == "ended_reappears" and f.status == "warning"]
    assert len(again) == 1 and "観-9" in again[0].message


def test_002_era_pairs_and_period(findings):
    pairs = of(findings, "002", "era_pair")
    assert len(pairs) == 7 and all(f.status == "consistent" for f in pairs)
    assert {f.stated for f in pairs} == {"2024", "2033", "2006", "2011", "2014", "2016", "2019"}
    period, = of(findings, "002", "period_length")
    assert period.status == "consistent" and period.recomputed == 10


def test_002_broken_era_pair(tmp_path):
    mutated = audit_copy(tmp_path, "002", "平成26（2014）", "平成26（2015）")
    bad = [f for f in mutated if f.check == "era_pair" and f.status != "consistent"]
    assert [(f.stated, f.recomputed) for f in bad] == [("2015", 2014)]


def test_001_only_the_january_as_of_date(findings):
    dated = [f for f in of(findings, "001") if f.check in ("as_of_date", "era_impossible", "era_pair", "era_range")]
    assert len(dated) == 1
    assert dated[0].stated == "令和7年1月" and dated[0].scope == "施策19" and dated[0].status == "warning"


def test_003_date_outside_fy_but_not_as_of_is_not_reported(findings):
    assert not [f for f in of(findings, "003") if "令和6年8月1日" in (f.stated or "") + f.message]


# --- the command --------------------------------------------------------------------------------

def test_cli_audit_formats_and_exit_status(tmp_path):
    runner = CliRunner()
    seeds = [str(SAMPLES / name) for name in SEED_FILES.values()]
    ok = runner.invoke(app, ["audit", *seeds, "--format", "json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.stdout)
    assert (data["command"], data["exit_code"], data["documents"]) == ("audit", 0, 5)
    assert {"rule", "status", "severity", "source", "location", "stated", "recomputed", "message"} <= set(data["findings"][0])
    page = tmp_path / "audit.html"
    res = runner.invoke(app, ["audit", *seeds, "--format", "html", "--out", str(page)])
    assert res.exit_code == 0 and "商-7 が欠けている: 商-6 の次が 商-8" in page.read_text(encoding="utf-8")  # in Japanese
    text = (SAMPLES / SEED_FILES["000"]).read_text(encoding="utf-8").replace("**87** (79)", "**88** (79)")
    (tmp_path / "m.txt").write_text(text, encoding="utf-8")
    bad = runner.invoke(app, ["audit", str(tmp_path / "m.txt")])
    assert bad.exit_code == 1 and "inconsistent" in bad.output
    usage = runner.invoke(app, ["audit", *seeds, "--format", "xml"])
    assert usage.exit_code == 2


def test_cli_audit_from_store(tmp_path):
    runner = CliRunner()
    seeds = [str(SAMPLES / name) for name in SEED_FILES.values()]
    assert runner.invoke(app, ["ingest", *seeds, "--out", str(tmp_path), "-q"]).exit_code == 0
    res = runner.invoke(app, ["audit", "--db", str(tmp_path / "hyoka.duckdb"), "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert "商-7 is missing" in res.stdout and res.stdout.startswith("doc_id,")


# --- legends in other wordings, odd lines, and rules hyoka only assumes -------------------------

def _summary_report(tmp_path, score_line: str, legend_lines: list[str]) -> list:
    """A 000-style report (legend + one goal) written out and audited."""
    text = "\n\n".join(["第二期産業振興計画進捗管理まとめ", "凡例", *legend_lines,
                        "目標 1 武蔵野市の魅力や価値を高める産業振興", "市・関係機関の主観評価", score_line,
                        "【良い点】", "市勢要覧を構築した（市）"]) + "\n"
    path = tmp_path / "summary.txt"
    path.write_text(text, encoding="utf-8")
    result = ingest([path])
    assert not result.failures, result.failures
    return audit_tables(result.tables(audit=False))


LEGEND_000 = ["$$100\\text{点} \\div 41\\text{施策} \\doteq 2.44\\text{点}$$", "○または◎ . . . 2.44点",
              "△ 2.44点 × 2 / 3", "□ 2.44点 × 1 / 3", "×または- . . . 0点"]


def test_score_that_fits_only_the_legend_units(tmp_path):
    # exact: 100 × (1 + 16 × 2/3) / 21 = 55.56 → 56; legend units: 4.76 + 16 × 3.17 = 55.48 → 55
    found = _summary_report(tmp_path, "21施策中 ○1 △16 □0 ×4 ◎0 -0 → 55点 / 100点", LEGEND_000)
    exact, = [f for f in found if f.check == "points_exact"]
    assert exact.status == "consistent_only_with_rounding" and "legend's rounded unit" in exact.reading
    assert not [f for f in found if f.status == "inconsistent"]


def test_legend_printing_unit_values_instead_of_fractions(tmp_path):
    legend = ["100点 ÷ 41施策 ≒ 2.44点", "○または◎ . . . 2.44点", "△ . . . 1.63点", "□ . . . 0.81点",
              "×または- . . . 0点"]
    found = _summary_report(tmp_path, "41施策中 ○30 △1 □7 ×1 ◎2 -0 → 85 (76) 点 / 100点", legend)
    exact, = [f for f in found if f.check == "points_exact"]
    assert exact.status == "consistent" and round(exact.recomputed, 2) == 85.37


def test_a_line_with_no_items_does_not_stop_the_batch(tmp_path):
    found = _summary_report(tmp_path, "0施策中 ○0 △0 □0 ×0 ◎0 -0 → 0点 / 100点", LEGEND_000)
    exact, = [f for f in found if f.check == "points_exact"]
    assert exact.status == "warning" and "can't recompute" in exact.message


def test_grade_legend_with_both_ends_printed():
    rule = grade_rule_from_legend([("A", "90%以上"), ("B", "50%以上90%未満"), ("C", "50%未満")], "x", "test")
    from hyoka.pipeline.audit import grade_status

    assert grade_status(rule, 130, "B")[0] == "inconsistent"
    assert grade_status(rule, 89.9, "B")[0] == "consistent"


def test_a_preset_never_accuses(tmp_path):
    # without its printed 評価指標, 003 falls back to the generic preset: the two 50 % = C grades
    # are then questions (warnings), not inconsistencies; and the missing legend is no legend at all
    text = (SAMPLES / SEED_FILES["003"]).read_text(encoding="utf-8").split("\n評価指標")[0] + "\n"
    path = tmp_path / SEED_FILES["003"]
    path.write_text(text, encoding="utf-8")
    found = audit_tables(ingest([path]).tables(audit=False))
    grades = [f for f in found if f.check == "grade_band"]
    assert len(grades) == 42 and all(f.rule == "preset-grades-achievement" for f in grades)
    assert not [f for f in found if f.status == "inconsistent"]
    questions = [f for f in grades if f.status == "warning"]
    assert {f.scope for f in questions} == {"事業承継相談", "デジタル化促進セミナー"}
    assert "prints no rule of its own" in questions[0].message


def test_unreadable_legend_is_reported(tmp_path):
    import re

    # the 評価指標 legend without its percentages: 「S 目標値以上：…」 says no band
    text = re.sub(r"\(\d*~?\d*%~?\)", "", (SAMPLES / SEED_FILES["003"]).read_text(encoding="utf-8"))
    assert "120%" not in text
    path = tmp_path / SEED_FILES["003"]
    path.write_text(text, encoding="utf-8")
    found = audit_tables(ingest([path]).tables(audit=False))
    assert [f.check for f in found if f.check == "legend_unreadable"] == ["legend_unreadable"]


def test_stated_interval_is_half_open():
    from hyoka.pipeline.audit.findings import within

    assert within(85.49, stated_interval("85")) and not within(85.5, stated_interval("85"))
    assert within(85.5, stated_interval("86"))


def test_cli_usage_and_input_errors_exit_2(tmp_path):
    runner = CliRunner()
    seed = str(SAMPLES / SEED_FILES["003"])
    cases = [
        ["audit", seed, "--out", str(tmp_path / "no" / "dir" / "a.html")],
        ["audit", "--db", str(tmp_path)],                                   # a folder without a store
        ["audit", "--db", seed],                                            # not a DuckDB file
        ["audit", str(tmp_path)],                                           # nothing to audit
    ]
    bad_rules = tmp_path / "bad.toml"
    bad_rules.write_text('[[rule]]\nid = "b"\nkind = "grade_bands"\nbands = [{ grade = "A", min = "90" }]\n'
                         'rule = 3\n', encoding="utf-8")
    cases.append(["audit", seed, "--rules", str(bad_rules)])
    for args in cases:
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert "Traceback" not in res.output
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    res = runner.invoke(app, ["ingest", seed, "--out", str(not_a_folder)])
    assert res.exit_code == 2 and "is a file, not a folder" in res.output
