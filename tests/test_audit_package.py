"""The audit as a package: the same findings from a document's rows as from its stored frames, and
checks that read what a layout provides (legend item roles, measures.prior_plan, a backend's
sheet_rows) — never which city the report is from."""

from __future__ import annotations

from hyoka.pipeline.audit import audit_document, audit_rows, audit_tables, findings_frame, frame_rows
from hyoka.pipeline.model import Cost, Document, Legend, Measure, ScoreSummary, SourceRef
from hyoka.pipeline.stages import NORMALIZE
from hyoka.pipeline.tables import build_tables, table_rows


def _key(f) -> tuple:
    return (f.source, f.check, f.status, f.location, f.stated, f.recomputed, f.message)


def test_rows_and_stored_frames_give_the_same_findings(seed_docs):
    docs = list(seed_docs.values())
    rows = table_rows(docs, [])
    from_rows = audit_rows(rows)
    from_frames = audit_tables(build_tables(docs, [], rows=rows))
    assert [_key(f) for f in from_rows] == [_key(f) for f in from_frames]
    # not a vacuous equality: the five reports' scores, grades, numbering and ended measures are in it
    assert {"points_exact", "grade_band", "numbering", "ended_reappears", "cross_reference"} <= {
        f.check for f in from_rows}
    one = seed_docs["000"]
    assert [_key(f) for f in audit_document(one)] == [_key(f) for f in from_rows if f.doc_id == one.doc_id]


def test_frame_rows_give_none_for_missing_values():
    import pandas as pd

    frame = pd.DataFrame({"doc_id": ["a", "b"], "n": pd.array([1, None], dtype="Int64"), "x": [1.5, float("nan")],
                          "s": ["p", None]})
    assert frame_rows(frame) == [{"doc_id": "a", "n": 1, "x": 1.5, "s": "p"},
                                 {"doc_id": "b", "n": None, "x": None, "s": None}]


# --- roles, not cities ----------------------------------------------------------------------------

# 武蔵野市's 凡例 (sample_docs/musashino_2ki_progress_summary.txt L3-L25), lines as printed
LEGEND = [
    ("example_line", "41施策中 ○30 △1 □7 ×1 ◎2 -0 → 85 (76) 点 / 100点"),
    ("unit_formula", "100点 ÷ 41施策 ≒ 2.44点"),
    ("symbol_weight", "○または◎ . . . 2.44点"),
    ("symbol_weight", "△ 2.44点 × 2 / 3"),
    ("symbol_weight", "□ 2.44点 × 1 / 3"),
    ("symbol_weight", "×または- . . . 0点"),
    ("worked_formula", "2.44 × 32 (78) + 1.63 × 1 (1.63) + 0.81 × 7 (5.67) = 85.38 ≒ 85点"),
]


def _report(roles: bool, legend: list[tuple[str, str]] = LEGEND, layout: str = "generic") -> Document:
    """Another city's report printing the same legend and count line, read by a layout that gives roles
    (or none)."""
    ref = SourceRef(file="other.txt", line_start=1)
    doc = Document(doc_id="o", source_path="/x/other.txt", format="txt", layout=layout, fiscal_year=2022)
    doc.legends.append(Legend(kind="points", raw="", ref=ref, items=[(None, text) for _r, text in legend],
                              item_refs=[SourceRef(file="other.txt", line_start=i + 1) for i in range(len(legend))],
                              item_roles=[r for r, _t in legend] if roles else []))
    doc.score_summaries.append(ScoreSummary(scope="目標1", scope_name=None, ref=SourceRef(file="other.txt", line_start=30),
                                            raw="41施策中 ○30 △1 □7 ×1 ◎2 -0 → 85 (76) 点 / 100点"))
    for stage in NORMALIZE:
        stage(doc)
    return doc


def test_a_legend_is_read_by_its_roles_whatever_the_layout():
    found = audit_document(_report(roles=True))
    exact = [f for f in found if f.check == "points_exact"]
    assert [(f.stated, round(f.recomputed, 2), f.status) for f in exact] == [("85", 85.37, "consistent")]
    formula = [(f.stated, f.status) for f in found if f.check == "legend_formula"]
    # unit 100 ÷ 41 = 2.439; per weight its unit value, count and product (2.44 × 32 = 78.08 printed 78);
    # the sum 78.08 + 1.63 + 5.67 = 85.38 and its rounding 85
    assert formula == [("2.44", "consistent"), ("2.44", "consistent"), ("32", "consistent"), ("78", "consistent"),
                       ("1.63", "consistent"), ("1", "consistent"), ("1.63", "consistent"),
                       ("0.81", "consistent"), ("7", "consistent"), ("5.67", "consistent"),
                       ("85.38", "consistent"), ("85", "consistent")]


def test_a_wrong_term_of_the_worked_formula_is_found_by_its_role():
    found = audit_document(_report(roles=True, legend=[(r, t.replace("(5.67)", "(5.76)")) for r, t in LEGEND]))
    wrong = [(f.stated, f.recomputed) for f in found if f.check == "legend_formula" and f.status == "inconsistent"]
    assert wrong == [("5.76", 5.67)]


def test_without_roles_the_worked_formula_is_not_guessed():
    found = audit_document(_report(roles=False))
    assert not [f for f in found if f.check in ("legend_formula", "points_exact")]
    assert [f.check for f in found if f.check == "legend_unreadable"] == ["legend_unreadable"]


def _plan_review(prior_plan: bool) -> Document:
    # 昭島市 (sample_docs/akishima_plan_report_r5.txt): a 前期 measure ended (廃止), printed again in this plan
    doc = Document(doc_id="p", source_path="/x/plan.txt", format="txt", layout="generic")
    doc.measures += [
        Measure(key="前期-9", id_raw=None, name="観光マップ作成", ref=SourceRef(file="plan.txt", line_start=40),
                direction_raw="廃止", kind="row", prior_plan=prior_plan),
        Measure(key="観-9", id_raw="観-9", name="観光マップ作成", ref=SourceRef(file="plan.txt", line_start=300)),
    ]
    for stage in NORMALIZE:
        stage(doc)
    return doc


def test_an_ended_measure_is_known_by_prior_plan_not_by_kind():
    found = [f for f in audit_document(_plan_review(True)) if f.check == "ended_reappears"]
    assert [(f.scope, f.status, f.stated) for f in found] == [("前期-9", "warning", "廃止")]
    assert "reappears as 観-9" in found[0].message
    assert not [f for f in audit_document(_plan_review(False)) if f.check == "ended_reappears"]


def _costs(fmt: str) -> Document:
    # 大船渡市 0317 (sample_docs/ofunato_jimujigyo_hyoka_r7.xlsx): 159816.6 + 15181 + 17757.4 = 192755, printed 192756
    doc = Document(doc_id="c", source_path=f"/x/costs.{fmt}", format=fmt, layout="generic")
    doc.costs.append(Cost(measure_key="0317", fiscal_year_raw="令和5年度", national_raw="159816.6",
                          prefectural_raw="-", bonds_raw="15181", other_raw="-", general_raw="17757.4",
                          project_total_raw="192756", ref=SourceRef(file=f"costs.{fmt}", table=0, row=369)))
    for stage in NORMALIZE:
        stage(doc)
    return doc


def test_a_sheet_row_is_quoted_where_the_backend_says_rows_are_a_sheets():
    sheet = [f for f in audit_document(_costs("xlsx")) if f.check == "cost_funding_sum"]
    assert [(f.status, f.stated, f.recomputed) for f in sheet] == [("inconsistent", "192756", 192755.0)]
    assert "0317 令和5年度 (sheet row 370):" in sheet[0].message
    table = [f for f in audit_document(_costs("docx")) if f.check == "cost_funding_sum"]
    assert table[0].message.startswith("0317 令和5年度: ")


def test_findings_frame_keeps_every_field():
    frame = findings_frame(audit_document(_costs("xlsx")))
    assert list(frame.columns)[:6] == ["doc_id", "source", "check", "status", "message", "location"]
    assert frame["severity"].tolist() == ["error"]
