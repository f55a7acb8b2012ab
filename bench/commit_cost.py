"""What one changed document costs to commit, against the size of the store, before and after.

    python bench/commit_cost.py [--sizes 60 300 1000] [--before REV] [--repeats 3]

The sample_docs/ mix is read once (with this checkout's reader); its per-document tables are
repeated round-robin under new doc_ids and source paths to make synthetic stores of N
documents, written in chunks of 20 with `StoreWriter` as `hyoka ingest` writes them. Then, in a
fresh process per store: `--repeats` times, one document is replaced (same source path, new
doc_id: a changed file) and committed — `StoreWriter(out)`, `apply`, `commit` — timed from
opening the writer to its return, imports excluded. Each code runs the same steps on its own
store: "after" is this checkout, "before" is the `--before` revision (default: the commit
before the store's format 2), extracted with `git archive` and put first on PYTHONPATH.

Printed per size: the store's size on disk (a hard link counted once) before/after, the time
to write the N documents in one run (build) before/after, the median commit time of one changed
document before and after, and after's own steps from the store's checkpoint hooks: opening
the writer + apply (delete the old rows, insert the new), export of the Parquet parts, DuckDB
commit + checkpoint, pointer switch + the top-level folders.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_docs"
BEFORE = "2984929"  # the last commit with format 1 (a copy of hyoka.duckdb per generation)

CHILD = r"""
import json, pickle, sys, time
from pathlib import Path
import hyoka
import hyoka.pipeline.store as store
from hyoka.pipeline.store import StoreWriter

docs_file, out, n, repeats = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
docs = pickle.loads(Path(docs_file).read_bytes())


def synthetic(i, tag=""):
    # document i of the store: sample i mod len(docs) under its own doc_id and source path
    base = docs[i % len(docs)]
    doc_id, path = f"{tag}syn{i:06d}", f"/bench/doc{i:06d}{base['suffix']}"
    tables = {}
    for name, frame in base["tables"].items():
        frame = frame.copy()
        if "doc_id" in frame:
            frame["doc_id"] = doc_id
        if "source_path" in frame:
            frame["source_path"] = path
        tables[name] = frame
    return tables


def merged(chunk):
    import pandas as pd
    return {name: pd.concat([t[name] for t in chunk], ignore_index=True) for name in chunk[0]}


t0 = time.perf_counter()
with StoreWriter(out) as w:
    for start in range(0, n, 20):
        w.apply(merged([synthetic(i) for i in range(start, min(n, start + 20))]))
    w.commit()
build = time.perf_counter() - t0
seen = {}  # a hard link counted once
for p in out.rglob("*"):
    if p.is_file() and not p.is_symlink():
        st = p.stat()
        seen[st.st_dev, st.st_ino] = st.st_size
size = sum(seen.values())

marks = {}
store._checkpoint_hook = lambda step: marks.setdefault(step, time.perf_counter())
runs = []
for r in range(repeats):
    marks.clear()
    changed = synthetic(r, tag=f"chg{r}-")  # the file of document r changed: new doc_id, same path
    t0 = time.perf_counter()
    with StoreWriter(out) as w:
        w.apply(changed)
        w.commit()
    t1 = time.perf_counter()
    runs.append({"total": t1 - t0, "marks": {k: v - t0 for k, v in marks.items()}})
docs_now = len(hyoka.open(out).documents)
print(json.dumps({"build": build, "size": size, "runs": runs, "documents": docs_now}))
"""


def per_document_tables() -> list[dict]:
    """Each sample document's rows, table by table (read once, with this checkout)."""
    from hyoka.pipeline.ingest import ingest

    files = sorted(p for p in SAMPLES.iterdir() if p.is_file() and not p.name.startswith("."))
    tables = ingest(files).tables()
    docs = []
    for _, row in tables["documents"].iterrows():
        one = {name: (frame[frame["doc_id"] == row["doc_id"]].reset_index(drop=True) if "doc_id" in frame
                      else frame.iloc[0:0]) for name, frame in tables.items()}
        docs.append({"suffix": Path(row["source_path"]).suffix, "tables": one})
    return docs


def before_tree(rev: str, base: Path) -> Path:
    """The package as it was at `rev`, laid out as installed (hyoka/, hyoka/pipeline/, …)."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "hyoka", "pipeline", "extractors", "normalizers"],
                          check=True, capture_output=True).stdout
    src = base / "src"
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(src)
    pkg = base / "pkg"
    shutil.copytree(src / "hyoka", pkg / "hyoka")
    for sub in ("pipeline", "extractors", "normalizers"):
        shutil.copytree(src / sub, pkg / "hyoka" / sub)
    return pkg


def run_child(docs: Path, out: Path, n: int, repeats: int, pythonpath: Path | None) -> dict:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    res = subprocess.run([sys.executable, "-c", CHILD, str(docs), str(out), str(n), str(repeats)],
                         capture_output=True, text=True, env=env, cwd=out.parent)
    if res.returncode:
        raise SystemExit(f"child failed ({'before' if pythonpath else 'after'}, {n} documents):\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[60, 300, 1000])
    ap.add_argument("--before", default=BEFORE)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="hyoka-commit-"))
    try:
        docs = base / "docs.pickle"
        docs.write_bytes(pickle.dumps(per_document_tables()))
        old = before_tree(args.before, base / "before")
        check = subprocess.run([sys.executable, "-c", "import hyoka; print(hyoka.__file__)"], capture_output=True,
                               text=True, env={**os.environ, "PYTHONPATH": str(old)}, cwd=base).stdout.strip()
        assert check.startswith(str(old)), f"the 'before' code is not the one imported: {check}"
        print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; load {os.getloadavg()[0]:.2f}; "
              f"before = {args.before}, after = this checkout; median of {args.repeats} commits of one changed "
              "document")
        print(f"\n{'documents':>9} {'store MB':>9} {'build s':>11} {'before s':>9} {'after s':>8} "
              f"{'after/before':>12}   after's steps: open+apply, export, commit+checkpoint, switch+top files (s)")
        for n in args.sizes:
            row = {}
            for label, path in (("before", old), ("after", None)):
                out = base / f"{label}{n}" / "out"
                out.parent.mkdir()
                row[label] = run_child(docs, out, n, args.repeats, path)
                assert row[label]["documents"] == n, row[label]
                shutil.rmtree(out.parent)
            before = statistics.median(r["total"] for r in row["before"]["runs"])
            after = statistics.median(r["total"] for r in row["after"]["runs"])
            steps = [statistics.median(r["marks"].get(k, float("nan")) for r in row["after"]["runs"])
                     for k in ("chunk", "exported", "checkpointed", "switched")]
            total = after
            parts = (steps[0], steps[1] - steps[0], steps[2] - steps[1], total - steps[2])
            print(f"{n:>9} {row['before']['size'] / 2**20:>5.0f}/{row['after']['size'] / 2**20:<4.0f}"
                  f"{row['before']['build']:>6.1f}/{row['after']['build']:<5.1f}"
                  f"{before:>8.2f} {after:>8.2f} {after / before:>12.2f}   "
                  + ", ".join(f"{p:.2f}" for p in parts), flush=True)
        print(f"\nload after: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
