"""What every `hyoka` command shares: exit codes, the two consoles, logging, and printing a file's
name or a reason safely.

Every message naming a file or a failure reason is printed with Rich markup off (or as Text),
so a file called `[x].txt` is printed as it is and can't break the output.
"""

from __future__ import annotations

import io
import json
import logging
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

EXIT_OK = 0
EXIT_INCONSISTENT = 1  # audit: some published value is inconsistent with its rule
EXIT_USAGE = 2  # usage or input error (bad option, --out is a file, not a store, bad rules file …)
EXIT_SOME_FAILED = 3  # some files could not be read; the others were stored
EXIT_NONE_READ = 4  # no file could be read (or none was found)

NLP_INSTALL = 'pip install "hyoka[nlp]"'
NLP_DESCRIPTIONS = {"ja_core_news_sm": "spaCy ja_core_news_sm", "ja_ginza": "GiNZA (ja_ginza)",
                    "blank:ja": 'spacy.blank("ja") + SudachiPy (tokenizer, lemmas, no NER)'}

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


def _printable(text: str) -> str:
    """`text` with the bytes of a file name that is not UTF-8 (a Windows zip's cp932 names) shown as \\xNN."""
    from hyoka.normalizers.text import printable

    return printable(text)


# control characters in a file name (a newline, a tab, ESC) shown escaped: one message, one line
_CONTROLS = {**{c: f"\\x{c:02x}" for c in (*range(32), 127)}, 10: "\\n", 13: "\\r", 9: "\\t"}


def _oneline(text: str) -> str:
    """`text` printable (see _printable) and on one line: control characters escaped (\\n, \\x1b)."""
    return _printable(text).translate(_CONTROLS)


def _err(message: str, code: int) -> typer.Exit:
    """Print one plain line on stderr; the Exit to raise."""
    err_console.print(_oneline(message), markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _mark(mark: str, style: str, text: str) -> Text:
    """A coloured mark and a plain text on one line (no markup in `text` is interpreted)."""
    return Text.assemble((mark, style), " ", _oneline(text))


def _envelope(command: str, exit_code: int, **payload: Any) -> dict:
    """The JSON every command prints: the same wrapper (hyoka's version, the command, its exit
    status) around the command's own keys (an "error" when it stopped on one)."""
    from hyoka import __version__

    return {"hyoka": __version__, "command": command, "exit_code": exit_code, **payload}


def _json_err(command: str, message: str, code: int, **payload: Any) -> typer.Exit:
    """A usage error as a JSON document on stdout (for --json / --format json) and the one line on stderr."""
    _print_json(_envelope(command, code, error=message, **payload))
    return _err(message, code)


def _print_json(data: Any) -> None:
    def clean(x: Any) -> Any:  # file names that are not UTF-8 → \\xNN, so the output is valid UTF-8 JSON
        if isinstance(x, str):
            return _printable(x)
        if isinstance(x, dict):
            return {clean(k): clean(v) for k, v in x.items()}
        return [clean(v) for v in x] if isinstance(x, (list, tuple)) else x

    sys.stdout.write(json.dumps(clean(data), ensure_ascii=False, indent=2, default=str) + "\n")


def _require_nlp(command: str) -> None:
    """A usage error naming the install command when no Japanese spaCy pipeline is installed."""
    from hyoka.pipeline.nlp import available

    if not available():
        raise _err(f"hyoka {command}: --nlp needs a Japanese spaCy pipeline: {NLP_INSTALL}", EXIT_USAGE)


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


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:g}"


def _short(text: str | None, n: int = 40) -> str:
    if not text:
        return "-"
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
