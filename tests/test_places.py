"""Municipality names only as whole names of real governments (normalizers/places.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hyoka.normalizers.places import find_municipality, find_places, known_names
from hyoka.pipeline.ingest import read_document

CORPUS = Path(__file__).parent / "corpus"


def test_the_list_holds_every_prefecture_and_municipality():
    names = known_names()
    assert sum(1 for n, pref in names.items() if n == pref) == 47
    assert 1_700 < len(names) < 1_800  # ~1,718 市町村 + Tokyo's 23 wards + 47, shared names once
    assert names["武蔵野市"] == "東京都" and names["駒ヶ根市"] == "長野県" and names["いの町"] == "高知県"
    assert "札幌市" in names and "中央区" in names  # Tokyo's 中央区; Sapporo's wards are not governments


@pytest.mark.parametrize("text, expected", [
    ("対象外区分", None),                       # 「対象外区」 is no place
    ("評価区分", None),
    ("評価対象・対象外区分(主なもの)", None),
    ("中央卸売市場の整備", None),                # 市場 is a noun
    ("泉大 津市 商工施策評価", "泉大津市"),        # a wrapped name, joined; never its tail 「津市」
    ("泉大津市", "泉大津市"),
    ("三重県津市の計画", "津市"),                # the address names the city
    ("年度津市", None),                          # a two-character name inside a kanji word
    ("令和5年度武蔵野市事務事業評価", "武蔵野市"),  # a longer name after a kanji: taken
    ("東京都武蔵野市", "武蔵野市"),
    ("北海道夕張郡栗山町", "栗山町"),
    ("ふくおかし保健福祉総合計画", "福岡市"),      # a city's name in hiragana, as a plan spells it
    ("いの町まち・ひと・しごと創生総合戦略", "いの町"),
    ("滋賀県では、条例に基づき", "滋賀県"),
])
def test_whole_names_only(text, expected):
    assert find_municipality(text) == expected


def test_the_title_comes_first_then_the_name_named_most():
    assert find_municipality("小矢部市総合計画成果指標", "富山県 富山県 富山県") == "小矢部市"
    assert find_municipality("施策評価", "厚木市 横浜市 厚木市") == "厚木市"
    assert find_municipality("施策評価", "厚木市 横浜市") == "厚木市"  # equally often: the first


def test_positions():
    assert find_places("東京都武蔵野市の") == [("東京都", 0), ("武蔵野市", 3)]


def _facts():
    return [f for f in json.loads((CORPUS / "facts.json").read_text(encoding="utf-8"))
            if (CORPUS / f["file"]).exists()]


@pytest.mark.parametrize("fact", [f for f in _facts() if f.get("municipality_printed_in_file")],
                         ids=lambda f: f["file"])
def test_the_government_printed_in_a_corpus_report_is_read(fact):
    """Every report of tests/corpus that prints its government's name: the documents row names it
    (the names in facts.json were read by hand from the documents)."""
    assert read_document(CORPUS / fact["file"]).municipality == fact["municipality"]


@pytest.mark.parametrize("fact", [f for f in _facts() if not f.get("municipality_printed_in_file")],
                         ids=lambda f: f["file"])
def test_no_other_government_is_read_from_a_report_that_does_not_print_its_own(fact):
    """A report that never prints its government's name gets none, or its own — never a fragment
    or another government."""
    assert read_document(CORPUS / fact["file"]).municipality in (None, fact["municipality"])


def test_no_name_is_read_from_the_corpus_readme():
    """The corpus README (English, naming 佐渡市 and many other governments) is no report: no name."""
    assert read_document(CORPUS / "README.md").municipality is None


def test_an_address_with_a_spaced_prefecture_or_a_reading_still_names_the_city():
    assert find_municipality("茨城 県つくば市") == "つくば市"
    assert find_municipality("施策", "ふくおかけん ふくおかけん かすやぐん") == "福岡県"
