"""The store is never damaged or silently changed (#11 items 7–13): one writer at a time,
an atomic commit (kill -9 at every step), the DuckDB file checkpointed and verified, foreign
files refused, --replace never empties by mistake, --out problems and unreadable inputs one
clear line each."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import filelock
import pandas as pd
import pytest
from typer.testing import CliRunner

import hyoka
from conftest import SAMPLES, SEED_FILES
from hyoka.pipeline.cli import EXIT_NONE_READ, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, app
from hyoka.pipeline.store import StoreBusy, StoreError, StoreWriter, load
from hyoka.pipeline.store_layout import published as published_generation, referenced

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def seed(n: str) -> str:
    return str(SAMPLES / SEED_FILES[n])


def ingest(*args: str):
    return runner.invoke(app, ["ingest", *args, "-q"])


def stored_docs(out: Path) -> list[str]:
    return sorted(Path(p).name for p in hyoka.open(out).documents["source_path"])


def one_line_error(res) -> str:
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in res.output, res.output
    return lines[0]


# --- one writer at a time --------------------------------------------------------------------------

def test_concurrent_ingests_lose_nothing(tmp_path):
    out = tmp_path / "out"
    batches = [[seed("000"), seed("001")], [seed("003"), seed("004")], [seed("002")]]
    procs = [subprocess.Popen([sys.executable, "-m", "hyoka", "ingest", *files, "--out", str(out), "-q",
                               "--lock-timeout", "300"], cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for files in batches]
    for p in procs:
        _stdout, stderr = p.communicate(timeout=600)
        assert p.returncode == EXIT_OK, stderr
    assert stored_docs(out) == sorted(SEED_FILES.values())
    assert len(hyoka.open(out / "hyoka.duckdb").documents) == 5


def test_a_second_writer_fails_at_once_or_waits(tmp_path):
    out = tmp_path / "out"
    assert ingest(seed("003"), "--out", str(out)).exit_code == 0
    other = filelock.FileLock(str(out / ".hyoka" / "lock"), thread_local=False)
    other.acquire()  # another writer, as far as the store can tell
    try:
        res = ingest(seed("004"), "--out", str(out))
        assert res.exit_code == EXIT_USAGE
        assert "another hyoka is writing to this store" in one_line_error(res)
        with pytest.raises(StoreBusy):
            StoreWriter(out, lock_timeout=0.3).__enter__()
        threading.Timer(0.5, other.release).start()  # the other writer finishes
        res = ingest(seed("004"), "--out", str(out), "--lock-timeout", "30")
        assert res.exit_code == 0, res.output
    finally:
        other.release(force=True)
    assert stored_docs(out) == sorted([SEED_FILES["003"], SEED_FILES["004"]])
    assert hyoka.open(out).counts()["measures"] == 14 + 83


# --- the commit is atomic ---------------------------------------------------------------------------

KILL_AT = """
import os, signal, sys
import hyoka.pipeline.store as store

AT = sys.argv[1]

def hook(step):
    if step == AT:
        os.kill(os.getpid(), signal.SIGKILL)

store._checkpoint_hook = hook
from hyoka.pipeline.cli import app
sys.argv = ["hyoka", *sys.argv[2:]]
app()
"""


@pytest.mark.parametrize("step, published", [("chunk", False), ("exported", False), ("committed", True),
                                             ("checkpointed", True), ("switched", True)])
def test_kill_9_during_a_commit_leaves_the_old_or_the_new_dataset(tmp_path, step, published):
    out = tmp_path / "out"
    assert ingest(seed("003"), "--out", str(out)).exit_code == 0
    old = hyoka.open(out).counts()
    res = subprocess.run([sys.executable, "-c", KILL_AT, step, "ingest", seed("000"), seed("004"), "--out", str(out),
                          "-q", "--chunk-size", "1"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert res.returncode == -9, res.stderr  # killed where we said
    if step == "committed":  # the run is in the database's WAL only: readers replay it
        assert (out / "hyoka.duckdb.wal").exists()
    now = hyoka.open(out).counts()
    expected = [SEED_FILES["000"], SEED_FILES["003"], SEED_FILES["004"]] if published else [SEED_FILES["003"]]
    assert stored_docs(out) == sorted(expected)
    if not published:
        assert now == old
    else:
        assert now["measures"] == 14 + 83 + 10 and now["failures"] == 0
    assert hyoka.open(out / "hyoka.duckdb").counts() == now  # the DuckDB file and the Parquet files agree
    assert runner.invoke(app, ["audit", "--db", str(out), "--format", "json"]).exit_code == 0
    # the next writer cleans what the killed one left, and finishes its work
    res = ingest(seed("000"), seed("004"), "--out", str(out))
    assert res.exit_code == 0, res.output
    assert stored_docs(out) == sorted([SEED_FILES["000"], SEED_FILES["003"], SEED_FILES["004"]])
    left = sorted(p.name for p in (out / ".hyoka").iterdir())
    assert not [n for n in left if n.endswith(".tmp")] and not (out / "hyoka.duckdb.wal").exists()
    # only the generations whose files the published one (or the one before it) reads are kept
    assert {n for n in left if n.startswith("gen-")} == referenced(out, published_generation(out))
    assert (out / ".hyoka" / "CURRENT").read_text().strip() == max(n for n in left if n.startswith("gen-"))


def test_a_wal_beside_the_published_database_is_never_deleted(tmp_path):
    out = tmp_path / "out"
    assert ingest(seed("003"), "--out", str(out)).exit_code == 0
    # someone writes to OUT/hyoka.duckdb and is killed before a checkpoint: the change is in the WAL
    script = ("import duckdb, os, sys\ncon = duckdb.connect(sys.argv[1])\n"
              "con.execute('pragma disable_checkpoint_on_shutdown')\n"
              "con.execute(\"update documents set municipality = 'changed'\")\nos._exit(0)\n")
    subprocess.run([sys.executable, "-c", script, str(out / "hyoka.duckdb")], check=True, timeout=120)
    wal = [p for p in (out,) if (p / "hyoka.duckdb.wal").exists()]
    assert wal, "duckdb left no WAL"
    res = ingest(seed("004"), "--out", str(out))
    assert res.exit_code == EXIT_USAGE
    assert "hyoka.duckdb.wal holds changes not checkpointed" in one_line_error(res) or \
           "has changes not checkpointed" in one_line_error(res)
    assert (wal[0] / "hyoka.duckdb.wal").exists()


# --- what is in --out ---------------------------------------------------------------------------------

def test_foreign_files_in_out_are_refused_not_merged(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    theirs = pd.DataFrame({"author": ["someone"], "text": ["my notes"]})
    theirs.to_parquet(out / "notes.parquet")
    res = ingest(seed("003"), "--out", str(out))
    assert res.exit_code == EXIT_USAGE
    assert "notes.parquet was not written by hyoka" in one_line_error(res)
    assert pd.read_parquet(out / "notes.parquet").equals(theirs)
    # beside an existing store, too
    (out / "notes.parquet").rename(tmp_path / "notes.parquet")
    assert ingest(seed("003"), "--out", str(out)).exit_code == 0
    shutil.copy(tmp_path / "notes.parquet", out / "extra.parquet")
    res = ingest(seed("004"), "--out", str(out))
    assert res.exit_code == EXIT_USAGE and "extra.parquet was not written by hyoka" in one_line_error(res)
    assert stored_docs(out) == [SEED_FILES["003"]]


def test_a_store_of_the_old_layout_is_taken_over(tmp_path, seed_tables):
    out = tmp_path / "out"
    out.mkdir()
    one = seed_tables["documents"]["doc_id"].iloc[0]
    for name, frame in seed_tables.items():  # plain <table>.parquet files, as hyoka wrote them before
        frame = frame[frame["doc_id"] == one] if "doc_id" in frame and name != "failures" else frame
        frame.to_parquet(out / f"{name}.parquet")
    assert ingest(seed("004"), "--out", str(out)).exit_code == 0
    assert len(hyoka.open(out).documents) == 2
    # no links: the database a file, each table a folder of part files
    assert (out / "hyoka.duckdb").is_file() and not (out / "hyoka.duckdb").is_symlink()
    assert (out / "documents.parquet").is_dir() and len(pd.read_parquet(out / "documents.parquet")) == 2


def test_replace_with_nothing_read_refuses_to_empty_the_dataset(tmp_path):
    out = tmp_path / "out"
    assert ingest(str(SAMPLES), "--out", str(out)).exit_code == 0
    before = hyoka.open(out).counts()
    res = ingest(str(tmp_path / "sampel_docs"), "--out", str(out), "--replace")  # a typo
    assert res.exit_code == EXIT_USAGE
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert lines[-1].endswith("nothing was read, and --replace would empty the stored dataset (11 documents); "
                              "give --allow-empty to do that")
    assert hyoka.open(out).counts() == before
    res = ingest(str(tmp_path / "sampel_docs"), "--out", str(out), "--replace", "--allow-empty")
    assert res.exit_code == EXIT_NONE_READ
    stored = hyoka.open(out)
    assert stored.documents.empty and list(stored.failures["reason"]) == ["file not found"]
    # --replace with something read replaces
    assert ingest(seed("003"), "--out", str(out), "--replace").exit_code == 0
    assert stored_docs(out) == [SEED_FILES["003"]] and hyoka.open(out).failures.empty


def test_out_problems_are_one_line(tmp_path, monkeypatch):
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    res = ingest(seed("003"), "--out", str(afile / "sub"))
    assert res.exit_code == EXIT_USAGE and one_line_error(res).endswith("afile/sub: a path under a file, not a folder")
    res = ingest(seed("003"), "--out", str(afile))
    assert res.exit_code == EXIT_USAGE and one_line_error(res).endswith("is a file, not a folder")
    res = ingest(seed("003"), "--out", "/sys/hyoka-store")  # not writable (even for root)
    assert res.exit_code == EXIT_USAGE and one_line_error(res).startswith("hyoka ingest: --out /sys/hyoka-store: ")
    out = tmp_path / "out"
    assert ingest(seed("003"), "--out", str(out)).exit_code == 0
    before = hyoka.open(out).counts()
    # a read-only file system and a full disk, as the OS reports them
    for code, reason in ((errno.EROFS, "read-only file system"), (errno.ENOSPC, "the disk is full (no space left on device)")):
        def fail(*a, code=code, **k):
            raise OSError(code, os.strerror(code))

        with monkeypatch.context() as m:
            m.setattr(os, "mkdir", fail)
            res = ingest(seed("004"), "--out", str(out))
        # inside the run's transaction: nothing was committed, and the line says so
        assert res.exit_code == EXIT_USAGE and one_line_error(res) == (f"hyoka ingest: --out {out}: {reason}; "
                                                                       "the stored dataset is unchanged")
    assert hyoka.open(out).counts() == before
    assert not list((out / ".hyoka").glob("staging-*"))


def test_a_damaged_store_is_one_line(tmp_path):
    out = tmp_path / "out"
    assert ingest(seed("003"), "--out", str(out)).exit_code == 0
    db = out / "hyoka.duckdb"
    db.write_bytes(b"this is not a database" * 100)
    res = ingest(seed("004"), "--out", str(out))
    assert res.exit_code == EXIT_USAGE
    assert "the stored dataset is damaged" in one_line_error(res) and "--replace" in one_line_error(res)
    assert ingest(seed("004"), "--out", str(out), "--replace").exit_code == 0
    assert stored_docs(out) == [SEED_FILES["004"]]
    # a damaged Parquet file: hyoka.open says so in one line
    published_generation(out).files["measures"][0].write_bytes(b"PAR1 garbage")
    with pytest.raises(StoreError, match="the stored dataset is damaged"):
        hyoka.open(out)
    # an old-layout store with a corrupt documents.parquet
    old = tmp_path / "old"
    old.mkdir()
    (old / "documents.parquet").write_bytes(b"not parquet")
    res = ingest(seed("004"), "--out", str(old))
    assert res.exit_code == EXIT_USAGE and "the stored dataset is damaged" in one_line_error(res)


# --- unreadable inputs ----------------------------------------------------------------------------

def test_fifos_and_devices_are_named_and_never_read(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(seed("003"), batch)
    os.mkfifo(batch / "pipe.txt")  # reading it would block for ever
    (batch / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "hyoka", "ingest", str(batch), "/dev/zero", "--out", str(out), "-q"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert res.returncode == EXIT_SOME_FAILED, res.stderr
    lines = sorted(res.stderr.splitlines())
    assert lines == sorted([
        f"✗ {batch / 'pipe.txt'}: not a regular file (a named pipe); not read",
        f"✗ {batch / 'dangling.txt'}: broken link (its target does not exist)",
        "✗ /dev/zero: not a regular file (a character device); not read",
    ])
    failures = hyoka.open(out).failures
    assert sorted(Path(p).name for p in failures["source_path"]) == ["dangling.txt", "pipe.txt", "zero"]
    assert stored_docs(out) == [SEED_FILES["003"]]


def _deny(monkeypatch, denied: Path) -> None:
    """Permission denied for `denied` (a file: opening it; a folder: listing it), as for a user
    without the permission — root reads everything, so mode bits alone can't show it."""
    real_open, real_scandir = os.open, os.scandir

    def fake_open(path, *a, **k):
        if Path(path) == denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *a, **k)

    def fake_scandir(path="."):
        if Path(path) == denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    import builtins

    real_builtin_open = builtins.open

    def fake_builtin_open(path, *a, **k):
        if isinstance(path, (str, os.PathLike)) and Path(path) == denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_builtin_open(path, *a, **k)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "scandir", fake_scandir)
    monkeypatch.setattr(builtins, "open", fake_builtin_open)


@pytest.mark.parametrize("real", [False, True])
def test_unreadable_files_and_folders_are_one_line_each(tmp_path, monkeypatch, real):
    if real and IS_ROOT:
        pytest.skip("root reads files whatever their mode (the simulated case runs)")
    batch = tmp_path / "batch"
    (batch / "locked").mkdir(parents=True)
    shutil.copy(seed("003"), batch)
    shutil.copy(seed("004"), batch / "locked")
    secret = tmp_path / "secret.txt"
    shutil.copy(seed("000"), secret)
    if real:
        secret.chmod(0)
        (batch / "locked").chmod(0)
    else:
        _deny(monkeypatch, secret)
        monkeypatch.setattr(os, "scandir", _denying_scandir(os.scandir, batch / "locked"))
    out = tmp_path / "out"
    try:
        res = runner.invoke(app, ["ingest", str(secret), str(batch), "--out", str(out), "-q"])
    finally:
        if real:
            secret.chmod(0o644)
            (batch / "locked").chmod(0o755)
    monkeypatch.undo()
    assert res.exit_code == EXIT_SOME_FAILED, res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert f"✗ {secret}: cannot read (permission denied)" in lines
    assert f"✗ {batch / 'locked'}: folder could not be read (permission denied); the files in it were skipped" in lines
    stored = hyoka.open(out)
    assert stored_docs(out) == [SEED_FILES["003"]]
    assert sorted(Path(p).name for p in stored.failures["source_path"]) == ["locked", "secret.txt"]


def _denying_scandir(real_scandir, denied: Path):
    def scandir(path="."):
        if Path(path) == denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)
    return scandir
