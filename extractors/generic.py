"""The generic reader: any report, read by its labels, never by its city.

It runs on the rows every backend yields and recognises content by what is printed:

- **indicator tables** — a name column (指標/成果指標/KPI/項目 … or simply the text column) and value
  columns labelled 目標値/実績値/基準値/見込/達成率/評価/単位 …, fiscal years as columns or rows in
  any spelling (令和5年度, R5, H25末, 2018(実績), 「平成(年度)」 over 18/19/20), value kinds in the
  header, in a 区分 column or in the row labels, stacked rows (目標値(上段)・実績値(下段));
- **count tables** — label × count (合計 columns/rows marked as totals, 割合 rows as shares);
- **legend tables** and legend lines — grade/symbol/word scales, points, bands;
- **prose counts** — 「46項目を「順調」」「77項目中12項目で上昇」「評価対象 394事業(96%)」;
- **progress lines** — 「H24年12月・15ha→H25年12月・30ha」.

The strategies live in extractors/reading/ (one per file); this module runs them over a document:
blocks and prose lines from the backend's rows, each block read by every strategy and resolved
(extractors/reading/resolve.py), then the prose.

Every table is either mapped or recorded in `doc.unmapped` with the reason, and the
document's coverage (tables and data rows seen vs mapped) is recorded, so nothing is
dropped without a word. Specific layouts (extractors/<city>_*.py) still win when they
claim a file; this reader takes everything else.
"""

from __future__ import annotations

import collections
import re

from hyoka.extractors._common import plain
from hyoka.extractors._grid import Block, TRow, blocks
from hyoka.extractors.base import LayoutExtractor, Row, SourceText
from hyoka.extractors.reading.action_table import propose_action_table
from hyoka.extractors.reading.cells import (
    NOTE_LINE,
    block_text,
    filled_key,
    has_number,
    why_unmapped,
)
from hyoka.extractors.reading.context import ReadingContext
from hyoka.extractors.reading.count_table import propose_count_table
from hyoka.extractors.reading.indicator_table import propose_indicator_table
from hyoka.extractors.reading.legend_table import propose_legend_table
from hyoka.extractors.reading.lost_table import rebuild_tables
from hyoka.extractors.reading.prose import (
    joined_chart_labels,
    legend_in_line,
    read_prose,
)
from hyoka.extractors.reading.regions import split_text_blocks
from hyoka.extractors.reading.resolve import resolve
from hyoka.extractors.reading.verify import legend_match, units_down_columns
from hyoka.normalizers.eras import find_era_dates
from hyoka.normalizers.headers import key
from hyoka.normalizers.places import find_municipality
from hyoka.normalizers.vocab import GENERIC_REPORT_KINDS, ReportKind
from hyoka.pipeline.model import DocError, Document, Note, SourceRef, Unmapped


# the keys of a key–value box that name an indicator (not 「項目 | 内容」, its header)
_INDICATOR_NAME_KEYS = ("指標名", "指標", "成果指標", "活動指標", "KPI", "数値目標", "評価指標", "指標名称", "目標項目",
                        "重要業績評価指標", "KPI名")


class GenericLayout(LayoutExtractor):
    """Not claimed by detection: ingest falls back to it when no specific layout claims a file."""

    name = "generic"
    description = "any report: tables and lines recognised by their labels (目標値/実績値/評価, legends, counts)"

    @classmethod
    def detect(cls, text: SourceText) -> float:
        return 0.0

    def extract(self, text: SourceText, doc: Document) -> None:
        read_generic(text, doc)


# ---------------------------------------------------------------------------------------------
# the document


def read_generic(text: SourceText, doc: Document) -> None:
    lines = [(i, r) for i, r in text.nonblank()]
    first = plain(lines[0][1].text) if lines else ""
    doc.title = doc.title or first[:200] or None
    doc.kind = doc.kind or _kind_of(text.head(1500))
    doc.municipality = doc.municipality or find_municipality(doc.title or "", text.head(5000))
    _fiscal_year(text, doc)
    ctx = ReadingContext(text=text, doc=doc, era=_document_era(text), read_block=_read_block)
    found, prose = blocks(text)
    prose = _sentence_sized(doc, prose)
    found = split_text_blocks(found, ctx.era)
    rebuilt, prose = rebuild_tables(prose, ctx.era)  # text that lost its table (one cell per line, a row per line)
    found += rebuilt
    found, prose = _join_continued(ctx, found, prose)
    seen = mapped = rows_seen = rows_mapped = 0
    for block in found:
        data_rows = [r for r in block.rows if not r.header and has_number(r)]
        seen += 1
        rows_seen += len(data_rows)
        n = _read_block(ctx, block)
        if not n and all(len(r.filled()) <= 1 for r in block.rows):
            # a table of one cell (a box around a legend 「「A」…順調 「B」…」): its text is a line
            before = len(doc.legends)
            for r in block.rows:
                if r.filled():
                    legend_in_line(ctx, r.row, plain(r.filled()[0][1]))
            n = len(doc.legends) - before
        ctx.named_by = None
        if n:
            mapped += 1
            rows_mapped += min(n, len(data_rows)) if data_rows else 0
        elif data_rows or block.width >= 2:
            # a key–value box 「指標名 | 認定農業者数 / 単位 | 人」 names the table printed right after it
            ctx.named_by = next((plain(r.cells[1]) for r in block.rows if block.width == 2 and len(r.cells) > 1
                                 and key(r.cells[0]) in _INDICATOR_NAME_KEYS and r.cells[1].strip()), None)
            doc.unmapped.append(Unmapped(kind="table", reason=why_unmapped(block), raw=block_text(block)[:300],
                                         ref=block.ref))
    read_prose(ctx, joined_chart_labels(prose))
    legend_match(doc)
    units_down_columns(doc)
    seen, mapped = seen + ctx.split_tables_seen, mapped + ctx.split_tables_mapped
    doc.tables_seen, doc.tables_mapped = seen, mapped
    doc.data_rows_seen, doc.data_rows_mapped = rows_seen, rows_mapped
    if not (doc.indicator_values or doc.score_summaries or doc.legends or doc.actions or doc.measures):
        # keep the document (it was read), say that nothing in it was recognised
        doc.notes.append(Note(scope="計画全体", kind="unrecognised",
                              text="no indicator table, count summary or legend recognised", raw="",
                              ref=SourceRef(file=text.file)))
        doc.errors.append(DocError(stage="extract", message=(
            f"read by the generic reader, but no indicator table, count summary or legend was recognised "
            f"({len(doc.unmapped)} tables or rows unmapped)")))


def _kind_of(head: str) -> ReportKind | None:
    for kind in GENERIC_REPORT_KINDS:
        if kind in head:
            return kind
    return None


def _document_era(text: SourceText) -> str | None:
    eras = collections.Counter(d.era for r in text.rows[:400] for d in find_era_dates(r.text) if d.era)
    return eras.most_common(1)[0][0] if eras else None


def _fiscal_year(text: SourceText, doc: Document) -> None:
    """The evaluated fiscal year when the head prints one next to 評価/実績/検証 (「平成27年度事務事業評価」)."""
    if doc.fiscal_year_raw:
        return
    for _i, row in list(text.nonblank())[:12]:
        t = row.text
        for d in find_era_dates(t):
            # 「令和5年度～進捗状況まとめ」: a period's first year, not the year evaluated
            after = t[d.end:].lstrip()
            if after.startswith(("～", "~", "〜", "から", "-", "－")):
                continue
            # 「令和5年度…評価」, or a bare 「R6 …評価結果報告書」 (a year without a month is the fiscal year)
            if (d.is_fiscal or d.month is None) and d.year and re.search(r"(評価|実績|検証|進捗|報告|結果)", t):
                doc.fiscal_year_raw = d.raw
                doc.fiscal_year_basis = f"printed: 「{plain(t)[:60]}」"
                return
        if m := re.search(r"(?<!\d)((?:19|20)\d{2})\s*年度", t):
            if re.search(r"(評価|実績|検証|進捗|報告|結果)", t):
                doc.fiscal_year_raw = m.group(0)
                doc.fiscal_year_basis = f"printed: 「{plain(t)[:60]}」"
                return


# ---------------------------------------------------------------------------------------------
# tables


# the longest line a sentence, bullet or legend can be: a report's longest paragraph is ~3,000
# characters; a line of 2 MB is data dumped into the file, and the prose patterns would only crawl it
MAX_PROSE_CHARS = 20_000


def _sentence_sized(doc: Document, prose: list[tuple[int, Row]]) -> list[tuple[int, Row]]:
    kept = []
    for i, row in prose:
        if len(row.text) <= MAX_PROSE_CHARS:
            kept.append((i, row))
        else:
            doc.unmapped.append(Unmapped(kind="line", raw=row.text[:300], ref=row.ref,
                                         reason=f"a line of {len(row.text):,} characters, longer than any sentence "
                                                f"({MAX_PROSE_CHARS:,}): not read as prose"))
    return kept


def _read_block(ctx: ReadingContext, block: Block) -> int:
    """Read one table; returns the number of rows it gave (0: not recognised). Every strategy reads it
    on a fork of the document and the best-supported reading is kept (extractors/reading/resolve.py)."""
    data_rows = sum(1 for r in block.rows if not r.header and not r.inner and has_number(r))
    return resolve(ctx, block, _PROPOSERS, data_rows, block.ref)


def _join_continued(ctx: ReadingContext, found: list[Block], prose: list[tuple[int, Row]]
                    ) -> tuple[list[Block], list[tuple[int, Row]]]:
    """A table continued in another part (a DOCX table split by a paragraph, a PDF table on the next
    page the backend could not stitch) is one table: a block of the same width whose first row is data
    or the first block's header again, with at most two footnote lines between them (kept inside)."""
    text, index = ctx.text, ctx.row_index
    prose_at = dict(prose)
    out: list[Block] = []
    moved: set[int] = set()
    for block in found:
        if out and out[-1].width == block.width and block.width >= 3:
            prev = out[-1]
            end, start = index.get(id(prev.rows[-1].row)), index.get(id(block.rows[0].row))
            between = [i for i in range(end + 1, start) if not text.rows[i].is_blank()] if end is not None and start else None
            notes = between is not None and len(between) <= 2 and all(
                i in prose_at and NOTE_LINE.match(plain(prose_at[i].text)) for i in between)
            continued = has_number(block.rows[0]) or filled_key(block.rows[0]) == filled_key(prev.rows[0])
            if notes and continued and not any(r.header for r in block.rows):
                prev.rows += [TRow(cells=[plain(text.rows[i].text)] + [""] * (prev.width - 1), row=text.rows[i], inner=True)
                              for i in between] + block.rows
                moved.update(between)
                continue
        out.append(block)
    return out, [(i, r) for i, r in prose if i not in moved]


# the strategies for a table block, most specific first (the order breaks ties between equal readings)
_PROPOSERS = (("action_table", propose_action_table), ("legend_table", propose_legend_table),
              ("indicator_table", propose_indicator_table), ("count_table", propose_count_table))


# ---------------------------------------------------------------------------------------------
# prose


