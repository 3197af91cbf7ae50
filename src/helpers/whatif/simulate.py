"""Simulate the study many times: power, type S and type M errors, vectorized.

The population comes from the synthetic generator's ``sample`` mode
(:func:`helpers.synthetic.generate`): its planned people, which the test suite
shows equal what the cohort derivation returns from the rendered raw data. A
simulated study draws ``n`` people from that population with replacement and
re-draws what the analysis tests:

* **Aim 3.** Follow-up WHO-5 from the generator's own outcome model
  (:mod:`helpers.synthetic.outcome`, the functions the generator calls): the
  Table 2 linear predictor with the alliance coefficient set to the *true
  effect*, the utilization shifts that give each group its mean change, the
  centred-gamma residual, and rounding to the WHO-5's steps of 4 within
  0-100. Only the gamma variates are drawn here (float32, all replicates at
  once); the law they go through is the generator's. Every replicate is then
  fitted by OLS, all replicates at once (:func:`helpers.whatif.batch.ols_batch`): no Python loop
  over model fits.
* **Aim 1.** Alliance scores keep their real link to utilization type and sex
  with probability ``effect`` and are otherwise drawn from a random person
  of the population, so ``effect = 1`` is the generator's group differences,
  ``0`` is none, and values between scale every group difference in
  stochastic superiority linearly. Kruskal-Wallis (utilization) and the
  Wilcoxon rank-sum test (sex) run vectorized with R's tie and continuity
  corrections.

Grids of (n, effect) run through joblib locally, or through a dask.distributed
scheduler when its address is given (:func:`sweep`); every grid point has its
own seed, so results do not depend on where or in which order it ran.

References
----------
Gelman, A., & Carlin, J. (2014). Beyond power calculations: Assessing type S
(sign) and type M (magnitude) errors. *Perspectives on Psychological Science*,
9(6), 641-651.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from helpers.design import UTILIZATION_TYPES, WHO5_CUTOFF
from helpers.synthetic import PopulationModel, generate, outcome
from helpers.synthetic.model import REGISTRANTS
from helpers.whatif.batch import kruskal_batch, ols_batch, wilcoxon_batch

__all__ = [
    "AIM3_TERMS",
    "Population",
    "draw_followup",
    "expected_followup",
    "population",
    "power_summary",
    "power_table",
    "simulate_aim1",
    "simulate_aim3",
    "sweep",
]

#: Table 2's predictors, in the order of the design matrix (after the intercept).
AIM3_TERMS = outcome.PREDICTORS
_CHUNK_CELLS = 100_000  # replicates x people per chunk: small enough to stay in cache


@dataclass(frozen=True)
class Population:
    """The simulated study's population: arrays only, no identifiers.

    Attributes
    ----------
    alliance, utilization, sex : numpy.ndarray
        Every analysed person: alliance score, utilization code (index into
        :data:`helpers.design.UTILIZATION_TYPES`), sex code (0 female, 1 male, -1 missing).
    aim3 : numpy.ndarray
        Screened-positive complete cases, columns :data:`AIM3_TERMS`.
    aim3_utilization : numpy.ndarray
        Their utilization codes.
    model : PopulationModel
        The generator's parameters.
    """

    alliance: np.ndarray
    utilization: np.ndarray
    sex: np.ndarray
    aim3: np.ndarray
    aim3_utilization: np.ndarray
    model: PopulationModel


def population(
    seed: int = 20221, scale: float = 10, model: PopulationModel | None = None
) -> Population:
    """Draw the population from the generator's ``sample`` mode.

    Parameters
    ----------
    seed : int
        The generator's seed.
    scale : float, default 10
        Size in multiples of the paper's (6,500 registrants, 3,087 analysed).
        Ten times gives about 6,750 aim 3 complete cases to draw studies from.
    model : PopulationModel, optional
        Default: the generator's calibration to the paper.
    """
    if scale <= 0:
        raise ValueError(f"population: scale must be positive, got {scale}")
    model = model or PopulationModel()
    registrants = round(REGISTRANTS * scale)
    _, plan = generate(seed=seed, registrants=registrants, mode="sample", model=model)
    people = plan.loc[plan["fate"] == "analysed"].drop(columns="participant_id")
    codes = {group: i for i, group in enumerate(UTILIZATION_TYPES)}
    sex = people["sex"].map({"female": 0, "male": 1}).fillna(-1).to_numpy(dtype=np.int8)
    positive = (people["who5_baseline"] <= WHO5_CUTOFF).to_numpy() & (sex >= 0)
    complete = people.loc[positive]
    return Population(
        alliance=people["alliance_score"].to_numpy(dtype=float),
        utilization=people["utilization"].map(codes).to_numpy(dtype=np.int8),
        sex=sex,
        aim3=outcome.design(complete, complete["alliance_score"].to_numpy()),
        aim3_utilization=complete["utilization"].map(codes).to_numpy(dtype=np.int8),
        model=model,
    )


def expected_followup(population: Population, effect: float) -> np.ndarray:
    """Each complete case's expected follow-up WHO-5 when the true alliance effect is ``effect``.

    The generator's :func:`helpers.synthetic.outcome.expected_followup`:
    Table 2's linear predictor plus the utilization shifts, computed over the
    population's complete cases.
    """
    utilization = np.asarray(UTILIZATION_TYPES)[population.aim3_utilization]
    return outcome.expected_followup(population.model, population.aim3, utilization, effect)


def draw_followup(
    rng: np.random.Generator, model: PopulationModel, expected: np.ndarray
) -> np.ndarray:
    """Follow-up WHO-5 totals around ``expected`` (any shape), one draw per value.

    The generator's residual law (:func:`helpers.synthetic.outcome.centred_gamma`)
    on float32 gamma variates drawn in one call, and its rounding to WHO-5 steps
    (:func:`helpers.synthetic.outcome.to_who5_steps`).
    """
    shape = model.followup_residual_skew
    draws = rng.standard_gamma(shape, expected.shape, dtype=np.float32)
    residual = outcome.centred_gamma(draws, shape, model.followup_residual_sd)
    return outcome.to_who5_steps(expected + residual)


def _chunks(replicates: int, n: int) -> list[int]:
    size = max(1, _CHUNK_CELLS // max(n, 1))
    return [min(size, replicates - start) for start in range(0, replicates, size)]


def simulate_aim3(
    population: Population, n: int, effect: float, replicates: int, seed: int
) -> pd.DataFrame:
    """Simulate the aim 3 study ``replicates`` times and fit Table 2's full model to each.

    Parameters
    ----------
    population : Population
    n : int
        Complete cases per study (the paper: 675).
    effect : float
        The true alliance coefficient (WHO-5 points per alliance point; the
        generator's calibration is the paper's 2.04).
    replicates : int
    seed : int

    Returns
    -------
    pandas.DataFrame
        One row per replicate: ``b``, ``se``, ``p`` of the alliance coefficient.
    """
    if n < len(AIM3_TERMS) + 2:
        raise ValueError(f"simulate_aim3: n must exceed {len(AIM3_TERMS) + 1}, got {n}")
    if replicates < 1:
        raise ValueError(f"simulate_aim3: replicates must be at least 1, got {replicates}")
    rng = np.random.default_rng(seed)
    # each person's expected follow-up: the Table 2 predictor plus their group's shift
    expected = expected_followup(population, effect)
    parts = []
    for size in _chunks(replicates, n):
        rows = rng.integers(0, len(population.aim3), size=(size, n))
        x = population.aim3[rows]
        y = draw_followup(rng, population.model, expected[rows])
        b, se, df = ols_batch(x, y)
        t = b[:, -1] / se[:, -1]
        parts.append(np.column_stack([b[:, -1], se[:, -1], 2 * stats.t.sf(np.abs(t), df)]))
    return pd.DataFrame(np.vstack(parts), columns=["b", "se", "p"])


def simulate_aim1(
    population: Population, n: int, effect: float, replicates: int, seed: int
) -> pd.DataFrame:
    """Simulate aim 1's group comparisons: Kruskal-Wallis by utilization, rank-sum by sex.

    Parameters
    ----------
    population : Population
    n : int
        Analysed people per study (the paper: 3,087). The sex test draws its
        own sample of people with sex recorded, ``n`` times their share of
        the population (the paper: 2,533).
    effect : float in [0, 1]
        Share of people whose alliance keeps its link to their group (see
        the module docstring); 1 is the generator's population.
    replicates, seed : int

    Returns
    -------
    pandas.DataFrame
        One row per replicate: ``H``, ``p_utilization``, ``W``, ``p_sex``.
    """
    if not 0 <= effect <= 1:
        raise ValueError(f"simulate_aim1: effect is a share in [0, 1], got {effect}")
    if n < 10 or replicates < 1:
        raise ValueError(f"simulate_aim1: need n >= 10 and replicates >= 1, got {n}, {replicates}")
    rng = np.random.default_rng(seed)
    size = len(population.alliance)
    known = np.flatnonzero(population.sex >= 0)
    n_sex = round(n * len(known) / size)
    parts = []
    for count in _chunks(replicates, n):
        people = rng.integers(0, size, size=(count, n))
        others = rng.integers(0, size, size=(count, n))
        keep = rng.random((count, n)) < effect
        alliance = np.where(keep, population.alliance[people], population.alliance[others])
        h, p_h = kruskal_batch(alliance, population.utilization[people], len(UTILIZATION_TYPES))
        # the sex test: a study's people with sex recorded, drawn from those of the population
        chosen = known[rng.integers(0, len(known), size=(count, n_sex))]
        substitutes = known[rng.integers(0, len(known), size=(count, n_sex))]
        keep = rng.random((count, n_sex)) < effect
        values = np.where(keep, population.alliance[chosen], population.alliance[substitutes])
        female = population.sex[chosen] == 0
        w, p_w = wilcoxon_batch(values, female)
        parts.append(np.column_stack([h, p_h, w, p_w]))
    return pd.DataFrame(np.vstack(parts), columns=["H", "p_utilization", "W", "p_sex"])


def power_summary(estimates: pd.Series, p: pd.Series, effect: float, alpha: float = 0.05) -> dict:
    """Power, and the type S and type M errors of the significant estimates.

    ``effect`` is the truth the estimates are judged against: for aim 3, what
    the fitted model estimates in the population
    (:func:`helpers.whatif.estimand.estimand`), not the generator's parameter.

    Returns
    -------
    dict
        ``power``: share with :math:`p < \\alpha`; ``type_s``: share of the
        significant estimates whose sign is opposite to the true effect;
        ``type_m``: mean :math:`|\\hat b| / |b|` over the significant
        estimates (the exaggeration ratio). Both are NaN for a true effect of 0.
    """
    significant = np.asarray(p) < alpha
    values = np.asarray(estimates)[significant]
    result = {"power": float(significant.mean()), "type_s": np.nan, "type_m": np.nan}
    if effect != 0 and len(values):
        result["type_s"] = float((np.sign(values) != np.sign(effect)).mean())
        result["type_m"] = float(np.mean(np.abs(values)) / abs(effect))
    return result


def power_table(
    runs: pd.DataFrame,
    p: str = "p",
    estimate: str | None = "b",
    alpha: float = 0.05,
    truth: Mapping[float, float] | None = None,
) -> pd.DataFrame:
    """Power (and type S and M errors when ``estimate`` is given) per ``n`` and ``effect``.

    Parameters
    ----------
    runs : pandas.DataFrame
        Replicates with ``n``, ``effect`` and the columns named by ``p`` and
        ``estimate`` (:func:`sweep`'s output).
    truth : mapping, optional
        For each effect (the generator's parameter), what the fitted model
        estimates in the population (:func:`helpers.whatif.estimand.estimand`):
        the type S and M errors are judged against it. Default: the effect.

    Returns
    -------
    pandas.DataFrame
        ``effect``, ``n``, ``replicates``, ``power``, its Monte Carlo
        standard error :math:`\\sqrt{p(1-p)/R}`, and ``type_s``, ``type_m``
        (with ``truth``, also ``estimand``).
    """
    rows = []
    for (effect, n), group in runs.groupby(["effect", "n"], sort=True):
        values = group[estimate] if estimate else pd.Series(np.ones(len(group)))
        reference = truth[effect] if truth is not None else effect
        summary = power_summary(values, group[p], reference, alpha)
        if estimate is None:
            summary = {"power": summary["power"]}
        rows.append(
            {
                "effect": effect,
                **({"estimand": reference} if truth is not None else {}),
                "n": int(n),
                "replicates": len(group),
                **summary,
                "power_se": float(np.sqrt(summary["power"] * (1 - summary["power"]) / len(group))),
            }
        )
    return pd.DataFrame(rows)


def _seed_of(seed: int, point: dict[str, Any]) -> int:
    text = repr((seed, sorted(point.items()))).encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "little")


def _run_point(
    simulate: Callable[..., pd.DataFrame], population: Population, point: dict, seed: int
) -> pd.DataFrame:
    frame = simulate(population, seed=_seed_of(seed, point), **point)
    return frame.assign(**{name: value for name, value in point.items() if name != "replicates"})


def sweep(
    simulate: Callable[..., pd.DataFrame],
    population: Population,
    grid: list[dict[str, Any]],
    seed: int,
    n_jobs: int = 1,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Run ``simulate`` at every grid point, locally with joblib or on a dask cluster.

    Parameters
    ----------
    simulate : callable
        :func:`simulate_aim3` or :func:`simulate_aim1`.
    population : Population
    grid : list of dict
        Keyword arguments per point (``n``, ``effect``, ``replicates``).
    seed : int
        Each point's seed is derived from this and the point itself, so the
        result is the same however the points are scheduled.
    n_jobs : int, default 1
        joblib workers (``-1`` for every core); ignored with a scheduler.
    scheduler : str, optional
        Address of a dask.distributed scheduler (``tcp://host:8786``); the
        population is sent to the workers once.

    Returns
    -------
    pandas.DataFrame
        Every replicate's row, with the grid point's ``n`` and ``effect``.
    """
    if not grid:
        raise ValueError("sweep: the grid is empty")
    if scheduler:
        from dask.distributed import Client

        with Client(scheduler) as client:
            shared = client.scatter(population, broadcast=True)
            futures = [
                client.submit(_run_point, simulate, shared, point, seed, pure=False)
                for point in grid
            ]
            frames = client.gather(futures)
    else:
        from joblib import Parallel, delayed

        frames = Parallel(n_jobs=n_jobs)(
            delayed(_run_point)(simulate, population, point, seed) for point in grid
        )
    return pd.concat(frames, ignore_index=True)
