"""pipeline/executors.py: the per-file work in this process, in a process pool and on Dask gives the
same tables; a file over a limit, or whose worker dies, costs that file only."""

from __future__ import annotations

import gc
import os
import pickle
import shutil

import pandas as pd
import pytest

from conftest import SAMPLES
from hyoka.extractors.limits import Limits
from hyoka.pipeline.executors import FileOutcome, ProgressLine, _largest_first, process_file, progress_text, run_files

FAKES = ["executor_fakes"]  # tests/executor_fakes.py: backends that spin, hog memory or die


def by_path(outcomes) -> dict[str, FileOutcome]:
    found = {}
    for outcome in outcomes:
        assert outcome.path not in found, f"{outcome.path} came back twice"
        found[outcome.path] = outcome
    return found


def assert_same_tables(left: dict[str, FileOutcome], right: dict[str, FileOutcome]) -> None:
    assert sorted(left) == sorted(right)
    for path in left:
        a, b = left[path], right[path]
        assert (a.doc_id, a.failure) == (b.doc_id, b.failure), path
        assert sorted(a.tables) == sorted(b.tables), path
        for name in a.tables:
            pd.testing.assert_frame_equal(a.tables[name], b.tables[name], obj=f"{path}: {name}")


@pytest.fixture(scope="module")
def samples():
    return sorted(p for p in SAMPLES.iterdir() if p.is_file())


@pytest.fixture(scope="module")
def serial(samples):
    return by_path(run_files(samples, jobs=1))


def test_in_process_reads_every_sample_with_its_own_rows(serial, samples):
    assert sorted(serial) == sorted(str(p) for p in samples)
    assert all(o.ok and o.doc_id and o.seconds > 0 for o in serial.values())
    measures = {p.rsplit("/", 1)[-1]: len(o.tables["measures"]) for p, o in serial.items()}
    # each document's rows only: the three renderings of one report agree, and one version of each
    # report adds up to the 545 measures the README's DuckDB example counts
    assert measures["akiruno_progress_summary_r7.pdf"] == measures["akiruno_progress_summary_r7.docx"] == 14
    assert measures["ofunato_jimujigyo_hyoka_r7.xlsx"] == 407
    one_each = ["akiruno_progress_summary_r7.txt", "akishima_plan_report_r5.txt", "musashino_2ki_progress_summary.txt",
                "musashino_3ki_evaluation_sheets_r7.txt", "nishitokyo_masterplan2_overview.md",
                "ofunato_jimujigyo_hyoka_r7.xlsx"]
    assert sum(measures[name] for name in one_each) == 545
    ofunato = serial[str(SAMPLES / "ofunato_jimujigyo_hyoka_r7.xlsx")]
    assert set(ofunato.tables["measures"]["doc_id"]) == {ofunato.doc_id}
    assert set(ofunato.tables["audit_findings"]["doc_id"]) == {ofunato.doc_id}
    assert "failures" not in ofunato.tables  # a failure is the outcome's own, written by the ingest loop


def test_two_workers_give_the_same_tables_as_one(serial, samples):
    seen = []
    pooled = by_path(run_files(samples, jobs=2, on_outcome=lambda o, done, total: seen.append((o.path, done, total))))
    assert_same_tables(serial, pooled)
    assert [(done, total) for _, done, total in seen] == [(i, len(samples)) for i in range(1, len(samples) + 1)]
    assert sorted(path for path, _, _ in seen) == sorted(serial)


def test_outcome_pickles_without_documents(serial):
    outcome = serial[str(SAMPLES / "akiruno_progress_summary_r7.txt")]
    again = pickle.loads(pickle.dumps(outcome))
    assert again.doc_id == outcome.doc_id
    pd.testing.assert_frame_equal(again.tables["indicator_values"], outcome.tables["indicator_values"])


def test_a_bad_file_is_one_failure_line(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    outcome = process_file(empty, Limits())
    assert outcome.tables == {} and outcome.doc_id is None
    assert (outcome.failure.stage, outcome.failure.reason) == ("read", "empty file (0 bytes)")
    assert outcome.failure.source_path == str(empty)
    missing = process_file(tmp_path / "gone.pdf", Limits())
    assert missing.failure.reason == "file not found"


def _batch(tmp_path, bad_name: str):
    """Two good reports around a misbehaving file."""
    good = [tmp_path / "a.txt", tmp_path / "b.md"]
    shutil.copy(SAMPLES / "akiruno_progress_summary_r7.txt", good[0])
    shutil.copy(SAMPLES / "nishitokyo_masterplan2_overview.md", good[1])
    bad = tmp_path / bad_name
    bad.write_text("x")
    return [good[0], bad, good[1]], bad


def _assert_only_bad_failed(outcomes, bad, stage: str, words: str):
    found = by_path(outcomes)
    assert len(found) == 3
    failure = found.pop(str(bad)).failure
    assert failure is not None and failure.stage == stage and words in failure.reason, failure
    assert "Traceback" not in failure.reason and "\n" not in failure.reason
    assert [len(o.tables["measures"]) for _, o in sorted(found.items())] == [14, 11]


def test_a_file_past_max_seconds_is_stopped_in_a_pool(tmp_path):
    paths, bad = _batch(tmp_path, "stuck.hyokaspin")
    outcomes = list(run_files(paths, jobs=2, limits=Limits(max_seconds=1.5), imports=FAKES))
    _assert_only_bad_failed(outcomes, bad, "limit", "max_seconds")
    assert next(o for o in outcomes if o.path == str(bad)).failure.reason == "took longer than 1.5 s (max_seconds); stopped"


def test_a_file_past_max_seconds_is_stopped_in_process(tmp_path):
    paths, bad = _batch(tmp_path, "stuck.hyokaspin")
    _assert_only_bad_failed(run_files(paths, jobs=1, limits=Limits(max_seconds=1.5), imports=FAKES),
                            bad, "limit", "max_seconds")


def test_a_worker_over_max_memory_costs_one_file(tmp_path):
    paths, bad = _batch(tmp_path, "greedy.hyokahog")
    # a worker with pandas and every backend loaded is ~150–250 MB resident; the hog passes 600 in < 1 s
    _assert_only_bad_failed(run_files(paths, jobs=2, limits=Limits(max_memory_mb=600), imports=FAKES),
                            bad, "limit", "max_memory_mb")


def test_a_file_over_max_memory_is_stopped_in_process(tmp_path):
    paths, bad = _batch(tmp_path, "greedy.hyokahog")
    # in this process the cap is what reading the file adds to the resident memory
    _assert_only_bad_failed(run_files(paths, jobs=1, limits=Limits(max_memory_mb=300), imports=FAKES),
                            bad, "limit", "max_memory_mb")


def test_a_worker_killed_mid_file_costs_one_file(tmp_path):
    paths, bad = _batch(tmp_path, "doomed.hyokakill")
    _assert_only_bad_failed(run_files(paths, jobs=2, imports=FAKES), bad, "crash", "killed by SIGKILL")


def test_a_pool_worker_keeps_what_it_inherits_out_of_the_collectors_walk(tmp_path):
    """Each worker freezes the modules it inherits (pandas, every backend): a full collection no
    longer walks them. The caller's own process (jobs=1) is left as it was."""
    probe = tmp_path / "p.hyokaprobe"
    probe.write_text("x")
    good = tmp_path / "a.txt"
    shutil.copy(SAMPLES / "akiruno_progress_summary_r7.txt", good)
    pooled = by_path(run_files([probe, good], jobs=2, imports=FAKES))[str(probe)].failure.reason.split()
    assert pooled[0] == "pid" and int(pooled[1]) != os.getpid()
    assert int(pooled[3]) > 50_000  # pandas alone brings tens of thousands of objects
    before = gc.get_freeze_count()
    here = by_path(run_files([probe], jobs=1, imports=FAKES))[str(probe)].failure.reason
    assert here == f"pid {os.getpid()} frozen {before}"


def test_a_pool_reads_the_largest_files_first(tmp_path):
    """So that a batch does not end with one worker reading a big file while the others idle."""
    sizes = {"small.txt": 10, "big.pdf": 5000, "middle.docx": 300, "also_small.md": 10}
    paths = []
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
        paths.append(tmp_path / name)
    gone = tmp_path / "gone.xlsx"
    assert [p.name for p in _largest_first([gone, *paths])] == [
        "big.pdf", "middle.docx", "small.txt", "also_small.md", "gone.xlsx"]


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="executor"):
        list(run_files([], executor="spark"))
    with pytest.raises(ValueError, match="jobs"):
        list(run_files([], jobs=0))
    with pytest.raises(ValueError, match="scheduler"):
        list(run_files([], scheduler="tcp://127.0.0.1:8786"))


def test_progress_text_gives_rate_and_eta():
    assert progress_text(0, 10, 0.0) == "0/10 docs"
    assert progress_text(5, 20, 2.0) == "5/20 docs · 2.5 docs/s · ETA 6s"
    assert progress_text(100, 4000, 50.0) == "100/4000 docs · 2.0 docs/s · ETA 32m30s"
    assert progress_text(20, 20, 8.0) == "20/20 docs · 2.5 docs/s · 8s"


def test_progress_line_is_quiet_when_not_a_terminal(tmp_path):
    with open(tmp_path / "log", "w") as stream:
        line = ProgressLine(stream)
        line(FileOutcome("x.txt", None), 1, 2)
        line.close()
    assert (tmp_path / "log").read_text() == ""


def test_dask_local_cluster_gives_the_same_tables(serial, samples, tmp_path):
    pytest.importorskip("distributed", reason="the dask extra is not installed (pip install '.[dask]')")
    doomed = tmp_path / "doomed.hyokakill"
    doomed.write_text("x")
    on_dask = by_path(run_files([*samples, doomed], executor="dask", jobs=2, imports=FAKES))
    failure = on_dask.pop(str(doomed)).failure
    assert (failure.stage, failure.reason) == ("crash", "the Dask worker reading it died (KilledWorker; see the worker's log)")
    assert_same_tables(serial, on_dask)
