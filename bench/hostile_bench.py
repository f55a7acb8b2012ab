"""Hostile inputs of #11 item 6, each read in a fresh process: wall time, peak RSS, and the outcome.

    python bench/hostile_bench.py [--text-mb 10] [--keep DIR]

Builds, in a temporary folder (or --keep DIR):

* ``gridspan.docx``: a 1-row table whose first cell has gridSpan="20000000" (~40 KB);
* ``bomb.docx``: a DOCX with a 600 MB part of spaces (~600 KB on disk);
* ``paragraphs.docx``: word/document.xml of 300 MB of identical paragraphs (~1 MB on disk);
* ``xfd.xlsx``: one value in column XFD and 100,000 rows with a value in column A (~1 MB);
* ``bomb.xlsx``: an XLSX with a 600 MB part of spaces;
* ``big.txt``: the 昭島市 report repeated to --text-mb MB (a real layout, ~1,000 measures per MB);
* ``huge.txt``: 60 MB of text, over the default max_text_mb (50).
* ``line2mb.txt`` / ``line9mb.txt``: あきる野市's report with one line of 2 MB / 9.5 MB of numbers and
  tabs after its title (#21 item 8: was 302 s and stopped; the table after it lost 5 of 14 rows).

Each file goes through ``hyoka.pipeline.ingest.read_document`` with the default Limits in a child
process, which prints the outcome and its own peak RSS (``getrusage(RUSAGE_SELF).ru_maxrss``); the
wall time includes starting Python and importing hyoka (~2.5 s here).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import sys
from pathlib import Path
from hyoka.extractors.base import ExtractionError
from hyoka.pipeline.ingest import read_document
try:
    doc = read_document(Path(sys.argv[1]))
    print(f"read: {len(doc.measures)} measures, {len(doc.indicator_values)} values, {len(doc.flags)} flags")
except ExtractionError as exc:
    print(f"refused ({getattr(exc, 'limit', 'read')}): {exc}")
import resource
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _docx(path: Path, span: int = 1, pad_mb: int = 0) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("令和7年度 進捗状況")
    d.add_table(rows=1, cols=2).cell(0, 0).text = "施策"
    src = path.with_suffix(".src.docx")
    d.save(src)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml" and span > 1:
                data = data.replace(b'<w:tcW w:type="dxa" w:w="4320"/></w:tcPr><w:p><w:r>',
                                    b'<w:tcW w:type="dxa" w:w="4320"/><w:gridSpan w:val="%d"/></w:tcPr><w:p><w:r>' % span, 1)
            zout.writestr(item, data)
        if pad_mb:
            with zout.open("customXml/padding.xml", "w") as fh:
                for _ in range(pad_mb):
                    fh.write(b" " * 2**20)
    src.unlink()


def _docx_paragraphs(path: Path, mb: int) -> None:
    """A DOCX whose word/document.xml is `mb` MB of identical paragraphs (packs ~340:1)."""
    _docx(path.with_suffix(".plain.docx"))
    with zipfile.ZipFile(path.with_suffix(".plain.docx")) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename != "word/document.xml":
                zout.writestr(item, data)
                continue
            head, tail = data.split(b"<w:body>")
            chunk = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 30_000
            with zout.open(item.filename, "w") as fh:
                fh.write(head + b"<w:body>")
                for _ in range(mb * 2**20 // len(chunk)):
                    fh.write(chunk)
                fh.write(tail)
    path.with_suffix(".plain.docx").unlink()


def _xlsx(path: Path, rows: int = 0, pad_mb: int = 0) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "指標"
    src = path.with_suffix(".src.xlsx")
    wb.save(src)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml" and rows:
                body = [b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>']
                body += [b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r) for r in range(2, rows + 1)]
                start, end = data.index(b"<sheetData>") + len(b"<sheetData>"), data.index(b"</sheetData>")
                data = data[:start] + b"".join(body) + data[end:]
            zout.writestr(item, data)
        if pad_mb:
            with zout.open("xl/padding.xml", "w") as fh:
                for _ in range(pad_mb):
                    fh.write(b" " * 2**20)
    src.unlink()


def build(folder: Path, text_mb: int) -> list[Path]:
    _docx(folder / "gridspan.docx", span=20_000_000)
    _docx(folder / "bomb.docx", pad_mb=600)
    _docx_paragraphs(folder / "paragraphs.docx", 300)
    _xlsx(folder / "xfd.xlsx", rows=100_000)
    _xlsx(folder / "bomb.xlsx", pad_mb=600)
    report = (ROOT / "sample_docs" / "akishima_plan_report_r5.txt").read_bytes()
    (folder / "big.txt").write_bytes(report * (text_mb * 2**20 // len(report) + 1))
    with (folder / "huge.txt").open("wb") as fh:
        for _ in range(60):
            fh.write(("令和5年度 施策1 目標 10件\n" * 30_000).encode("utf-8")[: 2**20])
    akiruno = (ROOT / "sample_docs" / "akiruno_progress_summary_r7.txt").read_text(encoding="utf-8").split("\n")
    for name, nbytes in (("line2mb.txt", 2_000_000), ("line9mb.txt", 9_500_000)):
        (folder / name).write_text("\n".join(akiruno[:5] + [_digits_and_tabs(nbytes)] + akiruno[5:]), encoding="utf-8")
    return sorted(folder.iterdir())


def _digits_and_tabs(nbytes: int) -> str:
    import random

    rng, parts, n = random.Random(7), [], 0
    while n < nbytes:
        parts.append(str(rng.randint(0, 99999)))
        n += len(parts[-1]) + 1
    return "\t".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--text-mb", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="build the files here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        files = build(folder, args.text_mb)
        for path in files:
            start = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True)
            wall = time.perf_counter() - start
            lines = out.stdout.strip().splitlines()
            if out.returncode or len(lines) != 2:
                result, rss = f"CRASHED: {(out.stderr.strip().splitlines() or ['?'])[-1]}", "?"
            else:
                result, rss = lines[0], f"{int(lines[1]) / 1024:.0f} MB"
            print(f"{path.name:14} {path.stat().st_size / 2**20:8.2f} MB  {wall:6.1f} s  peak RSS {rss:>7}  {result[:160]}")


if __name__ == "__main__":
    main()
