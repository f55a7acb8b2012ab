"""Small target-vs-actual charts for a measure's series on the compare page: one inline SVG per
series (no script, nothing fetched), the first indicator's 目標 as a dashed line and 実績 as a solid
one over the fiscal years, each point titled with its numbers. A series without two numbers of
one kind draws nothing."""

from __future__ import annotations

from typing import Any, Mapping

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 180, 52, 6
TARGET_COLOUR, ACTUAL_COLOUR = "#9aa0a6", "#1f6feb"


def _number(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if x != x else x


def chart_points(series: Mapping) -> tuple[str | None, str, list[tuple[int, float | None, float | None]]]:
    """(indicator, unit, [(fiscal_year, target, actual)]) of the series' first indicator."""
    points = [p for p in (series.get("points") or []) if isinstance(p, Mapping)]
    first = next((v for p in points for v in (p.get("values") or []) if isinstance(v, Mapping)), None)
    if first is None:
        return None, "", []
    name = first.get("indicator")
    rows = []
    for p in points:
        value = next((v for v in (p.get("values") or []) if isinstance(v, Mapping) and v.get("indicator") == name), None)
        if value is not None and isinstance(p.get("fiscal_year"), int):
            rows.append((p["fiscal_year"], _number(value.get("target")), _number(value.get("actual"))))
    return name, str(first.get("unit") or ""), rows


def target_actual_svg(series: Mapping) -> Markup:
    """The chart as SVG markup ("" when there is nothing to draw)."""
    name, unit, rows = chart_points(series)
    numbers = [x for _y, t, a in rows for x in (t, a) if x is not None]
    if len(rows) < 2 or not numbers:
        return Markup("")
    years = [y for y, _t, _a in rows]
    top = max(numbers) or 1.0
    x_of = {y: PAD + (WIDTH - 2 * PAD) * (y - years[0]) / max(1, years[-1] - years[0]) for y in years}

    def y_of(v: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD - 8) * v / top

    parts = [f'<svg class="spark" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(name or "")}: 目標と実績">']
    for index, colour, dash in ((1, TARGET_COLOUR, ' stroke-dasharray="3 2"'), (2, ACTUAL_COLOUR, "")):
        pts = [(x_of[r[0]], y_of(r[index]), r) for r in rows if r[index] is not None]
        if len(pts) >= 2:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _r in pts)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5"{dash}/>')
        for x, y, r in pts:
            what = "目標" if index == 1 else "実績"
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{colour}"><title>{r[0]}年度 {what} '
                         f'{r[index]:g}{escape(unit)}</title></circle>')
    label = (name or "") if len(name or "") <= 12 else (name or "")[:11] + "…"
    parts.append(f'<text x="{PAD}" y="9" font-size="8" fill="#555">{years[0]}–{years[-1]} '
                 f'{escape(label)}（破線 目標・実線 実績）</text></svg>')
    return Markup("".join(parts))
