"""One theme per measure, from a fixed taxonomy, with the words that decided it.

The vocabulary is data (pipeline/data/themes.toml), extendable by the user's own file
(`HYOKA_THEMES=path` or `hyoka compare --themes path`). A measure's theme comes from the
words found in its name (weight 3), its parent headings (2 and 1) and its 取組/指標 text
(0.5 each); the theme with the highest total wins, and `theme_basis` lists the words.

Two matchers read the same vocabulary:
- `match_text`: on the printed text (NFKC), longest word first — the default, cheap enough for
  ingest (a few ms per thousand measures);
- `match_tokens`: on token lemmas from the spaCy layer (pipeline/nlp.py), aligned to token
  boundaries, plus `lemmas` (dictionary forms: 働き方 → 働く). Used by `enrich_nlp`.

A measure outside the industrial-promotion plan (a city's whole 事務事業 list prints 道路,
福祉 … too) gets その他 and `in_plan` False, with the heading that put it outside.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

VOCABULARY = Path(__file__).with_name("data") / "themes.toml"
ENV_EXTRA = "HYOKA_THEMES"
OTHER = "その他"
THEMES = ("創業・起業", "事業承継", "商業・商店街", "観光", "農林水産業", "工業・ものづくり", "デジタル・DX", "雇用・人材",
          "産学官連携", "魅力発信・ブランド", "経営支援・金融", "環境・エネルギー", "まちづくり・地域", OTHER)

# where a word was found → how much it counts (the name says most about a measure)
FIELD_WEIGHTS = {"name": 3.0, "heading": 2.0, "section": 1.0, "text": 0.5}
FIELD_LABELS = {"name": "名称", "heading": "見出し", "section": "上位見出し", "text": "取組・指標"}
WEAK = 0.4


@dataclass(frozen=True)
class Theme:
    name: str
    keywords: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    lemmas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    themes: tuple[Theme, ...]
    neutral: tuple[str, ...] = ()
    plan_words: tuple[str, ...] = ()
    heading_words: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # the files it was read from

    def __post_init__(self) -> None:
        names = [t.name for t in self.themes]
        if len(set(names)) != len(names):
            raise ValueError("theme vocabulary: a theme is listed twice")
        unknown = [n for n in names if n not in THEMES]
        if unknown:
            raise ValueError(f"theme vocabulary: {unknown[0]!r} is not in the taxonomy ({', '.join(THEMES)})")
        for theme in self.themes:
            for word in theme.keywords + theme.weak + theme.lemmas:
                if not isinstance(word, str) or not word.strip():
                    raise ValueError(f"theme vocabulary: theme {theme.name}: empty or non-text word {word!r}")

    @functools.cached_property
    def words(self) -> dict[str, tuple[str | None, float]]:
        """word (NFKC) → (theme or None for a neutral word, weight); the first theme listing a word keeps it."""
        out: dict[str, tuple[str | None, float]] = {}
        for theme in self.themes:
            for word in theme.keywords:
                out.setdefault(_norm(word), (theme.name, 1.0))
            for word in theme.weak:
                out.setdefault(_norm(word), (theme.name, WEAK))
        for word in self.neutral:
            out.setdefault(_norm(word), (None, 0.0))
        return out

    @functools.cached_property
    def pattern(self) -> re.Pattern | None:
        words = sorted(self.words, key=len, reverse=True)  # longest first: 商工業 before 工業
        return re.compile("|".join(map(re.escape, words))) if words else None

    @functools.cached_property
    def lemma_words(self) -> dict[str, tuple[str, float]]:
        return {_norm(w): (t.name, 1.0) for t in self.themes for w in t.lemmas}


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"theme vocabulary {path}: {exc}") from None


def _list(data: dict, key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"theme vocabulary {where}: {key} must be a list of strings")
    return tuple(value)


def load_vocabulary(extra: str | os.PathLike | None = None, use_env: bool = True) -> Vocabulary:
    """The bundled vocabulary, extended by `extra` (else $HYOKA_THEMES). ValueError naming the problem."""
    paths = [VOCABULARY]
    extra = extra or (os.environ.get(ENV_EXTRA) if use_env else None) or None
    if extra:
        paths.append(Path(extra))
    themes: dict[str, dict[str, list[str]]] = {}
    neutral: list[str] = []
    plan_words: list[str] = []
    heading_words: list[str] = []
    for path in paths:
        if not path.is_file():
            raise ValueError(f"theme vocabulary {path}: no such file")
        data = _read(path)
        entries = data.get("theme", [])
        if not isinstance(entries, list):
            raise ValueError(f"theme vocabulary {path}: 'theme' must be an array of tables ([[theme]])")
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise ValueError(f"theme vocabulary {path}: theme #{i + 1} has no name")
            name = entry["name"]
            if name not in THEMES:
                raise ValueError(f"theme vocabulary {path}: {name!r} is not in the taxonomy ({', '.join(THEMES)})")
            slot = themes.setdefault(name, {"keywords": [], "weak": [], "lemmas": []})
            for key in slot:
                slot[key] += [w for w in _list(entry, key, f"{path} theme {name}") if w not in slot[key]]
        neutral += _list(data.get("neutral", {}), "words", f"{path} [neutral]")
        scope = data.get("scope", {})
        plan_words += _list(scope, "plan_words", f"{path} [scope]")
        heading_words += _list(scope, "heading_words", f"{path} [scope]")
    ordered = [n for n in THEMES if n in themes]
    return Vocabulary(
        themes=tuple(Theme(n, tuple(themes[n]["keywords"]), tuple(themes[n]["weak"]), tuple(themes[n]["lemmas"]))
                     for n in ordered),
        neutral=tuple(dict.fromkeys(neutral)), plan_words=tuple(dict.fromkeys(plan_words)),
        heading_words=tuple(dict.fromkeys(heading_words)), sources=tuple(str(p) for p in paths),
    )


# --- matching --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    word: str
    theme: str
    weight: float  # the word's own weight (1, or WEAK)
    field: str  # name, heading, section, text
    how: str = "text"  # "text" (printed words) or "lemma" (token lemmas)


def match_text(text: str, vocab: Vocabulary) -> list[tuple[str, str, float]]:
    """(word, theme, weight) for every vocabulary word in `text`, longest first, not overlapping."""
    if not text or vocab.pattern is None:
        return []
    out = []
    for m in vocab.pattern.finditer(_norm(text)):
        theme, weight = vocab.words[m.group()]
        if theme is not None:
            out.append((m.group(), theme, weight))
    return out


@functools.lru_cache(maxsize=8)
def _token_vocab(vocab: Vocabulary, nlp_id: int, nlp) -> dict[tuple[str, ...], tuple[str | None, float, str]]:
    """Every vocabulary word as its tuple of token lemmas (tokenized once per pipeline)."""
    out: dict[tuple[str, ...], tuple[str | None, float, str]] = {}
    words = list(vocab.words.items())
    for (word, (theme, weight)), doc in zip(words, nlp.pipe([w for w, _ in words])):
        out.setdefault(tuple(t.lemma_ for t in doc), (theme, weight, word))
    return out


def match_tokens(doc, vocab: Vocabulary, nlp) -> list[tuple[str, str, float]]:
    """(word, theme, weight) on a spaCy Doc: vocabulary words as whole-token lemma sequences,
    longest first, so a word never matches inside a token (商工業 is one token, not 工業)."""
    table = _token_vocab(vocab, id(nlp), nlp)
    longest = max((len(k) for k in table), default=0)
    lemmas = [t.lemma_ for t in doc]
    out, i = [], 0
    while i < len(lemmas):
        for n in range(min(longest, len(lemmas) - i), 0, -1):
            entry = table.get(tuple(lemmas[i:i + n]))
            if entry is not None:
                theme, weight, word = entry
                if theme is not None:
                    out.append((word, theme, weight))
                i += n
                break
        else:
            entry = vocab.lemma_words.get(lemmas[i])
            if entry is not None:
                out.append((lemmas[i], entry[0], entry[1]))
            i += 1
    return out


@dataclass(frozen=True)
class Decision:
    theme: str
    basis: str
    score: float
    hits: tuple[Hit, ...] = field(default_factory=tuple)


def decide(hits: Iterable[Hit], vocab: Vocabulary) -> Decision:
    """The theme with the highest total; ties go to the one found in the name, then to taxonomy order."""
    hits = tuple(hits)
    scores: dict[str, float] = {}
    votes: dict[tuple[str, str], float] = {}
    for h in hits:  # each field votes once per theme, with its strongest word
        votes[(h.theme, h.field)] = max(votes.get((h.theme, h.field), 0.0), h.weight * FIELD_WEIGHTS[h.field])
    for (theme, _field), vote in votes.items():
        scores[theme] = scores.get(theme, 0.0) + vote
    if not scores:
        return Decision(OTHER, "no theme word in the name, headings or 取組・指標 text", 0.0)
    order = {t: i for i, t in enumerate(THEMES)}
    in_name = {h.theme for h in hits if h.field == "name"}
    ranked = sorted(scores, key=lambda t: (-round(scores[t], 6), t not in in_name, order[t]))
    best = ranked[0]
    words: dict[str, list[str]] = {}
    for h in hits:
        if h.theme == best:
            label = FIELD_LABELS[h.field]
            if h.word not in words.setdefault(label, []):
                words[label].append(h.word)
    how = "lemma" if any(h.how == "lemma" for h in hits if h.theme == best) else "text"
    basis = "; ".join(f"{label}「{'」「'.join(ws)}」" for label, ws in words.items())
    basis += f" → {scores[best]:g}"
    if len(ranked) > 1:
        basis += f" (次点 {ranked[1]} {scores[ranked[1]]:g})"
    if how == "lemma":
        basis += " [lemma]"
    return Decision(best, basis, scores[best], hits)


# --- the measures table ------------------------------------------------------------------------

def measure_fields(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per measure: doc_id, key and the texts its theme is read from (name, heading, section, text)."""
    m = tables["measures"]
    if m.empty:
        return pd.DataFrame(columns=["doc_id", "key", "name", "heading", "section", "text"])
    texts: dict[tuple[str, str], list[str]] = {}

    def add(doc_id, key, *values):
        slot = texts.setdefault((doc_id, key), [])
        for v in values:
            if isinstance(v, str) and v.strip() and v not in slot:
                slot.append(v)

    actions = tables.get("actions")
    if actions is not None and not actions.empty:
        for row in actions[["doc_id", "measure_key", "planned", "indicator"]].itertuples(index=False):
            add(row.doc_id, row.measure_key, row.planned, row.indicator)
    values = tables.get("indicator_values")
    if values is not None and not values.empty and "indicator" in values:
        pairs = values[["doc_id", "measure_key", "indicator"]].dropna().drop_duplicates()
        for row in pairs.itertuples(index=False):
            add(row.doc_id, row.measure_key, row.indicator)
    out = pd.DataFrame({
        "doc_id": m["doc_id"], "key": m["key"], "name": m["name"],
        "heading": m["h2_name"].where(m["h2_name"].notna(), m["h1_name"]) if "h2_name" in m else None,
        "section": m["h1_name"].where(m["h2_name"].notna(), None) if "h1_name" in m else None,
    })
    own = [m[c].tolist() for c in ("target_raw", "indicator_raw") if c in m]
    out["text"] = [
        "\n".join(texts.get((d, k), []) + [v for v in extra if isinstance(v, str)])
        for d, k, *extra in zip(m["doc_id"], m["key"], *own)
    ]
    return out


def plan_scope(tables: dict[str, pd.DataFrame], vocab: Vocabulary) -> tuple[list[bool], list[str | None]]:
    """(in_plan, why not) per measure row, in the order of tables['measures']."""
    m, docs = tables["measures"], tables.get("documents")
    plan_docs = set()
    if docs is not None and not docs.empty:
        for row in docs.itertuples(index=False):
            title = " ".join(str(getattr(row, c, "") or "") for c in ("plan_name", "title"))
            if any(w in title for w in vocab.plan_words):
                plan_docs.add(row.doc_id)
    in_plan, why = [], []
    for row in m.itertuples(index=False):
        headings = [h for h in (getattr(row, "h1_name", None), getattr(row, "h2_name", None)) if isinstance(h, str)]
        if row.doc_id in plan_docs or not headings:
            in_plan.append(True)
            why.append(None)
        elif any(w in h for h in headings for w in vocab.heading_words):
            in_plan.append(True)
            why.append(None)
        else:
            label = getattr(row, "h1_label", None) or "見出し"
            ident = getattr(row, "h1_id", None) or ""
            in_plan.append(False)
            why.append(f"対象外: {label}{ident}「{headings[0]}」は産業振興の範囲外 (見出しに {'・'.join(vocab.heading_words[:4])} … がない)")
    return in_plan, why


def assign_themes(tables: dict[str, pd.DataFrame], vocab: Vocabulary | None = None, nlp=None) -> pd.DataFrame:
    """tables['measures'] with `theme`, `theme_basis` and `in_plan` (a copy).

    With `nlp` (a spaCy Language from pipeline/nlp.py) words are matched on token lemmas,
    otherwise on the printed text."""
    vocab = vocab or load_vocabulary()
    m = tables["measures"].copy()
    if m.empty:
        for c in ("theme", "theme_basis"):
            m[c] = pd.Series(dtype=object)
        m["in_plan"] = pd.Series(dtype=bool)
        return m
    fields = measure_fields(tables)
    in_plan, why = plan_scope(tables, vocab)
    matcher: Callable[[str], list[tuple[str, str, float]]]
    if nlp is not None:
        texts = sorted({t for c in FIELD_WEIGHTS for t in fields[c] if isinstance(t, str) and t})
        from hyoka.pipeline.nlp import chunks
        docs = {}
        for text in texts:
            docs[text] = [d for d in nlp.pipe(chunks(text))]
        matcher = lambda text: [h for d in docs.get(text, []) for h in match_tokens(d, vocab, nlp)]  # noqa: E731
        how = "lemma"
    else:
        matcher = lambda text: match_text(text, vocab)  # noqa: E731
        how = "text"
    themes, bases = [], []
    for i, row in enumerate(fields.itertuples(index=False)):
        if not in_plan[i]:
            themes.append(OTHER)
            bases.append(why[i])
            continue
        hits = [Hit(word, theme, weight, column, how)
                for column in FIELD_WEIGHTS
                if isinstance(text := getattr(row, column), str) and text
                for word, theme, weight in matcher(text)]
        decision = decide(hits, vocab)
        themes.append(decision.theme)
        bases.append(decision.basis)
    m["theme"], m["theme_basis"], m["in_plan"] = themes, bases, in_plan
    return m
