"""The ordered stages after extraction: each is `processor(document) -> None`.

Extraction fills the raw fields; these processors derive the canonical values with
the pure functions in `normalizers`, keeping the raw text beside them, and flag what
can't be right instead of fixing it. `NORMALIZE` is the explicit order they run in.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Callable

from hyoka.normalizers.directions import parse_direction
from hyoka.normalizers.eras import check_era_date, find_era_dates, fiscal_year, fiscal_year_of, parse_era_range
from hyoka.normalizers.grades import parse_grade
from hyoka.normalizers.numbers import UNIT_CANON, digit_typos, number_note, parse_number, parse_quantity
from hyoka.normalizers.symbols import parse_count_line, parse_symbol
from hyoka.normalizers.text import parse_circled_list, split_list, squeeze_cjk_spaces, strip_html
from hyoka.pipeline.model import DateMention, DocError, Document, Flag, SourceRef, SummaryCount
from hyoka.pipeline.printed import flag_printed_figures
from hyoka.pipeline.stray_years import flag_stray_years

Processor = Callable[[Document], None]

_ID_SPACES = re.compile(r"[\s\u3000]+")
_YEARS = re.compile(r"(\d+)\s*年間")


def normalize_document(doc: Document) -> None:
    """Fiscal year, issue date and plan period of the document itself."""
    if doc.fiscal_year is None and doc.fiscal_year_raw:
        doc.fiscal_year = fiscal_year(doc.fiscal_year_raw)
        doc.fiscal_year_basis = doc.fiscal_year_basis or f"printed: 「{doc.fiscal_year_raw}」"
    if doc.issued_raw:
        dates = find_era_dates(doc.issued_raw)
        if dates and dates[0].year:
            d = dates[0]
            doc.issued = f"{d.year:04d}-{d.month:02d}" if d.month else f"{d.year:04d}"
            if doc.fiscal_year is None and d.month:
                doc.fiscal_year = fiscal_year_of(d.year, d.month)
                doc.fiscal_year_basis = f"inferred: issued 「{doc.issued_raw}」"
    if doc.period_raw:
        span = parse_era_range(doc.period_raw)
        if span:
            start, end, problem = span
            doc.period_start, doc.period_end = start.year, end.year
            if problem:
                doc.flags.append(Flag(field="period", raw=doc.period_raw, reason=problem,
                                      ref=doc.period_ref or SourceRef(file=Path(doc.source_path).name)))
        if m := _YEARS.search(doc.period_raw.replace(" ", "")):
            doc.period_years_stated = int(m.group(1))


def normalize_measures(doc: Document) -> None:
    for m in doc.measures:
        m.name = squeeze_cjk_spaces(strip_html(m.name))
        m.id = _canonical_id(m.id_raw, m.key)
        m.departments = split_list(m.departments_raw)
        m.partners = split_list(m.partners_raw)
        m.direction = _enum_value(parse_direction(m.direction_raw))
        if m.direction is None and m.direction_raw and m.direction_raw.strip():
            doc.flags.append(Flag(field="direction", raw=m.direction_raw, reason="not a known direction (方向性)",
                                  ref=m.ref, scope=m.key))
        m.basic_goals = parse_circled_list(m.basic_goals_raw or "")
        # a target printed as a quantity (「4社/年」「毎年5件以上」), not a sentence about the state aimed
        # at (「…160事業者にアプローチを行う。」, 「別表2-2に基づき…」): its first number is no target
        if m.target_raw and len(m.target_raw) <= 30 and not re.search(r"[。、]", m.target_raw):
            _flag_number(doc, "target", m.target_raw, m.ref, m.key)
            q = parse_quantity(squeeze_cjk_spaces(m.target_raw))
            if q is not None:
                m.target_value, m.target_unit = q.value, q.unit
                m.target_period, m.target_qualifier = q.per, q.qualifier
                m.target_deadline_fy = q.deadline_fiscal_year
    for ref in doc.cross_refs:
        ref.to_key = _canonical_id(ref.to_id_raw, None)


_MAGNITUDE = {"千": 10**3, "万": 10**4, "億": 10**8}
_PRINTED_MAGNITUDE = re.compile(r"[0-9][0-9,.]*\s*(千|万|億)\s*[^\d\s万億千]{1,4}\s*$")


def normalize_indicator_values(doc: Document) -> None:
    for v in doc.indicator_values:
        if v.fiscal_year is None:  # a reader that knew the era from context set it already (basis says so)
            v.fiscal_year = fiscal_year(v.fiscal_year_raw)
        for raw_attr, attr in (("baseline_raw", "baseline"), ("rate_raw", "rate"), ("projection_raw", "projection")):
            raw = getattr(v, raw_attr)
            if raw:
                value = parse_number(raw)
                if value is not None and attr != "rate" and (m := _PRINTED_MAGNITUDE.search(unicodedata.normalize("NFKC", raw))):
                    value = value / _MAGNITUDE[m.group(1)]  # in the magnitude printed, as target and actual
                setattr(v, attr, value)
                _flag_number(doc, attr, raw, v.ref, v.measure_key)
        units = set()
        for raw_attr, attr in (("target_raw", "target"), ("actual_raw", "actual")):
            raw = getattr(v, raw_attr)
            _flag_number(doc, attr, raw, v.ref, v.measure_key)
            q = parse_quantity(raw) if raw else None
            value = q.value if q else parse_number(raw) if raw else None
            unit = UNIT_CANON.get(q.unit, q.unit) if q and q.unit else None
            # an indicator keeps the magnitude it is printed in: 「4,730万人」 is 4730 万人, as a 単位 column
            # of 万人 over 「4,730」 gives it, so target, actual and baseline stay comparable in one unit
            if value is not None and unit and (m := _PRINTED_MAGNITUDE.search(unicodedata.normalize("NFKC", raw))):
                value, unit = value / _MAGNITUDE[m.group(1)], m.group(1) + unit
            setattr(v, attr, value)
            if unit:
                units.add(unit)
        # a unit printed beside the numbers wins; with none there, a unit the extractor read from
        # a column of its own (大船渡's 単位 columns) stays
        v.unit = units.pop() if len(units) == 1 else None if units else v.unit
        if v.unit is None and v.unit_raw:
            v.unit = _unit_from_label(v.unit_raw)
        if len(units) > 1:
            doc.flags.append(Flag(field="unit", raw=f"{v.target_raw} / {v.actual_raw}",
                                  reason="target and actual are printed in different units", ref=v.ref,
                                  scope=v.measure_key))
        if v.grade_raw:
            v.grade = parse_grade(v.grade_raw)
            if v.grade is None:
                doc.flags.append(Flag(field="grade", raw=v.grade_raw, reason="not a grade", ref=v.ref,
                                      scope=v.measure_key))


def _flag_number(doc: Document, field: str, raw: str | None, ref: SourceRef, scope: str | None) -> None:
    """A flag when a printed number had letters among its digits (read as digits, or left None)."""
    if note := number_note(raw):
        doc.flags.append(Flag(field=field, raw=raw, reason=note, ref=ref, scope=scope))


def _unit_from_label(raw: str) -> str | None:
    """A unit printed on its own or in a header: 「万人」, 「(千円)」, 「単位：人」, 「558.7 万人」 → 万人."""
    t = re.sub(r"^.*?単位\s*[:：]?\s*", "", raw.strip())
    t = re.sub(r"^[△▲\-−]?[0-9０-９,，.．\s]+", "", t).strip("()（）[] 　")
    return t or None if len(t) <= 8 else None


_COST_FIELDS = ("national", "prefectural", "bonds", "other", "general", "project_total", "staff", "hours",
                "personnel", "total_cost")


def normalize_costs(doc: Document) -> None:
    for c in doc.costs:
        c.fiscal_year = fiscal_year(c.fiscal_year_raw)
        for name in _COST_FIELDS:
            raw = getattr(c, f"{name}_raw")
            setattr(c, name, parse_number(raw) if raw not in (None, "") else None)
            _flag_number(doc, f"cost_{name}", raw, c.ref, c.measure_key)


def normalize_scores(doc: Document) -> None:
    """A symbol-count line 「41施策中 ○30 △1 □7 ×1 ◎2 -0 → 85 (76) 点 / 100点」 → total, counts, stated,
    previous, and one item per printed symbol+count (in `items`, for the summary_counts table).

    Only summaries the extractor left as a line (no items, reader unset or "count_line"); a table
    or prose summary comes with its items and is normalized by `normalize_summary_counts`.
    """
    for s in doc.score_summaries:
        if s.items or s.reader not in (None, "count_line"):
            continue
        line = parse_count_line(s.raw)  # plain text: the extractors take a rendering's Markdown marks off (extractors/_common.plain)
        if line is None:
            continue
        s.reader = s.reader or "count_line"
        s.total_items, s.counts = line.total, line.counts
        s.items = [SummaryCount(summary_key=s.key or "", label_raw=sym, count_raw=n, ref=s.ref)
                   for sym, n in line.pieces]
        for piece in line.unknown:
            doc.flags.append(Flag(field="score_counts", raw=piece, reason="unknown symbol", ref=s.ref, scope=s.scope))
        # letters typed for digits (「/ 1〇0点」): read when unambiguous, else no score; flagged either way
        typos = digit_typos(line.score_part)
        if typos.note:
            doc.flags.append(Flag(field="score", raw=line.score_part.strip(), reason=typos.note, ref=s.ref,
                                  scope=s.scope))
        score_main, _, max_part = ("" if typos.doubtful else typos.text).partition("/")
        previous = re.search(r"[(（]\s*(\d+(?:\.\d+)?)\s*[)）]", score_main)
        stated = re.search(r"[−-]?\d+(?:\.\d+)?", re.sub(r"[(（][^)）]*[)）]", " ", score_main))
        if stated:
            s.stated_score_raw = stated.group(0).replace("−", "-")
            s.stated_score = float(s.stated_score_raw)
        if previous:
            s.previous_score = float(previous.group(1))
        if mx := re.search(r"\d+(?:\.\d+)?", max_part):
            s.max_score = float(mx.group(0))


# labels that name the whole, not a category (after spaces are squeezed: 「合 計」 → 合計)
_TOTAL_LABELS = {"合計", "計", "総計", "総数", "全体"}
_SHARE = re.compile(r"(?:約|およそ)?\s*(\d+(?:\.\d+)?)\s*(%|割)?")
_COUNT = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)\s*([^\d\s.,%~〜～\-−()（）約]{0,8})")


def parse_count(raw: str | None) -> int | None:
    """「45事務事業」 → 45, 「109件」 → 109, 「３０」 → 30; 「約40件」, 「-」, 「30～40」, 「4.5」 → None."""
    if raw is None:
        return None
    m = _COUNT.fullmatch(unicodedata.normalize("NFKC", raw).strip())
    return int(m.group(1).replace(",", "")) if m else None


def share_parts(raw: str | None) -> tuple[str, int] | None:
    """The number of a printed share as printed and what it is in (100 for %, 10 for 割):
    「約78%」 → ("78", 100), 「96.0%」 → ("96.0", 100), 「49.3」 → ("49.3", 100), 「9割」 → ("9", 10)."""
    text = unicodedata.normalize("NFKC", raw or "").strip().strip("()（）[]").strip()
    m = _SHARE.fullmatch(text)
    if m is None:
        return None
    return m.group(1), 10 if m.group(2) == "割" else 100


def parse_share(raw: str | None) -> float | None:
    """A share as printed, in percent: 「96%」 → 96.0, 「 4%」 → 4.0, 「49.3」 → 49.3 (a 割合(%) row),
    「約78%」 → 78.0, 「(60.5%)」 → 60.5, 「9割」 → 90.0; anything else → None."""
    parts = share_parts(raw)
    return None if parts is None else float(parts[0]) * (100 // parts[1])


def canonical_label(raw: str) -> str:
    """A symbol (「〇」 → 「○」), a grade letter (「Ａ」 → 「A」), else the label with its spaces squeezed
    (「合 計」 → 「合計」, 「民 間」 → 「民間」)."""
    if (symbol := parse_symbol(raw)) is not None:
        return symbol.value
    if (grade := parse_grade(raw)) is not None:
        return grade
    return squeeze_cjk_spaces(unicodedata.normalize("NFKC", raw)) or raw.strip()


def normalize_summary_counts(doc: Document) -> None:
    """Every count summary gets a key and its label × count items, normalized.

    - `key`: "S1", "S2" … in document order when the extractor left it None;
    - a summary with `counts` but no items (a symbol line an extractor read itself) gets one item per
      symbol; items printed by the extractor (label_raw, count_raw, share_raw) get `label`, `count`,
      `share` (a count or share that can't be read stays null, with a flag — never a guess);
    - `counts` (label → count, totals left out) and `total_items` (from a 合計 item) are filled from
      the items when the extractor left them empty, so code that reads `counts` keeps working.
    """
    taken = {s.key for s in doc.score_summaries if s.key}
    n = 0
    for s in doc.score_summaries:
        if not s.key:
            n += 1
            while f"S{n}" in taken:
                n += 1
            s.key = f"S{n}"
            taken.add(s.key)
        if not s.items and s.counts:
            s.items = [SummaryCount(summary_key=s.key, label_raw=label, count_raw=str(count), ref=s.ref)
                       for label, count in s.counts.items()]
        for item in s.items:
            item.summary_key = s.key
            item.label = item.label or canonical_label(item.label_raw)
            item.is_total = item.is_total or item.label in _TOTAL_LABELS
            if item.count is None and item.count_raw not in (None, ""):
                item.count = parse_count(item.count_raw)
                if item.count is None:
                    doc.flags.append(Flag(field="summary_count", raw=item.count_raw, scope=s.scope, ref=item.ref,
                                          reason=f"not a count (label 「{item.label_raw}」); kept as printed"))
            if item.share is None and item.share_raw not in (None, ""):
                item.share = parse_share(item.share_raw)
                if item.share is None:
                    doc.flags.append(Flag(field="summary_share", raw=item.share_raw, scope=s.scope, ref=item.ref,
                                          reason=f"not a percentage (label 「{item.label_raw}」); kept as printed"))
        if not s.counts:
            for item in s.items:
                if not item.is_total and item.count is not None:
                    s.counts[item.label] = s.counts.get(item.label, 0) + item.count
        if s.total_items is None:
            s.total_items = next((i.count for i in s.items if i.is_total and i.count is not None), None)


def normalize_text(doc: Document) -> None:
    """Free text with wrapped-line and emphasis spaces between CJK characters removed.

    「周知を強化 した」 and a PDF cell's 「…を強\n化した」 both become 「…を強化した」; the
    `raw` fields keep what was printed.
    """
    for n in doc.notes:
        n.text = squeeze_cjk_spaces(n.text)
    for a in doc.actions:
        a.planned, a.done, a.indicator = (
            None if t is None else squeeze_cjk_spaces(strip_html(t)) for t in (a.planned, a.done, a.indicator))


def collect_dates(doc: Document) -> None:
    """Every era date printed anywhere, with the measure it sits in; impossible ones flagged.

    Scans the extracted rows rather than the records so that dates inside long free
    text (所見, 実施) are found too. The reference year for "can't be right" is the
    report's own year (its issue date, else the year after its fiscal year starts).
    """
    reference = int(doc.issued[:4]) if doc.issued else (doc.fiscal_year + 1 if doc.fiscal_year else None)
    scopes: dict[tuple, str | None] = {}  # a row's cells share their measure: look it up once per row
    scope_of = _ScopeIndex(doc)
    for row in doc.source_rows:
        for col, cell in enumerate(row.cells):
            if "年" not in cell:
                continue
            text = strip_html(cell)
            for d in find_era_dates(text):
                context = _sentence(text, d.start, d.end)
                ref = row.cell_ref(col)
                where = (ref.line_start, ref.table, ref.row)
                if where not in scopes:
                    scopes[where] = scope_of(ref)
                problem = d.problem or check_era_date(d, reference)
                after = text[d.end:d.end + 6]
                mention = DateMention(
                    raw=d.raw, context=context, ref=ref, scope=scopes[where],
                    era=d.era, era_year=d.era_year, year=d.year, month=d.month, day=d.day,
                    is_fiscal=d.is_fiscal, stated_year=d.stated_year,
                    as_of=bool(re.match(r"^[末頃]?\s*(時点|現在)", after)), problem=problem,
                )
                doc.dates.append(mention)
                if problem:
                    doc.flags.append(Flag(field="date", raw=d.raw, reason=problem, ref=ref, scope=mention.scope))


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(p, 0, start) for p in "。\n・")
    right = min((i for i in (text.find(p, end) for p in "。\n") if i != -1), default=len(text))
    return text[left + 1:right + 1].strip()


def _scope_of(doc: Document, ref) -> str | None:
    """The measure whose printed span contains `ref` (innermost wins)."""
    best = None
    for m in doc.measures:
        r = m.ref
        if ref.line_start is not None and r.line_start is not None:
            inside = r.line_start <= ref.line_start <= (r.line_end or r.line_start)
        elif ref.table is not None and r.table is not None:  # DOCX/PDF table cells, with or without a page
            inside = r.table == ref.table and (r.row or 0) <= (ref.row or 0)
        else:
            inside = False
        if inside and (best is None or (r.line_start or 0, r.row or 0) >= (best.ref.line_start or 0, best.ref.row or 0)):
            best = m
    return best.key if best else None


class _ScopeIndex:
    """`_scope_of(doc, ref)` without a pass over every measure per date (that was quadratic: a 10 MB
    text of 10,000 measures spent minutes here). When every measure has lines (text) or none has
    (DOCX/PDF tables), the answer comes from a sorted index; otherwise from `_scope_of` itself."""

    def __init__(self, doc: Document) -> None:
        import bisect
        import itertools

        self._doc, self._bisect = doc, bisect
        refs = [m.ref for m in doc.measures]
        self._by_lines = all(r.line_start is not None for r in refs)
        self._by_tables = all(r.line_start is None for r in refs)
        # lines: (line_start, row, document order) sorted; the running maximum of line_end lets a
        # search stop as soon as no earlier measure can reach the line
        entries = sorted((r.line_start or 0, r.row or 0, i, r.line_end or r.line_start or 0) for i, r in enumerate(refs))
        self._keys = [e[:3] for e in entries]
        self._ends = [e[3] for e in entries]
        self._reach = list(itertools.accumulate(self._ends, max))
        # tables: per table, (row, document order) sorted
        self._tables: dict[int, list[tuple[int, int]]] = {}
        for i, r in enumerate(refs):
            if r.table is not None:
                self._tables.setdefault(r.table, []).append((r.row or 0, i))
        for rows in self._tables.values():
            rows.sort()

    def __call__(self, ref) -> str | None:
        measures = self._doc.measures
        if ref.line_start is not None and self._by_lines:
            line = ref.line_start
            j = self._bisect.bisect_right(self._keys, (line, float("inf"), float("inf"))) - 1
            while j >= 0 and self._reach[j] >= line:
                if self._ends[j] >= line:  # the latest-starting measure that still covers the line
                    return measures[self._keys[j][2]].key
                j -= 1
            return None
        if ref.line_start is None and ref.table is not None and self._by_tables:
            rows = self._tables.get(ref.table, [])
            j = self._bisect.bisect_right(rows, (ref.row or 0, float("inf"))) - 1
            return measures[rows[j][1]].key if j >= 0 else None
        return _scope_of(self._doc, ref)


def _canonical_id(id_raw: str | None, key: str | None) -> str | None:
    """「【工 - 1】」 → "工-1", 「12」 → "12", 「①」 → "1"."""
    if not id_raw:
        return None
    text = _ID_SPACES.sub("", id_raw).strip("【】[]")
    circled = parse_circled_list(text)
    if len(circled) == 1 and len(text) == 1:
        return str(circled[0])
    return text.replace("－", "-").replace("―", "-")


def _enum_value(value):
    return None if value is None else value.value


def finalize_status(doc: Document) -> None:
    """PARTIAL when something could not be parsed, or when nothing the report reports was read;
    FAILURE when the layout was recognised but nothing at all came out of it (the file then goes
    to the failures table).

    Empty is not success: a report read into a legend alone — no measure, indicator value, count
    line, action, cost or note — has had its content tables missed (or prints none), and a ✓
    would say all was read. It is PARTIAL, and the reason says what was and was not read.
    """
    from hyoka.pipeline.model import Status

    records = (doc.measures, doc.actions, doc.indicator_values, doc.score_summaries, doc.costs, doc.notes,
               doc.legends)
    if not any(records):
        doc.status = Status.FAILURE
        doc.errors.append(DocError(stage="extract", message=f"layout {doc.layout} recognised, but nothing was extracted"))
        return
    # the generic reader's 「nothing recognised」 note is a message, not something the report printed
    notes = [n for n in doc.notes if n.kind != "unrecognised"]
    content = (doc.measures, doc.actions, doc.indicator_values, doc.score_summaries, doc.costs, notes)
    if not any(content) and not any(e.stage == "extract" for e in doc.errors):
        read = ", ".join(f"{len(rs)} {name if len(rs) == 1 else name + 's'}"
                         for rs, name in ((doc.legends, "legend"), (doc.dates, "date")) if rs) or "nothing"
        unread = f"; {len(doc.unmapped)} tables or rows not read" if doc.unmapped else ""
        doc.errors.append(DocError(stage="extract", message=(
            f"no content read: no measure, indicator value, count line, action, cost or note (read: {read}"
            f"{unread})")))
    if doc.status is Status.SUCCESS and doc.errors:
        doc.status = Status.PARTIAL


def municipality_basis(doc: Document) -> None:
    """Say how the municipality was known: printed in the title, or only the place named most in the text."""
    from hyoka.normalizers.places import find_places

    if doc.municipality and doc.municipality_basis is None:
        # in the title as a whole name, or as its reading (「ふくおかし…計画」 names 福岡市)
        in_title = doc.title and doc.municipality in {name for name, _ in find_places(doc.title)}
        doc.municipality_basis = ("printed in the title" if in_title
                                  else "not in the title: the municipality named most often in the text")


NORMALIZE: tuple[Processor, ...] = (
    normalize_document,
    normalize_measures,
    normalize_indicator_values,
    normalize_scores,
    normalize_summary_counts,
    normalize_costs,
    normalize_text,
    collect_dates,
    flag_stray_years,  # pipeline/stray_years.py: a year header typed 令和１8年度 for 令和8年度
    flag_printed_figures,  # pipeline/printed.py: eras glued to Western years, dates in formulas, shares
    municipality_basis,
    finalize_status,
)
