"""A seeded SYNTHETIC cohort for matched comparisons, with a known true effect on the treated.

No real person is in it. It imitates the shape of a Justice Data Lab request: a large pool of
adults released from custody or starting a court order, a small treatment group selected on their
characteristics (so an unadjusted comparison is biased), and one-year proven reoffending outcomes.

Calibration (targets met exactly in the comparison world, i.e. with nobody treated, by solving for
the intercept / scale on the drawn covariates):

- binary one-year proven reoffending rate 35.2%: adults released from custody or starting a court
  order, Apr-Jun 2023 cohort (Ministry of Justice, Proven reoffending statistics quarterly bulletin,
  April to June 2023);
- 3.1 proven reoffences per reoffender: adults, Apr 2013-Mar 2014 (367,605 / 117,864; Ministry of
  Justice, Proven re-offending statistics, April 2013 to March 2014, old measure).

Everything else (covariate distributions, the coefficients linking them to reoffending and to
selection into treatment, the timing of first reoffences) is illustrative, chosen only to have the
expected signs: younger people, more previous offences, no employment, custody and substance misuse
raise reoffending; the service is more likely to take employed, older people with fewer previous
offences ("creaming"), so the raw treated rate is flattering.

The treatment changes each treated person's probability of a proven reoffence by ``true_effect``
(a difference of proportions). Potential outcomes share one uniform draw per person, so the
realised effect on the treated is known exactly; it is stored in ``df.attrs``:
``true_effect`` (the parameter), ``true_att`` (mean change in probability over the treated) and
``true_att_sample`` (mean change in the realised 0/1 outcome over the treated).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, special

#: Adults released from custody or starting a court order, Apr-Jun 2023 cohort: 35.2% (MoJ).
TARGET_RATE = 0.352
#: Adults, Apr 2013-Mar 2014: 367,605 reoffences by 117,864 reoffenders = 3.1 per reoffender (MoJ).
TARGET_PER_REOFFENDER = 3.1
#: Illustrative share of the pool in the treatment group (JDL groups are small next to the pool).
DEFAULT_TREATED_SHARE = 0.03
#: Illustrative true effect on the treated: 4 percentage points fewer reoffenders, the order of the
#: MoJ (2015) matched estimates for community orders versus short custody (Mews, Hillier, McHugh and
#: Coxon 2015, The impact of short custodial sentences, community orders and suspended sentence orders
#: on re-offending; seed 004_b8f5abea2c1f2974.txt, para 34).
DEFAULT_TRUE_EFFECT = -0.04

#: Illustrative log-odds coefficients for reoffending (comparison world).
OUTCOME_COEF = {"age10": -0.35, "female": -0.2, "log_priors": 0.45, "employed": -0.45, "custody": 0.3,
                "substance_misuse": 0.5}
#: Illustrative log-odds coefficients for selection into the service.
SELECTION_COEF = {"age10": 0.2, "female": 0.3, "log_priors": -0.35, "employed": 0.7, "custody": -0.3,
                  "substance_misuse": 0.25}

COVARIATES = ["age", "female", "prior_offences", "employed", "custody", "substance_misuse"]


def _solve_intercept(linear: np.ndarray, target: float) -> float:
    """Intercept a such that mean(expit(a + linear)) == target."""
    def gap(a: float) -> float:
        return np.mean(special.expit(a + linear)) - target

    return float(optimize.brentq(gap, -30.0, 30.0, xtol=1e-12))


def jdl_cohort(
    n: int = 40_000,
    seed: int = 2024,
    *,
    treated_share: float = DEFAULT_TREATED_SHARE,
    true_effect: float = DEFAULT_TRUE_EFFECT,
    target_rate: float = TARGET_RATE,
    target_per_reoffender: float = TARGET_PER_REOFFENDER,
) -> pd.DataFrame:
    """SYNTHETIC cohort of ``n`` adults with covariates, a treatment flag and reoffending outcomes.

    Columns: age (years), female, prior_offences, employed, custody (released from custody rather
    than starting a court order), substance_misuse, treated, reoffended (0/1 within a year),
    reoffences (count within a year), days_to_first_reoffence (missing if none). Calibrated to MoJ
    published rates (module docstring); the true effect is in ``df.attrs``.
    """
    if not (isinstance(n, (int, np.integer)) and n >= 100):
        raise ValueError(f"n must be a whole number of at least 100, got {n!r}")
    if not 0 < treated_share < 0.5:
        raise ValueError(f"treated_share must be between 0 and 0.5, got {treated_share!r}")
    if not -0.5 < true_effect < 0.5:
        raise ValueError(f"true_effect is a difference of proportions between -0.5 and 0.5, got {true_effect!r}")
    if not 0 < target_rate < 1:
        raise ValueError(f"target_rate must be a proportion, got {target_rate!r}")
    if not target_per_reoffender > 1:
        raise ValueError(f"target_per_reoffender must exceed 1, got {target_per_reoffender!r}")
    rng = np.random.default_rng(seed)
    age = np.minimum(18 + rng.gamma(2.0, 8.0, n), 80).round().astype(np.int64)
    female = (rng.random(n) < 0.15).astype(np.int64)
    priors = rng.negative_binomial(1.2, 1.2 / (1.2 + 9.0), n).astype(np.int64)
    employed = (rng.random(n) < 0.45 - 0.004 * np.minimum(priors, 30)).astype(np.int64)
    custody = (rng.random(n) < 0.25 + 0.01 * np.minimum(priors, 30)).astype(np.int64)
    substance = (rng.random(n) < 0.35 + 0.005 * np.minimum(priors, 30)).astype(np.int64)
    feats = {"age10": (age - 30) / 10.0, "female": female, "log_priors": np.log1p(priors), "employed": employed,
             "custody": custody, "substance_misuse": substance}

    lin_y = sum(OUTCOME_COEF[k] * feats[k] for k in OUTCOME_COEF)
    p0 = 1.0 / (1.0 + np.exp(-(_solve_intercept(lin_y, target_rate) + lin_y)))
    lin_t = sum(SELECTION_COEF[k] * feats[k] for k in SELECTION_COEF)
    p_treat = 1.0 / (1.0 + np.exp(-(_solve_intercept(lin_t, treated_share) + lin_t)))
    treated = rng.random(n) < p_treat
    p1 = np.clip(p0 + true_effect, 0.0, 1.0)

    u = rng.random(n)
    y0, y1 = u < p0, u < p1
    # Reoffences per reoffender: 1 + negative binomial extra, mean rising with previous offences,
    # scaled so the comparison-world mean per reoffender is the target.
    shape = np.exp(0.3 * feats["log_priors"])
    extra_mean = shape * (target_per_reoffender - 1) / np.mean(shape[y0])
    extra = rng.negative_binomial(2.0, 2.0 / (2.0 + extra_mean))
    days = np.ceil(365 * rng.beta(0.9, 1.6, n)).clip(1, 365)

    y = np.where(treated, y1, y0)
    df = pd.DataFrame({
        "person_id": np.arange(1, n + 1, dtype=np.int64),  # an identifier, as real data has: no two rows coincide
        "age": age, "female": female, "prior_offences": priors, "employed": employed, "custody": custody,
        "substance_misuse": substance, "treated": treated.astype(np.int64), "reoffended": y.astype(np.int64),
        "reoffences": np.where(y, 1 + extra, 0).astype(np.int64),
        "days_to_first_reoffence": np.where(y, days, np.nan),
    })
    df.attrs.update({
        "synthetic": True,
        "true_effect": float(true_effect),
        "true_att": float(np.mean(p1[treated] - p0[treated])),
        "true_att_sample": float(np.mean(y1[treated].astype(float) - y0[treated])),
        "calibration": (f"the one-year proven reoffending rate is {target_rate:.1%} and there are "
                        f"{target_per_reoffender} reoffences per reoffender"),
    })
    return df
