"""OGRS3, the Offender Group Reconviction Scale version 3: one- and two-year reconviction probabilities.

    y = AgeSex + ConvictionStatus + 1.25112 x ln[(1 + previous sanctions) / (10 + age at conviction
        - age at first sanction)] + OffenceWeight
    one-year = logistic(1.40256 + y); two-year = logistic(2.1217 + y)

Coefficients are the published OGRS3 model (Howard, Francis, Soothill & Humphreys 2009, Ministry of
Justice Research Summary 7/09). Vectorised over a
DataFrame of people; bad values raise :class:`OGRS3Error` naming every bad row and field.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .tiering import Checker, InputError, parse_code, parse_distinct, parse_number


class OGRS3Error(InputError):
    """Bad OGRS3 input: unknown sex or offence, impossible ages or sanction counts, by row and field."""


#: Offence category (key) -> weight. Keys are this library's names for the published categories.
OFFENCE_WEIGHTS = {
    "soliciting": 0.7606,
    "absconding_bail": 0.7334,
    "theft_non_motor": 0.6612,
    "theft_from_vehicle": 0.4272,
    "taking_vehicle_without_consent": 0.3801,
    "handling_stolen_goods": 0.3519,
    "other_motoring": 0.2622,
    "burglary_other": 0.2406,
    "criminal_damage": 0.2050,
    "public_order_harassment": 0.1819,
    "fraud_forgery": 0.1599,
    "drug_possession_supply": 0.0772,
    "sexual_not_child": 0.0328,
    "violence": 0.0,
    "other": -0.0607,
    "drink_driving": -0.1214,
    "burglary_domestic": -0.1239,
    "robbery": -0.6348,
    "sexual_child": -0.6534,
    "drug_import_production": -0.7956,
}

#: Lower bounds (years) of the age bands 10-11, 12-13, 14-15, 16-17, 18-20, 21-24, 25-29, 30-34, 35-39, 40-49, 50+.
AGE_BAND_STARTS = (10, 12, 14, 16, 18, 21, 25, 30, 35, 40, 50)
MALE_AGE_SEX = (0.0, 0.08392, 0.07578, -0.0616, -0.6251, -1.0515, -1.1667, -1.326, -1.368, -1.4997, -2.0253)
#: Female AgeSex as printed in Howard et al. (2009); the signs of the first three bands (ages 10-15)
#: are disputed between public implementations, so ``female_young_sign`` sets them (see ogrs3()).
FEMALE_AGE_SEX = (-0.785, -0.61385, -0.66952, -0.9592, -0.8975, -1.0285, -1.0528, -1.1291, -1.4219, -1.5247, -2.4498)
DISPUTED_FEMALE_BANDS = 3

REPEAT_OFFENDER = 0.46306
FIRST_SANCTION = 0.12614
COPAS_COEFFICIENT = 1.25112
ONE_YEAR_INTERCEPT = 1.40256
TWO_YEAR_INTERCEPT = 2.1217
#: Bands on the two-year %, rounded to a whole per cent: lower bound -> band.
BANDS = ((90, "very high"), (75, "high"), (50, "medium"), (0, "low"))
MIN_AGE = 10  # age of criminal responsibility in England and Wales
MAX_AGE = 120

COLUMNS = ["sex", "age_at_followup", "age_at_conviction", "age_at_first_sanction", "total_sanctions", "offence"]


def female_age_sex(young_sign: int = -1) -> np.ndarray:
    """Female AgeSex weights with the disputed 10-15 bands given sign ``young_sign`` (-1 as printed, or +1)."""
    if young_sign not in (-1, 1):
        raise ValueError(f"female_young_sign must be -1 or +1; got {young_sign!r}")
    weights = np.array(FEMALE_AGE_SEX)
    weights[:DISPUTED_FEMALE_BANDS] = young_sign * np.abs(weights[:DISPUTED_FEMALE_BANDS])
    return weights


def ogrs3(df: pd.DataFrame, female_young_sign: int = -1) -> pd.DataFrame:
    """OGRS3 for each row: linear score y, one- and two-year probabilities (0-1) and the band.

    Columns: ``sex`` (Male/Female); ``age_at_followup`` (age at the start of follow-up, sets AgeSex);
    ``age_at_conviction`` (current conviction); ``age_at_first_sanction``; ``total_sanctions``
    (including the current one, >= 1); ``offence`` (a key of OFFENCE_WEIGHTS). Ages are in years
    (fractions allowed; bands use completed years). ``female_young_sign``: sign of the disputed
    female AgeSex weights for ages 10-15; -1 reproduces Howard et al. (2009) as printed, +1 the other reading.
    """
    check = Checker(df)
    check.require(COLUMNS)
    female = parse_code(check, "sex", {"MALE": 0, "FEMALE": 1, "M": 0, "F": 1}, -1, np.int8, invalid=-2)
    check.add(female == -1, "sex", "missing value; expected Male or Female")
    followup = parse_number(check, "age_at_followup", MIN_AGE, MAX_AGE, required=True)
    conviction = parse_number(check, "age_at_conviction", MIN_AGE, MAX_AGE, required=True)
    first = parse_number(check, "age_at_first_sanction", MIN_AGE, MAX_AGE, required=True)
    sanctions = parse_number(check, "total_sanctions", 1, np.inf, required=True)
    names = list(OFFENCE_WEIGHTS)
    offence = parse_distinct(
        check, "offence", lambda key: names.index(key.lower()), -1, np.int64,
        f"unknown offence category; allowed: {names}", invalid=-2,
    )
    check.add(offence == -1, "offence", "missing value")
    with np.errstate(invalid="ignore"):
        check.add(first > conviction, "age_at_first_sanction", "after the age at the current conviction")
        check.add(conviction > followup, "age_at_conviction", "after the age at the start of follow-up")
        check.add(sanctions % 1 != 0, "total_sanctions", "not a whole number")
    check.raise_if_any(OGRS3Error)

    band = np.searchsorted(np.array(AGE_BAND_STARTS), np.floor(followup), side="right") - 1
    age_sex = np.where(female == 1, female_age_sex(female_young_sign)[band], np.array(MALE_AGE_SEX)[band])
    status = np.where(sanctions > 1, REPEAT_OFFENDER, FIRST_SANCTION)
    copas = COPAS_COEFFICIENT * np.log(sanctions / (10.0 + conviction - first))  # 1 + previous = total
    y = age_sex + status + copas + np.array(list(OFFENCE_WEIGHTS.values()))[offence]
    two_year = _logistic(TWO_YEAR_INTERCEPT + y)
    return pd.DataFrame(
        {"y": y, "one_year": _logistic(ONE_YEAR_INTERCEPT + y), "two_year": two_year, "band": band_of(two_year)},
        index=df.index,
    )


def band_of(two_year_probability) -> np.ndarray:
    """OGRS3 band of a two-year probability (0-1), on the whole-per-cent value (0-49 low ... 90+ very high)."""
    percent = np.floor(np.asarray(two_year_probability, dtype=float) * 100 + 0.5)
    bounds = np.array([b for b, _ in BANDS][::-1])
    names = np.array([n for _, n in BANDS][::-1], dtype=object)
    return names[np.searchsorted(bounds, percent, side="right") - 1]


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))
