"""The catalog: every entry is complete and its file verifies; fetching checks sha256; loads drop identifiers."""

from __future__ import annotations

import hashlib

import pytest
import yaml

from rehabresearch import catalog, paths
from rehabresearch.validation import ValidationError


def test_every_entry_is_complete_and_every_local_file_matches_its_sha256():
    entries = catalog.datasets()
    assert entries, "the catalog is empty"
    for name, ds in entries.items():
        assert ds.source and all(s.get("document") for s in ds.source), f"{name} has no source document"
        assert ds.licence, name
        if ds.kind in ("transcribed", "package"):
            assert catalog.status(ds) == "present", f"{name}: {catalog.status(ds)}"
        if ds.kind == "transcribed":
            df = catalog.load(name)
            assert len(df) > 0, name
            assert {"source_document", "source_section"} <= set(df.columns), f"{name}: rows must cite their source"
            assert df["source_document"].notna().all() and df["source_section"].notna().all(), name


def test_external_datasets_are_pinned():
    for name, ds in catalog.datasets().items():
        if ds.kind == "external":
            assert ds.url.startswith("https://") and len(ds.sha256) == 64, name
            assert ds.path.is_relative_to(paths.EXTERNAL_DIR), name


def test_transcribed_files_are_tracked_but_external_ones_are_ignored():
    ignored = (paths.PROJECT_ROOT / ".gitignore").read_text()
    assert "data/raw/external/" in ignored and "data/processed/" in ignored and "reports/" in ignored


def test_unknown_dataset_is_a_clear_error():
    with pytest.raises(catalog.CatalogError, match="no dataset called 'nope'"):
        catalog.get("nope")


@pytest.fixture
def fake_external(tmp_path, monkeypatch):
    """A catalog of one external dataset with a local mirror, isolated from the project's folders."""
    content = b"id,name,people\n1,Ann,10\n2,Bob,20\n"
    (tmp_path / "catalog").mkdir()
    (tmp_path / "mirror" / "sub").mkdir(parents=True)
    (tmp_path / "mirror" / "sub" / "f.csv").write_bytes(content)
    entry = {
        "name": "fake", "title": "Fake", "description": "A test dataset.", "kind": "external",
        "file": "fake/f.csv", "mirror_path": "sub/f.csv", "url": "https://example.invalid/f.csv",
        "sha256": hashlib.sha256(content).hexdigest(), "licence": "test", "source": [{"document": "test"}],
        "identifiers": ["name"],
        "schema": {"columns": {"id": {"type": "int"}, "people": {"type": "int", "min": 0}}, "unique": ["id"]},
    }
    (tmp_path / "catalog" / "fake.yaml").write_text(yaml.safe_dump(entry))
    monkeypatch.setattr(paths, "CATALOG_DIR", tmp_path / "catalog")
    monkeypatch.setattr(paths, "EXTERNAL_DIR", tmp_path / "external")
    monkeypatch.setattr(paths, "RAW_DIR", tmp_path / "raw")
    monkeypatch.setenv(paths.MIRROR_ENV, str(tmp_path / "mirror"))
    return tmp_path


def test_absent_external_dataset_names_the_fetch_command(fake_external):
    assert catalog.status(catalog.get("fake")).startswith("absent (run: rehabresearch data fetch fake)")
    with pytest.raises(catalog.DataNotAvailable, match="rehabresearch data fetch fake"):
        catalog.load("fake")


def test_fetch_from_mirror_verifies_and_load_drops_identifiers(fake_external):
    path = catalog.fetch("fake", progress=lambda *_: None)
    assert path.is_file()
    df = catalog.load("fake")
    assert "name" not in df.columns and df["people"].sum() == 30
    assert catalog.LOADED["fake"] == catalog.get("fake").sha256


def test_user_csv_loses_the_house_list_of_direct_identifiers_and_its_own(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Postcode,date_of_birth,nickname,age\nAB1 2CD,1990-01-01,Al,30\n")
    df = catalog.load_csv(path, identifiers=("nickname",))
    assert list(df.columns) == ["age"]


def test_sha_mismatch_keeps_nothing(fake_external):
    (fake_external / "mirror" / "sub" / "f.csv").write_bytes(b"id,name,people\n1,Ann,99\n")
    with pytest.raises(catalog.ChecksumError, match="was not kept"):
        catalog.fetch("fake", progress=lambda *_: None)
    assert not (fake_external / "external" / "fake" / "f.csv").exists()
    assert not list((fake_external / "external" / "fake").glob("*")), "no temporary file left behind"


def test_tampered_local_file_is_refused_at_load(fake_external):
    catalog.fetch("fake", progress=lambda *_: None)
    (fake_external / "external" / "fake" / "f.csv").write_bytes(b"id,name,people\n1,Ann,-5\n")
    with pytest.raises(catalog.ChecksumError):
        catalog.load("fake")


def test_bad_values_in_a_catalogued_file_are_named(fake_external):
    content = b"id,name,people\n1,Ann,10\n1,Bob,20\n"
    entry = yaml.safe_load((fake_external / "catalog" / "fake.yaml").read_text())
    entry["sha256"] = hashlib.sha256(content).hexdigest()
    (fake_external / "catalog" / "fake.yaml").write_text(yaml.safe_dump(entry))
    (fake_external / "mirror" / "sub" / "f.csv").write_bytes(content)
    catalog.fetch("fake", progress=lambda *_: None)
    with pytest.raises(ValidationError, match=r"f\.csv, column 'id', row 2: breaks rule 'unique key'"):
        catalog.load("fake")


def test_entry_with_unknown_field_or_wrong_name_is_refused(fake_external):
    (fake_external / "catalog" / "other.yaml").write_text("name: wrong\n")
    with pytest.raises(catalog.CatalogError, match="missing field|must match"):
        catalog.datasets()


def test_cli_data_list_and_fetch(fake_external, capsys):
    from rehabresearch import cli

    assert cli.main(["data", "list"]) == 0
    assert "fake [external] absent" in capsys.readouterr().out
    assert cli.main(["data", "fetch", "fake"]) == 0
    assert "verified sha256" in capsys.readouterr().out
    assert cli.main(["data", "fetch", "nope"]) == 2
