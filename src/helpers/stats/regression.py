"""Aim 3: does alliance predict follow-up well-being? Hierarchical OLS and moderation.

The paper's Table 2 is a two-step linear regression among screened-positive
people with complete data; three moderated regressions follow. Every function
returns tidy tables: one row per coefficient, one row per model.

The fits are R's ``lm`` (:mod:`helpers.stats.ols`: aliased columns are NA, as
in R); what cannot be estimated is NaN, with the reason in the ``note`` column
or entry (:mod:`helpers.stats.notes`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.design import MODERATORS, TABLE2_COVARIATES, TABLE2_FOCAL, UTILIZATION_DUMMIES
from helpers.formatting import p_text
from helpers.stats.notes import NOTE, joined, not_estimated
from helpers.stats.ols import not_estimable_fit, ols, r2_change

__all__ = [
    "aim3_data",
    "hierarchical_regression",
    "interaction_sentence",
    "level_groups",
    "moderation",
    "moderation_terms",
    "simple_slopes",
    "term_groups",
]

#: Columns z-scored in the moderation models (everything but the 0/1 dummies).
_CONTINUOUS = ("age", "time_in_care_days", "who5_baseline", TABLE2_FOCAL, "n_sessions")


def aim3_data(participants: pd.DataFrame, missing_sex: str = "drop") -> pd.DataFrame:
    """The rows and columns aim 3 analyses: screened positive, complete cases.

    Parameters
    ----------
    participants : pandas.DataFrame
        ``Cohort.participants`` (one row per analysed person).
    missing_sex : {"drop", "category"}
        The paper's complete cases drop people whose sex is missing; with
        ``"category"`` they stay, with a 0/1 column ``sex_missing`` to add to
        the covariates (a robustness choice of the multiverse).

    Returns
    -------
    pandas.DataFrame
        Screened-positive people whose sex is female or male (age, baseline,
        time in care and alliance are never missing in the cohort), with
        ``who5_followup``, ``age``, ``male``, ``time_in_care_days``,
        ``who5_baseline``, ``alliance_score``, ``n_sessions``, ``coaching``
        and ``both`` (0/1, therapy the reference), ``utilization``.
    """
    needed = {"screened_positive", "sex", "utilization", "who5_followup", *_CONTINUOUS}
    missing = needed - set(participants.columns)
    if missing:
        raise ValueError(f"aim3_data: missing column(s) {', '.join(sorted(missing))}")
    if missing_sex not in ("drop", "category"):
        raise ValueError(
            f"aim3_data: missing_sex must be 'drop' or 'category', got {missing_sex!r}"
        )
    rows = participants["screened_positive"].astype(bool)
    if missing_sex == "drop":
        rows = rows & participants["sex"].isin(["female", "male"]).astype(bool)
    people = participants.loc[rows]
    frame = pd.DataFrame(
        {
            "who5_followup": people["who5_followup"].astype(float),
            "age": people["age"].astype(float),
            "male": (people["sex"] == "male").fillna(False).astype(float),
            "time_in_care_days": people["time_in_care_days"].astype(float),
            "who5_baseline": people["who5_baseline"].astype(float),
            "alliance_score": people["alliance_score"].astype(float),
            "n_sessions": people["n_sessions"].astype(float),
            "coaching": (people["utilization"] == "coaching").astype(float),
            "both": (people["utilization"] == "both").astype(float),
            "utilization": people["utilization"].astype(str),
        }
    )
    if missing_sex == "category":
        frame.insert(3, "sex_missing", people["sex"].isna().astype(float))
    if frame.drop(columns="utilization").isna().any(axis=None):
        raise ValueError("aim3_data: complete cases still hold missing values")
    return frame.reset_index(drop=True)


#: The 0/1 columns of :func:`aim3_data`: column -> the group coded 1, the group coded 0
#: (for a utilization dummy: therapy, the reference of both dummies).
_DUMMY_GROUPS = {"male": ("male", "female"), **{d: (d, "therapy") for d in UTILIZATION_DUMMIES}}


def term_groups(data: pd.DataFrame, term: str) -> dict[str, int]:
    """The people a coefficient's estimate rests on, by group, for disclosure control.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`aim3_data` output.
    term : str
        A coefficient's term: a column (``male``), a product with the focal
        predictor (``alliance_score:both``), or ``Intercept``.

    Returns
    -------
    dict
        For a 0/1 column, or its product, the group coded 1 and the group it is
        compared with, each with its size (``{"both": 12, "therapy": 950}``);
        for any other term everyone, as ``{"people": n}``.

    Examples
    --------
    >>> data = pd.DataFrame({"male": [1.0, 0.0, 0.0], "coaching": [0.0, 1.0, 0.0],
    ...                      "both": [0.0, 0.0, 0.0]})
    >>> term_groups(data, "male"), term_groups(data, "alliance_score:coaching")
    ({'male': 1, 'female': 2}, {'coaching': 1, 'therapy': 2})
    >>> term_groups(data, "age")
    {'people': 3}
    """
    column = term.split(":")[-1]
    if column not in _DUMMY_GROUPS:
        return {"people": len(data)}
    one, zero = _DUMMY_GROUPS[column]
    coded = data[column] == 1
    if column == "male":
        reference = data[column] == 0
    else:
        reference = (data[list(UTILIZATION_DUMMIES)] == 0).all(axis=1)
    return {one: int(coded.sum()), zero: int(reference.sum())}


def level_groups(data: pd.DataFrame, moderator: str, level: str) -> dict[str, int]:
    """The people a simple slope (:func:`simple_slopes`) rests on, by group.

    A utilization type's slope rests on that type's people; a slope at a level of
    a continuous moderator (−1 SD, mean, +1 SD) on everyone, as ``{"people": n}``.

    Examples
    --------
    >>> data = pd.DataFrame({"utilization": ["therapy", "therapy", "both"]})
    >>> level_groups(data, "utilization", "both"), level_groups(data, "n_sessions", "mean")
    ({'both': 1}, {'people': 3})
    """
    if moderator == "utilization":
        return {level: int((data["utilization"] == level).sum())}
    return {"people": len(data)}


#: R's ``lm.fit`` tolerance: a column whose norm, once the columns before it are
#: projected out, falls below ``tol`` times its own norm is aliased.


def hierarchical_regression(
    data: pd.DataFrame,
    outcome: str = "who5_followup",
    covariates: Sequence[str] = TABLE2_COVARIATES,
    added: Sequence[str] = (TABLE2_FOCAL,),
    conf_level: float = 0.95,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Table 2: covariates (step 1), then the added predictor(s) (step 2), same rows.

    Returns
    -------
    coefficients : pandas.DataFrame
        ``step`` (1 or 2) and the columns of :func:`ols`.
    models : pandas.DataFrame
        One row per step: ``step`` and the model columns of :func:`ols`;
        step 2 also carries ``delta_r2``, ``F_change``, ``df1_change``,
        ``df2_change`` and ``p_change`` (the F test of the R² change, NaN when
        step 2 adds no estimable term). ``note`` says why a field is NaN.
    """
    first_coefficients, first = ols(data, outcome, list(covariates), conf_level)
    second_coefficients, second = ols(data, outcome, [*covariates, *added], conf_level)
    coefficients = pd.concat(
        [first_coefficients.assign(step=1), second_coefficients.assign(step=2)], ignore_index=True
    )
    change = r2_change(first, second)
    second_row = {
        **second.drop(NOTE).to_dict(),
        **change.drop(NOTE).to_dict(),
        NOTE: joined([second[NOTE], change[NOTE]]),
    }
    models = pd.DataFrame([first.to_dict(), second_row])
    models.insert(0, "step", [1, 2])
    return coefficients[["step", *first_coefficients.columns]], models.reset_index(drop=True)


def _z(values: pd.Series) -> pd.Series:
    return (values - values.mean()) / values.std(ddof=1)


def moderation_terms(
    moderator: str, focal: str = TABLE2_FOCAL, covariates: Sequence[str] = TABLE2_COVARIATES
) -> tuple[list[str], list[str]]:
    """The predictors of a moderation analysis: model A's, and the products model B adds.

    Parameters
    ----------
    moderator : {"utilization", "who5_baseline", "n_sessions"}
        :data:`helpers.design.MODERATORS`.
    focal, covariates
        Table 2's; a covariate that is the moderator is left out of the covariates.

    Returns
    -------
    model_a : list of str
        Covariates, the focal predictor, the moderator's column(s) (the two
        utilization dummies, or the moderator itself).
    products : list of str
        ``"<focal>:<column>"`` for each moderator column: model B is A + these.

    Examples
    --------
    >>> model_a, products = moderation_terms("who5_baseline")
    >>> len(model_a) + len(products)  # model B's predictors
    6
    """
    if moderator not in MODERATORS:
        raise ValueError(
            f"moderation: moderator must be one of {', '.join(MODERATORS)}, got {moderator!r}"
        )
    columns = list(UTILIZATION_DUMMIES) if moderator == "utilization" else [moderator]
    kept = [c for c in covariates if c not in columns]
    return [*kept, focal, *columns], [f"{focal}:{column}" for column in columns]


def moderation(
    data: pd.DataFrame,
    moderator: str,
    outcome: str = "who5_followup",
    focal: str = TABLE2_FOCAL,
    covariates: Sequence[str] = TABLE2_COVARIATES,
    conf_level: float = 0.95,
) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """Moderated regression: does the focal predictor's slope depend on the moderator?

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`aim3_data` rows.
    moderator : {"utilization", "who5_baseline", "n_sessions"}
        ``utilization`` enters as the 0/1 dummies ``coaching`` and ``both``
        (therapy the reference); the others as z-scores.
    outcome, focal, covariates
        Table 2's; a covariate that is the moderator is left out of the
        covariates.

    Returns
    -------
    interactions : pandas.DataFrame
        One row per product term (model B): ``term``, ``b``, ``se``, ``t``,
        ``p``, ``ci_low``, ``ci_high``, ``note``.
    model : pandas.Series
        Model B's ``r2`` and ``n``, and ``delta_r2``, ``F_change``,
        ``p_change`` against model A, and ``note``.
    coefficients : pandas.DataFrame
        Every term of model B (for simple slopes), as :func:`ols` returns.

    Notes
    -----
    Continuous variables and the outcome are z-scored on these rows with SD
    :math:`n - 1` (R's ``scale()``); dummies stay 0/1. Model A: covariates +
    focal + moderator; model B: A + focal × moderator product(s).

    Not estimable: a product aliased in model B (with one person in a
    utilization group, its product is a multiple of its dummy) is NaN, as in
    R's ``lm``; when a z-scored variable of the model is constant, or there
    are fewer than two rows, R's ``scale()`` gives NaN and ``lm`` has no
    cases, so every field is NaN.
    """
    model_a, products = moderation_terms(moderator, focal, covariates)
    frame = data.copy()
    for column in {*_CONTINUOUS, outcome} & set(frame.columns):
        frame[column] = _z(frame[column].astype(float))
    scaled = [c for c in (outcome, *model_a) if c in {*_CONTINUOUS, outcome}]
    constant = [c for c in scaled if c in data.columns and data[c].nunique() <= 1]
    if len(data) < 2 or constant:
        reason = (
            f"fewer than two complete cases ({len(data)}) to z-score"
            if len(data) < 2
            else f"the standard deviation of {' and '.join(constant)} is zero "
            "(R's scale() cannot z-score it)"
        )
        coefficients, _ = not_estimable_fit(["Intercept", *model_a, *products], len(data), reason)
        interactions = coefficients[coefficients["term"].isin(products)].drop(columns="beta")
        summary = pd.Series(
            {
                "n": float(len(data)),
                **dict.fromkeys(("r2", "delta_r2", "F_change", "p_change"), np.nan),
                NOTE: reason,
            }
        )
        return interactions.reset_index(drop=True), summary, coefficients
    for product in products:
        first, second = product.split(":")
        frame[product] = frame[first] * frame[second]
    _, model_a_fit = ols(frame, outcome, model_a, conf_level)
    coefficients, model_b = ols(frame, outcome, [*model_a, *products], conf_level)
    interactions = coefficients[coefficients["term"].isin(products)].drop(columns="beta")
    change = r2_change(model_a_fit, model_b)
    summary = pd.Series(
        {
            "n": model_b["n"],
            "r2": model_b["r2"],
            **change[["delta_r2", "F_change", "p_change"]],
            NOTE: joined([model_b[NOTE], change[NOTE]]),
        }
    )
    return interactions.reset_index(drop=True), summary, coefficients


def simple_slopes(coefficients: pd.DataFrame, moderator: str, focal: str = TABLE2_FOCAL):
    """The focal predictor's slope at chosen moderator values, from a moderation model B.

    Parameters
    ----------
    coefficients : pandas.DataFrame
        The third result of :func:`moderation`.
    moderator : {"utilization", "who5_baseline", "n_sessions"}

    Returns
    -------
    pandas.DataFrame
        ``level`` (therapy, coaching, both; or −1 SD, mean, +1 SD) and
        ``slope`` (outcome SDs per SD of the focal predictor), ``intercept``
        (the line's height at the focal mean, covariates at their means or 0).

    Notes
    -----
    For a continuous moderator :math:`m` (z-scored) the slope is
    :math:`b_{focal} + b_{focal \\times m} \\, m`; for a dummy it is
    :math:`b_{focal} + b_{focal \\times d}` in that group. A level that needs an
    aliased (NaN) term is NaN; the others stand.
    """
    b = coefficients.set_index("term")["b"]

    def line(base: str, weights: dict[str, float]) -> float:
        # a term weighted 0 does not enter, so an aliased (NaN) term only spoils its own level
        return b[base] + sum(w * b[term] for term, w in weights.items() if w)

    if moderator == "utilization":
        levels = [("therapy", 0.0, 0.0), ("coaching", 1.0, 0.0), ("both", 0.0, 1.0)]
        rows = [
            (
                name,
                line(focal, {f"{focal}:coaching": c, f"{focal}:both": d}),
                line("Intercept", {"coaching": c, "both": d}),
            )
            for name, c, d in levels
        ]
    else:
        rows = [
            (name, line(focal, {f"{focal}:{moderator}": m}), line("Intercept", {moderator: m}))
            for name, m in (("-1 SD", -1.0), ("mean", 0.0), ("+1 SD", 1.0))
        ]
    return pd.DataFrame(rows, columns=["level", "slope", "intercept"])


def interaction_sentence(interactions: pd.DataFrame, alpha_level: float = 0.05) -> str:
    """Whether the focal predictor's slope depended on the moderators, in words.

    Parameters
    ----------
    interactions : pandas.DataFrame
        The product terms of every moderation model (the first results of
        :func:`moderation`, concatenated).
    alpha_level : float, default 0.05

    Returns
    -------
    str
        The verdict by the smallest interaction p of those estimated; then
        which products could not be estimated, and why.

    Examples
    --------
    >>> table = pd.DataFrame({"term": ["a:b", "a:c"], "p": [0.31, float("nan")],
    ...                       "note": ["", "a:c does not vary in these data"]})
    >>> interaction_sentence(table)  # doctest: +NORMALIZE_WHITESPACE
    'The alliance association did not depend on the moderators tested (smallest interaction
    p = .310). a:c could not be estimated: a:c does not vary in these data.'
    """
    tested, lost = interactions[interactions["p"].notna()], interactions[interactions["p"].isna()]
    parts: list[str] = []
    if len(tested):
        smallest = tested["p"].min()
        verdict = "did not depend" if smallest >= alpha_level else "depended"
        parts.append(
            f"The alliance association {verdict} on the moderators tested (smallest "
            f"interaction {p_text(smallest)})."
        )
    if len(lost):
        parts.append(not_estimated(interactions, "p"))
    return " ".join(parts) or "No interaction was tested."
