"""Hostile PDFs of #21 item 8, each read in a fresh process: wall time, peak RSS and the outcome;
and what the stream inflate check costs on the real PDFs.

    python bench/pdf_hostile.py [--bomb-mb 1024] [--without-check] [--keep DIR]

Builds (tests/pdf_builder.py):

* ``bomb.pdf``: one page whose content stream inflates to --bomb-mb MiB of spaces (~1 MB on disk
  for 1 GiB);
* ``loop.pdf``: a page tree whose Pages node lists itself as a kid;
* ``mediabox.pdf``: a page whose /MediaBox is the name /Letter.

Each goes through ``hyoka.pipeline.ingest.read_file`` with the default Limits in a child process
that prints the outcome and its peak RSS. ``--without-check`` turns the stream check off in the
child (the figures before it existed). Then, in this process, ``check_streams`` alone on each
sample PDF against its whole ``PdfBackend.read`` (best of 3).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from pdf_builder import flate_bomb_stream, one_page_pdf  # noqa: E402

CHILD = """
import sys, resource
from pathlib import Path
if sys.argv[2] == "off":
    import hyoka.extractors.pdf.backend as backend
    backend.check_streams = lambda path, limits: None
from hyoka.pipeline.ingest import read_file
doc, failure = read_file(Path(sys.argv[1]))
if failure:
    print(f"failure ({failure.stage}): {failure.reason}")
else:
    print(f"read: status {doc.status.value}, {len(doc.errors)} errors/notes")
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def build(folder: Path, bomb_mb: int) -> list[Path]:
    files = {
        "bomb.pdf": one_page_pdf([], content=flate_bomb_stream(bomb_mb)),
        "loop.pdf": one_page_pdf(["Hello world"], kids=b"[3 0 R 2 0 R]", count=2),
        "mediabox.pdf": one_page_pdf(["Hello world"], mediabox=b"/Letter"),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in files]


def check_cost() -> None:
    from hyoka.extractors.limits import DEFAULT_LIMITS
    from hyoka.extractors.pdf import PdfBackend
    from hyoka.extractors.pdf.streams import check_streams

    def best(fn) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    print("\nstream check vs whole read (best of 3):")
    for path in sorted((ROOT / "sample_docs").glob("*.pdf")) + sorted((ROOT / "tests" / "fixtures").glob("*.pdf")):
        check = best(lambda: check_streams(path, DEFAULT_LIMITS))
        read = best(lambda: PdfBackend().read(path))
        print(f"  {path.name:55s} {path.stat().st_size / 1024:7.0f} KB  check {check * 1000:6.1f} ms"
              f"  read {read * 1000:7.0f} ms  ({check / read:.1%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bomb-mb", type=int, default=1024)
    parser.add_argument("--without-check", action="store_true")
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--skip-cost", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for path in build(folder, args.bomb_mb):
            start = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", CHILD, str(path), "off" if args.without_check else "on"],
                                 capture_output=True, text=True)
            wall = time.perf_counter() - start
            lines = out.stdout.strip().splitlines()
            result, rss = (lines[0], int(lines[1]) / 1024) if len(lines) == 2 else (f"CRASHED: {out.stderr[-200:]}", 0)
            print(f"{path.name:14s} {path.stat().st_size / 1024:8.0f} KB  {wall:6.2f} s  {rss:7.0f} MB  {result}")
    if not args.skip_cost:
        check_cost()


if __name__ == "__main__":
    main()
