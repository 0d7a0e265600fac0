"""Running reports as jobs: staging folders, parallel worker processes, clean interrupts, file permissions.

* A report is built in a hidden staging folder ``reports/.<name>.staging-<pid>-<random>`` and swapped
  in whole. Staging is removed when a run fails, is interrupted (Ctrl-C) or terminated (SIGTERM);
  staging left by a process that no longer exists (killed outright) is removed by the next run.
* Parallel runs use one worker process per report. Workers ignore Ctrl-C (the terminal sends it
  to every process in the foreground group): the parent decides, stops the workers with SIGTERM,
  and each worker removes its staging and shuts its kernel down on the way out.
* Staging folders and files follow the user's umask (``tempfile`` would make them 0700/0600).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue as _queue
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .io import user_umask

#: How long a stopped worker may take to clean up before it is killed.
STOP_GRACE_SECONDS = 15.0
_STAGING = re.compile(r"^\.(?P<name>.+)\.(?:staging|old)-(?P<pid>\d+)(?:-.*)?$")
#: Staging made before staging names carried a pid (``tempfile.mkdtemp(prefix=".<name>.")``).
_LEGACY = re.compile(r"^\.(?P<name>[A-Za-z0-9_]+)\.[A-Za-z0-9_]{8}$")
_LEGACY_AGE_SECONDS = 3600


class Interrupted(KeyboardInterrupt):
    """A run stopped by Ctrl-C or SIGTERM after ``done`` of ``total`` reports; the index was rebuilt."""

    def __init__(self, done: int, total: int, signum: int = signal.SIGINT, results: Sequence = ()):
        super().__init__(f"interrupted: {done} of {total} reports done, index updated")
        self.done, self.total, self.signum, self.results = done, total, signum, list(results)

    @property
    def exit_code(self) -> int:
        return 128 + int(self.signum)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is so that ``finally`` blocks clean up as for Ctrl-C."""

    signum = signal.SIGTERM


def _kernel_pids() -> list[int]:
    """Child processes of this one that lead their own session: the Jupyter kernels it started."""
    me, found = os.getpid(), []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            pid = int(entry.name)
            if int(fields[1]) == me and os.getsid(pid) == pid:
                found.append(pid)
        except (OSError, ValueError, IndexError):
            continue
    return found


def _stop_quietly() -> None:
    """On the way out: kill this process's kernels at once (a kernel stopped mid-cell prints tracebacks)
    and silence library log messages about the dead kernel; ``finally`` blocks then clean up."""
    import logging

    for pid in _kernel_pids():
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    logging.disable(logging.CRITICAL)


#: What asyncio says, when a task or future it is collecting was never awaited to the end.
_ABANDONED = ("Task exception was never retrieved", "Future exception was never retrieved",
              "Task was destroyed but it is pending")


def quiet_abandoned_tasks() -> None:
    """After an interrupt: let this thread's event loop drop its reports about abandoned tasks.

    The notebook client runs each cell as asyncio tasks on this thread's event loop. An interrupt
    leaves them unfinished; cleaning the kernel up runs the loop again, so they may end later with
    ``DeadKernelError`` that no one will read, and asyncio prints that traceback whenever the task
    is garbage-collected, often at interpreter exit after library logging is back on. The loop's
    exception handler sees those reports whenever they come, so it is the handler that drops them;
    any other report still goes to the handler that was there before.
    """
    import asyncio
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # no loop in this thread: nothing was left on one
        return
    previous = loop.get_exception_handler()
    if getattr(previous, "quiet_abandoned", False):
        return

    def handler(loop, context):
        if str(context.get("message", "")).startswith(_ABANDONED):
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    handler.quiet_abandoned = True
    loop.set_exception_handler(handler)


def raise_terminated(signum, frame) -> None:
    _stop_quietly()
    raise Terminated()


def raise_interrupted(signum, frame) -> None:
    _stop_quietly()
    raise KeyboardInterrupt()


def install_sigterm_handler() -> None:
    """Make SIGTERM raise :class:`Terminated` and Ctrl-C stop kernels quietly (in the main thread only)."""
    try:
        signal.signal(signal.SIGTERM, raise_terminated)
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, raise_interrupted)
    except ValueError:  # not the main thread: signals cannot be handled here
        pass


def make_staging(reports_dir: Path, name: str) -> Path:
    """A new hidden staging folder for report ``name`` with the permissions the umask gives a new folder."""
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.staging-{os.getpid()}-", dir=reports_dir))
    os.chmod(staging, 0o777 & ~user_umask())
    return staging


def old_name(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(reports_dir: Path, names: Sequence[str] = ()) -> list[Path]:
    """Remove staging and swapped-out folders whose process has gone; return what was removed."""
    removed = []
    if not reports_dir.is_dir():
        return removed
    now = time.time()
    for entry in reports_dir.iterdir():
        if not entry.name.startswith(".") or not entry.is_dir():
            continue
        m = _STAGING.match(entry.name)
        stale = m is not None and not _alive(int(m.group("pid")))
        if m is None and names:
            legacy = _LEGACY.match(entry.name)
            stale = bool(legacy and legacy.group("name") in names
                         and now - entry.stat().st_mtime > _LEGACY_AGE_SECONDS)
        if stale:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back for a moment that must not be cut in half (a swap of two folders)."""
    blocked = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def check_writable(folder: Path) -> None:
    """Raise ``OSError`` with a one-line reason unless files can be created in ``folder`` (made if absent)."""
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{folder} is a file, not a folder; reports need a folder there")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(prefix=".write-check-", dir=folder)
        os.rmdir(probe)
    except OSError as exc:
        raise PermissionError(f"cannot write reports to {folder}: {exc.strerror or exc}") from None


# -- worker processes -----------------------------------------------------------------------

def _worker_main(fn: Callable[..., Any], args: tuple, results: Any, key: str) -> None:
    # Ctrl-C goes to the whole foreground process group; the parent decides what happens. A Python
    # handler (not SIG_IGN) so that the kernels this worker starts still get the default.
    signal.signal(signal.SIGINT, lambda *_: None)
    signal.signal(signal.SIGTERM, raise_terminated)
    try:
        results.put((key, "result", fn(*args)))
    except KeyboardInterrupt:  # stopped by the parent: fn's finally blocks have cleaned up
        results.put((key, "stopped", None))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as a failed job
        results.put((key, "error", f"{type(exc).__name__}: {exc}"))


def run_parallel(
    jobs: Sequence[tuple[str, Callable[..., Any], tuple]],
    workers: int,
    on_result: Callable[[str, Any], None],
    on_error: Callable[[str, str], None],
    poll: float = 0.2,
) -> None:
    """Run ``(key, fn, args)`` jobs, ``workers`` at a time, each in its own process.

    ``on_result(key, value)`` and ``on_error(key, message)`` are called in this process as jobs end.
    On KeyboardInterrupt (Ctrl-C or :class:`Terminated`) no new job starts, running workers are
    stopped with SIGTERM (killed after :data:`STOP_GRACE_SECONDS`), results already sent are
    delivered, and the interrupt is raised again.
    """
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    pending = list(jobs)
    running: dict[str, Any] = {}

    def deliver(key, kind, value):
        proc = running.pop(key, None)
        if proc is not None:
            proc.join(timeout=5)
        if kind == "result":
            on_result(key, value)
        elif kind == "error":
            on_error(key, value)

    try:
        while pending or running:
            while pending and len(running) < workers:
                key, fn, args = pending.pop(0)
                proc = ctx.Process(target=_worker_main, args=(fn, args, results, key), name=f"report-{key}")
                proc.start()
                running[key] = proc
            try:
                deliver(*results.get(timeout=poll))
            except _queue.Empty:
                for key, proc in list(running.items()):
                    if proc.exitcode is not None:  # ended without a message: give the pipe a moment
                        try:
                            deliver(*results.get(timeout=1.0))
                        except _queue.Empty:
                            running.pop(key)
                            on_error(key, f"the worker process ended unexpectedly (exit code {proc.exitcode})")
    except KeyboardInterrupt:
        pending.clear()
        for proc in running.values():
            if proc.is_alive():
                proc.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while running and time.monotonic() < deadline:
            try:
                deliver(*results.get(timeout=poll))
            except _queue.Empty:
                for key, proc in list(running.items()):
                    if not proc.is_alive():
                        running.pop(key)
        for proc in running.values():
            proc.kill()
            proc.join(timeout=5)
        raise
    finally:
        results.close()
