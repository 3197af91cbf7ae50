"""The raw data and the cohort, remembered by content within a process (the warm kernel)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.data import cohort as cohort_module
from helpers.data import rawdata
from helpers.data.cohort import derive_cohort
from helpers.data.memo import Memo
from helpers.data.rawdata import load_raw


@pytest.fixture(autouse=True)
def _forget():
    """Start each test with empty memories: other tests load the same fixture's content."""
    rawdata._LOADED.clear()
    cohort_module._DERIVED.clear()


def test_a_second_load_of_the_same_files_is_remembered_and_a_copy(raw_copy):
    directory = raw_copy()
    hits = rawdata._LOADED.hits
    first = load_raw(directory)
    first.participants.loc[0, "age"] = 99  # a caller edits its tables
    second = load_raw(directory)
    assert rawdata._LOADED.hits == hits + 1
    assert second.fingerprint == first.fingerprint != ""
    assert second.participants.loc[0, "age"] != 99  # the next caller gets the file's value
    fresh = rawdata.RawData(
        **{t: getattr(second, t) for t in ("participants", "sessions", "alliance_ratings")},
        who5_assessments=second.who5_assessments,
        directory=directory,
    )
    assert fresh.fingerprint == ""  # built by hand: never remembered


def test_an_edited_file_or_another_day_is_loaded_afresh(raw_copy):
    directory = raw_copy()
    before = load_raw(directory)
    (directory / "participants.csv").write_text(
        (directory / "participants.csv").read_text(encoding="utf-8").replace(",30,", ",31,", 1),
        encoding="utf-8",
    )
    after = load_raw(directory)
    assert after.fingerprint != before.fingerprint
    assert not after.participants.equals(before.participants)
    later = load_raw(directory, today=pd.Timestamp("2031-01-01").date())
    assert later.fingerprint != after.fingerprint


def test_a_cohort_is_remembered_by_data_and_parameters_and_handed_out_as_a_copy(raw_copy):
    raw = load_raw(raw_copy())
    hits = cohort_module._DERIVED.hits
    first = derive_cohort(raw)
    first.participants.loc[:, "alliance_score"] = 0.0
    second = derive_cohort(load_raw(raw.directory))
    assert cohort_module._DERIVED.hits == hits + 1
    assert (second.participants["alliance_score"] != 0.0).any()
    other = derive_cohort(raw, min_followup_days=14)  # another parameter: derived afresh
    assert cohort_module._DERIVED.hits == hits + 1
    assert other.parameters["min_followup_days"] == 14


def test_the_memory_keeps_the_latest_results_only():
    memo = Memo(size=2)
    for key in "abc":
        memo.put(key, key.upper())
    assert memo.get("a") is None and memo.get("c") == "C"
    with pytest.raises(ValueError, match="at least 1"):
        Memo(size=0)
