"""Files → Documents: extract → normalize, one file at a time, failures recorded not raised.

    >>> result = ingest(["sample_docs/"])
    >>> result.tables()["measures"]           # pandas DataFrame

A file that can't be read becomes a `Failure` (one line naming the file and why) and
the batch goes on; nothing else about the batch changes.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pandas as pd

from hyoka import extractors
from hyoka.extractors.base import ExtractionError
from hyoka.pipeline.model import DocError, Document, Status
from hyoka.pipeline.stages import NORMALIZE, Processor


@dataclass(frozen=True)
class Failure:
    source_path: str
    stage: str  # "read", "detect", "extract", "normalize"
    reason: str  # one line
    doc_id: str | None = None

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


def iter_input_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Files named directly, and supported files found under named directories (sorted);
    a file reached twice (named and inside a named folder, or by two spellings) once."""
    supported = extractors.supported_extensions()
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in supported
                       and not p.name.startswith(".")) if path.is_dir() else [path]
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                yield file


def doc_id_for(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def read_document(path: Path, stages: tuple[Processor, ...] = NORMALIZE) -> Document:
    """One file → a normalized Document. Raises ExtractionError with a one-line reason."""
    if not path.exists():
        raise ExtractionError("file not found")
    if path.stat().st_size == 0:
        raise ExtractionError("empty file (0 bytes)")
    backend = extractors.backend_for(path)
    data = path.read_bytes()
    text = backend.read(path)
    # a specific layout that claims the file wins; every other file is read by its labels
    layout = extractors.detect_layout(text) or extractors.generic_layout()
    doc = Document(doc_id=doc_id_for(data), source_path=str(path), format=text.format, layout=layout.name,
                   source_rows=text.rows, encoding=text.encoding)
    layout().extract(text, doc)
    doc.errors.extend(DocError(stage="read", message=warning) for warning in text.warnings)
    doc.flags.extend(text.flags)  # values the backend refused to read as printed
    for stage in stages:
        stage(doc)
    return doc


def ingest(
    paths: Iterable[str | os.PathLike[str]],
    on_file: Callable[[Path, Document | None, Failure | None], None] | None = None,
) -> IngestResult:
    """Read every file under `paths`; a file that fails is recorded and skipped."""
    result = IngestResult()
    read_ids: dict[str, str] = {}  # doc_id → the path it was read from in this batch
    for path in iter_input_files(paths):
        doc, failure = None, None
        try:
            doc = read_document(path)
            if doc.status is Status.FAILURE:
                failure = Failure(str(path), "extract", "; ".join(e.message for e in doc.errors) or "unreadable",
                                  doc.doc_id)
                doc = None
            elif doc.doc_id in read_ids:
                # byte-identical copies are one document (doc_id is the content hash): keep the first
                failure = Failure(str(path), "duplicate", f"same content as {read_ids[doc.doc_id]}; not loaded twice",
                                  doc.doc_id)
                doc = None
            else:
                read_ids[doc.doc_id] = str(path)
        except ExtractionError as exc:
            failure = Failure(str(path), "read", str(exc) or type(exc).__name__)  # already one line
        except Exception as exc:  # a bug or a layout we mis-detected: report it, keep going
            last = traceback.extract_tb(exc.__traceback__)[-1]
            failure = Failure(str(path), "extract",
                              f"{type(exc).__name__}: {exc} (at {Path(last.filename).name}:{last.lineno})")
        if doc is not None:
            result.documents.append(doc)
        if failure is not None:
            result.failures.append(failure)
        if on_file:
            on_file(path, doc, failure)
    return result
