"""Recompute and audit: every published score checked against its rule, like statcheck.

Works on the canonical tables (fresh from ingest or read back from a store), so an
audit can be re-run with other rules without re-reading the reports. Each check yields
`Finding`s in one shape: what was stated, what was recomputed, the interval the stated
value stands for at its printed precision, a status and the location of every input.

Statuses: `consistent`; `consistent_only_with_rounding` (only with the legend's rounded
unit values, or only under one reading of an ambiguous band boundary — `reading` says
which); `inconsistent` (a number that does not follow from its rule); `warning` (checks
that are not scores: era years, dates, cross references, numbering).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Callable, Iterable

import pandas as pd

from hyoka.normalizers.eras import fiscal_year_of, parse_era_range
from hyoka.normalizers.symbols import parse_count_line
from hyoka.pipeline.printed import met_below_target
from hyoka.pipeline.stages import share_parts
from hyoka.pipeline.tables import SYMBOL_COLUMNS
from hyoka.pipeline.rules import (
    GradeBandsRule, PointsRule, RuleSet, grade_rule_from_legend, load_presets, points_rule_from_legend, round_half_up,
)

CONSISTENT = "consistent"
ROUNDING = "consistent_only_with_rounding"
INCONSISTENT = "inconsistent"
WARNING = "warning"
_SEVERITY = {CONSISTENT: "info", ROUNDING: "info", INCONSISTENT: "error", WARNING: "warning"}



@dataclass
class Finding:
    doc_id: str
    source: str  # the report file
    check: str  # points_exact, points_legend_units, legend_formula, counts_sum, count_share, grade_band, era_pair, …
    status: str
    message: str
    location: str  # where the stated value was printed, e.g. "file.txt:L38"
    rule: str | None = None
    rule_source: str | None = None
    scope: str | None = None
    stated: str | None = None
    recomputed: float | None = None
    interval_low: float | None = None
    interval_high: float | None = None
    reading: str | None = None
    inputs: list[str] = field(default_factory=list)  # locations of every input value
    severity: str = ""

    def __post_init__(self) -> None:
        self.severity = self.severity or _SEVERITY[self.status]


def stated_interval(text: str) -> tuple[float, float]:
    """The interval a printed number stands for: "85" → [84.5, 85.5), "1.63" → [1.625, 1.635)."""
    value = float(text)
    decimals = len(text.split(".")[1]) if "." in text else 0
    half = 0.5 * 10 ** -decimals
    return value - half, value + half


def _within(x: float, interval: tuple[float, float]) -> bool:
    """x in [low, high): 85.5 rounds (half up) to 86, so it is not within "85"."""
    return interval[0] - 1e-9 <= x < interval[1] - 1e-12


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}".rstrip("0").rstrip(".")


# --- context: tables grouped per document ------------------------------------------------

@dataclass
class DocTables:
    doc: dict
    tables: dict[str, dict[str, list[dict]]]  # table → doc_id → rows (see `_rows_by_doc`)

    @property
    def file(self) -> str:
        return str(self.doc["source_path"]).rsplit("/", 1)[-1]

    def rows(self, name: str) -> list[dict]:
        return self.tables.get(name, {}).get(self.doc["doc_id"], [])

    def finding(self, **kw) -> Finding:
        return Finding(doc_id=self.doc["doc_id"], source=self.file, **kw)


def _legend_items(dt: DocTables, kind: str) -> tuple[list[tuple[str, str]], str] | None:
    rows = [r for r in dt.rows("legends") if r["legend_kind"] == kind]
    if not rows:
        return None
    first, last = rows[0]["src"], rows[-1]["src"]
    where = first if first == last else f"{first} – {last.split(':', 1)[1]}"  # "file:L24 – L28"
    return [(r["item_label"], r["item_text"]) for r in rows], where


_LEGEND_PARSERS = {"points": points_rule_from_legend, "grade_bands": grade_rule_from_legend}


def rule_for(dt: DocTables, rules: RuleSet, kind: str):
    """The document's own printed legend parsed into a rule, else the first matching rule in `rules`."""
    legend = _legend_items(dt, kind)
    if legend:
        rule = _LEGEND_PARSERS[kind](legend[0], f"legend-{kind}", f"legend printed in the report ({legend[1]})")
        if rule:
            return rule
    return rules.for_document(kind, dt.doc)


def check_legends(dt: DocTables, rules: RuleSet) -> Iterable[Finding]:
    """A legend the report prints but hyoka can't read into a rule: say so (the fallback is only a guess)."""
    for kind in _LEGEND_PARSERS:
        legend = _legend_items(dt, kind)
        if legend and _LEGEND_PARSERS[kind](legend[0], "x", "x") is None:
            fallback = rules.for_document(kind, dt.doc)
            yield dt.finding(check="legend_unreadable", status=WARNING, location=legend[1],
                             message=f"the report prints a {kind} legend hyoka could not read; "
                                     + (f"falling back to {fallback.id} ({fallback.source})" if fallback else
                                        "its scores are not recomputed"))


# --- score checks ---------------------------------------------------------------------------

def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


@dataclass
class _Summary:
    """One count summary as the score checks see it: its items from summary_counts (any label set)."""

    row: dict  # the score_summaries row
    items: list[dict]  # its summary_counts rows, printed order; [] for a store written before that table
    counts: dict[str, int]  # label → count of the categories (totals left out), summed per label
    unreadable: list[dict]  # category items with a printed count that could not be read
    total: int | None  # total_items, else a 合計 item's count
    total_src: str | None  # where that total is printed

    @property
    def locations(self) -> list[str]:
        return list(dict.fromkeys([self.row["src"]] + [i["src"] for i in self.items if i.get("src")]))


def _summary(dt: DocTables, s: dict) -> _Summary:
    items = [i for i in dt.rows("summary_counts") if s.get("key") is not None and i.get("summary_key") == s["key"]]
    items.sort(key=lambda i: i.get("item_no") or 0)
    counts: dict[str, int] = {}
    unreadable = []
    if items:
        for i in items:
            if i.get("is_total"):
                continue
            if _missing(i.get("count")):
                if i.get("count_raw") not in (None, ""):
                    unreadable.append(i)
                continue
            label = i.get("label") or i.get("label_raw")
            counts[label] = counts.get(label, 0) + int(i["count"])
    else:  # a store written before summary_counts: the symbol columns
        counts = {sym: int(s[col]) for sym, col in SYMBOL_COLUMNS.items() if not _missing(s.get(col))}
    # the total: total_items (a 「N施策中」 or a 合計 row the normalize stage took it from), else a 合計 row
    total, total_src = s.get("total_items"), s["src"]
    total_item = next((i for i in items if i.get("is_total") and not _missing(i.get("count"))), None)
    if _missing(total):
        total, total_src = (total_item["count"], total_item["src"]) if total_item else (None, None)
    elif total_item is not None and int(total_item["count"]) == int(total):
        total_src = total_item["src"]
    return _Summary(row=s, items=items, counts=counts, unreadable=unreadable,
                    total=None if total is None else int(total), total_src=total_src)


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


def _printed_counts(counts: dict[str, int]) -> str:
    return " ".join(f"{k}{v}" for k, v in counts.items())


def check_scores(dt: DocTables, rules: RuleSet) -> Iterable[Finding]:
    """Each count summary: its counts against its total, and its stated score against the points rule.

    The counts are the summary's rows in summary_counts, whatever the labels (○ ◎ △ □ × - ▲, A/B/C,
    達成/未達成 …); a points rule gives each label its weight (a printed legend's own, e.g. ▲ -1点).
    """
    summaries = dt.rows("score_summaries")
    if not summaries:
        return
    rule = rule_for(dt, rules, "points")
    for s in summaries:
        summary = _summary(dt, s)
        counts, total, loc, scope = summary.counts, summary.total, s["src"], s["scope"]
        inputs = summary.locations
        if summary.unreadable:
            yield dt.finding(
                check="counts_sum", status=WARNING, scope=scope, location=loc, inputs=inputs,
                stated=None if total is None else str(total),
                message=f"{scope}: can't add the counts up: "
                        + ", ".join(f"「{i['label_raw']}」 count 「{i['count_raw']}」 is not a number"
                                    for i in summary.unreadable))
        elif total is not None and counts:
            listed = sum(counts.values())
            status = CONSISTENT if listed == total else INCONSISTENT
            # `complete` is null in a store written before it existed: a full breakdown, as then
            partial = s.get("complete") is not None and not bool(s["complete"])
            if partial and listed < total:
                status = None  # the summary names only some of the categories: 「77項目中12項目で上昇」
            elif partial and listed > total:
                status = WARNING  # more than the whole, unless the named categories overlap
            if status is not None:
                yield dt.finding(
                    check="counts_sum", status=status, scope=scope,
                    location=loc, stated=str(total), recomputed=float(listed),
                    inputs=list(dict.fromkeys(inputs + [summary.total_src])),
                    message=f"{scope}: the counts ({_printed_counts(counts)}) add up to {listed}; the total printed "
                            f"is {total}" + ("; the categories named may overlap" if status == WARNING else ""),
                )
        yield from _check_shares(dt, summary)
        if rule is None or s.get("stated_score_raw") is None or summary.unreadable:
            continue
        if total is None and rule.mode == "share":
            continue  # the points are shared out over N: no N, no score
        interval = stated_interval(s["stated_score_raw"])
        unweighted = [label for label, n in counts.items() if n and label not in rule.weights]
        try:
            if unweighted:
                raise ValueError(f"the rule gives no points for {'、'.join(unweighted)}")
            exact = recompute_points(rule, counts, total or 0)
        except ValueError as exc:
            yield dt.finding(check="points_exact", status=WARNING, scope=scope, location=loc, rule=rule.id,
                             rule_source=rule.source, stated=s["stated_score_raw"], inputs=inputs,
                             message=f"{scope}: can't recompute the score: {exc}")
            continue
        legend = None
        if rule.mode == "share" and rule.unit_decimals is not None:
            legend = recompute_points(rule, counts, total, legend_units=True)
        if _within(exact, interval):
            status, reading = CONSISTENT, None
        elif legend is not None and _within(legend, interval):
            status, reading = ROUNDING, "only with the legend's rounded unit values"
        else:
            status, reading = INCONSISTENT, None
        note = ""
        if counts.get("-") and rule.denominator == "all_items" and rule.mode == "share":
            other = recompute_points(rule, counts, total, denominator="excluding_dash")
            note = f"; with '-' left out of N it would be {_fmt(other)}" + \
                   (" (also consistent)" if _within(other, interval) else " (inconsistent)")
        over = f" over N={total}" if rule.mode == "share" else ""
        yield dt.finding(
            check="points_exact", status=status, scope=scope, location=loc, rule=rule.id,
            rule_source=rule.source, stated=s["stated_score_raw"], recomputed=exact, reading=reading,
            interval_low=interval[0], interval_high=interval[1], inputs=inputs,
            message=f"{scope}: stated {s['stated_score_raw']}, recomputed {_fmt(exact)} from "
                    f"{_printed_counts(counts)}{over}{note}",
        )
        if legend is not None:
            ok = _within(legend, interval)
            yield dt.finding(
                check="points_legend_units", status=(CONSISTENT if ok else INCONSISTENT), scope=scope,
                location=loc, rule=rule.id, rule_source=rule.source, stated=s["stated_score_raw"],
                recomputed=round(legend, 6), interval_low=interval[0], interval_high=interval[1], inputs=inputs,
                reading=f"unit values rounded to {rule.unit_decimals} decimals as the legend prints them",
                message=f"{scope}: with the legend's rounded unit values the score is {_fmt(legend)}",
            )


def _check_shares(dt: DocTables, summary: _Summary) -> Iterable[Finding]:
    """Each printed share against count ÷ total × 100, at the precision it is printed with.

    「96%」 stands for [95.5, 96.5); a share that only fits when truncated (切り捨て) is
    consistent_only_with_rounding. Without a printed total, the sum of the counts is taken as
    the total when every category prints its count and share and the shares add up to 100 %
    (「評価対象 394事業(96%)」「評価対象外 16事業( 4%)」); a share that doesn't fit that assumed
    total is only a warning.
    """
    categories = [i for i in summary.items if not i.get("is_total")]
    total, total_src, assumed = summary.total, summary.total_src, False
    shares = [share_parts(i.get("share_raw")) for i in categories]
    if (total is None and len(categories) > 1 and all(shares) and not any(_missing(i.get("count")) for i in categories)
            and abs(sum(float(d) * 100 / per for d, per in shares) - 100) <= len(shares) * 0.5):
        # every category with its count and share, the shares adding up to 100 %: the sum is the whole
        total, total_src, assumed = sum(int(i["count"]) for i in categories), None, True
    if total is None or total <= 0:
        return
    scope = summary.row["scope"]
    for item in summary.items:
        parts = share_parts(item.get("share_raw"))
        if parts is None or _missing(item.get("count")):
            continue
        digits, per = parts  # per: 100 for %, 10 for 割
        count = int(item["count"])
        share = count / total * per
        interval = stated_interval(digits)
        scale = 100 / per
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        truncated = (float(digits), float(digits) + 10 ** -decimals)
        if _within(share, interval):
            status, reading = CONSISTENT, None
        elif _within(share, truncated):
            status, reading = ROUNDING, f"only if the share was truncated to {decimals} decimals, not rounded"
        else:
            status, reading = (WARNING if assumed else INCONSISTENT), None
        if assumed:
            reading = "; ".join(filter(None, [reading, "no total printed: the total is the sum of the counts"]))
        loc = item["src"]
        yield dt.finding(
            check="count_share", status=status, scope=scope, location=loc, stated=item["share_raw"],
            recomputed=round(share * scale, 6), interval_low=interval[0] * scale,
            interval_high=interval[1] * scale, reading=reading,
            inputs=list(dict.fromkeys([loc] + ([total_src] if total_src else [i["src"] for i in categories]))),
            message=f"{scope}: 「{item['label_raw']}」 {count} of {total}{' (the sum of the counts)' if assumed else ''}"
                    f" is {_fmt(share * scale)}%; printed {item['share_raw'].strip()}",
        )


_TERM = re.compile(r"(\d+(?:\.\d+)?)\s*(?:×|\\times)\s*(\d+)\s*[(（]\s*(\d+(?:\.\d+)?)\s*[)）]")
_SUM = re.compile(r"=\s*(\d+(?:\.\d+)?)")
_FINAL = re.compile(r"(?:≒|\\doteq)\s*(\d+(?:\.\d+)?)")


def check_legend_formula(dt: DocTables, rules: RuleSet) -> Iterable[Finding]:
    """A worked formula in the legend, term by term: unit values, products, sum, final score."""
    rows = [r for r in dt.rows("legends") if r["legend_kind"] == "points"]
    formula = next((r for r in rows if r["item_label"] == "worked_formula"), None)  # its own line now
    example = next((r for r in rows if r["item_label"] == "example_line"), None)
    rule = rule_for(dt, rules, "points")
    if formula is None or rule is None or rule.mode != "share":
        return
    text, loc = formula["item_text"], formula["src"]
    terms = [(m.group(1), int(m.group(2)), m.group(3)) for m in _TERM.finditer(text)]

    def emit(what: str, stated: str, recomputed: float, reading: str | None = None):
        interval = stated_interval(stated)
        return dt.finding(
            check="legend_formula", status=CONSISTENT if _within(recomputed, interval) else INCONSISTENT,
            scope="凡例", location=loc, rule=rule.id, rule_source=rule.source, stated=stated,
            recomputed=round(recomputed, 6), interval_low=interval[0], interval_high=interval[1],
            inputs=[loc] + ([example["src"]] if example else []), reading=reading,
            message=f"凡例 formula: {what}: printed {stated}, recomputed {_fmt(recomputed)}",
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
            yield emit(f"unit value {value} = {_fmt(unit_printed)} × {weight}", value, unit_printed * float(weight))
            yield emit(f"count for weight {weight}", str(n), float(by_weight[weight]))
            yield emit(f"{value} × {n}", product, float(value) * n)
    if terms and (m := _SUM.search(text)):
        exact_sum = sum(float(v) * n for v, n, _p in terms)
        yield emit("sum of the terms", m.group(1), exact_sum)
        if f := _FINAL.search(text[m.end():]):
            yield emit(f"{m.group(1)} rounded", f.group(1), float(m.group(1)))


def check_grades(dt: DocTables, rules: RuleSet) -> Iterable[Finding]:
    values = [v for v in dt.rows("indicator_values") if v.get("grade") and v.get("row_kind") == "yearly"]
    if not values:
        return
    rule = rule_for(dt, rules, "grade_bands")
    if rule is None:
        return
    for v in values:
        target, actual = v.get("target"), v.get("actual")
        loc = v["src"]
        if target is None or actual is None or pd.isna(target) or pd.isna(actual) or target == 0:
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


# --- stated rates, differences and legend wording ------------------------------------------------

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


def check_stated_rates(dt: DocTables, rules: RuleSet) -> Iterable[Finding]:
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
    legend_text = " ".join(str(r.get("item_text") or "") + str(r.get("item_label") or "") for r in dt.rows("legends"))
    lower_better_legend = bool(_LOWER_BETTER.search(legend_text))
    for v in dt.rows("indicator_values"):
        rate = _printed_number(v.get("rate_raw"))
        target, actual = _printed_number(v.get("target_raw")), _printed_number(v.get("actual_raw"))
        if rate is None or target is None or actual is None or _missing(v.get("target")) or _missing(v.get("actual")):
            continue
        if not (math.isclose(float(target[0]), float(v["target"]), rel_tol=1e-9)
                and math.isclose(float(actual[0]), float(v["actual"]), rel_tol=1e-9)
                and (_missing(v.get("rate")) or math.isclose(float(rate[0]), float(v["rate"]), rel_tol=1e-9))):
            continue  # the first number printed is not the value read (an era year, a date before it): no guess
        if target[0] == 0 and actual[0] == 0:
            continue
        printed, half = rate
        unit = half * 2
        percent = "%" in str(v["rate_raw"]) or "％" in str(v["rate_raw"])
        t = (target[0], target[1], _is_rounded(v.get("target_raw")))
        a = (actual[0], actual[1], _is_rounded(v.get("actual_raw")))
        header = str(v.get("header_raw") or "")
        formula = _RATE_FORMULA.search(header)
        marks = {}
        for part in header.split(" / "):
            if _RATE_FORMULA.search(part):
                continue
            mark = _RATE_MARK.search(part)
            if mark:
                marks[mark.group(1)] = part
        stated_way = None  # the header's printed formula over the marks of its columns: 「(B)/(A)」
        if formula and formula.group(1) in marks and formula.group(2) in marks:
            stated_way = f"({formula.group(1)})/({formula.group(2)})"
        elif words := _WORD_FORMULA.search(unicodedata.normalize("NFKC", header)):
            stated_way = words.group(0)
        scales = (100,) if percent else (100, 1)
        readings: list[tuple[str, str, Fraction]] = []  # (way, how rounded, recomputed)
        for scale in scales:
            for way, num, den in (("actual/target", a, t), ("target/actual", t, a)):
                rng = _ratio_range(num, den, scale)
                if rng is None:
                    continue
                how = _rate_matches(rng[0], rng[1], printed, unit)
                if how:
                    readings.append((way, how, (num[0] * scale / den[0]) if den[0] else rng[0]))
            base = _printed_number(v.get("baseline_raw")) if not _missing(v.get("baseline")) else None
            if base is not None and target[0] != base[0]:
                exact = (actual[0] - base[0]) * scale / (target[0] - base[0])
                how = _rate_matches(exact, exact, printed, unit)
                if how:
                    readings.append(("(actual-baseline)/(target-baseline)", how, exact))
        loc = v["src"]
        scope = v.get("measure_key")
        year = v.get("fiscal_year_raw") or ""
        what = f"{scope} {year}".strip()
        exact = float(actual[0] / target[0] * 100) if target[0] else None
        common = dict(check="stated_rate", scope=scope, location=loc, stated=str(v["rate_raw"]).strip(),
                      interval_low=float(printed - half), interval_high=float(printed + half), inputs=[loc])
        best = next((r for r in readings if r[0] == "actual/target" and r[1] == "rounded"), None) or \
            next((r for r in readings if r[0] == "actual/target"), None) or \
            next((r for r in readings if r[0].startswith("(actual-baseline)")), None) or \
            next(iter(readings), None)
        if best is None:
            capped = exact is not None and percent and exact > float(printed) and printed in (100, 100.0)
            if capped:
                yield dt.finding(status=WARNING, recomputed=round(exact, 6), **common,
                                 reading="capped at 100%",
                                 message=f"{what}: printed rate 「{str(v['rate_raw']).strip()}」 while actual "
                                         f"{v['actual_raw']} ÷ target {v['target_raw']} = {_fmt(exact)}%: capped at "
                                         f"100%, a rule the table does not print (上限100%の扱いか)")
                continue
            # an accusation needs the report's own formula: without one the rate may be measured from a
            # baseline or a previous year the table does not show, so it is a question
            status = INCONSISTENT if stated_way else WARNING
            why = (f"the header prints {stated_way}" if stated_way else
                   "the report prints no formula for it (from a baseline not shown?)")
            yield dt.finding(status=status, recomputed=None if exact is None else round(exact, 6), **common,
                             message=f"{what}: printed rate 「{str(v['rate_raw']).strip()}」, but actual "
                                     f"{v['actual_raw']} ÷ target {v['target_raw']} = {_fmt(exact)}% and no reading "
                                     f"(target ÷ actual, rounding, truncation) gives it; {why} "
                                     f"(記載の達成率が実績÷目標と合わない)")
            continue
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
        yield dt.finding(status=status, recomputed=round(float(value), 6), reading=reading, **common,
                         message=f"{what}: printed rate 「{str(v['rate_raw']).strip()}」; {formula_text} = "
                                 f"{_fmt(float(value))}%{note}")

_DIFF_SIGN = re.compile(r"^\s*[△▲−\-]")


def check_stated_differences(dt: DocTables, rules: RuleSet) -> Iterable[Finding]:
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
                        f"{v['actual_raw']} − target {v['target_raw']} = {_fmt(float(exact))}{note}")


def check_legend_wording(dt: DocTables, rules: RuleSet) -> Iterable[Finding]:
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


_FLAG_CHECKS = {
    "era_glued": "era_glued",
    "date_in_formula": "date_in_formula",
    "share_denominator": "share_denominator",
    "points_band_unreachable": "points_band_unreachable",
    "legend_met_below_target": "legend_met_below_target",  # a legend row the reader did not store as a legend
}


def check_printed_flags(dt: DocTables, rules: RuleSet) -> Iterable[Finding]:
    """What the ingest stages flagged as printed wrong, as warnings with the printed text quoted:
    an era glued to a Western year, a date inside a formula, a group share whose denominator is not
    printed (pipeline/printed.py), and a legend item printed without its label (the reader)."""
    for f in dt.rows("flags"):
        field_ = f.get("field")
        check = _FLAG_CHECKS.get(field_)
        if check is None and field_ == "legend" and "without its label" in str(f.get("reason")):
            check = "legend_unlabelled"
            message = f"a legend item is printed without its label: 「{str(f.get('raw')).strip()[:60]}」 (凡例の記号・区分名が欠落)"
        elif check is None:
            continue
        else:
            message = f"「{f.get('raw')}」: {f.get('reason')}"
        yield dt.finding(check=check, status=WARNING, scope=f.get("scope"), location=f["src"], stated=str(f.get("raw")),
                         inputs=[f["src"]], message=message)


# --- checks that are not scores -------------------------------------------------------------

def check_dates(dt: DocTables, rules: RuleSet) -> Iterable[Finding]:
    fy = dt.doc.get("fiscal_year")
    for d in dt.rows("dates"):
        loc = d["src"]
        if d.get("stated_year") is not None and not pd.isna(d["stated_year"]):
            ok = int(d["stated_year"]) == d.get("year")
            yield dt.finding(check="era_pair", status=CONSISTENT if ok else WARNING, scope=d.get("scope"), location=loc,
                             stated=str(int(d["stated_year"])), recomputed=d.get("year"), inputs=[loc],
                             message=f"「{d['raw']}」: {d.get('era')}{d.get('era_year')}年 is {d.get('year')}, "
                                     f"printed ({int(d['stated_year'])})")
        elif d.get("problem"):
            yield dt.finding(check="era_impossible", status=WARNING, scope=d.get("scope"), location=loc,
                             stated=d["raw"], recomputed=d.get("year"), inputs=[loc],
                             message=f"「{d['raw']}」 can't be right: {d['problem']} (kept as printed) — 「{d['context'][:60]}」")
        span = parse_era_range(d.get("context") or "")
        if span and span[2] and span[0].raw == d["raw"]:
            yield dt.finding(check="era_range", status=WARNING, scope=d.get("scope"), location=loc,
                             stated=f"{span[0].raw}～{span[1].raw}", recomputed=d.get("year"), inputs=[loc],
                             message=f"「{span[0].raw}～{span[1].raw}」 {span[2]} (kept as printed)")
        if d.get("as_of") and fy and not pd.isna(fy) and d.get("year") and d.get("month") and not pd.isna(d["month"]):
            date_fy = fiscal_year_of(int(d["year"]), int(d["month"]))
            if date_fy != int(fy):
                yield dt.finding(
                    check="as_of_date", status=WARNING, scope=d.get("scope"), location=loc, stated=d["raw"],
                    recomputed=float(date_fy), inputs=[loc],
                    message=f"「{d['raw']}時点」 is in FY{date_fy}, outside the sheet's FY{int(fy)} "
                            f"(April {int(fy)}–March {int(fy) + 1}) — 「{d['context'][:60]}」",
                )


def check_period(dt: DocTables, rules: RuleSet) -> Iterable[Finding]:
    doc = dt.doc
    start, end, stated = doc.get("period_start"), doc.get("period_end"), doc.get("period_years_stated")
    if any(x is None or pd.isna(x) for x in (start, end, stated)):
        return
    length = int(end) - int(start) + 1
    yield dt.finding(check="period_length", status=CONSISTENT if length == int(stated) else WARNING, scope="計画期間",
                     location=doc.get("period_ref") or dt.file, stated=f"{int(stated)}年間",
                     recomputed=float(length), inputs=[],
                     message=f"plan period {int(start)}–{int(end)} is {length} years; printed {int(stated)}年間")


def check_cross_references(dt: DocTables, rules: RuleSet) -> Iterable[Finding]:
    refs = dt.rows("cross_references")
    measures = {m["key"]: m for m in dt.rows("measures")}
    links = {(r["from_key"], r["to_key"]) for r in refs if r["relation"] == "連携"}
    for r in refs:
        loc = r["src"]
        if r["to_key"] not in measures:
            yield dt.finding(check="cross_reference", status=WARNING, scope=r["from_key"], location=loc,
                             stated=r["to_id_raw"], inputs=[loc],
                             message=f"{r['from_key']} refers to {r['to_id_raw']}, which is not in the report")
            continue
        back = (r["to_key"], r["from_key"]) in links
        target = measures[r["to_key"]]
        yield dt.finding(
            check="cross_reference", status=CONSISTENT if back else WARNING, scope=r["from_key"], location=loc,
            stated=r["to_id_raw"], inputs=[loc, target["src"]],
            message=f"{r['from_key']} ↔ {r['to_key']}: " + ("printed from both ends" if back else
                    f"{r['to_key']} does not refer back to {r['from_key']}"),
        )


def check_numbering(dt: DocTables, rules: RuleSet) -> Iterable[Finding]:
    by_prefix: dict[str, dict[int, dict]] = {}
    for m in dt.rows("measures"):
        if m.get("kind") == "measure" and m.get("id") and (g := re.fullmatch(r"(.+?)-(\d+)", str(m["id"]))):
            by_prefix.setdefault(g.group(1), {})[int(g.group(2))] = m
    for prefix, numbered in by_prefix.items():
        for n in range(1, max(numbered) + 1):
            if n not in numbered:
                after = numbered.get(n - 1)
                nxt = min(k for k in numbered if k > n)
                yield dt.finding(
                    check="numbering", status=WARNING, scope=f"{prefix}-{n}",
                    location=numbered[nxt]["src"], stated=f"{prefix}-{nxt}", recomputed=float(n),
                    inputs=[x["src"] for x in (after, numbered[nxt]) if x],
                    message=f"{prefix}-{n} is missing: {prefix}-{n - 1 if after else '?'} is followed by {prefix}-{nxt}",
                )


def check_ended_measures(dt: DocTables, rules: RuleSet) -> Iterable[Finding]:
    measures = dt.rows("measures")
    later = [m for m in measures if m.get("kind") == "measure"]
    for m in (m for m in measures if m.get("kind") == "review" and m.get("direction") in ("終了", "廃止")):
        again = [x for x in later if _same_name(x["name"], m["name"])]
        yield dt.finding(
            check="ended_reappears", status=WARNING if again else CONSISTENT, scope=m["key"], location=m["src"],
            stated=m["direction"], inputs=[m["src"]] + [x["src"] for x in again],
            message=f"「{m['name']}」 marked {m['direction']} " + (
                f"reappears as {', '.join(x['key'] for x in again)}" if again else "does not reappear in the later plan"),
        )


def _same_name(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"[\s「」『』・、]", "", s or "")
    return norm(a) == norm(b)


# --- cost tables (事務事業評価シート) ------------------------------------------------------------

_FUNDING = (("national", "国庫支出金"), ("prefectural", "都道府県支出金"), ("bonds", "地方債"), ("other", "その他"),
            ("general", "一般財源"))
_DASHES = {"", "-", "－", "―", "‐", "ー", "—"}


def _amount(row: dict, name: str) -> tuple[Decimal | None, str]:
    """(exact value, how it was printed): a blank or a dash is (0, "-"); text that is no number is (None, text)."""
    raw = (row.get(f"{name}_raw") or "").strip()
    if raw in _DASHES:
        return Decimal(0), "-"
    value = row.get(name)
    # the normalized float printed back with the digits it was read with (159816.6, not 159816.59999…)
    return (None, raw) if value is None else (Decimal(repr(float(value))), raw)


def _sheet_row(row: dict) -> str:
    """「 (sheet row 370)」 for a spreadsheet cell reference (src_row is 0-based), else ""."""
    if str(row.get("src_file") or "").lower().endswith((".xlsx", ".xlsm")) and row.get("src_row") is not None:
        return f" (sheet row {int(row['src_row']) + 1})"
    return ""


def check_costs(dt: DocTables, rules: RuleSet) -> Iterable[Finding]:
    """Each cost row: 国庫+都道府県+地方債+その他+一般財源 = 事業費計 (A), and (A) + 人件費計 (B) = トータルコスト.

    Exact arithmetic on the printed amounts (千円). A blank or 「-」 amount counts as 0 — the
    sheets print 「-」 in every funding column of a year without a budget and 0 as its
    事業費計 — and the message says when that reading was used. A stated total that is
    blank is not checked; an amount that is not a number makes the row a warning.
    """
    for c in dt.rows("costs"):
        loc, key, year = c["src"], c["measure_key"], c["fiscal_year_raw"]
        where = f"{key} {year}{_sheet_row(c)}"
        for check, parts, total_name, total_label in (
            ("cost_funding_sum", _FUNDING, "project_total", "事業費計 (A)"),
            ("cost_total", (("project_total", "事業費計 (A)"), ("personnel", "人件費計 (B)")), "total_cost",
             "トータルコスト (A)+(B)"),
        ):
            if not (c.get(f"{total_name}_raw") or "").strip():
                continue  # nothing stated
            stated, stated_raw = _amount(c, total_name)
            amounts = [(label, *_amount(c, name)) for name, label in parts]
            bad = [(label, raw) for label, value, raw in amounts if value is None]
            if stated is None:
                bad.append((total_label, stated_raw))
            if bad:
                yield dt.finding(check=check, status=WARNING, scope=key, location=loc, stated=stated_raw, inputs=[loc],
                                 message=f"{where}: not a number: " + ", ".join(f"{l} 「{r}」" for l, r in bad))
                continue
            total = sum((value for _l, value, _r in amounts), Decimal(0))
            dashes = [label for label, _v, raw in amounts if raw == "-"]
            terms = " + ".join(f"{label} {raw}" for label, _v, raw in amounts)
            note = f" (「-」/blank counted as 0: {', '.join(dashes)})" if dashes else ""
            yield dt.finding(
                check=check, status=CONSISTENT if total == stated else INCONSISTENT, scope=key, location=loc,
                stated=stated_raw, recomputed=float(total), inputs=[loc],
                message=f"{where}: {terms} = {format(total.normalize(), 'f')}; printed {total_label} {stated_raw}{note}",
            )


Check = Callable[[DocTables, RuleSet], Iterable[Finding]]
CHECKS: tuple[Check, ...] = (
    check_legends, check_scores, check_legend_formula, check_grades, check_dates, check_period, check_cross_references,
    check_numbering, check_ended_measures, check_costs, check_stated_rates, check_stated_differences,
    check_legend_wording, check_printed_flags,
)


def audit_tables(tables: dict[str, pd.DataFrame], rules: RuleSet | None = None) -> list[Finding]:
    """Run every check on every document in `tables`. Rules: printed legends first, then `rules`, then presets."""
    rules = (rules or RuleSet()) + load_presets()
    findings: list[Finding] = []
    docs = tables.get("documents")
    if docs is None or docs.empty:
        return findings
    by_doc = {name: _rows_by_doc(frame) for name, frame in tables.items() if name != "documents"}
    for doc in _records(docs):
        dt = DocTables(doc, by_doc)
        for check in CHECKS:
            try:
                findings.extend(_temper(f) for f in check(dt, rules) if f is not None)
            except Exception as exc:  # one odd document must not stop the audit of the others
                findings.append(dt.finding(check=check.__name__.removeprefix("check_"), status=WARNING,
                                           location=dt.file, message=f"check could not run: {type(exc).__name__}: {exc}"))
    return findings


def _temper(finding: Finding) -> Finding:
    """A preset is our assumption, not the report's own rule: it may raise a question, never accuse."""
    if finding.status == INCONSISTENT and (finding.rule_source or "").startswith("preset"):
        finding.status, finding.severity = WARNING, _SEVERITY[WARNING]
        finding.message = (f"{finding.message} — inconsistent under {finding.rule_source} ({finding.rule}); the report "
                           f"prints no rule of its own, so this is only a question")
    return finding


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts, missing values (NaN/NA, truthy in pandas) as None."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _rows_by_doc(frame: pd.DataFrame | None) -> dict[str, list[dict]]:
    """One pass over a table, grouped by document, so that each check reads only its document's rows."""
    out: dict[str, list[dict]] = {}
    if frame is None or frame.empty or "doc_id" not in frame:
        return out
    for row in _records(frame):
        out.setdefault(row["doc_id"], []).append(row)
    return out


_FINDING_FIELDS = tuple(Finding.__dataclass_fields__)


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    if not findings:
        return pd.DataFrame(columns=list(_FINDING_FIELDS))
    return pd.DataFrame([{k: getattr(f, k) for k in _FINDING_FIELDS} for f in findings])
