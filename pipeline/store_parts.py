"""The Parquet side of a commit: each table's rows kept in part files of at most PART_DOCS
documents, so that a commit rewrites only the parts that lost a document and writes one part for
the documents it added — its cost is what the run changed, not the size of the table.

    .hyoka/parts/<table>/p000007-0003.parquet   the rows of one part's documents (generation 7
                                                wrote it); never changed once written
    manifest "parts":  [[part_id, [doc_id, …]], …]    which documents each part holds, in order
    manifest "files":  {table: [[part_id, "parts/<table>/<part_id>.parquet", rows], …]}

Tables without documents' rows (failures, and any table without doc_id) are one part ("all"),
written again when they change. A table with no row at all is one empty file, for its columns.
A table whose columns changed in a run (a column added, a type given to an all-null column) is
written again whole, so every part of a table has the same schema and a reader can read the
parts as one dataset. The database is the source: every part is exported from it, inside the
run's transaction, and the rows of a table's parts must add up to its count."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from hyoka.pipeline.store_layout import StoreError

PART_DOCS = 32  # documents per part: a changed document rewrites at most this many documents' rows
SMALL = PART_DOCS // 4  # parts this small are merged once there are more than MAX_SMALL of them
MAX_SMALL = 8
WHOLE = "all"


def plan_parts(before: list | None, removed: set[str], added: list[str], number: int) -> tuple[list, set[str]]:
    """The parts after this run, and the ids of the parts that must be written. `before` is the
    published manifest's parts (None: write everything), `removed` the doc_ids deleted by this
    run, `added` the doc_ids it inserted that are stored now (in the database's order)."""
    counter = iter(range(10**6))

    def new_id() -> str:
        return f"p{number:06d}-{next(counter):04d}"

    parts: list[list] = []
    dirty: set[str] = set()
    for part_id, docs in before or []:
        if removed.intersection(docs):  # a part that lost documents is written again without them
            docs = [d for d in docs if d not in removed]
            if not docs:
                continue
            part_id = new_id()
            dirty.add(part_id)
        parts.append([part_id, list(docs)])
    small = [p for p in parts if len(p[1]) < SMALL]
    if len(small) > MAX_SMALL:  # many one-document runs: their parts are merged into one (or a few)
        keep = [p for p in parts if len(p[1]) >= SMALL]
        merged = [d for p in small for d in p[1]]
        parts = keep
        added = merged + [d for d in added if d not in set(merged)]
    for start in range(0, len(added), PART_DOCS):
        part_id = new_id()
        parts.append([part_id, added[start:start + PART_DOCS]])
        dirty.add(part_id)
    return parts, dirty


def export_parts(con, base: Path, out: Path, names: list[str], keyed: set[str], counts: dict[str, int],
                 parts: list, dirty: set[str], whole: set[str], before_files: dict, number: int) -> dict:
    """Write the part files this commit needs and return the manifest's "files". `keyed`: the
    tables with documents' rows; `whole`: tables to write again in full (changed and not keyed,
    or with new columns); `before_files`: the published manifest's "files"."""
    files: dict[str, list] = {}
    for name in names:
        folder = base / "parts" / name
        folder.mkdir(parents=True, exist_ok=True)
        if name not in keyed:
            if name in whole or name not in before_files:
                rel = _export(con, base, folder, f'select * from "{name}"', f"p{number:06d}-{WHOLE}")
                files[name] = [[WHOLE, rel, counts[name]]]
            else:
                files[name] = before_files[name]
            continue
        kept = {p: (rel, rows) for p, rel, rows in before_files.get(name, [])} if name not in whole else {}
        entries = []
        for part_id, docs in parts:
            if part_id in kept:
                if kept[part_id][1]:
                    entries.append([part_id, *kept[part_id]])
                continue
            if part_id not in dirty and name not in whole and name in before_files:
                continue  # this table has no row of those documents (no file was written for it)
            con.register("_part", pa.table({"doc_id": pa.array(docs, pa.string())}))
            rel = _export(con, base, folder, f'select * from "{name}" where doc_id in (select doc_id from _part)',
                          part_id, skip_empty=True)
            con.unregister("_part")
            if rel is not None:
                entries.append([part_id, rel, pq.ParquetFile(base / rel).metadata.num_rows])
        if not entries:  # no row at all: one empty file keeps the table's columns
            entries = [[WHOLE, _export(con, base, folder, f'select * from "{name}" limit 0',
                                       f"p{number:06d}-{WHOLE}"), 0]]
        files[name] = entries
        got = sum(rows for _p, _rel, rows in entries)
        if got != counts[name]:
            raise StoreError(f"{out}: {name}'s Parquet parts hold {got} rows, not {counts[name]}; "
                             "the stored dataset is unchanged")
    return files


def _export(con, base: Path, folder: Path, query: str, part_id: str, skip_empty: bool = False) -> str | None:
    target = folder / f"{part_id}.parquet"
    rows = con.execute(f"copy ({query}) to '{_literal(target)}' (format parquet)").fetchone()[0]
    if skip_empty and not rows:
        target.unlink()
        return None
    return target.relative_to(base).as_posix()


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")
