"""hyoka's PDF path against bare pdfplumber, pages per second and peak memory.

    python bench/pdf_bench.py [--repeat 5] [PDF ...]

For each PDF (default: the PDF fixtures in sample_docs/), in one process:

* hyoka: ``hyoka.pipeline.ingest.read_document`` end to end — PdfBackend read (tables, cells,
  paragraphs, stitching) + layout extraction + the normalize stages;
* bare: ``pdfplumber.open`` + ``page.extract_tables()`` on every page, nothing else.

Each is run --repeat times alternately; the medians are reported, their ratio
(hyoka pages/s ÷ bare pages/s; the goal is ≥ 0.7), and the peak of Python allocations
(tracemalloc, in a separate run so tracing doesn't slow the timed runs) and the process's
peak RSS at the end.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def hyoka_read(path: Path) -> None:
    from hyoka.pipeline.ingest import read_document

    read_document(path)


def bare_extract_tables(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()


def page_count(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def timed(fn, path: Path) -> float:
    gc.collect()
    t0 = time.perf_counter()
    fn(path)
    return time.perf_counter() - t0


def peak_mb(fn, path: Path) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn(path)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    pdfs = args.pdfs or sorted((ROOT / "sample_docs").glob("*.pdf"))

    hyoka_read(pdfs[0])  # warm-up: imports, layout registry
    bare_extract_tables(pdfs[0])
    print(f"{'file':40} {'pages':>5} {'hyoka p/s':>10} {'bare p/s':>10} {'ratio':>6} "
          f"{'hyoka peak':>11} {'bare peak':>10}")
    total_h = total_b = total_pages = 0.0
    for path in pdfs:
        pages = page_count(path)
        th, tb = [], []
        for _ in range(args.repeat):
            th.append(timed(hyoka_read, path))
            tb.append(timed(bare_extract_tables, path))
        mh, mb = statistics.median(th), statistics.median(tb)
        total_h, total_b, total_pages = total_h + mh, total_b + mb, total_pages + pages
        ph, pb = peak_mb(hyoka_read, path), peak_mb(bare_extract_tables, path)
        print(f"{path.name:40} {pages:5d} {pages / mh:10.1f} {pages / mb:10.1f} {(pages / mh) / (pages / mb):6.2f} "
              f"{ph:9.1f}MB {pb:8.1f}MB")
    print(f"{'all':40} {int(total_pages):5d} {total_pages / total_h:10.1f} {total_pages / total_b:10.1f} "
          f"{total_b / total_h:6.2f}")
    print(f"medians of {args.repeat} runs; peak = tracemalloc peak of one run; "
          f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
