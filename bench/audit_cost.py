"""CPU-seconds per document of the per-file step after reading: the tables and the audit.

    python bench/audit_cost.py [--repeat 3] [PATHS…]     # default: sample_docs/ and ../shared/corpus

Each file is read once (backend, layout, normalize: `read_document`), then, `--repeat` times, the
rest of `process_file` is timed on it with `time.process_time` (CPU of this process only): the
document's tables and its audit, as `process_file` does them — with `audit_rows` (the audit as a
package): the rows once (`table_rows`), the frames from them, the audit on the rows; before it:
`build_tables`, then `audit_tables` on the frames (which turned them back into dicts). Prints the CPU-seconds per document of each part, the read for
scale, and the files' count. Run it with the old and the new code on the same machine, one after
the other, to compare.
"""

from __future__ import annotations

import argparse
import statistics
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
    args = ap.parse_args()

    from hyoka.pipeline import audit as audit_module
    from hyoka.pipeline.ingest import read_document
    from hyoka.pipeline.tables import build_tables

    paths = _paths(args.paths)
    t0 = time.process_time()
    docs = [read_document(p) for p in paths]
    read_cpu = time.process_time() - t0
    on_rows = getattr(audit_module, "audit_rows", None)
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


if __name__ == "__main__":
    main()
