"""Statistical disclosure control: small counts are never shown.

Primary suppression hides counts from 1 to ``threshold - 1``; secondary
suppression then hides the next-smallest count in any row or column where a
shown total would let a reader subtract their way back to a hidden cell.
Rates or shares computed from a hidden count are hidden with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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
) -> pd.DataFrame:
    """Boolean frame (same shape as ``df``) marking every cell to hide.

    ``counts`` are the count columns. ``row_total`` names a column holding each
    row's total of the count columns; ``total_row_label`` marks (in
    ``label_column``, or the index) a row holding column totals. Secondary
    suppression protects a hidden cell whenever its line shows a total.
    ``linked`` maps a count column to derived columns (rates, shares) hidden with it.
    """
    counts = [c for c in counts]
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
    body = ~is_total_row
    values = df[counts].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)

    changed = True
    while changed:
        changed = False
        if row_total:
            for i in np.flatnonzero(~mask[row_total].to_numpy()):
                row = mask.loc[mask.index[i], counts].to_numpy()
                if row.sum() == 1:
                    changed |= _hide_next_smallest(mask, values, i, counts, axis="row")
        if is_total_row.any():
            total_idx = np.flatnonzero(is_total_row)[0]
            for j, c in enumerate(counts):
                if mask[c].iloc[total_idx]:
                    continue
                col = mask[c].to_numpy() & body
                if col.sum() == 1:
                    changed |= _hide_next_smallest(mask, values, j, counts, axis="col", rows=np.flatnonzero(body))
    for source, derived in (linked or {}).items():
        for d in derived:
            mask[d] = mask[d] | mask[source]
    return mask


def _hide_next_smallest(mask, values, k, counts, axis, rows=None) -> bool:
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
