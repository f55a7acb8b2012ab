"""An inflate limit for PDF streams, checked before either engine opens the file.

PDFium and pdfminer inflate a FlateDecode stream whole, with no limit: a content stream of 1 MB
that inflates to 1 GiB cost 16 s and 2.2 GB before this check, and was then read as a document.
Here every stream that is not an image (images are never decoded to read text) and holds zlib
data (FlateDecode: the first bytes tell, whatever its dictionary says) is inflated a chunk at a time with ``zlib.decompressobj(...).decompress(data, max_length)`` and
counted, never kept: past ``Limits.max_decompressed_mb`` (the limit the zip members of a DOCX/XLSX
have) the file is refused with one line. A real report's largest stream is a few MB (a font
embedded whole); the check costs a few ms per MB of streams (bench/pdf_hostile.py).

Streams are found in the file's bytes (the ``stream`` keyword, up to ``endstream``), so a
damaged cross-reference table or a misleading /Length hides none. Not checked: a stream whose
first filter is not FlateDecode (ASCII85 then Flate, LZW), and streams of an encrypted file
(their bytes are not zlib data until decrypted); the engines read those as before, under the
per-file memory and time limits.
"""

from __future__ import annotations

import logging
import mmap
import re
import zlib
from pathlib import Path

from hyoka.extractors.limits import LimitExceeded, Limits

log = logging.getLogger(__name__)

_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_OBJ = re.compile(rb"(\d+)\s+\d+\s+obj\b")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_DICT_WINDOW = 4096  # bytes before the `stream` keyword searched for its object's dictionary
_CHUNK = 1 << 20  # bytes inflated per step


def check_streams(path: Path, limits: Limits) -> None:
    """LimitExceeded("max_decompressed_mb") when a zlib (FlateDecode) stream of the PDF at `path`
    inflates past the limit."""
    if path.stat().st_size == 0:
        return
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for start, number in _flate_streams(data):
            inflated = _inflated_size(data, start, limits.max_decompressed_bytes)
            if inflated > limits.max_decompressed_bytes:
                log.info("%s: stream of object %s inflates past max_decompressed_mb=%g", path.name, number,
                         limits.max_decompressed_mb)
                raise LimitExceeded("max_decompressed_mb", _bomb_reason(number, limits))


def _flate_streams(data) -> list[tuple[int, str]]:
    """(offset of the stream's data, its object number or "?") of every stream that is not an image."""
    found = []
    for m in _STREAM.finditer(data):
        window = data[max(0, m.start() - _DICT_WINDOW):m.start()]
        objs = list(_OBJ.finditer(window))
        head = window[objs[-1].end():] if objs else window
        if not _IMAGE.search(head):
            found.append((m.end(), objs[-1].group(1).decode() if objs else "?"))
    return found


def _inflated_size(data, start: int, limit: int) -> int:
    """How many bytes the zlib data at `start` inflates to, counted up to just past `limit`; the
    count so far when the data is not zlib or is cut short (the engines judge that)."""
    end = data.find(b"endstream", start)
    pending = data[start:end if end >= 0 else len(data)]
    inflater = zlib.decompressobj()
    total = 0
    try:
        while pending and total <= limit:
            total += len(inflater.decompress(pending, _CHUNK))
            pending = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error:
        pass
    return total


def _bomb_reason(number: str, limits: Limits) -> str:
    where = f"object {number}" if number != "?" else "a stream"
    return (f"a compressed stream of the PDF ({where}) inflates to more than {limits.max_decompressed_mb:g} MB: "
            f"a decompression bomb, not a report (max_decompressed_mb)")
