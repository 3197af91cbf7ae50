"""Matched mode's alliance search (helpers.synthetic.alliance): its pieces and its result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from helpers.claims import SUBGROUP_SIZES
from helpers.report.published import printed, printed_count
from helpers.stats.nonparametric import dunn_test, kruskal_wallis, wilcoxon_rank_sum
from helpers.synthetic import generate
from helpers.synthetic.alliance import (
    _alpha,
    finish_swaps,
    fix_mean,
    fix_median,
    implied_tie_share,
    median_swaps,
    set_totals,
    tune_alpha,
)


@pytest.fixture(scope="module")
def matched_people():
    _, plan = generate(seed=20221, mode="matched")
    return plan[plan["fate"] == "analysed"]


def test_the_tie_share_implied_by_w_and_p_gives_back_p():
    n1, n2 = printed_count(*SUBGROUP_SIZES["female"]), printed_count(*SUBGROUP_SIZES["male"])
    w, p = printed("aim1.sex.mwu.W", "female vs male"), printed("aim1.sex.mwu.p", "female vs male")
    tau = implied_tie_share(w, p, n1, n2)
    n = n1 + n2
    sigma = np.sqrt(n1 * n2 / 12 * (n + 1) * (1 - tau))
    z = (abs(w - n1 * n2 / 2) - 0.5) / sigma
    assert 2 * stats.norm.sf(z) == pytest.approx(p, rel=1e-9)
    assert 0 < tau < 1
    with pytest.raises(ValueError, match="p must lie"):
        implied_tie_share(w, 0.0, n1, n2)


@settings(max_examples=40, deadline=None)
@given(
    counts=st.lists(st.integers(1, 12), min_size=15, max_size=80),
    seed=st.integers(0, 10_000),
    target=st.sampled_from([4.5, 4.75, 4.67, 4.83, 4.8]),
)
def test_fix_median_puts_the_median_on_target_when_it_can(counts, seed, target):
    rng = np.random.default_rng(seed)
    count = np.array(counts)
    total = np.array([rng.integers(c, 5 * c + 1) for c in count])
    ok = fix_median(total, count, np.arange(len(count)), target)
    assert np.all((total >= count) & (total <= 5 * count))  # every score on its lattice
    if ok:
        assert abs(np.median(total / count) - target) <= 0.005 + 1e-12


def test_median_swaps_fix_a_subgroup_median_and_keep_each_cell_multiset():
    rng = np.random.default_rng(3)
    count = rng.choice([2, 4, 6, 8], 400)
    total = np.array([rng.integers(4 * c, 5 * c + 1) for c in count])
    cell = count.copy()  # cells: people with the same number of responses
    members = rng.random(400) < 0.5
    before = {c: sorted(total[cell == c]) for c in np.unique(cell)}
    median_swaps(total, count, cell, members, 4.75)
    assert abs(np.median(total[members] / count[members]) - 4.75) <= 0.005
    assert {c: sorted(total[cell == c]) for c in np.unique(cell)} == before


def test_fix_mean_hits_the_mean_by_moving_only_the_tail():
    rng = np.random.default_rng(5)
    count = rng.integers(2, 10, 500)
    total = np.array([rng.integers(c, 5 * c + 1) for c in count])
    scores = total / count
    cut = np.quantile(scores, 0.25)
    untouched = scores > cut
    keep = total[untouched].copy()
    rows = np.arange(500)
    assert fix_mean(rng.random(500), total, count, rows, rows, scores.mean() + 0.02, 1)
    assert abs((total / count).mean() - (scores.mean() + 0.02)) < 0.0005
    assert np.array_equal(total[untouched], keep)


def test_finish_swaps_reach_a_target_sum():
    rng = np.random.default_rng(1)
    total = rng.integers(0, 100, 300)
    weight = np.linspace(-1, 1, 300)
    cell = np.zeros(300, dtype=int)

    def gain(i, j, values):
        return float(weight @ values), (weight[i] - weight[j]) * (values[j] - values[i])

    start = float(weight @ total)
    finish_swaps(rng, total, np.ones(300), cell, gain, start + 5)
    assert abs(float(weight @ total) - (start + 5)) < 0.5


def _ratings(rng, people: int) -> pd.DataFrame:
    person = np.repeat(np.arange(people), rng.integers(1, 6, people))
    bond = rng.integers(3, 6, len(person))
    goals = np.clip(bond + rng.integers(-1, 2, len(person)), 1, 5)
    goals[rng.random(len(person)) < 0.05] = -1
    return pd.DataFrame({"person": person, "wai_bond": bond, "wai_goals": goals})


def test_set_totals_and_tune_alpha_give_the_wanted_scores_and_alpha():
    rng = np.random.default_rng(11)
    ratings = _ratings(rng, 600)
    given_items = ratings[["wai_bond", "wai_goals"]].to_numpy() > 0
    counts = pd.Series(given_items.sum(axis=1)).groupby(ratings["person"]).sum()
    wanted = (counts * rng.uniform(3.5, 5.0, len(counts))).round().astype(int)
    floor = pd.Series(1, index=counts.index)
    set_totals(rng, ratings, wanted, floor)
    items = ratings[["wai_bond", "wai_goals"]].to_numpy()
    assert np.all((items == -1) | ((items >= 1) & (items <= 5)))
    totals = pd.Series(np.where(items > 0, items, 0).sum(axis=1)).groupby(ratings["person"]).sum()
    assert totals.equals(wanted.astype(totals.dtype))
    tune_alpha(rng, ratings, floor, 0.6)
    items = ratings[["wai_bond", "wai_goals"]].to_numpy()
    after = pd.Series(np.where(items > 0, items, 0).sum(axis=1)).groupby(ratings["person"]).sum()
    assert after.equals(totals)  # alpha moves responses between items, never scores
    means = [
        pd.Series(np.where(items[:, k] > 0, items[:, k], np.nan)).groupby(ratings["person"]).mean()
        for k in (0, 1)
    ]
    assert _alpha(means[0].to_numpy(), means[1].to_numpy()) == pytest.approx(0.6, abs=0.01)


def test_matched_alliance_hits_the_printed_group_numbers(matched_people):
    people = matched_people
    for group in ("therapy", "coaching", "both", "total"):
        scores = people["alliance_score"]
        if group != "total":
            scores = scores[people["utilization"] == group]
        assert round(scores.mean(), 2) == printed("table1.alliance.mean", group)
        assert abs(scores.median() - printed("table1.alliance.median", group)) <= 0.005
        assert scores.min() == printed_count("table1.alliance.min", group)
        assert abs(scores.std(ddof=1) - printed("table1.alliance.sd", group)) <= 0.01


def test_matched_alliance_hits_the_printed_rank_tests(matched_people):
    people = matched_people
    scores, groups = people["alliance_score"], people["utilization"]
    kw = kruskal_wallis(scores, groups)
    assert abs(kw["H"] - printed("aim1.utilization.kruskal.H", "all")) < 0.5
    labels = ("coaching vs therapy", "coaching vs both")
    dunn = dunn_test(scores, groups, [("coaching", "therapy"), ("coaching", "both")])
    for z, label in zip(dunn["z"], labels, strict=True):
        assert abs(z - printed("aim1.utilization.dunn.z", label)) < 0.05
    sex = wilcoxon_rank_sum(scores[people["sex"] == "female"], scores[people["sex"] == "male"])
    assert abs(sex["W"] - printed("aim1.sex.mwu.W", "female vs male")) <= 10
    assert round(sex["p"], 3) == printed("aim1.sex.mwu.p", "female vs male")
    assert abs(sex["median_first"] - printed("aim1.sex.median", "female")) <= 0.005
    assert abs(sex["median_second"] - printed("aim1.sex.median", "male")) <= 0.005
