"""`rehabresearch tier` on a file mixing the unsupervised suffix, historic registrations, the derived mandate
and version-3 edge cases (tests/contact/data/tier_mixed_service_cases.csv, rows taken from the service's
tests as listed in tier_cases.csv) gives the service's answers; a bad registration code lists the known ones."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from rehabresearch.cli import main
from rehabresearch.contact.tiering import REGISTER_CODES

MIXED = Path(__file__).parent / "data" / "tier_mixed_service_cases.csv"


def test_mixed_file_gets_the_services_answers(tmp_path, capsys):
    out = tmp_path / "tiered.csv"
    assert main(["tier", str(MIXED), str(out), "--version", "auto"]) == 0
    printed = capsys.readouterr().out
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    source = pd.read_csv(MIXED, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(got[source.columns], source)  # input kept verbatim
    assert got["tier"].tolist() == got["expected_tier"].tolist()
    asserted = got["expected_provisional"] != ""
    assert asserted.sum() >= 6
    assert got.loc[asserted, "provisional"].tolist() == got.loc[asserted, "expected_provisional"].tolist()
    # the existing columns are kept, and version-2 rows gain 'unsupervised'
    v2 = got["model_version"] == "v2"
    assert list(got.columns[len(source.columns):]) == ["tier", "protect_level", "protect_points", "change_level",
                                                       "change_points", "unsupervised", "provisional", "tier_step"]
    assert got.loc[v2, "unsupervised"].tolist() == [str(t.endswith("S")).lower() for t in got.loc[v2, "tier"]]
    assert (got.loc[~v2, "unsupervised"] == "").all() and (got.loc[v2, "provisional"] == "").all()
    assert {"B2S", "NOT_SUPERVISED", "MISSING"} <= set(got["tier"]) and "B2S 1" in printed


def test_unknown_registration_code_lists_the_known_ones(tmp_path, capsys):
    bad = pd.read_csv(MIXED, dtype=str, keep_default_na=False)
    bad.loc[2, "historic_registrations"] = "HREG:M2|XYZ"  # data row 3
    bad.loc[4, "complexity_registrations"] = "RMDO|PRC"  # data row 5
    src = tmp_path / "bad.csv"
    bad.to_csv(src, index=False)
    assert main(["tier", str(src), str(tmp_path / "o.csv"), "--version", "auto"]) == 2
    err = capsys.readouterr().err
    assert "row 3, field 'historic_registrations': unknown registration code" in err
    assert "row 5, field 'complexity_registrations': unknown registration code" in err
    assert all(code in err for code in REGISTER_CODES) and "Traceback" not in err
    assert not (tmp_path / "o.csv").exists()


def test_console_script_on_the_mixed_file(tmp_path):
    exe = shutil.which("rehabresearch", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the rehabresearch console script is not installed")
    out = tmp_path / "o.csv"
    done = subprocess.run([exe, "tier", str(MIXED), str(out), "--version", "auto"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert got["tier"].tolist() == got["expected_tier"].tolist()
