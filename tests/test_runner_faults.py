"""Faults a user meets while running reports (issue 10, sections 3 and 4): interrupts, batches, permissions.

The signal tests drive the real command in a subprocess on a throw-away project (REHABRESEARCH_ROOT)
with notebooks that sleep, and send Ctrl-C (SIGINT) or SIGTERM once work is under way.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from test_runner import GOOD, _notebook, project  # noqa: F401 - the shared project fixture

from rehabresearch import catalog, cli, jobs, paths, runner

SLOW = GOOD.replace("report.save()", "import time\ntime.sleep(120)\nreport.save()")
EXE = Path(sys.executable).parent / "rehabresearch"
CASES = Path(__file__).parent / "contact" / "data" / "tier_cases.csv"


# -- helpers -------------------------------------------------------------------------------

def _hidden(reports: Path) -> list[str]:
    return sorted(p.name for p in reports.iterdir() if p.name.startswith(".")) if reports.is_dir() else []


def _processes_with_root(root: Path) -> list[int]:
    """Processes (kernels, workers) whose environment points at this throw-away project."""
    needle = f"REHABRESEARCH_ROOT={root}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


class _Command:
    """The CLI in a subprocess, its output collected line by line."""

    def __init__(self, root: Path, *args: str):
        self.root = root
        env = dict(os.environ, REHABRESEARCH_ROOT=str(root), PYTHONUNBUFFERED="1")
        env.pop(paths.MIRROR_ENV, None)
        # its own process group, like a command started from a terminal (Ctrl-C signals the whole group)
        self.proc = subprocess.Popen([str(EXE), *args], cwd=root, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, condition, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.proc.kill()
                raise AssertionError(f"gave up waiting; output so far:\n{self.output}")
            time.sleep(0.2)

    def finish(self, timeout: float) -> tuple[int, float]:
        t0 = time.monotonic()
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError(f"did not stop within {timeout} s; output:\n{self.output}") from None
        self._reader.join(timeout=5)
        return code, time.monotonic() - t0


@pytest.fixture
def cli_project(tmp_path):
    """A project root holding fixture notebooks; the catalog is the real one (read only)."""
    if not EXE.is_file():
        pytest.skip("the rehabresearch console script is not installed")
    root = tmp_path / "proj"
    (root / "notebooks" / "params").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "data" / "catalog").symlink_to(paths.CATALOG_DIR)
    nbformat.write(_notebook(GOOD), root / "notebooks" / "a_good.ipynb")
    for name in ("b_slow", "c_slow", "d_slow"):
        nbformat.write(_notebook(SLOW), root / "notebooks" / f"{name}.ipynb")
    return root


# -- interrupts ------------------------------------------------------------------------------

@pytest.mark.notebook
def test_ctrl_c_stops_a_parallel_run_promptly_and_cleanly(cli_project):
    reports = cli_project / "reports"
    run = _Command(cli_project, "run", "--jobs", "2")
    run.wait_for(lambda: "a_good: done" in run.output and "c_slow: started" in run.output)
    run.wait_for(lambda: any(".c_slow.staging-" in n for n in _hidden(reports)))
    time.sleep(1.0)
    os.killpg(run.proc.pid, signal.SIGINT)  # Ctrl-C at a terminal: the command and its workers all get it
    code, took = run.finish(timeout=30)
    out = run.output
    assert code == 130, out
    assert out.rstrip().endswith("interrupted: 1 of 4 reports done, index updated"), out
    assert "Traceback" not in out and "KeyboardInterrupt" not in out
    assert took < 20, f"took {took:.1f} s to stop"
    assert not (reports / "d_slow").exists(), "nothing may start after Ctrl-C"
    assert not (reports / "b_slow").exists() and not (reports / "c_slow").exists()
    assert _hidden(reports) == [], "staging folders must be removed"
    index = (reports / "index.html").read_text()
    assert "a_good/index.html" in index, "the index must show the report that finished"
    deadline = time.monotonic() + 10
    while _processes_with_root(cli_project) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _processes_with_root(cli_project) == [], "workers and kernels must stop"


@pytest.mark.notebook
def test_sigterm_removes_staging_and_keeps_the_previous_report(cli_project):
    reports = cli_project / "reports"
    (reports / "b_slow").mkdir(parents=True)
    (reports / "b_slow" / "index.html").write_text("previous report")
    (reports / ".b_slow.staging-999999999-abc").mkdir()  # left by a process that no longer exists
    run = _Command(cli_project, "run", "b_slow")
    run.wait_for(lambda: any(".b_slow.staging-" in n and "999999999" not in n for n in _hidden(reports)))
    assert not (reports / ".b_slow.staging-999999999-abc").exists(), "stale staging is removed at the start"
    time.sleep(2.0)
    run.proc.send_signal(signal.SIGTERM)
    code, took = run.finish(timeout=30)
    assert code == 143, run.output
    assert "interrupted: 0 of 1 reports done, index updated" in run.output and "Traceback" not in run.output
    assert _hidden(reports) == []
    assert (reports / "b_slow" / "index.html").read_text() == "previous report"
    assert (reports / "index.html").is_file()


def test_stale_staging_of_a_dead_process_is_removed(tmp_path):
    (tmp_path / ".x.staging-999999999-abc").mkdir()
    (tmp_path / f".x.staging-{os.getpid()}-abc").mkdir()
    (tmp_path / ".x.old-999999999").mkdir()
    old_style = tmp_path / ".x.ab12cd34"
    old_style.mkdir()
    os.utime(old_style, (time.time() - 7200, time.time() - 7200))
    removed = jobs.remove_stale_staging(tmp_path, ["x"])
    assert sorted(p.name for p in removed) == [".x.ab12cd34", ".x.old-999999999", ".x.staging-999999999-abc"]
    assert _hidden(tmp_path) == [f".x.staging-{os.getpid()}-abc"], "a live process's staging is kept"


def test_index_is_rebuilt_after_each_report_and_on_interrupt(project, monkeypatch):  # noqa: F811
    nbformat.write(_notebook(GOOD), paths.NOTEBOOKS_DIR / "second.ipynb")
    real = runner.run_notebook
    seen_in_index = []

    def fake(info, *args, **kwargs):
        index = paths.REPORTS_DIR / "index.html"
        seen_in_index.append(index.read_text() if index.is_file() else "")
        if info.name == "second":
            raise KeyboardInterrupt  # Ctrl-C while the second report runs
        return real(info, *args, **kwargs)

    monkeypatch.setattr(runner, "run_notebook", fake)
    with pytest.raises(jobs.Interrupted) as stopped:
        runner.run(["good", "second"], progress=lambda *_: None)
    assert (stopped.value.done, stopped.value.total) == (1, 2)
    assert str(stopped.value) == "interrupted: 1 of 2 reports done, index updated"
    assert "good/index.html" in seen_in_index[1], "the index was rebuilt when the first report finished"
    record = json.loads((paths.REPORTS_DIR / "good" / "run.json").read_text())
    from rehabresearch.page import readable_time

    assert readable_time(record["started"]) in (paths.REPORTS_DIR / "index.html").read_text()


# -- batches -----------------------------------------------------------------------------------

def test_a_corrupt_mirror_file_fails_only_the_report_that_needs_it(project, monkeypatch, tmp_path, capsys):  # noqa: F811
    nb = _notebook(GOOD)
    nb.metadata["rehabresearch"]["external"] = ["compas_two_year"]
    nbformat.write(nb, paths.NOTEBOOKS_DIR / "a_needs_data.ipynb")
    mirror = tmp_path / "mirror"
    ds = catalog.get("compas_two_year")
    (mirror / ds.mirror_path).parent.mkdir(parents=True)
    (mirror / ds.mirror_path).write_text("id,name\n1,corrupt\n")
    monkeypatch.setenv(paths.MIRROR_ENV, str(mirror))
    monkeypatch.setattr(paths, "EXTERNAL_DIR", tmp_path / "external")
    (paths.REPORTS_DIR / "a_needs_data").mkdir(parents=True)
    (paths.REPORTS_DIR / "a_needs_data" / "index.html").write_text("previous report")
    assert cli.main(["run", "a_needs_data", "good"]) == 1
    out = capsys.readouterr().out
    assert "a_needs_data: FAILED" in out and "sha256" in out and "Failed: a_needs_data" in out
    assert "good: done" in out
    assert (paths.REPORTS_DIR / "good" / "results.json").is_file(), "the rest of the batch runs"
    assert (paths.REPORTS_DIR / "a_needs_data" / "index.html").read_text() == "previous report"
    assert "good/index.html" in (paths.REPORTS_DIR / "index.html").read_text()
    assert not (tmp_path / "external" / ds.file).exists() if ds.file else True


def test_report_files_follow_the_umask(project):  # noqa: F811
    old = os.umask(0o022)
    try:
        (result,) = runner.run(["good"], "quick", progress=lambda *_: None)
    finally:
        os.umask(old)
    assert result.status == "ok", result.error
    assert stat.S_IMODE(result.out_dir.stat().st_mode) == 0o755
    for name in ("index.html", "run.json", "results.json", "good.ipynb"):
        assert stat.S_IMODE((result.out_dir / name).stat().st_mode) == 0o644, name
    assert stat.S_IMODE((paths.REPORTS_DIR / "index.html").stat().st_mode) == 0o644


# -- operating-system errors -------------------------------------------------------------------

def test_reports_folder_not_writable_is_one_line_before_any_notebook_runs(project, monkeypatch, capsys):  # noqa: F811
    started = []
    monkeypatch.setattr(runner, "run_notebook", lambda *a, **k: started.append(a))
    reports = paths.REPORTS_DIR
    reports.mkdir()
    if os.geteuid() == 0:  # root ignores permission bits: make the folder refuse new entries as a read-only mount does
        import tempfile

        def read_only(*args, **kwargs):
            raise OSError(30, "Read-only file system", str(reports))

        monkeypatch.setattr(tempfile, "mkdtemp", read_only)
    else:
        reports.chmod(0o555)
    try:
        assert cli.main(["run", "good"]) == 2
    finally:
        reports.chmod(0o755)
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot write reports to {reports}: ") and err.count("\n") == 1
    assert not started


def test_reports_path_that_is_a_file_is_one_line(project, monkeypatch, capsys):  # noqa: F811
    paths.REPORTS_DIR.write_text("not a folder")
    assert cli.main(["run", "good"]) == 2
    err = capsys.readouterr().err
    assert "is a file, not a folder" in err and err.count("\n") == 1


def _cases_file(folder: Path) -> Path:
    src = folder / "people.csv"
    df = pd.read_csv(CASES, dtype=str, keep_default_na=False)
    df[df.model_version == "v2"].to_csv(src, index=False)
    return src


def test_tier_in_or_out_a_folder_is_one_line(tmp_path, capsys):
    src = _cases_file(tmp_path)
    assert cli.main(["tier", str(tmp_path), str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert err == f"error: IN {tmp_path} is a folder; give a file\n"
    assert cli.main(["tier", str(src), str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: OUT {tmp_path} is a folder; give a file name") and err.count("\n") == 1


def test_tier_relative_paths_are_resolved_and_printed(tmp_path, monkeypatch, capsys):
    _cases_file(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["tier", "people.csv", "out.csv"]) == 0
    out = capsys.readouterr().out
    assert f"Reading {tmp_path / 'people.csv'}" in out and f"Wrote {tmp_path / 'out.csv'}" in out


def test_tier_interrupted_while_writing_leaves_no_temporary_file(tmp_path, monkeypatch, capsys):
    src = _cases_file(tmp_path)
    import pyarrow.csv as pacsv

    def half_then_sigterm(table, out, *args, **kwargs):
        out.write(b"half written")
        jobs.raise_terminated(signal.SIGTERM, None)

    monkeypatch.setattr(pacsv, "write_csv", half_then_sigterm)  # the tier writer goes through Arrow
    assert cli.main(["tier", str(src), str(tmp_path / "out.csv")]) == 143
    monkeypatch.undo()
    assert "interrupted" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["people.csv"], "no output and no temporary file"


def test_tier_out_in_a_folder_that_cannot_be_written_is_one_line(tmp_path, monkeypatch, capsys):
    src = _cases_file(tmp_path)

    def refuse(folder):
        raise PermissionError(f"cannot write reports to {folder}: Read-only file system")

    monkeypatch.setattr(jobs, "check_writable", refuse)
    assert cli.main(["tier", str(src), str(tmp_path / "o.csv")]) == 2
    assert capsys.readouterr().err == f"error: OUT: cannot write to the folder {tmp_path}\n"


def test_sigterm_handler_is_restored_after_the_command(tmp_path):
    before = signal.getsignal(signal.SIGTERM)
    cli.main(["tier", str(tmp_path), str(tmp_path / "o.csv")])
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_present_file_failing_its_checksum_fails_only_its_report(project, monkeypatch, tmp_path, capsys):  # noqa: F811
    nb = _notebook(GOOD)
    name = "compas_two_year"
    nb.metadata["rehabresearch"]["external"] = [name]
    nbformat.write(nb, paths.NOTEBOOKS_DIR / "a_needs_data.ipynb")
    monkeypatch.delenv(paths.MIRROR_ENV, raising=False)
    monkeypatch.setattr(paths, "EXTERNAL_DIR", tmp_path / "external")
    target = catalog.get(name).path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("not the published file\n")
    results = runner.run(["a_needs_data", "good"], progress=print)
    assert [r.status for r in results] == ["failed", "ok"]
    assert f"fetch it again with: rehabresearch data fetch {name} --force" in results[0].error
    assert not (paths.REPORTS_DIR / "a_needs_data").exists(), "no failure page replaces anything for an input fault"


_ABANDONED_CELL = """
import asyncio, os, signal, sys
from jupyter_core.utils import run_sync
from nbclient.exceptions import DeadKernelError
from rehabresearch import jobs

async def cell():  # a cell's task: the kernel it waits on dies after the interrupt
    asyncio.get_running_loop().call_later(0.05, os.kill, os.getpid(), signal.SIGTERM)
    await asyncio.sleep(0.3)
    raise DeadKernelError("Kernel died")

async def cleanup():  # the kernel clean-up that runs the loop again after the interrupt
    await asyncio.sleep(0.6)

def on_term(signum, frame):
    raise jobs.Terminated()

signal.signal(signal.SIGTERM, on_term)
try:
    run_sync(cell)()
except KeyboardInterrupt:
    run_sync(cleanup)()
    if sys.argv[1] == "quiet":
        jobs.quiet_abandoned_tasks()
print("interrupted", flush=True)
"""


@pytest.mark.parametrize("quiet", [True, False])
def test_a_cell_abandoned_by_an_interrupt_prints_no_traceback_at_exit(quiet):
    """The order that made SIGTERM print ``DeadKernelError`` tracebacks: the interrupt leaves the cell's
    task pending, the clean-up runs the loop on, the task ends with an error no one reads, and asyncio
    reports it when the task is collected at exit. Without the fix the traceback shows (the control)."""
    done = subprocess.run([sys.executable, "-c", _ABANDONED_CELL, "quiet" if quiet else "plain"],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout == "interrupted\n", done.stderr
    if quiet:
        assert done.stderr == ""
    else:
        assert "Task exception was never retrieved" in done.stderr and "DeadKernelError" in done.stderr


def test_quieting_abandoned_tasks_passes_other_loop_errors_on():
    import asyncio

    loop = asyncio.new_event_loop()
    seen = []
    loop.set_exception_handler(lambda loop, context: seen.append(context["message"]))
    try:
        asyncio.set_event_loop(loop)
        jobs.quiet_abandoned_tasks()
        jobs.quiet_abandoned_tasks()  # a second interrupt does not wrap the handler twice
        loop.call_exception_handler({"message": "Task exception was never retrieved"})
        loop.call_exception_handler({"message": "Task was destroyed but it is pending!"})
        loop.call_exception_handler({"message": "Unclosed socket"})
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    assert seen == ["Unclosed socket"]
