"""The report gate (pipeline/gate.py): every real report passes, documents that are not reports
don't, and the verdict names its evidence. The precision set has its own tests
(test_precision_set.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import hyoka
from hyoka import extractors
from hyoka.extractors.limits import DEFAULT_LIMITS
from hyoka.pipeline.gate import MIN_DENSITY, judge_report
from hyoka.pipeline.ingest import read_document

HERE = Path(__file__).parent
SAMPLES = HERE.parent / "sample_docs"
# real reports: the sample documents and the copies of shared/corpus (text and renderings); not the
# READMEs, nor the nolines PDF, a rendering of one report's table alone (no word of the domain in it)
REPORTS = sorted(
    p for folder in (SAMPLES, HERE / "corpus", HERE / "corpus" / "render") for p in folder.iterdir()
    if p.suffix.lower() in extractors.supported_extensions() and p.name != "README.md" and "nolines" not in p.name
)


def _verdict(path: Path):
    return judge_report(extractors.backend_for(path).read(path, DEFAULT_LIMITS).full_text())


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_every_real_report_passes(path):
    v = _verdict(path)
    assert v.is_report, v.reason
    assert v.reason.startswith("評価・進捗の報告書と判断: ")


def test_the_reports_pass_with_room_to_spare():
    """The thresholds are far from the reports: the sparsest report here uses its domain's words
    twice as densely as MIN_DENSITY asks (the real ones: 11.5 to 156 per 1,000 characters)."""
    assert len(REPORTS) >= 30
    assert min(_verdict(p).density for p in REPORTS if p.suffix in (".md", ".txt")) > 2 * MIN_DENSITY


def test_the_verdict_for_a_real_report_counts_its_words():
    """shared/corpus fujimino (事務事業評価): few kinds of domain words, used densely. Counted by hand
    in the file: 評価 14 times, 事業 31 times (事務事業, 対象事業, 継続事業 …)."""
    v = _verdict(HERE / "corpus" / "fujimino_jimujigyo_hyoka_2016.md")
    assert v.is_report and v.terms == {"評価": 14, "事業": 31}
    assert "評価・進捗の語 2種 45回 (事業 31, 評価 14)" in v.reason


@pytest.mark.parametrize("text", [
    "評価基準\nA：目標を達成した\nB：概ね達成した\nC：達成できなかった",            # a legend page
    "評価基準\nA 100%以上\nB 80%以上100%未満\nC 60%以上80%未満\nD 60%未満",         # bands: 評価 + a scale
    "| 評価 | 内容 |\n|---|---|\n| ◎ | 順調 |\n| ○ | 概ね順調 |\n| △ | 遅れ |",     # symbols in a table
    "令和5年度 施策評価\n成果指標\t目標値\t実績値\n観光客数\t120\t130",                 # a tiny sheet
    "<!-- an English comment that is not printed, however long it runs on and on and on -->\n"
    "# 指標の状況\n| | 基準値 | 目標値 | 実績値 |\n|---|---|---|---|\n| 数値 | 12件 | 18件 | 21件 |",
])
def test_short_texts_with_a_strong_domain_signal_pass(text):
    assert judge_report(text).is_report, judge_report(text).reason


@pytest.mark.parametrize("text, why", [
    ("", "日本語の文字がない"),
    ("Annual report 2023: targets met, actuals above plan; KPI 評価 A.", "文字の大半が日本語でない"),
    ("映画の評価はとても高い。", "評価・進捗の語が 1種しかない"),
    ("本年度達成營業目標，各事業部指標良好。目標達成率103%。", "かながほとんどなく"),  # Chinese
    ("議事録\n出席者 5名\n", "評価・進捗の語が 0種しかない"),
    ("事業計画書\n当社は新しい事業を計画している。事業の戦略は次のとおり。", "評価・測定の語"),
])
def test_texts_that_are_not_reports_fail_and_say_why(text, why):
    v = judge_report(text)
    assert not v.is_report
    assert v.reason.startswith("評価・進捗の報告書ではないと判断: ") and why in v.reason


def test_a_long_text_with_a_few_domain_words_is_too_sparse():
    """A novel-length text that says 目標 and 計画 and 成果 once each is no report: density decides."""
    prose = "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。" * 60
    v = judge_report(prose + "目標を立てて計画を練り、成果を待った。")
    assert not v.is_report and "まばら" in v.reason and v.density < MIN_DENSITY


def test_markup_is_not_counted():
    """The evidence is the same in every format: tags, comments and TeX commands are not text."""
    plain = judge_report("施策評価\n目標値 100点 ÷ 41施策 ≒ 2.44点")
    marked = judge_report("<p>施策評価</p><!-- note -->\n目標値 $$100\\text{点} \\div 41\\text{施策} \\doteq 2.44\\text{点}$$")
    assert plain.latin_letters == marked.latin_letters == 0


def test_read_anyway_on_a_report_changes_nothing():
    a = read_document(SAMPLES / "akishima_plan_report_r5.txt")
    b = read_document(SAMPLES / "akishima_plan_report_r5.txt", read_anyway=True)
    assert a.status == b.status and len(a.measures) == len(b.measures) and a.gate == b.gate
    assert a.gate.startswith("評価・進捗の報告書と判断: ")


def test_empty_is_not_success(tmp_path):
    """A report read into a legend alone (its content tables missed, or none printed) is partial,
    and the reason says what was read."""
    page = tmp_path / "legend.md"
    page.write_text("# 施策評価の基準\n\n| 評価 | 基準 |\n|---|---|\n| A | 目標を達成した |\n"
                    "| B | 目標をおおむね達成した |\n| C | 目標を達成できなかった |\n", encoding="utf-8")
    ds = hyoka.read(page, audit=False)
    d = ds.documents.iloc[0]
    assert len(ds.legends) == 3 and ds.indicator_values.empty and ds.measures.empty
    assert d.status == "partial"
    assert list(d.errors) == ["no content read: no measure, indicator value, count line, action, cost or note "
                              "(read: 1 legend)"]
