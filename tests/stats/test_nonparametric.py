"""Aim 1 rank tests, pinned to R (tests/r/reference_values.R) on tests/fixtures/stats_cohort.csv.

The input is the derived cohort of the bundled SYNTHETIC data set (no ids).
"""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

from helpers.stats.nonparametric import dunn_test, kruskal_wallis, spearman_test, wilcoxon_rank_sum
from locations import R_VALUES, STATS_COHORT

COHORT = pd.read_csv(STATS_COHORT)
R = pd.read_csv(R_VALUES).set_index("name")["value"]
PRECISION = {"rel": 1e-10, "abs": 1e-14}  # R prints 17 significant digits


def r_value(name: str) -> float:
    """A value computed by R 4.2.2 (stats, rstatix 0.7.2) on the same input."""
    return float(R[name])


def alliance(column: str, level) -> pd.Series:
    return COHORT.loc[COHORT[column] == level, "alliance_score"]


def test_spearman_matches_cor_test():
    result = spearman_test(COHORT["age"], COHORT["alliance_score"])
    assert result["rho"] == pytest.approx(r_value("aim1_spearman_rho"), **PRECISION)
    assert result["p"] == pytest.approx(r_value("aim1_spearman_p"), **PRECISION)


@pytest.mark.parametrize(
    ("label", "first", "second"),
    [
        ("aim1_sex", ("sex", "female"), ("sex", "male")),
        ("aim1_country", ("country_group", "non_us"), ("country_group", "us")),
        ("aim1_baseline", ("screened_positive", True), ("screened_positive", False)),
    ],
)
def test_rank_sum_matches_wilcox_test_and_rstatix_effect_size(label, first, second):
    result = wilcoxon_rank_sum(alliance(*first), alliance(*second))
    assert result["W"] == pytest.approx(r_value(f"{label}_W"), **PRECISION)
    assert result["p"] == pytest.approx(r_value(f"{label}_p"), **PRECISION)
    assert result["r"] == pytest.approx(r_value(f"{label}_r"), **PRECISION)


def test_rank_sum_agrees_with_scipy_mann_whitney():
    first, second = alliance("sex", "female"), alliance("sex", "male")
    scipy_result = stats.mannwhitneyu(first, second, method="asymptotic", use_continuity=True)
    result = wilcoxon_rank_sum(first, second)
    assert result["W"] == scipy_result.statistic
    assert result["p"] == pytest.approx(scipy_result.pvalue, rel=1e-12)


def test_kruskal_wallis_matches_kruskal_test_and_rstatix_eta2():
    result = kruskal_wallis(COHORT["alliance_score"], COHORT["utilization"])
    assert result["H"] == pytest.approx(r_value("aim1_kruskal_H"), **PRECISION)
    assert result["p"] == pytest.approx(r_value("aim1_kruskal_p"), rel=1e-8)
    assert result["eta2"] == pytest.approx(r_value("aim1_kruskal_eta2"), **PRECISION)
    assert result["df"] == 2


PAIRS = [("coaching", "therapy"), ("coaching", "both"), ("therapy", "both")]


def test_dunn_matches_rstatix_with_holm():
    result = dunn_test(COHORT["alliance_score"], COHORT["utilization"], PAIRS).set_index(
        ["first", "second"]
    )
    for (first, second), row in result.iterrows():
        # rstatix reports second minus first for its alphabetical pairs
        key = f"aim1_dunn_{first}_vs_{second}"
        sign = 1.0
        if f"{key}_z" not in R.index:
            key, sign = f"aim1_dunn_{second}_vs_{first}", -1.0
        assert row["z"] == pytest.approx(sign * r_value(f"{key}_z"), **PRECISION)
        assert row["p"] == pytest.approx(r_value(f"{key}_p"), rel=1e-8)
        assert row["p_adj"] == pytest.approx(r_value(f"{key}_p_adj"), rel=1e-8)


def test_dunn_z_is_positive_when_the_first_group_ranks_higher():
    result = dunn_test([1, 2, 3, 7, 8, 9], list("aaabbb"), [("b", "a")])
    assert result.loc[0, "z"] > 0


@pytest.mark.parametrize(
    "call",
    [
        lambda: spearman_test([1, 2], [1, 2]),
        lambda: spearman_test([1, 2, 3], [1, 2]),
        lambda: wilcoxon_rank_sum([], [1, 2]),
        lambda: wilcoxon_rank_sum([1, None], [1, 2]),
        lambda: kruskal_wallis([1, 2, 3], ["a", "a", "a"]),
        lambda: dunn_test([1, 2, 3, 4], list("aabb"), [("a", "c")]),
    ],
)
def test_bad_input_is_refused(call):
    with pytest.raises(ValueError):
        call()
