"""The store's DuckDB file read with plain SQL: the views v_indicators, v_measures, v_findings."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from conftest import ROOT, SAMPLES


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    out = tmp_path_factory.mktemp("sql") / "tmp"
    subprocess.run([sys.executable, "-m", "hyoka", "ingest", str(SAMPLES), "--out", str(out), "-q"],
                   check=True, cwd=ROOT)
    return out


def test_the_readme_query_works_read_only(store):
    con = duckdb.connect(str(store / "hyoka.duckdb"), read_only=True)
    rows = con.execute("select municipality, fiscal_year, indicator, target, actual, achievement "
                       "from v_indicators").fetchall()
    assert len(rows) == con.execute("select count(*) from indicator_values").fetchone()[0]
    # あきる野市 事業承継セミナー 参加者数: R5 目標 20人 実績 21人 (the audit's grade_band finding recomputes 105.0 %)
    assert ("あきる野市", 2023, "参加者数", 20.0, 21.0, 105.0) in rows
    # R7 目標 45人 実績 17人 → 37.8 %
    assert ("あきる野市", 2025, "参加者数", 45.0, 17.0, 37.8) in rows


def test_achievement_only_for_yearly_rows_with_both_numbers(store):
    con = duckdb.connect(str(store / "hyoka.duckdb"), read_only=True)
    assert con.execute("select count(*) from v_indicators where achievement is not null and "
                       "(row_kind <> 'yearly' or target is null or actual is null or target <= 0)").fetchone()[0] == 0
    # where it is given it is actual ÷ target as a percentage, 1 decimal
    bad = con.execute("select count(*) from v_indicators where achievement is not null "
                      "and abs(achievement - 100 * actual / target) > 0.05").fetchone()[0]
    assert bad == 0
    # it agrees with the audit's own recomputation of the same printed figures: every grade_band
    # finding on a row (a row holds several years) has a year of that row with its percentage
    got = con.execute("""select count(*), count(*) filter (where hit) from (
        select f.doc_id, f.location, f.message, bool_or(abs(i.achievement - f.recomputed) < 0.06) as hit
        from v_findings f join v_indicators i on i.doc_id = f.doc_id and i.source = f.location
        where f.check_name = 'grade_band' and i.achievement is not null group by f.doc_id, f.location, f.message)""").fetchone()
    assert got[0] > 50 and got[0] == got[1]


def test_views_have_unambiguous_columns_and_no_reserved_words(store):
    con = duckdb.connect(str(store / "hyoka.duckdb"), read_only=True)
    for view in ("v_indicators", "v_measures", "v_findings"):
        cols = [r[0] for r in con.execute(f"describe {view}").fetchall()]
        assert len(cols) == len(set(cols)), view
        assert "check" not in cols
    cols = [r[0] for r in con.execute("describe v_indicators").fetchall()]
    assert cols[:12] == ["municipality", "plan", "fiscal_year", "measure", "theme", "indicator", "target", "actual",
                         "unit", "grade", "achievement", "source"]
    # the source is a readable place: file and line/page/table
    src = con.execute("select source from v_indicators where municipality = 'あきる野市' limit 1").fetchone()[0]
    assert src.startswith("akiruno_progress_summary_r7.") and ":" in src
    # every measure and finding has its document's municipality
    assert con.execute("select count(*) from v_measures").fetchone()[0] == \
        con.execute("select count(*) from measures").fetchone()[0]
    assert con.execute("select count(*) from v_findings").fetchone()[0] == \
        con.execute("select count(*) from audit_findings").fetchone()[0]
    assert con.execute("select count(distinct check_name) from v_findings").fetchone()[0] > 3


def test_views_are_not_stored_as_tables_and_survive_the_next_ingest(store, tmp_path):
    import shutil

    import hyoka

    copy = tmp_path / "copy"
    shutil.copytree(store, copy)
    ds = hyoka.open(copy)
    assert not any(name.startswith("v_") for name in ds.tables)
    assert not any(p.name.startswith("v_") for p in copy.iterdir())
    one = SAMPLES / "akiruno_progress_summary_r7.txt"
    subprocess.run([sys.executable, "-m", "hyoka", "ingest", str(one), "--out", str(copy), "-q"], check=True, cwd=ROOT)
    con = duckdb.connect(str(copy / "hyoka.duckdb"), read_only=True)
    assert con.execute("select count(*) from v_indicators").fetchone()[0] == \
        con.execute("select count(*) from indicator_values").fetchone()[0]
