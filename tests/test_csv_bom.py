"""Every CSV file hyoka writes starts with a UTF-8 BOM: Excel on Japanese Windows otherwise reads it as
cp932 and garbles every Japanese header and name (Japanese open data is published this way too)."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from conftest import ROOT, SAMPLES

BOM = b"\xef\xbb\xbf"
ONE = SAMPLES / "akiruno_progress_summary_r7.txt"


def _hyoka(*args):
    res = subprocess.run([sys.executable, "-m", "hyoka", *map(str, args)], cwd=ROOT, capture_output=True)
    assert res.returncode in (0, 1), res.stderr.decode()  # 1: the audit found an inconsistency
    return res


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    out = tmp_path_factory.mktemp("bom") / "out"
    _hyoka("ingest", ONE, "--out", out, "-q")
    return out


def _check(path, first_column):
    raw = path.read_bytes()
    assert raw[:3] == BOM
    assert not raw[3:].startswith(BOM)  # one BOM, even when written batch by batch
    frame = pd.read_csv(path, encoding="utf-8-sig")
    assert frame.columns[0] == first_column
    return frame


def test_audit_csv_from_files_has_a_bom(tmp_path):
    out = tmp_path / "audit.csv"
    _hyoka("audit", ONE, "--format", "csv", "--out", out)
    frame = _check(out, "doc_id")
    assert "akiruno_progress_summary_r7.txt" in set(frame["source"])


def test_audit_csv_from_a_store_has_a_bom(store, tmp_path):
    out = tmp_path / "audit_db.csv"
    _hyoka("audit", "--db", store, "--format", "csv", "--out", out)
    frame = _check(out, "doc_id")
    assert len(frame) > 10


def test_compare_csv_has_a_bom(store, tmp_path):
    out = tmp_path / "compare.csv"
    _hyoka("compare", "--db", store, "--format", "csv", "--out", out)
    frame = _check(out, "municipality")
    assert set(frame["municipality"]) == {"あきる野市"}


def test_csv_on_stdout_has_no_bom(store):
    # a pipe into another program gets plain UTF-8: a BOM there would be a stray character
    res = _hyoka("compare", "--db", store, "--format", "csv")
    assert res.stdout.startswith(b"municipality,")
