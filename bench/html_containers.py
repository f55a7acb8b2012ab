"""Saved web pages and zip bundles of real reports (#18 "Must show"), scored against their text.

    python bench/html_containers.py [--corpus ../shared/corpus] [--keep DIR]

Each real report of the corpus (its .txt/.md text rendering) is saved as a web page the way
municipal sites publish them: runs of tab-separated lines (and Markdown pipe tables) become one
`<table>` with the hierarchy's blank cells under a name merged into a `rowspan` and a header's
blank cells after a label into a `colspan`, `## 見出し` an `<h2>`, other lines `<p>`, inside a site's
header/nav/footer, in three encodings: UTF-8, Shift_JIS (with `<meta charset="Shift_JIS">`) and
EUC-JP (declared by `http-equiv`). All the pages are then put in one zip (names in CP932, as a
Japanese Windows zip has them) and read as a bundle.

Printed per container: the indicator values and count lines read from the pages, against those
read from the same reports' text — a value is the same when its fiscal year, target, actual and
grade as printed are; a count line when its label and count are. The goal is ≥ 80 % in each.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cells(line: str) -> list[str] | None:
    if "\t" in line:
        return line.split("\t")
    s = line.strip()
    if s.startswith("|") and s.endswith("|") and len(s) > 2:
        return [c.strip() for c in s[1:-1].split("|")]
    return None


def _is_md_rule(cells: list[str]) -> bool:
    return all(re.fullmatch(r":?-{2,}:?", c.strip()) for c in cells if c.strip()) and any(cells)


def _table_html(rows: list[list[str]]) -> str:
    width = max(len(r) for r in rows)
    grid = [r + [""] * (width - len(r)) for r in rows]
    covered = [[False] * width for _ in grid]
    out = ["<table border=\"1\">"]
    for i, row in enumerate(grid):
        tds = []
        j = 0
        while j < width:
            if covered[i][j]:
                j += 1
                continue
            text = row[j]
            attrs = ""
            if text:
                # a label over blank cells in the first row (a year over 目標 | 実績 | 評価): a colspan
                span = 1
                if i == 0:
                    while j + span < width and not grid[i][j + span] and any(grid[k][j + span] for k in range(1, len(grid))):
                        span += 1
                # a name in the first two columns over blank cells below it: a rowspan
                down = 1
                if j < 2 and span == 1:
                    while i + down < len(grid) and not grid[i + down][j] and any(grid[i + down][k] for k in range(j + 1, width)):
                        down += 1
                for a in range(down):
                    for b in range(span):
                        if a or b:
                            covered[i + a][j + b] = True
                attrs = (f" colspan=\"{span}\"" if span > 1 else "") + (f" rowspan=\"{down}\"" if down > 1 else "")
                j += span
            else:
                j += 1
            tds.append(f"<td{attrs}>{html.escape(text).replace(chr(10), '<br>')}</td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def page_html(text: str, charset_tag: str) -> str:
    body: list[str] = []
    table: list[list[str]] = []

    def close() -> None:
        if table:
            body.append(_table_html(table))
            table.clear()

    for line in text.split("\n"):
        cells = _cells(line)
        if cells is not None:
            if not _is_md_rule(cells):
                table.append(cells)
            continue
        close()
        if not line.strip():
            continue
        if m := re.match(r"^(#{1,6})\s+(.*)", line):
            level = min(len(m.group(1)) + 1, 6)
            body.append(f"<h{level}>{html.escape(m.group(2))}</h{level}>")
        else:
            body.append(f"<p>{html.escape(line)}</p>")
    close()
    return (f"<!DOCTYPE html>\n<html lang=\"ja\"><head>{charset_tag}<title>市政情報</title>"
            "<script>var a = '目標値 100';</script><style>td{border:1px}</style></head>\n<body>\n"
            "<header><p>○○市公式ホームページ</p><nav><ul><li>くらし</li><li>市政情報</li></ul></nav></header>\n"
            "<main>\n" + "\n".join(body) + "\n</main>\n<footer><p>Copyright ○○市 令和6年度</p></footer>\n</body></html>\n")


ENCODINGS = {
    "utf-8": ("utf-8", '<meta charset="utf-8">'),
    "shift_jis": ("cp932", '<meta charset="Shift_JIS">'),
    "euc-jp": ("euc_jp", '<meta http-equiv="Content-Type" content="text/html; charset=EUC-JP">'),
}


def facts(doc) -> tuple[Counter, Counter]:
    values = Counter((v.fiscal_year, v.target_raw, v.actual_raw, v.grade_raw) for v in doc.indicator_values)
    counts = Counter((i.label or i.label_raw, i.count) for s in doc.score_summaries for i in s.items)
    return values, counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--keep", type=Path)
    args = ap.parse_args()
    from hyoka.pipeline.ingest import read_document, read_file

    base = args.keep or Path(tempfile.mkdtemp(prefix="hyoka-html-"))
    base.mkdir(parents=True, exist_ok=True)
    reports = sorted(p for p in args.corpus.iterdir() if p.suffix in (".txt", ".md") and p.name != "README.md")
    totals: dict[str, list[int]] = {name: [0, 0, 0, 0] for name in [*ENCODINGS, "zip"]}
    base_values = base_counts = 0
    unread: list[str] = []
    try:
        bundle = base / "reports.zip"
        with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as z:
            for src in reports:
                text = src.read_text(encoding="utf-8")
                ref_values, ref_counts = facts(read_document(src))
                base_values += sum(ref_values.values())
                base_counts += sum(ref_counts.values())
                for name, (codec, tag) in ENCODINGS.items():
                    data = page_html(text, tag).encode(codec, errors="xmlcharrefreplace")
                    page = base / name / f"{src.stem}.html"
                    page.parent.mkdir(exist_ok=True)
                    page.write_bytes(data)
                    if name == "shift_jis":  # the zip holds the Shift_JIS pages, under Japanese names
                        info = _CP932Name(f"評価シート/{src.stem}.html")
                        info.compress_type = zipfile.ZIP_DEFLATED
                        z.writestr(info, data)
                    doc, failure = read_file(page)
                    if doc is None:
                        unread.append(f"{name} {src.name}: {failure.reason}")
                        continue
                    values, counts = facts(doc)
                    t = totals[name]
                    t[0] += sum((values & ref_values).values())
                    t[1] += sum((counts & ref_counts).values())
        from hyoka.extractors import bundles

        members, refused = bundles.list_members(bundle, str(bundle), {".html"})
        unread += [f"zip {name}: {reason}" for name, _stage, reason in refused]
        for src in reports:
            ref_values, ref_counts = facts(read_document(src))
            member = Path(f"{bundle}!/評価シート/{src.stem}.html")
            doc, failure = read_file(member)
            if doc is None:
                unread.append(f"zip {src.name}: {failure.reason}")
                continue
            values, counts = facts(doc)
            totals["zip"][0] += sum((values & ref_values).values())
            totals["zip"][1] += sum((counts & ref_counts).values())
        print(f"{len(reports)} real reports (shared/corpus text renderings): {base_values} indicator values and "
              f"{base_counts} count lines read from the text")
        for name, (v, c, _a, _b) in totals.items():
            print(f"  {name:10} values {v:4}/{base_values} ({100 * v / max(base_values, 1):5.1f} %)   "
                  f"count lines {c:3}/{base_counts} ({100 * c / max(base_counts, 1):5.1f} %)")
        print(f"  zip members listed: {len(members)} (names decoded from CP932)")
        for line in unread:
            print("  not read:", line)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


class _CP932Name(zipfile.ZipInfo):
    """A member name written in CP932 without the UTF-8 flag, as Explorer on Japanese Windows does."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("cp932"), self.flag_bits


if __name__ == "__main__":
    sys.exit(main())
