"""The transcribed evidence tables load, validate, and say what the seeds say.

Expected numbers are hard-coded with the paragraph they come from: a transcription check.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from rehabresearch import catalog, paths
from rehabresearch.validation import ValidationError

NAMES = [
    "evidence_prison_population",
    "evidence_probation_starts",
    "evidence_population_comparators",
    "evidence_workforce",
    "evidence_inspection_ratings",
    "evidence_short_custody",
]
#: Tables shared with the commissioning report (the single source of these facts for both).
SHARED = ["consultation_questions", "consultation_themes", "clinks_response_figures"]
SEEDS = paths.PROJECT_ROOT.parent / "shared" / "seeds"


def test_every_evidence_table_is_catalogued():
    assert sorted(n for n in catalog.datasets() if n.startswith("evidence_")) == sorted(NAMES)
    assert set(SHARED) <= set(catalog.datasets())


@pytest.mark.parametrize("name", NAMES + SHARED)
def test_table_loads_validates_and_cites_its_source(name):
    ds = catalog.get(name)
    assert ds.kind == "transcribed"
    df = catalog.load(name)
    assert len(df) > 0
    for column in ("source_document", "source_section", "as_printed"):
        assert df[column].notna().all() and (df[column].str.strip() != "").all(), f"{name}: {column} blank"
    assert df["source_document"].str.match(r"^00[14]_[0-9a-f]{16}\.txt: ").all()
    expected = "Open Government Licence v3.0" if name != "clinks_response_figures" else "all rights reserved"
    assert expected in ds.licence
    assert ds.schema["unique"], f"{name}: needs a unique key"


@pytest.mark.parametrize("name", NAMES + SHARED)
def test_quoted_text_is_in_the_seed(name):
    """Every as_printed quote occurs verbatim (up to whitespace and quote marks) in its seed."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed folder {SEEDS} not present")
    norm = lambda s: re.sub(r"\s+", " ", s.replace("\u2019", "'").replace("\u2018", "'")).lower()
    texts = {p.name: norm(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}
    df = catalog.load(name)
    for row, (doc, quote) in enumerate(zip(df["source_document"], df["as_printed"]), start=1):
        seed = doc.split(":")[0]
        assert norm(quote) in texts[seed], f"{name} row {row}: {quote!r} not found in {seed}"


def _get(df, **where):
    mask = pd.Series(True, index=df.index)
    for k, v in where.items():
        mask &= df[k] == v
    assert mask.sum() == 1, where
    return df[mask].iloc[0]


def test_prison_population_annex_b():
    df = catalog.load("evidence_prison_population")
    # Annex B, Race bullets 1-2 (31 March 2018)
    assert _get(df, group="White")[["count", "percent"]].tolist() == [60724, 73]
    assert _get(df, group="BAME")[["count", "percent"]].tolist() == [21992, 26]
    assert _get(df, group="Unstated or unknown")["count"] == 547
    assert _get(df, group="Black or Black British")[["count", "percent"]].tolist() == [10427, 13]
    assert _get(df, group="Asian or Asian British")[["count", "percent"]].tolist() == [6691, 8]
    assert _get(df, group="Other ethnic group")[["count", "percent"]].tolist() == [1178, 1]
    # Annex B, Sex bullet 2
    assert _get(df, characteristic="sex", group="Male")[["count", "percent"]].tolist() == [79463, 95]
    assert _get(df, characteristic="sex", group="Female")[["count", "percent"]].tolist() == [3800, 5]
    # Annex B, Age bullet 1; Religion bullets 1-3; Sexual orientation bullet 1
    assert _get(df, group="30-39")[["count", "percent"]].tolist() == [25218, 30]
    assert _get(df, group="Christian", reference_date="not stated")[["count", "percent"]].tolist() == [41230, 48]
    assert _get(df, group="No religion")[["count", "percent"]].tolist() == [25711, 31]
    muslim = _get(df, group="Muslim", reference_date="2018-03-31")
    assert muslim["percent"] == 15.4 and pd.isna(muslim["count"])  # percentage printed without a count
    assert _get(df, group="Muslim", reference_date="2002")["percent"] == 7.7
    assert _get(df, group="Heterosexual")[["count", "percent"]].tolist() == [71901, 97]
    assert _get(df, group="Gay/Lesbian/Bisexual or Other (LGB)")[["count", "percent"]].tolist() == [1954, 2.6]
    assert _get(df, group="Gay/Lesbian")[["count", "percent"]].tolist() == [972, 1.3]
    assert _get(df, group="Bisexual")[["count", "percent"]].tolist() == [900, 1.2]
    # ethnicity and sex partitions agree on the total
    assert 60724 + 21992 + 547 == 79463 + 3800 == 83263


def test_probation_starts_and_comparators_annex_b():
    starts = catalog.load("evidence_probation_starts")
    # Annex B, Race bullets 3-4 (percentages only) and Sex bullet 3
    assert _get(starts, supervision="court_order", group="White")["percent"] == 82
    assert _get(starts, supervision="court_order", group="BAME")[["percent", "qualifier"]].tolist() == [17, "around"]
    assert pd.isna(_get(starts, supervision="court_order", group="BAME")["count"])
    assert _get(starts, supervision="post_release", group="White")["percent"] == 79
    assert _get(starts, supervision="post_release", group="BAME")["percent"] == 20
    assert _get(starts, group="Male")[["count", "percent"]].tolist() == [107323, 84]
    assert _get(starts, group="Female")[["count", "percent"]].tolist() == [20467, 16]
    comp = catalog.load("evidence_population_comparators").set_index("group")["percent"]
    # Annex B, Race bullet 5; Sex bullet 1; Religion bullets 1-3; Sexual orientation bullet 3
    assert comp.to_dict() == {"Black or Black British": 3, "Asian or Asian British": 7, "BAME": 12.5, "Male": 49,
                              "Female": 51, "Christian": 59, "No religion": 25, "Muslim": 5, "LGB": 2}


def test_workforce_annex_b():
    df = catalog.load("evidence_workforce")
    assert _get(df, organisation="NPS", characteristic="sex")["percent"] == 76
    crc = _get(df, organisation="CRCs", characteristic="sex")
    assert (crc["percent"], crc["percent_upper"]) == (57, 75)
    assert _get(df, area="Northumbria", role="authorised officers")[["count", "total"]].tolist() == [18, 90]
    assert _get(df, area="South Yorkshire")[["count", "total"]].tolist() == [2, 37]
    ages = df[(df["organisation"] == "NPS") & (df["characteristic"] == "age")].set_index("group")["percent"]
    assert ages.to_dict() == {"Under 30": 14, "30-49": 50, "Over 50": 35}


def test_consultation_counts_and_shares():
    q = catalog.load("consultation_questions").set_index(["question", "part"])["responses"]
    # paragraph 11 and each question's "There were N responses" sentence
    expected = {("All", "whole"): 476, ("Q1", "whole"): 378, ("Q2", "first"): 368, ("Q2", "second"): 332,
                ("Q3", "whole"): 353, ("Q4", "whole"): 353, ("Q5", "whole"): 379, ("Q6", "whole"): 388,
                ("Q7", "whole"): 350, ("Q8", "whole"): 341, ("Q9", "whole"): 350, ("Q10", "whole"): 340,
                ("Q11", "whole"): 307, ("Q12", "whole"): 329, ("Q13", "whole"): 309, ("Q14", "whole"): 303,
                ("Q15", "whole"): 214, ("Q16", "whole"): 241, ("Q17", "whole"): 331}
    assert q.to_dict() == expected
    t = catalog.load("consultation_themes")
    q2 = t[t["question"] == "Q2"].set_index("theme")["share_text"]
    assert q2["Frequency should vary with a thorough assessment of risk and needs"] == "over 50%"
    assert q2["Contact should be weekly"] == "over 40%"
    assert q2["Telephone supervision could help in some scenarios"] == "around a third"
    q17 = t[t["question"] == "Q17"]["share_text"].tolist()
    assert q17 == ["around a half", "around half", "nearly 40%"]
    # Executive Summary, paragraph 12: respondent groups (44% of responses; 17% and 8% of respondents)
    assert _get(t, question="All", theme="Respondent type: probation professionals")[["share_text", "share_of"]].tolist() == ["44%", "responses"]
    assert _get(t, question="All", theme="Respondent type: voluntary sector")[["share_text", "share_of"]].tolist() == ["17%", "respondents"]
    assert _get(t, question="All", theme="Respondent type: judges and magistrates")["share_text"] == "8%"
    # paragraphs 14 and 15; Q13 and Q15 (the commissioning report's themes)
    assert _get(t, question="All", theme="Preference for integrating offender management under the NPS")["share_text"] == "around 40%"
    assert _get(t, question="All", theme="Better collaboration between partners")["share_text"] == "over 60%"
    assert _get(t, question="Q13", theme="Local commissioning functions within probation areas")["share_text"] == "around a fifth"
    assert t.loc[t["question"] == "Q15", "share_text"].tolist() == ["around 15%", "around 15%"]
    # each fact once: no theme or respondent group is transcribed twice
    assert not t.duplicated(["question", "part", "theme"]).any()


def test_inspection_ratings_paragraphs_31_32_60():
    df = catalog.load("evidence_inspection_ratings")
    counts = df.set_index(["inspection_set", "organisation", "rating"])["count"]
    # paragraph 31
    assert [counts["overall_recent", "CRC", r] for r in ("Good", "Requires improvement", "Inadequate")] == [1, 12, 1]
    assert counts["overall_recent", "NPS", "Good"] == 4
    # paragraph 32
    assert [counts["supervision_implementation", "CRC", r] for r in ("Requires improvement", "Inadequate")] == [3, 11]
    # paragraphs 32 and 60
    assert [counts["unpaid_work", "CRC", r] for r in ("Good", "Requires improvement", "Inadequate", "Not assessed")] == [10, 2, 1, 1]
    totals = df.groupby(["inspection_set", "organisation"])["count"].sum().to_dict()
    assert totals == {("overall_recent", "CRC"): 14, ("overall_recent", "NPS"): 4,
                      ("supervision_implementation", "CRC"): 14, ("unpaid_work", "CRC"): 14}
    assert not df.loc[df["count"] == 0, "stated"].any()  # zeros are implied, never printed


def test_short_custody_paragraph_34_and_clinks():
    sc = catalog.load("evidence_short_custody").set_index("measure")["value"]
    assert sc["immediate_custody_12_months_or_less"] == 67
    assert sc["study_sentencing_occasions"] == 350000
    assert sc["study_matching_variables"] == 130
    assert sc["reduction_in_proven_reoffences"] == 3
    assert sc["proven_reoffences_avoided"] == 30000
    ck = catalog.load("clinks_response_figures").set_index("measure")["value"]
    # Clinks response: Question 7 (Wales), Question 5, Question 8, Question 10
    assert ck["wales_women_immediate_custody"] == 572
    assert ck["wales_women_immediate_custody_increase"] == 22
    assert ck["wales_women_short_sentences_increase"] == 41
    assert ck["new_psr_decrease"] == 22
    assert (ck["bame_tailored_orgs_closure_risk"], ck["all_orgs_closure_risk"]) == (30, 5)
    assert ck["officers_trained_female_case_management"] == 25  # "one in four"
    # the size of Clinks' consultation events lives in commissioning_engagement only (About this response)
    assert not ck.index.str.startswith("consultation_event").any()


def test_a_broken_transcription_is_caught(tmp_path):
    ds = catalog.get("evidence_inspection_ratings")
    text = ds.path.read_text(encoding="utf-8").replace("overall_recent,CRC,Good,1,", "overall_recent,CRC,Good,-1,", 1)
    bad = tmp_path / "ratings.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match=r"column 'count', row 2: breaks rule 'value >= 0'"):
        catalog.load_csv(bad, ds.schema)
