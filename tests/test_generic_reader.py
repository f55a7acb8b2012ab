"""The generic reader on real reports from governments hyoka has no layout for (tests/corpus/).

Every expected value below was read by hand from the file named in the test (the same facts are
in tests/corpus/facts.json, read by hand by whoever assembled the corpus); none comes from the tool.
tests/corpus/ is a copy of the developers' corpus (see its README.md); tests/corpus/render/ holds a
few of its PDF/DOCX renderings.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from hyoka.pipeline.ingest import read_document

CORPUS = Path(__file__).parent / "corpus"
RENDER = CORPUS / "render"


@functools.lru_cache(maxsize=None)
def doc(name: str, folder: Path = CORPUS):
    return read_document(folder / name)


def values(d, indicator_prefix: str, year):
    return [v for v in d.indicator_values if (v.indicator or "").startswith(indicator_prefix) and v.fiscal_year == year]


def one(d, indicator_prefix: str, year):
    found = values(d, indicator_prefix, year)
    assert len(found) == 1, [(v.indicator, v.fiscal_year, v.target_raw, v.actual_raw) for v in found]
    return found[0]


def test_no_corpus_report_is_refused():
    for path in sorted(CORPUS.glob("*")):
        if path.suffix in (".md", ".txt") and path.name != "README.md":
            d = read_document(path)
            assert d.layout == "generic", path.name
            assert d.tables_seen is not None


def test_stacked_target_over_actual_rows_with_years_over_two_header_rows():
    # 茨城県 議会報告: 「目標値(上段)・実績値(下段)」, years 2014…2020 over (H26)…, names wrapped onto the 下段 line
    d = doc("ibaraki_kanko_gikai_hokoku_2017.txt")
    v = one(d, "1.観光地点等入込客数(延べ人数)", 2016)
    assert (v.target, v.actual, v.unit) == (5800, 6181, "万人")
    v = one(d, "1.観光地点等入込客数(延べ人数)", 2017)
    assert (v.target, v.actual) == (6685, 6128)
    assert one(d, "1.観光地点等入込客数(延べ人数)", 2020).target == 8200
    v = one(d, "4.外国人旅行者数", 2017)
    assert (v.target, v.actual) == (45.4, 29.7)
    assert any(l.kind == "layout" and ("上段", "target") in l.items for l in d.legends)
    # prose count: 「4つの項目で目標値を達成しました」
    assert any(i.count_raw == "4つの項目" for s in d.score_summaries for i in s.items)


def test_value_kind_rows_under_one_name_and_unit_from_the_baseline_cell():
    # 長崎市: rows 目標値/実績値/達成率 per indicator, H23-H27 columns, unit only in 「558.7 万人」
    d = doc("nagasaki_kanko_shisaku_hyoka_2015.txt")
    v = one(d, "観光客数[暦年]", 2011)
    assert (v.target, v.actual, v.rate_raw, v.rate) == (570.0, 594.5, "104.3%", 104.3)
    assert v.baseline_raw == "558.7 万人" and v.unit == "万人"
    v = one(d, "観光消費額[暦年]", 2015)
    assert (v.target, v.actual, v.rate, v.unit) == (1217.0, 1368.3, 112.4, "億円")
    # 「「⇧」は目標値を上回ることが望ましい指標、「⇩」は…」
    assert any([i[0] for i in l.items] == ["⇧", "⇩"] for l in d.legends)


def test_bare_years_take_the_era_of_their_header_cell_and_the_caption_names_the_table():
    # 佐渡市: 「平成(年度) | 18 | 19 | 20」, rows 目標/実績/目標と実績の比較, units glued
    d = doc("sado_nogyo_jigo_kensho_2008.md")
    v = one(d, "成果指標 水田経営所得安定対策の加入面積", 2007)
    assert (v.target, v.actual, v.target_raw) == (2468, 2210, "2,468ヘクタール")
    assert v.fiscal_year_basis == "era from context: 平成"
    v = one(d, "活動指標 認定農業者への集積促進", 2006)
    assert (v.target, v.actual) == (650, 590)
    assert "△258ヘクタール" in [n.raw for n in d.notes if n.kind == "stated_difference"]


def test_value_type_and_date_inside_the_header_cell():
    # 小矢部市: 「平成13年実績」「平成15年9月30日現在」「平成15年末見込」「5ヵ年目標」
    d = doc("oyabe_sogokeikaku_seika_shihyo_2003.md")
    assert one(d, "IT講座修了者数", 2001).actual == 1007
    v = one(d, "IT講座修了者数", 2003)
    assert (v.actual, v.as_of, v.projection) == (196, "2003-09-30", 279)
    v = one(d, "IT講座修了者数", None)
    assert (v.target, v.target_raw) == (1400, "1,400人")
    # a text target is kept as printed, with no number invented
    v = one(d, "生涯学習推進協議会の設置", None)
    assert (v.target_raw, v.target) == ("設置", None)
    assert one(d, "図書館入館者数", 2000).actual == 102521


def test_budget_and_settlement_columns_and_hierarchical_row_labels():
    # 貝塚市: 「H24予算 | H24決算」 pairs, labels over three columns, 千円 printed once per block
    d = doc("kaizuka_keikan_shisaku_hyoka_2013.txt")
    v = one(d, "直接事業費", 2012)
    assert (v.target, v.actual) == (86470, 85244)
    assert one(d, "直接事業費", 2014).target == 93157
    assert one(d, "正職員数", 2013).actual == 5.1
    assert one(d, "直接人件費", 2012).unit_raw == "千円"
    # the key–value tables above the cost table are reported, not dropped
    assert d.tables_seen == 3 and d.tables_mapped == 1
    assert len(d.unmapped) == 2 and all(u.kind == "table" for u in d.unmapped)


def test_unlabelled_final_year_after_a_gap_is_read_as_the_target_and_says_so():
    # 茨城県 観光振興: columns 2014 … 2018 | 2020 with no value type; 2020 is the plan's target year
    d = doc("ibaraki_kanko_shinko_2018.md")
    assert one(d, "1.観光地点等入込客数(延べ人数)", 2018).actual == 6184
    v = one(d, "1.観光地点等入込客数(延べ人数)", 2020)
    assert (v.target, v.actual) == (8200, None)
    assert "after a gap" in v.fiscal_year_basis


def test_dated_progress_values_in_bullets():
    # 高知県: 「野菜:H24年12月・15ha→H25年12月・30ha」 under 「◆施設園芸での炭酸ガス供給装置導入面積」
    d = doc("kochi_sangyo_seicho_senryaku_2014.txt")
    assert one(d, "施設園芸での炭酸ガス供給装置導入面積 野菜", 2012).actual == 15
    assert one(d, "施設園芸での炭酸ガス供給装置導入面積 花き", 2013).actual == 0.3
    assert any(l.items == [("・", "取組"), ("◆", "成果")] for l in d.legends)


def counts(summary):
    return {i.label_raw: i.count_raw for i in summary.items}


def test_count_tables_across_down_and_by_year():
    d = doc("itoigawa_jimujigyo_hyoka_kekka.md")
    (s,) = d.score_summaries
    items = {i.label_raw: i for i in s.items}
    assert "合 計" not in items and (s.total_items, s.total_raw) == (71, "合 計: 71")
    assert (items["現状維持"].count_raw, items["現状維持"].share_raw) == ("35", "49.3")
    assert items["業務改善"].count_raw == "26"

    d = doc("fujimino_jimujigyo_hyoka_2016.md")
    tables = [s for s in d.score_summaries if s.reader == "table"]
    assert counts(tables[0])["a 拡充"] == "45事務事業" and counts(tables[0])["g 完了"] == "3事務事業"
    prose = [s for s in d.score_summaries if s.reader == "prose" and "評価対象" in counts(s)]
    assert [(i.count_raw, i.share_raw) for i in prose[0].items] == [("394事業", "96%"), ("16事業", "4%")]

    d = doc("komagane_gyosei_hyoka_2004_2011.md")
    assert len(d.score_summaries) == 8
    h21 = next(s for s in d.score_summaries if s.scope.startswith("平成21年度"))
    assert (h21.total_items, h21.total_raw) == (117, "評価事業数: 117件") and counts(h21)["現状のまま継続"] == "95件"
    assert "評価事業数" not in counts(h21)


def test_counts_in_sentences():
    d = doc("nagano_sousei_senryaku_hyoka_2015.md")
    kpi = next(s for s in d.score_summaries if "努力を要する" in counts(s))
    assert counts(kpi) == {"順調": "46項目", "おおむね順調": "4項目", "努力を要する": "35項目"}
    d = doc("atsugi_shisaku_hyoka_2023.md")
    s = next(s for s in d.score_summaries if "77項目中" in s.raw)
    assert (counts(s), s.total_items, s.complete) == ({"上昇": "12項目"}, 77, False)


@pytest.mark.parametrize("name, labels", [
    ("kitsuki_sousei_kimatsu_hyoka.md", ["A", "B", "C", "D"]),
    ("fukuoka_hokenfukushi_shinchoku_2018.txt", ["a", "b", "c"]),
    ("itoigawa_jimujigyo_hyoka_kekka.md", ["現状維持", "拡大拡充", "業務改善", "統合縮小", "休止廃止", "要調整", "民 間"]),
    ("ibaraki_sogokeikaku_shinko_kanri_2012.txt", ["順調", "概ね順調", "やや遅れ", "遅れ"]),
    ("nagano_sousei_senryaku_hyoka_2015.md", ["順調", "おおむね順調", "努力を要する"]),
])
def test_legends_in_any_label_set(name, labels):
    d = doc(name)
    assert any([i[0] for i in l.items] == labels for l in d.legends), [l.items for l in d.legends]


def test_legend_with_a_lost_symbol_is_kept_and_flagged():
    # 大阪府 2013: the fourth 活動評価 line reads 「: 目標達成に向けた進捗がみられない」
    d = doc("osaka_toshokan_hyoka_kijun_2013.md")
    scale = next(l for l in d.legends if l.items and l.items[0][0] == "◎")
    assert [i[0] for i in scale.items] == ["◎", "〇", "△", ""]
    assert any(f.field == "legend" and "without its label" in f.reason for f in d.flags)


def test_points_per_band_legend():
    d = doc("sano_shisaku_kihonjigyo_hyoka.md")
    bands = next(l for l in d.legends if l.kind == "points_bands")
    assert bands.items[0] == ("100%", "7ポイント") and bands.items[-1] == ("50%未満", "1ポイント")
    assert len(bands.items) == 7


def test_a_note_line_inside_a_table_does_not_end_it(tmp_path):
    # the 茨城県 table with a footnote inserted between two indicators: all values still read
    text = (CORPUS / "ibaraki_kanko_gikai_hokoku_2017.txt").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(text) if line.startswith("3.宿泊観光入込客数"))
    text.insert(at, "(注)2017年度の実績値は速報値")
    path = tmp_path / "with_note.txt"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    d = read_document(path)
    v = one(d, "4.外国人旅行者数", 2017)
    assert (v.target, v.actual) == (45.4, 29.7)
    assert one(d, "3.宿泊観光入込客数(実人数)", 2016).actual == 534
    assert [(n.item_label, n.text, n.raw) for n in d.notes if n.kind == "table_note"] == \
        [("(注)", "2017年度の実績値は速報値", "(注)2017年度の実績値は速報値")]


@pytest.mark.parametrize("rendering, source", [
    ("ibaraki_kanko_gikai_hokoku_2017.reportlab.pdf", "ibaraki_kanko_gikai_hokoku_2017.txt"),
    ("nagasaki_kanko_shisaku_hyoka_2015.docx", "nagasaki_kanko_shisaku_hyoka_2015.txt"),
    ("oyabe_sogokeikaku_seika_shihyo_2003.chromium.pdf", "oyabe_sogokeikaku_seika_shihyo_2003.md"),
    ("kaizuka_keikan_shisaku_hyoka_2013.reportlab.pdf", "kaizuka_keikan_shisaku_hyoka_2013.txt"),
])
def test_pdf_and_docx_renderings_give_the_values_of_the_text(rendering, source):
    def key(d):
        return sorted((v.fiscal_year or 0, v.target or 0, v.actual or 0) for v in d.indicator_values
                      if v.target is not None or v.actual is not None)

    assert key(doc(rendering, RENDER)) == key(doc(source))


def test_count_table_in_a_docx_rendering():
    d = doc("itoigawa_jimujigyo_hyoka_kekka.docx", RENDER)
    assert counts(d.score_summaries[0])["現状維持"] == "35"


def test_key_value_table_and_a_year_spanning_its_value_kinds():
    d = read_document(Path(__file__).parent / "fixtures" / "generic_forms.md")
    # rows 数値/時点 × columns 基準値/年度当初値/今年度目標値/今年度実績値/長期的目標値
    (v,) = [v for v in values(d, "市内創業件数", 2023) if v.row_kind == "yearly"]
    assert (v.target, v.actual, v.unit) == (18, 21, "件")
    (start,) = [v for v in values(d, "市内創業件数", 2023) if v.row_kind == "baseline"]
    assert (start.baseline_raw, start.as_of, start.header_raw) == ("15件", None, "年度当初値 令和5年4月")
    assert one(d, "市内創業件数", 2030).target == 30
    assert one(d, "市内創業件数", 2018).baseline_raw == "12件"
    # 「令和4年度」 over 目標 | 実績 | 評価; a 合計 row kept and marked; 未確定 and ― kept as printed, no value
    v = one(d, "観光入込客数(千人)", 2022)
    assert (v.target, v.actual, v.grade, v.unit) == (1200, 1150, "B", "千人")
    assert one(d, "合計", 2023).is_total
    v = one(d, "宿泊者数", 2022)
    assert (v.target_raw, v.target, v.actual_raw, v.actual) == ("未確定", None, "―", None)


@pytest.mark.parametrize("name, labels, text", [
    # 「ABCDの段階評価を行う」: the grades are named, their meanings are not printed
    ("shiga_chusho_kasseika_kensho_2019.md", ["A", "B", "C", "D"], "4段階の1"),
    # 「各施策の達成率を点数化し、4段階で評価します」: only the number of steps is printed
    ("atsugi_shisaku_hyoka_2023.md", [""], "4段階で評価"),
])
def test_a_scale_named_but_not_spelled_out_is_kept_as_a_scale_legend(name, labels, text):
    d = doc(name)
    scale = next(l for l in d.legends if l.kind == "scale")
    assert [i[0] for i in scale.items] == labels and scale.items[0][1] == text


def test_declared_scale_phrases():
    from hyoka.normalizers.legends import declared_scale

    assert [i.label for i in declared_scale("S～Dの5段階で評価")] == ["S", "A", "B", "C", "D"]
    assert [i.label for i in declared_scale("A・B・Cの3段階")] == ["A", "B", "C"]
    assert declared_scale("ABCの4段階") == []  # three letters are not four steps
    assert declared_scale("第3段階の計画") == []  # a phase, not a scale
    assert declared_scale("BAの段階") == []  # not in grade order


def test_symbol_count_lines_and_no_arithmetic_legends_when_no_layout_claims_the_report(monkeypatch):
    """武蔵野市 第二期 まとめ read as an unknown layout: its six 「N施策中 ○ △ □ × ◎ -」 lines are
    count summaries with their stated scores (read from sample_docs/musashino_2ki_progress_summary.txt),
    and 「100点 ÷ 41施策 ≒ 2.44点」 is not mistaken for a points legend."""
    from hyoka import extractors
    from hyoka.pipeline.ingest import ingest

    monkeypatch.setattr(extractors.registry, "layouts", lambda: ())  # no layout registered: none claims it
    result = ingest([Path(__file__).parent.parent / "sample_docs" / "musashino_2ki_progress_summary.txt"])
    d = result.documents[0]
    assert d.layout == "generic"
    lines = [(s.total_items, s.counts, s.stated_score) for s in d.score_summaries]
    assert lines[2:] == [
        (30, {"○": 23, "△": 1, "□": 5, "×": 0, "◎": 0, "-": 1}, 84.0),
        (36, {"○": 25, "△": 3, "□": 4, "×": 1, "◎": 3, "-": 0}, 87.0),
        (11, {"○": 7, "△": 0, "□": 3, "×": 1, "◎": 0, "-": 0}, 73.0),
        (20, {"○": 18, "△": 0, "□": 2, "×": 0, "◎": 0, "-": 0}, 93.0),
    ]
    assert lines[0] == (41, {"○": 30, "△": 1, "□": 7, "×": 1, "◎": 2, "-": 0}, 85.0)
    assert not [l for l in d.legends if l.kind in ("points", "points_bands")]
    findings = result.tables()["audit_findings"]
    assert set(findings[findings.check == "counts_sum"].status) == {"consistent"}


def test_evaluation_sheets_read_by_their_labels_when_no_layout_claims_them(monkeypatch):
    """武蔵野市 管理・評価シート read as an unknown layout gives what its own layout gives: 20 施策,
    52 取組 (予定/実施) and the same 方向性 — on the text, DOCX and PDF (values read from the sheets)."""
    from hyoka import extractors

    seeds = Path(__file__).parent.parent / "sample_docs"
    monkeypatch.setattr(extractors.registry, "layouts", lambda: ())  # no layout registered: none claims it
    for suffix in ("txt", "docx", "pdf"):
        d = read_document(seeds / f"musashino_3ki_evaluation_sheets_r7.{suffix}")
        assert (d.layout, len(d.measures), len(d.actions)) == ("generic", 20, 52), suffix
        first = d.measures[0]
        assert (first.name, first.id_raw, first.direction_raw) == ("個性豊かなまちの魅力の醸成・発信", "1", "拡充")
        assert first.hierarchy == [("方針", "1", "武蔵野市の魅力や価値を高める産業振興")]
        a = d.actions[1]
        assert a.action_no == "2" and a.planned.startswith("令和7年度から新たな寄附受付サイトの運用を開始し")
        assert a.done.startswith("令和7年5月に「楽天ふるさと納税」")
        directions = [m.direction_raw for m in d.measures]
        assert (directions.count("拡充"), directions.count("継続")) == (3, 17)


def test_action_list_with_its_columns_in_any_order():
    d = read_document(Path(__file__).parent / "fixtures" / "action_list.md")
    assert [m.name for m in d.measures] == ["1-1 創業セミナーの開催", "1-2 空き店舗活用補助", "1-3 創業相談窓口"]
    m = d.measures[1]
    assert (m.id_raw, m.departments_raw, m.direction_raw, m.indicator_raw) == ("1-2", "産業振興課、商工会", "見直し", "交付 10件")
    a = d.actions[1]
    assert (a.planned, a.done, a.indicator) == ("補助 10件", "申請 4件、交付 3件", "交付 10件")
    assert d.actions[2].indicator is None and d.measures[2].direction == "拡充"
    assert d.measures[0].hierarchy == [("見出し", None, "1 創業支援")]


@pytest.mark.parametrize("suffix", ["txt", "docx", "pdf"])
def test_akiruno_table_read_by_its_labels_gives_what_its_layout_gives(monkeypatch, suffix):
    """あきる野市 進捗状況まとめ as an unknown layout: 実施事業 names the row (right of 方向性 | 個別施策,
    which become the hierarchy), 実施主体 / 目標とする姿 / 実施状況・課題 describe the measure,
    「事業承継セミナー(参加者数) P.33」 is 事業承継セミナー counting 参加者数, and the 評価指標 table
    printed right below the data is read as the S–C legend."""
    from hyoka import extractors

    path = Path(__file__).parent.parent / "sample_docs" / f"akiruno_progress_summary_r7.{suffix}"
    own = read_document(path)
    monkeypatch.setattr(extractors.registry, "layouts", lambda: ())  # no layout registered: none claims it
    generic = read_document(path)

    def values(d):
        names = {m.key: m.name for m in d.measures}
        return sorted((names[v.measure_key], v.indicator, v.fiscal_year, v.target, v.actual, v.grade)
                      for v in d.indicator_values)

    assert generic.layout == "generic" and len(generic.measures) == 14
    assert values(generic) == values(own)
    m = generic.measures[0]
    assert (m.name, m.departments_raw) == ("事業承継セミナー", "Bi@Sta")
    assert m.hierarchy == [("方向性", None, "地域経済循環の担い手となる事業者の育成"), ("個別施策", None, "事業承継の促進")]
    assert m.status_raw.startswith("ミニセミナーと事業承継セミナーを実施している")
    # read by hand: 令和7年度 事業承継セミナー 年間目標 45人, 実績 17人, 評価 C
    v = next(v for v in generic.indicator_values if v.fiscal_year == 2025 and v.measure_key == m.key)
    assert (v.indicator, v.target_raw, v.actual_raw, v.grade_raw) == ("参加者数", "45人", "17人", "C")
    legend = next(l for l in generic.legends if l.kind == "grade_bands")
    assert [label for label, _text in legend.items] == ["S", "A", "B", "C"]


@pytest.fixture()
def as_unknown_layout(monkeypatch):
    from hyoka import extractors

    monkeypatch.setattr(extractors.registry, "layouts", lambda: ())  # no layout registered: none claims it


def test_interrupted_akiruno_table_read_whole_by_the_generic_reader(tmp_path, as_unknown_layout):
    """The あきる野 text with a page break printed into it (running head 「資料2」, both header rows
    again), a note sentence and a stray row: every value still read, the header no measure, the
    running head, the sentence and the stray row each reported in `unmapped`, none a hierarchy level."""
    seed = Path(__file__).parent.parent / "sample_docs" / "akiruno_progress_summary_r7.txt"
    lines = seed.read_text(encoding="utf-8").split("\n")
    header = [line for line in lines if line.startswith("方向性\t") or line.startswith("\t\t\t\t\t\t実績値")]
    at = next(i for i, line in enumerate(lines) if "\tまちゼミ" in line) + 1
    stray = "\t\t\t\t追加の説明がここに入る" + "\t" * 14
    variant = tmp_path / seed.name
    variant.write_text("\n".join(lines[:at] + ["", "資料2", *header, "実績値は速報値です", stray] + lines[at:]),
                       encoding="utf-8")
    clean, d = read_document(seed), read_document(variant)

    def values(doc):
        names = {m.key: m.name for m in doc.measures}
        return [(names[v.measure_key], v.fiscal_year, v.target_raw, v.actual_raw, v.grade_raw) for v in doc.indicator_values]

    assert [m.name for m in d.measures] == [m.name for m in clean.measures] and len(d.measures) == 14
    assert values(d) == values(clean)
    assert [m.hierarchy for m in d.measures] == [m.hierarchy for m in clean.measures]
    assert [(u.kind, u.raw) for u in d.unmapped] == [("line", "資料2"), ("line", "実績値は速報値です"),
                                                     ("row", stray)]  # the row as printed
    assert "running head" in d.unmapped[0].reason


@pytest.mark.parametrize("name", ["akiruno_progress_summary_r7_reportlab.pdf",
                                  "akiruno_progress_summary_r7_reportlab_regrid.pdf"])
def test_reportlab_pdf_with_repeated_header_read_by_the_generic_reader(name, as_unknown_layout):
    d = read_document(Path(__file__).parent / "fixtures" / name)
    assert d.layout == "generic" and len(d.measures) == 14 and d.unmapped == []
    m = next(m for m in d.measures if m.name == "地域マップの作成")
    assert m.ref.page == 2 and m.hierarchy[1][2] == "産学官連携の推進"
    v = next(v for v in d.indicator_values if v.measure_key == m.key and v.fiscal_year == 2025)
    assert (v.target_raw, v.actual_raw, v.grade_raw, v.target, v.actual) == ("30,000部", "23,000部", "B", 30000, 23000)


@pytest.mark.parametrize("name, indicator, year, target, actual", [
    # 茨城県 観光振興: | 1.観光地点等入込客数(延べ人数) | 万人 | 5,075 | 5,704 | 6,181 | 6,128 | 6,184 | 8,200 |
    ("ibaraki_kanko_shinko_2018.xlsx", "1.観光地点等入込客数(延べ人数)", 2014, None, 5075),
    ("ibaraki_kanko_shinko_2018.xlsx", "3.宿泊観光入込客数(実人数)", 2020, 822, None),
    # 小矢部市: | 11204 | 生涯学習用公民館パソコン設置台数 | 当初 | なし | 109台 | … (平成13年実績)
    ("oyabe_sogokeikaku_seika_shihyo_2003.xlsx", "生涯学習用公民館パソコン設置台数", 2001, None, 109),
])
def test_tables_inside_a_spreadsheet_from_another_government(name, indicator, year, target, actual):
    """A sheet is one grid: its tables are the regions between blank rows, and one-cell rows are
    titles and notes (tests/fixtures/make_corpus_renderings.py renders the corpus text as such a sheet)."""
    d = doc(name, RENDER)
    assert d.format == "xlsx" and d.layout == "generic"
    v = one(d, indicator, year)
    assert (v.target, v.actual) == (target, actual)
    assert d.tables_mapped >= 1 and not [u for u in d.unmapped if u.kind == "table"]


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_a_pdf_table_drawn_without_lines(engine, monkeypatch):
    """No ruling lines, so no table for the PDF table finder: the words of a row with column-wide gaps
    between them are read as cells. Values read by hand from the report (as in the test below).
    The rendering holds the table alone — no word saying it is a report (評価, 目標, 実績 …) — so the
    report gate would keep it out: this test is about reading a table, and reads it anyway."""
    monkeypatch.setenv("HYOKA_PDF_ENGINE", engine)
    d = read_document(RENDER / "ibaraki_kanko_shinko_2018.nolines.pdf", read_anyway=True)
    assert one(d, "1.観光地点等入込客数(延べ人数)", 2014).actual == 5075
    v = one(d, "3.宿泊観光入込客数(実人数)", 2020)
    assert (v.target, v.unit) == (822, "万人")
    assert len(d.indicator_values) == 18


def test_columns_aligned_with_spaces_in_a_layout_text():
    """Text copied out of a PDF keeps its table as space-aligned columns (two or more spaces, numbers
    one space apart, a blank line between rows): read as a table. Values read by hand from the report:
    | 1.観光地点等入込客数(延べ人数) | 万人 | 5,075 | 5,704 | 6,181 | 6,128 | 6,184 | 8,200 |."""
    d = doc("ibaraki_kanko_shinko_2018.layout.txt", RENDER)
    assert one(d, "1.観光地点等入込客数(延べ人数)", 2014).actual == 5075
    assert one(d, "3.宿泊観光入込客数(実人数)", 2017).actual == 512
    v = one(d, "3.宿泊観光入込客数(実人数)", 2020)
    assert (v.target, v.unit) == (822, "万人")
    assert len(d.indicator_values) == 18
