"""Shares, their intervals, and printed percentages: helpers both published-figure reports use.

Wilson intervals for a share and Newcombe intervals for a difference of shares come from
:mod:`rehabresearch.reoffending.intervals` (statsmodels underneath, with the input checks); this module
adds what transcribed tables need: numbers checked as they are read, the precision a printed percentage
carries, shares printed in words ("over 50%", "around a third"), and comparisons of printed shares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..reoffending.intervals import newcombe_interval, wilson_interval

_FRACTIONS = {"a half": 50.0, "half": 50.0, "a third": 100.0 / 3, "a quarter": 25.0, "a fifth": 20.0}
_QUALIFIERS = {
    "": "exact", "just": "exact", "over": "over", "more than": "over",
    "around": "around", "about": "around", "nearly": "nearly", "almost": "nearly",
}
_SHARE_PATTERN = (
    r"^\s*(?P<qualifier>over|more than|around|about|nearly|almost|just)?\s*"
    r"(?P<body>\d+(?:\.\d+)?%|a half|half|a third|a quarter|a fifth)\s*$"
)


# -- reading numbers ------------------------------------------------------------------------------------
def numeric(name: str, values, *, allow_missing: bool = False) -> np.ndarray:
    """``values`` as a float array; a clear error for text or (unless allowed) missing values."""
    series = pd.Series(np.ravel(np.asarray(values, dtype=object)))
    numbers = pd.to_numeric(series, errors="coerce")
    bad = numbers.isna() & series.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{name}: row {row + 1}: expected a number, got {series.iloc[row]!r}")
    if not allow_missing and numbers.isna().any():
        row = int(np.flatnonzero(numbers.isna().to_numpy())[0])
        raise ValueError(f"{name}: row {row + 1}: value is missing")
    return numbers.to_numpy(dtype=float)


def check_range(name: str, values: np.ndarray, low: float, high: float, *, low_open: bool = False) -> None:
    present = ~np.isnan(values)
    bad = present & ((values <= low if low_open else values < low) | (values > high))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        bracket = "(" if low_open else "["
        raise ValueError(f"{name}: row {row + 1}: {values[row]:g} is outside {bracket}{low}, {high}]")


def printed_decimals(values) -> np.ndarray:
    """How many decimals each printed number carries (12.5 -> 1, 3 -> 0, 2.65 -> 2; at most 4)."""
    x = numeric("printed value", values)
    candidates = np.stack([np.isclose(np.round(x, d), x, rtol=0, atol=1e-9) for d in range(5)])
    if not candidates.any(axis=0).all():
        row = int(np.flatnonzero(~candidates.any(axis=0))[0])
        raise ValueError(f"printed value: row {row + 1}: {x[row]:.10g} has more than 4 decimals; is it a computed value?")
    return candidates.argmax(axis=0)


def half_unit(values) -> np.ndarray:
    return 0.5 * 10.0 ** (-printed_decimals(values))



def share_interval(x, n, level: float = 0.95) -> pd.DataFrame:
    """Each share ``x / n`` with its Wilson interval at ``level``: columns share, lo, hi (proportions)."""
    x_arr = numeric("x", x)
    n_arr = numeric("n", n)
    lo, hi = wilson_interval(x_arr, n_arr, level)
    return pd.DataFrame({"share": x_arr / n_arr, "lo": np.atleast_1d(lo), "hi": np.atleast_1d(hi)})


def percent_consistency(count, total, percent) -> pd.DataFrame:
    """Does each printed percentage equal ``count / total`` rounded to the printed precision?

    Returns ``computed_percent``, ``printed_percent`` and ``agrees`` (bool). A transcription or
    base check: a printed share that disagrees rests on a different base than the total given.
    """
    cnt, tot, pct = numeric("count", count), numeric("total", total), numeric("percent", percent)
    if not (cnt.size == tot.size == pct.size):
        raise ValueError(f"count, total and percent must have the same length, got {cnt.size}, {tot.size}, {pct.size}")
    check_range("count", cnt, 0.0, np.inf)
    check_range("total", tot, 0.0, np.inf, low_open=True)
    check_range("percent", pct, 0.0, 100.0)
    if (cnt > tot).any():
        row = int(np.flatnonzero(cnt > tot)[0])
        raise ValueError(f"percent_consistency: row {row + 1}: count {cnt[row]:g} exceeds total {tot[row]:g}")
    computed = 100.0 * cnt / tot
    agrees = np.abs(computed - pct) <= half_unit(pct) + 1e-9
    return pd.DataFrame({"computed_percent": computed, "printed_percent": pct, "agrees": agrees})


# -- two shares -------------------------------------------------------------------------------------
def compare_proportions(x1, n1, x2, n2, level: float = 0.95) -> pd.DataFrame:
    """``x1/n1`` against ``x2/n2``: both shares, their difference with a Newcombe hybrid-score
    interval (Newcombe 1998, method 10) and their ratio. Arrays broadcast; one row per comparison."""
    args = [np.atleast_1d(numeric(name, v)) for name, v in (("x1", x1), ("n1", n1), ("x2", x2), ("n2", n2))]
    for name, arr in zip(("x1", "n1", "x2", "n2"), args):
        frac = arr % 1 != 0
        if frac.any():
            raise ValueError(f"{name}: row {int(np.flatnonzero(frac)[0]) + 1}: expected a whole count, got {arr[frac][0]:g}")
    a1, b1, a2, b2 = np.broadcast_arrays(*args)
    diff, lo, hi = newcombe_interval(a1, b1, a2, b2, level)
    p1, p2 = a1 / b1, a2 / b2
    with np.errstate(divide="ignore"):
        ratio = np.where(p2 > 0, p1 / np.where(p2 > 0, p2, 1.0), np.inf)
    return pd.DataFrame({"p1": p1, "p2": p2, "difference": diff, "diff_low": lo, "diff_high": hi, "ratio": ratio})


def share_gap(percent1, percent2) -> pd.DataFrame:
    """Two printed percentages without their bases: the gap in percentage points and the ratio.

    No sampling interval applies (the bases are not published); ``basis`` says so.
    """
    p1, p2 = numeric("percent1", percent1), numeric("percent2", percent2)
    if p1.size != p2.size:
        raise ValueError(f"percent1 and percent2 must have the same length, got {p1.size} and {p2.size}")
    check_range("percent1", p1, 0.0, 100.0)
    check_range("percent2", p2, 0.0, 100.0, low_open=True)
    return pd.DataFrame(
        {
            "percent1": p1,
            "percent2": p2,
            "gap_pp": p1 - p2,
            "ratio": p1 / p2,
            "basis": "published shares without their bases: no sampling interval applies",
        }
    )



# -- shares printed in words -------------------------------------------------------------------------
def parse_shares(texts) -> pd.DataFrame:
    """Read shares printed in words ("over 50%", "around a third", "just 10%").

    Returns ``share_text``, ``qualifier`` (exact, over, around, nearly) and ``percent`` (the printed
    number; a third = 33.33...). "just" stresses smallness and is read as exact; "almost" as nearly;
    "about" as around; "more than" as over. Anything else raises, naming the row and the text.
    """
    series = pd.Series(np.ravel(np.asarray(texts, dtype=object)), dtype=object)
    text = series.astype("string").str.lower()
    parts = text.str.extract(_SHARE_PATTERN)
    bad = parts["body"].isna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"parse_shares: row {row + 1}: cannot read the share {series.iloc[row]!r}; expected e.g. "
            f"'over 50%', 'around a third', 'nearly 40%'"
        )
    body = parts["body"]
    is_pct = body.str.endswith("%").to_numpy()
    percent = np.where(is_pct, pd.to_numeric(body.str.rstrip("%"), errors="coerce"), body.map(_FRACTIONS).astype(float))
    qualifier = parts["qualifier"].fillna("").map(_QUALIFIERS)
    # A bare fraction ("a third") is itself approximate.
    qualifier = qualifier.where(is_pct | (qualifier != "exact"), "around")
    return pd.DataFrame({"share_text": series.to_numpy(), "qualifier": qualifier.to_numpy(dtype=object), "percent": percent})
