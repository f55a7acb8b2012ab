"""A fiscal year the values sit under that the document gives no other reason to believe.

A year header typed 「令和１8年度」 for 令和8年度 reads as FY2036: every value under it moves eleven
years into the future, and nothing else in the report looks wrong. A report speaks of the years it
reports on, its plan's years and a few targets beyond; a year that is

- more than FUTURE_YEARS after the report's own fiscal year,
- printed in one row only (its own header: the plan's final year is printed in its title, its
  period and its headers), and
- more than SEQUENCE_GAP years after every other year the values sit under,

is flagged on each value under it (field ``fiscal_year``). The values stay where the header puts
them: the reader can't know which year was meant, and a flag is not a correction.
"""

from __future__ import annotations

from collections import defaultdict

from hyoka.pipeline.model import Document, Flag

FUTURE_YEARS = 5   # a 5-year plan's final target, printed in its first year's report, is within reach
SEQUENCE_GAP = 3   # yearly columns step by one; a final target (R12 after R3–R7) is 5 away, a typo 10+


def stray_years(doc: Document) -> set[int]:
    """The value years of `doc` that break off from its other years and from its own fiscal year."""
    if doc.fiscal_year is None:
        return set()
    years = {v.fiscal_year for v in doc.indicator_values if v.fiscal_year is not None}
    rows_printing: dict[int, set] = defaultdict(set)
    for d in doc.dates:
        if d.year is not None:
            rows_printing[d.year].add((d.ref.file, d.ref.page, d.ref.line_start, d.ref.table, d.ref.row))
    out = set()
    for y in years:
        others = years - {y}
        if y - doc.fiscal_year > FUTURE_YEARS and len(rows_printing.get(y, ())) <= 1 \
                and others and min(abs(y - o) for o in others) > SEQUENCE_GAP:
            out.add(y)
    return out


def flag_stray_years(doc: Document) -> None:
    for y in sorted(stray_years(doc)):
        for v in doc.indicator_values:
            if v.fiscal_year == y:
                doc.flags.append(Flag(
                    field="fiscal_year", raw=v.fiscal_year_raw, ref=v.ref, scope=v.measure_key,
                    reason=f"「{v.fiscal_year_raw}」 reads as FY{y}, {y - doc.fiscal_year} years after this FY"
                           f"{doc.fiscal_year} report, far from the other years its values sit under and printed "
                           "nowhere else (a typo?): kept under FY" + str(y)))
