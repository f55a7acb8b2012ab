"""Facts read by hand from the five sample reports; the dataset must reproduce them, from every
format a report is in (the text rendering, and the DOCX/PDF versions made from it)."""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import SEED_FORMATS


# --- 000 武蔵野市 第二期 進捗管理まとめ -------------------------------------------------

@pytest.mark.parametrize("fmt", SEED_FORMATS["000"])
def test_000_goal_summaries(read_seed, fmt):
    doc = read_seed("000", fmt)
    assert doc.layout == "musashino_progress_summary"
    assert doc.municipality == "武蔵野市"
    scores = doc.score_summaries
    assert [s.scope for s in scores] == ["目標1", "目標2", "目標3", "目標4", "目標5"]
    assert [s.total_items for s in scores] == [41, 30, 36, 11, 20]
    assert [s.stated_score for s in scores] == [85, 84, 87, 73, 93]
    assert [s.previous_score for s in scores] == [76, 79, 79, 76, 87]
    assert all(s.max_score == 100 for s in scores)
    assert scores[2].counts == {"○": 25, "△": 3, "□": 4, "×": 1, "◎": 3, "-": 0}
    assert scores[1].counts["-"] == 1
    assert scores[0].counts == {"○": 30, "△": 1, "□": 7, "×": 1, "◎": 2, "-": 0}
    # the counts add up to the stated total on every line
    assert all(sum(s.counts.values()) == s.total_items for s in scores)


@pytest.mark.parametrize("fmt", SEED_FORMATS["000"])
def test_000_notes_and_actor_tags(read_seed, fmt):
    notes = read_seed("000", fmt).notes
    assert len(notes) == 31
    assert Counter(n.kind for n in notes) == {"good_point": 16, "issue": 15}
    untagged = [n for n in notes if not n.actors]
    assert len(untagged) == 1 and untagged[0].scope == "目標4"
    assert untagged[0].text.startswith("サイバーセキュリティ対策")
    wide = [n for n in notes if n.actor_raw and "関係" in n.actor_raw]
    assert len(wide) == 1 and wide[0].actor_raw.strip() == "(市・関係)"
    assert wide[0].actors == ["市", "関係機関"]
    by_tag = Counter(tuple(n.actors) for n in notes)
    assert by_tag[("市",)] > by_tag[("関係機関",)] > 0
    # the tag is cut off the text, the raw line keeps it
    first = notes[0]
    assert first.text == "市制施行75周年に合わせて、プロモーションに資する市勢要覧とWEBサイトを構築した"
    assert first.raw.endswith("（市）")
    where = {"txt": ("line_start", 42), "pdf": ("page", 2)}[fmt]  # the PDF prints 目標1 on page 2
    assert getattr(first.ref, where[0]) == where[1]


@pytest.mark.parametrize("fmt", SEED_FORMATS["000"])
def test_000_fiscal_year_is_derived_and_says_so(read_seed, fmt):
    doc = read_seed("000", fmt)
    assert doc.fiscal_year == 2022  # previous scores are 令和3年度末 (FY2021)
    assert doc.fiscal_year_basis.startswith("inferred")


# --- 001 武蔵野市 第三期 管理・評価シート ------------------------------------------------

@pytest.mark.parametrize("fmt", SEED_FORMATS["001"])
def test_001_measures_and_policies(read_seed, fmt):
    doc = read_seed("001", fmt)
    assert doc.layout == "musashino_evaluation_sheets"
    assert doc.fiscal_year == 2025 and doc.fiscal_year_raw == "令和7年度"
    assert doc.municipality == "武蔵野市"
    assert [m.id for m in doc.measures] == [str(n) for n in range(1, 21)]
    policies = {m.hierarchy[0][1] for m in doc.measures}
    assert policies == {"1", "2", "3", "4", "5"}
    assert Counter(m.hierarchy[0][1] for m in doc.measures) == {"1": 5, "2": 4, "3": 5, "4": 3, "5": 3}
    m12 = doc.measure("施策12")
    assert m12.name == "事業者連携の新たな場づくり"
    assert m12.hierarchy[0] == ("方針", "3", "都市の活力を担う持続可能な産業振興")


@pytest.mark.parametrize("fmt", SEED_FORMATS["001"])
def test_001_actions(read_seed, fmt):
    doc = read_seed("001", fmt)
    assert len(doc.actions) == 52
    assert all(a.planned and a.done for a in doc.actions)
    per_measure = Counter(a.measure_key for a in doc.actions)
    assert per_measure["施策2"] == 4 and per_measure["施策16"] == 4 and per_measure["施策3"] == 2
    a = next(a for a in doc.actions if a.measure_key == "施策5" and a.action_no == "3")
    assert a.indicator == "農地貸借相談件数:1件以上"
    assert a.done.startswith("新規貸借3件")
    # 施策4 prints its 達成指標 in rows of their own, for the whole 施策
    m4 = doc.measure("施策4")
    assert "事業見直しの件数: 2件以上" in m4.indicator_raw
    assert all(a.indicator is None for a in doc.actions if a.measure_key == "施策4")


@pytest.mark.parametrize("fmt", SEED_FORMATS["001"])
def test_001_directions_partners_departments(read_seed, fmt):
    doc = read_seed("001", fmt)
    directions = {m.id: m.direction for m in doc.measures}
    assert {k for k, v in directions.items() if v == "拡充"} == {"1", "3", "12"}
    assert Counter(directions.values()) == {"拡充": 3, "継続": 17}
    no_partners = {m.id for m in doc.measures if m.partners == []}
    assert no_partners == {"5", "9", "16", "19"}
    assert all(doc.measure(f"施策{n}").partners_raw == "—" for n in (5, 9, 16, 19))
    assert len(doc.measure("施策19").departments) == 7
    assert doc.measure("施策1").departments == ["産業振興課", "秘書広報課", "財政課", "多文化共生・交流課"]
    assert doc.measure("施策1").partners == ["商工会議所", "観光機構", "商店会連合会"]


@pytest.mark.parametrize("fmt", SEED_FORMATS["001"])
def test_001_notes(read_seed, fmt):
    notes = read_seed("001", fmt).notes
    kinds = Counter(n.kind for n in notes)
    assert set(kinds) == {"assessment", "next_year_plan", "council_report"}  # 審議会意見 are all blank
    first = [n for n in notes if n.scope == "施策1" and n.kind == "assessment"]
    assert first[0].item_label == "【取組1】"
    assert first[0].text.startswith("「トレジャーハンティング(探偵ムサシ)」")
    assert any("約18億円" in n.text for n in first)


# --- 002 西東京市 マスタープラン策定概要 ----------------------------------------------------

def test_002_areas_and_directions(seed_docs):
    doc = seed_docs["002"]
    assert doc.municipality == "西東京市"
    directions = [m for m in doc.measures if m.kind == "direction"]
    per_area = Counter(m.hierarchy[0][2] for m in directions)
    assert list(per_area) == ["農", "しごと", "商店街", "西東京市ブランド"]
    assert list(per_area.values()) == [2, 3, 2, 4]
    assert directions[0].name == "農地の保全と活用" and directions[0].id == "1"
    assert directions[0].status_raw == "相続等により、農地の減少が進行"
    issues = [n for n in doc.notes if n.kind == "issue"]
    assert Counter(n.scope for n in issues) == {"農": 2, "しごと": 3, "商店街": 3, "西東京市ブランド": 4}


def test_002_plan_period(seed_docs):
    doc = seed_docs["002"]
    assert (doc.period_start, doc.period_end) == (2024, 2033)
    assert doc.period_years_stated == 10


# --- 003 あきる野市 進捗状況まとめ ----------------------------------------------------------

@pytest.mark.parametrize("fmt", SEED_FORMATS["003"])
def test_003_hierarchy(read_seed, fmt):
    doc = read_seed("003", fmt)
    assert doc.municipality == "あきる野市"
    assert doc.fiscal_year == 2025
    assert len(doc.measures) == 14
    assert len({m.hierarchy[1][2] for m in doc.measures}) == 7
    assert len({m.hierarchy[0][2] for m in doc.measures}) == 3
    assert doc.measures[1].hierarchy[0][2] == "地域経済循環の担い手となる事業者の育成"  # merged cell filled forward
    assert doc.measure("経営支援セミナー").new is True
    assert doc.measure("中小・小口・マル経").departments == ["商工会", "市"]


@pytest.mark.parametrize("fmt", SEED_FORMATS["003"])
def test_003_indicator_values(read_seed, fmt):
    doc = read_seed("003", fmt)
    yearly = [v for v in doc.indicator_values if v.row_kind == "yearly"]
    graded = [v for v in yearly if v.fiscal_year in (2023, 2024, 2025)]
    assert len(graded) == 42
    assert all(v.target is not None and v.actual is not None and v.grade for v in graded)
    future = [v for v in yearly if v.fiscal_year == 2026]
    assert len(future) == 14 and all(v.target is not None and v.actual is None and v.grade is None for v in future)

    def value(name, fy):
        return next(v for v in yearly if v.measure_key == name and v.fiscal_year == fy)

    v = value("事業承継相談", 2023)
    assert (v.target, v.actual, v.unit, v.grade) == (10, 5, "人", "C")
    v = value("地域マップの作成", 2025)
    assert (v.target, v.actual, v.unit, v.grade) == (30000, 23000, "部", "B")
    assert v.target_raw == "30,000部"


@pytest.mark.parametrize("fmt", SEED_FORMATS["003"])
def test_003_baseline_dash_is_missing(read_seed, fmt):
    doc = read_seed("003", fmt)
    base = {v.measure_key: v for v in doc.indicator_values if v.row_kind == "baseline"}
    assert len(base) == 14
    assert base["経営支援セミナー"].actual_raw == "-"  # kept as printed …
    assert base["経営支援セミナー"].actual is None  # … and missing, not zero
    assert base["地域マップの作成"].actual == 27000
    assert sum(v.actual is None for v in base.values()) == 4


# --- 004 昭島市 産業振興計画報告書 ------------------------------------------------------------

def test_004_review_rows(seed_docs):
    doc = seed_docs["004"]
    reviews = [m for m in doc.measures if m.kind == "review"]
    assert len(reviews) == 37
    assert Counter(m.direction for m in reviews) == {"継続": 31, "変更し実施": 2, "終了": 4}


def test_004_later_plan_measures(seed_docs):
    doc = seed_docs["004"]
    plan = [m for m in doc.measures if m.kind == "measure"]
    assert len(plan) == 46
    assert Counter(m.id.split("-")[0] for m in plan) == {"工": 10, "商": 7, "農": 9, "観": 10, "共": 10}
    assert "商-7" not in {m.id for m in plan}
    assert sum(m.reposted for m in plan) == 6
    assert sum(m.new for m in plan) == 7
    assert doc.measure("工-6").basic_goals == [1, 2, 3]
    assert doc.measure("農-4").departments == ["教育委員会", "市", "農業協同組合", "農業者団体"]
    t = doc.measure("共-8")
    assert (t.target_value, t.target_unit, t.target_deadline_fy) == (40, "社", 2026)
    t = doc.measure("工-2")
    assert (t.target_value, t.target_unit, t.target_period) == (4, "社", "年")


def test_004_cross_references(seed_docs):
    doc = seed_docs["004"]
    links = {frozenset((r.from_key, r.to_key)) for r in doc.cross_refs if r.relation == "連携"}
    assert links == {frozenset(p) for p in (("工-3", "観-2"), ("工-7", "商-2"), ("商-3", "観-5"), ("農-9", "観-3"))}
    # every link is printed from both ends
    assert len([r for r in doc.cross_refs if r.relation == "連携"]) == 8


def test_004_impossible_era_years_flagged_not_fixed(seed_docs):
    doc = seed_docs["004"]
    flagged = [f for f in doc.flags if f.field == "date" and f.raw == "令和29年度"]
    assert len(flagged) == 2
    assert {f.ref.line_start for f in flagged} == {35, 39}
    mentions = [d for d in doc.dates if d.raw == "令和29年度"]
    assert all(d.year == 2047 and d.problem for d in mentions)  # kept as printed (2047), not "fixed"
    assert doc.issued == "2023-03"
    assert (doc.period_start, doc.period_end, doc.period_years_stated) == (2017, 2026, 10)


@pytest.mark.parametrize("table", ["documents", "measures", "actions", "indicator_values", "score_summaries",
                                   "notes", "cross_references", "dates", "flags"])
def test_every_row_traceable(seed_tables, table):
    frame = seed_tables[table]
    assert len(frame) > 0
    assert frame["doc_id"].notna().all()
    if table != "documents":
        assert frame["src_file"].notna().all()
        assert frame["src_line_start"].notna().all()
