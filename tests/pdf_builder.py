"""Small PDFs written byte by byte, for the hostile-input tests and bench/pdf_hostile.py.

`pdf_file(objects)` numbers the objects 1, 2, … in order, writes a correct cross-reference table
and a trailer whose /Root is object 1, so every defect in a file built here is the one the test
put in it. `text_page(...)` and `catalog(...)` give the usual objects; the hostile files are
written from them with one thing changed. `mutate(data, rng)` makes the fuzzed PDFs of
bench/pdf_fuzz.py and tests/test_pdf_hostile.py.
"""

from __future__ import annotations

import random
import re
import zlib

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def pdf_file(objects: list[bytes], trailer: bytes = b"/Root 1 0 R") -> bytes:
    """A PDF holding `objects` (numbered from 1) with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", *, length: int | None = None) -> bytes:
    """A stream object's body: its dictionary (with /Length, and `extra`) and its data."""
    declared = len(data) if length is None else length
    return b"<< /Length %d %s >>\nstream\n" % (declared, extra) + data + b"\nendstream"


def text_content(lines: list[str]) -> bytes:
    """A content stream printing `lines` (Latin-1 text) in Helvetica from the top of an A4 page."""
    ops = [b"BT /F1 12 Tf 14 TL 72 770 Td"]
    for line in lines:
        escaped = line.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(b"(%s) Tj T*" % escaped)
    ops.append(b"ET")
    return b"\n".join(ops)


def page(parent: int, content: int, font: int, mediabox: bytes = b"[0 0 595 842]") -> bytes:
    return (b"<< /Type /Page /Parent %d 0 R /MediaBox %s /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (parent, mediabox, content, font))


def one_page_pdf(lines: list[str], *, mediabox: bytes = b"[0 0 595 842]", kids: bytes = b"[3 0 R]",
                 count: int = 1, content: bytes | None = None) -> bytes:
    """Catalog (1), Pages (2), Page (3), its content stream (4) and font (5)."""
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids %s /Count %d >>" % (kids, count),
        page(2, 4, 5, mediabox),
        content if content is not None else stream(text_content(lines)),
        FONT,
    ])


def flate_bomb_stream(inflated_mb: int) -> bytes:
    """A FlateDecode content stream that inflates to `inflated_mb` MiB of spaces (about 1/1000 of
    that on disk), compressed a chunk at a time so building it never holds the inflated bytes."""
    packer = zlib.compressobj(9)
    chunk = b" " * 2**20
    parts = [packer.compress(b"BT /F1 12 Tf 72 770 Td (bomb) Tj ET\n")]
    parts.extend(packer.compress(chunk) for _ in range(inflated_mb))
    parts.append(packer.flush())
    return stream(b"".join(parts), b"/Filter /FlateDecode")


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One mutant of `data` and a description of what was changed."""
    kind = rng.choice(["flip", "junk", "cut", "number", "name", "ref"])
    b = bytearray(data)
    if kind == "flip":
        n = rng.choice([1, 4, 16, 64])
        for _ in range(n):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b), f"{n} bytes flipped"
    if kind == "junk":
        at, size = rng.randrange(len(b)), rng.choice([16, 256, 4096])
        b[at:at + size] = rng.randbytes(size)
        return bytes(b), f"{size} junk bytes at {at}"
    if kind == "cut":
        at = rng.randrange(16, len(b))
        return bytes(b[:at]), f"cut at {at} of {len(b)}"
    if kind == "number":
        spots = [m for m in re.finditer(rb"/(Length|Count|MediaBox \[\d+ \d+|W|Size|N) (\d+)", data)]
        if spots:
            m = rng.choice(spots)
            new = rng.choice([b"0", b"-1", b"999999999", b"3.5", b"1e308"])
            return data[:m.start(2)] + new + data[m.end(2):], f"/{m.group(1).decode()} {m.group(2).decode()} → {new.decode()}"
    if kind == "name":
        spots = [m for m in re.finditer(rb"/(MediaBox|Kids|Contents|Resources|Font|Widths|Encoding) ", data)]
        if spots:
            m = rng.choice(spots)
            return data[:m.end()] + b"/Letter " + data[m.end():], f"/{m.group(1).decode()} given a name"
    spots = [m for m in re.finditer(rb"(\d+) 0 R", data)]
    if spots:
        m = rng.choice(spots)
        new = str(rng.choice([1, 2, 3, 99999])).encode()
        return data[:m.start(1)] + new + data[m.end(1):], f"reference {m.group(1).decode()} 0 R → {new.decode()} 0 R"
    return data[: len(data) // 2], "cut in half"
