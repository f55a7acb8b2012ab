"""The on-disk dataset: one DuckDB database per generation, its tables exported as Parquet,
published by one atomic pointer switch.

    OUT/
      .hyoka/lock                    one writer at a time (fcntl)
      .hyoka/current -> gen-000007   the published generation (a symlink, switched by rename)
      .hyoka/gen-000007/             hyoka.duckdb, <table>.parquet …, manifest.json
      .hyoka/gen-000006/             the previous generation, kept for readers still on it
      hyoka.duckdb -> .hyoka/current/hyoka.duckdb
      <table>.parquet -> .hyoka/current/<table>.parquet

A writer (`StoreWriter`) takes the lock, cleans what an interrupted writer left, copies the
current generation's database into a private staging folder, deletes and inserts rows there by
doc_id one chunk at a time, checkpoints and verifies it (tables present, row counts), exports the
Parquet files from it, and only then renames the staging folder into a generation and switches
`current` to it. A kill at any moment leaves either the old or the new generation published;
readers (`open_store`, `load`) resolve `current` once and read that generation only.

Re-running is idempotent: rows of documents being written replace the rows stored for the same
doc_id (or read from the same path), failures replace failures of the same path, and a file that
fails now keeps what was loaded from it before.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from hyoka.pipeline.tables import INT_COLUMNS, TABLES

DB_NAME = "hyoka.duckdb"
STORE_DIR = ".hyoka"
MANIFEST = "manifest.json"
FORMAT = 1  # the layout above; a manifest with a higher number is from a newer hyoka
_GEN = re.compile(r"^gen-(\d{6,})$")
_DATA_SUFFIXES = (".parquet", ".duckdb", ".wal")  # top-level names that look like dataset files


class StoreError(ValueError):
    """A path that is not a usable hyoka store, or a store that cannot be written; one line."""


class StoreBusy(StoreError):
    """Another writer holds the store's lock."""


class EmptyReplace(StoreError):
    """--replace would leave the dataset without documents."""


# --- reading --------------------------------------------------------------------------------------

def load(out_dir: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """The tables stored in the folder `out_dir` (empty dict if it holds no store)."""
    out = Path(out_dir)
    if _current(out) is None and not (out / "documents.parquet").is_file():
        return {}
    return open_store(out)


def open_store(path: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """The tables of a stored dataset: an `ingest --out` folder or a hyoka.duckdb file.
    FileNotFoundError / StoreError (one line) otherwise."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    if path.is_dir():
        gen = _current(path)
        if gen is not None:
            try:
                return _read_generation(gen)
            except (OSError, pa.ArrowException, ValueError) as exc:
                raise StoreError(f"{path}: the stored dataset is damaged ({_one_line(exc)})") from None
        if (path / "documents.parquet").is_file():  # a store written before generations existed
            try:
                return _typed({p.stem: pd.read_parquet(p) for p in sorted(path.glob("*.parquet"))})
            except (OSError, pa.ArrowException, ValueError) as exc:
                raise StoreError(f"{path}: the stored dataset is damaged ({_one_line(exc)})") from None
        if (path / DB_NAME).is_file():
            return load_duckdb(path / DB_NAME)
        raise StoreError(f"{path}: not a hyoka store (no documents.parquet or {DB_NAME} in it)")
    try:
        return load_duckdb(path)
    except StoreError as exc:
        raise StoreError(f"{path}: {exc}") from None


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
    """The hyoka.duckdb of a store folder (of its published generation), or `path` itself."""
    path = Path(path)
    if path.is_dir():
        gen = _current(path)
        return (gen if gen is not None else path) / DB_NAME
    return path


def iter_doc_batches(path: str | os.PathLike[str], batch_size: int = 20,
                     max_rows: int = 50_000) -> Iterator[dict[str, pd.DataFrame]]:
    """The tables of a store `batch_size` documents at a time, or fewer once their rows reach
    `max_rows` (by the documents' n_* counts): every table's rows of those documents, failures
    whole in the first batch. Memory stays one batch's worth."""
    con = _connect_read_only(database_path(path))
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


def _connect_read_only(path: Path):
    import duckdb

    if not path.is_file():
        raise StoreError("no such store (give the hyoka.duckdb file)")
    try:
        return _duckdb(path, read_only=True)
    except duckdb.Error as exc:
        raise StoreError(f"not a DuckDB database ({_one_line(exc)})") from None


DUCKDB_MEMORY_LIMIT = os.environ.get("HYOKA_DUCKDB_MEMORY", "256MB")
"""DuckDB's buffer pool per connection (its default, 80 % of RAM, would let it cache the whole
store while a writer or `audit --db` scans it: memory would grow with the store)."""


def _duckdb(path: Path, read_only: bool = False):
    import duckdb

    return duckdb.connect(str(path), read_only=read_only,
                          config={"memory_limit": DUCKDB_MEMORY_LIMIT, "threads": 2})


def _table_names(con) -> list[str]:
    return [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' "
        "and table_catalog = current_database() order by table_name").fetchall()]


def _columns(con, table: str) -> dict[str, str]:
    return {r[0]: r[1] for r in con.execute(f'describe "{table}"').fetchall()}


def _read_generation(gen: Path) -> dict[str, pd.DataFrame]:
    manifest = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    names = list(manifest["tables"])
    order = [n for n in TABLES if n in names] + [n for n in names if n not in TABLES]
    return _typed({name: pd.read_parquet(gen / f"{name}.parquet") for name in order})


def _typed(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Years and counts as nullable integers, whichever file they were read from."""
    for frame in tables.values():
        for column in INT_COLUMNS.intersection(frame.columns):
            if str(frame[column].dtype) != "Int64":
                frame[column] = frame[column].astype("Int64")
    return tables


def _current(out: Path) -> Path | None:
    """The published generation folder of the store in `out`, or None."""
    pointer = out / STORE_DIR / "current"
    try:
        target = os.readlink(pointer)
    except OSError:
        return None
    return out / STORE_DIR / target


# --- writing --------------------------------------------------------------------------------------

def write(tables: dict[str, pd.DataFrame], out_dir: str | os.PathLike[str], *, replace: bool = False,
          lock_timeout: float = 0.0) -> Path:
    """Merge `tables` into the dataset in `out_dir` (or replace it) in one commit. Returns the folder."""
    with StoreWriter(out_dir, replace=replace, lock_timeout=lock_timeout) as writer:
        writer.apply(tables)
        writer.commit(allow_empty=True)
    return Path(out_dir)


def _checkpoint_hook(step: str) -> None:
    """Called at each step of a commit (tests replace it to kill the process there)."""


@dataclass
class StoreWriter:
    """One run's changes to the store in `out`, committed at once (see the module docstring).

        with StoreWriter(out) as w:
            stored = w.stored_documents()          # {source_path: doc_id}
            w.apply(tables)                        # any number of times, a chunk at a time
            w.commit()

    Leaving the block without `commit` discards everything. Every problem is a StoreError
    with one line naming --out and the reason."""

    out: Path | str
    replace: bool = False
    lock_timeout: float = 0.0
    generation: Path | None = field(default=None, init=False)  # the generation published by commit
    _lock_fd: int | None = field(default=None, init=False, repr=False)
    _staging: Path | None = field(default=None, init=False, repr=False)
    _con: object = field(default=None, init=False, repr=False)
    _before: dict = field(default_factory=dict, init=False, repr=False)  # manifest of the current generation
    _legacy: list[str] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self.out = Path(self.out)
        if self.lock_timeout < 0:
            raise ValueError(f"lock_timeout must be 0 or more seconds, not {self.lock_timeout!r}")

    # -- opening ---------------------------------------------------------------------------------

    def __enter__(self) -> StoreWriter:
        try:
            self._open()
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._close()

    def _open(self) -> None:
        out = self.out
        if out.exists() and not out.is_dir():
            raise StoreError(f"{out}: is a file, not a folder")
        with _os_errors(out):
            out.mkdir(parents=True, exist_ok=True)
            (out / STORE_DIR).mkdir(exist_ok=True)
            self._lock_fd = os.open(out / STORE_DIR / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        self._lock()
        with _os_errors(out):
            self._clean_stale()
            self._check_foreign()
            self._staging = out / STORE_DIR / f"staging-{os.getpid()}-{time.time_ns()}"
            self._staging.mkdir()
        current = _current(out)
        if current is not None:
            try:
                self._before = json.loads((current / MANIFEST).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                if not self.replace:
                    raise StoreError(f"{out}: the stored dataset is damaged (manifest: {_one_line(exc)}); "
                                     "use --replace to start over") from None
            if self._before.get("format", FORMAT) > FORMAT:
                raise StoreError(f"{out}: written by a newer hyoka (store format {self._before['format']})")
        self._con = self._staging_db(current)

    def _lock(self) -> None:
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    waited = f" after waiting {self.lock_timeout:g} s" if self.lock_timeout else ""
                    raise StoreBusy(f"{self.out}: another hyoka is writing to this store{waited} "
                                    "(try again later, or give --lock-timeout SECONDS to wait)") from None
                time.sleep(min(0.2, max(0.01, deadline - time.monotonic())))

    def _clean_stale(self) -> None:
        """Remove what an interrupted writer left: staging folders, generations never published
        (or older than the previous one), a pointer being switched."""
        base = self.out / STORE_DIR
        current = _current(self.out)
        gens = sorted((int(m.group(1)), p) for p in base.iterdir() if (m := _GEN.match(p.name)))
        keep = set()
        if current is not None:
            keep.add(current.name)
            older = [p for n, p in gens if p.name < current.name]
            if older:
                keep.add(older[-1].name)
        for p in base.iterdir():
            stale = (p.name.startswith("staging-") or p.name.startswith("current.")
                     or (_GEN.match(p.name) and p.name not in keep))
            if stale:
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p)
                else:
                    p.unlink()

    def _check_foreign(self) -> None:
        """Dataset-looking files hyoka did not write are refused, never merged or overwritten.
        A store from before generations (plain files, no .hyoka/current) is taken over."""
        current = _current(self.out)
        owned = set()
        legacy_done = []
        if current is not None:
            try:
                manifest = json.loads((current / MANIFEST).read_text(encoding="utf-8"))
                owned = set(manifest.get("files", ()))
                legacy_done = manifest.get("legacy", [])
            except (OSError, ValueError):
                pass
        for entry in sorted(self.out.iterdir()):
            name = entry.name
            if not name.endswith(_DATA_SUFFIXES):
                continue
            if entry.is_symlink() and os.readlink(entry) == f"{STORE_DIR}/current/{name}":
                continue
            if name == DB_NAME + ".wal":  # someone wrote to OUT/hyoka.duckdb; never deleted blindly
                raise StoreError(f"{self.out}: {name} holds changes not checkpointed into {DB_NAME}; open "
                                 f"{DB_NAME} once with duckdb to checkpoint them (or move the .wal away), then re-run")
            if current is None and name in _legacy_names() and entry.is_file():
                self._legacy.append(name)  # the old layout: imported into the first generation
                continue
            if current is not None and name in legacy_done and name in owned and entry.is_file():
                self._legacy.append(name)  # an interrupted takeover: finished at the next commit
                continue
            raise StoreError(f"{self.out}: {name} was not written by hyoka; move it away "
                             "(hyoka will not merge it or write over it)")
        if self._legacy and current is None and "documents.parquet" not in self._legacy:
            raise StoreError(f"{self.out}: {self._legacy[0]} was not written by hyoka; move it away "
                             "(hyoka will not merge it or write over it)")

    def _staging_db(self, current: Path | None):
        import duckdb

        db = self._staging / DB_NAME
        if current is not None and not self.replace:
            source = current / DB_NAME
            if Path(str(source) + ".wal").exists():
                raise StoreError(f"{self.out}: {DB_NAME} has changes not checkpointed (a .wal beside it); "
                                 "open it once with duckdb to checkpoint them, then re-run")
            with _os_errors(self.out):
                shutil.copyfile(source, db)
        try:
            con = _duckdb(db)
            if current is not None and not self.replace:
                self._verify(con, self._before.get("tables", {}), "the stored dataset is damaged")
        except duckdb.Error as exc:
            raise StoreError(f"{self.out}: the stored dataset is damaged ({_one_line(exc)}); "
                             "use --replace to start over") from None
        if current is None and self._legacy and not self.replace:
            try:
                legacy = {p: pd.read_parquet(self.out / p) for p in self._legacy if p.endswith(".parquet")}
            except (OSError, pa.ArrowException, ValueError) as exc:
                raise StoreError(f"{self.out}: the stored dataset is damaged ({_one_line(exc)}); "
                                 "use --replace to start over") from None
            if not {"doc_id", "source_path"} <= set(legacy["documents.parquet"].columns):
                raise StoreError(f"{self.out}: documents.parquet was not written by hyoka; move it away "
                                 "(hyoka will not merge it or write over it)")
            self._con = con
            self._insert({Path(p).stem: frame for p, frame in legacy.items()})
        return con

    # -- what is stored --------------------------------------------------------------------------

    def stored_documents(self) -> dict[str, str]:
        """{source_path: doc_id} of the stored documents (replaced ones included until commit)."""
        return dict(self._query("select source_path, doc_id from documents", "documents"))

    def stored_not_reports(self) -> set[str]:
        """source_path of the stored documents the report gate judged not to be reports."""
        if "documents" not in _table_names(self._con) or "status" not in _columns(self._con, "documents"):
            return set()
        return {p for (p,) in self._query("select source_path from documents where status = 'not_a_report'",
                                          "documents")}

    def stored_failures(self) -> dict[str, tuple[str, str, str | None]]:
        """{source_path: (stage, reason, doc_id)} of the stored failures rows."""
        return {p: (s, r, d) for p, s, r, d in
                self._query("select source_path, stage, reason, doc_id from failures", "failures")}

    def _query(self, sql: str, table: str) -> list[tuple]:
        if table not in _table_names(self._con):
            return []
        return self._con.execute(sql).fetchall()

    # -- changing --------------------------------------------------------------------------------

    def apply(self, tables: dict[str, pd.DataFrame]) -> None:
        """Store one chunk: the documents in `tables` replace stored rows of the same doc_id or
        source path, its failures replace stored failures of the same path; one transaction."""
        import duckdb

        try:
            self._con.execute("begin transaction")
            self._delete_replaced(tables)
            self._insert(tables)
            self._con.execute("commit")
        except duckdb.Error as exc:
            self._con.execute("rollback")
            raise StoreError(f"{self.out}: could not write ({_one_line(exc)})") from None
        _checkpoint_hook("chunk")

    def _delete_replaced(self, tables: dict[str, pd.DataFrame]) -> None:
        con = self._con
        names = _table_names(con)
        docs = tables.get("documents")
        fails = tables.get("failures")
        ids = list(docs["doc_id"]) if docs is not None and "doc_id" in docs else []
        read_paths = list(docs["source_path"]) if docs is not None and "source_path" in docs else []
        fail_paths = list(fails["source_path"]) if fails is not None and "source_path" in fails else []
        if "documents" in names and (ids or read_paths):
            con.register("_new", pa.table({"doc_id": pa.array(ids, pa.string())}))
            con.register("_read", pa.table({"source_path": pa.array(read_paths, pa.string())}))
            # a file whose content changed has a new doc_id: its old version goes too
            con.execute("create or replace temp table _stale as select doc_id from documents "
                        "where doc_id in (select doc_id from _new) or source_path in (select source_path from _read)")
            for name in names:
                if name != "failures" and "doc_id" in _columns(con, name):
                    con.execute(f'delete from "{name}" where doc_id in (select doc_id from _stale)')
            con.execute("drop table _stale")
            con.unregister("_new")
            con.unregister("_read")
        if "failures" in names and (read_paths or fail_paths):
            con.register("_paths", pa.table({"source_path": pa.array(read_paths + fail_paths, pa.string())}))
            con.execute("delete from failures where source_path in (select source_path from _paths)")
            con.unregister("_paths")

    def _insert(self, tables: dict[str, pd.DataFrame]) -> None:
        con = self._con
        names = set(_table_names(con))
        order = [n for n in TABLES if n in tables] + [n for n in tables if n not in TABLES]
        for name in order:
            frame = tables[name]
            if frame is None:
                continue
            incoming = _to_arrow(frame)
            con.register("_chunk", incoming)
            if name not in names:
                con.execute(f'create table "{name}" as select * from _chunk')
            elif len(incoming):
                self._reconcile(name, incoming)
                con.execute(f'insert into "{name}" by name select * from _chunk')
            con.unregister("_chunk")

    def _reconcile(self, name: str, incoming: pa.Table) -> None:
        """New columns are added; a stored column that has no value yet takes the type of the
        first values that arrive (a column null in every row so far, or holding only empty
        lists, was stored as text)."""
        con = self._con
        stored = _columns(con, name)
        wanted = {r[0]: r[1] for r in con.execute("describe select * from _chunk").fetchall()}
        for column, kind in wanted.items():
            if not _has_values(incoming.column(column)):
                kind = stored.get(column, kind)  # no values: says nothing about the type
            if column not in stored:
                con.execute(f'alter table "{name}" add column "{column}" {kind}')
            elif stored[column] != kind:
                where = f'len("{column}") > 0' if stored[column].endswith("[]") else f'"{column}" is not null'
                if con.execute(f'select count(*) from "{name}" where {where}').fetchone()[0] == 0:
                    con.execute(f'alter table "{name}" alter "{column}" type {kind}')

    # -- committing ------------------------------------------------------------------------------

    def commit(self, *, allow_empty: bool = False) -> Path:
        """Publish the staged dataset as the new generation (atomically) and return its folder.
        EmptyReplace if it would replace stored documents by none, unless `allow_empty`."""
        import duckdb

        con = self._con
        try:
            names = _table_names(con)
            counts = {n: con.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}
            before_docs = self._before.get("tables", {}).get("documents", 0)
            if not allow_empty and before_docs and not counts.get("documents"):
                raise EmptyReplace(f"{self.out}: nothing was read, and --replace would empty the stored dataset "
                                   f"({before_docs} documents); give --allow-empty to do that")
            con.execute("checkpoint")
            con.close()
            self._con = None
        except duckdb.Error as exc:
            raise StoreError(f"{self.out}: could not write ({_one_line(exc)})") from None
        _checkpoint_hook("db_closed")
        staging, db = self._staging, self._staging / DB_NAME
        if Path(str(db) + ".wal").exists():
            # the changes are only in the WAL: publishing the file would publish an older or empty dataset
            raise StoreError(f"{self.out}: could not checkpoint the new {DB_NAME}; the stored dataset is unchanged")
        try:
            check = _duckdb(db, read_only=True)
            try:
                self._verify(check, counts, "the new database did not verify")
                for name in names:
                    target = str(staging / f"{name}.parquet").replace("'", "''")
                    check.execute(f"copy \"{name}\" to '{target}' (format parquet)")
            finally:
                check.close()
        except duckdb.Error as exc:
            raise StoreError(f"{self.out}: could not write ({_one_line(exc)}); the stored dataset is unchanged") from None
        with _os_errors(self.out):
            for name in names:
                rows = pq.ParquetFile(staging / f"{name}.parquet").metadata.num_rows
                if rows != counts[name]:
                    raise StoreError(f"{self.out}: {name}.parquet has {rows} rows, not {counts[name]}; "
                                     "the stored dataset is unchanged")
            _checkpoint_hook("exported")
            base = self.out / STORE_DIR
            number = 1 + max((int(m.group(1)) for p in base.iterdir() if (m := _GEN.match(p.name))), default=0)
            files = [DB_NAME] + [f"{n}.parquet" for n in names]
            manifest = {"format": FORMAT, "generation": number, "tables": counts, "files": files,
                        "legacy": sorted(set(self._legacy) | set(self._before.get("legacy", []))),
                        "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "hyoka": _version()}
            (staging / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
            for name in [*files, MANIFEST]:
                _fsync(staging / name)
            _fsync(staging)
            gen = base / f"gen-{number:06d}"
            os.rename(staging, gen)
            self._staging = None
            _checkpoint_hook("renamed")
            pointer = base / f"current.{os.getpid()}"
            os.symlink(gen.name, pointer)
            self._link_names(files)  # through `current`: they show the new tables once it is switched
            os.replace(pointer, base / "current")  # the commit: one atomic rename
            _fsync(base)
            self.generation = gen
            _checkpoint_hook("switched")
            self._unlink_names(files)
            self._clean_stale()
        return gen

    def _link_names(self, files: list[str]) -> None:
        """OUT/<file> links into the current generation, for tools that open OUT/hyoka.duckdb.
        A file of the old layout stays until the switch (it is the published dataset until then)."""
        for name in files:
            link = self.out / name
            target = f"{STORE_DIR}/current/{name}"
            if (link.is_symlink() and os.readlink(link) == target) or name in self._legacy:
                continue
            self._symlink(target, link)

    def _symlink(self, target: str, link: Path) -> None:
        tmp = self.out / STORE_DIR / f"current.link-{os.getpid()}"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(target, tmp)
        os.replace(tmp, link)  # a plain file is replaced by its link in one step

    def _unlink_names(self, files: list[str]) -> None:
        """After the switch: old-layout files become links; links to tables no longer stored go."""
        for name in self._legacy:
            if name in files:
                self._symlink(f"{STORE_DIR}/current/{name}", self.out / name)
        for name in self._legacy:
            link = self.out / name
            if name not in files and link.is_file() and not link.is_symlink():
                link.unlink()  # a table of the old layout that --replace did not write again
        for old in self._before.get("files", []):
            link = self.out / old
            if old not in files and link.is_symlink() and os.readlink(link) == f"{STORE_DIR}/current/{old}":
                link.unlink()

    def _verify(self, con, counts: dict[str, int], what: str) -> None:
        names = set(_table_names(con))
        missing = sorted(set(counts) - names)
        if missing:
            raise StoreError(f"{self.out}: {what} (table {missing[0]} missing)")
        for name, n in counts.items():
            got = con.execute(f'select count(*) from "{name}"').fetchone()[0]
            if got != n:
                raise StoreError(f"{self.out}: {what} ({name} has {got} rows, not {n})")

    def _close(self) -> None:
        if self._con is not None:
            try:
                self._con.close()
            except Exception:  # pragma: no cover - closing a broken connection
                pass
            self._con = None
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock
            self._lock_fd = None


def _legacy_names() -> set[str]:
    return {f"{n}.parquet" for n in TABLES} | {DB_NAME}


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


def _has_values(column: pa.ChunkedArray) -> bool:
    """Whether a column says anything about its type: a non-null value (a non-empty list)."""
    if column.null_count == len(column):
        return False
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        import pyarrow.compute as pc

        return bool(pc.max(pc.list_value_length(column)).as_py() or 0)
    return True


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class _os_errors:
    """OSError → StoreError naming --out and the reason (not writable, read-only, disk full …)."""

    def __init__(self, out: Path) -> None:
        self.out = out

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if isinstance(exc, OSError) and not isinstance(exc, StoreError):
            reason = {errno.ENOTDIR: "a path under a file, not a folder", errno.EROFS: "read-only file system",
                      errno.ENOSPC: "disk full", errno.EACCES: "permission denied",
                      errno.EPERM: "permission denied"}.get(exc.errno, exc.strerror or str(exc))
            raise StoreError(f"{self.out}: {reason}") from None
        return False


def _version() -> str:
    try:
        from hyoka import __version__

        return __version__
    except Exception:  # pragma: no cover
        return "unknown"
