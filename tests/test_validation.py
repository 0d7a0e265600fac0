"""Validation names the file, column, row and rule for every kind of bad input."""

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
