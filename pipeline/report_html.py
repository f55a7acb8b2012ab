"""Pages people read: the city × theme comparison and the audit report as self-contained HTML.

One file per page, nothing fetched when it is viewed: the CSS is inline, the charts are SVG drawn
server side (pipeline/html_charts.py) and there is no script at all; a Content-Security-Policy of
`default-src 'none'` makes the browser refuse anything else. Pages are rendered with jinja2 from
pipeline/templates/ with autoescaping on, since every name and number on them is the reports' own
(untrusted) text.

    render_compare(data) -> str            data: the `hyoka compare --format json` object
    render_audit(findings, quotes=…) -> str findings: hyoka.pipeline.audit.Finding list

Both are in Japanese (words from pipeline/messages_ja.py), headline first, details folded in
<details> with their counts. They never require a key: a missing or malformed part of `data` is
shown as missing ("—"), not guessed. What each page shows is worked out in html_compare.py and
html_audit.py; numbers are formatted by html_format.py (years without separators, shares in %).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Mapping

import jinja2

from hyoka.pipeline.series_charts import target_actual_svg

from hyoka.pipeline.html_audit import CONSISTENT_SHOWN, STATUS_COLOURS, audit_context, wanted_places
from hyoka.pipeline.html_compare import compare_context
from hyoka.pipeline.html_format import NO_GRADE, achievement_colour, natural_key, num, pct, year
from hyoka.pipeline.messages_ja import CHECK_LABELS, STATUS_LABELS, STATUS_ORDER, compare_words_ja
from hyoka.pipeline.themes import THEMES

__all__ = ["CHECK_LABELS", "CONSISTENT_SHOWN", "NO_GRADE", "STATUS_COLOURS", "STATUS_LABELS", "STATUS_ORDER",
           "THEMES", "TEMPLATES", "achievement_colour", "audit_context", "compare_context", "natural_key", "num",
           "pct", "render_audit", "render_compare", "render_audit_for", "year"]

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every template, whatever its name: the data is the documents' text
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the tests, not the page
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = pct
    env.filters["num"] = num
    env.filters["year"] = year
    env.filters["ja"] = compare_words_ja
    env.filters["target_actual_svg"] = target_actual_svg  # a measure's target vs actual across years
    return env


def render_compare(data: Mapping | None) -> str:
    """The comparison page (one self-contained HTML document) for a `hyoka compare` JSON object."""
    return _env().get_template("compare.html.j2").render(**compare_context(data))


def render_audit(findings: list, *, show_all: bool = False,
                 quotes: Mapping[tuple[str, str], str] | None = None) -> str:
    """The audit report page: a summary of what is inconsistent and where, then each document in order.

    Consistent rows are folded; unless `show_all`, only the first CONSISTENT_SHOWN of each check per
    document are listed (the JSON and CSV formats have all of them). `quotes`: (document, place) →
    the printed row (pipeline/source_view.py), shown beside each finding and in the source view its
    place links to; without them the source view says the rows were not read.
    """
    return _env().get_template("audit.html.j2").render(**audit_context(findings, show_all=show_all, quotes=quotes))


def render_audit_for(findings: list, documents=None, *, show_all: bool = False) -> str:
    """render_audit with the printed rows read again from the documents' files (`documents`: the
    documents table, or {file name: path})."""
    from hyoka.pipeline.source_view import document_paths, printed_rows

    paths = documents if isinstance(documents, Mapping) else document_paths(documents)
    quotes = printed_rows(paths, wanted_places(findings, show_all=show_all)) if paths else None
    return render_audit(findings, show_all=show_all, quotes=quotes)
