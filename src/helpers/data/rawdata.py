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
printed into a notebook or log never carries a participant or session id.

Rules are checked table by table (participants, sessions, alliance_ratings,
who5_assessments) and, within a table, column by column in the contract's order
and rule by rule in this order: required, type, range or allowed values,
unique, reference to another table. The checks themselves are pandera schemas
(:func:`helpers.data.contract.table_schema`), built from the declarative
:data:`helpers.data.contract.CONTRACT`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from helpers.data.contract import (
    CONTRACT,
    TABLES,
    ColumnRule,
    contract_rules,
    integer_values,
    table_schema,
)

__all__ = ["RawData", "RawDataError", "load_raw"]


#: How many offending rows an error message shows.
MAX_EXAMPLES = 5


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
    return found[0]


def _read_csv(path: Path) -> pd.DataFrame:
    if path.stat().st_size == 0:
        raise RawDataError(
            f"{path}: the file is empty; expected a header row naming the columns",
            file=str(path),
        )
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
        raise RawDataError(
            f"{path}: the file is empty; expected a header row naming the columns",
            file=str(path),
        ) from None
    except UnicodeDecodeError as error:
        raise RawDataError(
            f"{path}: not UTF-8 text (byte {error.object[error.start]:#04x} at offset "
            f"{error.start}); save the export as UTF-8",
            file=str(path),
        ) from None
    except pd.errors.ParserError as error:
        raise RawDataError(
            f"{path}: cannot be read as comma-separated values: {error}", file=str(path)
        ) from None


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


def _check_columns(path: Path, frame: pd.DataFrame, table: str) -> None:
    expected = [rule.name for rule in CONTRACT[table]]
    missing = [name for name in expected if name not in frame.columns]
    if missing:
        listed = ", ".join(f"'{name}'" for name in missing)
        plural = "s" if len(missing) > 1 else ""
        raise RawDataError(
            f"{path}: missing column{plural} {listed}; the raw data contract requires "
            f"{', '.join(expected)} (found: {', '.join(map(str, frame.columns)) or 'none'})",
            file=str(path),
            column=missing[0],
            rule="required column",
        )


# ---------------------------------------------------------------------------
# Reporting the first broken rule
# ---------------------------------------------------------------------------


def _describe_value(value: str, rule: ColumnRule | None) -> str:
    if rule is not None and rule.kind == "id":
        return "value withheld: identifier" if value != "" else "missing"
    return "missing" if value == "" else repr(value)


def _first_violation(path: Path, table: str, text: pd.DataFrame, error: pa.errors.SchemaErrors):
    cases = error.failure_cases
    rules = {rule.name: rule for rule in CONTRACT[table]}
    for column, words in contract_rules(table):
        if column is None:
            hits = cases[cases["check"] == words]
        else:
            hits = cases[(cases["column"] == column) & (cases["check"] == words)]
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
        return RawDataError(
            f'{path}: {where}: {len(index)} {noun} the rule "{words}"; '
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


def load_raw(directory: str | Path) -> RawData:
    """Read and validate a raw data directory.

    Parameters
    ----------
    directory : str or pathlib.Path
        Folder holding ``participants``, ``sessions``, ``alliance_ratings`` and
        ``who5_assessments``, each as ``.csv`` or ``.parquet``.

    Returns
    -------
    RawData
        The four tables, typed, with only the contract's columns.

    Raises
    ------
    RawDataError
        (a ``ValueError``) at the first broken rule: a missing, duplicated,
        empty or unreadable file, a missing column, or a value that breaks a
        column rule. The message names the file, the column, the rule, the
        number of offending rows and the first few of them.

    Notes
    -----
    Rules enforced, from the raw data contract (version 1):

    * ``participants``: ``participant_id`` non-empty and unique;
      ``registered_on`` a date; ``age`` an integer 0–120 or missing;
      ``sex`` ``female``, ``male`` or missing; ``country`` an ISO 3166-1
      alpha-2 code or missing.
    * ``sessions``: ``session_id`` non-empty and unique; ``participant_id``
      in participants; ``provider_type`` ``therapist`` or ``coach``;
      ``session_date`` a date.
    * ``alliance_ratings``: ``session_id`` in sessions and unique;
      ``wai_bond`` and ``wai_goals`` integers 1–5 or missing.
    * ``who5_assessments``: ``participant_id`` in participants;
      ``assessed_on`` a date; ``who5_1`` … ``who5_5`` integers 0–5, all
      required; at most one assessment per participant per date.

    Dates are ``YYYY-MM-DD`` calendar dates. In Parquet, date and midnight
    timestamp columns count as dates, whole-number floats as integers.

    Examples
    --------
    .. code-block:: python

        raw = load_raw("path/to/export")
        raw.sessions.dtypes
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise RawDataError(
            f"{directory}: no such raw data directory (expected a folder holding "
            f"{', '.join(TABLES)} as CSV or Parquet)",
            file=str(directory),
        )
    reference_values: dict[tuple[str, str], pd.Series] = {}
    typed: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        path = _locate(directory, table)
        frame = _read_csv(path) if path.suffix == ".csv" else _read_parquet(path)
        _check_columns(path, frame, table)
        names = [rule.name for rule in CONTRACT[table]]
        text = pd.DataFrame(
            {name: _as_text(frame[name]).astype("str") for name in names}
        ).reset_index(drop=True)
        try:
            table_schema(table, reference_values).validate(text, lazy=True)
        except pa.errors.SchemaErrors as error:
            raise _first_violation(path, table, text, error) from None
        for rule in CONTRACT[table]:
            if rule.kind == "id" and rule.unique:
                reference_values[(table, rule.name)] = text[rule.name]
        typed[table] = _typed(text, table)
    return RawData(directory=directory, **typed)
