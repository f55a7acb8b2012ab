"""The inputs of a run: the files named or found under folders (zip members included), each
checked and hashed before anything reads it; what can't be an input is a `Failure` — one line
naming the file and why — and the batch goes on.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from hyoka import extractors
from hyoka.extractors import bundles
from hyoka.extractors.base import ExtractionError
from hyoka.extractors.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from hyoka.pipeline.model import FailureStage

HASH_BLOCK = 1 << 20  # bytes read at a time when hashing


@dataclass(frozen=True)
class Failure:
    source_path: str
    stage: FailureStage  # the literals written here are its members' values
    reason: str  # one line, for a person
    doc_id: str | None = None
    detail: str | None = None  # the library's own words (「PdfminerException: …」), for whoever debugs it

    def line(self) -> str:
        return f"{self.source_path}: {self.reason}"


@dataclass(frozen=True)
class InputFile:
    path: Path  # absolute and resolved: the file's identity (documents.source_path)
    shown: str  # as the user named it, or as found under a folder they named (for messages)


def normalize_path(path: str | os.PathLike[str]) -> Path:
    """The one spelling of a file's identity: absolute, symlinks and `..` resolved."""
    return Path(os.path.abspath(path)).resolve()


def collect_inputs(paths: Iterable[str | os.PathLike[str]], limits: Limits = DEFAULT_LIMITS,
                   skipped: list[str] | None = None) -> tuple[list[InputFile], list[tuple[str, Failure]]]:
    """Files named directly, and supported files under named folders (sorted; hidden names
    skipped); a file reached twice (named and inside a folder, or by two spellings) once.
    A folder that can't be listed, or a FIFO/device/broken link with a report's extension,
    is a Failure (never opened), given with the name to show it by. A zip bundle is a folder:
    each supported member an input `bundle.zip!/name` (extractors/bundles.py); a member refused
    (path traversal, zip bomb …) or a bundle that can't be opened is a Failure. Files of other
    types under a named folder are appended to `skipped` (as found), when given."""
    supported = extractors.supported_extensions()
    inputs: list[InputFile] = []
    failures: list[tuple[str, Failure]] = []
    seen: set[Path] = set()

    def add(path: Path, shown: str) -> None:
        try:
            key = normalize_path(path)
        except (RuntimeError, OSError):  # a link that points back to itself (a loop): never opened
            key = Path(os.path.abspath(path))
            if key not in seen:
                seen.add(key)
                failures.append((shown, Failure(str(key), "read", "symbolic link loop (the link leads back to "
                                                                  "itself); not read")))
            return
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
        if not os.path.lexists(path):  # named but not there: a failure, never opened
            failures.append((str(raw), Failure(str(normalize_path(path)), "read", "file not found")))
            continue
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
            for n in names:
                if not n.startswith("."):
                    if Path(n).suffix.lower() in supported:
                        found.append(Path(folder) / n)
                    elif skipped is not None:
                        skipped.append(str(Path(folder) / n))
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
    if st.st_size == 0:  # or a file whose size is known only by reading it (/proc/self/status)
        size = _size_by_reading(path, limits.max_file_bytes + 1)
        if size == 0:
            raise ExtractionError("empty file (0 bytes)")
        st = os.stat_result((*st[:6], size, *st[7:]))
    if st.st_size > limits.max_file_bytes:
        raise LimitExceeded("max_file_mb", f"file is {st.st_size / 2**20:,.1f} MB, over the limit of "
                                           f"{limits.max_file_mb:g} MB (max_file_mb); not read")
    return st.st_size


def _size_by_reading(path: Path, most: int) -> int:
    """Bytes read from `path`, up to `most` (a file that says it is empty may not be)."""
    size = 0
    try:
        with open(path, "rb") as f:
            while size < most and (block := f.read(min(HASH_BLOCK, most - size))):
                size += len(block)
    except OSError as exc:
        raise ExtractionError(f"cannot read ({_strerror(exc)})") from None
    return size


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
