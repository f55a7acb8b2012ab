"""`hyoka ingest --jobs/--executor/--scheduler`: the same store whichever runner reads the files,
and a wrong option is one line and exit 2 before anything is read."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import SAMPLES, SEED_FILES
from hyoka.pipeline.cli import EXIT_USAGE, app
from hyoka.pipeline.store import load

runner = CliRunner()


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in frame.columns if frame[c].map(lambda v: isinstance(v, (str, int, float)) or v is None).all()]
    return frame[cols].sort_values(cols).reset_index(drop=True).astype(str)


def test_a_pool_of_two_gives_the_store_one_process_gives(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in SEED_FILES.values():  # five files: enough for the pool (two per worker)
        shutil.copy(SAMPLES / name, folder)
    one, two = tmp_path / "one", tmp_path / "two"
    assert runner.invoke(app, ["ingest", str(folder), "--out", str(one), "--jobs", "1", "-q"]).exit_code == 0
    assert runner.invoke(app, ["ingest", str(folder), "--out", str(two), "--jobs", "2", "-q"]).exit_code == 0
    a, b = load(one), load(two)
    assert len(a["documents"]) == 5 and len(a["measures"]) == len(b["measures"]) > 100
    for table in ("measures", "indicator_values", "score_summaries", "notes", "audit_findings"):
        pd.testing.assert_frame_equal(_sorted(a[table]), _sorted(b[table]), obj=table)


@pytest.mark.parametrize("args, words", [
    (["--executor", "spark"], "--executor must be one of local, dask"),
    (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler needs --executor dask"),
])
def test_a_wrong_runner_option_is_one_line(tmp_path, args, words):
    res = runner.invoke(app, ["ingest", str(SAMPLES / SEED_FILES["003"]), "--out", str(tmp_path / "o"), *args])
    assert res.exit_code == EXIT_USAGE and words in res.output
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_limits_from_the_command_line(tmp_path):
    """--limit NAME=VALUE sets one per-document limit: a file over it is one failures row naming it."""
    out = tmp_path / "o"
    res = runner.invoke(app, ["ingest", str(SAMPLES / SEED_FILES["004"]), "--out", str(out),
                              "--limit", "max_text_mb=0.01"])
    assert res.exit_code == 4 and "(max_text_mb)" in res.output
    failures = load(out)["failures"]
    assert list(failures["stage"]) == ["limit"]
    for bad, words in ((["--limit", "nope=3"], "unknown limit(s): nope"),
                       (["--limit", "max_pages"], "expected NAME=NUMBER")):
        res = runner.invoke(app, ["ingest", str(SAMPLES / SEED_FILES["004"]), "--out", str(tmp_path / "p"), *bad])
        assert res.exit_code == EXIT_USAGE and words in res.output


def test_a_mistyped_scheduler_address_is_one_line_and_nothing_is_written(tmp_path):
    pytest.importorskip("distributed", reason="the dask extra is not installed (pip install '.[dask]')")
    out = tmp_path / "o"
    res = runner.invoke(app, ["ingest", str(SAMPLES / SEED_FILES["004"]), "--out", str(out),
                              "--executor", "dask", "--scheduler", "x"])
    assert res.exit_code == EXIT_USAGE
    assert "hyoka ingest: cannot reach the Dask scheduler at x: missing port number in address 'x'" in res.output
    assert not (out / "documents.parquet").exists()
