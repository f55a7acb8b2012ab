"""大船渡市 事務事業評価シート (the city's data-collection sheet): one row per 事務事業.

One header row (the row above it is a junk 「調整用」 row), then per 事務事業: No., 作成年/月/日,
年度, 事務事業ID, 事務事業名, the 政策 › 施策 › 基本事業 hierarchy (each number printed as a
十の位 and an 一の位 column), 部課名, 事務事業の概要, the names and units of up to nine
indicators (活動指標 ア–ウ, 対象指標 カ–ク, 成果指標 サ–ス), six yearly blocks of 国庫支出金 …
トータルコスト and the nine indicator values, the 評価の視点 ①–⑧ (a verdict column and a
comment column each), 改革改善の方向性 and 「４ 課長等意見 (1) 今後の方向性」.

Columns are found by their header labels (line breaks and spaces ignored, NFKC), never by
position. The header does not say which fiscal year a yearly block is: the sheet prints
that in text boxes over the header row (「１年目（令和２年度実績）」 … 「６年目（令和７年度目標）」),
which the XLSX backend renders as a row just above the header; each label is matched to
the block under its left edge. The 目標 block's indicator values are targets, the 実績
blocks' actuals. A block without a year label is not read (an error on the document
says so), rather than guessing its year from its position.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from hyoka.extractors._common import one_line
from hyoka.extractors.base import LayoutExtractor, Row, Score, SourceText
from hyoka.normalizers.directions import parse_direction
from hyoka.normalizers.eras import fiscal_year
from hyoka.normalizers.labels import canonical_label
from hyoka.normalizers.places import find_municipality
from hyoka.pipeline.model import Cost, DocError, Document, Flag, IndicatorValue, Measure, Note, ReportKind

YEAR_LABEL = re.compile(r"(令和|平成)\s*([0-9]+|元)\s*年度")
_LEVELS = ("政策", "施策", "基本事業")
_LEVEL_NO = re.compile(rf"^({'|'.join(_LEVELS)})番号(十|一)の位$")
_LEVEL_NAME = re.compile(rf"^({'|'.join(_LEVELS)})名$")
# 「⑤ 活動指標（事務事業の活動量を表す指標）\nア：名称」 → (活動, ア, 名称); 「⑤活動指標\nア」 → a yearly value
_INDICATOR_DEF = re.compile(r"(活動|対象|成果)指標.*([ア-ン])[:：](名称|単位)$")
_INDICATOR_VALUE = re.compile(r"^[0-9]?(活動|対象|成果)指標([ア-ン])$")
# a yearly block's money and staff columns, by their printed labels (after _norm)
_COST_LABELS = {
    "国庫支出金": "national", "都道府県支出金": "prefectural", "地方債": "bonds", "その他": "other",
    "一般財源": "general", "事業費計(A)": "project_total", "正規職員従事人数": "staff", "延べ業務時間": "hours",
    "人件費計(B)": "personnel", "トータルコスト(A)+(B)": "total_cost",
}
_BLOCK_START = "national"
_VIEWPOINT = re.compile(r"^[①-⑧]")
_NO_UNIT = {"", "0", "-", "―", "－", "‐"}
_ID = re.compile(r"^\d{4}$")


def _norm(label: str) -> str:
    """A header label without its line breaks and spaces, NFKC (「事業費計  （A）」 → 「事業費計(A)」)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", label))


def _is_header(row: Row) -> bool:
    if not row.is_table:
        return False
    labels = {_norm(c) for c in row.cells if c.strip()}
    return ("事務事業名" in labels and any(label.startswith("事業費計") for label in labels)
            and any("今後の方向性" in label or "課長等意見" in label for label in labels))


def _header_index(text: SourceText, look: int = 20) -> int | None:
    seen = 0
    for i, row in text.nonblank():
        if _is_header(row):
            return i
        seen += 1
        if seen >= look:
            return None
    return None


class OfunatoJimujigyo(LayoutExtractor):
    name = "ofunato_jimujigyo_hyoka"
    description = "大船渡市 事務事業評価シート (事務事業 × 6 fiscal years: 財源内訳, 事業費, 人件費, 指標; 評価の視点, 今後の方向性)"

    @classmethod
    def detect(cls, text: SourceText) -> float:
        return Score.all_of(0.9, {"a header row with 事務事業名, 事業費計 and 今後の方向性 or 課長等意見 in the first 20 rows":
                                  _header_index(text) is not None})

    def extract(self, text: SourceText, doc: Document) -> None:
        at = _header_index(text)
        header = text.rows[at]
        cols = _columns(header)
        missing = [f for f in ("id", "measure_name") if f not in cols["fields"]]
        if missing:
            doc.errors.append(DocError(stage="extract", message=f"header without {', '.join(missing)}", ref=header.ref))
            return
        doc.kind = ReportKind.PROJECT_EVALUATION_SHEETS
        doc.municipality = find_municipality("", text.full_text())
        years = _year_labels([r for r in text.rows[:at] if r.ref.table == header.ref.table], cols["blocks"])
        blocks = []
        for n, block in enumerate(cols["blocks"]):
            label = years.get(n)
            if label is None:
                first, last = min(block["cols"]), max(block["cols"])
                doc.errors.append(DocError(
                    stage="extract", ref=header.cell_ref(first),
                    message=f"yearly block {n + 1} (columns {first + 1}–{last + 1}) has no year label; not read"))
                continue
            blocks.append((label, block))

        body = [r for i, r in text.nonblank() if i > at and r.ref.table == header.ref.table]
        printed_years: Counter[str] = Counter()
        for row in body:
            get = _getter(row)
            if not (get(cols["fields"].get("id")) or get(cols["fields"].get("measure_name"))):
                continue
            if (fy := get(cols["fields"].get("fiscal_year"))):
                printed_years[fy] += 1
            self._row(row, get, cols, blocks, doc)
        _document_year(doc, printed_years, [label for label, _b in blocks])

    @staticmethod
    def _row(row: Row, get, cols: dict, blocks, doc: Document) -> None:
        fields = cols["fields"]
        id_raw = get(fields["id"])
        key = id_raw or f"No.{get(fields.get('no'))}"
        while doc.measure(key) is not None:
            key += "'"
        hierarchy = []
        for level in _LEVELS:
            parts = cols["levels"].get(level, {})
            number = "".join(get(parts.get(d)) for d in ("十", "一")) or None
            name = one_line(get(parts.get("name")))
            if number or name:
                hierarchy.append((level, number, name))
        measure = Measure(
            key=key, id_raw=id_raw or None, name=one_line(get(fields["measure_name"])), ref=row.ref,
            hierarchy=hierarchy, departments_raw=get(fields.get("departments")) or None,
            direction_raw=get(fields.get("direction")) or None, kind="measure",
        )
        doc.measures.append(measure)
        if id_raw and not _ID.match(id_raw):
            doc.flags.append(Flag(field="id", raw=id_raw, ref=row.cell_ref(fields["id"]), scope=key,
                                  reason=f"事務事業ID 「{id_raw}」 is not a four-digit ID like the others (kept as printed)"))
        for field, label in (("direction", "今後の方向性"), ("reform_direction", "改革改善の方向性")):
            raw = get(fields.get(field))
            if raw and parse_direction(raw) is None:
                doc.flags.append(Flag(field=field, raw=raw, ref=row.cell_ref(fields[field]), scope=key,
                                      reason=f"{label} 「{raw}」 is not one of the sheet's choices (kept as printed)"))

        def note(kind: str, col: int | None, item_label: str | None = None) -> None:
            raw = get(col)
            if raw:
                doc.notes.append(Note(scope=key, kind=kind, text=raw.strip(), raw=raw, ref=row.cell_ref(col),
                                      item_label=item_label))

        note("summary", fields.get("summary"))
        for label, col in cols["purpose"]:
            note("purpose_means", col, label)
        for label, col in cols["background"]:
            note("background", col, label)
        for label, verdict_col, comment_col in cols["viewpoints"]:
            note("evaluation_viewpoint", verdict_col, label)
            note("evaluation_comment", comment_col, label)
        note("reform_direction", fields.get("reform_direction"))
        note("issue", fields.get("issue"))
        note("manager_opinion", fields.get("manager_opinion"))

        for label, block in blocks:
            cost_cols = block["cost"]
            doc.costs.append(Cost(
                measure_key=key, fiscal_year_raw=label,
                ref=row.cell_ref(min(cost_cols.values())).span(row.cell_ref(max(cost_cols.values()))),
                **{f"{field}_raw": get(col) or None for field, col in cost_cols.items()},
            ))
            is_target = "目標" in label
            for letter, col in block["indicators"].items():
                definition = cols["indicators"].get(letter, {})
                name = one_line(get(definition.get("名称")))
                value = get(col) or None
                if not name and value is None:
                    continue
                iv = IndicatorValue(
                    measure_key=key, indicator=name or None, fiscal_year_raw=label, row_kind="yearly",
                    target_raw=value if is_target else None, actual_raw=None if is_target else value,
                    grade_raw=None, ref=row.cell_ref(col))
                # the unit is printed in a column of its own; normalize keeps it when the value has none
                unit = _norm(get(definition.get("単位")))
                iv.unit = None if unit in _NO_UNIT else unit
                doc.indicator_values.append(iv)


def _getter(row: Row):
    def get(col: int | None) -> str:
        return row.cells[col].strip() if col is not None and col < len(row.cells) else ""
    return get


def _columns(header: Row) -> dict:
    """Header labels → columns: the fields, hierarchy levels, indicator definitions, yearly blocks,
    evaluation viewpoints (verdict and comment columns)."""
    fields: dict[str, int] = {}
    levels: dict[str, dict[str, int]] = {}
    indicators: dict[str, dict[str, int]] = {}
    blocks: list[dict] = []
    viewpoints: list[tuple[str, int, int | None]] = []
    background: list[tuple[str, int]] = []
    purpose: list[tuple[str, int]] = []
    labels = [(col, cell, _norm(cell)) for col, cell in enumerate(header.cells) if cell.strip()]
    for i, (col, raw, label) in enumerate(labels):
        if m := _LEVEL_NO.match(label):
            levels.setdefault(m.group(1), {})[m.group(2)] = col
        elif m := _LEVEL_NAME.match(label):
            levels.setdefault(m.group(1), {})["name"] = col
        elif m := _INDICATOR_DEF.search(label):
            indicators.setdefault(m.group(2), {})[m.group(3)] = col
        elif m := _INDICATOR_VALUE.match(label):
            if blocks:
                blocks[-1]["indicators"][m.group(2)] = col
                blocks[-1]["cols"].append(col)
        elif label in _COST_LABELS:
            field = _COST_LABELS[label]
            if field == _BLOCK_START or not blocks or field in blocks[-1]["cost"]:
                blocks.append({"cost": {}, "indicators": {}, "cols": []})
            blocks[-1]["cost"][field] = col
            blocks[-1]["cols"].append(col)
        elif label == "No.":
            fields["no"] = col
        elif label == "事務事業ID":
            fields["id"] = col
        elif label.startswith("事務事業の概要"):
            fields["summary"] = col
        elif "今後の方向性" in label:
            fields["direction"] = col
        elif "全体総括" in label:
            fields["manager_opinion"] = col
        elif label.endswith("改革改善の方向性"):
            fields["reform_direction"] = col
        elif "解決すべき課題" in label:
            fields["issue"] = col
        elif _VIEWPOINT.match(raw.strip()):
            item = one_line(raw)
            nxt = labels[i + 1] if i + 1 < len(labels) else None
            if _question(raw):  # 「① この事務事業を開始したきっかけは何か？…」
                background.append((item, col))
            elif nxt and _question(nxt[1]) and not _VIEWPOINT.match(nxt[1].strip()):
                # 「① 政策体系との整合性」 (the verdict), then its comment column: the question, unnumbered
                viewpoints.append((item, col, nxt[0]))
            else:  # 「① 手段（主な活動）…」「② 対象…」「③ 意図…」「④ 結果…」
                purpose.append((item, col))
        elif (field := canonical_label(raw)) in ("fiscal_year", "measure_name", "departments"):
            fields.setdefault(field, col)
    return {"fields": fields, "levels": levels, "indicators": indicators, "blocks": blocks,
            "viewpoints": viewpoints, "background": background, "purpose": purpose}


def _question(label: str) -> bool:
    return "？" in label or "?" in label


def _year_labels(rows: list[Row], blocks: list[dict]) -> dict[int, str]:
    """Block number → its year label as printed, matched by the column the label starts in."""
    out: dict[int, str] = {}
    for row in rows:
        for col, cell in row.filled:
            if not YEAR_LABEL.search(unicodedata.normalize("NFKC", cell)):
                continue
            for n, block in enumerate(blocks):
                first, last = min(block["cols"]), max(block["cols"])
                # a box starts over the block, or in the column just before it
                if first - 1 <= col <= last and n not in out:
                    out[n] = one_line(cell)
                    break
    return out


def _document_year(doc: Document, printed: Counter[str], labels: list[str]) -> None:
    """年度 is printed as a bare era year (「7」); the era is the one the year labels print."""
    if not printed:
        return
    value, count = printed.most_common(1)[0]
    era = next((m.group(1) for label in reversed(labels)
                if (m := YEAR_LABEL.search(unicodedata.normalize("NFKC", label)))), None)
    doc.fiscal_year_raw = value
    if era is None or not value.isdigit():
        doc.errors.append(DocError(stage="extract", message=f"年度 「{value}」 printed without an era"))
        return
    doc.fiscal_year = fiscal_year(f"{era}{value}年度")
    doc.fiscal_year_basis = (f"printed: 年度 column 「{value}」 ({count} of {sum(printed.values())} rows), "
                             f"era {era} as in the yearly blocks' labels")
