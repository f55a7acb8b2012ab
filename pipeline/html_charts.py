"""SVG charts of the HTML pages: the geometry is computed here, drawn by templates/charts.html.j2.

Bars (one row per label), a stacked bar (shares of one total) and a line of achievement per year.
No script: the page draws them as plain SVG.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from hyoka.pipeline.html_format import direction_colour, pct

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

