"""Atomic writes (a file is either its old self or its complete new self) and the one CSV reader.

Every CSV the project reads goes through :func:`read_csv_table` (or :func:`read_csv`), so every
problem with a file -- empty, not CSV, wrong delimiter, wrong encoding, ragged row, unclosed
quote, duplicated column name -- is reported the same way, naming the file and what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from collections.abc import Iterator


@contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` only if the block succeeds.

    The temporary file is removed on any error, on Ctrl-C, and on SIGTERM (which would otherwise end
    the process without cleaning up): while the block runs, an unhandled SIGTERM exits via SystemExit.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~user_umask())  # mkstemp makes 0600; the file should get what the user's umask gives
    tmp_path = Path(tmp)
    with _sigterm_exits():
        try:
            yield tmp_path
            os.replace(tmp_path, target)
        finally:
            if tmp_path.exists():
                tmp_path.unlink()


@contextmanager
def _sigterm_exits() -> Iterator[None]:
    """In the main thread, turn a SIGTERM with no handler of its own into SystemExit(143) for the block."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        yield
        return

    def _exit(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def user_umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(target: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_json(target: str | os.PathLike, obj: Any) -> Path:
    """Write ``obj`` as indented, key-sorted JSON atomically (stable for diffs and reproducibility checks)."""
    return write_text(target, json.dumps(obj, indent=2, sort_keys=True, default=_json_default) + "\n")


def write_csv(target: str | os.PathLike, df) -> Path:
    """Write a DataFrame to CSV atomically, without the index."""
    with atomic_path(target) as tmp:
        df.to_csv(tmp, index=False)
    return Path(target)


def write_csv_table(target: str | os.PathLike, table) -> Path:
    """Write a pyarrow Table of text columns to CSV atomically (quotes only where needed, like pandas)."""
    import pyarrow.csv as pacsv

    import pyarrow as pa

    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(table.column_names)
    with atomic_path(target) as tmp:
        for style in ("none", "needed"):  # plain cells unquoted; if any cell needs quotes, quote text cells
            try:
                with open(tmp, "wb") as out:
                    out.write(header.getvalue().encode("utf-8"))
                    pacsv.write_csv(table, out, write_options=pacsv.WriteOptions(quoting_style=style,
                                                                                 include_header=False))
                break
            except pa.ArrowInvalid:
                continue
    return Path(target)


def _json_default(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serialisable")


# -- reading CSV files -------------------------------------------------------------------------------

#: Row numbers in messages count data rows; row 1 is the line after the header.
ROW_NOTE = "row numbers count data rows; row 1 is the line after the header"

_NOT_CSV = (  # (leading bytes, what the file is)
    (b"PK\x03\x04", "a zip archive or an Excel/OpenDocument workbook"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel or Word file"),
    (b"%PDF", "a PDF document"),
    (b"PAR1", "a Parquet file"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"SQLite format 3", "an SQLite database"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
_SAVE_AS = "save it from your spreadsheet or database as 'CSV (comma-separated)', UTF-8, with one header line"


class CSVError(ValueError):
    """A file cannot be read as a CSV table: names the file, where (line or byte), what is wrong and what to do."""

    def __init__(self, file, problem: str, advice: str = "", *, line: int | None = None, row: int | None = None,
                 byte: int | None = None):
        self.file, self.problem, self.advice = str(file), problem, advice
        self.line, self.row, self.byte = line, row, byte
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [f"file {self.file}"]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.row is not None:
            where.append(f"data row {self.row}")
        if self.byte is not None:
            where.append(f"byte {self.byte}")
        return ", ".join(where) + f": {self.problem}" + (f"; {self.advice}" if self.advice else "")


def read_csv_table(path: str | os.PathLike, *, encoding: str = "utf-8", label: str | None = None,
                   number_duplicates: bool = False):
    """Read a CSV file as a pyarrow Table of text columns, cells verbatim ('' for blank), with clear errors.

    Every CSV loader of the project reads through here. Refused, naming the file and what to do: a missing
    file or a folder, an empty file, a file that is not CSV (a workbook, PDF, binary data), a
    semicolon- or tab-delimited file, a duplicated column name, bytes that are not valid in ``encoding``
    (with the byte position and line), an unclosed quote, and a row with more or fewer fields than the
    header (with its line and data-row number). ``number_duplicates`` is for published files that cannot
    be corrected: a repeated column name gets a suffix (``decile_score.1``) instead of being refused.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    path = Path(path)
    label = label or str(path)
    if path.is_dir():
        raise CSVError(label, "is a folder, not a file", "give the path of a CSV file")
    if not path.is_file():
        raise FileNotFoundError(f"no file at {label}")
    data = path.read_bytes()
    header = _check_head(data, label, encoding, number_duplicates)
    ascii_compatible = codecs.lookup(encoding).name not in ("utf-16", "utf-16-le", "utf-16-be", "utf-32",
                                                            "utf-32-le", "utf-32-be")
    quotes = (data.count(b'"') if data.find(b'"') >= 0 else 0) if ascii_compatible else 1  # find is a fast memchr
    if ascii_compatible and quotes % 2:
        _diagnose(data, label, encoding, len(header))  # finds the unclosed quote and raises
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(encoding=encoding, column_names=header, skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=quotes > 0),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in header},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        _diagnose(data, label, encoding, len(header))
        raise CSVError(label, f"cannot be read as CSV ({exc})", _SAVE_AS) from None
    return table


def read_csv(path: str | os.PathLike, *, encoding: str = "utf-8", label: str | None = None,
             blank_as_missing: bool = False, number_duplicates: bool = False):
    """:func:`read_csv_table` as a pandas DataFrame of text (object) columns; blanks become NaN if asked."""
    import numpy as np

    df = read_csv_table(path, encoding=encoding, label=label, number_duplicates=number_duplicates).to_pandas()
    if blank_as_missing:
        df = df.where(df.ne(""), np.nan)
    return df


def _check_head(data: bytes, label: str, encoding: str, number_duplicates: bool = False) -> list[str]:
    """Refuse empty and non-CSV files; return the header's column names (checked for duplicates)."""
    blank = b" \t\r\n"
    if data[:65536].strip(blank) in (b"", codecs.BOM_UTF8) and data.strip(blank) in (b"", codecs.BOM_UTF8):
        raise CSVError(label, "is empty", "expected a header line naming the columns, then one line per row")
    for magic, what in _NOT_CSV:
        if data.startswith(magic):
            raise CSVError(label, f"is not a CSV file (it looks like {what})", _SAVE_AS)
    head = data[:65536]
    if b"\x00" in head and not encoding.lower().replace("-", "").startswith(("utf16", "utf32")):
        raise CSVError(label, "is not a CSV file (it holds binary data)",
                       _SAVE_AS + " (or, if it is UTF-16 text, pass the encoding option, e.g. utf-16)")
    if encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig"):
        text_head = head.decode("utf-8", errors="ignore")
    else:
        text_head = head.decode(encoding, errors="ignore")
    text_head = text_head.lstrip("\ufeff")
    if text_head.lstrip()[:1] in ("{", "[") or text_head.lstrip()[:1] == "<":
        kind = "JSON" if text_head.lstrip()[:1] in "{[" else "HTML or XML"
        raise CSVError(label, f"is not a CSV file (it looks like {kind})", _SAVE_AS)
    first = next(csv.reader(io.StringIO(text_head)), [])
    if len(first) == 1 and len(first[0].split(";")) > 1:
        raise CSVError(label, f"looks semicolon-delimited (header: {first[0][:80]!r})",
                       "the project reads comma-separated files: save it as 'CSV (comma-separated)' "
                       "(a spreadsheet set to a European locale writes semicolons)", line=1)
    if len(first) == 1 and len(first[0].split("\t")) > 1:
        raise CSVError(label, "looks tab-delimited", "save it as 'CSV (comma-separated)'", line=1)
    seen: dict[str, int] = {}
    duplicated = []
    for position, name in enumerate(first, start=1):
        if name in seen:
            duplicated.append(f"{name!r} (columns {seen[name]} and {position})")
        seen.setdefault(name, position)
    if duplicated and number_duplicates:
        names, counts = [], {}
        for name in first:
            k = counts.get(name, 0)
            counts[name] = k + 1
            names.append(f"{name}.{k}" if k else name)
        return names
    if duplicated:
        raise CSVError(label, "has duplicated column name(s) " + ", ".join(duplicated),
                       "each column needs its own name: rename or remove the repeated column", line=1)
    return first


def _diagnose(data: bytes, label: str, encoding: str, columns: int) -> None:
    """Find and raise the first encoding or structural problem of a file that failed to parse (slow path)."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start:exc.start + 1].hex()
        raise CSVError(
            label, f"is not valid {encoding} text (byte 0x{byte})",
            "if the file was saved in another encoding, give it with the encoding option "
            "(e.g. --encoding cp1252 for Windows Excel, or latin-1), or re-save the file as UTF-8",
            line=line, byte=exc.start + 1,
        ) from None
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    row = -1  # the header is row 0
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            where = {"line": line, "row": row + 1 if row >= 0 else None}
            if "unexpected end of data" in str(exc):
                raise CSVError(label, "has a quote (\") that is never closed; the quoted value starts on this line",
                               "close the quote, and double any quote inside a quoted value (\"\")", **where) from None
            raise CSVError(label, f"has a misplaced quote ({exc})",
                           "put quotes only around whole values, and double any quote inside one (\"\")",
                           **where) from None
        if not fields:
            continue  # blank lines are skipped
        row += 1
        if row and len(fields) != columns:
            raise CSVError(label, f"has {len(fields)} field(s) where the header has {columns}",
                           "every line needs one value per column: check for a missing or extra comma, "
                           "or a comma inside a value that is not in double quotes", line=line, row=row)
