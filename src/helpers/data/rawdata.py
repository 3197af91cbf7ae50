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

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from helpers.data.contract import (
    CONTRACT,
    NOT_AFTER_RUN,
    TABLES,
    ColumnRule,
    contract_rules,
    integer_values,
    referenced_columns,
    table_schema,
)
from helpers.data.files import (
    MAX_EXAMPLES,
    RawDataError,
    as_text,
    check_columns,
    locate,
    read_csv,
    read_parquet,
    shorten,
)
from helpers.data.memo import Memo, file_digest

__all__ = ["RawData", "RawDataError", "load_raw"]


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
    #: SHA-256 of the files read, with the day of the run ("" when not known).
    fingerprint: str = ""

    def table(self, name: str) -> pd.DataFrame:
        """Return the table called ``name`` (one of :data:`TABLES`)."""
        if name not in TABLES:
            raise ValueError(f"unknown table {name!r}; expected one of {', '.join(TABLES)}")
        return getattr(self, name)


# ---------------------------------------------------------------------------
# Reporting the first broken rule
# ---------------------------------------------------------------------------


def _describe_value(value: str, rule: ColumnRule | None) -> str:
    if rule is not None and rule.kind == "id":
        return "value withheld: identifier" if value != "" else "missing"
    return "missing" if value == "" else repr(shorten(value))


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
    key = _fingerprint(directory, today)
    if key and (remembered := _LOADED.get(key)) is not None:
        return _copied(remembered, directory)
    looked_up = referenced_columns()
    reference_values: dict[tuple[str, str], pd.Series] = {}
    typed: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        path = locate(directory, table)
        if path.suffix == ".csv":
            frame, header = read_csv(path)
        else:
            frame = read_parquet(path)
            header = [str(name) for name in frame.columns]
        check_columns(path, frame, table, header)
        names = [rule.name for rule in CONTRACT[table]]
        text = pd.DataFrame(
            {name: as_text(frame[name]).astype("str") for name in names}
        ).reset_index(drop=True)
        try:
            table_schema(table, reference_values, today=today).validate(text, lazy=True)
        except pa.errors.SchemaErrors as error:
            raise _first_violation(path, table, text, error, today) from None
        for name in names:
            if (table, name) in looked_up:
                reference_values[(table, name)] = text[name]
        typed[table] = _typed(text, table)
    raw = RawData(directory=directory, fingerprint=key, **typed)
    if key:
        _LOADED.put(key, raw)
        return _copied(raw, directory)
    return raw


#: Validated tables already loaded in this process, by fingerprint (:mod:`helpers.data.memo`).
_LOADED = Memo()


def _fingerprint(directory: Path, today: dt.date) -> str:
    """The SHA-256 of the files a load reads, with their names and the day of the run.

    "" when a file cannot be located: the load then stops at its first broken rule,
    in the contract's order, as it would without a memory.
    """
    digest = hashlib.sha256(today.isoformat().encode())
    for table in TABLES:
        try:
            path = locate(directory, table)
        except RawDataError:
            return ""
        digest.update(f"{table}/{path.name}/{file_digest(path)}".encode())
    return digest.hexdigest()


def _copied(raw: RawData, directory: Path) -> RawData:
    """A copy of remembered tables, so that no caller can change what the next one gets."""
    tables = {table: raw.table(table).copy() for table in TABLES}
    return RawData(directory=directory, fingerprint=raw.fingerprint, **tables)
