"""OCR of PDF pages without a text layer (extractors/ocr.py, _ocr_image.py, _ocr_tesseract.py).

The image and hOCR steps are tested on inputs built here, with or without Tesseract; the
recognition itself where the tesseract program and its Japanese model are installed (skipped
with the reason otherwise): a scanned page made from a small PDF the test draws, and the
あきる野 table scanned at 300 dpi (tests/fixtures/scans/, made by tests/fixtures/make_scans.py),
whose values are compared with those hyoka reads from the same table's text layer.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hyoka.extractors import _ocr_image as img
from hyoka.extractors import _ocr_tesseract as tesseract
from hyoka.extractors import ocr
from hyoka.extractors.base import ExtractionError
from hyoka.extractors.pdf import PdfBackend, PdfSettings
from hyoka.pipeline.model import Document, IndicatorValue, SourceRef

ROOT = Path(__file__).resolve().parents[1]
SCAN = ROOT / "tests" / "fixtures" / "scans" / "akiruno_progress_summary_r7_scan300.pdf"
TEXT_LAYER = ROOT / "sample_docs" / "akiruno_progress_summary_r7.pdf"

TESS = tesseract.find()
needs_tesseract = pytest.mark.skipif(not TESS.usable, reason=f"OCR not available: {TESS.problem}")


def _make_scans():
    spec = importlib.util.spec_from_file_location("make_scans", ROOT / "tests" / "fixtures" / "make_scans.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- hOCR ---------------------------------------------------------------------------------------

HOCR = """<div class='ocr_page' id='page_1'>
<span class='ocr_line' id='line_1_1' title="bbox 100 200 400 240; baseline 0 -5; x_size 40">
<span class='ocrx_word' id='word_1_1' title='bbox 100 205 190 238; x_wconf 95'>
<span class='ocrx_cinfo' title='x_bboxes 100 205 120 238; x_conf 99.1'>2</span>
<span class='ocrx_cinfo' title='x_bboxes 126 205 146 238; x_conf 98.0'>8</span>
<span class='ocrx_cinfo' title='x_bboxes 150 230 156 240; x_conf 91.0'>,</span>
<span class='ocrx_cinfo' title='x_bboxes 152 229 158 238; x_conf 88.5'>.</span>
<span class='ocrx_cinfo' title='x_bboxes 160 205 180 238; x_conf 97.0'>0</span>
</span>
<span class='ocrx_word' id='word_1_2' title='bbox 300 204 340 238; x_wconf 40'>
<span class='ocrx_cinfo' title='x_bboxes 300 204 340 238; x_conf 41.5'>&amp;</span>
</span>
</span>
</div>"""


def test_hocr_characters_with_boxes_confidences_and_their_lines_box():
    chars = tesseract.parse_hocr(HOCR)
    assert [c.text for c in chars] == ["2", "8", ",", "0", "&"]
    assert [c.conf for c in chars] == [99.1, 98.0, tesseract.DOUBTED, 97.0, 41.5]
    assert all((c.line_top, c.line_bottom) == (200.0, 240.0) for c in chars)


def test_hocr_gaps_inside_a_word_are_closed_not_between_words():
    chars = tesseract.parse_hocr(HOCR)
    # each character of the word 「28,0」 reaches the next one's ink; the last keeps its own end
    assert [(c.x0, c.x1) for c in chars[:4]] == [(100, 126), (126, 150), (150, 160), (160, 180)]
    assert (chars[4].x0, chars[4].x1) == (300, 340)  # the next word: the gap before it stays


# --- the page image -----------------------------------------------------------------------------

def _grid(angle: float = 0.0) -> np.ndarray:
    """A white page with a 3×3 ruled table whose top row is one merged cell, and a 「glyph」 in a cell."""
    from PIL import Image, ImageDraw

    page = Image.new("L", (1200, 900), 255)
    draw = ImageDraw.Draw(page)
    xs, ys = [100, 400, 700, 1000], [100, 250, 400, 550]
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=3)
    for x in xs:
        draw.line([(x, ys[1] if x in (400, 700) else ys[0]), (x, ys[-1])], fill=0, width=3)
    draw.rectangle([450, 300, 480, 340], fill=0)  # ink in the middle cell of row 2 (short: not a rule)
    if angle:
        page = page.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    return np.asarray(page)


def test_rules_are_found_and_cells_joined_where_no_rule_parts_them():
    rules, mask = img.find_rules(_grid(), 70)
    horizontal = sorted(round(r.at) for r in rules if r.orientation == "h")
    vertical = sorted(round(r.at) for r in rules if r.orientation == "v")
    assert horizontal == [100, 250, 400, 550] and vertical == [100, 400, 700, 1000]
    cells = img.ruled_cells(rules)
    # the top row is one cell across the table; rows 2 and 3 have three cells each
    assert len(cells) == 7
    assert cells[0][0] < 110 and cells[0][2] > 990 and cells[0][1] < 110 and cells[0][3] < 250
    assert not mask[320, 465]  # the ink block is not a rule
    cleaned = img.without_rules(_grid(), mask)
    assert (cleaned[95:106, 100:1000] == 255).all() and (cleaned[300:340, 450:480] == 0).all()


def test_rule_edges_are_in_points():
    rules, _ = img.find_rules(_grid(), 70)
    edges = img.rule_edges(rules, 72 / 300)
    top = min((e for e in edges if e["orientation"] == "h"), key=lambda e: e["top"])
    assert top["top"] == pytest.approx(100 * 72 / 300, abs=0.5)
    assert top["x0"] == pytest.approx(100 * 72 / 300, abs=1) and top["x1"] == pytest.approx(1000 * 72 / 300, abs=1)


def test_a_page_scanned_askew_is_turned_straight():
    assert img.skew_angle(_grid(0.0)) == pytest.approx(0.0, abs=0.1)
    assert img.skew_angle(_grid(1.2)) == pytest.approx(-1.2, abs=0.15)


def test_ink_box_and_specks():
    gray = _grid()
    assert img.ink_box(gray, (405, 255, 695, 395), 20) == (450, 300, 481, 341)
    assert img.ink_box(gray, (705, 255, 995, 395), 20) is None  # an empty cell
    rng = np.random.default_rng(0)
    noisy = gray.copy()
    noisy[rng.random(gray.shape) < 0.001] = 0  # 1,000 specks per million pixels
    assert not img.speckled(gray) and img.speckled(noisy)


# --- marks and flags ----------------------------------------------------------------------------

def test_unsure_characters_flag_the_values_holding_them():
    ref = SourceRef(file="scan.pdf", page=1, table=0, row=3, ocr=True, ocr_conf=41.5)
    cell = SourceRef(file="scan.pdf", page=1, table=0, row=3, col=8, ocr=True, ocr_conf=41.5)
    doc = Document(doc_id="x", source_path="scan.pdf", format="pdf")
    doc.indicator_values.append(IndicatorValue(measure_key="創業塾", indicator="参加者数", fiscal_year_raw="令和5年度",
                                               row_kind="yearly", target_raw="16人", actual_raw="11人",
                                               grade_raw="B", ref=ref))
    ocr.flag_unsure_values(doc, [ocr.OcrCell(ref=cell, text="11人", unsure="1", conf=41.5)])
    assert [(f.field, f.raw, f.ref.col, f.scope) for f in doc.flags] == [("actual", "11人", 8, "創業塾")]
    assert doc.flags[0].reason == "read by OCR, unsure of 「1」 (confidence 42 < 60): check it on the page"
    # a value read from a text layer is never flagged by OCR
    doc.flags.clear()
    doc.indicator_values[0].ref = SourceRef(file="scan.pdf", page=1, table=0, row=3)
    ocr.flag_unsure_values(doc, [ocr.OcrCell(ref=cell, text="11人", unsure="1", conf=41.5)])
    assert doc.flags == []


def test_ocr_columns_of_a_source_reference():
    columns = SourceRef(file="a.pdf", page=2, ocr=True, ocr_conf=88.0).columns()
    assert (columns["src_ocr"], columns["src_ocr_conf"]) == (True, 88.0)
    assert SourceRef(file="a.txt", line_start=3).columns()["src_ocr"] is False


# --- without Tesseract --------------------------------------------------------------------------

def test_without_tesseract_a_scan_still_says_needs_ocr_and_what_to_install(monkeypatch):
    missing = tesseract.Tesseract(None, None, (), "the tesseract program is not installed "
                                                  f"(apt install {tesseract.APT_PACKAGES})")
    monkeypatch.setattr(tesseract, "find", lambda: missing)
    with pytest.raises(ExtractionError) as exc:
        PdfBackend().read(SCAN)
    assert str(exc.value) == ("no text layer: every page is blank or an image (needs OCR: the tesseract program "
                              "is not installed (apt install tesseract-ocr tesseract-ocr-jpn))")
    info = ocr.info()
    assert info["available"] is False and "apt install tesseract-ocr tesseract-ocr-jpn" in info["line"]


def test_ocr_turned_off_in_the_settings():
    with pytest.raises(ExtractionError, match=r"^no text layer: .*needs OCR"):
        PdfBackend(PdfSettings(ocr=False)).read(SCAN)


# --- with Tesseract -----------------------------------------------------------------------------

def _small_pdf(path: Path) -> None:
    """One page: a title and a ruled 3×4 table in reportlab's CID font HeiseiKakuGo-W5."""
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("HeiseiKakuGo-W5", 16)
    c.drawString(72, 770, "令和6年度 事業評価シート")
    rows = [("指標", "目標", "実績", "評価"), ("参加者数", "120人", "98人", "B"), ("相談件数", "45件", "51件", "A")]
    x, y, w, h = [72, 202, 292, 382, 442], 730, None, 30
    c.setFont("HeiseiKakuGo-W5", 12)
    for r, row in enumerate(rows):
        for k, text in enumerate(row):
            c.drawString(x[k] + 8, y - r * h - 20, text)
    for r in range(len(rows) + 1):
        c.line(x[0], y - r * h, x[-1], y - r * h)
    for xx in x:
        c.line(xx, y, xx, y - len(rows) * h)
    c.save()


@needs_tesseract
def test_a_scanned_page_rendered_from_a_test_pdf_is_read_as_its_table(tmp_path):
    src, scan = tmp_path / "sheet.pdf", tmp_path / "sheet_scan.pdf"
    _small_pdf(src)
    text_layer = PdfBackend().read(src)
    if not any(r.is_table for r in text_layer.rows) or "参加者数" not in text_layer.full_text():
        pytest.skip("PDFium draws HeiseiKakuGo-W5 with no Japanese font on this machine")
    _make_scans().scan(src, scan, dpi=300)
    text = PdfBackend().read(scan)
    assert text.ocr_pages == 1
    table = [r.cells for r in text.rows if r.is_table]
    assert table == [("指標", "目標", "実績", "評価"), ("参加者数", "120人", "98人", "B"),
                     ("相談件数", "45件", "51件", "A")]
    # the space printed between 「年度」 and 「事業」 is a glyph in the text layer; in the image it is a gap
    # narrower than a character, which between kanji is spacing, not a space (as in a text layer)
    assert [r.text for r in text.rows if not r.is_table] == ["令和6年度事業評価シート"]
    refs = [ref for r in text.rows for ref in (r.cell_refs or (r.ref,))]
    assert all(ref.ocr and ref.ocr_conf is not None and 0 <= ref.ocr_conf <= 100 for ref in refs)
    assert all(not ref.ocr for r in text_layer.rows for ref in (r.cell_refs or (r.ref,)))


def _value_key(row) -> tuple:
    """A value as printed: its year, and target, actual and grade with whitespace taken out."""
    return tuple(None if pd.isna(v) else "".join(str(v).split())
                 for v in (row.fiscal_year, row.target_raw, row.actual_raw, row.grade_raw))


@needs_tesseract
def test_scanned_akiruno_table_gives_nine_in_ten_of_its_values_each_marked_ocr():
    import hyoka

    printed = hyoka.read(TEXT_LAYER, audit=False)
    scanned = hyoka.read(SCAN, audit=False)
    expected = Counter(map(_value_key, printed.indicator_values.itertuples()))
    got = Counter(map(_value_key, scanned.indicator_values.itertuples()))
    assert sum(expected.values()) == 70
    same = sum((expected & got).values())
    assert same >= 63, f"{same}/70 values as in the text layer; missing {sorted(expected - got, key=str)}"
    values = scanned.indicator_values
    assert values["src_ocr"].astype(bool).all()
    assert int(scanned.documents["ocr_pages"].iloc[0]) == 2
    assert (scanned.documents["status"] == "success").all()
    # no value read as printed on the text layer is flagged here only because OCR read it ...
    # ... and a value OCR doubted is flagged with the reason, never taken silently
    doubted = scanned.flags[scanned.flags["reason"].str.startswith("read by OCR")]
    assert all(flag.raw in set(values["target_raw"].dropna()) | set(values["actual_raw"].dropna())
               | set(values["grade_raw"].dropna()) for flag in doubted.itertuples())


def test_info_says_whether_ocr_is_available_and_what_to_install(monkeypatch):
    import json

    from typer.testing import CliRunner

    from hyoka.pipeline.cli import app

    res = CliRunner().invoke(app, ["info", "--json"])
    got = json.loads(res.output)["ocr"]
    assert got["available"] is TESS.usable
    if TESS.usable:
        assert got["install"] is None and f"tesseract {TESS.version} at {TESS.path}" in got["detail"]
    missing = tesseract.Tesseract("/usr/bin/tesseract", "5.3.0", ("eng", "osd"),
                                  "tesseract 5.3.0 has no Japanese model (apt install tesseract-ocr-jpn)")
    monkeypatch.setattr(tesseract, "find", lambda: missing)
    res = CliRunner().invoke(app, ["info"])
    assert res.exit_code == 0
    assert ("pdf (scanned, OCR): pypdfium2 renders, Tesseract (jpn) reads — not available: tesseract 5.3.0 "
            "has no Japanese model (apt install tesseract-ocr-jpn) — install: apt install tesseract-ocr "
            "tesseract-ocr-jpn; pip install 'hyoka[ocr]'") in res.output


def test_a_point_before_three_digits_is_taken_as_a_thousands_comma_and_doubted():
    def word(*chars):
        spans = "".join(f"<span class='ocrx_cinfo' title='x_bboxes {10 * k} 0 {10 * k + 8} 20; x_conf 97.0'>{ch}</span>"
                        for k, ch in enumerate(chars))
        return f"<span class='ocrx_word' id='w' title='bbox 0 0 100 20; x_wconf 97'>{spans}</span>"

    thousands = tesseract.parse_hocr(word("5", ".", "3", "4", "9", "人"))
    assert "".join(c.text for c in thousands) == "5,349人" and thousands[1].conf == tesseract.DOUBTED
    decimal = tesseract.parse_hocr(word("1", ".", "5", "%"))
    assert "".join(c.text for c in decimal) == "1.5%" and decimal[1].conf == 97.0


def test_a_lone_dash_or_circle_is_the_tables_mark():
    assert ocr.LONE_SHAPES["ー"] == "-" and ocr.LONE_SHAPES["〇"] == "○"
    page = ocr.PageOcr(Path("scan.pdf"))
    page.pages[1] = [{"text": "ー", "x0": 10.0, "x1": 20.0, "top": 10.0, "bottom": 20.0, "ocr_conf": 95.0}]
    from hyoka.pipeline.model import Row

    row = Row(cells=("ー", "ーX"), ref=SourceRef(file="scan.pdf", page=1, table=0, row=0, bbox=(0, 0, 100, 30)),
              cell_refs=(SourceRef(file="scan.pdf", page=1, table=0, row=0, col=0, bbox=(0, 0, 50, 30)),
                         SourceRef(file="scan.pdf", page=1, table=0, row=0, col=1, bbox=(50, 0, 100, 30))),
              is_table=True)
    (marked,), unsure = page.mark([row])
    assert marked.cells == ("-", "ーX") and unsure == []
    assert [(r.ocr, r.ocr_conf) for r in marked.cell_refs] == [(True, 95.0), (True, None)]
