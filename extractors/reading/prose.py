"""The lines outside every table: count sentences and lists, symbol-count lines, legends one item per line
or in a sentence, KPI lines (kpi_line.py) and progress lines 「H24年12月・15ha→H25年12月・30ha」."""

from __future__ import annotations

import dataclasses
import re

from hyoka.extractors._common import plain
from hyoka.extractors.base import Row
from hyoka.extractors.reading.context import ReadingContext
from hyoka.extractors.reading.kpi_line import kpi_lines
from hyoka.normalizers import counts as C
from hyoka.normalizers import legends as L
from hyoka.normalizers.eras import find_era_dates
from hyoka.normalizers.headers import (
    Header,
    parse_header,
)
from hyoka.normalizers.symbols import parse_count_line
from hyoka.pipeline.model import (
    MeasureKind,
    EvidenceKind,
    Flag,
    IndicatorValue,
    Legend,
    SummaryCount,
)

_PROGRESS = re.compile(
    r"(?P<name>[^:：・\s]{1,20})[:：]\s*(?P<a_when>[^・→]{2,14})・\s*(?P<a>[0-9０-９][^→]{0,12}?)\s*→\s*"
    r"(?P<b_when>[^・→]{2,14})・\s*(?P<b>[0-9０-９][^\s]{0,12})")


def read_prose(ctx: ReadingContext, prose: list[tuple[int, Row]]) -> None:
    doc = ctx.doc
    group: list[tuple[Row, C.CountPhrase]] = []  # consecutive list lines 「評価対象 394事業(96%)」
    legend_run: list[tuple[Row, L.Item]] = []
    points_run: list[tuple[Row, L.Item]] = []

    def flush_group() -> None:
        if len(group) >= 2 or (group and group[0][1].share_raw):
            ref = group[0][0].ref.span(group[-1][0].ref)
            s = ctx.summary(scope=_scope_before(prose, group[0][0]), raw="\n".join(r.text for r, _p in group), ref=ref,
                            reader="prose")
            s.complete = False
            for r, p in group:
                s.items.append(SummaryCount(summary_key=s.key, label_raw=p.label, count_raw=p.count_raw, ref=r.ref,
                                            share_raw=p.share_raw))
        group.clear()

    def flush_legend(run: list, kind_hint: str | None = None) -> None:
        labelled = [(r, i) for r, i in run if i.label or len(run) > 2]
        if len(labelled) >= 2:
            items = [(i.label, i.text) for _r, i in labelled]
            kind = kind_hint or L.legend_kind([i for _r, i in labelled])
            doc.legends.append(Legend(kind=kind, raw="\n".join(r.text for r, _i in labelled),
                                      ref=labelled[0][0].ref.span(labelled[-1][0].ref), items=items,
                                      item_refs=[r.ref for r, _i in labelled]))
            for r, i in labelled:
                if not i.label:
                    doc.flags.append(Flag(field="legend", raw=r.text, reason="a legend item printed without its label",
                                          ref=r.ref))
        run.clear()

    skipped = 0  # short word lines passed over inside a list of counts (a chart's legend words between its labels)
    for _idx, row in prose:
        line = plain(row.text.replace("\t", " "))
        if not line:
            continue
        if group and skipped < 4 and len(line) <= 12 and not re.search(r"[0-9０-９。]", line):
            skipped += 1
            continue
        skipped = 0
        # a symbol-count line 「41施策中 ○30 △1 □7 ×1 ◎2 -0 → 85 (76) 点 / 100点」: left as a line; the
        # normalize stage reads its total, counts and stated score, and the audit recomputes it
        count_line = parse_count_line(line)
        if count_line and len(count_line.pieces) >= 2 and not count_line.unknown:
            flush_group()
            flush_legend(legend_run)
            flush_legend(points_run, "points_bands")
            ctx.summary(scope=_scope_before(prose, row), raw=line, ref=row.ref, reader="count_line")
            continue
        # legends, one item per line
        item = L.legend_line(line) if len(line) <= 200 else None
        if item is not None and not C.count_phrases(line):
            legend_run.append((row, item))
        else:
            flush_legend(legend_run)
        single_points = re.fullmatch(r"\s*(?:[-*・]\s*)?(?P<label>[^\s].{0,24}?)\s+(?P<p>[-−▲]?\d+(?:\.\d+)?)\s*(?:点|ポイント)\s*",
                                     line)
        if single_points and item is None and L.could_be_label(single_points.group("label")):
            points_run.append((row, L.Item(single_points.group("label"), single_points.group("p") + "ポイント")))
        else:
            flush_legend(points_run, "points_bands")
        if item is None:
            legend_in_line(ctx, row, line)
        # counts
        phrases = C.count_phrases(line)
        list_line = len(phrases) == 1 and phrases[0].share_raw and len(line) <= 60
        if list_line:
            group.append((row, phrases[0]))
            continue
        flush_group()
        for sentence, offset in _sentences(line):
            ps = [p for p in C.count_phrases(sentence)]
            if not ps:
                continue
            total = next((p.total for p in ps if p.total), None) or C.sentence_total(sentence)
            s = ctx.summary(scope=sentence[:80], raw=sentence, ref=row.ref, reader="prose", total=total)
            s.complete = False  # a sentence names some categories, rarely all of them
            for p in ps:
                s.items.append(SummaryCount(summary_key=s.key, label_raw=p.label, count_raw=p.count_raw, ref=row.ref,
                                            share_raw=p.share_raw))
        if not _progress_values(ctx, row, line):
            _kpi_values(ctx, row, line)
    flush_group()
    flush_legend(legend_run)
    flush_legend(points_run, "points_bands")


def joined_chart_labels(prose: list[tuple[int, Row]]) -> list[tuple[int, Row]]:
    """A chart's data labels in a text layer break after the label (「達成済み,」 / 「8事業, 36%」): a short
    line ending in a comma is joined to the next line when that one starts with a figure."""
    out: list[tuple[int, Row]] = []
    for i, row in prose:
        if out:
            j, prev = out[-1]
            t = plain(prev.text)
            if len(t) <= 20 and re.search(r"[,，、]$", t) and re.match(r"^\s*[0-9０-９]", plain(row.text)) and i <= j + 2:
                out[-1] = (j, Row(cells=(f"{t} {plain(row.text)}",), ref=prev.ref.span(row.ref)))
                continue
        out.append((i, row))
    return out


def legend_in_line(ctx: ReadingContext, row: Row, line: str) -> None:
    for reader, kind in ((L.quoted_scale, "words"), (L.quoted_symbols, "words"), (L.marker_legend, "words"),
                         (L.inline_items, None), (L.points_items, "points"), (L.sentence_items, None)):
        items = reader(line)
        if len(items) >= 2:
            ctx.doc.legends.append(Legend(kind=kind or L.legend_kind(items), raw=line[:2000], ref=row.ref,
                                          items=[(i.label, i.text) for i in items], item_refs=[row.ref] * len(items)))
            return
    # a scale named but not spelled out (「4段階で評価」「ABCDの段階評価」): kept as a legend of kind
    # "scale" — it says which labels exist, never a rule the audit could apply
    if items := L.declared_scale(line):
        ctx.doc.legends.append(Legend(kind="scale", raw=line[:2000], ref=row.ref,
                                      items=[(i.label, i.text) for i in items], item_refs=[row.ref] * len(items)))


def _sentences(line: str) -> list[tuple[str, int]]:
    out, start = [], 0
    for m in re.finditer(r"[。]", line):
        out.append((line[start:m.end()], start))
        start = m.end()
    if start < len(line):
        out.append((line[start:], start))
    return out


def _scope_before(prose: list[tuple[int, Row]], row: Row) -> str:
    idx = next((k for k, (_i, r) in enumerate(prose) if r is row), 0)
    for _i, r in reversed(prose[max(0, idx - 3):idx]):
        t = plain(r.text)
        if t:
            return t[:80]
    return "本文"


def _kpi_values(ctx: ReadingContext, row: Row, line: str) -> None:
    """An indicator stated in a line of prose (extractors/reading/kpi_line.py)."""
    for k in kpi_lines(line, ctx.era):
        if not k.name:
            # 「【認定農業者数】」 on the line above 「●2016年度：目標293人 達成値331人」
            title = _bracket_title_above(ctx, row)
            if title is None:
                continue
            k = dataclasses.replace(k, name=title)
        measure = ctx.measure(k.name, row.ref, [], MeasureKind.INDICATOR)
        # no year in the line: a 目標/実績 pair is the report's fiscal year (normalized later from its printed
        # year, as the document's), a baseline → target line has none
        doc_year = ctx.doc.fiscal_year_raw if k.actual and k.year is None and ctx.doc.fiscal_year_raw else None
        year = k.year
        iv = IndicatorValue(measure_key=measure.key, indicator=k.name, fiscal_year_raw=k.year_text or doc_year or "",
                            row_kind="yearly",
                            target_raw=k.target, actual_raw=k.actual, grade_raw=None, ref=row.ref, header_raw=None)
        iv.rate_raw = k.rate
        if k.baseline:
            # the value the arrow starts from is the baseline, a row of its own at its year (as a 基準値 column gives)
            base = IndicatorValue(measure_key=measure.key, indicator=k.name, fiscal_year_raw="", row_kind="baseline",
                                  target_raw=None, actual_raw=None, grade_raw=None, ref=row.ref, header_raw=None)
            base.baseline_raw, base.fiscal_year = k.baseline, k.baseline_year
            base.fiscal_year_basis = "printed in the line" if k.baseline_year is not None else None
            ctx.doc.indicator_values.append(base)
        iv.fiscal_year = year
        iv.fiscal_year_basis = "printed in the line" if k.year is not None else (
            "document's fiscal year" if doc_year else None)
        ctx.doc.indicator_values.append(iv)
        ctx.evidence("indicator_values", measure.key, EvidenceKind.HEADER_LABEL,
                     "a KPI stated in a line: " + ("目標/実績 named in it" if k.actual else "a value, an arrow, a target"),
                     row.ref, 0.0)


def _progress_values(ctx: ReadingContext, row: Row, line: str) -> bool:
    """「野菜:H24年12月・15ha→H25年12月・30ha」: two dated values of one indicator, read as actuals."""
    if "→" not in line:
        return False
    found = False
    for m in _PROGRESS.finditer(line):
        found = True
        name = m.group("name")
        heading = _last_heading(ctx, row)
        full = f"{heading} {name}".strip() if heading else name
        measure = ctx.measure(full, row.ref, [], MeasureKind.INDICATOR)
        for when, value in ((m.group("a_when"), m.group("a")), (m.group("b_when"), m.group("b"))):
            h = parse_header(when.strip(), ctx.era)
            if h.year is None:
                continue
            iv = IndicatorValue(measure_key=measure.key, indicator=full, fiscal_year_raw=when.strip(), row_kind="yearly",
                                target_raw=None, actual_raw=value.strip(), grade_raw=None, ref=row.ref,
                                header_raw=when.strip(), as_of=h.as_of)
            iv.fiscal_year, iv.fiscal_year_basis = _calendar_year(when, h), "printed (calendar date of the value)"
            ctx.doc.indicator_values.append(iv)
    return found


def _calendar_year(when: str, h: Header) -> int | None:
    d = find_era_dates(when)
    return d[0].year if d and d[0].year else h.year


def _bracket_title_above(ctx: ReadingContext, row: Row) -> str | None:
    """The nearest line above (within 3) that is a bracketed title 【…】 or ■/◆ heading, not a KPI line itself."""
    rows = ctx.text.rows
    idx = ctx.row_index.get(id(row))
    if idx is None:
        return None
    for r in reversed(rows[max(0, idx - 3):idx]):
        t = plain(r.text)
        if m := re.fullmatch(r"[【\[［〈<]\s*(.{2,40}?)\s*[】\]］〉>]", t):
            return m.group(1)
        if m := re.fullmatch(r"[■◆□◇]\s*(.{2,40})", t):
            return m.group(1)
    return None


def _last_heading(ctx: ReadingContext, row: Row) -> str | None:
    """The nearest line above starting with ◆ (a 成果 heading) — the indicator the values belong to."""
    rows = ctx.text.rows
    idx = next((i for i, r in enumerate(rows) if r is row), None)
    if idx is None:
        return None
    for r in reversed(rows[max(0, idx - 5):idx]):
        t = r.text.strip()
        if t.startswith(("◆", "■", "●")):
            return t.lstrip("◆■● ")
        if "→" not in t:
            break
    return None
