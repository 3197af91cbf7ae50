"""What Table 2's regression estimates in the simulated population, and its analytic power.

The estimand is checked against brute force (the simulated studies' mean
estimate at a large n), the analytic power against simulated power within
Monte Carlo error at a few grid points, and the sample size for 80% power
against a curve whose answer is known exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.synthetic import outcome
from helpers.whatif import simulate
from helpers.whatif.estimand import (
    Estimand,
    analytic_power,
    estimand,
    sample_size_for_power,
    step_moments,
)

PAPER_B = 2.04


@pytest.fixture(scope="module")
def population():
    return simulate.population(seed=7, scale=2)


@pytest.fixture(scope="module")
def truth(population) -> Estimand:
    return estimand(population, PAPER_B)


def test_step_moments_equal_the_mean_and_variance_of_many_draws():
    rng = np.random.default_rng(3)
    expected = np.array([-5.0, 3.0, 30.0, 61.0, 99.0])
    shape, sd = 4.0, 17.0
    residuals = outcome.centred_gamma(rng.standard_gamma(shape, (5, 400_000)), shape, sd)
    draws = outcome.to_who5_steps(expected[:, None] + residuals)
    mean, variance = step_moments(expected, shape, sd)
    # 400,000 draws: the mean's SD is at most 17 / sqrt(400,000) = 0.027; allow 4.5 of them
    np.testing.assert_allclose(mean, draws.mean(axis=1), atol=0.12)
    np.testing.assert_allclose(variance, draws.var(axis=1), rtol=0.01)
    with pytest.raises(ValueError, match="positive"):
        step_moments(expected, 0.0, sd)


def test_the_estimand_is_what_the_simulated_studies_estimate_on_average(population, truth):
    # 2,000 studies of 2,000 people: the mean estimate's SE is about 1.3 / sqrt(2000) x 0.6
    runs = simulate.simulate_aim3(population, 2000, PAPER_B, 2000, seed=21)
    standard_error = runs["b"].std() / np.sqrt(len(runs))
    assert abs(runs["b"].mean() - truth.value) < 4 * standard_error


def test_the_gap_splits_into_the_omitted_shifts_and_the_steps(truth):
    assert truth.parameter == PAPER_B
    assert truth.linear < truth.parameter  # the provider-type shifts Table 2 leaves out
    assert truth.value < truth.linear  # the floor at WHO-5 = 0 flattens the line
    assert truth.n_terms == len(simulate.AIM3_TERMS) + 1


@pytest.mark.parametrize("n", [200, 675, 1500])
def test_analytic_power_agrees_with_simulated_power_within_monte_carlo_error(population, truth, n):
    replicates = 2000
    runs = simulate.simulate_aim3(population, n, PAPER_B, replicates, seed=n)
    simulated = (runs["p"] < 0.05).mean()
    analytic = float(analytic_power(truth, n)[0])
    monte_carlo = np.sqrt(analytic * (1 - analytic) / replicates)
    assert abs(simulated - analytic) < 3 * monte_carlo, (simulated, analytic)


def test_analytic_power_of_no_effect_is_the_size_and_small_n_is_refused(truth):
    none = Estimand(0.0, 0.0, 0.0, truth.residual_sd, truth.unit_se, truth.n_terms)
    np.testing.assert_allclose(analytic_power(none, [50, 500], 0.05), 0.05)
    with pytest.raises(ValueError, match="exceed"):
        analytic_power(truth, truth.n_terms)


def _probit_curve(sizes, slope=0.06, replicates=10**9):
    """Power exactly Phi(slope sqrt(n) - 1.96): the n for a power p is ((z_p + 1.96) / slope)^2."""
    sizes = np.asarray(sizes, dtype=float)
    power = stats.norm.cdf(slope * np.sqrt(sizes) - 1.959964)
    return pd.DataFrame({"n": sizes, "power": power, "replicates": replicates})


def test_sample_size_is_interpolated_where_power_is_linear():
    curve = _probit_curve([200, 400, 1000, 3000])
    exact = ((stats.norm.ppf(0.8) + 1.959964) / 0.06) ** 2
    found = sample_size_for_power(curve, 0.8)
    assert found["n"] == pytest.approx(exact, rel=1e-6)
    # a straight line between the same points overshoots
    n0, n1 = 1000, 3000
    p0, p1 = curve["power"].iloc[2], curve["power"].iloc[3]
    straight = n0 + (0.8 - p0) * (n1 - n0) / (p1 - p0)
    assert straight > 1.02 * exact
    assert found["low"] == pytest.approx(exact, rel=1e-3)  # 10^9 replicates: no MC error


def test_sample_size_interval_widens_with_monte_carlo_error_and_says_when_beyond_the_grid():
    # slope 0.08: 80% power at n = ((0.8416 + 1.96) / 0.08)^2 = 1,227
    curve = _probit_curve([200, 400, 1000, 2000], slope=0.08, replicates=2000)
    found = sample_size_for_power(curve, 0.8, seed=1)
    assert found["low"] < found["n"] < found["high"]
    assert found["beyond"] == 0.0
    short = _probit_curve([200, 400, 800, 1240], slope=0.08, replicates=500)  # 80% at the end
    answer = sample_size_for_power(short, 0.8, seed=1)
    assert 0 < answer["beyond"] < 1 and answer["high"] == np.inf
    never = sample_size_for_power(_probit_curve([100, 200]), 0.8)
    assert np.isnan(never["n"]) and never["beyond"] == 1.0
    with pytest.raises(ValueError, match="target"):
        sample_size_for_power(curve, 1.5)


def test_power_table_judges_type_m_against_the_estimand():
    runs = pd.DataFrame({"n": 10, "effect": 2.0, "b": [2.0, 4.0, 1.0], "p": [0.01, 0.01, 0.5]})
    table = simulate.power_table(runs, truth={2.0: 1.5})
    assert table["estimand"].tolist() == [1.5]
    assert table["type_m"].iloc[0] == pytest.approx(3.0 / 1.5)
