"""Typos and stray characters in printed values (#11 items 3 and 4): the right value with a flag, or no
value with a flag — never a wrong number, never a refused report."""

from __future__ import annotations

import zipfile

import pytest

from hyoka.normalizers.numbers import digit_typos, number_note, parse_number, parse_quantity
from hyoka.pipeline.ingest import ingest, read_document

from conftest import SAMPLES

AKISHIMA = SAMPLES / "akishima_plan_report_r5.txt"
AKIRUNO = SAMPLES / "akiruno_progress_summary_r7.txt"
MUSASHINO = SAMPLES / "musashino_2ki_progress_summary.txt"


@pytest.mark.parametrize("printed, value, unit", [
    ("8O,000", 80000.0, None),       # letter O: was AttributeError, the whole report refused
    ("8O,000人", 80000.0, "人"),
    ("l0人", 10.0, "人"),             # was 0
    ("23,O00部", 23000.0, "部"),      # was 23
    ("1〇0点", 100.0, "点"),          # was 0 (〇 read as a kanji digit between Arabic ones)
    ("約1,O00万円", 1e7, "円"),
    ("1I,5OO件", 11500.0, "件"),
])
def test_letters_typed_for_digits_are_read_and_noted(printed, value, unit):
    q = parse_quantity(printed)
    assert (q.value, q.unit) == (value, unit)
    assert parse_number(printed) == value
    assert q.typo == number_note(printed) and number_note(printed).startswith("letters typed for digits, read as ")


@pytest.mark.parametrize("printed", ["10l", "O157件", "5I"])
def test_doubtful_letters_leave_no_value_and_say_why(printed):
    q = parse_quantity(printed)
    assert q.value is None and parse_number(printed) is None
    assert "can't tell which number was meant" in q.typo


@pytest.mark.parametrize("printed, value", [
    ("No.10", None), ("CO2削減 5件", 2.0), ("〇30", 30.0), ("二〇二五年度", None), ("10cm", 10.0), ("I期 5件", 5.0),
    ("27,000部", 27000.0),
])
def test_words_and_marks_are_not_typos(printed, value):
    assert number_note(printed) is None and digit_typos(printed).text == printed
    q = parse_quantity(printed)
    assert (q.value if q else None) == value


def test_a_typo_in_one_cell_no_longer_refuses_the_report(tmp_path):
    path = tmp_path / AKISHIMA.name
    path.write_text(AKISHIMA.read_text(encoding="utf-8").replace("来場者数 80,000 人/回", "来場者数 8O,000 人/回", 1),
                    encoding="utf-8")
    result = ingest([path])
    assert not result.failures
    doc = result.documents[0]
    assert len(doc.measures) == 83
    measure = doc.measure("共-10")
    assert (measure.target_raw, measure.target_value, measure.target_unit) == ("来場者数 8O,000 人/回", 80000.0, "人")
    [flag] = [f for f in doc.flags if f.field == "target"]
    assert (flag.scope, flag.raw, flag.ref.label()) == ("共-10", "来場者数 8O,000 人/回", "akishima_plan_report_r5.txt:L696-699")
    assert flag.reason == "letters typed for digits, read as 8O,000 → 80,000 (O/o/〇 as 0, l/I as 1)"


def test_typos_in_yearly_values_are_flagged_on_their_row(tmp_path):
    text = AKIRUNO.read_text(encoding="utf-8").replace("24人\t26人\t21人", "24人\tl0人\t2l人", 1)
    path = tmp_path / AKIRUNO.name
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    value = next(v for v in doc.indicator_values if v.target_raw == "l0人")
    assert (value.target, value.actual_raw, value.actual) == (10.0, "2l人", None)
    flags = {f.field: f for f in doc.flags if f.scope == value.measure_key}
    assert flags["target"].reason.startswith("letters typed for digits, read as l0 → 10")
    assert "「2l」" in flags["actual"].reason and "left empty" in flags["actual"].reason


def test_max_score_with_a_kanji_zero(tmp_path):
    path = tmp_path / MUSASHINO.name
    text = MUSASHINO.read_text(encoding="utf-8")
    assert "→ **85 (76) 点 / 100点**" in text
    path.write_text(text.replace("→ **85 (76) 点 / 100点**", "→ **85 (76) 点 / 1〇0点**", 1), encoding="utf-8")
    doc = read_document(path)
    first = doc.score_summaries[0]
    assert (first.stated_score, first.previous_score, first.max_score) == (85.0, 76.0, 100.0)  # max was 1
    [flag] = [f for f in doc.flags if f.field == "score"]
    assert flag.ref.line_start == 38 and "1〇0 → 100" in flag.reason


def test_doubtful_score_part_leaves_the_scores_empty(tmp_path):
    path = tmp_path / MUSASHINO.name
    text = MUSASHINO.read_text(encoding="utf-8")
    path.write_text(text.replace("→ **85 (76) 点 / 100点**", "→ **85 (76) 点 / 10l点**", 1), encoding="utf-8")
    doc = read_document(path)
    first = doc.score_summaries[0]
    assert (first.stated_score, first.max_score) == (None, None)
    assert [f.field for f in doc.flags] == ["score"]


def test_an_extra_tab_is_flagged_not_shifted(tmp_path):
    text = AKIRUNO.read_text(encoding="utf-8").replace("24人\t26人\t21人\tB", "24人\t\t26人\t21人\tB", 1)
    path = tmp_path / AKIRUNO.name
    path.write_text(text, encoding="utf-8")
    doc, plain = read_document(path), read_document(AKIRUNO)
    [flag] = [f for f in doc.flags if f.field == "row"]
    assert flag.ref.line_start == 19 and "a cell too many" in flag.reason
    assert "24人\t\t26人" in flag.raw  # the row as printed is kept with the flag …
    assert len(doc.indicator_values) == len(plain.indicator_values) - 5  # … and none of its values is read
    shifted = {m.name for m in plain.measures} - {m.name for m in doc.measures}
    assert len(shifted) == 1 and shifted.pop() in flag.raw


# ---------------------------------------------------------------- XLSX shared-string index


_XLSX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="'
    '/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="'
    'http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>',
    "xl/sharedStrings.xml": '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" count="4" uniqueCount="4"><si><t>指標名</t></si><si><t>目標値</t></si><si><t>来場者数'
    '</t></si><si><t>秘密</t></si></sst>',
}


def _workbook_with_cell(tmp_path, v: str, rows: str | None = None):
    """A workbook of four shared strings: A1 指標名, B1 目標値, A2 来場者数, and B2 pointing at string `v`."""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData>' + (rows or
             '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
             f'<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>{v}</v></c></row>')
             + '</sheetData></worksheet>')
    out = tmp_path / f"hostile_{v}.xlsx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in {**_XLSX_PARTS, "xl/worksheets/sheet1.xml": sheet}.items():
            z.writestr(name, text)
    return out


@pytest.mark.parametrize("v", ["-1", "-4", "4", "99999", "x"])
def test_xlsx_shared_string_index_out_of_range_is_refused_for_that_cell(tmp_path, v):
    from hyoka.extractors.xlsx_format import XlsxBackend

    text = XlsxBackend().read(_workbook_with_cell(tmp_path, v))
    assert [r.cells for r in text.rows] == [("指標名", "目標値"), ("来場者数", "")]  # not 「秘密」 from the end
    [flag] = text.flags
    assert (flag.field, flag.raw, flag.ref.row, flag.ref.col) == ("cell", v, 1, 1)
    assert flag.reason == f"a shared-string cell pointing at string '{v}', but the workbook has 4 (0–3); cell not read"
    assert XlsxBackend().read(_workbook_with_cell(tmp_path, "3")).rows[1].cells == ("来場者数", "秘密")


def test_an_extra_tab_in_a_generic_table_is_flagged_not_shifted(tmp_path):
    src = SAMPLES.parent / "tests" / "corpus" / "nagasaki_kanko_shisaku_hyoka_2015.txt"
    text = src.read_text(encoding="utf-8")
    assert "実績値\t594.5\t595.3" in text
    path = tmp_path / src.name
    path.write_text(text.replace("実績値\t594.5\t595.3", "実績値\t\t594.5\t595.3", 1), encoding="utf-8")
    plain, doc = read_document(src), read_document(path)
    [flag] = [f for f in doc.flags if f.field == "row"]
    assert flag.ref.line_start == 15 and flag.reason.startswith("10 cells where the header has 9")
    visitors = [(v.fiscal_year_raw, v.target_raw, v.actual_raw) for v in doc.indicator_values
                if v.indicator == "観光客数[暦年]"]
    # the targets stay; no actual lands under the wrong year (H24 used to get H23's 594.5)
    assert visitors == [("H23", "570.0", None), ("H24", "580.0", None), ("H25", "600.0", None),
                        ("H26", "620.0", None), ("H27", "630.0", None)]
    assert [v.actual_raw for v in plain.indicator_values if v.indicator == "観光客数[暦年]"] == [
        "594.5", "595.3", "607.8", "630.6", "669.3"]
