"""What reads each format on this machine, and the optional programs behind them — for `hyoka info`.

`formats()` gives one `FormatSupport` per backend: its extensions, what reads it (the backend's
`describe()`), whether it can be read here (`FormatBackend.missing()` is None) and else what to
install. `tools()` gives the optional system programs: LibreOffice (.doc/.odt), antiword (.doc
as text) and Tesseract (OCR of scanned PDFs; the OCR backend registers its own check with
`register_tool`, and until then the row says whether Tesseract is on PATH).
"""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass
from typing import Callable


@dataclass(frozen=True)
class FormatSupport:
    name: str
    extensions: tuple[str, ...]
    reader: str | None  # what reads it here ("python-calamine 0.9.1", "LibreOffice (/usr/bin/soffice) …")
    available: bool
    install: str | None  # what to install when not available


@dataclass(frozen=True)
class Tool:
    name: str
    used_for: str
    path: str | None  # where it was found; None: not installed
    install: str

    @property
    def found(self) -> bool:
        return self.path is not None


def _libreoffice() -> Tool:
    from hyoka.extractors import _soffice

    return Tool("LibreOffice", ".doc and .odt (converted to DOCX)", _soffice.soffice_path(),
                _soffice.INSTALL_LIBREOFFICE)


def _antiword() -> Tool:
    from hyoka.extractors import _soffice

    return Tool("antiword", ".doc as text only, without LibreOffice", _soffice.antiword_path(),
                _soffice.INSTALL_ANTIWORD)


def _tesseract() -> Tool:
    return Tool("Tesseract", "OCR of scanned PDFs (with its Japanese data)", shutil.which("tesseract"),
                'apt install tesseract-ocr tesseract-ocr-jpn; pip install "hyoka[ocr]"')


_TOOLS: dict[str, Callable[[], Tool]] = {"libreoffice": _libreoffice, "antiword": _antiword, "tesseract": _tesseract}


def register_tool(key: str, check: Callable[[], Tool]) -> None:
    """Replace or add the check behind one row of `tools()` (the OCR backend's own Tesseract check)."""
    _TOOLS[key] = check


def tools() -> list[Tool]:
    return [check() for check in _TOOLS.values()]


def formats() -> list[FormatSupport]:
    from hyoka import extractors

    out = []
    for backend in extractors.backends():
        missing = backend.missing()
        out.append(FormatSupport(backend.name, tuple(backend.extensions), backend.describe() or None,
                                 missing is None, missing))
    return out


def as_json() -> dict:
    """{"formats": [...], "tools": [...]} for `hyoka info --json`."""
    return {
        "formats": [{**asdict(f), "extensions": list(f.extensions)} for f in formats()],
        "tools": [{"name": t.name, "used_for": t.used_for, "found": t.found, "path": t.path, "install": t.install}
                  for t in tools()],
    }


def lines() -> list[str]:
    """The `formats` and `optional programs` sections of `hyoka info`, one line each (no markup)."""
    out = ["formats"]
    for f in formats():
        line = f"  {f.name}: {' '.join(f.extensions)}" + (f" — {f.reader}" if f.reader else "")
        if not f.available:
            line += f" [not readable here: {f.install}]"
        out.append(line)
    out.append("optional programs")
    for t in tools():
        state = f"found ({t.path})" if t.found else f"not found — {t.install}"
        out.append(f"  {t.name} for {t.used_for}: {state}")
    return out
