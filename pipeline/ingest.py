"""Files → Documents: extract → normalize, one file at a time, failures recorded not raised.

    >>> result = ingest(["sample_docs/"])
    >>> result.tables()["measures"]           # pandas DataFrame, every document in memory

    >>> run = ingest_to_store(["sample_docs/"], "out/")   # streamed into the store, a chunk at a time

A file that can't be read becomes a `Failure` (one line naming the file and why) and
the batch goes on; nothing else about the batch changes.

`ingest_to_store` is incremental: every input is hashed first (streamed), a file whose content
is stored for its path is not parsed again, and only new and changed files are read — by
`process_file`, the per-file step (path, limits → a picklable `FileOutcome`), which an executor
may run in other processes or machines; the loop here consumes the outcomes, groups them into
chunks and writes each chunk to the store (`pipeline/store.py`), so that memory holds one
chunk's worth at a time.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

import pandas as pd

from hyoka import extractors
from hyoka.extractors import bundles
from hyoka.extractors.base import ExtractionError
from hyoka.extractors.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from hyoka.extractors._common import plain
from hyoka.extractors.ocr import flag_unsure_values
from hyoka.pipeline.gate import judge_report
from hyoka.pipeline.model import DocError, Document, Status
from hyoka.pipeline.stages import NORMALIZE, Processor

if TYPE_CHECKING:
    from hyoka.pipeline.rules import RuleSet

HASH_BLOCK = 1 << 20  # bytes read at a time when hashing


@dataclass(frozen=True)
class Failure:
    source_path: str
    stage: str  # "read", "detect", "extract", "normalize", "limit", "duplicate"
    reason: str  # one line, for a person
    doc_id: str | None = None
    detail: str | None = None  # the library's own words (「PdfminerException: …」), for whoever debugs it

    def line(self) -> str:
        return f"{self.source_path}: {self.reason}"


@dataclass
class IngestResult:
    documents: list[Document] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def tables(self, rules=None, audit: bool = True) -> dict[str, pd.DataFrame]:
        """The canonical tables; with `audit`, also audit_findings under printed legends, `rules`, presets."""
        from hyoka.pipeline.audit import audit_tables, findings_frame
        from hyoka.pipeline.tables import build_tables

        frames = build_tables(self.documents, self.failures)
        if audit:
            frames["audit_findings"] = findings_frame(audit_tables(frames, rules))
        return frames


# --- inputs ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class InputFile:
    path: Path  # absolute and resolved: the file's identity (documents.source_path)
    shown: str  # as the user named it, or as found under a folder they named (for messages)


def normalize_path(path: str | os.PathLike[str]) -> Path:
    """The one spelling of a file's identity: absolute, symlinks and `..` resolved."""
    return Path(os.path.abspath(path)).resolve()


def collect_inputs(paths: Iterable[str | os.PathLike[str]],
                   limits: Limits = DEFAULT_LIMITS) -> tuple[list[InputFile], list[tuple[str, Failure]]]:
    """Files named directly, and supported files under named folders (sorted; hidden names
    skipped); a file reached twice (named and inside a folder, or by two spellings) once.
    A folder that can't be listed, or a FIFO/device/broken link with a report's extension,
    is a Failure (never opened), given with the name to show it by. A zip bundle is a folder:
    each supported member an input `bundle.zip!/name` (extractors/bundles.py); a member refused
    (path traversal, zip bomb …) or a bundle that can't be opened is a Failure."""
    supported = extractors.supported_extensions()
    inputs: list[InputFile] = []
    failures: list[tuple[str, Failure]] = []
    seen: set[Path] = set()

    def add(path: Path, shown: str) -> None:
        key = normalize_path(path)
        if key not in seen:
            seen.add(key)
            problem = _not_a_file(path)
            if problem:  # a broken link is known by its own name, not its missing target's
                failures.append((shown, Failure(os.path.abspath(path) if os.path.islink(path) else str(key),
                                                "read", problem)))
            elif bundles.is_bundle(key) and os.path.isfile(key):
                add_bundle(key, shown)
            else:
                inputs.append(InputFile(key, shown))

    def add_bundle(key: Path, shown: str) -> None:
        try:
            check_file(key, limits)
            members, refused = bundles.list_members(key, str(key), supported, limits)
        except ExtractionError as exc:
            stage = "limit" if isinstance(exc, LimitExceeded) else "read"
            failures.append((shown, Failure(str(key), stage, f"zip bundle not opened: {exc}")))
            return
        for member in members:
            inputs.append(InputFile(Path(member), shown + member[len(str(key)):]))
        for member, stage, reason in refused:
            failures.append((shown + member[len(str(key)):], Failure(member, stage, reason)))

    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            add(path, str(raw))
            continue
        found: list[Path] = []

        def unreadable(exc: OSError, top: Path = path) -> None:
            where = Path(exc.filename) if exc.filename else top
            key = normalize_path(where)
            if key not in seen:
                seen.add(key)
                failures.append((str(where), Failure(str(key), "read", f"folder could not be read "
                                                     f"({_strerror(exc)}); the files in it were skipped")))

        for folder, dirs, names in os.walk(path, onerror=unreadable):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found.extend(Path(folder) / n for n in names
                         if not n.startswith(".") and Path(n).suffix.lower() in supported)
        for file in sorted(found):
            add(file, str(file))
    return inputs, failures


def iter_input_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """The regular files `collect_inputs` finds, as they were named or found."""
    for item in collect_inputs(paths)[0]:
        yield Path(item.shown)


def _not_a_file(path: Path) -> str | None:
    """Why `path` is not something to open as a report (None if it is, or does not exist:
    a missing file is reported by the reader as 'file not found')."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "broken link (its target does not exist)" if os.path.islink(path) else None
    except OSError as exc:
        return f"cannot read ({_strerror(exc)})"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a character device" if stat.S_ISCHR(mode)
            else "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "special")
    return f"not a regular file ({kind}); not read"


def _strerror(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def check_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> int:
    """The size of `path` if it is a regular, non-empty file within `limits.max_file_bytes`;
    ExtractionError (LimitExceeded for the size) with a one-line reason otherwise. Reads nothing."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ExtractionError("file not found") from None
    except OSError as exc:
        raise ExtractionError(f"cannot read ({_strerror(exc)})") from None
    if stat.S_ISDIR(st.st_mode):
        raise ExtractionError("is a folder with no report files")
    if not stat.S_ISREG(st.st_mode):
        raise ExtractionError(_not_a_file(path) or "not a regular file; not read")
    if st.st_size == 0:
        raise ExtractionError("empty file (0 bytes)")
    if st.st_size > limits.max_file_bytes:
        raise LimitExceeded("max_file_mb", f"file is {st.st_size / 2**20:,.1f} MB, over the limit of "
                                           f"{limits.max_file_mb:g} MB (max_file_mb); not read")
    return st.st_size


def hash_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """The file's doc_id (content hash), read in blocks after `check_file`. ExtractionError if it can't be read.
    A zip bundle's member (bundle.zip!/a.pdf) is hashed as it unpacks: the same doc_id as the file."""
    if bundles.split(path):
        return bundles.member_hash(path, limits)
    check_file(path, limits)
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            while block := f.read(HASH_BLOCK):
                digest.update(block)
    except OSError as exc:
        raise ExtractionError(f"cannot read ({_strerror(exc)})") from None
    return digest.hexdigest()[:16]


def doc_id_for(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


# --- one file -------------------------------------------------------------------------------------

def read_document(path: Path, stages: tuple[Processor, ...] = NORMALIZE, *, limits: Limits = DEFAULT_LIMITS,
                  doc_id: str | None = None, read_anyway: bool = False, source: str | None = None) -> Document:
    """One file → a normalized Document. Raises ExtractionError with a one-line reason.

    The report gate (pipeline/gate.py) judges the text first: a document that is not an
    evaluation/progress report comes back with status NOT_A_REPORT, its title and the gate's
    reason, and nothing read from it — unless `read_anyway`, which reads it as any other file
    (the gate's verdict kept in `doc.gate` and named in `errors`). `source`: the document's
    source_path when it is not `path` (a zip member read from its unpacked copy)."""
    path = Path(path)
    doc_id = doc_id or hash_file(path, limits)  # also: exists, regular, not empty, not too large
    backend = extractors.backend_for(path)
    text = backend.read(path, limits)
    verdict = judge_report(text.full_text())
    if not verdict.is_report and not read_anyway:
        return _not_a_report(text, doc_id, source or str(path), verdict.reason)
    # a specific layout that claims the file wins; every other file is read by its labels
    layout = extractors.detect_layout(text) or extractors.generic_layout()
    doc = Document(doc_id=doc_id, source_path=source or str(path), format=text.format, layout=layout.name,
                   source_rows=text.rows, encoding=text.encoding)
    doc.gate = verdict.reason
    layout().extract(text, doc)
    if not verdict.is_report:  # read because the user asked: the document says so (status partial)
        doc.errors.append(DocError(stage="gate", message=f"read anyway (--read-anyway): {verdict.reason}"))
    doc.errors.extend(DocError(stage="read", message=warning) for warning in text.warnings)
    doc.flags.extend(text.flags)  # values the backend refused to read as printed
    if text.ocr_pages:  # pages read by OCR: values holding characters it was unsure of are flagged
        doc.ocr_pages = text.ocr_pages
        flag_unsure_values(doc, text.ocr_cells)
    for stage in stages:
        stage(doc)
    return doc


def _not_a_report(text, doc_id: str, path: str, reason: str) -> Document:
    """The documents row of a file the gate judged not to be a report: what it is (format, title —
    its first line), the status and the reason; no content row, no municipality, no year."""
    first = next((plain(row.text) for _i, row in text.nonblank()), "")
    doc = Document(doc_id=doc_id, source_path=path, format=text.format, encoding=text.encoding,
                   title=first[:200] or None, status=Status.NOT_A_REPORT, gate=reason)
    doc.errors.append(DocError(stage="gate", message=reason))
    return doc


def read_file(path: Path, limits: Limits = DEFAULT_LIMITS, *, read_anyway: bool = False,
              source: str | None = None) -> tuple[Document | None, Failure | None]:
    """read_document, with every way it can fail turned into a Failure (never raises for the file).
    A failure after the file was hashed carries its doc_id: the same content fails the same way.
    A zip bundle's member (bundle.zip!/a.pdf) is unpacked into a temporary folder and read there."""
    if source is None and bundles.split(path):
        try:
            with bundles.extracted(path, limits) as unpacked:
                return read_file(unpacked, limits, read_anyway=read_anyway, source=str(path))
        except LimitExceeded as exc:
            return None, Failure(str(path), "limit", str(exc) or exc.limit, None, exc.detail)
        except ExtractionError as exc:
            return None, Failure(str(path), "read", str(exc) or type(exc).__name__, None, exc.detail)
        except OSError as exc:  # the temporary folder (disk full …)
            return None, Failure(str(path), "read", f"could not unpack the zip member ({_strerror(exc)})")
    shown = source or str(path)
    doc_id = None
    try:
        doc_id = hash_file(path, limits)
        doc = read_document(path, limits=limits, doc_id=doc_id, read_anyway=read_anyway, source=source)
    except LimitExceeded as exc:
        return None, Failure(shown, "limit", str(exc) or exc.limit, doc_id, exc.detail)
    except ExtractionError as exc:
        return None, Failure(shown, "read", str(exc) or type(exc).__name__, doc_id, exc.detail)  # one line
    except MemoryError:
        return None, Failure(shown, "limit", "ran out of memory while reading this file", doc_id)
    except Exception as exc:  # a bug or a layout we mis-detected: report it, keep going
        last = traceback.extract_tb(exc.__traceback__)[-1]
        return None, Failure(shown, "extract",
                             f"{type(exc).__name__}: {exc} (at {Path(last.filename).name}:{last.lineno})", doc_id)
    if doc.status is Status.FAILURE:
        return None, Failure(shown, "extract", "; ".join(e.message for e in doc.errors) or "unreadable",
                             doc.doc_id)
    return doc, None


@dataclass
class FileOutcome:
    """What reading one file gave: picklable (rows, not Documents), so it can cross processes."""

    path: str  # the file's identity (normalized path)
    doc_id: str | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # this document's rows, audit_findings
    failure: Failure | None = None                                  # included; {} on failure
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.failure is None


def process_file(path: Path, limits: Limits = DEFAULT_LIMITS, *, rules: RuleSet | None = None,
                 audit: bool = True, read_anyway: bool = False) -> FileOutcome:
    """The per-file step: read, build this document's rows and audit them. Never raises for the file.
    `read_anyway`: read it even if the report gate judges it not a report (see read_document)."""
    from hyoka.pipeline.audit import audit_tables, findings_frame
    from hyoka.pipeline.tables import build_tables

    start = time.perf_counter()
    doc, failure = read_file(Path(path), limits, read_anyway=read_anyway)
    tables: dict[str, pd.DataFrame] = {}
    if doc is not None:
        try:
            tables = build_tables([doc], [])
            del tables["failures"]
            if audit:
                tables["audit_findings"] = findings_frame(audit_tables(tables, rules))
            else:
                del tables["audit_findings"]
        except MemoryError:
            tables, failure = {}, Failure(str(path), "limit", "ran out of memory while building its tables", doc.doc_id)
        except Exception as exc:  # a bug: one line naming where, and the batch goes on
            last = traceback.extract_tb(exc.__traceback__)[-1]
            tables, failure = {}, Failure(str(path), "extract", f"{type(exc).__name__}: {exc} "
                                          f"(at {Path(last.filename).name}:{last.lineno})", doc.doc_id)
    return FileOutcome(str(path), doc.doc_id if doc else failure.doc_id, tables, failure,
                       time.perf_counter() - start)


Executor = Callable[[list[Path], Limits], Iterable[FileOutcome]]


def serial_executor(paths: list[Path], limits: Limits, *, read_anyway: bool = False) -> Iterator[FileOutcome]:
    """process_file on each path in turn, in this process. An executor is called as
    `executor(paths, limits)`, and with `read_anyway=True` only when the run asks for it."""
    return (process_file(p, limits, read_anyway=read_anyway) for p in paths)


# --- in memory: hyoka.read ------------------------------------------------------------------------

def ingest(
    paths: Iterable[str | os.PathLike[str]],
    on_file: Callable[[Path, Document | None, Failure | None], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    *,
    read_anyway: bool = False,
) -> IngestResult:
    """Read every file under `paths` into memory; a file that fails is recorded and skipped.
    A file the report gate judges not a report is a document with status not_a_report and
    nothing read from it, unless `read_anyway`."""
    result = IngestResult()
    inputs, problems = collect_inputs(paths, limits)
    for shown, failure in problems:
        result.failures.append(failure)
        if on_file:
            on_file(Path(shown), None, failure)
    read_ids: dict[str, str] = {}  # doc_id → the path it was read from in this batch
    for item in inputs:
        doc, failure = read_file(item.path, limits, read_anyway=read_anyway)
        if doc is not None and doc.doc_id in read_ids:
            # byte-identical copies are one document (doc_id is the content hash): keep the first
            failure = Failure(str(item.path), "duplicate", f"same content as {read_ids[doc.doc_id]}; not loaded twice",
                              doc.doc_id)
            doc = None
        elif doc is not None:
            read_ids[doc.doc_id] = item.shown
        if doc is not None:
            result.documents.append(doc)
        if failure is not None:
            result.failures.append(failure)
        if on_file:
            on_file(Path(item.shown), doc, failure)
    return result


# --- into the store: hyoka ingest -----------------------------------------------------------------

READ, FAILED, DUPLICATE, UNCHANGED = "read", "failed", "duplicate", "unchanged"


@dataclass
class FileReport:
    """One input's fate in a store run (small: kept for every file of the run)."""

    shown: str
    path: str
    status: str  # read | failed | duplicate | unchanged
    doc_id: str | None = None
    failure: Failure | None = None
    document: dict | None = None  # the documents row (municipality, layout, n_measures …) when read
    counts: dict[str, int] = field(default_factory=dict)  # rows written per table
    seconds: float = 0.0

    def line(self) -> str:
        """The failure as one line naming the file as the user gave it."""
        return f"{self.shown}: {self.failure.reason}" if self.failure else self.shown


@dataclass
class StoreRun:
    """What `ingest_to_store` did."""

    out: Path
    files: list[FileReport] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)  # rows written this run, per table
    generation: Path | None = None  # the generation published (None: nothing had to be written)
    chunks: int = 0
    stale_files: list[str] = field(default_factory=list)  # OUT/<table>.parquet parts another program held open

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def found(self) -> int:
        return len(self.files)


@dataclass
class IngestSettings:
    """How `ingest_to_store` runs; validated here so the CLI and the library refuse the same things."""

    chunk_size: int = 20          # documents written per store transaction (memory holds one chunk)
    chunk_rows: int = 50_000      # …or fewer, once the chunk's rows (all tables) reach this: 20 large
                                  # workbooks (25k rows each) would hold 20 times one's memory
    force: bool = False           # re-read files whose content is already stored
    replace: bool = False         # the run's documents become the whole dataset
    allow_empty: bool = False     # with replace: allow a run that read nothing to empty the dataset
    lock_timeout: float = 0.0     # seconds to wait for another writer of the same store
    read_anyway: bool = False     # read files the report gate judges not to be reports (and re-read
                                  # those stored as not_a_report)
    limits: Limits = DEFAULT_LIMITS

    def __post_init__(self) -> None:
        if not isinstance(self.chunk_size, int) or isinstance(self.chunk_size, bool) or self.chunk_size < 1:
            raise ValueError(f"chunk_size must be a whole number of documents ≥ 1, not {self.chunk_size!r}")
        if not isinstance(self.chunk_rows, int) or isinstance(self.chunk_rows, bool) or self.chunk_rows < 1:
            raise ValueError(f"chunk_rows must be a whole number of rows ≥ 1, not {self.chunk_rows!r}")
        if not isinstance(self.lock_timeout, (int, float)) or self.lock_timeout < 0:
            raise ValueError(f"lock_timeout must be 0 or more seconds, not {self.lock_timeout!r}")


def ingest_to_store(
    paths: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    settings: IngestSettings | None = None,
    *,
    executor: Executor = serial_executor,
    transform: Callable[[dict[str, pd.DataFrame]], dict[str, pd.DataFrame]] | None = None,
    on_plan: Callable[[int, int], None] | None = None,
    on_file: Callable[[FileReport], None] | None = None,
) -> StoreRun:
    """Read new and changed files under `paths` into the store in `out`, a chunk at a time,
    and publish the result in one commit. Raises StoreError (one line) for --out problems;
    never for an input file. `on_plan(to_read, found)` is called once before reading,
    `on_file` once per input, as it is settled. `transform(tables)` runs on each chunk's tables
    before they are written (the NLP layer: `--nlp`)."""
    from hyoka.pipeline.store import StoreWriter

    settings = settings or IngestSettings()
    run = StoreRun(Path(out))
    inputs, early = collect_inputs(paths, settings.limits)
    if not inputs and not early:
        return run

    with StoreWriter(out, replace=settings.replace, lock_timeout=settings.lock_timeout) as store:
        stored = {} if settings.replace else store.stored_documents()
        if settings.read_anyway:  # a file stored as not_a_report is read now: its content is "changed"
            for path in store.stored_not_reports():
                stored.pop(path, None)
        stored_failures = {} if settings.replace else store.stored_failures()
        shown_by_path = {str(i.path): i.shown for i in inputs}
        pending: list[FileReport] = [FileReport(name, f.source_path, FAILED, failure=f) for name, f in early]
        todo: list[InputFile] = []
        hashes: dict[str, str] = {}
        for item in inputs:
            try:
                hashes[str(item.path)] = hash_file(item.path, settings.limits)
            except ExtractionError as exc:
                stage = "limit" if isinstance(exc, LimitExceeded) else "read"
                pending.append(FileReport(item.shown, str(item.path), FAILED,
                                          failure=Failure(str(item.path), stage, str(exc))))
        # content already stored for the same path is not read again; nor is content that failed
        # the same way before (--force reads everything)
        unchanged, failed_before = set(), {}
        if not settings.force:
            for path, h in hashes.items():
                before = stored_failures.get(path)
                if stored.get(path) == h and before is None:
                    unchanged.add(path)
                elif before is not None and before[0] in ("read", "extract") and before[2] == h:
                    failed_before[path] = Failure(path, *before)  # the same content fails the same way
        claimed = {hashes[p]: shown_by_path[p] for p in hashes if p in unchanged and stored.get(p) == hashes[p]}
        for item in inputs:
            path = str(item.path)
            if path not in hashes:
                continue
            h = hashes[path]
            if path in unchanged:
                run.files.append(FileReport(item.shown, path, UNCHANGED, doc_id=h))
            elif path in failed_before:  # named again, not read again (its failures row is stored)
                report = FileReport(item.shown, path, FAILED, doc_id=h, failure=failed_before[path])
                run.files.append(report)
                if on_file:
                    on_file(report)
            elif h in claimed:
                # byte-identical copies are one document (doc_id is the content hash): the first is kept
                report = FileReport(item.shown, path, DUPLICATE, doc_id=h, failure=Failure(
                    path, "duplicate", f"same content as {claimed[h]}; not loaded twice", h))
                if stored_failures.get(path, ())[::2] == ("duplicate", h) and not settings.force:
                    run.files.append(report)  # stored as such already: nothing to write
                    if on_file:
                        on_file(report)
                else:
                    pending.append(report)
            else:
                claimed[h] = item.shown
                todo.append(item)
        if on_plan:
            on_plan(len(todo), len(inputs) + len(early))

        chunk: list[tuple[FileReport, FileOutcome | None]] = []
        written_ids: set[str] = set()

        def flush() -> None:
            if chunk:
                tables = _chunk_tables([o for _r, o in chunk if o is not None], [r.failure for r, _o in chunk
                                                                                   if r.failure is not None])
                if transform is not None:
                    tables = transform(tables)
                store.apply(tables)
                for name, frame in tables.items():
                    run.tables[name] = run.tables.get(name, 0) + len(frame)
                run.chunks += 1
                for report, _o in chunk:
                    run.files.append(report)
                    if on_file:
                        on_file(report)
                chunk.clear()

        for report in pending:
            chunk.append((report, None))
        if len(chunk) >= settings.chunk_size or not todo:
            flush()
        by_path = {str(i.path): i for i in todo}
        docs = rows = 0
        asked = {"read_anyway": True} if settings.read_anyway else {}  # executors that never read anyway need not know
        for outcome in executor([i.path for i in todo], settings.limits, **asked):
            item = by_path[outcome.path]
            report = _report(item, outcome, written_ids)
            chunk.append((report, outcome if report.status == READ else None))
            if report.status == READ:
                docs += 1
                rows += sum(len(frame) for frame in outcome.tables.values())
            if docs >= settings.chunk_size or rows >= settings.chunk_rows:
                flush()
                docs = rows = 0
            del outcome
        flush()
        for report in run.files:
            if report.status == UNCHANGED and on_file:
                on_file(report)
        order = {str(i.path): n for n, i in enumerate(inputs)}
        run.files.sort(key=lambda r: order.get(r.path, -1))
        if run.chunks or settings.replace:
            run.generation = store.commit(allow_empty=settings.allow_empty or not settings.replace)
            run.stale_files = store.stale_files
    return run


def _report(item: InputFile, outcome: FileOutcome, written_ids: set[str]) -> FileReport:
    path = str(item.path)
    if outcome.failure is not None:
        return FileReport(item.shown, path, FAILED, outcome.failure.doc_id, outcome.failure, seconds=outcome.seconds)
    if outcome.doc_id in written_ids:  # the file changed between hashing and reading into a copy of another
        failure = Failure(path, "duplicate", "same content as another file of this batch; not loaded twice",
                          outcome.doc_id)
        return FileReport(item.shown, path, DUPLICATE, outcome.doc_id, failure, seconds=outcome.seconds)
    written_ids.add(outcome.doc_id)
    docs = outcome.tables.get("documents")
    document = None
    if docs is not None and len(docs):  # missing values as None (pd.NA is neither true nor false)
        document = {k: (None if v is pd.NA or (isinstance(v, float) and v != v) else v)
                    for k, v in docs.iloc[0].to_dict().items()}
    counts = {name: len(frame) for name, frame in outcome.tables.items() if name != "documents"}
    return FileReport(item.shown, path, READ, outcome.doc_id, None, document, counts, outcome.seconds)


def _chunk_tables(outcomes: list[FileOutcome], failures: list[Failure]) -> dict[str, pd.DataFrame]:
    """One chunk's tables: the documents' rows concatenated in input order, and the failures.
    Every table present with its columns, as build_tables gives them for a whole batch."""
    from hyoka.pipeline.audit import findings_frame
    from hyoka.pipeline.tables import TABLES, build_tables

    empty = build_tables([], failures)
    empty["audit_findings"] = findings_frame([])
    names = list(TABLES) + [n for o in outcomes for n in o.tables if n not in TABLES]
    frames = {}
    for name in dict.fromkeys(names):
        if name == "failures":
            frames[name] = empty["failures"]
            continue
        parts = [o.tables[name] for o in outcomes if name in o.tables and len(o.tables[name])]
        if len(parts) > 1:
            frames[name] = pd.concat(parts, ignore_index=True)
        elif parts:
            frames[name] = parts[0]
        else:
            frames[name] = next((o.tables[name] for o in outcomes if name in o.tables), empty.get(name))
    return {n: f for n, f in frames.items() if f is not None}
