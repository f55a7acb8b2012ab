"""Japanese words for the audit on Japanese pages and terminals: check names, statuses, messages.

The audit (pipeline/audit) keeps stable English keys and English messages in its JSON and CSV;
everything a person reads in Japanese comes from here, in one place:

    STATUS_LABELS[status]            "inconsistent" → "不一致"
    CHECK_LABELS[check]              (label, one-sentence explanation) for every check the audit emits
    check_label(check)               the label, or 「検査 <check>」 for a check this module does not know
    message_ja(finding)              the finding's message in Japanese
    reading_ja(text)                 a finding's `reading` (how a value had to be read to agree)
    recomputed_text(finding)         the recomputed value: a year as a year (2024), a share with % (60.49%)
    compare_words_ja(value)          the compare object's English phrases (bases, scales, scope) in Japanese
    COLUMN_LABELS, KIND_LABELS       its keys and achievement kinds as column headers and words

A message is translated by the templates in `_TEMPLATES`, applied in order to the parts of the
English message outside 「…」 (the report's own words are never touched). If an English word is left
over — a message this module does not know yet — the Japanese sentence is built from the finding's
fields instead (its check, scope, printed and recomputed values, the quoted words), so the page
never shows English; `translated(finding)` says which way was taken (the tests hold every message
the sample reports give to the templates).
"""

from __future__ import annotations

import re
from typing import Any

from hyoka.pipeline.html_format import num, percent_number, year

STATUS_LABELS = {
    "inconsistent": "不一致", "warning": "注意", "consistent_only_with_rounding": "条件付きで一致",
    "consistent": "一致",
}
STATUS_ORDER = ("inconsistent", "warning", "consistent_only_with_rounding", "consistent")

CHECK_LABELS: dict[str, tuple[str, str]] = {
    "points_exact": ("得点（厳密な計算式）", "記載の得点を、件数と凡例の計算式から計算し直した値と比べます。"),
    "points_legend_units": ("得点（凡例の丸めた単位値）", "凡例に印刷された丸めた単位値で得点を計算し直します。"),
    "legend_formula": ("凡例の計算例", "凡例に書かれた計算例そのものを計算し直します。"),
    "legend_unreadable": ("読み取れない凡例", "報告書に凡例が印刷されていますが、規則として読み取れませんでした。"),
    "counts_sum": ("件数の合計と総数", "記号・区分ごとの件数の合計が記載の総数と合うかを見ます。"),
    "count_share": ("記載の割合と件数÷総数", "記載の割合（%）が件数÷総数と合うかを見ます。"),
    "grade_band": ("評価区分と達成率", "実績÷目標の達成率から評価区分（A/B/C など）を求め、記載の区分と比べます。"),
    "era_pair": ("和暦・西暦の対応", "併記された和暦と西暦が同じ年かを見ます。"),
    "era_impossible": ("ありえない和暦年", "存在しない、または報告書の年度から遠すぎる和暦年です（記載どおり保持）。"),
    "era_range": ("逆順の年度範囲", "開始年度が終了年度より後になっている範囲です（記載どおり保持）。"),
    "as_of_date": ("年度外の時点", "「〇年〇月時点」が報告書の対象年度の外にあります。"),
    "period_length": ("計画期間の長さ", "計画期間の開始・終了と記載の年数が合うかを見ます。"),
    "cross_reference": ("相互参照", "「〇〇参照」「再掲」の参照先が文書内にあるかを見ます。"),
    "numbering": ("番号の欠け", "施策・事業の通し番号に抜けがあります。"),
    "ended_reappears": ("終了した施策の再登場", "終了・廃止とされた施策が後で再び現れないかを見ます。"),
    "cost_funding_sum": ("財源内訳の合計と事業費計 (A)", "国・都道府県・地方債・その他・一般財源の合計を事業費計 (A) と比べます。"),
    "cost_total": ("事業費 (A) + 人件費 (B) とトータルコスト", "事業費計 (A) と人件費計 (B) の和をトータルコストと比べます。"),
    "stated_rate": ("記載の達成率・進捗率と実績÷目標", "記載の達成率（進捗率）を実績÷目標×100 から計算し直し、記載の桁で比べます"
                    "（四捨五入・切り捨て・切り上げを許容。目標÷実績でのみ合うものは、凡例や算式がそう言わない限り注意）。"),
    "stated_difference": ("記載の差と実績−目標", "「目標と実績の比較」などに記載の差を実績−目標と比べます（△・▲は負）。"),
    "legend_met_below_target": ("「達成」とする区分が100%未満から", "凡例で「目標を達成」とする区分の範囲が達成度100%未満から始まっています。"),
    "legend_unlabelled": ("記号・区分名のない凡例項目", "凡例の項目に記号・区分名が印刷されていません（記号の欠落）。"),
    "era_glued": ("元号と西暦の混在", "「令2022年度」のように元号（の一字）が西暦年の前に付いています。どの年か確定できません。"),
    "date_in_formula": ("計算式の中の日付", "「100%×1月5日=20%」のように数値の位置に日付があります（分数が日付に自動変換された可能性）。"),
    "share_denominator": ("分母が記載されていない割合", "記載の割合が、文書に記載されたどの総数でも整数の件数÷総数になりません。"),
    "points_band_unreachable": ("到達し得ない合計ポイントの区分", "合計ポイントの区分が、各ポイント表の最大値の合計を超えています。"),
}

# A check that raised is reported under its function's name (check_scores → "scores"): one label each.
_COULD_NOT_RUN = "この検査は文書の内容により実行できませんでした。"
for _name, _label in (("legends", "凡例の読み取り"), ("scores", "得点と件数"), ("grades", "評価区分"),
                      ("dates", "日付・和暦"), ("period", "計画期間"), ("cross_references", "相互参照"),
                      ("ended_measures", "終了した施策"), ("costs", "事業費"), ("stated_rates", "記載の達成率"),
                      ("stated_differences", "記載の差"), ("legend_wording", "凡例の文言"),
                      ("printed_flags", "印刷上の誤り"), ("counts", "件数の合計"), ("shares", "割合")):
    CHECK_LABELS.setdefault(_name, (_label, _COULD_NOT_RUN))


def check_label(check: str) -> str:
    return CHECK_LABELS.get(check, (f"検査 {check}", ""))[0]


def check_explanation(check: str) -> str:
    return CHECK_LABELS.get(check, ("", ""))[1]


# --- message templates: English pattern → Japanese, in order --------------------------------------
# \1 … refer to the pattern's groups. The parts inside 「…」 are taken out first (they are the
# report's own words), so the patterns see 「§0」, 「§1」 … in their place.

_KIND = {"points": "得点", "grade_bands": "評価区分"}
_HOW = {"truncated": "切り捨て", "rounded up": "切り上げ", "rounded": "四捨五入"}

_TEMPLATES: tuple[tuple[str, Any], ...] = (
    (r"(?<![-\w])preset (\w+)", r"既定の規則集「\1」"),
    # the preset's doubt, appended by the audit to any inconsistent finding under an assumed rule
    (r" — inconsistent under (.+?) \((.+?)\); the report prints no rule of its own, so this is only a question$",
     r" — 想定の規則 \2（\1）では不一致。報告書に独自の規則の記載がないため、注意にとどめます"),
    (r"^the report prints a (points|grade_bands) legend hyoka could not read; ",
     lambda m: f"報告書に印刷された{_KIND[m.group(1)]}の凡例を読み取れませんでした。"),
    (r"falling back to (\S+) \((.+)\)$", r"代わりに規則 \1（\2）で計算します"),
    (r"its scores are not recomputed$", "得点は再計算していません"),
    (r"legend printed in the report \((.+?)\)", r"報告書に印刷された凡例（\1）"),
    (r": can't add the counts up: ", ": 件数を合計できません: "),
    (r"(「§\d+」) count (「§\d+」) is not a number", r"\1の件数\2が数値ではありません"),
    (r"^(.*?): the counts \((.*?)\) add up to (\S+); the total printed is (\S+)",
     r"\1: 件数（\2）の合計は \3、記載の総数は \4"),
    (r"; the categories named may overlap$", "（区分が重なっている可能性があります）"),
    (r": can't recompute the score: the rule gives no points for (.+)$", r": 得点を再計算できません: 規則に \1 の点数がありません"),
    (r": can't recompute the score: ", ": 得点を再計算できません: "),
    (r"^(.*?): stated (\S+), recomputed (\S+) from (.*?)(?: over N=(\d+))?(?=;|$| — )",
     lambda m: f"{m.group(1)}: 記載 {m.group(2)}、{m.group(4)} から再計算すると {m.group(3)}"
               + (f"（N={m.group(5)}）" if m.group(5) else "")),
    (r"; with '-' left out of N it would be (\S+) \(also consistent\)$", r"（N から「-」を除くと \1 で、これも一致）"),
    (r"; with '-' left out of N it would be (\S+) \(inconsistent\)$", r"（N から「-」を除くと \1 で、不一致）"),
    (r": with the legend's rounded unit values the score is (\S+)$", r": 凡例に印刷された丸めた単位値で計算すると \1"),
    (r" (\d+) of (\d+)( \(the sum of the counts\))? is (\S+)%; printed (.+)$",
     lambda m: f" {m.group(2)} 件中 {m.group(1)} 件{'（総数は件数の合計）' if m.group(3) else ''} = {m.group(4)}%、記載 {m.group(5)}"),
    (r"^凡例 formula: ", "凡例の計算例: "),
    (r"unit value (\S+) matches no symbol weight of the rule$", r"単位値 \1 に当たる記号の重みが規則にありません"),
    (r"unit value (\S+) = (\S+) × (\S+)", r"単位値 \1 = \2 × \3"),
    (r"unit (\S+) ÷ ", r"単位値 \1 ÷ "),
    (r"count for weight ([^\s:]+)", r"重み \1 の件数"),
    (r"sum of the terms", "各項の和"),
    (r"(\S+) rounded:", r"\1 の丸め:"),
    (r": printed (\S*), recomputed (\S+)$", r": 記載 \1、再計算 \2"),
    (r": grade (\S+) printed without a usable target/actual$", r": 評価 \1 の記載があるが、計算に使える目標・実績がない"),
    (r": (.+?) / (.+?) = ([\d.]+)% → (\S+); printed (.+)$", r": 実績 \1 ÷ 目標 \2 = \3% → 区分 \4、記載は \5"),
    (r": printed rate (「§\d+」) while actual (.+?) ÷ target (.+?) = (\S+)%: capped at 100%, a rule the table does "
     r"not print", r": 記載の達成率\1、実績 \2 ÷ 目標 \3 = \4%。100% を上限とした値で、表にその規則の記載はない"),
    (r": printed rate (「§\d+」), but actual (.+?) ÷ target (.+?) = (\S+)% and no reading \(target ÷ actual, "
     r"rounding, truncation\) gives it; ", r": 記載の達成率\1、実績 \2 ÷ 目標 \3 = \4%。どの読み方（目標÷実績・四捨五入・切り捨て）でも一致しない。"),
    (r"the header prints (\S+)", r"見出しの算式は \1"),
    (r"the report prints no formula for it \(from a baseline not shown\?\)", "報告書に算式の記載がない（記載のない基準値からの進捗か）"),
    (r": printed rate (「§\d+」); ", r": 記載の達成率\1、"),
    (r"\(actual (.+?) − baseline (.+?)\) ÷ \(target (.+?) − baseline (.+?)\)", r"(実績 \1 − 基準値 \2) ÷ (目標 \3 − 基準値 \4)"),
    (r"actual (.+?) ÷ target (.+?) = ", r"実績 \1 ÷ 目標 \2 = "),
    (r"target (.+?) ÷ actual (.+?) = ", r"目標 \1 ÷ 実績 \2 = "),
    (r" — only as target ÷ actual, against the header's (\S+)", r" — 目標÷実績でのみ一致、見出しの算式 \1 と逆"),
    (r" — only as target ÷ actual \(lower is better\?\), and the report does not say it computes it that way",
     " — 目標÷実績でのみ一致（低いほど良い指標か）。報告書はそう計算するとは書いていない"),
    (r": printed difference (「§\d+」); actual (.+?) − target (.+?) = (\S+)", r": 記載の差\1、実績 \2 − 目標 \3 = \4"),
    (r" — only as target − actual \(the sign is the other way round\)", " — 目標 − 実績としてのみ一致"),
    (r"^legend (「§\d+」) says the target was met \((「§\d+」)\) but its band starts at (\S+)% — ",
     r"凡例\1は目標を達成（\2）としているが、その区分は達成度 \3% から始まる — "),
    (r"^a legend item is printed without its label: ", "凡例の項目に記号・区分名が印刷されていない: "),
    (r"^(「§\d+」): (.+?)(\S+)年 is (\d+), printed \((\d+)\)$", r"\1: \2\3年は \4 年、記載は（\5）"),
    (r"^(「§\d+」) can't be right: ", r"\1 はありえない: "),
    (r"(\S+) = (\d+), (\d+) years after this (\d+) report", r"\1 = \2 年、この報告書の \4 年から \3 年後"),
    (r"; probably (\S+)", r"。\1 の誤りか"),
    (r"(\S+) is past the last (\S+) year \((\d+)\); read literally it is (\d+) \((.+?)\)",
     r"\1 は \2 の最後の年（\3 年）より後。そのまま読むと \4 年（\5）"),
    (r"(\S+) is after (\S+) ended \((\S+)\)", r"\1 は \2 の終わり（\3）より後"),
    (r"^(「§\d+」): an era name (「§\d+」) is printed before the Western year (\d+): (「§\d+」) is no year of any era",
     r"\1: 元号\2が西暦 \3 年の前に付いている。\4はどの元号の年でもない"),
    (r"^(「§\d+」): a date (「§\d+」) stands where a number belongs in (「§\d+」)", r"\1: \3の数値の位置に日付\2がある"),
    (r"; the equation holds only if it is the fraction (\S+)", r"。分数 \1 とすれば式が成り立つ"),
    (r"^(「§\d+」): (\S+)% is k/N for no whole k with N = any total the report prints: (.+?); the denominator used "
     r"is not printed", r"\1: \2% は、報告書に記載のどの総数 N（\3）でも整数 k の k/N にならない。使われた分母は記載されていない"),
    (r"^(「§\d+」): a band of the summed (\S+) reaches (\S+), but the parts summed can reach at most ([^（]+)",
     r"\1: 合計\2の区分は \3 に達するが、各部分の合計は最大 \4"),
    (r"^(「§\d+」): says the target was met \((「§\d+」)\) but its band starts at (\S+)%",
     r"\1: 目標を達成（\2）としているが、その区分は達成度 \3% から始まる"),
    (r" \(kept as printed\)", "（記載どおり保持）"),
    (r"^(「§\d+」) runs backwards: (.+?) \((\d+)\) → (.+?) \((\d+)\)", r"\1 は逆順: \2（\3 年）→ \4（\5 年）"),
    (r"^(「§\d+」) is in FY(\d+), outside the sheet's FY(\d+) \(April (\d+)–March (\d+)\)",
     r"\1 は \2年度で、この報告書の \3年度（\4年4月〜\5年3月）の外"),
    (r"^plan period (\d+)–(\d+) is (\d+) years; printed (.+)$", r"計画期間 \1〜\2年度は \3 年、記載は \4"),
    (r"^(\S+) refers to (.+), which is not in the report$", r"\1 が参照する \2 は報告書内にない"),
    (r"^(\S+) ↔ (\S+): printed from both ends$", r"\1 ↔ \2: 双方から参照されている"),
    (r"^(\S+) ↔ (\S+): \2 does not refer back to \1$", r"\1 ↔ \2: \2 から \1 への参照がない"),
    (r"^(\S+) is missing: (\S+) is followed by (\S+)$", r"\1 が欠けている: \2 の次が \3"),
    (r"^(「§\d+」) marked (\S+) reappears as (.+)$", r"\1 は \2 とされているが、\3 として再び現れる"),
    (r"^(「§\d+」) marked (\S+) does not reappear in the later plan$", r"\1 は \2 とされ、後の計画に再び現れない"),
    (r" \(sheet row (\d+)\)", r"（シートの \1 行目）"),
    (r": not a number: ", ": 数値でない: "),
    (r"; printed (事業費計 \(A\)|トータルコスト \(A\)\+\(B\)) (\S+)", r"、記載の \1 は \2"),
    (r" \((「§\d+」)/blank counted as 0: (.+)\)$", r"（\1・空欄は 0 として計算: \2）"),
    (r"^check could not run: .*$", "検査を実行できなかった（理由は JSON 出力に記載）"),
)
_COMPILED = tuple((re.compile(p), r) for p, r in _TEMPLATES)

_READINGS: tuple[tuple[str, Any], ...] = (
    (r"^(\S+)% counted as (\S+) \(upper bound of \2 inclusive\)$", r"\1% を \2 に含めた場合（\2 の上限を含む読み方）"),
    (r"^achievement rounded to (\S+)% before grading$", r"達成率を \1% に丸めてから区分した場合"),
    (r"^only with the legend's rounded unit values$", "凡例に印刷された丸めた単位値で計算した場合のみ"),
    (r"^unit values rounded to (\d+) decimals as the legend prints them$", r"単位値を凡例どおり小数 \1 桁に丸めて計算"),
    (r"^only if the share was truncated to (\d+) decimals, not rounded$", r"割合を四捨五入でなく小数 \1 桁で切り捨てた場合のみ"),
    (r"^no total printed: the total is the sum of the counts$", "総数の記載がないため件数の合計を総数とした"),
    (r"^capped at 100%$", "100% を上限とした場合"),
    (r"^only if the rate was (truncated|rounded up), not rounded$",
     lambda m: f"達成率を四捨五入でなく{_HOW[m.group(1)]}した場合のみ"),
    (r"^target ÷ actual: the legend marks indicators where lower is better$", "目標÷実績（凡例が低いほど良い指標を示している）"),
    (r"^progress from the baseline: \(actual − baseline\) ÷ \(target − baseline\)$",
     "基準値からの進捗: (実績 − 基準値) ÷ (目標 − 基準値)"),
)
_READINGS_COMPILED = tuple((re.compile(p), r) for p, r in _READINGS)

_QUOTED = re.compile(r"「[^「」]*」")
_PLACEHOLDER = re.compile(r"「§(\d+)」")
# English words left over mean the templates do not know the message; these are not English prose
_NOT_PROSE = {"KPI", "PDCA", "PDF", "JSON", "CSV", "DX", "IT", "ICT", "NPO", "PR", "SNS", "HP", "N"}
_ENGLISH = re.compile(r"[A-Za-z][A-Za-z'’]{2,}")


def _english_left(text: str) -> bool:
    outside = _QUOTED.sub("", text)
    outside = re.sub(r"\b(?:[A-Za-z]+-)+[A-Za-z0-9-]+\b", "", outside)  # rule ids: preset-grades-achievement
    return any(w not in _NOT_PROSE for w in _ENGLISH.findall(outside))


def _apply(text: str, compiled) -> str:
    quotes: list[str] = []

    def hide(m: re.Match) -> str:
        quotes.append(m.group(0))
        return f"「§{len(quotes) - 1}」"

    out = _QUOTED.sub(hide, text)
    for pattern, repl in compiled:
        out = pattern.sub(repl, out)
    return _PLACEHOLDER.sub(lambda m: quotes[int(m.group(1))], out)


def _template(message: str) -> str | None:
    """The message through the templates, or None when English words are left over."""
    out = _apply(_gloss_brackets(message), _COMPILED)
    return None if _english_left(out) else out


def _gloss_brackets(text: str) -> str:
    """「… (記載の差が実績−目標と合わない)」: the audit's Japanese gloss in ASCII brackets → 「（…）」."""
    return re.sub(r" \(([^()A-Za-z]*[ぁ-んァ-ヶ一-龠][^()A-Za-z]*)\)(?=$| — )", r"（\1）", text)


def _glosses(message: str) -> list[str]:
    """Japanese words in brackets the audit adds to some English messages: 「(符号が逆)」 → 符号が逆."""
    return [g for g in re.findall(r"\(([^()]*)\)", _QUOTED.sub("", message))
            if re.search(r"[ぁ-んァ-ヶ一-龠]", g) and not _ENGLISH.search(g)]


YEAR_CHECKS = {"era_pair", "era_impossible", "era_range", "as_of_date"}  # recomputed is a year
PERCENT_CHECKS = {"count_share", "grade_band", "stated_rate", "legend_met_below_target"}  # recomputed is a %


def recomputed_text(finding) -> str:
    """The recomputed value as a person reads it: a year as a year (2024), a share with % (60.49%)."""
    if finding.recomputed is None:
        return ""
    if finding.check in YEAR_CHECKS:
        return year(finding.recomputed)
    if finding.check in PERCENT_CHECKS:
        return percent_number(finding.recomputed)
    return num(finding.recomputed)


def _from_fields(finding) -> str:
    """A Japanese sentence from the finding's fields, for a message the templates do not know."""
    head = check_label(finding.check)
    parts = [f"{head}（{finding.scope}）" if finding.scope else head]
    if finding.stated:
        parts.append(f"記載「{finding.stated}」")
    if finding.recomputed is not None:
        parts.append(f"再計算 {recomputed_text(finding)}")
    quotes = [q for q in _QUOTED.findall(finding.message or "") if q != f"「{finding.stated}」"]
    parts += quotes[:3]
    parts += [f"（{g}）" for g in _glosses(finding.message or "")]
    parts.append(f"— {STATUS_LABELS.get(finding.status, finding.status)}")
    return " ".join(parts)


def translated(finding) -> bool:
    """Whether the finding's message is one the templates know (else message_ja builds it from fields)."""
    return _template(finding.message or "") is not None


def message_ja(finding) -> str:
    """The finding's message in Japanese (see the module doc)."""
    return _template(finding.message or "") or _from_fields(finding)


def reading_ja(text: str | None) -> str:
    """A finding's reading in Japanese; "" when there is none. Several readings are joined by 「; 」."""
    if not text:
        return ""
    out = "、".join(_apply(part.strip(), _READINGS_COMPILED) for part in text.split(";"))
    return "（読み方の詳細は JSON 出力に記載）" if _english_left(out) else out


# --- the compare object's words (pipeline/compare.py writes them in English for JSON) -------------

COLUMN_LABELS = {
    "doc_id": "文書ID", "municipality": "自治体", "title": "表題", "plan_name": "計画名", "kind": "種類",
    "fiscal_year": "年度", "source_path": "ファイル", "mapping": "換算", "rule": "規則", "name": "名称",
    "theme": "テーマ", "series_id": "系列ID", "n_measures": "施策数", "n_rows": "行数", "achievement": "達成度",
}
KIND_LABELS = {"grade": "評価区分", "symbol": "記号", "ratio": "実績÷目標", "evidence": "取組の記述（目標と実績）"}

_COMPARE_WORDS: tuple[tuple[str, Any], ...] = (
    (r"\b(grade|symbol|ratio|evidence) ×(\d+) \(FY(\d{4})\)", lambda m: f"{KIND_LABELS[m.group(1)]} ×{m.group(2)}（{m.group(3)}年度）"),
    (r" \(band middle, capped at 1\)", "（区分の中央値、上限 1）"),
    (r"\bactual/target capped at 1", "実績÷目標（上限 1）"),
    (r"\btarget/actual capped at 1", "目標÷実績（上限 1）"),
    (r"; (\S+) is good", r"、\1が良い"),
    (r" \(the document grades actual / target \(its (.+?) legend\)\)", r"（報告書が実績÷目標で評価: \1の凡例）"),
    (r" \(the document grades target / actual \(its (.+?) legend\)\)", r"（報告書が目標÷実績で評価: \1の凡例）"),
    (r"legend printed in the report \((.+?)\)", r"報告書に印刷された凡例（\1）"),
    (r"^measures of the industrial-promotion plan only \(in_plan\).*$",
     "産業振興計画の施策のみ（in_plan）。市の事務事業一覧全体に載る産業以外の見出しの事業は、計画の対象外として一覧に示し、数えていません"),
    (r"^all measures$", "すべての施策（計画の対象外を含む）"),
)
_COMPARE_COMPILED = tuple((re.compile(p), r) for p, r in _COMPARE_WORDS)


def compare_words_ja(value: Any) -> Any:
    """A value of the compare object in Japanese where it is one of its English phrases; else as given."""
    if not isinstance(value, str):
        return value
    if value in KIND_LABELS:
        return KIND_LABELS[value]
    return _apply(value, _COMPARE_COMPILED)
