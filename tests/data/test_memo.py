"""The raw data and the cohort, remembered by content: within a process (the warm kernel),
and across processes as checked Parquet tables in the cache (:mod:`helpers.data.store`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from helpers.data import cohort as cohort_module
from helpers.data import rawdata, store
from helpers.data.cohort import derive_cohort
from helpers.data.contract import TABLES
from helpers.data.memo import Memo
from helpers.data.rawdata import RawDataError, load_raw


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


# --- the cache of checked tables, across processes ----------------------------


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(store.CACHE_VARIABLE, str(folder))
    return folder


def _entries(folder) -> list:
    return sorted(path.name for path in folder.iterdir() if not path.name.startswith("."))


def test_checked_tables_are_cached_as_parquet_and_read_back_unchecked(raw_copy, cache, monkeypatch):
    directory = raw_copy()
    first = load_raw(directory)
    (entry,) = _entries(cache)
    assert sorted(p.name for p in (cache / entry).iterdir()) == sorted(
        [*(f"{t}.parquet" for t in TABLES), "checked.json"]
    )
    rawdata._LOADED.clear()  # as a new process would start

    def never(*args, **kwargs):
        raise AssertionError("the cached tables were checked again")

    monkeypatch.setattr(rawdata, "_checked", never)
    second = load_raw(directory)
    for table in TABLES:
        pd.testing.assert_frame_equal(second.table(table), first.table(table))


def test_the_cache_is_keyed_by_content_so_an_edit_is_checked_afresh(raw_copy, cache):
    directory = raw_copy()
    load_raw(directory)
    path = directory / "participants.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",30,", ",31,", 1), encoding="utf-8")
    rawdata._LOADED.clear()
    assert (load_raw(directory).participants["age"] == 31).any()
    assert len(_entries(cache)) == 2
    path.write_text(path.read_text(encoding="utf-8").replace(",31,", ",300,", 1), encoding="utf-8")
    with pytest.raises(RawDataError, match="between 0 and 120"):
        load_raw(directory)
    assert len(_entries(cache)) == 2  # data that break a rule are never cached


def test_a_cached_data_set_with_dates_after_the_day_of_the_run_is_checked_again(raw_copy, cache):
    directory = raw_copy()
    load_raw(directory)
    rawdata._LOADED.clear()
    with pytest.raises(RawDataError, match="on or before the day of the run"):
        load_raw(directory, today=dt.date(2020, 1, 1))


def test_the_cache_keeps_the_latest_data_sets_only(raw_copy, cache, monkeypatch):
    monkeypatch.setattr(store, "KEEP", 2)
    directory = raw_copy()
    path = directory / "participants.csv"
    for before, after in ((",30,", ",31,"), (",31,", ",32,"), (",32,", ",33,")):
        path.write_text(
            path.read_text(encoding="utf-8").replace(before, after, 1), encoding="utf-8"
        )
        load_raw(directory)
    assert len(_entries(cache)) == 2


def test_the_cache_can_be_turned_off(raw_copy, monkeypatch, tmp_path):
    monkeypatch.setenv(store.CACHE_VARIABLE, "off")
    raw = load_raw(raw_copy())
    assert not str(raw.files["participants"]).startswith(str(tmp_path))
    assert raw.participants.shape[0] > 0


def test_a_bad_memory_limit_is_a_clear_error(raw_copy, cache, monkeypatch):
    monkeypatch.setenv(store.MEMORY_VARIABLE, "lots")
    with pytest.raises(ValueError, match=r"SAGUI_HENSON_MEMORY='lots'.*500MB or 4GB"):
        load_raw(raw_copy())
