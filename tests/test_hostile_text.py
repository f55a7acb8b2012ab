"""Hostile text files (#11 items 5, 6, 15): line breaks that are not line ends, encodings, size limits."""

from __future__ import annotations

import pytest

from hyoka.extractors.base import ExtractionError
from hyoka.extractors.limits import LimitExceeded, Limits
from hyoka.extractors.text_format import TextBackend, decode_text, split_lines
from hyoka.pipeline.ingest import ingest, read_document

from conftest import SAMPLES

MUSASHINO = SAMPLES / "musashino_2ki_progress_summary.txt"


def _refs(doc):
    return ([m.ref.label() for m in doc.measures] + [v.ref.label() for v in doc.indicator_values]
            + [s.ref.label() for s in doc.score_summaries] + [f"{d.raw}@{d.ref.label()}" for d in doc.dates])


# ---------------------------------------------------------------- item 5: form feeds, U+2028


def test_form_feeds_and_unicode_separators_do_not_shift_line_references(tmp_path):
    lines = MUSASHINO.read_text(encoding="utf-8").split("\n")
    # pdftotext starts every page with \f; an editor left a U+2028 and a \v inside two lines
    hostile = ["\f" + line if i % 20 == 0 else line for i, line in enumerate(lines)]
    hostile[5] = hostile[5].replace("の", "の\u2028", 1)
    hostile[9] = hostile[9] + "\v\x85"
    path = tmp_path / MUSASHINO.name
    path.write_text("\n".join(hostile), encoding="utf-8")
    plain, paged = read_document(MUSASHINO), read_document(path)
    assert _refs(paged) == _refs(plain)
    assert [s.ref.line_start for s in paged.score_summaries] == [38, 68, 100, 129, 155]
    # the score lines read the same, so the audit gives the same findings (none inconsistent)
    both = ingest([MUSASHINO, path]).tables()["audit_findings"]

    def findings(doc_id):
        frame = both[both["doc_id"] == doc_id].copy()
        frame["location"] = frame["location"].str.split(":").str[-1]  # the line, without the file name
        keep = ["check", "status", "location", "stated", "recomputed", "message"]
        return frame[keep].astype(str).sort_values(keep).reset_index(drop=True)

    assert len(findings(plain.doc_id)) > 20 and findings(paged.doc_id).equals(findings(plain.doc_id))
    assert "inconsistent" not in set(both["status"])


def test_form_feed_before_the_arrow_keeps_the_score_and_its_checks(tmp_path):
    text = MUSASHINO.read_text(encoding="utf-8")
    path = tmp_path / "ff.txt"
    assert "◎2 -0 → **85" in text
    path.write_text(text.replace("◎2 -0 → **85", "◎2 -0 \f→ **85", 1), encoding="utf-8")
    doc = read_document(path)
    first = doc.score_summaries[0]
    assert (first.stated_score, first.previous_score, first.max_score) == (85.0, 76.0, 100.0)
    checks = ingest([path]).tables()["audit_findings"]
    on_line = checks[checks["location"].str.endswith(":L38")]
    assert {"points_exact", "counts_sum"} <= set(on_line["check"])


def test_split_lines_counts_only_line_ends():
    assert split_lines("a\r\nb\rc\nd\fe\u2028f\n") == ["a", "b", "c", "d e f"]
    assert split_lines("\f第2章\tx\n") == ["第2章\tx"]
    assert split_lines("x\n\ny") == ["x", "", "y"]


# ---------------------------------------------------------------- item 15: encodings

SAMPLE = "令和5年度 産業振興計画 進捗管理シート\n施策1\t創業支援\t目標 27,000部 ～ 実績 ①\n"


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8 (with BOM)"), ("utf-16", "utf-16 (with BOM)"),
    ("utf-16-le", "utf_16_le"), ("utf-16-be", "utf_16_be"), ("utf-32", "utf-32 (with BOM)"),
    ("utf-32-le", "utf_32_le"), ("cp932", "cp932"), ("euc_jp", "euc_jp"), ("iso2022_jp", "iso2022_jp"),
])
def test_encodings_are_detected_and_recorded(encoding, expected):
    text = SAMPLE if encoding not in ("euc_jp", "iso2022_jp") else SAMPLE.replace("～", "〜").replace("①", "1")
    decoded, found, warnings = decode_text(text.encode(encoding))
    assert (decoded, found, warnings) == (text, expected, [])


def test_euc_jp_report_is_read_with_its_encoding_on_documents(tmp_path):
    path = tmp_path / "akishima_euc.txt"
    text = (SAMPLES / "akishima_plan_report_r5.txt").read_text(encoding="utf-8")
    path.write_bytes(text.encode("euc_jp", errors="replace"))
    result = ingest([path])
    assert not result.failures
    docs = result.tables(audit=False)["documents"]
    assert docs.loc[0, "encoding"] == "euc_jp" and docs.loc[0, "municipality"] == "昭島市"
    assert read_document(SAMPLES / "akishima_plan_report_r5.txt").encoding == "utf-8"


def test_one_stray_byte_is_replaced_and_its_line_named(tmp_path):
    data = "\n".join(MUSASHINO.read_text(encoding="utf-8").split("\n")).encode("utf-8")
    lines = data.split(b"\n")
    lines[11] = lines[11][:3] + b"\xff" + lines[11][3:]  # one byte no UTF-8 text has, on line 12
    path = tmp_path / "stray.txt"
    path.write_bytes(b"\n".join(lines))
    doc = read_document(path)
    assert doc.encoding == "utf-8" and len(doc.score_summaries) == 5
    assert [e.message for e in doc.errors] == [
        "1 byte(s) that are not utf-8 replaced by U+FFFD (line L12); the rest read as utf-8"]
    assert doc.status.value == "partial"
    [flag] = doc.flags
    assert (flag.field, flag.raw, flag.ref.label()) == ("text", "0xFF", "stray.txt:L12")
    assert flag.reason.startswith("a byte that is not utf-8 (at byte ") and flag.reason.endswith("read as U+FFFD")


def test_binary_and_random_bytes_are_refused_with_one_line(tmp_path):
    with pytest.raises(ExtractionError, match="binary content"):
        decode_text(b"\x00\x01\x02\xff" * 500)
    with pytest.raises(ExtractionError, match="not text in a known encoding"):
        decode_text(bytes(range(128, 256)) * 40)


# ---------------------------------------------------------------- item 6: a text file over max_text_mb


def test_text_over_the_size_limit_is_one_failure_line(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (2 * 1024 * 1024 + 10))
    with pytest.raises(LimitExceeded) as info:
        TextBackend().read(path, limits=Limits(max_text_mb=2))
    assert info.value.limit == "max_text_mb"
    assert str(info.value) == "a text file of 2 MB, over the limit of 2 MB (max_text_mb)"
    with pytest.raises(LimitExceeded) as info:
        TextBackend().read(path, limits=Limits(max_file_mb=1))
    assert info.value.limit == "max_file_mb"
