"""The あきる野市 進捗状況まとめ read whole when its table is interrupted or printed differently.

* A footnote line inside the table (「（注）実績値は速報値」 between two data rows, in the text
  rendering, and in the DOCX as a paragraph splitting the table or as a one-cell row) does not
  end the table: all 14 measures are read and the note is kept as a ``table_note``; a row that
  is neither a data row nor a note is reported in ``Document.unmapped``, never dropped silently.
* A PDF of the same table made by reportlab (tests/fixtures/make_repeated_header_pdf.py), its
  two header rows repeated at the top of page 2 — drawn on the same grid, or on a slightly
  different one — gives all 14 measures and the same indicator values as the text rendering.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from conftest import SAMPLES

from hyoka.extractors.pdf import PdfBackend
from hyoka.pipeline.ingest import read_document

FIXTURES = Path(__file__).parent / "fixtures"
TXT = SAMPLES / "akiruno_progress_summary_r7.txt"
DOCX = SAMPLES / "akiruno_progress_summary_r7.docx"
REPORTLAB = FIXTURES / "akiruno_progress_summary_r7_reportlab.pdf"
REPORTLAB_REGRID = FIXTURES / "akiruno_progress_summary_r7_reportlab_regrid.pdf"
NOTE = "（注）実績値は速報値"
# the 14 実施事業 in print order, as the clean text rendering gives them
NAMES = ["事業承継セミナー", "事業承継相談", "創業塾", "創業相談", "中小・小口・マル経", "経営支援セミナー",
         "あきる野マルシェ", "まちゼミ", "るのカード普及事業", "デジタル化促進セミナー", "創業者交流会",
         "事業者連携交流会", "地域マップの作成", "産学連携の支援"]


@pytest.fixture(scope="module")
def clean():
    return read_document(TXT)


def _lines() -> list[str]:
    return TXT.read_text(encoding="utf-8").split("\n")


def _after(name: str) -> int:
    """The index (in the text rendering's lines) just after the data row of 実施事業 `name`."""
    return next(i for i, line in enumerate(_lines()) if f"\t{name}" in line) + 1


def _variant(tmp_path: Path, insert_after: str, extra: list[str]) -> Path:
    lines = _lines()
    at = _after(insert_after)
    path = tmp_path / TXT.name
    path.write_text("\n".join(lines[:at] + extra + lines[at:]), encoding="utf-8")
    return path


def _values(doc) -> list[tuple]:
    return [(v.measure_key, v.row_kind, v.fiscal_year, v.target_raw, v.actual_raw, v.grade_raw, v.target, v.actual,
             v.unit, v.grade) for v in doc.indicator_values]


def test_clean_file_reads_14_measures(clean):
    assert [m.name for m in clean.measures] == NAMES
    assert clean.unmapped == [] and not [n for n in clean.notes if n.kind == "table_note"]


# --- a note line inside the table ---------------------------------------------------------------

def test_note_line_in_text_keeps_every_measure(tmp_path, clean):
    # the note (and a blank line) between 事業承継相談 and 創業塾: rows 3–14 follow it
    doc = read_document(_variant(tmp_path, "事業承継相談", ["", NOTE, ""]))
    assert [m.name for m in doc.measures] == NAMES
    assert _values(doc) == _values(clean)
    later = next(v for v in doc.indicator_values if v.measure_key == "産学連携の支援" and v.fiscal_year == 2025)
    assert (later.target_raw, later.actual_raw, later.grade_raw) == ("5件", "3件", "B")
    # 方向性 is still filled forward over the note: 創業塾 sits under the group that began above it
    assert doc.measure("創業塾").hierarchy[0][2] == "地域経済循環の担い手となる事業者の育成"
    notes = [n for n in doc.notes if n.kind == "table_note"]
    assert len(notes) == 1
    note = notes[0]
    assert (note.text, note.raw, note.item_label) == ("実績値は速報値", NOTE, "（注）")
    assert note.ref.line_start == _after("事業承継相談") + 2  # 1-based; after the blank line
    assert doc.unmapped == []
    assert doc.legends and doc.legends[0].items[0][0] == "S"  # the table still ends at 評価指標


def _docx_with_note(tmp_path: Path, how: str) -> Path:
    """The DOCX with the note after the 事業承継相談 row (table row 3): as a one-cell row spanning
    the 19 columns, or as a paragraph that splits the table in two."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(str(DOCX))
    tbl = document.tables[0]._tbl
    rows = tbl.tr_lst
    assert "事業承継相談" in "".join(t.text or "" for t in rows[3].iter(qn("w:t")))
    if how == "row":
        tr = copy.deepcopy(rows[3])
        tcs = tr.findall(qn("w:tc"))
        for tc in tcs[1:]:
            tr.remove(tc)
        tc = tcs[0]
        for p in tc.findall(qn("w:p"))[1:]:
            tc.remove(p)
        tc_pr = tc.get_or_add_tcPr()
        for child in list(tc_pr):
            if child.tag in (qn("w:vMerge"), qn("w:gridSpan")):
                tc_pr.remove(child)
        tc_pr.get_or_add_gridSpan().val = 19
        _set_text(tc.find(qn("w:p")), NOTE)
        rows[3].addnext(tr)
    else:
        second = copy.deepcopy(tbl)
        for tr in second.tr_lst[:4]:
            second.remove(tr)
        for tr in rows[4:]:
            tbl.remove(tr)
        paragraph = copy.deepcopy(document.paragraphs[1]._p)  # 「資料2」: a plain body paragraph
        _set_text(paragraph, NOTE)
        tbl.addnext(paragraph)
        paragraph.addnext(second)
    path = tmp_path / f"akiruno_note_{how}.docx"
    document.save(str(path))
    return path


def _set_text(p, text: str) -> None:
    """The w:p's runs replaced by one run printing `text`."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    for r in p.findall(qn("w:r")):
        p.remove(r)
    Paragraph(p, None).add_run(text)


@pytest.mark.parametrize("how", ["row", "paragraph"])
def test_note_in_docx_keeps_every_measure(tmp_path, clean, how):
    pytest.importorskip("docx")
    doc = read_document(_docx_with_note(tmp_path, how))
    assert [m.name for m in doc.measures] == NAMES
    assert [(v.measure_key, v.fiscal_year, v.target, v.actual, v.grade) for v in doc.indicator_values] == \
        [(v.measure_key, v.fiscal_year, v.target, v.actual, v.grade) for v in clean.indicator_values]
    notes = [n for n in doc.notes if n.kind == "table_note"]
    assert [(n.text, n.raw) for n in notes] == [("実績値は速報値", NOTE)]
    if how == "row":  # the one-cell row is row 4 of table 0
        assert (notes[0].ref.table, notes[0].ref.row) == (0, 4)
        assert (doc.measure("創業塾").ref.table, doc.measure("創業塾").ref.row) == (0, 5)
    else:  # a body paragraph between the two parts of the table
        assert notes[0].ref.table is None and notes[0].ref.row is not None
        assert doc.measure("創業塾").ref.table == 1
    assert doc.unmapped == []


def test_rows_that_break_the_pattern_are_reported(tmp_path, clean):
    stray = "\t\t\t\t追加の説明がここに入る\t\t\t\t\t\t\t\t\t\t\t\t\t\t"  # text, but no 実施事業 and no values
    doc = read_document(_variant(tmp_path, "創業相談", ["実績値は速報値です", stray]))
    assert [m.name for m in doc.measures] == NAMES
    assert _values(doc) == _values(clean)
    assert [(u.kind, u.raw) for u in doc.unmapped] == [
        ("line", "実績値は速報値です"), ("row", stray)]
    assert all(u.reason and u.ref.line_start for u in doc.unmapped)
    assert doc.unmapped[0].ref.line_start == _after("創業相談") + 1


def test_page_break_in_a_text_rendering_is_read_through(tmp_path, clean):
    """A paged rendering: a running head (「資料2」 again) and the two header rows repeated."""
    lines = _lines()
    header = [line for line in lines if line.startswith("方向性\t") or line.startswith("\t\t\t\t\t\t実績値")]
    assert len(header) == 2
    doc = read_document(_variant(tmp_path, "まちゼミ", ["", "資料2", *header]))
    assert [m.name for m in doc.measures] == NAMES  # the repeated header is no measure
    assert _values(doc) == _values(clean)
    assert [(u.kind, u.raw) for u in doc.unmapped] == [("line", "資料2")]
    assert "running head" in doc.unmapped[0].reason


# --- a reportlab PDF whose header repeats on page 2 -----------------------------------------------

@pytest.mark.parametrize("path", [REPORTLAB, REPORTLAB_REGRID], ids=["same-grid", "regrid"])
def test_reportlab_pdf_with_repeated_header_gives_all_14(path, clean):
    doc = read_document(path)
    assert doc.format == "pdf" and doc.layout == "akiruno_progress_summary"
    assert [m.name for m in doc.measures] == NAMES
    assert [(v.measure_key, v.row_kind, v.fiscal_year, v.target, v.actual, v.unit, v.grade)
            for v in doc.indicator_values] == \
        [(v.measure_key, v.row_kind, v.fiscal_year, v.target, v.actual, v.unit, v.grade)
         for v in clean.indicator_values]
    assert [(v.target_raw, v.actual_raw) for v in doc.indicator_values] == \
        [(v.target_raw, v.actual_raw) for v in clean.indicator_values]
    # rows printed on page 2 (るのカード普及事業 … 産学連携の支援), read from the PDF
    m = doc.measure("地域マップの作成")
    assert m.ref.page == 2 and m.hierarchy[1][2] == "産学官連携の推進"
    value = next(v for v in doc.indicator_values if v.measure_key == m.key and v.fiscal_year == 2025)
    assert (value.target_raw, value.actual_raw, value.grade_raw) == ("30,000部", "23,000部", "B")
    assert (value.target, value.actual) == (30000, 23000)
    # 「27,000部」 is wrapped by reportlab as 「27,00」/「0部」 in its narrow cell: one number
    base = next(v for v in doc.indicator_values if v.measure_key == m.key and v.row_kind == "baseline")
    assert (base.actual_raw, base.actual) == ("27,000部", 27000)
    first = next(v for v in doc.indicator_values if v.measure_key == "るのカード普及事業" and v.fiscal_year == 2024)
    assert (first.target, first.actual, first.grade) == (105, 94, "B") and first.ref.page == 2
    assert doc.unmapped == []
    assert doc.legends and [item[0] for item in doc.legends[0].items] == ["S", "A", "B", "C"]


@pytest.mark.parametrize("path", [REPORTLAB, REPORTLAB_REGRID], ids=["same-grid", "regrid"])
def test_reportlab_table_is_stitched_into_one(path):
    rows = PdfBackend().read(path).rows
    table = [r for r in rows if r.is_table and r.ref.table == 0]
    # the two header rows once, then the 14 data rows; page 2's repeated header dropped
    assert len(table) == 16 and [r.ref.row for r in table] == list(range(16))
    assert sum(1 for r in rows if r.is_table and r.cells[0].strip() == "方向性") == 1
    assert [r.ref.page for r in table].count(2) == 6
    row = table[-1]  # 産学連携の支援, on page 2, on page 1's 19-column grid
    assert len(row.cells) == 19 and row.ref.page == 2
    assert row.cells[3] == "市" and row.cells[6:10] == ("2件", "3件", "3件", "A")
    assert row.cells[13:16] == ("5件", "3件", "B")
