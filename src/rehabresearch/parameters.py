"""Check a notebook's parameter values before any kernel starts, and resolve the user's relative paths.

A notebook declares its parameters in the cell tagged ``parameters`` as ``name = literal  # comment``.
The declaration is the specification:

* **Type** comes from the default literal: an ``int`` default takes whole numbers (``1e6`` is
  accepted as 1000000), a ``float`` default takes any number (``2e-1`` is 0.2), a ``bool`` default
  takes true/false, a ``str`` default takes text, a ``list`` default takes a list (whose items must
  have the type of the default's items when those all share one type), a ``dict`` default takes a
  mapping, and a ``None`` default takes anything.
* **Range or allowed values** are optional, written in braces at the end of the comment:
  ``{at least 1}``, ``{> 0, < 1}`` (comparisons joined by commas, applied to every item of a list;
  write ``at least``/``at most`` rather than ``>=``/``<=``, which papermill's parser cannot read) or
  ``{one of: flat_monthly | flat_weekly}``. Two words widen the default's type: ``or none`` also
  accepts an empty value (``None``/``null``, e.g. "no caliper"), and ``or text`` also accepts text
  (e.g. a list of covariates or a formula): ``{> 0, or none}``, ``{or text}``.
* **Paths**: a parameter whose comment mentions a *path* takes file paths. A relative path given on
  the command line (``-p``) or in a ``-f`` file is taken relative to the current working directory,
  the same as every other command, and replaced by the resolved path (which the runner prints;
  a file inside the project is passed relative to the project root, where notebooks run).
  A value without a folder separator or file suffix (a catalog or bundled name) is left alone.
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SPEC = re.compile(r"\{([^{}]*)\}\s*$")
_COMPARISON = re.compile(r"^(>=|<=|>|<|at least|at most)\s*([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)$", re.IGNORECASE)
#: Words for the comparisons papermill cannot read in a comment (an "=" there stops its parameter parser).
_WORDS = {"at least": ">=", "at most": "<="}
_OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
_PATH_WORD = re.compile(r"\bpaths?\b", re.IGNORECASE)
_TYPE_WORDS = {bool: "true or false", int: "a whole number", float: "a number", str: "text",
               list: "a list, e.g. [a, b]", dict: "a mapping, e.g. {key: value}"}


class ParameterError(ValueError):
    """A parameter value that does not fit its declaration (one line: notebook, parameter, rule, value, origin)."""


@dataclass(frozen=True)
class Rule:
    """What a declared parameter accepts: the default's type, optional bounds or allowed values, whether a path."""

    name: str
    default: Any
    bounds: tuple[tuple[str, float], ...] = ()
    allowed: tuple[str, ...] = ()
    is_path: bool = False
    or_none: bool = False
    or_text: bool = False

    def describe(self) -> str:
        parts = [_TYPE_WORDS.get(type(self.default), "any value")]
        parts += ["or text"] * self.or_text + ["or none"] * self.or_none
        if self.bounds:
            parts.append(" and ".join(f"{op} {_num(v)}" for op, v in self.bounds))
        if self.allowed:
            parts.append("one of " + ", ".join(self.allowed))
        return ", ".join(parts)


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def rule_of(name: str, default: Any, comment: str = "", where: str = "notebook") -> Rule:
    """The :class:`Rule` for a parameter from its default and comment (a malformed ``{...}`` is an error)."""
    bounds, allowed, widen = [], [], set()
    match = _SPEC.search(comment or "")
    if match:
        body = match.group(1).strip()
        if body.lower().startswith("one of:"):
            allowed = [a.strip() for a in body[7:].split("|") if a.strip()]
        else:
            for part in filter(None, (p.strip() for p in body.split(","))):
                if part.lower() in ("or none", "or text"):
                    widen.add(part.lower())
                    continue
                m = _COMPARISON.match(part)
                if not m:
                    raise ParameterError(
                        f"{where}: parameter {name!r}: cannot read the rule {{{body}}} in its comment "
                        f"(write e.g. {{at least 1}}, {{> 0, < 1}}, {{> 0, or none}}, {{or text}} or {{one of: a | b}})"
                    )
                bounds.append((_WORDS.get(m.group(1).lower(), m.group(1)), float(m.group(2))))
    return Rule(name, default, tuple(bounds), tuple(allowed), bool(_PATH_WORD.search(comment or "")),
                "or none" in widen, "or text" in widen)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check(rule: Rule, value: Any, origin: str, notebook: str) -> Any:
    """``value`` converted to the rule's type (int <-> float where exact), or :class:`ParameterError`."""
    def fail(why: str) -> ParameterError:
        return ParameterError(
            f"{notebook}: parameter {rule.name} must be {why}; got {_show(value)} from {origin} "
            f"(default {_show(rule.default)})"
        )

    kind = type(rule.default)
    if rule.default is None or (rule.or_none and value is None):
        return value
    if rule.or_text and isinstance(value, str) and kind is not str:
        return value
    value = _convert(kind, value, fail)
    if kind is list and rule.default:
        item_kinds = {type(v) for v in rule.default}
        if len(item_kinds) == 1 and next(iter(item_kinds)) in (bool, int, float, str):
            item_kind = next(iter(item_kinds))
            try:
                value = [_convert(item_kind, v, fail) for v in value]
            except ParameterError:
                raise fail(f"a list of {_TYPE_WORDS[item_kind].removeprefix('a ')}s") from None
    items = value if isinstance(value, list) else [value]
    for item in items:
        if rule.bounds and isinstance(item, (int, float)) and not isinstance(item, bool):
            for op, bound in rule.bounds:
                if not _OPS[op](item, bound):
                    raise fail(f"{op} {_num(bound)}")
        if rule.allowed and isinstance(item, str) and item not in rule.allowed:
            raise fail("one of " + ", ".join(rule.allowed))
    return value


def _convert(kind: type, value: Any, fail) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise fail(_TYPE_WORDS[bool])
    if kind is int:
        if isinstance(value, bool):
            raise fail(_TYPE_WORDS[int])
        if isinstance(value, int):
            return value
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            return int(value)
        raise fail(_TYPE_WORDS[int])
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise fail(_TYPE_WORDS[float])
        if not math.isfinite(value):
            raise fail("a finite number")
        return float(value)
    if kind in (str, list, dict):
        if isinstance(value, kind):
            return value
        if kind is str:
            raise fail("text (put quotes round it)")
        raise fail(_TYPE_WORDS[kind])
    return value  # tuples and other literals are passed through as declared


def looks_like_path(text: str) -> bool:
    """A folder separator or a file suffix: a path, not a catalog or bundled name."""
    return "/" in text or "\\" in text or bool(Path(text).suffix)


def resolve_paths(rule: Rule, value: Any, cwd: Path, root: Path | None = None) -> tuple[Any, list[str]]:
    """For a path parameter, resolve relative paths against ``cwd``; also return 'given -> resolved' notes.

    The value passed on is absolute, or relative to ``root`` (the project root, where notebooks run)
    for a file inside it, so a report names ``examples/my_contract.yaml`` rather than the full path.
    """
    if not rule.is_path:
        return value, []
    notes = []

    def one(item):
        if not isinstance(item, str) or not item or not looks_like_path(item):
            return item
        path = Path(item).expanduser()
        resolved = path if path.is_absolute() else (cwd / path)
        resolved = Path(resolved).resolve()
        if not resolved.exists():
            raise ParameterError(f"parameter {rule.name}: no file at {resolved}"
                                 + ("" if path.is_absolute() else f" ({item!r} taken relative to {cwd})"))
        if resolved.is_dir():
            raise ParameterError(f"parameter {rule.name}: {resolved} is a folder; give a file")
        if str(resolved) != item:
            notes.append(f"{rule.name}: {item} -> {resolved}")
        if root is not None and resolved.is_relative_to(root.resolve()):
            return resolved.relative_to(root.resolve()).as_posix()
        return str(resolved)

    if isinstance(value, list):
        return [one(v) for v in value], notes
    return one(value), notes
