"""Find internals in reader-facing text: file paths, file names, module and function names,
code identifiers and seed document IDs. A report page must contain none of them.

:func:`find` returns each leak with its kind and a little context, so a test can name the page
and the words; :func:`rehabresearch.page.visible_text` gives the text a reader sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: kind -> pattern. Order matters only for reporting.
PATTERNS: dict[str, re.Pattern] = {
    "seed document ID": re.compile(r"\b\d{3}_[0-9a-f]{16}\b|\bseed (?:file|document)s? \d{3}\b|\balso 00\d\b"),
    "file path": re.compile(r"(?<![\w/.:])(?:\.{0,2}/)?(?:src|data|notebooks|tests|reports|docs)/[\w./-]+"),
    "file name": re.compile(r"\b[\w-]+\.(?:ya?ml|csv|py|txt|ipynb|json|xlsx?|parquet)\b", re.IGNORECASE),
    "module or function name": re.compile(
        r"(?<![/\w.])(?:rehabresearch\.\w+|(?:scipy|statsmodels|numpy|np|pandas|pd|lifelines|matplotlib|sklearn|SALib)"
        r"\.\w[\w.]*)"
        r"|\b[a-z_]\w*\(\)"),
    "code identifier": re.compile(r"(?<![\w@/.-])_?[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),
}


@dataclass(frozen=True)
class Leak:
    kind: str
    text: str
    context: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.text!r} in '...{self.context}...'"


def find(text: str) -> list[Leak]:
    """Every internal name in ``text`` (one entry per occurrence)."""
    leaks = []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            start, end = match.span()
            leaks.append(Leak(kind, match.group(0), text[max(0, start - 40): end + 40]))
    return leaks
