"""The `hyoka` command line: ingest reports into a dataset, show one parsed report, audit, info.

Every message naming a file or a failure reason is printed with Rich markup off (or as Text),
so a file called `[x].txt` is printed as it is and can't break the output.
"""

from __future__ import annotations

import io
import json
import logging
import sys
from pathlib import Path
from typing import Any, List, Optional

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.text import Text
from rich.tree import Tree

EXIT_OK = 0
EXIT_INCONSISTENT = 1  # audit: some published value is inconsistent with its rule
EXIT_USAGE = 2  # usage or input error (bad option, --out is a file, not a store, bad rules file …)
EXIT_SOME_FAILED = 3  # some files could not be read; the others were stored
EXIT_NONE_READ = 4  # no file could be read (or none was found)

NLP_INSTALL = 'pip install "hyoka[nlp]"'
NLP_DESCRIPTIONS = {"ja_core_news_sm": "spaCy ja_core_news_sm", "ja_ginza": "GiNZA (ja_ginza)",
                    "blank:ja": 'spacy.blank("ja") + SudachiPy (tokenizer, lemmas, no NER)'}

app = typer.Typer(
    help=(
        "hyoka reads Japanese municipalities' industrial-promotion plan progress and evaluation "
        "reports (産業振興計画 進捗管理・評価シート, 進捗状況まとめ, 報告書) into one dataset "
        "(Parquet + DuckDB), every value traceable to the line, page or cell it was printed in."
    ),
    epilog=(
        "Exit status: 0 success; "
        f"{EXIT_INCONSISTENT} audit found an inconsistent value; "
        f"{EXIT_USAGE} usage or input error (bad option, --out is a file, --db is not a store, "
        "bad rules file; audit: some files could not be read); "
        f"{EXIT_SOME_FAILED} ingest: some files could not be read (the others were stored); "
        f"{EXIT_NONE_READ} ingest/show: no file could be read, or none was found."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
console = Console(soft_wrap=True)  # one line per message, however narrow the terminal
err_console = Console(stderr=True, soft_wrap=True)
log = logging.getLogger("hyoka")
_options = {"quiet": False}  # the global -q, for the commands that have their own -q too


class _ConsoleHandler(logging.Handler):
    """Log records as one plain line on stderr (via err_console, so they don't break a progress bar)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            err_console.print(f"hyoka: {record.levelname.lower()}: {record.getMessage()}",
                              markup=False, highlight=False, soft_wrap=True)
        except Exception:  # pragma: no cover - logging must never raise
            self.handleError(record)


_handler = _ConsoleHandler()


def _setup_logging(quiet: bool, verbose: int) -> None:
    if quiet:
        level = logging.ERROR
    else:
        level = logging.DEBUG if verbose >= 2 else logging.INFO if verbose == 1 else logging.WARNING
    log.setLevel(level)
    if _handler not in log.handlers:
        log.addHandler(_handler)
    log.propagate = False  # printed once, here


def _version(value: bool) -> None:
    if value:
        from hyoka import __version__

        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _global_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version (hyoka.__version__) and exit."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Errors only: no progress bar, summary or log messages."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True,
                                help="Log what is being done on stderr (-v), and every file (-vv)."),
) -> None:
    _options["quiet"] = quiet
    _setup_logging(quiet, verbose)


def _printable(text: str) -> str:
    """`text` with the bytes of a file name that is not UTF-8 (a Windows zip's cp932 names) shown as \\xNN."""
    from hyoka.normalizers.text import printable

    return printable(text)


def _err(message: str, code: int) -> typer.Exit:
    """Print one plain line on stderr; the Exit to raise."""
    err_console.print(_printable(message), markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _mark(mark: str, style: str, text: str) -> Text:
    """A coloured mark and a plain text (no markup in `text` is interpreted)."""
    return Text.assemble((mark, style), " ", _printable(text))


def _print_json(data: Any) -> None:
    def clean(x: Any) -> Any:  # file names that are not UTF-8 → \\xNN, so the output is valid UTF-8 JSON
        if isinstance(x, str):
            return _printable(x)
        if isinstance(x, dict):
            return {clean(k): clean(v) for k, v in x.items()}
        return [clean(v) for v in x] if isinstance(x, (list, tuple)) else x

    sys.stdout.write(json.dumps(clean(data), ensure_ascii=False, indent=2, default=str) + "\n")


class _Speed(ProgressColumn):
    """Documents per second (the progress bar is shown on a terminal only)."""

    def render(self, task) -> Text:
        return Text(f"{task.speed:.1f} docs/s" if task.speed else "", style="dim")


@app.command()
def ingest(
    paths: List[Path] = typer.Argument(..., help="Report files, or folders to search for .txt/.md/.pdf/.docx/.xlsx files."),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Folder for <table>.parquet files and hyoka.duckdb."),
    replace: bool = typer.Option(False, help="Replace the stored dataset instead of merging into it."),
    allow_empty: bool = typer.Option(False, "--allow-empty",
                                     help="With --replace: allow a run that read nothing to empty the dataset."),
    force: bool = typer.Option(False, "--force", help="Read every file again, also those whose content is stored."),
    read_anyway: bool = typer.Option(False, "--read-anyway", help="Read files the report gate judges not to be evaluation/progress reports "
                                     "(by default they are kept as a documents row with status not_a_report and "
                                     "the reason, and nothing is read from them)."),
    chunk_size: int = typer.Option(20, "--chunk-size", min=1,
                                   help="Documents written to the store at a time (memory holds one chunk)."),
    lock_timeout: float = typer.Option(0.0, "--lock-timeout", min=0.0,
                                       help="Seconds to wait while another hyoka writes to OUT (0: fail at once)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary (as hyoka -q)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document on stdout instead of the progress "
                                 "bar and summary: per file its path, status, doc_id, rows per table and reason."),
    nlp: bool = typer.Option(False, "--nlp", help="Also run the Japanese NLP layer: actors, target ↔ result evidence, "
                             "themes on lemmas (slower; see bench/README.md)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1,
                                       help="Worker processes reading files (default: every core; 1: in this process)."),
    limit: Optional[List[str]] = typer.Option(None, "--limit", metavar="NAME=VALUE",
                                              help="A per-document limit, e.g. --limit max_pages=500 --limit "
                                                   "max_seconds=60 (names: extractors/limits.py; hyoka info lists them)."),
    executor: str = typer.Option("local", "--executor", help="local (processes on this machine) or dask."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="With --executor dask: the scheduler address (tcp://host:8786); "
                                                 "without it a local Dask cluster is started."),
) -> None:
    """Read reports into the dataset in OUT (re-running on the same files gives the same dataset).

    Only new and changed files are read (by content hash; --force reads all), a chunk at a time;
    the dataset is published in one commit, so an interrupted run leaves the previous one whole.
    Each file that can't be read is named once, with the reason, on stderr (with --json: in the
    JSON, status "failure") and listed in the failures table; the others are stored.
    Exit status: 0 every file was read (or is stored unchanged); 2 --out unusable (busy, not
    writable, not a store, --replace with nothing read); 3 some files could not be read; 4 no
    file was read.
    """
    from hyoka import __version__
    from hyoka.pipeline.ingest import DUPLICATE, FAILED, READ, UNCHANGED, IngestSettings, ingest_to_store
    from hyoka.pipeline.executors import RunnerError
    from hyoka.pipeline.store import StoreError

    quiet = quiet or _options["quiet"]
    if out.exists() and not out.is_dir():
        raise _err(f"hyoka ingest: --out {out}: is a file, not a folder", EXIT_USAGE)
    if nlp:
        _require_nlp("ingest")  # before reading anything
    try:
        settings = IngestSettings(chunk_size=chunk_size, force=force, replace=replace, allow_empty=allow_empty,
                                  lock_timeout=lock_timeout, limits=_limits(limit or []), read_anyway=read_anyway)
        run_many = _executor(jobs, executor, scheduler)
    except (ValueError, ImportError) as exc:
        raise _err(f"hyoka ingest: {exc}", EXIT_USAGE)
    transform = None
    if nlp:
        from hyoka.pipeline.nlp import enrich_nlp

        transform = enrich_nlp  # per chunk: actors, evidence and themes on lemmas for its documents
    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), _Speed(), TimeElapsedColumn(),
                  TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.description}", markup=False),
                  console=err_console, disable=quiet or as_json, transient=True) as progress:
        task = progress.add_task("", total=None)

        summary: list[Text] = []  # printed after the progress bar, as before

        def on_plan(to_read: int, found: int) -> None:
            log.info("ingest: %d files, %d to read → %s", found, to_read, out)
            progress.update(task, total=found)

        def on_file(report) -> None:
            if report.status in (FAILED, DUPLICATE) and not as_json:  # named here, once; not again in the summary
                dup = report.status == DUPLICATE
                progress.console.print(_mark("=" if dup else "✗", "dim" if dup else "red", report.line()),
                                       highlight=False, soft_wrap=True)
            if report.status == READ:
                log.debug("read %s: layout %s, %d measures", report.shown, (report.document or {}).get("layout"),
                          report.counts.get("measures", 0))
                if not quiet and not as_json:
                    summary.append(_summary_line(report))
            progress.update(task, advance=1, description=_printable(Path(report.shown).name))

        try:
            run = ingest_to_store(paths, out, settings, executor=run_many, transform=transform, on_plan=on_plan,
                                  on_file=on_file)
        except StoreError as exc:
            raise _err(f"hyoka ingest: --out {exc}", EXIT_USAGE)
        except RunnerError as exc:
            raise _err(f"hyoka ingest: {exc}", EXIT_USAGE)
    for line in summary:
        console.print(line, highlight=False, soft_wrap=True)
    if not run.found:
        message = f"no report files found in {', '.join(map(str, paths))}"
        if as_json:
            _print_json({"hyoka": __version__, "out": str(out), "exit_code": EXIT_NONE_READ, "error": message,
                         "read": 0, "failed": 0, "duplicates": 0, "unchanged": 0, "files": []})
        raise _err(f"hyoka: {message}", EXIT_NONE_READ)
    n_read, n_failed, n_dup, n_same = (run.count(s) for s in (READ, FAILED, DUPLICATE, UNCHANGED))
    log.info("stored in %s: %s", out, ", ".join(f"{n} {k}" for n, k in run.tables.items()))
    n_not = sum(1 for r in run.files if r.status == READ and (r.document or {}).get("status") == "not_a_report")
    if run.stale_files:  # Windows: a file another program holds open can't be replaced or removed
        print(f"hyoka ingest: note: {out / run.stale_files[0]}"
              + (f" and {len(run.stale_files) - 1} more" if len(run.stale_files) > 1 else "")
              + " could not be refreshed (open in another program); hyoka.duckdb and hyoka.open() have "
              "the new rows, the next ingest refreshes it", file=sys.stderr)
    code = (EXIT_SOME_FAILED if n_read or n_same else EXIT_NONE_READ) if n_failed else EXIT_OK
    if as_json:
        _print_json({"hyoka": __version__, "out": str(out), "exit_code": code, "read": n_read, "failed": n_failed,
                     "duplicates": n_dup, "unchanged": n_same, "not_reports": n_not,
                     "files": [_file_entry(r) for r in run.files],
                     "tables": run.tables})
        raise typer.Exit(code)
    written = (", ".join(f"{n} {run.tables.get(n, 0)}" for n in ("measures", "actions", "indicator_values", "notes"))
               if run.generation is not None else "nothing to write")
    console.print(
        f"{n_read} read, {n_failed} failed"
        + (f", {n_dup} duplicates skipped" if n_dup else "")
        + (f", {n_same} unchanged" if n_same else "")
        + (f", {n_not} judged not a report (kept, nothing read from it)" if n_not else "")
        + f" → {out}/ ({written})",
        markup=False, highlight=False, soft_wrap=True,
    )
    raise typer.Exit(code)


def _require_nlp(command: str) -> None:
    """A usage error naming the install command when no Japanese spaCy pipeline is installed."""
    from hyoka.pipeline.nlp import available

    if not available():
        raise _err(f"hyoka {command}: --nlp needs a Japanese spaCy pipeline: {NLP_INSTALL}", EXIT_USAGE)


def _limits(items: list[str]):
    """「max_pages=500」… → Limits (ValueError, one line, for a bad name or value)."""
    from hyoka.extractors.limits import Limits

    values: dict[str, float] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        try:
            values[name.strip()] = float(raw)
        except ValueError:
            raise ValueError(f"--limit {item}: expected NAME=NUMBER, e.g. max_pages=500") from None
        if not sep:
            raise ValueError(f"--limit {item}: expected NAME=NUMBER, e.g. max_pages=500")
    return Limits.from_mapping({k: int(v) if k in ("max_cells", "max_grid_span", "max_pages") else v
                                for k, v in values.items()})


def _executor(jobs: int | None, executor: str, scheduler: str | None):
    """The per-file runner for ingest_to_store: in this process for one job or a handful of files,
    else a process pool of `jobs` workers, or a Dask cluster (pipeline/executors.py)."""
    from hyoka.pipeline.executors import check_runner, run_files

    cores = check_runner(jobs, executor, scheduler, option=lambda name: f"--{name}")

    def run(paths, limits, read_anyway=False):
        # a pool costs a few seconds to start: not worth it for fewer files than two per worker
        n = 1 if executor == "local" and len(paths) < 2 * cores else cores
        return run_files(paths, limits=limits, jobs=n, executor=executor, scheduler=scheduler, read_anyway=read_anyway)

    return run


def _file_entry(report) -> dict:
    """One JSON-ready entry per input file: path, status, doc_id, format, layout, rows per table, reason."""
    doc = report.document or {}
    if report.status == "read":
        errors = doc.get("errors")
        reason = "; ".join(errors) if errors is not None and len(errors) else None
        return {"path": report.shown, "status": doc.get("status"), "doc_id": report.doc_id,
                "format": doc.get("format"), "layout": doc.get("layout"),
                "stage": "gate" if doc.get("status") == "not_a_report" else None, "reason": reason,
                "counts": {n: c for n, c in report.counts.items()}}
    if report.status == "unchanged":
        return {"path": report.shown, "status": "unchanged", "doc_id": report.doc_id, "format": None,
                "layout": None, "stage": None, "reason": "content already stored; not read again", "counts": {}}
    failure = report.failure
    return {"path": report.shown, "status": "duplicate" if report.status == "duplicate" else "failure",
            "doc_id": failure.doc_id, "format": None, "layout": None, "stage": failure.stage,
            "reason": failure.reason, "counts": {}}


def _short_name(shown: str) -> str:
    """A file's name for a summary line; a zip member keeps its place in the bundle (r5.zip!/市/a.pdf),
    since members of different folders often share a name."""
    from hyoka.extractors import bundles

    parts = bundles.split(shown)
    return Path(shown).name if parts is None else "!/".join([Path(parts[0]).name, *parts[1:]])


def _summary_line(report) -> Text:
    """One line for a document read: what was read from it (failures are named as they happen)."""
    d = report.document or {}
    counts = [(d.get("n_measures"), "measures"), (d.get("n_actions"), "actions"), (d.get("n_indicator_values"), "values"),
              (d.get("n_score_summaries"), "scores"), (d.get("n_notes"), "notes"), (d.get("n_flags"), "flags"),
              (d.get("ocr_pages"), "pages OCR")]
    if d.get("status") == "not_a_report":  # kept, not read: said on its own line, with the gate's evidence
        return _mark("–", "yellow", f"{_short_name(report.shown)}  judged not a report, nothing read "
                                    f"(--read-anyway reads it): {d.get('gate') or ''}")
    ok = d.get("status") == "success"
    line = _mark("✓" if ok else "~", "green" if ok else "yellow",
                 f"{_short_name(report.shown)}  {d.get('municipality') or '?'} FY{d.get('fiscal_year') or '?'} ")
    line.append(d.get("layout") or "", style="dim")
    line.append("  " + " · ".join(f"{int(n)} {label}" for n, label in counts if n))
    return line


@app.command()
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


def _say_not_reports(documents) -> None:
    """One line on stderr per document the report gate kept out (audit, compare): never a silent drop."""
    for d in documents:
        if d.status.value == "not_a_report":
            err_console.print(_mark("–", "yellow", f"{d.source_path}: judged not a report, nothing read: {d.gate}"),
                              highlight=False, soft_wrap=True)


def _print_whole(renderable) -> None:
    """On a terminal as usual; piped or redirected, every line whole (no cropping at 80 columns)."""
    if console.is_terminal:
        console.print(renderable)
        return
    wide = Console(file=io.StringIO(), width=100_000, soft_wrap=True, force_terminal=False, color_system=None)
    wide.print(renderable)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in wide.file.getvalue().splitlines()))


@app.command()
def audit(
    paths: Optional[List[Path]] = typer.Argument(None, help="Report files or folders (ingested first)."),
    rules: Optional[Path] = typer.Option(None, "--rules", help="Rules TOML for documents that print no legend."),
    fmt: str = typer.Option("table", "--format", "-f", help="table | json | csv | html"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the report to this file (default: stdout)."),
    db: Optional[Path] = typer.Option(None, "--db", help="Audit an existing store (hyoka.duckdb) instead of PATHs."),
    show_all: bool = typer.Option(False, "--all", help="Table and html formats: list every consistent finding too."),
    read_anyway: bool = typer.Option(False, "--read-anyway", help="Read files the report gate judges not to be evaluation/progress reports "
                                     "(by default they are kept as a documents row with status not_a_report and "
                                     "the reason, and nothing is read from them)."),
) -> None:
    """Recompute every published score from its rule and check dates, eras and cross references.

    Rules come from the legend a report prints (凡例, 評価指標) first, then --rules, then the
    bundled presets; every finding names its rule. Exit status: 0 nothing inconsistent,
    1 something inconsistent, 2 usage or input error (or some of PATHS could not be read).
    """
    from hyoka.pipeline.audit import audit_tables
    from hyoka.pipeline.report import render
    from hyoka.pipeline.rules import RuleSet, load_rules

    if fmt not in ("table", "json", "csv", "html"):
        raise _err(f"hyoka audit: --format must be table, json, csv or html (got {fmt!r})", EXIT_USAGE)
    if bool(paths) == bool(db):
        raise _err("hyoka audit: give report PATHs or --db, not both or neither", EXIT_USAGE)
    try:
        ruleset = load_rules(rules) if rules else RuleSet()
    except ValueError as exc:
        raise _err(f"hyoka audit: {exc}", EXIT_USAGE)
    failures = []
    if db and fmt in ("json", "csv"):  # written a batch of documents at a time: memory stays flat
        n_docs, n_findings, inconsistent = _audit_db_streamed(db, ruleset, fmt, out)
        if out is not None:
            console.print(f"{n_findings} findings → {out}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_INCONSISTENT if inconsistent else EXIT_OK)
    if db:
        findings, n_docs = _audit_db(db, ruleset)
    else:
        from hyoka.pipeline.ingest import ingest as run_ingest

        result = run_ingest(paths, read_anyway=read_anyway)
        for f in result.failures:
            err_console.print(_mark("✗", "red", f.line()), highlight=False, soft_wrap=True)
        _say_not_reports(result.documents)
        failures = result.failures
        tables = result.tables(audit=False)
        findings = audit_tables(tables, ruleset)
        n_docs = tables["documents"].shape[0]
    if not n_docs:
        raise _err("hyoka audit: no report could be read, nothing to audit", EXIT_USAGE)
    text = render(findings, fmt, show_all=show_all, console=console if out is None else None)
    if out is not None:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _err(f"hyoka audit: --out {out}: {exc.strerror or exc}", EXIT_USAGE)
        console.print(f"{len(findings)} findings → {out}", markup=False, highlight=False, soft_wrap=True)
    elif text:
        sys.stdout.write(text)
    if any(f.status == "inconsistent" for f in findings):
        raise typer.Exit(EXIT_INCONSISTENT)
    if failures:
        raise typer.Exit(EXIT_USAGE)


def _audit_db_streamed(path: Path, ruleset, fmt: str, out: Optional[Path], batch_size: int = 20):
    """`audit --db` in JSON or CSV, the same text `render` gives for all findings at once, written
    as each batch of documents is audited; (documents, findings, any inconsistent)."""
    import os
    import tempfile
    import textwrap
    from dataclasses import asdict

    from hyoka.pipeline.audit import audit_tables, findings_frame
    from hyoka.pipeline.store import StoreError, database_path, iter_doc_batches

    n_docs = n_findings = 0
    inconsistent = False
    tmp = None
    try:
        if out is not None:  # the report appears whole or not at all
            fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent if str(out.parent) else ".")
            sink = os.fdopen(fd, "w", encoding="utf-8", newline="")
        else:
            sink = sys.stdout
        try:
            for tables in iter_doc_batches(path, batch_size):
                n_docs += len(tables["documents"])
                findings = audit_tables(tables, ruleset)
                inconsistent = inconsistent or any(f.status == "inconsistent" for f in findings)
                if fmt == "json":
                    for f in findings:
                        item = json.dumps(asdict(f), ensure_ascii=False, indent=2, default=str)
                        sink.write(("[\n" if not n_findings else ",\n") + textwrap.indent(item, "  "))
                        n_findings += 1
                elif findings or not n_findings:
                    findings_frame(findings).to_csv(sink, index=False, header=not n_findings)
                    n_findings += len(findings)
            if fmt == "json":
                sink.write("\n]\n" if n_findings else "[]\n")
        finally:
            if sink is not sys.stdout:
                sink.close()
        if not n_docs:
            raise _err("hyoka audit: no report could be read, nothing to audit", EXIT_USAGE)
        if tmp is not None:
            os.replace(tmp, out)
            tmp = None
    except StoreError as exc:
        raise _err(f"hyoka audit: --db {database_path(path)}: {exc}", EXIT_USAGE)
    except OSError as exc:
        raise _err(f"hyoka audit: --out {out}: {exc.strerror or exc}", EXIT_USAGE)
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return n_docs, n_findings, inconsistent


def _audit_db(path: Path, ruleset, batch_size: int = 20):
    """Findings for every document of a store, read and audited `batch_size` documents at a
    time (memory: one batch); and the number of documents."""
    from hyoka.pipeline.audit import audit_tables
    from hyoka.pipeline.store import StoreError, database_path, iter_doc_batches

    findings, n_docs = [], 0
    try:
        for tables in iter_doc_batches(path, batch_size):
            n_docs += len(tables["documents"])
            findings.extend(audit_tables(tables, ruleset))
    except StoreError as exc:
        raise _err(f"hyoka audit: --db {database_path(path)}: {exc}", EXIT_USAGE)
    return findings, n_docs


@app.command()
def compare(
    paths: Optional[List[Path]] = typer.Argument(None, help="Report files or folders (read first, nothing stored)."),
    db: Optional[Path] = typer.Option(None, "--db", help="Compare an existing store (its hyoka.duckdb or folder)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table | json | csv | html"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write to this file (default: stdout)."),
    themes: Optional[Path] = typer.Option(None, "--themes", help="Your theme words (TOML, as pipeline/data/themes.toml), "
                                          "added to the bundled ones; also $HYOKA_THEMES."),
    all_measures: bool = typer.Option(False, "--all-measures", help="Count measures outside the industrial plan too "
                                      "(a city's whole 事務事業 list)."),
    use_nlp: Optional[bool] = typer.Option(None, "--nlp/--no-nlp", help="Pair 達成指標 targets with 実施 results "
                                           "(spaCy layer). Default: when a Japanese pipeline is installed."),
) -> None:
    """Compare cities: a municipality × theme matrix (measures, indicators, mean achievement 0–1,
    方向性 counts) and the same measure followed across years.

    Achievement is read through each document's own legend (grades, ○△□ symbols), else
    actual/target, else (with NLP) the targets and results printed in 取組 text. Exit status:
    0 done; 2 usage or input error (or some of PATHS could not be read).
    """
    from hyoka.pipeline.compare import cells_csv, compare_data, matrix_frame
    from hyoka.pipeline.themes import load_vocabulary

    if fmt not in ("table", "json", "csv", "html"):
        raise _err(f"hyoka compare: --format must be table, json, csv or html (got {fmt!r})", EXIT_USAGE)
    if bool(paths) == bool(db):
        raise _err("hyoka compare: give report PATHs or --db, not both or neither", EXIT_USAGE)
    render_html = None
    if fmt == "html":
        try:
            from hyoka.pipeline.report_html import render_compare as render_html
        except ImportError:
            raise _err("hyoka compare: --format html is not available yet in this version (use json, csv or table)",
                       EXIT_USAGE)
    try:
        vocabulary = load_vocabulary(themes) if themes else None
    except ValueError as exc:
        raise _err(f"hyoka compare: --themes: {exc}", EXIT_USAGE)
    from hyoka.pipeline.nlp import available

    if use_nlp is None:
        use_nlp = bool(available())
    if use_nlp:
        _require_nlp("compare")
    failures = []
    if db:
        tables = _store_tables(db, "compare")
    else:
        from hyoka.pipeline.ingest import ingest as run_ingest

        result = run_ingest(paths)
        _say_not_reports(result.documents)
        for f in result.failures:
            if f.stage != "duplicate":
                err_console.print(_mark("✗", "red", f.line()), highlight=False, soft_wrap=True)
        failures = [f for f in result.failures if f.stage != "duplicate"]
        tables = result.tables(audit=False)
    if not tables["documents"].shape[0]:
        raise _err("hyoka compare: no report could be read, nothing to compare", EXIT_USAGE)
    if use_nlp:
        from hyoka.pipeline.nlp import enrich_nlp

        # pair 達成指標 targets with 実施 results for every document (cheap; a store enriched by
        # `ingest --nlp` for only some of its documents is completed the same way)
        log.info("compare: pairing 達成指標 targets with 実施 results (NLP)")
        tables = enrich_nlp(tables, actors=False, themes=False)
    data = compare_data(tables, all_measures=all_measures, vocabulary=vocabulary)
    if fmt == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    elif fmt == "csv":
        text = cells_csv(data)
    elif fmt == "html":
        text = render_html(data)
    else:
        text = _compare_table(data, matrix_frame)
    if out is not None:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _err(f"hyoka compare: --out {out}: {exc.strerror or exc}", EXIT_USAGE)
        console.print(f"{len(data['municipalities'])} municipalities × {len(data['themes'])} themes → {out}",
                      markup=False, highlight=False, soft_wrap=True)
    else:
        sys.stdout.write(text)
    if failures:
        raise typer.Exit(EXIT_USAGE)


def _compare_table(data: dict, matrix_frame) -> str:
    """The matrix as plain text: per city and theme 「measures (achievement %)」, then per city its totals."""
    counts, achievement = matrix_frame(data, "n_measures"), matrix_frame(data, "achievement")
    themes = [t for t in data["themes"] if counts[t].sum() > 0] if not counts.empty else []
    lines = ["municipality\t" + "\t".join(themes)]
    for city in data["municipalities"]:
        cells = []
        for t in themes:
            n, a = counts.at[city, t], achievement.at[city, t]
            cells.append("-" if not n else f"{int(n)}" + ("" if _isna(a) else f" ({a * 100:.0f}%)"))
        lines.append(city + "\t" + "\t".join(cells))
    lines.append("")
    for c in data["cities"]:
        ach = "-" if c["achievement"] is None else f"{c['achievement'] * 100:.1f}%"
        dirs = " ".join(f"{k}×{v}" for k, v in c["directions"].items()) or "-"
        lines.append(f"{c['municipality']}: {c['n_measures']} measures ({c['n_outside_plan']} outside the plan not "
                     f"counted), その他 {c['share_other'] * 100 if c['share_other'] is not None else 0:.0f}%, "
                     f"achievement {ach} of {c['n_graded']} graded, directions {dirs}")
    return "\n".join(lines) + "\n"


def _isna(x) -> bool:
    return x is None or x != x


def _store_tables(path: Path, command: str):
    from hyoka.pipeline.store import DB_NAME, StoreError, load_duckdb, open_store

    try:
        if path.is_dir() and (path / DB_NAME).exists():
            # the --out folder of `hyoka ingest`: its published generation, even while a run writes
            return open_store(path)
        return load_duckdb(path)
    except StoreError as exc:
        raise _err(f"hyoka {command}: --db {path}: {exc}", EXIT_USAGE)


@app.command()
def info(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document on stdout."),
) -> None:
    """What this hyoka can read: file formats, report layouts, rule presets, limits, NLP pipeline."""
    import dataclasses

    from hyoka import __version__, extractors
    from hyoka.extractors.limits import DEFAULT_LIMITS
    from hyoka.extractors.ocr import info as ocr_info
    from hyoka.pipeline.nlp import available
    from hyoka.pipeline import gate
    from hyoka.pipeline.rules import load_presets

    backends, layouts, presets, nlp = extractors.backends(), extractors.layouts(), load_presets().rules, available()
    if as_json:
        _print_json({
            "hyoka": __version__,
            "formats": [{"name": b.name, "extensions": list(b.extensions), "reader": b.describe() or None}
                        for b in backends],
            "layouts": [{"name": layout.name, "description": layout.description} for layout in layouts],
            "rule_presets": [{"id": rule.id, "kind": rule.kind, "source": rule.source, "applies_to": applies_to}
                             for rule, applies_to in presets],
            "nlp": {"installed": nlp, "best": nlp[0] if nlp else None,
                    "description": NLP_DESCRIPTIONS.get(nlp[0]) if nlp else None,
                    "install": None if nlp else NLP_INSTALL},
            "limits": dataclasses.asdict(DEFAULT_LIMITS),
            "report_gate": {"rule": gate.describe(), **gate.thresholds()},
            "ocr": ocr_info(),
        })
        return
    plain = {"markup": False, "highlight": False, "soft_wrap": True}
    console.print(f"hyoka {__version__}", **plain)
    console.print("[bold]formats[/bold]")
    for b in backends:
        reader = b.describe()
        console.print(f"  {b.name}: {' '.join(b.extensions)}" + (f" — {reader}" if reader else ""), **plain)
    console.print(f"  {ocr_info()['line']}", **plain)  # scanned PDFs: extractors/ocr.py
    console.print("[bold]layouts[/bold]")
    for layout in layouts:
        console.print(f"  {layout.name}: {layout.description}", **plain)
    console.print("[bold]rule presets[/bold]")
    for rule, applies_to in presets:
        where = ", ".join(f"{k}={v}" for k, v in applies_to.items()) or "any document"
        console.print(f"  {rule.id} ({rule.kind}) for {where}", **plain)
    console.print("[bold]limits per document[/bold] (hyoka ingest --limit NAME=VALUE)")
    console.print("  " + ", ".join(f"{k}={v:g}" for k, v in dataclasses.asdict(DEFAULT_LIMITS).items()), **plain)
    console.print("[bold]report gate[/bold] (a file that fails it is kept as not_a_report; --read-anyway reads it)")
    console.print(f"  {gate.describe()}", **plain)
    console.print(Text.assemble(("NLP", "bold"), " (hyoka compare, ingest --nlp; not audit): ",
                                f"{nlp[0]} — {NLP_DESCRIPTIONS.get(nlp[0], nlp[0])} (best installed of {', '.join(nlp)})"
                                if nlp else f"none — {NLP_INSTALL}"),
                  highlight=False, soft_wrap=True)


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
