"""Extractors: format backends (file → SourceText) and layout extractors (SourceText → Document).

Which backends and layouts there are is written down in extractors/registry.py (docling's format →
backend map is the model): the built-in ones listed there in order, other packages' layouts through
the `hyoka.layouts` entry-point group. A backend or layout defined here but not listed is still
used, with a warning, and the contract test (tests/test_contract.py) asks for its line.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from functools import lru_cache
from pathlib import Path

from hyoka.extractors import registry
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
    "choose_layout",
    "detect_layout",
    "layouts",
    "registry",
    "sheet_row_formats",
    "supported_extensions",
]


@lru_cache(maxsize=1)
def import_all() -> None:
    """Import every module of the package, so the registry can tell a class that is not listed."""
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


def backends() -> list[FormatBackend]:
    return [cls() for cls in registry.backends()]


def layouts() -> list[type[LayoutExtractor]]:
    """The layouts that may claim a document, in the registry's order, then the generic reader."""
    return [*registry.layouts(), registry.generic()]


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
    return registry.generic()


def choose_layout(text: SourceText):
    """The registry's choice for `text`: winner, its score and reasons, the runner-up (registry.LayoutChoice)."""
    return registry.choose_layout(text)


def detect_layout(text: SourceText) -> type[LayoutExtractor] | None:
    """The layout that claims `text` most confidently (score > 0.5), or None."""
    choice = choose_layout(text)
    return None if choice.score is None else choice.layout
