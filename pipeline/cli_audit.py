"""`hyoka audit`: recompute every published score from its rule, from report files or a store."""

from __future__ import annotations

import io
import json
import sys
import textwrap
from pathlib import Path
from typing import List, Optional

import typer

from hyoka.pipeline.cli_common import (EXIT_INCONSISTENT, EXIT_OK, EXIT_USAGE, _err, _mark, _say_not_reports, console,
                                       err_console)
from hyoka.pipeline.export import file_encoding


def audit(
    paths: Optional[List[Path]] = typer.Argument(None, readable=False,  # an unreadable file: its own ✗ line
                                                 help="Report files or folders (ingested first)."),
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
    failures, documents = [], None
    if db and fmt in ("json", "csv"):  # written a batch of documents at a time: memory stays flat
        n_docs, n_findings, inconsistent = _audit_db_streamed(db, ruleset, fmt, out)
        if out is not None:
            console.print(f"{n_findings} findings → {out}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_INCONSISTENT if inconsistent else EXIT_OK)
    if db:
        findings, n_docs = _audit_db(db, ruleset)
        if fmt == "html":  # the page quotes the printed rows from the documents' files
            from hyoka.pipeline.source_view import store_document_paths

            documents = store_document_paths(db)
    else:
        from hyoka.pipeline.ingest import ingest as run_ingest

        result = run_ingest(paths, read_anyway=read_anyway)
        for f in result.failures:
            err_console.print(_mark("✗", "red", f.line()), highlight=False, soft_wrap=True)
        _say_not_reports(result.documents)
        failures = result.failures
        tables = result.tables(audit=False)
        findings = audit_tables(tables, ruleset)
        n_docs, documents = tables["documents"].shape[0], tables["documents"]
    if not n_docs:
        raise _err("hyoka audit: no report could be read, nothing to audit", EXIT_USAGE)
    code = (EXIT_INCONSISTENT if any(f.status == "inconsistent" for f in findings)
            else EXIT_USAGE if failures else EXIT_OK)
    if fmt == "json":  # the envelope every command's JSON has
        buffer = io.StringIO()
        writer = _FindingsJson(buffer)
        writer.add(findings)
        writer.end(n_docs, code)
        text = buffer.getvalue()
    else:
        text = render(findings, fmt, show_all=show_all, console=console if out is None else None,
                      documents=documents if fmt == "html" else None)
    if out is not None:
        try:
            out.write_text(text, encoding=file_encoding(fmt))  # CSV with a BOM, for Excel
        except OSError as exc:
            raise _err(f"hyoka audit: --out {out}: {exc.strerror or exc}", EXIT_USAGE)
        console.print(f"{len(findings)} findings → {out}", markup=False, highlight=False, soft_wrap=True)
    elif text:
        sys.stdout.write(text)
    raise typer.Exit(code)


class _FindingsJson:
    """The audit as JSON — the wrapper every command's JSON has ("hyoka", "command", "exit_code")
    around "findings" and "documents" — written a finding at a time (`audit --db` streams it)."""

    def __init__(self, sink) -> None:
        from hyoka import __version__

        self.sink, self.n = sink, 0
        head = json.dumps({"hyoka": __version__, "command": "audit"}, ensure_ascii=False, indent=2)
        sink.write(head[:-2] + ',\n  "findings": [')

    def add(self, findings) -> None:
        from dataclasses import asdict

        for f in findings:
            item = json.dumps(asdict(f), ensure_ascii=False, indent=2, default=str)
            self.sink.write(("\n" if not self.n else ",\n") + textwrap.indent(item, "    "))
            self.n += 1

    def end(self, n_docs: int, code: int) -> None:
        self.sink.write(("\n  ]" if self.n else "]") + f',\n  "documents": {n_docs},\n  "exit_code": {code}\n}}\n')


def _audit_db_streamed(path: Path, ruleset, fmt: str, out: Optional[Path], batch_size: int = 20):
    """`audit --db` in JSON or CSV, the same text as for all findings at once, written
    as each batch of documents is audited; (documents, findings, any inconsistent)."""
    import os
    import tempfile

    from hyoka.pipeline.audit import audit_tables, findings_frame
    from hyoka.pipeline.store import StoreError, database_path, iter_doc_batches

    n_docs = n_findings = 0
    inconsistent = False
    tmp = writer = None
    try:
        if out is not None:  # the report appears whole or not at all
            fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent if str(out.parent) else ".")
            sink = os.fdopen(fd, "w", encoding=file_encoding(fmt), newline="")  # a BOM once, at the start
        else:
            sink = sys.stdout
        try:
            writer = _FindingsJson(sink) if fmt == "json" else None
            for tables in iter_doc_batches(path, batch_size):
                n_docs += len(tables["documents"])
                findings = audit_tables(tables, ruleset)
                inconsistent = inconsistent or any(f.status == "inconsistent" for f in findings)
                if writer is not None:
                    writer.add(findings)
                    n_findings = writer.n
                elif findings or not n_findings:
                    findings_frame(findings).to_csv(sink, index=False, header=not n_findings)
                    n_findings += len(findings)
            if writer is not None:
                writer.end(n_docs, EXIT_INCONSISTENT if inconsistent else EXIT_OK)
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
