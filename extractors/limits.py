"""Per-document limits, so one hostile or runaway file cannot sink a batch.

A backend checks the limits it can see (file size, decompressed size, cells and grid spans,
pages); the ingest loop checks wall time and memory. Every hit raises `LimitExceeded`, which is
an `ExtractionError`, so the file becomes one failures row (stage "limit") and the batch goes on.

    >>> Limits(max_pages=50)          # everything else at its default
    >>> Limits.from_mapping({"max_file_mb": 100})
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping

from hyoka.extractors.base import ExtractionError


class LimitExceeded(ExtractionError):
    """A document hit one of the configured limits; `limit` names which (e.g. "max_pages")."""

    def __init__(self, limit: str, reason: str) -> None:
        super().__init__(reason)
        self.limit = limit


@dataclass(frozen=True)
class Limits:
    """Caps per document. Defaults are far above any real report (the largest seen: 24 pages,
    a 407-row workbook) and far below what would exhaust a 2-core / 24 GiB machine."""

    max_file_mb: float = 200.0            # bytes on disk
    max_decompressed_mb: float = 64.0     # sum of a DOCX/XLSX zip's uncompressed parts (大船渡市's whole-city
                                          # workbook: 11 MB; lxml holds ~17 bytes per byte of dense XML)
    max_cells: int = 2_000_000            # table cells a backend may materialise (incl. spans)
    max_grid_span: int = 1_000            # one merged cell's width or height
    max_pages: int = 2_000                # PDF pages
    max_text_mb: float = 10.0             # decoded text of a .txt/.md/.tsv file (real ones: < 0.1 MB; 10 MB
                                          # reads in ~10 s, 50 MB in ~70 s)
    max_line_fields: int = 500            # tab-separated fields on one line of a text file read as a table
                                          # row (real tables: < 100 columns; a line of 300,000 numbers is
                                          # data dumped into the file, kept as text, not a table)
    max_bundle_members: int = 10_000      # documents in one zip bundle, nested zips' included (a year's
                                          # reports: tens to a few hundred)
    max_seconds: float = 300.0            # wall time to read one document (enforced by the ingest loop)
    max_memory_mb: float = 4_096.0        # resident memory of a worker (enforced by the ingest loop)

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"Limits.{f.name} must be a positive number, not {value!r}")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "Limits":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown limit(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        return cls(**dict(values))

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def max_decompressed_bytes(self) -> int:
        return int(self.max_decompressed_mb * 1024 * 1024)

    @property
    def max_text_bytes(self) -> int:
        return int(self.max_text_mb * 1024 * 1024)


DEFAULT_LIMITS = Limits()
