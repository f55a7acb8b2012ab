"""Bulk loading into the store: first load, unchanged re-run, one changed file, peak memory.

    python bench/bulk_store.py [--sizes 60 300] [--chunk-size 20] [--keep DIR]

For each size N, builds a corpus of N documents by copying sample_docs/ round-robin, each
copy made distinct without changing what it says (text: trailing newlines; PDF: a comment
after %%EOF; DOCX/XLSX: a zip comment), then runs `hyoka ingest CORPUS --out STORE -q` in a
fresh process (as a user would) and prints, per size:
  first load      wall time, peak RSS, documents read
  unchanged       wall time of the same command again, and its ratio to the first load
  one changed     one text file changed, wall time and ratio
  audit --db      `hyoka audit --db STORE --format json` wall time and peak RSS
and the ratio of the peak RSS of the largest size to the smallest.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_docs"


def make_copy(src: Path, dst: Path, n: int) -> None:
    """A copy of `src` whose bytes differ (copy number n) and whose content reads the same."""
    suffix = src.suffix.lower()
    if suffix in (".docx", ".xlsx"):
        shutil.copyfile(src, dst)
        with zipfile.ZipFile(dst, "a") as z:
            z.comment = f"bulk copy {n}".encode()
    elif suffix == ".pdf":
        dst.write_bytes(src.read_bytes() + f"\n%bulk copy {n}\n".encode())
    else:
        dst.write_bytes(src.read_bytes() + b"\n" * (n + 1))


def build_corpus(folder: Path, n_docs: int) -> list[Path]:
    samples = sorted(p for p in SAMPLES.iterdir() if p.is_file() and not p.name.startswith("."))
    made = []
    for i in range(n_docs):
        src = samples[i % len(samples)]
        copy_no = i // len(samples)
        dst = folder / f"{src.stem}__{copy_no:04d}{src.suffix}"
        make_copy(src, dst, copy_no)
        made.append(dst)
    return made


def run(args: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) of the child and its stdout."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "hyoka", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, cwd=ROOT)
    out = proc.stdout.read().decode("utf-8", "replace")
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(f"hyoka {' '.join(args)} → exit {proc.returncode}")
    return wall, usage.ru_maxrss / 1024, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[60, 300])
    ap.add_argument("--chunk-size", type=int, default=20)
    ap.add_argument("--keep", type=Path, help="build the corpora and stores here (kept)")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="hyoka-bulk-"))
    base.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; chunk size {args.chunk_size}")
    peaks = {}
    try:
        for n in args.sizes:
            corpus, store = base / f"corpus{n}", base / f"store{n}"
            shutil.rmtree(corpus, ignore_errors=True)
            shutil.rmtree(store, ignore_errors=True)
            corpus.mkdir()
            files = build_corpus(corpus, n)
            ingest = ["ingest", str(corpus), "--out", str(store), "--json", "--chunk-size", str(args.chunk_size)]
            first, rss, out = run(ingest)
            report = json.loads(out)
            peaks[n] = rss
            print(f"\n{n} documents ({report['read']} read, {report['failed']} failed, "
                  f"{report['duplicates']} duplicates)")
            print(f"  first load    {first:8.1f} s   peak RSS {rss:6.0f} MB   {n / first:5.2f} docs/s")
            again, rss2, out = run(ingest)
            print(f"  unchanged     {again:8.1f} s   peak RSS {rss2:6.0f} MB   ratio {again / first:.3f} "
                  f"({json.loads(out)['unchanged']} unchanged, {json.loads(out)['read']} read)")
            changed = next(f for f in files if f.suffix == ".txt")
            changed.write_bytes(changed.read_bytes() + b"\n" * 1000)
            one, rss3, out = run(ingest)
            print(f"  one changed   {one:8.1f} s   peak RSS {rss3:6.0f} MB   ratio {one / first:.3f} "
                  f"({json.loads(out)['read']} read)")
            audit, rss4, _out = run(["audit", "--db", str(store), "--format", "json", "--out", str(base / "a.json")])
            print(f"  audit --db    {audit:8.1f} s   peak RSS {rss4:6.0f} MB   ({rss4 / rss:.2f} × the ingest's peak)")
        if len(peaks) > 1:
            lo, hi = min(peaks), max(peaks)
            print(f"\npeak RSS {hi} docs / {lo} docs: {peaks[hi] / peaks[lo]:.2f}")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
