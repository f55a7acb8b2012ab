import pytest

from hyoka.normalizers.text import (
    CIRCLED, circled_to_int, for_value, html_items, parse_circled_list, split_list, squeeze_cjk_spaces,
    strip_html,
)


def test_circled_table():
    assert CIRCLED["①"] == 1 and CIRCLED["⑳"] == 20
    assert CIRCLED["❶"] == 1 and CIRCLED["❿"] == 10
    assert CIRCLED["⑴"] == 1 and CIRCLED["⒇"] == 20
    assert CIRCLED["⒈"] == 1 and CIRCLED["⒛"] == 20
    assert all(len(k) == 1 for k in CIRCLED)  # extractors build [..] character classes from the keys


@pytest.mark.parametrize("s,expected", [("①", 1), (" ③ ", 3), ("⑴", 1), ("⒓", 12), ("❿", 10),
                                        ("1", None), ("(1)", None), ("①②", None), ("", None)])
def test_circled_to_int(s, expected):
    assert circled_to_int(s) == expected


@pytest.mark.parametrize("s,expected", [
    ("① ② ③", [1, 2, 3]),  # 基本目標 column of the 昭島 report
    ("①②", [1, 2]),
    ("① ③", [1, 3]),
    ("②", [2]),
    ("なし", []),
])
def test_parse_circled_list(s, expected):
    assert parse_circled_list(s) == expected


def test_for_value_circled_before_nfkc():
    # NFKC alone would give "(1)" and "1." here
    assert for_value("⑴") == "1"
    assert for_value("⒈") == "1"
    assert for_value("①") == "1"
    assert for_value("①②") == "1 2"  # not "12"
    assert for_value("第①期") == "第1期"


def test_for_value_nfkc_waves_dashes():
    assert for_value("２７，０００部") == "27,000部"
    assert for_value("明星大学(～R5)") == "明星大学(~R5)"
    assert for_value("年1〜2回") == "年1~2回"
    assert for_value("２０２５ー６ー１９") == "2025-6-19"
    assert for_value("−5") == "-5"
    assert for_value("ユーザー5人") == "ユーザー5人"  # a long-vowel mark after kana is not a minus
    assert for_value("  継続  ") == "継続"


def test_for_value_leaves_symbols():
    assert for_value("○ 〇 ◎ △ □ ×") == "○ 〇 ◎ △ □ ×"
    assert for_value("〇") != "○"  # U+3007 stays U+3007; symbols.parse_symbol maps it


@pytest.mark.parametrize("s,expected", [
    ("農業協同組 合", "農業協同組合"),
    ("商工会、 教育委員会、市", "商工会、教育委員会、市"),
    ("商工観光団体による既存のイベントでプラチナマップを積極的に活用し、 周知を強化 した。",
     "商工観光団体による既存のイベントでプラチナマップを積極的に活用し、周知を強化した。"),
    ("毎年 1 回以上開 催", "毎年 1 回以上開催"),
    ("CO+LAB MUSASHINOを試行的に開始", "CO+LAB MUSASHINOを試行的に開始"),
    ("ふるさと納税払いチョイス Pay の導入", "ふるさと納税払いチョイス Pay の導入"),
    ("農業協同\n組合", "農業協同組合"),
    ("観光\u3000まちづくり", "観光まちづくり"),
    ("  a   b \n c ", "a b c"),
])
def test_squeeze_cjk_spaces(s, expected):
    assert squeeze_cjk_spaces(s) == expected


def test_strip_html():
    cell = ('<p>【取組2】</p> <ul style="list-style-type: none"> ・商店会連合会からの要望に応える形で、'
            '<u>予算の拡充</u>に取り組んだ。 &amp; </ul>')
    assert strip_html(cell) == "【取組2】 ・商店会連合会からの要望に応える形で、予算の拡充に取り組んだ。 &"
    assert strip_html("a<br>b") == "a b"
    assert strip_html("plain") == "plain"


SHEET1 = (
    '<p>【取組1】</p> <ul style="list-style-type: none"> ・「トレジャーハンティング(探偵ムサシ)」「七福神めぐり」など'
    'のイベントでプラチナマップを活用し、新たな情報発信に取り組んだ。 ・従来の市報掲載のみならず「季刊むさしの」等の媒体に'
    'も掲載。周知拡大に努めた。 <p>【取組2】</p> <ul style="list-style-type: none"> ・新規受付サイトの拡充により、市の'
    '魅力発信を強化。 ・本市寄附額も1月末時点で約18億円と前年度比約3倍となった。 '
)


def test_html_items_labels_and_bullets():
    items = html_items(SHEET1)
    assert [label for label, _ in items] == ["【取組1】", "【取組1】", "【取組2】", "【取組2】"]
    assert items[0][1].startswith("「トレジャーハンティング(探偵ムサシ)」")
    assert items[1] == ("【取組1】", "従来の市報掲載のみならず「季刊むさしの」等の媒体にも掲載。周知拡大に努めた。")
    assert items[3] == ("【取組2】", "本市寄附額も1月末時点で約18億円と前年度比約3倍となった。")


def test_html_items_label_inside_p():
    cell = ('<p>【取組1】 ・相続の発生等に起因して農地が減少の一途をたどっている。</p> '
            '<p>【取組2】 ・農福連携については試行事業の縮小や終了の可能性もある。</p>')
    assert html_items(cell) == [
        ("【取組1】", "相続の発生等に起因して農地が減少の一途をたどっている。"),
        ("【取組2】", "農福連携については試行事業の縮小や終了の可能性もある。"),
    ]


def test_html_items_combined_label_and_underline():
    cell = '<p>【取組1,2】</p> <ul style="list-style-type: none"> ・<u>予算の拡充</u>に取り組んだ。 </ul>'
    assert html_items(cell) == [("【取組1,2】", "予算の拡充に取り組んだ。")]


def test_html_items_ul_without_bullets_is_one_item():
    cell = '<ul style="list-style-type: none"> 観光機構への支援 プラチナマップの有効活用 </ul>'
    assert html_items(cell) == [(None, "観光機構への支援 プラチナマップの有効活用")]


def test_html_items_bullets_without_label_and_plain_text():
    cell = '<p>・地区サポート事業を支援する。</p> <p>・買い物弱者支援を検討する。</p>'
    assert html_items(cell) == [(None, "地区サポート事業を支援する。"), (None, "買い物弱者支援を検討する。")]
    text = "観光機構の事業見直しについては、今後も継続的に実施していく必要があると考えている。"
    assert html_items(text) == [(None, text)]
    assert html_items("前文。 ・aaa ・bbb") == [(None, "前文。"), (None, "aaa"), (None, "bbb")]
    assert html_items("   ") == []


def test_html_items_middle_dot_inside_words_is_not_a_bullet():
    cell = "<p>・多文化共生・交流課と連携した。</p>"
    assert html_items(cell) == [(None, "多文化共生・交流課と連携した。")]


def test_html_items_lines_are_paragraphs():
    # the same cell as HTML markup (text rendering) and as paragraphs, one per line (DOCX)
    html_cell = '<p>【取組1】</p> <ul style="list-style-type: none"> ・aaa。 ・bbb。 <p>【取組2】</p> <ul> ccc。 一方、ddd。'
    docx_cell = "【取組1】\n・aaa。\n・bbb。\n【取組2】\nccc。 一方、ddd。"
    expected = [("【取組1】", "aaa。"), ("【取組1】", "bbb。"), ("【取組2】", "ccc。 一方、ddd。")]
    assert html_items(html_cell) == html_items(docx_cell) == expected
    assert html_items("<p>aaa。</p> <p>bbb。</p>") == html_items("aaa。\r\nbbb。") == [(None, "aaa。"), (None, "bbb。")]


def test_html_items_li_and_entities():
    assert html_items("<ul><li>a &amp; b</li><li>c</li></ul>") == [(None, "a & b"), (None, "c")]


@pytest.mark.parametrize("s,expected", [
    ("産業振興課、秘書広報課、財政課、多文化共生・交流課", ["産業振興課", "秘書広報課", "財政課", "多文化共生・交流課"]),
    ("多文化共生・交流課", ["多文化共生・交流課"]),
    ("商工会・市", ["商工会", "市"]),
    ("商工会、 観光まちづくり協会、 市", ["商工会", "観光まちづくり協会", "市"]),
    ("商工会・市", ["商工会", "市"]),  # あきる野 実施主体
    ("教育委員会、 市、農業協同組 合、農業者団体", ["教育委員会", "市", "農業協同組合", "農業者団体"]),
    ("商工会、創業支援センターTAMA(多摩信用金庫)、市", ["商工会", "創業支援センターTAMA(多摩信用金庫)", "市"]),
    ("市(産業振興課、財政課)、商工会", ["市(産業振興課、財政課)", "商工会"]),
    ("商工会議所,観光機構／市", ["商工会議所", "観光機構", "市"]),
    ("商工会\n市", ["商工会", "市"]),
    ("Bi@Sta", ["Bi@Sta"]),
    ("東京都中小企業振興公社・東京都立産業技術研究センター", ["東京都中小企業振興公社・東京都立産業技術研究センター"]),
    ("—", []), ("―", []), ("－", []), ("-", []), ("ー", []), ("なし", []), ("特になし", []), ("", []), (None, []),
])
def test_split_list(s, expected):
    assert split_list(s) == expected


@pytest.mark.parametrize("s,expected", [
    (r"$$100\text{点} \div 41\text{施策} \doteq 2.44\text{点}$$", "100点 ÷ 41施策 ≒ 2.44点"),
    (r"$$2.44 \times 32 (78) + 1.63 \times 1 (1.63) = 85.38 \\ \doteq 85\text{点}$$", "2.44 × 32 (78) + 1.63 × 1 (1.63) = 85.38 ≒ 85点"),
    (r"比率 $$\frac{2}{3}$$ を掛ける", "比率 2/3 を掛ける"),
    ("no math: 100円 $ 5", "no math: 100円 $ 5"),
])
def test_tex_math_to_text(s, expected):
    from hyoka.normalizers.text import tex_math_to_text

    assert tex_math_to_text(s) == expected
