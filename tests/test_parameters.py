"""Parameters are checked against the notebook's declaration before any kernel starts (issue 10, section 2)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from test_runner import GOOD, _notebook, project  # noqa: F401 - the shared project fixture

from rehabresearch import cli, parameters, paths, runner, yamlio
from rehabresearch.contracts import inputs as contract_inputs

PARAMS = """n_people = 8000  # people per replicate {>= 1}
caliper_sd = 0.2  # caliper in SDs {> 0, <= 5}
seeds = [101, 102]  # one seed per replicate {>= 0}
policy = "flat_monthly"  # contact policy {one of: flat_monthly | flat_weekly}
data = "synthetic_jdl_cohort"  # catalog name, or a path to a CSV file
replace = False  # may a comparison person be matched more than once
options = {}  # anything else
start = "2013-04-01"  # first cohort
x = 2  # a number
disclosure_threshold = 10"""


@pytest.fixture
def declared(project):  # noqa: F811
    nbformat.write(_notebook(GOOD, params=PARAMS), paths.NOTEBOOKS_DIR / "declared.ipynb")
    return runner.find("declared")


def _resolve(info, **overrides):
    return runner.resolve_parameters(info, overrides={k: runner.parse_value(v) for k, v in overrides.items()})


def test_scientific_notation_is_a_number():
    # YAML 1.1 (PyYAML's default) reads all three as text; YAML 1.2 and people read them as numbers.
    assert runner.parse_value("2e-1") == pytest.approx(0.2)
    assert runner.parse_value("4.2e6") == 4_200_000.0
    assert runner.parse_value("-1.5E+3") == -1500.0
    assert runner.parse_value("2013-04-01") == "2013-04-01", "a date stays text for a parameter"
    assert runner.parse_value("1_000") == 1000 and runner.parse_value("e5") == "e5"


def test_value_types_follow_the_default(declared):
    values = _resolve(declared, caliper_sd="2e-1", n_people="1e6", seeds="[1, 2.0]", start="2013-04-01")
    assert values["caliper_sd"] == pytest.approx(0.2) and isinstance(values["caliper_sd"], float)
    assert values["n_people"] == 1_000_000 and isinstance(values["n_people"], int)
    assert values["seeds"] == [1, 2] and values["start"] == "2013-04-01"
    assert _resolve(declared, caliper_sd="1")["caliper_sd"] == 1.0


@pytest.mark.parametrize(("name", "value", "rule"), [
    ("n_people", "abc", "must be a whole number"),
    ("n_people", "2.5", "must be a whole number"),
    ("n_people", "true", "must be a whole number"),
    ("n_people", "0", "must be >= 1"),
    ("caliper_sd", "abc", "must be a number"),
    ("caliper_sd", "0", "must be > 0"),
    ("caliper_sd", ".nan", "must be a finite number"),
    ("seeds", "5", "must be a list"),
    ("seeds", "[1, x]", "must be a list of whole numbers"),
    ("seeds", "[1, -1]", "must be >= 0"),
    ("policy", "weekly", "must be one of flat_monthly, flat_weekly"),
    ("replace", "maybe", "must be true or false"),
    ("options", "[1]", "must be a mapping"),
    ("x", "[1, 2]", "must be a whole number"),
])
def test_bad_values_are_refused_with_one_line(declared, name, value, rule):
    with pytest.raises(parameters.ParameterError) as err:
        _resolve(declared, **{name: value})
    message = str(err.value)
    assert rule in message and f"parameter {name}" in message and "declared" in message and "from -p" in message
    assert "\n" not in message


def test_values_typed_after_p_are_text_for_a_text_parameter(declared):
    typed = {k: runner.TypedText(v) for k, v in
             {"policy": "flat_weekly", "data": "42", "start": "2014-04-01", "caliper_sd": "2e-1"}.items()}
    values = runner.resolve_parameters(declared, overrides=typed)
    assert values["data"] == "42" and values["start"] == "2014-04-01" and values["policy"] == "flat_weekly"
    assert values["caliper_sd"] == pytest.approx(0.2)
    with pytest.raises(parameters.ParameterError, match="n_people must be a whole number"):
        runner.resolve_parameters(declared, overrides={"n_people": runner.TypedText("abc")})


def test_profile_values_are_checked_too(declared):
    (paths.PARAMS_DIR / "declared").mkdir()
    (paths.PARAMS_DIR / "declared" / "quick.yaml").write_text("n_people: lots\n")
    with pytest.raises(parameters.ParameterError, match="quick.yaml"):
        runner.resolve_parameters(declared, "quick")


def test_a_malformed_rule_in_the_comment_is_named(project):  # noqa: F811
    nbformat.write(_notebook(GOOD, params="x = 2  # a number {about 1}"), paths.NOTEBOOKS_DIR / "badrule.ipynb")
    with pytest.raises(parameters.ParameterError, match="cannot read the rule"):
        runner.find("badrule")


def test_bad_value_keeps_the_previous_good_report_and_starts_no_kernel(project, capsys, monkeypatch):  # noqa: F811
    report = project / "reports" / "good"
    report.mkdir(parents=True)
    (report / "index.html").write_text("the good report")
    (report / "run.json").write_text("{}")
    started = []
    monkeypatch.setattr(runner, "run_notebook", lambda *a, **k: started.append(a))
    nbformat.write(_notebook(GOOD, params=PARAMS), paths.NOTEBOOKS_DIR / "good.ipynb")
    assert cli.main(["run", "good", "-p", "n_people", "abc"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "n_people must be a whole number" in err and "Traceback" not in err
    assert not started, "no notebook may start"
    assert (report / "index.html").read_text() == "the good report"


def test_malformed_params_file_is_one_line_naming_file_and_line(project, tmp_path, capsys):  # noqa: F811
    bad = tmp_path / "mine.yaml"
    bad.write_text("x: 4\ny: [1, 2\nz: 3\n")
    assert cli.main(["run", "good", "-f", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}: not valid YAML at line ") and err.count("\n") == 1
    assert "Traceback" not in err
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    assert cli.main(["run", "good", "-f", str(folder)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_relative_path_is_taken_from_the_working_directory(declared, tmp_path, monkeypatch):
    here = tmp_path / "elsewhere"
    here.mkdir()
    (here / "mine.csv").write_text("a\n1\n")
    monkeypatch.chdir(here)
    notes = []
    values = runner.resolve_parameters(declared, overrides={"data": "mine.csv"}, notes=notes)
    assert values["data"] == str(here / "mine.csv")
    assert notes == [f"data: mine.csv -> {here / 'mine.csv'}"]
    assert _resolve(declared, data="compas_two_year")["data"] == "compas_two_year", "catalog names are left alone"
    with pytest.raises(parameters.ParameterError, match=f"no file at {here / 'nope.csv'}"):
        _resolve(declared, data="nope.csv")
    # a -f file's relative paths are also taken from where the user stands
    f = here / "p.yaml"
    f.write_text("data: mine.csv\n")
    notes = []
    assert runner.resolve_parameters(declared, params_file="p.yaml", notes=notes)["data"] == str(here / "mine.csv")
    assert notes == [f"-f: p.yaml -> {here / 'p.yaml'}", f"data: mine.csv -> {here / 'mine.csv'}"]


def test_relative_path_from_a_project_subfolder(monkeypatch):
    info = runner.find("contract_sensitivity")
    monkeypatch.chdir(paths.PROJECT_ROOT / "examples")
    notes = []
    values = runner.resolve_parameters(info, overrides={"contract_file": "my_contract.yaml"}, notes=notes)
    # today this resolved against the project root (no file there); the notebook runs in the project root
    assert values["contract_file"] == "examples/my_contract.yaml"
    assert notes == [f"contract_file: my_contract.yaml -> {paths.PROJECT_ROOT / 'examples' / 'my_contract.yaml'}"]


def test_run_prints_the_resolved_path(project, tmp_path, monkeypatch, capsys):  # noqa: F811
    nbformat.write(_notebook(GOOD, params=PARAMS), paths.NOTEBOOKS_DIR / "good.ipynb")
    (tmp_path / "mine.csv").write_text("a\n1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(runner, "run_notebook", lambda info, *a, **k: runner.RunResult(info.name, "ok", tmp_path))
    assert cli.main(["run", "good", "-p", "data", "mine.csv"]) == 0
    assert f"data: mine.csv -> {tmp_path / 'mine.csv'}" in capsys.readouterr().out


def test_real_notebooks_declare_path_parameters():
    found = {info.name: [p.name for p in info.parameters.values() if p.rule.is_path] for info in runner.discover()}
    assert "data" in found["matched_comparison"] and "contract_file" in found["contract_sensitivity"]
    assert "policies" in found["contact_tiers"]


def test_yaml_errors_name_file_and_line(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("a: 1\nb: {x: 1\n")
    with pytest.raises(yamlio.YamlFileError, match=r"c\.yaml: not valid YAML at line \d+, column \d+"):
        yamlio.load_file(f)
    assert yamlio.loads("v: 4.2e6")["v"] == 4_200_000.0


def test_contract_total_value_in_scientific_notation_is_a_number(tmp_path):
    text = (Path(paths.PROJECT_ROOT) / "examples" / "my_contract.yaml").read_text()
    assert "total_value: {value: 4200000," in text
    f = tmp_path / "sci.yaml"
    f.write_text(text.replace("total_value: {value: 4200000,", "total_value: {value: 4.2e6,"))
    assert contract_inputs.load_contract(f).value.sum() == pytest.approx(contract_inputs.load_contract(
        paths.PROJECT_ROOT / "examples" / "my_contract.yaml").value.sum())
    f.write_text(text.replace("total_value: {value: 4200000, basis: illustrative, note: \"seven-year contract value in £\"}",
                              "total_value: 4.2e6"))
    assert contract_inputs.load_contract(f).value.sum() == pytest.approx(4_200_000)
    assert json.dumps(contract_inputs.load_contract(f).name) == '"my_contract"'


def test_every_profile_of_every_notebook_passes_its_checks():
    for info in runner.discover():
        for profile in info.profiles:
            runner.resolve_parameters(info, profile)


def test_or_none_and_or_text_widen_the_default_type():
    from rehabresearch.parameters import ParameterError, check, rule_of

    caliper = rule_of("caliper_sd", 0.2, "caliper in SDs {> 0, or none}")
    assert check(caliper, None, "-p", "nb") is None
    assert check(caliper, 0.1, "-p", "nb") == 0.1
    with pytest.raises(ParameterError, match="> 0"):
        check(caliper, -1.0, "-p", "nb")
    with pytest.raises(ParameterError, match="must be a number"):
        check(caliper, "wide", "-p", "nb")
    covariates = rule_of("covariates", ["age", "sex"], "columns or a formula {or text}")
    assert check(covariates, "age + C(sex)", "-p", "nb") == "age + C(sex)"
    assert check(covariates, ["age"], "-p", "nb") == ["age"]
    with pytest.raises(ParameterError, match="must be a list"):
        check(covariates, 3, "-p", "nb")
    with pytest.raises(ParameterError, match="must be a list"):  # without the word, text is still refused
        check(rule_of("exact", ["female"], "columns"), "female", "-p", "nb")


def test_at_least_and_at_most_are_the_comparisons_papermill_can_read():
    from rehabresearch.parameters import ParameterError, check, rule_of

    rule = rule_of("n_people", 8000, "people {at least 1, at most 1e6}")
    assert rule.bounds == ((">=", 1.0), ("<=", 1e6))
    with pytest.raises(ParameterError, match=">= 1"):
        check(rule, 0, "-p", "nb")


@pytest.mark.parametrize("path", sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_papermill_reads_every_declared_parameter(path):
    """Papermill parses the parameters cell too (to warn about unknown -p names): a rule in a comment must not
    stop it, or every run prints 'Unable to parse line' and 'Passed unknown parameter'."""
    import nbformat
    from papermill.translators import PythonTranslator

    from rehabresearch import runner

    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert {p.name for p in PythonTranslator.inspect(cell)} == set(runner.parameters_of(nb))
