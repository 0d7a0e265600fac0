"""The voluntary sector in probation commissioning: the Dynamic Framework funnel, who won, and who was heard.

Small pure functions over the transcribed ``commissioning_*`` tables (see
``data/catalog``). They compute shares, conversion rates and comparisons and
carry each figure's hedging ("about", "over") through, so a statement built
on "over half" says "at least". None of them invents a count where a source
gives only a proportion: such counts stay missing and are reported as such.

Intervals: the funnel and contract counts are complete counts of organisations,
not samples. Where a count base exists, a Wilson 95% interval is given as an
indication of how much a share of this size could move by chance in a process
of the same kind; it is not sampling error in the survey sense.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .shares import parse_shares, share_interval
from .transcribed import question_labels
from .transcribed import require_columns as _require

#: The funnel's stages, in order, with the words a report uses for them.
STAGES = {
    "sector": "Voluntary organisations working in criminal justice",
    "expressed_interest": "Expressed interest in qualifying",
    "qualified": "Qualified onto the Dynamic Framework",
    "supply_chain": "In a day-one supply chain",
    "lead_provider": "Lead provider of a day-one contract",
}

_BOUND = {"exact": "exact", "about": "approximate", "over": "lower bound", "almost": "upper bound",
          "up_to": "upper bound", "likely": "projection"}


def _require_counts(values: pd.Series, table: str, column: str) -> None:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() | (numbers < 0) | (numbers % 1 != 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{table}: column {column!r}, row {row + 1}: expected a non-negative whole count, got {values.iloc[row]!r}")


def _combine(a: str, b: str) -> str:
    """Qualifier of a ratio of two figures: exact only when both are exact."""
    return "exact" if a == "exact" and b == "exact" else "approximate"


def funnel(table: pd.DataFrame, group: str = "voluntary") -> pd.DataFrame:
    """The qualification funnel for ``group`` ('voluntary' or 'all'), in stage order.

    Adds each stage's share of the previous stage and of the first stage, and
    whether that share rests on an inexact figure (the sector's "about 1,700").
    A stage larger than the one before it is an error: a funnel only narrows.
    """
    _require(table, ["stage_order", "stage", "group", "organisations", "qualifier"], "funnel table")
    rows = table[table["group"] == group].sort_values("stage_order")
    if rows.empty:
        raise ValueError(f"funnel table: no rows for group {group!r}; groups present: {sorted(table['group'].unique())}")
    unknown = sorted(set(rows["stage"]) - set(STAGES))
    if unknown:
        raise ValueError(f"funnel table: unknown stage(s) {unknown}; expected some of {list(STAGES)}")
    if rows["stage"].duplicated().any():
        raise ValueError(f"funnel table: stage {rows['stage'][rows['stage'].duplicated()].iloc[0]!r} appears twice for group {group!r}")
    _require_counts(rows["organisations"], "funnel table", "organisations")
    n = rows["organisations"].astype(float).to_numpy()
    if (n[:-1] == 0).any():
        i = int(np.flatnonzero(n[:-1] == 0)[0])
        raise ValueError(f"funnel table: stage {rows['stage'].iloc[i]!r} has no organisations, so later shares are undefined")
    grows = n[1:] > n[:-1]
    if grows.any():
        i = int(np.flatnonzero(grows)[0]) + 1
        raise ValueError(
            f"funnel table: stage {rows['stage'].iloc[i]!r} has {int(n[i])} organisations, more than the "
            f"{int(n[i - 1])} at stage {rows['stage'].iloc[i - 1]!r}; a funnel never grows"
        )
    qual = rows["qualifier"].to_numpy()
    out = pd.DataFrame({
        "stage": rows["stage"].to_numpy(),
        "label": [STAGES[s] for s in rows["stage"]],
        "organisations": n.astype(int),
        "qualifier": qual,
        "share_of_previous": np.r_[np.nan, n[1:] / n[:-1]],
        "share_of_first": n / n[0],
        "share_basis": ["" if i == 0 else _combine(qual[i], qual[i - 1]) for i in range(len(n))],
    })
    out["first_basis"] = [_combine(q, qual[0]) for q in qual]
    return out


def voluntary_shares(table: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Voluntary organisations' share of each stage that has both an 'all' and a 'voluntary' count.

    Returns stage, voluntary, all, share and a Wilson interval (``level``, default 95%).
    """
    _require(table, ["stage", "group", "organisations"], "funnel table")
    _require_counts(table["organisations"], "funnel table", "organisations")
    wide = table.pivot_table(index="stage", columns="group", values="organisations", aggfunc="sum")
    if not {"all", "voluntary"} <= set(wide.columns):
        raise ValueError("funnel table: needs rows for both group 'all' and group 'voluntary'")
    wide = wide.dropna(subset=["all", "voluntary"])
    if wide.empty:
        raise ValueError("funnel table: no stage has both an 'all' and a 'voluntary' count")
    over = wide["voluntary"] > wide["all"]
    if over.any():
        stage = over.index[over.to_numpy()][0]
        raise ValueError(f"funnel table: stage {stage!r} has more voluntary organisations ({int(wide.loc[stage, 'voluntary'])}) than organisations in all ({int(wide.loc[stage, 'all'])})")
    order = [s for s in STAGES if s in wide.index]
    wide = wide.loc[order]
    shares = share_interval(wide["voluntary"].to_numpy(), wide["all"].to_numpy(), level=level)
    return pd.DataFrame({
        "stage": order,
        "label": [STAGES[s] for s in order],
        "voluntary": wide["voluntary"].astype(int).to_numpy(),
        "all": wide["all"].astype(int).to_numpy(),
        "share": shares["share"].to_numpy(),
        "lo": shares["lo"].to_numpy(),
        "hi": shares["hi"].to_numpy(),
    })


def income_comparison(profile: pd.DataFrame, band: str = "over_1m", population: str = "supply_chain",
                      reference: str = "cj_voluntary_sector") -> dict:
    """How much more common an income ``band`` is in ``population`` than in ``reference``.

    Returns both shares, the difference (proportion points) and the ratio, each
    labelled with its bound: "over half" against 27% gives a difference of *at
    least* 23 points. No interval: the source gives proportions without counts.
    """
    _require(profile, ["population", "income_band", "share", "qualifier"], "income profile")
    picked = {}
    for who in (population, reference):
        row = profile[(profile["population"] == who) & (profile["income_band"] == band)]
        if len(row) != 1:
            raise ValueError(f"income profile: expected one row for population {who!r} and band {band!r}, found {len(row)}")
        share, qualifier = float(row["share"].iloc[0]), str(row["qualifier"].iloc[0])
        if not 0 <= share <= 1:
            raise ValueError(f"income profile: share for {who!r} must be a proportion in [0, 1], got {share}")
        if qualifier not in _BOUND:
            raise ValueError(f"income profile: unknown qualifier {qualifier!r} for {who!r}")
        picked[who] = (share, qualifier)
    (p, qp), (r, qr) = picked[population], picked[reference]
    if r == 0:
        raise ValueError(f"income profile: reference share for {reference!r} is zero; a ratio is undefined")
    # The comparison is a lower bound when the population's share is a lower bound and the reference's is exact.
    if qp == "exact" and qr == "exact":
        bound = "exact"
    elif qp == "over" and qr == "exact":
        bound = "lower bound"
    else:
        bound = "approximate"
    return {"band": band, "population_share": p, "population_bound": _BOUND[qp], "reference_share": r,
            "reference_bound": _BOUND[qr], "difference": p - r, "ratio": p / r, "comparison_bound": bound}


def budget_table(budgets: pd.DataFrame) -> pd.DataFrame:
    """The budgets in £ million, with a plain label for each figure's hedging, in descending order of size."""
    _require(budgets, ["item", "period", "amount_gbp", "basis", "qualifier"], "budgets table")
    amounts = pd.to_numeric(budgets["amount_gbp"], errors="coerce")
    bad = amounts.isna() | (amounts < 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"budgets table: column 'amount_gbp', row {row + 1}: expected a non-negative amount, got {budgets['amount_gbp'].iloc[row]!r}")
    unknown = sorted(set(budgets["qualifier"]) - set(_BOUND))
    if unknown:
        raise ValueError(f"budgets table: unknown qualifier(s) {unknown}")
    out = budgets.assign(amount_m=amounts / 1e6, figure=budgets["qualifier"].map(_BOUND))
    return out.sort_values("amount_m", ascending=False, kind="stable").reset_index(drop=True)[
        ["item", "period", "basis", "amount_m", "figure"]]


def per_area(amount: float, areas: int) -> float:
    """Average amount per area when ``amount`` is spread over ``areas`` (the source gives no split)."""
    if not np.isfinite(amount) or amount < 0:
        raise ValueError(f"amount must be a non-negative number, got {amount!r}")
    if int(areas) != areas or areas < 1:
        raise ValueError(f"areas must be a whole number of at least 1, got {areas!r}")
    return float(amount) / int(areas)


def growth(start: float, end: float, years: float) -> dict:
    """Multiple and compound annual growth from ``start`` to ``end`` over ``years``."""
    if not (np.isfinite(start) and start > 0 and np.isfinite(end) and end >= 0):
        raise ValueError(f"start must be positive and end non-negative, got start={start!r}, end={end!r}")
    if not np.isfinite(years) or years <= 0:
        raise ValueError(f"years must be positive, got {years!r}")
    multiple = end / start
    return {"multiple": multiple, "annual_growth": multiple ** (1 / years) - 1}


#: Theme rows of ``consultation_themes`` (question 'All') that name a respondent group rather than a theme.
RESPONDENT_PREFIX = "Respondent type: "


def respondent_mix(themes: pd.DataFrame, prefix: str = RESPONDENT_PREFIX) -> pd.DataFrame:
    """Shares of the respondent groups the consultation names, plus the remainder it does not break down.

    ``themes`` is the ``consultation_themes`` table; its whole-consultation rows whose theme starts
    with ``prefix`` are the groups. The source prints shares only ("44%"), so no count per group is
    returned. A share printed with a hedge ("around") is refused: the remainder would be unknown.
    """
    _require(themes, ["question", "theme", "share_text"], "themes table")
    rows = themes[(themes["question"] == "All") & themes["theme"].astype(str).str.startswith(prefix)]
    if rows.empty:
        raise ValueError(f"themes table: no whole-consultation rows whose theme starts {prefix!r}")
    parsed = parse_shares(rows["share_text"])
    hedged = parsed["qualifier"] != "exact"
    if hedged.any():
        raise ValueError(f"themes table: respondent share {parsed['share_text'][hedged].iloc[0]!r} is not exact, so the remainder is unknown")
    shares = parsed["percent"].to_numpy(dtype=float) / 100
    if shares.sum() > 1 + 1e-9:
        raise ValueError(f"themes table: respondent group shares sum to {shares.sum():.2f}, more than 1")
    groups = rows["theme"].str.removeprefix(prefix).str.strip()
    return pd.DataFrame({
        "respondent_group": list(groups.str[:1].str.upper() + groups.str[1:]) + ["Other respondents (not broken down)"],
        "share": np.r_[shares, 1 - shares.sum()],
    })


def category_shares(table: pd.DataFrame, category: str, count: str) -> pd.DataFrame:
    """Each category's count and share of the total (for a complete listing, such as Annex A)."""
    _require(table, [category, count], "category table")
    _require_counts(table[count], "category table", count)
    counts = table[count].astype(int)
    if counts.sum() == 0:
        raise ValueError(f"category table: column {count!r} sums to zero")
    out = pd.DataFrame({category: table[category].to_numpy(), count: counts.to_numpy(), "share": (counts / counts.sum()).to_numpy()})
    return out.sort_values(count, ascending=False, kind="stable").reset_index(drop=True)


def response_rates(questions: pd.DataFrame, total_question: str = "All") -> pd.DataFrame:
    """Responses to each question as a share of all consultation responses.

    ``questions`` is the ``consultation_questions`` table: the row whose question is
    ``total_question`` holds the total (476); the other rows are returned with a reader's ``label``
    ('Q2 (first part)') and ``share_of_all``.
    """
    _require(questions, ["question", "part", "responses"], "question table")
    _require_counts(questions["responses"], "question table", "responses")
    total = questions.loc[questions["question"] == total_question, "responses"]
    if len(total) != 1 or int(total.iloc[0]) < 1:
        raise ValueError(f"question table: needs exactly one {total_question!r} row with a positive total")
    total = int(total.iloc[0])
    rows = questions[questions["question"] != total_question]
    n = rows["responses"].astype(int)
    if (n > total).any():
        raise ValueError(f"question table: question {rows['question'][n > total].iloc[0]!r} has more responses than the total {total}")
    return rows.assign(label=question_labels(rows["question"], rows["part"]).to_numpy(), share_of_all=n / total).reset_index(drop=True)


#: Figures of the Clinks consultation response (``clinks_response_figures``, percent of
#: organisations) that the sector-position chart sets beside ``commissioning_sector_evidence``.
CLINKS_SECTOR_MEASURES = ("bame_tailored_orgs_closure_risk", "all_orgs_closure_risk")
_CLINKS_QUALIFIERS = {"over": "over", "more than": "over", "only": "exact"}


def sector_evidence(sector: pd.DataFrame, clinks: pd.DataFrame, measures=CLINKS_SECTOR_MEASURES) -> pd.DataFrame:
    """The sector-evidence rows with the named Clinks-response figures appended as proportions.

    Each Clinks figure must be a percentage (its unit starts 'percent'); it becomes a proportion
    with the commissioning qualifier vocabulary (blank = exact). Columns: measure, value, unit,
    qualifier, as_printed, source_document, source_section.
    """
    columns = ["measure", "value", "unit", "qualifier", "as_printed", "source_document", "source_section"]
    _require(sector, columns, "sector evidence table")
    _require(clinks, columns, "Clinks figures table")
    picked = clinks.set_index("measure").reindex(list(measures))
    missing = picked.index[picked["value"].isna()].tolist()
    if missing:
        raise KeyError(f"Clinks figures table: no measure(s) {missing}")
    not_pct = picked.index[~picked["unit"].astype(str).str.startswith("percent")].tolist()
    if not_pct:
        raise ValueError(f"Clinks figures table: measure(s) {not_pct} are not percentages")
    qualifier = picked["qualifier"].map(_CLINKS_QUALIFIERS).where(picked["qualifier"].notna(), "exact")
    if qualifier.isna().any():
        raise ValueError(f"Clinks figures table: unknown qualifier {picked['qualifier'][qualifier.isna()].iloc[0]!r}")
    added = picked.reset_index().assign(value=picked["value"].to_numpy() / 100, unit="proportion", qualifier=qualifier.to_numpy())
    return pd.concat([sector[columns], added[columns]], ignore_index=True)


# -- figures: in .figures (re-exported here for callers of the computations) --------------------
from .figures import (  # noqa: E402,F401
    BAND_LABELS,
    POPULATION_LABELS,
    budget_label,
    plot_budgets,
    plot_funnel,
    plot_income_profile,
    plot_shares,
    plot_voluntary_shares,
)
