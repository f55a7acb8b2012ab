"""Time and peak memory of `hyoka ingest` on the sample reports.

    python bench/ingest_bench.py [--repeat 5] [FOLDER]

Prints, for the whole command (a fresh process, as a user runs it): wall time and peak RSS;
then, in-process, the median time to read each file (backend + layout + normalize), of
building the tables with the audit, and of the store write.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default=str(ROOT / "sample_docs"))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    from hyoka.pipeline.ingest import iter_input_files
    from hyoka.pipeline.store import write

    files = list(iter_input_files([args.folder]))
    print(f"input: {len(files)} files in {args.folder}")

    walls = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "hyoka", "ingest", args.folder, "--out", out, "-q"],
                           check=False, capture_output=True, cwd=ROOT)
            walls.append(time.perf_counter() - t0)
    peak_child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"hyoka ingest (fresh process): median {statistics.median(walls):.2f} s wall, "
          f"peak RSS {peak_child_mb:.0f} MB (over {args.repeat} runs)")

    from hyoka.pipeline.ingest import read_document

    per_file = {f.name: [] for f in files}
    t_tables, t_store = [], []
    for _ in range(args.repeat):
        docs = []
        for f in files:
            t0 = time.perf_counter()
            docs.append(read_document(f))
            per_file[f.name].append(time.perf_counter() - t0)
        from hyoka.pipeline.ingest import IngestResult

        t0 = time.perf_counter()
        tables = IngestResult(documents=docs).tables()  # tables + audit
        t1 = time.perf_counter()
        with tempfile.TemporaryDirectory() as out:
            write(tables, out, replace=True)
        t_tables.append(t1 - t0)
        t_store.append(time.perf_counter() - t1)
    print("in-process, median per file (read + layout + normalize):")
    for name, times in per_file.items():
        print(f"  {statistics.median(times) * 1000:8.0f} ms  {name}")
    print(f"tables + audit {statistics.median(t_tables) * 1000:.0f} ms, "
          f"store write {statistics.median(t_store) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
