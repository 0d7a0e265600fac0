"""Schema validation for loaded tables, with errors that name the file, column, row and rule.

A schema is a plain dict (it lives in the dataset's catalog entry)::

    columns:
      region:  {type: str, allowed: [North, South]}
      people:  {type: int, min: 0}
      share:   {type: float, min: 0, max: 1, nullable: true}
      started: {type: date}
    unique: [region]            # columns that together identify a row

Columns are required unless marked ``required: false``; values may not be
missing unless ``nullable: true``. Extra columns are allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

_TYPES = {"int", "float", "str", "bool", "date"}


@dataclass
class ValidationError(ValueError):
    """A value broke a schema rule. ``row`` is the 1-based data row (the header is not counted)."""

    file: str
    column: str | None
    row: int | None
    rule: str
    detail: str = ""

    def __str__(self) -> str:
        where = [f"file {self.file}"]
        if self.column is not None:
            where.append(f"column '{self.column}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        msg = ", ".join(where) + f": breaks rule '{self.rule}'"
        return msg + (f" ({self.detail})" if self.detail else "")


def validate(df: pd.DataFrame, schema: dict, file: str = "<table>") -> pd.DataFrame:
    """Check ``df`` against ``schema``; return a copy with columns coerced to their declared types.

    Raises :class:`ValidationError` at the first broken rule, naming where it broke.
    """
    if schema is None:
        return df.copy()
    unknown = set(schema) - {"columns", "unique"}
    if unknown:
        raise ValueError(f"schema for {file} has unknown keys: {sorted(unknown)}")
    out = df.copy()
    for column, spec in (schema.get("columns") or {}).items():
        spec = spec or {}
        if column not in out.columns:
            if spec.get("required", True):
                raise ValidationError(file, column, None, "required column", f"present columns: {list(out.columns)}")
            continue
        out[column] = _check_column(out[column], column, spec, file)
    unique = schema.get("unique")
    if unique:
        missing = [c for c in unique if c not in out.columns]
        if missing:
            raise ValidationError(file, missing[0], None, "required column", "named in the unique key")
        dup = out.duplicated(subset=unique, keep="first")
        if dup.any():
            pos = int(np.flatnonzero(dup.to_numpy())[0])
            key = ", ".join(f"{c}={out.iloc[pos][c]!r}" for c in unique)
            raise ValidationError(file, "+".join(unique), pos + 1, "unique key", f"duplicate of an earlier row: {key}")
    return out


def _first_bad(mask: np.ndarray | pd.Series) -> int:
    return int(np.flatnonzero(np.asarray(mask))[0]) + 1


def _check_column(series: pd.Series, column: str, spec: dict, file: str) -> pd.Series:
    kind = spec.get("type", "str")
    if kind not in _TYPES:
        raise ValueError(f"schema for {file}: column {column!r} has unknown type {kind!r}")
    missing = series.isna().to_numpy()
    if series.dtype == object or pd.api.types.is_string_dtype(series):
        missing = missing | (series.astype("string").str.strip() == "").fillna(False).to_numpy()
        series = series.where(~missing, None)
    if missing.any() and not spec.get("nullable", False):
        raise ValidationError(file, column, _first_bad(missing), "no missing values")

    present = ~missing
    if kind in ("int", "float"):
        values = pd.to_numeric(series, errors="coerce")
        bad = present & values.isna().to_numpy()
        if bad.any():
            raise ValidationError(file, column, _first_bad(bad), f"type {kind}", f"got {series.iloc[_first_bad(bad) - 1]!r}")
        if kind == "int":
            frac = present & (values.fillna(0) % 1 != 0).to_numpy()
            if frac.any():
                raise ValidationError(file, column, _first_bad(frac), "type int", f"got {series.iloc[_first_bad(frac) - 1]!r}")
            values = values.astype("Int64") if missing.any() else values.astype("int64")
        else:
            values = values.astype(float)
        _check_range(values, present, column, spec, file)
        result = values
    elif kind == "bool":
        mapping = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
        text = series.astype("string").str.strip().str.lower()
        values = text.map(mapping)
        bad = present & values.isna().to_numpy()
        if bad.any():
            raise ValidationError(file, column, _first_bad(bad), "type bool", f"got {series.iloc[_first_bad(bad) - 1]!r}")
        result = values.astype("boolean")
    elif kind == "date":
        values = pd.to_datetime(series, errors="coerce")
        bad = present & values.isna().to_numpy()
        if bad.any():
            raise ValidationError(file, column, _first_bad(bad), "type date", f"got {series.iloc[_first_bad(bad) - 1]!r}")
        _check_range(values, present, column, spec, file)
        result = values
    else:
        result = series.where(~missing, None).astype(object)
    allowed = spec.get("allowed")
    if allowed is not None:
        bad = present & ~result.astype("string").isin([str(a) for a in allowed]).fillna(False).to_numpy()
        if bad.any():
            raise ValidationError(
                file, column, _first_bad(bad), "allowed values", f"got {series.iloc[_first_bad(bad) - 1]!r}, allowed {allowed}"
            )
    return result


def _check_range(values: pd.Series, present: np.ndarray, column: str, spec: dict, file: str) -> None:
    for bound, op, rule in (("min", np.less, ">="), ("max", np.greater, "<=")):
        if bound in spec:
            limit = spec[bound]
            if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(values):
                limit = pd.Timestamp(limit)
            bad = present & op(values, limit).fillna(False).to_numpy(dtype=bool)
            if bad.any():
                row = _first_bad(bad)
                raise ValidationError(file, column, row, f"value {rule} {spec[bound]}", f"got {values.iloc[row - 1]}")
