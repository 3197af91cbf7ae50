"""Aim 3 regressions, pinned to R (tests/r/reference_values.R) on tests/fixtures/stats_cohort.csv.

The input is the derived cohort of the bundled SYNTHETIC data set (no ids).
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.stats.regression import (
    aim3_data,
    hierarchical_regression,
    moderation,
    ols,
    simple_slopes,
)
from locations import R_VALUES, STATS_COHORT

COHORT = pd.read_csv(STATS_COHORT, keep_default_na=True)
R = pd.read_csv(R_VALUES).set_index("name")["value"]
PRECISION = {"rel": 1e-9, "abs": 1e-12}
SHORT = {
    "Intercept": "intercept",
    "age": "age",
    "male": "male",
    "time_in_care_days": "time_in_care_days",
    "who5_baseline": "who5_baseline",
    "alliance_score": "alliance_score",
}


def r_value(name: str) -> float:
    """A value computed by R 4.2.2 (lm, confint, anova) on the same input."""
    return float(R[name])


@pytest.fixture(scope="module")
def data():
    return aim3_data(COHORT)


def test_complete_cases(data):
    assert len(data) == r_value("aim3_n")
    assert set(data["male"]) == {0.0, 1.0}


def test_table2_coefficients_match_lm(data):
    coefficients, _ = hierarchical_regression(data)
    step2 = coefficients[coefficients["step"] == 2].set_index("term")
    for term, short in SHORT.items():
        for column in ("b", "se", "ci_low", "ci_high", "beta"):
            expected = r_value(f"aim3_{short}_{column}")
            assert step2.loc[term, column] == pytest.approx(expected, **PRECISION), (term, column)
        assert step2.loc[term, "p"] == pytest.approx(r_value(f"aim3_{short}_p"), rel=1e-7)


def test_table2_models_match_lm_and_anova(data):
    _, models = hierarchical_regression(data)
    first, second = models.iloc[0], models.iloc[1]
    assert first["r2"] == pytest.approx(r_value("aim3_step1_r2"), **PRECISION)
    assert first["p"] == pytest.approx(r_value("aim3_step1_p"), rel=1e-7)
    assert second["r2"] == pytest.approx(r_value("aim3_step2_r2"), **PRECISION)
    assert second["F"] == pytest.approx(r_value("aim3_step2_F"), **PRECISION)
    assert second["delta_r2"] == pytest.approx(r_value("aim3_delta_r2"), **PRECISION)
    assert second["p_change"] == pytest.approx(r_value("aim3_delta_p"), rel=1e-7)


@pytest.mark.parametrize(
    ("moderator", "products"),
    [
        ("utilization", ["coaching", "both"]),
        ("who5_baseline", ["who5_baseline"]),
        ("n_sessions", ["n_sessions"]),
    ],
)
def test_moderation_matches_lm_on_scaled_data(data, moderator, products):
    interactions, model, _ = moderation(data, moderator)
    interactions = interactions.set_index("term")
    for product in products:
        key = f"aim3_mod_{moderator}_alliance_score_x_{product}"
        row = interactions.loc[f"alliance_score:{product}"]
        for column in ("b", "se", "ci_low", "ci_high"):
            assert row[column] == pytest.approx(r_value(f"{key}_{column}"), **PRECISION), column
        assert row["p"] == pytest.approx(r_value(f"{key}_p"), rel=1e-7)
    assert model["r2"] == pytest.approx(r_value(f"aim3_mod_{moderator}_r2"), **PRECISION)
    assert model["delta_r2"] == pytest.approx(
        r_value(f"aim3_mod_{moderator}_delta_r2"), **PRECISION
    )
    assert model["p_change"] == pytest.approx(r_value(f"aim3_mod_{moderator}_p_change"), rel=1e-7)


def test_standardized_beta_by_hand():
    frame = pd.DataFrame({"y": [1.0, 3.0, 2.0, 5.0], "x": [1.0, 2.0, 3.0, 4.0]})
    coefficients, _ = ols(frame, "y", ["x"])
    b = coefficients.loc[1, "b"]
    assert coefficients.loc[1, "beta"] == pytest.approx(b * frame["x"].std() / frame["y"].std())
    assert coefficients.loc[0, "beta"] == 0.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d: moderation(d, "age"), "moderator"),
        (lambda d: ols(d, "who5_followup", ["nope"]), "missing column"),
        (lambda d: ols(d.head(3), "who5_followup", ["age", "male", "who5_baseline"]), "more rows"),
        (lambda d: aim3_data(COHORT.drop(columns="sex")), "missing column"),
    ],
)
def test_bad_input_is_refused(data, call, message):
    with pytest.raises(ValueError, match=message):
        call(data)


def test_simple_slopes_add_the_interaction_to_the_focal_slope(data):
    _, _, coefficients = moderation(data, "who5_baseline")
    b = coefficients.set_index("term")["b"]
    slopes = simple_slopes(coefficients, "who5_baseline").set_index("level")["slope"]
    assert slopes["mean"] == pytest.approx(b["alliance_score"])
    assert slopes["+1 SD"] == pytest.approx(b["alliance_score"] + b["alliance_score:who5_baseline"])
    groups = simple_slopes(moderation(data, "utilization")[2], "utilization")
    assert list(groups["level"]) == ["therapy", "coaching", "both"]
