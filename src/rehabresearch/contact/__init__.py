"""Contact-frequency tiers: how people on probation are tiered, and what contact costs in officer time.

Modules:

- ``tiering``: the Probation Service's version-2 (protect A-D x change 0-3) and version-3 (A-G)
  tier calculators, vectorised over a DataFrame of people; bad codes/scores -> ``TieringError``.
- ``ogrs3``: the Offender Group Reconviction Scale v3 (one- and two-year probabilities, band).
- ``workload``: Workload Measurement Tool points by tier and case type, available points,
  capacity % and officers needed; time per contact by type (illustrative).
- ``batch``: tier a CSV file (used by the ``rehabresearch tier`` command).
- contact policies and the caseload microsimulation live in their own modules beside these.
- the report's presentation: ``figures``, ``wording`` and ``sections``.
"""
