"""The reading context: the document being filled, and the forks a strategy reads a block on (resolve.py)."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any, Callable

from hyoka.extractors.base import Row, SourceText
from hyoka.pipeline.model import (
    Document,
    EvidenceKind,
    Measure,
    ReadingEvidence,
    ScoreSummary,
    SourceRef,
)


@dataclass
class ReadingContext:
    """The document being read, the measures read so far (a name read twice is one measure), and the
    strategy reading on it; `fork` lets the resolver try every strategy on a block."""

    text: SourceText
    doc: Document
    era: str | None  # the era bare years are in (the one the document names most)
    n_summaries: int = 0
    measures: dict[str, Measure] = field(default_factory=dict)
    # tables found printed right below another one in the same block (a legend under the data)
    split_tables_seen: int = 0
    split_tables_mapped: int = 0
    _one_cell_lines: list[tuple[int, str]] | None = None  # (row index, text) of one-cell rows, built once
    reader: str | None = None  # the strategy reading on this context (a fork's), named in its evidence
    # how a block found inside another (a legend printed under an indicator table) is read: the resolver
    # (generic.py's read_block), given here so that the strategies need not import the reader
    read_block: Callable[["ReadingContext", Any], int] | None = None
    named_by: str | None = None  # the indicator a key–value box just above names (「指標名 | 認定農業者数」)

    def evidence(self, table: str, record_key: str, kind: EvidenceKind, detail: str, ref: SourceRef,
                 weight: float = 0.0) -> None:
        self.doc.reading_evidence.append(ReadingEvidence(record_table=table, record_key=record_key, kind=kind,
                                                         detail=detail, ref=ref, reader=self.reader, weight=weight))

    def fork(self) -> "ReadingContext":
        """A context on an empty copy of the document — no content and no measures yet — for a strategy to
        try a block on. Nothing a strategy does there reaches this document: the resolver scores the
        readings on forks and then lets the chosen strategy read the block here (extractors/reading/
        resolve.py), so the measures read so far are never copied (a document of many tables would copy
        them once per table and strategy)."""
        empty = {name: [] for name in ("measures", "actions", "indicator_values", "score_summaries", "costs", "notes",
                                       "cross_refs", "legends", "dates", "flags", "unmapped", "reading_evidence",
                                       "errors")}
        doc = dataclasses.replace(self.doc, **empty)
        new = dataclasses.replace(self, doc=doc, measures={})
        new.__dict__["row_index"] = self.row_index
        return new

    @functools.cached_property
    def row_index(self) -> dict[int, int]:
        """id(row) → its index in text.rows (blocks hold the backend's Row objects)."""
        return {id(r): i for i, r in enumerate(self.text.rows)}

    def lines_before(self, row: Row) -> set[str]:
        """The one-cell lines printed before `row` (title, 資料番号 …)."""
        if self._one_cell_lines is None:
            self._one_cell_lines = [(i, r.filled[0][1].strip()) for i, r in enumerate(self.text.rows) if len(r.filled) == 1]
        at = self.row_index.get(id(row), 0)
        return {t for i, t in self._one_cell_lines if i < at}

    def measure(self, name: str, ref: SourceRef, hierarchy: list[tuple[str, str | None, str]], kind: str) -> Measure:
        k = f"{kind}:{name}"
        if k not in self.measures:
            m = Measure(key=self.doc.unique_measure_key(name[:80] or "(名称なし)"), id_raw=None, name=name, ref=ref,
                        hierarchy=hierarchy)
            m.kind = kind
            self.doc.measures.append(m)
            self.measures[k] = m
        return self.measures[k]

    def summary(self, scope: str, raw: str, ref: SourceRef, reader: str, total: int | None = None) -> ScoreSummary:
        self.n_summaries += 1
        s = ScoreSummary(scope=scope[:120], scope_name=None, raw=raw[:500], ref=ref, total_items=total,
                         key=f"G{self.n_summaries}", reader=reader)
        self.doc.score_summaries.append(s)
        return s
