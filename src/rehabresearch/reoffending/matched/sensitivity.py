"""Sensitivity of a matched comparison to a factor nobody measured.

Two complementary answers to "could an unmeasured difference between the groups explain the result?":

* **Rosenbaum bounds** (Rosenbaum 2002, *Observational Studies*, 2nd ed., Springer, ch. 4; Rosenbaum
  2010, *Design of Observational Studies*, ch. 3). Within a matched pair the two people may differ in
  their odds of receiving the service by at most a factor Gamma (Γ) because of something unmeasured.
  For each Γ the one-sided p-value of the paired test can be no larger than an upper bound; the
  critical Γ is where that bound reaches the significance level. Binary outcomes use the McNemar-type
  test on discordant pairs (the bound is an exact binomial tail with success probability Γ/(1+Γ),
  Rosenbaum 2002 §4.3.2); continuous outcomes use Wilcoxon's signed-rank statistic with the
  large-sample normal bound (Rosenbaum 2002 §4.3.3; zero differences dropped, tied absolute
  differences given average ranks).
* **E-value** (VanderWeele and Ding 2017, "Sensitivity analysis in observational research: introducing
  the E-value", *Annals of Internal Medicine* 167:268-274): the minimum strength of association, on
  the risk-ratio scale, that an unmeasured factor would need with both the service and the outcome to
  explain the estimate away: E = RR + sqrt(RR (RR - 1)) for RR >= 1 (RR < 1 is inverted first); for a
  confidence interval, the same formula at the limit closest to 1 (1 if the interval includes 1).
  Odds and hazard ratios are first converted to the risk-ratio scale (rare outcome, < 15%: unchanged;
  common outcome: sqrt(OR), and (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR)); their Table 2). A
  difference in means uses RR ≈ exp(0.91 d) for the standardised difference d (their Table 2).

The benchmark against observed covariates (:func:`covariate_benchmarks`) measures, for each covariate
the comparison was matched on, its association with treatment and with the outcome on the same
risk-ratio scale and the largest bias it could produce (Ding and VanderWeele 2016, *Epidemiology*
27:368-377, bounding factor B = RR_TU RR_UY / (RR_TU + RR_UY - 1)), expressed as the E-value that
bias corresponds to, so a sentence can compare an unmeasured factor with, say, prior custody.

Everything here is vectorised over pairs or people; wording lives in :mod:`.sensitivity_text`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import optimize, stats

__all__ = [
    "SensitivityError",
    "covariate_benchmarks",
    "e_value",
    "e_value_for_effect",
    "e_value_point",
    "matched_pairs",
    "risk_ratio_from_effect",
    "risk_ratio_from_smd",
    "rosenbaum_binary",
    "rosenbaum_binary_counts",
    "rosenbaum_binary_sets",
    "rosenbaum_for_matching",
    "rosenbaum_signed_rank",
    "to_risk_ratio",
]

#: Γ values tabulated by default (the critical Γ itself is solved for, not read from this grid).
DEFAULT_GAMMAS = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0)
#: Outcome prevalence below which an odds or hazard ratio approximates a risk ratio (VanderWeele & Ding 2017).
RARE_OUTCOME = 0.15
_GAMMA_MAX = 1e6


class SensitivityError(ValueError):
    """A sensitivity analysis was asked of data that cannot support it; the message says what to do."""


# --------------------------------------------------------------------------------------------
# E-value
# --------------------------------------------------------------------------------------------
def _positive(name: str, value) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise SensitivityError(f"{name} must be a positive number, got {value!r}") from None
    bad = ~np.isfinite(arr) | (arr <= 0)
    if bad.any():
        raise SensitivityError(f"{name} must be a positive finite ratio, got {arr[bad].ravel()[0]!r}")
    return arr


def e_value_point(rr):
    """E-value of a risk ratio (array or scalar): RR + sqrt(RR (RR - 1)) after inverting RR < 1."""
    arr = _positive("risk ratio", rr)
    r = np.where(arr < 1, 1 / arr, arr)
    out = r + np.sqrt(r * (r - 1))
    return out.item() if out.ndim == 0 else out


def to_risk_ratio(value, measure: str = "RR", rare: bool | None = None):
    """Put an odds ratio ("OR") or hazard ratio ("HR") on the risk-ratio scale (VanderWeele & Ding 2017,
    Table 2). ``rare`` must be said for OR and HR: True when the outcome is below 15% by the end of
    follow-up (the ratio is used as it is), False otherwise (square-root conversion for OR; for HR
    (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR)))."""
    arr = _positive(f"{measure} estimate", value)
    measure = str(measure).upper()
    if measure == "RR":
        out = arr
    elif measure in ("OR", "HR"):
        if rare is None:
            raise SensitivityError(f"say whether the outcome is rare (< {RARE_OUTCOME:.0%}) to convert an {measure} "
                                   "to a risk ratio: pass rare=True or rare=False")
        if rare:
            out = arr
        elif measure == "OR":
            out = np.sqrt(arr)
        else:
            out = (1 - 0.5 ** np.sqrt(arr)) / (1 - 0.5 ** np.sqrt(1 / arr))
    else:
        raise SensitivityError(f"measure must be 'RR', 'OR' or 'HR', got {measure!r}")
    return out.item() if np.ndim(out) == 0 else out


def e_value(estimate, low=None, high=None, *, measure: str = "RR", rare: bool | None = None) -> dict:
    """E-value for a ratio estimate and for its confidence-interval limit closest to 1.

    Returns a dict: ``risk ratio`` (the estimate on the risk-ratio scale), ``low``/``high`` (the
    interval on that scale, None if not given), ``e-value`` (point), ``e-value for interval``
    (1.0 when the interval includes 1; None without an interval) and ``limit used`` (the limit the
    interval E-value was computed at, or None).
    """
    rr = float(to_risk_ratio(estimate, measure, rare))
    lo = None if low is None else float(to_risk_ratio(low, measure, rare))
    hi = None if high is None else float(to_risk_ratio(high, measure, rare))
    if lo is not None and hi is not None and not lo <= rr <= hi:
        raise SensitivityError(f"the estimate {estimate!r} lies outside its interval ({low!r}, {high!r})")
    result = {"risk ratio": rr, "low": lo, "high": hi, "e-value": float(e_value_point(rr)),
              "e-value for interval": None, "limit used": None}
    limit = lo if rr >= 1 else hi
    if limit is not None:
        includes_one = (limit <= 1) if rr >= 1 else (limit >= 1)
        result["limit used"] = limit
        result["e-value for interval"] = 1.0 if includes_one else float(e_value_point(limit))
    return result


def risk_ratio_from_effect(effect: Mapping, level: float = 0.95) -> dict:
    """Risk ratio (treated rate / comparison rate) and its interval from a binary matched effect.

    ``effect`` holds ``treated mean``, ``comparison mean``, ``treated people`` and ``comparison
    effective size`` (as the matched comparison's effect dict does). The interval is the usual
    log-scale (delta-method) one, with the comparison group's Kish effective size as its n. Returns
    ``{"estimate", "low", "high", "level"}``.
    """
    p1, p0 = float(effect["treated mean"]), float(effect["comparison mean"])
    n1 = float(effect["treated people"])
    n0 = float(effect.get("comparison effective size", effect.get("comparison people")))
    if not (0 < p1 <= 1 and 0 < p0 <= 1):
        raise SensitivityError(f"a risk ratio needs both groups' rates above 0 (treated {p1:.3g}, comparison {p0:.3g}); "
                               "with no events in a group the E-value cannot be computed")
    z = stats.norm.ppf(0.5 + level / 2)
    se = np.sqrt((1 - p1) / (n1 * p1) + (1 - p0) / (n0 * p0))
    rr = p1 / p0
    return {"estimate": rr, "low": float(rr * np.exp(-z * se)), "high": float(rr * np.exp(z * se)), "level": level}


def risk_ratio_from_smd(d: float, se: float | None = None, level: float = 0.95) -> dict:
    """Approximate risk ratio for a standardised mean difference: exp(0.91 d), with interval
    exp(0.91 d ± 0.91 z se) (VanderWeele & Ding 2017, Table 2, continuous outcomes)."""
    rr = float(np.exp(0.91 * d))
    out = {"estimate": rr, "low": None, "high": None, "level": level}
    if se is not None:
        z = stats.norm.ppf(0.5 + level / 2)
        out.update(low=float(np.exp(0.91 * d - 0.91 * z * se)), high=float(np.exp(0.91 * d + 0.91 * z * se)))
    return out


def e_value_for_effect(effect: Mapping, *, kind: str, sd: float | None = None, level: float = 0.95) -> dict:
    """E-value of a matched effect dict: a 0/1 outcome through :func:`risk_ratio_from_effect`; a
    continuous one through the standardised difference (``difference`` / ``sd``, its standard error
    ``standard error`` / ``sd``) and :func:`risk_ratio_from_smd`. Adds ``scale`` saying which."""
    if kind == "binary":
        rr = risk_ratio_from_effect(effect, level)
        scale = "risk ratio of the two groups' rates"
    elif kind == "continuous":
        if sd is None or not np.isfinite(sd) or sd <= 0:
            raise SensitivityError(f"a continuous outcome needs its standard deviation (positive), got {sd!r}")
        rr = risk_ratio_from_smd(float(effect["difference"]) / sd, float(effect["standard error"]) / sd, level)
        scale = "approximate risk ratio from the standardised difference, exp(0.91 d)"
    else:
        raise SensitivityError(f"kind must be 'binary' or 'continuous', got {kind!r}")
    out = e_value(rr["estimate"], rr["low"], rr["high"])
    out["scale"] = scale
    return out


# --------------------------------------------------------------------------------------------
# Pairs
# --------------------------------------------------------------------------------------------
def matched_pairs(pair_treated, pair_control, *, replace: bool, distance=None) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Matched pairs usable for Rosenbaum bounds: ``(treated rows, control rows, note)``.

    Rosenbaum bounds for pairs need each person in exactly one pair. With replacement a control can
    sit in several pairs, so pairs are not defined: this raises :class:`SensitivityError` saying what
    to do instead (re-match without replacement, ``replace=False``, for the bounds, and read the
    E-value, which needs no pairs). With k > 1 controls per treated person (no replacement) each
    treated person keeps the nearest of their controls (smallest ``distance``, else the first listed),
    and ``note`` says so; otherwise ``note`` is None.
    """
    t = np.asarray(pair_treated)
    c = np.asarray(pair_control)
    if t.shape != c.shape or t.ndim != 1:
        raise SensitivityError("pair_treated and pair_control must be one-dimensional and of equal length")
    if len(t) == 0:
        raise SensitivityError("no matched pairs: nobody in the treatment group was matched")
    if replace or len(np.unique(c)) < len(c):
        raise SensitivityError(
            "Rosenbaum bounds need matched pairs in which no comparison person is used twice, but this comparison "
            "was matched with replacement. What is done instead: the E-value (which needs no pairs) is reported; for "
            "the bounds, run the matching again without replacement (replace=False).")
    note = None
    if len(np.unique(t)) < len(t):
        key = np.arange(len(t)) if distance is None else np.asarray(distance, dtype=float)
        order = np.lexsort((key, t))
        first = np.r_[True, t[order][1:] != t[order][:-1]]
        keep = order[first]
        t, c = t[keep], c[keep]
        note = ("Each treated person was matched to more than one comparison person; the sensitivity analysis uses "
                "each treated person's nearest match, forming one-to-one pairs.")
    return t, c, note


# --------------------------------------------------------------------------------------------
# Rosenbaum bounds
# --------------------------------------------------------------------------------------------
def _critical_gamma(pvalue_at, alpha: float) -> float:
    """Smallest Γ >= 1 at which the upper-bound p-value reaches ``alpha`` (1.0 if not significant at Γ=1;
    inf beyond Γ = 10^6)."""
    if pvalue_at(1.0) >= alpha:
        return 1.0
    if pvalue_at(_GAMMA_MAX) < alpha:
        return float("inf")
    root = optimize.brentq(lambda lg: pvalue_at(np.exp(lg)) - alpha, 0.0, np.log(_GAMMA_MAX), xtol=1e-10)
    return float(np.exp(root))


def _check_level(level: float) -> None:
    if not (isinstance(level, (int, float, np.floating)) and 0 < float(level) < 1):
        raise SensitivityError(f"level must be a number strictly between 0 and 1, got {level!r}")


def _gammas(gammas) -> np.ndarray:
    g = np.atleast_1d(np.asarray(DEFAULT_GAMMAS if gammas is None else gammas, dtype=float))
    if (~np.isfinite(g)).any() or (g < 1).any():
        raise SensitivityError(f"every Gamma must be a finite number of at least 1, got {list(g)}")
    return g


def _result(table: pd.DataFrame, crit: float, alpha: float, level: float, two_sided: bool, direction: str, **extra):
    out = {"table": table, "critical gamma": crit, "alpha": alpha, "level": level, "two-sided": two_sided,
           "direction": direction, "significant without hidden bias": crit > 1.0}
    out.update(extra)
    return out


def rosenbaum_binary_counts(treated_only: int, control_only: int, gammas=None, *, level: float = 0.95,
                            two_sided: bool = True, direction: str = "auto") -> dict:
    """Rosenbaum bounds for a binary outcome from the discordant-pair counts.

    ``treated_only`` pairs had the event for the treated person only, ``control_only`` for the
    control only. ``direction`` is "greater" (treated have more events), "less" or "auto" (the
    observed direction). The upper bound on the one-sided p-value at Γ is P(Binomial(D, Γ/(1+Γ)) >= T)
    with D discordant pairs and T those in the tested direction; with ``two_sided`` it is doubled
    (capped at 1) so that it matches a two-sided test at ``level``. Returns a dict with ``table``
    (Γ, upper and lower bounds), ``critical gamma`` (Γ where the upper bound reaches 1 - level),
    ``discordant pairs`` and the counts.
    """
    _check_level(level)
    counts = np.asarray([treated_only, control_only], dtype=float)
    if (~np.isfinite(counts)).any() or (counts < 0).any() or (counts != np.round(counts)).any():
        raise SensitivityError(f"discordant-pair counts must be whole numbers >= 0, got {treated_only!r}, {control_only!r}")
    a, b = int(counts[0]), int(counts[1])
    if direction == "auto":
        direction = "greater" if a >= b else "less"
    if direction not in ("greater", "less"):
        raise SensitivityError(f"direction must be 'greater', 'less' or 'auto', got {direction!r}")
    d = a + b
    t = a if direction == "greater" else b
    factor = 2.0 if two_sided else 1.0
    alpha = 1 - level

    def upper(gamma):
        return float(min(1.0, factor * stats.binom.sf(t - 1, d, gamma / (1 + gamma)))) if d else 1.0

    def lower(gamma):
        return float(min(1.0, factor * stats.binom.sf(t - 1, d, 1 / (1 + gamma)))) if d else 1.0

    g = _gammas(gammas)
    table = pd.DataFrame({"gamma": g, "p upper bound": [upper(x) for x in g], "p lower bound": [lower(x) for x in g]})
    return _result(table, _critical_gamma(upper, alpha), alpha, level, two_sided, direction,
                   **{"discordant pairs": d, "treated only": a, "control only": b, "test": "McNemar (exact binomial)"})


def rosenbaum_binary(treated_outcome, control_outcome, gammas=None, *, level: float = 0.95, two_sided: bool = True,
                     direction: str = "auto") -> dict:
    """Rosenbaum bounds for matched pairs with a 0/1 outcome: ``treated_outcome[i]`` and
    ``control_outcome[i]`` belong to pair i (see :func:`rosenbaum_binary_counts` for the result)."""
    yt = _pair_array("treated outcome", treated_outcome)
    yc = _pair_array("control outcome", control_outcome)
    if yt.shape != yc.shape:
        raise SensitivityError(f"treated and control outcomes must pair up: {len(yt)} against {len(yc)}")
    for name, y in (("treated outcome", yt), ("control outcome", yc)):
        bad = ~np.isin(y, (0.0, 1.0))
        if bad.any():
            raise SensitivityError(f"{name} must be 0 or 1; pair {int(np.argmax(bad)) + 1} holds {y[bad][0]!r}")
    a = int(np.sum((yt == 1) & (yc == 0)))
    b = int(np.sum((yt == 0) & (yc == 1)))
    out = rosenbaum_binary_counts(a, b, gammas, level=level, two_sided=two_sided, direction=direction)
    out["pairs"] = len(yt)
    return out


def rosenbaum_binary_sets(treated_event, set_events, set_size, gammas=None, *, level: float = 0.95,
                          two_sided: bool = True, direction: str = "auto") -> dict:
    """Rosenbaum bounds for a 0/1 outcome in matched sets of one treated person and k >= 1 controls.

    Per set: ``treated_event`` (0/1), ``set_events`` (events among all members, treated included) and
    ``set_size`` (members). The statistic is the number of treated people with the event. Under bias at
    most Γ the chance that the treated member of a set with m events among n is an event is at most
    Γm / (Γm + n - m) (the unmeasured factor placed on the events; Rosenbaum 2002 §4.4), the sets are
    independent, so the bound is the upper tail of a sum of independent Bernoulli variables, taken by
    the normal approximation. Sets with no events or only events carry no information. For pairs this
    is the normal approximation to :func:`rosenbaum_binary_counts`. ``direction="less"`` tests fewer
    events among the treated (by counting non-events).
    """
    _check_level(level)
    te = _pair_array("treated event", treated_event)
    m = _pair_array("events in set", set_events)
    n = _pair_array("set size", set_size)
    if not (len(te) == len(m) == len(n)):
        raise SensitivityError("treated_event, set_events and set_size must have one entry per matched set")
    bad = ~np.isin(te, (0.0, 1.0)) | (n < 2) | (m < te) | (m > n - 1 + te) | (m != np.round(m)) | (n != np.round(n))
    if bad.any():
        i = int(np.argmax(bad))
        raise SensitivityError(f"matched set {i + 1} is inconsistent: treated event {te[i]!r}, {m[i]!r} events "
                               f"among {n[i]!r} people")
    expected_null = np.sum(m / n)
    if direction == "auto":
        direction = "greater" if te.sum() >= expected_null else "less"
    if direction not in ("greater", "less"):
        raise SensitivityError(f"direction must be 'greater', 'less' or 'auto', got {direction!r}")
    if direction == "less":  # count non-events instead
        te, m = 1 - te, n - m
    informative = (m > 0) & (m < n)
    te, m, n = te[informative], m[informative], n[informative]
    t = float(te.sum())
    factor = 2.0 if two_sided else 1.0
    alpha = 1 - level

    def upper(gamma):
        if len(m) == 0:
            return 1.0
        p = gamma * m / (gamma * m + n - m)
        var = float(np.sum(p * (1 - p)))
        return float(min(1.0, factor * stats.norm.sf((t - p.sum()) / np.sqrt(var))))

    def lower(gamma):
        return upper(1 / gamma)

    g = _gammas(gammas)
    table = pd.DataFrame({"gamma": g, "p upper bound": [upper(x) for x in g], "p lower bound": [lower(x) for x in g]})
    return _result(table, _critical_gamma(upper, alpha), alpha, level, two_sided, direction,
                   **{"informative sets": int(informative.sum()), "sets": int(len(informative)),
                      "statistic": t, "test": "matched sets, binary outcome (normal approximation)"})


def _pair_array(name: str, values) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise SensitivityError(f"{name} must be numeric") from None
    bad = ~np.isfinite(arr)
    if bad.any():
        raise SensitivityError(f"{name} is missing or not finite in pair {int(np.argmax(bad)) + 1}; "
                               "drop pairs without an outcome before the sensitivity analysis")
    return arr


def rosenbaum_signed_rank(differences, gammas=None, *, level: float = 0.95, two_sided: bool = True,
                          direction: str = "auto") -> dict:
    """Rosenbaum bounds for Wilcoxon's signed-rank test on matched-pair differences (treated minus control).

    Zero differences are dropped; ties in |difference| get average ranks. With T the sum of ranks of
    the differences in the tested direction and p = Γ/(1+Γ), the upper bound on the one-sided p-value is
    1 - Φ((T - p Σr) / sqrt(p(1-p) Σr²)) (Rosenbaum 2002 §4.3.3). ``direction`` and ``two_sided`` as in
    :func:`rosenbaum_binary_counts`. Returns the same shape of dict, with ``statistic`` (T) and
    ``nonzero pairs``.
    """
    _check_level(level)
    d = _pair_array("difference", differences)
    d = d[d != 0]
    if direction == "auto":
        direction = "greater" if d.sum() >= 0 else "less"
    if direction not in ("greater", "less"):
        raise SensitivityError(f"direction must be 'greater', 'less' or 'auto', got {direction!r}")
    if direction == "less":
        d = -d
    ranks = stats.rankdata(np.abs(d))
    t = float(ranks[d > 0].sum())
    s1, s2 = float(ranks.sum()), float((ranks**2).sum())
    factor = 2.0 if two_sided else 1.0
    alpha = 1 - level

    def bound(p):
        if s2 == 0:
            return 1.0
        z = (t - p * s1) / np.sqrt(p * (1 - p) * s2)
        return float(min(1.0, factor * stats.norm.sf(z)))

    def upper(gamma):
        return bound(gamma / (1 + gamma))

    g = _gammas(gammas)
    table = pd.DataFrame({"gamma": g, "p upper bound": [upper(x) for x in g],
                          "p lower bound": [bound(1 / (1 + x)) for x in g]})
    return _result(table, _critical_gamma(upper, alpha), alpha, level, two_sided, direction,
                   **{"statistic": t, "nonzero pairs": int(len(d)), "pairs": int(np.size(differences)),
                      "test": "Wilcoxon signed rank (normal approximation)"})


def _binary_sets(y: np.ndarray, pt: np.ndarray, pc: np.ndarray):
    """Per matched set (treated row): treated event, events in the set, set size, sets dropped — or None
    when the outcome is not 0/1."""
    sets, inverse = np.unique(pt, return_inverse=True)
    yt, yc = y[sets], y[pc]
    finite = np.isfinite(yt) & (np.bincount(inverse, weights=~np.isfinite(yc), minlength=len(sets)) == 0)
    values = np.r_[yt[np.isfinite(yt)], yc[np.isfinite(yc)]]
    if not np.isin(values, (0.0, 1.0)).all():
        return None
    events = yt + np.bincount(inverse, weights=np.nan_to_num(yc), minlength=len(sets))
    size = 1 + np.bincount(inverse, minlength=len(sets))
    return yt[finite], events[finite], size[finite].astype(float), int((~finite).sum())


def rosenbaum_for_matching(y, pair_treated, pair_control, *, replace: bool, kind: str | None = None, distance=None,
                           gammas=None, level: float = 0.95, two_sided: bool = True) -> dict:
    """Rosenbaum bounds for a matched comparison, ready for a report: never raises for the design.

    ``y`` is the outcome for every row of the data; ``pair_treated``/``pair_control`` the matched row
    positions; ``kind`` "binary" or "continuous" (inferred from 0/1 values when None). Pairs in which
    either person has no outcome (e.g. days to first reoffence for a non-reoffender) are left out and
    counted. Returns ``{"result": <bounds dict or None>, "notes": [sentences], "pairs used": n}``; with
    replacement ``result`` is None and the note says what is done instead.
    """
    try:
        t, c, note = matched_pairs(pair_treated, pair_control, replace=replace, distance=distance)
    except SensitivityError as exc:
        return {"result": None, "notes": [str(exc)], "pairs used": 0}
    y = np.asarray(y, dtype=float)
    if note and kind != "continuous":
        sets = _binary_sets(y, np.asarray(pair_treated), np.asarray(pair_control))
        if sets is not None:
            result = rosenbaum_binary_sets(*sets[:3], gammas, level=level, two_sided=two_sided)
            notes = ["Each treated person was matched to more than one comparison person; the sensitivity analysis "
                     "uses the whole matched sets."]
            if sets[3]:
                notes.append(f"{sets[3]:,} matched set(s) with a missing outcome were left out of the sensitivity "
                             "analysis.")
            return {"result": result, "notes": notes, "pairs used": int(len(sets[0]))}
    notes = [note] if note else []
    yt, yc = y[t], y[c]
    ok = np.isfinite(yt) & np.isfinite(yc)
    if (~ok).any():
        notes.append(f"{int((~ok).sum()):,} pair(s) without an outcome for both people were left out of the "
                     "sensitivity analysis.")
    yt, yc = yt[ok], yc[ok]
    if kind is None:
        kind = "binary" if np.isin(np.r_[yt, yc], (0.0, 1.0)).all() else "continuous"
    if len(yt) == 0:
        return {"result": None, "notes": [*notes, "No pair has an outcome for both people."], "pairs used": 0}
    if kind == "binary":
        result = rosenbaum_binary(yt, yc, gammas, level=level, two_sided=two_sided)
    elif kind == "continuous":
        result = rosenbaum_signed_rank(yt - yc, gammas, level=level, two_sided=two_sided)
    else:
        raise SensitivityError(f"kind must be 'binary' or 'continuous', got {kind!r}")
    return {"result": result, "notes": notes, "pairs used": int(len(yt))}


# --------------------------------------------------------------------------------------------
# Benchmarks against observed covariates
# --------------------------------------------------------------------------------------------
def _ratio_at_least_one(num, den):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.asarray(num / den, dtype=float)
        return np.where(r < 1, 1 / r, r)


def covariate_benchmarks(df: pd.DataFrame, treated, outcome: str, covariates: Sequence[str], *,
                         weights=None, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """How strongly each observed covariate is associated with treatment and with the outcome.

    Computed on the data before matching (the strength the matching had to remove). A covariate with
    two values is used as it is; any other numeric covariate is split at its median (at or below /
    above), stated in the ``split`` column. Association with treatment: risk ratio of being in the
    treatment group, high versus low covariate value. Association with the outcome: ratio of outcome
    means, high versus low, among the comparison pool (so the service's own effect is not mixed in).
    Both are put at or above 1 (a ratio below 1 is inverted). ``bias bound`` is Ding & VanderWeele's
    bounding factor B = RR_T RR_Y / (RR_T + RR_Y - 1), the most bias an unmeasured factor this strong
    could produce; ``as e-value`` is the E-value of B: an unmeasured factor with both associations at
    that value produces the same bias. Sorted strongest first. ``weights`` (optional) weight people.
    A covariate with no comparison people on one side of its split cannot be assessed; it is left out
    and named in ``result.attrs["not benchmarked"]``.
    """
    t = np.asarray(treated).astype(bool)
    if len(t) != len(df):
        raise SensitivityError(f"treated has {len(t)} entries but the data have {len(df)} rows")
    missing = [c for c in [outcome, *covariates] if c not in df.columns]
    if missing:
        raise SensitivityError(f"column(s) not in the data: {', '.join(map(repr, missing))}")
    w = np.ones(len(df)) if weights is None else np.asarray(weights, dtype=float)
    y = pd.to_numeric(df[outcome], errors="coerce").to_numpy(dtype=float)
    ctrl = ~t & np.isfinite(y)
    rows = []
    wt, wc = w * t, w * ctrl
    wcy = wc * np.nan_to_num(y)
    skipped: list[str] = []
    for col in covariates:
        x = df[col].to_numpy(dtype=float) if pd.api.types.is_numeric_dtype(df[col]) and not \
            pd.api.types.is_bool_dtype(df[col]) else pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(x)
        if bad.any():
            raise SensitivityError(f"covariate {col!r} is missing or not numeric in data row {int(np.argmax(bad)) + 1}")
        lo_v, hi_v = x.min(), x.max()
        if lo_v == hi_v:
            continue
        if np.all((x == lo_v) | (x == hi_v)):
            high, split = x == hi_v, f"{hi_v:g} vs {lo_v:g}"
        else:
            med = float(np.median(x))
            high, split = x > med, f"above vs at or below median {med:g}"
            if not high.any():  # more than half the values sit at the maximum
                high, split = x >= med, f"at or above vs below median {med:g}"
        sums = {name: (float(v[high].sum()), float(v.sum() - v[high].sum()))
                for name, v in (("w", w), ("wt", wt), ("wc", wc), ("wcy", wcy))}
        p_t_high = sums["wt"][0] / sums["w"][0]
        p_t_low = sums["wt"][1] / sums["w"][1]
        y_high = sums["wcy"][0] / sums["wc"][0] if sums["wc"][0] else np.nan
        y_low = sums["wcy"][1] / sums["wc"][1] if sums["wc"][1] else np.nan
        if np.isnan(y_high) or np.isnan(y_low):
            skipped.append(col)  # no comparison people on one side of the split: association undefined
            continue
        rr_t = 1.0 if p_t_high == p_t_low else float(_ratio_at_least_one(p_t_high, p_t_low))
        rr_y = 1.0 if y_high == y_low else float(_ratio_at_least_one(y_high, y_low))
        if not (np.isfinite(rr_t) and np.isfinite(rr_y)):
            bias = np.inf  # a side with none treated or no events: as strong as an association can be
        else:
            bias = rr_t * rr_y / (rr_t + rr_y - 1)
        rows.append({"covariate": col, "label": (labels or {}).get(col, col), "split": split,
                     "risk ratio with treatment": rr_t, "risk ratio with outcome": rr_y, "bias bound": float(bias),
                     "as e-value": float(bias + np.sqrt(bias * (bias - 1))) if np.isfinite(bias) else np.inf})
    cols = ["covariate", "label", "split", "risk ratio with treatment", "risk ratio with outcome", "bias bound",
            "as e-value"]
    out = pd.DataFrame(rows, columns=cols).sort_values("as e-value", ascending=False, ignore_index=True)
    out.attrs["not benchmarked"] = skipped
    return out
