"""Audit findings → a report: a terminal table grouped by document, JSON, CSV or a shareable HTML page.

The HTML page (Japanese, self-contained) is drawn by hyoka.pipeline.report_html.render_audit.
"""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict
from dataclasses import asdict

from hyoka.pipeline.audit import CONSISTENT, INCONSISTENT, ROUNDING, WARNING, Finding
from hyoka.pipeline.html_format import natural_key

_ORDER = {INCONSISTENT: 0, WARNING: 1, ROUNDING: 2, CONSISTENT: 3}
_MARK = {INCONSISTENT: "✗", WARNING: "!", ROUNDING: "≈", CONSISTENT: "✓"}
_STYLE = {INCONSISTENT: "bold red", WARNING: "yellow", ROUNDING: "cyan", CONSISTENT: "green"}
_CHECK_NAMES = {
    "points_exact": "score (exact rule)",
    "points_legend_units": "score (legend's rounded units)",
    "legend_formula": "legend's worked formula",
    "counts_sum": "counts vs total",
    "count_share": "printed share vs count ÷ total",
    "grade_band": "grade vs achievement",
    "era_pair": "和暦/西暦 pair",
    "era_impossible": "impossible era year",
    "era_range": "era range runs backwards",
    "as_of_date": "as-of date outside the fiscal year",
    "period_length": "plan period length",
    "cross_reference": "cross reference",
    "numbering": "numbering gap",
    "ended_reappears": "ended measure reappears",
    "cost_funding_sum": "funding sources vs 事業費計 (A)",
    "cost_total": "事業費計 (A) + 人件費 (B) vs トータルコスト",
    "stated_rate": "printed 達成率/進捗率 vs actual ÷ target",
    "stated_difference": "printed difference vs actual − target",
    "legend_met_below_target": "legend calls a band below 100% 'met'",
    "legend_unlabelled": "legend item without its label",
    "era_glued": "era name glued to a Western year",
    "date_in_formula": "date where a number belongs in a formula",
    "share_denominator": "share that fits no printed total",
    "points_band_unreachable": "points band the summed score can't reach",
}


def render(findings: list[Finding], fmt: str, *, show_all: bool = False, console=None, documents=None) -> str:
    """The report as text; for "table" with a console, printed directly and "" returned.

    `documents` (the documents table, or {file name: path}): for "html", the files the printed rows
    are quoted from (pipeline/source_view.py); without it the page quotes nothing."""
    if fmt == "json":
        return json.dumps([asdict(f) for f in findings], ensure_ascii=False, indent=2, default=str) + "\n"
    if fmt == "csv":
        from hyoka.pipeline.audit import findings_frame

        buf = io.StringIO()
        findings_frame(findings).to_csv(buf, index=False)
        return buf.getvalue()
    if fmt == "html":
        return _html(findings, show_all, documents)
    return _table(findings, show_all, console)


def _by_document(findings: list[Finding]) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        groups[f.source].append(f)
    # in document order: L9 before L38, 目標1 before 目標3 before 目標10
    return {k: sorted(groups[k], key=lambda f: (_ORDER[f.status], f.check, natural_key(f.location), natural_key(f.scope)))
            for k in sorted(groups, key=natural_key)}


def _table(findings: list[Finding], show_all: bool, console) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # file names, printed values and messages are the reports' own text: Text, never markup
    capture = console is None
    console = console or Console(file=io.StringIO(), width=120, force_terminal=False)
    for source, items in _by_document(findings).items():
        counts = Counter(f.status for f in items)
        head = ", ".join(f"{counts[s]} {s}" for s in (INCONSISTENT, WARNING, ROUNDING, CONSISTENT) if counts[s])
        console.print(Text.assemble("\n", (source, "bold"), f"  ({head})"), highlight=False)
        for rule in dict.fromkeys((f.rule, f.rule_source) for f in items if f.rule):
            console.print(Text.assemble("  rule ", (rule[0], "bold"), f": {rule[1]}"), highlight=False)
        shown = [f for f in items if show_all or f.status != CONSISTENT]
        checked = Counter(_CHECK_NAMES.get(f.check, f.check) for f in items if f.status == CONSISTENT)
        if checked and not show_all:
            console.print(Text("  ✓ consistent: " + ", ".join(f"{n} {name}" for name, n in checked.items()),
                               style="green"), highlight=False, soft_wrap=False)
        if not shown:
            continue
        if console.width < _WIDE:
            _blocks(shown, console)
            continue
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, expand=False)
        for col in ("", "check", "where", "stated", "recomputed", "finding"):
            table.add_column(col, overflow="fold")
        for f in shown:
            finding = Text(f.message)
            if f.reading:
                finding.append(f"  (reading: {f.reading})", style="dim")
            table.add_row(Text(_MARK[f.status], style=_STYLE[f.status]), Text(_CHECK_NAMES.get(f.check, f.check)),
                          Text(f.location.split(":", 1)[-1]), Text(f.stated or ""), Text(_num(f.recomputed)), finding)
        console.print(table)
    total = Counter(f.status for f in findings)
    console.print(
        f"\n{len(findings)} findings: {total[INCONSISTENT]} inconsistent, {total[WARNING]} warnings, "
        f"{total[ROUNDING]} consistent only with rounding or one boundary reading, {total[CONSISTENT]} consistent.",
        highlight=False, markup=False, soft_wrap=False,  # wrapped at the terminal's width
    )
    return console.file.getvalue() if capture else ""


_WIDE = 100  # columns from which the findings are a table; narrower, a block each


def _blocks(shown: list[Finding], console) -> None:
    """Findings on a narrow terminal: a head line (mark, check, where, stated → recomputed), then
    the message wrapped at the terminal's width under it, indented."""
    from rich.padding import Padding
    from rich.text import Text

    for f in shown:
        head = Text.assemble("  ", (_MARK[f.status], _STYLE[f.status]), " ", (_CHECK_NAMES.get(f.check, f.check), "bold"),
                             "  ", f.location.split(":", 1)[-1])
        if f.stated or f.recomputed is not None:
            head.append(f"  {f.stated or ''}" + (f" → {_num(f.recomputed)}" if f.recomputed is not None else ""),
                        style="dim")
        finding = Text(f.message)
        if f.reading:
            finding.append(f"  (reading: {f.reading})", style="dim")
        console.print(head, highlight=False, soft_wrap=False, overflow="fold")
        console.print(Padding(finding, (0, 0, 0, 4)), highlight=False, soft_wrap=False)


def _num(x) -> str:
    if x is None:
        return ""
    return f"{x:.4f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)


def _html(findings: list[Finding], show_all: bool, documents=None) -> str:
    from hyoka.pipeline.report_html import render_audit, render_audit_for

    if documents is None:
        return render_audit(findings, show_all=show_all)
    return render_audit_for(findings, documents, show_all=show_all)
