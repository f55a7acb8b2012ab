"""What the comparison page shows, worked out from a `hyoka compare --format json` object.

Drawn by templates/compare.html.j2: headline first, then the city × theme matrix, a card per city,
and the details folded (<details>) with their counts — a city's measures by theme, those outside
the compared plan by heading — so the page opens short however long the lists are.

One count per city: its measures counted once each (html_compare_data.measure_identity — the
`series_id` compare gives, so the same number as `cities[].n_measures` in the JSON and the CLI),
used on the card, in the list and in the headline, and stated on the page. A document whose city
was not found is a row of its own (「自治体不明: file」), never pooled with the others.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping

from hyoka.pipeline.html_charts import BarChart, LineChart, StackedBar, bar_chart, line_chart, stacked_bar
from hyoka.pipeline.html_compare_data import (
    ALWAYS_SHOWN, MEASURE_COLUMNS, Cell, DistinctMeasure, distinct_measures, extra_tables, extra_values,
    folded_groups, make_cells, mapping_list, names_of, one_copy_per_report, series_changes, series_key, split_unknown,
    year_means,
)
from hyoka.pipeline.html_format import NO_GRADE, achievement_colour, as_float, as_int, fiscal_label, natural_key, pct
from hyoka.pipeline.themes import THEMES

COUNT_DEFINITION = ("施策数は、同じ施策（compare の series_id: 同じ名称、または同じ番号で似た名称）を、記載の箇所・年度・"
                    "形式がいくつあっても 1 件と数えた数です（JSON の cities[].n_measures、hyoka compare の表と同じ）。"
                    "テーマ別の数は、同じ施策が年度や文書によって別のテーマに分類されるとそれぞれに数えるため、"
                    "合計が施策数を超えることがあります。")


@dataclass
class CitySection:
    name: str
    anchor: str
    n_measures: int  # distinct measures of the plan: the one count of the city
    n_indicators: int
    achievement: float | None
    n_graded: int | None  # measures with an achievement, where the data says
    top_theme: str | None
    theme_chart: BarChart
    direction_chart: StackedBar | None
    year_chart: LineChart | None
    measures: list[DistinctMeasure]  # one per measure, the latest row shown
    by_theme: list[dict]  # measures folded by theme: {"label", "n", "rows"}
    n_rows: int  # rows printing them (one report given in several formats: once)
    n_duplicates: int  # rows left out as the same report in another format
    outside: list[dict]  # measures outside the compared plan (in_plan false), not counted
    outside_by_heading: list[dict]
    series: list[dict]
    notes: list[str] = field(default_factory=list)
    unknown: bool = False  # a document whose city was not found
    # a city whose reports belong to several plans or grading scales: one line per plan, never joined
    plan_charts: list = field(default_factory=list)


def _overall(stated: Mapping, unique: list[DistinctMeasure], row: list[Cell]) -> float | None:
    if "achievement" in stated:  # the data's own figure, null included
        return as_float(stated.get("achievement"))
    values = [as_float(m.row.get("achievement")) for m in unique if as_float(m.row.get("achievement")) is not None]
    if values:
        return sum(values) / len(values)
    weighted = [(c.achievement, max(1, c.n_measures)) for c in row if c.achievement is not None]
    total = sum(w for _, w in weighted)
    return sum(a * w for a, w in weighted) / total if total else None


def _notes(stated: Mapping, n_rows: int, n_measures: int) -> list[str]:
    notes = []
    if n_rows > n_measures:
        notes.append(f"記載 {n_rows:,} 行を施策 {n_measures:,} 件として数えています")
    if as_int(stated.get("n_outside_plan")):
        notes.append(f"計画の対象外として数えていない施策 {as_int(stated['n_outside_plan']):,} 件")
    if as_float(stated.get("share_other")) is not None:
        notes.append(f"「その他」の割合 {pct(stated['share_other'])}")
    if as_int(stated.get("n_documents")) > 1:
        notes.append(f"文書 {as_int(stated['n_documents']):,} 件から")
    return notes


def _city_section(i: int, city: str, row: list[Cell], stated: Mapping, measures_in: list[Mapping],
                  series_in: list[Mapping], themes: list[str], unknown: bool) -> CitySection:
    all_rows = [m for m in measures_in if str(m.get("municipality")) == city]
    in_plan = [m for m in all_rows if m.get("in_plan") is not False]
    kept, n_duplicates = one_copy_per_report(in_plan)
    unique = distinct_measures(kept)
    theme_rank = {t: k for k, t in enumerate(themes)}
    unique.sort(key=lambda m: (theme_rank.get(str(m.row.get("theme")), len(themes)), natural_key(m.row.get("id"))))
    n_measures = as_int(stated["n_measures"]) if stated.get("n_measures") is not None else (
        len(unique) if all_rows else sum(c.n_measures for c in row))
    n_graded = (as_int(stated["n_graded"]) if stated.get("n_graded") is not None else
                sum(1 for m in unique if as_float(m.row.get("achievement")) is not None)
                if any("achievement" in m.row for m in unique) else None)
    directions: Counter = Counter()
    for cell in row:
        directions.update(cell.directions)
    top = max(row, key=lambda c: c.n_measures, default=None)
    theme_rows = [(c.theme, float(c.n_measures), achievement_colour(c.achievement) if c.achievement is not None
                   else NO_GRADE, f"{c.n_measures}件・{pct(c.achievement)}", c.title) for c in row]
    city_series = [s for s in series_in if str(s.get("municipality")) == city]
    means = year_means(stated, city_series, [m.row for m in unique])
    plan_charts = _plan_charts(city, stated)
    outside = [m for m in all_rows if m.get("in_plan") is False]
    return CitySection(
        name=city, anchor=f"city-{i}", n_measures=n_measures,
        n_indicators=as_int(stated["n_indicators"]) if stated.get("n_indicators") is not None
        else sum(c.n_indicators for c in row),
        achievement=_overall(stated, unique, row), n_graded=n_graded,
        top_theme=top.theme if top and top.n_measures else None,
        theme_chart=bar_chart(theme_rows, scale_max=max((c.n_measures for c in row), default=0),
                              caption=f"{city}: テーマ別の施策数と達成度"),
        direction_chart=stacked_bar(dict(directions.most_common()), caption=f"{city}: 方向性") if directions else None,
        year_chart=line_chart([(fiscal_label(fy), a) for fy, a in means],
                              caption=f"{city}: 年度別の平均達成度") if len(means) >= 2 and not plan_charts else None,
        plan_charts=plan_charts,
        measures=unique, by_theme=folded_groups(unique, lambda m: str(m.row.get("theme") or "（テーマなし）"), themes),
        n_rows=len(kept), n_duplicates=n_duplicates,
        outside=outside, outside_by_heading=folded_groups(outside, lambda m: str(m.get("heading") or "（見出しなし）")),
        series=city_series, notes=_notes(stated, len(kept), n_measures), unknown=unknown,
    )


def _plan_charts(city: str, stated: Mapping) -> list[tuple[str, LineChart]]:
    """(title, chart) per plan and grading scale, when the city's reports belong to more than one:
    第二期 graded ○◎△□× and 第三期 graded otherwise are two lines, not one."""
    lines = [line for line in mapping_list(stated.get("achievement_by_plan"))
             if isinstance(line.get("achievement_by_year"), Mapping)]
    if len(lines) < 2:
        return []
    out = []
    for line in lines:
        pts = sorted(((int(fy), as_float(a)) for fy, a in line["achievement_by_year"].items() if as_float(a) is not None))
        if not pts:
            continue
        title = f"{line.get('plan') or '計画名の記載なし'}" + (f"（{line['scale']}）" if line.get("scale") else "")
        out.append((title, line_chart([(fiscal_label(fy), a) for fy, a in pts], caption=f"{city}: {title}")))
    return out


def compare_context(data: Mapping | None) -> dict:
    """Everything the comparison template shows, worked out from the compare object."""
    data, unknown_docs = split_unknown(data if isinstance(data, Mapping) else {})
    unknown = {u["label"] for u in unknown_docs}
    cells_in = mapping_list(data.get("cells"))
    measures_in = mapping_list(data.get("measures"))
    cities_in = {str(c["municipality"]): c for c in mapping_list(data.get("cities")) if c.get("municipality")}
    skey = series_key(data)
    series_in = mapping_list(data.get(skey)) if skey else []

    # every city and theme named anywhere, in the order given, then as first met
    cities = list(dict.fromkeys(
        names_of(data.get("municipalities")) + list(cities_in)
        + [str(r["municipality"]) for r in cells_in + measures_in + series_in if r.get("municipality") is not None]))
    themes = names_of(data.get("themes")) or list(THEMES)
    themes = list(dict.fromkeys(themes + [str(r["theme"]) for r in cells_in + measures_in
                                          if r.get("theme") is not None]))
    cells = make_cells(cells_in, measures_in)
    matrix = [[cells.get((c, t), Cell(c, t)) for t in themes] for c in cities]
    sections = [
        _city_section(i, city, [c for c in matrix[i] if c.n_measures or c.achievement is not None],
                      cities_in.get(city, {}), measures_in, series_in, themes, city in unknown)
        for i, city in enumerate(cities)]

    shown = {k for m in measures_in for k, v in m.items() if v is not None and v != ""}
    measure_columns = [(k, label) for k, label in MEASURE_COLUMNS if k in ALWAYS_SHOWN or k in shown]
    changes = series_changes(series_in)
    return {
        "cities": cities, "themes": themes, "matrix": matrix, "sections": sections,
        "headline": _headline(cities, themes, cells, sections, changes),
        "measure_columns": measure_columns,
        "legend": [(f"{g * 100:.0f}%", achievement_colour(g)) for g in (0, 0.25, 0.5, 0.75, 1)],
        "no_grade": NO_GRADE, "n_measures": sum(s.n_measures for s in sections),
        "count_definition": COUNT_DEFINITION, "unknown_docs": unknown_docs,
        "extra_tables": extra_tables(data, {skey} if skey else set()),
        "extra_values": extra_values(data), "has_data": bool(cities),
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
        moves.append(f"{c['municipality']}「{c['name']}」: {fiscal_label(c['from_year'])} {pct(c['before'])} → "
                     f"{fiscal_label(c['to_year'])} {pct(c['after'])}")
    return {"leaders": sorted(leaders, key=lambda x: -x["n"]), "single": single, "overall": overall,
            "focus": focus, "moves": moves}


