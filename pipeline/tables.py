"""Documents → the canonical tables (pandas DataFrames), one builder per table.

Column names and meanings are documented for users in docs/schema.md; keep the two
in step. Every row carries doc_id and its source reference (src_* columns).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from typing import Iterable

import pandas as pd

from hyoka.normalizers.symbols import Symbol
from hyoka.normalizers.text import printable
from hyoka.pipeline.model import (
    Action, Cost, CrossRef, DateMention, Document, Flag, IndicatorValue, Legend, Measure, Note, ScoreSummary, SourceRef,
    EvidenceKind, ReadingEvidence, SummaryCount, Unmapped, record_dict,
)

TABLES = (
    "documents", "measures", "actions", "indicator_values", "score_summaries", "summary_counts", "costs", "notes",
    "cross_references", "legends", "dates", "flags", "unmapped", "reading_evidence", "failures", "audit_findings",
    "actors", "evidence",  # filled by the NLP layer (pipeline/nlp.py enrich_nlp), empty without it
)

# integer columns that may be null (pandas would make them float)
INT_COLUMNS = {
    "fiscal_year", "period_start", "period_end", "period_years_stated", "target_deadline_fy", "year", "month",
    "day", "era_year", "stated_year", "total_items", "n_circle", "n_double_circle", "n_triangle", "n_square",
    "n_cross", "n_dash", "n_black_triangle", "src_line_start", "src_line_end", "src_page", "src_table", "src_row",
    "src_col", "n_measures", "n_actions", "n_indicator_values", "n_score_summaries", "n_summary_counts", "n_notes",
    "n_flags", "n_unmapped", "tables_seen", "tables_mapped", "data_rows_seen", "data_rows_mapped", "count", "item_no",
    "ocr_pages",
}

# float columns that may be null in every row of a batch (stored as DOUBLE all the same)
FLOAT_COLUMNS = {"share", "layout_score", "layout_runner_up_score", "src_ocr_conf"}

# score_summaries' wide n_* columns, one per symbol of the one symbol vocabulary (normalizers/symbols.py):
# derived from the summary's items (summary_counts, the long table, holds every label set)
SYMBOL_COLUMNS = {symbol.value: f"n_{symbol.name.lower()}" for symbol in Symbol}


def summary_label_counts(row: dict) -> dict[str, int]:
    """symbol → count from a score_summaries row's n_* columns (a store written before summary_counts)."""
    out = {}
    for symbol, column in SYMBOL_COLUMNS.items():
        value = row.get(column)
        if value is not None and not (isinstance(value, float) and value != value):  # None/NaN: not printed
            out[symbol] = int(value)
    return out


def _rows(doc: Document, records: Iterable, drop: tuple[str, ...] = ()) -> list[dict]:
    out = []
    for rec in records:
        row = {"doc_id": doc.doc_id}
        row.update({k: v for k, v in record_dict(rec).items() if k not in drop})
        out.append(row)
    return out


def _documents(docs: list[Document]) -> list[dict]:
    keep = [f.name for f in dataclasses.fields(Document)
            if f.name not in ("measures", "actions", "indicator_values", "score_summaries", "costs", "notes", "cross_refs",
                              "legends", "dates", "flags", "unmapped", "reading_evidence", "errors",
                              "source_rows")]
    rows = []
    for d in docs:
        row = {k: getattr(d, k) for k in keep}
        row["period_ref"] = d.period_ref.label() if d.period_ref else None
        row["status"] = d.status.value
        row["errors"] = [e.message for e in d.errors]
        row.update({
            "n_measures": len(d.measures), "n_actions": len(d.actions), "n_indicator_values": len(d.indicator_values),
            "n_score_summaries": len(d.score_summaries),
            "n_summary_counts": sum(len(s.items) for s in d.score_summaries), "n_notes": len(d.notes),
            "n_flags": len(d.flags), "n_unmapped": len(d.unmapped),
        })
        rows.append(row)
    return rows


def _measures(doc: Document) -> list[dict]:
    rows = []
    for m in doc.measures:
        row = {"doc_id": doc.doc_id}
        row.update(record_dict(m))
        hierarchy = row.pop("hierarchy")
        for level in (1, 2):
            label, id_, name = hierarchy[level - 1] if len(hierarchy) >= level else (None, None, None)
            row[f"h{level}_label"], row[f"h{level}_id"], row[f"h{level}_name"] = label, id_, name
        row["hierarchy_path"] = " › ".join(
            f"{label}{id_ or ''} {name}".strip() for label, id_, name in hierarchy)
        rows.append(row)
    return rows


def _scores(doc: Document) -> list[dict]:
    rows = []
    for s in doc.score_summaries:
        row = {"doc_id": doc.doc_id, "key": s.key}
        row.update(record_dict(s))
        counts, items = row.pop("counts"), row.pop("items")
        # the n_* columns of the symbols hyoka knows, from the items (every label set is in
        # summary_counts); a summary without items keeps what its `counts` say
        if items:
            counts = {}
            for item in items:
                if not item.is_total and item.count is not None:
                    label = item.label or item.label_raw
                    counts[label] = counts.get(label, 0) + item.count
        for symbol, column in SYMBOL_COLUMNS.items():
            row[column] = counts.get(symbol)
        rows.append(row)
    return rows


SUMMARY_COUNT_COLUMNS = ("summary_key", "item_no", "label_raw", "label", "count_raw", "count", "share_raw", "share",
                         "is_total")


def _summary_counts(doc: Document) -> list[dict]:
    """One row per label × count of every count summary, in printed order (`item_no`)."""
    rows = []
    for s in doc.score_summaries:
        for i, item in enumerate(s.items):
            values = record_dict(item)
            row = {"doc_id": doc.doc_id}
            row.update({c: values.get(c) for c in SUMMARY_COUNT_COLUMNS})
            row["summary_key"] = item.summary_key or s.key
            row["item_no"] = i
            row.update(item.ref.columns())
            rows.append(row)
    return rows


def _legends(doc: Document) -> list[dict]:
    rows = []
    for i, legend in enumerate(doc.legends):
        for j, (label, text) in enumerate(legend.items):
            ref = legend.item_refs[j] if j < len(legend.item_refs) else legend.ref
            role = legend.item_roles[j] if j < len(legend.item_roles) else None
            rows.append({"doc_id": doc.doc_id, "legend_no": i, "legend_kind": legend.kind, "item_no": j,
                         "item_label": label, "item_text": text, "item_role": role, **ref.columns()})
    return rows


def build_tables(docs: list[Document], failures: list, rows: dict[str, list[dict]] | None = None
                 ) -> dict[str, pd.DataFrame]:
    """The tables of `docs` as DataFrames; `rows`: their `table_rows`, when the caller made them already
    (the audit reads those rows, so they are made once)."""
    rows = table_rows(docs, failures) if rows is None else rows
    frames = {}
    for name in TABLES:
        frame = pd.DataFrame(rows[name]) if rows[name] else pd.DataFrame(columns=_empty_columns(name))
        for column in INT_COLUMNS.intersection(frame.columns):
            frame[column] = frame[column].astype("Int64")  # years and counts stay integers with nulls
        for column in FLOAT_COLUMNS.intersection(frame.columns):
            frame[column] = frame[column].astype("float64")
        frames[name] = frame
    frames["measures"] = _with_themes(frames)
    return frames


def _with_themes(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """measures with theme, theme_basis and in_plan (pipeline/themes.py; printed words, no NLP)."""
    from hyoka.pipeline.themes import assign_themes, load_vocabulary

    try:
        vocab = load_vocabulary()
    except ValueError as exc:  # a broken $HYOKA_THEMES file: say so, theme with the bundled words
        logging.getLogger("hyoka").warning("%s; using the bundled theme vocabulary", exc)
        vocab = load_vocabulary(use_env=False)
    return assign_themes(frames, vocab)


def table_rows(docs: list[Document], failures: list) -> dict[str, list[dict]]:
    """Every table's rows (column → value dicts) from the documents' records: what the DataFrames are
    built from, and what the audit reads."""
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    rows["documents"] = _documents(docs)
    for d in docs:
        rows["measures"] += _measures(d)
        rows["actions"] += _rows(d, d.actions)
        rows["indicator_values"] += _rows(d, d.indicator_values)
        rows["score_summaries"] += _scores(d)
        rows["summary_counts"] += _summary_counts(d)
        rows["costs"] += _rows(d, d.costs)
        rows["notes"] += _rows(d, d.notes)
        rows["cross_references"] += _rows(d, d.cross_refs)
        rows["legends"] += _legends(d)
        rows["dates"] += _rows(d, d.dates)
        rows["flags"] += _rows(d, d.flags)
        rows["unmapped"] += _rows(d, d.unmapped)
        rows["reading_evidence"] += _rows(d, d.reading_evidence)
    rows["failures"] = [dataclasses.asdict(f) for f in failures]
    # audit_findings is filled by the audit stage (pipeline/audit/), on these rows
    _printable_paths(rows)
    return rows


# columns that hold a file's name or path (or quote one): a name that is not UTF-8 (a Windows zip's
# cp932 bytes, kept by Python as lone surrogates) can't be stored as UTF-8 and is written with \xNN escapes
_PATH_COLUMNS = ("source_path", "src_file", "src", "period_ref", "title", "reason", "detail")


def _printable_paths(rows: dict[str, list[dict]]) -> None:
    for table in rows.values():
        for row in table:
            for key in _PATH_COLUMNS:
                value = row.get(key)
                if isinstance(value, str) and not value.isascii():
                    row[key] = printable(value)
    for row in rows["documents"]:
        row["errors"] = [printable(e) for e in row["errors"]]


def _empty_columns(name: str) -> list[str]:
    """The columns a table has even when a batch gives it no row, so the stored schema is stable."""
    return _schema().get(name, ["doc_id"])


@functools.lru_cache(maxsize=1)
def _schema() -> dict[str, list[str]]:
    # built the same way as real rows, from one blank record of each kind
    ref = SourceRef(file="")
    doc = Document(doc_id="", source_path="", format="")
    doc.measures.append(Measure(key="", id_raw=None, name="", ref=ref))
    doc.actions.append(Action(measure_key="", action_no=None, planned=None, done=None, indicator=None, ref=ref))
    doc.indicator_values.append(IndicatorValue(measure_key="", indicator=None, fiscal_year_raw="", row_kind="",
                                               target_raw=None, actual_raw=None, grade_raw=None, ref=ref))
    doc.score_summaries.append(ScoreSummary(scope="", scope_name=None, raw="", ref=ref, key="",
                                            items=[SummaryCount(summary_key="", label_raw="", count_raw=None, ref=ref)]))
    doc.costs.append(Cost(measure_key="", fiscal_year_raw="", ref=ref))
    doc.notes.append(Note(scope="", kind="", text="", raw="", ref=ref))
    doc.cross_refs.append(CrossRef(from_key="", to_id_raw="", relation="", raw="", ref=ref))
    doc.legends.append(Legend(kind="", raw="", ref=ref, items=[("", "")]))
    doc.dates.append(DateMention(raw="", context="", ref=ref))
    doc.flags.append(Flag(field="", raw="", reason="", ref=ref))
    doc.unmapped.append(Unmapped(kind="", reason="", raw="", ref=ref))
    doc.reading_evidence.append(ReadingEvidence(record_table="", record_key="", kind=EvidenceKind.VALUE_SHAPE,
                                                detail="", ref=ref))
    columns = {name: list(rows[0]) for name, rows in table_rows([doc], []).items() if rows}
    columns["failures"] = ["source_path", "stage", "reason", "doc_id", "detail"]
    from hyoka.pipeline.nlp import ACTOR_COLUMNS, EVIDENCE_COLUMNS  # column names only; spaCy is not imported

    columns["actors"], columns["evidence"] = list(ACTOR_COLUMNS), list(EVIDENCE_COLUMNS)
    return columns
