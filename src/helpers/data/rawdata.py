"""Read a raw data directory and enforce every rule of the raw data contract.

A raw data directory is what a platform hands its research team, or what the
project's synthetic-data generator writes: four tables, each as CSV or Parquet,
in the shape fixed by the raw data contract (``docs/raw-data-contract.md``,
version 1). The same code path serves real and synthetic data.

Loading never guesses and never drops a row. The first broken rule stops the
run with one :class:`RawDataError` naming the file, the column, the rule, how
many rows break it and the first few of them (row number and value). Rows are
numbered from 1, counting data rows after the header. Values of identifier
columns are withheld from messages (only row numbers are shown), so an error
printed into a notebook or log never carries a participant or session id;
other values longer than 40 characters are cut short, and the content of a
malformed row or of a first line that is not a header is never shown.

Rules are checked table by table (participants, sessions, alliance_ratings,
who5_assessments). A table's file is first checked as a whole
(:data:`helpers.data.contract.FILE_RULES`: a regular file, every CSV row as
many fields as the header, a header row first, every column present and named
once), then column by column in the contract's order and rule by rule in this
order: required, type, range, allowed values or the day of the run, unique,
reference to another table, comparison with the participant's registration.
The column checks are pandera schemas
(:func:`helpers.data.contract.table_schema`), built from the declarative
:data:`helpers.data.contract.CONTRACT`.
"""

from __future__ import annotations

import csv
import datetime as dt
import stat
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.csv as pa_csv

from helpers.data.contract import (
    COLUMN_ONCE,
    CONTRACT,
    FIELD_COUNT,
    HEADER_ROW,
    NOT_AFTER_RUN,
    REGULAR_FILE,
    REQUIRED_COLUMN,
    TABLES,
    ColumnRule,
    contract_rules,
    integer_values,
    referenced_columns,
    table_schema,
)

__all__ = ["RawData", "RawDataError", "load_raw"]


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


@dataclass(frozen=True)
class RawData:
    """The four validated tables of a raw data directory, typed.

    Identifiers and text are pandas strings (missing as NA), integers are
    nullable ``Int64``, dates are ``datetime64``. Columns outside the contract
    are dropped; row order is the file's.
    """

    participants: pd.DataFrame
    sessions: pd.DataFrame
    alliance_ratings: pd.DataFrame
    who5_assessments: pd.DataFrame
    directory: Path

    def table(self, name: str) -> pd.DataFrame:
        """Return the table called ``name`` (one of :data:`TABLES`)."""
        if name not in TABLES:
            raise ValueError(f"unknown table {name!r}; expected one of {', '.join(TABLES)}")
        return getattr(self, name)


# ---------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------


def _locate(directory: Path, table: str) -> Path:
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


def _fields_match(path: Path, expected: int) -> bool:
    """Quick test: does every row after the header have ``expected`` fields?

    Arrow's CSV parser counts every row's fields (pandas fills short rows
    silently), converting only the first column, undecoded. A blank line is
    a row of missing values, as pandas reads it. False when the parser
    stops for any reason; :func:`_field_count_error` then looks closer.
    """
    names = [f"field_{i}" for i in range(expected)]
    try:
        pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, use_threads=False),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                include_columns=names[:1], column_types={names[0]: pyarrow.binary()}
            ),
        )
    except Exception:  # any stop means: count exactly, row by row
        return False
    return True


def _field_count_error(path: Path, expected: int) -> RawDataError | None:
    """The error for rows whose number of fields differs from the header's, if any.

    Counts row by row with :mod:`csv` (quoted commas and line breaks are
    part of a field; a blank line is a row of missing values), only when the
    quick test failed. Only row numbers and field counts are kept, never a
    row's content. None when every row is right, or when the file cannot be
    split into rows at all (the CSV parser then says why).
    """
    if _fields_match(path, expected):
        return None
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


def _read_csv(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Read a CSV file as text; return the frame and the header's fields as written."""
    if path.stat().st_size == 0:
        raise _empty(path)
    header = _csv_header(path)
    if header is None:
        raise _empty(path)
    if header:  # a blank first line is no header: _check_columns says so
        error = _field_count_error(path, len(header))
        if error is not None:
            raise error
    try:
        frame = pd.read_csv(
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
    return frame, header


def _read_parquet(path: Path) -> pd.DataFrame:
    if path.stat().st_size == 0:
        raise RawDataError(f"{path}: the file is empty; expected a Parquet table", file=str(path))
    try:
        return pd.read_parquet(path)
    except Exception as error:  # pyarrow raises several unrelated types
        raise RawDataError(f"{path}: cannot be read as Parquet: {error}", file=str(path)) from None


def _as_text(values: pd.Series) -> pd.Series:
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


def _check_columns(path: Path, frame: pd.DataFrame, table: str, header: list[str]) -> None:
    """Check the header: a header at all, every column of the contract, each named once.

    ``header`` is the column names as written (pandas renames a second
    ``age`` to ``age.1``). A first line that names none of the contract's
    columns is taken for data, not a header, and is never shown.
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
    missing = [name for name in expected if name not in frame.columns]
    if missing:
        listed = ", ".join(f"'{name}'" for name in missing)
        plural = "s" if len(missing) > 1 else ""
        found = ", ".join(_shorten(str(name)) for name in frame.columns)
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


# ---------------------------------------------------------------------------
# Reporting the first broken rule
# ---------------------------------------------------------------------------


def _shorten(value: str) -> str:
    """``value``, cut to its first characters and "…" when longer than :data:`MAX_VALUE_CHARS`."""
    if len(value) <= MAX_VALUE_CHARS:
        return value
    return value[: MAX_VALUE_CHARS - 3] + "…"


def _describe_value(value: str, rule: ColumnRule | None) -> str:
    if rule is not None and rule.kind == "id":
        return "value withheld: identifier" if value != "" else "missing"
    return "missing" if value == "" else repr(_shorten(value))


def _first_violation(
    path: Path, table: str, text: pd.DataFrame, error: pa.errors.SchemaErrors, today: dt.date
):
    cases = error.failure_cases
    rules = {rule.name: rule for rule in CONTRACT[table]}
    for column, words in contract_rules(table):
        if column is None:
            hits = cases[cases["check"] == words]
        else:
            # a check that reads other columns too runs on the table: no column is recorded
            on_column = (cases["column"] == column) | cases["column"].isna()
            hits = cases[on_column & (cases["check"] == words)]
        if hits.empty:
            continue
        index = sorted({int(i) for i in hits["index"].dropna()})
        if not index:  # the check itself failed to run: a bug here, not in the data
            raise RuntimeError(
                f"checking {path} column {column!r} for {words!r} failed: "
                f"{hits['failure_case'].iloc[0]}"
            )
        rows = [i + 1 for i in index]
        if column is None:
            examples = [f"row {i + 1} ({text.at[i, 'assessed_on']})" for i in index[:MAX_EXAMPLES]]
            where = "columns 'participant_id' and 'assessed_on'"
        else:
            examples = [
                f"row {i + 1} ({_describe_value(text.at[i, column], rules[column])})"
                for i in index[:MAX_EXAMPLES]
            ]
            where = f"column '{column}'"
        more = f" and {len(index) - MAX_EXAMPLES} more" if len(index) > MAX_EXAMPLES else ""
        noun = "row breaks" if len(index) == 1 else "rows break"
        note = f" (the run is on {today.isoformat()})" if words == NOT_AFTER_RUN else ""
        return RawDataError(
            f'{path}: {where}: {len(index)} {noun} the rule "{words}"{note}; '
            f"first: {', '.join(examples)}{more}. Rows are numbered from 1 after the header.",
            file=str(path),
            column=column if column is not None else "participant_id, assessed_on",
            rule=words,
            n_rows=len(index),
            rows=rows[:MAX_EXAMPLES],
        )
    # A failure pandera found that maps to no rule of ours: surface it unchanged.
    return RawDataError(f"{path}: {error}", file=str(path))


# ---------------------------------------------------------------------------
# Typing validated text
# ---------------------------------------------------------------------------


def _typed(text: pd.DataFrame, table: str) -> pd.DataFrame:
    columns = {}
    for rule in CONTRACT[table]:
        values = text[rule.name]
        missing = values == ""
        if rule.kind == "integer":
            columns[rule.name] = integer_values(values)
        elif rule.kind == "date":
            columns[rule.name] = pd.to_datetime(values, format="%Y-%m-%d")
        else:
            columns[rule.name] = values.mask(missing).astype("string")
    return pd.DataFrame(columns, index=text.index)


# ---------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------


def load_raw(directory: str | Path, *, today: dt.date | None = None) -> RawData:
    """Read and validate a raw data directory.

    Parameters
    ----------
    directory : str or pathlib.Path
        Folder holding ``participants``, ``sessions``, ``alliance_ratings`` and
        ``who5_assessments``, each as ``.csv`` or ``.parquet``.
    today : datetime.date, optional
        The day of the run: every date must be on or before it. Default: the
        computer's date today (:meth:`datetime.date.today`).

    Returns
    -------
    RawData
        The four tables, typed, with only the contract's columns.

    Raises
    ------
    RawDataError
        (a ``ValueError``) at the first broken rule: a missing, duplicated,
        empty or unreadable file, a directory or other non-regular file, a CSV
        row with more or fewer fields than the header, a first line that is
        not a header, a missing or repeated column, or a value that breaks a
        column rule. The message names the file, the column, the rule, the
        number of offending rows and the first few of them.
    TypeError
        If ``today`` is not a date.

    Notes
    -----
    Rules enforced, from the raw data contract (version 1):

    * ``participants``: ``participant_id`` non-empty and unique;
      ``registered_on`` a date; ``age`` an integer 0–120 or missing;
      ``sex`` ``female``, ``male`` or missing; ``country`` an ISO 3166-1
      alpha-2 code or missing.
    * ``sessions``: ``session_id`` non-empty and unique; ``participant_id``
      in participants; ``provider_type`` ``therapist`` or ``coach``;
      ``session_date`` a date, not before the participant's ``registered_on``.
    * ``alliance_ratings``: ``session_id`` in sessions and unique;
      ``wai_bond`` and ``wai_goals`` integers 1–5 or missing.
    * ``who5_assessments``: ``participant_id`` in participants;
      ``assessed_on`` a date; ``who5_1`` … ``who5_5`` integers 0–5, all
      required; at most one assessment per participant per date.

    Dates are ``YYYY-MM-DD`` calendar dates, none after ``today``. In
    Parquet, date and midnight timestamp columns count as dates, whole-number
    floats as integers.

    Examples
    --------
    .. code-block:: python

        raw = load_raw("path/to/export")
        raw.sessions.dtypes
    """
    if today is None:
        today = dt.date.today()
    elif isinstance(today, dt.datetime):
        today = today.date()
    elif not isinstance(today, dt.date):
        raise TypeError(f"load_raw: today must be a datetime.date, not {type(today).__name__}")
    directory = Path(directory)
    if not directory.is_dir():
        raise RawDataError(
            f"{directory}: no such raw data directory (expected a folder holding "
            f"{', '.join(TABLES)} as CSV or Parquet)",
            file=str(directory),
        )
    looked_up = referenced_columns()
    reference_values: dict[tuple[str, str], pd.Series] = {}
    typed: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        path = _locate(directory, table)
        if path.suffix == ".csv":
            frame, header = _read_csv(path)
        else:
            frame = _read_parquet(path)
            header = [str(name) for name in frame.columns]
        _check_columns(path, frame, table, header)
        names = [rule.name for rule in CONTRACT[table]]
        text = pd.DataFrame(
            {name: _as_text(frame[name]).astype("str") for name in names}
        ).reset_index(drop=True)
        try:
            table_schema(table, reference_values, today=today).validate(text, lazy=True)
        except pa.errors.SchemaErrors as error:
            raise _first_violation(path, table, text, error, today) from None
        for name in names:
            if (table, name) in looked_up:
                reference_values[(table, name)] = text[name]
        typed[table] = _typed(text, table)
    return RawData(directory=directory, **typed)
