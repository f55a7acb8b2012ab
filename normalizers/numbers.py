"""Numbers and quantities in targets/actuals: "27,000部", "約18億円", "毎年5件以上", "相談件数 8 件／年"."""

import re
import functools
from dataclasses import dataclass

from hyoka.normalizers.eras import find_era_dates
from hyoka.normalizers.text import for_value, squeeze_cjk_spaces

# longest first so "店舗" wins over "店" and "事業所" over nothing
UNITS: list[str] = sorted(
    "人 名 件 回 講座 店 店舗 部 社 組 本 台 か所 箇所 ヶ所 ケ所 カ所 ヵ所 kg t 円 千円 万円 億円 % 点 枚 "
    "事業所 事業者 団体 校 時間 日 ha m2 ㎡ 冊 個".split(),
    key=len, reverse=True,
)
_PLACE_UNITS = {"箇所", "ヶ所", "ケ所", "カ所", "ヵ所"}  # printed variants of か所, unified at parse
# same quantity, other spelling; 千円/万円/億円 are not here: they scale the value ("1,000 千円" is
# 1000 in 千円, not 1000 円)
UNIT_CANON: dict[str, str] = {"名": "人", "㎡": "m2"} | {
    u: "か所" for u in _PLACE_UNITS
}

_KANJI_DIGIT = dict(zip("〇零一二三四五六七八九", [0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10**4, "億": 10**8, "兆": 10**12}
_ARABIC = r"\d+(?:\.\d+)?"
_KANJI = "〇零一二三四五六七八九十百千"
# a number: Arabic digits and/or kanji numerals, with 十百千万億兆 multipliers ("1.5万", "3億5千万", "百二十")
_NUM = re.compile(rf"(?<![\d.])-?(?:{_ARABIC}|[{_KANJI}])(?:{_ARABIC}|[{_KANJI}万億兆])*")
_TOKEN = re.compile(rf"{_ARABIC}|.")
_HAN = re.compile(r"[\u3400-\u9fff]")
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
_PER_WORDS = {"年": "年", "年間": "年", "毎年": "年", "月": "月", "月間": "月", "毎月": "月",
              "回": "回", "毎回": "回", "日": "日", "毎日": "日", "週": "週", "毎週": "週"}
_QUAL = "以上|以下|程度|未満|超|強|弱"
_AFTER = re.compile(
    rf"\s*(?P<pct>割)?\s*(?:(?P<unit>{_UNIT_RE})(?![A-Za-z]))?\s*(?P<q1>{_QUAL})?"
    rf"\s*(?:/\s*(?P<per>年間|年|月間|月|回|日|週))?\s*(?P<q2>{_QUAL})?"
)
_PREFIX_PER = re.compile(r"(毎年|年間|毎月|月間|毎回|毎日|毎週|(?<![\d同今昨前翌本])年)\s*$")  # "年4回"
_YEARS = re.compile(r"(?<!\d)(?:\d{4}\s*(?:/\d{1,2}(?:/\d{1,2})?|年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?)|\d+\s*年\s*度)")
_PREFIX_NOISE = re.compile(r"(?:約|およそ|計|合計|:)\s*$")
_NONE = {"", "-", "—", "―", "ー", "‐"}


def _value(expr: str) -> float:
    """Value of a numeral expression matched by _NUM: "27000" "1.5万" "百二十" "3億5千万"."""
    sign = -1 if expr.startswith("-") else 1
    total = section = 0.0
    current: float | None = None
    for tok in _TOKEN.findall(expr.lstrip("-")):
        if tok in _SMALL:
            section += (1 if current is None else current) * _SMALL[tok]
            current = None
        elif tok in _BIG:
            total += (section + (current or 0) or 1) * _BIG[tok]
            section, current = 0.0, None
        elif tok in _KANJI_DIGIT:  # "二〇二五" reads positionally
            current = (current or 0) * 10 + _KANJI_DIGIT[tok]
        else:
            current = float(tok)
    return sign * (total + section + (current or 0))


def _plausible(t: str, m: re.Match) -> bool:
    """Kanji numerals are only numbers when they stand alone: not "統一", "一定", "百貨店"."""
    if re.search(r"\d", m.group()):
        return True
    before = t[m.start() - 1] if m.start() else ""
    after = t[m.end()] if m.end() < len(t) else ""
    if before and _HAN.match(before) and before not in "約年間計数":
        return False
    if after and _HAN.match(after) and not re.match(rf"(?:{_UNIT_RE}|割)", t[m.end():]):
        return False
    return True


def _masked(t: str) -> str:
    """t with era dates blanked out, so 令和8年度 is not read as the quantity 8."""
    for d in find_era_dates(t):
        t = t[: d.start] + " " * (d.end - d.start) + t[d.end:]
    # Western dates and a bare "30年度" are years, not 30 of anything
    return _YEARS.sub(lambda m: " " * len(m.group()), t)


def _first_number(t: str) -> re.Match | None:
    return next((m for m in _NUM.finditer(t) if _plausible(t, m)), None)


# ---------------------------------------------------------------- letters typed for digits

# A run of digits with letters among them: O/o/〇 typed for 0, l/I for 1 ("8O,000", "l0人", "1〇0点").
# Not next to another Latin letter ("No.10", "CO2", "Illinois" are words), and only with an Arabic
# digit in it ("二〇二五" is a kanji numeral, "〇" alone an evaluation mark).
_TYPO_RUN = re.compile(r"(?<![A-Za-z])[0-9OoIl〇](?:[0-9OoIl〇]|[,.](?=[0-9OoIl〇]))*(?![A-Za-z])")
_ZERO_LIKE, _ONE_LIKE = "Oo〇", "Il"


@dataclass(frozen=True)
class DigitTypos:
    """What `digit_typos` found in a text."""

    text: str  # the text with the unambiguous typos read as digits
    fixed: tuple[str, ...] = ()  # 「8O,000 → 80,000」 per run read
    doubtful: tuple[str, ...] = ()  # runs that can't be read for sure (kept as printed), e.g. 「10l」

    @property
    def note(self) -> str | None:
        """A flag's reason, or None when the text had no letters among its digits."""
        if self.doubtful:
            return (f"letters among the digits of 「{'」「'.join(self.doubtful)}」: can't tell which number was "
                    "meant; left empty, kept as printed")
        if self.fixed:
            return f"letters typed for digits, read as {'; '.join(self.fixed)} (O/o/〇 as 0, l/I as 1)"
        return None


@functools.lru_cache(maxsize=65536)
def digit_typos(s: str) -> DigitTypos:
    """Letters typed for digits inside a number: 「8O,000」 → 80,000 and 「l0」 → 10 (fixed), while a run
    whose letter could as well be something else is doubtful: a trailing l/I (「10l」: 10 litres?) or a
    leading O (「O5」: a leading zero). Text without such runs comes back unchanged."""
    if not any(c in s for c in _ZERO_LIKE + _ONE_LIKE):
        return DigitTypos(s)
    fixed, doubtful, out, last = [], [], [], 0
    for m in _TYPO_RUN.finditer(s):
        run = m.group()
        if not re.search(r"\d", run) or not re.search(r"[OoIl〇]", run):
            continue
        if run[0] == "〇":  # an evaluation mark before a count (「〇30」), not a typo
            continue
        core = run.rstrip(",.")
        if core[-1] in _ONE_LIKE or core[0] in "Oo" and len(core) > 1:
            doubtful.append(run)
            continue
        read = run.translate(str.maketrans({c: "0" for c in _ZERO_LIKE} | {c: "1" for c in _ONE_LIKE}))
        fixed.append(f"{run} → {read}")
        out.append(s[last:m.start()] + read)
        last = m.end()
    out.append(s[last:])
    return DigitTypos("".join(out), tuple(fixed), tuple(doubtful))


# Japanese accounts print a negative amount with a leading △ or ▲ (「△500」 = −500)
_ACCOUNTING_MINUS = re.compile(r"^\s*[△▲]\s*(?=\d)")


def _prepare(s: str) -> str:
    t = _ACCOUNTING_MINUS.sub("-", for_value(s))
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", t)  # thousands separators


@functools.lru_cache(maxsize=65536)  # pure; bulk sheets repeat the same strings
def parse_number(s: str | None) -> float | None:
    """The first number in s: "27,000" → 27000, "約18億円" → 1.8e9, "8割" → 80 (percent), "二十" → 20.

    Era years are skipped ("令和8年度までに40社" → 40); "-", "", None → None.
    """
    if s is None or s.strip() in _NONE:
        return None
    typos = digit_typos(for_value(s))
    if typos.doubtful:
        return None  # never a wrong number: the caller flags it (number_note)
    t = _masked(_prepare(typos.text))
    m = _first_number(t)
    if m is None:
        return None
    v = _value(m.group())
    return v * 10 if re.match(r"\s*割", t[m.end():]) else v


@dataclass(frozen=True)
class Quantity:
    raw: str
    value: float | None
    unit: str | None = None  # as printed, except か所 variants; UNIT_CANON maps 名 → 人 …
    per: str | None = None  # "年" for "/年", "/年間", "毎年"; "回", "月" …
    qualifier: str | None = None  # 以上, 以下, 程度, 約, 未満, 超 …
    deadline_fiscal_year: int | None = None  # "令和8年度までに" → 2026
    count_label: str | None = None  # "相談件数" in "相談件数 8 件／年"
    problem: str | None = None  # the deadline's era date can't be right (deadline left None)
    typo: str | None = None  # letters typed for digits: how they were read, or why the value is left None


def _deadline(t: str) -> tuple[int | None, str | None]:
    for d in find_era_dates(t):
        if re.match(r"\s*(?:まで|に|中)", t[d.end:]):
            if d.problem:
                return None, d.problem
            return d.year, None
    return None, None


def _label(prefix: str) -> str | None:
    """The counted thing printed before the number: "相談件数", "来場者数"; not "までに"."""
    # squeeze first: "イベント参 加者" is one wrapped word
    part = re.split(r"[、,。・\s]+", squeeze_cjk_spaces(prefix))[-1].strip(":：")
    if not part or len(part) > 20 or re.search(r"[\u3040-\u309f]$", part):  # ends in a particle
        return None
    return part if re.search(r"[\u3400-\u9fff\u30a0-\u30ffA-Za-z]", part) else None


@functools.lru_cache(maxsize=65536)  # pure; bulk sheets repeat the same strings
def parse_quantity(s: str | None) -> Quantity | None:
    """A target like "毎年5件以上" → Quantity(5, "件", per "年", qualifier "以上").

    Reads the first number (era years excluded) with its unit, "/年"-style period, qualifier,
    a leading count label, and a "令和8年度までに" deadline. No number and no deadline → None.
    千/万/億 after digits fold into the value: "約18億円" → 1.8e9 円, "5,000千円" → 5e6 円.
    """
    if s is None or s.strip() in _NONE:
        return None
    typos = digit_typos(for_value(s))
    t = _prepare(typos.text)
    deadline, problem = _deadline(t)
    if typos.doubtful:  # never a wrong number: no value, and the reason why
        return Quantity(raw=s, value=None, deadline_fiscal_year=deadline, problem=problem, typo=typos.note)
    masked = _masked(t)
    m = _first_number(masked)
    if m is None:
        return Quantity(raw=s, value=None, deadline_fiscal_year=deadline, problem=problem) if deadline or problem else None
    after = _AFTER.match(masked, m.end())
    value = _value(m.group())
    unit = after.group("unit")
    if after.group("pct"):
        value, unit = value * 10, "%"  # 8割 → 80 %
    if unit in _PLACE_UNITS:
        unit = "か所"
    prefix = masked[: m.start()]
    qualifier = after.group("q1") or after.group("q2")
    if re.search(r"(?:約|およそ)\s*$", prefix):
        qualifier = qualifier or "約"
    prefix = _PREFIX_NOISE.sub("", prefix)
    per = after.group("per")
    if pm := _PREFIX_PER.search(prefix):
        per = per or _PER_WORDS[pm.group(1)]
        prefix = prefix[: pm.start()]
    return Quantity(
        raw=s, value=value, unit=unit, per=_PER_WORDS.get(per, per) if per else None, qualifier=qualifier,
        deadline_fiscal_year=deadline, count_label=_label(_PREFIX_NOISE.sub("", prefix)), problem=problem,
        typo=typos.note,
    )


def number_note(s: str | None) -> str | None:
    """Why a printed number needs a flag: letters read as digits (how), or a value left None (why)."""
    return None if not s else digit_typos(for_value(s)).note
