"""The evidence tables, loaded once for the evidence tests."""

import pytest

from rehabresearch import catalog


@pytest.fixture(scope="module")
def tables():
    """Every transcribed table the equalities-evidence report reads, keyed by short name."""
    loaded = {n: catalog.load(f"evidence_{n}") for n in (
        "prison_population", "probation_starts", "population_comparators", "inspection_ratings", "short_custody")}
    loaded.update({n: catalog.load(n) for n in ("consultation_questions", "consultation_themes")})
    loaded["clinks"] = catalog.load("clinks_response_figures")
    return loaded
