"""The parts of the matched report beyond the core comparison, assembled from a finished
:class:`~.comparison.MatchedComparison`: the Justice Data Lab's own form (its sentences, the "100
typical people" table, the forest plot and the attrition diagram), sensitivity to hidden bias
(Rosenbaum bounds and the E-value, benchmarked against the observed covariates), the robustness table
(other estimators of the effect on the treated) and Kaplan-Meier curves after matching.

The methods live in their own modules (``jdl``, ``jdl_figures``, ``sensitivity``, ``sensitivity_text``,
``estimators``, ``variance``, ``survival``); this module only chooses their inputs from the comparison
and applies the report's disclosure rule (:mod:`.suppression`): an outcome whose figures would reveal
a small count is left out of every part and the report says so.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ... import disclosure
from . import estimators, jdl, jdl_figures, sensitivity, sensitivity_text, survival, variance
from .suppression import suppression_table, withheld_statement
from .wording import _pct

#: The JDL's three headline outcomes and the synthetic cohort's columns for them (a report parameter).
DEFAULT_JDL_OUTCOMES = {"rate": "reoffended", "frequency": "reoffences", "time": "days_to_first_reoffence"}


def _hidden(res, threshold) -> pd.Series:
    return suppression_table(res.effects.set_index("outcome"), threshold)["any"]


def jdl_effects(res, jdl_outcomes: Mapping[str, str] | None = None) -> dict[str, dict]:
    """The comparison's effect dicts keyed by JDL outcome ("rate", "frequency", "time"), for the
    outcomes present; ``jdl_outcomes`` maps each JDL outcome to its column."""
    effects = res.effects.set_index("outcome")
    mapping = dict(DEFAULT_JDL_OUTCOMES if jdl_outcomes is None else jdl_outcomes)
    unknown = set(mapping) - set(jdl.OUTCOMES)
    if unknown:
        raise ValueError(f"jdl_outcomes has unknown key(s) {sorted(unknown)}; use {list(jdl.OUTCOMES)}")
    return {key: {"outcome": col, **effects.loc[col].to_dict()} for key, col in mapping.items() if col in effects.index}


def treated_reoffenders(res, jdl_outcomes: Mapping[str, str] | None = None) -> int | None:
    """How many matched treated people reoffended: from the rate (mean x people), else the people with a
    time to first reoffence; None when neither outcome is present."""
    eff = jdl_effects(res, jdl_outcomes)
    if "rate" in eff:
        return int(round(eff["rate"]["treated mean"] * eff["rate"]["treated people"]))
    if "time" in eff:
        return int(eff["time"]["treated people"])
    return None


def jdl_section(res, jdl_outcomes: Mapping[str, str] | None = None, *, labels: Mapping[str, str] | None = None,
                service: str = "the service", threshold: int = disclosure.DEFAULT_THRESHOLD) -> dict:
    """Everything the JDL form shows, for the outcomes whose figures may be shown.

    Returns ``findings`` (one sentence per JDL outcome, the withheld sentence for a hidden one, the
    reason when the time to first reoffence is not a headline), ``typical`` (the "100 typical people"
    table, display-ready), ``heading`` (its opening sentence), ``can say`` (table of what a reader can
    and cannot conclude) and ``forest`` (rows for :func:`.jdl_figures.forest_plot`, every shown
    outcome; other outcomes on their own scale, named by ``labels``).
    """
    level = res.level
    hidden = _hidden(res, threshold)
    eff = jdl_effects(res, jdl_outcomes)
    shown = {k: e for k, e in eff.items() if not hidden[e["outcome"]]}
    reoffenders = treated_reoffenders(res, jdl_outcomes)
    findings = []
    if shown:
        table = jdl.jdl_findings(shown, level=level, treated_reoffenders=reoffenders)
        for row in table.to_dict("records"):
            findings.append(row["sentence"] if row["headline"] else row["note"])
    for key in eff:
        if key not in shown:
            findings.append(withheld_statement(jdl.OUTCOMES[key]["measure"][0].lower() + jdl.OUTCOMES[key]["measure"][1:],
                                               threshold))
    typical = jdl.typical_100_table(shown, level=level) if shown else pd.DataFrame()
    if not typical.empty:
        typical = typical.rename(columns={"measure": "Measure", "unit": "Unit", "treatment group": "Treatment group",
                                          "comparison group": "Comparison group", "difference": "Difference",
                                          "statistically significant": "Statistically significant"})
        pct = _pct(level)
        typical[f"{pct} confidence interval"] = [f"{lo:+,} to {hi:+,}" for lo, hi in
                                                  zip(typical.pop(f"{pct} interval low"), typical.pop(f"{pct} interval high"))]
        typical["Statistically significant"] = typical["Statistically significant"].map({True: "yes", False: "no"})
    can = (jdl.can_and_cannot_say(shown, service=service, level=level, treated_reoffenders=reoffenders)
           if shown else pd.DataFrame(columns=["outcome", "can say", "cannot say"]))
    others = {o: {"outcome": o, **e} for o, e in res.effects.set_index("outcome").iterrows()
              if o not in {e2["outcome"] for e2 in eff.values()} and not hidden[o]}
    forest = jdl.forest_rows({**shown, **others}, labels=labels)
    return {"findings": findings, "typical": typical, "heading": jdl.typical_100_heading(),
            "can say": can.rename(columns={"can say": "What you can say", "cannot say": "What you cannot say"})
            .drop(columns="outcome"), "forest": forest, "hidden": [e["outcome"] for k, e in eff.items() if k not in shown]}


def attrition(res) -> pd.DataFrame:
    """The attrition table of the treatment group: submitted, after removing duplicate rows (when any
    were dropped), matched within the caliper, analysed (headline outcome known)."""
    m = res.matching
    first = res.effects.iloc[0]
    submitted = res.treated_submitted if res.treated_submitted is not None else m.n_treated
    stages = [("Treatment group submitted", submitted)]
    reasons = []
    if submitted != m.n_treated:
        stages.append(("After removing duplicate rows", m.n_treated))
        reasons.append("exact duplicate rows")
    stages.append(("Matched to a comparison person", m.n_matched_treated))
    reasons.append("no comparison person within the caliper")
    stages.append(("Analysed (headline outcome known)", int(first["treated people"])))
    reasons.append("outcome not known")
    return jdl_figures.attrition_table(stages, reasons)


def robustness(res, outcome: str | None = None, *, threshold: int = disclosure.DEFAULT_THRESHOLD):
    """The effect on the treated by other estimators on the same data: inverse-probability (odds)
    weighting, doubly robust augmented IPW and regression adjustment on the matched sample (clustered
    by matched set without replacement, by person with it), beside the matched estimate.

    Returns ``(table, sentence)``, or ``(None, reason)`` when it cannot be shown (a hidden outcome, an
    outcome defined only for some people, or an estimator that cannot be fitted)."""
    effects = res.effects.set_index("outcome")
    outcome = outcome or effects.index[0]
    if _hidden(res, threshold)[outcome]:
        return None, withheld_statement("robustness table", threshold)
    y = pd.to_numeric(res.data[outcome], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(y).all():
        return None, ("The robustness table needs an outcome known for everyone; this outcome is defined only for "
                      "some people.")
    e = effects.loc[outcome]
    t = res.matching.treated
    X = res.design.matrix
    level = res.level
    sets = None if res.matching.replace else _matched_sets(res.matching)
    try:
        others = [estimators.ipw_att(y, t, res.propensity.score, level=level),
                  estimators.aipw_att(y, t, res.propensity.score, X, level=level),
                  estimators.regression_att(y, t, X, res.matching.weights, sets, level=level)]
    except (estimators.EstimatorError, ValueError) as exc:
        return None, f"The robustness table could not be computed: {exc}."
    matched = {"estimator": "Nearest-neighbour matching (headline)", "estimate": e["difference"], "low": e["low"],
               "high": e["high"], "standard error": e["standard error"]}
    table, agree = estimators.robustness_table(matched, others)
    scale, unit = (100.0, " pp") if e["kind"] == "binary" else (1.0, "")
    dp = 1 if e["kind"] == "binary" else 3
    shown = pd.DataFrame({
        "Estimator": table["estimator"],
        "Effect on the treated": [f"{scale * v:+,.{dp}f}{unit}" for v in table["estimate"]],
        f"{_pct(level)} confidence interval": [f"{scale * lo:+,.{dp}f} to {scale * hi:+,.{dp}f}{unit}"
                                               for lo, hi in zip(table["low"], table["high"])],
        "Contains the matched estimate": table["contains matched estimate"].map({True: "yes", False: "no"}),
    })
    return shown, sensitivity_text.robustness_sentence(agree, level=level)


def _matched_sets(m) -> np.ndarray:
    """Matched-set label per row (the treated person's row; -1 for people not used), without replacement."""
    sets = np.full(len(m.weights), -1, dtype=np.int64)
    sets[m.pair_treated] = m.pair_treated
    sets[m.pair_control] = m.pair_treated
    return sets


def sensitivity_findings(res, outcome: str | None = None, *, measure: str = "the outcome",
                         service: str = "the service", threshold: int = disclosure.DEFAULT_THRESHOLD) -> list[str]:
    """Sentences on hidden bias for one outcome: Rosenbaum's Γ (or what is done instead when pairs are not
    defined, e.g. matching with replacement), the E-value for the estimate and its interval, and how that
    compares with the strongest observed covariate."""
    effects = res.effects.set_index("outcome")
    outcome = outcome or effects.index[0]
    if _hidden(res, threshold)[outcome]:
        return [withheld_statement(f"sensitivity analysis of the {measure}", threshold)]
    e = effects.loc[outcome]
    y = pd.to_numeric(res.data[outcome], errors="coerce").to_numpy(dtype=float)
    m = res.matching
    out = []
    bounds = sensitivity.rosenbaum_for_matching(y, m.pair_treated, m.pair_control, replace=m.replace, kind=e["kind"],
                                                level=res.level)
    if bounds["result"] is None:
        out.append(" ".join(bounds["notes"]))
    else:
        out.append(sensitivity_text.rosenbaum_sentence(bounds["result"], treatment=service,
                                                       note=" ".join(bounds["notes"]) or None))
    used = m.weights > 0
    sd = float(np.nanstd(y[used], ddof=1)) if e["kind"] == "continuous" else None
    try:
        ev = sensitivity.e_value_for_effect(e.to_dict(), kind=e["kind"], sd=sd, level=res.level)
    except sensitivity.SensitivityError as exc:
        out.append(f"The E-value cannot be computed: {exc}.")
        return out
    out.append(sensitivity_text.e_value_sentence(ev, treatment=service, outcome=measure))
    balance = pd.DataFrame(res.design.balance_matrix, columns=list(res.design.balance_names))
    balance[outcome] = y
    try:
        bench = sensitivity.covariate_benchmarks(balance, m.treated, outcome, list(res.design.balance_names),
                                                 labels=res.labels)
    except sensitivity.SensitivityError as exc:
        out.append(f"The observed characteristics could not serve as a benchmark: {exc}.")
        return out
    out.append(sensitivity_text.benchmark_sentence(ev, bench))
    return out


def survival_curves(res, time: str, event: str, *, follow_up: float = 365.0,
                    threshold: int = disclosure.DEFAULT_THRESHOLD):
    """Kaplan-Meier curves of time to first reoffence for the matched groups, with the matching weights.

    ``time`` holds the days to first reoffence (missing for people who did not reoffend), ``event`` the
    0/1 reoffended column; people without an event are censored at ``follow_up`` days. Returns
    ``(curves, at_risk, logrank)`` for ``rehabresearch.reoffending.survival.km_plot``, or ``None`` when
    the curves would show a count of people below ``threshold`` (events or people at risk)."""
    d = res.data
    ev = pd.to_numeric(d[event], errors="coerce").to_numpy(dtype=float)
    days = pd.to_numeric(d[time], errors="coerce").to_numpy(dtype=float)
    tt = np.where(ev == 1, days, follow_up)
    w = res.matching.weights
    curves = survival.matched_kaplan_meier(tt, ev, res.matching.treated, w, level=res.level)
    times = np.unique(np.r_[np.arange(0.0, follow_up - 45.0, 90.0), follow_up])  # quarters, and the end
    at_risk = survival.matched_number_at_risk(tt, res.matching.treated, w, times)
    counts = np.r_[at_risk.drop(columns="group").to_numpy().ravel(),
                   curves.groupby("group")["events"].sum().to_numpy()]
    if disclosure.is_small(counts, threshold).any():
        return None
    return curves, at_risk, survival.matched_logrank(tt, ev, res.matching.treated, w)


def clustered_effects(res, *, threshold: int | None = None) -> pd.DataFrame:
    """The effects with standard errors that respect the matching (matched sets as clusters without
    replacement; persons, with their weights, with replacement; :mod:`.variance`), for outcomes known
    for everyone: columns outcome, estimate, low, high, standard error, clustered by."""
    rows = []
    m = res.matching
    for o in res.effects["outcome"]:
        y = pd.to_numeric(res.data[o], errors="coerce").to_numpy(dtype=float)
        try:
            r = variance.matched_difference_from_pairs(y, m.pair_treated, m.pair_control, replace=m.replace,
                                                       level=res.level)
        except variance.VarianceError:
            continue
        rows.append({"outcome": o, **{k: r[k] for k in ("estimate", "low", "high", "standard error", "clustered by")}})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# The report's sections as items (tables, findings, figures) for the notebook to show in order
# --------------------------------------------------------------------------------------------
def show(report, items: list[tuple]) -> None:
    """Show items on a report page: ``("table", frame, caption, note)``, ``("finding", text, source)`` or
    ``("figure", fig)``; every table gets ``source`` from the item list's context (``("source", text)``)."""
    source = None
    for item in items:
        if item[0] == "source":
            source = item[1]
        elif item[0] == "table":
            report.table(item[1], item[2], source=source, note=item[3])
        elif item[0] == "finding":
            report.finding(item[1], source=item[2])
        elif item[0] == "figure":
            report.figure(item[1])


def jdl_items(res, jdl_outcomes, *, labels=None, service="the service", source=None,
              threshold=disclosure.DEFAULT_THRESHOLD, table=8) -> list[tuple]:
    """The JDL form: the "100 typical people" table, the JDL sentences, what can and cannot be said,
    the forest plot and the attrition diagram."""
    j = jdl_section(res, jdl_outcomes, labels=labels, service=service, threshold=threshold)
    items = [("source", source)]
    if not j["typical"].empty:
        items.append(("table", j["typical"], f"Table {table}: For 100 typical people (Justice Data Lab form)",
                      j["heading"]))
    items += [("finding", text, f"Table {table}") for text in j["findings"]]
    if not j["can say"].empty:
        items.append(("table", j["can say"], f"Table {table + 1}: What you can and cannot say", None))
    if len(j["forest"]):
        items.append(("figure", jdl_figures.forest_plot(j["forest"], level=res.level, source=source)[0]))
    items.append(("figure", jdl_figures.attrition_plot(attrition(res), source=source, threshold=threshold)[0]))
    return items


def sensitivity_items(res, wording: Mapping[str, Mapping], labels: Mapping[str, str], *, service="the service",
                      threshold=disclosure.DEFAULT_THRESHOLD) -> list[tuple]:
    """Sensitivity findings for every outcome known for everyone (binary and continuous)."""
    items = []
    complete = [e["outcome"] for e in res.effects.to_dict("records")
                if np.isfinite(pd.to_numeric(res.data[e["outcome"]], errors="coerce")).all()]
    for o in complete:
        for text in sensitivity_findings(res, o, measure=f"the {wording[o]['measure']}", service=service,
                                         threshold=threshold):
            items.append(("finding", text, f"Table 5 ({labels.get(o, o)})"))
    return items


def robustness_items(res, outcome: str, measure: str, *, source=None, threshold=disclosure.DEFAULT_THRESHOLD,
                     table=10) -> list[tuple]:
    """The robustness table for ``outcome`` and whether the estimators agree."""
    shown, sentence = robustness(res, outcome, threshold=threshold)
    items = [("source", source)]
    if shown is not None:
        items.append(("table", shown, f"Table {table}: The effect on the treated by other estimators ({measure})", None))
    items.append(("finding", sentence, f"Table {table}" if shown is not None else None))
    return items


def survival_items(res, columns: Mapping | None, *, source=None, threshold=disclosure.DEFAULT_THRESHOLD) -> list[tuple]:
    """Kaplan-Meier curves of the matched groups with a log-rank test, where the data have the columns."""
    from ..survival import km_plot

    columns = dict(columns or {})
    if not columns or not {columns.get("time"), columns.get("event")} <= set(res.data.columns):
        return [("finding", "The data give no time to first reoffence, so no survival curves are drawn.", None)]
    km = survival_curves(res, columns["time"], columns["event"], follow_up=columns.get("follow_up_days", 365),
                         threshold=threshold)
    if km is None:
        return [("finding", f"The survival curves are not shown: they would reveal a count of fewer than {threshold} "
                 "people.", None)]
    fig = km_plot(km[0], km[1], group="group", title="Share of the matched groups not yet reoffended",
                  time_label="Days since the start of the follow-up year", source=source)
    exact = "" if km[2]["exact"] else " (approximate: some comparison people carry fractional weights)"
    return [("figure", fig), ("finding", f"A log-rank test of the two matched groups' curves gives "
                             f"p = {km[2]['p_value']:.3f}{exact}.", "Kaplan-Meier curves")]
