"""Matched comparison in the Justice Data Lab (JDL) style: propensity score, nearest-neighbour
matching on its logit, balance, common support and the effect on the treated.

The JDL compares the people a service worked with (the treatment group) with a comparison group
matched on a propensity score, and reports the one-year proven reoffending rate, frequency and time
to first reoffence with 95% confidence intervals, significance tests and a plain-English statement
(Ministry of Justice, Justice Data Lab methodology; see ``docs/reoffending-matching.md``). The
sources we hold do not publish the caliper, replacement or weighting rules, so those are parameters
with defaults from the methods literature (caliper 0.2 standard deviations of the logit of the score,
Austin 2011, Pharmaceutical Statistics 10:150-161).

Algorithm, in order (:func:`matched_comparison` runs all of it):

1. :func:`fit_propensity` — logistic regression of treatment on the named covariates by Newton's
   method (iteratively reweighted least squares) on standardised columns, fully vectorised: each
   iteration is two matrix products over the n x (p+1) design, so 1.1 million rows x 10 covariates
   fits in about a second.
2. :func:`match` — nearest-neighbour matching on the logit of the score, 1:k, within a caliper, with
   or without replacement, optionally exactly within strata. Strata are handled by shifting each
   stratum's logits into its own band of the number line, far enough apart that the nearest
   neighbour is always in the same stratum when one exists (a cross-stratum nearest neighbour means
   the stratum has no control left, and the treated person is left unmatched). Controls are sorted
   once (O(n log n)); every treated person finds its neighbours with a binary search
   (``np.searchsorted``). With replacement, each treated person takes the ``k`` nearest of the ``2k``
   controls around its insertion point. Without replacement, matching runs in vectorised rounds of a
   parallel greedy scheme: every unmatched treated person proposes to a control near it (treated
   people falling in the same gap between available controls are spread outwards over successive
   controls in order of closeness, so ties and crowds do not all chase one control); each control
   accepts its closest proposer (exact ties broken by a seeded random priority); the accepted
   controls are removed and the rest propose again. A treated person whose nearest available control
   is outside the caliper (or in another stratum) stops: controls only ever get further away. Each
   round costs one linear pass over the available controls plus O(m log n) for the m people still
   waiting, and matches at least one person, so it terminates; in practice the rounds are few (5
   for 100,000 treated x 1,000,000 controls; reported as ``MatchResult.rounds``), so the whole is
   O(n log n) dominated by the sort. For ``k > 1`` the scheme is repeated ``k`` times, each pass
   giving every treated person matched in the previous pass one more control (as MatchIt does).
3. :func:`balance_table` — standardised mean differences before and after matching (denominator:
   the pooled standard deviation before matching, so the change reflects means only; Austin 2009,
   Statistics in Medicine 28:3083) and variance ratios.
4. :func:`estimate_effect` — effect on the matched treated: treated mean minus the weighted mean of
   their matched controls (each treated person's controls weigh 1/k_i). The variance treats the two
   groups as independent given the matched sample, with the Kish effective size for the weighted
   controls; it ignores the uncertainty of the estimated score and the pairing (usually
   conservative for ATT; Austin and Small 2014, Statistics in Medicine 33:1242). Binary outcomes
   also get Wilson intervals per group and a Newcombe hybrid score interval for the difference
   (:mod:`rehabresearch.reoffending.intervals`).
5. :func:`jdl_statement` — the plain-English sentence in the JDL form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special, stats

from .. import disclosure
from .intervals import newcombe_interval, wilson_interval

#: Minimum treatment group the Justice Data Lab pilot would analyse (Ministry of Justice 2013, Justice
#: Data Lab user journey: information on at least 60 people).
JDL_MINIMUM_GROUP = 60
#: Default caliper in standard deviations of the logit of the propensity score (Austin 2011).
DEFAULT_CALIPER_SD = 0.2
#: Rows of the evenly spaced subsample used to warm-start the propensity fit on large data (speed only).
WARM_START_ROWS = 100_000
#: |SMD| above which a covariate is called imbalanced (Austin 2009, Statistics in Medicine 28:3083).
SMD_THRESHOLD = 0.1


class MatchingError(ValueError):
    """The data cannot support a matched comparison (bad columns, no overlap, nothing matched)."""


class NoOverlapError(MatchingError):
    """Treated and comparison propensity scores do not overlap, so no fair comparison exists."""


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------
def _value_text(value) -> str:
    """A cell value for an error message: numbers plainly (2, 0.5), text quoted."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, float, np.integer, np.floating)):
        return f"{float(value):g}"
    return repr(value)


def load_data(data: str, data_kwargs: Mapping | None = None) -> pd.DataFrame:
    """The data a report analyses: a user's CSV (``data`` is a path ending in .csv, relative to the
    project root or absolute) or a catalog dataset by name (``data_kwargs`` go to the generator of a
    synthetic one and are otherwise ignored)."""
    from .. import catalog

    if str(data).lower().endswith(".csv"):
        return catalog.load_csv(data)
    if data not in catalog.datasets():
        raise MatchingError(
            f"data {data!r} is neither a CSV file (a path ending in .csv) nor a dataset in the catalog "
            f"({', '.join(catalog.datasets())})"
        )
    return catalog.load(data, **(dict(data_kwargs or {}) if catalog.get(data).kind == "synthetic" else {}))


def check_columns(df: pd.DataFrame, **named: str | Sequence[str]) -> None:
    """Raise :class:`MatchingError` naming each missing column and the parameter that names it.

    ``named`` maps a parameter name to a column or list of columns, e.g.
    ``check_columns(df, treatment="treated", covariates=["age", "female"])``.
    """
    problems = []
    for param, cols in named.items():
        for c in [cols] if isinstance(cols, str) else list(cols):
            if c not in df.columns:
                problems.append(f"column {c!r} (named in the parameter {param})")
    if problems:
        raise MatchingError(f"the data has no {'; no '.join(problems)}; its columns are: {', '.join(map(str, df.columns))}")


def _require_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise MatchingError(f"{what}: no column(s) {missing} in the data; columns are {list(df.columns)}")


def _numeric_column(df: pd.DataFrame, column: str, what: str, allow_missing: bool = False) -> np.ndarray:
    series = df[column]
    if pd.api.types.is_bool_dtype(series.dtype):
        series = series.astype("float64")
    if not pd.api.types.is_numeric_dtype(series.dtype):
        raise MatchingError(
            f"{what} column {column!r} is not numeric (dtype {series.dtype}); encode categories as 0/1 columns"
        )
    if isinstance(series.dtype, np.dtype):
        values = series.to_numpy(dtype=float)
    else:  # pandas extension dtypes (nullable Int64, Float64) carry pd.NA
        values = series.to_numpy(dtype=float, na_value=np.nan)
    if not allow_missing:
        bad = ~np.isfinite(values)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise MatchingError(
                f"{what} column {column!r} has {int(bad.sum())} missing or infinite value(s); the first is in data "
                f"row {row + 1} (counting from 1, header not counted)"
            )
    return values


def treatment_indicator(df: pd.DataFrame, treatment: str) -> np.ndarray:
    """The treatment column as a boolean array; it must hold only 0/1 (or True/False), no gaps."""
    _require_columns(df, [treatment], "treatment")
    values = _numeric_column(df, treatment, "treatment")
    bad = (values != 0) & (values != 1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise MatchingError(
            f"treatment column {treatment!r} must hold only 0 and 1; data row {row + 1} (counting from 1, header not "
            f"counted) holds {_value_text(df[treatment].iloc[row])}"
        )
    t = values == 1
    if t.all() or not t.any():
        raise MatchingError(f"treatment column {treatment!r} has only one group ({int(t.sum())} treated of {len(t)})")
    return t


def numeric_columns(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """A copy of ``df`` with ``columns`` converted to numbers (for a CSV read as text).

    Empty cells become missing; any other text that is not a number raises :class:`MatchingError`
    naming the column, row and value.
    """
    _require_columns(df, columns, "data")
    out = df.copy()
    for c in dict.fromkeys(columns):
        if pd.api.types.is_numeric_dtype(out[c].dtype) or pd.api.types.is_bool_dtype(out[c].dtype):
            continue
        values = pd.to_numeric(out[c], errors="coerce")
        bad = values.isna().to_numpy() & out[c].notna().to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise MatchingError(f"column {c!r} data row {row + 1} (counting from 1, header not counted): "
                                f"{out[c].iloc[row]!r} is not a number")
        out[c] = values.astype(float)
    return out


# --------------------------------------------------------------------------------------------
# 1. Propensity score
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PropensityFit:
    """A fitted logistic propensity model. ``coef`` is on the original covariate scale, intercept first."""

    covariates: tuple[str, ...]
    coef: np.ndarray
    logit: np.ndarray
    converged: bool
    iterations: int

    @property
    def score(self) -> np.ndarray:
        """Propensity score (probability of treatment) for every row."""
        return 1.0 / (1.0 + np.exp(-self.logit))


def _standardised_design(df: pd.DataFrame, covariates: Sequence[str]):
    """Column-major design matrix [1, standardised covariates] and each covariate's mean and SD.

    Built column by column into one preallocated array (no n x p temporaries); a constant column
    is left centred (SD 0) for the caller to report.
    """
    design = np.empty((len(df), len(covariates) + 1), order="F")
    design[:, 0] = 1.0
    mean, sd = np.zeros(len(covariates)), np.zeros(len(covariates))
    for j, c in enumerate(covariates):
        col = design[:, j + 1]
        col[:] = _numeric_column(df, c, "covariate")
        mean[j] = col.mean()
        col -= mean[j]
        sd[j] = np.sqrt(np.dot(col, col) / len(col))
        if sd[j] > 0:
            col /= sd[j]
    return design, mean, sd


def _newton(design, y, beta, max_iter, tol, covariates):
    """Newton-Raphson for the logistic log-likelihood; stops early if coefficients run away (separation)."""
    buf = np.empty_like(design)
    converged = False
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        p = special.expit(design @ beta)
        grad = design.T @ (y - p)
        np.multiply(design, np.sqrt(p * (1.0 - p))[:, None], out=buf)
        hess = buf.T @ buf
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError as exc:
            raise MatchingError(
                f"the propensity model cannot be fitted: covariates {list(covariates)} are collinear"
            ) from exc
        beta = beta + step
        if not np.all(np.isfinite(beta)) or np.max(np.abs(beta)) > 50:
            break
        if np.max(np.abs(step)) < tol * (1 + np.max(np.abs(beta))):
            converged = True
            break
    return beta, converged, iterations


def fit_propensity(
    df: pd.DataFrame,
    treatment: str,
    covariates: Sequence[str],
    *,
    max_iter: int = 30,
    tol: float = 1e-6,
) -> PropensityFit:
    """Logistic regression of ``treatment`` on ``covariates`` by Newton's method (IRLS).

    Covariates are standardised for the fit (numerical stability) and the coefficients are mapped
    back. Iteration stops when no coefficient moves by more than ``tol`` (relative); Newton's method
    converges quadratically, so the error left is of the order of ``tol`` squared. A constant covariate, a missing value or a non-numeric column raises
    :class:`MatchingError` naming it. If the iterations do not converge (as under complete
    separation) the fit is returned with ``converged=False``; :func:`matched_comparison` then
    refuses with :class:`NoOverlapError`.
    """
    covariates = tuple(covariates)
    if not covariates:
        raise MatchingError("no covariates named for the propensity score")
    if len(set(covariates)) != len(covariates):
        raise MatchingError(f"covariates named more than once: {list(covariates)}")
    _require_columns(df, covariates, "covariates")
    y = treatment_indicator(df, treatment).astype(float)
    if treatment in covariates:
        raise MatchingError(f"the treatment column {treatment!r} cannot also be a covariate")
    design, mean, sd = _standardised_design(df, covariates)
    constant = [c for c, s in zip(covariates, sd) if not s > 0]
    if constant:
        raise MatchingError(f"covariate(s) {constant} take a single value in the data, so they cannot predict treatment")
    beta = np.zeros(design.shape[1])
    prevalence = y.mean()
    beta[0] = np.log(prevalence / (1 - prevalence))
    if len(y) > 2 * WARM_START_ROWS:
        # Warm start on an evenly spaced subsample; the full-data iterations then only polish.
        step = len(y) // WARM_START_ROWS
        beta, _, _ = _newton(np.ascontiguousarray(design[::step]), y[::step], beta, max_iter, 1e-6, covariates)
        if not np.all(np.isfinite(beta)) or np.max(np.abs(beta)) > 50:
            beta = np.zeros(design.shape[1])
            beta[0] = np.log(prevalence / (1 - prevalence))
    beta, converged, iterations = _newton(design, y, beta, max_iter, tol, covariates)
    logit = design @ beta
    coef = np.empty_like(beta)
    coef[1:] = beta[1:] / sd
    coef[0] = beta[0] - np.sum(beta[1:] * mean / sd)
    return PropensityFit(covariates, coef, logit, converged, iterations)


# --------------------------------------------------------------------------------------------
# Common support
# --------------------------------------------------------------------------------------------
def common_support(logit: np.ndarray, treated: np.ndarray) -> pd.DataFrame:
    """For each group: size, range of the propensity score, and how many lie outside the other group's range.

    Raises :class:`NoOverlapError` when no treated person lies inside the comparison group's range.
    """
    lt, lc = logit[treated], logit[~treated]
    lo, hi = max(lt.min(), lc.min()), min(lt.max(), lc.max())
    outside_t = int(((lt < lc.min()) | (lt > lc.max())).sum())
    outside_c = int(((lc < lt.min()) | (lc > lt.max())).sum())
    if lo > hi or outside_t == len(lt):
        raise NoOverlapError(
            "no overlap in propensity scores: every treated person lies outside the range of the comparison "
            "pool, so no fair comparison can be made (treatment is fully predicted by the covariates)"
        )
    p = special.expit
    return pd.DataFrame(
        {
            "Group": ["Treatment group", "Comparison pool"],
            "People": [len(lt), len(lc)],
            "Lowest score": [p(lt.min()), p(lc.min())],
            "Highest score": [p(lt.max()), p(lc.max())],
            "Outside the other group's range": [outside_t, outside_c],
        }
    )


def support_statement(support: pd.DataFrame, n_matched_treated: int, *, service: str = "the service",
                      threshold: int = disclosure.DEFAULT_THRESHOLD) -> str:
    """Common support in words: how far the two groups' propensity scores overlap, and who is left out.

    ``support`` is the output of :func:`common_support`; counts below ``threshold`` are suppressed.
    """
    t, c = support.iloc[0], support.iloc[1]
    def count(n, start=False):
        text = disclosure.safe_count(int(n), threshold)
        return text[:1].upper() + text[1:] if start else text

    text = (f"The estimated chance of receiving {service} ranges from {100 * t['Lowest score']:.1f}% to "
            f"{100 * t['Highest score']:.1f}% in the treatment group and from {100 * c['Lowest score']:.1f}% to "
            f"{100 * c['Highest score']:.1f}% in the comparison pool. ")
    out_t, out_c = int(t["Outside the other group's range"]), int(c["Outside the other group's range"])
    text += ("Every treated person lies inside the comparison pool's range, so each has potential comparisons. "
             if out_t == 0 else
             f"{count(out_t, True)} treated people lie outside the comparison pool's range and cannot be matched well. ")
    if out_c:
        text += (f"{count(out_c, True)} people in the comparison pool lie outside the treatment group's range; they are "
                 "unlike anyone treated and are never used. ")
    dropped = int(t["People"]) - int(n_matched_treated)
    text += (f"{count(n_matched_treated, True)} of {count(t['People'])} treated people found a comparison within the caliper"
             + (f" ({count(dropped)} did not and are left out)." if dropped else "."))
    return text


# --------------------------------------------------------------------------------------------
# 2. Matching
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MatchResult:
    """Matched pairs (row positions into the data) and the weights they imply.

    ``pair_treated[i]`` is matched to ``pair_control[i]``; ``weights`` has one entry per row of the
    data: 1 for a matched treated person, sum of 1/k_i over the treated people a control serves,
    0 for everyone unused.
    """

    pair_treated: np.ndarray
    pair_control: np.ndarray
    weights: np.ndarray
    treated: np.ndarray
    caliper: float | None
    ratio: int
    replace: bool
    rounds: int

    @property
    def matched_treated(self) -> np.ndarray:
        """Row positions of the matched treated people (pairs are sorted by treated position)."""
        p = self.pair_treated
        return p[np.r_[True, p[1:] != p[:-1]]] if len(p) else p

    @property
    def n_treated(self) -> int:
        return int(self.treated.sum())

    @property
    def n_matched_treated(self) -> int:
        return len(self.matched_treated)

    @property
    def n_controls_used(self) -> int:
        return int(np.count_nonzero(self.weights[~self.treated]))


def _strata_keys(logit: np.ndarray, strata: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Matching keys: the logit shifted by stratum so that different strata never sit closer than any pair within one."""
    if strata is None:
        return logit.astype(float), np.zeros(len(logit), dtype=np.int64)
    codes = pd.factorize(strata, sort=True)[0].astype(np.int64)
    span = float(logit.max() - logit.min())
    return (logit - logit.min()) + codes * (2.0 * span + 1.0), codes


def _nearest_available(keys_t, avail_keys):
    """Insertion positions and nearest-neighbour position/distance of each key among the sorted available keys."""
    n = len(avail_keys)
    pos = np.searchsorted(avail_keys, keys_t, side="left")
    left = np.clip(pos - 1, 0, n - 1)
    right = np.clip(pos, 0, n - 1)
    dl = np.where(pos > 0, keys_t - avail_keys[left], np.inf)
    dr = np.where(pos < n, avail_keys[right] - keys_t, np.inf)
    go_left = dl <= dr
    return pos, go_left, np.where(go_left, left, right), np.minimum(dl, dr)


def _greedy_pass(keys_t, strata_t, ctrl_keys, ctrl_strata, ctrl_ids, available, caliper, priority):
    """One 1:1 greedy pass without replacement. Returns matched control ids per treated (-1 = none) and rounds."""
    out = np.full(len(keys_t), -1, dtype=np.int64)
    pending = np.arange(len(keys_t))
    rounds = 0
    while pending.size:
        avail_idx = np.flatnonzero(available)
        if avail_idx.size == 0:
            break
        rounds += 1
        akeys = ctrl_keys[avail_idx]
        kt = keys_t[pending]
        pos, go_left, nearest, dist = _nearest_available(kt, akeys)
        ok = (dist <= caliper) & (ctrl_strata[avail_idx[nearest]] == strata_t[pending])
        pending, kt, pos, go_left, nearest = pending[ok], kt[ok], pos[ok], go_left[ok], nearest[ok]
        if not pending.size:
            break
        # Spread people sharing a gap (same insertion point and side) over successive controls, closest first.
        order = np.lexsort((priority[pending], np.where(go_left, kt, -kt), go_left, pos))
        grp = np.column_stack([pos[order], go_left[order]])
        starts = np.r_[True, np.any(grp[1:] != grp[:-1], axis=1)]
        start_idx = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order)) - start_idx
        target = np.where(go_left, pos - 1 - rank, pos + rank)
        inside = (target >= 0) & (target < len(akeys))
        target = np.where(inside, target, nearest)
        tdist = np.abs(akeys[target] - kt)
        good = (tdist <= caliper) & (ctrl_strata[avail_idx[target]] == strata_t[pending])
        target = np.where(good, target, nearest)
        tdist = np.where(good, tdist, np.abs(akeys[nearest] - kt))
        # Each control accepts its closest proposer; exact ties go to the higher random priority.
        order = np.lexsort((priority[pending], tdist, target))
        first = np.r_[True, target[order][1:] != target[order][:-1]]
        winners = order[first]
        chosen = avail_idx[target[winners]]
        out[pending[winners]] = ctrl_ids[chosen]
        available[chosen] = False
        lost = np.ones(len(pending), dtype=bool)
        lost[winners] = False
        pending = pending[lost]
    return out, rounds


def match(
    logit: np.ndarray,
    treated: np.ndarray,
    *,
    ratio: int = 1,
    replace: bool = False,
    caliper_sd: float | None = DEFAULT_CALIPER_SD,
    strata: np.ndarray | None = None,
    rng: np.random.Generator | int | None = 0,
) -> MatchResult:
    """Nearest-neighbour matching 1:``ratio`` on the logit of the propensity score.

    ``caliper_sd`` is the caliper in standard deviations of the logit (pooled over the two groups,
    Austin 2011); ``None`` means no caliper. ``strata`` (one value per row) restricts matches to the
    same stratum. ``rng`` (a Generator or seed) breaks exact ties; results are reproducible for a
    given seed. See the module docstring for the algorithm.
    """
    logit = np.asarray(logit, dtype=float)
    treated = np.asarray(treated, dtype=bool)
    if logit.shape != treated.shape:
        raise MatchingError(f"logit has {logit.shape} values but treatment has {treated.shape}")
    if not np.all(np.isfinite(logit)):
        raise MatchingError("the propensity logit has missing or infinite values")
    if not (isinstance(ratio, (int, np.integer)) and ratio >= 1):
        raise MatchingError(f"ratio must be a whole number of at least 1, got {ratio!r}")
    if caliper_sd is not None and not caliper_sd > 0:
        raise MatchingError(f"caliper_sd must be positive (or None for no caliper), got {caliper_sd!r}")
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    if caliper_sd is None:
        caliper = np.inf
    else:
        pooled_sd = np.sqrt((logit[treated].var(ddof=1) + logit[~treated].var(ddof=1)) / 2)
        caliper = float(caliper_sd * pooled_sd)
    keys, codes = _strata_keys(logit, strata)
    t_ids = np.flatnonzero(treated)
    c_ids = np.flatnonzero(~treated)
    c_order = np.argsort(keys[c_ids], kind="stable")
    c_ids = c_ids[c_order]
    ctrl_keys, ctrl_strata = keys[c_ids], codes[c_ids]
    keys_t, strata_t = keys[t_ids], codes[t_ids]
    rounds = 0
    if replace:
        n = len(ctrl_keys)
        pos = np.searchsorted(ctrl_keys, keys_t, side="left")
        window = pos[:, None] + np.arange(-ratio, ratio)[None, :]
        valid = (window >= 0) & (window < n)
        window = np.clip(window, 0, n - 1)
        dist = np.where(valid, np.abs(ctrl_keys[window] - keys_t[:, None]), np.inf)
        dist = np.where(ctrl_strata[window] == strata_t[:, None], dist, np.inf)
        order = np.argsort(dist, axis=1, kind="stable")[:, :ratio]
        best = np.take_along_axis(window, order, axis=1)
        bestd = np.take_along_axis(dist, order, axis=1)
        keep = bestd <= caliper
        rows = np.broadcast_to(np.arange(len(t_ids))[:, None], keep.shape)
        pair_t, pair_c = t_ids[rows[keep]], c_ids[best[keep]]
        rounds = 1
    else:
        priority = rng.permutation(len(t_ids))
        available = np.ones(len(c_ids), dtype=bool)
        pair_t_list, pair_c_list = [], []
        active = np.arange(len(t_ids))
        for _ in range(ratio):
            got, r = _greedy_pass(
                keys_t[active], strata_t[active], ctrl_keys, ctrl_strata, np.arange(len(c_ids)),
                available, caliper, priority[active],
            )
            rounds += r
            hit = got >= 0
            pair_t_list.append(t_ids[active[hit]])
            pair_c_list.append(c_ids[got[hit]])
            active = active[hit]
            if not active.size:
                break
        pair_t, pair_c = np.concatenate(pair_t_list), np.concatenate(pair_c_list)
    order = np.lexsort((pair_c, pair_t))
    pair_t, pair_c = pair_t[order], pair_c[order]
    weights = np.zeros(len(logit))
    if len(pair_t):
        k_per_t = np.bincount(pair_t, minlength=len(logit))
        weights[np.unique(pair_t)] = 1.0
        np.add.at(weights, pair_c, 1.0 / k_per_t[pair_t])
    return MatchResult(pair_t, pair_c, weights, treated, None if caliper_sd is None else caliper, int(ratio),
                       bool(replace), rounds)


def unmatched(treated: np.ndarray) -> MatchResult:
    """Everyone with weight 1 and no pairs: the raw (unmatched) comparison, for contrast."""
    treated = np.asarray(treated, dtype=bool)
    empty = np.array([], dtype=np.int64)
    return MatchResult(empty, empty, np.ones(len(treated)), treated, None, 0, False, 0)


# --------------------------------------------------------------------------------------------
# 3. Balance
# --------------------------------------------------------------------------------------------
def balance_table(
    df: pd.DataFrame,
    covariates: Sequence[str],
    matching: MatchResult,
    logit: np.ndarray | None = None,
    threshold: float = SMD_THRESHOLD,
) -> pd.DataFrame:
    """Standardised mean differences (treated minus comparison) before and after matching.

    Denominator: pooled SD before matching, sqrt((s_t^2 + s_c^2) / 2), for both columns. After
    matching, the comparison mean is weighted by the matching weights. Also the variance ratio
    (treated / comparison) after matching, and whether |SMD after| exceeds ``threshold``.
    """
    names = ([] if logit is None else ["propensity score (logit)"]) + list(covariates)
    x = np.empty((len(matching.treated), len(names)), order="F")
    shift = np.zeros(len(names))
    for j, name in enumerate(names):
        x[:, j] = np.asarray(logit, dtype=float) if j == 0 and logit is not None else _numeric_column(
            df, name, "covariate")
        shift[j] = x[:, j].mean()
        x[:, j] -= shift[j]  # centring keeps the moment sums below accurate
    x2 = np.square(x)
    t = matching.treated
    w = matching.weights
    if not (w[t] > 0).any():
        raise MatchingError("no treated person was matched, so balance after matching is undefined")

    def moments(weight):
        total = weight.sum()
        m = weight @ x / total
        return m, weight @ x2 / total - m**2

    tf = t.astype(float)
    mt0, vt0 = moments(tf)
    mc0, vc0 = moments(1.0 - tf)
    vt0, vc0 = vt0 * t.sum() / (t.sum() - 1), vc0 * (~t).sum() / ((~t).sum() - 1)
    mt1, vt1 = moments(np.where(t, w, 0.0))
    mc1, vc1 = moments(np.where(t, 0.0, w))
    pooled = np.sqrt((vt0 + vc0) / 2)
    pooled = np.where(pooled > 0, pooled, 1.0)
    smd1 = (mt1 - mc1) / pooled
    return pd.DataFrame(
        {
            "covariate": names,
            "treated mean (before)": mt0 + shift,
            "comparison mean (before)": mc0 + shift,
            "SMD before": (mt0 - mc0) / pooled,
            "treated mean (after)": mt1 + shift,
            "comparison mean (after)": mc1 + shift,
            "SMD after": smd1,
            "variance ratio after": np.where(vc1 > 1e-12 * np.maximum(vt1, 1.0), vt1 / np.where(vc1 > 0, vc1, 1.0),
                                             np.inf),
            "imbalanced after": np.abs(smd1) > threshold,
        }
    )


def covariate_label(column: str, labels: Mapping[str, str] | None = None) -> str:
    """A reader's name for a covariate: ``labels[column]`` if given, else the column name in words."""
    if labels and column in labels:
        return labels[column]
    if column == "propensity score (logit)":
        return "Propensity score (log-odds)"
    text = column.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def balance_display(balance: pd.DataFrame, labels: Mapping[str, str] | None = None, dp: int = 3) -> pd.DataFrame:
    """The balance table for a reader: plain covariate names and headers, values as text with ``dp``
    decimals (a rounded -0.000 shows as 0.000)."""
    numbers = np.round(balance.drop(columns=["covariate", "imbalanced after"]).to_numpy(dtype=float), dp) + 0.0
    shown = pd.DataFrame([[f"{v:,.{dp}f}" for v in row] for row in numbers], columns=[
        "Treatment group mean, before", "Comparison pool mean, before", "SMD before",
        "Treatment group mean, after", "Comparison group mean, after", "SMD after", "Variance ratio after"])
    shown.insert(0, "Characteristic", [covariate_label(c, labels) for c in balance["covariate"]])
    return shown


def love_plot(balance: pd.DataFrame, *, threshold: float = SMD_THRESHOLD, source: str | None = None,
              labels: Mapping[str, str] | None = None,
              title: str = "Balance before and after matching (absolute SMD, SD units)"):
    """Love plot: absolute SMD per covariate before and after matching, with the threshold line.

    ``labels`` maps covariate columns to the names shown (see :func:`covariate_label`).
    """
    from ..plotting import PALETTE, figure

    n = len(balance)
    fig, ax = figure(title, "Absolute standardised mean difference (SD units)", "Characteristic", source=source,
                     figsize=(8.0, 1.2 + 0.38 * n))
    y = np.arange(n)[::-1]
    ax.scatter(np.abs(balance["SMD before"]), y, color=PALETTE[1], marker="o", label="Before matching", zorder=3)
    ax.scatter(np.abs(balance["SMD after"]), y, color=PALETTE[0], marker="s", label="After matching", zorder=3)
    ax.axvline(threshold, color="#555555", linestyle="--", linewidth=1, label=f"Threshold {threshold:g}")
    ax.set_yticks(y)
    ax.set_yticklabels([covariate_label(c, labels) for c in balance["covariate"]])
    ax.set_xlim(left=0)
    ax.legend(loc="lower right")
    if source:
        fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig, ax


# --------------------------------------------------------------------------------------------
# 4. Effect on the treated
# --------------------------------------------------------------------------------------------
def _is_binary(values: np.ndarray) -> bool:
    finite = values[np.isfinite(values)]
    return bool(finite.size) and bool(np.isin(finite, (0.0, 1.0)).all())


def estimate_effect(
    df: pd.DataFrame,
    outcome: str,
    matching: MatchResult,
    *,
    kind: str | None = None,
    among_observed: bool = False,
    level: float = 0.95,
) -> dict:
    """Effect on the matched treated for one outcome column.

    ``kind`` is ``"binary"`` (0/1; a rate) or ``"continuous"`` (a count, frequency, time or score);
    by default it is inferred. ``among_observed=True`` allows missing values and restricts to the
    people with one (e.g. days to first reoffence, defined only for reoffenders); otherwise a
    missing value is an error. Returns a dict: group sizes, means, difference, its interval,
    z statistic and two-sided p-value, and whether the interval excludes zero.
    """
    _require_columns(df, [outcome], "outcome")
    y = _numeric_column(df, outcome, "outcome", allow_missing=among_observed)
    kind = kind or ("binary" if _is_binary(y) else "continuous")
    if kind not in ("binary", "continuous"):
        raise MatchingError(f"outcome kind must be 'binary' or 'continuous', got {kind!r}")
    if kind == "binary" and not _is_binary(y):
        raise MatchingError(f"outcome {outcome!r} was declared binary but holds values other than 0 and 1")
    t = matching.treated
    w = matching.weights
    observed = np.isfinite(y)
    wt = np.where(t & observed, w, 0.0)
    wc = np.where(~t & observed, w, 0.0)
    n_t = int((wt > 0).sum())
    if n_t < 2 or (wc > 0).sum() < 2:
        raise MatchingError(f"outcome {outcome!r}: fewer than 2 matched people with a value in a group")
    yt, yc, wcc = y[wt > 0], y[wc > 0], wc[wc > 0]
    mean_t = yt.mean()
    mean_c = np.sum(wcc * yc) / wcc.sum()
    n_eff_c = wcc.sum() ** 2 / np.sum(wcc**2)
    var_t = yt.var(ddof=1)
    var_c = np.sum(wcc * (yc - mean_c) ** 2) / wcc.sum() * n_eff_c / max(n_eff_c - 1, 1.0)
    se = float(np.sqrt(var_t / n_t + var_c / n_eff_c))
    diff = float(mean_t - mean_c)
    z = stats.norm.ppf(0.5 + level / 2)
    result = {
        "outcome": outcome,
        "kind": kind,
        "treated people": n_t,
        "comparison people": int((wc > 0).sum()),
        "comparison effective size": float(n_eff_c),
        "treated mean": float(mean_t),
        "comparison mean": float(mean_c),
        "difference": diff,
        "standard error": se,
    }
    if kind == "binary":
        lo_t, hi_t = wilson_interval(yt.sum(), n_t, level)
        x_c = float(np.clip(mean_c * n_eff_c, 0.0, n_eff_c))
        lo_c, hi_c = wilson_interval(x_c, n_eff_c, level)
        _, lo, hi = newcombe_interval(float(yt.sum()), n_t, x_c, n_eff_c, level)
        pooled = (yt.sum() + x_c) / (n_t + n_eff_c)
        se_test = np.sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_eff_c))
        stat = diff / se_test if se_test > 0 else 0.0
    else:
        lo_t, hi_t = mean_t - z * np.sqrt(var_t / n_t), mean_t + z * np.sqrt(var_t / n_t)
        lo_c, hi_c = mean_c - z * np.sqrt(var_c / n_eff_c), mean_c + z * np.sqrt(var_c / n_eff_c)
        lo, hi = diff - z * se, diff + z * se
        stat = diff / se if se > 0 else (0.0 if diff == 0 else np.sign(diff) * np.inf)
    result.update({"treated low": float(lo_t), "treated high": float(hi_t), "comparison low": float(lo_c),
                   "comparison high": float(hi_c)})
    p_value = float(2 * stats.norm.sf(abs(stat)))
    result.update({
        "low": float(lo), "high": float(hi), "z": float(stat), "p value": p_value,
        "significant": bool(lo > 0 or hi < 0),
    })
    return result


# --------------------------------------------------------------------------------------------
# 5. Plain-English statements
# --------------------------------------------------------------------------------------------
def _num(x: float, dp: int) -> str:
    text = f"{x:,.{dp}f}"
    return "0" if float(text.replace(",", "")) == 0 else text


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def jdl_statement(effect: Mapping, *, measure: str, per_100: str | None = None, unit: str = "",
                  service: str = "the service", dp: int = 1, words: Sequence[str] = ("lower", "higher")) -> str:
    """The Justice Data Lab sentence for one effect (output of :func:`estimate_effect`).

    ``measure`` names the outcome ("one-year proven re-offending rate"); ``per_100`` (binary rate or
    a count per person) completes "For any 100 typical people in the comparison group, N ...",
    e.g. "committed a proven re-offence" or "proven re-offences were committed". ``unit`` follows
    a continuous difference (e.g. "days"). When the interval includes zero the sentence says there
    is no significant difference. ``words`` describe a negative and a positive difference in that
    interval (e.g. ("shorter", "longer") for a time). The two-sided test's p-value is quoted when
    ``effect`` has one.
    """
    p = effect.get("p value")
    lo, hi, kind = effect["low"], effect["high"], effect["kind"]
    scale, what = (100.0, " percentage points") if kind == "binary" else (1.0, f" {unit}" if unit else "")
    lo_s, hi_s = lo * scale, hi * scale
    if effect["significant"]:
        direction = "reduction" if hi < 0 else "increase"
        a, b = sorted([abs(lo_s), abs(hi_s)])
        text = (f"The analysis indicates that {service} led to a{'n' if direction == 'increase' else ''} {direction} "
                f"in the {measure} of between {_num(a, dp)} and {_num(b, dp)}{what} (95% confidence interval"
                + (f"; the difference is statistically significant, {_p_text(p)})." if p is not None else ")."))
    else:
        text = (f"The analysis shows no significant difference in the {measure}: the 95% confidence interval runs "
                f"from {_num(abs(lo_s), dp)}{what} {words[0] if lo_s < 0 else words[1]} to "
                f"{_num(abs(hi_s), dp)}{what} {words[1] if hi_s >= 0 else words[0]} for the treatment group"
                + (f" ({_p_text(p)}, not significant at the 5% level)" if p is not None else "")
                + f", so {service} may have had no effect on it.")
    if per_100 is not None:
        c, t = effect["comparison mean"] * 100, effect["treated mean"] * 100
        text += (f" For any 100 typical people in the comparison group, {_num(c, 0)} {per_100}; "
                 f"for any 100 typical people in the treatment group, {_num(t, 0)} {per_100}.")
    return text


def outcome_wording(outcome: str, outcome_text: Mapping[str, Sequence] | None = None) -> dict:
    """How a report words one outcome, as keyword arguments for :func:`jdl_statement`.

    ``outcome_text[outcome]`` is ``[measure, per_100, unit]`` or ``[measure, per_100, unit, lower, higher]``
    (the words for a negative and a positive difference); an outcome without an entry is named by its
    column ("the 'score' outcome"), with no "for any 100" sentence and no unit.
    """
    spec = list((outcome_text or {}).get(outcome, ()))
    if spec and len(spec) not in (3, 5):
        raise MatchingError(
            f"outcome_text for {outcome!r} must be [measure, 'for any 100' wording or None, unit] or those three "
            f"plus the words for a negative and a positive difference; got {spec!r}"
        )
    measure, per_100, unit = spec[:3] if spec else (f"'{outcome}' outcome", None, "")
    words = tuple(spec[3:5]) if len(spec) == 5 else ("lower", "higher")
    return {"measure": measure, "per_100": per_100, "unit": unit or "", "words": words}


def effects_display(effects: pd.DataFrame, labels: Mapping[str, str] | None = None, dp: int = 1) -> pd.DataFrame:
    """Effects as a reader's table: binary outcomes in % and percentage points, others as numbers.

    Columns: Outcome, People in each group (counts, for disclosure control), the two groups' values,
    Difference (treatment minus comparison), 95% confidence interval, p-value (two-sided test).
    """
    labels = labels or {}
    rows = []
    for e in effects.to_dict("records"):
        binary = e["kind"] == "binary"
        f = (lambda v: f"{100 * v:.{dp}f}%") if binary else (lambda v: f"{v:,.{dp + 1}f}")
        d = (lambda v: f"{100 * v:+.{dp}f} pp") if binary else (lambda v: f"{v:+,.{dp + 1}f}")
        rows.append({
            "Outcome": labels.get(e["outcome"], e["outcome"]),
            "People, treatment group": e["treated people"],
            "People, comparison group": e["comparison people"],
            "Treatment group": f(e["treated mean"]),
            "Comparison group": f(e["comparison mean"]),
            "Difference": d(e["difference"]),
            "95% confidence interval": (f"{100 * e['low']:+.{dp}f} to {100 * e['high']:+.{dp}f} pp" if binary
                                        else f"{d(e['low'])} to {d(e['high'])}"),
            "p-value": "<0.001" if e["p value"] < 0.001 else f"{e['p value']:.3f}",
        })
    return pd.DataFrame(rows)


def recovery_table(truth: float, matched: Mapping, unadjusted: Mapping) -> pd.DataFrame:
    """A known true effect on a binary outcome (synthetic data) next to the matched and unadjusted
    estimates (outputs of :func:`estimate_effect`), in percentage points, and whether each 95%
    interval contains it."""
    pp = lambda v: f"{100 * v:+.1f} pp"  # noqa: E731
    rows = [("True effect on the treated (known: set in the synthetic data)", pp(truth), "none: known exactly", "")]
    for name, e in (("Matched comparison (this report's estimate)", matched),
                    ("Unadjusted comparison (everyone treated against everyone untreated)", unadjusted)):
        rows.append((name, pp(e["difference"]), f"{100 * e['low']:+.1f} to {100 * e['high']:+.1f} pp",
                     "yes" if e["low"] <= truth <= e["high"] else "no"))
    return pd.DataFrame(rows, columns=["Comparison", "Difference in the rate", "95% confidence interval",
                                       "Interval contains the true effect?"])


def recovery_statement(truth: float, matched: Mapping, unadjusted: Mapping) -> str:
    """The known-effect check in words: does each 95% interval (rates, in percentage points) contain the truth?"""
    pp = lambda v: f"{100 * v:.1f} percentage points"  # noqa: E731
    inside = lambda e: e["low"] <= truth <= e["high"]  # noqa: E731
    text = (f"The synthetic cohort's true effect of the service on the treated is {pp(truth)}. The matched estimate is "
            f"{pp(matched['difference'])} (95% CI {100 * matched['low']:.1f} to {100 * matched['high']:.1f}), which "
            f"{'contains' if inside(matched) else 'does NOT contain'} the true effect. The unadjusted difference is "
            f"{pp(unadjusted['difference'])} (95% CI {100 * unadjusted['low']:.1f} to {100 * unadjusted['high']:.1f}), ")
    if inside(unadjusted):
        return text + ("whose interval also contains it at this sample size, though it is centred further from it "
                       if abs(unadjusted["difference"] - truth) > abs(matched["difference"] - truth) else
                       "whose interval also contains it ") + "(the service took people less likely to reoffend anyway)."
    return text + "which does not: it is biased by who the service took on."


def recovery_plot(truth: float, matched: Mapping, unadjusted: Mapping, *, measure: str, source: str | None = None):
    """Point-and-interval chart of the matched and unadjusted estimates against the known true effect."""
    from ..plotting import PALETTE, figure

    fig, ax = figure("Known true effect and the estimates (percentage points)",
                     f"Difference in the {measure}, treatment minus comparison (percentage points)", "Comparison",
                     source=source, figsize=(8.0, 3.2))
    est = [unadjusted, matched]
    y = np.arange(len(est))
    mid = np.array([100 * e["difference"] for e in est])
    lo = mid - np.array([100 * e["low"] for e in est])
    hi = np.array([100 * e["high"] for e in est]) - mid
    ax.errorbar(mid, y, xerr=[lo, hi], fmt="s", color=PALETTE[0], capsize=4, label="Estimate with 95% interval")
    ax.axvline(100 * truth, color=PALETTE[1], linewidth=2, label=f"True effect ({100 * truth:+.1f} pp)")
    ax.axvline(0, color="#555555", linestyle=":", linewidth=1, label="No difference")
    ax.set_yticks(y)
    ax.set_yticklabels(["Unadjusted comparison", "Matched comparison"])
    ax.set_ylim(-0.6, len(est) - 0.4)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=3, frameon=False)
    fig.tight_layout(rect=(0, 0.05 if source else 0, 1, 1))
    return fig, ax


# --------------------------------------------------------------------------------------------
# The whole comparison
# --------------------------------------------------------------------------------------------
@dataclass
class MatchedComparison:
    """Everything a matched-comparison report shows."""

    propensity: PropensityFit
    matching: MatchResult
    support: pd.DataFrame
    balance: pd.DataFrame
    effects: pd.DataFrame
    unadjusted: pd.DataFrame
    min_group_size: int
    warnings: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        """People in each stage: submitted, on common support, matched; controls used."""
        m = self.matching
        return pd.DataFrame(
            {
                "Stage": ["Treatment group submitted", "Treatment group matched", "Comparison pool",
                          "Comparison people used"],
                "People": [m.n_treated, m.n_matched_treated, int((~m.treated).sum()), m.n_controls_used],
            }
        )


def minimum_group_flag(min_group_size: int) -> str | None:
    """The sentence a report must show when the minimum treatment group is below the JDL's 60, else None."""
    if min_group_size >= JDL_MINIMUM_GROUP:
        return None
    return (f"The minimum treatment group was lowered from the Justice Data Lab's {JDL_MINIMUM_GROUP} to "
            f"{min_group_size} people; results for small groups are imprecise and less protected against disclosure.")


def matching_rules(caliper_sd: float | None, caliper: float | None, ratio: int, replace: bool, exact: Sequence[str],
                   labels: Mapping[str, str] | None = None) -> str:
    """The matching rules in one sentence, for a table note (``caliper`` on the logit scale, from :class:`MatchResult`)."""
    parts = [
        "no caliper" if caliper_sd is None else
        f"caliper {caliper_sd:g} standard deviations of the logit of the propensity score ({caliper:.3f} on the logit scale)",
        f"{ratio} comparison {'person' if ratio == 1 else 'people'} per treated person",
        f"a comparison person {'may' if replace else 'may not'} be used more than once",
        ("exact matching on " + ", ".join(covariate_label(c, labels) for c in exact)) if exact else "no exact matching",
    ]
    text = "; ".join(parts) + "."
    return text[:1].upper() + text[1:]


def _require_group(n: int, minimum: int, what: str) -> None:
    """Refuse a group below ``minimum``, saying which parameter lowers it."""
    if n < minimum:
        raise disclosure.GroupTooSmall(
            f"the {what} has {n} people, below the minimum of {minimum}"
            + (" (the Justice Data Lab's pilot minimum)" if minimum == JDL_MINIMUM_GROUP else "")
            + "; to analyse it anyway, lower the parameter min_group_size explicitly and the report will say so"
        )


def matched_comparison(
    df: pd.DataFrame,
    treatment: str,
    covariates: Sequence[str],
    outcomes: Sequence[str] | Mapping[str, str],
    *,
    among_observed: Sequence[str] = (),
    ratio: int = 1,
    replace: bool = False,
    caliper_sd: float | None = DEFAULT_CALIPER_SD,
    exact: Sequence[str] = (),
    min_group_size: int = JDL_MINIMUM_GROUP,
    seed: int | np.random.Generator = 0,
    smd_threshold: float = SMD_THRESHOLD,
    level: float = 0.95,
    labels: Mapping[str, str] | None = None,
) -> MatchedComparison:
    """Fit the propensity score, match, check balance and support, and estimate each outcome's effect.

    ``outcomes`` is a list of columns or a mapping column -> kind ("binary"/"continuous");
    columns in ``among_observed`` may be missing (e.g. days to first reoffence for non-reoffenders)
    and are analysed among people with a value. ``exact`` names columns to match exactly on.
    ``min_group_size`` (default 60, the JDL pilot minimum) applies to the submitted and matched
    treatment group; lowering it below 60 is allowed but recorded in ``flags`` for the report to state.
    ``labels`` names covariates in the warnings (see :func:`covariate_label`).
    """
    outcome_kinds = dict(outcomes) if isinstance(outcomes, Mapping) else {o: None for o in outcomes}
    if not outcome_kinds:
        raise MatchingError("no outcome column named")
    check_columns(df, treatment=treatment, covariates=covariates, outcomes=list(outcome_kinds), exact=exact)
    unknown = [c for c in among_observed if c not in outcome_kinds]
    if unknown:
        raise MatchingError(f"among_observed names {unknown}, which are not outcomes")
    if not (isinstance(min_group_size, (int, np.integer)) and min_group_size >= 1):
        raise MatchingError(f"min_group_size must be a whole number of at least 1, got {min_group_size!r}")
    flag = minimum_group_flag(min_group_size)
    flags = [flag] if flag else []
    treated = treatment_indicator(df, treatment)
    _require_group(int(treated.sum()), min_group_size, "treatment group")
    fit = fit_propensity(df, treatment, covariates)
    if not fit.converged:
        raise NoOverlapError(
            f"no overlap in propensity scores: the propensity model did not converge in {fit.iterations} iterations "
            f"because the covariates {list(covariates)} (almost) perfectly separate treated from untreated people"
        )
    support = common_support(fit.logit, treated)
    warnings = []
    strata = None
    if exact:
        strata = pd.MultiIndex.from_frame(df[list(exact)]).factorize()[0] if len(exact) > 1 else df[exact[0]].to_numpy()
    m = match(fit.logit, treated, ratio=ratio, replace=replace, caliper_sd=caliper_sd, strata=strata, rng=seed)
    if m.n_matched_treated == 0:
        raise NoOverlapError("no treated person has a comparison within the caliper; the groups do not overlap")
    _require_group(m.n_matched_treated, min_group_size, "matched treatment group")
    dropped = m.n_treated - m.n_matched_treated
    if dropped:
        warnings.append(
            f"{disclosure.safe_count(dropped)} of {m.n_treated:,} treated people had no comparison within the "
            "caliper and are excluded: the estimate is for the matched treated only."
        )
    balance = balance_table(df, covariates, m, fit.logit, smd_threshold)
    bad = balance.loc[balance["imbalanced after"], "covariate"].tolist()
    if bad:
        warnings.append(
            f"Characteristics still imbalanced after matching (absolute standardised mean difference above "
            f"{smd_threshold:g}, Table 4): {'; '.join(covariate_label(c, labels) for c in bad)}. The matched groups "
            "still differ on these, so the estimates may be biased; consider a narrower caliper or more comparison people."
        )
    effects = pd.DataFrame([
        estimate_effect(df, o, m, kind=k, among_observed=o in among_observed, level=level)
        for o, k in outcome_kinds.items()
    ])
    raw = unmatched(treated)
    unadjusted = pd.DataFrame([
        estimate_effect(df, o, raw, kind=k, among_observed=o in among_observed, level=level)
        for o, k in outcome_kinds.items()
    ])
    return MatchedComparison(fit, m, support, balance, effects, unadjusted, int(min_group_size), warnings, flags)
