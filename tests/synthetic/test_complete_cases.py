"""Matched mode's fit of aim 3's complete cases to Table 2's SE ratios and the moderation SEs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.claims import table2_key
from helpers.data.cohort import derive_cohort
from helpers.data.rawdata import load_raw
from helpers.design import TABLE2_TERMS
from helpers.report.published import printed
from helpers.synthetic import targets
from helpers.synthetic.alliance import complete_case_gaps, se_ratio_gap
from helpers.synthetic.dataset import make_dataset
from helpers.synthetic.matched import RSS_FINE, _fine_rss, _rss
from helpers.synthetic.model import PopulationModel
from helpers.synthetic.plan import _tilt_complete_ages

_TABLE2 = "full model"


def _design(rng, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    utilization = rng.choice(["therapy", "coaching", "both"], n)
    design = np.column_stack(
        [
            np.ones(n),
            rng.normal(35, 8.5, n).round(),
            rng.random(n) < 0.28,
            rng.gamma(1, 56, n).round(),
            rng.integers(0, 8, n) * 4,
            np.clip(rng.normal(4.5, 0.68, n), 1, 5),
        ]
    ).astype(float)
    return design, utilization, rng.integers(1, 20, n).astype(float)


def test_se_ratio_gap_is_zero_at_the_printed_ratio_and_one_at_the_rounding_edge():
    se_sex = printed(table2_key("male", "se"), _TABLE2)
    centre = printed(table2_key("Intercept", "se"), _TABLE2)
    low, high = targets.printed_interval(table2_key("Intercept", "se"), _TABLE2)
    assert se_ratio_gap(centre / se_sex, "Intercept") == pytest.approx(0, abs=1e-12)
    assert se_ratio_gap(high / se_sex, "Intercept") == pytest.approx(1, abs=1e-3)
    assert se_ratio_gap(low / se_sex, "Intercept") == pytest.approx(-1, abs=1e-3)


def test_complete_case_gaps_do_not_depend_on_the_number_of_cases():
    design, utilization, sessions = _design(np.random.default_rng(3), 400)
    once = complete_case_gaps(design, utilization, sessions)
    twice = complete_case_gaps(
        np.vstack([design, design]), np.tile(utilization, 2), np.tile(sessions, 2)
    )
    assert once.shape == (6,)
    # Table 2's ratios exactly; the moderation SEs up to the n - 1 of the z-scoring
    np.testing.assert_allclose(twice[:2], once[:2], atol=1e-9)
    np.testing.assert_allclose(twice[2:], once[2:], atol=0.05)
    with pytest.raises(ValueError, match="expected more than"):
        complete_case_gaps(design[:5], utilization[:5], sessions[:5])


def test_fine_rss_lands_the_residual_ss_without_moving_the_watched_statistics():
    rng = np.random.default_rng(5)
    n = 300
    x = np.column_stack([np.ones(n), rng.normal(0, 1, (n, 2))])
    values = np.clip(np.round((50 + 17 * rng.normal(0, 1, n)) / 4), 0, 25) * 4
    statistic = np.linalg.inv(x.T @ x) @ x.T  # the coefficients
    half = np.full(3, 0.5)
    goal = statistic @ values
    target = _rss(x, values) * 1.002
    moved = _fine_rss(values, x, target, statistic / half[:, None], np.zeros(3))
    assert abs(_rss(x, moved) / target - 1) < RSS_FINE
    assert np.all(np.abs((statistic @ moved - goal) / half) <= 0.25 + 1e-9)
    assert np.all((moved % 4 == 0) & (moved >= 0) & (moved <= 100))


def test_the_age_tilt_keeps_each_cells_positives_and_baselines():
    rng = np.random.default_rng(11)
    n = 3000
    plan = pd.DataFrame(
        {
            "fate": np.where(rng.random(n) < 0.9, "analysed", "not_rated"),
            "utilization": rng.choice(["therapy", "coaching", "both"], n),
            "sex": rng.choice(np.array(["female", "male", None], dtype=object), n),
            "age": rng.normal(36, 9, n).round().astype(np.int64),
            "time_in_care_days": rng.gamma(1, 56, n).round().astype(np.int64),
            "who5_baseline": rng.integers(0, 26, n) * 4,
        }
    )
    before = plan.copy()
    _tilt_complete_ages(np.random.default_rng(1), PopulationModel(), plan)
    again = before.copy()
    _tilt_complete_ages(np.random.default_rng(1), PopulationModel(), again)
    pd.testing.assert_frame_equal(plan, again)  # a function of the seed
    cells = ["fate", "utilization", "sex"]
    for frame in (before, plan):
        frame["positive"] = frame["who5_baseline"] <= 28
    key = lambda f: f.groupby(cells, dropna=False)  # noqa: E731
    pd.testing.assert_series_equal(key(before)["positive"].sum(), key(plan)["positive"].sum())
    sort = lambda s: sorted(s)  # noqa: E731
    assert key(before)["who5_baseline"].agg(sort).equals(key(plan)["who5_baseline"].agg(sort))
    unchanged = before.drop(columns=["who5_baseline", "positive"])
    pd.testing.assert_frame_equal(unchanged, plan.drop(columns=["who5_baseline", "positive"]))


@pytest.fixture(scope="module")
def complete_cases(tmp_path_factory):
    directory = tmp_path_factory.mktemp("matched")
    make_dataset(directory, seed=20221, mode="matched")
    people = derive_cohort(load_raw(directory)).participants
    return people[people["screened_positive"] & people["sex"].notna()]


def test_matched_complete_cases_carry_the_printed_se_ratios(complete_cases):
    cc = complete_cases
    design = np.column_stack(
        [
            np.ones(len(cc)),
            cc["age"],
            cc["sex"] == "male",
            cc["time_in_care_days"],
            cc["who5_baseline"],
            cc["alliance_score"],
        ]
    ).astype(float)
    gaps = complete_case_gaps(design, cc["utilization"].to_numpy(), cc["n_sessions"].to_numpy())
    assert np.all(np.abs(gaps[2:]) <= 1), gaps  # the moderation SEs
    # one residual SD puts every Table 2 SE within its printed rounding
    root = np.sqrt(np.diag(np.linalg.inv(design.T @ design)))
    ranges = np.array(
        [targets.printed_interval(table2_key(term, "se"), _TABLE2) for term in TABLE2_TERMS]
    )
    assert (ranges[:, 0] / root).max() <= (ranges[:, 1] / root).min()
