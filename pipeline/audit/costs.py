"""Cost tables (事務事業評価シート): funding sources add up to 事業費計, and (A) + (B) to トータルコスト."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from hyoka.pipeline.audit.context import DocContext
from hyoka.pipeline.audit.findings import CONSISTENT, INCONSISTENT, WARNING, Finding
from hyoka.pipeline.rules import RuleSet


_FUNDING = (("national", "国庫支出金"), ("prefectural", "都道府県支出金"), ("bonds", "地方債"), ("other", "その他"),
            ("general", "一般財源"))
_DASHES = {"", "-", "－", "―", "‐", "ー", "—"}


def _amount(row: dict, name: str) -> tuple[Decimal | None, str]:
    """(exact value, how it was printed): a blank or a dash is (0, "-"); text that is no number is (None, text)."""
    raw = (row.get(f"{name}_raw") or "").strip()
    if raw in _DASHES:
        return Decimal(0), "-"
    value = row.get(name)
    # the normalized float printed back with the digits it was read with (159816.6, not 159816.59999…)
    return (None, raw) if value is None else (Decimal(repr(float(value))), raw)


def _sheet_row(dt: DocContext, row: dict) -> str:
    """「 (sheet row 370)」 where the document's backend says its rows are a worksheet's (src_row is 0-based)."""
    if dt.sheet_rows and row.get("src_row") is not None:
        return f" (sheet row {int(row['src_row']) + 1})"
    return ""


def check_costs(dt: DocContext, rules: RuleSet) -> Iterable[Finding]:
    """Each cost row: 国庫+都道府県+地方債+その他+一般財源 = 事業費計 (A), and (A) + 人件費計 (B) = トータルコスト.

    Exact arithmetic on the printed amounts (千円). A blank or 「-」 amount counts as 0 — the
    sheets print 「-」 in every funding column of a year without a budget and 0 as its
    事業費計 — and the message says when that reading was used. A stated total that is
    blank is not checked; an amount that is not a number makes the row a warning.
    """
    for c in dt.rows("costs"):
        loc, key, year = c["src"], c["measure_key"], c["fiscal_year_raw"]
        where = f"{key} {year}{_sheet_row(dt, c)}"
        for check, parts, total_name, total_label in (
            ("cost_funding_sum", _FUNDING, "project_total", "事業費計 (A)"),
            ("cost_total", (("project_total", "事業費計 (A)"), ("personnel", "人件費計 (B)")), "total_cost",
             "トータルコスト (A)+(B)"),
        ):
            if not (c.get(f"{total_name}_raw") or "").strip():
                continue  # nothing stated
            stated, stated_raw = _amount(c, total_name)
            amounts = [(label, *_amount(c, name)) for name, label in parts]
            bad = [(label, raw) for label, value, raw in amounts if value is None]
            if stated is None:
                bad.append((total_label, stated_raw))
            if bad:
                yield dt.finding(check=check, status=WARNING, scope=key, location=loc, stated=stated_raw, inputs=[loc],
                                 message=f"{where}: not a number: " + ", ".join(f"{l} 「{r}」" for l, r in bad))
                continue
            total = sum((value for _l, value, _r in amounts), Decimal(0))
            dashes = [label for label, _v, raw in amounts if raw == "-"]
            terms = " + ".join(f"{label} {raw}" for label, _v, raw in amounts)
            note = f" (「-」/blank counted as 0: {', '.join(dashes)})" if dashes else ""
            yield dt.finding(
                check=check, status=CONSISTENT if total == stated else INCONSISTENT, scope=key, location=loc,
                stated=stated_raw, recomputed=float(total), inputs=[loc],
                message=f"{where}: {terms} = {format(total.normalize(), 'f')}; printed {total_label} {stated_raw}{note}",
            )

