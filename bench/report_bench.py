"""Size and render time of the HTML audit page (`hyoka audit --format html`) against the other formats.

    python bench/report_bench.py [FOLDER]      (default: sample_docs/)

Prints bytes per format, the number of rows listed on the page, and the render time (median of 5).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import hyoka
from hyoka.pipeline.audit import audit_tables
from hyoka.pipeline.report import render
from hyoka.pipeline.rules import RuleSet


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "sample_docs")
    files = sorted(p for p in folder.iterdir() if p.is_file())
    findings = audit_tables(hyoka.read(files).tables, RuleSet())
    print(f"input: {len(files)} files in {folder}, {len(findings)} findings")
    for fmt, kw in (("json", {}), ("csv", {}), ("html", {}), ("html", {"show_all": True})):
        times = []
        for _ in range(5):
            t = time.perf_counter()
            text = render(findings, fmt, **kw)
            times.append(time.perf_counter() - t)
        size = len(text.encode("utf-8"))
        rows = text.count("<tr class=") if fmt == "html" else ""
        name = fmt + (" --all" if kw else "")
        print(f"{name:10} {size / 1024:9.1f} KiB  {statistics.median(times) * 1000:7.1f} ms"
              + (f"  {rows} rows listed" if rows != "" else ""))


if __name__ == "__main__":
    main()
