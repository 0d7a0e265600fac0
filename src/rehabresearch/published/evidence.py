"""Published equalities, consultation and inspection evidence: the comparisons a reader makes with it.

Small pure functions over the transcribed ``evidence_*`` tables (see ``data/catalog``):

* :func:`representation_ratios` - a group's share of a population of interest (prisoners,
  people starting supervision) divided by its share of a comparator population (the Census),
  with a sampling interval where a base exists and the range the printed rounding allows;
* :func:`percent_consistency` - does a printed percentage agree with its printed count and total?
* :func:`compare_proportions` / :func:`share_gap` - differences between two shares, with a
  Newcombe interval when both bases are known and explicitly without one when they are not;
* :func:`rating_table` / :func:`exact_tests` - Fisher's and Boschloo's exact tests on the 2x2
  table of inspection ratings (CRCs against the NPS);
* :func:`parse_shares` / :func:`implied_counts` - what "over 50%" or "around a third" of N
  respondents means in people, with the reading of each qualifier stated;
* :func:`per_thousand`, :func:`implied_base`, :func:`base_before_increase` - the arithmetic behind
  the short-sentence estimate and the Welsh custody increase.

Interval conventions: the prison and probation figures are complete counts, not samples. A Wilson
interval on ``count / total`` is shown as an indication of how far a share of that size could move
by chance in a process of the same kind; when the printed rounding of a comparator is coarser (a
Census share printed as "3%") the rounding range is the wider and more honest uncertainty, and both
are returned. Wilson and Newcombe intervals come from :mod:`rehabresearch.reoffending.intervals`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..reoffending.intervals import wilson_interval
from .shares import check_range as _check_range
from .shares import compare_proportions, parse_shares, percent_consistency, printed_decimals, share_gap  # noqa: F401 (re-exported)
from .shares import half_unit as _half_unit
from .shares import numeric as _numeric
from .transcribed import require_columns as _require

#: Width in percentage points given to a verbal qualifier: "around X%" is read as X +/- half of it,
#: "over X%" as (X, X + it], "nearly X%" as [X - it, X). Illustrative: the consultation response
#: (MoJ 2019, "Responses to specific questions") does not say how its shares were rounded.
SHARE_BAND_PP = 5.0

_ROUNDING_BASIS = {
    "count": "count / total: Wilson interval; comparator treated as exact",
    "total": "share printed without its count: the known total used as n for a Wilson interval",
    "none": "share printed without its base: no sampling interval applies",
}


# -- representation --------------------------------------------------------------------------------
def representation_ratios(
    comparator_percent,
    *,
    count=None,
    total=None,
    percent=None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Share in a population of interest divided by the share in a comparator population.

    Each row needs either ``count`` and ``total`` (the share is ``count / total``), or a printed
    ``percent`` with a known ``total`` (used as n), or a printed ``percent`` alone (no sampling
    interval applies). ``comparator_percent`` is the printed comparator share (0-100]. Missing
    entries in ``count``/``total``/``percent`` are allowed per row, and the column ``basis`` says
    which case applied. Returns one row per input with ``share`` and ``comparator`` (proportions),
    ``ratio``, its sampling interval ``ratio_low``/``ratio_high`` (Wilson on the share, at ``level``;
    missing when no base exists) and ``ratio_round_low``/``ratio_round_high``: the ratio's range if
    each printed percentage may lie anywhere within half a unit of its last printed digit.
    """
    comp = _numeric("comparator_percent", comparator_percent)
    _check_range("comparator_percent", comp, 0.0, 100.0, low_open=True)
    size = comp.size

    def column(name, values):
        if values is None:
            return np.full(size, np.nan)
        arr = _numeric(name, values, allow_missing=True)
        if arr.size != size:
            raise ValueError(f"{name}: {arr.size} values, but comparator_percent has {size}")
        return arr

    cnt, tot, pct = column("count", count), column("total", total), column("percent", percent)
    _check_range("count", cnt, 0.0, np.inf)
    _check_range("total", tot, 0.0, np.inf, low_open=True)
    _check_range("percent", pct, 0.0, 100.0)
    has_count = ~np.isnan(cnt) & ~np.isnan(tot)
    has_total = np.isnan(cnt) & ~np.isnan(tot) & ~np.isnan(pct)
    has_none = np.isnan(cnt) & np.isnan(tot) & ~np.isnan(pct)
    unusable = ~(has_count | has_total | has_none)
    if unusable.any():
        row = int(np.flatnonzero(unusable)[0])
        raise ValueError(
            f"representation_ratios: row {row + 1}: give count and total, or percent (with or without total); "
            f"got count={cnt[row]:g}, total={tot[row]:g}, percent={pct[row]:g}"
        )
    over = has_count & (cnt > tot)
    if over.any():
        row = int(np.flatnonzero(over)[0])
        raise ValueError(f"representation_ratios: row {row + 1}: count {cnt[row]:g} exceeds total {tot[row]:g}")

    share = np.where(has_count, cnt / np.where(has_count, tot, 1.0), pct / 100.0)
    n = np.where(has_none, 1.0, tot)
    x = np.where(has_count, cnt, share * n)
    lo, hi = wilson_interval(x, n, level)
    lo, hi = np.where(has_none, np.nan, lo), np.where(has_none, np.nan, hi)
    comparator = comp / 100.0
    comp_half = _half_unit(comp) / 100.0
    share_half = np.where(has_count, 0.0, _half_unit(np.where(np.isnan(pct), 0.0, pct)) / 100.0)
    basis = np.select([has_count, has_total], [_ROUNDING_BASIS["count"], _ROUNDING_BASIS["total"]], _ROUNDING_BASIS["none"])
    return pd.DataFrame(
        {
            "share": share,
            "comparator": comparator,
            "ratio": share / comparator,
            "ratio_low": lo / comparator,
            "ratio_high": hi / comparator,
            "ratio_round_low": np.clip(share - share_half, 0.0, None) / (comparator + comp_half),
            "ratio_round_high": (share + share_half) / (comparator - comp_half),
            "basis": basis,
        }
    )


# -- inspection ratings ------------------------------------------------------------------------------
GOOD_OR_BETTER = ("Outstanding", "Good")

#: Plain-English names of the inspection sets in ``evidence_inspection_ratings``.
INSPECTION_SETS = {
    "overall_recent": "Overall rating, recent inspections (para 31)",
    "supervision_implementation": "Delivering supervision, since Jan 2018 (para 32)",
    "unpaid_work": "Unpaid Work, since Jan 2018 (paras 32, 60)",
}


def rating_table(ratings: pd.DataFrame, inspection_set: str, good=GOOD_OR_BETTER) -> pd.DataFrame:
    """2x2 counts of inspections rated ``good`` (or better) and below, CRCs against the NPS.

    ``ratings`` is the ``evidence_inspection_ratings`` table. Ratings 'Not assessed' are left out.
    Rows: CRC, NPS; columns: 'good or better', 'below good'.
    """
    required = {"inspection_set", "organisation", "rating", "count"}
    if not isinstance(ratings, pd.DataFrame) or not required <= set(ratings.columns):
        got = list(ratings.columns) if isinstance(ratings, pd.DataFrame) else type(ratings).__name__
        raise KeyError(f"rating_table: needs a DataFrame with columns {sorted(required)}, got {got}")
    subset = ratings[(ratings["inspection_set"] == inspection_set) & (ratings["rating"] != "Not assessed")]
    if subset.empty:
        known = sorted(ratings["inspection_set"].unique())
        raise ValueError(f"rating_table: no ratings for inspection_set {inspection_set!r}; known: {known}")
    missing = {"CRC", "NPS"} - set(subset["organisation"])
    if missing:
        raise ValueError(f"rating_table: inspection_set {inspection_set!r} has no {sorted(missing)} ratings to compare")
    counts = _numeric("count", subset["count"])
    if (counts < 0).any() or (counts % 1 != 0).any():
        raise ValueError(f"rating_table: counts must be non-negative whole numbers, got {subset['count'].tolist()}")
    level = np.where(subset["rating"].isin(good), "good or better", "below good")
    table = (
        pd.DataFrame({"organisation": subset["organisation"].to_numpy(), "level": level, "count": counts})
        .pivot_table(index="organisation", columns="level", values="count", aggfunc="sum", fill_value=0)
        .reindex(index=["CRC", "NPS"], columns=["good or better", "below good"], fill_value=0)
        .astype(int)
    )
    table.columns.name = None
    return table


def exact_tests(table) -> dict:
    """Fisher's exact test (two-sided) and Boschloo's exact test on a 2x2 table of counts.

    Rows are the two groups, columns the outcome (first column = the 'success'). Returns each
    group's success share, Fisher's p-value and conditional-free odds ratio, and Boschloo's p-value
    (unconditional; more powerful for small tables). Raises on a non-2x2 table, negative or
    fractional counts, or an empty row.
    """
    arr = np.asarray(table, dtype=float)
    if arr.shape != (2, 2):
        raise ValueError(f"exact_tests: need a 2x2 table, got shape {arr.shape}")
    if np.isnan(arr).any() or (arr < 0).any() or (arr % 1 != 0).any():
        raise ValueError(f"exact_tests: cells must be non-negative whole counts, got {arr.tolist()}")
    if (arr.sum(axis=1) == 0).any():
        raise ValueError(f"exact_tests: each row needs at least one case, got {arr.tolist()}")
    counts = arr.astype(int)
    fisher = stats.fisher_exact(counts, alternative="two-sided")
    boschloo = stats.boschloo_exact(counts, alternative="two-sided")
    shares = counts[:, 0] / counts.sum(axis=1)
    return {
        "share_1": float(shares[0]),
        "share_2": float(shares[1]),
        "n_1": int(counts[0].sum()),
        "n_2": int(counts[1].sum()),
        "fisher_odds_ratio": float(fisher.statistic),
        "fisher_p": float(fisher.pvalue),
        "boschloo_p": float(boschloo.pvalue),
    }


# -- consultation shares (reading printed shares: see .shares.parse_shares) ----------------------------------------------------------------------------
def implied_counts(share_text, n, band_pp: float = SHARE_BAND_PP) -> pd.DataFrame:
    """The range of respondent counts out of ``n`` that a printed share allows.

    Readings (``band_pp`` = width of a verbal qualifier, default :data:`SHARE_BAND_PP`):
    exact "X%" -> X rounded to its printed digits (X +/- half a unit); "around X" -> X +/- band/2;
    "over X" -> more than X and at most X + band; "nearly X" -> at least X - band and less than X.
    Returns ``share_text``, ``n``, ``percent``, ``count_at_printed_share`` (X% of n, rounded), ``count_low``,
    ``count_high`` and ``reading`` (the rule applied, in words).
    """
    if not (isinstance(band_pp, (int, float)) and 0 < band_pp <= 50):
        raise ValueError(f"band_pp must be a number in (0, 50] percentage points, got {band_pp!r}")
    parsed = parse_shares(share_text)
    n_arr = _numeric("n", n)
    if n_arr.size == 1 and len(parsed) > 1:
        n_arr = np.repeat(n_arr, len(parsed))
    if n_arr.size != len(parsed):
        raise ValueError(f"implied_counts: {len(parsed)} shares but {n_arr.size} values of n")
    if (n_arr <= 0).any() or (n_arr % 1 != 0).any():
        row = int(np.flatnonzero((n_arr <= 0) | (n_arr % 1 != 0))[0])
        raise ValueError(f"implied_counts: row {row + 1}: n must be a positive whole number, got {n_arr[row]:g}")
    p = parsed["percent"].to_numpy(dtype=float)
    q = parsed["qualifier"].to_numpy(dtype=object)
    exact_half = np.where(q == "exact", _half_unit(np.where(q == "exact", p, 0.0)), 0.0)
    low = np.select([q == "exact", q == "around", q == "over", q == "nearly"], [p - exact_half, p - band_pp / 2, p, p - band_pp])
    high = np.select([q == "exact", q == "around", q == "over", q == "nearly"], [p + exact_half, p + band_pp / 2, p + band_pp, p])
    low, high = np.clip(low, 0, 100), np.clip(high, 0, 100)
    lo_n, hi_n = np.round(low * n_arr / 100, 9), np.round(high * n_arr / 100, 9)
    count_low = np.where(q == "over", np.floor(lo_n) + 1, np.ceil(lo_n))
    count_high = np.where(q == "nearly", np.ceil(hi_n) - 1, np.floor(hi_n))
    templates = {
        "exact": "{x:g}% as printed, rounded: {a:.3g}% to {b:.3g}%",
        "around": "around {x:.3g}%: {a:.3g}% to {b:.3g}% (+/- " + f"{band_pp / 2:g}" + " points, illustrative)",
        "over": "over {x:.3g}%: above {a:.3g}%, up to {b:.3g}% (" + f"{band_pp:g}" + "-point band, illustrative)",
        "nearly": "nearly {x:.3g}%: from {a:.3g}% to below {b:.3g}% (" + f"{band_pp:g}" + "-point band, illustrative)",
    }
    reading = [templates[k].format(x=x, a=a, b=b) for k, x, a, b in zip(q, p, low, high)]
    return pd.DataFrame(
        {
            "share_text": parsed["share_text"].to_numpy(),
            "n": n_arr.astype(int),
            "percent": p,
            "count_at_printed_share": np.round(p * n_arr / 100).astype(int),
            "count_low": np.clip(count_low, 0, n_arr).astype(int),
            "count_high": np.clip(count_high, 0, n_arr).astype(int),
            "reading": reading,
        }
    )


# -- short sentences and increases ---------------------------------------------------------------
def per_thousand(effect_pp: float, per: int = 1000) -> float:
    """An effect in percentage points expressed per ``per`` people (3 points -> 30 per 1,000)."""
    if not isinstance(effect_pp, (int, float)) or not np.isfinite(effect_pp) or not -100 <= effect_pp <= 100:
        raise ValueError(f"effect_pp must be a number of percentage points in [-100, 100], got {effect_pp!r}")
    if not isinstance(per, int) or per <= 0:
        raise ValueError(f"per must be a positive whole number, got {per!r}")
    return effect_pp / 100.0 * per


def implied_base(total: float, effect_pct: float) -> float:
    """The base a total implies if it is ``effect_pct`` percent of it (30,000 at 3% -> 1,000,000)."""
    for name, value in (("total", total), ("effect_pct", effect_pct)):
        if not isinstance(value, (int, float)) or not np.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    if effect_pct > 100:
        raise ValueError(f"effect_pct must be at most 100, got {effect_pct!r}")
    return total / (effect_pct / 100.0)


def base_before_increase(final: int, increase_pct: float) -> dict:
    """The starting count implied by a final count and a printed percentage increase.

    The printed increase is read as rounded to its printed digits, so the start lies in a range:
    572 after a 22% increase -> 469 (467 to 470). Returns ``point``, ``low``, ``high`` (whole counts).
    """
    if not isinstance(final, (int, np.integer)) or final < 0:
        raise ValueError(f"final must be a non-negative whole count, got {final!r}")
    if not isinstance(increase_pct, (int, float)) or not np.isfinite(increase_pct) or increase_pct <= -100:
        raise ValueError(f"increase_pct must be a number above -100, got {increase_pct!r}")
    half = float(_half_unit([increase_pct])[0])
    start = lambda pct: final / (1 + pct / 100.0)
    return {
        "point": round(start(increase_pct)),
        "low": int(np.ceil(round(start(increase_pct + half), 9))),
        "high": int(np.floor(round(start(increase_pct - half), 9))),
    }


# -- building the report's tables from the transcribed evidence ----------------------------------------
#: Groups that together make up each prison characteristic's population, as Annex B prints them
#: (ethnicity includes the unstated; sexual orientation is of those who declared one). Religion
#: has no printed partition, so its shares are used as printed with the prison total as n.
PARTITIONS = {
    "ethnicity": ("White", "BAME", "Unstated or unknown"),
    "sex": ("Male", "Female"),
    "sexual_orientation": ("Heterosexual", "Gay/Lesbian/Bisexual or Other (LGB)"),
}

#: Prison or probation group -> the comparator group it is set against, where the names differ.
COMPARATOR_GROUP = {"Gay/Lesbian/Bisexual or Other (LGB)": "LGB"}

#: Reference dates of the earlier-year rows Annex B prints for trend context only (Muslim 2002,
#: Christian 2007, transgender prisoners 2015-16); they are left out of current comparisons.
EARLIER_DATES = ("2002", "2007", "2015-16")


def characteristic_totals(prison: pd.DataFrame) -> pd.Series:
    """Prisoners in each characteristic's population: the sum of its partition's printed counts.

    Raises if a partition group is missing or its count is not printed.
    """
    _require(prison, ["characteristic", "group", "count"], "prison table")
    totals = {}
    for characteristic, groups in PARTITIONS.items():
        rows = prison[(prison["characteristic"] == characteristic) & prison["group"].isin(groups)]
        counts = pd.to_numeric(rows["count"], errors="coerce")
        if len(rows) != len(groups) or counts.isna().any():
            raise ValueError(f"prison table: {characteristic} needs a printed count for each of {list(groups)}")
        totals[characteristic] = int(counts.sum())
    return pd.Series(totals, name="total")


def prison_total(prison: pd.DataFrame) -> int:
    """The prison population on 31 March 2018: ethnicity and sex counts must agree on it."""
    totals = characteristic_totals(prison)
    if totals["ethnicity"] != totals["sex"]:
        raise ValueError(
            f"prison table: ethnicity groups sum to {totals['ethnicity']:,} but sex groups to {totals['sex']:,}"
        )
    return int(totals["ethnicity"])


def disproportionality(
    prison: pd.DataFrame, probation: pd.DataFrame, comparators: pd.DataFrame, level: float = 0.95
) -> pd.DataFrame:
    """Representation ratios of prison and probation groups against their population comparators.

    Uses ``count / total`` where the characteristic's total is printed (see :data:`PARTITIONS`),
    else the printed percentage with the prison total as n (religion), else the printed percentage
    alone (probation ethnicity). One row per group that has a comparator.
    """
    _require(prison, ["characteristic", "group", "count", "percent", "reference_date"], "prison table")
    _require(probation, ["supervision", "characteristic", "group", "count", "percent"], "probation table")
    _require(comparators, ["characteristic", "group", "percent", "population", "survey", "year"], "comparator table")
    totals = characteristic_totals(prison)
    everyone = prison_total(prison)
    current = prison[~prison["reference_date"].isin(EARLIER_DATES)]
    p = current.assign(
        population="Prisoners",
        total=current["characteristic"].map(totals).fillna(everyone),
        use_count=current["characteristic"].isin(list(PARTITIONS)),
    )
    starts_total = probation.groupby(["supervision", "characteristic"])["count"].transform(
        lambda s: s.sum() if s.notna().all() else np.nan
    )
    q = probation.assign(
        population=probation["supervision"].map({"court_order": "Court order starts", "post_release": "Post-release starts"}),
        total=starts_total,
        use_count=starts_total.notna(),
    )
    rows = pd.concat([p, q], ignore_index=True)
    rows = rows.assign(comparator_group=rows["group"].map(COMPARATOR_GROUP).fillna(rows["group"]))
    comp = comparators.rename(columns={"group": "comparator_group", "percent": "comparator_percent",
                                       "population": "comparator_population", "survey": "comparator_survey",
                                       "year": "comparator_year"})
    merged = rows.merge(comp[["characteristic", "comparator_group", "comparator_percent", "comparator_population",
                              "comparator_survey", "comparator_year"]], on=["characteristic", "comparator_group"], how="inner")
    use_count = merged["use_count"].to_numpy(dtype=bool)
    count = np.where(use_count, pd.to_numeric(merged["count"], errors="coerce"), np.nan)
    total = np.where(use_count | merged["population"].eq("Prisoners"), merged["total"].astype(float), np.nan)
    percent = np.where(use_count, np.nan, pd.to_numeric(merged["percent"], errors="coerce"))
    ratios = representation_ratios(merged["comparator_percent"], count=count, total=total, percent=percent, level=level)
    columns = ["population", "characteristic", "group", "comparator_population", "comparator_survey", "comparator_year"]
    return pd.concat([merged[columns].reset_index(drop=True), ratios], axis=1)


#: Plain-English names of the protected characteristics used in the Annex B tables.
CHARACTERISTICS = {
    "ethnicity": "Ethnicity", "sex": "Sex", "age": "Age", "religion": "Religion or belief",
    "sexual_orientation": "Sexual orientation", "disability": "Disability",
    "gender_reassignment": "Gender reassignment", "pregnancy_maternity": "Pregnancy and maternity",
}

_SHORT_BASIS = {
    _ROUNDING_BASIS["count"]: "printed count and total",
    _ROUNDING_BASIS["total"]: "printed % with the prison total as n",
    _ROUNDING_BASIS["none"]: "printed % only: no sampling interval",
}


def _ranges(lo, hi, dp: int) -> list[str]:
    return ["" if np.isnan(a) or np.isnan(b) else f"{a:.{dp}f} to {b:.{dp}f}"
            for a, b in zip(np.asarray(lo, dtype=float), np.asarray(hi, dtype=float))]


def ratio_display(ratios: pd.DataFrame, level: float = 0.95, dp: int = 2) -> pd.DataFrame:
    """The output of :func:`disproportionality` as a reader's table: plain column names, each range in one cell.

    Shares stay proportions (format them as percentages); the sampling interval is blank where no
    base is printed. ``level`` only names the interval column; it must match the one computed.
    """
    _require(ratios, ["population", "group", "share", "comparator", "comparator_population", "comparator_survey",
                      "ratio", "ratio_low", "ratio_high", "ratio_round_low", "ratio_round_high", "basis"], "ratio table")
    survey = ratios["comparator_survey"].where(ratios["comparator_survey"] != "not stated", "source not stated")
    return pd.DataFrame({
        "Population": ratios["population"].to_numpy(),
        "Group": ratios["group"].to_numpy(),
        "Share": ratios["share"].to_numpy(),
        "Population share": ratios["comparator"].to_numpy(),
        "Comparator": (survey + ", " + ratios["comparator_population"]).to_numpy(),
        "Ratio": ratios["ratio"].round(dp).to_numpy(),
        f"Sampling interval ({level:.0%})": _ranges(ratios["ratio_low"], ratios["ratio_high"], dp),
        "Range allowed by rounding": _ranges(ratios["ratio_round_low"], ratios["ratio_round_high"], dp),
        "Based on": ratios["basis"].map(_SHORT_BASIS).fillna(ratios["basis"]).to_numpy(),
    })


def sex_split(prison: pd.DataFrame, probation: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Women's share of prisoners (31 March 2018) against their share of court order starts (2017).

    Returns one row per population (women, total, share) and the Newcombe comparison in ``attrs``.
    """
    _require(prison, ["characteristic", "group", "count"], "prison table")
    _require(probation, ["supervision", "characteristic", "group", "count"], "probation table")

    def counts(df, mask, label):
        rows = df[mask & (df["characteristic"] == "sex")].set_index("group")["count"]
        if not {"Male", "Female"} <= set(rows.index) or pd.to_numeric(rows, errors="coerce").isna().any():
            raise ValueError(f"{label}: needs printed counts for Male and Female")
        return int(rows["Female"]), int(rows["Male"]) + int(rows["Female"])

    pw, pn = counts(prison, pd.Series(True, index=prison.index), "prison table")
    cw, cn = counts(probation, probation["supervision"] == "court_order", "probation table")
    table = pd.DataFrame({
        "population": ["Prisoners, 31 March 2018", "Court order supervision starts, 2017"],
        "women": [pw, cw], "total": [pn, cn], "share_women": [pw / pn, cw / cn],
    })
    table.attrs["comparison"] = compare_proportions(cw, cn, pw, pn, level).iloc[0].to_dict()
    return table


def theme_counts(themes: pd.DataFrame, questions: pd.DataFrame, band_pp: float = SHARE_BAND_PP) -> pd.DataFrame:
    """Each consultation theme with the respondents (or responses) its printed share implies."""
    _require(themes, ["question", "part", "theme", "share_text"], "themes table")
    _require(questions, ["question", "part", "responses"], "questions table")
    merged = themes.merge(questions[["question", "part", "responses"]], on=["question", "part"], how="left")
    if merged["responses"].isna().any():
        row = merged[merged["responses"].isna()].iloc[0]
        raise ValueError(f"themes table: no response count for question {row['question']!r}, part {row['part']!r}")
    counts = implied_counts(merged["share_text"], merged["responses"], band_pp=band_pp)
    return pd.concat([merged[["question", "part", "theme"]].reset_index(drop=True), counts], axis=1)


def rating_summary(ratings: pd.DataFrame) -> pd.DataFrame:
    """Inspections by rating (columns) for each inspection set and organisation (rows)."""
    _require(ratings, ["inspection_set", "organisation", "rating", "count"], "ratings table")
    order = ["Outstanding", "Good", "Requires improvement", "Inadequate", "Not assessed"]
    wide = ratings.pivot_table(index=["inspection_set", "organisation"], columns="rating", values="count",
                               aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=[c for c in order if c in wide.columns]).astype(int)
    wide["Total"] = wide.sum(axis=1)
    wide.columns.name = None
    return wide.reset_index()


# -- figures: in .figures (re-exported here for callers of the computations) --------------------
from .figures import plot_ratings, plot_ratios, plot_sex_split, plot_theme_ranges  # noqa: E402,F401
