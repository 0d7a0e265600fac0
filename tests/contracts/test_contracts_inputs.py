"""Contract files: validation errors that name the field, the built-in lots, round trips and the published facts."""

import numpy as np
import pytest
import yaml

from rehabresearch import catalog, paths
from rehabresearch.contracts.inputs import (
    ContractFileError,
    contracts_for,
    default_contracts,
    load_contract,
    parse_contract,
)

BASE = {
    "name": "mine", "period_unit": "year", "periods": ["2021/22", "2022/23", "2023/24"],
    "profile": [100, 120, 140], "value": [90_000, 110_000, 130_000],
}


def parse(**changes):
    data = {**BASE, **changes}
    return parse_contract({k: v for k, v in data.items() if v is not None}, file="mine.yaml")


@pytest.mark.parametrize("changes, field, message", [
    ({"profile": [100, -5, 140]}, "profile", "value 2 is negative"),
    ({"value": [1, 2]}, "value", "has 2 values but there are 3 periods"),
    ({"periods": ["2022/23", "2021/22", "2023/24"]}, "periods", "out of order"),
    ({"periods": ["2021/22", "2023/24", "2024/25"]}, "periods", "gap"),
    ({"periods": ["2021/22", "spring", "2023/24"]}, "periods[2]", "not a year label"),
    ({"colour": "red"}, "colour", "unknown field"),
    ({"inputs": {"caseload": 40}}, "inputs.caseload", "unknown input"),
    ({"inputs": {"referral_rate": 1.2}}, "inputs.referral_rate", "at most 1"),
    ({"inputs": {"caseload_per_worker": "many"}}, "inputs.caseload_per_worker", "must be a number"),
    ({"value": None, "total_value": 300_000, "value_shares": [0.3, 0.3, 0.3]}, "value_shares", "sum to 0.9, not 1"),
    ({"profile": None, "total_volume": 360, "volume_shares": [0.5, 0.6, -0.1]}, "volume_shares", "negative"),
    ({"mechanism": "cost_plus"}, "mechanism", "not one of"),
    ({"bands": [[0.5, 1.0], [1.2, 1.1]]}, "bands", "start at 0"),
    ({"distributions": {"volume_factor": {"dist": "uniform", "low": 2, "high": 1}}}, "distributions.volume_factor", "low < high"),
    ({"distributions": {"volume_factor": {"dist": "gamma", "a": 2}}}, "distributions.volume_factor", "not one of"),
    ({"value": None, "category_value": 1e6, "lot_share": {"value": 0.1, "basis": "published"}, "value_shares": [0.3, 0.3, 0.4]},
     "lot_share", "needs 'document' and 'section'"),
    ({"staff": [{"grade": "Worker", "salary": -1, "per_caseworker": 1}]}, "staff[1].salary", "at least 0"),
    ({"profile": [100, 0, 140]}, "profile", "volume 0"),
])
def test_validation_errors_name_the_field(changes, field, message):
    with pytest.raises(ContractFileError, match=message) as info:
        parse(**changes)
    assert info.value.field == field
    assert "mine.yaml" in str(info.value)


def test_value_from_category_and_lot_share():
    c = parse(value=None, category_value=46_000_000, lot_share=0.04, value_shares=[0.25, 0.35, 0.4])
    np.testing.assert_allclose(c.value, [460_000, 644_000, 736_000])


def test_quarters_and_index_labels():
    c = parse(period_unit="quarter", periods=["2021Q3", "2021Q4", "2022Q1"])
    assert c.period_years == 0.25
    assert parse(periods=["Year 1", "Year 2", "Year 3"]).n_periods == 3
    with pytest.raises(ContractFileError, match="out of order"):
        parse(period_unit="quarter", periods=["2021Q4", "2021Q3", "2022Q1"])


def test_profile_csv(tmp_path):
    (tmp_path / "profile.csv").write_text("period,profile,value\n2021/22,100,90000\n2022/23,120,110000\n2023/24,140,130000\n")
    data = {k: v for k, v in BASE.items() if k not in ("profile", "value", "periods")}
    (tmp_path / "c.yaml").write_text(yaml.safe_dump({**data, "profile_csv": "profile.csv"}))
    c = load_contract(tmp_path / "c.yaml")
    assert c.periods == ("2021/22", "2022/23", "2023/24")
    np.testing.assert_allclose(c.profile, [100, 120, 140])
    np.testing.assert_allclose(c.value, [90_000, 110_000, 130_000])
    (tmp_path / "profile.csv").write_text("period,profile\n2021/22,100\n2022/23,-3\n2023/24,140\n")
    with pytest.raises(Exception, match="column 'profile', row 2"):
        load_contract(tmp_path / "c.yaml")


def test_builtin_lots_use_the_published_values():
    lots = default_contracts()
    assert set(lots) == {"womens_services", "accommodation"}
    assert lots["womens_services"].value.sum() == pytest.approx(46_000_000 * 0.04)
    assert lots["accommodation"].value.sum() == pytest.approx(33_000_000 * 0.0909)
    for c in lots.values():
        assert c.provenance["category_value"].startswith("published: ")
        assert c.provenance["lot_share"].startswith("illustrative")
        assert all(text.startswith(("published: ", "illustrative")) for text in c.provenance.values())


def test_example_contract_loads():
    lots = contracts_for("examples/my_contract.yaml")
    (c,) = lots.values()
    assert c.n_periods == 7
    assert contracts_for(None).keys() == default_contracts().keys()
    assert contracts_for("").keys() == default_contracts().keys()


def test_missing_file_is_named():
    with pytest.raises(FileNotFoundError, match="no contract file"):
        load_contract(paths.PROJECT_ROOT / "examples" / "nope.yaml")


def test_published_facts_catalog():
    facts = catalog.load("contract_facts").set_index("fact_id")["value"]
    assert facts["day_one_value_three_years"] == 195_000_000
    assert facts["womens_value_three_years"] + facts["accommodation_value_three_years"] == 79_000_000
    assert facts["day_one_contracts"] == 110
    # Peterborough first cohort: 142 against 155 reconviction events per 100 -> an 8.4% fall.
    assert round(1 - 142 / 155, 3) == facts["pbr_first_cohort_reduction"]
    assert facts["tr_actual_referral_rate"] / facts["tr_expected_referral_rate"] == pytest.approx(0.75)


def test_quarterly_csv_example_loads():
    (c,) = contracts_for("examples/my_quarterly_contract.yaml").values()
    assert c.period_years == 0.25 and c.n_periods == 8 and c.mechanism == "per_referral"
    assert c.value.sum() == 735_000 and not c.distributions
