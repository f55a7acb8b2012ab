"""Add to pipeline/data/columns.tsv (the column descriptions a store carries as DuckDB comments and
Parquet field metadata) the columns docs/schema.md documents that it lacks.

    python docs/make_columns_tsv.py

Every `## table` section's rows `| column | TYPE | description | example |` give a line
`table<TAB>column<TAB>description` (markdown marks taken off) where the file has none for that
table and column; the lines it has stay as they are (the shared src_* columns, described once in
docs/schema.md's conventions, are spelled out per table there). Run it after adding a column to
docs/schema.md; tests/test_sql_views.py checks that every stored column has a description.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = ("# table\tcolumn\tdescription — one line per stored column (from docs/schema.md); DuckDB column "
          "comments and Parquet field metadata\n")


def rows(schema: str):
    table = None
    for line in schema.splitlines():
        if m := re.match(r"^##\s+`?([a-z_]+)`?\s*$", line):
            table = m.group(1)
            continue
        if line.startswith("#"):
            table = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if table and len(cells) >= 3 and re.fullmatch(r"`?[a-z_0-9]+`?", cells[0]) and cells[1] and \
                not set(cells[1]) <= set("-: "):
            description = re.sub(r"`([^`]*)`", r"\1", cells[2]).replace("\t", " ")
            yield table, cells[0].strip("`"), description


def shared_rows(schema: str, tables: set[str]):
    """The conventions' rows naming several src_* columns at once (`src_ocr`, `src_ocr_conf`): one line
    per column per table that has source columns."""
    for line in schema.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("| `src_") else []
        if len(cells) >= 2:
            names = re.findall(r"`(src_ocr[a-z_]*)`", cells[0])  # the others are spelled out per table
            description = re.sub(r"`([^`]*)`", r"\1", cells[1]).replace("\t", " ")
            for table in sorted(tables):
                for name in names:
                    yield table, name, description


def main() -> None:
    schema = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    path = ROOT / "pipeline" / "data" / "columns.tsv"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    have = {tuple(line.split("\t")[:2]) for line in text.splitlines() if not line.startswith("#")}
    with_sources = {t for t, c in have if c == "src_file"}
    found = [*rows(schema), *shared_rows(schema, with_sources)]
    added = list(dict.fromkeys(f"{t}\t{c}\t{d}\n" for t, c, d in found if c != "column" and (t, c) not in have))
    path.write_text(text + "".join(added), encoding="utf-8")
    print(f"{len(added)} column descriptions added: " + ", ".join(line.split("\t", 2)[1] for line in added))


if __name__ == "__main__":
    main()
