"""Words the contact-tiers report uses for its measures, so every table, chart and finding says the same thing.

A breach rate "per 100 people" counts breaches, not people: one person can be breached more than once over
two years, so the rate can pass 100. A person with no assessment yet has their change level set by rule
(level 2, 0 points), which a table beside computed change points must say.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Said wherever breaches per 100 people are shown.
BREACHES_PER_100 = ("Breaches per 100 people counts breaches, not people: a person can be breached more than once "
                    "(each breach after a further warning), so the rate can exceed 100.")
#: Said wherever recalls per 100 people are shown.
RECALLS_PER_100 = "Recalls per 100 people counts recalls; a recalled person leaves the caseload, so each person is recalled at most once."


def tier_note(assessed, mandate, change_level: int, change_points: int) -> list[str]:
    """A reader's note for each person in a tier table: why the change points and level are what they are.

    People with a mandate for change but no assessment yet get change level ``change_level`` with
    ``change_points`` points by rule; people without a mandate for change get level 0.
    """
    assessed = np.asarray(assessed, dtype=bool)
    mandate = np.asarray(mandate, dtype=bool)
    notes = np.where(~mandate, "no mandate for change (unpaid work only): change level 0",
                     np.where(~assessed, f"not yet assessed: change level {change_level} by rule, whatever the needs "
                                         f"(change points shown as {change_points})", ""))
    return list(notes)


def per_100(value: float, lo: float, hi: float, fmt: str = "{:.0f}") -> str:
    """'169 (160 to 178)': a rate per 100 people with its interval across replicates."""
    return f"{fmt.format(value)} (interval {fmt.format(lo)} to {fmt.format(hi)})"


def breaches_finding(t: pd.DataFrame) -> str:
    """More scheduled contact means more breaches: flat monthly against tiered (and weekly when run)."""
    fm, tf = t.loc["flat_monthly"], t.loc["tiered_front_loaded"]
    weekly = (f" and {per_100(t.loc['flat_weekly', 'breaches_mean'], t.loc['flat_weekly', 'breaches_lo'], t.loc['flat_weekly', 'breaches_hi'])}"
              " under flat weekly contact" if "flat_weekly" in t.index else "")
    return ("With the chance of missing each contact held fixed, more scheduled contact means more breaches: "
            f"{per_100(fm['breaches_mean'], fm['breaches_lo'], fm['breaches_hi'])} breaches per 100 people under flat monthly contact, "
            f"{per_100(tf['breaches_mean'], tf['breaches_lo'], tf['breaches_hi'])} under the tiered policy{weekly}. "
            "A person can be breached more than once, so these counts of breaches can exceed 100. "
            "Whether frequent contact lowers the chance of missing is the key unknown (section 6).")
