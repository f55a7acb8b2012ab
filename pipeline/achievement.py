"""Achievement on one 0–1 scale, through each document's own legend, with the mapping recorded.

Every graded item becomes one row of `achievement_items(tables)`:
- a letter grade (S/A/B/C) of an indicator × year: the grade's band in the document's 評価指標
  legend (else the user's rules, else the preset), as a share of the target — the band's
  middle, capped at 1: S 120 %~ → 1, A 90–120 % → 1, B 50–90 % → 0.7, C ~50 % → 0.25;
- a symbol counted in a summary line (○30 △1 □7 …): the symbol's weight in the 凡例 as a share
  of the full weight: ○◎ 1, △ 2/3, □ 1/3, ×- 0 (a points legend 「◎5点 〇2点 △0点 ▲-1点」 is
  scaled from its lowest to its highest value); the line's items weigh by their count;
- a target and an actual printed as numbers (no grade): actual / target, capped at 1, when the
  indicator's direction is known — 増加 good unless the indicator says 削減/減少/抑制 …, and
  only where the document grades on actual / target (a grade legend) or the words say which way;
- an evidence pair from the NLP layer (pipeline/nlp.py: 「補助 120件」 ↔ 「申請 44件」).

`measure_achievement` then gives each measure one value: from its grades or symbols of the
latest year graded, else its numeric ratios, else its evidence pairs — and says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from hyoka.pipeline.rules import GradeBandsRule, PointsRule, RuleSet

ITEM_COLUMNS = ["doc_id", "measure_key", "scope", "fiscal_year", "kind", "printed", "value", "weight", "mapping",
                "rule", "src"]
_DOWN_WORDS = ("削減", "減少", "低減", "抑制", "縮減", "防止", "事故", "被害", "待機", "滞納", "不法投棄")


def grade_scale(rule: GradeBandsRule) -> dict[str, float]:
    """grade → 0–1: the middle of its band (percent of target), capped at 1; an open upper end counts 1."""
    out = {}
    for band in rule.bands:
        lower = band.lower if band.lower is not None else 0.0
        if band.upper is None:
            value = 1.0 if lower >= 100 else lower / 100
        else:
            value = min(1.0, (lower + band.upper) / 2 / 100)
        out[band.grade] = round(value, 6)
    return out


def symbol_scale(rule: PointsRule) -> dict[str, float]:
    """symbol → 0–1: its weight as a share of the full one (share rules); points rules scaled min→max."""
    weights = {s: Fraction(w) for s, w in rule.weights.items()}
    if not weights:
        return {}
    if rule.mode == "share":
        top = max(weights.values()) or Fraction(1)
        return {s: float(w / top) for s, w in weights.items()}
    lo, hi = min(weights.values()), max(weights.values())
    return {s: float((w - lo) / (hi - lo)) if hi != lo else 1.0 for s, w in weights.items()}


def _mapping_text(scale: dict[str, float]) -> str:
    return ", ".join(f"{k}={v:.4g}" for k, v in scale.items())


def indicator_direction(*texts: str | None) -> str | None:
    """"減少" when the indicator's words say fewer is better, "増加" when they say more is, else None."""
    text = " ".join(t for t in texts if isinstance(t, str))
    if any(w in text for w in _DOWN_WORDS):
        return "減少"
    if any(w in text for w in ("増加", "増を図る", "数増", "向上", "拡大", "以上", "増やす")):
        return "増加"
    return None


def achievement_items(tables: dict[str, pd.DataFrame], rules: RuleSet | None = None) -> pd.DataFrame:
    """One row per graded item (see the module doc), value on the 0–1 scale, mapping and rule recorded."""
    from hyoka.pipeline.audit import frame_contexts, rule_for
    from hyoka.pipeline.rules import load_presets

    rules = (rules or RuleSet()) + load_presets()
    rows: list[dict] = []
    for dt in frame_contexts(tables, ("measures", "indicator_values", "score_summaries", "summary_counts", "legends",
                                      "evidence")):
        doc = dt.doc
        rows += _grade_items(dt, rules, rule_for)
        rows += _symbol_items(dt, rules, rule_for)
        rows += _ratio_items(dt, rules, rule_for)
        for e in dt.rows("evidence"):
            rows.append({"doc_id": doc["doc_id"], "measure_key": e["measure_key"], "scope": e["measure_key"],
                         "fiscal_year": doc.get("fiscal_year"), "kind": "evidence",
                         "printed": f"{e['result_text']} / {e['target_text']}", "value": e["achievement"], "weight": 1,
                         "mapping": e["basis"], "rule": f"nlp {e.get('nlp')}", "src": e.get("result_src")})
    frame = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    frame["fiscal_year"] = frame["fiscal_year"].astype("Int64")
    return frame


def _grade_items(dt, rules, rule_for) -> list[dict]:
    values = [v for v in dt.rows("indicator_values") if v.get("grade") and v.get("row_kind") == "yearly"]
    if not values:
        return []
    rule = rule_for(dt, rules, "grade_bands")
    if rule is None:
        return []
    scale = grade_scale(rule)
    mapping = f"{_mapping_text(scale)} (band middle, capped at 1)"
    return [{"doc_id": dt.doc["doc_id"], "measure_key": v["measure_key"], "scope": v["measure_key"],
             "fiscal_year": v.get("fiscal_year"), "kind": "grade", "printed": v["grade"], "value": scale[v["grade"]],
             "weight": 1, "mapping": mapping, "rule": f"{rule.id} ({rule.source})", "src": v.get("src")}
            for v in values if v["grade"] in scale]


def _symbol_items(dt, rules, rule_for) -> list[dict]:
    summaries = dt.rows("score_summaries")
    if not summaries:
        return []
    rule = rule_for(dt, rules, "points")
    if rule is None:
        return []
    scale = symbol_scale(rule)
    mapping = _mapping_text(scale)
    from hyoka.pipeline.audit.counts import summary

    out = []
    for s in summaries:
        # the summary's counts from the long table (summary_counts), any label the rule weighs
        for symbol, count in summary(dt, s).counts.items():
            if not count or symbol not in scale:
                continue
            out.append({"doc_id": dt.doc["doc_id"], "measure_key": None, "scope": s["scope"],
                        "fiscal_year": dt.doc.get("fiscal_year"), "kind": "symbol", "printed": symbol,
                        "value": scale[symbol], "weight": int(count), "mapping": mapping,
                        "rule": f"{rule.id} ({rule.source})", "src": s.get("src")})
    return out


def _ratio_items(dt, rules, rule_for) -> list[dict]:
    measures = {m["key"]: m for m in dt.rows("measures")}
    graded_doc = rule_for(dt, RuleSet(), "grade_bands") is not None and any(
        r["legend_kind"] == "grade_bands" for r in dt.rows("legends"))
    out = []
    for v in dt.rows("indicator_values"):
        target, actual = v.get("target"), v.get("actual")
        if v.get("row_kind") != "yearly" or target is None or actual is None or pd.isna(target) or pd.isna(actual):
            continue
        m = measures.get(v["measure_key"], {})
        direction = indicator_direction(v.get("indicator"), m.get("target_raw"))
        why = "the indicator's words"
        if direction is None and graded_doc:
            direction, why = "増加", "the document grades actual / target (its 評価指標 legend)"
        if direction is None:
            continue
        if direction == "増加":
            value = min(1.0, actual / target) if target > 0 else None
        else:
            value = 1.0 if actual <= target else (target / actual if actual > 0 else None)
        if value is None or value < 0:
            continue
        out.append({"doc_id": dt.doc["doc_id"], "measure_key": v["measure_key"], "scope": v["measure_key"],
                    "fiscal_year": v.get("fiscal_year"), "kind": "ratio",
                    "printed": f"{v.get('actual_raw')} / {v.get('target_raw')}", "value": round(value, 6), "weight": 1,
                    "mapping": f"{'actual/target' if direction == '増加' else 'target/actual'} capped at 1; "
                               f"{direction} is good ({why})",
                    "rule": "ratio", "src": v.get("src")})
    return out


@dataclass(frozen=True)
class _Pick:
    value: float
    kind: str
    fiscal_year: int | None
    n_items: int


def _weighted_mean(group: pd.DataFrame) -> float:
    return float((group["value"] * group["weight"]).sum() / group["weight"].sum())


def measure_achievement(measures: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """measures' doc_id/key with achievement (0–1 or null), achievement_kind, achievement_year and
    achievement_basis: grades/symbols of the latest year graded, else ratios, else evidence pairs.
    A summary's symbols (scope 目標1) count for every measure under that 目標."""
    out = measures[["doc_id", "key"]].copy()
    values, kinds, years, bases = [], [], [], []
    by_measure = {k: g for k, g in items[items["measure_key"].notna()].groupby(["doc_id", "measure_key"])}
    by_scope = {k: g for k, g in items[items["kind"] == "symbol"].groupby(["doc_id", "scope"])}
    for row in measures.itertuples(index=False):
        group = by_measure.get((row.doc_id, row.key))
        scope = _scope_of(row)
        scoped = by_scope.get((row.doc_id, scope)) if scope else None
        pick = None
        for kinds_wanted in (("grade",), ("symbol",), ("ratio",), ("evidence",)):
            source = scoped if kinds_wanted == ("symbol",) else group
            if source is None:
                continue
            chosen = source[source["kind"].isin(kinds_wanted)]
            if chosen.empty:
                continue
            year = chosen["fiscal_year"].dropna().max() if chosen["fiscal_year"].notna().any() else None
            if year is not None:
                chosen = chosen[chosen["fiscal_year"] == year]
            pick = _Pick(round(_weighted_mean(chosen), 6), kinds_wanted[0], None if year is None else int(year),
                         int(chosen["weight"].sum()))
            break
        if pick is None:
            values.append(None), kinds.append(None), years.append(None), bases.append(None)
            continue
        values.append(pick.value)
        kinds.append(pick.kind)
        years.append(pick.fiscal_year)
        where = f"{scope}: " if pick.kind == "symbol" else ""
        bases.append(f"{where}{pick.kind} ×{pick.n_items}" + (f" (FY{pick.fiscal_year})" if pick.fiscal_year else ""))
    out["achievement"] = pd.array(values, dtype="Float64")
    out["achievement_kind"] = kinds
    out["achievement_year"] = pd.array(years, dtype="Int64")
    out["achievement_basis"] = bases
    return out


def _scope_of(row) -> str | None:
    """The summary scope a measure falls under: 「目標1」 for key 「目標1/基本施策2」."""
    label, ident = getattr(row, "h1_label", None), getattr(row, "h1_id", None)
    if isinstance(label, str) and isinstance(ident, str):
        return f"{label}{ident}"
    key = getattr(row, "key", "")
    return key.split("/", 1)[0] if isinstance(key, str) and "/" in key else None
