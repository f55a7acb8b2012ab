"""Recompute and audit: every published score checked against its rule, like statcheck.

Works on the canonical tables' rows — fresh from ingest (`audit_document`, `audit_rows`: the rows
the tables are built from, no DataFrame read back) or read back from a store (`audit_tables` on
its DataFrames) — so an audit can be re-run with other rules without re-reading the reports. Each
check yields `Finding`s in one shape: what was stated, what was recomputed, the interval the stated
value stands for at its printed precision, a status and the location of every input.

Statuses: `consistent`; `consistent_only_with_rounding` (only with the legend's rounded
unit values, or only under one reading of an ambiguous band boundary — `reading` says
which); `inconsistent` (a number that does not follow from its rule); `warning` (checks
that are not scores: era years, dates, cross references, numbering).

One module per family of checks: scores and counts (scores.py, counts.py), grades (grades.py),
stated rates and differences (rates.py), dates (dates.py), structure (structure.py), costs
(costs.py), and figures printed wrong in running text (printed.py, which also flags them at ingest).
The checks read what the layouts provide — legend item roles, a measure's `prior_plan`, a backend's
`sheet_rows` — never a city's syntax.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from hyoka.pipeline.audit.context import (
    AUDITED, DocContext, contexts, frame_contexts, frame_rows, printed_rule, rows_by_doc, rule_for,
)
from hyoka.pipeline.audit.costs import check_costs
from hyoka.pipeline.audit.dates import check_dates, check_period
from hyoka.pipeline.audit.findings import (
    CONSISTENT, INCONSISTENT, ROUNDING, SEVERITY, WARNING, Finding, findings_frame, stated_interval, temper,
)
from hyoka.pipeline.audit.grades import check_grades, check_legend_wording, grade_status
from hyoka.pipeline.audit.printed import check_printed_flags
from hyoka.pipeline.audit.rates import check_stated_differences, check_stated_rates
from hyoka.pipeline.audit.scores import check_legend_formula, check_legends, check_scores, recompute_points
from hyoka.pipeline.audit.structure import check_cross_references, check_ended_measures, check_numbering
from hyoka.pipeline.rules import RuleSet, load_presets

if TYPE_CHECKING:
    from hyoka.pipeline.model import Document

__all__ = [
    "AUDITED", "CHECKS", "CONSISTENT", "INCONSISTENT", "ROUNDING", "SEVERITY", "WARNING", "DocContext", "DocTables",
    "Finding", "audit_contexts", "audit_document", "audit_rows", "audit_tables", "contexts", "frame_contexts",
    "frame_rows", "findings_frame", "grade_status", "printed_rule", "recompute_points", "rows_by_doc", "rule_for",
    "stated_interval",
]

DocTables = DocContext  # the name before the audit became a package

Check = Callable[[DocContext, RuleSet], Iterable[Finding]]
CHECKS: tuple[Check, ...] = (
    check_legends, check_scores, check_legend_formula, check_grades, check_dates, check_period, check_cross_references,
    check_numbering, check_ended_measures, check_costs, check_stated_rates, check_stated_differences,
    check_legend_wording, check_printed_flags,
)


def _with_presets(rules: RuleSet | None) -> RuleSet:
    return (rules or RuleSet()) + load_presets()


def audit_contexts(docs: Iterable[DocContext], rules: RuleSet | None = None) -> list[Finding]:
    """Run every check on every document. Rules: printed legends first, then `rules`, then presets."""
    rules = _with_presets(rules)
    findings: list[Finding] = []
    for dt in docs:
        for check in CHECKS:
            try:
                findings.extend(temper(f) for f in check(dt, rules) if f is not None)
            except Exception as exc:  # one odd document must not stop the audit of the others
                findings.append(dt.finding(check=check.__name__.removeprefix("check_"), status=WARNING,
                                           location=dt.file, message=f"check could not run: {type(exc).__name__}: {exc}"))
    return findings


def audit_rows(rows: Mapping[str, list[dict]], rules: RuleSet | None = None) -> list[Finding]:
    """Audit table rows as `pipeline.tables.table_rows` makes them (before any DataFrame)."""
    return audit_contexts(contexts(rows.get("documents", []), rows), rules)


def audit_document(doc: "Document", rules: RuleSet | None = None) -> list[Finding]:
    """Audit one document read by `pipeline.ingest.read_document`."""
    from hyoka.pipeline.tables import table_rows

    return audit_rows(table_rows([doc], []), rules)


def audit_tables(tables: Mapping, rules: RuleSet | None = None) -> list[Finding]:
    """Audit stored tables (DataFrames, as `hyoka.open` or a store batch gives them)."""
    return audit_contexts(frame_contexts(tables), rules)
