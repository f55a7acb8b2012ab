"""Evaluation symbols (○ ◎ △ □ × -) and their look-alikes."""

import enum

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


def parse_symbol(s: str) -> Symbol | None:
    """The evaluation symbol a cell holds ("〇" → Symbol.CIRCLE, " × " → CROSS); anything else → None."""
    return _BY_CHAR.get(s.strip().replace("\ufe0f", ""))
