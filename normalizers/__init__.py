"""Pure functions that turn printed values into canonical ones (keeping the raw text)."""

from hyoka.normalizers.actors import ACTOR_CANON, split_actor_tag
from hyoka.normalizers.directions import Direction, parse_direction
from hyoka.normalizers.eras import (
    ERAS, EraDate, check_era_date, era_to_year, find_era_dates, fiscal_year, fiscal_year_of,
    parse_era_date, parse_era_range, parse_western_date,
)
from hyoka.normalizers.grades import parse_grade
from hyoka.normalizers.numbers import UNIT_CANON, UNITS, Quantity, parse_number, parse_quantity
from hyoka.normalizers.symbols import SYMBOL_RE, Symbol, parse_symbol
from hyoka.normalizers.text import (
    CIRCLED, circled_to_int, for_value, html_items, parse_circled_list, split_list, squeeze_cjk_spaces,
    strip_html,
)

__all__ = [
    "ACTOR_CANON", "split_actor_tag",
    "Direction", "parse_direction",
    "ERAS", "EraDate", "check_era_date", "era_to_year", "find_era_dates", "fiscal_year", "fiscal_year_of",
    "parse_era_date", "parse_era_range", "parse_western_date",
    "parse_grade",
    "UNIT_CANON", "UNITS", "Quantity", "parse_number", "parse_quantity",
    "SYMBOL_RE", "Symbol", "parse_symbol",
    "CIRCLED", "circled_to_int", "for_value", "html_items", "parse_circled_list", "split_list",
    "squeeze_cjk_spaces", "strip_html",
]
