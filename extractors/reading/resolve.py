"""Candidates and the choice between them: every strategy reads a block on a fork of the
document; the best-supported strategy then reads it on the document, the others are kept as
`alternative` evidence.

A candidate's score is the share of the block's data rows it read plus the weights of the
evidence it recorded (extractors/reading/__init__.py). Ties keep the proposers' order, which is
the order of specificity (a 取組 sheet before a legend before an indicator table before counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Protocol, Sequence

from hyoka.pipeline.model import EvidenceKind, ReadingEvidence, SourceRef


class ReadingContext(Protocol):
    """What the resolver needs of the reader's context (extractors/generic.py `_Ctx`)."""

    doc: Any
    reader: str | None

    def fork(self) -> "ReadingContext": ...


Proposer = Callable[[Any, Any], int]  # (context, block) → rows read (0: no reading)


@dataclass
class Candidate:
    reader: str
    rows: int  # data rows the reading used on its fork
    score: float


def score_of(reader: str, rows: int, data_rows: int, evidence: Sequence[ReadingEvidence]) -> float:
    coverage = min(rows, data_rows) / data_rows if data_rows else (1.0 if rows else 0.0)
    # each distinct reason counts once, however many records it supports
    reasons = {(e.kind, e.detail): e.weight or 0.0 for e in evidence if e.reader == reader}
    return coverage + sum(reasons.values())


def resolve(ctx: ReadingContext, block: Any, proposers: Sequence[tuple[str, Proposer]], data_rows: int,
            ref: SourceRef) -> int:
    """Run every proposer on a fork, read the block with the best one, record the others. Returns its rows."""
    candidates: list[Candidate] = []
    for name, propose in proposers:
        fork = ctx.fork()
        fork.reader = name
        n = propose(fork, block)
        if n:
            candidates.append(Candidate(name, n, score_of(name, n, data_rows, fork.doc.reading_evidence)))
    if not candidates:
        return 0
    best = max(candidates, key=lambda c: c.score)  # the first of equals: proposers' order
    # the chosen strategy reads the block again, on the document itself: its rows join the measures
    # read so far (a name read twice is one measure), which the forks never touched
    outer, ctx.reader = ctx.reader, best.reader  # a block read inside another's reading (a legend under a table)
    try:
        rows = dict(proposers)[best.reader](ctx, block)
    finally:
        ctx.reader = outer
    for other in candidates:
        if other is not best:
            ctx.doc.reading_evidence.append(ReadingEvidence(
                record_table="tables", record_key=ref.label(), kind=EvidenceKind.ALTERNATIVE, ref=ref, reader=best.reader,
                weight=round(other.score, 3),
                detail=(f"also readable as {other.reader} ({other.rows} rows, score {other.score:.2f}); "
                        f"read as {best.reader} (score {best.score:.2f})")))
    return rows
