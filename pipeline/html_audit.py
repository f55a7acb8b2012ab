"""What the audit page shows, worked out from the findings (drawn by templates/audit.html.j2).

Everything a person reads is Japanese (pipeline/messages_ja.py); the findings keep their English
keys and messages for JSON and CSV. Every finding names its place (`L35`, `T0 r2`) as a link to
the row quoted in the document's source view at the end of its section, and the row it quotes is
shown beside it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Mapping

from hyoka.pipeline.html_charts import StackedBar, stacked_bar
from hyoka.pipeline.html_format import anchor_id, natural_key
from hyoka.pipeline.messages_ja import (
    STATUS_LABELS, STATUS_ORDER, check_explanation, check_label, message_ja, reading_ja, recomputed_text,
)

STATUS_COLOURS = {"inconsistent": "#c62828", "warning": "#f9a825", "consistent_only_with_rounding": "#1e88e5",
                  "consistent": "#81c995"}
CONSISTENT_SHOWN = 30  # consistent rows listed per document and check unless show_all
QUOTE_SHOWN = 120  # characters of the printed row shown in a finding's row (all of it in the source view)


@dataclass
class AuditRow:
    status: str
    where: str
    href: str
    scope: str
    stated: str
    recomputed: str
    message: str
    reading: str
    quote: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def quote_short(self) -> str:
        one = " ".join(self.quote.split())
        return one if len(one) <= QUOTE_SHOWN else one[:QUOTE_SHOWN] + "…"


@dataclass
class CheckGroup:
    check: str
    label: str
    explanation: str
    counts: dict[str, int]
    flagged: list[AuditRow]  # everything not plainly consistent, in document order
    consistent: list[AuditRow]  # the first CONSISTENT_SHOWN (all with show_all)
    n_consistent: int
    rules: list[tuple[str, str]]

    @property
    def worst(self) -> str:
        return next((s for s in STATUS_ORDER if self.counts.get(s)), "consistent")


@dataclass
class SourceLine:
    anchor: str
    where: str
    text: str  # "" when the source could not be read again
    whole: bool = False  # the finding is about the whole document (no line or cell)


@dataclass
class DocSection:
    source: str
    anchor: str
    counts: dict[str, int]
    groups: list[CheckGroup]
    chart: StackedBar
    source_lines: list[SourceLine] = field(default_factory=list)

    @property
    def n_flagged(self) -> int:
        return sum(n for s, n in self.counts.items() if s != "consistent")

    @property
    def n_quoted(self) -> int:
        return sum(1 for s in self.source_lines if s.text)


def where_of(location: str | None) -> str:
    """"file.txt:L38" → "L38" (the page is grouped by file already)."""
    return (location or "").split(":", 1)[-1] if location and ":" in location else (location or "")


def _location_key(f) -> tuple:
    return natural_key(where_of(f.location)), natural_key(f.scope)


def _status_bar(counts: Mapping[str, int], width: int = 360) -> StackedBar:
    bar = stacked_bar({STATUS_LABELS[s]: counts.get(s, 0) for s in STATUS_ORDER if counts.get(s)}, width=width,
                      height=18)
    for seg in bar.segments:
        seg.fill = next(STATUS_COLOURS[s] for s in STATUS_ORDER if STATUS_LABELS[s] == seg.label)
    return bar


class _Places:
    """The source view of one document: one anchor per place, in document order."""

    def __init__(self, doc_anchor: str, source: str, quotes: Mapping[tuple[str, str], str]):
        self.doc_anchor, self.source, self.quotes = doc_anchor, source, quotes
        self.lines: dict[str, SourceLine] = {}

    def row(self, f) -> AuditRow:
        where = where_of(f.location) or f.source
        line = self.lines.get(where)
        if line is None:
            line = self.lines[where] = SourceLine(anchor_id(self.doc_anchor, "src", where) or self.doc_anchor,
                                                  where, self.quotes.get((self.source, where), ""),
                                                  whole=where == self.source)
        return AuditRow(f.status, where, "#" + line.anchor, f.scope or "", f.stated or "", recomputed_text(f),
                        message_ja(f), reading_ja(f.reading), line.text)

    def sorted_lines(self) -> list[SourceLine]:
        return sorted(self.lines.values(), key=lambda s: natural_key(s.where))


def _groups(items: list, places: _Places, show_all: bool) -> list[CheckGroup]:
    by_check: dict[str, list] = defaultdict(list)
    for f in items:
        by_check[f.check].append(f)
    groups = []
    for check, group in by_check.items():
        consistent = [f for f in group if f.status == "consistent"]
        groups.append(CheckGroup(
            check=check, label=check_label(check), explanation=check_explanation(check),
            counts=dict(Counter(f.status for f in group)),
            flagged=[places.row(f) for f in group if f.status != "consistent"],
            consistent=[places.row(f) for f in (consistent if show_all else consistent[:CONSISTENT_SHOWN])],
            n_consistent=len(consistent),
            rules=list(dict.fromkeys((f.rule, f.rule_source or "") for f in group if f.rule)),
        ))
    # worst first; among equals, the check met first in the document
    groups.sort(key=lambda g: STATUS_ORDER.index(g.worst))
    return groups


def _problems(docs: list[DocSection]) -> list[dict]:
    """(status, document, check label, n, first places) of everything not plainly consistent."""
    problems = []
    for d in docs:
        for g in d.groups:
            for status in STATUS_ORDER[:3]:
                rows = [r for r in g.flagged if r.status == status]
                if rows:
                    problems.append({"status": status, "status_label": STATUS_LABELS[status], "doc": d.source,
                                     "anchor": d.anchor, "check": g.label, "n": len(rows),
                                     "places": [(r.where, r.href) for r in rows[:4]], "more": len(rows) > 4})
    problems.sort(key=lambda p: STATUS_ORDER.index(p["status"]))
    return problems


def audit_context(findings: list, *, show_all: bool = False,
                  quotes: Mapping[tuple[str, str], str] | None = None) -> dict:
    """Everything the audit template shows. `quotes`: (document, place) → printed text (source_view)."""
    by_doc: dict[str, list] = defaultdict(list)
    for f in findings:
        by_doc[f.source].append(f)
    docs = []
    for i, source in enumerate(sorted(by_doc, key=natural_key)):
        items = sorted(by_doc[source], key=_location_key)
        places = _Places(f"doc-{i}", source, quotes or {})
        groups = _groups(items, places, show_all)
        counts = dict(Counter(f.status for f in items))
        docs.append(DocSection(source, f"doc-{i}", counts, groups, _status_bar(counts), places.sorted_lines()))
    total = Counter(f.status for f in findings)
    return {
        "docs": docs, "n_findings": len(findings), "total": {s: total.get(s, 0) for s in STATUS_ORDER},
        "status_labels": STATUS_LABELS, "status_order": STATUS_ORDER, "status_colours": STATUS_COLOURS,
        "problems": _problems(docs), "show_all": show_all, "consistent_shown": CONSISTENT_SHOWN,
        "has_quotes": quotes is not None,
    }


def wanted_places(findings: list, *, show_all: bool = False) -> dict[str, set[str]]:
    """The places the page will show per document (for source_view.printed_rows): every finding not
    plainly consistent, and the consistent ones listed (CONSISTENT_SHOWN per check unless show_all)."""
    out: dict[str, set[str]] = defaultdict(set)
    shown: Counter = Counter()
    for f in sorted(findings, key=_location_key):
        if f.status == "consistent" and not show_all:
            shown[(f.source, f.check)] += 1
            if shown[(f.source, f.check)] > CONSISTENT_SHOWN:
                continue
        out[f.source].add(where_of(f.location) or f.source)
    return out
