"""Text renderings (.txt, .md, .tsv): one Row per line, cells split on tabs."""

from __future__ import annotations

from pathlib import Path

from hyoka.extractors.base import ExtractionError, FormatBackend, Row, SourceText
from hyoka.pipeline.model import SourceRef

# Municipal text exports are UTF-8 today, Shift_JIS in older years.
_ENCODINGS = ("utf-8-sig", "cp932")


def decode(data: bytes, name: str) -> str:
    if not data.strip():
        raise ExtractionError("empty file")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with its byte-order mark (Windows "Unicode" text)
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ExtractionError("broken UTF-16 text") from None
    if b"\x00" in data[:4096]:
        raise ExtractionError("binary content in a text file (NUL bytes)")
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ExtractionError("not UTF-8 or Shift_JIS text")


class TextBackend(FormatBackend):
    name = "text"
    extensions = (".txt", ".md", ".tsv", ".text")

    def read(self, path: Path) -> SourceText:
        text = decode(path.read_bytes(), path.name)
        rows = []
        for n, line in enumerate(text.splitlines(), start=1):
            cells = tuple(line.split("\t"))
            rows.append(
                Row(cells=cells, ref=SourceRef(file=path.name, line_start=n, line_end=n), is_table=len(cells) > 1)
            )
        fmt = "markdown" if path.suffix.lower() == ".md" else "text"
        return SourceText(path=path, format=fmt, rows=rows)
