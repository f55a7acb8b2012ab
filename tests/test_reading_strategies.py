"""The reader's strategies on real reports of governments it has no module for (tests/corpus, facts read
by hand in tests/corpus/facts.json): count tables in every orientation, roles by head noun, quantities
told apart by their marks, legends in sentences — and the evidence each reading rests on."""

from __future__ import annotations

from pathlib import Path

import hyoka
from hyoka.pipeline.ingest import read_document
from hyoka.pipeline.model import EvidenceKind

CORPUS = Path(__file__).parent / "corpus"


def summaries(d):
    return {s.scope: ({i.label_raw: i.count for i in s.items}, s.total_items) for s in d.score_summaries}


def test_transposed_count_table_reads_each_count_column_and_accuses_nobody():
    """川崎市: grades as rows, 事業数 | うち重点 as columns, a 合計 row; then three such tables side by side
    under a two-row header. 事業数 is a count column, not the total (the 合計 row is)."""
    path = CORPUS / "kawasaki_shisaku_hyoka_2007.txt"
    d = read_document(path)
    got = summaries(d)
    assert got["達成度 事業数"] == ({"1 目標を大きく上回って達成": 0, "2 目標を上回って達成": 1, "3 目標をほぼ達成": 7,
                                  "4 目標を下回った": 0, "5 目標を大きく下回った": 0}, 8)
    assert got["達成度 うち重点"][1] == 3 and got["達成度 うち重点"][0]["3 目標をほぼ達成"] == 3
    assert got["3ヵ年の事業目標に対する達成状況 事業数"][0] == {
        "I 当初の目標を上回って達成": 1, "II 当初の目標どおり達成": 6, "III 当初の目標を下回った": 1,
        "IV 法制度等の改定により比較不能": 0}
    assert got["事業の妥当性 うち重点"][0]["3 適正"] == 3
    # the grades with their meanings are the scale's legend
    assert ("IV", "法制度等の改定により比較不能") in [i for leg in d.legends for i in leg.items]
    findings = hyoka.audit([path])
    assert not (findings.status == "inconsistent").any()


def test_matrix_with_a_two_row_header_gives_one_summary_per_row_and_group():
    """栗山町: 政策分野 (carried down) | 施策 | 計画事業数 | 評価対象事業数 (内部/外部) | 最終内部評価 (5 columns)."""
    d = read_document(CORPUS / "kuriyama_seisaku_hyoka_2019.md")
    s = next(s for s in d.score_summaries if s.scope == "生活環境 防災 最終内部評価")
    assert [(i.label_raw, i.count) for i in s.items] == [("計画通り 進める", 2), ("改善検討", 3), ("改善検討", 0),
                                                         ("改善検討", 1), ("抜本的 見直し", 0)]
    first = next(s for s in d.score_summaries if "事後評価" in s.scope)
    assert [(i.label_raw, i.count, i.share_raw) for i in first.items][:2] == [
        ("計画通り進める", 155, "82.45%(↑2.66%)"), ("改善を検討(事業内容)", 13, "17.55%(↓2.66%)")]
    assert first.total_items == 188


def test_shares_on_their_own_row_under_each_count_row():
    """豊中市: 2019年 | 施策 | 3 | 14 | 0 | 17, then 「| | (17.6%) | (82.4%) | (0%) | |」."""
    d = read_document(CORPUS / "toyonaka_seisaku_hyoka_2019.md")
    s = next(s for s in d.score_summaries if s.scope == "2019年 施策")
    assert [(i.label_raw, i.count, i.share_raw) for i in s.items] == [("A", 3, "17.6%"), ("B", 14, "82.4%"), ("C", 0, "0%")]
    assert s.total_items == 17
    s = next(s for s in d.score_summaries if s.scope == "2020年 施策の方向性")
    assert ({i.label_raw: i.count for i in s.items}, s.total_items) == ({"A": 18, "B": 33, "C": 0}, 51)
    assert [("A", "順調に進んでいる")] == [i for leg in d.legends for i in leg.items][:1]


def test_a_total_column_found_by_the_tables_own_arithmetic_says_so():
    """各務原市: 指標数 | 向上している指標数 | 向上していない指標数 — no 合計 label over the first column, but it
    is the sum of the other two on every row: the total, with the arithmetic kept as evidence."""
    d = read_document(CORPUS / "kakamigahara_sogokeikaku_2016.md")
    assert summaries(d)["客観的指標"] == ({"向上している指標数": 53, "向上していない指標数": 10}, 63)
    assert summaries(d)["合計"] == ({"向上している指標数": 78, "向上していない指標数": 37}, 115)
    why = [e for e in d.reading_evidence if e.kind == EvidenceKind.ARITHMETIC]
    assert why and "「指標数」 equals the sum of the other 2 count columns on 3 of 3 rows" in why[0].detail
    assert not d.legends  # 「客観的指標 | 63 | 53 | 10」 is not a label with its meaning


def test_plan_and_actual_under_spanning_headers_with_marks():
    """富士市: 前期実施計画 (事業数 | 事業費 (A)) | 実績 (事業数 | H23-27実績額 (B)) | 進捗率 (B)/(A). Roles from the
    head nouns 計画/実績, the two quantities told apart (the marks pair 事業費 with 実績額), the period H23-27
    not a fiscal year, and the printed rates confirming the roles (as evidence, not as a verdict)."""
    d = read_document(CORPUS / "fuji_sogokeikaku_tassei_2015.txt")
    money = [v for v in d.indicator_values if v.indicator == "一般 事業費"]
    assert (money[0].target_raw, money[0].actual_raw, money[0].rate_raw, money[0].fiscal_year) == (
        "7,937,499", "7,415,050", "93.4%", None)
    count = next(v for v in d.indicator_values if v.indicator == "一般 事業数")
    assert (count.target_raw, count.actual_raw) == ("38", "36")
    # 「一般」 under 第2章 is another indicator than 「一般」 under 第1章
    assert [(v.target_raw, v.actual_raw) for v in money][:2] == [("7,937,499", "7,415,050"), ("1,570,693", "3,034,064")]
    arithmetic = [e.detail for e in d.reading_evidence if e.kind == EvidenceKind.ARITHMETIC]
    assert any("the printed rate equals actual ÷ target on" in a and "structure only" in a for a in arithmetic)
    bands = next(s for s in d.score_summaries if "該当施策指標の数" in s.scope)
    assert ({i.label_raw: i.count for i in bands.items}, bands.total_items) == (
        {"80%以上": 57, "50%以上80%未満": 12, "50%未満": 6, "20%未満": 0, "その他": 3}, 78)


def test_key_value_lines_above_a_text_table_are_not_its_header():
    """飯田市: 作成/政策/施策 lines, then 「対象指標 | 単位 | 21年度 … | 見込み 28年度」 and a second table
    「成果指標 | … | 目標 28年度」 in the same run of tab-separated lines."""
    d = read_document(CORPUS / "iida_shisaku_management_2012.txt")
    v = {(x.indicator, x.fiscal_year): x for x in d.indicator_values}
    assert v[("① 工業統計による事業所数 飯田下伊那", 2010)].actual_raw == "526"
    assert v[("① 工業統計による事業所数 飯田下伊那", 2016)].projection_raw == "530"
    assert v[("① 既存事業者の出荷額(工業) 飯田下伊那", 2016)].target_raw == "4,386"
    assert not any(x.actual_raw and "年度" in x.actual_raw for x in d.indicator_values)  # a header is no value


def test_counts_and_legends_stated_in_sentences():
    hirakata = read_document(CORPUS / "hirakata_shisaku_hyoka_2021.md")
    assert {i.label_raw: i.count for s in hirakata.score_summaries for i in s.items} == {
        "効果的なもの(A)": 22, "おおむね効果的なもの(B)": 14, "改善に向けた検討を要するもの(C)": 7, "課題の検証を要するもの(D)": 2}
    ino = read_document(CORPUS / "ino_sogosenryaku_kensho_2017.md")
    assert {i.label_raw: i.count for s in ino.score_summaries for i in s.items} == {
        "目標値以上": 30, "目標値と同等": 13, "目標値未達成": 32, "評価なし": 1}
    assert ("◎", "目標値以上") in [i for leg in ino.legends for i in leg.items]
    tagawa = read_document(CORPUS / "tagawa_sogokeikaku_shinchoku_undated.md")  # a legend boxed in one cell
    assert [a for leg in tagawa.legends for a, _b in leg.items] == ["A", "B", "C"]


def test_chart_labels_broken_over_lines_are_one_count_line():
    """長岡市: a pie chart's labels in a slide's text layer 「達成済み,」 / 「8事業, 36%」, its legend words between."""
    d = read_document(CORPUS / "nagaoka_sousei_kensho_2015.txt")
    s = next(s for s in d.score_summaries if len(s.items) == 4)
    assert {i.label_raw: (i.count, i.share_raw) for i in s.items} == {
        "未定": (1, "5%"), "達成済み": (8, "36%"), "達成困難": (6, "27%"), "達成見込み": (7, "32%")}


def test_values_keep_their_printed_magnitude():
    """群馬県: 「4,730万人」 is 4730 万人 (as a 単位 column of 万人 over 「4,730」 would give it)."""
    ds = hyoka.read([CORPUS / "gunma_kanko_kasseika_2017.md"], audit=False)
    v = ds.indicator_values
    row = v[(v.fiscal_year == 2017) & (v.target == 4730)]
    assert len(row) == 1 and row.iloc[0].actual == 4913 and row.iloc[0].unit == "万人"
    # 当初現況値(平成25年度当初) is the baseline the plan started from, in the same magnitude
    base = v[(v.fiscal_year == 2013) & (v.baseline_raw == "4,481万人")]
    assert len(base) == 1 and base.iloc[0].baseline == 4481 and base.iloc[0].row_kind == "baseline"


def test_the_reading_and_its_alternatives_are_stored():
    ds = hyoka.read([CORPUS / "kakamigahara_sogokeikaku_2016.md"], audit=False)
    ev = ds.tables["reading_evidence"] if hasattr(ds, "tables") else ds.reading_evidence
    assert {"record_table", "record_key", "kind", "detail", "reader", "weight", "src_file"} <= set(ev.columns)
    alt = ev[ev.kind == "alternative"]
    assert (alt.reader == "count_table").all() and alt.detail.str.contains("also readable as").all()


def _md_tables(path: Path) -> list[list[list[str]]]:
    """The Markdown tables of a corpus file as lists of rows of cells (the separator line left out)."""
    tables, cur = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("|"):
            if not set(line) <= set("|-: "):
                cur.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif cur:
            tables.append(cur)
            cur = []
    return tables + ([cur] if cur else [])


def _facts(name: str) -> set[tuple]:
    import json

    f = next(x for x in json.loads((CORPUS / "facts.json").read_text(encoding="utf-8")) if x["file"] == name)
    return {(i["year"], i["target"], i["actual"]) for i in f["indicators"]}


def _values(path: Path) -> set[tuple]:
    ds = hyoka.read([path], audit=False)
    v = ds.indicator_values

    def num(x):
        return None if x != x or x is None else (int(x) if float(x).is_integer() else float(x))
    return {(num(r.fiscal_year), num(r.target), num(r.actual)) for r in v.itertuples()}


def test_a_table_flattened_to_one_cell_per_line_gives_the_facts_back(tmp_path):
    """富山県's tables (facts read by hand) as a PDF text layer prints them: every cell on a line of its own,
    the blank corner cell lost, the header printed again before the second table."""
    name = "toyama_nogyo_ninaite_2019.md"
    lines = ["担い手の育成・確保の実績と目標", ""]
    for table in _md_tables(CORPUS / name):
        lines += [c for row in table for c in row if c]
    flat = tmp_path / "toyama_flat.txt"
    flat.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _facts(name) <= _values(flat)
    d = read_document(flat)
    v = next(x for x in d.indicator_values if x.indicator == "認定農業者数" and x.fiscal_year == 2026)
    assert v.target_raw == "1,700" and v.ref.line_start is not None  # the cell's own line


def test_a_table_flattened_to_a_row_per_line_gives_the_facts_back(tmp_path):
    name = "toyama_nogyo_ninaite_2019.md"
    lines = ["担い手の育成・確保の実績と目標", ""]
    for table in _md_tables(CORPUS / name):
        lines += [" ".join(c for c in row if c) for row in table]
    flat = tmp_path / "toyama_rows.txt"
    flat.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _facts(name) <= _values(flat)


def test_budget_and_settlement_rows_are_costs_not_targets_met():
    """貝塚市 施策にかかるコスト: H24予算 | H24決算 … with 正職員数, 直接人件費, フルコスト rows — kept as printed
    (target = 予算, actual = 決算) but row_kind `cost`, so no achievement is computed from them."""
    d = read_document(CORPUS / "kaizuka_keikan_shisaku_hyoka_2013.txt")
    full = next(v for v in d.indicator_values if v.indicator == "フルコスト" and v.fiscal_year == 2012)
    assert (full.target_raw, full.actual_raw, full.row_kind) == ("86,470", "122,806", "cost")
    staff = next(v for v in d.indicator_values if v.indicator == "正職員数" and v.fiscal_year == 2013)
    assert (staff.actual_raw, staff.row_kind) == ("5.1", "cost")
    assert {v.row_kind for v in d.indicator_values} == {"cost"}
