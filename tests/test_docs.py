"""The data log lists exactly the datasets in the catalog; the assumptions log links every domain page."""

import re

from rehabresearch import catalog, paths

DOCS = paths.PROJECT_ROOT / "docs"


def test_data_log_table_is_the_catalog():
    text = (DOCS / "data-log.md").read_text()
    table = text.split("## Catalog", 1)[1].strip() + "\n"
    assert table == catalog.markdown_table(), "regenerate with: rehabresearch data list --markdown"


def test_assumptions_log_links_resolve():
    text = (DOCS / "assumptions-and-caveats.md").read_text()
    links = re.findall(r"\]\(([^)]+\.md)\)", text)
    assert links
    for link in links:
        assert (DOCS / link).is_file(), f"assumptions log links a missing page: {link}"
