"""bench/same_dataset.py, the before/after check of a refactoring: it must see a changed cell, a
changed type, a lost row or column, and nothing else (two nulls are the same value; row order and
new columns don't count)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

_spec = importlib.util.spec_from_file_location(
    "same_dataset", Path(__file__).resolve().parents[1] / "bench" / "same_dataset.py")
same_dataset = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(same_dataset)
differences = same_dataset.differences


def frame(**columns) -> pd.DataFrame:
    out = pd.DataFrame(columns)
    if "year" in out:
        out["year"] = out["year"].astype("Int64")
    return out


BEFORE = {"t": frame(key=["a", "b"], year=[2024, None], note=[None, "x"])}


def test_the_same_data_in_another_order_with_a_new_column_is_the_same():
    after = {"t": frame(key=["b", "a"], year=[None, 2024], note=["x", None], layout_score=[0.9, None])}
    assert differences(BEFORE, after) == []


def test_a_changed_cell_a_lost_row_a_lost_column_and_a_type_are_differences():
    assert differences(BEFORE, {"t": frame(key=["a", "b"], year=[2024, None], note=[None, "y"])}) == [
        "t.note: 1 rows differ, e.g. 'x' → 'y'"]
    assert differences(BEFORE, {"t": frame(key=["a"], year=[2024], note=[None])}) == ["t: 2 rows before, 1 after"]
    assert differences(BEFORE, {"t": frame(key=["a", "b"], year=[2024, None])}) == ["t: columns gone ['note']"]
    changed = {"t": frame(key=["a", "b"], note=[None, "x"]).assign(year=[2024.0, None])[["key", "year", "note"]]}
    assert differences(BEFORE, changed)[0] == "t.year: type Int64 before, float64 after"
    assert differences(BEFORE, {}) == ["t: only in before"]


def test_ignored_columns_are_not_compared():
    after = {"t": frame(key=["a", "b"], year=[2024, None], note=[None, "y"])}
    assert differences(BEFORE, after, {"t.note"}) == []
