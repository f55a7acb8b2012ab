"""The per-document context the checks read: the document's row, its rows per table, its rules.

The rows are the table rows `pipeline.tables.table_rows` makes from a Document's records —
the same dicts the DataFrames are built from — so the audit of a freshly read document costs no
DataFrame at all. A stored dataset (frames read back from Parquet/DuckDB) is turned into the same
rows column by column (`frame_rows`), missing values as None. The TypedDicts below name the
columns the checks read of the main tables (docs/schema.md has them all, and the other tables').
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, TypedDict

from hyoka.pipeline.audit.findings import Finding
from hyoka.pipeline.rules import RuleSet, grade_rule_from_legend, points_rule_from_legend


class DocumentRow(TypedDict, total=False):
    doc_id: str
    source_path: str
    format: str
    layout: str
    municipality: str | None
    fiscal_year: int | None
    period_start: int | None
    period_end: int | None
    period_years_stated: int | None
    period_ref: str | None


class MeasureRow(TypedDict, total=False):
    key: str
    id: str | None
    name: str
    kind: str
    direction: str | None
    prior_plan: bool | None  # the row evaluates a measure of the plan before this one
    src: str


class IndicatorRow(TypedDict, total=False):
    measure_key: str
    indicator: str | None
    fiscal_year_raw: str
    fiscal_year: int | None
    row_kind: str
    target_raw: str | None
    target: float | None
    actual_raw: str | None
    actual: float | None
    baseline_raw: str | None
    baseline: float | None
    rate_raw: str | None
    rate: float | None
    grade: str | None
    header_raw: str | None
    unit: str | None
    src: str


class SummaryRow(TypedDict, total=False):
    key: str
    scope: str
    total_items: int | None
    stated_score_raw: str | None
    complete: bool | None
    src: str


class CountRow(TypedDict, total=False):
    summary_key: str
    item_no: int
    label_raw: str
    label: str | None
    count_raw: str | None
    count: int | None
    share_raw: str | None
    is_total: bool
    src: str


class LegendRow(TypedDict, total=False):
    legend_no: int
    legend_kind: str
    item_no: int
    item_label: str | None
    item_text: str
    item_role: str | None  # what the item is to the rule (model.Legend.item_roles), where the layout says
    src: str


class DateRow(TypedDict, total=False):
    raw: str
    context: str
    era: str | None
    era_year: int | None
    year: int | None
    month: int | None
    stated_year: int | None
    as_of: bool
    problem: str | None
    scope: str | None
    src: str


# the tables the checks read (a stored dataset's other tables are not converted)
AUDITED = ("measures", "indicator_values", "score_summaries", "summary_counts", "costs", "notes",
           "cross_references", "legends", "dates", "flags")


@dataclass
class DocContext:
    """One document as the checks see it: its `documents` row and its rows of every other table."""

    doc: DocumentRow
    tables: Mapping[str, Mapping[str, list[dict]]] = field(default_factory=dict)  # table → doc_id → rows

    @property
    def file(self) -> str:
        return str(self.doc["source_path"]).rsplit("/", 1)[-1]

    def rows(self, name: str) -> list[Any]:
        return self.tables.get(name, {}).get(self.doc["doc_id"], [])

    def finding(self, **kw) -> Finding:
        return Finding(doc_id=self.doc["doc_id"], source=self.file, **kw)

    @property
    def measures(self) -> list[MeasureRow]:
        return self.rows("measures")

    @property
    def indicator_values(self) -> list[IndicatorRow]:
        return self.rows("indicator_values")

    @property
    def score_summaries(self) -> list[SummaryRow]:
        return self.rows("score_summaries")

    @property
    def summary_counts(self) -> list[CountRow]:
        return self.rows("summary_counts")

    @property
    def legends(self) -> list[LegendRow]:
        return self.rows("legends")

    @property
    def dates(self) -> list[DateRow]:
        return self.rows("dates")

    @property
    def sheet_rows(self) -> bool:
        """Whether a row number in this document's references is a worksheet's own row (a backend fact)."""
        return str(self.doc.get("format") or "") in _sheet_row_formats()


@functools.lru_cache(maxsize=1)
def _sheet_row_formats() -> frozenset[str]:
    from hyoka.extractors import sheet_row_formats

    return frozenset(sheet_row_formats())


def frame_rows(frame) -> list[dict]:
    """A DataFrame's rows as dicts, column by column (cheaper than `astype(object).where(...)`); a
    missing value (NaN, NA, NaT) is None."""
    import pandas as pd

    na, nat = pd.NA, pd.NaT
    names = list(frame.columns)
    columns = []
    for name in names:
        series = frame[name]
        values = series.tolist()
        if series.hasnans:
            values = [None if v is na or v is nat or (v.__class__ is float and v != v) else v for v in values]
        columns.append(values)
    return [dict(zip(names, values)) for values in zip(*columns)]


def rows_by_doc(rows: Iterable[dict]) -> dict[str, list[dict]]:
    """One pass over a table's rows, grouped by document, so that each check reads only its document's."""
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row["doc_id"], []).append(row)
    return out


def contexts(documents: Iterable[dict], rows: Mapping[str, Iterable[dict]]) -> Iterator[DocContext]:
    """A DocContext per documents row, over table rows (`pipeline.tables.table_rows`, or `frame_rows`)."""
    grouped = {name: rows_by_doc(table) for name, table in rows.items() if name != "documents"}
    for doc in documents:
        yield DocContext(doc, grouped)


def frame_contexts(frames: Mapping[str, Any], names: Iterable[str] = AUDITED) -> Iterator[DocContext]:
    """A DocContext per document of stored tables (DataFrames): only the tables in `names` are converted."""
    docs = frames.get("documents")
    if docs is None or docs.empty:
        return iter(())
    rows = {name: frame_rows(frame) for name in names
            if (frame := frames.get(name)) is not None and not frame.empty and "doc_id" in frame}
    return contexts(frame_rows(docs), rows)


# --- the document's own rules -------------------------------------------------------------------

def legend_items(dt: DocContext, kind: str) -> tuple[list[tuple[str | None, str]], str] | None:
    """The items of the document's legends of `kind`: ((role, text) …, where printed), role None where
    the layout gave none."""
    rows = [r for r in dt.legends if r["legend_kind"] == kind]
    if not rows:
        return None
    first, last = rows[0]["src"], rows[-1]["src"]
    where = first if first == last else f"{first} – {last.split(':', 1)[1]}"  # "file:L24 – L28"
    return [(item_role(r), r["item_text"]) for r in rows], where


def item_role(row: LegendRow) -> str | None:
    """What a legend item is to the rule (model.Legend.item_roles), None for a plain item."""
    if "item_role" in row:
        return row["item_role"]
    # a store written before item_role kept a layout's item role where the label is now
    return row.get("item_label")




LEGEND_PARSERS = {"points": points_rule_from_legend, "grade_bands": grade_rule_from_legend}


def printed_rule(dt: DocContext, kind: str):
    """The document's own printed legend of `kind` parsed into a rule; None where it prints none or
    hyoka can't read it."""
    legend = legend_items(dt, kind)
    if not legend:
        return None
    # a points legend is read by its items' roles, a grade legend by its printed labels (the grades)
    items = legend[0] if kind == "points" else [
        (r.get("item_label"), r["item_text"]) for r in dt.legends if r["legend_kind"] == kind]
    return LEGEND_PARSERS[kind](items, f"legend-{kind}", f"legend printed in the report ({legend[1]})")


def rule_for(dt: DocContext, rules: RuleSet, kind: str):
    """The document's own printed legend parsed into a rule, else the first matching rule in `rules`."""
    return printed_rule(dt, kind) or rules.for_document(kind, dt.doc)
