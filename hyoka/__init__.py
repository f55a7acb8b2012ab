"""hyoka: read Japanese municipal plan-evaluation reports into one canonical, auditable dataset.

    >>> import hyoka
    >>> ds = hyoka.read("sample_docs/")           # files or folders → a Dataset
    >>> ds.measures.head()                          # one pandas DataFrame per table
    >>> ds.save("out/")                             # Parquet + DuckDB, as `hyoka ingest --out out/`
    >>> ds = hyoka.open("out/")                     # …read back (the folder or its hyoka.duckdb)
    >>> findings = hyoka.audit(ds)                  # DataFrame, one row per check, with `status`
    >>> cmp = hyoka.compare(ds)                     # cities side by side: cmp.cells, cmp.series …
    >>> ds.to_excel("hyoka.xlsx")                   # one sheet per table, Japanese headers

The tables and their columns are described in docs/schema.md, the audit in docs/rules.md.

The implementation lives in the subpackages `hyoka.pipeline`, `hyoka.extractors` and
`hyoka.normalizers` (the repository's top-level folders pipeline/, extractors/ and normalizers/,
installed under this name by the package-dir mapping in pyproject.toml).
"""

from __future__ import annotations

import logging as _logging
import os as _os
from dataclasses import dataclass as _dataclass, field as _field, fields as _fields
from importlib.util import find_spec as _find_spec
from pathlib import Path as _Path
from typing import TYPE_CHECKING, Iterable as _Iterable, Mapping as _Mapping, Union as _Union

if TYPE_CHECKING:
    import pandas as pd

    from hyoka.extractors.pdf import PdfSettings
    from hyoka.pipeline.rules import RuleSet

from hyoka._version import __version__  # noqa: E402 (one place; no importlib.metadata on the start-up path)

# Run from a source checkout without the package installed, or with a non-editable install
# shadowed by the checkout's root on sys.path (`python -m pytest` in the root after `pip install .`):
# the subpackages are then the folders beside this one. Installed copies (editable or not) find
# them without this.
if _find_spec(f"{__name__}.pipeline") is None:
    _root = _Path(__file__).resolve().parent.parent
    if (_root / "pipeline" / "__init__.py").is_file():
        __path__.append(str(_root))  # noqa: F821 (the package's own __path__)

# A library logs, the application decides where it goes (the CLI's -q/-v do).
_logging.getLogger(__name__).addHandler(_logging.NullHandler())

# `open` is left out so that `from hyoka import *` does not hide the builtin open().
__all__ = ["Comparison", "Dataset", "PathLike", "PdfSettings", "Rules", "__version__", "audit", "compare", "read"]

PathLike = _Union[str, "_os.PathLike[str]"]
"""A file or folder name (str or pathlib.Path)."""

Rules = _Union[PathLike, "RuleSet", None]
"""Extra audit rules: a rules TOML file (docs/rules.md), a loaded RuleSet, or None."""


@_dataclass(eq=False, repr=False)
class Dataset:
    """The canonical tables of a set of reports, one pandas DataFrame per table.

    Every table is an attribute (``ds.measures``) and an item (``ds["measures"]``); `tables`
    holds all of them by name, including any table not listed as a field here (reached as
    ``ds.<name>`` too). A table with no rows still has its columns. Rows point back to the
    file, line, page or cell they were read from (``src_*`` columns); see docs/schema.md.
    """

    documents: pd.DataFrame
    """One row per report read (municipality, plan, fiscal year, layout, counts)."""
    measures: pd.DataFrame
    """施策 / 事業: one row per measure, with its place in the plan's hierarchy."""
    actions: pd.DataFrame
    """取組: what was planned and done under each measure."""
    indicator_values: pd.DataFrame
    """Targets, actuals and grades per indicator and fiscal year."""
    score_summaries: pd.DataFrame
    """Symbol counts (○◎△…) and the scores the reports state for them."""
    costs: pd.DataFrame
    """Budget and expense figures, with their funding sources."""
    notes: pd.DataFrame
    """Free-text findings (良い点, 課題, 所見 …)."""
    cross_references: pd.DataFrame
    """References from one measure to another (再掲, 関連 …)."""
    legends: pd.DataFrame
    """The rule legends printed in the reports (凡例, 評価指標)."""
    dates: pd.DataFrame
    """Every dated mention, in era and western years."""
    flags: pd.DataFrame
    """Values that were kept as printed but could not be read with certainty."""
    failures: pd.DataFrame
    """One row per file that could not be read (and byte-identical duplicates skipped)."""
    audit_findings: pd.DataFrame
    """The audit's findings (see `hyoka.audit`); empty if the dataset was read without audit."""
    tables: dict[str, pd.DataFrame] = _field(default_factory=dict)
    """Every table by name: the ones above and any other the store holds."""

    def __post_init__(self) -> None:
        named = {f.name: getattr(self, f.name) for f in _fields(self) if f.name != "tables"}
        self.tables = {**named, **{k: v for k, v in self.tables.items() if k not in named}}

    @classmethod
    def from_tables(cls, tables: _Mapping[str, pd.DataFrame]) -> Dataset:
        """A Dataset from {table name: DataFrame}; a missing table is empty, with its columns."""
        empty = _empty_tables()
        named = {f.name: tables.get(f.name, empty.get(f.name)) for f in _fields(cls) if f.name != "tables"}
        return cls(**named, tables=dict(tables))

    def __getattr__(self, name: str) -> pd.DataFrame:
        # only called for names that are not fields: tables added after this class was written
        tables = self.__dict__.get("tables") or {}
        if name in tables:
            return tables[name]
        raise AttributeError(f"{type(self).__name__} has no attribute or table {name!r}")

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def __contains__(self, name: object) -> bool:
        return name in self.tables

    @property
    def names(self) -> list[str]:
        """The table names, in store order."""
        return list(self.tables)

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {name: len(frame) for name, frame in self.tables.items()}

    def save(self, out_dir: PathLike, *, replace: bool = False) -> _Path:
        """Write the dataset to `out_dir` as `hyoka ingest --out` does (<table>.parquet + hyoka.duckdb),
        merged into what is stored there unless `replace`, in one atomic commit. Returns the folder.
        Raises `hyoka.pipeline.store.StoreError` (StoreBusy while another process writes there)."""
        from hyoka.pipeline.store import write

        return write(self.tables, out_dir, replace=replace)

    def to_excel(self, path: PathLike) -> _Path:
        """Write every table to one .xlsx workbook, one sheet per table: Japanese headers over the
        English column names, the header frozen, filters on, numbers as numbers, and a 列 sheet
        describing the columns (a table over Excel's 1,048,576 rows is split over sheets). Returns the path."""
        from hyoka.pipeline.export import dataset_sheets, write_workbook

        write_workbook(dataset_sheets(self.tables), path)
        return _Path(path)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={n}" for name, n in self.counts().items())
        return f"<hyoka.Dataset rows: {shown}>"


@_dataclass(eq=False, repr=False)
class Comparison:
    """Cities' plans side by side — the numbers of `hyoka compare --format json`, as DataFrames
    (docs/compare.md). `data` is that JSON object itself."""

    cells: pd.DataFrame
    """One row per municipality × theme: measures, indicators, mean achievement (0–1), directions."""
    cities: pd.DataFrame
    """One row per municipality: its totals."""
    years: pd.DataFrame
    """A city's achievement per fiscal year, one line per plan and grading scale."""
    measures: pd.DataFrame
    """One row per measure row, with its theme, plan, achievement and `series_id`."""
    series: pd.DataFrame
    """Measures followed across years and reports: one row per series × fiscal year × indicator
    (target, actual, grade, achievement), with the plan and scale; a new plan or scale is a new series."""
    documents: pd.DataFrame
    """The documents compared."""
    scales: pd.DataFrame
    """Every grade/symbol → 0–1 mapping used, and the rule it came from."""
    data: dict = _field(default_factory=dict)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name, in sheet order."""
        return {f.name: getattr(self, f.name) for f in _fields(self) if f.name != "data"}

    def to_excel(self, path: PathLike) -> _Path:
        """Write every table to one .xlsx workbook (as `Dataset.to_excel`). Returns the path."""
        from hyoka.pipeline.export import write_workbook

        write_workbook(self.tables, path)
        return _Path(path)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={len(frame)}" for name, frame in self.tables.items())
        return f"<hyoka.Comparison rows: {shown}>"


def read(paths: PathLike | _Iterable[PathLike], *, rules: Rules = None, audit: bool = True,
         read_anyway: bool = False, pdf: PdfSettings | None = None) -> Dataset:
    """Read report files (.txt .md .pdf .docx .xlsx …), or every such file under folders, into a Dataset.

    A file that can't be read does not raise: it becomes a row of ``ds.failures`` (with the
    reason, one line) and the others are read. Byte-identical copies are read once (the copy
    is listed in ``ds.failures`` with stage ``duplicate``). With `audit` (the default) the
    audit runs too and fills ``ds.audit_findings``; `rules` adds rules for reports that print
    no legend (see `audit`). The same tables as ``hyoka ingest PATHS --out DIR``.

    A file the report gate judges not to be an evaluation/progress report is a row of
    ``ds.documents`` with status ``not_a_report`` and the reason (column ``gate``), and nothing
    is read from it; `read_anyway` reads it as any other file (``hyoka ingest --read-anyway``).

    `pdf`: how PDFs are read, a ``hyoka.PdfSettings`` (the engine — "pdfium" or "pdfplumber" —,
    line and table tolerances); None: the defaults (``hyoka ingest --pdf-setting KEY=VALUE``).
    """
    from hyoka.pipeline.ingest import ingest

    if isinstance(paths, (str, _os.PathLike)):
        paths = [paths]
    if pdf is not None:
        from hyoka.extractors.pdf import PdfSettings

        if not isinstance(pdf, PdfSettings):
            raise TypeError(f"pdf must be a hyoka.PdfSettings, not {type(pdf).__name__}")
    result = ingest(list(paths), read_anyway=read_anyway, pdf=pdf)
    return Dataset.from_tables(result.tables(rules=_ruleset(rules), audit=audit))


def open(path: PathLike) -> Dataset:  # noqa: A001 (hyoka.open, as in `hyoka.open("out/")`)
    """A stored dataset: the folder `hyoka ingest --out` (or `Dataset.save`) wrote, or its hyoka.duckdb file.

    A folder is read from its published generation (see hyoka.pipeline.store), so opening it
    while another process writes to it gives the dataset as it was before that run, whole.
    Raises FileNotFoundError if `path` doesn't exist and `hyoka.pipeline.store.StoreError`
    (a ValueError) if it isn't a hyoka store, or a damaged one.
    """
    from hyoka.pipeline.store import open_store

    return Dataset.from_tables(open_store(path))


def audit(data: Dataset | _Mapping[str, pd.DataFrame] | PathLike | _Iterable[PathLike],
          rules: Rules = None) -> pd.DataFrame:
    """Audit a Dataset (or report files/folders, read first): recompute every published score
    from its rule and check grades, dates, eras, numbering, costs and cross references.

    Rules come from the legend each report prints first, then `rules` (a TOML file, see
    docs/rules.md, or a RuleSet), then the bundled presets. Returns one row per finding with
    `status` ("consistent", "consistent_only_with_rounding", "inconsistent", "warning"),
    `severity`, `check`, `rule`, `rule_source`, `location` and `message` among its columns.
    """
    from hyoka.pipeline.audit import audit_tables, findings_frame

    if isinstance(data, Dataset):
        tables = data.tables
    elif isinstance(data, _Mapping):
        tables = dict(data)
    else:
        tables = read(data, audit=False).tables
    return findings_frame(audit_tables(tables, _ruleset(rules)))


def compare(data: Dataset | _Mapping[str, pd.DataFrame] | PathLike | _Iterable[PathLike], *,
            all_measures: bool = False, themes: PathLike | None = None, nlp: bool | None = None) -> Comparison:
    """Compare the cities of a Dataset (or of report files/folders, read first) as `hyoka compare`
    does: every measure themed, achievement on one 0–1 scale through each report's own legend, a
    municipality × theme matrix, and measures followed across years. `themes`: a vocabulary TOML
    added to the bundled one (`--themes`); `nlp`: pair 達成指標 targets with 実施 results (default:
    when a Japanese pipeline is installed, as the CLI); `all_measures`: count measures outside the
    industrial plan too."""
    from hyoka.pipeline.compare_frames import compare_tables, comparison_frames
    from hyoka.pipeline.themes import load_vocabulary

    if isinstance(data, Dataset):
        tables = data.tables
    elif isinstance(data, _Mapping):
        tables = dict(data)
    else:
        tables = read(data, audit=False).tables
    vocabulary = load_vocabulary(themes) if themes is not None else None
    result = compare_tables(tables, all_measures=all_measures, vocabulary=vocabulary, use_nlp=nlp)
    return Comparison(**comparison_frames(result), data=result)


def _ruleset(rules: Rules) -> RuleSet | None:
    if rules is None:
        return None
    from hyoka.pipeline.rules import RuleSet, load_rules

    return rules if isinstance(rules, RuleSet) else load_rules(rules)


def _empty_tables() -> dict[str, pd.DataFrame]:
    """Every table with its columns and no row."""
    from hyoka.pipeline.audit import findings_frame
    from hyoka.pipeline.tables import build_tables

    return {**build_tables([], []), "audit_findings": findings_frame([])}


def __getattr__(name: str):
    """``hyoka.PdfSettings``, imported when first asked for (``import hyoka`` stays light)."""
    if name == "PdfSettings":
        from hyoka.extractors.pdf import PdfSettings

        return PdfSettings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
