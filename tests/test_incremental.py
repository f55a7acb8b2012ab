"""Incremental, chunked ingest into the store (#10 items 1–2): files hashed first, unchanged
files not parsed again, a changed file replaces only its own rows, chunks give the same
dataset as one whole batch, `audit --db` per batch of documents gives the same findings."""

from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import hyoka
from conftest import SAMPLES, SEED_FILES
from hyoka.pipeline.audit import audit_tables
from hyoka.pipeline.cli import app
from hyoka.pipeline.ingest import (
    DUPLICATE, READ, UNCHANGED, IngestSettings, ingest_to_store, process_file, serial_executor,
)
from hyoka.pipeline.store import load
from hyoka.pipeline.tables import TABLES

runner = CliRunner()


class CountingExecutor:
    """serial_executor, counting the files it is asked to read."""

    def __init__(self) -> None:
        self.files: list[str] = []

    def __call__(self, paths, limits):
        self.files.extend(p.name for p in paths)
        return serial_executor(paths, limits)


@pytest.fixture
def seeds(tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    for name in SEED_FILES.values():
        shutil.copy(SAMPLES / name, folder)
    return folder


def _rows(frame: pd.DataFrame) -> list[tuple]:
    """Rows as plain tuples (lists and arrays as tuples, every missing value as None), in stored order."""
    def plain(v):
        if isinstance(v, (list, tuple, np.ndarray)):
            return tuple(plain(x) for x in v)
        if v is None or v is pd.NA or (isinstance(v, float) and v != v):
            return None
        return v.item() if isinstance(v, np.generic) else v
    return [tuple(plain(v) for v in row) for row in frame.itertuples(index=False)]


def test_an_unchanged_rerun_reads_nothing(seeds, tmp_path):
    out = tmp_path / "out"
    first = CountingExecutor()
    run = ingest_to_store([seeds], out, executor=first)
    assert sorted(first.files) == sorted(SEED_FILES.values()) and run.count(READ) == 5
    generation = run.generation
    again = CountingExecutor()
    run = ingest_to_store([seeds], out, executor=again)
    assert again.files == [] and run.count(UNCHANGED) == 5 and run.count(READ) == 0
    assert run.generation is None and run.tables == {}  # nothing written, no new generation
    assert (out / ".hyoka" / "CURRENT").read_text(encoding="utf-8").strip() == generation.name
    res = runner.invoke(app, ["ingest", str(seeds), "--out", str(out)])
    assert res.exit_code == 0 and "0 read, 0 failed, 5 unchanged" in res.output
    # --force reads every file again, and the dataset stays the same
    before = load(out)
    forced = CountingExecutor()
    run = ingest_to_store([seeds], out, IngestSettings(force=True), executor=forced)
    assert len(forced.files) == 5 and run.count(READ) == 5
    after = load(out)
    for name in TABLES:
        assert _rows(after[name]) == _rows(before[name]), name


def test_a_changed_file_replaces_only_its_own_rows(seeds, tmp_path):
    out = tmp_path / "out"
    ingest_to_store([seeds], out)
    before = load(out)
    changed = seeds / SEED_FILES["003"]
    old_id = before["documents"].set_index("source_path").loc[str(changed), "doc_id"]
    # one measure's line dropped: 14 measures → 13
    lines = changed.read_text(encoding="utf-8").splitlines(keepends=True)
    drop = next(i for i, line in enumerate(lines) if "事業承継" in line)
    changed.write_text("".join(lines[:drop] + lines[drop + 1:]), encoding="utf-8")
    counting = CountingExecutor()
    run = ingest_to_store([seeds], out, executor=counting)
    assert counting.files == [SEED_FILES["003"]] and run.count(UNCHANGED) == 4
    after = load(out)
    new_id = after["documents"].set_index("source_path").loc[str(changed), "doc_id"]
    assert new_id != old_id and old_id not in set(after["measures"]["doc_id"])
    assert (after["measures"]["doc_id"] == new_id).sum() == 13
    assert (before["measures"]["doc_id"] == old_id).sum() == 14
    for name in TABLES:
        if "doc_id" in before[name] and name != "failures":
            keep = lambda f: f[~f["doc_id"].isin([old_id, new_id])]  # noqa: E731
            assert _rows(keep(after[name])) == _rows(keep(before[name])), name  # the others' rows untouched


def test_chunks_give_the_same_dataset_as_one_batch(tmp_path):
    files = [SAMPLES / name for name in SEED_FILES.values()] + [SAMPLES / "akiruno_progress_summary_r7.docx"]
    whole = hyoka.read(files)  # everything in memory, built and audited as one batch
    for chunk_size, chunk_rows, chunks in ((1, 50_000, 6), (4, 50_000, 2), (20, 1, 6)):
        out = tmp_path / f"out{chunk_size}_{chunk_rows}"
        run = ingest_to_store(files, out, IngestSettings(chunk_size=chunk_size, chunk_rows=chunk_rows))
        assert run.chunks == chunks  # a chunk is cut at chunk_size documents or chunk_rows rows
        stored = hyoka.open(out)
        for name in TABLES:
            a, b = whole[name], stored[name]
            assert list(a.columns) == list(b.columns), name
            assert _rows(a) == _rows(b), f"{name} with chunks of {chunk_size}"


def test_audit_db_per_batch_gives_the_whole_audit(tmp_path):
    from hyoka.pipeline.cli import _audit_db
    from hyoka.pipeline.rules import RuleSet

    files = [SAMPLES / name for name in SEED_FILES.values()]
    out = tmp_path / "out"
    ingest_to_store(files, out)
    whole = audit_tables(hyoka.open(out).tables)
    for batch_size in (1, 2, 50):
        findings, n_docs = _audit_db(out, RuleSet(), batch_size)
        assert n_docs == 5
        assert [(f.doc_id, f.check, f.status, f.location, f.message) for f in findings] == \
               [(f.doc_id, f.check, f.status, f.location, f.message) for f in whole]
    assert {"points_exact", "grade_band", "era_impossible"} <= {f.check for f in whole}
    res = runner.invoke(app, ["audit", "--db", str(out), "--format", "json"])
    assert res.exit_code == 0, res.output


def test_process_file_gives_one_documents_rows():
    outcome = process_file(SAMPLES / SEED_FILES["003"])
    assert outcome.failure is None and outcome.path == str(SAMPLES / SEED_FILES["003"])
    assert len(outcome.tables["measures"]) == 14 and len(outcome.tables["documents"]) == 1
    assert set(outcome.tables["measures"]["doc_id"]) == {outcome.doc_id}
    assert "audit_findings" in outcome.tables and "failures" not in outcome.tables
    import pickle

    assert pickle.loads(pickle.dumps(outcome)).tables["measures"].shape == outcome.tables["measures"].shape
    bad = process_file(SAMPLES / "no_such_file.txt")
    assert bad.tables == {} and bad.failure.reason == "file not found" and bad.doc_id is None


def test_two_spellings_of_one_file_are_one_document(tmp_path, monkeypatch):
    folder = tmp_path / "dir"
    folder.mkdir()
    shutil.copy(SAMPLES / SEED_FILES["003"], folder / "x.txt")
    (tmp_path / "link").symlink_to(folder)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    run = ingest_to_store(["dir/x.txt", str(folder / "x.txt"), "dir/../dir/x.txt"], out)
    assert run.count(READ) == 1 and run.found == 1
    for spelling in (str(folder / "x.txt"), "link/x.txt", "./dir/x.txt"):
        run = ingest_to_store([spelling], out)
        assert run.count(UNCHANGED) == 1, spelling
    docs = load(out)["documents"]
    assert list(docs["source_path"]) == [str((folder / "x.txt").resolve())]


def test_copies_stay_one_document_across_runs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / SEED_FILES["003"], folder / "a.txt")
    shutil.copy(SAMPLES / SEED_FILES["003"], folder / "b_copy.txt")
    out = tmp_path / "out"
    run = ingest_to_store([folder], out)
    assert [r.status for r in run.files] == [READ, DUPLICATE]
    counting = CountingExecutor()
    run = ingest_to_store([folder], out, executor=counting)
    assert counting.files == [] and [r.status for r in run.files] == [UNCHANGED, DUPLICATE]
    assert run.generation is None  # the duplicate row is stored already
    stored = load(out)
    assert len(stored["documents"]) == 1 and list(stored["failures"]["stage"]) == ["duplicate"]
    # a.txt changes: the copy's content is no longer stored, so the copy is read now
    (folder / "a.txt").write_text(SAMPLES.joinpath(SEED_FILES["004"]).read_text(encoding="utf-8"), encoding="utf-8")
    run = ingest_to_store([folder], out)
    assert [r.status for r in run.files] == [READ, READ]
    stored = load(out)
    assert sorted(stored["documents"]["source_path"].str.rsplit("/", n=1).str[-1]) == ["a.txt", "b_copy.txt"]
    assert stored["failures"].empty


def test_hashing_reads_no_file_over_the_size_limit(tmp_path, monkeypatch):
    from hyoka.extractors.limits import Limits

    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 3 * 1024 * 1024)
    opened = []
    real_open = open

    def spy(path, *a, **k):
        opened.append(str(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr("builtins.open", spy)
    run = ingest_to_store([big], tmp_path / "out", IngestSettings(limits=Limits(max_file_mb=1)))
    monkeypatch.undo()
    report, = run.files
    assert report.failure.stage == "limit" and "max_file_mb" in report.failure.reason
    assert str(big) not in opened
    assert list(load(tmp_path / "out")["failures"]["stage"]) == ["limit"]


def test_a_file_that_failed_is_named_again_not_read_again(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)  # hashed, then refused by the text backend
    shutil.copy(SAMPLES / SEED_FILES["004"], folder)
    out = tmp_path / "out"
    expected = f"✗ {folder / 'binary.txt'}: binary content in a text file (NUL bytes, and not UTF-16 or UTF-32 text)"
    res = runner.invoke(app, ["ingest", str(folder), "--out", str(out)])
    assert res.exit_code == 3 and expected in res.output.splitlines()
    counting = CountingExecutor()
    run = ingest_to_store([folder], out, executor=counting)
    assert counting.files == [] and [r.status for r in run.files] == [UNCHANGED, "failed"]
    res = runner.invoke(app, ["ingest", str(folder), "--out", str(out)])
    assert res.exit_code == 3 and expected in res.output.splitlines()
    assert "0 read, 1 failed, 1 unchanged" in res.output
    assert len(load(out)["failures"]) == 1


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_audit_db_streamed_gives_the_report_render_gives(tmp_path, fmt):
    from hyoka.pipeline.cli import _audit_db_streamed
    from hyoka.pipeline.report import render
    from hyoka.pipeline.rules import RuleSet

    files = [SAMPLES / name for name in SEED_FILES.values()]
    out = tmp_path / "out"
    ingest_to_store(files, out)
    findings = audit_tables(hyoka.open(out).tables)
    whole = render(findings, fmt)
    if fmt == "json":  # the wrapper every command's JSON has, around the findings render gives
        data = json.loads(whole)
        whole = json.dumps({"hyoka": hyoka.__version__, "command": "audit", "findings": data, "documents": 5,
                            "exit_code": 0}, ensure_ascii=False, indent=2) + "\n"
    for batch_size in (1, 3):
        report = tmp_path / f"a{batch_size}.{fmt}"
        n_docs, n_findings, inconsistent = _audit_db_streamed(out, RuleSet(), fmt, report, batch_size)
        assert (n_docs, inconsistent) == (5, False)
        assert report.read_text(encoding="utf-8-sig") == whole
        assert report.read_bytes().startswith(b"\xef\xbb\xbf") == (fmt == "csv")  # a BOM once, at the start
    res = runner.invoke(app, ["audit", "--db", str(out), "--format", fmt])
    assert res.exit_code == 0 and res.stdout == whole


def test_settings_are_checked():
    with pytest.raises(ValueError, match="chunk_size"):
        IngestSettings(chunk_size=0)
    with pytest.raises(ValueError, match="chunk_rows"):
        IngestSettings(chunk_rows=-5)
    with pytest.raises(ValueError, match="lock_timeout"):
        IngestSettings(lock_timeout=-1)
