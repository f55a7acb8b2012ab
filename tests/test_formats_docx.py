"""The DOCX versions of 001 and 003 (tests/fixtures/make_fixtures.py) give the same dataset
as their text renderings; merged cells, source references and unreadable files."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from conftest import SAMPLES, SEED_FILES, comparable

from hyoka.extractors import backend_for
from hyoka.extractors.base import ExtractionError
from hyoka.extractors.docx_format import DocxBackend
from hyoka.normalizers.text import strip_html
from hyoka.pipeline.ingest import ingest, read_document
from hyoka.pipeline.tables import TABLES

BROKEN = Path(__file__).parent / "fixtures" / "broken"
DOCX_SEEDS = ("001", "003")


def docx_path(seed: str) -> Path:
    return SAMPLES / SEED_FILES[seed].replace(".txt", ".docx")


@pytest.fixture(scope="module")
def docx_docs():
    return {seed: read_document(docx_path(seed)) for seed in DOCX_SEEDS}


@pytest.fixture(scope="module")
def paired_tables():
    """seed → (tables from the .txt, tables from the .docx)."""
    out = {}
    for seed in DOCX_SEEDS:
        text, docx = ingest([SAMPLES / SEED_FILES[seed]]), ingest([docx_path(seed)])
        assert not text.failures and not docx.failures, (text.failures, docx.failures)
        out[seed] = (text.tables(), docx.tables())
    return out


# --- (a) the same dataset ------------------------------------------------------------------

@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("seed", DOCX_SEEDS)
def test_docx_gives_the_same_dataset_as_text(paired_tables, seed, table):
    from_text, from_docx = paired_tables[seed]
    pd.testing.assert_frame_equal(comparable(from_docx, table), comparable(from_text, table))


@pytest.mark.parametrize("seed", DOCX_SEEDS)
def test_docx_dataset_is_not_trivially_empty(paired_tables, seed):
    _, from_docx = paired_tables[seed]
    assert len(from_docx["measures"]) > 0 and len(from_docx["notes"]) > 0 and len(from_docx["dates"]) > 0
    assert set(from_docx["documents"]["format"]) == {"docx"}


@pytest.mark.parametrize("seed", DOCX_SEEDS)
def test_docx_rows_are_the_text_rows(seed):
    """Every row of the rendering, cell for cell, markup and whitespace aside (the grid is right)."""
    docx = [r for r in DocxBackend().read(docx_path(seed)).rows if not r.is_blank()]
    text = [r for r in backend_for(SAMPLES / SEED_FILES[seed]).read(SAMPLES / SEED_FILES[seed]).rows
            if not r.is_blank()]
    assert len(docx) == len(text)
    for d, t in zip(docx, text):
        assert tuple(" ".join(c.split()) for c in d.cells) == tuple(strip_html(c) for c in t.cells), t.ref


# --- (b) the seed facts from the DOCX: tests/test_seed_facts.py runs them on every format ---



def test_001_docx_notes_keep_their_labels(docx_docs):
    notes = docx_docs["001"].notes
    first = [n for n in notes if n.scope == "施策1" and n.kind == "assessment"]
    assert first[0].item_label == "【取組1】"
    assert first[0].text.startswith("「トレジャーハンティング(探偵ムサシ)」")
    # a label printed as a paragraph of its own, without bullets after it (施策14)
    labels = [n.item_label for n in notes if n.scope == "施策14" and n.kind == "assessment"]
    assert labels == ["【取組1】", "【取組2】"]




def test_003_docx_second_paragraph_is_the_issue(docx_docs):
    doc = docx_docs["003"]
    issues = [n for n in doc.notes if n.scope == "あきる野マルシェ" and n.kind == "issue"]
    assert len(issues) == 1 and issues[0].text.startswith("マルシェ実行委員会の組織体制")


# --- (c) merged cells ----------------------------------------------------------------------

def test_merged_cells_appear_once_at_their_top_left():
    text = DocxBackend().read(docx_path("001"))
    sheet1 = [r for r in text.rows if r.is_table and r.ref.table == 0]
    assert len(sheet1) == 16
    assert all(len(r.cells) == 7 for r in sheet1)  # the grid width, in every row
    # 対象年度 | 令和7年度 (gridSpan 2) | 担当課 | the departments (gridSpan 3)
    assert sheet1[0].cells[:4] == ("対象年度", "令和7年度", "", "担当課")
    assert sheet1[0].cells[5:] == ("", "")
    # the 関係機関 row: 対象年度 and 令和7年度 continue downwards (vMerge)
    assert sheet1[1].cells[:4] == ("", "", "", "関係機関")
    # 取組内容 is printed once and spans its six 予定/実施 rows; each number its pair
    column0 = [r.cells[0] for r in sheet1]
    start = column0.index("取組内容")
    assert column0.count("取組内容") == 1
    assert column0[start + 1:start + 6] == [""] * 5
    assert [r.cells[1] for r in sheet1[start:start + 6]] == ["1", "", "2", "", "3", ""]
    assert [r.cells[2] for r in sheet1[start:start + 6]] == ["予定", "実施"] * 3
    # one 達成指標 for the whole block (vMerge)
    assert sheet1[start].cells[6].startswith("達成指標")
    assert [r.cells[6] for r in sheet1[start + 1:start + 6]] == [""] * 5
    # 次年度の予定 over 方向性 + 内容; the empty 審議会意見 value spans the rest of the row
    nxt = column0.index("次年度の予定")
    assert sheet1[nxt].cells[1:3] == ("方向性", "拡充") and sheet1[nxt + 1].cells[:2] == ("", "内容")
    assert sheet1[-1].cells == ("審議会意見", "", "", "", "", "", "")
    # every 8-column sheet is 8 wide in every row
    widths = Counter(r.ref.table for r in text.rows if r.is_table and len(r.cells) == 8)
    assert len(widths) == 4


def test_cell_paragraphs_are_lines():
    text = DocxBackend().read(docx_path("001"))
    cell = next(c for r in text.rows for c in r.cells if c.startswith("【取組1】"))
    lines = cell.split("\n")
    assert lines[0] == "【取組1】" and lines[1].startswith("・「トレジャーハンティング")
    assert "多文化共生・交流課" in text.full_text()  # a middle dot inside a word starts no paragraph


def test_header_rows_span_and_continue():
    text = DocxBackend().read(docx_path("003"))
    table0 = [r for r in text.rows if r.is_table and r.ref.table == 0]
    assert all(len(r.cells) == 19 for r in table0)
    assert table0[0].cells[7:10] == ("令和5年度", "", "")
    assert table0[1].cells[:6] == ("",) * 6 and table0[1].cells[6] == "実績値"
    # 方向性 and 個別施策 are printed on their first row only
    assert table0[2].cells[0].startswith("地域経済循環") and table0[3].cells[0] == ""


def test_grid_before_and_after(tmp_path):
    """w:gridBefore / w:gridAfter slots are empty cells; a bare vMerge is a continuation."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph("表題")
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).text = "A"
    table.cell(0, 1).merge(table.cell(0, 3)).text = "B"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "C"
    table.cell(1, 1).text = "D"
    table.cell(2, 1).text = "E"
    # rows 1 and 2 end early: their last cells are dropped and declared as w:gridAfter
    for r, n_after in ((1, 1), (2, 2)):
        tr = table.rows[r]._tr
        for tc in tr.tc_lst[-n_after:]:
            tr.remove(tc)
        trPr = tr.get_or_add_trPr()
        after = OxmlElement("w:gridAfter")
        after.set(qn("w:val"), str(n_after))
        trPr.append(after)
    # a leading gridBefore on a fourth row
    tr = table.add_row()._tr
    for tc in tr.tc_lst[:2]:
        tr.remove(tc)
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), "2")
    tr.get_or_add_trPr().insert(0, before)
    tr.tc_lst[0].append(OxmlElement("w:p"))
    from docx.text.paragraph import Paragraph

    Paragraph(tr.tc_lst[0].p_lst[0], None).add_run("F")
    document.add_paragraph("")
    document.add_paragraph("注記")
    path = tmp_path / "grid.docx"
    document.save(path)

    rows = DocxBackend().read(path).rows
    assert [r.cells for r in rows] == [
        ("表題",),
        ("A", "B", "", ""),
        ("C", "D", "", ""),
        ("", "E", "", ""),
        ("", "", "F", ""),
        ("注記",),
    ]
    assert [r.is_table for r in rows] == [False, True, True, True, True, False]
    assert rows[-1].ref.row == 2 and rows[-1].ref.table is None  # the third body paragraph


# --- (d) source references -----------------------------------------------------------------

def test_measure_and_action_refs_point_into_tables(docx_docs):
    doc = docx_docs["001"]
    m1, m20 = doc.measure("施策1"), doc.measure("施策20")
    assert (m1.ref.table, m20.ref.table) == (0, 19)
    assert m1.ref.line_start is None and m1.ref.file.endswith(".docx")
    action = next(a for a in doc.actions if a.measure_key == "施策1" and a.action_no == "2")
    assert (action.ref.table, action.ref.row) == (0, 7)  # its 予定 row (7) and 実施 row (8)
    assert action.ref.label().endswith(":T0 r7")
    note = next(n for n in doc.notes if n.scope == "施策1" and n.kind == "assessment")
    assert (note.ref.table, note.ref.row, note.ref.col) == (0, 11, 1)
    # dates are placed in their measure through the table references
    assert all(d.scope == f"施策{d.ref.table + 1}" for d in doc.dates)

    doc = docx_docs["003"]
    m = doc.measure("地域マップの作成")
    assert (m.ref.table, m.ref.row) == (0, 14)
    v = next(v for v in doc.indicator_values if v.measure_key == m.key and v.fiscal_year == 2025)
    assert (v.ref.table, v.ref.row) == (0, 14)
    assert doc.legends[0].ref.table == 1


def test_paragraph_refs():
    text = DocxBackend().read(docx_path("003"))
    title = text.rows[0]
    assert not title.is_table and title.ref.table is None and title.ref.row == 0
    assert title.ref.label() == "akiruno_progress_summary_r7.docx:¶0"
    note = text.rows[-1]
    assert note.cells[0].startswith("※") and note.ref.row == 3  # the empty paragraph counts


def test_cell_refs_have_columns():
    text = DocxBackend().read(docx_path("003"))
    row = next(r for r in text.rows if r.is_table and r.ref.row == 3)
    assert len(row.cell_refs) == len(row.cells) == 19
    assert [(c.table, c.row, c.col) for c in row.cell_refs[:2]] == [(0, 3, 0), (0, 3, 1)]


# --- (e) files that are not DOCX -----------------------------------------------------------

def test_not_a_zip_is_one_failure(tmp_path):
    bad = tmp_path / "not_a_zip.docx"
    shutil.copy(BROKEN / "not_a_zip.docx", bad)
    result = ingest([bad])
    assert result.documents == []
    assert len(result.failures) == 1
    failure = result.failures[0]
    assert failure.stage == "read" and failure.reason.startswith("not a DOCX file")
    assert "\n" not in failure.reason


def test_batch_with_a_broken_docx_still_loads_the_good_one(tmp_path):
    shutil.copy(BROKEN / "not_a_zip.docx", tmp_path / "a_broken.docx")
    shutil.copy(docx_path("003"), tmp_path / "b_good.docx")
    result = ingest([tmp_path])
    assert [Path(f.source_path).name for f in result.failures] == ["a_broken.docx"]
    assert [Path(d.source_path).name for d in result.documents] == ["b_good.docx"]
    assert len(result.documents[0].measures) == 14


@pytest.mark.parametrize("make,reason", [
    (lambda p: p.write_bytes(b"PK\x03\x04 truncated"), "not a DOCX file"),
    (lambda p: _zip(p, {"a.txt": "x"}), "not a DOCX file (no word/document.xml"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)), "not a DOCX file (an OLE"),
])
def test_unreadable_docx_reasons(tmp_path, make, reason):
    path = tmp_path / "x.docx"
    make(path)
    with pytest.raises(ExtractionError) as exc:
        DocxBackend().read(path)
    assert str(exc.value).startswith(reason) and "\n" not in str(exc.value)


def _zip(path: Path, members: dict[str, str]) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


def test_tracked_changes_and_content_controls(tmp_path):
    """Inserted runs are text, deleted ones are not; content controls are read through."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    body = document.element.body
    sect = body[-1]  # w:sectPr stays last
    sect.addprevious(parse_xml(
        f'<w:p {nsdecls("w")}><w:r><w:t>令和</w:t></w:r>'
        '<w:ins w:id="1" w:author="a"><w:r><w:t>7</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="a"><w:r><w:delText>6</w:delText></w:r></w:del>'
        '<w:r><w:t>年度</w:t><w:tab/><w:t>報告</w:t></w:r></w:p>'))
    sect.addprevious(parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>表紙</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "ラベル"
    cell = table.cell(0, 1)
    cell.text = "【取組1】"
    cell.add_paragraph("・aaa。")
    cell.add_paragraph("・bbb。")
    path = tmp_path / "revisions.docx"
    document.save(path)

    rows = DocxBackend().read(path).rows
    assert [r.cells for r in rows] == [("令和7年度 報告",), ("表紙",), ("ラベル", "【取組1】\n・aaa。\n・bbb。")]
    assert [r.ref.row for r in rows[:2]] == [0, 1]
