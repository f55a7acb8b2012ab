"""Typing slips and dumped data in a real report's text (#21 item 8): each is read in seconds, flagged
where it moves values, and never loses the rest of the table.

The report is あきる野市's 進捗状況まとめ (sample_docs), 14 実施事業 × R3/R5–R8, 70 values read by hand.
"""

from __future__ import annotations

import random
from collections import Counter

from hyoka.pipeline.ingest import read_document

from conftest import SAMPLES

AKIRUNO = SAMPLES / "akiruno_progress_summary_r7.txt"
HEADER = "方向性\t"


def _lines() -> list[str]:
    return AKIRUNO.read_text(encoding="utf-8").split("\n")


def _write(tmp_path, lines, name="akiruno.txt"):
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _digits_and_tabs(nbytes: int) -> str:
    rng = random.Random(7)
    parts, n = [], 0
    while n < nbytes:
        parts.append(str(rng.randint(0, 99999)))
        n += len(parts[-1]) + 1
    return "\t".join(parts)


def test_the_report_as_published_has_no_slip_flags():
    doc = read_document(AKIRUNO)
    assert len(doc.indicator_values) == 70 and len(doc.measures) == 14
    assert not [f for f in doc.flags if f.field in ("row", "fiscal_year")]


def test_a_line_of_numbers_and_tabs_is_kept_as_text_and_the_table_after_it_is_whole(tmp_path):
    lines = _lines()
    path = _write(tmp_path, lines[:5] + [_digits_and_tabs(300_000)] + lines[5:])
    doc = read_document(path)
    assert len(doc.measures) == 14 and len(doc.indicator_values) == 70  # nothing of the table lost
    # 事業承継セミナー's 令和7年度 as printed: 45人 target, 17人 actual, C
    v = next(v for v in doc.indicator_values if v.measure_key.startswith("事業承継セミナー") and v.fiscal_year == 2025)
    assert (v.target_raw, v.actual_raw, v.grade_raw) == ("45人", "17人", "C")
    # said, not silent: the line named, kept as printed, not read
    assert doc.status.value == "partial"
    assert any("line 6:" in e.message and "tab-separated fields" in e.message for e in doc.errors)
    assert any(u.kind == "line" and u.ref.line_start == 6 for u in doc.unmapped)


def test_a_year_header_typed_with_a_stray_digit_flags_every_value_under_it(tmp_path):
    lines = _lines()
    i = next(i for i, line in enumerate(lines) if line.startswith(HEADER))
    lines[i] = lines[i].replace("令和8年度\t\t", "令和１8年度\t\t")  # 令和8年度 typed 令和１8年度
    doc = read_document(_write(tmp_path, lines))
    years = Counter(v.fiscal_year for v in doc.indicator_values)
    assert years[2036] == 14 and 2026 not in years  # kept where the header puts them: never silently moved back
    flagged = [f for f in doc.flags if f.field == "fiscal_year"]
    assert len(flagged) == 14 and all("FY2036" in f.reason and "FY2025" in f.reason for f in flagged)
    assert flagged[0].raw.startswith("令和１8年度")


def test_an_extra_tab_in_a_row_is_flagged_and_the_row_listed_as_unread(tmp_path):
    lines = _lines()
    j = next(i for i, line in enumerate(lines) if line.startswith(HEADER)) + 2
    cells = lines[j].split("\t")
    lines[j] = "\t".join(cells[:3] + [""] + cells[3:])  # a tab too many after 事業承継セミナー(参加者数)
    doc = read_document(_write(tmp_path, lines))
    assert len(doc.measures) == 13 and len(doc.indicator_values) == 65
    assert [f.reason.split(":")[0] for f in doc.flags if f.field == "row"] == ["20 cells where the header has 19"]
    assert [u.ref.line_start for u in doc.unmapped if u.kind == "row"] == [j + 1]


def test_a_missing_tab_that_glues_a_grade_to_its_number_is_never_read_as_the_actual(tmp_path):
    text = AKIRUNO.read_text(encoding="utf-8")
    i = text.index("118件\tS")  # 中小・小口・マル経 令和5年度: 実績 118件, 評価 S
    doc = read_document(_write(tmp_path, [text[:i] + "118件S" + text[i + len("118件\tS"):]]))
    assert not [v for v in doc.indicator_values if v.actual_raw == "118件S"]
    assert not [v for v in doc.indicator_values if v.measure_key.startswith("中小・小口・マル経")]
    row_flags = [f for f in doc.flags if f.field == "row"]
    assert len(row_flags) == 1 and "a cell too few (a missing tab?)" in row_flags[0].reason
    assert len(doc.indicator_values) == 65  # the other 13 事業 as printed
