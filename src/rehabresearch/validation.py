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

This is the project's one table-validation layer (vectorised over whole columns; messages name file,
column, data row counted from 1 after the header, and rule). The YAML files the project reads
(contracts, policies, catalog entries, and the schemas above) are checked by pydantic models built on
:class:`YamlModel`, which forbids unknown fields; :func:`check_model` turns pydantic's report into the
same kind of message, naming the file and the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pydantic

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
    check_model(TableSchema, schema, lambda field, message: ValueError(f"schema for {file}: {field}: {message}"),
                where="schema")
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


def _arrow_text(series: pd.Series):
    """The column as an Arrow text array when every cell is text or missing (else None)."""
    if series.dtype != object and not pd.api.types.is_string_dtype(series):
        return None
    try:
        return pa.array(series.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def _arrow_number(text, missing: np.ndarray, kind: str, index) -> pd.Series | None:
    """Trimmed text parsed as numbers in Arrow (missing cells NaN); None if any present cell is not plain."""
    try:
        parsed = pc.cast(pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), text),
                         pa.int64() if kind == "int" else pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return pd.Series(parsed.to_numpy(zero_copy_only=False), index=index)


def _first_bad(mask: np.ndarray | pd.Series) -> int:
    return int(np.flatnonzero(np.asarray(mask))[0]) + 1


def _check_column(series: pd.Series, column: str, spec: dict, file: str) -> pd.Series:
    kind = spec.get("type", "str")
    if kind not in _TYPES:
        raise ValueError(f"schema for {file}: column {column!r} has unknown type {kind!r}")
    missing = series.isna().to_numpy()
    text = _arrow_text(series)
    if text is not None:  # vectorised in Arrow: blank or whitespace-only text is missing
        text = pc.utf8_trim_whitespace(text)
        missing = pc.fill_null(pc.equal(text, ""), True).to_numpy(zero_copy_only=False)
        series = series.where(~missing, None)
    elif series.dtype == object or pd.api.types.is_string_dtype(series):
        missing = missing | (series.astype("string").str.strip() == "").fillna(False).to_numpy()
        series = series.where(~missing, None)
    if missing.any() and not spec.get("nullable", False):
        raise ValidationError(file, column, _first_bad(missing), "no missing values")

    present = ~missing
    if kind in ("int", "float"):
        values = _arrow_number(text, missing, kind, series.index) if text is not None else None
        if values is None:  # mixed cells, or some text Arrow does not read as a number: pandas finds the bad row
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


# -- YAML files: pydantic models with extra fields forbidden ----------------------------------------------


_NUMERIC_TEXT = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def yaml_number(value: Any) -> Any:
    """A number written in e-notation without a dot (``4e6``) or with one (``4.2e6``) that YAML 1.1 read as
    text, as the number it means; any other value unchanged (so the caller's own check reports it)."""
    if isinstance(value, str) and _NUMERIC_TEXT.match(value.strip().replace("_", "")):
        number = float(value.strip().replace("_", ""))
        return int(number) if number.is_integer() and not re.search(r"[.eE]", value) else number
    return value


#: Text that must not be blank (a blank required field reads as missing).
Text = Annotated[str, pydantic.StringConstraints(strip_whitespace=False, min_length=1)]


class YamlModel(pydantic.BaseModel):
    """Base of every model of a YAML file the project reads (contracts, policies, catalog entries): a field
    the model does not declare is an error, so a misspelt key is never silently ignored."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


def field_path(loc: tuple, index_base: int = 1) -> str:
    """A pydantic error location as the house writes a field: ('staff', 0, 'salary') -> 'staff[1].salary'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + index_base}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def check_model(model: type[YamlModel], data: Any, fail: Callable[[str, str], Exception], *,
                index_base: int = 1, where: str = "(top level)",
                unknown: Callable[[str, list[str], list[str]], tuple[str, str]] | None = None) -> YamlModel:
    """Validate ``data`` against ``model``; on the first problem call ``fail(field, message)`` (which raises).

    Every unknown key at one place is named together. ``unknown(parent, keys, allowed)`` may reword that
    message as ``(field, message)``; by default the field is the parent and the message lists the keys.
    """
    if not isinstance(data, Mapping):
        raise fail(where, f"must be a mapping of fields, got {type(data).__name__}")
    try:
        return model.model_validate(dict(data))
    except pydantic.ValidationError as exc:
        errors = exc.errors()
        extra = [e for e in errors if e["type"] == "extra_forbidden"]
        if extra:
            parent_loc = extra[0]["loc"][:-1]
            keys = sorted(str(e["loc"][-1]) for e in extra if e["loc"][:-1] == parent_loc)
            parent = field_path(parent_loc, index_base) or where
            allowed = sorted(_fields_at(model, parent_loc))
            field, message = (unknown(parent, keys, allowed) if unknown
                              else (parent, f"unknown field(s) {keys}; allowed: {allowed}"))
            raise fail(field, message) from None
        first = errors[0]
        field = field_path(first["loc"], index_base) or where
        if first["type"] == "missing":
            raise fail(field, "is required") from None
        if first["type"] in ("string_too_short", "too_short") and not first.get("input"):
            raise fail(field, "is empty") from None
        if first["type"] == "value_error":  # a model's own rule: its message is already in the house style
            raise fail(field, first["msg"].removeprefix("Value error, ")) from None
        message = re.sub(r" or instance of \w+", "", first["msg"]).rstrip(".")
        raise fail(field, f"{message}, got {first.get('input')!r}") from None


def _fields_at(model: type[pydantic.BaseModel], loc: tuple) -> set[str]:
    """The declared field names of the (sub)model at ``loc`` (names of the top model when it cannot be followed)."""
    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        by_alias = {(i.alias or n): i for n, i in current.model_fields.items()}
        info = by_alias.get(str(part))
        if info is None:
            if current is not model:
                continue  # a key of a mapping of submodels (a column name): stay on the submodel
            break
        inner = _model_in(info.annotation)
        if inner is None:
            break
        current = inner
    return {info.alias or name for name, info in current.model_fields.items()}


class ColumnRule(YamlModel):
    """How one column of a table must look (see the module docstring)."""

    type: str = "str"
    min: Any = None
    max: Any = None
    allowed: list[Any] | None = None
    nullable: bool = False
    required: bool = True

    @pydantic.field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in _TYPES:
            raise ValueError(f"unknown type {value!r}; allowed: {sorted(_TYPES)}")
        return value


class TableSchema(YamlModel):
    """A table's schema as declared in a catalog entry or a module: its columns and unique key."""

    columns: dict[str, ColumnRule | None] = {}
    unique: list[str] | None = None


def _model_in(annotation) -> type[pydantic.BaseModel] | None:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
