"""Batch tiering of a CSV file: worked cases reproduced, bad rows listed by row number, nothing written on failure."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from rehabresearch.contact.batch import tier_file
from rehabresearch.contact.tiering import TieringError

CASES = Path(__file__).parent / "data" / "tier_cases.csv"


def _cases(version: str) -> pd.DataFrame:
    df = pd.read_csv(CASES, dtype=str, keep_default_na=False)
    return df[df.model_version == version].reset_index(drop=True)


@pytest.mark.parametrize("version", [2, 3])
def test_tier_file_reproduces_worked_cases(tmp_path, version):
    src = tmp_path / "in.csv"
    _cases(f"v{version}").to_csv(src, index=False)
    out = tmp_path / "sub" / "out.csv"
    summary = tier_file(src, out, version=version)
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert (got["tier"] == got["expected_tier"]).all()
    assert summary.rows == len(got) and sum(summary.tiers.values()) == len(got)
    assert str(out) in str(summary)
    # input kept verbatim, tier columns appended
    original = pd.read_csv(src, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(got[original.columns], original)
    if version == 2:
        assert got["protect_points"].tolist() == got["derived_protect_points"].tolist()
    else:
        assert set(got["provisional"]) <= {"true", "false"}


def test_tier_file_auto_reproduces_every_case(tmp_path):
    out = tmp_path / "all.csv"
    summary = tier_file(CASES, out, version="auto")
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(got) == len(pd.read_csv(CASES)) and (got["tier"] == got["expected_tier"]).all()
    asserted = got["expected_provisional"] != ""
    assert (got.loc[asserted, "provisional"] == got.loc[asserted, "expected_provisional"]).all()
    assert summary.provisional == (got["provisional"] == "true").sum() > 0
    assert (got.loc[got.model_version == "v3", "protect_points"] == "").all()


def test_bad_rows_listed_by_row_number_and_nothing_written(tmp_path):
    df = _cases("v2")
    df.loc[1, "rosh"] = "HIHG"       # data row 2
    df.loc[4, "ogrs"] = "250"        # data row 5
    df.loc[6, "mappa_level"] = "M9"  # data row 7
    src = tmp_path / "bad.csv"
    df.to_csv(src, index=False)
    out = tmp_path / "out.csv"
    out.write_text("previous good output\n")
    with pytest.raises(TieringError) as info:
        tier_file(src, out, version=2)
    assert [(p.row, p.field) for p in info.value.problems] == [(2, "rosh"), (5, "ogrs"), (7, "mappa_level")]
    text = str(info.value)
    assert "row 2, field 'rosh'" in text and "row 1 is the line after the header" in text
    assert out.read_text() == "previous good output\n"
    assert not list(tmp_path.glob(".out.csv.*"))


def test_error_list_is_limited_but_counts_all(tmp_path):
    df = pd.concat([_cases("v2")] * 20, ignore_index=True)
    df["rosh"] = "BAD"
    src = tmp_path / "many.csv"
    df.to_csv(src, index=False)
    with pytest.raises(TieringError) as info:
        tier_file(src, tmp_path / "out.csv", version=2, max_errors=5)
    text = str(info.value)
    assert info.value.total == len(df) and f"... and {len(df) - 5} more" in text
    assert not (tmp_path / "out.csv").exists()


def test_file_level_errors(tmp_path):
    src = tmp_path / "in.csv"
    _cases("v2").drop(columns="needs").to_csv(src, index=False)
    with pytest.raises(ValueError, match="lacks required column.*needs"):
        tier_file(src, tmp_path / "o.csv")
    _cases("v2").assign(tier="x").to_csv(src, index=False)
    with pytest.raises(ValueError, match="already has output column"):
        tier_file(src, tmp_path / "o.csv")
    with pytest.raises(ValueError, match="version"):
        tier_file(CASES, tmp_path / "o.csv", version=4)
    with pytest.raises(ValueError, match="overwrite the input"):
        tier_file(src, src)
    (tmp_path / "empty.csv").write_text(",".join(_cases("v2").columns) + "\n")
    with pytest.raises(ValueError, match="no data rows"):
        tier_file(tmp_path / "empty.csv", tmp_path / "o.csv")
    with pytest.raises(TieringError, match="use version 'auto'"):
        tier_file(CASES, tmp_path / "o.csv", version=2)
    assert not (tmp_path / "o.csv").exists()


def test_cli_tier_command(tmp_path):
    exe = shutil.which("rehabresearch", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the rehabresearch console script is not installed")
    src = tmp_path / "in.csv"
    _cases("v3").to_csv(src, index=False)
    out = tmp_path / "out.csv"
    done = subprocess.run([exe, "tier", str(src), str(out), "--version", "3"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert (got["tier"] == got["expected_tier"]).all()
    bad = tmp_path / "bad.csv"
    _cases("v3").assign(arp="150").to_csv(bad, index=False)
    done = subprocess.run([exe, "tier", str(bad), str(tmp_path / "x.csv"), "--version", "3"], capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "row 1, field 'arp'" in done.stderr
    assert not (tmp_path / "x.csv").exists()


def test_duplicated_column_header_is_refused(tmp_path):
    # today pandas renames the second 'rosh' to 'rosh.1' and tiers on the first one, silently
    df = _cases("v2")
    src = tmp_path / "dup.csv"
    text = ",".join(list(df.columns) + ["rosh"]) + "\n" + "".join(
        ",".join(list(r) + [r[list(df.columns).index("rosh")]]) + "\n" for r in df.astype(str).itertuples(index=False))
    src.write_text(text)
    with pytest.raises(ValueError, match=r"dup.csv, line 1: has duplicated column name\(s\) 'rosh'"):
        tier_file(src, tmp_path / "o.csv")
    assert not (tmp_path / "o.csv").exists()


def test_csv_problems_in_tier_input_name_the_file_and_what_to_do(tmp_path):
    good = _cases("v2").to_csv(index=False)
    n = len(_cases("v2"))
    cases = {
        "empty.csv": (b"", "is empty"),
        "latin.csv": (good.replace("Male", "M\xe4le", 1).encode("latin-1"), r"byte \d+: is not valid utf-8 .*--encoding"),
        "ragged.csv": ((good + "v2-99,v2\n").encode(),
                       rf"line {n + 2}, data row {n + 1}: has 2 field\(s\) where the header has"),
        "quote.csv": (good.replace("\nv2-02,", '\n"v2-02,', 1).encode(), r"line 3, data row 2: has a quote .* never closed"),
        "semi.csv": (good.replace(",", ";").encode(), "semicolon-delimited"),
        "book.xlsx": (b"PK\x03\x04" + b"\x00" * 40, "not a CSV file"),
    }
    for name, (content, message) in cases.items():
        src = tmp_path / name
        src.write_bytes(content)
        with pytest.raises(ValueError, match=message) as info:
            tier_file(src, tmp_path / "o.csv")
        assert name in str(info.value)
    assert not (tmp_path / "o.csv").exists()


def test_other_encodings_are_read_when_named(tmp_path):
    df = _cases("v2")
    df["note"] = "café"
    src = tmp_path / "cp.csv"
    src.write_bytes(df.to_csv(index=False).encode("cp1252"))
    tier_file(src, tmp_path / "o.csv", encoding="cp1252")
    got = pd.read_csv(tmp_path / "o.csv", dtype=str, keep_default_na=False)
    assert (got["note"] == "café").all() and (got["tier"] == got["expected_tier"]).all()


def test_cells_needing_quotes_survive_the_round_trip(tmp_path):
    df = _cases("v2")
    df["note"] = ['a, "quoted" note', "line\nbreak", "", " spaced "] + ["x"] * (len(df) - 4)
    src = tmp_path / "q.csv"
    df.to_csv(src, index=False)
    tier_file(src, tmp_path / "o.csv")
    got = pd.read_csv(tmp_path / "o.csv", dtype=str, keep_default_na=False)
    assert got["note"].tolist() == df["note"].tolist()


def test_folders_and_unwritable_places_are_refused_before_reading(tmp_path):
    src = tmp_path / "in.csv"
    _cases("v2").to_csv(src, index=False)
    (tmp_path / "outdir").mkdir()
    with pytest.raises(ValueError, match="is a folder; give a file name"):
        tier_file(src, tmp_path / "outdir")
    with pytest.raises(ValueError, match="is a folder, not a file"):
        tier_file(tmp_path / "outdir", tmp_path / "o.csv")


def test_unwritable_output_folder_is_refused_before_reading(tmp_path):
    src = tmp_path / "in.csv"
    _cases("v2").to_csv(src, index=False)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        import os

        if os.access(locked, os.W_OK):
            pytest.skip("running with permissions that ignore the folder's mode (e.g. as root)")
        with pytest.raises(ValueError, match="permission denied"):
            tier_file(src, locked / "o.csv")
    finally:
        locked.chmod(0o700)


def test_sigterm_while_writing_leaves_no_temporary_file(tmp_path):
    import signal
    import time

    script = (
        "import sys, time\n"
        "from rehabresearch.io import atomic_path\n"
        "with atomic_path(sys.argv[1]) as tmp:\n"
        "    tmp.write_text('partial')\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(30)\n"
    )
    target = tmp_path / "out.csv"
    proc = subprocess.Popen([sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    assert list(tmp_path.glob(".out.csv.*"))  # the temporary file exists while writing
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 128 + signal.SIGTERM
    time.sleep(0.1)
    assert not list(tmp_path.glob(".out.csv.*")) and not target.exists()
