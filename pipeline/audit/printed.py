"""Figures printed in running text that can't be right as printed: flagged at ingest, audited later.

A normalize stage (`flag_printed_figures`, run after `collect_dates`) that reads every source row
— paragraph or table cell, whatever the reader made of it — and adds a `flags` row for three
patterns that hold in any report, whatever its layout. Nothing is changed or dropped; the audit
(`check_printed_flags` below) reports each flag as a `warning`, with the printed
text quoted and its place:

- `era_glued`: an era name or its first character written before a Western year
  (「2018年度から令2022年度まで」): 令和2022年 is no year, and which one was meant is a guess;
- `date_in_formula`: a month-day date standing where a number belongs in arithmetic
  (「100%×1月5日=20%」 — a fraction 1/5 auto-converted to a date by a spreadsheet or editor);
  where the equation holds with the fraction, the reason says so;
- `share_denominator`: a share printed for a group of the report's items without its count
  (「…(A判定)と…(B判定)を合計した割合が68.6%」) that is k/N for no whole k, for every total N of
  those items the report prints (「119の成果指標」) or leaves once its stated exclusions are taken
  off (「3件の成果指標については、判定を行っていません」 → 116): the denominator actually used is
  not printed.

- `legend_met_below_target`: a row printing a grade and its meaning that the reader did not keep
  as a legend, whose words say the target was met while its band starts below 100 %
  (「B:数値目標を達成 | 90%以上110%未満」; stored legends get the same rule in the audit);
- `points_band_unreachable`: bands of a summed score (「(1)及び(2)の合計ポイント」) running above what
  the summed parts can reach, by the maxima of the report's own points legends (bands up to 18
  ポイント, parts of at most 7 + 3 = 10).

The share rule only speaks when every printed total fails: a share of some other population
(respondents, a budget) does not name the items counted, so it is never compared.
"""

from __future__ import annotations

import math
import re
import unicodedata
from fractions import Fraction
from typing import Iterable

from hyoka.pipeline.audit.context import DocContext
from hyoka.pipeline.audit.findings import WARNING, Finding
from hyoka.pipeline.model import Document, Flag
from hyoka.pipeline.rules import RuleSet

# --- an era glued to a Western year ------------------------------------------------------------

# an era's whole name, or its first character where no kanji precedes it (「から令2022年度」, not 「最大2020年」)
_ERA = r"(?:明治|大正|昭和|平成|令和|(?<![一-龥々])[昭平令])"
_ERA_WESTERN = re.compile(rf"(?P<era>{_ERA})\s*(?P<year>(?:1[89]|20)\d\d)\s*(?P<tail>年度?)")


def era_glued(text: str) -> list[tuple[str, str]]:
    """(printed, reason) for each era name written before a four-digit Western year."""
    out = []
    for m in _ERA_WESTERN.finditer(text):
        year = int(m.group("year"))
        out.append((m.group(0), f"an era name 「{m.group('era')}」 is printed before the Western year {year}: "
                                f"「{m.group(0)}」 is no year of any era (元号と西暦が混在: {year}年のことか)"))
    return out


# --- a date where a number belongs -------------------------------------------------------------

_NUM = r"\d+(?:\.\d+)?\s*%?"
_DATE = r"(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
# the date is an operand: × ÷ on one side (an equation on the other is read when there is one)
_DATE_OPERAND = re.compile(
    rf"(?:(?P<a>{_NUM})\s*(?P<op>[×*÷])\s*{_DATE}|{_DATE.replace('?P<m>', '?P<m2>').replace('?P<d>', '?P<d2>')}"
    rf"\s*(?P<op2>[×*÷])\s*(?P<b>{_NUM}))(?:\s*[=＝]\s*(?P<c>{_NUM}))?")


def _number(text: str) -> float:
    return float(text.replace("%", "").strip())


def date_in_formula(text: str) -> list[tuple[str, str]]:
    """(printed, reason) for each month-day date that is a factor or divisor of a calculation."""
    out = []
    flat = unicodedata.normalize("NFKC", text)
    for m in _DATE_OPERAND.finditer(flat):
        month, day = (m.group("m"), m.group("d")) if m.group("m") else (m.group("m2"), m.group("d2"))
        fraction = Fraction(int(month), int(day))
        holds = ""
        if m.group("c") is not None:
            if m.group("a") is not None:
                value = _number(m.group("a")) * fraction if m.group("op") in "×*" else _number(m.group("a")) / fraction
            else:
                value = fraction * _number(m.group("b")) if m.group("op2") in "×*" else fraction / _number(m.group("b"))
            if math.isclose(float(value), _number(m.group("c")), rel_tol=1e-9, abs_tol=1e-9):
                holds = f"; the equation holds only if it is the fraction {month}/{day}"
        out.append((m.group(0), f"a date 「{month}月{day}日」 stands where a number belongs in 「{m.group(0).strip()}」"
                                f"{holds} (計算式の中に日付: 分数 {month}/{day} が日付に変換されたか)"))
    return out


# --- a share of a group whose denominator is not printed ---------------------------------------

_NOUNS = ("成果指標", "指標", "項目", "施策", "事務事業", "事業", "KPI")
_NOUN = "(?:" + "|".join(_NOUNS) + ")"
# 「119の成果指標」「119指標」「成果指標119件」「全119項目」
_TOTAL = re.compile(rf"(?<![\d.,])(?P<n>\d{{1,5}})\s*(?:の|個の|件の)?\s*(?P<noun>{_NOUN})|(?P<noun2>{_NOUN})\s*(?P<n2>\d{{1,5}})\s*件")
# 「値が確認できなかった3件の成果指標については、判定を行っていません」「評価対象外の2項目」
_EXCLUDED = re.compile(rf"(?P<n>\d{{1,4}})\s*(?:(?:件|個)(?:の)?\s*(?P<noun>{_NOUN})?|の?\s*(?P<noun_>{_NOUN}))[^。\n]{{0,30}}?(?:判定を行って(?:い)?ません|判定していない|"
                       rf"評価(?:を行って(?:い)?ません|していない|せず|なし|対象外)|対象外|除(?:く|いた|外))")
# 「…を合計した割合が68.6%」「…の割合は 92.2 %」: a share of a group, the sentence naming what is counted
_GROUP_SHARE = re.compile(r"(?:割合|比率|占める率)\s*(?:は|が|で|を)?\s*(?:約)?\s*(?P<p>\d{1,3}(?:\.\d+)?)\s*[%％]")
_COUNT_BEFORE = re.compile(rf"\d+\s*(?:件|個|{_NOUN})\s*[(（]?\s*$")


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=。)|\n", text) if s.strip()]


def _family(noun: str) -> str:
    """成果指標 and 指標 count the same items, as 事務事業 and 事業 do."""
    return {"成果指標": "指標", "事務事業": "事業", "KPI": "指標"}.get(noun, noun)


def share_totals(text: str) -> dict[str, dict[int, str]]:
    """Per kind of item (指標, 事業 …): every count of that kind the document prints (a share may be over
    any of them), and the largest less each exclusion the document states."""
    flat = unicodedata.normalize("NFKC", text)
    out: dict[str, dict[int, str]] = {}
    for m in _TOTAL.finditer(flat):
        n, noun = int(m.group("n") or m.group("n2")), _family(m.group("noun") or m.group("noun2"))
        if n >= 2:
            out.setdefault(noun, {}).setdefault(n, f"「{m.group(0).strip()}」")
    for noun, printed in out.items():
        n = max(printed)
        for m in _EXCLUDED.finditer(flat):
            k, kind = int(m.group("n")), m.group("noun") or m.group("noun_")
            if 0 < k < n and (kind is None or _family(kind) == noun):
                printed.setdefault(n - k, f"{n} − {k} (「{m.group(0).strip()[:40]}」)")
    return out


def _share_fits(p: str, n: int) -> bool:
    """Some whole k in 0..n gives p% of n at p's printed precision, rounded or truncated."""
    decimals = len(p.split(".")[1]) if "." in p else 0
    unit = Fraction(1, 10 ** decimals)
    value = Fraction(p)
    low, high = value - unit, value + unit  # half up/even, truncation and ceiling all fall inside
    k_low = math.ceil(low * n / 100)
    for k in range(max(0, k_low), n + 1):
        share = Fraction(100 * k, n)
        if share >= high:
            break
        if low < share < high:
            return True
    return False


def group_shares(text: str, totals: dict[str, dict[int, str]]) -> list[tuple[str, str]]:
    """(printed, reason) for each group share that fits none of the printed totals of the items it counts."""
    out = []
    for sentence in _sentences(unicodedata.normalize("NFKC", text)):
        for m in _GROUP_SHARE.finditer(sentence):
            before = sentence[:m.start()]
            # the share names what it counts (the report's items), and no count is printed beside it
            nouns = {_family(n) for n in re.findall(_NOUN, before)}
            if len(nouns) != 1 or _COUNT_BEFORE.search(before[-12:]) or re.search(r"\d+\s*(?:件|個)", before):
                continue
            candidates = totals.get(nouns.pop())
            p = m.group("p")
            if not candidates or any(_share_fits(p, n) for n in candidates):
                continue
            listed = ", ".join(f"{n} ({why})" for n, why in sorted(candidates.items(), reverse=True))
            out.append((f"{p}%", f"{p}% is k/N for no whole k with N = any total the report prints: {listed}; "
                                 f"the denominator used is not printed — 「{sentence.strip()[:80]}」 "
                                 f"(割合 {p}% はどの総数でも整数の件数にならない: 分母が記載されていない)"))
    return out


# --- a legend row that calls a band below 100 % 'met' --------------------------------------------

# a label that says the target was met: 「数値目標を達成」「目標達成」, not 「目標達成度」「目標達成に向けて」
# 「目標を達成できず」 or a qualified 「概ね目標を達成」「目標を2分の1以上達成」
_MET = re.compile(r"目標(?:値)?(?:を|に)?\s*(?:達成|達して|クリア)(?!度|率|に向|へ|でき(?:ず|な)|出来(?:ず|な)|には|困難|見込|状況)")
_HEDGE = re.compile(r"(?:概ね|おおむね|ほぼ|一部|概|約|やや|一定|最終年度|早く|上回る|上回って|大幅)[^、。]{0,8}$")
_BAND_LOW = re.compile(r"(?P<lo>\d+(?:\.\d+)?)\s*%\s*(?:以上|超)|(?P<lo2>\d+(?:\.\d+)?)\s*%?\s*~\s*\d+(?:\.\d+)?\s*%")
_GRADE_ROW = re.compile(r"^\s*(?:[A-ES][+\-]?|[◎○〇△×])\s*[:：.]")


def met_below_target(text: str) -> tuple[str, float] | None:
    """(the words, the band's low end) when `text` says the target was met and its band starts below 100 %."""
    flat = unicodedata.normalize("NFKC", text).replace("〜", "~").replace("～", "~")
    met = _MET.search(flat)
    band = _BAND_LOW.search(flat)
    if not met or not band or _HEDGE.search(flat[:met.start()]):
        return None
    # the rest of the clause may take it back: 「目標値を達成することができず」「…達成しなかった」
    rest = re.split(r"[、。,(（)）:：]", flat[met.end():], maxsplit=1)[0]
    if re.search(r"ず|ない|なかった|困難|見込|向け", rest):
        return None
    low = float(band.group("lo") or band.group("lo2"))
    return (met.group(0), low) if low < 100 else None


def _legend_rows(doc: Document, rows) -> list[tuple[object, str]]:
    """Rows that print a grade and its meaning (「B:数値目標を達成 | 90%以上110%未満」) and that the reader
    did not keep as a legend item (those are audited from `legends`)."""
    kept = {(r.file, r.line_start, r.table, r.row) for lg in doc.legends for r in [lg.ref, *lg.item_refs]}
    out = []
    for row in rows:
        # a Markdown table row is one cell 「| B:数値目標を達成 | 90%以上110%未満 |」
        text = re.sub(r"\s*\|\s*", " ", " ".join(c.strip() for c in row.cells if c.strip())).strip()
        if not _GRADE_ROW.match(unicodedata.normalize("NFKC", text)):
            continue
        r = row.ref
        if (r.file, r.line_start, r.table, r.row) in kept:
            continue
        out.append((r, text))
    return out


# --- bands of a summed score that the sum can't reach --------------------------------------------

_POINT_VALUE = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<u>ポイント|点)")
_POINT_BAND = re.compile(r"(?P<a>\d+(?:\.\d+)?)\s*(?:ポイント|点)?\s*[~〜～]\s*(?P<b>\d+(?:\.\d+)?)\s*(?P<u>ポイント|点)")
_SUMMED = re.compile(r"合計(?:ポイント|点|得点)|(?:ポイント|点数?|得点)の合計|合算")


def unreachable_point_bands(doc: Document, texts: list[tuple[object, str]]) -> list[tuple[object, str, str]]:
    """(ref, printed, reason) for a band of a summed score above what the summed parts can reach.

    The parts are the report's own points legends (each item printing its points: 「100% 7ポイント」,
    「全て達成 (3ポイント)」): their maxima add up to the most the sum can be. Only where the text says
    the bands apply to a sum (合計ポイント, …の合計) and bands and legends count in the same unit.
    """
    maxima: dict[str, float] = {}
    unit = None
    for i, legend in enumerate(doc.legends):
        if legend.kind not in ("points", "points_bands"):
            continue
        values = [(float(m.group("n")), m.group("u")) for _label, text in legend.items
                  for m in [_POINT_VALUE.fullmatch(unicodedata.normalize("NFKC", str(text)).strip())] if m]
        if values:
            maxima[f"legend {i}"] = max(v for v, _u in values)
            unit = values[0][1]
    if len(maxima) < 2 or not any(_SUMMED.search(t) for _ref, t in texts):
        return []
    top = sum(maxima.values())
    out = []
    for ref, text in texts:
        for m in _POINT_BAND.finditer(unicodedata.normalize("NFKC", text)):
            high = max(float(m.group("a")), float(m.group("b")))
            if m.group("u") == unit and high > top:
                parts = " + ".join(f"{v:g}" for v in maxima.values())
                out.append((ref, m.group(0), f"a band of the summed {unit} reaches {high:g}, but the parts summed can "
                                             f"reach at most {parts} = {top:g} (合計{unit}の区分が到達し得ない値まである)"))
    return out


def flag_printed_figures(doc: Document) -> None:
    """Flag eras glued to Western years, dates inside arithmetic, group shares without a denominator and
    bands of a summed score that the sum can't reach."""
    rows = [(row, col, cell) for row in doc.source_rows for col, cell in enumerate(row.cells) if cell.strip()]
    whole = "\n".join(cell for _r, _c, cell in rows)
    totals = share_totals(whole)
    for row, col, cell in rows:
        for field, found in (("era_glued", era_glued(cell) if "年" in cell else []),
                             ("date_in_formula", date_in_formula(cell) if "日" in cell else []),
                             ("share_denominator", group_shares(cell, totals) if "%" in cell or "％" in cell else [])):
            for raw, reason in found:  # the cell's place only where something is found (a sheet has 100k cells)
                doc.flags.append(Flag(field=field, raw=raw, reason=reason, ref=row.cell_ref(col)))
    for ref, text in _legend_rows(doc, doc.source_rows):
        if (said := met_below_target(text)) is not None:
            met, low = said
            doc.flags.append(Flag(field="legend_met_below_target", raw=text, ref=ref, reason=(
                f"says the target was met (「{met}」) but its band starts at {low:g}% "
                f"(「達成」とする区分が達成度{low:g}%から始まる)")))
    if "ポイント" in whole or "点" in whole:
        cells = [(row.cell_ref(col), cell) for row, col, cell in rows if "点" in cell or "ポイント" in cell or "合算" in cell]
        for ref, raw, reason in unreachable_point_bands(doc, cells):
            doc.flags.append(Flag(field="points_band_unreachable", raw=raw, reason=reason, ref=ref))


# --- the audit of these flags ------------------------------------------------------------------

_FLAG_CHECKS = {
    "era_glued": "era_glued",
    "date_in_formula": "date_in_formula",
    "share_denominator": "share_denominator",
    "points_band_unreachable": "points_band_unreachable",
    "legend_met_below_target": "legend_met_below_target",  # a legend row the reader did not store as a legend
}


def check_printed_flags(dt: DocContext, rules: RuleSet) -> Iterable[Finding]:
    """What the ingest stages flagged as printed wrong, as warnings with the printed text quoted:
    an era glued to a Western year, a date inside a formula, a group share whose denominator is not
    printed (above), and a legend item printed without its label (the reader)."""
    for f in dt.rows("flags"):
        field_ = f.get("field")
        check = _FLAG_CHECKS.get(field_)
        if check is None and field_ == "legend" and "without its label" in str(f.get("reason")):
            check = "legend_unlabelled"
            message = f"a legend item is printed without its label: 「{str(f.get('raw')).strip()[:60]}」 (凡例の記号・区分名が欠落)"
        elif check is None:
            continue
        else:
            message = f"「{f.get('raw')}」: {f.get('reason')}"
        yield dt.finding(check=check, status=WARNING, scope=f.get("scope"), location=f["src"], stated=str(f.get("raw")),
                         inputs=[f["src"]], message=message)

