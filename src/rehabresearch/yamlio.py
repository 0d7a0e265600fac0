"""YAML as people write it: ``2e-1`` and ``4.2e6`` are numbers, and a malformed file is one line naming file and line.

PyYAML follows YAML 1.1, whose float pattern needs a dot and a signed exponent, so
``2e-1``, ``1e6`` and ``4.2e6`` come back as text. :class:`Loader` adds the YAML 1.2
spelling of scientific notation on top of PyYAML's safe loader (nothing else changes).
:class:`ParameterLoader` also leaves ``2013-04-01`` as text rather than a date, because
notebook parameters are Python literals and a date is written as a string there.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

#: Scientific notation without a dot or with an unsigned exponent (YAML 1.2 floats PyYAML misses).
_SCIENTIFIC = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$")


class YamlFileError(ValueError):
    """A YAML file or value that cannot be read; the message is one line naming the file and line."""


class Loader(yaml.SafeLoader):
    """PyYAML's safe loader, reading YAML 1.2 scientific notation (``2e-1``, ``4.2e6``) as floats."""


Loader.add_implicit_resolver("tag:yaml.org,2002:float", _SCIENTIFIC, list("-+0123456789."))


class ParameterLoader(Loader):
    """:class:`Loader` without timestamps: a date in a parameter stays text, as the notebook expects."""


ParameterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in ParameterLoader.yaml_implicit_resolvers.items()
}


def one_line(exc: yaml.YAMLError) -> str:
    """A YAML error as 'line N, column M: problem' (no multi-line context, no traceback)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"{where}{problem}"


def loads(text: str, where: str = "<text>", loader: type[yaml.SafeLoader] = Loader) -> Any:
    """Parse YAML ``text``; a syntax error is a :class:`YamlFileError` '``where``, line N, column M: problem'."""
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - loader is always a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise YamlFileError(f"{where}: not valid YAML at {one_line(exc)}") from None


def load_file(path: str | os.PathLike, loader: type[yaml.SafeLoader] = Loader) -> Any:
    """Read a YAML file; unreadable or malformed files give one-line :class:`YamlFileError` naming the file."""
    path = Path(path)
    if path.is_dir():
        raise YamlFileError(f"{path} is a folder, not a YAML file")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlFileError(f"no file at {path}") from None
    except UnicodeDecodeError as exc:
        raise YamlFileError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise YamlFileError(f"{path}: cannot be read ({exc.strerror})") from None
    return loads(text, str(path), loader)
