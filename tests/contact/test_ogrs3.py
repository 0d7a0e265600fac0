"""OGRS3: the published worked check, hand-computed terms, the disputed female signs, bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from rehabresearch.contact.ogrs3 import (
    FEMALE_AGE_SEX,
    OFFENCE_WEIGHTS,
    OGRS3Error,
    band_of,
    female_age_sex,
    ogrs3,
)

WORKED = {"sex": "Male", "age_at_followup": 60, "age_at_conviction": 59, "age_at_first_sanction": 47, "total_sanctions": 2,
              "offence": "soliciting"}


def score(**changes):
    return ogrs3(pd.DataFrame([{**WORKED, **changes}])).iloc[0]


def test_worked_check():
    # Worked check by hand: a man aged 59 at conviction and 60 at follow-up, 2 sanctions (first at 47), soliciting.
    got = score()
    assert round(got["y"], 4) == -3.8017
    assert round(got["one_year"] * 100) == 8
    assert round(got["two_year"] * 100) == 16
    assert got["band"] == "low"


def test_terms_hand_computed():
    # woman aged 25 at follow-up and conviction, first sanction (total 1) for violence:
    # y = -1.0528 + 0.12614 + 1.25112 ln(1/10) + 0
    y = -1.0528 + 0.12614 + 1.25112 * math.log(1 / 10)
    got = score(sex="Female", age_at_followup=25, age_at_conviction=25, age_at_first_sanction=25, total_sanctions=1,
                offence="violence")
    assert got["y"] == pytest.approx(y, abs=1e-12)
    assert got["two_year"] == pytest.approx(1 / (1 + math.exp(-(2.1217 + y))))
    assert got["one_year"] == pytest.approx(1 / (1 + math.exp(-(1.40256 + y))))


def test_age_bands_edges():
    # 49.9 is in the 40-49 band, 50 in 50+; 17.99 in 16-17
    diff = score(age_at_followup=50, age_at_conviction=45, age_at_first_sanction=40)["y"] - score(age_at_followup=49.9, age_at_conviction=45, age_at_first_sanction=40)["y"]
    assert diff == pytest.approx(-2.0253 - -1.4997)
    low = score(age_at_followup=17.99, age_at_conviction=17, age_at_first_sanction=15)
    high = score(age_at_followup=18, age_at_conviction=17, age_at_first_sanction=15)
    assert high["y"] - low["y"] == pytest.approx(-0.6251 - -0.0616)


def test_disputed_female_signs_are_a_parameter():
    assert female_age_sex(-1).tolist() == list(FEMALE_AGE_SEX)
    flipped = female_age_sex(+1)
    assert flipped[:3].tolist() == [0.785, 0.61385, 0.66952] and flipped[3:].tolist() == list(FEMALE_AGE_SEX[3:])
    girl = pd.DataFrame([{**WORKED, "sex": "Female", "age_at_followup": 14, "age_at_conviction": 14,
                          "age_at_first_sanction": 13}])
    assert ogrs3(girl, female_young_sign=1)["y"].iloc[0] - ogrs3(girl)["y"].iloc[0] == pytest.approx(2 * 0.66952)
    man = pd.DataFrame([WORKED])
    assert ogrs3(man, female_young_sign=1)["y"].iloc[0] == ogrs3(man)["y"].iloc[0]
    with pytest.raises(ValueError, match="female_young_sign"):
        ogrs3(man, female_young_sign=0)


def test_offence_mapping_and_vectorised_rows():
    assert len(OFFENCE_WEIGHTS) == 20 and OFFENCE_WEIGHTS["drug_import_production"] == -0.7956
    df = pd.DataFrame([{**WORKED, "offence": name} for name in OFFENCE_WEIGHTS])
    got = ogrs3(df)["y"] - score()["y"]
    assert np.allclose(got, np.array(list(OFFENCE_WEIGHTS.values())) - 0.7606)


def test_bands():
    assert band_of([0.4949, 0.495, 0.7449, 0.745, 0.8949, 0.895]).tolist() == [
        "low", "medium", "medium", "high", "high", "very high"]


def test_bad_input_lists_every_row_and_field():
    rows = [WORKED, {**WORKED, "offence": "arson"}, {**WORKED, "age_at_followup": 9}, {**WORKED, "sex": "X"},
            {**WORKED, "age_at_first_sanction": 60}, {**WORKED, "total_sanctions": 0},
            {**WORKED, "total_sanctions": 2.5}, {**WORKED, "age_at_conviction": 61}, {**WORKED, "offence": ""},
            {**WORKED, "age_at_conviction": None}]
    with pytest.raises(OGRS3Error) as info:
        ogrs3(pd.DataFrame(rows))
    got = [(p.row, p.field) for p in info.value.problems]
    assert got == [(1, "offence"), (2, "age_at_followup"), (2, "age_at_conviction"), (3, "sex"),
                   (4, "age_at_first_sanction"), (5, "total_sanctions"), (6, "total_sanctions"),
                   (7, "age_at_conviction"), (8, "offence"), (9, "age_at_conviction")]
    assert "row 1, field 'offence': unknown offence category" in str(info.value)
