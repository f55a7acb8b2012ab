"""The 方向性 column: what happens to a measure next (継続, 拡充, 廃止 …)."""

import enum
import re

from hyoka.normalizers.text import for_value


class Direction(str, enum.Enum):
    EXPAND = "拡充"
    CONTINUE = "継続"
    REDUCE = "縮小"
    END = "終了"
    ABOLISH = "廃止"
    SUSPEND = "休止"
    MERGE = "統合"
    IMPROVE = "改善"
    COMPLETE = "完了"
    MODIFY = "変更し実施"
    MAINTAIN = "現状維持"
    REFORM = "改革改善"
    # a category printed as one choice (大船渡市 「３　終了・廃止・休止」): which of the three is not said
    END_ABOLISH_SUSPEND = "終了・廃止・休止"


# directions that end a measure: it should not come back in the next plan
ENDING = frozenset({Direction.END, Direction.ABOLISH})

_WORDS: dict[str, Direction] = {d.value: d for d in Direction} | {
    "変更して実施": Direction.MODIFY,
    "見直し": Direction.MODIFY,
    "見直して実施": Direction.MODIFY,
    "継続実施": Direction.CONTINUE,
    "継続して実施": Direction.CONTINUE,
}
_LEADING_NUMBER = re.compile(r"^\d+\s*[.:、)]?\s*")  # Ofunato-style "１　現状維持"
_PARENTHETICAL = re.compile(r"\([^)]*\)")  # "改革改善（縮小・統合含む）"


def parse_direction(s: str | None) -> Direction | None:
    """"継続", " 拡充 ", "２　改革改善（縮小・統合含む）" → Direction; "廃止・休止" → the first; unknown → None.

    A combined category that exists as printed (「終了・廃止・休止」) is kept whole, not narrowed.
    """
    if s is None:
        return None
    t = _PARENTHETICAL.sub("", _LEADING_NUMBER.sub("", for_value(s)))
    t = re.sub(r"\s+", "", t).rstrip("。.")
    if t in _WORDS:
        return _WORDS[t]
    # "廃止・休止": several printed; take the first one that is a direction word
    parts = [p for p in re.split(r"[・、,/]", t) if p]
    if len(parts) > 1 and parts[0] in _WORDS:
        return _WORDS[parts[0]]
    return None
