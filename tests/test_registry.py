"""The registry of backends and layouts (extractors/registry.py): explicit lists, third-party layouts
through the `hyoka.layouts` entry point, detection with a score, its reasons and the runner-up, kept in
the documents table and logged by `hyoka -v ingest`."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import hyoka
from hyoka import extractors
from hyoka.extractors import registry
from hyoka.extractors.base import CLAIM, LayoutExtractor, Score, SourceText
from hyoka.pipeline.model import Row, SourceRef

SAMPLES = Path(__file__).resolve().parents[1] / "sample_docs"

# a city hyoka has never heard of: a plain indicator table under a title
TABLE_REPORT = """\
架空市産業振興計画 成果指標一覧（令和6年度評価）

本市の産業振興計画に掲げる施策の成果指標について、令和6年度の目標と実績を評価した。評価はA・B・Cの3段階とする。

| 施策 | 指標名 | 目標値 | 実績値 | 評価 |
|---|---|---|---|---|
| 創業支援 | 創業件数 | 30件 | 27件 | B |
| 観光振興 | 観光客数 | 50万人 | 52万人 | A |
| 商店街活性化 | 空き店舗活用数 | 10件 | 4件 | C |
"""

# that city's layout, as another package would ship it: one module, registered by its entry point
PLUGIN = '''
from hyoka.extractors.base import LayoutExtractor, Score
from hyoka.extractors.generic import read_generic


class KakuuIndicators(LayoutExtractor):
    name = "kakuu_seika_shihyo"
    description = "架空市 成果指標一覧 (a layout from another package)"

    @classmethod
    def detect(cls, text):
        head = text.head(200)
        return Score.all_of(0.8, {"「架空市」 in the title": "架空市" in head,
                                  "「成果指標一覧」 in the title": "成果指標一覧" in head})

    def extract(self, text, doc):
        read_generic(text, doc)
        doc.plan_name = "架空市産業振興計画"
'''


def install_plugin(site: Path, module: str = "kakuu_layout", source: str = PLUGIN,
                   target: str = "kakuu_layout:KakuuIndicators") -> Path:
    """A package as pip would leave it in site-packages: the module and its .dist-info with the entry point."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / f"{module}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[hyoka.layouts]\n{module} = {target}\n", encoding="utf-8")
    return site


@pytest.fixture
def fresh_registry():
    registry.refresh()
    yield registry
    registry.refresh()


def text_of(*lines: str) -> SourceText:
    rows = [Row(cells=(line,), ref=SourceRef(file="t.txt", line_start=i, line_end=i)) for i, line in enumerate(lines, 1)]
    return SourceText(path=Path("t.txt"), format="text", rows=rows)


def test_score_all_of_claims_only_with_every_signal():
    full = Score.all_of(0.9, {"a": True, "b": True, "c": True})
    assert full == 0.9 and full.reasons == ("a", "b", "c")
    partial = Score.all_of(0.9, {"a": True, "b": False, "c": True})
    assert partial == pytest.approx(CLAIM * 2 / 3) and partial < CLAIM
    assert partial.reasons == ("a", "c", "no b")
    assert Score.all_of(0.9, {"a": False}) == 0.0


def test_every_builtin_is_listed_and_resolves():
    assert [cls.name for cls in registry.layouts()] == [
        "akiruno_progress_summary", "akishima_plan_report", "musashino_evaluation_sheets",
        "musashino_progress_summary", "nishitokyo_masterplan_overview", "ofunato_jimujigyo_hyoka"]
    ours = [b.name for b in extractors.backends() if type(b).__module__.startswith("hyoka.")]  # not tests' fakes
    assert ours == ["text", "pdf", "docx", "xlsx", "xls", "ods", "doc", "odt", "html", "zip"]
    assert extractors.layouts()[-1].name == "generic"


def test_a_layout_from_an_entry_point_reads_a_table_report(tmp_path, monkeypatch, fresh_registry):
    """Adding a table-shaped city is one module of its own (here outside hyoka, in a package on
    sys.path), registered through the `hyoka.layouts` entry point; no file of hyoka's is touched."""
    monkeypatch.syspath_prepend(str(install_plugin(tmp_path / "site")))
    registry.refresh()
    report = tmp_path / "kakuu_r6.txt"
    report.write_text(TABLE_REPORT, encoding="utf-8")

    data = hyoka.read([report])

    doc = data.documents.iloc[0]
    assert doc["layout"] == "kakuu_seika_shihyo" and doc["plan_name"] == "架空市産業振興計画"
    assert doc["layout_score"] == 0.8
    assert doc["layout_basis"] == "「架空市」 in the title; 「成果指標一覧」 in the title"
    assert (doc["layout_runner_up"], doc["layout_runner_up_score"]) == ("generic", 0.0)
    values = data.indicator_values.sort_values("src_line_start")
    assert list(values["indicator"]) == ["創業件数", "観光客数", "空き店舗活用数"]
    assert list(values["target"]) == [30.0, 50.0, 10.0] and list(values["actual"]) == [27.0, 52.0, 4.0]
    assert list(values["unit"]) == ["件", "万人", "件"]
    assert list(values["grade"]) == ["B", "A", "C"]
    assert list(values["src"]) == ["kakuu_r6.txt:L7", "kakuu_r6.txt:L8", "kakuu_r6.txt:L9"]
    assert not list(Path(hyoka.__file__).resolve().parents[1].rglob("kakuu*"))  # nothing of it inside hyoka


def test_without_the_entry_point_the_same_report_is_generic(tmp_path, fresh_registry):
    report = tmp_path / "kakuu_r6.txt"
    report.write_text(TABLE_REPORT, encoding="utf-8")
    doc = hyoka.read([report]).documents.iloc[0]
    assert doc["layout"] == "generic" and doc["layout_basis"] == "no layout claimed it: read by its labels"


def test_a_broken_or_clashing_entry_point_is_left_out(tmp_path, monkeypatch, fresh_registry, caplog):
    site = install_plugin(tmp_path / "site", "broken_layout", "raise ImportError('no such thing')\n",
                          "broken_layout:Layout")
    install_plugin(site, "clash_layout", PLUGIN.replace('"kakuu_seika_shihyo"', '"akishima_plan_report"'),
                   "clash_layout:KakuuIndicators")
    monkeypatch.syspath_prepend(str(site))
    registry.refresh()
    with caplog.at_level(logging.WARNING, logger="hyoka"):
        names = [cls.name for cls in registry.layouts()]
    assert names.count("akishima_plan_report") == 1 and len(names) == 6
    assert registry.layouts()[1].__module__ == "hyoka.extractors.akishima_report"
    assert "broken_layout = broken_layout:Layout can't be loaded: no such thing" in caplog.text
    assert "layout akishima_plan_report (clash_layout) repeats a registered name" in caplog.text


class _Fake(LayoutExtractor):
    value = 0.0

    @classmethod
    def detect(cls, text):
        return cls.value

    def extract(self, text, doc):
        pass


def _fake(name: str, value: float) -> type[LayoutExtractor]:
    return type(name, (_Fake,), {"name": name, "value": value})


def test_a_tie_goes_to_the_layout_listed_first_and_is_logged(monkeypatch, caplog):
    zeta, alpha = _fake("zeta", 0.9), _fake("alpha", 0.9)
    monkeypatch.setattr(registry, "layouts", lambda: (zeta, alpha))
    with caplog.at_level(logging.WARNING, logger="hyoka"):
        choice = registry.choose_layout(text_of("x"))
    assert choice.layout is zeta and (choice.runner_up, choice.runner_up_score) == ("alpha", 0.9)
    assert "zeta and alpha both claim it with 0.9; zeta wins (listed first)" in caplog.text
    assert choice.reasons == ("detect() gave no reasons",)  # a bare float is still a score


def test_a_layout_class_claims_nothing_until_registered(monkeypatch):
    """Subclassing LayoutExtractor (the fakes in this file) registers nothing; register_layout does."""
    eager = _fake("eager", 0.95)
    assert eager not in registry.layouts()
    monkeypatch.setattr(registry, "_registered", [])
    try:
        registry.register_layout(eager)
        assert registry.layouts()[-1] is eager and registry.choose_layout(text_of("x")).layout is eager
    finally:
        registry.layouts.cache_clear()
    monkeypatch.undo()
    registry.layouts.cache_clear()
    assert eager not in registry.layouts()


def test_no_claim_goes_to_the_generic_reader_with_the_best_as_runner_up(monkeypatch):
    monkeypatch.setattr(registry, "layouts", lambda: (_fake("weak", 0.3), _fake("weaker", 0.1), _fake("none", 0.0)))
    choice = registry.choose_layout(text_of("x"))
    assert choice.layout.name == "generic" and choice.score is None
    assert (choice.runner_up, choice.runner_up_score) == ("weak", 0.3)
    assert choice.basis == "no layout claimed it (best: weak 0.3): read by its labels"
    assert extractors.detect_layout(text_of("x")) is None


def test_a_near_miss_is_the_runner_up_in_the_documents_table(tmp_path):
    """あきる野's report without its 個別施策 column label: two of the layout's three signals, so the
    generic reader reads it and the layout is the runner-up, with what it saw and what it missed."""
    text = (SAMPLES / "akiruno_progress_summary_r7.txt").read_text(encoding="utf-8").replace("個別施策", "個別事業")
    (tmp_path / "near.txt").write_text(text, encoding="utf-8")
    doc = hyoka.read([tmp_path / "near.txt"]).documents.iloc[0]
    assert doc["layout"] == "generic" and doc["layout_runner_up"] == "akiruno_progress_summary"
    assert doc["layout_runner_up_score"] == pytest.approx(1 / 3)
    assert doc["layout_basis"] == "no layout claimed it (best: akiruno_progress_summary 0.333333): read by its labels"


def _hyoka(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hyoka", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def test_verbose_ingest_names_layout_score_and_runner_up(tmp_path):
    """`hyoka -v ingest` logs, for each file, the layout chosen, its score and reasons, and the runner-up —
    also from the worker processes that read the files (two jobs here)."""
    text = (SAMPLES / "akiruno_progress_summary_r7.txt").read_text(encoding="utf-8").replace("個別施策", "個別事業")
    (tmp_path / "near.txt").write_text(text, encoding="utf-8")
    run = _hyoka("-v", "ingest", str(SAMPLES / "akishima_plan_report_r5.txt"), str(tmp_path / "near.txt"),
                 "--out", str(tmp_path / "out"), "--jobs", "2")
    assert run.returncode == 0, run.stderr
    assert ("hyoka: info: akishima_plan_report_r5.txt: layout akishima_plan_report 0.9 (「報告書」 in the first 500 "
            "characters; a measure heading 【工-1】) — runner-up generic 0 (no other layout saw any of its signals)") \
        in run.stderr
    assert ("hyoka: info: near.txt: layout generic (no layout claimed it (best: akiruno_progress_summary 0.333333): "
            "read by its labels) — runner-up akiruno_progress_summary 0.333333 (「進捗状況まとめ」 in the first 3000 "
            "characters; 「年間目標」 in the first 3000 characters; no 「個別施策」 in the first 3000 characters)") \
        in run.stderr
    quiet = _hyoka("ingest", str(SAMPLES / "akishima_plan_report_r5.txt"), "--out", str(tmp_path / "out2"))
    assert "layout akishima_plan_report 0.9" not in quiet.stderr  # without -v: not a word of it


def test_verbose_ingest_with_an_installed_layout(tmp_path):
    """The entry point seen by a real `hyoka ingest` in a fresh process (the package on PYTHONPATH)."""
    site = install_plugin(tmp_path / "site")
    report = tmp_path / "kakuu_r6.txt"
    report.write_text(TABLE_REPORT, encoding="utf-8")
    run = _hyoka("-v", "ingest", str(report), "--out", str(tmp_path / "out"),
                 env={"PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])})
    assert run.returncode == 0, run.stderr
    assert "kakuu_r6.txt: layout kakuu_seika_shihyo 0.8 (「架空市」 in the title; 「成果指標一覧」 in the title)" in run.stderr
    assert hyoka.open(tmp_path / "out").documents.iloc[0]["layout"] == "kakuu_seika_shihyo"
