"""取組 tables, read by their labels: the evaluation sheet (labels down a column) and the
取組 list (labels across a header row). Shared by the generic reader and any layout whose
report is such a table (武蔵野市 管理・評価シート is one sheet per 施策).

An evaluation *sheet* pairs label cells with the value after them (`labelled_cells`):
a head (対象年度, 担当課, 関係機関, 方針番号/方針名, 施策番号/施策名 …), then one 取組 per
「予定」 row (its number before the label, its 達成指標 after the plan, in its own cell, as a
prefix of a cell, or as rows of their own), its 「実施」 row below, and the measure's notes
(所見・評価, 次年度の予定 方向性/内容, 審議会報告事項, 審議会意見). Labels drift between
sheets and cities, so every field is found by its label (normalizers/labels.py), never by
column index.

A 取組 *list* has a header row naming its columns (取組/事業名 | 予定・計画 | 実施・実績 |
達成指標 | 方向性 | 担当課, in any order); each row below is one measure with one 取組.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Sequence

from hyoka.extractors._common import labelled_cells, one_line
from hyoka.normalizers.labels import canonical_label, label_prefix
from hyoka.normalizers.text import html_items, strip_html
from hyoka.pipeline.model import Action, Document, Measure, Note, Row

# the sheet's free-text fields, kept as notes of these kinds
NOTE_FIELDS = {
    "assessment": "assessment",
    "content": "next_year_plan",
    "council_report": "council_report",
    "council_opinion": "council_opinion",
}
_HEAD_END = ("action", "planned", "indicator")  # the first 取組 row ends a sheet's head
_HEAD_START = ("measure_no", "measure_name", "fiscal_year", "policy_no")  # a new sheet's head


def has_actions(rows: Sequence[Row]) -> bool:
    """Whether the rows hold a 取組 sheet: a 「予定」 label followed by a value, and a 「実施」 one."""
    fields = {f for row in rows for f, _l, value, _c in labelled_cells(row) if value}
    return "planned" in fields and "done" in fields


def split_sheets(rows: Sequence[Row]) -> list[list[Row]]:
    """Rows → one list per sheet: a head field (施策番号, 施策名, 対象年度 …) after a 取組 begins the next sheet."""
    sheets: list[list[Row]] = [[]]
    in_body = False
    for row in rows:
        fields = [f for f, *_ in labelled_cells(row)]
        if in_body and any(f in _HEAD_START for f in fields) and not any(f in _HEAD_END for f in fields):
            sheets.append([])
            in_body = False
        in_body = in_body or any(f in ("planned", "done") for f in fields)
        sheets[-1].append(row)
    return [s for s in sheets if s]


def read_sheet(rows: Sequence[Row], doc: Document, *, measure_key: Callable[[dict[str, str]], str | None]) -> Measure | None:
    """One sheet → a Measure with its 取組 (doc.actions) and notes; None (nothing added) when
    `measure_key(head)` gives no key — the caller decides what a sheet must print to be one."""
    head: dict[str, tuple[str, Row]] = {}
    body_start = None
    for i, row in enumerate(rows):
        pairs = labelled_cells(row)
        if any(f in _HEAD_END for f, *_ in pairs):
            body_start = i
            break
        for field, _label, value, _col in pairs:
            if field and value is not None:
                head.setdefault(field, (value, row))
    key = measure_key({k: v for k, (v, _r) in head.items()})
    if key is None:
        return None
    if "fiscal_year" in head and doc.fiscal_year_raw is None:
        doc.fiscal_year_raw = head["fiscal_year"][0]
    measure = Measure(
        key=doc.unique_measure_key(key),
        id_raw=head.get("measure_no", (None,))[0],
        name=head.get("measure_name", ("", None))[0],
        ref=rows[0].ref.span(rows[-1].ref),
        hierarchy=[("方針", head["policy_no"][0] if "policy_no" in head else None, head.get("policy_name", ("",))[0])]
        if "policy_no" in head or "policy_name" in head else [],
        departments_raw=head.get("departments", (None,))[0],
        partners_raw=head.get("partners", (None,))[0],
        direction_raw=head.get("direction", (None,))[0],
    )
    doc.measures.append(measure)
    if body_start is not None:
        _body(rows[body_start:], measure, doc)
    return measure


def _body(rows: Sequence[Row], measure: Measure, doc: Document) -> None:
    action: Action | None = None
    indicator_rows: list[Row] = []
    section: str | None = None  # the last section label seen: next_year, indicator …
    for row in rows:
        pairs = labelled_cells(row)
        fields = [f for f, *_ in pairs]
        if "planned" in fields:
            action = _planned_row(pairs, row, measure)
            doc.actions.append(action)
            section = "action"
            continue
        if "done" in fields and action is not None:
            action.done = next(v for f, _l, v, _c in pairs if f == "done")
            action.ref = action.ref.span(row.ref)
            continue
        if fields and fields[0] == "indicator" or (section == "indicator" and fields and fields[0] is None):
            # 達成指標 printed as rows of their own, after the 取組 (measure-level)
            indicator_rows.append(row)
            section = "indicator"
            continue
        for field, _label, value, col in pairs:
            if field in ("next_year", "assessment", "council_report", "council_opinion"):
                section = field
            if field == "direction":
                measure.direction_raw = value
            elif field in NOTE_FIELDS and value:
                for item_label, item in html_items(value):
                    # raw: the item as printed, without the cell's HTML/paragraph markup,
                    # so that the same sheet read from DOCX or PDF gives the same row
                    doc.notes.append(Note(scope=measure.key, kind=NOTE_FIELDS[field], text=item,
                                          raw=f"{item_label} {item}" if item_label else item, ref=row.cell_ref(col),
                                          item_label=item_label))
    if indicator_rows:
        # 達成指標 for the 施策 as a whole, not for one 取組
        # (one line per row, without the cell's HTML/paragraph markup, as for notes)
        measure.indicator_raw = "\n".join(strip_html(v) for r in indicator_rows for _f, _l, v, _c in labelled_cells(r) if v)


def _planned_row(pairs, row: Row, measure: Measure) -> Action:
    action_no = planned = None
    indicator_parts: list[str] = []
    seen_planned = False
    for field, _label, value, _col in pairs:
        if field == "action" or (field is None and not seen_planned and value and value.isdigit()):
            action_no = value
        elif field == "planned":
            planned, seen_planned = value, True
        elif field == "indicator":
            if value:
                indicator_parts.append(value)
        elif field is None and seen_planned and value:
            # a trailing cell is the 達成指標 column, with or without its label
            rest = label_prefix(value, "indicator")
            indicator_parts.append(rest if rest is not None else value)
    return Action(measure_key=measure.key, action_no=action_no, planned=planned, done=None,
                  indicator="\n".join(indicator_parts) or None, ref=row.ref)


# --- 取組 lists: one header row, one 取組 per row -----------------------------------------------

# header labels of a 取組 list beyond normalizers/labels.py's (which also serve the sheets)
_LIST_LABELS = {
    "planned": ("実施予定", "取組予定", "年度計画", "計画内容", "予定内容", "今年度の予定", "当初計画"),
    "done": ("実施状況", "取組状況", "取組実績", "実施結果", "取組結果", "実績内容", "実施した内容"),
    "measure_name": ("主な取組", "取組名", "事業", "施策", "取組項目"),
}
_LIST_LOOKUP = {re.sub(r"\s+", "", s): f for f, spellings in _LIST_LABELS.items() for s in spellings}


# 「令和6年度の予定」「R6実施状況」「今年度の取組実績」: the year the column is about, before its label
_YEAR_PREFIX = re.compile(r"^(?:(?:令和|平成|R|H)\s*(?:\d+|元)\s*年度?|\d{4}\s*年度?|今年度|本年度|前年度)\s*の?")
_TRAILING_NOTE = re.compile(r"[(（][^()（）]*[)）]$")


def list_field(label: str) -> str | None:
    """A 取組 list's column label → its field (measure_name, action, planned, done, indicator,
    direction, departments, assessment), else None. 「令和6年度の予定」 and 「実施状況(令和6年度)」
    are 予定 and 実施状況."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", one_line(label)))
    text = _YEAR_PREFIX.sub("", _TRAILING_NOTE.sub("", text)) or text
    field = _LIST_LOOKUP.get(text) or canonical_label(text)
    if field in ("target_text",):
        return None
    return field


def list_columns(header: Sequence[str]) -> dict[str, int] | None:
    """The columns of a 取組 list from its header row, or None when the row does not name one:
    a 予定 or 実施 column and a name (取組/事業名/施策名) column are both needed."""
    cols: dict[str, int] = {}
    for i, cell in enumerate(header):
        field = list_field(cell) if cell and len(cell.strip()) <= 20 else None
        if field and field not in cols:
            cols[field] = i
    has_name = "measure_name" in cols or "action" in cols
    return cols if has_name and ("planned" in cols or "done" in cols) else None


def read_list_row(cells: Sequence[str], cols: dict[str, int], row: Row, doc: Document,
                  hierarchy: list[tuple[str, str | None, str]]) -> Measure | None:
    """One row of a 取組 list → a Measure with one Action; None when it names nothing."""
    def get(field: str) -> str | None:
        col = cols.get(field)
        text = one_line(cells[col]) if col is not None and col < len(cells) else ""
        return text or None

    name = get("measure_name") or get("action")
    planned, done = get("planned"), get("done")
    if not name or not (planned or done):
        return None
    number = re.match(r"^\s*([0-9０-９]+(?:[-－.．][0-9０-９]+)*|[①-⑳])\s*", name)
    measure = Measure(key=doc.unique_measure_key(name[:80]), id_raw=number.group(1) if number else None, name=name,
                      ref=row.ref, hierarchy=list(hierarchy), departments_raw=get("departments"),
                      partners_raw=get("partners"), direction_raw=get("direction"), indicator_raw=get("indicator"),
                      status_raw=get("assessment"))
    doc.measures.append(measure)
    doc.actions.append(Action(measure_key=measure.key, action_no=get("action") if "measure_name" in cols else None,
                              planned=planned, done=done, indicator=get("indicator"), ref=row.ref))
    return measure
