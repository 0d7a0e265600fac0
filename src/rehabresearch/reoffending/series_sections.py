"""The proven-reoffending series report, section by section (tables, figures, findings, headline numbers).

Computation lives in :mod:`.series`; these functions only show it, so the notebook holds narrative and calls.
"""

from __future__ import annotations

import pandas as pd

from .. import catalog, sources
from .. import formatting as fmt
from ..reporting import Report, fmt_num, fmt_pct
from . import figures, series

MOJ_2016 = sources.cite("moj_proven_reoffending_tables_2016")
PRSQ = sources.cite("moj_prsq_data_tool_2024", "financial-year cohorts as summed by a third party (secondary)")
NAMES = {"offenders": "Offenders in cohort", "reoffenders": "Reoffenders", "rate": "Proven reoffending rate",
         "reoffences": "Reoffences", "per_reoffender": "Reoffences per reoffender"}
#: Legend names of the two measures in the group charts.
SHORT_MEASURE = {"old": "old measure", "new": "new measure"}


def _shown(key: str, value: float) -> str:
    return fmt_pct(value) if key == "rate" else (f"{value:.1f}" if key == "per_reoffender" else fmt_num(value))


def published_check(report: Report, old: pd.DataFrame, start: str, published: dict, source: str) -> None:
    """Section 1: the published adult figures for one cohort beside the same figures recomputed from the data."""
    row = series.cohort(old, "Adult", start)
    check = series.check_published(row, published)
    shown = check.assign(figure=check["figure"].map(NAMES), matches=check["matches"].map({True: "yes", False: "NO"}),
                         published=[_shown(k, v) for k, v in zip(check["figure"], check["published"], strict=True)],
                         from_data=[_shown(k, v) for k, v in zip(check["figure"], check["from_data"], strict=True)])
    report.table(shown.rename(columns={"figure": "Figure", "published": "Published", "from_data": "From the data", "matches": "Matches"}),
                 f"Table 1: Adults, old measure, cohort starting {pd.Timestamp(start):%B %Y}: published and recomputed",
                 source=source, note="Published figures: Ministry of Justice proven reoffending statistics, old measure. "
                                     "Rate = reoffenders / offenders; frequency = reoffences / reoffenders.")
    mismatches = list(check.loc[~check["matches"], "figure"].map(NAMES))
    report.finding(
        f"Of {fmt_num(row['offenders'])} adults cautioned, convicted or released from custody in the year from {row['date']:%B %Y}, "
        f"{fmt_num(row['reoffenders'])} ({fmt_pct(row['rate'])}) committed a proven reoffence within a year; they committed "
        f"{fmt_num(row['reoffences'])} proven reoffences, {fmt.rate(row['per_reoffender'])} each on average. These are national "
        "totals, so sampling error does not apply. "
        + ("Every figure matches the published one at its published precision." if not mismatches
           else f"These figures differ from the published ones: {', '.join(mismatches)}."),
        source=f"Table 1; {MOJ_2016}, old measure, adults", key=True)
    for key in ("offenders", "reoffenders", "reoffences"):
        report.result(f"adult_{key}_2013_14", int(row[key]), label=f"Adults, 2013/14 cohort (old measure): {key}",
                      unit="people" if key != "reoffences" else "offences", source=source, count=True)
    report.result("adult_rate_2013_14", float(row["rate"]), label="Adults, 2013/14 cohort (old measure): binary rate",
                  unit="proportion", source=source)
    report.result("adult_per_reoffender_2013_14", float(row["per_reoffender"]),
                  label="Adults, 2013/14 cohort (old measure): reoffences per reoffender", unit="offences", source=source)


def over_time(report: Report, old: pd.DataFrame, new: pd.DataFrame, groups: list[str], source: str) -> None:
    """Section 2: rate and frequency by group and measure (calendar-year and financial-year cohorts not joined)."""
    both = pd.concat([old, new], ignore_index=True)
    both["measure"] = both["measure"].map(SHORT_MEASURE)
    for y, title, ylabel, pct in (
        ("rate", "Proven reoffending rate by cohort, adults and juveniles", "Proven reoffenders (% of cohort)", True),
        ("per_reoffender", "Proven reoffences per reoffender by cohort, adults and juveniles", "Reoffences per reoffender (offences)", False),
    ):
        report.figure(figures.plot_over_time(both, y, series=["group", "measure"], percent=pct, title=title, ylabel=ylabel,
                                            source=source, breaks="basis"))
    latest = both.sort_values(["group", "measure", "date"]).groupby(["group", "measure"]).tail(1)
    report.table(
        latest[["group", "measure", "date", "offenders", "reoffenders", "rate", "reoffences", "per_reoffender", "per_offender"]]
        .assign(date=lambda t: t["date"].dt.strftime("%b %Y")).rename(columns={
            "group": "Group", "measure": "Measure", "date": "Cohort start", "offenders": "Offenders", "reoffenders": "Reoffenders",
            "rate": "Rate", "reoffences": "Reoffences", "per_reoffender": "Reoffences per reoffender", "per_offender": "Reoffences per offender"}),
        "Table 2: The latest annual cohort in the 2016 series, by group and measure", source=source,
        counts=["Offenders", "Reoffenders", "Reoffences"],
        formats={"Rate": "{:.1%}", "Reoffences per reoffender": "{:.2f}", "Reoffences per offender": "{:.2f}"})
    for i, g in enumerate(groups):
        part = old[old["group"] == g]
        first, last = part.iloc[0], part.iloc[-1]
        report.finding(
            f"{g}s (old measure): the proven reoffending rate went from {fmt_pct(first['rate'])} for the {first['basis']} cohort starting "
            f"{first['date']:%B %Y} to {fmt_pct(last['rate'])} for the {last['basis']} cohort starting {last['date']:%B %Y}, and reoffences "
            f"per reoffender from {fmt.rate(first['per_reoffender'])} to {fmt.rate(last['per_reoffender'])}. These are counts of everyone "
            "in each national cohort, so there is no sampling interval; the changes are real changes in the recorded figures, "
            "though the switch from calendar-year to financial-year cohorts in 2005 means the early and later points are not one series.",
            source=f"Charts above and Table 2; {MOJ_2016}, old measure", key=i == 0)


def measures(report: Report, long: pd.DataFrame, start: str, source: str) -> None:
    """Section 3: old against new measure for all offenders."""
    all_old = series.select(long, measure="old", groups=["All"])
    all_new = series.select(long, measure="new", groups=["All"])
    overall = pd.concat([all_old, all_new], ignore_index=True)
    overall["measure"] = overall["measure"].map(series.MEASURE_LABELS)
    report.figure(figures.plot_over_time(overall, "rate", series=["measure"], percent=True, breaks="basis",
                                        title="Old and new measures of the proven reoffending rate, all offenders",
                                        ylabel="Proven reoffenders (% of cohort)", source=source))
    o, n = series.cohort(all_old, "All", start), series.cohort(all_new, "All", start)
    report.finding(
        f"For the cohort starting {o['date']:%B %Y}, the old measure gives {fmt_pct(o['rate'])} and the new measure "
        f"{fmt_pct(n['rate'])}: changing the measure added {100 * (n['rate'] - o['rate']):.1f} percentage points to the "
        "headline rate without any change in behaviour, so the two series should not be joined into one. Both are "
        "national counts, so the gap is not sampling error.", source=f"Chart above; {MOJ_2016}, all offenders", key=True)
    report.result("all_rate_old_2013_14", float(o["rate"]), label="All offenders 2013/14, old measure", unit="proportion", source=source)
    report.result("all_rate_new_2013_14", float(n["rate"]), label="All offenders 2013/14, new measure", unit="proportion", source=source)


def later_series(report: Report, dataset: str) -> None:
    """Section 4: the financial-year series 2012/13-2023/24, its unverified cohort marked in the table and the chart."""
    later = series.prsq_series(catalog.load(dataset))
    source = catalog.source_of(dataset)
    unverified = list(later.loc[~later["verified"], "cohort"])
    shown = later.assign(cohort=[c if ok else f"{c} (unverified)" for c, ok in zip(later["cohort"], later["verified"], strict=True)])
    report.table(
        shown[["cohort", "offenders", "reoffenders", "rate", "reoffences", "per_reoffender"]].rename(columns={
            "cohort": "Cohort", "offenders": "Offenders", "reoffenders": "Reoffenders", "rate": "Rate",
            "reoffences": "Reoffences", "per_reoffender": "Reoffences per reoffender"}),
        "Table 3: Financial-year cohorts, adults and children, new measure", source=source,
        counts=["Offenders", "Reoffenders", "Reoffences"], formats={"Rate": "{:.1%}", "Reoffences per reoffender": "{:.2f}"},
        note="Rates and frequencies recomputed from the counts. Secondary source"
             + (f"; the {', '.join(unverified)} row is unverified." if unverified else "."))
    report.figure(figures.plot_over_time(
        later.assign(series="All offenders (adults and children)"), "rate", series=["series"], percent=True, verified="verified",
        title=f"Proven reoffending rate, financial-year cohorts {later['cohort'].iloc[0]} to {later['cohort'].iloc[-1]}",
        ylabel="Proven reoffenders (% of cohort)",
        source=source + (f"; hollow marker: the {', '.join(unverified)} figure is unverified" if unverified else "")))
    first, last = later.iloc[0], later.iloc[-1]
    low = later.loc[later["rate"].idxmin()]
    report.finding(
        f"On the new measure the rate fell from {fmt_pct(first['rate'])} ({first['cohort']}) to a low of {fmt_pct(low['rate'])} "
        f"({low['cohort']}{'' if low['verified'] else ', unverified'}), and was {fmt_pct(last['rate'])} in {last['cohort']}"
        f"{'' if last['verified'] else ' (unverified)'}. The cohort shrank from {fmt_num(first['offenders'])} to {fmt_num(last['offenders'])} "
        "people. These are national counts (no sampling interval), but from a secondary source.",
        source=f"Table 3 and the chart above; {PRSQ}", key=True)
    report.result("later_rate_latest", float(last["rate"]),
                  label=f"All offenders, {last['cohort']} cohort (new measure{'' if last['verified'] else ', unverified'})",
                  unit="proportion", source=source)
