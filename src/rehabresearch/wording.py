"""One way to put an estimate, its interval and its p-value into words, for every report.

The strength of evidence is read from the p-value *as printed* (see
:func:`rehabresearch.formatting.displayed_p`), so two results printed with the same p-value always
get the same words, and the bands do not overlap:

=================  ==========================================
printed p          words
=================  ==========================================
below 0.001        very strong evidence of a difference
0.001 to 0.009     strong evidence of a difference
0.010 to 0.049     evidence of a difference
0.050 to 0.099     weak evidence of a difference
0.10 and above     no clear evidence of a difference
=================  ==========================================

Without a p-value the words come from the interval: one that excludes "no difference" is
"evidence of a difference", one that includes it is "no clear evidence of a difference". With
both, they must agree at the 95% level (a 95% interval excluding the null with p >= 0.05, or the
reverse, is refused: the two numbers come from different tests and the page would contradict
itself). The wording follows the American Statistical Association's statement on p-values
(Wasserstein and Lazar 2016): graded language, never "significant" or "proves".
"""

from __future__ import annotations

import re

from . import formatting as fmt

__all__ = ["BANDS", "describe", "direction", "evidence_words", "precision_problems", "significant_figures"]

#: (upper limit of printed p, words): the first band whose limit the printed p is below.
BANDS = (
    (0.001, "very strong evidence of a difference"),
    (0.01, "strong evidence of a difference"),
    (0.05, "evidence of a difference"),
    (0.10, "weak evidence of a difference"),
    (float("inf"), "no clear evidence of a difference"),
)


def evidence_words(p: float) -> str:
    """Words for the strength of evidence carried by ``p`` (chosen from the p-value as printed)."""
    shown = fmt.displayed_p(p)
    if not 0 <= shown <= 1:
        raise ValueError(f"a p-value lies between 0 and 1, got {p!r}")
    for limit, words in BANDS:
        if shown < limit:
            return words
    raise AssertionError("unreachable")  # pragma: no cover


def direction(estimate: float, null: float = 0.0, *, lower: str = "lower", higher: str = "higher") -> str:
    """'lower', 'higher' or 'no different' as the estimate compares with ``null``."""
    if estimate < null:
        return lower
    if estimate > null:
        return higher
    return "no different"


def describe(
    estimate: float,
    lo: float,
    hi: float,
    p: float | None = None,
    *,
    kind: str = "pp",
    level: float = 0.95,
    null: float | None = None,
    dp: int | None = None,
) -> str:
    """An estimate with its interval, p-value and the strength of evidence, in one phrase.

    ``kind`` names the quantity (see :data:`rehabresearch.formatting.KINDS`); ``null`` is the value
    meaning "no difference" (1 for ratios, else 0). Example::

        describe(-0.031, -0.058, -0.004, 0.024)
        '-3.1 percentage points (95% CI -5.8 to -0.4 percentage points; p = 0.024): evidence of a difference'
    """
    render = fmt.format_value_function(kind, dp)
    for name, value in (("estimate", estimate), ("lower limit", lo), ("upper limit", hi)):
        fmt._number(value, f"describe: {name}")
    if lo > hi:
        raise ValueError(f"describe: the lower limit {lo!r} is above the upper limit {hi!r}")
    if not lo <= estimate <= hi:
        raise ValueError(f"describe: the estimate {estimate!r} lies outside its interval {lo!r} to {hi!r}")
    if null is None:
        null = 1.0 if kind == "ratio" else 0.0
    excludes = not lo <= null <= hi
    interval = f"{100 * level:g}% CI {_bare(render, lo, kind)} to {render(hi)}"
    if p is None:
        words = "evidence of a difference" if excludes else "no clear evidence of a difference"
        return f"{render(estimate)} ({interval}): {words}"
    words = evidence_words(p)
    if abs(level - 0.95) < 1e-9:
        # Allow for rounding at the boundary: only a clear disagreement is refused.
        significant = fmt.displayed_p(p) < 0.05
        touching = min(abs(lo - null), abs(hi - null)) <= 1e-9 * max(1.0, abs(null))
        if significant != excludes and not touching and not 0.045 <= p <= 0.055:
            raise ValueError(
                f"describe: the 95% interval {lo!r} to {hi!r} {'excludes' if excludes else 'includes'} {null} "
                f"but p = {p!r}; the interval and p-value come from different tests, so the words would contradict"
            )
    return f"{render(estimate)} ({interval}; {fmt.p_value(p)}): {words}"


def _bare(render, value: float, kind: str) -> str:
    """The lower limit without a repeated unit word ('-5.8 to -0.4 percentage points')."""
    text = render(value)
    for unit in (" percentage points", " days", " day"):
        if text.endswith(unit):
            return text[: -len(unit)]
    return text


_APPROXIMATE = re.compile(
    r"\b(?:about|around|approximately|roughly|nearly|almost|some|circa|just over|just under)\s+"
    r"(£?)(\d[\d,]*(?:\.\d+)?)\s*(%|m\b|bn\b|k\b)?", re.IGNORECASE)


def significant_figures(number: str) -> int:
    """Significant figures of a printed number: '1,700' -> 2, '166' -> 3, '66.7' -> 3, '0.050' -> 2."""
    digits = number.replace(",", "")
    if "." in digits:
        whole, frac = digits.split(".", 1)
        stripped = (whole + frac).lstrip("0")
        return len(stripped) if whole.strip("0") else len(frac.lstrip("0"))
    return len(digits.strip("0")) or 1


def precision_problems(text: str, most: int = 2) -> list[str]:
    """'About' statements printed with false precision: 'about £1,041,667' or 'approximately 66.7%'
    (more than ``most`` significant figures). Round with :func:`rehabresearch.formatting.about`."""
    return [f"'{m.group(0).strip()}' states an approximate figure to {significant_figures(m.group(2))} significant "
            f"figures" for m in _APPROXIMATE.finditer(text) if significant_figures(m.group(2)) > most]
