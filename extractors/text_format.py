"""Text renderings (.txt, .md, .tsv): one Row per line, cells split on tabs.

Lines are what \\n, \\r\\n or \\r end — nothing else. `str.splitlines` also breaks at form feeds
(pdftotext starts every page with one), \\v, \\x1c-\\x1e, \\x85 and U+2028/U+2029, which would shift
every line reference after them; here those characters are whitespace inside a line.

Encodings: a byte-order mark (UTF-8/16/32), strict UTF-8, ISO-2022-JP (escape sequences), then
charset-normalizer among the encodings Japanese text files come in (UTF-16/32 without a mark,
CP932 (Shift_JIS), EUC-JP). The encoding found is `SourceText.encoding`. A file that is one of
them except for a few stray bytes is read with U+FFFD in their place and a warning naming the
lines; anything else is refused with one line.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from hyoka.extractors._common import check_file_size, reasons_for_people
from hyoka.extractors.base import ExtractionError, FormatBackend, Row, SourceText
from hyoka.extractors.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from hyoka.pipeline.model import Flag, SourceRef

_BOMS = (  # longest first: the UTF-32-LE mark starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# what charset-normalizer may choose from: the encodings Japanese municipal text comes in
_WIDE = ["utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be"]  # text with NUL bytes
_NARROW = ["cp932", "euc_jp"]  # not UTF-8, no NUL bytes, no ISO-2022-JP escapes
# single-byte encodings a file with a few stray bytes is tried in (fewest bad bytes wins)
_REPAIRABLE = ("utf-8", "cp932", "euc_jp")
_MAX_BAD_BYTES = 20  # more than this is not "a stray byte": the file is not text in that encoding

_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")
# break characters that are not line ends here (str.splitlines would split on them)
_NOT_LINE_ENDS = "\f\v\x1c\x1d\x1e\x85\u2028\u2029"
_INNER_BREAK = re.compile(f"[{_NOT_LINE_ENDS}]")


# characters outside what the text of a Japanese report is made of (ASCII, Latin-1, general punctuation,
# arrows, circled numbers, shapes, CJK symbols, kana, ideographs, full-width forms)
_OTHER_CHARS = re.compile("[^\t\n\r\f\x20-\x7e\xa0-\xff\u2000-\u2bff\u3000-\u30ff\u3400-\u4dbf"
                         "\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff]")


def _looks_like_text(text: str) -> bool:
    """Bytes with NULs decode "successfully" as UTF-16 more often than not; real text has no
    control characters and (almost) only the characters reports are written in."""
    if not text.strip() or _CONTROL.search(text):
        return False
    return len(_OTHER_CHARS.findall(text)) <= 0.05 * len(text)


def _bad_bytes(data: bytes, encoding: str) -> list[int]:
    """Offsets of the bytes `encoding` can't decode (at most _MAX_BAD_BYTES + 1 of them)."""
    view, pos, bad = memoryview(data), 0, []
    while len(bad) <= _MAX_BAD_BYTES:
        try:
            codecs.decode(view[pos:], encoding)
            return bad
        except UnicodeDecodeError as exc:
            bad.append(pos + exc.start)
            pos += max(exc.end, exc.start + 1)
    return bad


def _line_of(data: bytes, offset: int) -> int:
    return len(_LINE_END_BYTES.findall(data, 0, offset)) + 1


def decode_text(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, warnings) of a text file's bytes; ExtractionError when it isn't text."""
    if not data.strip():
        raise ExtractionError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "") + " (with BOM)", []
            except UnicodeDecodeError as exc:
                raise ExtractionError(f"broken {encoding.replace('-sig', '').upper()} text "
                                      f"(undecodable bytes at offset {exc.start})") from None
    if b"\x00" in data[:4096]:  # UTF-16/32 without a byte-order mark, or not text at all
        import charset_normalizer

        best = charset_normalizer.from_bytes(data, cp_isolation=_WIDE).best()
        if best is not None and best.encoding in _WIDE:
            try:
                text = data.decode(best.encoding)
            except UnicodeDecodeError:
                text = ""
            if _looks_like_text(text):
                return text, best.encoding, []
        raise ExtractionError("binary content in a text file (NUL bytes, and not UTF-16 or UTF-32 text)")
    # ISO-2022-JP (JIS, old mail) is 7-bit, so valid UTF-8 too: its escape sequences decide
    if b"\x1b$B" in data or b"\x1b$@" in data:
        try:
            return data.decode("iso2022_jp"), "iso2022_jp", []
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(data, cp_isolation=_NARROW).best()
    if best is not None and best.encoding in _NARROW:
        try:
            return data.decode(best.encoding), best.encoding, []
        except UnicodeDecodeError:
            pass
    # one of the usual encodings but for a few stray bytes: read it, and say where they are
    tried = sorted(((_bad_bytes(data, enc), enc) for enc in _REPAIRABLE), key=lambda t: len(t[0]))
    bad, encoding = tried[0]
    if len(bad) > _MAX_BAD_BYTES:
        raise ExtractionError("not text in a known encoding (UTF-8/16/32, Shift_JIS, EUC-JP, ISO-2022-JP)")
    lines = sorted({_line_of(data, offset) for offset in bad})
    where = ", ".join(f"L{n}" for n in lines[:10]) + (" …" if len(lines) > 10 else "")
    warning = (f"{len(bad)} byte(s) that are not {encoding} replaced by U+FFFD (line{'s' if len(lines) > 1 else ''} "
               f"{where}); the rest read as {encoding}")
    return data.decode(encoding, errors="replace"), encoding, [warning]


def decode(data: bytes, name: str = "") -> str:
    """The text of a text file's bytes (kept for callers of the old one-value form)."""
    return decode_text(data)[0]


def split_lines(text: str) -> list[str]:
    """Lines ended by \\n, \\r\\n or \\r only; form feeds and other break characters inside a line are
    whitespace (dropped at the line's edges: pdftotext's page-start \\f)."""
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":  # the file's final line end does not start another line
        lines.pop()
    return [_INNER_BREAK.sub(" ", line.strip(_NOT_LINE_ENDS)) if _INNER_BREAK.search(line) else line
            for line in lines]


class TextBackend(FormatBackend):
    name = "text"
    extensions = (".txt", ".md", ".tsv", ".text")

    def read(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> SourceText:
        check_file_size(path, limits)
        size = path.stat().st_size
        if size > limits.max_text_bytes:
            raise LimitExceeded("max_text_mb", f"a text file of {size / 2**20:,.3g} MB, over the limit of "
                                               f"{limits.max_text_mb:g} MB (max_text_mb)")
        with reasons_for_people("the text file"):
            data = path.read_bytes()
            text, encoding, warnings = decode_text(data)
        flags = [Flag(field="text", raw=f"0x{data[offset]:02X}", ref=SourceRef(file=path.name, line_start=n, line_end=n),
                      reason=f"a byte that is not {encoding} (at byte {offset:,} of the file), read as U+FFFD")
                 for offset in (_bad_bytes(data, encoding) if warnings else ())
                 for n in (_line_of(data, offset),)]
        del data
        rows = []
        for n, line in enumerate(split_lines(text), start=1):
            cells = tuple(line.split("\t"))
            if len(cells) > limits.max_line_fields:
                # no report prints a table this wide: the line is kept as printed text, and said
                warnings.append(f"line {n}: {len(cells):,} tab-separated fields, more than any table has "
                                f"(max_line_fields {limits.max_line_fields:,}); kept as text, not read as a table row")
                cells = (line,)
            rows.append(
                Row(cells=cells, ref=SourceRef(file=path.name, line_start=n, line_end=n), is_table=len(cells) > 1)
            )
        fmt = "markdown" if path.suffix.lower() == ".md" else "text"
        return SourceText(path=path, format=fmt, rows=rows, warnings=warnings, encoding=encoding, flags=flags)
