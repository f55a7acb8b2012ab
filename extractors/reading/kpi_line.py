"""KPI lines in prose: an indicator stated in one line of text instead of a table row.

- 「観光入込客数：120万人（R2）→ 150万人（R7）」「来訪者数 基準値 120万人 → 目標値 150万人」: a value,
  an arrow, a value — the left one the baseline (or the value at its date), the right one the target;
- 「観光入込客数 目標 150万人 実績 141万人（達成率 94.0%）」「目標値：30件、実績値：33件、達成率110%」: the roles
  named in the line by the domain's words.

The fiscal year is the one printed in the line (next to the value, or before the roles), else none:
a line without a year is kept with its values and no year rather than given a guessed one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hyoka.normalizers.headers import parse_header

# a figure with its unit; a unit has no kana particle in it (「11件で」 is 11件), except か所/ヶ所
_NUM = (r"[△▲\-−]?\s*[0-9０-９][0-9０-９,，.．]*\s*"
        r"(?:[万千億]?(?:か所|ヵ所|ヶ所|箇所|[^\s\d\u3040-\u309f、。,，()（）→⇒➡:：/／]{0,4}))")
# the roles by the domain's words (normalizers/headers.py HEAD_NOUNS and VALUE_KINDS)
_TARGET = r"(?:目標|計画|予定)(?:値)?"
_ACTUAL = r"(?:実績|達成|結果|現状|現況)(?:値)?"
_WHEN = r"[(（]\s*(?P<{0}>[^()（）]{{1,16}}(?:[(（][^()（）]{{1,12}}[)）])?)\s*[)）]"  # 「(2020年度(令和2年度))」
_ARROW = r"\s*(?:→|⇒|➡|->|＞)\s*"

_BASE_TO_TARGET = re.compile(
    rf"(?P<name>[^\s:：、。→]{{2,40}}?)\s*[:：]?\s*(?:(?:基準値?|現状値?|現況値?|策定時|当初値?)\s*[:：]?\s*)?"
    rf"(?P<a>{_NUM})\s*(?:{_WHEN.format('a_when')})?{_ARROW}(?:(?:目標値?|目標)\s*[:：]?\s*)?"
    rf"(?P<b>{_NUM})\s*(?:{_WHEN.format('b_when')})?")
_ROLES = re.compile(
    rf"{_TARGET}\s*[:：]?\s*(?P<t>{_NUM})\s*[、,，/／\s]\s*{_ACTUAL}\s*[:：]?\s*(?P<a>{_NUM})"
    rf"(?:\s*[、,，(（]?\s*(?:達成率|達成度|進捗率)\s*[:：]?\s*(?P<r>[0-9０-９.．]+\s*[%％])\s*[)）]?)?")


# 「Xは、2022年度の目標17件に対して実績値は11件で、達成度は64.7%でした」: a sentence naming both roles
_SENTENCE = re.compile(
    rf"(?P<name>[^\s、。,，]{{2,40}}?)(?:は|が)[、,，]?\s*(?P<when>[^、。,，目計予]{{0,24}}?)の?\s*{_TARGET}\s*(?:は|が|[:：])?\s*"
    rf"(?P<t>{_NUM}?)\s*(?:に対して|に対し|のところ)[、,，]?\s*{_ACTUAL}\s*(?:は|が|[:：])?\s*(?P<a>{_NUM}?)"
    rf"(?:\s*(?:で|と)[^。]{{0,12}}?(?:達成率|達成度|進捗率)\s*(?:は|が|[:：])?\s*(?P<r>[0-9０-９.．]+\s*[%％]))?")


@dataclass(frozen=True)
class KpiLine:
    name: str
    baseline: str | None = None
    target: str | None = None
    actual: str | None = None
    rate: str | None = None
    year_text: str | None = None  # where the year was printed
    year: int | None = None
    baseline_year: int | None = None


def _clean(v: str | None) -> str | None:
    return v.strip() if v else None


def kpi_lines(line: str, era: str | None) -> list[KpiLine]:
    """Every KPI stated in the line (a sentence of prose or a bullet)."""
    out: list[KpiLine] = []
    for m in _SENTENCE.finditer(line):
        h = parse_header(m.group("when"), era) if m.group("when") else None
        out.append(KpiLine(name=m.group("name").strip(" ・-*●◆■"), target=_clean(m.group("t")), actual=_clean(m.group("a")),
                           rate=_clean(m.group("r")), year=h.year if h else None, year_text=h.raw if h and h.year else None))
    if out:
        return out
    for m in _ROLES.finditer(line):
        before = line[:m.start()]
        name = re.split(r"[。、：:]", before.rstrip(" 　:：、"))[-1].strip(" ・-*●◆■")
        h = next((h for h in (parse_header(t, era) for t in re.findall(r"(?:令和|平成|[RH])\s*[0-9元]{1,2}(?:\s*年度?)?|20\d{2}\s*年度", line))
                  if h.year is not None), None)
        if h is not None and h.raw in name:
            name = name.replace(h.raw, "").strip(" 　の")
        # 「●R5：年度目標442人」: 年度 (今年度, 最終 …) qualifies 目標, it names nothing
        name = re.sub(r"(?:^|[\s　:：])(?:年度|今年度|本年度|単年度|最終|中間|年間)$", "", name).strip(" 　:：・●")
        if name in ("年度", "今年度", "本年度", "単年度", "最終", "中間", "年間"):
            name = ""
        if len(name) > 40:
            continue  # a sentence, not a name (an empty name is the caller's to find: 【name】 above)
        out.append(KpiLine(name=name, target=_clean(m.group("t")), actual=_clean(m.group("a")), rate=_clean(m.group("r")),
                           year=h.year if h else None, year_text=h.raw if h else None))
    if out:
        return out
    for m in _BASE_TO_TARGET.finditer(line):
        name = m.group("name").strip(" ・-*●◆■")
        a_when, b_when = m.group("a_when"), m.group("b_when")
        hb = parse_header(b_when, era) if b_when else None
        ha = parse_header(a_when, era) if a_when else None
        if not re.search(r"[\u3040-\u30ff\u3400-\u9fff]", name) or re.fullmatch(r"[0-9０-９年度月日RH令和平成\s]+", name):
            continue
        out.append(KpiLine(name=name, baseline=_clean(m.group("a")), target=_clean(m.group("b")),
                           year=hb.year if hb else None, year_text=b_when,
                           baseline_year=ha.year if ha else None))
    return out
