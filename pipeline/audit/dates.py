"""Dates: 和暦（西暦） pairs, impossible era years, backwards ranges, as-of dates outside the fiscal year,
and the plan period's printed length."""

from __future__ import annotations

from typing import Iterable

from hyoka.normalizers.eras import fiscal_year_of, parse_era_range
from hyoka.pipeline.audit.context import DocContext
from hyoka.pipeline.audit.findings import CONSISTENT, WARNING, Finding, missing
from hyoka.pipeline.rules import RuleSet


def check_dates(dt: DocContext, rules: RuleSet) -> Iterable[Finding]:
    """Era dates: 和暦（西暦） pairs, impossible years, backwards ranges, as-of stamps (see `_as_of`)."""
    fy = dt.doc.get("fiscal_year")
    years = None if missing(fy) else _stamp_years(dt, int(fy))
    for d in dt.dates:
        loc = d["src"]
        if not missing(d.get("stated_year")):
            ok = int(d["stated_year"]) == d.get("year")
            yield dt.finding(check="era_pair", status=CONSISTENT if ok else WARNING, scope=d.get("scope"), location=loc,
                             stated=str(int(d["stated_year"])), recomputed=d.get("year"), inputs=[loc],
                             message=f"「{d['raw']}」: {d.get('era')}{d.get('era_year')}年 is {d.get('year')}, "
                                     f"printed ({int(d['stated_year'])})")
        elif d.get("problem"):
            yield dt.finding(check="era_impossible", status=WARNING, scope=d.get("scope"), location=loc,
                             stated=d["raw"], recomputed=d.get("year"), inputs=[loc],
                             message=f"「{d['raw']}」 can't be right: {d['problem']} (kept as printed) — 「{d['context'][:60]}」")
        span = parse_era_range(d.get("context") or "")
        if span and span[2] and span[0].raw == d["raw"]:
            yield dt.finding(check="era_range", status=WARNING, scope=d.get("scope"), location=loc,
                             stated=f"{span[0].raw}～{span[1].raw}", recomputed=d.get("year"), inputs=[loc],
                             message=f"「{span[0].raw}～{span[1].raw}」 {span[2]} (kept as printed)")
        if d.get("as_of") and years is not None and d.get("year") and not missing(d.get("month")):
            yield from _as_of(dt, d, years)


def _stamp_years(dt: DocContext, fy: int) -> tuple[int, int]:
    """The fiscal years an as-of stamp of the report's figures may fall in: its own, and the year before
    where its latest printed actuals are for that year (a 令和7年度 事務事業評価 reports 令和6年度's
    results, stamped 「令和7年3月31日現在」)."""
    actual_years = [int(v["fiscal_year"]) for v in dt.indicator_values
                    if v.get("row_kind") == "yearly" and not missing(v.get("actual")) and not missing(v.get("fiscal_year"))]
    return (fy - 1, fy) if actual_years and max(actual_years) == fy - 1 else (fy, fy)


def _as_of(dt: DocContext, d: dict, years: tuple[int, int]) -> Iterable[Finding]:
    """An as-of date (「…時点」「…現在」) outside the fiscal year(s) the report's figures are for: a question,
    since a stamp a year off may be a typo. A date more than a year before them is the text telling
    the past (「令和3年3月末現在、…計39箇所となっている」), not a stamp on this report's figures."""
    low, fy = years
    date_fy = fiscal_year_of(int(d["year"]), int(d["month"]))
    if low <= date_fy <= fy or date_fy < low - 1:
        return
    where = (f"the sheet's FY{fy} (April {fy}–March {fy + 1})" if low == fy else
             f"FY{low}–FY{fy} (the sheet's FY{fy} and FY{low}, the year of its latest results)")
    loc = d["src"]
    yield dt.finding(check="as_of_date", status=WARNING, scope=d.get("scope"), location=loc, stated=d["raw"],
                     recomputed=float(date_fy), inputs=[loc],
                     message=f"「{d['raw']}時点」 is in FY{date_fy}, outside {where} — 「{d['context'][:60]}」")


def check_period(dt: DocContext, rules: RuleSet) -> Iterable[Finding]:
    doc = dt.doc
    start, end, stated = doc.get("period_start"), doc.get("period_end"), doc.get("period_years_stated")
    if any(missing(x) for x in (start, end, stated)):
        return
    length = int(end) - int(start) + 1
    yield dt.finding(check="period_length", status=CONSISTENT if length == int(stated) else WARNING, scope="計画期間",
                     location=doc.get("period_ref") or dt.file, stated=f"{int(stated)}年間",
                     recomputed=float(length), inputs=[],
                     message=f"plan period {int(start)}–{int(end)} is {length} years; printed {int(stated)}年間")

