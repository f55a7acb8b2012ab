"""Workbooks for Excel users: `hyoka export --db`, `Dataset.to_excel`, `Comparison.to_excel`,
`hyoka compare --format xlsx` — one sheet per table, Japanese headers over the English column names,
frozen headers, filters, numbers as numbers, Excel's limits kept."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

import hyoka
from hyoka.pipeline.column_labels import COLUMN_LABELS, column_descriptions
from hyoka.pipeline.xlsx_writer import write_workbook

from conftest import ROOT, SAMPLES

AKIRUNO = SAMPLES / "akiruno_progress_summary_r7.txt"
OFUNATO = SAMPLES / "ofunato_jimujigyo_hyoka_r7.xlsx"


def _hyoka(*args):
    res = subprocess.run([sys.executable, "-m", "hyoka", *map(str, args)], cwd=ROOT, capture_output=True)
    assert res.returncode == 0, res.stderr.decode()
    return res.stdout.decode()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """あきる野市 and the 大船渡市 workbook (13,730 values) ingested, then exported."""
    tmp = tmp_path_factory.mktemp("xlsx")
    _hyoka("ingest", AKIRUNO, OFUNATO, "--out", tmp / "out", "-q")
    said = _hyoka("export", "--db", tmp / "out", "-o", tmp / "hyoka.xlsx")
    return tmp / "hyoka.xlsx", hyoka.open(tmp / "out"), said


def _sheet_of(wb, table):
    return next(ws for ws in wb.worksheets if ws.title.endswith(f" {table}") or ws.title == table)


def test_export_holds_every_table_with_its_rows(exported):
    path, ds, said = exported
    assert "sheets" in said and str(path.name) in said
    wb = openpyxl.load_workbook(path, read_only=True)
    assert all(len(ws.title) <= 31 for ws in wb.worksheets)
    for name, frame in ds.tables.items():
        sheet = pd.read_excel(path, sheet_name=_sheet_of(wb, name).title, header=1)
        assert list(sheet.columns) == list(frame.columns), name
        assert len(sheet) == len(frame), name
    iv = pd.read_excel(path, sheet_name=_sheet_of(wb, "indicator_values").title, header=1)
    assert (iv["doc_id"] == ds.documents.set_index("municipality").at["大船渡市", "doc_id"]).sum() == 13730
    # 事業承継セミナー(参加者数) 令和7年度: 年間目標 45人, 実績 17人, 評価 C — numbers, not text
    r7 = iv[(iv["measure_key"] == "事業承継セミナー") & (iv["fiscal_year"] == 2025)].iloc[0]
    assert (r7["target"], r7["actual"], r7["grade"], r7["target_raw"]) == (45, 17, "C", "45人")
    assert pd.api.types.is_numeric_dtype(iv["target"]) and pd.api.types.is_numeric_dtype(iv["fiscal_year"])
    # the 列 sheet describes every column of every table
    cols = pd.read_excel(path, sheet_name="列 columns", header=1)
    assert len(cols) == sum(len(f.columns) for f in ds.tables.values())
    assert (cols["description"].fillna("") != "").all()
    row = cols[(cols["table"] == "indicator_values") & (cols["column"] == "actual")].iloc[0]
    assert row["label_ja"] == "実績" and row["description"].startswith("actual number")


def test_headers_frozen_filtered_and_numbers_typed(exported):
    path, ds, _ = exported
    wb = openpyxl.load_workbook(path)  # not read-only: panes and filters are read from the sheet's XML
    ws = _sheet_of(wb, "indicator_values")
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == f"A2:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"
    japanese = [c.value for c in ws[1]]
    english = [c.value for c in ws[2]]
    assert english == list(ds.indicator_values.columns)
    assert japanese[:4] == ["文書ID", "施策キー", "指標", "年度(原文)"]
    assert japanese == [COLUMN_LABELS[c] for c in english]
    col = {name: i for i, name in enumerate(english)}
    first_target = next(r for r in ws.iter_rows(min_row=3) if r[col["target"]].value is not None)
    assert first_target[col["target"]].data_type == "n" and isinstance(first_target[col["target"]].value, (int, float))
    assert first_target[col["fiscal_year"]].data_type == "n"
    docs = _sheet_of(wb, "documents")
    assert docs.freeze_panes == "A3" and docs["A1"].value == "文書ID" and docs["A2"].value == "doc_id"


def test_dataset_to_excel_matches_the_dataset(tmp_path):
    ds = hyoka.read(AKIRUNO)
    path = ds.to_excel(tmp_path / "ds.xlsx")
    book = pd.read_excel(path, sheet_name=None, header=1)
    names = {title.split(" ")[-1]: frame for title, frame in book.items()}
    assert set(ds.tables) | {"columns"} == set(names)
    m = names["measures"].set_index("key")
    assert m.at["創業塾", "name"] == ds.measures.set_index("key").at["創業塾", "name"]
    assert len(names["notes"]) == len(ds.notes) == 42  # the README's line for this report: 42 notes


def test_comparison_to_excel_and_compare_format_xlsx(tmp_path):
    cmp = hyoka.compare(AKIRUNO, nlp=False)
    path = cmp.to_excel(tmp_path / "cmp.xlsx")
    book = pd.read_excel(path, sheet_name=None, header=1)
    titles = {title.split(" ")[-1]: frame for title, frame in book.items()}
    assert set(titles) == {"cells", "cities", "years", "measures", "series", "documents", "scales", "columns"}
    assert len(titles["cells"]) == len(cmp.cells) == 14
    series = titles["series"]
    row = series[(series["measure"] == "事業承継相談") & (series["fiscal_year"] == 2024)].iloc[0]
    assert (row["target"], row["actual"], row["grade"], row["achievement"]) == (15, 16, "A", 1)
    # directions, a dict in the DataFrame, is text in the sheet
    assert titles["cities"]["achievement_by_year"].iat[0].startswith("2023:")
    # the command line writes the same workbook
    _hyoka("compare", AKIRUNO, "--format", "xlsx", "-o", tmp_path / "cli.xlsx", "--no-nlp")
    cli = pd.read_excel(tmp_path / "cli.xlsx", sheet_name=None, header=1)
    assert list(cli) == list(book)
    pd.testing.assert_frame_equal(cli[list(cli)[0]], book[list(book)[0]])
    res = subprocess.run([sys.executable, "-m", "hyoka", "compare", str(AKIRUNO), "--format", "xlsx"], cwd=ROOT,
                         capture_output=True)
    assert res.returncode == 2 and b"-o FILE.xlsx" in res.stderr


def test_a_table_over_the_row_limit_is_split_and_text_stays_text(tmp_path):
    frame = pd.DataFrame({"doc_id": [f"d{i}" for i in range(25)], "target": [float(i) for i in range(25)],
                          "text": ["=SUM(A1:A2)", "bell\x07 here"] + ["x"] * 23})
    sheets = write_workbook({"indicator_values": frame}, tmp_path / "s.xlsx", max_rows=10)  # 8 data rows a sheet
    assert [(s.sheet, s.rows) for s in sheets] == [("指標値 indicator_values", 8), ("指標値 indicator_values (2)", 8),
                                                  ("指標値 indicator_values (3)", 8), ("指標値 indicator_values (4)", 1)]
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    ws = wb["指標値 indicator_values"]
    assert ws["C3"].value == "=SUM(A1:A2)" and ws["C3"].data_type == "s"  # never a formula
    assert ws["C4"].value == "bell here"  # a control character XML can't hold is dropped
    back = pd.concat([pd.read_excel(tmp_path / "s.xlsx", sheet_name=s.sheet, header=1) for s in sheets])
    assert back["target"].tolist() == frame["target"].tolist()


def test_every_stored_column_has_a_japanese_label_and_a_description(exported):
    _path, ds, _ = exported
    descriptions = column_descriptions()
    for name, frame in ds.tables.items():
        for column in frame.columns:
            assert column in COLUMN_LABELS, (name, column)
            assert descriptions.get((name, column)), (name, column)


def test_export_says_what_is_wrong_in_one_line(exported, tmp_path):
    _path, _ds, _ = exported
    store = _path.parent / "out"
    for args, words in ((["--db", tmp_path / "nothing", "-o", tmp_path / "a.xlsx"], "hyoka export: --db"),
                        (["--db", store, "-o", tmp_path / "a.csv"], "must name an .xlsx file"),
                        (["--db", store, "-o", tmp_path / "no" / "a.xlsx"], "no such folder")):
        res = subprocess.run([sys.executable, "-m", "hyoka", "export", *map(str, args)], cwd=ROOT, capture_output=True)
        err = res.stderr.decode()
        assert res.returncode == 2 and words in err and len(err.strip().splitlines()) == 1, err
    assert not list(tmp_path.glob("**/*.xlsx")) and not list(tmp_path.glob("**/.*.tmp"))
