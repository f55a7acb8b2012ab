"""A scanned page's image: straightened, its ruling lines found and taken out before OCR.

* Skew: a scan fed in slightly askew is turned straight first — the angle (within ±3°) whose
  rows of dark pixels are most uneven (text lines and rules fall into few rows) on a quarter-size
  copy, to 0.05°.
* Ruling lines: runs of dark pixels at least ``min_run`` long (about two characters at 10 pt:
  no stroke of a glyph is that long, a table's rule is) across (horizontal) or down (vertical).
  Consecutive pixel rows with runs are one line (a rule is 1–4 px thick); each becomes an edge
  in PDF points for pdfplumber's table finder, as a PDF's painted lines would be. The rules
  are then painted white: Tesseract reads the text of a table far better without its grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DARK = 160  # grey level below which a pixel is ink
MAX_SKEW = 3.0  # degrees


@dataclass(frozen=True)
class Rule:
    """A ruling line in pixels: horizontal (y, x0–x1) or vertical (x, y0–y1)."""

    orientation: str  # "h" or "v"
    at: float  # y of a horizontal rule, x of a vertical one
    start: int
    end: int


def skew_angle(gray: np.ndarray) -> float:
    """Degrees to rotate the image (counter-clockwise, PIL's sense) to straighten it."""
    from PIL import Image

    small = Image.fromarray(gray).reduce(4)
    dark = Image.fromarray(((np.asarray(small) < DARK) * 255).astype(np.uint8))

    def score(angle: float) -> float:
        rows = np.asarray(dark.rotate(angle, resample=Image.NEAREST, fillcolor=0)).sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.25), key=score)
    fine = max(np.arange(best - 0.25, best + 0.26, 0.05), key=score)
    return round(float(fine), 2)


def straighten(image):
    """(the grey image turned straight, the angle it was turned by)."""
    from PIL import Image

    gray = image.convert("L")
    angle = skew_angle(np.asarray(gray))
    if abs(angle) < 0.05:
        return gray, 0.0
    return gray.rotate(angle, resample=Image.BICUBIC, fillcolor=255, expand=False), angle


def _runs(dark: np.ndarray, min_run: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, start, end) of every horizontal run of True at least min_run long."""
    h, w = dark.shape
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = dark
    step = np.diff(padded, axis=1)
    rows, starts = np.nonzero(step == 1)
    _rows, ends = np.nonzero(step == -1)  # paired with the starts: both in row-major order
    keep = (ends - starts) >= min_run
    return rows[keep], starts[keep], ends[keep]


def _rules(dark: np.ndarray, min_run: int, orientation: str, mask: np.ndarray) -> list[Rule]:
    rows, starts, ends = _runs(dark, min_run)
    rules: list[Rule] = []
    band: list[tuple[int, int, int]] = []

    def close_band() -> None:
        # the runs of consecutive pixel rows: merged into segments where their spans overlap
        spans = sorted((s, e, r) for r, s, e in band)
        seg_s, seg_e, ys = spans[0][0], spans[0][1], [spans[0][2]]
        for s, e, r in spans[1:]:
            if s <= seg_e + 2:
                seg_e, ys = max(seg_e, e), ys + [r]
                continue
            rules.append(Rule(orientation, float(np.mean(ys)), seg_s, seg_e))
            seg_s, seg_e, ys = s, e, [r]
        rules.append(Rule(orientation, float(np.mean(ys)), seg_s, seg_e))

    for r, s, e in zip(rows.tolist(), starts.tolist(), ends.tolist()):
        mask[r, s:e] = True
        if band and r > band[-1][0] + 1:
            close_band()
            band = []
        band.append((r, s, e))
    if band:
        close_band()
    return rules


def find_rules(gray: np.ndarray, min_run: int) -> tuple[list[Rule], np.ndarray]:
    """The page's ruling lines and a mask of their pixels."""
    dark = gray < DARK
    mask_h = np.zeros_like(dark)
    mask_v = np.zeros_like(dark.T)
    rules = _rules(dark, min_run, "h", mask_h)
    rules += _rules(np.ascontiguousarray(dark.T), min_run, "v", mask_v)
    return rules, mask_h | mask_v.T


def without_rules(gray: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The image with the rules' pixels (and a pixel either side: anti-aliasing) painted white."""
    grown = mask.copy()
    grown[1:, :] |= mask[:-1, :]
    grown[:-1, :] |= mask[1:, :]
    grown[:, 1:] |= mask[:, :-1]
    grown[:, :-1] |= mask[:, 1:]
    out = gray.copy()
    out[grown] = 255
    return out


def rule_edges(rules: list[Rule], scale: float) -> list[dict]:
    """The rules as pdfplumber edges in PDF points (scale: points per pixel)."""
    edges = []
    for rule in rules:
        a, b = rule.start * scale, rule.end * scale
        at = round(rule.at * scale, 2)
        if rule.orientation == "h":
            x0, x1, top, bottom = round(a, 2), round(b, 2), at, at
        else:
            x0 = x1 = at
            top, bottom = round(a, 2), round(b, 2)
        edges.append({"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                      "width": round(x1 - x0, 2), "height": round(bottom - top, 2),
                      "orientation": rule.orientation})
    return edges
