"""Japanese labels of tables and columns: the one place the workbooks' headers and sheet names come
from (pipeline/xlsx_writer.py). The English names stay the keys: they are the DuckDB/Parquet/pandas
column names, shown under each Japanese header so a user can match a sheet to the database.

Descriptions of the stored columns (DuckDB column comments, Parquet field metadata) are in
pipeline/data/columns.tsv, read by `column_descriptions()`.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

TABLE_LABELS = {
    "documents": "文書", "measures": "施策・事業", "actions": "取組", "indicator_values": "指標値",
    "score_summaries": "評価集計", "summary_counts": "評価区分別件数", "costs": "事業費", "notes": "記述",
    "cross_references": "相互参照", "legends": "凡例", "dates": "日付", "flags": "要確認", "failures": "読込失敗",
    "audit_findings": "検証結果", "unmapped": "未対応の表", "reading_evidence": "読み取りの根拠", "actors": "主体",
    "evidence": "目標と実績の対応", "meta": "メタ情報",
    # the comparison (pipeline/compare_frames.py)
    "cells": "市×テーマ", "cities": "市別", "years": "年度別達成度", "series": "経年", "scales": "評価尺度",
    "columns": "列",
}

COLUMN_LABELS = {
    # keys and places
    "doc_id": "文書ID", "key": "キー", "measure_key": "施策キー", "summary_key": "集計キー", "record_key": "レコードキー",
    "record_table": "レコードの表", "from_key": "参照元キー", "to_key": "参照先キー", "to_id_raw": "参照先番号(原文)",
    "src": "出典", "src_file": "出典ファイル", "src_line_start": "開始行", "src_line_end": "終了行", "src_page": "ページ",
    "src_bbox": "位置(PDF)", "src_table": "表番号", "src_row": "行番号", "src_col": "列番号", "source": "出典",
    "src_ocr": "OCRで読取", "src_ocr_conf": "OCRの確信度", "ocr_pages": "OCRしたページ数",
    "source_path": "ファイルパス", "source_table": "元の表", "location": "記載箇所", "scope": "対象",
    "scope_name": "対象名", "inputs": "入力の記載箇所", "series_id": "系列ID",
    # documents
    "format": "形式", "encoding": "文字コード", "layout": "様式", "layout_score": "様式の確度", "layout_basis": "様式の根拠",
    "layout_runner_up": "次点の様式", "layout_runner_up_score": "次点の確度", "municipality": "自治体",
    "municipality_basis": "自治体の根拠", "plan_name": "計画名", "plan": "計画", "kind": "種別", "title": "表題",
    "fiscal_year_raw": "年度(原文)", "fiscal_year": "年度", "fiscal_year_basis": "年度の根拠",
    "report_fiscal_year": "報告書の年度", "issued_raw": "発行(原文)", "issued": "発行年月", "period_raw": "計画期間(原文)",
    "period_ref": "計画期間の記載箇所", "period_start": "計画開始年度", "period_end": "計画終了年度",
    "period_years_stated": "計画年数(記載)", "status": "状態", "gate": "報告書判定", "tables_seen": "表の数",
    "tables_mapped": "読み取った表", "data_rows_seen": "データ行数", "data_rows_mapped": "読み取った行数",
    "errors": "エラー", "n_measures": "施策数", "n_actions": "取組数", "n_indicator_values": "指標値数",
    "n_score_summaries": "評価集計数", "n_summary_counts": "区分別件数の行数", "n_notes": "記述数", "n_flags": "要確認数",
    "n_unmapped": "未対応の表の数", "n_documents": "文書数", "n_rows": "行数", "n_indicators": "指標数",
    "n_graded": "評価あり施策数", "n_outside_plan": "計画外の事業数", "share_other": "その他の割合",
    # measures
    "id_raw": "番号(原文)", "id": "番号", "name": "名称", "measure": "施策・事業", "departments_raw": "担当課(原文)",
    "departments": "担当課", "partners_raw": "関係機関(原文)", "partners": "関係機関", "direction_raw": "方向性(原文)",
    "direction": "方向性", "target_raw": "目標(原文)", "target_value": "目標値", "target_unit": "目標の単位",
    "target_deadline_fy": "目標年度", "target_period": "目標期間", "target_qualifier": "目標の限定(以上・以下など)",
    "indicator_raw": "達成指標(原文)", "basic_goals_raw": "基本目標(原文)", "basic_goals": "基本目標",
    "marks_raw": "付記(原文)", "status_raw": "実施状況・課題(原文)", "hierarchy_path": "階層", "h1_id": "第1階層番号",
    "h1_label": "第1階層区分", "h1_name": "第1階層名", "h2_id": "第2階層番号", "h2_label": "第2階層区分",
    "h2_name": "第2階層名", "reposted": "再掲", "new": "新規", "in_plan": "計画内", "theme": "テーマ",
    "theme_basis": "テーマの根拠", "heading": "見出し",
    # actions and indicator values
    "action_no": "取組番号", "planned": "予定", "done": "実施", "indicator": "指標", "actor_raw": "実施主体(原文)",
    "actors": "主体", "target": "目標", "actual": "実績", "unit": "単位", "grade": "評価",
    "actual_raw": "実績(原文)", "grade_raw": "評価(原文)", "unit_raw": "単位(原文)", "baseline": "基準値",
    "baseline_raw": "基準値(原文)", "rate": "達成率(記載)", "rate_raw": "達成率(原文)", "projection": "見込",
    "projection_raw": "見込(原文)", "header_raw": "見出し(原文)", "as_of": "時点", "is_total": "合計行",
    "row_kind": "行の種類", "achievement": "達成度", "achievement_kind": "達成度の種類", "achievement_year": "達成度の年度",
    "achievement_basis": "達成度の根拠", "scale": "評価尺度", "years": "年度",
    # summaries and counts
    "total_items": "対象数", "total_raw": "合計(原文)", "stated_score": "記載の得点", "stated_score_raw": "記載の得点(原文)",
    "max_score": "満点", "previous_score": "前回の得点", "n_circle": "○の数", "n_double_circle": "◎の数",
    "n_triangle": "△の数", "n_square": "□の数", "n_cross": "×の数", "n_dash": "-の数", "n_black_triangle": "▲の数",
    "complete": "全区分あり", "item_no": "項目番号", "label": "区分", "label_raw": "区分(原文)", "count": "件数",
    "count_raw": "件数(原文)", "share": "割合", "share_raw": "割合(原文)", "stated_share_raw": "記載の割合(原文)",
    "weight": "重み", "canonical": "標準区分",
    # costs
    "national": "国庫支出金", "national_raw": "国庫支出金(原文)", "prefectural": "都道府県支出金",
    "prefectural_raw": "都道府県支出金(原文)", "bonds": "地方債", "bonds_raw": "地方債(原文)", "other": "その他財源",
    "other_raw": "その他財源(原文)", "general": "一般財源", "general_raw": "一般財源(原文)", "project_total": "事業費計",
    "project_total_raw": "事業費計(原文)", "staff": "職員数", "staff_raw": "職員数(原文)", "hours": "従事時間",
    "hours_raw": "従事時間(原文)", "personnel": "人件費計", "personnel_raw": "人件費計(原文)", "total_cost": "トータルコスト",
    "total_cost_raw": "トータルコスト(原文)", "year": "年度",
    # notes, references, legends, dates, flags
    "text": "本文", "type": "種類", "relation": "関係", "legend_no": "凡例番号", "legend_kind": "凡例の種類",
    "item_label": "記号・区分", "item_text": "説明", "item_role": "項目の役割", "prior_plan": "前期計画の評価", "era": "元号", "era_year": "和暦年", "month": "月", "day": "日",
    "is_fiscal": "年度表記", "stated_year": "記載の年", "context": "前後の文", "field": "項目", "raw": "原文",
    "reason": "理由", "stage": "段階", "detail": "詳細", "problem": "問題", "reader": "読み取り方",
    "basis": "根拠", "nlp": "NLP",
    # audit
    "check": "検証項目", "check_name": "検証項目", "severity": "重大度", "message": "説明", "rule": "規則",
    "rule_source": "規則の出典", "stated": "記載値", "recomputed": "再計算値", "interval_low": "区間下限",
    "interval_high": "区間上限", "reading": "解釈",
    # NLP evidence
    "target_action_no": "目標の取組番号", "result_action_no": "実績の取組番号", "target_text": "目標(記載)",
    "result_text": "実績(記載)", "result_value": "実績値", "result_unit": "実績の単位", "target_context": "目標の文脈",
    "result_context": "実績の文脈", "target_start": "目標の位置", "result_start": "実績の位置", "target_src": "目標の出典",
    "result_src": "実績の出典", "start": "開始位置", "end": "終了位置",
    # comparison
    "directions": "方向性の内訳", "achievement_by_year": "年度別達成度", "themes": "テーマ別施策数", "mapping": "換算",
    # the 列 sheet
    "table": "表", "column": "列", "label_ja": "見出し", "description": "説明",
    # meta
    "schema_version": "スキーマ版", "hyoka_version": "hyoka版", "value": "値",
}


def column_label(column: str) -> str:
    """The Japanese header of a column; the English name itself when none is known."""
    return COLUMN_LABELS.get(column, column)


def table_label(table: str) -> str:
    return TABLE_LABELS.get(table, table)


@lru_cache(maxsize=1)
def column_descriptions() -> dict[tuple[str, str], str]:
    """(table, column) → its description (pipeline/data/columns.tsv, taken from docs/schema.md)."""
    path = Path(__file__).with_name("data") / "columns.tsv"
    out: dict[tuple[str, str], str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader((line for line in fh if not line.startswith("#")), delimiter="\t",
                              quoting=csv.QUOTE_NONE):
            if len(row) >= 3:
                out[(row[0], row[1])] = row[2]
    return out
