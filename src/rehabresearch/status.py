"""The data status of a report: what kind of numbers the reader is looking at.

Every page says, under its key findings, whether its numbers are published figures, real
individual-level data, a synthetic cohort or illustrative inputs. A notebook may state its status
(``Report(name, status=...)``); otherwise the status comes from :data:`REPORT_STATUS` by report name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: status -> (short label, one sentence for the banner).
STATUSES: dict[str, tuple[str, str]] = {
    "published": (
        "Published figures",
        "Every number is transcribed from, or recomputed out of, official and other published documents.",
    ),
    "real": (
        "Real individual-level data",
        "The numbers are computed from a public dataset of real people's records; small counts are suppressed.",
    ),
    "synthetic": (
        "Synthetic data",
        "Every number describes a seeded synthetic cohort with no real people in it; it shows how the method "
        "behaves, not what happened.",
    ),
    "illustrative": (
        "Illustrative inputs",
        "The model runs on illustrative assumptions (only their scale is published); the numbers show how the "
        "results respond to the inputs, not what any real service costs or achieves.",
    ),
}

#: The status of each report when its notebook does not state one.
REPORT_STATUS: dict[str, str] = {
    "commissioning": "published",
    "equalities_evidence": "published",
    "moj_proven_reoffending": "published",
    "rossi_financial_aid": "real",
    "compas_cohorts": "real",
    "matched_comparison": "synthetic",
    "contact_tiers": "illustrative",
    "contract_sensitivity": "illustrative",
    "contact_sweep": "illustrative",
    "contract_sweep": "illustrative",
}

#: The synthetic dataset the matched comparison uses unless the user passes a data file.
_MATCHED_DEFAULT_DATA = "synthetic_jdl_cohort"


def default_status(name: str, parameters: Mapping[str, Any] | None = None) -> str | None:
    """The status of report ``name`` run with ``parameters`` (None for an unknown report).

    The matched comparison is synthetic on its built-in cohort and real individual-level data when
    the user passes a data file (its ``data`` parameter names a CSV or another dataset).
    """
    parameters = parameters or {}
    if name == "matched_comparison":
        data = parameters.get("data", _MATCHED_DEFAULT_DATA)
        if isinstance(data, str) and data and data != _MATCHED_DEFAULT_DATA:
            return "real"
    return REPORT_STATUS.get(name)


def label(status: str | None) -> str:
    """'Published figures', ... or 'Data status not stated'."""
    return STATUSES[status][0] if status in STATUSES else "Not stated"


def explanation(status: str | None) -> str:
    return STATUSES[status][1] if status in STATUSES else ""
