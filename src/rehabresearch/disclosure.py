"""Statistical disclosure control: small counts, and every figure that would reveal them, are never shown.

The rule is written out in ``docs/disclosure.md``. In short: primary suppression
hides counts from 1 to ``threshold - 1``; in any line (row or column) whose
total a reader can work out -- a total shown in the same table, or the same
column's total shown by another table on the page -- the hidden cells must be
at least two and must include a count at or above the threshold, so neither a
single hidden cell nor the sum of several small ones can be subtracted back.
Rates, shares and means computed from a hidden count are hidden with it
(``linked``). :class:`PageTotals` remembers which column totals a page has
already revealed so later tables are protected against them, and tells a
later table to keep a total hidden when an earlier table relied on it.

A threshold below :data:`DEFAULT_THRESHOLD` on real individual-level data needs
an explicit ``allow_low_threshold``; :func:`check_threshold` enforces that and
:func:`threshold_record` says who asked for what.
"""

from __future__ import annotations

import getpass
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 10
#: The marker shown in place of a suppressed value (the ONS convention for "confidential").
SUPPRESSED = "[c]"

#: Column names treated as direct identifiers and dropped at load.
DIRECT_IDENTIFIERS = (
    "name", "first", "last", "first_name", "last_name", "surname", "forename", "full_name",
    "dob", "date_of_birth", "case_number", "c_case_number", "r_case_number", "vr_case_number",
    "crn", "pnc", "pnc_number", "noms_number", "nomis_id", "address", "postcode",
)


class GroupTooSmall(ValueError):
    """A group is below the minimum size allowed for analysis."""


class ThresholdRefused(ValueError):
    """A disclosure threshold below the default was asked for on real individual-level data without permission."""


def drop_identifiers(df: pd.DataFrame, extra: Iterable[str] = ()) -> pd.DataFrame:
    """Drop direct identifiers (names, dates of birth, case numbers) and any ``extra`` columns."""
    names = {c.lower() for c in DIRECT_IDENTIFIERS} | {c.lower() for c in extra}
    return df.drop(columns=[c for c in df.columns if str(c).lower() in names])


def is_small(n, threshold: int = DEFAULT_THRESHOLD, suppress_zero: bool = False) -> np.ndarray:
    """True where a count is disclosive: below ``threshold`` (zero only if ``suppress_zero``)."""
    values = np.asarray(pd.to_numeric(pd.Series(np.ravel(n)), errors="coerce"), dtype=float)
    low = 0 if suppress_zero else 1
    return (values >= low) & (values < threshold)


def suppression_mask(
    df: pd.DataFrame,
    counts: Iterable[str],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    row_total: str | None = None,
    total_row_label: object | None = None,
    label_column: str | None = None,
    linked: Mapping[str, Iterable[str]] | None = None,
    suppress_zero: bool = False,
    known_totals: Iterable[str] = (),
    keep_totals_hidden: Iterable[str] = (),
) -> pd.DataFrame:
    """Boolean frame (same shape as ``df``) marking every cell to hide.

    ``counts`` are the count columns. ``row_total`` names a column holding each
    row's total of the count columns; ``total_row_label`` marks (in
    ``label_column``, or the index) a row holding column totals.
    ``known_totals`` are count columns whose total a reader can work out from
    elsewhere (another table, a sentence); ``keep_totals_hidden`` are count
    columns whose total must not become derivable from this table (an earlier
    table's hidden cells rely on it). Secondary suppression then makes every line
    with a known total hide either nothing, or at least two cells including one
    at or above the threshold. ``linked`` maps a count column to derived columns
    (rates, shares, means) hidden with it.
    """
    counts = [c for c in counts]
    known_totals = [c for c in known_totals if c in counts]
    keep_totals_hidden = [c for c in keep_totals_hidden if c in counts]
    missing = [c for c in counts + ([row_total] if row_total else []) if c not in df.columns]
    if missing:
        raise KeyError(f"suppression: no column(s) {missing} in table with columns {list(df.columns)}")
    if threshold < 1:
        raise ValueError("disclosure threshold must be at least 1")
    mask = pd.DataFrame(False, index=df.index, columns=df.columns)
    for c in counts + ([row_total] if row_total else []):
        mask[c] = is_small(df[c], threshold, suppress_zero)

    if total_row_label is not None:
        labels = df[label_column] if label_column else pd.Series(df.index, index=df.index)
        is_total_row = (labels == total_row_label).to_numpy()
    else:
        is_total_row = np.zeros(len(df), dtype=bool)
    body = np.flatnonzero(~is_total_row)
    total_idx = int(np.flatnonzero(is_total_row)[0]) if is_total_row.any() else None
    values = df[counts].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    cols = {c: mask.columns.get_loc(c) for c in counts}
    small = is_small(values, threshold, suppress_zero).reshape(values.shape) if values.size else np.zeros(values.shape, bool)

    for c in keep_totals_hidden:  # an earlier table relies on this column's total staying unknown
        if total_idx is not None:
            mask.iloc[total_idx, cols[c]] = True
        j = counts.index(c)
        if not mask[c].to_numpy()[body].any():
            _hide_next_smallest(mask, values, j, counts, axis="col", rows=body)

    def exposed(hidden: np.ndarray, smallness: np.ndarray) -> bool:
        """A line with a known total leaks if it hides exactly one cell, or only small ones."""
        return hidden.any() and (hidden.sum() == 1 or not (hidden & ~smallness).any())

    changed = True
    while changed:
        changed = False
        if row_total:
            for i in np.flatnonzero(~mask[row_total].to_numpy()):
                hidden = mask.iloc[i, [cols[c] for c in counts]].to_numpy(dtype=bool)
                if exposed(hidden, small[i]):
                    changed |= _hide_next_smallest(mask, values, i, counts, axis="row")
        for j, c in enumerate(counts):
            total_shown = total_idx is not None and not mask[c].iloc[total_idx]
            if not (total_shown or c in known_totals):
                continue
            hidden = mask[c].to_numpy()[body]
            if exposed(hidden, small[body, j]):
                changed |= _hide_next_smallest(mask, values, j, counts, axis="col", rows=body)
    for source, derived in (linked or {}).items():
        for d in derived:
            mask[d] = mask[d] | mask[source]
    return mask


def _hide_next_smallest(mask, values, k, counts, axis, rows=None) -> bool:
    """Hide the smallest still-shown count of row ``k`` (or of column ``k`` over ``rows``); False if none is left."""
    if axis == "row":
        candidates = [(values[k, j], j) for j, c in enumerate(counts) if not mask[c].iloc[k] and not np.isnan(values[k, j])]
        if not candidates:
            return False
        _, j = min(candidates)
        mask.iloc[k, mask.columns.get_loc(counts[j])] = True
        return True
    c = counts[k]
    candidates = [(values[i, k], i) for i in rows if not mask[c].iloc[i] and not np.isnan(values[i, k])]
    if not candidates:
        return False
    _, i = min(candidates)
    mask.iloc[i, mask.columns.get_loc(c)] = True
    return True


@dataclass
class PageTotals:
    """The column totals a page has revealed so far, so every later table is protected against them.

    Two tables that count the same people (the same count column with the same
    total) let a reader subtract one from the other: a table with hidden cells
    must treat a total another table shows as known, and a table that would show
    a total an earlier table relied on keeping unknown must hide a cell instead.
    """

    shown: dict[str, set[float]] = field(default_factory=dict)
    relied_on: dict[str, set[float]] = field(default_factory=dict)

    @staticmethod
    def column_totals(df: pd.DataFrame, counts: Iterable[str], body: np.ndarray | None = None) -> dict[str, float]:
        out = {}
        for c in counts:
            v = pd.to_numeric(df[c], errors="coerce")
            if body is not None:
                v = v.iloc[body]
            if v.notna().any():
                out[c] = float(v.sum())
        return out

    def plan(self, totals: Mapping[str, float]) -> tuple[list[str], list[str]]:
        """(columns whose total is already known, columns whose total an earlier table relies on)."""
        known = [c for c, t in totals.items() if t in self.shown.get(c, set())]
        keep = [c for c, t in totals.items() if t in self.relied_on.get(c, set()) and c not in known]
        return known, keep

    def record(self, totals: Mapping[str, float], mask: pd.DataFrame, body: np.ndarray, known: Iterable[str],
               total_row: int | None = None) -> None:
        """Remember what one rendered table revealed (``body`` = positions of its non-total rows)."""
        for c, t in totals.items():
            hidden = mask[c].to_numpy()[body].any()
            total_shown = total_row is not None and not mask[c].iloc[total_row]
            if total_shown or not hidden:
                self.shown.setdefault(c, set()).add(t)
            elif c not in known:
                self.relied_on.setdefault(c, set()).add(t)


def check_threshold(threshold: int, individual_level: Iterable[str], allow_low_threshold: bool = False) -> None:
    """Refuse a threshold below the default on real individual-level data unless explicitly allowed."""
    if threshold < 1:
        raise ValueError("disclosure threshold must be at least 1")
    names = sorted(individual_level)
    if threshold < DEFAULT_THRESHOLD and names and not allow_low_threshold:
        raise ThresholdRefused(
            f"disclosure threshold {threshold} is below the default {DEFAULT_THRESHOLD} and this report uses real "
            f"individual-level data ({', '.join(names)}); counts below {DEFAULT_THRESHOLD} could identify people. "
            f"Use the default, or confirm with the extra parameter allow_low_threshold true "
            f"(the run record then names who asked for the lower threshold)."
        )


def threshold_record(threshold: int, individual_level: Iterable[str], allow_low_threshold: bool = False) -> dict:
    """What a run record keeps about its disclosure threshold: the value, the default, and who lowered it."""
    record = {"threshold": int(threshold), "default": DEFAULT_THRESHOLD, "lowered": threshold < DEFAULT_THRESHOLD,
              "individual_level_data": sorted(individual_level)}
    if threshold < DEFAULT_THRESHOLD:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        record["requested_by"] = {"user": user, "host": socket.gethostname(),
                                  "at": datetime.now(UTC).isoformat(timespec="seconds"),
                                  "allow_low_threshold": bool(allow_low_threshold)}
    return record


def threshold_notice(threshold: int, individual_level: Iterable[str] = ()) -> str | None:
    """The sentence a page must show at its top when its threshold is below the default (else None)."""
    if threshold >= DEFAULT_THRESHOLD:
        return None
    data = " on real individual-level data" if list(individual_level) else ""
    return (f"Disclosure threshold lowered to {threshold} (default {DEFAULT_THRESHOLD}){data}: counts from {threshold} "
            f"upwards are shown, so this page shows counts that a default run would suppress. Do not publish it "
            f"without a disclosure review.")


def apply_mask(df: pd.DataFrame, mask: pd.DataFrame, marker: str = SUPPRESSED) -> pd.DataFrame:
    """A copy of ``df`` (object dtype) with every masked cell replaced by ``marker``."""
    out = df.astype(object).copy()
    out[mask.to_numpy()] = marker
    return out


def safe_count(n, threshold: int = DEFAULT_THRESHOLD, *, suppress_zero: bool = False) -> str:
    """A count for a sentence: 'fewer than 10' when it is disclosive, else the number with thousands separators."""
    if n is None or (isinstance(n, float) and np.isnan(n)):
        raise ValueError("safe_count: count is missing")
    if is_small(n, threshold, suppress_zero)[0]:
        return f"fewer than {threshold}"
    return f"{int(round(float(n))):,}"
