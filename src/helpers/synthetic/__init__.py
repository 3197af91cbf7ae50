"""Synthetic raw data calibrated to Sagui-Henson et al. (2022). SYNTHETIC, NOT STUDY DATA.

The study's data are private. This module writes a raw data directory in the
shape of the raw data contract, drawn from a documented population model whose
default parameters (:class:`PopulationModel`) are calibrated to the numbers the
paper prints. Agreement between an analysis of these data and the paper checks
the pipeline; it is not evidence about the study's question.

How the data are made
---------------------
1. **Fates.** Each registrant gets one eligibility fate: under age, no
   in-window session, no baseline, no follow-up, completed but never rated,
   or analysed. The fates reproduce the paper's flow (5,985 completed the
   assessments, 3,087 analysed) at the default scale.
2. **Person plan.** Utilization type, sex, country, age, sessions, time in
   care, follow-up period, baseline WHO-5, alliance item responses and
   follow-up WHO-5 are drawn per person (:func:`plan_people`).
3. **Events.** The plan is rendered as dated sessions, ratings and WHO-5
   item responses (:func:`render_raw`) such that deriving the cohort from
   the events returns exactly the plan's values.

Two modes
---------
``sample``
    Every variable is a draw from the population model: what a simulation
    study needs (the truth is :class:`PopulationModel`).
``matched``
    After drawing, the analysed cohort is adjusted so that its sample
    statistics hit the published ones closely by construction, as R's
    ``faux`` does with ``empirical = TRUE``: exact group sizes and category
    counts, group means of age, sessions, time in care and follow-up period,
    alliance group means, WHO-5 change by utilization type, and a follow-up
    WHO-5 whose complete-case regression reproduces Table 2 (its residuals
    are made orthogonal to the predictors and to the moderation products).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize

from helpers.data.rawdata import TABLES, WHO5_ITEMS

__all__ = [
    "FATES",
    "GroupModel",
    "PopulationModel",
    "generate",
    "make_dataset",
    "plan_people",
    "render_raw",
    "write_raw",
]

#: Eligibility fates in flow order; each registrant has exactly one.
FATES = ("under_age", "no_session", "no_baseline", "no_followup", "unrated", "analysed")
GROUPS = ("therapy", "coaching", "both")
MODES = ("sample", "matched")

#: Country codes used for people outside the US, with their weights.
NON_US_COUNTRIES = {
    "GB": 0.26, "IN": 0.18, "CA": 0.12, "DE": 0.07, "IE": 0.06, "SG": 0.05, "AU": 0.05,
    "NL": 0.04, "FR": 0.04, "BR": 0.03, "MX": 0.03, "ES": 0.03, "PL": 0.02, "JP": 0.02,
}  # fmt: skip


@dataclass(frozen=True)
class Moments:
    """Target moments and bounds of one variable (the paper's Table 1 cell)."""

    mean: float
    sd: float
    low: float
    high: float


@dataclass(frozen=True)
class GroupModel:
    """The population model of one utilization type (analysed people).

    Attributes
    ----------
    share : float
        Share of the analysed cohort (Table 1 n / 3,087).
    sex : (female, male, missing)
        Shares; Table 1.
    country : (us, non_us, missing)
        Shares; Table 1 counts over the whole group.
    age, sessions, time_in_care, followup_days : Moments
        Table 1 means, SDs, minima and maxima.
    screened_positive : float
        Share with baseline WHO-5 at or below 28; Table 1.
    alliance_log_rate, alliance_sd_log_rate : float
        Mean and SD of the log of the person's rate of "steps below 5" per
        alliance item (see :class:`PopulationModel`); calibrated to the
        group's alliance mean, SD and median.
    alliance_low_share : float
        Share of people whose log rate is raised by the model's
        ``alliance_low_shift``: a tail of poor alliance. Groups differ in
        their tails more than in their bulk, which is how the paper's group
        means differ while its rank test (H = 10.83) shows little.
    alliance_ceiling_share : float
        Share of people who answer 5 to every item of every session (rate 0).
        Without them, people with more sessions would have fewer perfect
        scores only because they answered more often.
    alliance_min : int
        The group's lowest alliance score (Table 1); in matched mode the
        lowest scorer has it and no response falls below it.
    alliance_mean : float
        The group's mean alliance score (Table 1), hit exactly in matched mode.
    change : float
        Mean WHO-5 change among screened-positive people; Results, aim 2.
    """

    share: float
    sex: tuple[float, float, float]
    country: tuple[float, float, float]
    age: Moments
    sessions: Moments
    time_in_care: Moments
    followup_days: Moments
    screened_positive: float
    alliance_log_rate: float
    alliance_sd_log_rate: float
    alliance_low_share: float
    alliance_ceiling_share: float
    alliance_min: int
    alliance_mean: float
    change: float


def _default_groups() -> dict[str, GroupModel]:
    return {
        "therapy": GroupModel(
            share=555 / 3087,
            sex=(292 / 555, 145 / 555, 118 / 555),
            country=(470 / 555, 82 / 555, 3 / 555),
            age=Moments(35.11, 8.45, 18, 73),
            sessions=Moments(4.99, 3.48, 1, 24),
            time_in_care=Moments(50.01, 50.55, 0, 303),
            followup_days=Moments(147.97, 125.95, 10, 663),
            screened_positive=339 / 555,
            alliance_log_rate=-0.95,
            alliance_sd_log_rate=0.8,
            alliance_low_share=0.15,
            alliance_ceiling_share=0.25,
            alliance_min=1,
            alliance_mean=4.45,
            change=16.70,
        ),
        "coaching": GroupModel(
            share=2003 / 3087,
            sex=(1056 / 2003, 609 / 2003, 338 / 2003),
            country=(1468 / 2003, 531 / 2003, 4 / 2003),
            age=Moments(35.80, 8.82, 18, 73),
            sessions=Moments(2.99, 2.58, 1, 30),
            time_in_care=Moments(36.66, 52.51, 0, 337),
            followup_days=Moments(129.36, 117.90, 7, 741),
            screened_positive=349 / 2003,
            alliance_log_rate=-1.0,
            alliance_sd_log_rate=0.8,
            alliance_low_share=0.06,
            alliance_ceiling_share=0.25,
            alliance_min=1,
            alliance_mean=4.57,
            change=15.91,
        ),
        "both": GroupModel(
            share=529 / 3087,
            sex=(321 / 529, 110 / 529, 98 / 529),
            country=(410 / 529, 119 / 529, 0.0),
            age=Moments(34.95, 8.51, 18, 73),
            sessions=Moments(8.65, 5.49, 2, 41),
            time_in_care=Moments(111.51, 80.72, 1, 351),
            followup_days=Moments(207.60, 125.35, 11, 671),
            screened_positive=147 / 529,
            alliance_log_rate=-0.85,
            alliance_sd_log_rate=0.7,
            alliance_low_share=0.07,
            alliance_ceiling_share=0.22,
            alliance_min=2,
            alliance_mean=4.54,
            change=11.32,
        ),
    }


@dataclass(frozen=True)
class PopulationModel:
    """Every parameter of the synthetic population, with the paper's calibration as defaults.

    Alliance items. Each person has a rate :math:`\\lambda_i` with
    :math:`\\log \\lambda_i \\sim N(\\mu_g + \\delta_{sex}, \\tau^2)`; each item
    response on each rated session is :math:`5 - \\min(4, K)` with
    :math:`K \\sim \\text{Poisson}(\\lambda_i)`. This puts most answers at the
    ceiling (5) and makes the person's bond and goals means correlate through
    :math:`\\lambda_i`, which sets Cronbach's alpha.

    Follow-up WHO-5 of screened-positive people (Table 2):
    :math:`f = \\beta_0 + \\beta_{age} \\text{age} + \\beta_{male} \\text{male}
    + \\beta_{care} \\text{care} + \\beta_{base} \\text{base}
    + \\beta_{all} \\text{alliance} + \\gamma_g + \\varepsilon`, with group shifts
    :math:`\\gamma_g` that give each utilization type its published mean
    change, rounded to the WHO-5's steps of 4 and kept within 0–100.
    """

    registrants: int = 6500
    #: Registrants per fate at the default scale (sums to ``registrants``).
    fates: dict[str, int] = field(
        default_factory=lambda: {
            "under_age": 80,
            "no_session": 200,
            "no_baseline": 120,
            "no_followup": 115,
            "unrated": 5985 - 3087,
            "analysed": 3087,
        }
    )
    groups: dict[str, GroupModel] = field(default_factory=_default_groups)
    window_start: str = "2020-09-29"
    window_end: str = "2021-10-12"

    # alliance items
    alliance_low_shift: float = 1.8
    #: SD of each person's item-specific log rate (bond vs goals); calibrated to alpha = .72.
    alliance_item_sd_log_rate: float = 0.4
    alliance_female_shift: float = -0.11
    alliance_male_shift: float = 0.06
    rated_session_share: float = 0.8
    item_missing: float = 0.03

    # WHO-5 at baseline, on the raw 0-25 scale (total / 4)
    baseline_positive_mean_raw: float = 20.42 / 4
    baseline_positive_sd_raw: float = 7.1 / 4
    #: Share of screened-positive people with sex missing (835 - 675 of 835, Table 2).
    screened_sex_missing: float = (835 - 675) / 835
    baseline_negative_mean_raw: float = 13.0

    # follow-up WHO-5 (Table 2 and aim 2)
    followup_intercept: float = 12.60
    followup_age: float = 0.03
    followup_male: float = 0.04
    followup_time_in_care: float = -0.01
    followup_baseline: float = 0.66
    followup_alliance: float = 2.04
    followup_residual_sd: float = 18.3
    #: Matched mode scales the residual so the alliance coefficient has this SE (Table 2).
    followup_alliance_se: float = 0.99
    #: Matched mode spreads the follow-up of people outside the complete cases to give this
    #: Cohen's d_av for the whole screened-positive group (aim 2).
    followup_cohen_d: float = 1.06
    followup_residual_skew: float = 10.0
    negative_change_mean: float = 2.0
    negative_change_sd: float = 14.0

    def __post_init__(self) -> None:
        if self.registrants < 1:
            raise ValueError("registrants: need at least one registrant")
        if set(self.fates) != set(FATES):
            raise ValueError(f"fates: expected counts for {', '.join(FATES)}")
        if sum(self.fates.values()) != self.registrants:
            raise ValueError("fates: the counts must add up to registrants")
        if set(self.groups) != set(GROUPS):
            raise ValueError(f"groups: expected {', '.join(GROUPS)}")

    def to_dict(self) -> dict:
        """The parameters as plain data (written to the data set's manifest)."""
        return dataclasses.asdict(self)


# ---------------------------------------------------------------------------
# Small numeric tools
# ---------------------------------------------------------------------------


def _exact_counts(total: int, shares: np.ndarray) -> np.ndarray:
    """Split ``total`` by ``shares`` into integers (largest remainder)."""
    shares = np.asarray(shares, dtype=float) / np.sum(shares)
    raw = shares * total
    counts = np.floor(raw).astype(int)
    leftover = total - counts.sum()
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[:leftover]] += 1
    return counts


def _categories(rng, n: int, labels, shares, matched: bool) -> np.ndarray:
    shares = np.asarray(shares, dtype=float)
    if matched:
        values = np.repeat(np.asarray(labels, dtype=object), _exact_counts(n, shares))
        return rng.permutation(values)
    return rng.choice(np.asarray(labels, dtype=object), size=n, p=shares / shares.sum())


def _standardize(x: np.ndarray, mean: float, sd: float) -> np.ndarray:
    if len(x) < 2 or np.std(x, ddof=1) == 0:
        return np.full(len(x), float(mean))
    return mean + (x - x.mean()) / x.std(ddof=1) * sd


def _integers_with_mean(rng, x: np.ndarray, moments: Moments, matched: bool) -> np.ndarray:
    """Round to integers within bounds; in matched mode, hit the target mean and bounds."""
    values = np.clip(np.round(x), moments.low, moments.high).astype(np.int64)
    if not matched or len(values) < 3:
        return values
    order = np.argsort(x, kind="stable")
    values[order[0]], values[order[-1]] = moments.low, moments.high
    target = round(moments.mean * len(values))
    for _ in range(200):
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


def _gamma(rng, n: int, mean: float, sd: float) -> np.ndarray:
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
        shares = [model.groups[g].share for g in GROUPS]
        plan.loc[rows, "utilization"] = _categories(
            rng, len(rows), GROUPS, shares, matched and fates == ["analysed"]
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
    for group in GROUPS:
        g = model.groups[group]
        for is_analysed in (True, False):
            rows = np.flatnonzero(
                (plan["utilization"].to_numpy() == group) & (analysed == is_analysed)
            )
            exact = matched and is_analysed
            m = len(rows)
            if m == 0:
                continue
            sex[rows] = _categories(rng, m, ("female", "male", None), g.sex, exact)
            country_group = _categories(rng, m, ("US", "non_us", None), g.country, exact)
            codes = rng.choice(list(NON_US_COUNTRIES), size=m, p=_normalized(NON_US_COUNTRIES))
            country[rows] = np.where(country_group == "non_us", codes, country_group)
            age = rng.normal(g.age.mean, g.age.sd, m)
            if exact:
                age = _standardize(age, g.age.mean, g.age.sd)
            columns["age"][rows] = _integers_with_mean(rng, age, g.age, exact)
            sessions = _draw_sessions(rng, g.sessions, m)
            if exact:
                sessions = _standardize(sessions, g.sessions.mean, g.sessions.sd)
            columns["n_sessions"][rows] = _integers_with_mean(rng, sessions, g.sessions, exact)
            care = _draw_care(rng, g, columns["n_sessions"][rows], exact)
            columns["time_in_care_days"][rows] = care
            columns["followup_days"][rows] = _draw_followup(rng, g, care, exact)
            if exact:
                positive = _positives_with_sex_missing(
                    rng, sex[rows], missing_positive[group], g.screened_positive
                )
            else:
                positive = rng.random(m) < g.screened_positive
            columns["who5_baseline"][rows] = _draw_baseline(rng, model, positive)
            log_rate = g.alliance_log_rate + rng.normal(0, g.alliance_sd_log_rate, m)
            log_rate += model.alliance_low_shift * (rng.random(m) < g.alliance_low_share)
            log_rate += np.where(sex[rows] == "female", model.alliance_female_shift, 0.0)
            log_rate += np.where(sex[rows] == "male", model.alliance_male_shift, 0.0)
            ceiling = rng.random(m) < g.alliance_ceiling_share
            columns["lambda"][rows] = np.where(ceiling, 0.0, np.exp(log_rate))
    plan = plan.assign(sex=sex, country=country, **columns)
    plan["gap_before"], plan["gap_after"] = _split_gaps(
        rng, plan["followup_days"].to_numpy() - plan["time_in_care_days"].to_numpy()
    )
    return plan


def _missing_sex_among_positives(model, plan, analysed) -> dict[str, int]:
    """Per group, how many screened-positive people have sex missing (matched mode).

    Sex missing is what keeps a screened-positive person out of aim 3's
    complete cases (675 of 835 in the paper), so matched data fix the total.
    """
    sizes = plan.loc[analysed, "utilization"].value_counts()
    positives = {g: round(model.groups[g].screened_positive * sizes.get(g, 0)) for g in GROUPS}
    expected = np.array([positives[g] * model.groups[g].sex[2] for g in GROUPS])
    total = round(model.screened_sex_missing * sum(positives.values()))
    return dict(zip(GROUPS, _exact_counts(total, expected + 1e-12).tolist(), strict=True))


def _positives_with_sex_missing(rng, sex, missing_count: int, share: float) -> np.ndarray:
    """Exactly round(share * n) positives, ``missing_count`` of them with sex missing."""
    n = len(sex)
    wanted = int(_exact_counts(n, np.array([share, 1 - share]))[0])
    unknown = np.flatnonzero(pd.isna(sex))
    known = np.flatnonzero(~pd.isna(sex))
    missing_count = min(missing_count, len(unknown), wanted)
    chosen = np.concatenate(
        [
            rng.choice(unknown, size=missing_count, replace=False),
            rng.choice(known, size=min(wanted - missing_count, len(known)), replace=False),
        ]
    )
    positive = np.zeros(n, dtype=bool)
    positive[chosen] = True
    return positive


def _normalized(weights: dict[str, float]) -> np.ndarray:
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
    """Days from first to last session: 0 for one session, gamma-distributed otherwise."""
    several = sessions > 1
    share = max(several.mean(), 1e-9)
    mean = g.time_in_care.mean / share
    second = (g.time_in_care.sd**2 + g.time_in_care.mean**2) / share
    sd = np.sqrt(max(second - mean**2, 1.0))
    care = np.zeros(len(sessions))
    care[several] = np.maximum(_gamma(rng, int(several.sum()), mean, sd), 1)
    high = g.time_in_care.high
    values = np.clip(np.round(care), 0, high).astype(np.int64)
    if exact and several.sum() > 2:  # the zeros are fixed, so the others carry the whole mean
        target = Moments(g.time_in_care.mean * len(care) / several.sum(), sd, 1, high)
        values[several] = _integers_with_mean(rng, care[several], target, True)
    values[~several] = 0
    return values


def _draw_followup(rng, g: GroupModel, care: np.ndarray, exact: bool) -> np.ndarray:
    """Follow-up period = time in care + gaps before and after care, at least the minimum."""
    gap_mean = max(g.followup_days.mean - g.time_in_care.mean, 1.0)
    gap_sd = np.sqrt(max(g.followup_days.sd**2 - g.time_in_care.sd**2, 1.0))
    gap = _gamma(rng, len(care), gap_mean, gap_sd)
    if exact and len(care) > 2:
        gap = _scale_to_sd(care, gap, g.followup_days.sd)
    days = np.maximum(care + gap, np.maximum(care, g.followup_days.low))
    if not exact:
        return np.clip(np.round(days), 7, g.followup_days.high).astype(np.int64)
    values = _integers_with_mean(rng, days, g.followup_days, True)
    short = values < np.maximum(care, 7)
    values[short] = np.maximum(care[short], 7)
    low = int(g.followup_days.low)
    fits = np.flatnonzero(care <= low)  # someone whose care fits in the shortest period
    if values.min() > low and len(fits):
        values[fits[np.argmin(values[fits])]] = low
    return values


def _scale_to_sd(base: np.ndarray, gap: np.ndarray, sd: float) -> np.ndarray:
    """Stretch ``gap`` around its mean (kept non-negative) until SD(base + gap) = ``sd``."""

    def stretched(factor: float) -> np.ndarray:
        return np.maximum(gap.mean() + (gap - gap.mean()) * factor, 0)

    low, high = 0.25, 4.0
    for _ in range(40):
        middle = (low + high) / 2
        if np.std(base + stretched(middle), ddof=1) < sd:
            low = middle
        else:
            high = middle
    return stretched((low + high) / 2)


def _draw_baseline(rng, model: PopulationModel, positive: np.ndarray) -> np.ndarray:
    raw = np.empty(len(positive), dtype=np.int64)
    low = np.arange(0, 8)
    high = np.arange(8, 26)
    probs = _maxent_on(low, model.baseline_positive_mean_raw, model.baseline_positive_sd_raw)
    raw[positive] = rng.choice(low, size=int(positive.sum()), p=probs)
    raw[~positive] = rng.choice(
        high, size=int((~positive).sum()), p=_maxent_on(high, model.baseline_negative_mean_raw)
    )
    return raw * 4


def _split_gaps(rng, gap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split the days outside care into before the first and after the last session."""
    gap = np.maximum(gap, 0)
    before = np.floor(gap * rng.beta(1.0, 5.0, len(gap))).astype(np.int64)
    return before, (gap - before).astype(np.int64)


# ---------------------------------------------------------------------------
# Alliance responses and follow-up WHO-5 (need the session structure)
# ---------------------------------------------------------------------------


def _draw_ratings(rng, model, plan, sessions, matched) -> pd.DataFrame:
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
        _match_alliance_means(rng, model, plan, ratings)
    return ratings


def _alliance_by_person(ratings: pd.DataFrame) -> pd.Series:
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


def _match_alliance_means(rng, model, plan, ratings) -> None:
    """Bump single item responses until each group's alliance mean hits its target.

    Only the lowest quarter of each group's scorers is moved, so the bulk of
    the distribution (and the ranks the nonparametric tests use) stays as drawn.
    """
    utilization = plan["utilization"].to_numpy()
    person = ratings["person"].to_numpy()
    for group in GROUPS:
        target = model.groups[group].alliance_mean
        floor = model.groups[group].alliance_min
        in_group = utilization[person] == group
        if not in_group.any():
            continue
        for column in ("wai_bond", "wai_goals"):
            values = ratings[column].to_numpy().copy()
            values[in_group & (values > 0)] = np.maximum(values[in_group & (values > 0)], floor)
            ratings[column] = values
        lowest = _alliance_by_person(ratings[in_group]).idxmin()
        for column in ("wai_bond", "wai_goals"):
            ratings.loc[(person == lowest) & (ratings[column] > 0).to_numpy(), column] = floor
        whole_group, in_group = in_group, in_group & (person != lowest)
        for _ in range(60):
            scores = _alliance_by_person(ratings[whole_group])
            gap = target - scores.mean()
            if abs(gap) < 0.0005 or len(scores) == 0:
                break
            step = 1 if gap > 0 else -1
            column = "wai_bond" if rng.random() < 0.5 else "wai_goals"
            values = ratings[column].to_numpy().copy()
            # move the tail, not the bulk: only the group's lowest quarter of scorers
            low = scores.index[scores <= scores.quantile(0.25)].to_numpy()
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


def _followup_who5(rng, model, plan, alliance, matched) -> np.ndarray:
    """Follow-up WHO-5 totals for people who completed assessments."""
    n = len(plan)
    base = plan["who5_baseline"].to_numpy().astype(float)
    follow = np.clip(
        base + rng.normal(model.negative_change_mean, model.negative_change_sd, n), 0, 100
    )
    positive = (base <= 28) & (plan["fate"].to_numpy() == "analysed")
    rows = np.flatnonzero(positive)
    if len(rows):
        predicted = _table2_prediction(model, plan.iloc[rows], alliance[rows])
        shift = _group_shifts(model, plan.iloc[rows], predicted)
        residual = _skewed(rng, len(rows), model.followup_residual_sd, model.followup_residual_skew)
        mean = predicted + shift
        if matched:
            follow[rows] = _matched_followup(
                rng, model, plan.iloc[rows], alliance[rows], mean, residual
            )
        else:
            follow[rows] = mean + residual
    return (np.clip(np.round(follow / 4), 0, 25) * 4).astype(np.int64)


def _table2_prediction(model, people, alliance) -> np.ndarray:
    return (
        model.followup_intercept
        + model.followup_age * people["age"].to_numpy()
        + model.followup_male * (people["sex"].to_numpy() == "male")
        + model.followup_time_in_care * people["time_in_care_days"].to_numpy()
        + model.followup_baseline * people["who5_baseline"].to_numpy()
        + model.followup_alliance * alliance
    )


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
        for group in GROUPS:  # each type's mean change back on target
            rows = utilization == group
            moved = rows & free
            if moved.any():
                wanted = (base[rows].mean() + model.groups[group].change) * rows.sum()
                trial[moved] += (wanted - trial[rows].sum()) / moved.sum()
        return np.clip(np.round(trial / 4), 0, 25) * 4

    def cohen_d(factor: float) -> float:
        trial = values(factor)
        pooled = np.sqrt((base.var(ddof=1) + trial.var(ddof=1)) / 2)
        return (trial - base).mean() / pooled

    low, high = 0.0, 6.0
    for _ in range(40):
        middle = (low + high) / 2
        if cohen_d(middle) > model.followup_cohen_d:
            low = middle  # d too large: spread more
        else:
            high = middle
    return values((low + high) / 2)[free]


def _group_shifts(model, people, predicted) -> np.ndarray:
    """Shifts that give each utilization type its published mean change (in expectation)."""
    utilization = people["utilization"].to_numpy()
    base = people["who5_baseline"].to_numpy()
    shift = np.zeros(len(people))
    for group in GROUPS:
        rows = utilization == group
        if rows.any():
            wanted = base[rows].mean() + model.groups[group].change
            shift[rows] = wanted - predicted[rows].mean()
    return shift


def _skewed(rng, n: int, sd: float, skew_shape: float) -> np.ndarray:
    """Zero-mean, right-skewed noise with the given SD (a centred gamma)."""
    draws = rng.gamma(skew_shape, 1.0, n)
    return (draws - skew_shape) / np.sqrt(skew_shape) * sd


def _matched_followup(rng, model, people, alliance, mean, residual) -> np.ndarray:
    """Follow-up WHO-5 whose complete-case OLS returns Table 2's coefficients.

    The residual is made orthogonal to the Table 2 predictors and to the
    moderation products, scaled to the model's residual SD, then the values
    are rounded to WHO-5 steps; a few correction passes absorb the rounding.
    People with sex missing (outside the complete cases) then bring each
    utilization type's mean change to its target.
    """
    complete = people["sex"].notna().to_numpy()
    age = people["age"].to_numpy().astype(float)
    male = (people["sex"].to_numpy() == "male").astype(float)
    care = people["time_in_care_days"].to_numpy().astype(float)
    base = people["who5_baseline"].to_numpy().astype(float)
    sessions = people["n_sessions"].to_numpy().astype(float)
    utilization = people["utilization"].to_numpy()
    coaching = (utilization == "coaching").astype(float)
    both = (utilization == "both").astype(float)
    design = np.column_stack([np.ones(len(people)), age, male, care, base, alliance])
    beta = np.array(
        [
            model.followup_intercept,
            model.followup_age,
            model.followup_male,
            model.followup_time_in_care,
            model.followup_baseline,
            model.followup_alliance,
        ]
    )
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
    values = np.clip(np.round(target / 4), 0, 25) * 4
    # absorb rounding and clipping into the coefficients; the rounding lattice
    # makes the iteration wander, so keep the values whose fit is closest
    scale = np.sqrt(np.diag(inverse)) * sd  # about the standard errors
    best, best_error = values, np.inf
    for _ in range(40):
        fitted = inverse @ design[complete].T @ values
        error = np.max(np.abs(fitted - beta) / scale)
        if error < best_error:
            best, best_error = values, error
        target = target + design[complete] @ (beta - fitted)
        values = np.clip(np.round(target / 4), 0, 25) * 4
    values = best.copy()
    # then move single people one WHO-5 step while that brings the fit closer
    effect = (inverse @ design[complete].T) / scale[:, None]  # coefficient change per point
    error = (inverse @ design[complete].T @ values - beta) / scale
    for _ in range(500):
        candidates = []
        for step in (4.0, -4.0):
            allowed = (values + step >= 0) & (values + step <= 100)
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
    for group in GROUPS:  # exact group change sums through the people outside complete cases
        rows = np.flatnonzero(utilization == group)
        free = np.flatnonzero((utilization == group) & ~complete)
        if len(free) == 0:
            continue
        wanted = round((base[rows].mean() + model.groups[group].change) * len(rows) / 4)
        for _ in range(400):
            gap = wanted - int(follow[rows].sum() // 4)
            if gap == 0:
                break
            step = 4 if gap > 0 else -4
            movable = free[(follow[free] + step >= 0) & (follow[free] + step <= 100)]
            if len(movable) == 0:
                break
            chosen = rng.choice(movable, size=min(abs(gap), len(movable)), replace=False)
            follow[chosen] += step
    return follow


# ---------------------------------------------------------------------------
# Rendering events
# ---------------------------------------------------------------------------


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

    ratings = _draw_ratings(rng, model, plan, sessions, mode == "matched")
    alliance = np.full(n, np.nan)
    scores = _alliance_by_person(ratings)
    alliance[scores.index.to_numpy()] = scores.to_numpy()
    plan["alliance_score"] = alliance
    plan["who5_followup"] = _followup_who5(
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
    rows.append((early, baseline_day[early] + rng.integers(1, 7, len(early)), follow[early]))
    # decoys: an older assessment before the baseline, and one between sessions
    older = people[(rng.random(n) < 0.2) & ~no_base]  # would become a baseline
    rows.append((older, baseline_day[older] - rng.integers(1, 90, len(older)), base[older]))
    between = people[(care >= 2) & (rng.random(n) < 0.1) & (fate != "no_baseline")]
    rows.append(
        (
            between,
            first[between] + 1 + rng.integers(0, care[between] - 1),
            np.clip(base[between] + 4, 0, 100),
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
    raw = totals // 4
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
    age[young] = np.where(rng.random(len(young)) < 0.6, rng.integers(16, 18, len(young)), None)
    first_contact = np.minimum(
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


# ---------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------


def generate(
    seed: int = 20221,
    registrants: int | None = None,
    mode: str = "matched",
    model: PopulationModel | None = None,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Generate a synthetic raw data set in memory.

    Parameters
    ----------
    seed : int
        Seed of the one random generator used.
    registrants : int, optional
        Scale: number of registrants. Fates are split in the default model's
        proportions. Default: the model's (6,500, which gives the paper's
        5,985 completed and 3,087 analysed).
    mode : {"matched", "sample"}
        See the module docstring.
    model : PopulationModel, optional
        The population; default :class:`PopulationModel()`.

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        The four raw tables.
    plan : pandas.DataFrame
        One row per registrant: fate and planned derived values (the truth
        the derivation must return). Contains identifiers: never publish it.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValueError(f"seed: expected an integer, got {seed!r}")
    model = model or PopulationModel()
    if registrants is not None:
        model = _rescaled(model, registrants)
    rng = np.random.default_rng(seed)
    plan = plan_people(model, rng, mode)
    tables = render_raw(model, plan, rng, mode)
    return tables, plan


def _rescaled(model: PopulationModel, registrants: int) -> PopulationModel:
    if isinstance(registrants, bool) or not isinstance(registrants, int) or registrants < 10:
        raise ValueError(
            f"registrants: expected a whole number of at least 10, got {registrants!r}"
        )
    counts = _exact_counts(registrants, np.array([model.fates[f] for f in FATES], dtype=float))
    return dataclasses.replace(
        model, registrants=registrants, fates=dict(zip(FATES, counts.tolist(), strict=True))
    )


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
    (directory / "SYNTHETIC.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return directory


def make_dataset(
    directory: str | Path,
    seed: int = 20221,
    registrants: int | None = None,
    mode: str = "matched",
) -> Path:
    """Generate a synthetic raw data directory and write it, with its manifest.

    Parameters
    ----------
    directory : str or pathlib.Path
        Where to write ``participants.csv`` … ``who5_assessments.csv`` and
        ``SYNTHETIC.json``.
    seed, registrants, mode
        As in :func:`generate`.

    Returns
    -------
    pathlib.Path
        The directory.

    Examples
    --------
    .. code-block:: python

        make_dataset("data/synthetic")  # the bundled data set
        make_dataset("/tmp/big", seed=7, registrants=650_000, mode="sample")
    """
    model = PopulationModel()
    if registrants is not None:
        model = _rescaled(model, registrants)
    tables, _ = generate(seed=seed, mode=mode, model=model)
    manifest = {
        "synthetic": True,
        "warning": (
            "SYNTHETIC DATA calibrated to the numbers printed in Sagui-Henson et al. (2022). "
            "Not study data: agreement with the paper checks the pipeline, it is not evidence."
        ),
        "generator": "helpers.synthetic",
        "seed": seed,
        "mode": mode,
        "registrants": model.registrants,
        "model": model.to_dict(),
    }
    return write_raw(tables, directory, manifest)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m helpers.synthetic OUT [--seed N] [--registrants N] [--mode M]``."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m helpers.synthetic",
        description="Write SYNTHETIC raw data calibrated to Sagui-Henson et al. (2022).",
    )
    parser.add_argument("out", type=Path, help="output directory")
    parser.add_argument("--seed", type=int, default=20221, help="random seed (default 20221)")
    parser.add_argument(
        "--registrants", type=int, default=None, help="scale (default 6500, the paper's flow)"
    )
    parser.add_argument("--mode", choices=MODES, default="matched", help="default: matched")
    arguments = parser.parse_args(argv)
    path = make_dataset(arguments.out, arguments.seed, arguments.registrants, arguments.mode)
    print(f"wrote synthetic raw data ({arguments.mode}, seed {arguments.seed}) to {path}")
    return 0
