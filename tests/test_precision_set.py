"""The precision set (tests/precision/, see its README): documents that are not evaluation/progress
reports — pdfplumber's and python-docx's own test files, English and Chinese financial and
performance reports, a novel, a 決算書, a timetable. hyoka must keep each as a documents row judged
not a report, with the reason, and store nothing from it; --read-anyway must still read them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hyoka
from hyoka.pipeline.cli import app
from hyoka.pipeline.gate import judge_report

PRECISION = Path(__file__).parent / "precision"
FILES = sorted(p for p in PRECISION.iterdir() if p.is_file() and p.name != "README.md")
# every table that holds something read from a document (documents and failures are not content)
CONTENT = ("measures", "actions", "indicator_values", "score_summaries", "summary_counts", "costs", "notes",
           "cross_references", "legends", "dates", "flags")
REASON = "評価・進捗の報告書ではないと判断: "


def test_the_set_has_what_its_readme_lists():
    names = {p.name for p in FILES}
    assert len(FILES) == 23
    assert sum(n.startswith("pdfplumber-") for n in names) == 10
    assert sum(n.startswith("python-docx-") for n in names) == 8
    assert sum(p.stat().st_size for p in FILES) < 3 * 2**20  # a few MB at most


@pytest.fixture(scope="module")
def dataset():
    return hyoka.read(FILES)  # audit on, as a user runs it


def test_nothing_is_read_from_a_document_that_is_not_a_report(dataset):
    docs = dataset.documents
    assert len(docs) == len(FILES) and dataset.failures.empty  # every file kept, none failed
    assert set(docs.status) == {"not_a_report"}
    assert docs.municipality.isna().all() and docs.fiscal_year.isna().all()
    for _i, d in docs.iterrows():
        assert d.errors[0].startswith(REASON) and d.gate == d.errors[0], d.source_path
    for table in CONTENT:
        assert dataset[table].empty, table
    assert (dataset.audit_findings.status != "inconsistent").all() if len(dataset.audit_findings) else True


@pytest.mark.parametrize("name, evidence", [
    ("made-english_annual_report.txt", "日本語の文字がない"),
    ("pdfplumber-WARN-Report-for-7-1-2015-to-03-25-2016.pdf", "日本語の文字がない"),
    # 目標, 指標, 達成率, 年度 as Japanese spells them, but no kana: Chinese
    ("made-chinese_annual_report.txt", "かながほとんどなく"),
    ("pdfplumber-issue-67-example.pdf", "かながほとんどなく"),
    # Japanese, with years and amounts, but no word of evaluating or measuring
    ("made-soseki_novel_excerpt.txt", "評価・進捗の語が 0種しかない"),
    ("made-kessansho_town_budget.md", "評価・進捗の語が 0種しかない"),
    ("made-bus_timetable.txt", "評価・進捗の語が 0種しかない"),
])
def test_the_reason_names_the_evidence(dataset, name, evidence):
    d = dataset.documents.set_index(dataset.documents.source_path.map(lambda p: Path(p).name)).loc[name]
    assert evidence in d.gate


def test_the_gate_counts_the_chinese_report_s_domain_words_and_still_says_no():
    v = judge_report((PRECISION / "made-chinese_annual_report.txt").read_text(encoding="utf-8"))
    assert not v.is_report
    assert v.kana == 0 and v.terms["目標"] == 3 and v.terms["指標"] == 1 and v.terms["達成"] == 3
    assert "評価・進捗の語 4種" in v.reason


def test_read_anyway_reads_them():
    ds = hyoka.read(FILES, audit=False, read_anyway=True)
    docs = ds.documents
    assert len(docs) == len(FILES) and ds.failures.empty
    assert "not_a_report" not in set(docs.status)
    assert set(docs.layout) == {"generic"}  # the reader ran on each
    for _i, d in docs.iterrows():  # and each says it was read against the gate's verdict
        assert d.status == "partial" and d.gate.startswith(REASON)
        assert any(e.startswith("read anyway (--read-anyway): " + REASON) for e in d.errors), d.source_path


def test_the_cli_names_each_file_judged_not_a_report(tmp_path):
    runner = CliRunner()
    files = [str(PRECISION / n) for n in ("made-soseki_novel_excerpt.txt", "python-docx-test.docx")]
    res = runner.invoke(app, ["ingest", *files, "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    lines = [line for line in res.output.splitlines() if "judged not a report" in line]
    assert any(line.startswith("– made-soseki_novel_excerpt.txt") and REASON in line for line in lines)
    assert any(line.startswith("– python-docx-test.docx") for line in lines)
    assert "2 judged not a report" in res.output

    res = runner.invoke(app, ["ingest", *files, "--out", str(tmp_path / "json"), "--json"])
    out = json.loads(res.stdout)
    assert out["not_reports"] == 2 and out["exit_code"] == 0
    assert {f["status"] for f in out["files"]} == {"not_a_report"}
    assert all(f["stage"] == "gate" and f["reason"].startswith(REASON) for f in out["files"])
    assert all(n == 0 for f in out["files"] for n in f["counts"].values())


def test_ingest_read_anyway_reads_a_file_stored_as_not_a_report(tmp_path):
    import pandas as pd

    runner = CliRunner()
    novel = str(PRECISION / "made-soseki_novel_excerpt.txt")
    out = tmp_path / "out"
    assert runner.invoke(app, ["ingest", novel, "--out", str(out), "-q"]).exit_code == 0
    assert pd.read_parquet(out / "documents.parquet").status.tolist() == ["not_a_report"]
    # the same content, unchanged: --read-anyway reads it all the same (no --force needed)
    assert runner.invoke(app, ["ingest", novel, "--out", str(out), "-q", "--read-anyway"]).exit_code == 0
    docs = pd.read_parquet(out / "documents.parquet")
    assert docs.status.tolist() == ["partial"] and docs.layout.tolist() == ["generic"]


def test_show_and_audit_say_so():
    runner = CliRunner()
    novel = str(PRECISION / "made-soseki_novel_excerpt.txt")
    res = runner.invoke(app, ["show", novel])
    assert res.exit_code == 0 and "judged not a report" in res.output and REASON in res.output
    res = runner.invoke(app, ["show", novel, "--read-anyway"])
    assert res.exit_code == 0 and "judged not a report" not in res.output
    res = runner.invoke(app, ["audit", novel])
    assert "judged not a report" in res.output


def test_read_anyway_reaches_the_worker_processes():
    """--read-anyway travels with each file to the pool's workers (pebble), not only the serial path."""
    from hyoka.pipeline.executors import run_files

    files = [PRECISION / "made-soseki_novel_excerpt.txt", PRECISION / "made-bus_timetable.txt"]
    kept = {Path(o.path).name: o.tables["documents"].status.iloc[0] for o in run_files(files, jobs=2)}
    read = {Path(o.path).name: o.tables["documents"].status.iloc[0]
            for o in run_files(files, jobs=2, read_anyway=True)}
    assert set(kept.values()) == {"not_a_report"} and set(read.values()) == {"partial"}
