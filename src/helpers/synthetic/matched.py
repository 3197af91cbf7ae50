"""Matched mode: adjust drawn values until the sample statistics hit the published ones.

As R's ``faux`` does with ``empirical = TRUE``: integers with an exact mean
and bounds (:func:`integers_with_mean`), a sum whose SD hits a target
(:func:`scale_to_sd`), and a follow-up WHO-5 whose complete-case regression
returns Table 2 while each utilization type keeps its mean change and the
whole group its Cohen's d_av (:func:`matched_followup`). Every loop runs a
named, fixed number of times, so the result is a function of the seed.
"""

from __future__ import annotations

import numpy as np

from helpers.design import UTILIZATION_TYPES, WHO5_MAX, WHO5_STEP
from helpers.synthetic import outcome
from helpers.synthetic.model import Moments, PopulationModel

__all__ = [
    "BISECTION_STEPS",
    "CHANGE_SUM_PASSES",
    "COEFFICIENT_STEPS",
    "INTEGER_MEAN_PASSES",
    "ROUNDING_PASSES",
    "integers_with_mean",
    "matched_followup",
    "scale_to_sd",
    "standardize",
]

#: Steps of every bisection here: each halves the bracket, so 40 leave a 2**-40
#: (about 1e-12) part of it: far below what a day or a WHO-5 step can resolve.
BISECTION_STEPS = 40
#: Most passes of :func:`integers_with_mean`: each moves min(|gap|, movable) values one
#: unit towards the target sum, so the sum converges to the target in a few passes (the
#: bundled data set needs at most 8, when many values sit at a bound); the cap only ends
#: a case that the bounds lock.
INTEGER_MEAN_PASSES = 200
#: Passes folding the rounding and clipping of the matched follow-up back into its targets.
#: On the WHO-5's lattice of steps the iteration wanders instead of converging, so the
#: values of the best pass are kept (for the bundled data set, the second).
ROUNDING_PASSES = 40
#: Most single-person WHO-5 steps of the greedy pass after it: each lowers the largest
#: standardised distance of a coefficient from Table 2's, and the pass ends as soon as no
#: step does (after 5 steps for the bundled data set).
COEFFICIENT_STEPS = 500
#: Most passes bringing each utilization type's follow-up sum to its mean change exactly:
#: each moves min(|gap|, movable) people one WHO-5 step (the bundled data set needs 3).
CHANGE_SUM_PASSES = 400


def standardize(x: np.ndarray, mean: float, sd: float) -> np.ndarray:
    """``x`` shifted and scaled to sample mean ``mean`` and SD ``sd`` (constant if it cannot be)."""
    if len(x) < 2 or np.std(x, ddof=1) == 0:
        return np.full(len(x), float(mean))
    return mean + (x - x.mean()) / x.std(ddof=1) * sd


def integers_with_mean(rng, x: np.ndarray, moments: Moments, matched: bool) -> np.ndarray:
    """Round to integers within bounds; in matched mode, hit the target mean and bounds."""
    values = np.clip(np.round(x), moments.low, moments.high).astype(np.int64)
    if not matched or len(values) < 3:
        return values
    order = np.argsort(x, kind="stable")
    values[order[0]], values[order[-1]] = moments.low, moments.high
    target = round(moments.mean * len(values))
    for _ in range(INTEGER_MEAN_PASSES):
        gap = target - int(values.sum())
        if gap == 0:
            break
        step = 1 if gap > 0 else -1
        movable = np.flatnonzero((values + step >= moments.low) & (values + step <= moments.high))
        movable = movable[(movable != order[0]) & (movable != order[-1])]
        if len(movable) == 0:
            break
        chosen = rng.choice(movable, size=min(abs(gap), len(movable)), replace=False)
        values[chosen] += step
    return values


def scale_to_sd(base: np.ndarray, gap: np.ndarray, sd: float) -> np.ndarray:
    """Stretch ``gap`` around its mean (kept non-negative) until SD(base + gap) = ``sd``."""

    def stretched(factor: float) -> np.ndarray:
        return np.maximum(gap.mean() + (gap - gap.mean()) * factor, 0)

    low, high = 0.25, 4.0  # from a quarter to four times the drawn spread
    for _ in range(BISECTION_STEPS):
        middle = (low + high) / 2
        if np.std(base + stretched(middle), ddof=1) < sd:
            low = middle
        else:
            high = middle
    return stretched((low + high) / 2)


def _spread_for_cohen_d(model, base, follow, mean, residual, free, utilization) -> np.ndarray:
    """Follow-up WHO-5 of the people outside aim 3's complete cases (matched mode).

    They do not enter Table 2, so their residual spread is free: bisection
    picks the spread that gives the whole screened-positive group the
    published Cohen's d_av (aim 2), after each utilization type's values are
    shifted to its target mean change.
    """

    def values(factor: float) -> np.ndarray:
        trial = follow.copy()
        trial[free] = mean[free] + factor * residual[free]
        for group in UTILIZATION_TYPES:  # each type's mean change back on target
            rows = utilization == group
            moved = rows & free
            if moved.any():
                wanted = (base[rows].mean() + model.groups[group].change) * rows.sum()
                trial[moved] += (wanted - trial[rows].sum()) / moved.sum()
        return outcome.to_who5_steps(trial)

    def cohen_d(factor: float) -> float:
        trial = values(factor)
        pooled = np.sqrt((base.var(ddof=1) + trial.var(ddof=1)) / 2)
        return (trial - base).mean() / pooled

    low, high = 0.0, 6.0  # from no spread to six times the residual's
    for _ in range(BISECTION_STEPS):
        middle = (low + high) / 2
        if cohen_d(middle) > model.followup_cohen_d:
            low = middle  # d too large: spread more
        else:
            high = middle
    return values((low + high) / 2)[free]


def matched_followup(rng, model: PopulationModel, people, alliance, mean, residual) -> np.ndarray:
    """Follow-up WHO-5 whose complete-case OLS returns Table 2's coefficients.

    The residual is made orthogonal to the Table 2 predictors and to the
    moderation products, scaled to the model's residual SD, then the values
    are rounded to WHO-5 steps; a few correction passes absorb the rounding.
    People with sex missing (outside the complete cases) then bring each
    utilization type's mean change to its target.

    Parameters
    ----------
    rng : numpy.random.Generator
    model : PopulationModel
    people : pandas.DataFrame
        Plan rows of the screened-positive analysed people.
    alliance : numpy.ndarray
        Their alliance scores.
    mean, residual : numpy.ndarray
        Their expected follow-up (:func:`helpers.synthetic.outcome.expected_followup`)
        and drawn residuals (:func:`helpers.synthetic.outcome.residuals`).
    """
    complete = people["sex"].notna().to_numpy()
    base = people["who5_baseline"].to_numpy().astype(float)
    sessions = people["n_sessions"].to_numpy().astype(float)
    utilization = people["utilization"].to_numpy()
    coaching = (utilization == "coaching").astype(float)
    both = (utilization == "both").astype(float)
    design = np.column_stack([np.ones(len(people)), outcome.design(people, alliance)])
    beta = outcome.coefficients(model)
    z = lambda x: (x - x[complete].mean()) / x[complete].std(ddof=1)  # noqa: E731
    guard = np.column_stack(
        [
            design,
            alliance * coaching,
            alliance * both,
            z(alliance) * z(base),
            z(alliance) * z(sessions),
        ]
    )
    shift = mean - design @ beta  # group structure beyond Table 2's predictors
    shift_cc = shift[complete] - shift[complete].mean()
    noise = residual[complete] + shift_cc
    projector, *_ = np.linalg.lstsq(guard[complete], noise, rcond=None)
    noise = noise - guard[complete] @ projector
    # residual scale: the one that gives the alliance coefficient its published SE
    inverse = np.linalg.inv(design[complete].T @ design[complete])
    n, k = design[complete].shape
    sd = model.followup_alliance_se / np.sqrt(inverse[5, 5]) * np.sqrt((n - k) / (n - 1))
    noise = noise / noise.std(ddof=1) * sd
    target = design[complete] @ beta + noise
    values = outcome.to_who5_steps(target)
    # absorb rounding and clipping into the coefficients; the rounding lattice
    # makes the iteration wander, so keep the values whose fit is closest
    scale = np.sqrt(np.diag(inverse)) * sd  # about the standard errors
    best, best_error = values, np.inf
    for _ in range(ROUNDING_PASSES):
        fitted = inverse @ design[complete].T @ values
        error = np.max(np.abs(fitted - beta) / scale)
        if error < best_error:
            best, best_error = values, error
        target = target + design[complete] @ (beta - fitted)
        values = outcome.to_who5_steps(target)
    values = best.copy()
    # then move single people one WHO-5 step while that brings the fit closer
    effect = (inverse @ design[complete].T) / scale[:, None]  # coefficient change per point
    error = (inverse @ design[complete].T @ values - beta) / scale
    for _ in range(COEFFICIENT_STEPS):
        candidates = []
        for step in (float(WHO5_STEP), -float(WHO5_STEP)):
            allowed = (values + step >= 0) & (values + step <= WHO5_MAX)
            worst = np.abs(error[:, None] + step * effect).max(axis=0)
            worst[~allowed] = np.inf
            candidates.append((worst.min(), int(worst.argmin()), step))
        value, person, step = min(candidates)
        if value >= np.abs(error).max():
            break
        values[person] += step
        error = error + step * effect[:, person]
    follow = np.empty(len(people))
    follow[complete] = values
    follow[~complete] = _spread_for_cohen_d(
        model, base, follow, mean, residual, ~complete, utilization
    )
    # exact group change sums through the people outside the complete cases
    for group in UTILIZATION_TYPES:
        rows = np.flatnonzero(utilization == group)
        free = np.flatnonzero((utilization == group) & ~complete)
        if len(free) == 0:
            continue
        wanted = round((base[rows].mean() + model.groups[group].change) * len(rows) / WHO5_STEP)
        for _ in range(CHANGE_SUM_PASSES):
            gap = wanted - int(follow[rows].sum() // WHO5_STEP)
            if gap == 0:
                break
            step = WHO5_STEP if gap > 0 else -WHO5_STEP
            movable = free[(follow[free] + step >= 0) & (follow[free] + step <= WHO5_MAX)]
            if len(movable) == 0:
                break
            chosen = rng.choice(movable, size=min(abs(gap), len(movable)), replace=False)
            follow[chosen] += step
    return follow
