"""Plain-English sentences for the sensitivity analysis and the robustness table (numbers come from
:mod:`.sensitivity` and :mod:`.estimators`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["benchmark_sentence", "e_value_sentence", "robustness_sentence", "rosenbaum_sentence"]


def _x(value: float) -> str:
    if not np.isfinite(value):
        return "an unlimited factor"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _pct(level: float) -> str:
    return f"{100 * level:g}%"


def e_value_sentence(result: Mapping, *, treatment: str = "the service", outcome: str = "reoffending") -> str:
    """The E-value in words (``result`` from :func:`.sensitivity.e_value`)."""
    text = (f"To explain away the estimated risk ratio of {result['risk ratio']:.2f}, an unmeasured factor would need to "
            f"be associated with both {treatment} and {outcome} by a risk ratio of at least {_x(result['e-value'])} "
            "each, over and above the characteristics the groups were matched on; a weaker factor could not do so.")
    ci = result.get("e-value for interval")
    if ci is not None:
        if ci <= 1.0:
            text += " The confidence interval already includes no difference, so no unmeasured factor is needed to make it do so."
        else:
            text += (f" To move the confidence interval to include no difference, a factor with risk ratios of "
                     f"{_x(ci)} each would suffice.")
    return text


def rosenbaum_sentence(result: Mapping, *, treatment: str = "the service", note: str | None = None) -> str:
    """The critical Γ in words (``result`` from a Rosenbaum-bounds function)."""
    crit = result["critical gamma"]
    level = _pct(result["level"])
    if crit <= 1.0:
        text = (f"Even with no hidden bias the matched-pair test is not significant at the {level} confidence level, "
                "so there is no result for hidden bias to explain away.")
    elif not np.isfinite(crit):
        text = ("The result stays significant however strongly an unmeasured factor affected who received "
                f"{treatment} (beyond the range tested).")
    else:
        text = (f"The result stays statistically significant (at the {level} confidence level) unless an unmeasured "
                f"factor made one member of a matched pair up to {_x(crit)} times as likely as the other to receive "
                f"{treatment} (Rosenbaum's Γ = {_x(crit)}), and that factor also almost perfectly predicted the outcome.")
    if note:
        text += " " + note
    return text


def benchmark_sentence(e_result: Mapping, benchmarks: pd.DataFrame) -> str:
    """Compare the E-value with the strongest observed covariate (``benchmarks`` from
    :func:`.sensitivity.covariate_benchmarks`)."""
    if benchmarks.empty:
        return "No observed characteristic varied enough to serve as a benchmark."
    top = benchmarks.iloc[0]
    e = e_result["e-value"]
    comparison = "more strongly than" if e > top["as e-value"] else "no more strongly than"
    return (f"Before matching, {top['label']} was associated with receiving the service by a risk ratio of "
            f"{_x(top['risk ratio with treatment'])} and with the outcome by {_x(top['risk ratio with outcome'])}, "
            f"as strong together as a factor with risk ratios of {_x(top['as e-value'])} with each. An unmeasured factor "
            f"would need to be associated with both {comparison} {top['label']} is to explain the estimate away "
            f"(it would need risk ratios of {_x(e)}).")


def robustness_sentence(agree: Mapping, *, level: float = 0.95) -> str:
    """Whether the other estimators agree with the matched estimate (``agree`` from
    :func:`.estimators.agreement`)."""
    pct = _pct(level)
    if agree["agree"]:
        return (f"The other estimators agree with the matched comparison: each gives an effect in the same direction, "
                f"and each {pct} confidence interval contains the matched estimate.")
    names = ", ".join(n[0].lower() + n[1:] for n in agree["disagreeing"])
    what = [] if agree["same sign"] else ["an effect in the other direction"]
    if not agree["intervals contain matched estimate"]:
        what.append(f"a {pct} confidence interval that excludes the matched estimate")
    return (f"The estimators do not all agree: {names} gave {' and '.join(what)}. The result depends on how the "
            "comparison is made, and should be read with that caution.")
