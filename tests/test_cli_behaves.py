"""A CLI that behaves (#19 item 7): the bar and the ✓ lines move as each file is read, -q is errors
only, files of other types are named once, a missing path creates nothing, `show` filters, every
command's JSON in one wrapper, each summary's total in its own words, the audit at 80 columns."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

import hyoka
from hyoka.pipeline import cli_ingest
from hyoka.pipeline.cli import EXIT_NONE_READ, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, app
from hyoka.pipeline.store import StoreWriter

from conftest import SAMPLES, SEED_FILES

runner = CliRunner()
WORKBOOK = SAMPLES / "ofunato_jimujigyo_hyoka_r7.xlsx"


def seed(n: str) -> str:
    return str(SAMPLES / SEED_FILES[n])


@pytest.fixture
def three(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in ("002", "003", "004"):
        shutil.copy(seed(n), folder)
    return folder


def test_each_file_moves_the_bar_and_prints_its_line_before_its_chunk_is_written(three, tmp_path, monkeypatch):
    events: list = []
    real_apply = StoreWriter.apply

    def apply(self, tables):
        events.append(("write", len(tables["documents"])))
        return real_apply(self, tables)

    class Recording(cli_ingest.Progress):
        def update(self, task, **kw):
            if "total" in kw:
                events.append(("total", kw["total"]))
            if kw.get("advance"):
                events.append(("step", kw["advance"]))
            return super().update(task, **kw)

    monkeypatch.setattr(StoreWriter, "apply", apply)
    monkeypatch.setattr(cli_ingest, "Progress", Recording)
    printed = []
    real_print = cli_ingest.console.print
    monkeypatch.setattr(cli_ingest.console, "print",
                        lambda *a, **k: (printed.append(str(a[0])), events.append(("line", str(a[0])[:1])),
                                         real_print(*a, **k)))
    res = runner.invoke(app, ["ingest", str(three), "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert res.exit_code == EXIT_OK, res.output
    # the total is the files to read; one step and one ✓ line per file, all before the chunk (20) is written
    assert events[0] == ("total", 3)
    assert events[1:7] == [("line", "✓"), ("step", 1)] * 3
    assert events[7] == ("write", 3)
    assert printed[-1].startswith("3 read, 0 failed")


def test_quiet_prints_errors_only(three, tmp_path):
    (three / "bad.txt").write_bytes(b"\xff\xfe\x00")  # can't be read
    for args in (["-q", "ingest"], ["ingest", "-q"]):
        out = tmp_path / ("o" + args[0])
        res = runner.invoke(app, [*args, str(three), "--out", str(out)])
        assert res.exit_code == EXIT_SOME_FAILED
        assert res.stdout == ""
        lines = [line for line in res.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("✗ ") and "bad.txt" in lines[0]
        assert len(hyoka.open(out).documents) == 3


def test_files_of_other_types_are_named_once(three, tmp_path):
    (three / "data.csv").write_text("a,b\n", encoding="utf-8")
    (three / "sub").mkdir()
    (three / "sub" / "photo.jpg").write_bytes(b"\xff\xd8")
    res = runner.invoke(app, ["ingest", str(three), "--out", str(tmp_path / "out")])
    assert res.exit_code == EXIT_OK, res.output
    for name in ("data.csv", "photo.jpg"):
        assert res.output.count(name) == 1, res.output
    assert "2 files of other types not read" in res.stderr
    res = runner.invoke(app, ["ingest", str(three), "--out", str(tmp_path / "out2"), "--json"])
    assert sorted(p.rsplit("/", 1)[-1] for p in json.loads(res.stdout)["skipped"]) == ["data.csv", "photo.jpg"]
    # a folder holding nothing hyoka reads says what it skipped
    only = tmp_path / "only"
    only.mkdir()
    (only / "x.csv").write_text("a\n", encoding="utf-8")
    res = runner.invoke(app, ["ingest", str(only), "--out", str(tmp_path / "out3")])
    assert res.exit_code == EXIT_NONE_READ and "x.csv" in res.stderr and not (tmp_path / "out3").exists()


def test_a_missing_path_creates_nothing(tmp_path):
    out = tmp_path / "out"
    res = runner.invoke(app, ["ingest", str(tmp_path / "nope"), str(tmp_path / "nope.txt"), "--out", str(out)])
    assert res.exit_code == EXIT_NONE_READ
    assert not out.exists()
    assert res.stderr.count("file not found") == 2 and "Traceback" not in res.output
    assert "not created" in res.stdout
    # with something to read beside it, the missing one is a failures row of the store
    res = runner.invoke(app, ["ingest", str(tmp_path / "nope.txt"), seed("003"), "--out", str(out)])
    assert res.exit_code == EXIT_SOME_FAILED
    assert list(hyoka.open(out).failures["reason"]) == ["file not found"]


def test_show_filters():
    whole = runner.invoke(app, ["show", str(WORKBOOK)])
    assert whole.exit_code == 0
    res = runner.invoke(app, ["show", str(WORKBOOK), "--limit", "2"])
    assert res.exit_code == 0
    assert len(res.stdout.splitlines()) < len(whole.stdout.splitlines()) / 50
    assert "… 405 more measures (--limit 2 of 407" in res.stdout
    one = runner.invoke(app, ["show", str(WORKBOOK), "--measure", "0086"])
    assert one.exit_code == 0 and "0086 不法投棄対策事業" in one.stdout
    assert sum("(ofunato_jimujigyo_hyoka_r7.xlsx:T0 r" in line for line in one.stdout.splitlines()) == 1
    table = runner.invoke(app, ["show", str(WORKBOOK), "--table", "indicator_values", "--measure", "0086",
                                "--limit", "3"])
    assert table.exit_code == 0
    rows = table.stdout.splitlines()
    assert len(rows) == 4 and rows[0].split("\t")[:2] == ["measure_key", "indicator"]
    assert all(r.split("\t")[0] == "0086" for r in rows[1:])
    assert "21 more rows" in table.stderr
    bad = runner.invoke(app, ["show", str(WORKBOOK), "--table", "nope"])
    assert bad.exit_code == EXIT_USAGE and "no such table" in bad.stderr
    bad = runner.invoke(app, ["show", str(WORKBOOK), "--measure", "no-such-measure"])
    assert bad.exit_code == EXIT_USAGE and "no measure" in bad.stderr and "0086" in bad.stderr


def test_every_command_wraps_its_json_the_same_way(tmp_path):
    out = tmp_path / "out"
    results = {
        "ingest": runner.invoke(app, ["ingest", seed("003"), "--out", str(out), "--json"]),
        "audit": runner.invoke(app, ["audit", seed("003"), "--format", "json"]),
        "audit --db": runner.invoke(app, ["audit", "--db", str(out), "--format", "json"]),
        "compare": runner.invoke(app, ["compare", seed("003"), "--format", "json", "--no-nlp"]),
        "info": runner.invoke(app, ["info", "--json"]),
    }
    for name, res in results.items():
        data = json.loads(res.stdout)
        assert list(data)[:2] == ["hyoka", "command"], name
        assert data["hyoka"] == hyoka.__version__ and data["command"] == name.split()[0]
        assert data["exit_code"] == res.exit_code == 0, name
    assert results["audit"].stdout == results["audit --db"].stdout  # streamed or not, the same document
    assert len(json.loads(results["audit"].stdout)["findings"]) > 10


def test_a_summary_total_is_said_in_its_own_words():
    from hyoka.pipeline.cli_show import _total_text
    from hyoka.pipeline.model import ScoreSummary, SourceRef

    ref = SourceRef(file="x.txt", line_start=1, line_end=1)
    assert _total_text(ScoreSummary("目標1", None, "41施策中 ○30 △1", ref, total_items=41)) == "41施策中"
    assert _total_text(ScoreSummary("S", None, "77項目中12項目で上昇", ref, total_items=77)) == "77項目中"
    assert _total_text(ScoreSummary("S", None, "A 49 B 20", ref, total_items=71, total_raw="合 計: 71")) == "合 計: 71"
    assert _total_text(ScoreSummary("S", None, "A 49 B 22", ref, total_items=71)) == "total 71"
    res = runner.invoke(app, ["show", str(SAMPLES / SEED_FILES["000"])])
    assert "41施策中" in res.stdout


def _widths(text: str) -> list[int]:
    return [cell_len(line.rstrip()) for line in text.splitlines()]


def test_the_audit_table_fits_the_terminal(tmp_path):
    from hyoka.pipeline.audit import audit_tables
    from hyoka.pipeline.report import render

    findings = audit_tables(hyoka.read(seed("004")).tables)
    narrow = Console(file=io.StringIO(), width=80, force_terminal=False, soft_wrap=True)
    render(findings, "table", console=narrow)
    text = narrow.file.getvalue()
    assert max(_widths(text)) <= 80
    assert "商-7 is missing: 商-6 is followed by 商-8" in text  # a message whole on its line, not cut in columns
    wide = Console(file=io.StringIO(), width=160, force_terminal=False, soft_wrap=True)
    render(findings, "table", console=wide)
    assert max(_widths(wide.file.getvalue())) <= 160 and " check " in wide.file.getvalue()
    res = runner.invoke(app, ["audit", seed("004")], env={"COLUMNS": "80"})
    assert max(_widths(res.stdout)) <= 80, res.stdout


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["info"], ["ingest", "--help"]])
def test_start_up_imports_no_dataframe_library(args, tmp_path):
    """`hyoka --version`, `--help` and `info` answer without pandas, pyarrow or duckdb (#20 item 4;
    bench/startup.py times them); `--version` without typer or rich either."""
    import subprocess
    import sys

    code = ("import sys\nfrom hyoka.pipeline.cli import main\nsys.argv = ['hyoka', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = ('pandas', 'pyarrow', 'duckdb', 'numpy', 'typer', 'rich')\n"
            "print('LOADED', *[m for m in heavy if m in sys.modules])\n")
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = done.stdout.strip().splitlines()[-1].split()[1:]
    assert not {"pandas", "pyarrow", "duckdb", "numpy"} & set(loaded), loaded
    if args == ["--version"]:
        assert loaded == [] and done.stdout.splitlines()[0] == hyoka.__version__
