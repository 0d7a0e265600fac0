"""The transcribed commissioning tables load, validate, and hold the numbers the seeds print."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from rehabresearch import catalog, paths
from rehabresearch.validation import ValidationError

SEED_FILES = {
    "000_bc63993ac262e051.txt", "001_ee0fa4ddec32e921.txt", "003_31fc9b52a9fb2305.txt", "004_b8f5abea2c1f2974.txt",
}
NAMES = sorted(n for n in catalog.datasets() if n.startswith("commissioning_"))


def test_there_are_commissioning_tables():
    # the consultation questions, themes and respondent groups and the Clinks closure-risk figures are
    # transcribed once, in the shared consultation_* and clinks_response_figures tables (tests/evidence)
    assert NAMES == [
        "commissioning_areas", "commissioning_budgets", "commissioning_consultation_annex_a", "commissioning_contract_outcomes",
        "commissioning_engagement", "commissioning_funnel", "commissioning_income_profile", "commissioning_prison_education_dps",
        "commissioning_sector_evidence", "commissioning_service_categories",
    ]


@pytest.mark.parametrize("name", NAMES)
def test_table_loads_validates_and_cites_a_seed(name):
    ds = catalog.get(name)
    assert ds.kind == "transcribed" and catalog.status(ds) == "present"
    df = catalog.load(name)
    assert len(df) > 0
    # every row names one of the seed files and a section
    assert df["source_document"].str.split(":").str[0].isin(SEED_FILES).all(), name
    assert (df["source_section"].str.strip() != "").all()
    assert (df["as_printed"].str.strip() != "").all()


def _value(name: str, **key) -> float:
    df = catalog.load(name)
    mask = pd.Series(True, index=df.index)
    for col, val in key.items():
        mask &= df[col] == val
    assert mask.sum() == 1, (name, key)
    return df.loc[mask].iloc[0]


@pytest.mark.parametrize(
    "stage, group, expected, qualifier",
    [
        ("sector", "voluntary", 1700, "about"),  # 000, Part one Qualification process para 3 / Part two Contract outcomes para 3
        ("expressed_interest", "voluntary", 400, "exact"),  # 000, Part one, Qualification process para 3
        ("qualified", "voluntary", 204, "exact"),  # 000, Part one, Qualification process para 3 (as of March 2021)
        ("supply_chain", "all", 81, "exact"),  # 000, Part two, Contract outcomes para 4
        ("supply_chain", "voluntary", 73, "exact"),  # 000, Part two, Contract outcomes para 4
        ("lead_provider", "all", 26, "exact"),  # 000, Part two, Contract outcomes para 3
        ("lead_provider", "voluntary", 23, "exact"),  # 000, Part two, Contract outcomes para 3
    ],
)
def test_funnel_numbers(stage, group, expected, qualifier):
    row = _value("commissioning_funnel", stage=stage, group=group)
    assert row["organisations"] == expected
    assert row["qualifier"] == qualifier


def test_contract_outcomes():
    # 000, Part two, Contract outcomes paras 2-3; Part three, Gaps in key services para 4
    assert _value("commissioning_contract_outcomes", measure="contracts")["value"] == 110
    share = _value("commissioning_contract_outcomes", measure="voluntary_share_of_contract_value")
    assert share["value"] == pytest.approx(2 / 3, abs=1e-6) and share["qualifier"] == "about"
    assert _value("commissioning_contract_outcomes", measure="racially_minoritised_led_in_supply_chains")["value"] == 3


def test_income_profile_has_proportions_but_no_invented_counts():
    # 000, Part two, Contract outcomes para 4
    df = catalog.load("commissioning_income_profile").set_index(["population", "income_band"])
    assert df.loc[("supply_chain", "over_1m"), "share"] == 0.5
    assert df.loc[("supply_chain", "over_1m"), "qualifier"] == "over"
    assert df.loc[("cj_voluntary_sector", "over_1m"), "share"] == 0.27
    assert df.loc[("specialist_cj_organisations", "under_100k"), "share"] == 0.29
    assert df["organisations"].isna().all()


def test_budgets():
    df = catalog.load("commissioning_budgets").set_index(["item", "period"])["amount_gbp"]
    assert df[("regional_commissioning_budget", "2021-22")] == 12.5e6  # 000, Part three, Commissioning future services para 2
    assert df[("regional_outcomes_and_innovation_fund", "2021-22")] == 5e6  # same paragraph
    assert df[("regional_outcomes_and_innovation_fund", "2024-25")] == 20e6  # same paragraph ("will likely")
    assert df[("outsourced_services_steady_state", "steady state")] == 280e6  # 004, para 39
    assert df[("crc_through_the_gate_additional", "2019-2020")] == 22e6  # 004, para 23


def test_prison_education_dps():
    # 004, para 68
    assert _value("commissioning_prison_education_dps", measure="suppliers_qualified")[["value", "qualifier"]].tolist() == [220, "over"]
    assert _value("commissioning_prison_education_dps", measure="sme_share_of_qualified")["value"] == 0.71
    assert _value("commissioning_prison_education_dps", measure="contracts_awarded")[["value", "qualifier"]].tolist() == [20, "over"]


def test_annex_a_counts_and_questions():
    annex = catalog.load("commissioning_consultation_annex_a").set_index("category")["organisations_listed"]
    assert annex["Voluntary sector organisations and umbrella bodies"] == 66
    assert annex.sum() == 146


def test_service_categories_and_areas():
    cats = catalog.load("commissioning_service_categories").set_index("service_category")
    assert cats.loc["Accommodation", "lots"] == 11  # 000, Part two, Competing for services para 1
    assert cats.loc["Women's services", "lot_geography"] == "PCC area"
    assert int(cats["day_one"].sum()) == 4
    areas = catalog.load("commissioning_areas").set_index("structure")["areas"]
    assert areas["regional_probation_areas_budget_2021_22"] == 12  # 000, Part three para 2
    assert areas["crc_contract_package_areas"] == 21  # 004, para 72


def test_sector_evidence_and_engagement():
    ev = catalog.load("commissioning_sector_evidence").set_index("measure")
    assert ev.loc["surveyed_orgs_receiving_referrals_without_funding", ["value", "qualifier", "base_organisations"]].tolist() == [0.65, "up_to", 132]  # 004, para 65
    assert ev.loc["orgs_unable_or_unsure_to_bid_covid", "value"] == 0.4  # 000, Part one, The impact of Covid-19 para 3
    assert ev.loc["hmpps_second_grant_programme_grants", "value"] == 16  # 003, 3.1.1
    assert not ev.index.str.contains("closure").any()  # State of the Sector closure risk: clinks_response_figures only
    eng = catalog.load("commissioning_engagement").set_index(["body", "measure"])["value"]
    # 001, About this response: four events, over 150 people, 95 organisations
    assert eng[("Clinks consultation events 2018", "events")] == 4
    assert eng[("Clinks consultation events 2018", "attendees")] == 150
    assert eng[("Clinks consultation events 2018", "organisations represented")] == 95


def test_a_corrupted_copy_fails_with_file_column_and_row(tmp_path):
    ds = catalog.get("commissioning_funnel")
    df = pd.read_csv(ds.path, dtype=str)
    df.loc[2, "organisations"] = "-204"
    bad = tmp_path / "funnel.csv"
    df.to_csv(bad, index=False)
    with pytest.raises(ValidationError) as err:
        catalog.load_csv(bad, ds.schema)
    assert "organisations" in str(err.value) and "row 3" in str(err.value) and "funnel.csv" in str(err.value)


SEEDS_DIR = paths.PROJECT_ROOT.parent / "shared" / "seeds"


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("\u2019", "'")


@pytest.mark.parametrize("name", NAMES)
def test_every_quotation_is_verbatim_in_its_seed(name):
    """Each row's as_printed text (parts split on '...' or ';') occurs word for word in the seed it cites."""
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed documents not available at {SEEDS_DIR}")
    seeds = {p.name: _normalise(p.read_text(encoding="utf-8")) for p in SEEDS_DIR.glob("*.txt")}
    df = catalog.load(name)
    for row, (doc, quote) in enumerate(zip(df["source_document"], df["as_printed"]), start=1):
        text = seeds[doc.split(":")[0]]
        for part in filter(None, (p.strip() for p in re.split(r"\.\.\.|;", quote))):
            assert _normalise(part) in text, f"{name} row {row}: {part!r} is not in {doc.split(':')[0]}"
