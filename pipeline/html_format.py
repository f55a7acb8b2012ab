"""Small formatting helpers of the HTML pages (also their jinja2 filters), and their colours.

Numbers on a Japanese page: a count with thousands separators (2,442), a year never (2024,
2024年度), a share as a percentage (86%). A value the data does not give is "—" or "", never a
guess.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

# a number this close to a calendar year, where the field is a year, is printed as one
_YEAR_RANGE = (1868, 2200)  # 明治元年 … ; a fiscal year outside is printed as given


def natural_key(text: Any) -> tuple:
    """Sort key that reads numbers as numbers: 目標1 < 目標3 < 目標10, L9 < L38 < L101, p2 T0 r3 < p10 T0 r1.

    Full-width digits count as digits (NFKC); numbers sort before words at the same place.
    """
    s = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", s) if part)


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


def pct(value: Any) -> str:
    """A share 0–1 as a percentage: 0.857 → "86%"; missing or not a number → "—"."""
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


def is_year(value: Any) -> bool:
    x = as_float(value)
    return x is not None and x.is_integer() and _YEAR_RANGE[0] <= x <= _YEAR_RANGE[1]


def year(value: Any) -> str:
    """A year as a year: 2024 / 2024.0 / "2024" → "2024" (no separator); anything else as given."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(int(float(value))) if is_year(value) else str(value)


def fiscal_label(fy: Any) -> str:
    """2025 → "2025年度"; anything else as given."""
    return f"{year(fy)}年度" if is_year(fy) else ("" if fy is None else str(fy))


def percent_number(value: Any) -> str:
    """A value that is already a percentage (105.0 → "105%", 85.37 → "85.37%")."""
    x = as_float(value)
    if x is None:
        return ""
    return (f"{x:.2f}".rstrip("0").rstrip(".")) + "%"


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


def anchor_id(*parts: Any) -> str:
    """An id attribute made of ASCII only: ("doc-0", "T0 r2") → "doc-0-T0-r2"."""
    text = "-".join(unicodedata.normalize("NFKC", str(p)) for p in parts)
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")
