"""Vectorized simulation of the study: error rates, power, sweeps, one outcome model.

The simulated follow-up WHO-5 is checked to come from the generator's own
outcome model; the batched statistics are tested in test_batch.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.design import WHO5_CUTOFF
from helpers.synthetic import PopulationModel, generate, outcome
from helpers.whatif import simulate
from locations import R_VALUES, STATS_COHORT

COHORT = pd.read_csv(STATS_COHORT)
R = pd.read_csv(R_VALUES).set_index("name")["value"]
PRECISION = {"rel": 1e-9, "abs": 1e-12}
TERMS = ["intercept", *simulate.AIM3_TERMS]


POPULATION_SEED, POPULATION_SCALE = 7, 2


@pytest.fixture(scope="module")
def population():
    return simulate.population(seed=POPULATION_SEED, scale=POPULATION_SCALE)


def test_no_effect_gives_the_nominal_error_rate(population):
    # 4,000 replicates: the rate of p < .05 has SD sqrt(.05 x .95 / 4000) = .0034
    aim3 = simulate.simulate_aim3(population, n=675, effect=0.0, replicates=4000, seed=1)
    assert abs((aim3["p"] < 0.05).mean() - 0.05) < 4 * 0.0035
    aim1 = simulate.simulate_aim1(population, n=500, effect=0.0, replicates=2000, seed=2)
    for column in ("p_utilization", "p_sex"):
        assert abs((aim1[column] < 0.05).mean() - 0.05) < 4 * 0.0049, column


def test_power_grows_with_n_and_effect(population):
    power = {
        (n, effect): simulate.power_summary(
            (run := simulate.simulate_aim3(population, n, effect, 1500, seed=3))["b"],
            run["p"], effect,
        )["power"]
        for n in (300, 1500) for effect in (1.0, 3.0)
    }  # fmt: skip
    assert power[300, 1.0] < power[1500, 1.0] and power[300, 1.0] < power[300, 3.0]
    assert power[1500, 3.0] > 0.95


def test_a_seed_gives_the_same_replicates():
    population = simulate.population(seed=7, scale=1)
    one = simulate.simulate_aim3(population, 675, 2.04, 300, seed=11)
    assert one.equals(simulate.simulate_aim3(population, 675, 2.04, 300, seed=11))
    assert not one.equals(simulate.simulate_aim3(population, 675, 2.04, 300, seed=12))


def test_power_summary():
    summary = simulate.power_summary(
        pd.Series([3.0, -1.0, 0.5, 2.0]), pd.Series([0.01, 0.02, 0.5, 0.04]), effect=1.0
    )
    # three significant: 3, -1 and 2; one has the wrong sign; mean |b| = 2
    assert summary == {"power": 0.75, "type_s": pytest.approx(1 / 3), "type_m": 2.0}


def test_sweeps_give_the_same_result_wherever_they_run(population):
    grid = [{"n": n, "effect": 2.04, "replicates": 50} for n in (200, 400, 675)]
    serial = simulate.sweep(simulate.simulate_aim3, population, grid, seed=5)
    parallel = simulate.sweep(simulate.simulate_aim3, population, grid, seed=5, n_jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)
    assert sorted(serial["n"].unique()) == [200, 400, 675] and len(serial) == 150


def test_the_dask_path_on_a_local_cluster(population):
    from dask.distributed import LocalCluster

    grid = [{"n": n, "effect": 0.5, "replicates": 40} for n in (300, 900)]
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        on_cluster = simulate.sweep(
            simulate.simulate_aim1, population, grid, seed=9, scheduler=cluster.scheduler_address
        )
    pd.testing.assert_frame_equal(
        on_cluster, simulate.sweep(simulate.simulate_aim1, population, grid, seed=9)
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: simulate.simulate_aim3(p, 5, 1.0, 10, 1), "n must exceed"),
        (lambda p: simulate.simulate_aim3(p, 100, 1.0, 0, 1), "replicates"),
        (lambda p: simulate.simulate_aim1(p, 100, 1.5, 10, 1), r"share in \[0, 1\]"),
        (lambda p: simulate.sweep(simulate.simulate_aim3, p, [], 1), "grid is empty"),
        (lambda p: simulate.population(scale=0), "scale must be positive"),
    ],
)
def test_bad_input_is_refused(population, call, message):
    with pytest.raises(ValueError, match=message):
        call(population)


# --- one outcome model for the generator and the simulation -------------------------


def _se_mean(values: np.ndarray) -> float:
    return values.std() / np.sqrt(len(values))


def _se_sd(values: np.ndarray) -> float:
    """Large-sample SE of the SD: :math:`\\sqrt{(m_4 - s^4) / (4 n s^2)}`."""
    fourth = np.mean((values - values.mean()) ** 4)
    return np.sqrt((fourth - values.var() ** 2) / (4 * len(values) * values.var()))


def test_the_simulation_and_the_generator_share_one_outcome_model(population, monkeypatch):
    model = population.model
    effect = model.followup_alliance
    # the same coefficient function: both call helpers.synthetic.outcome.coefficients
    calls = []
    coefficients = outcome.coefficients

    def spy(model, alliance=None):
        calls.append(alliance)
        return coefficients(model, alliance)

    monkeypatch.setattr(outcome, "coefficients", spy)
    expected = simulate.expected_followup(population, effect)
    registrants = round(PopulationModel().registrants * POPULATION_SCALE)
    _, plan = generate(seed=POPULATION_SEED, registrants=registrants, mode="sample")
    assert calls == [effect, None]  # the simulation's true effect, then the generator's own
    np.testing.assert_array_equal(coefficients(model, effect), coefficients(model))

    # the same people: the population's complete cases are the plan's
    analysed = plan[plan["fate"] == "analysed"]
    positive = analysed[analysed["who5_baseline"] <= WHO5_CUTOFF]
    complete = positive[positive["sex"].notna()]
    x = outcome.design(complete, complete["alliance_score"])
    np.testing.assert_array_equal(x, population.aim3)
    # the same group shifts on them: the simulation's expectation is the generator's function
    utilization = complete["utilization"].to_numpy()
    np.testing.assert_array_equal(expected, outcome.expected_followup(model, x, utilization))
    predicted = outcome.linear_predictor(coefficients(model, effect), x)
    shifts = outcome.group_shifts(model, utilization, x[:, outcome.BASELINE], predicted)
    np.testing.assert_allclose(
        expected - predicted, shifts[outcome.utilization_codes(utilization)], rtol=1e-12, atol=1e-9
    )

    # the same residual law: the generator's follow-up around its own expectation (every
    # screened-positive person, as it draws them) against a large simulated draw around the
    # simulation's, both standardised by the model's residual SD (rounding and clipping included)
    generator_mean = outcome.expected_followup(
        model,
        outcome.design(positive, positive["alliance_score"]),
        positive["utilization"].to_numpy(),
    )
    drawn = (positive["who5_followup"].to_numpy() - generator_mean) / model.followup_residual_sd
    around = np.tile(expected, 30)
    simulated = (
        simulate.draw_followup(np.random.default_rng(1), model, around) - around
    ) / model.followup_residual_sd
    assert len(drawn) > 1500 and len(simulated) > 35_000
    # equal mean and SD within Monte Carlo error (4 standard errors of the difference)
    assert abs(drawn.mean() - simulated.mean()) < 4 * np.hypot(_se_mean(drawn), _se_mean(simulated))
    assert abs(drawn.std() - simulated.std()) < 4 * np.hypot(_se_sd(drawn), _se_sd(simulated))
    assert abs(simulated.std() - 1) < 0.05  # SD 18.3 points, plus the rounding to steps of 4
    # and the same distribution: a two-sample Kolmogorov-Smirnov test does not reject at .01
    assert stats.ks_2samp(drawn, simulated).pvalue > 0.01
