"""The ``rehabresearch`` command: list and run notebooks, manage data, tier a caseload file."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path

from . import catalog, jobs, runner


def _cmd_list(args) -> int:
    for info in runner.discover():
        external = f"  (needs external data: {', '.join(info.external)})" if info.external else ""
        print(f"{info.name}: {info.title}{external}")
        if info.summary:
            print(f"    {info.summary}")
        print(f"    profiles: {', '.join(info.profiles) or 'none'}")
        for p in info.parameters.values():
            comment = f"  # {p.comment}" if p.comment else ""
            print(f"    {p.name} = {p.default!r}{comment}")
    return 0


def _cmd_run(args) -> int:
    overrides = {name: runner.TypedText(value) for name, value in (args.param or [])}
    results = runner.run(
        args.notebooks or None, args.profile, params_file=args.params_file, overrides=overrides or None,
        timeout=args.timeout, jobs=args.jobs, allow_large=args.allow_large,
    )
    return 1 if any(r.status == "failed" for r in results) else 0


def _cmd_kernel(args) -> int:
    print(f"Installed the Jupyter kernel '{runner.KERNEL_NAME}' in {runner.install_kernel()}")
    return 0


def _cmd_index(args) -> int:
    print(f"Index written to {runner.build_index()}")
    return 0


# -- sweep: a grid of contact or contract runs as tasks (docs/scale-out.md) ------------------------

def _cmd_sweep(args) -> int:
    import time

    from .scale import SchedulerError, describe
    from .sweeps import load_spec, resume_hint, run_sweep

    scheduler = f"local:{args.workers}" if args.workers else args.scheduler
    out = Path(args.out).resolve() if args.out else None  # --out is taken from the current folder
    spec = load_spec(Path(args.spec), kind=args.kind, output=out)  # every check before anything runs
    if args.fresh and spec.cache.is_dir():
        import shutil

        shutil.rmtree(spec.cache)
    total = len(spec.tasks)
    print(f"Sweep {spec.name!r}: {total} task(s) {describe(scheduler)}; results and cache in {spec.output}",
          flush=True)
    start = time.perf_counter()

    def progress(done: int, todo: int, task) -> None:
        print(f"  [{done}/{todo}] {time.perf_counter() - start:7.1f} s  {task.label}", flush=True)

    argv = ["sweep", args.kind, args.spec] + (["--out", args.out] if args.out else []) + \
        (["--scheduler", args.scheduler] if args.scheduler != "local" and not args.workers else []) + \
        (["--workers", str(args.workers)] if args.workers else [])
    try:
        outcome = run_sweep(spec, scheduler, progress=progress, connect_timeout=args.connect_timeout,
                            dashboard_address=args.dashboard)
    except SchedulerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C (or SIGTERM): the layer has cancelled the tasks and closed the cluster
        print(f"\ninterrupted: the workers were stopped. {resume_hint(spec, argv)}.", file=sys.stderr)
        return 128 + int(getattr(exc, "signum", 2))
    if outcome.cached:
        print(f"{len(outcome.cached)} task(s) were already finished (read from the cache).")
    if not outcome.ok:
        print(f"error: {len(outcome.failures)} of {total} task(s) failed; the others finished:", file=sys.stderr)
        for failure in outcome.failures:
            print(f"  {failure.label}: {failure.error}", file=sys.stderr)
        print(f"Fix the cause, then resume: {resume_hint(spec, argv)}.", file=sys.stderr)
        return 1
    parquet, csv = outcome.written
    print(f"Done in {outcome.seconds:.1f} s: {len(outcome.frame):,} rows.\nWrote {parquet}\nWrote {csv}")
    print(f"Report: rehabresearch run {'contact_sweep' if spec.kind == 'contact' else 'contract_sweep'} -p results {parquet}")
    return 0


def _add_sweep_parser(sub) -> None:
    p = sub.add_parser("sweep", help="run a YAML grid of contact or contract scenarios as tasks (local or Dask cluster)")
    p.add_argument("kind", choices=("contact", "contracts"), help="which model the grid runs")
    p.add_argument("spec", help="YAML sweep specification (see docs/scale-out.md)")
    p.add_argument("--scheduler", default="local",
                   help="'local' (default: a local Dask cluster, one worker per core), 'local:N', "
                        "a scheduler address such as tcp://10.0.0.5:8786, or '' to run in this process")
    p.add_argument("--workers", type=int, help="shorthand for --scheduler local:N")
    p.add_argument("--out", help="output folder (default: the spec's 'output', else data/processed/sweeps/NAME)")
    p.add_argument("--connect-timeout", type=float, default=10.0, help="seconds to reach a scheduler address")
    p.add_argument("--dashboard", metavar="ADDRESS",
                   help="serve the Dask dashboard of a local cluster, e.g. :8787 (off by default)")
    p.add_argument("--fresh", action="store_true", help="discard cached task results and compute everything again")
    p.set_defaults(func=_cmd_sweep)


def _cmd_data_list(args) -> int:
    if args.markdown:
        print(catalog.markdown_table(), end="")
        return 0
    for name, ds in catalog.datasets().items():
        print(f"{name} [{ds.kind}] {catalog.status(ds)}")
        print(f"    {ds.title}")
        print(f"    source: {ds.source_text()}")
    return 0


def _cmd_data_fetch(args) -> int:
    names = args.names
    if args.all:
        names = [n for n, ds in catalog.datasets().items() if ds.kind == "external"]
    if not names:
        print("name a dataset to fetch, or use --all", file=sys.stderr)
        return 2
    for name in names:
        catalog.fetch(name, force=args.force)
    return 0


def _cmd_tier(args) -> int:
    from .contact.batch import tier_file

    version = args.version if args.version == "auto" else int(args.version)
    source, target = input_file(args.input, "IN"), output_file(args.output, "OUT")
    print(f"Reading {source}")
    summary = tier_file(source, target, version=version, encoding=args.encoding)
    print(summary)
    return 0


def input_file(given: str, label: str = "IN") -> Path:
    """A user's input file, relative to the current folder, resolved; a folder or absent file is a one-line error."""
    path = Path(given).expanduser().resolve()
    if path.is_dir():
        raise IsADirectoryError(f"{label} {path} is a folder; give a file")
    if not path.is_file():
        raise FileNotFoundError(f"{label}: no file at {path}")
    return path


def output_file(given: str, label: str = "OUT") -> Path:
    """A user's output file, relative to the current folder, resolved; checked writable before any work."""
    path = Path(given).expanduser().resolve()
    if path.is_dir():
        raise IsADirectoryError(f"{label} {path} is a folder; give a file name, e.g. {path / 'tiered.csv'}")
    if path.parent.is_dir():  # a missing folder is made when the file is written
        try:
            jobs.check_writable(path.parent)
        except PermissionError:
            raise PermissionError(f"{label}: cannot write to the folder {path.parent}") from None
    return path


def _os_error(exc: OSError) -> str:
    """An operating-system error as one line: what happened and to which path."""
    if exc.filename is None or not exc.strerror:
        return str(exc)
    return f"{exc.strerror}: {exc.filename}" + (f" -> {exc.filename2}" if exc.filename2 else "")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rehabresearch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help="list notebooks, their parameters and profiles")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("run", help="execute notebooks and render their HTML reports")
    p.add_argument("notebooks", nargs="*", help="notebook names (default: all)")
    p.add_argument("--profile", default="published", help="parameter profile: published (default) or quick")
    p.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help="override one parameter (YAML value), e.g. -p caliper 0.1")
    p.add_argument("-f", "--params-file", help="YAML file of parameter overrides")
    p.add_argument("--timeout", type=int, default=runner.DEFAULT_TIMEOUT, help="seconds allowed per cell")
    p.add_argument("--jobs", type=int, default=1, help="notebooks run at once")
    p.add_argument("--allow-large", action="store_true",
                   help="run even when the work is estimated to outrun --timeout or the memory (refused otherwise)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("kernel", help="install the project's Jupyter kernel into this environment")
    p.set_defaults(func=_cmd_kernel)

    p = sub.add_parser("index", help="rebuild reports/index.html from the existing run records")
    p.set_defaults(func=_cmd_index)

    _add_sweep_parser(sub)

    data = sub.add_parser("data", help="the data catalog").add_subparsers(dest="data_command", required=True)
    p = data.add_parser("list", help="list datasets and whether each is present")
    p.add_argument("--markdown", action="store_true", help="print the catalog as the data log's Markdown table")
    p.set_defaults(func=_cmd_data_list)
    p = data.add_parser("fetch", help="download external datasets (or copy from the mirror) and verify sha256")
    p.add_argument("names", nargs="*")
    p.add_argument("--all", action="store_true", help="every external dataset")
    p.add_argument("--force", action="store_true", help="fetch again even if present")
    p.set_defaults(func=_cmd_data_fetch)

    p = sub.add_parser("tier", help="add probation tiers to a CSV of people (columns as in the tiering docs)")
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--version", choices=("2", "3", "auto"), default="2",
                   help="tiering model version: 2 (default), 3, or auto (each row's model_version column)")
    p.add_argument("--encoding", default="utf-8", help="text encoding of INPUT (default utf-8; e.g. cp1252, latin-1)")
    p.set_defaults(func=_cmd_tier)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    jobs.install_sigterm_handler()  # SIGTERM cleans up (staging, temporary files) as Ctrl-C does
    try:
        return args.func(args)
    except jobs.Interrupted as exc:
        print(f"\n{exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        print("\ninterrupted", file=sys.stderr)
        return 128 + int(getattr(exc, "signum", signal.SIGINT))
    except (runner.RunnerError, catalog.CatalogError, catalog.ChecksumError, ValueError) as exc:
        print(f"error: {exc.args[0] if isinstance(exc, KeyError) and exc.args else exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {_os_error(exc)}", file=sys.stderr)
        return 2
    finally:
        logging.disable(logging.NOTSET)  # an interrupt silences library logs on the way out
        try:
            signal.signal(signal.SIGTERM, previous[0])
            signal.signal(signal.SIGINT, previous[1])
        except (ValueError, TypeError):  # not the main thread, or no Python-level previous handler
            pass


if __name__ == "__main__":
    sys.exit(main())
