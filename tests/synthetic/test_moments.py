"""Matched mode's search for integers with a printed mean, SD, median and range."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.design import UTILIZATION_TYPES
from helpers.report.published import printed_values
from helpers.synthetic import PopulationModel
from helpers.synthetic.model import Moments
from helpers.synthetic.moments import integers_with_moments, joint_targets
from helpers.synthetic.plan import plan_people


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_integers_hit_mean_sd_median_and_range_at_printed_precision(seed):
    rng = np.random.default_rng(seed)
    target = Moments(129.36, 117.90, 7, 741, 91)
    care = np.where(rng.random(2003) < 0.3, 0, rng.gamma(1.0, 50.0, 2003).round())
    values = integers_with_moments(rng, care + rng.gamma(1.2, 80.0, 2003), target, care + 7)
    assert values.dtype == np.int64
    assert round(values.mean(), 2) == 129.36
    assert round(values.std(ddof=1), 2) == 117.90
    assert np.median(values) == 91
    assert (values.min(), values.max()) == (7, 741)
    assert np.all(values >= care + 7)


def test_fixed_elements_stay_and_the_result_is_a_function_of_the_seed():
    x = np.random.default_rng(0).gamma(1.0, 50.0, 600)
    floor = np.where(np.arange(600) < 100, 0, 1)
    ceiling = np.where(np.arange(600) < 100, 0, 303)
    target = Moments(50.01, 50.55, 0, 303, 36)
    first = integers_with_moments(np.random.default_rng(5), x, target, floor, ceiling)
    again = integers_with_moments(np.random.default_rng(5), x, target, floor, ceiling)
    assert np.array_equal(first, again)
    assert np.all(first[:100] == 0) and np.all(first[100:] >= 1)
    assert np.median(first) == 36 and round(first.std(ddof=1), 2) == 50.55
    with pytest.raises(ValueError, match="floor is above"):
        integers_with_moments(np.random.default_rng(5), x, target, ceiling + 1, ceiling)


def test_group_targets_pool_to_the_printed_total():
    # time in care: the three printed means pool to 51.887, the total prints 51.88
    sizes = {"therapy": 555, "coaching": 2003, "both": 529}
    groups = {
        "therapy": Moments(50.01, 50.55, 0, 303),
        "coaching": Moments(36.66, 52.51, 0, 337),
        "both": Moments(111.51, 80.72, 1, 351),
    }
    fitted = joint_targets(groups, sizes, Moments(51.88, 64.21, 0, 351))
    n = np.array(list(sizes.values()))
    sums = np.array([fitted[g].mean * sizes[g] for g in sizes])
    assert np.allclose(sums, sums.round())
    assert round(sums.sum() / n.sum(), 2) == 51.88
    for g in sizes:
        assert round(fitted[g].mean, 2) == groups[g].mean
        assert abs(fitted[g].sd - groups[g].sd) < 0.005


def test_changing_a_printed_group_mean_changes_the_generated_cohort(monkeypatch):
    monkeypatch.setitem(printed_values(), ("table1.sessions.mean", "therapy"), "5.25")
    monkeypatch.setitem(printed_values(), ("table1.followup_days.median", "both"), "190")
    plan = plan_people(PopulationModel(), np.random.default_rng(20221), "matched")
    analysed = plan[plan["fate"] == "analysed"]
    by_group = analysed.groupby("utilization")
    assert round(by_group["n_sessions"].mean()["therapy"], 2) == 5.25
    assert by_group["followup_days"].median()["both"] == 190
    assert set(by_group.groups) == set(UTILIZATION_TYPES)
