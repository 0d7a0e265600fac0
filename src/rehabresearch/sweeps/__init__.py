"""Sweeps as data: a YAML grid of contact or contract parameters, run as tasks, written as tidy Parquet + CSV.

See :mod:`.spec` for the YAML format, :mod:`.tasks` for what one task computes and how its
seed follows from its parameters, :mod:`.run` for caching and resuming, and
:mod:`.summary` for the tables the sweep report shows.
"""

from .output import read as read_results
from .run import SweepOutcome, resume_hint, run_sweep
from .spec import SweepSpec, SweepSpecError, load_spec, parse_spec

__all__ = ["SweepOutcome", "SweepSpec", "SweepSpecError", "load_spec", "parse_spec", "read_results", "resume_hint",
           "run_sweep"]
