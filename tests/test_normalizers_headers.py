"""Header cells as printed in the corpus and the seeds → value kind, fiscal year, as-of date."""

import pytest

from hyoka.normalizers.headers import parse_header


@pytest.mark.parametrize("cell, kind, year, as_of", [
    ("令和5年度", None, 2023, None),
    ("R5年度末", None, 2023, None),
    ("H25末", None, 2013, None),
    ("H24予算", "target", 2012, None),
    ("最終実績値(平成29年度末)", "actual", 2017, None),
    ("平成15年9月30日", None, 2003, "2003-09-30"),
    ("令和7年3月末", None, 2024, None),  # March 2025 is in fiscal year 2024
    ("R6.3.31", None, 2023, "2024-03-31"),
    ("2018(実績)", "actual", 2018, None),
    ("2021(目標)", "target", 2021, None),
    ("現状(2019)", "actual", 2019, None),
    ("実績(下段)", "actual", None, None),
    ("(千人)", None, None, None),
])
def test_parse_header(cell, kind, year, as_of):
    h = parse_header(cell)
    assert (h.kind, h.year, h.as_of) == (kind, year, as_of)


def test_bare_years_need_the_era_from_context():
    assert parse_header("18").year is None
    h = parse_header("18", "平成")
    assert (h.year, h.year_basis) == (2006, "era from context: 平成")
