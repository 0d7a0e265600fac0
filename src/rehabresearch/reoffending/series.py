"""The Ministry of Justice proven reoffending headline series: selecting, reshaping and plotting.

Two external datasets feed this module (see the catalog): the 2016 consultation tables in long form
(``moj_proven_reoffending_2016``: old and new measure, 2000-2014) and the financial-year cohorts
2012/13-2023/24 summed by a third party from the PRSQ data tool (``moj_prsq_2012_2024``). Both are
turned into the same wide shape: one row per cohort with offenders, reoffenders, reoffences, the
binary rate (a proportion), reoffences per reoffender and reoffences per offender.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .measures import require_columns

__all__ = ["MEASURE_LABELS", "UNVERIFIED_PRSQ", "check_published", "cohort", "cohort_basis", "plot_over_time", "prsq_series",
           "select"]

#: Cohorts of the PRSQ-derived file that its catalog entry records as unverified (the third party's note).
UNVERIFIED_PRSQ = ("2023/24",)
#: How an annual cohort is defined, from the month it starts: January = calendar year, April = financial year.
_BASIS = {1: "calendar-year", 4: "financial-year"}


def cohort_basis(dates) -> np.ndarray:
    """'calendar-year' for annual cohorts starting in January, 'financial-year' for those starting in April.

    The old measure's early cohorts (2002-2005) are calendar years and its later ones financial years, so
    a chart must not join them into one line. Raises ValueError naming a start month that is neither.
    """
    months = pd.DatetimeIndex(pd.to_datetime(pd.Series(dates))).month
    unknown = sorted(set(months) - set(_BASIS))
    if unknown:
        raise ValueError(f"annual cohorts must start in January (calendar year) or April (financial year); got month(s) {unknown}")
    return np.array([_BASIS[m] for m in months], dtype=object)

#: Plain names for the two measures (MoJ 2016 consultation on the proven reoffending measure).
MEASURE_LABELS = {"old": "Old measure (12-month cohort)", "new": "New measure (mean of four 3-month cohorts)"}
_LONG_COLUMNS = ["measure", "temporal_unit", "date", "group", "rate", "value"]
_WIDE = {"cohort": "offenders", "reoffenders": "reoffenders", "reoffences": "reoffences", "binary": "rate_published",
         "frequency": "per_reoffender_published"}


def _derived(out: pd.DataFrame) -> pd.DataFrame:
    out["rate"] = out["reoffenders"] / out["offenders"]
    out["per_reoffender"] = out["reoffences"] / out["reoffenders"]
    out["per_offender"] = out["reoffences"] / out["offenders"]
    return out


def select(df: pd.DataFrame, *, measure: str, groups: Sequence[str], temporal_unit: str = "annual") -> pd.DataFrame:
    """Cohorts of one measure and time unit for ``groups`` (e.g. Adult, Juvenile), one row per group and date.

    Columns: measure, group, date, offenders, reoffenders, reoffences, rate_published (proportion),
    per_reoffender_published, and the same recomputed from the counts (rate, per_reoffender,
    per_offender). Raises ``ValueError`` naming any requested value that is absent or missing.
    """
    require_columns(df, _LONG_COLUMNS, "MoJ proven reoffending series")
    groups = [groups] if isinstance(groups, str) else list(groups)
    for col, wanted in (("measure", [measure]), ("temporal_unit", [temporal_unit]), ("group", groups)):
        unknown = [w for w in wanted if w not in set(df[col])]
        if unknown:
            raise ValueError(f"{col} {unknown} not in the series (available: {sorted(set(df[col]))})")
    sub = df[(df["measure"] == measure) & (df["temporal_unit"] == temporal_unit) & df["group"].isin(groups)
             & df["rate"].isin(list(_WIDE))]
    wide = sub.pivot_table(index=["group", "date"], columns="rate", values="value", aggfunc="first", dropna=False)
    wide = wide.reindex(columns=list(_WIDE))
    if wide.isna().any().any():
        where = wide[wide.isna().any(axis=1)].index[0]
        missing = [c for c in wide.columns if pd.isna(wide.loc[where, c])]
        raise ValueError(f"{measure} measure, {temporal_unit}: {missing} missing for {where[0]} cohort starting "
                         f"{pd.Timestamp(where[1]).date()}")
    out = wide.rename(columns=_WIDE).reset_index()
    out.columns.name = None
    for col in ("offenders", "reoffenders", "reoffences"):
        out[col] = out[col].round().astype(int)
    out["rate_published"] = out["rate_published"] / 100
    out.insert(0, "measure", measure)
    if temporal_unit == "annual":
        out["basis"] = cohort_basis(out["date"])
    out = _derived(out)
    order = {g: i for i, g in enumerate(groups)}
    return out.sort_values(["group", "date"], key=lambda s: s.map(order) if s.name == "group" else s).reset_index(drop=True)


def cohort(table: pd.DataFrame, group: str, start) -> pd.Series:
    """The row of a :func:`select` or :func:`prsq_series` table for ``group`` and cohort start date."""
    start = pd.Timestamp(start)
    hit = table[(table["group"] == group) & (table["date"] == start)]
    if hit.empty:
        raise ValueError(f"no {group} cohort starting {start.date()} (dates: "
                         f"{sorted(d.date().isoformat() for d in table.loc[table['group'] == group, 'date'])})")
    return hit.iloc[0]


def check_published(row: pd.Series, published: dict, *, rate_dp: int = 1, frequency_dp: int = 1) -> pd.DataFrame:
    """Compare a cohort row with published figures at the published precision.

    ``published`` may hold offenders, reoffenders, reoffences (exact counts), rate (a proportion,
    published to ``rate_dp`` decimals of a percentage) and per_reoffender (published to
    ``frequency_dp`` decimals). Returns one row per figure: figure, published, from_data (rounded
    as published) and matches.
    """
    digits = {"offenders": 0, "reoffenders": 0, "reoffences": 0, "rate": rate_dp + 2, "per_reoffender": frequency_dp}
    unknown = [k for k in published if k not in digits]
    if unknown:
        raise ValueError(f"unknown published figure(s) {unknown}; expected some of {list(digits)}")
    rows = []
    for key, value in published.items():
        got = round(float(row[key]), digits[key])
        rows.append({"figure": key, "published": value, "from_data": got,
                     "matches": bool(np.isclose(got, round(float(value), digits[key]), rtol=0, atol=1e-12))})
    return pd.DataFrame(rows)


def prsq_series(df: pd.DataFrame, group: str = "All", unverified: Sequence[str] = UNVERIFIED_PRSQ) -> pd.DataFrame:
    """Financial-year cohorts from the PRSQ-derived file in the same wide shape (new measure, adults and children).

    ``verified`` is False for the cohorts named in ``unverified`` (by default those the catalog entry records
    as unverified), so tables and charts can mark them.
    """
    require_columns(df, ["cohort", "date", "offenders", "reoffenders", "reoffences", "reoffendingRate", "avgReoffences"],
                    "PRSQ series")
    dates = pd.to_datetime(df["date"], format="%Y-%m", errors="coerce")
    if dates.isna().any():
        row = dates.isna().to_numpy().nonzero()[0][0]
        raise ValueError(f"PRSQ series: date {df['date'].iloc[row]!r} in row {row} is not YYYY-MM")
    out = pd.DataFrame({
        "measure": "new", "group": group, "date": dates, "cohort": df["cohort"].to_numpy(),
        "offenders": df["offenders"].astype(int).to_numpy(), "reoffenders": df["reoffenders"].astype(int).to_numpy(),
        "reoffences": df["reoffences"].astype(int).to_numpy(),
        "rate_published": df["reoffendingRate"].astype(float).to_numpy() / 100,
        "per_reoffender_published": df["avgReoffences"].astype(float).to_numpy(),
    })
    out["basis"] = cohort_basis(out["date"])
    out["verified"] = ~out["cohort"].isin(list(unverified))
    return _derived(out).sort_values("date").reset_index(drop=True)


from .figures import plot_over_time  # noqa: E402,F401  (the chart lives with the other figures)
