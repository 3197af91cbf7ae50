"""The raw data contract (version 1) as data, and its rules as SQL.

``docs/raw-data-contract.md`` is the contract in words; this module is the same
contract for the code: four tables (:data:`TABLES`), their columns and the
rules each column's values obey (:data:`CONTRACT`), the rules in the words
every error quotes (:func:`contract_rules`), and each rule as one SQL condition
on a table held as text (:func:`table_checks`), true for the rows that break
it. :func:`helpers.data.rawdata.load_raw` reads the files into DuckDB, runs the
conditions and reports the first broken rule. The rules about a file as a
whole (:data:`FILE_RULES`) are enforced while reading; their words are here too,
so that the contract's document can be checked against them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pycountry

__all__ = [
    "COLUMN_ONCE",
    "CONTRACT",
    "FIELD_COUNT",
    "FILE_RULES",
    "HEADER_ROW",
    "NOT_AFTER_RUN",
    "ONE_PER_DAY",
    "PROVIDER_TYPES",
    "REGULAR_FILE",
    "REQUIRED_COLUMN",
    "SEXES",
    "TABLES",
    "WAI_ITEMS",
    "WHO5_ITEMS",
    "ColumnRule",
    "contract_rules",
    "is_date",
    "quoted",
    "table_checks",
    "text_table",
    "typed_column",
]

TABLES = ("participants", "sessions", "alliance_ratings", "who5_assessments")
WHO5_ITEMS = ("who5_1", "who5_2", "who5_3", "who5_4", "who5_5")
WAI_ITEMS = ("wai_bond", "wai_goals")
SEXES = ("female", "male")
PROVIDER_TYPES = ("therapist", "coach")
#: The one rule that spans columns.
ONE_PER_DAY = "at most one assessment per participant per date"
#: The rule every date obeys: no date lies in the future of the day the data are loaded.
NOT_AFTER_RUN = "on or before the day of the run"

#: Rules about a file as a whole, in the order they are checked (before any column rule).
REGULAR_FILE = "a regular file"
FIELD_COUNT = "exactly as many fields as the header"
HEADER_ROW = "the first line is the header row"
REQUIRED_COLUMN = "required column"
COLUMN_ONCE = "each column named once"
FILE_RULES = (REGULAR_FILE, FIELD_COUNT, HEADER_ROW, REQUIRED_COLUMN, COLUMN_ONCE)

#: The column that ties a row to its participant, in every table that has one.
_PERSON = "participant_id"

_ISO_ALPHA2 = frozenset(country.alpha_2 for country in pycountry.countries)


@dataclass(frozen=True)
class ColumnRule:
    """One column of the contract and the rules its values obey.

    Parameters
    ----------
    name : str
        Column name.
    kind : {"id", "text", "integer", "date"}
        ``id`` values are identifiers and are never echoed in messages.
    required : bool
        False when the contract allows a missing (empty) value.
    allowed : tuple of str, optional
        The only values allowed (besides missing, when not required).
    low, high : int, optional
        Inclusive range for integers.
    unique : bool
        No two rows share a value.
    references : (table, column), optional
        Every value must occur in that column of that (earlier) table.
    country_code : bool
        Values are ISO 3166-1 alpha-2 codes.
    not_before : (table, column), optional
        For dates: no value precedes the date in that column of that (earlier)
        table for the same ``participant_id`` (for example, no session before
        the participant registered).

    Notes
    -----
    Every date column also obeys :data:`NOT_AFTER_RUN`: no date after the day
    the data are loaded.
    """

    name: str
    kind: str
    required: bool = True
    allowed: tuple[str, ...] | None = None
    low: int | None = None
    high: int | None = None
    unique: bool = False
    references: tuple[str, str] | None = None
    country_code: bool = False
    not_before: tuple[str, str] | None = None


#: The raw data contract, version 1, as data. Age has no range in the
#: contract's text; 0 to 120 is the project's plausibility rule for "years".
CONTRACT: Mapping[str, tuple[ColumnRule, ...]] = {
    "participants": (
        ColumnRule("participant_id", "id", unique=True),
        ColumnRule("registered_on", "date"),
        ColumnRule("age", "integer", required=False, low=0, high=120),
        ColumnRule("sex", "text", required=False, allowed=SEXES),
        ColumnRule("country", "text", required=False, country_code=True),
    ),
    "sessions": (
        ColumnRule("session_id", "id", unique=True),
        ColumnRule("participant_id", "id", references=("participants", "participant_id")),
        ColumnRule("provider_type", "text", allowed=PROVIDER_TYPES),
        ColumnRule("session_date", "date", not_before=("participants", "registered_on")),
    ),
    "alliance_ratings": (
        ColumnRule("session_id", "id", unique=True, references=("sessions", "session_id")),
        ColumnRule("wai_bond", "integer", required=False, low=1, high=5),
        ColumnRule("wai_goals", "integer", required=False, low=1, high=5),
    ),
    "who5_assessments": (
        ColumnRule("participant_id", "id", references=("participants", "participant_id")),
        ColumnRule("assessed_on", "date", not_before=("participants", "registered_on")),
        *(ColumnRule(item, "integer", low=0, high=5) for item in WHO5_ITEMS),
    ),
}


# ---------------------------------------------------------------------------
# Rules as SQL
# ---------------------------------------------------------------------------
#
# Each rule is one SQL condition, true for a row that breaks it. The checks run
# in DuckDB (helpers.data.rawdata) on a table held as text: every cell as a CSV
# export writes it, NULL for missing. A row's own columns are t."name"; another
# table, already checked, is text_<table>. All but the "required" rule pass
# missing values (a condition on NULL is not true), the range passes
# non-integers (the integer rule judges them), and date comparisons pass text
# that is no date (the date rule judges it).


def quoted(name: str) -> str:
    """``name`` as a SQL identifier, in double quotes."""
    return '"' + name.replace('"', '""') + '"'


def text_table(table: str) -> str:
    """The name of the database table that holds ``table`` as text while it is checked."""
    return f"text_{table}"


def _literals(values) -> str:
    return ", ".join("'" + str(value).replace("'", "''") + "'" for value in sorted(values))


def is_date(column: str) -> str:
    """SQL: the text is a calendar date written YYYY-MM-DD (year 1 or later)."""
    return (
        f"(regexp_full_match({column}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
        f"AND TRY_CAST({column} AS DATE) IS NOT NULL AND {column} >= '0001')"
    )


def _is_integer(column: str) -> str:
    return f"regexp_full_match({column}, '-?[0-9]+')"


def _rule_checks(rule: ColumnRule, today: dt.date | None = None) -> list[tuple[str, str]]:
    """Return ``(rule in words, SQL true where a row breaks it)`` for one column, in order.

    ``today`` is the day of the run (:func:`datetime.date.today` when None).
    Integers longer than 10 digits are out of every range of the contract.
    """
    value = f"t.{quoted(rule.name)}"
    present = f"{value} IS NOT NULL"
    checks: list[tuple[str, str]] = []
    if rule.required:
        checks.append(("required (no missing values)", f"{value} IS NULL"))
    if rule.kind == "integer":
        checks.append(("integer", f"{present} AND NOT {_is_integer(value)}"))
        checks.append(
            (
                f"between {rule.low} and {rule.high}",
                f"{_is_integer(value)} AND (length({value}) > 10 OR "
                f"TRY_CAST({value} AS BIGINT) NOT BETWEEN {rule.low} AND {rule.high})",
            )
        )
    if rule.kind == "date":
        checks.append(("a calendar date written YYYY-MM-DD", f"{present} AND NOT {is_date(value)}"))
        last = (today or dt.date.today()).isoformat()
        checks.append((NOT_AFTER_RUN, f"{value} > '{last}' AND {is_date(value)}"))
    if rule.allowed is not None:
        words = ", ".join(rule.allowed) + ("" if rule.required else " (or missing)")
        checks.append((f"one of: {words}", f"{value} NOT IN ({_literals(rule.allowed)})"))
    if rule.country_code:
        checks.append(
            (
                "an ISO 3166-1 alpha-2 country code such as US, GB, IN",
                f"{value} NOT IN ({_literals(_ISO_ALPHA2)})",
            )
        )
    if rule.unique:
        column = quoted(rule.name)
        checks.append(
            (
                "unique",
                f"{value} IN (SELECT {column} FROM {{own}} GROUP BY {column} HAVING count(*) > 1)",
            )
        )
    if rule.references is not None:
        table, column = rule.references
        other = quoted(column)
        checks.append(
            (
                f"must exist in {table} (column {column})",
                f"{value} NOT IN (SELECT {other} FROM {text_table(table)} "
                f"WHERE {other} IS NOT NULL)",
            )
        )
    if rule.not_before is not None:
        table, column = rule.not_before
        checks.append(
            (
                f"on or after the participant's {column} in {table}",
                # compared as text, which orders YYYY-MM-DD dates by the calendar
                f"{is_date(value)} AND {value} < (SELECT r.{quoted(column)} FROM "
                f"{text_table(table)} r WHERE r.{_PERSON} = t.{_PERSON})",
            )
        )
    return checks


#: SQL true for an assessment that shares its participant and date with another.
_SAME_DAY = (
    "(t.participant_id, t.assessed_on) IN (SELECT (participant_id, assessed_on) FROM {own} "
    "GROUP BY participant_id, assessed_on HAVING count(*) > 1)"
)


def table_checks(table: str, today: dt.date | None = None) -> list[tuple[str | None, str, str]]:
    """Every rule of one table as ``(column, rule in words, SQL)``, in the order reported.

    ``column`` is None for the rule that spans columns (one WHO-5 assessment
    per participant per date). The SQL is true for a row that breaks the rule;
    it reads the row as ``t``, the table itself as ``{own}`` (to be formatted
    in) and tables checked before as ``text_<table>``. ``today`` is the day of
    the run (default: today). The rules about a file as a whole are
    :data:`FILE_RULES`.
    """
    if table not in CONTRACT:
        raise ValueError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
    checks: list[tuple[str | None, str, str]] = []
    for rule in CONTRACT[table]:
        checks += [(rule.name, words, sql) for words, sql in _rule_checks(rule, today)]
    if table == "who5_assessments":
        checks.append((None, ONE_PER_DAY, _SAME_DAY))
    return checks


def contract_rules(table: str) -> list[tuple[str | None, str]]:
    """List ``(column, rule in words)`` for one table, in the order rules are reported.

    ``column`` is None for the rule that spans columns (one WHO-5 assessment
    per participant per date). A rule that compares a column with another
    table (a date not before the participant's registration) is listed on its
    column, after the column's own rules. The rules about a file as a whole
    are :data:`FILE_RULES`.
    """
    return [(column, words) for column, words, _ in table_checks(table)]


def typed_column(rule: ColumnRule) -> str:
    """SQL that turns a checked text column into its type: BIGINT, DATE or VARCHAR."""
    value = quoted(rule.name)
    if rule.kind == "integer":
        return f"CAST({value} AS BIGINT) AS {value}"
    if rule.kind == "date":
        return f"CAST({value} AS DATE) AS {value}"
    return value
