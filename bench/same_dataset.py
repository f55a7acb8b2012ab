"""Are two stores the same dataset? `python bench/same_dataset.py OUT_BEFORE OUT_AFTER [--ignore table.column …]`

Reads every table of both stores (`hyoka.open`) and compares them cell by cell, after sorting the
rows (part files may be written in another order) — the check that a refactoring changed nothing
stored: run `hyoka ingest sample_docs/ --out A` with the old code and `--out B` with the new one.
Columns only the newer store has are listed and not compared (a new column is a schema change the
commit says); `--ignore` leaves out columns that are known to differ. Exit status 0 when the same.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    key = frame.map(repr)
    order = key.sort_values(list(key.columns), kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def differences(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame],
                ignore: set[str] = frozenset()) -> list[str]:
    """One line per difference between two sets of tables; [] when they hold the same data."""
    out = []
    for name in sorted(set(before) | set(after)):
        if name not in before or name not in after:
            out.append(f"{name}: only in {'after' if name in after else 'before'}")
            continue
        a, b = before[name], after[name]
        dropped = {c for c in a.columns if f"{name}.{c}" in ignore} | {c for c in b.columns if f"{name}.{c}" in ignore}
        new = [c for c in b.columns if c not in a.columns and c not in dropped]
        gone = [c for c in a.columns if c not in b.columns and c not in dropped]
        if new:
            print(f"{name}: new columns {new} (not compared)", file=sys.stderr)
        if gone:
            out.append(f"{name}: columns gone {gone}")
        common = [c for c in a.columns if c in b.columns and c not in dropped]
        a, b = _sorted(a[common]), _sorted(b[common])
        if len(a) != len(b):
            out.append(f"{name}: {len(a)} rows before, {len(b)} after")
            continue
        for column in common:
            if str(a[column].dtype) != str(b[column].dtype):
                out.append(f"{name}.{column}: type {a[column].dtype} before, {b[column].dtype} after")
            differ = a[column].map(repr) != b[column].map(repr)
            if differ.any():
                i = differ.idxmax()
                out.append(f"{name}.{column}: {int(differ.sum())} rows differ, e.g. {a[column][i]!r} → {b[column][i]!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    import hyoka

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--ignore", nargs="*", default=[], help="table.column to leave out")
    args = parser.parse_args(argv)
    before, after = hyoka.open(args.before), hyoka.open(args.after)
    found = differences({n: before[n] for n in before.names}, {n: after[n] for n in after.names}, set(args.ignore))
    print("\n".join(found) or "same dataset")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
