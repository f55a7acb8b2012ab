"""Legacy Office and OpenDocument containers (#18 item 2): .xls and .ods read by python-calamine,
.doc and .odt converted by LibreOffice to DOCX. The files are made here: a workbook the test writes
with openpyxl (so every value is known) and the 武蔵野市 DOCX sample, converted by LibreOffice
headless; the tests that need LibreOffice are skipped, with the reason, where it isn't installed."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import SAMPLES

import hyoka
from hyoka.extractors import _soffice, backend_for
from hyoka.extractors.base import ExtractionError
from hyoka.extractors.limits import Limits

SOFFICE = _soffice.soffice_path()
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed: "
                                   "apt install libreoffice-writer-nogui libreoffice-calc-nogui")
MUSASHINO = SAMPLES / "musashino_3ki_evaluation_sheets_r7.docx"

# the indicator table the workbook holds: (indicator, FY2021 target, actual, FY2022 target, actual, grade)
TABLE = [("市内観光施設の来場者数", 1000, 950, 1100, 1210, "A"),
         ("創業支援件数", 20, 18.0, 22, 3.0, "C"),
         ("市民満足度(%)", 80, 75.5, 82, 17757.399999999994, "B")]


def convert(src: Path, fmt: str, out: Path) -> Path:
    """`src` converted by LibreOffice to `fmt` in `out` (as a user would make the file)."""
    out.mkdir(parents=True, exist_ok=True)
    profile = (out / ".profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", fmt,
                    "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=180)
    made = out / f"{src.stem}.{fmt}"
    assert made.is_file(), f"LibreOffice made no {made.name}"
    return made


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """plan.xlsx written by openpyxl, and the same converted to .xls and .ods."""
    import openpyxl

    folder = tmp_path_factory.mktemp("sheets")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "施策評価"
    ws["A1"] = "令和5年度 施策評価結果報告書"
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(["指標名", "令和3年度目標", "令和3年度実績", "令和4年度目標", "令和4年度実績", "評価"])
    for row in TABLE:
        ws.append(list(row))
    ws.append([])
    ws.append(["作成日", dt.datetime(2025, 9, 25)])
    hidden = wb.create_sheet("参考")
    hidden["A1"] = "施策の評価は目標に対する実績の達成度で判定する"
    hidden.sheet_state = "hidden"
    xlsx = folder / "plan.xlsx"
    wb.save(xlsx)
    out = {"xlsx": xlsx}
    if SOFFICE:
        for fmt in ("xls", "ods"):
            out[fmt] = convert(xlsx, fmt, folder)
    return out


@needs_soffice
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_sheet_rows_as_from_the_xlsx(workbooks, fmt):
    path = workbooks[fmt]
    text = backend_for(path).read(path)
    assert text.format == fmt
    rows = [(r.cells, r.ref.table, r.ref.row) for r in text.rows]
    assert rows == [
        (("令和5年度 施策評価結果報告書", "", "", "", "", ""), 0, 0),  # merged A1:F1: the value at A1
        (("指標名", "令和3年度目標", "令和3年度実績", "令和4年度目標", "令和4年度実績", "評価"), 0, 2),
        (("市内観光施設の来場者数", "1000", "950", "1100", "1210", "A"), 0, 3),
        (("創業支援件数", "20", "18", "22", "3", "C"), 0, 4),  # 18.0 and 3.0 print as 18 and 3
        (("市民満足度(%)", "80", "75.5", "82", "17757.4", "B"), 0, 5),
        (("作成日", "2025-09-25", "", "", "", ""), 0, 7),
        (("施策の評価は目標に対する実績の達成度で判定する",), 1, 0),  # the hidden sheet
    ]
    assert text.rows[3].cell_ref(4).file == f"plan.{fmt}" and text.rows[3].cell_ref(4).col == 4
    xlsx = backend_for(workbooks["xlsx"]).read(workbooks["xlsx"])
    assert [r.cells for r in xlsx.rows] == [r[0] for r in rows]


@needs_soffice
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_sheet_values_as_from_the_xlsx(workbooks, fmt):
    def values(path):
        ds = hyoka.read([path], audit=False)
        assert ds.failures.empty and ds.documents.status.tolist() == ["success"]
        iv = ds.indicator_values
        return ds, sorted(zip(iv.indicator, iv.fiscal_year, iv.target.fillna(-1), iv.actual.fillna(-1), iv.grade.fillna("-"),
                              iv.src_row, iv.src_col.fillna(-1)))

    ds, got = values(workbooks[fmt])
    _, want = values(workbooks["xlsx"])
    assert got == want
    assert ("創業支援件数", 2022, 22.0, 3.0, "C") in [g[:5] for g in got]
    assert ("市民満足度(%)", 2021, 80.0, 75.5, "-") in [g[:5] for g in got]
    assert set(ds.indicator_values.src_file) == {f"plan.{fmt}"}
    assert ds.documents.format.tolist() == [fmt]


@pytest.fixture(scope="module")
def word_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("word")
    return {fmt: convert(MUSASHINO, fmt, folder) for fmt in ("doc", "odt")} if SOFFICE else {}


def _sheet_facts(ds):
    measures = sorted(zip(ds.measures.id_raw.astype(str), ds.measures.name))
    actions = sorted(zip(ds.actions.action_no.astype(str), ds.actions.planned.fillna(""), ds.actions.done.fillna("")))
    notes = sorted(zip(ds.notes.kind, ds.notes.text))
    return measures, actions, notes


@needs_soffice
@pytest.mark.parametrize("fmt", ["doc", "odt"])
def test_word_files_give_the_docx_facts(word_files, fmt):
    ds = hyoka.read([word_files[fmt]], audit=False)
    assert ds.failures.empty, ds.failures.to_dict("records")
    assert ds.documents[["format", "layout", "status"]].values.tolist() == [[fmt, "musashino_evaluation_sheets",
                                                                            "success"]]
    measures, actions, notes = _sheet_facts(ds)
    want = _sheet_facts(hyoka.read([MUSASHINO], audit=False))
    assert (measures, actions, notes) == want
    # read by hand from the text rendering: 施策 1 「個性豊かなまちの魅力の醸成・発信」, its 取組 2
    assert ("1", "個性豊かなまちの魅力の醸成・発信") in measures
    assert any(a[0] == "2" and a[1].startswith("令和7年度から新たな寄附受付サイトの運用を開始し") for a in actions)
    assert len(measures) == 20
    # references name the original file, not the converted copy
    assert set(ds.actions.src_file) == set(ds.notes.src_file) == {f"musashino_3ki_evaluation_sheets_r7.{fmt}"}


@needs_soffice
def test_doc_without_libreoffice_is_read_by_antiword(word_files, monkeypatch):
    if _soffice.antiword_path() is None:
        pytest.skip("antiword not installed: apt install antiword")
    monkeypatch.setattr(_soffice, "soffice_path", lambda: None)
    text = backend_for(word_files["doc"]).read(word_files["doc"])
    assert text.format == "doc"
    assert "antiword" in text.warnings[0] and "libreoffice" in text.warnings[0].lower()
    lines = [r.text for r in text.rows]
    assert "第三期武蔵野市産業振興計画 管理・評価シート" in lines
    assert any("個性豊かなまちの魅力の醸成・発信" in line for line in lines)
    assert text.rows[0].ref.file == "musashino_3ki_evaluation_sheets_r7.doc" and text.rows[0].ref.line_start


def test_doc_without_either_program_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(_soffice, "soffice_path", lambda: None)
    monkeypatch.setattr(_soffice, "antiword_path", lambda: None)
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    odt = tmp_path / "new.odt"
    with zipfile.ZipFile(odt, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    ds = hyoka.read([doc, odt], audit=False)
    reasons = dict(zip(ds.failures.source_path.map(lambda p: Path(p).name), ds.failures.reason))
    assert reasons == {
        "old.doc": "reading .doc needs LibreOffice (apt install libreoffice-writer-nogui (Debian/Ubuntu), or "
                   "LibreOffice from libreoffice.org) or, for its text only, antiword (apt install antiword)",
        "new.odt": "reading .odt needs LibreOffice: apt install libreoffice-writer-nogui (Debian/Ubuntu), or "
                   "LibreOffice from libreoffice.org",
    }


@pytest.mark.parametrize("name, data, reason", [
    ("page.xls", "<html><body><table><tr><td>評価</td></tr></table></body></html>".encode(),
     "not an Excel 97–2003 workbook (no OLE compound-file header"),
    ("notes.doc", "令和5年度の評価".encode("cp932"), "not a Word 97–2003 document (no OLE compound-file header"),
    ("x.doc", b"PK\x03\x04" + b"\0" * 40, "not a Word 97–2003 document (a zip archive"),
    ("broken.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 600, "calamine could not open the workbook"),
    ("sheet.ods", b"not a zip", "not an OpenDocument spreadsheet (not a zip archive)"),
    ("text.odt", b"not a zip", "not an OpenDocument text (not a zip archive)"),
])
def test_files_that_are_not_what_their_name_says(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    ds = hyoka.read([path], audit=False)
    [failure] = ds.failures.to_dict("records")
    assert failure["reason"].startswith(reason), failure["reason"]
    assert "\n" not in failure["reason"] and "Traceback" not in failure["reason"]


def test_conversion_past_max_seconds_is_stopped(tmp_path, monkeypatch):
    """A converter that hangs is killed (its whole process group) at the document's max_seconds."""
    slow = tmp_path / "soffice"
    slow.write_text("#!/bin/sh\nsleep 30 &\nsleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setattr(_soffice, "soffice_path", lambda: str(slow))
    odt = tmp_path / "slow.odt"
    with zipfile.ZipFile(odt, "w") as z:
        z.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(ExtractionError, match=r"LibreOffice converting slow.odt took longer than 1 s \(max_seconds\)"):
        backend_for(odt).read(odt, Limits(max_seconds=1))


@needs_soffice
def test_legacy_members_of_a_zip_bundle(workbooks, word_files, tmp_path):
    bundle = tmp_path / "r5.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        z.write(workbooks["xls"], "施策評価/plan.xls")
        z.write(word_files["doc"], "施策評価/musashino.doc")
    ds = hyoka.read([bundle], audit=False)
    assert ds.failures.empty, ds.failures.to_dict("records")
    assert sorted(ds.documents.format) == ["doc", "xls"]
    assert sorted(Path(p).name for p in ds.documents.source_path) == ["musashino.doc", "plan.xls"]
    assert all("r5.zip!/施策評価/" in p for p in ds.documents.source_path)
    values = ds.indicator_values[ds.indicator_values.indicator.isin([t[0] for t in TABLE])]
    assert len(values) == 6 and len(ds.measures[ds.measures.doc_id.isin(
        ds.documents.doc_id[ds.documents.format == "doc"])]) == 20


def test_info_says_what_reads_each_format_and_what_is_missing(monkeypatch):
    import json

    from typer.testing import CliRunner

    from hyoka.pipeline.cli import app

    monkeypatch.setattr(_soffice, "soffice_path", lambda: "/opt/lo/soffice")
    monkeypatch.setattr(_soffice, "antiword_path", lambda: None)
    info = json.loads(CliRunner().invoke(app, ["info", "--json"]).stdout)
    formats = {f["name"]: f for f in info["formats"]}
    assert formats["doc"]["extensions"] == [".doc"] and formats["doc"]["available"] is True
    assert formats["odt"]["reader"] == "LibreOffice (/opt/lo/soffice) converts to DOCX, then the DOCX reader"
    assert formats["xls"]["reader"].startswith("python-calamine ") and formats["ods"]["available"] is True
    assert formats["xlsx"]["reader"].startswith("python-calamine ")
    tools = {t["name"]: t for t in info["tools"]}
    assert tools["LibreOffice"]["found"] is True and tools["antiword"] == {
        "name": "antiword", "used_for": ".doc as text only, without LibreOffice", "found": False, "path": None,
        "install": "apt install antiword"}
    assert "Tesseract" in tools  # the OCR row (the OCR backend registers its own check)

    monkeypatch.setattr(_soffice, "soffice_path", lambda: None)
    res = CliRunner().invoke(app, ["info"])
    assert res.exit_code == 0
    assert ("  odt: .odt — LibreOffice converts to DOCX, then the DOCX reader [not readable here: apt install "
            "libreoffice-writer-nogui (Debian/Ubuntu), or LibreOffice from libreoffice.org]") in res.output
    assert "  antiword for .doc as text only, without LibreOffice: not found — apt install antiword" in res.output


def _repeated_ods(path: Path, rows: int, cols: int) -> Path:
    """An .ods of 20 KB whose one cell is repeated over `rows` × `cols` (OpenDocument's
    number-rows-repeated / number-columns-repeated)."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}><office:body><office:spreadsheet>'
               '<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string">'
               '<text:p>施策の評価</text:p></table:table-cell></table:table-row>'
               f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
               f'table:number-columns-repeated="{cols}" office:value-type="float" office:value="1"><text:p>1</text:p>'
               '</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>'
               '</office:document-content>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
    return path


@pytest.mark.parametrize("rows, cols, reason", [
    (3, 2, None),
    (4000, 1000, "sheet 'S': 4,001 rows × 1,000 columns is over the limit of 2,000,000 cells (max_cells)"),
    # calamine's own limit, 100 million cells (an .ods is parsed whole when it is opened)
    (100_000, 1001, "calamine could not open the workbook (Cell limit exceeded"),
])
def test_ods_repeated_cells_are_bounded(tmp_path, rows, cols, reason):
    path = _repeated_ods(tmp_path / "repeated.ods", rows, cols)
    if reason is None:
        text = backend_for(path).read(path)
        assert [r.cells for r in text.rows] == [("施策の評価", "")] + [("1", "1")] * 3
        return
    with pytest.raises(ExtractionError) as err:
        backend_for(path).read(path)
    assert str(err.value).startswith(reason)


def test_ods_text_boxes_over_cells_are_a_row_before_theirs(tmp_path):
    """A shape anchored in a cell (as LibreOffice saves an .xlsx's text boxes, e.g. 大船渡市's fiscal
    years) is a Row of its own just before its sheet row, at its cell's column; page shapes are not."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p>{}</table:table-cell>'
    shape = '<draw:custom-shape draw:name="box"><text:p>{}</text:p><text:p> </text:p></draw:custom-shape>'
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}><office:body><office:spreadsheet>'
               '<table:table table:name="評価"><table:shapes><draw:frame><text:p>ページの図形</text:p></draw:frame>'
               '</table:shapes>'
               '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>'
               '<table:table-row><table:table-cell table:number-columns-repeated="2"/>'
               + cell.format("事業費", shape.format("１年目（令和２年度実績）"))
               + '<table:covered-table-cell/>' + cell.format("人件費", shape.format("２年目（令和３年度実績）"))
               + '</table:table-row><table:table-row>' + cell.format("指標", "") + '</table:table-row>'
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    path = tmp_path / "boxes.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
    text = backend_for(path).read(path)
    assert [(r.cells, r.ref.row) for r in text.rows] == [
        (("", "", "１年目（令和２年度実績）", "", "２年目（令和３年度実績）"), 2),  # the boxes' row, before row 2
        (("", "", "事業費", "", "人件費"), 2),
        (("指標", "", "", "", ""), 3),
    ]
