"""Text clean-up shared by the other normalizers: circled numbers, spacing, HTML cells, lists."""

import html
import re
import unicodedata

# ①..⑳ ㉑..㊿, ❶..❿ ⓫..⓴, ➀..➉ ➊..➓, ⑴..⒇, ⒈..⒛ → their numbers.
_CIRCLED_RUNS = [
    (0x2460, 1, 20), (0x3251, 21, 35), (0x32B1, 36, 50),  # ① ㉑ ㊱
    (0x2776, 1, 10), (0x24EB, 11, 20),  # ❶ ⓫
    (0x2780, 1, 10), (0x278A, 1, 10),  # ➀ ➊
    (0x2474, 1, 20), (0x2488, 1, 20),  # ⑴ ⒈
]
CIRCLED: dict[str, int] = {
    chr(first + i): lo + i for first, lo, hi in _CIRCLED_RUNS for i in range(hi - lo + 1)
}

_CIRCLED_RE = re.compile("[" + "".join(CIRCLED) + "]")
# ˜ (U+02DC, small tilde): what some PDF fonts (reportlab's HeiseiKakuGo) give back for an ASCII ~
_WAVE = str.maketrans({"～": "~", "〜": "~", "∼": "~", "˜": "~"})
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff0d\uff70"
_DASH_IN_NUMBER = re.compile(rf"(?<=\d)[{_DASHES}](?=\d)")
_DASH_AS_SIGN = re.compile(rf"(?<![\w.])[{_DASHES}](?=\d)")

# CJK ideographs, kana, CJK/full-width punctuation (not full-width digits/letters).
_CJK = (
    "\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff9f"
)
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_WS = re.compile(r"\s+")
_LINE_BREAK = re.compile(r"\r\n|[\n\r\u2028\u2029]")


def circled_to_int(s: str) -> int | None:
    """A single circled / parenthesized number character (spaces allowed around it) → int."""
    return CIRCLED.get(s.strip())


def parse_circled_list(s: str) -> list[int]:
    """All circled numbers in s, in order: "① ② ③" → [1, 2, 3]; other characters are ignored."""
    return [CIRCLED[c] for c in s if c in CIRCLED]


def _circled_repl(m: re.Match) -> str:
    # keep neighbours apart: "①②" → "1 2", not "12"
    s, i = m.string, m.start()
    before = " " if i > 0 and (s[i - 1].isdecimal() or s[i - 1] in CIRCLED) else ""
    after = " " if i + 1 < len(s) and s[i + 1].isdecimal() else ""
    return f"{before}{CIRCLED[m.group()]}{after}"


def for_value(s: str) -> str:
    """Text prepared for value parsing: circled → digits, NFKC, ～ → '~', dash look-alikes in numbers → '-'.

    Leaves the evaluation symbols ○◎△□×〇 alone (NFKC does not touch them).
    """
    # Circled numbers first: NFKC would make ⑴ "(1)" and ⒈ "1.".
    t = unicodedata.normalize("NFKC", _CIRCLED_RE.sub(_circled_repl, s)).translate(_WAVE)
    t = _DASH_IN_NUMBER.sub("-", t)
    t = _DASH_AS_SIGN.sub("-", t)
    return t.strip()


def squeeze_cjk_spaces(s: str) -> str:
    """Drop whitespace between two CJK/kana characters (wrapped-line artifacts), collapse the rest.

    "農業協同組 合" → "農業協同組合"; "CO+LAB MUSASHINO" keeps its space.
    """
    return _WS.sub(" ", _CJK_GAP.sub("", s)).strip()


# ---------------------------------------------------------------- HTML cells

_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|ul|ol|div|br|tr|td|th|table|h[1-6])\b[^>]*>", re.I)
_LI_TAG = re.compile(r"<\s*li\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>")
_LABEL = re.compile(r"^(【[^】。]{1,30}】)\s*")
# a 【…】 label in the middle of untagged text counts only when a bullet follows it
_INNER_LABEL = re.compile(r"\s(?=【[^】。]{1,30}】\s*[・･•])")
# "・" is a bullet at the start, after whitespace or after 。 — not inside "多文化共生・交流課"
_BULLET = re.compile(r"(?:^|(?<=\s)|(?<=。))[・･•]")


def strip_html(s: str) -> str:
    """Remove tags (block tags become spaces, inline ones like <u> vanish), unescape entities, collapse spaces."""
    t = _ANY_TAG.sub("", _BLOCK_TAG.sub(" ", _LI_TAG.sub(" ", s)))
    return _WS.sub(" ", html.unescape(t)).strip()


def html_items(s: str) -> list[tuple[str | None, str]]:
    """Split an HTML-ish cell into (label, item) pairs.

    Each "・" bullet is one item; text before the first bullet of a block (<p>, <ul>, a line,
    or the whole untagged cell) is one item; a leading 【取組1】 is not an item but labels the
    items after it until the next label. A <ul> without bullets is one item. A line break is a
    paragraph break (a DOCX cell's paragraphs are its lines), so it ends a block like </p>.
    """
    # <li> behaves like a "・" bullet; every block tag and every line break ends a block.
    t = _LI_TAG.sub(" ・", s)
    blocks = [line for block in _BLOCK_TAG.split(t) for line in _LINE_BREAK.split(block)]
    items: list[tuple[str | None, str]] = []
    label: str | None = None
    for block in blocks:
        text = _WS.sub(" ", html.unescape(_ANY_TAG.sub("", block))).strip()
        for part in _INNER_LABEL.split(text):
            part = part.strip()
            if m := _LABEL.match(part):
                label = m.group(1)
                part = part[m.end():]
            for item in _BULLET.split(part):
                item = item.strip()
                if item:
                    items.append((label, item))
    return items


# ---------------------------------------------------------------- TeX math in text renderings

# 「$$100\text{点} \div 41\text{施策} \doteq 2.44\text{点}$$」 in a Markdown rendering is printed
# as 「100点 ÷ 41施策 ≒ 2.44点」 in the report itself.
_TEX_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_TEX_TEXT = re.compile(r"\\(?:text|mathrm|textrm|mbox|operatorname)\s*\{([^{}]*)\}")
_TEX_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_TEX_SYMBOLS = {
    "times": "×", "div": "÷", "doteq": "≒", "fallingdotseq": "≒", "approx": "≈", "simeq": "≃",
    "cdot": "·", "pm": "±", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠",
    "to": "→", "rightarrow": "→", "quad": " ", "qquad": " ",
}
_TEX_COMMAND = re.compile(r"\\([A-Za-z]+)")
_TEX_ESCAPE = re.compile(r"\\([%$&#_{}])")


def tex_math_to_text(s: str) -> str:
    """Display math ($$…$$) as it prints: \\text{点} → 点, \\times → ×, \\doteq → ≒, \\\\ → a space.

    Text outside $$…$$ is left alone; unknown commands stay as written.
    """
    if "$$" not in s:
        return s

    def render(m: re.Match) -> str:
        t = _TEX_FRAC.sub(r"\1/\2", _TEX_TEXT.sub(r"\1", m.group(1)))
        t = re.sub(r"\\\\|\\[,;:! ]", " ", t)
        t = _TEX_COMMAND.sub(lambda c: _TEX_SYMBOLS.get(c.group(1), c.group(0)), t)
        return _WS.sub(" ", _TEX_ESCAPE.sub(r"\1", t)).strip()

    return _TEX_DISPLAY.sub(render, s)


# ---------------------------------------------------------------- lists of names

_NONE_WORDS = {"", "—", "―", "－", "-", "ー", "‐", "–", "なし", "特になし", "無し", "該当なし"}
_SEP_MAIN = "、,，/／"
_OPEN, _CLOSE = "(（[［「", ")）]］」"


def _split_outside_parens(s: str, seps: str) -> list[str]:
    # "創業支援センターTAMA(多摩信用金庫、…)" must not be cut inside the parentheses
    parts, depth, cur = [], 0, []
    for c in s:
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE and depth:
            depth -= 1
        if c in seps and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    parts.append("".join(cur))
    return parts


_GOVERNMENTS = {"市", "都", "国", "県", "府", "道", "区", "町", "村"}
_DEPARTMENT_ENDINGS = ("課", "係", "室", "部", "局", "所")


def split_list(s: str | None) -> list[str]:
    """Split a cell listing names ("産業振興課、秘書広報課" / "商工会・市") into names; "—", "なし" → [].

    Newlines separate names only when the cell has no 、,/ separators (otherwise they are
    line wraps). "・" separates only when there is no other separator and the parts look
    like separate bodies (one of them is 市/都/国…, or all are short and the cell doesn't
    end like one department's name), so "多文化共生・交流課" stays one name.
    """
    if s is None or s.strip() in _NONE_WORDS:
        return []
    has_sep = any(c in s for c in _SEP_MAIN)
    parts = _split_outside_parens(s, _SEP_MAIN if has_sep else _SEP_MAIN + "\n")
    if not has_sep and "・" in s:
        dotted = [p for part in parts for p in _split_outside_parens(part, "・")]
        short = [squeeze_cjk_spaces(p) for p in dotted]
        if any(p in _GOVERNMENTS for p in short) or (
            all(len(p) <= 4 for p in short) and not s.rstrip().endswith(_DEPARTMENT_ENDINGS)
        ):
            parts = dotted
    names = [squeeze_cjk_spaces(p) for p in parts]
    return [n for n in names if n not in _NONE_WORDS]


# ---------------------------------------------------------------- file names that are not UTF-8


def printable(s: str) -> str:
    """`s` safe to print and to store as UTF-8: a file name's undecodable bytes (which Python keeps as
    lone surrogates, e.g. the cp932 names a Windows zip leaves) become "\\x95"-style escapes.

    Text that is valid Unicode comes back unchanged (the same object).
    """
    if s.isascii():
        return s
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        pass
    try:
        data = s.encode("utf-8", "surrogateescape")  # the bytes the file system gave
    except UnicodeEncodeError:  # a surrogate that did not come from a byte
        return s.encode("utf-8", "backslashreplace").decode("utf-8")
    return data.decode("utf-8", "backslashreplace")
