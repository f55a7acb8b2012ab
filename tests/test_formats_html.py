"""Saved web pages (.html/.htm): the pages tests/fixtures/make_html_fixtures.py renders from four corpus
reports (UTF-8, Shift_JIS, EUC-JP, and Shift_JIS with no declaration) give the same values as the
reports' Markdown; merged cells, <br>, encodings, left-out site chrome, references, bad pages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import comparable

from hyoka.extractors import backend_for, supported_extensions
from hyoka.extractors.base import ExtractionError
from hyoka.extractors.html_format import HtmlBackend
from hyoka.extractors.limits import LimitExceeded, Limits
from hyoka.pipeline.ingest import ingest, read_file

CORPUS = Path(__file__).parent / "corpus"
PAGES = Path(__file__).parent / "fixtures" / "html"
# corpus report → (its saved page, the encoding the page must be read in)
PAIRS = {
    "oyabe_sogokeikaku_seika_shihyo_2003.md": ("oyabe_seika_shihyo.utf8.html", "utf-8"),
    "ibaraki_kanko_shinko_2018.md": ("ibaraki_kanko_shinko.sjis.htm", "cp932"),
    "hirakata_shisaku_hyoka_2021.md": ("hirakata_shisaku_hyoka.eucjp.html", "euc_jp"),
    "kuriyama_seisaku_hyoka_2019.md": ("kuriyama_seisaku_hyoka.nodecl.html", "cp932"),
}
COMPARED = ("indicator_values", "score_summaries", "legends", "measures", "dates")


@pytest.fixture(scope="module")
def paired():
    out = {}
    for md, (page, _enc) in PAIRS.items():
        text, html = ingest([CORPUS / md]), ingest([PAGES / page])
        assert not text.failures and not html.failures, (text.failures, html.failures)
        out[md] = (text.tables(audit=False), html.tables(audit=False))
    return out


@pytest.mark.parametrize("table", COMPARED)
@pytest.mark.parametrize("md", PAIRS)
def test_page_gives_the_same_values_as_the_markdown(paired, md, table):
    from_text, from_html = paired[md]
    html, text = comparable(from_html, table), comparable(from_text, table)
    if table == "dates":
        # a date's context is its cell: in the page the header cell 「平成13年実績」, in the Markdown the
        # whole table line (one cell); the dates themselves must agree
        html, text = (f.drop(columns="context").sort_values(list(f.columns.drop("context"))).reset_index(drop=True)
                      for f in (html, text))
    pd.testing.assert_frame_equal(html, text)


def test_the_pages_are_not_trivially_empty(paired):
    counts = {md: {t: len(paired[md][1][t]) for t in ("indicator_values", "score_summaries", "legends")}
              for md in PAIRS}
    assert counts == {
        "oyabe_sogokeikaku_seika_shihyo_2003.md": {"indicator_values": 65, "score_summaries": 0, "legends": 0},
        "ibaraki_kanko_shinko_2018.md": {"indicator_values": 18, "score_summaries": 1, "legends": 0},
        "hirakata_shisaku_hyoka_2021.md": {"indicator_values": 0, "score_summaries": 1, "legends": 9},
        "kuriyama_seisaku_hyoka_2019.md": {"indicator_values": 0, "score_summaries": 32, "legends": 0},
    }


@pytest.mark.parametrize("md", PAIRS)
def test_each_encoding_decodes(paired, md):
    _page, encoding = PAIRS[md]
    docs = paired[md][1]["documents"]
    assert docs["format"].tolist() == ["html"] and docs["encoding"].tolist() == [encoding]


def test_oyabe_values_from_the_page():
    doc, failure = read_file(PAGES / "oyabe_seika_shihyo.utf8.html")
    assert failure is None
    frame = ingest([PAGES / "oyabe_seika_shihyo.utf8.html"]).tables(audit=False)["indicator_values"]
    library = frame[frame["indicator"] == "図書館入館者数"]
    assert library["actual_raw"].tolist() == ["102,521人", "105,757人", "117,857人", "65,016人"]
    assert library["fiscal_year_raw"].tolist() == ["平成12年", "平成13年実績", "平成14年実績", "平成15年9月30日現在"]
    assert library["projection_raw"].dropna().tolist() == ["120,000人"]  # 平成15年末見込
    assert library["src"].iloc[1].endswith(":L28 T0 r6 c4")  # the page's line 28: table 0, row 6, column 4
    assert set(library["src"].str.split(":").str[0]) == {"oyabe_seika_shihyo.utf8.html"}


@pytest.mark.parametrize("md", PAIRS)
def test_page_rows_are_the_markdown_rows(md):
    """Every table row of the page equals the Markdown's, cell for cell: the merged cells (rowspan,
    colspan in the kuriyama page) come back as the Markdown prints them, blank where covered."""
    page = HtmlBackend().read(PAGES / PAIRS[md][0])
    md_rows = [r.cells for r in backend_for(CORPUS / md).read(CORPUS / md).rows if r.text.startswith("|")]
    md_rows = [tuple(c.strip() for c in "".join(cells).strip()[1:-1].split("|")) for cells in md_rows]
    md_rows = [r for r in md_rows if not all(set(c) <= set("-: ") for c in r)]
    assert [r.cells for r in page.rows if r.is_table] == md_rows


def test_site_chrome_and_scripts_are_left_out():
    text = HtmlBackend().read(PAGES / "kuriyama_seisaku_hyoka.nodecl.html").full_text()
    for chrome in ("来庁者数", "document.write", "12,345千円", "くらし・手続き", "文字サイズ", "Copyright", "td {"):
        assert chrome not in text


# --- small pages built here ------------------------------------------------------------------------

PAGE = """<html><head><meta charset="{charset}"><title>t</title></head><body>
<header><h1>市役所</h1></header>
<main>
<h2>令和5年度　施策評価</h2>
<p>成果指標の<b>達成状況</b>は<br>次のとおりです。</p>
<table>
<caption>表1 成果指標</caption>
<tr><th rowspan="2">指標</th><th colspan="2">令和5年度</th><th rowspan="3">評価</th></tr>
<tr><th>目標</th><th>実績</th></tr>
<tr><td>観光客数<br>(人)</td><td>1,000</td><td>900</td></tr>
</table>
<ul><li>①　取組A</li><li>取組B</li></ul>
</main>
<footer>問合せ先</footer>
</body></html>
"""


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_rowspan_colspan_br_caption_and_references(tmp_path):
    path = write(tmp_path, "p.html", PAGE.format(charset="utf-8").encode())
    text = HtmlBackend().read(path)
    lines = [r.cells for r in text.rows if not r.is_table]
    assert lines == [("## 令和5年度\u3000施策評価",), ("成果指標の達成状況は",), ("次のとおりです。",),
                     ("表1 成果指標",), ("①\u3000取組A",), ("取組B",)]  # the site's header/footer left out
    table = [r for r in text.rows if r.is_table]
    assert [r.cells for r in table] == [("指標", "令和5年度", "", "評価"), ("", "目標", "実績", ""),
                                        ("観光客数\n(人)", "1,000", "900", "")]
    ref = table[2].cell_ref(2)
    assert (ref.table, ref.row, ref.col, ref.line_start) == (0, 2, 2, 10)  # line 10 of the page
    assert ref.label() == "p.html:L10 T0 r2 c2"
    assert text.rows[0].ref.label() == "p.html:L4 ¶0"


@pytest.mark.parametrize("codec,label", [("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP"), ("cp932", "x-sjis")])
def test_declared_japanese_encodings(tmp_path, codec, label):
    path = write(tmp_path, "p.htm", PAGE.format(charset=label).encode(codec, errors="xmlcharrefreplace"))
    text = HtmlBackend().read(path)
    assert text.encoding == codec and text.rows[0].cells == ("## 令和5年度\u3000施策評価",)


@pytest.mark.parametrize("codec", ["cp932", "euc_jp"])
def test_undeclared_encoding_is_detected(tmp_path, codec):
    page = PAGE.replace('<meta charset="{charset}">', "")
    text = HtmlBackend().read(write(tmp_path, "p.html", page.encode(codec, errors="xmlcharrefreplace")))
    assert text.encoding == codec and text.rows[3].cells == ("表1 成果指標",)


def test_a_wrong_declaration_falls_back_to_detection(tmp_path):
    text = HtmlBackend().read(write(tmp_path, "p.html", PAGE.format(charset="utf-8").encode("cp932")))
    assert text.encoding == "cp932" and text.rows[0].cells == ("## 令和5年度\u3000施策評価",)
    assert any("declares charset 'utf-8'" in w for w in text.warnings)


def test_bom_wins(tmp_path):
    text = HtmlBackend().read(write(tmp_path, "p.html", b"\xef\xbb\xbf" + PAGE.format(charset="euc-jp").encode()))
    assert text.encoding.startswith("utf-8") and text.rows[0].cells == ("## 令和5年度\u3000施策評価",)


def test_layout_table_is_read_as_blocks_and_without_main_the_body(tmp_path):
    page = ("<html><body><nav>メニュー 2020年</nav><table><tr><td><p>施策評価</p>"
            "<table><tr><td>指標</td><td>実績</td></tr><tr><td>件数</td><td>12</td></tr></table>"
            "</td></tr></table><footer>フッター</footer></body></html>")
    text = HtmlBackend().read(write(tmp_path, "p.html", page.encode()))
    assert [(r.cells, r.is_table) for r in text.rows] == [
        (("施策評価",), False), (("指標", "実績"), True), (("件数", "12"), True)]
    assert text.rows[1].ref.table == 0  # the layout table is no table of the report


def test_registered_for_html_and_htm():
    assert {".html", ".htm"} <= supported_extensions()
    assert isinstance(backend_for(Path("a.HTM")), HtmlBackend)


@pytest.mark.parametrize("data,reason", [
    (b"   \n", "empty file"),
    (b"just words, no markup at all", "not a web page (no HTML markup)"),
    (b"<html><head><script>var a = 1;</script></head><body><nav>menu</nav></body></html>", "no text in the web page"),
])
def test_bad_pages_are_one_line(tmp_path, data, reason):
    path = write(tmp_path, "bad.html", data)
    with pytest.raises(ExtractionError) as exc:
        HtmlBackend().read(path)
    assert str(exc.value).startswith(reason) and "\n" not in str(exc.value)
    doc, failure = read_file(path)
    assert doc is None and failure.stage == "read" and failure.reason.startswith(reason)


def test_huge_colspan_is_refused_by_the_limit(tmp_path):
    path = write(tmp_path, "span.html", b'<table><tr><td colspan="99999999">x</td></tr></table>')
    with pytest.raises(LimitExceeded) as exc:
        HtmlBackend().read(path)
    assert exc.value.limit == "max_grid_span" and "colspan of 99,999,999" in str(exc.value)
    rows = "".join('<tr><td colspan="900">x</td></tr>' for _ in range(200))  # 180,000 cells
    path = write(tmp_path, "cells.html", f"<table>{rows}</table>".encode())
    with pytest.raises(LimitExceeded) as exc:
        HtmlBackend().read(path, Limits(max_cells=100_000))
    assert exc.value.limit == "max_cells"
    _doc, failure = read_file(path, Limits(max_cells=100_000))
    assert failure.stage == "limit" and "max_cells" in failure.reason


def test_deeply_nested_page_is_one_line(tmp_path):
    path = write(tmp_path, "deep.html", b"<div>" * 100_000 + "施策評価".encode() + b"</div>" * 100_000)
    doc, failure = read_file(path)
    assert failure is None or ("\n" not in failure.reason and failure.stage in ("read", "limit"))


def test_info_lists_web_pages_and_zip_bundles():
    import json

    from typer.testing import CliRunner

    from hyoka.pipeline.cli import app

    res = CliRunner().invoke(app, ["info"])
    assert "html: .html .htm — lxml" in res.output and "zip: .zip — bundles:" in res.output
    formats = {f["name"]: f for f in json.loads(CliRunner().invoke(app, ["info", "--json"]).output)["formats"]}
    assert formats["html"]["extensions"] == [".html", ".htm"] and formats["zip"]["extensions"] == [".zip"]


def test_pre_keeps_its_spacing_and_hidden_elements_are_left_out(tmp_path):
    page = "<body>\n<pre>施策評価\n  指標    R5    R6\n  件数    12    15\n</pre><p hidden>隠れた段落</p><p>見える段落</p></body>"
    text = HtmlBackend().read(write(tmp_path, "p.html", page.encode()))
    assert [(r.cells[0], r.ref.line_start) for r in text.rows] == [
        ("施策評価", 2), ("  指標    R5    R6", 3), ("  件数    12    15", 4), ("見える段落", 5)]


@pytest.mark.parametrize("md", PAIRS)
def test_page_gives_the_same_document_metadata(paired, md):
    """Municipality, fiscal year, title and status as from the Markdown (the page's <title>, nav and
    footer, which name other years and the site, do not leak into them)."""
    cols = ["municipality", "fiscal_year", "title", "status", "layout"]
    from_text, from_html = paired[md]
    assert from_html["documents"][cols].astype(str).values.tolist() == from_text["documents"][cols].astype(str).values.tolist()
