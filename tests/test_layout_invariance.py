"""Layout invariance (#17, item 6): the same facts, printed through many layouts, read back the same.

tests/layouts_gen.py draws reports (indicators with yearly targets and actuals, count lines, a
legend) with hypothesis and prints each through one layout family at a time — years as columns,
roles as columns, role and year in one header cell, two header rows, key–value sheets, stacked
rows, text that lost its table, KPI lines in prose, count tables in every orientation, counts in
prose, legends as tables, bullets and sentences. For every family, on every drawn report:

  facts     every fact the rendering prints comes back: each indicator value (fiscal year, target,
            actual), each count line's counts, the legend
  invented  nothing comes back that the rendering does not print: no indicator value, count
            summary or legend that is not in the facts
  audit     the facts are consistent, so the audit finds nothing `inconsistent`
  document  the documents row names the government and the fiscal year the title prints

and, on renderings made wrong on purpose, the audit still says `inconsistent` (arithmetic may
decide a table's structure, never the verdict).

KNOWN_GAPS lists what the reader does not do yet: those cases are xfail (not strict), so the
suite stays green while the reader is rewritten; delete an entry when its layout reads. The same
numbers per layout, in one table: `python tests/layouts_gen.py` (add -v for what is missing).
"""

from __future__ import annotations

import os
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

import layouts_gen as gen

# layout family → the checks it fails today (facts / invented / audit / document / wrong_rate / wrong_grade);
# delete a check (or the whole entry) when the reader handles the layout. `python bench/layout_invariance.py -v`
# shows every missing or invented value. "wrong_rate": these families print 達成度(%) with no formula in the
# header, so a rate that fits no reading is a `warning` (the rate may be measured from something the table
# does not show), never an accusation; the test counts only `inconsistent`.
KNOWN_GAPS: dict[str, set[str]] = {
    "years_cols_role_rows": {"wrong_rate"},
    "roles_cols_year_rows": {"wrong_rate"},
    "role_year_in_cell": {"wrong_rate"},
    "graded_table": {"wrong_rate"},
    "stacked_rows": {"facts", "invented"},  # the R5/R6 TSV rendering (style 05): pairs read wrong
    "count_prose_partial": {"facts"},  # word labels (「達成」 39 of 81): the total is not tied to them
    "full_report": {"wrong_grade"},  # a wrong symbol grade is not checked against the legend's bands
    "full_report_text": {"wrong_grade"},  # a wrong symbol grade is not checked against the legend's bands
}

N_EXAMPLES = int(os.environ.get("HYOKA_LAYOUT_EXAMPLES", "8"))  # drawn reports per layout family


def _params(check: str, families) -> list:
    out = []
    for family in families:
        marks = []
        if check in KNOWN_GAPS.get(family, ()):
            why = {"wrong_rate": " (and the audit checks no printed rate against actual/target)",
                   "audit": " (false `inconsistent` findings)"}.get(check, "")
            marks.append(pytest.mark.xfail(strict=False, reason=f"reader does not read {family} yet (#17){why}"))
        out.append(pytest.param(family, id=family, marks=marks))
    return out


_SCORED: dict[str, list] = {}


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """scored(family) → [(rendering, score)], each family written and read once per session."""

    def get(family: str):
        if family not in _SCORED:
            rends = gen.renderings(family, N_EXAMPLES)
            _SCORED[family] = list(zip(rends, gen.read_and_score(rends, tmp_path_factory.mktemp(family))))
        return _SCORED[family]

    return get


def _report(bad: list, what: str) -> str:
    """The failing files' scores and the first failing rendering, for the assertion message."""
    lines = [f"{len(bad)} rendering(s) {what}:"] + [s.explain() for _r, s in bad[:4]]
    rend = bad[0][0]
    lines += ["", f"--- {bad[0][1].file} ---", rend.text[:2500]]
    return "\n".join(lines)


@pytest.mark.parametrize("family", _params("facts", gen.FAMILIES))
def test_facts_come_back(family, scored):
    results = scored(family)
    assert results
    bad = [(r, s) for r, s in results if s.found < s.expected]
    if bad:
        pytest.fail(_report(bad, "lost facts"), pytrace=False)


@pytest.mark.parametrize("family", _params("invented", gen.FAMILIES))
def test_no_invented_values(family, scored):
    bad = [(r, s) for r, s in scored(family) if s.invented]
    if bad:
        pytest.fail(_report(bad, "invented values"), pytrace=False)


@pytest.mark.parametrize("family", _params("audit", gen.FAMILIES))
def test_no_false_inconsistent(family, scored):
    """The facts add up (rates = actual/target at their precision, grades in their bands, counts sum to
    the total, shares = count/total): the audit must accuse nothing."""
    bad = [(r, s) for r, s in scored(family) if s.inconsistent]
    if bad:
        pytest.fail(_report(bad, "got false `inconsistent` findings"), pytrace=False)


@pytest.mark.parametrize("family", _params("document", gen.FAMILIES))
def test_document_names_government_and_year(family, scored):
    """The documents row names the government printed in the title and issuer line, and the fiscal year."""
    bad = [(r, s) for r, s in scored(family) if not s.document_ok]
    if bad:
        pytest.fail(_report(bad, "with the wrong government or fiscal year"), pytrace=False)


def _wrong(family, transform, tmp_path_factory):
    pairs = gen.wrong_pairs(family, N_EXAMPLES, transform, tmp_path_factory.mktemp(f"{family}_{transform.__name__}"))
    assert pairs
    bad = [(rend, wrong) for rend, as_printed, wrong in pairs if not gen.caught((rend, as_printed, wrong))]
    if bad:
        notes = [f"{w.file}: as printed {p.inconsistent} inconsistent, with the wrong number {w.inconsistent}"
                 for (_r, p, w) in pairs if not gen.caught((_r, p, w))]
        pytest.fail(_report(bad, "with a wrong number were not caught") + "\n" + "\n".join(notes), pytrace=False)


@pytest.mark.parametrize("family", _params("wrong_rate", gen.WRONG_RATE_FAMILIES))
def test_wrong_rate_is_still_inconsistent(family, tmp_path_factory):
    """A printed 達成率 15 points off actual/target is reported `inconsistent`, and the same table with the
    right rate is not: arithmetic may tell the reader which column is the target, it must never make a
    wrong number come out right."""
    _wrong(family, gen.with_wrong_rate, tmp_path_factory)


@pytest.mark.parametrize("family", _params("wrong_grade", gen.WRONG_GRADE_FAMILIES))
def test_wrong_grade_is_still_inconsistent(family, tmp_path_factory):
    """A grade one band off the legend's (達成率 in A's band, B printed) is reported `inconsistent`, and the
    same report with the right grade is not."""
    _wrong(family, gen.with_wrong_grade, tmp_path_factory)


# --- the generator itself: its facts are consistent, its output deterministic --------------------------

def test_drawn_facts_are_consistent():
    """Rates are actual/target at their printed precision, grades in their bands (never within 0.8 points
    of a boundary), counts add up to the total, shares are count/total — on 60 derandomized draws."""
    with gen._no_local_constants():  # the same draws in a full run as alone
        _drawn_facts_are_consistent()


@settings(derandomize=True, database=None, max_examples=60, deadline=None,
          suppress_health_check=list(HealthCheck))
@given(gen.reports())
def _drawn_facts_are_consistent(report):
    labels = gen.SCHEMES[report.legend.scheme][0]
    for ind in report.indicators:
        years = [yv.year for yv in ind.years]
        assert years == list(range(years[0], years[0] + len(years))) and years[-1] == report.fiscal_year
        assert ind.baseline_year < years[0] <= years[-1] < ind.final_year
        for yv in ind.years:
            exact = yv.actual / yv.target * 100
            assert yv.actual != yv.target
            assert yv.rate == gen.round_half_up(exact, report.rate_decimals)
            assert yv.grade == report.grade_of(exact) and yv.grade in labels
            assert all(abs(exact - b) >= gen.BOUNDARY_MARGIN for b in (50, 80, 100))
    for line in report.count_lines:
        assert line.labels == labels and line.total == sum(line.counts) > 0
        for c, s in zip(line.counts, line.shares()):
            assert abs(Decimal(c) * 100 / line.total - s) <= Decimal("0.5") * Decimal(10) ** -line.share_decimals
    if len(report.count_lines) == 2:
        assert all(b <= a for a, b in zip(report.count_lines[0].counts, report.count_lines[1].counts))


@pytest.mark.parametrize("y, style, printed", [
    (2019, "era", "令和元年度"), (2018, "era", "平成30年度"), (2023, "R", "R5"), (2018, "R", "H30"),
    (2023, "R0", "R05年度"), (2023, "west", "2023年度"), (2023, "west_era", "2023 (R5)"),
    (2019, "era_west", "令和元(2019)年度"), (2011, "west_paren", "2011年度(平成23年度)"),
])
def test_year_labels(y, style, printed):
    assert gen.year_label(y, style) == printed


def test_period_label():
    assert gen.period_label(2011, 2015) == "H23-27" and gen.period_label(2017, 2021) == "H29-R3"


def test_examples_are_deterministic():
    a = [gen.render(f, r, s).text for f in ("role_year_in_cell", "count_prose") for r, s in gen.examples(4)]
    b = [gen.render(f, r, s).text for f in ("role_year_in_cell", "count_prose") for r, s in gen.examples(4)]
    assert a == b


def test_every_family_prints_what_it_claims():
    """Each number a rendering claims to print is in its text (as printed, with or without 「,」)."""
    for family in gen.FAMILIES:
        for rend in gen.renderings(family, 3):
            text = unicodedata.normalize("NFKC", rend.text).replace(",", "")
            for f in rend.expected.values:
                for x in (f.target, f.actual):
                    assert x is None or f"{x:f}" in text, (family, f, rend.text)
            for line in rend.expected.count_lines:
                assert all(str(c) in text for c in line.counts), (family, line)
            if rend.expected.legend is not None:
                assert all(lab in text for lab in rend.expected.legend.labels), family


def test_known_gaps_name_real_layouts_and_checks():
    checks = {"facts", "invented", "audit", "document", "wrong_rate", "wrong_grade"}
    assert set(KNOWN_GAPS) <= set(gen.FAMILIES), set(KNOWN_GAPS) - set(gen.FAMILIES)
    for family, failing in KNOWN_GAPS.items():
        assert failing <= checks, (family, failing - checks)
        assert "wrong_rate" not in failing or family in gen.WRONG_RATE_FAMILIES, family
        assert "wrong_grade" not in failing or family in gen.WRONG_GRADE_FAMILIES, family
