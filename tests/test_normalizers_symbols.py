import pytest

from hyoka.normalizers.symbols import SYMBOL_RE, Symbol, parse_symbol


@pytest.mark.parametrize("s,expected", [
    ("○", Symbol.CIRCLE), ("〇", Symbol.CIRCLE), ("◯", Symbol.CIRCLE), ("⭕", Symbol.CIRCLE), (" ○\u3000", Symbol.CIRCLE),
    ("◎", Symbol.DOUBLE_CIRCLE),
    ("△", Symbol.TRIANGLE), ("▵", Symbol.TRIANGLE),
    ("□", Symbol.SQUARE), ("☐", Symbol.SQUARE), ("▢", Symbol.SQUARE),
    ("×", Symbol.CROSS), ("✕", Symbol.CROSS), ("✖", Symbol.CROSS), ("☓", Symbol.CROSS),
    ("x", Symbol.CROSS), ("X", Symbol.CROSS), ("ｘ", Symbol.CROSS), ("Ｘ", Symbol.CROSS),
    ("-", Symbol.DASH), ("－", Symbol.DASH), ("―", Symbol.DASH), ("—", Symbol.DASH), ("‐", Symbol.DASH),
    ("‑", Symbol.DASH), ("–", Symbol.DASH), ("ー", Symbol.DASH), ("ｰ", Symbol.DASH),
    ("▲", Symbol.BLACK_TRIANGLE),
])
def test_parse_symbol(s, expected):
    assert parse_symbol(s) is expected


@pytest.mark.parametrize("s", ["", "A", "○○", "継続", "▼", "1", "ーー", "〇 ×"])
def test_parse_symbol_rejects(s):
    assert parse_symbol(s) is None


def test_kanji_zero_and_circle_differ_but_parse_the_same():
    assert "\u3007" != "\u25cb"
    assert parse_symbol("\u3007") is parse_symbol("\u25cb") is Symbol.CIRCLE


def test_symbol_values():
    assert Symbol.CIRCLE == "○" and Symbol.CIRCLE.value == "\u25cb"
    assert Symbol.DASH.value == "-"


def test_symbol_re_score_line():
    line = "41施策中 ○30 △1 □7 ×1 ◎2 -0 → **85 (76) 点** / 100点"
    counts = {parse_symbol(m["sym"]): int(m["n"]) for m in SYMBOL_RE.finditer(line)}
    assert counts == {Symbol.CIRCLE: 30, Symbol.TRIANGLE: 1, Symbol.SQUARE: 7, Symbol.CROSS: 1,
                      Symbol.DOUBLE_CIRCLE: 2, Symbol.DASH: 0}
    assert sum(counts.values()) == 41


def test_symbol_re_lookalikes_and_spaces():
    found = [(parse_symbol(m["sym"]), int(m["n"])) for m in SYMBOL_RE.finditer("〇 23 ✕０ － 1")]
    assert found == [(Symbol.CIRCLE, 23), (Symbol.CROSS, 0), (Symbol.DASH, 1)]


def test_symbol_re_ignores_dates_and_words():
    assert SYMBOL_RE.findall("2022-3") == []
    assert SYMBOL_RE.search("Wi-Fi") is None
    assert SYMBOL_RE.search("ユーザー5人") is None  # long-vowel mark is not a dash inside text


def test_parse_count_line():
    from hyoka.normalizers.symbols import parse_count_line

    line = parse_count_line("41施策中 ○30 △1 □7 ×1 ◎2 -0 → 85 (76) 点 / 100点")
    assert line.total == 41 and line.counts == {"○": 30, "△": 1, "□": 7, "×": 1, "◎": 2, "-": 0}
    assert line.score_part.strip() == "85 (76) 点 / 100点" and line.unknown == []
    odd = parse_count_line("30施策中 〇23 ☆1 ⇒ 84点")  # 〇 U+3007 is ○; ☆ is no symbol; ⇒ as the arrow
    assert odd.counts == {"○": 23} and odd.unknown == ["☆1"] and odd.score_part.strip() == "84点"
    assert parse_count_line("目標 1 武蔵野市の魅力") is None
