"""PDF reading speed of the two engines, pages per second per core, and peak memory.

    python bench/pdf_speed.py [--repeat 5] [PDF ...]

Default input: every PDF fixture (sample_docs/*.pdf, tests/fixtures/*.pdf,
tests/corpus/render/*.pdf). For each file, in one process, alternating: the PDF backend's
``read`` (tables, cells, paragraphs, stitching — the whole SourceText) with

* before — ``PdfSettings(engine="pdfplumber")``: today's path, pdfminer parsing every page;
* after — ``PdfSettings(engine="pdfium")`` (the default): PDFium's characters and path objects,
  pdfplumber only for the pages PDFium can't reproduce (the "fallback" column counts them).

Both must give the same rows (checked here too: "same" column; tests/test_formats_pdf.py
asserts it). Medians of --repeat runs; "with tables" sums the files that have a table.
Peak RSS: each engine reads every file once in a fresh child process (ru_maxrss).
One process, one thread: the figures are per core.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("pdfplumber", "pdfium")


def default_pdfs() -> list[Path]:
    return sorted([*(ROOT / "sample_docs").glob("*.pdf"), *(ROOT / "tests" / "fixtures").glob("*.pdf"),
                   *(ROOT / "tests" / "corpus" / "render").glob("*.pdf")])


def read(path: Path, engine: str):
    from hyoka.extractors.pdf_format import PdfBackend, PdfSettings

    return PdfBackend(PdfSettings(engine=engine)).read(path)


def timed(path: Path, engine: str) -> float:
    gc.collect()
    t0 = time.perf_counter()
    read(path, engine)
    return time.perf_counter() - t0


def info(path: Path) -> tuple[int, int, bool]:
    """(pages, pages read by pdfplumber under the pdfium engine, has a table)."""
    from hyoka.extractors.pdf_format import PdfSettings, _PdfiumPages

    pages = _PdfiumPages(path, PdfSettings())
    try:
        for i in range(pages.count):
            _page, close = pages.page(i)
            close()
        return pages.count, len(pages.fallbacks), any(r.is_table for r in read(path, "pdfium").rows)
    finally:
        pages.close()


def child_rss(engine: str, pdfs: list[Path]) -> float:
    """Peak RSS (MB) of a fresh process that reads every file once with `engine`."""
    out = subprocess.run([sys.executable, __file__, "--rss-child", engine, *map(str, pdfs)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["peak_rss_mb"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rss-child", choices=ENGINES, help=argparse.SUPPRESS)
    args = ap.parse_args()
    pdfs = args.pdfs or default_pdfs()

    if args.rss_child:
        import hyoka.extractors.pdf_format  # noqa: F401  (imports counted in both engines alike)

        for path in pdfs:
            read(path, args.rss_child)
        print(json.dumps({"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
        return

    for engine in ENGINES:  # warm-up: imports, caches
        read(pdfs[0], engine)
    print(f"{'file':52} {'pages':>5} {'fallback':>8} {'before p/s':>10} {'after p/s':>10} {'speedup':>7} {'same':>5}")
    totals: dict[str, list[float]] = {"all": [0, 0, 0], "with tables": [0, 0, 0]}
    for path in pdfs:
        pages, fallback, has_table = info(path)
        same = [r.cells for r in read(path, "pdfplumber").rows] == [r.cells for r in read(path, "pdfium").rows]
        runs: dict[str, list[float]] = {e: [] for e in ENGINES}
        for _ in range(args.repeat):
            for engine in ENGINES:
                runs[engine].append(timed(path, engine))
        before, after = statistics.median(runs["pdfplumber"]), statistics.median(runs["pdfium"])
        for key in ("all", "with tables") if has_table else ("all",):
            totals[key][0] += pages
            totals[key][1] += before
            totals[key][2] += after
        name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
        print(f"{name:52} {pages:5d} {fallback:8d} {pages / before:10.1f} {pages / after:10.1f} "
              f"{before / after:6.1f}× {'yes' if same else 'NO':>5}")
    for key, (pages, before, after) in totals.items():
        if pages:
            print(f"{key:52} {int(pages):5d} {'':8} {pages / before:10.1f} {pages / after:10.1f} {before / after:6.1f}×")
    rss = {engine: child_rss(engine, pdfs) for engine in ENGINES}
    print(f"medians of {args.repeat} interleaved runs, one process (per core); peak RSS reading all "
          f"{len(pdfs)} files in a fresh process: before {rss['pdfplumber']:.0f} MB, after {rss['pdfium']:.0f} MB")


if __name__ == "__main__":
    main()
