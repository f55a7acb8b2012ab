"""Time and peak memory of `hyoka ingest` on the sample reports.

    python bench/ingest_bench.py [--repeat 5] [FOLDER]

Prints, for the whole command (a fresh process, as a user runs it): wall time and peak RSS;
then, in-process, the median time of ingest (read → normalize → audit) and of the store
write separately, and the throughput in characters of input per second.
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
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default=str(ROOT / "sample_docs"))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    from pipeline.ingest import ingest, iter_input_files
    from pipeline.store import write

    files = list(iter_input_files([args.folder]))
    chars = sum(len(f.read_text(encoding="utf-8", errors="ignore")) if f.suffix in (".txt", ".md") else 0 for f in files)
    print(f"input: {len(files)} files in {args.folder}")

    walls = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "pipeline.cli", "ingest", args.folder, "--out", out, "-q"],
                           check=False, capture_output=True, cwd=ROOT)
            walls.append(time.perf_counter() - t0)
    peak_child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"hyoka ingest (fresh process): median {statistics.median(walls):.2f} s wall, "
          f"peak RSS {peak_child_mb:.0f} MB (over {args.repeat} runs)")

    t_ingest, t_store = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = ingest(files)
        tables = result.tables()
        t1 = time.perf_counter()
        with tempfile.TemporaryDirectory() as out:
            write(tables, out, replace=True)
        t2 = time.perf_counter()
        t_ingest.append(t1 - t0)
        t_store.append(t2 - t1)
    ti, ts = statistics.median(t_ingest), statistics.median(t_store)
    print(f"in-process: read+normalize+audit {ti * 1000:.0f} ms ({chars / ti / 1000:.0f}k chars/s of text input), "
          f"store write {ts * 1000:.0f} ms")


if __name__ == "__main__":
    main()
