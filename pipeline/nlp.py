"""Japanese NLP, loaded on demand only — never by plain ingest or audit.

`load_japanese()` returns the best spaCy pipeline installed, in this order, and says which:
ja_core_news_sm (the design's choice; not installable from PyPI today, its PyPI entry is a
stub), ja_ginza (a full pipeline, ~290 MB with its dictionary, slow: ~2k chars/s here), then
`spacy.blank("ja")` with SudachiPy (tokenizer with lemmas and POS tags: ≈ 8 ms CPU per 1,000
characters, bench/README.md). Install with `pip install "hyoka[nlp]"` (blank ja) or `"hyoka[ginza]"`.

What hyoka uses it for, where a tokenizer beats a regex (`enrich_nlp`, run by `hyoka ingest
--nlp`; `hyoka compare` runs the pairing only):
- themes matched on token lemmas, on whole tokens (pipeline/themes.py `match_tokens`);
- organisations as canonical actors with a type (`find_actors`, pipeline/data/actors.toml);
- quantities in free text: a 数詞 token and its 助数詞 (`find_quantities`);
- each 取組's 達成指標 target paired with its 実施 result into evidence (`pair_targets`).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

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


# --- the layer used by hyoka: one pipeline per process, actors, quantities, target ↔ result ---------


ACTORS_FILE = Path(__file__).with_name("data") / "actors.toml"
ENV_ACTORS = "HYOKA_ACTORS"


@functools.lru_cache(maxsize=1)
def pipeline():
    """(nlp, name): `load_japanese()` once per process."""
    return load_japanese()


def loader_names() -> list[str]:
    """Every loader of the chain that is installed, best first (for the bench)."""
    return available()


def load_named(name: str):
    """One particular loader of the chain (for the bench): "ja_core_news_sm", "ja_ginza" or "blank:ja"."""
    import spacy

    return spacy.blank("ja") if name == "blank:ja" else spacy.load(name)


# actors ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActorWord:
    word: str
    canonical: str
    type: str


@functools.lru_cache(maxsize=4)
def actor_words(extra: str | None = None) -> tuple[ActorWord, ...]:
    """The actor vocabulary (pipeline/data/actors.toml, plus $HYOKA_ACTORS), longest word first."""
    paths = [ACTORS_FILE] + ([Path(extra)] if extra else [])
    out: list[ActorWord] = []
    for path in paths:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"actor vocabulary {path}: {exc}") from None
        for i, entry in enumerate(data.get("actor", [])):
            if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("canonical", "type")):
                raise ValueError(f"actor vocabulary {path}: actor #{i + 1} needs canonical and type")
            for word in entry.get("words", []):
                out.append(ActorWord(unicodedata.normalize("NFKC", word), entry["canonical"], entry["type"]))
    return tuple(sorted(out, key=lambda a: len(a.word), reverse=True))


@dataclass(frozen=True)
class ActorMention:
    name: str  # as printed, with the nouns before the word: 「西武信用金庫」
    canonical: str  # 金融機関
    type: str
    start: int  # character offsets in the text
    end: int


_NAME_TAGS = ("名詞-固有名詞", "名詞-普通名詞-一般", "接頭辞")


@functools.lru_cache(maxsize=8)
def _actor_table(nlp_id: int, nlp, extra: str | None) -> dict[str, list[tuple[tuple[str, ...], ActorWord]]]:
    """first token → [(tokens, actor)], longest first: each actor word tokenized once per pipeline."""
    words = actor_words(extra)
    table: dict[str, list[tuple[tuple[str, ...], ActorWord]]] = {}
    for a, doc in zip(words, nlp.pipe([a.word for a in words])):
        seq = tuple(t.text for t in doc)
        table.setdefault(seq[0], []).append((seq, a))
    for entries in table.values():
        entries.sort(key=lambda e: len(e[0]), reverse=True)
    return table


def find_actors(doc, nlp) -> list[ActorMention]:
    """Organisations in a spaCy Doc: an actor word on whole tokens (商工会 is not found inside
    商工会議所, which is its own word), with the proper nouns printed before it as its name."""
    table = _actor_table(id(nlp), nlp, os.environ.get(ENV_ACTORS) or None)
    tokens = list(doc)
    texts = [unicodedata.normalize("NFKC", t.text) for t in tokens]
    out, i = [], 0
    while i < len(tokens):
        for seq, actor in table.get(texts[i], ()):
            n = len(seq)
            if tuple(texts[i:i + n]) == seq:
                first = i
                while first > 0 and tokens[first - 1].tag_.startswith("名詞-固有名詞"):
                    first -= 1
                span = doc[first:i + n]
                out.append(ActorMention(span.text, actor.canonical, actor.type, span.start_char, span.end_char))
                i += n
                break
        else:
            i += 1
    return out


# quantities -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuantityMention:
    text: str  # the span as printed: 「約93%」, 「8割以上」, 「120件」
    value: float
    unit: str | None  # % for 割 and %; 件, 人, 回 …
    qualifier: str | None  # 以上, 以下, 未満, 約 …
    context: str  # the clause it was printed in (up to the previous 、。・)
    context_words: frozenset[str]  # noun lemmas of that clause, for pairing
    start: int
    end: int
    in_parentheses: bool = False  # 「3件(農地法3条:1件、…:2件)」: a breakdown of the amount before it


# counters that make a date, an ordinal or an age, not an amount of something
_NOT_AMOUNTS = {"年", "月", "日", "年度", "時", "分", "秒", "時点", "号", "条", "期", "代", "周年", "歳", "次", "位", "階",
                "番", "丁目", "章", "節", "項"}
_QUALIFIERS = {"以上", "以下", "未満", "程度", "超", "強", "弱", "前後"}
_CLAUSE_BREAK = re.compile(r"[、。・\n;；(（]")


def _is_number(token) -> bool:
    return token.tag_.startswith("名詞-数詞") and any(ch.isdigit() for ch in unicodedata.normalize("NFKC", token.text))


def find_quantities(doc) -> list[QuantityMention]:
    """Amounts in a spaCy Doc: a number token (数詞) with the counter token after it (助数詞: 件,
    人, 本, 講座 … or %, 割), an optional 約 before and 以上/以下 … after. Dates, ordinals and
    ages (年, 月, 条, 期, 代 …) are not amounts. The value is read by normalizers.parse_quantity."""
    from hyoka.normalizers.numbers import UNIT_CANON, parse_quantity

    tokens = list(doc)
    text = doc.text
    out = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not _is_number(tok):
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and (_is_number(tokens[j + 1]) or tokens[j + 1].text in ",，."):
            j += 1  # 「18,045」 may come as several tokens
        if j + 1 >= len(tokens):
            break
        counter = tokens[j + 1]
        prev = tokens[i - 1] if i else None
        if (counter.text in _NOT_AMOUNTS or counter.lemma_ in _NOT_AMOUNTS
                or (prev is not None and prev.text in ("令和", "平成", "昭和", "第", "R", "H"))):
            i = j + 1
            continue
        if not ("助数詞" in counter.tag_ or counter.text in ("%", "％", "割")):
            i = j + 1
            continue
        start_tok, end_tok = i, j + 2
        if prev is not None and prev.text in ("約", "およそ", "計", "合計", "総"):
            start_tok -= 1
        if end_tok < len(tokens) and tokens[end_tok].text in _QUALIFIERS:
            end_tok += 1
        span = doc[start_tok:end_tok]
        q = parse_quantity(span.text)
        if q is None or q.value is None:
            i = end_tok
            continue
        unit = "%" if q.unit == "%" or counter.text in ("%", "％", "割") else (q.unit or counter.text)
        unit = UNIT_CANON.get(unit, unit)  # 7名 and 7人 count the same thing
        qualifier = q.qualifier
        # the clause: back to the last break before the number
        clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, span.start_char)), default=0)
        clause = text[clause_start:span.end_char]
        words = frozenset(t.lemma_ for t in tokens if clause_start <= t.idx < span.start_char
                          and t.tag_.startswith("名詞") and not _is_number(t) and "助数詞" not in t.tag_)
        before = text[:span.start_char]
        nested = max(before.rfind("("), before.rfind("（")) > max(before.rfind(")"), before.rfind("）"))
        out.append(QuantityMention(span.text, q.value, unit, qualifier, clause.strip(), words,
                                   span.start_char, span.end_char, nested))
        i = end_tok
    return out


# target ↔ result ----------------------------------------------------------------------------------

_DOWN_WORDS = ("削減", "減少", "低減", "抑制", "縮減", "以下", "未満", "ゼロ")


@dataclass(frozen=True)
class Evidence:
    target: QuantityMention
    result: QuantityMention
    direction: str  # "増加" (more is better) or "減少"
    achievement: float  # 0–1
    basis: str


def pair_targets(targets: list[QuantityMention], results: list[QuantityMention]) -> list[Evidence]:
    """Each 達成指標 target with the 実施 result that counts the same thing: same unit, then the most
    shared words in their clauses (補助実施件数 120件 ↔ 申請件数 44件; 創業枠 60件 ↔ 創業枠 23件). A
    target whose unit no result has stays unpaired; a result serves one target; an amount in
    parentheses after another (a breakdown: 「3件(農地法3条:1件、…)」) is not a result of its own."""
    used: set[int] = set()
    out = []
    for t in targets:
        best, best_score = None, -1.0
        same_unit = [(k, r) for k, r in enumerate(results)
                     if k not in used and r.unit == t.unit and not r.in_parentheses]
        for k, r in same_unit:
            score = len(t.context_words & r.context_words)
            if score > best_score:
                best, best_score = k, score
        if best is None or (best_score == 0 and len(same_unit) > 1):
            continue  # nothing in common and several candidates: no guess
        used.add(best)
        r = results[best]
        down = any(w in t.context or w == t.qualifier for w in _DOWN_WORDS)
        if down:
            ach = 1.0 if r.value <= t.value else (t.value / r.value if r.value else 0.0)
        else:
            ach = min(1.0, r.value / t.value) if t.value else (1.0 if r.value >= 0 else 0.0)
        shared = "・".join(sorted(t.context_words & r.context_words)) or "only quantity of this unit"
        basis = (f"目標「{t.text}」({t.context}) ↔ 実績「{r.text}」({r.context}); 共通語 {shared}; "
                 f"{'減少' if down else '増加'}が良い → {r.value:g}/{t.value:g}" if not down else
                 f"目標「{t.text}」({t.context}) ↔ 実績「{r.text}」({r.context}); 共通語 {shared}; 減少が良い → "
                 f"{t.value:g}/{r.value:g}")
        out.append(Evidence(t, r, "減少" if down else "増加", round(ach, 6), basis))
    return out


# the tables ----------------------------------------------------------------------------------------

ACTOR_COLUMNS = ["doc_id", "source_table", "scope", "field", "name", "canonical", "type", "start", "end", "src", "nlp"]
EVIDENCE_COLUMNS = [
    "doc_id", "measure_key", "target_action_no", "result_action_no", "target_text", "target_value", "target_unit",
    "target_qualifier", "target_context", "target_start", "result_text", "result_value", "result_unit",
    "result_context", "result_start", "direction", "achievement", "basis", "target_src", "result_src", "nlp",
]
# where actors are looked for: table → (scope column, text columns)
ACTOR_FIELDS = {
    "measures": ("key", ("name", "departments_raw", "partners_raw", "target_raw", "status_raw")),
    "actions": ("measure_key", ("planned", "done", "indicator")),
    "notes": ("scope", ("text",)),
}


def _texts(frame, columns):
    for row in frame.itertuples(index=False):
        for column in columns:
            value = getattr(row, column, None)
            if isinstance(value, str) and value.strip():
                yield row, column, value


def _parse_all(nlp, texts: list[str]) -> dict[str, list]:
    """text → its Docs (one per chunk under SudachiPy's input limit), each distinct text parsed once."""
    unique = list(dict.fromkeys(texts))
    pieces = [(t, c) for t in unique for c in chunks(t)]
    out: dict[str, list] = {t: [] for t in unique}
    offsets: dict[str, int] = {t: 0 for t in unique}
    for (text, piece), doc in zip(pieces, nlp.pipe([p for _, p in pieces], batch_size=256)):
        out[text].append((offsets[text], doc))
        offsets[text] += len(piece)
    return out


def enrich_nlp(tables: dict, nlp=None, name: str | None = None, actors: bool = True, themes: bool = True) -> dict:
    """`tables` (a copy) with the NLP layer: measures re-themed on token lemmas, an `actors` table
    (organisations as canonical actors with a type) and an `evidence` table (each 取組's 達成指標 target
    paired with its 実施 result where both are quantities, with an achievement 0–1 and both spans).

    Not on the ingest path: `hyoka ingest --nlp` and `hyoka compare` call it. `actors=False` skips
    the actors (their texts are most of the cost: every note); `themes=False` keeps the stored themes.
    """
    import pandas as pd

    from hyoka.pipeline.themes import assign_themes, load_vocabulary

    if nlp is None:
        nlp, name = pipeline()
    name = name or "custom"
    out = dict(tables)
    if themes and "measures" in tables and not tables["measures"].empty:
        out["measures"] = assign_themes(tables, load_vocabulary(), nlp=nlp)
    wanted = []
    fields = ACTOR_FIELDS if actors else {"actions": ACTOR_FIELDS["actions"]}
    for table, (_scope, columns) in fields.items():
        frame = tables.get(table)
        if frame is not None and not frame.empty:
            wanted += [text for _row, _c, text in _texts(frame, [c for c in columns if c in frame])]
    parsed = _parse_all(nlp, wanted)

    actor_rows = []
    for table, (scope, columns) in (ACTOR_FIELDS if actors else {}).items():
        frame = tables.get(table)
        if frame is None or frame.empty:
            continue
        for row, column, text in _texts(frame, [c for c in columns if c in frame]):
            for offset, doc in parsed[text]:
                for a in find_actors(doc, nlp):
                    actor_rows.append({"doc_id": row.doc_id, "source_table": table, "scope": getattr(row, scope, None),
                                       "field": column, "name": a.name, "canonical": a.canonical, "type": a.type,
                                       "start": a.start + offset, "end": a.end + offset,
                                       "src": getattr(row, "src", None), "nlp": name})
    out["actors"] = pd.DataFrame(actor_rows, columns=ACTOR_COLUMNS)

    evidence_rows = []
    actions = tables.get("actions")
    if actions is not None and not actions.empty:
        for (doc_id, key), group in actions.groupby(["doc_id", "measure_key"], sort=False):
            targets, results = [], []
            for row in group.itertuples(index=False):
                for column, bucket in (("indicator", targets), ("done", results)):
                    text = getattr(row, column, None)
                    if isinstance(text, str) and text.strip():
                        for offset, doc in parsed.get(text, []):
                            bucket += [(q, offset, row) for q in find_quantities(doc)]
            where = {id(q): (offset, row) for q, offset, row in targets + results}
            for ev in pair_targets([q for q, _o, _r in targets], [q for q, _o, _r in results]):
                (t_off, t_row), (r_off, r_row) = where[id(ev.target)], where[id(ev.result)]
                evidence_rows.append({
                    "doc_id": doc_id, "measure_key": key, "target_action_no": t_row.action_no,
                    "result_action_no": r_row.action_no, "target_text": ev.target.text,
                    "target_value": ev.target.value, "target_unit": ev.target.unit,
                    "target_qualifier": ev.target.qualifier, "target_context": ev.target.context,
                    "target_start": ev.target.start + t_off, "result_text": ev.result.text,
                    "result_value": ev.result.value, "result_unit": ev.result.unit, "result_context": ev.result.context,
                    "result_start": ev.result.start + r_off, "direction": ev.direction,
                    "achievement": ev.achievement, "basis": ev.basis, "target_src": t_row.src,
                    "result_src": r_row.src, "nlp": name})
    out["evidence"] = pd.DataFrame(evidence_rows, columns=EVIDENCE_COLUMNS)
    return out
