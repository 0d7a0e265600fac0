"""The equalities-evidence report, section by section: tables, figures, findings and headline numbers.

Computation lives in :mod:`.evidence`; these functions show it. Every number in a sentence comes from a
transcribed table, never typed beside it.

**Disclosure rule** (the project's rule, applied here): a figure the source document already publishes in that
form is shown as published, however small (the document prints "of 37 case administrators only 2 are male");
a count the report *derives* about people (respondents read into a printed share, an implied earlier count) is
suppressed below the threshold, together with anything that would reveal it.
"""

from __future__ import annotations

import pandas as pd

from .. import catalog, sources
from .. import formatting as fmt
from ..reporting import Report, fmt_ci, fmt_num, fmt_pct, fmt_pp
from . import evidence, figures
from .transcribed import for_display, question_labels, value_of

MOJ = sources.cite("moj_strengthening_probation_response_2019")
CLINKS = sources.cite("clinks_consultation_response_2018")
AS_PUBLISHED = ("Counts are shown as the document prints them: a figure already published in that form is shown as published. "
                "Counts this report derives about people are suppressed below the disclosure threshold.")
DERIVED = ("'At least' and 'At most' are this report's reading of the printed wording, not published counts, so they are "
           "suppressed below the disclosure threshold; the number answering is published and shown as printed.")
TABLES = {"prison": "evidence_prison_population", "starts": "evidence_probation_starts", "comparators": "evidence_population_comparators",
          "workforce": "evidence_workforce", "questions": "consultation_questions", "themes": "consultation_themes",
          "ratings": "evidence_inspection_ratings", "short": "evidence_short_custody", "clinks": "clinks_response_figures"}


def _about(report: Report, n: float) -> str:
    """An approximate count derived about people: 'about 170' (two significant figures), suppressed when small."""
    return fmt.about(n, "count", 2) if report.count(n) == fmt_num(n) else report.count(n)


def load_tables() -> dict[str, pd.DataFrame]:
    """Every transcribed table the report reads."""
    return {key: catalog.load(name) for key, name in TABLES.items()}


def representation(report: Report, t: dict, level: float) -> None:
    """Section 1: representation ratios with sampling intervals and rounding ranges (Table 1, figure, findings)."""
    ratios = evidence.disproportionality(t["prison"], t["starts"], t["comparators"], level=level)
    total = evidence.prison_total(t["prison"])
    report.table(
        evidence.ratio_display(ratios, level=level),
        "Table 1: Representation ratios of prisoners (31 March 2018) and people starting supervision (2017) against population comparators",
        source=f"{MOJ}, Annex B (Race, Sex, Sexual orientation, Religion or belief); prison data from Offender Management Statistics Quarterly",
        formats={"Share": "{:.1%}", "Population share": "{:.1%}", "Ratio": "{:.2f}"},
        note="Ratio = share in the population of interest divided by the population share (1 = in proportion). A blank sampling interval means "
             f"the share is printed without its base. Religion shares are used as printed, with the {fmt_num(total)} prisoners as n.")
    report.figure(figures.plot_ratios(ratios, source=f"{MOJ}, Annex B. Whiskers: range allowed by the printed rounding."))
    by = ratios.set_index(["population", "group"])
    black, muslim = by.loc[("Prisoners", "Black or Black British")], by.loc[("Prisoners", "Muslim")]
    bame_co, bame_pr = by.loc[("Court order starts", "BAME")], by.loc[("Post-release starts", "BAME")]
    earlier = t["prison"][(t["prison"]["group"] == "Muslim") & (t["prison"]["reference_date"].astype(str) != "2018-03-31")].iloc[0]
    report.finding(
        f"Black or Black British people were {fmt_pct(black['share'])} of prisoners on 31 March 2018 against "
        f"{fmt_pct(black['comparator'], 0)} of people aged 15 or over in the 2011 Census: about {black['ratio']:.1f} times "
        f"their share of the population (sampling {fmt_ci(black['ratio_low'], black['ratio_high'], pct=False, level=level)}; "
        f"because the Census share is printed to a whole percent, anywhere from {black['ratio_round_low']:.1f} to "
        f"{black['ratio_round_high']:.1f} times).", source=f"{MOJ}, Annex B, Race bullets 2 and 5", key=True)
    report.finding(
        f"Muslims were {fmt_pct(muslim['share'])} of prisoners against {fmt_pct(muslim['comparator'], 0)} of the general "
        f"population, about {muslim['ratio']:.1f} times their share ({muslim['ratio_round_low']:.1f} to "
        f"{muslim['ratio_round_high']:.1f} allowing for rounding). The share was {float(earlier['percent']):g}% in {earlier['reference_date']}.",
        source=f"{MOJ}, Annex B, Religion or belief bullet 3")
    report.finding(
        f"Among people starting supervision the over-representation of BAME groups is smaller: around "
        f"{fmt_pct(bame_co['share'], 0)} of court order starts in 2017 and around {fmt_pct(bame_pr['share'], 0)} of "
        f"post-release starts, against {fmt_pct(bame_co['comparator'])} of the population (ratios {bame_co['ratio']:.2f} "
        f"and {bame_pr['ratio']:.2f}). These shares are printed without counts, so no sampling interval applies.",
        source=f"{MOJ}, Annex B, Race bullets 3-5")
    report.result("black_prisoner_ratio", round(float(black["ratio"]), 2), label="Black prisoners: share / 2011 Census share",
                  unit="ratio", source=f"{MOJ}, Annex B, Race")
    report.result("muslim_prisoner_ratio", round(float(muslim["ratio"]), 2), label="Muslim prisoners: share / population share",
                  unit="ratio", source=f"{MOJ}, Annex B, Religion or belief")
    report.result("bame_court_order_ratio", round(float(bame_co["ratio"]), 2),
                  label="BAME court order starts (2017): share / 2011 Census share", unit="ratio", source=f"{MOJ}, Annex B, Race")


def consistency(report: Report, t: dict) -> None:
    """Table 2: each printed prison percentage recomputed from its count over the total."""
    prison = t["prison"]
    total = evidence.prison_total(prison)
    checkable = prison[prison["count"].notna() & prison["percent"].notna() & (prison["unit"] == "prisoners")
                       & ~prison["characteristic"].eq("sexual_orientation")]
    check = evidence.percent_consistency(checkable["count"], [total] * len(checkable), checkable["percent"])
    computed = f"Count / {fmt_num(total)} (%)"
    report.table(
        checkable[["characteristic", "group", "count"]].reset_index(drop=True).join(check).assign(
            characteristic=lambda d: d["characteristic"].map(evidence.CHARACTERISTICS),
            agrees=lambda d: d["agrees"].map({True: "yes", False: "no"})).rename(columns={
            "characteristic": "Characteristic", "group": "Group", "count": "Prisoners",
            "computed_percent": computed, "printed_percent": "Printed (%)", "agrees": "Agrees to the printed precision"}),
        "Table 2: Printed prison percentages recomputed from their counts",
        source=f"{MOJ}, Annex B, Race, Sex, Age, Religion or belief",
        formats={computed: "{:.2f}", "Printed (%)": "{:g}", "Prisoners": "{:,.0f}"}, note=AS_PUBLISHED)
    report.result("prison_total_2018", total, label="Prisoners on 31 March 2018 (sum of ethnicity groups = sum of sexes)",
                  unit="people", source=f"{MOJ}, Annex B, Race bullet 1 and Sex bullet 2")
    report.caveat("Comparators come from different years and populations: the 2011 Census (Black and Asian shares for "
                  "people aged 15 or over; the BAME share for all ages), unnamed sources for the no-religion and Muslim "
                  "shares, and the 2016 Annual Population Survey for the UK (LGB), against prison figures for 2017-18. "
                  "The document itself warns that the population has changed since 2011, particularly through migration.")
    report.caveat("Prison and probation figures are complete counts, not samples; the 95% intervals only indicate how "
                  "much a share of this size could move by chance. The rounding of the printed comparators matters more.")


def sex(report: Report, t: dict, level: float) -> None:
    """Section 2: women among prisoners and among court order starts, with a Newcombe interval for the difference."""
    split = evidence.sex_split(t["prison"], t["starts"], level=level)
    comp = split.attrs["comparison"]
    report.table(
        split.rename(columns={"population": "Population", "women": "Women", "total": "Everyone", "share_women": "Women (%)"}),
        "Table 3: Women among prisoners and among people starting court order supervision",
        source=f"{MOJ}, Annex B, Sex bullets 2 and 3", formats={"Women (%)": "{:.1%}", "Women": "{:,.0f}", "Everyone": "{:,.0f}"},
        note=AS_PUBLISHED)
    women_pop = float(t["comparators"].set_index("group").loc["Female", "percent"])
    report.figure(figures.plot_sex_split(split, women_pop, source=f"{MOJ}, Annex B, Sex bullets 1-3"))
    report.finding(
        f"Women were {fmt_pct(comp['p2'])} of prisoners on 31 March 2018 but {fmt_pct(comp['p1'])} of the people who "
        f"started court order supervision in 2017: {fmt_pp(comp['difference'])} more "
        f"({fmt_ci(100 * comp['diff_low'], 100 * comp['diff_high'], pct=False, level=level)} percentage points), against "
        f"{women_pop:g}% of the population.", source=f"{MOJ}, Annex B, Sex bullets 1-3", key=True)
    report.result("women_share_prison", round(float(comp["p2"]), 4), label="Women as a share of prisoners, 31 March 2018",
                  unit="proportion", source=f"{MOJ}, Annex B, Sex")
    report.result("women_share_court_order_starts", round(float(comp["p1"]), 4),
                  label="Women as a share of court order supervision starts, 2017", unit="proportion", source=f"{MOJ}, Annex B, Sex")
    report.caveat("The prison figure is a snapshot on one day (31 March 2018); the probation figure counts people starting "
                  "supervision over 2017. Short sentences, which women more often receive, weigh less in a snapshot.")


def consultation(report: Report, t: dict, band_pp: float, contact_questions: list[str], success_questions: list[str]) -> pd.DataFrame:
    """Section 3: consultation themes on contact and success, and the respondents each printed share implies."""
    counts = evidence.theme_counts(t["themes"], t["questions"], band_pp=band_pp)
    shown = counts[counts["question"].isin(contact_questions + success_questions)]
    asked = " and ".join(contact_questions + success_questions)
    report.table(
        shown.assign(label=question_labels(shown["question"], shown["part"]).to_numpy())[
            ["label", "theme", "share_text", "n", "count_low", "count_high", "reading"]].rename(columns={
            "label": "Question", "theme": "Theme", "share_text": "Printed share", "n": "Answering",
            "count_low": "At least", "count_high": "At most", "reading": "How the wording is read"}),
        f"Table 4: Contact frequency and measures of success ({asked}): themes and the respondents they imply",
        source=f"{MOJ}, Responses to specific questions, {asked}", counts=["At least", "At most"], formats={"Answering": "{:,.0f}"},
        note="Shares are indicative: themes were hand-coded, not all responses could be coded, and one response can carry several themes. " + DERIVED)
    report.figure(figures.plot_theme_ranges(
        shown, title="Consultation themes on contact and success (% of those answering, range the wording allows)",
        source=f"{MOJ}, Responses to specific questions, {asked}; ranges read with a {band_pp:g}-point band (illustrative)"))
    c = shown.set_index("theme")
    vary = c.loc["Frequency should vary with a thorough assessment of risk and needs"]
    weekly, f2f = c.loc["Contact should be weekly"], c.loc["Face-to-face contact should be the default"]
    reduce, quality = c.loc["Reduction in reoffending is the most important measure"], c.loc["A qualitative approach to measuring success"]
    report.finding(
        f"On how often people should be seen (Q2, {fmt_num(vary['n'])} answering), the most common view was that "
        f"frequency should depend on an assessment of risk and needs: {vary['share_text']}, so at least {report.count(vary['count_low'])} "
        f"respondents. {weekly['share_text'].capitalize()} (at least {report.count(weekly['count_low'])}) said contact should be weekly; the two views "
        f"overlap because responses could carry both. On the form of contact ({fmt_num(f2f['n'])} answering), {f2f['share_text']} "
        f"(at least {report.count(f2f['count_low'])}) wanted face-to-face contact as the default.", source=f"{MOJ}, Responses to specific questions, Q2",
        key=True)
    report.finding(
        f"On measures of success (Q17, {fmt_num(reduce['n'])} answering), {reduce['share_text']} ("
        f"{_about(report, reduce['count_at_printed_share'])}; {report.count(reduce['count_low'])} to "
        f"{report.count(reduce['count_high'])} on this report's reading) named a reduction in reoffending as the most "
        f"important measure, and {quality['share_text']} ({report.count(quality['count_low'])} to {report.count(quality['count_high'])}) "
        "wanted a qualitative measure of the service as well.", source=f"{MOJ}, Responses to specific questions, Q17")
    report.result("q2_vary_by_risk_need_at_least", int(vary["count_low"]),
                  label="Q2: respondents saying contact frequency should vary with assessed risk and need (at least)",
                  unit="respondents", source=f"{MOJ}, Q2", count=True)
    report.result("q17_reduce_reoffending_about", int(reduce["count_at_printed_share"]),
                  label="Q17: respondents naming reduced reoffending as the key measure (about)", unit="respondents",
                  source=f"{MOJ}, Q17", count=True)
    return counts


def respondents(report: Report, t: dict, counts: pd.DataFrame, band_pp: float) -> None:
    """Table 5: who responded and the cross-cutting themes, out of all responses."""
    overall = counts[counts["question"] == "All"]
    total = int(t["questions"].set_index("question").loc["All", "responses"])
    report.table(
        overall.assign(theme=overall["theme"].str.replace("Respondent type: ", "Respondents: ", regex=False))[
            ["theme", "share_text", "n", "count_low", "count_high"]].rename(columns={
            "theme": "Respondents or theme", "share_text": "Printed share", "n": "Responses", "count_low": "At least", "count_high": "At most"}),
        f"Table 5: Who responded, and the cross-cutting themes, out of {fmt_num(total)} responses",
        source=f"{MOJ}, Executive Summary, paragraphs 11, 12, 14 and 15", counts=["At least", "At most"], formats={"Responses": "{:,.0f}"},
        note="The document prints shares only. " + DERIVED)
    report.caveat(f"Consultation shares are the Ministry's indicative coding of open-text answers; the ranges of respondents "
                  f"read into words such as 'over' and 'around' use a {band_pp:g}-point band, which is an illustrative "
                  "assumption, not the Ministry's.")


def inspections(report: Report, t: dict) -> None:
    """Section 4: inspection ratings of CRCs and the NPS, with exact tests on the overall split."""
    ratings = t["ratings"]
    summary = evidence.rating_summary(ratings)
    report.table(
        summary.assign(inspection_set=summary["inspection_set"].map(evidence.INSPECTION_SETS)).rename(
            columns={"inspection_set": "Inspection set", "organisation": "Organisation"}),
        "Table 6: Inspections by rating", source=f"{MOJ}, Executive Summary, paragraphs 31, 32 and 60",
        note="Counts of inspected organisations, not of people, so no disclosure control applies.")
    report.figure(figures.plot_ratings(summary, source=f"{MOJ}, paragraphs 31, 32 and 60"))
    table = evidence.rating_table(ratings, "overall_recent")
    tests = evidence.exact_tests(table)
    report.table(
        table.reset_index().rename(columns={"organisation": "Organisation", "good or better": "Good or better", "below good": "Below good"}),
        "Table 7: Overall ratings of recent inspections, good or better against below good",
        source=f"{MOJ}, Executive Summary, paragraph 31",
        note=f"Fisher's exact test (two-sided) p = {tests['fisher_p']:.4f}; Boschloo's exact test p = {tests['boschloo_p']:.4f}.")
    n = table.sum(axis=1)
    good = table["good or better"]
    report.finding(
        f"Of the {n['CRC']} recent CRC inspections, {good['CRC']} ({fmt_pct(tests['share_1'])}) "
        f"{'was' if good['CRC'] == 1 else 'were'} rated good or better overall; "
        f"{'all ' + str(n['NPS']) if good['NPS'] == n['NPS'] else str(good['NPS']) + ' of the ' + str(n['NPS'])} recent NPS "
        f"inspections were. With so few inspections an exact test is needed: if ratings had nothing to do with "
        f"the type of provider, a split at least this uneven would arise with probability {tests['fisher_p']:.4f} "
        f"(Fisher's exact test; Boschloo's test gives {tests['boschloo_p']:.4f}).", source=f"{MOJ}, Executive Summary, paragraph 31", key=True)
    counts = ratings[ratings["organisation"] == "CRC"].pivot_table(index="inspection_set", columns="rating", values="count", aggfunc="sum")
    sup, upw = counts.loc["supervision_implementation"], counts.loc["unpaid_work"]
    report.finding(
        f"For delivering supervision, {int(sup['Good'] + sup['Outstanding']) or 'none'} of the {int(sup.sum())} CRCs inspected since January 2018 "
        f"{'was' if int(sup['Good'] + sup['Outstanding']) == 1 else 'were'} rated good ({int(sup['Requires improvement'])} requires improvement, "
        f"{int(sup['Inadequate'])} inadequate), while for Unpaid Work {int(upw['Good'])} of the same {int(upw.sum())} were rated good.",
        source=f"{MOJ}, Executive Summary, paragraphs 32 and 60")
    report.result("crc_good_share", round(tests["share_1"], 4), label="Recent CRC inspections rated good overall", unit="proportion",
                  source=f"{MOJ}, paragraph 31")
    report.result("nps_good_share", round(tests["share_2"], 4), label="Recent NPS inspections rated good overall", unit="proportion",
                  source=f"{MOJ}, paragraph 31")
    report.result("ratings_fisher_p", round(tests["fisher_p"], 5), label="Fisher's exact test, CRC vs NPS good-or-better",
                  unit="p-value", source=f"{MOJ}, paragraph 31")
    report.result("ratings_boschloo_p", round(tests["boschloo_p"], 5), label="Boschloo's exact test, CRC vs NPS good-or-better",
                  unit="p-value", source=f"{MOJ}, paragraph 31")
    report.caveat("Inspections are not a random sample: CRCs and NPS divisions do different work (CRCs supervised lower-risk "
                  "people), and the 'recent' inspections are those published by spring 2019. The exact tests ask only whether "
                  "the split of ratings is more uneven than chance allocation would produce.")


def short_custody(report: Report, t: dict, per: int) -> None:
    """Section 5: the short-custody finding per ``per`` people sentenced, and the base its total implies."""
    short = t["short"]
    effect, avoided = value_of(short, "reduction_in_proven_reoffences"), value_of(short, "proven_reoffences_avoided")
    per_k, base = evidence.per_thousand(effect, per=per), evidence.implied_base(avoided, effect)
    report.table(
        for_display(short[["as_printed", "value", "unit"]]).rename(columns={"as_printed": "What paragraph 34 says", "value": "Value", "unit": "Unit"}),
        "Table 8: The short-custody finding as printed",
        source=f"{MOJ}, Executive Summary, paragraph 34 (citing MoJ 2015, The impact of short custodial sentences, "
               "Community Orders and Suspended Sentence Orders on re-offending)", formats={"Value": "{:,.0f}"})
    report.finding(
        f"Read as {effect:g} percentage points, the estimate means about {per_k:.0f} fewer people with a proven reoffence for "
        f"every {fmt_num(per)} given a community order instead of a custodial sentence of under 12 months. The Ministry's "
        f"'around {fmt_num(avoided)} proven reoffences a year' is {effect:g}% of about {fmt_num(base)}: the paragraph does not say what "
        "that base is.", source=f"{MOJ}, Executive Summary, paragraph 34", key=True)
    report.result("short_sentence_per_1000", per_k, label=f"Fewer people with a proven reoffence per {per:,} sentenced ({effect:g}-point reading)",
                  unit=f"per {per:,}", source=f"{MOJ}, paragraph 34")
    report.result("short_sentence_implied_base", base, label=f"Base implied by {fmt_num(avoided)} at {effect:g}%", unit="proven reoffences or people",
                  source=f"{MOJ}, paragraph 34")
    report.caveat(f"Paragraph 34 prints 'around {effect:g}%' without saying whether it is percentage points of a rate or a relative "
                  f"reduction in the number of proven reoffences. The per-{fmt_num(per)} figure uses the percentage-point reading; under "
                  "the relative reading it would depend on the baseline reoffending rate, which the paragraph does not give.")


def clinks_figures(report: Report, t: dict) -> None:
    """Section 6: figures quoted in the Clinks response, the Wales count they imply, and the closure-risk gap."""
    clinks = t["clinks"]
    report.table(
        for_display(clinks[["as_printed", "value", "unit", "source_section", "original_source"]]).rename(columns={
            "as_printed": "What Clinks says", "value": "Value", "unit": "Unit", "source_section": "Where", "original_source": "Clinks' source"}),
        "Table 9: Figures quoted in the Clinks response", source=f"{CLINKS}: Questions 5, 7 (Wales), 8 and 10", formats={"Value": "{:,.0f}"})
    women, rise = int(value_of(clinks, "wales_women_immediate_custody")), value_of(clinks, "wales_women_immediate_custody_increase")
    wales = evidence.base_before_increase(women, rise)
    gap = evidence.share_gap([value_of(clinks, "bame_tailored_orgs_closure_risk")], [value_of(clinks, "all_orgs_closure_risk")]).iloc[0]
    report.finding(
        f"In Wales, {fmt_num(women)} women were sentenced to immediate imprisonment in 2017 after a {rise:g}% rise since 2012, which implies "
        f"{_about(report, wales['point'])} in 2012 ({report.count(wales['low'])} to {report.count(wales['high'])} given that {rise:g}% is rounded). "
        f"Women serving short sentences rose {value_of(clinks, 'wales_women_short_sentences_increase'):g}% over the same five years.",
        source=f"{CLINKS}, Question 7 (Wales), citing Prison Reform Trust (2018)")
    report.finding(
        f"In Clinks' 2017 State of the Sector survey, {gap['percent1']:g}% of organisations tailored to BAME communities "
        f"reported a risk of closure against {gap['percent2']:g}% of all respondents: a gap of {gap['gap_pp']:g} percentage "
        f"points, {gap['ratio']:g} times as often. The survey's numbers of respondents are not printed, so no sampling "
        f"interval applies. Only {value_of(clinks, 'officers_trained_female_case_management'):g}% of responsible officers (one in four) had been "
        f"trained in female-specific case management, and new pre-sentence reports fell {value_of(clinks, 'new_psr_decrease'):g}% between "
        "2012/13 and 2016/17.", source=f"{CLINKS}, Questions 5, 8 and 10")
    report.result("wales_women_custody_2012_implied", wales["point"], label="Women sentenced to immediate custody in Wales, 2012 (implied)",
                  unit="women", source=f"{CLINKS}, Question 7", count=True)
    report.result("closure_risk_gap_pp", float(gap["gap_pp"]), label="Closure risk, BAME-tailored minus all organisations",
                  unit="percentage points", source=f"{CLINKS}, Question 8")


def workforce_table(workforce: pd.DataFrame) -> pd.DataFrame:
    """The workforce figures as the document prints them (counts shown as published, never suppressed)."""
    return for_display(workforce.assign(characteristic=workforce["characteristic"].map(evidence.CHARACTERISTICS))[
        ["organisation", "area", "role", "characteristic", "group", "count", "total", "percent", "percent_upper", "qualifier"]]).rename(columns={
        "organisation": "Organisation", "area": "Area", "role": "Staff", "characteristic": "Characteristic",
        "group": "Group", "count": "Count", "total": "Of", "percent": "Percent", "percent_upper": "Up to (%)", "qualifier": "Qualifier"})


def workforce(report: Report, t: dict) -> None:
    """Table 10 and the finding on the probation workforce; published counts are shown as printed."""
    wf = t["workforce"]
    report.table(workforce_table(wf), "Table 10: The probation workforce", source=f"{MOJ}, Annex B, Probation Staff",
                 formats={"Percent": "{:g}", "Up to (%)": "{:g}", "Count": "{:,.0f}", "Of": "{:,.0f}"},
                 note="NPS declaration rates for ethnicity, disability, sexual orientation and religion are under 60%, so the "
                      "Ministry does not analyse them. Printed NPS age shares sum to 99%. " + AS_PUBLISHED)
    staff = wf.set_index(["organisation", "area", "role", "characteristic", "group"])
    nps, crc = staff.loc[("NPS", "England and Wales", "all employees", "sex", "Female")], staff.loc[("CRCs", "each CRC", "workforce", "sex", "Female")]
    report.finding(
        f"The probation workforce is mostly female: {nps['percent']:g}% of National Probation Service employees, and around "
        f"{crc['percent']:g}% to {crc['percent_upper']:g}% of each CRC's workforce. The NPS's declaration rates for ethnicity, disability, "
        "sexual orientation and religion are under 60%, so the Ministry did not analyse them; no interval applies to these printed shares.",
        source=f"{MOJ}, Annex B, Probation Staff (Sex bullets 1-2; Race, Disability, Sexual orientation and Religion bullets)")
    report.caveat("Clinks' figures are secondary: each comes from the publication named in Table 9, and the survey bases are not printed.")
