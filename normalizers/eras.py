"""Japanese era (和暦) dates: 令和7年度, 平成29年, 令和6（2024）年度, R5 … → Gregorian, with checks.

Values are computed literally; a date that cannot be right keeps its literal value and gets a
`problem` text (never silently "fixed").
"""

import calendar
import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

import regex


class Era(NamedTuple):
    name: str
    first_year: int  # Gregorian year of 元年
    max_year: int | None  # last era year (None: current era)
    begins: tuple[int, int]  # (month, day) of the first day, in 元年
    ends: tuple[int, int] | None  # (month, day) of the last day, in the last year


ERAS: dict[str, Era] = {
    "明治": Era("明治", 1868, 45, (1, 1), (7, 29)),  # 明治元年 applies to all of 1868 (改元 retroactive)
    "大正": Era("大正", 1912, 15, (7, 30), (12, 24)),
    "昭和": Era("昭和", 1926, 64, (12, 25), (1, 7)),
    "平成": Era("平成", 1989, 31, (1, 8), (4, 30)),
    "令和": Era("令和", 2019, None, (5, 1), None),
}
_ORDER = list(ERAS)
# abbreviations and the one-character ligatures (㍻ …) → era name
ERA_ALIASES = {"R": "令和", "H": "平成", "S": "昭和", "T": "大正", "M": "明治",
               "㋿": "令和", "㍻": "平成", "㍼": "昭和", "㍽": "大正", "㍾": "明治"}


@dataclass(frozen=True)
class EraDate:
    raw: str
    era: str  # canonical name: 令和, 平成 …
    era_year: int
    year: int  # Gregorian, computed literally from era + era_year
    month: int | None = None
    day: int | None = None
    is_fiscal: bool = False  # 年度
    stated_year: int | None = None  # Western year printed with it: 令和6（2024）年度, 2024（令和6）年度
    start: int = 0  # span of raw in the input string
    end: int = 0
    problem: str | None = None


_D = "[0-9０-９]"
_SP = r"[ \t\u3000]*"
_N = rf"(?P<n>{_D}{{1,2}}|元)(?!{_D})"
_MONTH_DAY = rf"(?:{_SP}(?P<m>{_D}{{1,2}}){_SP}月(?:{_SP}(?P<d>{_D}{{1,2}}){_SP}日)?)?"
_NEN = rf"(?:{_SP}(?P<nen>年)(?:{_SP}(?P<do>度))?{_MONTH_DAY})?"
# "令和6（2024）年度", "2024（令和6）年度", "令和 8 年度", "令和7年4月1日"
_KANJI = (
    rf"(?:(?P<west>{_D}{{4}}){_SP}[(（]{_SP})?(?P<era>令和|平成|昭和|大正|明治|[㋿㍻㍼㍽㍾]){_SP}{_N}"
    rf"(?:{_SP}[(（]{_SP}(?P<stated>{_D}{{4}}){_SP}[)）])?(?(west){_SP}[)）]){_NEN}"
)
# "R5", "H29年度", "R6～", "R5.4.1" — a Latin letter glued to the number, not inside a word
_ABBR = (
    rf"(?<![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])(?P<era>[RHS])(?P<n>{_D}{{1,2}}|元)(?![0-9０-９A-Za-z])"
    rf"(?:(?P<nen>年)(?P<do>度)?{_MONTH_DAY}|[.．](?P<m>{_D}{{1,2}})(?:[.．](?P<d>{_D}{{1,2}}))?(?![0-9０-９]))?"
)
_ERA_RE = regex.compile(rf"{_KANJI}|{_ABBR}")
# "令和3・4年度": the first number is a fiscal year too
_LISTED_FY = regex.compile(rf"(?:{_SP}[・、,，]{_SP}{_D}{{1,2}})+{_SP}年{_SP}度")
# the second half of "令和6年度～8年度" borrows the first one's era
_BARE_RE = regex.compile(rf"{_N}(?:{_SP}[(（]{_SP}(?P<stated>{_D}{{4}}){_SP}[)）])?{_NEN}")
_RANGE_SEP = regex.compile(rf"{_SP}(?:[～〜~\-－―—‐–]|から){_SP}")
_WESTERN = regex.compile(
    rf"(?<![0-9０-９])(?P<y>(?:1[89]|2[0-9]|１[８９]|２[０-９]){_D}{{2}})"
    rf"(?:(?P<sep>[/.\-／])(?P<m>{_D}{{1,2}})(?:(?P=sep)(?P<d>{_D}{{1,2}}))?(?![0-9０-９])"
    rf"|{_SP}年(?P<do>度)?(?:{_SP}(?P<m>{_D}{{1,2}}){_SP}月(?:{_SP}(?P<d>{_D}{{1,2}}){_SP}日)?)?)"
)


def era_to_year(era: str, n: int) -> int:
    """Gregorian year of era year n ("令和", 7 → 2025; "H", 29 → 2017). 元年 is n = 1."""
    return ERAS[ERA_ALIASES.get(era, era)].first_year + n - 1


def _era_of(year: int) -> tuple[str, int]:
    """The era a Gregorian year is (mostly) in, for suggestions: 2020 → ("令和", 2)."""
    name = next(e.name for e in reversed(ERAS.values()) if year >= e.first_year + (e.begins > (6, 30)))
    return name, year - ERAS[name].first_year + 1


def _label(era: str, n: int, fiscal: bool = False) -> str:
    return f"{era}{'元' if n == 1 else n}年{'度' if fiscal else ''}"


def _problems(era: Era, n: int, year: int, month: int | None, day: int | None,
              fiscal: bool, stated: int | None) -> str | None:
    out = []
    if n < 1:
        out.append(f"{era.name}{n}年 does not exist")
    elif era.max_year is not None and n > era.max_year:
        later, later_n = _era_of(year)
        out.append(f"{era.name}{n}年 is past the last {era.name} year ({era.max_year}); read literally it is "
                   f"{year} ({_label(later, later_n)})")
    if month is not None and not 1 <= month <= 12:
        out.append(f"month {month} does not exist")
    elif day is not None and month is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        out.append(f"{month}月{day}日 does not exist in {year}")
    elif month is not None and not fiscal:
        # 令和元年4月 is still 平成; 平成31年5月 is already 令和 (fiscal years straddle, that's fine)
        md = (month, day)
        when = f"{_label(era.name, n)}{month}月" + (f"{day}日" if day else "")
        if n == 1 and (md[0], md[1] or 31) < era.begins:
            out.append(f"{when} is before {era.name} began ({era.first_year}-{era.begins[0]:02d}-{era.begins[1]:02d})")
        if n == era.max_year and era.ends and (md[0], md[1] or 1) > era.ends:
            out.append(f"{when} is after {era.name} ended ({year}-{era.ends[0]:02d}-{era.ends[1]:02d})")
    if stated is not None and stated != year:
        out.append(f"{_label(era.name, n)} is {year}, printed {stated}")
    return "; ".join(out) or None


def _make(s: str, m: regex.Match, era_name: str, start: int) -> EraDate:
    era = ERAS[ERA_ALIASES.get(era_name, era_name)]
    n = 1 if m.group("n") == "元" else int(m.group("n"))
    month = int(m.group("m")) if m.group("m") else None
    day = int(m.group("d")) if m.group("d") else None
    fiscal = bool(m.group("do"))
    if not m.group("nen") and month is None and _LISTED_FY.match(s, m.end()):
        fiscal = True
    stated_raw = m.groupdict().get("stated") or m.groupdict().get("west")
    stated = int(stated_raw) if stated_raw else None
    year = era.first_year + n - 1
    return EraDate(
        raw=s[start:m.end()], era=era.name, era_year=n, year=year, month=month, day=day,
        is_fiscal=fiscal, stated_year=stated, start=start, end=m.end(),
        problem=_problems(era, n, year, month, day, fiscal, stated),
    )


def find_era_dates(s: str) -> list[EraDate]:
    """Every era date in s, in order, with its span."""
    return [_make(s, m, m.group("era"), m.start()) for m in _ERA_RE.finditer(s)]


def parse_era_date(s: str) -> EraDate | None:
    """The first era date in s ("令和7年度", "令和6（2024）年度", "平成 29 年度", "R5"), or None."""
    m = _ERA_RE.search(s)
    return _make(s, m, m.group("era"), m.start()) if m else None


def fiscal_year_of(year: int, month: int | None) -> int:
    """Japanese fiscal year (April–March) of a date: January–March belong to the previous year."""
    return year - 1 if month is not None and month <= 3 else year


def parse_western_date(s: str) -> tuple[int, int | None, int | None] | None:
    """The first valid Western date in s: "2025/6/19" → (2025, 6, 19); "2022年" → (2022, None, None)."""
    for m in _WESTERN.finditer(s):
        y = int(m.group("y"))
        mo = int(m.group("m")) if m.group("m") else None
        d = int(m.group("d")) if m.group("d") else None
        if mo is not None and not 1 <= mo <= 12:
            continue
        if d is not None and not 1 <= d <= calendar.monthrange(y, mo)[1]:
            continue
        return y, mo, d
    return None


@functools.lru_cache(maxsize=65536)  # pure; bulk sheets repeat the same strings
def fiscal_year(s: str) -> int | None:
    """Fiscal year of the first era or Western year/date in s: "令和7年度" → 2025, "2025年度" → 2025,
    "令和8年1月27日" → 2025. None when there is none, or when the first era date has a problem
    (parse_era_date says why)."""
    era = parse_era_date(s)
    west = next((m for m in _WESTERN.finditer(s) if parse_western_date(m.group()) is not None), None)
    if era is not None and (west is None or era.start <= west.start()):
        if era.problem:
            return None
        return era.year if era.is_fiscal else fiscal_year_of(era.year, era.month)
    if west is not None:
        y, mo, _d = parse_western_date(west.group())
        return y if west.group("do") else fiscal_year_of(y, mo)
    return None


# a year the text sets as a horizon: the end a plan runs or is extended to, a target year
# (「計画目標年度を令和17年度から令和32年度まで延伸」「令和22年度までに…を目指す」)
_UNTIL = re.compile(r"^\s*(?:まで|を目標|を目途|を目処)")
_HORIZON_WORDS = re.compile(r"計画|目標|目指|延伸|延長|予定|見込|構想|ビジョン|長期|将来")


def is_horizon(text: str, d: EraDate) -> bool:
    """Whether `d` is printed as a horizon in `text`: followed by まで/を目標 in a sentence about a plan or
    a goal. A plan may look decades ahead; such a year is no typo for a past one."""
    if not _UNTIL.match(text[d.end:d.end + 6]):
        return False
    left = max(text.rfind(p, 0, d.start) for p in "。\n")
    right = text.find("。", d.end)
    return bool(_HORIZON_WORDS.search(text[left + 1:len(text) if right < 0 else right]))


def check_era_date(d: EraDate, reference_year: int | None, *, fiscal_year: int | None = None,
                   text: str | None = None) -> str | None:
    """Problem text for a date that can't be right: an impossible era year (d.problem), or one more
    than 10 years after the report's own year, with the likely intended era as a hint (text only).

    `reference_year`: the year the report was issued, else the year after its fiscal year starts
    (then give `fiscal_year`, so that the text names the report by its fiscal year: 「this FY2025
    report」, not 「this 2026 report」). A far year printed as a horizon in `text` (`is_horizon`: a
    plan's target year, an extension) is not a problem."""
    out = [d.problem] if d.problem else []
    if reference_year is not None and d.year > reference_year + 10 and not (text and is_horizon(text, d)):
        base, report = (fiscal_year, f"FY{fiscal_year}") if fiscal_year is not None else (reference_year,
                                                                                           str(reference_year))
        text = (f"{_label(d.era, d.era_year, d.is_fiscal)} = {d.year}, {d.year - base} years after "
                f"this {report} report")
        i = _ORDER.index(d.era)
        if i > 0:
            prev = ERAS[_ORDER[i - 1]]
            if prev.max_year is None or d.era_year <= prev.max_year:
                if prev.first_year + d.era_year - 1 <= reference_year:
                    text += f"; probably {_label(prev.name, d.era_year, d.is_fiscal)}"
        out.append(text)
    return "; ".join(out) or None


def parse_era_range(s: str) -> tuple[EraDate, EraDate, str | None] | None:
    """The first "A～B" / "AからBまで" era range in s → (start, end, problem).

    The end may omit the era ("令和6年度～8年度"). problem says when the range runs backwards.
    """
    dates = find_era_dates(s)
    for a in dates:
        sep = _RANGE_SEP.match(s, a.end)
        if not sep:
            continue
        b = next((d for d in dates if d.start == sep.end()), None)
        bare = _BARE_RE.match(s, sep.end()) if b is None else None
        # 「平成30年度から5年間」 is a duration, not a range ending in 5年
        if bare and bare.group("nen") and not s.startswith("間", bare.end()):
            b = _make(s, bare, a.era, bare.start())
        if b is None:
            continue
        problem = None
        if (b.year, b.month or 0) < (a.year, a.month or 0):
            problem = f"runs backwards: {a.raw} ({a.year}) → {b.raw} ({b.year})"
        return a, b, problem
    return None
