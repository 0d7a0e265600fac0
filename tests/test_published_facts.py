"""One rule for facts from outside the seed documents: a catalog entry citing its publisher, the same citation everywhere."""

import pandas as pd
import pytest

from rehabresearch import catalog
from rehabresearch.contracts import analysis
from rehabresearch.published.facts import citation, is_seed, outside_fact


def test_citation_drops_seed_identifiers_in_every_form():
    assert citation("RR3 final report (Clinks, June 2021; seed 000_bc63993ac262e051.txt)") == "RR3 final report (Clinks, June 2021)"
    assert citation("RR3 final report, Clinks, June 2021 (seed 000_bc63993ac262e051.txt)") == "RR3 final report, Clinks, June 2021"
    assert citation("004_b8f5abea2c1f2974.txt: MoJ response (CP 93, May 2019)") == "MoJ response (CP 93, May 2019)"
    assert citation("Ministry of Justice press release (21 May 2021)") == "Ministry of Justice press release (21 May 2021)"
    assert is_seed("x (seed 000_bc63993ac262e051.txt)") and not is_seed("Ministry of Justice press release")


def test_contract_values_come_from_one_catalog_entry_citing_the_publisher():
    facts = catalog.load("contract_facts")
    value = outside_fact(facts, "day_one_value_three_years")
    assert value.value == 195_000_000 and not value.from_seed
    assert value.source.startswith("Ministry of Justice press release") and "2021" in value.source
    assert "outside the seed documents" in value.cited
    assert outside_fact(facts, "womens_value_three_years").value == 46_000_000
    assert outside_fact(facts, "accommodation_value_three_years").value == 33_000_000
    assert outside_fact(facts, "day_one_contracts").from_seed  # the 110 contracts are in the RR3 report
    shown = analysis.facts_display(facts)
    assert not shown["Source (document; section)"].str.contains(r"\.txt").any()
    assert (shown["In the seed documents"] == "no: cited to its publisher").sum() == (~facts["source_document"].map(is_seed)).sum()


def test_a_fact_without_an_entry_is_not_used():
    facts = catalog.load("contract_facts")
    with pytest.raises(KeyError, match="needs a catalog entry citing its publisher"):
        outside_fact(facts, "not_a_fact")
    blank = pd.DataFrame({"fact_id": ["x"], "value": [1.0], "unit": ["GBP"], "description": ["d"],
                          "source_document": [""], "source_section": ["s"]})
    with pytest.raises(ValueError, match="cites no document"):
        outside_fact(blank, "x")
