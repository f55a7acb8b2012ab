"""Hostile sizes (#11 item 6) and reasons for people (#11 item 14): a small file that would unpack into
gigabytes is one clear failure naming the limit; a library's exception becomes a sentence, its own text
kept as the detail."""

from __future__ import annotations

import zipfile
import zlib

import pytest

from hyoka.extractors._common import reason_for_people
from hyoka.extractors.base import ExtractionError
from hyoka.extractors.docx_format import DocxBackend
from hyoka.extractors.limits import LimitExceeded, Limits
from hyoka.extractors.xlsx_format import XlsxBackend
from hyoka.pipeline.ingest import ingest

from conftest import SAMPLES
from test_hostile_numbers import _workbook_with_cell


def _docx(tmp_path, name: str, rows: int = 1, span: int = 1, pad_mb: int = 0):
    """A DOCX with a `rows` × 2 table whose first cell spans `span` grid columns, and `pad_mb` MB of
    spaces in a comment-free custom part (compresses ~1000:1)."""
    import docx

    d = docx.Document()
    d.add_paragraph("令和7年度 進捗状況")
    table = d.add_table(rows=rows, cols=2)
    for r in range(rows):
        table.cell(r, 0).text = f"施策{r}"
    src = tmp_path / "src.docx"
    d.save(src)
    out = tmp_path / name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml" and span > 1:
                data = data.replace(b'<w:tcW w:type="dxa" w:w="4320"/></w:tcPr><w:p><w:r><w:t>',
                                    b'<w:tcW w:type="dxa" w:w="4320"/><w:gridSpan w:val="%d"/></w:tcPr><w:p><w:r><w:t>'
                                    % span)
                assert b"gridSpan" in data
            zout.writestr(item, data)
        if pad_mb:
            with zout.open("customXml/padding.xml", "w") as fh:
                for _ in range(pad_mb):
                    fh.write(b" " * 2**20)
    return out


def test_docx_with_a_twenty_million_column_merge_is_refused_at_once(tmp_path):
    path = _docx(tmp_path, "span.docx", span=20_000_000)
    assert path.stat().st_size < 70_000  # the 62 KB file that unpacked into a 7.4 GB grid
    with pytest.raises(LimitExceeded) as info:
        DocxBackend().read(path)
    assert info.value.limit == "max_grid_span"
    assert str(info.value) == ("table 0 row 0: a merged cell (gridSpan) of 20,000,000 grid columns, over the limit "
                               "of 1,000 (max_grid_span)")
    result = ingest([path, SAMPLES / "akiruno_progress_summary_r7.docx"])  # one failure line, the batch goes on
    assert [f.reason for f in result.failures] == [str(info.value)] and len(result.documents) == 1


def test_docx_cells_are_bounded_by_max_cells(tmp_path):
    path = _docx(tmp_path, "wide.docx", rows=30, span=900)
    with pytest.raises(LimitExceeded) as info:
        DocxBackend().read(path, limits=Limits(max_cells=20_000))
    assert info.value.limit == "max_cells"
    assert len(DocxBackend().read(path).rows) == 31  # within the default limits it is read


def test_docx_zip_bomb_is_refused_before_parsing(tmp_path):
    path = _docx(tmp_path, "bomb.docx", pad_mb=3)
    assert path.stat().st_size < 100_000
    with pytest.raises(LimitExceeded) as info:
        DocxBackend().read(path, limits=Limits(max_decompressed_mb=2))
    assert info.value.limit == "max_decompressed_mb"
    assert str(info.value).startswith("a DOCX file whose parts unpack to 4 MB (")  # 3 MB of padding + the template
    assert "times its compressed size)" in str(info.value)
    assert str(info.value).endswith("over the limit of 2 MB (max_decompressed_mb): a zip bomb or not a report")


@pytest.mark.hostile_big
def test_docx_zip_bomb_at_the_default_limit(tmp_path):
    path = _docx(tmp_path, "bomb.docx", pad_mb=600)  # ~600 KB on disk
    with pytest.raises(LimitExceeded):
        DocxBackend().read(path)


def test_xlsx_cell_in_column_xfd_is_refused_before_the_grid_is_made(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>2</v></c></row>' for r in range(2, 302))
    path = _workbook_with_cell(tmp_path, "0", rows='<row r="1"><c r="XFD1" t="s"><v>3</v></c></row>' + rows)
    assert path.stat().st_size < 10_000
    with pytest.raises(LimitExceeded) as info:
        XlsxBackend().read(path)
    assert info.value.limit == "max_cells"
    assert str(info.value) == ("sheet 1: 301 rows × 16,384 columns (to its rightmost value) is over the limit of "
                               "2,000,000 cells (max_cells)")


def test_xlsx_value_cells_are_bounded_while_parsing(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>2</v></c><c r="B{r}"><v>{r}</v></c></row>'
                   for r in range(1, 201))
    path = _workbook_with_cell(tmp_path, "0", rows=rows)
    with pytest.raises(LimitExceeded) as info:
        XlsxBackend().read(path, limits=Limits(max_cells=300))
    assert info.value.limit == "max_cells"
    assert len(XlsxBackend().read(path).rows) == 200


def test_xlsx_zip_bomb_and_file_size(tmp_path):
    path = _workbook_with_cell(tmp_path, "0")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/padding.xml", b" " * (3 * 2**20))
    with pytest.raises(LimitExceeded, match="max_decompressed_mb"):
        XlsxBackend().read(path, limits=Limits(max_decompressed_mb=2))
    with pytest.raises(LimitExceeded) as info:
        XlsxBackend().read(path, limits=Limits(max_file_mb=0.001))
    assert info.value.limit == "max_file_mb"


# ---------------------------------------------------------------- item 14: reasons for people


@pytest.mark.parametrize("exc, where, reason", [
    (type("PdfminerException", (Exception,), {})("Non-Ascii85 digit found"), "",
     "the file is damaged: a compressed part of it can't be decoded"),
    (TypeError("'NoneType' object is not iterable"), "page.py:166",
     "the file is damaged or unusual in a way the reader can't handle"),
    (IndexError("list index out of range"), "_reader.py:227",
     "the file is damaged or unusual in a way the reader can't handle"),
    (zlib.error("Error -3 while decompressing data: invalid stored block lengths"), "",
     "the file is damaged: a compressed part of it can't be decoded"),
    (KeyError("There is no item named 'word/styles.xml' in the archive"), "",
     "the file is damaged: a part it refers to is missing"),
])
def test_library_exceptions_become_sentences_with_the_detail_kept(exc, where, reason):
    got, detail = reason_for_people(exc, where)
    assert got == reason
    assert detail == f"{type(exc).__name__}: {exc}" + (f" (at {where})" if where else "")


def test_damaged_docx_and_xlsx_give_a_reason_and_a_detail(tmp_path):
    src = SAMPLES / "akiruno_progress_summary_r7.docx"
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, data[:500] if item.filename == "word/document.xml" else data)
    with pytest.raises(ExtractionError) as info:
        DocxBackend().read(bad)
    assert str(info.value) == "the DOCX file is damaged: a part of it is not well-formed XML"
    assert info.value.detail.startswith("XMLSyntaxError: ")

    path = _workbook_with_cell(tmp_path, "0", rows='<row r="1"><c r="A1"><v>1</v></c></row><row r=')
    with pytest.raises(ExtractionError) as info:
        XlsxBackend().read(path)
    assert str(info.value).startswith("the Excel workbook is damaged")
    assert info.value.detail and "Error" in info.value.detail


def _mutated(data: bytes, rng, part_of_zip=None) -> bytes:
    """`data` with a few bytes changed: in one part of the zip (re-packed), or in the zip itself."""
    if part_of_zip is None:
        out = bytearray(data)
        for _ in range(rng.randint(1, 5)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            part = zin.read(item.filename)
            zout.writestr(item, _mutated(part, rng) if item.filename == part_of_zip and part else part)
    return buf.getvalue()


def test_mutated_docx_and_xlsx_are_read_or_refused_with_a_sentence(tmp_path):
    import random

    rng = random.Random(11)
    docx_bytes = (SAMPLES / "akiruno_progress_summary_r7.docx").read_bytes()
    xlsx_bytes = _workbook_with_cell(tmp_path, "3").read_bytes()
    reasons = set()
    for k in range(24):
        suffix, data, part = [(".docx", docx_bytes, "word/document.xml"), (".xlsx", xlsx_bytes, "xl/worksheets/sheet1.xml"),
                              (".docx", docx_bytes, None), (".xlsx", xlsx_bytes, None)][k % 4]
        path = tmp_path / f"m{k}{suffix}"
        path.write_bytes(_mutated(data, rng, part))
        backend = DocxBackend() if suffix == ".docx" else XlsxBackend()
        try:
            backend.read(path)
        except ExtractionError as exc:  # anything else is a traceback: the test fails
            assert "\n" not in str(exc) and "Error" not in str(exc)  # a sentence; the exception's name is the detail
            reasons.add(str(exc).split(" (")[0])
    assert reasons and all(r.startswith(("the DOCX file", "the Excel workbook", "not a DOCX", "not an Excel"))
                           for r in reasons)


def test_docx_part_packed_like_a_bomb_is_refused_at_the_default_limits(tmp_path):
    # 12 MB of identical paragraphs in word/document.xml from a ~40 KB file: under max_decompressed_mb
    # (500), but packed 340:1 where real documents are ≤ 35:1 (300 MB of this took 5.3 GB in lxml)
    src = _docx(tmp_path, "plain.docx")
    path = tmp_path / "paras.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                head, tail = data.split(b"<w:body>")
                data = head + b"<w:body>" + b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 360_000 + tail
            zout.writestr(item, data)
    assert path.stat().st_size < 100_000
    with pytest.raises(LimitExceeded) as info:
        DocxBackend().read(path)
    assert info.value.limit == "max_decompressed_mb"
    assert str(info.value).startswith("a DOCX file with a part (word/document.xml) that unpacks to 12 MB, ")
    assert str(info.value).endswith("times its compressed size: a zip bomb, not a report")
