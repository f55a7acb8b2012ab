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
from hyoka.pipeline.store_meta import describe_fields

PART_DOCS = 32  # documents per part: a changed document rewrites at most this many documents' rows
SMALL = PART_DOCS // 4  # parts this small are merged once there are more than MAX_SMALL of them
MAX_SMALL = 8
WHOLE = "all"
MERGED = "merged"  # a part made of published parts' documents (and maybe new ones): written whole


def plan_parts(before: list | None, removed: set[str], added: list[str], number: int) -> tuple[list, dict]:
    """The parts after this run, and for each part that must be written, where it comes from: the
    id of the published part it is (less the documents removed), or None (new documents, or small
    parts merged). `before` is the published manifest's parts (None: write everything), `removed`
    the doc_ids deleted by this run, `added` the doc_ids it inserted that are stored now (in the
    database's order)."""
    counter = iter(range(10**6))

    def new_id() -> str:
        return f"p{number:06d}-{next(counter):04d}"

    parts: list[list] = []
    dirty: dict[str, str | None] = {}
    for part_id, docs in before or []:
        if removed.intersection(docs):  # a part that lost documents is written again without them
            docs = [d for d in docs if d not in removed]
            if not docs:
                continue
            old, part_id = part_id, new_id()
            dirty[part_id] = old
        parts.append([part_id, list(docs)])
    small = [p for p in parts if len(p[1]) < SMALL]
    if len(small) > MAX_SMALL:  # many one-document runs: their parts are merged into one (or a few)
        keep = [p for p in parts if len(p[1]) >= SMALL]
        merged = [d for p in small for d in p[1]]
        parts = keep
        merged_set = set(merged)
        added = merged + [d for d in added if d not in merged_set]
    else:
        merged_set = set()
    for start in range(0, len(added), PART_DOCS):
        part_id = new_id()
        docs = added[start:start + PART_DOCS]
        parts.append([part_id, docs])
        dirty[part_id] = MERGED if merged_set.intersection(docs) else None
    return parts, dirty


def export_parts(con, base: Path, out: Path, names: list[str], keyed: set[str], counts: dict[str, int],
                 parts: list, dirty: dict, changed: set[str], whole: set[str], before_files: dict,
                 removed: set[str], rowid_base: dict[str, int], number: int) -> dict:
    """Write the part files this commit needs and return the manifest's "files". `keyed`: the
    tables with documents' rows; `changed`: tables the run deleted or inserted rows in; `whole`:
    tables to write again in full (changed and not keyed, or with new columns); `before_files`:
    the published manifest's "files"; `rowid_base`: each table's last rowid before the run.

    What each part costs is its own size: a published part less removed documents is read from
    its file (or is the same file, for a table the run did not change); new documents' rows are
    the rows the run appended (rowid past the base: DuckDB skips the row groups before). Only a
    full write (first run, --replace, new columns) reads whole tables, once each."""
    con.register("_removed", pa.table({"doc_id": pa.array(sorted(removed), pa.string())}))
    con.register("_map", pa.table({"doc_id": pa.array([d for _p, docs in parts for d in docs], pa.string()),
                                   "part_no": pa.array([n for n, (_p, docs) in enumerate(parts) for _d in docs],
                                                       pa.int64())}))
    files: dict[str, list] = {}
    for name in names:
        folder = base / "parts" / name
        folder.mkdir(parents=True, exist_ok=True)
        if name not in keyed:
            if name in whole or name not in before_files:
                rel, rows = _export(con, base, folder, f'select * from "{name}"', f"p{number:06d}-{WHOLE}", number)
                files[name] = [[WHOLE, rel, rows]]
            else:
                files[name] = before_files[name]
            continue
        known = name in before_files and name not in whole
        kept = {p: (rel, rows) for p, rel, rows in before_files.get(name, [])} if known else {}
        ranges = None
        entries = []
        for part_no, (part_id, docs) in enumerate(parts):
            query = None
            if known:
                if part_id in kept:
                    entries.append([part_id, *kept[part_id]])
                    continue
                origin = dirty.get(part_id, "")
                if origin == "":  # a part this run did not touch, without rows in this table
                    continue
                if origin is None and name not in changed:  # new documents, no row of theirs here
                    continue
                if origin not in (None, MERGED):  # a published part less the documents removed
                    if origin not in kept:
                        continue  # it had no row in this table, so what is left has none
                    if name not in changed:  # the removed documents had no row here: same file
                        entries.append([part_id, *kept[origin]])
                        continue
                    query = (f"select * from read_parquet('{_literal(base / kept[origin][0])}') "
                             "where doc_id not in (select doc_id from _removed)")
                elif origin is None:
                    query = (f'select * from "{name}" where rowid > {rowid_base.get(name, -1)} '
                             "and doc_id in (select doc_id from _part)")
            if query is None:  # every part of a table written whole, or small parts merged
                if ranges is None:
                    ranges = {n: (lo, hi) for n, lo, hi in con.execute(
                        f'select m.part_no, min(t.rowid), max(t.rowid) from "{name}" t join _map m '
                        "using (doc_id) group by 1").fetchall()}
                if part_no not in ranges:
                    continue  # no row of those documents in this table
                lo, hi = ranges[part_no]
                query = (f'select * from "{name}" where rowid between {lo} and {hi} '
                         "and doc_id in (select doc_id from _part)")
            con.register("_part", pa.table({"doc_id": pa.array(docs, pa.string())}))
            rel, rows = _export(con, base, folder, query, part_id, number)
            con.unregister("_part")
            if rows:
                entries.append([part_id, rel, rows])
            else:
                (base / rel).unlink()
        if not entries and WHOLE in kept and not counts[name]:
            entries = [[WHOLE, *kept[WHOLE]]]  # still no row: the same empty file
        elif not entries:  # no row at all: one empty file keeps the table's columns
            entries = [[WHOLE, *_export(con, base, folder, f'select * from "{name}" limit 0',
                                        f"p{number:06d}-{WHOLE}", number)]]
        files[name] = entries
        got = sum(rows for _p, _rel, rows in entries)
        if got != counts[name]:
            raise StoreError(f"{out}: {name}'s Parquet parts hold {got} rows, not {counts[name]}; "
                             "the stored dataset is unchanged")
    con.unregister("_map")
    con.unregister("_removed")
    return files


def _export(con, base: Path, folder: Path, query: str, part_id: str, number: int) -> tuple[str, int]:
    # a published file is never written over (readers may be on it): a part of an earlier
    # generation written again (its table's columns changed) gets this generation's name too
    stem = part_id if part_id.startswith(f"p{number:06d}-") else f"{part_id}.g{number:06d}"
    target = folder / f"{stem}.parquet"
    # through pyarrow rather than COPY … TO: the file carries each column's description and the
    # schema version (pipeline/store_meta.py), which DuckDB's writer has no place for
    relation = con.sql(query)
    arrow = relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()
    pq.write_table(describe_fields(folder.name, arrow), target)
    return target.relative_to(base).as_posix(), arrow.num_rows


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")
