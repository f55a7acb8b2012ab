"""Field labels as printed → canonical field names.

Reports word the same field differently from city to city and even from sheet to
sheet (「審議会報告事項(産業振興課記載)」 vs 「審議会報告事項 (産業振興課記載)」, 「担当課」 vs
「実施主体」 vs 「推進団体」). Extractors locate fields through `canonical_label`, never by
column index, so a new wording means one more synonym here.

Two vocabularies meet here and neither is copied: a *field* label (担当課, 取組内容, 方向性 …) is one of
`LABEL_SYNONYMS`; a label naming a *value kind* (目標, 実績, 評価, 基準値 …) is spelled in
normalizers/headers.py `VALUE_KINDS`, the one list of what a column can hold, and `canonical_label`
answers its kind (`HeaderKind`: "target", "actual", "grade" …) for a whole cell in one of those spellings.
Every spelling belongs to one field or kind (tests/test_normalizers_labels.py).
"""

from __future__ import annotations

import re
import unicodedata

from hyoka.normalizers.headers import VALUE_KINDS

# canonical field → label spellings (compared after `_key`)
LABEL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "fiscal_year": ("対象年度", "評価年度", "年度"),
    "departments": ("担当課", "所管課", "担当部署", "実施主体", "推進団体", "事業主体", "部課名"),
    "partners": ("関係機関", "関係団体", "連携機関"),
    "created": ("作成日",),
    "policy_no": ("方針番号", "目標番号"),
    "policy_name": ("方針名", "目標名"),
    "measure_no": ("施策番号", "事業番号"),
    "measure_name": ("施策名", "施策概要", "実施事業", "事業名", "個別事業", "事務事業名"),
    "action": ("取組内容", "取組", "取り組み内容"),
    "planned": ("予定", "計画"),
    "done": ("実施", "実績内容", "実施内容"),
    "indicator": ("達成指標", "成果指標", "活動指標"),
    "assessment": ("実施内容に関する所見・評価", "所見・評価", "評価・課題", "実施状況・課題"),
    "next_year": ("次年度の予定", "今後の予定"),
    "direction": ("方向性", "今後の方向性", "後期計画に向けて", "次年度の方向性"),
    "content": ("内容",),
    "council_report": ("審議会報告事項",),
    "council_opinion": ("審議会意見",),
    "target_text": ("目標・指標", "目標とする姿"),
    "basic_goals": ("基本目標",),
    "good_points": ("良い点",),
    "issues": ("課題",),
    "sub_policy": ("個別施策",),
}

# A parenthesized note after a label is not part of it: 「審議会報告事項(産業振興課記載)」.
_TRAILING_NOTE = re.compile(r"[(（][^()（）]*[)）]$")


def _key(label: str) -> str:
    text = unicodedata.normalize("NFKC", label)
    text = re.sub(r"\s+", "", text)
    text = _TRAILING_NOTE.sub("", text)
    return text.strip("【】[]:：・")


def _lookup() -> dict[str, str]:
    """label key → field, then → value kind for the spellings no field takes (年度 is a field's)."""
    out: dict[str, str] = {}
    for name, spellings in (*LABEL_SYNONYMS.items(), *VALUE_KINDS.items()):
        for spelling in spellings:
            out.setdefault(_key(spelling), name)
    return out


_LOOKUP = _lookup()


def canonical_label(label: str | None) -> str | None:
    """「審議会報告事項 (産業振興課記載)」 → "council_report", 「年間目標」 → "target" (a value kind);
    unknown text → None.

    「方向性」 is "direction"; a layout that uses 方向性 as a hierarchy level checks the raw label itself.
    """
    if not label:
        return None
    return _LOOKUP.get(_key(label))


def label_prefix(text: str, field: str) -> str | None:
    """If `text` starts with a spelling of `field` followed by a space, return the rest.

    For cells like 「達成指標 ・SNS媒体も用いた事業周知 …」 where the label and the value
    share one cell.
    """
    stripped = text.lstrip()
    for spelling in LABEL_SYNONYMS.get(field) or VALUE_KINDS[field]:
        if stripped.startswith(spelling):
            rest = stripped[len(spelling):]
            if not rest or rest[0] in " \u3000:：\n":
                return rest.lstrip(" \u3000:：\n")
    return None


# 「事業承継セミナー(参加者数) P.33」「創業塾【新規事業】(参加者数)」: a 事業 with what is counted for it
_NAMED_INDICATOR = re.compile(
    r"^(?P<name>.+?)\s*(?P<mark>【[^】]+】)?\s*[(（](?P<indicator>[^()（）]{1,20})[)）]\s*(?P<page>P\.?\s*\d+)?$")
_QUANTITY_WORD = re.compile(r"(?:数|率|額|量|割合|件数|人数|者数|回数|時間|面積|高|金額)$")


def split_indicator(text: str) -> tuple[str, str | None, str | None]:
    """「事業承継セミナー(参加者数) P.33」 → ("事業承継セミナー", "参加者数", None);
    「経営支援セミナー【新規事業】(参加者数) P.35」 → ("経営支援セミナー", "参加者数", "【新規事業】").
    A parenthesis that is not a quantity (a unit 「(千人)」, a note 「(再掲)」), or one after a quantity
    (「入込客数(延べ人数)」), stays in the name: → (text, None, None)."""
    m = _NAMED_INDICATOR.match(text.strip())
    # 「観光地点等入込客数(延べ人数)」 is an indicator already, qualified: the name before the
    # parenthesis must not itself be a quantity
    if m is None or not _QUANTITY_WORD.search(m.group("indicator").strip()) or _QUANTITY_WORD.search(m.group("name")):
        return text.strip(), None, None
    return m.group("name").strip(), m.group("indicator").strip(), m.group("mark")
