"""A store that works where POSIX does not (#19 item 1): with `fcntl` and `os.symlink` made
unavailable, as on Windows (CI has no Windows), the store is written, locked, re-ingested and
read; a store copied the way people copy folders (shutil.copytree following links, zip and
unzip) takes the next ingest and gives the rows a fresh store gives; a store of the format
before (symlinks), or a copy of it whose links became folders and files, is taken over."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

import hyoka
import test_store_cli
from test_incremental import _rows
import test_store_safety
from conftest import SAMPLES, SEED_FILES
from hyoka.pipeline.cli import EXIT_OK, EXIT_USAGE, app
from hyoka.pipeline.tables import TABLES

runner = CliRunner()
NO_POSIX = """
import errno, os, sys
sys.modules["fcntl"] = None  # as on Windows: no flock
def _no_links(*a, **k):
    raise OSError(errno.EPERM, "symbolic links are not available")
os.symlink = _no_links
"""


def seed(n: str) -> str:
    return str(SAMPLES / SEED_FILES[n])


def ingest(*args: str):
    return runner.invoke(app, ["ingest", *args, "-q"])


def one_line_error(res) -> str:
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in res.output, res.output
    return lines[0]


@pytest.fixture
def no_posix(monkeypatch):
    """fcntl can't be imported and os.symlink fails; filelock is imported afresh, so it takes
    the lock it has where fcntl is missing. Returns that filelock module."""
    monkeypatch.setitem(sys.modules, "fcntl", None)
    for name in [m for m in sys.modules if m == "filelock" or m.startswith("filelock.")]:
        monkeypatch.delitem(sys.modules, name)

    def no_links(*a, **k):
        raise OSError(errno.EPERM, "symbolic links are not available")

    monkeypatch.setattr(os, "symlink", no_links)
    monkeypatch.setattr(Path, "symlink_to", no_links)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "only soft file lock is available": what this fixture is for
        import filelock

    assert filelock.FileLock is filelock.SoftFileLock  # not flock: fcntl is not there
    return filelock


def _links(out: Path) -> list[str]:
    return [str(Path(d) / n) for d, dirs, files in os.walk(out) for n in dirs + files
            if os.path.islink(Path(d) / n)]


def _same_rows(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert sorted(a) == sorted(b)
    for name in a:
        key = [c for c in ("doc_id", "src", "check", "message", "source_path") if c in a[name].columns]
        assert list(a[name].columns) == list(b[name].columns), name
        x = a[name].sort_values(key, kind="stable") if key else a[name]
        y = b[name].sort_values(key, kind="stable") if key else b[name]
        assert _rows(x) == _rows(y), name  # values alike, whichever file they were read from


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """The tables of a store that took 003, 000 and 004 in one run, for comparison."""
    out = tmp_path_factory.mktemp("fresh") / "out"
    assert ingest(seed("003"), seed("000"), seed("004"), "--out", str(out)).exit_code == 0
    return hyoka.open(out).tables


# --- without fcntl and symlinks -------------------------------------------------------------------

@pytest.mark.parametrize("hard_links", [True, False])
def test_the_store_works_without_fcntl_and_symlinks(tmp_path, monkeypatch, no_posix, hard_links, fresh):
    if not hard_links:  # FAT/exFAT, some network drives: the top-level Parquet files are copies
        monkeypatch.setattr(os, "link", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EPERM, "no links")))
    out = tmp_path / "out"
    assert ingest(seed("003"), seed("000"), "--out", str(out)).exit_code == EXIT_OK
    assert ingest(seed("004"), "--out", str(out)).exit_code == EXIT_OK
    assert _links(out) == []
    assert (out / ".hyoka" / "CURRENT").read_text(encoding="utf-8") == "gen-000002\n"
    _same_rows(hyoka.open(out).tables, fresh)
    _same_rows(hyoka.open(out / "hyoka.duckdb").tables, fresh)
    # what the README promises at the top of the folder: real files with the published rows
    con = duckdb.connect(str(out / "hyoka.duckdb"), read_only=True)
    assert con.execute("select count(*) from measures").fetchone()[0] == 14 + 10 + 83
    con.close()
    for name in TABLES:
        assert len(pd.read_parquet(out / f"{name}.parquet")) == len(fresh[name]), name
    res = runner.invoke(app, ["audit", "--db", str(out), "--format", "json"])
    assert res.exit_code == 0 and len(json.loads(res.output)["findings"]) == len(fresh["audit_findings"])
    # a second writer, as far as this platform's lock can tell
    other = no_posix.FileLock(str(out / ".hyoka" / "lock"), thread_local=False)
    other.acquire()
    try:
        res = ingest(seed("002"), "--out", str(out))
        assert res.exit_code == EXIT_USAGE and "another hyoka is writing to this store" in one_line_error(res)
    finally:
        other.release()
    assert ingest(seed("002"), "--out", str(out)).exit_code == EXIT_OK
    assert len(hyoka.open(out).documents) == 4


# the store's own tests, run again with fcntl and os.symlink unavailable
PORTED = {
    "rerun gives the same dataset": lambda tmp_path, mp: test_store_cli.test_rerun_gives_the_same_dataset(tmp_path),
    "atomic on error (exported)": lambda tmp_path, mp: test_store_cli.test_write_is_atomic_on_error(
        tmp_path, mp, "exported", False),
    "atomic on error (committed)": lambda tmp_path, mp: test_store_cli.test_write_is_atomic_on_error(
        tmp_path, mp, "committed", True),
    "second writer": lambda tmp_path, mp: test_store_safety.test_a_second_writer_fails_at_once_or_waits(tmp_path),
    "foreign files": lambda tmp_path, mp: test_store_safety.test_foreign_files_in_out_are_refused_not_merged(tmp_path),
    "replace refuses to empty": lambda tmp_path, mp:
        test_store_safety.test_replace_with_nothing_read_refuses_to_empty_the_dataset(tmp_path),
    "damaged store": lambda tmp_path, mp: test_store_safety.test_a_damaged_store_is_one_line(tmp_path),
}


@pytest.mark.parametrize("name", list(PORTED))
def test_the_store_tests_pass_without_fcntl_and_symlinks(tmp_path, monkeypatch, no_posix, name):
    monkeypatch.setattr(test_store_safety, "filelock", no_posix)  # the test's "other writer" too
    PORTED[name](tmp_path, monkeypatch)
    assert _links(tmp_path) == []


@pytest.mark.parametrize("step, published", [("exported", False), ("committed", True)])
def test_kill_9_without_fcntl_and_symlinks(tmp_path, step, published):
    """The lock filelock takes without fcntl is a file; a killed writer's is taken over by the next."""
    out = tmp_path / "out"
    run = [sys.executable, "-c", NO_POSIX + test_store_safety.KILL_AT, step]
    assert subprocess.run(run[:-1] + ["never", "ingest", seed("003"), "--out", str(out), "-q"],
                          capture_output=True, timeout=600).returncode == 0
    res = subprocess.run(run + ["ingest", seed("004"), "--out", str(out), "-q"], capture_output=True, text=True,
                         timeout=600)
    assert res.returncode == -9, res.stderr
    expected = sorted([SEED_FILES["003"], SEED_FILES["004"]] if published else [SEED_FILES["003"]])
    assert sorted(Path(p).name for p in hyoka.open(out).documents["source_path"]) == expected
    res = subprocess.run(run[:-1] + ["never", "ingest", seed("004"), seed("000"), "--out", str(out), "-q"],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    assert len(hyoka.open(out).documents) == 3 and _links(out) == []


# --- copies ---------------------------------------------------------------------------------------

def _zip_and_unzip(src: Path, dst: Path) -> None:
    """As a user's zip tool does: links followed, their targets stored as files and folders."""
    archive = dst.parent / "store.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for folder, _dirs, files in os.walk(src, followlinks=True):
            for name in files:
                z.write(Path(folder) / name, (Path(folder) / name).relative_to(src))
    with zipfile.ZipFile(archive) as z:
        z.extractall(dst)


def _copy(how: str, src: Path, dst: Path) -> None:
    if how == "copytree":
        shutil.copytree(src, dst, symlinks=False)  # links followed, as cp -rL and cloud drives do
    else:
        _zip_and_unzip(src, dst)


@pytest.mark.parametrize("how", ["copytree", "zip"])
def test_a_copied_store_takes_the_next_ingest(tmp_path, how, fresh):
    out, copy = tmp_path / "out", tmp_path / "copy"
    assert ingest(seed("003"), "--out", str(out)).exit_code == EXIT_OK
    assert ingest(seed("000"), "--out", str(out)).exit_code == EXIT_OK
    _copy(how, out, copy)
    _same_rows(hyoka.open(copy).tables, hyoka.open(out).tables)
    res = ingest(seed("004"), "--out", str(copy))
    assert res.exit_code == EXIT_OK, res.output
    _same_rows(hyoka.open(copy).tables, fresh)
    _same_rows(hyoka.open(copy / "hyoka.duckdb").tables, fresh)
    assert len(hyoka.open(out).documents) == 2  # the original is its own store


def _format_1(out: Path) -> None:
    """Turn the format-2 store in `out` into what hyoka wrote before: a whole database per
    generation in .hyoka/gen-N/, reached through symlinks (.hyoka/current, OUT/<file>)."""
    pub = json.loads((out / ".hyoka" / (out / ".hyoka" / "CURRENT").read_text().strip() / "manifest.json").read_text())
    tables = list(pub["files"])
    db = out / "hyoka.duckdb"
    shutil.rmtree(out / ".hyoka")
    for t in tables:
        shutil.rmtree(out / f"{t}.parquet")
    gen = out / ".hyoka" / "gen-000003"
    gen.mkdir(parents=True)
    con = duckdb.connect(str(db))
    con.execute("drop schema _hyoka cascade")  # format 1 kept no generation number in the database
    for t in tables:  # each table one file, exported from the database as format 1 did
        con.execute(f"copy \"{t}\" to '{gen / (t + '.parquet')}' (format parquet)")
    con.close()
    db.rename(gen / "hyoka.duckdb")
    files = ["hyoka.duckdb"] + [f"{t}.parquet" for t in tables]
    (gen / "manifest.json").write_text(json.dumps({"format": 1, "generation": 3, "tables": pub["tables"],
                                                   "files": files, "legacy": []}), encoding="utf-8")
    os.symlink("gen-000003", out / ".hyoka" / "current")
    for name in files:
        (out / name).unlink(missing_ok=True)
        os.symlink(f".hyoka/current/{name}", out / name)


@pytest.mark.parametrize("how", ["in place", "copytree", "zip"])
def test_a_store_of_the_format_before_is_taken_over(tmp_path, how, fresh):
    out = tmp_path / "out"
    assert ingest(seed("003"), seed("000"), "--out", str(out)).exit_code == EXIT_OK
    _format_1(out)
    if how != "in place":  # the links became a folder (.hyoka/current) and files: once "Is a directory"
        _copy(how, out, tmp_path / "copy")
        out = tmp_path / "copy"
        assert (out / ".hyoka" / "current").is_dir() and not _links(out)
    assert len(hyoka.open(out).documents) == 2  # read as it is
    res = ingest(seed("004"), "--out", str(out))
    assert res.exit_code == EXIT_OK, res.output
    _same_rows(hyoka.open(out).tables, fresh)
    _same_rows(hyoka.open(out / "hyoka.duckdb").tables, fresh)
    assert _links(out) == [] and not (out / ".hyoka" / "current").exists()
    assert sorted(p.name for p in (out / ".hyoka").iterdir() if p.name.startswith("gen-")) == ["gen-000004"]


def test_a_partial_copy_is_one_line(tmp_path):
    out = tmp_path / "out"
    assert ingest(seed("003"), "--out", str(out)).exit_code == EXIT_OK
    shutil.rmtree(out / ".hyoka" / "gen-000001")  # the copy missed the generation's folder
    res = ingest(seed("004"), "--out", str(out))
    assert res.exit_code == EXIT_USAGE
    assert one_line_error(res) == (f"hyoka ingest: --out {out}: the stored dataset is damaged (.hyoka/CURRENT names "
                                   "'gen-000001', which has no manifest); use --replace to start over")
    assert ingest(seed("004"), "--out", str(out), "--replace").exit_code == EXIT_OK
    assert [Path(p).name for p in hyoka.open(out).documents["source_path"]] == [SEED_FILES["004"]]


def test_a_copy_without_its_database_is_rebuilt_from_the_parquet_files(tmp_path, fresh):
    out = tmp_path / "out"
    assert ingest(seed("003"), seed("000"), "--out", str(out)).exit_code == EXIT_OK
    (out / "hyoka.duckdb").unlink()  # e.g. left out of a cloud-drive sync for its size
    assert ingest(seed("004"), "--out", str(out)).exit_code == EXIT_OK
    _same_rows(hyoka.open(out / "hyoka.duckdb").tables, fresh)


def test_a_part_held_open_at_the_top_is_named_and_refreshed_next_time(tmp_path, monkeypatch, fresh):
    """On Windows a file another program has open can't be removed: the run still publishes,
    says which file is stale in one line, and the next run removes it."""
    out = tmp_path / "out"
    changed = tmp_path / SEED_FILES["003"]
    shutil.copy(seed("003"), changed)
    assert ingest(str(changed), seed("000"), "--out", str(out)).exit_code == EXIT_OK
    held = sorted((out / "documents.parquet").iterdir())
    real_unlink = Path.unlink

    def unlink(self, *a, **k):
        if self in held:
            raise PermissionError(errno.EACCES, "The process cannot access the file")
        return real_unlink(self, *a, **k)

    monkeypatch.setattr(Path, "unlink", unlink)
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # its part is rewritten
    res = runner.invoke(app, ["ingest", str(changed), seed("004"), "--out", str(out), "-q"])
    assert res.exit_code == EXIT_OK, res.output
    note = [line for line in res.output.splitlines() if "could not be refreshed" in line]
    assert note == [f"hyoka ingest: note: {out / 'documents.parquet' / held[0].name} could not be refreshed "
                    "(open in another program); hyoka.duckdb and hyoka.open() have the new rows, the next ingest "
                    "refreshes it"]
    assert len(hyoka.open(out).documents) == 3  # published all the same
    monkeypatch.undo()
    assert ingest(seed("002"), "--out", str(out)).exit_code == EXIT_OK
    assert len(pd.read_parquet(out / "documents.parquet")) == 4 == len(hyoka.open(out).documents)


def test_a_database_held_open_by_another_program_is_one_line(tmp_path):
    out = tmp_path / "out"
    assert ingest(seed("003"), "--out", str(out)).exit_code == EXIT_OK
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                               "con = duckdb.connect(sys.argv[1], read_only=True)\nprint('open', flush=True)\n"
                               "time.sleep(120)\n", str(out / "hyoka.duckdb")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        res = ingest(seed("004"), "--out", str(out))
        assert res.exit_code == EXIT_USAGE
        assert one_line_error(res) == (f"hyoka ingest: --out {out}: hyoka.duckdb is open in another program; close "
                                       "it (or wait: --lock-timeout SECONDS), then re-run")
        assert len(hyoka.open(out).documents) == 1  # the folder is read all the same
    finally:
        holder.kill()
        holder.wait()
    assert ingest(seed("004"), "--out", str(out)).exit_code == EXIT_OK
    assert len(hyoka.open(out).documents) == 2
