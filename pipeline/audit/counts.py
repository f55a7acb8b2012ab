"""Count summaries: do the counts add up to the total printed, and does each printed share fit its count?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from hyoka.normalizers.counts import share_parts
from hyoka.pipeline.audit.context import CountRow, DocContext, SummaryRow
from hyoka.pipeline.audit.findings import (
    CONSISTENT, INCONSISTENT, ROUNDING, WARNING, Finding, fmt, missing, stated_interval, within,
)
from hyoka.pipeline.tables import summary_label_counts


@dataclass
class Summary:
    """One count summary as the score checks see it: its items from summary_counts (any label set)."""

    row: SummaryRow  # the score_summaries row
    items: list[CountRow]  # its summary_counts rows, printed order; [] for a store written before that table
    counts: dict[str, int]  # label → count of the categories (totals left out), summed per label
    unreadable: list[CountRow]  # category items with a printed count that could not be read
    total: int | None  # total_items, else a 合計 item's count
    total_src: str | None  # where that total is printed

    @property
    def locations(self) -> list[str]:
        return list(dict.fromkeys([self.row["src"]] + [i["src"] for i in self.items if i.get("src")]))


def summary(dt: DocContext, s: SummaryRow) -> Summary:
    items = [i for i in dt.summary_counts if s.get("key") is not None and i.get("summary_key") == s["key"]]
    items.sort(key=lambda i: i.get("item_no") or 0)
    counts: dict[str, int] = {}
    unreadable = []
    if items:
        for i in items:
            if i.get("is_total"):
                continue
            if missing(i.get("count")):
                if i.get("count_raw") not in (None, ""):
                    unreadable.append(i)
                continue
            label = i.get("label") or i.get("label_raw")
            counts[label] = counts.get(label, 0) + int(i["count"])
    else:  # a store written before summary_counts: the wide columns derived from it then
        counts = summary_label_counts(s)
    # the total: total_items (a 「N施策中」 or a 合計 row the normalize stage took it from), else a 合計 row
    total, total_src = s.get("total_items"), s["src"]
    total_item = next((i for i in items if i.get("is_total") and not missing(i.get("count"))), None)
    if missing(total):
        total, total_src = (total_item["count"], total_item["src"]) if total_item else (None, None)
    elif total_item is not None and int(total_item["count"]) == int(total):
        total_src = total_item["src"]
    return Summary(row=s, items=items, counts=counts, unreadable=unreadable,
                   total=None if total is None else int(total), total_src=total_src)


def printed_counts(counts: dict[str, int]) -> str:
    return " ".join(f"{k}{v}" for k, v in counts.items())


def check_counts(dt: DocContext, summary: Summary) -> Iterable[Finding]:
    """The summary's counts against its total (counts_sum), whatever the labels."""
    s, counts, total = summary.row, summary.counts, summary.total
    loc, scope, inputs = s["src"], s["scope"], summary.locations
    if summary.unreadable:
        yield dt.finding(
            check="counts_sum", status=WARNING, scope=scope, location=loc, inputs=inputs,
            stated=None if total is None else str(total),
            message=f"{scope}: can't add the counts up: "
                    + ", ".join(f"「{i['label_raw']}」 count 「{i['count_raw']}」 is not a number"
                                for i in summary.unreadable))
        return
    if total is None or not counts:
        return
    listed = sum(counts.values())
    status = CONSISTENT if listed == total else INCONSISTENT
    # `complete` is null in a store written before it existed: a full breakdown, as then
    partial = s.get("complete") is not None and not bool(s["complete"])
    if partial and listed < total:
        return  # the summary names only some of the categories: 「77項目中12項目で上昇」
    if partial and listed > total:
        status = WARNING  # more than the whole, unless the named categories overlap
    yield dt.finding(
        check="counts_sum", status=status, scope=scope,
        location=loc, stated=str(total), recomputed=float(listed),
        inputs=list(dict.fromkeys(inputs + [summary.total_src])),
        message=f"{scope}: the counts ({printed_counts(counts)}) add up to {listed}; the total printed "
                f"is {total}" + ("; the categories named may overlap" if status == WARNING else ""),
    )


def _assumed_total(categories: list[CountRow]) -> int | None:
    """Without a printed total: the sum of the counts, when every category prints its count and share
    and the shares add up to 100 % (「評価対象 394事業(96%)」「評価対象外 16事業( 4%)」)."""
    shares = [share_parts(i.get("share_raw")) for i in categories]
    if (len(categories) > 1 and all(shares) and not any(missing(i.get("count")) for i in categories)
            and abs(sum(float(d) * 100 / per for d, per in shares) - 100) <= len(shares) * 0.5):
        return sum(int(i["count"]) for i in categories)
    return None


def check_shares(dt: DocContext, summary: Summary) -> Iterable[Finding]:
    """Each printed share against count ÷ total × 100, at the precision it is printed with.

    「96%」 stands for [95.5, 96.5); a share that only fits when truncated (切り捨て) is
    consistent_only_with_rounding. Without a printed total, the sum of the counts is taken as
    the total when every category prints its count and share and the shares add up to 100 %;
    a share that doesn't fit that assumed total is only a warning.
    """
    categories = [i for i in summary.items if not i.get("is_total")]
    total, total_src, assumed = summary.total, summary.total_src, False
    if total is None and (total := _assumed_total(categories)) is not None:
        total_src, assumed = None, True
    if total is None or total <= 0:
        return
    scope = summary.row["scope"]
    for item in summary.items:
        parts = share_parts(item.get("share_raw"))
        if parts is None or missing(item.get("count")):
            continue
        digits, per = parts  # per: 100 for %, 10 for 割
        count = int(item["count"])
        share = count / total * per
        interval = stated_interval(digits)
        scale = 100 / per
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        truncated = (float(digits), float(digits) + 10 ** -decimals)
        if within(share, interval):
            status, reading = CONSISTENT, None
        elif within(share, truncated):
            status, reading = ROUNDING, f"only if the share was truncated to {decimals} decimals, not rounded"
        else:
            status, reading = (WARNING if assumed else INCONSISTENT), None
        if assumed:
            reading = "; ".join(filter(None, [reading, "no total printed: the total is the sum of the counts"]))
        loc = item["src"]
        yield dt.finding(
            check="count_share", status=status, scope=scope, location=loc, stated=item["share_raw"],
            recomputed=round(share * scale, 6), interval_low=interval[0] * scale,
            interval_high=interval[1] * scale, reading=reading,
            inputs=list(dict.fromkeys([loc] + ([total_src] if total_src else [i["src"] for i in categories]))),
            message=f"{scope}: 「{item['label_raw']}」 {count} of {total}{' (the sum of the counts)' if assumed else ''}"
                    f" is {fmt(share * scale)}%; printed {item['share_raw'].strip()}",
        )
