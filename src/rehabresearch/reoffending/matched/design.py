"""Covariates as users hold them: the design matrix of the propensity model.

``covariates`` is either a list of columns or a formula in the notation of statsmodels (its default
formula library, patsy), e.g. ``"age + I(age**2) + C(ethnicity) + prior_offences * custody"``:

- numeric columns enter as they are; text (string) and pandas category columns become indicators, one
  per level except a **reference level** (the first level in sorted order, as statsmodels does, unless a
  formula says otherwise with ``C(x, Treatment("level"))``); the reference level is recorded for the
  report, and the balance rows show **every** level, the reference included;
- missing covariate values are **refused** by default (the count per column and the first rows named,
  counting data rows from 1 after the header); ``missing="indicator"`` instead fills a numeric gap with
  a constant (the column's observed mean) and adds an indicator "value missing" to the model and the
  balance table, and gives a text column's gaps their own level "(missing)";
- a categorical covariate with a single level, a formula naming a column the data does not have, and
  a formula without an intercept are refused with a message naming them.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .inputs import MatchingError

#: How many data rows an error message lists.
ROWS_SHOWN = 5
#: The level given to a missing text value under ``missing="indicator"``.
MISSING_LEVEL = "(missing)"
MISSING_OPTIONS = ("refuse", "indicator")


@dataclass(frozen=True)
class Design:
    """The propensity model's covariates as numbers.

    ``names``/``matrix``: the design columns (no intercept) the model is fitted on. ``balance_names``/
    ``balance_matrix``: the columns the balance table shows (the design columns, with every level of
    each categorical covariate, reference included, and the missingness indicators). ``labels`` gives a
    reader's name for each design and balance column; ``references`` the reference level of each
    categorical covariate; ``filled`` the number of missing values filled per column (with
    ``missing="indicator"``); ``variables`` the data columns used.
    """

    names: tuple[str, ...]
    matrix: np.ndarray
    balance_names: tuple[str, ...]
    balance_matrix: np.ndarray
    labels: dict[str, str] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)
    filled: dict[str, int] = field(default_factory=dict)
    variables: tuple[str, ...] = ()
    formula: str | None = None
    fill_values: dict[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Column types and gaps
# --------------------------------------------------------------------------------------------
def _is_categorical(series: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype))


def infer_types(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """A copy of ``df`` with each of ``columns`` read as numbers when it holds numbers (a CSV is read as
    text), and left as text (a categorical covariate) otherwise. A column that is mostly numbers but has
    some other text is refused, naming the first such row: it is a typo, not a category."""
    out = None
    for c in dict.fromkeys(columns):
        s = df[c]
        if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
            continue
        if out is None:
            out = df.copy()  # only when a column changes
        # Work on the distinct values only (a category column has few), then map back by code.
        codes, uniques = pd.factorize(s, sort=False)
        text = pd.Series(uniques, dtype="string").str.strip()
        text = text.mask(text == "")
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        is_text = text.notna().to_numpy()
        counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
        present, numbers = counts[is_text].sum(), counts[is_text & ~np.isnan(values)].sum()
        if present and numbers == present:
            out[c] = np.where(codes >= 0, values[np.maximum(codes, 0)], np.nan)
        elif numbers > present / 2:
            bad = np.flatnonzero(is_text & np.isnan(values))
            row = int(np.flatnonzero(np.isin(codes, bad))[0])
            raise MatchingError(
                f"column {c!r} holds numbers except in data row {row + 1} (counting from 1, header not counted), "
                f"which holds {s.iloc[row]!r}; correct it or leave the cell empty"
            )
        else:
            levels = text.astype(object).where(text.notna(), np.nan).to_numpy()
            out[c] = pd.Series(np.where(codes >= 0, levels[np.maximum(codes, 0)], np.nan), index=s.index, dtype=object)
    return df if out is None else out


def _missing_mask(series: pd.Series) -> np.ndarray:
    mask = series.isna().to_numpy()
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        mask |= ~np.isfinite(values)
    return mask


def missing_summary(df: pd.DataFrame, columns: Sequence[str]) -> dict[str, np.ndarray]:
    """Row positions of missing (or infinite) values in each of ``columns`` that has any."""
    return {c: np.flatnonzero(m) for c in dict.fromkeys(columns) if (m := _missing_mask(df[c])).any()}


def _rows_text(rows: np.ndarray) -> str:
    """'data row 6' or 'data rows 6, 9, ...' (positions counted from 1)."""
    shown = ", ".join(str(int(r) + 1) for r in rows[:ROWS_SHOWN])
    return ("data row " if len(rows) == 1 else "data rows ") + shown + (", ..." if len(rows) > ROWS_SHOWN else "")


def refuse_missing(missing: Mapping[str, np.ndarray], what: str = "covariate") -> None:
    """Raise :class:`MatchingError` listing, per column, how many values are missing and the first rows."""
    if not missing:
        return
    parts = [f"{c!r}: {len(rows):,} missing ({_rows_text(rows)})" for c, rows in missing.items()]
    advice = ("Fill them, drop those people, or set the parameter missing to 'indicator' to add an indicator for each "
              "gap (the report then says so and shows balance on the indicators)" if what == "covariate" else
              "Fill them or drop those people")
    raise MatchingError(
        f"{what} values are missing — {'; '.join(parts)} (rows counted from 1, header not counted). {advice}"
    )


# --------------------------------------------------------------------------------------------
# Formulas
# --------------------------------------------------------------------------------------------
_FORMULA_NAMES = {"np", "numpy", "log", "exp", "sqrt", "abs"}


def _formula_env():
    import patsy

    return patsy.EvalEnvironment([{"np": np, "numpy": np, "log": np.log, "exp": np.exp, "sqrt": np.sqrt}])


def formula_variables(formula: str, columns: Sequence[str]) -> list[str]:
    """The data columns a formula uses, in order of appearance; refuses names that are not columns."""
    import patsy
    import patsy.builtins

    try:
        desc = patsy.ModelDesc.from_formula(formula)
    except patsy.PatsyError as exc:
        raise MatchingError(f"the propensity formula {formula!r} cannot be read: {exc.message}") from None
    if desc.lhs_termlist:
        raise MatchingError(
            f"the propensity formula {formula!r} has a left-hand side; give only the right-hand side (the "
            "treatment column is named separately)"
        )
    known = set(patsy.builtins.__all__) | _FORMULA_NAMES | set(dir(builtins))
    cols = set(map(str, columns))
    used, unknown = [], []
    for term in desc.rhs_termlist:
        for factor in term.factors:
            tree = ast.parse(factor.code, mode="eval")
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Q":
                    if node.args and isinstance(node.args[0], ast.Constant):
                        name = str(node.args[0].value)
                        (used if name in cols else unknown).append(name)
                elif isinstance(node, ast.Name) and node.id not in known:
                    (used if node.id in cols else unknown).append(node.id)
    if unknown:
        raise MatchingError(
            f"the propensity formula {formula!r} names {', '.join(repr(u) for u in dict.fromkeys(unknown))}, "
            f"which {'is not a column' if len(set(unknown)) == 1 else 'are not columns'} of the data; its columns "
            f"are: {', '.join(map(str, columns))}"
        )
    return list(dict.fromkeys(used))


# --------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------
def _words(column: str, labels: Mapping[str, str]) -> str:
    if column in labels:
        return labels[column]
    text = str(column).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


_LEVEL = re.compile(r"^(?:C\(\s*(?:Q\(\s*['\"](?P<q>.+?)['\"]\s*\)|(?P<c>\w+))[^\[]*\)|(?P<v>\w+))\[(?:T\.)?(?P<level>.*)\]$")
_SQUARE = re.compile(r"^I\(\s*(\w+)\s*\*\*\s*2\s*\)$")
_LOG = re.compile(r"^(?:np\.)?log\(\s*(\w+)\s*\)$")


def design_label(name: str, labels: Mapping[str, str] | None = None) -> str:
    """A reader's name for a design column: the label given for it, else words built from the formula
    term (``C(ethnicity)[T.white]`` -> "Ethnicity: white", ``I(age ** 2)`` -> "Age squared",
    ``a:b`` -> "A × B")."""
    labels = labels or {}
    if name in labels:
        return labels[name]
    if ":" in name and "[" not in name.split(":")[0][:1]:
        parts = name.split(":")
        if all(parts):
            return " × ".join(design_label(p, labels) for p in parts)
    m = _LEVEL.match(name)
    if m:
        var = m.group("q") or m.group("c") or m.group("v")
        return f"{_words(var, labels)}: {m.group('level')}"
    m = _SQUARE.match(name)
    if m:
        return f"{_words(m.group(1), labels)}, squared"
    m = _LOG.match(name)
    if m:
        return f"{_words(m.group(1), labels)}, logarithm"
    if name.startswith("I(") and name.endswith(")"):
        return name[2:-1]
    return _words(name, labels)


# --------------------------------------------------------------------------------------------
# The design
# --------------------------------------------------------------------------------------------
def _single_level_error(column: str, levels) -> MatchingError:
    shown = f"the single value {levels[0]!r}" if len(levels) else "no values"
    return MatchingError(
        f"categorical covariate {column!r} has {shown} in the data, so it cannot predict treatment; remove it"
    )


def _fill(df: pd.DataFrame, missing: Mapping[str, np.ndarray], labels: Mapping[str, str]):
    """Fill gaps for the indicator option: numeric -> observed mean plus an indicator; text -> own level."""
    df = df.copy()
    indicators, fill_values = {}, {}
    for c in missing:
        if _is_categorical(df[c]):
            s = df[c]
            levels = (list(s.cat.categories) if isinstance(s.dtype, pd.CategoricalDtype)
                      else sorted(pd.unique(s.dropna()), key=str))
            values = s.astype(object).where(~_missing_mask(s), MISSING_LEVEL)
            df[c] = pd.Categorical(values, categories=[*levels, MISSING_LEVEL])  # the gap level last, never the reference
            continue
        values = df[c].to_numpy(dtype=float, na_value=np.nan)
        mask = ~np.isfinite(values)
        if mask.all():
            raise MatchingError(f"covariate {c!r} has no values at all; remove it")
        fill_values[c] = float(values[~mask].mean())
        values = np.where(mask, fill_values[c], values)
        df[c] = values
        indicators[f"{c} (missing)"] = (mask.astype(float), f"{_words(c, labels)}: value missing")
    return df, indicators, fill_values


def build_design(
    df: pd.DataFrame,
    covariates: Sequence[str] | str,
    *,
    missing: str = "refuse",
    labels: Mapping[str, str] | None = None,
) -> Design:
    """The design of the propensity model from a list of columns or a formula (see the module docstring)."""
    labels = dict(labels or {})
    if missing not in MISSING_OPTIONS:
        raise MatchingError(f"missing must be one of {MISSING_OPTIONS}, got {missing!r}")
    formula = None
    if isinstance(covariates, str):
        formula = covariates.strip()
        if formula.startswith("~"):
            formula = formula[1:].strip()
        if not formula:
            raise MatchingError("the propensity formula is empty")
        variables = formula_variables(formula, df.columns)
    else:
        variables = list(covariates)
        if not variables:
            raise MatchingError("no covariates named for the propensity score")
        if len(set(variables)) != len(variables):
            raise MatchingError(f"covariates named more than once: {variables}")
        absent = [c for c in variables if c not in df.columns]
        if absent:
            raise MatchingError(f"covariates: no column(s) {absent} in the data; columns are {list(df.columns)}")
    if not variables:
        raise MatchingError(f"the propensity formula {formula!r} uses no column of the data")
    data = infer_types(df[variables], variables)
    gaps = missing_summary(data, variables)
    indicators, fill_values = {}, {}
    if gaps:
        if missing == "refuse":
            refuse_missing(gaps)
        data, indicators, fill_values = _fill(data, gaps, labels)
    for c in variables:
        if _is_categorical(data[c]):
            levels = pd.unique(data[c].dropna())
            if len(levels) < 2:
                raise _single_level_error(c, levels)
    if formula is None:
        names, columns, bal_names, bal_columns, references = _list_design(data, variables, labels)
    else:
        names, columns, bal_names, bal_columns, references = _formula_design(data, formula, labels)
    for name, (values, label) in indicators.items():
        names.append(name)
        columns.append(values)
        bal_names.append(name)
        bal_columns.append(values)
        labels.setdefault(name, label)
    n = len(df)
    matrix = np.empty((n, len(names)), order="F")
    for j, col in enumerate(columns):
        matrix[:, j] = col
    if bal_names == names:  # no categorical levels added: the balance rows are the design columns
        balance = matrix
    else:
        balance = np.empty((n, len(bal_names)), order="F")
        for j, col in enumerate(bal_columns):
            balance[:, j] = col
    all_labels = {name: design_label(name, labels) for name in dict.fromkeys([*names, *bal_names])}
    for var, ref in references.items():
        for name in bal_names:
            if all_labels[name] == f"{_words(var, labels)}: {ref}":
                all_labels[name] += " (reference level)"
    return Design(tuple(names), matrix, tuple(bal_names), balance, all_labels, references,
                  {c: len(rows) for c, rows in gaps.items()} if missing == "indicator" else {}, tuple(variables),
                  formula, fill_values)


def _as_categorical(s: pd.Series) -> pd.Categorical:
    """A text column as a pandas Categorical with its levels in sorted order (as statsmodels orders them);
    a column that already is categorical keeps its own order."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return pd.Categorical(s)
    codes, uniques = pd.factorize(s, sort=False)
    order = sorted(range(len(uniques)), key=lambda k: str(uniques[k]))
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[order] = np.arange(len(uniques))
    return pd.Categorical.from_codes(np.where(codes >= 0, rank[np.maximum(codes, 0)], -1),
                                     categories=[uniques[k] for k in order])


def _list_design(data: pd.DataFrame, variables: Sequence[str], labels):
    names, columns, bal_names, bal_columns, references = [], [], [], [], {}
    for c in variables:
        s = data[c]
        if _is_categorical(s):
            cat = _as_categorical(s)
            present = np.bincount(cat.codes[cat.codes >= 0], minlength=len(cat.categories)) > 0
            levels = [lv for lv, here in zip(cat.categories, present) if here]
            codes = cat.remove_unused_categories().codes
            references[c] = str(levels[0])
            for k, level in enumerate(levels):
                name = f"{c}[{level}]"
                values = (codes == k).astype(float)
                if k:
                    names.append(name)
                    columns.append(values)
                bal_names.append(name)
                bal_columns.append(values)
        else:
            if isinstance(s.dtype, np.dtype):
                values = s.to_numpy(dtype=float)
            else:
                values = s.to_numpy(dtype=float, na_value=np.nan)
            names.append(c)
            columns.append(values)
            bal_names.append(c)
            bal_columns.append(values)
    return names, columns, bal_names, bal_columns, references


def _formula_design(data: pd.DataFrame, formula: str, labels):
    import patsy

    # Text columns as pandas Categoricals (sorted levels, as patsy would order them): much faster in patsy.
    data = data.assign(**{c: _as_categorical(data[c]) for c in data.columns if _is_categorical(data[c])})
    try:
        dm = patsy.dmatrix(formula, data, eval_env=_formula_env(), NA_action="raise", return_type="matrix")
    except patsy.PatsyError as exc:
        raise MatchingError(f"the propensity formula {formula!r} cannot be evaluated on the data: {exc.message}") \
            from None
    except Exception as exc:  # errors raised inside a term, e.g. np.log of text
        raise MatchingError(
            f"the propensity formula {formula!r} cannot be evaluated on the data: {type(exc).__name__}: {exc}"
        ) from None
    info = dm.design_info
    if "Intercept" not in info.column_names:
        raise MatchingError(
            f"the propensity formula {formula!r} removes the intercept ('- 1' or '0 +'); the propensity model always "
            "has one, so remove that part"
        )
    matrix = np.asarray(dm, dtype=float)
    if not np.all(np.isfinite(matrix)):
        bad = np.flatnonzero(~np.isfinite(matrix).all(axis=0))
        rows = np.flatnonzero(~np.isfinite(matrix[:, bad[0]]))
        raise MatchingError(
            f"the propensity formula term {info.column_names[bad[0]]!r} is missing or infinite in {len(rows):,} "
            f"row(s) ({_rows_text(rows)}), e.g. the logarithm of zero; change the term"
        )
    names, columns, bal_names, bal_columns, references = [], [], [], [], {}
    for term in info.terms:
        sl = info.term_name_slices[term.name()]
        cols = list(range(sl.start, sl.stop))
        if not term.factors:
            continue
        term_names = [info.column_names[k] for k in cols]
        for k, name in zip(cols, term_names):
            names.append(name)
            columns.append(matrix[:, k])
        factor = term.factors[0]
        fi = info.factor_infos[factor]
        if len(term.factors) == 1 and fi.type == "categorical":
            levels = list(fi.categories)
            if len(levels) < 2:
                raise _single_level_error(factor.code, levels)
            coded = {}
            for k, name in zip(cols, term_names):
                m = re.search(r"\[T\.(.*)\]$", name)
                if m is None:
                    coded = None
                    break
                coded[m.group(1)] = matrix[:, k]
            if coded is not None and len(coded) == len(levels) - 1:
                ref = next(str(lv) for lv in levels if str(lv) not in coded)
                references[_factor_variable(factor.code)] = ref
                prefix = term_names[0][: term_names[0].rindex("[")]
                reference_values = 1.0 - np.sum([v for v in coded.values()], axis=0)
                for lv in levels:
                    bal_names.append(f"{prefix}[T.{lv}]" if str(lv) != ref else f"{prefix}[{lv}]")
                    bal_columns.append(reference_values if str(lv) == ref else coded[str(lv)])
                continue
        for k, name in zip(cols, term_names):
            bal_names.append(name)
            bal_columns.append(matrix[:, k])
    return names, columns, bal_names, bal_columns, references


def _factor_variable(code: str) -> str:
    m = re.match(r"^C\(\s*(?:Q\(\s*['\"](.+?)['\"]\s*\)|(\w+))", code)
    return (m.group(1) or m.group(2)) if m else code
