"""The on-disk dataset: a DuckDB database updated in place, its tables kept as Parquet part
files, published by one atomic pointer switch, without links and without an OS-specific lock, so
a store works on Windows and survives being copied like any folder. The files are described in
`store_layout`, the parts in `store_parts`; reading is in `store_read`.

A writer (`StoreWriter`) takes the lock (`store_lock`), opens OUT/hyoka.duckdb and runs the whole
run in ONE DuckDB transaction: rows are deleted and inserted by doc_id a chunk at a time. At the
commit it records the new generation number in the database (table _hyoka.state), writes the
Parquet parts of the documents this run changed to .hyoka/parts/ and a manifest naming every
table's parts to .hyoka/gen-N/, and only then commits the transaction — the switch: DuckDB's
WAL makes it atomic, and a kill before it leaves the database as it was. It then checkpoints,
replaces .hyoka/CURRENT (os.replace) and refreshes OUT/<table>.parquet/. A writer stopped
between its commit and the pointer is finished by the next writer, and readers see the
committed dataset meanwhile (see `store_read.published_source`). So a commit costs what the run
changed, not a copy of the database as format 1 did (bench/commit_cost.py).

Re-running is idempotent: rows of documents being written replace the rows stored for the same
doc_id (or read from the same path), failures replace failures of the same path, and a file that
fails now keeps what was loaded from it before.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from hyoka.pipeline.store_layout import (  # noqa: F401 (the store's public names, importable from here)
    DB_NAME, FORMAT, GEN, MANIFEST, STATE, STORE_DIR, EmptyReplace, Published, StoreBusy, StoreError, clean,
    fsync_dir, fsync_file, gen_name, is_duckdb, legacy_names, now, one_line, os_errors, published, write_failed, read_manifest,
    refresh_top, switch, top_names, version, write_manifest,
)
from hyoka.pipeline.store_lock import WriterLock
from hyoka.pipeline.store_parts import export_parts, plan_parts
from hyoka.pipeline.store_meta import comment_columns
from hyoka.pipeline.store_views import create_views, drop_views
from hyoka.pipeline.store_read import (  # noqa: F401
    DUCKDB_MEMORY_LIMIT, _columns, _duckdb, _held_open, _read_parts, _table_names, database_path, db_generation,
    iter_doc_batches, load, load_duckdb, open_store, published_source,
)
from hyoka.pipeline.tables import TABLES

_DATA_SUFFIXES = (".parquet", ".duckdb", ".wal")  # top-level names that look like dataset files
_one_line = one_line


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
    stale_files: list[str] = field(default_factory=list, init=False)  # OUT/ files a reader held open
    _lock: WriterLock | None = field(default=None, init=False, repr=False)
    _con: object = field(default=None, init=False, repr=False)
    _pub: Published | None = field(default=None, init=False, repr=False)
    _import: dict = field(default_factory=dict, init=False, repr=False)  # table → Parquet files to take in
    _legacy: list[str] = field(default_factory=list, init=False, repr=False)  # OUT/ files of format 0
    _abandoned: set = field(default_factory=set, init=False, repr=False)  # OUT/ names of a damaged store
    _changed: set = field(default_factory=set, init=False, repr=False)  # tables whose rows changed
    _reshaped: set = field(default_factory=set, init=False, repr=False)  # tables whose columns changed
    _removed: set = field(default_factory=set, init=False, repr=False)  # doc_ids deleted by this run
    _added: dict = field(default_factory=dict, init=False, repr=False)  # doc_ids inserted (an ordered set)
    _rowid_base: dict = field(default_factory=dict, init=False, repr=False)  # table → last rowid before the run
    _exported: Path | None = field(default=None, init=False, repr=False)  # gen-N written, not committed
    _committed: bool = field(default=False, init=False, repr=False)

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
        with os_errors(out):
            out.mkdir(parents=True, exist_ok=True)
            (out / STORE_DIR).mkdir(exist_ok=True)
            self._lock = WriterLock(out / STORE_DIR / "lock", out, self.lock_timeout)
        self._lock.acquire()
        with os_errors(out):
            try:
                self._pub = published(out)
            except StoreError:
                if not self.replace:
                    raise
                self._pub = None  # a pointer to nothing (a partial copy): --replace starts over
                self._abandoned = {n for n in legacy_names() if (out / n).exists()}
            pub = self._pub
            if pub is not None and pub.format > FORMAT:
                raise StoreError(f"{out}: written by a newer hyoka (store format {pub.format})")
            number = pub.number if pub is not None else 0
            pending = read_manifest(out / STORE_DIR / gen_name(number + 1))
            if (out / (DB_NAME + ".wal")).exists() and pending is None:
                # someone wrote to OUT/hyoka.duckdb and was stopped: never deleted, never replayed blindly
                raise StoreError(f"{out}: {DB_NAME}.wal holds changes not checkpointed into {DB_NAME}; open "
                                 f"{DB_NAME} once with duckdb to checkpoint them (or move the .wal away), then re-run")
            self._check_foreign(pub, pending is not None)
            self._prepare_db(pub)
        self._con = self._connect()
        with os_errors(out):
            self._finish_interrupted(pending)
            clean(out, self._pub)
        self._begin()

    def _check_foreign(self, pub: Published | None, pending: bool) -> None:
        """Dataset-looking files hyoka did not write are refused, never merged or overwritten.
        A store from before generations (plain files, no .hyoka) is taken over."""
        owned = set()
        if pub is not None:
            owned = {DB_NAME} | {f"{t}.parquet" for t in pub.files} | set(pub.manifest.get("files", ()))
        elif self._abandoned:  # the damaged store --replace starts over: the names it put there are its own
            owned = set(self._abandoned)
        elif pending or db_generation(self.out / DB_NAME) is not None:
            owned = {DB_NAME}  # ours: created by a first run that was stopped before its switch
        for entry in sorted(self.out.iterdir()):
            name = entry.name
            if not name.endswith(_DATA_SUFFIXES) or name in owned or name == DB_NAME + ".wal":
                continue
            if pub is None and name in legacy_names() and entry.is_file():
                self._legacy.append(name)  # the old layout: imported into the first generation
                continue
            raise StoreError(f"{self.out}: {name} was not written by hyoka; move it away "
                             "(hyoka will not merge it or write over it)")
        if self._legacy and "documents.parquet" not in self._legacy:
            raise StoreError(f"{self.out}: {self._legacy[0]} was not written by hyoka; move it away "
                             "(hyoka will not merge it or write over it)")

    def _prepare_db(self, pub: Published | None) -> None:
        """OUT/hyoka.duckdb as the working database. Format 1 reached it through a link into its
        generation: it becomes a file (one copy, once). A store whose database is missing (a
        partial copy) is rebuilt from its Parquet files; so is a store of format 0."""
        db = self.out / DB_NAME
        if self.replace:
            return
        if self._legacy:
            self._import = {Path(n).stem: [self.out / n] for n in self._legacy if n.endswith(".parquet")}
            return
        if pub is None:
            return
        if db.is_symlink():
            tmp = self.out / STORE_DIR / f"top-{DB_NAME}.{os.getpid()}.tmp"
            shutil.copyfile(pub.folder / DB_NAME, tmp)
            os.replace(tmp, db)  # the same database, now a file: readers of either layout see no change
        elif not db.exists():
            self._import = dict(pub.files)

    def _connect(self):
        """Opens the database read-write, waiting up to --lock-timeout for a program that holds it
        open (DuckDB lets one process write a file, and none read it meanwhile)."""
        import duckdb

        db = self.out / DB_NAME
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                if self.replace and db.exists() and not is_duckdb(db):
                    db.unlink()  # --replace over a damaged database starts over
                con = _duckdb(db)
                con.execute(f"create schema if not exists {STATE.split('.')[0]}")
                con.execute(f"create table if not exists {STATE} (generation bigint, written varchar)")
                # generation 0 marks a database as hyoka's from its first run on (see _check_foreign)
                con.execute(f"insert into {STATE} select 0, '{now()}' where not exists (select * from {STATE})")
                return con
            except duckdb.Error as exc:
                if _held_open(exc):
                    if time.monotonic() < deadline:
                        time.sleep(0.2)
                        continue
                    raise StoreBusy(f"{self.out}: {DB_NAME} is open in another program; close it (or wait: "
                                    "--lock-timeout SECONDS), then re-run") from None
                raise StoreError(f"{self.out}: the stored dataset is damaged ({one_line(exc)}); "
                                 "use --replace to start over") from None

    def _finish_interrupted(self, pending: dict | None) -> None:
        """A writer that committed generation N+1 and stopped before the pointer: switch it now.
        Then the database must be at the published generation (a format-1 one has no number)."""
        pub, out = self._pub, self.out
        number = pub.number if pub is not None else 0
        got = self._con.execute(f"select max(generation) from {STATE}").fetchone()[0]
        if pending is not None and got == number + 1:
            switch(out, number + 1)
            before = top_names(pub) | set(self._legacy) | self._abandoned
            self._pub = published(out)
            self.stale_files = refresh_top(out, self._pub, before)
            self._legacy = []
            return
        if self.replace or self._import or pub is None:
            return
        if pub.format >= 2 and got != number:  # a format-1 database has no number (0 from _connect)
            raise StoreError(f"{out}: the stored dataset is damaged ({DB_NAME} holds generation {got}, "
                             f"{STORE_DIR} publishes {number}); use --replace to start over")

    def _begin(self) -> None:
        """The run's transaction; --replace and takeovers start it by emptying the database."""
        import duckdb

        con = self._con
        try:
            con.execute("begin transaction")
            drop_views(con)  # remade at commit from the tables as they will be then
            if self.replace or self._import:
                for name in _table_names(con):
                    con.execute(f'drop table "{name}"')
            if self._import:
                self._take_in()
            elif self._pub is not None and not self.replace:
                self._verify(con, self._pub.counts, "the stored dataset is damaged")
            # rows this run appends come after these (see store_parts: new parts read only them)
            self._rowid_base = {n: con.execute(f'select coalesce(max(rowid), -1) from "{n}"').fetchone()[0]
                                for n in _table_names(con)}
        except duckdb.Error as exc:
            raise StoreError(f"{self.out}: the stored dataset is damaged ({one_line(exc)}); "
                             "use --replace to start over") from None

    def _take_in(self) -> None:
        try:
            frames = {name: _read_parts(paths) for name, paths in self._import.items()}
        except (OSError, pa.ArrowException, ValueError) as exc:
            raise StoreError(f"{self.out}: the stored dataset is damaged ({one_line(exc)}); "
                             "use --replace to start over") from None
        docs = frames.get("documents")
        if docs is None or not {"doc_id", "source_path"} <= set(docs.columns):
            raise StoreError(f"{self.out}: documents.parquet was not written by hyoka; move it away "
                             "(hyoka will not merge it or write over it)")
        self._insert(frames)

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
        source path, its failures replace stored failures of the same path; stored at the commit."""
        import duckdb

        try:
            self._delete_replaced(tables)
            self._insert(tables)
        except duckdb.Error as exc:  # the run's transaction is lost: nothing of it is stored
            try:
                self._con.execute("rollback")
            except duckdb.Error:  # DuckDB already ended it (a full disk): nothing to undo
                pass
            self._con.close()
            self._con = None
            raise StoreError(write_failed(self.out, exc)) from None
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
            stale = [r[0] for r in con.execute("select doc_id from _stale").fetchall()]
            self._removed.update(stale)
            for doc_id in stale:
                self._added.pop(doc_id, None)
            for name in names:
                if name != "failures" and "doc_id" in _columns(con, name):
                    if con.execute(f'delete from "{name}" where doc_id in (select doc_id from _stale)').fetchone()[0]:
                        self._changed.add(name)
            con.execute("drop table _stale")
            con.unregister("_new")
            con.unregister("_read")
        if "failures" in names and (read_paths or fail_paths):
            con.register("_paths", pa.table({"source_path": pa.array(read_paths + fail_paths, pa.string())}))
            if con.execute("delete from failures where source_path in (select source_path from _paths)").fetchone()[0]:
                self._changed.add("failures")
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
            if name != "failures" and "doc_id" in incoming.column_names:
                self._added.update(dict.fromkeys(incoming.column("doc_id").to_pylist()))
            con.register("_chunk", incoming)
            if name not in names:
                con.execute(f'create table "{name}" as select * from _chunk')
                self._changed.add(name)
            elif len(incoming):
                self._reconcile(name, incoming)
                con.execute(f'insert into "{name}" by name select * from _chunk')
                self._changed.add(name)  # its Parquet file is exported again at the commit
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
                self._reshaped.add(name)
            elif stored[column] != kind:
                where = f'len("{column}") > 0' if stored[column].endswith("[]") else f'"{column}" is not null'
                if con.execute(f'select count(*) from "{name}" where {where}').fetchone()[0] == 0:
                    con.execute(f'alter table "{name}" alter "{column}" type {kind}')
                    self._reshaped.add(name)

    # -- committing ------------------------------------------------------------------------------

    def commit(self, *, allow_empty: bool = False) -> Path:
        """Publish the run as the next generation (atomically) and return its folder.
        EmptyReplace if it would replace stored documents by none, unless `allow_empty`."""
        import duckdb

        con, out, pub = self._con, self.out, self._pub
        base = out / STORE_DIR
        try:
            names = _table_names(con)
            counts = {n: con.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}
            before_docs = pub.counts.get("documents", 0) if pub is not None else 0
            if not allow_empty and before_docs and not counts.get("documents"):
                raise EmptyReplace(f"{out}: nothing was read, and --replace would empty the stored dataset "
                                   f"({before_docs} documents); give --allow-empty to do that")
            with os_errors(out, before_commit=True):
                number = 1 + max([int(m.group(1)) for p in base.iterdir() if (m := GEN.match(p.name))]
                                 + [pub.number if pub is not None else 0])
                folder = base / gen_name(number)
                folder.mkdir()
                self._exported = folder
            con.execute(f"delete from {STATE}")
            con.execute(f"insert into {STATE} values ({number}, '{now()}')")
            with os_errors(out, before_commit=True):  # the parts are read inside the transaction: the rows about to be committed
                parts, files = self._export_parts(names, counts, number)
            comment_columns(con, names + create_views(con, names))
        except duckdb.Error as exc:
            raise StoreError(write_failed(out, exc)) from None
        with os_errors(out, before_commit=True):
            before = {rel for entries in (pub.manifest.get("files", {}) if pub is not None and pub.format >= FORMAT
                                          else {}).values() for _p, rel, _n in entries}
            written = sorted({rel for entries in files.values() for _p, rel, _n in entries} - before)
            for rel in written:
                fsync_file(base / rel)
            write_manifest(folder, {"format": FORMAT, "generation": number,
                                    "previous": pub.number if pub is not None else None,
                                    "tables": counts, "parts": parts, "files": files, "written_parts": written,
                                    "written": now(), "hyoka": version()})
            fsync_dir(folder)
        _checkpoint_hook("exported")
        try:
            con.execute("commit")  # the switch: from here the new dataset is the stored one
        except duckdb.Error as exc:
            raise StoreError(write_failed(out, exc)) from None
        self._committed, self._exported = True, None
        _checkpoint_hook("committed")
        try:
            con.execute("checkpoint")  # the database file alone holds it: a copy of the folder takes it along
        except duckdb.Error:
            pass  # the WAL holds it; DuckDB replays it at the next open
        con.close()
        self._con = None
        _checkpoint_hook("checkpointed")
        with os_errors(out):
            switch(out, number)
            self.generation = folder
            _checkpoint_hook("switched")
            before = top_names(pub) | set(self._legacy) | self._abandoned
            self._pub = published(out)
            self.stale_files = refresh_top(out, self._pub, before)
            clean(out, self._pub)
        return folder

    def _export_parts(self, names: list[str], counts: dict[str, int], number: int) -> tuple[list, dict]:
        """The parts of this generation (see store_parts): those of the published one, less the
        documents this run removed, plus its own; everything again after --replace, a takeover,
        or over a store of format 1."""
        con, pub = self._con, self._pub
        keyed = {n for n in names if n != "failures" and "doc_id" in _columns(con, n)}
        full = (pub is None or pub.format < FORMAT or self.replace or bool(self._import)
                or "parts" not in pub.manifest)
        if full:
            # the documents in stored order, then doc_ids some table has without a documents row
            added = [r[0] for r in con.execute("select doc_id from documents").fetchall()] if "documents" in keyed else []
            for name in sorted(keyed - {"documents"}):
                added += [r[0] for r in con.execute(f'select distinct doc_id from "{name}"').fetchall()]
            added = list(dict.fromkeys(added))
        else:
            added = list(self._added)
        parts, dirty = plan_parts(None if full else pub.manifest["parts"], self._removed, added, number)
        whole = set(names) if full else self._reshaped | (self._changed - keyed)
        before_files = {} if full else pub.manifest["files"]
        files = export_parts(con, self.out / STORE_DIR, self.out, names, keyed, counts, parts, dirty,
                             self._changed, whole, before_files, self._removed, self._rowid_base, number)
        return parts, files

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
                if not self._committed:
                    self._con.execute("rollback")
            except Exception:  # no transaction open, or a broken connection
                pass
            try:
                self._con.close()
            except Exception:  # pragma: no cover - closing a broken connection
                pass
            self._con = None
        if self._exported is not None:  # exported for a commit that did not happen
            shutil.rmtree(self._exported, ignore_errors=True)
            self._exported = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None


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
