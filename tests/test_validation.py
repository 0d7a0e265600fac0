"""Validation names the file, column, row and rule for every kind of bad input."""

import re

import pandas as pd
import pytest

from rehabresearch.validation import ValidationError, validate

SCHEMA = {
    "columns": {
        "area": {"type": "str"},
        "people": {"type": "int", "min": 0},
        "share": {"type": "float", "min": 0, "max": 1, "nullable": True},
        "kind": {"type": "str", "allowed": ["lead", "member"]},
    },
    "unique": ["area"],
}


def _df(**changes):
    data = {"area": ["North", "South", "East"], "people": ["10", "20", "30"], "share": ["0.1", "", "0.3"],
            "kind": ["lead", "member", "lead"]}
    data.update(changes)
    return pd.DataFrame(data)


def test_valid_table_is_coerced_to_declared_types():
    out = validate(_df(), SCHEMA, "t.csv")
    assert out["people"].dtype == "int64" and out["people"].sum() == 60
    assert out["share"].isna().sum() == 1


@pytest.mark.parametrize(
    "changes, column, row, rule",
    [
        ({"people": ["10", "x", "30"]}, "people", 2, "type int"),
        ({"people": ["10", "2.5", "30"]}, "people", 2, "type int"),
        ({"people": ["10", "20", "-1"]}, "people", 3, "value >= 0"),
        ({"share": ["0.1", "1.5", "0.3"]}, "share", 2, "value <= 1"),
        ({"kind": ["lead", "boss", "lead"]}, "kind", 2, "allowed values"),
        ({"area": ["North", "South", "North"]}, "area", 3, "unique key"),
        ({"people": ["10", "", "30"]}, "people", 2, "no missing values"),
    ],
)
def test_bad_values_name_file_column_row_and_rule(changes, column, row, rule):
    with pytest.raises(ValidationError) as err:
        validate(_df(**changes), SCHEMA, "t.csv")
    e = err.value
    assert (e.file, e.column, e.row, e.rule) == ("t.csv", column, row, rule)
    assert "t.csv" in str(e) and column in str(e) and f"row {row}" in str(e)


def test_missing_column_is_named():
    with pytest.raises(ValidationError, match="column 'kind'.*required column"):
        validate(_df().drop(columns="kind"), SCHEMA, "t.csv")


def test_dates_and_booleans():
    schema = {"columns": {"d": {"type": "date", "min": "2020-01-01"}, "b": {"type": "bool"}}}
    out = validate(pd.DataFrame({"d": ["2021-03-01"], "b": ["true"]}), schema)
    assert bool(out["b"].iloc[0]) is True
    with pytest.raises(ValidationError, match="type bool"):
        validate(pd.DataFrame({"d": ["2021-03-01"], "b": ["maybe"]}), schema)
    with pytest.raises(ValidationError, match="value >= 2020-01-01"):
        validate(pd.DataFrame({"d": ["2019-03-01"], "b": ["no"]}), schema)


def test_unknown_schema_type_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown type"):
        validate(pd.DataFrame({"a": [1]}), {"columns": {"a": {"type": "complex"}}})


# -- one CSV reader: every problem names the file, where, and what to do -----------------------------------

from rehabresearch.io import CSVError, read_csv  # noqa: E402


def _write(tmp_path, content: bytes, name="in.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_good_csv_is_read_verbatim_as_text(tmp_path):
    path = _write(tmp_path, '\ufeffid,name,note\n1,"Smith, J"," x "\n2,,"line\nbreak"\n\n3,"say ""hi""",007\n'.encode())
    df = read_csv(path)
    assert list(df.columns) == ["id", "name", "note"]
    assert df["name"].tolist() == ["Smith, J", "", 'say "hi"'] and df["note"].tolist() == [" x ", "line\nbreak", "007"]
    assert read_csv(path, blank_as_missing=True)["name"].isna().tolist() == [False, True, False]


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", r"file .*in.csv: is empty; expected a header line"),
        (b"\n  \n", r"is empty"),
        (b"id,name\n1,Andr\xe9\n", r"line 2, byte 15: is not valid utf-8 text \(byte 0xe9\); .*encoding"),
        (b"a,b,c\n1,2,3\n4,5\n6,7,8\n", r"line 3, data row 2: has 2 field\(s\) where the header has 3"),
        (b"a,b\n1,2\n3,4,5\n", r"line 3, data row 2: has 3 field\(s\)"),
        (b'a,b\n1,2\n3,"unclosed\n5,6\n', r"line 3, data row 2: has a quote .* never closed"),
        (b"id;name;age\n1;x;30\n", r"line 1: looks semicolon-delimited .*comma-separated"),
        (b"PK\x03\x04\x14\x00\x06\x00rest", r"is not a CSV file \(it looks like a zip archive or an Excel"),
        (b"%PDF-1.7\n...", r"is not a CSV file \(it looks like a PDF"),
        (b"\x00\x01\x02binary\x00", r"is not a CSV file \(it holds binary data\)"),
        (b'{"records": [1, 2]}', r"is not a CSV file \(it looks like JSON\)"),
        (b"id,age,id\n1,2,3\n", r"line 1: has duplicated column name\(s\) 'id' \(columns 1 and 3\)"),
    ],
)
def test_each_csv_problem_names_the_file_where_and_what_to_do(tmp_path, content, expected):
    path = _write(tmp_path, content)
    with pytest.raises(CSVError, match=expected) as err:
        read_csv(path)
    assert str(path) in str(err.value)


def test_other_encodings_are_read_when_named(tmp_path):
    path = _write(tmp_path, "id,name\n1,André\n".encode("cp1252"))
    assert read_csv(path, encoding="cp1252")["name"].tolist() == ["André"]


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no file at"):
        read_csv(tmp_path / "nope.csv")
    with pytest.raises(CSVError, match="is a folder"):
        read_csv(tmp_path)


def test_published_files_with_repeated_names_are_numbered_not_refused(tmp_path):
    path = _write(tmp_path, b"id,score,score\n1,2,3\n")
    assert list(read_csv(path, number_duplicates=True).columns) == ["id", "score", "score.1"]


# -- one mechanism for YAML files: pydantic models, extra fields forbidden ----------------------------------

def _entry(tmp_path, text: str, name: str = "e"):
    from rehabresearch import catalog

    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return lambda: catalog._parse_entry(path)


_GOOD_ENTRY = ("name: e\ntitle: t\ndescription: d\nkind: synthetic\nlicence: l\nsource: [{document: x}]\n"
               "generator: 'm:f'\n")


@pytest.mark.parametrize("change, message", [
    ("colour: red\n", r"e\.yaml: unknown fields \['colour'\]; allowed: \[.*'schema'"),
    ("kind: weird\n", r"field 'kind': Input should be 'transcribed', 'external', 'package' or 'synthetic', got 'weird'"),
    ("title: ''\n", r"missing field 'title'"),
    ("schema: {columns: {a: {type: integer}}}\n", r"field 'schema.columns.a.type': unknown type 'integer'"),
    ("schema: {columns: {a: {type: int, minimum: 0}}}\n", r"unknown fields \['minimum'\]; allowed: \['allowed', 'max'"),
    ("individual_level: maybe\n", r"field 'individual_level': Input should be a valid boolean"),
])
def test_catalog_entries_are_checked_by_their_model(tmp_path, change, message):
    from rehabresearch import catalog

    lines = [line for line in _GOOD_ENTRY.splitlines(keepends=True) if not line.startswith(change.split(":")[0] + ":")]
    with pytest.raises(catalog.CatalogError, match=message):
        _entry(tmp_path, "".join(lines) + change)()


def test_good_catalog_entry_keeps_its_schema_as_declared(tmp_path):
    ds = _entry(tmp_path, _GOOD_ENTRY + "schema: {columns: {a: {type: int, min: 0}}, unique: [a]}\n")()
    assert ds.schema == {"columns": {"a": {"type": "int", "min": 0}}, "unique": ["a"]} and ds.individual_level is False


def test_a_misspelt_schema_rule_is_refused_not_ignored():
    with pytest.raises(ValueError, match=r"schema for t.csv: columns.people: unknown field\(s\) \['minimum'\]"):
        validate(_df(), {"columns": {"people": {"type": "int", "minimum": 0}}}, "t.csv")
    with pytest.raises(ValueError, match=r"schema for t.csv: schema: unknown field\(s\) \['uniq'\]"):
        validate(_df(), {"columns": {}, "uniq": ["area"]}, "t.csv")


_CONTRACT = {"name": "mine", "period_unit": "year", "periods": ["2021/22", "2022/23"], "profile": [100, 120],
             "value": [90_000, 110_000]}


def _contract(**changes):
    from rehabresearch.contracts.inputs import parse_contract

    data = {**_CONTRACT, **changes}
    return parse_contract({k: v for k, v in data.items() if v is not None}, file="mine.yaml")


@pytest.mark.parametrize("changes, field, message", [
    ({"colour": "red"}, "colour", "unknown field; allowed fields: actual_profile, bands"),
    ({"lot_share": {"value": 0.1, "basis": "illustrative", "colour": "red"}, "value": None, "category_value": 1e6,
      "value_shares": [0.5, 0.5]}, "lot_share", r"unknown keys \['colour'\]"),
    ({"lot_share": {"value": 0.1, "basis": "guess"}, "value": None, "category_value": 1e6, "value_shares": [0.5, 0.5]},
     "lot_share", "basis 'guess' is not one of"),
    ({"staff": [{"grade": "Worker", "salary": 30000, "per_caseworker": 1, "pension": 0.2}]}, "staff[1]",
     r"unknown keys \['pension'\]"),
    ({"staff": [{"grade": "Worker", "salary": 30000}]}, "staff[1].per_caseworker", "is required"),
    ({"staff": [{"grade": "Worker", "salary": 30000, "per_caseworker": 1, "basis": "published"}]}, "staff[1].basis",
     "Input should be 'illustrative' or 'user'"),
])
def test_contract_files_are_checked_by_their_models(changes, field, message):
    from rehabresearch.contracts.inputs import ContractFileError

    with pytest.raises(ContractFileError, match=message) as info:
        _contract(**changes)
    assert info.value.field == field and "mine.yaml" in str(info.value)


def test_contract_numbers_written_in_e_notation_are_numbers():
    # YAML 1.1 (PyYAML) reads 4.2e6 as the text '4.2e6'; a contract file means the number
    import yaml

    data = yaml.safe_load("total_value: 4.2e6\nvalue_shares: [0.5, 0.5]\n")
    assert data["total_value"] == "4.2e6"
    c = _contract(value=None, **data)
    assert c.value.sum() == pytest.approx(4.2e6)
    with pytest.raises(Exception, match="must be a number, got 'lots'"):
        _contract(value=None, total_value="lots", value_shares=[0.5, 0.5])


@pytest.mark.parametrize("change, message", [
    ({"modes": {"face_to_face": 1, "pigeon": 0}}, "p.yaml: modes: unknown field(s) ['pigeon']; allowed: ['face_to_face'"),
    ({"schedule": {"default": [{"every": 4, "often": 1}]}}, "p.yaml: schedule.default[0]: unknown field(s) ['often']"),
    ({"schedule": {"default": "weekly"}}, "p.yaml: schedule.default: Input should be a valid list, got 'weekly'"),
    ({"modes": "all"}, "p.yaml: modes: Input should be a valid dictionary, got 'all'"),
    ({"probation_reset": {"enabled": True, "when": 1}}, "p.yaml: probation_reset: unknown field(s) ['when']"),
    ({"enforcement": {"window": 52}}, "p.yaml: enforcement: unknown field(s) ['window']"),
])
def test_policy_files_are_checked_by_their_model(change, message):
    from rehabresearch.contact.policies import PolicyError, compile_policy

    with pytest.raises(PolicyError) as info:
        compile_policy({"name": "x", "schedule": {"default": [{"every": 4}]}, **change}, "p.yaml")
    assert str(info.value).startswith(message)


def test_fast_and_slow_number_paths_agree_on_awkward_text():
    schema = {"columns": {"i": {"type": "int", "nullable": True}, "f": {"type": "float", "nullable": True}}}
    df = pd.DataFrame({"i": [" 007 ", "1.0", "  ", None, "-3"], "f": ["1e3", " 2.5", "", "-0", "7"]})
    out = validate(df, schema, "t.csv")  # "1.0" sends the int column down the pandas path
    assert out["i"].tolist()[:2] == [7, 1] and out["i"].isna().tolist() == [False, False, True, True, False]
    assert out["f"].tolist()[:2] == [1000.0, 2.5] and out["f"].isna().sum() == 1
    fast = validate(pd.DataFrame({"i": [" 7", "8 ", " "]}), {"columns": {"i": {"type": "int", "nullable": True}}})
    assert str(fast["i"].dtype) == "Int64" and fast["i"].tolist()[:2] == [7, 8]
    with pytest.raises(ValidationError, match="column 'f', row 2: breaks rule 'type float'"):
        validate(pd.DataFrame({"f": ["1", "nan"]}), {"columns": {"f": {"type": "float"}}}, "t.csv")
    mixed = pd.DataFrame({"i": [1, "2", 3.0]})  # cells that are not all text use the pandas path
    assert validate(mixed, {"columns": {"i": {"type": "int"}}})["i"].tolist() == [1, 2, 3]


def test_every_csv_loader_reads_through_the_one_reader():
    from rehabresearch import paths

    src = paths.PROJECT_ROOT / "src" / "rehabresearch"
    direct = [str(p.relative_to(src)) for p in src.rglob("*.py")
              if p.name != "io.py" and re.search(r"\bpd\.read_csv\(|pyarrow\.csv|\bcsv\.reader\(", p.read_text())]
    assert direct == [], f"read CSV files through rehabresearch.io.read_csv_table instead: {direct}"


def test_policy_numbers_written_in_e_notation_are_numbers():
    import yaml

    from rehabresearch.contact.policies import PolicyError, compile_policy

    raw = yaml.safe_load("name: x\nschedule: {default: [{every: 4}]}\nprobation_reset: {enabled: true, fraction: 67e-2}\n"
                         "minutes: {breach: 1.2e2}\n")
    assert raw["probation_reset"]["fraction"] == "67e-2" and raw["minutes"]["breach"] == "1.2e2"  # YAML 1.1: text
    policy = compile_policy(raw, "p.yaml")
    assert policy.reset_fraction == pytest.approx(0.67) and policy.minutes_breach == 120
    with pytest.raises(PolicyError, match="minutes.breach: must be a number, got 'long'"):
        compile_policy({**raw, "minutes": {"breach": "long"}}, "p.yaml")
