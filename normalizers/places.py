"""Municipality names read from a report's own text."""

from __future__ import annotations

import collections

import regex

# 1–4 kanji/hiragana then 市/区/町/村: 武蔵野市, 西東京市, あきる野市, 昭島市, 大船渡市.
_MUNICIPALITY = regex.compile(r"(?<![\p{Han}\p{Hiragana}])[\p{Han}\p{Hiragana}]{1,4}?[市区町村]")
# Words of that shape that are not places.
_NOT_PLACES = {
    "都市", "本市", "当市", "各市", "近隣市", "他市", "全市", "市町村", "区市町村", "同市", "両市",
    "市", "区", "町", "村", "周辺市",
}


def find_municipality(title: str, body: str = "") -> str | None:
    """The municipality a report is about: the first one in its title, else the most frequent in its body.

    「昭島市産業振興計画についての 報告書」 → 昭島市; a title without one (「第二期産業振興計画
    進捗管理まとめ」) falls back to the body, where 武蔵野市 outnumbers every other name.
    """
    for m in _MUNICIPALITY.finditer(title):
        if m.group() not in _NOT_PLACES:
            return m.group()
    counts = collections.Counter(m.group() for m in _MUNICIPALITY.finditer(body) if m.group() not in _NOT_PLACES)
    if not counts:
        return None
    return counts.most_common(1)[0][0]
