"""Evaluation symbols (○ ◎ △ □ × -) and their look-alikes."""

import enum
import re
from dataclasses import dataclass

import regex


class Symbol(str, enum.Enum):
    CIRCLE = "○"
    DOUBLE_CIRCLE = "◎"
    TRIANGLE = "△"
    SQUARE = "□"
    CROSS = "×"
    DASH = "-"
    BLACK_TRIANGLE = "▲"  # used in other cities' legends


# Characters that the same symbol is typed as. 〇 (U+3007, kanji zero) and ◯ (U+25EF) are the
# usual stand-ins for ○ (U+25CB) and survive NFKC unchanged, so they must be mapped here.
_LOOKALIKES: dict[Symbol, str] = {
    Symbol.CIRCLE: "○〇◯⭕",
    Symbol.DOUBLE_CIRCLE: "◎⊚",
    Symbol.TRIANGLE: "△▵",
    Symbol.SQUARE: "□☐▢",
    Symbol.CROSS: "×✕✖☓✗✘xXｘＸ",
    Symbol.DASH: "-－―—‐‑–ーｰ",
    Symbol.BLACK_TRIANGLE: "▲",
}
_BY_CHAR = {c: sym for sym, chars in _LOOKALIKES.items() for c in chars}
# ー/ｰ are long-vowel marks in words; only a cell that is nothing but the mark is a dash.
_INLINE_CHARS = "".join(c for c in _BY_CHAR if c not in "ーｰ")

# "○30 △1 □7 ×1 ◎2 -0": a symbol, optional spaces, a count. Not after a digit/letter, so
# "2022-3" or "Wi-Fi" do not count; group "sym" goes through parse_symbol, "n" through int().
SYMBOL_RE = regex.compile(
    r"(?<![0-9A-Za-z０-９Ａ-Ｚａ-ｚ.])(?P<sym>[" + regex.escape(_INLINE_CHARS) + r"])\ufe0f?[ \t\u3000]*(?P<n>[0-9０-９]+)"
)


def symbol_marks() -> str:
    """The characters that print a symbol as a mark of its own, in a legend's text (「○または◎ 2.44点」):
    every look-alike but the Latin letters (x is a letter in words), the long-vowel marks (ー in words)
    and the dashes, which a legend also prints as rules, ranges and minus signs; `parse_symbol` reads
    each one."""
    return "".join(c for c in _BY_CHAR if _BY_CHAR[c] is not Symbol.DASH and not c.isascii() and c not in "ｘＸ")


def parse_symbol(s: str) -> Symbol | None:
    """The evaluation symbol a cell holds ("〇" → Symbol.CIRCLE, " × " → CROSS); anything else → None."""
    return _BY_CHAR.get(s.strip().replace("\ufe0f", ""))


@dataclass(frozen=True)
class CountLine:
    """「41施策中 ○30 △1 □7 ×1 ◎2 -0 → 85 (76) 点 / 100点」, read."""

    total: int
    counts: dict[str, int]  # Symbol value → count (a symbol printed twice adds up)
    unknown: list[str]  # "symbol+count" pieces whose symbol isn't one (kept for a flag)
    score_part: str  # what follows the arrow: 「85 (76) 点 / 100点」
    unit: str = "施策"  # what the total counts: 施策, 事務事業, 事業, 項目, 指標, 件
    # every "symbol+count" piece in printed order, as printed: (「〇」, 「23」), (「☆」, 「1」)
    pieces: tuple[tuple[str, str], ...] = ()


# 「41施策中」「45事務事業中」「20項目中」「12指標中」「9件中」: the total a count line shares out
COUNT_LINE_UNITS = ("施策", "事務事業", "事業", "項目", "指標", "件")
_TOTAL = re.compile(r"([0-9０-９]+)\s*(" + "|".join(COUNT_LINE_UNITS) + r")\s*中")
_ARROW = re.compile(r"→|⇒|=>|->")
_PIECE = re.compile(r"(?P<sym>\S)\s*(?P<n>[0-9０-９]+)")


def parse_count_line(text: str) -> CountLine | None:
    """A symbol-count line → total, counts per symbol and the score part after the arrow; None if not one.

    The total is 「N施策中」 or the same with 事業 / 項目 / 指標 / 件 (「45事務事業中 ○40 △5」).
    """
    m = _TOTAL.search(text)
    if m is None:
        return None
    rest = text[m.end():]
    arrow = _ARROW.search(rest)
    counts_part, score_part = (rest[:arrow.start()], rest[arrow.end():]) if arrow else (rest, "")
    counts: dict[str, int] = {}
    unknown: list[str] = []
    pieces: list[tuple[str, str]] = []
    for piece in _PIECE.finditer(counts_part):
        pieces.append((piece.group("sym"), piece.group("n")))
        symbol = parse_symbol(piece.group("sym"))
        if symbol is None:
            unknown.append(piece.group(0))
        else:
            counts[symbol.value] = counts.get(symbol.value, 0) + int(piece.group("n"))
    return CountLine(total=int(m.group(1)), counts=counts, unknown=unknown, score_part=score_part,
                     unit=m.group(2), pieces=tuple(pieces))
