"""The generic reader's cost: hyoka.read on a report of many tables, and on the developers' corpus.

    python bench/reader_cost.py [--tables 300] [--repeat 3]

Writes a Markdown report of N indicator tables (5 indicators × 2 years × target/actual/grade each) to a
temporary folder, then times `hyoka.read(..., audit=False)` on it and on tests/corpus (40 reports) and
sample_docs, in this process, best of --repeat runs (the first run pays the imports). Prints seconds and
rows read. Run it from a checkout of another commit (or with another venv's python) to compare.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import hyoka

ROOT = Path(__file__).resolve().parent.parent


def many_tables(folder: Path, n: int) -> Path:
    lines = ["# 令和5年度 施策評価結果報告書", ""]
    for t in range(n):
        lines += [f"## 施策{t} の成果指標", "",
                  "| 指標名 | 令和3年度目標 | 令和3年度実績 | 令和4年度目標 | 令和4年度実績 | 評価 |", "|---|---|---|---|---|---|"]
        lines += [f"| 指標{t}-{i} | {100 + i} | {90 + i} | {110 + i} | {100 + i} | B |" for i in range(5)]
        lines.append("")
    path = folder / "many_tables.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def best_of(repeat: int, paths: list[Path]) -> tuple[float, int, int]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        ds = hyoka.read(paths, audit=False)
        times.append(time.perf_counter() - t)
    return min(times), len(ds.documents), len(ds.indicator_values)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout whose tests/corpus and sample_docs to read")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = many_tables(Path(tmp), a.tables)
        for name, paths in ((f"{a.tables} tables in one report", [report]),
                            ("tests/corpus + sample_docs", [a.root / "tests" / "corpus", a.root / "sample_docs"])):
            secs, docs, values = best_of(a.repeat, paths)
            print(f"{name:34s} {secs:6.2f} s  {docs:3d} documents  {values:6d} indicator values")


if __name__ == "__main__":
    main()
