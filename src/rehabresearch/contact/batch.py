"""Tier a CSV file of people: the engine behind ``rehabresearch tier INPUT.csv OUTPUT.csv [--version 2|3]``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..io import write_csv
from .tiering import TieringError, tier_v2, tier_v3

CALCULATORS = {2: tier_v2, 3: tier_v3}
#: Columns each version adds to the input.
OUTPUT_COLUMNS = {
    2: ["tier", "protect_level", "protect_points", "change_level", "change_points", "unsupervised"],
    3: ["tier", "provisional", "tier_step"],
}
#: With ``version="auto"`` each row's version comes from this column (values v2/v3 or 2/3).
VERSION_COLUMN = "model_version"
ROW_NOTE = "row numbers count data rows; row 1 is the line after the header"


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


def tier_file(input_csv, output_csv, version: int | str = 2, max_errors: int = 50) -> TierSummary:
    """Read ``input_csv`` (columns as in the tiering worked cases), add the tier columns, write ``output_csv``.

    ``version`` is 2, 3, or "auto" (each row's version from its ``model_version`` column; the output
    then has both versions' columns, blank where they do not apply). Input cells are kept verbatim.
    The output is written atomically and only if every row is valid; otherwise :class:`TieringError`
    lists the bad rows (up to ``max_errors``) by data-row number and field.
    """
    if version not in (*CALCULATORS, "auto"):
        raise ValueError(f"tiering version must be 2, 3 or 'auto'; got {version!r}")
    input_csv, output_csv = Path(input_csv), Path(output_csv)
    if input_csv.resolve() == output_csv.resolve():
        raise ValueError(f"output {output_csv} would overwrite the input; choose another path")
    df = pd.read_csv(input_csv, dtype=str, keep_default_na=False)
    if df.empty:
        raise ValueError(f"{input_csv}: no data rows")
    df.index = pd.RangeIndex(1, len(df) + 1)
    versions = _row_versions(df, version, input_csv)
    added = list(dict.fromkeys(c for v in sorted(set(versions)) for c in OUTPUT_COLUMNS[v]))
    clashes = [c for c in added if c in df.columns]
    if clashes:
        raise ValueError(f"{input_csv}: already has output column(s) {clashes}; rename or drop them first")
    parts, problems, total = [], [], 0
    for v in sorted(set(versions)):
        rows = df[versions == v]
        try:
            result = CALCULATORS[v](rows)
        except TieringError as exc:
            problems += exc.problems
            total += exc.total
            continue
        except ValueError as exc:
            raise ValueError(f"{input_csv}: version {v}: {exc}") from None
        for flag in ("provisional", "unsupervised"):
            if flag in result:
                result[flag] = result[flag].map({True: "true", False: "false"})
        parts.append(result.astype({c: object for c in result.columns}))
    if total:
        problems.sort(key=lambda p: p.row)
        hint = "; for mixed versions use version 'auto'" if version != "auto" and VERSION_COLUMN in df.columns else ""
        raise TieringError(problems, total=total, show=max_errors, context=f"{input_csv} ({ROW_NOTE}{hint})")
    result = pd.concat(parts).reindex(index=df.index, columns=added)
    result = result.where(result.notna(), "")
    write_csv(output_csv, pd.concat([df, result], axis=1))
    tiers = result["tier"].value_counts().sort_index()
    provisional = int((result["provisional"] == "true").sum()) if "provisional" in result else None
    return TierSummary(input_csv, output_csv, version, len(df), {str(k): int(v) for k, v in tiers.items()}, provisional)


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
