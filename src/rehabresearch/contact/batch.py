"""Tier a CSV file of people: the engine behind ``rehabresearch tier INPUT.csv OUTPUT.csv [--version 2|3]``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import ROW_NOTE, read_csv_table, write_csv_table
from .tiering import TieringError, tier_v2, tier_v3

CALCULATORS = {2: tier_v2, 3: tier_v3}
#: Columns each version adds to the input.
OUTPUT_COLUMNS = {
    2: ["tier", "protect_level", "protect_points", "change_level", "change_points", "unsupervised"],
    3: ["tier", "provisional", "tier_step"],
}
#: With ``version="auto"`` each row's version comes from this column (values v2/v3 or 2/3).
VERSION_COLUMN = "model_version"


@dataclass
class TierSummary:
    """What ``tier_file`` did: rows tiered, tier counts (and provisional count for version 3), where it wrote."""

    input: Path
    output: Path
    version: int | str
    rows: int
    tiers: dict[str, int] = field(default_factory=dict)
    provisional: int | None = None

    def __str__(self) -> str:
        counts = ", ".join(f"{tier} {n}" for tier, n in self.tiers.items())
        extra = f"; provisional {self.provisional}" if self.provisional is not None else ""
        return (f"Tiered {self.rows} row(s) of {self.input} with tiering version {self.version}.\n"
                f"Tiers: {counts}{extra}.\nWrote {self.output}")


def tier_file(input_csv, output_csv, version: int | str = 2, max_errors: int = 50,
              encoding: str = "utf-8") -> TierSummary:
    """Read ``input_csv`` (columns as in the tiering worked cases), add the tier columns, write ``output_csv``.

    ``version`` is 2, 3, or "auto" (each row's version from its ``model_version`` column; the output
    then has both versions' columns, blank where they do not apply). Input cells are kept verbatim.
    The file is read by the project's one CSV reader (:func:`rehabresearch.io.read_csv_table`), so an
    empty, non-CSV, wrongly delimited or wrongly encoded file, a ragged row, an unclosed quote or a
    duplicated column name is refused with the file, line and what to do; ``encoding`` names the
    file's text encoding. Cells stay in Arrow memory (never one Python string per cell), which keeps a
    million rows within seconds and well under a gibibyte. The output is written atomically and only
    if every row is valid; otherwise :class:`TieringError` lists the bad rows (up to ``max_errors``)
    by data-row number and field.
    """
    if version not in (*CALCULATORS, "auto"):
        raise ValueError(f"tiering version must be 2, 3 or 'auto'; got {version!r}")
    input_csv, output_csv = Path(input_csv), Path(output_csv)
    if input_csv.resolve() == output_csv.resolve():
        raise ValueError(f"output {output_csv} would overwrite the input; choose another path")
    if output_csv.is_dir():
        raise ValueError(f"output {output_csv} is a folder; give a file name, e.g. {output_csv / 'tiered.csv'}")
    folder = next((p for p in (output_csv.parent, *output_csv.parent.parents) if p.exists()), None)
    if folder is not None and not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"output {output_csv}: cannot write in {folder} (permission denied); choose a folder you can "
                         "write to")
    table = read_csv_table(input_csv, encoding=encoding)
    if table.num_rows == 0:
        raise ValueError(f"{input_csv}: no data rows")
    df = table.to_pandas(types_mapper=pd.ArrowDtype)
    df.index = pd.RangeIndex(1, len(df) + 1)
    versions = _row_versions(df, version, input_csv)
    used = sorted(set(versions)) if version == "auto" else [version]
    added = list(dict.fromkeys(c for v in used for c in OUTPUT_COLUMNS[v]))
    clashes = [c for c in added if c in df.columns]
    if clashes:
        raise ValueError(f"{input_csv}: already has output column(s) {clashes}; rename or drop them first")
    parts, problems, total = [], [], 0
    for v in used:
        rows = df if len(used) == 1 else df[versions == v]
        try:
            result = CALCULATORS[v](rows)
        except TieringError as exc:
            problems += exc.problems
            total += exc.total
            continue
        except ValueError as exc:
            raise ValueError(f"{input_csv}: version {v}: {exc}") from None
        parts.append(result)
    if total:
        problems.sort(key=lambda p: p.row)
        hint = "; for mixed versions use version 'auto'" if version != "auto" and VERSION_COLUMN in df.columns else ""
        raise TieringError(problems, total=total, show=max_errors, context=f"{input_csv} ({ROW_NOTE}{hint})")
    del df
    for column, values in _text_columns(parts, added, table.num_rows).items():
        table = table.append_column(column, values)
    write_csv_table(output_csv, table)
    tiers = pd.concat([p["tier"] for p in parts]).value_counts().sort_index()
    provisional = int(sum(p["provisional"].sum() for p in parts if "provisional" in p)) if "provisional" in added else None
    return TierSummary(input_csv, output_csv, version, table.num_rows, {str(k): int(v) for k, v in tiers.items()},
                       provisional)


def _text(values: pd.Series):
    """One tier column as Arrow text, as written to the CSV (numbers as integers, flags as true/false)."""
    import pyarrow as pa

    if pd.api.types.is_bool_dtype(values):
        return pa.array(np.where(values.to_numpy(dtype=bool), "true", "false"), type=pa.string())
    if pd.api.types.is_integer_dtype(values):
        return pa.array(values.to_numpy()).cast(pa.string())
    return pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)


def _text_columns(parts: list[pd.DataFrame], added: list[str], n: int) -> dict:
    """The added columns for all ``n`` rows, in row order; blank where a row's version lacks the column."""
    import pyarrow as pa

    if len(parts) == 1 and len(parts[0]) == n:
        return {c: _text(parts[0][c]) for c in added}
    rows = np.concatenate([part.index.to_numpy() - 1 for part in parts])
    back = np.empty(n, dtype=np.int64)
    back[rows] = np.arange(n)  # where each row sits in the parts laid end to end
    taker = pa.array(back)
    out = {}
    for column in added:
        pieces = [_text(part[column]) if column in part else pa.nulls(len(part), pa.string()) for part in parts]
        out[column] = pa.concat_arrays(pieces).take(taker).fill_null("")
    return out


def _row_versions(df: pd.DataFrame, version: int | str, input_csv: Path) -> pd.Series:
    if version != "auto":
        return pd.Series(version, index=df.index)
    if VERSION_COLUMN not in df.columns:
        raise ValueError(f"{input_csv}: version 'auto' needs a '{VERSION_COLUMN}' column")
    codes = df[VERSION_COLUMN].str.strip().str.lower().map({"v2": 2, "2": 2, "v3": 3, "3": 3})
    bad = codes.isna()
    if bad.any():
        rows = list(df.index[bad][:10])
        raise ValueError(f"{input_csv}: field '{VERSION_COLUMN}' must be v2 or v3; bad in row(s) {rows} ({ROW_NOTE})")
    return codes.astype(int)
