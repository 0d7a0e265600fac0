"""Presentation in words and tables: the Justice Data Lab sentences, the reader's tables, and the
rules and caveats a report states. No computation of results here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ... import disclosure
from .design import Design, design_label
from .inputs import JDL_MINIMUM_GROUP, MatchingError
from .suppression import suppression_table


def covariate_label(column: str, labels: Mapping[str, str] | None = None) -> str:
    """A reader's name for a covariate or design column: ``labels[column]`` if given, else words built
    from the column name or formula term (``C(ethnicity)[T.white]`` -> "Ethnicity: white")."""
    if labels and column in labels:
        return labels[column]
    if column == "propensity score (logit)":
        return "Propensity score (log-odds)"
    return design_label(column, labels)


def reference_note(design: Design, labels: Mapping[str, str] | None = None) -> str | None:
    """How categorical characteristics enter the model, naming each reference level (None if there are none)."""
    if not design.references:
        return None
    refs = "; ".join(f"{covariate_label(v, labels)}: {ref}" for v, ref in design.references.items())
    return ("Categorical characteristics enter the propensity model as one indicator per level, each compared with "
            f"a reference level ({refs}); the balance table shows every level.")


def design_notes(design: Design, labels: Mapping[str, str] | None = None, *, duplicates_dropped: int = 0,
                 duplicates: str = "refuse") -> list[str]:
    """Caveats a report states about the data as analysed: gaps filled with an indicator, duplicate rows
    dropped or kept (the reference levels are in :func:`reference_note`)."""
    labels = labels or {}
    notes = []
    if design.filled:
        parts = []
        for v, n in design.filled.items():
            how = (f"filled with the observed mean ({design.fill_values[v]:,.4g})" if v in design.fill_values
                   else "given their own level, \"(missing)\"")
            parts.append(f"{covariate_label(v, labels)}: {n:,} missing, {how}")
        notes.append("Some characteristics had missing values. Instead of dropping those people, each gap was filled "
                     "and an indicator of the gap was added to the propensity model, so people are also matched on "
                     "whether a value was missing (" + "; ".join(parts) + "). The balance table shows the "
                     "indicators; this assumes the gaps carry no further information on the outcome.")
    if duplicates_dropped:
        notes.append(f"{duplicates_dropped:,} exact duplicate row(s) in the data (every value repeated) were dropped "
                     "before the analysis, keeping the first of each.")
    elif duplicates == "keep":
        notes.append("Rows that repeat another row exactly were kept as different people (the data has no "
                     "identifier column).")
    return notes


def balance_display(balance: pd.DataFrame, labels: Mapping[str, str] | None = None, dp: int = 3) -> pd.DataFrame:
    """The balance table for a reader: plain covariate names and headers, values as text with ``dp``
    decimals (a rounded -0.000 shows as 0.000)."""
    numbers = np.round(balance.drop(columns=["covariate", "imbalanced after"]).to_numpy(dtype=float), dp) + 0.0
    shown = pd.DataFrame([[f"{v:,.{dp}f}" for v in row] for row in numbers], columns=[
        "Treatment group mean, before", "Comparison pool mean, before", "SMD before",
        "Treatment group mean, after", "Comparison group mean, after", "SMD after", "Variance ratio after"])
    shown.insert(0, "Characteristic", [covariate_label(c, labels) for c in balance["covariate"]])
    return shown


def support_statement(support: pd.DataFrame, n_matched_treated: int, *, service: str = "the service",
                      threshold: int = disclosure.DEFAULT_THRESHOLD) -> str:
    """Common support in words: how far the two groups' propensity scores overlap, and who is left out.

    ``support`` is the output of :func:`common_support`; counts below ``threshold`` are suppressed.
    """
    t, c = support.iloc[0], support.iloc[1]
    def count(n, start=False):
        text = disclosure.safe_count(int(n), threshold)
        return text[:1].upper() + text[1:] if start else text

    text = (f"The estimated chance of receiving {service} ranges from {100 * t['Lowest score']:.1f}% to "
            f"{100 * t['Highest score']:.1f}% in the treatment group and from {100 * c['Lowest score']:.1f}% to "
            f"{100 * c['Highest score']:.1f}% in the comparison pool. ")
    out_t, out_c = int(t["Outside the other group's range"]), int(c["Outside the other group's range"])
    text += ("Every treated person lies inside the comparison pool's range, so each has potential comparisons. "
             if out_t == 0 else
             f"{count(out_t, True)} treated people lie outside the comparison pool's range and cannot be matched well. ")
    if out_c:
        text += (f"{count(out_c, True)} people in the comparison pool lie outside the treatment group's range; they are "
                 "unlike anyone treated and are never used. ")
    dropped = int(t["People"]) - int(n_matched_treated)
    text += (f"{count(n_matched_treated, True)} of {count(t['People'])} treated people found a comparison within the caliper"
             + (f" ({count(dropped)} did not and are left out)." if dropped else "."))
    return text


def _pct(fraction: float) -> str:
    """A confidence or significance level as a percentage: 0.95 -> "95%", 0.005 -> "0.5%"."""
    return f"{round(100 * float(fraction), 6):g}%"


def _num(x: float, dp: int) -> str:
    text = f"{x:,.{dp}f}"
    return "0" if float(text.replace(",", "")) == 0 else text


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def jdl_statement(effect: Mapping, *, measure: str, per_100: str | None = None, unit: str = "",
                  service: str = "the service", dp: int = 1, words: Sequence[str] = ("lower", "higher")) -> str:
    """The Justice Data Lab sentence for one effect (output of :func:`estimate_effect`).

    ``measure`` names the outcome ("one-year proven re-offending rate"); ``per_100`` (binary rate or
    a count per person) completes "For any 100 typical people in the comparison group, N ...",
    e.g. "committed a proven re-offence" or "proven re-offences were committed". ``unit`` follows
    a continuous difference (e.g. "days"). When the interval includes zero the sentence says there
    is no significant difference. ``words`` describe a negative and a positive difference in that
    interval (e.g. ("shorter", "longer") for a time). The two-sided test's p-value is quoted when
    ``effect`` has one.
    """
    p = effect.get("p value")
    level = float(effect.get("level", 0.95))
    lo, hi, kind = effect["low"], effect["high"], effect["kind"]
    scale, what = (100.0, " percentage points") if kind == "binary" else (1.0, f" {unit}" if unit else "")
    lo_s, hi_s = lo * scale, hi * scale
    if effect["significant"]:
        direction = "reduction" if hi < 0 else "increase"
        a, b = sorted([abs(lo_s), abs(hi_s)])
        text = (f"The analysis indicates that {service} led to a{'n' if direction == 'increase' else ''} {direction} "
                f"in the {measure} of between {_num(a, dp)} and {_num(b, dp)}{what} ({_pct(level)} confidence interval"
                + (f"; the difference is statistically significant, {_p_text(p)})." if p is not None else ")."))
    else:
        text = (f"The analysis shows no significant difference in the {measure}: the {_pct(level)} confidence interval runs "
                f"from {_num(abs(lo_s), dp)}{what} {words[0] if lo_s < 0 else words[1]} to "
                f"{_num(abs(hi_s), dp)}{what} {words[1] if hi_s >= 0 else words[0]} for the treatment group"
                + (f" ({_p_text(p)}, not significant at the {_pct(1 - level)} level)" if p is not None else "")
                + f", so {service} may have had no effect on it.")
    if per_100 is not None:
        c, t = effect["comparison mean"] * 100, effect["treated mean"] * 100
        text += (f" For any 100 typical people in the comparison group, {_num(c, 0)} {per_100}; "
                 f"for any 100 typical people in the treatment group, {_num(t, 0)} {per_100}.")
    return text


def outcome_wording(outcome: str, outcome_text: Mapping[str, Sequence] | None = None) -> dict:
    """How a report words one outcome, as keyword arguments for :func:`jdl_statement`.

    ``outcome_text[outcome]`` is ``[measure, per_100, unit]`` or ``[measure, per_100, unit, lower, higher]``
    (the words for a negative and a positive difference); an outcome without an entry is named by its
    column ("the 'score' outcome"), with no "for any 100" sentence and no unit.
    """
    spec = list((outcome_text or {}).get(outcome, ()))
    if spec and len(spec) not in (3, 5):
        raise MatchingError(
            f"outcome_text for {outcome!r} must be [measure, 'for any 100' wording or None, unit] or those three "
            f"plus the words for a negative and a positive difference; got {spec!r}"
        )
    measure, per_100, unit = spec[:3] if spec else (f"'{outcome}' outcome", None, "")
    words = tuple(spec[3:5]) if len(spec) == 5 else ("lower", "higher")
    return {"measure": measure, "per_100": per_100, "unit": unit or "", "words": words}


def effects_display(effects: pd.DataFrame, labels: Mapping[str, str] | None = None, dp: int = 1,
                    threshold: int | None = None) -> pd.DataFrame:
    """Effects as a reader's table: binary outcomes in % and percentage points, others as numbers.

    Columns: Outcome, People in each group, the two groups' values, Difference (treatment minus
    comparison), its confidence interval (at the effects' level, e.g. 95%), p-value (two-sided test).
    With ``threshold``, disclosure control is applied here (counts of people are then text): a small
    count and every figure it can be derived from are shown as the suppression marker (rule in
    :mod:`.suppression`); the caller states the marker's meaning (:func:`suppression_note`).
    """
    labels = labels or {}
    hidden = suppression_table(effects, threshold) if threshold is not None else None
    rows = []
    for i, e in enumerate(effects.to_dict("records")):
        binary = e["kind"] == "binary"
        f = (lambda v: f"{100 * v:.{dp}f}%") if binary else (lambda v: f"{v:,.{dp + 1}f}")
        d = (lambda v: f"{100 * v:+.{dp}f} pp") if binary else (lambda v: f"{v:+,.{dp + 1}f}")
        ci = f"{_pct(e.get('level', 0.95))} confidence interval"
        row = {
            "Outcome": labels.get(e["outcome"], e["outcome"]),
            "People, treatment group": e["treated people"],
            "People, comparison group": e["comparison people"],
            "Treatment group": f(e["treated mean"]),
            "Comparison group": f(e["comparison mean"]),
            "Difference": d(e["difference"]),
            ci: (f"{100 * e['low']:+.{dp}f} to {100 * e['high']:+.{dp}f} pp" if binary
                 else f"{d(e['low'])} to {d(e['high'])}"),
            "p-value": "<0.001" if e["p value"] < 0.001 else f"{e['p value']:.3f}",
        }
        if hidden is not None:
            h = hidden.iloc[i]
            for group, people, value in (("treated", "People, treatment group", "Treatment group"),
                                         ("comparison", "People, comparison group", "Comparison group")):
                row[people] = disclosure.SUPPRESSED if h[f"{group} count"] else f"{int(row[people]):,}"
                if h[group]:
                    row[value] = disclosure.SUPPRESSED
            if h["any"]:
                row["Difference"] = row[ci] = row["p-value"] = disclosure.SUPPRESSED
        rows.append(row)
    return pd.DataFrame(rows)


def suppression_note(shown: pd.DataFrame, threshold: int) -> str | None:
    """The footnote explaining the suppression marker, when a shown table uses it (else None)."""
    if not (shown.astype(str) == disclosure.SUPPRESSED).to_numpy().any():
        return None
    return (f"{disclosure.SUPPRESSED} = suppressed: a count of people below {threshold}, or a figure from which one "
            "could be worked out (a rate with its group size, the mean of a small group, or a difference from them).")


def recovery_table(truth: float, matched: Mapping, unadjusted: Mapping) -> pd.DataFrame:
    """A known true effect on a binary outcome (synthetic data) next to the matched and unadjusted
    estimates (outputs of :func:`estimate_effect`), in percentage points, and whether each interval
    (at the estimates' confidence level) contains it."""
    pp = lambda v: f"{100 * v:+.1f} pp"  # noqa: E731
    rows = [("True effect on the treated (known: set in the synthetic data)", pp(truth), "none: known exactly", "")]
    for name, e in (("Matched comparison (this report's estimate)", matched),
                    ("Unadjusted comparison (everyone treated against everyone untreated)", unadjusted)):
        rows.append((name, pp(e["difference"]), f"{100 * e['low']:+.1f} to {100 * e['high']:+.1f} pp",
                     "yes" if e["low"] <= truth <= e["high"] else "no"))
    level = _pct(matched.get("level", 0.95))
    return pd.DataFrame(rows, columns=["Comparison", "Difference in the rate", f"{level} confidence interval",
                                       "Interval contains the true effect?"])


def recovery_statement(truth: float, matched: Mapping, unadjusted: Mapping) -> str:
    """The known-effect check in words: does each interval (rates, in percentage points) contain the truth?"""
    ci = _pct(matched.get("level", 0.95)) + " CI"
    pp = lambda v: f"{100 * v:.1f} percentage points"  # noqa: E731
    inside = lambda e: e["low"] <= truth <= e["high"]  # noqa: E731
    text = (f"The synthetic cohort's true effect of the service on the treated is {pp(truth)}. The matched estimate is "
            f"{pp(matched['difference'])} ({ci} {100 * matched['low']:.1f} to {100 * matched['high']:.1f}), which "
            f"{'contains' if inside(matched) else 'does NOT contain'} the true effect. The unadjusted difference is "
            f"{pp(unadjusted['difference'])} ({ci} {100 * unadjusted['low']:.1f} to {100 * unadjusted['high']:.1f}), ")
    if inside(unadjusted):
        return text + ("whose interval also contains it at this sample size, though it is centred further from it "
                       if abs(unadjusted["difference"] - truth) > abs(matched["difference"] - truth) else
                       "whose interval also contains it ") + "(the service took people less likely to reoffend anyway)."
    return text + "which does not: it is biased by who the service took on."


def minimum_group_flag(min_group_size: int) -> str | None:
    """The sentence a report must show when the minimum treatment group is below the JDL's 60, else None."""
    if min_group_size >= JDL_MINIMUM_GROUP:
        return None
    return (f"The minimum treatment group was lowered from the Justice Data Lab's {JDL_MINIMUM_GROUP} to "
            f"{min_group_size} people; results for small groups are imprecise and less protected against disclosure.")


def matching_rules(caliper_sd: float | None, caliper: float | None, ratio: int, replace: bool, exact: Sequence[str],
                   labels: Mapping[str, str] | None = None) -> str:
    """The matching rules in one sentence, for a table note (``caliper`` on the logit scale, from :class:`MatchResult`)."""
    parts = [
        "no caliper" if caliper_sd is None else
        f"caliper {caliper_sd:g} standard deviations of the logit of the propensity score ({caliper:.3f} on the logit scale)",
        f"{ratio} comparison {'person' if ratio == 1 else 'people'} per treated person",
        f"a comparison person {'may' if replace else 'may not'} be used more than once",
        ("exact matching on " + ", ".join(covariate_label(c, labels) for c in exact)) if exact else "no exact matching",
    ]
    text = "; ".join(parts) + "."
    return text[:1].upper() + text[1:]
