"""What Table 2's regression estimates in the simulated population, and its analytic power.

The generator draws follow-up WHO-5 from a linear predictor whose alliance
coefficient is a *parameter* :math:`b` (the paper's 2.04), plus each
utilization type's shift and a skewed residual, rounded to the WHO-5's steps
of 4 within 0–100 (:mod:`helpers.synthetic.outcome`). Table 2's model leaves
out utilization type, and the steps bend the line at the floor, so the
coefficient the regression estimates — the *estimand* — is not :math:`b`. In
a population of complete cases with design :math:`\\tilde X = [1, X]` it is the
population least-squares coefficient

.. math::

    \\beta^* = (\\tilde X^\\top \\tilde X)^{-1} \\tilde X^\\top \\mathrm E[y \\mid X],
    \\qquad
    \\mathrm E[y \\mid x] = 4 \\sum_{k=1}^{25} \\Pr(y \\ge 4k)
    = 4 \\sum_{k=1}^{25} \\bigl(1 - F_\\varepsilon(4k - 2 - \\mu(x))\\bigr),

computed exactly from the residual's gamma law (no simulation). Power, type S
and type M errors are judged against :math:`\\beta^*`, and the analytic power of
the two-sided t-test at :math:`n` uses the noncentral t with
:math:`\\delta = \\beta^* / \\mathrm{se}(n)`,
:math:`\\mathrm{se}(n) = \\sigma^* \\sqrt{[(\\tilde X^\\top \\tilde X / N)^{-1}]_{aa} / n}`,
:math:`\\sigma^{*2}` the mean conditional variance plus the mean squared gap
between :math:`\\mathrm E[y \\mid x]` and the population line (Gelman & Carlin,
2014, for the type S and M errors of that design).

References
----------
Gelman, A., & Carlin, J. (2014). Beyond power calculations: Assessing type S
(sign) and type M (magnitude) errors. *Perspectives on Psychological Science*,
9(6), 641-651.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from helpers.design import UTILIZATION_TYPES, WHO5_MAX, WHO5_STEP
from helpers.synthetic import outcome

__all__ = [
    "Estimand",
    "analytic_power",
    "describe_sample_size",
    "estimand",
    "sample_size_for_power",
    "step_moments",
]


@dataclass(frozen=True)
class Estimand:
    """The alliance coefficient Table 2's model estimates in a population, and why it differs.

    Attributes
    ----------
    parameter : float
        The generator's alliance coefficient :math:`b`.
    linear : float
        What the regression would estimate without the WHO-5's steps (the
        utilization shifts alone): ``linear - parameter`` is their share.
    value : float
        The estimand :math:`\\beta^*`, steps and floor included.
    residual_sd : float
        :math:`\\sigma^*`, the SD of follow-up around the population line.
    unit_se : float
        :math:`\\mathrm{se}(n) \\sqrt{n}`: the alliance coefficient's standard
        error at :math:`n = 1`.
    n_terms : int
        Coefficients of the model, intercept included (for the t-test's df).
    """

    parameter: float
    linear: float
    value: float
    residual_sd: float
    unit_se: float
    n_terms: int


def step_moments(expected: np.ndarray, shape: float, sd: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of ``to_who5_steps(expected + e)``, with ``e`` the centred gamma residual.

    Parameters
    ----------
    expected : numpy.ndarray
        Each person's expected follow-up before rounding, :math:`\\mu(x)`.
    shape, sd : float
        The residual's gamma shape and SD (``followup_residual_skew``,
        ``followup_residual_sd``).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        :math:`\\mathrm E[y]` and :math:`\\mathrm{Var}[y]` per person, exact.

    Examples
    --------
    >>> mean, var = step_moments(np.array([51.0, -30.0]), shape=4.0, sd=1e-9)
    >>> mean.tolist(), var.round(9).tolist()
    ([52.0, 0.0], [0.0, 0.0])
    """
    if shape <= 0 or sd <= 0:
        raise ValueError(f"step_moments: shape and sd must be positive, got {shape}, {sd}")
    expected = np.asarray(expected, dtype=float)
    steps = np.arange(1, WHO5_MAX // WHO5_STEP + 1) * WHO5_STEP  # 4, 8, …, 100
    # P(y >= s) = P(expected + e >= s - 2) = 1 - F_gamma(k + (s - 2 - expected) sqrt(k) / sd)
    bounds = shape + (steps[None, :] - WHO5_STEP / 2 - expected[:, None]) * np.sqrt(shape) / sd
    at_least = stats.gamma.sf(bounds, shape)
    mean = WHO5_STEP * at_least.sum(axis=1)
    # E[y^2] = sum_s (s^2 - (s - 4)^2) P(y >= s)
    square = ((steps**2 - (steps - WHO5_STEP) ** 2)[None, :] * at_least).sum(axis=1)
    return mean, np.maximum(square - mean**2, 0.0)


def estimand(population, effect: float) -> Estimand:
    """The alliance coefficient Table 2's model estimates in ``population``, for parameter b.

    Parameters
    ----------
    population : helpers.whatif.simulate.Population
        The simulated population (its complete cases and their utilization).
    effect : float
        The generator's alliance coefficient.

    Returns
    -------
    Estimand
    """
    x = population.aim3
    if len(x) <= x.shape[1] + 1:
        raise ValueError(f"estimand: {len(x)} complete cases cannot fit {x.shape[1] + 1} terms")
    model = population.model
    utilization = np.asarray(UTILIZATION_TYPES)[population.aim3_utilization]
    mu = outcome.expected_followup(model, x, utilization, effect)
    mean, variance = step_moments(mu, model.followup_residual_skew, model.followup_residual_sd)
    design = np.column_stack([np.ones(len(x)), x])
    linear = np.linalg.lstsq(design, mu, rcond=None)[0]
    value = np.linalg.lstsq(design, mean, rcond=None)[0]
    gap = mean - design @ value
    residual_sd = float(np.sqrt(variance.mean() + np.mean(gap**2)))
    inverse = np.linalg.inv(design.T @ design / len(x))
    return Estimand(
        parameter=float(effect),
        linear=float(linear[-1]),
        value=float(value[-1]),
        residual_sd=residual_sd,
        unit_se=float(residual_sd * np.sqrt(inverse[-1, -1])),
        n_terms=design.shape[1],
    )


def analytic_power(truth: Estimand, n, alpha: float = 0.05) -> np.ndarray:
    """Power of the two-sided t-test of the alliance coefficient at ``n`` complete cases.

    The noncentral t with :math:`n - p` degrees of freedom and noncentrality
    :math:`\\beta^* \\sqrt n / (\\mathrm{se}(1))`; the design is taken as fixed at
    the population's (a random sample's design adds a little variance, of
    order :math:`p / n`).

    Examples
    --------
    >>> truth = Estimand(2.0, 2.0, 0.0, 1.0, 1.0, 2)
    >>> round(float(analytic_power(truth, 100, 0.05)[0]), 9)  # no effect: the test's size
    0.05
    """
    n = np.atleast_1d(np.asarray(n, dtype=float))
    if (n <= truth.n_terms).any():
        raise ValueError(f"analytic_power: n must exceed {truth.n_terms}")
    df = n - truth.n_terms
    critical = stats.t.ppf(1 - alpha / 2, df)
    delta = truth.value * np.sqrt(n) / truth.unit_se
    return stats.nct.sf(critical, df, delta) + stats.nct.cdf(-critical, df, delta)


def sample_size_for_power(
    curve: pd.DataFrame, target: float = 0.8, *, draws: int = 2000, seed: int = 0
) -> dict:
    """The n at which a simulated power curve reaches ``target``, with its Monte Carlo interval.

    Power is interpolated between the two grid sizes that bracket the target
    on the scale where it is near-linear: :math:`\\Phi^{-1}(\\text{power})`
    against :math:`\\sqrt n` (for a z-test it is exactly
    :math:`\\delta_1 \\sqrt n - z_{1-\\alpha/2}` away from 0). The interval
    re-draws each grid point's power from its binomial Monte Carlo law
    ``draws`` times (seeded) and interpolates each time.

    Parameters
    ----------
    curve : pandas.DataFrame
        ``n``, ``power`` and ``replicates`` of one true effect.
    target : float
    draws : int
        Re-drawn curves for the interval.
    seed : int

    Returns
    -------
    dict
        ``n`` (NaN when the curve never reaches the target), ``low`` and
        ``high`` (2.5% and 97.5% of the re-drawn answers; ``inf`` when some
        re-drawn curves never reach the target), ``beyond`` (the share of
        re-drawn curves that never do) and ``largest`` (the grid's largest n).
    """
    if not 0 < target < 1:
        raise ValueError(f"sample_size_for_power: target must lie in (0, 1), got {target}")
    ordered = curve.sort_values("n")
    n = ordered["n"].to_numpy(float)
    power = ordered["power"].to_numpy(float)
    replicates = ordered["replicates"].to_numpy(int)
    rng = np.random.default_rng(seed)
    redrawn = rng.binomial(replicates, power, size=(draws, len(n))) / replicates
    answers = np.array([_crossing(n, row, target) for row in redrawn])
    finite = np.where(np.isnan(answers), np.inf, answers)
    low, high = np.quantile(finite, [0.025, 0.975], method="inverted_cdf")  # inf stays inf
    return {
        "n": _crossing(n, power, target),
        "low": float(low),
        "high": float(high),
        "beyond": float(np.isnan(answers).mean()),
        "largest": float(n[-1]),
    }


def _crossing(n: np.ndarray, power: np.ndarray, target: float) -> float:
    above = np.flatnonzero(power >= target)
    if not len(above):
        return float("nan")
    first = above[0]
    if first == 0:
        return float(n[0])
    # probit of power against sqrt(n); powers of 0 and 1 are clipped to keep it finite
    z = stats.norm.ppf(np.clip(power[first - 1 : first + 1], 1e-6, 1 - 1e-6))
    s = np.sqrt(n[first - 1 : first + 1])
    goal = stats.norm.ppf(target)
    root = s[0] + (goal - z[0]) * (s[1] - s[0]) / (z[1] - z[0]) if z[1] != z[0] else s[1]
    return float(root**2)


def describe_sample_size(found: dict) -> str:
    """:func:`sample_size_for_power`'s answer in words, with its Monte Carlo interval.

    Examples
    --------
    >>> describe_sample_size({"n": 1139.4, "low": 1101.0, "high": 1180.2, "beyond": 0.0,
    ...                       "largest": 5000.0})
    'about 1,139 (Monte Carlo 95% interval 1,101–1,180)'
    >>> describe_sample_size({"n": 4900.0, "low": 4650.0, "high": float("inf"), "beyond": 0.3,
    ...                       "largest": 5000.0})
    'about 4,900 (Monte Carlo 95% interval 4,650 to more than 5,000)'
    >>> describe_sample_size({"n": float("nan"), "low": float("inf"), "high": float("inf"),
    ...                       "beyond": 1.0, "largest": 5000.0})
    'more than 5,000'
    """
    largest = f"more than {found['largest']:,.0f}"
    if np.isnan(found["n"]):
        return largest
    high = largest if np.isinf(found["high"]) else f"{found['high']:,.0f}"
    low = largest if np.isinf(found["low"]) else f"{found['low']:,.0f}"
    joiner = " to " if np.isinf(found["high"]) else "–"
    return f"about {found['n']:,.0f} (Monte Carlo 95% interval {low}{joiner}{high})"
