"""Reading a store (see `store_layout` for the files): the published generation's Parquet files
for a folder, the database for a hyoka.duckdb file. Readers never take the writer's lock and
never open the working database while a writer might hold it, except in the one case where it
holds a dataset newer than the pointer (a writer stopped between its commit and its switch)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pandas as pd
import pyarrow as pa

from hyoka.pipeline.store_layout import (
    DB_NAME, FORMAT, STATE, STORE_DIR, Published, StoreError, gen_name, one_line, published, read_manifest,
)
from hyoka.pipeline.tables import INT_COLUMNS, TABLES

DUCKDB_MEMORY_LIMIT = os.environ.get("HYOKA_DUCKDB_MEMORY", "256MB")
"""DuckDB's buffer pool per connection (its default, 80 % of RAM, would let it cache the whole
store while a writer or `audit --db` scans it: memory would grow with the store)."""


def load(out_dir: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """The tables stored in the folder `out_dir` (empty dict if it holds no store)."""
    out = Path(out_dir)
    if published_source(out) is None and not (out / "documents.parquet").is_file():
        return {}
    return open_store(out)


def open_store(path: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """The tables of a stored dataset: an `ingest --out` folder or a hyoka.duckdb file.
    FileNotFoundError / StoreError (one line) otherwise."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    if path.is_dir():
        source = published_source(path)
        if isinstance(source, Path):
            return load_duckdb(source)
        if source is not None:
            return _read_files(path, source.files)
        if (path / "documents.parquet").is_file():  # a store written before generations existed
            return _read_files(path, {p.stem: [p] for p in sorted(path.glob("*.parquet"))})
        if (path / DB_NAME).is_file():
            return load_duckdb(path / DB_NAME)
        raise StoreError(f"{path}: not a hyoka store (no documents.parquet or {DB_NAME} in it)")
    try:
        return load_duckdb(path)
    except StoreError as exc:
        raise StoreError(f"{path}: {exc}") from None


def published_source(out: Path) -> Published | Path | None:
    """What a reader of the folder `out` reads: the published generation (its Parquet files), or
    the database itself when it holds the next generation already — a writer committed it and
    stopped before switching the pointer; its manifest is written before the commit, so its
    presence says when to look. None: no store here."""
    pub = published(out)
    number = pub.number if pub is not None else 0
    pending = read_manifest(out / STORE_DIR / gen_name(number + 1))
    if pending is not None and int(pending.get("format", 1)) >= FORMAT:
        if db_generation(out / DB_NAME) == number + 1:
            return out / DB_NAME
    return pub


def db_generation(db: Path) -> int | None:
    """The generation the database's last committed run published; None if it has none (a
    format-1 database), is not there, or is held open by a writer (then the pointer is right)."""
    import duckdb

    if not db.is_file():
        return None
    try:
        con = _duckdb(db, read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute(f"select generation from {STATE}").fetchone()
        return None if row is None else int(row[0])
    except duckdb.Error:
        return None
    finally:
        con.close()


def _read_files(where: Path, files: dict[str, list[Path]]) -> dict[str, pd.DataFrame]:
    order = [n for n in TABLES if n in files] + [n for n in files if n not in TABLES]
    try:
        return _typed({name: _read_parts(files[name]) for name in order})
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise StoreError(f"{where}: the stored dataset is damaged ({one_line(exc)})") from None


def _read_parts(files: list[Path]) -> pd.DataFrame:
    """One table from its part files (all of one schema: see store_parts), in their order; pyarrow
    reads a list of files as one dataset, on its threads (a store of thousands of documents has
    hundreds of parts)."""
    return pd.read_parquet([str(f) for f in files] if len(files) > 1 else files[0])


def load_duckdb(path: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """Every table in the hyoka.duckdb file `path`. StoreError if it isn't one."""
    con = _connect_read_only(Path(path))
    try:
        tables = {name: con.execute(f'select * from "{name}"').df() for name in _table_names(con)}
    finally:
        con.close()
    if "documents" not in tables:
        raise StoreError("not a hyoka store (no documents table)")
    return _typed(tables)


def database_path(path: str | os.PathLike[str]) -> Path:
    """The hyoka.duckdb of a store folder, or `path` itself."""
    path = Path(path)
    return path / DB_NAME if path.is_dir() else path


def iter_doc_batches(path: str | os.PathLike[str], batch_size: int = 20,
                     max_rows: int = 50_000) -> Iterator[dict[str, pd.DataFrame]]:
    """The tables of a store `batch_size` documents at a time, or fewer once their rows reach
    `max_rows` (by the documents' n_* counts): every table's rows of those documents, failures
    whole in the first batch. Memory stays one batch's worth. A folder is read from its
    published Parquet files (through DuckDB views), so a writer working meanwhile is no matter."""
    con = _connect_store(Path(path))
    try:
        names = _table_names(con)
        if "documents" not in names:
            raise StoreError("not a hyoka store (no documents table)")
        with_ids = [n for n in names if n != "failures" and "doc_id" in _columns(con, n)]
        counts = [c for c in _columns(con, "documents") if c.startswith("n_")]
        weight = " + ".join(f'coalesce("{c}", 0)' for c in counts) or "0"
        batches: list[list[str]] = [[]]
        rows = 0
        for doc_id, n in con.execute(f"select doc_id, 1 + {weight} from documents").fetchall():
            if len(batches[-1]) >= batch_size or (batches[-1] and rows + n > max_rows):
                batches.append([])
                rows = 0
            batches[-1].append(doc_id)
            rows += n
        for start, ids in enumerate(batches):
            con.register("_batch", pa.table({"doc_id": pa.array(ids, pa.string())}))
            batch = {n: con.execute(f'select * from "{n}" where doc_id in (select doc_id from _batch)').df()
                     for n in with_ids}
            con.unregister("_batch")
            for n in names:
                if n not in batch:
                    batch[n] = con.execute(f'select * from "{n}"' + ("" if start == 0 else " limit 0")).df()
            yield _typed(batch)
    finally:
        con.close()


def _connect_store(path: Path):
    """A read-only DuckDB connection to a store: a folder's published Parquet files as views of an
    in-memory database, or the database file given (or reached, see published_source)."""
    import duckdb

    if not path.is_dir():
        return _connect_read_only(path)
    source = published_source(path)
    if isinstance(source, Path):
        return _connect_read_only(source)
    if source is None:
        return _connect_read_only(path / DB_NAME)
    con = _duckdb(Path(":memory:"))
    try:
        for name, files in source.files.items():
            listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
            con.execute(f'create view "{name}" as select * from read_parquet([{listed}])')
            con.execute(f'select * from "{name}" limit 0')  # a missing or broken file says so here
    except duckdb.Error as exc:
        con.close()
        raise StoreError(f"the stored dataset is damaged ({one_line(exc)})") from None
    return con


def _connect_read_only(path: Path):
    import duckdb

    if not path.is_file():
        raise StoreError("no such store (give the hyoka.duckdb file)")
    try:
        return _duckdb(path, read_only=True)
    except duckdb.Error as exc:
        if _held_open(exc):
            raise StoreError(f"{DB_NAME} is being written (by hyoka ingest or another program); read the "
                             f"store's folder instead, or try again when it is done") from None
        raise StoreError(f"not a DuckDB database ({one_line(exc)})") from None


def _held_open(exc: BaseException) -> bool:
    """DuckDB's "Could not set lock on file … Conflicting lock is held" (one writer per file)."""
    text = str(exc)
    return "lock" in text.lower() and ("Conflicting" in text or "Could not set" in text)


def _duckdb(path: Path, read_only: bool = False):
    import duckdb

    return duckdb.connect(str(path), read_only=read_only,
                          config={"memory_limit": DUCKDB_MEMORY_LIMIT, "threads": 2})


def _table_names(con) -> list[str]:
    # the store's tables (or the views that stand for them over Parquet), not the SQL convenience views
    from hyoka.pipeline.store_views import VIEWS

    return [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' "
        "and table_catalog = current_database() order by table_name").fetchall() if r[0] not in VIEWS]


def _columns(con, table: str) -> dict[str, str]:
    return {r[0]: r[1] for r in con.execute(f'describe "{table}"').fetchall()}


def _typed(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Years and counts as nullable integers, whichever file they were read from."""
    for frame in tables.values():
        for column in INT_COLUMNS.intersection(frame.columns):
            if str(frame[column].dtype) != "Int64":
                frame[column] = frame[column].astype("Int64")
    return tables
