"""Table header cells as printed → what a column (or a row label) holds.

A generic reader finds its columns by what their headers say, never by position:
「目標値」「H24予算」「平成13年実績」「2021(目標)」「現状(2019)」「5ヵ年目標」「最終実績値(平成29年度末)」.
`parse_header` splits such a cell into a value kind (target, actual, baseline …) and a
fiscal year, keeping the printed text. Pure functions; no document state except the era
a caller passes in for bare years like 「18」 under 「平成(年度)」.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from hyoka.normalizers.eras import era_to_year, find_era_dates, fiscal_year_of

# value kind → spellings, longest matched first. Order inside a header cell does not matter.
VALUE_KINDS: dict[str, tuple[str, ...]] = {
    "target": ("目標値", "目標", "年間目標", "今年度目標値", "長期的目標値", "計画値", "予算", "期待値", "目標水準"),
    "actual": ("実績値", "実績", "決算", "今年度実績値", "現状値", "現況値", "現状", "現在", "実測値", "達成値", "結果値",
               "実数値", "結果", "現況"),
    "baseline": ("基準値", "当初値", "年度当初値", "策定時", "初期値", "基準年", "基準", "計画策定時"),
    "projection": ("見込み", "見込値", "見込", "見通し"),
    "rate": ("達成率", "進捗率", "達成度", "進捗度", "目標達成率"),
    "grade": ("評価", "判定", "自己評価", "達成状況", "評価結果", "総合評価", "達成区分", "評価区分", "判定区分", "評定",
              "判定結果", "進捗状況", "進捗評価", "達成度評価"),
    "diff": ("目標と実績の比較", "差", "増減", "前年比", "差異", "比較"),
    "reference": ("参考値", "参考"),
    "unit": ("単位",),
}
NAME_LABELS = ("指標名", "指標", "成果指標", "活動指標", "KPI", "重要業績評価指標", "項目", "事業名", "事務事業名",
               "指標名称", "評価指標", "施策名", "取組名", "数値目標", "目標項目", "指標項目",
               # the unit a row stands for, when its indicator is in the name: 「創業塾(参加者数)」
               "実施事業", "個別事業", "主な取組", "取組", "実施項目", "事業", "施策")
KIND_COLUMN_LABELS = ("区分", "種別", "値の種類")
TOTAL_LABELS = ("合計", "計", "総計", "総数", "小計", "全体", "累計")

_KIND_LOOKUP = sorted(((s, k) for k, ss in VALUE_KINDS.items() for s in ss), key=lambda p: -len(p[0]))

# 「2018(実績)」「現状(2019)」「2021年度」: a Western year in a header needs no 年 (era years: eras.py)
_WEST_YEAR = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?!\d)\s*(?:年\s*(?P<do>度)?)?(?:\s*(?P<m>\d{1,2})\s*月)?")
_BARE_YEAR = re.compile(r"^\s*(?P<n>\d{1,2}|元)\s*(?:年\s*(?P<do>度)?)?\s*(?P<end>末)?\s*$")
_EMBEDDED_YEAR = re.compile(r"(?<![\d.])(?P<n>\d{1,2}|元)\s*年\s*(?P<do>度)?(?P<end>末)?")
_PERIOD = re.compile(r"(\d+)\s*[ヵカケヶか箇]?\s*年(?:間)?\s*(?:目標|後)")


def key(text: str) -> str:
    """NFKC, no spaces, no brackets or trailing colon: the form labels are compared in."""
    t = unicodedata.normalize("NFKC", text or "")
    t = re.sub(r"[\s\u3000]+", "", t)
    return t.strip("【】[]<>《》:：・*")


@dataclass(frozen=True)
class Header:
    """One header cell (or row label) read: value kind and fiscal year, with the text kept."""

    raw: str
    kind: str | None = None  # a VALUE_KINDS key
    year: int | None = None  # fiscal year, when one is printed (or inferred from the era given)
    year_basis: str | None = None  # "printed" or "era from context: 平成"
    as_of: str | None = None  # "2003-09-30" for 「平成15年9月30日現在」
    period: str | None = None  # 「5ヵ年目標」 → "5年"
    lower: str | None = None  # a stacked cell 「目標値(上段)・実績値(下段)」: kind of each line
    upper: str | None = None

    @property
    def is_year(self) -> bool:
        return self.year is not None


_KIND_PREFIXES = ("今年度", "本年度", "前年度", "年度", "最終", "年間", "単年度", "計画", "長期的", "中間", "当該年度", "各年度")


def _end_with_matsu(t: str, end: int) -> int:
    """Where an era date ending at `end` ends with the 「末」 printed after it (R5年度末, H25 末), if any."""
    after = t[end:]
    return end + len(after) - len(after.lstrip()) + 1 if after.lstrip().startswith("末") else end


def _without_era_dates(t: str) -> str:
    """The text with its era dates (and a 「末」 after one) cut out: 「H24予算」 → 「予算」."""
    for d in reversed(find_era_dates(t)):
        t = t[:d.start] + t[_end_with_matsu(t, d.end):]
    return t


# the head nouns that name a role whatever qualifies them (前期実施計画, 最終目標, H23-27実績額, 中間見込):
# a label *ending* in one of these (with 値/額/量 after it) names that role. Shorter or vaguer words
# (基準, 現状, 評価, 差 …) must be the whole label or take a listed prefix: 「評価基準」 is a legend's
# column and 「現状維持」 a direction.
HEAD_NOUNS: dict[str, tuple[str, ...]] = {
    "target": ("目標", "計画", "予定", "目標値", "計画値", "予定値"),
    "actual": ("実績", "実績値", "決算", "現況値", "現状値", "達成値"),
    "projection": ("見込み", "見込", "見通し"),
    "rate": ("達成率", "進捗率", "達成度", "進捗度", "執行率"),
    "baseline": ("基準値", "当初値", "策定時", "初期値"),
}
_HEAD_LOOKUP = sorted(((s, k) for k, ss in HEAD_NOUNS.items() for s in ss), key=lambda p: -len(p[0]))
_HEAD_SUFFIXES = ("", "値", "額", "量")
# a qualifier that makes the label something else: 「計画期間」 is not a target, nor 「目標設定の考え方」
_NOT_A_ROLE = re.compile(r"(期間|指標|事業数|施策数|項目|の考え方|内容|名|番号|年度数)$")
# marks that pair columns (「事業費 (A)」「実績額 (B)」「(B)/(A)」): not part of the label's words
_MARK = re.compile(r"[(（]\s*[A-Za-zＡ-Ｚａ-ｚ](?:\s*[+＋/／]\s*[A-Za-zＡ-Ｚａ-ｚ])*\s*[)）]")
# a span of years printed in a header (「H23-27」「2011～2015」「令和3～7年度」): a period, not one year
PERIOD_SPAN = re.compile(
    r"(?:(?:令和|平成|昭和|[RHS])\s*)?[0-9０-９元]{1,4}\s*(?:年度?)?\s*[-－~〜～・]\s*(?:(?:令和|平成|昭和|[RHS])\s*)?"
    r"[0-9０-９]{1,4}\s*(?:年度?)?")


def marks(text: str) -> list[str]:
    """The pairing marks a header prints: 「事業費 (A)」 → ["A"]; 「(B)/(A)」 → ["B", "A"]."""
    t = unicodedata.normalize("NFKC", text or "")
    return re.findall(r"[(]\s*([A-Za-z])\s*[)]", t)


@functools.lru_cache(maxsize=65536)  # pure; every table asks it of every header and label cell
def value_kind(text: str) -> str | None:
    """The value kind a label names: 「実績値」 → "actual", 「H24予算」 → "target", 「達成率」 → "rate",
    「前期実施計画」 → "target", 「H23-27実績額 (B)」 → "actual".

    The label must *be* the kind word (with a short prefix such as 今年度/最終, a 値, or a note in
    parentheses) or end in one of the head nouns (HEAD_NOUNS), not merely contain it: 「現状維持」 is a
    direction, not 現状, and 「評価指標」 a name.
    """
    t = _MARK.sub("", key(text)).strip("/／・")
    t = PERIOD_SPAN.sub("", t) if re.search(r"[-－~〜～]", t) else t
    outside = t
    while (stripped := re.sub(r"[(（][^()（）]*[)）]", "", outside)) != outside:  # nested: 「当初値(2020年度(令和2年度))」
        outside = stripped  # 「実績(下段)」「最終実績値(平成29年度末)」
    # 「2018(実績)」: nothing but a year outside the parenthesis — the kind is the one inside
    # 「現状(策定時)」「実績(基準年)」: the value the plan started from
    inside = "".join(re.findall(r"[(（]([^()（）]*)[)）]", t))
    if inside in ("策定時", "計画策定時", "基準", "基準年", "基準年度", "当初", "計画当初") and outside:
        return "baseline"
    t = outside if _WEST_YEAR.sub("", _without_era_dates(outside)).strip() else re.sub(r"[()（）]", "", t)
    t = _without_era_dates(t)
    t = _WEST_YEAR.sub("", t)
    t = re.sub(r"^\d{1,2}年度?", "", t).strip("・/ ")
    if not t:
        return None
    for spelling, kind in _KIND_LOOKUP:
        if t == spelling or t == spelling + "値":
            return kind
        if t.endswith(spelling) and t[: -len(spelling)] in _KIND_PREFIXES:
            return kind
        if t.endswith(spelling + "値") and t[: -len(spelling) - 1] in _KIND_PREFIXES:
            return kind
    if _NOT_A_ROLE.search(t):
        return None
    kind = _head_noun_kind(t)
    # 「当初現況値」「策定時実績」: the value a plan started from
    return "baseline" if kind == "actual" and t.startswith(("当初", "策定時", "計画策定時", "基準")) else kind


def _head_noun_kind(t: str) -> str | None:
    for spelling, kind in _HEAD_LOOKUP:
        for suffix in _HEAD_SUFFIXES:
            word = spelling + suffix
            if t.endswith(word) and len(t) - len(word) <= 10:
                return kind
    return None


def is_name_label(text: str) -> bool:
    t = key(text)
    return bool(t) and any(t == n or (t.endswith(n) and len(t) <= len(n) + 4) for n in NAME_LABELS)


def is_total_label(text: str) -> bool:
    """「合計」「合 計」「計」「総数」「評価事業数」 … — a cell that names a total, not a category."""
    t = key(text)
    t = re.sub(r"[(（].*?[)）]", "", t)
    return t in TOTAL_LABELS or t.endswith(("合計", "総数", "小計")) or bool(re.fullmatch(r".{0,6}(事業|施策|項目|指標|件)数", t))


def _era_of_text(text: str) -> str | None:
    m = re.search(r"(令和|平成|昭和)", text)
    return m.group(1) if m else None


@functools.lru_cache(maxsize=65536)
def parse_header(text: str, era: str | None = None) -> Header:
    """「H24予算」 → Header(kind target, year 2012); 「2018(実績)」 → actual 2018; 「18」 with era 平成 → 2006.

    `era` is the era of bare numbers (from a header cell such as 「平成(年度)」 or the document);
    without it a bare 1–2 digit number is not a year.
    """
    raw = text
    t = unicodedata.normalize("NFKC", text or "").replace("\u3000", " ").strip()
    if not t:
        return Header(raw=raw)
    upper = lower = None
    if "上段" in t and "下段" in t:
        up = re.search(r"([^()()・/]+?)\s*\(?上段", t)
        lo = re.search(r"([^()()・/]+?)\s*\(?下段", t)
        upper = value_kind(up.group(1)) if up else None
        lower = value_kind(lo.group(1)) if lo else None
    year = basis = as_of = None
    rest = t
    span = PERIOD_SPAN.search(t) if re.search(r"[-－~〜～]", t) else None
    if span and (find_era_dates(span.group()) or _WEST_YEAR.search(span.group())) or (
            span and era and re.fullmatch(r"[0-9]{1,2}\s*[-－~〜～]\s*[0-9]{1,2}", span.group().strip())):
        # 「H23-27実績額」「2011～2015年度」: a period, not the first year of it
        rest = t[:span.start()] + " " + t[span.end():]
        kind = value_kind(rest) if rest.strip() else None
        return Header(raw=raw, kind=kind, period=span.group().strip(), upper=upper, lower=lower)
    if dates := find_era_dates(t):
        # the era date reader shared with the rest of hyoka (normalizers/eras.py): 令和5年度, R5, H24予算,
        # 平成15年9月30日; 「末」 after it (R5年度末, H25末) is the end of that year
        d = dates[0]
        # 「令和7年3月末」 is a date in FY2024; 「R5年度末」「H25末」 the end of that (fiscal) year
        year = d.year if d.is_fiscal or d.month is None else fiscal_year_of(d.year, d.month)
        if d.month and d.day:
            as_of = f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
        basis = "printed"
        rest = t[:d.start] + " " + t[_end_with_matsu(t, d.end):]
    elif m := _WEST_YEAR.search(t):
        y = int(m.group("y"))
        month = int(m.group("m")) if m.group("m") else None
        year = y if m.group("do") or month is None else fiscal_year_of(y, month)
        basis = "printed"
        rest = t[:m.start()] + " " + t[m.end():]
    elif era and ((m := _BARE_YEAR.match(re.sub(r"[()]", "", t))) or (m := _EMBEDDED_YEAR.search(t))):
        n = 1 if m.group("n") == "元" else int(m.group("n"))
        if 1 <= n <= 64:
            year, basis = era_to_year(era, n), f"era from context: {era}"
            rest = t[:m.start()] + " " + t[m.end():] if m.re is _EMBEDDED_YEAR else ""
    kind = value_kind(rest) if rest.strip() else None
    period = None
    if pm := _PERIOD.search(t):
        period = f"{pm.group(1)}年"
        kind = kind or "target"
    return Header(raw=raw, kind=kind, year=year, year_basis=basis, as_of=as_of, period=period,
                  upper=upper, lower=lower)


def header_era(text: str) -> str | None:
    """The era a header cell sets for the bare numbers beside it: 「平成(年度)」 → "平成"."""
    t = key(text)
    m = re.fullmatch(r"(令和|平成|昭和)(?:\(?年度?\)?)?", t)
    return m.group(1) if m else None
