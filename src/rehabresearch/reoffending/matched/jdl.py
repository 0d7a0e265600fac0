"""The Justice Data Lab's own report form: its three headline outcomes, its significance wording and
its "for 100 typical people" table.

Facts about the form come from the Ministry of Justice's published report code (the "JDL RAP" in the
moj-analytical-services/kpow2 repository) and the JDL methodology: a report compares a treatment group
with a matched comparison group on three headline one-year measures — the proven reoffending rate, the
frequency of proven reoffences per person and the time to first proven reoffence (among those who
reoffend). Results are stated for 100 typical people who receive support against 100 similar people
who do not; whole numbers are quoted. An interval that excludes zero reads "could be lower by between X
and Y people. This is a statistically significant result."; otherwise "could be lower by as many as X
people, or higher by as many as Y people. More people would need to be analysed in order to determine
the direction of this difference.", followed for the rate by an estimate of how many people would be
needed. The time to first reoffence is left out of the headlines when fewer than 30 people in the
treatment group reoffended, because an average over so few reoffenders could give misleading results.

Unlike the JDL's sentences, ours name the confidence level used, so they stay true when a report is run
at 90% or 99%. The numbers come from the matched comparison's effect dicts (keys ``low``, ``high``,
``treated mean``, ``comparison mean``, ``treated people``, ``comparison effective size``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ... import disclosure
from .power import DEFAULT_POWER, number_needed_rates

__all__ = [
    "MIN_REOFFENDERS_FOR_TIME",
    "can_and_cannot_say",
    "OUTCOMES",
    "difference_phrase",
    "forest_rows",
    "jdl_findings",
    "time_headline",
    "typical_100_heading",
    "typical_100_table",
]

#: Fewest treated reoffenders for the time to first reoffence to be a headline (JDL report code).
MIN_REOFFENDERS_FOR_TIME = 30

#: The three headline outcomes: subject of the sentence, unit (singular, plural), scale to "per 100
#: people", the words for a negative and a positive difference, and how the group value is described.
OUTCOMES = {
    "rate": {
        "measure": "One-year proven reoffending rate",
        "subject": "The number of {people} who commit a proven reoffence within one year could be",
        "unit": ("{person}", "{people}"), "scale": 100.0, "words": ("lower", "higher"),
        "group": "{value} of 100 {people} committed a proven reoffence within one year",
    },
    "frequency": {
        "measure": "One-year proven reoffending frequency (reoffences per person)",
        "subject": "The number of proven reoffences committed during the year could be",
        "unit": ("offence", "offences"), "scale": 100.0, "words": ("lower", "higher"),
        "group": "{value} proven reoffences were committed by 100 {people} within one year",
    },
    "time": {
        "measure": "Average time to first proven reoffence (days, reoffenders only)",
        "subject": "For {people} who reoffend, the average time before the first proven reoffence could be",
        "unit": ("day", "days"), "scale": 1.0, "words": ("shorter", "longer"),
        "group": "on average {value} days passed before the first proven reoffence, among those who reoffended",
    },
}


def _pct(level: float) -> str:
    if not (isinstance(level, (int, float, np.floating)) and 0 < float(level) < 1):
        raise ValueError(f"level must be a number strictly between 0 and 1, got {level!r}")
    return f"{100 * level:g}%"


def _count(x: float, unit: tuple[str, str]) -> str:
    n = int(round(abs(x)))
    return f"{n:,} {unit[0] if n == 1 else unit[1]}"


def difference_phrase(low: float, high: float, *, unit=("person", "people"), words=("lower", "higher"),
                      level: float = 0.95, people: str = "people") -> str:
    """The JDL phrase for an interval (already on the reporting scale, e.g. per 100 people).

    Excluding zero: "lower by between X and Y people (95% confidence interval). This is a statistically
    significant result." Otherwise: "lower by as many as X people, or higher by as many as Y people
    (95% confidence interval). More people would need to be analysed in order to determine the direction
    of this difference."
    """
    for name, v in (("low", low), ("high", high)):
        if v is None or not np.isfinite(v):
            raise ValueError(f"the interval's {name} limit must be a finite number, got {v!r}")
    if low > high:
        raise ValueError(f"the interval's low limit {low!r} is above its high limit {high!r}")
    ci = f"({_pct(level)} confidence interval)"
    if high < 0:
        return (f"{words[0]} by between {abs(round(high)):,} and {_count(low, unit)} {ci}. "
                "This is a statistically significant result.")
    if low > 0:
        return (f"{words[1]} by between {round(low):,} and {_count(high, unit)} {ci}. "
                "This is a statistically significant result.")
    return (f"{words[0]} by as many as {_count(low, unit)}, or {words[1]} by as many as {_count(high, unit)} {ci}. "
            f"More {people} would need to be analysed in order to determine the direction of this difference.")


def time_headline(treated_reoffenders: int, threshold: int = disclosure.DEFAULT_THRESHOLD) -> tuple[bool, str | None]:
    """Whether the time to first reoffence is a headline, and if not, why (in words; a count below the
    disclosure ``threshold`` is given as "fewer than 10")."""
    n = int(treated_reoffenders)
    if n >= MIN_REOFFENDERS_FOR_TIME:
        return True, None
    count = disclosure.safe_count(n, threshold)
    hidden = count.startswith("fewer")
    who = f"{count} {'person' if count == '1' else 'people'} in the treatment group reoffended"
    return False, (f"Time to first reoffence is not given as a headline result because {'only ' if not hidden else ''}"
                   f"{who}{'' if hidden else f' (fewer than {MIN_REOFFENDERS_FOR_TIME})'}: an average over so few "
                   "reoffenders could give misleading results.")


def _value(eff: Mapping, key: str, outcome: str) -> float:
    """A number from an effect dict, or a clear error naming the outcome and the entry."""
    if key not in eff:
        raise ValueError(f"the {outcome} result lacks its {key!r} entry")
    try:
        value = float(eff[key])
    except (TypeError, ValueError):
        raise ValueError(f"the {outcome} result's {key!r} must be a number, got {eff[key]!r}") from None
    if not np.isfinite(value):
        raise ValueError(f"the {outcome} result's {key!r} is missing or not finite ({eff[key]!r})")
    return value


def _fill(text: str, people: str, person: str) -> str:
    return text.replace("{people}", people).replace("{person}", person)


def jdl_findings(effects: Mapping[str, Mapping], *, level: float = 0.95, treated_reoffenders: int | None = None,
                 power: float = DEFAULT_POWER, people: str = "people", person: str = "person") -> pd.DataFrame:
    """One row per headline outcome present in ``effects`` (keys "rate", "frequency", "time").

    Columns: ``outcome``, ``measure``, ``sentence`` (the JDL wording at ``level``), ``significant``,
    ``headline`` (False for the time outcome when ``treated_reoffenders`` < 30), ``note`` (why it is not
    a headline), ``number needed`` (nullable integer: treated people needed, for a rate whose interval includes zero; the
    comparison group kept at its present size relative to the treated group; ``power`` as stated).
    """
    unknown = set(effects) - set(OUTCOMES)
    if unknown:
        raise ValueError(f"unknown JDL outcome(s) {sorted(unknown)}; use {list(OUTCOMES)}")
    rows = []
    for key, spec in OUTCOMES.items():
        if key not in effects:
            continue
        eff = effects[key]
        scale = spec["scale"]
        low, high = _value(eff, "low", key) * scale, _value(eff, "high", key) * scale
        unit = tuple(_fill(u, people, person) for u in spec["unit"])
        phrase = difference_phrase(low, high, unit=unit, words=spec["words"], level=level, people=people)
        significant = bool(low > 0 or high < 0)
        sentence = f"{_fill(spec['subject'], people, person)} {phrase}"
        needed = None
        if key == "rate" and not significant:
            size_key = "comparison effective size" if "comparison effective size" in eff else "comparison people"
            ratio = _value(eff, size_key, key) / _value(eff, "treated people", key)
            n = number_needed_rates(_value(eff, "treated mean", key), _value(eff, "comparison mean", key),
                                    level=level, power=power, ratio=ratio)
            if np.isfinite(n):
                needed = int(n)
                sentence += (f" Based on the current measurements, it is estimated that {needed:,} {people} in the "
                             f"treatment group would be needed (with {100 * power:g}% power to detect a difference as large "
                             "as the one observed).")
            else:
                sentence += " The two groups' rates are equal, so no number of people can be estimated."
        headline, note = True, None
        if key == "time":
            if treated_reoffenders is None:
                raise ValueError("the time to first reoffence needs treated_reoffenders (how many treated people reoffended)")
            headline, note = time_headline(treated_reoffenders)
        rows.append({"outcome": key, "measure": spec["measure"], "sentence": sentence, "significant": significant,
                     "headline": headline, "note": note, "number needed": needed})
    out = pd.DataFrame(rows, columns=["outcome", "measure", "sentence", "significant", "headline", "note",
                                      "number needed"])
    out["number needed"] = out["number needed"].astype("Int64")  # missing where not needed, never NaN
    return out


def typical_100_table(effects: Mapping[str, Mapping], *, level: float = 0.95, people: str = "people") -> pd.DataFrame:
    """The "for 100 typical people" table: treatment and comparison group on the JDL's scale (per 100
    people for the rate and frequency, days for the time), the difference and its interval, whole numbers
    for counts per 100 and days, as the JDL quotes them."""
    rows = []
    pct = _pct(level)
    for key, spec in OUTCOMES.items():
        if key not in effects:
            continue
        eff, scale = effects[key], spec["scale"]
        t, c = _value(eff, "treated mean", key) * scale, _value(eff, "comparison mean", key) * scale
        low, high = _value(eff, "low", key) * scale, _value(eff, "high", key) * scale
        rows.append({
            "measure": spec["measure"],
            "unit": "days" if key == "time" else f"per 100 {people}",
            "treatment group": round(t),
            "comparison group": round(c),
            "difference": round(t - c),
            f"{pct} interval low": round(low),
            f"{pct} interval high": round(high),
            "statistically significant": bool(low > 0 or high < 0),
        })
    return pd.DataFrame(rows)


#: Forest-plot labels with units, per outcome.
FOREST_LABELS = {
    "rate": "Proven reoffending rate (people per 100)",
    "frequency": "Proven reoffences (per 100 people)",
    "time": "Time to first proven reoffence (days)",
}


def forest_rows(effects: Mapping[str, Mapping], labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Rows for the forest plot from effect dicts: ``label``, ``difference``, ``low``, ``high``,
    ``significant`` on the JDL scale (rate and frequency per 100 people, time in days). Keys of
    ``effects`` outside the three headline outcomes are shown on their own scale with their key (or
    ``labels[key]``) as label."""
    labels = {**FOREST_LABELS, **(labels or {})}
    rows = []
    for key, eff in effects.items():
        scale = OUTCOMES[key]["scale"] if key in OUTCOMES else 1.0
        diff = _value(eff, "treated mean", key) - _value(eff, "comparison mean", key)
        low, high = _value(eff, "low", key), _value(eff, "high", key)
        rows.append({"label": labels.get(key, key), "difference": diff * scale, "low": low * scale,
                     "high": high * scale, "significant": bool(low > 0 or high < 0)})
    return pd.DataFrame(rows, columns=["label", "difference", "low", "high", "significant"])


def typical_100_heading(people: str = "people") -> str:
    """The sentence that opens the JDL estimates table."""
    return f"For 100 typical {people} who receive support, compared with 100 similar {people} who do not receive it:"


#: What a reader may and may not conclude, per outcome: the quantity, its unit, and the verbs for a
#: fall and a rise (JDL report code: "What you can say" / "What you cannot say").
SAY = {
    "rate": ("the number of {people} who commit a proven reoffence within one year", ("decrease", "increase"),
             "the reoffending rate of its participants"),
    "frequency": ("the number of proven reoffences committed within one year", ("decrease", "increase"),
                  "the number of reoffences committed by its participants"),
    "time": ("the average time to first proven reoffence", ("shorten", "lengthen"),
             "the average time to first reoffence for its participants"),
}


def can_and_cannot_say(effects: Mapping[str, Mapping], *, service: str = "the service", level: float = 0.95,
                       treated_reoffenders: int | None = None, people: str = "people",
                       person: str = "person") -> pd.DataFrame:
    """The JDL's "what you can say" and "what you cannot say" sentences for each headline outcome.

    Can say: a significant result gives the direction and its range for every 100 people ("... support
    from the service decreases the number of people who commit a proven reoffence within one year by
    between 2 and 9 people"); otherwise that it may move either way, by up to the interval's limits.
    Cannot say: any conclusion the interval does not support (a direction, or no effect). The time to
    first reoffence is left out when it is not a headline (fewer than 30 treated reoffenders). Columns:
    ``outcome``, ``can say``, ``cannot say``.
    """
    pct = _pct(level)
    rows = []
    for key, (what, verbs, whom) in SAY.items():
        if key not in effects:
            continue
        if key == "time" and (treated_reoffenders is None or not time_headline(treated_reoffenders)[0]):
            continue
        eff, spec = effects[key], OUTCOMES[key]
        low = _value(eff, "low", key) * spec["scale"]
        high = _value(eff, "high", key) * spec["scale"]
        unit = tuple(_fill(u, people, person) for u in spec["unit"])
        what_text = _fill(what, people, person)
        lead = ("This analysis provides evidence that, for " + (f"{people} who reoffend within one year"
                if key == "time" else f"every 100 {people}") + f", support from {service} ")
        if high < 0:
            can = f"{lead}{verbs[0]}s {what_text} by between {abs(round(high)):,} and {_count(low, unit)}"
            cannot = f"{verbs[1]}s or has no effect on"
        elif low > 0:
            can = f"{lead}{verbs[1]}s {what_text} by between {round(low):,} and {_count(high, unit)}"
            cannot = f"{verbs[0]}s or has no effect on"
        else:
            can = (f"{lead}may {verbs[0]} {what_text} by up to {_count(low, unit)}, or may {verbs[1]} it by up to "
                   f"{_count(high, unit)}")
            cannot = f"{verbs[1]}s, {verbs[0]}s or has no effect on"
        rows.append({"outcome": key, "can say": f"{can} ({pct} confidence interval).",
                     "cannot say": f"This analysis shows that {service} {cannot} {whom}."})
    return pd.DataFrame(rows, columns=["outcome", "can say", "cannot say"])
