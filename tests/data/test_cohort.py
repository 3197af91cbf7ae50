"""Cohort derivation on the hand-built raw directory (tests/fixtures/cohort_small).

The directory holds 18 registrants built to exercise each derivation rule;
tests/fixtures/README.md describes each person. The expected cohort and flow
below were worked out by hand from the CSV files, not by running the code.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from helpers.data.cohort import COHORT_COLUMNS, derive_cohort
from helpers.data.rawdata import RawData, load_raw
from helpers.design import FLOW_STEPS
from locations import FIXTURES, SMALL

EXPECTED_FLOW = pd.DataFrame(
    {
        "step": list(FLOW_STEPS),
        "n": [18, 16, 14, 13, 11, 8],
        "excluded": [0, 2, 2, 1, 2, 3],
    }
)

# fmt: off
EXPECTED_COHORT = pd.DataFrame(
    [
        # id   age sex      country group    utilization n  ther coach first         last          care baseline      follow-up     fu  base fol chg  pos    rec    imp    rated bond goals alliance
        ("P01", 30, "female", "US", "us",     "therapy",  2, 2, 0, "2020-10-01", "2020-10-15",  14, "2020-10-01", "2020-12-01",  61, 48, 68, 20, False, False, True,  2, 4.5, 5.0, 4.75),
        ("P02", 18, "male",   "GB", "non_us", "coaching", 1, 0, 1, "2020-11-01", "2020-11-01",   0, "2020-10-20", "2020-11-10",  21, 24, 40, 16, True,  True,  True,  1, 3.0, None, 3.0),
        ("P06", 45, "female", "IN", "non_us", "both",     2, 1, 1, "2020-09-29", "2021-10-12", 378, "2020-09-01", "2021-10-20", 414, 80, 84,  4, False, False, False, 2, 5.0, 3.5, 4.0),
        ("P09", 52, "male",   "DE", "non_us", "therapy",  1, 1, 0, "2021-02-03", "2021-02-03",   0, "2021-02-01", "2021-02-08",   7, 24, 36, 12, True,  True,  True,  1, 2.0, 3.0, 2.5),
        ("P10", 27, "female", "US", "us",     "coaching", 2, 0, 2, "2021-03-02", "2021-03-20",  18, "2021-03-01", "2021-04-01",  31, 60, 64,  4, False, False, False, 2, 4.5, 4.5, 4.5),
        ("P14", 25, None,     None, None,     "both",     2, 1, 1, "2021-04-05", "2021-04-19",  14, "2021-04-01", "2021-05-01",  30, 20, 40, 20, True,  True,  True,  2, 3.5, 4.5, 4.0),
        ("P16", 44, "male",   "US", "us",     "therapy",  1, 1, 0, "2021-05-10", "2021-05-10",   0, "2021-05-01", "2021-06-01",  31, 28, 28,  0, True,  False, False, 1, 1.0, 2.0, 1.5),
        ("P17", 60, "female", "BR", "non_us", "coaching", 3, 0, 3, "2021-06-10", "2021-07-08",  28, "2021-06-01", "2021-08-01",  61, 32, 40,  8, False, False, False, 2, 4.5, 5.0, 14 / 3),
    ],
    columns=list(COHORT_COLUMNS),
)
# fmt: on


@pytest.fixture(scope="module")
def cohort():
    return derive_cohort(load_raw(SMALL))


def by_id(frame: pd.DataFrame, participant_id: str) -> pd.Series:
    rows = frame[frame["participant_id"] == participant_id]
    assert len(rows) == 1, f"{participant_id} is not in the frame exactly once"
    return rows.iloc[0]


def test_flow_counts(cohort):
    pdt.assert_frame_equal(cohort.flow[["step", "n", "excluded"]], EXPECTED_FLOW)


def test_cohort_by_hand(cohort):
    expected = EXPECTED_COHORT.copy()
    for name in ("first_session", "last_session", "baseline_on", "followup_on"):
        expected[name] = pd.to_datetime(expected[name]).astype(cohort.participants[name].dtype)
    for name in ("participant_id", "sex", "country", "country_group", "utilization"):
        expected[name] = expected[name].astype("string")
    expected["goals_mean"] = expected["goals_mean"].astype("float64")
    pdt.assert_frame_equal(cohort.participants, expected)


def test_completed_keeps_unrated_people_with_their_derived_variables(cohort):
    assert len(cohort.completed) == 11
    unrated = cohort.completed[cohort.completed["n_rated_sessions"] == 0]
    assert sorted(unrated["participant_id"]) == ["P12", "P13", "P15"]
    assert unrated["alliance_score"].isna().all()


def test_unrated_is_derived_when_first_asked_for_and_shared_by_copies():
    raw = load_raw(SMALL)
    first = derive_cohort(raw, min_followup_days=8)
    again = derive_cohort(raw, min_followup_days=8)  # a copy of the remembered cohort
    assert again.later_unrated is first.later_unrated
    assert first.later_unrated._frame is None  # nothing derived yet
    unrated = first.unrated
    assert list(unrated.columns) == list(COHORT_COLUMNS)
    assert (unrated["n_rated_sessions"] == 0).all() and unrated["alliance_score"].isna().all()
    assert again.later_unrated._frame is not None  # the copy sees the same derived frame
    pdt.assert_frame_equal(again.unrated, unrated)
    unrated["age"] = 0  # a caller's change is its own
    assert (again.unrated["age"] > 0).all()


def test_unrated_after_the_cache_is_gone_says_what_to_do(tmp_path):
    raw = load_raw(SMALL)
    copies = {table: Path(shutil.copy(path, tmp_path)) for table, path in raw.files.items()}
    cohort = derive_cohort(RawData(directory=raw.directory, fingerprint="", files=copies))
    for path in copies.values():  # the cache pruned, or a temporary one gone
        path.unlink()
    with pytest.raises(ValueError, match=r"no longer in the cache.*derive the cohort again"):
        _ = cohort.unrated


def test_ratings_are_the_in_window_rated_sessions_of_the_analysed(cohort):
    assert len(cohort.ratings) == 13
    assert set(cohort.ratings["participant_id"]) == set(cohort.participants["participant_id"])
    pairs = pd.read_csv(FIXTURES / "alpha_session_pairs.csv")
    pdt.assert_frame_equal(
        cohort.ratings[["wai_bond", "wai_goals"]].astype("float64"), pairs.astype("float64")
    )


def test_person_means_are_the_r_reference_input(cohort):
    means = pd.read_csv(FIXTURES / "alpha_person_means.csv")
    pdt.assert_frame_equal(cohort.participants[["bond_mean", "goals_mean"]], means)


# --- one test per derivation rule ---------------------------------------------


def test_assessment_on_the_day_of_the_first_session_is_the_baseline(cohort):
    person = by_id(cohort.participants, "P01")
    assert person["baseline_on"] == person["first_session"] == pd.Timestamp("2020-10-01")


def test_latest_of_two_assessments_before_the_first_session_is_the_baseline(cohort):
    person = by_id(cohort.participants, "P02")
    assert person["baseline_on"] == pd.Timestamp("2020-10-20")
    assert person["who5_baseline"] == 24  # not the 20 of 2020-10-05


def test_latest_qualifying_assessment_is_the_follow_up(cohort):
    assert by_id(cohort.participants, "P01")["followup_on"] == pd.Timestamp("2020-12-01")


def test_follow_up_six_days_after_baseline_is_too_soon(cohort):
    assert "P08" not in set(cohort.completed["participant_id"])


def test_follow_up_seven_days_after_baseline_counts(cohort):
    assert by_id(cohort.participants, "P09")["followup_days"] == 7


def test_assessment_between_sessions_is_neither_baseline_nor_follow_up(cohort):
    person = by_id(cohort.participants, "P10")  # 2021-03-10 lies between its sessions
    assert person["baseline_on"] == pd.Timestamp("2021-03-01")
    assert person["followup_on"] == pd.Timestamp("2021-04-01")
    assert "P11" not in set(cohort.completed["participant_id"])  # its only later one is between


def test_sessions_on_the_window_edges_count_and_those_outside_do_not(cohort):
    person = by_id(cohort.participants, "P06")
    assert person["first_session"] == pd.Timestamp("2020-09-29")
    assert person["last_session"] == pd.Timestamp("2021-10-12")
    assert person["n_sessions"] == 2  # 2021-10-13 is outside
    assert person["alliance_score"] == 4.0  # the outside session's (1, 1) rating is ignored


def test_person_whose_only_sessions_are_outside_the_window_is_excluded(cohort):
    assert "P05" not in set(cohort.completed["participant_id"])
    assert cohort.flow.set_index("step").loc["in_window_session", "excluded"] == 2  # P05, P18


def test_rating_with_one_item_missing_counts(cohort):
    person = by_id(cohort.participants, "P02")
    assert person["n_rated_sessions"] == 1
    assert person["alliance_score"] == 3.0


def test_rating_with_both_items_missing_is_not_a_rating(cohort):
    assert by_id(cohort.completed, "P12")["n_rated_sessions"] == 0
    assert "P12" not in set(cohort.participants["participant_id"])


def test_rating_of_an_out_of_window_session_does_not_count(cohort):
    assert by_id(cohort.completed, "P15")["n_rated_sessions"] == 0


def test_sessions_with_both_provider_types_make_utilization_both(cohort):
    assert by_id(cohort.participants, "P14")["utilization"] == "both"
    assert by_id(cohort.participants, "P06")["utilization"] == "both"


def test_age_17_is_excluded_and_18_included(cohort):
    assert by_id(cohort.participants, "P02")["age"] == 18
    ids = set(cohort.completed["participant_id"])
    assert "P03" not in ids  # 17
    assert "P04" not in ids  # age missing


def test_missing_sex_and_country_are_kept_as_missing(cohort):
    person = by_id(cohort.participants, "P14")
    assert pd.isna(person["sex"]) and pd.isna(person["country"])
    assert pd.isna(person["country_group"])


def test_screen_recovery_and_improvement_at_their_boundaries(cohort):
    boundary = by_id(cohort.participants, "P16")  # 28 -> 28
    assert boundary["screened_positive"] and not boundary["recovered"]
    negative = by_id(cohort.participants, "P17")  # 32 -> 40: +8
    assert not negative["screened_positive"] and not negative["improved"]


# --- parameters ---------------------------------------------------------------


def test_minimum_follow_up_days_is_a_parameter():
    cohort = derive_cohort(load_raw(SMALL), min_followup_days=6)
    assert "P08" in set(cohort.completed["participant_id"])


def test_minimum_age_is_a_parameter():
    cohort = derive_cohort(load_raw(SMALL), min_age=17)
    assert "P03" in set(cohort.participants["participant_id"])


def test_window_is_a_parameter():
    cohort = derive_cohort(load_raw(SMALL), window_end="2021-10-13")
    person = by_id(cohort.participants, "P06")
    assert person["n_sessions"] == 3
    assert person["alliance_score"] == pytest.approx((5 + 4 + 3 + 1 + 1) / 5)
    # P05's 2021-10-13 session now counts, so it completes care; that session is unrated.
    assert "P05" in set(cohort.completed["participant_id"])
    assert "P05" not in set(cohort.participants["participant_id"])


def test_cut_offs_are_parameters():
    cohort = derive_cohort(load_raw(SMALL), who5_cutoff=32, improvement_points=8)
    person = by_id(cohort.participants, "P17")  # 32 -> 40
    assert person["screened_positive"] and person["recovered"] and person["improved"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"window_start": "2020-13-01"}, "window_start"),
        ({"window_start": "2021-10-13"}, "before window_start"),
        ({"min_age": -1}, "min_age"),
        ({"min_age": 18.5}, "min_age"),
        ({"min_followup_days": "7"}, "min_followup_days"),
        ({"who5_cutoff": "28"}, "who5_cutoff"),
    ],
)
def test_bad_parameters_are_refused(arguments, message):
    with pytest.raises(ValueError, match=message):
        derive_cohort(load_raw(SMALL), **arguments)


def test_row_order_of_the_raw_files_does_not_matter(raw_copy):
    reverse = raw_copy()
    for name in ("participants", "sessions", "alliance_ratings", "who5_assessments"):
        path = reverse / f"{name}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.iloc[::-1].to_csv(path, index=False)
    shuffled = derive_cohort(load_raw(reverse))
    original = derive_cohort(load_raw(SMALL))
    pdt.assert_frame_equal(shuffled.participants, original.participants)
    pdt.assert_frame_equal(shuffled.ratings, original.ratings)
    pdt.assert_frame_equal(shuffled.flow, original.flow)


def test_nobody_eligible_gives_an_empty_cohort_and_the_flow_says_where_everyone_left():
    cohort = derive_cohort(load_raw(SMALL), min_age=200)
    flow = cohort.flow.set_index("step")
    assert flow.loc["registered", "n"] == 18
    assert flow.loc["adult", "n"] == 0 and flow.loc["adult", "excluded"] == 18
    assert cohort.participants.empty and list(cohort.participants.columns) == list(COHORT_COLUMNS)
