"""Probation tiering: the version-2 (protect A-D x change 0-3) and version-3 (A-G) calculators.

Rules are those of the Probation Service's open-source tiering service (ministryofjustice/hmpps-tier,
commit affac98aa31db76f1856de066cb9a65e54c43cee of 17 August 2026; calculation last changed 18 June 2026),
restated as data below and implemented here independently, including the version-2 unsupervised suffix
"S" (two-thirds registration), the exclusion of historic registrations, the mandate for change from the
sentence and its requirements, and the version-3 provisional rule (see docs/contact-tiering.md). Both calculators are vectorised over a DataFrame with one row per person and
the column names of that service's worked cases (``tests/contact/data/tier_cases.csv``). Every bad
value in every row is reported at once by :class:`TieringError`, naming the row and the field.

Coded columns are parsed by factorising: each *distinct* value is interpreted once and the result
broadcast back to all rows. Missing means NaN/None or a blank string.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One bad input value: ``row`` is the DataFrame index label of the row."""

    row: Any
    field: str
    value: Any
    reason: str
    position: int = 0

    def __str__(self) -> str:
        return f"row {self.row}, field '{self.field}': {self.reason} (got {self.value!r})"


class InputError(ValueError):
    """Bad input rows. ``problems`` lists them (up to ``max_recorded``); ``total`` counts them all."""

    def __init__(self, problems: list[Problem], total: int | None = None, show: int = 20, context: str = ""):
        self.problems = list(problems)
        self.total = len(self.problems) if total is None else total
        self.show = show
        self.context = context
        super().__init__(str(self))

    def __str__(self) -> str:
        head = f"{self.context}: " if self.context else ""
        rows = len({p.row for p in self.problems})
        where = f"{rows} row(s)" if self.total == len(self.problems) else f"at least {rows} row(s)"
        lines = [f"{head}{self.total} bad value(s) in {where}"]
        lines += [f"  {p}" for p in self.problems[: self.show]]
        if self.total > min(self.show, len(self.problems)):
            lines.append(f"  ... and {self.total - min(self.show, len(self.problems))} more")
        return "\n".join(lines)


class Checker:
    """Collects problems across fields so one call reports every bad row, not just the first."""

    def __init__(self, df: pd.DataFrame, max_recorded: int = 1000):
        self.df = df
        self.index = df.index
        self.max_recorded = max_recorded
        self.problems: list[Problem] = []
        self.total = 0

    def require(self, columns: list[str]) -> None:
        missing = [c for c in columns if c not in self.df.columns]
        if missing:
            raise ValueError(f"input lacks required column(s) {missing}; present: {list(self.df.columns)}")

    def add(self, mask: np.ndarray, field: str, reason: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        count = int(mask.sum())
        if not count:
            return
        self.total += count
        room = self.max_recorded - len(self.problems)
        if room <= 0:
            return
        positions = np.flatnonzero(mask)[:room]
        values = self.df[field].to_numpy()[positions]
        labels = self.index[positions]
        for pos, label, value in zip(positions, labels, values):
            value = value.item() if isinstance(value, np.generic) else value
            label = label.item() if isinstance(label, np.generic) else label
            self.problems.append(Problem(label, field, value, reason, int(pos)))

    def raise_if_any(self, error_type: type[InputError]) -> None:
        if self.total:
            raise error_type(sorted(self.problems, key=lambda p: p.position), total=self.total)


def _norm(value: Any) -> str | None:
    """Upper-cased, stripped text of a cell; None when it is missing or blank."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text.upper() if text else None


def parse_distinct(
    check: Checker, field: str, interpret: Callable[[str], Any], missing: Any, dtype, reason: str, invalid: Any = None
) -> np.ndarray:
    """Apply ``interpret`` to each distinct normalised value of ``field`` (it raises KeyError/ValueError when bad).

    Blank cells get ``missing``; bad cells are recorded as problems and get ``invalid`` (default ``missing``).
    """
    codes, uniques = pd.factorize(check.df[field], use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=dtype)
    table[-1] = missing  # code -1 (NaN) indexes the last slot
    bad = []
    for i, raw in enumerate(uniques):
        key = _norm(raw)
        if key is None:
            table[i] = missing
            continue
        try:
            table[i] = interpret(key)
        except (KeyError, ValueError):
            table[i] = missing if invalid is None else invalid
            bad.append(i)
    if bad:
        check.add(np.isin(codes, bad), field, reason)
    return table[codes]


def parse_code(
    check: Checker, field: str, mapping: dict[str, Any], missing: Any, dtype, invalid: Any = None
) -> np.ndarray:
    """Map a single-code column through ``mapping`` (keys upper-case); unknown codes are problems."""
    return parse_distinct(
        check, field, lambda key: mapping[key], missing, dtype, f"unknown code; allowed: {sorted(mapping)} or blank",
        invalid,
    )


_BOOL = {"TRUE": True, "FALSE": False, "1": True, "0": False, "YES": True, "NO": False, "Y": True, "N": False}


def parse_bool(check: Checker, field: str) -> np.ndarray:
    """A required true/false column (true/false, yes/no, y/n, 1/0; any case). Blank is a problem."""
    series = check.df[field]
    if series.dtype == bool:
        return series.to_numpy()
    values = parse_distinct(check, field, lambda key: _BOOL[key], 2, np.int8, "expected true or false", invalid=3)
    check.add(values == 2, field, "missing value; expected true or false")
    return values == 1


def parse_number(
    check: Checker, field: str, low: float, high: float, allow: tuple[float, ...] = (), required: bool = False
) -> np.ndarray:
    """A numeric column as float (NaN where blank); non-numbers, values outside [low, high] and (if
    ``required``) blanks are problems."""
    series = check.df[field]
    if pd.api.types.is_numeric_dtype(series.dtype) and series.dtype != bool:
        values = series.to_numpy(dtype=float, na_value=np.nan)
        if required:
            check.add(np.isnan(values), field, "missing value")
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        text = pd.Series(uniques, dtype=object).astype(str).str.strip()
        numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
        blank = (text == "").to_numpy()
        table = np.append(numbers, np.nan)
        bad_codes = np.flatnonzero(np.isnan(numbers) & ~blank)
        if len(bad_codes):
            check.add(np.isin(codes, bad_codes), field, "not a number")
        table[bad_codes] = np.nan
        values = table[codes]
        if required:
            check.add((codes == -1) | np.isin(codes, np.flatnonzero(blank)), field, "missing value")
    with np.errstate(invalid="ignore"):
        out = ((values < low) | (values > high)) & ~np.isin(values, allow)
    extra = f" or {', '.join(map(str, allow))}" if allow else ""
    check.add(out, field, f"out of range: expected {low:g} to {high:g}{extra}")
    return values


def parse_code_list(
    check: Checker, field: str, interpret: Callable[[list[str]], Any], dtype, reason: str
) -> np.ndarray:
    """A '|'-separated list of codes per cell (blank = empty list), interpreted once per distinct cell."""
    return parse_distinct(
        check, field, lambda key: interpret([c.strip() for c in key.split("|") if c.strip()]), interpret([]), dtype, reason
    )


class TieringError(InputError):
    """Bad tiering input: every unknown code or out-of-range score, by row and field."""


# ---------------------------------------------------------------------------------------------
# Version 2: protect level (A-D) from points, change level (0-3) from points.
# Source: published rules of the Probation Service tiering service (ministryofjustice/hmpps-tier), version 2.
# ---------------------------------------------------------------------------------------------

#: RoSH (latest registration) protect points; blank = none/unknown = 0.
ROSH_PROTECT_POINTS = {"VERY_HIGH": 150, "HIGH": 20, "MEDIUM": 10, "LOW": 0}
#: RSR bands (% lower bound -> points); 999.99 is the service's code for a missing score (0 points).
RSR_PROTECT_POINTS = ((7.0, 20), (3.0, 10))
RSR_MISSING_CODE = 999.99
#: MAPPA level protect points.
MAPPA_PROTECT_POINTS = {"M1": 5, "M2": 150, "M3": 150}
#: Complexity registration codes (Delius register codes, hmpps-tier ComplexityFactor) -> factor.
COMPLEXITY_REGISTRATIONS = {
    "RMDO": "mental health",
    "ALSH": "attempted suicide or self-harm",
    "RVLN": "vulnerability",
    "RCCO": "child concerns",
    "RCPR": "child protection",
    "RCHD": "risk to children",
    "RPIR": "public interest",
    "RVAD": "adult at risk",
    "STRG": "street gangs",
    "RTAO": "terrorism",
}
COMPLEXITY_POINTS_EACH = 2
COMPLEXITY_POINTS_CAP = 20
#: Women-only factors (OASys answers): parenting 2; impulsivity or temper control 2 (not both).
FEMALE_FACTORS = {"PARENTING_RESPONSIBILITIES": "parenting", "IMPULSIVITY": "self_control", "TEMPER_CONTROL": "self_control"}
FEMALE_FACTOR_POINTS = 2
#: Women-only: breach or recall (``previous_enforcement_activity``).
BREACH_RECALL_POINTS = 2
#: Protect level lower bounds (points), most intensive first.
PROTECT_LEVELS = (("A", 150), ("B", 20), ("C", 10), ("D", 0))

#: Criminogenic need weights (OASys sections); severity scores below.
NEED_WEIGHTS = {
    "ACCOMMODATION": 1,
    "EDUCATION_TRAINING_AND_EMPLOYABILITY": 1,
    "RELATIONSHIPS": 1,
    "LIFESTYLE_AND_ASSOCIATES": 1,
    "DRUG_MISUSE": 1,
    "ALCOHOL_MISUSE": 1,
    "THINKING_AND_BEHAVIOUR": 2,
    "ATTITUDES": 2,
    "FINANCIAL_MANAGEMENT_AND_INCOME": 0,
    "EMOTIONAL_WELLBEING": 0,
}
NEED_SEVERITY = {"NO_NEED": 0, "STANDARD": 1, "SEVERE": 2}
IOM_CHANGE_POINTS = 2
#: Change level lower bounds (points) when there is a mandate and an assessment.
CHANGE_LEVELS = ((3, 20), (2, 10), (1, 0))
#: Change level and points when there is a mandate but no assessment.
NO_ASSESSMENT_CHANGE = (2, 0)

#: Columns every version-2 row needs. The mandate for change comes from ``mandate_for_change`` or,
#: where that cell is blank, from ``sentence`` and ``requirements`` (see :func:`_mandate_for_change`).
V2_COLUMNS = [
    "gender", "rosh", "rsr", "mappa_level", "complexity_registrations", "female_additional_factors",
    "previous_enforcement_activity", "ogrs", "needs", "iom_nominal", "assessment_present",
]
#: Optional version-2 columns (absent = not given).
V2_OPTIONAL = ["mandate_for_change", "sentence", "requirements", "prc_two_thirds_registration", "historic_registrations"]

# Unsupervised suffix (hmpps-tier TierDto.getSuffix, DeliusApiService.isUnsupervised): a current two-thirds
# (Probation Reset) registration, Delius register code PRC, adds "S" to the version-2 tier, e.g. "B2S".
UNSUPERVISED_SUFFIX = "S"

# Mandate for change (hmpps-tier MandateForChange): a current sentence that is custodial, or a current
# requirement that is neither unpaid work / order extended (main category W, W1) nor restrictive.
CUSTODIAL_SENTENCES = ("NC", "SC")
UNPAID_WORK_REQUIREMENTS = ("W", "W1")
REQUIREMENT_KINDS = {"RESTRICTIVE": True, "NON_RESTRICTIVE": False}

#: Delius register codes the service reads (its Rosh, ComplexityFactor and IomNominal enums and the codes
#: in DeliusRegistration), for ``historic_registrations``. RCPR is both a complexity factor and the
#: version-3 child protection registration; REG30 (domestic abuse history) is a current registration type.
REGISTER_CODES = {
    "RVHR": "RoSH very high", "RHRH": "RoSH high", "RMRH": "RoSH medium", "RLRH": "RoSH low",
    "MAPP": "MAPPA, optionally with its level: MAPP:M1, MAPP:M2, MAPP:M3",
    **{code: f"complexity: {name}" for code, name in COMPLEXITY_REGISTRATIONS.items()},
    "IIOM": "Integrated Offender Management", "INLL": "lifer or IPP", "ADVP": "domestic abuse",
    "REG30": "domestic abuse history", "SPO": "stalking", "PRC": "two-thirds point (Probation Reset)",
    "HREG": "historic registration, optionally with its old level, e.g. HREG:M2",
}
_ROSH_CODES = {"VERY_HIGH": "RVHR", "HIGH": "RHRH", "MEDIUM": "RMRH", "LOW": "RLRH"}
#: One bit per registration a row can list; MAPP:Mx is a MAPPA registration at level x, bare MAPP any level.
_REG_BITS = {key: 1 << i for i, key in enumerate([*REGISTER_CODES, "MAPP:M1", "MAPP:M2", "MAPP:M3"])}
HISTORIC_HELP = ("list historic (ended) registrations only in 'historic_registrations', as '|'-separated Delius "
                 "register codes")


def known_registration_codes() -> str:
    """The register codes accepted in ``historic_registrations``, with their meaning (for error messages)."""
    return "; ".join(f"{code} ({meaning})" for code, meaning in REGISTER_CODES.items())


def _historic_mask(items: list[str]) -> int:
    mask = 0
    for item in items:
        code, sep, level = (part.strip() for part in item.partition(":"))
        if code not in REGISTER_CODES:
            raise KeyError(code)
        if sep and code == "MAPP":
            mask |= _REG_BITS[f"MAPP:{level}"]  # KeyError unless M1-M3
            continue
        if sep and (code != "HREG" or not level):
            raise ValueError(item)
        mask |= _REG_BITS[code]
    return mask


def parse_historic(check: Checker) -> np.ndarray:
    """Bit mask per row of the registrations listed in the optional ``historic_registrations`` column (0 if absent)."""
    if "historic_registrations" not in check.df.columns:
        return np.zeros(len(check.df), dtype=np.int64)
    return parse_code_list(
        check, "historic_registrations", _historic_mask, np.int64,
        f"unknown registration code or level; known codes: {known_registration_codes()}",
    )


def refuse_ambiguous_historic(check: Checker, historic: np.ndarray, current: np.ndarray, columns: str) -> None:
    """A registration listed both as current (in ``columns``) and as historic in one row is refused: the
    file does not say which is true, and only the current one may change the tier."""
    check.add(
        (historic & current) != 0, "historic_registrations",
        f"lists a registration this row also gives as current ({columns}); each registration is either "
        f"current or historic, so remove it from one place",
    )


def _complexity(codes: list[str]) -> int:
    """Complexity points (low 6 bits) and the registrations' bit mask (above), packed in one integer."""
    mask = 0
    for code in codes:
        mask |= _REG_BITS[code]
    return (mask << 6) | _complexity_points(codes)


def _sentence_codes(codes: list[str]) -> int:
    """-1 for no current sentence (blank), 1 if any current sentence is custodial, else 0."""
    for code in codes:
        if not code.replace("_", "").isalnum():
            raise ValueError(code)
    return -1 if not codes else int(any(c in CUSTODIAL_SENTENCES for c in codes))


def _requirements_give_mandate(items: list[str]) -> int:
    found = 0
    for item in items:
        code, sep, kind = (part.strip() for part in item.partition("="))
        if not sep or not code.replace("_", "").isalnum():
            raise ValueError(item)
        restrictive = REQUIREMENT_KINDS[kind]  # KeyError on anything else
        found |= int(code not in UNPAID_WORK_REQUIREMENTS and not restrictive)
    return found | (2 if items else 0)  # bit 0: gives a mandate; bit 1: any requirement listed


def _mandate_for_change(check: Checker) -> np.ndarray:
    """Mandate for change per row: the ``mandate_for_change`` cell when given (an override), otherwise derived
    from ``sentence`` ('|'-separated sentence type codes of current sentences; blank = none) and ``requirements``
    ('|'-separated CODE=RESTRICTIVE or CODE=NON_RESTRICTIVE, main category codes of current requirements)."""
    df, n = check.df, len(check.df)
    if "mandate_for_change" not in df.columns and "sentence" not in df.columns:
        raise ValueError(f"input lacks required column(s) ['mandate_for_change'] (or 'sentence', with "
                         f"'requirements', to derive it); present: {list(df.columns)}")
    explicit = np.full(n, 2, dtype=np.int8)
    if "mandate_for_change" in df.columns:
        series = df["mandate_for_change"]
        if series.dtype == bool:
            explicit = series.to_numpy().astype(np.int8)
        else:
            explicit = parse_distinct(check, "mandate_for_change", lambda key: _BOOL[key], 2, np.int8,
                                      "expected true or false (or blank to derive it from the sentence)", invalid=3)
    derived = np.full(n, 2, dtype=np.int8)  # 2 = cannot tell
    if "sentence" in df.columns:
        sentence = parse_code_list(check, "sentence", _sentence_codes, np.int8,
                                   "expected '|'-separated sentence type codes (letters and digits)")
        derived = np.where(sentence == 1, 1, np.where(sentence == -1, 0, 2)).astype(np.int8)
        if "requirements" in df.columns:
            requirements = parse_code_list(
                check, "requirements", _requirements_give_mandate, np.int8,
                f"expected '|'-separated CODE=KIND items, KIND one of {sorted(REQUIREMENT_KINDS)}",
            )
            check.add((sentence == -1) & (requirements >= 2) & (explicit == 2), "requirements",
                      "requirements given but no current sentence in 'sentence'")
            derived = np.where(sentence == 0, requirements & 1, derived).astype(np.int8)
    unknown = (explicit == 2) & (derived == 2)
    if "sentence" in df.columns:
        reason = ("cannot derive the mandate: a non-custodial sentence needs a 'requirements' column "
                  "(or give mandate_for_change)")
        check.add(unknown, "sentence", reason)
    else:
        check.add(unknown, "mandate_for_change", "missing value; expected true or false")
    return np.where(explicit == 2, derived, explicit) == 1


def _optional_bool(check: Checker, field: str) -> np.ndarray:
    return parse_bool(check, field) if field in check.df.columns else np.zeros(len(check.df), dtype=bool)


def _complexity_points(codes: list[str]) -> int:
    unknown = [c for c in codes if c not in COMPLEXITY_REGISTRATIONS]
    if unknown:
        raise KeyError(unknown)
    return min(COMPLEXITY_POINTS_EACH * len(set(codes)), COMPLEXITY_POINTS_CAP)


def _female_factor_points(codes: list[str]) -> int:
    kinds = {FEMALE_FACTORS[c] for c in codes}  # KeyError on unknown codes
    return FEMALE_FACTOR_POINTS * len(kinds)


def _need_points(items: list[str]) -> int:
    seen: set[str] = set()
    total = 0
    for item in items:
        name, sep, severity = item.partition("=")
        name, severity = name.strip(), severity.strip()
        if not sep or name in seen:
            raise ValueError(item)
        seen.add(name)
        total += NEED_WEIGHTS[name] * NEED_SEVERITY[severity]
    return total


def tier_v2(df: pd.DataFrame) -> pd.DataFrame:
    """Version-2 tier for each row: protect level A-D, change level 0-3 and the unsupervised suffix (e.g. "B2",
    "B2S"), and the points behind them.

    Columns read: ``gender`` (Male/Female), ``rosh`` (LOW/MEDIUM/HIGH/VERY_HIGH or blank), ``rsr``
    (0-99.99 %, 999.99 or blank = missing), ``mappa_level`` (M1/M2/M3 or blank),
    ``complexity_registrations`` and ``female_additional_factors`` ('|'-separated codes),
    ``previous_enforcement_activity``, ``iom_nominal``, ``assessment_present`` (true/false), ``ogrs``
    (0-100 or blank = 0), ``needs`` ('|'-separated NEED=SEVERITY); the mandate from ``mandate_for_change``
    (true/false) or, where blank, ``sentence`` and ``requirements``. Optional: ``prc_two_thirds_registration``
    (true/false: a current two-thirds Probation Reset registration, giving the suffix "S") and
    ``historic_registrations`` ('|'-separated Delius register codes of ended registrations: checked, then
    ignored by every rule; a registration also given as current in the same row is refused as ambiguous).

    Returns the input's index with columns tier, protect_level, protect_points, change_level, change_points
    and unsupervised. The suffix never changes the protect or change level.
    Raises :class:`TieringError` listing every unknown code or out-of-range score.
    """
    check = Checker(df)
    check.require(V2_COLUMNS)
    female = parse_code(check, "gender", {"MALE": 0, "FEMALE": 1}, -1, np.int8, invalid=-2)
    check.add(female == -1, "gender", "missing value; expected Male or Female")
    rosh_code = parse_code(check, "rosh", {k: i for i, k in enumerate(ROSH_PROTECT_POINTS)}, -1, np.int8)
    rosh = np.array([*ROSH_PROTECT_POINTS.values(), 0], dtype=np.int32)[rosh_code]  # -1 (blank) -> last: 0
    rosh_bits = np.array([*(_REG_BITS[_ROSH_CODES[k]] for k in ROSH_PROTECT_POINTS), 0], dtype=np.int64)[rosh_code]
    rsr = parse_number(check, "rsr", 0.0, 99.99, allow=(RSR_MISSING_CODE,))
    mappa_code = parse_code(check, "mappa_level", {k: i for i, k in enumerate(MAPPA_PROTECT_POINTS)}, -1, np.int8)
    mappa = np.array([*MAPPA_PROTECT_POINTS.values(), 0], dtype=np.int32)[mappa_code]
    mappa_bits = np.array([*(_REG_BITS["MAPP"] | _REG_BITS[f"MAPP:{m}"] for m in MAPPA_PROTECT_POINTS), 0],
                          dtype=np.int64)[mappa_code]
    complexity_reason = (f"unknown registration code; known codes: "
                         f"{'; '.join(f'{c} ({m})' for c, m in COMPLEXITY_REGISTRATIONS.items())}; {HISTORIC_HELP}")
    packed = parse_code_list(check, "complexity_registrations", _complexity, np.int64, complexity_reason)
    complexity, complexity_bits = (packed & 63).astype(np.int32), packed >> 6
    female_factors = parse_code_list(
        check, "female_additional_factors", _female_factor_points, np.int32,
        f"unknown factor; allowed: {sorted(FEMALE_FACTORS)}",
    )
    breach = parse_bool(check, "previous_enforcement_activity")
    ogrs = parse_number(check, "ogrs", 0.0, 100.0)
    needs = parse_code_list(
        check, "needs", _need_points, np.int32,
        f"expected NEED=SEVERITY items, needs {sorted(NEED_WEIGHTS)}, severities {sorted(NEED_SEVERITY)}, each need once",
    )
    iom = parse_bool(check, "iom_nominal")
    mandate = _mandate_for_change(check)
    assessed = parse_bool(check, "assessment_present")
    unsupervised = _optional_bool(check, "prc_two_thirds_registration")
    historic = parse_historic(check)
    current = rosh_bits | mappa_bits | complexity_bits | np.where(iom, _REG_BITS["IIOM"], 0) | np.where(
        unsupervised, _REG_BITS["PRC"], 0)
    refuse_ambiguous_historic(check, historic, current, "rosh, mappa_level, complexity_registrations, iom_nominal "
                                                        "or prc_two_thirds_registration")
    check.raise_if_any(TieringError)

    rsr_points = np.zeros(len(df), dtype=np.int32)
    for bound, points in reversed(RSR_PROTECT_POINTS):
        rsr_points[(rsr >= bound) & (rsr != RSR_MISSING_CODE)] = points
    women = (female == 1) * (female_factors + BREACH_RECALL_POINTS * breach)
    protect_points = np.maximum(rosh, rsr_points) + mappa + complexity + women
    level_bounds = np.array([b for _, b in PROTECT_LEVELS][::-1])  # ascending: 0, 10, 20, 150
    protect_idx = len(PROTECT_LEVELS) - np.searchsorted(level_bounds, protect_points, side="right")

    change_points = needs + np.floor(np.nan_to_num(ogrs, nan=0.0) / 10).astype(np.int32) + IOM_CHANGE_POINTS * iom
    change_bounds = np.array([b for _, b in CHANGE_LEVELS][::-1])  # 0, 10, 20
    change_level = np.searchsorted(change_bounds, change_points, side="right").astype(np.int32)
    change_level = np.where(assessed, change_level, NO_ASSESSMENT_CHANGE[0])
    change_points = np.where(assessed, change_points, NO_ASSESSMENT_CHANGE[1])
    change_level = np.where(mandate, change_level, 0)
    change_points = np.where(mandate, change_points, 0)

    letters = np.array([p for p, _ in PROTECT_LEVELS], dtype=object)
    labels = np.array([f"{p}{c}{s}" for s in ("", UNSUPERVISED_SUFFIX) for p in letters for c in range(4)], dtype=object)
    return pd.DataFrame(
        {
            "tier": labels[unsupervised * 16 + protect_idx * 4 + change_level],
            "protect_level": letters[protect_idx],
            "protect_points": protect_points.astype(np.int64),
            "change_level": change_level.astype(np.int64),
            "change_points": change_points.astype(np.int64),
            "unsupervised": unsupervised.astype(bool),
        },
        index=df.index,
    )


#: Result columns compared by :func:`tier_changed`, as the service decides whether a new calculation changed the tier.
CHANGE_COLUMNS = ("tier", "provisional", "protect_level", "change_level", "unsupervised")


def tier_changed(previous: pd.DataFrame, current: pd.DataFrame) -> pd.Series:
    """Whether each person's tier changed between two results of :func:`tier_v2` or :func:`tier_v3` (same index).

    As the service does (hmpps-tier TierUpdater.isUpdated), a change in any of the tier, the provisional flag,
    the protect or change level, or the unsupervised flag counts; so the "S" suffix appearing or going away on
    its own is a tier change. Columns absent from both results are skipped.
    """
    if not previous.index.equals(current.index):
        raise ValueError("tier_changed: the two results must have the same index (one row per person, same order)")
    columns = [c for c in CHANGE_COLUMNS if c in previous.columns or c in current.columns]
    missing = [c for c in columns if c not in previous.columns or c not in current.columns]
    if missing:
        raise ValueError(f"tier_changed: column(s) {missing} are in only one of the results; compare like with like")
    changed = np.zeros(len(current), dtype=bool)
    for c in columns:
        changed |= previous[c].to_numpy() != current[c].to_numpy()
    return pd.Series(changed, index=current.index, name="tier_changed")


# ---------------------------------------------------------------------------------------------
# Version 3: one tier A-G, the most intensive result of all steps.
# Source: published rules of the Probation Service tiering service (ministryofjustice/hmpps-tier), version 3.
# ---------------------------------------------------------------------------------------------

V3_TIERS = ("A", "B", "C", "D", "E", "F", "G")
#: Extra outcomes: a missing ARP or CSRP; no active sentence (optional column ``active_sentence``).
MISSING, NOT_SUPERVISED = "MISSING", "NOT_SUPERVISED"
#: Step 1 look-up: ARP column lower bounds (%), CSRP row lower bounds (%), most intensive first.
ARP_BOUNDS = (90.0, 75.0, 50.0, 25.0, 15.0, 0.0)
CSRP_BOUNDS = (6.9, 3.0, 1.0, 0.5, 0.0)
LOOKUP = (
    "AABBBB",  # CSRP >= 6.9
    "ABCCCC",  # >= 3.0
    "BCDEEE",  # >= 1.0
    "CDEEFF",  # >= 0.5
    "DDEFFG",  # >= 0
)
#: Sexual reoffending predictor (direct contact, DC-SRP) band -> tier; MEDIUM splits by score.
DCSRP_BAND_TIER = {"VERY_HIGH": "A", "HIGH": "B", "MEDIUM": None, "LOW": "E"}
#: A band the service accepts but ignores (as it ignores a band without a score above 0).
DCSRP_NOT_APPLICABLE = "NOT_APPLICABLE"
#: MEDIUM band: score intervals [low, high) -> tier (published as 1.12-2.10 and 2.11-3.35 etc.).
DCSRP_MEDIUM_SCORES = ((3.36, np.inf, "C"), (2.11, 3.36, "D"), (1.12, 2.11, "C"), (0.60, 1.12, "D"))
#: RoSH with a MAPPA category; RoSH alone (LOW/blank gives no tier without MAPPA).
MAPPA_ROSH_TIER = {"VERY_HIGH": "A", "HIGH": "C", "MEDIUM": "D", "LOW": "E", None: "E"}
ROSH_ONLY_TIER = {"VERY_HIGH": "C", "HIGH": "D"}
#: Lifer/IPP released within (years, tier), else the last tier.
LIFER_IPP_TIERS = ((1.0, "B"), (5.0, "D"))
LIFER_IPP_LONGER_TIER = "E"
#: Registrations and history.
REGISTRATION_TIERS = {
    "domestic_abuse_reg": "E",
    "stalking_reg": "F",
    "child_protection_reg": "F",
    "ever_sexual_offence": "E",
}
STATIC_OR_DYNAMIC = {"STATIC": True, "DYNAMIC": False}

V3_COLUMNS = [
    "rosh", "mappa_category_present", "arp", "arp_static_or_dynamic", "csrp", "csrp_static_or_dynamic",
    "dcsrp_score", "dcsrp_band", "lifer_ipp_release_years_ago", *REGISTRATION_TIERS,
]
#: Step names reported in ``tier_step``; ties go to the earlier step, so the look-up sets the tier
#: only when no other step reaches it.
V3_STEPS = ("sexual_predictor", "mappa_rosh", "rosh", "lifer_ipp", *REGISTRATION_TIERS, "arp_csrp_lookup")

_NONE = len(V3_TIERS)  # "no tier from this step"
_T = {t: i for i, t in enumerate(V3_TIERS)}


def tier_v3(df: pd.DataFrame) -> pd.DataFrame:
    """Version-3 tier A-G for each row, whether it is provisional, and the step that set it.

    Columns read: ``arp`` and ``csrp`` (0-100 %) with ``*_static_or_dynamic`` (STATIC/DYNAMIC, needed
    when the score is given), ``dcsrp_band`` (LOW/MEDIUM/HIGH/VERY_HIGH, NOT_APPLICABLE or blank) with
    ``dcsrp_score`` (0-100 %), ``rosh``, ``mappa_category_present``, ``lifer_ipp_release_years_ago``
    (blank if not a lifer/IPP), and true/false ``domestic_abuse_reg``, ``stalking_reg``,
    ``child_protection_reg``, ``ever_sexual_offence``. Optional: ``active_sentence`` (true/false; false gives
    NOT_SUPERVISED before any other rule) and ``historic_registrations`` (as in :func:`tier_v2`: ignored,
    ambiguous rows refused). A missing ARP or CSRP gives MISSING. The sexual-predictor step applies only to a
    band of LOW to VERY_HIGH with a score above 0, as the service validates it.

    Provisional (hmpps-tier ProvisionalStatusCalculator): (a) static predictors: both static, unless
    another step gives A; ARP static only, unless another step reaches the look-up's first column for
    the CSRP row; CSRP static only, unless another step reaches the first row for the ARP column; or
    (b) RoSH missing: unless a step other than MAPPA/RoSH (the look-up counted only when both predictors
    are dynamic) gives A (with a MAPPA category) or C or higher (without). Returns columns tier,
    provisional, tier_step.
    """
    check = Checker(df)
    check.require(V3_COLUMNS)
    n = len(df)
    arp = parse_number(check, "arp", 0.0, 100.0)
    csrp = parse_number(check, "csrp", 0.0, 100.0)
    flags = {}
    for field, score in (("arp_static_or_dynamic", arp), ("csrp_static_or_dynamic", csrp)):
        flag = parse_code(check, field, {k: int(v) for k, v in STATIC_OR_DYNAMIC.items()}, -1, np.int8, invalid=-2)
        check.add((flag == -1) & ~np.isnan(score), field, "missing value; expected STATIC or DYNAMIC when the score is given")
        flags[field] = flag
    arp_static, csrp_static = flags["arp_static_or_dynamic"] == 1, flags["csrp_static_or_dynamic"] == 1
    both_dynamic = (flags["arp_static_or_dynamic"] == 0) & (flags["csrp_static_or_dynamic"] == 0)
    band_codes = {band: i for i, band in enumerate([*DCSRP_BAND_TIER, DCSRP_NOT_APPLICABLE])}
    band = parse_code(check, "dcsrp_band", band_codes, -1, np.int8)
    dcsrp = parse_number(check, "dcsrp_score", 0.0, 100.0)
    rosh_codes = {k: i for i, k in enumerate(ROSH_PROTECT_POINTS)}
    rosh = parse_code(check, "rosh", rosh_codes, -1, np.int8)
    mappa = parse_bool(check, "mappa_category_present")
    lifer = parse_number(check, "lifer_ipp_release_years_ago", 0.0, 150.0)
    registrations = {field: parse_bool(check, field) for field in REGISTRATION_TIERS}
    active = _optional_bool(check, "active_sentence") if "active_sentence" in df.columns else np.ones(n, dtype=bool)
    historic = parse_historic(check)
    current = (np.array([*(_REG_BITS[_ROSH_CODES[k]] for k in rosh_codes), 0], dtype=np.int64)[rosh]
               | np.where(mappa, _REG_BITS["MAPP"], 0)
               | np.where(registrations["domestic_abuse_reg"], _REG_BITS["ADVP"] | _REG_BITS["REG30"], 0)
               | np.where(registrations["stalking_reg"], _REG_BITS["SPO"], 0)
               | np.where(registrations["child_protection_reg"], _REG_BITS["RCPR"], 0)
               | np.where(~np.isnan(lifer), _REG_BITS["INLL"], 0))
    refuse_ambiguous_historic(check, historic, current, "rosh, mappa_category_present, domestic_abuse_reg, "
                                                        "stalking_reg, child_protection_reg or lifer_ipp_release_years_ago")

    usable = (band >= 0) & (band < len(DCSRP_BAND_TIER)) & (dcsrp > 0)  # the service's validate(): else ignored
    medium = usable & (band == band_codes["MEDIUM"])
    dcsrp_tier = np.full(n, _NONE, dtype=np.int8)
    for name, i in band_codes.items():
        if DCSRP_BAND_TIER.get(name) is not None:
            dcsrp_tier[usable & (band == i)] = _T[DCSRP_BAND_TIER[name]]
    for low, high, tier in DCSRP_MEDIUM_SCORES:
        dcsrp_tier[medium & (dcsrp >= low) & (dcsrp < high)] = _T[tier]
    check.add(medium & (dcsrp < DCSRP_MEDIUM_SCORES[-1][0]), "dcsrp_score",
              f"a MEDIUM band needs a score of at least {DCSRP_MEDIUM_SCORES[-1][0]} (the service stops with an error)")
    check.raise_if_any(TieringError)

    rosh_names = list(rosh_codes)
    mappa_rosh = np.full(n, _NONE, dtype=np.int8)
    rosh_only = np.full(n, _NONE, dtype=np.int8)
    for code, name in [(-1, None), *enumerate(rosh_names)]:
        mappa_rosh[mappa & (rosh == code)] = _T[MAPPA_ROSH_TIER[name]]
        if name in ROSH_ONLY_TIER:
            rosh_only[~mappa & (rosh == code)] = _T[ROSH_ONLY_TIER[name]]
    lifer_tier = np.where(np.isnan(lifer), _NONE, _T[LIFER_IPP_LONGER_TIER]).astype(np.int8)
    for years, tier in reversed(LIFER_IPP_TIERS):
        lifer_tier[lifer <= years] = _T[tier]
    registration_tiers = [np.where(registrations[f], _T[t], _NONE).astype(np.int8) for f, t in REGISTRATION_TIERS.items()]

    missing = np.isnan(arp) | np.isnan(csrp)
    col = len(ARP_BOUNDS) - 1 - np.searchsorted(np.array(ARP_BOUNDS[::-1][1:]), np.nan_to_num(arp), side="right")
    row = len(CSRP_BOUNDS) - 1 - np.searchsorted(np.array(CSRP_BOUNDS[::-1][1:]), np.nan_to_num(csrp), side="right")
    table = np.array([[_T[t] for t in line] for line in LOOKUP], dtype=np.int8)
    lookup = table[row, col]

    steps = np.stack([dcsrp_tier, mappa_rosh, rosh_only, lifer_tier, *registration_tiers, lookup], axis=1)
    step_idx = np.argmin(steps, axis=1)
    tier_idx = steps[np.arange(n), step_idx].astype(np.int64)

    # Provisional status; a step giving no tier counts as G (index 6), as in the service.
    g = _T["G"]
    others = np.minimum(steps[:, :-1].min(axis=1), g)  # every step but the look-up
    provisional = np.where(
        arp_static & csrp_static, others > _T["A"],
        np.where(arp_static, others > table[row, 0], np.where(csrp_static, others > table[0, col], False)))
    without_rosh = np.minimum(np.delete(steps, [1, 2], axis=1)[:, :-1].min(axis=1), g)  # no MAPPA/RoSH, no look-up
    without_rosh = np.where(both_dynamic, np.minimum(without_rosh, lookup), without_rosh)
    no_rosh = rosh == -1
    provisional |= no_rosh & np.where(mappa, without_rosh > _T["A"], without_rosh > _T["C"])

    labels = np.array([*V3_TIERS, MISSING, NOT_SUPERVISED], dtype=object)
    step_names = np.array([*V3_STEPS, "missing_predictor", "no_active_sentence"], dtype=object)
    tier_idx = np.where(missing, len(V3_TIERS), tier_idx)
    step_idx = np.where(missing, len(V3_STEPS), step_idx)
    tier_idx = np.where(active, tier_idx, len(V3_TIERS) + 1)
    step_idx = np.where(active, step_idx, len(V3_STEPS) + 1)
    provisional &= active & ~missing
    return pd.DataFrame(
        {"tier": labels[tier_idx], "provisional": provisional, "tier_step": step_names[step_idx]}, index=df.index
    )
