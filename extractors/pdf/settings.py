"""The PDF backend's settings: which engine reads the characters and ruling lines, and the
tunables of the line, paragraph and table logic (validated on construction)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any, Iterable

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
    ocr: bool = True  # pages without a text layer are read by OCR where Tesseract is installed (extractors/ocr.py)

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

            names = {f.name for f in fields(TableSettings)}
            unknown = sorted(set(self.table_settings) - names)
            if unknown:
                raise ValueError(f"PdfSettings.table_settings: unknown pdfplumber table setting(s) "
                                 f"{', '.join(unknown)} (known: {', '.join(sorted(names))})")
            try:
                TableSettings.resolve(self.table_settings)  # pdfplumber's own checks
            except (TypeError, ValueError) as exc:
                raise ValueError(f"PdfSettings.table_settings: {exc}") from exc

    @classmethod
    def from_strings(cls, items: Iterable[str]) -> PdfSettings:
        """Settings from 「KEY=VALUE」 strings (``hyoka ingest --pdf-setting``): ``engine=pdfplumber``,
        ``latin_gap=0.3``, ``table_settings.snap_tolerance=3`` (a key of pdfplumber's table settings).
        ValueError, one line, for an unknown key or a value of the wrong kind."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        table: dict[str, Any] = {}
        for item in items:
            key, sep, raw = (part.strip() for part in item.partition("="))
            if not sep or not key:
                raise ValueError(f"PDF setting {item!r}: expected KEY=VALUE, e.g. engine=pdfplumber")
            if key.startswith("table_settings."):
                table[key.split(".", 1)[1]] = _number_or_text(raw)
            elif key not in known or key == "table_settings":
                names = ", ".join(sorted(set(known) - {"table_settings"}) + ["table_settings.KEY"])
                raise ValueError(f"unknown PDF setting {key!r} (known: {names})")
            else:
                values[key] = _typed(key, raw, known[key].default)
        if table:
            values["table_settings"] = table
        return cls(**values)


def _typed(key: str, raw: str, default: Any) -> Any:
    """`raw` as the kind of value `key` holds (its default's type; the engine is text)."""
    if key == "engine":
        return raw.lower() or None
    try:
        return int(raw) if isinstance(default, int) else float(raw)
    except ValueError:
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise ValueError(f"PDF setting {key}={raw}: {key} must be {kind}") from None


def _number_or_text(raw: str) -> Any:
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return raw
