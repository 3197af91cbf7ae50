"""Alliance item responses and follow-up WHO-5: the draws that need the session structure.

Item responses are drawn for the rated sessions of analysed people
(:func:`draw_ratings`), scored as the derivation scores them
(:func:`alliance_by_person`), and in matched mode rebuilt by the search of
:mod:`helpers.synthetic.alliance` so that every printed aim 1 and Table 1
alliance number comes out as printed.
The follow-up WHO-5 (:func:`followup_who5`) then uses the alliance scores:
screened-positive analysed people follow the aim 3 outcome model
(:mod:`helpers.synthetic.outcome`), everyone else a small random change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.design import WHO5_CUTOFF, WHO5_MAX
from helpers.synthetic import outcome
from helpers.synthetic.alliance import calibrate_ratings, person_items
from helpers.synthetic.matched import matched_followup
from helpers.synthetic.model import PopulationModel

__all__ = [
    "alliance_by_person",
    "draw_ratings",
    "followup_who5",
]


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
        calibrate_ratings(rng, model, plan, ratings)
    return ratings


def alliance_by_person(ratings: pd.DataFrame) -> pd.Series:
    """Each person's alliance score: the mean of every item response they gave."""
    sums = person_items(ratings)
    return sums["total"] / sums["count"]


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
