"""Reading a raw data directory's files, and the error every broken rule raises.

Before any column rule, each table's file is checked as a whole
(:data:`helpers.data.contract.FILE_RULES`): it is a regular file, every CSV row
has as many fields as the header, the first line is a header, and every column
of the contract is there, named once. Then every cell is rendered as the text a
CSV export would hold, so one set of rules judges CSV and Parquet alike.
Messages never show an identifier, the content of a malformed row, or a first
line that is not a header.
"""

from __future__ import annotations

import csv
import datetime as dt
import stat
from collections import Counter
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow
import pyarrow.csv as pa_csv

from helpers.data.contract import (
    COLUMN_ONCE,
    CONTRACT,
    FIELD_COUNT,
    HEADER_ROW,
    REGULAR_FILE,
    REQUIRED_COLUMN,
    quoted,
)

__all__ = [
    "MAX_EXAMPLES",
    "MAX_VALUE_CHARS",
    "RawDataError",
    "as_text",
    "check_columns",
    "locate",
    "read_into",
    "read_parquet",
    "shorten",
]

#: How many offending rows an error message shows.
MAX_EXAMPLES = 5
#: Longest value a message shows whole; longer ones are cut to one readable line.
MAX_VALUE_CHARS = 40


class RawDataError(ValueError):
    """A raw data directory breaks the raw data contract.

    Attributes
    ----------
    file : str
        Path of the offending file (or of the directory, for a missing table).
    column : str or None
        Offending column, when the problem is in one.
    rule : str or None
        The contract rule that is broken, in words.
    n_rows : int or None
        How many rows break it.
    rows : list of int
        The first offending row numbers (1 = first data row after the header).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str,
        column: str | None = None,
        rule: str | None = None,
        n_rows: int | None = None,
        rows: list[int] | None = None,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.column = column
        self.rule = rule
        self.n_rows = n_rows
        self.rows = rows or []


# ---------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------


def locate(directory: Path, table: str) -> Path:
    candidates = [directory / f"{table}.{ext}" for ext in ("csv", "parquet")]
    found = [path for path in candidates if path.exists()]
    if not found:
        raise RawDataError(
            f"{directory}: missing table '{table}': expected {table}.csv or {table}.parquet "
            "in the raw data directory",
            file=str(candidates[0]),
        )
    if len(found) > 1:
        raise RawDataError(
            f"{directory}: table '{table}' is there twice ({table}.csv and {table}.parquet); "
            "keep exactly one",
            file=str(found[0]),
        )
    path = found[0]
    if not path.is_file():  # never opened: reading a named pipe would wait forever
        raise RawDataError(
            f"{path}: not a regular file ({_kind(path)}); the table '{table}' must be one "
            "CSV or Parquet file of that name. Put the exported file in its place",
            file=str(path),
            rule=REGULAR_FILE,
        )
    return path


def _kind(path: Path) -> str:
    """Say in words what kind of file system entry ``path`` is (it exists, but is no file)."""
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _empty(path: Path) -> RawDataError:
    return RawDataError(
        f"{path}: the file is empty; expected a header row naming the columns", file=str(path)
    )


def _not_utf8(path: Path, error: UnicodeDecodeError) -> RawDataError:
    """The error for a file that is not UTF-8, at the first offending byte of the file.

    ``error`` (raised on part of the file) is the fallback, should the whole
    file decode after all.
    """
    try:
        path.read_bytes().decode("utf-8")  # a byte order mark is valid UTF-8 too
    except UnicodeDecodeError as first:
        error = first
    return RawDataError(
        f"{path}: not UTF-8 text (byte {error.object[error.start]:#04x} at offset "
        f"{error.start}); save the export as UTF-8",
        file=str(path),
    )


def _csv_header(path: Path) -> list[str] | None:
    """The fields of a CSV file's first line, as written (None when it has no line)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader(handle), None)
    except UnicodeDecodeError as error:
        raise _not_utf8(path, error) from None
    except csv.Error as error:
        raise RawDataError(
            f"{path}: cannot be read as comma-separated values: {error}", file=str(path)
        ) from None


def _field_count_error(path: Path, expected: int) -> RawDataError | None:
    """The error for rows whose number of fields differs from the header's, if any.

    Counts row by row with :mod:`csv` (quoted commas and line breaks are
    part of a field; a blank line is a row of missing values), only when
    Arrow's parse stopped. Only row numbers and field counts are kept, never a
    row's content. None when every row is right, or when the file cannot be
    split into rows at all (the CSV parser then says why).
    """
    n_bad, examples = 0, []
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            rows = csv.reader(handle)
            next(rows, None)
            for number, row in enumerate(rows, start=1):
                if row and len(row) != expected:
                    n_bad += 1
                    if len(examples) < MAX_EXAMPLES:
                        examples.append((number, len(row)))
    except csv.Error:
        return None
    if not n_bad:
        return None
    shown = ", ".join(
        f"row {number} ({fields} field{'' if fields == 1 else 's'})" for number, fields in examples
    )
    more = f" and {n_bad - MAX_EXAMPLES} more" if n_bad > MAX_EXAMPLES else ""
    noun = "row breaks" if n_bad == 1 else "rows break"
    return RawDataError(
        f'{path}: cannot be read as comma-separated values: {n_bad} {noun} the rule "{FIELD_COUNT}"'
        f" (the header has {expected} fields); first: {shown}{more}. Rows are numbered from 1 "
        "after the header. Each row needs one field per column, empty for a missing value; a "
        "value holding a comma, a double quote or a line break must be in double quotes (look "
        "for an unmatched quote, and for rows cut short in the export)",
        file=str(path),
        rule=FIELD_COUNT,
        n_rows=n_bad,
        rows=[number for number, _ in examples],
    )


def _read_csv_text(path: Path) -> pd.DataFrame:
    """Read a CSV file as text with pandas: the path for files Arrow's quick parse refused."""
    try:
        return pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding="utf-8-sig",
            skip_blank_lines=False,
        )
    except pd.errors.EmptyDataError:
        raise _empty(path) from None
    except UnicodeDecodeError as error:
        raise _not_utf8(path, error) from None
    except pd.errors.ParserError as error:
        raise RawDataError(
            f"{path}: cannot be read as comma-separated values: {error}", file=str(path)
        ) from None


def read_parquet(path: Path) -> pd.DataFrame:
    """Read a Parquet file with pandas, typed as written."""
    if path.stat().st_size == 0:
        raise RawDataError(f"{path}: the file is empty; expected a Parquet table", file=str(path))
    try:
        return pd.read_parquet(path)
    except Exception as error:  # pyarrow raises several unrelated types
        raise RawDataError(f"{path}: cannot be read as Parquet: {error}", file=str(path)) from None


def _arrow_batches(path: Path, width: int) -> pa_csv.CSVStreamingReader:
    """Arrow's streaming reader of a CSV file's rows after the header, every field as text.

    Missing (empty) fields are nulls. The reader stops at a row whose number of
    fields differs from ``width``, a blank line, or bytes that are not UTF-8.
    """
    names = [f"field_{i}" for i in range(width)]
    return pa_csv.open_csv(
        path,
        read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
        parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pyarrow.string()),
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )


def read_into(connection, path: Path, table: str, name: str) -> list[str]:
    """Read one table's file into the database as text; return the header as written.

    The database table ``name`` holds the contract's columns of ``table``, every
    cell as the text a CSV export holds (NULL for missing), rows in the file's
    order. Before any cell is read, the file is checked as a whole (a file, not
    empty, UTF-8, a header, the contract's columns each named once, every row
    as many fields as the header). CSV is parsed by Arrow, in blocks, straight
    into DuckDB; a file Arrow refuses for a reason other than those rules (a
    blank line, say) is read by pandas instead, with the same result.
    """
    expected = [rule.name for rule in CONTRACT[table]]
    if path.suffix == ".parquet":
        frame = read_parquet(path)
        header = [str(column) for column in frame.columns]
        check_columns(path, header, table)
        text = pd.DataFrame({column: as_text(frame[column]) for column in expected})
        _from_pandas(connection, text, name, expected)
        return header
    if path.stat().st_size == 0:
        raise _empty(path)
    header = _csv_header(path)
    if header is None:
        raise _empty(path)
    check_columns(path, header, table)
    positions = [header.index(column) for column in expected]
    select = ", ".join(
        f"field_{position} AS {quoted(column)}"
        for position, column in zip(positions, expected, strict=True)
    )
    try:
        connection.register("arrow_rows", _arrow_batches(path, len(header)))
        connection.execute(f"CREATE TABLE {name} AS SELECT {select} FROM arrow_rows")
        return header
    except (pyarrow.ArrowException, duckdb.Error):  # any stop: find the reason, row by row
        connection.execute(f"DROP TABLE IF EXISTS {name}")
    finally:
        connection.unregister("arrow_rows")
    error = _field_count_error(path, len(header))
    if error is not None:
        raise error
    frame = _read_csv_text(path)
    frame.columns = header  # as written (pandas renames a repeated extra column)
    text = frame.iloc[:, positions].set_axis(expected, axis=1)
    _from_pandas(connection, text, name, expected)
    return header


def _from_pandas(connection, text: pd.DataFrame, name: str, columns: list[str]) -> None:
    """Put a frame of text cells ("" for missing) into the database as table ``name``."""
    frame = text.reset_index(drop=True).astype(str)
    select = ", ".join(f"NULLIF(CAST({quoted(c)} AS VARCHAR), '') AS {quoted(c)}" for c in columns)
    connection.register("text_rows", frame)
    try:
        connection.execute(f"CREATE TABLE {name} AS SELECT {select} FROM text_rows")
    finally:
        connection.unregister("text_rows")


def as_text(values: pd.Series) -> pd.Series:
    """Render a column as the text a CSV export would hold (missing = "").

    Parquet columns arrive typed; writing them as text lets one set of rules
    judge CSV and Parquet alike. Whole floats print as integers (pandas writes
    nullable integers as floats), midnight timestamps as dates.
    """
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return values.astype("str").fillna("")  # CSV: already text
    if pd.api.types.is_datetime64_any_dtype(values):
        midnight = values.isna() | (values == values.dt.normalize())
        text = values.dt.strftime("%Y-%m-%d").where(midnight, values.astype(str))
        return text.fillna("").astype(object)
    if pd.api.types.is_bool_dtype(values):
        return values.astype(object).where(values.notna(), "").astype(str)
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype("Float64")
        whole = numbers.notna() & (numbers == np.floor(numbers.fillna(0)))
        text = pd.Series("", index=values.index, dtype=object)
        text[whole] = numbers[whole].astype("Int64").astype(str)
        other = numbers.notna() & ~whole
        text[other] = numbers[other].astype(str)
        return text

    def render(value: object) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            return ""
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d") if value.time() == dt.time() else str(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    return values.astype(object).map(render)


def check_columns(path: Path, header: list[str], table: str) -> None:
    """Check the header: a header at all, every column of the contract, each named once.

    ``header`` is the column names as written. A first line that names none
    of the contract's columns is taken for data, not a header, and is never
    shown.
    """
    expected = [rule.name for rule in CONTRACT[table]]
    if not set(expected) & set(header):
        if path.suffix == ".csv":
            raise RawDataError(
                f"{path}: the first line names none of the columns the raw data contract "
                f"requires ({', '.join(expected)}), so the header row is missing or wrong; "
                "put a header row naming the columns first (the line is not shown: it may "
                "hold data)",
                file=str(path),
                rule=HEADER_ROW,
            )
        raise RawDataError(
            f"{path}: none of the {len(header)} columns is one the raw data contract requires "
            f"({', '.join(expected)}); name the columns as the contract does (the names found "
            "are not shown: they may be data)",
            file=str(path),
            column=expected[0],
            rule=REQUIRED_COLUMN,
        )
    missing = [name for name in expected if name not in header]
    if missing:
        listed = ", ".join(f"'{name}'" for name in missing)
        plural = "s" if len(missing) > 1 else ""
        found = ", ".join(shorten(str(name)) for name in _as_pandas_names(header))
        raise RawDataError(
            f"{path}: missing column{plural} {listed}; the raw data contract requires "
            f"{', '.join(expected)} (found: {found or 'none'})",
            file=str(path),
            column=missing[0],
            rule=REQUIRED_COLUMN,
        )
    counts = Counter(header)
    repeated = [name for name in expected if counts[name] > 1]
    if repeated:
        if len(repeated) == 1:
            what = f"column '{repeated[0]}' is named {counts[repeated[0]]} times"
        else:
            listed = ", ".join(f"'{name}' ({counts[name]} times)" for name in repeated)
            what = f"columns {listed} are each named more than once"
        raise RawDataError(
            f"{path}: {what} in the header; the raw data contract needs each column named "
            "once, so which copy holds the data is unclear. Keep one copy and drop or rename "
            "the others",
            file=str(path),
            column=repeated[0],
            rule=COLUMN_ONCE,
        )


def _as_pandas_names(header: list[str]) -> list[str]:
    """The header's names as pandas would read them: a repeated name gets ``.1``, ``.2`` …."""
    seen: Counter[str] = Counter()
    names = []
    for name in header:
        names.append(f"{name}.{seen[name]}" if seen[name] else name)
        seen[name] += 1
    return names


def shorten(value: str) -> str:
    """``value``, cut to its first characters and "…" when longer than :data:`MAX_VALUE_CHARS`."""
    if len(value) <= MAX_VALUE_CHARS:
        return value
    return value[: MAX_VALUE_CHARS - 3] + "…"
