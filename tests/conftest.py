from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_docs"
# The code is imported as the installed `hyoka` package (pip install -e ".[dev]"); this file does
# not put the repository root on sys.path (pipeline/, extractors/, normalizers/ are hyoka.* only).

SEED_FILES = {
    "000": "musashino_2ki_progress_summary.txt",
    "001": "musashino_3ki_evaluation_sheets_r7.txt",
    "002": "nishitokyo_masterplan2_overview.md",
    "003": "akiruno_progress_summary_r7.txt",
    "004": "akishima_plan_report_r5.txt",
}


# The same reports in other formats (tests/fixtures/make_fixtures.py made them from the text).
SEED_FORMATS = {"000": ("txt", "pdf"), "001": ("txt", "docx", "pdf"), "002": ("txt",),
                "003": ("txt", "docx", "pdf"), "004": ("txt",)}


def seed_path(seed: str, fmt: str = "txt") -> Path:
    name = SEED_FILES[seed]
    return SAMPLES / (name if fmt == "txt" else f"{Path(name).stem}.{fmt}")


@pytest.fixture(scope="session")
def read_seed():
    """read_seed(seed, fmt) → that version of a sample report as a Document, each read once."""
    from hyoka.pipeline.ingest import read_document

    cache = {}

    def read(seed: str, fmt: str = "txt"):
        if (seed, fmt) not in cache:
            cache[seed, fmt] = read_document(seed_path(seed, fmt))
        return cache[seed, fmt]

    return read


@pytest.fixture(scope="session")
def seed_docs():
    """The five sample reports (text renderings), each read once: seed number → Document."""
    from hyoka.pipeline.ingest import read_document

    return {n: read_document(SAMPLES / name) for n, name in SEED_FILES.items()}


@pytest.fixture(scope="session")
def seed_tables():
    """The canonical tables for the five text renderings."""
    from hyoka.pipeline.ingest import ingest

    result = ingest([SAMPLES / name for name in SEED_FILES.values()])
    assert not result.failures, result.failures
    return result.tables()


# Columns that legitimately differ between the text, DOCX and PDF versions of one report.
FORMAT_DEPENDENT = {"doc_id", "source_path", "format", "encoding", "errors", "source", "location", "inputs", "rule",
                    # "legend printed in the report (<file>:<location>)": names the file and where in it
                    "rule_source"}


def comparable(tables, table: str):
    """A table with the format-dependent columns (ids, paths, src_* references) dropped,
    rows in a stable order — for "the same dataset from DOCX/PDF as from text" tests."""
    frame = tables[table]
    keep = [c for c in frame.columns if c not in FORMAT_DEPENDENT and not c.startswith("src")]
    frame = frame[keep].astype(str)
    return frame.sort_values(keep).reset_index(drop=True) if keep else frame
