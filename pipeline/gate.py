"""The report gate: is this document an evaluation / progress report at all?

hyoka's readers find indicator tables, count lines and legends by their labels; run on any
document, they find "values" in a financial statement or a citation list too. So before a
layout reads anything, `judge_report` decides from the document's own words whether it is
the kind of document hyoka reads — a 施策評価, 事務事業評価, 進捗管理, KPI 検証, 評価基準 … —
and says on what evidence. A document judged not a report is kept as a `documents` row with
status ``not_a_report`` and the reason, and nothing is read from it (no values, counts,
legends, notes, municipality); ``hyoka ingest --read-anyway`` / ``hyoka.read(…, read_anyway=True)``
read it all the same.

The decision is a pure function of the text, in two steps, both stated in the reason:

1. **Japanese text.** Of the letters printed, at least `MIN_JAPANESE_SHARE` are Japanese (kanji,
   kana) rather than Latin, and the text is Japanese rather than Chinese: some kana, or the
   Japanese-only spellings of the domain's words (評価, 実績, 進捗, 計画, 取組 — Chinese writes
   评价/評價, 实绩/實績, 进度, 计划/計劃). An English document quoting 施策評価 in a few places, or a
   Chinese annual report with 目標 and 年度, is not a Japanese report.
2. **The domain's vocabulary, and its density.** `DOMAIN_TERMS` are the words these reports are
   made of: what is evaluated (施策, 事業, 指標), what is printed for it (目標, 実績, 達成, 進捗,
   成果, 評価 …). A report uses at least `MIN_DISTINCT_TERMS` different ones, one of them a word
   of evaluating or measuring (`CORE_TERMS`: a text saying only 事業, 計画, 戦略 describes work
   and reports on nothing), and uses them densely: at least `MIN_DENSITY` occurrences per 1,000
   Japanese characters. Prose that happens to say 目標 or 計画 (a novel, a press release) has them
   rarely; a 決算書 or a timetable full of years and amounts has none. The real reports hyoka was
   checked on (shared/corpus, its renderings, sample_docs) use them 11.5 to 156 times per 1,000
   characters: the minimum leaves room for reports wordier than those.

Short texts are judged on the same rules; density favours them, so a one-page 評価基準 legend
(「A：目標を達成した B：概ね達成 …」) passes on its two or three words, while one stray word
does not. A grading scale printed as such — lines or rows that begin with `MIN_SCALE` different
grades (A/B/C/D, S, ◎/○/△/×) — stands in for the second word: 「評価基準 | A | 100%以上 |
B | 80%以上 …」 is a legend page even with 評価 its only domain word. Years (和暦, 年度) and
municipality names are recorded as evidence but never decide on their own: a municipality's
決算書 or a timetable prints both.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# The domain's words. Each is counted where it occurs (a compound like 成果指標 counts for both
# 成果 and 指標). Spelled as Japanese writes them; the Chinese spellings of the same words
# (评价, 實績, 计划 …) deliberately do not match.
DOMAIN_TERMS: tuple[str, ...] = (
    "評価", "検証", "点検", "判定",          # the act of evaluating
    "施策", "事業", "政策", "取組", "取り組", "計画", "戦略",  # what is evaluated
    "指標", "目標", "実績", "達成", "進捗", "進行管理", "成果", "KPI", "基準値", "現状値",  # what is printed
)
# Of those, the words of evaluating and measuring: a text whose only domain words are 事業, 計画, 戦略 …
# (a business plan, a budget's project list) describes work, it does not report on it.
CORE_TERMS: tuple[str, ...] = ("評価", "検証", "点検", "判定", "指標", "目標", "実績", "達成", "進捗", "進行管理",
                               "成果", "KPI", "基準値", "現状値")
# The domain words a Chinese text would write differently: their presence shows Japanese on its own.
# (施策 and 進行管理 are written in Chinese too, so they are not among them.)
JAPANESE_ONLY_TERMS: tuple[str, ...] = ("評価", "実績", "進捗", "計画", "取組")

MIN_JAPANESE_SHARE = 0.5   # Japanese characters / (Japanese characters + Latin letters)
MIN_KANA_SHARE = 0.03      # kana / Japanese characters, for "Japanese, not Chinese"
MIN_JAPANESE_ONLY = 1      # …or this many occurrences of Japanese-only spellings of the domain's words
MIN_DISTINCT_TERMS = 2     # different domain words
MIN_DENSITY = 4.0          # domain-word occurrences per 1,000 Japanese characters
MIN_SCALE = 3              # different grades opening lines/rows: a grading scale

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヵヶ"
_KANA = r"\u3041-\u309f\u30a0-\u30ff\uff66-\uff9f"
_JAPANESE = re.compile(f"[{_HAN}{_KANA}]")
_KANA_RE = re.compile(f"[{_KANA}]")
_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
_ERA_YEAR = re.compile(r"(?:令和|平成|昭和)\s*(?:[0-9０-９]{1,2}|元)\s*年")
_FISCAL = re.compile(r"年度")
# a grade opening a line, a bullet item or a table row: 「A：目標を達成」, 「| ◎ | 順調 |」, 「・B 概ね達成」
_SCALE = re.compile(r"^[\s|・●◆■*\-]*([A-DSＡ-ＤＳ]|[◎○〇△×▲□])(?=[\s:：|=＝)）.．、]|$)", re.MULTILINE)
_PLACE = re.compile(f"[{_HAN}]{{1,4}}[都道府県市町村]")
# markup is not printed text: a Markdown/HTML comment, a tag (<br> in a text rendering's cell), a TeX
# command ($$2.44 \times 32$$) — so a report's evidence is the same in every format it comes in
_MARKUP = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>\n]{0,200}>|\\[A-Za-z]+", re.DOTALL)
_TERMS = re.compile("|".join(sorted(map(re.escape, DOMAIN_TERMS), key=len, reverse=True)), re.IGNORECASE)


@dataclass(frozen=True)
class GateVerdict:
    """The gate's decision and the evidence it used (all counts are over the whole text)."""

    is_report: bool
    reason: str                   # one line, in Japanese, naming the evidence
    japanese_chars: int           # kanji + kana
    latin_letters: int
    kana: int
    terms: dict[str, int] = field(default_factory=dict)  # domain word → occurrences
    era_years: int = 0            # 令和5年, 平成27年 …
    fiscal_years: int = 0         # 年度
    places: int = 0               # …市/町/村/県 words (evidence only)
    scale: int = 0                # different grades opening lines or rows (A/B/C/D, ◎/○/△/×)

    @property
    def term_hits(self) -> int:
        return sum(self.terms.values())

    @property
    def density(self) -> float:
        """Domain-word occurrences per 1,000 Japanese characters."""
        return 1000.0 * self.term_hits / self.japanese_chars if self.japanese_chars else 0.0

    @property
    def japanese_share(self) -> float:
        letters = self.japanese_chars + self.latin_letters
        return self.japanese_chars / letters if letters else 0.0

    def evidence(self) -> str:
        """The counts, in one line: 「日本語 1,234字 (文字の 92%)・かな 30%; 評価・進捗の語 5種 48回 (評価 20, …),
        1000字あたり 38.9回; 和暦の年 12・年度 20」."""
        top = ", ".join(f"{t} {n}" for t, n in sorted(self.terms.items(), key=lambda kv: (-kv[1], kv[0]))[:6])
        kana_share = self.kana / self.japanese_chars if self.japanese_chars else 0.0
        return (f"日本語 {self.japanese_chars:,}字 (文字の {self.japanese_share:.0%})・かな {kana_share:.0%}; "
                f"評価・進捗の語 {len(self.terms)}種 {self.term_hits}回" + (f" ({top})" if top else "")
                + f", 1000字あたり {self.density:.1f}回; 和暦の年 {self.era_years}・年度 {self.fiscal_years}"
                + (f"; 評価の段階 {self.scale}" if self.scale else ""))


def judge_report(text: str) -> GateVerdict:
    """Decide from `text` alone whether it is an evaluation / progress report (see the module doc).

    >>> judge_report("評価基準\\nA：目標を達成した\\nB：概ね達成した\\nC：達成できなかった").is_report
    True
    >>> judge_report("Consolidated balance sheet as of 31 December 2023 …").is_report
    False
    """
    text = _MARKUP.sub(" ", text)
    japanese = len(_JAPANESE.findall(text))
    latin = len(_LATIN.findall(text))
    kana = len(_KANA_RE.findall(text))
    terms: dict[str, int] = {}
    for m in _TERMS.finditer(text):
        word = "取組" if m.group() == "取り組" else m.group().upper()
        terms[word] = terms.get(word, 0) + 1
    # a compound counts for its parts: 成果指標 → 成果 and 指標 are found one after the other above;
    # 進行管理 and 基準値 stand for themselves.
    verdict = dict(japanese_chars=japanese, latin_letters=latin, kana=kana, terms=terms,
                   era_years=len(_ERA_YEAR.findall(text)), fiscal_years=len(_FISCAL.findall(text)),
                   places=len(_PLACE.findall(text)),
                   scale=len({unicodedata.normalize("NFKC", g).replace("〇", "○") for g in _SCALE.findall(text)}))
    probe = GateVerdict(True, "", **verdict)
    japanese_only = sum(n for t, n in terms.items() if t in JAPANESE_ONLY_TERMS)
    problems = []
    if japanese == 0:
        problems.append("日本語の文字がない")
    elif probe.japanese_share < MIN_JAPANESE_SHARE:
        problems.append(f"文字の大半が日本語でない (日本語 {probe.japanese_share:.0%})")
    elif kana < MIN_KANA_SHARE * japanese and japanese_only < MIN_JAPANESE_ONLY:
        problems.append("かながほとんどなく、評価・進捗の語が日本語の表記でない (中国語などの文書)")
    scale_page = len(terms) >= 1 and probe.scale >= MIN_SCALE  # a legend page: 評価 + A/B/C/D
    if japanese and len(terms) < MIN_DISTINCT_TERMS and not scale_page:
        problems.append(f"評価・進捗の語が {len(terms)}種しかない")
    elif japanese and not any(t in terms for t in CORE_TERMS):
        problems.append("評価・測定の語 (評価・指標・目標・実績・達成・進捗 …) がない")
    elif japanese and probe.density < MIN_DENSITY:
        problems.append(f"評価・進捗の語がまばら (1000字あたり {probe.density:.1f}回)")
    if problems:
        reason = f"評価・進捗の報告書ではないと判断: {'、'.join(problems)} — {probe.evidence()}"
        return GateVerdict(False, reason, **verdict)
    return GateVerdict(True, f"評価・進捗の報告書と判断: {probe.evidence()}", **verdict)


def thresholds() -> dict[str, float | int]:
    """The gate's thresholds by name (for `hyoka info`)."""
    return {"min_japanese_share": MIN_JAPANESE_SHARE, "min_kana_share": MIN_KANA_SHARE,
            "min_japanese_only": MIN_JAPANESE_ONLY, "min_distinct_terms": MIN_DISTINCT_TERMS,
            "min_density_per_1000": MIN_DENSITY, "min_scale": MIN_SCALE}


def describe() -> str:
    """The rule in one line (for `hyoka info`)."""
    return (f"Japanese ≥ {MIN_JAPANESE_SHARE:.0%} of letters (kana ≥ {MIN_KANA_SHARE:.0%} or a Japanese spelling "
            f"of the domain's words), ≥ {MIN_DISTINCT_TERMS} different domain words (評価 施策 事業 指標 目標 実績 "
            f"達成 進捗 成果 …; or 1 and a grading scale of ≥ {MIN_SCALE} grades), one of evaluating or measuring "
            f"(not only 事業 計画 戦略), ≥ {MIN_DENSITY:g} per 1,000 "
            f"Japanese characters")
