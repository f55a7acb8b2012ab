"""Japanese NLP, loaded on demand only — never on the bulk-loading path.

`load_japanese()` returns the best spaCy pipeline installed, in this order, and says which:
ja_core_news_sm (the design's choice; not installable from PyPI today, its PyPI entry is a
stub), ja_ginza (a full pipeline, ~290 MB with its dictionary, slow: ~2k chars/s here), then
`spacy.blank("ja")` with SudachiPy (tokenizer only, ~185k chars/s). Install with
`pip install -e ".[nlp]"` (blank ja) or `".[ginza]"`.
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
        raise RuntimeError('no Japanese spaCy pipeline installed: pip install -e ".[nlp]"')
    import spacy

    name = names[0]
    nlp = spacy.blank("ja") if name == "blank:ja" else spacy.load(name)
    return nlp, name
