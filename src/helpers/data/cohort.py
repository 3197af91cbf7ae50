"""Derive the paper's analysis cohort, and its eligibility flow, from the raw tables.

The derivation follows the raw data contract (``docs/raw-data-contract.md``,
"How the analysis data set is derived") step by step. Every number that the
contract writes in italics is a keyword argument of :func:`derive_cohort`
whose default is the paper's.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow

from helpers.data import store
from helpers.data.contract import WAI_ITEMS, WHO5_ITEMS
from helpers.data.memo import Memo
from helpers.data.rawdata import DATE_DTYPE, RawData
from helpers.data.scoring import (
    alliance_scores,
    clinical_improvement,
    clinical_recovery,
    screened_positive,
    who5_total,
)
from helpers.design import (
    FLOW_STEPS,
    IMPROVEMENT_POINTS,
    MIN_AGE,
    MIN_FOLLOWUP_DAYS,
    WHO5_CUTOFF,
    WINDOW_END,
    WINDOW_START,
)

__all__ = ["COHORT_COLUMNS", "Cohort", "derive_cohort"]

#: Columns of :attr:`Cohort.participants`, in order.
COHORT_COLUMNS = (
    "participant_id",
    "age",
    "sex",
    "country",
    "country_group",
    "utilization",
    "n_sessions",
    "n_therapist_sessions",
    "n_coach_sessions",
    "first_session",
    "last_session",
    "time_in_care_days",
    "baseline_on",
    "followup_on",
    "followup_days",
    "who5_baseline",
    "who5_followup",
    "who5_change",
    "screened_positive",
    "recovered",
    "improved",
    "n_rated_sessions",
    "bond_mean",
    "goals_mean",
    "alliance_score",
)


class _Later:
    """A frame computed the first time it is asked for, then kept for every copy.

    The cohort's copies (:func:`_copied`) share one, so the work is done once.
    """

    def __init__(self, compute: Callable[[], pd.DataFrame]) -> None:
        self._compute: Callable[[], pd.DataFrame] | None = compute
        self._frame: pd.DataFrame | None = None

    def get(self) -> pd.DataFrame:
        if self._frame is None:
            assert self._compute is not None
            self._frame, self._compute = self._compute(), None
        return self._frame.copy(deep=False)


@dataclass(frozen=True)
class Cohort:
    """The analysis data set and how it was reached.

    Attributes
    ----------
    participants : pandas.DataFrame
        One row per analysed person (:data:`COHORT_COLUMNS`), sorted by id.
    unrated : pandas.DataFrame
        One row per person who received care and completed both assessments
        but never rated an in-window session (same columns; alliance columns
        NaN and ``n_rated_sessions`` 0), sorted by id. Derived the first time
        it is asked for: no analysis needs it, and at millions of registrants
        it would be held beside the analysed people for nothing.
        :attr:`completed` is both groups together.
    ratings : pandas.DataFrame
        The in-window, rated sessions of the analysed people, one row each
        (``participant_id``, ``session_id``, ``provider_type``,
        ``session_date``, ``wai_bond``, ``wai_goals``): the data for the
        session-level reliability estimate.
    flow : pandas.DataFrame
        One row per eligibility step: ``step`` (a key from
        :data:`helpers.design.FLOW_STEPS`), ``criterion`` in words, ``n`` remaining after the
        step and ``excluded`` by it.
    parameters : dict
        The derivation parameters used.
    """

    participants: pd.DataFrame
    ratings: pd.DataFrame
    flow: pd.DataFrame
    parameters: dict[str, Any]
    later_unrated: _Later = field(repr=False, compare=False)

    @property
    def unrated(self) -> pd.DataFrame:
        """The people who completed both assessments but never rated a session (see above)."""
        return self.later_unrated.get()

    @property
    def completed(self) -> pd.DataFrame:
        """One row per person who received care and completed both assessments, rated or not.

        The analysed people and the unrated together, sorted by id (built when
        asked for: a cohort of millions is not held twice).
        """
        both = pd.concat([self.participants, self.unrated], ignore_index=True)
        return both.sort_values("participant_id", kind="stable").reset_index(drop=True)


def _as_date(value: str | dt.date, name: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: {value!r} is not a date; write it as YYYY-MM-DD") from None
    if pd.isna(stamp) or stamp != stamp.normalize():
        raise ValueError(f"{name}: {value!r} is not a calendar date; write it as YYYY-MM-DD")
    return stamp


def _whole(value: Any, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name}: expected a whole number of at least {low}, got {value!r}")
    return value


#: Steps 1, 3, 4 and 5 of the derivation, in the raw data contract's words. The raw
#: tables are views of the checked Parquet files; {names} are the derivation's parameters,
#: checked before they are written in (whole numbers and dates only).
_DERIVATION = """
-- 5. Eligibility, in order. Registered: every row of participants.
-- Adults: aged min_age or older at registration (a missing age fails).
CREATE TEMP VIEW adults AS
    SELECT participant_id, age, sex, country FROM participants WHERE age >= {min_age};

-- 1. In-window sessions: dated window_start to window_end inclusive (of adults).
CREATE TEMP VIEW in_window AS
    SELECT session_id, participant_id, provider_type, session_date
    FROM sessions SEMI JOIN adults USING (participant_id)
    WHERE session_date BETWEEN DATE '{window_start}' AND DATE '{window_end}';

-- 7. Sessions = in-window sessions, with their first and last date, per person.
CREATE TEMP TABLE care AS
    SELECT participant_id,
           count(*) AS n_sessions,
           count_if(provider_type = 'therapist') AS n_therapist_sessions,
           min(session_date) AS first_session,
           max(session_date) AS last_session
    FROM in_window GROUP BY participant_id;

-- 3. Baseline: the latest assessment on or before the first in-window session
-- (assessments are not limited to the window).
CREATE TEMP TABLE baseline AS
    SELECT participant_id, max(assessed_on) AS baseline_on
    FROM who5_assessments JOIN care USING (participant_id)
    WHERE assessed_on <= first_session
    GROUP BY participant_id;

-- 4. Follow-up: the latest assessment on or after the last in-window session and at
-- least min_followup_days after baseline.
CREATE TEMP TABLE followup AS
    SELECT participant_id, max(assessed_on) AS followup_on
    FROM who5_assessments JOIN care USING (participant_id) JOIN baseline USING (participant_id)
    WHERE assessed_on >= last_session
      AND date_diff('day', baseline_on, assessed_on) >= {min_followup_days}
    GROUP BY participant_id;

-- Rated: at least one rating (a row with at least one item) of an in-window session,
-- by a person who received care and completed assessments (a follow-up).
CREATE TEMP VIEW rated_sessions AS
    SELECT s.participant_id, s.session_id, s.provider_type, s.session_date,
           r.wai_bond, r.wai_goals
    FROM alliance_ratings r
    JOIN (SELECT * FROM in_window SEMI JOIN followup USING (participant_id)) s
        USING (session_id)
    WHERE r.wai_bond IS NOT NULL OR r.wai_goals IS NOT NULL;

-- The analysed: people with at least one such rating.
CREATE TEMP TABLE rated_people AS
    SELECT DISTINCT participant_id FROM rated_sessions;

CREATE TEMP TABLE flow_counts AS
              SELECT 'registered' AS step, count(*) AS n FROM participants
    UNION ALL SELECT 'adult', count(*) FROM adults
    UNION ALL SELECT 'in_window_session', count(*) FROM care
    UNION ALL SELECT 'baseline', count(*) FROM baseline
    UNION ALL SELECT 'followup', count(*) FROM followup;
"""

#: One row per person who completed both assessments: care, person, and both assessments
#: (the items, 0 to 5, in one byte each: only their totals are kept). {join} is SEMI for
#: the analysed people (at least one rating), ANTI for those who never rated a session.
_COMPLETED = f"""
SELECT care.participant_id, care.n_sessions, care.n_therapist_sessions,
       care.first_session, care.last_session, a.age, a.sex, a.country,
       baseline_on, followup_on,
       {", ".join(f"CAST(b.{item} AS TINYINT) AS baseline_{item}" for item in WHO5_ITEMS)},
       {", ".join(f"CAST(f.{item} AS TINYINT) AS followup_{item}" for item in WHO5_ITEMS)}
FROM followup
{{join}} JOIN rated_people USING (participant_id)
JOIN baseline USING (participant_id)
JOIN care USING (participant_id)
JOIN adults a USING (participant_id)
JOIN who5_assessments b
    ON b.participant_id = followup.participant_id AND b.assessed_on = baseline_on
JOIN who5_assessments f
    ON f.participant_id = followup.participant_id AND f.assessed_on = followup_on
ORDER BY care.participant_id
"""
_COMPLETED_TYPES = {
    "participant_id": "string",
    "age": "Int64",
    "sex": "string",
    "country": "string",
    **dict.fromkeys(("n_sessions", "n_therapist_sessions"), "int64"),
    **dict.fromkeys(("first_session", "last_session", "baseline_on", "followup_on"), DATE_DTYPE),
    **{f"{when}_{item}": "int8" for when in ("baseline", "followup") for item in WHO5_ITEMS},
}

#: Every rated in-window session of the people who completed both assessments.
_RATINGS = (
    "SELECT participant_id, session_id, provider_type, session_date, "
    f"{', '.join(WAI_ITEMS)} FROM rated_sessions "
    "ORDER BY participant_id, session_date, session_id"
)
_ARROW_TO_PANDAS = {
    pyarrow.string(): pd.StringDtype(),
    pyarrow.large_string(): pd.StringDtype(),
    pyarrow.int64(): pd.Int64Dtype(),
}
_RATING_TYPES = {
    "participant_id": "string",
    "session_id": "string",
    "provider_type": "string",
    "session_date": DATE_DTYPE,
    **dict.fromkeys(WAI_ITEMS, "Int64"),
}


def _sql_parameters(parameters: dict[str, Any]) -> dict[str, str]:
    """The derivation's parameters as SQL literals (checked: whole numbers and ISO dates)."""
    return {
        "min_age": str(int(parameters["min_age"])),
        "window_start": dt.date.fromisoformat(parameters["window_start"]).isoformat(),
        "window_end": dt.date.fromisoformat(parameters["window_end"]).isoformat(),
        "min_followup_days": str(int(parameters["min_followup_days"])),
    }


def _frame(table: pyarrow.Table, types: dict[str, str]) -> pd.DataFrame:
    """A query's result in pandas, with the column types the cohort documents.

    Through Arrow: text arrives as Arrow-backed pandas strings without a copy of
    every value, integers with missing values as nullable integers, and the
    Arrow copy is freed column by column as pandas takes it.
    """
    frame = table.to_pandas(
        types_mapper=_ARROW_TO_PANDAS.get,
        date_as_object=False,
        split_blocks=True,
        self_destruct=True,  # each column's Arrow memory is freed once it is converted
    )
    return frame.astype({column: types[column] for column in frame.columns})


def derive_cohort(
    raw: RawData,
    *,
    window_start: str | dt.date = WINDOW_START,
    window_end: str | dt.date = WINDOW_END,
    min_age: int = MIN_AGE,
    min_followup_days: int = MIN_FOLLOWUP_DAYS,
    who5_cutoff: float = WHO5_CUTOFF,
    improvement_points: float = IMPROVEMENT_POINTS,
) -> Cohort:
    """Derive the analysis cohort and the eligibility flow from a raw data directory.

    Parameters
    ----------
    raw : RawData
        Validated tables from :func:`helpers.data.rawdata.load_raw`.
    window_start, window_end : str or datetime.date
        First and last day (inclusive) of the study window; sessions outside
        it are ignored everywhere. Paper: 2020-09-29 to 2021-10-12.
    min_age : int, default 18
        Youngest eligible age at registration.
    min_followup_days : int, default 7
        Fewest days from baseline to follow-up assessment.
    who5_cutoff : float, default 28
        WHO-5 total at or below which a person screens positive.
    improvement_points : float, default 10
        WHO-5 rise that counts as clinical improvement.

    Returns
    -------
    Cohort
        ``participants`` (one row per analysed person), ``completed``,
        ``ratings`` and ``flow``.

    Notes
    -----
    Steps, as the raw data contract defines them:

    1. In-window sessions: dated ``window_start`` to ``window_end`` inclusive.
    2. WHO-5 total = 4 × item sum (:func:`helpers.data.scoring.who5_total`).
    3. Baseline: the latest assessment on or before the first in-window
       session (assessments are not limited to the window).
    4. Follow-up: the latest assessment on or after the last in-window
       session and at least ``min_followup_days`` after baseline.
    5. Eligibility, in order, each step counted: registered → age ≥
       ``min_age`` (missing age fails) → an in-window session → a baseline →
       a follow-up (received care and completed assessments) → at least one
       rating (a row with at least one item) of an in-window session
       (analysed).
    6. Utilization: ``therapy`` (only therapists), ``coaching`` (only
       coaches), ``both``.
    7. Sessions = in-window sessions; time in care = days from first to last
       (0 for one); follow-up period = days from baseline to follow-up.
    8. Alliance score = pooled mean of every item response of the rated
       in-window sessions (:func:`helpers.data.scoring.alliance_scores`).
    9. Country group: ``us`` for ``US``, ``non_us`` for any other code,
       missing when missing.
    10. Screened positive: baseline ≤ ``who5_cutoff``; change = follow-up −
        baseline; recovered: positive and follow-up > ``who5_cutoff``;
        improved: change ≥ ``improvement_points``.

    Examples
    --------
    .. code-block:: python

        from helpers.data.rawdata import load_raw

        cohort = derive_cohort(load_raw("path/to/export"), min_followup_days=14)
        cohort.flow  # counts at each eligibility step
    """
    if not isinstance(raw, RawData):
        raise ValueError(
            "derive_cohort: pass the RawData that helpers.data.rawdata.load_raw returns"
        )
    start = _as_date(window_start, "window_start")
    end = _as_date(window_end, "window_end")
    if end < start:
        raise ValueError(f"window_end ({end.date()}) is before window_start ({start.date()})")
    _whole(min_age, "min_age", 0)
    _whole(min_followup_days, "min_followup_days", 0)
    for name, value in (("who5_cutoff", who5_cutoff), ("improvement_points", improvement_points)):
        if isinstance(value, bool) or not isinstance(value, int | float) or pd.isna(value):
            raise ValueError(f"{name}: expected a number, got {value!r}")
    parameters = {
        "window_start": str(start.date()),
        "window_end": str(end.date()),
        "min_age": min_age,
        "min_followup_days": min_followup_days,
        "who5_cutoff": who5_cutoff,
        "improvement_points": improvement_points,
    }
    key = (raw.fingerprint, tuple((name, repr(value)) for name, value in parameters.items()))
    if raw.fingerprint and (remembered := _DERIVED.get(key)) is not None:
        return _copied(remembered)

    with store.connect(ordered=False) as connection:
        _derive(connection, raw.files, parameters)
        counts = dict(connection.execute("SELECT step, n FROM flow_counts").fetchall())
        rated = connection.sql(_COMPLETED.format(join="SEMI")).to_arrow_table()
        ratings = connection.sql(_RATINGS).to_arrow_table()
    # the database's memory is free again before pandas takes the rows
    ratings = _frame(ratings, _RATING_TYPES)
    # 8. alliance: every item response of the rated in-window sessions, pooled
    scores = alliance_scores(ratings, by="participant_id")
    participants = _scored(_frame(rated, _COMPLETED_TYPES), scores, who5_cutoff, improvement_points)
    counts["rated"] = len(participants)

    # every person with a rated session is analysed: the ratings are theirs, in order
    cohort = Cohort(
        participants=participants,
        ratings=ratings,
        flow=_flow_table(counts, parameters),
        parameters=parameters,
        later_unrated=_Later(
            functools.partial(
                _unrated,
                dict(raw.files),
                parameters,
                scores.iloc[:0],
                who5_cutoff,
                improvement_points,
            )
        ),
    )
    if not raw.fingerprint:
        return cohort
    _DERIVED.put(key, cohort)
    return _copied(cohort)


#: Cohorts already derived in this process, by raw data fingerprint and parameters
#: (:mod:`helpers.data.memo`).
_DERIVED = Memo()


def _copied(cohort: Cohort) -> Cohort:
    """A copy of a remembered cohort, so that no caller can change what the next one gets.

    Shallow: pandas copies on write, so the copies share the remembered data until a
    caller changes them, and a cohort of millions of rows is not held twice.
    """
    return Cohort(
        participants=cohort.participants.copy(deep=False),
        ratings=cohort.ratings.copy(deep=False),
        flow=cohort.flow.copy(deep=False),
        parameters=dict(cohort.parameters),
        later_unrated=cohort.later_unrated,
    )


def _derive(connection, files: Mapping[str, Path], parameters: dict[str, Any]) -> None:
    """Run the derivation's steps on the checked tables (:data:`_DERIVATION`)."""
    for table, path in files.items():
        connection.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
    connection.execute(_DERIVATION.format(**_sql_parameters(parameters)))


def _unrated(
    files: Mapping[str, Path],
    parameters: dict[str, Any],
    no_scores: pd.DataFrame,
    who5_cutoff: float,
    improvement_points: float,
) -> pd.DataFrame:
    """The people who completed both assessments but never rated a session, scored."""
    if not all(Path(path).is_file() for path in files.values()):
        raise ValueError(
            "Cohort.unrated: the checked tables this cohort was derived from are no longer "
            "in the cache (helpers.data.store); load the raw data and derive the cohort again"
        )
    with store.connect(ordered=False) as connection:
        _derive(connection, files, parameters)
        people = connection.sql(_COMPLETED.format(join="ANTI")).to_arrow_table()
    return _scored(_frame(people, _COMPLETED_TYPES), no_scores, who5_cutoff, improvement_points)


def _scored(
    people: pd.DataFrame, scores: pd.DataFrame, who5_cutoff: float, improvement_points: float
) -> pd.DataFrame:
    """Score people who completed both assessments: WHO-5 totals, alliance, derived variables."""
    people["n_coach_sessions"] = people["n_sessions"] - people["n_therapist_sessions"]
    # 2. WHO-5 total = 4 x item sum, of the baseline and the follow-up assessment
    for when in ("baseline", "followup"):
        columns = [f"{when}_{item}" for item in WHO5_ITEMS]
        items = people[columns].set_axis(list(WHO5_ITEMS), axis=1)
        people = people.drop(columns=columns)
        people[f"who5_{when}"] = who5_total(items)
    people = people.set_index("participant_id")
    # 8. each person's alliance scores (none for people who never rated a session)
    theirs = scores.reindex(people.index)
    for column in theirs.columns:  # added column by column: the others are not copied
        people[column] = theirs[column]
    people["n_rated_sessions"] = people["n_rated_sessions"].fillna(0).astype("int64")
    # 6., 9., 10. utilization type, country group, screen, change, recovery, improvement
    return _finish(people.reset_index(), who5_cutoff, improvement_points)


def _finish(frame: pd.DataFrame, who5_cutoff: float, improvement_points: float) -> pd.DataFrame:
    """Add the derived variables and put the columns in their documented order."""
    frame["age"] = frame["age"].astype("int64")
    country = frame["country"]
    frame["country_group"] = (
        pd.Series(np.where(country.eq("US").fillna(False), "us", "non_us"), index=frame.index)
        .where(country.notna())
        .astype("string")
    )
    frame["utilization"] = "coaching"
    frame.loc[frame["n_therapist_sessions"] > 0, "utilization"] = "therapy"
    frame.loc[
        (frame["n_therapist_sessions"] > 0) & (frame["n_coach_sessions"] > 0), "utilization"
    ] = "both"
    frame["utilization"] = frame["utilization"].astype("string")
    frame["time_in_care_days"] = (frame["last_session"] - frame["first_session"]).dt.days
    frame["followup_days"] = (frame["followup_on"] - frame["baseline_on"]).dt.days
    frame["who5_change"] = frame["who5_followup"] - frame["who5_baseline"]
    frame["screened_positive"] = screened_positive(frame["who5_baseline"], who5_cutoff)
    frame["recovered"] = clinical_recovery(
        frame["who5_baseline"], frame["who5_followup"], who5_cutoff
    )
    frame["improved"] = clinical_improvement(
        frame["who5_baseline"], frame["who5_followup"], improvement_points
    )
    for column in (
        "n_sessions",
        "n_therapist_sessions",
        "n_coach_sessions",
        "time_in_care_days",
        "followup_days",
        "who5_baseline",
        "who5_followup",
        "who5_change",
    ):
        frame[column] = frame[column].astype("int64")
    frame = frame.loc[:, list(COHORT_COLUMNS)]
    if not frame["participant_id"].is_monotonic_increasing:  # the query sorts them already
        frame = frame.sort_values("participant_id")
    return frame.reset_index(drop=True)


def _flow_table(counts: dict[str, int], parameters: dict[str, Any]) -> pd.DataFrame:
    criteria = {
        "registered": "registered on the platform",
        "adult": f"aged {parameters['min_age']} or older at registration",
        "in_window_session": (
            f"at least one session from {parameters['window_start']} to {parameters['window_end']}"
        ),
        "baseline": "WHO-5 on or before the first session (baseline)",
        "followup": (
            "WHO-5 on or after the last session and at least "
            f"{parameters['min_followup_days']} days after baseline (follow-up)"
        ),
        "rated": "at least one alliance rating of an in-window session (analysed)",
    }
    remaining = [counts[step] for step in FLOW_STEPS]
    excluded = [0] + [before - after for before, after in itertools.pairwise(remaining)]
    return pd.DataFrame(
        {
            "step": list(FLOW_STEPS),
            "criterion": [criteria[step] for step in FLOW_STEPS],
            "n": remaining,
            "excluded": excluded,
        }
    )
