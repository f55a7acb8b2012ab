"""The registry: which backend reads each file format, which layouts may claim a document.

docling's DocumentConverter keeps an explicit map from input format to backend and options; this is
hyoka's. `BACKENDS` lists the format backends in the order a file's suffix is looked up, `LAYOUTS`
the report layouts in the order they win a tie, `GENERIC` the reader of every document no layout
claims. A layout outside hyoka is registered through the `hyoka.layouts` entry-point group (a
package's `pyproject.toml`: `[project.entry-points."hyoka.layouts"] mycity = "mycity.layout:MyCity"`),
so adding a city needs no edit here; a program registers one of its own with `register_layout`.
A layout is never found by subclassing alone. A format backend a program defines (a module given to
`run_files(imports=…)`) is still found by subclassing FormatBackend, after the listed ones.

`choose_layout` scores every layout on a text: each detect() answers a `Score` with its reasons,
the best score above `CLAIM` wins (a tie goes to the layout listed first, and is logged), the next
best is kept as the runner-up, and the documents table keeps all three (`layout`, `layout_score`,
`layout_basis`, `layout_runner_up`, `layout_runner_up_score`).
"""

from __future__ import annotations

import functools
import importlib
import logging
from dataclasses import dataclass
from importlib import metadata

from hyoka.extractors.base import CLAIM, FormatBackend, LayoutExtractor, Score, SourceText

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "hyoka.layouts"

BACKENDS: tuple[str, ...] = (  # "module:Class"; a suffix is looked up in this order
    "hyoka.extractors.text_format:TextBackend",
    "hyoka.extractors.pdf.backend:PdfBackend",
    "hyoka.extractors.docx_format:DocxBackend",
    "hyoka.extractors.xlsx_format:XlsxBackend",
    "hyoka.extractors.legacy_office:XlsBackend",
    "hyoka.extractors.legacy_office:OdsBackend",
    "hyoka.extractors.legacy_office:DocBackend",
    "hyoka.extractors.legacy_office:OdtBackend",
    "hyoka.extractors.html_format:HtmlBackend",
    "hyoka.extractors.bundles:ZipBundleBackend",
)

LAYOUTS: tuple[str, ...] = (  # "module:Class"; a tie goes to the one listed first
    "hyoka.extractors.akiruno_progress:AkirunoProgress",
    "hyoka.extractors.akishima_report:AkishimaReport",
    "hyoka.extractors.musashino_sheets:MusashinoSheets",
    "hyoka.extractors.musashino_summary:MusashinoSummary",
    "hyoka.extractors.nishitokyo_overview:NishitokyoOverview",
    "hyoka.extractors.ofunato_jimujigyo:OfunatoJimujigyo",
)

GENERIC = "hyoka.extractors.generic:GenericLayout"


def _load(ref: str) -> type:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def _listed(refs: tuple[str, ...], base: type) -> list[type]:
    """The classes `refs` name; a name that no longer resolves is logged (the contract test fails on it)."""
    found = []
    for ref in refs:
        try:
            cls = _load(ref)
        except (ImportError, AttributeError) as exc:
            log.warning("registry: %s can't be loaded (%s); is it listed under its new name?", ref, exc)
            continue
        if not (isinstance(cls, type) and issubclass(cls, base)):
            log.warning("registry: %s is not a %s", ref, base.__name__)
            continue
        found.append(cls)
    return found


def _concrete(base: type) -> list[type]:
    todo, found = list(base.__subclasses__()), []
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if not getattr(cls, "__abstractmethods__", None):
            found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__qualname__))


def unlisted(base: type) -> list[type]:
    """Concrete subclasses of `base` defined in hyoka.extractors but missing from the registry
    (a backend or layout added without its line here): still used, after the listed ones, and logged."""
    from hyoka.extractors import import_all

    import_all()
    listed = {f"{c.__module__}:{c.__qualname__}" for c in _builtin(base)} | {GENERIC}
    return [cls for cls in _concrete(base)
            if cls.__module__.startswith("hyoka.extractors.") and f"{cls.__module__}:{cls.__qualname__}" not in listed]


@functools.lru_cache(maxsize=2)
def _builtin(base: type) -> list[type]:
    return _listed(BACKENDS if base is FormatBackend else LAYOUTS, base)


_warned: set[type] = set()


def _warn_unlisted(classes: list[type], kind: str, table: str) -> None:
    for cls in classes:
        if cls not in _warned:
            _warned.add(cls)
            log.warning("%s %s.%s is not listed in extractors/registry.py %s", kind, cls.__module__, cls.__name__, table)


@functools.lru_cache(maxsize=1)
def entry_point_layouts() -> tuple[type[LayoutExtractor], ...]:
    """Layouts other packages register in the `hyoka.layouts` entry-point group. One that can't be
    loaded or is not a layout is left out with a warning."""
    found = []
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = ep.load()
        except Exception as exc:  # a third party's import error must not stop a batch
            log.warning("layout entry point %s = %s can't be loaded: %s", ep.name, ep.value, exc)
            continue
        if not (isinstance(cls, type) and issubclass(cls, LayoutExtractor)) or getattr(cls, "__abstractmethods__", None):
            log.warning("layout entry point %s = %s is not a concrete LayoutExtractor; left out", ep.name, ep.value)
            continue
        found.append(cls)
    return tuple(found)


_registered: list[type[LayoutExtractor]] = []


def register_layout(cls: type[LayoutExtractor]) -> type[LayoutExtractor]:
    """Register a layout from code (a program's own, or a module given to run_files(imports=…)); usable as
    a class decorator. A package is better registered through its `hyoka.layouts` entry point."""
    if cls not in _registered:
        _registered.append(cls)
        layouts.cache_clear()
    return cls


def backends() -> tuple[type[FormatBackend], ...]:
    """The format backends, in lookup order: the listed ones, any defined in hyoka but not listed
    (logged once), then those a program defines itself (a module given to run_files(imports=…)
    subclasses FormatBackend: it reads its suffix in every worker that imports it)."""
    extra = unlisted(FormatBackend)
    _warn_unlisted(extra, "format backend", "BACKENDS")
    own = [cls for cls in _concrete(FormatBackend) if not cls.__module__.startswith("hyoka.")]
    return tuple(_builtin(FormatBackend) + extra + own)


@functools.lru_cache(maxsize=1)
def layouts() -> tuple[type[LayoutExtractor], ...]:
    """Every layout that may claim a document, in tie-breaking order: the listed ones, any defined
    in hyoka but not listed (logged), those registered by register_layout, then the entry points'.
    Layouts are never found by subclassing alone: a class in a test or a script claims nothing
    unless registered. Names are unique: a later one that repeats a name is left out with a warning."""
    extra = unlisted(LayoutExtractor)
    _warn_unlisted(extra, "layout", "LAYOUTS")
    out: dict[str, type[LayoutExtractor]] = {}
    for cls in [*_builtin(LayoutExtractor), *extra, *_registered, *entry_point_layouts()]:
        if cls.name in out or cls.name == generic().name:
            if out.get(cls.name) is not cls:
                log.warning("layout %s (%s) repeats a registered name; left out", cls.name, cls.__module__)
            continue
        out[cls.name] = cls
    return tuple(out.values())


def generic() -> type[LayoutExtractor]:
    return _load(GENERIC)


def refresh() -> None:
    """Look again for entry points (after installing a package with a `hyoka.layouts` entry point)."""
    entry_point_layouts.cache_clear()
    layouts.cache_clear()


@dataclass(frozen=True)
class LayoutChoice:
    """Which layout reads a text, how sure it was, and the layout that came next."""

    layout: type[LayoutExtractor]
    score: float | None  # the winner's detect() score; None for the generic reader (it claims nothing)
    reasons: tuple[str, ...]
    # the next best layout that saw anything of itself (score > 0); when none did and a layout claimed the
    # text, the generic reader (score 0), which would have read it
    runner_up: str | None = None
    runner_up_score: float | None = None
    runner_up_reasons: tuple[str, ...] = ()

    @property
    def basis(self) -> str:
        """One line for documents.layout_basis."""
        return "; ".join(self.reasons)

    def describe(self) -> str:
        """For the log: 「akiruno_progress_summary 0.9 (…) — runner-up akishima_plan_report 0.25 (…)」."""
        won = f"{self.layout.name} {self.score:g}" if self.score is not None else self.layout.name
        out = f"{won} ({self.basis})"
        if self.runner_up:
            out += f" — runner-up {self.runner_up} {self.runner_up_score:g} ({'; '.join(self.runner_up_reasons)})"
        else:
            out += " — no runner-up"
        return out


def _score(cls: type[LayoutExtractor], text: SourceText) -> Score:
    value = cls.detect(text)
    return value if isinstance(value, Score) else Score(float(value), ("detect() gave no reasons",))


def choose_layout(text: SourceText) -> LayoutChoice:
    """Score every registered layout on `text`: the best above CLAIM reads it, else the generic reader."""
    order = layouts()
    scored = sorted(((_score(cls, text), i, cls) for i, cls in enumerate(order)), key=lambda s: (-s[0], s[1]))
    claims = [s for s in scored if s[0] > CLAIM]
    if len(claims) > 1 and claims[0][0] == claims[1][0]:
        log.warning("%s: %s and %s both claim it with %g; %s wins (listed first)", text.file, claims[0][2].name,
                    claims[1][2].name, claims[0][0], claims[0][2].name)
    if claims:
        score, _i, winner = claims[0]
        rest = [s for s in scored if s[2] is not winner]
        choice = dict(layout=winner, score=float(score), reasons=score.reasons)
    else:
        rest = scored
        best = f" (best: {scored[0][2].name} {scored[0][0]:g})" if scored and scored[0][0] > 0 else ""
        choice = dict(layout=generic(), score=None, reasons=(f"no layout claimed it{best}: read by its labels",))
    runner = next((s for s in rest if s[0] > 0), None)
    if runner:
        choice.update(runner_up=runner[2].name, runner_up_score=float(runner[0]), runner_up_reasons=runner[0].reasons)
    elif claims:  # no other layout saw anything of itself: the generic reader would have read it
        choice.update(runner_up=generic().name, runner_up_score=0.0,
                      runner_up_reasons=("no other layout saw any of its signals",))
    return LayoutChoice(**choice)
