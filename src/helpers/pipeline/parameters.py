"""The notebooks' parameters: what each declares, and which values are allowed.

Papermill only warns about a parameter a notebook does not declare, and a
notebook finds a bad value only when it uses it, minutes into a run, with a
long traceback. Here every parameter is checked before any notebook starts:
its name (declared by some notebook), its type (the declared one) and its
value (:data:`RULES`: an existing ISO date, a cut-off on 0–100, a level in
(0, 1), a grid of numbers, …), each failure in one line naming the parameter,
the value and what is allowed.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers.design import COHORT_PARAMETERS

__all__ = [
    "RESERVED",
    "RULES",
    "Rule",
    "add_parameter_option",
    "check_parameters",
    "effective_parameters",
    "notebook_parameters",
    "parse_value",
    "read_grid",
]


def add_parameter_option(parser: argparse.ArgumentParser, help: str) -> None:
    """Give a command line ``-p NAME VALUE`` (repeatable), as every command of the project does.

    The values arrive as a list of ``[name, value]`` pairs in ``arguments.parameter``.
    """
    parser.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help=help,
    )


#: Parameters the runner sets itself: where the data are, where results go, how the run ran.
RESERVED = ("data_dir", "output_dir", "run_parameters")

_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (float, int),
    "bool": (bool,),
}


def notebook_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook declares: ``{name: {"type", "default", "help"}}``."""
    import papermill as pm  # only here: the what-if notebook imports read_grid in its kernel

    inspected = pm.inspect_notebook(str(notebook))
    return {
        name: {
            "type": info["inferred_type_name"],
            "default": info["default"],
            "help": info["help"],
        }
        for name, info in inspected.items()
    }


def effective_parameters(notebook: Path, given: dict[str, Any] | None = None) -> dict[str, Any]:
    """The parameters a notebook runs with: its declared defaults, overridden by ``given``."""
    defaults = {
        name: ast.literal_eval(info["default"])
        for name, info in notebook_parameters(Path(notebook)).items()
    }
    return {**defaults, **(given or {})}


def parse_value(text: str, kind: str) -> Any:
    """Read a command-line value as the declared type: ``"28"`` is 28 for an int parameter.

    Text parameters keep the text exactly as typed (``2.04`` is the grid ``"2.04"``).

    Examples
    --------
    >>> parse_value("28", "int"), parse_value("0.9", "float"), parse_value("2.04", "str")
    (28, 0.9, '2.04')
    """
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
    except ValueError:
        raise ValueError(f"expected {kind}, got {text!r}") from None
    if kind == "bool":
        words = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
        if text.lower() not in words:
            raise ValueError(f"expected true or false, got {text!r}")
        return words[text.lower()]
    return text


def read_grid(text: str, kind: type = float) -> list:
    """A grid parameter (``"200, 400, 675"``; a single value is a grid too) as a sorted list.

    Examples
    --------
    >>> read_grid("675, 200", int), read_grid("2.04")
    ([200, 675], [2.04])
    """
    try:
        values = sorted({kind(part) for part in str(text).split(",") if part.strip()})
    except ValueError:
        raise ValueError(f"grid {text!r}: expected numbers separated by commas") from None
    if not values:
        raise ValueError(f"grid {text!r}: no values")
    return values


# --- the rules -------------------------------------------------------------------------

#: A rule: a check that returns True for an allowed value, and the words that say what is.
Rule = tuple[Callable[[Any], bool], str]


def _date(value: Any) -> bool:
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return len(str(value)) == 10


def _between(low: float, high: float, *, open_: bool = False) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if not isinstance(value, int | float) or isinstance(value, bool) or math.isnan(value):
            return False
        return low < value < high if open_ else low <= value <= high

    return check


def _grid(kind: type, low: float, high: float = math.inf) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        try:
            values = read_grid(value, kind)
        except ValueError:
            return False
        return all(low <= v <= high and math.isfinite(v) for v in values)

    return check


_P_ADJUST = (
    "none",
    "holm",
    "bonferroni",
    "sidak",
    "holm-sidak",
    "simes-hochberg",
    "hommel",
    "fdr_bh",
    "fdr_by",
)
_LEVEL = (_between(0, 1, open_=True), "a number strictly between 0 and 1")

#: What each parameter allows (every parameter a notebook declares has a rule; tested).
RULES: dict[str, Rule] = {
    "window_start": (_date, "an existing date written YYYY-MM-DD"),
    "window_end": (_date, "an existing date written YYYY-MM-DD"),
    "min_age": (_between(0, 120), "a whole number of years from 0 to 120"),
    "min_followup_days": (_between(0, math.inf), "a whole number of days, 0 or more"),
    "who5_cutoff": (_between(0, 100), "a WHO-5 total from 0 to 100"),
    "improvement_points": (_between(0, 100), "a WHO-5 change from 0 to 100"),
    "alpha_level": _LEVEL,
    "conf_level": _LEVEL,
    "target_power": _LEVEL,
    "p_adjust": (lambda v: v in _P_ADJUST, "one of " + ", ".join(_P_ADJUST)),
    "min_cell_size": (
        _between(1, math.inf),
        "a whole number of people, 1 or more (1: none withheld)",
    ),
    "withhold_extremes": (lambda v: isinstance(v, bool), "true or false"),
    "tolerance_z": (_between(0, math.inf), "a number of standard errors, 0 or more"),
    "seed": (_between(0, 2**63 - 1), "a whole number, 0 or more"),
    "population_scale": (_between(0, math.inf, open_=True), "a positive number"),
    "aim3_sizes": (_grid(int, 7), "whole numbers of at least 7, separated by commas"),
    "aim3_effects": (_grid(float, -math.inf), "numbers separated by commas"),
    "aim3_replicates": (_between(1, math.inf), "a whole number, 1 or more"),
    "aim1_sizes": (_grid(int, 10), "whole numbers of at least 10, separated by commas"),
    "aim1_effects": (_grid(float, 0, 1), "numbers from 0 to 1, separated by commas"),
    "aim1_replicates": (_between(1, math.inf), "a whole number, 1 or more"),
    "n_jobs": (lambda v: isinstance(v, int) and v != 0, "a whole number other than 0 (-1: all)"),
    "scheduler": (
        lambda v: v == "" or "://" in v,
        "empty, or a scheduler address such as tcp://host:8786",
    ),
}


def _cross_checks(values: dict[str, Any]) -> None:
    """Rules between parameters, with the defaults filled in."""
    start = values.get("window_start", COHORT_PARAMETERS["window_start"][1])
    end = values.get("window_end", COHORT_PARAMETERS["window_end"][1])
    if _date(start) and _date(end) and str(end) < str(start):
        raise ValueError(
            f"parameter 'window_end' ({end}) is before 'window_start' ({start}); "
            "the window must end on or after its first day"
        )


def check_parameters(
    parameters: dict[str, Any], notebooks: dict[str, dict[str, dict[str, Any]]]
) -> dict[str, dict[str, Any]]:
    """Split ``parameters`` per notebook, refusing unknown names, wrong types and bad values.

    Parameters
    ----------
    parameters : dict
        Name to value, as given by the user.
    notebooks : dict
        Notebook name to its declared parameters (:func:`notebook_parameters`).

    Returns
    -------
    dict
        Notebook name to the parameters it takes.

    Raises
    ------
    ValueError
        One line naming the parameter, what was given, and what is allowed.
    """
    declared: dict[str, str] = {}
    for spec in notebooks.values():
        for name, info in spec.items():
            declared.setdefault(name, info["type"])
    for name, value in parameters.items():
        if name in RESERVED:
            raise ValueError(f"{name} is set by the runner, not as a parameter")
        if name not in declared:
            known = ", ".join(sorted(set(declared) - set(RESERVED)))
            raise ValueError(f"unknown parameter {name!r}; the notebooks take: {known}")
        expected = declared[name]
        allowed = _TYPES.get(expected)
        wrong_bool = isinstance(value, bool) and expected != "bool"
        if allowed is not None and (wrong_bool or not isinstance(value, allowed)):
            raise ValueError(
                f"parameter {name!r} must be {expected}, got {type(value).__name__} {value!r}"
            )
        if name in RULES:
            check, words = RULES[name]
            if not check(value):
                raise ValueError(f"parameter {name!r} is {value!r}; allowed: {words}")
    _cross_checks(parameters)
    return {
        notebook: {name: value for name, value in parameters.items() if name in spec}
        for notebook, spec in notebooks.items()
    }
