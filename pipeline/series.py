"""Past years side by side: which plan a report belongs to, which scale it grades on, and where a
measure's line across years must break.

A city's reports are one line only while they report on one plan and grade on one scale: 武蔵野市's
第二期産業振興計画 (○◎△□× symbols) and 第三期武蔵野市産業振興計画 are two plans, so their measures
are different series and the city's achievement per year is two lines, not one. Within a plan, a
line breaks again where the grading scale printed in the reports changes (a new 凡例).

Used by pipeline/compare.py (the `plan`/`scale` of measures and series, `achievement_by_plan` of a
city) and by `series_frame` (the long `series` table: one row per series × fiscal year × indicator).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

SERIES_COLUMNS = ("series_id", "municipality", "plan", "scale", "measure", "theme", "fiscal_year", "indicator",
                  "target", "actual", "unit", "grade", "achievement", "achievement_kind", "direction", "doc_id",
                  "measure_key")


def plan_key(plan_name: Any, municipality: Any) -> str:
    """The plan a report belongs to, as a key: its name without spaces, brackets or the city's own
    name (「第三期武蔵野市産業振興計画」 and 「第三期 産業振興計画」 are one plan); "" when not printed."""
    if not isinstance(plan_name, str) or not plan_name.strip():
        return ""
    text = unicodedata.normalize("NFKC", plan_name)
    if isinstance(municipality, str) and municipality:
        text = text.replace(municipality, "")
    return re.sub(r"[\s「」『』【】()（）・]", "", text)


def plan_of(docs: pd.DataFrame) -> dict[str, str | None]:
    """doc_id → the plan's name as printed (the first report's spelling of each plan key), None if none."""
    spelled: dict[tuple[Any, str], str] = {}
    out: dict[str, str | None] = {}
    for d in docs.itertuples(index=False):
        name, city = getattr(d, "plan_name", None), getattr(d, "municipality", None)
        key = plan_key(name, city)
        out[d.doc_id] = spelled.setdefault((city, key), name.strip()) if key else None
    return out


def scale_of(items: pd.DataFrame) -> dict[str, str]:
    """doc_id → the grading scale its achievement was read through (the grade or symbol mapping of
    its legend, e.g. 「S=1, A=1, B=0.7, C=0.25 …」); documents graded only by ratios have none."""
    if items.empty:
        return {}
    graded = items[items["kind"].isin(("grade", "symbol"))].drop_duplicates("doc_id")
    return dict(zip(graded["doc_id"], graded["kind"] + ": " + graded["mapping"].astype(str)))


def split_at_scale_changes(points: list[dict]) -> list[list[dict]]:
    """A series' points (in year order) cut where the scale changes (a point without a scale —
    ungraded, a target only — goes with the line it is in)."""
    segments: list[list[dict]] = [[]]
    current = None
    for p in points:
        scale = p.get("scale")
        if scale is not None and current is not None and scale != current:
            segments.append([])
        if scale is not None:
            current = scale
        segments[-1].append(p)
    return [s for s in segments if s]


def achievement_by_plan(city: str, docs: pd.DataFrame, plans: dict, scales: dict, items: pd.DataFrame,
                        weighted_mean) -> list[dict]:
    """A city's achievement per fiscal year, one line per plan and scale: [{plan, scale, years,
    achievement_by_year}], in year order. `years` are the reports' fiscal years, graded or not."""
    lines: dict[tuple, dict] = {}
    city_docs = docs[docs["municipality"].fillna("(不明)") == city]
    for d in city_docs.sort_values("fiscal_year", na_position="last").itertuples(index=False):
        key = (plans.get(d.doc_id), scales.get(d.doc_id))
        line = lines.setdefault(key, {"plan": key[0], "scale": key[1], "years": [], "achievement_by_year": {},
                                      "doc_ids": []})
        line["doc_ids"].append(d.doc_id)
        if not pd.isna(d.fiscal_year) and int(d.fiscal_year) not in line["years"]:
            line["years"].append(int(d.fiscal_year))
    for line in lines.values():
        mine = items[items["doc_id"].isin(line.pop("doc_ids")) & items["fiscal_year"].notna()]
        for year, g in mine.groupby("fiscal_year"):
            line["achievement_by_year"][int(year)] = weighted_mean(g)
            if int(year) not in line["years"]:
                line["years"].append(int(year))
        line["years"].sort()
    return list(lines.values())


def series_frame(series: list[dict]) -> pd.DataFrame:
    """The compare JSON's `series` as a long table: one row per series × fiscal year × indicator value
    (a year with no value printed: one row, indicator null)."""
    rows = []
    for s in series:
        for p in s["points"]:
            base = {"series_id": s["series_id"], "municipality": s["municipality"], "plan": s.get("plan"),
                    "scale": p.get("scale"), "measure": s["name"], "theme": s.get("theme"),
                    "fiscal_year": p["fiscal_year"], "achievement": p.get("achievement"),
                    "achievement_kind": p.get("achievement_kind"), "direction": p.get("direction"),
                    "doc_id": p.get("doc_id"), "measure_key": p.get("key")}
            for v in p.get("values") or [{}]:
                rows.append({**base, **{k: v.get(k) for k in ("indicator", "target", "actual", "unit", "grade")}})
    frame = pd.DataFrame(rows, columns=list(SERIES_COLUMNS))
    frame["fiscal_year"] = frame["fiscal_year"].astype("Int64")
    for c in ("target", "actual", "achievement"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    return frame
