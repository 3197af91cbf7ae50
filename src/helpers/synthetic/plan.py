"""The person plan: one row per registrant with fate and every value the cohort derives.

:func:`plan_people` draws, per utilization type and in a fixed order, sex,
country, age, sessions, time in care, follow-up period, baseline WHO-5 and the
alliance rate; in matched mode the analysed cohort's counts, means and bounds
are exact (:mod:`helpers.synthetic.matched`). Alliance item responses and the
follow-up WHO-5 need the session structure and are drawn when the plan is
rendered (:mod:`helpers.synthetic.responses`).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import optimize

from helpers.design import MIN_FOLLOWUP_DAYS, UTILIZATION_TYPES, WHO5_CUTOFF, WHO5_MAX, WHO5_STEP
from helpers.report.published import printed
from helpers.synthetic import outcome
from helpers.synthetic.alliance import newton, se_ratio_gap
from helpers.synthetic.matched import at_random, move_to_sum
from helpers.synthetic.model import (
    FATES,
    MODES,
    NON_US_COUNTRIES,
    TABLE1_TOTALS,
    GroupModel,
    Moments,
    PopulationModel,
)
from helpers.synthetic.moments import integers_with_moments, joint_targets

__all__ = [
    "AGE_TILT_DIFF_STEP",
    "AGE_TILT_STEPS",
    "BASELINE_SUM_PASSES",
    "exact_counts",
    "plan_people",
]

#: Most passes bringing a group's screened-positive baseline sum to its target
#: (:func:`_raw_with_sum`); one suffices unless the values sit at their bounds.
BASELINE_SUM_PASSES = 50
#: Tuning (not printed), matched mode: share of men among the screened-positive people
#: with sex known (aim 3's complete cases). Tuned to Table 2's SE of sex (1.50) beside
#: those of the alliance (0.99) and the intercept (5.83): at the cohort's share of men
#: (864 / 2533 = 0.34) the sex SE comes out near 1.41, and the SE scales as
#: 1 / sqrt(p (1 - p)).
POSITIVE_MALE_SHARE = 0.28
#: Newton steps of the age tilt of aim 3's complete cases (:func:`_tilt_complete_ages`: two
#: parameters, two targets); each costs three evaluations plus at most the halvings of
#: :func:`helpers.synthetic.alliance.newton`.
AGE_TILT_STEPS = 10
#: Finite-difference step of the age tilt (its parameters act on ages in SD units).
AGE_TILT_DIFF_STEP = 0.05

# ---------------------------------------------------------------------------
# Small numeric tools
# ---------------------------------------------------------------------------


def exact_counts(total: int, shares: np.ndarray) -> np.ndarray:
    """Split ``total`` by ``shares`` into integers (largest remainder)."""
    shares = np.asarray(shares, dtype=float) / np.sum(shares)
    raw = shares * total
    counts = np.floor(raw).astype(int)
    leftover = total - counts.sum()
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[:leftover]] += 1
    return counts


def _categories(rng, n: int, labels, shares, matched: bool) -> np.ndarray:
    """``n`` labels: exactly in proportion to ``shares`` (shuffled) when matched, else drawn."""
    shares = np.asarray(shares, dtype=float)
    if matched:
        values = np.repeat(np.asarray(labels, dtype=object), exact_counts(n, shares))
        return rng.permutation(values)
    return rng.choice(np.asarray(labels, dtype=object), size=n, p=shares / shares.sum())


def _gamma(rng, n: int, mean: float, sd: float) -> np.ndarray:
    """``n`` gamma draws with the given mean and SD."""
    shape = (mean / sd) ** 2
    return rng.gamma(shape, sd**2 / mean, size=n)


def _maxent_on(support: np.ndarray, mean: float, sd: float | None = None) -> np.ndarray:
    """Maximum-entropy probabilities on ``support`` with the given mean (and SD).

    The exponential family :math:`p_k \\propto \\exp(\\theta_1 k + \\theta_2 k^2)`;
    with no SD, :math:`\\theta_2 = 0`.
    """
    scaled = (support - support.mean()) / max(np.ptp(support), 1)

    def probabilities(theta):
        logits = theta[0] * scaled + theta[1] * scaled**2
        weights = np.exp(logits - logits.max())
        return weights / weights.sum()

    def moments(theta):
        probs = probabilities(theta)
        mu = probs @ support
        gaps = [mu - mean]
        if sd is not None:
            gaps.append(np.sqrt(probs @ (support - mu) ** 2) - sd)
        return gaps

    start = np.zeros(2)
    if sd is None:
        solution = optimize.brentq(lambda a: moments([a, 0.0])[0], -50, 50)
        return probabilities([solution, 0.0])
    solution = optimize.root(moments, start, method="hybr")
    if not solution.success:
        raise ValueError(
            f"no distribution on {support.min()}-{support.max()} has mean {mean}, sd {sd}"
        )
    return probabilities(solution.x)


# ---------------------------------------------------------------------------
# The person plan
# ---------------------------------------------------------------------------


def plan_people(model: PopulationModel, rng: np.random.Generator, mode: str) -> pd.DataFrame:
    """Draw one row per registrant: fate and every variable the cohort derives.

    Parameters
    ----------
    model : PopulationModel
        The population; ``model.registrants`` rows are drawn.
    rng : numpy.random.Generator
        The only source of randomness.
    mode : {"sample", "matched"}
        ``matched`` adjusts the analysed cohort to the published statistics.

    Returns
    -------
    pandas.DataFrame
        One row per registrant with ``fate``, ``utilization``, ``sex``,
        ``country``, ``age``, ``n_sessions``, ``time_in_care_days``,
        ``gap_before``, ``gap_after`` (days from baseline to the first
        session and from the last session to follow-up), ``who5_baseline``,
        ``who5_followup`` and ``lambda`` (the alliance rate); alliance item
        responses are drawn when events are rendered.
    """
    if mode not in MODES:
        raise ValueError(f"mode: expected one of {', '.join(MODES)}, got {mode!r}")
    matched = mode == "matched"
    n = model.registrants
    fate_counts = np.array([model.fates[f] for f in FATES], dtype=float)
    fate = _categories(rng, n, FATES, fate_counts, True)  # the flow is exact in both modes
    plan = pd.DataFrame({"fate": fate})
    plan["utilization"] = None
    for fates in (["analysed"], [f for f in FATES if f != "analysed"]):
        rows = np.flatnonzero(plan["fate"].isin(fates).to_numpy())
        shares = [model.groups[g].share for g in UTILIZATION_TYPES]
        plan.loc[rows, "utilization"] = _categories(
            rng, len(rows), UTILIZATION_TYPES, shares, matched and fates == ["analysed"]
        )
    columns = {
        name: np.zeros(n, dtype=dtype)
        for name, dtype in (
            ("age", np.int64),
            ("n_sessions", np.int64),
            ("time_in_care_days", np.int64),
            ("followup_days", np.int64),
            ("who5_baseline", np.int64),
            ("who5_followup", np.int64),
            ("lambda", float),
        )
    }
    sex = np.empty(n, dtype=object)
    country = np.empty(n, dtype=object)
    analysed = plan["fate"].to_numpy() == "analysed"
    missing_positive = _missing_sex_among_positives(model, plan, analysed)
    fitted = _joint_groups(model, plan, analysed) if matched else model.groups
    for group in UTILIZATION_TYPES:
        for is_analysed in (True, False):
            rows = np.flatnonzero(
                (plan["utilization"].to_numpy() == group) & (analysed == is_analysed)
            )
            exact = matched and is_analysed
            g = fitted[group] if exact else model.groups[group]
            m = len(rows)
            if m == 0:
                continue
            sex[rows] = _categories(rng, m, ("female", "male", None), g.sex, exact)
            country_group = _categories(rng, m, ("US", "non_us", None), g.country, exact)
            codes = rng.choice(list(NON_US_COUNTRIES), size=m, p=_normalized(NON_US_COUNTRIES))
            country[rows] = np.where(country_group == "non_us", codes, country_group)
            age = rng.normal(g.age.mean, g.age.sd, m)
            if exact:
                columns["age"][rows] = integers_with_moments(rng, age, g.age)
            else:
                columns["age"][rows] = _within(age, g.age)
            sessions = _draw_sessions(rng, g.sessions, m)
            if exact:  # a continuous version of the counts: ties broken at random
                sessions = sessions + rng.random(m) - 0.5
                columns["n_sessions"][rows] = integers_with_moments(rng, sessions, g.sessions)
            else:
                columns["n_sessions"][rows] = _within(sessions, g.sessions)
            care = _draw_care(rng, g, columns["n_sessions"][rows], exact)
            columns["time_in_care_days"][rows] = care
            columns["followup_days"][rows] = _draw_followup(rng, g, care, exact)
            if exact:
                positive = _positives_with_sex_missing(
                    rng, sex[rows], missing_positive[group], g.screened_positive
                )
            else:
                positive = rng.random(m) < g.screened_positive
            columns["who5_baseline"][rows] = _draw_baseline(rng, model, positive, exact)
            log_rate = g.alliance_log_rate + rng.normal(0, g.alliance_sd_log_rate, m)
            log_rate += model.alliance_low_shift * (rng.random(m) < g.alliance_low_share)
            log_rate += np.where(sex[rows] == "female", model.alliance_female_shift, 0.0)
            log_rate += np.where(sex[rows] == "male", model.alliance_male_shift, 0.0)
            ceiling = rng.random(m) < g.alliance_ceiling_share
            columns["lambda"][rows] = np.where(ceiling, 0.0, np.exp(log_rate))
    plan = plan.assign(sex=sex, country=country, **columns)
    if matched:
        _tilt_complete_ages(rng, model, plan)
    plan["gap_before"], plan["gap_after"] = _split_gaps(
        rng, plan["followup_days"].to_numpy() - plan["time_in_care_days"].to_numpy()
    )
    return plan


def _tilt_complete_ages(rng, model: PopulationModel, plan: pd.DataFrame) -> None:
    r"""Choose which analysed people of known sex screen positive, by age (matched mode).

    Aim 3's complete cases (screened positive, sex known) carry Table 2's SEs,
    whose ratios their predictors set (:func:`helpers.synthetic.alliance.complete_case_gaps`).
    Within each utilization type and sex, the same number of people screen
    positive and the positive and negative baselines keep their values, but the
    positives are re-picked with weights :math:`\exp(a z - b z^2)` (``z`` the
    standardized age; Efraimidis-Spirakis keys on fixed uniforms, so the pick is
    a function of the seed), :math:`(a, b)` found by Newton steps so that

    * the age SE's ratio to the sex SE is the printed one, and
    * the intercept's is too, with the alliance (not yet drawn) taken as
      uncorrelated with the other predictors, of its Table 1 mean and of the SD
      the alliance SE's ratio to the sex SE implies:
      :math:`[(X'X)^{-1}]_{00} = [(X_0'X_0)^{-1}]_{00} + \bar a^2 r_a^2` with
      :math:`r_a = r_{sex} \, SE_a / SE_{sex}`.

    The alliance search then fine-tunes what is left
    (:func:`helpers.synthetic.alliance.assign_within_strata`). ``plan`` is changed
    in place.
    """
    rows = np.flatnonzero((plan["fate"].to_numpy() == "analysed") & plan["sex"].notna().to_numpy())
    if len(rows) < 3:
        return
    people = plan.iloc[rows]
    base = people["who5_baseline"].to_numpy()
    positive = base <= WHO5_CUTOFF
    if positive.sum() < 3 * len(outcome.PREDICTORS):
        return
    age = people["age"].to_numpy().astype(float)
    z = (age - age.mean()) / (age.std() if age.std() > 0 else 1.0)
    cell = pd.factorize(pd.Series(list(zip(people["utilization"], people["sex"], strict=True))))[0]
    wanted = np.bincount(cell, positive)
    uniforms = rng.random(len(rows))
    order_cell = np.argsort(cell, kind="stable")
    starts = np.concatenate([[0], np.cumsum(np.bincount(cell))[:-1]])
    male = (people["sex"].to_numpy() == "male").astype(float)
    care = people["time_in_care_days"].to_numpy().astype(float)
    alliance_mean = {g: model.groups[g].alliance_mean for g in UTILIZATION_TYPES}
    utilization = people["utilization"].to_numpy()

    def chosen(params: np.ndarray) -> np.ndarray:
        a, b = params
        key = np.log(uniforms) / np.exp(a * z - b * z**2)  # larger keys are picked first
        order = np.lexsort((-key, cell))
        rank = np.empty(len(rows), dtype=np.int64)
        rank[order] = np.arange(len(rows)) - starts[cell[order]]
        return rank < wanted[cell]

    positive_values = {c: np.sort(base[(cell == c) & positive]) for c in range(len(wanted))}
    negative_values = {c: np.sort(base[(cell == c) & ~positive]) for c in range(len(wanted))}
    del order_cell

    def baselines(pick: np.ndarray) -> np.ndarray:
        out = np.empty(len(rows), dtype=base.dtype)
        for c in range(len(wanted)):
            mine = cell == c
            out[mine & pick] = positive_values[c]
            out[mine & ~pick] = negative_values[c]
        return out

    def gaps(params: np.ndarray) -> np.ndarray:
        pick = chosen(params)
        design = np.column_stack(
            [np.ones(pick.sum()), age[pick], male[pick], care[pick], baselines(pick)[pick]]
        )
        inverse = np.linalg.inv(design.T @ design)
        root = np.sqrt(np.diag(inverse))
        ratio = printed("aim3.alliance.se", "full model") / printed(
            "aim3.sex_male.se", "full model"
        )
        level = np.mean([alliance_mean[g] for g in utilization[pick]])
        intercept = np.sqrt(inverse[0, 0] + (level * root[2] * ratio) ** 2)
        return np.array(
            [
                se_ratio_gap(intercept / root[2], "Intercept"),
                se_ratio_gap(root[1] / root[2], "age"),
            ]
        )

    params = newton(gaps, np.zeros(2), AGE_TILT_STEPS, AGE_TILT_DIFF_STEP)
    pick = chosen(params)
    new_base = baselines(pick)
    # each cell's values go to the picked people in a random order
    for c in range(len(wanted)):
        for side in (pick, ~pick):
            mine = np.flatnonzero((cell == c) & side)
            new_base[mine] = rng.permutation(new_base[mine])
    plan.loc[plan.index[rows], "who5_baseline"] = new_base


def _joint_groups(model: PopulationModel, plan, analysed) -> dict[str, GroupModel]:
    """Each group's Table 1 targets, moved within their rounding to pool to the total's.

    See :func:`helpers.synthetic.moments.joint_targets`.
    """
    sizes = plan.loc[analysed, "utilization"].value_counts().to_dict()
    fitted = dict(model.groups)
    for name in TABLE1_TOTALS:
        targets = joint_targets(
            {g: getattr(model.groups[g], name) for g in UTILIZATION_TYPES},
            sizes,
            model.totals[name],
        )
        for g in UTILIZATION_TYPES:
            fitted[g] = dataclasses.replace(fitted[g], **{name: targets[g]})
    return fitted


def _missing_sex_among_positives(model, plan, analysed) -> dict[str, int]:
    """Per group, how many screened-positive people have sex missing (matched mode).

    Sex missing is what keeps a screened-positive person out of aim 3's
    complete cases (675 of 835 in the paper), so matched data fix the total.
    """
    sizes = plan.loc[analysed, "utilization"].value_counts()
    positives = {
        g: round(model.groups[g].screened_positive * sizes.get(g, 0)) for g in UTILIZATION_TYPES
    }
    expected = np.array([positives[g] * model.groups[g].sex[2] for g in UTILIZATION_TYPES])
    total = round(model.screened_sex_missing * sum(positives.values()))
    return dict(zip(UTILIZATION_TYPES, exact_counts(total, expected + 1e-12).tolist(), strict=True))


def _positives_with_sex_missing(rng, sex, missing_count: int, share: float) -> np.ndarray:
    """Exactly round(share * n) positives, ``missing_count`` of them with sex missing.

    Of the positives with sex known (aim 3's complete cases), a share
    :data:`POSITIVE_MALE_SHARE` are men (as near as the group's men allow).
    """
    n = len(sex)
    wanted = int(exact_counts(n, np.array([share, 1 - share]))[0])
    unknown = np.flatnonzero(pd.isna(sex))
    known = np.flatnonzero(~pd.isna(sex))
    missing_count = min(missing_count, len(unknown), wanted)
    known_count = min(wanted - missing_count, len(known))
    men = np.flatnonzero(np.asarray(sex, dtype=object) == "male")
    others = np.setdiff1d(known, men)
    men_count = min(round(POSITIVE_MALE_SHARE * known_count), len(men))
    men_count = max(men_count, known_count - len(others))
    chosen = np.concatenate(
        [
            rng.choice(unknown, size=missing_count, replace=False),
            rng.choice(men, size=men_count, replace=False),
            rng.choice(others, size=known_count - men_count, replace=False),
        ]
    )
    positive = np.zeros(n, dtype=bool)
    positive[chosen.astype(np.int64)] = True
    return positive


def _normalized(weights: dict[str, float]) -> np.ndarray:
    """The weights as probabilities, in the dict's order."""
    values = np.array(list(weights.values()), dtype=float)
    return values / values.sum()


def _draw_sessions(rng, moments: Moments, m: int) -> np.ndarray:
    """``low`` plus a negative binomial with the target mean and SD."""
    excess_mean = moments.mean - moments.low
    variance = moments.sd**2
    successes = excess_mean**2 / (variance - excess_mean)
    draws = moments.low + rng.negative_binomial(successes, successes / (successes + excess_mean), m)
    return np.minimum(draws, moments.high).astype(float)


def _draw_care(rng, g: GroupModel, sessions: np.ndarray, exact: bool) -> np.ndarray:
    """Days from first to last session: 0 for one session, gamma-distributed otherwise.

    In matched mode the people with one session keep 0 and the others (at
    least a day) carry Table 1's mean, SD, median and range
    (:func:`helpers.synthetic.moments.integers_with_moments`).
    """
    several = sessions > 1
    share = max(several.mean(), 1e-9)
    mean = g.time_in_care.mean / share
    second = (g.time_in_care.sd**2 + g.time_in_care.mean**2) / share
    sd = np.sqrt(max(second - mean**2, 1.0))
    care = np.zeros(len(sessions))
    care[several] = np.maximum(_gamma(rng, int(several.sum()), mean, sd), 1)
    high = g.time_in_care.high
    if exact and len(care) > 2:
        floor = np.where(several, 1, 0)
        ceiling = np.where(several, high, 0)
        return integers_with_moments(rng, care, g.time_in_care, floor, ceiling)
    values = np.clip(np.round(care), 0, high).astype(np.int64)
    values[~several] = 0
    return values


def _draw_followup(rng, g: GroupModel, care: np.ndarray, exact: bool) -> np.ndarray:
    """Follow-up period = time in care + gaps before and after care, at least the minimum.

    In matched mode the drawn periods are the shape that Table 1's mean, SD,
    median and range are fitted to, each period at least the person's time in
    care and :data:`helpers.design.MIN_FOLLOWUP_DAYS`
    (:func:`helpers.synthetic.moments.integers_with_moments`).
    """
    gap_mean = max(g.followup_days.mean - g.time_in_care.mean, 1.0)
    gap_sd = np.sqrt(max(g.followup_days.sd**2 - g.time_in_care.sd**2, 1.0))
    gap = _gamma(rng, len(care), gap_mean, gap_sd)
    days = np.maximum(care + gap, np.maximum(care, g.followup_days.low))
    if exact and len(care) > 2:
        floor = np.maximum(care, MIN_FOLLOWUP_DAYS)
        return integers_with_moments(rng, days, g.followup_days, floor)
    return np.clip(np.round(days), MIN_FOLLOWUP_DAYS, g.followup_days.high).astype(np.int64)


def _draw_baseline(rng, model: PopulationModel, positive: np.ndarray, exact: bool) -> np.ndarray:
    """Baseline WHO-5 totals: maximum-entropy draws on the raw 0-25 scale.

    Screened-positive people score at or below the cut-off, the others above it.
    In matched mode (``exact``) the screened-positive people's sum is then brought
    to their count times ``baseline_positive_mean_raw`` (rounded), one raw step at a
    time for people chosen at random, each staying at or below the cut-off: aim 2's
    percentage improvement is the mean change over this mean, and the draw alone
    misses it by about its standard error (0.2 points for the bundled data set).
    """
    raw = np.empty(len(positive), dtype=np.int64)
    cutoff = WHO5_CUTOFF // WHO5_STEP  # the highest screened-positive raw score (7)
    low = np.arange(0, cutoff + 1)
    high = np.arange(cutoff + 1, WHO5_MAX // WHO5_STEP + 1)
    probs = _maxent_on(low, model.baseline_positive_mean_raw, model.baseline_positive_sd_raw)
    raw[positive] = rng.choice(low, size=int(positive.sum()), p=probs)
    raw[~positive] = rng.choice(
        high, size=int((~positive).sum()), p=_maxent_on(high, model.baseline_negative_mean_raw)
    )
    if exact and positive.any():
        raw[positive] = _raw_with_sum(
            rng, raw[positive], round(model.baseline_positive_mean_raw * positive.sum()), cutoff
        )
    return raw * WHO5_STEP


def _within(x: np.ndarray, moments: Moments) -> np.ndarray:
    """``x`` rounded to integers and kept within the variable's printed range (sample mode)."""
    return np.clip(np.round(x), moments.low, moments.high).astype(np.int64)


def _raw_with_sum(rng, raw: np.ndarray, target: int, high: int) -> np.ndarray:
    """``raw`` (integers in 0..``high``) moved one unit at a time, at random, to sum to ``target``.

    Each pass moves min(|gap|, movable) values one unit towards the target, so
    the sum is exact after one pass unless too few values can move; at most
    :data:`BASELINE_SUM_PASSES` passes.
    """
    return move_to_sum(raw.copy(), target, 0, high, at_random(rng), BASELINE_SUM_PASSES)


def _split_gaps(rng, gap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split the days outside care into before the first and after the last session."""
    gap = np.maximum(gap, 0)
    before = np.floor(gap * rng.beta(1.0, 5.0, len(gap))).astype(np.int64)
    return before, (gap - before).astype(np.int64)
