"""One row, several indicators: quantities told apart by their marks ((A)/(B) paired by a rate column
「(B)/(A)」) or by the words left in their header; the same name under another group is another
indicator; and the check that a printed rate equals actual ÷ target (evidence for the roles, never a verdict)."""

from __future__ import annotations

import re

from hyoka.extractors._grid import Block
from hyoka.extractors.reading.cells import Column
from hyoka.extractors.reading.context import ReadingContext
from hyoka.normalizers.eras import find_era_dates
from hyoka.normalizers.eras import fiscal_year as fiscal_year_of_text
from hyoka.normalizers.headers import (
    HEAD_NOUNS,
    PERIOD_SPAN,
    VALUE_KINDS,
    key,
    marks,
)
from hyoka.normalizers.numbers import parse_number
from hyoka.pipeline.model import EvidenceKind, IndicatorValue, SourceRef


def indicator_key(seen: dict[str, list[tuple]], name: str, path: tuple) -> tuple[str, tuple]:
    """(name, group path): 「一般」 under 第1章 and 「一般」 under 第2章 are two indicators, but a row whose
    groups were not carried (after a page break, a wrapped line) is the same one as before."""
    paths = seen.setdefault(name, [])
    for p in paths:
        if p[:len(path)] == path or path[:len(p)] == p:
            return name, p
    paths.append(path)
    return name, path


def quantities_of(block: Block, n_header: int, value_cols: list[Column]) -> dict[int, str]:
    """Value columns that measure different things in one row: 「事業数」 and 「事業費 (A)」 under
    前期実施計画, 「事業数」 and 「実績額 (B)」 under 実績. Columns paired by marks that a rate column
    names (「(B)/(A)」) are one quantity; the others are told apart by the words left when roles,
    years and marks are taken out of their lowest header cell. {} when all are one quantity."""
    def bottom(c: Column) -> str:
        cells = [block.rows[i].cells[c.index].strip() for i in range(n_header) if c.index < len(block.rows[i].cells)]
        return next((t for t in reversed(cells) if t), c.header.raw)

    words = {c.index: _quantity_words(bottom(c)) for c in value_cols}
    rate = next((c for c in value_cols if len(marks(bottom(c))) >= 2), None)
    if rate is not None:
        paired = set(marks(bottom(rate)))
        members = [c for c in value_cols if c is rate or (len(marks(bottom(c))) == 1 and marks(bottom(c))[0] in paired)]
        label = next((words[c.index] for c in members if words[c.index]), "")
        for c in members:
            words[c.index] = label or "/".join(marks(bottom(rate)))
    return words if len(set(words.values())) > 1 else {}


def _quantity_words(text: str) -> str:
    t = key(text)
    t = re.sub(r"[(（][^()（）]*[)）]", "", t)
    t = PERIOD_SPAN.sub("", t)
    for d in reversed(find_era_dates(t)):
        t = t[:d.start] + t[d.end:]
    t = re.sub(r"(?:19|20)\d{2}(?:年度?)?", "", t)
    for spelling in _ROLE_WORDS:
        t = t.replace(spelling, "")
    # what dates a value (末, 現在, 時点, 当初 …) does not make it another quantity
    t = re.sub(r"(末|現在|時点|当初|年間|最終|中間|前期|後期|今年度|本年度|単年度|年度?|月|日|[0-9０-９]+)", "", t)
    return t.strip("/・ 値額()（）")


_ROLE_WORDS = sorted({w for ws in (*VALUE_KINDS.values(), *HEAD_NOUNS.values()) for w in ws}, key=len, reverse=True)


def rate_check(values) -> tuple[int, int] | None:
    """(rows whose printed rate equals actual ÷ target to its printed precision, rows checked)."""
    agree = total = 0
    for iv in values:
        t, a, r = (parse_number(x) if x else None for x in (iv.target_raw, iv.actual_raw, iv.rate_raw))
        if t is None or a is None or r is None or t == 0 or "%" not in (iv.rate_raw or "").replace("％", "%"):
            continue
        total += 1
        digits = len((iv.rate_raw or "").split(".")[1].rstrip("%％ ")) if "." in (iv.rate_raw or "") else 0
        agree += abs(round(a / t * 100, digits) - r) <= 10 ** -digits
    return (agree, total) if total else None


def one_year_judged(ctx: ReadingContext, ivs: list[IndicatorValue], fields: dict[str, tuple[str, SourceRef]],
                     block: Block) -> None:
    """A 達成度/判定 column beside year columns judges one year: the one whose actual ÷ target is the printed
    rate (arithmetic, for the structure only), else the report's fiscal year, else the last year with an
    actual. The grade or rate is never copied to the other years."""
    years = [v for v in ivs if v.fiscal_year is not None and v.row_kind in ("yearly", "cost")]
    if not years:
        return
    chosen, why = None, ""
    if "rate_raw" in fields:
        printed = parse_number(fields["rate_raw"][0])
        for v in sorted(years, key=lambda v: -v.fiscal_year):
            t, a = (parse_number(v.target_raw) if v.target_raw else None), (parse_number(v.actual_raw) if v.actual_raw else None)
            if printed is not None and t and a is not None and abs(a / t * 100 - printed) < 0.051 + 0.005 * printed:
                chosen, why = v, f"the printed rate {fields['rate_raw'][0]} is {v.fiscal_year}'s actual ÷ target"
                break
    doc_year = fiscal_year_of_text(ctx.doc.fiscal_year_raw) if ctx.doc.fiscal_year_raw else None
    if chosen is None and doc_year is not None:
        chosen = next((v for v in years if v.fiscal_year == doc_year and v.actual_raw), None)
        why = f"the report's fiscal year ({doc_year})" if chosen else ""
    if chosen is None:
        with_actual = [v for v in years if v.actual_raw]
        chosen = max(with_actual, key=lambda v: v.fiscal_year) if with_actual else None
        why = "the last year with an actual" if chosen else ""
    if chosen is None:
        return
    for attr, (cell, _ref) in fields.items():
        setattr(chosen, attr, cell)
    ctx.evidence("indicator_values", chosen.measure_key, EvidenceKind.ARITHMETIC if "rate" in why else EvidenceKind.YEAR_AXIS,
                 f"「{chosen.indicator}」: the {'/'.join(a[:-4] for a in fields)} printed once beside the year columns judges "
                 f"{chosen.fiscal_year} ({why}; structure only)", block.ref, 0.0)
