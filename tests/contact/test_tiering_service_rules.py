"""The service's current rules beyond the worked cases: unsupervised suffix, historic registrations, mandate for
change from the sentence and its requirements, tier change; with seeded random property checks.

Rule sources (ministryofjustice/hmpps-tier, commit affac98aa31db76f1856de066cb9a65e54c43cee): TierDto.getSuffix,
DeliusApiService (HREG filter, PRC code), MandateForChange, TierUpdater.isUpdated, and the scenarios of
src/test/resources/.../bdd/mandateForChange.9.5.feature.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rehabresearch.contact.tiering import (
    COMPLEXITY_REGISTRATIONS, REGISTER_CODES, TieringError, tier_changed, tier_v2, tier_v3,
)

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


def v2_error(base=V2_BASE, func=tier_v2, **changes) -> TieringError:
    with pytest.raises(TieringError) as info:
        func(pd.DataFrame([{**base, **changes}], index=[1]))
    return info.value


# ----- unsupervised suffix -----

@pytest.mark.parametrize("changes, tier", [
    ({"rsr": "23", "ogrs": "21"}, "B1S"),
    ({"mappa_level": "M2", "mandate_for_change": "false"}, "A0S"),  # the suffix applies with no mandate too
    ({"assessment_present": "false"}, "D2S"),
])
def test_two_thirds_registration_adds_the_suffix_only(changes, tier):
    with_reg, without = v2(**changes, prc_two_thirds_registration="true"), v2(**changes, prc_two_thirds_registration="false")
    assert with_reg["tier"] == tier and without["tier"] == tier[:-1]
    assert bool(with_reg["unsupervised"]) and not bool(without["unsupervised"])
    for col in ("protect_level", "protect_points", "change_level", "change_points"):
        assert with_reg[col] == without[col]


def test_suffix_column_is_optional_and_must_be_true_or_false():
    assert v2()["tier"] == "D1" and not v2()["unsupervised"]
    err = v2_error(prc_two_thirds_registration="")
    assert [(p.row, p.field) for p in err.problems] == [(1, "prc_two_thirds_registration")]


# ----- historic registrations -----

@pytest.mark.parametrize("historic", ["HREG:M2", "HREG", "MAPP:M2", "MAPP", "RVHR|RHRH", "RMDO|RTAO|STRG", "PRC", "IIOM",
                                      "INLL|ADVP|REG30|SPO|RCPR", "mapp:m3 | rvhr"])
def test_historic_registrations_change_nothing(historic):
    assert v2(historic_registrations=historic).to_dict() == v2().to_dict()
    v3_row = {**V3_BASE, "rosh": ""} if "RVHR" in historic.upper() else V3_BASE
    assert (tier_v3(pd.DataFrame([{**v3_row, "historic_registrations": historic}])).iloc[0].to_dict()
            == tier_v3(pd.DataFrame([v3_row])).iloc[0].to_dict())


def test_a_different_current_registration_of_the_same_kind_is_not_ambiguous():
    got = v2(mappa_level="M2", historic_registrations="MAPP:M1|RVHR", rosh="MEDIUM")
    assert got["protect_points"] == 160 and got["tier"] == "A1"


@pytest.mark.parametrize("changes", [
    {"mappa_level": "M2", "historic_registrations": "MAPP:M2"},
    {"mappa_level": "M1", "historic_registrations": "MAPP"},  # a bare MAPP could be the current one
    {"rosh": "HIGH", "historic_registrations": "RHRH"},
    {"complexity_registrations": "RMDO|RCCO", "historic_registrations": "RCCO"},
    {"prc_two_thirds_registration": "true", "historic_registrations": "PRC"},
    {"iom_nominal": "true", "historic_registrations": "IIOM"},
])
def test_a_registration_both_current_and_historic_is_refused(changes):
    err = v2_error(**changes)
    assert [(p.row, p.field) for p in err.problems] == [(1, "historic_registrations")]
    assert "either current or historic" in str(err)


@pytest.mark.parametrize("changes", [
    {"stalking_reg": "true", "historic_registrations": "SPO"},
    {"domestic_abuse_reg": "true", "historic_registrations": "REG30"},
    {"child_protection_reg": "true", "historic_registrations": "RCPR"},
    {"lifer_ipp_release_years_ago": "3", "historic_registrations": "INLL"},
    {"mappa_category_present": "true", "historic_registrations": "MAPP"},
])
def test_v3_refuses_the_same_ambiguity(changes):
    err = v2_error(V3_BASE, tier_v3, **changes)
    assert [(p.row, p.field) for p in err.problems] == [(1, "historic_registrations")]


@pytest.mark.parametrize("historic", ["XYZ", "MAPP:M7", "RMDO:M2", "HREG:", "HISTORIC"])
def test_unknown_historic_codes_are_listed_with_the_known_ones(historic):
    text = str(v2_error(historic_registrations=historic))
    assert "field 'historic_registrations'" in text
    assert all(code in text for code in REGISTER_CODES) and "PRC (two-thirds point (Probation Reset))" in text


def test_historic_marker_in_a_current_column_is_refused_with_the_known_codes():
    text = str(v2_error(complexity_registrations="RMDO|HREG"))
    assert "field 'complexity_registrations'" in text and "historic_registrations" in text
    assert all(f"{code} (" in text for code in COMPLEXITY_REGISTRATIONS)


# ----- mandate for change -----

@pytest.mark.parametrize("sentence, requirements, mandate", [
    ("SC", "", True), ("NC", "", True),                                  # custodial (feature: types SC and NC)
    ("SP", "W=NON_RESTRICTIVE", False),                                  # only unpaid work
    ("SP", "W1=NON_RESTRICTIVE|W=NON_RESTRICTIVE", False),               # order extended and unpaid work
    ("SP", "F=NON_RESTRICTIVE", True),                                   # a non-restrictive requirement
    ("SP", "X=RESTRICTIVE", False), ("OTHER", "", False), ("", "", False),  # restrictive only; none; no sentence
    ("OTHER", "A=NON_RESTRICTIVE", True), ("SP|NC", "X=RESTRICTIVE", True),
])
def test_mandate_derived_from_sentence_and_requirements(sentence, requirements, mandate):
    got = v2(mandate_for_change="", sentence=sentence, requirements=requirements, ogrs="35")
    assert (got["change_level"], got["change_points"]) == ((1, 3) if mandate else (0, 0))


def test_explicit_mandate_overrides_the_derived_one():
    assert v2(mandate_for_change="false", sentence="NC", requirements="", ogrs="35")["change_level"] == 0
    assert v2(mandate_for_change="true", sentence="SP", requirements="W=NON_RESTRICTIVE", ogrs="35")["change_level"] == 1
    # and without a sentence column the explicit column is all there is (the original worked cases)
    assert v2(ogrs="35")["change_level"] == 1


def test_mandate_errors_name_row_and_field():
    no_requirements = pd.DataFrame([{**V2_BASE, "mandate_for_change": "", "sentence": "SP"}], index=[1])
    with pytest.raises(TieringError, match="row 1, field 'sentence': cannot derive the mandate"):
        tier_v2(no_requirements)
    assert [(p.row, p.field) for p in v2_error(mandate_for_change="", sentence="SP", requirements="F").problems] == [
        (1, "requirements")]
    assert "no current sentence" in str(v2_error(mandate_for_change="", sentence="", requirements="F=NON_RESTRICTIVE"))
    assert [(p.row, p.field) for p in v2_error(mandate_for_change="", sentence="S C!", requirements="").problems] == [
        (1, "sentence")]
    assert [(p.row, p.field) for p in v2_error(mandate_for_change="").problems] == [(1, "mandate_for_change")]
    with pytest.raises(ValueError, match="mandate_for_change.*sentence"):
        tier_v2(pd.DataFrame([V2_BASE]).drop(columns="mandate_for_change"))


# ----- tier change -----

def test_suffix_alone_is_a_tier_change():
    rows = pd.DataFrame([{**V2_BASE, "prc_two_thirds_registration": p} for p in ("false", "false", "true")])
    before = tier_v2(rows.assign(prc_two_thirds_registration=["false", "true", "true"]))
    after = tier_v2(rows)
    assert tier_changed(before, after).tolist() == [False, True, False]
    assert tier_changed(after, after).sum() == 0


def test_v3_provisional_flip_is_a_tier_change_and_mixed_results_are_refused():
    rows = pd.DataFrame([V3_BASE, {**V3_BASE, "arp_static_or_dynamic": "STATIC"}])
    before, after = tier_v3(rows.iloc[[0, 0]].set_axis([0, 1])), tier_v3(rows)
    assert list(before["tier"]) == list(after["tier"]) == ["G", "G"]
    assert tier_changed(before, after).tolist() == [False, True]
    with pytest.raises(ValueError, match="only one of the results"):
        tier_changed(before, tier_v2(pd.DataFrame([V2_BASE, V2_BASE])))
    with pytest.raises(ValueError, match="same index"):
        tier_changed(before, after.iloc[::-1])


# ----- seeded random properties -----

_COMPLEXITY = list(COMPLEXITY_REGISTRATIONS)
_ROSH = {"": None, "LOW": "RLRH", "MEDIUM": "RMRH", "HIGH": "RHRH", "VERY_HIGH": "RVHR"}


def _random_v2(rng: np.random.Generator, n: int) -> pd.DataFrame:
    pick = lambda options: rng.choice(np.array(options, dtype=object), n)
    complexity = ["|".join(rng.choice(_COMPLEXITY, rng.integers(0, 4), replace=False)) for _ in range(n)]
    sentence = pick(["NC", "SP", "", "SC|SP"])
    requirements = np.where(sentence == "", "", pick(["", "W=NON_RESTRICTIVE", "F=NON_RESTRICTIVE"]))
    return pd.DataFrame({
        "gender": pick(["Male", "Female"]), "rosh": pick(list(_ROSH)), "rsr": pick(["", "1", "3", "7.5", "999.99"]),
        "mappa_level": pick(["", "M1", "M2", "M3"]), "complexity_registrations": complexity,
        "female_additional_factors": pick(["", "PARENTING_RESPONSIBILITIES", "IMPULSIVITY|TEMPER_CONTROL"]),
        "previous_enforcement_activity": pick(["true", "false"]), "ogrs": pick(["", "0", "45", "99"]),
        "needs": pick(["", "ATTITUDES=SEVERE", "DRUG_MISUSE=STANDARD|THINKING_AND_BEHAVIOUR=SEVERE"]),
        "iom_nominal": pick(["true", "false"]), "mandate_for_change": pick(["true", "false", ""]),
        "sentence": sentence, "requirements": requirements,
        "assessment_present": pick(["true", "false"]), "prc_two_thirds_registration": pick(["true", "false"]),
    })


def _historic_not_current(rng: np.random.Generator, row: pd.Series, extra_current: set[str] = frozenset()) -> str:
    """Up to four historic registrations, none of them given as current in ``row``."""
    current = set(extra_current) | set(filter(None, row.get("complexity_registrations", "").split("|")))
    current.add(_ROSH.get(row.get("rosh", "")) or "")
    if row.get("mappa_level"):
        current |= {"MAPP", f"MAPP:{row['mappa_level']}"}
    if row.get("iom_nominal") == "true":
        current.add("IIOM")
    if row.get("prc_two_thirds_registration") == "true":
        current.add("PRC")
    options = [c for c in [*REGISTER_CODES, "MAPP:M1", "MAPP:M2", "MAPP:M3", "HREG:M2"]
               if c not in current and not (c == "MAPP" and row.get("mappa_level"))]
    return "|".join(rng.choice(options, rng.integers(0, 5), replace=False))


def test_property_the_suffix_never_changes_protect_or_change():
    rng = np.random.default_rng(12)
    df = _random_v2(rng, 3000)
    with_flag = tier_v2(df.assign(prc_two_thirds_registration="true"))
    without = tier_v2(df.assign(prc_two_thirds_registration="false"))
    cols = ["protect_level", "protect_points", "change_level", "change_points"]
    pd.testing.assert_frame_equal(with_flag[cols], without[cols])
    assert (with_flag["tier"] == without["tier"] + "S").all() and without["tier"].str.len().eq(2).all()
    assert with_flag["tier"].nunique() >= 12  # the sample covers most tiers


def test_property_a_historic_registration_never_changes_a_tier():
    rng = np.random.default_rng(13)
    df = _random_v2(rng, 2000)
    historic = [_historic_not_current(rng, row) for _, row in df.iterrows()]
    assert sum(map(bool, historic)) > 1500
    pd.testing.assert_frame_equal(tier_v2(df.assign(historic_registrations=historic)), tier_v2(df))

    pick = lambda options: rng.choice(np.array(options, dtype=object), 2000)
    v3 = pd.DataFrame({
        "rosh": pick(list(_ROSH)), "mappa_category_present": pick(["true", "false"]), "arp": pick(["", "10", "60", "95"]),
        "arp_static_or_dynamic": pick(["STATIC", "DYNAMIC"]), "csrp": pick(["0.2", "1.5", "7"]),
        "csrp_static_or_dynamic": pick(["STATIC", "DYNAMIC"]), "dcsrp_band": pick(["", "LOW", "MEDIUM", "HIGH", "NOT_APPLICABLE"]),
        "dcsrp_score": pick(["", "0.7", "2.5", "4"]), "lifer_ipp_release_years_ago": pick(["", "0.5", "3", "9"]),
        "domestic_abuse_reg": pick(["true", "false"]), "stalking_reg": pick(["true", "false"]),
        "child_protection_reg": pick(["true", "false"]), "ever_sexual_offence": pick(["true", "false"]),
        "active_sentence": pick(["true", "true", "true", "false"]),
    })
    flags = {"mappa_category_present": {"MAPP"}, "domestic_abuse_reg": {"ADVP", "REG30"}, "stalking_reg": {"SPO"},
             "child_protection_reg": {"RCPR"}}
    historic = []
    for _, row in v3.iterrows():
        current = {c for f, codes in flags.items() if row[f] == "true" for c in codes}
        current |= {"INLL"} if row["lifer_ipp_release_years_ago"] else set()
        historic.append(_historic_not_current(rng, row[["rosh"]], current))
    got, base = tier_v3(v3.assign(historic_registrations=historic)), tier_v3(v3)
    pd.testing.assert_frame_equal(got, base)
    assert base["tier"].nunique() >= 7 and base["provisional"].any()
