"""Extractors: format backends (file → SourceText) and layout extractors (SourceText → Document).

Both are discovered, not listed: every module in this package is imported once and
every concrete `FormatBackend` / `LayoutExtractor` subclass in it is registered. A new
city's layout is therefore one new module here and no edit anywhere else.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from functools import lru_cache
from pathlib import Path

from hyoka.extractors.base import ExtractionError, FormatBackend, LayoutExtractor, Row, SourceText

# pdfminer warns about every odd font descriptor ("Could not get FontBBox …") on stderr; those say
# nothing about what hyoka reads, and a user's batch should not scroll with them. Errors still show.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

__all__ = [
    "ExtractionError",
    "FormatBackend",
    "LayoutExtractor",
    "Row",
    "SourceText",
    "backend_for",
    "backends",
    "detect_layout",
    "layouts",
    "sheet_row_formats",
    "supported_extensions",
]


def _concrete_subclasses(base: type) -> list[type]:
    found, todo = [], list(base.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if not getattr(cls, "__abstractmethods__", None):
            found.append(cls)
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


@lru_cache(maxsize=1)
def _import_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


def backends() -> list[FormatBackend]:
    _import_all()
    return [cls() for cls in _concrete_subclasses(FormatBackend)]


def layouts() -> list[type[LayoutExtractor]]:
    _import_all()
    return _concrete_subclasses(LayoutExtractor)


def sheet_row_formats() -> set[str]:
    """Formats whose references' rows are a worksheet's own rows (a backend fact the audit quotes)."""
    return {b.name for b in backends() if b.sheet_rows}


def supported_extensions() -> set[str]:
    return {ext for b in backends() for ext in b.extensions}


def backend_for(path: Path) -> FormatBackend:
    suffix = path.suffix.lower()
    for backend in backends():
        if suffix in backend.extensions:
            return backend
    raise ExtractionError(f"unsupported file type '{suffix or '(none)'}'")


def generic_layout() -> type[LayoutExtractor]:
    """The label-driven reader that takes every file no specific layout claims."""
    from hyoka.extractors.generic import GenericLayout

    return GenericLayout


def detect_layout(text: SourceText) -> type[LayoutExtractor] | None:
    """The layout that claims `text` most confidently (score > 0.5), or None."""
    scored = [(cls.detect(text), cls.name, cls) for cls in layouts()]
    scored = [s for s in scored if s[0] > 0.5]
    if not scored:
        return None
    return max(scored, key=lambda s: (s[0], s[1]))[2]
