"""The financial-aid report (Rossi et al. 1980), section by section: tables, figures, findings, headline numbers.

Computation lives in :mod:`.measures` and :mod:`.survival`; these functions show it.
"""

from __future__ import annotations

import pandas as pd

from .. import formatting as fmt
from .. import wording
from ..reporting import Report, fmt_ci, fmt_pct
from . import figures, survival
from . import measures
from .intervals import interval_text, p_text

FOX = ("Fox and Weisberg (2018), 'Cox proportional-hazards regression for survival data in R', appendix to "
       "An R Companion to Applied Regression (3rd edition), model of the Rossi data")
TERMS = {"fin": "Financial aid (yes vs no)", "age": "Age at release (per year)", "race": "Black (vs not)",
         "wexp": "Full-time work experience (yes vs no)", "mar": "Married at release (yes vs no)",
         "paro": "Released on parole (yes vs no)", "prio": "Prior convictions (per conviction)"}


def source_for(df: pd.DataFrame) -> str:
    """The reader's citation of the data, with the number of men it holds."""
    return f"Rossi, Berk and Lenihan (1980), Money, Work and Crime; data as distributed with the lifelines package ({len(df)} men, Maryland)"


def prepare(df: pd.DataFrame, followup_weeks: int) -> pd.DataFrame:
    """The data with a readable aid group and the binary arrest-within-the-window outcome."""
    return df.assign(aid=df["fin"].map({0: "No aid", 1: "Financial aid"}),
                     arrested=survival.event_within(df, "week", "arrest", followup_weeks))


def arrest_rates(report: Report, df: pd.DataFrame, followup_weeks: int, level: float, source: str) -> None:
    """Section 1: arrest rates by group (Table 1), their difference and ratio (Table 2), and the finding."""
    rates = measures.binary_rate(df, "arrested", by="aid", level=level)
    ci = f"{level:.0%} CI"
    report.table(
        rates[["aid", "people", "reoffenders"]].assign(
            rate=interval_text(100 * rates["rate"], 100 * rates["rate_lo"], 100 * rates["rate_hi"], "{:.1f}"))
        .rename(columns={"aid": "Group", "people": "People", "reoffenders": "Arrested", "rate": f"Arrested, % ({ci})"}),
        f"Table 1: People arrested within {followup_weeks} weeks of release, by financial aid",
        source=source, counts=["People", "Arrested"], linked={"Arrested": [f"Arrested, % ({ci})"], "People": [f"Arrested, % ({ci})"]}, note="Wilson score intervals.")
    diff = measures.compare_rates(df, "arrested", "aid", reference="No aid", level=level)
    d = diff.iloc[0]
    ratio_has_1 = d["rate_ratio_lo"] <= 1 <= d["rate_ratio_hi"]
    diff_has_0 = d["difference_lo"] <= 0 <= d["difference_hi"]
    report.table(
        pd.DataFrame({
            "Arrested, financial aid": diff["rate"].map("{:.1%}".format),
            "Arrested, no aid": diff["ref_rate"].map("{:.1%}".format),
            f"Difference, percentage points ({ci})": interval_text(100 * diff["difference"], 100 * diff["difference_lo"],
                                                                    100 * diff["difference_hi"], "{:+.2f}"),
            "p (two-proportion test)": p_text(diff["p_value"]),
            f"Rate ratio ({ci})": interval_text(diff["rate_ratio"], diff["rate_ratio_lo"], diff["rate_ratio_hi"], "{:.2f}"),
        }),
        f"Table 2: Difference in the {followup_weeks}-week arrest rate, financial aid minus no aid", source=source,
        note="Differences are in percentage points with Newcombe's hybrid score interval; the rate ratio (aid / no aid) uses "
             f"the log method. The ratio's interval {'includes' if ratio_has_1 else 'excludes'} 1 and the difference's interval "
             f"{'includes' if diff_has_0 else 'excludes'} 0" + (": the two methods disagree at the margin, so the evidence is marginal."
                                                                 if ratio_has_1 != diff_has_0 else "."))
    report.finding(
        f"Within {followup_weeks} weeks, {fmt_pct(d['rate'])} of those given financial aid were arrested, against "
        f"{fmt_pct(d['ref_rate'])} of those without, a difference of "
        f"{wording.describe(d['difference'], d['difference_lo'], d['difference_hi'], d['p_value'], kind='pp', level=level, dp=2)} "
        "(two-proportion test; Newcombe interval).",
        source="Table 2 above; " + source, key=True)
    for key, col, lab in (("arrest_rate_aid", "rate", f"{followup_weeks}-week arrest rate, financial aid"),
                          ("arrest_rate_no_aid", "ref_rate", f"{followup_weeks}-week arrest rate, no aid"),
                          ("difference", "difference", "Difference (aid minus no aid)"),
                          ("difference_lo", "difference_lo", f"Difference, lower {level:.0%} limit"),
                          ("difference_hi", "difference_hi", f"Difference, upper {level:.0%} limit")):
        report.result(key, float(d[col]), label=lab, unit="proportion", source=source)


def time_to_arrest(report: Report, df: pd.DataFrame, followup_weeks: int, risk_times: list, level: float, source: str) -> None:
    """Section 2: Kaplan-Meier curves with numbers at risk, the share not arrested at the end (Table 3), log-rank test."""
    km = survival.kaplan_meier(df, "week", "arrest", by="aid", level=level)
    at_risk = survival.number_at_risk(df, "week", "arrest", "aid", risk_times)
    report.figure(figures.km_plot(km, at_risk, group="aid", title="Share not yet re-arrested, by financial aid",
                                   time_label="Weeks since release", survival_label="Not yet arrested (%)", source=source))
    at_end = survival.survival_at(df, "week", "arrest", followup_weeks, by="aid", level=level)
    report.table(
        at_end[["aid", "people", "events", "event_free"]].assign(
            share=interval_text(100 * at_end["survival"], 100 * at_end["lo"], 100 * at_end["hi"], "{:.1f}")).rename(columns={
            "aid": "Group", "people": "People", "events": "Arrested", "event_free": "Not arrested", "share": f"Share not arrested, % ({level:.0%} CI)"}),
        f"Table 3: Kaplan–Meier estimate of the share not arrested at week {followup_weeks}", source=source,
        counts=["People", "Arrested", "Not arrested"],
        note=f"With everyone followed for the full {followup_weeks} weeks the Kaplan–Meier share equals the simple share not arrested.")
    lr = survival.logrank(df, "week", "arrest", "aid")
    ends = at_end.set_index("aid")
    aid, none = ends.loc["Financial aid"], ends.loc["No aid"]
    report.finding(
        f"At week {followup_weeks}, {aid['survival']:.1%} of those given aid had not been arrested "
        f"({fmt_ci(aid['lo'], aid['hi'], level=level)}) against {none['survival']:.1%} ({none['lo']:.1%} to {none['hi']:.1%}) of those without. "
        f"The log-rank test of the whole curves gives chi-squared {lr['statistic']:.2f} on {lr['df']} degree of freedom, "
        f"{fmt.p_value(lr['p_value'])}: {wording.evidence_words(lr['p_value'])} in the time to first arrest between "
        "those given aid and those not.", source="Table 3 and the chart above; " + source, key=True)
    report.result("km_end_no_aid", float(none["survival"]), label=f"Kaplan–Meier share not arrested at week {followup_weeks}, no aid",
                  unit="proportion", source=source)
    report.result("km_end_aid", float(aid["survival"]), label=f"Kaplan–Meier share not arrested at week {followup_weeks}, financial aid",
                  unit="proportion", source=source)
    report.result("logrank_p", lr["p_value"], label="Log-rank test p-value (aid vs no aid)", source=source)


def cox_model(report: Report, df: pd.DataFrame, covariates: list, level: float, source: str) -> None:
    """Section 3: the published Cox model reproduced (Table 4) and its findings."""
    cox = survival.cox_ph(df, "week", "arrest", covariates, level=level)
    report.table(
        cox.table.assign(term=cox.table["term"].map(lambda t: TERMS.get(t, t)),
                         hr=interval_text(cox.table["hazard_ratio"], cox.table["hr_lo"], cox.table["hr_hi"], "{:.3f}"),
                         p=p_text(cox.table["p_value"]))[["term", "coef", "se", "hr", "p"]]
        .rename(columns={"term": "Term", "coef": "Coefficient (log hazard)", "se": "Standard error", "hr": f"Hazard ratio ({level:.0%} CI)", "p": "p"}),
        "Table 4: Cox model of time to first arrest (Efron ties)", source=source + "; published model: " + FOX,
        formats={"Coefficient (log hazard)": "{:.5f}", "Standard error": "{:.5f}"},
        note=f"{cox.n} people, {cox.events} arrests. Likelihood-ratio test {cox.lr_statistic:.2f} on {cox.lr_df} degrees of freedom "
             f"(p {'< 0.001' if cox.lr_p_value < 0.001 else '= ' + p_text(cox.lr_p_value)[0]}); "
             f"concordance {cox.concordance:.3f}. The coefficients equal the published ones to the 5 decimals shown.")
    terms = cox.table.set_index("term")
    fin = terms.loc["fin"]
    report.finding(
        "Holding the other characteristics constant, financial aid is associated with a hazard ratio for arrest of "
        f"{wording.describe(fin['hazard_ratio'], fin['hr_lo'], fin['hr_hi'], fin['p_value'], kind='ratio', level=level)} "
        "(a ratio below 1 means arrest came later or less often).",
        source="Table 4; the model reproduces the published coefficients in " + FOX, key=True)
    prio, age = terms.loc["prio"], terms.loc["age"]
    report.finding(
        f"Each prior conviction multiplies the hazard of arrest by {prio['hazard_ratio']:.3f} "
        f"({fmt_ci(prio['hr_lo'], prio['hr_hi'], dp=3, pct=False, level=level)}) and each extra year of age "
        f"by {age['hazard_ratio']:.3f} ({fmt_ci(age['hr_lo'], age['hr_hi'], dp=3, pct=False, level=level)}).", source="Table 4; " + source)
    report.result("cox_fin_coef", float(fin["coef"]), label="Cox coefficient for financial aid", source=source)
    report.result("cox_fin_hr", float(fin["hazard_ratio"]), label="Hazard ratio for financial aid", source=source)
    report.result("cox_lr_statistic", cox.lr_statistic, label=f"Cox model likelihood-ratio statistic ({cox.lr_df} df)", source=source)
