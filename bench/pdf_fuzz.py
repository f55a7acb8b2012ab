"""Fuzzed PDFs: does every one either read or fail with a reason written for a person?

    python bench/pdf_fuzz.py [--n 200] [--seed 1] [--engine pdfium|pdfplumber] [--keep DIR]

Mutants of the sample PDFs (sample_docs/*.pdf, tests/fixtures/*.pdf), made deterministically from
--seed: bytes flipped (1–64 of them), a run of bytes overwritten with junk, the file cut short, a
number in an object's dictionary replaced (a /Length, a /Count, a box coordinate), a key's value
replaced by a name (/MediaBox /Letter), an object reference pointed at another object. Each is read
with ``hyoka.pipeline.ingest.read_file`` (what a batch does: never raises) under a 60 s alarm, and
sorted into:

* read — a document (any status);
* refused — a failures row whose reason is a sentence (no exception name, no ``(at file.py:N)``);
* INTERNAL — a failures row whose reason is an exception's text (the library's words leaked);
* TIMEOUT — past the alarm.

It prints the counts and each INTERNAL/TIMEOUT case with its mutation, and exits 1 when there is
any (tests/test_pdf_hostile.py runs a few dozen of the same mutants).
"""

from __future__ import annotations

import argparse
import random
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from pdf_builder import mutate  # noqa: E402  (the tests' PDF builder: the same mutants)

SEEDS = sorted((ROOT / "sample_docs").glob("*.pdf")) + sorted((ROOT / "tests" / "fixtures").glob("*.pdf"))
INTERNAL = re.compile(r"\b[A-Z]\w*(?:Error|Exception|Warning)\b|\(at [\w.]+\.py:\d+\)|object is not|"
                      r"argument must be|index out of range|has no attribute|unexpected keyword|PDFObjRef|/'|b'\\x")


class _Timeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise _Timeout


def judge(path: Path) -> tuple[str, str]:
    """(verdict, reason) for one file read as a batch reads it."""
    from hyoka.pipeline.ingest import read_file

    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(60)
    try:
        _doc, failure = read_file(path)
    except _Timeout:
        return "TIMEOUT", "over 60 s"
    finally:
        signal.alarm(0)
    if failure is None:
        return "read", ""
    return ("INTERNAL" if INTERNAL.search(failure.reason) else "refused"), failure.reason


def mutants(n: int, seed: int):
    rng = random.Random(seed)
    originals = [(p.name, p.read_bytes()) for p in SEEDS]
    for i in range(n):
        name, data = originals[i % len(originals)]
        mutant, how = mutate(data, rng)
        yield f"{i:04d}_{name}", mutant, how


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--engine", choices=["pdfium", "pdfplumber"], default=None)
    ap.add_argument("--keep", type=Path, default=None)
    args = ap.parse_args()
    if args.engine:
        import os

        os.environ["HYOKA_PDF_ENGINE"] = args.engine
    folder = args.keep or Path(tempfile.mkdtemp(prefix="pdf_fuzz_"))
    folder.mkdir(parents=True, exist_ok=True)
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    bad = []
    start = time.perf_counter()
    for name, data, how in mutants(args.n, args.seed):
        path = folder / name
        path.write_bytes(data)
        verdict, reason = judge(path)
        counts[verdict] += 1
        if verdict == "refused":
            reasons[reason] += 1
        elif verdict != "read":
            bad.append((name, how, verdict, reason))
    took = time.perf_counter() - start
    print(f"{args.n} mutants of {len(SEEDS)} PDFs (seed {args.seed}, engine {args.engine or 'default'}) "
          f"in {took:.0f} s: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    for reason, n in reasons.most_common():
        print(f"  {n:4d}  {reason}")
    for name, how, verdict, reason in bad:
        print(f"{verdict}  {name}  ({how}): {reason}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
