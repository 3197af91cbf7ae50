"""The raw data contract (version 1) as data, and its rules as pandera checks.

``docs/raw-data-contract.md`` is the contract in words; this module is the same
contract for the code: four tables (:data:`TABLES`), their columns and the
rules each column's values obey (:data:`CONTRACT`), the rules in the words
every error quotes (:func:`contract_rules`), and a pandera schema that checks
one table, held as text (:func:`table_schema`). :func:`helpers.data.rawdata.load_raw`
reads the files and reports the first broken rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
import pycountry

from helpers._columns import isin

__all__ = [
    "CONTRACT",
    "ONE_PER_DAY",
    "PROVIDER_TYPES",
    "SEXES",
    "TABLES",
    "WAI_ITEMS",
    "WHO5_ITEMS",
    "ColumnRule",
    "contract_rules",
    "integer_values",
    "table_schema",
]

TABLES = ("participants", "sessions", "alliance_ratings", "who5_assessments")
WHO5_ITEMS = ("who5_1", "who5_2", "who5_3", "who5_4", "who5_5")
WAI_ITEMS = ("wai_bond", "wai_goals")
SEXES = ("female", "male")
PROVIDER_TYPES = ("therapist", "coach")
#: The one rule that spans columns.
ONE_PER_DAY = "at most one assessment per participant per date"

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
        ColumnRule("session_date", "date"),
    ),
    "alliance_ratings": (
        ColumnRule("session_id", "id", unique=True, references=("sessions", "session_id")),
        ColumnRule("wai_bond", "integer", required=False, low=1, high=5),
        ColumnRule("wai_goals", "integer", required=False, low=1, high=5),
    ),
    "who5_assessments": (
        ColumnRule("participant_id", "id", references=("participants", "participant_id")),
        ColumnRule("assessed_on", "date"),
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


def _rule_checks(
    rule: ColumnRule, reference_values: Mapping[tuple[str, str], pd.Series]
) -> list[tuple[str, Callable[[pd.Series], pd.Series]]]:
    """Return ``(rule in words, check)`` pairs for one column, in reporting order.

    Every check returns True for rows that obey the rule. All but the first
    pass missing values, which only the ``required`` rule judges, and the
    range check passes non-integers, which the integer rule judges.
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


def contract_rules(table: str) -> list[tuple[str | None, str]]:
    """List ``(column, rule in words)`` for one table, in the order rules are reported.

    ``column`` is None for the rule that spans columns (one WHO-5 assessment
    per participant per date).
    """
    if table not in CONTRACT:
        raise ValueError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
    rules: list[tuple[str | None, str]] = []
    for rule in CONTRACT[table]:
        rules += [(rule.name, words) for words, _ in _rule_checks(rule, {})]
    if table == "who5_assessments":
        rules.append((None, ONE_PER_DAY))
    return rules


def table_schema(
    table: str, reference_values: Mapping[tuple[str, str], pd.Series] | None = None
) -> pa.DataFrameSchema:
    """Build the pandera schema that checks one table, as text, against the contract.

    Parameters
    ----------
    table : str
        One of :data:`TABLES`.
    reference_values : mapping, optional
        ``{(table, column): values}`` for the columns this table references
        (participants' ids for sessions, and so on). Required for tables
        that reference others.

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
    for rule in CONTRACT[table]:
        if rule.references is not None and rule.references not in reference_values:
            raise ValueError(f"{table}.{rule.name} needs reference_values[{rule.references!r}]")
        checks = [pa.Check(fn, name=words) for words, fn in _rule_checks(rule, reference_values)]
        columns[rule.name] = pa.Column(checks=checks, nullable=False, coerce=False)
    frame_checks = []
    if table == "who5_assessments":
        frame_checks.append(
            pa.Check(
                lambda df: ~df.duplicated(["participant_id", "assessed_on"], keep=False),
                name=ONE_PER_DAY,
            )
        )
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False, ordered=False)
