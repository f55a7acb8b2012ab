"""Ready-made SQL views in the store's DuckDB file, for people who query it directly.

The base tables keep one fact per row and repeat no document fields, so a plain join is easy to
get wrong (`fiscal_year` is in both documents and indicator_values; `check` is a reserved word).
These views do the joins once, with one unambiguous name per column.

Views are recreated inside the run's transaction, just before it commits, from the tables that
exist then: a store without audit findings simply has no `v_findings`.
"""

from __future__ import annotations

from hyoka.pipeline.store_layout import version
from hyoka.pipeline.store_meta import SCHEMA_VERSION

# achievement: the ratio rule of pipeline/achievement.py (_ratio_items) — yearly rows only, both
# numbers printed, a positive target — shown as a plain percentage (uncapped, no direction), the
# way reports print 達成率; the 0–1 capped, direction-aware value stays compare's. try_cast: a
# column null on every row of a batch is stored as VARCHAR (docs/schema.md), and the view must bind.
_INDICATORS = """
create or replace view v_indicators as
select d.municipality, d.plan_name as plan, v.fiscal_year, m.name as measure, m.theme, v.indicator,
       v.target, v.actual, v.unit, v.grade,
       case when v.row_kind = 'yearly' and try_cast(v.target as double) > 0 and v.actual is not null
            then round(100 * try_cast(v.actual as double) / try_cast(v.target as double), 1) end as achievement,
       v.src as source, v.row_kind, v.measure_key, v.doc_id, d.fiscal_year as report_fiscal_year
from indicator_values v
join documents d on d.doc_id = v.doc_id
left join measures m on m.doc_id = v.doc_id and m.key = v.measure_key
"""

# a measure's indicator followed across years and reports: one row per municipality, plan, measure,
# indicator and fiscal year, from the latest report that prints that year (a later report may revise
# an actual), in one format (the same report read as txt, docx and pdf is one). A new plan is a new
# series; a year's rows all come from one document, so a target row and an actual row stay together.
_SERIES = """
create or replace view v_series as
select municipality || ' / ' || coalesce(plan, '') || ' / ' || coalesce(measure, measure_key) || ' / '
           || coalesce(indicator, '') as series_id,
       municipality, plan, measure, indicator, fiscal_year, target, actual, unit, grade, achievement, source,
       row_kind, report_fiscal_year, measure_key, doc_id
from (select i.*, dense_rank() over (
              partition by i.municipality, i.plan, coalesce(i.measure, i.measure_key), i.indicator, i.fiscal_year
              order by i.report_fiscal_year desc nulls last, d.format, i.doc_id) as pick
      from v_indicators i join documents d on d.doc_id = i.doc_id
      where i.fiscal_year is not null and i.row_kind in ('yearly', 'baseline'))
where pick = 1
"""

# the store's schema version (pipeline/store_meta.py) and its last run
_META = """
create or replace view hyoka_meta as
select {schema_version} as schema_version, '{hyoka_version}' as hyoka_version,
       (select max(generation) from _hyoka.state) as generation, (select max(written) from _hyoka.state) as written
"""

_MEASURES = """
create or replace view v_measures as
select d.municipality, d.plan_name as plan, d.fiscal_year, m.key as measure_key, m.name as measure, m.theme,
       m.direction, m.target_raw, m.src as source, m.doc_id
from measures m
join documents d on d.doc_id = m.doc_id
"""

_FINDINGS = """
create or replace view v_findings as
select d.municipality, d.plan_name as plan, d.fiscal_year, f."check" as check_name, f.status, f.severity,
       f.message, f.location, f.scope, f.stated, f.recomputed, f.doc_id, f.source as src_file
from audit_findings f
join documents d on d.doc_id = f.doc_id
"""

# view → (its SQL, the columns it reads per table); in order: v_series reads v_indicators
VIEWS = {
    "v_indicators": (_INDICATORS, {"indicator_values": ("doc_id", "measure_key", "fiscal_year", "indicator", "target",
                                                        "actual", "unit", "grade", "row_kind", "src"),
                                   "documents": ("doc_id", "municipality", "plan_name", "fiscal_year"),
                                   "measures": ("doc_id", "key", "name", "theme")}),
    "v_series": (_SERIES, {"indicator_values": ("doc_id", "measure_key", "fiscal_year", "indicator", "target",
                                                "actual", "unit", "grade", "row_kind", "src"),
                           "documents": ("doc_id", "municipality", "plan_name", "fiscal_year", "format"),
                           "measures": ("doc_id", "key", "name", "theme")}),
    "v_measures": (_MEASURES, {"measures": ("doc_id", "key", "name", "theme", "direction", "target_raw", "src"),
                               "documents": ("doc_id", "municipality", "plan_name", "fiscal_year")}),
    "v_findings": (_FINDINGS, {"audit_findings": ("doc_id", "check", "status", "severity", "message", "location",
                                                  "scope", "stated", "recomputed", "source"),
                               "documents": ("doc_id", "municipality", "plan_name", "fiscal_year")}),
    "hyoka_meta": (_META, {}),
}


def view_names(con) -> list[str]:
    return [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' "
        "and table_catalog = current_database() and table_type = 'VIEW'").fetchall()]


def drop_views(con) -> None:
    for name in view_names(con):
        con.execute(f'drop view "{name}"')


def create_views(con, tables: list[str]) -> list[str]:
    """Create each view whose tables and columns are all present (checked first: a failed statement
    would abort the run's transaction); a view that cannot be made is dropped, not left stale."""
    have = set(tables)
    made = []
    for name, (sql, needs) in VIEWS.items():
        ok = set(needs) <= have and all(
            set(cols) <= {r[0] for r in con.execute(f'describe "{table}"').fetchall()} for table, cols in needs.items())
        con.execute(f'drop view if exists "{name}"')
        if ok:
            con.execute(sql.format(schema_version=SCHEMA_VERSION, hyoka_version=version().replace("'", "''"))
                        if name == "hyoka_meta" else sql)
            made.append(name)
    return made
