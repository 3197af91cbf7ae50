"""Aim 1 rank tests, pinned to R (tests/r/reference_values.R) on tests/fixtures/stats_cohort.csv.

The input is the derived cohort of the bundled SYNTHETIC data set (no ids).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.stats.nonparametric import (
    dunn_test,
    effect_size_words,
    kruskal_wallis,
    spearman_test,
    wilcoxon_rank_sum,
)
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
        lambda: spearman_test([1, 2, 3], [1, 2]),
        lambda: wilcoxon_rank_sum([1, None], [1, 2]),
        lambda: kruskal_wallis([1, 2, 3], ["a", "a"]),
        lambda: dunn_test([1, 2, None], list("aab"), [("a", "b")]),
        lambda: effect_size_words(0.2, "d"),
    ],
)
def test_bad_input_is_refused(call):
    """Programmer errors (lengths, missing values, unknown options) still raise."""
    with pytest.raises(ValueError):
        call()


# --- not estimable: NaN where R gives NA, with the reason in ``note`` ------------------


def test_spearman_with_a_constant_variable_is_na():
    """R: ``cor.test(rep(30, 4), 1:4, method = "spearman")`` warns "the standard deviation
    is zero" and returns estimate NA and p-value NA (``cor()`` of a constant rank vector)."""
    result = spearman_test(pd.Series([30, 30, 30, 30], name="age"), [1, 2, 3, 4])
    assert np.isnan(result["rho"]) and np.isnan(result["p"]) and np.isnan(result["t"])
    assert result["note"] == "the standard deviation of age is zero"
    assert result["n"] == 4


def test_spearman_with_too_few_pairs_is_na():
    """R's ``cor.test`` stops with "not enough finite observations" below 2 pairs; with 2
    pairs rho is ±1 and the t approximation has 0 df (``pt(..., df = 0)`` is NaN)."""
    one = spearman_test([1], [2])
    assert np.isnan(one["rho"]) and np.isnan(one["p"])
    assert "not enough finite observations" in one["note"]
    two = spearman_test([1, 2], [1, 2])
    assert two["rho"] == pytest.approx(1.0) and np.isnan(two["p"])
    assert "no degrees of freedom" in two["note"]


def test_an_estimable_result_has_an_empty_note():
    assert spearman_test([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])["note"] == ""
    assert wilcoxon_rank_sum([5, 4, 5, 3], [2, 4, 1])["note"] == ""
    assert kruskal_wallis([1, 2, 3, 4, 5, 6], list("aabbcc"))["note"] == ""


def test_rank_sum_with_an_empty_group_is_na_and_names_the_group():
    """R's ``wilcox.test(x, numeric(0))`` stops: "not enough 'y' observations"."""
    result = wilcoxon_rank_sum([4, 5, 3], [], ("female", "male"))
    for field in ("W", "z", "p", "r"):
        assert np.isnan(result[field]), field
    assert result["median_first"] == 4 and np.isnan(result["median_second"])
    assert result["note"] == "the male group is empty"


def test_rank_sum_with_every_value_tied_keeps_w_but_not_p():
    """R: ``wilcox.test(c(5, 5), c(5, 5, 5), exact = FALSE)`` gives W = 3 and p-value NA
    (the tie-corrected variance is 0, so z = 0/0)."""
    result = wilcoxon_rank_sum([5, 5], [5, 5, 5])
    assert result["W"] == 3
    assert np.isnan(result["p"]) and np.isnan(result["r"])
    assert "every value is the same" in result["note"]


def test_kruskal_wallis_with_one_group_is_na():
    """R: ``kruskal.test(1:3, factor(c("a", "a", "a")))`` stops: "all observations are in
    the same group"."""
    result = kruskal_wallis([1, 2, 3], ["coaching"] * 3)
    assert all(np.isnan(result[f]) for f in ("H", "df", "p", "eta2"))
    assert result["note"] == "all observations are in the same group (coaching)"
    assert result["n"] == 3 and result["k"] == 1


def test_kruskal_wallis_with_every_value_tied_is_na():
    """R: ``kruskal.test(rep(4, 4), factor(c("a", "a", "b", "b")))`` gives
    chi-squared = NaN and p-value = NA (the tie correction divides 0 by 0)."""
    result = kruskal_wallis([4, 4, 4, 4], list("aabb"))
    assert np.isnan(result["H"]) and np.isnan(result["p"]) and result["df"] == 1
    assert "every value is the same" in result["note"]


def test_dunn_skips_a_pair_without_values_and_adjusts_over_the_pairs_tested():
    """``rstatix::dunn_test`` compares only the groups present, and Holm adjusts over them."""
    result = dunn_test([1, 2, 3, 7, 8, 9], list("aaabbb"), [("b", "a"), ("a", "c")])
    assert result.loc[0, "p_adj"] == pytest.approx(result.loc[0, "p"])  # one pair tested
    assert result.loc[0, "note"] == ""
    assert np.isnan(result.loc[1, "z"]) and np.isnan(result.loc[1, "p_adj"])
    assert result.loc[1, "note"] == "no values in group 'c'"


def test_effect_size_words_of_a_missing_effect():
    assert effect_size_words(float("nan"), "eta2") == "not estimable"
