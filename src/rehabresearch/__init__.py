"""rehabresearch: reproducible analyses of probation reform in England and Wales.

Three domains (``reoffending``, ``contact``, ``contracts``) share a data layer
(``catalog``, ``validation``), disclosure control, one plotting style and the
reporting helpers that notebooks use to state their findings.
"""

__version__ = "0.1.0"
