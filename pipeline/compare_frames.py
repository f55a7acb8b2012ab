"""The comparison (pipeline/compare.py's JSON object) as pandas tables — what `hyoka.compare()`
returns and what `Comparison.to_excel` / `hyoka compare --format xlsx` write, one sheet each.

- cells: one row per municipality × theme (the JSON's `cells`; `directions` a {方向性: count} dict);
- cities: one row per municipality (its totals; `achievement_by_year` and `themes` as dicts);
- years: one row per municipality × plan × scale × fiscal year — the city's achievement per year,
  one line per plan and grading scale (武蔵野市 第二期 and 第三期 are two lines);
- measures: one row per measure row (the JSON's `measures`);
- series: one row per measure series × fiscal year × indicator (pipeline/series.py);
- documents, scales: as in the JSON.
"""

from __future__ import annotations

import pandas as pd

from hyoka.pipeline.compare import compare_data
from hyoka.pipeline.series import series_frame

TABLE_ORDER = ("cells", "cities", "years", "measures", "series", "documents", "scales")
_CITY_COLUMNS = ("municipality", "n_documents", "n_measures", "n_rows", "n_outside_plan", "share_other",
                 "n_indicators", "achievement", "n_graded", "achievement_by_year", "directions", "themes")


def compare_tables(tables: dict[str, pd.DataFrame], *, all_measures: bool = False, vocabulary=None,
                   use_nlp: bool | None = None) -> dict:
    """The JSON-ready comparison of `tables`, as `hyoka compare` makes it: with the NLP pairing of
    達成指標 targets and 実施 results when `use_nlp` (default: when a Japanese pipeline is installed)."""
    from hyoka.pipeline.nlp import available, enrich_nlp

    if use_nlp is None:
        use_nlp = bool(available())
    if use_nlp and not tables["documents"].empty:
        tables = enrich_nlp(tables, actors=False, themes=False)
    return compare_data(tables, all_measures=all_measures, vocabulary=vocabulary)


def comparison_frames(data: dict) -> dict[str, pd.DataFrame]:
    """{table name: DataFrame} of a compare JSON object, in TABLE_ORDER."""
    cells = pd.DataFrame(data["cells"], columns=["municipality", "theme", "n_measures", "n_rows", "n_indicators",
                                                 "achievement", "n_graded", "directions"])
    cities = pd.DataFrame([{k: c.get(k) for k in _CITY_COLUMNS} for c in data["cities"]], columns=list(_CITY_COLUMNS))
    years = pd.DataFrame([{"municipality": c["municipality"], "plan": line["plan"], "scale": line["scale"],
                           "fiscal_year": year, "achievement": line["achievement_by_year"].get(year)}
                          for c in data["cities"] for line in c.get("achievement_by_plan", [])
                          for year in line["years"]],
                         columns=["municipality", "plan", "scale", "fiscal_year", "achievement"])
    measures = pd.DataFrame(data["measures"])
    frames = {"cells": cells, "cities": cities, "years": years, "measures": measures,
              "series": series_frame(data["series"]), "documents": pd.DataFrame(data["documents"]),
              "scales": pd.DataFrame(data["scales"], columns=["doc_id", "kind", "mapping", "rule"])}
    for frame in frames.values():
        for column in ("achievement", "share_other"):
            if column in frame:
                frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        if "fiscal_year" in frame:
            frame["fiscal_year"] = pd.to_numeric(frame["fiscal_year"], errors="coerce").astype("Int64")
    return frames
