"""Scoring rules as data: where they come from (a printed legend, a rules file, a preset)
and what they say (symbol weights, grade bands with their inclusivity, rounding).

A document that prints its own legend (武蔵野市's 凡例, あきる野市's 評価指標 table) is
audited by the rule parsed from that legend, never by ours; otherwise by a rule from
the user's `--rules FILE.toml`, else by a bundled preset (pipeline/presets/*.toml).
Every rule remembers its source so every finding can say which rule it applied.
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from hyoka.normalizers.grades import parse_grade
from hyoka.normalizers.symbols import parse_symbol

PRESETS = Path(__file__).with_name("presets")


@dataclass(frozen=True)
class PointsRule:
    """score = max_points × Σ weight(symbol) × count(symbol) / N.

    `weights` are shares of the per-item unit (○ = 1, △ = 2/3) when `mode` is "share",
    or points per item (◎ 5, ▲ -1) when `mode` is "points". `denominator` "all_items"
    counts every item including '-'; "excluding_dash" leaves '-' out of N.
    """

    id: str
    source: str
    weights: dict[str, Fraction]
    max_points: float | None = 100
    mode: str = "share"
    denominator: str = "all_items"
    unit_decimals: int | None = None  # the legend rounds the unit (2.44点) to this many decimals
    kind: str = "points"

    def __post_init__(self) -> None:
        if self.mode not in ("share", "points"):
            raise ValueError(f"rule {self.id}: mode must be 'share' or 'points', not {self.mode!r}")
        if self.denominator not in ("all_items", "excluding_dash"):
            raise ValueError(f"rule {self.id}: denominator must be 'all_items' or 'excluding_dash'")
        if self.mode == "share" and not self.max_points:
            raise ValueError(f"rule {self.id}: a 'share' rule needs max_points")
        unknown = [s for s in self.weights if parse_symbol(s) is None]
        if unknown:
            raise ValueError(f"rule {self.id}: unknown symbols {unknown}")


@dataclass(frozen=True)
class Band:
    grade: str
    lower: float | None  # percent; None = no lower bound
    upper: float | None
    lower_inclusive: bool | None = True  # None = the printed band doesn't say
    upper_inclusive: bool | None = False

    def contains(self, x: float, lower_inclusive: bool, upper_inclusive: bool) -> bool:
        if self.lower is not None and (x < self.lower or (x == self.lower and not lower_inclusive)):
            return False
        if self.upper is not None and (x > self.upper or (x == self.upper and not upper_inclusive)):
            return False
        return True


@dataclass(frozen=True)
class GradeBandsRule:
    """grade = the band that achievement (actual / target × 100 %) falls in."""

    id: str
    source: str
    bands: tuple[Band, ...]
    kind: str = "grade_bands"

    def __post_init__(self) -> None:
        if not self.bands:
            raise ValueError(f"rule {self.id}: no bands")
        for band in self.bands:
            for bound in (band.lower, band.upper):
                if bound is not None and (isinstance(bound, bool) or not isinstance(bound, (int, float))):
                    raise ValueError(f"rule {self.id}: band {band.grade}: bounds must be numbers, not {bound!r}")
            if band.lower is not None and band.upper is not None and band.lower >= band.upper:
                raise ValueError(f"rule {self.id}: band {band.grade} has lower ≥ upper")

    def boundaries(self) -> list[float]:
        return sorted({b for band in self.bands for b in (band.lower, band.upper) if b is not None})


Rule = PointsRule | GradeBandsRule


@dataclass
class RuleSet:
    """Rules from a file or the presets, each applying to documents matched by `applies_to`."""

    rules: list[tuple[Rule, dict[str, str]]] = field(default_factory=list)

    def for_document(self, kind: str, document: dict) -> Rule | None:
        for rule, applies_to in self.rules:
            if rule.kind == kind and all(str(document.get(k)) == v for k, v in applies_to.items()):
                return rule
        return None

    def __add__(self, other: "RuleSet") -> "RuleSet":
        return RuleSet(self.rules + other.rules)


# --- rules files ----------------------------------------------------------------------

def load_rules(path: str | Path, source: str | None = None) -> RuleSet:
    """Read a rules TOML file (format: docs/rules.md). Raises ValueError naming the problem."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:  # a binary file, or one saved as Shift_JIS
        raise ValueError(f"{path}: not a UTF-8 text file (byte 0x{exc.object[exc.start]:02X} at offset "
                         f"{exc.start:,}); a rules file is TOML saved as UTF-8") from exc
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    source = source or f"rules file {path.name}"
    out = RuleSet()
    if not isinstance(data.get("rule", []), list):
        raise ValueError(f"{path}: 'rule' must be an array of tables ([[rule]])")
    for i, raw in enumerate(data.get("rule", [])):
        if not isinstance(raw, dict):
            raise ValueError(f"{path}: rule #{i + 1} is not a table")
        rule_id = raw.get("id") or f"{path.stem}#{i + 1}"
        applies_to = {k: str(v) for k, v in raw.get("applies_to", {}).items()}
        try:
            if raw.get("kind") == "points":
                rule = PointsRule(
                    id=rule_id, source=source,
                    weights={_symbol_key(k): Fraction(str(v)) for k, v in raw["weights"].items()},
                    max_points=raw.get("max_points", 100), mode=raw.get("mode", "share"),
                    denominator=raw.get("denominator", "all_items"), unit_decimals=raw.get("unit_decimals"),
                )
            elif raw.get("kind") == "grade_bands":
                rule = GradeBandsRule(id=rule_id, source=source, bands=tuple(
                    Band(grade=b["grade"], lower=b.get("min"), upper=b.get("max"),
                         lower_inclusive=b.get("min_inclusive", True), upper_inclusive=b.get("max_inclusive", False))
                    for b in raw["bands"]))
            else:
                raise ValueError("kind must be 'points' or 'grade_bands'")
        except (KeyError, TypeError, ValueError, ZeroDivisionError, AttributeError) as exc:
            raise ValueError(f"{path}: rule {rule_id}: {exc}") from exc
        out.rules.append((rule, applies_to))
    return out


def load_presets() -> RuleSet:
    """The bundled presets: one TOML file per city or rule family in pipeline/presets/."""
    out = RuleSet()
    for path in sorted(PRESETS.glob("*.toml")):
        out += load_rules(path, source=f"preset {path.stem}")
    return out


def _symbol_key(text: str) -> str:
    symbol = parse_symbol(text)
    if symbol is None:
        raise ValueError(f"unknown symbol {text!r}")
    return symbol.value


# --- printed legends ----------------------------------------------------------------------

_FRACTION = re.compile(r"[×x]\s*(\d+)\s*/\s*(\d+)")
_POINTS = re.compile(r"([−-]?\d+(?:\.\d+)?)\s*点")
_SYM = r"(?:[○◎△□×〇◯▲✕]|-(?!\s*\d))"  # a '-' before a digit is a minus sign, not the dash symbol
_SYMS = rf"{_SYM}(?:\s*(?:または|又は|・|、)?\s*{_SYM})*"
_LEADER = r"(?:[.．…・]\s*)*"
# 「○または◎ . . . 2.44点」, 「△ 2.44点 × 2 / 3」, and several on one line: 「◎5点 〇2点 △0点 ▲-1点」
_PAIR = re.compile(rf"(?P<syms>{_SYMS})\s*{_LEADER}(?P<expr>.*?)(?=\s+{_SYMS}\s*{_LEADER}[−-]?\d[\d.]*\s*点|$)")


def points_rule_from_legend(items: list[tuple[str, str]], rule_id: str, source: str) -> PointsRule | None:
    """Parse a printed points legend (凡例) into a PointsRule, as printed.

    With a unit line 「100点 ÷ 41施策 ≒ 2.44点」 the weights are shares of the unit:
    「○または◎ . . . 2.44点」 → 1, 「△ 2.44点 × 2 / 3」 → 2/3, 「△ . . . 1.63点」 → 1.63 / 2.44 ≈ 2/3,
    「×または- . . . 0点」 → 0. Without one, the printed points are points per item:
    「◎5点 〇2点 △0点 ▲-1点」 → mode "points". A symbol whose value can't be read leaves it out
    (and the rule incomplete) rather than guessing.
    """
    max_points = unit = None
    unit_decimals = None
    printed: dict[str, tuple[Fraction | None, float | None]] = {}  # symbol → (fraction, points)
    for kind, text in items:
        flat = _latex_plain(text)
        if kind == "unit_formula" or "÷" in flat:
            nums = re.findall(r"\d+(?:\.\d+)?", flat)
            if nums:
                max_points, unit = float(nums[0]), float(nums[-1])
                unit_decimals = len(nums[-1].split(".")[1]) if "." in nums[-1] else 0
            continue
        if kind not in ("symbol_weight", "text"):
            continue
        for m in _PAIR.finditer(flat.strip()):
            symbols = [sym.value for ch in m.group("syms") if (sym := parse_symbol(ch)) is not None]
            expr = m.group("expr")
            fraction = Fraction(int(f.group(1)), int(f.group(2))) if (f := _FRACTION.search(expr)) else None
            points = [float(p.replace("−", "-")) for p in _POINTS.findall(expr)]
            if fraction is None and not points:
                continue
            for sym in symbols:
                printed[sym] = (fraction, points[-1] if points else None)
    if not printed:
        return None
    if unit:  # shares of a per-item unit
        weights = {sym: frac if frac is not None else Fraction(pts / unit).limit_denominator(12)
                   for sym, (frac, pts) in printed.items() if frac is not None or pts is not None}
        return PointsRule(id=rule_id, source=source, weights=weights, max_points=max_points,
                          unit_decimals=unit_decimals)
    if all(frac is None and pts is not None for frac, pts in printed.values()):
        return PointsRule(id=rule_id, source=source, max_points=None, mode="points",
                          weights={sym: Fraction(str(pts)) for sym, (_f, pts) in printed.items()})
    return None  # shares without the unit they are shares of: not enough to recompute


_PERCENT_RANGE = re.compile(r"(?P<lo>\d+(?:\.\d+)?)?\s*%?\s*[~\-]\s*(?P<hi>\d+(?:\.\d+)?)?\s*%?")
_PERCENT_WORD = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*[%％]\s*(?P<w>以上|以下|未満|超|より大きい)")


def grade_rule_from_legend(items: list[tuple[str, str]], rule_id: str, source: str) -> GradeBandsRule | None:
    """Parse a 評価指標 legend into bands.

    「S 目標値以上(120%~)」, 「A (90~120%)」, 「B (50~90%)」, 「C (~50%)」 → ranges whose
    printed boundaries don't say which side 120/90/50 fall on: such ends are kept as
    inclusivity None (ambiguous) and the audit tries both readings. 「110%以上」 or
    「50%未満」 settle it.
    """
    bands = []
    for label, text in items:
        grade = parse_grade(label)
        if grade is None:
            continue
        flat = unicodedata.normalize("NFKC", text.replace("˜", "~")).replace("〜", "~").replace("～", "~")
        lo = hi = None
        lo_inc: bool | None = None
        hi_inc: bool | None = None
        words = list(_PERCENT_WORD.finditer(flat))
        for m in words:  # 「50%以上90%未満」 gives both ends
            n, word = float(m.group("n")), m.group("w")
            if word == "以上":
                lo, lo_inc = n, True
            elif word in ("超", "より大きい"):
                lo, lo_inc = n, False
            elif word == "以下":
                hi, hi_inc = n, True
            else:  # 未満
                hi, hi_inc = n, False
        if not words and (m := _PERCENT_RANGE.search(flat)) and (m.group("lo") or m.group("hi")):
            lo = float(m.group("lo")) if m.group("lo") else None
            hi = float(m.group("hi")) if m.group("hi") else None
        elif not words:
            continue
        bands.append(Band(grade=grade, lower=lo, upper=hi, lower_inclusive=lo_inc, upper_inclusive=hi_inc))
    if not bands:
        return None
    return GradeBandsRule(id=rule_id, source=source, bands=tuple(bands))


def _latex_plain(text: str) -> str:
    text = text.replace("$$", "").replace("\\div", "÷").replace("\\doteq", "≒").replace("\\times", "×")
    text = re.sub(r"\\text\{([^}]*)\}", r"\1", text)
    return text.replace("\\\\", " ")


def round_half_up(x: float, decimals: int = 0) -> float:
    """Rounding as printed documents do it (2.445 → 2.45), not banker's rounding."""
    q = 10 ** decimals
    return math.floor(x * q + 0.5 + 1e-9) / q
