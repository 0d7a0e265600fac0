"""The rendered commissioning report states the seeds' headline numbers (results.json and HTML)."""

from __future__ import annotations

import json
import re

import pytest

from rehabresearch import paths, runner

pytestmark = pytest.mark.notebook

# key -> (expected value, where the seed prints it)
EXPECTED = {
    "sector_voluntary_organisations": (1700, "000, Part one, Qualification process para 3"),
    "expressed_interest": (400, "000, Part one, Qualification process para 3"),
    "qualified": (204, "000, Part one, Qualification process para 3"),
    "contracts": (110, "000, Part two, Contract outcomes para 3"),
    "lead_providers": (26, "000, Part two, Contract outcomes para 3"),
    "voluntary_leads": (23, "000, Part two, Contract outcomes para 3"),
    "supply_chain_organisations": (81, "000, Part two, Contract outcomes para 4"),
    "voluntary_supply_chain": (73, "000, Part two, Contract outcomes para 4"),
    "sector_income_over_1m": (0.27, "000, Part two, Contract outcomes para 4"),
    "specialist_income_under_100k": (0.29, "000, Part two, Contract outcomes para 4"),
    "regional_budget_2021_22_gbp": (12.5e6, "000, Part three, Commissioning future services para 2"),
    "roif_2021_22_gbp": (5e6, "000, Part three para 2"),
    "roif_2024_25_gbp": (20e6, "000, Part three para 2"),
    "outsourced_services_gbp_per_year": (280e6, "004, para 39"),
    "crc_ttg_top_up_gbp_per_year": (22e6, "004, para 23"),
    "dps_suppliers_qualified_over": (220, "004, para 68"),
    "dps_sme_share": (0.71, "004, para 68"),
    "dps_contracts_over": (20, "004, para 68"),
    "consultation_responses": (476, "004, para 11"),
    "respondents_probation_professionals_share": (0.44, "004, para 12"),
    "respondents_voluntary_sector_share": (0.17, "004, para 12"),
    "respondents_judges_magistrates_share": (0.08, "004, para 12"),
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    original = paths.REPORTS_DIR
    paths.REPORTS_DIR = out
    try:
        result = runner.run_notebook(runner.find("commissioning"), "published", progress=lambda *_: None)
    finally:
        paths.REPORTS_DIR = original
    assert result.status == "ok", result.error
    return json.loads((out / "commissioning" / "results.json").read_text()), (out / "commissioning" / "index.html").read_text()


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_headline_number(rendered, key):
    results, _ = rendered
    expected, where = EXPECTED[key]
    assert results["results"][key]["value"] == pytest.approx(expected), where
    assert results["results"][key]["source"], key


def test_derived_headlines(rendered):
    r = rendered[0]["results"]
    assert r["qualified_share_of_interest"]["value"] == pytest.approx(0.51)
    assert r["voluntary_lead_share"]["value"] == pytest.approx(23 / 26, abs=5e-5)
    lo, hi = r["voluntary_lead_share_low"]["value"], r["voluntary_lead_share_high"]["value"]
    assert 0.70 < lo < 23 / 26 < hi < 0.97
    assert r["income_gap_at_least"]["value"] == pytest.approx(0.23)


def test_page_says_where_counts_are_not_given(rendered):
    _, page = rendered
    assert "not given" in page and "not published" in page
    assert "£195m" in page  # used under the one rule for facts from outside the seed documents
    assert "Ministry of Justice press release" in page and "outside the seed documents" in page
    assert rendered[0]["results"]["day_one_value_three_years_gbp"]["value"] == 195_000_000
    assert "Source:" in page


def test_page_cites_documents_not_internal_files(rendered):
    _, page = rendered
    # the runner's collapsed "Parameters and inputs" panel lists dataset names and checksums; the report body must not
    body = re.sub(r"<details.*?</details>", "", page, flags=re.S)
    assert "data/catalog" not in body and "commissioning_funnel" not in body
    for stray in ("&lt;NA&gt;", "<td>None</td>", "<td>nan</td>", "[0."):
        assert stray not in body, stray
