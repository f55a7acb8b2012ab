"""jobs=1 against jobs=2 (and optionally Dask) on a synthetic corpus of distinct documents.

    python bench/bulk_jobs.py [--copies 6] [--repeat 1] [--jobs 1,2] [--dask] [--keep DIR]

Builds COPIES copies of every file in sample_docs/, each with its own content hash (a text file
gets a last line of blanks, a PDF a comment after %%EOF, a DOCX/XLSX a zip archive comment: the content
read is the same, the bytes are not), then times run_files over the whole corpus with each jobs
value in turn, in one process, side by side, and prints wall time, docs/s and the speedup over
jobs=1. Outcomes are consumed and dropped as they come, as the ingest loop does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from hyoka.pipeline.executors import run_files

ROOT = Path(__file__).resolve().parents[1]


def make_copy(source: Path, target: Path, number: int) -> None:
    """`source` at `target` with `number` in its bytes where the format has room for it."""
    mark = f"hyoka bench copy {number:04d}"
    suffix = source.suffix.lower()
    if suffix in (".docx", ".xlsx"):
        shutil.copyfile(source, target)
        with zipfile.ZipFile(target, "a") as archive:
            archive.comment = mark.encode()
    elif suffix == ".pdf":
        target.write_bytes(source.read_bytes() + f"\n%{mark}\n".encode())
    else:
        # a last line of blanks only (the copy number in binary, tab = 1, space = 0): a visible
        # line would be read as one more note or legend row
        text = source.read_bytes()
        blanks = format(number, "b").replace("0", " ").replace("1", "\t") + " "
        target.write_bytes(text + (b"" if text.endswith(b"\n") else b"\n") + f"{blanks}\n".encode())


def build_corpus(folder: Path, copies: int) -> list[Path]:
    samples = sorted(p for p in (ROOT / "sample_docs").iterdir() if p.is_file())
    paths = []
    for i in range(copies):
        sub = folder / f"copy{i:04d}"
        sub.mkdir(parents=True, exist_ok=True)
        for source in samples:
            target = sub / source.name
            make_copy(source, target, i)
            paths.append(target)
    return paths


def _forkserver_cpu() -> float:
    """CPU seconds of the forkserver (its preload imports) and of the pool's workers so far: it forks
    and reaps them, so their time is its cutime + cstime (/proc/PID/stat fields 14–17, utime,
    stime, cutime, cstime). 0 before the forkserver starts."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)  # private, but this is a bench
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


def timed_run(paths: list[Path], jobs: int, executor: str) -> tuple[float, float, int, int, int]:
    """Wall seconds, CPU seconds (this process + pool workers; Dask workers' not counted), counts."""
    cpu_before = _own_cpu() + _forkserver_cpu()
    start = time.perf_counter()
    ok = failed = measures = 0
    for outcome in run_files(paths, jobs=jobs, executor=executor):
        if outcome.ok:
            ok += 1
            measures += len(outcome.tables["measures"])
        else:
            failed += 1
            print(f"  failed: {outcome.failure.line()}", file=sys.stderr)
    wall = time.perf_counter() - start
    time.sleep(0.5)  # let the forkserver reap the pool's last workers
    return wall, _own_cpu() + _forkserver_cpu() - cpu_before, ok, failed, measures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=6, help="copies of sample_docs/ (11 files each)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; each round runs every setting once")
    parser.add_argument("--jobs", default="1,2", help="comma-separated jobs values (the first is the baseline)")
    parser.add_argument("--dask", action="store_true", help="also run on a dask LocalCluster of the largest jobs")
    parser.add_argument("--keep", type=Path, help="build the corpus here and keep it")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="hyoka-bulk-"))
    try:
        paths = build_corpus(folder, args.copies)
        by_suffix: dict[str, int] = {}
        for p in paths:
            by_suffix[p.suffix] = by_suffix.get(p.suffix, 0) + 1
        print(f"corpus: {len(paths)} files ({', '.join(f'{n} {s}' for s, n in sorted(by_suffix.items()))}) in {folder}")
        print(f"machine: {os.cpu_count()} cores, load average before: "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        settings = [("local", int(j)) for j in args.jobs.split(",")]
        if args.dask:
            settings.append(("dask", max(j for _, j in settings)))
        walls: dict[tuple[str, int], list[float]] = {s: [] for s in settings}
        cpus: dict[tuple[str, int], list[float]] = {s: [] for s in settings}
        for round_no in range(args.repeat):
            for executor, jobs in settings:
                wall, cpu, ok, failed, measures = timed_run(paths, jobs, executor)
                walls[executor, jobs].append(wall)
                cpus[executor, jobs].append(cpu)
                print(f"round {round_no + 1} {executor} jobs={jobs}: {wall:7.2f} s  {len(paths) / wall:5.2f} docs/s  "
                      f"CPU {cpu:6.1f} s  ({ok} read, {failed} failed, {measures} measures; "
                      f"load average {os.getloadavg()[0]:.1f})", flush=True)
        base = statistics.median(walls[settings[0]])
        base_cpu = statistics.median(cpus[settings[0]])
        print(f"median over {args.repeat} round(s), load average after: "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for setting in settings:
            wall = statistics.median(walls[setting])
            cpu = statistics.median(cpus[setting])
            cpu_text = f"CPU {cpu:6.1f} s ({cpu / base_cpu:.2f} ×)" if setting[0] == "local" else "CPU of workers not counted"
            print(f"  {setting[0]:5} jobs={setting[1]}: {wall:7.2f} s  {len(paths) / wall:5.2f} docs/s  "
                  f"{wall / base:.2f} × jobs={settings[0][1]} time  (speedup {base / wall:.2f}×)  {cpu_text}")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
