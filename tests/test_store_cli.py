"""The store (Parquet + DuckDB, idempotent, atomic) and the `hyoka ingest` / `show` commands."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

import hyoka
from conftest import SAMPLES, SEED_FILES
from hyoka.pipeline.cli import EXIT_NONE_READ, EXIT_SOME_FAILED, app
from hyoka.pipeline.ingest import ingest
from hyoka.pipeline.store import load, write
from hyoka.pipeline.tables import TABLES

runner = CliRunner()
TEXT_SEEDS = [str(SAMPLES / name) for name in SEED_FILES.values()]  # the text renderings only


def test_ingest_writes_every_table_to_parquet_and_duckdb(tmp_path):
    res = runner.invoke(app, ["ingest", *TEXT_SEEDS, "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    for name in TABLES:
        assert (tmp_path / f"{name}.parquet").exists(), name
    con = duckdb.connect(str(tmp_path / "hyoka.duckdb"), read_only=True)
    n = dict(con.execute("select layout, count(*) from measures join documents using (doc_id) group by 1").fetchall())
    assert n["musashino_evaluation_sheets"] == 20 and n["akiruno_progress_summary"] == 14
    assert con.execute("select count(*) from actions").fetchone()[0] == 52
    assert con.execute("select count(*) from audit_findings where status = 'inconsistent'").fetchone()[0] == 0
    # lists and nullable integers survive the round trip
    deps = con.execute("select departments from measures where key = '施策19'").fetchone()[0]
    assert len(deps) == 7
    assert con.execute("select typeof(fiscal_year) from documents limit 1").fetchone()[0] == "BIGINT"
    con.close()
    assert "musashino_3ki_evaluation_sheets_r7.txt" in res.output  # one summary line per document


def test_rerun_gives_the_same_dataset(tmp_path):
    for _ in range(2):
        assert runner.invoke(app, ["ingest", *TEXT_SEEDS, "--out", str(tmp_path), "-q"]).exit_code == 0
    first = load(tmp_path)
    assert runner.invoke(app, ["ingest", str(SAMPLES / SEED_FILES["003"]), "--out", str(tmp_path), "-q"]).exit_code == 0
    again = load(tmp_path)
    for name in TABLES:
        key = [c for c in ("doc_id", "src", "check", "message") if c in first[name].columns]
        a = first[name].sort_values(key).reset_index(drop=True) if key else first[name]
        b = again[name].sort_values(key).reset_index(drop=True) if key else again[name]
        pd.testing.assert_frame_equal(a, b, check_dtype=False, obj=name)
    assert len(again["documents"]) == 5


def test_bad_files_fail_alone(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(SAMPLES / SEED_FILES["003"], batch)
    (batch / "empty.txt").write_bytes(b"")
    (batch / "unknown_layout.txt").write_text("議事録\n出席者 5名\n", encoding="utf-8")
    (batch / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    out = tmp_path / "out"
    res = runner.invoke(app, ["ingest", str(batch), "--out", str(out), "-q"])
    assert res.exit_code == EXIT_SOME_FAILED
    failures = pd.read_parquet(out / "failures.parquet").set_index("source_path")["reason"]
    assert len(failures) == 2
    reasons = {k.rsplit("/", 1)[-1]: v for k, v in failures.items()}
    assert reasons["empty.txt"] == "empty file (0 bytes)"
    assert "binary" in reasons["binary.txt"]
    assert "empty.txt: empty file (0 bytes)" in res.output  # one line naming the file and the reason
    # minutes (議事録) are no evaluation report: loaded as a document judged not a report, with the gate's
    # evidence, and nothing read from it (pipeline/gate.py)
    docs = pd.read_parquet(out / "documents.parquet")
    docs = docs.set_index(docs.source_path.str.rsplit("/", n=1).str[-1])
    assert docs.loc[SEED_FILES["003"], "municipality"] == "あきる野市"
    assert docs.loc["unknown_layout.txt", "status"] == "not_a_report"
    assert docs.loc["unknown_layout.txt", "errors"][0].startswith("評価・進捗の報告書ではないと判断: ")
    assert docs.loc["unknown_layout.txt", "n_measures"] == 0 and docs.loc["unknown_layout.txt", "n_notes"] == 0


def test_a_failed_file_does_not_erase_what_was_loaded(tmp_path):
    good = tmp_path / SEED_FILES["000"]
    shutil.copy(SAMPLES / SEED_FILES["000"], good)
    out = tmp_path / "out"
    assert runner.invoke(app, ["ingest", str(good), "--out", str(out), "-q"]).exit_code == 0
    good.write_bytes(b"")  # the same path now unreadable
    res = runner.invoke(app, ["ingest", str(good), "--out", str(out), "-q"])
    assert res.exit_code == EXIT_NONE_READ
    stored = load(out)
    assert len(stored["score_summaries"]) == 5  # the earlier reading stays
    assert len(stored["failures"]) == 1


def test_no_files(tmp_path):
    res = runner.invoke(app, ["ingest", str(tmp_path), "--out", str(tmp_path / "o")])
    assert res.exit_code == EXIT_NONE_READ


def _dataset(out):
    """What readers see: the bytes of every Parquet file at the top of the store (a folder of part
    files per table), and the rows of
    its database (its bytes may differ: DuckDB writes a big transaction's rows into free blocks
    before the commit, and a rollback leaves them there unused)."""
    files = {str(p.relative_to(out)): p.read_bytes() for p in out.glob("*.parquet/*.parquet")}
    return files, hyoka.open(out / "hyoka.duckdb").counts()


@pytest.mark.parametrize("step, published", [("chunk", False), ("exported", False),
                                             ("committed", True), ("checkpointed", True)])
def test_write_is_atomic_on_error(tmp_path, monkeypatch, step, published):
    tables = ingest([SAMPLES / SEED_FILES["002"]]).tables()
    write(tables, tmp_path)
    before = _dataset(tmp_path)
    inside = sorted(p.name for p in (tmp_path / ".hyoka").iterdir())

    import hyoka.pipeline.store as store

    def boom(at):
        if at == step:
            raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_checkpoint_hook", boom)
    with pytest.raises(RuntimeError):
        write(ingest([SAMPLES / SEED_FILES["003"]]).tables(), tmp_path)
    left = sorted(p.name for p in (tmp_path / ".hyoka").iterdir())
    if published:
        # the database committed: readers of the folder see the new dataset before any pointer switch
        assert (tmp_path / ".hyoka" / "CURRENT").read_text().strip() == "gen-000001"
        assert len(load(tmp_path)["documents"]) == 2
        assert hyoka.open(tmp_path).counts() == hyoka.open(tmp_path / "hyoka.duckdb").counts()
    else:
        assert _dataset(tmp_path) == before  # every Parquet file as it was, and the same rows
        assert len(load(tmp_path)["documents"]) == 1
        assert left == inside  # the generation exported for a commit that did not happen is removed
    monkeypatch.undo()
    write(ingest([SAMPLES / SEED_FILES["003"]]).tables(), tmp_path)
    assert len(load(tmp_path)["documents"]) == 2
    assert load(tmp_path)["documents"]["doc_id"].is_unique


def test_show_prints_the_tree():
    res = runner.invoke(app, ["show", str(SAMPLES / SEED_FILES["001"])])
    assert res.exit_code == 0
    assert "方針3 都市の活力を担う持続可能な産業振興" in res.output
    assert "施策12" in res.output and "方向性 拡充" in res.output


def test_help_explains_itself():
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0 and "ingest" in res.output and "audit" in res.output


def test_the_same_file_twice_is_loaded_once(tmp_path):
    copy = tmp_path / "copy_of_003.txt"
    shutil.copy(SAMPLES / SEED_FILES["003"], copy)
    out = tmp_path / "out"
    # named twice, and once more as a byte-identical copy under another name
    res = runner.invoke(app, ["ingest", str(SAMPLES / SEED_FILES["003"]), str(SAMPLES / SEED_FILES["003"]),
                              str(copy), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "1 read, 0 failed, 1 duplicates skipped" in res.output
    stored = load(out)
    assert len(stored["documents"]) == 1 and len(stored["measures"]) == 14
    dup, = stored["failures"].itertuples()
    assert dup.stage == "duplicate" and dup.source_path.endswith("copy_of_003.txt")


def test_tables_keep_their_columns_when_a_batch_has_no_rows_for_them(tmp_path):
    # 西東京市's overview has no 取組, values or costs: the tables still have their full schema
    assert runner.invoke(app, ["ingest", str(SAMPLES / SEED_FILES["002"]), "--out", str(tmp_path), "-q"]).exit_code == 0
    con = duckdb.connect(str(tmp_path / "hyoka.duckdb"), read_only=True)
    for table, column in (("actions", "planned"), ("indicator_values", "target"), ("costs", "total_cost"),
                          ("score_summaries", "n_circle"), ("failures", "reason")):
        assert con.execute(f"select count(*) from {table}").fetchone()[0] == 0
        assert column in [r[0] for r in con.execute(f"describe {table}").fetchall()], table
    con.close()


def test_odd_inputs_are_one_clear_line_each(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    text = (SAMPLES / SEED_FILES["003"]).read_text(encoding="utf-8")
    (batch / "utf16.txt").write_bytes(text.encode("utf-16"))  # Windows "Unicode" text: read, not rejected
    # a column renamed (方向性 → 区分): still read by its other labels, the level named as printed
    (batch / "renamed_column.txt").write_text(text.replace("方向性\t個別施策", "区分\t個別施策"), encoding="utf-8")
    (batch / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    res = runner.invoke(app, ["ingest", str(batch), "--out", str(tmp_path / "out"), "-q"])
    assert res.exit_code == EXIT_SOME_FAILED
    failures = pd.read_parquet(tmp_path / "out" / "failures.parquet")
    assert [p.rsplit("/", 1)[-1] for p in failures["source_path"]] == ["binary.txt"]
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert sorted(docs["source_path"].str.rsplit("/", n=1).str[-1]) == ["renamed_column.txt", "utf16.txt"]
    measures = pd.read_parquet(tmp_path / "out" / "measures.parquet")
    assert (measures.groupby("doc_id").size() == 14).all()
