"""hyoka as an installed library and a command: `import hyoka` (and nothing called `pipeline`),
hyoka.read / open / audit, --version, --json, -q/-v, failures named once, odd file names."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import hyoka
from conftest import ROOT, SAMPLES, SEED_FILES
from hyoka.pipeline.cli import EXIT_NONE_READ, EXIT_OK, EXIT_SOME_FAILED, app

runner = CliRunner()


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """A fresh interpreter in `cwd` (outside the checkout), as a user would start one."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    """A folder holding copies of the five seed text renderings."""
    folder = tmp_path_factory.mktemp("seeds")
    for name in SEED_FILES.values():
        shutil.copy(SAMPLES / name, folder)
    return folder


@pytest.fixture(scope="module")
def ds(seeds) -> hyoka.Dataset:
    return hyoka.read(seeds)


def test_only_hyoka_is_importable(tmp_path):
    code = (
        "import importlib, hyoka, hyoka.pipeline.cli, hyoka.extractors, hyoka.normalizers\n"
        "from hyoka.pipeline.rules import load_presets\n"
        "assert load_presets().rules, 'presets not installed'\n"
        "for name in ('pipeline', 'extractors', 'normalizers'):\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ModuleNotFoundError:\n"
        "        print(name, 'not importable')\n"
        "    else:\n"
        "        print(name, 'IMPORTABLE')\n"
        "print('version', hyoka.__version__)\n"
    )
    res = run(["-c", code], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == ["pipeline not importable", "extractors not importable",
                                       "normalizers not importable", f"version {version('hyoka')}"]


def test_every_subpackage_is_installed_under_hyoka():
    """A new folder with an __init__.py under pipeline/, extractors/ or normalizers/ must be
    listed in pyproject.toml, or it would be missing from a non-editable install."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    found = {"hyoka"}
    for top in ("pipeline", "extractors", "normalizers"):
        for init in (ROOT / top).rglob("__init__.py"):
            found.add(".".join(("hyoka", *init.parent.relative_to(ROOT).parts)))
    assert set(config["packages"]) == found
    for package in found - {"hyoka"}:
        top = package.split(".")[1]
        assert config["package-dir"]["hyoka." + top] == top


def test_read_gives_the_same_tables_as_ingest_and_open(seeds, ds, tmp_path):
    out = tmp_path / "out"
    res = run(["-m", "hyoka", "ingest", str(seeds), "--out", str(out), "-q"], cwd=tmp_path)
    assert res.returncode == EXIT_OK, res.stderr
    stored = hyoka.open(out)
    assert isinstance(stored, hyoka.Dataset)
    assert len(ds.documents) == len(stored.documents) == 5
    assert len(ds.measures) == len(stored.measures) == 138
    assert len(ds.indicator_values) == len(stored.indicator_values) == 70
    assert ds.counts() == stored.counts()
    assert set(ds.measures.columns) == set(stored.measures.columns)
    # the DuckDB file gives the same dataset as the Parquet files
    assert hyoka.open(out / "hyoka.duckdb").counts() == stored.counts()


def test_dataset_attributes(ds, tmp_path):
    for name in ("documents", "measures", "actions", "indicator_values", "score_summaries", "costs", "notes",
                 "cross_references", "legends", "dates", "flags", "failures", "audit_findings"):
        frame = getattr(ds, name)
        assert isinstance(frame, pd.DataFrame) and frame is ds[name] and frame is ds.tables[name]
    assert ds.failures.empty and list(ds.failures.columns)[:3] == ["source_path", "stage", "reason"]
    # a table not known to Dataset (added later, or by another store) is still reached by name
    extra = hyoka.Dataset.from_tables({"documents": ds.documents, "later_table": pd.DataFrame({"x": [1]})})
    assert list(extra.later_table["x"]) == [1] and extra.measures.empty and "doc_id" in extra.measures.columns
    with pytest.raises(AttributeError):
        extra.no_such_table
    assert ds.save(tmp_path / "saved") == tmp_path / "saved"
    assert hyoka.open(tmp_path / "saved").counts() == ds.counts()


def test_open_rejects_what_is_not_a_store(tmp_path):
    with pytest.raises(FileNotFoundError):
        hyoka.open(tmp_path / "missing")
    with pytest.raises(ValueError, match="not a hyoka store"):
        hyoka.open(tmp_path)
    (tmp_path / "x.duckdb").write_text("not a database", encoding="utf-8")
    with pytest.raises(ValueError, match="not a DuckDB database"):
        hyoka.open(tmp_path / "x.duckdb")


def test_audit_returns_the_findings(seeds, ds):
    findings = hyoka.audit(ds)
    assert isinstance(findings, pd.DataFrame)
    assert {"status", "check", "source", "location", "message", "rule"} <= set(findings.columns)
    assert len(findings) == len(ds.audit_findings)  # read() ran the same audit
    rows = set(zip(findings["source"], findings["check"], findings["status"]))
    assert (SEED_FILES["004"], "era_impossible", "warning") in rows  # 令和29年度 in a 令和5年 report
    assert (SEED_FILES["003"], "grade_band", "consistent_only_with_rounding") in rows  # 50% read as C
    assert "inconsistent" not in set(findings["status"])
    # paths are read first
    one = hyoka.audit(seeds / SEED_FILES["004"])
    assert set(one["source"]) == {SEED_FILES["004"]} and "era_impossible" in set(one["check"])


def test_version_is_the_package_version(tmp_path):
    res = run(["-m", "hyoka", "--version"], cwd=tmp_path)
    assert res.returncode == 0
    assert res.stdout.strip() == hyoka.__version__ == version("hyoka")
    script = Path(sys.executable).with_name("hyoka")  # the console script, where pip put it
    if script.exists():
        assert subprocess.run([script, "--version"], capture_output=True, text=True).stdout.strip() == hyoka.__version__


def test_ingest_json(seeds, tmp_path):
    broken = tmp_path / "in"
    shutil.copytree(seeds, broken)
    (broken / "empty.txt").write_bytes(b"")
    res = run(["-m", "hyoka", "ingest", str(broken), "--out", str(tmp_path / "out"), "--json"], cwd=tmp_path)
    assert res.returncode == EXIT_SOME_FAILED
    data = json.loads(res.stdout)  # the whole of stdout is one JSON document
    assert data["exit_code"] == EXIT_SOME_FAILED and data["read"] == 5 and data["failed"] == 1
    files = {Path(f["path"]).name: f for f in data["files"]}
    assert set(files) == {*SEED_FILES.values(), "empty.txt"}
    assert files["empty.txt"]["status"] == "failure" and files["empty.txt"]["reason"] == "empty file (0 bytes)"
    akiruno = files[SEED_FILES["003"]]
    assert akiruno["status"] == "success" and len(akiruno["doc_id"]) == 16
    assert akiruno["counts"]["measures"] == 14 and akiruno["counts"]["indicator_values"] == 70
    assert data["tables"]["measures"] == 138
    assert "empty.txt" not in res.stderr  # named once, in the JSON


def test_each_failure_is_named_once(seeds, tmp_path):
    batch = tmp_path / "batch"
    shutil.copytree(seeds, batch)
    (batch / "empty.txt").write_bytes(b"")
    res = runner.invoke(app, ["ingest", str(batch), "--out", str(tmp_path / "out")])
    assert res.exit_code == EXIT_SOME_FAILED
    assert res.output.count("empty.txt: empty file (0 bytes)") == 1
    assert "5 read, 1 failed" in res.output


def test_brackets_in_file_names_are_printed_not_interpreted(seeds, tmp_path):
    folder = tmp_path / "[x]"
    (folder / "[").mkdir(parents=True)
    good = folder / "[bold]report[x].txt"
    shutil.copy(seeds / SEED_FILES["004"], good)
    (folder / "[bold]empty.txt").write_bytes(b"")
    (folder / "[" / "x]closing.txt").write_bytes(b"")  # the path holds "[/x]": a closing tag, were it markup
    res = runner.invoke(app, ["ingest", str(folder), "--out", str(tmp_path / "out")])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert res.exit_code == EXIT_SOME_FAILED, res.output
    assert f"{folder / '[bold]empty.txt'}: empty file (0 bytes)" in res.output
    assert f"{folder}/[/x]closing.txt: empty file (0 bytes)" in res.output
    assert "[bold]report[x].txt" in res.output  # the summary line names it as it is
    res = runner.invoke(app, ["ingest", str(folder), "--out", str(tmp_path / "out2"), "--json"])
    assert {f["status"] for f in json.loads(res.stdout)["files"]} == {"success", "failure"}
    res = runner.invoke(app, ["show", str(good)])
    assert res.exit_code == 0 and "[bold]report[x].txt:L" in res.output
    res = runner.invoke(app, ["show", str(folder / "[" / "x]closing.txt")])
    assert res.exit_code == EXIT_NONE_READ and "[/x]closing.txt: empty file" in res.output
    res = runner.invoke(app, ["audit", str(good)])
    assert res.exit_code == 0 and "[bold]report[x].txt" in res.output
    assert len(hyoka.read(folder).failures) == 2


def test_show_is_whole_when_piped(tmp_path):
    res = run(["-m", "hyoka", "show", str(SAMPLES / SEED_FILES["001"])], cwd=tmp_path)
    assert res.returncode == 0
    lines = res.stdout.splitlines()
    assert max(len(line) for line in lines) > 80 and all(line == line.rstrip() for line in lines)
    # each measure's line ends with where it was printed, however long the line is
    measure_lines = [line for line in lines if "方向性" in line and "担当" in line]
    assert len(measure_lines) == 20
    assert all(line.endswith(")") and f"({SEED_FILES['001']}:" in line for line in measure_lines)


def test_help_info_and_logging(seeds, tmp_path):
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0 and "Exit status" in res.output
    for code in ("0 success", "1 audit", "2 usage", "3 ingest", "4 ingest/show"):
        assert code in " ".join(res.output.split()), code
    res = runner.invoke(app, ["info"])
    assert res.exit_code == 0 and "pip install -e" not in res.output
    info = json.loads(runner.invoke(app, ["info", "--json"]).stdout)
    assert info["hyoka"] == hyoka.__version__
    assert {"musashino_evaluation_sheets", "akiruno_progress_summary"} <= {x["name"] for x in info["layouts"]}
    assert any(".txt" in f["extensions"] for f in info["formats"]) and info["rule_presets"]
    assert info["nlp"]["install"] in (None, 'pip install "hyoka[nlp]"')
    res = runner.invoke(app, ["-vv", "ingest", str(seeds), "--out", str(tmp_path / "out"), "-q"])
    assert res.exit_code == 0 and "hyoka: info: ingest: 5 files" in res.output
    assert "hyoka: debug: read " in res.output and SEED_FILES["004"] in res.output
    res = runner.invoke(app, ["-q", "ingest", str(seeds), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0 and "hyoka: info" not in res.output and "✓" not in res.output
    res = runner.invoke(app, ["ingest", str(tmp_path / "nothing_here"), "--out", str(tmp_path / "o"), "--json"])
    assert res.exit_code == EXIT_NONE_READ
