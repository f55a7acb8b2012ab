"""The on-disk dataset: DIR/<table>.parquet for each table and DIR/hyoka.duckdb with the same tables.

Re-running is idempotent: rows of documents being written replace the rows already
stored for the same doc_id (and failures for the same source path), other rows stay.
Every file is written to a temporary name and moved into place only when complete,
so an interrupted run never leaves a half-written table behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from hyoka.pipeline.tables import TABLES

DB_NAME = "hyoka.duckdb"


def load(out_dir: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """The tables stored in `out_dir` (empty dict if none)."""
    out = Path(out_dir)
    return {p.stem: pd.read_parquet(p) for p in sorted(out.glob("*.parquet"))}


class StoreError(ValueError):
    """A path that is not a readable hyoka store; the message is one line."""


def load_duckdb(path: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """Every table in the hyoka.duckdb file `path`. StoreError if it isn't one."""
    import duckdb

    path = Path(path)
    if not path.is_file():
        raise StoreError("no such store (give the hyoka.duckdb file)")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise StoreError(f"not a DuckDB database ({str(exc).splitlines()[0]})") from None
    try:
        names = [r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()]
        tables = {name: con.execute(f'select * from "{name}"').df() for name in names}
    finally:
        con.close()
    if "documents" not in tables:
        raise StoreError("not a hyoka store (no documents table)")
    return tables


def open_store(path: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """The tables of a stored dataset: an `ingest --out` folder (its Parquet files, else its
    hyoka.duckdb) or a hyoka.duckdb file. FileNotFoundError / StoreError otherwise."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    if path.is_dir():
        if (path / "documents.parquet").is_file():
            return load(path)
        if (path / DB_NAME).is_file():
            return load_duckdb(path / DB_NAME)
        raise StoreError(f"{path}: not a hyoka store (no documents.parquet or {DB_NAME} in it)")
    try:
        return load_duckdb(path)
    except StoreError as exc:
        raise StoreError(f"{path}: {exc}") from None


def merge(existing: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """New rows replace stored rows of the same documents; everything else is kept."""
    new_ids = set(new["documents"]["doc_id"]) if "doc_id" in new["documents"] else set()
    read_paths = set(new["documents"].get("source_path", []))
    new_paths = read_paths | set(new["failures"].get("source_path", []))
    merged = {}
    for name in set(existing) | set(new):
        old = existing.get(name)
        fresh = new.get(name)
        if old is None or old.empty:
            merged[name] = fresh
            continue
        if name == "failures":
            old = old[~old["source_path"].isin(new_paths)]
        elif name == "documents":
            # a file whose content changed gets a new doc_id: drop its old version too. A file
            # that fails now keeps what was loaded from it before (and gets a failures row).
            gone = set(old.loc[old["source_path"].isin(read_paths), "doc_id"])
            old = old[~old["doc_id"].isin(new_ids | gone)]
            new_ids |= gone
        elif "doc_id" in old:
            old = old[~old["doc_id"].isin(new_ids)]
        merged[name] = old if fresh is None or fresh.empty else pd.concat([old, fresh], ignore_index=True)
    # documents replaced above may have children in tables processed before it
    stale = set(existing.get("documents", pd.DataFrame(columns=["doc_id"]))["doc_id"]) - set(merged["documents"]["doc_id"])
    for name, frame in merged.items():
        if name not in ("documents", "failures") and frame is not None and "doc_id" in frame and stale:
            merged[name] = frame[~frame["doc_id"].isin(stale)].reset_index(drop=True)
    return merged


def write(tables: dict[str, pd.DataFrame], out_dir: str | os.PathLike[str], *, replace: bool = False) -> Path:
    """Merge `tables` into the dataset in `out_dir` (or replace it) and write Parquet + DuckDB."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    final = tables if replace else merge(load(out), tables)
    arrow = {name: _to_arrow(final[name]) for name in TABLES if name in final}
    # every file is written under a temporary name first; only when all of them are complete
    # are they moved into place, so a failure leaves the previous dataset whole
    staged: list[tuple[str, Path]] = []
    try:
        for name, table in arrow.items():
            staged.append((_staging(out, f"{name}.parquet"), out / f"{name}.parquet"))
            pq.write_table(table, staged[-1][0])
        staged.append((_staging(out, DB_NAME), out / DB_NAME))
        _write_duckdb(arrow, staged[-1][0])
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _target in staged:
            for leftover in (tmp, tmp + ".wal"):
                if os.path.exists(leftover):
                    os.unlink(leftover)
    return out


def _to_arrow(frame: pd.DataFrame) -> pa.Table:
    """Columns that are null in every row get a real type (text), so the schema is stable."""
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    fields = []
    for f in table.schema:
        if pa.types.is_null(f.type):
            f = f.with_type(pa.string())
        elif pa.types.is_list(f.type) and pa.types.is_null(f.type.value_type):
            f = f.with_type(pa.list_(pa.string()))
        fields.append(f)
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


def _write_duckdb(tables: dict[str, pa.Table], path: str) -> None:
    import duckdb

    con = duckdb.connect(path)
    try:
        for name, table in tables.items():
            con.register("_incoming", table)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _incoming')
            con.unregister("_incoming")
    finally:
        con.close()


def _staging(out: Path, name: str) -> str:
    """A free temporary name beside the target (duckdb wants to create the file itself)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=out)
    os.close(fd)
    os.unlink(tmp)
    return tmp
