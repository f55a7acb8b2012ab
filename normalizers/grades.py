"""Letter grades (S/A/B/C/D/E) as printed in 評価 columns."""

import re
import unicodedata

_GRADE = re.compile(r"([SABCDE])(?:\s*評価)?")


def parse_grade(s: str) -> str | None:
    """"A", "Ａ", " a ", "A評価" → "A"; anything else (including "AA", "A+") → None."""
    t = unicodedata.normalize("NFKC", s).strip().upper()  # full-width Ｓ → S, lower → upper
    m = _GRADE.fullmatch(t)
    return m.group(1) if m else None
