"""Hand-computed checks of each tiering rule, and bad-input errors naming row and field."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rehabresearch.contact.tiering import TieringError, tier_v2, tier_v3

V2_BASE = {
    "gender": "Male", "rosh": "", "rsr": "", "mappa_level": "", "complexity_registrations": "", "female_additional_factors": "",
    "previous_enforcement_activity": "false", "ogrs": "", "needs": "", "iom_nominal": "false", "mandate_for_change": "true",
    "assessment_present": "true",
}
V3_BASE = {
    "rosh": "LOW", "mappa_category_present": "false", "arp": "10", "arp_static_or_dynamic": "DYNAMIC", "csrp": "0.1",
    "csrp_static_or_dynamic": "DYNAMIC", "dcsrp_score": "", "dcsrp_band": "", "lifer_ipp_release_years_ago": "",
    "domestic_abuse_reg": "false", "stalking_reg": "false", "child_protection_reg": "false", "ever_sexual_offence": "false",
}


def v2(**changes):
    return tier_v2(pd.DataFrame([{**V2_BASE, **changes}])).iloc[0]


def v3(**changes):
    return tier_v3(pd.DataFrame([{**V3_BASE, **changes}])).iloc[0]


@pytest.mark.parametrize(
    "changes, points",
    [
        ({}, 0),
        ({"rsr": "2.99"}, 0),
        ({"rsr": "3.00"}, 10),
        ({"rsr": "6.99"}, 10),
        ({"rsr": "7"}, 20),
        ({"rsr": "999.99"}, 0),
        ({"rosh": "MEDIUM", "rsr": "7"}, 20),  # only the larger of RoSH and RSR
        ({"rosh": "VERY_HIGH", "rsr": "7"}, 150),
        ({"mappa_level": "M1"}, 5),
        ({"mappa_level": "M3"}, 150),
        ({"complexity_registrations": "RMDO|ALSH|RVLN|RCCO|RCPR|RCHD|RPIR|RVAD|STRG|RTAO|RMDO"}, 20),  # cap
        ({"complexity_registrations": "RMDO|RMDO"}, 2),  # counted once
        ({"female_additional_factors": "PARENTING_RESPONSIBILITIES", "previous_enforcement_activity": "true"}, 0),
        ({"gender": "Female", "female_additional_factors": "PARENTING_RESPONSIBILITIES|IMPULSIVITY|TEMPER_CONTROL"}, 4),
        ({"gender": "Female", "previous_enforcement_activity": "true"}, 2),
    ],
)
def test_v2_protect_points(changes, points):
    assert v2(**changes)["protect_points"] == points


@pytest.mark.parametrize("points, level", [(0, "D"), (9, "D"), (10, "C"), (19, "C"), (20, "B"), (149, "B"), (150, "A")])
def test_v2_protect_level_bounds(points, level):
    # build points from complexity (2 each, cap 20) + RSR + MAPPA M1 (5) to hit each bound exactly
    combos = {0: {}, 9: {"mappa_level": "M1", "complexity_registrations": "RMDO|ALSH"}, 10: {"rsr": "3"},
              19: {"rsr": "3", "mappa_level": "M1", "complexity_registrations": "RMDO|ALSH"}, 20: {"rsr": "7"},
              149: {"rosh": "HIGH", "mappa_level": "M1", "complexity_registrations": "RMDO|ALSH|RVLN|RCCO|RCPR|RCHD|RPIR|RVAD|STRG|RTAO"},
              150: {"mappa_level": "M2"}}
    got = v2(**combos[points])
    if points == 149:
        assert got["protect_points"] == 45  # 20 + 5 + 20 (149 is unreachable this way); still B
    else:
        assert got["protect_points"] == points
    assert got["protect_level"] == level


@pytest.mark.parametrize(
    "changes, level, points",
    [
        ({"mandate_for_change": "false", "ogrs": "99"}, 0, 0),
        ({"assessment_present": "false", "ogrs": "99"}, 2, 0),
        ({"ogrs": "9"}, 1, 0),
        ({"ogrs": "99"}, 1, 9),
        ({"ogrs": "80", "iom_nominal": "true"}, 2, 10),
        ({"needs": "THINKING_AND_BEHAVIOUR=SEVERE|ATTITUDES=SEVERE|FINANCIAL_MANAGEMENT_AND_INCOME=SEVERE|EMOTIONAL_WELLBEING=SEVERE"}, 1, 8),
        ({"needs": "THINKING_AND_BEHAVIOUR=SEVERE|ATTITUDES=SEVERE|DRUG_MISUSE=STANDARD", "ogrs": "100", "iom_nominal": "true"}, 3, 21),
    ],
)
def test_v2_change(changes, level, points):
    got = v2(**changes)
    assert (got["change_level"], got["change_points"]) == (level, points)


def test_v2_accepts_typed_columns_and_keeps_index():
    df = pd.DataFrame([{**V2_BASE, "rsr": 7.5, "ogrs": np.nan, "mandate_for_change": True, "assessment_present": True,
                        "iom_nominal": False, "previous_enforcement_activity": False}], index=["p9"])
    out = tier_v2(df)
    assert list(out.index) == ["p9"] and out.loc["p9", "tier"] == "B1"


@pytest.mark.parametrize(
    "changes, tier, step, provisional",
    [
        ({}, "G", "arp_csrp_lookup", False),
        ({"arp_static_or_dynamic": "STATIC"}, "G", "arp_csrp_lookup", True),
        ({"rosh": ""}, "G", "arp_csrp_lookup", True),
        ({"arp": "89.99", "csrp": "6.89"}, "B", "arp_csrp_lookup", False),
        ({"arp": "15", "csrp": "0.5"}, "F", "arp_csrp_lookup", False),
        ({"dcsrp_band": "VERY_HIGH", "dcsrp_score": "0.01"}, "A", "sexual_predictor", False),
        ({"dcsrp_band": "HIGH", "dcsrp_score": "1.50"}, "B", "sexual_predictor", False),
        ({"dcsrp_band": "LOW", "dcsrp_score": "0.02"}, "E", "sexual_predictor", False),
        # a band without a score above 0, or NOT_APPLICABLE, is ignored (the service's validation)
        ({"dcsrp_band": "VERY_HIGH"}, "G", "arp_csrp_lookup", False),
        ({"dcsrp_band": "HIGH", "dcsrp_score": "0"}, "G", "arp_csrp_lookup", False),
        ({"dcsrp_band": "MEDIUM"}, "G", "arp_csrp_lookup", False),
        ({"dcsrp_band": "NOT_APPLICABLE", "dcsrp_score": "2.11"}, "G", "arp_csrp_lookup", False),
        ({"dcsrp_band": "MEDIUM", "dcsrp_score": "2.10"}, "C", "sexual_predictor", False),
        ({"dcsrp_band": "MEDIUM", "dcsrp_score": "1.11"}, "D", "sexual_predictor", False),
        ({"dcsrp_band": "MEDIUM", "dcsrp_score": "0.60"}, "D", "sexual_predictor", False),
        ({"dcsrp_band": "MEDIUM", "dcsrp_score": "3.35"}, "D", "sexual_predictor", False),
        ({"mappa_category_present": "true", "rosh": "VERY_HIGH"}, "A", "mappa_rosh", False),
        ({"mappa_category_present": "true", "rosh": "MEDIUM"}, "D", "mappa_rosh", False),
        ({"mappa_category_present": "true", "rosh": ""}, "E", "mappa_rosh", True),  # RoSH missing, nothing else reaches A
        ({"rosh": "HIGH"}, "D", "rosh", False),
        ({"rosh": "MEDIUM"}, "G", "arp_csrp_lookup", False),
        ({"lifer_ipp_release_years_ago": "1"}, "B", "lifer_ipp", False),
        ({"lifer_ipp_release_years_ago": "5"}, "D", "lifer_ipp", False),
        ({"lifer_ipp_release_years_ago": "5.5"}, "E", "lifer_ipp", False),
        ({"domestic_abuse_reg": "true"}, "E", "domestic_abuse_reg", False),
        ({"stalking_reg": "true"}, "F", "stalking_reg", False),
        ({"child_protection_reg": "true"}, "F", "child_protection_reg", False),
        ({"ever_sexual_offence": "true"}, "E", "ever_sexual_offence", False),
        # static ARP: provisional unless another step reaches the look-up's first column for the CSRP row (C here)
        ({"arp_static_or_dynamic": "STATIC", "arp": "20", "csrp": "0.7", "stalking_reg": "true"}, "F", "stalking_reg", True),
        ({"arp_static_or_dynamic": "STATIC", "arp": "20", "csrp": "0.7", "rosh": "VERY_HIGH"}, "C", "rosh", False),
        # static CSRP: provisional unless another step reaches the first row for the ARP column (B for ARP 60)
        ({"csrp_static_or_dynamic": "STATIC", "arp": "60", "dcsrp_band": "HIGH", "dcsrp_score": "2"}, "B", "sexual_predictor", False),
        ({"csrp_static_or_dynamic": "STATIC", "arp": "60", "rosh": "HIGH"}, "D", "rosh", True),
        # the most intensive step wins
        ({"arp": "95", "csrp": "7", "domestic_abuse_reg": "true", "csrp_static_or_dynamic": "STATIC"}, "A", "arp_csrp_lookup", True),
        ({"arp": ""}, "MISSING", "missing_predictor", False),
        ({"csrp": "", "dcsrp_band": "VERY_HIGH"}, "MISSING", "missing_predictor", False),
        ({"active_sentence": "false"}, "NOT_SUPERVISED", "no_active_sentence", False),
    ],
)
def test_v3_steps(changes, tier, step, provisional):
    got = v3(**changes)
    assert (got["tier"], got["tier_step"], bool(got["provisional"])) == (tier, step, provisional)


def test_v3_lookup_table_corners():
    arps = [90, 75, 50, 25, 15, 0]
    csrps = [6.9, 3.0, 1.0, 0.5, 0]
    expected = ["AABBBB", "ABCCCC", "BCDEEE", "CDEEFF", "DDEFFG"]
    rows = [{**V3_BASE, "arp": a, "csrp": c} for c in csrps for a in arps]
    got = "".join(tier_v3(pd.DataFrame(rows))["tier"])
    assert got == "".join(expected)


def _error(func, base, changes_by_row):
    df = pd.DataFrame([{**base, **changes} for changes in changes_by_row], index=range(1, len(changes_by_row) + 1))
    with pytest.raises(TieringError) as info:
        func(df)
    return info.value


def test_v2_reports_every_bad_row_and_field():
    err = _error(tier_v2, V2_BASE, [{}, {"rosh": "HIHG"}, {"rsr": "100"}, {"ogrs": "-1"}, {"needs": "ATTITUDES=HUGE"},
                                    {"complexity_registrations": "RMDO|XXXX"}, {"mandate_for_change": "maybe"},
                                    {"gender": ""}, {"female_additional_factors": "KIDS", "gender": "Woman"}, {"rsr": "abc"},
                                    {"needs": "ATTITUDES=SEVERE|ATTITUDES=STANDARD"}])
    got = {(p.row, p.field) for p in err.problems}
    assert got == {(2, "rosh"), (3, "rsr"), (4, "ogrs"), (5, "needs"), (6, "complexity_registrations"),
                   (7, "mandate_for_change"), (8, "gender"), (9, "female_additional_factors"), (9, "gender"), (10, "rsr"), (11, "needs")}
    assert err.total == 11
    text = str(err)
    assert "row 2, field 'rosh'" in text and "'HIHG'" in text and "row 3, field 'rsr'" in text


def test_v3_bad_inputs():
    err = _error(tier_v3, V3_BASE, [{"arp": "101"}, {"csrp_static_or_dynamic": ""}, {"dcsrp_band": "MEDIUM", "dcsrp_score": "0.59"},
                                    {"dcsrp_band": "MEDIUM", "dcsrp_score": "0.5"}, {"dcsrp_band": "EXTREME"},
                                    {"lifer_ipp_release_years_ago": "-1"}, {"stalking_reg": ""}, {"rosh": "SEVERE"}, {"arp_static_or_dynamic": "FIXED"}])
    assert [(p.row, p.field) for p in err.problems] == [
        (1, "arp"), (2, "csrp_static_or_dynamic"), (3, "dcsrp_score"), (4, "dcsrp_score"), (5, "dcsrp_band"),
        (6, "lifer_ipp_release_years_ago"), (7, "stalking_reg"), (8, "rosh"), (9, "arp_static_or_dynamic")]


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="lacks required column.*needs"):
        tier_v2(pd.DataFrame([V2_BASE]).drop(columns="needs"))


def test_vectorised_rows_equal_single_row_results():
    rng = np.random.default_rng(7)
    pools = {
        "gender": ["Male", "Female"], "rosh": ["", "LOW", "MEDIUM", "HIGH", "VERY_HIGH"],
        "rsr": ["", "2.5", "3", "8.1", "999.99"], "mappa_level": ["", "M1", "M2"],
        "complexity_registrations": ["", "RMDO", "RCCO|RCPR|RCHD"],
        "female_additional_factors": ["", "TEMPER_CONTROL", "PARENTING_RESPONSIBILITIES|IMPULSIVITY"],
        "previous_enforcement_activity": ["true", "false"], "ogrs": ["", "5", "55", "99"],
        "needs": ["", "ATTITUDES=SEVERE", "DRUG_MISUSE=STANDARD|ALCOHOL_MISUSE=SEVERE|THINKING_AND_BEHAVIOUR=SEVERE"],
        "iom_nominal": ["true", "false"], "mandate_for_change": ["true", "false"], "assessment_present": ["true", "false"],
        "mappa_category_present": ["true", "false"], "arp": ["", "10", "60", "95"],
        "arp_static_or_dynamic": ["STATIC", "DYNAMIC"], "csrp": ["0.2", "1.5", "7"],
        "csrp_static_or_dynamic": ["STATIC", "DYNAMIC"], "dcsrp_band": ["", "LOW", "HIGH"], "dcsrp_score": [""],
        "lifer_ipp_release_years_ago": ["", "0.5", "3", "9"], "domestic_abuse_reg": ["true", "false"],
        "stalking_reg": ["true", "false"], "child_protection_reg": ["true", "false"],
        "ever_sexual_offence": ["true", "false"],
    }
    df = pd.DataFrame({k: rng.choice(v, 150) for k, v in pools.items()})
    for func in (tier_v2, tier_v3):
        together = func(df)
        one_by_one = pd.concat([func(df.iloc[[i]]) for i in range(len(df))])
        pd.testing.assert_frame_equal(together, one_by_one)
        assert together["tier"].nunique() > 4  # the sample exercises many outcomes
