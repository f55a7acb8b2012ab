"""Start-up of the `hyoka` command (#20 item 4): wall time of `hyoka --version`, `--help`, `info`
and `hyoka ingest one.txt --out new/` in fresh processes, and which heavy libraries each imports.

    python bench/startup.py [--repeat 7] [--hyoka PATH] [--file REPORT]

Each command runs --repeat times; the minimum and the median wall time are printed (the minimum
is the figure on a shared machine: the other runs waited for a core), and the least CPU time
(user + system, every thread) of a run, which a loaded machine inflates less. The heavy libraries are
those `python -X importtime` lists for the command (pandas, pyarrow, duckdb, numpy, pydantic).
A bare `python -c pass` is measured beside them, as the floor.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "pyarrow", "duckdb", "numpy", "pydantic", "typer", "rich")


def wall(cmd: list[str], repeat: int, before=None) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system, all threads) seconds of each run."""
    times, cpu = [], []
    for _ in range(repeat):
        if before is not None:
            before()
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
        now = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime)
    return times, cpu


def heavy_imports(python: str, args: list[str], cwd: Path) -> list[str]:
    """The top-level heavy packages the command imports (python -X importtime)."""
    code = ("import sys; from hyoka.pipeline.cli import main; sys.argv = ['hyoka', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n")
    done = subprocess.run([python, "-X", "importtime", "-c", code, *args], cwd=cwd, capture_output=True, text=True)
    found = set()
    for line in done.stderr.splitlines():
        name = line.rsplit("|", 1)[-1].strip()
        if name in HEAVY:
            found.add(name)
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--hyoka", default=str(Path(sys.executable).with_name("hyoka")))
    parser.add_argument("--file", default=str(ROOT / "sample_docs" / "akiruno_progress_summary_r7.txt"))
    args = parser.parse_args()
    python = str(Path(args.hyoka).with_name("python"))
    work = Path(tempfile.mkdtemp(prefix="hyoka-startup-"))
    one = work / ("one" + Path(args.file).suffix)
    shutil.copy(args.file, one)
    new = work / "new"
    rows = [("python -c pass", [python, "-c", "pass"], None, None),
            ("hyoka --version", [args.hyoka, "--version"], None, ["--version"]),
            ("hyoka --help", [args.hyoka, "--help"], None, ["--help"]),
            ("hyoka info", [args.hyoka, "info"], None, ["info"]),
            (f"hyoka ingest {one.name} --out new/", [args.hyoka, "ingest", str(one), "--out", str(new)],
             lambda: shutil.rmtree(new, ignore_errors=True), None)]
    print(f"{'command':<34} {'min':>7} {'median':>7} {'cpu':>7}  heavy imports")
    try:
        for label, cmd, before, probe in rows:
            times, cpu = wall(cmd, args.repeat, before)
            imports = ", ".join(heavy_imports(python, probe, work)) or "none" if probe is not None else ""
            print(f"{label:<34} {min(times):6.3f}s {statistics.median(times):6.3f}s {min(cpu):6.3f}s  {imports}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
