import pytest

from hyoka.normalizers.grades import parse_grade


@pytest.mark.parametrize("s,expected", [
    ("S", "S"), ("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E"),
    ("Ａ", "A"), ("Ｓ", "S"), (" B ", "B"), ("\u3000C\u3000", "C"), ("a", "A"),
    ("A評価", "A"), ("Ｂ評価", "B"), ("c 評価", "C"),
])
def test_parse_grade(s, expected):
    assert parse_grade(s) == expected


@pytest.mark.parametrize("s", ["", "F", "AA", "A+", "評価", "○", "-", "目標値以上", "SA"])
def test_parse_grade_rejects(s):
    assert parse_grade(s) is None
