"""Render a person plan as the four raw tables of the raw data contract.

Dated sessions, alliance ratings and WHO-5 item responses are built so that
deriving the cohort from them returns exactly the plan's values, with decoys
the derivation must ignore: assessments before the baseline and between
sessions, ratings with both items missing, ratings of sessions outside the
window, and sessions just outside it. :func:`write_raw` writes the tables as
byte-stable CSV with a manifest saying the data are synthetic.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data.contract import TABLES, WHO5_ITEMS
from helpers.design import MIN_AGE, MIN_FOLLOWUP_DAYS, WHO5_MAX, WHO5_STEP
from helpers.paths import SYNTHETIC_MANIFEST
from helpers.synthetic.model import PopulationModel
from helpers.synthetic.responses import alliance_by_person, draw_ratings, followup_who5

__all__ = ["render_raw", "write_raw"]


def render_raw(
    model: PopulationModel, plan: pd.DataFrame, rng: np.random.Generator, mode: str
) -> dict[str, pd.DataFrame]:
    """Render a person plan as the four raw tables of the raw data contract.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``participants``, ``sessions``, ``alliance_ratings``,
        ``who5_assessments``, with contract columns, sorted, dates as
        ``datetime64``; the plan gains ``participant_id``, ``alliance_score``
        and its final ``who5_followup``.
    """
    start = pd.Timestamp(model.window_start)
    end = pd.Timestamp(model.window_end)
    window_days = (end - start).days
    n = len(plan)
    fate = plan["fate"].to_numpy()
    care = plan["time_in_care_days"].to_numpy()

    # first in-window session: the whole of care fits in the window
    first = rng.integers(0, np.maximum(window_days - care, 0) + 1)
    sessions = _session_rows(rng, plan, first, window_days)
    # registrants without an in-window session: none, or only outside the window
    lost = np.flatnonzero(fate == "no_session")
    outside = lost[rng.random(len(lost)) < 0.5]
    keep = ~np.isin(sessions["person"].to_numpy(), lost)
    sessions = sessions[keep]
    extra = pd.DataFrame(
        {
            "person": outside,
            "day": np.where(
                rng.random(len(outside)) < 0.5,
                -rng.integers(1, 60, len(outside)),
                window_days + rng.integers(1, 60, len(outside)),
            ),
            "provider_type": np.where(rng.random(len(outside)) < 0.5, "therapist", "coach"),
            "in_window": False,
        }
    )
    unrated = np.flatnonzero(fate == "unrated")
    late_rated = unrated[rng.random(len(unrated)) < 0.15]
    late = pd.DataFrame(
        {
            "person": late_rated,
            "day": window_days + rng.integers(1, 45, len(late_rated)),
            "provider_type": "coach",
            "in_window": False,
        }
    )
    sessions = pd.concat([sessions, extra, late], ignore_index=True)

    ratings = draw_ratings(rng, model, plan, sessions, mode == "matched")
    alliance = np.full(n, np.nan)
    scores = alliance_by_person(ratings)
    alliance[scores.index.to_numpy()] = scores.to_numpy()
    plan["alliance_score"] = alliance
    plan["who5_followup"] = followup_who5(
        rng, model, plan, np.nan_to_num(alliance), mode == "matched"
    )

    # ratings that are not ratings, and ratings of out-of-window sessions
    blank_people = unrated[rng.random(len(unrated)) < 0.15]
    blank_rows = sessions.index[
        np.isin(sessions["person"].to_numpy(), blank_people) & sessions["in_window"]
    ]
    blank_rows = (
        pd.Index(blank_rows)
        .to_series()
        .groupby(sessions.loc[blank_rows, "person"].to_numpy())
        .first()
    )
    late_rows = sessions.index[
        np.isin(sessions["person"].to_numpy(), late_rated) & ~sessions["in_window"]
    ]
    other_fates = np.isin(
        fate[sessions["person"].to_numpy()], ["under_age", "no_baseline", "no_followup"]
    )
    other_rows = sessions.index[other_fates & (rng.random(len(sessions)) < 0.5)]
    other_rows = other_rows.union(sessions.index[np.isin(sessions["person"].to_numpy(), outside)])
    extra_ratings = pd.DataFrame(
        {
            "session_row": np.concatenate([blank_rows.to_numpy(), late_rows, other_rows]),
            "wai_bond": np.concatenate(
                [np.full(len(blank_rows), -1), rng.integers(3, 6, len(late_rows) + len(other_rows))]
            ),
            "wai_goals": np.concatenate(
                [np.full(len(blank_rows), -1), rng.integers(3, 6, len(late_rows) + len(other_rows))]
            ),
        }
    )
    all_ratings = pd.concat([ratings.drop(columns="person"), extra_ratings], ignore_index=True)

    assessments = _assessment_rows(rng, plan, sessions, first)
    return _tables(rng, model, plan, sessions, all_ratings, assessments, start)


def _session_rows(rng, plan, first, window_days) -> pd.DataFrame:
    n_sessions = plan["n_sessions"].to_numpy()
    care = plan["time_in_care_days"].to_numpy()
    person = np.repeat(np.arange(len(plan)), n_sessions)
    position = np.arange(len(person)) - np.repeat(np.cumsum(n_sessions) - n_sessions, n_sessions)
    last = np.repeat(n_sessions - 1, n_sessions)
    span = care[person]
    offset = np.floor(rng.random(len(person)) * (span + 1)).astype(np.int64)
    offset = np.where(position == 0, 0, np.where(position == last, span, offset))
    utilization = plan["utilization"].to_numpy()[person]
    kind = np.where(rng.random(len(person)) < 0.5, "therapist", "coach")
    kind = np.where(utilization == "therapy", "therapist", kind)
    kind = np.where(utilization == "coaching", "coach", kind)
    kind = np.where((utilization == "both") & (position == 0), "therapist", kind)
    kind = np.where((utilization == "both") & (position == last), "coach", kind)
    return pd.DataFrame(
        {"person": person, "day": first[person] + offset, "provider_type": kind, "in_window": True}
    )


def _assessment_rows(rng, plan, sessions, first) -> pd.DataFrame:
    """WHO-5 assessments: baseline, follow-up, and decoys the derivation must ignore."""
    fate = plan["fate"].to_numpy()
    n = len(plan)
    care = plan["time_in_care_days"].to_numpy()
    baseline_day = first - plan["gap_before"].to_numpy()
    followup_day = first + care + plan["gap_after"].to_numpy()
    assert np.array_equal(followup_day - baseline_day, plan["followup_days"].to_numpy())
    base = plan["who5_baseline"].to_numpy()
    follow = plan["who5_followup"].to_numpy()
    people = np.arange(n)
    rows = []
    # no baseline: the first assessment comes after the first session
    no_base = fate == "no_baseline"
    rows.append((people[~no_base], baseline_day[~no_base], base[~no_base]))
    rows.append(
        (people[no_base], first[no_base] + 1 + rng.integers(0, 5, no_base.sum()), base[no_base])
    )
    # follow-up for everyone but no_followup (who only have a too-early or between one)
    has_follow = fate != "no_followup"
    rows.append((people[has_follow], followup_day[has_follow], follow[has_follow]))
    missing = np.flatnonzero(~has_follow)
    early = missing[rng.random(len(missing)) < 0.5]
    rows.append(
        (early, baseline_day[early] + rng.integers(1, MIN_FOLLOWUP_DAYS, len(early)), follow[early])
    )
    # decoys: an older assessment before the baseline, and one between sessions
    older = people[(rng.random(n) < 0.2) & ~no_base]  # would become a baseline
    rows.append((older, baseline_day[older] - rng.integers(1, 90, len(older)), base[older]))
    between = people[(care >= 2) & (rng.random(n) < 0.1) & (fate != "no_baseline")]
    rows.append(
        (
            between,
            first[between] + 1 + rng.integers(0, care[between] - 1),
            np.clip(base[between] + WHO5_STEP, 0, WHO5_MAX),
        )
    )
    frame = pd.DataFrame(
        {
            "person": np.concatenate([r[0] for r in rows]),
            "day": np.concatenate([r[1] for r in rows]).astype(np.int64),
            "total": np.concatenate([r[2] for r in rows]).astype(np.int64),
        }
    )
    return frame.drop_duplicates(["person", "day"], keep="first")


def _who5_items(rng, totals: np.ndarray) -> np.ndarray:
    """Five items 0-5 summing to total / 4, spread at random."""
    raw = totals // WHO5_STEP
    items = np.repeat((raw // 5)[:, None], 5, axis=1)
    remainder = raw - items.sum(axis=1)
    order = np.argsort(rng.random((len(raw), 5)), axis=1)
    bump = order < remainder[:, None]
    return items + bump


def _tables(rng, model, plan, sessions, ratings, assessments, start) -> dict[str, pd.DataFrame]:
    n = len(plan)
    number = rng.permutation(n) + 1
    ids = np.array([f"P{k:06d}" for k in number], dtype=object)
    plan["participant_id"] = ids
    fate = plan["fate"].to_numpy()
    age = plan["age"].to_numpy().astype(object)
    young = np.flatnonzero(fate == "under_age")
    age[young] = np.where(rng.random(len(young)) < 0.6, rng.integers(16, MIN_AGE, len(young)), None)
    # registration comes before a person's first session or assessment, whichever they have
    first_contact = np.fmin(
        sessions.groupby("person")["day"].min().reindex(range(n)).to_numpy(),
        assessments.groupby("person")["day"].min().reindex(range(n)).to_numpy(),
    )
    first_contact = np.where(np.isnan(first_contact), rng.integers(-60, 300, n), first_contact)
    registered = start + pd.to_timedelta(first_contact - rng.integers(0, 30, n), unit="D")
    participants = pd.DataFrame(
        {
            "participant_id": ids,
            "registered_on": registered,
            "age": pd.array(age, dtype="Int64"),
            "sex": plan["sex"].to_numpy(),
            "country": plan["country"].to_numpy(),
        }
    ).sort_values("participant_id", ignore_index=True)

    sessions = sessions.assign(
        participant_id=ids[sessions["person"].to_numpy()],
        session_date=start + pd.to_timedelta(sessions["day"].to_numpy(), unit="D"),
    )
    order = sessions.sort_values(["participant_id", "session_date", "provider_type"], kind="stable")
    session_ids = pd.Series(
        [f"S{k:08d}" for k in range(1, len(order) + 1)], index=order.index, dtype=object
    )
    sessions["session_id"] = session_ids
    session_table = sessions.loc[
        order.index, ["session_id", "participant_id", "provider_type", "session_date"]
    ]

    rating_table = (
        pd.DataFrame(
            {
                "session_id": session_ids.loc[ratings["session_row"].to_numpy()].to_numpy(),
                "wai_bond": pd.array(
                    np.where(ratings["wai_bond"] > 0, ratings["wai_bond"], None), dtype="Int64"
                ),
                "wai_goals": pd.array(
                    np.where(ratings["wai_goals"] > 0, ratings["wai_goals"], None), dtype="Int64"
                ),
            }
        )
        .drop_duplicates("session_id")
        .sort_values("session_id", ignore_index=True)
    )

    items = _who5_items(rng, assessments["total"].to_numpy())
    who5 = pd.DataFrame(
        {
            "participant_id": ids[assessments["person"].to_numpy()],
            "assessed_on": start + pd.to_timedelta(assessments["day"].to_numpy(), unit="D"),
            **{name: items[:, k] for k, name in enumerate(WHO5_ITEMS)},
        }
    ).sort_values(["participant_id", "assessed_on"], ignore_index=True)
    return {
        "participants": participants,
        "sessions": session_table.reset_index(drop=True),
        "alliance_ratings": rating_table,
        "who5_assessments": who5,
    }


def write_raw(tables: dict[str, pd.DataFrame], directory: str | Path, manifest: dict) -> Path:
    """Write the tables as CSV (byte-stable) plus a manifest saying the data are synthetic."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        frame = tables[name].copy()
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                frame[column] = frame[column].dt.strftime("%Y-%m-%d")
        frame.to_csv(directory / f"{name}.csv", index=False, lineterminator="\n")
    (directory / SYNTHETIC_MANIFEST).write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return directory
