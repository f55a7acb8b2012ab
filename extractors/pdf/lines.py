"""Characters → visual lines → paragraphs (line wraps told from paragraph breaks by geometry),
and the per-page character checks: "fake bold" pages, page numbers in the margins."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from hyoka.extractors.pdf.settings import PdfSettings

# ---------------------------------------------------------------- characters

_CJK_RANGES = (
    (0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x3190, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF01, 0xFF0F), (0xFF1A, 0xFF20), (0xFF3B, 0xFF40),
    (0xFF5B, 0xFFEF), (0x20000, 0x2FA1F),
)


@lru_cache(maxsize=8192)
def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    if o < 0x2E80:
        return False
    return any(lo <= o <= hi for lo, hi in _CJK_RANGES)


# Characters that may not start a line (JIS X 4051 "gyoto kinsoku", LibreOffice/Word defaults):
# a word processor pushes the character before them down with them.
NO_LINE_START = set(
    "!%),.:;?]}¢°’”‰′″℃、。々〉》」』】〕〗〙〟゛゜ゝゞ・ヽヾ！％），．：；？］｝｡｣､･ｰﾞﾟ￠"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿー"
)
# … and that may not end one (opening brackets).
NO_LINE_END = set("([{‘“〈《「『【〔〖〘〝（［｛｢")
# Characters that may hang past the right margin (closing punctuation).
HANGING = set("、。，．,.")
# A line starting with one of these begins a new paragraph (bullets, notes) …
ITEM_START = set("・･•●■◆※")
# … and so does a line that is a 【…】 label on its own or before a bullet (「【取組1】」, not the
# 「【新規事業】」 mark wrapped inside a name), or a short label with a colon (「課題：…」).
_LABEL_LINE = re.compile(r"^(?:【[^】。]{1,30}】\s*(?:$|[・･•])|[^\x00-\x7f\s、。：()（）]{1,8}[：:])")
_PAGE_NUMBER = re.compile(r"^[-－―‐—\s]*(?:p\.?\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?[-－―‐—\s]*$", re.I)
_CID = re.compile(r"\(cid:\d+\)")
_COLUMN_GAP = 0.55  # gap between two words, in font sizes, from which it is a column boundary (a word space is ~0.25–0.35)


@dataclass
class _Line:
    text: str
    x0: float
    x1: float  # end of the last printed (non-space) character
    top: float
    bottom: float
    size: float
    first_word: float  # width of the first unbreakable piece (a word, or a CJK char + what can't start a line)
    trailing_space: bool  # the line ends with a printed space
    leading_space: bool = False  # … or starts with one
    page: int = 0


def _group_lines(chars: list[dict], settings: PdfSettings) -> list[_Line]:
    """Characters → visual lines, top to bottom, each left to right."""
    if not chars:
        return []
    chars = sorted(chars, key=lambda c: (c["top"], c["x0"]))
    groups: list[list[dict]] = []
    current: list[dict] = []
    line_top = 0.0
    for c in chars:
        if current and abs(c["top"] - line_top) <= settings.line_tolerance * max(c["size"], 1.0):
            current.append(c)
        else:
            if current:
                groups.append(current)
            current, line_top = [c], c["top"]
    groups.append(current)
    lines = []
    for group in groups:
        group.sort(key=lambda c: c["x0"])
        line = _make_line(group, settings)
        if line is not None:
            lines.append(line)
    return lines


def _make_line(chars: list[dict], settings: PdfSettings) -> _Line | None:
    printed = [c for c in chars if c["text"] and not c["text"].isspace()]
    if not printed:
        return None
    # Space glyphs count only where they sit in a gap between printed characters: word
    # processors also emit stray spaces overlapping the text (e.g. around underlined runs).
    spaces = [(c["x0"], c["x1"]) for c in chars if c["text"] and c["text"].isspace()]
    out: list[str] = [printed[0]["text"]]
    spaced: list[bool] = []  # after printed[i]: a space (a break opportunity)
    for prev, c in zip(printed, printed[1:]):
        gap = c["x0"] - prev["x1"]
        size = max(c["size"], prev["size"], 1.0)
        space = False
        if gap > settings.latin_gap * 0.6 * size:
            latin = not _is_cjk(prev["text"][-1]) and not _is_cjk(c["text"][0])
            # a gap next to CJK text without a space glyph in it is spacing, not a space
            space = (gap > settings.cjk_gap * size
                     or (latin and gap > settings.latin_gap * size)
                     or any(x0 >= prev["x1"] - 0.5 and x1 <= c["x0"] + 0.5 for x0, x1 in spaces))
        if space:
            # a gap of several characters is a column boundary in a table drawn without lines:
            # two spaces, which the generic reader splits on (extractors/_grid.py), one space elsewhere
            out.append("  " if gap > _COLUMN_GAP * size else " ")
        out.append(c["text"])
        spaced.append(space)
    first, last = printed[0], printed[-1]
    return _Line(
        text="".join(out),
        x0=first["x0"],
        x1=last["x1"],
        top=min(c["top"] for c in printed),
        bottom=max(c["bottom"] for c in printed),
        size=max(c["size"] for c in printed),
        first_word=_first_word_width(printed, spaced),
        trailing_space=any(abs(x0 - last["x1"]) <= 0.5 for x0, _x1 in spaces),
        leading_space=any(abs(x1 - first["x0"]) <= 0.5 for _x0, x1 in spaces),
    )


def _no_break(p: str, t: str) -> bool:
    """No line-break opportunity between characters p and t (as word processors break Japanese text)."""
    if t in NO_LINE_START or p in NO_LINE_END:
        return True
    p_cjk, t_cjk = _is_cjk(p), _is_cjk(t)
    if not p_cjk:
        return True  # inside a Latin word or number, and a number stays with its unit (「1回」)
    # after closing punctuation a Latin word is kept with it (「祭、TOKYO」)
    return not t_cjk and p in NO_LINE_START


def _first_word_width(printed: list[dict], spaced: list[bool]) -> float:
    """Width of the first unbreakable piece of a line: what a line breaker would have had
    to fit on the line before for the break not to be needed."""
    first = printed[0]
    end = first["x1"]
    for i, (prev, c) in enumerate(zip(printed, printed[1:])):
        if spaced[i] or not _no_break(prev["text"][-1], c["text"][0]):
            break
        end = c["x1"]
    return end - first["x0"]


def _is_item_start(text: str) -> bool:
    return bool(text) and (text[0] in ITEM_START or _LABEL_LINE.match(text) is not None)


def _wrap_joiner(a: _Line, b: _Line) -> str:
    """What goes between two visual lines of one paragraph."""
    if a.trailing_space or b.leading_space:
        return " "
    last, first = a.text[-1], b.text[0]
    if first.isdigit() and (last.isdigit() or last in ",."):
        return ""  # a number broken by a generator that wraps anywhere (「27,00」+「0部」): one number
    return " " if not _is_cjk(last) and not _is_cjk(first) and last not in "([{/-" else ""


def _needed(a: _Line, b: _Line) -> float:
    """Width b's first word would have needed on a's line (with a space between Latin words)."""
    a_cjk, b_cjk = _is_cjk(a.text[-1]), _is_cjk(b.text[0])
    if not a_cjk and not b_cjk:
        space = 0.25 * b.size  # the space between two words
    elif a_cjk != b_cjk:
        space = 0.2 * b.size  # the spacing word processors put between CJK and Latin text
    else:
        space = 0.0
    return space + b.first_word


def _join_lines(lines: list[_Line], fits, settings: PdfSettings) -> list[tuple[str, list[_Line]]]:
    """Lines → paragraphs: (text, lines). `fits(a, b)` says whether b's first word fitted after a."""
    paragraphs: list[tuple[list[str], list[_Line]]] = []
    for line in lines:
        if paragraphs:
            parts, members = paragraphs[-1]
            a = members[-1]
            if (not _is_item_start(line.text)
                    and abs(line.size - a.size) <= 0.5
                    and line.top - a.top <= settings.paragraph_gap * max(a.size, 1.0)
                    and not fits(a, line)):
                parts.append(_wrap_joiner(a, line))
                parts.append(line.text)
                members.append(line)
                continue
        paragraphs.append(([line.text], [line]))
    return [("".join(parts), members) for parts, members in paragraphs]


def dedupe_chars(chars: list[dict], tolerance: float) -> list[dict]:
    """The page's characters with those drawn twice for a "fake bold" effect once (pdfplumber's
    dedupe: same text, font and size, within `tolerance` points)."""
    from pdfplumber.utils import dedupe_chars as plumber_dedupe

    return plumber_dedupe(chars, tolerance=tolerance)


def _is_fake_bold(chars: list[dict], settings: PdfSettings) -> bool:
    """At least dedupe_min_pairs chars are drawn a second time at (nearly) the same place — "fake bold"."""
    tol, needed = settings.dedupe_tolerance, settings.dedupe_min_pairs
    # quick bound first (one C sort instead of a Python scan of every earlier char): the count below
    # is at most the number of neighbours within `tol` in x order, per text and band
    points = sorted((c["text"], int(c["top"] // 2), c["x0"]) for c in chars if c["text"].strip())
    if sum(1 for a, b in zip(points, points[1:]) if b[2] - a[2] <= tol and a[:2] == b[:2]) < needed:
        return False
    seen: dict[tuple[str, int], list[float]] = {}
    pairs = 0
    for c in chars:
        t = c["text"]
        if not t.strip():
            continue
        key = (t, int(c["top"] // 2))
        xs = seen.setdefault(key, [])
        x0 = c["x0"]
        if any(abs(x - x0) <= tol for x in xs):
            pairs += 1
            if pairs >= needed:
                return True  # enough to tell
        xs.append(x0)
    return False


def _is_page_number(line: _Line, page_height: float) -> bool:
    margin = 0.08 * page_height
    return (line.top < margin or line.bottom > page_height - margin) and bool(_PAGE_NUMBER.match(line.text))

