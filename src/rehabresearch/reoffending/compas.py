"""ProPublica's COMPAS analysis: their row filter, reference levels and models, on the two-year data.

Source: Larson, Mattu, Kirchner and Angwin (2016), "How we analyzed the COMPAS recidivism
algorithm", ProPublica, and their R notebook (Compas Analysis.ipynb) at commit bafff5d. Only the
columns an analysis needs are kept by :func:`analysis_frame`, so free-text and date fields never
reach a report; direct identifiers are already dropped by the catalog at load.
"""

from __future__ import annotations

import pandas as pd

from . import adjusted
from .measures import require_binary, require_columns

__all__ = [
    "AGE_LABELS",
    "ANALYSIS_COLUMNS",
    "REFERENCE_LEVELS",
    "SCREENING_WINDOW_DAYS",
    "analysis_frame",
    "term_label",
    "propublica_filter",
    "recidivism_model",
    "score_model",
]

#: ProPublica kept cases whose COMPAS screening was within 30 days of the arrest.
SCREENING_WINDOW_DAYS = 30
#: Reference levels in ProPublica's logistic model of the score.
REFERENCE_LEVELS = {"sex": "Male", "age_cat": "25 - 45", "race": "Caucasian", "c_charge_degree": "F"}
#: Display names for the age bands.
AGE_LABELS = {"Less than 25": "Under 25", "25 - 45": "25 to 45", "Greater than 45": "Over 45"}
#: Plain-English names for the model terms (reference levels: male, 25 to 45, Caucasian, felony charge).
_TERM_LABELS = {"const": "Baseline (intercept)", "sex[Female]": "Female (vs male)",
                "age_cat[Greater than 45]": "Aged over 45 (vs 25 to 45)", "age_cat[Less than 25]": "Aged under 25 (vs 25 to 45)",
                "priors_count": "Each prior offence", "c_charge_degree[M]": "Misdemeanour charge (vs felony)",
                "two_year_recid": "Charged again within two years"}
#: The only columns an analysis of the two-year data needs.
ANALYSIS_COLUMNS = ["sex", "age_cat", "race", "priors_count", "c_charge_degree", "score_text", "decile_score",
                    "two_year_recid"]
_FILTER_COLUMNS = ["days_b_screening_arrest", "is_recid", "c_charge_degree", "score_text"]


def term_label(term: str) -> str:
    """A model term ('race[Hispanic]', 'priors_count') in words for a report; unknown terms raise KeyError."""
    if term.startswith("race[") and term.endswith("]"):
        return f"Race: {term[5:-1]} (vs Caucasian)"
    if term not in _TERM_LABELS:
        raise KeyError(f"no readable label for model term {term!r}")
    return _TERM_LABELS[term]


def propublica_filter(df: pd.DataFrame, window_days: int = SCREENING_WINDOW_DAYS) -> pd.DataFrame:
    """Rows ProPublica kept: screening within ``window_days`` of arrest, a known recidivism flag,
    not an ordinary-traffic ('O') charge, and a score. Missing ``days_b_screening_arrest`` is dropped."""
    require_columns(df, _FILTER_COLUMNS, "COMPAS data")
    days = pd.to_numeric(df["days_b_screening_arrest"], errors="coerce")
    keep = (days.between(-window_days, window_days) & (pd.to_numeric(df["is_recid"]) != -1)
            & (df["c_charge_degree"] != "O") & (df["score_text"].fillna("N/A") != "N/A"))
    return df.loc[keep]


def analysis_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The analysis columns only, plus ``high_score`` (1 when the score is Medium or High, as ProPublica)."""
    require_columns(df, ANALYSIS_COLUMNS, "COMPAS data")
    out = df[ANALYSIS_COLUMNS].copy()
    require_binary(out, "two_year_recid")
    out["high_score"] = (out["score_text"] != "Low").astype(int)
    return out.reset_index(drop=True)


def score_model(df: pd.DataFrame, level: float = 0.95) -> adjusted.LogisticResult:
    """ProPublica's model: Medium/High score ~ sex + age band + race + priors + charge degree + two-year recidivism."""
    return adjusted.logistic(df, "high_score", ["sex", "age_cat", "race", "priors_count", "c_charge_degree",
                                                "two_year_recid"], REFERENCE_LEVELS, level)


def recidivism_model(df: pd.DataFrame, level: float = 0.95) -> adjusted.LogisticResult:
    """Two-year recidivism ~ sex + age band + race + priors + charge degree (the adjusted cohort comparison)."""
    return adjusted.logistic(df, "two_year_recid", ["sex", "age_cat", "race", "priors_count", "c_charge_degree"],
                             REFERENCE_LEVELS, level)
