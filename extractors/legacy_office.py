"""Legacy Office and OpenDocument files: .xls and .ods (spreadsheets), .doc and .odt (word processing).

Spreadsheets are read by python-calamine (a dependency: Rust, from PyPI) into the same rows as
an .xlsx — every worksheet (hidden ones too) a table, one Row per sheet row that holds a value,
on one grid per sheet, numbers and dates printed as xlsx_format.cell_text prints them, merged
cells' values at their top-left cell. Source references as in an .xlsx: `SourceRef(file,
table=<0-based worksheet>, row=<0-based sheet row>, col=<0-based column>)`. Text boxes anchored to
cells are read from an .ods (extractors/_ods_shapes.py), as from an .xlsx; not from an .xls.

Word-processor files are converted by LibreOffice headless to DOCX in a temporary folder
(extractors/_soffice.py; its time counted against the document's `max_seconds`) and read by the
DOCX backend; every reference then names the original file (`report.doc`, not the converted
copy), and the document's format is "doc"/"odt". Without LibreOffice a .doc is read as text by
antiword (one Row per line, `SourceRef(file, line_start=n)`, tables as lines of text) with a
warning saying so; without either, or for an .odt without LibreOffice, the file fails with one
line naming what to install.
"""

from __future__ import annotations

import abc
import dataclasses
from pathlib import Path

from hyoka.extractors import _calamine, _soffice
from hyoka.extractors._common import check_file_size, reasons_for_people
from hyoka.extractors.base import _OLE_MAGIC, ExtractionError, FormatBackend, Row, SourceText, check_office_zip
from hyoka.extractors.limits import DEFAULT_LIMITS, Limits
from hyoka.pipeline.model import SourceRef

_RTF_MAGIC = b"{\\rtf"  # many ".doc" files on municipal sites are RTF, which LibreOffice reads too


class _CalamineSheetsBackend(FormatBackend):
    """.xls / .ods by python-calamine, rows as the XLSX backend makes them."""

    what = ""

    def describe(self) -> str:
        return f"python-calamine {_calamine.version() or ''}".strip()

    def missing(self) -> str | None:
        return None if _calamine.available() else "pip install python-calamine"

    def read(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> SourceText:
        from hyoka.extractors.xlsx_format import _sheet_rows

        check_file_size(path, limits)
        if not _calamine.available():
            raise ExtractionError(f"reading {self.extensions[0]} needs python-calamine: pip install python-calamine")
        with reasons_for_people(self.what):
            self._check(path, limits)
            sheets = _calamine.read_values(path, self.name, limits, [limits.max_cells])
            warnings: list[str] = []
            boxes = self._text_boxes(path, warnings)
            rows: list[Row] = []
            for index, (title, values) in enumerate(sheets or []):
                shapes = boxes.get(title, [])
                if shapes:
                    from hyoka.extractors._ods_shapes import without_boxes

                    without_boxes(values, shapes)
                rows.extend(_sheet_rows(path.name, index, values, [b[:3] for b in shapes], limits))
        return SourceText(path=path, format=self.name, rows=rows, warnings=warnings)

    def _text_boxes(self, path: Path, warnings: list[str]) -> dict[str, list]:
        return {}

    @abc.abstractmethod
    def _check(self, path: Path, limits: Limits) -> None:
        """ExtractionError when the file is plainly not of this format (before calamine parses it)."""


class XlsBackend(_CalamineSheetsBackend):
    name = "xls"
    extensions = (".xls",)
    what = "the Excel 97–2003 workbook"

    def _check(self, path: Path, limits: Limits) -> None:
        with path.open("rb") as fh:
            magic = fh.read(8)
        if magic[:4] == b"PK\x03\x04":  # an .xlsx saved under the old name: calamine reads it as such
            check_office_zip(path, "xl/workbook.xml", "an Excel workbook", ".xls", limits)
        elif magic != _OLE_MAGIC:
            raise ExtractionError("not an Excel 97–2003 workbook (no OLE compound-file header; a web page or "
                                  "text saved as .xls? rename it to .html or .txt)")


class OdsBackend(_CalamineSheetsBackend):
    name = "ods"
    extensions = (".ods",)
    what = "the OpenDocument spreadsheet"

    def _check(self, path: Path, limits: Limits) -> None:
        check_office_zip(path, "content.xml", "an OpenDocument spreadsheet", ".xls", limits)

    def _text_boxes(self, path: Path, warnings: list[str]) -> dict[str, list]:
        from hyoka.extractors._ods_shapes import text_boxes

        return text_boxes(path, warnings)


class _ConvertedBackend(FormatBackend):
    """.doc / .odt: LibreOffice → DOCX → the DOCX backend; references name the original file."""

    def describe(self) -> str:
        soffice = _soffice.soffice_path()
        if soffice:
            return f"LibreOffice ({soffice}) converts to DOCX, then the DOCX reader"
        return "LibreOffice converts to DOCX, then the DOCX reader"

    def missing(self) -> str | None:
        return None if _soffice.soffice_path() else _soffice.INSTALL_LIBREOFFICE

    def read(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> SourceText:
        from hyoka.extractors.docx_format import DocxBackend

        check_file_size(path, limits)
        self._check(path, limits)
        with _soffice.converted(path, "docx", limits) as docx:
            text = DocxBackend().read(docx, limits)
        return renamed(text, path, self.name)

    @abc.abstractmethod
    def _check(self, path: Path, limits: Limits) -> None:
        """ExtractionError when the file is plainly not of this format."""


class OdtBackend(_ConvertedBackend):
    name = "odt"
    extensions = (".odt",)

    def _check(self, path: Path, limits: Limits) -> None:
        check_office_zip(path, "content.xml", "an OpenDocument text", ".doc", limits)


class DocBackend(_ConvertedBackend):
    name = "doc"
    extensions = (".doc",)

    def describe(self) -> str:
        if _soffice.soffice_path() is None and _soffice.antiword_path():
            return f"antiword ({_soffice.antiword_path()}): text only, tables as lines; LibreOffice reads tables " \
                   f"({_soffice.INSTALL_LIBREOFFICE})"
        return super().describe() + ("" if _soffice.soffice_path() else "; or antiword, text only")

    def missing(self) -> str | None:
        if _soffice.soffice_path() or _soffice.antiword_path():
            return None
        return f"{_soffice.INSTALL_LIBREOFFICE}; or for text only: {_soffice.INSTALL_ANTIWORD}"

    def _check(self, path: Path, limits: Limits) -> None:
        with path.open("rb") as fh:
            magic = fh.read(8)
        if magic[:4] == b"PK\x03\x04":
            raise ExtractionError("not a Word 97–2003 document (a zip archive: a .docx saved under the old name? "
                                  "rename it to .docx)")
        if magic != _OLE_MAGIC and not magic.startswith(_RTF_MAGIC):
            raise ExtractionError("not a Word 97–2003 document (no OLE compound-file header, not RTF)")

    def read(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> SourceText:
        if _soffice.soffice_path() is not None:
            return super().read(path, limits)
        check_file_size(path, limits)
        self._check(path, limits)
        lines = _soffice.antiword_text(path, limits).splitlines()
        rows = [Row(cells=(line,), ref=SourceRef(file=path.name, line_start=n, line_end=n))
                for n, line in enumerate(lines, 1) if line.strip()]
        return SourceText(path=path, format=self.name, rows=rows,
                          warnings=[f"read as text by antiword (LibreOffice not installed: tables are lines of text; "
                                    f"{_soffice.INSTALL_LIBREOFFICE})"])


def renamed(text: SourceText, original: Path, fmt: str) -> SourceText:
    """`text` (read from a converted copy) as the original file's: every reference names it."""
    name = original.name

    def ref(r: SourceRef) -> SourceRef:
        return dataclasses.replace(r, file=name)

    rows = [dataclasses.replace(row, ref=ref(row.ref),
                                cell_refs=tuple(ref(c) for c in row.cell_refs) if row.cell_refs else row.cell_refs)
            for row in text.rows]
    flags = [dataclasses.replace(f, ref=ref(f.ref)) if getattr(f, "ref", None) else f for f in text.flags]
    return dataclasses.replace(text, path=original, format=fmt, rows=rows, flags=flags)
