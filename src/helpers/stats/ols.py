"""Ordinary least squares as R's ``lm``: aliased columns, coefficients, fit, R² change.

Like R's ``lm``, a column that is (numerically) a linear combination of the
columns before it is *aliased*: its coefficient is NA, and the model is fitted
without it (statsmodels alone would split the effect with a pseudo-inverse and
print a number). What cannot be estimated is NaN, with the reason in the
``note`` column or entry (:mod:`helpers.stats.notes`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.regression.linear_model import OLS  # not statsmodels.api: 0.3 s of imports
from statsmodels.tools.tools import add_constant

from helpers.stats.notes import NOTE, joined, plural

__all__ = ["aliased", "not_estimable_fit", "ols", "r2_change"]


_TOL = 1e-7
_COEFFICIENT_FIELDS = ("b", "se", "t", "p", "ci_low", "ci_high", "beta")
_MODEL_FIELDS = ("n", "r2", "adj_r2", "F", "df1", "df2", "p", "rss")


def aliased(design: np.ndarray | pd.DataFrame, tol: float = _TOL) -> np.ndarray:
    """Which columns R's ``lm`` would alias (report as NA), left to right.

    Parameters
    ----------
    design : array or DataFrame, n × p
        The model matrix, intercept column included.
    tol : float, default 1e-7
        ``lm.fit``'s tolerance.

    Returns
    -------
    numpy.ndarray of bool
        True for each aliased column.

    Notes
    -----
    R's QR decomposition (LINPACK ``dqrdc2``, "limited column pivoting") moves
    a column to the end when its norm, after the columns kept before it are
    projected out, is below ``tol`` times its original norm (a zero column
    counts with norm 1); the moved columns are aliased, and at most :math:`n`
    columns are kept. The same rule, column by column, with an orthonormal
    basis of the kept columns (projected twice for accuracy).

    Examples
    --------
    >>> x = np.array([[1, 0, 0], [1, 1, 2], [1, 2, 4], [1, 3, 6.0]])
    >>> aliased(x).tolist()  # the third column is twice the second
    [False, False, True]
    """
    matrix = np.asarray(design, dtype=float)
    n, p = matrix.shape
    basis = np.empty((n, 0))
    result = np.zeros(p, dtype=bool)
    for j in range(p):
        column = matrix[:, j]
        norm = np.linalg.norm(column) or 1.0
        residual = column - basis @ (basis.T @ column)
        residual = residual - basis @ (basis.T @ residual)
        size = np.linalg.norm(residual)
        if basis.shape[1] >= n or size < tol * norm:
            result[j] = True
        else:
            basis = np.column_stack([basis, residual / size])
    return result


def _alias_reason(term: str, column: pd.Series, rows: int, kept: int) -> str:
    """Why R's lm aliases ``term``: too few rows, a constant column, or a linear combination."""
    if kept >= rows:
        return f"{term} is aliased: no more complete cases ({rows}) than coefficients before it"
    if column.nunique() <= 1:
        return f"{term} does not vary in these data (aliased: R's lm reports NA)"
    return f"{term} is a linear combination of the terms before it (aliased: R's lm reports NA)"


def _complete(data: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> pd.DataFrame:
    for column in (outcome, *predictors):
        if column not in data.columns:
            raise ValueError(f"missing column {column!r}")
    subset = data[[outcome, *predictors]].astype(float)
    if subset.isna().any(axis=None):
        raise ValueError("regression needs complete cases: found missing values")
    return subset


def not_estimable_fit(terms: Sequence[str], n: int, reason: str):
    """Every coefficient and model field NaN, for the same reason."""
    coefficients = pd.DataFrame(
        {"term": list(terms), **dict.fromkeys(_COEFFICIENT_FIELDS, np.nan), NOTE: reason}
    )
    model = pd.Series({**dict.fromkeys(_MODEL_FIELDS, np.nan), "n": float(n), NOTE: reason})
    return coefficients, model


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
        ``t``, ``p``, ``ci_low``, ``ci_high``, ``beta``, ``note``.
    model : pandas.Series
        ``n``, ``r2``, ``adj_r2``, ``F``, ``df1``, ``df2``, ``p``, ``rss``, ``note``.

    Notes
    -----
    :math:`\\beta_j = b_j \\, s_{x_j} / s_y` for every column including 0/1
    dummies (SDs with :math:`n - 1`); the intercept's beta is 0 by this
    definition (``lm.beta``).

    Not estimable, as in R: an aliased column (:func:`aliased`: constant, a
    linear combination of the columns before it, or beyond the number of
    complete cases) has every field NaN, and the model is fitted without it;
    without residual degrees of freedom (as many coefficients as people) the
    coefficients stand but their SEs, tests and intervals are NaN, as are the
    model's F and p; with a constant outcome nothing but the coefficients is
    estimable; without complete cases (``lm`` stops: "0 (non-NA) cases")
    nothing is.
    """
    subset = _complete(data, outcome, predictors)
    terms = ["Intercept", *predictors]
    n = len(subset)
    if n == 0:
        return not_estimable_fit(terms, 0, "no complete cases")
    design = add_constant(subset[list(predictors)], has_constant="add")
    dropped = aliased(design)
    kept = design.loc[:, ~dropped] if dropped.any() else design
    rank = kept.shape[1]
    notes = [
        _alias_reason(term, design[column], n, rank) if out else ""
        for term, column, out in zip(terms, design.columns, dropped, strict=True)
    ]
    fit = OLS(subset[outcome], kept).fit()
    b = pd.Series(np.nan, index=design.columns)
    b[kept.columns] = fit.params
    whole = ""
    if n - rank == 0:
        whole = (
            f"no residual degrees of freedom ({plural(rank, 'coefficient')} for "
            f"{plural(n, 'complete case')})"
        )
    elif np.ptp(subset[outcome].to_numpy()) == 0:
        whole = f"the outcome {outcome} does not vary in these data"
    coefficients = pd.DataFrame({"term": terms, "b": b.to_numpy()})
    for field in ("se", "t", "p", "ci_low", "ci_high"):
        coefficients[field] = np.nan
    if not whole:
        low, high = fit.conf_int(alpha=1 - conf_level).T.to_numpy()
        inside = ~dropped
        coefficients.loc[inside, "se"] = fit.bse.to_numpy()
        coefficients.loc[inside, "t"] = fit.tvalues.to_numpy()
        coefficients.loc[inside, "p"] = fit.pvalues.to_numpy()
        coefficients.loc[inside, "ci_low"] = low
        coefficients.loc[inside, "ci_high"] = high
    if whole:
        coefficients["beta"] = [0.0] + [np.nan] * len(predictors)
    else:
        sd_y = subset[outcome].std(ddof=1)
        coefficients["beta"] = [0.0] + [b[p] * subset[p].std(ddof=1) / sd_y for p in predictors]
    coefficients[NOTE] = [note or whole for note in notes]
    model = _model(fit, rank, whole)
    return coefficients, model


def _model(fit, rank: int, whole: str) -> pd.Series:
    """The model's fields, as ``summary.lm``: R², F and its p only where R gives them.

    With the intercept alone (every predictor aliased) R reports R² = 0 and no
    F; with a constant outcome R² is 0/0; without residual degrees of freedom
    R² stands (1 for a perfect fit) but the adjusted R² and F do not.
    """
    reasons = [whole]
    if rank == 1:
        reasons.append("no predictor could be estimated")
        r2 = adj_r2 = 0.0
    else:
        varies = fit.centered_tss > 0
        r2 = fit.rsquared if varies else np.nan
        adj_r2 = fit.rsquared_adj if varies and fit.df_resid > 0 else np.nan
    test = not whole and rank > 1
    fields = {
        "n": float(fit.nobs),
        "r2": r2,
        "adj_r2": adj_r2,
        "F": fit.fvalue if test else np.nan,
        "df1": fit.df_model,
        "df2": fit.df_resid,
        "p": fit.f_pvalue if test else np.nan,
        "rss": fit.ssr,
    }
    return pd.Series({**fields, NOTE: joined(reasons)})


def r2_change(small: pd.Series, large: pd.Series) -> pd.Series:
    """R² change and its F test between nested models, as ``anova(small, large)``."""
    added = large["df1"] - small["df1"]
    reasons = [small[NOTE], large[NOTE]]
    if added == 0:
        reasons.append("the larger model adds no estimable term")
    if added == 0 or large["df2"] == 0 or np.isnan(large["rss"]) or large[NOTE]:
        f = p = np.nan
    else:
        f = ((small["rss"] - large["rss"]) / added) / (large["rss"] / large["df2"])
        p = float(stats.f.sf(f, added, large["df2"]))
    return pd.Series(
        {
            "delta_r2": large["r2"] - small["r2"],
            "F_change": f,
            "df1_change": added,
            "df2_change": large["df2"],
            "p_change": p,
            NOTE: joined(reasons),
        }
    )
