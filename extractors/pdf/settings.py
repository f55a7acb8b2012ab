"""The PDF backend's settings: which engine reads the characters and ruling lines, and the
tunables of the line, paragraph and table logic (validated on construction)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from hyoka.extractors.base import ExtractionError

ENGINES = ("pdfium", "pdfplumber")
ENGINE_VARIABLE = "HYOKA_PDF_ENGINE"


def resolve_engine(engine: str | None) -> str:
    """The engine to use: the setting, else $HYOKA_PDF_ENGINE, else "pdfium"."""
    chosen = engine or os.environ.get(ENGINE_VARIABLE, "").strip().lower() or "pdfium"
    if chosen not in ENGINES:
        raise ExtractionError(f"unknown PDF engine {chosen!r} in ${ENGINE_VARIABLE} (known: {', '.join(ENGINES)})")
    return chosen



@dataclass(frozen=True)
class PdfSettings:
    """Tunables of the PDF reading, validated on construction (sizes are in font-size units)."""

    line_tolerance: float = 0.4  # chars whose tops differ by less than this × size share a line
    latin_gap: float = 0.25  # a gap wider than this × size between Latin chars is a space
    cjk_gap: float = 1.0  # … and between CJK chars (anything narrower is spacing)
    wrap_tolerance: float = 0.5  # points: slack when deciding whether the next word would have fitted
    paragraph_gap: float = 2.0  # lines further apart than this × size are separate paragraphs
    dedupe_min_pairs: int = 3  # this many doubled chars on a page make it a "fake bold" page
    dedupe_tolerance: float = 1.0  # points: how close a doubled char is drawn
    continuation_x_tolerance: float = 3.0  # points: a table on the next page with the same x-extent continues it
    table_settings: dict[str, Any] = field(default_factory=dict)  # passed to page.find_tables()
    # where characters and ruling lines come from: "pdfium" (pypdfium2; pdfminer for the text it
    # can't reproduce) or "pdfplumber" (pdfminer throughout, 3–5× slower per page with embedded
    # fonts); None: $HYOKA_PDF_ENGINE, else "pdfium"
    engine: str | None = None

    def __post_init__(self) -> None:
        if self.engine is not None and self.engine not in ENGINES:
            raise ValueError(f"PdfSettings.engine must be one of {', '.join(ENGINES)} or None, not {self.engine!r}")
        for name in ("line_tolerance", "latin_gap", "cjk_gap", "wrap_tolerance", "paragraph_gap",
                     "dedupe_tolerance", "continuation_x_tolerance"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"PdfSettings.{name} must be a number >= 0, not {value!r}")
        if not isinstance(self.dedupe_min_pairs, int) or self.dedupe_min_pairs < 1:
            raise ValueError(f"PdfSettings.dedupe_min_pairs must be an int >= 1, not {self.dedupe_min_pairs!r}")
        if self.table_settings:
            from pdfplumber.table import TableSettings

            try:
                TableSettings.resolve(self.table_settings)  # pdfplumber's own checks
            except (TypeError, ValueError) as exc:
                raise ValueError(f"PdfSettings.table_settings: {exc}") from exc

