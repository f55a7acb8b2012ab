"""Counts printed in prose: 「46項目を「順調」」「77項目中12項目で上昇」「評価対象 394事業(96%)」.

Reports summarise their grades in sentences as often as in tables. `count_phrases` finds
each label × count a sentence states, with the share and the total where printed, as
spans of the text as printed. Only phrases whose label is tied to the count by the
sentence's own grammar are read (a quoted label, 「N中M」, 「…したN指標」); a bare number
next to a noun (「85項目を評価し」) is not a count of a grade and is left alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# what is counted: 事業, 施策, 指標, 項目 … (longest first)
COUNT_UNITS = ("事務事業", "事業", "施策", "指標", "項目", "件", "本", "団体", "取組", "KPI", "個", "ヵ所", "か所", "箇所",
               "分野", "課題", "取り組み")
_U = "(?:" + "|".join(COUNT_UNITS) + ")"
_N = r"[0-9０-９][0-9０-９,，]*"
_DIGITS = str.maketrans("０１２３４５６７８９，", "0123456789,")


@dataclass(frozen=True)
class CountPhrase:
    label: str  # as printed
    count_raw: str  # 「46項目」
    count: int
    start: int
    end: int
    share_raw: str | None = None  # 「96%」
    total: int | None = None  # 「77項目中」 → 77


def _int(s: str) -> int:
    return int(s.translate(_DIGITS).replace(",", ""))


_PATTERNS = [
    # 108項目のうち、「◎」は24項目 / 30指標中「A」が12指標: the total first, then a quoted label and its count
    re.compile(rf"(?P<total>{_N})\s*{_U}\s*(?:中|のうち)[、,，]?\s*「(?P<label>[^」]{{1,20}})」\s*(?:評価)?(?:は|が|も)\s*"
               rf"(?P<count>(?P<n>{_N})\s*{_U})"),
    # 効果的なもの(A)が 22個 / 「順調」(A)は5施策: a label with its grade in brackets, then が/は and the count
    re.compile(rf"(?P<label>[^\s、。,，()（）]{{1,20}}?[(（][A-EＡ-Ｅ◎○〇△×][)）])\s*(?:が|は|も)\s*(?P<count>(?P<n>{_N})\s*{_U})"),
    # 81項目のうち、達成は39項目: the total, then a word label (no quotes) and its count
    re.compile(rf"(?P<total>{_N})\s*{_U}\s*(?:中|のうち)[、,，]?\s*(?P<label>[^\s\d、。,，「」()（）]{{1,8}}?)\s*(?:評価)?(?:は|が)\s*"
               rf"(?P<count>(?P<n>{_N})\s*{_U})"),
    # A評価が25事務事業 / ◎は12項目: a grade or symbol label (with 評価/判定), then が/は and the count
    re.compile(rf"(?<![A-Za-zＡ-Ｚａ-ｚ])(?P<label>[A-EＡ-Ｅ][+＋]?|[◎○〇△×])\s*(?:評価|判定|区分)?\s*(?:が|は|も)\s*"
               rf"(?P<count>(?P<n>{_N})\s*{_U})"),
    # 1項目については…「評価なし」としました: a count, then the label it was given
    re.compile(rf"(?P<count>(?P<n>{_N})\s*{_U})(?:については|は)[^。「]{{0,60}}「(?P<label>[^」]{{1,20}})」と(?:し|な)"),
    # 46項目を「順調」 / 4項目を「おおむね順調」とした
    re.compile(rf"(?P<count>(?P<n>{_N})\s*(?:つの)?{_U})を\s*「(?P<label>[^」]{{1,20}})」"),
    # 「努力を要する」も35項目 / 「A」が12事業
    re.compile(rf"「(?P<label>[^」]{{1,20}})」\s*(?:評価)?(?:も|が|は)\s*(?P<count>(?P<n>{_N})\s*(?:つの)?{_U})"),
    # 77項目中12項目で上昇 / 全20事業中8事業が達成
    re.compile(rf"(?P<total>{_N})\s*{_U}中\s*(?P<count>(?P<n>{_N})\s*{_U}?)\s*(?:で|が|は|に)\s*"
               rf"「?(?P<label>[^\s、。,，」]{{1,15}}?)」?(?=し|と|、|。|,|$)"),
    # 4つの項目で目標値を達成しました / 30項目が「目標値以上」
    re.compile(rf"(?<![0-9０-９中])(?P<count>(?P<n>{_N})\s*(?:つの)?{_U})\s*(?:で(?!す|した|ある|あった)|が)\s*"
               rf"「?(?P<label>[^、。,，」「]{{1,20}}?)」?(?=しました|した|している|しています|となり|となって|となった|。|、|$)"),
    # 目標値を達成した指標は、「…」と「…」の2指標
    re.compile(rf"(?P<label>[^\s、。,，の]{{1,12}}?)した(?P<u>{_U})は[、,，]?.{{0,120}}?の(?P<count>(?P<n>{_N})\s*(?P=u))"),
    # 評価対象 394事業(96%) / A … 49指標(60.5%) / 達成済み 8事業, 36%
    re.compile(rf"(?P<label>[^\s\d０-９、。,，:：()（）…・]{{1,15}})\s*[:：…・.\s,，]*\s*(?P<count>(?P<n>{_N})\s*{_U})\s*"
               rf"(?:[(（]\s*(?:約)?(?P<share>[0-9０-９.．]+\s*[%％])\s*[)）]|[,，、]\s*(?:約)?(?P<share2>[0-9０-９.．]+\s*[%％]))"),
]


def count_phrases(text: str) -> list[CountPhrase]:
    """Every label × count the text states, in order; overlapping readings keep the first pattern's."""
    found: list[CountPhrase] = list(labelled_sequence(text))
    taken: list[tuple[int, int]] = [(p.start, p.end) for p in found]
    for rx in _PATTERNS:
        for m in rx.finditer(text):
            span = m.span("count")
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            label = m.group("label").strip()
            if not label or re.fullmatch(r"[0-9０-９,.%％\s]+", label):
                continue
            share = m.groupdict().get("share") or m.groupdict().get("share2")
            total = m.groupdict().get("total")
            found.append(CountPhrase(label=label, count_raw=m.group("count").strip(), count=_int(m.group("n")),
                                     start=m.start(), end=m.end(), share_raw=share.strip() if share else None,
                                     total=_int(total) if total else None))
            taken.append(span)
    return sorted(found, key=lambda p: p.start)


_SENTENCE_TOTAL = re.compile(rf"(?P<total>{_N})\s*{_U}\s*(?:のうち|中)")
# 「81項目中 達成 39 概ね達成 23 未達成 19」: a total, then labels each followed by its count
_LABELLED_SEQUENCE = re.compile(rf"(?P<total>{_N})\s*(?P<u>{_U})\s*中[、,，:：\s]*(?P<seq>(?:[^\s\d、。,，:：]{{1,8}}\s*{_N}\s*(?:(?P=u))?\s*[、,，]?\s*){{2,}})")


def sentence_total(text: str) -> int | None:
    """「評価対象98事務事業のうち、A評価が25事務事業…」 → 98: the scope a sentence counts within."""
    m = _SENTENCE_TOTAL.search(text)
    return _int(m.group("total")) if m else None


def labelled_sequence(text: str) -> list[CountPhrase]:
    """「81項目中 達成 39 概ね達成 23 未達成 19」 → the labelled counts, each with the total."""
    m = _LABELLED_SEQUENCE.search(text)
    if not m:
        return []
    total = _int(m.group("total"))
    out = []
    for p in re.finditer(rf"(?P<label>[^\s\d、。,，:：]{{1,8}})\s*(?P<n>{_N})\s*(?:{_U})?", m.group("seq")):
        start = m.start("seq") + p.start()
        out.append(CountPhrase(label=p.group("label"), count_raw=p.group(0).strip()[len(p.group("label")):].strip(),
                               count=_int(p.group("n")), start=start, end=m.start("seq") + p.end(), total=total))
    return out


def is_count_cell(text: str) -> bool:
    """「45事務事業」「109件」「71」 — a cell that is a whole count (with a count unit or none)."""
    t = text.strip().translate(_DIGITS)
    return bool(re.fullmatch(rf"\d[\d,]*\s*(?:{'|'.join(COUNT_UNITS)})?", t))


def count_of(text: str) -> int | None:
    t = text.strip().translate(_DIGITS)
    m = re.match(r"(\d[\d,]*)", t)
    return int(m.group(1).replace(",", "")) if m else None


# --- one printed count or share (a count table's cell, a summary item) ---------------------------

_SHARE_CELL = re.compile(r"(?:約|およそ)?\s*(\d+(?:\.\d+)?)\s*(%|割)?")
_COUNT_CELL = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)\s*([^\d\s.,%~〜～\-−()（）約]{0,8})")


def parse_count(raw: str | None) -> int | None:
    """「45事務事業」 → 45, 「109件」 → 109, 「３０」 → 30; 「約40件」, 「-」, 「30～40」, 「4.5」 → None."""
    if raw is None:
        return None
    m = _COUNT_CELL.fullmatch(unicodedata.normalize("NFKC", raw).strip())
    return int(m.group(1).replace(",", "")) if m else None


def share_parts(raw: str | None) -> tuple[str, int] | None:
    """The number of a printed share as printed and what it is in (100 for %, 10 for 割):
    「約78%」 → ("78", 100), 「96.0%」 → ("96.0", 100), 「49.3」 → ("49.3", 100), 「9割」 → ("9", 10)."""
    text = unicodedata.normalize("NFKC", raw or "").strip().strip("()（）[]").strip()
    m = _SHARE_CELL.fullmatch(text)
    if m is None:
        return None
    return m.group(1), 10 if m.group(2) == "割" else 100


def parse_share(raw: str | None) -> float | None:
    """A share as printed, in percent: 「96%」 → 96.0, 「 4%」 → 4.0, 「49.3」 → 49.3 (a 割合(%) row),
    「約78%」 → 78.0, 「(60.5%)」 → 60.5, 「9割」 → 90.0; anything else → None."""
    parts = share_parts(raw)
    return None if parts is None else float(parts[0]) * (100 // parts[1])
