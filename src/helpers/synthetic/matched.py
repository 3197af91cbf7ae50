"""Matched mode: adjust drawn values until the sample statistics hit the published ones.

As R's ``faux`` does with ``empirical = TRUE``, but as a search: a follow-up
WHO-5 whose complete-case regression returns Table 2 while each utilization
type keeps its mean change and the whole group its Cohen's d_av
(:func:`matched_followup`), and integers moved one unit at a time to an exact
sum (:func:`move_to_sum`). Every loop runs a named, fixed number of times, so
the result is a function of the seed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from helpers.claims import table2_key
from helpers.design import TABLE2_FOCAL, TABLE2_TERMS, UTILIZATION_TYPES, WHO5_MAX, WHO5_STEP
from helpers.report.published import printed_count
from helpers.synthetic import outcome, targets
from helpers.synthetic.model import PopulationModel

_TABLE2 = "full model"
_MODERATION = "moderation"
_POSITIVE = "screened_positive"

__all__ = [
    "BISECTION_STEPS",
    "CHANGE_SUM_PASSES",
    "COEFFICIENT_PASSES",
    "PAIR_CANDIDATES",
    "RANGE_POINTS",
    "ROUNDING_PASSES",
    "RSS_FINE",
    "RSS_FINE_STEPS",
    "RSS_PASSES",
    "SLOPE_STEPS",
    "SPREAD_STEPS",
    "STEPS_GOAL",
    "at_random",
    "matched_followup",
    "move_to_sum",
]

#: Steps of every bisection here: each halves the bracket, so 40 leave a 2**-40
#: (about 1e-12) part of it: far below what a day or a WHO-5 step can resolve.
BISECTION_STEPS = 40
#: Passes folding the rounding and clipping of the matched follow-up back into its targets.
#: On the WHO-5's lattice of steps the iteration wanders instead of converging, so the
#: values of the best pass are kept (for the bundled data set, the second).
ROUNDING_PASSES = 40
#: Most passes of the WHO-5 steps after the rounding passes (:func:`_lattice_steps`): each
#: moves a batch of people one step, the batch doubling while it lowers the cost, and the
#: steps end as soon as no single step lowers it (after a handful of passes for the
#: bundled data set, a few dozen at 100 times its size).
COEFFICIENT_PASSES = 400
#: Tuning (not printed): the steps stop once every statistic is within this many target
#: half-widths: closer buys nothing at printed precision, and at 100 times the bundled
#: size the pair steps would otherwise creep on, a tiny gain per pass, to the pass cap.
STEPS_GOAL = 0.25
#: Best single steps among which :func:`_best_pair` looks for two to take together
#: (of about 1,350 for the bundled data set, whose coarsest statistics move several
#: half-widths per step, so that only two nearly cancelling steps fine-tune them).
PAIR_CANDIDATES = 512
#: First steps per block of :func:`_best_pair`: 12 statistics x 128 x 512 pairs, 6 MB.
PAIR_BLOCK = 128
#: Power of the distances (in target half-widths) whose sum the single-person steps lower:
#: a high even power acts like the largest distance but still rewards steps that lower
#: the others, so the steps do not stall when two statistics pull against each other.
COST_POWER = 8
if COST_POWER < 2 or COST_POWER & (COST_POWER - 1):  # computed by repeated squaring
    raise ValueError(f"COST_POWER must be a power of two, got {COST_POWER}")
#: Steps of the bisection on the baseline slope of the free people's follow-up: 24 leave
#: a 2**-24 part of :data:`SLOPE_RANGE`, finer than a WHO-5 step can resolve.
SLOPE_STEPS = 24
#: Steps of the bisection on the spread of the free people's residual (for each slope):
#: 24 leave a 2**-24 part of the factor's range, finer than a WHO-5 step can resolve.
SPREAD_STEPS = 24
#: Tuning (not printed): slopes of the free people's change on their baseline searched,
#: wide enough for the printed d_av = 1.06 with the printed F on the bundled data (about 1).
SLOPE_RANGE = (-1.0, 4.0)
#: Points of the grid over the residual SD that :func:`_residual_sd` scores.
SD_GRID = 200
#: Further points of that grid inside each printed SE's range of the residual SD (its
#: ends and evenly between), so that a range narrower than the grid's step is scored.
RANGE_POINTS = 9
#: Smallest half-width of a target in the single-person steps (estimate units): a claim
#: whose interval is a point is aimed at as if it were this wide.
MIN_HALF_WIDTH = 1e-6
#: Relative miss of the residual SS that the single steps of :func:`_fine_rss` aim within:
#: the residual SD within a part in 20,000, as the intercept's printed SE and CI together
#: leave a few parts in 10,000 of it.
RSS_FINE = 1e-4
#: Most rounds of :func:`_fine_rss` (each moves the residual SS by up to about 8 |e_i|;
#: the passes leave it within a part in a thousand: a handful of rounds).
RSS_FINE_STEPS = 50
#: Most passes rescaling the drawn residual so that, after rounding, the residual SS is the
#: target: each divides the scale by the relative miss (the bundled data set needs 2 or 3).
RSS_PASSES = 16
#: Tuning (not printed): how far (WHO-5 points) the complete cases' gaps in mean change
#: between utilization types may land from aim 2's; the free people absorb the rest.
GROUP_GAP_HALF_WIDTH = 0.25
#: Relative miss of the residual SS after rounding that counts as one target half-width
#: when the rescaling passes are scored (they stop when every miss is below one).
RSS_TOLERANCE = 1e-3
#: Most passes bringing each utilization type's follow-up sum to its mean change exactly
#: (:func:`_round_to_sum`): each moves min(|gap|, movable) people one WHO-5 step (one
#: pass unless the values sit at the bounds).
CHANGE_SUM_PASSES = 400


#: ``choose(movable, k, step)``: which ``k`` of the ``movable`` positions move by ``step``.
Chooser = Callable[[np.ndarray, int, int], np.ndarray]


def at_random(rng: np.random.Generator) -> Chooser:
    """A :data:`Chooser` that picks its ``k`` positions at random, without replacement."""
    return lambda movable, k, _step: rng.choice(movable, size=k, replace=False)


def move_to_sum(
    values: np.ndarray, target: int, low: float, high: float, choose: Chooser, passes: int
) -> np.ndarray:
    """Move ``values`` one unit at a time until they sum to ``target``, within ``low``..``high``.

    Each pass takes the gap :math:`g = \\text{target} - \\sum v`, finds the positions
    that can move one unit towards it without leaving the bounds, and moves
    ``choose(movable, min(|g|, len(movable)), step)`` of them. So the sum is exact after
    one pass unless too few values can move; at most ``passes`` passes, fewer once the
    sum is exact or nothing can move. ``values`` is changed in place and returned.

    Examples
    --------
    >>> import numpy as np
    >>> values = np.array([0, 3, 5])
    >>> move_to_sum(values, 11, 0, 5, at_random(np.random.default_rng(0)), 10).tolist()
    [1, 5, 5]
    """
    for _ in range(passes):
        gap = target - int(values.sum())
        if gap == 0:
            break
        step = 1 if gap > 0 else -1
        movable = np.flatnonzero((values + step >= low) & (values + step <= high))
        if len(movable) == 0:
            break
        values[choose(movable, min(abs(gap), len(movable)), step)] += step
    return values


def _within_ms(change: np.ndarray, codes: np.ndarray) -> float:
    """Within-group mean square of ``change`` across the groups ``codes`` (0, 1, 2, ...)."""
    counts = np.bincount(codes)
    means = np.bincount(codes, change) / np.maximum(counts, 1)
    return float(((change - means[codes]) ** 2).sum() / (len(change) - np.count_nonzero(counts)))


def _target_within_ms(model: PopulationModel, codes: np.ndarray, base: np.ndarray) -> float:
    r"""The within-group mean square that gives the printed F with the exact group means.

    :math:`MS_W = \frac{SS_B / (k - 1)}{F}`, :math:`SS_B = \\sum_g n_g (\bar\\Delta_g -
    \bar\\Delta)^2` with each type's printed mean change, rounded as the data round it
    (the group's change sum is a whole number of WHO-5 steps). For a cohort of
    another size than the paper's (``aim2.n``), F is scaled by the ratio of sizes,
    so the within-group spread is the paper's.
    """
    counts = np.bincount(codes, minlength=len(UTILIZATION_TYPES))
    sums = np.array(
        [
            round((base[codes == c].mean() + model.groups[g].change) * counts[c] / WHO5_STEP)
            * WHO5_STEP
            - base[codes == c].sum()
            for c, g in enumerate(UTILIZATION_TYPES)
        ]
    )
    means = sums / np.maximum(counts, 1)
    overall = sums.sum() / counts.sum()
    between = (counts * (means - overall) ** 2).sum() / (np.count_nonzero(counts) - 1)
    # F grows with the cohort for the same effect: aim at the paper's F times the size ratio
    size = counts.sum() / printed_count("aim2.n", _POSITIVE)
    return float(between / (model.followup_anova_f * size))


def _round_to_sum(x: np.ndarray, total: int, high: int) -> np.ndarray:
    """``x`` rounded to integers in 0..``high`` that sum to ``total`` (where the bounds allow).

    Largest remainder: everyone is rounded down, then the people with the largest
    fractional parts go up one unit (or, if the floors overshoot, those with the
    smallest go down), a pass at a time, at most :data:`CHANGE_SUM_PASSES` passes.
    """
    x = np.clip(x, 0, high)
    values = np.floor(x)
    fraction = x - values

    def largest_remainder(movable: np.ndarray, k: int, step: int) -> np.ndarray:
        chosen = movable[np.argsort(-step * fraction[movable], kind="stable")][:k]
        fraction[chosen] -= step
        return chosen

    return move_to_sum(values, total, 0, high, largest_remainder, CHANGE_SUM_PASSES)


def _spread_for_cohen_d(model, base, follow, mean, residual, free, utilization) -> np.ndarray:
    r"""Follow-up WHO-5 of the people outside aim 3's complete cases (matched mode).

    They do not enter Table 2, so two things about them are free: the spread of
    their residual (factor :math:`a`) and the slope of their follow-up on their
    centred baseline (:math:`c`),

    .. math:: f_i = \mu_i + a\,\varepsilon_i + c\,(b_i - \bar b) + \delta_g,

    with :math:`\delta_g` bringing each utilization type's mean change to its
    target, and the values rounded to WHO-5 steps with each type's sum exact
    (:func:`_round_to_sum`), so that what is searched is what is returned. The
    ANOVA F of the change across types is
    :math:`F = \frac{SS_B / 2}{SS_W / (n - 3)}` with :math:`SS_B` fixed by the
    exact group means, so :math:`a` sets it (aim 2's printed F, whose
    within-group variance also gives the printed CI of the mean change and the
    Tukey p's); :math:`c` then sets :math:`\operatorname{cov}(b, f)` and with it
    Cohen's :math:`d_{av} = \bar\Delta / \sqrt{(s_b^2 + s_f^2)/2}`. Nested
    bisection: for each :math:`c`, :math:`a` (F falls as :math:`a` grows);
    :math:`d_{av}` falls as :math:`c` grows.
    """
    codes = outcome.utilization_codes(utilization)
    rows = np.flatnonzero(free)
    centred = base[rows] - base[rows].mean()
    within = _target_within_ms(model, codes, base)
    high = WHO5_MAX // WHO5_STEP
    parts = []  # per type: positions among the free people, their wanted sum in steps
    for c, group in enumerate(UTILIZATION_TYPES):
        positions = np.flatnonzero(codes[rows] == c)
        if len(positions) == 0:
            continue
        members = codes == c
        # as in _target_within_ms: the type's follow-up sum, in whole WHO-5 steps
        wanted = round(
            (base[members].mean() + model.groups[group].change) * members.sum() / WHO5_STEP
        )
        parts.append((positions, wanted - round(follow[members & ~free].sum() / WHO5_STEP)))
    trial = follow.copy()

    def values(factor: float, slope: float) -> np.ndarray:
        raw = (mean[rows] + factor * residual[rows] + slope * centred) / WHO5_STEP
        steps = np.empty(len(rows))
        for positions, wanted in parts:
            x = raw[positions]
            steps[positions] = _round_to_sum(x + (wanted - x.sum()) / len(x), wanted, high)
        trial[rows] = steps * WHO5_STEP
        return trial

    def spread(slope: float) -> np.ndarray:
        low, high_factor = 0.0, 6.0  # from no spread to six times the residual's
        for _ in range(SPREAD_STEPS):
            middle = (low + high_factor) / 2
            if _within_ms(values(middle, slope) - base, codes) < within:
                low = middle  # F too large: spread more
            else:
                high_factor = middle
        return values((low + high_factor) / 2, slope)

    def cohen_d(follow_up: np.ndarray) -> float:
        pooled = np.sqrt((base.var(ddof=1) + follow_up.var(ddof=1)) / 2)
        return (follow_up - base).mean() / pooled

    low, high_slope = SLOPE_RANGE
    for _ in range(SLOPE_STEPS):
        middle = (low + high_slope) / 2
        if cohen_d(spread(middle)) > model.followup_cohen_d:
            low = middle  # d too large: more covariance with the baseline
        else:
            high_slope = middle
    return spread((low + high_slope) / 2)[rows].copy()


def _products(alliance, base, sessions, coaching, both, complete) -> dict[str, np.ndarray]:
    """The moderation models' product columns, z-scored as :mod:`helpers.stats.regression` does."""
    z = lambda x: (x - x[complete].mean()) / x[complete].std(ddof=1)  # noqa: E731
    return {
        "utilization.coaching": z(alliance) * coaching,
        "utilization.both": z(alliance) * both,
        "baseline_who5": z(alliance) * z(base),
        "sessions": z(alliance) * z(sessions),
    }


def _residualize(columns: np.ndarray, on: np.ndarray) -> np.ndarray:
    """``columns`` minus their least-squares projection on ``on``."""
    coefficients, *_ = np.linalg.lstsq(on, columns, rcond=None)
    return columns - on @ coefficients


def _residual_sd(design: np.ndarray) -> float:
    r"""Residual SD whose Table 2 SEs and the claims they carry match the paper best.

    Each candidate :math:`s` gives every coefficient its SE,
    :math:`s \sqrt{[(X'X)^{-1}]_{jj}}`; a printed SE or p that the SE (with the
    best b for it, :func:`helpers.synthetic.targets.coefficient_target`) keeps
    scores 1, a printed b or CI bound (judged with a sampling tolerance) 0.1.
    The grid spans every printed SE's range of :math:`s` (evenly, and :data:`RANGE_POINTS`
    inside each range); the middle of the
    best-scoring run is kept. For a cohort of another size than the paper's
    (``aim3.n``) the SEs are judged as the paper's size would give them
    (times :math:`\sqrt{n / n_{paper}}`), so the residual SD is the paper's.
    """
    n, k = design.shape
    paper = printed_count("aim3.n", _POSITIVE)
    # each SE at the paper's size: SEs shrink as 1 / sqrt(n)
    root = np.sqrt(np.diag(np.linalg.inv(design.T @ design)) * n / paper)
    n = paper
    ranges = [
        np.array(targets.printed_interval(table2_key(term, "se"), _TABLE2)) / root[j]
        for j, term in enumerate(TABLE2_TERMS)
    ]
    # an even grid, and points inside each printed SE's own range (the narrowest, the
    # intercept's, is a few hundredths of a WHO-5 point wide: finer than the even grid)
    grid = np.unique(
        np.concatenate(
            [
                np.linspace(min(r[0] for r in ranges), max(r[1] for r in ranges), SD_GRID),
                *(np.linspace(r[0], r[1], RANGE_POINTS) for r in ranges),
            ]
        )
    )
    weight = {"b": 0.1, "ci_low": 0.1, "ci_high": 0.1, "p": 1.0}
    # the alliance coefficient is the paper's finding (abstract): its claims count double
    focal = {term: 2.0 if term == TABLE2_FOCAL else 1.0 for term in TABLE2_TERMS}

    def score(sd: float) -> float:
        total = 0.0
        for j, term in enumerate(TABLE2_TERMS):
            prefix = table2_key(term, "se")[: -len(".se")]
            se = sd * root[j]
            kept = targets.coefficient_target(prefix, _TABLE2, "b", se, n - k).claims
            matched = targets.se_matches(f"{prefix}.se", _TABLE2, se)
            total += focal[term] * (matched + sum(weight[claim] for claim in kept))
        return total

    scores = np.array([score(sd) for sd in grid])
    best = np.flatnonzero(scores == scores.max())
    run = best[: np.argmax(np.diff(np.append(best, -1)) != 1) + 1]  # the first run of best
    return float(grid[run].mean())


def matched_followup(rng, model: PopulationModel, people, alliance, mean, residual) -> np.ndarray:
    r"""Follow-up WHO-5 whose complete-case regressions return Table 2 and the moderation terms.

    For the complete cases (design :math:`X`: intercept and Table 2's
    predictors), the follow-up is built as

    .. math:: y = X b^* + d + u + r,

    four mutually orthogonal parts: :math:`X b^*` gives Table 2's coefficients
    (:math:`b^*` the middle of the values that keep each coefficient's printed
    b, CI and p, :mod:`helpers.synthetic.targets`); :math:`d` is the part of
    the utilization types' group shifts orthogonal to :math:`X` (their mean
    changes); :math:`u`, in the span of the moderation products residualized
    on every model-A column, gives each product its target coefficient
    (:math:`\hat\beta_j = (\tilde P_j'\tilde P_j)^{-1}\tilde P_j' y` in
    z-units of :math:`y`); :math:`r`, the drawn residual orthogonal to all
    of that, is scaled so the residual SS is :math:`(n - 6)s^2`, with
    :math:`s` chosen by :func:`_residual_sd` for the printed SEs. Rounding to
    WHO-5 steps is absorbed by a few passes and then by steps of single people
    and pairs (:func:`_lattice_steps`) that lower the distances of the
    statistics from their targets in units of their targets' half-widths; the
    residual SS is measured after them and the scale of :math:`r` corrected.
    People with sex missing (outside the complete cases) carry aim 2's ANOVA F
    and Cohen's d (:func:`_spread_for_cohen_d`) and bring each utilization type's
    mean change to its target exactly.

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
    x = design[complete]
    n, k = x.shape
    inverse = np.linalg.inv(x.T @ x)
    sd = _residual_sd(x)
    root = np.sqrt(np.diag(inverse))
    beta = np.array(
        [
            targets.coefficient_target(
                table2_key(term, "b")[: -len(".b")], _TABLE2, "b", sd * root[j], n - k
            ).value
            for j, term in enumerate(TABLE2_TERMS)
        ]
    )
    # the utilization types' differences in mean change among the complete cases, carried
    # by the group dummies residualized on X (so Table 2's coefficients stay)
    groups = np.column_stack([x, sessions[complete], coaching[complete], both[complete]])
    dummies = _residualize(np.column_stack([coaching[complete], both[complete]]), x)
    therapy = 1.0 - coaching[complete] - both[complete]
    contrast = np.column_stack(
        [
            coaching[complete] / coaching[complete].sum() - therapy / therapy.sum(),
            both[complete] / both[complete].sum() - therapy / therapy.sum(),
        ]
    ).T
    change = np.array([model.groups[g].change for g in UTILIZATION_TYPES])
    wanted_gap = change[1:] - change[0] + contrast @ base[complete]  # coaching, both
    rss = sd**2 * (n - k)
    gamma = np.linalg.lstsq(contrast @ dummies, wanted_gap - contrast @ (x @ beta), rcond=None)[0]
    d = dummies @ gamma
    if d @ d > rss / 2:  # at most half the residual SS; the free people carry the rest
        d *= np.sqrt(rss / 2 / (d @ d))
    fitted = x @ beta
    sd_y = np.sqrt(((fitted - fitted.mean()) @ (fitted - fitted.mean()) + rss) / (n - 1))
    # moderation products: per model, the columns of model A and the product(s)
    products = _products(alliance, base, sessions, coaching, both, complete)
    models = {
        "utilization": (np.column_stack([x, coaching[complete], both[complete]]), 2),
        "baseline_who5": (x, 1),
        "sessions": (np.column_stack([x, sessions[complete]]), 1),
    }
    names = list(products)
    p_all = np.column_stack([products[name][complete] for name in names])
    rows, wanted, halves, scales = [], [], [], []
    start = 0
    for columns, count in models.values():
        own = p_all[:, start : start + count]
        tilde = _residualize(own, columns)
        gram = tilde.T @ tilde
        full = np.column_stack([columns, own])
        rss_b = rss - 0.0  # the products explain next to nothing of the residual
        diagonal = np.diag(np.linalg.inv(full.T @ full))[-count:]  # the products' own
        se = np.sqrt(rss_b / (n - full.shape[1]) * diagonal) / sd_y
        goal = []
        for i in range(count):
            prefix = f"aim3.moderation.{names[start + i]}"
            target = targets.coefficient_target(
                prefix, _MODERATION, "beta", se[i], n - full.shape[1]
            )
            goal.append(target.value * sd_y)
            halves.append(max(target.half, MIN_HALF_WIDTH) * sd_y)
        goal = np.array(goal)
        rows.append(np.linalg.solve(gram, tilde.T))  # coefficient of each product per point
        # P_j'u = gram b - tilde' d
        wanted.append(gram @ goal - tilde.T @ d)
        scales.append(goal)
        start += count
    tilde_all = _residualize(p_all, groups)
    u = tilde_all @ np.linalg.solve(tilde_all.T @ tilde_all, np.concatenate(wanted))
    noise = _residualize(residual[complete], np.column_stack([groups, p_all]))
    # the statistics the single-person steps watch: Table 2's b, then the products'
    statistic = np.vstack([inverse @ x.T, *rows, contrast])
    goal = np.concatenate([beta, *scales, contrast @ (x @ beta + d)])
    half = np.concatenate(
        [
            [
                max(
                    targets.coefficient_target(
                        table2_key(term, "b")[: -len(".b")], _TABLE2, "b", sd * root[j], n - k
                    ).half,
                    MIN_HALF_WIDTH,
                )
                for j, term in enumerate(TABLE2_TERMS)
            ],
            halves,
            [GROUP_GAP_HALF_WIDTH] * 2,
        ]
    )
    # rounding to WHO-5 steps adds about step^2 / 12 per person to the residual SS
    free_ss = max(rss - d @ d - u @ u, 0.0)
    factor = 1.0
    correction = statistic.T @ np.linalg.inv(statistic @ statistic.T)  # least-norm move
    effect = statistic / half[:, None]
    kept, kept_miss = None, np.inf
    for _ in range(RSS_PASSES):
        scale = np.sqrt(free_ss * factor / (noise @ noise))
        target = fitted + d + u + noise * scale
        values = outcome.to_who5_steps(target)
        best, best_error = values, np.inf
        for _ in range(ROUNDING_PASSES):
            error = (statistic @ values - goal) / half
            if np.abs(error).max() < best_error:
                best, best_error = values, np.abs(error).max()
            target = target - correction @ (statistic @ values - goal)
            values = outcome.to_who5_steps(target)
        # the single steps move the residual SS too, so it is measured after them
        best = _lattice_steps(best, effect, (statistic @ best - goal) / half)
        residual_ss = _rss(x, best)
        # the pass is scored by its worse miss: a statistic's (in half-widths) or the
        # residual SS's (in tolerances)
        miss = max(
            float(np.abs((statistic @ best - goal) / half).max()),
            abs(residual_ss / rss - 1) / RSS_TOLERANCE,
        )
        if miss < kept_miss:
            kept, kept_miss = best, miss
        if miss < 1:
            break
        factor *= rss / residual_ss
    values = _fine_rss(kept, x, rss, effect, (statistic @ kept - goal) / half)
    follow = np.empty(len(people))
    follow[complete] = values
    follow[~complete] = _spread_for_cohen_d(
        model, base, follow, mean, residual, ~complete, utilization
    )
    return follow


def _cost(distances: np.ndarray) -> np.ndarray:
    """Sum over rows (axis 0) of ``distances ** COST_POWER``, by repeated squaring."""
    power = distances * distances
    for _ in range(COST_POWER.bit_length() - 2):
        power *= power
    return power.sum(axis=0)


def _lattice_steps(values: np.ndarray, effect: np.ndarray, error: np.ndarray) -> np.ndarray:
    r"""Move people one WHO-5 step at a time while that lowers the cost of the statistics.

    The cost is :math:`\sum_j e_j^{p}` (:data:`COST_POWER`), :math:`e_j` the
    distance of statistic :math:`j` from its target in target half-widths. Each
    pass scores every person's step up and down, ranks the people whose better
    step lowers the cost on its own, and moves the first ``batch`` of them
    together: halving the batch until the joint move lowers the cost (a single
    step always does), doubling it for the next pass after a success. With a
    batch of one this is the greedy single-person search; the doubling lets a
    large cohort, whose people each move the statistics little, take the many
    steps it needs in a few passes. When no single step lowers the cost, the
    best pair of steps (:func:`_best_pair`) is tried before the search ends.

    Parameters
    ----------
    values : numpy.ndarray
        Follow-up WHO-5 on its steps (not modified).
    effect : numpy.ndarray
        Statistics by people: how one WHO-5 point of each person moves each
        statistic, in half-widths.
    error : numpy.ndarray
        The statistics' distances from their targets at ``values``, in half-widths.

    Returns
    -------
    numpy.ndarray
        The moved values.
    """
    values = values.copy()
    steps = np.array([float(WHO5_STEP), -float(WHO5_STEP)])
    batch = 1
    for _ in range(COEFFICIENT_PASSES):
        if np.abs(error).max() <= STEPS_GOAL:
            break
        current = float(_cost(error))
        costs = np.stack([_cost(error[:, None] + step * effect) for step in steps])
        costs[0, values + steps[0] > WHO5_MAX] = np.inf
        costs[1, values + steps[1] < 0] = np.inf
        choice = np.argmin(costs, axis=0)
        best = costs[choice, np.arange(len(values))]
        improving = np.flatnonzero(best < current)
        if len(improving) == 0:
            pair = _best_pair(error, effect, costs, steps)
            if pair is None or float(_cost(pair[2])) >= current:
                break
            first, second, error = pair
            for person, step in (first, second):
                values[person] += steps[step]
            batch = 1
            continue
        order = improving[np.argsort(best[improving], kind="stable")]
        batch = min(batch, len(order))
        while True:
            chosen = order[:batch]
            moved = error + effect[:, chosen] @ steps[choice[chosen]]
            if float(_cost(moved)) < current or batch == 1:
                break
            batch //= 2
        values[chosen] += steps[choice[chosen]]
        error = moved
        batch *= 2
    return values


def _best_pair(error, effect, costs, steps):
    """The best two single steps taken together, among the :data:`PAIR_CANDIDATES` best singles.

    Two steps that each overshoot can together land closer than either: this is
    what lets the search go on when no single step lowers the cost. Returns
    ``((person, step index), (person, step index), moved error)`` or None.
    """
    flat = np.argsort(costs, axis=None, kind="stable")[:PAIR_CANDIDATES]
    flat = flat[np.isfinite(costs.ravel()[flat])]
    step_index, person = np.unravel_index(flat, costs.shape)
    if len(flat) < 2:
        return None
    moves = effect[:, person] * steps[step_index]  # statistics by candidates
    best, a, b = np.inf, 0, 0
    for start in range(0, len(flat), PAIR_BLOCK):  # blocks of first steps bound the memory
        block = slice(start, start + PAIR_BLOCK)
        totals = _cost(error[:, None, None] + moves[:, block, None] + moves[:, None, :])
        totals[person[block, None] == person[None, :]] = np.inf  # two different people
        where = int(np.argmin(totals))
        if totals.flat[where] < best:
            best = float(totals.flat[where])
            a, b = np.unravel_index(where, totals.shape)
            a += start
    if not np.isfinite(best):
        return None
    moved = error + moves[:, a] + moves[:, b]
    return (int(person[a]), int(step_index[a])), (int(person[b]), int(step_index[b])), moved


def _fine_rss(values, x, target: float, effect: np.ndarray, error: np.ndarray) -> np.ndarray:
    r"""Steps that bring the complete cases' residual SS to ``target`` within :data:`RSS_FINE`.

    A move :math:`\Delta y` changes the residual SS by :math:`2 e'\Delta y +
    \Delta y' M \Delta y` (:math:`e` the residuals, :math:`M = I - H` the
    residual maker) and the watched statistics by ``effect @ Δy``. Each round
    takes the single WHO-5 step, or else the pair of opposite steps of two people
    (among the :data:`PAIR_CANDIDATES` with the largest residuals, whose effects
    nearly cancel), that lands the residual SS nearest the target while every
    statistic stays within :data:`STEPS_GOAL` half-widths or no further out than now; at most
    :data:`RSS_FINE_STEPS` rounds. The rescaling passes land within a part in a
    thousand; the intercept's printed SE and CI together leave a few parts in ten
    thousand of the residual SD.
    """
    values = values.copy()
    inverse = np.linalg.inv(x.T @ x)
    residual = _residualize(values, x)
    error = error.copy()
    allowed = np.maximum(STEPS_GOAL, np.abs(error))  # per statistic: no further out than now
    step = float(WHO5_STEP)
    for _ in range(RSS_FINE_STEPS):
        rss = float(residual @ residual)
        if abs(rss / target - 1) < RSS_FINE:
            break
        pick = np.argsort(-np.abs(residual), kind="stable")[:PAIR_CANDIDATES]
        cross = x[pick] @ inverse @ x[pick].T  # H among the candidates
        h = np.diag(cross)
        # moves +step on a and -step on b (a == b: a single step, with b unused)
        best, move = abs(rss - target), None
        for sign in (1.0, -1.0):
            delta = sign * step
            up = (values[pick] + delta >= 0) & (values[pick] + delta <= WHO5_MAX)
            down = (values[pick] - delta >= 0) & (values[pick] - delta <= WHO5_MAX)
            single = 2 * delta * residual[pick] + delta**2 * (1 - h)
            keep = (np.abs(error[:, None] + effect[:, pick] * delta) <= allowed[:, None]).all(
                axis=0
            )
            miss = np.where(up & keep, np.abs(rss + single - target), np.inf)
            if miss.min() < best:
                best, move = float(miss.min()), ((pick[int(np.argmin(miss))], delta),)
            change = 2 * delta * (residual[pick][:, None] - residual[pick][None, :]) + delta**2 * (
                (1 - h)[:, None] + (1 - h)[None, :] + 2 * cross
            )
            stats_moved = error[:, None, None] + delta * (
                effect[:, pick][:, :, None] - effect[:, pick][:, None, :]
            )
            ok = (
                (np.abs(stats_moved) <= allowed[:, None, None]).all(axis=0)
                & up[:, None]
                & down[None, :]
            )
            np.fill_diagonal(ok, False)
            miss = np.where(ok, np.abs(rss + change - target), np.inf)
            where = int(np.argmin(miss))
            if miss.flat[where] < best:
                a, b = np.unravel_index(where, miss.shape)
                best = float(miss.flat[where])
                move = ((pick[a], delta), (pick[b], -delta))
        if move is None:
            break
        for person, delta in move:
            values[person] += delta
            residual -= delta * (x @ (inverse @ x[person]))  # the column of H
            residual[person] += delta
            error += effect[:, person] * delta
    return values


def _rss(x: np.ndarray, y: np.ndarray) -> float:
    """Residual sum of squares of the least-squares fit of ``y`` on ``x``."""
    return float(_residualize(y, x) @ _residualize(y, x))
