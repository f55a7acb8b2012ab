"""A worked score formula as printed: 「2.44×32(78.08) + 1.63×1(1.63) + … = 85.26 ≒ 85」.

Its terms are unit value × count (product), then the sum and the rounded final score. The text
rendering of a report may keep the formula's LaTeX (\\times, \\doteq); both spellings are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TERM = re.compile(r"(\d+(?:\.\d+)?)\s*(?:×|\\times)\s*(\d+)\s*[(（]\s*(\d+(?:\.\d+)?)\s*[)）]")
_SUM = re.compile(r"=\s*(\d+(?:\.\d+)?)")
_FINAL = re.compile(r"(?:≒|\\doteq)\s*(\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class WorkedFormula:
    terms: tuple[tuple[str, int, str], ...]  # (unit value, count, product) as printed
    total: str | None  # the printed sum of the products
    final: str | None  # the sum rounded, as printed after ≒


def parse_worked_formula(text: str) -> WorkedFormula:
    terms = tuple((m.group(1), int(m.group(2)), m.group(3)) for m in _TERM.finditer(text))
    total = final = None
    if m := _SUM.search(text):
        total = m.group(1)
        if f := _FINAL.search(text[m.end():]):
            final = f.group(1)
    return WorkedFormula(terms, total, final)
