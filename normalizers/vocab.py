"""The dataset's closed vocabularies, one `StrEnum` each.

Every column that holds a word from a fixed list — a measure's `kind`, a note's `kind`, an
indicator value's `row_kind`, a legend's kind and its items' roles, a document's report kind and
status, an audit finding's status, a file's fate in a run, the stage a failure happened at — takes
its values from here. The members are `str`s (`StrEnum`), so they are stored as the very same
strings as before and compare equal to them (`MeasureKind.MEASURE == "measure"`): code that still
writes the literal keeps working, and the dataset does not change.

`kind` means seven different things in the model, so there is one enum for each meaning rather than
one for the word: `MeasureKind`, `NoteKind`, `LegendKind`, `UnmappedKind`, `HeaderKind` (the value
kind a table header names), `ReportKind` (the document's kind) and `RowKind` (`row_kind`); and
`EvidenceKind`, the kind of a reading's evidence.

docs/schema.md documents every member, and tests/test_vocab.py checks the two against each other
(every member documented, nothing documented that is not a member).

This module sits in the lowest layer (normalizers) and imports nothing, so every layer can use it.
"""

from __future__ import annotations

import enum


class MeasureKind(enum.StrEnum):
    """`measures.kind`: what sort of policy unit a measure row is."""

    MEASURE = "measure"  # a 施策 / 事業 of the plan (the default)
    REVIEW = "review"  # a row of a first-half review (昭島市 前期計画の評価)
    DIRECTION = "direction"  # a numbered direction of an area (西東京市 策定概要)
    BASIC_POLICY = "basic_policy"  # a 基本施策 under a 目標 (武蔵野市 進捗管理まとめ)
    # a unit known only by the indicator row, line or key-value block the generic reader found it in
    # (あきる野市's 実施事業 rows, every measure of a report read by the generic reader): its name is
    # the row's name, and what it is in the plan's terms (施策, 事業 …) is not printed beside it
    INDICATOR = "indicator"


class NoteKind(enum.StrEnum):
    """`notes.kind`: what a free-text item is (by layout in docs/schema.md)."""

    # 武蔵野市 進捗管理まとめ, あきる野市, 西東京市, 大船渡市
    GOOD_POINT = "good_point"
    ISSUE = "issue"
    # 武蔵野市 管理・評価シート (and 昭島市's first-half review)
    ASSESSMENT = "assessment"
    NEXT_YEAR_PLAN = "next_year_plan"
    COUNCIL_REPORT = "council_report"
    COUNCIL_OPINION = "council_opinion"
    # あきる野市 進捗状況まとめ
    STATUS = "status"
    TARGET_STATE = "target_state"
    # 昭島市 報告書
    CONTENT = "content"
    SCHEDULE = "schedule"
    SCHEDULE_ITEM = "schedule_item"
    BASIC_GOAL = "basic_goal"
    BASIC_GOAL_DETAIL = "basic_goal_detail"
    # 西東京市 策定概要
    PURPOSE = "purpose"
    POSITIONING = "positioning"
    PERIOD = "period"
    HISTORY = "history"
    VISION = "vision"
    SURVEY_ITEM = "survey_item"
    ITEM = "item"
    # 大船渡市 事務事業評価シート
    SUMMARY = "summary"
    PURPOSE_MEANS = "purpose_means"
    BACKGROUND = "background"
    EVALUATION_VIEWPOINT = "evaluation_viewpoint"
    EVALUATION_COMMENT = "evaluation_comment"
    REFORM_DIRECTION = "reform_direction"
    MANAGER_OPINION = "manager_opinion"
    # the generic reader
    TABLE_NOTE = "table_note"
    STATED_DIFFERENCE = "stated_difference"
    UNRECOGNISED = "unrecognised"


class RowKind(enum.StrEnum):
    """`indicator_values.row_kind`."""

    YEARLY = "yearly"
    BASELINE = "baseline"
    REFERENCE = "reference"
    COST = "cost"


class LegendKind(enum.StrEnum):
    """`legends.legend_kind`."""

    GRADE_BANDS = "grade_bands"
    POINTS = "points"
    POINTS_BANDS = "points_bands"
    WORDS = "words"
    LAYOUT = "layout"
    SCALE = "scale"


class LegendItemRole(enum.StrEnum):
    """`legends.item_role` of a `points` legend's items: the role each printed line plays."""

    TEXT = "text"
    EXAMPLE_LINE = "example_line"
    UNIT_FORMULA = "unit_formula"
    SYMBOL_WEIGHT = "symbol_weight"
    WORKED_FORMULA = "worked_formula"


class UnmappedKind(enum.StrEnum):
    """`unmapped.kind`."""

    TABLE = "table"
    ROW = "row"
    LINE = "line"


class EvidenceKind(enum.StrEnum):
    """`reading_evidence.kind`: why the reader read a value the way it did (extractors/reading)."""

    HEADER_LABEL = "header_label"  # a header or row label names the role (目標/実績/評価 …) by the domain lexicon
    YEAR_AXIS = "year_axis"  # fiscal years run along a header row or down a column
    VALUE_SHAPE = "value_shape"  # the cells are counts, numbers, grades or shares
    ARITHMETIC = "arithmetic"  # a printed sum, share or rate agrees with the cells (structure only, never a verdict)
    LEGEND_MATCH = "legend_match"  # the labels are those of a legend printed in the document
    ALTERNATIVE = "alternative"  # another reading of the same cells, not chosen, and its score


class HeaderKind(enum.StrEnum):
    """The value kind a table header or row label names (normalizers/headers.py `VALUE_KINDS`)."""

    TARGET = "target"
    ACTUAL = "actual"
    BASELINE = "baseline"
    PROJECTION = "projection"
    RATE = "rate"
    GRADE = "grade"
    DIFF = "diff"
    REFERENCE = "reference"
    UNIT = "unit"


class ReportKind(enum.StrEnum):
    """`documents.kind`: the kind of report, as the layout names it or the generic reader finds it."""

    # the city layouts
    PROGRESS_SUMMARY = "進捗状況まとめ"  # あきる野市
    REPORT = "報告書"  # 昭島市
    PROGRESS_MANAGEMENT_SUMMARY = "進捗管理まとめ"  # 武蔵野市
    EVALUATION_SHEETS = "管理・評価シート"  # 武蔵野市
    PLAN_OVERVIEW = "策定概要"  # 西東京市
    PROJECT_EVALUATION_SHEETS = "事務事業評価シート"  # 大船渡市
    # the generic reader: the first of these words printed at the head of the document
    PROJECT_EVALUATION = "事務事業評価"
    POLICY_EVALUATION = "施策評価"
    ADMINISTRATIVE_EVALUATION = "行政評価"
    PROGRESS_MANAGEMENT = "進捗管理"
    PROGRESS_STATUS = "進捗状況"
    PROGRESS_CONTROL = "進行管理"
    REVIEW = "検証"
    EVALUATION = "評価"
    REPORTING = "報告"


GENERIC_REPORT_KINDS = (  # in the order the generic reader looks for them
    ReportKind.PROJECT_EVALUATION, ReportKind.POLICY_EVALUATION, ReportKind.ADMINISTRATIVE_EVALUATION,
    ReportKind.PROGRESS_MANAGEMENT, ReportKind.PROGRESS_STATUS, ReportKind.PROGRESS_CONTROL, ReportKind.REVIEW,
    ReportKind.EVALUATION, ReportKind.REPORTING,
)


class DocumentStatus(enum.StrEnum):
    """`documents.status`."""

    SUCCESS = "success"
    PARTIAL = "partial"  # read, but some part could not be parsed (see Document.errors)
    FAILURE = "failure"  # nothing usable; the file goes to the failures table (never stored in documents)
    # judged by the report gate (pipeline/gate.py) not to be an evaluation/progress report: a documents
    # row with the reason in `errors` and `gate`, nothing read from it (--read-anyway reads it)
    NOT_A_REPORT = "not_a_report"


class FindingStatus(enum.StrEnum):
    """`audit_findings.status`."""

    CONSISTENT = "consistent"
    CONSISTENT_ONLY_WITH_ROUNDING = "consistent_only_with_rounding"
    INCONSISTENT = "inconsistent"
    WARNING = "warning"


class FileStatus(enum.StrEnum):
    """A file's fate in one `hyoka ingest` run (`FileReport.status`)."""

    READ = "read"
    FAILED = "failed"
    DUPLICATE = "duplicate"
    UNCHANGED = "unchanged"


class FailureStage(enum.StrEnum):
    """`failures.stage`: where reading a file stopped."""

    READ = "read"
    DETECT = "detect"
    EXTRACT = "extract"
    NORMALIZE = "normalize"
    LIMIT = "limit"
    DUPLICATE = "duplicate"
    CRASH = "crash"  # the worker process reading it died or could not return it


class ErrorStage(enum.StrEnum):
    """The stage a document's error (`Document.errors`, stored as its message only) comes from."""

    GATE = "gate"
    READ = "read"
    EXTRACT = "extract"
