"""The compare object, read defensively for the comparison page: cells, measures, series, extras.

Helpers of pipeline/html_compare.py. Nothing here requires a key: a missing or malformed part of
the data is missing on the page ("—"), not guessed. One definition of a city's count of measures
is used everywhere on the page (`measure_identity`): the `series_id` compare gives a measure (one
measure printed in several places, years or formats is one), else its municipality and name.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from hyoka.pipeline.html_format import achievement_colour, as_float, as_int, natural_key, pct, year
from hyoka.pipeline.messages_ja import COLUMN_LABELS, compare_words_ja

MEASURE_COLUMNS = (("name", "施策名"), ("id", "番号"), ("theme", "テーマ"), ("fiscal_year", "年度"),
                    ("achievement", "達成度"), ("direction", "方向性"), ("theme_basis", "テーマの根拠"),
                    ("achievement_basis", "達成度の根拠"), ("src", "出典"))
ALWAYS_SHOWN = {"name", "theme", "fiscal_year", "achievement", "direction"}
KNOWN_KEYS = {"municipalities", "themes", "cells", "measures", "cities"}
_SERIES_LISTS = ("years", "points")  # a series row's per-year list, as either name
_EXTRA_TITLES = {"documents": "文書", "scales": "達成度の換算（凡例 → 0〜1）", "scope": "対象範囲",
                 "series": "年度をまたいだ施策"}


@dataclass
class Cell:
    municipality: str
    theme: str
    n_measures: int = 0
    n_indicators: int = 0
    achievement: float | None = None
    directions: dict[str, int] = field(default_factory=dict)
    n_graded: int | None = None

    @property
    def colour(self) -> str:
        return achievement_colour(self.achievement) if self.n_measures or self.achievement is not None else "#ffffff"

    @property
    def title(self) -> str:
        parts = [f"{self.municipality} × {self.theme}", f"施策 {self.n_measures}", f"指標 {self.n_indicators}",
                 f"達成度 {pct(self.achievement)}"]
        if self.n_graded is not None:
            parts.append(f"評価 {self.n_graded} 件")
        if self.directions:
            parts.append("方向性 " + "、".join(f"{k} {v}" for k, v in self.directions.items()))
        return " / ".join(parts)


def mapping_list(value: Any) -> list[Mapping]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def names_of(value: Any) -> list[str]:
    return [str(v) for v in value if v is not None and str(v).strip()] if isinstance(value, list) else []


def direction_counts(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): as_int(v) for k, v in value.items() if as_int(v) > 0}


def series_points(row: Mapping) -> list[Mapping]:
    return next((mapping_list(row[k]) for k in _SERIES_LISTS if isinstance(row.get(k), list)), [])


def is_series(rows: list[Mapping]) -> bool:
    return any(isinstance(r.get(k), list) for r in rows for k in _SERIES_LISTS)


def series_key(data: Mapping) -> str | None:
    """The key holding measures followed across years: a list of objects with a `years` (or `points`) list."""
    for key in ("series", "time_series", "measure_series"):
        if is_series(mapping_list(data.get(key))):
            return key
    return next((k for k, v in data.items() if k not in KNOWN_KEYS and is_series(mapping_list(v))), None)


def year_points(points: Iterable[Mapping]) -> list[tuple[str, float | None]]:
    """(fiscal year, achievement) in year order."""
    out = []
    for p in points:
        fy = p.get("fiscal_year", p.get("year"))
        if fy is not None:
            out.append((str(fy), as_float(p.get("achievement"))))
    return sorted(out, key=lambda p: natural_key(p[0]))


def series_changes(series_rows: list[Mapping]) -> list[dict]:
    """Measures whose achievement moved between their first and last graded year, largest moves first."""
    out = []
    for row in series_rows:
        pts = [(fy, a) for fy, a in year_points(series_points(row)) if a is not None]
        if len(pts) >= 2 and pts[-1][1] != pts[0][1]:
            out.append({"municipality": str(row.get("municipality") or "—"), "name": str(row.get("name") or "—"),
                        "from_year": pts[0][0], "to_year": pts[-1][0], "before": pts[0][1], "after": pts[-1][1],
                        "delta": pts[-1][1] - pts[0][1]})
    return sorted(out, key=lambda c: -abs(c["delta"]))


def year_means(city: Mapping, series: list[Mapping], measures: list[Mapping]) -> list[tuple[str, float]]:
    """A city's mean achievement per fiscal year: as the data states it (cities[].achievement_by_year),
    else averaged over its series points, else over its measures' own years."""
    stated = city.get("achievement_by_year")
    if isinstance(stated, Mapping):
        pts = [(str(fy), as_float(a)) for fy, a in stated.items()]
        return sorted(((fy, a) for fy, a in pts if a is not None), key=lambda p: natural_key(p[0]))
    by_year: dict[str, list[float]] = defaultdict(list)
    for row in series:
        for fy, a in year_points(series_points(row)):
            if a is not None:
                by_year[fy].append(a)
    if not by_year:
        for fy, a in year_points(measures):
            if a is not None:
                by_year[fy].append(a)
    return [(fy, sum(v) / len(v)) for fy, v in sorted(by_year.items(), key=lambda kv: natural_key(kv[0]))]


def _row_identity(m: Mapping) -> tuple:
    return tuple(str(m.get(k)) for k in ("municipality", "name", "id", "fiscal_year", "theme", "achievement",
                                         "direction"))


def one_copy_per_report(rows: list[Mapping]) -> tuple[list[Mapping], int]:
    """Rows of documents that list exactly the same measures as an earlier document left out (the txt,
    docx and pdf of one report); rows within a document are never merged. → (rows kept, rows left out)."""
    by_doc: dict[str, list[Mapping]] = defaultdict(list)
    for m in rows:
        by_doc[str(m.get("doc_id"))].append(m)
    seen, kept, dropped = set(), [], 0
    for doc_rows in by_doc.values():
        signature = tuple(_row_identity(m) for m in doc_rows)
        if signature in seen:
            dropped += len(doc_rows)
        else:
            seen.add(signature)
            kept.extend(doc_rows)
    return kept, dropped


def extra_tables(data: Mapping, skip: set[str]) -> list[dict]:
    """Other list-of-object keys, shown as they are (scalar fields only) so nothing sent is lost."""
    tables = []
    for key, value in data.items():
        rows = mapping_list(value)
        if key in KNOWN_KEYS or key in skip or not rows:
            continue
        columns = list(dict.fromkeys(k for r in rows for k, v in r.items() if not isinstance(v, (list, dict))))
        tables.append({"key": str(key), "title": _EXTRA_TITLES.get(str(key), str(key)),
                       "columns": [COLUMN_LABELS.get(c, c) for c in columns],
                       "rows": [[_cell_text(c, r.get(c)) for c in columns] for r in rows]})
    return tables


def _cell_text(column: str, value: Any) -> Any:
    """A value of an extra table as a person reads it: years as years, the compare object's words in Japanese."""
    return year(value) if column == "fiscal_year" else compare_words_ja(value)


def extra_values(data: Mapping) -> list[tuple[str, str]]:
    return [(_EXTRA_TITLES.get(str(k), str(k)), str(compare_words_ja(v))) for k, v in data.items()
            if k not in KNOWN_KEYS and not isinstance(v, (list, dict)) and v is not None]


def make_cells(cells_in: list[Mapping], measures_in: list[Mapping]) -> dict[tuple[str, str], Cell]:
    cells: dict[tuple[str, str], Cell] = {}
    for r in cells_in:
        if r.get("municipality") is None or r.get("theme") is None:
            continue
        key = (str(r["municipality"]), str(r["theme"]))
        cells[key] = Cell(*key, as_int(r.get("n_measures")), as_int(r.get("n_indicators")),
                          as_float(r.get("achievement")), direction_counts(r.get("directions")),
                          as_int(r["n_graded"]) if r.get("n_graded") is not None else None)
    # a city the cells do not cover (none sent, or a document whose city was not found): its
    # measures themselves are counted (those of the plan, once each)
    covered = {c for c, _t in cells}
    graded: dict[tuple[str, str], list[float]] = defaultdict(list)
    counted: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in one_copy_per_report(measures_in)[0]:
        if r.get("municipality") is None or r.get("theme") is None or r.get("in_plan") is False \
                or str(r["municipality"]) in covered:
            continue
        key = (str(r["municipality"]), str(r["theme"]))
        cell = cells.setdefault(key, Cell(*key))
        if measure_identity(r) in counted[key]:
            continue  # one measure printed again (another year, another place): counted once
        counted[key].add(measure_identity(r))
        cell.n_measures += 1
        cell.n_indicators += as_int(r.get("n_indicators"))
        if r.get("direction"):
            cell.directions[str(r["direction"])] = cell.directions.get(str(r["direction"]), 0) + 1
        if as_float(r.get("achievement")) is not None:
            graded[key].append(as_float(r["achievement"]))
    for key in graded.keys() | counted.keys():
        cell = cells[key]
        cell.achievement = sum(graded[key]) / len(graded[key]) if graded[key] else None
        cell.n_graded = len(graded[key])
    return cells




# --- one count per city: distinct measures ------------------------------------------------------

def _plain(text: Any) -> str:
    return re.sub(r"[\s「」『』【】()（）・、]", "", unicodedata.normalize("NFKC", str(text or "")))


def measure_identity(m: Mapping) -> str:
    """The measure a row is: compare's `series_id`, else its municipality and name (spaces, brackets aside)."""
    sid = m.get("series_id")
    return str(sid) if sid else f"{m.get('municipality')}/{_plain(m.get('name'))}"


@dataclass
class DistinctMeasure:
    """One measure of a city, however many rows print it: its latest row, and how many rows there are."""

    row: Mapping
    n_rows: int


def distinct_measures(rows: list[Mapping]) -> list[DistinctMeasure]:
    """One entry per measure identity, in first-printed order; the row shown is the latest year's."""
    groups: dict[str, list[Mapping]] = {}
    for r in rows:
        groups.setdefault(measure_identity(r), []).append(r)
    out = []
    for group in groups.values():
        latest = max(group, key=lambda r: (as_float(r.get("fiscal_year")) or 0, as_float(r.get("achievement")) is not None))
        out.append(DistinctMeasure(latest, len(group)))
    return out


def folded_groups(items: list, key, order: list[str] | None = None) -> list[dict]:
    """Items grouped for <details>: [{"label", "n", "rows"}], in `order`, then as first met."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    rank = {k: i for i, k in enumerate(order or [])}
    labels = sorted(groups, key=lambda k: (rank.get(k, len(rank)), list(groups).index(k)))
    return [{"label": k, "n": len(groups[k]), "rows": groups[k]} for k in labels]


# --- cities not found: one per document ------------------------------------------------------------

UNKNOWN_NAMES = {"", "(不明)", "（不明）", "不明", "None"}


def is_unknown(city: Any) -> bool:
    return city is None or str(city).strip() in UNKNOWN_NAMES


def split_unknown(data: Mapping) -> tuple[dict, list[dict]]:
    """The data with each document whose city was not found as a place of its own (「自治体不明: file」),
    never pooled into one row; and those documents [{"label", "doc_id", "file", "title", "n_rows"}]."""
    docs = mapping_list(data.get("documents"))
    label_of: dict[str, str] = {}
    unknown_docs = []
    for d in docs:
        if is_unknown(d.get("municipality")) and d.get("doc_id") is not None:
            file = str(d.get("source_path") or d["doc_id"]).replace("\\", "/").rsplit("/", 1)[-1]
            label_of[str(d["doc_id"])] = f"自治体不明: {file}"
            unknown_docs.append({"doc_id": str(d["doc_id"]), "file": file, "title": d.get("title") or "",
                                 "label": label_of[str(d["doc_id"])]})
    measures = []
    for m in mapping_list(data.get("measures")):
        if is_unknown(m.get("municipality")):
            doc = str(m.get("doc_id"))
            label = label_of.setdefault(doc, f"自治体不明: 文書 {doc}")
            m = {**m, "municipality": label}
            if not any(u["doc_id"] == doc for u in unknown_docs):
                unknown_docs.append({"doc_id": doc, "file": "", "title": "", "label": label})
        measures.append(m)
    if not label_of and not any(is_unknown(c.get("municipality")) for c in mapping_list(data.get("cells"))):
        return dict(data), []
    for u in unknown_docs:
        u["n_rows"] = sum(1 for m in measures if m["municipality"] == u["label"])
    out = dict(data)
    out["measures"] = measures
    # pooled figures of the unknown row are dropped: the page counts each document's own measures
    out["cells"] = [c for c in mapping_list(data.get("cells")) if not is_unknown(c.get("municipality"))]
    out["cities"] = [c for c in mapping_list(data.get("cities")) if not is_unknown(c.get("municipality"))]
    out["series"] = [r for r in mapping_list(data.get("series")) if not is_unknown(r.get("municipality"))]
    # a row per document that has measures; those without (nothing read, or not a report) are only listed
    rows = [u["label"] for u in unknown_docs if u["n_rows"]]
    names = []
    for c in names_of(data.get("municipalities")) or [""]:
        names += rows if is_unknown(c) else [c]
    out["municipalities"] = list(dict.fromkeys(names + rows))
    return out, unknown_docs
