"""Alliance item responses and follow-up WHO-5: the draws that need the session structure.

Item responses are drawn for the rated sessions of analysed people
(:func:`draw_ratings`), scored as the derivation scores them
(:func:`alliance_by_person`), and in matched mode nudged until each
utilization type's mean alliance is Table 1's (:func:`match_alliance_means`).
The follow-up WHO-5 (:func:`followup_who5`) then uses the alliance scores:
screened-positive analysed people follow the aim 3 outcome model
(:mod:`helpers.synthetic.outcome`), everyone else a small random change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.design import UTILIZATION_TYPES, WHO5_CUTOFF, WHO5_MAX
from helpers.synthetic import outcome
from helpers.synthetic.matched import matched_followup
from helpers.synthetic.model import PopulationModel

__all__ = [
    "ALLIANCE_MEAN_PASSES",
    "ALLIANCE_MEAN_TOLERANCE",
    "ALLIANCE_TAIL_QUANTILE",
    "alliance_by_person",
    "draw_ratings",
    "followup_who5",
    "match_alliance_means",
]

#: Most passes of :func:`match_alliance_means`: each moves about the gap's worth of item
#: responses one step, so each group's mean converges to its target within a few passes
#: (the bundled data set needs 8).
ALLIANCE_MEAN_PASSES = 60
#: Distance from the target at which a group's alliance mean counts as hit: a tenth of the
#: rounding of the two-decimal means Table 1 prints (±0.005).
ALLIANCE_MEAN_TOLERANCE = 0.0005
#: Tuning: only people at or below this quantile of their group's alliance scores are
#: moved, so the bulk of the distribution (and the ranks) stays as drawn.
ALLIANCE_TAIL_QUANTILE = 0.25


def draw_ratings(rng, model: PopulationModel, plan, sessions, matched: bool) -> pd.DataFrame:
    """Item responses for the rated sessions of analysed people."""
    analysed = plan["fate"].to_numpy() == "analysed"
    person = sessions["person"].to_numpy()
    in_scope = analysed[person] & sessions["in_window"].to_numpy()
    candidates = sessions[in_scope]
    who = candidates["person"].to_numpy()
    n_sessions = plan["n_sessions"].to_numpy()[who]
    # each analysed person rates 1 + Binomial(n - 1, share) of their sessions
    rated_count = 1 + rng.binomial(n_sessions - 1, model.rated_session_share)
    key = rng.random(len(candidates))
    rank = pd.Series(key).groupby(who).rank(method="first").to_numpy() - 1
    rated = candidates[rank < rated_count]
    who = rated["person"].to_numpy()
    lam = plan["lambda"].to_numpy()[who]
    m = len(rated)
    # each person leans a little towards one item: this sets Cronbach's alpha
    lean = rng.normal(0, model.alliance_item_sd_log_rate, (len(plan), 2))[who]
    bond = 5 - np.minimum(4, rng.poisson(lam * np.exp(lean[:, 0])))
    goals = 5 - np.minimum(4, rng.poisson(lam * np.exp(lean[:, 1])))
    drop = rng.random(m) < model.item_missing
    drop_bond = drop & (rng.random(m) < 0.5)
    ratings = pd.DataFrame(
        {
            "person": rated["person"].to_numpy(),
            "session_row": rated.index.to_numpy(),
            "wai_bond": np.where(drop_bond, -1, bond),
            "wai_goals": np.where(drop & ~drop_bond, -1, goals),
        }
    )
    if matched:
        match_alliance_means(rng, model, plan, ratings)
    return ratings


def alliance_by_person(ratings: pd.DataFrame) -> pd.Series:
    """Each person's alliance score: the mean of every item response they gave."""
    items = ratings[["wai_bond", "wai_goals"]].to_numpy()
    given = items > 0
    frame = pd.DataFrame(
        {
            "person": ratings["person"].to_numpy(),
            "total": np.where(given, items, 0).sum(axis=1),
            "count": given.sum(axis=1),
        }
    )
    sums = frame.groupby("person")[["total", "count"]].sum()
    return sums["total"] / sums["count"]


def match_alliance_means(rng, model: PopulationModel, plan, ratings) -> None:
    """Bump single item responses until each group's alliance mean hits its target.

    Only the lowest quarter of each group's scorers is moved, so the bulk of
    the distribution (and the ranks the nonparametric tests use) stays as drawn.
    """
    utilization = plan["utilization"].to_numpy()
    person = ratings["person"].to_numpy()
    for group in UTILIZATION_TYPES:
        target = model.groups[group].alliance_mean
        floor = model.groups[group].alliance_min
        in_group = utilization[person] == group
        if not in_group.any():
            continue
        for column in ("wai_bond", "wai_goals"):
            values = ratings[column].to_numpy().copy()
            values[in_group & (values > 0)] = np.maximum(values[in_group & (values > 0)], floor)
            ratings[column] = values
        lowest = alliance_by_person(ratings[in_group]).idxmin()
        for column in ("wai_bond", "wai_goals"):
            ratings.loc[(person == lowest) & (ratings[column] > 0).to_numpy(), column] = floor
        whole_group, in_group = in_group, in_group & (person != lowest)
        for _ in range(ALLIANCE_MEAN_PASSES):
            scores = alliance_by_person(ratings[whole_group])
            gap = target - scores.mean()
            if abs(gap) < ALLIANCE_MEAN_TOLERANCE or len(scores) == 0:
                break
            step = 1 if gap > 0 else -1
            column = "wai_bond" if rng.random() < 0.5 else "wai_goals"
            values = ratings[column].to_numpy().copy()
            # move the tail, not the bulk: only the group's lowest quarter of scorers
            low = scores.index[scores <= scores.quantile(ALLIANCE_TAIL_QUANTILE)].to_numpy()
            in_tail = np.isin(ratings["person"].to_numpy(), low)
            movable = np.flatnonzero(
                in_group & in_tail & (values > 0) & (values + step >= floor) & (values + step <= 5)
            )
            if len(movable) == 0:
                continue
            items_per_person = 2 * ratings[in_group].groupby("person").size().mean()
            count = int(min(len(movable), max(1, abs(gap) * len(scores) * items_per_person / 2)))
            chosen = rng.choice(movable, size=count, replace=False)
            values[chosen] += step
            ratings[column] = values


def followup_who5(
    rng, model: PopulationModel, plan: pd.DataFrame, alliance: np.ndarray, matched: bool
) -> np.ndarray:
    """Follow-up WHO-5 totals for people who completed assessments.

    Screened-positive analysed people follow the aim 3 outcome model
    (:mod:`helpers.synthetic.outcome`; in matched mode fitted by
    :func:`helpers.synthetic.matched.matched_followup`); everyone else changes
    by a normal draw (``negative_change_mean``, ``negative_change_sd``).
    """
    n = len(plan)
    base = plan["who5_baseline"].to_numpy().astype(float)
    follow = np.clip(
        base + rng.normal(model.negative_change_mean, model.negative_change_sd, n), 0, WHO5_MAX
    )
    positive = (base <= WHO5_CUTOFF) & (plan["fate"].to_numpy() == "analysed")
    rows = np.flatnonzero(positive)
    if len(rows):
        people = plan.iloc[rows]
        x = outcome.design(people, alliance[rows])
        mean = outcome.expected_followup(model, x, people["utilization"].to_numpy())
        residual = outcome.residuals(rng, model, len(rows))
        if matched:
            follow[rows] = matched_followup(rng, model, people, alliance[rows], mean, residual)
        else:
            follow[rows] = mean + residual
    return outcome.to_who5_steps(follow).astype(np.int64)
