"""Parameters are checked, name, type and value, before any notebook starts."""

from __future__ import annotations

import ast

import pytest

from helpers.paths import NOTEBOOK_DIR
from helpers.pipeline.parameters import (
    RESERVED,
    RULES,
    check_parameters,
    notebook_parameters,
    parse_value,
    read_grid,
)
from helpers.pipeline.run import NOTEBOOKS, WHATIF, _parameters

SPECS = {name: notebook_parameters(NOTEBOOK_DIR / name) for name in (*NOTEBOOKS, WHATIF)}


def test_every_parameter_a_notebook_declares_has_a_value_rule():
    declared = {name for spec in SPECS.values() for name in spec}
    assert declared - set(RESERVED) <= set(RULES), sorted(declared - set(RESERVED) - set(RULES))


def test_every_default_is_an_allowed_value():
    for spec in SPECS.values():
        for name, info in spec.items():
            if name in RULES:
                check, words = RULES[name]
                assert check(ast.literal_eval(info["default"])), (name, words)


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("who5_cutoff", -5, "a WHO-5 total from 0 to 100"),
        ("who5_cutoff", 101, "from 0 to 100"),
        ("improvement_points", 120, "from 0 to 100"),
        ("window_start", "2021-02-30", "an existing date written YYYY-MM-DD"),
        ("window_end", "2021-2-3", "an existing date"),
        ("min_age", -1, "from 0 to 120"),
        ("min_followup_days", -1, "0 or more"),
        ("conf_level", 1.0, "strictly between 0 and 1"),
        ("alpha_level", 0.0, "strictly between 0 and 1"),
        ("target_power", 1.5, "strictly between 0 and 1"),
        ("tolerance_z", -1.0, "0 or more"),
        ("aim3_replicates", 0, "1 or more"),
        ("aim1_replicates", 0, "1 or more"),
        ("aim3_sizes", "200, x", "whole numbers of at least 7"),
        ("aim3_sizes", "5", "at least 7"),
        ("aim1_effects", "0.5, 1.5", "from 0 to 1"),
        ("aim3_effects", "", "numbers separated by commas"),
        ("population_scale", 0.0, "a positive number"),
        ("p_adjust", "holmes", "one of none, holm"),
        ("n_jobs", 0, "other than 0"),
        ("scheduler", "localhost", "scheduler address"),
        ("min_cell_size", 0, "a whole number of people, 1 or more"),
    ],
)
def test_a_bad_value_stops_the_run_in_one_line(name, value, allowed):
    with pytest.raises(ValueError) as caught:
        check_parameters({name: value}, SPECS)
    message = str(caught.value)
    assert "\n" not in message
    assert f"parameter {name!r} is {value!r}" in message and allowed in message


def test_the_window_must_end_on_or_after_its_start():
    with pytest.raises(ValueError, match=r"'window_end' \(2021-10-12\) is before 'window_start'"):
        check_parameters({"window_start": "2021-11-01"}, SPECS)
    check_parameters({"window_start": "2021-10-12"}, SPECS)  # one day is a window


def test_a_single_value_is_a_grid():
    assert read_grid("2.04") == [2.04]
    assert _parameters([["aim3_effects", "2.04"]], (WHATIF,)) == {"aim3_effects": "2.04"}
    check_parameters({"aim3_effects": "2.04", "aim1_sizes": "3087"}, SPECS)


def test_command_line_values_are_read_as_the_declared_type():
    assert parse_value("28", "int") == 28 and parse_value("0.9", "float") == 0.9
    assert parse_value("2021-01-01", "str") == "2021-01-01"
    assert _parameters([["who5_cutoff", "32"], ["p_adjust", "none"]], NOTEBOOKS) == {
        "who5_cutoff": 32,
        "p_adjust": "none",
    }
    with pytest.raises(ValueError, match="parameter 'who5_cutoff': expected int, got '28;'"):
        _parameters([["who5_cutoff", "28;"]], NOTEBOOKS)


def test_the_runners_own_parameters_cannot_be_set():
    for name in RESERVED:
        with pytest.raises(ValueError, match="set by the runner"):
            check_parameters({name: "x"}, SPECS)


def test_withhold_extremes_takes_true_or_false():
    with pytest.raises(ValueError, match="'withhold_extremes' must be bool, got str 'maybe'"):
        check_parameters({"withhold_extremes": "maybe"}, SPECS)
    split = check_parameters({"withhold_extremes": True, "min_cell_size": 10}, SPECS)
    assert split["01_cohort.ipynb"] == {"withhold_extremes": True, "min_cell_size": 10}
    assert split["03_aim2_wellbeing.ipynb"] == {"min_cell_size": 10}
