"""The `hyoka` app: its global options and its commands, each in its own module (cli_ingest,
cli_show, cli_audit, cli_compare, cli_info), what they share in cli_common.

Imported by hyoka.pipeline.cli (the entry point) once a command needs it; `hyoka --version`
is answered there without importing this.
"""

from __future__ import annotations

import typer

from hyoka.pipeline.cli_audit import _audit_db, _audit_db_streamed, audit
from hyoka.pipeline.cli_common import (EXIT_INCONSISTENT, EXIT_NONE_READ, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE,
                                       _options, _setup_logging)
from hyoka.pipeline.cli_compare import compare
from hyoka.pipeline.cli_export import export
from hyoka.pipeline.cli_info import info
from hyoka.pipeline.cli_ingest import ingest
from hyoka.pipeline.cli_show import show

__all__ = ["app", "EXIT_OK", "EXIT_INCONSISTENT", "EXIT_USAGE", "EXIT_SOME_FAILED", "EXIT_NONE_READ",
           "_audit_db", "_audit_db_streamed"]

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


for _command in (ingest, show, audit, compare, export, info):  # the order of `hyoka --help`
    app.command()(_command)
