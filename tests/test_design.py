"""One home for the study design: notebook parameters and derivation defaults agree with it."""

from __future__ import annotations

import ast
import inspect

import pytest

from helpers import claims, design
from helpers.data.cohort import derive_cohort
from helpers.paths import NOTEBOOK_DIR
from helpers.pipeline.run import NOTEBOOKS, WHATIF, notebook_parameters

ANALYSIS = [f"{name}.ipynb" for name in claims.NOTEBOOKS]  # the notebooks that write estimates
#: Parameters other than the cohort's that mean the same in every notebook declaring them.
SHARED = {
    "alpha_level": (float, design.ALPHA_LEVEL),
    "conf_level": (float, design.CONF_LEVEL),
    "min_cell_size": (int, design.MIN_CELL_SIZE),
    "withhold_extremes": (bool, design.WITHHOLD_EXTREMES),
}


def _declared(name: str) -> dict[str, tuple[str, object]]:
    return {
        parameter: (info["type"], ast.literal_eval(info["default"]))
        for parameter, info in notebook_parameters(NOTEBOOK_DIR / name).items()
    }


@pytest.mark.parametrize("name", [*NOTEBOOKS, WHATIF])
def test_each_notebooks_parameters_agree_with_the_design(name):
    declared = _declared(name)
    for parameter, (kind, default) in {**design.COHORT_PARAMETERS, **SHARED}.items():
        if parameter in declared:
            assert declared[parameter] == (kind.__name__, default), (name, parameter)


@pytest.mark.parametrize("name", ANALYSIS)
def test_each_analysis_notebook_declares_the_cohort_parameters_the_derivation_needs(name):
    declared = _declared(name)
    needed = set(design.COHORT_PARAMETERS) - {"improvement_points"}  # only aim 2 and Table 1
    assert needed <= set(declared), sorted(needed - set(declared))


def test_the_derivation_defaults_are_the_design():
    signature = inspect.signature(derive_cohort)
    defaults = {name: signature.parameters[name].default for name in design.COHORT_PARAMETERS}
    assert defaults == {name: value for name, (_, value) in design.COHORT_PARAMETERS.items()}


@pytest.mark.parametrize("name", ANALYSIS)
def test_each_analysis_notebook_withholds_small_cells(name):
    """Every notebook that writes estimates takes min_cell_size; those that show a minimum or
    a maximum (a single person's value) also take withhold_extremes."""
    declared = _declared(name)
    assert "min_cell_size" in declared
    stem = name.removesuffix(".ipynb")
    extremes = [
        k for k, c in claims.REGISTRY.items() if c.notebook == stem and k.endswith(("min", "max"))
    ]
    assert ("withhold_extremes" in declared) == bool(extremes), (name, extremes[:3])
