"""大船渡市 事務事業評価シート (令和7年度作成), the city's own spreadsheet: the XLSX backend and
the layout. Every expected value below was read by hand from the workbook with openpyxl
(cell addresses given), not from the extractor's output."""

from __future__ import annotations

import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from conftest import SAMPLES

from hyoka.extractors import backend_for, detect_layout
from hyoka.extractors.base import ExtractionError
from hyoka.extractors.xlsx_format import XlsxBackend, cell_text
from hyoka.pipeline.ingest import ingest, read_document

XLSX = SAMPLES / "ofunato_jimujigyo_hyoka_r7.xlsx"
YEARS = ["１年目（令和２年度実績）", "２年目（令和３年度実績）", "３年目（令和４年度実績）",
         "４年目（令和５年度実績）", "５年目（令和６年度実績）", "６年目（令和７年度目標）"]


@pytest.fixture(scope="module")
def source():
    return XlsxBackend().read(XLSX)


@pytest.fixture(scope="module")
def doc():
    return read_document(XLSX)


@pytest.fixture(scope="module")
def tables():
    result = ingest([XLSX])
    assert not result.failures, result.failures
    return result.tables()


# --- the backend ----------------------------------------------------------------------------

def test_backend_is_chosen_by_extension():
    assert isinstance(backend_for(Path("a.xlsx")), XlsxBackend)
    assert isinstance(backend_for(Path("a.XLSM")), XlsxBackend)


def test_rows_with_values_only_on_one_grid(source):
    # openpyxl reports 1826 sheet rows; rows 410–1826 hold formatting only. Rows with a value:
    # the 調整用 row, the header (row 2) and 407 事務事業 (rows 3–409); plus one row for the
    # text boxes over the header
    assert len(source.rows) == 1 + 1 + 1 + 407
    assert {len(r.cells) for r in source.rows} == {210}  # A … HB
    assert all(r.is_table and r.ref.table == 0 for r in source.rows)
    junk, boxes, header, first = source.rows[:4]
    assert junk.cells[2].startswith("調整用") and junk.ref.row == 0
    assert header.cells[7] == "事務事業ID" and header.ref.row == 1  # H2
    assert first.ref.row == 2 and first.cells[7] == "0086"  # H3, a text cell kept with its zeros
    assert first.cell_ref(7).col == 7 and first.cell_ref(7).row == 2
    assert source.rows[-1].ref.row == 408 and source.rows[-1].cells[2] == "409"  # C409: No. 409


def test_text_boxes_over_the_header_are_a_row_of_their_own(source):
    # xl/drawings/drawing1.xml: six rectangles anchored in row 2 at columns BT, CM, DF, DY, ER, FK
    boxes = source.rows[1]
    assert boxes.ref.row == 1
    assert boxes.filled == [(71, YEARS[0]), (90, YEARS[1]), (109, YEARS[2]), (128, YEARS[3]), (147, YEARS[4]),
                            (166, YEARS[5])]
    header = source.rows[2]
    assert [header.cells[c] for c in (71, 90, 109, 128, 147, 166)] == ["国庫支出金"] * 6


def test_cell_text(source):
    first = source.rows[3]
    assert first.cells[2] == "1"  # C3: int 1
    assert first.cells[75] == "3089"  # BX3: int
    assert first.cells[83] == ""  # CF3: empty string
    assert first.cells[0] == ""  # A3: no cell
    row370 = next(r for r in source.rows if r.ref.row == 369)
    assert row370.cells[73] == "159816.6"  # BV370
    assert row370.cells[75] == "17757.4"  # BX370: stored as 17757.399999999994, shown as Excel shows it
    assert cell_text(3.0) == "3" and cell_text(None) == "" and cell_text(True) == "TRUE"


def test_merged_cells_are_empty_but_for_the_first(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["C1"], ws["A2"], ws["B2"], ws["A3"], ws["B4"] = "見出し", "右", "a", 2, "縦", "b"
    ws.merge_cells("A1:B1")
    ws.merge_cells("A3:A4")
    wb.save(tmp_path / "m.xlsx")
    rows = XlsxBackend().read(tmp_path / "m.xlsx").rows
    assert [r.cells for r in rows] == [("見出し", "", "右"), ("a", "2", ""), ("縦", "", ""), ("", "b", "")]


@pytest.mark.parametrize("make,reason", [
    (lambda p: p.write_text("No.\t事務事業名\n1\t不法投棄対策事業\n", encoding="utf-8"),
     "not an Excel workbook (not a zip archive)"),
    (lambda p: _zip(p, {"word/document.xml": "<w/>"}), "not an Excel workbook (no xl/workbook.xml"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)), "not an Excel workbook (an OLE"),
])
def test_unreadable_workbook_reasons(tmp_path, make, reason):
    path = tmp_path / "x.xlsx"
    make(path)
    with pytest.raises(ExtractionError) as exc:
        XlsxBackend().read(path)
    assert str(exc.value).startswith(reason) and "\n" not in str(exc.value)


def test_batch_with_a_fake_xlsx_still_loads_the_good_one(tmp_path):
    (tmp_path / "a_broken.xlsx").write_text("not a workbook, just text\n", encoding="utf-8")
    shutil.copy(XLSX, tmp_path / "b_good.xlsx")
    result = ingest([tmp_path])
    assert [(Path(f.source_path).name, f.stage) for f in result.failures] == [("a_broken.xlsx", "read")]
    assert result.failures[0].reason == "not an Excel workbook (not a zip archive)"
    assert [Path(d.source_path).name for d in result.documents] == ["b_good.xlsx"]
    assert len(result.documents[0].measures) == 407


# --- the layout -----------------------------------------------------------------------------

def test_document(doc, source):
    assert detect_layout(source).name == "ofunato_jimujigyo_hyoka"
    assert doc.format == "xlsx" and doc.kind == "事務事業評価シート"
    # G3:G409 年度 = 7 in every row; the era is printed in the yearly blocks' labels (令和)
    assert doc.fiscal_year == 2025 and doc.fiscal_year_raw == "7"
    assert doc.fiscal_year_basis.startswith("printed")
    # not in the sheet name (データ集計マクロ用シート) nor docProps (title empty, creator a person):
    # 大船渡市 is the municipality the cells name most (大船渡市財務規則, 「権原が大船渡市に移る」 …)
    assert doc.municipality == "大船渡市"
    assert doc.status.value == "success" and doc.errors == []


def test_one_measure_per_jimujigyo(doc):
    # 407 rows with a 事務事業名 (I3:I409); No. runs 1–409 without 2 and 303; IDs are unique
    assert len(doc.measures) == 407
    assert len({m.key for m in doc.measures}) == 407
    assert all(m.kind == "measure" for m in doc.measures)


def test_first_row(doc):
    m = doc.measures[0]  # row 3: No. 1
    assert (m.key, m.id_raw, m.name) == ("0086", "0086", "不法投棄対策事業")
    assert m.departments_raw == "市民生活部市民環境課" and m.departments == ["市民生活部市民環境課"]
    # K3/L3 「0」「6」, N3/O3 「2」 1, Q3/R3 「0」「2」: numbers as printed, tens then ones
    assert m.hierarchy == [("政策", "06", "自然豊かな環境の保全と創造"), ("施策", "21", "廃棄物処理対策の推進"),
                           ("基本事業", "02", "廃棄物の適正処理")]
    assert m.direction_raw == "１\u3000現状維持" and m.direction == "現状維持"  # HA3
    assert m.ref.row == 2


def test_directions(doc):
    # HA3:HA409 「４ 課長等意見 (1) 今後の方向性」: 「１　現状維持」 207, 「２　改革改善（縮小・統合含む）」 185,
    # 「３　終了・廃止・休止」 15 (kept as the one category it is: which of the three is not printed)
    assert Counter(m.direction for m in doc.measures) == {"現状維持": 207, "改革改善": 185, "終了・廃止・休止": 15}


def test_costs_of_one_year(doc):
    costs = [c for c in doc.costs if c.measure_key == "0086"]
    assert [c.fiscal_year_raw for c in costs] == YEARS
    assert [c.fiscal_year for c in costs] == [2020, 2021, 2022, 2023, 2024, 2025]
    r5 = costs[3]  # DY3:EH3, under 「４年目（令和５年度実績）」
    assert (r5.national, r5.prefectural, r5.bonds, r5.other, r5.general) == (0, 0, 0, 0, 2817)
    assert (r5.project_total, r5.staff, r5.hours, r5.personnel, r5.total_cost) == (2817, 3, 280, 1120, 3937)
    assert r5.general_raw == "2817" and r5.unit == "千円"
    assert (r5.ref.table, r5.ref.row) == (0, 2)
    assert len(doc.costs) == 407 * 6


def test_costs_with_decimals_and_dashes(doc):
    water = [c for c in doc.costs if c.measure_key == "0317"][0]  # BT370:CC370
    assert (water.bonds_raw, water.other_raw, water.general_raw, water.project_total_raw) == (
        "159816.6", "15181", "17757.4", "192755")
    dashes = [c for c in doc.costs if c.measure_key == "1860"][0]  # BT187:CC187: 「-」 ×5, then 0
    assert dashes.national_raw == "-" and dashes.national is None and dashes.project_total == 0


def test_indicator_values(doc):
    # BD3/BE3 「啓発看板の設置基数」「基」; EJ3 (R5 実績) 13; FV3 (R7 目標) 「16」
    values = {v.fiscal_year_raw: v for v in doc.indicator_values
              if v.measure_key == "0086" and v.indicator == "啓発看板の設置基数"}
    assert list(values) == YEARS
    assert values[YEARS[3]].actual_raw == "13" and values[YEARS[3]].actual == 13 and values[YEARS[3]].target is None
    assert values[YEARS[5]].target_raw == "16" and values[YEARS[5]].actual is None  # the 目標 block
    assert {v.unit for v in values.values()} == {"基"}
    assert all(v.row_kind == "yearly" and v.grade is None for v in doc.indicator_values)


def test_notes(doc):
    notes = [n for n in doc.notes if n.scope == "0086"]
    viewpoints = [(n.item_label, n.text) for n in notes if n.kind == "evaluation_viewpoint"]
    assert len(viewpoints) == 8
    assert viewpoints[0] == ("① 政策体系との整合性", "結びついている")  # GG2 / GG3
    assert viewpoints[5] == ("⑥ 事業費の削減余地", "削減余地がない")  # GQ3
    summary = next(n for n in notes if n.kind == "summary")
    assert summary.text.startswith("廃棄物の不法投棄を防止するため")  # AL3
    opinion = next(n for n in notes if n.kind == "manager_opinion")
    assert opinion.text.startswith("不法投棄は依然として発生しており")  # HB3


def test_flags_for_what_cannot_be_right(doc):
    # H314: 事務事業ID printed as the number 0; GW183: 改革改善の方向性 printed as 0
    flags = {(f.field, f.raw, f.scope) for f in doc.flags if f.field in ("id", "reform_direction")}
    assert flags == {("id", "0", "0"), ("reform_direction", "0", "0420")}


# --- the audit ------------------------------------------------------------------------------

def test_every_cost_row_adds_up(tables):
    findings = tables["audit_findings"]
    costs = findings[findings["check"].isin(["cost_funding_sum", "cost_total"])]
    assert Counter(zip(costs["check"], costs["status"])) == {
        ("cost_funding_sum", "consistent"): 2442, ("cost_total", "consistent"): 2442}
    water = costs[(costs["scope"] == "0317") & (costs["check"] == "cost_funding_sum")].iloc[0]
    assert water["stated"] == "192755" and water["recomputed"] == 192755  # 159816.6 + 15181 + 17757.4, exactly
    dashes = costs[(costs["scope"] == "1860") & (costs["check"] == "cost_funding_sum")].iloc[0]
    assert "counted as 0" in dashes["message"]


def test_a_changed_funding_cell_is_flagged_where_it_is(tmp_path):
    """EC3 (一般財源, 令和5年度) 2817 → 2871 in a copy. The copy is written at the zip level: a
    workbook saved by openpyxl loses its drawing shapes, and with them the year labels
    (see the next test)."""
    bad = tmp_path / "ofunato_changed.xlsx"
    _rewrite_sheet(XLSX, bad, '<c r="EC3" s="11"><v>2817</v></c>', '<c r="EC3" s="11"><v>2871</v></c>')
    result = ingest([bad])
    findings = result.tables()["audit_findings"]
    wrong = findings[findings["status"] == "inconsistent"]
    assert len(wrong) == 1
    f = wrong.iloc[0]
    assert (f["check"], f["scope"], f["stated"], f["recomputed"]) == ("cost_funding_sum", "0086", "2817", 2871)
    assert f["location"] == "ofunato_changed.xlsx:T0 r2"
    assert "４年目（令和５年度実績）" in f["message"] and "(sheet row 3)" in f["message"]
    # (A) + (B) = トータルコスト still holds for that year: only the funding check fails
    same = findings[(findings["scope"] == "0086") & (findings["check"] == "cost_total")]
    assert set(same["status"]) == {"consistent"}


def test_without_the_year_labels_no_block_is_guessed(tmp_path):
    """A copy written with openpyxl (header and three rows): openpyxl keeps no text boxes, so no
    block has a year label; the blocks are left unread and the document says why."""
    import openpyxl

    src = openpyxl.load_workbook(XLSX, read_only=True, data_only=True)
    out = openpyxl.Workbook(write_only=True)
    sheet = out.create_sheet(src.worksheets[0].title)
    for values in src.worksheets[0].iter_rows(min_row=1, max_row=5, values_only=True):
        sheet.append(values)
    src.close()
    copy = tmp_path / "copy.xlsx"
    out.save(copy)
    doc = read_document(copy)
    assert len(doc.measures) == 3 and doc.costs == [] and doc.indicator_values == []
    messages = [e.message for e in doc.errors]
    assert sum("has no year label; not read" in m for m in messages) == 6
    # and 年度 「7」 alone names no era
    assert [m for m in messages if "no year label" not in m] == ["年度 「7」 printed without an era"]
    assert doc.fiscal_year is None
    assert doc.status.value == "partial"


def _rewrite_sheet(src: Path, dst: Path, old: str, new: str) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                assert text.count(old) == 1
                data = text.replace(old, new).encode("utf-8")
            zout.writestr(item, data)


def _zip(path: Path, members: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


def test_no_false_date_warnings(tables):
    """「計画目標年度を令和17年度から令和32年度まで延伸」 is a plan's horizon, 「令和3年3月末現在、…」 the past told,
    「令和7年３月31日現在」 a stamp in FY2024, the year of the sheet's latest actuals (tests/test_audit_dates.py)."""
    findings = tables["audit_findings"]
    assert not len(findings[findings["check"] == "as_of_date"])
    impossible = findings[findings["check"] == "era_impossible"]
    assert sorted(impossible["stated"]) == ["平成31年5月", "平成34年度"]
