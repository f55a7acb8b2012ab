"""A commit whose cost does not grow with the store (#20 item 5): the database is changed in
place and each table's Parquet rows are kept in parts of a few dozen documents, so a changed
document rewrites one part and adds one; what readers get is always the database's rows."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import hyoka
from hyoka.pipeline.store import StoreWriter
from hyoka.pipeline.store_layout import published
from hyoka.pipeline.store_parts import MAX_SMALL, PART_DOCS, plan_parts
from test_incremental import _rows


def _doc(seed_tables, i: int, tag: str = "") -> dict[str, pd.DataFrame]:
    """Synthetic document i: seed report i mod 5 under its own doc_id and source path."""
    docs = seed_tables["documents"]
    doc_id = docs["doc_id"].iloc[i % len(docs)]
    tables = {}
    for name, frame in seed_tables.items():
        if name == "failures":
            tables[name] = frame.iloc[0:0]
            continue
        frame = frame[frame["doc_id"] == doc_id].copy() if "doc_id" in frame else frame.iloc[0:0]
        frame["doc_id"] = f"{tag}d{i:04d}"
        if "source_path" in frame:
            frame["source_path"] = f"/corpus/report{i:04d}.txt"
        tables[name] = frame
    return tables


def _merged(chunk: list[dict]) -> dict[str, pd.DataFrame]:
    return {n: pd.concat([t[n] for t in chunk], ignore_index=True) for n in chunk[0]}


def _manifest(out):
    return published(out).manifest


def _same_as_database(out) -> None:
    parquet, db = hyoka.open(out).tables, hyoka.open(out / "hyoka.duckdb").tables
    assert sorted(parquet) == sorted(db)
    for name in db:
        key = [c for c in ("doc_id", "src", "check", "message") if c in db[name].columns]
        a = db[name].sort_values(key, kind="stable") if key else db[name]
        b = parquet[name].sort_values(key, kind="stable") if key else parquet[name]
        assert _rows(a) == _rows(b), name
        # what pandas reads from the folder at the top is the same rows
        assert len(pd.read_parquet(out / f"{name}.parquet")) == len(db[name]), name


@pytest.fixture
def store(tmp_path, seed_tables):
    out = tmp_path / "out"
    with StoreWriter(out) as w:
        for start in range(0, 100, 20):
            w.apply(_merged([_doc(seed_tables, i) for i in range(start, start + 20)]))
        w.commit()
    return out


def test_a_changed_document_rewrites_one_part_and_adds_one(store, seed_tables):
    first = _manifest(store)
    assert [len(docs) for _p, docs in first["parts"]] == [PART_DOCS, PART_DOCS, PART_DOCS, 100 - 3 * PART_DOCS]
    with StoreWriter(store) as w:
        w.apply(_doc(seed_tables, 40, tag="changed-"))  # report 40's file changed: new doc_id, same path
        w.commit()
    after = _manifest(store)
    assert after["tables"]["documents"] == 100
    written = {rel.split("/")[-1].rsplit(".", 1)[0] for rel in after["written_parts"]}
    # the part that held d0040 (the second) is written again without it, the new document is a part
    assert [docs for _p, docs in after["parts"]][1] == [f"d{i:04d}" for i in range(32, 64) if i != 40]
    assert after["parts"][-1][1] == ["changed-d0040"]
    assert written == {after["parts"][1][0], after["parts"][-1][0]}
    assert len(after["written_parts"]) <= 2 * len(after["tables"])
    # readers get the rows part after part, in the manifest's order
    assert list(hyoka.open(store).documents["doc_id"]) == [d for _p, docs in after["parts"] for d in docs]
    # the other parts are the very files of the generation before
    for name, entries in after["files"].items():
        before = {p: rel for p, rel, _n in first["files"][name]}
        for part_id, rel, _rows in entries:
            if part_id in before:
                assert rel == before[part_id]
    _same_as_database(store)


def test_many_small_runs_are_merged_and_stay_right(store, seed_tables):
    for n in range(MAX_SMALL + 3):
        with StoreWriter(store) as w:
            w.apply(_doc(seed_tables, n * 7 % 100, tag=f"run{n}-"))
            w.commit()
        small = [docs for _p, docs in _manifest(store)["parts"] if len(docs) < PART_DOCS // 4]
        assert len(small) <= MAX_SMALL + 1
        _same_as_database(store)
    assert _manifest(store)["tables"]["documents"] == 100
    assert len(_manifest(store)["parts"]) <= 100 // PART_DOCS + 3


def test_a_new_column_rewrites_its_table_so_every_part_has_it(store, seed_tables):
    doc = _doc(seed_tables, 3, tag="wide-")
    doc["measures"] = doc["measures"].assign(reviewer="監査委員")
    with StoreWriter(store) as w:
        w.apply(doc)
        w.commit()
    top = pd.read_parquet(store / "measures.parquet")  # pandas reads the folder as one dataset
    assert "reviewer" in top.columns and (top["reviewer"] == "監査委員").sum() == len(doc["measures"])
    assert top["reviewer"].isna().sum() == len(top) - len(doc["measures"])
    _same_as_database(store)


def test_replace_writes_everything_again(store, seed_tables):
    with StoreWriter(store, replace=True) as w:
        w.apply(_merged([_doc(seed_tables, i, tag="new-") for i in range(3)]))
        w.commit()
    manifest = _manifest(store)
    assert manifest["parts"] == [[manifest["parts"][0][0], ["new-d0000", "new-d0001", "new-d0002"]]]
    leftover = [p for p in (store / ".hyoka" / "parts").rglob("*.parquet")
                if f"parts/{p.parent.name}/{p.name}" not in json.dumps(manifest)]
    before = published(store).manifest.get("previous")
    assert before == 1 and all("p000001" in p.name for p in leftover)  # the generation before's parts only
    _same_as_database(store)


def test_plan_parts():
    before = [["a", ["1", "2", "3"]], ["b", ["4", "5"]]]
    parts, dirty = plan_parts(before, {"2", "5", "4"}, ["9"], 7)
    assert parts == [["p000007-0000", ["1", "3"]], ["p000007-0001", ["9"]]]
    assert dirty == {"p000007-0000": "a", "p000007-0001": None}
    parts, dirty = plan_parts(None, set(), [str(i) for i in range(PART_DOCS + 1)], 1)
    assert [len(d) for _p, d in parts] == [PART_DOCS, 1] and set(dirty.values()) == {None}
