"""The estimates writer: registered keys only, sorted, unrounded, assembled once per run."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.pipeline.results import Estimates, assemble


def test_estimates_are_written_sorted_unrounded_and_assembled(tmp_path):
    first, second = Estimates(), Estimates()
    first.add("cohort.analyzed", "all", 1 / 3)
    first.add("cohort.age.mean", "all", 2)
    second.add("table1.n", "therapy", 0.1)
    first.write(tmp_path, "01_first")
    second.write(tmp_path, "02_second")
    frame = pd.read_csv(assemble(tmp_path))
    assert frame["key"].tolist() == ["cohort.age.mean", "cohort.analyzed", "table1.n"]
    assert frame.loc[1, "value"] == 1 / 3  # 17 significant digits round-trip


def test_estimates_refuse_duplicates_and_nan(tmp_path):
    estimates = Estimates()
    estimates.add("aim2.n", "screened_positive", 1)
    with pytest.raises(ValueError, match="twice"):
        estimates.add("aim2.n", "screened_positive", 2)
    with pytest.raises(ValueError, match="NaN"):
        estimates.add("aim3.n", "screened_positive", float("nan"))
    other = Estimates()
    other.add("aim2.n", "screened_positive", 3)
    estimates.write(tmp_path, "a")
    other.write(tmp_path, "b")
    with pytest.raises(ValueError, match="two notebooks"):
        assemble(tmp_path)
    with pytest.raises(ValueError, match="no estimates"):
        assemble(tmp_path / "empty")


def test_estimates_refuse_a_key_or_group_the_registry_does_not_know():
    estimates = Estimates()
    with pytest.raises(ValueError, match="not a registered key"):
        estimates.add("aim3.alliance.bb", "full model", 1)
    with pytest.raises(ValueError, match="not for 'all'"):
        estimates.add("aim3.alliance.b", "all", 1)


def test_a_missing_value_is_written_empty_with_its_reason(tmp_path):
    estimates = Estimates()
    estimates.add("aim3.n", "screened_positive", 1)
    estimates.missing("aim1.age.spearman.rho", "all", "the standard deviation of age is zero")
    estimates.add(
        "aim1.age.spearman.p", "all", float("nan"), "the standard deviation of age is zero"
    )
    path = estimates.write(tmp_path, "part")
    assert path.read_text().splitlines() == [
        "key,group,value,note",
        "aim1.age.spearman.p,all,,not estimable: the standard deviation of age is zero",
        "aim1.age.spearman.rho,all,,not estimable: the standard deviation of age is zero",
        "aim3.n,screened_positive,1,",
    ]
    assembled = pd.read_csv(assemble(tmp_path), keep_default_na=False)
    assert assembled["value"].tolist() == ["", "", "1"]


def test_a_result_passes_its_note_only_to_its_missing_fields():
    result = pd.Series({"W": float("nan"), "median_first": 4.5, "note": "the male group is empty"})
    estimates = Estimates()
    estimates.add_result("aim1.sex.mwu", "female vs male", result, {"W": "W"})
    estimates.add_field("aim1.sex.median", "female", result, "median_first")
    frame = estimates.frame().set_index("key")
    assert frame.loc["aim1.sex.mwu.W", "note"] == "not estimable: the male group is empty"
    assert frame.loc["aim1.sex.median", "value"] == 4.5
    assert frame.loc["aim1.sex.median", "note"] == ""


def test_a_missing_value_needs_a_reason():
    estimates = Estimates()
    with pytest.raises(ValueError, match="say why"):
        estimates.missing("aim3.n", "screened_positive", " ")
    with pytest.raises(ValueError, match="is inf"):
        estimates.add("aim3.n", "screened_positive", float("inf"))
    with pytest.raises(ValueError, match="NaN"):  # a result without a note cannot say why
        estimates.add_field("aim3.n", "screened_positive", pd.Series({"n": float("nan")}), "n")
    with pytest.raises(ValueError, match="not a registered key"):
        estimates.missing("aim3.nope", "screened_positive", "no reason")
