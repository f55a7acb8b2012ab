"""Hostile files and folders on the command line (#21 item 8, not PDF): each is one line naming the
file and the reason, a failures row where a file is concerned, the rest of the batch loaded, the
earlier dataset intact — never a traceback. Tests about permissions run the CLI as an
unprivileged user (setpriv), since the suite runs as root."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import filelock
import pytest
from typer.testing import CliRunner

import hyoka
from hyoka.pipeline.cli import EXIT_SOME_FAILED, EXIT_USAGE, app
from hyoka.pipeline.ingest import check_file, hash_file

from conftest import SAMPLES, SEED_FILES

runner = CliRunner()
HYOKA = Path(sys.executable).with_name("hyoka")
# root without the capabilities that bypass file permissions (CAP_DAC_OVERRIDE …): the permission
# bits decide for it as for any user, and it can still run the venv it was installed into (a CI
# venv under a private temporary folder is out of reach of `nobody`)
NOBODY = ["setpriv", "--inh-caps=-all", "--bounding-set=-all"]


def seed(n: str) -> str:
    return str(SAMPLES / SEED_FILES[n])


def no_traceback(res) -> None:
    assert "Traceback" not in res.output and res.exception is None or isinstance(res.exception, SystemExit), res.output


def test_a_symlink_loop_is_one_line_and_the_rest_is_loaded(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed("003"), folder)
    (folder / "loop.txt").symlink_to("loop.txt")  # points at itself
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    for args, out in (([str(folder)], "o1"), ([str(tmp_path / "self.txt"), seed("004")], "o2")):
        res = runner.invoke(app, ["ingest", *args, "--out", str(tmp_path / out)])
        no_traceback(res)
        assert res.exit_code == EXIT_SOME_FAILED, res.output
        errors = [line for line in res.stderr.splitlines() if line.strip()]
        assert len(errors) == 1 and errors[0].startswith("✗ ") and "symbolic link loop" in errors[0]
        stored = hyoka.open(tmp_path / out)
        assert len(stored.documents) == 1
        assert list(stored.failures["reason"]) == ["symbolic link loop (the link leads back to itself); not read"]


@pytest.fixture
def shared(tmp_path):
    """A folder every user can enter (tmp_path is root's own), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="hyoka-shared-", dir="/tmp"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def as_nobody(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is not installed")
    if os.geteuid() != 0:  # already unprivileged: run as we are
        cmd = [str(HYOKA), *args]
    else:
        cmd = [*NOBODY, str(HYOKA), *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "HOME": str(cwd)})


def test_an_unreadable_named_file_is_its_own_failure(shared):
    good, locked = shared / "good.txt", shared / "locked.txt"
    shutil.copy(seed("003"), good)
    shutil.copy(seed("004"), locked)
    good.chmod(0o644)
    locked.chmod(0o000)
    res = as_nobody("ingest", str(locked), str(good), "--out", str(shared / "out"), cwd=shared)
    assert res.returncode == EXIT_SOME_FAILED, res.stderr
    assert "Traceback" not in res.stderr
    errors = [line for line in res.stderr.splitlines() if line.strip()]
    assert errors == [f"✗ {locked}: cannot read (permission denied)"]
    stored = hyoka.open(shared / "out")
    assert [Path(p).name for p in stored.documents["source_path"]] == ["good.txt"]
    assert list(stored.failures["reason"]) == ["cannot read (permission denied)"]
    # audit reads the others too (exit 2: some of PATHS could not be read)
    res = as_nobody("audit", str(locked), str(good), "--format", "json", cwd=shared)
    assert res.returncode == EXIT_USAGE and "Traceback" not in res.stderr
    assert res.stderr.splitlines() == [f"✗ {locked}: cannot read (permission denied)"]
    assert json.loads(res.stdout)["documents"] == 1


def test_out_under_a_folder_one_cannot_enter_is_one_line(shared):
    closed = shared / "closed"
    closed.mkdir()
    closed.chmod(0o000)  # nobody can enter it (root neither, without its capabilities)
    good = shared / "good.txt"
    shutil.copy(seed("003"), good)
    good.chmod(0o644)
    for out in (closed / "out", closed / "deeper" / "out"):
        res = as_nobody("ingest", str(good), "--out", str(out), cwd=shared)
        assert res.returncode == EXIT_USAGE, res.stderr
        assert res.stderr.strip() == f"hyoka ingest: --out {out}: permission denied"
        res = as_nobody("ingest", str(good), "--out", str(out), "--json", cwd=shared)
        data = json.loads(res.stdout)
        assert data["exit_code"] == EXIT_USAGE and data["error"].endswith("permission denied")


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB tmpfs: enough for one small report's store, not for the workbook's 13,730 values."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_says_so_and_keeps_the_dataset(small_disk):
    out = small_disk / "out"
    first = runner.invoke(app, ["ingest", seed("003"), "--out", str(out)])
    assert first.exit_code == 0, first.output
    before = hyoka.open(out).counts()
    res = runner.invoke(app, ["ingest", str(SAMPLES / "ofunato_jimujigyo_hyoka_r7.xlsx"), seed("004"),
                              "--out", str(out)])
    no_traceback(res)
    assert res.exit_code == EXIT_USAGE, res.output
    assert res.stderr.strip().splitlines()[-1] == (f"hyoka ingest: --out {out}: the disk is full (no space left on "
                                                   "device); the stored dataset is unchanged")
    assert hyoka.open(out).counts() == before


def test_a_transaction_the_database_already_ended_is_not_rolled_back_twice(tmp_path, monkeypatch):
    """DuckDB ends the transaction itself when a write fails on a full disk; rolling it back again
    raised `TransactionException: cannot rollback - no transaction is active` over the reason."""
    import duckdb

    from hyoka.pipeline.store import StoreWriter

    out = tmp_path / "out"
    assert runner.invoke(app, ["ingest", seed("003"), "--out", str(out)]).exit_code == 0
    before = hyoka.open(out).counts()

    def full(self, tables):
        self._con.execute("rollback")  # as DuckDB does on a failed write
        raise duckdb.IOException('Could not write file "x.wal": No space left on device')

    monkeypatch.setattr(StoreWriter, "_insert", full)
    res = runner.invoke(app, ["ingest", seed("004"), "--out", str(out)])
    no_traceback(res)
    assert res.exit_code == EXIT_USAGE
    assert res.stderr.strip() == f"hyoka ingest: --out {out}: the disk is full (no space left on device); " \
                                 "the stored dataset is unchanged"
    assert hyoka.open(out).counts() == before


def test_json_against_a_busy_store_is_a_json_error(tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["ingest", seed("003"), "--out", str(out)]).exit_code == 0
    other = filelock.FileLock(str(out / ".hyoka" / "lock"), thread_local=False)
    other.acquire()
    try:
        res = runner.invoke(app, ["ingest", seed("004"), "--out", str(out), "--json"])
    finally:
        other.release()
    assert res.exit_code == EXIT_USAGE
    data = json.loads(res.stdout)
    assert (data["command"], data["exit_code"], data["files"]) == ("ingest", EXIT_USAGE, [])
    assert "busy" in data["error"] or "another" in data["error"], data["error"]
    assert res.stderr.strip() == data["error"]


def test_a_newline_in_a_file_name_stays_on_its_line(tmp_path):
    odd = tmp_path / "two\nlines.txt"
    shutil.copy(seed("003"), odd)
    res = runner.invoke(app, ["ingest", str(odd), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith("✓ two\\nlines.txt  あきる野市")
    res = runner.invoke(app, ["ingest", str(odd), "--out", str(tmp_path / "out2"), "--json"])
    assert json.loads(res.stdout)["files"][0]["path"] == str(odd)  # the JSON keeps the real name


def test_rules_given_a_binary_file_names_it(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff")
    res = runner.invoke(app, ["audit", seed("003"), "--rules", str(rules)])
    assert res.exit_code == EXIT_USAGE
    assert res.stderr.strip() == (f"hyoka audit: {rules}: not a UTF-8 text file (byte 0x89 at offset 0); "
                                  "a rules file is TOML saved as UTF-8")


def test_a_file_that_says_it_is_empty_is_read_by_reading(tmp_path):
    status = Path("/proc/self/status")
    if not status.exists():
        pytest.skip("no /proc here")
    assert os.stat(status).st_size == 0
    assert check_file(status) > 0 and len(hash_file(status)) == 16
    link = tmp_path / "status.txt"
    link.symlink_to(status)
    res = runner.invoke(app, ["ingest", str(link), "--out", str(tmp_path / "out")])
    no_traceback(res)
    assert "empty file" not in res.output
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    res = runner.invoke(app, ["ingest", str(empty), "--out", str(tmp_path / "out2")])
    assert "empty.txt: empty file (0 bytes)" in res.stderr
