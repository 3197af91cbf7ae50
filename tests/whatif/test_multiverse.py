"""The multiverse: alternative choices, re-derived cohorts, the paper's specification."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.data.cohort import derive_cohort
from helpers.data.rawdata import load_raw
from helpers.data.scoring import alliance_scores, session_averaged_alliance
from helpers.paths import SYNTHETIC_DATA
from helpers.stats.regression import aim3_data, hierarchical_regression
from helpers.whatif import multiverse

ONLY_PAPER = {
    name: dict([next(iter(options.items()))]) for name, options in multiverse.CHOICES.items()
}


@pytest.fixture(scope="module")
def raw():
    return load_raw(SYNTHETIC_DATA)


items = st.one_of(st.none(), st.integers(1, 5))


@settings(max_examples=200, derandomize=True)
@given(st.lists(st.tuples(st.integers(1, 5), items), min_size=1, max_size=8))
def test_session_averaged_alliance_is_a_mean_of_session_means(sessions):
    ratings = pd.DataFrame(
        {"participant_id": "p", "wai_bond": [b for b, _ in sessions],
         "wai_goals": pd.array([g for _, g in sessions], dtype="Int64")}
    )  # fmt: skip
    averaged = session_averaged_alliance(ratings).loc["p"]
    means = [(b + g) / 2 if g is not None else b for b, g in sessions]
    assert averaged == pytest.approx(sum(means) / len(means))
    assert min(means) <= averaged <= max(means)
    if all(g is not None for _, g in sessions):  # both items everywhere: the pooled score
        assert averaged == pytest.approx(alliance_scores(ratings).loc["p", "alliance_score"])


def test_missing_sex_as_a_category_keeps_those_people(raw):
    participants = derive_cohort(raw).participants
    dropped = aim3_data(participants)
    kept = aim3_data(participants, missing_sex="category")
    positive = participants["screened_positive"].astype(bool)
    assert len(kept) == positive.sum() and len(dropped) < len(kept)
    assert kept["sex_missing"].sum() == len(kept) - len(dropped)
    assert "sex_missing" not in dropped
    with pytest.raises(ValueError, match="missing_sex must be"):
        aim3_data(participants, missing_sex="impute")


def test_the_paper_specification_reproduces_the_main_analysis(raw):
    specifications = multiverse.run_multiverse(raw, ONLY_PAPER)
    assert len(specifications) == 1
    row = specifications.iloc[0]
    coefficients, _ = hierarchical_regression(aim3_data(derive_cohort(raw).participants))
    alliance = coefficients[
        (coefficients["step"] == 2) & (coefficients["term"] == "alliance_score")
    ]
    assert row["alliance_b"] == alliance["b"].iloc[0]
    assert row["alliance_p"] == alliance["p"].iloc[0]
    assert (row["n_analysed"], row["n_positive"], row["n_aim3"]) == (3087, 835, 675)


def test_the_paper_specification_reaches_the_paper_conclusions_on_the_bundled_data(raw):
    """Matched SYNTHETIC data carry the paper's findings (a pipeline check, not evidence).

    The bundled data are calibrated to the paper; if the paper's own specification
    does not reach one of the paper's conclusions on them, the what-if notebook's
    robustness figure would describe the generator, not the paper.
    """
    row = multiverse.run_multiverse(raw, ONLY_PAPER).iloc[0]
    assert [conclusion for conclusion in multiverse.CONCLUSIONS if not row[conclusion]] == []


def test_each_choice_changes_what_it_should(raw):
    choices = {
        **ONLY_PAPER,
        "WHO-5 screen": multiverse.CHOICES["WHO-5 screen"],
        "Cohen's d": multiverse.CHOICES["Cohen's d"],
    }
    specifications = multiverse.run_multiverse(raw, choices).set_index(
        ["WHO-5 screen", "Cohen's d"]
    )
    paper = specifications.loc[("<= 28 (paper)", "d_av (paper)")]
    strict = specifications.loc[("< 28", "d_av (paper)")]
    assert strict["n_positive"] < paper["n_positive"]
    assert strict["n_analysed"] == paper["n_analysed"]  # the screen does not change the cohort
    d_z = specifications.loc[("<= 28 (paper)", "d_z")]
    assert d_z["cohen_d"] != paper["cohen_d"] and d_z["alliance_b"] == paper["alliance_b"]
    table = multiverse.agreement(specifications.reset_index())
    assert (table["specifications"] == 4).all()
    assert table["agree"].between(0, 4).all()


def test_bad_choices_are_refused(raw):
    with pytest.raises(ValueError, match="choices must name exactly"):
        multiverse.run_multiverse(raw, {"WHO-5 screen": {"x": 28}})
    with pytest.raises(ValueError, match="alpha must be between"):
        multiverse.run_multiverse(raw, ONLY_PAPER, alpha=1.5)
