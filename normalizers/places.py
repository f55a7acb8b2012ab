"""Municipality names read from a report's own text — only whole names of real governments.

A name is one of Japan's 47 prefectures and ~1,740 municipalities (data/municipalities.tsv: every
市町村 and Tokyo's 23 special wards, from the japancode package's table of local-government codes),
found as a whole word:

- it ends where the text has 市/区/町/村/都/道/府/県, and the longest known name ending there wins
  (「泉大津市」, never its tail 「津市」); spaces inside it are wrapped-line or emphasis artifacts
  (「泉大 津市」 is 泉大津市);
- it starts at a word boundary: not in the middle of a kanji word («…年度津市» is no 津市), except
  after a prefecture or a 郡 (「東京都武蔵野市」, 「夕張郡栗山町」) — a name of three characters or
  more is also taken after a kanji, as in 「令和5年度武蔵野市事務事業評価」, since such a run of
  characters is rarely the tail of another word;
- its last character is not the head of a common noun: 「…区分」「…区画」「…区域」「…市場」 are
  category and place words, not places (「対象外区分」 names no 対象外区);
- or it is the name's reading written in hiragana as a word of its own, as some plans spell their
  city (「ふくおかし保健福祉総合計画」 → 福岡市): a whole run of hiragana, five letters or more, equal
  to a reading (shorter readings — 「つし」, 「さどし」 — are too often pieces of ordinary words).

A pattern alone (1–4 kanji + 市) read 「評価区」 out of 評価区分 and 「津市」 out of 泉大津市; the list
makes every answer a real government.
"""

from __future__ import annotations

import collections
import functools
import re
from importlib.resources import files

_SUFFIXES = "市区町村都道府県"
_SPACES = " \u3000"
# a name's last character followed by one of these is a common noun (区分, 区画, 区域, 区間, 市場, 町内会
# is a place — so 内 is not here): no place ends there
_NOUN_AFTER = set("分画域間場切")
_ADDRESS_BEFORE = set("都道府県郡")  # 「東京都|武蔵野市」, 「夕張郡|栗山町」: an address, a boundary
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶヵ]")
_HIRAGANA = re.compile(r"[\u3041-\u309f]")
_KATAKANA = re.compile(r"[\u30a0-\u30ff]")
_SUFFIX = re.compile(f"[{_SUFFIXES}]")


_MIN_READING = 5
_HIRAGANA_RUN = re.compile(r"[\u3041-\u3096ー]{%d,}" % _MIN_READING)


@functools.lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], dict[str, str]]:
    names: dict[str, str] = {}
    readings: dict[str, str] = {}
    text = files("hyoka.normalizers").joinpath("data/municipalities.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("#") or line.startswith("code\t") or not line.strip():
            continue
        _code, prefecture, name, kana = line.split("\t")
        names.setdefault(name, prefecture)
        if len(kana) >= _MIN_READING and kana != name:
            readings.setdefault(kana, name)
    return names, readings


def known_names() -> dict[str, str]:
    """Every prefecture and municipality name → its prefecture (「武蔵野市」 → 「東京都」; 「茨城県」 → 「茨城県」).
    A name shared by several prefectures (府中市, 伊達市) maps to the first listed."""
    return _table()[0]


@functools.lru_cache(maxsize=1)
def _longest() -> int:
    return max(map(len, known_names()))


def _script(ch: str) -> str | None:
    if _HAN.match(ch):
        return "han"
    if _HIRAGANA.match(ch):
        return "hiragana"
    if _KATAKANA.match(ch):
        return "katakana"
    return None


def find_places(text: str) -> list[tuple[str, int]]:
    """Every whole known name in `text`, in order, with where it starts: 「東京都武蔵野市の…」 →
    [("東京都", 0), ("武蔵野市", 3)]."""
    return [(name, start) for name, start, _end in _spans(text)]


def _spans(text: str) -> list[tuple[str, int, int]]:
    """find_places with where each name ends (a spaced name or a reading is longer than the name)."""
    names = known_names()
    found: list[tuple[str, int, int]] = []
    taken_until = -1  # a name found ends here: a shorter name inside it is no second place
    for m in _SUFFIX.finditer(text):
        end = m.end()
        if end < len(text) and text[end] in _NOUN_AFTER:
            continue
        # the characters before the suffix, spaces skipped, with their positions
        chars: list[tuple[str, int]] = []
        i = end - 1
        while i >= 0 and len(chars) < _longest():
            if text[i] in _SPACES:
                if not chars or (i > 0 and text[i - 1] in _SPACES):  # one space inside a name, not a gap
                    break
                i -= 1
                continue
            if text[i] in "\n\t|":
                break
            chars.append((text[i], i))
            i -= 1
        for length in range(len(chars), 1, -1):
            start = chars[length - 1][1]
            name = "".join(c for c, _ in reversed(chars[:length]))
            if name not in names or start <= taken_until:
                continue
            if _boundary_before(text, start, name):
                found.append((name, start, end))
                taken_until = end - 1
                break
    readings = _table()[1]
    found.extend((readings[m.group()], m.start(), m.end()) for m in _HIRAGANA_RUN.finditer(text)
                 if m.group() in readings)
    return sorted(found, key=lambda f: f[1])


def _boundary_before(text: str, start: int, name: str) -> bool:
    if start == 0:
        return True
    before = text[start - 1]
    if before in _SPACES or before in _ADDRESS_BEFORE:
        return True
    script = _script(before)
    if script is None:
        return True
    first = _script(name[0])
    if script == "han":
        return first != "han" or len(name) >= 3
    return script != first  # 「は佐渡市」 yes; 「…のいの町」 no


_COUNTY = re.compile(r"[\u4e00-\u9fff]{1,4}郡")


def _prefer_municipality(text: str, found: list[tuple[str, int, int]]) -> list[str]:
    """The names, with a prefecture printed as the start of an address (「東京都武蔵野市」,
    「北海道夕張郡栗山町」) left out: the address names the municipality."""
    out = []
    for k, (name, _start, end) in enumerate(found):
        nxt = found[k + 1] if k + 1 < len(found) else None
        is_prefecture = known_names().get(name) == name
        if is_prefecture and nxt is not None:
            gap = text[end:nxt[1]]
            if gap == "" or _COUNTY.fullmatch(gap):
                continue
        out.append(name)
    return out


def find_municipality(title: str, body: str = "") -> str | None:
    """The government a report is about: the first name in its title, else the one its body names most
    (the first of those named equally often).

    「昭島市産業振興計画についての 報告書」 → 昭島市; a title without one (「第二期産業振興計画
    進捗管理まとめ」) falls back to the body, where 武蔵野市 outnumbers every other name.
    """
    in_title = _prefer_municipality(title, _spans(title))
    if in_title:
        return in_title[0]
    in_body = _prefer_municipality(body, _spans(body))
    if not in_body:
        return None
    counts = collections.Counter(in_body)
    best = max(counts.values())
    return next(name for name in in_body if counts[name] == best)
