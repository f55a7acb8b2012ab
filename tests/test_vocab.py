"""The closed vocabularies (normalizers/vocab.py) against docs/schema.md, and against what is stored.

Every member of a stored vocabulary is documented in its column's row of docs/schema.md, and every
word documented there is a member: a value added in code without a line in the docs, or a value
the docs promise that nothing produces, fails here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from hyoka.normalizers.vocab import (
    DocumentStatus, EvidenceKind, FailureStage, FindingStatus, LegendItemRole, LegendKind, MeasureKind, NoteKind, ReportKind,
    RowKind, UnmappedKind,
)

SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "schema.md"


def _section(table: str) -> list[str]:
    lines = SCHEMA.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"## {table}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start + 1:end]


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _columns(table: str) -> set[str]:
    return {_cells(line)[0] for line in _section(table) if line.startswith("| ")}


def _words(text: str, table: str) -> set[str]:
    """The `code` words of a meaning: one identifier or Japanese word each."""
    found = set(re.findall(r"`([^`\s]+)`", text))
    return {w for w in found if re.fullmatch(r"[a-z_]+|[\u3000-\u30ff\u4e00-\u9fff・]+", w)}


def references(table: str) -> set[str]:
    """Words a meaning may quote that are not values: the table's column names (`errors`) and the
    tables' names (`failures`)."""
    tables = {line[3:] for line in SCHEMA.read_text(encoding="utf-8").splitlines() if line.startswith("## ")}
    return _columns(table) | tables


def documented(table: str, column: str) -> set[str]:
    """The values docs/schema.md lists in the meaning of `table.column`."""
    rows = [_cells(line) for line in _section(table) if line.startswith(f"| {column} |")]
    assert len(rows) == 1, f"docs/schema.md: no single row for {table}.{column}"
    return _words(rows[0][2], table)


def documented_note_kinds() -> set[str]:
    """The notes section's 「`kind` values, by layout」 table: every word of its second column."""
    lines = _section("notes")
    start = next(i for i, line in enumerate(lines) if line.startswith("`kind` values, by layout"))
    words: set[str] = set()
    for line in lines[start + 1:]:
        if line.startswith("|") and not line.startswith(("| layout", "|---")):
            words |= _words(_cells(line)[1], "notes")
        elif words and not line.strip():
            break
    return words


def documented_item_roles() -> set[str]:
    meaning = next(_cells(line)[2] for line in _section("legends") if line.startswith("| item_role |"))
    return _words(meaning.split("; null", 1)[0], "legends")


STORED = [  # vocabulary, its table, what docs/schema.md lists for it
    (MeasureKind, "measures", lambda: documented("measures", "kind")),
    (NoteKind, "notes", documented_note_kinds),
    (RowKind, "indicator_values", lambda: documented("indicator_values", "row_kind")),
    (LegendKind, "legends", lambda: documented("legends", "legend_kind")),
    (LegendItemRole, "legends", documented_item_roles),
    (UnmappedKind, "unmapped", lambda: documented("unmapped", "kind")),
    (ReportKind, "documents", lambda: documented("documents", "kind")),
    (DocumentStatus, "documents", lambda: documented("documents", "status")),
    (FindingStatus, "audit_findings", lambda: documented("audit_findings", "status")),
    (FailureStage, "failures", lambda: documented("failures", "stage")),
    (EvidenceKind, "reading_evidence", lambda: documented("reading_evidence", "kind")),
]


@pytest.mark.parametrize("vocab, table, docs", STORED, ids=[v.__name__ for v, _, _ in STORED])
def test_schema_docs_list_exactly_the_members(vocab, table, docs):
    members = {m.value for m in vocab}
    listed = docs()
    assert not members - listed, f"{vocab.__name__}: not in docs/schema.md: {sorted(members - listed)}"
    extra = listed - members - references(table)
    assert not extra, f"docs/schema.md lists what {vocab.__name__} does not have: {sorted(extra)}"


def test_the_docs_reader_sees_a_missing_or_extra_word(tmp_path, monkeypatch):
    """The check itself can fail: a schema row without `cost` and with an invented `weekly`."""
    text = SCHEMA.read_text(encoding="utf-8").replace("or `cost` (money", "or `weekly` (money")
    (tmp_path / "schema.md").write_text(text, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "SCHEMA", tmp_path / "schema.md")
    listed = documented("indicator_values", "row_kind")
    assert "cost" not in listed and "weekly" in listed


def test_members_are_the_stored_strings():
    """StrEnum members are the strings the dataset has always held, and compare equal to them."""
    assert MeasureKind.INDICATOR == "indicator" and f"{NoteKind.GOOD_POINT}" == "good_point"
    assert {RowKind.YEARLY: 1}["yearly"] == 1  # hash like the string, so a dict keyed by the literal finds it
    assert ReportKind("管理・評価シート") is ReportKind.EVALUATION_SHEETS


def test_sample_documents_hold_only_vocabulary_values(tmp_path):
    """Every kind/status read from the sample reports is a member (no free string slips through)."""
    import hyoka

    data = hyoka.read(sorted((Path(__file__).resolve().parents[1] / "sample_docs").glob("*.txt")))
    checks = [("measures", "kind", MeasureKind), ("notes", "kind", NoteKind), ("indicator_values", "row_kind", RowKind),
              ("legends", "legend_kind", LegendKind), ("documents", "kind", ReportKind),
              ("documents", "status", DocumentStatus), ("audit_findings", "status", FindingStatus)]
    for table, column, vocab in checks:
        values = set(data[table][column].dropna())
        assert values, f"{table}.{column}: nothing read from the samples"
        assert values <= {m.value for m in vocab}, f"{table}.{column}: {values - {m.value for m in vocab}}"
    assert "indicator" in set(data["measures"]["kind"])  # あきる野市's 実施事業, read by the generic reader


def test_schema_docs_list_the_themes_of_the_taxonomy():
    """measures.theme: the themes pipeline/themes.py THEMES defines, no more, no fewer, in its order."""
    from hyoka.pipeline.themes import THEMES

    meaning = next(_cells(line)[2] for line in _section("measures") if line.startswith("| theme |"))
    listed = [t.strip() for t in meaning.split(":", 1)[1].split(",")]
    assert listed == list(THEMES) and f"the {len(THEMES)} themes" in meaning
