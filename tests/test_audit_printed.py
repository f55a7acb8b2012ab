"""Audit checks on real reports (tests/corpus, copied from shared/corpus): stated rates and differences,
legend wording, and what the ingest flags as printed wrong (eras glued to Western years, dates inside
formulas, group shares whose denominator is not printed). Mutations are made on tmp copies here."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from hyoka.pipeline.audit import audit_tables
from hyoka.pipeline.ingest import ingest
from hyoka.pipeline.audit.printed import date_in_formula, era_glued, group_shares, met_below_target, share_totals

CORPUS = Path(__file__).parent / "corpus"
FUJI = "fuji_sogokeikaku_tassei_2015.txt"


@functools.lru_cache(maxsize=None)
def _audit_corpus_file(name: str):
    result = ingest([CORPUS / name])
    return audit_tables(result.tables(audit=False))


def audit_text(tmp_path: Path, name: str, old: str | None = None, new: str | None = None, count: int = 1):
    """Audit a copy of a corpus report, with `old` replaced by `new` (`count` times; it must be there)."""
    text = (CORPUS / name).read_text(encoding="utf-8")
    if old is not None:
        assert text.count(old) >= count, f"{old!r} not in {name}"
        text = text.replace(old, new, count)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = ingest([path])
    assert not result.failures
    return audit_tables(result.tables(audit=False))


def found(findings, check=None, status=None, location=None):
    return [f for f in findings if (check is None or f.check == check) and (status is None or f.status == status)
            and (location is None or f.location.endswith(location))]


# --- the whole corpus: no false accusation, the known problems raised ------------------------

@pytest.fixture(scope="module")
def corpus_findings():
    facts = json.loads((CORPUS / "facts.json").read_text(encoding="utf-8"))
    result = ingest([CORPUS / f["file"] for f in facts])
    findings = audit_tables(result.tables(audit=False))
    return facts, findings


def test_no_inconsistent_finding_on_a_corpus_report_without_a_known_inconsistency(corpus_findings):
    facts, findings = corpus_findings
    clean = {f["file"] for f in facts if not f.get("known_inconsistencies")}
    assert [(f.source, f.check, f.message) for f in findings if f.source in clean and f.status == "inconsistent"] == []


def test_most_corpus_reports_with_a_known_inconsistency_are_flagged(corpus_findings):
    facts, findings = corpus_findings
    known = {f["file"] for f in facts if f.get("known_inconsistencies")}
    flagged = {f.source for f in findings if f.source in known and f.status in ("inconsistent", "warning")}
    assert len(flagged) >= 7, sorted(known - flagged)


# --- stated rates ---------------------------------------------------------------------------

def test_fuji_printed_progress_rates_all_follow_from_plan_and_actual():
    rates = found(_audit_corpus_file(FUJI), "stated_rate")
    assert len(rates) == 23  # every row of the table, the 計 and 合計 rows too
    assert {f.status for f in rates} == {"consistent"}
    first = found(rates, location=":L10")[0]
    assert first.stated == "93.4%" and round(first.recomputed, 3) == 93.418  # 7,415,050 ÷ 7,937,499


def test_arithmetic_may_decide_structure_never_the_verdict(tmp_path):
    """富士市's 計画 vs 実績 table: the reader confirms which column is the target by the printed
    進捗率 (B)/(A). One printed rate changed (第1章 一般 93.4% → 95.4%) must still be reported
    `inconsistent` — a reading chosen to make the rate come out right would hide it."""
    assert found(_audit_corpus_file(FUJI), status="inconsistent") == []
    findings = audit_text(tmp_path, FUJI, "7,415,050\t93.4%", "7,415,050\t95.4%")
    bad = found(findings, "stated_rate", "inconsistent")
    assert [(f.location, f.stated) for f in bad] == [(f"{FUJI}:L10", "95.4%")]
    assert "7,415,050" in bad[0].message and "7,937,499" in bad[0].message
    # the 計 row below it prints the same figures and the right rate
    assert [f.status for f in found(findings, "stated_rate", location=":L11")] == ["consistent"]


def test_a_truncated_rate_is_consistent_only_with_rounding(tmp_path):
    # 3,034,064 ÷ 1,570,693 = 193.166…%: printed 193.1% is that rate cut off, not rounded
    findings = audit_text(tmp_path, FUJI, "3,034,064\t193.2%", "3,034,064\t193.1%")
    [rate] = found(findings, "stated_rate", location=":L12")
    assert rate.status == "consistent_only_with_rounding" and "truncated" in rate.reading


def test_a_rate_that_is_target_over_actual_against_the_printed_formula_is_a_warning(tmp_path):
    # 7,937,499 ÷ 7,415,050 = 107.05%: the other way round from the header's 進捗率 (B)/(A)
    findings = audit_text(tmp_path, FUJI, "7,415,050\t93.4%", "7,415,050\t107.0%")
    [rate] = found(findings, "stated_rate", location=":L10")
    assert rate.status == "warning" and "(B)/(A)" in rate.message


def test_target_over_actual_is_consistent_where_the_legend_says_lower_is_better(tmp_path):
    """長崎市 prints ⇩ 「目標値を下回ることが望ましい指標」: a rate of target ÷ actual is a reading it allows."""
    name = "nagasaki_kanko_shisaku_hyoka_2015.txt"
    assert {f.status for f in found(_audit_corpus_file(name), "stated_rate")} == {"consistent"}
    findings = audit_text(tmp_path, name, "104.3%", "95.9%")  # 570.0 ÷ 594.5 = 95.88 %
    [rate] = [f for f in found(findings, "stated_rate") if f.stated == "95.9%"]
    assert rate.status == "consistent" and "lower is better" in rate.reading


def test_without_a_printed_formula_a_rate_that_fits_no_reading_is_only_a_warning(tmp_path):
    """長崎市 prints no formula for its 達成率: a rate that fits no reading may be measured from something
    the table does not show, so it is a question, not an accusation; 100% for 104.3% is 'capped?'."""
    name = "nagasaki_kanko_shisaku_hyoka_2015.txt"
    [rate] = [f for f in found(audit_text(tmp_path, name, "104.3%", "99.1%"), "stated_rate") if f.stated == "99.1%"]
    assert rate.status == "warning" and "no formula" in rate.message
    [rate] = [f for f in found(audit_text(tmp_path, name, "104.3%", "100.0%"), "stated_rate") if f.stated == "100.0%"]
    assert rate.status == "warning" and rate.reading == "capped at 100%"


# --- stated differences (目標と実績の比較) --------------------------------------------------

def test_sado_printed_differences_follow_from_target_and_actual(tmp_path):
    name = "sado_nogyo_jigo_kensho_2008.md"
    diffs = found(_audit_corpus_file(name), "stated_difference")
    assert [(f.stated, f.status) for f in diffs] == [
        ("△258ヘクタール", "consistent"), ("1,242.6ヘクタール", "consistent"), ("△60ヘクタール", "consistent"),
        ("80ヘクタール", "consistent"), ("25ヘクタール", "consistent")]
    findings = audit_text(tmp_path, name, "△258ヘクタール", "△268ヘクタール")
    assert [f.stated for f in found(findings, "stated_difference", "inconsistent")] == ["△268ヘクタール"]


# --- legends --------------------------------------------------------------------------------

def test_a_band_called_met_that_starts_below_the_target_is_a_warning():
    findings = _audit_corpus_file("osaka_toshokan_hyoka_kijun_2013.md")
    [met] = found(findings, "legend_met_below_target")
    assert met.status == "warning" and met.location.endswith(":L19") and met.recomputed == 80
    assert "数値目標を達成" in met.message
    [lost] = found(findings, "legend_unlabelled")
    assert lost.status == "warning" and "目標達成に向けた進捗がみられない" in lost.message


def test_a_legend_table_row_called_met_below_the_target_is_a_warning_too():
    """大阪府立図書館 2016: 「| B:数値目標を達成 | 90%以上110%未満 |」, a table row of grades and bands; its
    later legends 「B:目標達成度90%以上110%未満」 (a degree, not a claim) are left alone."""
    found_ = found(_audit_corpus_file("osaka_toshokan_hyoka_kijun_2016.md"), "legend_met_below_target")
    assert [(f.location.rsplit(":", 1)[1], f.status, f.recomputed) for f in found_] == [("L18", "warning", None)]
    assert "90%" in found_[0].message


def test_hedged_or_target_level_labels_are_not_called_met():
    # 鳴門市: A 「目標を達成できた。(達成率100%以上)」, B 「概ね目標を達成できた。(達成率80%以上)」
    # 杵築市: B 「目標を80%以上達成し…」 — none says 'met' below 100 %
    for name in ("naruto_jimujigyo_hyoka_2018.md", "kitsuki_sousei_kimatsu_hyoka.md"):
        assert found(_audit_corpus_file(name), "legend_met_below_target") == []
    # あきる野市: 「B 要改善(50~90%)：このまま業務を進めることにより目標値を達成することができず、…」
    assert met_below_target("要改善(50~90%)：このまま業務を進めることにより目標値を達成することができず、手法等の改善が必要") is None
    assert met_below_target("B : 数値目標を達成 (達成度80%以上110%未満)") == ("目標を達成", 80.0)


def test_bands_of_a_summed_score_above_what_the_parts_can_reach():
    """佐野市: 達成率 → 7..1 ポイント and 取組方針 → 3..1 ポイント, 「(1)及び(2)の合計ポイント」 banded
    「18~16ポイント」「15~13ポイント」…: the sum can be at most 10."""
    found_ = found(_audit_corpus_file("sano_shisaku_kihonjigyo_hyoka.md"), "points_band_unreachable")
    assert [f.stated for f in found_] == ["18~16ポイント", "15~13ポイント"]
    assert {f.status for f in found_} == {"warning"} and "7 + 3 = 10" in found_[0].message


# --- dates and eras, shares in prose --------------------------------------------------------

def test_an_era_glued_to_a_western_year():
    text = "豊中市は、2018年度から令2022年度までを計画期間とする第4次豊中市総合計画前期基本計画の施策について"
    assert [raw for raw, _why in era_glued(text)] == ["令2022年度"]
    assert era_glued("2018年度から2022年度まで、平成30(2018)年度、令和4年度、最大2020年度比") == []
    [f] = found(_audit_corpus_file("toyonaka_seisaku_hyoka_2019.md"), "era_glued")
    assert f.status == "warning" and f.location.endswith(":L3") and f.stated == "令2022年度"


def test_a_date_where_a_number_belongs_in_a_formula():
    [(raw, why)] = date_in_formula("100%×1月5日=20%をA評価として、以下5%刻みで5段階評価としています。")
    assert raw == "100%×1月5日=20%" and "fraction 1/5" in why
    assert date_in_formula("令和2年4月1日から令和3年3月31日まで、1月5日時点") == []
    [f] = found(_audit_corpus_file("motomiya_shisaku_hyoka_2019.md"), "date_in_formula")
    assert f.status == "warning" and f.location.endswith(":L24")


def test_a_group_share_that_is_k_over_n_for_no_printed_total():
    text = (CORPUS / "tagawa_sogokeikaku_shinchoku_undated.md").read_text(encoding="utf-8")
    totals = share_totals(text)
    assert set(totals["指標"]) == {119, 116, 3}  # 119の成果指標, 3 of them not judged, and the 116 left
    [(raw, why)] = group_shares(text, totals)
    assert raw == "68.6%" and "not printed" in why
    # the same share over a total it fits (81/118 = 68.64 %) says nothing
    assert group_shares(text.replace("119の成果指標", "118の成果指標").replace("3件", "0件"),
                        share_totals(text.replace("119の成果指標", "118の成果指標"))) == []
    [f] = found(_audit_corpus_file("tagawa_sogokeikaku_shinchoku_undated.md"), "share_denominator")
    assert f.status == "warning" and f.stated == "68.6%"


def test_shares_printed_with_their_counts_are_not_group_shares():
    # 阿久比町: 「81指標のうち…49指標(60.5%)」 prints its count: the count_share check's business
    text = (CORPUS / "agui_sogokeikaku_hyoka_2020.md").read_text(encoding="utf-8")
    assert group_shares(text, share_totals(text)) == []
