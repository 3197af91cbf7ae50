"""Audit the paper's printed numbers against each other, before looking at any data.

Each check recomputes one printed number from others and carries their
rounding through the arithmetic (:mod:`helpers.report.intervals`, after
statcheck and GRIM): a p from its test statistic and df, a CI from its estimate
and SE, a total from its groups, a percentage from its counts. The printed
number is consistent when it overlaps the recomputed range, and an
inconsistent p-value is gross when it lies on the other side of :data:`ALPHA`.
The checks of nonparametric tests, Tukey p from group means, regression tables
and model comparisons are ours.

:func:`findings_report` says each inconsistency in a sentence, as a contradiction
or an omission, most serious first (:mod:`helpers.report.audit.findings`), and
:func:`restated` lists what the abstract prints differently from the results.

The groups, pairs, terms and moderators come from :mod:`helpers.design`, the
keys from :mod:`helpers.claims`. Only the report uses this module; it reads
printed values, never data.
"""

from __future__ import annotations

import pandas as pd

from helpers.report.audit._checks import CHECKS as CHECKS  # every check, in order
from helpers.report.audit._checks import run_checks
from helpers.report.audit._shared import ALPHA
from helpers.report.audit.change import infer_d_variant
from helpers.report.audit.findings import findings_markdown, findings_report, restated
from helpers.report.audit.nonparametric import infer_p_adjustment
from helpers.report.intervals import Finding, Paper, findings_frame

__all__ = [
    "ALPHA",
    "Finding",
    "Paper",
    "audit",
    "findings_markdown",
    "findings_report",
    "infer_d_variant",
    "infer_p_adjustment",
    "restated",
    "summarize",
]


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
    return findings_frame(run_checks(paper))


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
