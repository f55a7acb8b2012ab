"""The `hyoka` command line: ingest reports into a dataset, show one parsed report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.tree import Tree

EXIT_OK = 0
EXIT_SOME_FAILED = 3  # some files could not be read; the others were stored
EXIT_NONE_READ = 4  # no file could be read (or none was found)

app = typer.Typer(
    help=(
        "hyoka reads Japanese municipalities' industrial-promotion plan progress and evaluation "
        "reports (産業振興計画 進捗管理・評価シート, 進捗状況まとめ, 報告書) into one dataset "
        "(Parquet + DuckDB), every value traceable to the line, page or cell it was printed in."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
console = Console(soft_wrap=True)  # one line per message, however narrow the terminal
err_console = Console(stderr=True, soft_wrap=True)


@app.command()
def ingest(
    paths: List[Path] = typer.Argument(..., help="Report files, or folders to search for .txt/.md/.pdf/.docx/.xlsx files."),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Folder for <table>.parquet files and hyoka.duckdb."),
    replace: bool = typer.Option(False, help="Replace the stored dataset instead of merging into it."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary table."),
) -> None:
    """Read reports into the dataset in OUT (re-running on the same files gives the same dataset).

    Exit status: 0 every file was read; 3 some files could not be read (each is named on
    stderr and listed in the failures table, the rest were stored); 4 no file was read.
    """
    from hyoka.pipeline.ingest import ingest as run_ingest, iter_input_files
    from hyoka.pipeline.store import write

    if out.exists() and not out.is_dir():
        err_console.print(f"hyoka ingest: --out {out}: is a file, not a folder")
        raise typer.Exit(2)
    files = list(iter_input_files(paths))
    if not files:
        err_console.print(f"hyoka: no report files found in {', '.join(map(str, paths))}")
        raise typer.Exit(EXIT_NONE_READ)
    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=err_console, disable=quiet, transient=True) as progress:
        task = progress.add_task("", total=len(files))

        def on_file(path, doc, failure):
            if failure is not None:
                progress.console.print(f"[red]✗[/red] {failure.line()}", highlight=False, soft_wrap=True)
            progress.update(task, advance=1, description=path.name)

        result = run_ingest(files, on_file=on_file)
    tables = result.tables()
    write(tables, out, replace=replace)
    failed = [f for f in result.failures if f.stage != "duplicate"]  # a byte-identical copy is not a failure
    if not quiet:
        _summary(result)
    console.print(
        f"{len(result.documents)} read, {len(failed)} failed"
        + (f", {len(result.failures) - len(failed)} duplicates skipped" if len(result.failures) > len(failed) else "")
        + f" → {out}/ "
        f"({', '.join(f'{n} {len(t)}' for n, t in tables.items() if n in ('measures', 'actions', 'indicator_values', 'notes'))})",
        highlight=False, soft_wrap=True,
    )
    if failed:
        raise typer.Exit(EXIT_SOME_FAILED if result.documents else EXIT_NONE_READ)


def _summary(result) -> None:
    """One line per document: what was read from it, and one per file that failed."""
    for d in result.documents:
        counts = [(len(d.measures), "measures"), (len(d.actions), "actions"), (len(d.indicator_values), "values"),
                  (len(d.score_summaries), "scores"), (len(d.notes), "notes"), (len(d.flags), "flags")]
        mark = "[green]✓[/green]" if d.status.value == "success" else "[yellow]~[/yellow]"
        console.print(
            f"{mark} {Path(d.source_path).name}  {d.municipality or '?'} FY{d.fiscal_year or '?'} [dim]{d.layout}[/dim]  "
            + " · ".join(f"{n} {label}" for n, label in counts if n),
            highlight=False, soft_wrap=True,
        )
    for f in result.failures:
        console.print(f"[red]✗[/red] {f.line()}", highlight=False, soft_wrap=True)


@app.command()
def show(
    file: Path = typer.Argument(..., help="One report file."),
    notes: bool = typer.Option(False, help="Also list the notes (良い点, 課題, 所見 …)."),
) -> None:
    """Print one report's parsed tree: document, hierarchy › measures › actions/values, scores, flags."""
    from hyoka.extractors.base import ExtractionError
    from hyoka.pipeline.ingest import read_document

    try:
        doc = read_document(file)
    except ExtractionError as exc:
        err_console.print(f"hyoka: {file}: {exc}")
        raise typer.Exit(EXIT_NONE_READ)
    except Exception as exc:  # a layout that trips on this file: one line, as ingest reports it
        err_console.print(f"hyoka: {file}: {type(exc).__name__}: {exc}")
        raise typer.Exit(EXIT_NONE_READ)
    root = Tree(f"[bold]{doc.title or Path(doc.source_path).name}[/bold]  ({doc.municipality}, FY{doc.fiscal_year or '?'}, {doc.kind}, "
                f"layout {doc.layout}, doc_id {doc.doc_id})")
    groups: dict[tuple, Tree] = {}
    for m in doc.measures:
        parent = root
        for level in m.hierarchy:
            key = tuple(m.hierarchy[: m.hierarchy.index(level) + 1])
            if key not in groups:
                label, id_, name = level
                groups[key] = parent.add(f"{label}{id_ or ''} {name}")
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
        label = m.name if m.key == m.name else f"[cyan]{m.key}[/cyan] {m.name}"
        node = parent.add(f"{label}  [dim]{' | '.join(extras)}  ({m.ref.label()})[/dim]")
        for a in (a for a in doc.actions if a.measure_key == m.key):
            node.add(f"取組{a.action_no or ''}: 予定 {_short(a.planned)} / 実施 {_short(a.done)}"
                     + (f" / 指標 {_short(a.indicator)}" if a.indicator else ""))
        for v in (v for v in doc.indicator_values if v.measure_key == m.key):
            what = f"{v.indicator} " if v.indicator else ""
            node.add(f"{what}{v.fiscal_year_raw} ({v.row_kind}): 目標 {v.target_raw or '-'} 実績 {v.actual_raw or '-'} "
                     f"評価 {v.grade_raw or '-'}")
        if notes:
            for n in (n for n in doc.notes if n.scope == m.key):
                node.add(f"[dim]{n.kind}: {_short(n.text, 60)}[/dim]")
    for s in doc.score_summaries:
        counts = " ".join(f"{k}{v}" for k, v in s.counts.items())
        root.add(f"[magenta]{s.scope}[/magenta] {s.total_items}施策中 {counts} → {s.stated_score_raw} "
                 f"(前回 {_num(s.previous_score)}) / {_num(s.max_score)}")
    if notes:
        scoped = {m.key for m in doc.measures}
        for n in (n for n in doc.notes if n.scope not in scoped):
            root.add(f"[dim]{n.scope} {n.kind}: {_short(n.text, 60)} {' '.join(n.actors)}[/dim]")
    for f in doc.flags:
        root.add(f"[yellow]flag[/yellow] {f.field} 「{f.raw}」: {f.reason} ({f.ref.label()})")
    console.print(root)


@app.command()
def audit(
    paths: Optional[List[Path]] = typer.Argument(None, help="Report files or folders (ingested first)."),
    rules: Optional[Path] = typer.Option(None, "--rules", help="Rules TOML for documents that print no legend."),
    fmt: str = typer.Option("table", "--format", "-f", help="table | json | csv | html"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the report to this file (default: stdout)."),
    db: Optional[Path] = typer.Option(None, "--db", help="Audit an existing store (hyoka.duckdb) instead of PATHs."),
    show_all: bool = typer.Option(False, "--all", help="Table format: also list the consistent findings."),
) -> None:
    """Recompute every published score from its rule and check dates, eras and cross references.

    Rules come from the legend a report prints (凡例, 評価指標) first, then --rules, then the
    bundled presets; every finding names its rule. Exit status: 0 nothing inconsistent,
    1 something inconsistent, 2 usage or input error.
    """
    from hyoka.pipeline.audit import audit_tables
    from hyoka.pipeline.report import render
    from hyoka.pipeline.rules import RuleSet, load_rules

    if fmt not in ("table", "json", "csv", "html"):
        err_console.print(f"hyoka audit: --format must be table, json, csv or html (got {fmt!r})")
        raise typer.Exit(2)
    if bool(paths) == bool(db):
        err_console.print("hyoka audit: give report PATHs or --db, not both or neither")
        raise typer.Exit(2)
    try:
        ruleset = load_rules(rules) if rules else RuleSet()
    except ValueError as exc:
        err_console.print(f"hyoka audit: {exc}")
        raise typer.Exit(2)
    failures = []
    if db:
        tables = _tables_from_db(db)
    else:
        from hyoka.pipeline.ingest import ingest as run_ingest

        result = run_ingest(paths)
        for f in result.failures:
            err_console.print(f"✗ {f.line()}", highlight=False, soft_wrap=True)
        failures = result.failures
        tables = result.tables(audit=False)
    findings = audit_tables(tables, ruleset)
    if not tables["documents"].shape[0]:
        err_console.print("hyoka audit: no report could be read, nothing to audit")
        raise typer.Exit(2)
    text = render(findings, fmt, show_all=show_all, console=console if out is None else None)
    if out is not None:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            err_console.print(f"hyoka audit: --out {out}: {exc.strerror or exc}")
            raise typer.Exit(2)
        console.print(f"{len(findings)} findings → {out}", highlight=False, soft_wrap=True)
    elif text:
        sys.stdout.write(text)
    if any(f.status == "inconsistent" for f in findings):
        raise typer.Exit(1)
    if failures:
        raise typer.Exit(2)


def _tables_from_db(path: Path):
    from hyoka.pipeline.store import DB_NAME, StoreError, load_duckdb

    if path.is_dir() and (path / DB_NAME).exists():
        path = path / DB_NAME  # the --out folder of `hyoka ingest`
    try:
        return load_duckdb(path)
    except StoreError as exc:
        err_console.print(f"hyoka audit: --db {path}: {exc}", markup=False, highlight=False)
        raise typer.Exit(2)


@app.command()
def info() -> None:
    """What this hyoka can read: file formats, report layouts, rule presets, NLP pipeline."""
    from hyoka import extractors
    from hyoka.pipeline.nlp import available
    from hyoka.pipeline.rules import load_presets

    console.print("[bold]formats[/bold]")
    for b in extractors.backends():
        console.print(f"  {b.name}: {' '.join(b.extensions)}", highlight=False)
    console.print("[bold]layouts[/bold]")
    for layout in extractors.layouts():
        console.print(f"  {layout.name}: {layout.description}", highlight=False)
    console.print("[bold]rule presets[/bold]")
    for rule, applies_to in load_presets().rules:
        where = ", ".join(f"{k}={v}" for k, v in applies_to.items()) or "any document"
        console.print(f"  {rule.id} ({rule.kind}) for {where}", highlight=False)
    nlp = available()
    console.print("[bold]NLP[/bold] (not used by ingest/audit): "
                  + (f"{nlp[0]} (best installed of {', '.join(nlp)})" if nlp else 'none — pip install -e ".\\[nlp]"'),
                  highlight=False)


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:g}"


def _short(text: str | None, n: int = 40) -> str:
    if not text:
        return "-"
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def main() -> None:  # console_scripts entry point
    app()


if __name__ == "__main__":
    sys.exit(main())
