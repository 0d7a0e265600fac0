"""The registry of source documents, and the one way reader text cites them.

``data/catalog/sources/documents.yaml`` lists every document the reports cite: a stable id, the
full citation, the short form used inline, date, publisher and (when one is recorded) a URL.
:func:`cite` gives the inline citation of a document (with a section); :func:`reference` the
full entry for a reference list; :func:`clean` rewrites reader text that still names a document
by an internal label (a seed file ID such as ``000_bc63993ac262e051.txt``, "also 001", or a file
or package path listed among the document's aliases) into its citation. Every table caption,
source line, finding, caveat and headline label passes through :func:`clean` in
:class:`rehabresearch.reporting.Report`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from . import paths

REGISTRY_NAME = Path("sources") / "documents.yaml"
_FIELDS = {"id", "seed", "citation", "short", "date", "publisher", "url", "aliases", "mentions"}
_SEED_ID = r"(\d{3})_[0-9a-f]{16}(?:\.txt)?"


class SourceError(KeyError):
    """An unknown document id or a malformed registry entry."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Document:
    id: str
    citation: str
    short: str
    date: str
    publisher: str
    url: str | None = None
    seed: str | None = None
    aliases: tuple[tuple[str, str], ...] = ()  # (internal text, what reader text shows instead)
    mentions: tuple[str, ...] = ()  # phrases showing that a text cites this document

    def reference(self) -> str:
        """The full citation, with its address when one is recorded."""
        return self.citation + (f" Available at {self.url}" if self.url else "")


@cache
def _load(path: Path) -> dict[str, Document]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    docs: dict[str, Document] = {}
    for i, item in enumerate(raw, 1):
        where = f"{path.name}, entry {i}"
        if not isinstance(item, dict):
            raise SourceError(f"{where}: must be a mapping")
        unknown = set(item) - _FIELDS
        missing = {"id", "citation", "short", "date", "publisher"} - set(item)
        if unknown or missing:
            raise SourceError(f"{where} ({item.get('id', '?')}): unknown fields {sorted(unknown)}, "
                              f"missing fields {sorted(missing)}")
        if item["id"] in docs:
            raise SourceError(f"{where}: id {item['id']!r} is listed twice")
        docs[item["id"]] = Document(
            id=str(item["id"]), citation=str(item["citation"]).strip(), short=str(item["short"]).strip(),
            date=str(item["date"]), publisher=str(item["publisher"]), url=item.get("url") or None,
            seed=str(item["seed"]) if item.get("seed") is not None else None,
            aliases=tuple(_alias(a, item["short"], where) for a in item.get("aliases") or ()),
            mentions=tuple(str(m) for m in item.get("mentions") or ()),
        )
    return docs


def _alias(entry, short: str, where: str) -> tuple[str, str]:
    """An alias is a string (shown as the short citation) or {text: ..., as: ...}."""
    if isinstance(entry, str) and entry:
        return entry, str(short).strip()
    if isinstance(entry, dict) and set(entry) == {"text", "as"}:
        return str(entry["text"]), str(entry["as"])
    raise SourceError(f"{where}: an alias is a string or a mapping with 'text' and 'as', got {entry!r}")


def documents(catalog_dir: Path | None = None) -> dict[str, Document]:
    """Every registered document, by id."""
    return _load((catalog_dir or paths.CATALOG_DIR) / REGISTRY_NAME)


def get(doc_id: str) -> Document:
    docs = documents()
    if doc_id not in docs:
        raise SourceError(f"no source document {doc_id!r} in the registry; known: {', '.join(sorted(docs))}")
    return docs[doc_id]


def cite(doc_id: str, section: str | None = None) -> str:
    """The inline citation: cite('moj_strengthening_probation_response_2019', 'para 39') ->
    'Ministry of Justice, Strengthening Probation, ... (CP 93, May 2019), para 39'."""
    doc = get(doc_id)
    return f"{doc.short}, {section}" if section else doc.short


def reference(doc_id: str) -> str:
    return get(doc_id).reference()


def cited_in(text: str) -> list[Document]:
    """The documents ``text`` cites (by short citation or a listed mention), in registry order."""
    low = text.lower()
    return [d for d in documents().values()
            if d.short.lower() in low or any(m.lower() in low for m in d.mentions)]


def by_seed(number: str) -> Document | None:
    return next((d for d in documents().values() if d.seed == number), None)


def clean(text: str | None) -> str | None:
    """Reader text with internal document labels replaced by citations (see module doc)."""
    if not text:
        return text
    out = re.sub(rf"\s*\((?:seed(?: file)?\s+)?{_SEED_ID}\)", "", text)
    out = re.sub(rf"\s*[;,]\s*seed(?: file)?\s+{_SEED_ID}", "", out)
    out = re.sub(rf"\b{_SEED_ID}:\s*", "", out)

    def _seed(match: re.Match) -> str:
        doc = by_seed(match.group(1))
        return doc.short if doc else "an unpublished project document"

    out = re.sub(rf"\b(?:seed(?: file)?\s+)?{_SEED_ID}", _seed, out)
    out = re.sub(r"\balso (00\d)\b", lambda m: "also " + (by_seed(m.group(1)).short if by_seed(m.group(1)) else m.group(0)), out)
    for doc in documents().values():
        for alias, shown in sorted(doc.aliases, key=lambda a: len(a[0]), reverse=True):
            if alias in out:
                out = out.replace(alias, shown)
    return out
