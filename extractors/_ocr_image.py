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
MAX_RULE_BAND = 12  # pixels: a rule's rows painted out as one band up to this thick


@dataclass(frozen=True)
class Rule:
    """A ruling line in pixels: horizontal (y, x0–x1) or vertical (x, y0–y1)."""

    orientation: str  # "h" or "v"
    at: float  # y of a horizontal rule, x of a vertical one
    start: int
    end: int
    lo: int = 0  # the pixel rows (columns, vertical) it covers: a rule left a little askew spans several
    hi: int = 0


def skew_angle(gray: np.ndarray) -> float:
    """Degrees to rotate the image (counter-clockwise, PIL's sense) to straighten it."""
    from PIL import Image

    small = Image.fromarray(gray).reduce(4)
    dark = Image.fromarray(((np.asarray(small) < DARK) * 255).astype(np.uint8))

    def score(angle: float) -> float:
        rows = np.asarray(dark.rotate(angle, resample=Image.NEAREST, fillcolor=0)).sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    # ties (a rotation too small to move a pixel of the quarter-size copy) go to the smaller angle
    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.25), key=lambda a: (score(a), -abs(a)))
    fine = max(np.arange(best - 0.25, best + 0.26, 0.05), key=lambda a: (score(a), -abs(a)))
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
            rules.append(Rule(orientation, float(np.mean(ys)), seg_s, seg_e, min(ys), max(ys)))
            seg_s, seg_e, ys = s, e, [r]
        rules.append(Rule(orientation, float(np.mean(ys)), seg_s, seg_e, min(ys), max(ys)))

    for r, s, e in zip(rows.tolist(), starts.tolist(), ends.tolist()):
        if band and r > band[-1][0] + 1:
            close_band()
            band = []
        band.append((r, s, e))
    if band:
        close_band()
    for rule in rules:  # the whole band of the rule: the ends of an askew rule's steps are shorter than min_run
        if rule.hi - rule.lo <= MAX_RULE_BAND:
            mask[rule.lo:rule.hi + 1, rule.start:rule.end] = True
        else:
            band_rows = rows[(rows >= rule.lo) & (rows <= rule.hi)]
            for r in np.unique(band_rows).tolist():
                mask[r, rule.start:rule.end] = True
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


def _levels(values: list[float], tol: float = 6.0) -> list[float]:
    """Positions closer than `tol` pixels taken as one (a rule drawn in pieces)."""
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _covered(rules: list[Rule], orientation: str, at: float, start: float, end: float, tol: float) -> bool:
    return any(r.orientation == orientation and abs(r.at - at) <= tol and r.start <= start + tol and r.end >= end - tol
               for r in rules)


def ruled_cells(rules: list[Rule], tol: float = 6.0) -> list[tuple[int, int, int, int]]:
    """The table cells the rules enclose (x0, top, x1, bottom, inside the rules): slots of the ruled
    grid joined where no rule parts them (a merged cell), kept when the result is a rectangle
    with a rule on all four sides."""
    ys = _levels([r.at for r in rules if r.orientation == "h"])
    xs = _levels([r.at for r in rules if r.orientation == "v"])
    n, m = len(ys) - 1, len(xs) - 1
    if n < 1 or m < 1:
        return []
    parent = list(range(n * m))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for i in range(n):
        for j in range(m):
            if j + 1 < m and not _covered(rules, "v", xs[j + 1], ys[i], ys[i + 1], tol):
                parent[root(i * m + j + 1)] = root(i * m + j)
            if i + 1 < n and not _covered(rules, "h", ys[i + 1], xs[j], xs[j + 1], tol):
                parent[root((i + 1) * m + j)] = root(i * m + j)
    groups: dict[int, list[tuple[int, int]]] = {}
    for i in range(n):
        for j in range(m):
            groups.setdefault(root(i * m + j), []).append((i, j))
    cells = []
    for slots in groups.values():
        i0, i1 = min(i for i, _ in slots), max(i for i, _ in slots) + 1
        j0, j1 = min(j for _, j in slots), max(j for _, j in slots) + 1
        left, top, right, bottom = xs[j0], ys[i0], xs[j1], ys[i1]
        if (len(slots) != (i1 - i0) * (j1 - j0) or bottom - top < 10 or right - left < 10
                or not (_covered(rules, "h", top, left, right, tol) and _covered(rules, "h", bottom, left, right, tol)
                        and _covered(rules, "v", left, top, bottom, tol)
                        and _covered(rules, "v", right, top, bottom, tol))):
            continue
        cells.append((int(left) + 3, int(top) + 3, int(right) - 2, int(bottom) - 2))
    return sorted(cells, key=lambda c: (c[1], c[0]))


def ink_box(gray: np.ndarray, cell: tuple[int, int, int, int], min_ink: int) -> tuple[int, int, int, int] | None:
    """The box of the ink inside `cell`, or None when it holds less than min_ink dark pixels."""
    x0, top, x1, bottom = cell
    dark = gray[top:bottom, x0:x1] < DARK
    if int(dark.sum()) < min_ink:
        return None
    rows, cols = np.nonzero(dark.any(axis=1))[0], np.nonzero(dark.any(axis=0))[0]
    return (x0 + int(cols[0]), top + int(rows[0]), x0 + int(cols[-1]) + 1, top + int(rows[-1]) + 1)


SPECKLED = 100  # isolated dark pixels per million: above, the page is despeckled (a clean render has ≈ 30)


def speckled(gray: np.ndarray) -> bool:
    """Whether the page is strewn with specks (scanner noise, a grey fill's dither made bilevel):
    dark pixels with no dark neighbour, per million pixels, above SPECKLED."""
    dark = gray < DARK
    near = np.zeros_like(dark)
    near[1:, :] |= dark[:-1, :]
    near[:-1, :] |= dark[1:, :]
    near[:, 1:] |= dark[:, :-1]
    near[:, :-1] |= dark[:, 1:]
    return int((dark & ~near).sum()) * 1e6 / max(dark.size, 1) > SPECKLED


def crosses_rule(c, rules: list[Rule], margin: float = 2.0) -> bool:
    """Whether the box of character `c` (x0, x1, top, bottom in pixels) straddles a vertical rule:
    no character of a table is printed across one; such a box is Tesseract's reading of ink on
    both sides at once (a glyph and a rule's remains), not a character."""
    return any(r.orientation == "v" and c.x0 + margin < r.at < c.x1 - margin
               and r.start < c.bottom and r.end > c.top for r in rules)
