"""Count tables in every orientation: how many 事業/施策/指標 got each grade or direction.

Reports print the same counts in many shapes:

- categories across, one count row per scope (年度, 施策, 客観的指標 …), a 合計/計 column or row;
- categories down (grades as rows: 「1 目標を大きく上回って達成 | 0 | 0」) with one or several count
  columns (事業数 / うち重点) — then each count column is a summary of its own;
- a two-row header whose upper row groups the count columns (計画事業数 | 評価対象事業数 → 内部/外部 |
  最終内部評価 → 5 judgements): one summary per group;
- several such tables side by side (label | 事業数 | うち重点 | label | 事業数 | うち重点 …);
- shares in parentheses in the count cell 「16事業( 4%)」, on a row of their own under each count row
  「(17.6%)」, in a 割合(%) row or in a share column.

Which column (or row) is the total is read from its label (合計/計/総数) or, failing that, from
the table's own arithmetic: a column that equals the sum of the other count columns on the rows
(all but one may differ — a real misprint must stay visible to the audit). A 「…数」 label alone
(事業数, 指標数) is not a total: 「事業数 | うち重点」 are two counts of the same grades.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from hyoka.extractors._common import plain
from hyoka.normalizers import counts as C
from hyoka.normalizers.headers import TOTAL_LABELS, key, parse_header
from hyoka.pipeline.model import (
    EvidenceKind,
    Legend,
    ReadingEvidence,
    ScoreSummary,
    SourceRef,
    SummaryCount,
)

_SHARE = re.compile(r"^[(（]?\s*(?:約)?\s*(?P<p>\d+(?:\.\d+)?)\s*[%％]\s*[)）]?\s*(?:[(（][^)）]*[)）])?$")
_COUNT_WITH_SHARE = re.compile(
    rf"^(?P<n>\d[\d,]*)\s*(?:{'|'.join(C.COUNT_UNITS)})?\s*(?:[(（]\s*(?:約)?\s*(?P<s>\d+(?:\.\d+)?\s*[%％])\s*[)）])?$")
# a grade token at the start of a row label: 「A」「1 目標を大きく…」「Ⅱ 当初の目標どおり達成」「◎」
_GRADE_TOKEN = re.compile(r"^(?:[A-EＡ-Ｅ][+\-]?|[1-9]|[IVX]{1,4}|[ⅠⅡⅢⅣⅤ]|[ア-オ]|[◎○〇△×✕▲●■□◇◆☆★])(?:$|[\s:：)）=＝])")
_SHARE_LABEL = re.compile(r"(割合|構成比|比率|シェア|%|％)")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def count_and_share(cell: str) -> tuple[int | None, str | None]:
    """「155事業」 → (155, None); 「16事業( 4%)」 → (16, "4%"); 「1,265」 → (1265, None); text → (None, None)."""
    m = _COUNT_WITH_SHARE.match(_norm(cell))
    if not m:
        return None, None
    return int(m.group("n").replace(",", "")), (m.group("s").replace(" ", "") if m.group("s") else None)


def is_share(cell: str) -> bool:
    t = _norm(cell)
    return bool(t) and bool(_SHARE.match(t))


def is_strict_total(label: str) -> bool:
    """合計 / 計 / 総計 / 総数 / 全体 / 小計 (spaces and brackets aside): a label that says 'total'."""
    t = re.sub(r"[(（].*?[)）]", "", key(label))
    return t in TOTAL_LABELS or t.endswith(("合計", "総計", "小計"))


def is_grade_label(label: str) -> bool:
    return bool(_GRADE_TOKEN.match(_norm(label)))


@dataclass
class _Segment:
    labels: list[int]  # label columns, outermost (group) first
    counts: list[int]  # count columns
    shares: list[int] = field(default_factory=list)  # share columns (割合)


def propose_count_table(ctx, block) -> int:
    """Read `block` as count summaries on `ctx`; returns the count rows read (0: not a count table)."""
    rows = [r for r in block.rows if not r.inner]
    width = block.width
    if len(rows) < 2 or width < 2:
        return 0
    n_head = _header_rows(rows)
    head, data = rows[:n_head], rows[n_head:]
    share_rows = {id(r) for r in data if _is_share_row(r)}
    body = [r for r in data if id(r) not in share_rows]
    if not body:
        return 0
    kinds = _column_kinds(body, head, width)
    if kinds is None or "count" not in kinds:
        return 0
    segments = _segments(kinds)
    if not segments:
        return 0
    read = 0
    for seg in segments:
        read += _read_segment(ctx, block, head, data, share_rows, seg)
    return read


def _header_rows(rows) -> int:
    """Leading rows with no count outside their first cell (a Markdown header, then its sub-header)."""
    n = 0
    while n < min(3, len(rows) - 1):
        r = rows[n]
        cells = [c for c in r.cells[1:] if c.strip()]
        if any(count_and_share(c)[0] is not None for c in cells) and not r.header:
            break
        if not cells and not r.header and n > 0:
            break
        n += 1
    return n


def _is_share_row(r) -> bool:
    """「| | (17.6%) | (82.4%) | (0%) | |」 or 「割合(%) | 100.0 | 49.3 …」: shares of the count row above."""
    filled = r.filled()
    if not filled:
        return False
    first_col, first = filled[0]
    # 「割合(%)」「構成比」 label a share row; 「50%以上80%未満」 is a band, a category of its own
    label_is_share = bool(re.search(r"(割合|構成比|比率|シェア)", first) or re.fullmatch(r"[(（]?[%％][)）]?", first))
    values = filled[1:] if label_is_share or not is_share(first) else filled
    if label_is_share:
        return all(is_share(t) or re.fullmatch(r"\d+(?:\.\d+)?", _norm(t)) for _c, t in values) and bool(values)
    return bool(values) and all(is_share(t) and re.search(r"[%％]", t) for _c, t in values)


def _column_kinds(body, head, width: int) -> list[str] | None:
    """Per column: "label" (text), "count", "share", "empty"; None when a column holds other numbers
    (amounts with decimals, rates such as 進捗率 93.4%): then the block is not a count table."""
    kinds = []
    for c in range(width):
        cells = [r.cells[c].strip() for r in body if c < len(r.cells) and r.cells[c].strip()]
        header = " ".join(r.cells[c] for r in head if c < len(r.cells))
        if not cells:
            kinds.append("empty")
        elif all(count_and_share(t)[0] is not None for t in cells):
            kinds.append("count")
        elif all(is_share(t) for t in cells) and _SHARE_LABEL.search(header + "".join(cells)):
            kinds.append("share" if _SHARE_LABEL.search(header) else "other")
        elif any(re.fullmatch(r"[△▲\-−]?\d[\d,]*(?:\.\d+)?\s*[%％]?", _norm(t)) for t in cells):
            return None  # numbers that are not counts (amounts, rates)
        else:
            kinds.append("label")
    if "other" in kinds:
        return None
    return kinds


def _segments(kinds: list[str]) -> list[_Segment]:
    """Label columns followed by their count columns; a label column after counts starts another table."""
    out: list[_Segment] = []
    cur: _Segment | None = None
    for c, k in enumerate(kinds):
        if k == "label":
            if cur is None or cur.counts:
                cur = _Segment(labels=[], counts=[])
                out.append(cur)
            cur.labels.append(c)
        elif k == "count":
            if cur is None:
                cur = _Segment(labels=[], counts=[])
                out.append(cur)
            cur.counts.append(c)
        elif k == "share" and cur is not None:
            cur.shares.append(c)
    return [s for s in out if s.counts]


def _carried(row_cells: list[str], cols: range) -> list[str]:
    """An upper header row's labels carried right over the empty cells they span."""
    out, last = [], ""
    for c in cols:
        t = row_cells[c].strip() if c < len(row_cells) else ""
        last = t or last
        out.append(last)
    return out


def _read_segment(ctx, block, head, data, share_rows, seg: _Segment) -> int:
    lo, hi = min(seg.labels + seg.counts), max(seg.labels + seg.counts + seg.shares) + 1
    cols = range(lo, hi)
    # column labels: the lowest header cell; groups: the upper header row carried right
    col_label = {c: next((plain(r.cells[c]) for r in reversed(head) if c < len(r.cells) and r.cells[c].strip()), "")
                 for c in cols}
    group = {c: "" for c in cols}
    if len(head) >= 2:
        top = _carried(head[0].cells, cols)
        group = {c: (plain(t) if t and plain(t) != col_label[c] else "") for c, t in zip(cols, top)}
    title = " ".join(dict.fromkeys(t for t in (group.get(seg.labels[0], "") if seg.labels else "",
                                                col_label.get(seg.labels[-1], "") if seg.labels else "") if t))
    body = [r for r in data if id(r) not in share_rows]
    # row labels, the outer label column carried down (「生活環境」 over ごみ処理, 環境・エネルギー …)
    carry = {c: "" for c in seg.labels}
    row_label: dict[int, str] = {}
    for r in body:
        for i, c in enumerate(seg.labels):
            t = plain(r.cells[c]) if c < len(r.cells) else ""
            if t or c == seg.labels[-1]:  # the innermost label is the row's own, never carried
                carry[c] = t
                for inner in seg.labels[i + 1:]:
                    carry[inner] = ""
        row_label[id(r)] = " ".join(carry[c] for c in seg.labels if carry[c])
    if not any(_value(r, c) is not None for r in body for c in seg.counts):
        return 0
    total_row = next((r for r in body if is_strict_total(row_label[id(r)].split(" ")[-1] if row_label[id(r)] else "")), None)
    total_col, arithmetic = _total_column(body, seg, col_label)
    counts = [c for c in seg.counts if c != total_col]
    grade_rows = sum(is_grade_label(row_label[id(r)]) for r in body if r is not total_row)
    grade_cols = sum(is_grade_label(col_label[c]) for c in counts)
    count_nouns = sum(bool(re.search(r"(数|うち|件数)$|^うち", key(col_label[c]))) for c in counts)
    if total_col is not None:
        across, why = True, "a total column"
    elif len(counts) == 1:
        across, why = False, "one count column: the rows are the categories"
    elif grade_rows >= max(2, (len(body) - (total_row is not None)) // 2 + 1) and grade_cols < len(counts):
        across, why = False, "grades as rows"
    elif count_nouns == len(counts) and total_row is not None:
        across, why = False, "count columns (…数) over a 合計 row"
    else:
        across, why = True, "categories across"
    if sum(parse_header(col_label[c]).year is not None for c in counts) >= max(1, len(counts) // 2 + 1) \
            and grade_rows < 2:
        return 0  # figures under fiscal years, named by their rows: an indicator table, not a distribution
    ev = [(EvidenceKind.VALUE_SHAPE, f"{len(counts)} count columns, {len(body)} rows; read "
                                     f"{'one summary per row' if across else 'one summary per count column'} ({why})", 0.0)]
    if arithmetic:
        ev.append((EvidenceKind.ARITHMETIC, arithmetic, 0.2))
    n = 0
    if across:
        groups: dict[str, list[int]] = {}
        for c in counts:
            groups.setdefault(group[c], []).append(c)
        # a single count column under a group of its own (計画事業数 beside 最終内部評価 …) is a figure
        # about the row, not a category of its judgement: kept only when it is the row's only group
        parts = [(g, cs) for g, cs in groups.items() if len(cs) >= 2]
        if not parts:
            return 0  # one count per row is a figure about the row (a key–value sheet), not a distribution
        last: list[ScoreSummary] = []
        for r in data:
            if id(r) in share_rows:
                _shares_below(last, r, col_label)
                continue
            if not any(_value(r, c) is not None for c in counts):
                continue
            last = []
            for g, cs in parts:
                scope = " ".join(t for t in (row_label[id(r)], g, plain(block.caption or "") if not row_label[id(r)] else "") if t)
                s = _summary(ctx, scope or title or "表", r, block)
                for c in cs:
                    _add(s, col_label[c] or f"列{c + 1}", r, c)
                if total_col is not None and (tv := _value(r, total_col)) is not None:
                    s.total_items, s.total_raw = tv, f"{col_label[total_col]}: {r.cells[total_col].strip()}"
                _evidence(ctx, s, ev, r.ref)
                last.append(s)
            n += 1
        return n
    if len([r for r in body if r is not total_row and any(_value(r, c) is not None for c in counts)]) < 2:
        return 0  # a distribution has two categories at least
    _scale_in_labels(ctx, block, [r for r in body if r is not total_row and row_label[id(r)]], row_label, title)
    for c in counts:
        scope = " ".join(dict.fromkeys(t for t in (title, group[c], col_label[c]) if t)) or plain(block.caption or "表")
        s = _summary(ctx, scope, body[0], block)
        s.raw = "\n".join(r.text for r in data)[:500]
        for r in body:
            if r is total_row:
                if (tv := _value(r, c)) is not None:
                    s.total_items, s.total_raw = tv, f"{row_label[id(r)]}: {r.cells[c].strip()}"
                continue
            if _value(r, c) is None:
                continue
            _add(s, row_label[id(r)] or f"行{len(s.items) + 1}", r, c)
            if len(counts) == 1 and seg.shares and s.items:
                share = next((r.cells[k].strip() for k in seg.shares if r.cells[k].strip()), None)
                if share and s.items[-1].share_raw is None:
                    s.items[-1].share_raw = share
        _evidence(ctx, s, ev, block.ref)
        n += 1
    return len(body)


def _scale_in_labels(ctx, block, rows, row_label: dict[int, str], title: str) -> None:
    """Grades as rows, each with its meaning (「1 目標を大きく上回って達成」「Ⅱ 当初の目標どおり達成」): the
    row labels are the scale's legend, printed once with its counts."""
    items = []
    for r in rows:
        m = re.match(r"^(?P<label>\S{1,4})\s+(?P<text>\S.{1,60})$", _norm(row_label[id(r)]))
        if not m or not is_grade_label(m.group("label")):
            return
        items.append((m.group("label"), m.group("text")))
    if len(items) < 2 or len({a for a, _b in items}) < len(items):
        return
    raw = (title + "\n" if title else "") + "\n".join(f"{a} {b}" for a, b in items)
    ctx.doc.legends.append(Legend(kind="words", raw=raw, ref=block.ref, items=items, item_refs=[r.ref for r in rows]))
    ctx.doc.reading_evidence.append(ReadingEvidence(
        record_table="legends", record_key=str(len(ctx.doc.legends) - 1), kind=EvidenceKind.VALUE_SHAPE,
        detail="grades with their meanings as the rows of a count table", ref=block.ref, reader=ctx.reader, weight=0.0))


def _value(r, c: int) -> int | None:
    return count_and_share(r.cells[c])[0] if c < len(r.cells) and r.cells[c].strip() else None


def _total_column(body, seg: _Segment, col_label: dict[int, str]) -> tuple[int | None, str | None]:
    labelled = [c for c in seg.counts if is_strict_total(col_label[c])]
    if labelled:
        return labelled[0], None
    if len(seg.counts) < 3:
        return None, None
    for c in seg.counts:
        others = [k for k in seg.counts if k != c]
        checked = agree = 0
        for r in body:
            v = _value(r, c)
            parts = [_value(r, k) for k in others]
            if v is None or any(p is None for p in parts):
                continue
            checked += 1
            agree += v == sum(parts) and v > 0
        if checked >= 2 and agree >= 2 and agree >= checked - 1:
            return c, (f"column 「{col_label[c]}」 equals the sum of the other {len(others)} count columns on "
                       f"{agree} of {checked} rows: read as the total (structure only; the audit still checks each row)")
    return None, None


def _summary(ctx, scope: str, r, block) -> ScoreSummary:
    s = ctx.summary(scope=scope, raw=r.text, ref=r.ref, reader="table")
    return s


def _add(s: ScoreSummary, label: str, r, c: int) -> None:
    cell = r.cells[c].strip()
    n, share = count_and_share(cell)
    if is_strict_total(label):
        s.total_items, s.total_raw = n, f"{label}: {cell}"
        return
    s.items.append(SummaryCount(summary_key=s.key, label_raw=label, count_raw=cell, ref=r.cell_ref(c), share_raw=share,
                                count=n))  # 「24項目(22.2%)」: the count is the reader's, the cell kept as printed


def _shares_below(summaries: list[ScoreSummary], r, col_label: dict[int, str]) -> None:
    """A share row: each share goes to the item of the count printed above it (same column label)."""
    for s in summaries:
        for c, t in r.filled():
            label = col_label.get(c)
            item = next((i for i in s.items if i.label_raw == label and i.share_raw is None), None)
            if item is not None:
                item.share_raw = t.strip("()（） ")
            elif label and is_strict_total(label):
                s.stated_share_raw = f"{label}: {t}"


def _evidence(ctx, s: ScoreSummary, ev, ref: SourceRef) -> None:
    for kind, detail, weight in ev:
        ctx.doc.reading_evidence.append(ReadingEvidence(record_table="score_summaries", record_key=s.key or "",
                                                        kind=kind, detail=detail, ref=ref, reader=ctx.reader,
                                                        weight=weight))
