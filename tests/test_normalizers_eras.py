import pytest

from hyoka.normalizers.eras import (
    ERAS, EraDate, check_era_date, era_to_year, find_era_dates, fiscal_year, fiscal_year_of, parse_era_date,
    parse_era_range, parse_western_date,
)


def test_eras_table():
    assert {name: (e.first_year, e.max_year) for name, e in ERAS.items()} == {
        "明治": (1868, 45), "大正": (1912, 15), "昭和": (1926, 64), "平成": (1989, 31), "令和": (2019, None),
    }


@pytest.mark.parametrize("era,n,year", [("令和", 7, 2025), ("令和", 1, 2019), ("平成", 29, 2017), ("平成", 31, 2019),
                                        ("昭和", 64, 1989), ("大正", 1, 1912), ("明治", 45, 1912), ("R", 5, 2023),
                                        ("H", 30, 2018), ("S", 63, 1988)])
def test_era_to_year(era, n, year):
    assert era_to_year(era, n) == year


@pytest.mark.parametrize("s,era,n,year,month,day,fiscal", [
    ("令和7年度", "令和", 7, 2025, None, None, True),
    ("令和元年度", "令和", 1, 2019, None, None, True),  # FY2019 from April, though 令和 began in May
    ("平成29年度", "平成", 29, 2017, None, None, True),
    ("令和7年5月に「楽天ふるさと納税」", "令和", 7, 2025, 5, None, False),
    ("令和7年4月1日", "令和", 7, 2025, 4, 1, False),
    ("令和8年1月27日", "令和", 8, 2026, 1, 27, False),
    ("令和 8 年度", "令和", 8, 2026, None, None, True),
    ("平成 29 年度から", "平成", 29, 2017, None, None, True),
    ("令和5年3月", "令和", 5, 2023, 3, None, False),
    ("令和７年度", "令和", 7, 2025, None, None, True),
    ("R5", "令和", 5, 2023, None, None, False),
    ("H29年度", "平成", 29, 2017, None, None, True),
    ("㍻30年", "平成", 30, 2018, None, None, False),
    ("平成31年4月", "平成", 31, 2019, 4, None, False),
])
def test_parse_era_date(s, era, n, year, month, day, fiscal):
    d = parse_era_date(s)
    assert (d.era, d.era_year, d.year, d.month, d.day, d.is_fiscal) == (era, n, year, month, day, fiscal)
    assert d.problem is None


def test_parse_era_date_span_and_raw():
    s = "明星大学(～R5)や都立五日市高校(R6～)との連携"
    dates = find_era_dates(s)
    assert [(d.raw, d.year) for d in dates] == [("R5", 2023), ("R6", 2024)]
    assert s[dates[1].start:dates[1].end] == "R6"
    d = parse_era_date("目標とする姿(令和8年度)")
    assert (d.raw, d.start, d.end, d.year) == ("令和8年度", 7, 12, 2026)


@pytest.mark.parametrize("s", ["令和6（2024）年度", "令和6(2024)年度", "令和６（２０２４）年度", "2024（令和6）年度"])
def test_stated_year_agrees(s):
    d = parse_era_date(s)
    assert (d.year, d.stated_year, d.is_fiscal, d.problem) == (2024, 2024, True, None)
    assert d.raw == s


def test_stated_year_western_date():
    d = parse_era_date("西東京市商工業振興基本条例（平成18（2006）年3月）")
    assert (d.year, d.month, d.stated_year, d.problem) == (2006, 3, 2006, None)


def test_stated_year_mismatch_is_a_problem_not_a_fix():
    d = parse_era_date("令和6（2025）年度")
    assert d.year == 2024 and d.stated_year == 2025
    assert d.problem == "令和6年 is 2024, printed 2025"


@pytest.mark.parametrize("s,fragment", [
    ("平成32年", "past the last 平成 year (31)"),
    ("大正16年", "past the last 大正 year (15)"),
    ("令和0年", "does not exist"),
    ("令和元年4月", "before 令和 began"),
    ("平成31年5月", "after 平成 ended"),
    ("令和2年2月30日", "2月30日 does not exist"),
    ("令和5年13月", "month 13"),
])
def test_impossible_era_dates(s, fragment):
    d = parse_era_date(s)
    assert d.problem is not None and fragment in d.problem


def test_impossible_keeps_literal_value():
    d = parse_era_date("平成32年")
    assert d.year == 2020  # literal arithmetic, flagged, not moved to 令和
    assert "2020 (令和2年)" in d.problem


def test_no_era_date():
    assert parse_era_date("昭和の森冬祭り") is None
    assert parse_era_date("2025/6/19") is None
    assert find_era_dates("継続実施") == []


def test_listed_fiscal_years():
    d = parse_era_date("コロナ禍に対応した共進会の実施(令和3・4年度)")
    assert (d.raw, d.year, d.is_fiscal) == ("令和3", 2021, True)


def test_find_era_dates_all():
    s = "平成29年度・30年度はセミナーを実施し目標を達成。令和3年度からは、広域連携による関係機関も交えた支援事業を実施。"
    assert [(d.raw, d.year) for d in find_era_dates(s)] == [("平成29年度", 2017), ("令和3年度", 2021)]


@pytest.mark.parametrize("y,m,fy", [(2025, 5, 2025), (2026, 1, 2025), (2026, 3, 2025), (2025, 4, 2025),
                                    (2025, 12, 2025), (2025, None, 2025)])
def test_fiscal_year_of(y, m, fy):
    assert fiscal_year_of(y, m) == fy


@pytest.mark.parametrize("s,fy", [
    ("令和7年度", 2025), ("2025年度", 2025), ("令和7年5月", 2025), ("令和8年1月27日", 2025),
    ("令和元年度", 2019), ("令和3年度末時点", 2021), ("対象年度 令和7年度", 2025), ("2025/6/19", 2025),
    ("2026/2/1", 2025), ("令和5年度～進捗状況まとめ", 2023), ("令和6（2025）年度", None), ("平成32年度", None),
    ("継続", None), ("", None),
])
def test_fiscal_year(s, fy):
    assert fiscal_year(s) == fy


@pytest.mark.parametrize("s,expected", [
    ("2025/6/19", (2025, 6, 19)), ("2025年6月19日", (2025, 6, 19)), ("2022年", (2022, None, None)),
    ("調査2022年分を3月20日に公表", (2022, None, None)), ("２０２５年１２月２１日", (2025, 12, 21)),
    ("作成日 目標設定 2025/12/21", (2025, 12, 21)), ("2025/13/1", None), ("27,000部", None), ("令和7年度", None),
])
def test_parse_western_date(s, expected):
    assert parse_western_date(s) == expected


def test_check_era_date_future_typo_in_2023_report():
    s = "令和29年度～令和元年度に「空き店舗活用補助」を実施。"  # 昭島 report dated 令和5年3月
    d = parse_era_date(s)
    assert d.year == 2047 and d.problem is None  # possible in itself …
    assert check_era_date(d, 2023) == "令和29年度 = 2047, 24 years after this 2023 report; probably 平成29年度"
    assert check_era_date(d, None) is None  # … only the report's year makes it wrong


def test_check_era_date_ok_and_intrinsic():
    assert check_era_date(parse_era_date("令和8年度"), 2023) is None
    assert check_era_date(parse_era_date("令和15（2033）年度"), 2023) is None  # exactly 10 years is fine
    assert "past the last 平成 year" in check_era_date(parse_era_date("平成32年"), 2023)


def test_check_era_date_no_plausible_previous_era():
    # 令和99 → 平成99 does not exist, so no suggestion
    text = check_era_date(parse_era_date("令和99年"), 2023)
    assert text.startswith("令和99年 = 2117") and "probably" not in text


def test_parse_era_range_backwards():
    start, end, problem = parse_era_range("令和29年度～令和元年度に「空き店舗活用補助」を実施。")
    assert (start.year, end.year) == (2047, 2019)
    assert problem is not None and "runs backwards" in problem


def test_parse_era_range_forms():
    start, end, problem = parse_era_range("計画全体の期間は、令和6（2024）年度から令和15（2033）年度までの10年間")
    assert (start.year, start.stated_year, end.year, end.stated_year, problem) == (2024, 2024, 2033, 2033, None)
    start, end, problem = parse_era_range("昭島市では、平成 29 年度から令和 8 年度までの 10 年間の産業振興")
    assert (start.year, end.year, problem) == (2017, 2026, None)
    start, end, _ = parse_era_range("令和6年度〜8年度")  # the end borrows the era
    assert (end.era, end.year, end.raw) == ("令和", 2026, "8年度")
    start, end, _ = parse_era_range("R5-R8")
    assert (start.year, end.year) == (2023, 2026)


def test_parse_era_range_none():
    assert parse_era_range("令和5年度～進捗状況まとめ") is None  # open-ended
    assert parse_era_range("令和7年度") is None
    assert parse_era_range("平成30年度・令和元年度に実施") is None  # a list, not a range


def test_eradate_is_frozen():
    d = parse_era_date("令和7年度")
    assert isinstance(d, EraDate)
    with pytest.raises(Exception):
        d.year = 2000


def test_range_is_not_a_duration():
    assert parse_era_range("平成30年度から5年間、近隣自治体との広域連携により") is None
