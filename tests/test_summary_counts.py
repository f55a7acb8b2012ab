"""Count summaries in any label set: the summary_counts table, its normalization and its audit
(counts against the total, shares against count ÷ total, scores under the document's own legend)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import SAMPLES, SEED_FILES
from hyoka.normalizers.symbols import parse_count_line
from hyoka.pipeline.audit import audit_tables
from hyoka.pipeline.ingest import ingest
from hyoka.pipeline.model import Document, ScoreSummary, SourceRef, SummaryCount
from hyoka.pipeline.stages import NORMALIZE, canonical_label, parse_count, parse_share
from hyoka.pipeline.store import load, write
from hyoka.pipeline.tables import build_tables


# --- a legend with a negative point: 「◎ 5点 ○ 2点 △ 0点 ▲ -1点」 ---------------------------------

def _black_triangle_report(tmp_path: Path) -> Path:
    """A 進捗管理まとめ in the 武蔵野 layout whose 凡例 gives ▲ -1点: goal 1 states the right score
    (2×5 + 5×2 + 2×0 + 1×(−1) = 19), goal 2 the same counts with 20."""
    lines = ["第二期産業振興計画進捗管理まとめ", "凡例", "市・関係機関の主観評価", "◎ 5点 ○ 2点 △ 0点 ▲ -1点",
             "目標 1 武蔵野市の魅力や価値を高める産業振興", "市・関係機関の主観評価", "10施策中 ◎2 ○5 △2 ▲1 → 19点",
             "【良い点】", "市勢要覧を構築した（市）",
             "目標 2 地域生活を支え合う産業振興", "市・関係機関の主観評価", "10施策中 ◎2 ○5 △2 ▲1 → 20点",
             "【課題】", "体験企画が実施できなかった（市）"]
    path = tmp_path / "black_triangle_summary.txt"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def black_triangle(tmp_path):
    result = ingest([_black_triangle_report(tmp_path)])
    assert not result.failures, result.failures
    tables = result.tables(audit=False)
    return tables, audit_tables(tables)


def test_black_triangle_counts_are_stored(black_triangle):
    tables, _ = black_triangle
    counts = tables["summary_counts"]
    goal1 = counts[counts["summary_key"] == "S1"]
    assert list(goal1["label_raw"]) == ["◎", "○", "△", "▲"]
    assert list(goal1["count"]) == [2, 5, 2, 1]
    assert not goal1["is_total"].any()
    scores = tables["score_summaries"].set_index("key")
    assert list(scores.index) == ["S1", "S2"] and list(scores["scope"]) == ["目標1", "目標2"]
    assert scores.loc["S1", "n_black_triangle"] == 1 and scores.loc["S1", "n_double_circle"] == 2
    assert str(tables["score_summaries"]["n_black_triangle"].dtype) == "Int64"
    assert list(tables["documents"]["n_summary_counts"]) == [8]


def test_black_triangle_legend_flags_exactly_the_wrong_score(black_triangle):
    _, found = black_triangle
    exact = [f for f in found if f.check == "points_exact"]
    assert [(f.scope, f.stated, f.recomputed, f.status) for f in exact] == [
        ("目標1", "19", 19.0, "consistent"), ("目標2", "20", 19.0, "inconsistent")]
    assert all(f.rule_source.startswith("legend printed in the report") for f in exact)
    assert "▲1" in exact[1].message
    bad = [f for f in found if f.status == "inconsistent"]
    assert [(f.check, f.scope) for f in bad] == [("points_exact", "目標2")]
    assert bad[0].location.endswith(":L23")  # the goal-2 line, where 20点 is printed
    assert [f.status for f in found if f.check == "counts_sum"] == ["consistent", "consistent"]


# --- the seed 武蔵野 第二期 summary ----------------------------------------------------------------

def _seed_summary_counts(seed_tables):
    doc = seed_tables["documents"]
    doc_id = doc.loc[doc["source_path"].str.endswith(SEED_FILES["000"]), "doc_id"].item()
    scores = seed_tables["score_summaries"]
    counts = seed_tables["summary_counts"]
    return scores[scores["doc_id"] == doc_id], counts[counts["doc_id"] == doc_id]


def test_seed_goal1_counts_as_printed(seed_tables):
    scores, counts = _seed_summary_counts(seed_tables)
    goal1 = scores[scores["scope"] == "目標1"].iloc[0]
    rows = counts[counts["summary_key"] == goal1["key"]].sort_values("item_no")
    # musashino_2ki_progress_summary.txt L38: 「41施策中 ○30 △1 □7 ×1 ◎2 -0 → **85 (76) 点 / 100点**」
    assert list(zip(rows["label"], rows["count"])) == [("○", 30), ("△", 1), ("□", 7), ("×", 1), ("◎", 2), ("-", 0)]
    assert list(rows["count_raw"]) == ["30", "1", "7", "1", "2", "0"]
    assert set(rows["src_line_start"]) == {38} and set(rows["src"]) == {f"{SEED_FILES['000']}:L38"}
    printed = (SAMPLES / SEED_FILES["000"]).read_text(encoding="utf-8").splitlines()[37]
    assert "41施策中 ○30 △1 □7 ×1 ◎2 -0" in printed
    assert goal1["total_items"] == 41 and goal1["reader"] == "count_line"


def test_seed_every_goal_adds_up_to_its_total(seed_tables):
    scores, counts = _seed_summary_counts(seed_tables)
    assert list(scores["key"]) == ["S1", "S2", "S3", "S4", "S5"]
    sums = counts[~counts["is_total"]].groupby("summary_key")["count"].sum()
    assert {k: int(v) for k, v in sums.items()} == dict(zip(scores["key"], scores["total_items"].astype(int)))
    assert dict(zip(scores["key"], scores["total_items"].astype(int))) == {"S1": 41, "S2": 30, "S3": 36, "S4": 11,
                                                                          "S5": 20}


def test_every_table_of_the_seed_batch_is_there(seed_tables):
    assert {"summary_counts", "unmapped"} <= set(seed_tables)
    docs = seed_tables["documents"]
    for column in ("tables_seen", "tables_mapped", "data_rows_seen", "data_rows_mapped", "n_unmapped"):
        assert str(docs[column].dtype) == "Int64", column


# --- summaries an extractor itemised: table rows with 合計 and shares ------------------------------

def _table_summary(items: list[tuple[str, str | None, str | None]], reader: str = "table", **kw) -> Document:
    """A document with one count summary read from a table: (label, count, share) per row, line 3 on."""
    doc = Document(doc_id="t", source_path="/x/table_summary.txt", format="text", layout="test")
    ref = SourceRef(file="table_summary.txt", line_start=2)
    s = ScoreSummary(scope="事務事業評価", scope_name=None, raw="評価区分 | 件数 | 割合", ref=ref, reader=reader, **kw)
    s.items = [SummaryCount(summary_key="", label_raw=label, count_raw=count, share_raw=share,
                            ref=SourceRef(file="table_summary.txt", line_start=3 + i))
               for i, (label, count, share) in enumerate(items)]
    doc.score_summaries.append(s)
    for stage in NORMALIZE:
        stage(doc)
    return doc


def test_items_are_normalized():
    doc = _table_summary([("Ａ", "４５事務事業", "96%"), ("民 間", "2事業", " 4%"), ("合 計", "47事業", "100%")])
    s, = doc.score_summaries
    assert s.key == "S1" and all(i.summary_key == "S1" for i in s.items)
    assert [(i.label, i.count, i.share, i.is_total) for i in s.items] == [
        ("A", 45, 96.0, False), ("民間", 2, 4.0, False), ("合計", 47, 100.0, True)]
    assert s.counts == {"A": 45, "民間": 2} and s.total_items == 47
    assert [i.label_raw for i in s.items] == ["Ａ", "民 間", "合 計"]  # as printed, beside the canonical label


def test_share_mismatch_is_flagged_where_it_is_printed():
    # 2 of 47 is 4.3 %: printed 9 %. 45 of 47 is 95.7 %: printed 96 % (95.5–96.5).
    doc = _table_summary([("A", "45事業", "96%"), ("B", "2事業", "9%"), ("合 計", "47事業", "100%")])
    found = audit_tables(build_tables([doc], []))
    shares = {f.stated: f for f in found if f.check == "count_share"}
    assert {k: f.status for k, f in shares.items()} == {"96%": "consistent", "9%": "inconsistent",
                                                        "100%": "consistent"}
    bad = shares["9%"]
    assert bad.location == "table_summary.txt:L4" and round(bad.recomputed, 2) == 4.26
    assert (bad.interval_low, bad.interval_high) == (8.5, 9.5)
    assert "table_summary.txt:L5" in bad.inputs  # the 合計 row the total was read from
    assert [f.status for f in found if f.check == "counts_sum"] == ["consistent"]
    assert [(f.check, f.stated) for f in found if f.status == "inconsistent"] == [("count_share", "9%")]


def test_share_printed_with_a_decimal_and_truncated():
    # 1 of 3 = 33.33… %: 「33.3」 (a 割合(%) column without the sign) fits; 「約33%」 too; 66.67 printed 66.6 only
    # fits when truncated
    doc = _table_summary([("達成", "1", "33.3"), ("概ね達成", "1", "約33%"), ("未達成", "1", "33.4"),
                          ("計", "3", None)])
    doc.score_summaries[0].items[2].share_raw = "33.4"
    found = audit_tables(build_tables([doc], []))
    assert [(f.stated, f.status) for f in found if f.check == "count_share"] == [
        ("33.3", "consistent"), ("約33%", "consistent"), ("33.4", "inconsistent")]
    doc = _table_summary([("達成", "2", "66.6%"), ("未達成", "1", "33.3%")], total_items=3)
    found = audit_tables(build_tables([doc], []))
    assert [(f.stated, f.status) for f in found if f.check == "count_share"] == [
        ("66.6%", "consistent_only_with_rounding"), ("33.3%", "consistent")]


def test_counts_that_do_not_add_up_to_the_total_row():
    doc = _table_summary([("拡充", "17件", None), ("継続", "80件", None), ("合計", "98件", None)])
    found = audit_tables(build_tables([doc], []))
    bad, = [f for f in found if f.check == "counts_sum"]
    assert (bad.status, bad.stated, bad.recomputed) == ("inconsistent", "98", 97.0)
    assert "table_summary.txt:L5" in bad.inputs


def test_shares_without_a_printed_total_are_shares_of_the_sum():
    # 「評価対象 394事業(96%)」「評価対象外 16事業( 4%)」: 394 + 16 = 410, 96.1 % and 3.9 %
    doc = _table_summary([("評価対象", "394事業", "96%"), ("評価対象外", "16事業", " 4%")], reader="prose")
    found = [f for f in audit_tables(build_tables([doc], [])) if f.check == "count_share"]
    assert [f.status for f in found] == ["consistent", "consistent"] and "sum of the counts" in found[0].reading
    # a share that doesn't fit an assumed total is a question, not an accusation
    doc = _table_summary([("評価対象", "394事業", "95%"), ("評価対象外", "16事業", " 5%")], reader="prose")
    found = [f for f in audit_tables(build_tables([doc], [])) if f.check == "count_share"]
    assert [f.status for f in found] == ["warning", "warning"]
    # shares that don't make up 100 %: not shares of the sum, not checked
    doc = _table_summary([("評価対象", "394事業", "90%"), ("評価対象外", "16事業", " 4%")], reader="prose")
    assert [f for f in audit_tables(build_tables([doc], [])) if f.check == "count_share"] == []


def test_a_sentence_naming_some_categories_is_not_a_breakdown():
    # 「77項目中12項目で上昇」: 12 of 77 rose — the other 65 are not printed, nothing to add up
    doc = _table_summary([("上昇", "12項目", None)], reader="prose", total_items=77, complete=False)
    found = audit_tables(build_tables([doc], []))
    assert [f for f in found if f.check == "counts_sum"] == []
    assert build_tables([doc], [])["score_summaries"]["complete"].tolist() == [False]
    doc = _table_summary([("上昇", "12項目", None), ("低下", "70項目", None)], reader="prose", total_items=77,
                         complete=False)
    assert [f.status for f in audit_tables(build_tables([doc], [])) if f.check == "counts_sum"] == ["warning"]
    doc = _table_summary([("上昇", "12項目", None), ("低下", "60項目", None)], reader="prose", total_items=77,
                         complete=False)
    assert [f for f in audit_tables(build_tables([doc], [])) if f.check == "counts_sum"] == []
    # a full breakdown (the default) must add up
    doc = _table_summary([("上昇", "12項目", None)], total_items=77)
    assert [f.status for f in audit_tables(build_tables([doc], [])) if f.check == "counts_sum"] == ["inconsistent"]


def test_a_count_that_cannot_be_read_is_null_and_flagged_never_guessed():
    doc = _table_summary([("A", "約40件", None), ("B", "5件", None), ("合計", "45件", None)])
    a = doc.score_summaries[0].items[0]
    assert a.count is None and a.count_raw == "約40件"
    flag, = [f for f in doc.flags if f.field == "summary_count"]
    assert flag.raw == "約40件" and flag.ref.line_start == 3
    tables = build_tables([doc], [])
    assert pd.isna(tables["summary_counts"]["count"].iloc[0])
    sums = [f for f in audit_tables(tables) if f.check == "counts_sum"]
    assert [f.status for f in sums] == ["warning"] and "約40件" in sums[0].message


@pytest.mark.parametrize("raw,count", [("45事務事業", 45), ("109件", 109), ("３０", 30), ("1,234", 1234),
                                       ("12 施策", 12), ("0", 0), ("約40件", None), ("-", None), ("30～40", None),
                                       ("4.5", None), ("45%", None)])
def test_parse_count(raw, count):
    assert parse_count(raw) == count


@pytest.mark.parametrize("raw,share", [("96%", 96.0), (" 4%", 4.0), ("49.3", 49.3), ("約78%", 78.0),
                                       ("(60.5%)", 60.5), ("３６．６％", 36.6), ("9割", 90.0), ("多数", None)])
def test_parse_share(raw, share):
    assert parse_share(raw) == share


@pytest.mark.parametrize("raw,label", [("〇", "○"), ("▲", "▲"), ("Ａ", "A"), ("b", "B"), ("合 計", "合計"),
                                       ("民 間", "民間"), ("達成済み", "達成済み")])
def test_canonical_label(raw, label):
    assert canonical_label(raw) == label


def test_symbol_counts_an_extractor_filled_become_items():
    doc = Document(doc_id="c", source_path="/x/c.txt", format="text")
    s = ScoreSummary(scope="全体", scope_name=None, raw="", ref=SourceRef(file="c.txt", line_start=1), key="G",
                     reader="table", counts={"○": 3, "▲": 1})
    doc.score_summaries.append(s)
    for stage in NORMALIZE:
        stage(doc)
    assert [(i.summary_key, i.label, i.count) for i in s.items] == [("G", "○", 3), ("G", "▲", 1)]


# --- count lines of any unit -----------------------------------------------------------------------

@pytest.mark.parametrize("text,total,unit", [("45事務事業中 ○40 △5", 45, "事務事業"), ("8事業中 ○8", 8, "事業"), ("20項目中 ◎3 ○17", 20, "項目"),
                                             ("12指標中 ○12", 12, "指標"), ("9件中 ○9", 9, "件"),
                                             ("４１施策中 ○41", 41, "施策")])
def test_count_line_totals_of_any_unit(text, total, unit):
    line = parse_count_line(text)
    assert (line.total, line.unit) == (total, unit) and sum(line.counts.values()) == total


def test_count_line_keeps_its_pieces_as_printed():
    line = parse_count_line("30施策中 〇23 ☆1 ⇒ 84点")
    assert line.pieces == (("〇", "23"), ("☆", "1"))


# --- the store: new tables written, an older store without them still read -----------------------

def test_store_writes_the_new_tables(tmp_path, black_triangle):
    tables, _ = black_triangle
    write(tables, tmp_path)
    stored = load(tmp_path)
    assert list(stored["summary_counts"]["label"]) == list(tables["summary_counts"]["label"])
    assert "unmapped" in stored and list(stored["unmapped"].columns[:4]) == ["doc_id", "kind", "reason", "raw"]
    con = duckdb.connect(str(tmp_path / "hyoka.duckdb"), read_only=True)
    try:
        assert con.execute("select sum(count) from summary_counts where label = '▲'").fetchone()[0] == 2
        columns = [r[0] for r in con.execute("describe unmapped").fetchall()]
        assert {"kind", "reason", "raw", "src"} <= set(columns)
    finally:
        con.close()


def test_an_older_store_without_summary_counts_still_loads_and_audits(tmp_path, seed_tables):
    # a store as written before summary_counts / unmapped / score_summaries.key existed
    old = {name: frame for name, frame in seed_tables.items() if name not in ("summary_counts", "unmapped")}
    old["score_summaries"] = old["score_summaries"].drop(columns=["key", "n_black_triangle", "reader"])
    old["documents"] = old["documents"].drop(columns=["n_unmapped", "tables_seen", "n_summary_counts"])
    write(old, tmp_path, replace=True)
    stored = load(tmp_path)
    assert "summary_counts" not in stored
    found = audit_tables(stored)
    exact = [f for f in found if f.check == "points_exact" and f.source == SEED_FILES["000"]]
    assert [f.stated for f in exact] == ["85", "84", "87", "73", "93"]
    assert all(f.status == "consistent" for f in exact)
    assert not [f for f in found if f.status == "inconsistent"]
    # ingesting into it adds the new tables
    result = ingest([SAMPLES / SEED_FILES["000"]])
    write(result.tables(), tmp_path)
    stored = load(tmp_path)
    assert len(stored["summary_counts"]) == 30 and stored["score_summaries"]["key"].notna().sum() == 5
