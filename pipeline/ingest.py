"""Files → Documents: extract → normalize, one file at a time, failures recorded not raised.

    >>> result = ingest(["sample_docs/"])
    >>> result.tables()["measures"]           # pandas DataFrame, every document in memory

    >>> run = ingest_to_store(["sample_docs/"], "out/")   # streamed into the store, a chunk at a time

A file that can't be read becomes a `Failure` (one line naming the file and why) and
the batch goes on; nothing else about the batch changes. The inputs (files named, found under
folders or in zip bundles, checked and hashed) are `pipeline/inputs.py`'s.

`ingest_to_store` is incremental: every input is hashed first (streamed), a file whose content
is stored for its path is not parsed again, and only new and changed files are read — by
`process_file`, the per-file step (path, limits → a picklable `FileOutcome`), which an executor
may run in other processes or machines; the loop here consumes the outcomes, groups them into
chunks and writes each chunk to the store (`pipeline/store.py`), so that memory holds one
chunk's worth at a time.
"""

from __future__ import annotations

import logging
import os
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
from hyoka.pipeline.inputs import (  # noqa: F401 (the inputs' names, importable from here as before)
    HASH_BLOCK, Failure, InputFile, _not_a_file, _strerror, check_file, collect_inputs, doc_id_for, hash_file,
    iter_input_files, normalize_path,
)
from hyoka.pipeline.model import DocError, Document, FileStatus, Status
from hyoka.pipeline.stages import NORMALIZE, Processor

if TYPE_CHECKING:
    from hyoka.extractors.pdf import PdfSettings
    from hyoka.pipeline.rules import RuleSet

log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    documents: list[Document] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def tables(self, rules=None, audit: bool = True) -> dict[str, pd.DataFrame]:
        """The canonical tables; with `audit`, also audit_findings under printed legends, `rules`, presets."""
        from hyoka.pipeline.audit import audit_rows, findings_frame
        from hyoka.pipeline.tables import build_tables, table_rows

        rows = table_rows(self.documents, self.failures)
        frames = build_tables(self.documents, self.failures, rows=rows)
        if audit:  # on the rows the frames were built from: no DataFrame turned back into dicts
            frames["audit_findings"] = findings_frame(audit_rows(rows, rules))
        return frames


# --- one file -------------------------------------------------------------------------------------

def read_document(path: Path, stages: tuple[Processor, ...] = NORMALIZE, *, limits: Limits = DEFAULT_LIMITS,
                  doc_id: str | None = None, read_anyway: bool = False, source: str | None = None,
                  pdf: PdfSettings | None = None) -> Document:
    """One file → a normalized Document. Raises ExtractionError with a one-line reason.

    The report gate (pipeline/gate.py) judges the text first: a document that is not an
    evaluation/progress report comes back with status NOT_A_REPORT, its title and the gate's
    reason, and nothing read from it — unless `read_anyway`, which reads it as any other file
    (the gate's verdict kept in `doc.gate` and named in `errors`). `source`: the document's
    source_path when it is not `path` (a zip member read from its unpacked copy). `pdf`: how PDFs
    are read (engine, tolerances; None: the defaults and $HYOKA_PDF_ENGINE)."""
    path = Path(path)
    doc_id = doc_id or hash_file(path, limits)  # also: exists, regular, not empty, not too large
    backend = extractors.backend_for(path)
    if pdf is not None and backend.name == "pdf":
        backend = type(backend)(pdf)
    text = backend.read(path, limits)
    verdict = judge_report(text.full_text())
    if not verdict.is_report and not read_anyway:
        return _not_a_report(text, doc_id, source or str(path), verdict.reason)
    # a specific layout that claims the file wins; every other file is read by its labels
    choice = extractors.choose_layout(text)
    log.info("%s: layout %s", Path(source or path).name, choice.describe())
    layout = choice.layout
    doc = Document(doc_id=doc_id, source_path=source or str(path), format=text.format, layout=layout.name,
                   layout_score=choice.score, layout_basis=choice.basis, layout_runner_up=choice.runner_up,
                   layout_runner_up_score=choice.runner_up_score, source_rows=text.rows, encoding=text.encoding)
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
              source: str | None = None, pdf: PdfSettings | None = None) -> tuple[Document | None, Failure | None]:
    """read_document, with every way it can fail turned into a Failure (never raises for the file).
    A failure after the file was hashed carries its doc_id: the same content fails the same way.
    A zip bundle's member (bundle.zip!/a.pdf) is unpacked into a temporary folder and read there."""
    if source is None and bundles.split(path):
        try:
            with bundles.extracted(path, limits) as unpacked:
                return read_file(unpacked, limits, read_anyway=read_anyway, source=str(path), pdf=pdf)
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
        doc = read_document(path, limits=limits, doc_id=doc_id, read_anyway=read_anyway, source=source, pdf=pdf)
    except LimitExceeded as exc:
        log.info("%s: limit %s hit: %s", Path(shown).name, exc.limit, exc)
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
    # log records of a file read in a worker process, (logger name, level, message), for run_files to hand to
    # this process's loggers (pipeline/executors.py); empty when read here, where they were logged already
    log: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failure is None


def process_file(path: Path, limits: Limits = DEFAULT_LIMITS, *, rules: RuleSet | None = None,
                 audit: bool = True, read_anyway: bool = False, pdf: PdfSettings | None = None) -> FileOutcome:
    """The per-file step: read, build this document's rows and audit them. Never raises for the file.
    `read_anyway`: read it even if the report gate judges it not a report (see read_document);
    `pdf`: the PDF backend's settings (None: its defaults)."""
    from hyoka.pipeline.audit import audit_rows, findings_frame
    from hyoka.pipeline.tables import build_tables, table_rows

    start = time.perf_counter()
    doc, failure = read_file(Path(path), limits, read_anyway=read_anyway, pdf=pdf)
    tables: dict[str, pd.DataFrame] = {}
    if doc is not None:
        try:
            rows = table_rows([doc], [])
            tables = build_tables([doc], [], rows=rows)
            del tables["failures"]
            if audit:  # on the rows the frames were built from: no DataFrame turned back into dicts
                tables["audit_findings"] = findings_frame(audit_rows(rows, rules))
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


def serial_executor(paths: list[Path], limits: Limits, *, read_anyway: bool = False,
                    pdf: PdfSettings | None = None) -> Iterator[FileOutcome]:
    """process_file on each path in turn, in this process. An executor is called as
    `executor(paths, limits)`, with `read_anyway=True` and `pdf=PdfSettings(…)` only when the run asks."""
    return (process_file(p, limits, read_anyway=read_anyway, pdf=pdf) for p in paths)


# --- in memory: hyoka.read ------------------------------------------------------------------------

def ingest(
    paths: Iterable[str | os.PathLike[str]],
    on_file: Callable[[Path, Document | None, Failure | None], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    *,
    read_anyway: bool = False,
    pdf: PdfSettings | None = None,
) -> IngestResult:
    """Read every file under `paths` into memory; a file that fails is recorded and skipped.
    A file the report gate judges not a report is a document with status not_a_report and
    nothing read from it, unless `read_anyway`. `pdf`: the PDF backend's settings."""
    result = IngestResult()
    inputs, problems = collect_inputs(paths, limits)
    for shown, failure in problems:
        result.failures.append(failure)
        if on_file:
            on_file(Path(shown), None, failure)
    read_ids: dict[str, str] = {}  # doc_id → the path it was read from in this batch
    for item in inputs:
        doc, failure = read_file(item.path, limits, read_anyway=read_anyway, pdf=pdf)
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

READ, FAILED, DUPLICATE, UNCHANGED = FileStatus.READ, FileStatus.FAILED, FileStatus.DUPLICATE, FileStatus.UNCHANGED


@dataclass
class FileReport:
    """One input's fate in a store run (small: kept for every file of the run)."""

    shown: str
    path: str
    status: FileStatus
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
    skipped: list[str] = field(default_factory=list)  # files of other types under the folders named, not read

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
    pdf: PdfSettings | None = None  # how PDFs are read (None: PdfSettings() and $HYOKA_PDF_ENGINE)

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
    on_read: Callable[[FileReport], None] | None = None,
) -> StoreRun:
    """Read new and changed files under `paths` into the store in `out`, a chunk at a time,
    and publish the result in one commit. Raises StoreError (one line) for --out problems;
    never for an input file. `on_plan(to_read, found)` is called once before reading,
    `on_file` once per input, as it is settled. `transform(tables)` runs on each chunk's tables
    before they are written (the NLP layer: `--nlp`). `on_read` is called once per file read
    (or failing to be read), as soon as it is, before its chunk is written: a progress bar's step.
    When nothing can be read (every named path missing or refused) and `out` does not exist,
    the failures are reported and nothing is created."""
    from hyoka.pipeline.store import StoreWriter

    settings = settings or IngestSettings()
    run = StoreRun(Path(out))
    inputs, early = collect_inputs(paths, settings.limits, run.skipped)
    if not inputs and not early:
        return run
    if not inputs and not os.path.lexists(out):  # a mistyped path: no store is made for it
        for name, failure in early:
            run.files.append(FileReport(name, failure.source_path, FAILED, failure=failure))
            if on_file:
                on_file(run.files[-1])
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
        if settings.pdf is not None:
            asked["pdf"] = settings.pdf
        for outcome in executor([i.path for i in todo], settings.limits, **asked):
            item = by_path[outcome.path]
            report = _report(item, outcome, written_ids)
            if on_read:
                on_read(report)
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
