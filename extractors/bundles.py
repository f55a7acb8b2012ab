"""Zip bundles: a `.zip` given to ingest/read is a folder of documents.

A year's reports are often offered as one zip. Each member with a supported extension is one input
whose path is the bundle's path, "!/", and the member's name: `/data/r5.zip!/施策評価/001.pdf`
(a zip inside the bundle adds one more level, `r5.zip!/docs.zip!/a.pdf`; deeper ones are refused).
That path is the document's `source_path` and its identity in the store; the member is unpacked,
one at a time, into a temporary folder under its own file name and read as any file there.

Member names are decoded as the zip says: UTF-8 where its flag (bit 11) is set; otherwise UTF-8
when the bytes are valid UTF-8 (macOS's Archive Utility writes UTF-8 without the flag), else CP932
(Explorer and most tools on Japanese Windows), else CP437 (the zip format's own default).

Refused, each as one failures row naming the member (or the bundle) and why, the batch going on:
names that climb out of the bundle (`../`, absolute, drive letters), encrypted members, members
over `max_file_mb` unpacked, a member packed more than 100:1 past 10 MB (the zip-bomb rule the
DOCX/XLSX check uses, base.check_office_zip), a bundle whose members unpack to more than
`max_decompressed_mb` at more than 100:1 overall, more than `max_bundle_members` members, zips
nested deeper than one level. Hidden names and macOS's `__MACOSX/` resource forks are skipped, as
hidden files in a folder are.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Iterator

from hyoka.extractors.base import _BOMB_PART_BYTES, _BOMB_RATIO, ExtractionError, FormatBackend, SourceText
from hyoka.extractors.limits import DEFAULT_LIMITS, LimitExceeded, Limits

SEP = "!/"
_SEP_AT = re.compile(r"(?<=\.zip)!/", re.I)  # only after a ".zip": "!/" elsewhere in a name is just text
_UTF8_FLAG = 0x800
_ENCRYPTED = 0x1
_BLOCK = 1 << 20


class ZipBundleBackend(FormatBackend):
    """Registers .zip (folder walks find bundles; `hyoka info` lists them). A bundle is never read as
    one document: ingest opens it member by member (pipeline/ingest.py collect_inputs)."""

    name = "zip"
    extensions = (".zip",)

    def describe(self) -> str:
        return "bundles: each member read as a file (its source bundle.zip!/folder/name.pdf), one nested zip level"

    def read(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> SourceText:
        raise ExtractionError("a zip bundle is read member by member: give it to hyoka ingest / hyoka.read")


def is_bundle(path: Path | str) -> bool:
    return str(path).lower().endswith(".zip")


def split(path: Path | str) -> list[str] | None:
    """`a.zip!/x/b.zip!/c.pdf` → ["a.zip", "x/b.zip", "c.pdf"]; None for a path outside any bundle."""
    parts = _SEP_AT.split(str(path))
    return parts if len(parts) > 1 else None


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name decoded as the zip says (see the module's docstring)."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    raw = info.orig_filename.encode("cp437")  # zipfile decoded the bytes as CP437: a bijection, undone
    for codec in ("utf-8", "cp932"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return info.orig_filename


def _clean(name: str) -> str | None:
    """The member's name as a relative POSIX path; None when it would climb out of the bundle."""
    name = name.replace("\\", "/")  # Windows tools write either separator
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        return None
    return "/".join(parts)


def _skipped(name: str) -> bool:
    return any(p.startswith(".") or p == "__MACOSX" for p in name.split("/"))


def _check_sizes(infos: list[zipfile.ZipInfo], shown: str, limits: Limits) -> None:
    """LimitExceeded when the bundle as a whole is a bomb or has too many members."""
    if len(infos) > limits.max_bundle_members:
        raise LimitExceeded("max_bundle_members", f"a zip of {len(infos):,} members, over the limit of "
                                                  f"{limits.max_bundle_members:,} (max_bundle_members)")
    unpacked = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if unpacked > limits.max_decompressed_bytes and unpacked / packed > _BOMB_RATIO:
        raise LimitExceeded("max_decompressed_mb", f"a zip whose members unpack to {unpacked / 2**20:,.0f} MB, "
                            f"{unpacked / packed:,.0f} times its size: a zip bomb, not a bundle of reports")


def _member_problem(info: zipfile.ZipInfo, limits: Limits) -> tuple[str, str] | None:
    """(stage, reason) when this member must not be unpacked; None when it may."""
    if info.flag_bits & _ENCRYPTED:
        return "read", "encrypted (password-protected) member of the zip; not read"
    if info.file_size > limits.max_file_bytes:
        return "limit", (f"unpacks to {info.file_size / 2**20:,.1f} MB, over the limit of {limits.max_file_mb:g} MB "
                         "(max_file_mb); not read")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > _BOMB_PART_BYTES and ratio > _BOMB_RATIO:
        return "limit", (f"unpacks to {info.file_size / 2**20:,.0f} MB, {ratio:,.0f} times its compressed size: "
                         "a zip bomb, not a report (max_decompressed_mb)")
    return None


def _open_zip(source, what: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise ExtractionError(f"not a readable zip archive ({' '.join(str(exc).split())})") from None
    except OSError as exc:
        raise ExtractionError(f"{what} could not be read ({exc.strerror or exc})") from None


def list_members(bundle: Path, shown: str, supported: set[str], limits: Limits = DEFAULT_LIMITS,
                 ) -> tuple[list[str], list[tuple[str, str, str]]]:
    """(member paths to read, [(member path, stage, reason)] refused). ExtractionError/LimitExceeded
    for the bundle as a whole. Paths are `shown` + "!/" + name (+ "!/" + inner name)."""
    members: list[str] = []
    problems: list[tuple[str, str, str]] = []
    with _open_zip(bundle, "the zip") as z:
        _walk(z, shown, supported, limits, members, problems, depth=0)
    if len(members) > limits.max_bundle_members:  # counted again with the nested zips' members
        raise LimitExceeded("max_bundle_members", f"a zip of {len(members):,} documents (nested zips included), "
                                                  f"over the limit of {limits.max_bundle_members:,} (max_bundle_members)")
    return members, problems


def _walk(z: zipfile.ZipFile, prefix: str, supported: set[str], limits: Limits, members: list[str],
          problems: list[tuple[str, str, str]], depth: int) -> None:
    infos = [i for i in z.infolist() if not i.is_dir()]
    _check_sizes(infos, prefix, limits)
    for info in sorted(infos, key=member_name):
        raw = member_name(info)
        name = _clean(raw)
        if name is None:
            problems.append((prefix + SEP + raw, "read", "member name leads out of the zip (path traversal); not read"))
            continue
        suffix = PurePosixPath(name).suffix.lower()
        if _skipped(name) or (suffix not in supported and suffix != ".zip"):
            continue
        where = prefix + SEP + name
        problem = _member_problem(info, limits)
        if problem:
            problems.append((where, *problem))
            continue
        if suffix != ".zip":
            members.append(where)
            continue
        if depth >= 1:  # one level of nesting is how bundles come; more is how bombs come
            problems.append((where, "read", "a zip inside a zip inside a zip; bundles are opened one level deep"))
            continue
        try:
            with z.open(info) as fh, _open_zip(io.BytesIO(_read_capped(fh, info, limits)), "the inner zip") as inner:
                _walk(inner, where, supported, limits, members, problems, depth + 1)
        except ExtractionError as exc:
            problems.append((where, "limit" if isinstance(exc, LimitExceeded) else "read", str(exc)))


def _read_capped(fh, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """The member's bytes, never more than it declares (zipfile stops there) nor than max_file_mb."""
    data = fh.read(min(info.file_size, limits.max_file_bytes) + 1)
    if len(data) > limits.max_file_bytes:
        raise LimitExceeded("max_file_mb", f"unpacks past the limit of {limits.max_file_mb:g} MB (max_file_mb)")
    return data


def _find(z: zipfile.ZipFile, name: str) -> zipfile.ZipInfo:
    for info in z.infolist():
        if not info.is_dir() and _clean(member_name(info)) == name:
            return info
    raise ExtractionError("no such member in the zip (it changed since it was listed?)")


@contextlib.contextmanager
def _member_stream(path: Path | str, limits: Limits) -> Iterator[tuple[object, zipfile.ZipInfo]]:
    """An open stream on the member `path` names (bundle.zip!/a.pdf or bundle.zip!/b.zip!/a.pdf)."""
    parts = split(path)
    if parts is None or len(parts) > 3:
        raise ExtractionError("not a member of a zip bundle")
    with _open_zip(parts[0], "the zip") as z:
        info = _find(z, parts[1])
        problem = _member_problem(info, limits)
        if problem:
            raise (LimitExceeded("max_file_mb", problem[1]) if problem[0] == "limit" else ExtractionError(problem[1]))
        if len(parts) == 2:
            with z.open(info) as fh:
                yield fh, info
            return
        with z.open(info) as fh:
            data = _read_capped(fh, info, limits)
        with _open_zip(io.BytesIO(data), "the inner zip") as inner:
            info = _find(inner, parts[2])
            problem = _member_problem(info, limits)
            if problem:
                raise (LimitExceeded("max_file_mb", problem[1]) if problem[0] == "limit" else ExtractionError(problem[1]))
            with inner.open(info) as fh:
                yield fh, info


def _copy(fh, out, limits: Limits) -> None:
    total = 0
    while block := fh.read(_BLOCK):
        total += len(block)
        if total > limits.max_file_bytes:
            raise LimitExceeded("max_file_mb", f"unpacks past the limit of {limits.max_file_mb:g} MB (max_file_mb)")
        out(block)


def member_hash(path: Path | str, limits: Limits = DEFAULT_LIMITS) -> str:
    """The member's doc_id: the hash of its unpacked bytes (the same as the file's, were it unpacked)."""
    digest = hashlib.sha256()
    with _translated(), _member_stream(path, limits) as (fh, info):
        if info.file_size == 0:
            raise ExtractionError("empty file (0 bytes)")
        _copy(fh, digest.update, limits)
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def extracted(path: Path | str, limits: Limits = DEFAULT_LIMITS) -> Iterator[Path]:
    """The member unpacked into a temporary folder under its own name, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="hyoka-zip-") as tmp:
        name = PurePosixPath(split(path)[-1]).name
        if len(name.encode()) > 200:  # a file system's name limit is 255 bytes: keep the extension
            name = "member" + PurePosixPath(name).suffix
        target = Path(tmp) / name
        with _translated(), _member_stream(path, limits) as (fh, _info), target.open("wb") as out:
            _copy(fh, out.write, limits)
        yield target


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    """zipfile's and zlib's errors on a damaged member as one line."""
    import zlib

    try:
        yield
    except ExtractionError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ExtractionError(f"the zip member is damaged ({' '.join(str(exc).split()) or type(exc).__name__})") from None
    except NotImplementedError as exc:  # an unsupported compression method (deflate64, …)
        raise ExtractionError(f"the zip member can't be unpacked ({exc})") from None
    except OSError as exc:
        raise ExtractionError(f"the zip could not be read ({exc.strerror or exc})") from None
