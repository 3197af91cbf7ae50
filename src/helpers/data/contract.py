"""The raw data contract (version 1) as data, and its rules as pandera checks.

``docs/raw-data-contract.md`` is the contract in words; this module is the same
contract for the code: four tables (:data:`TABLES`), their columns and the
rules each column's values obey (:data:`CONTRACT`), the rules in the words
every error quotes (:func:`contract_rules`), and a pandera schema that checks
one table, held as text (:func:`table_schema`). :func:`helpers.data.rawdata.load_raw`
reads the files and reports the first broken rule. The rules about a file as a
whole (:data:`FILE_RULES`) are enforced while reading; their words are here too,
so that the contract's document can be checked against them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc
import pycountry

from helpers._columns import isin

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
    "integer_values",
    "referenced_columns",
    "table_schema",
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
_INTEGER = r"^-?[0-9]+$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


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
# Rules as pandera checks
# ---------------------------------------------------------------------------


def _present(values: pd.Series) -> pd.Series:
    return values != ""


def _integer_text(values: pd.Series) -> pd.Series:
    return values.str.match(_INTEGER).astype(bool)


def integer_values(values: pd.Series) -> pd.Series:
    """Integers where the text is one of at most 10 digits, NA elsewhere.

    Longer digit strings are integers too, but far outside every range in
    the contract; leaving them NA keeps the conversion from overflowing.
    """
    short = _integer_text(values) & (values.str.len() <= 10)
    return values.where(short).astype("Int64")


def _date_text(values: pd.Series) -> pd.Series:
    shaped = values.str.match(_DATE).astype(bool)
    parsed = pd.to_datetime(values.where(shaped), format="%Y-%m-%d", errors="coerce")
    return shaped & parsed.notna()


def _dates_only(values: pd.Series, suspect: pd.Series) -> pd.Series:
    """Narrow ``suspect`` rows to those holding a calendar date (the date rule judges the rest).

    Dates written ``YYYY-MM-DD`` compare as text in calendar order, so the date
    checks compare text first and parse only the few suspects.
    """
    suspect = suspect.copy()
    if suspect.any():
        suspect[suspect] = _date_text(values[suspect]).to_numpy(dtype=bool)
    return suspect


def _not_after(day: dt.date) -> Callable[[pd.Series], pd.Series]:
    last = day.isoformat()

    def check(values: pd.Series) -> pd.Series:
        late = pd.Series((values > last).to_numpy(dtype=bool), index=values.index)
        return ~_dates_only(values, late)

    return check


def _not_before(
    rule: ColumnRule, reference_values: Mapping[tuple[str, str], pd.Series]
) -> Callable[[pd.DataFrame], pd.Series]:
    table, column = rule.not_before

    def check(frame: pd.DataFrame) -> pd.Series:
        # looked up when the check runs, so the rules can be listed without data
        ids = pa_arrow.array(reference_values[(table, _PERSON)], from_pandas=True)
        bounds = pa_arrow.array(reference_values[(table, column)], from_pandas=True)
        where = pc.index_in(pa_arrow.array(frame[_PERSON], from_pandas=True), value_set=ids)
        values = frame[rule.name]
        early = pc.less(pa_arrow.array(values, from_pandas=True), pc.take(bounds, where))
        # an unknown participant compares as null: the reference rule judges it
        early = early.fill_null(False).to_numpy(zero_copy_only=False)
        return ~_dates_only(values, pd.Series(early, index=frame.index))

    return check


def _not_before_words(rule: ColumnRule) -> str:
    table, column = rule.not_before
    return f"on or after the participant's {column} in {table}"


def _rule_checks(
    rule: ColumnRule,
    reference_values: Mapping[tuple[str, str], pd.Series],
    today: dt.date | None = None,
) -> list[tuple[str, Callable[[pd.Series], pd.Series]]]:
    """Return ``(rule in words, check)`` pairs for one column, in reporting order.

    Every check returns True for rows that obey the rule. All but the first
    pass missing values, which only the ``required`` rule judges, and the
    range check passes non-integers, which the integer rule judges; the day of
    the run passes text that is not a date, which the date rule judges.
    ``today`` is the day of the run (:func:`datetime.date.today` when None).
    """
    checks: list[tuple[str, Callable[[pd.Series], pd.Series]]] = []
    if rule.required:
        checks.append(("required (no missing values)", _present))
    if rule.kind == "integer":

        def within_bounds(s: pd.Series) -> pd.Series:  # not "in_range": pandera's own name
            inside = integer_values(s).between(rule.low, rule.high).fillna(False)
            return ~_integer_text(s) | inside.astype(bool)

        checks.append(("integer", lambda s: ~_present(s) | _integer_text(s)))
        checks.append((f"between {rule.low} and {rule.high}", within_bounds))
    if rule.kind == "date":
        checks.append(
            ("a calendar date written YYYY-MM-DD", lambda s: ~_present(s) | _date_text(s))
        )
        checks.append((NOT_AFTER_RUN, _not_after(today or dt.date.today())))
    if rule.allowed is not None:
        words = ", ".join(rule.allowed) + ("" if rule.required else " (or missing)")
        checks.append((f"one of: {words}", lambda s: ~_present(s) | s.isin(rule.allowed)))
    if rule.country_code:
        checks.append(
            (
                "an ISO 3166-1 alpha-2 country code such as US, GB, IN",
                lambda s: ~_present(s) | s.isin(_ISO_ALPHA2),
            )
        )
    if rule.unique:
        checks.append(("unique", lambda s: ~_present(s) | ~s.duplicated(keep=False)))
    if rule.references is not None:
        table, column = rule.references
        checks.append(
            (
                f"must exist in {table} (column {column})",
                # looked up when the check runs, so the rules can be listed without data
                lambda s: ~_present(s) | isin(s, reference_values[rule.references]),
            )
        )
    return checks


def _row_checks(
    rule: ColumnRule, reference_values: Mapping[tuple[str, str], pd.Series]
) -> list[tuple[str, Callable[[pd.DataFrame], pd.Series]]]:
    """Return ``(rule in words, check)`` pairs that judge one column using others.

    They run on the whole table (they need the row's ``participant_id``), come
    after the column's own rules, and are reported on the column.
    """
    if rule.not_before is None:
        return []
    return [(_not_before_words(rule), _not_before(rule, reference_values))]


def referenced_columns() -> set[tuple[str, str]]:
    """Return the ``(table, column)`` pairs that later tables' rules look values up in.

    :func:`table_schema` needs the values of each as ``reference_values``,
    once its table has been checked.
    """
    keys: set[tuple[str, str]] = set()
    for rules in CONTRACT.values():
        for rule in rules:
            if rule.references is not None:
                keys.add(rule.references)
            if rule.not_before is not None:
                keys |= {(rule.not_before[0], _PERSON), rule.not_before}
    return keys


def contract_rules(table: str) -> list[tuple[str | None, str]]:
    """List ``(column, rule in words)`` for one table, in the order rules are reported.

    ``column`` is None for the rule that spans columns (one WHO-5 assessment
    per participant per date). A rule that compares a column with another
    table (a date not before the participant's registration) is listed on its
    column, after the column's own rules. The rules about a file as a whole
    are :data:`FILE_RULES`.
    """
    if table not in CONTRACT:
        raise ValueError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
    rules: list[tuple[str | None, str]] = []
    for rule in CONTRACT[table]:
        rules += [(rule.name, words) for words, _ in _rule_checks(rule, {})]
        rules += [(rule.name, words) for words, _ in _row_checks(rule, {})]
    if table == "who5_assessments":
        rules.append((None, ONE_PER_DAY))
    return rules


def table_schema(
    table: str,
    reference_values: Mapping[tuple[str, str], pd.Series] | None = None,
    *,
    today: dt.date | None = None,
) -> pa.DataFrameSchema:
    """Build the pandera schema that checks one table, as text, against the contract.

    Parameters
    ----------
    table : str
        One of :data:`TABLES`.
    reference_values : mapping, optional
        ``{(table, column): values}`` for the columns this table looks values
        up in (:func:`referenced_columns`: participants' ids for sessions,
        their registration dates, and so on), aligned by row. Required for
        tables that reference others.
    today : datetime.date, optional
        The day of the run: no date may be later. Default: today.

    Returns
    -------
    pandera.pandas.DataFrameSchema
        A schema over the table with every cell as text (missing = ``""``);
        each check is named by the rule it enforces.
    """
    if table not in CONTRACT:
        raise ValueError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
    reference_values = reference_values or {}
    columns = {}
    frame_checks = []
    for rule in CONTRACT[table]:
        needed = [rule.references] if rule.references is not None else []
        if rule.not_before is not None:
            needed += [(rule.not_before[0], _PERSON), rule.not_before]
        for key in needed:
            if key not in reference_values:
                raise ValueError(f"{table}.{rule.name} needs reference_values[{key!r}]")
        checks = [
            pa.Check(fn, name=words) for words, fn in _rule_checks(rule, reference_values, today)
        ]
        columns[rule.name] = pa.Column(checks=checks, nullable=False, coerce=False)
        frame_checks += [
            pa.Check(fn, name=words) for words, fn in _row_checks(rule, reference_values)
        ]
    if table == "who5_assessments":
        frame_checks.append(
            pa.Check(
                lambda df: ~df.duplicated(["participant_id", "assessed_on"], keep=False),
                name=ONE_PER_DAY,
            )
        )
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False, ordered=False)
