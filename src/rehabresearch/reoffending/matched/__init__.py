"""Matched comparison in the Justice Data Lab (JDL) style: propensity score, nearest-neighbour
matching on its logit, balance, common support and the effect on the treated.

The JDL compares the people a service worked with (the treatment group) with a comparison group
matched on a propensity score, and reports the one-year proven reoffending rate, frequency and time
to first reoffence with 95% confidence intervals, significance tests and a plain-English statement
(Ministry of Justice, Justice Data Lab methodology; see ``docs/reoffending-matching.md``). The
sources we hold do not publish the caliper, replacement or weighting rules, so those are parameters
with defaults from the methods literature (caliper 0.2 standard deviations of the logit of the score,
Austin 2011, Pharmaceutical Statistics 10:150-161).

Algorithm, in order (:func:`matched_comparison` runs all of it; one module per job):

1. :func:`fit_propensity` (``propensity``) — logistic regression of treatment on the named covariates by Newton's
   method (iteratively reweighted least squares) on standardised columns, fully vectorised: each
   iteration is two matrix products over the n x (p+1) design, so 1.1 million rows x 10 covariates
   fits in about a second.
2. :func:`match` (``nearest``) — nearest-neighbour matching on the logit of the score, 1:k, within a caliper, with
   or without replacement, optionally exactly within strata. Strata are handled by shifting each
   stratum's logits into its own band of the number line, far enough apart that the nearest
   neighbour is always in the same stratum when one exists (a cross-stratum nearest neighbour means
   the stratum has no control left, and the treated person is left unmatched). Controls are sorted
   once (O(n log n)); every treated person finds its neighbours with a binary search
   (``np.searchsorted``). With replacement, each treated person takes the ``k`` nearest of the ``2k``
   controls around its insertion point. Without replacement, matching runs in vectorised rounds of a
   parallel greedy scheme: every unmatched treated person proposes to a control near it (treated
   people falling in the same gap between available controls are spread outwards over successive
   controls in order of closeness, so ties and crowds do not all chase one control); each control
   accepts its closest proposer (exact ties broken by a seeded random priority); the accepted
   controls are removed and the rest propose again. A treated person whose nearest available control
   is outside the caliper (or in another stratum) stops: controls only ever get further away. Each
   round costs one linear pass over the available controls plus O(m log n) for the m people still
   waiting, and matches at least one person, so it terminates; in practice the rounds are few (5
   for 100,000 treated x 1,000,000 controls; reported as ``MatchResult.rounds``), so the whole is
   O(n log n) dominated by the sort. For ``k > 1`` the scheme is repeated ``k`` times, each pass
   giving every treated person matched in the previous pass one more control (as MatchIt does).
3. :func:`balance_table` and :func:`common_support` (``balance``) — standardised mean differences before and after matching (denominator:
   the pooled standard deviation before matching, so the change reflects means only; Austin 2009,
   Statistics in Medicine 28:3083) and variance ratios.
4. :func:`estimate_effect` (``effects``) — effect on the matched treated: treated mean minus the weighted mean of
   their matched controls (each treated person's controls weigh 1/k_i). The variance treats the two
   groups as independent given the matched sample, with the Kish effective size for the weighted
   controls; it ignores the uncertainty of the estimated score and the pairing (usually
   conservative for ATT; Austin and Small 2014, Statistics in Medicine 33:1242). Binary outcomes
   also get Wilson intervals per group and a Newcombe hybrid score interval for the difference
   (:mod:`rehabresearch.reoffending.intervals`).
5. :func:`jdl_statement` (``wording``) — the plain-English sentence in the JDL form; ``wording`` also
   holds the reader's tables, ``figures`` the Love plot and the recovery chart.

Inputs are loaded and checked in ``inputs``, covariates (a list or a formula) turned into the model's
design in ``design``; ``comparison`` holds the entry point; ``suppression`` the disclosure rule of
the report and ``page`` its sentences about the data and its headline numbers. The extra parts of the
report (the Justice Data Lab form, sensitivity to hidden bias, the robustness table, survival after
matching) have their methods in ``jdl``, ``jdl_figures``, ``power``, ``sensitivity``,
``sensitivity_text``, ``estimators``, ``variance`` and ``survival``, assembled from a finished
comparison by ``extras``.
"""

from .balance import SMD_THRESHOLD, balance_table, common_support
from .comparison import MatchedComparison, matched_comparison, prepare_data
from .effects import estimate_effect
from .figures import love_plot, recovery_plot
from .inputs import (
    JDL_MINIMUM_GROUP,
    MatchingError,
    NoOverlapError,
    check_columns,
    handle_duplicates,
    load_data,
    numeric_columns,
    treatment_indicator,
)
from .nearest import DEFAULT_CALIPER_SD, MatchResult, match, unmatched
from .design import Design, build_design, design_label, infer_types
from .page import data_caveat, data_source, headline_results, outcome_findings
from .propensity import PropensityConvergenceError, PropensityFit, SeparationError, fit_logit, fit_propensity
from .suppression import effect_suppression, recoverable_counts, suppression_table, withheld_statement
from .wording import (
    balance_display,
    covariate_label,
    design_notes,
    effects_display,
    jdl_statement,
    matching_rules,
    minimum_group_flag,
    outcome_wording,
    recovery_statement,
    recovery_table,
    reference_note,
    suppression_note,
    support_statement,
)

__all__ = [
    "DEFAULT_CALIPER_SD", "JDL_MINIMUM_GROUP", "SMD_THRESHOLD", "MatchResult", "MatchedComparison", "MatchingError",
    "NoOverlapError", "PropensityFit", "balance_display", "balance_table", "check_columns", "common_support",
    "covariate_label", "effects_display", "estimate_effect", "fit_propensity", "jdl_statement", "load_data",
    "love_plot", "match", "matched_comparison", "matching_rules", "minimum_group_flag", "numeric_columns",
    "outcome_wording", "recovery_plot", "recovery_statement", "recovery_table", "support_statement",
    "treatment_indicator", "unmatched", "Design", "build_design", "design_label", "infer_types",
    "PropensityConvergenceError", "SeparationError", "fit_logit", "handle_duplicates", "design_notes",
    "effect_suppression", "recoverable_counts", "suppression_table", "withheld_statement", "suppression_note",
    "reference_note", "prepare_data", "data_caveat", "data_source", "headline_results", "outcome_findings",
]
