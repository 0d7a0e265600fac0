"""One formatter per kind of quantity, used by every sentence, table and headline number.

The house style (docs/reporting.md):

* a proportion is a percentage: ``pct(0.2521) == "25.2%"``;
* a difference of two percentages is in percentage points: ``pp(-0.031) == "-3.1 percentage points"``;
* a count has thousands separators: ``count(83263) == "83,263"``;
* a rate per person has two decimals: ``rate(3.119) == "3.12"``;
* money is £ with m or bn for large sums: ``money(12_500_000) == "£12.5m"``, ``money(767) == "£767"``;
* a ratio has two decimals: ``ratio(0.6913) == "0.69"``; days are whole: ``days(152.4) == "152 days"``;
* an "about" statement is rounded to significant figures: ``about(1_041_667, "money") == "about £1m"``.

Every formatter refuses a missing value (None or NaN) instead of printing "nan", and a value that
rounds to zero never keeps its sign ("0.0%", never "-0.0%").
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = [
    "KINDS", "about", "ci", "count", "days", "format_value", "money", "p_value", "pct", "pp", "rate", "ratio",
    "round_sig",
]

_MINUS = "-"


def _number(x: Any, where: str) -> float:
    """``x`` as a float, or a ValueError naming the formatter and the value."""
    if x is None or isinstance(x, bool):
        raise ValueError(f"{where}: expected a number, got {x!r}")
    if hasattr(x, "item") and not isinstance(x, (int, float)):
        x = x.item()
    if isinstance(x, str):
        raise ValueError(f"{where}: expected a number, got the text {x!r}")
    try:
        value = float(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}: expected a number, got {x!r}") from exc
    if math.isnan(value):
        raise ValueError(f"{where}: value is missing (NaN); refusing to print it")
    if math.isinf(value):
        raise ValueError(f"{where}: value is infinite; refusing to print it")
    return value


def _unsigned_zero(text: str) -> str:
    """'-0.0%' -> '0.0%': a number that rounds to zero has no sign."""
    if text.startswith(_MINUS) and not re.search(r"[1-9]", text):
        return text[1:]
    return text


_NEGATIVE_ZERO = re.compile(r"(?<![\w.])[-−](£?0(?:\.0+)?)(?![\d.]*[1-9])(?![\d])")


def no_negative_zero(text: str) -> str:
    """'-0.0%' -> '0.0%' and '(−0.0 to 4.1)' -> '(0.0 to 4.1)' anywhere in a text; '-0.05' is kept."""
    return _NEGATIVE_ZERO.sub(r"\1", text)


def _fixed(value: float, dp: int) -> str:
    return _unsigned_zero(f"{value:,.{dp}f}")


def round_sig(x: float, sig: int = 2) -> float:
    """``x`` rounded to ``sig`` significant figures: round_sig(1_041_667, 1) == 1_000_000."""
    value = _number(x, "round_sig")
    if sig < 1:
        raise ValueError(f"round_sig: sig must be at least 1, got {sig}")
    if value == 0:
        return 0.0
    digits = sig - int(math.floor(math.log10(abs(value)))) - 1
    return round(value, digits)


def pct(x: float, dp: int = 1) -> str:
    """A proportion as a percentage: 0.2521 -> '25.2%'."""
    return _fixed(100 * _number(x, "pct"), dp) + "%"


def pp(x: float, dp: int = 1) -> str:
    """A difference of two proportions in percentage points: -0.031 -> '-3.1 percentage points'."""
    return _fixed(100 * _number(x, "pp"), dp) + " percentage points"


def count(n: float) -> str:
    """A count with thousands separators: 83263 -> '83,263' (a count is whole; 2.5 is refused)."""
    value = _number(n, "count")
    if not float(value).is_integer():
        raise ValueError(f"count: a count must be a whole number, got {n!r}")
    return f"{int(value):,}"


def rate(x: float, dp: int = 2) -> str:
    """A rate per person (e.g. re-offences per re-offender): 3.119 -> '3.12'."""
    return _fixed(_number(x, "rate"), dp)


def ratio(x: float, dp: int = 2) -> str:
    """A ratio (odds ratio, hazard ratio, rate ratio): 0.6913 -> '0.69'."""
    return _fixed(_number(x, "ratio"), dp)


def days(x: float) -> str:
    """A duration in whole days: 152.4 -> '152 days' (1 -> '1 day')."""
    value = round(_number(x, "days"))
    return f"{_fixed(value, 0)} day{'' if abs(value) == 1 else 's'}"


_MONEY_SCALES = (("bn", 1e9), ("m", 1e6))


def money(x: float, *, sig: int = 3) -> str:
    """Money in pounds: £1bn and more as '£1.2bn', £1m and more as '£12.5m' (``sig`` significant
    figures, trailing zeros dropped), smaller sums to the pound ('£767', '£12,500'), pence only
    below £100 when the sum is not whole ('£7.50')."""
    value = _number(x, "money")
    sign = _MINUS if value < 0 else ""
    size = abs(value)
    for suffix, scale in _MONEY_SCALES:
        if round_sig(size, sig) >= scale:
            scaled = round_sig(size / scale, sig)
            text = f"{scaled:,.{max(sig - 1, 0)}f}".rstrip("0").rstrip(".")
            return _unsigned_zero(f"{sign}£{text}{suffix}")
    if size < 100 and not float(size).is_integer() and round(size, 2) != round(size):
        return _unsigned_zero(f"{sign}£{size:,.2f}")
    return _unsigned_zero(f"{sign}£{round(size):,}")


#: The kinds of quantity this module formats, by name (for tables and headline numbers).
KINDS = {
    "pct": pct, "percentage": pct, "proportion": pct, "share": pct,
    "pp": pp, "percentage points": pp,
    "count": count, "people": count, "organisations": count,
    "rate": rate, "per person": rate,
    "money": money, "£": money, "GBP": money, "pounds": money,
    "ratio": ratio,
    "days": days,
}


def about(x: float, kind: str = "number", sig: int = 1) -> str:
    """An 'about' statement, rounded to ``sig`` significant figures: about(1_041_667, 'money') ->
    'about £1m'; about(0.667, 'pct') -> 'about 70%'; about(83263, 'count', 2) -> 'about 83,000'."""
    value = _number(x, "about")
    if kind in ("pct", "percentage", "proportion", "share"):
        return f"about {_fixed(round_sig(100 * value, sig), 0 if abs(round_sig(100 * value, sig)) >= 1 else 1)}%"
    rounded = round_sig(value, sig)
    if kind in ("money", "£", "GBP", "pounds"):
        return f"about {money(rounded, sig=sig)}"
    if kind in ("count", "number"):
        text = f"{rounded:,.0f}" if abs(rounded) >= 1 or rounded == 0 else f"{rounded:g}"
        return f"about {_unsigned_zero(text)}"
    if kind == "days":
        return f"about {days(rounded)}"
    raise ValueError(f"about: unknown kind {kind!r}; use pct, money, count, number or days")


def ci(lo: float, hi: float, kind: str = "pct", *, level: float = 0.95, dp: int | None = None) -> str:
    """An interval in the same units as its estimate: ci(0.213, 0.278) -> '95% CI 21.3% to 27.8%'."""
    render = format_value_function(kind, dp)
    return f"{100 * level:g}% CI {render(lo)} to {render(hi)}"


def p_value(p: float) -> str:
    """'p < 0.001', 'p = 0.049', 'p = 0.12': two significant figures, three decimals at most."""
    value = _number(p, "p_value")
    if not 0 <= value <= 1:
        raise ValueError(f"p_value: a p-value lies between 0 and 1, got {p!r}")
    if value < 0.001:
        return "p < 0.001"
    return f"p = {displayed_p(value):.{3 if value < 0.1 else 2}f}"


def displayed_p(p: float) -> float:
    """The p-value as printed (0.0496 -> 0.050): words about evidence are chosen from this number,
    so that two p-values printed alike are described alike."""
    value = _number(p, "displayed_p")
    if value < 0.001:
        return value
    return round(value, 3 if value < 0.1 else 2)


def format_value_function(kind: str, dp: int | None = None):
    """The formatter for ``kind`` (see :data:`KINDS`), with ``dp`` decimals where it takes them."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of quantity {kind!r}; known: {', '.join(sorted(KINDS))}")
    fn = KINDS[kind]
    if dp is not None and fn in (pct, pp, rate, ratio):
        return lambda v: fn(v, dp)
    return fn


def format_value(value: Any, kind: str | None = None) -> str:
    """A headline value in its kind's style; yes/no for booleans; text unchanged; other numbers
    with separators (whole) or three significant figures."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if kind in KINDS:
        if kind in ("pct", "percentage", "proportion", "share") and not -1 <= float(value) <= 1:
            return _fixed(_number(value, "format_value"), 1) + "%"  # already in percent
        if KINDS[kind] is count and not float(value).is_integer():
            return _fixed(_number(value, "format_value"), 1)
        return KINDS[kind](value)
    number = _number(value, "format_value")
    if float(number).is_integer():
        return f"{int(number):,}"
    text = _fixed(number, decimals_for([number]))
    return text.rstrip("0").rstrip(".") if "." in text else text


def decimals_for(values, sig: int = 3, most: int = 4) -> int:
    """Decimals that show the typical (median absolute) value of ``values`` to ``sig`` significant
    figures, at most ``most``: one choice for a whole column, so a column never mixes 3.1 and 3.119."""
    import statistics

    sizes = [abs(float(v)) for v in values if v is not None and not math.isnan(float(v)) and float(v) != 0]
    if not sizes:
        return 0
    typical = statistics.median(sizes)
    return int(min(most, max(0, sig - 1 - math.floor(math.log10(typical)))))


def column(values, dp: int | None = None) -> list[str]:
    """A column of numbers with one number of decimals (``dp``, or :func:`decimals_for`); blanks stay blank."""
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool) and not math.isnan(v)]
    places = decimals_for(numbers) if dp is None else dp
    return [_fixed(float(v), places) if isinstance(v, (int, float)) and not isinstance(v, bool) and not math.isnan(v)
            else ("" if v is None or (isinstance(v, float) and math.isnan(v)) else v) for v in values]
