"""The commissioning report, section by section: tables, figures, findings and headline numbers.

Each function shows one section of the report from the transcribed tables (computations in
:mod:`.commissioning`), so the notebook holds narrative and calls only. Every number in a sentence comes
from a table; every citation names a document by title, never by file.
"""

from __future__ import annotations

import pandas as pd

from .. import catalog, sources
from .. import formatting as fmt
from ..reporting import Report, fmt_ci, fmt_num, fmt_pct
from . import commissioning as cm
from . import figures
from .facts import citation, outside_fact

RR3 = sources.cite("rr3_final_report_2021")
MOJ = sources.cite("moj_strengthening_probation_response_2019")
CLINKS = sources.cite("clinks_consultation_response_2018")
MINUTES = sources.cite("rr3_minutes_2020_03_05")
#: Short names of the four seed documents, keyed by the first three characters of a row's source_document.
SHORT = {"000": "RR3 final report (2021)", "001": "Clinks response (2018)", "003": "RR3 minutes (March 2020)", "004": "MoJ response (2019)"}
DOCUMENTS = {"000": "RR3 final report (Clinks, June 2021)", "001": "Clinks consultation response (October 2018)",
             "003": "RR3 minutes (5 March 2020)", "004": "MoJ consultation response (CP 93, May 2019)"}

#: Every table this report reads; the consultation and Clinks tables are shared with the equalities report.
TABLES = ["commissioning_funnel", "commissioning_contract_outcomes", "commissioning_income_profile", "commissioning_service_categories",
          "commissioning_budgets", "commissioning_areas", "commissioning_prison_education_dps", "consultation_questions", "consultation_themes",
          "commissioning_consultation_annex_a", "commissioning_sector_evidence", "clinks_response_figures", "commissioning_engagement",
          "contract_facts"]

SECTOR_LABELS = {
    "crc_funded_voluntary_services_unsustainable": "CRC-funded voluntary-led services saying they are unsustainable (TrackTR, 2018)",
    "crc_funded_voluntary_services_subsidised": "CRC-funded voluntary-led services subsidised by reserves or other funds (TrackTR, 2018)",
    "surveyed_orgs_receiving_referrals_without_funding": "Surveyed organisations receiving probation referrals without funding (up to; TrackTR, 132 surveyed)",
    "orgs_unable_or_unsure_to_bid_covid": "Organisations unable or unsure to engage in new commissioning (Covid-19, 2020)",
    "bame_tailored_orgs_closure_risk": "Organisations supporting BAME communities at risk of closure (State of the Sector 2017)",
    "all_orgs_closure_risk": "All State of the Sector 2017 respondents at risk of closure",
}

#: Words for a transcribed figure's hedging, as a table column shows it.
_SHOWN_AS = {"exact": "", "over": "more than ", "about": "about ", "almost": "almost ", "up_to": "up to ", "likely": "likely "}


def load_tables() -> dict[str, pd.DataFrame]:
    """Every table the report reads, keyed without the ``commissioning_`` prefix."""
    return {name.removeprefix("commissioning_"): catalog.load(name) for name in TABLES}


def funnel(report: Report, tables: dict) -> pd.DataFrame:
    """Section 1: the qualification funnel (figure, Table 1, findings, headline numbers). Returns the funnel."""
    f = cm.funnel(tables["funnel"], group="voluntary")
    source = f"{RR3}: Part one, Qualification process and framework design (para 3); Part two, Contract outcomes (paras 3-4)"
    report.figure(figures.plot_funnel(f, source="RR3 final report (Clinks, June 2021), Part one (Qualification process, para 3) and Part two (Contract outcomes, paras 3-4)"))
    report.table(
        f.assign(qualifier=f["qualifier"].map({"about": "about (estimate)", "exact": "as printed"}))[
            ["label", "organisations", "qualifier", "share_of_previous", "share_of_first"]].rename(columns={
            "label": "Stage", "organisations": "Voluntary organisations", "qualifier": "Figure",
            "share_of_previous": "Share of the stage above", "share_of_first": "Share of the sector (about 1,700)"}),
        "Table 1: The Dynamic Framework funnel for voluntary organisations, 2020-21", source=source,
        formats={"Share of the stage above": "{:.1%}", "Share of the sector (about 1,700)": "{:.1%}", "Voluntary organisations": "{:,}"},
        note="Shares of the sector rest on the report's estimate of about 1,700 organisations, so they are approximate.")
    s = f.set_index("stage")
    para3 = f"{RR3}, Part one, Qualification process and framework design (para 3)"
    report.finding(
        f"Of the {fmt_num(s.loc['expressed_interest', 'organisations'])} voluntary organisations that expressed an interest in the Dynamic Framework, "
        f"{fmt_num(s.loc['qualified', 'organisations'])} ({fmt_pct(s.loc['qualified', 'share_of_previous'], 0)}) had qualified by March 2021 - "
        f"about {fmt_pct(s.loc['qualified', 'share_of_first'], 0)} of the estimated {fmt_num(s.loc['sector', 'organisations'])} voluntary organisations "
        "working in criminal justice, which the report calls 'a very small proportion'. The sector's size is the report's own estimate.", source=para3,
        key=True)
    report.finding(
        f"Only about {fmt_pct(s.loc['expressed_interest', 'share_of_first'], 0)} of the sector expressed an interest at all, and "
        f"{fmt_num(s.loc['lead_provider', 'organisations'])} voluntary organisations - about {fmt_pct(s.loc['lead_provider', 'share_of_first'], 1)} "
        "of the sector - lead a day-one contract.", source=f"{RR3}, Part one (para 3) and Part two, Contract outcomes (para 3)")
    for key, stage, lab in (("sector_voluntary_organisations", "sector", "Voluntary organisations working in criminal justice (estimate)"),
                            ("expressed_interest", "expressed_interest", "Voluntary organisations that expressed interest in qualifying"),
                            ("qualified", "qualified", "Organisations qualified onto the Dynamic Framework by March 2021")):
        report.result(key, int(s.loc[stage, "organisations"]), label=lab, unit="organisations", source=para3)
    report.result("qualified_share_of_interest", round(float(s.loc["qualified", "share_of_previous"]), 4),
                  label="Qualified as a share of those expressing interest", unit="proportion", source=para3)
    report.result("qualified_share_of_sector", round(float(s.loc["qualified", "share_of_first"]), 4),
                  label="Qualified as a share of the estimated sector (approximate)", unit="proportion", source=para3)
    report.caveat(
        "The funnel's stages are not strictly nested: the report does not say that every supply-chain member had qualified onto the framework, "
        f"nor that all {fmt_num(s.loc['qualified', 'organisations'])} qualified organisations are voluntary (the sentence follows the "
        f"{fmt_num(s.loc['expressed_interest', 'organisations'])} voluntary organisations). Read the later shares as ratios of published counts, not as pass rates.")
    return f


def who_won(report: Report, tables: dict, level: float) -> None:
    """Section 2: voluntary shares of lead providers and supply chains with Wilson intervals."""
    shares = cm.voluntary_shares(tables["funnel"], level=level)
    outcomes = tables["contract_outcomes"].set_index("measure")
    report.figure(figures.plot_voluntary_shares(shares, source=f"RR3 final report (Clinks, June 2021), Part two, Contract outcomes (paras 3-4); Wilson {level:.0%} intervals"))
    report.table(
        shares.assign(interval=[fmt_ci(lo, hi, 1, level=level) for lo, hi in zip(shares["lo"], shares["hi"], strict=True)])[
            ["label", "voluntary", "all", "share", "interval"]].rename(columns={
            "label": "Stage", "voluntary": "Voluntary organisations", "all": "All organisations", "share": "Voluntary share",
            "interval": f"Wilson interval ({level:.0%})"}),
        "Table 2: Voluntary organisations among the lead providers and supply-chain members of the 110 day-one contracts",
        source=f"{RR3}, Part two, Contract outcomes (paras 2-4)", formats={"Voluntary share": "{:.1%}"})
    s = shares.set_index("stage")
    lead, chain = s.loc["lead_provider"], s.loc["supply_chain"]
    para = f"{RR3}, Part two, Contract outcomes"
    report.finding(
        f"{lead['voluntary']} of the {lead['all']} lead providers of the {int(outcomes.loc['contracts', 'value'])} day-one contracts are voluntary organisations "
        f"({fmt_pct(lead['share'], 0)}; {fmt_ci(lead['lo'], lead['hi'], 0, level=level)}), and so are {chain['voluntary']} of the {chain['all']} "
        f"organisations in their supply chains ({fmt_pct(chain['share'], 0)}; {fmt_ci(chain['lo'], chain['hi'], 0, level=level)}).",
        source=f"{para} (paras 3-4)", key=True)
    report.finding(
        "The voluntary sector won approximately two thirds of the contract value. The report gives this as a proportion only - it states no "
        "money amount - so no amount is derived from it here (the total value of the day-one contracts, from a government announcement, is in Section 4).",
        source=f"{para} (para 2)")
    report.finding(
        f"Only {int(outcomes.loc['racially_minoritised_led_in_supply_chains', 'value'])} organisations led by and focused on racially minoritised people "
        "are in the supply chains of the successful bidders, and the BAME service category had no assigned budget or timetable in 2021-22.",
        source=f"{RR3}, Part three, Gaps in key services (para 4) and Commissioning future services (para 2)")
    src, computed = f"{para} (para 3)", f"computed from {para} (para 3)"
    report.result("contracts", int(outcomes.loc["contracts", "value"]), label="Day-one Dynamic Framework contracts", unit="contracts", source=src)
    report.result("lead_providers", int(lead["all"]), label="Lead providers of day-one contracts", unit="organisations", source=src)
    report.result("voluntary_leads", int(lead["voluntary"]), label="Voluntary organisations among lead providers", unit="organisations", source=src)
    report.result("voluntary_lead_share", round(float(lead["share"]), 4), label="Voluntary share of lead providers", unit="proportion", source=src)
    report.result("voluntary_lead_share_low", round(float(lead["lo"]), 4), label=f"Voluntary share of lead providers, lower end of the Wilson {level:.0%} interval",
                  unit="proportion", source=computed)
    report.result("voluntary_lead_share_high", round(float(lead["hi"]), 4), label=f"Voluntary share of lead providers, upper end of the Wilson {level:.0%} interval",
                  unit="proportion", source=computed)
    src4 = f"{para} (para 4)"
    report.result("supply_chain_organisations", int(chain["all"]), label="Organisations in the day-one supply chains", unit="organisations", source=src4)
    report.result("voluntary_supply_chain", int(chain["voluntary"]), label="Voluntary organisations in the day-one supply chains", unit="organisations", source=src4)
    report.result("voluntary_supply_chain_share", round(float(chain["share"]), 4), label="Voluntary share of supply-chain organisations", unit="proportion", source=src4)
    report.result("voluntary_contract_value_share", round(float(outcomes.loc["voluntary_share_of_contract_value", "value"]), 4),
                  label="Voluntary share of day-one contract value ('approximately two thirds')", unit="proportion", source=f"{para} (para 2)")


def income(report: Report, tables: dict) -> None:
    """Section 3: income of supply-chain organisations against the sector (proportions only)."""
    profile = tables["income_profile"]
    gap = cm.income_comparison(profile)
    source = f"{RR3}, Part two, Contract outcomes (para 4)"
    report.figure(figures.plot_income_profile(profile, source="RR3 final report (Clinks, June 2021), Part two, Contract outcomes (para 4). Hatched: a lower bound ('over half')"))
    report.table(
        profile.assign(population=profile["population"].map(figures.POPULATION_LABELS), income_band=profile["income_band"].map(figures.BAND_LABELS),
                       organisations="not given")[["population", "income_band", "as_printed", "share", "organisations"]].rename(columns={
            "population": "Population", "income_band": "Income band", "as_printed": "As printed", "share": "Share", "organisations": "Count"}),
        "Table 3: Income profile of day-one supply-chain organisations against the criminal-justice voluntary sector",
        source=source, formats={"Share": "{:.0%}"},
        note="The report gives proportions only; counts are not published and are not estimated here.")
    report.finding(
        f"Over half of the organisations in the day-one supply chains have an income over £1m, against {fmt_pct(gap['reference_share'], 0)} of the "
        f"criminal-justice voluntary sector: a gap of at least {round(100 * gap['difference'])} percentage points, or at least {gap['ratio']:.1f} times "
        "as common. Large organisations are over-represented among the winners; the report gives no counts, so no confidence interval can be attached.",
        source=source, key=True)
    specialist = float(profile.set_index("population").loc["specialist_cj_organisations", "share"])
    report.result("supply_chain_income_over_1m_at_least", gap["population_share"], label="Supply-chain organisations with income over £1m (lower bound: 'over half')",
                  unit="proportion", source=source)
    report.result("sector_income_over_1m", gap["reference_share"], label="Criminal-justice voluntary organisations with income over £1m", unit="proportion", source=source)
    report.result("income_gap_at_least", round(gap["difference"], 4), label="Gap in share with income over £1m, supply chain minus sector (lower bound)",
                  unit="proportion", source=f"computed from {source}")
    report.result("specialist_income_under_100k", specialist, label="Specialist criminal-justice organisations with income under £100k", unit="proportion", source=source)


def money(report: Report, tables: dict) -> None:
    """Section 4: service categories and lots, the budgets the documents name, and the day-one contract values
    (facts from outside the seed documents, cited to their publisher under the project's one rule)."""
    categories = tables["service_categories"]
    report.table(
        categories.fillna({"lot_geography": "", "funding_2021_22": ""}).assign(
            day_one=categories["day_one"].map({True: "yes", False: "no (later)"}),
            lots=[f"{int(n)}" if pd.notna(n) else ("not stated" if d else "") for n, d in zip(categories["lots"], categories["day_one"], strict=True)])[
            ["service_category", "day_one", "lot_geography", "lots", "funding_2021_22"]].rename(columns={
            "service_category": "Service category", "day_one": "Commissioned for day one", "lot_geography": "Lot geography", "lots": "Lots",
            "funding_2021_22": "Funding in 2021-22"}),
        "Table 4: Dynamic Framework service categories, day-one lots and 2021-22 funding",
        source=f"{RR3}, Part one, The impact of Covid-19 (para 2); Part two, Competing for services (para 1); Part three, Commissioning future services (para 2)")
    budget = cm.budget_table(tables["budgets"])
    report.figure(figures.plot_budgets(budget, source="RR3 final report (June 2021), Part three (para 2); MoJ consultation response (May 2019), paras 23 and 39"))
    report.table(
        budget.assign(label=[figures.budget_label(i, p) for i, p in zip(budget["item"], budget["period"], strict=True)])[["label", "basis", "amount_m", "figure"]].rename(
            columns={"label": "Budget line", "basis": "Basis", "amount_m": "£ million", "figure": "Figure"}),
        "Table 5: Commissioning budgets named in the sources", source=f"{RR3}, Part three, Commissioning future services (para 2); {MOJ}, paras 23 and 39",
        formats={"£ million": "£{:,.1f}m"})
    b = tables["budgets"].set_index(["item", "period"])["amount_gbp"]
    regional = b[("regional_commissioning_budget", "2021-22")]
    n_areas = int(tables["areas"].set_index("structure")["areas"]["regional_probation_areas_budget_2021_22"])
    roif_start, roif_end = b[("regional_outcomes_and_innovation_fund", "2021-22")], b[("regional_outcomes_and_innovation_fund", "2024-25")]
    roif = cm.growth(roif_start, roif_end, years=3)
    part3 = f"{RR3}, Part three, Commissioning future services (para 2)"
    report.finding(
        f"For 2021-22, Regional Probation Directors had a national commissioning budget of {fmt.money(regional)} across {n_areas} regional probation areas - "
        f"{fmt.about(cm.per_area(regional, n_areas), 'money', 2)} per area if spread evenly (the report gives no split) - with no assigned budget for BAME services, "
        "Restorative Justice or Cognitive and Behavioural Change.", source=part3)
    report.finding(
        f"The Regional Outcomes and Innovation Fund was {fmt.money(roif_start)} in 2021/22 and will 'likely' reach {fmt.money(roif_end)} by 2024-25: "
        f"{roif['multiple']:.0f} times as much, or about {fmt_pct(roif['annual_growth'], 0)} a year compounded over three years. The later figure is a projection.",
        source=part3)
    outsourced, ttg = b[("outsourced_services_steady_state", "steady state")], b[("crc_through_the_gate_additional", "2019-2020")]
    report.finding(
        f"In May 2019 the government expected outsourced probation services to be worth around {fmt.money(outsourced)} a year in steady state, "
        f"and it was paying the Community Rehabilitation Companies an extra {fmt.money(ttg)} a year in 2019-20 for through-the-gate resettlement support.",
        source=f"{MOJ}, Executive Summary (para 23) and Our future approach, Summary (para 39)")
    day_one_values(report, tables["contract_facts"])
    for key, value, lab, unit in (
        ("regional_budget_2021_22_gbp", regional, "National budget for regional commissioning, 2021-22", "GBP"),
        ("regional_areas_2021_22", n_areas, "Regional probation areas sharing the 2021-22 budget", "areas"),
        ("regional_budget_per_area_gbp", round(cm.per_area(regional, n_areas), 2), "Average regional budget per area if spread evenly, 2021-22", "GBP"),
        ("roif_2021_22_gbp", roif_start, "Regional Outcomes and Innovation Fund, 2021/22", "GBP"),
        ("roif_2024_25_gbp", roif_end, "Regional Outcomes and Innovation Fund, 2024-25 (likely)", "GBP"),
    ):
        report.result(key, value, label=lab, unit=unit, source=f"{RR3}, Part three (para 2)")
    report.result("outsourced_services_gbp_per_year", outsourced, label="Planned value of outsourced services, steady state (around)", unit="GBP a year", source=f"{MOJ}, para 39")
    report.result("crc_ttg_top_up_gbp_per_year", ttg, label="Additional CRC through-the-gate funding, 2019-20", unit="GBP a year", source=f"{MOJ}, para 23")


def day_one_values(report: Report, facts: pd.DataFrame) -> None:
    """The £195m day-one contract value and its women's and accommodation parts: from a government announcement
    outside the seed documents, stated with its citation as every report states it."""
    total, women, accommodation = (outside_fact(facts, f) for f in
                                   ("day_one_value_three_years", "womens_value_three_years", "accommodation_value_three_years"))
    report.finding(
        f"The day-one contracts were worth {fmt.money(total.value)} over three years, of which almost {fmt.money(women.value)} was for "
        f"women's services and just over {fmt.money(accommodation.value)} for accommodation. These values are not in the four documents "
        "this report reproduces; they come from the government's announcement of the awards and are used, as in the contract report, because "
        "the project transcribes them with that citation.", source=total.cited, key=True)
    for key, fact in (("day_one_value_three_years_gbp", total), ("womens_value_three_years_gbp", women),
                      ("accommodation_value_three_years_gbp", accommodation)):
        report.result(key, fact.value, label=fact.description, unit="GBP", source=fact.cited)


def dps(report: Report, tables: dict, funnel_table: pd.DataFrame) -> None:
    """The prison education Dynamic Purchasing System beside the probation Dynamic Framework, from the tables."""
    d = tables["prison_education_dps"].set_index("measure")
    outcomes = tables["contract_outcomes"].set_index("measure")
    qualified = int(funnel_table.set_index("stage").loc["qualified", "organisations"])
    source = f"{MOJ}, A clearer role for the voluntary sector and smaller providers (para 68)"

    def shown(measure: str) -> str:
        row = d.loc[measure]
        number = fmt_pct(row["value"], 0) if row["unit"] == "proportion" else fmt_num(row["value"])
        return _SHOWN_AS[row["qualifier"]] + number

    comparison = pd.DataFrame([
        {"Framework": "Prison education DPS (May 2019)", "Suppliers qualified": shown("suppliers_qualified"),
         "Share that are SMEs": shown("sme_share_of_qualified"), "Contracts awarded": shown("contracts_awarded")},
        {"Framework": "Probation Dynamic Framework (2021)", "Suppliers qualified": f"{qualified} (voluntary, March 2021)",
         "Share that are SMEs": "not stated", "Contracts awarded": f"{int(outcomes.loc['contracts', 'value'])} (day one)"},
    ])
    report.table(comparison, "Table 6: The prison education DPS and the probation Dynamic Framework, as printed", source=f"{source}; {RR3}, Parts one and two")
    report.finding(
        f"Through the prison education DPS the government had qualified {shown('suppliers_qualified')} suppliers, {shown('sme_share_of_qualified')} of them "
        f"small and medium enterprises, and awarded {shown('contracts_awarded')} contracts. The document gives the SME share as a proportion of a lower bound, "
        "so no count of SMEs is derived.", source=source)
    report.result("dps_suppliers_qualified_over", int(d.loc["suppliers_qualified", "value"]), label="Prison education DPS suppliers qualified (more than)", unit="suppliers", source=source)
    report.result("dps_sme_share", float(d.loc["sme_share_of_qualified", "value"]), label="SME share of prison education DPS suppliers", unit="proportion", source=source)
    report.result("dps_contracts_over", int(d.loc["contracts_awarded", "value"]), label="Prison education DPS contracts awarded (over)", unit="contracts", source=source)


def consultation(report: Report, tables: dict) -> None:
    """Section 5: who responded to the 2018 consultation, the organisations in Annex A, and each question's responses."""
    questions_table = tables["consultation_questions"]
    total = int(questions_table.set_index("question").loc["All", "responses"])
    mix = cm.respondent_mix(tables["consultation_themes"])
    mix_source = f"{MOJ}, Executive Summary, Summary of consultation responses (paras 11-12)"
    report.figure(figures.plot_shares(list(mix["respondent_group"]), mix["share"], f"Who responded to the 2018 consultation (% of {total} responses)",
                                 "Share of responses (%)", "Respondent group", source="MoJ consultation response (CP 93, May 2019), Executive Summary, paras 11-12"))
    report.table(
        pd.DataFrame({"Respondent group": list(mix["respondent_group"]), "Share of responses": mix["share"], "Count": "not published"}),
        f"Table 7: Respondents to Strengthening Probation, Building Confidence ({total} responses)", source=mix_source,
        formats={"Share of responses": "{:.0%}"},
        note="The remainder is 100% minus the three named shares; the government did not break it down. The document gives the first share "
             f"as a share of responses and the other two as shares of respondents; all three are read against the same {total}.")
    annex = cm.category_shares(tables["consultation_annex_a"], "category", "organisations_listed")
    annex_source = f"{MOJ}, Annex A: List of organisations which responded to the consultation"
    listed = int(annex["organisations_listed"].sum())
    report.table(
        annex.rename(columns={"category": "Annex A heading", "organisations_listed": "Organisations listed", "share": "Share of listed organisations"}),
        f"Table 8: Organisations listed as respondents in Annex A, by heading ({listed} organisations)", source=annex_source,
        formats={"Share of listed organisations": "{:.0%}"},
        note="Counted from the names under each heading of Annex A. These are published names of organisations, not people, so no count is suppressed.")
    m = mix.set_index("respondent_group")["share"]
    vol = annex.set_index("category").loc["Voluntary sector organisations and umbrella bodies"]
    report.finding(
        f"The government received {fmt_num(total)} responses. Probation professionals were the largest group ({fmt_pct(m['Probation professionals'], 0)}), "
        f"followed by the voluntary sector ({fmt_pct(m['Voluntary sector'], 0)}) and judges and magistrates ({fmt_pct(m['Judges and magistrates'], 0)}); "
        "the document gives shares, not counts, for these groups.", source=mix_source, key=True)
    report.finding(
        f"Among the {fmt_num(listed)} organisations named in Annex A, voluntary sector organisations and umbrella bodies are the largest group "
        f"({fmt_num(vol['organisations_listed'])}, {fmt_pct(vol['share'], 0)}). Annex A lists organisations only; individual respondents, who make up "
        f"the rest of the {fmt_num(total)} responses, are not named.", source=annex_source)
    report.result("consultation_responses", total, label="Responses to Strengthening Probation, Building Confidence", unit="responses", source=mix_source)
    for key, group, lab in (("respondents_probation_professionals_share", "Probation professionals", "Share of responses from probation professionals"),
                            ("respondents_voluntary_sector_share", "Voluntary sector", "Share of respondents from the voluntary sector"),
                            ("respondents_judges_magistrates_share", "Judges and magistrates", "Share of respondents who were judges or magistrates")):
        report.result(key, float(m[group]), label=lab, unit="proportion", source=mix_source)
    report.result("annex_a_organisations", listed, label="Organisations listed in Annex A", unit="organisations", source=annex_source)
    report.result("annex_a_voluntary_organisations", int(vol["organisations_listed"]), label="Voluntary sector organisations and umbrella bodies in Annex A",
                  unit="organisations", source=annex_source)


def questions(report: Report, tables: dict) -> None:
    """Table 9 (responses per question), Table 10 (indicative themes) and the finding on engaging the voluntary sector."""
    total = int(tables["consultation_questions"].set_index("question").loc["All", "responses"])
    q = cm.response_rates(tables["consultation_questions"])
    share_col = f"Share of all {total}"
    report.table(
        q[["label", "topic", "responses", "count_noun", "share_of_all"]].rename(columns={
            "label": "Question", "topic": "Topic", "responses": "Number answering", "count_noun": "Counted as", "share_of_all": share_col}),
        "Table 9: Responses to each consultation question", source=f"{MOJ}, Responses to specific questions, Q1-Q17",
        counts=["Number answering"], formats={share_col: "{:.0%}"},
        note="'Counted as' keeps the document's own word for each count: some questions report respondents, others responses.")
    themes = tables["consultation_themes"]
    picked = themes[themes["question"].isin(["All", "Q13", "Q15"]) & ~themes["theme"].str.startswith(cm.RESPONDENT_PREFIX)]
    report.table(
        picked.assign(question=picked["question"].map(lambda x: "All questions" if x == "All" else x),
                      base=picked["share_of"].map({"respondents": "of respondents", "responses": "of responses"}))[
            ["question", "theme", "share_text", "base"]].rename(columns={
            "question": "Question", "theme": "Theme", "share_text": "Share (as printed)", "base": "Base"}),
        "Table 10: Consultation themes on integration, collaboration and commissioning (indicative)",
        source=f"{MOJ}, Executive Summary (paras 14-15); Responses to specific questions, Q13 and Q15",
        note="The document calls its theme shares indicative only: not every response could be coded, and one response can raise several themes.")
    q14 = q.set_index("label").loc["Q14"]
    report.finding(
        f"{fmt_num(q14['responses'])} respondents ({fmt_pct(q14['share_of_all'], 0)} of all responses) answered the question on engaging "
        "voluntary-sector providers; around a fifth of those answering Q13 called for local commissioning functions within probation areas, and "
        "over 60% of all respondents stressed better collaboration between partners (indicative shares, as the document warns).",
        source=f"{MOJ}, Responses to specific questions, Q13 and Q14; Executive Summary (para 15)")


def sector_position(report: Report, tables: dict) -> None:
    """Section 6: the sector's position going in (survey shares as printed), and how the sector took part."""
    evidence = cm.sector_evidence(tables["sector_evidence"], tables["clinks_response_figures"])
    props = evidence[evidence["unit"] == "proportion"]
    report.figure(figures.plot_shares([SECTOR_LABELS[m] for m in props["measure"]], props["value"],
                                 "The voluntary sector's position before the Dynamic Framework (% of organisations)", "Organisations (%)", "Finding",
                                 qualifiers=props["qualifier"], colour=3,
                                 source="Clinks response (Oct 2018), Response para 5 and Question 8; MoJ response (May 2019) para 65; RR3 final report (June 2021) Part one"))
    report.table(
        evidence.assign(document=evidence["source_document"].str[:3].map(SHORT))[["as_printed", "document", "source_section"]].rename(columns={
            "as_printed": "As printed", "document": "Document", "source_section": "Section"}),
        "Table 11: Evidence on the voluntary sector's capacity and funding, as printed", source=f"{CLINKS}; {MOJ}; {RR3}; {MINUTES}")
    ev = evidence.set_index("measure")["value"]
    report.finding(
        f"Clinks found that {fmt_pct(ev['bame_tailored_orgs_closure_risk'], 0)} of organisations supporting BAME communities reported being at risk of "
        f"closure, against {fmt_pct(ev['all_orgs_closure_risk'], 0)} of all survey respondents, and during Covid-19 "
        f"{fmt_pct(ev['orgs_unable_or_unsure_to_bid_covid'], 0)} of organisations were unable or unsure whether they could engage in new commissioning. "
        "The documents give these as shares without the number of organisations behind them.",
        source=f"{CLINKS}, Question 8, Race; {RR3}, Part one, The impact of Covid-19 (para 3)")
    engagement = tables["engagement"]
    people = engagement[engagement["unit"] == "people"].assign(Document=lambda d: d["source_document"].str[:3].map(SHORT))
    report.table(
        people[["body", "measure", "value", "qualifier", "Document"]].rename(columns={"body": "Body", "measure": "Measure", "value": "People", "qualifier": "Figure"}),
        "Table 12: People engaged in the advisory group and the consultation",
        source=f"{RR3}, About this paper; {MOJ}, Executive Summary (paras 18-19)", counts=["People"])
    eng = engagement.set_index(["body", "measure"])["value"]
    report.finding(
        f"The RR3 probation special interest group brought {report.count(eng[('RR3 probation SIG', 'voluntary sector leaders engaged')])} senior "
        f"voluntary-sector leaders from over 30 organisations together with {report.count(eng[('RR3 probation SIG', 'officials attending')])} officials "
        "across six meetings between April 2020 and June 2021.", source=f"{RR3}, About this paper: the RR3 and probation reform")


def data_used(report: Report, tables: dict, threshold: int) -> None:
    """Table 13: every transcribed table the report reads and the documents behind it (the caveats are the
    notebook's own closing section, stated once)."""
    rows = []
    for name in TABLES:
        t = tables[name.removeprefix("commissioning_")]
        docs = sorted({DOCUMENTS.get(str(d)[:3]) or citation(d) for d in t["source_document"]})
        rows.append({"What the table holds": catalog.get(name).title, "Rows": len(t), "Documents": "; ".join(docs)})
    report.table(pd.DataFrame(rows),
                 "Table 13: The transcribed tables this report uses (each row of each table quotes its figure and cites its document and section)",
                 source=f"{RR3}; {CLINKS}; Minutes of the RR3 meeting of 5 March 2020; {MOJ}; for facts from outside these four, the publisher each row cites")
    report.caveat(f"Disclosure control (threshold {threshold}) applies to counts of people (consultation responses, people engaged); counts of "
                  "organisations, contracts and areas are published facts about organisations and are shown as printed.")
