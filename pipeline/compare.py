"""Compare cities' plans: a city × theme matrix and the same measure followed across years.

`compare_data(tables)` returns one JSON-ready dict (what `hyoka compare --format json` prints
and what the HTML report renders):

- municipalities: names, in the order the documents were read;
- themes: the taxonomy (pipeline/themes.py), その他 last;
- cells: one per municipality × theme — n_measures (distinct measures: one measure printed in
  several places, years or formats counts once, with its latest direction and achievement),
  n_indicators, achievement (mean of the measures' 0–1 achievement, null where nothing is
  graded), n_graded, directions {方向性: count};
- cities: per municipality the same totals, the share of その他 among plan measures, the
  achievement per fiscal year and per document;
- measures: one object per measure row (municipality, doc_id, key, id, name, theme,
  theme_basis, in_plan, direction, achievement and how it was read, series_id);
- series: measures followed across fiscal years (the years of one report's columns, or
  several reports of one city), matched by name, else by number with a similar name;
- scales: every achievement mapping used (grade/symbol → 0–1) and the rule it came from.

Only measures of the industrial-promotion plan (`in_plan`) are counted unless `all_measures`:
a city's whole 事務事業 list (大船渡市) prints 道路, 福祉 … as well; they are listed in
`measures` with in_plan false and the heading that put them outside.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

import pandas as pd

from hyoka.pipeline.achievement import achievement_items, measure_achievement
from hyoka.pipeline.series import achievement_by_plan, plan_of, scale_of, split_at_scale_changes
from hyoka.pipeline.themes import OTHER, THEMES, assign_themes, load_vocabulary

DIRECTION_ORDER = ("拡充", "継続", "改善", "改革改善", "現状維持", "変更し実施", "縮小", "統合", "休止", "廃止", "終了",
                   "終了・廃止・休止", "完了")


def _clean(value: Any) -> Any:
    """JSON-ready: NaN/NA → None, numpy scalars → Python."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        return value.item()
    return value


def _norm_name(name: Any) -> str:
    text = unicodedata.normalize("NFKC", str(name or ""))
    return re.sub(r"[\s「」『』【】()（）・、]", "", text)


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def series_ids(measures: pd.DataFrame, municipality: pd.Series) -> list[str]:
    """An identity per measure row, shared by the rows that are the same measure in one city:
    the same name (spaces and brackets aside), else the same number with a similar name
    (bigram overlap ≥ 0.5 — a measure renamed a little keeps its number, one renumbered keeps its name)."""
    ids: list[str] = []
    by_name: dict[tuple[str, str], str] = {}
    by_number: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for (row, city) in zip(measures.itertuples(index=False), municipality):
        name = _norm_name(row.name)
        sid = by_name.get((city, name))
        number = getattr(row, "id", None)
        if sid is None and isinstance(number, str) and number:
            for other_name, other_sid in by_number.get((city, number), []):
                a, b = _bigrams(name), _bigrams(other_name)
                if len(a & b) / len(a | b) >= 0.5:
                    sid = other_sid
                    break
        if sid is None:
            sid = f"{city}/{name}"
        by_name.setdefault((city, name), sid)
        if isinstance(number, str) and number:
            by_number.setdefault((city, number), []).append((name, sid))
        ids.append(sid)
    return ids


def _mean(values) -> float | None:
    vals = [float(v) for v in values if v is not None and not pd.isna(v)]
    return round(sum(vals) / len(vals), 6) if vals else None


def _directions(values) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in values:
        if isinstance(v, str) and v:
            counts[v] = counts.get(v, 0) + 1
    order = {d: i for i, d in enumerate(DIRECTION_ORDER)}
    return dict(sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def _indicator_counts(tables: dict[str, pd.DataFrame]) -> dict[tuple[str, str], int]:
    """(doc_id, measure key) → distinct indicators: indicator_values' indicators, plus 取組 with a 達成指標."""
    out: dict[tuple[str, str], int] = {}
    iv = tables.get("indicator_values")
    if iv is not None and not iv.empty:
        keys = iv["indicator"].fillna("") if "indicator" in iv else pd.Series("", index=iv.index)
        distinct = pd.DataFrame({"doc_id": iv["doc_id"], "key": iv["measure_key"], "ind": keys}).drop_duplicates()
        for (d, k), n in distinct.groupby(["doc_id", "key"]).size().items():
            out[(d, k)] = out.get((d, k), 0) + int(n)
    actions = tables.get("actions")
    if actions is not None and not actions.empty and "indicator" in actions:
        with_ind = actions[actions["indicator"].fillna("").str.strip() != ""]
        for (d, k), n in with_ind.groupby(["doc_id", "measure_key"]).size().items():
            out[(d, k)] = out.get((d, k), 0) + int(n)
    return out


def compare_data(tables: dict[str, pd.DataFrame], *, all_measures: bool = False, vocabulary=None,
                 nlp=None) -> dict:
    """The comparison of every municipality in `tables` (see the module doc). JSON-ready.

    Themes are the stored ones unless the store predates them, `vocabulary` is given (a user's
    extended vocabulary) or `nlp` is (then they are matched on lemmas)."""
    docs = tables.get("documents", pd.DataFrame())
    measures = tables.get("measures", pd.DataFrame())
    if docs.empty:
        return {"municipalities": [], "themes": list(THEMES), "cells": [], "cities": [], "measures": [],
                "series": [], "scales": [], "documents": []}
    if "theme" not in measures or vocabulary is not None or nlp is not None:
        measures = assign_themes({**tables, "measures": measures}, vocabulary or load_vocabulary(), nlp=nlp)
    doc_info = docs.set_index("doc_id")
    city_of = doc_info["municipality"].fillna("(不明)")
    measures = measures.reset_index(drop=True)
    city = measures["doc_id"].map(city_of).fillna("(不明)")
    items = achievement_items(tables)
    ach = measure_achievement(measures, items)
    indicators = _indicator_counts(tables)
    plans, scales = plan_of(docs), scale_of(items)
    # a measure is one series within one plan of one city (武蔵野市 第二期 and 第三期 are two plans)
    plan = [plans.get(d) for d in measures["doc_id"]]
    sids = series_ids(measures, pd.Series([c if p is None else f"{c}/{p}" for c, p in zip(city, plan)]))
    fy = measures["doc_id"].map(doc_info["fiscal_year"])

    municipalities = list(dict.fromkeys(city_of.tolist()))
    rows = []
    for i, m in enumerate(measures.itertuples(index=False)):
        rows.append({
            "municipality": city.iat[i], "doc_id": m.doc_id, "key": m.key, "id": _clean(getattr(m, "id", None)),
            "name": m.name, "plan": plan[i], "theme": m.theme, "theme_basis": m.theme_basis, "in_plan": bool(m.in_plan),
            "kind": _clean(getattr(m, "kind", None)),
            "heading": _clean(getattr(m, "hierarchy_path", None)),
            "fiscal_year": _clean(fy.iat[i]), "direction": _clean(getattr(m, "direction", None)),
            "n_indicators": indicators.get((m.doc_id, m.key), 0),
            "achievement": _clean(ach["achievement"].iat[i]), "achievement_kind": _clean(ach["achievement_kind"].iat[i]),
            "achievement_year": _clean(ach["achievement_year"].iat[i]),
            "achievement_basis": _clean(ach["achievement_basis"].iat[i]),
            "series_id": sids[i], "src": _clean(getattr(m, "src", None)),
        })
    counted = [r for r in rows if all_measures or r["in_plan"]]

    cells = []
    for c in municipalities:
        for theme in THEMES:
            group = [r for r in counted if r["municipality"] == c and r["theme"] == theme]
            ids = _identities(group)
            graded = [i["achievement"] for i in ids if i["achievement"] is not None]
            cells.append({
                "municipality": c, "theme": theme, "n_measures": len(ids),
                "n_rows": len(group), "n_indicators": sum(i["n_indicators"] for i in ids),
                "achievement": _mean(graded), "n_graded": len(graded),
                "directions": _directions(i["direction"] for i in ids),
            })

    cities = []
    for c in municipalities:
        group = [r for r in counted if r["municipality"] == c]
        plan = [r for r in rows if r["municipality"] == c and r["in_plan"]]
        city_docs = [d for d in docs.itertuples(index=False) if city_of.get(d.doc_id) == c]
        city_items = items[items["doc_id"].isin([d.doc_id for d in city_docs])]
        by_year = {int(year): _year_mean(g)
                   for year, g in city_items[city_items["fiscal_year"].notna()].groupby("fiscal_year")}
        ids = _identities(group)
        cities.append({
            "municipality": c, "n_documents": len(city_docs),
            "n_measures": len(ids), "n_rows": len(group),
            "n_outside_plan": sum(1 for r in rows if r["municipality"] == c and not r["in_plan"]),
            "share_other": round(sum(1 for r in plan if r["theme"] == OTHER) / len(plan), 6) if plan else None,
            "n_indicators": sum(i["n_indicators"] for i in ids),
            "achievement": _mean(i["achievement"] for i in ids),
            "n_graded": sum(i["achievement"] is not None for i in ids),
            "achievement_by_year": by_year,
            "achievement_by_plan": achievement_by_plan(c, docs, plans, scales, items, _year_mean),
            "directions": _directions(i["direction"] for i in ids),
            "themes": {t: n for t in THEMES if (n := len({r["series_id"] for r in group if r["theme"] == t}))},
        })

    return {
        "municipalities": municipalities,
        "themes": list(THEMES),
        "scope": ("all measures" if all_measures else
                  "measures of the industrial-promotion plan only (in_plan); measures of a city's whole 事務事業 "
                  "list outside industry headings are listed with in_plan false and not counted"),
        "cells": cells,
        "cities": cities,
        "documents": [{"doc_id": d.doc_id, "municipality": city_of.get(d.doc_id), "title": _clean(getattr(d, "title", None)),
                       "plan_name": _clean(getattr(d, "plan_name", None)), "kind": _clean(getattr(d, "kind", None)),
                       "fiscal_year": _clean(getattr(d, "fiscal_year", None)),
                       "source_path": _clean(getattr(d, "source_path", None))} for d in docs.itertuples(index=False)],
        "measures": rows,
        "series": _series(rows, items, tables, scales),
        "scales": _scales(items),
    }


def _year_mean(g: pd.DataFrame) -> float:
    """One year's achievement from its items: the weighted mean of the best kind present."""
    best = next((g[g["kind"] == k] for k in ("grade", "symbol", "ratio", "evidence") if (g["kind"] == k).any()))
    return round(float((best["value"] * best["weight"]).sum() / best["weight"].sum()), 6)


def _identities(group: list[dict]) -> list[dict]:
    """One entry per distinct measure (series_id) of `group`: its latest direction and achievement
    (by fiscal year, then printed order) and its most indicators — so a measure printed twice, or
    one report read in two formats, counts once."""
    out: dict[str, dict] = {}
    for r in sorted(group, key=lambda r: (r["fiscal_year"] is None, r["fiscal_year"] or 0)):
        entry = out.setdefault(r["series_id"], {"direction": None, "achievement": None, "n_indicators": 0})
        if r["direction"] is not None:
            entry["direction"] = r["direction"]
        if r["achievement"] is not None:
            entry["achievement"] = r["achievement"]
        entry["n_indicators"] = max(entry["n_indicators"], r["n_indicators"])
    return list(out.values())


def _series(rows: list[dict], items: pd.DataFrame, tables: dict[str, pd.DataFrame], scales: dict) -> list[dict]:
    """Measures seen in two fiscal years or more: per year its achievement, grades and numbers, and
    the plan and scale; a series whose scale changes is cut there (pipeline/series.py)."""
    per_year: dict[str, dict[int, dict]] = {}
    names: dict[str, tuple[str, str]] = {}
    by_key = {(r["doc_id"], r["key"]): r for r in rows if r["in_plan"]}
    iv = tables.get("indicator_values", pd.DataFrame())
    values: dict[tuple[str, str, int], list[dict]] = {}
    years_of: dict[tuple[str, str], set[int]] = {}
    if not iv.empty:
        wanted = iv[iv["fiscal_year"].notna() & pd.Series(list(zip(iv["doc_id"], iv["measure_key"])),
                                                           index=iv.index).isin(set(by_key))]
        columns = ["doc_id", "measure_key", "fiscal_year", "indicator", "target", "actual", "unit", "grade"]
        for v in wanted.reindex(columns=columns).astype(object).where(wanted.reindex(columns=columns).notna(), None) \
                .to_dict("records"):
            key = (v["doc_id"], v["measure_key"], int(v["fiscal_year"]))
            values.setdefault(key, []).append({c: _clean(v[c]) for c in ("indicator", "target", "actual", "unit", "grade")})
            years_of.setdefault(key[:2], set()).add(key[2])
    item_years = {}
    if not items.empty:
        keyed = items[items["measure_key"].notna() & items["fiscal_year"].notna()]
        for (d, k, y), g in keyed.groupby(["doc_id", "measure_key", "fiscal_year"]):
            best = next(g[g["kind"] == kind] for kind in ("grade", "ratio", "evidence") if (g["kind"] == kind).any())
            item_years[(d, k, int(y))] = (round(float((best["value"] * best["weight"]).sum() / best["weight"].sum()), 6),
                                          best["kind"].iat[0])
            years_of.setdefault((d, k), set()).add(int(y))
    for (d, k), r in by_key.items():
        years = set(years_of.get((d, k), ()))
        if r["fiscal_year"] is not None:
            years.add(int(r["fiscal_year"]))
        for y in years:
            point = per_year.setdefault(r["series_id"], {}).get(y)
            ach = item_years.get((d, k, y))
            if point is None or (point["achievement"] is None and ach):
                per_year[r["series_id"]][y] = {
                    "fiscal_year": y, "doc_id": d, "key": k, "id": r["id"], "name": r["name"],
                    "achievement": ach[0] if ach else (r["achievement"] if r["achievement_year"] == y else None),
                    "achievement_kind": ach[1] if ach else (r["achievement_kind"] if r["achievement_year"] == y else None),
                    "direction": r["direction"] if r["fiscal_year"] == y else None,
                    "scale": scales.get(d), "values": values.get((d, k, y), []),
                }
        names.setdefault(r["series_id"], (r["municipality"], r["name"]))
    first_row: dict[str, dict] = {}
    for r in rows:
        if r["in_plan"]:
            first_row.setdefault(r["series_id"], r)
    out = []
    for sid, points in per_year.items():
        first = first_row[sid]
        for n, segment in enumerate(split_at_scale_changes([points[y] for y in sorted(points)])):
            if len(segment) < 2:
                continue
            out.append({"series_id": sid if not n else f"{sid}#{n + 1}", "municipality": first["municipality"],
                        "plan": first["plan"], "name": names[sid][1], "theme": first["theme"],
                        "scale": next((p["scale"] for p in segment if p["scale"]), None), "points": segment})
    return out


def _scales(items: pd.DataFrame) -> list[dict]:
    if items.empty:
        return []
    first = items.drop_duplicates(["doc_id", "kind", "rule"])
    return [{"doc_id": r.doc_id, "kind": r.kind, "mapping": r.mapping, "rule": r.rule}
            for r in first.itertuples(index=False) if r.kind in ("grade", "symbol", "ratio")]


# --- plain renderings ---------------------------------------------------------------------------------

def matrix_frame(data: dict, value: str = "n_measures") -> pd.DataFrame:
    """municipality × theme of one cell value (n_measures, achievement …)."""
    frame = pd.DataFrame(data["cells"])
    if frame.empty:
        return frame
    return frame.pivot(index="municipality", columns="theme", values=value).reindex(
        index=data["municipalities"], columns=data["themes"])


def cells_csv(data: dict) -> str:
    """One line per municipality × theme (directions as 「拡充:3;継続:17」)."""
    frame = pd.DataFrame(data["cells"])
    if frame.empty:
        return "municipality,theme,n_measures,n_indicators,achievement,n_graded,directions\n"
    frame["directions"] = frame["directions"].map(lambda d: ";".join(f"{k}:{v}" for k, v in d.items()))
    return frame[["municipality", "theme", "n_measures", "n_indicators", "achievement", "n_graded",
                  "directions"]].to_csv(index=False)
