import pytest

from hyoka.normalizers.headers import VALUE_KINDS
from hyoka.normalizers.labels import LABEL_SYNONYMS, _key, canonical_label, label_prefix


@pytest.mark.parametrize("label,field", [
    # 武蔵野 管理・評価シート
    ("対象年度", "fiscal_year"),
    ("担当課", "departments"),
    ("関係機関", "partners"),
    ("作成日", "created"),
    ("方針番号", "policy_no"),
    ("施策名", "measure_name"),
    ("取組内容", "action"),
    ("予定", "planned"),
    ("実施", "done"),
    ("達成指標", "indicator"),
    ("実施内容に関する所見・評価", "assessment"),
    ("次年度の予定", "next_year"),
    ("方向性", "direction"),
    ("内容", "content"),
    ("審議会報告事項(産業振興課記載)", "council_report"),
    ("審議会報告事項 (産業振興課記載)", "council_report"),
    ("審議会報告事項（産業振興課記載）", "council_report"),
    ("審議会意見", "council_opinion"),
    # 昭島 報告書
    ("施策概要", "measure_name"),
    ("基本目標", "basic_goals"),
    ("推進団体", "departments"),
    ("目標・指標", "target_text"),
    ("評価・課題", "assessment"),
    ("後期計画に向けて", "direction"),
    # あきる野 進捗状況まとめ
    ("実施主体", "departments"),
    ("目標とする姿(令和8年度)", "target_text"),
    ("実施状況・課題(令和7年度)", "assessment"),
    ("個別施策", "sub_policy"),
    ("実施事業", "measure_name"),
    ("年間目標", "target"),
    ("実績", "actual"),
    ("実績値", "actual"),
    ("評価", "grade"),
    # 武蔵野 進捗管理まとめ
    ("【良い点】", "good_points"),
    ("【課題】", "issues"),
    # spacing / width noise
    (" 担 当 課 ", "departments"),
    ("関係機関：", "partners"),
])
def test_canonical_label(label, field):
    assert canonical_label(label) == field


@pytest.mark.parametrize("label", [None, "", "凡例", "その他", "担当", "審議会"])
def test_canonical_label_unknown(label):
    assert canonical_label(label) is None


def test_every_spelling_maps_to_its_own_field_or_kind():
    """One vocabulary: each spelling is claimed by one field label or one value kind (headers.VALUE_KINDS),
    never by two (「方向性」 was once both direction and a policy_area nothing read)."""
    for name, spellings in (*LABEL_SYNONYMS.items(), *VALUE_KINDS.items()):
        for spelling in spellings:
            assert canonical_label(spelling) == name, spelling
    owners: dict[str, set[str]] = {}
    for name, spellings in (*LABEL_SYNONYMS.items(), *VALUE_KINDS.items()):
        for spelling in spellings:
            owners.setdefault(_key(spelling), set()).add(name)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


@pytest.mark.parametrize("label, kind", [("予算", "target"), ("基準値", "baseline"), ("達成率", "rate"), ("参考値", "reference")])
def test_a_value_kind_label_is_its_kind(label, kind):
    """目標/実績/評価 and the other value kinds are spelled once, in headers.VALUE_KINDS."""
    assert canonical_label(label) == kind and "target" not in LABEL_SYNONYMS


@pytest.mark.parametrize("text,field,rest", [
    ("達成指標 ・SNS媒体も用いた事業周知 ・プラチナマップの活用", "indicator", "・SNS媒体も用いた事業周知 ・プラチナマップの活用"),
    ("達成指標\u3000・a", "indicator", "・a"),
    ("  達成指標", "indicator", ""),
    ("目標値 20人", "target", "20人"),
    ("目標：10人", "target", "10人"),
])
def test_label_prefix(text, field, rest):
    assert label_prefix(text, field) == rest


@pytest.mark.parametrize("text,field", [
    ("達成指標の見直し", "indicator"),  # the label must be followed by a space or colon
    ("・SNS媒体も用いた事業周知", "indicator"),
    ("予定どおり", "planned"),
])
def test_label_prefix_none(text, field):
    assert label_prefix(text, field) is None
