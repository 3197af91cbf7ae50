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
Each column rule is one SQL condition (:func:`helpers.data.contract.table_checks`)
that DuckDB evaluates on the table held as text (:mod:`helpers.data.store`):
one pass counts the rows that break each rule, and the first rule broken is
reported.

Checked tables are kept, typed, as Parquet in the cache
(:mod:`helpers.data.store`) under the SHA-256 of the files, so a second load
of the same bytes skips the parsing and the checks; within one process the
result is also remembered (:mod:`helpers.data.memo`). The tables reach pandas
only when asked for (:meth:`RawData.table`): the cohort is derived in the
database (:func:`helpers.data.cohort.derive_cohort`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.data import store
from helpers.data.contract import (
    CONTRACT,
    NOT_AFTER_RUN,
    TABLES,
    ColumnRule,
    table_checks,
    text_table,
    typed_column,
)
from helpers.data.files import (
    MAX_EXAMPLES,
    RawDataError,
    locate,
    read_into,
    shorten,
)
from helpers.data.memo import Memo, file_digest

__all__ = ["DATE_DTYPE", "RawData", "RawDataError", "load_raw"]

#: How dates arrive in pandas (day resolution fits in microseconds from year 1 to 9999).
DATE_DTYPE = "datetime64[us]"


@dataclass(frozen=True)
class RawData:
    """The four validated tables of a raw data directory, typed, kept as Parquet.

    Each table reaches pandas when first asked for (:meth:`table`, or the
    attribute of its name): identifiers and text as pandas strings (missing
    as NA), integers as nullable ``Int64``, dates as :data:`DATE_DTYPE`.
    Columns outside the contract are dropped; row order is the file's.
    """

    directory: Path
    #: SHA-256 of the files read, with the day of the run.
    fingerprint: str
    #: The checked, typed tables as Parquet files (:mod:`helpers.data.store`), by table.
    files: Mapping[str, Path]
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)

    def table(self, name: str) -> pd.DataFrame:
        """Return the table called ``name`` (one of :data:`TABLES`) as a pandas frame."""
        if name not in TABLES:
            raise ValueError(f"unknown table {name!r}; expected one of {', '.join(TABLES)}")
        if name not in self._frames:
            self._frames[name] = _as_pandas(self.files[name], name)
        return self._frames[name]

    @property
    def participants(self) -> pd.DataFrame:
        return self.table("participants")

    @property
    def sessions(self) -> pd.DataFrame:
        return self.table("sessions")

    @property
    def alliance_ratings(self) -> pd.DataFrame:
        return self.table("alliance_ratings")

    @property
    def who5_assessments(self) -> pd.DataFrame:
        return self.table("who5_assessments")


def _as_pandas(path: Path, table: str) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    types = {"integer": "Int64", "date": DATE_DTYPE}
    return frame.astype({rule.name: types.get(rule.kind, "string") for rule in CONTRACT[table]})


# ---------------------------------------------------------------------------
# Reporting the first broken rule
# ---------------------------------------------------------------------------


def _describe_value(value: str | None, rule: ColumnRule | None) -> str:
    if rule is not None and rule.kind == "id":
        return "value withheld: identifier" if value is not None else "missing"
    return "missing" if value is None else repr(shorten(value))


def _check(connection, path: Path, table: str, today: dt.date) -> None:
    """Count the rows that break each rule of ``table``; stop at the first rule broken."""
    checks = table_checks(table, today)
    own = text_table(table)
    rows = f"(SELECT rowid AS _row, * FROM {own}) t"
    conditions = [sql.replace("{own}", own) for _, _, sql in checks]
    counts = connection.execute(
        f"SELECT {', '.join(f'count_if({sql})' for sql in conditions)} FROM {rows}"
    ).fetchall()[0]
    broken = next((i for i, n in enumerate(counts) if n), None)
    if broken is None:
        return
    column, words, _ = checks[broken]
    n_rows = counts[broken]
    shown = "t.assessed_on" if column is None else f't."{column}"'
    first = connection.execute(
        f"SELECT _row, {shown} FROM {rows} WHERE {conditions[broken]} "
        f"ORDER BY _row LIMIT {MAX_EXAMPLES}"
    ).fetchall()
    if column is None:
        examples = [f"row {row + 1} ({value})" for row, value in first]
        where = "columns 'participant_id' and 'assessed_on'"
    else:
        rule = next(rule for rule in CONTRACT[table] if rule.name == column)
        examples = [f"row {row + 1} ({_describe_value(value, rule)})" for row, value in first]
        where = f"column '{column}'"
    more = f" and {n_rows - MAX_EXAMPLES} more" if n_rows > MAX_EXAMPLES else ""
    noun = "row breaks" if n_rows == 1 else "rows break"
    note = f" (the run is on {today.isoformat()})" if words == NOT_AFTER_RUN else ""
    raise RawDataError(
        f'{path}: {where}: {n_rows} {noun} the rule "{words}"{note}; '
        f"first: {', '.join(examples)}{more}. Rows are numbered from 1 after the header.",
        file=str(path),
        column=column if column is not None else "participant_id, assessed_on",
        rule=words,
        n_rows=n_rows,
        rows=[row + 1 for row, _ in first],
    )


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

    A load of files already checked (the same bytes) reads their typed copy
    from the cache (:mod:`helpers.data.store`) when no date in them lies
    after ``today``; otherwise the files are read and checked afresh.

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
    paths = {table: locate(directory, table) for table in TABLES}
    digests = {table: _digest(path) for table, path in paths.items()}
    content = hashlib.sha256(
        "".join(f"{table}/{paths[table].name}/{digests[table]}" for table in TABLES).encode()
    ).hexdigest()
    key = hashlib.sha256(today.isoformat().encode() + content.encode()).hexdigest()
    remembered = _LOADED.get(key)
    if remembered is not None and all(path.is_file() for path in remembered.files.values()):
        return RawData(directory=directory, fingerprint=key, files=remembered.files)
    cached = store.find(content, TABLES)
    if cached is not None and cached[1].get("last_date", "") <= today.isoformat():
        files = cached[0]
    else:
        files = _checked(paths, content, today)
    raw = RawData(directory=directory, fingerprint=key, files=files)
    _LOADED.put(key, raw)
    return RawData(directory=directory, fingerprint=key, files=files)


def _checked(paths: Mapping[str, Path], content: str, today: dt.date) -> dict[str, Path]:
    """Read and check every table in the contract's order; keep the typed tables in the cache."""
    with store.connect() as connection:
        for table in TABLES:
            read_into(connection, paths[table], table, text_table(table))
            _check(connection, paths[table], table, today)
        dates = [
            f"(SELECT max({rule.name}) FROM {text_table(table)})"
            for table in TABLES
            for rule in CONTRACT[table]
            if rule.kind == "date"
        ]
        last = connection.execute(f"SELECT greatest({', '.join(dates)})").fetchall()[0][0]

        def writer(table: str):
            columns = ", ".join(typed_column(rule) for rule in CONTRACT[table])

            def write(path: Path) -> None:
                connection.execute(
                    f"COPY (SELECT {columns} FROM {text_table(table)}) TO '{path}' "
                    "(FORMAT parquet, COMPRESSION zstd)"
                )

            return write

        facts = {"last_date": last or "", "contract": 1}
        return store.keep(content, {table: writer(table) for table in TABLES}, facts, TABLES)


#: Validated tables already loaded in this process, by fingerprint (:mod:`helpers.data.memo`).
_LOADED = Memo()
#: File digests already computed in this process, by the file's identity and change time.
_DIGESTS = Memo(size=64)


def _digest(path: Path) -> str:
    """The SHA-256 of a file, computed once per process while its size and times stay the same."""
    status = path.stat()
    identity = (os.fspath(path.resolve()), status.st_ino, status.st_size, status.st_mtime_ns)
    digest = _DIGESTS.get(identity)
    if digest is None:
        digest = file_digest(path)
        _DIGESTS.put(identity, digest)
    return digest
