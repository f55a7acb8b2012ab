"""The `hyoka` command line: ingest reports into a dataset, show one parsed report, audit, compare, info.

The entry point. The app (pipeline/cli_app.py: global options, one module per command) is
imported only when a command runs: `hyoka --version` answers before typer, rich or anything of
the pipeline is imported, and `hyoka --help` or `hyoka info` never import pandas, pyarrow or
duckdb (bench/startup.py measures them). `from hyoka.pipeline.cli import app, EXIT_OK …`
works as before: those names are looked up in cli_app on first use.
"""

from __future__ import annotations

import sys


def main() -> None:  # console_scripts entry point
    if sys.argv[1:] == ["--version"]:
        from hyoka._version import __version__

        sys.stdout.write(__version__ + "\n")
        return
    from hyoka.pipeline.cli_app import app

    app()


def __getattr__(name: str):
    """app, EXIT_OK … from cli_app, imported on first use."""
    if name.startswith("__"):  # the import system asks for __path__ and the like: not a reason to load the app
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from hyoka.pipeline import cli_app

    try:
        return getattr(cli_app, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


if __name__ == "__main__":
    sys.exit(main())
