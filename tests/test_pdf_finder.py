"""pdf/finder.py re-writes pdfplumber's private ``TableFinder.__init__`` (to call a cell step that is
not quadratic). These tests fail, saying what to check, when the pin and the installed
pdfplumber part ways or the private ``__init__`` changes; and show that any other pdfplumber
falls back to its own TableFinder with the same rows."""

from __future__ import annotations

import inspect
import re
import tomllib

import pdfplumber
import pytest
from pdfplumber.table import TableFinder, TableSettings

from hyoka.extractors.pdf import PdfBackend, PdfSettings, finder

from conftest import ROOT, SAMPLES

RULED = SAMPLES / "musashino_3ki_evaluation_sheets_r7.pdf"  # ruled tables, merged cells, 24 pages
FIXTURES = ROOT / "tests" / "fixtures"


def test_pdfplumber_is_the_pinned_version_everywhere():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = [d for d in project["dependencies"] if d.startswith("pdfplumber")]
    constraints = re.findall(r"^pdfplumber==(\S+)$", (ROOT / "constraints.txt").read_text(), re.M)
    assert pins == [f"pdfplumber=={finder.PDFPLUMBER_PIN}"]
    assert constraints == [finder.PDFPLUMBER_PIN]
    assert pdfplumber.__version__ == finder.PDFPLUMBER_PIN, (
        f"pdfplumber {pdfplumber.__version__} is installed, pdf/finder.py was written against "
        f"{finder.PDFPLUMBER_PIN}: compare its TableFinder.__init__ with _Finder, then move the pin")


def test_private_table_finder_init_is_the_one_the_override_rewrites():
    """The override sets what pdfplumber's __init__ sets, from the same two arguments."""
    assert list(inspect.signature(TableFinder.__init__).parameters) == ["self", "page", "settings"]
    source = inspect.getsource(TableFinder.__init__)
    assert re.findall(r"self\.(\w+) =", source) == ["page", "settings", "edges", "intersections", "cells", "tables"]
    assert "intersections_to_cells(self.intersections)" in source
    assert "cells_to_tables(self.cells)" in source


def test_override_finds_pdfplumbers_tables_on_every_page():
    ours_class = finder._table_finder()
    assert ours_class is not TableFinder and issubclass(ours_class, TableFinder)
    settings = TableSettings.resolve(None)
    tables = 0
    with pdfplumber.open(RULED) as pdf:
        for page in pdf.pages:
            theirs, ours = TableFinder(page, settings), ours_class(page, settings)
            assert set(vars(ours)) == set(vars(theirs))
            assert [t.cells for t in ours.tables] == [t.cells for t in theirs.tables]
            assert [t.bbox for t in ours.tables] == [t.bbox for t in theirs.tables]
            tables += len(ours.tables)
            page.close()
    assert tables == 24  # one table per page (a sheet, or the part of one continued from the page before)


@pytest.mark.parametrize("path", [RULED, FIXTURES / "akiruno_progress_summary_r7_reportlab_regrid.pdf"],
                         ids=lambda p: p.name)
def test_another_pdfplumber_uses_its_own_table_finder_and_reads_the_same_rows(monkeypatch, path, caplog):
    expected = [(r.cells, r.ref.table, r.ref.row) for r in PdfBackend(PdfSettings(engine="pdfium")).read(path).rows]
    monkeypatch.setattr(finder, "_FINDER", None)
    monkeypatch.setattr(pdfplumber, "__version__", "0.12.0")
    assert finder._table_finder() is TableFinder
    assert "pdfplumber 0.12.0 is not 0.11.11" in caplog.text
    rows = [(r.cells, r.ref.table, r.ref.row) for r in PdfBackend(PdfSettings(engine="pdfium")).read(path).rows]
    assert rows == expected
    assert any(table is not None for _cells, table, _row in rows)
