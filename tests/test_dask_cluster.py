"""#20 item 6: the Dask path on a real cluster — a `dask scheduler` and two `dask worker` processes
started here, `hyoka ingest --executor dask --scheduler tcp://127.0.0.1:PORT` — gives the store a
`--jobs 1` run gives. Skipped, with the reason, without the dask extra."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLES

pytest.importorskip("distributed", reason="the dask extra is not installed (pip install '.[dask]')")

BIN = Path(sys.executable).parent
FILES = ["akiruno_progress_summary_r7.txt", "akishima_plan_report_r5.txt", "musashino_2ki_progress_summary.pdf",
         "musashino_3ki_evaluation_sheets_r7.docx", "nishitokyo_masterplan2_overview.md"]
# columns a run writes about itself, not about the documents
RUN_COLUMNS = {"ingested_at", "seconds", "run_id", "read_seconds"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, procs: list[subprocess.Popen], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("a dask process exited at start: " + " | ".join(
                (p.stderr.read() or b"").decode(errors="replace")[-300:] for p in procs if p.poll() is not None))
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the dask scheduler did not listen on {port} within {seconds:g} s")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    logs = tmp_path_factory.mktemp("dask")
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=logs)]
    try:
        _wait_for(port, procs)
        procs += [subprocess.Popen([str(BIN / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "1",
                                    "--no-dashboard", "--local-directory", str(logs / f"w{i}")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=logs)
                  for i in range(2)]
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def _tables(out: Path) -> dict:
    import hyoka

    ds = hyoka.open(out)
    frames = {}
    for name in ds.names:
        frame = ds[name]
        frame = frame.drop(columns=[c for c in frame.columns if c in RUN_COLUMNS])
        frames[name] = frame.sort_values(list(frame.columns), key=lambda s: s.astype(str)).reset_index(drop=True) \
            if len(frame) else frame
    return frames


def test_two_dask_workers_give_the_store_one_process_gives(cluster, tmp_path):
    files = [str(SAMPLES / name) for name in FILES]
    serial = subprocess.run([str(BIN / "hyoka"), "ingest", *files, "--out", str(tmp_path / "serial"), "--jobs", "1"],
                            capture_output=True, text=True)
    assert serial.returncode == 0, serial.stderr
    on_dask = subprocess.run([str(BIN / "hyoka"), "ingest", *files, "--out", str(tmp_path / "dask"),
                              "--executor", "dask", "--scheduler", cluster], capture_output=True, text=True)
    assert on_dask.returncode == 0, on_dask.stderr + on_dask.stdout
    assert on_dask.stdout.count("✓") == len(FILES)
    a, b = _tables(tmp_path / "serial"), _tables(tmp_path / "dask")
    assert sorted(a) == sorted(b)
    # every document's rows came back: the README's counts, read by hand (あきる野 14 実施事業, 昭島 83 施策,
    # 武蔵野 第三期 20 施策)
    per_doc = b["documents"].merge(b["measures"].groupby("doc_id").size().rename("n").reset_index(), on="doc_id")
    n = {Path(p).name: k for p, k in zip(per_doc["source_path"], per_doc["n"])}
    assert (n["akiruno_progress_summary_r7.txt"], n["akishima_plan_report_r5.txt"],
            n["musashino_3ki_evaluation_sheets_r7.docx"]) == (14, 83, 20)
    import pandas as pd

    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)
