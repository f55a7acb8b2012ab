"""The printed rows a finding points at, read again from the document's file for the audit page.

A finding's place is a short label — `L35`, `L303-306`, `L24 – L28`, `T0 r2`, `p23 T18 r11`,
`¶3` — made from the SourceRef of the value it checked (pipeline/model.py `SourceRef.label`). The
page quotes the row printed there, so a reader sees the report's own words beside the finding:

    printed_rows({"x.txt": "/data/x.txt"}, {"x.txt": {"L35", "T0 r2"}}) -> {("x.txt", "L35"): "…", …}

The file is read by its format backend (extractors/), the same rows the reader saw. A file that
is gone, a bundle member (`a.zip!/b.pdf`) or a file that no longer reads gives no quotes; the
page then says the source could not be read, it never guesses.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Iterable, Mapping

log = logging.getLogger(__name__)

MAX_QUOTE = 400  # characters of one quoted row
MAX_LINES = 8  # lines quoted for a range L303-306

_PLACE = re.compile(r"(?:p(?P<page>\d+))?\s*(?:L(?P<l0>\d+)(?:-(?P<l1>\d+))?(?:\s*[–-]\s*L(?P<l2>\d+))?)?\s*"
                    r"(?:T(?P<table>\d+)(?:\s*r(?P<row>\d+))?(?:\s*c\d+)?)?\s*(?:¶(?P<para>\d+))?$")


def parse_place(where: str) -> dict | None:
    """"p23 T18 r11" → {"page": 23, "table": 18, "row": 11, …}; None for text that is no place."""
    m = _PLACE.match((where or "").strip())
    if not m or not any(m.groupdict().values()):
        return None
    g = {k: int(v) for k, v in m.groupdict().items() if v is not None}
    if "l0" in g:
        g["lines"] = (g["l0"], g.get("l2", g.get("l1", g["l0"])))
    return g


def _row_text(row) -> str:
    text = " | ".join(c.strip() for c in row.cells if c and c.strip())
    return text if len(text) <= MAX_QUOTE else text[:MAX_QUOTE] + "…"


def _matches(place: dict, ref) -> bool:
    if "table" in place:
        return ref.table == place["table"] and ("row" not in place or ref.row == place["row"]) \
            and ("page" not in place or ref.page is None or ref.page == place["page"] or ref.table is not None)
    if "lines" in place:
        lo, hi = place["lines"]
        start = ref.line_start
        end = ref.line_end if ref.line_end is not None else start
        return start is not None and start <= hi and end >= lo
    if "para" in place:
        return ref.table is None and ref.row == place["para"]
    if "page" in place:
        return ref.page == place["page"] and ref.table is None
    return False


def quote(rows: list, where: str) -> str | None:
    """The text printed at `where` among a SourceText's rows; None when no row is there."""
    place = parse_place(where)
    if place is None:
        return None
    found = [r for r in rows if _matches(place, r.ref)]
    if not found:
        return None
    if "table" not in place and "lines" not in place:
        found = found[:1]  # a page or paragraph: its first row says where it is
    texts = [t for t in (_row_text(r) for r in found[:MAX_LINES]) if t]
    if len(found) > MAX_LINES:
        texts.append("…")
    return "\n".join(texts) or None


def _read_rows(path: Path) -> list | None:
    from hyoka.extractors import backend_for

    try:
        return backend_for(path).read(path).rows
    except Exception as exc:  # a file that no longer reads: no quotes, said on the page
        log.info("source view: %s not read again: %s", path, exc)
        return None


def printed_rows(paths: Mapping[str, str | Path], wanted: Mapping[str, Iterable[str]]) -> dict[tuple[str, str], str]:
    """(document, place) → the printed text, for the places of `wanted` whose document's file reads."""
    out: dict[tuple[str, str], str] = {}
    for source, places in wanted.items():
        raw = paths.get(source)
        if raw is None or "!" in str(raw):
            continue
        path = Path(raw)
        if not path.is_file():
            continue
        rows = _read_rows(path)
        if rows is None:
            continue
        for where in set(places):
            text = quote(rows, where)
            if text:
                out[(source, where)] = text
    return out


def document_paths(documents) -> dict[str, str]:
    """The `documents` table → {file name as findings name it: source_path}."""
    if documents is None or getattr(documents, "empty", True) or "source_path" not in documents:
        return {}
    return {str(p).replace("\\", "/").rsplit("/", 1)[-1]: str(p) for p in documents["source_path"].dropna()}


def store_document_paths(db) -> dict[str, str]:
    """{file name: source path} of every document of a store (`hyoka audit --db … --format html`)."""
    from hyoka.pipeline.store_read import _connect_store

    con = _connect_store(Path(db))
    try:
        paths = [p for (p,) in con.execute("select source_path from documents").fetchall() if p]
    finally:
        con.close()
    return {str(p).replace("\\", "/").rsplit("/", 1)[-1]: str(p) for p in paths}
