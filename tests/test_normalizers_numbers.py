import pytest

from hyoka.normalizers.numbers import UNIT_CANON, UNITS, Quantity, parse_number, parse_quantity


@pytest.mark.parametrize("s,expected", [
    ("27,000", 27000), ("２７，０００", 27000), ("約18億円", 1.8e9), ("2万回", 20000), ("1.5万", 15000),
    ("8割", 80), ("93%", 93), ("９３％", 93), ("十", 10), ("二十", 20), ("百二十", 120), ("三千", 3000), ("一", 1),
    ("10人", 10), ("3億5千万円", 3.5e8), ("令和8年度までに40社", 40), ("0件", 0), ("-5", -5),
])
def test_parse_number(s, expected):
    assert parse_number(s) == pytest.approx(expected)


@pytest.mark.parametrize("s", ["-", "－", "—", "", None, "継続実施", "一定の効果", "統一", "百貨店", "令和8年度"])
def test_parse_number_none(s):
    assert parse_number(s) is None


def q(s):
    r = parse_quantity(s)
    return (r.value, r.unit, r.per, r.qualifier, r.deadline_fiscal_year, r.count_label)


@pytest.mark.parametrize("s,expected", [
    ("10人", (10, "人", None, None, None, None)),
    ("27,000部", (27000, "部", None, None, None, None)),
    ("37講座", (37, "講座", None, None, None, None)),
    ("102店", (102, "店", None, None, None, None)),
    ("1回", (1, "回", None, None, None, None)),
    ("4社/年", (4, "社", "年", None, None, None)),
    ("毎年5件以上", (5, "件", "年", "以上", None, None)),
    ("令和8年度までに40社", (40, "社", None, None, 2026, None)),
    ("相談件数 8 件／年", (8, "件", "年", None, None, "相談件数")),
    ("毎年 10,000kgを使用", (10000, "kg", "年", None, None, None)),
    ("来場者数 50,000 人/回", (50000, "人", "回", None, None, "来場者数")),
    ("出品数 225点/ 年間", (225, "点", "年", None, None, "出品数")),
    ("2回/年", (2, "回", "年", None, None, None)),
    ("実施農家数 8件/年間", (8, "件", "年", None, None, "実施農家数")),
    ("相談者数 30人/年間", (30, "人", "年", None, None, "相談者数")),
    ("ロケ実績 100 件/ 年", (100, "件", "年", None, None, "ロケ実績")),
    ("観光案内所利用者 10,000 人/年間", (10000, "人", "年", None, None, "観光案内所利用者")),
    ("毎年1回以上", (1, "回", "年", "以上", None, None)),
    ("毎年 1 回以上開 催", (1, "回", "年", "以上", None, None)),
    ("約18億円", (1.8e9, "円", None, "約", None, None)),
    ("8割以上", (80, "%", None, "以上", None, None)),
    ("20組の親子 40人", (20, "組", None, None, None, None)),
    ("開催数年間2回 以上、イベント参 加者 20名/回", (2, "回", "年", "以上", None, "開催数")),
    ("認定農業者の経営改善計画の達成、農業経営セミナー参加者数 毎年 20 名",
     (20, "名", "年", None, None, "農業経営セミナー参加者数")),
    ("事業見直しの件数: 2件以上", (2, "件", None, "以上", None, "事業見直しの件数")),
    ("農地貸借相談件数:1件以上", (1, "件", None, "以上", None, "農地貸借相談件数")),
    ("3ヶ所", (3, "か所", None, None, None, None)),
    ("5箇所", (5, "か所", None, None, None, None)),
    ("年4回", (4, "回", "年", None, None, None)),
    ("100人程度", (100, "人", None, "程度", None, None)),
])
def test_parse_quantity(s, expected):
    value, *rest = q(s)
    assert value == pytest.approx(expected[0])
    assert tuple(rest) == expected[1:]


def test_parse_quantity_keeps_raw():
    assert parse_quantity("相談件数 8 件／年").raw == "相談件数 8 件／年"


def test_parse_quantity_deadline_only():
    assert parse_quantity("令和6年度までに具現化") == Quantity(raw="令和6年度までに具現化", value=None,
                                                           deadline_fiscal_year=2024)
    assert parse_quantity("調査を令和6年度 までに実施").deadline_fiscal_year == 2024
    assert parse_quantity("令和5年度に実施").deadline_fiscal_year == 2023


def test_parse_quantity_era_not_a_quantity():
    r = parse_quantity("令和8年度までに40社")
    assert r.value == 40 and r.deadline_fiscal_year == 2026
    assert parse_quantity("目標とする姿(令和8年度)") is None


def test_parse_quantity_deadline_problem_not_guessed():
    r = parse_quantity("令和6（2025）年度までに10件")
    assert r.value == 10 and r.deadline_fiscal_year is None
    assert r.problem == "令和6年 is 2024, printed 2025"


@pytest.mark.parametrize("s", ["継続実施", "-", "—", "", None, "活動継続", "継続して検討"])
def test_parse_quantity_none(s):
    assert parse_quantity(s) is None


def test_units():
    assert UNITS.index("店舗") < UNITS.index("店")  # longest first
    assert UNIT_CANON["名"] == "人" and UNIT_CANON["ヶ所"] == "か所"
    assert parse_quantity("8店舗").unit == "店舗"
    assert parse_quantity("20名").unit == "名"  # as printed; UNIT_CANON says it's 人


def test_accounting_minus_and_scaled_yen():
    assert parse_number("△500") == -500 and parse_number("▲1,200") == -1200
    q = parse_quantity("1,000 千円")
    assert (q.value, q.unit) == (1000, "千円")  # not 1000 円
    assert "千円" not in UNIT_CANON
