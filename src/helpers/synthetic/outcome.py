"""The aim 3 outcome model, written once: follow-up WHO-5 of screened-positive people.

.. math::

    f = \\beta_0 + \\beta_{age}\\,\\text{age} + \\beta_{male}\\,\\text{male}
        + \\beta_{care}\\,\\text{care} + \\beta_{base}\\,\\text{base}
        + \\beta_{all}\\,\\text{alliance} + \\gamma_g + \\varepsilon,
    \\qquad \\varepsilon = \\sigma\\,\\frac{G - k}{\\sqrt{k}},\\; G \\sim \\text{Gamma}(k, 1)

rounded to the WHO-5's steps of 4 within 0–100. The coefficients are Table 2's
full model (:class:`~helpers.synthetic.model.PopulationModel`, ``followup_*``;
the alliance coefficient can be replaced by a true effect), :math:`\\gamma_g`
gives each utilization type its published mean change, and the residual is a
centred gamma with shape ``followup_residual_skew`` and SD
``followup_residual_sd``: zero mean, right-skewed.

The generator (:func:`helpers.synthetic.render.followup_who5`, both modes) and
the study simulation (:mod:`helpers.whatif.simulate`) both call these
functions; each draws its gamma variates as it needs (the generator one
float64 vector, the simulation float32 matrices of replicates) and passes them
through :func:`centred_gamma`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.design import TABLE2_COVARIATES, TABLE2_FOCAL, UTILIZATION_TYPES, WHO5_MAX, WHO5_STEP
from helpers.synthetic.model import PopulationModel

__all__ = [
    "BASELINE",
    "PREDICTORS",
    "centred_gamma",
    "coefficients",
    "design",
    "expected_followup",
    "group_shifts",
    "linear_predictor",
    "residuals",
    "to_who5_steps",
    "utilization_codes",
]

#: Table 2's predictors, in the order of the design matrix (after the intercept).
PREDICTORS = (*TABLE2_COVARIATES, TABLE2_FOCAL)
#: Column of the baseline WHO-5 in the design matrix.
BASELINE = PREDICTORS.index("who5_baseline")


def coefficients(model: PopulationModel, alliance: float | None = None) -> np.ndarray:
    """Table 2's coefficient vector: the intercept, then one per :data:`PREDICTORS`.

    Parameters
    ----------
    model : PopulationModel
    alliance : float, optional
        The alliance coefficient (a true effect); default the model's
        ``followup_alliance`` (the paper's 2.04).

    Examples
    --------
    >>> coefficients(PopulationModel(), alliance=0.0).tolist()
    [12.6, 0.03, 0.04, -0.01, 0.66, 0.0]
    """
    return np.array(
        [
            model.followup_intercept,
            model.followup_age,
            model.followup_male,
            model.followup_time_in_care,
            model.followup_baseline,
            model.followup_alliance if alliance is None else alliance,
        ]
    )


def design(people: pd.DataFrame, alliance) -> np.ndarray:
    """The predictors of person-plan rows, columns :data:`PREDICTORS` (no intercept).

    ``male`` is 1 for men and 0 for women and people with sex missing; the
    alliance scores are passed separately (the plan gains them late).
    """
    return np.column_stack(
        [
            people["age"].to_numpy(),
            people["sex"].to_numpy() == "male",
            people["time_in_care_days"].to_numpy(),
            people["who5_baseline"].to_numpy(),
            np.asarray(alliance),
        ]
    ).astype(float)


def linear_predictor(beta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """:math:`\\beta_0 + \\sum_j \\beta_j x_j`, added term by term in :data:`PREDICTORS` order."""
    total = beta[0] + beta[1] * x[:, 0]
    for j in range(2, len(beta)):
        total = total + beta[j] * x[:, j - 1]
    return total


def utilization_codes(utilization) -> np.ndarray:
    """Index of each utilization type in :data:`helpers.design.UTILIZATION_TYPES`."""
    utilization = np.asarray(utilization)
    codes = np.full(len(utilization), -1, dtype=np.int64)
    for code, group in enumerate(UTILIZATION_TYPES):
        codes[utilization == group] = code
    if (codes < 0).any():
        raise ValueError(f"utilization: expected one of {', '.join(UTILIZATION_TYPES)}")
    return codes


def group_shifts(
    model: PopulationModel, utilization, baseline: np.ndarray, predicted: np.ndarray
) -> np.ndarray:
    """Per utilization type, the shift :math:`\\gamma_g` that gives its people their mean change.

    :math:`\\gamma_g = \\bar b_g + \\Delta_g - \\bar p_g` over the people
    given: the mean baseline plus the published mean change (aim 2) minus
    the mean linear predictor, so the expected follow-up of the group's
    people averages to its published change. Types with nobody get 0.

    Returns
    -------
    numpy.ndarray
        One shift per :data:`helpers.design.UTILIZATION_TYPES`, in that order.
    """
    utilization = np.asarray(utilization)
    shifts = np.zeros(len(UTILIZATION_TYPES))
    for code, group in enumerate(UTILIZATION_TYPES):
        rows = utilization == group
        if rows.any():
            wanted = baseline[rows].mean() + model.groups[group].change
            shifts[code] = wanted - predicted[rows].mean()
    return shifts


def expected_followup(
    model: PopulationModel, x: np.ndarray, utilization, alliance: float | None = None
) -> np.ndarray:
    """Each person's expected follow-up WHO-5: Table 2's predictor plus their group's shift.

    Parameters
    ----------
    model : PopulationModel
    x : numpy.ndarray, shape (n, 5)
        Predictors, columns :data:`PREDICTORS` (:func:`design`).
    utilization : array of str
        Each person's utilization type; the shifts are computed over these people.
    alliance : float, optional
        The alliance coefficient (default the model's).
    """
    predicted = linear_predictor(coefficients(model, alliance), x)
    shifts = group_shifts(model, utilization, x[:, BASELINE], predicted)
    return predicted + shifts[utilization_codes(utilization)]


def centred_gamma(draws: np.ndarray, shape: float, sd: float) -> np.ndarray:
    """The residual law: standard gamma draws of ``shape``, centred and scaled to SD ``sd``.

    :math:`\\sigma (G - k) / \\sqrt{k}` has mean 0, SD :math:`\\sigma` and
    skewness :math:`2 / \\sqrt{k}`.
    """
    return (draws - shape) / np.sqrt(shape) * sd


def residuals(rng: np.random.Generator, model: PopulationModel, n: int) -> np.ndarray:
    """``n`` residuals of the model (the generator's draw: float64 gamma variates)."""
    shape = model.followup_residual_skew
    return centred_gamma(rng.gamma(shape, 1.0, n), shape, model.followup_residual_sd)


def to_who5_steps(values: np.ndarray) -> np.ndarray:
    """Round WHO-5 totals to the nearest step (:data:`~helpers.design.WHO5_STEP`) within 0–100.

    Examples
    --------
    >>> to_who5_steps(np.array([-3.0, 9.9, 101.0])).tolist()
    [0.0, 8.0, 100.0]
    """
    return np.clip(np.round(values / WHO5_STEP), 0, WHO5_MAX // WHO5_STEP) * WHO5_STEP
