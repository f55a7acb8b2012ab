"""The PDF versions of 000, 001 and 003 (tests/fixtures/make_fixtures.py) give the same
dataset as their text renderings; merged cells, wrapped lines, tables continued on the
next page, fake bold, source references and unreadable files.

Every test runs on both engines (PdfSettings.engine / $HYOKA_PDF_ENGINE): "pdfium" (the
default: pypdfium2's characters and path objects, pdfplumber for the pages it can't reproduce)
and "pdfplumber"; the engines give the same rows on every PDF fixture (section (e))."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import SAMPLES, SEED_FILES, comparable

from hyoka.extractors import backend_for
from hyoka.extractors._common import plain
from hyoka.extractors.base import ExtractionError
from hyoka.extractors.limits import LimitExceeded, Limits
from hyoka.extractors.pdf import ENGINE_VARIABLE, ENGINES, PdfBackend, PdfSettings
from hyoka.normalizers.text import strip_html
from hyoka.pipeline.ingest import ingest
from hyoka.pipeline.tables import TABLES

BROKEN = Path(__file__).parent / "fixtures" / "broken"
PDF_SEEDS = ("000", "001", "003")


FIXTURES = Path(__file__).parent / "fixtures"
CORPUS_RENDER = Path(__file__).parent / "corpus" / "render"
ALL_PDFS = sorted([*SAMPLES.glob("*.pdf"), *FIXTURES.glob("*.pdf"), *CORPUS_RENDER.glob("*.pdf")])


@pytest.fixture(scope="module", autouse=True, params=ENGINES)
def engine(request):
    """The whole module once per engine (the default backend reads $HYOKA_PDF_ENGINE per file)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENGINE_VARIABLE, request.param)
        yield request.param


def pdf_path(seed: str) -> Path:
    return SAMPLES / SEED_FILES[seed].replace(".txt", ".pdf")


@pytest.fixture(scope="module")
def paired():
    """seed → (text IngestResult, pdf IngestResult); each file read once."""
    out = {}
    for seed in PDF_SEEDS:
        text, pdf = ingest([SAMPLES / SEED_FILES[seed]]), ingest([pdf_path(seed)])
        assert not text.failures and not pdf.failures, (text.failures, pdf.failures)
        out[seed] = (text, pdf)
    return out


@pytest.fixture(scope="module")
def paired_tables(paired):
    return {seed: (text.tables(), pdf.tables()) for seed, (text, pdf) in paired.items()}


@pytest.fixture(scope="module")
def pdf_docs(paired):
    return {seed: pdf.documents[0] for seed, (_text, pdf) in paired.items()}


@pytest.fixture(scope="module")
def pdf_rows():
    return {seed: PdfBackend().read(pdf_path(seed)).rows for seed in PDF_SEEDS}


# --- (a) the same dataset ------------------------------------------------------------------

@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("seed", PDF_SEEDS)
def test_pdf_gives_the_same_dataset_as_text(paired_tables, seed, table):
    from_text, from_pdf = paired_tables[seed]
    pd.testing.assert_frame_equal(comparable(from_pdf, table), comparable(from_text, table))


@pytest.mark.parametrize("seed", PDF_SEEDS)
def test_pdf_dataset_is_not_trivially_empty(paired_tables, seed):
    _, from_pdf = paired_tables[seed]
    assert len(from_pdf["measures"]) > 0 and len(from_pdf["notes"]) > 0
    assert set(from_pdf["documents"]["format"]) == {"pdf"}
    assert set(from_pdf["documents"]["status"]) == {"success"}


@pytest.mark.parametrize("seed", ("001", "003"))
def test_pdf_table_rows_are_the_text_rows(seed, pdf_rows):
    """Every row of the rendering, cell for cell, markup and whitespace aside: the grid, the
    merged cells, the joined wraps, the stitched page breaks are right. (A grid column that
    is empty in every row has no ruling of its own in the PDF: trailing '' cells may be fewer.)"""
    pdf = [r for r in pdf_rows[seed] if not r.is_blank()]
    path = SAMPLES / SEED_FILES[seed]
    text = [r for r in backend_for(path).read(path).rows if not r.is_blank()]
    assert len(pdf) == len(text)

    def cells(values):
        out = list(values)
        while out and not out[-1]:
            out.pop()
        return tuple(out)

    for p, t in zip(pdf, text):
        assert cells(" ".join(c.split()) for c in p.cells) == cells(strip_html(c) for c in t.cells), (p.ref, t.ref)


def test_000_pdf_paragraphs_are_the_text_lines(pdf_rows):
    """reportlab wraps long lines by width; each wrapped line is joined back into one row."""
    path = SAMPLES / SEED_FILES["000"]
    text = [plain(r.text) for r in backend_for(path).read(path).rows if not r.is_blank()]
    pdf = [r.text for r in pdf_rows["000"]]
    assert pdf == text
    assert all(not r.is_table and len(r.cells) == 1 for r in pdf_rows["000"])


# --- (b) the seed facts from the PDF: tests/test_seed_facts.py runs them on every format ----





def test_000_pdf_fake_bold_title_is_read_once(pdf_docs, pdf_rows):
    assert pdf_rows["000"][0].text == "第二期産業振興計画進捗管理まとめ"
    assert pdf_docs["000"].title == "第二期産業振興計画進捗管理まとめ"


def test_000_pdf_dedupes_only_the_fake_bold_page(monkeypatch, engine):
    """pdfminer gives page 1's 16 title characters twice ("fake bold"): only that page is
    de-duplicated. PDFium gives the copy no text (pdfium.py: _fake_bold_copies), so with it
    no page needs de-duplicating."""
    import hyoka.extractors.pdf.backend as pdf_backend

    calls = []
    original = pdf_backend.dedupe_chars

    def counting(chars, tolerance):
        calls.append(len(chars))
        return original(chars, tolerance)

    monkeypatch.setattr(pdf_backend, "dedupe_chars", counting)
    PdfBackend().read(pdf_path("000"))
    assert calls == ([269] if engine == "pdfplumber" else [])  # page 1 only (253 characters after)
    calls.clear()
    PdfBackend().read(pdf_path("003"))
    assert calls == []




def test_001_pdf_stitched_table_keeps_the_text_across_the_page_break(pdf_docs):
    """施策2's 次年度の予定 内容 breaks p3 → p4 inside its last bullet; 施策1's 審議会報告事項 p1 → p2."""
    notes = pdf_docs["001"].notes
    plan = [n for n in notes if n.scope == "施策2" and n.kind == "next_year_plan"]
    assert plan[-1].text == "市内のオープンスペースの活用について、商店会にも情報共有を行いながら、所管課とより良い活用について検討していく。"
    assert plan[-1].ref.page == 3  # where the cell starts
    report = [n for n in notes if n.scope == "施策1" and n.kind == "council_report"]
    assert report[-1].text.endswith("フェア開催など友好都市からの提案も増えているため、今後も継続していく。")
    assert len(report) == 3


def test_001_pdf_continuation_rows_sit_on_the_first_parts_grid(pdf_rows):
    rows = pdf_rows["001"]
    opinion = [r for r in rows if r.cells[0] == "審議会意見"]
    assert len(opinion) == 20  # one per sheet, also where it moved to the next page
    assert all(len(r.cells) == 7 or len(r.cells) == 8 for r in opinion)
    moved = [r for r in opinion if r.ref.page in (2, 4, 15, 20)]
    assert len(moved) == 4
    assert all(r.ref.table is not None for r in moved)
    # stitched: the same logical table as the sheet's first part
    first_part = {r.ref.table for r in rows if r.is_table and r.ref.page == 1}
    assert opinion[0].ref.page == 2 and {opinion[0].ref.table} == first_part




def test_003_pdf_row_broken_by_the_page_break_is_one_row(pdf_docs, pdf_rows):
    doc = pdf_docs["003"]
    notes = {(n.kind): n for n in doc.notes if n.scope == "地域マップの作成"}
    assert notes["target_state"].text.endswith("紙媒体での配布・設置による周知を図る。")
    assert notes["status"].text.endswith("「あきる野グルメマップ」を制作している。")
    assert notes["issue"].text == "効果的な周知方法の研究"
    rows = pdf_rows["003"]
    # the two header rows repeated on p2 are dropped, the legend is a table of its own
    assert sum(r.cells[0] == "方向性" for r in rows) == 1
    legend = [r for r in rows if r.cells[0] in ("評価指標", "S", "A", "B", "C")]
    assert len(legend) == 5 and {r.ref.page for r in legend} == {2}
    assert rows[-1].text.startswith("※総合計画の評価を基に") and not rows[-1].is_table


def test_003_pdf_tildes_as_printed(pdf_rows):
    text = "\n".join(r.text for r in pdf_rows["003"])
    assert "令和5年度～進捗状況まとめ" in text  # U+FF5E kept; values are normalized elsewhere
    assert "(～R5)" in text


# --- (c) merged cells, wraps, references -------------------------------------------------

def test_merged_cells_are_empty_strings_pointing_at_their_origin(pdf_rows):
    row = pdf_rows["001"][1]  # 対象年度 | 令和7年度 (spans 2) | 担当課 | … (spans 3)
    assert row.cells[:3] == ("対象年度", "令和7年度", "")
    assert all(isinstance(c, str) for r in pdf_rows["001"] for c in r.cells)
    assert row.cell_ref(2).col == 1 and row.cell_ref(2).bbox == row.cell_ref(1).bbox
    below = pdf_rows["001"][2]  # the 関係機関 row: 対象年度/令和7年度 continue from above (vMerge)
    assert below.cells[:4] == ("", "", "", "関係機関")
    assert below.cell_ref(0).row == 0 and below.cell_ref(0).col == 0  # table row 0 (the title is a paragraph)


def test_wrapped_cell_text_is_joined(pdf_rows):
    rows = pdf_rows["001"]
    assert rows[3].cells[:2] == ("作成日", "目標設定")  # 「目標設\n定」
    labels = {r.cells[0] for r in rows if r.is_table}
    assert "実施内容に関する所見・評価" in labels  # 「実施内容に\n関する所\n見・評価」
    assessment = next(r for r in rows if r.cells[0] == "実施内容に関する所見・評価")
    # paragraph starts stay: 【取組1】 and each 「・」 item on a line of its own
    assert assessment.cells[1].split("\n")[:2] == [
        "【取組1】", "・「トレジャーハンティング(探偵ムサシ)」「七福神めぐり」などのイベントでプラチナマップを"
        "活用し、新たな情報発信に取り組んだ。"]
    # spaces printed in the report stay (「活用し、 周知を強化 した」), stray ones around
    # underlined runs and CJK/Latin spacing do not become text
    done = rows[7].cells[3]
    assert done == "商工観光団体による既存のイベントでプラチナマップを積極的に活用し、 周知を強化 した。また、市広報媒体でイベントの特集を掲載した。"
    assert "荷さばきルール徹底週間を2回開催し" in "".join(c for r in rows for c in r.cells)
    assert "TOKYO INDIE GAMES SUMMITの実施支援" in "".join(c for r in rows for c in r.cells)


def test_source_references_carry_pages(paired_tables, pdf_rows):
    for seed in PDF_SEEDS:
        _, tables = paired_tables[seed]
        for name in ("measures", "notes", "dates"):
            frame = tables[name]
            if len(frame):
                assert frame["src_page"].notna().all(), (seed, name)
                assert frame["src_line_start"].isna().all()
    notes = paired_tables["001"][1]["notes"]
    assert set(notes["src_page"]) <= set(range(1, 25)) and notes["src_page"].nunique() > 15
    for row in pdf_rows["001"]:
        assert row.ref.page is not None and row.ref.bbox is not None
        if row.is_table:
            assert row.ref.table is not None and row.ref.row is not None
            assert all(ref.page is not None and ref.col is not None and ref.bbox for ref in row.cell_refs)
    # the blank last page of the 000 PDF is skipped
    assert max(r.ref.page for r in pdf_rows["000"]) == 6



def test_table_over_several_pages_with_repeated_header_is_one_table(tmp_path):
    """Not only the fixtures: a reportlab table over 4 pages, its header row repeated on each."""
    pytest.importorskip("reportlab")
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    data = [["No", "Name", "Value"]] + [[str(i), f"item number {i}", f"{i * 10} units"] for i in range(1, 121)]
    table = Table(data, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    path = tmp_path / "long.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph("Long table", getSampleStyleSheet()["Title"]), table])
    rows = PdfBackend().read(path).rows
    assert rows[0].cells == ("Long table",) and not rows[0].is_table
    assert [r.cells for r in rows[1:]] == [tuple(r) for r in data]
    assert {r.ref.table for r in rows[1:]} == {0}
    assert [r.ref.row for r in rows[1:]] == list(range(121))
    assert rows[-1].ref.page == 4

# --- (d) files that can't be read ----------------------------------------------------------

@pytest.mark.parametrize("name,reason", [
    ("corrupt.pdf", "corrupt PDF ("),
    ("encrypted.pdf", "encrypted PDF (password required)"),
    ("empty.pdf", "empty file (0 bytes)"),
])
def test_broken_pdf_is_one_failure_with_a_clear_reason(tmp_path, name, reason):
    path = tmp_path / name
    shutil.copy(BROKEN / name, path)
    result = ingest([path])
    assert result.documents == []
    assert len(result.failures) == 1
    failure = result.failures[0]
    assert failure.stage == "read" and failure.reason.startswith(reason), failure.reason
    assert "\n" not in failure.reason
    with pytest.raises(ExtractionError) as exc:
        PdfBackend().read(path)
    assert str(exc.value).startswith(reason)


def test_batch_with_broken_pdfs_still_loads_the_good_ones(tmp_path):
    for name in ("corrupt.pdf", "encrypted.pdf", "empty.pdf"):
        shutil.copy(BROKEN / name, tmp_path / f"a_{name}")
    shutil.copy(pdf_path("003"), tmp_path / "b_good.pdf")
    shutil.copy(pdf_path("000"), tmp_path / "c_good.pdf")
    result = ingest([tmp_path])
    assert sorted(Path(f.source_path).name for f in result.failures) == ["a_corrupt.pdf", "a_empty.pdf",
                                                                         "a_encrypted.pdf"]
    assert [Path(d.source_path).name for d in result.documents] == ["b_good.pdf", "c_good.pdf"]
    assert len(result.documents[0].measures) == 14 and len(result.documents[1].notes) == 31


def _minimal_pdf(path: Path, content: bytes, fonts: bytes = b"", extra: list[bytes] = ()) -> None:
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << " + fonts
        + b" >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        *extra,
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(out)


def test_font_without_tounicode_needs_ocr(tmp_path):
    path = tmp_path / "scan_like.pdf"
    _minimal_pdf(
        path, b"BT /F1 12 Tf 72 700 Td <00410042> Tj ET", fonts=b"/F1 5 0 R",
        extra=[b"<< /Type /Font /Subtype /Type0 /BaseFont /NoMap /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
               b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoMap /CIDSystemInfo << /Registry (Adobe) "
               b"/Ordering (Identity) /Supplement 0 >> /DW 1000 >>"])
    with pytest.raises(ExtractionError) as exc:
        PdfBackend().read(path)
    assert str(exc.value) == "needs OCR: font without ToUnicode map ((cid:65) glyphs) on page 1"
    result = ingest([path])
    assert len(result.failures) == 1 and result.failures[0].reason.startswith("needs OCR")


def test_pdf_without_text_is_a_clear_failure(tmp_path):
    path = tmp_path / "blank.pdf"
    _minimal_pdf(path, b"0 0 m 100 100 l S")
    with pytest.raises(ExtractionError) as exc:
        PdfBackend().read(path)
    assert str(exc.value).startswith("no text layer")


def test_settings_are_validated():
    with pytest.raises(ValueError):
        PdfSettings(latin_gap=-1)
    with pytest.raises(ValueError):
        PdfSettings(dedupe_min_pairs=0)
    with pytest.raises(ValueError):
        PdfSettings(table_settings={"no_such_setting": 1})
    with pytest.raises(ValueError):
        PdfSettings(engine="mupdf")
    assert PdfBackend(PdfSettings(table_settings={"snap_tolerance": 3})).read(pdf_path("003")).rows


def test_unknown_engine_in_the_environment_is_a_clear_failure(monkeypatch):
    monkeypatch.setenv(ENGINE_VARIABLE, "mupdf")
    with pytest.raises(ExtractionError) as exc:
        PdfBackend().read(pdf_path("003"))
    assert str(exc.value) == "unknown PDF engine 'mupdf' in $HYOKA_PDF_ENGINE (known: pdfium, pdfplumber)"


# --- (e) limits, memory, and the two engines ---------------------------------------------

def test_max_pages_is_checked_before_parsing(tmp_path):
    path = pdf_path("001")  # 24 pages
    with pytest.raises(LimitExceeded) as exc:
        PdfBackend().read(path, limits=Limits(max_pages=23))
    assert exc.value.limit == "max_pages"
    assert str(exc.value) == "24 pages (limit max_pages=23)"
    assert PdfBackend().read(path, limits=Limits(max_pages=24)).rows


def test_every_pdfplumber_page_is_closed(monkeypatch, engine, tmp_path):
    """A pdfplumber page keeps its parsed objects (≈2 MB) until closed: each is closed before
    the next page is read, not when the document ends."""
    import pdfplumber.page

    import hyoka.extractors.pdf.pdfminer_chars as pdfminer_chars

    events: list[tuple[str, int]] = []
    original_chars = pdfplumber.page.Page.chars
    original_close = pdfplumber.page.Page.close
    original_page_chars = pdfminer_chars.page_chars

    def chars(self):  # the pdfplumber engine
        events.append(("read", self.page_number))
        return original_chars.fget(self)

    def page_chars(pdf, page):  # the pdfium engine, for pages whose text PDFium can't give
        events.append(("read", page.page_number))
        return original_page_chars(pdf, page)

    def close(self):
        events.append(("close", self.page_number))
        return original_close(self)

    monkeypatch.setattr(pdfplumber.page.Page, "chars", property(chars))
    monkeypatch.setattr(pdfplumber.page.Page, "close", close)
    monkeypatch.setattr(pdfminer_chars, "page_chars", page_chars)
    if engine == "pdfium":  # every page has a glyph PDFium gives no text for: pdfminer reads all 4
        path = tmp_path / "missing_glyphs.pdf"
        _missing_glyph_pdf(path, pages=4)
        expected = [1, 2, 3, 4]
    else:
        path, expected = pdf_path("000"), list(range(1, 8))
    PdfBackend().read(path)
    read = [n for kind, n in events if kind == "read"]
    assert read == expected
    for page, following in zip(read, read[1:]):
        between = events[events.index(("read", page)):events.index(("read", following))]
        assert ("close", page) in between


def test_pdfminer_characters_are_pdfplumbers():
    """The pages whose text PDFium can't give take their characters from pdfminer without
    pdfplumber's object conversion: the same characters, attribute for attribute."""
    import pdfplumber

    from hyoka.extractors.pdf.pdfminer_chars import page_chars

    keys = ("text", "x0", "x1", "top", "bottom", "doctop", "size", "fontname", "upright")
    for path in (FIXTURES / "akiruno_progress_summary_r7_reportlab.pdf", pdf_path("000")):
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                ours = page_chars(pdf, page)
                assert [tuple(c[k] for k in keys) for c in ours] == [tuple(c[k] for k in keys) for c in page.chars]
                assert len(ours) > 0 or page.page_number == 7  # the 000 PDF's last page is blank


# pdfminer decodes reportlab's non-embedded CID font (HeiseiKakuGo-W5, UniJIS-UCS2-H) through
# Adobe-Japan1 CIDs and back, so ～ comes back as 〜 and ~ as ˜ (tests/fixtures/README.md);
# PDFium keeps the printed code, which in a UCS2 CMap is the character itself
_ADOBE_JAPAN1_ROUND_TRIP = {("～", "〜"), ("~", "˜")}


def _as_pdfminer_decodes(fast: str, slow: str) -> str:
    """`fast` with each character that pdfminer's round trip turned into its pair replaced by that pair."""
    if len(fast) != len(slow):
        return fast
    return "".join(s if (f, s) in _ADOBE_JAPAN1_ROUND_TRIP else f for f, s in zip(fast, slow))


@pytest.mark.parametrize("path", ALL_PDFS, ids=lambda p: p.name)
def test_both_engines_give_the_same_rows(path):
    """Cell for cell and reference for reference; bboxes to within rounding (cells, from the
    ruling lines) or a character's descent (paragraphs: pdfminer and PDFium take the font's
    descent from different places when the font descriptor gives none). In reportlab's
    non-embedded CID font the cells differ only by pdfminer's tilde round trip."""
    slow = PdfBackend(PdfSettings(engine="pdfplumber")).read(path).rows
    fast = PdfBackend(PdfSettings(engine="pdfium")).read(path).rows
    assert [tuple(map(_as_pdfminer_decodes, r.cells, s.cells)) for r, s in zip(fast, slow)] == [r.cells for r in slow]
    assert len(fast) == len(slow)
    assert [r.is_table for r in fast] == [r.is_table for r in slow]

    def where(ref):
        return (ref.page, ref.table, ref.row, ref.col)

    for f, s in zip(fast, slow):
        assert where(f.ref) == where(s.ref)
        assert all(abs(a - b) <= 0.011 for a, b in zip(f.ref.bbox[::2], s.ref.bbox[::2]))  # x0, x1
        assert all(abs(a - b) <= 0.3 * 14 for a, b in zip(f.ref.bbox[1::2], s.ref.bbox[1::2]))
        if s.is_table:
            assert [where(r) for r in f.cell_refs] == [where(r) for r in s.cell_refs]
            assert all(abs(a - b) <= 0.011 for fr, sr in zip(f.cell_refs, s.cell_refs)
                       for a, b in zip(fr.bbox, sr.bbox))


def _pdfium_fallbacks(path: Path) -> tuple[int, list[tuple[int, str]]]:
    """Every page of `path` read by the PDFium engine: (page count, [(page, why pdfminer read it)])."""
    from hyoka.extractors.pdf.engines import _PdfiumPages

    pages = _PdfiumPages(path, PdfSettings())
    try:
        for i in range(pages.count):
            pages.page(i)[1]()  # (page, close)
    finally:
        pages.close()
    return pages.count, pages.fallbacks


def test_pdfium_reads_the_table_pages_itself(pdf_rows):
    """The fast engine is really used: every page of the 001 PDF (embedded IPAex fonts, a table
    on every page) is read by PDFium, including pages 5 and 14 where PDFium leaves printed spaces
    out of its text (they are put back: 「今年度は 33件」); so is every page of the reportlab PDF
    of 000 (a non-embedded CJK font), page 1 included: PDFium gives the "fake bold" copy of the
    title no text, and that copy starts where a text object with text in the same font and size
    starts, so it is no glyph the machine's fonts lack (that is an object of its own:
    test_glyph_missing_from_a_non_embedded_font_sends_the_page_to_pdfminer)."""
    for seed, expected in (("001", []), ("000", [])):
        assert _pdfium_fallbacks(pdf_path(seed))[1] == expected
    assert any("今年度は 33件の認定を行った" in cell for r in pdf_rows["001"] for cell in r.cells)


def test_pdfium_keeps_the_printed_tildes():
    """The reportlab あきる野 fixture (non-embedded CID font) read by PDFium has the source's
    ～ and ~ in the source's order, as the LibreOffice PDF (embedded fonts) has them."""
    import re

    _count, fallbacks = _pdfium_fallbacks(FIXTURES / "akiruno_progress_summary_r7_reportlab.pdf")
    if fallbacks:  # PDFium drops glyphs the machine's fonts lack, so pdfminer read the pages
        pytest.skip(f"no Japanese font installed for PDFium to draw HeiseiKakuGo-W5 with: {fallbacks}")
    source = (SAMPLES / "akiruno_progress_summary_r7.txt").read_text(encoding="utf-8")
    assert "".join(re.findall("[～〜~˜]", source)) == "～~～～~~~~"
    for path in (FIXTURES / "akiruno_progress_summary_r7_reportlab.pdf", SAMPLES / "akiruno_progress_summary_r7.pdf"):
        rows = PdfBackend(PdfSettings(engine="pdfium")).read(path).rows
        assert "".join(re.findall("[～〜~˜]", " ".join(c for r in rows for c in r.cells))) == "～~～～~~~~"
    rows = PdfBackend(PdfSettings(engine="pdfium")).read(FIXTURES / "akiruno_progress_summary_r7_reportlab.pdf").rows
    assert any("年1~2回マルシェ" in c for r in rows for c in r.cells)


def _missing_glyph_pdf(path: Path, pages: int = 1) -> None:
    """reportlab's non-embedded HeiseiKakuGo-W5: 「実施主」 and, as a text object of its own, a
    glyph no font has (U+E000, private use) — PDFium gives such an object no text and no
    extent, as it does 「体」 on a machine without a Japanese font."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    c = canvas.Canvas(str(path), invariant=1)
    for _ in range(pages):
        c.setFont("HeiseiKakuGo-W5", 12)
        c.drawString(50, 700, "実施主")
        c.drawString(50, 680, "\ue000")
        c.drawString(50, 660, "目標値 120件")
        c.showPage()
    c.save()


def test_glyph_missing_from_a_non_embedded_font_sends_the_page_to_pdfminer(tmp_path):
    """A text object PDFium gives no text for, in a font it draws with the machine's fonts,
    may be a glyph those fonts lack (a silently lost character), so the page's text comes
    from pdfminer, which reads it from the PDF alone."""
    path = tmp_path / "missing_glyph.pdf"
    _missing_glyph_pdf(path)
    assert _pdfium_fallbacks(path) == (1, [(1, "a text object in a non-embedded font without text")])
    rows = PdfBackend(PdfSettings(engine="pdfium")).read(path).rows
    assert [r.cells for r in rows] == [("実施主",), ("目標値 120件",)]


def test_fake_bold_copy_in_a_non_embedded_font_stays_with_pdfium(tmp_path):
    """A title drawn twice half a point apart ("fake bold", as in the 000 PDF) in reportlab's
    non-embedded HeiseiKakuGo-W5: PDFium gives the copy no text, and the copy starts where the
    original does, so it is no missing glyph: the page stays with PDFium and reads once. A glyph
    at an origin of its own (U+E000) still sends its page to pdfminer."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    path = tmp_path / "fake_bold.pdf"
    c = canvas.Canvas(str(path), invariant=1)
    c.setFont("HeiseiKakuGo-W5", 16)
    c.drawString(50, 700, "進捗管理まとめ")
    c.drawString(50.5, 700, "進捗管理まとめ")
    c.setFont("HeiseiKakuGo-W5", 12)
    c.drawString(50, 660, "目標値 120件")
    c.showPage()
    c.setFont("HeiseiKakuGo-W5", 16)
    c.drawString(50, 700, "進捗管理まとめ")
    c.drawString(120, 700, "\ue000")
    c.showPage()
    c.save()
    count, fallbacks = _pdfium_fallbacks(path)
    assert (count, fallbacks) == (2, [(2, "a text object in a non-embedded font without text")])
    rows = PdfBackend(PdfSettings(engine="pdfium")).read(path).rows
    assert [r.cells for r in rows if r.ref.page == 1] == [("進捗管理まとめ",), ("目標値 120件",)]


def test_space_dropped_by_pdfium_is_put_back_from_the_fonts_width():
    """ふじみ野市's 事務事業評価, printed by Chromium (embedded Noto Sans CJK): PDFium
    leaves the printed space of 「f 休止・廃止」 out of its text, and the page has no other space in
    that font to take a width from; the space is put back with the font's own width for U+0020,
    so the page needs no pdfminer, and the cell reads as printed (tests/corpus/…2016.md: 「| f 休止・廃止 |」)."""
    path = CORPUS_RENDER / "fujimino_jimujigyo_hyoka_2016.chromium.pdf"
    assert _pdfium_fallbacks(path) == (2, [])
    rows = PdfBackend(PdfSettings(engine="pdfium")).read(path).rows
    assert ("f 休止・廃止", "4事務事業") in [tuple(c for c in r.cells if c) for r in rows]


def _reportlab_grid(c, x: float, y: float, rows: list[list[str]], width: float = 90, height: float = 20) -> None:
    for r, row in enumerate(rows):
        for k, text in enumerate(row):
            c.rect(x + k * width, y - (r + 1) * height, width, height)
            c.drawString(x + k * width + 4, y - (r + 1) * height + 6, text)


def test_table_drawn_in_a_form_xobject_and_a_rotated_page(tmp_path):
    """Ruling lines inside a form XObject are placed by the form's matrix; a rotated page is
    read by pdfplumber. Both engines give the same rows."""
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    rows = [["Item", "Target", "Actual"], ["Visitors", "1200", "1350"], ["Events", "12", "9"]]
    path = tmp_path / "forms.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.drawString(72, 800, "Table in a form")
    c.beginForm("grid")
    _reportlab_grid(c, 0, 0, rows)
    c.endForm()
    c.saveState()
    c.translate(72, 700)
    c.scale(1.5, 1.5)
    c.doForm("grid")
    c.restoreState()
    c.showPage()
    c.setPageRotation(90)
    c.drawString(72, 800, "Rotated page")
    _reportlab_grid(c, 72, 700, rows)
    c.showPage()
    c.setPageRotation(0)
    c.drawString(72, 800, "Text turned on its side")  # not upright: the characters come from pdfminer
    c.saveState()
    c.translate(300, 400)
    c.rotate(90)
    c.drawString(0, 0, "Sideways note")
    c.restoreState()
    _reportlab_grid(c, 72, 700, rows)
    c.showPage()
    c.save()
    fast = PdfBackend(PdfSettings(engine="pdfium")).read(path).rows
    slow = PdfBackend(PdfSettings(engine="pdfplumber")).read(path).rows
    assert [r.cells for r in fast] == [r.cells for r in slow]
    table = [r.cells for r in fast if r.is_table and r.ref.page == 1]
    assert table == [tuple(r) for r in rows]
    first = next(r for r in fast if r.is_table)
    # (0, -20)–(90, 0) in the form, × 1.5 at (72, 700): y 670–700, top = 842 − y
    assert first.cell_refs[0].bbox == (72.0, 142.0, 207.0, 172.0)
    assert [r.cell_refs for r in fast if r.is_table] == [r.cell_refs for r in slow if r.is_table]
    assert {r.ref.page for r in fast} == {1, 2, 3}
    assert [r.cells for r in fast if r.ref.page == 3 and r.is_table] == [tuple(r) for r in rows]
    assert _pdfium_fallbacks(path)[1] == [(2, "rotated page"), (3, "characters not upright")]


def test_mediabox_not_at_the_origin_gives_the_same_rows(tmp_path):
    """pdfplumber's coordinates for a MediaBox not starting at (0, 0) (x as printed, top =
    height − y): PDFium's characters and edges follow them."""
    grid = b"".join(b"%d %d 100 20 re S " % (100 + 100 * k, 700 - 20 * r) for r in range(3) for k in range(2))
    text = b"".join(b"BT /F1 10 Tf %d %d Td (%s) Tj ET " % (104 + 100 * k, 706 - 20 * r, cell)
                    for r, row in enumerate(((b"Item", b"Value"), (b"Visitors", b"1350"), (b"Events", b"9")))
                    for k, cell in enumerate(row))
    path = tmp_path / "shifted.pdf"
    _minimal_pdf(path, b"BT /F1 12 Tf 100 760 Td (Shifted page) Tj ET " + grid + text, fonts=b"/F1 5 0 R",
                 extra=[b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"])
    path.write_bytes(path.read_bytes().replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [30 40 625 882]"))
    fast = PdfBackend(PdfSettings(engine="pdfium")).read(path).rows
    slow = PdfBackend(PdfSettings(engine="pdfplumber")).read(path).rows
    assert [r.cells for r in fast] == [r.cells for r in slow] == [
        ("Shifted page",), ("Item", "Value"), ("Visitors", "1350"), ("Events", "9")]
    assert [r.cell_refs for r in fast if r.is_table] == [r.cell_refs for r in slow if r.is_table]
    assert fast[1].cell_refs[0].bbox == (100.0, 122.0, 200.0, 142.0)  # top = 842 − 720


def test_pdfium_engine_is_safe_in_threads():
    """PDFium allows one call at a time per process: PDFs read in threads (a thread-pool
    executor, Dask's threaded workers) give the rows they give one after the other."""
    from concurrent.futures import ThreadPoolExecutor

    paths = [pdf_path("001"), SAMPLES / "akiruno_progress_summary_r7.pdf",
             CORPUS_RENDER / "oyabe_sogokeikaku_seika_shihyo_2003.chromium.pdf"] * 2
    backend = PdfBackend(PdfSettings(engine="pdfium"))
    expected = {p: [r.cells for r in backend.read(p).rows] for p in set(paths)}
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda p: [r.cells for r in backend.read(p).rows], paths))
    assert results == [expected[p] for p in paths]


@pytest.mark.parametrize("path", ALL_PDFS, ids=lambda p: p.name)
def test_cell_finder_gives_pdfplumbers_cells(path):
    """The PDFium path's cell step (pdf/finder.py: intersections_to_cells) gives pdfplumber's
    cells, in pdfplumber's order, on every page of every PDF fixture (merged cells included)."""
    import pdfplumber
    from pdfplumber.table import TableFinder
    from pdfplumber.table import intersections_to_cells as pdfplumbers

    from hyoka.extractors.pdf.finder import intersections_to_cells

    compared = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            finder = TableFinder(page)
            ours = intersections_to_cells(finder.intersections)
            assert ours == pdfplumbers(finder.intersections) == finder.cells
            compared += len(ours)
            page.close()
    assert compared > 0 or "nolines" in path.name or "musashino_2ki" in path.name
