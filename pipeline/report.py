"""Audit findings → a report: a terminal table grouped by document, JSON, CSV or a shareable HTML page."""

from __future__ import annotations

import html
import io
import json
from collections import Counter, defaultdict
from dataclasses import asdict

from hyoka.pipeline.audit import CONSISTENT, INCONSISTENT, ROUNDING, WARNING, Finding

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
}


def render(findings: list[Finding], fmt: str, *, show_all: bool = False, console=None) -> str:
    """The report as text; for "table" with a console, printed directly and "" returned."""
    if fmt == "json":
        return json.dumps([asdict(f) for f in findings], ensure_ascii=False, indent=2, default=str) + "\n"
    if fmt == "csv":
        from hyoka.pipeline.audit import findings_frame

        buf = io.StringIO()
        findings_frame(findings).to_csv(buf, index=False)
        return buf.getvalue()
    if fmt == "html":
        return _html(findings)
    return _table(findings, show_all, console)


def _by_document(findings: list[Finding]) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        groups[f.source].append(f)
    return {k: sorted(v, key=lambda f: (_ORDER[f.status], f.check, f.location)) for k, v in sorted(groups.items())}


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
                               style="green"), highlight=False)
        if not shown:
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
        highlight=False, markup=False,
    )
    return console.file.getvalue() if capture else ""


def _num(x) -> str:
    if x is None:
        return ""
    return f"{x:.4f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)


def _html(findings: list[Finding]) -> str:
    e = html.escape
    total = Counter(f.status for f in findings)
    parts = [
        "<!doctype html><html lang='ja'><head><meta charset='utf-8'><title>hyoka audit</title><style>",
        "body{font-family:system-ui,'Noto Sans JP',sans-serif;margin:2rem;max-width:1200px}"
        "table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}"
        "th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}"
        ".inconsistent{background:#fde2e2}.warning{background:#fff4d6}"
        ".consistent_only_with_rounding{background:#e3f2fd}.consistent{color:#2e7d32}"
        "code{font-size:.85rem}summary{cursor:pointer}",
        "</style></head><body><h1>hyoka audit</h1>",
        f"<p>{len(findings)} findings: <b>{total[INCONSISTENT]} inconsistent</b>, {total[WARNING]} warnings, "
        f"{total[ROUNDING]} consistent only with rounding or one boundary reading, {total[CONSISTENT]} consistent.</p>",
    ]
    for source, items in _by_document(findings).items():
        counts = Counter(f.status for f in items)
        parts.append(f"<h2>{e(source)}</h2><p>" + ", ".join(f"{counts[s]} {s}" for s in _ORDER if counts[s]) + "</p>")
        parts.append("<table><tr><th>status</th><th>check</th><th>where</th><th>stated</th><th>recomputed</th>"
                     "<th>finding</th><th>rule</th></tr>")
        for f in items:
            rule = f"{e(f.rule)}<br><small>{e(f.rule_source or '')}</small>" if f.rule else ""
            reading = f"<br><small>reading: {e(f.reading)}</small>" if f.reading else ""
            parts.append(
                f"<tr class='{f.status}'><td>{_MARK[f.status]} {e(f.status)}</td>"
                f"<td>{e(_CHECK_NAMES.get(f.check, f.check))}</td><td><code>{e(f.location)}</code></td>"
                f"<td>{e(f.stated or '')}</td><td>{e(_num(f.recomputed))}</td><td>{e(f.message)}{reading}</td>"
                f"<td>{rule}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
