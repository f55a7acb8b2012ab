"""The XLSX backend with python-calamine against openpyxl, side by side in one run (#20 item 2).

    python bench/xlsx_engines.py [--repeat 5] [FILE.xlsx ...]

Reads each workbook (default: the 大船渡市 事務事業評価シート, 407 事務事業) with the XLSX backend
under $HYOKA_XLSX_ENGINE=openpyxl and =calamine, alternating, --repeat times each, in this process
after one warm-up read of each (imports paid). Prints the best and median seconds of each engine,
the ratio, and whether the rows (cells and source references) are the same. The whole pipeline's
dataset is compared by tests/test_sheet_engines.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from hyoka.extractors.xlsx_format import ENGINE_VARIABLE, XlsxBackend

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "sample_docs" / "ofunato_jimujigyo_hyoka_r7.xlsx"


def read(path: Path, engine: str):
    os.environ[ENGINE_VARIABLE] = engine
    t = time.perf_counter()
    text = XlsxBackend().read(path)
    return time.perf_counter() - t, [(r.cells, r.ref, tuple(r.cell_refs)) for r in text.rows]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    for path in args.files or [DEFAULT]:
        times: dict[str, list[float]] = {"openpyxl": [], "calamine": []}
        rows = {engine: read(path, engine)[1] for engine in times}  # warm-up, and the rows compared
        for _ in range(args.repeat):
            for engine in times:
                times[engine].append(read(path, engine)[0])
        o, c = times["openpyxl"], times["calamine"]
        same = rows["openpyxl"] == rows["calamine"]
        print(f"{path.name}: {len(rows['calamine'])} rows, same rows and references: {same}")
        print(f"  openpyxl  best {min(o):.3f} s  median {statistics.median(o):.3f} s")
        print(f"  calamine  best {min(c):.3f} s  median {statistics.median(c):.3f} s")
        print(f"  openpyxl ÷ calamine: best {min(o) / min(c):.1f}×  median "
              f"{statistics.median(o) / statistics.median(c):.1f}×  (n={args.repeat} each, alternating)")
    os.environ.pop(ENGINE_VARIABLE, None)


if __name__ == "__main__":
    main()
