"""OCR: pages per second, and how many of a report's values a scan of it gives.

    python bench/ocr_speed.py                      # the あきる野 scans (clean 300 dpi; noisy, askew)
    python bench/ocr_speed.py --corpus A.pdf B.pdf # also: these text-layer PDFs, scanned here

Each PDF with a text layer is scanned (tests/fixtures/make_scans.py: pages rendered to images,
a PDF of images) and both are read by hyoka; a value counts as given when the scan gives an
indicator value with the same year, target, actual and grade as printed (each a multiset:
one scan value matches one printed value). Speed is the scan's reading time (render, rules,
Tesseract, the PDF backend and the layout) over its page count, one file at a time in this
process — on a shared machine the wall time depends on the load, so the CPU time is printed too.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

import hyoka  # noqa: E402
import pandas as pd  # noqa: E402
from make_scans import scan  # noqa: E402

AKIRUNO = ROOT / "sample_docs" / "akiruno_progress_summary_r7.pdf"
VARIANTS = {  # name → scan options
    "300 dpi clean": {"dpi": 300},
    "300 dpi, noise 12, 0.4°": {"dpi": 300, "noise": 12.0, "angle": 0.4, "seed": 2},
    "250 dpi, noise 25, 0.6°": {"dpi": 250, "noise": 25.0, "angle": 0.6, "seed": 1},
    "200 dpi, noise 12, 0.3°": {"dpi": 200, "noise": 12.0, "angle": 0.3, "seed": 3},
}


def _key(row) -> tuple:
    """A value as printed: its year, and target, actual and grade with whitespace taken out (a scan has
    no space glyphs: 「見込み 28年度」 and a wrap 「28,000\\n部」 are the same values)."""
    return tuple(None if pd.isna(v) else "".join(str(v).split())
                 for v in (row.fiscal_year, row.target_raw, row.actual_raw, row.grade_raw))


def compare(src: Path, scanned: Path) -> dict:
    printed = hyoka.read(src, audit=False)
    t0, c0 = time.perf_counter(), time.process_time()
    children0 = os.times().children_user + os.times().children_system
    read = hyoka.read(scanned, audit=False)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0 + (os.times().children_user + os.times().children_system - children0)
    expected = Counter(map(_key, printed.indicator_values.itertuples()))
    got = Counter(map(_key, read.indicator_values.itertuples()))
    docs = read.documents
    pages = int(docs["ocr_pages"].fillna(0).sum()) if "ocr_pages" in docs else 0
    flagged = read.flags["reason"].str.startswith("read by OCR").sum() if len(read.flags) else 0
    values = read.indicator_values
    return {"printed": sum(expected.values()), "same": sum((expected & got).values()), "scan_values": len(values),
            "all_ocr": bool(len(values)) and bool(values["src_ocr"].astype(bool).all()),
            "ocr_pages": pages, "wall": wall, "cpu": cpu, "flagged": int(flagged),
            "status": ",".join(docs["status"].tolist()) or "failed"}


def line(name: str, r: dict) -> str:
    share = r["same"] / r["printed"] if r["printed"] else 0.0
    return (f"| {name} | {r['same']}/{r['printed']} ({share:.0%}) | {r['scan_values']} | {r['flagged']} | "
            f"{'yes' if r['all_ocr'] else 'no'} | {r['ocr_pages']} | {r['wall']:.1f} s | "
            f"{r['ocr_pages'] / r['wall'] if r['wall'] else 0:.3f} | {r['cpu']:.1f} s |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", nargs="*", type=Path, default=[], help="text-layer PDFs to scan at 300 dpi and read")
    ap.add_argument("--variants", nargs="*", default=list(VARIANTS), help="which あきる野 scans (names above)")
    args = ap.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at start")
    print("| scan | values as printed | values read | flagged by OCR | all marked OCR | pages | wall | pages/s | CPU |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [(f"あきる野 {name}", AKIRUNO, VARIANTS[name]) for name in args.variants]
        jobs += [(f"{src.name} 300 dpi clean", src, {"dpi": 300}) for src in args.corpus]
        for k, (name, src, options) in enumerate(jobs):
            scanned = scan(src, Path(tmp) / f"scan{k}.pdf", **options)
            print(line(name, compare(src, scanned)), flush=True)
    print(f"load {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
