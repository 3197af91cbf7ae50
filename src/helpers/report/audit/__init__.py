"""Audit the paper's printed numbers against each other, before looking at any data.

Each check recomputes one printed number from others and carries their
rounding through the arithmetic (:mod:`helpers.report.intervals`, after
statcheck and GRIM): a p from its test statistic and df, a CI from its estimate
and SE, a total from its groups, a percentage from its counts. The printed
number is consistent when it overlaps the recomputed range, and an
inconsistent p-value is gross when it lies on the other side of :data:`ALPHA`.
The checks of nonparametric tests, Tukey p from group means, regression tables
and model comparisons are ours.

The groups, pairs, terms and moderators come from :mod:`helpers.design`, the
keys from :mod:`helpers.claims`. Only the report uses this module; it reads
printed values, never data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from helpers.report.audit._shared import ALPHA
from helpers.report.audit.change import anova, cohen_d, infer_d_variant, mean_change
from helpers.report.audit.cohort import count_totals, percentages, repeated, weighted_totals
from helpers.report.audit.nonparametric import dunn, infer_p_adjustment, kruskal, spearman, wilcoxon
from helpers.report.audit.regression import coefficients, model_fit
from helpers.report.intervals import Finding, Paper, findings_frame

__all__ = [
    "ALPHA",
    "Finding",
    "Paper",
    "audit",
    "infer_d_variant",
    "infer_p_adjustment",
    "summarize",
]

#: Every check, in the order of the paper.
CHECKS: tuple[Callable[[Paper], Iterable[Finding]], ...] = (
    count_totals,
    percentages,
    weighted_totals,
    repeated,
    kruskal,
    dunn,
    wilcoxon,
    spearman,
    mean_change,
    cohen_d,
    anova,
    coefficients,
    model_fit,
)


def audit(published: pd.DataFrame | Paper) -> pd.DataFrame:
    """Run every check on a paper's printed values.

    Parameters
    ----------
    published : pandas.DataFrame or Paper
        ``key``, ``group``, ``reported`` as printed (see
        :func:`helpers.report.published.load_published`).

    Returns
    -------
    pandas.DataFrame
        One row per check: ``check``, ``claim``, ``printed``, ``recomputed``
        (the range the other printed numbers allow), ``consistent``,
        ``gross`` (a p-value on the other side of :data:`ALPHA`),
        ``arithmetic``.

    Raises
    ------
    ValueError
        If a printed value a check needs is missing, or the table is malformed
        (:class:`Paper`).

    Examples
    --------
    >>> from helpers.report.published import load_published
    >>> findings = audit(load_published())
    >>> findings.loc[~findings["consistent"], "claim"].head(1).tolist()
    ['table1.country.us.n [therapy]']
    """
    paper = published if isinstance(published, Paper) else Paper(published)
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(paper))
    return findings_frame(findings)


def summarize(findings: pd.DataFrame) -> pd.DataFrame:
    """Checks run and inconsistencies found, per kind of check.

    Parameters
    ----------
    findings : pandas.DataFrame
        :func:`audit`'s table.

    Returns
    -------
    pandas.DataFrame
        ``check``, ``checked``, ``inconsistent``, ``gross``, in the order the checks run.
    """
    return (
        findings.assign(inconsistent=~findings["consistent"])
        .groupby("check", sort=False)
        .agg(
            checked=("claim", "size"),
            inconsistent=("inconsistent", "sum"),
            gross=("gross", "sum"),
        )
        .reset_index()
    )
