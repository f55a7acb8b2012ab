"""Hostile names and reasons on the command line (#11 items 1, 2): no markup read from data, file names
that are not UTF-8 printed and stored."""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from hyoka.extractors.base import ExtractionError
from hyoka.normalizers.text import printable
from hyoka.pipeline.cli import app
from hyoka.pipeline.ingest import ingest

from conftest import SAMPLES

AKIRUNO = SAMPLES / "akiruno_progress_summary_r7.txt"
runner = CliRunner()


@pytest.fixture
def markup_report(tmp_path):
    """The あきる野 report in a folder called "m[/x]", as "[bold]a\\.txt", a measure named with markup."""
    folder = tmp_path / "m[" / "x]"
    folder.mkdir(parents=True)
    path = folder / "[bold]a\\.txt"
    text = AKIRUNO.read_text(encoding="utf-8")
    assert "事業承継の促進" in text
    path.write_text(text.replace("事業承継の促進", "事業承継の促進[/x][bold]\\", 1), encoding="utf-8")
    return path


def test_show_prints_names_and_text_as_printed(markup_report):
    res = runner.invoke(app, ["show", str(markup_report)])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    # one backslash, as printed (escaping for markup used to double it)
    assert any(line.endswith("── 個別施策 事業承継の促進[/x][bold]\\") for line in lines)
    assert "([bold]a\\.txt:L9)" in res.output


def test_audit_prints_names_and_reasons_as_printed(markup_report, monkeypatch):
    from hyoka.extractors import text_format

    shutil.copy(markup_report, markup_report.parent / "[bold]copy.txt")
    broken = markup_report.parent / "[i]broken.txt"
    broken.write_text("x", encoding="utf-8")
    real = text_format.TextBackend.read

    def read(self, path, limits=text_format.DEFAULT_LIMITS):
        if path.name == broken.name:  # what a PDF library says about a filter array
            raise ExtractionError("can't decode [/'ASCII85Decode', /'FlateDecode'] [/x]")
        return real(self, path, limits)

    monkeypatch.setattr(text_format.TextBackend, "read", read)
    res = runner.invoke(app, ["audit", str(markup_report.parent)])
    assert res.exit_code == 2, res.output  # some files could not be read
    assert f"{broken}: can't decode [/'ASCII85Decode', /'FlateDecode'] [/x]" in res.output
    assert f"{markup_report.parent / '[bold]copy.txt'}: same content as {markup_report}; not loaded twice" in res.output
    assert "\n[bold]a\\.txt  (2 consistent_only_with_rounding, 40 consistent)" in res.output
    assert "[bold]a\\.txt:L25 – L28" in res.output  # the legend: its S–C rows


# ---------------------------------------------------------------- item 2: names that are not UTF-8


@pytest.fixture
def cp932_batch(tmp_path):
    """What unzipping a Windows zip leaves: folder 「報告」 and file 「テスト.txt」 as cp932 bytes."""
    folder = tmp_path / os.fsdecode("報告".encode("cp932"))
    folder.mkdir()
    shutil.copy(AKIRUNO, folder / os.fsdecode("テスト.txt".encode("cp932")))
    (folder / os.fsdecode("空.txt".encode("cp932"))).write_bytes(b"")
    return tmp_path


def test_printable_file_names():
    name = os.fsdecode("テスト.txt".encode("cp932"))
    assert printable(name) == "\\x83e\\x83X\\x83g.txt"
    assert printable("テスト.txt") == "テスト.txt" and printable("\ud800x") == "\\ud800x"


def test_names_that_are_not_utf8_are_stored_and_printed(cp932_batch):
    out = cp932_batch / "out"
    res = runner.invoke(app, ["ingest", str(cp932_batch), "--out", str(out)])
    assert res.exit_code == 3, res.output  # one empty file failed; the report is stored
    folder = f"{cp932_batch}/\\x95\\xf1\\x8d\\x90"
    assert f"{folder}/\\x8b\\xf3.txt: empty file (0 bytes)" in res.output
    docs = pd.read_parquet(out / "documents.parquet")
    assert list(docs["source_path"]) == [f"{folder}/\\x83e\\x83X\\x83g.txt"]
    assert docs.loc[0, "municipality"] == "あきる野市"
    values = pd.read_parquet(out / "indicator_values.parquet")
    assert len(values) == 70 and set(values["src_file"]) == {"\\x83e\\x83X\\x83g.txt"}
    failures = pd.read_parquet(out / "failures.parquet")
    assert list(failures["source_path"]) == [f"{folder}/\\x8b\\xf3.txt"]
    res = runner.invoke(app, ["audit", str(cp932_batch / os.fsdecode("報告".encode("cp932")))])
    assert "\\x83e\\x83X\\x83g.txt  (2 consistent_only_with_rounding, 40 consistent)" in res.output
    res = runner.invoke(app, ["show", str(next((cp932_batch / os.fsdecode("報告".encode("cp932"))).glob("*g.txt")))])
    assert res.exit_code == 0 and "(\\x83e\\x83X\\x83g.txt:L9)" in res.output


def test_build_tables_with_a_surrogate_name(cp932_batch):
    result = ingest([cp932_batch])
    tables = result.tables()
    assert tables["documents"]["source_path"].str.endswith("\\x83e\\x83X\\x83g.txt").all()
    assert tables["audit_findings"]["source"].eq("\\x83e\\x83X\\x83g.txt").all()
