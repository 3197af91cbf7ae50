"""Aim 3: does alliance predict follow-up well-being? Hierarchical OLS and moderation.

The paper's Table 2 is a two-step linear regression among screened-positive
people with complete data; three moderated regressions follow. Every function
returns tidy tables: one row per coefficient, one row per model.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import statsmodels.api as sm
from scipy import stats

from helpers.design import MODERATORS, TABLE2_COVARIATES, TABLE2_FOCAL, UTILIZATION_DUMMIES

__all__ = [
    "aim3_data",
    "hierarchical_regression",
    "moderation",
    "moderation_terms",
    "ols",
    "simple_slopes",
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


def _fit(data: pd.DataFrame, outcome: str, predictors: Sequence[str]):
    for column in (outcome, *predictors):
        if column not in data.columns:
            raise ValueError(f"missing column {column!r}")
    subset = data[[outcome, *predictors]].astype(float)
    if subset.isna().any(axis=None):
        raise ValueError("regression needs complete cases: found missing values")
    if len(subset) <= len(predictors) + 1:
        raise ValueError("regression needs more rows than coefficients")
    design = sm.add_constant(subset[list(predictors)], has_constant="add")
    return sm.OLS(subset[outcome], design).fit(), subset


def ols(data: pd.DataFrame, outcome: str, predictors: Sequence[str], conf_level: float = 0.95):
    """Ordinary least squares as R's ``lm``, with standardized betas as ``lm.beta``.

    Parameters
    ----------
    data : pandas.DataFrame
        Complete cases.
    outcome : str
    predictors : sequence of str
        Columns, in order; an intercept is added.
    conf_level : float, default 0.95

    Returns
    -------
    coefficients : pandas.DataFrame
        One row per term (``Intercept`` first): ``term``, ``b``, ``se``,
        ``t``, ``p``, ``ci_low``, ``ci_high``, ``beta``.
    model : pandas.Series
        ``n``, ``r2``, ``adj_r2``, ``F``, ``df1``, ``df2``, ``p``, ``rss``.

    Notes
    -----
    :math:`\\beta_j = b_j \\, s_{x_j} / s_y` for every column including 0/1
    dummies (SDs with :math:`n - 1`); the intercept's beta is 0 by this
    definition (``lm.beta``).
    """
    fit, subset = _fit(data, outcome, predictors)
    low, high = fit.conf_int(alpha=1 - conf_level).T.to_numpy()
    sd_y = subset[outcome].std(ddof=1)
    beta = [0.0] + [fit.params[p] * subset[p].std(ddof=1) / sd_y for p in predictors]
    coefficients = pd.DataFrame(
        {
            "term": ["Intercept", *predictors],
            "b": fit.params.to_numpy(),
            "se": fit.bse.to_numpy(),
            "t": fit.tvalues.to_numpy(),
            "p": fit.pvalues.to_numpy(),
            "ci_low": low,
            "ci_high": high,
            "beta": beta,
        }
    )
    model = pd.Series(
        {
            "n": float(fit.nobs),
            "r2": fit.rsquared,
            "adj_r2": fit.rsquared_adj,
            "F": fit.fvalue,
            "df1": fit.df_model,
            "df2": fit.df_resid,
            "p": fit.f_pvalue,
            "rss": fit.ssr,
        }
    )
    return coefficients, model


def _change(small: pd.Series, large: pd.Series) -> pd.Series:
    """R² change and its F test between nested models, as ``anova(small, large)``."""
    added = large["df1"] - small["df1"]
    f = ((small["rss"] - large["rss"]) / added) / (large["rss"] / large["df2"])
    return pd.Series(
        {
            "delta_r2": large["r2"] - small["r2"],
            "F_change": f,
            "df1_change": added,
            "df2_change": large["df2"],
            "p_change": float(stats.f.sf(f, added, large["df2"])),
        }
    )


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
        ``df2_change`` and ``p_change`` (the F test of the R² change).
    """
    first_coefficients, first = ols(data, outcome, list(covariates), conf_level)
    second_coefficients, second = ols(data, outcome, [*covariates, *added], conf_level)
    coefficients = pd.concat(
        [first_coefficients.assign(step=1), second_coefficients.assign(step=2)], ignore_index=True
    )
    models = pd.DataFrame([first, pd.concat([second, _change(first, second)])])
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
        ``p``, ``ci_low``, ``ci_high``.
    model : pandas.Series
        Model B's ``r2`` and ``n``, and ``delta_r2``, ``F_change``,
        ``p_change`` against model A.
    coefficients : pandas.DataFrame
        Every term of model B (for simple slopes), as :func:`ols` returns.

    Notes
    -----
    Continuous variables and the outcome are z-scored on these rows with SD
    :math:`n - 1` (R's ``scale()``); dummies stay 0/1. Model A: covariates +
    focal + moderator; model B: A + focal × moderator product(s).
    """
    model_a, products = moderation_terms(moderator, focal, covariates)
    frame = data.copy()
    for column in {*_CONTINUOUS, outcome} & set(frame.columns):
        frame[column] = _z(frame[column].astype(float))
    for product in products:
        first, second = product.split(":")
        frame[product] = frame[first] * frame[second]
    _, model_a_fit = ols(frame, outcome, model_a, conf_level)
    coefficients, model_b = ols(frame, outcome, [*model_a, *products], conf_level)
    interactions = coefficients[coefficients["term"].isin(products)].drop(columns="beta")
    change = _change(model_a_fit, model_b)
    summary = pd.Series(
        {"n": model_b["n"], "r2": model_b["r2"], **change[["delta_r2", "F_change", "p_change"]]}
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
    :math:`b_{focal} + b_{focal \\times d}` in that group.
    """
    b = coefficients.set_index("term")["b"]
    if moderator == "utilization":
        levels = [("therapy", 0.0, 0.0), ("coaching", 1.0, 0.0), ("both", 0.0, 1.0)]
        rows = [
            (
                name,
                b[focal] + c * b[f"{focal}:coaching"] + d * b[f"{focal}:both"],
                b["Intercept"] + c * b["coaching"] + d * b["both"],
            )
            for name, c, d in levels
        ]
    else:
        rows = [
            (name, b[focal] + m * b[f"{focal}:{moderator}"], b["Intercept"] + m * b[moderator])
            for name, m in (("-1 SD", -1.0), ("mean", 0.0), ("+1 SD", 1.0))
        ]
    return pd.DataFrame(rows, columns=["level", "slope", "intercept"])
