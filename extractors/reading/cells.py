"""What a table cell holds: a figure, a grade, a none-mark, a year; notes and group labels inside a table."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hyoka.extractors._common import plain
from hyoka.extractors._grid import Block, TRow
from hyoka.normalizers.headers import Header, parse_header
from hyoka.normalizers.numbers import parse_number

NONE_CELLS = {"-", "−", "―", "—", "ー", "‐", "－", "未確定", "なし", "無し", "該当なし", "―――", "…", "*", "＊"}


_NUMBER_CELL = re.compile(
    r"^[△▲\-−]?\s*[約]?\s*[0-9０-９][0-9０-９,，.．]*\s*(?:[万億千]?[^\s\d]{0,5})?\s*(?:[(（][^)）]*[)）])?$")


_NUMBERED_NAME = re.compile(r"^\s*[0-9０-９]{1,3}\s*[.．、)）]\s*\D")  # 「1.観光地点等入込」 is a name


def cell_is_number(text: str) -> bool:
    t = text.strip()
    return (bool(t) and bool(_NUMBER_CELL.match(t)) and not _NUMBERED_NAME.match(t)
            and parse_number(t) is not None)


def is_grade_cell(text: str) -> bool:
    """「A」「Ab」「B+」「◎」「達成」 — a short grade, symbol or word in a 評価 column."""
    t = text.strip()
    return 0 < len(t) <= 6 and not cell_is_number(t)


def cell_is_value(text: str) -> bool:
    t = text.strip()
    return cell_is_number(t) or t in NONE_CELLS


def is_year_like(text: str, era: str | None) -> bool:
    t = text.strip()
    if re.fullmatch(r"[(（]?\s*(?:19|20)\d{2}\s*[)）]?", t):
        return True
    h = parse_header(t, era)
    return h.year is not None and len(re.sub(r"[\d\s()（）年度末RHS令和平成昭和.]", "", t)) <= 8


def has_number(r: TRow) -> bool:
    return any(cell_is_number(c) for c in r.cells)


# a footnote inside a table: 「（注）実績値は速報値」「注1：…」「※…」 (the match is the note's label)
NOTE_LINE = re.compile(r"^\s*(?:[（(]\s*注\s*[0-9０-９]*\s*[）)]|注\s*[0-9０-９]*\s*[:：.．)）]|[※＊*]\s*[0-9０-９]*)")


def is_group_label(text: str) -> bool:
    """「財源」「地域経済循環の担い手となる事業者の育成」 label the rows below; 「実績値は速報値です」 is a
    sentence, not a label."""
    t = text.strip()
    return 0 < len(t) <= 40 and not re.search(r"(です|ます|である|ました|。|、.*、)$", t)


def filled_key(row: TRow) -> tuple[str, ...]:
    """The row's non-empty cells without whitespace: a header printed again compares equal however
    its cells were wrapped."""
    return tuple("".join(t.split()) for _c, t in row.filled())


_UNIT_IN_NAME = re.compile(r"(?:[(（]\s*(?:単位\s*[:：]?\s*)?(?P<u>[^()（）\d\s]{1,4})\s*[)）]\s*$|単位\s*[:：]\s*(?P<u2>[^\s()（）]{1,4}))")


def unit_in_name(name: str) -> str | None:
    """「観光入込客数(千人)」「(単位：千円)」「単位：人」 → the unit; a note in parentheses is not one."""
    m = _UNIT_IN_NAME.search(name or "")
    if not m:
        return None
    unit = m.group("u") or m.group("u2")
    return unit if re.fullmatch(r"[千万億]?(?:人|円|件|回|社|校|ha|t|%|％|台|店|店舗|団体|戸|世帯|箇所|か所|本|冊|日|時間|km|m2|㎡)", unit) \
        else None


def caption_name(block: Block) -> str | None:
    """The name of a table that has no name column: its caption (「成果指標 水田経営所得安定対策の加入面積」)."""
    if not block.caption:
        return None
    t = plain(block.caption)
    if len(t) > 60 or t.endswith(("。", ":", "：")):
        return None
    return t


def why_unmapped(block: Block) -> str:
    if block.width == 2:
        return "a two-column table (label | text) with no indicator, count or legend labels"
    return "a table whose headers name no fiscal year or value kind (目標/実績/評価 …) and whose cells are not counts"


def block_text(block: Block) -> str:
    return "\n".join(r.text for r in block.rows)


# value kinds that fill an IndicatorValue field
VALUE_FIELD = {"target": "target_raw", "actual": "actual_raw", "grade": "grade_raw", "baseline": "baseline_raw",
          "rate": "rate_raw", "projection": "projection_raw", "reference": "actual_raw", "diff": None}


@dataclass
class Column:
    index: int
    header: Header
    role: str  # "value", "unit", "kind", "label", "total"
