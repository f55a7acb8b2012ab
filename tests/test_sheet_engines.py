"""The XLSX backend's two engines — python-calamine (default) and openpyxl ($HYOKA_XLSX_ENGINE) —
give the same rows and the same dataset (#20 item 2). Workbooks are the 大船渡市 sample (407
事務事業, formulas with cached values, text boxes) and ones the tests write with openpyxl, whose
cell texts are known because the test wrote the values."""

from __future__ import annotations

import datetime as dt
import zipfile

import pandas as pd
import pytest

from conftest import SAMPLES

from hyoka.extractors import _calamine
from hyoka.extractors.base import ExtractionError
from hyoka.extractors.limits import Limits
from hyoka.extractors.xlsx_format import ENGINE_VARIABLE, XlsxBackend, resolve_engine
from hyoka.pipeline.ingest import ingest

OFUNATO = SAMPLES / "ofunato_jimujigyo_hyoka_r7.xlsx"


def _rows(path, monkeypatch, engine, limits=None):
    monkeypatch.setenv(ENGINE_VARIABLE, engine)
    text = XlsxBackend().read(path, limits) if limits else XlsxBackend().read(path)
    return [(r.cells, r.ref, tuple(r.cell_refs)) for r in text.rows], text


def test_calamine_is_the_default_engine(monkeypatch):
    monkeypatch.delenv(ENGINE_VARIABLE, raising=False)
    assert _calamine.available()
    assert resolve_engine() == "calamine"
    assert "python-calamine" in XlsxBackend().describe()
    monkeypatch.setenv(ENGINE_VARIABLE, "openpyxl")
    assert resolve_engine() == "openpyxl"
    monkeypatch.setenv(ENGINE_VARIABLE, "xlrd")
    with pytest.raises(ExtractionError, match="HYOKA_XLSX_ENGINE='xlrd' is not an engine"):
        resolve_engine()


@pytest.fixture(scope="module")
def ofunato_tables():
    """The 大船渡市 workbook's dataset through each engine."""
    mp = pytest.MonkeyPatch()
    out = {}
    try:
        for engine in ("openpyxl", "calamine"):
            mp.setenv(ENGINE_VARIABLE, engine)
            result = ingest([OFUNATO])
            assert not result.failures, result.failures
            out[engine] = result.tables()
    finally:
        mp.undo()
    return out


@pytest.mark.parametrize("table", ["measures", "indicator_values", "notes", "costs", "flags", "documents"])
def test_ofunato_dataset_is_the_same_with_either_engine(ofunato_tables, table):
    a, b = ofunato_tables["openpyxl"][table], ofunato_tables["calamine"][table]
    assert len(a) == len(b)
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_ofunato_counts(ofunato_tables):
    tables = ofunato_tables["calamine"]
    # the README's line for this workbook: 407 measures · 13730 values · 11396 notes
    assert (len(tables["measures"]), len(tables["indicator_values"]), len(tables["notes"])) == (407, 13730, 11396)


def test_ofunato_rows_and_references_are_the_same(monkeypatch):
    a, _ = _rows(OFUNATO, monkeypatch, "openpyxl")
    b, text = _rows(OFUNATO, monkeypatch, "calamine")
    assert a == b
    # cell H3 (row 2, col 7) as read by hand: the first 事務事業's number; a text-box row comes first
    assert len(text.rows) == 410


@pytest.fixture()
def written(tmp_path):
    """A workbook with every kind of value, a merged title, a hidden sheet and a chart sheet."""
    import openpyxl
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "施策評価"
    ws["A1"] = "令和5年度 施策評価シート"
    ws.merge_cells("A1:D1")
    ws.append(["指標名", "目標", "実績", "評価日"])
    ws.append(["来場者数", 3, 3.0, dt.datetime(2025, 9, 25)])
    ws.append(["満足度", 2.5, 17757.399999999994, dt.datetime(2025, 9, 25, 13, 5)])
    ws.append(["大きな数", 1234567890123456, -7.0, dt.time(10, 30)])
    ws.append(["真偽", True, False, None])
    ws["H9"] = "右下"
    hidden = wb.create_sheet("参考")
    hidden["B2"] = "隠しシートの値"
    hidden.sheet_state = "hidden"
    chart = wb.create_chartsheet("グラフ")
    bars = BarChart()
    bars.add_data(Reference(ws, min_col=2, min_row=3, max_row=4))
    chart.add_chart(bars)
    last = wb.create_sheet("最後")
    last["A1"] = "最後のシート"
    path = tmp_path / "written.xlsx"
    wb.save(path)
    return path


def test_written_workbook_cells(written, monkeypatch):
    rows, text = _rows(written, monkeypatch, "calamine")
    cells = [r.cells for r in text.rows]
    assert cells[0] == ("令和5年度 施策評価シート",) + ("",) * 7  # merged: the value at A1, the rest ''
    assert cells[2][:4] == ("来場者数", "3", "3", "2025-09-25")  # 3.0 prints as 3, as openpyxl's int 3
    assert cells[3][:4] == ("満足度", "2.5", "17757.4", "2025-09-25 13:05:00")
    assert cells[4][:4] == ("大きな数", "1234567890123456", "-7", "10:30:00")
    assert cells[5][:4] == ("真偽", "TRUE", "FALSE", "")
    assert cells[6][7] == "右下" and text.rows[6].cell_ref(7).row == 8 and text.rows[6].cell_ref(7).col == 7
    # the hidden sheet is table 1 (its value in B2), the chart sheet is no table, the last sheet is table 2
    hidden = [r for r in text.rows if r.ref.table == 1]
    assert [(r.cells, r.ref.row) for r in hidden] == [(("", "隠しシートの値"), 1)]
    assert [r.cells for r in text.rows if r.ref.table == 2] == [("最後のシート",)]
    # openpyxl's read-only reader can't open a workbook with a chart sheet it wrote; without the chart
    # sheet both engines agree cell for cell (next test)


def test_written_workbook_same_with_either_engine(tmp_path, monkeypatch):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in ([1, 2.0, 2.25, "x"], [None, dt.datetime(2024, 3, 31), dt.time(9, 0), True], ["", "", 10**15, 0.1 + 0.2]):
        ws.append(row)
    wb.create_sheet("hidden").sheet_state = "hidden"
    wb["hidden"]["C5"] = "h"
    path = tmp_path / "same.xlsx"
    wb.save(path)
    a, _ = _rows(path, monkeypatch, "openpyxl")
    b, _ = _rows(path, monkeypatch, "calamine")
    assert a == b
    assert [r[0] for r in b][0] == ("1", "2", "2.25", "x")
    assert [r[0] for r in b][2][2:] == ("1000000000000000", "0.3")


def test_far_cell_goes_to_the_sparse_reader(tmp_path, monkeypatch):
    """One value in XFD1048576 would be a 17-billion-cell dense grid for calamine: the workbook is
    left to openpyxl's sparse reader, which reads it (2 rows of 16,384 cells)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "評価"
    wb.active["XFD1048576"] = "x"
    path = tmp_path / "far.xlsx"
    wb.save(path)
    assert _calamine.read_values(path, "xlsx", Limits(), [10**6]) is None
    _, text = _rows(path, monkeypatch, "calamine")
    assert [(r.ref.row, len(r.cells), r.cells[0], r.cells[-1]) for r in text.rows] == [
        (0, 16384, "評価", ""), (1048575, 16384, "", "x")]


@pytest.mark.parametrize("index, calamine_reads", [("3", True), ("-1", False), ("4", False), ("x", False)])
def test_shared_string_out_of_range_goes_to_openpyxl(tmp_path, index, calamine_reads):
    """calamine would read <v>-1</v> as another string; the scan sends such a workbook to openpyxl,
    which refuses the cell with a flag (tests/test_hostile_numbers.py checks the flag)."""
    from test_hostile_numbers import _workbook_with_cell

    got = _calamine.read_values(_workbook_with_cell(tmp_path, index), "xlsx", Limits(), [10**6])
    assert (got is not None) == calamine_reads
    if calamine_reads:
        assert got == [("Sheet1", [(0, {0: "指標名", 1: "目標値"}), (1, {0: "来場者数", 1: "秘密"})])]


def test_error_values_and_cached_formula_results(tmp_path, monkeypatch):
    """A formula reads as its cached value with either engine; error values as printed (#DIV/0!),
    which calamine reads as empty — so a sheet holding one is read by openpyxl."""
    from test_hostile_numbers import _workbook_with_cell

    cells = ('<row r="1"><c r="A1" t="str"><f>B1&amp;"x"</f><v>abc</v></c><c r="B1"><f>1+2</f><v>3</v></c>'
             '<c r="C1" t="b"><v>1</v></c><c r="D1"><v>45925</v></c>{}</row>')
    plain = _workbook_with_cell(tmp_path, "plain", rows=cells.format(""))
    assert _calamine.read_values(plain, "xlsx", Limits(), [100]) is not None
    errors = _workbook_with_cell(tmp_path, "errors", rows=cells.format('<c r="E1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'))
    assert _calamine.read_values(errors, "xlsx", Limits(), [100]) is None
    for path, want in ((plain, ("abc", "3", "TRUE", "45925")), (errors, ("abc", "3", "TRUE", "45925", "#DIV/0!"))):
        a, _ = _rows(path, monkeypatch, "openpyxl")
        b, _ = _rows(path, monkeypatch, "calamine")
        assert a == b and b[0][0] == want
