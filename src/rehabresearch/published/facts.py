"""One rule for a fact from outside the seed documents, the same in every report.

The project's reports rest on five published seed documents. A fact from another publication (a press
release, a National Audit Office report, a parliamentary answer) is used only when a catalog dataset
transcribes it, one row per fact, citing its publisher, title, date and section. Every report then treats
it the same way: it states the fact with that citation, and says the fact comes from outside the seed
documents. A fact with no such entry is not used.

:func:`outside_fact` returns such a fact with its citation; :func:`is_seed` says whether a row's document is
one of the seeds; :func:`citation` gives the reader's citation (the seed file identifier removed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .. import sources

from .transcribed import require_columns

#: A seed document is cited with its file identifier, e.g. "(Clinks, June 2021; seed 000_bc63993ac262e051.txt)".
_SEED = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt")


def is_seed(document: str) -> bool:
    """Whether a source document string cites one of the seed documents (by its file identifier)."""
    return bool(_SEED.search(str(document)))


def citation(document: str) -> str:
    """The citation a reader sees: the document as cited, without any seed file identifier
    (the source-document registry's cleaning, :func:`rehabresearch.sources.clean`)."""
    return (sources.clean(str(document)) or "").strip(" ;:,")


@dataclass(frozen=True)
class Fact:
    """A published fact: value, unit, what it is, and where it comes from."""

    fact_id: str
    value: float
    unit: str
    description: str
    source: str            # reader's citation: publisher, title, date
    section: str
    from_seed: bool

    @property
    def cited(self) -> str:
        """'publisher, title, date (section)', marked when it is outside the seed documents."""
        where = f"{self.source}, {self.section}" if self.section else self.source
        return where if self.from_seed else f"{where} (outside the seed documents; transcribed with its citation)"


def outside_fact(facts: pd.DataFrame, fact_id: str) -> Fact:
    """The fact ``fact_id`` from a catalog table of facts (columns fact_id, value, unit, description,
    source_document, source_section), with the citation every report uses.

    Raises KeyError naming the fact when the table has no entry for it (a fact with no entry is not used),
    and ValueError when the entry cites no document.
    """
    require_columns(facts, ["fact_id", "value", "unit", "description", "source_document", "source_section"], "facts table")
    hit = facts[facts["fact_id"] == fact_id]
    if hit.empty:
        raise KeyError(f"facts table: no entry for {fact_id!r}; a fact from outside the seed documents needs a catalog entry citing its publisher")
    row = hit.iloc[0]
    document = str(row["source_document"] if pd.notna(row["source_document"]) else "").strip()
    if not document:
        raise ValueError(f"facts table: fact {fact_id!r} cites no document")
    section = str(row["source_section"]) if pd.notna(row["source_section"]) else ""
    return Fact(fact_id, float(row["value"]), str(row["unit"]), str(row["description"]), citation(document), section,
                is_seed(document))
