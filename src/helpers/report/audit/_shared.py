"""What the audit's checks share: the paper's alpha and CI level, group sizes, sums in words."""

from __future__ import annotations

from helpers.design import ALPHA_LEVEL, CONF_LEVEL
from helpers.report.intervals import Paper

#: The significance level of "gross" inconsistencies: the paper's (statcheck's default).
ALPHA = ALPHA_LEVEL
#: The t quantile of the paper's two-sided confidence intervals.
QUANTILE = (1 + CONF_LEVEL) / 2


def group_size(paper: Paper, group: str) -> float:
    """The printed size of a utilization group, or of the analysed cohort ("total", "all")."""
    if group in ("total", "all"):
        return paper.value("cohort.analyzed", "all")
    return paper.value(f"cohort.utilization.{group}.n", "all")


def sum_text(values: list[float]) -> str:
    """``a + b + c = total``, for the arithmetic of a finding."""
    return " + ".join(f"{v:g}" for v in values) + f" = {sum(values):g}"
