"""The contact-tiers report, section by section: tables, figures, findings and headline numbers.

The simulation runs in the notebook (so its scale-out options stay visible there); everything it shows is
built here from the replicate frames, with figures from :mod:`.figures` and shared words from :mod:`.wording`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import sources
from ..reporting import Report, fmt_num
from . import figures, microsim, policies as pol, tiering, workload, wording

SYNTH = "Synthetic cohort simulated for this report (illustrative parameters, see the assumptions above)"
TIERING = "HMPPS tiering service, version-2 rules (open source: GitHub ministryofjustice/hmpps-tier)"
WMT = ("HMPPS Workload Measurement Tool: points per case by tier and case type, and available points "
       "(open source: GitHub ministryofjustice, wmt reference data)")
RESET = "HMPPS Probation Reset (2024): licence supervision ends at the two-thirds point, with exceptions"
CONSULT = sources.cite("moj_strengthening_probation_response_2019", "Question 2 summary of responses")
CLINKS = sources.cite("clinks_consultation_response_2018", "Question 2")
BARNES = ("Barnes, Ahlman, Gill, Sherman, Kurtz and Malvestuto (2010), 'Low-intensity community supervision for "
          "low-risk offenders: a randomized, controlled trial', Journal of Experimental Criminology 6(2)")
BOURGON = ("Bourgon and Armstrong (2005), 'Transferring the principles of effective treatment into a real world "
           "prison setting', Criminal Justice and Behavior 32(1)")
#: Weeks in a mean month (52 weeks / 12 months), to put months of four and five weeks on one footing.
WEEKS_PER_MONTH = 52 / 12


def per_mean_month(reps: pd.DataFrame) -> pd.Series:
    """Officer hours in each row's month rescaled to a mean month (months of 4 and 5 weeks made comparable)."""
    return reps["officer_hours"] / reps["weeks_in_month"] * WEEKS_PER_MONTH


@dataclass
class ContactReport:
    """What every section needs: the report, the policies, the replicate frames and the run's settings."""

    report: Report
    chosen: list
    reps: pd.DataFrame
    n_people: int
    weeks: int
    seeds: list
    level: float
    people_per_officer: float

    def __post_init__(self) -> None:
        self.labels = {p.name: p.label for p in self.chosen}
        self.reps = self.reps.assign(officer_hours_per_month=per_mean_month(self.reps), protect_level=self.reps["tier"].str[0])
        self.officers = self.n_people / self.people_per_officer
        self.totals = microsim.rate_summary(self.reps, ["policy"], ["attended", "face_to_face", "officer_hours", "breaches", "recalls"],
                                            level=self.level).set_index("policy")


def policies_table(ctx: ContactReport) -> None:
    """Table 1: the contact policies compared."""
    ctx.report.table(pol.describe_policies(ctx.chosen),
                     "Table 1: Contact policies compared: how often each protect level is seen, by what means, and what happens after a miss",
                     source="Policy files bundled with this project; shapes from " + CLINKS + " and " + CONSULT + "; phase lengths illustrative",
                     note="Schedules run on the taper clock: weeks under supervision, or for the tiered policies weeks of progress "
                          "(the clock pauses after a missed contact). Protect level A is the highest risk of serious harm, D the lowest.")


def cohort_tables(ctx: ContactReport, cohort: pd.DataFrame) -> None:
    """Table 2 (people by protect and change level) and the cohort's illustrative make-up."""
    names = {"change 3": "Change level 3 (most needs)", "change 2": "Change level 2", "change 1": "Change level 1",
             "change 0": "Change level 0 (no mandate for change)", "total": "Total", "protect level": "Protect level"}
    reset_policy = next((p for p in ctx.chosen if p.reset_enabled), None)
    ctx.report.table(microsim.tier_distribution(cohort, reset_policy).rename(columns=names),
                     f"Table 2: People in the synthetic cohort by protect and change level (first replicate, {fmt_num(ctx.n_people)} people)",
                     source=SYNTH, counts=[names[c] for c in ["change 3", "change 2", "change 1", "change 0", "total"]], row_total="Total",
                     note=("Rows marked unsupervised count licences that pass the two-thirds point under Probation Reset "
                           "without an exception; they are included in the rows above, and the tiering service shows "
                           "their tier with S (for example B2S).") if reset_policy is not None else None)
    women = cohort["sex"] == "female"
    ctx.report.finding(
        f"The synthetic cohort is {women.mean():.0%} women and {(cohort['case_type'] == 'licence').mean():.0%} licence cases; "
        f"{cohort.loc[women, 'caring'].mean():.0%} of the women and {cohort.loc[~women, 'caring'].mean():.0%} of the men "
        "have caring responsibilities. These shares are illustrative inputs chosen for this report, not measurements, "
        "so they carry no sampling interval.", source=SYNTH + ", Table 2")


#: Seven made-up people who show the version-2 rules at work (every value illustrative).
EXAMPLE_PEOPLE = pd.DataFrame({
    "person": ["Man, medium RoSH, two needs", "Same man, IOM and severe thinking needs",
               "Man, three complexity registrations", "Woman, same, parenting and a past breach",
               "Man, MAPPA level 2", "Man on unpaid work only, high RoSH", "Man, RSR 8.5%, not yet assessed"],
    "gender": ["Male", "Male", "Male", "Female", "Male", "Male", "Male"],
    "rosh": ["MEDIUM", "MEDIUM", "LOW", "LOW", "MEDIUM", "HIGH", ""],
    "rsr": [2.5, 2.5, 2.0, 2.0, 5.0, 1.0, 8.5],
    "mappa_level": ["", "", "", "", "M2", "", ""],
    "complexity_registrations": ["", "", "RMDO|ALSH|RVLN", "RMDO|ALSH|RVLN", "", "", ""],
    "female_additional_factors": ["", "", "", "PARENTING_RESPONSIBILITIES", "", "", ""],
    "previous_enforcement_activity": [False, False, False, True, False, False, False],
    "ogrs": [45, 45, 30, 30, 60, 20, 50],
    "needs": ["ACCOMMODATION=STANDARD|DRUG_MISUSE=SEVERE",
              "ACCOMMODATION=STANDARD|DRUG_MISUSE=SEVERE|THINKING_AND_BEHAVIOUR=SEVERE", "", "", "ATTITUDES=SEVERE", "", ""],
    "iom_nominal": [False, True, False, False, False, False, False],
    "mandate_for_change": [True, True, True, True, True, False, True],
    "assessment_present": [True, True, True, True, True, True, False],
})


def example_tiers(people: pd.DataFrame = EXAMPLE_PEOPLE) -> pd.DataFrame:
    """Table 3's rows: each illustrative person's protect and change points, tier, and why (not yet assessed, no mandate)."""
    tiers = tiering.tier_v2(people)
    level, points = tiering.NO_ASSESSMENT_CHANGE
    return pd.DataFrame({
        "Illustrative person": people["person"].to_numpy(),
        "Protect points": tiers["protect_points"].to_numpy(),
        "Change points": tiers["change_points"].to_numpy(),
        "Tier": tiers["tier"].to_numpy(),
        "Note": wording.tier_note(people["assessment_present"], people["mandate_for_change"], level, points),
    })


def tier_examples(ctx: ContactReport) -> None:
    """Table 3: version-2 tiers of seven illustrative people."""
    ctx.report.table(example_tiers(), "Table 3: Version-2 tiers of seven illustrative people", source="Illustrative people; rules from " + TIERING,
                     note="Tier = protect level (A highest risk of serious harm) and change level (3 most needs). A person not yet assessed "
                          "has no change points to count; the rules give them change level 2 until an assessment is done. RoSH = risk of serious "
                          "harm; RSR = risk of serious recidivism score; IOM = Integrated Offender Management; MAPPA = multi-agency public "
                          "protection arrangements.")


def contacts(ctx: ContactReport) -> None:
    """Section 3: officer hours by month (figure), totals per 100 people (Table 4) and the officer-hours finding."""
    by_month = microsim.interval_summary(ctx.reps, ["policy", "month"], ["officer_hours_per_month"], level=ctx.level)
    ctx.report.figure(figures.bands_over_months(
        by_month, "officer_hours_per_month", ctx.labels, f"Officer hours per month for {fmt_num(ctx.n_people)} people by contact policy",
        "Officer hours per month (mean month)", SYNTH + f"; minutes per contact illustrative; bands = {ctx.level:.0%} interval across replicates"))
    totals = ctx.totals.reset_index()
    ctx.report.table(pd.DataFrame({"Policy": totals["policy"].map(ctx.labels),
                                   "Contacts attended": microsim.interval_text(totals, "attended", "{:,.0f}"),
                                   "Of which face to face": microsim.interval_text(totals, "face_to_face", "{:,.0f}"),
                                   "Officer hours": microsim.interval_text(totals, "officer_hours", "{:,.0f}"),
                                   "Breaches": microsim.interval_text(totals, "breaches", "{:.0f}"),
                                   "Recalls": microsim.interval_text(totals, "recalls", "{:.1f}")}),
                     f"Table 4: Contacts attended, officer hours, breaches and recalls per 100 people over {ctx.weeks} weeks", source=SYNTH,
                     note=f"Each cell: mean across {len(ctx.seeds)} replicates ({ctx.level:.0%} interval across replicates). "
                          f"{wording.BREACHES_PER_100} Recalls are counted per 100 of all people, including those on community orders, who cannot be recalled.")
    t = ctx.totals
    for name in t.index:
        ctx.report.result(f"officer_hours_per_100_{name}", round(float(t.loc[name, "officer_hours_mean"]), 0),
                          label=f"Officer hours per 100 people over {ctx.weeks} weeks: {ctx.labels[name]}", unit="hours", source=SYNTH + ", Table 4")
    if {"flat_monthly", "tiered_front_loaded"} <= set(t.index):
        tf, fm = t.loc["tiered_front_loaded"], t.loc["flat_monthly"]
        ctx.report.finding(
            f"Under these illustrative assumptions the tiered, front-loaded policy takes {tf['officer_hours_mean'] / fm['officer_hours_mean']:.1f} times "
            f"the officer hours of flat monthly contact: {fmt_num(tf['officer_hours_mean'])} hours per 100 people over {ctx.weeks} weeks "
            f"(interval {fmt_num(tf['officer_hours_lo'])} to {fmt_num(tf['officer_hours_hi'])}) against {fmt_num(fm['officer_hours_mean'])} "
            f"({fmt_num(fm['officer_hours_lo'])} to {fmt_num(fm['officer_hours_hi'])}), most of it in the first months.",
            source=SYNTH + ", Table 4 and the chart above", key=True)


def capacity(ctx: ContactReport, contracted_hours: float, reduction_hours: float) -> None:
    """Section 4: WMT capacity by month (figure), Table 5 and the officers-needed finding."""
    work = microsim.workload_by_month(ctx.reps, ctx.officers, contracted_hours, reduction_hours, by=["policy", "replicate"])
    summary = microsim.interval_summary(work, ["policy", "month"], ["capacity_percent", "officers_needed", "contact_hours_per_officer_week"],
                                        level=ctx.level)
    ctx.report.figure(figures.bands_over_months(
        summary, "capacity_percent", ctx.labels, f"WMT capacity with {ctx.officers:.0f} officers by contact policy", "Capacity (% of available points)",
        WMT + "; caseload from " + SYNTH + f"; bands = {ctx.level:.0%} interval", hline=workload.EXCESSIVE_CAPACITY_PERCENT, percent=True))
    months = sorted({m for m in (1, 12, summary["month"].max()) if m in set(summary["month"])})
    shown = summary[summary["month"].isin(months)].assign(label=lambda d: "month " + d["month"].astype(str))
    order, columns = list(ctx.labels), [f"month {m}" for m in months]

    def wide(value: str, fmt: str) -> pd.DataFrame:
        return shown.assign(cell=shown[value].map(fmt.format)).pivot(index="policy", columns="label", values="cell").reindex(index=order, columns=columns)

    cap, hours = wide("capacity_percent_mean", "{:.0f}%"), wide("contact_hours_per_officer_week_mean", "{:.1f}")
    first = summary[summary["month"] == 1].set_index("policy").reindex(order)
    table = pd.DataFrame({"Policy": [ctx.labels[p] for p in order]}
                         | {f"Capacity, {c}": cap[c].to_numpy() for c in columns}
                         | {"Officers needed at 100%, month 1": microsim.interval_text(first, "officers_needed", "{:.0f}").to_numpy()}
                         | {f"Officer contact hours a week, {c}": hours[c].to_numpy() for c in columns})
    ctx.report.table(table, f"Table 5: WMT capacity with {ctx.officers:.0f} officers, officers needed and contact hours per officer",
                     source=WMT + "; caseload from " + SYNTH,
                     note=f"Capacity and contact hours are means across replicates; officers needed shows the {ctx.level:.0%} interval in brackets. "
                          "Capacity = WMT points of the cases held / available points of the officers in post.")
    for name in first.index:
        ctx.report.result(f"officers_needed_month1_{name}", round(float(first.loc[name, "officers_needed_mean"]), 1),
                          label=f"Officers needed at 100% WMT capacity in month 1 for {fmt_num(ctx.n_people)} people: {ctx.labels[name]}",
                          unit="FTE officers", source=SYNTH + ", Table 5")
    ctx.report.finding(
        f"In the first month the cohort needs about {first['officers_needed_mean'].iloc[0]:.0f} full-time officers "
        f"(interval {first['officers_needed_lo'].min():.0f} to {first['officers_needed_hi'].max():.0f} across policies and replicates) "
        f"to stay at 100% WMT capacity under every policy, because WMT points follow cases, not contacts; but the contact time the "
        f"schedules demand ranges from {first['contact_hours_per_officer_week_mean'].min():.1f} to "
        f"{first['contact_hours_per_officer_week_mean'].max():.1f} hours per officer per week across the policies "
        f"with {ctx.officers:.0f} officers ({ctx.people_per_officer:g} people each at the start). The WMT would not see that difference.",
        source=WMT + "; " + SYNTH + ", Table 5", key=True)


def breaches(ctx: ContactReport, caring_miss_multiplier: float) -> None:
    """Section 5: breaches by protect level and sex (figure, Table 6), recalls of people on licence (Table 7), findings."""
    r, t, labels, level, weeks = ctx.report, ctx.totals, ctx.labels, ctx.level, ctx.weeks
    by_tier = microsim.rate_summary(ctx.reps, ["policy", "protect_level", "sex"], ["breaches", "recalls"], level=level)
    r.figure(figures.breaches_by_level(by_tier, labels, f"Breaches per 100 people over {weeks} weeks by protect level, sex and policy",
                                       SYNTH + f"; bars = {level:.0%} interval across replicates; a person can be breached more than once"))
    people = by_tier.drop_duplicates(["protect_level", "sex"]).set_index(["protect_level", "sex"])["people_mean"]
    table6 = microsim.pivot_interval(by_tier.assign(policy=by_tier["policy"].map(labels)), ["protect_level", "sex"], "policy", "breaches", "{:.0f}")
    table6.insert(2, "People", people.reindex(pd.MultiIndex.from_frame(table6[["protect_level", "sex"]])).to_numpy())
    table6 = table6.rename(columns={"protect_level": "Protect level", "sex": "Sex"}).assign(Sex=lambda d: d["Sex"].str.capitalize())
    r.table(table6, f"Table 6: Breaches per 100 people over {weeks} weeks by protect level, sex and policy", source=SYNTH, counts=["People"],
            formats={"People": "{:,.0f}"}, linked={"People": list(labels.values())},
            note=f"People = mean number starting supervision per replicate. Each policy cell: mean ({level:.0%} interval across replicates). "
                 + wording.BREACHES_PER_100)
    for name in t.index:
        r.result(f"breaches_per_100_{name}", round(float(t.loc[name, "breaches_mean"]), 1),
                 label=f"Breaches per 100 people over {weeks} weeks (a person can be breached more than once): {labels[name]}",
                 unit="per 100", source=SYNTH + ", Table 4")
    if {"flat_monthly", "tiered_front_loaded"} <= set(t.index):
        r.finding(wording.breaches_finding(t), source=SYNTH + ", Table 4; by tier and sex in Table 6 and the chart", key=True)
    licence = ctx.reps[ctx.reps["case_type"] == "licence"]
    carers = microsim.rate_summary(licence, ["policy", "sex", "caring"], ["recalls"], level=level)
    carers_people = carers.drop_duplicates(["sex", "caring"]).set_index(["sex", "caring"])["people_mean"]
    table7 = microsim.pivot_interval(carers.assign(policy=carers["policy"].map(labels)), ["sex", "caring"], "policy", "recalls", "{:.1f}")
    table7.insert(2, "On licence", carers_people.reindex(pd.MultiIndex.from_frame(table7[["sex", "caring"]])).to_numpy())
    table7 = table7.assign(sex=table7["sex"].str.capitalize(), caring=table7["caring"].map({True: "yes", False: "no"})).rename(
        columns={"sex": "Sex", "caring": "Carer"})
    r.table(table7, f"Table 7: Recalls per 100 people on licence over {weeks} weeks by sex, caring responsibilities and policy",
            source=SYNTH + "; the concern tested is from " + CLINKS, counts=["On licence"], formats={"On licence": "{:,.0f}"},
            linked={"On licence": list(labels.values())},
            note=f"On licence = mean number of people on licence per replicate; Carer = has caring responsibilities. Each policy cell: mean "
                 f"({level:.0%} interval across replicates). {wording.RECALLS_PER_100} Carers' higher chance of missing a face-to-face "
                 f"contact (x{caring_miss_multiplier}) is an assumption, not a measurement.")
    c = carers.set_index(["policy", "sex", "caring"])
    for name in labels:
        if (name, "female", True) in c.index and (name, "male", False) in c.index:
            r.result(f"recalls_per_100_women_carers_{name}", round(float(c.loc[(name, "female", True), "recalls_mean"]), 1),
                     label=f"Recalls per 100 women with caring responsibilities on licence: {labels[name]}", unit="per 100", source=SYNTH + ", Table 7")
    if {"tiered_front_loaded", "tiered_front_loaded_reset"} <= set(t.index):
        full, reset = t.loc["tiered_front_loaded"], t.loc["tiered_front_loaded_reset"]
        r.finding(
            f"Probation Reset (licence supervision ending at two-thirds, except MAPPA, very high risk of serious harm and child protection cases) "
            f"cuts the tiered policy's officer hours from {fmt_num(full['officer_hours_mean'])} (interval {fmt_num(full['officer_hours_lo'])} "
            f"to {fmt_num(full['officer_hours_hi'])}) to {fmt_num(reset['officer_hours_mean'])} ({fmt_num(reset['officer_hours_lo'])} to "
            f"{fmt_num(reset['officer_hours_hi'])}) per 100 people, {1 - reset['officer_hours_mean'] / full['officer_hours_mean']:.0%} less, "
            f"and recalls from {full['recalls_mean']:.1f} ({full['recalls_lo']:.1f} to {full['recalls_hi']:.1f}) to "
            f"{reset['recalls_mean']:.1f} ({reset['recalls_lo']:.1f} to {reset['recalls_hi']:.1f}) per 100 people, because supervision "
            "that has ended cannot be breached. The rule is published; its effect here rests on the illustrative licence lengths.",
            source=RESET + "; " + SYNTH + ", Table 4", key=True)
    if ("flat_monthly", "female", True) in c.index and ("flat_monthly", "male", False) in c.index:
        wc, mn = c.loc[("flat_monthly", "female", True)], c.loc[("flat_monthly", "male", False)]
        r.finding(
            f"Because caring responsibilities are assumed to make face-to-face appointments harder to keep, women carers on licence "
            f"are recalled at {wc['recalls_mean']:.1f} per 100 (interval {wc['recalls_lo']:.1f} to {wc['recalls_hi']:.1f}) under flat monthly "
            f"contact against {mn['recalls_mean']:.1f} per 100 ({mn['recalls_lo']:.1f} to {mn['recalls_hi']:.1f}) for men without caring "
            f"responsibilities. This reproduces the mechanism Clinks warned of, with an illustrative size: the multiplier "
            f"{caring_miss_multiplier} is an assumption, not a measurement.", source=CLINKS + "; " + SYNTH + ", Table 7", key=True)


def sensitivity(ctx: ContactReport, sens: pd.DataFrame, sens_policies: list, n: int, seeds: list, multipliers: list) -> None:
    """Section 6: breaches per 100 people as every miss probability is scaled (figure and findings)."""
    labels = {p.name: p.label for p in sens_policies}
    ctx.report.figure(figures.sensitivity(sens, labels, ctx.weeks, SYNTH + f"; {len(seeds)} replicates of {fmt_num(n)} people per point, "
                                                                         f"bars = {ctx.level:.0%} interval"))
    lo_m, hi_m = min(multipliers), max(multipliers)
    s = sens.set_index(["policy", "compliance_multiplier"])
    for name in labels:
        a, b = s.loc[(name, lo_m)], s.loc[(name, hi_m)]
        ctx.report.finding(
            f"Under the {labels[name].lower()} policy, breaches per 100 people rise from {wording.per_100(a['breaches_mean'], a['breaches_lo'], a['breaches_hi'])} "
            f"to {wording.per_100(b['breaches_mean'], b['breaches_lo'], b['breaches_hi'])} as the chance of missing a contact goes from {lo_m:g} to "
            f"{hi_m:g} times the central assumption (means across {len(seeds)} replicates; a person can be breached more than once).",
            source=SYNTH + ", sensitivity chart above")


def evidence_table(ctx: ContactReport) -> None:
    """Table 8: the published evidence beside what the simulation shows; the closing caveats."""
    t = ctx.totals
    if {"flat_monthly", "flat_weekly", "tiered_front_loaded"} <= set(t.index):
        fm, fw, tf = t.loc["flat_monthly"], t.loc["flat_weekly"], t.loc["tiered_front_loaded"]
        by_level = microsim.rate_summary(ctx.reps, ["policy", "protect_level"], ["breaches"], level=ctx.level)
        d_level = by_level[by_level["protect_level"] == "D"].set_index("policy")["breaches_mean"]
        rows = [
            ("Does less contact harm low-risk people?",
             "No detectable harm: low-risk people seen about 2.4 times a year did no worse than those seen about 4.5 times (randomised trial, Philadelphia).",
             "Barnes et al. (2010)",
             f"Not modelled (no reoffending outcome). Protect level D people have {d_level['tiered_front_loaded']:.0f} breaches per 100 under the tiered "
             f"policy and {d_level['flat_monthly']:.0f} under flat monthly contact (Table 6)."),
            ("How often should people be seen?",
             "Respondents' views: over 50% by assessed risk and need; nearly 30% varying over the sentence; over 40% weekly; nearly 20% reducing towards the end.",
             "MoJ consultation response (2019), Q2",
             f"Weekly contact for everyone takes {fw['officer_hours_mean'] / fm['officer_hours_mean']:.1f} times the officer hours of flat monthly contact "
             f"and gives {fw['breaches_mean']:.0f} breaches per 100 people against {fm['breaches_mean']:.0f} (Table 4; a person can be breached more than once)."),
            ("Face to face or remote?", "Over 40% of respondents: face to face as the default; about a third: telephone contact can help.",
             "MoJ consultation response (2019), Q2",
             f"The tiered policy holds {fmt_num(tf['face_to_face_mean'])} of {fmt_num(tf['attended_mean'])} attended contacts per 100 people face to face; "
             "remote contacts are assumed easier to keep (Table 4)."),
            ("Should contact be front-loaded and tapered?",
             "Clinks: an assessment-based, tiered process, most intensive at the start, tapering with compliance and progress.", "Clinks (2018), Q2",
             f"The tiered, front-loaded policy takes {tf['officer_hours_mean'] / fm['officer_hours_mean']:.1f} times the officer hours of flat monthly "
             "contact, most of it in the first months (Table 4, first chart)."),
            ("Does a rigid monthly minimum cause administrative recalls?", "Clinks warned it would, notably for women with caring responsibilities.",
             "Clinks (2018), Q2", "The mechanism appears, but its size is set by an assumed multiplier on carers' missed appointments, not measured (Table 7)."),
            ("How much contact is enough?", "About 100 hours of intervention for moderate risk, 200 for high, 300 or more for high risk with many needs.",
             "Bourgon and Armstrong (2005)", "Not modelled: the simulation counts contacts and officer time, not intervention hours or their effect."),
        ]
        ctx.report.table(pd.DataFrame(rows, columns=["Question", "Published evidence", "Source", "This simulation (illustrative)"]),
                         "Table 8: What the published evidence says, next to what this simulation shows",
                         source="; ".join([BARNES, CONSULT, CLINKS, BOURGON]) + "; simulation results from " + SYNTH,
                         note="The published evidence is about effects and views; the simulation only counts contacts, officer time, breaches and "
                              "recalls under illustrative assumptions.")
    for text in (
        "Every person in the cohort is synthetic and every behavioural input (miss and progress propensities, caring effect, "
        "acceptable-absence and recall shares, minutes per contact, tier mix, sentence lengths) is illustrative; "
        "the report compares policies under stated assumptions and does not predict real breach or recall rates.",
        "The chance of missing a contact is assumed not to depend on how often contact happens; if frequent early contact "
        "builds engagement and lowers it, the tiered policies would breach less than shown.",
        "WMT points are the seed reference data of the public Workload Measurement Tool (ministryofjustice on GitHub); "
        "the values in live use may differ.",
        "A community-order breach is counted but does not end the order; a licence breach leads to recall with an "
        "illustrative probability and the person then leaves the caseload for the rest of the period. " + wording.BREACHES_PER_100,
    ):
        ctx.report.caveat(text)
