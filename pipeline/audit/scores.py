"""Scores: each stated score recomputed from its counts under the points rule, the legend's worked
formula term by term, and a printed legend hyoka can't read said so."""

from __future__ import annotations

from fractions import Fraction
from typing import Iterable

from hyoka.normalizers.formulas import parse_worked_formula
from hyoka.normalizers.symbols import parse_count_line
from hyoka.pipeline.audit.context import LEGEND_PARSERS, DocContext, item_role, legend_items, printed_rule, rule_for
from hyoka.pipeline.audit.counts import Summary, check_counts, check_shares, printed_counts, summary
from hyoka.pipeline.audit.findings import (
    CONSISTENT, INCONSISTENT, ROUNDING, WARNING, Finding, fmt, stated_interval, within,
)
from hyoka.pipeline.rules import PointsRule, RuleSet, round_half_up


def check_legends(dt: DocContext, rules: RuleSet) -> Iterable[Finding]:
    """A legend the report prints but hyoka can't read into a rule: say so (the fallback is only a guess)."""
    for kind in LEGEND_PARSERS:
        legend = legend_items(dt, kind)
        if legend and printed_rule(dt, kind) is None:
            fallback = rules.for_document(kind, dt.doc)
            yield dt.finding(check="legend_unreadable", status=WARNING, location=legend[1],
                             message=f"the report prints a {kind} legend hyoka could not read; "
                                     + (f"falling back to {fallback.id} ({fallback.source})" if fallback else
                                        "its scores are not recomputed"))


def recompute_points(rule: PointsRule, counts: dict[str, int], total: int, *, legend_units: bool = False,
                     denominator: str | None = None) -> float:
    """The score a count line should have under `rule` (exact fractions, or the legend's rounded units)."""
    n = total - (counts.get("-", 0) if (denominator or rule.denominator) == "excluding_dash" else 0)
    if rule.mode == "points":
        return float(sum(rule.weights.get(s, 0) * c for s, c in counts.items()))
    if n <= 0:
        raise ValueError("no items to share the points between")
    if legend_units and rule.unit_decimals is not None:
        unit = round_half_up(rule.max_points / n, rule.unit_decimals)
        return sum(round_half_up(unit * float(rule.weights.get(s, 0)), rule.unit_decimals) * c
                   for s, c in counts.items())
    share = sum(Fraction(rule.weights.get(s, 0)) * c for s, c in counts.items())
    return float(Fraction(rule.max_points).limit_denominator() * share / n)


def check_scores(dt: DocContext, rules: RuleSet) -> Iterable[Finding]:
    """Each count summary: its counts against its total, its shares, and its stated score against the points rule.

    The counts are the summary's rows in summary_counts, whatever the labels (○ ◎ △ □ × - ▲, A/B/C,
    達成/未達成 …); a points rule gives each label its weight (a printed legend's own, e.g. ▲ -1点).
    """
    summaries = dt.score_summaries
    if not summaries:
        return
    rule = rule_for(dt, rules, "points")
    for s in summaries:
        one = summary(dt, s)
        yield from check_counts(dt, one)
        yield from check_shares(dt, one)
        if rule is None or s.get("stated_score_raw") is None or one.unreadable:
            continue
        if one.total is None and rule.mode == "share":
            continue  # the points are shared out over N: no N, no score
        yield from _check_points(dt, rule, one)


def _check_points(dt: DocContext, rule: PointsRule, one: Summary) -> Iterable[Finding]:
    s, counts, total = one.row, one.counts, one.total
    loc, scope, inputs, stated = s["src"], s["scope"], one.locations, s["stated_score_raw"]
    interval = stated_interval(stated)
    unweighted = [label for label, n in counts.items() if n and label not in rule.weights]
    try:
        if unweighted:
            raise ValueError(f"the rule gives no points for {'、'.join(unweighted)}")
        exact = recompute_points(rule, counts, total or 0)
    except ValueError as exc:
        yield dt.finding(check="points_exact", status=WARNING, scope=scope, location=loc, rule=rule.id,
                         rule_source=rule.source, stated=stated, inputs=inputs,
                         message=f"{scope}: can't recompute the score: {exc}")
        return
    legend = None
    if rule.mode == "share" and rule.unit_decimals is not None:
        legend = recompute_points(rule, counts, total, legend_units=True)
    if within(exact, interval):
        status, reading = CONSISTENT, None
    elif legend is not None and within(legend, interval):
        status, reading = ROUNDING, "only with the legend's rounded unit values"
    else:
        status, reading = INCONSISTENT, None
    note = ""
    if counts.get("-") and rule.denominator == "all_items" and rule.mode == "share":
        other = recompute_points(rule, counts, total, denominator="excluding_dash")
        note = f"; with '-' left out of N it would be {fmt(other)}" + \
               (" (also consistent)" if within(other, interval) else " (inconsistent)")
    over = f" over N={total}" if rule.mode == "share" else ""
    yield dt.finding(
        check="points_exact", status=status, scope=scope, location=loc, rule=rule.id,
        rule_source=rule.source, stated=stated, recomputed=exact, reading=reading,
        interval_low=interval[0], interval_high=interval[1], inputs=inputs,
        message=f"{scope}: stated {stated}, recomputed {fmt(exact)} from {printed_counts(counts)}{over}{note}",
    )
    if legend is not None:
        ok = within(legend, interval)
        yield dt.finding(
            check="points_legend_units", status=(CONSISTENT if ok else INCONSISTENT), scope=scope,
            location=loc, rule=rule.id, rule_source=rule.source, stated=stated,
            recomputed=round(legend, 6), interval_low=interval[0], interval_high=interval[1], inputs=inputs,
            reading=f"unit values rounded to {rule.unit_decimals} decimals as the legend prints them",
            message=f"{scope}: with the legend's rounded unit values the score is {fmt(legend)}",
        )


def check_legend_formula(dt: DocContext, rules: RuleSet) -> Iterable[Finding]:
    """A worked formula in the legend (an item of role worked_formula), term by term: unit values,
    products, sum, final score — against the count line it computes (role example_line)."""
    rows = [r for r in dt.legends if r["legend_kind"] == "points"]
    formula = next((r for r in rows if item_role(r) == "worked_formula"), None)
    example = next((r for r in rows if item_role(r) == "example_line"), None)
    rule = rule_for(dt, rules, "points")
    if formula is None or rule is None or rule.mode != "share":
        return
    loc = formula["src"]
    worked = parse_worked_formula(formula["item_text"])
    terms = worked.terms

    def emit(what: str, stated: str, recomputed: float, reading: str | None = None):
        interval = stated_interval(stated)
        return dt.finding(
            check="legend_formula", status=CONSISTENT if within(recomputed, interval) else INCONSISTENT,
            scope="凡例", location=loc, rule=rule.id, rule_source=rule.source, stated=stated,
            recomputed=round(recomputed, 6), interval_low=interval[0], interval_high=interval[1],
            inputs=[loc] + ([example["src"]] if example else []), reading=reading,
            message=f"凡例 formula: {what}: printed {stated}, recomputed {fmt(recomputed)}",
        )

    line = parse_count_line(example["item_text"]) if example is not None else None
    counts, total = (line.counts, line.total) if line else (None, None)
    if total:
        unit = rule.max_points / total
        yield emit(f"unit {rule.max_points:g}点 ÷ {total}{line.unit}", terms[0][0] if terms else "", unit) if terms else None
        # each term: unit value for its symbols, their count, and the printed product
        by_weight: dict[Fraction, int] = {}
        for sym, n in counts.items():
            by_weight[rule.weights.get(sym, Fraction(0))] = by_weight.get(rule.weights.get(sym, Fraction(0)), 0) + n
        unit_printed = float(terms[0][0]) if terms else unit
        for value, n, product in terms:
            weight = next((w for w in by_weight if w and round_half_up(unit_printed * float(w), 2) == float(value)),
                          None)
            if weight is None:
                yield dt.finding(check="legend_formula", status=INCONSISTENT, scope="凡例", location=loc, rule=rule.id,
                                 rule_source=rule.source, stated=value, inputs=[loc],
                                 message=f"凡例 formula: unit value {value} matches no symbol weight of the rule")
                continue
            yield emit(f"unit value {value} = {fmt(unit_printed)} × {weight}", value, unit_printed * float(weight))
            yield emit(f"count for weight {weight}", str(n), float(by_weight[weight]))
            yield emit(f"{value} × {n}", product, float(value) * n)
    if terms and worked.total is not None:
        yield emit("sum of the terms", worked.total, sum(float(v) * n for v, n, _p in terms))
        if worked.final is not None:
            yield emit(f"{worked.total} rounded", worked.final, float(worked.total))
