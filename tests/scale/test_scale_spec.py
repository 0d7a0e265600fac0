"""Sweep specifications: grids expand as products; bad names, types and empty grids fail before anything runs."""

from pathlib import Path

import pytest
import yaml

from rehabresearch import cli, paths
from rehabresearch.contact import policies as pol
from rehabresearch.sweeps import SweepSpecError, load_spec, parse_spec

CONTACT = {"sweep": "contact", "people": 100, "weeks": 8, "seeds": [1, 2, 3],
           "policies": ["flat_monthly", "flat_weekly"], "compliance": [0.5, 1.0]}


def test_contact_grid_is_the_product_of_its_lists():
    spec = parse_spec({**CONTACT, "cohort": {"female_share": [0.1, 0.2]}}, output="/tmp/unused")
    assert len(spec.tasks) == 3 * 2 * 2 * 2
    assert len({t.key for t in spec.tasks}) == len(spec.tasks)
    assert spec.columns == ["people", "weeks", "female_share", "compliance_multiplier", "policy", "seed"]
    assert "policy=flat_weekly" in spec.tasks[-1].label and "seed=3" in spec.tasks[-1].label


def test_seeds_as_a_count_and_keys_do_not_depend_on_the_rest_of_the_grid():
    small = parse_spec({**CONTACT, "seeds": 2, "compliance": 1.0}, output="/tmp/unused")
    big = parse_spec({**CONTACT, "seeds": [1, 2, 3], "compliance": [0.5, 1.0]}, output="/tmp/unused")
    assert {t.kwargs["params"]["seed"] for t in small.tasks} == {1, 2}
    assert {t.key for t in small.tasks} <= {t.key for t in big.tasks}


@pytest.mark.parametrize("change, field", [
    ({"colour": "red"}, "(top level)"),
    ({"cohort": {"female_shares": 0.2}}, "cohort"),
    ({"simulation": {"compliance_multiplier": 2}}, "simulation"),
])
def test_unknown_parameter_is_named(change, field):
    with pytest.raises(SweepSpecError, match="unknown sweep parameter") as err:
        parse_spec({**CONTACT, **change}, file="grid.yaml")
    assert err.value.field == field and "grid.yaml" in str(err.value)


@pytest.mark.parametrize("change, field", [
    ({"policies": []}, "policies"), ({"seeds": []}, "seeds"), ({"seeds": 0}, "seeds"),
    ({"compliance": []}, "compliance"), ({"cohort": {"female_share": []}}, "cohort.female_share"),
])
def test_empty_grid_is_refused(change, field):
    with pytest.raises(SweepSpecError, match="no points") as err:
        parse_spec({**CONTACT, **change})
    assert err.value.field == field


@pytest.mark.parametrize("change, field, rule", [
    ({"people": "many"}, "people[0]", "not a number"),
    ({"people": 10.5}, "people[0]", "whole number"),
    ({"people": float("inf")}, "people[0]", "not a finite number"),
    ({"compliance": [float("nan")]}, "compliance[0]", "not a finite number"),
    ({"compliance": [1.0, "high"]}, "compliance[1]", "not a number"),
    ({"compliance": -1}, "compliance[0]", "below the minimum"),
    ({"cohort": {"female_share": True}}, "cohort.female_share[0]", "not a number"),
    ({"simulation": {"caring_affects_remote": 1}}, "simulation.caring_affects_remote[0]", "true or false"),
    ({"seeds": [1, 1]}, "seeds", "repeated"),
    ({"policies": ["no_such_policy"]}, "policies[0]", "no policy named"),
])
def test_bad_values_name_field_and_rule(change, field, rule):
    with pytest.raises(SweepSpecError, match=rule) as err:
        parse_spec({**CONTACT, **change})
    assert err.value.field == field


def test_contract_grid_and_checks():
    spec = parse_spec({"sweep": "contracts", "contracts": ["accommodation", "womens_services"],
                       "inputs": {"volume_factor": [0.8, 1.2, 1.6]}, "monte_carlo": {"draws": 10, "seeds": 2}},
                      output="/tmp/unused")
    assert len(spec.tasks) == 2 * 3 * 2
    with pytest.raises(SweepSpecError, match="unknown sweep parameter"):
        parse_spec({"sweep": "contracts", "contracts": ["accommodation"], "inputs": {"volume": [1]}})
    with pytest.raises(SweepSpecError, match="outside the input's range"):
        parse_spec({"sweep": "contracts", "contracts": ["accommodation"], "inputs": {"referral_rate": [0.5, 1.5]}})
    with pytest.raises(SweepSpecError, match="neither a built-in contract"):
        parse_spec({"sweep": "contracts", "contracts": ["nowhere/*.yaml"]})


def test_kind_must_match_the_command(tmp_path):
    path = tmp_path / "grid.yaml"
    path.write_text(yaml.safe_dump(CONTACT))
    with pytest.raises(SweepSpecError, match="contact sweep but a contracts sweep"):
        load_spec(path, kind="contracts")


def test_cli_refuses_a_bad_spec_before_anything_runs(tmp_path, capsys):
    path = tmp_path / "grid.yaml"
    path.write_text(yaml.safe_dump({**CONTACT, "compliance": []}))
    out = tmp_path / "out"
    assert cli.main(["sweep", "contact", str(path), "--out", str(out), "--scheduler", ""]) == 2
    err = capsys.readouterr().err
    assert "grid.yaml: compliance: empty list" in err and "Traceback" not in err
    assert not out.exists()


def test_cli_names_an_unreachable_scheduler_quickly(tmp_path, capsys):
    path = tmp_path / "grid.yaml"
    path.write_text(yaml.safe_dump(CONTACT))
    code = cli.main(["sweep", "contact", str(path), "--out", str(tmp_path / "out"),
                     "--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "could not reach a Dask scheduler at tcp://127.0.0.1:9 within 1 s" in err and "Traceback" not in err
    assert not list((tmp_path / "out").glob("**/*.parquet"))


def test_policy_and_contract_files_are_found_beside_the_spec_and_an_edit_changes_the_key(tmp_path):
    bundled = (Path(pol.__file__).parent / "policy_library" / "flat_monthly.yaml").read_text()
    policy = tmp_path / "fortnightly.yaml"
    policy.write_text(bundled.replace("name: flat_monthly", "name: fortnightly").replace("{every: 4}", "{every: 2}"))
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    mine = (Path(paths.PROJECT_ROOT) / "examples" / "my_contract.yaml").read_text()
    (contracts / "mine.yaml").write_text(mine)
    spec_file = tmp_path / "grid.yaml"
    spec_file.write_text(yaml.safe_dump({**CONTACT, "policies": ["flat_monthly", "fortnightly.yaml"]}))
    before = load_spec(spec_file)
    assert {t.kwargs["policy"].name for t in before.tasks} == {"flat_monthly", "fortnightly"}
    policy.write_text(policy.read_text().replace("{every: 2}", "{every: 3}"))
    after = load_spec(spec_file)
    changed = {t.key for t in after.tasks} ^ {t.key for t in before.tasks}
    assert len(changed) == 2 * len([t for t in before.tasks if "fortnightly" in t.label])  # only its tasks re-keyed
    contract_spec = tmp_path / "contracts.yaml"
    contract_spec.write_text(yaml.safe_dump({"sweep": "contracts", "contracts": ["contracts/*.yaml", "accommodation"],
                                             "inputs": {"volume_factor": [1.0, 1.2]}}))
    spec = load_spec(contract_spec)
    assert len(spec.tasks) == 4 and spec.tasks[-1].kwargs["contract"].name == "accommodation"
