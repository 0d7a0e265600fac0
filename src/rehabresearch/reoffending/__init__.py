"""Reoffending comparisons: did a sentence or a service change proven reoffending?

Modules:

- ``intervals``: confidence intervals for proportions (Wilson), differences in proportions
  (Newcombe hybrid score), counts per person (exact Poisson, Garwood) and rate ratios (log method).
- ``measures``: the Ministry of Justice headline measures (binary rate, frequency per person and
  per reoffender, time to first reoffence) by any grouping, as tidy tables with intervals.
- ``adjusted``: logistic regression (odds ratios, average marginal effects in percentage points),
  Poisson and negative binomial regression for frequency (rate ratios).
- ``survival``: Kaplan-Meier with number at risk, log-rank test, Cox proportional hazards.
- ``compas``: ProPublica's COMPAS filter and recoding.
- ``series``: selecting and reshaping the MoJ proven reoffending headline series.
- ``matched`` (subpackage) / ``synthetic``: propensity-score matching in the Justice Data Lab style and a
  seeded synthetic cohort calibrated to published MoJ rates.
"""
