"""The audit's one output shape, `Finding`, and the arithmetic of printed precision every check shares."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

CONSISTENT = "consistent"
ROUNDING = "consistent_only_with_rounding"
INCONSISTENT = "inconsistent"
WARNING = "warning"
SEVERITY = {CONSISTENT: "info", ROUNDING: "info", INCONSISTENT: "error", WARNING: "warning"}


@dataclass
class Finding:
    doc_id: str
    source: str  # the report file
    check: str  # points_exact, points_legend_units, legend_formula, counts_sum, count_share, grade_band, era_pair, …
    status: str
    message: str
    location: str  # where the stated value was printed, e.g. "file.txt:L38"
    rule: str | None = None
    rule_source: str | None = None
    scope: str | None = None
    stated: str | None = None
    recomputed: float | None = None
    interval_low: float | None = None
    interval_high: float | None = None
    reading: str | None = None
    inputs: list[str] = field(default_factory=list)  # locations of every input value
    severity: str = ""

    def __post_init__(self) -> None:
        self.severity = self.severity or SEVERITY[self.status]


FINDING_FIELDS = tuple(Finding.__dataclass_fields__)


def stated_interval(text: str) -> tuple[float, float]:
    """The interval a printed number stands for: "85" → [84.5, 85.5), "1.63" → [1.625, 1.635)."""
    value = float(text)
    decimals = len(text.split(".")[1]) if "." in text else 0
    half = 0.5 * 10 ** -decimals
    return value - half, value + half


def within(x: float, interval: tuple[float, float]) -> bool:
    """x in [low, high): 85.5 rounds (half up) to 86, so it is not within "85"."""
    return interval[0] - 1e-9 <= x < interval[1] - 1e-12


def fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}".rstrip("0").rstrip(".")


def missing(x) -> bool:
    """None or NaN (a row read back from a store may hold NaN where a fresh row holds None)."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def temper(finding: Finding) -> Finding:
    """A preset is our assumption, not the report's own rule: it may raise a question, never accuse."""
    if finding.status == INCONSISTENT and (finding.rule_source or "").startswith("preset"):
        finding.status, finding.severity = WARNING, SEVERITY[WARNING]
        finding.message = (f"{finding.message} — inconsistent under {finding.rule_source} ({finding.rule}); the report "
                           f"prints no rule of its own, so this is only a question")
    return finding


def findings_frame(findings: list[Finding]):
    """The findings as the `audit_findings` table (a DataFrame, one row per finding)."""
    import pandas as pd

    if not findings:
        return pd.DataFrame(columns=list(FINDING_FIELDS))
    return pd.DataFrame([{k: getattr(f, k) for k in FINDING_FIELDS} for f in findings])
