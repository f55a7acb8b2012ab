"""CPU-seconds per document on bulk_store.py's mix, before and after, and whether the stores agree.

    python bench/cpu_per_doc.py [--docs 60] [--before REV] [--jobs 1] [--profile]

Builds bulk_store.py's corpus of N documents (sample_docs/ copied round-robin: PDF, DOCX, XLSX,
text), then runs `hyoka ingest CORPUS --out STORE -q --jobs J` in a fresh process with this
checkout ("after") and with the `--before` revision ("before", extracted with `git archive` and put
first on PYTHONPATH, as commit_cost.py does), side by side, and prints for each: wall seconds, CPU
seconds of the process and its children (user + system, from wait4/RUSAGE_CHILDREN), CPU seconds
per document, and the after/before ratio. Then it compares the two stores table by table (rows
sorted, columns a run writes about itself left out) and prints every difference it finds.

`--profile` runs "after" once more under cProfile with --jobs 1 and prints the CPU by package
part (extractors/reading, pipeline/audit, pipeline/tables, …), to say where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from bulk_store import build_corpus  # noqa: E402
from commit_cost import before_tree  # noqa: E402

_STAGE_NAMES = {"normalize_document", "normalize_measures", "normalize_indicator_values", "normalize_scores",
                "normalize_summary_counts", "normalize_costs", "normalize_text", "collect_dates", "flag_stray_years",
                "flag_printed_figures", "municipality_basis", "finalize_status"}
RUN_COLUMNS = {"ingested_at", "seconds", "run_id", "read_seconds", "generation"}


def timed_ingest(corpus: Path, store: Path, jobs: int, pythonpath: Path | None) -> tuple[float, float]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    before = os.times()
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "hyoka", "ingest", str(corpus), "--out", str(store), "-q",
                           "--jobs", str(jobs)], env=env, cwd=store.parent, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = os.times()
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(f"hyoka ingest failed ({'before' if pythonpath else 'after'}): {proc.stderr[-2000:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu


def store_tables(store: Path) -> dict:
    import pandas as pd

    out = {}
    for folder in sorted(store.glob("*.parquet")):
        frame = pd.read_parquet(folder)
        frame = frame.drop(columns=[c for c in frame.columns if c in RUN_COLUMNS])
        if len(frame):
            frame = frame.astype(object).where(frame.notna(), "<null>").astype(str)  # pandas 3's str keeps NaN
            frame = frame.sort_values(list(frame.columns)).reset_index(drop=True)
        out[folder.name.removesuffix(".parquet")] = frame
    return out


def compare_stores(a: Path, b: Path) -> list[str]:
    ta, tb = store_tables(a), store_tables(b)
    problems = [f"table {name} only {'before' if name in ta else 'after'}" for name in sorted(set(ta) ^ set(tb))]
    for name in sorted(set(ta) & set(tb)):
        fa, fb = ta[name], tb[name]
        if list(fa.columns) != list(fb.columns):
            extra, missing = set(fb.columns) - set(fa.columns), set(fa.columns) - set(fb.columns)
            problems.append(f"{name}: columns added {sorted(extra)}, removed {sorted(missing)}")
            common = [c for c in fa.columns if c in fb.columns]
            fa = fa[common].sort_values(common).reset_index(drop=True)
            fb = fb[common].sort_values(common).reset_index(drop=True)
        if len(fa) != len(fb):
            problems.append(f"{name}: {len(fa)} rows before, {len(fb)} after")
        elif not fa.equals(fb):
            diff = (fa != fb).any(axis=1)
            problems.append(f"{name}: {int(diff.sum())} of {len(fa)} rows differ, e.g. before {fa[diff].head(1).to_dict('records')} "
                            f"after {fb[diff].head(1).to_dict('records')}")
    return problems


def profile(corpus: Path, store: Path) -> None:
    from hyoka.pipeline.ingest import ingest_to_store

    files = sorted(corpus.iterdir())
    prof = cProfile.Profile()
    prof.enable()
    ingest_to_store(files, store)  # the serial executor: every stage in this process
    prof.disable()
    stats = pstats.Stats(prof)
    total = sum(tt for (_cc, _nc, tt, _ct, _callers) in stats.stats.values())
    # cumulative time of each stage's entry point (a function counted once per call from outside it)
    stages = [
        ("hash the file", lambda f, n: n == "hash_file"),
        ("backend read (file → rows)", lambda f, n: n == "read" and "/extractors/" in f),
        ("layout extract (rows → records)", lambda f, n: n == "extract" and "/extractors/" in f),
        ("normalize stages", lambda f, n: n in _STAGE_NAMES and "/pipeline/" in f),
        # since the audit became a package the rows are made once (table_rows), framed and audited
        ("build_tables (records → frames)", lambda f, n: n in ("build_tables", "table_rows")),
        ("audit", lambda f, n: n in ("audit_tables", "audit_rows")),
        ("findings_frame", lambda f, n: n == "findings_frame"),
        ("chunk tables (concat)", lambda f, n: n == "_chunk_tables"),
        ("store apply", lambda f, n: n == "apply" and "/pipeline/store" in f),
        ("store commit/publish", lambda f, n: n in ("commit", "publish", "close") and "/pipeline/store" in f),
    ]
    print(f"\nprofile (--jobs 1, cProfile; its overhead inflates times, read the shares): {total:.1f} s")
    for label, pred in stages:
        cum = sum(ct for (f, _l, n), (_cc, _nc, _tt, ct, _callers) in stats.stats.items()
                  if pred(f.replace(os.sep, "/"), n))
        print(f"  {label:40} {cum:7.1f} s  {100 * cum / total:5.1f} %")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=60)
    ap.add_argument("--before", default="f425bd8")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="hyoka-cpu-"))
    try:
        corpus = base / "corpus"
        corpus.mkdir()
        build_corpus(corpus, args.docs)
        old = before_tree(args.before, base / "before")
        check = subprocess.run([sys.executable, "-c", "import hyoka; print(hyoka.__file__)"], capture_output=True,
                               text=True, env={**os.environ, "PYTHONPATH": str(old)}, cwd=base).stdout.strip()
        assert check.startswith(str(old)), f"the 'before' code is not the one imported: {check}"
        print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; load {os.getloadavg()[0]:.2f}; "
              f"{args.docs} documents; --jobs {args.jobs}; before = {args.before}, after = this checkout")
        results = {}
        for label, path in (("before", old), ("after", None)):
            store = base / f"store-{label}"
            wall, cpu = timed_ingest(corpus, store, args.jobs, path)
            results[label] = (wall, cpu)
            print(f"  {label:6}  wall {wall:7.1f} s   CPU {cpu:7.1f} s   {cpu / args.docs:6.3f} CPU-s per document")
        print(f"  after/before CPU: {results['after'][1] / results['before'][1]:.2f}; load after {os.getloadavg()[0]:.2f}")
        problems = compare_stores(base / "store-before", base / "store-after")
        print("stores: the same tables and rows" if not problems else "stores differ:\n  " + "\n  ".join(problems))
        if args.profile:
            profile(corpus, base / "store-profile")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
