"""Statistics of many simulated data sets at once: OLS, Kruskal–Wallis, Wilcoxon rank-sum.

Each function takes a stack of data sets, one row (or slab) per replicate, and
returns one result per replicate with no Python loop over replicates. They
follow R's conventions (``lm``, ``kruskal.test``, ``wilcox.test`` with the tie
and continuity corrections) and are pinned to the same R reference values as
the one-at-a-time statistics of :mod:`helpers.stats` (``tests/whatif/test_simulate.py``).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["kruskal_batch", "ols_batch", "wilcoxon_batch"]


def ols_batch(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """OLS of many data sets at once, each with an intercept.

    Parameters
    ----------
    x : numpy.ndarray, shape (replicates, n, k)
        Predictors (without the intercept column).
    y : numpy.ndarray, shape (replicates, n)
        Outcomes.

    Returns
    -------
    b, se : numpy.ndarray, shape (replicates, k + 1)
        Coefficients (intercept first) and their standard errors.
    df : int
        Residual degrees of freedom, :math:`n - k - 1`.

    Notes
    -----
    Per replicate, :math:`\\hat\\beta = (X^TX)^{-1}X^Ty`,
    :math:`\\hat\\sigma^2 = \\lVert y - X\\hat\\beta\\rVert^2 / (n-k-1)`
    (the residual sum of squares taken as :math:`y^Ty - \\hat\\beta^T X^Ty`) and
    :math:`SE_j = \\hat\\sigma\\sqrt{[(X^TX)^{-1}]_{jj}}`, as R's ``lm``.
    The cross products are batched matrix products (the intercept's row and
    column are the sums, so no column of ones is built), and the small
    systems are inverted in one batched LAPACK call. Forming :math:`X^TX`
    is accurate here: the predictors are on modest scales and the systems
    have six unknowns (the tests compare with statsmodels to 1e-9).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=(2, 50, 1)); y = 1 + 2 * x[..., 0] + rng.normal(size=(2, 50))
    >>> b, se, df = ols_batch(x, y)
    >>> b.shape, df
    ((2, 2), 48)
    """
    if x.ndim != 3 or y.ndim != 2 or x.shape[:2] != y.shape:
        raise ValueError(
            f"ols_batch: need x (replicates, n, k) and y (replicates, n), got {x.shape}, {y.shape}"
        )
    replicates, n, k = x.shape
    df = n - k - 1
    if df < 1:
        raise ValueError(f"ols_batch: {n} rows cannot fit {k + 1} coefficients")
    # X'X and X'y of [1, x], without materializing the intercept column
    sums = x.sum(axis=1)
    xtx = np.empty((replicates, k + 1, k + 1))
    xtx[:, 0, 0] = n
    xtx[:, 0, 1:] = sums
    xtx[:, 1:, 0] = sums
    xtx[:, 1:, 1:] = np.matmul(x.transpose(0, 2, 1), x)
    xty = np.empty((replicates, k + 1))
    xty[:, 0] = y.sum(axis=1)
    xty[:, 1:] = np.matmul(x.transpose(0, 2, 1), y[:, :, None])[:, :, 0]
    inverse = np.linalg.inv(xtx)
    b = np.matmul(inverse, xty[:, :, None])[:, :, 0]
    # residual sum of squares as y'y - b'X'y: no n-by-k product per replicate
    rss = np.einsum("rn,rn->r", y, y) - np.einsum("ri,ri->r", b, xty)
    sigma2 = np.maximum(rss, 0.0) / df
    se = np.sqrt(sigma2[:, None] * np.diagonal(inverse, axis1=1, axis2=2))
    return b, se, df


def _ranks_and_ties(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Average ranks per row, and per row the tie sum :math:`\\sum (t^3 - t)`."""
    ranks = stats.rankdata(values, method="average", axis=1)
    ordered = np.sort(values, axis=1)
    new_run = np.ones_like(ordered, dtype=bool)
    new_run[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    run = np.cumsum(new_run.ravel()) - 1
    lengths = np.bincount(run).astype(float)
    row_of_run = np.repeat(np.arange(values.shape[0]), new_run.sum(axis=1))
    ties = np.bincount(row_of_run, weights=lengths**3 - lengths, minlength=values.shape[0])
    return ranks, ties


def kruskal_batch(values: np.ndarray, groups: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Kruskal-Wallis H (tie-corrected) and p of each row, as R's ``kruskal.test``.

    Parameters
    ----------
    values : numpy.ndarray, shape (replicates, n)
    groups : numpy.ndarray of int, shape (replicates, n)
        Group codes ``0 .. k - 1``; a group absent from a row drops out of its df.

    Notes
    -----
    :math:`H = \\left[\\frac{12}{n(n+1)}\\sum_g \\frac{R_g^2}{n_g} - 3(n+1)\\right]
    / \\left[1 - \\frac{\\sum (t^3 - t)}{n^3 - n}\\right]`, df = groups present - 1.
    """
    replicates, n = values.shape
    ranks, ties = _ranks_and_ties(values)
    flat = (groups + k * np.arange(replicates)[:, None]).ravel()
    sums = np.bincount(flat, weights=ranks.ravel(), minlength=replicates * k).reshape(-1, k)
    sizes = np.bincount(flat, minlength=replicates * k).reshape(-1, k)
    present = sizes > 0
    ratio = np.divide(sums**2, sizes, out=np.zeros_like(sums), where=present)
    h = 12 / (n * (n + 1)) * ratio.sum(axis=1) - 3 * (n + 1)
    h = h / (1 - ties / (n**3 - n))
    return h, stats.chi2.sf(h, present.sum(axis=1) - 1)


def wilcoxon_batch(values: np.ndarray, first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """W and two-sided p of each row, as R's ``wilcox.test(correct = TRUE)`` (normal approximation).

    Parameters
    ----------
    values : numpy.ndarray, shape (replicates, n)
    first : numpy.ndarray of bool, shape (replicates, n)
        Membership of the first group (W is its U).
    """
    n = values.shape[1]
    ranks, ties = _ranks_and_ties(values)
    n1 = first.sum(axis=1).astype(float)
    n2 = n - n1
    w = (ranks * first).sum(axis=1) - n1 * (n1 + 1) / 2
    centred = w - n1 * n2 / 2
    sigma = np.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    z = (centred - 0.5 * np.sign(centred)) / sigma
    return w, 2 * stats.norm.sf(np.abs(z))
