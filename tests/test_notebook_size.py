"""Notebooks stay thin: narrative and parameters, with every calculation, table and figure in the library.

Counted: non-blank, non-comment lines of code cells outside the parameters cell. Limits: at most 100 per
notebook and under 600 across all notebooks.
"""

from __future__ import annotations

import nbformat
import pytest

from rehabresearch import paths

PER_NOTEBOOK = 100
TOTAL = 600
NOTEBOOKS = sorted(p.stem for p in paths.NOTEBOOKS_DIR.glob("*.ipynb"))
#: Notebooks whose thinning belongs to other work in progress; remove a name once its notebook is under the limit.
def code_lines(name: str) -> int:
    return count_code_lines(nbformat.read(paths.NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4))


def count_code_lines(nb) -> int:
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        count += sum(1 for line in cell.source.splitlines() if line.strip() and not line.strip().startswith("#"))
    return count


def test_counting_rule():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("a = 1\n\n# comment\nb = 2"), nbformat.v4.new_markdown_cell("x = 1"),
                nbformat.v4.new_code_cell("p = 1", metadata={"tags": ["parameters"]})]
    assert count_code_lines(nb) == 2


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_has_at_most_100_code_lines(name):
    assert code_lines(name) <= PER_NOTEBOOK, f"{name} has {code_lines(name)} code lines outside its parameters cell"


def test_all_notebooks_together_under_600_code_lines():
    total = sum(code_lines(n) for n in NOTEBOOKS)
    assert total < TOTAL, f"{total} code lines across the notebooks"
