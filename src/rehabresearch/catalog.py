"""The data catalog: every dataset the project uses, where it came from, and how to load it safely.

Each dataset has one YAML entry in ``data/catalog/<name>.yaml``::

    name: moj_proven_reoffending_2016
    title: MoJ proven reoffending headline series, 2000-2014
    description: ...
    kind: external            # transcribed | external | package | synthetic
    file: moj/proven_reoffending_2016.csv   # under data/raw (transcribed) or data/raw/external
    url: https://...          # external only: the original address, pinned to a commit
    mirror_path: moj_proven_reoffending/proven_reoffending_consultation_tables_2016.csv
    sha256: a47a...
    licence: Open Government Licence v3.0
    source: [{document: ..., section: ...}]
    identifiers: [name, dob]  # direct identifiers dropped at load, besides disclosure.DIRECT_IDENTIFIERS
    individual_level: true    # real records about individual people (a lower disclosure threshold needs permission)
    format: csv               # csv | json (json needs json_records: key of the record list)
    schema: {columns: {...}, unique: [...]}

``package`` entries name a file shipped inside an installed package
(``package_file: lifelines/datasets/rossi.csv``); ``synthetic`` entries name a
seeded generator (``generator: module:function``) and have no file.

Every load is remembered (name and sha256) so a run record can list its inputs.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import shutil
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pydantic
import yaml

from . import disclosure, paths
from .io import atomic_path, read_csv
from .validation import TableSchema, Text, YamlModel, check_model, validate

KINDS = ("transcribed", "external", "package", "synthetic")

#: name -> sha256 (or "synthetic:<generator>") of every dataset loaded in this process.
LOADED: dict[str, str] = {}
#: names (keys of LOADED) of the loaded datasets that hold real records about individual people.
INDIVIDUAL_LEVEL: set[str] = set()


class CatalogError(KeyError):
    """A dataset name or catalog entry is wrong."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0])


class DataNotAvailable(FileNotFoundError):
    """An external dataset has not been fetched; the message gives the command that fetches it."""


class ChecksumError(ValueError):
    """A file's sha256 differs from the catalog's."""


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    kind: str
    licence: str
    source: list[dict[str, Any]]
    sha256: str | None = None
    file: str | None = None
    url: str | None = None
    mirror_path: str | None = None
    identifiers: tuple[str, ...] = ()
    format: str = "csv"
    json_records: str | None = None
    schema: dict | None = None
    package_file: str | None = None
    generator: str | None = None
    notes: str | None = None
    individual_level: bool = False
    entry_path: Path | None = field(default=None, compare=False)

    @property
    def path(self) -> Path | None:
        """Where the file lives (or will live, once fetched)."""
        if self.kind == "transcribed":
            return paths.RAW_DIR / self.file
        if self.kind == "external":
            return paths.EXTERNAL_DIR / self.file
        if self.kind == "package":
            package, _, rel = self.package_file.partition("/")
            spec = importlib.util.find_spec(package)
            if spec is None or not spec.submodule_search_locations:
                raise DataNotAvailable(f"dataset {self.name!r} needs the package {package!r}, which is not installed")
            return Path(list(spec.submodule_search_locations)[0]) / rel
        return None

    @property
    def fetch_command(self) -> str:
        return f"rehabresearch data fetch {self.name}"

    def is_present(self) -> bool:
        if self.kind == "synthetic":
            return True
        try:
            return self.path.is_file()
        except DataNotAvailable:
            return False

    def source_text(self) -> str:
        """One line naming every source, for captions and the index."""
        parts = []
        for s in self.source:
            text = s.get("document", "")
            if s.get("section"):
                text += f", {s['section']}"
            parts.append(text)
        return "; ".join(parts)


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class CatalogEntry(YamlModel):
    """One ``data/catalog/<name>.yaml`` entry (unknown fields are refused)."""

    name: Text
    title: Text
    description: Text
    kind: Literal["transcribed", "external", "package", "synthetic"]
    licence: Text
    source: list[dict[str, Any]] = pydantic.Field(min_length=1)
    sha256: str | None = None
    file: str | None = None
    url: str | None = None
    mirror_path: str | None = None
    identifiers: tuple[str, ...] = ()
    format: Literal["csv", "json"] = "csv"
    json_records: str | None = None
    schema_: TableSchema | None = pydantic.Field(default=None, alias="schema")
    package_file: str | None = None
    generator: str | None = None
    notes: str | None = None
    individual_level: bool = False

    @pydantic.field_validator("source", mode="before")
    @classmethod
    def _one_source_is_a_list(cls, value):
        return value if isinstance(value, list) else [value]

    @pydantic.field_validator("identifiers", mode="before")
    @classmethod
    def _no_identifiers(cls, value):
        return () if value is None else value


_NEEDS = {"transcribed": ("file", "sha256"), "external": ("file", "sha256", "url"),
          "package": ("package_file", "sha256"), "synthetic": ("generator",)}


def _parse_entry(path: Path) -> Dataset:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}

    def fail(field: str, message: str) -> CatalogError:
        if message in ("is required", "is empty"):
            return CatalogError(f"catalog entry {path}: missing field {field!r}")
        if field == "(top level)":
            return CatalogError(f"catalog entry {path}: {message}")
        return CatalogError(f"catalog entry {path}: field {field!r}: {message}")

    entry = check_model(CatalogEntry, raw, fail,
                        unknown=lambda parent, keys, allowed: (parent, f"unknown fields {keys}; allowed: {allowed}"))
    if entry.name != path.stem:
        raise CatalogError(f"catalog entry {path}: name {entry.name!r} must match the file name {path.stem!r}")
    for required in _NEEDS[entry.kind]:
        if not getattr(entry, required):
            raise CatalogError(f"catalog entry {path}: a {entry.kind} dataset needs {required!r}")
    fields = entry.model_dump(exclude={"schema_"})
    schema = raw.get("schema") if entry.schema_ is not None else None
    return Dataset(**fields, schema=schema, entry_path=path)


_PARSED: dict[Path, tuple[tuple, dict[str, Dataset]]] = {}


def datasets(catalog_dir: Path | None = None) -> dict[str, Dataset]:
    """Every catalog entry, by name (parsed once, re-read when an entry file changes)."""
    folder = catalog_dir or paths.CATALOG_DIR
    files = sorted(folder.glob("*.yaml"))
    signature = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    cached = _PARSED.get(folder)
    if cached is None or cached[0] != signature:
        cached = (signature, {p.stem: _parse_entry(p) for p in files})
        _PARSED[folder] = cached
    return dict(cached[1])


def get(name: str) -> Dataset:
    """The catalog entry called ``name``."""
    entries = datasets()
    if name not in entries:
        raise CatalogError(f"no dataset called {name!r} in the catalog; known: {', '.join(entries)}")
    return entries[name]


def status(ds: Dataset) -> str:
    """'present', 'absent' (with the fetch command), or 'checksum mismatch'."""
    if ds.kind == "synthetic":
        return "generated on load"
    if not ds.is_present():
        return f"absent (run: {ds.fetch_command})" if ds.kind == "external" else "absent"
    return "present" if sha256_file(ds.path) == ds.sha256 else "checksum mismatch"


def mirror_dir() -> Path | None:
    value = os.environ.get(paths.MIRROR_ENV)
    return Path(value).expanduser().resolve() if value else None


def fetch(name: str, *, force: bool = False, mirror: str | os.PathLike | None = None, progress=print) -> Path:
    """Bring an external dataset into ``data/raw/external`` from its mirror or its original address.

    The file is verified against the catalog's sha256 before it is kept; on a
    mismatch nothing is kept and :class:`ChecksumError` names both digests.
    """
    ds = get(name)
    if ds.kind != "external":
        raise CatalogError(f"dataset {name!r} is {ds.kind}, not external: nothing to fetch")
    target = ds.path
    if target.is_file() and not force:
        if sha256_file(target) == ds.sha256:
            progress(f"{name}: already present at {target}")
            return target
        progress(f"{name}: file at {target} fails its checksum; fetching again")
    mirror_root = Path(mirror) if mirror else mirror_dir()
    with atomic_path(target) as tmp:
        if mirror_root is not None and ds.mirror_path and (mirror_root / ds.mirror_path).is_file():
            origin = mirror_root / ds.mirror_path
            progress(f"{name}: copying from mirror {origin}")
            shutil.copyfile(origin, tmp)
        else:
            origin = ds.url
            progress(f"{name}: downloading {origin}")
            try:
                with urllib.request.urlopen(ds.url, timeout=60) as response, open(tmp, "wb") as out:
                    shutil.copyfileobj(response, out)
            except OSError as exc:
                hint = f" (or set {paths.MIRROR_ENV} to a folder holding {ds.mirror_path})" if ds.mirror_path else ""
                raise DataNotAvailable(f"{name}: could not download {ds.url}: {exc}{hint}") from exc
        digest = sha256_file(tmp)
        if digest != ds.sha256:
            raise ChecksumError(
                f"{name}: sha256 of {origin} is {digest}, but the catalog expects {ds.sha256}; the file was not kept"
            )
    progress(f"{name}: verified sha256 and saved to {target}")
    return target


def _read_file(ds: Dataset, path: Path) -> pd.DataFrame:
    if ds.format == "csv":
        return read_csv(path, blank_as_missing=True, number_duplicates=True)  # published files are read as published
    if ds.format == "json":
        data = json.loads(path.read_text(encoding="utf-8"))
        records = data[ds.json_records] if ds.json_records else data
        return pd.DataFrame.from_records(records)
    raise CatalogError(f"dataset {ds.name!r}: unknown format {ds.format!r}")


def load(name: str, *, validate_schema: bool = True, **generator_kwargs: Any) -> pd.DataFrame:
    """Load a dataset by name: verify its sha256, drop direct identifiers, validate its schema.

    Synthetic datasets pass ``generator_kwargs`` (e.g. ``seed``, ``n``) to their generator.
    """
    ds = get(name)
    if ds.kind == "synthetic":
        module_name, _, func_name = ds.generator.partition(":")
        df = getattr(importlib.import_module(module_name), func_name)(**generator_kwargs)
        LOADED[name] = f"synthetic:{ds.generator}:{json.dumps(generator_kwargs, sort_keys=True, default=str)}"
        file_label = f"{name} (synthetic)"
    else:
        path = ds.path
        if not path.is_file():
            if ds.kind == "external":
                raise DataNotAvailable(f"dataset {name!r} is not present at {path}; fetch it with: {ds.fetch_command}")
            raise DataNotAvailable(f"dataset {name!r}: file {path} is missing")
        digest = sha256_file(path)
        if digest != ds.sha256:
            raise ChecksumError(f"{name}: {path} has sha256 {digest}, the catalog expects {ds.sha256}")
        df = _read_file(ds, path)
        LOADED[name] = digest
        if ds.individual_level:
            INDIVIDUAL_LEVEL.add(name)
        file_label = str(path.relative_to(paths.PROJECT_ROOT)) if path.is_relative_to(paths.PROJECT_ROOT) else str(path)
    df = disclosure.drop_identifiers(df, extra=ds.identifiers)
    if validate_schema and ds.schema:
        df = validate(df, ds.schema, file=file_label)
    return df


def load_csv(path: str | os.PathLike, schema: dict | None = None, identifiers: tuple[str, ...] = (),
             individual_level: bool = True) -> pd.DataFrame:
    """Load a user's own CSV with the same checks as a catalog dataset (records its sha256 as an input).

    A user's file is taken to hold real records about individual people unless ``individual_level=False``.
    """
    path = Path(path)
    if not path.is_absolute():
        path = paths.PROJECT_ROOT / path
    if not path.is_file():
        raise FileNotFoundError(f"no file at {path}")
    df = read_csv(path, blank_as_missing=True)
    label = path.relative_to(paths.PROJECT_ROOT) if path.is_relative_to(paths.PROJECT_ROOT) else path
    LOADED[str(label)] = sha256_file(path)
    if individual_level:
        INDIVIDUAL_LEVEL.add(str(label))
    df = disclosure.drop_identifiers(df, extra=identifiers)
    return validate(df, schema, file=str(path)) if schema else df


def individual_level(names) -> list[str]:
    """Those of ``names`` (loaded datasets) that hold real records about individual people."""
    return sorted(n for n in names if n in INDIVIDUAL_LEVEL)


def markdown_table() -> str:
    """The catalog as a Markdown table (name, kind, title, source, licence) for the data log."""
    lines = ["| dataset | kind | what | source | licence |", "|---|---|---|---|---|"]
    for name, ds in datasets().items():
        cells = [f"`{name}`", ds.kind, ds.title, ds.source_text() + (f" <{ds.url}>" if ds.url else ""), ds.licence]
        lines.append("| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def source_of(name: str) -> str:
    """A dataset's title and sources, for the 'Source:' line under a table or figure."""
    ds = get(name)
    return f"{ds.title}; {ds.source_text()}"
