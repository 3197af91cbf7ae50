"""Every check of the audit, in the order of the paper, and running them on one paper."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from helpers.report.audit.change import anova, cohen_d, mean_change
from helpers.report.audit.cohort import count_totals, percentages, repeated, weighted_totals
from helpers.report.audit.nonparametric import (
    dunn,
    kruskal,
    kruskal_from_dunn,
    spearman,
    wilcoxon,
)
from helpers.report.audit.regression import coefficients, model_fit
from helpers.report.intervals import Finding, Paper

#: Every check, in the order of the paper.
CHECKS: tuple[Callable[[Paper], Iterable[Finding]], ...] = (
    count_totals,
    percentages,
    weighted_totals,
    repeated,
    kruskal,
    kruskal_from_dunn,
    dunn,
    wilcoxon,
    spearman,
    mean_change,
    cohen_d,
    anova,
    coefficients,
    model_fit,
)


def run_checks(paper: Paper) -> list[Finding]:
    """Every check's findings on ``paper``, in the order of the paper."""
    return [item for check in CHECKS for item in check(paper)]
