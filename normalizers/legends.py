"""Legend lines as printed → (label, text) items, in any symbol, grade or word set.

Reports print their scale in many shapes; each function reads one shape and returns the
items with their spans, or nothing:

- `legend_line`: one item per line — 「A:対策や事業が…」「- ◎ : 目標を大幅に…」「◎5点」;
- `inline_items`: several in one cell or sentence — 「◎:… △:… ×:…」「(1)順調=…(2)おおむね順調=…」,
  「a 目標値に… b 目標値の… c 初期値…」 (labels in alphabetical order);
- `quoted_scale`: 「「順調」,「概ね順調」,「やや遅れ」,「遅れ」の4段階」;
- `quoted_symbols`: 「「⇧」は目標値を上回ることが望ましい指標、「⇩」は…」;
- `marker_legend`: 「< ・取組 ◆成果 >」;
- `declared_scale`: a scale named but not spelled out — 「ABCDの段階評価」「4段階で評価します」.

`legend_kind` says what the items define: points per label, bands of a ratio, or words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SYMBOLS = "◎〇○◯△▲×□■☆★◆●⇧⇩↑↓→"
# a legend label: a symbol, a grade letter (S, A, B+, Ａ), a lower-case letter, katakana ア–オ, a roman numeral
_LABEL = rf"(?:[{SYMBOLS}]|[SABCDEＳＡＢＣＤＥ][+＋]?|[a-e]|[ア-オ]|[ⅠⅡⅢⅣⅤ])"
_SEP = r"\s*[:：=＝]\s*"
# a label, then a colon or equals sign: 「A:対策や…」 — 「エ 評価結果の妥当性」 is a section heading, not an item
_LINE = re.compile(rf"^\s*(?:[-*・•]\s*|[●■◆]\s*(?=[SA-EＳＡ-Ｅa-e]))?(?P<label>{_LABEL}){_SEP}(?P<text>\S.{{1,200}})$")
_MISSING_LABEL = re.compile(r"^\s*(?:[-*・]\s+)?[:：]\s*(?P<text>\S.{1,200})$")
_POINTS = re.compile(r"(?P<label>.{1,30}?)\s*(?P<points>[-−▲]?\d+(?:\.\d+)?)\s*(?:点|ポイント|pt)")
_NUMBERED = re.compile(r"(?:[(（]\s*\d\s*[)）]|[①-⑩])\s*(?P<label>[^=＝:：()（）\s]{1,12})\s*[=＝:：]\s*(?P<text>[^(（①-⑩]+)")
_QUOTED_SCALE = re.compile(r"((?:「[^」]{1,12}」\s*[,，、・]?\s*){2,})の\s*(?P<n>\d+)\s*段階")
_QUOTED_SYMBOL = re.compile(rf"「(?P<label>[{SYMBOLS}]|[^」]{{1,3}})」\s*は\s*(?P<text>[^、。「]+)")
_GRADE_ORDER = "SABCDE"
# 「ABCDの段階評価」「A・B・C・Dの4段階」「S～Dの5段階」: the grade letters, then 段階
_LETTER_SCALE = re.compile(r"(?<![A-Za-z])(?P<letters>[SA-E][+＋]?(?:\s*[,，、・]?\s*[SA-E][+＋]?){1,5})"
                           r"\s*の\s*(?:(?P<n>\d+)\s*)?段階")
# 「4段階で評価します」「3段階評価」「4段階の区分で評価」: a scale whose names are not printed here
_RANGE_SCALE = re.compile(r"(?<![A-Za-z])(?P<a>[SA-E])\s*[~～〜\-－]\s*(?P<b>[A-E])\s*の\s*(?P<n>\d+)\s*段階")
_BARE_SCALE = re.compile(r"(?P<n>[2-9２-９二三四五六七八九])\s*段階\s*(?:の\s*区分\s*)?(?:で|に|の)?\s*"
                         r"(?:評価|判定|区分|で評価)")
_MARKERS = re.compile(rf"[<＜〈]\s*((?:[{SYMBOLS}・]\s*[^\s<>＜＞〈〉{SYMBOLS}・]{{1,10}}\s*){{2,}})[>＞〉]")


@dataclass(frozen=True)
class Item:
    label: str
    text: str
    start: int = 0
    end: int = 0


# 「-◎　目標を達成(達成度100%以上)」: a symbol or grade letter, a space, its text (no colon); 「ア 施策の…」
# (katakana, a section heading) is not taken this way
_SPACED_LINE = re.compile(rf"^\s*(?:[-*・•●■◆▪]\s*(?=\S))?(?P<label>[{SYMBOLS}]|[SABCDEＳＡＢＣＤＥ][+＋]?)[\s\u3000]+(?P<text>\S.{{1,200}})$")
# 「目標を達成(達成度100%以上)　…　◎」: the text, dots, then its label
_LABEL_LAST = re.compile(rf"^\s*(?P<text>\S.{{1,80}}?)\s*(?:[…‥・.]{{2,}}|…|‥|→|=|＝)\s*(?P<label>{_LABEL})\s*$")


# 「●達成＝達成度100%以上」「・概ね順調：達成率80%以上」: a word label, then its band
_WORD_LINE = re.compile(r"^\s*(?:[-*・•●■◆▪]\s*)?(?P<label>[^\s=＝:：\d%％()（）]{1,8})\s*[=＝:：]\s*"
                        r"(?P<text>[^。]*?(?:[%％]|以上|未満|以下|超え).*)$")


_BAND = r"(?:%|％|以上|未満|以下|超)"  # what a band of the rate prints
# 「目標を達成した(達成度100%以上)　…　達成」: a band, dots, then a word label
_BAND_LINE_WORD = re.compile(rf"^\s*(?P<text>\S.{{1,80}}?{_BAND}[^…‥]{{0,6}}?)\s*(?:[…‥・.]{{2,}}|…|‥|→)\s*"
                             r"(?P<label>[^\s\d%％…‥]{1,8})\s*$")


def legend_line(line: str) -> Item | None:
    """「A:対策や事業が…」 → Item("A", "対策や事業が…"); 「: 目標達成に…」 (label lost) → Item("", …);
    「-◎　目標を達成」 and 「目標を達成 … ◎」 too."""
    if m := (_LABEL_LAST.match(line) or _BAND_LINE_WORD.match(line)):
        return Item(m.group("label"), m.group("text").strip(), m.start(), m.end())
    if (m := _SPACED_LINE.match(line)) and not re.match(r"^[\d,.\-]", m.group("text")):
        return Item(m.group("label"), m.group("text").strip(), m.start("label"), m.end())
    if (m := _WORD_LINE.match(line)) and not _LINE.match(line):
        return Item(m.group("label"), m.group("text").strip(), m.start("label"), m.end())
    if m := _LINE.match(line):
        text = m.group("text").strip()
        # 「A 数値目標」 is a legend; 「A4-1 長崎独自の…」 or 「B 2,000円」 is not
        if re.match(r"^[\d,.\-]", text) and not re.search(r"(点|ポイント|%|％)", text):
            return None
        return Item(m.group("label"), text, m.start("label"), m.end())
    if m := _MISSING_LABEL.match(line):
        return Item("", m.group("text").strip(), m.start(), m.end())
    return None


def inline_items(text: str) -> list[Item]:
    """Several items in one cell or sentence, or [] (fewer than two found)."""
    numbered = [Item(m.group("label"), m.group("text").strip(" 、,-—"), m.start(), m.end())
                for m in _NUMBERED.finditer(text)]
    if len(numbered) >= 2:
        return numbered
    # symbol or letter labels followed by a colon: 「◎:… △:… ×:…」「ア:… イ:…」
    marks = list(re.finditer(rf"(?:(?<=\s)|^)(?P<label>{_LABEL})\s*[:：]", text))
    if len(marks) < 2:
        marks = _sequence(text)
    items = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        body = text[m.end():end].strip()
        if body:
            items.append(Item(m.group("label"), body, m.start(), end))
    if all(re.fullmatch(r"[0-9０-９][0-9０-９,，]*\s*\S{0,4}?[、,，]?", i.text) for i in items):
        return []  # 「A 25 B 40 C 9」 counts the grades, it does not say what they mean
    return items if len(items) >= 2 else []


def _sequence(text: str) -> list[re.Match]:
    """Letters in order, each after a space: 「a 目標… b 目標… c 初期値…」「A 順調 B 概ね順調 C …」."""
    for alphabet in ("abcde", "ABCDE", "アイウエオ"):
        found, pos = [], 0
        for ch in alphabet:
            m = re.compile(rf"(?:(?<=[\s。])|^)(?P<label>{ch})\s+(?=\S)").search(text, pos)
            if m is None:
                break
            found.append(m)
            pos = m.end()
        if len(found) >= 3:
            return found
    return []


# 「目標値以上を◎、目標値と同等を○、目標値未満を△、…を×とする」: the text, を, then its label
_TEXT_THEN_LABEL = re.compile(rf"(?:^|(?<=[、,，。\s]))(?P<text>[^、,，。を「」]{{2,40}}?)を\s*[「『]?(?P<label>{_LABEL})[」』]?"
                              r"(?=\s*(?:[、,，。]|と(?:し|す|な)|で(?:評価|判定|区分)|$))")
# 「効果的なもの(A)、おおむね効果的なもの(B)…」: the text, then its label in brackets
_LABEL_AFTER_TEXT = re.compile(rf"(?:^|(?<=[、,，。\s]))(?P<text>[^、,，。()（）「」\d]{{2,30}}?)\s*[(（](?P<label>{_LABEL})[)）]")
# 「「A」…目標値に対して順調に… 「B」…」: a quoted label, dots or a colon, its text
_QUOTED_LABEL_TEXT = re.compile(rf"[「『](?P<label>{_LABEL})[」』]\s*(?:[…‥:：=＝]+|は)\s*(?P<text>[^「『]+)")


# 「◎(達成度100%以上)、○(達成度80%以上100%未満)…の4段階」: each label with its text in brackets
_LABEL_THEN_PAREN = re.compile(rf"(?:^|(?<=[、,，。\s]))(?P<label>{_LABEL})\s*[(（](?P<text>[^()（）]{{2,40}})[)）]")


# word labels over bands of the rate: 「達成度100%以上を達成、達成度80%以上100%未満を概ね達成…としました」 — a word is
# taken as a label only when each text is a band (%, 以上, 未満), the sign that a scale is being defined
_BAND_THEN_WORD = re.compile(rf"(?:^|(?<=[、,，。\s]))(?P<text>[^、,，。を「」]{{1,40}}?{_BAND}[^、,，。を「」]{{0,6}}?)を\s*[「『]?"
                             r"(?P<label>[^、,，。\s「」『』\d]{1,8}?)[」』]?(?=\s*(?:[、,，。]|と(?:し|す|な)|で(?:評価|判定|区分)|$))")


def sentence_items(text: str) -> list[Item]:
    """A scale spelled out in one sentence or cell, in the shapes prose uses (text を label; text(label);
    「label」…text); [] unless two labels at least, all different."""
    for rx in (_QUOTED_LABEL_TEXT, _LABEL_THEN_PAREN, _TEXT_THEN_LABEL, _LABEL_AFTER_TEXT, _BAND_THEN_WORD):
        items = [Item(m.group("label"), m.group("text").strip(" 、,，。"), m.start(), m.end()) for m in rx.finditer(text)]
        labels = [i.label for i in items]
        if len(items) >= 2 and len(set(labels)) == len(labels) and all(i.text for i in items):
            return items
    return []


def quoted_scale(text: str) -> list[Item]:
    """「「順調」,「概ね順調」,「やや遅れ」,「遅れ」の4段階」 → four labelled items (no texts)."""
    m = _QUOTED_SCALE.search(text)
    if not m:
        return []
    labels = re.findall(r"「([^」]+)」", m.group(1))
    return [Item(label, f"{m.group('n')}段階の{i + 1}", m.start(), m.end()) for i, label in enumerate(labels)]


def declared_scale(text: str) -> list[Item]:
    """A scale the text names without spelling it out; [] when there is none.

    「ABCDの段階評価」 → items A, B, C, D (texts say which step); 「4段階で評価します」 → one item
    with no label and the phrase as printed (the number of steps is all that is printed).
    """
    if m := _LETTER_SCALE.search(text):
        letters = re.findall(r"[SA-E][+＋]?", m.group("letters"))
        n = m.group("n")
        order = [_GRADE_ORDER.index(x[0]) for x in letters]
        if len(letters) >= 2 and (n is None or int(n) == len(letters)) and order == sorted(order):
            return [Item(label, f"{len(letters)}段階の{i + 1}", m.start(), m.end()) for i, label in enumerate(letters)]
    if (m := _RANGE_SCALE.search(text)) and _GRADE_ORDER.index(m.group("a")) < _GRADE_ORDER.index(m.group("b")):
        letters = _GRADE_ORDER[_GRADE_ORDER.index(m.group("a")):_GRADE_ORDER.index(m.group("b")) + 1]
        if len(letters) == int(m.group("n")):  # 「S～Dの5段階」: S A B C D
            return [Item(label, f"{len(letters)}段階の{i + 1}", m.start(), m.end()) for i, label in enumerate(letters)]
    if m := _BARE_SCALE.search(text):
        return [Item("", m.group(0).strip(), m.start(), m.end())]
    return []


def quoted_symbols(text: str) -> list[Item]:
    items = [Item(m.group("label"), m.group("text").strip(), m.start(), m.end()) for m in _QUOTED_SYMBOL.finditer(text)]
    return items if len(items) >= 2 else []


def marker_legend(text: str) -> list[Item]:
    """「< ・取組 ◆成果 >」 → [Item("・", "取組"), Item("◆", "成果")]."""
    m = _MARKERS.search(text)
    if not m:
        return []
    return [Item(sym, word, m.start(), m.end())
            for sym, word in re.findall(rf"([{SYMBOLS}・])\s*([^\s<>＜＞〈〉{SYMBOLS}・]+)", m.group(1))]


def points_items(text: str) -> list[Item]:
    """「◎5点 〇2点 △0点 ▲-1点」 → one item per label; [] unless at least two."""
    items = [Item(m.group("label").strip(" 、,・"), f"{m.group('points')}{text[m.end('points'):m.end()].strip()}",
                  m.start(), m.end()) for m in _POINTS.finditer(text)]
    if not all(could_be_label(i.label) for i in items):
        return []
    return items if len(items) >= 2 else []


def could_be_label(label: str) -> bool:
    """Whether a text before 「N点」 can be a legend label: 「100点 ÷ 41施策 ≒」 is arithmetic, 「1」 a number
    and 「30施策中 ○23 △1 →」 a count line, none of them a label."""
    return not (re.fullmatch(r"[\d.,\s]*", label) or re.search(r"[÷≒=＝+＋→]|\d+\s*(?:施策|事業|項目|指標)\s*中", label))


def legend_kind(items: list[Item]) -> str:
    """"points" (a score per symbol), "points_bands" (a score per band of a ratio), "grade_bands"
    (a ratio band per grade) or "words"."""
    texts = " ".join(f"{i.label} {i.text}" for i in items)
    has_points = bool(re.search(r"\d\s*(点|ポイント)", texts))
    has_band = bool(re.search(r"\d\s*[%％割]", texts))
    if has_points and has_band:
        return "points_bands"
    if has_points:
        return "points" if all(re.fullmatch(rf"{_LABEL}", i.label) for i in items) else "points_bands"
    if has_band:
        return "grade_bands"
    return "words"
