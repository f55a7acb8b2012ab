"""The store's files on disk, without links: which generation is published, where its Parquet
files are, and the errors every store module raises. The writer is in `store.py`.

    OUT/
      hyoka.duckdb                  the working database: updated in place by one writer, one
                                    DuckDB transaction per run (its own WAL makes kill -9 safe)
      <table>.parquet/              a folder of the table's part files (hard links, or copies where
                                    the file system has none), refreshed after each switch
      .hyoka/lock                   one writer at a time (filelock: fcntl, msvcrt on Windows)
      .hyoka/CURRENT                "gen-000007": the published generation, replaced atomically
      .hyoka/gen-000007/manifest.json   the generation: row counts, and which part files hold each table
      .hyoka/gen-000006/manifest.json   the one before (a reader may still be on it)
      .hyoka/parts/<table>/<part>.parquet   the tables' rows, a few dozen documents a file (see
                                    `store_parts`); a part is written once and shared by the
                                    generations that list it

So a run writes the parts of the documents it changed and a manifest, and no file of the
database is copied. Format 1 (before this) kept a whole copy of hyoka.duckdb per
generation and reached it through symlinks (`.hyoka/current -> gen-N`); such a store, or a copy
of it whose links became folders and files (zip, cloud drive, `cp -rL`), is still read and is
turned into this layout by its next writer.
"""

from __future__ import annotations

import errno
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

DB_NAME = "hyoka.duckdb"
STORE_DIR = ".hyoka"
MANIFEST = "manifest.json"
POINTER = "CURRENT"
V1_POINTER = "current"  # format 1: a symlink, or a folder in a copy that followed links
FORMAT = 2  # the layout above; a manifest with a higher number is from a newer hyoka
GEN = re.compile(r"^gen-(\d{6,})$")
STATE = "_hyoka.state"  # inside hyoka.duckdb: the generation its last committed run published


class StoreError(ValueError):
    """A path that is not a usable hyoka store, or a store that cannot be written; one line."""


class StoreBusy(StoreError):
    """Another writer holds the store's lock (or another program holds hyoka.duckdb open)."""


class EmptyReplace(StoreError):
    """--replace would leave the dataset without documents."""


def gen_name(number: int) -> str:
    return f"gen-{number:06d}"


@dataclass
class Published:
    """The published generation of the store in `out` (format 1 or 2)."""

    out: Path
    number: int
    manifest: dict
    folder: Path                       # .hyoka/gen-N (format 2) or the format-1 generation folder
    files: dict[str, list[Path]] = field(default_factory=dict)  # table → its Parquet files, in order

    @property
    def format(self) -> int:
        return int(self.manifest.get("format", 1))

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.manifest.get("tables", {}))

    def next_manifest(self) -> dict | None:
        """The manifest of generation N+1 if a writer exported it and then stopped (or is about
        to switch): the database may hold it already (see `store.published_source`)."""
        return read_manifest(self.out / STORE_DIR / gen_name(self.number + 1))


def read_manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def published(out: Path) -> Published | None:
    """The published generation of the store in the folder `out`, or None if there is none.
    StoreError if the pointer names a generation that is not there (a partial copy)."""
    base = out / STORE_DIR
    try:
        name = (base / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return _published_v1(out)
    except OSError as exc:
        raise StoreError(f"{out}: cannot read {STORE_DIR}/{POINTER} ({exc.strerror or exc})") from None
    folder = base / name
    manifest = read_manifest(folder) if GEN.match(name) else None
    if manifest is None:
        raise StoreError(f"{out}: the stored dataset is damaged ({STORE_DIR}/{POINTER} names {name!r}, "
                         "which has no manifest); use --replace to start over")
    files = {t: [base / rel for _part, rel, _rows in entries] for t, entries in manifest.get("files", {}).items()}
    return Published(out, int(manifest["generation"]), manifest, folder, files)


def _published_v1(out: Path) -> Published | None:
    """Format 1: `.hyoka/current` a symlink to gen-N, or — in a copy that followed links — a
    folder holding that generation's files."""
    pointer = out / STORE_DIR / V1_POINTER
    if pointer.is_symlink():
        folder = out / STORE_DIR / os.readlink(pointer)
    elif pointer.is_dir():
        folder = pointer
    else:
        return None
    manifest = read_manifest(folder)
    if manifest is None:
        raise StoreError(f"{out}: the stored dataset is damaged ({STORE_DIR}/{V1_POINTER} has no manifest); "
                         "use --replace to start over")
    names = [n for n in manifest.get("tables", {})]
    files = {t: [folder / f"{t}.parquet"] for t in names}
    return Published(out, int(manifest.get("generation", 0)), manifest, folder, files)


def switch(out: Path, number: int) -> None:
    """Publish generation `number`: CURRENT written beside itself and renamed over (the one
    atomic step; os.replace is atomic on Windows too)."""
    base = out / STORE_DIR
    tmp = base / f"{POINTER}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(gen_name(number) + "\n")
        f.flush()
        os.fsync(f.fileno())
    for attempt in range(20):
        try:
            os.replace(tmp, base / POINTER)
            break
        except PermissionError:  # Windows: a reader has CURRENT open this very moment
            if attempt == 19:
                raise
            time.sleep(0.05)
    fsync_dir(base)


def write_manifest(folder: Path, manifest: dict) -> None:
    tmp = folder / f"{MANIFEST}.tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        json.dump(manifest, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, folder / MANIFEST)  # a manifest is there whole or not at all


def referenced(out: Path, pub: Published | None) -> set[str]:
    """Generation folders still needed: the published one and the one before it (a reader that
    resolved CURRENT just before a switch reads it)."""
    if pub is None or pub.format < 2:
        return set()
    keep = {pub.folder.name}
    previous = pub.manifest.get("previous")
    before = read_manifest(out / STORE_DIR / gen_name(int(previous))) if previous else None
    if before is not None and int(before.get("format", 1)) >= 2:  # a format-1 one goes (its files are whole copies)
        keep.add(gen_name(int(previous)))
    return keep


def _part_files(out: Path, gens: set[str]) -> set[str]:
    """The part files (relative to .hyoka, as the manifests name them) of the generations `gens`."""
    names = set()
    for gen in gens:
        manifest = read_manifest(out / STORE_DIR / gen) or {}
        for entries in manifest.get("files", {}).values():
            names.update(rel for _part, rel, _rows in entries)
    return names


def clean(out: Path, pub: Published | None) -> None:
    """Remove what is not part of the published store: generation folders other than the
    published one and the one before it (format-1 generations once a format-2 one is published,
    generations exported by a writer that never switched), part files neither lists, pointers
    and temporary files being written. A file still open on Windows can't be removed: it stays
    for the next writer."""
    import shutil

    base = out / STORE_DIR
    keep = referenced(out, pub)
    v2 = pub is not None and pub.format >= 2
    for p in base.iterdir():
        name = p.name
        if GEN.match(name):
            stale = name not in keep and (v2 or pub is None or int(GEN.match(name).group(1)) > pub.number)
        else:
            stale = (name.startswith(("staging-", "current.", "top-")) or name.endswith(".tmp")
                     or (name == V1_POINTER and v2))
        if not stale:
            continue
        try:
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
        except OSError:
            pass
    parts = base / "parts"
    if parts.is_dir():
        wanted = _part_files(out, keep)
        for table in parts.iterdir():
            for p in table.iterdir():
                if f"parts/{table.name}/{p.name}" not in wanted:
                    try:
                        p.unlink()
                    except OSError:
                        pass


def refresh_top(out: Path, pub: Published, before: set[str]) -> list[str]:
    """OUT/<table>.parquet/, a folder of the table's part files for every published table (as
    Spark and pandas write a dataset: `pd.read_parquet("OUT/measures.parquet")` reads it whole):
    hard links to the parts (copies where the file system has no hard links), each put in place
    whole by os.replace; new parts are added before old ones go. Names in `before` (the tables of
    the previous generation, or files of an older layout) that are no longer stored go. Returns
    the names that could not be changed (on Windows, a file another program holds open): the
    next commit tries again."""
    import shutil

    stuck = []
    for table, srcs in pub.files.items():
        dst = out / f"{table}.parquet"
        try:
            if dst.is_symlink() or dst.is_file():
                dst.unlink()  # a file of an older layout: the folder takes its name
            dst.mkdir(exist_ok=True)
        except OSError:
            stuck.append(dst.name)
            continue
        wanted = {src.name: src for src in srcs}
        for name, src in wanted.items():
            if (dst / name).exists():
                continue
            tmp = out / STORE_DIR / f"top-{table}-{name}.{os.getpid()}.tmp"
            try:
                try:
                    os.link(src, tmp)
                except OSError:  # FAT/exFAT, some network drives, or no permission for links
                    shutil.copyfile(src, tmp)
                os.replace(tmp, dst / name)
            except OSError:
                stuck.append(f"{dst.name}/{name}")
        for p in dst.iterdir():
            if p.name not in wanted:
                try:
                    p.unlink()
                except OSError:
                    stuck.append(f"{dst.name}/{p.name}")
    for name in sorted(before):
        if name.endswith(".parquet") and name[:-len(".parquet")] not in pub.files:
            path = out / name
            try:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                elif path.exists() or path.is_symlink():
                    path.unlink()
            except OSError:
                stuck.append(name)
    return stuck


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """A folder's entries on disk (POSIX); Windows cannot open a folder, and NTFS journals renames."""
    if os.name == "nt":
        return
    fsync_file(path)


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def write_failed(out: Path, exc: BaseException) -> str:
    """The one line for a write the database could not make: a full disk said as such."""
    text = str(exc)
    if "No space left on device" in text or "errno\":\"28\"" in text or "disk is full" in text.lower():
        return f"{out}: the disk is full (no space left on device); the stored dataset is unchanged"
    if "File too large" in text or "errno\":\"27\"" in text:
        return f"{out}: a file grew over the size this system allows (file too large); the stored dataset is unchanged"
    return f"{out}: could not write ({one_line(exc)}); the stored dataset is unchanged"


class os_errors:
    """OSError → StoreError naming --out and the reason (not writable, read-only, disk full …)."""

    def __init__(self, out: Path, *, before_commit: bool = False) -> None:
        self.out = out
        self.before_commit = before_commit  # inside the run's transaction: a failure leaves the dataset as it was

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if isinstance(exc, OSError) and not isinstance(exc, StoreError):
            reason = {errno.ENOTDIR: "a path under a file, not a folder", errno.EROFS: "read-only file system",
                      errno.ENOSPC: "the disk is full (no space left on device)", errno.EFBIG: "file too large", errno.EACCES: "permission denied",
                      errno.EPERM: "permission denied"}.get(exc.errno, exc.strerror or str(exc))
            unchanged = "; the stored dataset is unchanged" if self.before_commit else ""
            raise StoreError(f"{self.out}: {reason}{unchanged}") from None
        return False


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def legacy_names() -> set[str]:
    from hyoka.pipeline.tables import TABLES

    return {f"{n}.parquet" for n in TABLES} | {DB_NAME}


def top_names(pub: Published | None) -> set[str]:
    """OUT/ names the generation `pub` put there (format 1 listed them as "files")."""
    if pub is None:
        return set()
    return {f"{t}.parquet" for t in pub.files} | {n for n in pub.manifest.get("files", ()) if n != DB_NAME}


def is_duckdb(path: Path) -> bool:
    """DuckDB's file header: 8 bytes of checksum, then "DUCK"."""
    try:
        with open(path, "rb") as f:
            return f.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


def version() -> str:
    try:
        from hyoka import __version__

        return __version__
    except Exception:  # pragma: no cover
        return "unknown"
