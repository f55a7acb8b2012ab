"""`hyoka show`: one report's parsed tree."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.text import Text
from rich.tree import Tree

from hyoka.pipeline.cli_common import EXIT_NONE_READ, _err, _mark, _num, _print_whole, _printable, _short, console


def show(
    file: Path = typer.Argument(..., help="One report file."),
    notes: bool = typer.Option(False, help="Also list the notes (良い点, 課題, 所見 …)."),
    read_anyway: bool = typer.Option(False, "--read-anyway", help="Read files the report gate judges not to be evaluation/progress reports "
                                     "(by default they are kept as a documents row with status not_a_report and "
                                     "the reason, and nothing is read from them)."),
) -> None:
    """Print one report's parsed tree: document, hierarchy › measures › actions/values, scores, flags."""
    from hyoka.extractors.base import ExtractionError
    from hyoka.pipeline.ingest import read_document
    from hyoka.pipeline.model import Status

    try:
        doc = read_document(file, read_anyway=read_anyway)
    except ExtractionError as exc:
        raise _err(f"hyoka: {file}: {exc}", EXIT_NONE_READ)
    except Exception as exc:  # a layout that trips on this file: one line, as ingest reports it
        from hyoka.extractors._common import reason_for_people

        raise _err(f"hyoka: {file}: {reason_for_people(exc)[0]} ({type(exc).__name__}: {exc})", EXIT_NONE_READ)
    if doc.status is Status.NOT_A_REPORT:
        console.print(_mark("–", "yellow", f"{file}: judged not a report, nothing read (--read-anyway reads it): "
                                          f"{doc.gate}"), highlight=False, soft_wrap=True)
        return
    # every label is a Text: the report's own words (and the file's name) are never read as markup
    t = lambda *parts: Text.assemble(*((_printable(p) if isinstance(p, str) else (_printable(p[0]), p[1]))
                                       for p in parts))
    root = Tree(t((doc.title or Path(doc.source_path).name, "bold"), f"  ({doc.municipality}, "
                  f"FY{doc.fiscal_year or '?'}, {doc.kind}, layout {doc.layout}, doc_id {doc.doc_id})"))
    groups: dict[tuple, Tree] = {}
    for m in doc.measures:
        parent = root
        for level in m.hierarchy:
            key = tuple(m.hierarchy[: m.hierarchy.index(level) + 1])
            if key not in groups:
                label, id_, name = level
                groups[key] = parent.add(t(f"{label}{id_ or ''} {name}"))
            parent = groups[key]
        extras = []
        if m.direction:
            extras.append(f"方向性 {m.direction}")
        if m.departments:
            extras.append(f"担当 {'、'.join(m.departments)}")
        if m.partners_raw is not None:
            extras.append(f"関係機関 {'、'.join(m.partners) or 'なし'}")
        if m.target_raw:
            extras.append(f"目標 {m.target_raw}")
        label = t(m.name) if m.key == m.name else t((m.key, "cyan"), " ", m.name)
        node = parent.add(label + t((f"  {' | '.join(extras)}  ({m.ref.label()})", "dim")))
        for a in (a for a in doc.actions if a.measure_key == m.key):
            node.add(t(f"取組{a.action_no or ''}: 予定 {_short(a.planned)} / 実施 {_short(a.done)}"
                       + (f" / 指標 {_short(a.indicator)}" if a.indicator else "")))
        for v in (v for v in doc.indicator_values if v.measure_key == m.key):
            what = f"{v.indicator} " if v.indicator else ""
            node.add(t(f"{what}{v.fiscal_year_raw} ({v.row_kind}): 目標 {v.target_raw or '-'} 実績 {v.actual_raw or '-'} "
                       f"評価 {v.grade_raw or '-'}"))
        if notes:
            for n in (n for n in doc.notes if n.scope == m.key):
                node.add(t((f"{n.kind}: {_short(n.text, 60)}", "dim")))
    for s in doc.score_summaries:
        counts = " ".join(f"{k}{v}" for k, v in s.counts.items())
        root.add(t((str(s.scope), "magenta"), " ",
                   f"{s.total_items}施策中 {counts} → {s.stated_score_raw} (前回 {_num(s.previous_score)}) / {_num(s.max_score)}"))
    if notes:
        scoped = {m.key for m in doc.measures}
        for n in (n for n in doc.notes if n.scope not in scoped):
            root.add(t((f"{n.scope} {n.kind}: {_short(n.text, 60)} {' '.join(n.actors)}", "dim")))
    for f in doc.flags:
        root.add(t(("flag", "yellow"), " ", f"{f.field} 「{f.raw}」: {f.reason} ({f.ref.label()})"))
    _print_whole(root)
