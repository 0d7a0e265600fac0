"""Run the notebooks: execute with papermill, render HTML for reviewers, record the run, rebuild the index.

Each run of ``notebooks/<name>.ipynb`` writes ``reports/<name>/``: the executed
notebook, ``index.html`` (code hidden, figures embedded, no network needed),
``results.json`` (the headline numbers the notebook saved) and ``run.json`` (git
commit, parameters, package versions, input sha256s, timings, status). Work is
staged in a temporary folder and swapped in whole; a failed run replaces the old
report with a failure page, so a stale good report is never shown as current.
A run that cannot start (a bad parameter value, work too large, an input that
cannot be had, ``reports/`` not writable) is refused before any kernel starts and
keeps the old report. See ``docs/running-reports.md``.
"""

from __future__ import annotations

import ast
import html
import io as _io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tokenize
from dataclasses import dataclass, field
from datetime import datetime, UTC
from importlib import metadata
from pathlib import Path
from typing import Any
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import nbformat
import yaml

from . import catalog, jobs as _jobs, page, parameters as _params, paths, yamlio
from . import status as status_mod
from .io import write_json, write_text
from .reporting import RESULTS_ENV

KERNEL_NAME = "rehabresearch"
DEFAULT_TIMEOUT = 600
TEMPLATES_DIR = Path(__file__).parent / "templates"
_PACKAGES = (
    "rehabresearch", "numpy", "pandas", "scipy", "statsmodels", "matplotlib", "lifelines",
    "papermill", "nbconvert", "nbformat", "ipykernel", "pyyaml",
)


class RunnerError(RuntimeError):
    """A notebook cannot be run as asked (unknown notebook, parameter or profile; missing kernel)."""


@dataclass
class Parameter:
    name: str
    default: Any
    comment: str = ""

    @property
    def rule(self) -> _params.Rule:
        """What values this parameter accepts (type of the default, ``{...}`` rule in the comment, path or not)."""
        return _params.rule_of(self.name, self.default, self.comment)


@dataclass
class NotebookInfo:
    name: str
    path: Path
    title: str
    summary: str
    external: list[str]
    parameters: dict[str, Parameter]
    profiles: list[str]

    def missing_data(self) -> list[catalog.Dataset]:
        """External datasets this notebook needs that are not present."""
        return [catalog.get(n) for n in self.external if not catalog.get(n).is_present()]


@dataclass
class RunResult:
    name: str
    status: str  # "ok", "failed" or "data absent"
    out_dir: Path
    duration: float = 0.0
    error: str | None = None
    record: dict = field(default_factory=dict)


# -- discovery -----------------------------------------------------------------

def parameters_of(nb: nbformat.NotebookNode, where: str = "notebook") -> dict[str, Parameter]:
    """The literal assignments of the cell tagged ``parameters``, with their trailing comments."""
    cells = [c for c in nb.cells if c.cell_type == "code" and "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise RunnerError(f"{where}: needs exactly one code cell tagged 'parameters' (found {len(cells)})")
    source = cells[0].source
    comments = {}
    for tok in tokenize.generate_tokens(_io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("# ").strip()
    params = {}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            raise RunnerError(f"{where}: the parameters cell may hold only 'name = literal' lines (line {node.lineno})")
        try:
            value = ast.literal_eval(node.value)
        except ValueError as exc:
            raise RunnerError(f"{where}: parameter {node.targets[0].id!r} is not a literal (line {node.lineno})") from exc
        params[node.targets[0].id] = Parameter(node.targets[0].id, value, comments.get(node.lineno, ""))
        _params.rule_of(node.targets[0].id, value, comments.get(node.lineno, ""), where)  # a bad {rule} fails here
    return params


def notebook_info(path: Path) -> NotebookInfo:
    nb = nbformat.read(path, as_version=4)
    meta = nb.metadata.get("rehabresearch", {})
    name = path.stem
    profile_dir = paths.PARAMS_DIR / name
    profiles = sorted(p.stem for p in profile_dir.glob("*.yaml")) if profile_dir.is_dir() else []
    return NotebookInfo(
        name=name,
        path=path,
        title=meta.get("title", name.replace("_", " ").capitalize()),
        summary=meta.get("summary", ""),
        external=list(meta.get("external", [])),
        parameters=parameters_of(nb, where=str(path)),
        profiles=profiles,
    )


def discover() -> list[NotebookInfo]:
    """Every notebook in ``notebooks/``, in name order; a notebook that cannot be read is a RunnerError."""
    infos = []
    for path in sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")):
        try:
            infos.append(notebook_info(path))
        except (nbformat.reader.NotJSONError, nbformat.ValidationError, SyntaxError) as exc:
            raise RunnerError(f"{path}: cannot be read as a notebook ({exc})") from exc
    return infos


def find(name: str) -> NotebookInfo:
    stem = Path(name).stem
    path = paths.NOTEBOOKS_DIR / f"{stem}.ipynb"
    if not path.is_file():
        known = ", ".join(p.stem for p in sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")))
        raise RunnerError(f"no notebook called {stem!r}; known: {known}")
    return notebook_info(path)


# -- parameters --------------------------------------------------------------------

def resolve_parameters(
    info: NotebookInfo,
    profile: str = "published",
    params_file: str | os.PathLike | None = None,
    overrides: dict[str, Any] | None = None,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """Defaults from the parameters cell, then the profile, then ``params_file``, then ``overrides``.

    Every value is checked against its declaration (see :mod:`rehabresearch.parameters`) before
    anything runs, so a bad value fails here with one line and no report is touched. Relative paths
    given by the user (``params_file`` and ``overrides``) are taken from the current working
    directory; each such resolution is appended to ``notes`` as 'name: given -> resolved'.
    """
    values = {k: p.default for k, p in info.parameters.items()}
    layers = []
    profile_path = paths.PARAMS_DIR / info.name / f"{profile}.yaml"
    if profile_path.is_file():
        layers.append((str(profile_path), _read_yaml(profile_path), False))
    elif profile != "published":
        raise RunnerError(f"{info.name}: no profile {profile!r} (have: {', '.join(info.profiles) or 'none'})")
    if params_file:
        layers.append((str(params_file), _read_yaml(Path(params_file)), True))
        if notes is not None and not Path(params_file).is_absolute():
            notes.append(f"-f: {params_file} -> {Path(params_file).resolve()}")
    if overrides:
        layers.append(("-p", overrides, True))
    cwd = Path.cwd()
    for origin, layer, from_user in layers:
        unknown = sorted(set(layer) - set(values))
        if unknown:
            raise RunnerError(
                f"{info.name}: unknown parameter(s) {unknown} in {origin}; the notebook's parameters are: "
                + ", ".join(values)
            )
        for name, value in layer.items():
            rule = info.parameters[name].rule
            if isinstance(value, TypedText):  # as typed after -p: text for a text parameter, else YAML
                value = str(value) if isinstance(rule.default, str) else parse_value(value)
            value = _params.check(rule, value, origin, info.name)
            if from_user:
                try:
                    value, resolved = _params.resolve_paths(rule, value, cwd, paths.PROJECT_ROOT)
                except _params.ParameterError as exc:
                    raise _params.ParameterError(f"{info.name}: {exc} (from {origin})") from None
                if notes is not None:
                    notes.extend(resolved)
            values[name] = value
    return values


def _read_yaml(path: Path) -> dict:
    if not path.exists():
        raise RunnerError(f"no parameter file at {path}")
    data = yamlio.load_file(path, loader=yamlio.ParameterLoader) or {}
    if not isinstance(data, dict):
        raise RunnerError(f"{path}: a parameter file must be a mapping of name: value")
    return data


class TypedText(str):
    """A ``-p NAME VALUE`` value exactly as typed: kept as text for a parameter whose default is text
    (so ``-p service 42`` or ``-p check_cohort_start 2013-04-01`` stay text), else read by :func:`parse_value`."""


def parse_value(text: str) -> Any:
    """A ``-p NAME VALUE`` value: YAML scalars and lists (``0.2``, ``2e-1``, ``true``, ``[a, b]``), else the string.

    Scientific notation is a number (YAML 1.2); a date such as ``2013-04-01`` stays text.
    """
    try:
        return yaml.load(text, Loader=yamlio.ParameterLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        return text


# -- size ----------------------------------------------------------------------------------

#: Notebooks whose cost can be estimated from their parameters before they run ("module:function",
#: the function taking the resolved parameters and returning a ``contact.cost.Estimate``).
SIZE_ESTIMATORS = {"contact_tiers": "rehabresearch.contact.cost:estimate_contact_tiers"}
#: Share of the memory available now that one run may plan to use.
MEMORY_SHARE = 0.8


def available_memory() -> int | None:
    """Bytes of memory available now (MemAvailable on Linux), or None when unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_size(info: NotebookInfo, parameters: dict[str, Any], timeout: int = DEFAULT_TIMEOUT,
               memory: int | None = None) -> None:
    """Refuse up front (RunnerError with the estimate) work that would outrun ``timeout`` or the memory."""
    spec = SIZE_ESTIMATORS.get(info.name)
    if spec is None:
        return
    import importlib

    module, _, func = spec.partition(":")
    estimate = getattr(importlib.import_module(module), func)(parameters)
    memory = available_memory() if memory is None else memory
    reasons = []
    if estimate.seconds > timeout:
        reasons.append(f"longer than the {timeout} s allowed per cell (--timeout)")
    if memory is not None and estimate.peak_bytes > MEMORY_SHARE * memory:
        reasons.append(f"more memory than the {memory / 2**30:.1f} GB available")
    if reasons:
        raise RunnerError(
            f"{info.name}: refused before starting: this would take {estimate.describe()}, "
            f"{' and '.join(reasons)}. For work at this scale use 'rehabresearch sweep', "
            f"or pass --allow-large to run it here anyway"
        )


# -- run records -----------------------------------------------------------------------

def git_state() -> dict[str, Any]:
    """The commit and whether the work tree has uncommitted changes ('unknown' outside git)."""
    def _git(*args):
        return subprocess.run(["git", *args], cwd=paths.PROJECT_ROOT, capture_output=True, text=True, timeout=20)

    try:
        head = _git("rev-parse", "HEAD")
        if head.returncode != 0:
            return {"commit": "unknown", "dirty": None}
        dirty = _git("status", "--porcelain", "--untracked-files=no")
        return {"commit": head.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "dirty": None}


def package_versions() -> dict[str, str]:
    versions = {"python": sys.version.split()[0]}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


#: The kernel's own log, on the terminal, only for CRITICAL. Shutting a kernel down always interrupts it
#: first (jupyter_client), and a kernel still finishing its last reply then logs, at ERROR, "KeyboardInterrupt
#: caught in kernel" after a run that went well. Errors in cells reach the run record through the notebook.
KERNEL_LOG_ARG = "--IPKernelApp.log_level=CRITICAL"


def _kernel_spec_file() -> Path | None:
    from jupyter_client.kernelspec import KernelSpecManager

    folder = KernelSpecManager().find_kernel_specs().get(KERNEL_NAME)
    return Path(folder) / "kernel.json" if folder else None


def install_kernel() -> Path:
    """Install the project's Jupyter kernel into this environment (quiet: kernel log off below CRITICAL)."""
    from ipykernel.kernelspec import install

    folder = Path(install(kernel_name=KERNEL_NAME, display_name="Python (rehabresearch)", prefix=sys.prefix))
    spec_file = folder / "kernel.json"
    spec = json.loads(spec_file.read_text())
    spec["argv"] = [a for a in spec["argv"] if not a.startswith("--IPKernelApp.log_level=")] + [KERNEL_LOG_ARG]
    write_json(spec_file, spec)
    return folder


def check_kernel() -> None:
    """The project's kernel must be installed; one installed in this environment by an older version is updated."""
    spec_file = _kernel_spec_file()
    if spec_file is None:
        raise RunnerError(
            f"the Jupyter kernel {KERNEL_NAME!r} is not installed in this environment; run 'make setup' "
            f"(or: rehabresearch kernel)"
        )
    try:
        current = KERNEL_LOG_ARG in json.loads(spec_file.read_text()).get("argv", [])
    except (OSError, ValueError):
        current = True  # not ours to judge; the kernel start will say what is wrong
    if not current and spec_file.resolve().is_relative_to(Path(sys.prefix).resolve()):
        install_kernel()


# -- execution ---------------------------------------------------------------------------

def _prepare_inputs(info: NotebookInfo, progress: Callable[[str], None]) -> None:
    """Copy absent (or checksum-failing) external inputs from the local mirror, if one is configured.

    Never uses the network. A corrupt mirror file raises :class:`catalog.ChecksumError` and nothing
    is kept; a present file whose sha256 is wrong raises too, naming the command that fetches it again.
    """
    mirror = catalog.mirror_dir()
    for name in info.external:
        ds = catalog.get(name)
        in_mirror = mirror is not None and ds.mirror_path and (mirror / ds.mirror_path).is_file()
        if not ds.is_present():
            if in_mirror:
                catalog.fetch(name, progress=progress)
        elif catalog.status(ds) != "present":
            if in_mirror:
                catalog.fetch(name, force=True, progress=progress)
            else:
                raise catalog.ChecksumError(
                    f"{name}: {ds.path} fails its sha256 check; fetch it again with: {ds.fetch_command} --force"
                )


def run_notebook(
    info: NotebookInfo,
    profile: str = "published",
    *,
    params_file: str | os.PathLike | None = None,
    overrides: dict[str, Any] | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    reports_dir: Path | None = None,
    progress: Callable[[str], None] = print,
    cell_progress: bool = False,
    parameters: dict[str, Any] | None = None,
) -> RunResult:
    """Execute one notebook and publish ``reports/<name>/``; never raises for a notebook error.

    ``parameters`` are the already resolved values (else they are resolved here from ``profile``,
    ``params_file`` and ``overrides``). An input that cannot be had (a corrupt mirror file) fails this
    report only, keeping its previous report. ``cell_progress`` shows a per-cell progress bar (for long
    notebooks run one at a time). Ctrl-C or SIGTERM removes the staging folder and publishes nothing.
    """
    reports_dir = reports_dir or paths.REPORTS_DIR
    out_dir = reports_dir / info.name
    if parameters is None:
        parameters = resolve_parameters(info, profile, params_file, overrides)
    try:
        _prepare_inputs(info, progress)
    except (catalog.CatalogError, catalog.DataNotAvailable, catalog.ChecksumError, OSError) as exc:
        error = f"input data could not be had: {exc}".replace("\n", " ")
        progress(f"{info.name}: FAILED before running (previous report kept)\n    {error}")
        return RunResult(info.name, "failed", out_dir, error=error)
    missing = info.missing_data()
    if missing:
        commands = "; ".join(ds.fetch_command for ds in missing)
        progress(f"{info.name}: skipped, external data absent (fetch with: {commands})")
        return RunResult(info.name, "data absent", out_dir, error=f"external data absent; fetch with: {commands}")

    reports_dir.mkdir(parents=True, exist_ok=True)
    staging = _jobs.make_staging(reports_dir, info.name)
    try:
        return _execute(info, profile, parameters, staging, out_dir, timeout, progress, cell_progress)
    finally:
        if staging.exists():  # failed before publishing, or interrupted: nothing half-built stays
            shutil.rmtree(staging, ignore_errors=True)


#: Longest Unix socket path Linux accepts is 107 bytes; the kernel's sockets are ``<folder>/k-<n>``.
_SOCKET_PATH_MAX = 100


@contextmanager
def kernel_options() -> Iterator[dict[str, Any]]:
    """Keyword arguments for ``papermill.execute_notebook`` that make the kernel talk over Unix sockets.

    The sockets live in a fresh private folder (``rr-kernel-*`` in the temporary folder, short enough
    for Unix socket paths), removed on the way out. With TCP the client picks five free ports, closes
    them and the kernel binds them later; any process that opens a port in between (another report's
    kernel, a Dask cluster, any connection) makes the kernel die at start with "Address already in
    use". A private folder has no such race, and nothing else can connect.
    """
    import tempfile

    from traitlets.config import Config

    folder = Path(tempfile.mkdtemp(prefix="rr-kernel-"))
    if len(str(folder)) + len("/k-99") > _SOCKET_PATH_MAX:  # a long TMPDIR: fall back to /tmp
        shutil.rmtree(folder, ignore_errors=True)
        folder = Path(tempfile.mkdtemp(prefix="rr-kernel-", dir="/tmp"))
    try:
        yield {"config": Config({"KernelManager": {"transport": "ipc", "ip": str(folder / "k")}})}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _execute(info, profile, parameters, staging, out_dir, timeout, progress, cell_progress) -> RunResult:
    import papermill as pm

    executed = staging / f"{info.name}.ipynb"
    results_path = staging / "results.json"
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    status, error = "ok", None
    old_env = os.environ.get(RESULTS_ENV)
    os.environ[RESULTS_ENV] = str(results_path)
    try:
        with kernel_options() as kernel:
            pm.execute_notebook(
                str(info.path), str(executed), parameters=parameters, kernel_name=KERNEL_NAME,
                cwd=str(paths.PROJECT_ROOT), execution_timeout=timeout, progress_bar=cell_progress,
                log_output=False, report_mode=False, **kernel,
            )
        if not results_path.is_file():
            status, error = "failed", "the notebook finished without saving its results (call report.save() last)"
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the cell's tasks are abandoned; asyncio must not print them
        _jobs.quiet_abandoned_tasks()
        raise
    except pm.PapermillExecutionError as exc:
        status = "failed"
        error = f"cell {exc.cell_index} (execution count {exc.exec_count}) raised {exc.ename}: {exc.evalue}"
    except Exception as exc:  # kernel death, timeout, bad notebook: all are a failed run
        status, error = "failed", f"{type(exc).__name__}: {exc}"
    finally:
        if old_env is None:
            os.environ.pop(RESULTS_ENV, None)
        else:
            os.environ[RESULTS_ENV] = old_env
    duration = time.perf_counter() - t0

    results = json.loads(results_path.read_text()) if results_path.is_file() else {}
    inputs = results.get("inputs", {})
    record = {
        "notebook": info.name,
        "title": info.title,
        "summary": info.summary,
        "profile": profile,
        "parameters": parameters,
        "status": status,
        "error": error,
        "started": started.isoformat(timespec="seconds"),
        "duration_seconds": round(duration, 2),
        "git": git_state(),
        "packages": package_versions(),
        "inputs": inputs,
        "disclosure": results.get("disclosure"),  # threshold used, and who lowered it if it was lowered
        "datasets": {n: catalog.source_of(n) for n in inputs if n in catalog.datasets()},
        "notebook_file": executed.name,
    }
    write_json(staging / "run.json", record)
    try:
        render_html(executed if executed.is_file() else info.path, staging / "index.html", record)
    except Exception as exc:
        if status == "ok":
            status, error = "failed", f"rendering HTML failed: {type(exc).__name__}: {exc}"
            record.update(status=status, error=error)
            write_json(staging / "run.json", record)
        write_text(staging / "index.html", _failure_page(record))
    _publish(staging, out_dir)
    verb = "done" if status == "ok" else "FAILED"
    progress(f"{info.name}: {verb} in {duration:.1f} s -> {out_dir / 'index.html'}" + (f"\n    {error}" if error else ""))
    return RunResult(info.name, status, out_dir, duration, error, record)


def _publish(staging: Path, out_dir: Path) -> None:
    """Swap the staged report in for the old one (rename is atomic; the old one is removed after).

    Ctrl-C and SIGTERM are held back during the two renames, so an interrupt never leaves the
    report missing or half swapped.
    """
    old = None
    with _jobs.signals_deferred():
        if out_dir.exists():
            old = _jobs.old_name(out_dir)
            os.replace(out_dir, old)
        os.replace(staging, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def render_html(notebook_path: Path, target: Path, record: dict, results: dict | None = None) -> None:
    """Render the executed notebook for a reviewer: code hidden, figures embedded, no network scripts.

    The page opens with the title, the key findings, the data status and a contents list, and
    closes with one "Methods and caveats" section, a glossary of the terms it uses and "About this
    report" (citation, data licences, code version, run time, downloads). ``results`` is the
    notebook's ``results.json`` (read from beside ``target`` when not given).
    """
    from nbconvert import HTMLExporter

    if results is None:
        beside = target.parent / "results.json"
        results = json.loads(beside.read_text(encoding="utf-8")) if beside.is_file() else {}
    nb = nbformat.read(notebook_path, as_version=4)
    hidden = {"injected-parameters", "parameters", "papermill-error-cell-tag"}
    nb.cells = [c for c in nb.cells if not hidden & set(c.get("metadata", {}).get("tags", []))]
    failed_at = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                      and any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
    if failed_at is not None:  # stop the page where the run stopped; the banner names the error
        nb.cells = nb.cells[:failed_at] + [nbformat.v4.new_markdown_cell(
            "**The report stopped here.** A calculation failed (the error is named at the top of the page), "
            "so nothing below this point was produced. Fix the input or parameter and run the report again."
        )]
    title, closing_markdown = page.split_notebook(nb)
    page.drop_outputless_code(nb)
    exporter = HTMLExporter(
        template_name="rehab", extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True, embed_images=True,
    )
    run_status = record["status"]
    data_status = results.get("status")
    if not results.get("status_stated"):
        data_status = status_mod.default_status(record["notebook"], record.get("parameters")) or data_status
    title = title or record["title"]
    resources = {
        "metadata": {"name": title},
        "rehab_css": (TEMPLATES_DIR / "house.css").read_text(encoding="utf-8"),
        "rehab": {
            "title": title,
            "status": run_status,
            "status_class": "ok" if run_status == "ok" else "failed",
            "profile": record["profile"],
            "started": page.readable_time(record["started"]),
            "error": record["error"],
            "key_html": page.key_findings_html(results.get("key_findings", [])),
            "status_html": page.status_html(data_status) + page.threshold_html(results.get("disclosure")),
            "closing_html": page.closing_html(closing_markdown, results.get("methods", []),
                                              results.get("caveats", [])),
            "about_html": page.about_html(record, title, results.get("tables", []), data_status,
                                          has_results=(target.parent / "results.json").is_file()),
        },
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    write_text(target, page.finish(body))


def _failure_page(record: dict) -> str:
    title = html.escape(record["title"])
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title} (failed)</title>"
        f"<style>{(TEMPLATES_DIR / 'house.css').read_text()}</style></head><body><main>"
        f"<header class='rr-top rr-status-failed'><p class='rr-meta'><a href='../index.html'>&larr; All reports</a>"
        f" &middot; run {html.escape(page.readable_time(record.get('started')))}</p>"
        f"<h1 class='rr-title'>{title}</h1><p>Status: <strong>failed</strong></p>"
        f"<p class='rr-error'>{html.escape(record['error'] or '')}</p></header></main></body></html>"
    )


def _run_one(info: NotebookInfo, profile: str, parameters: dict[str, Any], timeout: int,
             reports_dir: Path) -> RunResult:
    """Worker-process entry point: progress lines go straight to this process's stdout."""
    print(f"{info.name}: started", flush=True)
    return run_notebook(info, profile, parameters=parameters, timeout=timeout, reports_dir=reports_dir,
                        progress=lambda line: print(line, flush=True))


def run(
    names: list[str] | None = None,
    profile: str = "published",
    *,
    params_file: str | os.PathLike | None = None,
    overrides: dict[str, Any] | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    jobs: int = 1,
    progress: Callable[[str], None] = print,
    reports_dir: Path | None = None,
    allow_large: bool = False,
) -> list[RunResult]:
    """Run the named notebooks (all if none), ``jobs`` at a time, rebuilding ``reports/index.html`` as each ends.

    Everything that can be checked is checked before any kernel starts: the notebooks, every
    parameter value against its declaration, the size of the work (refused with an estimate unless
    ``allow_large``) and that ``reports/`` can be written. A report whose input cannot be had fails
    alone; the rest of the batch runs. Ctrl-C or SIGTERM stops the run promptly, removes staging,
    rebuilds the index and raises :class:`jobs.Interrupted` (a KeyboardInterrupt) saying how far it got.
    """
    check_kernel()
    workers = jobs
    reports_dir = reports_dir or paths.REPORTS_DIR
    infos = [find(n) for n in names] if names else discover()
    if (params_file or overrides) and len(infos) > 1:
        raise RunnerError("parameter overrides (-p/-f) apply to one notebook at a time; name the notebook")
    notes: list[str] = []
    resolved = {i.name: resolve_parameters(i, profile, params_file, overrides, notes) for i in infos}
    for note in notes:
        progress(note)
    if not allow_large:
        for info in infos:
            check_size(info, resolved[info.name], timeout)
    try:
        _jobs.check_writable(reports_dir)
    except OSError as exc:
        raise RunnerError(str(exc)) from None
    _jobs.remove_stale_staging(reports_dir, [i.name for i in discover()])
    results: list[RunResult] = []

    def finished(result: RunResult) -> None:
        results.append(result)
        build_index(reports_dir)

    progress(f"Running {len(infos)} notebook(s), profile '{profile}', {workers} at a time")
    try:
        if workers <= 1 or len(infos) <= 1:
            for k, info in enumerate(infos, 1):
                progress(f"[{k}/{len(infos)}] {info.name} ...")
                finished(run_notebook(info, profile, parameters=resolved[info.name], timeout=timeout,
                                      reports_dir=reports_dir, progress=progress,
                                      cell_progress=sys.stdout.isatty()))
        else:
            def on_result(name, result):
                finished(result)
                progress(f"[{len(results)}/{len(infos)}] finished")

            def on_error(name, message):
                finished(RunResult(name, "failed", reports_dir / name, error=message))
                progress(f"{name}: FAILED\n    {message}")

            _jobs.run_parallel(
                [(i.name, _run_one, (i, profile, resolved[i.name], timeout, reports_dir)) for i in infos],
                workers, on_result, on_error,
            )
    except KeyboardInterrupt as exc:
        build_index(reports_dir)
        signum = getattr(exc, "signum", signal.SIGINT)
        raise _jobs.Interrupted(len(results), len(infos), signum, results) from None
    index = reports_dir / "index.html"
    if not infos:
        index = build_index(reports_dir)
    ok = sum(r.status == "ok" for r in results)
    failed = [r.name for r in results if r.status == "failed"]
    absent = [r.name for r in results if r.status == "data absent"]
    progress(f"{ok} ok, {len(failed)} failed, {len(absent)} skipped for absent data. Index: {index}")
    if failed:
        progress("Failed: " + ", ".join(failed))
    return results


# -- index --------------------------------------------------------------------------------

def _data_cell(names: list[str], titles: dict[str, str], status: str | None = None) -> str:
    """Dataset titles for the index: listed when few, folded when many; a simulation that read no
    dataset says it ran on a synthetic cohort."""
    if not names:
        if status in ("synthetic", "illustrative", None):
            return "synthetic cohort (illustrative)"
        return "no catalogued dataset"
    items = "".join(f"<li>{html.escape(titles.get(n, n))}</li>" for n in names)
    if len(names) <= 3:
        return f"<ul>{items}</ul>"
    return f"<details><summary>{len(names)} datasets</summary><ul>{items}</ul></details>"


def _report_status(info: NotebookInfo, record: dict | None, results: dict) -> str | None:
    """The data status of a report's latest run (stated by the notebook, else the library's)."""
    if results.get("status_stated") and results.get("status"):
        return results["status"]
    parameters = (record or {}).get("parameters") or {k: p.default for k, p in info.parameters.items()}
    return status_mod.default_status(info.name, parameters) or results.get("status")


def build_index(reports_dir: Path | None = None) -> Path:
    """Write ``reports/index.html``: every notebook with its latest run's status, parameters, data and links."""
    reports_dir = reports_dir or paths.REPORTS_DIR
    reports_dir.mkdir(parents=True, exist_ok=True)
    entries = catalog.datasets()
    titles = {n: ds.title for n, ds in entries.items()}
    rows = []
    for info in discover():
        run_json = reports_dir / info.name / "run.json"
        record = json.loads(run_json.read_text()) if run_json.is_file() else None
        results_json = reports_dir / info.name / "results.json"
        results = json.loads(results_json.read_text()) if results_json.is_file() else {}
        data_status = _report_status(info, record, results)
        status_cell = (f"<span class='rr-data-status rr-data-{html.escape(data_status or 'unknown')}'>"
                       f"{html.escape(status_mod.label(data_status))}</span>")
        lowered = page.threshold_notice_text(results.get("disclosure"))
        if lowered:
            status_cell += f"<br><strong class='rr-lowered'>{html.escape(lowered)}</strong>"
        missing = info.missing_data()
        fetch = "<br>".join(f"<code>{html.escape(ds.fetch_command)}</code>" for ds in missing)
        title = html.escape(info.title)
        summary = f"<br><small>{html.escape(info.summary)}</small>" if info.summary else ""
        if record:
            ok = record["status"] == "ok"
            key = (results.get("key_findings") or [""])[0] if ok else ""
            first = f"<br><small class='rr-first-finding'>{html.escape(key)}</small>" if key else ""
            report = f"<a href='{info.name}/index.html'>{title}</a>{first}"
            status = f"<span class='status-{'ok' if ok else 'failed'}'>{html.escape(record['status'])}</span>"
            if record.get("error"):
                status += f"<br><span class='rr-error'>{html.escape(record['error'])}</span>"
            changed = [f"{k} = {json.dumps(v)}" for k, v in record["parameters"].items()
                       if k not in info.parameters or info.parameters[k].default != v]
            run = (f"<span class='rr-when'>{html.escape(page.readable_time(record['started']))}</span>"
                   f"<br><small>profile {html.escape(record['profile'])}, {record['duration_seconds']:.1f} s</small>")
            if changed:
                run += (f"<br><small>{len(changed)} setting{'s' if len(changed) > 1 else ''} changed from the "
                        f"defaults (listed in the run record)</small>")
            data = _data_cell(list(record["inputs"]), titles, data_status)
            links = [f"<a href='{info.name}/run.json'>run record</a>"]
            if ok:
                links = [f"<a href='{info.name}/results.json'>headline numbers</a>", *links,
                         f"<a href='{info.name}/{info.name}.ipynb'>executed notebook</a>"]
            files = "<br>".join(links)
        else:
            report, run, files = f"{title}{summary}", "", ""
            if missing:
                status = f"<span class='status-absent'>data absent</span><br>fetch with:<br>{fetch}"
            else:
                status = "<span class='status-notrun'>not run</span>"
            data = _data_cell(info.external, titles, data_status)
        if record and missing:
            status += f"<br><span class='status-absent'>data now absent</span>; fetch with:<br>{fetch}"
        rows.append(f"<tr><td>{report}</td><td>{status_cell}</td><td>{status}</td><td>{run}</td><td>{data}</td>"
                    f"<td>{files}</td></tr>")
    markup = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>rehabresearch reports</title>
<style>{(TEMPLATES_DIR / 'house.css').read_text(encoding='utf-8')}</style></head>
<body><main class="rr-index">
<h1>rehabresearch reports</h1>
<p>Reproducible analyses of probation reform in England and Wales. Each report was generated by
running a notebook on recorded data and parameters; select a title to read it. Synthetic and
illustrative inputs are labelled in each report, and every table and figure names its source.</p>
<table class="rr-table rr-index-table"><caption>Reports, their latest run and the data they used</caption>
<thead><tr><th>Report and its first key finding</th><th>Data status</th><th>Run status</th><th>Run</th><th>Data used</th>
<th>Files</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</main></body></html>
"""
    return write_text(reports_dir / "index.html", markup)
