"""Disclosure control for the matched report: hide a small count and every figure it can be derived from.

Counts of people below the threshold are suppressed everywhere (``rehabresearch.disclosure``). In a
matched comparison a count is also revealed by arithmetic on what the report shows:

- a **rate with its denominator**: 70 treated people and a rate of 10.0% give 7 reoffenders. So for a
  binary outcome the number of people with the outcome, ``x = rate x people``, and without it,
  ``people - x``, are counts: when either is below the threshold (and not zero), the group's rate is
  hidden, with everything that gives it back: its interval, the difference from the other group
  (the other rate is shown), the difference's interval and p-value, and the sentence that states them;
- the **people with a value of an outcome defined only for some** (days to first reoffence: the
  reoffenders): when that count is small the group's mean, interval, difference and p-value are
  hidden with it, since they describe those few people; and because the group's full size is shown
  elsewhere in the report, the count is also hidden when the people *without* a value are few.

Rule in one line: for each outcome and each group, hide the group's figures when ``k`` or ``n - k``
is in ``1 .. threshold - 1``, where ``n`` is the group's size and ``k`` the people with the outcome
(binary) or with a value (outcome defined only for some). The same rule applies to the unadjusted
comparison. The rule is written down in ``docs/reoffending-matching.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import disclosure


def _small(n: float, threshold: int) -> bool:
    return bool(disclosure.is_small(int(round(float(n))), threshold)[0])


def effect_suppression(effect, threshold: int = disclosure.DEFAULT_THRESHOLD, group_sizes=None) -> dict:
    """Which figures of one effect (output of ``estimate_effect``) must be hidden.

    ``group_sizes`` is ``(treated, comparison)``: the people in each group for whom the report shows a
    total (for an outcome defined only for some, the matched group sizes); by default the effect's own
    group sizes. Returns ``{"treated": bool, "comparison": bool, "treated count": bool,
    "comparison count": bool, "any": bool}``.
    """
    out = {}
    sizes = group_sizes or (effect["treated people"], effect["comparison people"])
    for group, people, mean, total in (("treated", effect["treated people"], effect["treated mean"], sizes[0]),
                                       ("comparison", effect["comparison people"], effect["comparison mean"], sizes[1])):
        count_hidden = _small(people, threshold) or (total > people and _small(total - people, threshold))
        hide = count_hidden
        if effect["kind"] == "binary":
            k = float(mean) * float(people)
            hide = hide or _small(k, threshold) or _small(float(people) - k, threshold)
        out[group] = bool(hide)
        out[f"{group} count"] = bool(count_hidden)
    out["any"] = out["treated"] or out["comparison"]
    return out


def suppression_table(effects: pd.DataFrame, threshold: int = disclosure.DEFAULT_THRESHOLD,
                      group_sizes=None) -> pd.DataFrame:
    """:func:`effect_suppression` for every row of an effects table, as a frame indexed like it.

    By default each group's total is the largest group size in the table (the matched group, which an
    outcome known for everyone has)."""
    if group_sizes is None and len(effects):
        group_sizes = (effects["treated people"].max(), effects["comparison people"].max())
    rows = [effect_suppression(e, threshold, group_sizes) for e in effects.to_dict("records")]
    return pd.DataFrame(rows, index=effects.index)


def withheld_statement(measure: str, threshold: int = disclosure.DEFAULT_THRESHOLD) -> str:
    """The sentence shown instead of a result that would reveal a small count."""
    return (f"The result for the {measure} is not shown: fewer than {threshold} people in a group had (or did not "
            "have) the outcome, and the figures would reveal how many.")


def recoverable_counts(shown: pd.DataFrame) -> np.ndarray:
    """Every whole number a reader can compute from a shown effects table by the arithmetic above
    (rate x people, people - rate x people, and differences of people counts). Used by the tests to
    try to recover a suppressed count."""
    def number(text):
        try:
            return float(str(text).replace(",", "").replace("%", "").replace("pp", "").strip())
        except ValueError:
            return np.nan

    found = []
    for _, row in shown.iterrows():
        for people_col, value_col in (("People, treatment group", "Treatment group"),
                                      ("People, comparison group", "Comparison group")):
            n, v = number(row[people_col]), row[value_col]
            if np.isnan(n):
                continue
            if str(v).endswith("%") and not np.isnan(number(v)):
                k = number(v) / 100 * n
                found += [k, n - k]
    people = [number(v) for c in ("People, treatment group", "People, comparison group") for v in shown[c]]
    people = [p for p in people if not np.isnan(p)]
    found += [abs(a - b) for a in people for b in people]
    return np.round(np.array(found, dtype=float))
