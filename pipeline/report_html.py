"""Pages people read: the city × theme comparison and the audit report as self-contained HTML.

One file per page, nothing fetched when it is viewed: the CSS is inline, the charts are SVG drawn
here (server side) and there is no script at all; a Content-Security-Policy of `default-src 'none'`
makes the browser refuse anything else. Pages are rendered with jinja2 from pipeline/templates/ with
autoescaping on, since every name and number on them is the reports' own (untrusted) text.

    render_compare(data) -> str   data: the `hyoka compare --format json` object
    render_audit(findings) -> str findings: hyoka.pipeline.audit.Finding list

Both are in Japanese, headline first, details folded in <details>. They never require a key: a
missing or malformed part of `data` is shown as missing ("—"), not guessed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

import jinja2

from hyoka.pipeline.series_charts import target_actual_svg

# The fixed taxonomy of issue #9 (the order the matrix shows).
THEMES = (
    "創業・起業", "事業承継", "商業・商店街", "観光", "農林水産業", "工業・ものづくり", "デジタル・DX", "雇用・人材",
    "産学官連携", "魅力発信・ブランド", "経営支援・金融", "環境・エネルギー", "まちづくり・地域", "その他",
)

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every template, whatever its name: the data is the documents' text
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the tests, not the page
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = pct
    env.filters["num"] = num
    env.filters["target_actual_svg"] = target_actual_svg  # pipeline/series_charts.py (wt-data)
    return env


# --- small formatting helpers (also used as template filters) -------------------------------------

def natural_key(text: Any) -> tuple:
    """Sort key that reads numbers as numbers: 目標1 < 目標3 < 目標10, L9 < L38 < L101, p2 T0 r3 < p10 T0 r1.

    Full-width digits count as digits (NFKC); numbers sort before words at the same place.
    """
    s = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", s) if part)


def pct(value: Any) -> str:
    """0.857 → "86%"; missing or not a number → "—"."""
    x = as_float(value)
    return "—" if x is None else f"{x * 100:.0f}%"


def num(value: Any) -> str:
    """A count or measured number as printed: 2442 → "2,442", 0.5 → "0.5", None → ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def as_float(value: Any) -> float | None:
    """A number from JSON-ish data, or None (null, NaN, text that is not a number)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) or math.isinf(x) else x


def as_int(value: Any) -> int:
    x = as_float(value)
    return int(x) if x is not None else 0


# Achievement 0 → red, ½ → amber, 1 → green (light enough for black text); no grade → grey.
_STOPS = ((0.0, (0xF2, 0x8B, 0x82)), (0.5, (0xFD, 0xD6, 0x63)), (1.0, (0x81, 0xC9, 0x95)))
NO_GRADE = "#e5e7eb"


def achievement_colour(value: Any) -> str:
    """Heat-map colour of an achievement (0–1; values outside are drawn at the nearest end)."""
    x = as_float(value)
    if x is None:
        return NO_GRADE
    x = min(1.0, max(0.0, x))
    for (x0, c0), (x1, c1) in zip(_STOPS, _STOPS[1:]):
        if x <= x1:
            t = (x - x0) / (x1 - x0)
            return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(c0, c1))
    return "#" + "".join(f"{c:02x}" for c in _STOPS[-1][1])


# Direction labels people know, in a fixed colour; others get grey shades in order.
_DIRECTION_COLOURS = {
    "拡充": "#2e7d32", "拡大": "#2e7d32", "継続": "#1565c0", "現状維持": "#1565c0", "改革改善": "#6a1b9a",
    "変更": "#6a1b9a", "変更し実施": "#6a1b9a", "見直し": "#6a1b9a", "縮小": "#ef6c00", "廃止": "#c62828",
    "休止": "#c62828", "終了": "#757575", "完了": "#757575", "終了・廃止・休止": "#c62828",
}
_OTHER_COLOURS = ("#9e9e9e", "#78909c", "#a1887f", "#90a4ae", "#bcaaa4")


def direction_colour(label: str, index: int = 0) -> str:
    return _DIRECTION_COLOURS.get(label, _OTHER_COLOURS[index % len(_OTHER_COLOURS)])


# --- SVG charts: geometry computed here, drawn by templates/charts.html.j2 ------------------------

@dataclass
class Bar:
    label: str
    x: float
    y: float
    width: float
    height: float
    fill: str
    value_text: str
    title: str = ""


@dataclass
class BarChart:
    """Horizontal bars, one row per label, with the value written after the bar."""

    width: int
    height: int
    label_width: int
    bars: list[Bar]
    caption: str = ""


@dataclass
class Segment:
    label: str
    count: int
    x: float
    width: float
    fill: str


@dataclass
class StackedBar:
    width: int
    height: int
    segments: list[Segment]
    total: int
    caption: str = ""


@dataclass
class LinePoint:
    x: float
    y: float
    label: str
    value_text: str


@dataclass
class LineChart:
    width: int
    height: int
    points: list[LinePoint]
    path: str  # the polyline's points attribute
    gridlines: list[tuple[float, str]]  # (y, label)
    baseline_y: float
    caption: str = ""


def bar_chart(rows: list[tuple[str, float, str, str, str]], *, scale_max: float, width: int = 560,
              label_width: int = 150, row_height: int = 22, caption: str = "") -> BarChart:
    """rows: (label, value, fill, value_text, title); the longest bar is `scale_max`."""
    plot = width - label_width - 90
    bars = []
    for i, (label, value, fill, text, title) in enumerate(rows):
        w = 0.0 if scale_max <= 0 else max(0.0, value) / scale_max * plot
        bars.append(Bar(label, label_width, 6 + i * row_height, round(max(w, 2.0 if value > 0 else 0.0), 1),
                        row_height - 6, fill, text, title))
    return BarChart(width, 12 + max(1, len(rows)) * row_height, label_width, bars, caption)


def stacked_bar(counts: Mapping[str, int], *, width: int = 560, height: int = 26, caption: str = "") -> StackedBar:
    total = sum(counts.values())
    segments, x = [], 0.0
    for i, (label, n) in enumerate(counts.items()):
        w = 0.0 if total == 0 else n / total * width
        segments.append(Segment(label, n, round(x, 1), round(w, 1), direction_colour(label, i)))
        x += w
    return StackedBar(width, height, segments, total, caption)


def line_chart(series: list[tuple[str, float]], *, width: int = 560, height: int = 170, caption: str = "") -> LineChart:
    """Points (label, achievement 0–1) evenly spaced left to right, y from 0 % to 100 %."""
    left, right, top, bottom = 44, 20, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(series) - 1)
    points = []
    for i, (label, value) in enumerate(series):
        v = min(1.0, max(0.0, value))
        x = left + (i * step if len(series) > 1 else plot_w / 2)
        points.append(LinePoint(round(x, 1), round(top + (1 - v) * plot_h, 1), label, pct(value)))
    grid = [(round(top + (1 - g) * plot_h, 1), f"{g * 100:.0f}%") for g in (0.0, 0.5, 1.0)]
    return LineChart(width, height, points, " ".join(f"{p.x},{p.y}" for p in points), grid, top + plot_h, caption)


# --- the comparison page ------------------------------------------------------------------------

# measure columns shown when some measure has them (the JSON has every key; the page the useful ones)
_MEASURE_COLUMNS = (("name", "施策名"), ("id", "番号"), ("theme", "テーマ"), ("fiscal_year", "年度"),
                    ("achievement", "達成度"), ("direction", "方向性"), ("theme_basis", "テーマの根拠"),
                    ("achievement_basis", "達成度の根拠"), ("src", "出典"))
_ALWAYS_SHOWN = {"name", "theme", "fiscal_year", "achievement", "direction"}
_KNOWN_KEYS = {"municipalities", "themes", "cells", "measures", "cities"}
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


@dataclass
class CitySection:
    name: str
    anchor: str
    n_measures: int
    n_indicators: int
    achievement: float | None
    n_graded: int | None  # measures with an achievement, where the data says
    top_theme: str | None
    theme_chart: BarChart
    direction_chart: StackedBar | None
    year_chart: LineChart | None
    measures: list[dict]  # the city's measures (one report given in several formats: once)
    n_duplicates: int  # rows left out of `measures` as repeats
    outside: list[dict]  # measures outside the compared plan (in_plan false), not counted
    series: list[dict]
    notes: list[str]


def _mapping_list(value: Any) -> list[Mapping]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _names(value: Any) -> list[str]:
    return [str(v) for v in value if v is not None and str(v).strip()] if isinstance(value, list) else []


def _directions(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): as_int(v) for k, v in value.items() if as_int(v) > 0}


def _series_points(row: Mapping) -> list[Mapping]:
    return next((_mapping_list(row[k]) for k in _SERIES_LISTS if isinstance(row.get(k), list)), [])


def _is_series(rows: list[Mapping]) -> bool:
    return any(isinstance(r.get(k), list) for r in rows for k in _SERIES_LISTS)


def _series_key(data: Mapping) -> str | None:
    """The key holding measures followed across years: a list of objects with a `years` (or `points`) list."""
    for key in ("series", "time_series", "measure_series"):
        if _is_series(_mapping_list(data.get(key))):
            return key
    return next((k for k, v in data.items() if k not in _KNOWN_KEYS and _is_series(_mapping_list(v))), None)


def _year_points(points: Iterable[Mapping]) -> list[tuple[str, float | None]]:
    """(fiscal year, achievement) in year order."""
    out = []
    for p in points:
        fy = p.get("fiscal_year", p.get("year"))
        if fy is not None:
            out.append((str(fy), as_float(p.get("achievement"))))
    return sorted(out, key=lambda p: natural_key(p[0]))


def _fiscal_label(fy: Any) -> str:
    """2025 → "2025年度"; anything else as given."""
    x = as_float(fy)
    return f"{int(x)}年度" if x is not None and x.is_integer() and 1900 < x < 2200 else str(fy)


def _changes(series_rows: list[Mapping]) -> list[dict]:
    """Measures whose achievement moved between their first and last graded year, largest moves first."""
    out = []
    for row in series_rows:
        pts = [(fy, a) for fy, a in _year_points(_series_points(row)) if a is not None]
        if len(pts) >= 2 and pts[-1][1] != pts[0][1]:
            out.append({"municipality": str(row.get("municipality") or "—"), "name": str(row.get("name") or "—"),
                        "from_year": pts[0][0], "to_year": pts[-1][0], "before": pts[0][1], "after": pts[-1][1],
                        "delta": pts[-1][1] - pts[0][1]})
    return sorted(out, key=lambda c: -abs(c["delta"]))


def _year_means(city: Mapping, series: list[Mapping], measures: list[Mapping]) -> list[tuple[str, float]]:
    """A city's mean achievement per fiscal year: as the data states it (cities[].achievement_by_year),
    else averaged over its series points, else over its measures' own years."""
    stated = city.get("achievement_by_year")
    if isinstance(stated, Mapping):
        pts = [(str(fy), as_float(a)) for fy, a in stated.items()]
        return sorted(((fy, a) for fy, a in pts if a is not None), key=lambda p: natural_key(p[0]))
    by_year: dict[str, list[float]] = defaultdict(list)
    for row in series:
        for fy, a in _year_points(_series_points(row)):
            if a is not None:
                by_year[fy].append(a)
    if not by_year:
        for fy, a in _year_points(measures):
            if a is not None:
                by_year[fy].append(a)
    return [(fy, sum(v) / len(v)) for fy, v in sorted(by_year.items(), key=lambda kv: natural_key(kv[0]))]


def _measure_identity(m: Mapping) -> tuple:
    return tuple(str(m.get(k)) for k in ("municipality", "name", "id", "fiscal_year", "theme", "achievement",
                                         "direction"))


def _one_copy_per_report(rows: list[Mapping]) -> tuple[list[Mapping], int]:
    """Rows of documents that list exactly the same measures as an earlier document left out (the txt,
    docx and pdf of one report); rows within a document are never merged. → (rows kept, rows left out)."""
    by_doc: dict[str, list[Mapping]] = defaultdict(list)
    for m in rows:
        by_doc[str(m.get("doc_id"))].append(m)
    seen, kept, dropped = set(), [], 0
    for doc_rows in by_doc.values():
        signature = tuple(_measure_identity(m) for m in doc_rows)
        if signature in seen:
            dropped += len(doc_rows)
        else:
            seen.add(signature)
            kept.extend(doc_rows)
    return kept, dropped


def _extra_tables(data: Mapping, skip: set[str]) -> list[dict]:
    """Other list-of-object keys, shown as they are (scalar fields only) so nothing sent is lost."""
    tables = []
    for key, value in data.items():
        rows = _mapping_list(value)
        if key in _KNOWN_KEYS or key in skip or not rows:
            continue
        columns = list(dict.fromkeys(k for r in rows for k, v in r.items() if not isinstance(v, (list, dict))))
        tables.append({"key": str(key), "title": _EXTRA_TITLES.get(str(key), str(key)), "columns": columns,
                       "rows": [[r.get(c) for c in columns] for r in rows]})
    return tables


def _extra_values(data: Mapping) -> list[tuple[str, str]]:
    return [(_EXTRA_TITLES.get(str(k), str(k)), str(v)) for k, v in data.items()
            if k not in _KNOWN_KEYS and not isinstance(v, (list, dict)) and v is not None]


def _cells(cells_in: list[Mapping], measures_in: list[Mapping]) -> dict[tuple[str, str], Cell]:
    cells: dict[tuple[str, str], Cell] = {}
    for r in cells_in:
        if r.get("municipality") is None or r.get("theme") is None:
            continue
        key = (str(r["municipality"]), str(r["theme"]))
        cells[key] = Cell(*key, as_int(r.get("n_measures")), as_int(r.get("n_indicators")),
                          as_float(r.get("achievement")), _directions(r.get("directions")),
                          as_int(r["n_graded"]) if r.get("n_graded") is not None else None)
    if cells_in or not measures_in:
        return cells
    # no cells sent: count the measures themselves (those of the plan, once each)
    graded: dict[tuple[str, str], list[float]] = defaultdict(list)
    for r in _one_copy_per_report(measures_in)[0]:
        if r.get("municipality") is None or r.get("theme") is None or r.get("in_plan") is False:
            continue
        key = (str(r["municipality"]), str(r["theme"]))
        cell = cells.setdefault(key, Cell(*key))
        cell.n_measures += 1
        cell.n_indicators += as_int(r.get("n_indicators"))
        if r.get("direction"):
            cell.directions[str(r["direction"])] = cell.directions.get(str(r["direction"]), 0) + 1
        if as_float(r.get("achievement")) is not None:
            graded[key].append(as_float(r["achievement"]))
    for key, cell in cells.items():
        cell.achievement = sum(graded[key]) / len(graded[key]) if graded[key] else None
        cell.n_graded = len(graded[key])
    return cells


def compare_context(data: Mapping | None) -> dict:
    """Everything the comparison template shows, worked out from the compare object."""
    data = data if isinstance(data, Mapping) else {}
    cells_in = _mapping_list(data.get("cells"))
    measures_in = _mapping_list(data.get("measures"))
    cities_in = {str(c["municipality"]): c for c in _mapping_list(data.get("cities")) if c.get("municipality")}
    series_key = _series_key(data)
    series_in = _mapping_list(data.get(series_key)) if series_key else []

    # every city and theme named anywhere, in the order given, then as first met
    cities = list(dict.fromkeys(
        _names(data.get("municipalities")) + list(cities_in)
        + [str(r["municipality"]) for r in cells_in + measures_in + series_in if r.get("municipality") is not None]))
    themes = _names(data.get("themes")) or list(THEMES)
    themes = list(dict.fromkeys(themes + [str(r["theme"]) for r in cells_in + measures_in
                                          if r.get("theme") is not None]))
    cells = _cells(cells_in, measures_in)
    matrix = [[cells.get((c, t), Cell(c, t)) for t in themes] for c in cities]
    theme_rank = {t: i for i, t in enumerate(themes)}

    sections = []
    for i, city in enumerate(cities):
        row = [cell for cell in matrix[i] if cell.n_measures or cell.achievement is not None]
        stated = cities_in.get(city, {})
        all_rows = [m for m in measures_in if str(m.get("municipality")) == city]
        in_plan = [m for m in all_rows if m.get("in_plan") is not False]
        unique, n_duplicates = _one_copy_per_report(in_plan)
        graded_ids = {m.get("series_id") or m.get("name") for m in unique if as_float(m.get("achievement")) is not None}
        if "achievement" in stated:  # the data's own figure, null included
            overall = as_float(stated.get("achievement"))
        elif graded_ids:
            values = [as_float(m["achievement"]) for m in unique if as_float(m.get("achievement")) is not None]
            overall = sum(values) / len(values)
        else:  # the cells' means weighted by their measures
            weighted = [(c.achievement, max(1, c.n_measures)) for c in row if c.achievement is not None]
            total = sum(w for _, w in weighted)
            overall = sum(a * w for a, w in weighted) / total if total else None
        n_graded = len(graded_ids) if any("achievement" in m for m in unique) else None
        directions: Counter = Counter()
        for cell in row:
            directions.update(cell.directions)
        top = max(row, key=lambda c: c.n_measures, default=None)
        theme_rows = [(c.theme, float(c.n_measures), achievement_colour(c.achievement) if c.achievement is not None
                       else NO_GRADE, f"{c.n_measures}件・{pct(c.achievement)}", c.title) for c in row]
        city_series = [s for s in series_in if str(s.get("municipality")) == city]
        year_means = _year_means(stated, city_series, unique)
        notes = []
        if as_int(stated.get("n_outside_plan")):
            notes.append(f"計画の対象外として数えていない施策 {as_int(stated['n_outside_plan'])} 件")
        if as_float(stated.get("share_other")) is not None:
            notes.append(f"「その他」の割合 {pct(stated['share_other'])}")
        if as_int(stated.get("n_documents")) > 1:
            notes.append(f"文書 {as_int(stated['n_documents'])} 件から")
        sections.append(CitySection(
            name=city, anchor=f"city-{i}", n_measures=sum(c.n_measures for c in row),
            n_indicators=sum(c.n_indicators for c in row), achievement=overall, n_graded=n_graded,
            top_theme=top.theme if top and top.n_measures else None,
            theme_chart=bar_chart(theme_rows, scale_max=max((c.n_measures for c in row), default=0),
                                  caption=f"{city}: テーマ別の施策数と達成度"),
            direction_chart=stacked_bar(dict(directions.most_common()), caption=f"{city}: 方向性")
            if directions else None,
            year_chart=line_chart([(_fiscal_label(fy), a) for fy, a in year_means],
                                  caption=f"{city}: 年度別の平均達成度") if len(year_means) >= 2 else None,
            measures=sorted(unique, key=lambda m: (theme_rank.get(str(m.get("theme")), len(themes)),
                                                   natural_key(m.get("id")), natural_key(m.get("fiscal_year")))),
            n_duplicates=n_duplicates,
            outside=[m for m in all_rows if m.get("in_plan") is False],
            series=city_series, notes=notes,
        ))

    shown = {k for m in measures_in for k, v in m.items() if v is not None and v != ""}
    measure_columns = [(k, label) for k, label in _MEASURE_COLUMNS if k in _ALWAYS_SHOWN or k in shown]
    changes = _changes(series_in)
    return {
        "cities": cities, "themes": themes, "matrix": matrix, "sections": sections,
        "headline": _headline(cities, themes, cells, sections, changes),
        "measure_columns": measure_columns,
        "legend": [(f"{g * 100:.0f}%", achievement_colour(g)) for g in (0, 0.25, 0.5, 0.75, 1)],
        "no_grade": NO_GRADE, "n_measures": sum(s.n_measures for s in sections),
        "extra_tables": _extra_tables(data, {series_key} if series_key else set()),
        "extra_values": _extra_values(data), "has_data": bool(cities),
    }


def _join(names: list[str]) -> str:
    return "・".join(names)


def _headline(cities: list[str], themes: list[str], cells: dict[tuple[str, str], Cell],
              sections: list[CitySection], changes: list[dict]) -> dict:
    """Who is ahead where, each city's focus and what changed across years, as short sentences."""
    leaders, single = [], []
    for theme in themes:
        graded = sorted(((c, cells[c, theme].achievement) for c in cities
                         if (c, theme) in cells and cells[c, theme].achievement is not None), key=lambda x: -x[1])
        if len(graded) >= 2:
            best = [c for c, a in graded if a == graded[0][1]]
            rest = [(c, a) for c, a in graded if a != graded[0][1]]
            text = f"{theme}: {_join(best)}（{pct(graded[0][1])}）が先頭"
            if rest:
                text += f"、次いで {rest[0][0]}（{pct(rest[0][1])}）"
            leaders.append({"theme": theme, "text": text, "n": len(graded)})
        elif len(graded) == 1:
            single.append(f"{theme}（{graded[0][0]}）")
    ranked = sorted((s for s in sections if s.achievement is not None), key=lambda s: -s.achievement)
    overall = []
    if ranked:
        overall.append("平均達成度: " + "、".join(f"{s.name} {pct(s.achievement)}" for s in ranked))
    ungraded = [s.name for s in sections if s.achievement is None]
    if ungraded:
        overall.append(f"達成度の評価がない自治体: {_join(ungraded)}（施策数と方向性のみ比較）")
    focus = [f"{s.name}: {s.top_theme} が最多（{cells[s.name, s.top_theme].n_measures} 件 / 全 {s.n_measures} 件）"
             for s in sections if s.top_theme]
    empty = [s.name for s in sections if not s.n_measures]
    if empty:
        focus.append(f"施策が読み取れなかった自治体: {_join(empty)}")
    moves = []
    for s in sections:
        if s.year_chart and len(s.year_chart.points) >= 2:
            first, last = s.year_chart.points[0], s.year_chart.points[-1]
            moves.append(f"{s.name}: 平均達成度 {first.label} {first.value_text} → {last.label} {last.value_text}")
    ups = [c for c in changes if c["delta"] > 0][:3]
    downs = [c for c in changes if c["delta"] < 0][:3]
    for c in ups + downs:
        moves.append(f"{c['municipality']}「{c['name']}」: {_fiscal_label(c['from_year'])} {pct(c['before'])} → "
                     f"{_fiscal_label(c['to_year'])} {pct(c['after'])}")
    return {"leaders": sorted(leaders, key=lambda x: -x["n"]), "single": single, "overall": overall,
            "focus": focus, "moves": moves}


def render_compare(data: Mapping | None) -> str:
    """The comparison page (one self-contained HTML document) for a `hyoka compare` JSON object."""
    return _env().get_template("compare.html.j2").render(**compare_context(data))


# --- the audit page -----------------------------------------------------------------------------

STATUS_LABELS = {
    "inconsistent": "不一致", "warning": "注意", "consistent_only_with_rounding": "条件付きで一致",
    "consistent": "一致",
}
STATUS_ORDER = ("inconsistent", "warning", "consistent_only_with_rounding", "consistent")
STATUS_COLOURS = {"inconsistent": "#c62828", "warning": "#f9a825", "consistent_only_with_rounding": "#1e88e5",
                  "consistent": "#81c995"}
CHECK_LABELS = {
    "points_exact": ("得点（厳密な計算式）", "記載の得点を、件数と凡例の計算式から計算し直した値と比べます。"),
    "points_legend_units": ("得点（凡例の丸めた単位値）", "凡例に印刷された丸めた単位値で得点を計算し直します。"),
    "legend_formula": ("凡例の計算例", "凡例に書かれた計算例そのものを計算し直します。"),
    "counts_sum": ("件数の合計と総数", "記号・区分ごとの件数の合計が記載の総数と合うかを見ます。"),
    "count_share": ("記載の割合と件数÷総数", "記載の割合（%）が件数÷総数と合うかを見ます。"),
    "grade_band": ("評価区分と達成率", "実績÷目標の達成率から評価区分（A/B/C など）を求め、記載の区分と比べます。"),
    "era_pair": ("和暦・西暦の対応", "併記された和暦と西暦が同じ年かを見ます。"),
    "era_impossible": ("ありえない和暦年", "存在しない、または報告書の年度から遠すぎる和暦年です（記載どおり保持）。"),
    "era_range": ("逆順の年度範囲", "開始年度が終了年度より後になっている範囲です（記載どおり保持）。"),
    "as_of_date": ("年度外の時点", "「〇年〇月時点」が報告書の対象年度の外にあります。"),
    "period_length": ("計画期間の長さ", "計画期間の開始・終了と記載の年数が合うかを見ます。"),
    "cross_reference": ("相互参照", "「〇〇参照」「再掲」の参照先が文書内にあるかを見ます。"),
    "numbering": ("番号の欠け", "施策・事業の通し番号に抜けがあります。"),
    "ended_reappears": ("終了した施策の再登場", "終了・廃止とされた施策が後で再び現れないかを見ます。"),
    "cost_funding_sum": ("財源内訳の合計と事業費計 (A)", "国・都道府県・地方債・その他・一般財源の合計を事業費計 (A) と比べます。"),
    "cost_total": ("事業費 (A) + 人件費 (B) とトータルコスト", "事業費計 (A) と人件費計 (B) の和をトータルコストと比べます。"),
    "stated_rate": ("記載の達成率・進捗率と実績÷目標", "記載の達成率（進捗率）を実績÷目標×100 から計算し直し、記載の桁で比べます"
                    "（四捨五入・切り捨て・切り上げを許容。目標÷実績でのみ合うものは、凡例や算式がそう言わない限り注意）。"),
    "stated_difference": ("記載の差と実績−目標", "「目標と実績の比較」などに記載の差を実績−目標と比べます（△・▲は負）。"),
    "legend_met_below_target": ("「達成」とする区分が100%未満から", "凡例で「目標を達成」とする区分の範囲が達成度100%未満から始まっています。"),
    "legend_unlabelled": ("記号・区分名のない凡例項目", "凡例の項目に記号・区分名が印刷されていません（記号の欠落）。"),
    "era_glued": ("元号と西暦の混在", "「令2022年度」のように元号（の一字）が西暦年の前に付いています。どの年か確定できません。"),
    "date_in_formula": ("計算式の中の日付", "「100%×1月5日=20%」のように数値の位置に日付があります（分数が日付に自動変換された可能性）。"),
    "share_denominator": ("分母が記載されていない割合", "記載の割合が、文書に記載されたどの総数でも整数の件数÷総数になりません。"),
    "points_band_unreachable": ("到達し得ない合計ポイントの区分", "合計ポイントの区分が、各ポイント表の最大値の合計を超えています。"),
}
CONSISTENT_SHOWN = 30  # consistent rows listed per document and check unless show_all


@dataclass
class AuditRow:
    status: str
    where: str
    scope: str
    stated: str
    recomputed: str
    message: str
    reading: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


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
class DocSection:
    source: str
    anchor: str
    counts: dict[str, int]
    groups: list[CheckGroup]
    chart: StackedBar

    @property
    def n_flagged(self) -> int:
        return sum(n for s, n in self.counts.items() if s != "consistent")


def _where(location: str | None) -> str:
    """"file.txt:L38" → "L38" (the page is grouped by file already)."""
    return (location or "").split(":", 1)[-1] if location and ":" in location else (location or "")


def _row(f) -> AuditRow:
    return AuditRow(f.status, _where(f.location), f.scope or "", f.stated or "", num(f.recomputed), f.message or "",
                    f.reading or "")


def _location_key(f) -> tuple:
    return natural_key(_where(f.location)), natural_key(f.scope)


def _status_bar(counts: Mapping[str, int], width: int = 360) -> StackedBar:
    bar = stacked_bar({STATUS_LABELS[s]: counts.get(s, 0) for s in STATUS_ORDER if counts.get(s)}, width=width,
                      height=18)
    for seg in bar.segments:
        seg.fill = next(STATUS_COLOURS[s] for s in STATUS_ORDER if STATUS_LABELS[s] == seg.label)
    return bar


def audit_context(findings: list, *, show_all: bool = False) -> dict:
    by_doc: dict[str, list] = defaultdict(list)
    for f in findings:
        by_doc[f.source].append(f)
    docs = []
    for i, source in enumerate(sorted(by_doc, key=natural_key)):
        items = sorted(by_doc[source], key=_location_key)
        by_check: dict[str, list] = defaultdict(list)
        for f in items:
            by_check[f.check].append(f)
        groups = []
        for check, group in by_check.items():
            label, explanation = CHECK_LABELS.get(check, (check, ""))
            consistent = [f for f in group if f.status == "consistent"]
            groups.append(CheckGroup(
                check=check, label=label, explanation=explanation,
                counts=dict(Counter(f.status for f in group)),
                flagged=[_row(f) for f in group if f.status != "consistent"],
                consistent=[_row(f) for f in (consistent if show_all else consistent[:CONSISTENT_SHOWN])],
                n_consistent=len(consistent),
                rules=list(dict.fromkeys((f.rule, f.rule_source or "") for f in group if f.rule)),
            ))
        # worst first; among equals, the check met first in the document
        groups.sort(key=lambda g: STATUS_ORDER.index(g.worst))
        counts = dict(Counter(f.status for f in items))
        docs.append(DocSection(source, f"doc-{i}", counts, groups, _status_bar(counts)))
    total = Counter(f.status for f in findings)
    problems = []  # (status, document, check label, n, first places)
    for d in docs:
        for g in d.groups:
            for status in STATUS_ORDER[:3]:
                rows = [r for r in g.flagged if r.status == status]
                if rows:
                    places = [r.where for r in rows[:4]] + (["…"] if len(rows) > 4 else [])
                    problems.append({"status": status, "status_label": STATUS_LABELS[status], "doc": d.source,
                                     "anchor": d.anchor, "check": g.label, "n": len(rows), "places": places})
    problems.sort(key=lambda p: STATUS_ORDER.index(p["status"]))
    return {
        "docs": docs, "n_findings": len(findings), "total": {s: total.get(s, 0) for s in STATUS_ORDER},
        "status_labels": STATUS_LABELS, "status_order": STATUS_ORDER, "status_colours": STATUS_COLOURS,
        "problems": problems, "show_all": show_all, "consistent_shown": CONSISTENT_SHOWN,
    }


def render_audit(findings: list, *, show_all: bool = False) -> str:
    """The audit report page: a summary of what is inconsistent and where, then each document in order.

    Consistent rows are folded; unless `show_all`, only the first CONSISTENT_SHOWN of each check per
    document are listed (the JSON and CSV formats have all of them).
    """
    return _env().get_template("audit.html.j2").render(**audit_context(findings, show_all=show_all))
