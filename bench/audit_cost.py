"""CPU-seconds per document of the per-file step after reading: the tables and the audit.

    python bench/audit_cost.py [--repeat 3] [PATHS…]     # default: sample_docs/ and ../shared/corpus
    python bench/audit_cost.py --ingest [--repeat 3] [PATHS…]

Each file is read once (backend, layout, normalize: `read_document`), then, `--repeat` times, the
rest of `process_file` is timed on it with `time.process_time` (CPU of this process only): the
document's tables and its audit, as `process_file` does them — with `audit_rows` (the audit as a
package): the rows once (`table_rows`), the frames from them, the audit on the rows; before it:
`build_tables`, then `audit_tables` on the frames (which turned them back into dicts); `--frames`:
`audit_tables` on the frames with either code (the path of `hyoka audit --db`). Prints the CPU-seconds per document of each part, the read for
scale, and the files' count. With `--ingest`: the whole `hyoka ingest PATHS --jobs 1` in a fresh
process (imports, store and all), CPU-seconds of that process per document (median of `--repeat`).
Run it with the old and the new code on the same machine, one after the other, to compare.
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
CORPUS = ROOT.parent / "shared" / "corpus"


def _paths(args: list[str]) -> list[Path]:
    if args:
        return [Path(a) for a in args]
    corpus = [p for p in sorted(CORPUS.iterdir()) if p.suffix in (".txt", ".md") and p.name != "README.md"]
    return sorted((ROOT / "sample_docs").iterdir()) + corpus


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ingest", action="store_true", help="time the whole `hyoka ingest --jobs 1` instead")
    ap.add_argument("--frames", action="store_true",
                    help="audit the frames (`audit_tables`, as `audit --db` does a stored dataset) with either code")
    args = ap.parse_args()
    if args.ingest:
        ingest_cpu(_paths(args.paths), args.repeat)
        return

    from hyoka.pipeline import audit as audit_module
    from hyoka.pipeline.ingest import read_document
    from hyoka.pipeline.tables import build_tables

    paths = _paths(args.paths)
    t0 = time.process_time()
    docs = [read_document(p) for p in paths]
    read_cpu = time.process_time() - t0
    on_rows = None if args.frames else getattr(audit_module, "audit_rows", None)
    tables_cpu, audit_cpu = [], []
    for _ in range(args.repeat):
        t_tables = t_audit = 0.0
        for doc in docs:
            t0 = time.process_time()
            if on_rows is not None:  # the new path: rows once, frames from them, the audit on the rows
                from hyoka.pipeline.tables import table_rows

                rows = table_rows([doc], [])
                tables = build_tables([doc], [], rows=rows)
            else:
                tables = build_tables([doc], [])
            t1 = time.process_time()
            if on_rows is not None:
                audit_module.findings_frame(on_rows(rows))
            else:
                audit_module.findings_frame(audit_module.audit_tables(tables))
            t2 = time.process_time()
            t_tables, t_audit = t_tables + t1 - t0, t_audit + t2 - t1
        tables_cpu.append(t_tables)
        audit_cpu.append(t_audit)
    n = len(docs)
    tables_s, audit_s = statistics.median(tables_cpu) / n, statistics.median(audit_cpu) / n
    print(f"{n} documents ({'audit_rows on the rows' if on_rows else 'audit_tables on frames'}), "
          f"median of {args.repeat}")
    print(f"  read (once):     {read_cpu / n:.4f} CPU-s/doc")
    print(f"  build_tables:    {tables_s:.4f} CPU-s/doc")
    print(f"  audit:           {audit_s:.4f} CPU-s/doc")
    print(f"  tables + audit:  {tables_s + audit_s:.4f} CPU-s/doc")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ingest_cpu(paths: list[Path], repeat: int) -> None:
    per_doc = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            before = _children_cpu()
            subprocess.run([sys.executable, "-m", "hyoka", "ingest", *map(str, paths), "--out", out, "-q",
                            "--jobs", "1"], check=False, capture_output=True)
            per_doc.append((_children_cpu() - before) / len(paths))
    print(f"hyoka ingest --jobs 1 of {len(paths)} files (fresh process): "
          f"{statistics.median(per_doc):.4f} CPU-s/doc (median of {repeat}: "
          + ", ".join(f"{x:.4f}" for x in per_doc) + ")")


if __name__ == "__main__":
    main()
