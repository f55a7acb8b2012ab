"""Layout invariance (#17, item 6): one set of facts, printed through many layouts.

A small model of what an evaluation/progress report states — a government, a plan, a fiscal year,
indicators (name, unit, baseline, yearly targets and actuals, a printed achievement rate and a
grade), count lines (grade label → count, total, shares) and a legend (grade → band of the
achievement rate) — and renderers that print the *same* facts through the layouts real reports
use, as Markdown, TSV or plain text. A reader that generalizes reads the same facts back from
every rendering; tests/test_layout_invariance.py asserts it, and

    python tests/layouts_gen.py [N] [-v]   # or: python bench/layout_invariance.py [N] [-v]
    python tests/layouts_gen.py --lexicon  # found/expected per role word and year spelling

prints one line per layout family: facts expected / found / invented, false `inconsistent`
findings, pass or fail.

The words are drawn from the domain's lexicon (目標/計画/予定…, 実績/現状値/達成値…, 基準値/策定時…,
達成率/達成度/進捗率, 評価/判定/評価区分; era and Western year spellings), not from any one report
of the corpus: a layout is worth testing when many governments print it, whatever they call the
columns. hypothesis draws the facts and the spellings (`reports()`, `styles()`); `examples()`
draws them deterministically (derandomized, no example database), so the tests and the script
see the same documents on every run.

This is a module, not a test file (pytest collects test_*.py only).
"""

from __future__ import annotations

import contextlib
import functools
import math
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Callable

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

# --- the domain lexicon --------------------------------------------------------------------------

TARGET_WORDS = ["目標", "目標値", "計画", "計画値", "予定", "目標数値", "年度目標"]
FINAL_TARGET_WORDS = ["最終目標", "目標値", "目標", "計画値"]  # the plan's last year
ACTUAL_WORDS = ["実績", "実績値", "現状値", "現況", "達成値", "結果"]
BASELINE_WORDS = ["基準値", "当初値", "策定時", "現状(策定時)"]
RATE_WORDS = ["達成率", "達成度", "進捗率"]
GRADE_WORDS = ["評価", "判定", "評価区分"]
ROLE_PREFIXES = ["", "", "前期", "今年度", "PERIOD"]  # PERIOD: the plan's period, 「H23-27」「R3-7」
NAME_HEADERS = ["指標名", "指標", "成果指標", "KPI", "数値目標", "評価指標"]
UNIT_HEADERS = ["単位", "単位"]
YEAR_HEADERS = ["年度", "年度", "区分"]

GOVERNMENTS = ["北杜市", "南砺市", "那須塩原市", "東近江市", "鯖江市", "日南市", "伊万里市", "砂川市",
               "小国町", "美郷町", "大潟村", "西粟倉村", "八女市", "中之条町", "石垣市", "高梁市"]
PLAN_PATTERNS = ["第{n}次{gov}産業振興計画", "{gov}まち・ひと・しごと創生総合戦略", "第{n}次{gov}総合計画 後期基本計画",
                 "{gov}観光振興ビジョン", "{gov}農業振興計画", "第{n}期{gov}商工業振興プラン"]
REPORT_KINDS = ["施策評価報告書", "事務事業評価結果", "進捗管理報告書", "KPI検証結果", "進捗状況報告", "評価結果報告書"]

# indicator → unit, value range, decimals (the value's own precision)
INDICATORS = {
    "新規創業者数": ("件", 5, 120, 0), "観光入込客数": ("千人", 200, 4000, 0), "企業誘致件数": ("件", 1, 30, 0),
    "農産物直売所の売上額": ("百万円", 50, 900, 0), "空き店舗の活用件数": ("件", 2, 60, 0),
    "認定農業者数": ("人", 40, 600, 0), "ふるさと納税の寄附件数": ("件", 300, 20000, 0),
    "移住相談件数": ("件", 20, 500, 0), "商店街イベントの参加者数": ("人", 500, 30000, 0),
    "6次産業化の取組件数": ("件", 1, 40, 0), "耕作放棄地の解消面積": ("ha", 2, 90, 1),
    "市内宿泊者数": ("千人", 50, 900, 0), "就職支援セミナーの参加者数": ("人", 20, 900, 0),
    "市内企業の求人充足率": ("%", 20, 90, 1), "創業支援による雇用者数": ("人", 5, 300, 0),
    "体験型観光プログラムの参加者数": ("人", 100, 8000, 0),
}

# grade schemes: labels from best to worst, lower bounds of the achievement bands (percent)
SCHEMES = {
    "ABCD": (("A", "B", "C", "D"), (100, 80, 50, 0)),
    "symbols": (("◎", "○", "△", "×"), (100, 80, 50, 0)),
    "words": (("達成", "概ね達成", "未達成"), (100, 80, 0)),
}
BAND_MEANINGS = {  # words a legend prints before the band
    "ABCD": ("目標を達成", "概ね順調", "やや遅れ", "遅れ"),
    "symbols": ("目標を達成", "概ね達成", "やや遅れ", "遅れ"),
    "words": ("目標を達成した", "目標を概ね達成した", "目標を達成できなかった"),
}
COUNT_NOUNS = ["施策", "事業", "事務事業", "指標", "項目"]
BOUNDARY_MARGIN = Decimal("0.8")  # no drawn ratio lies this close (points) to a band boundary


def round_half_up(x: Decimal, decimals: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


# --- years ----------------------------------------------------------------------------------------

YEAR_STYLES = ["era", "R", "R0", "west", "west_era", "era_west", "west_paren"]


def _era(y: int) -> tuple[str, str, int]:
    """(era name, initial, year in the era) for a fiscal year: 2019 is 令和元年度, 2018 平成30年度."""
    return ("令和", "R", y - 2018) if y >= 2019 else ("平成", "H", y - 1988)


def year_label(y: int, style: str) -> str:
    """How a fiscal year is printed: 令和5年度, R5, R05年度, 2023年度, 2023 (R5), 令和5(2023)年度, 2023年度(令和5年度)."""
    era, initial, n = _era(y)
    kanji = "元" if n == 1 else str(n)
    return {
        "era": f"{era}{kanji}年度",
        "R": f"{initial}{n}",
        "R0": f"{initial}{n:02d}年度",
        "west": f"{y}年度",
        "west_era": f"{y} ({initial}{n})",
        "era_west": f"{era}{kanji}({y})年度",
        "west_paren": f"{y}年度({era}{kanji}年度)",
    }[style]


def period_label(start: int, end: int) -> str:
    """The plan's period as a prefix: 「H23-27」, 「R3-7」."""
    _e, i, a = _era(start)
    _e2, i2, b = _era(end)
    return f"{i}{a}-{b}" if i == i2 else f"{i}{a}-{i2}{b}"


# --- the facts ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class YearValue:
    year: int
    target: Decimal
    actual: Decimal
    rate: Decimal  # actual / target × 100, rounded to the report's printed precision
    grade: str  # from the exact ratio and the legend's bands


@dataclass(frozen=True)
class Indicator:
    name: str
    unit: str
    decimals: int
    baseline_year: int
    baseline: Decimal
    years: tuple[YearValue, ...]  # consecutive, the last is the report's fiscal year
    final_year: int  # the plan's last year, with a target only
    final_target: Decimal


@dataclass(frozen=True)
class CountLine:
    scope: str  # what is counted: 施策評価の結果, うち重点施策
    noun: str  # 施策, 事業, 指標 …
    labels: tuple[str, ...]
    counts: tuple[int, ...]
    share_decimals: int

    @property
    def total(self) -> int:
        return sum(self.counts)

    def shares(self) -> tuple[Decimal, ...]:
        t = Decimal(self.total)
        return tuple(round_half_up(Decimal(c) * 100 / t, self.share_decimals) for c in self.counts)


@dataclass(frozen=True)
class Legend:
    scheme: str
    rate_word: str

    @property
    def labels(self) -> tuple[str, ...]:
        return SCHEMES[self.scheme][0]

    def bands(self) -> list[str]:
        """「達成率100%以上」「達成率80%以上100%未満」 … 「達成率50%未満」, best first."""
        lows = SCHEMES[self.scheme][1]
        out = []
        for i, lo in enumerate(lows):
            hi = lows[i - 1] if i else None
            if hi is None:
                out.append(f"{self.rate_word}{lo}%以上")
            elif lo == 0:
                out.append(f"{self.rate_word}{hi}%未満")
            else:
                out.append(f"{self.rate_word}{lo}%以上{hi}%未満")
        return out

    def meanings(self) -> tuple[str, ...]:
        return BAND_MEANINGS[self.scheme]


@dataclass(frozen=True)
class Words:
    """The lexicon words one report uses (a report is consistent with itself)."""

    target: str
    final_target: str
    actual: str
    baseline: str
    rate: str
    grade: str
    prefix: str  # before target/actual in some layouts: 前期, 今年度, H23-27, or ""
    marks: bool  # 目標値(A) 実績値(B) 達成率(B/A)
    name_header: str
    year_style: str
    thousands: bool  # 1,234 or 1234
    pct_in_header: bool  # 達成率(%) over bare numbers, or 達成率 over 「104.3%」


@dataclass(frozen=True)
class Report:
    government: str
    plan: str
    kind: str
    fiscal_year: int
    period: tuple[int, int]
    indicators: tuple[Indicator, ...]
    count_lines: tuple[CountLine, ...]  # the first covers everything, a second one 「うち重点」
    legend: Legend
    words: Words
    rate_decimals: int

    @property
    def title(self) -> str:
        return f"{self.words_year(self.fiscal_year)} {self.plan} {self.kind}"

    def words_year(self, y: int) -> str:
        return year_label(y, self.words.year_style)

    def grade_of(self, ratio: Decimal) -> str:
        labels, lows = SCHEMES[self.legend.scheme]
        return next(lab for lab, lo in zip(labels, lows) if ratio >= lo)


@dataclass(frozen=True)
class Style:
    """Choices a renderer makes that do not change the facts."""

    fmt: str  # "md", "tsv", "text"
    unit_in: str  # "column", "header", "value"
    repeat_name: bool  # the indicator's name on every one of its rows, or only the first
    role_cell: str  # how a role and a year share a cell: "YR" 「R5目標」, "Y(R)" 「2023年度(実績)」, "R(Y)" 「目標(R5)」
    label_suffix: bool  # 「A評価」 for 「A」 in count tables and prose
    with_rate: bool
    with_grade: bool
    with_baseline: bool
    with_final: bool
    bullet: str  # ・ ● ○ - ■
    alt: bool  # a renderer's second wording (legend: 「A＝達成率100%以上」 or 「A　目標を達成(達成率100%以上)」 …)


# --- drawing facts with hypothesis ----------------------------------------------------------------

def _value(draw, lo: int, hi: int, decimals: int) -> Decimal:
    scale = 10 ** decimals
    return Decimal(draw(st.integers(lo * scale, hi * scale))).scaleb(-decimals)


def _actual_for(target: Decimal, ratio_pct: int, decimals: int) -> Decimal:
    """An actual about ratio_pct % of the target, at the value's precision, its ratio clear of every
    band boundary (a boundary case is a legend-reading question, not a layout one) and ≠ the target:
    moved one step at a time in one direction (down inside [50, 100), else up) until it is clear."""
    step = Decimal(1).scaleb(-decimals)
    actual = max(step, round_half_up(target * ratio_pct / 100, decimals))
    direction = -step if 50 <= ratio_pct < 100 else step
    while True:
        r = actual / target * 100
        if actual != target and all(abs(r - b) >= BOUNDARY_MARGIN for b in (50, 80, 100)):
            return actual
        if actual + direction < step:
            direction = step
        actual += direction


@st.composite
def indicators(draw, name: str, years: list[int], baseline_year: int, final_year: int, scheme: str,
               rate_decimals: int) -> Indicator:
    unit, lo, hi, dec = INDICATORS[name]
    baseline = _value(draw, lo, hi, dec)
    target = baseline
    values = []
    for y in years:
        step = draw(st.integers(1, 12))  # the target rises a few percent a year
        target = max(round_half_up(target * (100 + step) / 100, dec), target + Decimal(1).scaleb(-dec))
        ratio_pct = draw(st.sampled_from([35, 62, 70, 86, 93, 97, 104, 112, 126]) | st.integers(30, 140))
        actual = _actual_for(target, ratio_pct, dec)
        exact = actual / target * 100
        labels, lows = SCHEMES[scheme]
        grade = next(lab for lab, low in zip(labels, lows) if exact >= low)
        values.append(YearValue(y, target, actual, round_half_up(exact, rate_decimals), grade))
    final_target = round_half_up(target * Decimal("1.1"), dec) + Decimal(1).scaleb(-dec)
    return Indicator(name, unit, dec, baseline_year, baseline, tuple(values), final_year, final_target)


@st.composite
def count_lines(draw, labels: tuple[str, ...], noun: str) -> tuple[CountLine, ...]:
    counts = tuple(draw(st.lists(st.integers(0, 40), min_size=len(labels), max_size=len(labels))
                        .filter(lambda cs: sum(cs) >= 2 and sum(1 for c in cs if c) >= 2)))
    decimals = draw(st.sampled_from([1, 1, 0]))
    main = CountLine(f"{noun}の評価結果", noun, labels, counts, decimals)
    if not draw(st.booleans()):
        return (main,)
    sub = tuple(draw(st.integers(0, c)) for c in counts)
    if sum(sub) == 0:
        return (main,)
    return main, CountLine(f"うち重点{noun}", noun, labels, sub, decimals)


@st.composite
def reports(draw) -> Report:
    fy = draw(st.integers(2014, 2025))
    n_years = draw(st.integers(1, 3))
    start = fy - n_years + 1 - draw(st.integers(0, 1))
    period = (start, start + 4 if start + 4 > fy else fy + 1)
    years = list(range(fy - n_years + 1, fy + 1))
    scheme = draw(st.sampled_from(list(SCHEMES)))
    rate_decimals = draw(st.sampled_from([1, 1, 0]))
    names = draw(st.lists(st.sampled_from(list(INDICATORS)), min_size=1, max_size=3, unique=True))
    inds = tuple(draw(indicators(n, years, start - 1, period[1], scheme, rate_decimals)) for n in names)
    gov = draw(st.sampled_from(GOVERNMENTS))
    plan = draw(st.sampled_from(PLAN_PATTERNS)).format(n=draw(st.integers(2, 6)), gov=gov)
    prefix = draw(st.sampled_from(ROLE_PREFIXES))
    if prefix == "PERIOD":
        prefix = period_label(*period)
    year_style = draw(st.sampled_from(YEAR_STYLES))
    if year_style in ("R", "R0") and fy >= 2019 and start < 2019:
        year_style = draw(st.sampled_from(["era", "west", "west_era"]))  # H30, R1 in one table is fine, but rare
    words = Words(
        target=draw(st.sampled_from(TARGET_WORDS)), final_target=draw(st.sampled_from(FINAL_TARGET_WORDS)),
        actual=draw(st.sampled_from(ACTUAL_WORDS)), baseline=draw(st.sampled_from(BASELINE_WORDS)),
        rate=draw(st.sampled_from(RATE_WORDS)), grade=draw(st.sampled_from(GRADE_WORDS)), prefix=prefix,
        marks=draw(st.booleans()), name_header=draw(st.sampled_from(NAME_HEADERS)), year_style=year_style,
        thousands=draw(st.booleans()), pct_in_header=draw(st.booleans()),
    )
    legend = Legend(scheme, words.rate)
    lines = draw(count_lines(SCHEMES[scheme][0], draw(st.sampled_from(COUNT_NOUNS))))
    return Report(gov, plan, draw(st.sampled_from(REPORT_KINDS)), fy, period, inds, lines, legend, words,
                  rate_decimals)


@st.composite
def styles(draw) -> Style:
    return Style(
        fmt=draw(st.sampled_from(["md", "md", "tsv"])), unit_in=draw(st.sampled_from(["column", "header", "value"])),
        repeat_name=draw(st.booleans()), role_cell=draw(st.sampled_from(["YR", "Y(R)", "R(Y)"])),
        label_suffix=draw(st.booleans()), with_rate=draw(st.booleans()), with_grade=draw(st.booleans()),
        with_baseline=draw(st.booleans()), with_final=draw(st.booleans()),
        bullet=draw(st.sampled_from(["・", "●", "○", "-", "■"])), alt=draw(st.booleans()),
    )


@functools.lru_cache(maxsize=None)
def examples(n: int, salt: int = 0) -> tuple[tuple[Report, Style], ...]:
    """n (report, style) pairs, the same on every run (derandomized, no database, no shrinking)."""
    out: list[tuple[Report, Style]] = []

    @seed(20261208 + salt)
    @settings(derandomize=True, database=None, max_examples=n, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(reports(), styles())
    def collect(report, style):
        out.append((report, style))

    with _no_local_constants():
        collect()
    return tuple(out[:n])


@contextlib.contextmanager
def _no_local_constants():
    """hypothesis mixes in constants found in the source of every local module loaded so far, so the
    same derandomized test draws other examples inside a full pytest run than alone. The layouts are
    drawn without them: the same documents whatever was imported before (hypothesis is pinned in
    constraints.txt; if its internals move, this does nothing and the draws are merely less stable)."""
    try:
        from hypothesis.internal.conjecture import providers
        empty = type(providers._local_constants)()
        original = providers._get_local_constants
    except (ImportError, AttributeError, TypeError):  # pragma: no cover - other hypothesis versions
        yield
        return
    providers._get_local_constants = lambda: empty
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = original
        providers.CONSTANTS_CACHE.cache.clear()


# --- printing numbers and labels ------------------------------------------------------------------

def num(x: Decimal, words: Words) -> str:
    s = f"{x:f}"
    if words.thousands and abs(x) >= 1000:
        whole, _, frac = s.partition(".")
        s = f"{int(whole):,}" + (f".{frac}" if frac else "")
    return s


def value_cell(x: Decimal, ind: Indicator, report: Report, style: Style) -> str:
    return num(x, report.words) + (ind.unit if style.unit_in == "value" else "")


def rate_cell(yv: YearValue, with_pct: bool = True) -> str:
    return f"{yv.rate:f}" + ("%" if with_pct else "")


def name_cell(ind: Indicator, style: Style) -> str:
    return f"{ind.name}({ind.unit})" if style.unit_in == "header" else ind.name


def role(word: str, report: Report, mark: str = "", prefixed: bool = False) -> str:
    w = report.words
    return (w.prefix if prefixed else "") + word + (f"({mark})" if w.marks and mark else "")


def role_year(word: str, y: int, report: Report, style: Style) -> str:
    """A role and a year in one header cell: 「R5目標」「令和5年度実績値」「2023年度(実績)」「目標(R5)」."""
    yl = report.words_year(y)
    return {"YR": f"{yl}{word}", "Y(R)": f"{yl}({word})", "R(Y)": f"{word}({yl})"}[style.role_cell]


def rate_header(report: Report, marked: bool = True) -> str:
    """達成率(B/A) beside roles marked (A)/(B); 達成率(%) when the cells print no 「%」 (`pct_in_header`)."""
    w = report.words
    return w.rate + ("(B/A)" if w.marks and marked else "(%)" if w.pct_in_header else "")


def rate_in_table(yv: YearValue, report: Report, marked: bool = True) -> str:
    """A rate cell of a table whose header says 達成率(%) prints the number alone."""
    return rate_cell(yv, not rate_header(report, marked).endswith("(%)"))


def final_header(report: Report, y: int) -> str:
    """最終目標(R7) — or 令和7(2025)年度最終目標 when the year label has its own brackets."""
    yl = report.words_year(y)
    return f"{yl}{report.words.final_target}" if "(" in yl else f"{report.words.final_target}({yl})"


def count_label(label: str, report: Report, style: Style) -> str:
    if style.label_suffix and report.legend.scheme == "ABCD":
        return f"{label}評価"
    return label


# --- tables ----------------------------------------------------------------------------------------

def table(rows: list[list[str]], fmt: str) -> str:
    """A table as Markdown (first row the header) or TSV."""
    if fmt == "tsv":
        return "\n".join("\t".join(r) for r in rows)
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(out)


def heading(text: str, fmt: str, level: int = 2) -> str:
    return ("#" * level + " " + text) if fmt == "md" else text


def preamble(report: Report, fmt: str) -> list[str]:
    """Title, issuer and one sentence, as the first lines of every rendering."""
    fy = report.words_year(report.fiscal_year)
    return [heading(report.title, fmt, 1), "", f"{report.government} 企画政策課", "",
            f"{report.plan}に基づく{fy}の取組について、成果指標の実績をもとに評価を行いました。", ""]


# --- facts a rendering carries ----------------------------------------------------------------------

@dataclass(frozen=True)
class ValueFact:
    indicator: str
    unit: str
    year: int
    target: Decimal | None
    actual: Decimal | None


@dataclass
class Expected:
    values: list[ValueFact] = field(default_factory=list)
    count_lines: list[CountLine] = field(default_factory=list)
    partial_counts: list[tuple[str, int, int]] = field(default_factory=list)  # (label, count, total)
    legend: Legend | None = None
    # values that may come back without being asked for: baselines (year, value)
    allowed_extra: list[tuple[int, Decimal, str]] = field(default_factory=list)

    def n_facts(self) -> int:
        return len(self.values) + len(self.count_lines) + len(self.partial_counts) + (self.legend is not None)


@dataclass
class Rendering:
    family: str
    text: str
    suffix: str  # .md or .txt
    expected: Expected
    report: Report
    consistent: bool = True  # False: a printed number was made wrong on purpose
    style: Style | None = None


def _yearly_facts(report: Report, exp: Expected, style: Style, *, years=None, final: bool | None = None) -> None:
    for ind in report.indicators:
        for yv in ind.years:
            if years is None or yv.year in years:
                exp.values.append(ValueFact(ind.name, ind.unit, yv.year, yv.target, yv.actual))
        if final if final is not None else style.with_final:
            exp.values.append(ValueFact(ind.name, ind.unit, ind.final_year, ind.final_target, None))
        exp.allowed_extra.append((ind.baseline_year, ind.baseline, ind.unit))


# --- renderers: indicator values -------------------------------------------------------------------

def _doc(report: Report, fmt: str, body: list[str]) -> str:
    return "\n".join(preamble(report, fmt) + body) + "\n"


def _unit_col(style: Style) -> bool:
    return style.unit_in == "column"


def r_years_cols_role_rows(report: Report, style: Style) -> Rendering:
    """Years as columns, one row per role: 指標名 | 単位 | 区分 | R3 | R4 | R5 | 達成率 | 評価, rows 目標 / 実績."""
    w, years = report.words, [yv.year for yv in report.indicators[0].years]
    head = [w.name_header] + (["単位"] if _unit_col(style) else []) + ["区分"] + [report.words_year(y) for y in years]
    if style.with_final:
        head.append(final_header(report, report.indicators[0].final_year))
    head += ([rate_header(report)] if style.with_rate else []) + ([w.grade] if style.with_grade else [])
    rows = [head]
    for ind in report.indicators:
        last = ind.years[-1]
        for k, (word, mark, attr) in enumerate([(w.target, "A", "target"), (w.actual, "B", "actual")]):
            name = name_cell(ind, style) if (k == 0 or style.repeat_name) else ""
            r = [name] + ([ind.unit if (k == 0 or style.repeat_name) else ""] if _unit_col(style) else [])
            r.append(role(word, report, mark))
            r += [value_cell(getattr(yv, attr), ind, report, style) for yv in ind.years]
            if style.with_final:
                r.append(value_cell(ind.final_target, ind, report, style) if k == 0 else "")
            if style.with_rate:
                r.append(rate_in_table(last, report) if k == 1 else "")
            if style.with_grade:
                r.append(last.grade if k == 1 else "")
            rows.append(r)
    exp = Expected()
    _yearly_facts(report, exp, style)
    return Rendering("", _doc(report, style.fmt, [heading("成果指標の状況", style.fmt), "", table(rows, style.fmt)]),
                     ".md" if style.fmt == "md" else ".txt", exp, report)


def r_roles_cols_year_rows(report: Report, style: Style) -> Rendering:
    """Roles as columns, years as rows: 指標 | 年度 | 目標値 | 実績値 | 達成率 | 評価 (a rate and grade every year)."""
    w = report.words
    period = w.prefix != "今年度"  # 前期目標, H23-27計画値 over yearly rows; 今年度 would contradict them
    head = [w.name_header] + (["単位"] if _unit_col(style) else []) + ["年度",
            role(w.target, report, "A", period), role(w.actual, report, "B", period)]
    head += ([rate_header(report)] if style.with_rate else []) + ([w.grade] if style.with_grade else [])
    rows = [head]
    for ind in report.indicators:
        for k, yv in enumerate(ind.years):
            first = k == 0 or style.repeat_name
            r = [name_cell(ind, style) if first else ""] + ([ind.unit if first else ""] if _unit_col(style) else [])
            r += [report.words_year(yv.year), value_cell(yv.target, ind, report, style),
                  value_cell(yv.actual, ind, report, style)]
            r += ([rate_in_table(yv, report)] if style.with_rate else []) + ([yv.grade] if style.with_grade else [])
            rows.append(r)
    exp = Expected()
    _yearly_facts(report, exp, style, final=False)
    return Rendering("", _doc(report, style.fmt, [heading("指標の推移", style.fmt), "", table(rows, style.fmt)]),
                     ".md" if style.fmt == "md" else ".txt", exp, report)


def _role_year_head(report: Report, style: Style) -> list[str]:
    w, ind0 = report.words, report.indicators[0]
    head = [w.name_header] + (["単位"] if _unit_col(style) else [])
    if style.with_baseline:
        head.append(f"{w.baseline}({report.words_year(ind0.baseline_year)})")
    for yv in ind0.years:
        head += [role_year(w.target, yv.year, report, style), role_year(w.actual, yv.year, report, style)]
    if style.with_final:
        head.append(final_header(report, ind0.final_year))
    return head + ([rate_header(report, marked=False)] if style.with_rate else []) + ([w.grade] if style.with_grade else [])


def _role_year_row(ind: Indicator, report: Report, style: Style, rate: str | None = None) -> list[str]:
    r = [name_cell(ind, style)] + ([ind.unit] if _unit_col(style) else [])
    if style.with_baseline:
        r.append(value_cell(ind.baseline, ind, report, style))
    for yv in ind.years:
        r += [value_cell(yv.target, ind, report, style), value_cell(yv.actual, ind, report, style)]
    if style.with_final:
        r.append(value_cell(ind.final_target, ind, report, style))
    last = ind.years[-1]
    if style.with_rate:
        r.append(rate if rate is not None else rate_in_table(last, report, marked=False))
    return r + ([last.grade] if style.with_grade else [])


def r_role_year_in_cell(report: Report, style: Style) -> Rendering:
    """Role and year in one header cell: 基準値(R1) | R3目標 | R3実績 | 令和4年度目標値 | … | 2023年度(実績)."""
    rows = [_role_year_head(report, style)] + [_role_year_row(i, report, style) for i in report.indicators]
    exp = Expected()
    _yearly_facts(report, exp, style)
    return Rendering("", _doc(report, style.fmt, [heading("成果指標", style.fmt), "", table(rows, style.fmt)]),
                     ".md" if style.fmt == "md" else ".txt", exp, report)


def r_two_row_header(report: Report, style: Style) -> Rendering:
    """Roles and years stacked over two header rows: years over roles (令和4年度 | (blank) / 目標 | 実績),
    or (alt) roles over years (目標 | (blank) | 実績 | (blank) / R3 | R4 | R3 | R4)."""
    w, ind0 = report.words, report.indicators[0]
    top = [w.name_header] + (["単位"] if _unit_col(style) else [])
    sub = ["" for _ in top]
    if style.alt:
        for word, mark in ((w.target, "A"), (w.actual, "B")):
            top += [role(word, report, mark)] + [""] * (len(ind0.years) - 1)
            sub += [report.words_year(yv.year) for yv in ind0.years]
    else:
        for yv in ind0.years:
            top += [report.words_year(yv.year), ""]
            sub += [role(w.target, report, "A"), role(w.actual, report, "B")]
    if style.with_rate:
        top.append(rate_header(report)), sub.append("")
    if style.with_grade:
        top.append(w.grade), sub.append("")
    rows = [top, sub]
    for ind in report.indicators:
        r = [name_cell(ind, style)] + ([ind.unit] if _unit_col(style) else [])
        if style.alt:
            r += [value_cell(yv.target, ind, report, style) for yv in ind.years]
            r += [value_cell(yv.actual, ind, report, style) for yv in ind.years]
        else:
            for yv in ind.years:
                r += [value_cell(yv.target, ind, report, style), value_cell(yv.actual, ind, report, style)]
        last = ind.years[-1]
        r += ([rate_in_table(last, report)] if style.with_rate else []) + ([last.grade] if style.with_grade else [])
        rows.append(r)
    exp = Expected()
    _yearly_facts(report, exp, style, final=False)
    return Rendering("", _doc(report, style.fmt, [heading("数値目標の達成状況", style.fmt), "", table(rows, style.fmt)]),
                     ".md" if style.fmt == "md" else ".txt", exp, report)


def r_kv_sheet(report: Report, style: Style) -> Rendering:
    """A key–value sheet per indicator (指標名 | …, 単位 | …) above a small grid: rows 数値 / 時点 × columns
    基準値 | 目標値 | 実績値 | 達成率 — the evaluation year only, as 事務事業評価シート print it."""
    w, fmt = report.words, style.fmt
    body, exp = [], Expected()
    for k, ind in enumerate(report.indicators, 1):
        last = ind.years[-1]
        body += [heading(f"{k} 指標の状況", fmt, 3), "",
                 table([["項目", "内容"], [w.name_header, ind.name], ["単位", ind.unit]], fmt), ""]
        head = ["", w.baseline, role(w.target, report, "A", True), role(w.actual, report, "B", True)] + (
            [rate_header(report)] if style.with_rate else [])
        nums = ["数値", num(ind.baseline, w), num(last.target, w), num(last.actual, w)] + (
            [rate_cell(last)] if style.with_rate else [])
        when = ["時点", report.words_year(ind.baseline_year), report.words_year(last.year),
                report.words_year(last.year)] + ([report.words_year(last.year)] if style.with_rate else [])
        body += [table([head, nums, when], fmt), ""]
        if style.with_grade:
            body += [f"{w.grade}：{last.grade}", ""]
        exp.values.append(ValueFact(ind.name, ind.unit, last.year, last.target, last.actual))
        exp.allowed_extra.append((ind.baseline_year, ind.baseline, ind.unit))
    return Rendering("", _doc(report, fmt, body), ".md" if fmt == "md" else ".txt", exp, report)


def r_stacked_rows(report: Report, style: Style) -> Rendering:
    """Two numbers per cell position, told apart by a note: 「上段：目標値　下段：実績値」."""
    w, fmt, ind0 = report.words, style.fmt, report.indicators[0]
    head = [w.name_header] + (["単位"] if _unit_col(style) else []) + [report.words_year(yv.year) for yv in ind0.years]
    rows = [head]
    for ind in report.indicators:
        for k, attr in enumerate(("target", "actual")):
            first = k == 0 or style.repeat_name
            rows.append([name_cell(ind, style) if first else ""] + ([ind.unit if first else ""] if _unit_col(style) else [])
                        + [value_cell(getattr(yv, attr), ind, report, style) for yv in ind.years])
    note = f"※上段：{role(w.target, report)}、下段：{role(w.actual, report)}"
    exp = Expected()
    _yearly_facts(report, exp, style, final=False)
    return Rendering("", _doc(report, fmt, [heading("成果指標の推移", fmt), "", note, "", table(rows, fmt)]),
                     ".md" if fmt == "md" else ".txt", exp, report)


def r_tsv_kv_above_table(report: Report, style: Style) -> Rendering:
    """TSV: key–value lines (施策名, 担当課, 評価年度) right above the indicator table, no blank line between."""
    rows = [_role_year_head(report, style)] + [_role_year_row(i, report, style) for i in report.indicators]
    kv = [f"施策名\t{report.indicators[0].name}の向上", "担当課\t産業振興課",
          f"評価年度\t{report.words_year(report.fiscal_year)}"]
    exp = Expected()
    _yearly_facts(report, exp, style)
    return Rendering("", _doc(report, "tsv", kv + [table(rows, "tsv")]), ".txt", exp, report)


def r_cell_per_line(report: Report, style: Style) -> Rendering:
    """Text that lost its table: every cell on its own line, the header first, then each row's cells."""
    rows = [_role_year_head(report, style)] + [_role_year_row(i, report, style) for i in report.indicators]
    lines = [c for r in rows for c in r if c != ""]
    exp = Expected()
    _yearly_facts(report, exp, style)
    return Rendering("", _doc(report, "text", ["成果指標の状況", ""] + lines), ".txt", exp, report)


def r_row_on_one_line(report: Report, style: Style) -> Rendering:
    """Text that lost its table borders: each row on one line, cells separated by spaces."""
    rows = [_role_year_head(report, style)] + [_role_year_row(i, report, style) for i in report.indicators]
    lines = ["  ".join(c if c else "-" for c in r).replace(" (", "(") for r in rows]
    exp = Expected()
    _yearly_facts(report, exp, style)
    return Rendering("", _doc(report, "text", ["成果指標の状況", ""] + lines), ".txt", exp, report)


def r_kpi_arrow(report: Report, style: Style) -> Rendering:
    """Inline KPI lines: 「・新規創業者数：12件(令和元年度) → 20件(令和7年度)」 (baseline → the plan's target)."""
    w = report.words
    lines = [heading("重要業績評価指標(KPI)", style.fmt), ""]
    exp = Expected()
    for ind in report.indicators:
        b = f"{num(ind.baseline, w)}{ind.unit}({report.words_year(ind.baseline_year)})"
        t = f"{num(ind.final_target, w)}{ind.unit}({report.words_year(ind.final_year)})"
        lines.append(f"{style.bullet}{ind.name}：{b} → {t}")
        exp.values.append(ValueFact(ind.name, ind.unit, ind.final_year, ind.final_target, None))
        exp.allowed_extra.append((ind.baseline_year, ind.baseline, ind.unit))
    return Rendering("", _doc(report, "text", lines), ".md" if style.fmt == "md" else ".txt", exp, report)


def r_kpi_inline(report: Report, style: Style) -> Rendering:
    """Inline KPI results: 「令和5年度：目標15件 実績19件(達成率126.7%)」 under each indicator's name."""
    w = report.words
    lines = [heading("KPIの達成状況", style.fmt), ""]
    exp = Expected()
    for ind in report.indicators:
        lines.append(f"【{ind.name}】")
        for yv in ind.years:
            t, a = num(yv.target, w) + ind.unit, num(yv.actual, w) + ind.unit
            line = f"{style.bullet}{report.words_year(yv.year)}：{w.target}{t} {w.actual}{a}"
            if style.with_rate:
                line += f"({w.rate}{rate_cell(yv)})"
            if style.with_grade:
                line += f" {w.grade}{yv.grade}"
            lines.append(line)
        lines.append("")
    _yearly_facts(report, exp, style, final=False)
    return Rendering("", _doc(report, "text", lines), ".md" if style.fmt == "md" else ".txt", exp, report)


def r_kpi_sentence(report: Report, style: Style) -> Rendering:
    """Results in sentences: 「新規創業者数は、令和5年度の目標15件に対して実績は19件で、達成率は126.7%でした。」"""
    w = report.words
    lines = [heading("評価結果", style.fmt), ""]
    for ind in report.indicators:
        yv = ind.years[-1]
        lines += [f"{ind.name}は、{report.words_year(yv.year)}の{w.target}{num(yv.target, w)}{ind.unit}に対して"
                  f"{w.actual}は{num(yv.actual, w)}{ind.unit}で、{w.rate}は{rate_cell(yv)}でした。", ""]
    exp = Expected()
    for ind in report.indicators:
        yv = ind.years[-1]
        exp.values.append(ValueFact(ind.name, ind.unit, yv.year, yv.target, yv.actual))
        exp.allowed_extra.append((ind.baseline_year, ind.baseline, ind.unit))
    return Rendering("", _doc(report, "text", lines), ".md" if style.fmt == "md" else ".txt", exp, report)


def r_label_value_lines(report: Report, style: Style) -> Rendering:
    """Text that lost a key–value table: each header cell on its line, its value on the next, the header
    cycle repeating for every indicator (指標名 / name / 単位 / 件 / R3目標 / 15 / R3実績 / 14 …)."""
    head = _role_year_head(report, style)
    lines = ["成果指標の状況", ""]
    for ind in report.indicators:
        for h, v in zip(head, _role_year_row(ind, report, style)):
            lines += [h, v]
        lines.append("")
    exp = Expected()
    _yearly_facts(report, exp, style)
    return Rendering("", _doc(report, "text", lines), ".txt", exp, report)


_FULL_WIDTH = str.maketrans("0123456789.%()", "０１２３４５６７８９．％（）")


def r_fullwidth_digits(report: Report, style: Style) -> Rendering:
    """The role-and-year table with full-width digits, points and brackets (「Ｒ５目標」 aside, 「１２３」)."""
    r = r_role_year_in_cell(report, style)
    lines = r.text.splitlines()
    n = len(preamble(report, style.fmt))
    r.text = "\n".join(lines[:n] + [line.translate(_FULL_WIDTH) for line in lines[n:]]) + "\n"
    return r


# --- renderers: count lines -----------------------------------------------------------------------

def _count_header(line: CountLine, report: Report) -> tuple[str, str]:
    return report.words.grade, f"{line.noun}数"


def _pct(x: Decimal) -> str:
    return f"{x:f}%"


def r_count_table(report: Report, style: Style) -> Rendering:
    """Label × count: 評価 | 施策数 | 割合, one row per grade and a 合計 row; one table per count line."""
    fmt, body = style.fmt, []
    for line in report.count_lines:
        g, n = _count_header(line, report)
        rows = [[g, n, "割合"]] + [[count_label(lab, report, style), str(c), _pct(s)]
                                  for lab, c, s in zip(line.labels, line.counts, line.shares())]
        rows.append(["合計", str(line.total), "100%"])
        body += [heading(line.scope, fmt), "", table(rows, fmt), ""]
    return Rendering("", _doc(report, fmt, body), ".md" if fmt == "md" else ".txt",
                     Expected(count_lines=list(report.count_lines)), report)


def r_count_transposed(report: Report, style: Style) -> Rendering:
    """Grades as rows, count columns side by side: 評価 | 事業数 | うち重点, with a 合計 row (one summary
    per count column; 「…数」 is a column name, not the total)."""
    fmt = style.fmt
    lines = report.count_lines
    head = [report.words.grade, f"{lines[0].noun}数"] + (["うち重点"] if len(lines) > 1 else [])
    rows = [head]
    for i, lab in enumerate(lines[0].labels):
        rows.append([count_label(lab, report, style)] + [str(l.counts[i]) for l in lines])
    rows.append(["合計"] + [str(l.total) for l in lines])
    body = [heading("評価結果の内訳", fmt), "", table(rows, fmt), ""]
    return Rendering("", _doc(report, fmt, body), ".md" if fmt == "md" else ".txt",
                     Expected(count_lines=list(lines)), report)


def r_count_one_row(report: Report, style: Style) -> Rendering:
    """One label row and one count row: | A | B | C | D | 合計 | over | 12 | 10 | 8 | 0 | 30 |."""
    fmt, body = style.fmt, []
    for line in report.count_lines:
        rows = [[count_label(lab, report, style) for lab in line.labels] + ["合計"],
                [str(c) for c in line.counts] + [str(line.total)]]
        body += [f"{line.scope}(単位：{line.noun})", "", table(rows, fmt), ""]
    return Rendering("", _doc(report, fmt, body), ".md" if fmt == "md" else ".txt",
                     Expected(count_lines=list(report.count_lines)), report)


def r_count_share_paren(report: Report, style: Style) -> Rendering:
    """Counts with their shares in parentheses: | 評価 | 施策数(割合) | rows 「12(40.0%)」, 合計 row."""
    fmt, body = style.fmt, []
    for line in report.count_lines:
        rows = [[report.words.grade, f"{line.noun}数(割合)"]]
        rows += [[count_label(lab, report, style), f"{c}{line.noun}({_pct(s)})"]
                 for lab, c, s in zip(line.labels, line.counts, line.shares())]
        rows.append(["合計", f"{line.total}{line.noun}"])
        body += [heading(line.scope, fmt), "", table(rows, fmt), ""]
    return Rendering("", _doc(report, fmt, body), ".md" if fmt == "md" else ".txt",
                     Expected(count_lines=list(report.count_lines)), report)


def r_count_share_row(report: Report, style: Style) -> Rendering:
    """Labels as columns, counts on one row and shares on their own row: 事業数 | … / 割合(%) | …."""
    fmt, body = style.fmt, []
    for line in report.count_lines:
        rows = [["区分"] + [count_label(lab, report, style) for lab in line.labels] + ["合計"],
                [f"{line.noun}数"] + [str(c) for c in line.counts] + [str(line.total)],
                ["割合(%)"] + [f"{s:f}" for s in line.shares()] + ["100.0" if line.share_decimals else "100"]]
        body += [heading(line.scope, fmt), "", table(rows, fmt), ""]
    return Rendering("", _doc(report, fmt, body), ".md" if fmt == "md" else ".txt",
                     Expected(count_lines=list(report.count_lines)), report)


def r_count_prose(report: Report, style: Style) -> Rendering:
    """Counts in a sentence: 「評価対象30事業のうち、A評価が12事業(40.0%)、B評価が10事業(33.3%)、…でした。」"""
    fmt, body = style.fmt, []
    for line in report.count_lines:
        parts = []
        for lab, c, s in zip(line.labels, line.counts, line.shares()):
            shown = f"{lab}評価" if report.legend.scheme == "ABCD" else f"「{lab}」"
            parts.append(f"{shown}が{c}{line.noun}({_pct(s)})" if not style.alt else f"{shown}が{c}{line.noun}")
        who = "評価対象" if line is report.count_lines[0] else "重点"
        body += [f"{who}{line.total}{line.noun}のうち、" + "、".join(parts) + "となりました。", ""]
    return Rendering("", _doc(report, "text", [heading("評価結果の概要", fmt), ""] + body),
                     ".md" if fmt == "md" else ".txt", Expected(count_lines=list(report.count_lines)), report)


def r_count_prose_partial(report: Report, style: Style) -> Rendering:
    """A sentence that names one category only: 「30指標のうち、達成は12指標でした。」"""
    line = report.count_lines[0]
    lab, c = line.labels[0], line.counts[0]
    shown = {"ABCD": f"{lab}評価", "symbols": f"「{lab}」", "words": lab}[report.legend.scheme]
    text = f"{line.total}{line.noun}のうち、{shown}は{c}{line.noun}でした。"
    return Rendering("", _doc(report, "text", [heading("評価結果", style.fmt), "", text, ""]),
                     ".md" if style.fmt == "md" else ".txt", Expected(partial_counts=[(lab, c, line.total)]), report)


def r_count_symbol_line(report: Report, style: Style) -> Rendering:
    """A count line: 「30施策中 A 12 B 10 C 8 D 0」 / 「30事業中 ◎12 ○10 △8 ×0」."""
    body = []
    for line in report.count_lines:
        sep = "" if report.legend.scheme == "symbols" else " "
        items = " ".join(f"{lab}{sep}{c}" for lab, c in zip(line.labels, line.counts))
        body += [f"{line.scope}：{line.total}{line.noun}中 {items}", ""]
    return Rendering("", _doc(report, "text", body), ".md" if style.fmt == "md" else ".txt",
                     Expected(count_lines=list(report.count_lines)), report)


def r_count_cells_per_line(report: Report, style: Style) -> Rendering:
    """Text that lost its count table (or chart): label, count, share each on its own line, 合計 last —
    or (alt) each category on one line: 「A評価　12事業(40.0%)」."""
    body = []
    for line in report.count_lines:
        body += [line.scope]
        for lab, c, sh in zip(line.labels, line.counts, line.shares()):
            shown = count_label(lab, report, style)
            body += [f"{shown}　{c}{line.noun}({_pct(sh)})"] if style.alt else [shown, f"{c}{line.noun}", _pct(sh)]
        body += ([f"合計　{line.total}{line.noun}"] if style.alt else ["合計", f"{line.total}{line.noun}"]) + [""]
    return Rendering("", _doc(report, "text", body), ".txt", Expected(count_lines=list(report.count_lines)), report)


# --- renderers: legends ---------------------------------------------------------------------------

def r_legend_table(report: Report, style: Style) -> Rendering:
    """| 評価 | 基準 | one row per grade."""
    lg = report.legend
    rows = [[report.words.grade, "基準"]] + [[lab, f"{m}({b})" if style.alt else b]
                                             for lab, m, b in zip(lg.labels, lg.meanings(), lg.bands())]
    body = [heading("評価の基準", style.fmt), "", table(rows, style.fmt), ""]
    return Rendering("", _doc(report, style.fmt, body), ".md" if style.fmt == "md" else ".txt",
                     Expected(legend=lg), report)


def r_legend_bullets(report: Report, style: Style) -> Rendering:
    """・A＝達成率100%以上 / ●A 目標を達成(達成率100%以上)."""
    lg = report.legend
    if style.alt:
        items = [f"{style.bullet}{lab}＝{b}" for lab, b in zip(lg.labels, lg.bands())]
    else:
        items = [f"{style.bullet}{lab}　{m}({b})" for lab, m, b in zip(lg.labels, lg.meanings(), lg.bands())]
    body = [f"【{report.words.grade}の基準】"] + items + [""]
    return Rendering("", _doc(report, "text", body), ".md" if style.fmt == "md" else ".txt",
                     Expected(legend=lg), report)


def r_legend_sentence(report: Report, style: Style) -> Rendering:
    """One sentence: 「各指標の評価は、達成率100%以上を◎、…、達成率50%未満を×としました。」 or
    「◎(達成率100%以上)、○(…)、△(…)、×(達成率50%未満)の4段階で評価しました。」"""
    lg = report.legend
    if style.alt:
        parts = [f"{b}を{lab}" for lab, b in zip(lg.labels, lg.bands())]
        text = f"各指標の{report.words.grade}は、" + "、".join(parts) + "としました。"
    else:
        parts = [f"{lab}({b})" for lab, b in zip(lg.labels, lg.bands())]
        text = "、".join(parts) + f"の{len(parts)}段階で評価しました。"
    return Rendering("", _doc(report, "text", [text, ""]), ".md" if style.fmt == "md" else ".txt",
                     Expected(legend=lg), report)


def r_legend_label_after(report: Report, style: Style) -> Rendering:
    """The label after its text, one per line: 「目標を達成(達成率100%以上)……A」."""
    lg = report.legend
    items = [f"{m}({b})　…　{lab}" for lab, m, b in zip(lg.labels, lg.meanings(), lg.bands())]
    body = [f"[{report.words.grade}の区分]"] + items + [""]
    return Rendering("", _doc(report, "text", body), ".md" if style.fmt == "md" else ".txt",
                     Expected(legend=lg), report)


# --- whole reports --------------------------------------------------------------------------------

def _body(r: Rendering) -> list[str]:
    """A rendering without its preamble, ending in one blank line."""
    lines = r.text.splitlines()[len(preamble(r.report, "md")):]
    while lines and not lines[-1]:
        lines.pop()
    return lines + [""]


def r_full_report(report: Report, style: Style) -> Rendering:
    """A whole report: legend table, indicator table with rate and grade (role and year in one cell),
    count table — as Markdown or TSV."""
    style = replace(style, with_rate=True, with_grade=True)
    parts = [r_legend_table(report, style), r_role_year_in_cell(report, style), r_count_table(report, style)]
    exp = Expected(legend=report.legend, count_lines=list(report.count_lines))
    exp.values, exp.allowed_extra = parts[1].expected.values, parts[1].expected.allowed_extra
    body = [line for p in parts for line in _body(p)]
    return Rendering("", _doc(report, style.fmt, body), ".md" if style.fmt == "md" else ".txt", exp, report)


def r_full_report_text(report: Report, style: Style) -> Rendering:
    """A whole report as plain text: legend in one sentence, KPI lines, counts in prose."""
    style = replace(style, with_rate=True, with_grade=True)
    parts = [r_legend_sentence(report, style), r_kpi_inline(report, style), r_count_prose(report, style)]
    exp = Expected(legend=report.legend, count_lines=list(report.count_lines))
    exp.values, exp.allowed_extra = parts[1].expected.values, parts[1].expected.allowed_extra
    body = [line for p in parts for line in _body(p)]
    return Rendering("", _doc(report, "text", body), ".txt", exp, report)


def with_scheme(report: Report, scheme: str) -> Report:
    """The same report graded with another legend (grades recomputed from actual/target; the count lines
    keep their counts when the schemes have as many labels, else are re-spread over the new labels)."""
    if scheme == report.legend.scheme:
        return report
    legend = replace(report.legend, scheme=scheme)
    rep = replace(report, legend=legend)
    labels = SCHEMES[scheme][0]

    def regrade(yv: YearValue) -> YearValue:
        ratio = yv.actual / yv.target * 100
        right = labels.index(rep.grade_of(ratio))
        if yv.grade != report.grade_of(ratio):  # a grade made wrong on purpose stays wrong, one band off
            right = right + 1 if right + 1 < len(labels) else right - 1
        return replace(yv, grade=labels[right])

    inds = tuple(replace(i, years=tuple(regrade(yv) for yv in i.years)) for i in report.indicators)
    lines = []
    for line in report.count_lines:
        counts = line.counts if len(line.counts) == len(labels) else tuple(
            sum(line.counts[k::len(labels)]) for k in range(len(labels)))
        lines.append(replace(line, labels=labels, counts=counts))
    return replace(rep, indicators=inds, count_lines=tuple(lines))


def r_graded_table(report: Report, style: Style) -> Rendering:
    """The audit's own ground: a legend table of letter grades, then a table whose roles are the plainest
    words (目標/実績) with a rate and a grade for the evaluation year — years, units and formats drawn.
    What goes wrong here is not a role word: it is reading, or the audit."""
    report = with_scheme(replace(report, words=replace(report.words, target="目標", actual="実績", marks=False)), "ABCD")
    style = replace(style, fmt="md" if style.fmt == "tsv" and not style.alt else style.fmt, with_rate=True,
                    with_grade=True)
    parts = [r_legend_table(report, style), r_role_year_in_cell(report, style)]
    exp = Expected(legend=report.legend)
    exp.values, exp.allowed_extra = parts[1].expected.values, parts[1].expected.allowed_extra
    body = [line for p in parts for line in _body(p)]
    return Rendering("", _doc(report, style.fmt, body), ".md" if style.fmt == "md" else ".txt", exp, report)


FAMILIES: dict[str, Callable[[Report, Style], Rendering]] = {
    # indicator values
    "years_cols_role_rows": r_years_cols_role_rows,
    "roles_cols_year_rows": r_roles_cols_year_rows,
    "role_year_in_cell": r_role_year_in_cell,
    "two_row_header": r_two_row_header,
    "kv_sheet": r_kv_sheet,
    "stacked_rows": r_stacked_rows,
    "tsv_kv_above_table": r_tsv_kv_above_table,
    "cell_per_line": r_cell_per_line,
    "row_on_one_line": r_row_on_one_line,
    "label_value_lines": r_label_value_lines,
    "fullwidth_digits": r_fullwidth_digits,
    "kpi_arrow": r_kpi_arrow,
    "kpi_inline": r_kpi_inline,
    "kpi_sentence": r_kpi_sentence,
    # count lines
    "count_table": r_count_table,
    "count_transposed": r_count_transposed,
    "count_one_row": r_count_one_row,
    "count_share_paren": r_count_share_paren,
    "count_share_row": r_count_share_row,
    "count_prose": r_count_prose,
    "count_prose_partial": r_count_prose_partial,
    "count_symbol_line": r_count_symbol_line,
    "count_cells_per_line": r_count_cells_per_line,
    # legends
    "legend_table": r_legend_table,
    "legend_bullets": r_legend_bullets,
    "legend_sentence": r_legend_sentence,
    "legend_label_after": r_legend_label_after,
    # whole reports
    "graded_table": r_graded_table,
    "full_report": r_full_report,
    "full_report_text": r_full_report_text,
}


def render(family: str, report: Report, style: Style) -> Rendering:
    r = FAMILIES[family](report, style)
    r.family, r.style = family, style
    return r


def prints_rate(r: Rendering) -> bool:
    return r.style is not None and r.style.with_rate


# --- deliberately wrong numbers -------------------------------------------------------------------

WRONG_RATE_FAMILIES = ["role_year_in_cell", "roles_cols_year_rows", "years_cols_role_rows", "graded_table"]
WRONG_GRADE_FAMILIES = ["graded_table", "full_report", "full_report_text"]


def with_wrong_rate(report: Report) -> Report:
    """The same report with the first indicator's printed rate (evaluation year) 15 points off;
    grade, target and actual unchanged. Nothing else may make it add up."""
    ind = report.indicators[0]
    last = ind.years[-1]
    wrong = replace(last, rate=last.rate + Decimal(15))
    ind = replace(ind, years=ind.years[:-1] + (wrong,))
    return replace(report, indicators=(ind,) + report.indicators[1:])


with_wrong_rate.style = {"with_rate": True}  # the renderings print the rate


def with_wrong_grade(report: Report) -> Report:
    """The first indicator's grade (evaluation year) one band off: the legend says otherwise."""
    ind = report.indicators[0]
    last = ind.years[-1]
    labels = SCHEMES[report.legend.scheme][0]
    i = labels.index(last.grade)
    wrong = replace(last, grade=labels[i + 1] if i + 1 < len(labels) else labels[i - 1])
    ind = replace(ind, years=ind.years[:-1] + (wrong,))
    return replace(report, indicators=(ind,) + report.indicators[1:])


with_wrong_grade.style = {"with_grade": True}


# --- scoring a reading ----------------------------------------------------------------------------

def _f(x) -> float | None:
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _eq(a, b) -> bool:
    a, b = _f(a), _f(b)
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


SCALES = {"千": 1e3, "万": 1e4, "百万": 1e6, "千万": 1e7, "億": 1e8}


def _same_value(row_v, fact_v, unit: str) -> bool:
    """A value read back: as printed, or scaled out of its unit (291千人 → 291000 人; 63.3% → 0.633)."""
    if _eq(row_v, fact_v):
        return True
    r, f = _f(row_v), _f(fact_v)
    if r is None or f is None:
        return False
    if unit == "%":
        return math.isclose(r, f / 100, rel_tol=1e-9)
    scale = next((k for p, k in sorted(SCALES.items(), key=lambda i: -len(i[0])) if unit.startswith(p)), None)
    return scale is not None and math.isclose(r, f * scale, rel_tol=1e-9)


def _year(x) -> int | None:
    v = _f(x)
    return None if v is None else int(v)


@dataclass
class Score:
    family: str
    file: str
    expected: int = 0
    found: int = 0
    invented: int = 0
    inconsistent: int = 0  # `inconsistent` audit findings
    document_ok: bool = False  # the documents row names the government and the fiscal year
    document_what: str = ""
    missing: list[str] = field(default_factory=list)
    invented_what: list[str] = field(default_factory=list)
    inconsistent_what: list[str] = field(default_factory=list)
    read: bool = True

    def explain(self) -> str:
        parts = [f"{self.file}: found {self.found}/{self.expected}, invented {self.invented}, "
                 f"inconsistent {self.inconsistent}"]
        parts += [] if self.document_ok else [f"  document {self.document_what}"]
        parts += [f"  missing  {m}" for m in self.missing[:8]]
        parts += [f"  invented {m}" for m in self.invented_what[:8]]
        parts += [f"  audit    {m}" for m in self.inconsistent_what[:5]]
        return "\n".join(parts)


def _rows(frame, doc_id) -> list[dict]:
    if frame is None or frame.empty or "doc_id" not in frame.columns:
        return []
    return frame[frame["doc_id"] == doc_id].to_dict("records")


def _summaries(tables, doc_id) -> list[tuple[Counter, int | None, list[dict]]]:
    """Each count summary of the document: (non-zero category counts, total, its rows)."""
    counts = _rows(tables.get("summary_counts"), doc_id)
    out = []
    for s in _rows(tables.get("score_summaries"), doc_id):
        items = [c for c in counts if c.get("summary_key") == s.get("key")]
        cats = Counter(int(c["count"]) for c in items
                       if not c.get("is_total") and _f(c.get("count")) is not None and _f(c.get("count")) != 0)
        totals = [int(c["count"]) for c in items if c.get("is_total") and _f(c.get("count")) is not None]
        total = _f(s.get("total_items"))
        out.append((cats, int(total) if total is not None else (totals[0] if totals else None), items))
    return out


def score(rendering: Rendering, tables: dict, path: Path) -> Score:
    """What came back from one rendering: facts found, values invented, false `inconsistent` findings."""
    exp = rendering.expected
    sc = Score(rendering.family, path.name, expected=exp.n_facts())
    docs = tables.get("documents")
    mine = docs[docs["source_path"].map(lambda p: Path(p).name == path.name)] if docs is not None and not docs.empty else docs
    if mine is None or mine.empty:
        sc.read = False
        sc.missing.append("the file was not read at all")
        return sc
    doc_id = mine.iloc[0]["doc_id"]
    doc = mine.iloc[0]
    rep = rendering.report
    sc.document_ok = doc.get("municipality") == rep.government and _year(doc.get("fiscal_year")) == rep.fiscal_year
    sc.document_what = (f"municipality {doc.get('municipality')!r} (printed {rep.government!r}), fiscal year "
                        f"{_year(doc.get('fiscal_year'))} (printed {rep.words_year(rep.fiscal_year)!r} = {rep.fiscal_year})")
    values = _rows(tables.get("indicator_values"), doc_id)

    # indicator values: the fiscal year, the target and the actual the fact has
    for f in exp.values:
        hit = any(_year(v.get("fiscal_year")) == f.year
                  and (f.target is None or _same_value(v.get("target"), f.target, f.unit))
                  and (f.actual is None or _same_value(v.get("actual"), f.actual, f.unit))
                  for v in values)
        sc.found += hit
        if not hit:
            sc.missing.append(f"value {f.indicator} {f.year}: target {f.target} actual {f.actual}")

    # count lines: one summary with the same non-zero category counts (labels may be spelled otherwise)
    summaries = _summaries(tables, doc_id)
    for line in exp.count_lines:
        want = Counter(c for c in line.counts if c)
        hit = any(cats == want for cats, _t, _i in summaries)
        sc.found += hit
        if not hit:
            sc.missing.append(f"count line {line.scope}: {dict(zip(line.labels, line.counts))} total {line.total}")
    for lab, c, total in exp.partial_counts:
        hit = any(cats.get(c) and t == total for cats, t, _i in summaries)
        sc.found += hit
        if not hit:
            sc.missing.append(f"partial count {lab} {c} of {total}")

    # legend: one printed legend whose items name every label
    legends = _rows(tables.get("legends"), doc_id)
    by_no: dict = {}
    for row in legends:
        by_no.setdefault(row.get("legend_no"), []).append(f"{row.get('item_label') or ''} {row.get('item_text') or ''}")
    if exp.legend is not None:
        hit = any(all(lab in " ".join(texts) for lab in exp.legend.labels) for texts in by_no.values())
        sc.found += hit
        if not hit:
            sc.missing.append(f"legend {'/'.join(exp.legend.labels)}"
                              + (f" (legends read: {[t[:3] for t in by_no.values()]})" if by_no else ""))

    # invented: an indicator value no fact has (a number, or a number in the wrong year or role)
    for v in values:
        t, a, y = _f(v.get("target")), _f(v.get("actual")), _year(v.get("fiscal_year"))
        b = _f(v.get("baseline"))
        if t is None and a is None and b is None:
            continue
        ok = any((y is None or y == f.year) and (t is None or _same_value(t, f.target, f.unit))
                 and (a is None or _same_value(a, f.actual, f.unit)) and b is None and (t is not None or a is not None)
                 for f in exp.values)
        ok = ok or any((y is None or y == by) and t is None and all(x is None or _same_value(x, bv, u) for x in (a, b))
                       for by, bv, u in exp.allowed_extra)
        if not ok:
            sc.invented += 1
            sc.invented_what.append(f"value {v.get('indicator')!r} {v.get('fiscal_year_raw')!r} → {y}: "
                                    f"target {v.get('target_raw')!r} actual {v.get('actual_raw')!r}"
                                    + (f" baseline {v.get('baseline_raw')!r}" if b is not None else ""))
    # …a count summary that is no part of a fact's count line
    allowed = [Counter(c for c in l.counts if c) for l in exp.count_lines]
    allowed += [Counter({c: 1}) for _l, c, _t in exp.partial_counts]
    for cats, _t, items in summaries:
        if cats and not any(not (cats - a) for a in allowed):
            sc.invented += 1
            sc.invented_what.append("count summary " + ", ".join(f"{i.get('label_raw')}={i.get('count_raw')}"
                                                                 for i in items))
    # …a legend where none is printed, or more legends than printed
    extra = len(by_no) - (exp.legend is not None)
    if extra > 0:
        sc.invented += extra
        sc.invented_what.append(f"{extra} legend(s) more than printed: "
                                f"{[t[:3] for t in by_no.values()]}")

    findings = tables.get("audit_findings")
    for f in _rows(findings, doc_id):
        if f.get("status") == "inconsistent":
            sc.inconsistent += 1
            sc.inconsistent_what.append(f"{f.get('check')}: {f.get('message')}")
    return sc


# --- running a family -----------------------------------------------------------------------------

def renderings(family: str, n: int, salt: int = 0, transform: Callable[[Report], Report] | None = None) -> list[Rendering]:
    """The family's renderings of n drawn reports (identical texts once: hyoka reads a byte-identical
    copy once)."""
    out, seen = [], set()
    for report, style in examples(n, salt):
        if transform is not None:
            report = transform(report)
            style = replace(style, **getattr(transform, "style", {}))
        r = render(family, report, style)
        r.consistent = transform is None
        if r.text not in seen:
            seen.add(r.text)
            out.append(r)
    return out


def wrong_pairs(family: str, n: int, transform: Callable[[Report], Report], workdir: Path
                ) -> list[tuple[Rendering, Score, Score]]:
    """Each drawn report rendered twice, as printed and with `transform`'s wrong number, in the same style:
    (wrong rendering, score as printed, score with the wrong number). The wrong number is caught when the
    printed one has no `inconsistent` finding and the wrong one has."""
    pairs, seen = [], set()
    for report, style in examples(n):
        style = replace(style, **getattr(transform, "style", {}))
        ok, bad = render(family, report, style), render(family, transform(report), style)
        bad.consistent = False
        if bad.text != ok.text and bad.text not in seen:
            seen.add(bad.text)
            pairs.append((ok, bad))
    scores = read_and_score([r for pair in pairs for r in pair], workdir)
    return [(bad, scores[2 * i], scores[2 * i + 1]) for i, (_ok, bad) in enumerate(pairs)]


def caught(pair: tuple[Rendering, Score, Score]) -> bool:
    _bad, as_printed, wrong = pair
    return as_printed.inconsistent == 0 and wrong.inconsistent > 0


def read_and_score(rends: list[Rendering], workdir: Path) -> list[Score]:
    """Write the renderings to workdir, read them with hyoka in one call, score each."""
    import hyoka

    workdir.mkdir(parents=True, exist_ok=True)
    paths, by_text = [], {}  # a byte-identical copy would be read once: identical renderings share a file
    for i, r in enumerate(rends):
        if (r.text, r.suffix) not in by_text:
            p = workdir / f"{r.family}_{i:02d}{r.suffix}"
            p.write_text(r.text, encoding="utf-8")
            by_text[r.text, r.suffix] = p
        paths.append(by_text[r.text, r.suffix])
    ds = hyoka.read(list(by_text.values()))
    tables = dict(ds.tables)
    tables["audit_findings"] = hyoka.audit(ds)
    return [score(r, tables, p) for r, p in zip(rends, paths)]


LEXICON_FAMILIES = ["role_year_in_cell", "years_cols_role_rows", "roles_cols_year_rows"]
BASE_WORDS = dict(target="目標", actual="実績", baseline="基準値", rate="達成率", grade="評価", prefix="",
                  marks=False, year_style="era")


def lexicon_sweep(workdir: Path, families=LEXICON_FAMILIES) -> list[tuple[str, str, str, int, int, int, bool]]:
    """One word (or year spelling) at a time, the others held at 目標/実績/基準値/達成率/評価/令和N年度:
    (family, slot, word, expected, found, invented, unused) for every word of the lexicon (unused: the
    family does not print that slot, its rendering is the base one)."""
    (report, style), *_ = examples(1, salt=7)
    style = replace(style, fmt="md", unit_in="column", with_rate=True, with_grade=True, with_baseline=True,
                    with_final=False)
    base = replace(report.words, **BASE_WORDS)
    variants = [("base", "", base)]
    for slot, words in [("target", TARGET_WORDS), ("actual", ACTUAL_WORDS), ("baseline", BASELINE_WORDS),
                        ("rate", RATE_WORDS), ("grade", GRADE_WORDS), ("year_style", YEAR_STYLES)]:
        variants += [(slot, w, replace(base, **{slot: w})) for w in words if w != BASE_WORDS[slot]]
    variants += [("prefix", p, replace(base, prefix=p)) for p in ("前期", period_label(*report.period))]
    variants += [("marks", "(A)/(B)", replace(base, marks=True))]
    out = []
    for family in families:
        rends = []
        for _slot, _word, words in variants:
            r = render(family, replace(report, words=words), style)
            rends.append(r)
        scores = read_and_score(rends, workdir / f"lexicon_{family}")
        out += [(family, slot, word, s.expected - (r.expected.legend is not None), s.found, s.invented,
                 slot != "base" and r.text == rends[0].text)
                for (slot, word, _w), r, s in zip(variants, rends, scores)]
    return out


def main(argv: list[str]) -> int:
    if "--lexicon" in argv:
        with tempfile.TemporaryDirectory() as tmp:
            rows = lexicon_sweep(Path(tmp))
        print("lexicon sweep: one word at a time, the others 目標/実績/基準値/達成率/評価/令和N年度\n")
        families = list(dict.fromkeys(r[0] for r in rows))
        print(f"{'slot':10} {'word':18} " + " ".join(f"{f:>22}" for f in families))
        keys = list(dict.fromkeys((r[1], r[2]) for r in rows))
        for slot, word in keys:
            cells = []
            for f in families:
                e, fd, inv, unused = next(r[3:] for r in rows if r[0] == f and (r[1], r[2]) == (slot, word))
                cells.append("(not printed)" if unused else f"{fd}/{e}" + (f" +{inv} invented" if inv else ""))
            print(f"{slot:10} {word:18} " + " ".join(f"{c:>22}" for c in cells))
        print("\ncells: values found / expected (+ values invented)")
        return 0

    n = next((int(a) for a in argv[1:] if a.isdigit()), 8)
    print(f"layout invariance: {n} drawn reports per layout family (tests/layouts_gen.py)\n")
    head = (f"{'layout':24} {'files':>5} {'expected':>8} {'found':>6} {'invented':>8} {'false incons.':>13} "
            f"{'doc ok':>6}  result")
    print(head)
    print("-" * len(head))
    totals = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for family in FAMILIES:
            scores = read_and_score(renderings(family, n), Path(tmp) / family)
            e, f = sum(s.expected for s in scores), sum(s.found for s in scores)
            inv, inc = sum(s.invented for s in scores), sum(s.inconsistent for s in scores)
            ok = f == e and inv == 0 and inc == 0
            docs = sum(s.document_ok for s in scores)
            totals.update(expected=e, found=f, invented=inv, inconsistent=inc, passed=ok, families=1, docs=docs,
                          files=len(scores))
            print(f"{family:24} {len(scores):>5} {e:>8} {f:>6} {inv:>8} {inc:>13} {docs:>6}  {'pass' if ok else 'FAIL'}")
            if "-v" in argv and (not ok or docs < len(scores)):
                for s in scores:
                    if s.found < s.expected or s.invented or s.inconsistent or not s.document_ok:
                        print("    " + s.explain().replace("\n", "\n    "))
        print("-" * len(head))
        print(f"{'total':24} {totals['files']:>5} {totals['expected']:>8} {totals['found']:>6} {totals['invented']:>8} "
              f"{totals['inconsistent']:>13} {totals['docs']:>6}  {totals['passed']}/{totals['families']} layouts pass")
        print("\nresult: pass = every fact found, nothing invented, no false `inconsistent`; "
              "doc ok = files whose documents row names the government and the fiscal year")
        print("\nnumbers made wrong on purpose: caught / files (caught: `inconsistent` with the wrong number, "
              "none as printed)\n")
        for family, transform in ([(f, with_wrong_rate) for f in WRONG_RATE_FAMILIES]
                                  + [(f, with_wrong_grade) for f in WRONG_GRADE_FAMILIES]):
            pairs = wrong_pairs(family, n, transform, Path(tmp) / f"{family}_{transform.__name__}")
            print(f"{transform.__name__:18} {family:24} {sum(map(caught, pairs)):>3}/{len(pairs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
