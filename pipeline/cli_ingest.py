"""`hyoka ingest`: read reports into the store in --out, one line per file, a summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.text import Text

from hyoka.pipeline.cli_common import (EXIT_NONE_READ, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, _envelope, _err,
                                       _json_err, _mark, _oneline, _options, _print_json, _require_nlp, console,
                                       err_console, log)


class _Speed(ProgressColumn):
    """Documents per second (the progress bar is shown on a terminal only)."""

    def render(self, task) -> Text:
        return Text(f"{task.speed:.1f} docs/s" if task.speed else "", style="dim")


def ingest(
    paths: List[Path] = typer.Argument(..., readable=False,  # an unreadable file is its own failure, not the batch's
                                       help="Report files, or folders to search for .txt/.md/.pdf/.docx/.xlsx files."),
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
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Errors only: no progress bar, no line per file read, "
                               "no summary (as hyoka -q)."),
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
    pdf_setting: Optional[List[str]] = typer.Option(None, "--pdf-setting", metavar="KEY=VALUE",
                                                    help="How PDFs are read, e.g. --pdf-setting engine=pdfplumber "
                                                         "(keys: PdfSettings in extractors/pdf/settings.py; --force "
                                                         "to re-read stored files)."),
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
    from hyoka.pipeline.ingest import IngestSettings

    quiet = quiet or _options["quiet"]
    fail = _failer(out, as_json)
    try:
        if out.exists() and not out.is_dir():
            raise fail(f"hyoka ingest: --out {out}: is a file, not a folder", EXIT_USAGE)
    except OSError as exc:  # under a folder this user can't enter
        raise fail(f"hyoka ingest: --out {out}: {(exc.strerror or str(exc)).lower()}", EXIT_USAGE)
    if nlp:
        _require_nlp("ingest")  # before reading anything
    try:
        settings = IngestSettings(chunk_size=chunk_size, force=force, replace=replace, allow_empty=allow_empty,
                                  lock_timeout=lock_timeout, limits=_limits(limit or []), read_anyway=read_anyway,
                                  pdf=_pdf_settings(pdf_setting))
        run_many = _executor(jobs, executor, scheduler)
    except (ValueError, ImportError) as exc:
        raise fail(f"hyoka ingest: {exc}", EXIT_USAGE)
    transform = None
    if nlp:
        from hyoka.pipeline.nlp import enrich_nlp

        transform = enrich_nlp  # per chunk: actors, evidence and themes on lemmas for its documents
    run = _run(paths, out, settings, run_many, transform, quiet, as_json, fail)
    _finish(run, paths, out, quiet, as_json, fail)


def _failer(out: Path, as_json: bool):
    """The Exit for a problem that stops the run: one line on stderr; with --json also a JSON
    document on stdout, so a script always gets one."""
    def fail(message: str, code: int) -> typer.Exit:
        if as_json:
            return _json_err("ingest", message, code, out=str(out), read=0, failed=0, duplicates=0, unchanged=0,
                             files=[])
        return _err(message, code)

    return fail


def _run(paths, out: Path, settings, run_many, transform, quiet: bool, as_json: bool, fail):
    """ingest_to_store with a progress bar that moves as each file is read (its ETA from that pace)
    and a line per file printed as soon as it is read (✓ read, ~ partly, – not a report, ✗ failed,
    = duplicate); failures on stderr, errors only with -q, nothing but the JSON with --json."""
    from hyoka.pipeline.executors import RunnerError
    from hyoka.pipeline.ingest import DUPLICATE, FAILED, READ, ingest_to_store
    from hyoka.pipeline.store import StoreError

    shown: set[int] = set()  # the reports already named (at read time), not named again when stored
    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), _Speed(), TimeElapsedColumn(),
                  TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.description}", markup=False),
                  console=err_console, disable=quiet or as_json, transient=True) as progress:
        task = progress.add_task("", total=None)

        def on_plan(to_read: int, found: int) -> None:
            log.info("ingest: %d files, %d to read → %s", found, to_read, out)
            progress.update(task, total=to_read)

        def say(report) -> None:
            shown.add(id(report))
            if as_json:
                return
            if report.status == FAILED or (report.status == DUPLICATE and not quiet):
                dup = report.status == DUPLICATE
                progress.console.print(_mark("=" if dup else "✗", "dim" if dup else "red", report.line()),
                                       highlight=False, soft_wrap=True)
            elif report.status == READ:
                log.debug("read %s: layout %s, %d measures", report.shown, (report.document or {}).get("layout"),
                          report.counts.get("measures", 0))
                if not quiet:
                    console.print(_summary_line(report), highlight=False, soft_wrap=True)  # stdout, above the bar

        def on_read(report) -> None:
            say(report)
            progress.update(task, advance=1, description=_oneline(Path(report.shown).name))

        def on_file(report) -> None:
            if id(report) not in shown and report.status in (FAILED, DUPLICATE, READ):
                say(report)

        try:
            return ingest_to_store(paths, out, settings, executor=run_many, transform=transform, on_plan=on_plan,
                                   on_file=on_file, on_read=on_read)
        except StoreError as exc:
            raise fail(f"hyoka ingest: --out {exc}", EXIT_USAGE)
        except RunnerError as exc:
            raise fail(f"hyoka ingest: {exc}", EXIT_USAGE)


def _finish(run, paths, out: Path, quiet: bool, as_json: bool, fail) -> None:
    """The summary (or the JSON document) and the exit status."""
    from hyoka.pipeline.ingest import DUPLICATE, FAILED, READ, UNCHANGED

    if not run.found:
        raise fail(f"hyoka: no report files found in {', '.join(map(str, paths))}"
                   + _skipped_text(run.skipped), EXIT_NONE_READ)
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
        _print_json(_envelope("ingest", code, out=str(out), read=n_read, failed=n_failed, duplicates=n_dup,
                              unchanged=n_same, not_reports=n_not, files=[_file_entry(r) for r in run.files],
                              skipped=list(run.skipped), tables=run.tables))
        raise typer.Exit(code)
    if quiet:  # errors only: they were named as they happened
        raise typer.Exit(code)
    if run.skipped:
        err_console.print(_mark("–", "dim", _skipped_text(run.skipped).strip(" ;")), highlight=False, soft_wrap=True)
    if run.generation is not None:
        written = f"→ {out}/ (" + ", ".join(f"{n} {run.tables.get(n, 0)}" for n in
                                            ("measures", "actions", "indicator_values", "notes")) + ")"
    else:
        written = f"→ {out}/ (nothing to write)" if out.exists() else f"; nothing written ({out}/ not created)"
    console.print(
        _oneline(f"{n_read} read, {n_failed} failed"
                 + (f", {n_dup} duplicates skipped" if n_dup else "")
                 + (f", {n_same} unchanged" if n_same else "")
                 + (f", {n_not} judged not a report (kept, nothing read from it)" if n_not else "")
                 + ("" if written.startswith(";") else " ") + written),
        markup=False, highlight=False, soft_wrap=True,
    )
    raise typer.Exit(code)


def _skipped_text(skipped: list[str], most: int = 10) -> str:
    """「; 2 files of other types not read: a.csv, b.json」 — each file hyoka skipped in a folder, named once."""
    if not skipped:
        return ""
    names = ", ".join(skipped[:most]) + (f" and {len(skipped) - most} more" if len(skipped) > most else "")
    return f"; {len(skipped)} file{'s' if len(skipped) > 1 else ''} of other types not read: {names}"


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
    return Limits.from_mapping({k: int(v) if k in ("max_cells", "max_grid_span", "max_pages", "max_line_fields",
                                                   "max_bundle_members") else v
                                for k, v in values.items()})


def _pdf_settings(items: list[str] | None):
    """「engine=pdfplumber」… → PdfSettings, None when none given (ValueError, one line, for a bad one)."""
    from hyoka.extractors.pdf import PdfSettings

    return PdfSettings.from_strings(items) if items else None


def _executor(jobs: int | None, executor: str, scheduler: str | None):
    """The per-file runner for ingest_to_store: in this process for one job or a handful of files,
    else a process pool of `jobs` workers, or a Dask cluster (pipeline/executors.py)."""
    from hyoka.pipeline.executors import check_runner, run_files

    cores = check_runner(jobs, executor, scheduler, option=lambda name: f"--{name}")

    def run(paths, limits, read_anyway=False, pdf=None):
        # a pool costs a few seconds to start: not worth it for fewer files than two per worker
        n = 1 if executor == "local" and len(paths) < 2 * cores else cores
        return run_files(paths, limits=limits, jobs=n, executor=executor, scheduler=scheduler, read_anyway=read_anyway,
                         pdf=pdf)

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
