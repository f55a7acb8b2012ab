import pytest

from hyoka.normalizers.directions import Direction, parse_direction


@pytest.mark.parametrize("s,expected", [
    ("継続", Direction.CONTINUE),  # 昭島 後期計画に向けて / 武蔵野 方向性
    ("拡充", Direction.EXPAND),
    (" 拡充 ", Direction.EXPAND),
    ("終了", Direction.END),
    ("変更し実施", Direction.MODIFY),
    ("変更して実施", Direction.MODIFY),
    ("見直し", Direction.MODIFY),
    ("廃止・休止", Direction.ABOLISH),
    ("休止", Direction.SUSPEND),
    ("縮小", Direction.REDUCE),
    ("統合", Direction.MERGE),
    ("完了", Direction.COMPLETE),
    ("改善", Direction.IMPROVE),
    ("１　現状維持", Direction.MAINTAIN),
    ("２　改革改善（縮小・統合含む）", Direction.REFORM),
    ("3 拡充", Direction.EXPAND),
    ("継続。", Direction.CONTINUE),
])
def test_parse_direction(s, expected):
    assert parse_direction(s) is expected


@pytest.mark.parametrize("s", [None, "", "-", "検討中", "継続実施してから廃止", "増加"])
def test_parse_direction_unknown(s):
    assert parse_direction(s) is None


def test_direction_values_are_printed_words():
    assert Direction.MODIFY.value == "変更し実施"
    assert Direction("継続") is Direction.CONTINUE
