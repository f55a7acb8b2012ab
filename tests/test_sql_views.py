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


def test_the_readme_query_is_run_exactly_as_printed(store):
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"read_only=True\)\.sql\('{3}(.*?)'{3}\)", readme, re.S)
    sql = next(b for b in blocks if "v_indicators" in b)
    assert sql.strip() == "select municipality, fiscal_year, indicator, target, actual, achievement from v_indicators"
    con = duckdb.connect(str(store / "hyoka.duckdb"), read_only=True)
    frame = con.sql(sql).df()
    assert list(frame.columns) == ["municipality", "fiscal_year", "indicator", "target", "actual", "achievement"]
    # 創業塾(参加者数) 令和6年度: 年間目標 19人, 実績 14人 → 73.7 %
    hit = frame[(frame.municipality == "あきる野市") & (frame.fiscal_year == 2024) & (frame.target == 19)]
    assert set(hit["achievement"]) == {73.7}


def test_every_column_is_commented_and_the_schema_has_a_version(store):
    from hyoka.pipeline.store_meta import SCHEMA_VERSION

    con = duckdb.connect(str(store / "hyoka.duckdb"), read_only=True)
    missing = con.execute("select table_name, column_name from duckdb_columns() where database_name = current_database()"
                          " and schema_name = 'main' and comment is null").fetchall()
    assert missing == []
    comment = dict(con.execute("select column_name, comment from duckdb_columns() "
                               "where table_name = 'v_indicators'").fetchall())
    assert comment["achievement"].startswith("100 × actual ÷ target")
    meta = con.execute("select schema_version, hyoka_version, generation from hyoka_meta").fetchall()
    assert meta == [(SCHEMA_VERSION, hyoka_version(), 1)]
    # docs/schema.md states the same version
    assert f"schema_version` = {SCHEMA_VERSION}" in (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    # the meta view is no dataset table
    import hyoka

    assert "hyoka_meta" not in hyoka.open(store).tables


def hyoka_version():
    import hyoka

    return hyoka.__version__


def test_parquet_files_carry_descriptions_and_the_schema_version(store):
    import pyarrow.parquet as pq

    from hyoka.pipeline.store_meta import SCHEMA_VERSION

    for folder in ("indicator_values", "documents", "failures"):
        for f in (store / f"{folder}.parquet").glob("*.parquet"):
            schema = pq.read_schema(f)
            assert schema.metadata[b"hyoka_schema_version"] == str(SCHEMA_VERSION).encode()
            assert all(field.metadata and b"label_ja" in field.metadata for field in schema)
    f = next((store / "indicator_values.parquet").glob("*.parquet"))
    field = pq.read_schema(f).field("actual")
    assert field.metadata[b"description"].decode().startswith("actual number")
    assert field.metadata[b"label_ja"].decode() == "実績"


def test_v_series_follows_a_measure_across_years_once_per_year(store):
    con = duckdb.connect(str(store / "hyoka.duckdb"), read_only=True)
    # あきる野市 is stored as txt, docx and pdf: each year once, R3 (実績値 only) to R8 (目標 only)
    rows = con.execute("select fiscal_year, target, actual, grade, plan from v_series "
                       "where measure = '事業承継相談' order by fiscal_year").fetchall()
    assert rows == [(2021, None, 6.0, None, "あきる野市商工業振興プラン"),
                    (2023, 10.0, 5.0, "C", "あきる野市商工業振興プラン"),
                    (2024, 15.0, 16.0, "A", "あきる野市商工業振興プラン"),
                    (2025, 23.0, 10.0, "C", "あきる野市商工業振興プラン"),
                    (2026, 33.0, None, None, "あきる野市商工業振興プラン")]
    n = con.execute("select count(distinct series_id) from v_series where municipality = 'あきる野市'").fetchone()[0]
    assert n == 14
    cols = [r[0] for r in con.execute("describe v_series").fetchall()]
    assert len(cols) == len(set(cols)) and cols[:3] == ["series_id", "municipality", "plan"]
