"""environment.yml (for conda users) declares the same dependencies and ranges as pyproject.toml."""

import re
import tomllib

import yaml

from rehabresearch import paths


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_split(s) for s in project["dependencies"] + project["optional-dependencies"]["dev"])
    env = yaml.safe_load((paths.PROJECT_ROOT / "environment.yml").read_text())
    conda = dict(_split(s) for s in env["dependencies"] if isinstance(s, str) and not s.startswith(("python", "pip")))
    assert conda == wanted
    python = next(s for s in env["dependencies"] if isinstance(s, str) and s.startswith("python"))
    assert _split(python)[1] == project["requires-python"]


def test_ci_calls_the_readme_test_command():
    readme = (paths.PROJECT_ROOT / "README.md").read_text()
    ci = (paths.PROJECT_ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make reports" in readme
    assert re.search(r"^make test$", ci, re.M)
