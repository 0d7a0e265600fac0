"""ProPublica COMPAS acceptance tests: the filter, the published score model, and no identifier in any output."""

import json

import pandas as pd
import pytest

from rehabresearch import catalog, paths, runner
from rehabresearch.reoffending import adjusted, compas

# Larson, Mattu, Kirchner and Angwin (2016), "How we analyzed the COMPAS recidivism algorithm", ProPublica:
# logistic model of score_text != "Low".
PUBLISHED = {
    "const": -1.52554,
    "race[African-American]": 0.47721,
    "sex[Female]": 0.22127,
    "age_cat[Less than 25]": 1.30839,
    "age_cat[Greater than 45]": -1.35563,
    "priors_count": 0.26895,
    "c_charge_degree[M]": -0.31124,
    "two_year_recid": 0.68586,
}


@pytest.fixture(scope="module")
def compas_raw(external_dataset):
    return external_dataset("compas_two_year")


@pytest.fixture(scope="module")
def compas_df(compas_raw):
    return compas.analysis_frame(compas.propublica_filter(compas_raw))


pytestmark = pytest.mark.external


def test_counts_and_filter(compas_raw, compas_df):
    assert len(compas_raw) == 7214 and int(compas_raw["two_year_recid"].sum()) == 3251
    assert len(compas_df) == 6172
    assert not {"name", "first", "last", "dob", "c_case_number", "r_case_number"} & set(compas_raw.columns)
    assert list(compas_df.columns) == compas.ANALYSIS_COLUMNS + ["high_score"]


def test_propublica_score_model(compas_df):
    res = compas.score_model(compas_df)
    table = res.table.set_index("term")
    for term, coef in PUBLISHED.items():
        assert table.loc[term, "coef"] == pytest.approx(coef, abs=1e-5), term
    assert table.loc["race[African-American]", "se"] == pytest.approx(0.06935, abs=1e-5)
    assert res.n == 6172


def test_recidivism_model_and_cohort_table(compas_df):
    res = compas.recidivism_model(compas_df)
    table = adjusted.unadjusted_and_adjusted(compas_df, "two_year_recid", "race", "Caucasian", res).set_index("race")
    # Unadjusted rates: 1,661 of 3,175 African-American and 822 of 2,103 Caucasian defendants.
    assert (table.loc["African-American", "reoffenders"], table.loc["African-American", "people"]) == (1661, 3175)
    assert (table.loc["Caucasian", "reoffenders"], table.loc["Caucasian", "people"]) == (822, 2103)
    assert table.loc["African-American", "difference"] == pytest.approx(1661 / 3175 - 822 / 2103)
    # Adjustment for priors, age, sex and charge shrinks the gap.
    assert 0 < table.loc["African-American", "ame"] < table.loc["African-American", "difference"] / 2
    assert table.loc["African-American", "odds_ratio"] == pytest.approx(
        float(res.table.set_index("term").loc["race[African-American]", "odds_ratio"]))


def test_filter_requires_its_columns(compas_raw):
    with pytest.raises(KeyError, match="is_recid"):
        compas.propublica_filter(compas_raw.drop(columns="is_recid"))


@pytest.mark.notebook
def test_rendered_notebook_shows_no_identifier(compas_raw, tmp_path):
    """Execute the notebook (published profile) and look for every name, date of birth and case number."""
    papermill = pytest.importorskip("papermill")
    ds = catalog.get("compas_two_year")
    ids = pd.read_csv(ds.path, dtype=str, usecols=["name", "dob", "c_case_number", "r_case_number", "vr_case_number"])
    values = {v for col in ids.columns for v in ids[col].dropna().unique() if len(str(v)) >= 6}
    assert len(values) > 7000  # names and dates of birth at least
    out = tmp_path / "compas_cohorts.ipynb"
    with runner.kernel_options() as kernel:  # Unix sockets: no TCP port to lose to a concurrent test
        papermill.execute_notebook(str(paths.NOTEBOOKS_DIR / "compas_cohorts.ipynb"), str(out),
                                   kernel_name="rehabresearch", cwd=str(paths.PROJECT_ROOT), progress_bar=False,
                                   **kernel)
    nb = json.loads(out.read_text())
    texts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts += [data.get("text/html", ""), data.get("text/markdown", ""), data.get("text/plain", ""),
                      output.get("text", "")]
    rendered = "\n".join("".join(t) if isinstance(t, list) else t for t in texts).lower()
    assert "0.47721" in rendered  # the outputs are really there
    leaked = [v for v in values if str(v).lower() in rendered]
    assert leaked == []
