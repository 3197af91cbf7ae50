"""Batched statistics, pinned to R and to the one-at-a-time helpers.

The batched OLS, Kruskal-Wallis and rank-sum functions are checked against
the R values of tests/r/reference_values.R on tests/fixtures/stats_cohort.csv
(the same data and precision as the one-at-a-time statistics), and against
the R-pinned one-at-a-time helpers on random data with ties.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.stats.nonparametric import kruskal_wallis, wilcoxon_rank_sum
from helpers.stats.regression import aim3_data
from helpers.whatif import batch
from helpers.whatif.simulate import AIM3_TERMS
from locations import R_VALUES, STATS_COHORT

COHORT = pd.read_csv(STATS_COHORT)
R = pd.read_csv(R_VALUES).set_index("name")["value"]
PRECISION = {"rel": 1e-9, "abs": 1e-12}
TERMS = ["intercept", *AIM3_TERMS]


def test_batched_ols_matches_lm():
    data = aim3_data(COHORT)
    x = data[list(AIM3_TERMS)].to_numpy(float)[None]
    y = data["who5_followup"].to_numpy(float)[None]
    b, se, df = batch.ols_batch(np.repeat(x, 3, axis=0), np.repeat(y, 3, axis=0))
    assert df == R["aim3_n"] - 6
    for j, term in enumerate(TERMS):
        assert b[:, j] == pytest.approx(R[f"aim3_{term}_b"], **PRECISION), term
        assert se[:, j] == pytest.approx(R[f"aim3_{term}_se"], **PRECISION), term


def test_batched_rank_tests_match_kruskal_test_and_wilcox_test():
    alliance = COHORT["alliance_score"].to_numpy(float)[None]
    codes = COHORT["utilization"].map({"therapy": 0, "coaching": 1, "both": 2}).to_numpy()[None]
    h, p = batch.kruskal_batch(alliance, codes, 3)
    assert h[0] == pytest.approx(R["aim1_kruskal_H"], **PRECISION)
    assert p[0] == pytest.approx(R["aim1_kruskal_p"], **PRECISION)
    known = COHORT["sex"].isin(["female", "male"]).to_numpy()
    w, p = batch.wilcoxon_batch(
        alliance[:, known], (COHORT["sex"][known] == "female").to_numpy()[None]
    )
    assert w[0] == pytest.approx(R["aim1_sex_W"], **PRECISION)
    assert p[0] == pytest.approx(R["aim1_sex_p"], **PRECISION)


def test_batched_rank_tests_agree_row_by_row_with_ties():
    rng = np.random.default_rng(3)
    values = rng.integers(1, 9, size=(20, 60)) / 2  # heavy ties, like alliance scores
    groups = rng.integers(0, 3, size=(20, 60))
    h, p = batch.kruskal_batch(values, groups, 3)
    w, p_w = batch.wilcoxon_batch(values, groups == 0)
    for row in range(20):
        one = kruskal_wallis(values[row], groups[row].astype(str))
        assert (h[row], p[row]) == pytest.approx((one["H"], one["p"]), **PRECISION)
        pair = wilcoxon_rank_sum(values[row][groups[row] == 0], values[row][groups[row] != 0])
        assert (w[row], p_w[row]) == pytest.approx((pair["W"], pair["p"]), **PRECISION)


def test_p_values_are_t_distributed():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 30, 2))
    y = rng.normal(size=(2000, 30))
    b, se, df = batch.ols_batch(x, y)
    assert stats.kstest(b[:, 1] / se[:, 1], stats.t(df).cdf).pvalue > 0.01


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        (np.zeros((2, 3)), np.zeros((2, 3)), "need x"),
        (np.zeros((1, 3, 3)), np.zeros((1, 3)), "cannot fit"),
    ],
)
def test_bad_input_is_refused(x, y, message):
    with pytest.raises(ValueError, match=message):
        batch.ols_batch(x, y)
