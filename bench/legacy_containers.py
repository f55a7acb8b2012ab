"""Real reports in legacy and OpenDocument containers (#18 item 2): .doc, .odt, .xls, .ods made by
LibreOffice from the developers' corpus, scored like the corpus itself.

    python bench/legacy_containers.py [--corpus ../shared/corpus] [--render ../shared/corpus_render]
                                      [--limit N] [--keep DIR]

* Word: every DOCX rendering in `--render` is converted by `soffice --convert-to doc` and `odt`
  (one LibreOffice run per target format); the DOCX themselves are the baseline.
* Spreadsheets: every text/Markdown report in `--corpus` is written to an .xlsx the way a planning
  office keeps it (one sheet, every printed line in column A, table rows across columns, as
  tests/fixtures/make_corpus_renderings.py does), then converted to `xls` and `ods`; the text
  files and the .xlsx are the baselines.

* 大船渡市's workbook (sample_docs) saved as .xls and .ods: measures, values and notes against the .xlsx.

Each folder gets the facts of its reports (facts.json, file names changed to the container's) and
is scored by ../shared/tools/corpus_score.py with this checkout's `hyoka`. Prints the scorer's
summary line per container. Needs LibreOffice (soffice); takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def md_cells(line: str) -> list[str] | None:
    s = line.strip()
    if not (s.startswith("|") and s.endswith("|")):
        return None
    return [c.strip() for c in s[1:-1].split("|")]


def to_xlsx(src: Path, out: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in src.read_text(encoding="utf-8").splitlines():
        cells = md_cells(line)
        if cells is not None and all(set(c) <= set("-: ") for c in cells):
            continue
        if cells is None and "\t" in line:
            cells = line.split("\t")
        ws.append(cells if cells is not None else [line.lstrip("# ").strip()] if line.strip() else [])
    path = out / (src.stem + ".xlsx")
    wb.save(path)
    return path


def convert(files: list[Path], fmt: str, out: Path) -> float:
    out.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("LibreOffice (soffice) is needed: apt install libreoffice-writer-nogui libreoffice-calc-nogui")
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--convert-to", fmt,
                        "--outdir", str(out), *map(str, files)], check=True, capture_output=True, timeout=1800)
    return time.perf_counter() - t


def with_facts(folder: Path, facts: list[dict], names: dict[str, str]) -> None:
    """facts.json for `folder`: the facts of the files in `names` (original name → name in the folder)."""
    kept = []
    for fact in facts:
        new = names.get(fact["file"])
        if new and (folder / new).exists():
            kept.append({**fact, "file": new})
    (folder / "facts.json").write_text(json.dumps(kept, ensure_ascii=False, indent=1), encoding="utf-8")


def score(folder: Path) -> str:
    hyoka = str(Path(sys.executable).with_name("hyoka"))
    done = subprocess.run([sys.executable, str(SHARED / "tools" / "corpus_score.py"), str(folder), "--hyoka", hyoka],
                          capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return lines[-1] if lines else f"(no output; exit {done.returncode}: {done.stderr.strip()[-300:]})"


def ofunato(base: Path) -> None:
    """The 大船渡市 workbook saved by LibreOffice as .xls and .ods: its rows read against the .xlsx's."""
    import hyoka

    src = ROOT / "sample_docs" / "ofunato_jimujigyo_hyoka_r7.xlsx"
    folder = base / "ofunato"
    for fmt in ("xls", "ods"):
        convert([src], fmt, folder)
    want = None
    for path in (src, folder / f"{src.stem}.xls", folder / f"{src.stem}.ods"):
        ds = hyoka.read([path], audit=False)
        iv = ds.indicator_values
        facts = set(zip(iv.indicator, iv.fiscal_year, iv.target.astype(str), iv.actual.astype(str)))
        want = want or facts
        print(f"{path.suffix:6} measures {len(ds.measures)}, values {len(iv)}, notes {len(ds.notes)}; "
              f"values as in the .xlsx: {len(facts & want)}/{len(want)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    ap.add_argument("--render", type=Path, default=SHARED / "corpus_render")
    ap.add_argument("--limit", type=int, default=0, help="only the first N reports of each kind")
    ap.add_argument("--keep", type=Path, help="write the converted corpora here (else a temporary folder)")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="hyoka-legacy-"))
    base.mkdir(parents=True, exist_ok=True)

    render_facts = json.loads((args.render / "facts.json").read_text(encoding="utf-8"))
    docx = sorted(args.render.glob("*.docx"))[: args.limit or None]
    folders: dict[str, Path] = {}
    folders["docx"] = base / "docx"
    folders["docx"].mkdir(exist_ok=True)
    for f in docx:
        shutil.copy(f, folders["docx"] / f.name)
    with_facts(folders["docx"], render_facts, {f.name: f.name for f in docx})
    for fmt in ("doc", "odt"):
        seconds = convert(docx, fmt, base / fmt)
        print(f"converted {len(docx)} DOCX to .{fmt} in {seconds:.0f} s")
        folders[fmt] = base / fmt
        with_facts(folders[fmt], render_facts, {f.name: f"{f.stem}.{fmt}" for f in docx})

    text_facts = json.loads((args.corpus / "facts.json").read_text(encoding="utf-8"))
    texts = sorted(p for p in args.corpus.iterdir() if p.suffix in (".md", ".txt") and p.name != "README.md")
    texts = texts[: args.limit or None]
    folders["text"] = base / "text"
    folders["text"].mkdir(exist_ok=True)
    for f in texts:
        shutil.copy(f, folders["text"] / f.name)
    with_facts(folders["text"], text_facts, {f.name: f.name for f in texts})
    folders["xlsx"] = base / "xlsx"
    folders["xlsx"].mkdir(exist_ok=True)
    xlsx = [to_xlsx(f, folders["xlsx"]) for f in texts]
    with_facts(folders["xlsx"], text_facts, {f.name: f"{f.stem}.xlsx" for f in texts})
    for fmt in ("xls", "ods"):
        seconds = convert(xlsx, fmt, base / fmt)
        print(f"converted {len(xlsx)} XLSX to .{fmt} in {seconds:.0f} s")
        folders[fmt] = base / fmt
        with_facts(folders[fmt], text_facts, {f.name: f"{f.stem}.{fmt}" for f in texts})

    ofunato(base)
    print(f"corpora in {base}")
    for name, folder in folders.items():
        print(f"{name:5} {score(folder)}", flush=True)


if __name__ == "__main__":
    main()
