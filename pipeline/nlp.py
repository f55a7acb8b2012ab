"""Japanese NLP, loaded on demand only — never on the bulk-loading path.

`load_japanese()` returns the best spaCy pipeline installed, in this order, and says which:
ja_core_news_sm (the design's choice; not installable from PyPI today, its PyPI entry is a
stub), ja_ginza (a full pipeline, ~290 MB with its dictionary, slow: ~2k chars/s here), then
`spacy.blank("ja")` with SudachiPy (tokenizer only, ~185k chars/s). Install with
`pip install "hyoka[nlp]"` (blank ja) or `"hyoka[ginza]"`.
"""

from __future__ import annotations

import importlib.util

CANDIDATES = ("ja_core_news_sm", "ja_ginza", "blank:ja")


def available() -> list[str]:
    """The candidates that are installed, best first (without importing any of them)."""
    if importlib.util.find_spec("spacy") is None:
        return []
    found = [name for name in CANDIDATES[:2] if importlib.util.find_spec(name) is not None]
    if importlib.util.find_spec("sudachipy") is not None:
        found.append("blank:ja")
    return found


def load_japanese():
    """(nlp, name) for the best installed pipeline; RuntimeError naming the install command if none."""
    names = available()
    if not names:
        raise RuntimeError('no Japanese spaCy pipeline installed: pip install "hyoka[nlp]"')
    import spacy

    name = names[0]
    nlp = spacy.blank("ja") if name == "blank:ja" else spacy.load(name)
    return nlp, name


# SudachiPy refuses inputs over 49,149 bytes; feed it line-aligned chunks well under that.
_MAX_CHUNK_BYTES = 40_000


def chunks(text: str, max_bytes: int = _MAX_CHUNK_BYTES) -> list[str]:
    """`text` split at line ends into pieces of at most `max_bytes` UTF-8 bytes (a longer line is cut)."""
    out, current, size = [], [], 0
    for line in text.splitlines(keepends=True):
        while len(line.encode("utf-8")) > max_bytes:
            if current:
                out.append("".join(current))
                current, size = [], 0
            cut = len(line.encode("utf-8")[:max_bytes].decode("utf-8", "ignore"))
            out.append(line[:cut])
            line = line[cut:]
        n = len(line.encode("utf-8"))
        if size + n > max_bytes and current:
            out.append("".join(current))
            current, size = [], 0
        current.append(line)
        size += n
    if current:
        out.append("".join(current))
    return out


def tokenize(text: str, nlp=None) -> list[str]:
    """Surface tokens of `text` with the best installed pipeline (chunked for SudachiPy's limit)."""
    nlp = nlp or load_japanese()[0]
    return [t.text for doc in nlp.pipe(chunks(text)) for t in doc]
