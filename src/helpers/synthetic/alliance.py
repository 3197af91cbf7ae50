"""Matched mode's alliance scores: a search for scores consistent with aim 1 and Table 1.

SYNTHETIC, NOT STUDY DATA. In the spirit of GRIM and SPRITE, but for every
printed alliance number at once: the analysed people's alliance scores are
chosen so that the paper's group means, SDs, medians and minima (Table 1),
Dunn's Z between the utilization types (and so the Kruskal-Wallis H), the
rank-sum tests by sex, country and baseline screen and the Spearman
correlation with age all come out as printed, and the item responses are
then rebuilt to give those scores.

A person's score is the mean of the ``c`` item responses (1-5) they gave, so
it lies on the lattice :math:`k / c`, :math:`k = c, \\dots, 5c`; every step
below keeps each person on their own lattice.

1. **Group shapes** (:func:`group_scores`). Within each utilization type
   people keep the order of their drawn scores. The top share
   :math:`\\pi_g` answer 5 throughout; below them, a person at position
   :math:`v \\in (0, 1)` of the rest has a deficit :math:`D = 5 - s`

   .. math::
       D(v) = d_g \\, (v / v_g)^{\\theta_{1g}} \\; (v \\le v_g), \\qquad
       D(v) = d_g + a_g \\, ((v - v_g) / (1 - v_g))^{\\theta_{2g}} \\; (v > v_g),

   with :math:`d_g = 5 - \\text{median}_g` at the median's position
   :math:`v_g`, rounded to the person's lattice and kept within the group's
   minimum. The twelve parameters are fitted by least squares to each group's
   mean and SD, Dunn's Z of the printed pairs, and the share of tied scores
   that the printed W and p of the rank-sum tests imply
   (:func:`implied_tie_share`).
2. **Exact fix-ups** (:func:`fix_median`, :func:`fix_mean`): the group's
   lowest scorer gets its minimum, each median (the groups' and the whole
   cohort's) is put on a lattice value in its printed interval by moving the
   fewest people next to it, and each group's mean is brought within
   :data:`MEAN_TOLERANCE` by single-response steps in its lowest quarter.
3. **Assignment** (:func:`assign_within_strata`). Scores are permuted among
   people of the same utilization type and the same number of responses, which
   changes none of the numbers above. They go in the order of a latent
   :math:`\\beta^\\top x_i + \\varepsilon_i` (sex, country, screen, age), with
   :math:`\\beta` fitted by least squares to the printed W of the three rank-sum
   tests and the Spearman rho of age.
4. **Responses** (:func:`set_totals`): each person's responses are moved one
   step at a time, in a random order of their responses, until they add up to
   the chosen score times the person's count.

Every search runs at most a named, fixed number of evaluations, so the result
is a function of the seed. Each evaluation sorts the cohort once, so the cost
is :math:`O(n \\log n)`.

References
----------
Brown, N. J. L., & Heathers, J. A. J. (2017). The GRIM test. *Social
Psychological and Personality Science*, 8(4), 363-369. Heathers, J. A.,
Anaya, J., van der Zee, T., & Brown, N. J. (2018). Recovering data from
summary statistics: Sample Parameter Reconstruction via Iterative TEchniques
(SPRITE). *PeerJ Preprints*, 6, e26968v1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, stats

from helpers.claims import SUBGROUP_SIZES, pair_label, table2_key
from helpers.design import (
    DUNN_PAIRS,
    RANK_SUM_COMPARISONS,
    TABLE2_FOCAL,
    TABLE2_TERMS,
    UTILIZATION_TYPES,
    WHO5_CUTOFF,
)
from helpers.report.published import printed, printed_count
from helpers.synthetic import outcome, targets
from helpers.synthetic.matched import BISECTION_STEPS
from helpers.synthetic.model import PopulationModel

__all__ = [
    "ALTERNATIONS",
    "ASSIGN_DIFF_STEP",
    "ASSIGN_STEPS",
    "COMPLETE_DIFF_STEP",
    "COMPLETE_STEPS",
    "HALVINGS",
    "MEAN_PASSES",
    "MEAN_TOLERANCE",
    "SEARCH_SAMPLE",
    "SHAPE_EVALUATIONS",
    "assign_within_strata",
    "calibrate_ratings",
    "complete_case_gaps",
    "finish_swaps",
    "fix_mean",
    "fix_median",
    "group_scores",
    "implied_tie_share",
    "median_swaps",
    "newton",
    "person_items",
    "se_ratio_gap",
    "set_totals",
    "tune_alpha",
]

#: Most evaluations of the group-shape least squares (twelve parameters; the bundled data
#: set converges in far fewer: each Jacobian costs 13).
SHAPE_EVALUATIONS = 400
#: Most people the two searches (steps 1 and 3) fit on: larger cohorts are fitted on a
#: random sample of this size (aiming at the paper's effects: Dunn's Z and W scaled to the
#: sample), and only the exact fix-ups and finishing swaps run on everyone. The paper's
#: cohort (3,087) is searched whole.
SEARCH_SAMPLE = 20_000
#: Finite-difference steps of the restarts of the group-shape search (with the exact
#: fix-ups, the residuals jump as people change lattice values, so a fit can stall at one
#: step and move on at another).
SHAPE_RESTARTS = (0.03, 0.1)
#: Tuning: the distance from each target of the group-shape search that counts as one unit
#: of its least squares: a fifth of the rounding of two-decimal means and SDs, a fifth of
#: that of Dunn's two-decimal Z, and the tie share to about its spread over the three
#: rank-sum tests that imply it (:func:`implied_tie_share`).
SHAPE_SCALE = {"mean": 0.002, "sd": 0.002, "z": 0.01, "ties": 0.005}
#: Newton steps of the assignment search (four parameters, four targets); each costs five
#: evaluations plus at most :data:`HALVINGS` for its line search.
ASSIGN_STEPS = 12
#: Finite-difference step of the assignment's Jacobian: large enough that each difference
#: reorders a few hundred people, so the piecewise-constant statistics look smooth.
ASSIGN_DIFF_STEP = 0.1
#: Newton steps of the complete cases' knobs (:func:`_latent_terms`: five knobs; six
#: targets: the intercept's and the alliance's SE ratio to sex and the four moderation
#: SEs); each costs six evaluations plus at most :data:`HALVINGS` for its line search.
COMPLETE_STEPS = 10
#: Finite-difference step of the complete cases' knobs (log spread factors and a latent
#: shift): large enough that each difference reorders a few dozen complete cases.
COMPLETE_DIFF_STEP = 0.1
#: Rounds of the complete cases' knobs and then the assignment's beta again (each moves
#: the other's targets a little; the second round mops up).
ALTERNATIONS = 2
#: Most halvings of a Newton step that does not lower the residual.
HALVINGS = 6
#: Most passes of :func:`fix_mean`: each moves about the gap's worth of responses one step.
MEAN_PASSES = 20
#: Distance from the target at which a group's alliance mean counts as hit: a tenth of the
#: rounding of the two-decimal means Table 1 prints (±0.005).
MEAN_TOLERANCE = 0.0005
#: Most single swaps that finish each rank-sum W (:func:`finish_swaps`): each lands on the
#: best of its candidate pairs, so two or three usually hit W exactly.
FINISH_ROUNDS = 16
#: Random same-cell pairs each finishing swap chooses from.
FINISH_PAIRS = 50_000
#: Tuning: the share of each group's lowest scorers that :func:`fix_mean` may move, so the
#: bulk (and the ranks and medians) stays as searched.
TAIL_SHARE = 0.25


_TABLE2 = "full model"
#: The model columns of Table 2's design, intercept first.
TABLE2_COLUMNS = list(TABLE2_TERMS)
#: No change to the complete cases' alliance: the knobs of :func:`_latent_terms`.
_NO_KNOBS = np.zeros(5)
#: Fewest complete cases for which their SE ratios are searched (the moderation model has
#: ten columns; fewer people leave its SEs to chance).
_MIN_COMPLETE = 30


def _latent_terms(knobs: np.ndarray, both: np.ndarray, columns: np.ndarray) -> np.ndarray:
    r"""The complete cases' latent: the log factor of their noise and an added age term.

    For ``knobs`` :math:`(\lambda, \delta, \kappa_b, \kappa_s, \kappa_a)` the
    noise is scaled by :math:`\exp(\lambda + \delta [\text{both}] + \kappa_b
    (z_b^2 - 1) + \kappa_s (z_s^2 - 1))`: a larger factor sends a person to their
    stratum's extremes, so :math:`\lambda` spreads the complete cases' alliance,
    :math:`\delta` that of the "both" type apart, and the :math:`\kappa_b, \kappa_s`
    tie its extremes to those of the baseline and the sessions, which sets the spread
    of the moderation products; :math:`\kappa_a z_a` is added to the latent, which
    sets the alliance's slope on age among them and so the intercept's SE
    (:math:`[(X'X)^{-1}]_{00} = [(X_0'X_0)^{-1}]_{00} + \gamma_0^2 / e'e`, with
    :math:`\gamma_0` the intercept of the alliance regressed on the other predictors).
    ``columns`` holds :math:`z_b^2 - 1`, :math:`z_s^2 - 1` and :math:`z_a`.

    Returns
    -------
    log_factor, shift : numpy.ndarray
    """
    log_factor = knobs[0] + knobs[1] * both + columns[:, :2] @ knobs[2:4]
    return log_factor, knobs[4] * columns[:, 2]


def _tie_share(values: np.ndarray) -> float:
    """:math:`\\sum (t^3 - t) / (n^3 - n)` over the groups of tied values."""
    n = len(values)
    _, counts = np.unique(values, return_counts=True)
    return float(np.sum(counts.astype(float) ** 3 - counts) / (float(n) ** 3 - n))


def implied_tie_share(w: float, p: float, n1: int, n2: int) -> float:
    """The share of tied values that a printed rank-sum W and p imply.

    R's p uses :math:`|z| = (|W - n_1 n_2 / 2| - 1/2) / \\sigma` with
    :math:`\\sigma^2 = \\frac{n_1 n_2}{12} (n + 1)(1 - \\tau)` and
    :math:`\\tau = \\sum (t^3 - t) / (n^3 - n)`, so

    .. math:: \\tau = 1 - \\frac{12 \\sigma^2}{n_1 n_2 (n + 1)}, \\quad
              \\sigma = \\frac{|W - n_1 n_2 / 2| - 1/2}{\\Phi^{-1}(1 - p / 2)}.

    Examples
    --------
    >>> round(implied_tie_share(767724, 0.005, 1669, 864), 4)
    0.0904
    """
    if not 0 < p < 1:
        raise ValueError(f"implied_tie_share: p must lie in (0, 1), got {p!r}")
    n = n1 + n2
    sigma = (abs(w - n1 * n2 / 2) - 0.5) / stats.norm.isf(p / 2)
    return float(1 - 12 * sigma**2 / (n1 * n2 * (n + 1)))


def _dunn_z(scores: np.ndarray, groups: np.ndarray, first: str, second: str) -> float:
    """Dunn's Z of ``first`` minus ``second`` on the ranks of all ``scores`` (tie-corrected)."""
    n = len(scores)
    ranks = stats.rankdata(scores)
    spread = n * (n + 1) / 12 - _tie_share(scores) * (float(n) ** 3 - n) / (12 * (n - 1))
    a, b = groups == first, groups == second
    return float(
        (ranks[a].mean() - ranks[b].mean()) / np.sqrt(spread * (1 / a.sum() + 1 / b.sum()))
    )


def _rank_sum_w(first: np.ndarray, second: np.ndarray) -> float:
    """Wilcoxon W of ``first``: its rank sum over both samples minus :math:`n_1(n_1+1)/2`."""
    ranks = stats.rankdata(np.concatenate([first, second]))
    n1 = len(first)
    return float(ranks[:n1].sum() - n1 * (n1 + 1) / 2)


# ---------------------------------------------------------------------------
# the person level
# ---------------------------------------------------------------------------


def person_items(ratings: pd.DataFrame) -> pd.DataFrame:
    """Each rating person's number of responses ``count`` and their sum ``total``."""
    items = ratings[["wai_bond", "wai_goals"]].to_numpy()
    given = items > 0
    frame = pd.DataFrame(
        {
            "person": ratings["person"].to_numpy(),
            "total": np.where(given, items, 0).sum(axis=1),
            "count": given.sum(axis=1),
        }
    )
    return frame.groupby("person")[["total", "count"]].sum()


def _on_lattice(score: np.ndarray, count: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Totals nearest to ``score * count``, within ``floor * count`` and ``5 * count``."""
    return np.clip(np.round(score * count), floor * count, 5 * count).astype(np.int64)


# ---------------------------------------------------------------------------
# 1. group shapes
# ---------------------------------------------------------------------------


def _deficits(position: np.ndarray, params: np.ndarray, median_deficit: float, top: float):
    """The deficit :math:`D(v)` at within-group positions (0 best, 1 worst); see the module."""
    ceiling, bulk, tail_scale, tail = params
    middle = (0.5 - ceiling) / (1 - ceiling)
    v = (position - ceiling) / (1 - ceiling)
    below = median_deficit * np.clip(v / middle, 0, None) ** bulk
    above = median_deficit + tail_scale * np.clip((v - middle) / (1 - middle), 0, 1) ** tail
    deficit = np.where(v <= middle, below, above)
    return np.clip(np.where(v <= 0, 0.0, deficit), 0, top)


def group_scores(rng, model: PopulationModel, utilization, count, drawn) -> np.ndarray:
    """Step 1 and 2 of the module: scores hitting each group's shape, ranks and medians.

    Parameters
    ----------
    rng : numpy.random.Generator
    model : PopulationModel
    utilization, count, drawn : numpy.ndarray
        Per rating person: utilization type, number of responses, drawn score.

    Returns
    -------
    numpy.ndarray
        Per person, the chosen total of their responses.
    """
    n = len(count)
    floor = np.array([model.groups[g].alliance_min for g in utilization], dtype=float)
    # within-group position from best (0) to worst (1), in the order of the drawn scores
    position = np.empty(n)
    members = {g: np.flatnonzero(utilization == g) for g in UTILIZATION_TYPES}
    for rows in members.values():
        order = rows[np.lexsort((rng.random(len(rows)), -drawn[rows]))]
        position[order] = (np.arange(len(rows)) + 0.5) / len(rows)
    pairs = [
        (a, b, z)
        for a, b in DUNN_PAIRS
        if (z := model.alliance_dunn_z.get(pair_label(a, b))) is not None
    ]
    tie_target = np.mean(
        [
            implied_tie_share(w, p, *_sizes(c.first, c.second))
            for c in RANK_SUM_COMPARISONS
            for w, p in [model.alliance_rank_sums[c.label]]
        ]
    )

    total_median = printed("table1.alliance.median", "total")
    total_sd = printed("table1.alliance.sd", "total")
    key = rng.random(n)  # the order in which fix_mean takes people
    printed_n = printed_count("cohort.analyzed")

    def search(idx: np.ndarray):
        """``totals`` and ``residuals`` of the people ``idx`` (the cohort, or a sample of it)."""
        m = len(idx)
        util, c, lowest_ok, pos = utilization[idx], count[idx], floor[idx], position[idx]
        subsets = {g: np.flatnonzero(util == g) for g in UTILIZATION_TYPES}
        centre = np.array([model.groups[g].alliance_median for g in util])
        bands = (centre - _MEDIAN_HALF_WIDTH, centre + _MEDIAN_HALF_WIDTH)
        # Dunn's Z grows as the square root of the cohort: aim at the paper's effect
        z_scale = np.sqrt(m / printed_n)

        def totals(params: np.ndarray, exact: bool = True) -> np.ndarray:
            out = np.empty(m, dtype=np.int64)
            for i, (group, rows) in enumerate(subsets.items()):
                g = model.groups[group]
                deficit = _deficits(
                    pos[rows], params[4 * i : 4 * i + 4], 5 - g.alliance_median, 5 - g.alliance_min
                )
                out[rows] = _on_lattice(5 - deficit, c[rows], lowest_ok[rows])
            if not exact:
                return out
            # exact: each group's minimum and median, then the whole cohort's median (moving
            # no one across their group's median), then each group's mean in its tail
            lowest = {}
            for group, rows in subsets.items():
                g = model.groups[group]
                if len(rows) == 0:
                    continue
                lowest[group] = rows[np.argmin(out[rows] / c[rows])]
                out[lowest[group]] = g.alliance_min * c[lowest[group]]
                fix_median(out, c, rows[rows != lowest[group]], g.alliance_median)
            fix_median(out, c, np.arange(m), total_median, bands)
            for group, rows in subsets.items():
                g = model.groups[group]
                if len(rows) == 0:
                    continue
                movable = rows[rows != lowest[group]]
                fix_mean(key[idx], out, c, rows, movable, g.alliance_mean, g.alliance_min)
            return out

        def residuals(params: np.ndarray, exact: bool = True) -> np.ndarray:
            scores = totals(params, exact) / c
            gaps = []
            for group, rows in subsets.items():
                g = model.groups[group]
                gaps += [
                    (scores[rows].mean() - g.alliance_mean) / SHAPE_SCALE["mean"],
                    (scores[rows].std(ddof=1) - g.alliance_sd) / SHAPE_SCALE["sd"],
                ]
            gaps.append((scores.std(ddof=1) - total_sd) / SHAPE_SCALE["sd"])
            gaps += [
                (_dunn_z(scores, util, a, b) - z * z_scale) / SHAPE_SCALE["z"] for a, b, z in pairs
            ]
            gaps.append((_tie_share(scores) - tie_target) / SHAPE_SCALE["ties"])
            return np.array(gaps)

        return totals, residuals

    # the search runs on at most SEARCH_SAMPLE people; the fix-ups then on everyone
    sample = np.arange(n)
    if n > SEARCH_SAMPLE:
        sample = np.sort(rng.choice(n, SEARCH_SAMPLE, replace=False))
    _, residuals = search(sample)
    start = np.tile([0.35, 1.0, 1.5, 2.0], len(members))
    low = np.tile([0.05, 0.2, 0.1, 0.3], len(members))
    high = np.tile([0.49, 5.0, 4.0, 12.0], len(members))
    # first without the exact fix-ups (smoother), then with them from there
    rough = optimize.least_squares(
        residuals,
        start,
        bounds=(low, high),
        diff_step=0.02,
        max_nfev=SHAPE_EVALUATIONS,
        kwargs={"exact": False},
    )
    fit = optimize.least_squares(
        residuals, rough.x, bounds=(low, high), diff_step=0.05, max_nfev=SHAPE_EVALUATIONS
    )
    for diff_step in SHAPE_RESTARTS:  # restarts, with other steps, from where it stopped
        again = optimize.least_squares(
            residuals, fit.x, bounds=(low, high), diff_step=diff_step, max_nfev=SHAPE_EVALUATIONS
        )
        fit = again if again.cost < fit.cost else fit
    totals, _ = search(np.arange(n))
    return totals(fit.x)


def _sizes(first: str, second: str) -> tuple[int, int]:
    """Printed sizes of two compared subgroups (the second may be 'the rest of the analysed')."""
    n1 = printed_count(*SUBGROUP_SIZES[first])
    if second in SUBGROUP_SIZES:
        return n1, printed_count(*SUBGROUP_SIZES[second])
    return n1, printed_count("cohort.analyzed") - n1


# ---------------------------------------------------------------------------
# 2. exact fix-ups
# ---------------------------------------------------------------------------

#: Half the rounding of Table 1's two-decimal medians: a median within this of the
#: printed value prints as it.
_MEDIAN_HALF_WIDTH = 0.005


def fix_median(
    total: np.ndarray,
    count: np.ndarray,
    rows: np.ndarray,
    target: float,
    bands: tuple[np.ndarray, np.ndarray] | None = None,
) -> bool:
    """Move the fewest people of ``rows`` onto one value so that their median prints as ``target``.

    The value :math:`v^*` is the one in :math:`[\\text{target} \\pm 0.005]` that
    most of these people can hold (:math:`c v^*` whole). With :math:`a` people
    above :math:`v^*` and :math:`e` at it, the median is :math:`v^*` when
    :math:`a < \\lceil n/2 \\rceil` and :math:`a + e \\ge \\lfloor n/2 \\rfloor + 1`;
    the people just above (or below) that can hold :math:`v^*` are moved onto it
    until both hold.

    Parameters
    ----------
    total, count : numpy.ndarray
        Every person's response total (changed in place) and count.
    rows : numpy.ndarray
        The people whose median is fixed.
    target : float
        The printed median.
    bands : (low, high), optional
        Per person (aligned with ``total``), an interval no move may cross (the
        person's group median, when fixing the whole cohort's median).

    Returns
    -------
    bool
        Whether the median now prints as ``target``.
    """
    n = len(rows)
    if n == 0:
        return False
    c = count[rows]
    score = total[rows] / c
    k = np.round(target * c)
    admits = np.abs(k / c - target) <= _MEDIAN_HALF_WIDTH + 1e-12
    if not admits.any():
        return False
    values, hits = np.unique(np.round(k[admits] / c[admits], 12), return_counts=True)
    value = float(values[np.argmax(hits)])
    holds = np.abs(np.round(value * c) - value * c) < 1e-9
    eps = 1e-9
    upper_limit = (n + 1) // 2 - 1  # most people allowed strictly above the value
    lower_need = n // 2 + 1  # fewest people at or above it
    crossable = np.ones(n, dtype=bool)
    if bands is not None:
        low, high = bands[0][rows], bands[1][rows]
        side_old = np.sign(score - high) + np.sign(score - low)
        side_new = np.sign(value - high) + np.sign(value - low)
        crossable = (side_old == side_new) & (np.abs(side_old) == 2)
    above = score > value + eps
    excess = int(above.sum()) - upper_limit
    if excess > 0:
        candidates = np.flatnonzero(above & holds & crossable)
        chosen = candidates[np.argsort(score[candidates], kind="stable")][:excess]
        total[rows[chosen]] = np.round(value * c[chosen]).astype(np.int64)
    score = total[rows] / c
    at_or_above = int((score > value - eps).sum())
    if at_or_above < lower_need:
        below = score < value - eps
        candidates = np.flatnonzero(below & holds & crossable)
        chosen = candidates[np.argsort(-score[candidates], kind="stable")][
            : lower_need - at_or_above
        ]
        total[rows[chosen]] = np.round(value * c[chosen]).astype(np.int64)
    return abs(float(np.median(total[rows] / c)) - target) <= _MEDIAN_HALF_WIDTH + 1e-12


def fix_mean(key, total, count, group_rows, movable_rows, target: float, floor: int) -> bool:
    """Bring the mean score of ``group_rows`` within :data:`MEAN_TOLERANCE` of ``target``.

    Each pass moves single responses one step, one per person, among the
    lowest :data:`TAIL_SHARE` of the group's scorers (from ``movable_rows``),
    taking people in the order of ``key`` (per person) until the sum of :math:`1 / c` of the moved
    people reaches the gap times the group size; no one is moved above the
    tail's upper bound, so the medians stay.

    Returns
    -------
    bool
        Whether the mean is within tolerance.
    """
    n = len(group_rows)
    for _ in range(MEAN_PASSES):
        scores = total[group_rows] / count[group_rows]
        gap = target - scores.mean()
        if abs(gap) < MEAN_TOLERANCE:
            return True
        step = 1 if gap > 0 else -1
        cut = np.quantile(scores, TAIL_SHARE)
        c = count[movable_rows]
        new = (total[movable_rows] + step) / c
        ok = (total[movable_rows] / c <= cut) & (new <= cut) & (new >= floor) & (new <= 5)
        candidates = movable_rows[ok]
        if len(candidates) == 0:
            return False
        candidates = candidates[np.argsort(key[candidates], kind="stable")]
        wanted = abs(gap) * n  # the sum of 1 / c over the people to move
        reach = np.cumsum(1 / count[candidates])
        take = int(np.searchsorted(reach, wanted, side="right"))
        total[candidates[:take]] += step
        rest = candidates[take:]
        left = wanted - (reach[take - 1] if take else 0.0)
        if len(rest):  # the one further person whose step best fills what is left
            best = rest[np.argmin(np.abs(1 / count[rest] - left))]
            if 1 / count[best] < 2 * left:
                total[best] += step
    return abs(target - (total[group_rows] / count[group_rows]).mean()) < MEAN_TOLERANCE


# ---------------------------------------------------------------------------
# 3. assignment within strata
# ---------------------------------------------------------------------------


def _features(people: pd.DataFrame) -> np.ndarray:
    """Sex (+1 women, -1 men), country (+1 US, -1 elsewhere), screen (+1 negative) and age (z)."""
    sex = people["sex"].to_numpy()
    country = people["country"].to_numpy()
    negative = people["who5_baseline"].to_numpy() > WHO5_CUTOFF
    age = people["age"].to_numpy().astype(float)
    spread = age.std() if age.std() > 0 else 1.0
    return np.column_stack(
        [
            np.where(sex == "female", 1.0, np.where(sex == "male", -1.0, 0.0)),
            np.where(country == "US", 1.0, np.where(pd.isna(country), 0.0, -1.0)),
            np.where(negative, 1.0, -1.0),
            (age - age.mean()) / spread,
        ]
    )


def _lattice_value(count: np.ndarray, target: float) -> float | None:
    """The value within the printed rounding of ``target`` that most of these people can hold."""
    k = np.round(target * count)
    admits = np.abs(k / count - target) <= _MEDIAN_HALF_WIDTH + 1e-12
    if not admits.any():
        return None
    values, hits = np.unique(np.round(k[admits] / count[admits], 12), return_counts=True)
    return float(values[np.argmax(hits)])


def _swap_pairs(total, count, cell, movers, holders, wanted: int) -> int:
    """Swap the totals of up to ``wanted`` mover-holder pairs of one cell, in the given orders."""
    if wanted <= 0 or len(movers) == 0 or len(holders) == 0:
        return 0
    slot_m = pd.Series(cell[movers]).groupby(cell[movers]).cumcount().to_numpy()
    slot_h = pd.Series(cell[holders]).groupby(cell[holders]).cumcount().to_numpy()
    pairs = pd.DataFrame({"cell": cell[movers], "slot": slot_m, "order": np.arange(len(movers))})
    pairs["mover"] = movers
    pairs = pairs.merge(
        pd.DataFrame({"cell": cell[holders], "slot": slot_h, "holder": holders}),
        on=["cell", "slot"],
    )
    pairs = pairs.sort_values("order", kind="stable").head(wanted)
    a, b = pairs["mover"].to_numpy(), pairs["holder"].to_numpy()
    total[a], total[b] = total[b].copy(), total[a].copy()
    return len(pairs)


def median_swaps(
    total: np.ndarray,
    count: np.ndarray,
    cell: np.ndarray,
    members: np.ndarray,
    target: float,
) -> None:
    """Swap scores of ``members`` with others of their cell until the members' median is ``target``.

    Swapping two people of the same cell (utilization type, response count and
    whatever else must stay) changes no group statistic. With :math:`v^*` the
    lattice value of ``target`` (as :func:`fix_median`), :math:`a` members
    above it and :math:`e` at it, the median is :math:`v^*` when
    :math:`a \\le \\lceil n/2 \\rceil - 1` and :math:`a + e \\ge \\lfloor n/2 \\rfloor + 1`.
    While too many are above, the lowest of them swap with non-members at
    :math:`v^*` (then, as far as the second condition allows, below it); while
    too few are at or above, the highest below swap with non-members at
    :math:`v^*` (then, as far as the first allows, above it).
    """
    rows = np.flatnonzero(members)
    n = len(rows)
    if n == 0:
        return
    value = _lattice_value(count[rows], target)
    if value is None:
        return
    eps = 1e-9
    upper, lower = (n + 1) // 2 - 1, n // 2 + 1

    def state():
        score = total / count
        above = int((members & (score > value + eps)).sum())
        at = int((members & (np.abs(score - value) <= eps)).sum())
        return score, above, at

    score, above, at = state()
    if above > upper:
        for holders_at in (True, False):
            score, above, at = state()
            wanted = above - upper if holders_at else min(above - upper, above + at - lower)
            movers = np.flatnonzero(members & (score > value + eps))
            movers = movers[np.argsort(score[movers], kind="stable")]
            holders = ~members & (
                (np.abs(score - value) <= eps) if holders_at else (score < value - eps)
            )
            holders = np.flatnonzero(holders)
            holders = holders[np.argsort(-score[holders], kind="stable")]
            _swap_pairs(total, count, cell, movers, holders, wanted)
    elif above + at < lower:
        for holders_at in (True, False):
            score, above, at = state()
            wanted = lower - above - at if holders_at else min(lower - above - at, upper - above)
            movers = np.flatnonzero(members & (score < value - eps))
            movers = movers[np.argsort(-score[movers], kind="stable")]
            holders = ~members & (
                (np.abs(score - value) <= eps) if holders_at else (score > value + eps)
            )
            holders = np.flatnonzero(holders)
            holders = holders[np.argsort(score[holders], kind="stable")]
            _swap_pairs(total, count, cell, movers, holders, wanted)


def _random_partners(rng, cell: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``size`` random pairs of people of the same cell (O(n log n): one sort)."""
    order = np.argsort(cell, kind="stable")
    sorted_cell = cell[order]
    start = np.searchsorted(sorted_cell, sorted_cell, side="left")
    stop = np.searchsorted(sorted_cell, sorted_cell, side="right")
    i = rng.integers(0, len(cell), size)
    j = start[i] + np.floor(rng.random(size) * (stop[i] - start[i])).astype(np.int64)
    return order[i], order[j]


def finish_swaps(rng, total, count, cell, gain, target: float, allowed=None) -> None:
    """Swap single pairs of one cell while that brings a statistic closer to ``target``.

    Each round draws :data:`FINISH_PAIRS` random pairs of people of the same
    cell, computes the change ``gain(i, j, total)`` that swapping each pair's
    scores would make to the statistic's distance from ``target`` (signed
    change of the statistic), and makes the one swap that lands closest, if it
    is closer than no swap; :data:`FINISH_ROUNDS` rounds at most.

    Parameters
    ----------
    gain : callable
        ``gain(i, j, total) -> (current, change)`` for arrays of pairs.
    allowed : callable, optional
        ``allowed(i, j, total) -> bool array``: pairs that may be swapped.
    """
    for _ in range(FINISH_ROUNDS):
        i, j = _random_partners(rng, cell, FINISH_PAIRS)
        current, change = gain(i, j, total)
        ok = (total[i] != total[j]) & (change != 0)
        if allowed is not None:
            ok &= allowed(i, j, total)
        if not ok.any():
            return
        miss = np.where(ok, np.abs(current + change - target), np.inf)
        best = int(np.argmin(miss))
        if miss[best] >= abs(current - target):
            return
        a, b = i[best], j[best]
        total[a], total[b] = total[b], total[a]


def _midranks(pool: np.ndarray):
    """A function giving each value its mid-rank within ``pool``."""
    values = np.sort(pool)
    return lambda x: (
        (np.searchsorted(values, x, side="left") + np.searchsorted(values, x, side="right") + 1) / 2
    )


def _comparison_groups(people: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each rank-sum comparison's group name per person, as the cohort derives it."""
    country = people["country"]
    frame = pd.DataFrame(
        {
            "sex": people["sex"].to_numpy(),
            "country_group": np.where(country.eq("US").fillna(False), "us", "non_us"),
            "screened_positive": people["who5_baseline"].to_numpy() <= WHO5_CUTOFF,
        }
    )
    frame.loc[country.isna().to_numpy(), "country_group"] = None
    return {c.label: c.groups(frame).to_numpy() for c in RANK_SUM_COMPARISONS}


def assign_within_strata(
    rng, model: PopulationModel, people: pd.DataFrame, count: np.ndarray, total: np.ndarray
) -> np.ndarray:
    """Step 3 of the module: permute totals within (utilization type, count) strata.

    Every group-level statistic of step 1 and 2 (means, SDs, medians, minima,
    Dunn's Z, H) depends only on each group's multiset of scores, so it is
    unchanged. People take their stratum's scores in the order of
    :math:`\\beta^\\top x_i + \\varepsilon_i` (:func:`_features`), with
    :math:`\\beta` fitted to the printed W of the rank-sum tests and to the
    Spearman rho of age that the printed p implies,
    :math:`\\rho = \\operatorname{sign}(\\rho_{printed})\\, t / \\sqrt{n - 2 + t^2}`
    with :math:`t = t_{n-2}^{-1}(1 - p/2)`.

    Parameters
    ----------
    people : pandas.DataFrame
        The rating people's plan rows (``utilization``, ``sex``, ``country``,
        ``who5_baseline``, ``age``), aligned with ``count`` and ``total``.

    Returns
    -------
    numpy.ndarray
        The permuted totals.
    """
    n = len(total)
    x = _features(people)
    noise = rng.normal(0, 1, n)
    codes = pd.factorize(people["utilization"].to_numpy())[0]
    stratum = codes.astype(np.int64) * (int(count.max()) + 1) + count
    labels = _comparison_groups(people)
    medians = model.alliance_subgroup_medians
    # each printed W as a share of n1 n2 (the paper's AUC), so a larger cohort aims at the
    # paper's effect; for the paper's cohort the target is the printed W itself
    auc = {
        c.label: model.alliance_rank_sums[c.label][0] / np.prod(_sizes(c.first, c.second))
        for c in RANK_SUM_COMPARISONS
    }
    rho_printed, p_printed = model.alliance_age_spearman
    printed_n = printed_count("cohort.analyzed")
    t = stats.t.isf(p_printed / 2, printed_n - 2)
    rho_target = float(np.sign(rho_printed) * t / np.sqrt(printed_n - 2 + t**2))
    age_ranks = stats.rankdata(people["age"].to_numpy())
    # aim 3's complete cases (screened positive, sex known) and their other predictors
    complete = (people["who5_baseline"].to_numpy() <= WHO5_CUTOFF) & people[
        "sex"
    ].notna().to_numpy()
    predictors = np.column_stack([np.ones(n), outcome.design(people, np.zeros(n))[:, :-1]])
    groups_all = people["utilization"].to_numpy()
    sessions = people["n_sessions"].to_numpy().astype(float)
    extremes = np.zeros((n, 3))
    for column, values in enumerate(
        (people["who5_baseline"].to_numpy(), sessions, people["age"].to_numpy())
    ):
        if complete.sum() > 1:
            chosen = values[complete].astype(float)
            spread = chosen.std() if chosen.std() > 0 else 1.0
            extremes[:, column] = (values - chosen.mean()) / spread
    extremes[:, :2] = extremes[:, :2] ** 2 - 1

    def assignment(idx: np.ndarray):
        """``permuted`` and ``residuals`` of the people ``idx`` (the cohort, or a sample)."""
        m = len(idx)
        c, tot, strat, lab = count[idx], total[idx], stratum[idx], {}
        for key, value in labels.items():
            lab[key] = value[idx]
        by_score = np.lexsort((-tot / c, strat))
        tests, targets = [], {}
        for comparison in RANK_SUM_COMPARISONS:
            group = lab[comparison.label]
            first, second = group == comparison.first, group == comparison.second
            n1, n2 = int(first.sum()), int(second.sum())
            if n1 and n2:
                scale = np.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
                targets[comparison.label] = auc[comparison.label] * n1 * n2
                tests.append((first, second, targets[comparison.label], scale))
        # the subgroup medians: sex first; then country among people of one sex; then the
        # screen among people of one sex and country, so no fix undoes an earlier one
        cells, fixes = strat.copy(), []
        for comparison in RANK_SUM_COMPARISONS:
            group = lab[comparison.label]
            for name in (comparison.first, comparison.second):
                median = medians.get(comparison.stem, {}).get(name)
                if median is not None:
                    fixes.append((cells, group == name, median))
            cells = pd.factorize(pd.Series(list(zip(cells, group, strict=True))))[0]
        ages = stats.rankdata(people["age"].to_numpy()[idx])

        cc = complete[idx]
        cc_design, cc_groups = predictors[idx][cc], people["utilization"].to_numpy()[idx][cc]
        cc_sessions = sessions[idx][cc]
        cc_both, cc_extremes = (groups_all[idx] == "both").astype(float), extremes[idx]

        def permuted(beta: np.ndarray, knobs: np.ndarray = _NO_KNOBS) -> np.ndarray:
            # the complete cases' noise is scaled (:func:`_latent_terms`), so they take
            # more (or less) extreme scores of their stratum
            log_factor, shift = _latent_terms(knobs, cc_both, cc_extremes)
            latent = x[idx] @ beta + np.where(
                cc, noise[idx] * np.exp(log_factor) + shift, noise[idx]
            )
            by_person = np.lexsort((-latent, strat))
            out = np.empty(m, dtype=np.int64)
            out[by_person] = tot[by_score]
            for cell, subgroup, median in fixes:
                median_swaps(out, c, cell, subgroup, median)
            return out

        def complete_residuals(beta: np.ndarray, knobs: np.ndarray) -> np.ndarray:
            scores = permuted(beta, knobs) / c
            design = np.column_stack([cc_design, scores[cc]])
            return complete_case_gaps(design, cc_groups, cc_sessions)

        def residuals(beta: np.ndarray, knobs: np.ndarray = _NO_KNOBS) -> np.ndarray:
            scores = permuted(beta, knobs) / c
            gaps = [
                (_rank_sum_w(scores[first], scores[second]) - w) / scale
                for first, second, w, scale in tests
            ]
            rho = np.corrcoef(ages, stats.rankdata(scores))[0, 1]
            gaps.append((rho - rho_target) * np.sqrt(m))
            return np.array(gaps) / 0.01

        return permuted, residuals, complete_residuals, targets, int(cc.sum())

    sample = np.arange(n)
    if n > SEARCH_SAMPLE:
        sample = np.sort(rng.choice(n, SEARCH_SAMPLE, replace=False))
    _, residuals, complete_residuals, _, n_complete = assignment(sample)
    beta = newton(residuals, np.zeros(x.shape[1]), ASSIGN_STEPS, ASSIGN_DIFF_STEP)
    knobs = _NO_KNOBS
    if n_complete > _MIN_COMPLETE:
        # the complete cases' spread and level, for the printed SE ratios; then the W's
        # the complete cases' knobs (:func:`_latent_terms`), for the intercept's and the
        # alliance's SE ratios and the moderation SEs; then the W's and rho again, from
        # where they were; twice, as the W's and rho move the complete cases a little
        for _ in range(ALTERNATIONS):
            knobs = newton(
                lambda k, beta=beta: complete_residuals(beta, k),
                knobs,
                COMPLETE_STEPS,
                COMPLETE_DIFF_STEP,
            )
            beta = newton(
                lambda b, knobs=knobs: residuals(b, knobs), beta, ASSIGN_STEPS, ASSIGN_DIFF_STEP
            )
    permuted, _, _, targets, _ = assignment(np.arange(n))
    out = permuted(beta, knobs)
    # finish: W of each test exactly, by swapping a first-group and a second-group person
    # of the same stratum and the same other groups, both on one side of the two medians
    group_codes = {c.label: pd.factorize(labels[c.label])[0] for c in RANK_SUM_COMPARISONS}
    for c in RANK_SUM_COMPARISONS:
        if c.label not in targets:
            continue
        first, second = labels[c.label] == c.first, labels[c.label] == c.second
        others = [group_codes[o.label] for o in RANK_SUM_COMPARISONS if o.label != c.label]
        cell = pd.factorize(pd.Series(list(zip(stratum, *others, strict=True))))[0]
        marks = list(medians.get(c.stem, {}).values())
        low, high = min(marks, default=6.0) - 0.01, max(marks, default=0.0) + 0.01

        def gain(i, j, total, first=first, second=second):
            scores = total / count
            pool = scores[first | second]
            rank = _midranks(pool)
            w = rank(scores[first]).sum() - first.sum() * (first.sum() + 1) / 2
            # i in first takes j's score, j in second takes i's: W moves by R(s_j) - R(s_i)
            sign = np.where(first[i] & second[j], 1.0, np.where(second[i] & first[j], -1.0, 0))
            return w, sign * (rank(scores[j]) - rank(scores[i]))

        def allowed(i, j, total, low=low, high=high):
            a, b = total[i] / count[i], total[j] / count[j]
            return ((a < low) & (b < low)) | ((a > high) & (b > high))

        finish_swaps(rng, out, count, cell, gain, targets[c.label], allowed)
    # finish: Spearman's rho with age, by swaps of people alike in every group (which
    # change nothing else); with the multisets of ranks fixed, rho moves by
    # (a_i - a_j)(R_j - R_i) / ((n - 1) s_a s_R) for age ranks a and score ranks R
    same = pd.factorize(pd.Series(list(zip(stratum, *group_codes.values(), strict=True))))[0]

    def rho_gain(i, j, total):
        scores = total / count
        ranks = stats.rankdata(scores)
        rank = _midranks(scores)
        rho = np.corrcoef(age_ranks, ranks)[0, 1]
        scale = (n - 1) * age_ranks.std(ddof=1) * ranks.std(ddof=1)
        change = (age_ranks[i] - age_ranks[j]) * (rank(scores[j]) - rank(scores[i])) / scale
        return rho, change

    finish_swaps(rng, out, count, same, rho_gain, rho_target)
    return out


def se_ratio_gap(ratio: float, term: str) -> float:
    r"""How far a Table 2 SE's ratio to the sex SE is from the printed one, in half-widths.

    ``ratio`` is :math:`\sqrt{[(X'X)^{-1}]_{jj} / [(X'X)^{-1}]_{sex}}`; ``term`` a
    model column of :data:`helpers.design.TABLE2_TERMS`.
    """
    se_sex = printed(table2_key("male", "se"), _TABLE2)
    return _relative_gap(ratio * se_sex, table2_key(term, "se"), _TABLE2)


def _relative_gap(value: float, key: str, group: str) -> float:
    """``log(value / printed)`` in units of the printed value's relative half-width."""
    low, high = targets.printed_interval(key, group)
    centre = printed(key, group)
    return float(np.log(value / centre) / ((high - low) / 2 / centre))


def complete_case_gaps(
    design: np.ndarray, utilization: np.ndarray, sessions: np.ndarray
) -> np.ndarray:
    r"""How far aim 3's complete cases put the SEs' ratios from the printed ones.

    Table 2's SEs are :math:`s \sqrt{[(X'X)^{-1}]_{jj}}` with one residual SD
    :math:`s`, so the predictors alone set their ratios. Taking the sex SE as
    the reference (it fixes :math:`s`), the intercept's and the alliance's
    ratios to it are compared with the printed ratios. The moderation products'
    standardized SEs are :math:`\sqrt{1 - R^2} \sqrt{[(Z'Z)^{-1}]_{jj}}` (the
    outcome's SD is :math:`s / \sqrt{1 - R^2}`, with the printed full-model
    :math:`R^2`), :math:`Z` the utilization moderation model's design, scaled
    to the paper's number of complete cases.

    Parameters
    ----------
    design : numpy.ndarray
        The complete cases' design: intercept and Table 2's predictors, in the
        order of :data:`helpers.design.TABLE2_TERMS` (alliance last).
    utilization, sessions : numpy.ndarray
        Their utilization types and numbers of sessions.

    Returns
    -------
    numpy.ndarray
        The intercept's and the alliance's SE ratio to sex, then the moderation SEs
        of alliance x coaching, x both, x baseline and x sessions: each
        ``log(achieved / printed)`` in units of the
        printed value's relative half-width (so within ±1 rounds as printed).
    """
    terms = list(TABLE2_TERMS)
    if design.shape[1] != len(terms) or len(design) <= 2 * len(terms):
        raise ValueError(
            f"complete_case_gaps: expected more than {2 * len(terms)} rows of "
            f"{len(terms)} columns, got {design.shape}"
        )
    root = np.sqrt(np.diag(np.linalg.inv(design.T @ design)))
    sex = terms.index("male")
    gaps = [
        se_ratio_gap(root[terms.index(term)] / root[sex], term)
        for term in ("Intercept", TABLE2_FOCAL)
    ]
    alliance = design[:, -1]
    z = (alliance - alliance.mean()) / alliance.std(ddof=1)
    dummies = [(utilization == name).astype(float) for name in ("coaching", "both")]
    full = np.column_stack([design, *dummies, *(z * d for d in dummies)])
    products = np.sqrt(np.diag(np.linalg.inv(full.T @ full)))[-2:]
    scale = np.sqrt(len(design) / printed_count("aim3.n", "screened_positive"))
    unexplained = np.sqrt(1 - printed("aim3.full.r2", _TABLE2))
    roots = {
        f"utilization.{name}": r for name, r in zip(("coaching", "both"), products, strict=True)
    }
    for name, column, extra in (
        ("baseline_who5", design[:, TABLE2_COLUMNS.index("who5_baseline")], []),
        ("sessions", sessions, [sessions]),
    ):
        own = (column - column.mean()) / column.std(ddof=1)
        full = np.column_stack([design, *extra, z * own])
        roots[name] = np.sqrt(np.linalg.inv(full.T @ full)[-1, -1])
    for name, root_j in roots.items():
        se = root_j * unexplained * scale
        gaps.append(_relative_gap(se, f"aim3.moderation.{name}.se", "moderation"))
    return np.array(gaps)


def newton(residuals, start: np.ndarray, steps: int, h: float) -> np.ndarray:
    """Damped Newton on ``residuals`` with a forward-difference Jacobian, ``steps`` times.

    Each step solves :math:`J \\delta = -r` by least squares and halves
    :math:`\\delta` (at most :data:`HALVINGS` times) until :math:`\\lVert r \\rVert`
    falls; the best point seen is returned.
    """
    x = start.astype(float)
    r = residuals(x)
    for _ in range(steps):
        jacobian = np.column_stack(
            [(residuals(x + h * np.eye(len(x))[j]) - r) / h for j in range(len(x))]
        )
        delta = np.linalg.lstsq(jacobian, -r, rcond=None)[0]
        for _ in range(HALVINGS):
            trial = x + delta
            trial_r = residuals(trial)
            if np.linalg.norm(trial_r) < np.linalg.norm(r):
                x, r = trial, trial_r
                break
            delta = delta / 2
        else:
            break
    return x


# ---------------------------------------------------------------------------
# 4. responses, and the whole search
# ---------------------------------------------------------------------------


def set_totals(rng, ratings: pd.DataFrame, wanted: pd.Series, floor: pd.Series) -> None:
    """Move each person's responses one step at a time until they sum to ``wanted``.

    A person's change is spread over their responses in a random order, each
    taking as much as it can (up to 5, or down to the person's ``floor``)
    before the next: the order is random, so some people's change lands on
    one item and some on both, which keeps Cronbach's alpha near the drawn one.

    Parameters
    ----------
    ratings : pandas.DataFrame
        ``person``, ``wai_bond``, ``wai_goals`` (-1 when skipped); changed in place.
    wanted, floor : pandas.Series
        By person: the total of their responses, and their lowest allowed response.
    """
    person = np.repeat(ratings["person"].to_numpy(), 2)
    values = ratings[["wai_bond", "wai_goals"]].to_numpy().reshape(-1).copy()
    given = values > 0
    current = person_items(ratings)["total"]
    change = (wanted - current).reindex(person).to_numpy()
    lowest = floor.reindex(person).to_numpy()
    order = np.lexsort((rng.random(len(values)), person))
    for sign in (1, -1):
        room = np.where(sign > 0, 5 - values, values - lowest) * given
        room = np.maximum(room, 0)[order]
        need = np.maximum(sign * change[order], 0)
        before = pd.Series(room).groupby(person[order]).cumsum().to_numpy() - room
        moved = np.clip(need - before, 0, room)
        values[order] += sign * moved.astype(values.dtype)
    ratings["wai_bond"] = values[0::2]
    ratings["wai_goals"] = values[1::2]


def _alpha(bond: np.ndarray, goals: np.ndarray) -> float:
    """Cronbach's alpha of two person-level item means, pairwise complete (as the analysis)."""
    cov = pd.DataFrame({"bond": bond, "goals": goals}).cov().to_numpy()
    return float(2 * (1 - np.trace(cov) / cov.sum()))


def tune_alpha(rng, ratings: pd.DataFrame, floor: pd.Series, target: float) -> None:
    """Move responses between a person's two items, keeping their total, until alpha = ``target``.

    With :math:`B, G` the person's bond and goals sums over :math:`c_b, c_g`
    responses, a share :math:`\\varphi` of people (in a random order) get the split
    of :math:`B + G` that makes their two item means as equal as their lattice
    allows (:math:`\\varphi > 0`, which raises alpha) or that puts their whole
    deficit on one item (:math:`\\varphi < 0`, which lowers it); bisection on
    :math:`\\varphi \\in [-1, 1]` finds the alpha nearest ``target``. No
    person's score changes, so nothing of steps 1-3 does. The moved people's
    responses to each item are then spread as evenly as their sum allows.
    """
    person = ratings["person"].to_numpy()
    ids, where = np.unique(person, return_inverse=True)
    sums, counts = [], []
    for column in ("wai_bond", "wai_goals"):
        values = ratings[column].to_numpy()
        sums.append(np.bincount(where, np.where(values > 0, values, 0), len(ids)))
        counts.append(np.bincount(where, values > 0, len(ids)))
    (b, g), (cb, cg) = sums, counts
    low = floor.reindex(ids).to_numpy()
    both = (cb > 0) & (cg > 0)
    whole = b + g
    even = np.clip(np.round(whole * cb / np.maximum(cb + cg, 1)), low * cb, 5 * cb)
    even = np.clip(even, whole - 5 * cg, whole - low * cg)
    on_bond = rng.random(len(ids)) < 0.5
    deficit = 5 * (cb + cg) - whole
    lopsided = np.where(
        on_bond,
        np.maximum(5 * cb - deficit, low * cb),
        np.minimum(5 * cb, whole - low * cg),
    )
    key = rng.random(len(ids))

    def bond_sums(share: float) -> np.ndarray:
        chosen = both & (key < abs(share))
        return np.where(chosen, even if share > 0 else lopsided, b)

    def alpha(share: float) -> float:
        new_b = bond_sums(share)
        with np.errstate(invalid="ignore", divide="ignore"):
            return _alpha(new_b / cb, (whole - new_b) / cg)

    low_share, high_share = -1.0, 1.0
    for _ in range(BISECTION_STEPS):
        middle = (low_share + high_share) / 2
        if alpha(middle) < target:
            low_share = middle
        else:
            high_share = middle
    new_b = bond_sums((low_share + high_share) / 2)
    changed = new_b != b
    if not changed.any():
        return
    rows = changed[where]
    for column, wanted in (("wai_bond", new_b), ("wai_goals", whole - new_b)):
        values = ratings[column].to_numpy().copy()
        mask = rows & (values > 0)
        count = (cb if column == "wai_bond" else cg)[where[mask]]
        total = wanted[where[mask]].astype(np.int64)
        nth = pd.Series(where[mask]).groupby(where[mask]).cumcount().to_numpy()
        values[mask] = total // count + (nth < total % count)
        ratings[column] = values


def calibrate_ratings(rng, model: PopulationModel, plan: pd.DataFrame, ratings) -> None:
    """Matched mode's alliance: steps 1-4 of the module on the drawn ``ratings`` (in place).

    Parameters
    ----------
    rng : numpy.random.Generator
    model : PopulationModel
    plan : pandas.DataFrame
        The person plan (:func:`helpers.synthetic.plan.plan_people`).
    ratings : pandas.DataFrame
        The drawn item responses (:func:`helpers.synthetic.responses.draw_ratings`).
    """
    items = person_items(ratings)
    if len(items) < 3:
        return
    ids = items.index.to_numpy()
    people = plan.iloc[ids]
    count = items["count"].to_numpy()
    utilization = people["utilization"].to_numpy()
    total = group_scores(rng, model, utilization, count, items["total"].to_numpy() / count)
    total = assign_within_strata(rng, model, people, count, total)
    floor = pd.Series([model.groups[g].alliance_min for g in utilization], index=ids)
    set_totals(rng, ratings, pd.Series(total, index=ids), floor)
    tune_alpha(rng, ratings, floor, model.alliance_alpha)
