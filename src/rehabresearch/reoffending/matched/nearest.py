"""Nearest-neighbour matching on the logit of the propensity score (see the package docstring for
the algorithm)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .inputs import MatchingError

#: Default caliper in standard deviations of the logit of the propensity score (Austin 2011).
DEFAULT_CALIPER_SD = 0.2


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
