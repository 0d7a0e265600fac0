"""Scale out: run many independent library calls as tasks, in-process or on ``dask.distributed``.

:func:`run_tasks` runs a list of :class:`Task` (a key and keyword arguments for one
function) in-process (the default), on a local Dask cluster (``"local"`` or
``"local:N"``), or on a running cluster given by its scheduler address
(``"tcp://host:8786"``); results come back to the caller in task order, whatever
the order in which they finished. Tasks carry their own seeds, so the numbers
do not depend on where they ran. See ``docs/scale-out.md``.
"""

from .cluster import SchedulerError, connect, describe, parse_scheduler
from .engine import Task, TaskFailed, run_tasks

__all__ = ["SchedulerError", "Task", "TaskFailed", "connect", "describe", "parse_scheduler", "run_tasks"]
