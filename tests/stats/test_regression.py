"""Aim 3 regressions, pinned to R (tests/r/reference_values.R) on tests/fixtures/stats_cohort.csv.

The input is the derived cohort of the bundled SYNTHETIC data set (no ids).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.stats.ols import aliased, ols
from helpers.stats.regression import (
    aim3_data,
    hierarchical_regression,
    interaction_sentence,
    moderation,
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
        (lambda d: ols(d.assign(age=float("nan")), "who5_followup", ["age"]), "complete cases"),
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


# --- not estimable: R's lm aliases what the design cannot separate ---------------------
#
# R (``?lm``, ``singular.ok = TRUE``): a column that is linearly dependent on the columns
# before it is aliased; ``coef()`` reports it as NA and ``summary()`` says "(1 not defined
# because of singularities)"; the model is the fit without it. statsmodels alone uses a
# pseudo-inverse and prints a number for every column.


def test_aliased_follows_the_order_of_the_columns():
    x = np.column_stack([np.ones(5), [1, 2, 3, 4, 5], [2, 4, 6, 8, 10], [0] * 5, [1, 0, 0, 1, 0]])
    assert aliased(x).tolist() == [False, False, True, True, False]
    # more columns than rows: the ones beyond the rank are aliased
    assert aliased(np.array([[1, 2, 5.0], [1, 3, 7.0]])).tolist() == [False, False, True]
    # a column independent only below lm.fit's tolerance (1e-7) is aliased too
    near = np.column_stack([np.ones(4), [1, 2, 3, 4], [1, 2, 3, 4 + 1e-9]])
    assert aliased(near).tolist() == [False, False, True]


def test_one_person_in_a_group_aliases_its_interaction(data):
    """With one "both" person, alliance × both is a multiple of the both dummy: R's lm gives
    NA for it and fits the rest without it (the run used to print beta 0.04, se 0.458)."""
    both = data.index[data["both"] == 1]
    one = data.drop(both[1:]).reset_index(drop=True)
    interactions, model, coefficients = moderation(one, "utilization")
    rows = interactions.set_index("term")
    assert rows.loc["alliance_score:both", ["b", "se", "t", "p", "ci_low", "ci_high"]].isna().all()
    assert "linear combination" in rows.loc["alliance_score:both", "note"]
    assert np.isfinite(rows.loc["alliance_score:coaching", "p"])
    assert rows.loc["alliance_score:coaching", "note"] == ""
    # the same as fitting model B without the aliased column
    scaled = coefficients.set_index("term")
    predictors = [t for t in scaled.index if t not in ("Intercept", "alliance_score:both")]
    frame = one.copy()
    for column in ("age", "time_in_care_days", "who5_baseline", "alliance_score", "who5_followup"):
        frame[column] = (frame[column] - frame[column].mean()) / frame[column].std()
    frame["alliance_score:coaching"] = frame["alliance_score"] * frame["coaching"]
    reduced, reduced_model = ols(frame, "who5_followup", predictors)
    reduced = reduced.set_index("term")
    assert scaled.loc["alliance_score:coaching", "b"] == pytest.approx(
        reduced.loc["alliance_score:coaching", "b"], rel=1e-9
    )
    assert model["r2"] == pytest.approx(reduced_model["r2"], rel=1e-12)
    # model B adds one estimable product: the R² change has 1 df, as anova() counts it
    assert np.isfinite(model["p_change"])
    slopes = simple_slopes(coefficients, "utilization").set_index("level")["slope"]
    assert np.isnan(slopes["both"]) and np.isfinite(slopes["coaching"])


def test_a_constant_covariate_is_aliased_in_table2(data):
    """No men: ``male`` is all 0, a multiple of nothing R can separate from the intercept."""
    women = data[data["male"] == 0].reset_index(drop=True)
    coefficients, models = hierarchical_regression(women)
    male = coefficients[(coefficients["step"] == 2) & (coefficients["term"] == "male")].iloc[0]
    assert male[["b", "se", "p", "ci_low", "ci_high", "beta"]].isna().all()
    assert male["note"] == "male does not vary in these data (aliased: R's lm reports NA)"
    alliance = coefficients[coefficients["term"] == "alliance_score"].iloc[0]
    assert np.isfinite(alliance["p"]) and alliance["note"] == ""
    assert models.loc[1, "df1"] == 4  # four estimable predictors, as R's lm counts them
    assert np.isfinite(models.loc[1, "p_change"])


def test_no_residual_degrees_of_freedom_leaves_coefficients_without_errors():
    """R: ``lm(y ~ x)`` on 2 points fits exactly; ``summary()`` gives NaN SEs and no F."""
    frame = pd.DataFrame({"y": [1.0, 3.0], "x": [0.0, 1.0], "z": [5.0, 2.0]})
    coefficients, model = ols(frame, "y", ["x", "z"])
    rows = coefficients.set_index("term")
    assert rows.loc["x", "b"] == pytest.approx(2.0)
    assert rows.loc[["Intercept", "x"], ["se", "p", "ci_low", "ci_high"]].isna().all(axis=None)
    assert rows.loc["z", ["b", "se"]].isna().all() and "aliased" in rows.loc["z", "note"]
    assert model["r2"] == pytest.approx(1.0) and np.isnan(model["F"]) and np.isnan(model["p"])
    assert "no residual degrees of freedom" in model["note"]


def test_an_intercept_only_model_has_r2_zero_and_no_f():
    """R's ``summary.lm``: when only the intercept is estimable, r.squared is 0 and there is
    no F statistic."""
    frame = pd.DataFrame({"y": [1.0, 3.0, 2.0], "x": [4.0, 4.0, 4.0]})
    coefficients, model = ols(frame, "y", ["x"])
    assert coefficients.loc[0, "b"] == pytest.approx(2.0) and np.isnan(coefficients.loc[1, "b"])
    assert model["r2"] == 0 and np.isnan(model["F"])
    assert "no predictor could be estimated" in model["note"]


def test_no_complete_cases_is_not_estimable(data):
    """R's lm stops: "0 (non-NA) cases"."""
    coefficients, model = ols(data.head(0), "who5_followup", ["age"])
    assert coefficients[["b", "se", "p"]].isna().all(axis=None)
    assert set(coefficients["note"]) == {"no complete cases"} and model["n"] == 0


def test_moderation_with_a_constant_scaled_variable_is_not_estimable(data):
    """R's ``scale()`` of a constant column is NaN, so ``lm`` has no complete case."""
    interactions, model, _ = moderation(data.assign(n_sessions=3.0), "n_sessions")
    assert interactions[["b", "se", "p"]].isna().all(axis=None)
    assert np.isnan(model["r2"]) and np.isnan(model["p_change"])
    assert model["note"].startswith("the standard deviation of n_sessions is zero")
    # the other moderators do not use n_sessions and stand
    assert np.isfinite(moderation(data.assign(n_sessions=3.0), "who5_baseline")[1]["p_change"])


def test_interaction_sentence_says_which_products_were_not_estimated():
    table = pd.DataFrame(
        {
            "term": ["alliance_score:coaching", "alliance_score:both"],
            "p": [0.42, float("nan")],
            "note": ["", "alliance_score:both is a linear combination of the terms before it"],
        }
    )
    text = interaction_sentence(table, 0.05)
    assert "smallest interaction p = .420" in text
    assert "alliance_score:both could not be estimated: alliance_score:both is a linear" in text
    assert "nan" not in text
