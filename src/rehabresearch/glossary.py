"""The one shared glossary: each page lists only the terms its visible text uses.

Entries live in ``glossary.yaml`` beside this module (term, the words matched on a page, and a
plain-English definition). Abbreviations (all capitals) match case-sensitively as whole words;
other words match whole-word and case-insensitively.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

GLOSSARY_FILE = Path(__file__).with_name("glossary.yaml")


@dataclass(frozen=True)
class Term:
    term: str
    match: tuple[str, ...]
    definition: str

    def pattern(self) -> re.Pattern:
        parts = []
        for word in self.match:
            escaped = re.escape(word)
            if word.isupper() or any(ch.isdigit() for ch in word):
                parts.append(f"(?-i:(?<![\\w-]){escaped}(?![\\w-]))")
            else:
                parts.append(f"(?<![\\w-]){escaped}(?![\\w-])")
        return re.compile("|".join(parts), re.IGNORECASE)


@cache
def entries(path: Path = GLOSSARY_FILE) -> tuple[Term, ...]:
    """Every glossary entry, in file order; a malformed entry is a ValueError naming it."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = []
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict) or not {"term", "match", "definition"} <= set(item):
            raise ValueError(f"{path.name}: entry {i} needs term, match and definition")
        if not item["match"] or not all(isinstance(m, str) and m for m in item["match"]):
            raise ValueError(f"{path.name}: entry {i} ({item['term']}) needs a list of words to match")
        out.append(Term(str(item["term"]), tuple(item["match"]), str(item["definition"]).strip()))
    return tuple(out)


def terms_in(text: str) -> list[Term]:
    """The glossary entries whose words appear in ``text``, sorted by term."""
    found = [t for t in entries() if t.pattern().search(text)]
    return sorted(found, key=lambda t: t.term.lower())
