"""Stated rates (達成率/進捗率) and differences (目標と実績の比較) against the values they are printed from."""

from __future__ import annotations

import math
import re
import unicodedata
from fractions import Fraction
from typing import Iterable

from hyoka.pipeline.audit.context import DocContext
from hyoka.pipeline.audit.findings import CONSISTENT, INCONSISTENT, ROUNDING, WARNING, Finding, fmt, missing
from hyoka.pipeline.rules import RuleSet

_MAGNITUDE_UNIT = re.compile(r"[千万億]|百万")
_RATE_MARK = re.compile(r"[(（]\s*([A-Za-zＡ-Ｚａ-ｚ①-⑳])\s*[)）]")
_RATE_FORMULA = re.compile(r"[(（]\s*([A-Za-zＡ-Ｚａ-ｚ①-⑳])\s*[)）]\s*[/÷／]\s*[(（]\s*([A-Za-zＡ-Ｚａ-ｚ①-⑳])\s*[)）]")
_WORD_FORMULA = re.compile(r"実績(?:値|額)?\s*[/÷／]\s*(?:目標|計画)(?:値|額)?")
_LOWER_BETTER = re.compile(r"下回る(?:こと|方)が望ましい|低い(?:ほう|方)が(?:良い|よい|望ましい)|減少が望ましい|少ない(?:ほう|方)が")


def _printed_number(raw: str | None) -> tuple[Fraction, Fraction] | None:
    """(value, half a unit of its last printed digit) of the first number in `raw` (「1,064.0億円」 → 1064, 0.05)."""
    if raw is None:
        return None
    m = re.search(r"[-−△▲]?\d[\d,]*(?:\.\d+)?", unicodedata.normalize("NFKC", str(raw)))
    if m is None:
        return None
    text = m.group().replace(",", "").replace("−", "-").replace("△", "-").replace("▲", "-")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return Fraction(text), Fraction(1, 2 * 10 ** decimals)


def _is_rounded(raw: str | None) -> bool:
    """A value printed with decimals or in a magnitude (万人, 億円, 千円) was rounded from a finer one."""
    return raw is not None and ("." in str(raw) or bool(_MAGNITUDE_UNIT.search(str(raw))))


def _rate_matches(low: Fraction, high: Fraction, printed: Fraction, unit: Fraction) -> str | None:
    """How a printed rate (precision `unit`) reads the recomputed range [low, high]: "rounded" (half up or half
    even), "truncated", "rounded up" or None."""
    if low <= printed + unit / 2 and high >= printed - unit / 2:
        return "rounded"
    if low < printed + unit and high >= printed:
        return "truncated"
    if low <= printed and high > printed - unit:
        return "rounded up"
    return None


def _ratio_range(num: tuple[Fraction, Fraction, bool], den: tuple[Fraction, Fraction, bool],
                 scale: int) -> tuple[Fraction, Fraction] | None:
    """num ÷ den × scale, as a range when either was printed rounded (its own printed precision)."""
    (n, hn, rn), (d, hd, rd) = num, den
    hn, hd = (hn if rn else Fraction(0)), (hd if rd else Fraction(0))
    if d - hd <= 0 or n - hn < 0:
        return None if d == 0 else (n * scale / d, n * scale / d)
    return (n - hn) * scale / (d + hd), (n + hn) * scale / (d - hd)


def check_stated_rates(dt: DocContext, rules: RuleSet) -> Iterable[Finding]:
    """Each printed 達成率/進捗率 of an indicator value (rate_raw) against actual ÷ target × 100.

    Consistent when the recomputed rate, rounded half up (or half even) to the printed precision, is
    the printed one; only when truncated or rounded up: consistent_only_with_rounding. Target and
    actual printed with decimals or in 万/億/千 were rounded themselves, so their printed precision
    widens the recomputed range. A rate that matches target ÷ actual instead (lower is better) is
    consistent where the header's formula (「(B)/(A)」 with (A) the target) or a legend says the
    rate runs that way, else a `warning`; a rate from the baseline ((actual − baseline) ÷
    (target − baseline)) is consistent with that reading. When no reading fits: `inconsistent` where
    the header prints the formula (「(B)/(A)」 over marked columns, 「実績/目標」), else a `warning` (the
    rate may be measured from something the table does not show); a 100% printed for a higher
    achievement is a `warning` (capped, a rule the table does not print).
    """
    legend_text = " ".join(str(r.get("item_text") or "") + str(r.get("item_label") or "") for r in dt.legends)
    lower_better_legend = bool(_LOWER_BETTER.search(legend_text))
    for v in dt.indicator_values:
        rate = _printed_number(v.get("rate_raw"))
        target, actual = _printed_number(v.get("target_raw")), _printed_number(v.get("actual_raw"))
        if rate is None or target is None or actual is None or missing(v.get("target")) or missing(v.get("actual")):
            continue
        if not (math.isclose(float(target[0]), float(v["target"]), rel_tol=1e-9)
                and math.isclose(float(actual[0]), float(v["actual"]), rel_tol=1e-9)
                and (missing(v.get("rate")) or math.isclose(float(rate[0]), float(v["rate"]), rel_tol=1e-9))):
            continue  # the first number printed is not the value read (an era year, a date before it): no guess
        if target[0] == 0 and actual[0] == 0:
            continue
        printed, half = rate
        percent = "%" in str(v["rate_raw"]) or "％" in str(v["rate_raw"])
        readings = _readings(v, target, actual, rate, percent)
        stated_way = _stated_way(str(v.get("header_raw") or ""))
        loc, scope = v["src"], v.get("measure_key")
        what = f"{scope} {v.get('fiscal_year_raw') or ''}".strip()
        common = dict(check="stated_rate", scope=scope, location=loc, stated=str(v["rate_raw"]).strip(),
                      interval_low=float(printed - half), interval_high=float(printed + half), inputs=[loc])
        best = next((r for r in readings if r[0] == "actual/target" and r[1] == "rounded"), None) or \
            next((r for r in readings if r[0] == "actual/target"), None) or \
            next((r for r in readings if r[0].startswith("(actual-baseline)")), None) or \
            next(iter(readings), None)
        if best is None:
            exact = float(actual[0] / target[0] * 100) if target[0] else None
            yield _rate_unexplained(dt, v, common, what, exact, printed, percent, stated_way)
        else:
            yield _rate_read(dt, v, common, what, best, stated_way, lower_better_legend)


def _stated_way(header: str) -> str | None:
    """The header's printed formula over the marks of its columns (「(B)/(A)」), or in words (「実績/目標」)."""
    formula = _RATE_FORMULA.search(header)
    marks = {}
    for part in header.split(" / "):
        if _RATE_FORMULA.search(part):
            continue
        mark = _RATE_MARK.search(part)
        if mark:
            marks[mark.group(1)] = part
    if formula and formula.group(1) in marks and formula.group(2) in marks:
        return f"({formula.group(1)})/({formula.group(2)})"
    if words := _WORD_FORMULA.search(unicodedata.normalize("NFKC", header)):
        return words.group(0)
    return None


def _readings(v: dict, target, actual, rate, percent: bool) -> list[tuple[str, str, Fraction]]:
    """(way, how rounded, recomputed) of every reading that gives the printed rate."""
    printed, half = rate
    unit = half * 2
    t = (target[0], target[1], _is_rounded(v.get("target_raw")))
    a = (actual[0], actual[1], _is_rounded(v.get("actual_raw")))
    readings: list[tuple[str, str, Fraction]] = []
    for scale in ((100,) if percent else (100, 1)):
        for way, num, den in (("actual/target", a, t), ("target/actual", t, a)):
            rng = _ratio_range(num, den, scale)
            if rng is None:
                continue
            how = _rate_matches(rng[0], rng[1], printed, unit)
            if how:
                readings.append((way, how, (num[0] * scale / den[0]) if den[0] else rng[0]))
        base = _printed_number(v.get("baseline_raw")) if not missing(v.get("baseline")) else None
        if base is not None and target[0] != base[0]:
            exact = (actual[0] - base[0]) * scale / (target[0] - base[0])
            how = _rate_matches(exact, exact, printed, unit)
            if how:
                readings.append(("(actual-baseline)/(target-baseline)", how, exact))
    return readings


def _rate_unexplained(dt: DocContext, v: dict, common: dict, what: str, exact: float | None, printed: Fraction,
                      percent: bool, stated_way: str | None) -> Finding:
    """No reading gives the printed rate."""
    rate_raw = str(v["rate_raw"]).strip()
    if exact is not None and percent and exact > float(printed) and printed in (100, 100.0):
        return dt.finding(status=WARNING, recomputed=round(exact, 6), **common, reading="capped at 100%",
                          message=f"{what}: printed rate 「{rate_raw}」 while actual {v['actual_raw']} ÷ target "
                                  f"{v['target_raw']} = {fmt(exact)}%: capped at 100%, a rule the table does not "
                                  f"print (上限100%の扱いか)")
    # an accusation needs the report's own formula: without one the rate may be measured from a
    # baseline or a previous year the table does not show, so it is a question
    status = INCONSISTENT if stated_way else WARNING
    why = (f"the header prints {stated_way}" if stated_way else
           "the report prints no formula for it (from a baseline not shown?)")
    return dt.finding(status=status, recomputed=None if exact is None else round(exact, 6), **common,
                      message=f"{what}: printed rate 「{rate_raw}」, but actual {v['actual_raw']} ÷ target "
                              f"{v['target_raw']} = {fmt(exact)}% and no reading (target ÷ actual, rounding, "
                              f"truncation) gives it; {why} (記載の達成率が実績÷目標と合わない)")


def _rate_read(dt: DocContext, v: dict, common: dict, what: str, best: tuple[str, str, Fraction],
               stated_way: str | None, lower_better_legend: bool) -> Finding:
    """The printed rate under the reading that gives it (actual ÷ target first)."""
    way, how, value = best
    reading = None if how == "rounded" else f"only if the rate was {how}, not rounded"
    status = CONSISTENT if how == "rounded" else ROUNDING
    note = ""
    if way == "target/actual":
        if lower_better_legend and not stated_way:
            reading = "; ".join(filter(None, [reading, "target ÷ actual: the legend marks indicators where lower "
                                                       "is better"]))
        else:
            status = WARNING
            note = (f" — only as target ÷ actual, against the header's {stated_way} (目標÷実績でのみ一致: 記載の算式と逆)"
                    if stated_way else
                    " — only as target ÷ actual (lower is better?), and the report does not say it computes it "
                    "that way (目標÷実績でのみ一致: 算式の記載なし)")
    elif way.startswith("(actual-baseline)"):
        reading = "; ".join(filter(None, [reading, "progress from the baseline: (actual − baseline) ÷ (target − baseline)"]))
    formula_text = {"actual/target": f"actual {v['actual_raw']} ÷ target {v['target_raw']}",
                    "target/actual": f"target {v['target_raw']} ÷ actual {v['actual_raw']}"}.get(
        way, f"(actual {v['actual_raw']} − baseline {v.get('baseline_raw')}) ÷ "
             f"(target {v['target_raw']} − baseline {v.get('baseline_raw')})")
    return dt.finding(status=status, recomputed=round(float(value), 6), reading=reading, **common,
                      message=f"{what}: printed rate 「{str(v['rate_raw']).strip()}」; {formula_text} = "
                              f"{fmt(float(value))}%{note}")


_DIFF_SIGN = re.compile(r"^\s*[△▲−\-]")


def check_stated_differences(dt: DocContext, rules: RuleSet) -> Iterable[Finding]:
    """A printed 目標と実績の比較 / 差 (notes of kind stated_difference) against actual − target.

    The reader keeps the differences of an indicator's row in column order, and the indicator's
    values in the same order; the two are paired only when there are as many of each (else the
    pairing is a guess, and nothing is said). △/▲ print a minus. Consistent when actual − target
    equals the printed difference at its printed precision; a difference that fits only as
    target − actual (a shortfall printed without its sign) is a `warning`; `inconsistent` when
    neither fits. A dash stands for no difference to print (no target).
    """
    notes: dict[str, list[dict]] = {}
    for n in dt.rows("notes"):
        if n.get("kind") == "stated_difference":
            notes.setdefault(n.get("scope"), []).append(n)
    if not notes:
        return
    values: dict[str, list[dict]] = {}
    for v in dt.rows("indicator_values"):
        if v.get("row_kind") == "yearly":
            values.setdefault(v.get("measure_key"), []).append(v)
    for scope, diffs in notes.items():
        rows = values.get(scope, [])
        if len(rows) != len(diffs):
            continue
        for n, v in zip(diffs, rows):
            printed = _printed_number(n.get("raw"))
            target, actual = _printed_number(v.get("target_raw")), _printed_number(v.get("actual_raw"))
            if printed is None or target is None or actual is None:
                continue
            if "%" in str(n["raw"]) and "%" not in f"{v.get('target_raw')}{v.get('actual_raw')}{v.get('unit') or ''}":
                continue  # a ratio printed as the comparison, not a difference
            value, half = printed
            if _DIFF_SIGN.match(str(n["raw"])) and value > 0:
                value = -value
            exact = actual[0] - target[0]
            slack = (target[1] if _is_rounded(v.get("target_raw")) else 0) + \
                (actual[1] if _is_rounded(v.get("actual_raw")) else 0)
            fits = lambda x: abs(x - value) <= half + slack  # noqa: E731
            if fits(exact):
                status, note = CONSISTENT, ""
            elif fits(-exact):
                status, note = WARNING, " — only as target − actual (the sign is the other way round) (符号が逆)"
            else:
                status, note = INCONSISTENT, " (記載の差が実績−目標と合わない)"
            yield dt.finding(
                check="stated_difference", status=status, scope=scope, location=n["src"], stated=str(n["raw"]),
                recomputed=float(exact), interval_low=float(value - half), interval_high=float(value + half),
                inputs=list(dict.fromkeys([n["src"], v["src"]])),
                message=f"{scope} {v.get('fiscal_year_raw') or ''}: printed difference 「{n['raw']}」; actual "
                        f"{v['actual_raw']} − target {v['target_raw']} = {fmt(float(exact))}{note}")

