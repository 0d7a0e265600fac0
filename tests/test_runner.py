"""The runner: executes notebooks, renders offline HTML, records runs, fails loudly, reproduces results."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from rehabresearch import cli, paths, runner


def _notebook(body: str, params: str = "x = 2  # a number\ndisclosure_threshold = 10") -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "rehabresearch", "display_name": "Python (rehabresearch)", "language": "python"}
    nb.metadata["rehabresearch"] = {"title": "Fixture report", "summary": "A test fixture.", "external": []}
    p = nbformat.v4.new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Fixture"), p, nbformat.v4.new_code_cell(body)]
    return nb


GOOD = """
import matplotlib.pyplot as plt
from rehabresearch.reporting import Report
from rehabresearch import plotting
report = Report("good", threshold=disclosure_threshold)
fig, ax = plotting.figure("Square of x", "x (units)", "x squared (units)")
ax.plot([0, x], [0, x * x])
report.figure(fig)
report.finding(f"x squared is {x * x}.")
report.result("square", x * x, label="x squared")
report.save()
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    nbdir = tmp_path / "notebooks"
    (nbdir / "params" / "good").mkdir(parents=True)
    nbformat.write(_notebook(GOOD), nbdir / "good.ipynb")
    (nbdir / "params" / "good" / "quick.yaml").write_text("x: 3\n")
    (nbdir / "params" / "good" / "published.yaml").write_text("{}\n")
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", nbdir)
    monkeypatch.setattr(paths, "PARAMS_DIR", nbdir / "params")
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path / "reports")
    return tmp_path


def test_parameters_cell_is_read_with_comments(project):
    info = runner.find("good")
    assert info.parameters["x"].default == 2
    assert info.parameters["x"].comment == "a number"
    assert info.profiles == ["published", "quick"]


def test_parameters_cell_must_be_literals(project):
    nbformat.write(_notebook(GOOD, params="x = len([1])"), paths.NOTEBOOKS_DIR / "bad.ipynb")
    with pytest.raises(runner.RunnerError, match="not a literal"):
        runner.find("bad")


def test_successful_run_writes_report_results_record_and_index(project):
    (result,) = runner.run(["good"], "quick", progress=lambda *_: None)
    assert result.status == "ok", result.error
    out = project / "reports" / "good"
    results = json.loads((out / "results.json").read_text())
    assert results["results"]["square"]["value"] == 9
    record = json.loads((out / "run.json").read_text())
    assert record["parameters"]["x"] == 3 and record["profile"] == "quick"
    assert record["status"] == "ok" and record["git"]["commit"]
    assert record["packages"]["pandas"] and record["duration_seconds"] > 0
    assert (out / "good.ipynb").is_file()
    page = (out / "index.html").read_text()
    assert "x squared is 9." in page
    assert "data:image/png;base64" in page, "figures must be embedded"
    assert "report.finding" not in page, "code must be hidden"
    assert not re.search(r"""(src|href)=["']https?://""", page), "the page must not load anything from the network"
    index = (project / "reports" / "index.html").read_text()
    assert "good/index.html" in index and "Fixture report" in index


def test_parameter_override_and_unknown_parameter(project):
    (result,) = runner.run(["good"], "quick", overrides={"x": 5}, progress=lambda *_: None)
    assert json.loads((result.out_dir / "results.json").read_text())["results"]["square"]["value"] == 25
    with pytest.raises(runner.RunnerError, match="unknown parameter"):
        runner.run(["good"], "quick", overrides={"y": 1}, progress=lambda *_: None)


def test_two_runs_give_identical_results(project):
    first = (runner.run(["good"], "quick", progress=lambda *_: None)[0].out_dir / "results.json").read_text()
    second = (runner.run(["good"], "quick", progress=lambda *_: None)[0].out_dir / "results.json").read_text()
    assert first == second


def test_failing_notebook_fails_the_command_and_replaces_the_old_report(project, capsys):
    assert cli.main(["run", "good", "--profile", "quick"]) == 0
    nbformat.write(_notebook(GOOD.replace("report.save()", "raise RuntimeError('boom')")), paths.NOTEBOOKS_DIR / "good.ipynb")
    assert cli.main(["run", "good", "--profile", "quick"]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "RuntimeError" in out and "boom" in out and "cell" in out
    report = project / "reports" / "good"
    record = json.loads((report / "run.json").read_text())
    assert record["status"] == "failed" and "boom" in record["error"]
    assert not (report / "results.json").exists(), "no stale results may survive a failed run"
    page = (report / "index.html").read_text()
    assert "failed" in page and "The report stopped here" in page
    assert "Traceback" not in page and "x squared is" not in page, "nothing after the failing cell is shown"
    assert "status-failed" in (project / "reports" / "index.html").read_text()
    assert not [p for p in (project / "reports").iterdir() if p.name.startswith(".")], "no staging left behind"


def test_notebook_that_never_saves_results_fails(project):
    nbformat.write(_notebook(GOOD.replace("report.save()", "")), paths.NOTEBOOKS_DIR / "good.ipynb")
    (result,) = runner.run(["good"], "quick", progress=lambda *_: None)
    assert result.status == "failed" and "report.save()" in result.error


def test_unknown_notebook_and_profile(project):
    with pytest.raises(runner.RunnerError, match="no notebook called"):
        runner.run(["nope"], progress=lambda *_: None)
    with pytest.raises(runner.RunnerError, match="no profile"):
        runner.run(["good"], "turbo", progress=lambda *_: None)


def test_params_file_and_cli_value_parsing(project, tmp_path):
    f = tmp_path / "mine.yaml"
    f.write_text("x: 4\n")
    (result,) = runner.run(["good"], "published", params_file=f, progress=lambda *_: None)
    assert json.loads((result.out_dir / "results.json").read_text())["results"]["square"]["value"] == 16
    assert runner.parse_value("0.2") == 0.2 and runner.parse_value("[a, b]") == ["a", "b"]
    assert runner.parse_value("true") is True and runner.parse_value("some text") == "some text"


def test_cli_list_shows_parameters_and_profiles(project, capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "good: Fixture report" in out and "profiles: published, quick" in out and "x = 2  # a number" in out


def test_index_lists_a_notebook_whose_external_data_is_absent(project, monkeypatch):
    from rehabresearch import catalog

    nb = _notebook(GOOD)
    nb.metadata["rehabresearch"]["external"] = ["compas_two_year"]
    nbformat.write(nb, paths.NOTEBOOKS_DIR / "needs_data.ipynb")
    monkeypatch.setattr(paths, "EXTERNAL_DIR", project / "nothing-here")
    monkeypatch.delenv(paths.MIRROR_ENV, raising=False)
    (result,) = runner.run(["needs_data"], progress=lambda *_: None)
    assert result.status == "data absent" and "rehabresearch data fetch compas_two_year" in result.error
    index = (project / "reports" / "index.html").read_text()
    assert "data absent" in index and "rehabresearch data fetch compas_two_year" in index
    assert catalog.status(catalog.get("compas_two_year")).startswith("absent")


TRANSPORT = """
import json, os
from ipykernel.kernelapp import IPKernelApp
from rehabresearch.reporting import Report
app = IPKernelApp.instance()
report = Report("transport", threshold=disclosure_threshold)
report.result("transport", app.transport, label="kernel transport")
report.result("socket_folder", os.path.dirname(app.ip), label="kernel socket folder")
report.save()
"""


def test_kernels_use_private_unix_sockets_not_tcp_ports(project):
    """A TCP port chosen by the client can be taken by another process before the kernel binds it
    (the kernel then dies at start); the runner's kernels use Unix sockets in a private folder."""
    nbformat.write(_notebook(TRANSPORT), paths.NOTEBOOKS_DIR / "transport.ipynb")
    result = runner.run_notebook(runner.find("transport"), "published", progress=lambda *_: None)
    assert result.status == "ok", result.error
    numbers = json.loads((result.out_dir / "results.json").read_text())
    flat = json.dumps(numbers)
    assert '"ipc"' in flat, flat
    folder = next(v for v in _values(numbers) if isinstance(v, str) and "rr-kernel-" in v)
    assert not Path(folder).exists(), "the socket folder is removed after the run"
    assert len(folder) + len("/k-99") <= runner._SOCKET_PATH_MAX


def _values(tree):
    if isinstance(tree, dict):
        for v in tree.values():
            yield from _values(v)
    elif isinstance(tree, list):
        for v in tree:
            yield from _values(v)
    else:
        yield tree


def test_installed_kernel_logs_only_critical_and_an_older_spec_is_updated(tmp_path, monkeypatch):
    """Shutting a kernel down interrupts it first; at ERROR level a kernel finishing its last reply printed
    'KeyboardInterrupt caught in kernel' after a good run. The spec now asks for CRITICAL only."""
    import sys

    spec_file = runner._kernel_spec_file()
    argv = json.loads(spec_file.read_text())["argv"]
    assert [a for a in argv if "log_level" in a] == [runner.KERNEL_LOG_ARG]

    calls = []
    monkeypatch.setattr(runner, "install_kernel", lambda: calls.append(1))
    old = tmp_path / "prefix" / "share" / "jupyter" / "kernels" / runner.KERNEL_NAME / "kernel.json"
    old.parent.mkdir(parents=True)
    old.write_text(json.dumps({"argv": ["python", "-m", "ipykernel_launcher", "--IPKernelApp.log_level=ERROR"]}))
    monkeypatch.setattr(runner, "_kernel_spec_file", lambda: old)
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "elsewhere"))
    runner.check_kernel()
    assert calls == [], "a kernel installed outside this environment is not rewritten"
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "prefix"))
    runner.check_kernel()
    assert calls == [1], "an older spec in this environment is updated"
    monkeypatch.setattr(runner, "_kernel_spec_file", lambda: None)
    with pytest.raises(runner.RunnerError, match="make setup"):
        runner.check_kernel()
