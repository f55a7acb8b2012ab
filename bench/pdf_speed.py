"""PDF reading speed of the two engines, pages per second per core, and peak memory.

    python bench/pdf_speed.py [--repeat 5] [--main /work/venv/bin/python] [--long 200] [PDF ...]

Default input: every PDF fixture (sample_docs/*.pdf, tests/fixtures/*.pdf,
tests/corpus/render/*.pdf). For each file, in one process, alternating: the PDF backend's
``read`` (tables, cells, paragraphs, stitching — the whole SourceText) with

* before — ``PdfSettings(engine="pdfplumber")``: today's path, pdfminer parsing every page;
* after — ``PdfSettings(engine="pdfium")`` (the default): PDFium's characters and path objects,
  pdfplumber only for the pages PDFium can't reproduce (the "fallback" column counts them).

Both must give the same rows (the "same" column; tests/test_formats_pdf.py asserts it), up to
pdfminer's tilde round trip in non-embedded CID fonts (～ → 〜, ~ → ˜; PDFium keeps them).
Pages/s are per core: pages ÷ CPU seconds of this one-threaded process (time.process_time),
medians of --repeat runs — on a shared machine, wall time also counts the waits for a core
(printed too, as "wall"). "with tables" sums the files that have a table.

Peak RSS: each engine reads every file once in a fresh child process (ru_maxrss). With
--main PYTHON, the same child runs the PDF backend of another checkout (an interpreter whose
``hyoka`` is, e.g., the main branch: pages never closed) for its CPU time and peak RSS.
With --long N, the same three read one generated N-page PDF (reportlab; needs the
``fixtures`` extra): memory per page held or not.
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

# run in a child: read every file once, print CPU seconds and peak RSS (works on any checkout)
CHILD = """
import json, resource, sys, time
import pdfplumber, pypdfium2  # imported before the clock starts (the backends import them lazily)
try:
    from hyoka.extractors.pdf import PdfBackend, PdfSettings
except ImportError:  # a checkout from before extractors/pdf/ (--main)
    from hyoka.extractors.pdf_format import PdfBackend, PdfSettings
engine, paths = sys.argv[1], sys.argv[2:]
backend = PdfBackend(PdfSettings(engine=engine)) if engine != "-" else PdfBackend()
t0 = time.process_time()
for p in paths:
    backend.read(p)
print(json.dumps({"cpu": time.process_time() - t0,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


# pdfminer's Adobe-Japan1 round trip in a non-embedded CID font: ～ → 〜, ~ → ˜ (PDFium keeps them)
_ROUND_TRIP = {("～", "〜"), ("~", "˜")}


def _same_rows(slow, fast) -> bool:
    """The same rows, up to pdfminer's tilde round trip (as tests/test_formats_pdf.py compares them)."""
    def same_cell(s: str, f: str) -> bool:
        return s == f or (len(s) == len(f) and all(a == b or (b, a) in _ROUND_TRIP for a, b in zip(s, f)))

    return len(slow) == len(fast) and all(len(a.cells) == len(b.cells) and all(map(same_cell, a.cells, b.cells))
                                          for a, b in zip(slow, fast))


def default_pdfs() -> list[Path]:
    return sorted([*(ROOT / "sample_docs").glob("*.pdf"), *(ROOT / "tests" / "fixtures").glob("*.pdf"),
                   *(ROOT / "tests" / "corpus" / "render").glob("*.pdf")])


def read(path: Path, engine: str):
    from hyoka.extractors.pdf import PdfBackend, PdfSettings

    return PdfBackend(PdfSettings(engine=engine)).read(path)


def timed(path: Path, engine: str) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one read."""
    gc.collect()
    c0, w0 = time.process_time(), time.perf_counter()
    read(path, engine)
    return time.process_time() - c0, time.perf_counter() - w0


def info(path: Path) -> tuple[int, int, bool]:
    """(pages, pages read by pdfplumber under the pdfium engine, has a table)."""
    from hyoka.extractors.pdf import PdfSettings
    from hyoka.extractors.pdf.engines import _PdfiumPages

    pages = _PdfiumPages(path, PdfSettings())
    try:
        for i in range(pages.count):
            _page, close = pages.page(i)
            close()
        return pages.count, len(pages.fallbacks), any(r.is_table for r in read(path, "pdfium").rows)
    finally:
        pages.close()


def long_pdf(pages: int, folder: Path) -> Path:
    """A `pages`-page PDF (reportlab, Helvetica): a 3 × 30 ruled table and a paragraph per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = folder / f"long_{pages}.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(1, pages + 1):
        c.setFont("Helvetica", 10)
        c.drawString(72, 800, f"Progress sheet {n}: measures, targets and results of the year.")
        for r in range(30):
            for k, text in enumerate((f"Measure {n}.{r}", f"{r * 7 + n} units", f"{(r * 13 + n) % 100} %")):
                c.rect(72 + k * 150, 760 - (r + 1) * 20, 150, 20)
                c.drawString(76 + k * 150, 766 - (r + 1) * 20, text)
        c.showPage()
    c.save()
    return path


def child(python: str, engine: str, pdfs: list[Path], cwd: Path) -> dict:
    out = subprocess.run([python, "-c", CHILD, engine, *map(str, pdfs)], check=True, capture_output=True,
                         text=True, cwd=cwd).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--main", metavar="PYTHON", help="also measure the PDF backend this interpreter imports")
    ap.add_argument("--long", type=int, default=0, metavar="PAGES",
                    help="also read one generated PDF of PAGES pages (peak RSS: pages closed or not)")
    args = ap.parse_args()
    pdfs = [p.resolve() for p in args.pdfs] or default_pdfs()

    for engine in ENGINES:  # warm-up: imports, caches
        read(pdfs[0], engine)
    print(f"{'file':52} {'pages':>5} {'fallback':>8} {'before p/s':>10} {'after p/s':>10} {'speedup':>7} "
          f"{'wall':>6} {'same':>5}")
    totals: dict[str, list[float]] = {"all": [0, 0, 0, 0, 0], "with tables": [0, 0, 0, 0, 0]}
    for path in pdfs:
        pages, fallback, has_table = info(path)
        same = _same_rows(read(path, "pdfplumber").rows, read(path, "pdfium").rows)
        runs: dict[str, list[tuple[float, float]]] = {e: [] for e in ENGINES}
        for _ in range(args.repeat):
            for engine in ENGINES:
                runs[engine].append(timed(path, engine))
        before = statistics.median(c for c, _w in runs["pdfplumber"])
        after = statistics.median(c for c, _w in runs["pdfium"])
        wall_ratio = statistics.median(w for _c, w in runs["pdfplumber"]) / statistics.median(w for _c, w in runs["pdfium"])
        for key in ("all", "with tables") if has_table else ("all",):
            t = totals[key]
            t[0] += pages
            t[1] += before
            t[2] += after
            t[3] += statistics.median(w for _c, w in runs["pdfplumber"])
            t[4] += statistics.median(w for _c, w in runs["pdfium"])
        name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
        print(f"{name:52} {pages:5d} {fallback:8d} {pages / before:10.1f} {pages / after:10.1f} "
              f"{before / after:6.1f}× {wall_ratio:5.1f}× {'yes' if same else 'NO':>5}")
    for key, (pages, before, after, wb, wa) in totals.items():
        if pages:
            print(f"{key:52} {int(pages):5d} {'':8} {pages / before:10.1f} {pages / after:10.1f} "
                  f"{before / after:6.1f}× {wb / wa:5.1f}×")
    print(f"pages/s = pages ÷ CPU s of this process, medians of {args.repeat} interleaved runs; "
          f"'wall' = the same ratio in wall time")
    print(f"one fresh process per engine reading all {len(pdfs)} files "
          f"({int(totals['all'][0])} pages) once:")
    runs_rss = [(f"before (engine=pdfplumber)", sys.executable, "pdfplumber", ROOT),
                (f"after (engine=pdfium)", sys.executable, "pdfium", ROOT)]
    if args.main:
        runs_rss.insert(0, (f"main ({args.main})", args.main, "-", Path("/")))
    for label, python, engine, cwd in runs_rss:
        r = child(python, engine, pdfs, cwd)
        print(f"  {label:40} {totals['all'][0] / r['cpu']:7.1f} pages/s (CPU), peak RSS {r['peak_rss_mb']:6.0f} MB")
    if args.long:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = long_pdf(args.long, Path(tmp))
            print(f"one generated PDF of {args.long} pages (a 3 × 30 ruled table per page, Helvetica), "
                  f"one fresh process each:")
            for label, python, engine, cwd in runs_rss:
                r = child(python, engine, [path], cwd)
                print(f"  {label:40} {args.long / r['cpu']:7.1f} pages/s (CPU), peak RSS {r['peak_rss_mb']:6.0f} MB")


if __name__ == "__main__":
    main()
