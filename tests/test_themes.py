"""Themes: every measure of the seed reports and the 大船渡市 workbook gets one, from words a
person can check, and agrees with the themes assigned by reading (tests/data/themes_labelled.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from hyoka.pipeline.nlp import available
from hyoka.pipeline.themes import OTHER, THEMES, assign_themes, load_vocabulary, match_text

from conftest import SAMPLES, SEED_FILES

LABELLED = Path(__file__).parent / "data" / "themes_labelled.csv"
OFUNATO = "ofunato_jimujigyo_hyoka_r7.xlsx"
needs_nlp = pytest.mark.skipif(not available(), reason='no Japanese spaCy pipeline installed (pip install "hyoka[nlp]")')


@pytest.fixture(scope="module")
def tables():
    from hyoka.pipeline.ingest import ingest

    result = ingest([SAMPLES / name for name in SEED_FILES.values()] + [SAMPLES / OFUNATO])
    assert not result.failures, result.failures
    return result.tables(audit=False)


def _with_files(tables, measures):
    files = tables["documents"].set_index("doc_id")["source_path"].map(lambda p: Path(p).name)
    return measures.assign(doc=measures["doc_id"].map(files))


def _labels() -> list[dict]:
    with LABELLED.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _agreement(tables, measures) -> tuple[float, list]:
    measures = _with_files(tables, measures)
    found = {(d, k): t for d, k, t in zip(measures["doc"], measures["key"], measures["theme"])}
    labels = _labels()
    missing = [(r["doc"], r["key"]) for r in labels if (r["doc"], r["key"]) not in found]
    assert not missing, f"labelled measures not read: {missing[:5]}"
    wrong = [(r["name"], r["theme"], found[r["doc"], r["key"]]) for r in labels if found[r["doc"], r["key"]] != r["theme"]]
    return 1 - len(wrong) / len(labels), wrong


def test_the_labelled_set_covers_every_seed_and_the_workbook():
    labels = _labels()
    assert len(labels) >= 100
    assert {r["doc"] for r in labels} == set(SEED_FILES.values()) | {OFUNATO}
    assert {r["theme"] for r in labels} <= set(THEMES)


def test_stored_themes_agree_with_the_themes_a_person_assigned(tables):
    share, wrong = _agreement(tables, tables["measures"])
    assert share >= 0.8, wrong


@needs_nlp
def test_themes_on_lemmas_agree_too(tables):
    from hyoka.pipeline.nlp import pipeline

    share, wrong = _agreement(tables, assign_themes(tables, load_vocabulary(), nlp=pipeline()[0]))
    assert share >= 0.8, wrong
    assert all("[lemma]" in b for b in assign_themes(tables, load_vocabulary(), nlp=pipeline()[0])
               .query("in_plan and theme != @OTHER")["theme_basis"])


def test_every_measure_has_a_theme_and_few_plan_measures_are_other(tables):
    m = tables["measures"]
    assert m["theme"].notna().all() and set(m["theme"]) <= set(THEMES)
    assert m["theme_basis"].notna().all()
    plan = m[m["in_plan"]]
    assert (plan["theme"] == OTHER).mean() <= 0.10


def test_the_workbook_counts_only_its_industry_policy(tables):
    m = _with_files(tables, tables["measures"])
    ofunato = m[m["doc"] == OFUNATO]
    assert len(ofunato) == 407
    # 政策01 「豊かな市民生活を実現する産業の振興」 (printed with a few spelling variants) is the plan's part
    assert ofunato["in_plan"].sum() == 95
    assert set(ofunato.loc[ofunato["in_plan"], "h1_id"]) == {"01"}
    outside = ofunato[~ofunato["in_plan"]]
    assert (outside["theme"] == OTHER).all()
    assert outside["theme_basis"].str.startswith("対象外: 政策").all()
    road = ofunato[ofunato["name"] == "道路台帳整備事業"].iloc[0]
    assert not road["in_plan"] and "潤いに満ちた快適な" in road["theme_basis"]
    # the five plan reports are plan documents as a whole
    assert m[m["doc"] != OFUNATO]["in_plan"].all()


def test_the_basis_names_the_words_that_decided(tables):
    m = _with_files(tables, tables["measures"]).set_index(["doc", "key"])
    row = m.loc[("akiruno_progress_summary_r7.txt", "創業塾")]
    assert row["theme"] == "創業・起業"
    assert row["theme_basis"].startswith("名称「創業」; 見出し「創業」")  # 創業塾 under 充実した創業支援
    fish = m.loc[(OFUNATO, "0600")]  # 漁業近代化資金利子補給補助事業 under 地域活力を担う水産業の振興
    assert fish["theme"] == "農林水産業" and "見出し「水産」" in fish["theme_basis"]
    assert "次点 経営支援・金融" in fish["theme_basis"]  # 資金・利子補給 counted, and lost


def test_a_longer_word_wins_over_a_shorter_one_inside_it():
    vocab = load_vocabulary()
    assert match_text("商工業振興プラン", vocab) == []  # not 工業
    assert [w for w, _t, _ in match_text("商工会議所と工業団地", vocab)] == ["工業団地"]
    assert [t for _w, t, _ in match_text("近隣の工業高校と連携", vocab)] == []  # a school, not industry


@needs_nlp
def test_lemmas_match_inflected_words_and_whole_tokens_only():
    from hyoka.pipeline.nlp import pipeline
    from hyoka.pipeline.themes import match_tokens

    nlp = pipeline()[0]
    vocab = load_vocabulary()
    assert ("働く", "雇用・人材", 1.0) in match_tokens(nlp("誰もが働きやすい職場"), vocab, nlp)
    assert match_tokens(nlp("商工業の振興"), vocab, nlp) == []


def test_users_extend_the_vocabulary_with_their_own_file(tmp_path, monkeypatch, tables):
    extra = tmp_path / "mine.toml"
    extra.write_text('[[theme]]\nname = "まちづくり・地域"\nkeywords = ["国際化"]\n', encoding="utf-8")
    before = _with_files(tables, tables["measures"]).set_index(["doc", "key"])
    key = ("musashino_2ki_progress_summary.txt", "目標4/基本施策2")  # 国際化への対応
    assert before.loc[key, "theme"] != "まちづくり・地域"
    after = _with_files(tables, assign_themes(tables, load_vocabulary(extra))).set_index(["doc", "key"])
    assert after.loc[key, "theme"] == "まちづくり・地域" and "「国際化」" in after.loc[key, "theme_basis"]
    monkeypatch.setenv("HYOKA_THEMES", str(extra))
    assert "国際化" in load_vocabulary().words


def test_a_bad_vocabulary_file_is_one_clear_error(tmp_path):
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('[[theme]]\nname = "宇宙"\nkeywords = ["ロケット"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="'宇宙' is not in the taxonomy"):
        load_vocabulary(unknown)
    broken = tmp_path / "broken.toml"
    broken.write_text("[[theme]\nname=", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.toml"):
        load_vocabulary(broken)
    not_list = tmp_path / "words.toml"
    not_list.write_text('[[theme]]\nname = "観光"\nkeywords = "温泉"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="keywords must be a list of strings"):
        load_vocabulary(not_list)
    with pytest.raises(ValueError, match="no such file"):
        load_vocabulary(tmp_path / "missing.toml")


def test_a_broken_env_vocabulary_does_not_stop_ingest(tmp_path, monkeypatch, caplog):
    from hyoka.pipeline.ingest import ingest

    bad = tmp_path / "bad.toml"
    bad.write_text('[[theme]]\nname = "宇宙"\n', encoding="utf-8")
    monkeypatch.setenv("HYOKA_THEMES", str(bad))
    tables = ingest([SAMPLES / SEED_FILES["003"]]).tables(audit=False)
    assert tables["measures"]["theme"].notna().all()
    assert (tables["measures"]["name"] == "創業塾").any()
