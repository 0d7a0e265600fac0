"""How many people a comparison would need to tell the direction of a difference (power calculation).

When a Justice Data Lab interval includes zero the report says more people would need to be analysed
and estimates how many. We compute that from the observed figures: the number of treated people (with
the comparison group kept at its present size relative to the treated group, ``ratio``) for a two-sided
test at the report's confidence level to detect the observed difference with the stated power (80% by
default, the usual convention; Cohen 1988, *Statistical Power Analysis for the Behavioral Sciences*).

Rates use Cohen's effect size for proportions, h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p2)) (the arcsine
transform stabilises the variance); means use d = difference / standard deviation. In both cases, by
the normal approximation, n_treated = (z_{1-α/2} + z_{power})² (1 + 1/ratio) / effect², rounded up. This
is what ``statsmodels.stats.power.NormalIndPower`` solves (checked in the tests).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["DEFAULT_POWER", "PowerError", "number_needed_means", "number_needed_rates", "rate_effect_size"]

#: Power assumed when estimating how many people would be needed.
DEFAULT_POWER = 0.8


class PowerError(ValueError):
    """Bad input to a power calculation."""


def _prob(name: str, value) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise PowerError(f"{name} must be a proportion between 0 and 1, got {value!r}") from None
    bad = ~np.isfinite(arr) | (arr < 0) | (arr > 1)
    if bad.any():
        raise PowerError(f"{name} must be a proportion between 0 and 1, got {arr[bad].ravel()[0]!r}")
    return arr


def _z_total(level: float, power: float) -> float:
    for name, v in (("level", level), ("power", power)):
        if not (isinstance(v, (int, float, np.floating)) and 0 < float(v) < 1):
            raise PowerError(f"{name} must be a number strictly between 0 and 1, got {v!r}")
    return float(stats.norm.ppf(0.5 + level / 2) + stats.norm.ppf(power))


def _n(effect: np.ndarray, level: float, power: float, ratio) -> np.ndarray | float:
    r = np.asarray(ratio, dtype=float)
    if (~np.isfinite(r) | (r <= 0)).any():
        raise PowerError(f"ratio (comparison people per treated person) must be positive, got {ratio!r}")
    zt = _z_total(level, power)
    with np.errstate(divide="ignore"):
        n = np.where(effect == 0, np.inf, np.ceil(zt**2 * (1 + 1 / r) / np.square(effect)))
    return n.item() if n.ndim == 0 else n


def rate_effect_size(p_treated, p_comparison):
    """Cohen's h for two proportions (vectorised)."""
    p1, p2 = _prob("treated rate", p_treated), _prob("comparison rate", p_comparison)
    h = 2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p2))
    return h.item() if np.ndim(h) == 0 else h


def number_needed_rates(p_treated, p_comparison, *, level: float = 0.95, power: float = DEFAULT_POWER, ratio=1.0):
    """Treated people needed to detect the difference between two observed rates (inf when they are equal).

    The comparison group then needs ``ratio`` times as many. Vectorised over the rates.
    """
    return _n(np.abs(np.asarray(rate_effect_size(p_treated, p_comparison))), level, power, ratio)


def number_needed_means(difference, sd, *, level: float = 0.95, power: float = DEFAULT_POWER, ratio=1.0):
    """Treated people needed to detect a difference in means with the given (pooled) standard deviation."""
    d = np.asarray(difference, dtype=float)
    s = np.asarray(sd, dtype=float)
    if (~np.isfinite(d)).any() or (~np.isfinite(s) | (s <= 0)).any():
        raise PowerError(f"difference must be finite and sd positive, got {difference!r} and {sd!r}")
    return _n(np.abs(d / s), level, power, ratio)
