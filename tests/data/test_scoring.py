"""Scoring rules: hand-computed values, R-pinned reliability, and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames, range_indexes

from helpers.data.scoring import (
    alliance_scores,
    clinical_improvement,
    clinical_recovery,
    cronbach_alpha,
    screened_positive,
    who5_total,
)
from locations import FIXTURES, R_VALUES

R_TABLE = pd.read_csv(R_VALUES).set_index("name")


def r_value(name: str) -> float:
    """A value computed by tests/r/reference_values.R (psych::alpha, R 4.x)."""
    return float(R_TABLE.loc[name, "value"])


def items(*rows: list[int]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[f"who5_{i}" for i in range(1, 6)])


# --- WHO-5 ------------------------------------------------------------------


def test_who5_total_by_hand():
    totals = who5_total(items([3, 3, 2, 2, 2], [0, 0, 0, 0, 0], [5, 5, 5, 5, 5], [1, 1, 1, 2, 2]))
    assert totals.tolist() == [48, 0, 100, 28]


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (items([3, 3, 2, 2, 6]), "outside the integers 0–5"),
        (items([3, 3, 2, 2, -1]), "outside the integers 0–5"),
        (items([3, 3, 2, 2, 2.5]), "outside the integers 0–5"),
        (items([3, 3, 2, 2, None]), "every item must be answered"),
        (items([3, 3, 2, 2, 2]).drop(columns="who5_5"), "missing column"),
    ],
)
def test_who5_total_refuses_bad_items(frame, message):
    with pytest.raises(ValueError, match=message):
        who5_total(frame)


who5_items = data_frames(
    [column(f"who5_{i}", elements=st.integers(0, 5)) for i in range(1, 6)],
    index=range_indexes(min_size=1, max_size=30),
)


@given(who5_items)
def test_who5_total_is_four_times_the_item_sum_on_0_to_100(frame):
    totals = who5_total(frame)
    assert totals.between(0, 100).all()
    assert (totals % 4 == 0).all()
    assert (totals == frame.sum(axis=1) * 4).all()


@given(who5_items, st.integers(1, 5), st.data())
def test_who5_total_rises_by_4_per_item_point(frame, item, data):
    row = data.draw(st.integers(0, len(frame) - 1))
    higher = frame.copy()
    if higher.iloc[row, item - 1] == 5:
        return
    higher.iloc[row, item - 1] += 1
    assert who5_total(higher).iloc[row] == who5_total(frame).iloc[row] + 4


@given(who5_items, st.randoms(use_true_random=False))
def test_who5_total_ignores_row_order(frame, random):
    order = list(frame.index)
    random.shuffle(order)
    assert who5_total(frame.loc[order]).sort_index().equals(who5_total(frame))


# --- alliance score ---------------------------------------------------------


def ratings(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["participant_id", "wai_bond", "wai_goals"])


def test_alliance_score_pools_every_item_response():
    # P06 of the hand-built cohort: (5, 4) and (missing, 3) -> (5 + 4 + 3) / 3
    scores = alliance_scores(ratings([("P06", 5, 4), ("P06", None, 3)]))
    assert scores.loc["P06"].to_dict() == {
        "n_rated_sessions": 2,
        "bond_mean": 5.0,
        "goals_mean": 3.5,
        "alliance_score": 4.0,
    }


def test_alliance_score_differs_from_mean_of_item_means_when_items_are_missing():
    scores = alliance_scores(ratings([("a", 5, 5), ("a", 4, None)]))
    assert scores.loc["a", "alliance_score"] == pytest.approx(14 / 3)
    assert (scores.loc["a", "bond_mean"] + scores.loc["a", "goals_mean"]) / 2 == 4.75


def test_a_row_with_both_items_missing_is_not_a_rating():
    scores = alliance_scores(ratings([("a", 3, None), ("a", None, None), ("b", None, None)]))
    assert list(scores.index) == ["a"]
    assert scores.loc["a", "n_rated_sessions"] == 1
    assert np.isnan(scores.loc["a", "goals_mean"])


@pytest.mark.parametrize("bad", [0, 6, 2.5])
def test_alliance_score_refuses_items_outside_1_to_5(bad):
    with pytest.raises(ValueError, match="outside the integers 1–5"):
        alliance_scores(ratings([("a", bad, 3)]))


alliance_rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.one_of(st.none(), st.integers(1, 5)),
        st.one_of(st.none(), st.integers(1, 5)),
    ),
    min_size=1,
    max_size=25,
)


@given(alliance_rows)
def test_alliance_score_lies_between_the_persons_lowest_and_highest_response(rows):
    frame = ratings(rows)
    scores = alliance_scores(frame)
    for person, score in scores["alliance_score"].items():
        answered = frame.loc[frame["participant_id"] == person, ["wai_bond", "wai_goals"]]
        values = answered.stack().dropna()
        assert values.min() - 1e-12 <= score <= values.max() + 1e-12
        assert 1 <= score <= 5


@given(alliance_rows, st.randoms(use_true_random=False))
def test_alliance_score_ignores_row_order(rows, random):
    shuffled = list(rows)
    random.shuffle(shuffled)
    pd.testing.assert_frame_equal(
        alliance_scores(ratings(shuffled)), alliance_scores(ratings(rows))
    )


@given(alliance_rows, st.data())
def test_alliance_score_never_falls_when_a_response_rises(rows, data):
    index = data.draw(st.integers(0, len(rows) - 1))
    person, bond, goals = rows[index]
    if bond is None or bond == 5:
        return
    raised = list(rows)
    raised[index] = (person, bond + 1, goals)
    before = alliance_scores(ratings(rows)).loc[person, "alliance_score"]
    after = alliance_scores(ratings(raised)).loc[person, "alliance_score"]
    assert after > before


# --- Cronbach's alpha, pinned to R ------------------------------------------


@pytest.mark.parametrize(
    ("name", "file"),
    [
        ("alpha_person_means", "alpha_person_means.csv"),
        ("alpha_session_pairs", "alpha_session_pairs.csv"),
        ("alpha_items", "alpha_items.csv"),
    ],
)
def test_cronbach_alpha_matches_psych_alpha(name, file):
    frame = pd.read_csv(FIXTURES / file)
    assert cronbach_alpha(frame) == pytest.approx(r_value(name), rel=1e-12)


def test_cronbach_alpha_counts_a_lone_item_towards_its_variance():
    # Dropping the person who only answered bond changes alpha: the lone answer counts.
    frame = pd.read_csv(FIXTURES / "alpha_person_means.csv")
    assert cronbach_alpha(frame.dropna()) != pytest.approx(cronbach_alpha(frame))


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"a": [1, 2, 3]}), "at least two item columns"),
        (pd.DataFrame({"a": [1, None, 3], "b": [None, 2, None]}), "at least two rows"),
        (pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}), "numeric"),
    ],
)
def test_cronbach_alpha_refuses_unusable_input(frame, message):
    with pytest.raises(ValueError, match=message):
        cronbach_alpha(frame)


item_pairs = data_frames(
    [column("bond", elements=st.integers(1, 5)), column("goals", elements=st.integers(1, 5))],
    index=range_indexes(min_size=3, max_size=40),
)


@given(item_pairs, st.randoms(use_true_random=False))
def test_cronbach_alpha_ignores_row_order(frame, random):
    order = list(frame.index)
    random.shuffle(order)
    first, second = cronbach_alpha(frame), cronbach_alpha(frame.loc[order])
    assert (np.isnan(first) and np.isnan(second)) or first == pytest.approx(second, rel=1e-9)


@given(item_pairs)
def test_cronbach_alpha_is_at_most_one_and_shift_invariant(frame):
    alpha = cronbach_alpha(frame)
    if np.isnan(alpha):
        return
    assert alpha <= 1 + 1e-12
    assert cronbach_alpha(frame + 10) == pytest.approx(alpha, rel=1e-9, abs=1e-9)


# --- clinical flags ----------------------------------------------------------


def test_screen_is_at_or_below_28():
    assert screened_positive([0, 24, 28, 32, 100]).tolist() == [True, True, True, False, False]


def test_recovery_needs_a_positive_screen_and_a_follow_up_above_28():
    baseline = [20, 28, 28, 40, 24]
    followup = [32, 28, 32, 60, 24]
    assert clinical_recovery(baseline, followup).tolist() == [True, False, True, False, False]


def test_improvement_is_a_rise_of_at_least_10():
    assert clinical_improvement([20, 20, 20, 40], [30, 28, 32, 20]).tolist() == [
        True,
        False,
        True,
        False,
    ]


def test_cut_offs_are_parameters():
    assert screened_positive([32], cutoff=32).tolist() == [True]
    assert clinical_recovery([32], [36], cutoff=32).tolist() == [True]
    assert clinical_improvement([20], [28], points=8).tolist() == [True]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: screened_positive([24, 104]), "outside 0–100"),
        (lambda: screened_positive([24, None]), "missing"),
        (lambda: clinical_recovery([24, 28], [40]), "differ in length"),
        (lambda: clinical_improvement([24], ["high"]), "must be numbers"),
    ],
)
def test_flags_refuse_bad_totals(call, message):
    with pytest.raises(ValueError, match=message):
        call()


totals = st.integers(0, 25).map(lambda raw: raw * 4)


@given(st.lists(st.tuples(totals, totals), min_size=1, max_size=30))
def test_flags_agree_with_their_definitions(pairs):
    baseline = pd.Series([b for b, _ in pairs])
    followup = pd.Series([f for _, f in pairs])
    positive = screened_positive(baseline)
    recovered = clinical_recovery(baseline, followup)
    improved = clinical_improvement(baseline, followup)
    assert (positive == (baseline <= 28)).all()
    assert (~recovered | (positive & (followup > 28))).all()
    assert (recovered == (positive & (followup > 28))).all()
    assert (improved == (followup - baseline >= 10)).all()


@given(totals, totals, totals)
def test_flags_are_monotone_in_the_follow_up_score(baseline, followup, higher):
    if higher < followup:
        followup, higher = higher, followup
    assert (
        clinical_recovery([baseline], [higher])[0] >= clinical_recovery([baseline], [followup])[0]
    )
    assert (
        clinical_improvement([baseline], [higher])[0]
        >= clinical_improvement([baseline], [followup])[0]
    )
