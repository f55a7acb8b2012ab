"""Grades: each printed grade against the band its achievement falls in, and legend wording that
contradicts its own band."""

from __future__ import annotations

import math
from typing import Iterable

from hyoka.pipeline.audit.context import DocContext, rule_for
from hyoka.pipeline.audit.findings import CONSISTENT, INCONSISTENT, ROUNDING, WARNING, Finding, missing
from hyoka.pipeline.audit.printed import met_below_target
from hyoka.pipeline.rules import GradeBandsRule, RuleSet, round_half_up


def check_grades(dt: DocContext, rules: RuleSet) -> Iterable[Finding]:
    values = [v for v in dt.rows("indicator_values") if v.get("grade") and v.get("row_kind") == "yearly"]
    if not values:
        return
    rule = rule_for(dt, rules, "grade_bands")
    if rule is None:
        return
    for v in values:
        target, actual = v.get("target"), v.get("actual")
        loc = v["src"]
        if missing(target) or missing(actual) or target == 0:
            yield dt.finding(check="grade_band", status=WARNING, scope=v["measure_key"], location=loc, rule=rule.id,
                             rule_source=rule.source, stated=v["grade"], inputs=[loc],
                             message=f"{v['measure_key']} {v['fiscal_year_raw']}: grade {v['grade']} printed "
                                     f"without a usable target/actual")
            continue
        ratio = actual / target * 100
        status, reading, allowed = grade_status(rule, ratio, v["grade"])
        yield dt.finding(
            check="grade_band", status=status, scope=v["measure_key"], location=loc, rule=rule.id,
            rule_source=rule.source, stated=v["grade"], recomputed=round(ratio, 4), reading=reading, inputs=[loc],
            message=f"{v['measure_key']} {v['fiscal_year_raw']}: {v['actual_raw']} / {v['target_raw']} = "
                    f"{ratio:.1f}% → {'/'.join(allowed) or '?'}; printed {v['grade']}",
        )


def grade_status(rule: GradeBandsRule, ratio: float, stated: str) -> tuple[str, str | None, list[str]]:
    """(status, reading needed, grades the default reading allows) for one achievement ratio.

    Default reading of a boundary the legend leaves open: it belongs to the band above
    (「50~90%」 includes 50). A boundary case that only fits the other way is reported as
    consistent only under that reading; a printed 以上/未満 allows no such choice.
    """
    def allowed(flip_at: float | None) -> list[str]:
        out = []
        for b in rule.bands:
            lo_inc = b.lower_inclusive if b.lower_inclusive is not None else not (flip_at == b.lower)
            hi_inc = b.upper_inclusive if b.upper_inclusive is not None else (flip_at == b.upper)
            if b.contains(ratio, lo_inc, hi_inc):
                out.append(b.grade)
        return out

    default = allowed(None)
    if stated in default:
        return CONSISTENT, None, default
    for boundary in rule.boundaries():
        if math.isclose(ratio, boundary, abs_tol=1e-9) and stated in allowed(boundary):
            return ROUNDING, f"{boundary:g}% counted as {stated} (upper bound of {stated} inclusive)", default
    rounded = round_half_up(ratio)
    if rounded != ratio:
        for boundary in [None] + rule.boundaries():
            grades = [b.grade for b in rule.bands if b.contains(rounded,
                      b.lower_inclusive if b.lower_inclusive is not None else boundary != b.lower,
                      b.upper_inclusive if b.upper_inclusive is not None else boundary == b.upper)]
            if stated in grades:
                return ROUNDING, f"achievement rounded to {rounded:g}% before grading", default
    return INCONSISTENT, None, default


def check_legend_wording(dt: DocContext, rules: RuleSet) -> Iterable[Finding]:
    """A legend item whose words say the target was met (目標を達成) while its own band starts below 100 %.

    「B : 数値目標を達成 (達成度80%以上110%未満)」 puts 80 % among the targets met: the label and the
    band can't both be right. Only the item's own band is read (its 以上 bound, or the low end of a
    「80~110%」 range); a hedged label (概ね・ほぼ…達成) is left alone. A `warning`: the report may
    mean 'met, near enough'.
    """
    for r in dt.rows("legends"):
        text = f"{r.get('item_label') or ''} {r.get('item_text') or ''}"
        said = met_below_target(text)
        if said is None:
            continue
        met, low = said
        yield dt.finding(
            check="legend_met_below_target", status=WARNING, scope=r.get("item_label"), location=r["src"],
            stated=str(r.get("item_text")), recomputed=low, inputs=[r["src"]],
            message=f"legend 「{r.get('item_label') or ''}」 says the target was met (「{met}」) but its band starts "
                    f"at {low:g}% — 「{str(r.get('item_text'))[:60]}」 (「達成」とする区分が達成度{low:g}%から始まる)")

