"""Inputs of a matched comparison: loading the data, checking columns, the treatment indicator and
numeric covariates, with errors that name the column, the data row (counting from 1 after the header)
and the rule broken."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

#: Minimum treatment group the Justice Data Lab pilot would analyse (Ministry of Justice 2013, Justice
#: Data Lab user journey: information on at least 60 people).
JDL_MINIMUM_GROUP = 60


class MatchingError(ValueError):
    """The data cannot support a matched comparison (bad columns, no overlap, nothing matched)."""


class NoOverlapError(MatchingError):
    """Treated and comparison propensity scores do not overlap, so no fair comparison exists."""


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
    from ... import catalog

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


#: What to do with exact duplicate rows: refuse the data, drop the copies, or keep them (distinct people).
DUPLICATE_OPTIONS = ("refuse", "drop", "keep")


def duplicate_rows(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row positions of every row that repeats an earlier row exactly, and of the earlier row it repeats."""
    none = np.array([], dtype=np.int64)
    # A 64-bit hash of each row finds the candidates quickly; the exact comparison runs on those only.
    key = pd.util.hash_pandas_object(df, index=False).to_numpy()
    candidates = np.flatnonzero(pd.Series(key).duplicated(keep=False).to_numpy())
    if not len(candidates):
        return none, none
    sub = df.iloc[candidates]
    dup = sub.duplicated(keep="first").to_numpy()
    if not dup.any():
        return none, none
    first_pos = pd.Series(candidates).groupby(key[candidates]).transform("min").to_numpy()
    return candidates[dup], first_pos[dup]


def handle_duplicates(df: pd.DataFrame, duplicates: str = "refuse") -> tuple[pd.DataFrame, int]:
    """Apply the duplicate-rows rule; returns the data to analyse and the number of rows dropped.

    ``"refuse"`` (default) raises :class:`MatchingError` naming the first repeated rows (data rows
    counted from 1 after the header): a copied row counts a person twice and narrows every interval.
    ``"drop"`` keeps the first of each set of identical rows; ``"keep"`` analyses them all (for data
    without an identifier column, where different people can share every value).
    """
    if duplicates not in DUPLICATE_OPTIONS:
        raise MatchingError(f"duplicates must be one of {DUPLICATE_OPTIONS}, got {duplicates!r}")
    if duplicates == "keep":
        return df, 0
    rows, originals = duplicate_rows(df)
    if not len(rows):
        return df, 0
    if duplicates == "drop":
        out = df.drop(index=df.index[rows]).reset_index(drop=True)
        out.attrs = dict(df.attrs)
        return out, len(rows)
    shown = "; ".join(f"data row {r + 1} repeats data row {o + 1}" for r, o in zip(rows[:3], originals[:3]))
    raise MatchingError(
        f"the data has {len(rows):,} exact duplicate row(s) ({shown}{'; ...' if len(rows) > 3 else ''}; rows counted "
        "from 1, header not counted). A copied row counts a person twice and makes the intervals too narrow. If "
        "they are copies, set the parameter duplicates to 'drop' (the report says how many were dropped); if they "
        "are different people who share every value (data without an identifier column), set it to 'keep'"
    )
